"""zarrcodecs-categorize: Categorize with U and object dtypes, integer and float astypes,
labels that repeat, are empty, longer than the width or hold non-ASCII characters;
inputs with unknown values (encoded 0, decoded ""), U arrays of both byte orders,
object arrays of str, and a U array with the object dtype (numpy converts its items to
str). Encoded: a flat astype array, byte-identical; decoded: a flat U or object array."""

import numpy as np

LABELS = ["apple", "fig", "", "toolongname", "\u00fc\u20ac\U0001F600", "fig", "pear"]
WORDS = ["apple", "fig", "", "toolo", "\u00fc\u20ac\U0001F600", "pear", "plum", "APPLE", "a"]
MANY = [f"w{i:03d}" for i in range(300)]


def arrays():
    rng = np.random.default_rng(13)
    u5 = np.array(WORDS, dtype="<U5")[rng.integers(0, len(WORDS), 1000)]
    many = np.array(MANY + ["w300", "x", ""], dtype="<U4")[rng.integers(0, 303, 2000)]
    return [
        ("categorize_u5", u5),
        ("categorize_u5_be", u5.astype(">U5")),
        ("categorize_u5_2d", u5[:60].reshape(6, 10)),
        ("categorize_u5_empty", u5[:0]),
        ("categorize_obj", u5.astype(object)),
        ("categorize_obj_empty", u5[:0].astype(object)),
        ("categorize_many_u4", many),
        ("categorize_many_obj", many.astype(object)),
    ]


def configs():
    out = []
    u5 = ["categorize_u5", "categorize_u5_2d", "categorize_u5_empty"]
    for astype in ("|u1", "<u2", ">i4", "<f8"):
        out.append(({"id": "categorize", "labels": LABELS, "dtype": "<U5", "astype": astype}, None, False, u5))
    out.append(({"id": "categorize", "labels": LABELS, "dtype": ">U5", "astype": "|u1"}, None, False,
                ["categorize_u5_be"]))
    out.append(({"id": "categorize", "labels": LABELS, "dtype": "<U5"}, None, False, ["categorize_u5"]))
    out.append(({"id": "categorize", "labels": LABELS, "dtype": "|O", "astype": "|u1"}, None, False,
                ["categorize_obj", "categorize_obj_empty", "categorize_u5"]))
    out.append(({"id": "categorize", "labels": MANY, "dtype": "<U4", "astype": "<u2"}, None, False,
                ["categorize_many_u4"]))
    out.append(({"id": "categorize", "labels": MANY, "dtype": "|O", "astype": "<u2"}, None, False,
                ["categorize_many_obj"]))
    # Bool, half, complex and timedelta/datetime astypes.
    for astype in ("|b1", "<f2", ">f2", "<c8", ">c16", "<m8[s]", ">M8[ms]"):
        out.append(({"id": "categorize", "labels": LABELS, "dtype": "<U5", "astype": astype}, None, False,
                    ["categorize_u5", "categorize_u5_empty"]))
    out.append(({"id": "categorize", "labels": MANY, "dtype": "|O", "astype": "<f2"}, None, False,
                ["categorize_many_obj"]))
    return out
