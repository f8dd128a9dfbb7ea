"""What the filter fixtures of zarrcodecs-astype, -delta, -fixedscaleoffset and -quantize
share: special values of every numeric type (NaN payloads, infinities, subnormals, -0.0,
integer limits, .5 rounding boundaries, values out of every target's range), numcodecs'
checks on them, and the fixture document. Each crate's tests/data/generate.py imports it."""
import json
import sys
import warnings

import numcodecs
import numpy as np

warnings.simplefilter("ignore")
TYPES = ["i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f2", "f4", "f8"]


def float_specials(t):
    f = np.dtype(t)
    info = np.finfo(f)
    v = [0.0, -0.0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, 1.9, -1.9, 255.5, 256.5,
         np.inf, -np.inf, float(info.max), -float(info.max), float(info.tiny), float(info.smallest_subnormal),
         -float(info.smallest_subnormal), float(info.eps)]
    for p in (7, 8, 15, 16, 31, 32, 63, 64):
        for d in (-1.0, 0.0, 1.0):
            v += [2.0**p + d * 2.0 ** max(p - 20, 0), -(2.0**p) - d * 2.0 ** max(p - 20, 0)]
    v += [65504.0, 65519.0, 65520.0, 1 + 2.0**-11, 1 + 2.0**-11 + 2.0**-40, 5e9, -5e9, 3e9, -3e9, 1e19, 1e300,
          6e-8, 2.98023223876953125e-08, 1e-300, 1e-40, 300.0, -300.0, 70000.0, -70000.0, 0.125, 1234.5678,
          -0.0001234, 3.14159]
    a = np.array(v, "f8").astype(f)
    bits = {2: "u2", 4: "u4", 8: "u8"}[f.itemsize]
    nans = {2: [0x7E00, 0x7C01, 0x7D00, 0xFE01, 0x7FFF],
            4: [0x7FC00000, 0x7F800001, 0x7FA00000, 0xFFC00123, 0x7F802000],
            8: [0x7FF8000000000000, 0x7FF0000000000001, 0x7FF4000000000000, 0xFFF8000000000123, 0x7FF0040000000000]}
    nan = np.array(nans[f.itemsize], bits).view(f)
    rng = np.random.default_rng(5)
    rand = (rng.normal(size=16) * 10.0 ** rng.integers(-5, 12, 16)).astype(f)
    return np.concatenate([a, nan, rand])


def int_specials(t):
    i = np.iinfo(np.dtype(t))
    v = [0, 1, 2, 3, i.max, i.max - 1, i.min, i.min + 1, 127, 128, 255, 256, 2049, 2051, 4097, 65504, 65519, 65520,
         2**24 + 1, 2**31, 2**32 - 1, 2**53 + 1, 2**63 - 1, 2**63 + 2**11 - 1, 2**64 - 1]
    v += [-x for x in v]
    v = sorted({x for x in v if i.min <= x <= i.max})
    rng = np.random.default_rng(6)
    return np.concatenate([np.array(v, t), rng.integers(i.min, i.max, 16, dtype=t, endpoint=True)])


def specials(t):
    """Special values of numpy type t (either byte order), repeated so each appears in
    numpy's vectorised loop and in its n % 4 tail (the length is 3 mod 4)."""
    base = t.lstrip("<>|=")
    a = float_specials(base) if base[0] == "f" else int_specials(base)
    n = len(a)
    pad = (3 - (2 * n) % 4) % 4
    return np.concatenate([a, a[:pad], a]).astype(t)


def short(t):
    """A shorter array of special values (every third, at least 19, length 3 mod 4)."""
    a = specials(t)
    a = a[: len(a) // 2][::3]
    return a[: len(a) - (len(a) - 3) % 4]


def check(op, inp, out):
    return {"op": op, "input": inp.tobytes().hex(), "input_dtype": inp.dtype.str, "input_shape": list(inp.shape),
            "output": out.tobytes().hex(), "output_dtype": out.dtype.str, "output_shape": list(out.shape)}


def case(config, arr, decode_inputs=()):
    """numcodecs' encoding of arr, its decoding of that, and its decoding of each
    array in decode_inputs."""
    codec = numcodecs.get_codec(config)
    checks = []
    if arr is not None:
        try:
            enc = codec.encode(arr)
        except (OverflowError, ValueError) as e:
            # numcodecs refuses this input: so must we.
            checks.append({"op": "encode", "input": arr.tobytes().hex(), "input_dtype": arr.dtype.str,
                           "input_shape": list(arr.shape), "error": type(e).__name__})
        else:
            checks += [check("encode", arr, enc), check("decode", enc, codec.decode(enc))]
    for d in decode_inputs:
        checks.append(check("decode", d, codec.decode(d)))
    return {"config": codec.get_config(), "checks": checks}


def dump(name, cases):
    json.dump({"generated_by": f"numcodecs {numcodecs.__version__} (numpy {np.__version__}): "
               f"crates/zarrcodecs-{name}/tests/data/generate.py", "cases": cases}, sys.stdout, indent=0)
