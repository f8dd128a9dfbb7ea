# Writes tests/data/numcodecs-0.15.2.json (the path is in the last lines) with
# numcodecs 0.15.2 and zfpy 1.0.1, from the venv of `cargo xtask venv`.
import json, numpy as np, numcodecs, zfpy
from numcodecs import ZFPY
rng = np.random.default_rng(11)
def smooth(shape):
    grids = np.meshgrid(*[np.linspace(0, 3, s) for s in shape], indexing="ij")
    return sum(np.sin(g * (i + 1)) for i, g in enumerate(grids)) + rng.normal(size=shape) * 0.01
inputs = [
 ("f8_1d", smooth((37,)).astype("<f8")),
 ("f4_2d", smooth((9, 13)).astype("<f4")),
 ("f8_3d", smooth((5, 6, 7)).astype("<f8")),
 ("f4_4d", smooth((3, 4, 5, 2)).astype("<f4")),
 ("i4_2d", (smooth((8, 11)) * 1000).astype("<i4")),
 ("i8_1d", (np.cumsum(rng.integers(-50, 50, 40))).astype("<i8")),
 ("i4_3d", rng.integers(-2**20, 2**20, (3, 5, 4)).astype("<i4")),
 ("f8_one", np.array([3.25])),
]
configs = [
 {}, dict(mode=4, tolerance=0.01), dict(mode=4, tolerance=0), dict(mode=4, tolerance=1e-6),
 dict(mode=2, rate=8), dict(mode=2, rate=4.5), dict(mode=2, rate=-1), dict(mode=3, precision=10),
 dict(mode=3, precision=0), dict(mode=3, precision=-1), dict(mode=4, tolerance=-1.0),
]
cases = []
for i, (name, a) in enumerate(inputs):
    for j, kw in enumerate(configs):
        c = ZFPY(**kw)
        e = c.encode(a)
        d = c.decode(e)
        assert d.dtype == a.dtype and d.shape == a.shape
        cases.append({"input": name, "config": c.get_config(), "encoded": bytes(e).hex(), "decoded": d.tobytes().hex()})
doc = {"generated_by": f"numcodecs {numcodecs.__version__}, zfpy 1.0.1 (zfp 1.0.1, Python 3.11): seeded arrays (numpy default_rng(11)); encoded = ZFPY(**config).encode(input), decoded = ZFPY().decode(encoded)",
       "inputs": {name: {"dtype": a.dtype.str, "shape": list(a.shape), "hex": a.tobytes().hex()} for name, a in inputs},
       "cases": cases}
json.dump(doc, open("/work/main/crates/zarrcodecs-zfpy/tests/data/numcodecs-0.15.2.json", "w"), indent=1)
print(len(cases))
