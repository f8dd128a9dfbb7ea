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
    # Complex: numpy's complex subtraction and addition are per part; casts to a real
    # type keep the real part, to bool test either part; enc[0] = arr[0] to an integer
    # type goes through the real part as a Python float (NaN and overflow raise).
    reals = ["i1", "u1", "i4", "i8", "u8", "f2", "f4", "f8", "b1"]
    for d in ["c8", "c16"]:
        for a in ["c8", "c16"] + reals:
            cases.append(case({"id": "delta", "dtype": "<" + d, "astype": dt(a)}, cspecials("<" + d),
                              [any_specials(dt(a))]))
    for d in reals:
        for a in ["c8", "c16"]:
            cases.append(case({"id": "delta", "dtype": dt(d), "astype": "<" + a}, any_specials(dt(d)),
                              [cspecials("<" + a)]))
    for d, a in [(">c16", "<c8"), ("<c8", ">c16"), (">c8", ">f4"), (">f8", ">c8"), (">c16", ">c16"),
                 ("<c8", ">i2"), (">u2", "<c16")]:
        cases.append(case({"id": "delta", "dtype": d, "astype": a}, any_specials(d), [any_specials(a)]))
    finite = cspecials("<c16")
    finite = finite[np.isfinite(finite) & (np.abs(finite.real) < 1e9)]
    for a in ["<i4", "<i8", "|u1"]:
        cases.append(case({"id": "delta", "dtype": "<c16", "astype": a}, finite))
    for first in [complex(np.nan, 1), complex(1e10, 0), complex(-3.7, 1e300)]:
        for a in ["<i4", "<i8"]:
            cases.append(case({"id": "delta", "dtype": "<c16", "astype": a}, np.array([first, 1, 2j], "<c16")))
    # timedelta64 of one unit: int64 arithmetic with NaT (the smallest int64) absorbing.
    for d, a in [("<m8[ns]", "<m8[ns]"), (">m8[s]", ">m8[s]"), ("<m8[10ms]", "<m8[10ms]"), ("<m8[s]", ">m8[s]"),
                 (">m8[D]", "<m8[D]")]:
        cases.append(case({"id": "delta", "dtype": d, "astype": a}, specials(d[0] + "i8").view(d),
                          [specials(a[0] + "i8").view(a)]))
    dump("delta", cases)


def dt(t):
    return "|b1" if t == "b1" else "<" + t


def cspecials(t):
    """Complex values of numpy type t: the special values of its float parts, paired."""
    f = t[0] + ("f4" if t.endswith("c8") else "f8")
    re = specials(f)
    return (re.astype(complex) + 1j * re[::-1].astype(complex)).astype(t)


def any_specials(t):
    if t.endswith("b1"):
        return np.frombuffer(bytes([0, 2, 1, 3, 0, 0, 255, 1, 1, 0, 4, 0, 0, 1, 128]), "u1").view(bool)
    if "c" in t:
        return cspecials(t)
    return specials(t)


if __name__ == "__main__":
    main()
