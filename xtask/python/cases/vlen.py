"""zarrcodecs-vlen: vlen-utf8, vlen-bytes and vlen-array on object arrays of this module
(ASCII, non-ASCII and astral strings, empty strings, None and 0 as missing values,
2-d arrays, bytes with NULs, numeric arrays of several dtypes, converted to the codec's
dtype) and on numpy `U`/`S` arrays of interop.py. Bytes are identical (no mask).
numcodecs decodes None to "" / b"" / an empty array, which the expected decodes carry."""

import numpy as np


def _obj(items, shape=None):
    a = np.empty(len(items), dtype=object)
    for i, x in enumerate(items):
        a[i] = x
    return a.reshape(shape) if shape is not None else a


def arrays():
    rng = np.random.default_rng(7)
    words = ["".join(chr(c) for c in rng.integers(97, 123, rng.integers(0, 12))) for _ in range(2000)]
    utf8 = ["", "é", "naïve café", "日本語テキスト", "😀 astral 𐍈", "nul\x00inside", "\\ back\nslash\r", "x" * 300]
    arrays_i2 = [rng.integers(-1000, 1000, n).astype("<i2") for n in (0, 1, 5, 100)] + [None]
    arrays_f8 = [rng.normal(size=n) for n in (3, 0, 17)] + [np.array([np.nan, np.inf, -0.0])]
    return [
        ("vlen_ascii_2000", _obj(words)),
        ("vlen_utf8", _obj(utf8 * 3)),
        ("vlen_missing", _obj(["a", None, "", 0, "b"])),
        ("vlen_2d", _obj([f"r{i}c{j}é" for i in range(20) for j in range(30)], (20, 30))),
        ("vlen_empty", _obj([])),
        ("vlen_bytes", _obj([b"", b"\x00", b"ab\x00cd", bytes(range(256)), b"z" * 1000] * 3)),
        ("vlen_bytes_missing", _obj([b"a", None, b"", 0])),
        ("vlen_arrays_i2", _obj(arrays_i2)),
        ("vlen_arrays_f8", _obj(arrays_f8)),
    ]


def configs():
    strings = ["vlen_ascii_2000", "vlen_utf8", "vlen_missing", "vlen_2d", "vlen_empty", "U3_257"]
    return [
        ({"id": "vlen-utf8"}, None, False, strings),
        ({"id": "vlen-bytes"}, None, False, ["vlen_bytes", "vlen_bytes_missing", "vlen_empty", "S7_257"]),
        ({"id": "vlen-array", "dtype": "<i2"}, None, False, ["vlen_arrays_i2", "vlen_empty"]),
        ({"id": "vlen-array", "dtype": ">i8"}, None, False, ["vlen_arrays_i2"]),
        ({"id": "vlen-array", "dtype": "<f8"}, None, False, ["vlen_arrays_f8"]),
        ({"id": "vlen-array", "dtype": ">f4"}, None, False, ["vlen_arrays_f8", "vlen_arrays_i2"]),
    ]
