"""``inspect`` of an array file too large to read: report from its header alone.

A 2.4 GB NPY (a sparse file of zeros, or a real one) would be read whole, summarised
column by column and encoded before ``inspect`` said anything: a minute and ten gigabytes.
From :data:`HEADER_ONLY_BYTES` on, ``inspect`` reads the header only (shape and dtype, the
same checks ``split`` makes before loading) and plans the split from n and d; the values
are not read, and the report says so.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ..formats import numpy_file
from ..formats.table import Table

#: from this size on, ``inspect`` reads an NPY file's header only
HEADER_ONLY_BYTES = 1 << 30


def header_only(path: Path) -> dict[str, Any] | None:
    """``{"shape", "n", "d", "bytes", "name", "note"}`` of a large NPY file, else ``None``."""
    if path.suffix.lower() != ".npy" or not path.is_file():
        return None
    size = path.stat().st_size
    if size < HEADER_ONLY_BYTES:
        return None
    numpy_file._check_header(path)  # the refusals split makes before loading anything
    with open(path, "rb") as handle:
        shape, _ = numpy_file.read_header(path, handle)
    if not shape:
        return None
    return {
        "shape": tuple(int(s) for s in shape),
        "n": int(shape[0]),
        "d": int(math.prod(shape[1:])),
        "bytes": size,
        "name": path.name,
        "note": (
            f"only the header was read ({size / 2**30:.1f} GiB file): n and d come from its "
            "shape; the values (missing, constant, duplicate rows) were not checked"
        ),
    }


def header_report(
    path: Path, frac: float, iterations: int, method: str, threads: int | None, mode: Any
) -> Any:
    """``inspect``'s report of a large NPY file, from its header (``None`` otherwise)."""
    large = header_only(path)
    if large is None:
        return None
    from .inspect import DataReport, plan_split  # inspect imports this module

    report = DataReport(path, "npy", large["bytes"], large["shape"], {}, [])
    report.n, report.d, report.modality = large["n"], large["d"], "not read (header only)"
    report.assumed.append(large["note"])
    planning = {"frac": frac, "iterations": iterations, "method": method, "mode": mode}
    report.plan = plan_split(report.n, report.d, threads=threads, source=path.name, **planning)
    return report


def table_shape(table: Table) -> tuple[int, ...]:
    """Rows × columns of a table, an array's shape, or the number of samples of a
    sequence file or a folder of signals or graphs."""
    if table.array is not None:
        return tuple(int(s) for s in table.array.shape)
    if table.frame is not None:
        return (len(table.frame), table.frame.shape[1])
    return (table.n_rows,)
