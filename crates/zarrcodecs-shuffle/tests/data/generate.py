"""Writes numcodecs-0.15.2.json: Shuffle's encodings and decodings by Python numcodecs.

Run with the interop venv: target/interop-venv/bin/python crates/zarrcodecs-shuffle/tests/data/generate.py
"""
import json
import os

import numcodecs
import numpy as np


def arr(a):
    a = np.asarray(a)
    return {"dtype": a.dtype.str, "shape": list(a.shape), "hex": a.tobytes(order="A").hex()}


def main():
    rng = np.random.default_rng(5)
    inputs = [
        np.zeros(0, dtype="<f8"),
        np.arange(1, dtype="|u1"),
        rng.integers(0, 256, 7).astype("|u1"),
        rng.integers(0, 256, 24).astype("|u1"),
        rng.integers(0, 256, 61 * 12).astype("|u1"),
        rng.integers(-2**31, 2**31, (3, 5)).astype("<i4"),
        rng.integers(-2**15, 2**15, 101).astype(">i2"),
        np.cumsum(rng.normal(size=99)).astype("<f8"),
        rng.normal(size=(4, 6)).astype("<f4"),
        (rng.normal(size=15) + 1j).astype("<c16"),
        np.array(["ab", "cde", ""], dtype="<U3"),
    ]
    cases = []
    for es in (4, 0, 1, -3, 2, 3, 5, 8, 16, 24, 4096):
        codec = numcodecs.Shuffle(elementsize=es)
        for x in inputs:
            case = {"config": codec.get_config(), "input": arr(x)}
            try:
                enc = codec.encode(x)
            except ValueError as e:
                case["error"] = type(e).__name__
                cases.append(case)
                continue
            case["encoded"] = arr(enc)
            case["decoded"] = arr(codec.decode(enc))
            cases.append(case)
    out = {"numcodecs": numcodecs.__version__, "numpy": np.__version__, "cases": cases,
           "default_config": numcodecs.Shuffle().get_config()}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "numcodecs-0.15.2.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=0)
        f.write("\n")
    print(f"{len(cases)} cases, {sum('error' in c for c in cases)} refused")


if __name__ == "__main__":
    main()
