"""Choosing and joining the named arrays of an NPZ or HDF5 file (``--key``, ``--target-key``).

Several keys are joined in the order given along the first dimension, as in the MedMNIST
layout (``--key train_images,val_images,test_images``); the parts and their row counts are
recorded in the manifest. Split files name the joined array by the keys' common suffix
(``images``), or by the first key when they share none; labels likewise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DataError, ParameterError
from .spec import rows_within
from .table import Table

#: array name → (shape, dtype) of every array in the file
Inventory = dict[str, tuple[tuple[int, ...], np.dtype]]


def choose_keys(
    path: Path,
    inventory: Inventory,
    keys: Sequence[str] | None,
    option: str,
    *,
    exclude: Sequence[str] = (),
    groups: Sequence[str] = (),
    pickled: bool = False,
) -> list[str]:
    """The keys to read: those given, or the file's only array; refuse missing, ambiguous
    and non-numeric ones (``groups``: an HDF5 file's group names, named as such;
    ``pickled``: object arrays are pickles in this format, as in NPZ)."""
    listed = ", ".join(inventory) if inventory else "none"
    if keys is None:
        candidates = [k for k in inventory if k not in exclude and len(inventory[k][0]) > 0]
        if len(candidates) != 1:
            raise ParameterError(
                f"{path.name}: holds {len(candidates)} arrays; choose with {option}: {listed}"
            )
        keys = candidates
    for key in keys:
        if key not in inventory:
            if key in groups:
                raise ParameterError(
                    f"{option} {key!r}: is a group in {path.name}, not a dataset; "
                    f"datasets are: {listed}"
                )
            raise ParameterError(
                f"{option} {key!r}: no such array in {path.name}; arrays are: {listed}"
            )
        shape, dtype = inventory[key]
        if dtype.hasobject and pickled:
            raise DataError(
                f"{path}: array {key!r} holds Python objects (pickle); "
                "benchmake never loads pickles"
            )
        if dtype.kind not in "biuf":
            raise DataError(f"{path}: array {key!r} has dtype {dtype}, not numbers")
        if len(shape) == 0:
            raise DataError(f"{path}: array {key!r} is a single value, not rows of samples")
    if len(set(keys)) != len(keys):
        raise ParameterError(f"{option}: a key is named twice in {','.join(keys)}")
    return list(keys)


def join(
    path: Path, keys: list[str], load: Callable[[str], np.ndarray]
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Load and join arrays along the first dimension; return the array and its parts."""
    arrays = [load(key) for key in keys]
    for key, array in zip(keys[1:], arrays[1:], strict=True):
        if array.shape[1:] != arrays[0].shape[1:]:
            raise DataError(
                f"{path}: arrays {keys[0]!r} {tuple(arrays[0].shape)} and {key!r} "
                f"{tuple(array.shape)} differ beyond the first dimension and cannot be joined"
            )
    parts = [{"key": key, "rows": int(a.shape[0])} for key, a in zip(keys, arrays, strict=True)]
    joined = arrays[0] if len(arrays) == 1 else np.concatenate(arrays, axis=0)
    if joined.shape[0] == 0:
        raise DataError(f"{path}: {', '.join(keys)} hold no rows")
    return joined, parts


def check_labels(path: Path, data_parts: list[dict], label_parts: list[dict]) -> None:
    """Labels must have as many rows as the data, part by part when both are joined."""
    counts = [p["rows"] for p in data_parts]
    label_counts = [p["rows"] for p in label_parts]
    if sum(counts) != sum(label_counts) or (
        len(counts) == len(label_counts) and counts != label_counts
    ):
        raise DataError(
            f"{path}: --target-key rows {label_counts} do not match --key rows {counts}"
        )


def joined_name(keys: Sequence[str]) -> str:
    """The name split files give a joined array.

    >>> joined_name(["train_images", "val_images", "test_images"]), joined_name(["x", "y"])
    ('images', 'x')
    >>> joined_name(["data/images"])
    'data/images'
    """
    if len(keys) == 1:
        return keys[0]
    suffix = keys[0]
    for key in keys[1:]:
        while not key.endswith(suffix):
            suffix = suffix[1:]
    suffix = suffix.lstrip("_-./ ")
    return suffix or keys[0]


def read_keyed(
    path: Path,
    inventory: Inventory,
    load: Callable[[str], np.ndarray],
    keys: Sequence[str] | None,
    target_keys: Sequence[str] | None,
    groups: Sequence[str] = (),
    pickled: bool = False,
) -> tuple[np.ndarray, np.ndarray | None, dict[str, Any], dict[str, Any]]:
    """Choose, load and join the data and label arrays; return them with read options and
    manifest facts (``groups`` and ``pickled`` as for :func:`choose_keys`)."""
    data_keys, label_keys = chosen_keys(path, inventory, keys, target_keys, groups, pickled)
    array, parts = join(path, data_keys, load)
    if array.ndim == 0:
        raise DataError(f"{path}: holds no rows")
    labels, label_parts = (None, [])  # type: ignore[var-annotated]
    if label_keys:
        labels, label_parts = join(path, label_keys, load)
        check_labels(path, parts, label_parts)
    options = {"key": data_keys, "target_key": label_keys}
    info = {
        "parts": parts,
        "shape": list(array.shape),
        "dtype": str(array.dtype),
        "output_key": joined_name(data_keys),
    }
    if label_keys:
        info["label_parts"] = label_parts
        name = joined_name(label_keys)
        info["output_target_key"] = name if name != info["output_key"] else label_keys[0]
    return array, labels, options, info


def subset(table: Table, rows: np.ndarray) -> dict[str, np.ndarray]:
    """The arrays a split file of an NPZ or HDF5 input holds: the rows ``rows`` of the
    joined data (and labels), under their output names."""
    assert table.array is not None
    arrays = {table.info["output_key"]: table.array[rows]}
    if table.labels is not None:
        arrays[table.info["output_target_key"]] = table.labels[rows]
    return arrays


@dataclass(frozen=True)
class KeyedLayout:
    """What reading the chosen arrays yields, known from the file's inventory alone: the
    keys, the joined dtype and the read options and manifest facts of :func:`read_keyed`."""

    data_keys: list[str]
    label_keys: list[str] | None
    dtypes: tuple[np.dtype, np.dtype | None]  #: the joined data and labels
    options: dict[str, Any]
    info: dict[str, Any]


def keyed_layout(
    path: Path,
    inventory: Inventory,
    keys: Sequence[str] | None,
    target_keys: Sequence[str] | None,
    groups: Sequence[str] = (),
    pickled: bool = False,
) -> KeyedLayout:
    """The layout :func:`read_keyed` would give, from shapes and dtypes, nothing loaded."""
    data_keys, label_keys = chosen_keys(path, inventory, keys, target_keys, groups, pickled)

    def joined(chosen: list[str]) -> tuple[np.dtype, list[dict[str, Any]], tuple[int, ...]]:
        first = inventory[chosen[0]][0]
        for key in chosen[1:]:
            if inventory[key][0][1:] != first[1:]:
                raise DataError(
                    f"{path}: arrays {chosen[0]!r} {first} and {key!r} {inventory[key][0]} "
                    "differ beyond the first dimension and cannot be joined"
                )
        counts = [int(inventory[key][0][0]) for key in chosen]
        parts: list[dict[str, Any]] = [
            {"key": key, "rows": count} for key, count in zip(chosen, counts, strict=True)
        ]
        rows = sum(counts)
        if rows == 0:
            raise DataError(f"{path}: {', '.join(chosen)} hold no rows")
        dtype = np.result_type(*(inventory[key][1] for key in chosen))
        return dtype, parts, (rows, *first[1:])

    dtype, parts, shape = joined(data_keys)
    info: dict[str, Any] = {
        "parts": parts,
        "shape": list(shape),
        "dtype": str(dtype),
        "output_key": joined_name(data_keys),
    }
    label_dtype = None
    if label_keys:
        label_dtype, label_parts, _ = joined(label_keys)
        check_labels(path, parts, label_parts)
        info["label_parts"] = label_parts
        name = joined_name(label_keys)
        info["output_target_key"] = name if name != info["output_key"] else label_keys[0]
    options = {"key": data_keys, "target_key": label_keys}
    return KeyedLayout(data_keys, label_keys, (dtype, label_dtype), options, info)


#: reads rows ``start:stop`` of one array (called in ascending order, array by array)
RowReader = Callable[[str, int, int], np.ndarray]


def _joined_rows(
    keys: list[str],
    parts: list[dict[str, Any]],
    dtype: np.dtype,
    read: RowReader,
    start: int,
    stop: int,
) -> np.ndarray:
    """Rows ``start:stop`` of the arrays ``keys`` joined along the first dimension."""
    pieces, offset = [], 0
    for key, part in zip(keys, parts, strict=True):
        low, high = max(start, offset), min(stop, offset + part["rows"])
        if low < high:
            pieces.append(read(key, low - offset, high - offset))
        offset += part["rows"]
    joined = pieces[0] if len(pieces) == 1 else np.concatenate(pieces, axis=0)
    return joined.astype(dtype, copy=False)


def keyed_chunks(
    path: Path,
    name: str,
    layout: KeyedLayout,
    read: RowReader,
    rows: int,
    extra: dict[str, Any] | None = None,
) -> Iterator[Table]:
    """The joined arrays as consecutive tables of at most ``rows`` rows (fewer for wide rows:
    :func:`~.spec.rows_within`), each holding the
    read options and manifest facts of the whole file (``extra``: more facts)."""
    info = {**layout.info, **(extra or {})}
    total = int(layout.info["shape"][0])
    step = rows_within(rows, 8 * int(np.prod(layout.info["shape"][1:])))
    for start in range(0, total, step):
        stop = min(total, start + step)
        array = _joined_rows(
            layout.data_keys, layout.info["parts"], layout.dtypes[0], read, start, stop
        )
        labels = None
        if layout.label_keys:
            assert layout.dtypes[1] is not None
            labels = _joined_rows(
                layout.label_keys,
                layout.info["label_parts"],
                layout.dtypes[1],
                read,
                start,
                stop,
            )
        yield Table(
            path=path,
            format=name,
            array=array,
            labels=labels,
            read_options=layout.options,
            info=info,
        )


class KeyedArrays:
    """What NPZ and HDF5 formats share: named arrays chosen with ``--key`` (joined when
    several), their row count from the file's inventory, and chunked reading for arrays of
    rank 1 and 2 only (higher ranks are images or signals, read whole). A format class
    mixes it in and names its module's ``layout`` reader."""

    container = "array"
    description = "an array"
    options = frozenset({"key"})

    @staticmethod
    def layout(path: Path, options: Any) -> KeyedLayout:
        raise NotImplementedError

    def count(self, path: Path, options: Any) -> int:
        return int(self.layout(path, options).info["shape"][0])

    def can_chunk(self, path: Path, options: Any) -> bool:
        """Rank 1 and 2 only: higher ranks are images or signals, read whole."""
        try:
            return len(self.layout(path, options).info["shape"]) <= 2
        except (DataError, ParameterError):
            return False


def chosen_keys(
    path: Path,
    inventory: Inventory,
    keys: Sequence[str] | None,
    target_keys: Sequence[str] | None,
    groups: Sequence[str],
    pickled: bool,
) -> tuple[list[str], list[str] | None]:
    """``(data keys, label keys)`` that ``--key`` and ``--target-key`` choose; one array
    cannot be both."""
    label_keys = (
        choose_keys(path, inventory, target_keys, "--target-key", groups=groups, pickled=pickled)
        if target_keys
        else None
    )
    data_keys = choose_keys(
        path, inventory, keys, "--key", exclude=label_keys or (), groups=groups, pickled=pickled
    )
    if label_keys and set(label_keys) & set(data_keys):
        raise ParameterError("--target-key: an array cannot be both data and labels")
    return data_keys, label_keys
