"""zarrcodecs-shuffle: Shuffle with element sizes 2, 3, 4, 5, 8 and 16 (the fast paths
and the generic one) over inputs that are a whole number of elements (numcodecs refuses
the others), and 0, 1 and -1, which copy the bytes. Encoded and decoded data are flat
|u1 bytes; byte-identical."""

import numpy as np

# Byte sizes: f8_walk_50k 400000, i4_ramp_100k 400000, f4_sparse_30k 120000,
# i2_big_endian 8194, u2_3d 12000, M8_ns 4000, f8_2d_fortran 33600, U3_257 3084,
# c16_be_257 4112, u1_random_0 0, shuffle_odd_35 35, shuffle_odd_15 15.
DIVISIBLE = {
    2: ["f8_walk_50k", "i2_big_endian", "u2_3d", "M8_ns", "U3_257", "u1_random_0", "i1_257_pairs"],
    3: ["f4_sparse_30k", "u2_3d", "f8_2d_fortran", "U3_257", "shuffle_odd_15"],
    4: ["f8_walk_50k", "i4_ramp_100k", "f4_sparse_30k", "M8_ns", "U3_257", "u1_random_0"],
    5: ["shuffle_odd_35", "shuffle_odd_15", "u1_random_0"],
    8: ["f8_walk_50k", "f8_2d_fortran", "M8_ns", "c16_be_257", "i4_ramp_100k", "u1_random_0"],
    16: ["f8_walk_50k", "c16_be_257", "u2_3d", "u1_random_0"],
}


def arrays():
    rng = np.random.default_rng(12)
    return [
        ("shuffle_odd_35", rng.integers(0, 256, 35).astype("|u1")),
        ("shuffle_odd_15", rng.integers(0, 256, 15).astype("|u1")),
        ("i1_257_pairs", rng.integers(-128, 128, 514).astype("|i1")),
    ]


def configs():
    out = []
    for es, names in DIVISIBLE.items():
        out.append(({"id": "shuffle", "elementsize": es}, None, es in (4, 8), names))
    for es in (0, 1, -1):
        out.append(({"id": "shuffle", "elementsize": es}, None, False,
                    ["u1_random_1000", "shuffle_odd_35", "i2_big_endian", "S7_257"]))
    out.append(({"id": "shuffle"}, None, False, ["f8_walk_50k", "i4_ramp_100k"]))
    return out
