"""Collects every codec configuration numcodecs' own test suite builds, for
benches/tests/numcodecs_configs.rs: each must build here too.

    python generate.py TESTS_PACKAGE OUT.json [WHERE_THE_TESTS_COME_FROM]

TESTS_PACKAGE is an importable package of numcodecs' tests: `numcodecs.tests` (the
0.15.2 wheel ships it; it needs pytest installed beside numcodecs) or `tests` with the
`tests/` directory of a numcodecs checkout on PYTHONPATH (newer wheels ship no tests).
Every test module's module-level lists of codec instances (`codecs = [...]` and the
like) and the codecs among its tests' `pytest.mark.parametrize` values are turned into `get_config()` dicts, as zarr writes them into `.zarray`, and
each is checked to rebuild through `numcodecs.get_codec`.
"""
import importlib
import json
import os
import pkgutil
import sys
import warnings

warnings.simplefilter("ignore")
os.environ["NUMCODECS_ALLOW_UNSAFE_PICKLE_DECODE"] = "1"

import numcodecs  # noqa: E402
from numcodecs.abc import Codec  # noqa: E402


def main(package, out, source):
    tests = importlib.import_module(package)
    configs, seen, skipped = [], set(), []
    for m in sorted(pkgutil.iter_modules(tests.__path__), key=lambda m: m.name):
        if not m.name.startswith("test_"):
            continue
        try:
            mod = importlib.import_module(f"{package}.{m.name}")
        except BaseException as e:  # noqa: BLE001 (pytest.skip at module level, a missing extra)
            if isinstance(e, KeyboardInterrupt):
                raise
            skipped.append(f"{m.name}: {type(e).__name__}: {e}")
            continue
        for attr in sorted(dir(mod)):
            value = getattr(mod, attr)
            found = []
            if isinstance(value, (list, tuple)) and value and all(isinstance(c, Codec) for c in value):
                found = list(value)  # a module-level list of codecs
            for mark in getattr(value, "pytestmark", []) if callable(value) else []:
                if mark.name == "parametrize" and len(mark.args) >= 2:
                    for v in mark.args[1]:  # codecs among a test's parameters
                        found += [c for c in (v if isinstance(v, (list, tuple)) else [v]) if isinstance(c, Codec)]
            for codec in found:
                config = codec.get_config()
                numcodecs.get_codec(dict(config))  # numcodecs builds what it wrote
                key = json.dumps(config, sort_keys=True)
                if key not in seen:
                    seen.add(key)
                    configs.append({"source": f"{m.name}.{attr}", "config": config})
    doc = {"numcodecs": numcodecs.__version__, "tests": source, "configs": configs}
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"{len(configs)} configs from numcodecs {numcodecs.__version__}'s tests", file=sys.stderr)
    for s in skipped:
        print(f"skipped {s}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) == 4 else f"the {sys.argv[1]} package")
