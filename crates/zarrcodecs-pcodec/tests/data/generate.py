# Writes tests/data/numcodecs-0.15.2.json with numcodecs 0.15.2 and pcodec 0.3.6
# (the venv of `cargo xtask venv`): python generate.py > numcodecs-0.15.2.json
import json, numpy as np, numcodecs, pcodec
from numcodecs import PCodec
rng = np.random.default_rng(10)
n = 300
base = {
 "walk": np.cumsum(rng.normal(size=n)),
 "ramp": np.arange(n) * 3 + (np.arange(n) % 5),
 "mult": np.round(rng.normal(size=n) * 100) / 10,
 "rand": rng.integers(0, 60000, size=n),
}
inputs = []
for dt in ['<u2','<u4','<u8','<i2','<i4','<i8','<f2','<f4','<f8']:
    for name, a in base.items():
        if dt[1] in 'ui' and name in ('walk', 'mult'):
            a = np.abs(a * 10)
        if dt[1] == 'f' and name == 'rand':
            a = a / 7
        inputs.append((f"{dt}-{name}", a.astype(dt)))
configs = [
 {}, dict(level=0), dict(level=3), dict(level=12), dict(mode_spec="classic"), dict(delta_spec="none"),
 dict(delta_spec="try_lookback"), dict(delta_spec="try_consecutive", delta_encoding_order=2),
 dict(delta_encoding_order=1), dict(delta_spec="try_consecutive", delta_encoding_order=0), dict(equal_pages_up_to=100),
 dict(equal_pages_up_to=1), dict(level=5, mode_spec="classic", delta_spec="try_consecutive", delta_encoding_order=7, equal_pages_up_to=333),
]
cases = []
for i, (name, a) in enumerate(inputs):
    for j, kw in enumerate(configs):
        if (i + j) % 4 and kw:  # every input with the default config; a third of the rest
            continue
        c = PCodec(**kw)
        e = c.encode(a)
        d = c.decode(e)
        assert d.dtype == a.dtype and np.array_equal(d, a, equal_nan=True)
        cases.append({"input": name, "config": c.get_config(), "encoded": bytes(e).hex()})
e = PCodec().encode(np.zeros(0, '<f8'))
cases.append({"input": "empty", "config": PCodec().get_config(), "encoded": bytes(e).hex()})
doc = {"generated_by": f"numcodecs {numcodecs.__version__}, pcodec {pcodec.__version__ if hasattr(pcodec,'__version__') else '0.3.6'} (Python 3.11): seeded arrays (numpy default_rng(10)), 300 numbers each; encoded = PCodec(**config).encode(input)", "inputs": {**{name: {"dtype": a.dtype.str, "hex": a.tobytes().hex()} for name, a in inputs}, "empty": {"dtype": "<f8", "hex": ""}}, "cases": cases}
json.dump(doc, open("/work/main/crates/zarrcodecs-pcodec/tests/data/numcodecs-0.15.2.json", "w"), indent=1)
print(len(cases))
