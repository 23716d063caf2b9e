"""Apache Parquet, read with pyarrow."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import DataError
from ..table import Table


def read(path: Path) -> Table:
    """Read a Parquet file into a pandas frame with its own dtypes."""
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{path}: not a readable Parquet file ({reason})") from None
    if table.num_rows == 0:
        raise DataError(f"{path}: has columns but no data rows")
    return Table(path=path, format="parquet", frame=table.to_pandas(), arrow=table)
