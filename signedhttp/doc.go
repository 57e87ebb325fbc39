// Package signedhttp is hotkey-signed HTTP between neurons, the way current
// Bittensor subnets talk: plain HTTP requests whose headers prove "sent by
// hotkey X, to hotkey Y, with exactly this body, recently". It works with
// any net/http server or client and knows two wire formats, each in its own
// package: btauth/1, the Bittensor SDK's identity layer (package
// signedhttp/btauth), and Epistula v2, used by many production subnets
// (package signedhttp/epistula). docs/signed-http.md describes both formats
// and their sources.
//
// A server puts a Guard in front of its handlers:
//
//	g, err := signedhttp.NewGuard(btauth.Protocol{}, myHotkey.SS58Address(), signedhttp.GuardOptions{
//		Admit: func(hotkey string) error { … registered validator with stake? … },
//	})
//	http.ListenAndServe(addr, g.Wrap(mux))
//
// and a handler finds the authenticated sender with CallerFrom(r.Context()).
// A client signs with a Transport (an http.RoundTripper) or a Client:
//
//	c := signedhttp.NewClient(&btauth.Signer{Key: hotkey}, signedhttp.ClientOptions{})
//	reply := signedhttp.PostJSON[Answer](ctx, c, signedhttp.Endpoint{Hotkey: miner, URL: "http://1.2.3.4:8091"}, "/topk", question)
//
// # Verification that stays cheap under attack
//
// The Guard runs its checks cheapest first and stops at the first refusal:
//
//  1. the caller's address has not sent too many bad signatures or
//     replays lately (429; GuardOptions.FailureRate);
//  2. the authentication headers are present, each within its size limit,
//     and well formed (401 MalformedAuth);
//  3. the request is signed for this server's hotkey (401 WrongReceiver);
//  4. its timestamp is within the freshness window (401 StaleRequest);
//  5. the claimed hotkey is admitted (403; GuardOptions.Admit, e.g. a
//     metagraph allow-list by registration, validator permit and stake);
//  6. the claimed hotkey's rate limit has a token left (429), checked
//     without taking one, so nobody can spend another hotkey's tokens;
//  7. the body fits GuardOptions.MaxBodyBytes (413) and a slot is free
//     among GuardOptions.MaxInFlight (503);
//  8. the body is read and the signature verified (401 BadSignature): the
//     first and only public-key work, done for admitted hotkeys only;
//  9. the (hotkey, nonce) pair is new (401 ReplayedRequest): the replay
//     store is written only now, after a valid signature, so forged
//     traffic cannot fill it or poison it against a real sender;
//  10. a token is taken from the verified hotkey's rate limit (429).
//
// Refusals carry a JSON body {"error": "<class>", "message": "<why>"};
// messages never echo a signature or a signed payload. A Client turns them
// back into errors that match this package's sentinels with errors.Is.
package signedhttp
