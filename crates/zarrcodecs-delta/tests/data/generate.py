"""Writes numcodecs-0.15.2.json: what numcodecs 0.15.2 (with numpy 2.4) gives for the delta codec on arrays of
special values (NaN payloads, infinities, subnormals, -0.0, integer limits, .5 rounding
boundaries, values out of every target's range), in both byte orders and at every n % 4.

Run with the interop venv: python generate.py > numcodecs-0.15.2.json"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../xtask/python"))
from filter_fixtures import TYPES, case, dump, np, specials  # noqa: E402


def main():
    cases = []
    for d in TYPES:
        for a in TYPES:
            cases.append(case({"id": "delta", "dtype": "<" + d, "astype": "<" + a}, specials("<" + d),
                              [specials("<" + a)]))
    for d, a in [("f8", "u4"), ("i4", "i2"), ("f4", "f2"), ("u1", "i2")]:
        for do, ao in [(">", "<"), ("<", ">"), (">", ">")]:
            cases.append(case({"id": "delta", "dtype": do + d, "astype": ao + a}, specials(do + d),
                              [specials(ao + a)]))
    cases.append(case({"id": "delta", "dtype": "<f8"}, None, [np.zeros(0, "<f8")]))
    for n in range(1, 10):
        arr = -5e9 * np.arange(n)
        arr[::3] = np.nan
        cases.append(case({"id": "delta", "dtype": "<f8", "astype": "<u4"}, arr, [np.full(n, -5e9)]))
        cases.append(case({"id": "delta", "dtype": "<u4", "astype": "<f8"}, None, [np.full(n, -5e9)]))
    rng = np.random.default_rng(8)
    cases.append(case({"id": "delta", "dtype": "<i2", "astype": "|i1"}, np.arange(100, 124, 2, dtype="<i2").reshape(3, 4)))
    cases.append(case({"id": "delta", "dtype": "<i4"}, rng.integers(-99, 99, 40, dtype="<i4").view("u1")))
    big = np.cumsum(rng.normal(size=4099)).astype("<f4")
    cases.append(case({"id": "delta", "dtype": "<f4", "astype": "<f2"}, big, [rng.normal(size=4099).astype("<f4")]))
    cases.append(case({"id": "delta", "dtype": "<f8", "astype": "<f4"}, big.astype("<f8"), [big]))
    cases.append(case({"id": "delta", "dtype": "<u2", "astype": "|u1"}, rng.integers(0, 2**16, 4099, dtype="<u2")))
    # Bool (numcodecs' fixture/delta/bool is {"dtype": "|b1", "astype": "|b1"} on a
    # (10, 11) array of False): np.diff of bools is XOR, np.cumsum(enc, out=dec) adds in
    # the promoted type (bool + bool is OR; the first element is copied unchanged) and
    # casts the sums to bool. Raw bytes other than 0 and 1 are bools too.
    raw = np.frombuffer(bytes([0, 2, 1, 3, 0, 0, 255, 1, 1, 0, 4, 0, 0, 1, 128]), "u1")
    flags = rng.integers(0, 2, 4099).astype(bool)
    cases.append(case({"id": "delta", "dtype": "|b1", "astype": "|b1"}, np.zeros((10, 11), bool)))
    cases.append(case({"id": "delta", "dtype": "|b1"}, flags, [raw.view(bool), raw[::-1].copy().view(bool)]))
    for t in TYPES:
        cases.append(case({"id": "delta", "dtype": "|b1", "astype": "<" + t}, raw.view(bool), [specials("<" + t)]))
        cases.append(case({"id": "delta", "dtype": "<" + t, "astype": "|b1"}, specials("<" + t),
                          [raw.view(bool), flags]))
    for d, a in [(">f8", "|b1"), ("|b1", ">i2"), (">u4", "|b1"), ("|b1", ">f2")]:
        src = raw.view(bool) if d == "|b1" else specials(d)
        cases.append(case({"id": "delta", "dtype": d, "astype": a}, src,
                          [raw.view(bool) if a == "|b1" else specials(a)]))
    dump("delta", cases)


if __name__ == "__main__":
    main()
