"""zarrcodecs-pcodec: PCodec (pco 0.4.8, the pco that Python pcodec 0.3.6 wraps) over every
dtype pco takes, with the levels, mode specs, delta specs and page sizes numcodecs users
set. Bytes are identical. numcodecs decodes to a 1-D array of the stored dtype, as we do.
Not in the grid: the empty array (numcodecs decodes it to None, we to an empty array)
and `try_lookback` with a one-number page (pco 0.4.8 writes a chunk it cannot decode;
we refuse to encode it)."""

import numpy as np

SEED = 20250610

INPUTS = ["f8_walk_50k", "i4_ramp_100k", "f4_sparse_30k", "u2_3d", "u4_257", "i8_257", "f2_257",
          "pcodec_u8_ts", "pcodec_i2_noise", "pcodec_f8_decimals"]


def arrays():
    rng = np.random.default_rng(SEED)
    ts = (1_700_000_000_000 + np.cumsum(rng.integers(900, 1100, 20_000))).astype("<u8")
    noise = rng.integers(-30_000, 30_000, 5_000).astype("<i2")
    decimals = (np.round(rng.normal(size=10_000) * 1000) / 100).astype("<f8")
    return [("pcodec_u8_ts", ts), ("pcodec_i2_noise", noise), ("pcodec_f8_decimals", decimals)]


def configs():
    out = [({"id": "pcodec"}, None, True, INPUTS + ["f8_walk_3MiB"])]
    quick = ["f8_walk_50k", "i4_ramp_100k", "pcodec_u8_ts", "pcodec_f8_decimals", "f2_257"]
    for cfg in (
        {"level": 0},
        {"level": 4, "mode_spec": "classic"},
        {"level": 12},
        {"delta_spec": "none"},
        {"delta_spec": "try_consecutive", "delta_encoding_order": 2},
        {"delta_spec": "try_lookback"},
        {"delta_encoding_order": 1},
        {"equal_pages_up_to": 4096},
    ):
        full = {"id": "pcodec", "level": 8, "mode_spec": "auto", "delta_spec": "auto",
                "paging_spec": "equal_pages_up_to", "delta_encoding_order": None, "equal_pages_up_to": 262144}
        full.update(cfg)
        out.append((full, None, False, quick))
    return out
