"""Zarr v2 arrays written by python zarr 2.18, for the Rust side to decode chunk by chunk.

    python zarr_arrays.py DIR

Writes DIR/<name>/ (a DirectoryStore: .zarray and the chunk files), and for every chunk
index DIR/expected/<name>/<key>.npy: the chunk as zarr itself decodes it (in the array's
order; the fill value for chunks that are not stored), checked here against numpy's
view of the array. DIR/manifest.json lists the arrays and their chunks.
"""

import json
import os
import shutil
import sys

import numcodecs
import numpy as np
import zarr

numcodecs.blosc.use_threads = False

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
    ]
    return out


def chunk_indices(grid):
    return [tuple(int(i) for i in ix) for ix in np.ndindex(*grid)]


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
            assert np.array_equal(chunk[valid], view, equal_nan=chunk.dtype.kind in "fc"), (name, ix)
            expected = os.path.join("expected", name, key.replace("/", "_") + ".npy")
            np.save(os.path.join(root, expected), chunk)
            chunks.append({"index": list(ix), "key": key, "stored": stored, "expected": expected})
        manifest.append({"name": name, "path": name, "order": z.order, "chunks": chunks,
                         "compressor": kwargs.get("compressor") and kwargs["compressor"].codec_id,
                         "filters": [f.codec_id for f in kwargs.get("filters") or []]})
    with open(os.path.join(root, "manifest.json"), "w") as f:
        json.dump({"zarr": zarr.__version__, "arrays": manifest}, f, indent=1)
    n = sum(len(a["chunks"]) for a in manifest)
    print(f"wrote {len(manifest)} zarr v2 arrays ({n} chunks) with zarr {zarr.__version__}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
