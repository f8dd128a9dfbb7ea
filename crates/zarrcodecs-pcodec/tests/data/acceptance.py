"""Writes acceptance-0.15.2.json: which pcodec configurations numcodecs 0.15.2 builds, which
of those it can encode with (the bytes, or the error), and that the codecs it builds
decode what numcodecs' fixture corpus holds (decode uses no setting).

The configurations are those of numcodecs' own tests (numcodecs/tests/test_pcodec.py,
including its invalid ones), those of numcodecs' fixture corpus (fixture/pcodec, written
by newer releases: `delta_spec: "no_op"`), and others its `PCodec.__init__` stores
without checking. The fixture corpus is read from the numcodecs repository given as
the first argument (a bare git repository).

Run with the interop venv:
python acceptance.py /work/.mirror/zarr-developers+numcodecs/repo > acceptance-0.15.2.json"""
import io
import json
import os
import subprocess
import sys

import numpy as np

import numcodecs

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../xtask/python"))
from acceptance_cases import build, outcome  # noqa: E402


def git_show(repo, path):
    return subprocess.run(["git", "-C", repo, "show", f"HEAD:{path}"], check=True, capture_output=True).stdout



def main():
    repo = sys.argv[1]
    fixture = []
    for i in range(11):
        config = json.loads(git_show(repo, f"fixture/pcodec/codec.{i:02d}/config.json"))
        fixture.append(config)
    arrays = [np.load(io.BytesIO(git_show(repo, f"fixture/pcodec/array.{j:02d}.npy"))) for j in range(9)]
    configs = [
        # numcodecs/tests/test_pcodec.py
        {}, {"level": 1}, {"level": 5}, {"level": 9}, {"mode_spec": "classic"}, {"equal_pages_up_to": 300},
        {"delta_encoding_order": 2}, {"delta_spec": "try_lookback"}, {"delta_spec": "none"},
        {"delta_spec": "try_consecutive", "delta_encoding_order": 1},
        {"mode_spec": "bogus"}, {"delta_spec": "bogus"}, {"paging_spec": "bogus"},
        {"delta_encoding_order": 2, "delta_spec": "none"},
        # Stored unchecked, refused by encode.
        {"delta_spec": "no_op"}, {"mode_spec": None}, {"delta_spec": None}, {"level": 13}, {"level": -1},
        {"delta_encoding_order": 8}, {"delta_encoding_order": -1}, {"delta_spec": "try_consecutive"},
        {"delta_spec": "try_lookback", "delta_encoding_order": 0}, {"equal_pages_up_to": -1},
        # Unknown keyword arguments: refused when built.
        {"max_page_n": 5}, {"typo": None},
    ]
    data = np.arange(200, dtype="<i4") * 3
    chunk = numcodecs.PCodec().encode(data)
    cases = []
    for cfg in [{k: v for k, v in c.items() if k != "id"} for c in fixture] + configs:
        config = {"id": "pcodec", **cfg}
        case, codec = build(config)
        if codec is None:
            cases.append(case)
            continue
        case["encode"] = outcome(lambda: bytes(codec.encode(data)).hex())
        case["decode"] = outcome(lambda: np.asarray(codec.decode(chunk)).tobytes() == data.tobytes())
        cases.append(case)
    # numcodecs' fixture streams, each decoded by the codec of its own configuration.
    streams = []
    for i, config in enumerate(fixture):
        codec = numcodecs.get_codec(dict(config))
        for j, a in enumerate(arrays):
            if j != 0 and not (i == 10 and j == 7):  # u4 for all, f8 (Fortran order) for no_op: a small file
                continue
            enc = git_show(repo, f"fixture/pcodec/codec.{i:02d}/encoded.{j:02d}.dat")
            dec = np.asarray(codec.decode(enc))
            assert dec.dtype == a.dtype and np.array_equal(dec, a.reshape(-1, order="A"), equal_nan=True), (i, j)
            streams.append({"config": config, "encoded": enc.hex(), "dtype": a.dtype.str,
                            "decoded": a.tobytes(order="A").hex()})
    json.dump({"input": data.tobytes().hex(), "dtype": "<i4", "chunk": bytes(chunk).hex(), "cases": cases,
               "fixture_streams": streams}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
