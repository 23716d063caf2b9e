"""Ctrl-C and SIGTERM map to their documented exit codes, deterministically: the signal is
raised inside the running split (no race with a child process), at a chosen step."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benchmake_cli.bundle import staging
from benchmake_cli.cli.common import run_core
from benchmake_cli.errors import ExitCode

from .conftest import invoke

SIGNALS = pytest.mark.parametrize(
    ("send", "code", "message"),
    [
        (signal.SIGINT, 130, "benchmake: error: interrupted\n"),
        (signal.SIGTERM, 143, "benchmake: error: terminated\n"),
    ],
    ids=["SIGINT", "SIGTERM"],
)


@pytest.fixture(autouse=True)
def _sigint_raises_keyboard_interrupt():  # type: ignore[no-untyped-def]
    """Python's own Ctrl-C handler, whatever this process inherited: a shell's background
    job starts with SIGINT ignored, and the signal would then do nothing at all."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def _raise(send: signal.Signals) -> None:
    """Deliver ``send`` to this process and let its handler run."""
    signal.raise_signal(send)
    time.sleep(0.05)  # a handler runs between bytecodes; never reached when it raises


def test_the_exit_codes_are_the_documented_numbers() -> None:
    assert int(ExitCode.INTERRUPTED) == 130 and int(ExitCode.TERMINATED) == 143


@SIGNALS
def test_run_core_maps_the_signal_to_its_exit_code(
    send: signal.Signals, code: int, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import typer

    with pytest.raises(typer.Exit) as ended:
        run_core(lambda: _raise(send))
    assert ended.value.exit_code == code
    assert capsys.readouterr().err == message


def test_run_core_puts_the_sigterm_handler_back() -> None:
    before = signal.getsignal(signal.SIGTERM)
    run_core(lambda: None)
    assert signal.getsignal(signal.SIGTERM) is before


@SIGNALS
@pytest.mark.parametrize(
    "step",
    ["benchmake_cli.method.split.hash_and_scale", "benchmake_cli.bundle.write.write_indices"],
    ids=["computing", "writing"],
)
def test_a_signal_during_a_split_exits_with_its_code_and_writes_nothing(
    send: signal.Signals,
    code: int,
    message: str,
    step: str,
    csv_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module, name = step.rsplit(".", 1)
    real = getattr(__import__(module, fromlist=[name]), name)

    def signalled(*args, **kwargs):  # type: ignore[no-untyped-def]
        _raise(send)
        return real(*args, **kwargs)

    monkeypatch.setattr(step, signalled)
    out = tmp_path / "splits"
    result = invoke(CliRunner(), "split", csv_file, "--frac", "0.2", "--out", out)
    assert result.exit_code == code
    assert result.stderr == message
    assert result.stdout == ""
    assert not out.exists()
    assert not list(tmp_path.glob(f"{staging.TEMP_PREFIX}*"))
