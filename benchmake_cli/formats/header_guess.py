"""Whether the first line of a delimited file is a header or a row of data.

A first line is read as data only when every field parses like the values of its column
below it (a number above numbers, text above text) and at least one column is numeric.
A numeric first line stays a header when it looks like one: integers above decimals
(wavelengths above absorbances), a strictly monotone run over three or more columns that
the data rows do not share, or values far outside their columns' ranges. docs/formats.md
states the rule.
"""

from __future__ import annotations

import csv
import itertools
import math
import re

SAMPLE_LINES = 200  #: data lines below the first that the decision looks at
_INTEGER = re.compile(r"^[+-]?\d+$")


def _number(field: str) -> float | None:
    """The field as a finite number, or ``None`` when it is not one."""
    try:
        value = float(field)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _fields(line: str, separator: str) -> list[str]:
    if separator in ("whitespace", " "):
        return line.split()
    return [field.strip() for field in next(csv.reader([line], delimiter=separator), [])]


def _monotone(values: list[float]) -> bool:
    steps = [b - a for a, b in itertools.pairwise(values)]
    return len(values) >= 3 and (all(s > 0 for s in steps) or all(s < 0 for s in steps))


def first_line_is_data(text: str, separator: str) -> bool:
    """Whether the first non-blank line of ``text`` is data rather than column names.

    >>> first_line_is_data("1.0,0.5,2.25\\n0.0,0.7,2.5\\n", ",")
    True
    >>> first_line_is_data("x,y\\n1.5,2.5\\n", ",")
    False
    >>> first_line_is_data("1100,1102,1104\\n0.31,0.32,0.35\\n0.29,0.30,0.33\\n", ",")
    False
    """
    lines = [line for line in text.splitlines() if line.strip()][: SAMPLE_LINES + 1]
    if len(lines) < 2:
        return False
    first = _fields(lines[0], separator)
    rows = [
        row for row in (_fields(line, separator) for line in lines[1:]) if len(row) == len(first)
    ]
    if not rows:
        return False
    numeric_columns = []
    for j, field in enumerate(first):
        values = [row[j] for row in rows if row[j] != ""]
        column_numeric = bool(values) and all(_number(v) is not None for v in values)
        if field == "":
            continue
        if column_numeric != (_number(field) is not None):
            return False
        if column_numeric:
            numeric_columns.append(j)
    return bool(numeric_columns) and not _numeric_header(first, rows, numeric_columns)


def _numeric_header(first: list[str], rows: list[list[str]], columns: list[int]) -> bool:
    """Whether a numeric first line looks like names: integers above decimals, a monotone
    run the rows do not share, or values far outside their columns."""
    head = [float(first[j]) for j in columns]
    integers_above = all(_INTEGER.match(first[j]) for j in columns) and any(
        not _INTEGER.match(row[j]) for row in rows for j in columns if row[j] != ""
    )
    if integers_above:
        return True
    if _monotone(head):
        shared = sum(_monotone([float(row[j]) for j in columns if row[j] != ""]) for row in rows)
        if shared * 2 < len(rows):
            return True
    outside = 0
    for position, j in enumerate(columns):
        values = [float(row[j]) for row in rows if row[j] != ""]
        low, high = min(values), max(values)
        span = max(high - low, abs(high), abs(low), 1e-12)
        if not low - span <= head[position] <= high + span:
            outside += 1
    return outside * 2 > len(columns)
