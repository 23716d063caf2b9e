"""Plain text with one sequence per line (read as such with ``--type sequence``).

Leading and trailing white space is removed and blank lines are skipped; every other line,
whatever it holds, is one sequence.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import DataError
from .delimited import decode_text
from .table import Table


def read(path: Path) -> Table:
    """Read one sequence per non-blank line."""
    lines = [line.rstrip() for line in decode_text(path).splitlines() if line.strip()]
    if not lines:
        raise DataError(f"{path}: holds no sequences (only blank lines)")
    return Table(
        path=path,
        format="text",
        sequences=[line.strip() for line in lines],
        records=lines,
        modality="sequence",
        read_options={},
    )
