"""Baseline axon for the wire benchmark: the request path of a Bittensor 6.x
Python axon on the same stack (FastAPI + Starlette BaseHTTPMiddleware,
uvicorn, pydantic v1), with python3-nacl ed25519 standing in for sr25519.

Per request it does what the 6.x axon does before and after the user's
forward: parse the bt_header_* headers into pydantic models, check the
nonce per (hotkey, uuid), decode the SS58 hotkey and verify one signature
over "<nonce>.<dendrite hotkey>.<axon hotkey>.<uuid>.<body hash>", parse the
JSON body into the synapse model, recompute the SHA3-256 body hash from
Python str() of the hashed fields, run a trivial forward, and answer with
the synapse as JSON and its headers. It does not sign its answers (the
brief's "equivalent work" is one verification per request).

Run: /usr/bin/python3 baseline.py PORT AXON_HOTKEY_SS58
"""

import base64
import hashlib
import json
import sys
import time
from typing import List, Optional

import nacl.exceptions
import nacl.signing
import pydantic
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.middleware.base import BaseHTTPMiddleware

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def ss58_decode(addr: str) -> bytes:
    n = 0
    for c in addr:
        n = n * 58 + B58.index(c)
    raw = n.to_bytes(35, "big")  # prefix(1) + key(32) + checksum(2)
    check = hashlib.blake2b(b"SS58PRE" + raw[:33], digest_size=64).digest()[:2]
    if raw[0] != 42 or check != raw[33:]:
        raise ValueError("bad SS58 address")
    return raw[1:33]


def sha3(s: str) -> str:
    return hashlib.sha3_256(s.encode()).hexdigest()


class TerminalInfo(pydantic.BaseModel):
    status_code: Optional[int] = None
    status_message: Optional[str] = None
    process_time: Optional[float] = None
    ip: Optional[str] = None
    port: Optional[int] = None
    version: Optional[int] = None
    nonce: Optional[int] = None
    uuid: Optional[str] = None
    hotkey: Optional[str] = None
    signature: Optional[str] = None

    class Config:
        validate_assignment = True


class Synapse(pydantic.BaseModel):
    name: Optional[str] = None
    timeout: Optional[float] = 12.0
    total_size: Optional[int] = 0
    header_size: Optional[int] = 0
    dendrite: Optional[TerminalInfo] = TerminalInfo()
    axon: Optional[TerminalInfo] = TerminalInfo()
    computed_body_hash: Optional[str] = ""
    required_hash_fields: Optional[List[str]] = []

    class Config:
        validate_assignment = True

    @property
    def body_hash(self) -> str:
        hashes = []
        for field, value in self.dict().items():
            if field in self.required_hash_fields:
                hashes.append(sha3(str(value)))
        return sha3("".join(hashes))

    def to_headers(self) -> dict:
        headers = {"name": self.name, "timeout": str(self.timeout)}
        for prefix, info in (("bt_header_axon_", self.axon), ("bt_header_dendrite_", self.dendrite)):
            for k, v in info.dict().items():
                if v is not None:
                    headers[prefix + k] = str(v)
        for field in self.__fields__:
            f = self.__fields__[field]
            value = getattr(self, field)
            if f.required and value is not None:
                headers["bt_header_input_obj_" + field] = base64.b64encode(
                    json.dumps(value.__class__()).encode()).decode()
        headers["header_size"] = str(sys.getsizeof(headers))
        headers["total_size"] = str(self.total_size)
        headers["computed_body_hash"] = self.body_hash
        return headers

    @classmethod
    def from_headers(cls, headers) -> "Synapse":
        inputs = {"axon": {}, "dendrite": {}}
        for key, value in headers.items():
            if "bt_header_axon_" in key:
                inputs["axon"][key.split("bt_header_axon_")[1]] = value
            elif "bt_header_dendrite_" in key:
                inputs["dendrite"][key.split("bt_header_dendrite_")[1]] = value
            elif "bt_header_input_obj_" in key:
                inputs[key.split("bt_header_input_obj_")[1]] = json.loads(base64.b64decode(value.encode()).decode())
        for key in ("timeout", "name", "header_size", "total_size", "computed_body_hash"):
            if key in headers:
                inputs[key] = headers[key]
        return cls(**inputs)


class dummy(Synapse):
    dummy_input: int
    dummy_output: Optional[int] = None
    required_hash_fields: Optional[List[str]] = pydantic.Field(["dummy_input"], allow_mutation=False)


SYNAPSES = {"Synapse": Synapse, "dummy": dummy}
AXON_HOTKEY = sys.argv[2] if len(sys.argv) > 2 else ""
NONCES = {}


def verify(syn: Synapse) -> None:
    d = syn.dendrite
    message = f"{d.nonce}.{d.hotkey}.{AXON_HOTKEY}.{d.uuid}.{syn.computed_body_hash}"
    key = f"{d.hotkey}:{d.uuid}"
    if key in NONCES and d.nonce <= NONCES[key]:
        raise Exception("Nonce is too small")
    try:
        nacl.signing.VerifyKey(ss58_decode(d.hotkey)).verify(message.encode(), bytes.fromhex(d.signature[2:]))
    except (nacl.exceptions.BadSignatureError, ValueError):
        raise Exception(f"Signature mismatch with {message} and {d.signature}")
    NONCES[key] = d.nonce


def error(syn: Synapse, code: int, message: str, start: float) -> Response:
    syn.axon.status_code = code
    syn.axon.status_message = message
    syn.axon.process_time = time.time() - start
    return JSONResponse(status_code=code, headers=syn.to_headers(), content={"message": message})


class AxonMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        start = time.time()
        name = request.url.path.split("/")[1]
        cls = SYNAPSES.get(name)
        if cls is None:
            return JSONResponse(status_code=404, content={"message": f"Synapse name '{name}' not found."})
        try:
            syn = cls.from_headers(request.headers)
        except Exception as e:
            return JSONResponse(status_code=400, content={"message": f"Could not parse headers: {e}"})
        syn.axon.__dict__.update({"version": 650, "uuid": "baseline", "nonce": time.monotonic_ns(),
                                  "status_code": 100, "status_message": "Success"})
        syn.dendrite.__dict__.update({"ip": request.client.host, "port": request.client.port})
        try:
            verify(syn)
        except Exception as e:
            return error(syn, 401, f"Not Verified with error: {e}", start)
        response = await call_next(request)
        if response.status_code == 200:
            syn.axon.status_code = 200
            syn.axon.status_message = "Success"
            response.headers.update(syn.to_headers())
        return response


app = FastAPI()
app.add_middleware(AxonMiddleware)


@app.post("/{name}")
async def route(name: str, request: Request):
    cls = SYNAPSES[name]
    body = await request.body()
    syn = cls(**json.loads(body))
    want = request.headers.get("computed_body_hash", "")
    got = syn.body_hash
    if got != want:
        return JSONResponse(status_code=500, content={
            "message": f"Internal server error with error: Hash mismatch between header body hash {want} and parsed body hash {got}"})
    if isinstance(syn, dummy):
        syn.dummy_output = syn.dummy_input * 2
    return JSONResponse(content=syn.dict())


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="error", access_log=False)
