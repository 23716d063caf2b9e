"""Split data already in memory, with the reference package's call shape.

``partition(X, y, test_size=0.2, data_type='tabular', return_indices=False)`` takes what
``BenchMake().partition`` takes and returns what it returns, with two differences: the
pieces keep the caller's types (a DataFrame keeps its index), and indices are the caller's
own row positions, not positions in a hash-sorted order. The split is the one ``benchmake
split`` makes of a file holding the same numbers.

>>> import numpy as np
>>> X = np.random.default_rng(0).random((50, 3))
>>> y = np.arange(50)
>>> X_train, X_test, y_train, y_test = partition(X, y, test_size=0.2)
>>> X_train.shape, X_test.shape, y_test.shape
((40, 3), (10, 3), (10,))
>>> train, test = partition(X, y, test_size=0.2, return_indices=True)
>>> len(train), len(test), sorted(train + test) == list(range(50))
(40, 10, True)
>>> bool((X[test] == X_test).all()) and bool((y[test] == y_test).all())
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..encode import EncodeOptions, encode_table
from ..encode.characters import character_counts
from ..errors import DataError, ParameterError
from ..formats import ReadOptions
from ..formats.table import Table
from ..method.registry import DEFAULT_METHOD, get_method
from ..method.split import DEFAULT_SEED, DEFAULT_TOL, SplitParameters
from ..pipeline.whole import Prepared, compute_split
from ..request import suggest_keywords

DATA_TYPES = ("tabular", "image", "sequential", "signal", "graph")
#: this API's names of the core's parameters, for its error messages
API_NAMES = {name: name for name in ("method", "iterations", "tol", "seed", "device", "threads")}
API_NAMES["frac"] = "test_size"
MEMORY = Path("X")  #: how messages name in-memory data ("X: row 3, column 'a': ...")


@suggest_keywords
def partition(
    X: Any,
    y: Any = None,
    test_size: float = 0.2,
    data_type: str = "tabular",
    return_indices: bool = False,
    *,
    method: str = DEFAULT_METHOD,
    iterations: int | None = None,
    tol: float = DEFAULT_TOL,
    seed: int = DEFAULT_SEED,
    device: str = "auto",
    threads: int | None = None,
) -> tuple[Any, Any, Any, Any] | tuple[list[int], list[int]]:
    """Split ``X`` (and ``y``, carried along, never used) into train and test.

    ``X`` by ``data_type``:

    * ``tabular`` and ``graph`` (a node-feature matrix): a DataFrame (numeric columns as
      they are, text columns one-hot encoded), a 2-D array, or a list of rows;
    * ``image`` and ``signal``: an array of shape n × ... (flattened to one row per sample);
    * ``sequential``: a list, array or Series of strings (character counts).

    Returns ``(X_train, X_test, y_train, y_test)`` in the types given (NumPy arrays, pandas
    objects with their index, lists), or with ``return_indices`` the lists
    ``(train_indices, test_indices)`` of 0-based positions in ``X``, ascending.

    Parameters
    ----------
    X : DataFrame, Series, array or list
        The data, by ``data_type`` as above.
    y : array-like, optional
        Labels, one per row of ``X``: carried along, never used to split.
    test_size : float
        Fraction of rows for the test set, 0 < test_size < 1.
    data_type : str
        ``tabular``, ``image``, ``sequential``, ``signal`` or ``graph``.
    return_indices : bool
        Return ``(train_indices, test_indices)`` instead of the pieces.
    method : str
        One of ``benchmake split --method``'s: ``benchmake-cli`` (the default),
        ``benchmake-1.1.2`` or ``benchmake-hull``.
    iterations : int, optional
        Most iterations, 1 to 100000 (default: the method's own, 200, 200 or 20).
    tol : float
        Early-stopping tolerance, at least 0 (0: run every iteration).
    seed : int
        Seed of the NMF initialisation, 0 to 2**32 - 1.
    device : str
        ``auto``, ``cpu`` or ``gpu``.
    threads : int, optional
        CPU threads, at least 1 (default: all available).

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"a": range(20), "b": [i * i % 7 for i in range(20)]},
    ...                      index=[f"r{i}" for i in range(20)])
    >>> X_train, X_test, y_train, y_test = partition(frame, None, test_size=0.25)
    >>> type(X_test).__name__, len(X_test), y_test is None, list(X_test.index[:2])
    ('DataFrame', 5, True, ['r1', 'r3'])
    >>> train, test = partition(["CCO", "CCN", "c1ccccc1", "CC(=O)O", "C"] * 2, None,
    ...                         test_size=0.2, data_type="sequential", return_indices=True)
    >>> test
    [1, 3]
    >>> _, hull_test = partition(frame, None, test_size=0.25, method="benchmake-hull",
    ...                          return_indices=True)
    >>> len(hull_test)
    5
    """
    try:
        chosen = get_method(method)
    except ParameterError as error:
        raise error.naming(API_NAMES) from None
    n = _count(X)
    if y is not None and _count(y) != n:
        raise ParameterError(f"y has {_count(y)} items but X has {n} rows; give one label per row")
    table = Table(path=MEMORY, format="memory", **_as_table_data(X, data_type))
    prepared = Prepared(
        table=table,
        encoded=encode_table(table, EncodeOptions()),
        read_options=ReadOptions(),
        encode_options=EncodeOptions(),
    )
    params = SplitParameters(
        frac=test_size, iterations=chosen.iterations(iterations), tol=tol, seed=seed
    )
    try:
        split = compute_split(prepared, params, chosen, device=device, threads=threads)
    except ParameterError as error:
        raise error.naming(API_NAMES) from None
    train, test = prepared.encoded.rows[split.train], prepared.encoded.rows[split.test]
    if return_indices:
        return train.tolist(), test.tolist()
    return _take(X, train), _take(X, test), _take(y, train), _take(y, test)


def _count(data: Any) -> int:
    return len(data) if not hasattr(data, "shape") else int(data.shape[0])


def _as_table_data(X: Any, data_type: str) -> dict[str, Any]:
    """The ``frame`` or ``array`` of a :class:`Table` holding ``X`` as ``data_type``."""
    if data_type not in DATA_TYPES:
        raise ParameterError(f"data_type {data_type!r} is not one of {', '.join(DATA_TYPES)}")
    if data_type == "sequential":
        if isinstance(X, pd.DataFrame) or (isinstance(X, np.ndarray) and X.ndim != 1):
            raise DataError("sequential data is one string per row: a list, 1-D array or Series")
        counts, _alphabet = character_counts(list(X))
        return {"array": counts}
    if isinstance(X, pd.DataFrame):
        return {"frame": X.copy(deep=False)}  # encoding renames columns; the caller's stay
    if isinstance(X, pd.Series):
        return {"frame": X.to_frame().copy(deep=False)}
    if isinstance(X, (list, tuple)) and data_type in ("tabular", "graph"):
        return {"frame": pd.DataFrame(list(X))}
    array = np.asarray(X)
    if array.ndim == 0 or array.shape[0] == 0:
        raise DataError(f"X holds no rows (shape {array.shape})")
    if data_type == "image" and array.ndim < 2:
        raise DataError(f"image data has shape n x h x w[x c] or n x pixels, not {array.shape}")
    if array.dtype.kind not in "biuf":
        return {"frame": pd.DataFrame(array.reshape(array.shape[0], -1))}
    return {"array": array}


def _take(data: Any, rows: np.ndarray) -> Any:
    """The given rows of ``data``, in its own type."""
    if data is None:
        return None
    if isinstance(data, (pd.DataFrame, pd.Series)):
        return data.iloc[rows]
    if isinstance(data, (list, tuple)):
        return type(data)(data[int(i)] for i in rows)
    return data[rows]
