"""Zarr v2 arrays written by zarr-python 3 (create_array(zarr_format=2)), for the Rust side
to decode chunk by chunk: zarr_arrays.py's job (same command line, same manifest.json and
expected/ files, so crates/zarrcodecs/tests/zarr_v2.rs checks both writers alike) with the
writer of the newest anchor.

    python zarr3_v2_arrays.py DIR

Needs zarr-python 3 and numcodecs 0.16+ (the venv of the newest anchor, tested with
zarr 3.4.2 and numcodecs 0.17.1). Writes DIR/<name>/ (a LocalStore: .zarray and the chunk
files), and for every chunk index DIR/expected/<name>/<key>.npy: the chunk as zarr stores
it, decoded here with the numcodecs filters and compressor named in .zarray the way zarr 3's
V2Codec decodes it (edge chunks at full chunk size, padded as zarr padded them; the fill
value for chunks that are not stored), checked against zarr's own read of the chunk's region.
DIR/manifest.json lists the arrays and their chunks. Structured arrays' chunks are saved as
the bytes of their items (dtype |V<n>).

Object arrays (dtype |O in .zarray) have "kind": "object" and their chunks are saved as
JSON (object_json.py's form): "expected" is the decoded chunk (the fill value for chunks
that are not stored), "written" (for stored chunks) the chunk zarr encoded (the data,
padded with the fill value), whose numcodecs encoding is checked here to be the stored bytes.

What zarr 3.4.2 writes for zarr_format=2 object arrays: dtype=str, numpy StringDType and
zarr.dtype.VariableLengthUTF8() all give "dtype": "|O" with "filters": [{"id":
"vlen-utf8"}] and "fill_value": "" (a str fill value is written as is);
zarr.dtype.VariableLengthBytes() gives "|O" with [{"id": "vlen-bytes"}] and the fill value
as base64 of the bytes ("" for b"", "eno=" for b"zz": zarr 2.18 reads that back as the
str "eno="). dtype=object alone is refused as ambiguous. Zarr's default compressor for v2
is {"id": "zstd", "level": 0}; Blosc is written with "blocksize" and without "typesize".

Left out, because zarr 3.4.2 cannot write them for v2:
- json2 and msgpack2 as object codec: accepted as filters of a VariableLengthUTF8 array,
  but the chunk is cast to StringDType first, so the items are stringified and the dtype
  written into the chunk is "StringDType()", which neither zarr 3 nor numcodecs can decode.
- pickle: the chunk pickled is a numpy StringDType array (pickled with
  numpy._core._internal._convert_to_stringdtype_kwargs), not an object array; only numpy
  2 reads it back.
- vlen-array: writing fails inside zarr (the item arrays are cast to str / bytes).
- categorize: refused ("VariableLengthUTF8() requires the numcodecs.VLenUTF8 codec").
- several compressors or a compressor list: v2 takes one compressor.
- structured dtypes with subarray fields or titles: refused ("does not support field
  titles or subarray fields"); padding between fields is dropped (the dtype is packed).
"""

import json
import os
import shutil
import sys
import warnings

import numcodecs
import numpy as np
import zarr
import zarr.dtype as zd

from expected_reads import save_reads
from object_json import object_array

warnings.simplefilter("ignore")  # zarr 3's v2 and "not part of the spec" warnings
numcodecs.blosc.use_threads = False  # deterministic blocks (see interop.py)

SEED = 20261206

STRUCT = np.dtype([("a", "<i4"), ("b", "<f8"), ("c", "|S3")])
NESTED = np.dtype([("x", "<i2"), ("y", [("p", "u1"), ("q", ">f4")])])


def arrays():
    """(name, data, zarr.create_array kwargs, region left unwritten or None)."""
    rng = np.random.default_rng(SEED)
    walk = np.cumsum(rng.normal(size=(37, 53)), axis=1)
    ints = rng.integers(-1000, 1000, (30, 41)).astype("<i4")
    slash = {"name": "v2", "separator": "/"}
    nested = np.zeros((5, 4), NESTED).reshape(-1)
    for k in range(nested.size):
        nested[k] = (k, (k % 7, k / 4))
    out = [
        ("zlib_f8_C", walk, dict(chunks=(10, 16), compressors=numcodecs.Zlib(level=5)), None),
        ("gzip_f8_F", walk, dict(chunks=(10, 16), compressors=numcodecs.GZip(level=1), order="F"), None),
        ("default_compressor_f8", walk, dict(chunks=(16, 16)), None),
        ("zstd_i4_missing", ints, dict(chunks=(8, 8), compressors=numcodecs.Zstd(level=3), fill_value=-7),
         (slice(0, 16), slice(0, 16))),
        ("zstd_checksum_u4_F", rng.integers(0, 2**32, (13, 7), dtype="<u4"),
         dict(chunks=(5, 4), compressors=numcodecs.Zstd(level=2, checksum=True), order="F"), None),
        ("blosc_u2_3d_F", rng.integers(0, 60000, (9, 10, 11)).astype("<u2"),
         dict(chunks=(4, 4, 4), compressors=numcodecs.Blosc(cname="lz4", clevel=5, shuffle=2), order="F"), None),
        ("blosc_zlib_i8_typesize", rng.integers(-2**40, 2**40, 300).astype("<i8"),
         dict(chunks=(64,), compressors=numcodecs.Blosc(cname="zlib", clevel=4, shuffle=1, typesize=8)), None),
        ("lz4_crc32_i8", rng.integers(-2**40, 2**40, 1000).astype("<i8"),
         dict(chunks=(128,), compressors=numcodecs.LZ4(acceleration=1), filters=[numcodecs.CRC32()]), None),
        ("bz2_b1_slash", rng.integers(0, 2, (50, 20)).astype("|b1"),
         dict(chunks=(16, 7), compressors=numcodecs.BZ2(level=9), chunk_key_encoding=slash), None),
        ("lzma_f4_nan_missing", rng.normal(size=(25, 25)).astype("<f4"),
         dict(chunks=(10, 10), compressors=numcodecs.LZMA(preset=1), fill_value=np.nan),
         (slice(10, 25), slice(0, 25))),
        ("nocompressor_gt_f8", rng.normal(size=(20,)).astype(">f8"),
         dict(chunks=(6,), compressors=None, filters=[numcodecs.Adler32()]), None),
        ("delta_gzip_i2", rng.integers(-300, 300, 90).astype("<i2"),
         dict(chunks=(40,), compressors=numcodecs.GZip(level=6), filters=[numcodecs.Delta(dtype="<i2")]), None),
        ("blosc_zstd_c16_F", (rng.normal(size=(12, 9)) + 1j * rng.normal(size=(12, 9))).astype("<c16"),
         dict(chunks=(5, 5), compressors=numcodecs.Blosc(cname="zstd", clevel=3, shuffle=1), order="F",
              fill_value=1 + 2j), (slice(0, 5), slice(5, 9))),
        ("zlib_S6_filters", np.array([b"ab", b"cdefgh", b"", b"x"] * 10, dtype="|S6"),
         dict(chunks=(7,), compressors=numcodecs.Zlib(level=1),
              filters=[numcodecs.Fletcher32(), numcodecs.CRC32C()], fill_value=b"zz"), None),
        # Structured dtypes (fill values are base64 of the item bytes), S and U fill values.
        ("zlib_structured_missing", np.array([(i, i / 2, b"s%d" % i) for i in range(11)], dtype=STRUCT),
         dict(chunks=(4,), compressors=numcodecs.Zlib(level=1),
              fill_value=np.array((7, 1.5, b"x"), STRUCT)[()]), (slice(4, 8),)),
        ("structured_fill0_missing", np.array([(i, -i, b"t") for i in range(9)], dtype=STRUCT),
         dict(chunks=(4,), compressors=None, fill_value=0), (slice(0, 4),)),
        ("structured_nested_F", nested.reshape(5, 4),
         dict(chunks=(2, 3), compressors=numcodecs.Blosc(cname="lz4", clevel=1, shuffle=1), order="F",
              fill_value=0), (slice(0, 2), slice(0, 3))),
        ("S4_fill_missing", np.array([b"ab", b"", b"wxyz"] * 3, dtype="|S4"),
         dict(chunks=(4,), compressors=None, fill_value=b"zz"), (slice(4, 8),)),
        ("S4_fill0_missing", np.array([b"ab", b"", b"wxyz"] * 3, dtype="|S4"),
         dict(chunks=(4,), compressors=None, fill_value=0), (slice(4, 8),)),
        ("U3_fill_missing", np.array(["\u00e9t\u00e9", "", "x"] * 3, dtype="<U3"),
         dict(chunks=(4,), compressors=numcodecs.Zstd(level=1), fill_value="\u00e9"), (slice(0, 4),)),
        ("U2_be_fill_missing", np.array(["ab", "c"] * 4, dtype=">U2"),
         dict(chunks=(3,), compressors=None, fill_value=""), (slice(3, 6),)),
    ]
    return out + object_arrays()


def obj(items, shape=None):
    a = np.empty(len(items), dtype=object)
    for k, v in enumerate(items):
        a[k] = v
    return a if shape is None else a.reshape(shape)


def object_arrays():
    """Object arrays as zarr 3 writes them for v2 (vlen-utf8 for str, vlen-bytes for
    bytes), with and without a compressor, in C and F order, with chunks left unwritten
    and default and non-default fill values."""
    words = ["", "a", "caf\u00e9", "\u4e2d\u6587", "x" * 40, "tab\tnl\n"]
    strs = obj([words[(3 * k) % len(words)] + str(k % 5) for k in range(7 * 5)], (7, 5))
    byts = obj([bytes(range(k % 9)) + b"\xff" * (k % 3) for k in range(7 * 5)], (7, 5))
    zlib = numcodecs.Zlib(level=1)
    blosc = numcodecs.Blosc(cname="zstd", clevel=3, shuffle=numcodecs.Blosc.BITSHUFFLE)
    zstd = numcodecs.Zstd(level=2)
    kinds = [
        ("vlen-utf8", str, strs, "zz"),
        ("vlen-bytes", zd.VariableLengthBytes(), byts, b"zz"),
    ]
    out = []
    for codec_id, dtype, data, fill in kinds:
        for order, compressor, fill_value, unwritten in [
            ("C", None, None, (slice(0, 3), slice(0, 3))),
            ("F", zlib, fill, (slice(3, 7), slice(0, 3))),
            ("C", blosc, None, None),
            ("F", None, fill, None),
            ("C", zstd, None, None),
            ("C", "auto", None, (slice(3, 6), slice(3, 5))),
        ]:
            cname = "default" if compressor == "auto" else (compressor.codec_id if compressor else "raw")
            name = f"{codec_id}_{order}_{cname}_fill{fill_value!r}"
            kwargs = dict(chunks=(3, 3), dtype=dtype, compressors=compressor, order=order)
            if fill_value is not None:
                kwargs["fill_value"] = fill_value
            out.append((name, data, kwargs, unwritten))
        # F order with one axis of length 1.
        out.append((f"{codec_id}_F_flat", data[:, :1].copy(), dict(chunks=(4, 1), dtype=dtype, compressors=None,
                    order="F"), None))
    # numpy's StringDType: the same .zarray as str.
    sdt = np.array(strs.reshape(-1).tolist(), dtype=np.dtypes.StringDType()).reshape(strs.shape)
    out.append(("vlen-utf8_StringDType_F", sdt, dict(chunks=(2, 4), dtype=np.dtypes.StringDType(),
                compressors=zlib, order="F"), (slice(0, 2), slice(0, 4))))
    return out


def chunk_indices(grid):
    return [tuple(int(i) for i in ix) for ix in np.ndindex(*grid)]


def write_json(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f)


def same_objects(a, b):
    return a.shape == b.shape and object_array(a) == object_array(b)


def codecs_of(zarray):
    filters = [numcodecs.get_codec(dict(f)) for f in zarray["filters"] or []]
    compressor = zarray["compressor"] and numcodecs.get_codec(dict(zarray["compressor"]))
    return filters, compressor


def decode_stored(raw, zarray, chunks, dtype, order):
    """A stored chunk decoded as zarr 3's V2Codec does, with the codecs of .zarray."""
    filters, compressor = codecs_of(zarray)
    chunk = compressor.decode(raw) if compressor else raw
    for f in reversed(filters):
        chunk = f.decode(chunk)
    chunk = numcodecs.compat.ensure_ndarray_like(chunk)
    if dtype != object:
        chunk = chunk.view(dtype)
    elif chunk.dtype != object:
        raise AssertionError("an object chunk decoded to " + str(chunk.dtype))
    return chunk.reshape(-1, order="A").reshape(chunks, order=order)


def encode(chunk, zarray):
    filters, compressor = codecs_of(zarray)
    for f in filters:
        chunk = f.encode(chunk)
    return bytes(numcodecs.compat.ensure_bytes(compressor.encode(chunk) if compressor else chunk))


def main(root):
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    manifest = []
    for name, data, kwargs, unwritten in arrays():
        path = os.path.join(root, name)
        kwargs.setdefault("dtype", data.dtype)
        z = zarr.create_array(store=path, shape=data.shape, zarr_format=2, **kwargs)
        if unwritten is None:
            z[...] = data
        else:
            # Write everything but the unwritten region, chunk by chunk, so that the
            # chunks inside it are never stored.
            mask = np.zeros(data.shape, bool)
            mask[unwritten] = True
            for ix in chunk_indices(z.cdata_shape):
                sl = tuple(slice(i * c, min((i + 1) * c, s)) for i, c, s in zip(ix, z.chunks, z.shape))
                if not mask[sl].all():
                    z[sl] = data[sl]
        with open(os.path.join(path, ".zarray")) as f:
            zarray = json.load(f)
        object_kind = zarray["dtype"] == "|O"
        dtype = object if object_kind else z.dtype
        fill = z.fill_value
        expected_dir = os.path.join(root, "expected", name)
        os.makedirs(expected_dir)
        chunks = []
        for ix in chunk_indices(z.cdata_shape):
            key = z.metadata.encode_chunk_key(ix)
            sl = tuple(slice(i * c, min((i + 1) * c, s)) for i, c, s in zip(ix, z.chunks, z.shape))
            chunk_path = os.path.join(path, *key.split("/"))
            stored = os.path.exists(chunk_path)
            if stored:
                with open(chunk_path, "rb") as f:
                    raw = f.read()
                chunk = decode_stored(raw, zarray, z.chunks, dtype, z.order)
            else:
                chunk = np.full(z.chunks, fill, dtype=dtype, order=z.order)
            # The chunk agrees with zarr's read of the array where it holds data.
            valid = tuple(slice(0, s.stop - s.start) for s in sl)
            view = z[sl]
            entry = {"index": list(ix), "key": key, "stored": stored}
            if object_kind:
                assert same_objects(chunk[valid], view.astype(object)), (name, ix)
                expected = os.path.join("expected", name, key.replace("/", "_") + ".json")
                write_json(os.path.join(root, expected), object_array(chunk))
                if stored:
                    # The chunk zarr wrote: the data, padded with the fill value.
                    written = np.full(z.chunks, fill, dtype=object, order=z.order)
                    written[valid] = data[sl]
                    assert encode(written, zarray) == raw, (name, ix)
                    entry["written"] = os.path.join("expected", name, key.replace("/", "_") + ".written.json")
                    write_json(os.path.join(root, entry["written"]), object_array(written))
            else:
                assert np.array_equal(chunk[valid], view, equal_nan=chunk.dtype.kind in "fc"), (name, ix)
                expected = os.path.join("expected", name, key.replace("/", "_") + ".npy")
                if chunk.dtype.names is not None:
                    chunk = chunk.view(f"V{chunk.dtype.itemsize}")
                np.save(os.path.join(root, expected), chunk)
            entry["expected"] = expected
            chunks.append(entry)
        compressor = zarray["compressor"]
        manifest.append({"name": name, "path": name, "order": z.order, "chunks": chunks,
                         "kind": "object" if object_kind else "bytes",
                         "compressor": compressor and compressor["id"],
                         "filters": [f["id"] for f in zarray["filters"] or []]})
        if not object_kind:
            save_reads(root, name, z, manifest[-1])
    with open(os.path.join(root, "manifest.json"), "w") as f:
        json.dump({"zarr": zarr.__version__, "arrays": manifest}, f, indent=1)
    n = sum(len(a["chunks"]) for a in manifest)
    print(f"wrote {len(manifest)} zarr v2 arrays ({n} chunks) with zarr {zarr.__version__}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
