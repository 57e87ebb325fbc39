"""PyNaCl (libsodium) ed25519 verifications per second on one core, for the
benchmark's request message: the Python baseline's ceiling."""
import json
import time

import nacl.signing

sk = nacl.signing.SigningKey(bytes(32))
msg = (b"1234567890.5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY."
       b"5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty.f81d4fae-7dec-11d0-a765-00a0c91e6bf6."
       b"a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a")
sig = sk.sign(msg).signature
vk = sk.verify_key
n, start = 0, time.perf_counter()
while time.perf_counter() - start < 3:
    for _ in range(100):
        vk.verify(msg, sig)
    n += 100
print(json.dumps({"bench": "ceiling", "pynacl_ed25519_verify_per_s": n / (time.perf_counter() - start)}))
