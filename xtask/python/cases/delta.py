"""zarrcodecs-delta: differences in dtype, cast to astype (numpy's casting), cumulative
sums in the promoted type of dtype and astype; complex per part, timedelta64 with NaT
absorbing. Arrays of special values of every dtype
(starting with 0, since numcodecs' `enc[0] = arr[0]` raises when the first element does
not fit a signed astype) with several astypes, both byte orders, a |u1 buffer."""
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


def bools():
    """Seeded bools with runs, and raw bytes other than 0 and 1 (numpy's True too)."""
    rng = np.random.default_rng(11)
    raw = np.repeat(rng.integers(0, 2, 300), rng.integers(1, 5, 300)).astype("u1")
    raw[::17] = 2
    raw[::29] = 255
    return raw.view("|b1")


def complexes(t):
    """Complex values of numpy type t: the special values of its float parts, the
    imaginary parts in reverse order (0 first, so the first element fits any astype)."""
    re = specials(t[0] + ("f4" if t.endswith("c8") else "f8"))
    return (re.astype(complex) + 1j * re[::-1].astype(complex)).astype(t)


def arrays():
    return [(f"delta_{t}", specials("<" + t)) for t in TYPES] + [
        ("delta_f8_be", specials(">f8")), ("delta_i4_be", specials(">i4")), ("delta_b1", bools()),
        ("delta_c8", complexes("<c8")), ("delta_c16", complexes("<c16")), ("delta_c16_be", complexes(">c16")),
        ("delta_m8", specials("<i8").view("<m8[ns]")), ("delta_m8_be", specials(">i8").view(">m8[s]"))]


def configs():
    out = []
    for d in TYPES:
        for a in sorted({d, "i2", "u4", "f8"}):
            out.append(({"id": "delta", "dtype": "<" + d, "astype": "<" + a}, None, False, [f"delta_{d}"]))
    out.append(({"id": "delta", "dtype": ">f8", "astype": "<f4"}, None, False, ["delta_f8_be"]))
    out.append(({"id": "delta", "dtype": ">i4", "astype": ">i2"}, None, False, ["delta_i4_be"]))
    out.append(({"id": "delta", "dtype": "<f8"}, None, True, ["f8_walk_50k", "f8_2d_fortran", "f8_walk_3MiB"]))
    out.append(({"id": "delta", "dtype": "<i4", "astype": "<i2"}, None, False, ["i4_ramp_100k"]))
    out.append(({"id": "delta", "dtype": "<i4", "astype": "<i8"}, None, False, ["u1_random_1000"]))
    out.append(({"id": "delta", "dtype": "<u2", "astype": "|u1"}, None, False, ["u2_3d"]))
    # Bools (numcodecs' fixture corpus has |b1 to |b1): XOR to encode, a running OR (or
    # a numeric running sum cast to bool) to decode.
    for a in ("|b1", "|u1", "<i2", "<f8", ">f4"):
        out.append(({"id": "delta", "dtype": "|b1", "astype": a}, None, False, ["delta_b1"]))
    for d, name in (("<f8", "delta_f8"), ("<i4", "delta_i4"), ("|u1", "delta_u1"), (">f8", "delta_f8_be")):
        out.append(({"id": "delta", "dtype": d, "astype": "|b1"}, None, False, [name]))
    # Complex: per part, casts to a real type keep the real part (to bool: either part
    # non-zero); timedelta64 of one unit: int64 arithmetic in which NaT absorbs.
    for d, a, name in (("<c8", "<c8", "delta_c8"), ("<c8", "<c16", "delta_c8"), ("<c16", "<c8", "delta_c16"),
                       ("<c16", "<c16", "delta_c16"), ("<c16", "<f8", "delta_c16"), ("<c16", "<i4", "delta_c16"),
                       ("<c8", "|b1", "delta_c8"), (">c16", "<c8", "delta_c16_be"), ("<f8", "<c16", "delta_f8"),
                       ("<i4", "<c8", "delta_i4"), ("|b1", "<c8", "delta_b1"), ("<f2", ">c16", "delta_f2"),
                       ("<m8[ns]", "<m8[ns]", "delta_m8"), (">m8[s]", "<m8[s]", "delta_m8_be")):
        out.append(({"id": "delta", "dtype": d, "astype": a}, None, False, [name]))
    return out
