"""Generates pystr_vectors.json: Python's str() of values as pydantic v1
parses them from JSON, and the body hash Bittensor 6.x computes for a
synapse holding them (hash of the concatenated hashes of str() of each
hashed field, in declaration order).

Run with Debian's python3 and python3-pydantic (v1):
    /usr/bin/python3 synapse/testdata/gen_pystr.py > synapse/testdata/pystr_vectors.json
"""
import hashlib
import json
from typing import Dict, List, Optional

import pydantic


def H(s):
    return hashlib.sha3_256(s.encode()).hexdigest()


class Tensor(pydantic.BaseModel):  # bittensor.Tensor's fields
    buffer: str
    dtype: str
    shape: List[int]


# type name (as the Go test knows it) -> pydantic annotation
TYPES = {
    "tensor": Tensor, "list_tensor": List[Tensor], "opt_tensor": Optional[Tensor],
    "str": str, "int": int, "float": float, "bool": bool,
    "list_str": List[str], "list_int": List[int], "list_float": List[float],
    "list_list_int": List[List[int]], "dict_str_float": Dict[str, float],
    "dict_str_list_str": Dict[str, List[str]], "dict_int_str": Dict[int, str],
    "opt_int": Optional[int], "opt_str": Optional[str],
}

CASES = [
    ("str", "hello"), ("str", ""), ("str", "it's \"quoted\"\n\ttabbed \\ back"),
    ("str", "héllo wörld 日本語 😀"),
    ("int", 0), ("int", -42), ("int", 12345678901234567),
    ("float", 1), ("float", 0.1), ("float", 1e-05), ("float", 1e16), ("float", 123456789.125),
    ("float", -0.0), ("float", 2.5e-310), ("float", 1.7976931348623157e308),
    ("bool", True), ("bool", False),
    ("list_str", []), ("list_str", ["a", "b"]), ("list_str", ["it's", 'say "hi"', "both ' and \""]),
    ("list_str", ["\x00\x01\x7f", "é", "\u00a0", "\u2028", "tab\there"]),
    ("list_int", [1, -2, 3]), ("list_float", [1, 2.5, 1e-07, 1e22]),
    ("list_list_int", [[1, 2], [], [3]]),
    ("dict_str_float", {"a": 1, "b": 0.5}), ("dict_str_list_str", {"k": ["v", "w"], "z": []}),
    # Keys in the order a Go peer sends them (numeric); Python keeps JSON order.
    ("dict_int_str", {"1": "one", "9": "nine", "10": "ten"}),
    ("opt_int", None), ("opt_int", 7), ("opt_str", None), ("opt_str", "x"),
    ("tensor", {"buffer": "hcQCbmTDxAR0eXBlozxmNMQEa2luZMQAxAVzaGFwZZEDxARkYXRhxAwAAIA/AAAAQAAAQEA=", "dtype": "torch.float32", "shape": [3]}),
    ("list_tensor", [{"buffer": "", "dtype": "torch.int64", "shape": [0]}]),
    ("opt_tensor", None),
]

out = []
for typ, value in CASES:
    model = pydantic.create_model("M", v=(TYPES[typ], ...))
    parsed = model(v=json.loads(json.dumps(value))).dict()["v"]
    out.append({"type": typ, "json": json.dumps(value), "str": str(parsed), "hash": H(str(parsed))})


class Synapse(pydantic.BaseModel):
    required_hash_fields: List[str] = []

    def body_hash(self):
        hashes = []
        for field, value in self.dict().items():
            if field in self.required_hash_fields:
                hashes.append(H(str(value)))
        return H("".join(hashes))


class Mixed(Synapse):
    notes: Dict[str, float] = {}
    second: List[str] = []
    first: float = 0.0
    flag: bool = False
    required_hash_fields: List[str] = ["first", "second", "notes"]


m = Mixed(notes={"a": 0.25, "z": 1}, second=["é", "it's"], first=0.1, flag=True)
synapses = [{"type": "mixed", "json": json.dumps({"notes": m.notes, "second": m.second, "first": m.first, "flag": m.flag}),
             "body_hash": m.body_hash()}]

print(json.dumps({"values": out, "synapses": synapses}, indent=1, ensure_ascii=False))
