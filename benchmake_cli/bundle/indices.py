"""Index files: one 0-based input row number per line (``test_indices.txt`` and the like)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import DataError, InputNotFoundError

#: the most digits a row number may have (an int64 holds 18 for sure)
MAX_DIGITS = 18


def read_row_numbers(path: str | Path) -> np.ndarray:
    """The row numbers listed in ``path``, in file order: one non-negative integer per line,
    blank lines ignored. A bad line, a repeated row or an empty file is refused by line.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "test_indices.txt"
    >>> _ = f.write_text("3\\n10\\n\\n7\\n")
    >>> read_row_numbers(f).tolist()
    [3, 10, 7]
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputNotFoundError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a file of row numbers") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not a text file of row numbers (one per line)") from None
    except OSError as exc:
        raise InputNotFoundError(f"{path}: cannot be read ({exc.strerror})") from None
    numbers: list[int] = []
    first_line: dict[int, int] = {}
    for line_number, line in enumerate(text.splitlines(), start=1):
        token = line.strip()
        if not token:
            continue
        if not token.isdigit() or not token.isascii():
            raise DataError(
                f"{path}: line {line_number}: {token[:40]!r} is not a row number "
                "(expected one 0-based row number per line)"
            )
        if len(token) > MAX_DIGITS:
            raise DataError(
                f"{path}: line {line_number}: row number {token[:20]}… has {len(token)} digits; "
                "no input has that many rows"
            )
        row = int(token)
        if row in first_line:
            raise DataError(
                f"{path}: line {line_number}: row {row} is already listed on line {first_line[row]}"
            )
        first_line[row] = line_number
        numbers.append(row)
    if not numbers:
        raise DataError(f"{path}: lists no row numbers")
    return np.array(numbers, dtype=np.int64)


def positions_of(
    rows: np.ndarray, encoded_rows: np.ndarray, input_rows: int, path: str | Path
) -> np.ndarray:
    """Positions in the encoded matrix of the input ``rows`` listed in ``path``.

    ``encoded_rows`` (ascending) is the input row number of each encoded row; rows beyond the
    input or dropped while encoding (``--drop-missing``) are refused, naming the row.
    """
    beyond = rows >= input_rows
    if beyond.any():
        raise DataError(
            f"{path}: row {int(rows[np.flatnonzero(beyond)[0]])} is out of range: the data has "
            f"{input_rows} rows (0 to {input_rows - 1})"
        )
    positions = np.searchsorted(encoded_rows, rows)
    found = (positions < encoded_rows.size) & (
        encoded_rows[np.minimum(positions, encoded_rows.size - 1)] == rows
    )
    if not found.all():
        raise DataError(
            f"{path}: row {int(rows[np.flatnonzero(~found)[0]])} was dropped while encoding "
            "(a missing value with --drop-missing); it cannot be in a split"
        )
    if positions.size >= encoded_rows.size:
        raise DataError(
            f"{path}: lists all {encoded_rows.size} rows; the training set would be empty"
        )
    return np.sort(positions)
