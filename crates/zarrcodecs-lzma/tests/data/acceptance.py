"""Writes acceptance-0.15.2.json: which lzma configurations numcodecs 0.15.2 builds (its
`LZMA.__init__` stores them unchecked), what its encode does with each (the bytes, or
the error `lzma.compress` raises), and what its decode does (`lzma.decompress` with the
configuration's `format` and `filters` only) on a chunk of the configuration's own
format: `.xz` for formats 0 and 1, `.lzma` for 2, raw LZMA2 (preset 1) for 3.

The configurations are those of numcodecs' own tests (numcodecs/tests/test_lzma.py)
plus the ones `lzma.compress` or `lzma.decompress` refuse.

Run with the interop venv: python acceptance.py > acceptance-0.15.2.json"""
import json
import os
import lzma
import sys

import numpy as np

import numcodecs

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../xtask/python"))
from acceptance_cases import build, outcome  # noqa: E402

L1 = lzma.FILTER_LZMA1
CONFIGS = [
    # numcodecs/tests/test_lzma.py
    {}, {"preset": 1}, {"preset": 5}, {"preset": 9},
    {"format": 3, "filters": [{"id": 33, "preset": 1}]},
    # Good ones of other kinds.
    {"check": 0}, {"check": 10, "preset": 0}, {"format": 2, "preset": 1},
    {"format": 2, "check": 0, "filters": [{"id": L1, "preset": 0}]},
    {"format": 3, "filters": [{"id": 3, "dist": 4}, {"id": 33, "preset": 1}]},
    {"format": 1, "filters": [{"id": 4}, {"id": 33, "preset": 0}]},
    # Stored unchecked; refused by lzma.compress (and some by lzma.decompress).
    {"format": 0}, {"format": 4}, {"format": -1}, {"format": 2**40},
    {"check": 2}, {"check": 15}, {"check": -2}, {"check": 2**40},
    {"format": 2, "check": 1}, {"format": 3, "check": 4, "filters": [{"id": 33, "preset": 1}]},
    {"preset": 10}, {"preset": -1}, {"preset": 0x40000001}, {"preset": 2**32},
    {"preset": 1, "filters": [{"id": 33}]}, {"format": 3}, {"filters": []},
    {"filters": [{"id": 99}]}, {"filters": [{"dist": 1}]}, {"filters": [{"id": 33, "foo": 1}]},
    {"filters": [{"id": 3, "start_offset": 1}, {"id": 33}]}, {"filters": [{"id": 33, "dict_size": 100}]},
    {"filters": [{"id": 33, "preset": 10}]}, {"filters": [{"id": 3, "dist": 0}, {"id": 33}]},
    {"filters": [{"id": 3}]}, {"filters": [{"id": 33}, {"id": 3}]},
    {"filters": [{"id": 3}, {"id": 3}, {"id": 3}, {"id": 4}, {"id": 33}]}, {"filters": [{"id": L1}]},
    {"format": 2, "filters": [{"id": 33}]}, {"format": 2, "filters": [{"id": 3}, {"id": L1}]},
    {"format": 3, "filters": []}, {"format": 3, "filters": [{"id": 99}]},
    {"format": 3, "filters": [{"id": 33, "preset": 1}], "preset": 1},
    {"format": 3, "filters": [{"id": 33, "preset": 1}], "check": 1},
    {"format": 3, "filters": [{"id": 33, "preset": 1}], "check": 0},
    {"format": 0, "check": 4, "preset": 99},
    {"filters": [{"id": 33, "dict_size": 2**32}]},
    # Unknown keyword arguments: refused when built.
    {"level": 1}, {"format": 1, "memlimit": 100},
]



def main():
    data = (np.arange(500, dtype="<u4") // 3).tobytes()
    chunks = {
        0: lzma.compress(data), 1: lzma.compress(data), 2: lzma.compress(data, format=2),
        3: lzma.compress(data, format=3, filters=[{"id": 33, "preset": 1}]),
    }
    cases = []
    for cfg in CONFIGS:
        config = {"id": "lzma", **cfg}
        case, codec = build(config)
        if codec is None:
            cases.append(case)
            continue
        case["encode"] = outcome(lambda: bytes(codec.encode(data)).hex())
        chunk = chunks.get(cfg.get("format", 1), chunks[1])
        case["chunk_format"] = cfg.get("format", 1) if cfg.get("format", 1) in chunks else 1
        case["decode"] = outcome(lambda: bytes(codec.decode(chunk)) == data)
        cases.append(case)
    json.dump({"input": data.hex(), "chunks": {str(k): v.hex() for k, v in chunks.items()}, "cases": cases},
              sys.stdout, indent=1)


if __name__ == "__main__":
    main()
