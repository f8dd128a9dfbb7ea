"""Writes numcodecs-0.15.2.json: BitRound's encodings and decodings by Python numcodecs.

Run with the interop venv: target/interop-venv/bin/python crates/zarrcodecs-bitround/tests/data/generate.py
"""
import json
import os

import numcodecs
import numpy as np


def arr(a):
    a = np.asarray(a)
    return {"dtype": a.dtype.str, "shape": list(a.shape), "hex": a.tobytes(order="A").hex()}


def special(dtype, n=61, seed=0):
    rng = np.random.default_rng(seed)
    it = np.dtype(dtype.replace("f", "u"))
    info = np.finfo(dtype)
    vals = [0.0, -0.0, np.nan, -np.nan, np.inf, -np.inf, info.max, -info.max, info.tiny, -info.tiny,
            info.smallest_subnormal, -info.smallest_subnormal, info.tiny / 3, 1.0, -1.0, 1.5, 2.0 / 3, 1e-3]
    a = np.array(vals, dtype=dtype)
    # NaNs with payloads (quiet and signalling), and every rounding tie pattern.
    bits = np.array([0x7FF0000000000001, 0xFFF8000000000001, 0x7FFFFFFFFFFFFFFF, 0x3FF0000000000800,
                     0x3FF0000000001800, 0x3FF00000000007FF, 0x7FEFFFFFFFFFFFFF], dtype="<u8")
    shift = {2: 48, 4: 32, 8: 0}[it.itemsize]
    b = (bits >> np.uint64(shift)).astype(it).view(dtype)
    r = (rng.normal(size=n - len(a) - len(b)) * 10.0 ** rng.integers(-8, 8, n - len(a) - len(b))).astype(dtype)
    return np.concatenate([a, b, r])


def main():
    cases = []
    inputs = {
        "<f2": special("<f2"),
        "<f4": special("<f4"),
        "<f8": special("<f8"),
    }
    for dt, a in inputs.items():
        maxbits = {"<f2": 10, "<f4": 23, "<f8": 52}[dt]
        for keepbits in sorted({0, 1, 3, 7, maxbits - 1, maxbits, 10, 16, 23, 30, 52, 53}):
            codec = numcodecs.BitRound(keepbits=keepbits)
            for x in (a, a[:0], a[:7].reshape(7, 1), a[:24].reshape(2, 3, 4)):
                case = {"config": codec.get_config(), "input": arr(x)}
                try:
                    enc = codec.encode(x)
                except Exception as e:  # noqa: BLE001
                    case["error"] = type(e).__name__
                    cases.append(case)
                    break
                case["encoded"] = arr(enc)
                case["decoded"] = arr(codec.decode(enc))
                cases.append(case)
    # Dtypes numcodecs refuses to encode, and what decode does with dtypes.
    codec = numcodecs.BitRound(keepbits=5)
    for x in (np.arange(5, dtype=">f4"), np.arange(5, dtype=">f8"), np.arange(5, dtype="<i4"),
              np.arange(5, dtype="<c8"), np.arange(5, dtype="|u1")):
        try:
            codec.encode(x)
            raise SystemExit(f"numcodecs encoded {x.dtype}")
        except (TypeError, KeyError) as e:
            cases.append({"config": codec.get_config(), "input": arr(x), "error": type(e).__name__})
    decodes = []
    for x in (np.arange(5, dtype=">i4"), np.arange(5, dtype="<i2"), np.arange(5, dtype="<u4"), np.arange(5, dtype="|u1"),
              np.arange(6, dtype="<f8").reshape(2, 3), np.arange(5, dtype="|i1")):
        d = {"input": arr(x)}
        try:
            d["decoded"] = arr(codec.decode(x))
        except TypeError as e:
            d["error"] = type(e).__name__
        decodes.append(d)
    out = {"numcodecs": numcodecs.__version__, "numpy": np.__version__, "cases": cases, "decodes": decodes}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "numcodecs-0.15.2.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=0)
        f.write("\n")
    print(f"{len(cases)} cases, {len(decodes)} decodes")


if __name__ == "__main__":
    main()
