"""Writes the known-answer fixtures of the object codecs (zarrcodecs-vlen, zarrcodecs-json,
zarrcodecs-msgpack) with Python numcodecs: run with the interop venv's python from the
workspace root:  python crates/zarrcodecs-json/tests/data/generate.py
Each tests/data/numcodecs-<version>.json holds cases {config, name, input, encoded (hex),
decoded} (input and decoded: object arrays in the one JSON form of object arrays,
xtask/python/object_json.py; numeric arrays as {dtype, shape, hex}) (decoded = what numcodecs' own decode gives, when it is not the input) and rejects {config, name, encoded,
error} (inputs numcodecs' decode refuses, with the Python exception's name)."""
import json
import os
import struct
import sys

import msgpack
import numcodecs
import numpy as np
from numcodecs import JSON, MsgPack, VLenArray, VLenBytes, VLenUTF8

# The one JSON form of object arrays (zarrcodecs-core, feature `serde`).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "xtask", "python"))
import object_json  # noqa: E402


def num_form(a):
    return {"dtype": a.dtype.str, "shape": list(a.shape), "hex": a.tobytes().hex()}


def form(a):
    if a.dtype == object:
        return object_json.object_array(a)
    return num_form(a)


def obj(items, shape=None):
    a = np.empty(len(items), dtype=object)
    for i, v in enumerate(items):
        a[i] = v
    return a.reshape(shape) if shape is not None else a


STRINGS = ["", "a", "hello world", "caf\u00e9", "\u65e5\u672c\u8a9e", "\U0001F600 astral \U00010348", "nul\x00inside",
           "ctrl \x01\x1f\x7f \t\n\r\"\\/", "x" * 40, "y" * 300]


def vlen_cases():
    c, r = [], []
    s = {"id": "vlen-utf8"}
    c.append((s, "strings", obj(STRINGS)))
    c.append((s, "empty", obj([])))
    c.append((s, "missing", obj([None, "a", 0, 0.0, False, ""])))
    c.append((s, "strings_2d", obj(["a", "bb", "\u00e9", "", "\U0001F600", "z"], (2, 3))))
    c.append((s, "unicode_dtype", np.array(["a", "\u00e9t\u00e9", ""], dtype="<U3")))
    c.append((s, "many", obj([str(i) * (i % 7) for i in range(1000)])))
    b = {"id": "vlen-bytes"}
    c.append((b, "bytes", obj([b"", b"\x00", b"a\x00b\x00", bytes(range(256)), b"x" * 300])))
    c.append((b, "missing", obj([None, b"a", 0, b""])))
    c.append((b, "bytes_dtype", np.array([b"ab", b"a\x00", b""], dtype="|S3")))
    c.append((b, "empty", obj([])))
    for dt in ("<i2", ">i4", "<f8", "<f4", "|u1", "|b1", "<u8", ">f8"):
        v = {"id": "vlen-array", "dtype": dt}
        items = [np.array([0, 1, 2, 3, 4]).astype(dt), None, np.array([], dtype=dt), np.array([1, 0, 1], dtype=dt)]
        c.append((v, "arrays", obj(items)))
    v = {"id": "vlen-array", "dtype": "<i2"}
    c.append((v, "converted", obj([[1, 2.7, True], 3, np.array([1.5, -2.5]), np.array([7, 8], dtype=">i8"), []])))
    c.append((v, "empty", obj([])))
    c.append(({"id": "vlen-array", "dtype": "<f4"}, "converted", obj([[1, 0.1, 1e300 * 0], np.array([2, 3], dtype="<i8"), 2.5])))
    for cfg in (s, b, {"id": "vlen-array", "dtype": "<i2"}):
        r.append((cfg, "header_truncated", b"\x01\x00\x00"))
        r.append((cfg, "count_2_31", struct.pack("<I", 2**31) + b"\x00" * 6))
        r.append((cfg, "length_past_end", struct.pack("<II", 1, 100) + b"ab"))
        r.append((cfg, "second_item_missing", struct.pack("<III", 2, 2, 0) + b"\x01\x00"))
    r.append((s, "invalid_utf8", struct.pack("<II", 1, 2) + b"\xc3\x28"))
    r.append((s, "lone_surrogate_utf8", struct.pack("<II", 1, 3) + b"\xed\xa0\x80"))
    r.append(({"id": "vlen-array", "dtype": "<i4"}, "not_whole_items", struct.pack("<II", 1, 3) + b"\x01\x02\x03"))
    return c, r


FLOATS = [0.0, -0.0, 1.0, -1.5, 0.1, 1 / 3, 1e16, 1e15, 123456789012345680.0, 1234567890123456.0, 1e-4, 1e-5,
          1.5e-5, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1e22, 1e21, 9.999999999999999e22,
          float("nan"), float("inf"), float("-inf"), 100.0, 1e100, 2.5e-7, 0.5, 123.456, 4.35, 0.3]


def random_floats(n):
    rng = np.random.default_rng(5)
    bits = rng.integers(0, 2**64, size=n, dtype=np.uint64)
    f = bits.view("<f8")
    f = f[np.isfinite(f)]
    g = rng.standard_normal(n) * 10.0 ** rng.integers(-30, 30, size=n)
    return [float(x) for x in f] + [float(x) for x in g]


def object_mixture():
    return obj(["a", "\u00e9\U0001F600", None, True, False, 0, -1, 2**62, -(2**63), 1.5, float("nan"),
                [1, [2.5, None], "x"], [], "\x00\x1f\x7f\x80\u07ff\u0800\uffff"])


def nan_key_dicts():
    """Dicts with NaN keys among numbers: `sorted(d.items())` then orders them by its
    (inconsistent) comparisons, which the Rust side reproduces below 64 keys."""
    rng = np.random.default_rng(21)
    out = []
    for n in (2, 3, 5, 9, 17, 40, 63):
        d = {}
        for k in rng.permutation(n):
            d[float("nan") if rng.random() < 0.3 else int(k) - n // 2 + (0.5 if rng.random() < 0.3 else 0)] = int(k)
        out.append(d)
    return out


def dict_items():
    """Dicts (str keys, nested, every value kind) and ints beyond 64 bits."""
    return obj([{"b": 1, "a": [1, {"z": None, "y": 1.5}], "c": {"nested": {"deeper": "x", "": []}}},
                {}, {"\u00e9\U0001F600": "non-ASCII key", "\x00\n\"": "escaped key", "A": True, "a": False},
                {"nan": float("nan"), "inf": [float("inf"), float("-inf")]},
                2**64, -(2**64) - 1, 2**63, -(2**63) - 1, 10**100, -(10**300),
                [2**70, {"k": -(2**65)}], {"w%03d" % i: i for i in range(40)}])


def number_key_dicts():
    """Keys that json.dumps writes as strings: int (any size), float, bool, None."""
    return obj([{1: "a", 2.5: "b", -3: "c", 10**30: "big", float("inf"): "inf", -0.5: "neg", 1e300: "e"},
                {None: "alone"}, {False: 0}, {True: [1], 0.25: 2}, {float("-inf"): 1, -(10**40): 2}]
               + nan_key_dicts())


def json_cases():
    c, r, decodes = [], [], []
    configs = [{}, {"ensure_ascii": False}, {"indent": 2}, {"indent": 0}, {"indent": "\t"},
               {"separators": [", ", ": "]}, {"sort_keys": False, "check_circular": False, "skipkeys": True, "strict": False}]
    for extra in configs:
        cfg = JSON(**extra).get_config()
        cfg["separators"] = list(cfg["separators"])
        c.append((cfg, "strings", obj(STRINGS)))
        c.append((cfg, "mixture", object_mixture()))
        c.append((cfg, "i4_2d", np.arange(-6, 6, dtype="<i4").reshape(3, 4)))
        c.append((cfg, "f8", np.array(FLOATS, dtype="<f8")))
        c.append((cfg, "dicts_and_big_ints", dict_items()))
        c.append((cfg, "number_keys", number_key_dicts()))
    sk = JSON(skipkeys=True).get_config()
    sk["separators"] = list(sk["separators"])
    c.append((sk, "skipped_keys", obj([{b"x": 1}, {b"x": 1, b"y": 2}, {"b": 3, "a": 1}])))
    ski = JSON(skipkeys=True, sort_keys=False, indent=2).get_config()
    ski["separators"] = list(ski["separators"])
    c.append((ski, "skipped_keys", obj([{b"x": 1}, {"b": {b"y": 2}, b"z": 3, "a": 1}])))
    d = JSON().get_config()
    d["separators"] = list(d["separators"])
    c.append((d, "int_of_4300_digits", obj([int("9" * 4300), -int("1" * 4300)])))
    c.append((d, "f8_random", np.array(random_floats(500), dtype="<f8")))
    rng = np.random.default_rng(9)
    ties = [float(int(m) + k / 8) * (-1) ** int(m % 2) for m, k in zip(rng.integers(10**13, 10**16, 1500), rng.integers(0, 8, 1500))]
    ties += [float(x) for x in rng.integers(1, 2**53, 500) * 2.0 ** rng.integers(-60, 60, 500)]
    c.append((d, "f8_ties", np.array(ties, dtype="<f8")))
    c.append((d, "f4", np.array([0.1, 1.5, -3e38, 1e-45, float("nan")], dtype="<f4")))
    c.append((d, "f4_big_endian", np.array([0.1, 2.0], dtype=">f4")))
    c.append((d, "f2", np.array([0.1, 65504, -0.0], dtype="<f2")))
    c.append((d, "b1", np.array([[True, False], [False, True]])))
    c.append((d, "u8", np.array([0, 2**64 - 1, 2**63], dtype="<u8")))
    c.append((d, "i8", np.array([-(2**63), 2**63 - 1], dtype=">i8")))
    c.append((d, "i1", np.array([-128, 127, 0], dtype="|i1")))
    c.append((d, "u2", np.array([0, 65535], dtype="<u2")))
    c.append((d, "scalar_f8", np.array(2.5)))
    c.append((d, "unicode_dtype", np.array([["a", "\u00e9t\u00e9"], ["", "\U0001F600"]], dtype=">U3")))
    c.append((d, "scalar_object", obj(["x"], ()) if False else np.array("x", dtype=object)))
    c.append((d, "empty_f8", np.zeros(0)))
    c.append((d, "empty_2x0", np.zeros((2, 0), dtype="<i4")))
    c.append((d, "empty_object", obj([])))
    c.append((d, "object_2d", obj(["a", None, 1, 2.5, "b", True], (3, 2))))
    c.append((d, "object_lists", obj([[1, 2], [3], []])))
    c.append((d, "many_strings", obj(["w%d\u00e9" % i for i in range(2000)])))
    r.append((d, "shape_mismatch", b'[1,2,"<i8",[3]]'))
    r.append((d, "shape_too_small", b'[1,2,3,"<i8",[2]]'))
    r.append((d, "huge_shape", b'[1,2,"<f8",[1099511627776]]'))
    r.append((d, "not_json", b'[1,2,'))
    r.append((d, "trailing_garbage", b'[1,"<i8",[1]]x'))
    r.append((d, "bad_dtype", b'[1,"<q9",[1]]'))
    r.append((d, "int_overflow", b'[300,"|u1",[1]]'))
    r.append((d, "invalid_utf8", b'["\xff","|O",[1]]'))
    r.append((d, "ragged", b'[[1,2],[3],"<i8",[2,2]]'))
    r.append((d, "no_trailer", b'[]'))
    r.append((d, "int_of_4301_digits", b'[' + b"7" * 4301 + b',"|O",[1]]'))
    r.append((d, "dict_trailing_comma", b'[{"a":1,},"|O",[1]]'))
    r.append((d, "dict_number_key", b'[{1:2},"|O",[1]]'))
    r.append((d, "dict_no_colon", b'[{"a" 1},"|O",[1]]'))
    r.append((d, "dict_unclosed", b'[{"a":1,"|O",[1]]'))
    r.append((d, "dict_in_i4", b'[{"a":1},"<i4",[1]]'))
    r.append((d, "big_int_in_i8", b'[100000000000000000000000000000,"<i8",[1]]'))
    r.append((d, "huge_int_in_f8", b'[' + b"1" * 310 + b',"<f8",[1]]'))
    decodes.append((d, "duplicate_keys", b'[{"b":1,"a":2,"b":3},{"x":[1],"x":{"y":0,"y":1}},"|O",[2]]'))
    many = ",".join('"k%d":%d' % (i % 25, i) for i in range(60))
    decodes.append((d, "duplicate_keys_many", ('[{%s},"|O",[1]]' % many).encode()))
    decodes.append((d, "big_numbers",
                    b'[1e400,-1e400,123456789012345678901234567890,-0,' + b"9" * 4300 + b',"|O",[5]]'))
    decodes.append((d, "big_int_in_floats", b'[340282366920938463463374607431768211457,' + b"1" * 300 + b',"<f8",[2]]'))
    decodes.append((d, "big_int_in_f4_and_b1", b'[170141183460469231731687303715884105729,"<f4",[1]]'))
    decodes.append((d, "big_int_in_b1", b'[-1701411834604692317316873037158841057290000,"|b1",[1]]'))
    decodes.append((d, "int_in_f4_rounds_twice", b'[1152921573326323713,"<f4",[1]]'))
    decodes.append((d, "whitespace_in_dicts", b' [ { "a" : 1 , "b" : { } } , "|O" , [ 1 ] ] '))
    return c, r, decodes


def msgpack_dicts():
    return obj([{"b": 1, "a": [1, {"z": None, "y": 1.5}], "c": {"nested": {"deeper": b"x", "": []}}}, {},
                {"\u00e9\U0001F600": "non-ASCII key", "k" * 40: "str8 key", "A": True, "a": False},
                {"nan": float("nan"), "inf": [float("inf"), float("-inf")], "f": 0.1},
                {b"bytes key": 1, "str key": 2}, {"w%03d" % i: i for i in range(40)},
                2**64 - 1, 2**63, -(2**63), [2**64 - 1, {"k": 2**63 + 5}]])


def msgpack_cases():
    c, r, decodes, encodes = [], [], [], []
    configs = [{}, {"use_single_float": True}, {"use_bin_type": False}, {"raw": True},
               {"use_bin_type": False, "raw": True}]
    ints = [0, 1, 127, 128, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**63 - 1, -1, -32, -33, -128, -129,
            -32768, -32769, -(2**31), -(2**31) - 1, -(2**63)]
    for extra in configs:
        cfg = MsgPack(**extra).get_config()
        big = not extra  # 64 KiB items (str32, bin32) only once, to keep the file small
        c.append((cfg, "strings", obj(STRINGS + ["z" * (70000 if big else 300)])))
        c.append((cfg, "bytes", obj([b"", b"\x00\x01", b"b" * 40, b"c" * 300, b"d" * (70000 if big else 3)])))
        c.append((cfg, "mixture", obj([None, True, False, 1.5, float("nan"), [1, ["a", b"b"], None], [], "s"] + ints)))
        c.append((cfg, "i8", np.array(ints, dtype="<i8")))
        fl = [f for f in FLOATS if not (extra.get("use_single_float") and np.isfinite(f) and abs(f) > 3e38)]
        c.append((cfg, "f8", np.array(fl, dtype="<f8")))
        c.append((cfg, "i4_2d", np.arange(-6, 6, dtype="<i4").reshape(3, 4)))
        c.append((cfg, "dicts_and_big_ints", msgpack_dicts()))
        # Keys other than str and bytes: packed, but numcodecs' unpackb refuses them.
        encodes.append((cfg, "number_keys", obj([{1: "a", None: 2, 2.5: b"y", b"k": [1], True: 0, 2**64 - 1: 3}])))
    d = MsgPack().get_config()
    c.append((d, "u8", np.array([0, 2**64 - 1], dtype="<u8")))
    c.append((d, "b1", np.array([True, False])))
    rng = np.random.default_rng(9)
    ties = [float(int(m) + k / 8) * (-1) ** int(m % 2) for m, k in zip(rng.integers(10**13, 10**16, 1500), rng.integers(0, 8, 1500))]
    ties += [float(x) for x in rng.integers(1, 2**53, 500) * 2.0 ** rng.integers(-60, 60, 500)]
    c.append((d, "f8_ties", np.array(ties, dtype="<f8")))
    c.append((d, "f4", np.array([0.1, 1e-45], dtype=">f4")))
    c.append((d, "empty_f8", np.zeros(0)))
    c.append((d, "empty_2x0", np.zeros((2, 0), dtype="<i2")))
    c.append((d, "empty_object", obj([])))
    c.append((d, "object_2d", obj(["a", None, 1, 2.5, "b", True], (3, 2))))
    c.append((d, "many_strings", obj(["w%d\u00e9" % i for i in range(2000)])))
    c.append((d, "long_list", (np.arange(70000) % 128).astype("|i1")))
    good = MsgPack().encode(obj(["abc", "def"]))
    r.append((d, "truncated", good[:-1]))
    r.append((d, "extra_data", good + b"\x00"))
    r.append((d, "array32_claims_2_32", b"\xdd\xff\xff\xff\xff"))
    r.append((d, "str32_claims_4g", b"\x93\xdb\xff\xff\xff\xff"))
    r.append((d, "shape_mismatch", msgpack.packb([1, 2, "<i8", [3]])))
    r.append((d, "huge_shape", msgpack.packb([1, 2, "<f8", [2**40]])))
    r.append((d, "invalid_utf8", b"\x93\xa1\xff\xa2|O\x91\x01"))
    r.append((d, "bad_dtype", msgpack.packb([1, "<q9", [1]])))
    r.append((d, "empty", b""))
    fix = msgpack.packb("|O") + msgpack.packb([1])
    r.append((d, "map32_claims_2_32", b"\x93\xdf\xff\xff\xff\xff" + fix))
    r.append((d, "map16_claims_too_many", b"\x93\xde\x00\x10\xa1a\x01" + fix))
    r.append((d, "int_key", b"\x93\x81\x01\x02" + fix))
    r.append((d, "nil_key", b"\x93\x81\xc0\x02" + fix))
    r.append((d, "list_key", b"\x93\x81\x90\x02" + fix))
    r.append((d, "map_key", b"\x93\x81\x80\x02" + fix))
    r.append((d, "map_truncated", b"\x93\x82\xa1a\x01\xa1b"))
    r.append((d, "dict_in_i4", b"\x93\x81\xa1a\x01\xa3<i4\x91\x01"))
    for cfg in (d, MsgPack(raw=True).get_config(), MsgPack(use_bin_type=False).get_config()):
        decodes.append((cfg, "duplicate_keys", b"\x93\x83\xa1b\x01\xa1a\x02\xa1b\x03" + fix))
        decodes.append((cfg, "str_and_bin_keys", b"\x93\x83\xc4\x01a\x02\xa1a\x03\xc4\x01a\x04" + fix))
        many = b"\x93\xde\x00\x3c" + b"".join(msgpack.packb("k%d" % (i % 25)) + msgpack.packb(i) for i in range(60))
        decodes.append((cfg, "duplicate_keys_many", many + fix))
    decodes.append((d, "u64_in_f4_rounds_twice",
                    b"\x93\xcf" + (2**60 + 2**36 + 1).to_bytes(8, "big") + msgpack.packb("<f4") + msgpack.packb([1])))
    return c, r, decodes, encodes


def run(cases, rejects, decodes=(), encodes=()):
    out = {"generated_by": "numcodecs %s (numpy %s, msgpack %s): crates/zarrcodecs-json/tests/data/generate.py"
           % (numcodecs.__version__, np.__version__, ".".join(map(str, msgpack.version))), "cases": [], "rejects": []}
    for cfg, name, a in cases:
        codec = numcodecs.get_codec(dict(cfg))
        enc = bytes(codec.encode(a))
        dec = codec.decode(enc)
        got = codec.get_config()
        if "separators" in got:
            got["separators"] = list(got["separators"])
        assert got == cfg, (got, cfg)
        case = {"config": cfg, "name": name, "input": form(a), "encoded": enc.hex()}
        if form(np.asarray(dec)) != case["input"]:
            case["decoded"] = form(np.asarray(dec))
        out["cases"].append(case)
    for cfg, name, enc in rejects:
        codec = numcodecs.get_codec(dict(cfg))
        try:
            codec.decode(enc)
        except Exception as e:  # noqa: BLE001
            err = type(e).__name__
        else:
            raise AssertionError(f"{cfg} {name} decoded")
        out["rejects"].append({"config": cfg, "name": name, "encoded": enc.hex(), "error": err})
    if decodes:
        # Bytes numcodecs did not write but decodes: {config, name, encoded, decoded}.
        out["decodes"] = []
        for cfg, name, enc in decodes:
            dec = numcodecs.get_codec(dict(cfg)).decode(enc)
            out["decodes"].append({"config": cfg, "name": name, "encoded": enc.hex(), "decoded": form(np.asarray(dec))})
    if encodes:
        # Inputs numcodecs encodes but cannot decode: {config, name, input, encoded}.
        out["encodes"] = []
        for cfg, name, a in encodes:
            enc = bytes(numcodecs.get_codec(dict(cfg)).encode(a))
            out["encodes"].append({"config": cfg, "name": name, "input": form(a), "encoded": enc.hex()})
    return out


import os


def legacy_fixture(codec_dir, commit, repo=None):
    """The legacy `json`/`msgpack` fixtures numcodecs 0.6-0.9 wrote (fixture/<id>/ in its
    repository before `commit` removed them), with what `np.array(items[:-1],
    dtype=items[-1])` gives (checked against the stored input arrays)."""
    import io
    import subprocess

    repo = repo or os.environ.get("NUMCODECS_REPO", "/work/.mirror/zarr-developers+numcodecs/repo")

    def show(path):
        return subprocess.run(["git", "-C", repo, "show", f"{commit}^:{path}"], check=True, capture_output=True).stdout

    config = json.loads(show(f"fixture/{codec_dir}/codec.00/config.json"))
    out = {"generated_by": f"numcodecs' repository fixture/{codec_dir} (removed in {commit}): "
                           "crates/zarrcodecs-json/tests/data/generate.py legacy", "cases": []}
    # array.06 is array.07 as `U17` (kept out to keep the file small).
    for i in (0, 1, 2, 3, 4, 5, 7):
        arr = np.load(io.BytesIO(show(f"fixture/{codec_dir}/array.{i:02d}.npy")), allow_pickle=True)
        enc = show(f"fixture/{codec_dir}/codec.00/encoded.{i:02d}.dat")
        if codec_dir == "json":
            items = json.loads(enc.decode("utf-8"))
        else:
            items = msgpack.unpackb(enc, raw=False)
        dec = np.array(items[:-1], dtype=items[-1])
        assert form(dec) == form(arr), (codec_dir, i)
        out["cases"].append({"config": config, "name": f"array.{i:02d}", "input": form(arr), "encoded": enc.hex()})
    return out


def corpus_fixture(codec_dir, commit, everything=False):
    """The files of numcodecs' fixture/<codec_dir> at `commit` (HEAD, or the commit
    before the directory was removed), with what numcodecs decodes them to (configs
    with id `json` or `msgpack`: numcodecs 0.9's legacy codecs, as ported in
    xtask/python/cases/) and whether numcodecs' encoder gives the stored bytes back.
    Only the arrays holding dicts or ints beyond 64 bits, unless `everything`."""
    import io
    import subprocess

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "xtask",
                                    "python", "cases"))
    import importlib.util
    for mod in ("json", "msgpack"):
        spec = importlib.util.spec_from_file_location(
            "legacy_" + mod, os.path.join(sys.path[0], mod + ".py"))
        spec.loader.exec_module(importlib.util.module_from_spec(spec))  # registers the legacy codec
    repo = os.environ.get("NUMCODECS_REPO", "/work/.mirror/zarr-developers+numcodecs/repo")

    def git(*args):
        return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True).stdout

    names = git("ls-tree", "-r", "--name-only", commit, f"fixture/{codec_dir}/").decode().split()
    out = {"generated_by": f"numcodecs' repository fixture/{codec_dir} at {commit}, decoded by numcodecs "
                           f"{numcodecs.__version__}: crates/zarrcodecs-json/tests/data/generate.py corpus",
           "cases": []}
    for name in sorted(n for n in names if n.endswith(".dat")):
        codec_name, dat = name.split("/")[-2:]
        i = dat.split(".")[1]
        arr = np.load(io.BytesIO(git("show", f"{commit}:fixture/{codec_dir}/array.{i}.npy")), allow_pickle=True)
        config = json.loads(git("show", f"{commit}:fixture/{codec_dir}/{codec_name}/config.json"))
        if "separators" in config:
            config["separators"] = list(config["separators"])
        special = arr.dtype == object and any(isinstance(x, dict) or (isinstance(x, int) and not -2**63 <= x < 2**63)
                                              for x in arr.reshape(-1))
        if not (everything or special):
            continue
        enc = git("show", f"{commit}:{name}")
        codec = numcodecs.get_codec(dict(config))
        dec = codec.decode(enc)
        case = {"config": config, "name": f"{codec_dir}/{codec_name}/{dat}", "input": form(arr), "encoded": enc.hex(),
                "reencodes": bytes(codec.encode(arr)) == enc}
        if form(np.asarray(dec)) != case["input"]:
            case["decoded"] = form(np.asarray(dec))
        out["cases"].append(case)
    return out


if __name__ == "__main__":
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
    which = sys.argv[1:] or ["vlen", "json", "msgpack", "legacy", "corpus"]
    if "corpus" in which:
        # CORPUS_ALL=1 writes every file (a one-off check; the committed files hold the
        # arrays with dicts and big ints only).
        which.remove("corpus")
        everything = bool(os.environ.get("CORPUS_ALL"))
        for crate, dirs in (("json", (("json2", "HEAD"), ("json", "5106af1^"))),
                            ("msgpack", (("msgpack2", "HEAD"), ("msgpack", "8210b92^")))):
            doc = {"cases": []}
            for d, commit in dirs:
                part = corpus_fixture(d, commit, everything)
                doc["generated_by"] = doc.get("generated_by", "") + part["generated_by"] + "; "
                doc["cases"] += part["cases"]
            path = os.path.join(root, f"zarrcodecs-{crate}", "tests", "data", "numcodecs-fixture-corpus.json")
            with open(path, "w") as f:
                json.dump(doc, f, indent=1)
                f.write("\n")
            print(path, len(doc["cases"]))
    if "legacy" in which:
        which.remove("legacy")
        for crate, d, commit in (("json", "json", "5106af1"), ("msgpack", "msgpack", "8210b92")):
            path = os.path.join(root, f"zarrcodecs-{crate}", "tests", "data", "numcodecs-0.9-legacy.json")
            with open(path, "w") as f:
                json.dump(legacy_fixture(d, commit), f, indent=1)
                f.write("\n")
            print(path)
    fns = {"vlen": vlen_cases, "json": json_cases, "msgpack": msgpack_cases}
    for w in which:
        doc = run(*fns[w]())
        path = os.path.join(root, f"zarrcodecs-{w}", "tests", "data", f"numcodecs-{numcodecs.__version__}.json")
        with open(path, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        print(path, len(doc["cases"]), len(doc["rejects"]), len(doc.get("decodes", [])), len(doc.get("encodes", [])))
