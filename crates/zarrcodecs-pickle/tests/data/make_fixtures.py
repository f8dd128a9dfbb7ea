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


def item_json(x):
    """One item in the JSON form of object arrays (zarrcodecs-core's serde_form.rs):
    object_json's, with dicts as {"dict": [[key, value], ...]} and ints beyond 64 bits
    as {"int": "<decimal>"}."""
    if isinstance(x, dict):
        return {"dict": [[item_json(k), item_json(v)] for k, v in x.items()]}
    if isinstance(x, np.generic) and not isinstance(x, np.ndarray):
        x = x.item()
    if isinstance(x, int) and not isinstance(x, bool) and not -2**63 <= x < 2**63:
        return {"int": str(x)}
    if isinstance(x, list):
        return [item_json(v) for v in x]
    return object_json.item(x)


def array_json(a):
    """Object arrays in the one JSON form of object arrays (xtask/python/object_json.py),
    numeric arrays as {dtype, shape, data: hex}."""
    if a.dtype == object:
        items = [item_json(v) for v in a.reshape(-1, order="C")]
        return items if a.ndim == 1 else {"shape": list(a.shape), "items": items}
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
    out.append(("dicts", obj([{s("a"): 1, s("bc"): [1, s("two")], s("nested"): {s("x"): None, s("y"): {}}}, {},
                              {1: s("one"), 2.5: True, None: b(b"raw"), s(""): -2**70, b(b"k"): 2**64},
                              {s("only"): s("one item")}, {math.inf: -math.inf, math.nan: math.nan, -0.5: 0.0},
                              [{s("in"): [{}]}, {2**80: [None, {False: s("no")}]}]])))
    out.append(("dict_1000", obj([{i: i for i in range(1000)}])))
    # Batches of 1000 SETITEMS, memo indices past 255 (str keys are memoized).
    out.append(("dict_2500", obj([{s(f"k{i}"): i % 7 for i in range(2500)}, {s(f"j{i}"): [] for i in range(1001)}])))
    out.append(("big_ints", obj([2**63, -2**63 - 1, 2**64 - 1, 2**64, -2**64, -2**64 - 1, 2**100, -2**100,
                                 2**2031, -2**2032, 2**2039, 2**2040, -2**2047, -2**2047 - 1, 3**3000,
                                 -(10**4299), [2**70, {s("big"): -2**70}]])))
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
        # dict_2500: protocol 0 has no batches (dict_1000 covers it), 3 is 2's opcodes.
        protocols = [1, 2, 4, None] if name == "dict_2500" else PROTOCOLS + [None]
        for p in [4, 5] if big else protocols:
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
    for name, a in [("tuple", obj([(1, 2)])), ("dict_tuple_key", obj([{(1, 2): 1}])), ("set", obj([{1}])),
                    ("complex", obj([1j])), ("dict_complex_value", obj([{s("c"): 2j}])),
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
    # Ints beyond CPython's 4300-digit int/str conversion limit: protocols 2+ write
    # them as LONG4 bytes; protocols 0 and 1 as decimal text, which Python refuses to
    # write (ValueError). Items as two's-complement little-endian hex (no JSON form).
    huge = []
    values = [2**20000, -3**9000, 2**14280]
    a = obj(values)
    for p in PROTOCOLS:
        codec = numcodecs.Pickle(protocol=p)
        try:
            enc = codec.encode(a).hex()
        except ValueError:
            assert p < 2
            enc = None
        le = [v.to_bytes((v.bit_length() + 8) // 8, "little", signed=True).hex() for v in values]
        huge.append({"name": f"huge_ints_p{p}", "config": codec.get_config(), "items_le": le, "encoded": enc})
    # Dicts Python holds more than once (memo GETs), and lists and dicts that contain
    # themselves (which no Object can hold: decode must refuse them).
    d = {s("shared"): [1, s("two")], s("k"): s("value text")}
    a = obj([d, d, [d, d], {s("outer"): d}])
    shared_dicts = [{"name": f"shared_dicts_p{p}", "array": array_json(a), "encoded": pickle.dumps(a, protocol=p).hex()}
                    for p in PROTOCOLS]
    cyclic = []
    ring = [s("x")]
    ring.append(ring)
    me = {s("k"): 1}
    me[s("self")] = me
    d2 = {}
    d2[s("l")] = [d2]
    for name, a in [("list", obj([ring])), ("dict", obj([me])), ("dict_list", obj([1, d2]))]:
        for p in PROTOCOLS:
            cyclic.append({"name": f"cyclic_{name}_p{p}", "encoded": pickle.dumps(a, protocol=p).hex()})
    # Written by hand (the item of a protocol 2 pickle replaced), decoded by CPython:
    # the forms CPython's unpickler accepts that its pickler does not write.
    base = pickle.dumps(obj([s("MARKER_ITEM_X")]), protocol=2)
    marker = b"X\x0d\x00\x00\x00MARKER_ITEM_X"
    assert base.count(marker) == 1
    get0 = b"j\x00\x10\x00\x00"
    put0 = b"r\x00\x10\x00\x00"
    handwritten = [
        # {1: 1, 1.0: 2, True: 3} is {1: 3}: the first key stays, the last value wins.
        ("setitems_equal_keys", b"}(K\x01K\x01G?\xf0\x00\x00\x00\x00\x00\x00K\x02\x88K\x03u"),
        ("dict_equal_keys", b"(I1\nI2\nF1.0\nI3\nI0\nI4\nF-0.0\nI5\nd"),
        ("setitem", b"}K\x01K\x02s"),
        ("setitems_twice", b"}(K\x01K\x02u(K\x03K\x04K\x01K\x05u"),
        ("dup_then_setitem", b"}2K\x01K\x02s0"),
        ("memo_dict_twice", b"}" + put0 + b"X\x01\x00\x00\x00aK\x01s0(" + get0 + get0 + b"l"),
        ("dict_changed_after_get", b"}" + put0 + b"0]" + get0 + b"a" + get0 + b"X\x01\x00\x00\x00aK\x01s0"),
        ("big_int_keys", b"}(\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01K\x01G\x43\xf0\x00\x00\x00\x00\x00\x00K\x02u"),
        ("text_ints", b"(I010\nL0x_ffL\nI 1\nI-0\nL-18446744073709551617L\nI18446744073709551616\nI0b1_0\nL9223372036854775807\nl"),
        ("long_bytes", b"(\x8b\x04\x00\x00\x00\xff\xff\xff\xff\x8a\x00\x8a\x10" + b"\xff" * 16
         + b"\x8a\x09" + b"\x00" * 8 + b"\x80\x8b\x09\x00\x00\x00\x01" + b"\x00" * 8 + b"l"),
        ("empty_setitems_on_int", b"K\x05(u"),
        ("dict_of_lists_of_dicts", b"}(X\x01\x00\x00\x00a](}(NN\x88\x89ueX\x01\x00\x00\x00b}u"),
    ]
    decode_only = []
    for name, item in handwritten:
        enc = base.replace(marker, item)
        decode_only.append({"name": name, "array": array_json(pickle.loads(enc)), "encoded": enc.hex()})
    # numpy uint64 scalars beyond int64 in object arrays: Python ints beyond 64 bits.
    a = obj([np.uint64(2**64 - 1), np.uint64(2**63), np.uint64(7)])
    for p in PROTOCOLS:
        enc = pickle.dumps(a, protocol=p)
        decode_only.append({"name": f"numpy_uint64_p{p}", "array": array_json(pickle.loads(enc)), "encoded": enc.hex()})
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
        "huge_ints": huge,
        "shared_dicts": shared_dicts,
        "cyclic": cyclic,
        "decode_only": decode_only,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "numcodecs-0.15.2.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=0, ensure_ascii=False)
    print(f"{len(cases)} cases, {len(legacy)} legacy, {len(unsupported)} unsupported -> {path}")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "numcodecs-repo-fixture.json")
    doc = repo_fixture()
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=0)
    print(f"{len(doc['cases'])} files of numcodecs' fixture/pickle -> {path}")


def repo_fixture():
    """numcodecs' own fixture corpus (fixture/pickle/ in its repository, written by older
    numcodecs and numpy): each encoded file, its configuration, what numcodecs 0.15.2
    decodes it to, and whether numcodecs 0.15.2 re-encodes that to the same bytes."""
    import io
    import subprocess

    import numcodecs.pickles

    repo = os.environ.get("NUMCODECS_REPO", "/work/.mirror/zarr-developers+numcodecs/repo")

    def git(*args):
        return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True).stdout

    commit = git("rev-parse", "HEAD").decode().strip()
    names = git("ls-tree", "-r", "--name-only", "HEAD", "fixture/pickle").decode().split()
    numcodecs.pickles.ALLOW_UNSAFE_PICKLE_DECODE = True
    arrays = []
    for i in range(sum(1 for n in names if n.endswith(".npy"))):
        arrays.append(array_json(np.load(io.BytesIO(git("show", f"HEAD:fixture/pickle/array.{i:02d}.npy")),
                                          allow_pickle=True)))
    cases = []
    for name in sorted(n for n in names if n.endswith(".dat")):
        codec_dir = os.path.dirname(name)
        config = json.loads(git("show", f"HEAD:{codec_dir}/config.json"))
        codec = numcodecs.get_codec(config)
        enc = git("show", f"HEAD:{name}")
        i = int(name[-6:-4])
        dec = codec.decode(enc)
        case = {"name": name, "config": config, "array": i, "encoded": enc.hex(),
                "reencodes_identically": codec.encode(dec) == enc}
        if array_json(dec) != arrays[i]:
            case["decoded"] = array_json(dec)
        cases.append(case)
    return {"numcodecs_repo_commit": commit, "numcodecs": numcodecs.__version__, "numpy": np.__version__,
            "arrays": arrays, "cases": cases}


if __name__ == "__main__":
    main()
