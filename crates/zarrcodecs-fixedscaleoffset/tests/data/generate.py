"""Writes numcodecs-0.15.2.json: what numcodecs 0.15.2 (with numpy 2.4) gives for the fixedscaleoffset codec on arrays of
special values (NaN payloads, infinities, subnormals, -0.0, integer limits, .5 rounding
boundaries, values out of every target's range), in both byte orders and at every n % 4.

Run with the interop venv: python generate.py > numcodecs-0.15.2.json"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../xtask/python"))
from filter_fixtures import TYPES, case, dump, np, short, specials  # noqa: E402


def main():
    cases = []
    for d in TYPES:
        for a in TYPES:
            cases.append(case({"id": "fixedscaleoffset", "offset": 3, "scale": 2.5, "dtype": "<" + d, "astype": "<" + a},
                              specials("<" + d), [short("<" + a)]))
    for d in TYPES:
        for offset, scale in [(1000, 10), (0.5, 0.1), (-7, 3), (2**40, 2**20), (1e10, 1e-3), (-2.5, 4), (0, 1),
                              (1.0, 1)]:
            for a in dict.fromkeys([d, "i4", "f8"]):  # unique, in a fixed order (a set's varies by run)
                cases.append(case({"id": "fixedscaleoffset", "offset": offset, "scale": scale, "dtype": "<" + d,
                                   "astype": "<" + a}, short("<" + d), [short("<" + a)]))
    for d, a in [("f8", "u2"), ("i4", "i2"), ("f2", "f4"), ("u2", "f8")]:
        for do, ao in [(">", "<"), ("<", ">"), (">", ">")]:
            cases.append(case({"id": "fixedscaleoffset", "offset": 2, "scale": 0.5, "dtype": do + d, "astype": ao + a},
                              short(do + d), [short(ao + a)]))
    for n in range(10):
        arr = np.linspace(-5e9, 5e9, n)
        arr[::3] = np.nan
        cases.append(case({"id": "fixedscaleoffset", "offset": 1, "scale": 1.5, "dtype": "<f8", "astype": "<u4"},
                          arr, [np.full(n, 3, "<u4")]))
    rng = np.random.default_rng(9)
    x = np.linspace(1000, 1001, 10, dtype="<f8")
    for scale, astype in [(10, "u1"), (10**2, "u1"), (10**3, "<u2")]:
        cases.append(case({"id": "fixedscaleoffset", "offset": 1000, "scale": scale, "dtype": "<f8", "astype": astype},
                          x))
    cases.append(case({"id": "fixedscaleoffset", "offset": 1, "scale": 2, "dtype": "<f4"},
                      np.arange(24, dtype="<f4").reshape(2, 3, 4)))
    cases.append(case({"id": "fixedscaleoffset", "offset": 1, "scale": 2, "dtype": "<i2"},
                      np.arange(-20, 20, dtype="<i2").view("u1")))
    big = np.cumsum(rng.normal(size=4099)).astype("<f8")
    cases.append(case({"id": "fixedscaleoffset", "offset": 10.5, "scale": 100, "dtype": "<f8", "astype": "<i4"}, big))
    # Bool data: numpy computes bools minus a Python int in int64, with a float in
    # float64; any result to bool is "not zero" (NaN is True, -0.0 False). Bools
    # decoded: true division gives float64.
    raw = np.frombuffer(bytes([0, 2, 1, 3, 0, 0, 255, 1, 1, 0, 4, 0, 0, 1, 128]), "u1").view(bool)
    for offset, scale in [(3, 2.5), (0, 1), (1, 2), (0.5, 3), (-7, 3), (2**40, 2**20), (1.0, 1), (0.5, 0.0)]:
        for a in ["|b1", "|i1", "|u1", "<i4", "<f8", "<f2", "<c8", ">c16"]:
            cases.append(case({"id": "fixedscaleoffset", "offset": offset, "scale": scale, "dtype": "|b1",
                               "astype": a}, raw, [any_specials(a)]))
    for d in TYPES:
        for offset, scale in [(3, 2.5), (0, 1)]:
            cases.append(case({"id": "fixedscaleoffset", "offset": offset, "scale": scale, "dtype": "<" + d,
                               "astype": "|b1"}, specials("<" + d), [raw]))
    # Complex: offset and scale become complex with imaginary part 0; numpy's complex
    # product and quotient (Smith's method), np.around per part; casts to a real type
    # keep the real part, to bool test either part.
    for d in ["<c8", "<c16"]:
        for a in ["<c8", "<c16", "<f8", "<f4", "<f2", "<i4", "|u1", "<i8", "|b1"]:
            cases.append(case({"id": "fixedscaleoffset", "offset": 3, "scale": 2.5, "dtype": d, "astype": a},
                              cspecials(d), [any_specials(a)]))
        for offset, scale in [(1000, 10), (0.5, 0.1), (0, 1), (-2.5, 4), (1, 0), (0.5, 0.0), (1e10, -1e-3), (-7, -3)]:
            cases.append(case({"id": "fixedscaleoffset", "offset": offset, "scale": scale, "dtype": d, "astype": d},
                              cspecials(d), [cspecials(d)]))
    for d in TYPES:
        for a in ["<c8", "<c16"]:
            cases.append(case({"id": "fixedscaleoffset", "offset": 3, "scale": 2.5, "dtype": "<" + d, "astype": a},
                              specials("<" + d), [cspecials(a)]))
    for d, a in [(">c16", "<c8"), ("<c8", ">c16"), (">c8", ">f4"), (">f8", ">c8"), (">c16", ">c16")]:
        cases.append(case({"id": "fixedscaleoffset", "offset": -1.5, "scale": 3, "dtype": d, "astype": a},
                          any_specials(d), [any_specials(a)]))
    dump("fixedscaleoffset", cases)


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
