"""Writes numcodecs-0.15.2.json: PackBits' encodings and decodings by Python numcodecs.

Run with the interop venv: target/interop-venv/bin/python crates/zarrcodecs-packbits/tests/data/generate.py
"""
import json
import os

import numcodecs
import numpy as np


def arr(a):
    a = np.asarray(a)
    return {"dtype": a.dtype.str, "shape": list(a.shape), "hex": a.tobytes(order="A").hex()}


def main():
    rng = np.random.default_rng(4)
    codec = numcodecs.PackBits()
    inputs = [rng.integers(0, 2, n).astype(bool) for n in (0, 1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4099)]
    inputs += [
        np.ones(13, dtype=bool),
        rng.integers(0, 2, (3, 5)).astype(bool),
        rng.integers(0, 2, (2, 0, 3)).astype(bool),
        # numcodecs views any dtype as bool: every byte is an element, non-zero is True.
        np.array([0, 1, 2, 3, 128, 255, 0, 16, 4], dtype="|u1"),
        np.array([1, 256, -1, 0, 2**31 - 1], dtype="<i4"),
        np.array([1.5, -0.0, 0.0], dtype=">f8"),
        np.array(["ab", "", "x"], dtype="<U2"),
        np.array([b"a", b"", b"xyz"], dtype="|S3"),
    ]
    cases = []
    for x in inputs:
        enc = codec.encode(x)
        cases.append({"input": arr(x), "encoded": arr(enc), "decoded": arr(codec.decode(enc))})
    # numcodecs views encoded data of any dtype as u1.
    decodes = []
    for e in (np.array([3, 0xA5, 0xFF], dtype="|u1"), np.array([0x0100, 0x0200], dtype="<i2"),
              np.array([[0, 0x81], [0, 0x42]], dtype="|u1")):
        decodes.append({"encoded": arr(e), "decoded": arr(codec.decode(e))})
    # Corrupt headers: numcodecs returns too few elements or raises IndexError; we refuse.
    corrupt = {}
    for name, e in (("padding 9", [9, 255]), ("padding 8", [8, 1]), ("padding without data", [3]),
                    ("empty", []), ("padding 255", [255, 1, 2, 3])):
        e = np.array(e, dtype="u1")
        try:
            corrupt[name] = {"encoded": arr(e), "numcodecs": arr(codec.decode(e))}
        except IndexError as err:
            corrupt[name] = {"encoded": arr(e), "numcodecs": type(err).__name__}
    out = {"numcodecs": numcodecs.__version__, "numpy": np.__version__, "config": codec.get_config(),
           "cases": cases, "decodes": decodes, "corrupt": corrupt}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "numcodecs-0.15.2.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=0)
        f.write("\n")
    print(f"{len(cases)} cases, {len(decodes)} decodes, {len(corrupt)} corrupt")


if __name__ == "__main__":
    main()
