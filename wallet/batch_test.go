package wallet

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
)

// VerifyBatch gives, entry by entry, exactly Verify's answers, whatever mix
// of good, forged, <Bytes>-wrapped and malformed signatures a batch holds.
func TestVerifyBatch(t *testing.T) {
	alice, _ := KeypairFromURI("//Alice")
	bob, _ := KeypairFromURI("//Bob")
	type entry struct {
		key      *Keypair
		msg, sig []byte
	}
	good := func(k *Keypair, m string) entry {
		sig, err := k.Sign([]byte(m))
		if err != nil {
			t.Fatal(err)
		}
		return entry{k.PublicOnly(), []byte(m), sig}
	}
	wrapped := func(k *Keypair, m string) entry {
		e := good(k, "<Bytes>"+m+"</Bytes>")
		e.msg = []byte(m)
		return e
	}
	flip := func(e entry) entry {
		e.sig = slices.Clone(e.sig)
		e.sig[7] ^= 1
		return e
	}
	wrongKey := func(e entry) entry { e.key = bob; return e }
	short := func(e entry) entry { e.sig = e.sig[:63]; return e }
	badScalar := func(e entry) entry { // s not canonical: the signature does not parse
		e.sig = slices.Clone(e.sig)
		e.sig[63] = 0x7f
		return e
	}
	many := func(n int) []entry {
		var es []entry
		for i := range n {
			es = append(es, good(alice, "m"+strconv.Itoa(i)))
		}
		return es
	}
	cases := []struct {
		name    string
		entries []entry
		want    []bool
	}{
		{"one good", []entry{good(alice, "a")}, []bool{true}},
		{"one forged", []entry{flip(good(alice, "a"))}, []bool{false}},
		{"all good", many(16), slices.Repeat([]bool{true}, 16)},
		{"two keys", []entry{good(alice, "a"), good(bob, "b"), good(alice, "c")}, []bool{true, true, true}},
		{"one forged among good", append(many(5), flip(good(alice, "x"))), []bool{true, true, true, true, true, false}},
		{"wrong key", []entry{good(alice, "a"), wrongKey(good(alice, "b"))}, []bool{true, false}},
		{"wrapped", []entry{good(alice, "a"), wrapped(alice, "b"), good(bob, "c")}, []bool{true, true, true}},
		{"malformed", []entry{short(good(alice, "a")), good(alice, "b"), badScalar(good(alice, "c"))}, []bool{false, true, false}},
		{"none valid", []entry{short(good(alice, "a")), badScalar(good(bob, "b"))}, []bool{false, false}},
		{"empty", nil, []bool{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var keys []*Keypair
			var msgs, sigs [][]byte
			for _, e := range tc.entries {
				keys, msgs, sigs = append(keys, e.key), append(msgs, e.msg), append(sigs, e.sig)
			}
			got := VerifyBatch(keys, msgs, sigs)
			if !slices.Equal(got, tc.want) {
				t.Errorf("VerifyBatch = %v, want %v", got, tc.want)
			}
			for i, e := range tc.entries {
				if v := e.key.Verify(e.msg, e.sig); v != tc.want[i] {
					t.Errorf("entry %d: Verify = %v, want %v (test case is wrong)", i, v, tc.want[i])
				}
			}
		})
	}
}

func TestVerifyBatchLengthMismatch(t *testing.T) {
	alice, _ := KeypairFromURI("//Alice")
	defer func() {
		if recover() == nil {
			t.Error("no panic for mismatched lengths")
		}
	}()
	VerifyBatch([]*Keypair{alice}, nil, nil)
}

// BenchmarkVerifyBatch is the cost per batch; divide by n for the cost per
// signature, against BenchmarkVerify.
func BenchmarkVerifyBatch(b *testing.B) {
	kp, _ := KeypairFromMnemonic(k2Phrase)
	for _, n := range []int{1, 2, 4, 8, 16, 32} {
		keys := make([]*Keypair, n)
		msgs := make([][]byte, n)
		sigs := make([][]byte, n)
		for i := range n {
			keys[i] = kp
			msgs[i] = fmt.Appendf(nil, "%s %d", benchMsg, i)
			sigs[i], _ = kp.Sign(msgs[i])
		}
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				for _, ok := range VerifyBatch(keys, msgs, sigs) {
					if !ok {
						b.Fatal("invalid")
					}
				}
			}
		})
	}
}
