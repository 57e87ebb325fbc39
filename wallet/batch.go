package wallet

import (
	"fmt"

	"github.com/oasisprotocol/curve25519-voi/primitives/sr25519"
)

// VerifyBatch reports, for each i, whether sigs[i] is a valid signature of
// msgs[i] by keys[i]: exactly what keys[i].Verify(msgs[i], sigs[i]) reports,
// including the <Bytes> wrapping. It checks the plain signatures together
// first, with one multi-scalar multiplication under random weights (from
// crypto/rand), which costs far less per signature than checking them one
// by one when they are all valid; a batch that holds an invalid one passes
// with probability about 2^-128. When the batch fails, each signature is
// checked on its own, so the answer is the same as Verify's; the failed
// batch is then extra work, so callers facing many bad signatures should
// call Verify instead.
//
// keys, msgs and sigs must have the same length; VerifyBatch panics
// otherwise (a caller bug). It is safe for concurrent use.
func VerifyBatch(keys []*Keypair, msgs, sigs [][]byte) []bool {
	n := len(keys)
	if len(msgs) != n || len(sigs) != n {
		panic(fmt.Sprintf("wallet: VerifyBatch of %d keys, %d messages, %d signatures", n, len(msgs), len(sigs)))
	}
	ok := make([]bool, n)
	if n == 1 {
		ok[0] = keys[0].Verify(msgs[0], sigs[0])
		return ok
	}
	bv := sr25519.NewBatchVerifierWithCapacity(n)
	parsed := make([]*sr25519.Signature, n)
	added := make([]int, 0, n) // index in keys of each batch entry
	for i := range keys {
		if len(sigs[i]) != SignatureSize {
			continue
		}
		s, err := sr25519.NewSignatureFromBytes(sigs[i])
		if err != nil {
			continue
		}
		parsed[i] = s
		bv.Add(keys[i].pub, signingContext.NewTranscriptBytes(msgs[i]), s)
		added = append(added, i)
	}
	if len(added) == 0 {
		return ok
	}
	_, valid := bv.Verify(nil)
	for j, i := range added {
		ok[i] = valid[j]
		if !ok[i] {
			ok[i] = keys[i].pub.Verify(signingContext.NewTranscriptBytes(wrapBytes(msgs[i])), parsed[i])
		}
	}
	return ok
}

// wrapBytes returns "<Bytes>"+msg+"</Bytes>", what Polkadot-JS extensions
// sign.
func wrapBytes(msg []byte) []byte {
	wrapped := make([]byte, 0, len(msg)+len("<Bytes></Bytes>"))
	wrapped = append(wrapped, "<Bytes>"...)
	wrapped = append(wrapped, msg...)
	return append(wrapped, "</Bytes>"...)
}
