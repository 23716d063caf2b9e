"""Crash safety: a split killed, interrupted or starved of disk leaves nothing that looks
complete, never loses an earlier split, and a re-run succeeds."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from benchmake_cli import verify_manifest
from benchmake_cli.bundle import staging
from benchmake_cli.errors import ExitCode

from .conftest import ROOT, assert_clean_failure, invoke

SPLIT = (sys.executable, "-m", "benchmake_cli", "split")
#: a split that computes for about a second and writes a few MB: time to be caught at it
SLOW = ("--frac", "0.002", "--shard-rows", "0", "--iterations", "10", "--tol", "0")
#: runs tried before a race is called lost (a fast machine can finish before the signal)
ATTEMPTS = 5


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("data") / "big.csv"
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.random((30_000, 30)).round(6), columns=[f"x{i}" for i in range(30)])
    frame.to_csv(path, index=False)
    return path


def _start(data: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    command = [*SPLIT, str(data), "--out", str(out)]
    return subprocess.Popen(
        [*command, *SLOW, *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
    )


def _default_sigint() -> None:
    """The child gets Ctrl-C's default action: a shell's background job (a CI step, a
    mutation run) starts with SIGINT ignored, and Python would then never see it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _kill(process: subprocess.Popen[str]) -> None:
    """SIGKILL, then collect the process and close its pipes."""
    process.kill()
    process.communicate()


def _staging(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f"{staging.TEMP_PREFIX}{out.name}-*"))


def _wait_for_staging(process: subprocess.Popen[str], out: Path, timeout: float = 60) -> bool:
    """Wait until the run is writing its files (its staging folder exists)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if _staging(out):
            return True
        time.sleep(0.002)
    return False


def _assert_nothing_or_complete(out: Path, data: Path) -> None:
    """What a dead run leaves in ``out``: nothing, or (if it had finished) a whole split."""
    if out.exists():
        assert verify_manifest(out / "manifest.json", data=data).ok


def _kill_while_writing(data: Path, out: Path) -> bool:
    """Start a split and SIGKILL it once it writes; ``False`` when it finished first (its
    output, verified complete, is then removed so the next try starts clean)."""
    process = _start(data, out)
    caught = _wait_for_staging(process, out)
    _kill(process)
    _assert_nothing_or_complete(out, data)
    if out.exists():
        shutil.rmtree(out)
        return False
    return caught


def test_sigkill_while_writing_leaves_nothing_and_a_rerun_succeeds(
    big_csv: Path, tmp_path: Path
) -> None:
    out = tmp_path / "splits"
    for delay in (0.0, 0.5, 1.0):  # while reading and computing
        process = _start(big_csv, out)
        time.sleep(delay)
        _kill(process)
        _assert_nothing_or_complete(out, big_csv)
        if out.exists():  # it finished before the kill: complete, as it must be
            shutil.rmtree(out)
    # killed the moment it starts writing; a run that finishes first is tried again
    caught = any(_kill_while_writing(big_csv, out) for _ in range(ATTEMPTS))
    assert caught, f"no run of {ATTEMPTS} was caught writing its files"
    assert not out.exists()
    assert _staging(out), "a run killed while writing leaves its staging folder"
    rerun = _start(big_csv, out)
    _, stderr = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, stderr
    assert verify_manifest(out / "manifest.json", data=big_csv).ok
    assert not _staging(out), "the re-run removes the staging folders of dead runs"


def test_sigkill_during_force_keeps_the_earlier_split(big_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "splits"
    earlier = _start(big_csv, out, "--seed", "3")
    earlier.communicate(timeout=120)
    assert earlier.returncode == 0
    manifest = (out / "manifest.json").read_bytes()
    process = _start(big_csv, out, "--force")
    assert _wait_for_staging(process, out)
    _kill(process)
    assert (out / "manifest.json").read_bytes() in (manifest, *_finished(process, out))
    assert verify_manifest(out / "manifest.json", data=big_csv).ok


def _finished(process: subprocess.Popen[str], out: Path) -> tuple[bytes, ...]:
    """The manifest a run wrote if it finished before its kill landed."""
    return ((out / "manifest.json").read_bytes(),) if process.returncode == 0 else ()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_folder_moved_aside_by_a_dead_run_is_put_back(csv_file: Path, tmp_path: Path) -> None:
    """A ``--force`` run that died between moving the old split aside and renaming the new
    one into place: the next run restores the old split before anything else."""
    out = tmp_path / "splits"
    runner = CliRunner()
    assert invoke(runner, "split", csv_file, "--frac", "0.2", "--out", out).exit_code == 0
    host = staging._host()
    leftover = tmp_path / f"{staging.TEMP_PREFIX}splits-{host}-{_dead_pid()}-abc123"
    leftover.mkdir()
    out.rename(leftover / staging.REPLACED)
    result = invoke(runner, "split", csv_file, "--frac", "0.2", "--out", out)
    assert result.exit_code == ExitCode.OUTPUT  # the old split is back, and not overwritten
    assert "folder is not empty; pass --force" in result.stderr
    assert verify_manifest(out / "manifest.json", data=csv_file).ok
    assert not leftover.exists()


def test_a_live_runs_staging_folder_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "splits"
    mine = tmp_path / f"{staging.TEMP_PREFIX}splits-{staging._host()}-{os.getpid()}-xyz"
    mine.mkdir()
    other_host = tmp_path / f"{staging.TEMP_PREFIX}splits-elsewhere-{_dead_pid()}-xyz"
    other_host.mkdir()
    assert staging.recover_leftovers(out) == []
    assert mine.exists() and other_host.exists()


@pytest.mark.parametrize(
    ("send", "code", "message"),
    [
        (signal.SIGINT, ExitCode.INTERRUPTED, "benchmake: error: interrupted"),
        (signal.SIGTERM, ExitCode.TERMINATED, "benchmake: error: terminated"),
    ],
    ids=["SIGINT", "SIGTERM"],
)
@pytest.mark.parametrize("when", ["computing", "writing"])
def test_a_signal_ends_the_run_with_one_line_and_no_output(
    big_csv: Path, tmp_path: Path, send: signal.Signals, code: int, message: str, when: str
) -> None:
    out = tmp_path / "splits"
    for _ in range(ATTEMPTS):  # a run that finishes before the signal lands is tried again
        process = _start(big_csv, out, *(("--iterations", "1000") if when == "computing" else ()))
        if when == "writing":
            _wait_for_staging(process, out)
        else:
            assert process.stderr is not None
            for line in process.stderr:  # plain progress: a line once a stage runs for 1 s
                if "factorizing" in line:
                    break
        process.send_signal(send)
        stdout, stderr = process.communicate(timeout=60)
        if process.returncode != 0:
            break
        shutil.rmtree(out)
    else:
        pytest.fail(f"every one of {ATTEMPTS} runs finished before the signal landed")
    errors = [line for line in stderr.splitlines() if line.startswith("benchmake: error")]
    assert process.returncode == code, stderr
    assert errors == [message], stderr
    assert "Traceback" not in stderr and stdout == ""
    assert not out.exists() and not _staging(out)


def _limit_file_size() -> None:
    import resource  # POSIX only

    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))


def test_a_write_that_fails_for_want_of_space_leaves_no_output(tmp_path: Path) -> None:
    """A real failed write: the kernel refuses to grow a file past RLIMIT_FSIZE (EFBIG), as
    a full disk refuses with ENOSPC (CPython ignores SIGXFSZ, so the write raises)."""
    data = tmp_path / "data.csv"
    rng = np.random.default_rng(1)
    pd.DataFrame(rng.random((3000, 12)).round(6)).add_prefix("x").to_csv(data, index=False)
    assert data.stat().st_size > 200_000
    out = tmp_path / "splits"
    done = subprocess.run(
        [*SPLIT, str(data), "--frac", "0.2", "--out", str(out), "--iterations", "5"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size,
    )
    assert done.returncode == ExitCode.OUTPUT, done.stderr
    assert done.stderr.strip() == f"benchmake: error: --out {out}: cannot write (File too large)"
    assert not out.exists() and not _staging(out)


def test_a_full_disk_gives_one_line_and_no_output(
    csv_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(path: Path, rows: np.ndarray) -> None:
        path.write_bytes(b"12\n")  # a first block lands, then the disk is full
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr("benchmake_cli.bundle.write.write_indices", full)
    out = tmp_path / "splits"
    result = invoke(CliRunner(), "split", csv_file, "--frac", "0.2", "--out", out)
    message = f"--out {out}: cannot write (No space left on device)"
    assert_clean_failure(result, tmp_path, out, ExitCode.OUTPUT, message)


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux /sys")
def test_an_output_folder_that_cannot_be_created(csv_file: Path) -> None:
    out = Path("/sys/benchmake-test/splits")  # refused even to root
    result = invoke(CliRunner(), "split", csv_file, "--frac", "0.2", "--out", out)
    assert result.exit_code == ExitCode.OUTPUT
    assert result.stderr.startswith(f"benchmake: error: --out {out}: cannot create it (")
    assert result.stderr.count("\n") == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through folder permissions")
def test_an_output_folder_without_write_permission(csv_file: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    out = locked / "splits"
    try:
        result = invoke(CliRunner(), "split", csv_file, "--frac", "0.2", "--out", out)
    finally:
        locked.chmod(0o755)
    assert result.exit_code == ExitCode.OUTPUT
    assert "cannot create it (Permission denied)" in result.stderr
    assert not out.exists() and not list(locked.iterdir())
