"""zarrcodecs-astype: numpy's astype between integer and float dtypes, bit for bit,
including numpy's x86_64 results for NaN, infinities and out-of-range values (which for
f4/f8 -> u4 depend on the element's position: numpy's n % 4 tail loop differs). Every
source type is cast to a spread of targets over arrays of special values, in both byte
orders; the 3 MiB walk goes f8 -> f4 -> f8.

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


def complex_specials(t):
    """Complex values: the component type's specials as real parts, reversed as imaginary parts."""
    re = specials(t[0] + {"c8": "f4", "c16": "f8"}[t[1:]])
    out = np.zeros(len(re), dtype=t)
    out.real = re
    out.imag = re[::-1]
    return out


def time_counts(t):
    """datetime64/timedelta64 counts: 0, +-1, NaT, the int64 limits, then seeded random values."""
    rng = np.random.default_rng(5)
    v = np.array([0, 1, -1, -2**63, 2**63 - 1, 86400, -86401], "i8")
    return np.concatenate([v, rng.integers(-2**62, 2**62, 20, dtype="i8")]).astype(t[0] + "i8").view(t)


def arrays():
    return [(f"astype_{t}", specials("<" + t)) for t in TYPES] + [
        ("astype_f8_be", specials(">f8")), ("astype_i2_be", specials(">i2")), ("astype_f2_be", specials(">f2")),
        ("astype_c8", complex_specials("<c8")), ("astype_c16_be", complex_specials(">c16")),
        ("astype_M8s", time_counts("<M8[s]")), ("astype_m8ns_be", time_counts(">m8[ns]"))]


def configs():
    out = []
    for s in TYPES:
        for d in ("i1", "u2", "u4", "u8", "f2", "f8"):
            if d != s:
                out.append(({"id": "astype", "encode_dtype": "<" + d, "decode_dtype": "<" + s}, None, False,
                            [f"astype_{s}"]))
    out.append(({"id": "astype", "encode_dtype": ">u4", "decode_dtype": ">f8"}, None, False, ["astype_f8_be"]))
    out.append(({"id": "astype", "encode_dtype": "<f4", "decode_dtype": ">i2"}, None, False, ["astype_i2_be"]))
    out.append(({"id": "astype", "encode_dtype": ">i8", "decode_dtype": ">f2"}, None, False, ["astype_f2_be"]))
    out.append(({"id": "astype", "encode_dtype": "<f4", "decode_dtype": "<f8"}, None, True,
                ["f8_walk_50k", "u1_random_1000", "f8_walk_3MiB"]))
    out.append(({"id": "astype", "encode_dtype": "<i2", "decode_dtype": "<i4"}, None, False, ["i4_ramp_100k"]))
    # Bool: non-zero (NaN included, -0.0 not) is True; bools cast to 0 or 1.
    for s in ("f8", "f2", "i4", "u1"):
        out.append(({"id": "astype", "encode_dtype": "|b1", "decode_dtype": "<" + s}, None, False, [f"astype_{s}"]))
    out.append(({"id": "astype", "encode_dtype": "|b1", "decode_dtype": ">f8"}, None, False, ["astype_f8_be"]))
    # Complex: the real part is cast (numpy's ComplexWarning); from reals the imaginary part is 0.
    for d in ("<f8", "<i4", "<u4", "|b1", ">c8", "<f2"):
        out.append(({"id": "astype", "encode_dtype": d, "decode_dtype": "<c8"}, None, False, ["astype_c8"]))
    out.append(({"id": "astype", "encode_dtype": "<u8", "decode_dtype": ">c16"}, None, False, ["astype_c16_be"]))
    out.append(({"id": "astype", "encode_dtype": "<c16", "decode_dtype": "<f4"}, None, False, ["astype_f4"]))
    # datetime64/timedelta64: counts cast as int64; between units, rescaled.
    for d in ("<i8", "<f8", "<i4", "<M8[ms]", "<m8[s]", "<c16"):
        out.append(({"id": "astype", "encode_dtype": d, "decode_dtype": "<M8[s]"}, None, False, ["astype_M8s"]))
    out.append(({"id": "astype", "encode_dtype": "<m8[7us]", "decode_dtype": ">m8[ns]"}, None, False,
                ["astype_m8ns_be"]))
    out.append(({"id": "astype", "encode_dtype": "<M8[s]", "decode_dtype": "<f8"}, None, False, ["astype_f8"]))
    return out
