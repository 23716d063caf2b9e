"""The hostile corpus (``tests/hostile/``): every case ends in its documented exit code and
one clean line, never a traceback, a hang, a raw control character or a changed file
around the run (docs/reliability.md, "Threat model")."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from benchmake_cli.errors import BenchmakeError
from benchmake_cli.safe_text import message as safe_message

from .conftest import invoke
from .hostile import LINE_LIMIT, Case, Run, snapshot
from .hostile.base import build_base
from .hostile.cases_data import CASES as DATA_CASES
from .hostile.cases_output import CASES as OUTPUT_CASES
from .hostile.cases_verify import CASES as VERIFY_CASES

CASES: list[Case] = [*OUTPUT_CASES, *VERIFY_CASES, *DATA_CASES]
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture(scope="session")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_base(tmp_path_factory.mktemp("hostile-base"))


def test_the_corpus_covers_every_class_with_150_cases() -> None:
    groups = {case.group for case in CASES}
    assert len(CASES) >= 150 and len(groups) >= 13, (len(CASES), sorted(groups))
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_hostile_case_ends_cleanly(runner, case: Case, base: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path / "case"
    tmp.mkdir()
    cwd = os.getcwd()
    try:
        run = case.build(tmp, base)
        before = snapshot(tmp, run.out)
        out_before = snapshot(run.out) if run.out is not None and run.out.is_dir() else None
        if run.api is not None:
            stdout, stderr, code = _call(run)
        else:
            result = invoke(runner, *run.args)
            stdout, stderr, code = result.stdout, result.stderr, result.exit_code
    finally:
        os.chdir(cwd)
    _assert_output(run, stdout, stderr, code)
    assert snapshot(tmp, run.out) == before, "files around the run changed"
    _assert_out(run, out_before)
    assert not list(tmp_path.rglob(".benchmake-partial*")), "a staging folder was left"


def _call(run: Run) -> tuple[str, str, int]:
    assert run.api is not None
    try:
        run.api()
    except BenchmakeError as exc:
        return "", f"benchmake: error: {safe_message(str(exc))}\n", int(exc.exit_code)
    return "", "", 0


def _assert_output(run: Run, stdout: str, stderr: str, code: int) -> None:
    both = stdout + stderr
    assert code == run.code, both
    assert "Traceback" not in both and "internal error" not in both, both
    assert not RAW_CONTROL.search(both), "a raw control character reached the terminal"
    messages = stderr.splitlines() + [
        line for line in stdout.splitlines() if line.startswith(("ok  ", "FAIL"))
    ]
    assert all(len(line) <= LINE_LIMIT for line in messages), "an over-long message line"
    for word in run.absent:
        assert word not in both, f"{word!r} was echoed"
    if run.stream == "stderr" and run.code not in (0,):
        lines = stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("benchmake: error: "), stderr
        assert run.message in lines[0], lines[0]
    elif run.stream == "stdout" and run.message:
        wanted = [line for line in stdout.splitlines() if run.message in line]
        assert wanted, stdout
        if code == 7:
            assert any(line.startswith("FAIL") for line in wanted), stdout
    if run.check is not None:
        run.check(stdout)


def _assert_out(run: Run, out_before: dict[str, str] | None) -> None:
    if run.out is None or run.out_after == "any":
        return
    if run.out_after == "absent":
        assert not run.out.exists(), "--out was created"
    elif run.out_after == "bundle":
        assert (run.out / "manifest.json").is_file(), "--out holds no bundle"
    elif out_before is None:
        assert not run.out.exists() or run.out.is_file(), "--out appeared"
    else:
        assert snapshot(run.out) == out_before, "--out changed"
