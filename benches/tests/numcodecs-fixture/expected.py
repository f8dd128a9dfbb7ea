"""Writes expected/, what benches/tests/numcodecs_fixture.rs compares its decodes with
where the vendored fixture/ alone does not say it in a form Rust reads.

Run with the interop venv's Python (numcodecs 0.15.2, numpy, msgpack, pcodec, zfpy),
from anywhere:

    /path/to/interop-venv/bin/python benches/tests/numcodecs-fixture/expected.py

It deletes and rewrites expected/ (nothing else), deterministically:

- expected/<dir>/array.NN.json for every pickled object array fixture/<dir>/array.NN.npy
  (json2, msgpack2, pickle, vlen-*, categorize/O): the items in zarrcodecs' JSON form of
  object arrays (zarrcodecs-core, feature `serde`, the rustdoc of `impl Serialize for
  Object`), written here by `item` below. One JSON list, the items in the array's memory
  order (`reshape(-1, order='A')`): the order numcodecs' `check_backwards_compatibility`
  compares decoded items in, whatever the array's shape.
- expected/<dir>/codec.JJ/decoded.NN.npy for the lossy codecs, where numcodecs' test
  compares with a precision instead of exactly (astype/f: 3 decimals; fixedscaleoffset:
  log10(scale); quantize: digits): what numcodecs 0.15.2 decodes from encoded.NN.dat,
  viewed and reshaped as that test does, so the Rust test compares bytes exactly.

- expected/numcodecs-cannot-decode.json: the files numcodecs 0.15.2 itself cannot
  decode (a Blosc compressor its C-Blosc lacks; the legacy id `json`, which its registry
  no longer has), with its error: there the Rust test accepts a typed error too.

It also checks, as numcodecs' own test does, that numcodecs 0.15.2 decodes every other
file to its stored array (bytes equal; object items equal with NaN == NaN), and prints
the files numcodecs 0.15.2 itself cannot decode or decodes differently (configs newer or
older than 0.15.2), which the Rust test still checks against the stored array.
"""
import base64
import glob
import json
import math
import os
import shutil
import sys

import numpy as np

# The vendored pickles are numcodecs' own test data: let numcodecs unpickle them.
os.environ["NUMCODECS_ALLOW_UNSAFE_PICKLE_DECODE"] = "1"
from numcodecs import get_codec  # noqa: E402 (after the environment variable)
from numcodecs.compat import ensure_bytes, ensure_ndarray  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixture")
EXPECTED = os.path.join(HERE, "expected")
I64 = (-(2**63), 2**63 - 1)


def precision(rel_dir, config):
    """numcodecs' test precision (decimals) for a lossy codec, None for exact ones."""
    if rel_dir == "astype/f":
        return 3  # test_astype.py: precision=[3]
    if config["id"] == "fixedscaleoffset":
        return int(np.log10(config["scale"]))  # test_fixedscaleoffset.py
    if config["id"] == "quantize":
        return config["digits"]  # test_quantize.py
    return None


def float_item(x):
    if math.isfinite(x):
        return x
    return {"float": "NaN" if x != x else ("Infinity" if x > 0 else "-Infinity")}


def array_item(a):
    out = {"dtype": a.dtype.str, "shape": list(a.shape)}
    if a.dtype.kind in "biumM" or (a.dtype.kind == "f" and a.dtype.itemsize in (4, 8)):
        flat = a.reshape(-1, order="C")
        if a.dtype.kind in "mM":
            flat = flat.view(a.dtype.str[0] + "i8")
        values = flat.tolist()
        out["data"] = [float_item(v) for v in values] if a.dtype.kind == "f" else values
    else:
        out["bytes"] = base64.b64encode(a.tobytes(order="C")).decode()
    return {"array": out}


def item(x):
    """One Python object in zarrcodecs' JSON form."""
    if isinstance(x, np.ndarray):
        if x.dtype == object:
            raise TypeError("an object array inside an object array has no JSON form")
        return array_item(x)
    if isinstance(x, np.generic):
        x = x.item()
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, int):
        return x if I64[0] <= x <= I64[1] else {"int": str(x)}
    if isinstance(x, float):
        return float_item(x)
    if isinstance(x, (bytes, bytearray)):
        return {"bytes": base64.b64encode(bytes(x)).decode()}
    if isinstance(x, list):
        return [item(v) for v in x]
    if isinstance(x, dict):
        return {"dict": [[item(k), item(v)] for k, v in x.items()]}
    raise TypeError(f"no JSON form for {type(x).__name__}")


def items_equal(arr, dec):
    """numcodecs.tests.common.assert_array_items_equal, as a bool."""
    a = arr.reshape(-1, order="A")
    r = dec.reshape(-1, order="A")
    if a.shape != r.shape or a.dtype != r.dtype:
        return False
    for x, y in zip(a.tolist(), r.tolist(), strict=True):
        if isinstance(x, np.ndarray):
            if not np.array_equal(x, y):
                return False
        elif x != x:
            if y == y:
                return False
        elif x != y:
            return False
    return True


def main():
    shutil.rmtree(EXPECTED, ignore_errors=True)
    notes = []
    cannot = {}
    dirs = sorted({os.path.dirname(p) for p in glob.glob(os.path.join(FIXTURE, "**", "array.*.npy"), recursive=True)})
    for d in dirs:
        rel = os.path.relpath(d, FIXTURE).replace(os.sep, "/")
        arrays = sorted(glob.glob(os.path.join(d, "array.*.npy")))
        codec_dirs = sorted(glob.glob(os.path.join(d, "codec.*")))
        for arr_fn in arrays:
            i = arr_fn.split(".")[-2]
            arr = np.load(arr_fn, allow_pickle=True)
            if arr.dtype == object:
                out = os.path.join(EXPECTED, rel, f"array.{i}.json")
                os.makedirs(os.path.dirname(out), exist_ok=True)
                with open(out, "w", encoding="utf-8") as f:
                    json.dump([item(x) for x in arr.reshape(-1, order="A")], f, ensure_ascii=False, allow_nan=False)
                    f.write("\n")
            order = "F" if arr.flags.f_contiguous else "C"
            for cd in codec_dirs:
                enc_fn = os.path.join(cd, f"encoded.{i}.dat")
                if not os.path.exists(enc_fn):
                    continue
                where = f"{rel}/{os.path.basename(cd)}/encoded.{i}.dat"
                with open(os.path.join(cd, "config.json")) as f:
                    config = json.load(f)
                prec = precision(rel, config)
                with open(enc_fn, "rb") as f:
                    enc = f.read()
                try:
                    dec = get_codec(dict(config)).decode(enc)
                except Exception as e:  # noqa: BLE001 (reported, then checked by Rust alone)
                    if prec is not None:
                        raise RuntimeError(f"{where}: numcodecs cannot decode a lossy fixture: {e!r}") from e
                    notes.append(f"{where}: numcodecs cannot decode it: {type(e).__name__}: {e}")
                    cannot[where] = f"{type(e).__name__}: {e}"
                    continue
                if arr.dtype == object:
                    ok = items_equal(arr, ensure_ndarray(dec))
                else:
                    dec_arr = ensure_ndarray(dec).reshape(-1, order="A").view(arr.dtype).reshape(arr.shape, order=order)
                    if prec is not None:
                        np.testing.assert_array_almost_equal(arr, dec_arr, decimal=prec)
                        out = os.path.join(EXPECTED, rel, os.path.basename(cd), f"decoded.{i}.npy")
                        os.makedirs(os.path.dirname(out), exist_ok=True)
                        np.save(out, dec_arr)
                        continue
                    ok = ensure_bytes(dec) == arr.tobytes(order="A")
                if not ok:
                    notes.append(f"{where}: numcodecs decodes it to something else than array.{i}.npy")
    os.makedirs(EXPECTED, exist_ok=True)
    with open(os.path.join(EXPECTED, "numcodecs-cannot-decode.json"), "w", encoding="utf-8") as f:
        json.dump(dict(sorted(cannot.items())), f, indent=1)
        f.write("\n")
    for n in notes:
        print(n, file=sys.stderr)


if __name__ == "__main__":
    main()
