"""The zarr-python side of `cargo xtask bench`'s whole-array rows.

    python array_bench.py write DIR MIB
    python array_bench.py read STORE ROUNDS

`write` makes DIR/<name>/, zarr v2 directory stores of about MIB MiB of decoded `<f8`
each (a random walk, so it compresses as real measurements do), with the compressors
real data uses: blosc-lz4 with byte shuffle (zarr 2's default compressor), blosc-zstd,
zlib level 1 and zstd level 0, in 8 MiB chunks that span whole rows (shape (rows,
1024), chunks (1024, 1024)); and blosc-lz4 again in 2-d tiles that do not (chunks
(512, 2048) of shape (rows, 4096)), so that a reader places each chunk row by row.
It writes DIR/stores.json: {"zarr": version, "mib": MIB, "stores": [{"name", "path",
"compressor", "filters", "bytes"}]}. It does nothing if DIR/stores.json already
says the same MIB and zarr version.

`read` times `z[...]` of one store ROUNDS times (a new array each time, as zarr
returns) with numcodecs' Blosc threads off (`numcodecs.blosc.use_threads = False`:
on 2 cores, threads inside a chunk are slower, so this is zarr-python at its
fastest) and prints {"bytes": decoded bytes, "seconds": [each read]}.
"""

import json
import os
import shutil
import sys
import time

import numcodecs
import numcodecs.blosc
import numpy as np
import zarr

numcodecs.blosc.use_threads = False

ROW = 1024  # items per row of the contiguous stores


def stores(mib):
    items = mib * 1024 * 1024 // 8
    rows = max(1024, items // ROW // 1024 * 1024)
    tiled_rows = max(512, items // 4096 // 512 * 512)
    lz4 = numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE)
    return [
        ("blosc-lz4", (rows, ROW), (1024, ROW), lz4),
        ("blosc-zstd", (rows, ROW), (1024, ROW), numcodecs.Blosc(cname="zstd", clevel=3,
                                                                  shuffle=numcodecs.Blosc.SHUFFLE)),
        ("zlib-1", (rows, ROW), (1024, ROW), numcodecs.Zlib(level=1)),
        ("zstd-0", (rows, ROW), (1024, ROW), numcodecs.Zstd(level=0)),
        ("blosc-lz4-tiles", (tiled_rows, 4096), (512, 2048), lz4),
    ]


def write(root, mib):
    index = os.path.join(root, "stores.json")
    if os.path.exists(index):
        with open(index) as f:
            old = json.load(f)
        if old.get("mib") == mib and old.get("zarr") == zarr.__version__:
            print(f"reusing the {len(old['stores'])} stores in {root}")
            return
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    rng = np.random.default_rng(20261206)
    out = []
    for name, shape, chunks, compressor in stores(mib):
        z = zarr.open(os.path.join(root, name), mode="w", shape=shape, chunks=chunks, dtype="<f8",
                      compressor=compressor)
        # Row blocks of one chunk height at a time, so memory stays at one block.
        step = chunks[0]
        start = 0.0
        for r in range(0, shape[0], step):
            block = start + np.cumsum(rng.normal(size=(min(step, shape[0] - r), shape[1])), axis=1)
            start = float(block[-1, -1])
            z[r:r + block.shape[0]] = block
        out.append({"name": name, "path": name, "compressor": compressor.get_config(), "filters": [],
                    "bytes": int(z.nbytes), "shape": list(shape), "chunks": list(chunks)})
        print(f"wrote {name}: {z.nbytes / 2**20:.0f} MiB in chunks {chunks}, stored {z.nbytes_stored / 2**20:.0f} MiB")
    with open(index, "w") as f:
        json.dump({"zarr": zarr.__version__, "numcodecs": numcodecs.__version__, "mib": mib, "stores": out}, f,
                  indent=1)


def read(path, rounds):
    z = zarr.open(path, mode="r")
    seconds = []
    for _ in range(rounds):
        t = time.perf_counter()
        a = z[...]
        seconds.append(time.perf_counter() - t)
        del a
    print(json.dumps({"bytes": int(z.nbytes), "seconds": seconds}))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "write":
        write(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 4 and sys.argv[1] == "read":
        read(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)
