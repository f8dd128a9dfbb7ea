"""Interop grid for the `blosc` codec (crates/zarrcodecs-blosc).

numcodecs' default `use_threads = None` compresses through C-Blosc's global,
multi-threaded path when called from the main thread, whose output is not deterministic.
The Rust codec is numcodecs' `use_threads = False` path (`blosc_compress_ctx` with one
thread): switch numcodecs to it here, at import, so that both interop.py steps
(`generate` and `check`, which both import this module) use it.
"""

import numcodecs.blosc

numcodecs.blosc.use_threads = False

CNAMES = ("blosclz", "lz4", "lz4hc", "zlib", "zstd")
SHUFFLES = (-1, 0, 1, 2)


def cfg(cname, clevel, shuffle, blocksize):
    return {"id": "blosc", "cname": cname, "clevel": clevel, "shuffle": shuffle, "blocksize": blocksize}


def configs():
    out = []
    big = {("lz4", 5, 1, 0), ("zstd", 5, 2, 0), ("blosclz", 9, -1, 0)}
    seen = set()

    def add(cname, clevel, shuffle, blocksize):
        key = (cname, clevel, shuffle, blocksize)
        if key not in seen:
            seen.add(key)
            out.append((cfg(*key), None, key in big))

    # Every compressor with every shuffle at the default level.
    for cname in CNAMES:
        for shuffle in SHUFFLES:
            add(cname, 5, shuffle, 0)
    # Levels: every compressor with byte shuffle; no shuffle and bit shuffle on two.
    for cname in CNAMES:
        for clevel in (0, 1, 9):
            add(cname, clevel, 1, 0)
    for cname in ("lz4", "zstd"):
        for clevel in (0, 1, 9):
            add(cname, clevel, 0, 0)
            add(cname, clevel, 2, 0)
    add("blosclz", 9, -1, 0)
    # Forced block sizes.
    for cname in CNAMES:
        for shuffle in (1, 2):
            add(cname, 5, shuffle, 2**14)
    add("lz4", 5, 1, 256)
    add("zstd", 1, 0, 1000)
    # The default configuration as numcodecs writes it, and the short form.
    out.append(({"id": "blosc"}, None, False))
    return out
