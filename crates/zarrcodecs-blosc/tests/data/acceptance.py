"""Writes acceptance-0.15.2.json: which blosc configurations numcodecs 0.15.2 builds, which
of those it can encode with (the bytes, or the error), and that every codec it builds
decodes a chunk whatever its settings (decode reads the chunk's header).

The configurations are those of numcodecs' own tests (numcodecs/tests/test_blosc.py)
plus the ones its `Blosc.__init__` stores without checking and only `encode` refuses.

Run with the interop venv: python acceptance.py > acceptance-0.15.2.json"""
import json
import os
import sys

import numpy as np

import numcodecs
import numcodecs.blosc

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../xtask/python"))
from acceptance_cases import build, outcome  # noqa: E402

numcodecs.blosc.use_threads = False

CONFIGS = [
    # numcodecs/tests/test_blosc.py
    {"shuffle": 1},
    {"clevel": 0, "shuffle": 1},
    {"cname": "lz4", "shuffle": 1},
    {"cname": "lz4", "clevel": 1, "shuffle": 0},
    {"cname": "lz4", "clevel": 5, "shuffle": 1},
    {"cname": "lz4", "clevel": 9, "shuffle": 2},
    {"cname": "zlib", "clevel": 1, "shuffle": 0},
    {"cname": "zstd", "clevel": 1, "shuffle": 1},
    {"cname": "blosclz", "clevel": 1, "shuffle": 2},
    {"shuffle": 1, "blocksize": 0},
    {"shuffle": 1, "blocksize": 2**8},
    {"cname": "lz4", "clevel": 1, "shuffle": 0, "blocksize": 2**8},
    {"cname": "zstd", "clevel": 3, "shuffle": 1},
    {"cname": "zlib", "clevel": 9, "shuffle": 1, "blocksize": 512},
    {"cname": "blosclz", "clevel": 5, "shuffle": -1, "blocksize": 1024},
    # Built, refused by encode.
    {"cname": "snappy"},
    {"cname": "snappy", "clevel": 10, "shuffle": 3},
    {"cname": "foo"},
    {"cname": "LZ4"},
    {"cname": ""},
    {"clevel": 10},
    {"clevel": -1},
    {"clevel": 100},
    {"clevel": 2**31},
    {"shuffle": 3},
    {"shuffle": -2},
    {"shuffle": 2**40},
    {"blocksize": 2**31},
    {"blocksize": -(2**31) - 1},
    # Built and encoded: a negative block size is C-Blosc's smallest block.
    {"blocksize": -1},
    {"blocksize": -(2**31)},
    {"cname": "zstd", "blocksize": -5, "shuffle": 2},
    # Refused when built: unknown keyword arguments.
    {"typo": 1},
    {"cname": "lz4", "nthreads": 2},
]



def main():
    data = np.arange(600, dtype="<u4") // 3
    chunk = numcodecs.Blosc(cname="lz4", clevel=5, shuffle=2).encode(data)
    cases = []
    for cfg in CONFIGS:
        config = {"id": "blosc", **cfg}
        case, codec = build(config)
        if codec is None:
            cases.append(case)
            continue
        case["encode"] = outcome(lambda: bytes(codec.encode(data)).hex())
        case["decode"] = outcome(lambda: bytes(codec.decode(chunk)).hex() == data.tobytes().hex())
        cases.append(case)
    json.dump({"input": data.tobytes().hex(), "dtype": "<u4", "chunk": bytes(chunk).hex(), "cases": cases},
              __import__("sys").stdout, indent=1)


if __name__ == "__main__":
    main()
