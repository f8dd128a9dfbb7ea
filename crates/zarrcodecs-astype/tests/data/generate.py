"""Writes numcodecs-0.15.2.json: what numcodecs 0.15.2 (with numpy 2.4) gives for the astype codec on arrays of
special values (NaN payloads, infinities, subnormals, -0.0, integer limits, .5 rounding
boundaries, values out of every target's range), in both byte orders and at every n % 4.

Run with the interop venv: python generate.py > numcodecs-0.15.2.json"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../xtask/python"))
from filter_fixtures import TYPES, case, dump, np, specials  # noqa: E402


def main():
    cases = []
    for s in TYPES:
        for d in TYPES:
            cases.append(case({"id": "astype", "encode_dtype": "<" + d, "decode_dtype": "<" + s}, specials("<" + s)))
    # Both byte orders.
    for s, d in [("f8", "u4"), ("f4", "i2"), ("i8", "f2"), ("f2", "f8"), ("u2", "i1"), ("f8", "u8")]:
        for so, do in [(">", "<"), ("<", ">"), (">", ">")]:
            cases.append(case({"id": "astype", "encode_dtype": do + d, "decode_dtype": so + s}, specials(so + s)))
    # Lengths 0..9 (every n % 4 tail), a 2-d array, a |u1 byte buffer, 4099 elements.
    for n in range(10):
        arr = np.full(n, -5e9)
        arr[::3] = np.nan
        cases.append(case({"id": "astype", "encode_dtype": "<u4", "decode_dtype": "<f8"}, arr))
    cases.append(case({"id": "astype", "encode_dtype": "<i2", "decode_dtype": "<f4"},
                      np.linspace(-70000, 70000, 24, dtype="<f4").reshape(4, 6)))
    cases.append(case({"id": "astype", "encode_dtype": "<f8", "decode_dtype": "<i4"},
                      np.arange(-20, 20, dtype="<i4").view("u1")))
    big = np.random.default_rng(7).normal(scale=1e10, size=4099)
    big[::17] = np.nan
    cases.append(case({"id": "astype", "encode_dtype": "<u4", "decode_dtype": ">f8"}, big.astype(">f8")))
    # Bool: non-zero (NaN included, -0.0 not) is True; a bool casts to 0 or 1; bool to
    # bool keeps the bytes (raw bytes other than 0 and 1 are bools too).
    raw = np.frombuffer(bytes([0, 2, 1, 3, 0, 0, 255, 1, 1, 0, 4, 0, 0, 1, 128]), "u1")
    cases.append(case({"id": "astype", "encode_dtype": "|b1", "decode_dtype": "|b1"}, raw.view(bool)))
    for t in TYPES:
        cases.append(case({"id": "astype", "encode_dtype": "|b1", "decode_dtype": "<" + t}, specials("<" + t),
                          [raw.view(bool)]))
        cases.append(case({"id": "astype", "encode_dtype": "<" + t, "decode_dtype": "|b1"}, raw.view(bool),
                          [specials("<" + t)]))
    for t in (">f8", ">i2", ">f2"):
        cases.append(case({"id": "astype", "encode_dtype": "|b1", "decode_dtype": t}, specials(t), [raw.view(bool)]))
        cases.append(case({"id": "astype", "encode_dtype": t, "decode_dtype": "|b1"}, raw.view(bool), [specials(t)]))
    # Complex: to a real dtype the real part is cast (numpy's ComplexWarning), to bool
    # either part counts, from a real dtype the imaginary part is 0.
    for c in ("c8", "c16"):
        for d in TYPES + ["b1", "c8", "c16"]:
            cases.append(case({"id": "astype", "encode_dtype": "<" + d if d != "b1" else "|b1",
                               "decode_dtype": "<" + c}, cspecials("<" + c)))
        for s in TYPES:
            cases.append(case({"id": "astype", "encode_dtype": "<" + c, "decode_dtype": "<" + s}, specials("<" + s)))
    for s, d in [(">c16", "<i4"), ("<c8", ">f2"), (">c8", ">u4"), ("<c16", ">c8"), (">c16", ">u8"), ("<c8", ">c16")]:
        cases.append(case({"id": "astype", "encode_dtype": d, "decode_dtype": s}, cspecials(s)))
    cases.append(case({"id": "astype", "encode_dtype": ">c16", "decode_dtype": "<f8"}, specials("<f8")))
    # datetime64 / timedelta64: counts cast as int64 to and from numbers (NaT is the
    # smallest int64); between units, count * num / den rounded toward minus infinity.
    for t in ("<M8[s]", "<m8[ns]", ">M8[D]", "<m8[10ms]", "<M8[Y]", "<m8"):
        for d in TYPES + ["b1", "c8", "c16"]:
            cases.append(case({"id": "astype", "encode_dtype": "<" + d if d != "b1" else "|b1",
                               "decode_dtype": t}, tspecials(t)))
    for s in TYPES + ["b1"]:
        for t in ("<M8[s]", ">m8[us]", "<M8"):
            cases.append(case({"id": "astype", "encode_dtype": t, "decode_dtype": "<" + s if s != "b1" else "|b1"},
                              specials("<" + s) if s != "b1" else raw.view(bool)))
    for s, d in [("<M8[s]", "<M8[ms]"), ("<M8[ms]", "<M8[s]"), ("<m8[h]", "<m8[10m]"), ("<m8[7s]", "<m8[3ms]"),
                 ("<M8[W]", "<M8[D]"), ("<M8[D]", "<M8[W]"), ("<m8[us]", "<M8[us]"), ("<M8[Y]", ">M8[Y]"),
                 (">M8[s]", "<M8[ms]"), ("<m8[ns]", ">m8[as]"), ("<M8[3D]", "<M8[2h]"), ("<M8[s]", ">M8[s]"),
                 ("<m8[25s]", "<m8[10s]")]:
        cases.append(case({"id": "astype", "encode_dtype": d, "decode_dtype": s}, tspecials(s)))
    # Complex to u4: numpy's complex loop uses its vectorised formula on groups of four
    # while more than four elements remain, C's on the last one to four; byte-swapped
    # data goes through numpy's buffer in chunks of 128, each with that rule.
    for t in ("<c8", ">c8", "<c16", ">c16"):
        for n in list(range(1, 10)) + [128, 129, 300]:
            arr = np.full(n, -np.inf, dtype=t)
            arr[1::3] = np.nan
            arr[2::5] = 5e9
            arr[3::7] = -5e9
            for d in ("<u4", ">u4"):
                cases.append(case({"id": "astype", "encode_dtype": d, "decode_dtype": t}, arr))
    # A generic target keeps the source's unit; a generic source's counts are copied;
    # datetime64 <-> timedelta64 copies the counts whatever the units; timedelta64
    # years and months are numpy's averages (365.2425 days).
    for s, d in [("<M8[s]", "<M8"), ("<m8", "<m8[ms]"), ("<M8", "<M8[D]"), ("<m8", "<m8[Y]"), ("<M8", ">m8[s]"),
                 ("<M8[s]", "<m8[ms]"), (">m8[Y]", "<M8[h]"), ("<m8[Y]", "<m8[D]"), ("<m8[M]", "<m8[s]"),
                 ("<m8[10D]", "<m8[M]"), ("<m8[3M]", "<m8[2Y]")]:
        cases.append(case({"id": "astype", "encode_dtype": d, "decode_dtype": s}, tspecials(s)))
    dump("astype", cases)


def cspecials(t):
    """Complex values: the component type's specials as real parts, reversed as imaginary parts, then the
    same real parts with imaginary parts 0 and -0.0."""
    comp = t[0] + {"c8": "f4", "c16": "f8"}[t[1:]]
    re = specials(comp)
    out = np.zeros(3 * len(re), dtype=t)
    out.real[: len(re)] = re
    out.imag[: len(re)] = re[::-1]
    out.real[len(re):] = np.concatenate([re, re])
    out.imag[2 * len(re):] = -0.0
    return out


def tspecials(t):
    """datetime64/timedelta64 counts: 0, +-1, NaT, the int64 limits, day and year boundaries, large values, random."""
    rng = np.random.default_rng(11)
    v = [0, 1, -1, -2**63, 2**63 - 1, -2**63 + 1, 2**63 - 2, 86400, -86400, -86401, 86399, 7, -7, 10**18, -10**18,
         2**31, -2**31 - 1, 2**32 + 5, 9 * 10**15, -9 * 10**15]
    return np.concatenate([np.array(v, "i8"), rng.integers(-2**62, 2**62, 16, dtype="i8"),
                           rng.integers(-10**6, 10**6, 16, dtype="i8")]).astype(t[0] + "i8").view(t)


if __name__ == "__main__":
    main()
