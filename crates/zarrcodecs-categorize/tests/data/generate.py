"""Writes numcodecs-0.15.2.json: Categorize's encodings and decodings by Python numcodecs.

Run with the interop venv: target/interop-venv/bin/python crates/zarrcodecs-categorize/tests/data/generate.py
"""
import json
import os

import numcodecs
import numpy as np


def arr(a):
    a = np.asarray(a)
    if a.dtype == object:
        items = []
        for x in a.reshape(-1):
            if isinstance(x, bytes):
                items.append({"bytes": x.hex()})
            else:
                assert x is None or isinstance(x, (str, int)), x
                items.append(x)
        return {"dtype": "|O", "shape": list(a.shape), "items": items}
    return {"dtype": a.dtype.str, "shape": list(a.shape), "hex": a.tobytes(order="A").hex()}


LABELS = ["apple", "fig", "", "ab\x00", "toolongname", "ab", "\u00fc\u20ac\U0001F600", "fig", "nul\x00in"]
MANY = [f"w{i:03d}" for i in range(300)]


def main():
    rng = np.random.default_rng(6)
    words = ["apple", "fig", "", "ab", "toolo", "\u00fc\u20ac\U0001F600", "nul\x00i", "pear", "APPLE", "a", "ab\x00"]
    u5 = np.array(words, dtype="<U5")[rng.integers(0, len(words), 40)]
    many = np.array(MANY + ["w300", "x", ""], dtype="<U4")[rng.integers(0, 303, 500)]
    obj = np.array(["apple", "fig", "", "ab", "ab\x00", b"fig", None, 3, "toolongname", "nul\x00in", "pear"],
                   dtype=object)
    cases = []

    def add(config, x):
        codec = numcodecs.get_codec(dict(config))
        case = {"config": config, "get_config": codec.get_config(), "input": arr(x)}
        try:
            enc = codec.encode(x)
        except Exception as e:  # noqa: BLE001
            case["error"] = type(e).__name__
            cases.append(case)
            return
        case["encoded"] = arr(enc)
        case["decoded"] = arr(codec.decode(enc))
        cases.append(case)

    for astype in ("|u1", "<u2", ">u2", "<i4", ">i8", "|i1", "<f4", ">f8", "<u8"):
        add({"id": "categorize", "labels": LABELS, "dtype": "<U5", "astype": astype}, u5)
    add({"id": "categorize", "labels": LABELS, "dtype": "<U5", "astype": "|u1"}, u5[:0])
    add({"id": "categorize", "labels": LABELS, "dtype": "<U5", "astype": "|u1"}, u5[:12].reshape(3, 4))
    add({"id": "categorize", "labels": LABELS, "dtype": ">U5"}, u5.astype(">U5"))
    # The input's bytes are viewed as the configured dtype: a <U5 array read as >U5, a
    # <U4 array as <U2 (two items each), a byte array as <U1.
    add({"id": "categorize", "labels": LABELS, "dtype": ">U5"}, u5)
    add({"id": "categorize", "labels": ["ab", "ap", "pl", "fi", ""], "dtype": "<U2"}, u5.astype("<U4"))
    add({"id": "categorize", "labels": ["a", "b"], "dtype": "<U1"}, np.frombuffer("ab\x00c".encode("utf-32-le"), "u1"))
    add({"id": "categorize", "labels": ["ab"], "dtype": "<U2"}, u5.astype("<U3"))  # numpy refuses the view
    add({"id": "categorize", "labels": MANY, "dtype": "<U4", "astype": "<u2"}, many)
    add({"id": "categorize", "labels": MANY, "dtype": "<U4", "astype": "|u1"}, many)  # OverflowError
    add({"id": "categorize", "labels": LABELS, "dtype": "|O", "astype": "|u1"}, obj)
    add({"id": "categorize", "labels": LABELS, "dtype": "object", "astype": "<i2"}, obj)
    add({"id": "categorize", "labels": LABELS, "dtype": "|O"}, obj[:0])
    add({"id": "categorize", "labels": MANY, "dtype": "|O", "astype": "<u2"}, many.astype(object))
    # Numeric input with an object dtype: numpy converts the items; only U items are str.
    add({"id": "categorize", "labels": LABELS, "dtype": "|O"}, u5)
    add({"id": "categorize", "labels": LABELS, "dtype": "|O"}, np.array([b"fig", b"ab"], dtype="|S3"))
    add({"id": "categorize", "labels": ["1"], "dtype": "|O"}, np.arange(3, dtype="<i4"))
    add({"id": "categorize", "labels": [], "dtype": "<U3"}, u5.astype("<U3"))
    add({"id": "categorize", "labels": LABELS, "dtype": "<U5"}, u5)  # astype defaults to |u1
    # Bool, half, complex and timedelta/datetime astypes (numcodecs builds them all).
    for astype in ("|b1", "<f2", ">f2", "<c8", ">c8", "<c16", ">c16", "<m8[s]", "<m8", ">m8[us]", "<M8[ms]", ">M8[10s]"):
        add({"id": "categorize", "labels": LABELS, "dtype": "<U5", "astype": astype}, u5)
        add({"id": "categorize", "labels": LABELS, "dtype": "|O", "astype": astype}, obj)
    add({"id": "categorize", "labels": LABELS, "dtype": "<U5", "astype": "<M8"}, u5)  # needs a unit: ValueError
    add({"id": "categorize", "labels": [], "dtype": "<U5", "astype": "<M8"}, u5)  # no label: no conversion
    # 3000 labels as f2 codes: f2 rounds codes above 2048 (to even); decoding
    # gives the last label whose code rounds to the value. (Overflow to inf above
    # 65519 labels is checked by a unit test: those configs are too long to store.)
    huge = [f"{i}" for i in range(3000)]
    probe = np.array(["2047", "2048", "2049", "2050", "2051", "2052", "2998", "2999", "x"], dtype="<U6")
    for astype in ("<f2",):
        add({"id": "categorize", "labels": huge, "dtype": "<U6", "astype": astype}, probe)
    # U0: numcodecs builds it; every encode fails (numpy cannot view data as U0).
    add({"id": "categorize", "labels": ["a", "bc"], "dtype": "<U0"}, u5)
    add({"id": "categorize", "labels": ["a", "bc"], "dtype": "<U0"}, u5[:0])

    # Decoding codes numcodecs never writes: out of range, negative, fractional, NaN.
    decodes = []
    for config, enc in (
        ({"id": "categorize", "labels": LABELS, "dtype": "<U5"}, np.array([0, 1, 2, 9, 10, 255], dtype="|u1")),
        ({"id": "categorize", "labels": LABELS, "dtype": "<U5", "astype": "<i4"}, np.array([-1, 1, 5, 7, 2**31 - 1], dtype="<i4")),
        ({"id": "categorize", "labels": LABELS, "dtype": "<U5", "astype": "<f4"},
         np.array([1.0, 1.5, np.nan, -1.0, 7.0, np.inf, -0.0, 2.0000002], dtype="<f4")),
        ({"id": "categorize", "labels": LABELS, "dtype": "|O", "astype": "<u2"}, np.array([0, 1, 2, 4, 5, 7, 9, 65535], dtype="<u2")),
        ({"id": "categorize", "labels": LABELS, "dtype": "<U5", "astype": "<u2"}, np.array([1, 2, 3], dtype="|u1")),  # view refused
        ({"id": "categorize", "labels": LABELS, "dtype": "<U5", "astype": "<u2"}, np.array([1, 0, 7, 0], dtype="|u1")),
        ({"id": "categorize", "labels": LABELS, "dtype": ">U7", "astype": ">u2"}, np.array([1, 5, 7, 0], dtype=">u2")),
        # Any non-zero byte is True, which equals code 1.
        ({"id": "categorize", "labels": LABELS, "dtype": "<U5", "astype": "|b1"},
         np.frombuffer(bytes([0, 1, 2, 255, 128]), "u1").view(bool)),
        ({"id": "categorize", "labels": LABELS, "dtype": "<U5", "astype": "<f2"},
         np.array([1.0, 1.5, np.nan, -1.0, 7.0, np.inf, -0.0, 2.001953125, 9.0, 10.0], dtype="<f2")),
        ({"id": "categorize", "labels": [str(i) for i in range(3000)], "dtype": "<U6", "astype": ">f2"},
         np.array([1, 2048, 2050, 2052, 2998, 3000, 3002, 65504, np.inf, -np.inf, 0.5], dtype=">f2")),
        ({"id": "categorize", "labels": [str(i) for i in range(3000)], "dtype": "|O", "astype": "<f2"},
         np.array([2048, 2050, 2052, 2998, 3000, 3002, 3004, np.inf], dtype="<f2")),
        # Complex codes equal an integer only with an imaginary part of 0.
        ({"id": "categorize", "labels": LABELS, "dtype": "<U5", "astype": "<c8"},
         np.array([1 + 0j, 1 + 1j, 2 - 0j, 2 + 1e-30j, -0.0 + 0j, 3.5 + 0j, complex(np.nan, 0), 9], dtype="<c8")),
        ({"id": "categorize", "labels": LABELS, "dtype": "<U5", "astype": ">c16"},
         np.array([1 + 0j, 1 + 1j, 2 - 0j, 9, 10, -1, complex(0, np.nan)], dtype=">c16")),
        # A timedelta equals its count; a datetime never equals an integer.
        ({"id": "categorize", "labels": LABELS, "dtype": "<U5", "astype": "<m8[us]"},
         np.array([1, 2, 0, -1, 9, 10, -2**63], dtype="<i8").view("<m8[us]")),
        ({"id": "categorize", "labels": LABELS, "dtype": "<U5", "astype": ">M8[D]"},
         np.array([1, 2, 0, -2**63], dtype=">i8").view(">M8[D]")),
        ({"id": "categorize", "labels": LABELS, "dtype": "<U5", "astype": "<M8"},
         np.array([1, 2, 0, -2**63], dtype="<i8").view("<M8")),
        # U0 decodes to U1 (numpy's full_like), labels cut to one character.
        ({"id": "categorize", "labels": ["a", "bc", ""], "dtype": "<U0"}, np.array([0, 1, 2, 3, 4], dtype="|u1")),
        ({"id": "categorize", "labels": ["a", "bc", ""], "dtype": ">U0"}, np.array([0, 1, 2, 3, 4], dtype="|u1")),
    ):
        codec = numcodecs.get_codec(dict(config))
        d = {"config": config, "encoded": arr(enc)}
        try:
            d["decoded"] = arr(codec.decode(enc))
        except Exception as e:  # noqa: BLE001
            d["error"] = type(e).__name__
        decodes.append(d)

    # Configurations numcodecs refuses at construction.
    refused = []
    for config in ({"id": "categorize", "labels": ["a"], "dtype": "|S3"},
                   {"id": "categorize", "labels": ["a"], "dtype": "<i4"},
                   {"id": "categorize", "labels": ["a"], "dtype": "<U3", "astype": "|O"}):
        try:
            numcodecs.get_codec(dict(config))
            raise SystemExit(f"numcodecs accepted {config}")
        except TypeError as e:
            refused.append({"config": config, "error": type(e).__name__})

    out = {"numcodecs": numcodecs.__version__, "numpy": np.__version__, "cases": cases, "decodes": decodes,
           "refused": refused}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "numcodecs-0.15.2.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=0)
        f.write("\n")
    print(f"{len(cases)} cases ({sum('error' in c for c in cases)} refused), {len(decodes)} decodes, {len(refused)} configs refused")


if __name__ == "__main__":
    main()
