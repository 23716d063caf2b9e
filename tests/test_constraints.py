"""Constraints declared once: the library refuses out-of-range values before any I/O and
names them; the command line renders the field as its flag; verify refuses a manifest whose
recorded parameters split would refuse; help a person reads at 80 columns."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from benchmake_cli import split_file
from benchmake_cli.cli import app
from benchmake_cli.errors import (
    DataError,
    ExitCode,
    InputNotFoundError,
    ManifestError,
    OutputError,
    ParameterError,
)
from benchmake_cli.request import (
    PARAMETER_CONSTRAINTS,
    SplitRequest,
    UnknownKeywordError,
    reading,
)

from .conftest import invoke

ALLOYS = Path(__file__).resolve().parent.parent / "sample_data" / "alloys.csv"
ARCHIVE = Path(__file__).resolve().parent / "golden" / "bundles" / "alloys_csv_cli" / "bundle"


@pytest.mark.parametrize(
    ("keyword", "value", "message"),
    [
        ("iterations", 0, "iterations 0: must be an integer in [1, 100000]"),
        ("tol", -1.0, "tol -1.0: must be a number >= 0"),
        ("seed", -3, "seed -3: must be an integer in [0, 4294967295]"),
        ("threads", 0, "threads 0: must be an integer >= 1 or None (the default)"),
        ("resample", 1, "resample 1: must be an integer >= 2 or None (the default)"),
    ],
)
def test_the_library_refuses_each_value_before_reading_naming_it(
    tmp_path: Path, keyword: str, value: Any, message: str
) -> None:
    # A missing input: the value is refused before the path is even looked at.
    with pytest.raises(ParameterError) as caught:
        split_file(tmp_path / "missing.csv", frac=0.2, **{keyword: value})
    assert str(caught.value) == message
    assert caught.value.parameter == keyword


def test_the_issue_snippet_is_refused_naming_one_of_its_bad_values() -> None:
    with pytest.raises(ValueError, match=r"^resample 1: must be an integer >= 2") as caught:
        split_file(ALLOYS, frac=0.2, iterations=0, tol=-1.0, seed=-3, threads=0, resample=1)
    assert isinstance(caught.value, ParameterError) and caught.value.parameter == "resample"


@pytest.mark.parametrize(
    ("keyword", "value", "message"),
    [
        ("iterations", 100_001, "iterations 100001: must be an integer in [1, 100000]"),
        ("iterations", 2.5, "iterations 2.5: must be an integer in [1, 100000]"),
        ("tol", float("nan"), "tol nan: must be a number >= 0"),
        ("device", "tpu", "device 'tpu': must be one of auto, cpu, gpu"),
        ("tokens", "words", "tokens 'words': must be one of chars, smiles"),
        ("kmer", 0, "kmer 0: must be an integer >= 1"),
        ("jobs", True, "jobs True: must be an integer >= 1"),
    ],
)
def test_other_out_of_range_values_are_refused(keyword: str, value: Any, message: str) -> None:
    with pytest.raises(ParameterError, match=f"^{re.escape(message)}$"):
        SplitRequest.from_options(ALLOYS, frac=0.2, **{keyword: value})


def test_reading_alone_checks_its_fields_too() -> None:
    with pytest.raises(ParameterError, match=r"^kmer 0: must be an integer >= 1$"):
        reading(kmer=0)


@pytest.mark.parametrize(("wrong", "right"), [("id_col", "id_columns"), ("no_header", "header")])
def test_a_misspelt_keyword_suggests_the_field(wrong: str, right: str) -> None:
    with pytest.raises(TypeError) as caught:
        split_file(ALLOYS, frac=0.2, **{wrong: ["x"]})
    assert isinstance(caught.value, UnknownKeywordError)
    assert str(caught.value) == (
        f"split_file() got an unexpected keyword argument {wrong!r}; did you mean `{right}`?"
    )


def test_the_base_errors_are_built_in_exceptions_with_their_exit_codes() -> None:
    assert isinstance(InputNotFoundError("x"), FileNotFoundError)
    assert isinstance(DataError("x"), ValueError) and isinstance(ParameterError("x"), ValueError)
    assert isinstance(OutputError("x"), OSError) and isinstance(ManifestError("x"), ValueError)
    assert (InputNotFoundError.exit_code, DataError.exit_code, ManifestError.exit_code) == (3, 4, 8)


def test_the_command_line_names_the_field_as_its_flag(tmp_path: Path, runner: CliRunner) -> None:
    result = invoke(runner, "split", ALLOYS, "--frac", "0.2", "--key", ",", "--out", tmp_path / "o")
    assert result.exit_code == ExitCode.BAD_PARAMETER
    assert result.stderr == "benchmake: error: --key ',': name at least one\n"
    assert not (tmp_path / "o").exists()


def test_typer_ranges_come_from_the_declared_constraints(tmp_path: Path, runner: CliRunner) -> None:
    result = invoke(
        runner, "split", ALLOYS, "--frac", "0.2", "--iterations", "100001", "--out", tmp_path / "o"
    )
    assert result.exit_code == ExitCode.USAGE
    assert "'--iterations': Input should be less than or equal to 100000" in result.stderr
    assert PARAMETER_CONSTRAINTS["iterations"][0].typer_bounds == {"min": 1, "max": 100_000}  # type: ignore[union-attr]


def _edited_bundle(tmp_path: Path, **parameters: Any) -> Path:
    bundle = tmp_path / "bundle"
    shutil.copytree(ARCHIVE, bundle)
    path = bundle / "manifest.json"
    text = path.read_text()
    for name, value in parameters.items():
        text, count = re.subn(rf'"{name}": [^,\n}}]+', f'"{name}": {value}', text, count=1)
        assert count == 1, name
    path.write_text(text)
    return bundle


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        (
            {"iterations": "1e9", "tol": "0"},
            "manifest field method.parameters.iterations 1000000000.0: must be an integer in "
            "[1, 100000]",
        ),
        ({"frac": "1.5"}, "manifest field method.parameters.frac 1.5: must be a number in (0, 1)"),
        ({"tol": "-1"}, "manifest field method.parameters.tol -1: must be a number >= 0"),
    ],
)
@pytest.mark.parametrize("command", ["verify", "card"])
def test_verify_refuses_recorded_parameters_split_would_refuse(
    tmp_path: Path, runner: CliRunner, edits: dict[str, str], message: str, command: str
) -> None:
    bundle = _edited_bundle(tmp_path, **edits)
    result = invoke(runner, command, bundle)
    assert result.exit_code == ExitCode.BAD_MANIFEST
    assert result.stderr == f"benchmake: error: {bundle / 'manifest.json'}: {message}\n"


def test_a_5000_digit_seed_is_refused_on_one_line(tmp_path: Path, runner: CliRunner) -> None:
    bundle = _edited_bundle(tmp_path, seed="9" * 5000)
    result = invoke(runner, "verify", bundle)
    assert result.exit_code == ExitCode.BAD_MANIFEST
    assert result.stderr.startswith("benchmake: error: ") and result.stderr.count("\n") == 1
    assert result.stderr == (
        f"benchmake: error: {bundle / 'manifest.json'}: a number of 5,000 characters "
        "(9999999999…999999999); at most 40\n"
    )


def test_load_split_refuses_them_too(tmp_path: Path) -> None:
    from benchmake_cli import load_split

    bundle = _edited_bundle(tmp_path, iterations="1e9", tol="0")
    with pytest.raises(ManifestError, match=r"method\.parameters\.iterations 1000000000\.0"):
        load_split(bundle)


def test_the_archive_s_recorded_parameters_are_accepted() -> None:
    manifest = json.loads((ARCHIVE / "manifest.json").read_text())
    assert manifest["method"]["parameters"]["iterations"] == 200  # and it verifies: test_archive


def _help(command: str) -> str:
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "80"}, color=False)
    assert result.exit_code == 0
    return result.stdout


@pytest.mark.parametrize("command", ["split", "evaluate", "inspect", "verify"])
def test_help_at_80_columns_wraps_paragraphs_and_shows_no_placeholders(command: str) -> None:
    text = _help(command)
    assert max(len(line) for line in text.splitlines()) <= 80
    options = [line for line in text.splitlines() if "--help" not in line]
    assert not any("<bool>" in line for line in options)
    if command == "split":
        # The issue's example: a sentence broken at the source's line ends, then re-wrapped.
        assert "JPEG, TIFF, BMP)" in " ".join(text.split())
        assert not re.search(r"TIFF,\s*\n\s*BMP\)\s*\n", text.split("Reads tables")[1][:200])
        first_panel = text.index("╭─ ", text.index("Options"))
        assert text.index("--frac") < first_panel < text.index("╭─ Method")


def test_split_help_puts_the_rare_options_in_panels() -> None:
    text = _help("split")
    common = text[text.index("╭─ Options") : text.index("╰", text.index("╭─ Options"))]
    assert "--target" in common and "--frac" in common and "--seed" not in common
    for panel in ("Reading tables", "Method", "Execution", "Output"):
        assert f"╭─ {panel} " in text


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("split --method ", {"benchmake-cli", "benchmake-1.1.2", "benchmake-hull"}),
        ("split --device ", {"auto", "cpu", "gpu"}),
        ("inspect --type ", {"auto", "tabular", "image", "sequence", "signal", "graph"}),
        ("split --tokens ", {"chars", "smiles"}),
        ("card --metric ", None),
    ],
)
def test_shells_complete_the_values_of_choice_options(
    words: str, expected: set[str] | None
) -> None:
    env = {
        "_BENCHMAKE_COMPLETE": "complete_bash",
        "COMP_WORDS": f"benchmake {words}",
        "COMP_CWORD": str(len(words.split()) + 1),
    }
    result = CliRunner().invoke(app, [], env=env, prog_name="benchmake")
    values = {line.split(",", 1)[-1] for line in result.stdout.split()}
    if expected is None:  # an Enum: its members
        assert "balanced_accuracy" in values and "rmse" in values
    else:
        assert values == expected


def test_a_recorded_seed_out_of_range_is_named(tmp_path: Path, runner: CliRunner) -> None:
    """Within the parse limit on a number's length (40 characters), the constraint names it."""
    bundle = _edited_bundle(tmp_path, seed="9" * 39)
    result = invoke(runner, "verify", bundle)
    assert result.exit_code == ExitCode.BAD_MANIFEST
    assert result.stderr == (
        f"benchmake: error: {bundle / 'manifest.json'}: manifest field method.parameters.seed "
        "<an integer of about 40 digits>: must be an integer in [0, 4294967295]\n"
    )


def test_the_man_pages_install_with_the_package() -> None:
    import glob

    root = Path(__file__).resolve().parent.parent
    text = (root / "pyproject.toml").read_text()
    section = text.split("[tool.setuptools.data-files]\n", 1)[1].split("\n[", 1)[0]
    patterns = re.findall(r'^"share/man/man1" = \[(.*)\]$', section, flags=re.M)
    globs = [p.strip().strip('"') for p in patterns[0].split(",")]
    installed = {Path(p).name for pattern in globs for p in glob.glob(str(root / pattern))}
    assert installed == {p.name for p in (root / "man").glob("*.1")}
    assert {"benchmake.1", "benchmake-split.1", "benchmake-verify.1"} <= installed


def test_split_file_lists_every_request_keyword_and_nothing_else() -> None:
    import inspect

    from benchmake_cli.request import request_keywords

    listed = set(inspect.signature(split_file).parameters) - {"path", "progress"}
    assert listed == set(request_keywords())
    doc = split_file.__doc__ or ""
    assert "Parameters\n    ----------" in doc
    parameters = doc.split("Parameters\n    ----------", 1)[1].split("\n    Returns", 1)[0]
    # numpydoc entries: "    name : type" or "    name, other : type"
    entries = re.findall(r"^    (\w+(?:, \w+)*) : ", parameters, re.M)
    documented = {name for entry in entries for name in entry.split(", ")}
    assert set(request_keywords()) - documented == set()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            "partition",
            "partition() got an unexpected keyword argument 'testsize'; did you mean `test_size`?",
        ),
        (
            "load_split",
            "load_split() got an unexpected keyword argument 'verfy'; did you mean `verify`?",
        ),
        (
            "evaluate_file",
            "evaluate_file() got an unexpected keyword argument 'setting'; did you mean `settings`?",
        ),
    ],
)
def test_every_public_function_suggests_its_keywords(call: str, message: str) -> None:
    import benchmake_cli

    function = getattr(benchmake_cli, call)
    wrong = message.split("'")[1]
    with pytest.raises(UnknownKeywordError, match=f"^{re.escape(message)}$"):
        function("x", "y", **{wrong: 1}) if call == "evaluate_file" else function("x", **{wrong: 1})
    assert "Parameters\n    ----------" in (function.__doc__ or "")
