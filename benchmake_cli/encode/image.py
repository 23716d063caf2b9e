"""Image encoding: pixels flattened to one row per image.

The row of an image is its pixel array (H × W for grey, H × W × C with channels last) in
row-major order, each value as float64 (uint8 images: 0 to 255, unscaled; scaling to [0, 1]
per feature is the method's own step). An image folder and an NPY/NPZ/HDF5 array holding
the same pixels give the same rows.
"""

from __future__ import annotations

import numpy as np

from ..formats.table import Table
from .arrays import flatten_samples
from .options import Encoded, EncodeOptions


def encode(table: Table, options: EncodeOptions) -> Encoded:
    """One row per image: the flattened pixel values."""
    assert table.array is not None
    array = table.array
    X = flatten_samples(table.path, array)
    shape = list(array.shape[1:])
    return Encoded(
        X=X,
        rows=np.arange(len(X)),
        feature_names=[str(i) for i in range(X.shape[1])],
        columns_used=["pixels"],
        parameters={
            "shape": shape,
            "pixel_values": f"{array.dtype} values as float64",
            "flatten": "row-major: height, width, channels last",
        },
    )
