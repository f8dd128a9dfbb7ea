"""zarrcodecs-bitround: BitRound over native f2, f4 and f8 arrays, keepbits from 0 to the
mantissa width (which returns the floats unchanged). Encoded data is the integer view
(<i2, <i4, <i8), byte-identical; decoding is the identity on the bytes. Inputs include
NaNs with payloads, infinities, subnormals and the largest finite values (which round
to infinity). keepbits above an input's mantissa width is refused by numcodecs, so each
configuration names the inputs that fit."""

import numpy as np

F2 = ["f2_257", "bitround_specials_f2", "bitround_empty_f2"]
F4 = ["f4_sparse_30k", "bitround_specials_f4", "bitround_odd_f4"]
F8 = ["f8_walk_50k", "bitround_specials_f8", "bitround_2d_f8"]


def _specials(dtype, n, seed):
    rng = np.random.default_rng(seed)
    info = np.finfo(dtype)
    vals = [0.0, -0.0, np.nan, -np.nan, np.inf, -np.inf, info.max, -info.max, info.tiny, -info.tiny,
            info.smallest_subnormal, -info.smallest_subnormal, 1.0, -1.5, 2.0 / 3]
    it = np.dtype(dtype.replace("f", "u"))
    pattern = np.array([0x7FF0000000000001, 0xFFF8000000000001, 0x3FF0000000000800, 0x3FF0000000001800],
                       dtype="<u8") >> np.uint64({2: 48, 4: 32, 8: 0}[it.itemsize])
    with np.errstate(over="ignore"):
        r = (rng.normal(size=n) * 10.0 ** rng.integers(-30, 30, n)).astype(dtype)
    return np.concatenate([np.array(vals, dtype=dtype), pattern.astype(it).view(dtype), r])


def arrays():
    return [
        ("bitround_specials_f2", _specials("<f2", 100, 1)),
        ("bitround_specials_f4", _specials("<f4", 1001, 2)),
        ("bitround_specials_f8", _specials("<f8", 999, 3)),
        ("bitround_empty_f2", np.zeros(0, dtype="<f2")),
        ("bitround_odd_f4", np.random.default_rng(4).normal(size=13).astype("<f4")),
        ("bitround_2d_f8", np.random.default_rng(5).normal(size=(17, 3))),
    ]


def configs():
    out = []
    for keepbits in (0, 5, 10):
        out.append(({"id": "bitround", "keepbits": keepbits}, None, keepbits == 5, F2 + F4 + F8))
    for keepbits in (16, 23):
        out.append(({"id": "bitround", "keepbits": keepbits}, None, keepbits == 16, F4 + F8))
    for keepbits in (40, 51, 52):
        out.append(({"id": "bitround", "keepbits": keepbits}, None, False, F8))
    return out
