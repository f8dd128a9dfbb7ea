"""Zarr v3 arrays written by zarr-python 3 with numcodecs codecs, for the Rust side to
decode chunk by chunk (crates/zarrcodecs/tests/zarr_v3.rs).

    python zarr_v3_arrays.py DIR

Needs zarr-python 3 and numcodecs 0.16+ (the venv of the newest anchor). Writes
DIR/<name>/ (a LocalStore: zarr.json and the chunk files under c/), and for every chunk
index DIR/expected/<name>/<i_j>.npy: the chunk as zarr reads it (the stored chunk read
back through zarr, edge chunks padded with the fill value; the fill value for chunks
never written), in C order. DIR/manifest.json lists the arrays and their chunks.
"""

import json
import os
import shutil
import sys
import warnings

import numcodecs
import numcodecs.zarr3 as nz
import numpy as np
import zarr
from zarr.codecs import BloscCodec, BytesCodec, Crc32cCodec, GzipCodec, TransposeCodec, ZstdCodec

warnings.simplefilter("ignore")  # numcodecs.zarr3's "not part of the zarr spec" warnings
numcodecs.blosc.use_threads = False  # deterministic blocks (see interop.py)

SEED = 20261206


def arrays():
    """(name, data, create_array kwargs, region left unwritten or None, whether our
    bytes must equal zarr's: False where a library version differs, see interop.rs)."""
    rng = np.random.default_rng(SEED)
    walk = np.cumsum(rng.normal(size=(37, 53)), axis=1)
    ints = rng.integers(-1000, 1000, (30, 41)).astype("<i4")
    return [
        ("delta_zlib_i4", ints, dict(chunks=(8, 16), filters=[nz.Delta(dtype="<i4")],
                                      compressors=[nz.Zlib(level=1)], fill_value=7), (slice(0, 8), slice(0, 41)), True),
        ("zstd_f8_big", walk, dict(chunks=(10, 16), serializer=BytesCodec(endian="big"),
                                   compressors=[nz.Zstd(level=3)], fill_value=np.nan), None, True),
        ("native_zstd_crc32c", walk, dict(chunks=(16, 16), compressors=[ZstdCodec(level=1, checksum=True),
                                                                         Crc32cCodec()]), None, True),
        ("native_gzip_u2", rng.integers(0, 60000, (9, 10, 11)).astype("<u2"),
         dict(chunks=(4, 4, 4), compressors=[GzipCodec(level=5)], fill_value=3), None, True),
        ("transpose_F_shuffle_lz4", walk, dict(chunks=(10, 16), filters=[TransposeCodec(order=(1, 0))],
                                               compressors=[nz.Shuffle(elementsize=8), nz.LZ4(acceleration=1)]),
         None, True),
        ("fixedscaleoffset_bz2", walk, dict(chunks=(12, 20), filters=[nz.FixedScaleOffset(
            offset=0, scale=100, dtype="<f8", astype="<i4")], compressors=[nz.BZ2(level=9)]), None, True),
        ("pcodec_serializer", ints.astype("<i8"), dict(chunks=(10, 10), serializer=nz.PCodec(level=8),
                                                         compressors=None), None, False),
        ("datetime_lzma", (np.arange(100) * 3_600_000_000_000).astype("M8[ns]"),
         dict(chunks=(30,), compressors=[nz.LZMA(preset=1)]), None, True),
        ("bool_packbits", rng.integers(0, 2, (50, 20)).astype("|b1"),
         dict(chunks=(16, 7), filters=[nz.PackBits()], compressors=None), None, True),
        ("native_blosc_lz4_shuffle", walk, dict(chunks=(10, 16), compressors=[BloscCodec(
            cname="lz4", clevel=5, shuffle="shuffle")]), None, True),
        ("native_blosc_zstd_bitshuffle_u2", rng.integers(0, 60000, (9, 10, 11)).astype("<u2"),
         dict(chunks=(4, 4, 4), compressors=[BloscCodec(cname="zstd", clevel=3, shuffle="bitshuffle")]), None, True),
        ("checksums_f4", rng.normal(size=(25, 25)).astype("<f4"),
         dict(chunks=(10, 10), compressors=[nz.CRC32(), nz.Adler32(), nz.Fletcher32(), nz.JenkinsLookup3()],
              fill_value=-1.5), (slice(10, 25), slice(0, 25)), True),
    ]


def chunk_indices(grid):
    return [tuple(int(i) for i in ix) for ix in np.ndindex(*grid)]


def main(root):
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    manifest = []
    for name, data, kwargs, unwritten, same_bytes in arrays():
        path = os.path.join(root, name)
        z = zarr.create_array(path, shape=data.shape, dtype=data.dtype, zarr_format=3, **kwargs)
        grid = tuple(-(-s // c) for s, c in zip(z.shape, z.chunks))
        mask = np.zeros(data.shape, bool)
        if unwritten is not None:
            mask[unwritten] = True
        # Chunk by chunk, so that the chunks inside the unwritten region are never stored.
        for ix in chunk_indices(grid):
            sl = tuple(slice(i * c, min((i + 1) * c, s)) for i, c, s in zip(ix, z.chunks, z.shape))
            if not mask[sl].all():
                z[sl] = data[sl]
        with open(os.path.join(path, "zarr.json")) as f:
            codecs = json.load(f)["codecs"]
        # The expected chunks in the byte order the bytes codec stores.
        big = any(c.get("name") == "bytes" and c.get("configuration", {}).get("endian") == "big" for c in codecs)
        expected_dir = os.path.join(root, "expected", name)
        os.makedirs(expected_dir)
        chunks = []
        for ix in chunk_indices(grid):
            key = "c/" + "/".join(map(str, ix)) if ix else "c"
            stored = os.path.exists(os.path.join(path, *key.split("/")))
            sl = tuple(slice(i * c, min((i + 1) * c, s)) for i, c, s in zip(ix, z.chunks, z.shape))
            chunk = np.full(z.chunks, z.fill_value, dtype=z.dtype)
            valid = tuple(slice(0, s.stop - s.start) for s in sl)
            chunk[valid] = z[sl]
            if stored:  # fixedscaleoffset rounds to 1/scale
                tolerance = 0.005 if name.startswith("fixedscaleoffset") else 0
                assert np.allclose(chunk[valid], data[sl], rtol=0, atol=tolerance) if tolerance else \
                    np.array_equal(chunk[valid], data[sl]), (name, ix)
            expected = os.path.join("expected", name, "_".join(map(str, ix)) + ".npy")
            np.save(os.path.join(root, expected), chunk.astype(chunk.dtype.newbyteorder(">")) if big else chunk)
            chunks.append({"index": list(ix), "key": key, "stored": stored, "expected": expected})
        # gzip writes the time into its header (MTIME, bytes 4 to 8), as numcodecs' GZip does.
        ignore = [[4, 8]] if codecs[-1].get("name") in ("gzip", "numcodecs.gzip") else []
        # The whole array as zarr reads it (C order, the stored byte order), for the
        # whole-array reader.
        whole = np.ascontiguousarray(z[...])
        whole_path = os.path.join("expected", name, "whole.npy")
        np.save(os.path.join(root, whole_path), whole.astype(whole.dtype.newbyteorder(">")) if big else whole)
        manifest.append({"name": name, "path": name, "chunks": chunks, "same_bytes": same_bytes, "ignore": ignore,
                         "whole": whole_path})
    with open(os.path.join(root, "manifest.json"), "w") as f:
        json.dump({"zarr": zarr.__version__, "numcodecs": numcodecs.__version__, "arrays": manifest}, f, indent=1)
    n = sum(len(a["chunks"]) for a in manifest)
    print(f"wrote {len(manifest)} zarr v3 arrays ({n} chunks) with zarr {zarr.__version__}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
