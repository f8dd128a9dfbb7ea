"""The lzma codec (zarrcodecs-lzma, on the xz 5.8.4 liblzma-sys bundles): Python's `lzma` module over the system liblzma."""

import lzma

EXTREME = lzma.PRESET_EXTREME


def _c(format=1, check=-1, preset=None, filters=None):
    return {"id": "lzma", "format": format, "check": check, "preset": preset, "filters": filters}


def configs():
    delta_lzma2 = [{"id": lzma.FILTER_DELTA, "dist": 4}, {"id": lzma.FILTER_LZMA2, "preset": 1}]
    out = [
        # The default, also in its short form; the big array once, here.
        (_c(), None, True),
        ({"id": "lzma"}, None, False),
    ]
    # Every valid format x check (raw needs filters).
    for check in (0, 1, 4, 10):
        out.append((_c(check=check, preset=1), None, False))
    for check in (-1, 0):
        out.append((_c(format=2, check=check, preset=1), None, False))
        out.append((_c(format=3, check=check, filters=[{"id": lzma.FILTER_LZMA2, "preset": 1}]), None, False))
    for preset in (0, 1, 6, 9, 9 | EXTREME):
        out.append((_c(preset=preset), None, False))
    out.append((_c(format=2, preset=0 | EXTREME), None, False))
    # Filter chains. numcodecs cannot decode its own .xz/.lzma with filters (Python's
    # lzma.decompress refuses filters outside FORMAT_RAW); the Rust side decodes them.
    out.append((_c(format=1, filters=delta_lzma2), None, False))
    out.append((_c(format=3, filters=delta_lzma2), None, False))
    out.append((_c(format=2, filters=[{"id": lzma.FILTER_LZMA1, "preset": 1, "lc": 0, "lp": 2, "pb": 2}]), None, False))
    out.append((_c(format=3, filters=[{"id": lzma.FILTER_LZMA1, "preset": 2}]), None, False))
    out.append((_c(format=1, check=1, filters=[{"id": lzma.FILTER_X86}, {"id": lzma.FILTER_LZMA2, "preset": 1}]), None, False))
    out.append((_c(format=3, filters=[
        {"id": lzma.FILTER_DELTA, "dist": 8},
        {"id": lzma.FILTER_LZMA2, "preset": 6 | EXTREME, "dict_size": 1 << 16, "lc": 1, "lp": 1, "pb": 1,
         "mode": lzma.MODE_FAST, "nice_len": 64, "mf": lzma.MF_HC4, "depth": 8},
    ]), None, False))
    return out
