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
