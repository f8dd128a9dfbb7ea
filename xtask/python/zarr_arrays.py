"""Zarr v2 arrays written by python zarr 2.18, for the Rust side to decode chunk by chunk.

    python zarr_arrays.py DIR

Writes DIR/<name>/ (a DirectoryStore: .zarray and the chunk files), and for every chunk
index DIR/expected/<name>/<key>.npy: the chunk as zarr itself decodes it (in the array's
order; the fill value for chunks that are not stored), checked here against numpy's
view of the array. DIR/manifest.json lists the arrays and their chunks.

Structured arrays' chunks are saved as the bytes of their items (dtype |V<n>).

Object arrays (dtype |O, zarr's object_codec as the first filter) have "kind": "object";
their chunks are saved as JSON (object_json.py's form) instead: "expected" is the chunk
as zarr's _decode_chunk returns it (the fill value for chunks that are not stored),
"written" (for stored chunks) the chunk zarr encoded, whose encoding is checked here to
be the stored bytes. The two differ for json2 and msgpack2 in F order: zarr 2.18 lays
out their decoded C-ordered items in F order.
"""

import json
import os
import shutil
import sys

import numcodecs
import numcodecs.pickles
import numpy as np
import zarr

from expected_reads import save_reads
from object_json import object_array

numcodecs.blosc.use_threads = False
# The pickles here are our own, written just above their reading.
numcodecs.pickles.ALLOW_UNSAFE_PICKLE_DECODE = True

SEED = 20261126


def arrays():
    """(name, data, zarr.create kwargs, region left unwritten or None)."""
    rng = np.random.default_rng(SEED)
    walk = np.cumsum(rng.normal(size=(37, 53)), axis=1)
    ints = rng.integers(-1000, 1000, (30, 41)).astype("<i4")
    out = [
        ("zlib_f8_C", walk, dict(chunks=(10, 16), compressor=numcodecs.Zlib(level=5)), None),
        ("gzip_f8_F", walk, dict(chunks=(10, 16), compressor=numcodecs.GZip(level=1), order="F"), None),
        ("zstd_i4_missing", ints, dict(chunks=(8, 8), compressor=numcodecs.Zstd(level=3), fill_value=-7),
         (slice(0, 16), slice(0, 16))),
        ("blosc_u2_3d_F", rng.integers(0, 60000, (9, 10, 11)).astype("<u2"),
         dict(chunks=(4, 4, 4), compressor=numcodecs.Blosc(cname="lz4", clevel=5, shuffle=2), order="F"), None),
        ("lz4_crc32_i8", rng.integers(-2**40, 2**40, 1000).astype("<i8"),
         dict(chunks=(128,), compressor=numcodecs.LZ4(acceleration=1), filters=[numcodecs.CRC32()]), None),
        ("bz2_b1_slash", rng.integers(0, 2, (50, 20)).astype("|b1"),
         dict(chunks=(16, 7), compressor=numcodecs.BZ2(level=9), dimension_separator="/"), None),
        ("lzma_f4_nan_missing", rng.normal(size=(25, 25)).astype("<f4"),
         dict(chunks=(10, 10), compressor=numcodecs.LZMA(preset=1), fill_value=np.nan), (slice(10, 25), slice(0, 25))),
        ("nocompressor_gt_f8", rng.normal(size=(20,)).astype(">f8"),
         dict(chunks=(6,), compressor=None, filters=[numcodecs.Adler32()]), None),
        ("blosc_zstd_c16_F", (rng.normal(size=(12, 9)) + 1j * rng.normal(size=(12, 9))).astype("<c16"),
         dict(chunks=(5, 5), compressor=numcodecs.Blosc(cname="zstd", clevel=3, shuffle=1), order="F",
              fill_value=1 + 2j), (slice(0, 5), slice(5, 9))),
        ("zlib_S6_filters", np.array([b"ab", b"cdefgh", b"", b"x"] * 10, dtype="|S6"),
         dict(chunks=(7,), compressor=numcodecs.Zlib(level=1), filters=[numcodecs.Fletcher32(), numcodecs.CRC32C()],
              fill_value=b"zz"), None),
        # Structured dtypes (fill values are base64 of the item bytes), S and U fill values.
        ("zlib_structured_missing", np.array([(i, (i / 2, -i)) for i in range(11)], dtype=STRUCT),
         dict(chunks=(4,), compressor=numcodecs.Zlib(level=1), fill_value=np.array((7, (1.5, 2.5)), STRUCT)[()]),
         (slice(4, 8),)),
        ("structured_nested_F", nested_data(),
         dict(chunks=(2, 3), compressor=numcodecs.Blosc(cname="lz4", clevel=1, shuffle=1), order="F",
              fill_value=0), (slice(0, 2), slice(0, 3))),
        ("S4_fill_missing", np.array([b"ab", b"", b"wxyz"] * 3, dtype="|S4"),
         dict(chunks=(4,), compressor=None, fill_value=b"zz"), (slice(4, 8),)),
        ("S4_fill0_missing", np.array([b"ab", b"", b"wxyz"] * 3, dtype="|S4"),
         dict(chunks=(4,), compressor=None, fill_value=0), (slice(4, 8),)),
        ("U3_fill_missing", np.array(["\u00e9t\u00e9", "", "x"] * 3, dtype="<U3"),
         dict(chunks=(4,), compressor=numcodecs.Zstd(level=1), fill_value="\u00e9"), (slice(0, 4),)),
        ("U2_be_fill_missing", np.array(["ab", "c"] * 4, dtype=">U2"),
         dict(chunks=(3,), compressor=None, fill_value=""), (slice(3, 6),)),
    ]
    return out + object_arrays()


STRUCT = np.dtype([("a", "<i4"), ("b", "<f8", (2,))])
# Nested, with padding (numpy's descr lists it as unnamed |V fields) and a big-endian field.
NESTED = np.dtype({"names": ["x", "y"], "formats": ["<i2", [("p", "u1"), ("q", ">f4", (2, 2))]],
                   "offsets": [0, 4], "itemsize": 24})


def nested_data():
    data = np.zeros((5, 4), dtype=NESTED)
    flat = data.reshape(-1)
    for k in range(flat.size):
        flat[k] = (k, (k % 7, [[k, -k], [k / 4, 1]]))
    # As zarr reads the dtype back from .zarray: the padding as fields f1, f3.
    return data.view(np.dtype(NESTED.descr))


def obj(items, shape=None):
    a = np.empty(len(items), dtype=object)
    for k, v in enumerate(items):
        a[k] = v
    return a if shape is None else a.reshape(shape)


def object_arrays():
    """Object arrays: every object codec as zarr's object_codec, with and without a
    compressor after it, in C and F order, with chunks left unwritten for each of the
    fill values null, 0 and ""."""
    words = ["", "a", "caf\u00e9", "\u4e2d\u6587", "x" * 40, "tab\tnl\n"]
    strs = obj([words[(3 * k) % len(words)] + str(k % 5) for k in range(7 * 5)], (7, 5))
    byts = obj([bytes(range(k % 9)) + b"\xff" * (k % 3) for k in range(7 * 5)], (7, 5))
    arrs = obj([np.arange(k % 4, dtype="<i4") * (k - 3) for k in range(7 * 5)], (7, 5))
    mixed = obj([[k, None, "s" * (k % 3)] if k % 4 == 0 else (None if k % 4 == 1 else (k * 1.25 if k % 4 == 2 else
                 -k * 10**12)) for k in range(7 * 5)], (7, 5))
    labels = ["lo", "mid", "hi"]
    cats = obj([labels[(k * 7) % 3] for k in range(7 * 5)], (7, 5))
    zlib = numcodecs.Zlib(level=1)
    blosc = numcodecs.Blosc(cname="zstd", clevel=3, shuffle=numcodecs.Blosc.BITSHUFFLE)
    zstd = numcodecs.Zstd(level=2)
    codecs = [
        ("vlen-utf8", numcodecs.VLenUTF8(), strs),
        ("vlen-bytes", numcodecs.VLenBytes(), byts),
        ("vlen-array", numcodecs.VLenArray("<i4"), arrs),
        ("json2", numcodecs.JSON(), mixed),
        ("msgpack2", numcodecs.MsgPack(), mixed),
        ("pickle", numcodecs.Pickle(protocol=5), mixed),
        ("categorize", numcodecs.Categorize(labels, dtype=object), cats),
    ]
    out = []
    for codec_id, codec, data in codecs:
        for order, compressor, fill, unwritten in [
            ("C", None, None, (slice(0, 3), slice(0, 3))),
            ("F", zlib, 0, (slice(3, 7), slice(0, 3))),
            ("C", blosc, "", None),
            ("F", None, None, None),
            ("C", zstd, 0, None),
        ]:
            if codec_id == "vlen-bytes" and fill == "":
                fill = None  # zarr 2.18 can neither encode "" with vlen-bytes nor store b""
            if codec_id == "vlen-array" and fill in (0, ""):
                fill = None  # a chunk padded with 0 or "" is not an array
            name = f"{codec_id}_{order}_{compressor.codec_id if compressor else 'raw'}_fill{fill!r}"
            out.append((name, data, dict(chunks=(3, 3), object_codec=codec, compressor=compressor, order=order,
                                         fill_value=fill), unwritten))
        # F order with one axis of length 1: as both C- and F-contiguous, even pickle writes it.
        out.append((f"{codec_id}_F_flat", data[:, :1].copy(), dict(chunks=(4, 1), object_codec=codec,
                    compressor=None, order="F", fill_value=None), None))
    return out


def chunk_indices(grid):
    return [tuple(int(i) for i in ix) for ix in np.ndindex(*grid)]


def write_json(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f)


def same_objects(a, b):
    return a.shape == b.shape and object_array(a) == object_array(b)


def main(root):
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    manifest = []
    for name, data, kwargs, unwritten in arrays():
        path = os.path.join(root, name)
        store = zarr.DirectoryStore(path, dimension_separator=kwargs.pop("dimension_separator", None))
        z = zarr.create(shape=data.shape, dtype=data.dtype, store=store, **kwargs)
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
        expected_dir = os.path.join(root, "expected", name)
        os.makedirs(expected_dir)
        chunks = []
        for ix in chunk_indices(z.cdata_shape):
            key = z._chunk_key(ix)[len(z._key_prefix):]
            sl = tuple(slice(i * c, min((i + 1) * c, s)) for i, c, s in zip(ix, z.chunks, z.shape))
            stored = os.path.exists(os.path.join(path, *key.split("/")))
            if stored:
                chunk = z._decode_chunk(store[z._chunk_key(ix)])
            else:
                chunk = np.full(z.chunks, z.fill_value, dtype=z.dtype, order=z.order)
            # The chunk agrees with numpy's view of the array where it holds data.
            valid = tuple(slice(0, s.stop - s.start) for s in sl)
            view = z[sl]
            entry = {"index": list(ix), "key": key, "stored": stored}
            if z.dtype == object:
                assert same_objects(chunk[valid], view), (name, ix)
                expected = os.path.join("expected", name, key.replace("/", "_") + ".json")
                write_json(os.path.join(root, expected), object_array(chunk))
                if stored:
                    # The chunk zarr wrote: the data, padded with the fill value.
                    written = np.full(z.chunks, z.fill_value, dtype=object, order=z.order)
                    written[valid] = data[sl]
                    assert bytes(z._encode_chunk(written)) == bytes(store[z._chunk_key(ix)]), (name, ix)
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
        filters = kwargs.get("filters") or []
        if "object_codec" in kwargs:
            filters = [kwargs["object_codec"]] + filters
        manifest.append({"name": name, "path": name, "order": z.order, "chunks": chunks,
                         "kind": "object" if z.dtype == object else "bytes",
                         "compressor": kwargs.get("compressor") and kwargs["compressor"].codec_id,
                         "filters": [f.codec_id for f in filters]})
        if z.dtype != object:
            save_reads(root, name, z, manifest[-1])
    with open(os.path.join(root, "manifest.json"), "w") as f:
        json.dump({"zarr": zarr.__version__, "arrays": manifest}, f, indent=1)
    n = sum(len(a["chunks"]) for a in manifest)
    print(f"wrote {len(manifest)} zarr v2 arrays ({n} chunks) with zarr {zarr.__version__}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
