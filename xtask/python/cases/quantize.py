"""zarrcodecs-quantize: np.around(scale * x) / scale in the data's float type, cast to
astype; decode is a cast. Every pair of float types, digits from -1 to 307 (where the
scale is inf in f2/f4 and numpy gives NaN), both byte orders, a 2-d array.

The interop suite decodes numcodecs' bytes as a flat buffer, so the decoded shape is
compared: inputs are one-dimensional (the crate's fixtures cover n-d arrays)."""
import numpy as np

TYPES = ["i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f2", "f4", "f8"]


def specials(t):
    """Special values of numpy type t: NaN payloads, infinities, subnormals, -0.0,
    .5 rounding boundaries, integer limits and values out of every integer type's
    range, then seeded random values; 0 first. The length is 3 mod 4, so values sit
    both in numpy's vectorised cast loop and in its n % 4 tail."""
    base = t.lstrip("<>|=")
    rng = np.random.default_rng(sum(map(ord, base)))
    if base[0] == "f":
        f = np.dtype(base)
        info = np.finfo(f)
        v = [0.0, -0.0, 0.5, 1.5, 2.5, -0.5, -2.5, 1.9, -1.9, 255.5, np.inf, -np.inf, float(info.max),
             -float(info.max), float(info.tiny), float(info.smallest_subnormal), 65519.0, 65520.0, 1 + 2.0**-11,
             1 + 2.0**-11 + 2.0**-40, 5e9, -5e9, 3e9, -3e9, 1e19, 1e300, 1e-300, 300.0, -300.0, 70000.0, -70000.0]
        v += [s * (2.0**p + d) for p in (7, 8, 15, 16, 31, 32, 63, 64) for d in (-1.0, 0.0, 1.0) for s in (1, -1)]
        bits = {2: "u2", 4: "u4", 8: "u8"}[f.itemsize]
        nans = {2: [0x7E00, 0x7C01, 0x7D00, 0xFE01], 4: [0x7FC00000, 0x7F800001, 0x7FA00000, 0xFFC00123],
                8: [0x7FF8000000000000, 0x7FF0000000000001, 0x7FF4000000000000, 0xFFF8000000000123]}[f.itemsize]
        a = np.concatenate([np.array(v, "f8").astype(f), np.array(nans, bits).view(f),
                            (rng.normal(size=16) * 10.0 ** rng.integers(-5, 12, 16)).astype(f)])
    else:
        i = np.iinfo(np.dtype(base))
        v = [1, 2, i.max, i.max - 1, i.min, i.min + 1, 127, 128, 255, 256, 2049, 65519, 65520, 2**24 + 1, 2**31,
             2**32 - 1, 2**53 + 1, 2**63 - 1, 2**64 - 1]
        v = [0] + sorted({x for x in v + [-x for x in v] if i.min <= x <= i.max})
        a = np.concatenate([np.array(v, base), rng.integers(i.min, i.max, 16, dtype=base, endpoint=True)])
    a = np.concatenate([a, a[: (3 - 2 * len(a)) % 4], a])
    return a.astype(t)


def arrays():
    return [(f"quantize_{t}", specials("<" + t)) for t in ("f2", "f4", "f8")] + [
        ("quantize_f4_be", specials(">f4")), ("quantize_f2_be", specials(">f2"))]


def configs():
    out = []
    for d in ("f2", "f4", "f8"):
        for a in ("f2", "f4", "f8"):
            for digits in (1, 3):
                out.append(({"id": "quantize", "digits": digits, "dtype": "<" + d, "astype": "<" + a}, None, False,
                            [f"quantize_{d}"]))
        for digits in (-1, 0, 5, 10, 17, 307):
            out.append(({"id": "quantize", "digits": digits, "dtype": "<" + d}, None, False, [f"quantize_{d}"]))
    out.append(({"id": "quantize", "digits": 2, "dtype": ">f4", "astype": "<f8"}, None, False, ["quantize_f4_be"]))
    out.append(({"id": "quantize", "digits": 2, "dtype": ">f2", "astype": ">f2"}, None, False, ["quantize_f2_be"]))
    out.append(({"id": "quantize", "digits": 4, "dtype": "<f8"}, None, True,
                ["f8_walk_50k", "f8_walk_3MiB"]))
    out.append(({"id": "quantize", "digits": 2, "dtype": "<f4"}, None, False, ["f4_sparse_30k"]))
    # Float digits: numcodecs only computes 10.0 ** -digits with them (2.5 -> scale 1024).
    for d in ("f2", "f4", "f8"):
        for digits in (2.5, 2.0, -1.5, 0.3):
            out.append(({"id": "quantize", "digits": digits, "dtype": "<" + d}, None, False, [f"quantize_{d}"]))
    out.append(({"id": "quantize", "digits": 3.7, "dtype": "<f8", "astype": "<f4"}, None, True, ["f8_walk_50k"]))
    return out
