"""The Python half of the interop suite: numcodecs from PyPI is the reference.

    python interop.py generate DIR   write inputs (.npy), numcodecs' encodings and a manifest
    python interop.py check DIR      decode the Rust encodings (*.rs.bin) with numcodecs

The Rust half (crates/zarrcodecs/tests/interop.rs) decodes numcodecs' bytes, encodes
the inputs and compares bytes, between the two steps.
"""

import importlib.metadata
import json
import os
import platform
import sys
import zlib

import numcodecs
import numcodecs.blosc
import numpy as np

import object_json  # the one JSON form of object arrays (zarrcodecs-core, feature `serde`)

# numcodecs' Blosc runs C-Blosc with several threads when called from the main thread;
# its blocks then land in the order the threads finish, so the bytes vary from run to
# run (valid chunks all the same). One thread, like our default, gives the comparable,
# deterministic bytes.
numcodecs.blosc.use_threads = False

SEED = 20261125


def arrays():
    """Seeded arrays of several dtypes, sizes and orders: (name, array)."""
    rng = np.random.default_rng(SEED)
    out = []
    for n in (0, 1, 1000):
        out.append((f"u1_random_{n}", rng.integers(0, 256, n, dtype="u1")))
    walk = np.cumsum(rng.normal(size=50_000)).astype("<f8")
    out.append(("f8_walk_50k", walk))
    out.append(("i4_ramp_100k", (np.arange(100_000, dtype="<i4") // 7)))
    sparse = np.zeros(30_000, dtype="<f4")
    sparse[rng.integers(0, sparse.size, 300)] = rng.normal(size=300)
    out.append(("f4_sparse_30k", sparse))
    out.append(("i2_big_endian", rng.integers(-1000, 1000, 4097).astype(">i2")))
    out.append(("b1_mask", rng.integers(0, 2, 999).astype("|b1")))
    out.append(("M8_ns", (np.arange(500, dtype="<i8") * 10**9).view("<M8[ns]")))
    out.append(("f8_2d_fortran", np.asfortranarray(rng.normal(size=(60, 70)))))
    out.append(("u2_3d", rng.integers(0, 50, (10, 20, 30)).astype("<u2")))
    # One small array of each further dtype, so the codec x dtype matrix covers them.
    n = 257
    out.append(("i1_257", rng.integers(-128, 128, n).astype("|i1")))
    out.append(("u4_257", rng.integers(0, 2**32, n).astype("<u4")))
    out.append(("i8_257", rng.integers(-2**62, 2**62, n).astype("<i8")))
    out.append(("u8_be_257", rng.integers(0, 2**63, n).astype(">u8")))
    out.append(("f2_257", rng.normal(size=n).astype("<f2")))
    out.append(("c8_257", (rng.normal(size=n) + 1j * rng.normal(size=n)).astype("<c8")))
    out.append(("c16_be_257", (rng.normal(size=n) + 1j * rng.normal(size=n)).astype(">c16")))
    out.append(("S7_257", np.array([bytes(rng.integers(97, 123, rng.integers(0, 8)).astype("u1")) for _ in range(n)], "|S7")))
    out.append(("U3_257", np.array(["".join(chr(c) for c in rng.integers(0x20, 0x3000, 3)) for _ in range(n)], "<U3")))
    out.append(("m8_s_257", rng.integers(-10**9, 10**9, n).astype("<m8[s]")))
    return out


def big_arrays():
    rng = np.random.default_rng(SEED + 1)
    walk = np.cumsum(rng.normal(size=3 * 2**20 // 8)).astype("<f8")
    return [("f8_walk_3MiB", walk)]


def configs():
    """(config, deterministic-bytes mask, include big arrays)."""
    out = []
    for level in range(-1, 10):
        out.append(({"id": "zlib", "level": level}, None, level in (1, 6)))
        out.append(({"id": "gzip", "level": level}, [[4, 8]], level in (1, 9)))
    for level in (-50, -5, -1, 0, 1, 2, 3, 5, 9, 15, 19, 22, 30):
        for checksum in (False, True):
            out.append(({"id": "zstd", "level": level, "checksum": checksum}, None, level in (0, 3, 19) and not checksum))
    # The older form without "checksum".
    out.append(({"id": "zstd", "level": 3}, None, False))
    out.append(({"id": "zstd"}, None, False))
    # The checksums: every id and location; the big array for the two CRCs.
    for cid in ("crc32", "crc32c", "adler32"):
        out.append(({"id": cid}, None, cid in ("crc32", "crc32c")))
        for location in ("start", "end"):
            out.append(({"id": cid, "location": location}, None, False))
    out.append(({"id": "fletcher32"}, None, False))
    # A prefix cannot be written as JSON by numcodecs (get_config() returns it as a
    # numpy array): the crate's known-answer fixture covers it.
    for initval in (0, 12345, 2**32 - 1):
        out.append(({"id": "jenkins_lookup3", "initval": initval, "prefix": None}, None, False))
    out.append(({"id": "jenkins_lookup3"}, None, False))
    out.append(({"id": "base64"}, None, False))
    out.extend(extra_configs())
    out.extend(pipeline_configs())
    return out


def pipeline_configs():
    """Filters then a compressor, as zarr v2 chains them: a case's config is then a
    list, and its codec id in the report is "pipeline"."""
    return [
        ([{"id": "crc32"}, {"id": "zlib", "level": 1}], None, True),
        ([{"id": "adler32"}, {"id": "zstd", "level": 3, "checksum": False}], None, False),
        ([{"id": "fletcher32"}, {"id": "lz4", "acceleration": 1}], None, False),
        ([{"id": "crc32c"}, {"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0}], None, False),
        ([{"id": "jenkins_lookup3", "initval": 0, "prefix": None}, {"id": "lzma", "preset": 1}], None, False),
        ([{"id": "base64"}, {"id": "bz2", "level": 9}], None, False),
        ([{"id": "crc32"}, {"id": "adler32"}, {"id": "gzip", "level": 1}], [[4, 8]], False),
        ([{"id": "zstd", "level": 1}, {"id": "zlib", "level": 1}], None, False),
    ]


class Chain:
    """numcodecs codecs applied in order on encode, in reverse on decode."""

    def __init__(self, configs):
        self.codecs = [numcodecs.get_codec(dict(c)) for c in configs]

    def encode(self, buf):
        for c in self.codecs:
            buf = c.encode(buf)
        return buf

    def decode(self, buf):
        for c in reversed(self.codecs):
            buf = c.decode(buf)
        return buf

    def get_config(self):
        return [c.get_config() for c in self.codecs]


def make(config):
    return Chain(config) if isinstance(config, list) else numcodecs.get_codec(dict(config))


def codec_id(config):
    return "pipeline" if isinstance(config, list) else config["id"]


def case_modules():
    """The modules in cases/, one per codec crate (only those named in the
    comma-separated NUMCODECS_INTEROP_ONLY, if set: to work on one crate's grid)."""
    import importlib.util
    import glob

    out = []
    here = os.path.dirname(os.path.abspath(__file__))
    only = [m for m in os.environ.get("NUMCODECS_INTEROP_ONLY", "").split(",") if m]
    for path in sorted(glob.glob(os.path.join(here, "cases", "*.py"))):
        if only and os.path.basename(path)[:-3] not in only:
            continue
        spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        out.append(module)
    return out


def extra_configs():
    """More grids, one module per codec crate in cases/, so codec crates add cases
    without touching this file. Each module's `configs()` returns triples as
    `configs()` does, or 4-tuples whose last item lists the names of the input arrays
    to use instead of the default small arrays (a filter with dtype '<i4' takes int32
    arrays); its optional `arrays()` returns more named inputs, numeric or object
    (dtype=object) arrays."""
    out = []
    for module in case_modules():
        out.extend(module.configs())
    return out


def extra_arrays():
    out = []
    for module in case_modules():
        if hasattr(module, "arrays"):
            out.extend(module.arrays())
    return out


def save_input(root, name, a):
    if a.dtype == object:
        with open(os.path.join(root, f"{name}.json"), "w") as f:
            json.dump(object_json.object_array(a), f)
        return f"{name}.json"
    np.save(os.path.join(root, f"{name}.npy"), a)
    return f"{name}.npy"


def expected_form(dec):
    """What a decode gave, for comparison: ("objects", JSON form) for object arrays,
    else ("bytes", the bytes, dtype str or None for plain bytes, shape)."""
    if isinstance(dec, np.ndarray) and dec.dtype == object:
        return ("objects", object_json.object_array(dec))
    if isinstance(dec, np.ndarray):
        return ("bytes", dec.tobytes(order="A"), dec.dtype.str, list(dec.shape))
    return ("bytes", bytes(dec), None, None)


def numcodecs_cannot_encode(config, a):
    """Inputs numcodecs 0.15.2 raises on: fletcher32 of no data (IndexError)."""
    ids = [c["id"] for c in config] if isinstance(config, list) else [config["id"]]
    return "fletcher32" in ids and a.nbytes == 0


def libraries():
    """The versions of the libraries behind numcodecs' bytes: where one differs from the
    version the Rust side builds, that codec's bytes may differ (interop.rs)."""
    import numcodecs.lz4
    import numcodecs.zstd

    zstd = numcodecs.zstd.VERSION_NUMBER
    return {
        "blosc": numcodecs.blosc.VERSION_STRING,
        "lz4": numcodecs.lz4.VERSION_STRING,
        "zstd": f"{zstd // 10000}.{zstd // 100 % 100}.{zstd % 100}",
        "zlib": zlib.ZLIB_RUNTIME_VERSION,
        "pcodec": importlib.metadata.version("pcodec"),
        "zfpy": importlib.metadata.version("zfpy"),
    }


def generate(root):
    os.makedirs(root, exist_ok=True)
    small, big, extra = arrays(), big_arrays(), extra_arrays()
    files = {}
    for name, a in small + big + extra:
        assert name not in files, f"two input arrays named {name}"
        files[name] = save_input(root, name, a)
    by_name = dict(small + big + extra)
    cases = []
    for i, (config, mask, with_big, *inputs) in enumerate(configs()):
        codec = make(config)
        if inputs:
            chosen = [(n, by_name[n]) for n in inputs[0]]
        else:
            chosen = small + (big if with_big else [])
        for name, a in chosen:
            if numcodecs_cannot_encode(config, a):
                continue
            case = f"c{i:03d}_{codec_id(config)}_{name}"
            enc = codec.encode(a)
            with open(os.path.join(root, f"{case}.py.bin"), "wb") as f:
                f.write(enc.tobytes(order="A") if isinstance(enc, np.ndarray) else bytes(enc))
            entry = {
                "case": case,
                "config": config,
                "get_config": codec.get_config(),
                "input": files[name],
                "ignore": mask or [],
            }
            if isinstance(enc, np.ndarray) and (enc.dtype != np.uint8 or enc.ndim != 1):
                entry["encoded_dtype"] = enc.dtype.str
                entry["encoded_shape"] = list(enc.shape)
            # What numcodecs decodes its own bytes to: the input for lossless codecs.
            # Where numcodecs cannot decode its own bytes (an empty zstd frame with
            # numcodecs 0.15.2), the input is what they encode.
            try:
                form = expected_form(codec.decode(enc))
            except Exception:  # noqa: BLE001
                form = expected_form(a) if a.dtype == object else ("bytes", a.tobytes(order="A"), None, None)
            if form[0] == "objects":
                entry["expected"] = f"{case}.py.dec.json"
                with open(os.path.join(root, entry["expected"]), "w") as f:
                    json.dump(form[1], f)
            else:
                _, data, dtype, shape = form
                if data != (a.tobytes(order="A") if a.dtype != object else None):
                    entry["expected"] = f"{case}.py.dec.bin"
                    with open(os.path.join(root, entry["expected"]), "wb") as f:
                        f.write(data)
                if dtype is not None and dtype != "|u1":
                    entry["decoded_dtype"] = dtype
                    entry["decoded_shape"] = shape
            cases.append(entry)
    with open(os.path.join(root, "manifest.json"), "w") as f:
        json.dump({"numcodecs": numcodecs.__version__, "numpy": np.__version__, "python": platform.python_version(),
                   "libraries": libraries(), "cases": cases}, f, indent=1)
    print(f"generated {len(cases)} cases with numcodecs {numcodecs.__version__}")


def expected_of(root, c):
    """The expected decode of case `c` as expected_form() gives it."""
    if c.get("expected", "").endswith(".json"):
        with open(os.path.join(root, c["expected"])) as f:
            return ("objects", json.load(f))
    if "expected" in c:
        with open(os.path.join(root, c["expected"]), "rb") as f:
            return ("bytes", f.read())
    a = np.load(os.path.join(root, c["input"]))
    return ("bytes", a.tobytes(order="A"))


def decodes_own(root, c):
    with open(os.path.join(root, c["case"] + ".py.bin"), "rb") as f:
        own = f.read()
    try:
        make(c["config"]).decode(own)
        return True
    except Exception:  # noqa: BLE001
        return False


def check(root):
    case_modules()  # their import-time settings (e.g. numcodecs' pickle decode switch)
    with open(os.path.join(root, "manifest.json")) as f:
        manifest = json.load(f)
    failed = []
    limited = 0
    for c in manifest["cases"]:
        path = os.path.join(root, c["case"] + ".rs.bin")
        try:
            with open(path, "rb") as f:
                enc = f.read()
            codec = make(c["config"])
            dec = codec.decode(enc)
            expected = expected_of(root, c)
            got = expected_form(dec)
            if got[:2] != expected[:2]:
                failed.append(f"{c['case']}: decoded data differ")
        except Exception as e:  # noqa: BLE001 - every failure is reported
            if not decodes_own(root, c):
                # numcodecs cannot decode its own encoding of this input either (e.g.
                # numcodecs 0.15.2 and an empty zstd frame): a limit of numcodecs, not ours.
                limited += 1
                print("LIMITED", c["case"])
                continue
            failed.append(f"{c['case']}: {type(e).__name__}: {e}")
    for line in failed:
        print("FAIL", line)
    passed = len(manifest["cases"]) - len(failed) - limited
    print(f"python decoded rust output: {passed} passed, {len(failed)} failed, "
          f"{limited} skipped (numcodecs cannot decode its own bytes there either)")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("generate", "check"):
        sys.exit(__doc__)
    if sys.argv[1] == "generate":
        generate(sys.argv[2])
    else:
        sys.exit(check(sys.argv[2]))
