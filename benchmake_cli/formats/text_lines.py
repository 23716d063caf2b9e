"""Plain text with one sequence per line (read as such with ``--type sequence``).

Leading and trailing white space is removed and blank lines are skipped; every other line,
whatever it holds, is one sequence.

:func:`write_records` writes the split files of every sequence format: the chosen records
(text lines, ``.smi`` lines after the header if any, FASTA records with their headers and
original line wrapping), one after another, ``\\n`` line ends. Every sequence format is
also read in chunks of records (its lines read block by block, decoded as a whole read
decodes them) and written chunk by chunk (:class:`RecordWriter`).
"""

from __future__ import annotations

import codecs
from abc import abstractmethod
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, TypeVar

import numpy as np

from ..errors import DataError
from .delimited import decode_text
from .spec import SEQUENCE_FITS, ChunkedFormat, ChunkWriter, FileFormat, ReadOptions
from .table import Table

T = TypeVar("T")
BLOCK_BYTES = 1 << 20  #: bytes decoded at a time


def iter_lines(path: Path) -> Iterator[str]:
    """The file's lines, as ``decode_text(path).splitlines()`` gives them, read and decoded
    block by block (the same refusals: UTF-16/32, binary, invalid UTF-8 with its line)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pending, ends = "", 0
    with open(path, "rb") as handle:
        first = handle.read(BLOCK_BYTES)
        decode_text(path, first[:4096], final=False)  # the BOM and binary checks
        raw = first
        while raw:
            nxt = handle.read(BLOCK_BYTES)
            try:
                text = pending + decoder.decode(raw, final=not nxt)
            except UnicodeDecodeError as exc:
                line = ends + raw[: max(0, exc.start)].count(b"\n") + 1
                raise DataError(
                    f"{path}: line {line}: a byte is not valid UTF-8; re-save the file as UTF-8"
                ) from None
            ends += raw.count(b"\n")
            cut = max(text.rfind("\n"), text.rfind("\r", 0, len(text) - 1))
            pending = text[cut + 1 :]
            yield from text[: cut + 1].splitlines()
            raw = nxt
    yield from pending.splitlines()


def _lines(lines: Iterable[str]) -> Iterator[str]:
    return (line.rstrip() for line in lines if line.strip())


def _table(path: Path, lines: list[str]) -> Table:
    return Table(
        path=path,
        format="text",
        sequences=[line.strip() for line in lines],
        records=lines,
        modality="sequence",
        read_options={},
    )


def batched(items: Iterable[T], rows: int) -> Iterator[list[T]]:
    """Consecutive lists of at most ``rows`` items."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == rows:
            yield batch
            batch = []
    if batch:
        yield batch


def write_records(table: Table, rows: np.ndarray, path: Path) -> None:
    """Write the records of ``rows`` (after the input's header line, if it had one)."""
    assert table.records is not None
    lines = [table.records[int(r)] for r in rows]
    header = table.info.get("header")
    if header:
        lines.insert(0, header)
    path.write_bytes("".join(f"{line}\n" for line in lines).encode("utf-8"))


class RecordWriter:
    """The records of a subset written chunk by chunk: the same bytes as
    :func:`write_records`."""

    def __init__(self, first: Table, path: Path, total_rows: int) -> None:
        self.handle: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed by close()
        header = first.info.get("header")
        if header:
            self.handle.write(f"{header}\n".encode())

    def append(self, chunk: Table, rows: np.ndarray) -> None:
        assert chunk.records is not None
        self.handle.write("".join(f"{chunk.records[int(r)]}\n" for r in rows).encode("utf-8"))

    def close(self) -> None:
        self.handle.close()


class SequenceFile(FileFormat, ChunkedFormat, ChunkWriter):
    """A file of sequences: its split files are its chosen records (:func:`write_records`);
    read whole or in chunks of records (:meth:`chunks` from the format's
    :meth:`read_lines`), written whole or chunk by chunk."""

    container = "sequences"
    description = "a sequence file"
    fits = SEQUENCE_FITS

    @abstractmethod
    def read_lines(self, path: Path, lines: Iterable[str], rows: int) -> Iterator[Table]:
        """The file's records parsed from ``lines`` in tables of at most ``rows`` records (a
        whole read is the one table of unbounded ``rows``)."""

    def read(self, path: Path, options: ReadOptions) -> Table:
        tables = list(self.read_lines(path, decode_text(path).splitlines(), 1 << 62))
        return tables[0]

    def write(self, table: Table, rows: np.ndarray, path: Path) -> None:
        write_records(table, rows, path)

    def chunks(self, path: Path, options: ReadOptions, rows: int) -> Iterator[Table]:
        return self.read_lines(path, iter_lines(path), rows)

    def count(self, path: Path, options: ReadOptions) -> int:
        return sum(chunk.n_rows for chunk in self.chunks(path, options, 1 << 16))

    def open_writer(self, first: Table, path: Path, total_rows: int) -> RecordWriter:
        return RecordWriter(first, path, total_rows)


class TextLines(SequenceFile):
    """Plain text, one sequence per line (only under ``--type sequence``)."""

    name = "text"
    suffixes = (".txt",)
    only_with_type = "sequence"
    data_suffix = ".txt"

    def read_lines(self, path: Path, lines: Iterable[str], rows: int) -> Iterator[Table]:
        found = False
        for batch in batched(_lines(lines), rows):
            found = True
            yield _table(path, batch)
        if not found:
            raise DataError(f"{path}: holds no sequences (only blank lines)")


FORMAT = TextLines()
