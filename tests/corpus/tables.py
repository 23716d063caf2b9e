"""Malformed CSV, TSV and Parquet files."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .cases import BAD_DATA, BAD_PARAMETER, USAGE, Refused, numbers, parquet, write


def refused(root: Path) -> list[Refused]:
    good = numbers()
    lines = good.splitlines(keepends=True)
    valid_parquet = root / "valid.parquet"
    pq.write_table(pa.table({"a": [1.0, 2.0, 3.0, 4.0], "b": [4.0, 3.0, 1.0, 2.0]}), valid_parquet)
    parquet_bytes = valid_parquet.read_bytes()
    cases = [
        ("zero-byte csv", "empty.csv", "", (), BAD_DATA, "empty.csv: file is empty"),
        ("blank lines only", "blank.csv", "\n\n  \n", (), BAD_DATA, "blank.csv: file is empty"),
        ("header only", "header.csv", "a,b,c\n", (), BAD_DATA, "header.csv: has a header but no"),
        (
            "truncated mid-row",
            "truncated.csv",
            good[: len(good) - 12],
            (),
            BAD_DATA,
            "truncated.csv: row 19, column 'c': missing value",
        ),
        (
            "unknown extension",
            "data.xyz",
            good,
            (),
            BAD_DATA,
            "data.xyz: unknown file type '.xyz'",
        ),
        (
            "no extension",
            "datafile",
            good,
            (),
            BAD_DATA,
            "datafile: unknown file type '(no extension)'",
        ),
        (
            "binary garbage named .csv",
            "garbage.csv",
            bytes(range(256)) * 8,
            (),
            BAD_DATA,
            "garbage.csv: is a binary file",
        ),
        (
            "Parquet bytes named .csv",
            "parquet_inside.csv",
            parquet_bytes,
            (),
            BAD_DATA,
            "parquet_inside.csv: is a binary file",
        ),
        (
            "UTF-16 text",
            "utf16.csv",
            good.encode("utf-16"),
            (),
            BAD_DATA,
            "utf16.csv: is UTF-16 text; re-save it as UTF-8",
        ),
        (
            "non-UTF-8 byte",
            "latin1.csv",
            (lines[0] + lines[1] + "".join(lines[2:]))
            .replace("a,b,c", "a,b,caf\xe9")
            .encode("latin-1"),
            (),
            BAD_DATA,
            "latin1.csv: line 1: byte 0xe9 is not valid UTF-8",
        ),
        (
            "ragged rows",
            "ragged.csv",
            lines[0] + lines[1] + lines[2].rstrip("\n") + ",9.5\n" + "".join(lines[3:]),
            (),
            BAD_DATA,
            "ragged.csv: Expected 3 fields in line 3, saw 4",
        ),
        (
            "short row",
            "short.csv",
            "".join(lines[:5]) + "1.5,2.5\n" + "".join(lines[5:]),
            (),
            BAD_DATA,
            "short.csv: row 4, column 'c': missing value",
        ),
        (
            "unclosed quote",
            "quote.csv",
            "".join(lines[:4]) + '"1.5,2.5,3.5\n' + "".join(lines[4:]),
            (),
            BAD_DATA,
            "quote.csv: line 5: a quoted field is never closed",
        ),
        (
            "duplicate column names",
            "dupcols.csv",
            good.replace("a,b,c", "a,b,a", 1),
            (),
            BAD_DATA,
            "dupcols.csv: column name 'a' appears twice in the header",
        ),
        (
            "header repeated mid-file",
            "concatenated.csv",
            good + good,
            (),
            BAD_DATA,
            "concatenated.csv: row 20 repeats the header",
        ),
        (
            "NaN value",
            "nan.csv",
            "".join(lines[:3]) + "0.5,NaN,1.5\n" + "".join(lines[3:]),
            (),
            BAD_DATA,
            "nan.csv: row 2, column 'b': missing value",
        ),
        (
            "inf value",
            "inf.csv",
            "".join(lines[:6]) + "-inf,0.5,1.5\n" + "".join(lines[6:]),
            (),
            BAD_DATA,
            "inf.csv: row 5, column 'a': value -inf is not finite",
        ),
        (
            "number past float64",
            "overflow.csv",
            "".join(lines[:4]) + "0.5,1e309,1.5\n" + "".join(lines[4:]),
            (),
            BAD_DATA,
            "overflow.csv: row 3, column 'b': value inf is not finite",
        ),
        (
            "zero variance",
            "constant.csv",
            "a,b\n" + "3.5,-1\n" * 12,
            (),
            BAD_DATA,
            "constant.csv: every feature is constant (2 columns)",
        ),
        (
            "a single row",
            "one_row.csv",
            "a,b\n1,2\n",
            (),
            BAD_PARAMETER,
            "one_row.csv: --frac 0.2 of 1 row puts every row in the test set",
        ),
        (
            "two rows, frac leaves no training row",
            "two_rows.csv",
            "a,b\n1,2\n3,5\n",
            ("--frac", "0.6"),
            BAD_PARAMETER,
            "leaves the training set empty",
        ),
        ("frac 0", "frac_zero.csv", good, ("--frac", "0"), BAD_PARAMETER, "--frac 0.0: must be"),
        ("frac 1", "frac_one.csv", good, ("--frac", "1"), BAD_PARAMETER, "--frac 1.0: must be"),
        (
            "frac above 1",
            "frac_big.csv",
            good,
            ("--frac", "1.5"),
            BAD_PARAMETER,
            "--frac 1.5: must be between 0 and 1",
        ),
        (
            "negative frac",
            "frac_negative.csv",
            good,
            ("--frac", "-0.2"),
            BAD_PARAMETER,
            "--frac -0.2: must be between 0 and 1",
        ),
        (
            "frac NaN",
            "frac_nan.csv",
            good,
            ("--frac", "nan"),
            BAD_PARAMETER,
            "--frac nan: must be between 0 and 1",
        ),
        (
            "frac not a number",
            "frac_text.csv",
            good,
            ("--frac", "fifth"),
            USAGE,
            "Invalid value for '--frac'",
        ),
        (
            "target column missing",
            "no_target.csv",
            good,
            ("--target", "price"),
            BAD_PARAMETER,
            "--target 'price': no such column in no_target.csv; columns are: a, b, c",
        ),
        (
            "feature column missing",
            "no_feature.csv",
            good,
            ("--features", "a,zz"),
            BAD_PARAMETER,
            "--features 'zz': no such column in no_feature.csv",
        ),
        (
            "empty cell",
            "empty_cell.csv",
            "".join(lines[:8]) + "0.5,,1.5\n" + "".join(lines[8:]),
            (),
            BAD_DATA,
            "empty_cell.csv: row 7, column 'b': missing value; fill it in or pass --drop-missing",
        ),
        (
            "text column under --strict",
            "strict.csv",
            "a,kind\n1,x\n2,y\n3,x\n4,y\n5,x\n",
            ("--strict",),
            BAD_DATA,
            "strict.csv: column 'kind' is not numeric (for example 'x')",
        ),
        (
            "identifier column as a feature",
            "identifier.csv",
            "name,a\n" + "".join(f"s{i},{i % 5}\n" for i in range(12)),
            (),
            BAD_DATA,
            "identifier.csv: column 'name' has a different text value in every row",
        ),
        (
            "row index saved with the data",
            "saved_index.csv",
            "," + lines[0] + "".join(f"{i},{line}" for i, line in enumerate(lines[1:])),
            (),
            BAD_DATA,
            "saved_index.csv: column 'Unnamed: 0' has no name in the header",
        ),
        (
            "wrong --sep",
            "wrong_sep.csv",
            good,
            ("--sep", ";"),
            BAD_DATA,
            "wrong_sep.csv: column 'a,b,c' has a different text value in every row",
        ),
        (
            "TSV with ragged rows",
            "ragged.tsv",
            "a\tb\n1\t2\n3\t4\t5\n6\t7\n",
            (),
            BAD_DATA,
            "ragged.tsv: Expected 2 fields in line 3, saw 3",
        ),
    ]
    refused = [
        Refused(name, "delimited", write(root, file, content), args, code, message)
        for name, file, content, args, code, message in cases
    ]

    truncated = parquet_bytes[: len(parquet_bytes) // 2]
    nested = pa.table({"a": [1.0, 2.0, 3.0, 4.0], "v": [[1, 2], [3], [4, 5], [6]]})
    duplicate = pa.Table.from_arrays(
        [pa.array([1.0, 2.0, 3.0]), pa.array([3.0, 1.0, 2.0])], ["a", "a"]
    )
    with_null = pa.table({"a": [1.0, 2.0, None, 4.0, 5.0], "b": [5.0, 3.0, 1.0, 2.0, 4.0]})
    empty = pa.table({"a": pa.array([], pa.float64()), "b": pa.array([], pa.float64())})
    refused += [
        Refused(
            "zero-byte Parquet",
            "parquet",
            write(root, "empty.parquet", b""),
            (),
            BAD_DATA,
            "empty.parquet: file is empty",
        ),
        Refused(
            "truncated Parquet",
            "parquet",
            write(root, "truncated.parquet", truncated),
            (),
            BAD_DATA,
            "truncated.parquet: not a readable Parquet file",
        ),
        Refused(
            "CSV text named .parquet",
            "parquet",
            write(root, "text.parquet", good),
            (),
            BAD_DATA,
            "text.parquet: not a readable Parquet file",
        ),
        Refused(
            "Parquet with no rows",
            "parquet",
            parquet(root, "no_rows.parquet", empty),
            (),
            BAD_DATA,
            "no_rows.parquet: has columns but no data rows",
        ),
        Refused(
            "Parquet with duplicate column names",
            "parquet",
            parquet(root, "dupcols.parquet", duplicate),
            (),
            BAD_DATA,
            "dupcols.parquet: column name 'a' appears twice",
        ),
        Refused(
            "Parquet with nested values",
            "parquet",
            parquet(root, "nested.parquet", nested),
            (),
            BAD_DATA,
            "nested.parquet: column 'v' holds nested values (list<element: int64>)",
        ),
        Refused(
            "Parquet with a null",
            "parquet",
            parquet(root, "null.parquet", with_null),
            (),
            BAD_DATA,
            "null.parquet: row 2, column 'a': missing value",
        ),
    ]
    valid_parquet.unlink()
    return refused
