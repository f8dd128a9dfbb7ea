"""The Python half of `cargo xtask bench`: the same codec configurations on the same
data, through numcodecs from PyPI.

    python bench.py MANIFEST OUT [--quick] [--filter REGEX]...

MANIFEST (written by the `bench-export` binary of zarrcodecs-benches) lists every case:
its configuration, bench label and input files (.npy, the bytes criterion measures).
For each case, data kind and size this times `codec.encode(array)` and
`codec.decode(encoded)` with time.perf_counter: a repeat runs the call in a loop long
enough to time (at least 10 ms; 2 ms with --quick), the figure is the median over the
repeats of the time per call (at least 3 repeats, more while under 0.5 s; 0.1 s with
--quick). The manifest's `loops` run as the Rust `codec_loop` bench does: each
iteration encodes the next of `loop_inputs` chunks (the input rotated), then times one
`codec.decode`; the figure is the median over the iterations (at least 11, more while
the loop has run under 1 s; 5 and 0.2 s with --quick), under the id of the Rust
`decode` bench. Blosc runs single-threaded, like the Rust side. Writes OUT (JSON):
{"python": ..., "numcodecs": ..., "results": [{"id": bench id, "ns": median ns}]}.
"""

import json
import os
import platform
import re
import statistics
import sys
import time

import numcodecs
import numcodecs.blosc
import numpy as np


def per_call_ns(fn, quick):
    """Median time per call of fn(), in ns."""
    min_repeat = 0.002 if quick else 0.010
    budget = 0.1 if quick else 0.5
    fn()  # warm-up
    loops = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(loops):
            fn()
        elapsed = time.perf_counter() - t0
        if elapsed >= min_repeat:
            break
        loops *= 2 if elapsed <= 0 else max(2, min(10, int(min_repeat / elapsed) + 1))
    samples = [elapsed / loops]
    spent = elapsed
    while len(samples) < 3 or (spent < budget and len(samples) < 30):
        t0 = time.perf_counter()
        for _ in range(loops):
            fn()
        elapsed = time.perf_counter() - t0
        spent += elapsed
        samples.append(elapsed / loops)
    return statistics.median(samples) * 1e9


def loop_decode_ns(codec, chunks, quick):
    """Median time of one codec.decode in a loop that encodes a chunk, then decodes it,
    the chunks taken in turn, in ns."""
    min_calls = 5 if quick else 11
    budget = 0.2 if quick else 1.0
    samples = []
    start = time.perf_counter()
    while len(samples) < min_calls or (time.perf_counter() - start < budget and len(samples) < 100_000):
        encoded = codec.encode(chunks[len(samples) % len(chunks)])
        t0 = time.perf_counter()
        codec.decode(encoded)
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1e9


def loop_chunks(array, n):
    """The loop's n chunks: array rotated left by i * (len / n) items (the Rust
    `loop_inputs`)."""
    return [np.roll(array, -i * (len(array) // n)) for i in range(n)]


def load(path):
    """A bench input: .npy, or .json object arrays (in the one JSON form of object
    arrays, object_json.py)."""
    if not path.endswith(".json"):
        return np.load(path)
    import object_json

    with open(path) as f:
        return object_json.read_object_array(json.load(f))


def same_data(array, decoded):
    if array.dtype == object:
        got = list(np.asarray(decoded, dtype=object).reshape(-1))
        if len(got) != len(array):
            return False
        return all(np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b for a, b in zip(got, array))
    got = np.ascontiguousarray(decoded).tobytes() if isinstance(decoded, np.ndarray) else bytes(decoded)
    return got == array.tobytes()


def main():
    args = sys.argv[1:]
    quick = "--quick" in args
    filters = [args[i + 1] for i, a in enumerate(args) if a == "--filter" and i + 1 < len(args)]
    manifest_path, out_path = [a for i, a in enumerate(args) if not a.startswith("--") and (i == 0 or args[i - 1] != "--filter")][:2]
    numcodecs.blosc.use_threads = False
    # The interop case modules register what numcodecs 0.15.2 lacks (ports of the older
    # `json` and `msgpack` codecs) and allow its pickle decoding, as the interop suite does.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import interop

    interop.case_modules()
    with open(manifest_path) as f:
        manifest = json.load(f)
    data_dir = os.path.dirname(os.path.abspath(manifest_path))

    jobs = []
    for case in manifest["cases"]:
        for item in case["items"]:
            for op in ("encode", "decode"):
                bench_id = f"{case['label']}/{op}/{item['kind']}/{item['size_label']}"
                if not filters or any(re.search(f, bench_id) for f in filters):
                    jobs.append((case, item, op, bench_id))
    # The encode/decode loop, under the id of the Rust `decode` bench of its group.
    for case in manifest.get("loops", []):
        for item in case["items"]:
            bench_id = f"{case['label']}/decode/{item['kind']}/{item['size_label']}"
            if not filters or any(re.search(f, bench_id) for f in filters):
                jobs.append((case, item, "loop", bench_id))
    n_chunks = max(1, manifest.get("loop_inputs", 1))

    arrays = {}
    results = []
    for n, (case, item, op, bench_id) in enumerate(jobs, 1):
        if item["file"] not in arrays:
            arrays[item["file"]] = load(os.path.join(data_dir, item["file"]))
        array = arrays[item["file"]]
        try:
            codec = numcodecs.get_codec(dict(case["config"]))
            encoded = codec.encode(array)
            decoded = codec.decode(encoded)
        except Exception as e:  # noqa: BLE001 - reported, and the report shows no Python figure
            print(f"[{n}/{len(jobs)}] python {bench_id}: numcodecs fails: {type(e).__name__}: {e}",
                  file=sys.stderr, flush=True)
            continue
        if case.get("exact", True) and not same_data(array, decoded):
            raise SystemExit(f"{bench_id}: numcodecs does not round-trip")
        if op == "loop":
            chunks = loop_chunks(array, n_chunks)
            if not all(same_data(c, codec.decode(codec.encode(c))) for c in chunks):
                raise SystemExit(f"{bench_id}: numcodecs does not round-trip a rotated chunk")
            ns = loop_decode_ns(codec, chunks, quick)
        elif op == "encode":
            ns = per_call_ns(lambda: codec.encode(array), quick)
        else:
            ns = per_call_ns(lambda: codec.decode(encoded), quick)
        mbps = item["size"] / ns * 1e3
        print(f"[{n}/{len(jobs)}] python {bench_id}: {mbps:,.0f} MB/s", file=sys.stderr, flush=True)
        results.append({"id": bench_id, "ns": ns})

    out = {
        "python": platform.python_version(),
        "numcodecs": numcodecs.__version__,
        "numpy": np.__version__,
        "results": results,
    }
    with open(out_path, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
