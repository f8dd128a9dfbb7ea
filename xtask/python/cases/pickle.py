"""zarrcodecs-pickle: every protocol (0-5, negative = highest, and the default), on
object arrays of this module (strings, bytes, ints of every width and beyond 64 bits -
LONG1, LONG4, protocol 0/1 text - floats, None, bools, nested lists, dicts with keys of
every hashable kind and batches of 1000 SETITEMS) and a few numeric arrays of
interop.py. Our bytes are identical to numcodecs' for all of them (no mask).

Strings and bytes are built at run time, as data read from anywhere is: CPython then
shares (memoizes once) only its singletons - the empty string, one-character latin-1
strings, bytes of length 0 and 1 - which is what the Rust pickler assumes. (An array
holding the same longer str object twice would pickle shorter in Python.)

numcodecs 0.15.2 decodes pickles only after an opt-in, because Python's unpickler runs
code; the suite decodes only pickles numcodecs or the Rust crate wrote, so it opts in.
"""

import math

import numpy as np
import numcodecs.pickles

numcodecs.pickles.ALLOW_UNSAFE_PICKLE_DECODE = True

# Not f8_2d_fortran: Rust arrays are C order, so our pickle of it (C order) differs
# from numcodecs' (Fortran order); the crate's fixtures cover decoding Fortran order.
NUMERIC = ["u1_random_0", "u1_random_1000", "f8_walk_50k", "i2_big_endian", "b1_mask", "c16_be_257", "S7_257",
           "U3_257", "M8_ns", "m8_s_257"]


def _s(text):
    return text.encode("utf-8").decode("utf-8")


def _b(data):
    return bytes(list(data))


def _obj(items, shape=None):
    a = np.empty(len(items), dtype=object)
    for i, x in enumerate(items):
        a[i] = x
    return a.reshape(shape) if shape is not None else a


def arrays():
    return [
        ("pickle_ascii", _obj([_s("foo"), _s("bar"), _s("hello world"), _s("x" * 300)])),
        ("pickle_non_ascii", _obj([_s("é"), _s("naïve"), _s("日本語"), _s("😀"), _s("\\ back\nslash\r\x00\x1a")])),
        ("pickle_empty_strings", _obj([_s(""), _s(""), _s("a"), _s("a"), _s("|"), _s("ab")])),
        ("pickle_bytes", _obj([_b(b"ab\x00cd"), _b(b"\x00"), _b(b""), _b(b"b"), _b(bytes(range(256)))])),
        ("pickle_ints", _obj([0, 1, 255, 256, 65536, -1, -5, 2**31, -2**31 - 1, 2**40, -2**40, 2**63 - 1, -2**63])),
        ("pickle_floats", _obj([0.0, -0.0, 1.5, 0.1, 1e16, 1e-5, 1e100, math.nan, math.inf, -math.inf])),
        ("pickle_none_bool", _obj([None, True, False, None])),
        ("pickle_nested", _obj([[1, [_s("a"), [None]]], [], [_s("xy")], [_b(b"zz"), 1.5, [[], []]]])),
        ("pickle_mixed", _obj([_s("text"), _b(b"raw"), 7, 2.5, None, True, [1, _s("two")], _s("")])),
        ("pickle_dicts", _obj([{_s("a"): 1, _s("bc"): [1, _s("two")], _s("nested"): {_s("x"): None, _s("y"): {}}}, {},
                               {1: _s("one"), 2.5: True, None: _b(b"raw"), _s(""): -2**70, _b(b"k"): 2**64,
                                False: math.nan, math.inf: -math.inf},
                               {_s("only"): _s("one item")}, [{_s("in"): [{}]}, {2**80: [None, {-0.5: _s("no")}]}]])),
        # Exactly 1000 items (CPython ends with an empty MARK SETITEMS batch), and
        # 2500 (three batches, memo indices past 255 for the str keys).
        ("pickle_dict_1000", _obj([{i: -i for i in range(1000)}])),
        ("pickle_dict_2500", _obj([{_s(f"k{i}"): i % 7 for i in range(2500)}, {_s("a"): {_s("a"): _s("a")}}])),
        ("pickle_big_ints", _obj([2**63, -2**63 - 1, 2**64 - 1, 2**64, -2**64 - 1, 2**100, -2**100, 2**2039, 2**2040,
                                  -2**2047 - 1, 3**3000, 10**4299, -(10**4298), [2**70, {_s("big"): -2**70}]])),
        ("pickle_2d", _obj([_s(f"r{i}c{j}") for i in range(3) for j in range(4)], (3, 4))),
        ("pickle_2500", _obj([i % 300 - 7 if i % 3 else _s(f"s{i}") for i in range(2500)])),
        # Payloads of 64 KiB and more are written outside protocol 4/5 frames (and ours
        # by reference until the pickle is assembled): several in one pickle. (Nested
        # arrays of one dtype: the harness gives the Rust side one nested dtype.)
        ("pickle_large_items", _obj([_b(b"x" * 70000), np.arange(20000, dtype="<f8"), _b(b"y" * 65536),
                                     _s("z" * 70000), np.arange(9000, dtype="<f8"), _s("end")])),
    ]


def configs():
    names = [name for name, _ in arrays()] + NUMERIC
    out = []
    for protocol in (0, 1, 2, 3, 4, 5, -1):
        out.append(({"id": "pickle", "protocol": protocol}, None, protocol in (4, 5), names))
    return out
