"""Writes numcodecs-0.15.2.json: what numcodecs 0.15.2 (numpy 2.4.6, CPython 3.11) writes
for the pickle codec. Run with the interop venv's Python:

    target/interop-venv/bin/python crates/zarrcodecs-pickle/tests/data/make_fixtures.py

Strings and bytes are built at run time (not literals), as data read from anywhere is:
CPython then shares only its singletons (the empty string, one-character latin-1
strings, bytes of length 0 and 1), which is what the Rust pickler assumes.
"""

import json
import math
import os
import pickle

import sys

import numcodecs
import numpy as np

# The one JSON form of object arrays (zarrcodecs-core, feature `serde`).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "xtask", "python"))
import object_json  # noqa: E402


def s(text):
    return text.encode("utf-8").decode("utf-8")


def b(data):
    # bytes(list) gives CPython's one-byte singletons, as bytes read from a buffer do
    # (bytes(bytearray) would not).
    return bytes(list(data))


def obj(items, shape=None):
    a = np.empty(len(items), dtype=object)
    for i, x in enumerate(items):
        a[i] = x
    return a.reshape(shape) if shape is not None else a


def array_json(a):
    """Object arrays in the one JSON form of object arrays (xtask/python/object_json.py),
    numeric arrays as {dtype, shape, data: hex}."""
    if a.dtype == object:
        return object_json.object_array(a)
    return {"dtype": a.dtype.str, "shape": list(a.shape), "data": a.tobytes(order="C").hex()}


def object_arrays():
    out = []
    out.append(("ascii", obj([s("foo"), s("bar"), s("hello world"), s("x" * 300)])))
    out.append(("non_ascii", obj([s("é"), s("é"), s("naïve"), s("日本語"), s("😀 emoji"), s("Ĭ"), s("\\ back\nslash\r\x00\x1a\x7f\x80")])))
    out.append(("empty_and_short", obj([s(""), s(""), s("a"), s("a"), s("b"), s("|"), s("<"), s("C"), s("ab")])))
    out.append(("bytes", obj([b(b"ab\x00cd"), b(b"\x00"), b(b""), b(b""), b(b"b"), b(b"\xff\xfe\x00\x80"), b(bytes(range(256)))])))
    out.append(("ints", obj([0, 1, 255, 256, 65535, 65536, -1, -5, -256, 2**31 - 1, 2**31, -2**31, -2**31 - 1, 2**40, -2**40, 2**63 - 1, -2**63])))
    out.append(("floats", obj([0.0, -0.0, 1.5, 0.1, 1e16, 1e15, 1e-5, 1e-4, 1e100, 5e-324, math.nan, math.inf, -math.inf, 123.456])))
    out.append(("none_bool", obj([None, True, False, None])))
    out.append(("nested", obj([[1, [s("a"), [None]]], [], [s("xy")], [b(b"zz"), 1.5, [[], []]]])))
    out.append(("mixed", obj([s("text"), b(b"raw"), 7, 2.5, None, True, [1, s("two")], s("")])))
    out.append(("two_d", obj([s(f"r{i}c{j}") for i in range(3) for j in range(4)], (3, 4))))
    out.append(("three_d", obj([i * 1000 for i in range(24)], (2, 3, 4))))
    out.append(("four_d", obj([s("v") for _ in range(16)], (2, 2, 2, 2))))
    out.append(("empty", obj([])))
    out.append(("empty_2d", obj([], (0, 3))))
    out.append(("zero_d", obj([s("only")], ())))
    out.append(("batched_2500", obj([i % 300 - 7 if i % 3 else s(f"s{i}") for i in range(2500)])))
    out.append(("exactly_1000", obj([i for i in range(1000)])))
    out.append(("list_1001", obj([[i for i in range(1001)]])))
    out.append(("big_strings", obj([s("a" * 65536), s("é" * 33000), b(b"\x01" * 65535), s("tail")])))
    out.append(("many_strings", obj([s(f"string number {i:05d}") for i in range(3500)])))
    out.append(("arrays", obj([np.array([1, 2, 3], dtype="<i4"), np.array([1.5], dtype="<f8"), np.array([], dtype="<i4"), np.array([7], dtype="|u1")])))
    out.append(("datetime_arrays", obj([np.arange(2, dtype="<i8").view("<M8[s]"), np.arange(2, dtype="<i8").view("<M8[s]"), np.array([5], dtype=">i4")])))
    return out


def numeric_arrays():
    return [
        ("f8", np.array([1.5, 2.5, -0.0, np.nan], dtype="<f8")),
        ("i2_be_2d", np.arange(12, dtype=">i2").reshape(3, 4)),
        ("u1_one", np.array([98], dtype="|u1")),
        ("u1_empty", np.array([], dtype="|u1")),
        ("b1", np.array([True, False, True])),
        ("c8", np.array([1 + 2j, -3j], dtype="<c8")),
        ("S3", np.array([b"ab", b"", b"xyz"], dtype="|S3")),
        ("U2", np.array(["é", "ab"], dtype="<U2")),
        ("u2_0d", np.array(513, dtype="<u2")),
        ("f4_big", np.linspace(0, 1, 16500, dtype="<f4")),
        ("M8_ns", np.arange(3, dtype="<i8").view("<M8[ns]")),
        ("m8_10s_be", np.arange(3, dtype=">i8").view(">m8[10s]")),
        ("M8_generic", np.arange(2, dtype="<i8").view("<M8")),
        ("M8_D_2d", np.arange(6, dtype="<i8").view("<M8[D]").reshape(2, 3)),
    ]


PROTOCOLS = [0, 1, 2, 3, 4, 5]


def main():
    cases = []
    for name, a in object_arrays() + numeric_arrays():
        big = name in ("big_strings", "many_strings", "f4_big")
        for p in [4, 5] if big else PROTOCOLS + [None]:
            codec = numcodecs.Pickle() if p is None else numcodecs.Pickle(protocol=p)
            enc = codec.encode(a)
            assert pickle.loads(enc).shape == a.shape
            dec = pickle.loads(enc)
            case = {"name": f"{name}_p{p}", "config": codec.get_config(), "array": array_json(a), "encoded": enc.hex()}
            if array_json(dec) != case["array"]:
                case["decoded"] = array_json(dec)
            cases.append(case)
    # numpy 1.x wrote numpy.core.*: the same pickles with numpy 1.x's module names,
    # still written by CPython's pickler (numpy 2's numpy.core shim loads them).
    import numpy._core.multiarray as ma
    import numpy._core.numeric as nu
    saved = (ma._reconstruct.__module__, nu._frombuffer.__module__)
    ma._reconstruct.__module__ = "numpy.core.multiarray"
    nu._frombuffer.__module__ = "numpy.core.numeric"
    legacy = []
    try:
        for name, a in [object_arrays()[8], object_arrays()[20], numeric_arrays()[0], numeric_arrays()[1]]:
            for p in PROTOCOLS:
                enc = pickle.dumps(a, protocol=p)
                assert b"numpy.core" in enc and b"numpy._core" not in enc
                legacy.append({"name": f"numpy1_{name}_p{p}", "config": {"id": "pickle", "protocol": p},
                               "array": array_json(a), "encoded": enc.hex()})
    finally:
        ma._reconstruct.__module__, nu._frombuffer.__module__ = saved
    for c in legacy:
        dec = array_json(pickle.loads(bytes.fromhex(c["encoded"])))
        if dec != c["array"]:
            c["decoded"] = dec
    # Python writes these, but they do not fit the Rust object model: decode must
    # refuse them with a typed error.
    unsupported = []
    for name, a in [("int_2_64", obj([2**64])), ("int_neg_2_70", obj([-2**70])), ("tuple", obj([(1, 2)])),
                    ("dict", obj([{"a": 1}])), ("set", obj([{1}])), ("complex", obj([1j])),
("structured", np.zeros(2, dtype=[("a", "<i4")]))]:
        for p in PROTOCOLS:
            unsupported.append({"name": f"{name}_p{p}", "encoded": pickle.dumps(a, protocol=p).hex()})
    # numpy scalars in object arrays: decoded as the Python value they hold.
    scalars = []
    a = obj([np.float64(2.5), np.int64(-3), np.uint8(200), np.bool_(True), np.float32(0.5), np.int16(-7), np.float16(1.5)])
    for p in PROTOCOLS:
        scalars.append({"name": f"numpy_scalars_p{p}", "array": array_json(a), "encoded": pickle.dumps(a, protocol=p).hex()})
    # Python shares objects it holds more than once (memo GETs): decode only.
    shared = []
    text = s("shared string")
    raw = b(b"shared bytes")
    inner = [text, raw, [s("deep")]]
    a = obj([text, text, raw, raw, inner, inner, [inner, inner]])
    for p in PROTOCOLS:
        shared.append({"name": f"shared_p{p}", "array": array_json(a), "encoded": pickle.dumps(a, protocol=p).hex()})
    # Fortran order (Rust arrays are C order): decode only, to the same values.
    fortran = []
    for name, a in [("f8", np.asfortranarray(np.arange(12, dtype="<f8").reshape(3, 4))),
                    ("i2_be_3d", np.asfortranarray(np.arange(24, dtype=">i2").reshape(2, 3, 4))),
                    ("objects", np.asfortranarray(obj([s(f"r{i}c{j}") for i in range(3) for j in range(4)], (3, 4))))]:
        assert a.flags["F_CONTIGUOUS"] and not a.flags["C_CONTIGUOUS"]
        for p in PROTOCOLS:
            enc = pickle.dumps(a, protocol=p)
            fortran.append({"name": f"fortran_{name}_p{p}", "array": array_json(pickle.loads(enc)), "encoded": enc.hex()})
    doc = {
        "numcodecs": numcodecs.__version__,
        "numpy": np.__version__,
        "python": ".".join(map(str, __import__("sys").version_info[:3])),
        "cases": cases,
        "legacy": legacy,
        "unsupported": unsupported,
        "scalars": scalars,
        "shared": shared,
        "fortran": fortran,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "numcodecs-0.15.2.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=0, ensure_ascii=False)
    print(f"{len(cases)} cases, {len(legacy)} legacy, {len(unsupported)} unsupported -> {path}")


if __name__ == "__main__":
    main()
