"""Bad input: one line on stderr naming the file, row or column; the documented exit code;
no traceback; nothing written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from benchmake_cli.errors import ExitCode

from .conftest import assert_clean_failure, invoke


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _numbers(tmp_path: Path) -> Path:
    return _write(tmp_path / "ok.csv", "a,b\n" + "".join(f"{i},{i * i % 7}\n" for i in range(20)))


CASES: list[tuple[str, Callable[[Path], Path], tuple[str, ...], int, str]] = [
    ("missing file", lambda t: t / "nope.csv", (), ExitCode.NOT_FOUND, "nope.csv: no such file"),
    (
        "unknown extension",
        lambda t: _write(t / "d.xyz", "a,b\n1,2\n"),
        (),
        ExitCode.BAD_DATA,
        "d.xyz: unknown file type '.xyz'",
    ),
    (
        "empty file",
        lambda t: _write(t / "e.csv", ""),
        (),
        ExitCode.BAD_DATA,
        "e.csv: file is empty",
    ),
    (
        "header only",
        lambda t: _write(t / "h.csv", "a,b,c\n"),
        (),
        ExitCode.BAD_DATA,
        "h.csv: has a header but no data rows",
    ),
    (
        "single row",
        lambda t: _write(t / "one.csv", "a,b\n1,2\n"),
        (),
        ExitCode.BAD_PARAMETER,
        "of 1 row puts every row in the test set",
    ),
    (
        "frac zero",
        _numbers,
        ("--frac", "0"),
        ExitCode.BAD_PARAMETER,
        "--frac 0.0: must be between 0 and 1",
    ),
    (
        "frac one",
        _numbers,
        ("--frac", "1"),
        ExitCode.BAD_PARAMETER,
        "--frac 1.0: must be between 0 and 1",
    ),
    (
        "frac negative",
        _numbers,
        ("--frac", "-0.2"),
        ExitCode.BAD_PARAMETER,
        "must be between 0 and 1",
    ),
    (
        "frac leaves train empty",
        lambda t: _write(t / "two.csv", "a\n1\n2\n"),
        ("--frac", "0.6"),
        ExitCode.BAD_PARAMETER,
        "leaves the training set empty",
    ),
    (
        "missing target column",
        _numbers,
        ("--target", "price"),
        ExitCode.BAD_PARAMETER,
        "--target 'price': no such column in ok.csv; columns are: a, b",
    ),
    (
        "missing feature column",
        _numbers,
        ("--features", "a,zz"),
        ExitCode.BAD_PARAMETER,
        "--features 'zz': no such column",
    ),
    (
        "all features constant",
        lambda t: _write(t / "c.csv", "a,b\n" + "3,4\n" * 10),
        (),
        ExitCode.BAD_DATA,
        "every feature is constant",
    ),
    (
        "NaN value",
        lambda t: _write(t / "n.csv", "a,b\n1,2\n3,nan\n5,6\n7,8\n"),
        (),
        ExitCode.BAD_DATA,
        "n.csv: row 1, column 'b': missing value; fill it in or pass --drop-missing",
    ),
    (
        "empty cell",
        lambda t: _write(t / "m.csv", "a,b\n1,2\n3,4\n5,\n7,8\n"),
        (),
        ExitCode.BAD_DATA,
        "m.csv: row 2, column 'b': missing value",
    ),
    (
        "inf value",
        lambda t: _write(t / "i.csv", "a,b\n1,2\n3,4\ninf,6\n7,8\n"),
        (),
        ExitCode.BAD_DATA,
        "i.csv: row 2, column 'a': value inf is not finite",
    ),
    (
        "non-numeric under strict",
        lambda t: _write(t / "s.csv", "a,kind\n1,x\n2,y\n3,x\n4,y\n5,x\n"),
        ("--strict",),
        ExitCode.BAD_DATA,
        "s.csv: column 'kind' is not numeric (for example 'x')",
    ),
    (
        "corrupt parquet",
        lambda t: (
            (t / "bad.parquet").write_bytes(b"PAR1" + b"\x00garbage" * 20) and t / "bad.parquet"
        ),
        (),
        ExitCode.BAD_DATA,
        "bad.parquet: not a readable Parquet file",
    ),
    (
        "object npy",
        lambda t: (
            np.save(t / "o.npy", np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
            or t / "o.npy"
        ),
        (),
        ExitCode.BAD_DATA,
        "o.npy: holds Python objects (pickle); benchmake never loads pickles",
    ),
    (
        "binary garbage named csv",
        lambda t: (t / "g.csv").write_bytes(bytes(range(256)) * 4) and t / "g.csv",
        (),
        ExitCode.BAD_DATA,
        "g.csv: is a binary file",
    ),
    (
        "ragged rows",
        lambda t: _write(t / "r.csv", "a,b\n1,2\n3,4,5\n6,7\n"),
        (),
        ExitCode.BAD_DATA,
        "r.csv: Expected 2 fields in line 3, saw 3",
    ),
    (
        "duplicate column names",
        lambda t: _write(t / "dup.csv", "a,a\n1,2\n3,4\n"),
        (),
        ExitCode.BAD_DATA,
        "dup.csv: column name 'a' appears twice",
    ),
]


@pytest.mark.parametrize(
    ("make", "extra", "code", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_gives_one_line_exit_code_and_no_output(
    runner: CliRunner,
    tmp_path: Path,
    make: Callable[[Path], Path],
    extra: tuple[str, ...],
    code: int,
    message: str,
) -> None:
    data = make(tmp_path)
    out = tmp_path / "out"
    args = ["split", data, "--out", out, *extra]
    if "--frac" not in extra:
        args += ["--frac", "0.2"]
    assert_clean_failure(invoke(runner, *args), tmp_path, out, code, message)


def test_usage_errors_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(runner, "split", "x.csv", "--out", tmp_path / "o")  # --frac missing
    assert result.exit_code == ExitCode.USAGE


def test_one_hot_is_the_default_for_text_columns(tmp_path: Path, runner: CliRunner) -> None:
    pd.DataFrame({"a": range(10), "kind": list("xyzxyzxyzx")}).to_csv(
        tmp_path / "k.csv", index=False
    )
    result = invoke(runner, "split", tmp_path / "k.csv", "--frac", "0.2", "--out", tmp_path / "o")
    assert result.exit_code == 0, result.stderr
