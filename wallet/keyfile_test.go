package wallet

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// Known answers: K2, a mnemonic with the keys Bittensor 6.x derives from it
// and the keyfile it writes (its tests/unit_tests/test_keyfile.py).
const (
	k2Phrase  = "old leopard transfer rib spatial phone calm indicate online fire caution review"
	k2Seed    = "0xda3cf5b1e9144931a0f0db65664aab662673b099415a7f8121b7245fb0be4143"
	k2Private = "0x1f1995bdf3a17b60626a26cfe6f564b337d46056b7a1281b64c649d592ccda0a9cffd34d9fb01cae1fba61aeed184c817442a2186d5172416729a4b54dd4b84e"
	k2Pub     = "0xe4359ad3e2716c539a1d663ebd0a51bdc5c98a12e663bb4c4402db47828c9446"
	k2SS58    = "5HDvhV6WDCjCKyrXqGQSDYqQAzkzabNhctmiDYEqgBC66BsX"

	// k2Plaintext is the exact 416-byte keyfile of K2 written by 6.0–6.10.
	k2Plaintext = `{"accountId": "0xe4359ad3e2716c539a1d663ebd0a51bdc5c98a12e663bb4c4402db47828c9446", "publicKey": "0xe4359ad3e2716c539a1d663ebd0a51bdc5c98a12e663bb4c4402db47828c9446", "secretPhrase": "old leopard transfer rib spatial phone calm indicate online fire caution review", "secretSeed": "0xda3cf5b1e9144931a0f0db65664aab662673b099415a7f8121b7245fb0be4143", "ss58Address": "5HDvhV6WDCjCKyrXqGQSDYqQAzkzabNhctmiDYEqgBC66BsX"}`

	// legacyPub and legacyPubJSON: test_legacy_coldkey of the Python SDK.
	legacyPub     = "0x32939b6abc4d81f02dff04d2b8d1d01cc8e71c5e4c7492e4fa6a238cdca3512f"
	legacyPubJSON = `{"accountId": "0x32939b6abc4d81f02dff04d2b8d1d01cc8e71c5e4c7492e4fa6a238cdca3512f", "publicKey": "0x32939b6abc4d81f02dff04d2b8d1d01cc8e71c5e4c7492e4fa6a238cdca3512f", "secretPhrase": null, "secretSeed": null, "ss58Address": "5DD26kC2kxajmwfbbZmVmxhrY9VeeyR1Gpzy9i8wxLUg6zxm"}`
	legacySS58    = "5DD26kC2kxajmwfbbZmVmxhrY9VeeyR1Gpzy9i8wxLUg6zxm"
)

func k2(t *testing.T) *Keypair {
	t.Helper()
	kp, err := KeypairFromMnemonic(k2Phrase)
	if err != nil {
		t.Fatal(err)
	}
	return kp
}

func TestMarshalKeyfileK2(t *testing.T) {
	kp := k2(t)
	got := string(MarshalKeyfile(kp, LayoutPython60))
	if got != k2Plaintext {
		t.Errorf("6.0 layout:\n got %s\nwant %s", got, k2Plaintext)
	}
	if len(got) != 416 {
		t.Errorf("6.0 layout is %d bytes, want 416", len(got))
	}
	want611 := strings.Replace(k2Plaintext, `"secretPhrase"`, `"privateKey": "`+k2Private+`", "secretPhrase"`, 1)
	if got := string(MarshalKeyfile(kp, LayoutPython)); got != want611 {
		t.Errorf("6.11 layout:\n got %s\nwant %s", got, want611)
	}
	// A public-only key writes nulls.
	pubOnly := string(MarshalKeyfile(kp.PublicOnly(), LayoutPython))
	if !strings.Contains(pubOnly, `"privateKey": null, "secretPhrase": null, "secretSeed": null`) {
		t.Errorf("public-only keyfile: %s", pubOnly)
	}
}

func TestLegacyColdkeypubVector(t *testing.T) {
	for _, data := range []string{legacyPub, legacyPub + "\n"} {
		kp, err := ParseKeyfile([]byte(data))
		if err != nil {
			t.Fatal(err)
		}
		if kp.HasSecret() || kp.SS58Address() != legacySS58 {
			t.Errorf("legacy pub: %s secret=%v", kp.SS58Address(), kp.HasSecret())
		}
		// Re-serialised as 6.x does after encrypt+decrypt.
		if got := string(MarshalKeyfile(kp, LayoutPython60)); got != legacyPubJSON {
			t.Errorf("got  %s\nwant %s", got, legacyPubJSON)
		}
	}
}

func TestParseKeyfileDialects(t *testing.T) {
	alice, err := KeypairFromURI("//Alice")
	if err != nil {
		t.Fatal(err)
	}
	alicePriv, _ := alice.PrivateKey()
	aliceSoft, err := KeypairFromURI("//Alice/soft")
	if err != nil {
		t.Fatal(err)
	}
	softPriv, _ := aliceSoft.PrivateKey()

	tests := []struct {
		name       string
		data       string
		wantSS58   string
		wantSecret bool
		wantPhrase bool
	}{
		{"python 6.0", k2Plaintext, k2SS58, true, true},
		{"python 6.11", string(MarshalKeyfile(k2(t), LayoutPython)), k2SS58, true, true},
		{"btwallet compact shuffled", `{"ss58Address":"` + k2SS58 + `","privateKey":"` + k2Private + `","secretSeed":"` + k2Seed + `","publicKey":"` + k2Pub + `","secretPhrase":"` + k2Phrase + `","accountId":"` + k2Pub + `"}`, k2SS58, true, true},
		{"btwallet without phrase and seed", `{"privateKey":"` + k2Private + `","accountId":"` + k2Pub + `","ss58Address":"` + k2SS58 + `"}`, k2SS58, true, false},
		{"seed only (regen --seed)", `{"accountId": "` + k2Pub + `", "publicKey": "` + k2Pub + `", "secretPhrase": null, "secretSeed": "` + k2Seed + `", "ss58Address": "` + k2SS58 + `"}`, k2SS58, true, false},
		{"seed without 0x", `{"secretSeed": "` + k2Seed[2:] + `"}`, k2SS58, true, false},
		{"6.11 URI key: privateKey only", `{"accountId": null, "publicKey": null, "privateKey": "0x` + hexOf(alicePriv) + `", "secretPhrase": null, "secretSeed": null, "ss58Address": "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"}`, "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", true, false},
		{"soft-derived privateKey", `{"privateKey":"0x` + hexOf(softPriv) + `"}`, aliceSoft.SS58Address(), true, false},
		{"6.0 URI key reloads public-only", `{"accountId": "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d", "publicKey": "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d", "secretPhrase": null, "secretSeed": null, "ss58Address": "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"}`, "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", false, false},
		{"coldkeypub 6.x", legacyPubJSON, legacySS58, false, false},
		{"public key only", `{"publicKey":"` + k2Pub + `"}`, k2SS58, false, false},
		{"account id only", `{"accountId":"` + k2Pub + `"}`, k2SS58, false, false},
		{"pretty printed with newline", "{\n  \"secretPhrase\": \"" + k2Phrase + "\",\n  \"ss58Address\": \"" + k2SS58 + "\"\n}\n", k2SS58, true, true},
		{"unknown extra fields", `{"cryptoType":1,"ss58Address":"` + k2SS58 + `","meta":{"a":[1]}}`, k2SS58, false, false},
		{"legacy 0x pub", legacyPub, legacySS58, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kp, err := ParseKeyfile([]byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if kp.SS58Address() != tt.wantSS58 {
				t.Errorf("address %s, want %s", kp.SS58Address(), tt.wantSS58)
			}
			if kp.HasSecret() != tt.wantSecret {
				t.Errorf("HasSecret = %v, want %v", kp.HasSecret(), tt.wantSecret)
			}
			if (kp.Mnemonic() != "") != tt.wantPhrase {
				t.Errorf("mnemonic kept = %v, want %v", kp.Mnemonic() != "", tt.wantPhrase)
			}
			if kp.HasSecret() {
				sig, err := kp.Sign([]byte("msg"))
				if err != nil || !kp.Verify([]byte("msg"), sig) {
					t.Errorf("loaded key does not sign: %v", err)
				}
			}
			// Written back in our layout, it reads as the same key.
			again, err := ParseKeyfile(MarshalKeyfile(kp, LayoutPython))
			if err != nil || again.SS58Address() != kp.SS58Address() || again.HasSecret() != kp.HasSecret() {
				t.Errorf("round trip: %v", err)
			}
		})
	}
}

func TestParseKeyfileErrors(t *testing.T) {
	otherSeed := "0x" + strings.Repeat("11", 32)
	tests := []struct {
		name    string
		data    string
		wantErr error
		want    string // in the message
	}{
		{"empty", "", ErrKeyfileCorrupt, "empty"},
		{"spaces", "  \n", ErrKeyfileCorrupt, "empty"},
		{"binary", "\x00\x01\x02garbage", ErrUnknownFormat, "neither JSON"},
		{"text", "hello world", ErrUnknownFormat, "neither JSON"},
		{"truncated JSON", k2Plaintext[:200], ErrKeyfileCorrupt, "JSON does not parse"},
		{"JSON array", `["a"]`, ErrUnknownFormat, "neither JSON"},
		{"no key fields", `{"name": "x"}`, ErrKeyfileCorrupt, "none of"},
		{"all null", `{"accountId": null, "secretPhrase": null}`, ErrKeyfileCorrupt, "none of"},
		{"number field", `{"secretSeed": 12}`, ErrKeyfileCorrupt, "secretSeed is not a string"},
		{"phrase word count", `{"secretPhrase": "old leopard transfer"}`, ErrBadMnemonic, "3 words"},
		{"phrase unknown word", `{"secretPhrase": "old leopard transfer rib spatial phone calm indicate online fire caution zzzz"}`, ErrKeyfileCorrupt, "word 12 is not"},
		{"phrase checksum", `{"secretPhrase": "leopard old transfer rib spatial phone calm indicate online fire caution review"}`, ErrKeyfileCorrupt, "checksum"},
		{"seed not hex", `{"secretSeed": "0x` + strings.Repeat("zz", 32) + `"}`, ErrKeyfileCorrupt, "secretSeed is not a valid 32-byte key"},
		{"seed short", `{"secretSeed": "0xabcd"}`, ErrKeyfileCorrupt, "secretSeed"},
		{"seed contradicts phrase", `{"secretPhrase": "` + k2Phrase + `", "secretSeed": "` + otherSeed + `"}`, ErrKeyfileCorrupt, "does not belong"},
		{"ss58 contradicts seed", `{"secretSeed": "` + k2Seed + `", "ss58Address": "` + legacySS58 + `"}`, ErrKeyfileCorrupt, "ss58Address does not match"},
		{"publicKey contradicts seed", `{"secretSeed": "` + k2Seed + `", "publicKey": "` + legacyPub + `"}`, ErrKeyfileCorrupt, "publicKey does not match"},
		{"bad ss58", `{"ss58Address": "5HDvhV6WDCjCKyrXqGQSDYqQAzkzabNhctmiDYEqgBC66BsY"}`, ErrKeyfileCorrupt, "checksum"},
		{"private key short", `{"privateKey": "0x1234"}`, ErrKeyfileCorrupt, "privateKey"},
		{"legacy pub short", "0x1234", ErrKeyfileCorrupt, "legacy 0x public key"},
		{"legacy pub not hex", "0x" + strings.Repeat("g", 64), ErrKeyfileCorrupt, "legacy 0x public key"},
		{"encrypted", "$NACL" + strings.Repeat("\x00", 60), ErrKeyfileCorrupt, "encrypted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseKeyfile([]byte(tt.data))
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want %v mentioning %q", err, tt.wantErr, tt.want)
			}
			// No secret material from the file appears in the message.
			for _, secret := range []string{"zzzz", "leopard", strings.Repeat("zz", 4), "1111111111", k2Seed[2:12]} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q quotes secret material %q", err, secret)
				}
			}
		})
	}
}

func TestCheckMnemonic(t *testing.T) {
	if err := CheckMnemonic(k2Phrase); err != nil {
		t.Fatal(err)
	}
	if err := CheckMnemonic("OLD  Leopard transfer rib spatial phone calm indicate online fire caution review"); err != nil {
		t.Errorf("case and spacing: %v", err)
	}
	tests := []struct{ phrase, want string }{
		{"old leopard", "2 words"},
		{"old leopard transfer rib spatial phone calm indicate online fire caution revieww", "word 12 is not"},
		{"leopard old transfer rib spatial phone calm indicate online fire caution review", "checksum"},
	}
	for _, tt := range tests {
		err := CheckMnemonic(tt.phrase)
		if !errors.Is(err, ErrBadMnemonic) || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "revieww") {
			t.Errorf("%q: %v, want %q", tt.phrase, err, tt.want)
		}
	}
}

func TestPyQuoteEnsureASCII(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"abc", `"abc"`},
		{`a"b\c`, `"a\"b\\c"`},
		{"tab\tnl\n", `"tab\tnl\n"`},
		{"\x01", `"\u0001"`},
		{"é", `"\u00e9"`},
		{"😀", `"\ud83d\ude00"`},
	} {
		var buf bytes.Buffer
		pyQuote(&buf, tt.in)
		if got := buf.String(); got != tt.want {
			t.Errorf("pyQuote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func hexOf(b []byte) string { return hex.EncodeToString(b) }
