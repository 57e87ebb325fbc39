#!/usr/bin/python3
"""Regenerates the legacy and interop keyfile fixtures in this directory.

Run with Debian's python3 (python3-nacl, python3-cryptography) and ansible-core:
    /usr/bin/python3 make_vectors.py
The fixtures are committed; tests only read them. Each is made with the other
tool's own library, following Bittensor 6.x's keyfile.py:
  * nacl_pynacl.bin       PyNaCl: argon2i kdf (SENSITIVE limits, fixed salt) + SecretBox
  * fernet_legacy.txt     cryptography.fernet with the PBKDF2 (10,000,000 rounds) key
  * ansible_vault.txt     the ansible-vault command (ansible-core), vault 1.1 AES256
  * wallets/py6/...       a 6.x wallet directory (json.dumps layout, NaCl coldkey)
  * wallets/btwallet/...  a btwallet directory (compact JSON, shuffled keys, nulls omitted)
"""
import base64, hashlib, json, os, random, subprocess, tempfile

import nacl.pwhash, nacl.secret, nacl.utils
from cryptography.fernet import Fernet

PASSWORD = "bittensor-test"
NACL_SALT = b"\x13q\x83\xdf\xf1Z\t\xbc\x9c\x90\xb5Q\x879\xe9\xb1"
LEGACY_SALT = b"Iguesscyborgslikemyselfhaveatendencytobeparanoidaboutourorigins"

# K2: the mnemonic of Bittensor's tests/unit_tests/test_keyfile.py.
K2 = {
    "accountId": "0xe4359ad3e2716c539a1d663ebd0a51bdc5c98a12e663bb4c4402db47828c9446",
    "publicKey": "0xe4359ad3e2716c539a1d663ebd0a51bdc5c98a12e663bb4c4402db47828c9446",
    "secretPhrase": "old leopard transfer rib spatial phone calm indicate online fire caution review",
    "secretSeed": "0xda3cf5b1e9144931a0f0db65664aab662673b099415a7f8121b7245fb0be4143",
    "ss58Address": "5HDvhV6WDCjCKyrXqGQSDYqQAzkzabNhctmiDYEqgBC66BsX",
}
K2_PRIVATE = "0x1f1995bdf3a17b60626a26cfe6f564b337d46056b7a1281b64c649d592ccda0a9cffd34d9fb01cae1fba61aeed184c817442a2186d5172416729a4b54dd4b84e"
# K1 (dev phrase) as a hotkey.
K1 = {
    "accountId": "0x46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a",
    "publicKey": "0x46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a",
    "secretPhrase": "bottom drive obey lake curtain smoke basket hold race lonely fit walk",
    "secretSeed": "0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e",
    "ss58Address": "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV",
}


def nacl_encrypt(data: bytes, password: str) -> bytes:
    key = nacl.pwhash.argon2i.kdf(
        nacl.secret.SecretBox.KEY_SIZE, password.encode(), NACL_SALT,
        opslimit=nacl.pwhash.argon2i.OPSLIMIT_SENSITIVE,
        memlimit=nacl.pwhash.argon2i.MEMLIMIT_SENSITIVE)
    return b"$NACL" + nacl.secret.SecretBox(key).encrypt(data)


def write(path, data: bytes):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, 0o600)


def pub_only(d):
    return {"accountId": d["accountId"], "publicKey": d["publicKey"], "secretPhrase": None,
            "secretSeed": None, "ss58Address": d["ss58Address"]}


def compact_shuffled(d, seed):
    items = [(k, v) for k, v in d.items() if v is not None]
    random.Random(seed).shuffle(items)
    return json.dumps(dict(items), separators=(",", ":")).encode()


def main():
    k2_json = json.dumps(K2).encode()

    write("nacl_pynacl.bin", nacl_encrypt(k2_json, PASSWORD))

    raw = hashlib.pbkdf2_hmac("sha256", PASSWORD.encode(), LEGACY_SALT, 10_000_000, 32)
    write("fernet_legacy.txt", Fernet(base64.urlsafe_b64encode(raw)).encrypt(k2_json))

    with tempfile.TemporaryDirectory() as tmp:
        pwfile, plain = os.path.join(tmp, "pw"), os.path.join(tmp, "key")
        open(pwfile, "w").write(PASSWORD)
        open(plain, "wb").write(k2_json)
        subprocess.run(["ansible-vault", "encrypt", "--vault-password-file", pwfile, plain], check=True)
        write("ansible_vault.txt", open(plain, "rb").read())

    # A Python 6.x wallet: encrypted coldkey, 6.x coldkeypub.txt, plain hotkey.
    write("wallets/py6/coldkey", nacl_encrypt(k2_json, PASSWORD))
    write("wallets/py6/coldkeypub.txt", json.dumps(pub_only(K2)).encode())
    write("wallets/py6/hotkeys/default", json.dumps(K1).encode())

    # A btwallet 4.x wallet: compact JSON with privateKey, nulls omitted,
    # hotkey pub file; the coldkey is a plain keyfile here so that this
    # fixture costs no KDF to open (nacl_pynacl.bin covers encryption).
    k2_bt = dict(K2, privateKey=K2_PRIVATE)
    write("wallets/btwallet/coldkey", compact_shuffled(k2_bt, 1))
    write("wallets/btwallet/coldkeypub.txt", compact_shuffled(pub_only(K2), 2))
    write("wallets/btwallet/hotkeys/default", compact_shuffled(K1, 3))
    write("wallets/btwallet/hotkeys/defaultpub.txt", compact_shuffled(pub_only(K1), 4))


if __name__ == "__main__":
    main()
