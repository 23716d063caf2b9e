"""Apache Parquet, read with pyarrow (whole, or batch by batch for a sharded split) and
written back with the input's schema (whole, or chunk by chunk)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import DataError
from .safety import refuse_binary_columns
from .spec import TABLE_FITS, ChunkedFormat, ChunkWriter, FileFormat, ReadOptions
from .table import Table


def _unreadable(path: Path, exc: Exception) -> DataError:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return DataError(f"{path}: not a readable Parquet file ({reason})")


def _open(path: Path) -> pq.ParquetFile:
    """The file's reader, after its footer is read and its column names checked."""
    try:
        handle = pq.ParquetFile(path)
        names = handle.schema_arrow.names
    except (pa.ArrowException, OSError) as exc:
        raise _unreadable(path, exc) from None
    refuse_binary_columns(path, handle.schema_arrow)
    repeated = [name for name, count in Counter(names).items() if count > 1]
    if repeated:
        raise DataError(f"{path}: column name {repeated[0]!r} appears twice")
    return handle


def read(path: Path) -> Table:
    """Read a Parquet file into a pandas frame with its own dtypes."""
    handle = _open(path)
    try:
        table = handle.read()
    except (pa.ArrowException, OSError) as exc:
        raise _unreadable(path, exc) from None
    if table.num_rows == 0:
        raise DataError(f"{path}: has columns but no data rows")
    return Table(path=path, format="parquet", frame=table.to_pandas(), arrow=table)


def count_rows(path: Path) -> int:
    """Rows in the file, from its footer (nothing else is read)."""
    return int(_open(path).metadata.num_rows)


def iter_chunks(path: Path, rows: int) -> Iterator[Table]:
    """The file as consecutive tables of at most ``rows`` rows (batches across row groups)."""
    handle = _open(path)
    try:
        for batch in handle.iter_batches(batch_size=rows):
            arrow = pa.Table.from_batches([batch])
            yield Table(path=path, format="parquet", frame=arrow.to_pandas(), arrow=arrow)
    except (pa.ArrowException, OSError) as exc:
        raise _unreadable(path, exc) from None


def _take(table: Table, rows: np.ndarray) -> pa.Table:
    assert table.arrow is not None
    return table.arrow.take(pa.array(rows, type=pa.int64()))


def write(table: Table, rows: np.ndarray, path: Path) -> None:
    """Write the given input rows with the input's schema."""
    pq.write_table(_take(table, rows), path)


class RowWriter:
    """A Parquet subset written chunk by chunk (one row group per non-empty chunk)."""

    def __init__(self, first: Table, path: Path, total_rows: int) -> None:
        assert first.arrow is not None
        self.writer = pq.ParquetWriter(path, first.arrow.schema)

    def append(self, chunk: Table, rows: np.ndarray) -> None:
        if len(rows):
            self.writer.write_table(_take(chunk, rows))

    def close(self) -> None:
        self.writer.close()


class Parquet(FileFormat, ChunkedFormat, ChunkWriter):
    """Apache Parquet: read whole or batch by batch, written with the input's schema."""

    name = "parquet"
    container = "table"
    description = "a table"
    fits = TABLE_FITS
    suffixes = (".parquet", ".pq")
    data_suffix = ".parquet"

    def read(self, path: Path, options: ReadOptions) -> Table:
        return read(path)

    def write(self, table: Table, rows: np.ndarray, path: Path) -> None:
        write(table, rows, path)

    def chunks(self, path: Path, options: ReadOptions, rows: int) -> Iterator[Table]:
        return iter_chunks(path, rows)

    def count(self, path: Path, options: ReadOptions) -> int:
        return count_rows(path)

    def open_writer(self, first: Table, path: Path, total_rows: int) -> RowWriter:
        return RowWriter(first, path, total_rows)


FORMAT = Parquet()
