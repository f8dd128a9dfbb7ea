"""zarrcodecs-zfpy: ZFPY (zfp 1.0.1 on both sides: zfpy==1.0.1 and zfp-sys 0.4.3) in every
mode numcodecs writes: fixed accuracy, fixed rate, fixed precision, and the reversible
(lossless) mode a negative parameter selects (numcodecs' default). Bytes are identical;
lossy decodes compare to numcodecs' own decode. zfp takes 1- to 4-D C-order arrays of
int32, int64, float32, float64 (not empty, not Fortran order), so every case names its
inputs."""

import numpy as np

SEED = 20250611

INPUTS = ["f8_walk_50k", "i4_ramp_100k", "f4_sparse_30k", "i8_257",
          "zfpy_f8_3d", "zfpy_f4_4d", "zfpy_i4_2d", "zfpy_f4_2d_odd"]


def arrays():
    rng = np.random.default_rng(SEED)
    z, y, x = np.meshgrid(np.linspace(0, 2, 20), np.linspace(0, 3, 30), np.linspace(0, 1, 40), indexing="ij")
    f8_3d = (np.sin(3 * x) * np.cos(2 * y) + z + rng.normal(size=x.shape) * 1e-3).astype("<f8")
    f4_4d = rng.normal(size=(6, 7, 8, 9)).cumsum(axis=3).astype("<f4")
    i4_2d = (np.add.outer(np.arange(50), np.arange(70)) * 37 + rng.integers(0, 5, (50, 70))).astype("<i4")
    f4_2d_odd = rng.normal(size=(13, 17)).astype("<f4")
    return [("zfpy_f8_3d", f8_3d), ("zfpy_f4_4d", f4_4d), ("zfpy_i4_2d", i4_2d), ("zfpy_f4_2d_odd", f4_2d_odd)]


def configs():
    out = [({"id": "zfpy"}, None, True, INPUTS + ["f8_walk_3MiB"])]
    some = ["f8_walk_50k", "zfpy_f8_3d", "zfpy_f4_4d", "zfpy_i4_2d", "zfpy_f4_2d_odd"]
    for mode, key, value in (
        (4, "tolerance", 1e-3),
        (4, "tolerance", 0.5),
        (4, "tolerance", 0),
        (2, "rate", 8),
        (2, "rate", 20.5),
        (3, "precision", 12),
        (3, "precision", 30),
        (2, "rate", -1),
    ):
        config = {"id": "zfpy", "mode": mode, "tolerance": -1, "rate": -1, "precision": -1}
        config[key] = value
        out.append((config, None, False, some))
    return out
