"""zarrcodecs-msgpack: msgpack2 with every combination of use_bin_type, use_single_float
and raw on object arrays of this module (strings of every msgpack length class, bytes,
ints of every width, floats, None, bools, nested lists, 2-d arrays) and on numeric
arrays of interop.py (1-d and more), dicts with str and bytes keys (maps keep the
dict's order), ints up to 2**64 - 1. Bytes are identical (no mask). With raw=True
numcodecs decodes strings to bytes, which the expected decodes carry.

It also registers numcodecs 0.9's `LegacyMsgPack` (id `msgpack`, removed in 0.10),
ported to msgpack-python 1.x: its `packb(..., encoding='utf-8')` and
`unpackb(..., encoding='utf-8')` of msgpack-python 0.x are `use_bin_type=False` and
`raw=False` today."""

import itertools
import math

import msgpack
import numcodecs
import numpy as np
from numcodecs.abc import Codec
from numcodecs.compat import ensure_contiguous_ndarray
from numcodecs.msgpacks import MsgPack


class LegacyMsgPack(Codec):
    """numcodecs 0.9.1's numcodecs.msgpacks.LegacyMsgPack."""

    codec_id = "msgpack"

    def __init__(self, encoding="utf-8"):
        self.encoding = encoding

    def encode(self, buf):
        buf = np.asarray(buf)
        items = buf.tolist()
        items.append(buf.dtype.str)
        return msgpack.packb(items, use_bin_type=False)

    def decode(self, buf, out=None):
        buf = ensure_contiguous_ndarray(buf)
        items = msgpack.unpackb(buf, raw=False)
        dec = np.array(items[:-1], dtype=items[-1])
        if out is not None:
            np.copyto(out, dec)
            return out
        return dec

    def get_config(self):
        return dict(id=self.codec_id, encoding=self.encoding)


numcodecs.register_codec(LegacyMsgPack)


def _obj(items, shape=None):
    a = np.empty(len(items), dtype=object)
    for i, x in enumerate(items):
        a[i] = x
    return a.reshape(shape) if shape is not None else a


INTS = [0, 1, 127, 128, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**63 - 1, -1, -32, -33, -128, -129, -32768,
        -32769, -(2**31), -(2**31) - 1, -(2**63)]


def arrays():
    return [
        ("msgpack_strings", _obj(["", "a", "é", "日本語", "😀 𐍈", "x" * 31, "y" * 32, "z" * 255, "w" * 256, "v" * 70000])),
        ("msgpack_bytes", _obj([b"", b"\x00", b"ab\x00", b"b" * 255, b"c" * 256, b"d" * 70000])),
        ("msgpack_ints", _obj(INTS)),
        ("msgpack_mixed", _obj([None, True, False, 1.5, 0.1, -0.0, math.nan, math.inf, [1, ["a", b"b"], None], [],
                                "s", b"t"])),
        ("msgpack_2d", _obj(["a", None, 1, 2.5, "b", True], (3, 2))),
        ("msgpack_dicts", _obj([{"b": 1, "a": [1, {"z": None, "y": math.nan}], "c": {"d": {"e": b"x", "": []}}}, {},
                                {"é😀": "non-ASCII key", "k" * 40: "str8 key", b"bin": b"key"},
                                {"w%02d" % i: i for i in range(30)}])),
        ("msgpack_big_ints", _obj([2**64 - 1, 2**63, -(2**63), [2**64 - 1, {"k": 2**63 + 5}]])),
        ("msgpack_words_2000", _obj(["w%d" % i + "é" * (i % 3) for i in range(2000)])),
        ("msgpack_empty", _obj([])),
        ("msgpack_i8_ints", np.array(INTS, dtype="<i8")),
        ("msgpack_long_i1", (np.arange(70000) % 128).astype("|i1")),
    ]


NUMERIC = ["u1_random_1000", "i2_big_endian", "b1_mask", "f4_sparse_30k", "u2_3d", "i1_257", "u4_257", "i8_257",
           "u8_be_257", "f2_257", "U3_257", "u1_random_0"]


def configs():
    mine = [name for name, _ in arrays()]
    out = []
    for raw, single, bin_type in itertools.product((False, True), (False, True), (True, False)):
        cfg = MsgPack(raw=raw, use_single_float=single, use_bin_type=bin_type).get_config()
        names = mine + NUMERIC if cfg == MsgPack().get_config() else [n for n in mine if "2000" not in n] + [
            "f8_walk_50k", "u2_3d", "U3_257"]
        if raw:
            # numpy cannot store the bytes raw=True gives for non-ASCII text in `U` arrays.
            names = [n for n in names if n != "U3_257"]
        out.append((cfg, None, False, names))
    no_bytes = ["msgpack_strings", "msgpack_ints", "msgpack_2d", "msgpack_words_2000", "msgpack_empty",
                "msgpack_i8_ints", "f8_walk_50k", "u2_3d", "U3_257"]
    out.append((LegacyMsgPack().get_config(), None, False, no_bytes))
    return out
