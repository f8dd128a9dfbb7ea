"""The JSON form of object arrays that zarrcodecs reads and writes (zarrcodecs-core,
feature `serde`: the rustdoc of `impl Serialize for Object` is the reference). The
Python writers of that form (xtask/python/interop.py, the object codecs' fixture
generators under crates/*/tests/data/) all use this module.

An object array is the JSON array of its items when one-dimensional, else
{"shape": [...], "items": [...]} (items flat, C order). Items: str; {"bytes": base64};
None; bool; int (a JSON number within int64, else {"int": "decimal digits"}); float (a
JSON number, or {"float": "NaN" | "Infinity" | "-Infinity"}); list; dict
{"dict": [[key, value], ...]} (pairs in the dict's order, keys any item); numpy array
{"array": {"dtype", "shape", "data": [values, flat, C order]}} for
bool, int, uint, f4, f8, M8 and m8 dtypes, {"array": {"dtype", "shape", "bytes":
base64}} (raw bytes) for the others."""
import base64
import math

import numpy as np


def float_name(x):
    return "NaN" if x != x else ("Infinity" if x > 0 else "-Infinity")


def has_values(dtype):
    return dtype.kind in "biumM" or (dtype.kind == "f" and dtype.itemsize in (4, 8))


def array_form(a):
    """A numeric numpy array as an item's payload (without the {"array": ...} tag)."""
    a = np.asarray(a)
    out = {"dtype": a.dtype.str, "shape": list(a.shape)}
    if not has_values(a.dtype):
        out["bytes"] = base64.b64encode(a.tobytes(order="C")).decode()
        return out
    flat = a.reshape(-1, order="C")
    if a.dtype.kind in "mM":
        flat = flat.view(a.dtype.str[0] + "i8")
    values = flat.tolist()
    if a.dtype.kind == "f":
        values = [v if math.isfinite(v) else float_name(v) for v in values]
    out["data"] = values
    return out


def item(x):
    """One Python object in the form."""
    if isinstance(x, np.ndarray):
        if x.dtype == object:
            raise TypeError("object arrays inside object arrays have no form")
        return {"array": array_form(x)}
    if isinstance(x, np.generic):
        x = x.item()
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, int):
        return x if -(2**63) <= x < 2**63 else {"int": str(x)}
    if isinstance(x, float):
        return x if math.isfinite(x) else {"float": float_name(x)}
    if isinstance(x, (bytes, bytearray, memoryview)):
        return {"bytes": base64.b64encode(bytes(x)).decode()}
    if isinstance(x, (list, tuple)):
        return [item(v) for v in x]
    if isinstance(x, dict):
        return {"dict": [[item(k), item(v)] for k, v in x.items()]}
    raise TypeError(f"no JSON form for {type(x).__name__}")


def object_array(a):
    """A numpy object array in the form."""
    items = [item(v) for v in a.reshape(-1, order="C")]
    if a.ndim == 1:
        return items
    return {"shape": list(a.shape), "items": items}


NON_FINITE = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def read_array(p):
    """A numeric numpy array from an {"array": ...} payload."""
    dtype = np.dtype(p["dtype"])
    if "bytes" in p:
        return np.frombuffer(base64.b64decode(p["bytes"]), dtype=dtype).reshape(p["shape"]).copy()
    if dtype.kind in "mM":
        return np.array(p["data"], dtype=dtype.str[0] + "i8").view(dtype).reshape(p["shape"])
    values = [NON_FINITE[v] if isinstance(v, str) else v for v in p["data"]]
    return np.array(values, dtype=dtype).reshape(p["shape"])


def read_item(v):
    """The Python object of one item in the form."""
    if isinstance(v, list):
        return [read_item(x) for x in v]
    if not isinstance(v, dict):
        return v
    ((tag, payload),) = v.items()
    if tag == "bytes":
        return base64.b64decode(payload)
    if tag == "float":
        return NON_FINITE[payload] if isinstance(payload, str) else float(payload)
    if tag == "array":
        return read_array(payload)
    if tag == "int":
        return int(payload)
    if tag == "dict":
        return {read_item(k): read_item(v) for k, v in payload}
    raise ValueError(f"unknown item tag {tag!r}")


def read_object_array(doc):
    """A numpy object array from the form."""
    items, shape = (doc, None) if isinstance(doc, list) else (doc["items"], doc["shape"])
    out = np.empty(len(items), dtype=object)
    for k, v in enumerate(items):
        out[k] = read_item(v)
    return out if shape is None else out.reshape(shape)
