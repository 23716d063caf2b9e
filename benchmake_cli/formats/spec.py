"""What every format module declares: :class:`ReadOptions` (how to read an input) and one
:class:`Format` entry per format (how to detect, read, count, stream and write it).

The entries are listed once, in :mod:`benchmake_cli.formats.registry`; nothing else in the
package tests a format's name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .table import Table

#: the modalities (``--type``) each kind of container can be read as
TABLE_FITS = ("tabular", "sequence", "signal", "graph")
ARRAY_FITS = ("tabular", "image", "signal", "graph")
SEQUENCE_FITS = ("sequence",)


@dataclass(frozen=True)
class ReadOptions:
    """How to read an input (recorded in the manifest so ``verify`` reads it the same way).

    ``type`` is ``--type``: ``auto`` or one of :data:`~benchmake_cli.formats.modality.MODALITIES`;
    it decides how a ``.txt`` file (a table, or sequences one per line with ``sequence``) and
    a folder are read. ``key``/``target_key`` name the arrays of an NPZ or HDF5 file (several
    are joined in order); ``image_size`` (width, height) and ``mode`` (``L`` or ``RGB``)
    say how images are decoded.
    """

    sep: str | None = None
    header: bool | None = None  #: ``None``: detected from the first lines (CSV/TSV)
    type: str = "auto"
    key: tuple[str, ...] | None = None
    target_key: tuple[str, ...] | None = None
    image_size: tuple[int, int] | None = None
    mode: str | None = None

    @classmethod
    def from_recorded(cls, recorded: dict[str, Any], modality: str) -> ReadOptions:
        """The options a manifest records (``input.read_options``), read back for ``verify``."""

        def keys(name: str) -> tuple[str, ...] | None:
            value = recorded.get(name)
            return tuple(str(k) for k in value) if value else None

        size = recorded.get("image_size")
        return cls(
            sep=recorded.get("sep"),
            header=bool(recorded.get("header", True)),  # recorded as read: never re-detected
            type=modality,
            key=keys("key"),
            target_key=keys("target_key"),
            image_size=(int(size[0]), int(size[1])) if size else None,
            mode=recorded.get("mode"),
        )


class RowWriter(Protocol):
    """One output file written chunk by chunk (opened with the first chunk)."""

    def append(self, chunk: Table, rows: np.ndarray) -> None:
        """Write the rows ``rows`` of ``chunk`` (positions within the chunk, ascending)."""

    def close(self) -> None:
        """Finish and close the file."""


@dataclass(frozen=True)
class Format:
    """One format: how it is recognised, read, read in chunks, counted and written.

    A file format names its ``suffixes`` (matched case-insensitively, longest first); a
    folder format names its ``folder_kind`` (the ``--type`` that reads a folder as it) and
    ``detect`` (whether a folder holds it). ``only_with_type``: the suffixes are claimed only
    under that ``--type`` (and then before every other format's). ``options``: the reading
    options beyond ``--sep``/``--no-header`` that apply (``key``, ``image``).

    Writing: a format with ``data_suffix`` writes one ``train``/``test`` file each with
    ``write_file(table, rows, path)``; any other writes with ``write_folder(table, rows,
    folder, side, files)`` and returns the relative paths it wrote (``files``: ``list``,
    ``copy`` or ``link``, for formats that ``copies_files``).

    Streaming (sharded splits): ``iter_chunks(path, options, rows)`` yields tables of at most
    ``rows`` rows; ``can_stream(path)`` may refuse a particular file (an NPY of rank 3);
    ``count_rows(path, options)`` counts the rows and ``more_rows_than(path, options, limit)``
    answers without counting further than needed (default: from ``count_rows``);
    ``open_writer(first_chunk, path, total_rows)`` writes a subset chunk by chunk, the same
    bytes as ``write_file``.
    """

    name: str
    container: str  #: table, array, sequences, or the folder format's own name
    description: str  #: the container in words, for messages ("a table")
    fits: tuple[str, ...]  #: the modalities (``--type``) it can be read as
    read: Callable[[Path, ReadOptions], Table]
    suffixes: tuple[str, ...] = ()
    only_with_type: str | None = None
    folder_kind: str | None = None
    detect: Callable[[Path], bool] | None = None
    options: frozenset[str] = frozenset()
    values_as_text: bool = False  #: values kept as the file's strings (delimited text)
    data_suffix: str | None = None
    write_file: Callable[[Table, np.ndarray, Path], None] | None = None
    write_folder: Callable[[Table, np.ndarray, Path, str, str], list[str]] | None = None
    copies_files: bool = False
    iter_chunks: Callable[[Path, ReadOptions, int], Iterator[Table]] | None = None
    can_stream: Callable[[Path], bool] | None = None
    count_rows: Callable[[Path, ReadOptions], int] | None = None
    more_rows_than: Callable[[Path, ReadOptions, int], bool] | None = None
    open_writer: Callable[[Table, Path, int], RowWriter] | None = None

    @property
    def streams(self) -> bool:
        """Whether a sharded split can read and write it in chunks."""
        return self.iter_chunks is not None

    def data_name(self, side: str) -> str:
        """The data file a one-file format writes for ``side``: ``train.csv``."""
        return f"{side}{self.data_suffix}"
