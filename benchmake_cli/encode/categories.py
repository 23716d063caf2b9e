"""The categories of a table's text features, collected chunk by chunk, and the one-hot
columns made from them once every chunk is read.

A chunk (:func:`.tabular.encode_chunk`) codes each text value in the chunk's own list of
categories; :class:`CategoryAccumulator` renumbers the codes into one numbering per column
(order of first appearance over the chunks), and :meth:`CategoryAccumulator.layout` maps
that numbering to the sorted categories of the one-hot columns (:func:`expand_codes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from ..errors import DataError
from ..safe_text import quoted


class CodedChunk(Protocol):
    """What the accumulator reads of a chunk: its coded matrix and its own categories."""

    @property
    def X(self) -> np.ndarray: ...  # noqa: N802 - the matrix's usual name

    @property
    def categories(self) -> dict[str, list[str]]: ...


class CategoryAccumulator:
    """Each categorical column's categories, numbered in order of first appearance.

    ``known``: columns categorical from the start (whatever they hold). A column first seen
    holding text after the first chunk is :attr:`late`: the chunks before coded it as
    numbers, so they must be read again with it categorical.
    """

    def __init__(self, known: Iterable[str] = ()) -> None:
        self.seen: dict[str, dict[str, int]] = {column: {} for column in known}
        self.late: frozenset[str] = frozenset()
        self.chunks = 0

    @property
    def columns(self) -> frozenset[str]:
        """The columns known categorical so far."""
        return frozenset(self.seen)

    def add(self, chunk: CodedChunk, features: Sequence[str]) -> np.ndarray:
        """The chunk's matrix with its category codes in this accumulator's numbering."""
        new = [column for column in chunk.categories if column not in self.seen]
        if self.chunks and new:
            self.late = self.late | frozenset(new)
        self.chunks += 1
        if not chunk.categories:
            return chunk.X
        X = chunk.X.copy()
        for column, local in chunk.categories.items():
            seen = self.seen.setdefault(column, {})
            renumber = np.array([seen.setdefault(c, len(seen)) for c in local], dtype=np.int64)
            j = features.index(column)
            X[:, j] = renumber[X[:, j].astype(np.int64)]
        return X

    def check_not_identifiers(self, path: Path, features: Sequence[str], rows: int) -> None:
        """Refuse a categorical feature with a different value in each of the ``rows``."""
        for column in features:
            seen = self.seen.get(column)
            if seen is not None:
                check_not_identifier(path, column, len(seen), np.array(list(seen)[:1]), rows)

    def layout(
        self, features: Sequence[str]
    ) -> tuple[list[str], dict[str, list[str]], list[np.ndarray | None]]:
        """The one-hot feature names, the sorted categories of each categorical feature,
        and per coded column the map from a code to its category's place in sorted order
        (``None`` for a numeric column)."""
        names: list[str] = []
        one_hot: dict[str, list[str]] = {}
        maps: list[np.ndarray | None] = []
        for column in features:
            seen = self.seen.get(column)
            if seen is None:
                names.append(column)
                maps.append(None)
                continue
            ordered = sorted(seen)
            place = {c: i for i, c in enumerate(ordered)}
            one_hot[column] = ordered
            maps.append(np.array([place[c] for c in seen], dtype=np.int64))  # first-seen order
            names.extend(f"{column}={c}" for c in ordered)
        return names, one_hot, maps


def check_not_identifier(
    path: Path, column: str, distinct: int, first: np.ndarray, rows: int
) -> None:
    """A text feature with a different value in every one of its ``rows`` (more than two)
    is an identifier, not a category (``first``: its first value, for the message)."""
    if distinct == rows > 2:
        raise DataError(
            f"{path}: column {column!r} has a different text value in every row "
            f"(for example {quoted(str(first[0]))}): an identifier, not a category; pass it with "
            "--id-col, or leave it out with --features"
        )


def expand_codes(X: np.ndarray, maps: list[np.ndarray | None]) -> np.ndarray:
    """Chunk rows of category codes as the whole-input encoding's one-hot rows.

    >>> maps = [None, np.array([1, 0])]  # column 1: codes of "b" (seen first) and "a"
    >>> expand_codes(np.array([[5.0, 0.0], [6.0, 1.0]]), maps).tolist()
    [[5.0, 0.0, 1.0], [6.0, 1.0, 0.0]]
    """
    parts: list[np.ndarray] = []
    for j, mapping in enumerate(maps):
        if mapping is None:
            parts.append(X[:, j : j + 1])
        else:
            parts.append(np.eye(len(mapping))[mapping[X[:, j].astype(np.int64)]])
    return np.ascontiguousarray(np.hstack(parts), dtype=np.float64)
