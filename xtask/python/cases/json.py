"""zarrcodecs-json: json2 with its byte-affecting options (ensure_ascii, indent as a
number, a string and True, separators, text encodings) on object arrays of this module
(strings incl. astral characters and escapes, ints, floats incl. NaN/Infinity and
repr edge cases, None, bools, nested lists, dicts with str, int, float, bool and None
keys (sorted with sort_keys, in order without), ints beyond 64 bits, 2-d and 0-d
arrays) and on numeric arrays of interop.py (every bool, int and float dtype, `U`
strings). Bytes are identical (no mask).

It also registers numcodecs 0.9's `LegacyJSON` (id `json`, removed from numcodecs in
0.10; ported here verbatim) so that the legacy id, which the Rust crate still reads
and writes, is checked both ways too."""

import math

import numcodecs
import numpy as np
from numcodecs.compat import ensure_text
from numcodecs.json import JSON


class LegacyJSON(JSON):
    """numcodecs 0.9.1's numcodecs.json.LegacyJSON."""

    codec_id = "json"

    def encode(self, buf):
        buf = np.asarray(buf)
        items = buf.tolist()
        items.append(buf.dtype.str)
        return self._encoder.encode(items).encode(self._text_encoding)

    def decode(self, buf, out=None):
        items = self._decoder.decode(ensure_text(buf, self._text_encoding))
        dec = np.array(items[:-1], dtype=items[-1])
        if out is not None:
            np.copyto(out, dec)
            return out
        return dec


numcodecs.register_codec(LegacyJSON)


def _obj(items, shape=None):
    a = np.empty(len(items), dtype=object)
    for i, x in enumerate(items):
        a[i] = x
    return a.reshape(shape) if shape is not None else a


FLOATS = [0.0, -0.0, 0.1, 1 / 3, 1e16, 1e15, 1234567890123456.0, 1e-4, 1e-5, 5e-324, 1.7976931348623157e308,
          1e22, 123.456, math.nan, math.inf, -math.inf, -722479842517927.25]


def arrays():
    rng = np.random.default_rng(11)
    words = ["w%d" % i + "é" * (i % 3) for i in range(1500)]
    return [
        ("json_strings", _obj(["", "a", "é", "日本語", "😀 𐍈", "\x00\x1f\x7f\"\\/\b\f\n\r\t", "x" * 300] * 2)),
        ("json_words_1500", _obj(words)),
        ("json_mixed", _obj(["s", None, True, False, 0, -7, 2**62, -(2**63), 1.5, math.nan, [1, [2.5, None], "x"], []])),
        ("json_floats", _obj(FLOATS + [float(x) for x in rng.normal(size=200) * 10.0 ** rng.integers(-30, 30, 200)])),
        ("json_2d", _obj(["a", None, 1, 2.5, "b", True], (3, 2))),
        ("json_dicts", _obj([{"b": 1, "a": [1, {"z": None, "y": math.nan}], "c": {"d": {"e": "é😀", "": []}}}, {},
                             {1: "int", 2.5: "float", -(10**30): "big", math.inf: "inf", True: "bool"},
                             {None: "none"}, {"w%02d" % i: i for i in range(30)}])),
        ("json_big_ints", _obj([2**64, -(2**64) - 1, 2**63, -(2**63) - 1, 10**100, -(10**1000),
                                [2**70, {"k": -(2**65)}]])),
        ("json_0d", np.array("zero-d", dtype=object)),
        ("json_empty", _obj([])),
        ("json_f8_0d", np.array(2.5)),
        ("json_f8_specials", np.array(FLOATS)),
        ("json_i4_2x0", np.zeros((2, 0), dtype="<i4")),
    ]


NUMERIC = ["u1_random_1000", "i2_big_endian", "b1_mask", "f4_sparse_30k", "u2_3d", "i1_257", "u4_257", "i8_257",
           "u8_be_257", "f2_257", "U3_257"]


def configs():
    mine = [name for name, _ in arrays()]
    default = JSON().get_config()
    default["separators"] = list(default["separators"])
    out = [(default, None, False, mine + NUMERIC + ["f8_walk_50k"])]
    small = ["json_strings", "json_mixed", "json_2d", "json_f8_specials", "u2_3d", "U3_257", "json_empty", "json_0d",
             "json_dicts", "json_big_ints"]
    for extra in ({"ensure_ascii": False}, {"indent": 2}, {"indent": "\t", "ensure_ascii": False}, {"indent": True},
                  {"separators": [", ", ": "]}, {"encoding": "latin-1"}, {"allow_nan": True, "sort_keys": False,
                                                                          "strict": False, "skipkeys": True}):
        cfg = JSON(**extra).get_config()
        cfg["separators"] = list(cfg["separators"])
        out.append((cfg, None, False, small))
    legacy = LegacyJSON().get_config()
    legacy["separators"] = list(legacy["separators"])
    out.append((legacy, None, False, [n for n in small if not n.endswith("0d")] + ["json_words_1500", "i4_ramp_100k"]))
    return out
