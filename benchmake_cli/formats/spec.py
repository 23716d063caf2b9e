"""What every format module declares: :class:`ReadOptions` (how to read an input) and one
:class:`Format` class per format (how to detect, read, count, stream and write it).

A format is a class with methods, in the manner of xarray's ``BackendEntrypoint``: every
format reads (:meth:`Format.read`) and writes one side of a split
(:meth:`Format.write_side`); a file format (:class:`FileFormat`) is recognised by its
file-name endings and writes one file per side, a folder format (:class:`FolderFormat`)
recognises a folder (:meth:`FolderFormat.detect`). Optional capabilities are mixins that a
class has or has not, checked with ``isinstance``: :class:`ChunkedFormat` reads in chunks
(``chunks``, ``count``), :class:`ChunkWriter` writes a subset chunk by chunk (a folder
format: :class:`SideChunkWriter`). A format gains
one by inheriting the mixin and defining its methods.

The instances are listed once, in :mod:`benchmake_cli.formats.registry`; nothing else in the
package tests a format's name.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Protocol

import numpy as np

from ..constraints import MODALITY_PANEL, READING_PANEL, OfType, Options, declare
from .table import Table

MODALITIES = ("tabular", "image", "sequence", "signal", "graph")
CHUNK_BYTES = 64 << 20  #: about the most encoded bytes (float64) in one chunk of wide rows

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

    sep: str | None = field(
        default=None,
        metadata=declare(
            OfType(str),
            None,
            metavar="S",
            help="Delimiter for CSV/TSV (default: detected); 'whitespace' for runs.",
            panel=READING_PANEL,
        ),
    )
    #: ``None``: detected from the first lines (CSV/TSV)
    header: bool | None = field(
        default=None,
        metadata=declare(
            OfType(bool),
            None,
            flags=("--header/--no-header",),
            metavar="",
            help="Line 1 of a CSV/TSV holds the column names (--header) or data (--no-header: "
            "columns are 0, 1, ...); default: detected (see docs/formats.md).",
            extra={"show_default": False},
            panel=READING_PANEL,
        ),
    )
    type: str = field(
        default="auto",
        metadata=declare(
            Options(("auto", *MODALITIES)),
            flags=("--type",),
            metavar="TYPE",
            panel=MODALITY_PANEL,
            help="auto, tabular, image, sequence, signal or graph (auto: from the file name, "
            "the folder's content or the array's shape; see docs/formats.md).",
        ),
    )
    key: tuple[str, ...] | None = field(
        default=None,
        metadata=declare(
            typed=Optional[str],
            metavar="ARRAYS",
            panel=MODALITY_PANEL,
            help="NPZ/HDF5 array(s) holding the data; a,b,c joins them in order.",
        ),
    )
    target_key: tuple[str, ...] | None = field(
        default=None,
        metadata=declare(
            typed=Optional[str],
            metavar="ARRAYS",
            panel=MODALITY_PANEL,
            help="NPZ/HDF5 array(s) of labels: carried along, never used to split.",
        ),
    )
    image_size: tuple[int, int] | None = field(
        default=None,
        metadata=declare(
            typed=Optional[str],
            metavar="WxH",
            panel=MODALITY_PANEL,
            help="Resize every image to WIDTHxHEIGHT (bilinear), e.g. 64x64.",
        ),
    )
    mode: str | None = field(
        default=None,
        metadata=declare(
            Options(("L", "RGB")),
            None,
            metavar="MODE",
            panel=MODALITY_PANEL,
            help="Image colour mode: L (grey) or RGB (default: RGB if any has colour).",
        ),
    )

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


class SideWriter(Protocol):
    """One side of a split written chunk by chunk: a data file, or a folder format's listing
    and files."""

    def append(self, chunk: Table, rows: np.ndarray) -> None:
        """Write the rows ``rows`` of ``chunk`` (positions within the chunk, ascending)."""

    def close(self) -> list[str]:
        """Finish; the relative POSIX paths written."""


class Format(ABC):
    """One format: how it is read and how one side of a split is written.

    ``container`` says what holds the data (table, array, sequences, or the folder format's
    own name), ``description`` the same in words for messages, ``fits`` the modalities
    (``--type``) it can be read as; ``options`` the reading options beyond
    ``--sep``/``--no-header`` that apply (``key``, ``image``); ``values_as_text``: the
    values are kept as the file's strings (delimited text); ``copies_files``: ``--copy``
    and ``--link`` apply (folders of sample files).
    """

    name: str
    container: str
    description: str
    fits: tuple[str, ...]
    options: frozenset[str] = frozenset()
    values_as_text: bool = False
    copies_files: bool = False
    folder_kind: str | None = None  #: the ``--type`` that reads a folder as this format

    @abstractmethod
    def read(self, path: Path, options: ReadOptions) -> Table:
        """The whole input as a :class:`Table`."""

    @abstractmethod
    def write_side(
        self, table: Table, rows: np.ndarray, folder: Path, side: str, files: str
    ) -> list[str]:
        """Write the input rows ``rows`` as the ``side`` data into ``folder``; return the
        relative POSIX paths written (``files``: ``list``, ``copy`` or ``link``)."""

    @abstractmethod
    def side_name(self, side: str) -> str:
        """What a split writes for ``side``: a data file, a listing, or a folder."""


class FileFormat(Format):
    """A one-file format: claims the file-name endings ``suffixes`` (case-insensitively,
    longest first; with ``only_with_type``, only under that ``--type`` and then before every
    other format's) and writes ``train``/``test`` files ending in ``data_suffix``."""

    suffixes: tuple[str, ...]
    data_suffix: str
    only_with_type: str | None = None

    @abstractmethod
    def write(self, table: Table, rows: np.ndarray, path: Path) -> None:
        """Write the given input rows (every original column) as one file."""

    def data_name(self, side: str) -> str:
        """The data file written for ``side``: ``train.csv``."""
        return f"{side}{self.data_suffix}"

    def side_name(self, side: str) -> str:
        return self.data_name(side)

    def write_side(
        self, table: Table, rows: np.ndarray, folder: Path, side: str, files: str
    ) -> list[str]:
        name = self.data_name(side)
        self.write(table, rows, folder / name)
        return [name]


class FolderFormat(Format):
    """A folder format: read as ``--type folder_kind``, or found by :meth:`detect`."""

    folder_kind: str

    @abstractmethod
    def detect(self, root: Path) -> bool:
        """Whether the folder ``root`` holds this format."""

    def side_name(self, side: str) -> str:
        return f"{side}.csv" if self.copies_files else side


def rows_within(rows: int, row_bytes: int) -> int:
    """At most ``rows`` rows, and no more than :data:`CHUNK_BYTES` of ``row_bytes`` each
    (always at least one): the rows of one chunk of wide samples.

    >>> rows_within(32768, 16 * 8), rows_within(32768, 256 * 256 * 3 * 8), rows_within(5, 1 << 40)
    (32768, 42, 1)
    """
    return max(1, min(rows, CHUNK_BYTES // max(1, row_bytes)))


class ChunkedFormat(ABC):
    """A format read in consecutive chunks of rows (a mixin beside :class:`Format`)."""

    @abstractmethod
    def chunks(self, path: Path, options: ReadOptions, rows: int) -> Iterator[Table]:
        """The input as consecutive tables of at most ``rows`` rows, read as needed (fewer
        where the samples are wide: :func:`rows_within`)."""

    @abstractmethod
    def count(self, path: Path, options: ReadOptions) -> int:
        """The input's rows (from its header where it has one)."""

    def write_chunks(self, path: Path, options: ReadOptions, rows: int) -> Iterator[Table]:
        """The chunks that the split files are written from: :meth:`chunks`, unless the
        writer needs less than a read gives (a folder's listing: paths and labels)."""
        return self.chunks(path, options, rows)

    def more_rows_than(self, path: Path, options: ReadOptions, limit: int) -> bool:
        """Whether the input holds more than ``limit`` rows (override to stop counting early)."""
        return self.count(path, options) > limit

    def can_chunk(self, path: Path, options: ReadOptions) -> bool:
        """Whether this particular input is read in chunks (an NPY of rank 3 is not)."""
        return True


class ChunkWriter(ABC):
    """A format that writes a subset chunk by chunk: the same content as the whole writer
    (a mixin beside :class:`FileFormat`)."""

    @abstractmethod
    def open_writer(self, first: Table, path: Path, total_rows: int) -> RowWriter:
        """A writer of ``total_rows`` rows into ``path``, opened with the first chunk."""


def write_in_one_chunk(writer: SideWriter, table: Table, rows: np.ndarray) -> list[str]:
    """A whole side written by its chunk writer, ``table`` as the one chunk (so that the
    whole and the chunked writes give the same files); the relative paths written."""
    try:
        writer.append(table, rows)
    finally:
        written = writer.close()
    return written


class SideChunkWriter(ABC):
    """A folder format that writes one side chunk by chunk: the same files as its
    :meth:`Format.write_side` (a mixin beside :class:`FolderFormat`)."""

    @abstractmethod
    def open_side(self, first: Table, folder: Path, side: str, files: str) -> SideWriter:
        """A writer of the ``side`` data into ``folder``, opened with the first chunk
        (``files``: ``list``, ``copy`` or ``link``)."""
