"""The bad-input corpus (``tests/corpus/make_corpus.py``): every malformed input gets one
clean line and its exit code, with nothing written; every awkward valid input gives the
split of its clean twin."""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benchmake_cli.errors import ExitCode

from .conftest import invoke
from .corpus import TRAP_FILE, Accepted, Corpus, Refused, build

#: built once per test session, in a temporary folder removed at exit
CORPUS = build(Path(tempfile.mkdtemp(prefix="benchmake-corpus-")))
atexit.register(shutil.rmtree, CORPUS.root, ignore_errors=True)


@pytest.fixture
def corpus() -> Corpus:
    return CORPUS


def _find(cases: list, name: str):  # type: ignore[no-untyped-def]
    return next(case for case in cases if case.name == name)


def _split_args(case: Refused | Accepted, data: str, out: str) -> list[str]:
    args = list(case.args)
    if "--out" not in args:
        args += ["--out", out]
    if "--frac" not in args:
        args += ["--frac", "0.2"]
    return ["split", data, *args]


def test_the_corpus_is_large_and_covers_every_reader(corpus: Corpus) -> None:
    assert len(corpus.refused) >= 40
    assert corpus.readers >= {
        "delimited",
        "parquet",
        "npy",
        "npz",
        "hdf5",
        "image-folder",
        "signal-folder",
        "smiles",
        "fasta",
        "text",
        "ogb",
    }
    assert set(ExitCode(case.exit_code) for case in corpus.refused) >= {
        ExitCode.USAGE,
        ExitCode.NOT_FOUND,
        ExitCode.BAD_DATA,
        ExitCode.BAD_PARAMETER,
        ExitCode.OUTPUT,
    }


@pytest.mark.parametrize("name", [case.name for case in CORPUS.refused])
def test_malformed_input_is_refused_cleanly(
    corpus: Corpus, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    case = _find(corpus.refused, name)
    monkeypatch.chdir(corpus.root)
    before = sorted(p.name for p in corpus.root.iterdir())
    out = "splits-" + "".join(c if c.isalnum() else "-" for c in name)
    result = invoke(runner, *_split_args(case, case.data, out))
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == case.exit_code, result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("benchmake: error: "), lines[0]
    assert case.message in lines[0], lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    after = sorted(p.name for p in corpus.root.iterdir())
    assert after == before, "a refused split must write nothing"
    assert not (corpus.root / TRAP_FILE).exists(), "a pickle was loaded"


def _split_rows(runner: CliRunner, case: Accepted, data: str, out: Path) -> tuple[str, str]:
    result = invoke(runner, *_split_args(case, data, str(out)))
    assert result.exit_code == 0, result.stderr
    return (out / "test_indices.txt").read_text(), (out / "train_indices.txt").read_text()


@pytest.mark.parametrize("name", [case.name for case in CORPUS.accepted])
def test_awkward_valid_input_gives_its_twins_split(
    corpus: Corpus,
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    name: str,
) -> None:
    case = _find(corpus.accepted, name)
    monkeypatch.chdir(corpus.root)
    test, train = _split_rows(runner, case, case.data, tmp_path / "awkward")
    twin_test, twin_train = _split_rows(runner, case, case.twin, tmp_path / "twin")
    assert (test, train) == (twin_test, twin_train)
    n_test, n_train = len(test.split()), len(train.split())
    assert n_test >= 1 and n_train >= 1


@pytest.mark.parametrize(
    "name", [case.name for case in CORPUS.refused if case.reader not in ("output", "input")]
)
def test_inspect_reports_or_refuses_each_malformed_input_cleanly(
    corpus: Corpus, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """``inspect`` reads as ``split`` does: it refuses what cannot be read with the same
    line and code, and reports what ``split`` would refuse to encode (exit 0)."""
    case = _find(corpus.refused, name)
    monkeypatch.chdir(corpus.root)
    result = invoke(runner, "inspect", case.data, *case.args, "--json")
    assert "Traceback" not in result.stderr + result.stdout
    if result.exit_code == 0:
        assert json.loads(result.stdout)["problems"], "inspect must report what split refuses"
        return
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == case.exit_code and len(lines) == 1, result.stderr
    assert lines[0].startswith("benchmake: error: ") and case.message in lines[0]
