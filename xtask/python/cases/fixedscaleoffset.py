"""zarrcodecs-fixedscaleoffset: (x - offset) * scale rounded half to even, with numpy 2's
promotion of Python int and float offsets and scales (NEP 50), then numpy's cast to
astype; decode x / scale + offset. Special values of every dtype, int and float
parameters, both byte orders; bool and complex data."""
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


def complexes(t):
    """Complex values of numpy type t: the special values of its float parts, the
    imaginary parts in reverse order."""
    re = specials(t[0] + ("f4" if t.endswith("c8") else "f8"))
    return (re.astype(complex) + 1j * re[::-1].astype(complex)).astype(t)


def bools():
    """Seeded bools, with raw bytes other than 0 and 1 (numpy's True too)."""
    raw = np.random.default_rng(12).integers(0, 2, 1001).astype("u1")
    raw[::13] = 2
    raw[::31] = 255
    return raw.view("|b1")


def arrays():
    return [(f"fixedscaleoffset_{t}", specials("<" + t)) for t in TYPES] + [
        ("fixedscaleoffset_f8_be", specials(">f8")), ("fixedscaleoffset_u2_be", specials(">u2")),
        ("fixedscaleoffset_linspace", np.linspace(1000, 1001, 10, dtype="<f8")),
        ("fixedscaleoffset_b1", bools()), ("fixedscaleoffset_c8", complexes("<c8")),
        ("fixedscaleoffset_c16", complexes("<c16")), ("fixedscaleoffset_c16_be", complexes(">c16"))]


def configs():
    out = []
    for d in TYPES:
        name = [f"fixedscaleoffset_{d}"]
        for offset, scale, a in [(3, 2.5, d), (3, 2.5, "i4"), (0.5, 0.1, d), (7, 3, d)]:
            out.append(({"id": "fixedscaleoffset", "scale": scale, "offset": offset, "dtype": "<" + d,
                         "astype": "<" + a}, None, False, name))
    out.append(({"id": "fixedscaleoffset", "scale": 100, "offset": 2.5, "dtype": ">f8", "astype": ">i4"}, None,
                False, ["fixedscaleoffset_f8_be"]))
    out.append(({"id": "fixedscaleoffset", "scale": 3, "offset": 2, "dtype": ">u2", "astype": "<f4"}, None,
                False, ["fixedscaleoffset_u2_be"]))
    for scale, a in [(10, "|u1"), (10**2, "|u1"), (10**3, "<u2")]:
        out.append(({"id": "fixedscaleoffset", "scale": scale, "offset": 1000, "dtype": "<f8", "astype": a}, None,
                    False, ["fixedscaleoffset_linspace"]))
    out.append(({"id": "fixedscaleoffset", "scale": 1000, "offset": 0, "dtype": "<f8", "astype": "<i4"}, None,
                True, ["f8_walk_50k", "f8_2d_fortran", "f8_walk_3MiB"]))
    out.append(({"id": "fixedscaleoffset", "scale": 1, "offset": 0, "dtype": "<i4"}, None, False,
                ["i4_ramp_100k"]))
    # Bool data (bools minus an int are int64, minus a float float64) and complex data
    # (numpy's complex product and quotient, np.around per part).
    for offset, scale, a in [(1, 3, "|i1"), (0.5, 2, "<f8"), (3, 2.5, "|b1"), (-2, 7, "<c8"), (0, 1, "|b1")]:
        out.append(({"id": "fixedscaleoffset", "scale": scale, "offset": offset, "dtype": "|b1", "astype": a}, None,
                    False, ["fixedscaleoffset_b1"]))
    for d, offset, scale, a, name in [("<c8", 3, 2.5, "<c8", "c8"), ("<c8", 0.5, 0.1, "<c16", "c8"),
                                      ("<c16", 1000, 10, "<c16", "c16"), ("<c16", -2.5, 4, "<i4", "c16"),
                                      ("<c16", 3, 2.5, "<f4", "c16"), ("<c16", 3, 2.5, "|b1", "c16"),
                                      (">c16", 1, 0, "<c8", "c16_be"), ("<f8", 3, 2.5, "<c16", "f8"),
                                      ("<i4", 7, 3, "<c8", "i4"), ("<f8", 0.5, 0.1, "|b1", "f8")]:
        out.append(({"id": "fixedscaleoffset", "scale": scale, "offset": offset, "dtype": d, "astype": a}, None,
                    False, [f"fixedscaleoffset_{name}"]))
    return out
