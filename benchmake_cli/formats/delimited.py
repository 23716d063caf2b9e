"""CSV and TSV: delimiter detected (or given), header optional, values kept as text; read
whole or in chunks, and written back (whole or chunk by chunk) as they were read."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from ..errors import DataError
from ..safe_text import quoted
from .header_guess import first_line_is_data
from .spec import TABLE_FITS, ChunkedFormat, ChunkWriter, FileFormat, ReadOptions
from .table import Table

CANDIDATE_SEPARATORS = (",", "\t", ";", "|")
WHITESPACE = "whitespace"
SNIFF_BYTES = 1 << 16  #: bytes read to detect the separator and check the header
#: byte-order marks of text that is not UTF-8 (UTF-32 first: its mark starts like UTF-16's)
UTF_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def detect_separator(sample: str, fmt: str) -> str:
    """Pick the delimiter from the first lines: TSV files use tab; otherwise the most frequent
    of ``, TAB ; |`` on the first line, and runs of white space when none occurs.

    >>> detect_separator("a,b,c\\n1,2,3\\n", "csv"), detect_separator(" 1  2 3\\n", "csv")
    (',', 'whitespace')
    """
    if fmt == "tsv":
        return "\t"
    first = next((line for line in sample.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in CANDIDATE_SEPARATORS}
    best = max(CANDIDATE_SEPARATORS, key=lambda sep: counts[sep])
    if counts[best] > 0:
        return best
    return WHITESPACE if len(first.split()) > 1 else ","


def decode_text(path: Path, raw: bytes | None = None, final: bool = True) -> str:
    """A text file's content (UTF-8, BOM dropped), or that of its first bytes ``raw`` when
    not ``final``; binary or non-UTF-8 files are refused with the line where it occurs."""
    raw = path.read_bytes() if raw is None else raw
    for mark, encoding in UTF_BOMS:
        if raw.startswith(mark):
            raise DataError(f"{path}: is {encoding} text; re-save it as UTF-8")
    if b"\x00" in raw[:4096]:
        raise DataError(f"{path}: is a binary file, not text")
    try:
        return codecs.getincrementaldecoder("utf-8-sig")().decode(raw, final=final)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"{path}: line {line}: byte 0x{raw[exc.start]:02x} is not valid UTF-8; "
            "re-save the file as UTF-8"
        ) from None


#: the note a file whose first line was read as data gets (stderr and the manifest)
FIRST_LINE_AS_DATA = (
    "{name}: line 1 looks like data, not column names: read as a row "
    "(pass --header if it is a header)"
)


def _parse_options(
    text: str, fmt: str, sep: str | None, header: bool | None
) -> tuple[str, dict, bool]:
    """The separator (as recorded), the pandas options every read of this file uses and
    whether it has a header (``None``: decided from the first lines, see header_guess)."""
    separator = sep if sep is not None else detect_separator(text[:65536], fmt)
    if separator in ("\\t", "tab"):
        separator = "\t"
    if header is None:
        header = not first_line_is_data(text[:SNIFF_BYTES], separator)
    pandas_sep = r"\s+" if separator in (WHITESPACE, " ") else separator
    options = {
        "sep": pandas_sep,
        "header": 0 if header else None,
        "dtype": str,
        "keep_default_na": False,
        "na_filter": False,
        "skip_blank_lines": True,
        "engine": "c" if pandas_sep != r"\s+" else "python",
    }
    return separator, options, header


def _notes(path: Path, asked: bool | None, header: bool) -> list[str]:
    return [FIRST_LINE_AS_DATA.format(name=path.name)] if asked is None and not header else []


def resolve_header(path: Path, fmt: str, options: ReadOptions) -> bool:
    """Whether the file is read with a header (``options.header``, or as detected)."""
    if options.header is not None:
        return options.header
    with open(path, "rb") as handle:
        text = decode_text(path, handle.read(SNIFF_BYTES), final=False)
    return _parse_options(text, fmt, options.sep, None)[2]


def _finish(frame: pd.DataFrame, header: bool) -> pd.DataFrame:
    if not header:
        frame.columns = [str(i) for i in range(frame.shape[1])]
    return frame.fillna("")  # short rows: pandas fills NaN even with na_filter off


def read(path: Path, fmt: str, *, sep: str | None = None, header: bool | None = None) -> Table:
    """Read delimited text; every value stays a string so written splits reproduce it."""
    text = decode_text(path)
    if not text.strip():
        raise DataError(f"{path}: file is empty")
    asked = header
    separator, options, header = _parse_options(text, fmt, sep, header)
    if header:
        _check_header(path, text, separator)
    try:
        frame = pd.read_csv(io.StringIO(text), **options)
    except pd.errors.ParserError as exc:
        raise DataError(f"{path}: {_parser_message(exc)}") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: file is empty") from None
    if len(frame) == 0:
        raise DataError(f"{path}: has a header but no data rows")
    if header:
        _check_repeated_header(path, frame)
    return Table(
        path=path,
        format=fmt,
        frame=_finish(frame, header),
        read_options={"sep": separator, "header": header},
        notes=_notes(path, asked, header),
    )


def iter_chunks(
    path: Path, fmt: str, rows: int, *, sep: str | None = None, header: bool | None = None
) -> Iterator[Table]:
    """The file as consecutive tables of at most ``rows`` rows, parsed as :func:`read` does
    (the separator is detected from the first 64 KiB)."""
    with open(path, "rb") as handle:
        text = decode_text(path, handle.read(SNIFF_BYTES), final=False)
    if not text.strip():
        raise DataError(f"{path}: file is empty")
    asked = header
    separator, options, header = _parse_options(text, fmt, sep, header)
    if header:
        _check_header(path, text, separator)
    notes = _notes(path, asked, header)
    read_options = {"sep": separator, "header": header}
    try:
        with pd.read_csv(path, chunksize=rows, encoding="utf-8-sig", **options) as reader:
            first_row = 0
            for frame in reader:
                if header:
                    _check_repeated_header(path, frame, first_row)
                first_row += len(frame)
                yield Table(
                    path, fmt, frame=_finish(frame, header), read_options=read_options, notes=notes
                )
    except pd.errors.ParserError as exc:
        raise DataError(f"{path}: {_parser_message(exc)}") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: file is empty") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: is not valid UTF-8; re-save the file as UTF-8") from None


def _check_header(path: Path, text: str, separator: str) -> None:
    first = next((line for line in text.splitlines() if line.strip()), "")
    if separator in (WHITESPACE, " "):
        names = first.split()
    else:
        try:
            names = next(csv.reader([first], delimiter=separator))
        except csv.Error:  # a field over the csv module's limit: pandas reads it; compare roughly
            names = first.split(separator)
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise DataError(f"{path}: column name {quoted(name)} appears twice in the header")
        seen.add(name)


def _parser_message(exc: Exception) -> str:
    """pandas' parser error in the words of this tool (``row`` there is a 0-based line)."""
    message = str(exc).strip().splitlines()[-1]
    message = message.replace("Error tokenizing data. C error: ", "").rstrip(".")
    unclosed = re.search(r"EOF inside string starting at row (\d+)", message)
    if unclosed:
        line = int(unclosed.group(1)) + 1
        return f'line {line}: a quoted field is never closed (a " without its closing ")'
    return message + " (ragged rows: every row needs the same number of fields)"


def _check_repeated_header(path: Path, frame: pd.DataFrame, first_row: int = 0) -> None:
    """A data row equal to the header, as when CSV files are joined with ``cat``, would be
    read as one more sample (and turn numeric columns into text): refuse it."""
    candidates = np.ones(len(frame), dtype=bool)
    for j, name in enumerate(frame.columns):
        rows = np.flatnonzero(candidates)
        if not len(rows):
            return
        candidates[rows] = frame.iloc[rows, j].to_numpy(dtype=object) == name
    if candidates.any():
        raise DataError(
            f"{path}: row {first_row + int(np.flatnonzero(candidates)[0])} repeats the header "
            "(were files joined together?); remove that line"
        )


def more_rows_than(path: Path, fmt: str, options: ReadOptions, limit: int) -> bool:
    """Whether the file holds more than ``limit`` data rows, parsing no further than needed;
    a file under ``2 × (limit + 1)`` bytes cannot (every row takes a value and a line end)."""
    if path.stat().st_size < 2 * (limit + 1):
        return False
    seen = 0
    for chunk in iter_chunks(
        path, fmt, min(1 << 15, limit + 1), sep=options.sep, header=options.header
    ):
        seen += chunk.n_rows
        if seen > limit:
            return True
    return False


def count_rows(path: Path, fmt: str, options: ReadOptions) -> int:
    """Data rows in the file, parsed chunk by chunk."""
    chunks = iter_chunks(path, fmt, 1 << 15, sep=options.sep, header=options.header)
    return sum(chunk.n_rows for chunk in chunks)


def text(table: Table, rows: np.ndarray, *, header: bool) -> bytes:
    """The given rows as CSV/TSV text, written as the input was read."""
    assert table.frame is not None
    separator = table.read_options.get("sep", ",")
    written = table.frame.iloc[rows].to_csv(
        index=False,
        header=header,
        sep=" " if separator == WHITESPACE else separator,
        lineterminator="\n",
    )
    return written.encode("utf-8")


def write(table: Table, rows: np.ndarray, path: Path) -> None:
    """Write the given input rows (every original column, the header if the input had one)."""
    path.write_bytes(text(table, rows, header=bool(table.read_options.get("header", True))))


class RowWriter:
    """A CSV/TSV subset written chunk by chunk: the same bytes as :func:`write`."""

    def __init__(self, first: Table, path: Path, total_rows: int) -> None:
        self.handle: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed by close()
        if bool(first.read_options.get("header", True)):
            self.handle.write(text(first, np.empty(0, dtype=np.int64), header=True))

    def append(self, chunk: Table, rows: np.ndarray) -> None:
        if len(rows):
            self.handle.write(text(chunk, rows, header=False))

    def close(self) -> None:
        self.handle.close()


class Delimited(FileFormat, ChunkedFormat, ChunkWriter):
    """CSV or TSV text (``name``), claiming the file-name endings ``suffixes``."""

    container = "table"
    description = "a table"
    fits = TABLE_FITS
    values_as_text = True

    def __init__(self, name: str, suffixes: tuple[str, ...]) -> None:
        self.name = name
        self.suffixes = suffixes
        self.data_suffix = f".{name}"

    def read(self, path: Path, options: ReadOptions) -> Table:
        return read(path, self.name, sep=options.sep, header=options.header)

    def write(self, table: Table, rows: np.ndarray, path: Path) -> None:
        write(table, rows, path)

    def chunks(self, path: Path, options: ReadOptions, rows: int) -> Iterator[Table]:
        return iter_chunks(path, self.name, rows, sep=options.sep, header=options.header)

    def count(self, path: Path, options: ReadOptions) -> int:
        return count_rows(path, self.name, options)

    def more_rows_than(self, path: Path, options: ReadOptions, limit: int) -> bool:
        return more_rows_than(path, self.name, options, limit)

    def open_writer(self, first: Table, path: Path, total_rows: int) -> RowWriter:
        return RowWriter(first, path, total_rows)


CSV = Delimited("csv", (".csv", ".txt", ".data", ".data-numeric"))
TSV = Delimited("tsv", (".tsv", ".tab"))
