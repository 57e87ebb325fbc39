#!/usr/bin/python3
"""Baseline for BENCHMARKS.md: the same keyfile operations in libsodium
(PyNaCl) and CPython's hashlib. Run from wallet/: /usr/bin/python3 testdata/bench_pynacl.py"""
import hashlib
import time

import nacl.pwhash
import nacl.secret

SALT = b"\x13q\x83\xdf\xf1Z\t\xbc\x9c\x90\xb5Q\x879\xe9\xb1"
data = open("testdata/nacl_pynacl.bin", "rb").read()
runs = []
for _ in range(3):
    t = time.perf_counter()
    key = nacl.pwhash.argon2i.kdf(32, b"bittensor-test", SALT,
                                  opslimit=nacl.pwhash.argon2i.OPSLIMIT_SENSITIVE,
                                  memlimit=nacl.pwhash.argon2i.MEMLIMIT_SENSITIVE)
    nacl.secret.SecretBox(key).decrypt(data[5:])
    runs.append(time.perf_counter() - t)
print("PyNaCl $NACL decrypt, s/op:", " ".join("%.2f" % r for r in runs))
t = time.perf_counter()
hashlib.pbkdf2_hmac("sha256", b"bittensor-test",
                    b"Iguesscyborgslikemyselfhaveatendencytobeparanoidaboutourorigins", 10_000_000, 32)
print("hashlib PBKDF2-SHA256 10,000,000 rounds, s: %.2f" % (time.perf_counter() - t))
