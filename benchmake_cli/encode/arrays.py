"""Flattening arrays of samples: what images, array signals and rank > 2 tables share."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import DataError


def flatten_samples(path: Path, array: np.ndarray) -> np.ndarray:
    """``array`` (n × ...) as float64 n × (product of the other dimensions), row-major (C
    order, last dimension fastest); NaN and infinite values are refused, naming the sample.

    >>> flatten_samples(Path("x.npy"), np.arange(8, dtype=np.uint8).reshape(2, 2, 2))
    array([[0., 1., 2., 3.],
           [4., 5., 6., 7.]])
    """
    X = np.ascontiguousarray(array.reshape(array.shape[0], -1), dtype=np.float64)
    check_finite(path, X, array.shape[1:])
    return X


def check_finite(
    path: Path, X: np.ndarray, shape: tuple[int, ...], names: list[str] | None = None
) -> None:
    """Refuse NaN and infinite values, naming the first sample and its position."""
    bad = ~np.isfinite(X)
    if bad.any():
        row, column = (int(v) for v in np.argwhere(bad)[0])
        where = names[row] if names is not None else f"sample {row}"
        position = np.unravel_index(column, shape) if shape else (column,)
        raise DataError(
            f"{path}: {where}, position {tuple(int(p) for p in position)}: "
            f"value {X[row, column]} is not finite"
        )
