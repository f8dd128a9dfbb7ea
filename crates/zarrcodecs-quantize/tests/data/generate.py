"""Writes numcodecs-0.15.2.json: what numcodecs 0.15.2 (with numpy 2.4) gives for the quantize codec on arrays of
special values (NaN payloads, infinities, subnormals, -0.0, integer limits, .5 rounding
boundaries, values out of every target's range), in both byte orders and at every n % 4.

Run with the interop venv: python generate.py > numcodecs-0.15.2.json"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../xtask/python"))
from filter_fixtures import case, dump, np, short, specials  # noqa: E402


def main():
    cases = []
    floats = ["f2", "f4", "f8"]
    for d in floats:
        for a in floats:
            for digits in (2, 5):
                cases.append(case({"id": "quantize", "digits": digits, "dtype": "<" + d, "astype": "<" + a},
                                  specials("<" + d), [specials("<" + a)]))
    for d in floats:
        for digits in (-308, -307, -20, -3, -1, 0, 1, 3, 4, 6, 10, 15, 16, 17, 25, 100, 300, 307, 308, 320, 400):
            cases.append(case({"id": "quantize", "digits": digits, "dtype": "<" + d}, short("<" + d)))
    for d, a in [("f8", "f4"), ("f2", "f8"), ("f4", "f4")]:
        for do, ao in [(">", "<"), ("<", ">"), (">", ">")]:
            cases.append(case({"id": "quantize", "digits": 3, "dtype": do + d, "astype": ao + a}, specials(do + d),
                              [short(ao + a)]))
    rng = np.random.default_rng(10)
    cases.append(case({"id": "quantize", "digits": 1, "dtype": "<f8"}, np.linspace(0, 1, 10, dtype="<f8")))
    cases.append(case({"id": "quantize", "digits": 2, "dtype": "<f4"}, rng.normal(size=(3, 4, 5)).astype("<f4")))
    cases.append(case({"id": "quantize", "digits": 2, "dtype": "<f8"}, rng.normal(size=(4, 3)).view("u1")))
    cases.append(case({"id": "quantize", "digits": 3, "dtype": "<f8", "astype": "<f2"},
                      np.cumsum(rng.normal(size=4099)).astype("<f8")))
    # Float digits (numcodecs only computes 10.0 ** -digits with them; written back as
    # floats): fractional, whole, tiny, and ones for which Python raises.
    for d in ("f2", "f4", "f8"):
        for digits in (2.5, 2.0, -1.5, 0.3, 1e-9, -0.7, 15.5, 306.9, 307.5, -307.5, -308.5, 1e300, -1e300):
            cases.append(case({"id": "quantize", "digits": digits, "dtype": "<" + d}, short("<" + d)))
    cases.append(case({"id": "quantize", "digits": 2.5, "dtype": ">f8", "astype": "<f4"}, specials(">f8"),
                      [short("<f4")]))
    dump("quantize", cases)


if __name__ == "__main__":
    main()
