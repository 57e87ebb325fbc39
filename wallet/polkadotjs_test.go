package wallet

import (
	"errors"
	"strings"
	"testing"
)

// Published Polkadot-JS exports: the polkadot_js_compat test vectors of
// subxt-signer (Alice with password "whoisalice", a Bob export with
// "whoisbob"), as exported by the Polkadot-JS extension.
const (
	pjsAlice = `{
  "encoded": "DumgApKCTqoCty1OZW/8WS+sgo6RdpHhCwAkA2IoDBMAgAAAAQAAAAgAAAB6IG/q24EeVf0JqWqcBd5m2tKq5BlyY84IQ8oamLn9DZe9Ouhgunr7i36J1XxUnTI801axqL/ym1gil0U8440Qvj0lFVKwGuxq38zuifgoj0B3Yru0CI6QKEvQPU5xxj4MpyxdSxP+2PnTzYao0HDH0fulaGvlAYXfqtU89xrx2/z9z7IjSwS3oDFPXRQ9kAdDebtyCVreZ9Otw9v3",
  "encoding": {"content": ["pkcs8", "sr25519"], "type": ["scrypt", "xsalsa20-poly1305"], "version": "3"},
  "address": "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
  "meta": {"genesisHash": "", "name": "Alice", "whenCreated": 1718265838755}
}`
	pjsBob = `{
  "encoded": "J2FFcPHAY11Pmq/38eqbwfUv9OPitYJs+oYgahBvlagAAAIAAQAAAAgAAAB5o0DwXCWDblsH+9pc++RaBO4fpHBHzUirHFHFE9yS3sDzgAIQjhgvPqJ3ODrMR2gy7vk0VZg1fyirIvmsrfjGbWnOI8YU0joX0tYytroyWaykFKtZJMmE0pNKcJ5dJmDxscbK53Ac+7ld2UdH07yKPXxmPuYNNw3vKx8cg9CdQgifKfzQxHnC+EUpOoHPLwGlHsFEYtIlQtngqd9n",
  "encoding": {"content": ["pkcs8", "sr25519"], "type": ["scrypt", "xsalsa20-poly1305"], "version": "3"},
  "address": "5CfWTDh7XxJ2yrayqQ2aJnnZAH5v5XaF1oJFfH5QCpbfP9v8",
  "meta": {"genesisHash": "", "name": "Bob", "whenCreated": 1768916488918}
}`
)

func TestPolkadotJSONVectors(t *testing.T) {
	alice, err := KeypairFromURI("//Alice")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, json, password, want string
	}{
		{"alice", pjsAlice, "whoisalice", alice.SS58Address()},
		{"bob", pjsBob, "whoisbob", "5CfWTDh7XxJ2yrayqQ2aJnnZAH5v5XaF1oJFfH5QCpbfP9v8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kp, err := KeypairFromPolkadotJSON([]byte(tt.json), tt.password)
			if err != nil {
				t.Fatal(err)
			}
			if kp.SS58Address() != tt.want || !kp.HasSecret() {
				t.Fatalf("address %s secret=%v", kp.SS58Address(), kp.HasSecret())
			}
			// The converted secret signs, and for Alice it is the
			// schnorrkel key of //Alice (same scalar).
			sig, err := kp.Sign([]byte("hello"))
			if err != nil || !Verify(kp.PublicKey(), []byte("hello"), sig) {
				t.Errorf("sign: %v", err)
			}
			if tt.name == "alice" {
				a, _ := alice.PrivateKey()
				b, _ := kp.PrivateKey()
				if hexOf(a[:32]) != hexOf(b[:32]) {
					t.Errorf("scalar %x, want %x", b[:32], a[:32])
				}
			}
			// It is stored with privateKey so that it reloads with its secret.
			again, err := ParseKeyfile(MarshalKeyfile(kp, LayoutPython))
			if err != nil || !again.HasSecret() || again.SS58Address() != tt.want {
				t.Errorf("keyfile round trip: %v", err)
			}
		})
	}
}

func TestPolkadotJSONErrors(t *testing.T) {
	tests := []struct {
		name, json, password string
		wantErr              error
		want                 string
	}{
		{"wrong password", pjsAlice, "whoisbob", ErrWrongPassword, "Polkadot-JS"},
		{"not json", "{", "x", ErrBadPolkadotJSON, "does not parse"},
		{"a btcli keyfile", k2Plaintext, "x", ErrBadPolkadotJSON, "encoded"},
		{"ed25519", strings.Replace(pjsAlice, `"sr25519"`, `"ed25519"`, 1), "whoisalice", ErrBadPolkadotJSON, "not sr25519"},
		{"version 2", strings.Replace(pjsAlice, `"type": ["scrypt", "xsalsa20-poly1305"]`, `"type": "xsalsa20-poly1305"`, 1), "whoisalice", ErrBadPolkadotJSON, "not supported"},
		{"truncated", strings.Replace(pjsAlice, "DumgApKCTqoCty1OZW/8WS+sgo6RdpHhCwAkA2IoDBMAgAAAAQAAAAgAAAB6IG/q", "DumgApKCTqoCty1O", 1), "whoisalice", ErrBadPolkadotJSON, ""},
		{"not base64", strings.Replace(pjsAlice, "DumgAp", "Dum!Ap", 1), "whoisalice", ErrBadPolkadotJSON, "base64"},
		{"wrong address", strings.Replace(pjsAlice, "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty", 1), "whoisalice", ErrBadPolkadotJSON, "does not match the address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := KeypairFromPolkadotJSON([]byte(tt.json), tt.password)
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %v mentioning %q", err, tt.wantErr, tt.want)
			}
		})
	}
}
