"""Apache Parquet, read with pyarrow: whole, or batch by batch for a sharded split."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import DataError
from ..table import Table


def _unreadable(path: Path, exc: Exception) -> DataError:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return DataError(f"{path}: not a readable Parquet file ({reason})")


def read(path: Path) -> Table:
    """Read a Parquet file into a pandas frame with its own dtypes."""
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise _unreadable(path, exc) from None
    if table.num_rows == 0:
        raise DataError(f"{path}: has columns but no data rows")
    return Table(path=path, format="parquet", frame=table.to_pandas(), arrow=table)


def count_rows(path: Path) -> int:
    """Rows in the file, from its footer (nothing else is read)."""
    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except (pa.ArrowException, OSError) as exc:
        raise _unreadable(path, exc) from None


def iter_chunks(path: Path, rows: int) -> Iterator[Table]:
    """The file as consecutive tables of at most ``rows`` rows (batches across row groups)."""
    try:
        handle = pq.ParquetFile(path)
        for batch in handle.iter_batches(batch_size=rows):
            arrow = pa.Table.from_batches([batch])
            yield Table(path=path, format="parquet", frame=arrow.to_pandas(), arrow=arrow)
    except (pa.ArrowException, OSError) as exc:
        raise _unreadable(path, exc) from None
