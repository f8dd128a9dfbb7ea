"""zarrcodecs-packbits: PackBits over bool arrays of every length around the byte
boundaries (0 included), multi-dimensional ones, and other dtypes, which numcodecs
views as bool (each byte an element, non-zero is True). Encoded: one byte counting the
padding bits, then np.packbits' bytes; decoded: a flat |b1 array. Byte-identical."""

import numpy as np

LENGTHS = (0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1001)


def arrays():
    rng = np.random.default_rng(11)
    out = [(f"packbits_bool_{n}", rng.integers(0, 2, n).astype(bool)) for n in LENGTHS]
    out.append(("packbits_bool_2d", rng.integers(0, 2, (33, 7)).astype(bool)))
    out.append(("packbits_ones_13", np.ones(13, dtype=bool)))
    return out


def configs():
    names = [f"packbits_bool_{n}" for n in LENGTHS] + ["packbits_bool_2d", "packbits_ones_13"]
    others = ["b1_mask", "u1_random_0", "u1_random_1000", "i4_ramp_100k", "i2_big_endian",
              "U3_257", "S7_257"]
    return [({"id": "packbits"}, None, True, names + others)]
