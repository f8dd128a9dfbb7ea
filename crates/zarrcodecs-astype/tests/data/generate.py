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
    dump("astype", cases)


if __name__ == "__main__":
    main()
