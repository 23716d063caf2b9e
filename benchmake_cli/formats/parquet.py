"""Apache Parquet, read with pyarrow: whole, or batch by batch for a sharded split."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import DataError
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
