"""Writes the known-answer fixtures of zarrcodecs-checksum32 and zarrcodecs-base64 with
Python numcodecs (0.15.2, from PyPI, with the crc32c package):

    python generate.py checksum32 > numcodecs-0.15.2.json
    python generate.py base64 > ../../../zarrcodecs-base64/tests/data/numcodecs-0.15.2.json

jenkins_lookup3's prefix is written as a list of byte values (numcodecs' get_config()
returns a numpy array, which JSON cannot hold) and passed to Python as bytes.
"""

import json, sys
import numpy as np, numcodecs
from numcodecs import CRC32, CRC32C, Adler32, Fletcher32, JenkinsLookup3, Base64
inputs = {
    "empty": b"",
    "abcde": b"abcde",
    "ramp_1001": bytes((i * 7 + 3) % 256 for i in range(1001)),
    "i4_200": (np.arange(200, dtype="<i4") % 37 - 5).tobytes(),
    "ff_1442": b"\xff" * 1442,
}
def codecs():
    for cls in (CRC32, CRC32C, Adler32):
        yield {"id": cls.codec_id}, cls()
        for loc in ("start", "end"):
            yield {"id": cls.codec_id, "location": loc}, cls(location=loc)
    yield {"id": "fletcher32"}, Fletcher32()
    for initval in (0, 12345, 2**32 - 1):
        yield {"id": "jenkins_lookup3", "initval": initval, "prefix": None}, JenkinsLookup3(initval=initval)
    for initval, prefix in ((0, b"abc"), (12345, bytes(range(20))), (7, b"")):
        yield ({"id": "jenkins_lookup3", "initval": initval, "prefix": list(prefix)},
               JenkinsLookup3(initval=initval, prefix=prefix))
which = sys.argv[1]
cases = []
if which == "checksum32":
    for config, codec in codecs():
        for name, data in inputs.items():
            try:
                enc = bytes(codec.encode(np.frombuffer(data, dtype="u1")))
            except Exception as e:
                cases.append({"config": config, "input": name, "python_error": type(e).__name__})
                continue
            assert bytes(codec.decode(enc)) == data
            cases.append({"config": config, "input": name, "encoded": enc.hex()})
else:
    for name, data in inputs.items():
        enc = bytes(Base64().encode(np.frombuffer(data, dtype="u1")))
        cases.append({"config": {"id": "base64"}, "input": name, "encoded": enc.hex()})
out = {"generated_by": f"numcodecs {numcodecs.__version__} (Python {sys.version.split()[0]}, numpy {np.__version__}): "
       f"crates/zarrcodecs-checksum32/tests/data/generate.py {which}",
       "inputs": {k: v.hex() for k, v in inputs.items()}, "cases": cases}
json.dump(out, sys.stdout, indent=1)
