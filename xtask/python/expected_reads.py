"""What the zarr writers of the tests share: the whole array and a region as zarr reads
them, for the Rust whole-array reader (`read::ArrayReader`, `numcodecs read`)."""

import os

import numpy as np


def save_reads(root, name, z, entry):
    """The whole array and one region as zarr reads them (z[...]), for the Rust
    whole-array reader: entry gets "whole", "region" ([start, stop] per axis) and
    "region_expected"."""
    region = [[s // 3, s - s // 4] for s in z.shape]
    for key, sel in [("whole", Ellipsis), ("region_expected", tuple(slice(a, b) for a, b in region))]:
        data = np.ascontiguousarray(z[sel])
        if data.dtype.names is not None:
            data = data.view(f"V{data.dtype.itemsize}")
        entry[key] = os.path.join("expected", name, key + ".npy")
        np.save(os.path.join(root, entry[key]), data)
    entry["region"] = region

