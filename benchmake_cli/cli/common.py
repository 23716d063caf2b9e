"""What every command shares: error mapping, output streams and progress on stderr."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import typer

from ..errors import BenchmakeError, ExitCode

T = TypeVar("T")

STAGE_LABELS = {
    "hash": "hashing rows",
    "factorize": "factorizing",
    "match": "matching archetypes",
    "write": "writing files",
}


def fail(message: str, code: int) -> typer.Exit:
    """Print ``benchmake: error: message`` on stderr and return the exit to raise."""
    sys.stderr.write(f"benchmake: error: {message}\n")
    return typer.Exit(code=int(code))


def run_core(action: Callable[[], T], verbose: bool = False) -> T:
    """Run a core call, turning its typed errors into one-line messages and exit codes."""
    try:
        return action()
    except BenchmakeError as exc:
        raise fail(str(exc), exc.exit_code) from None
    except KeyboardInterrupt:
        raise fail("interrupted", ExitCode.INTERRUPTED) from None
    except MemoryError:
        raise fail("out of memory; try a smaller input or fraction", ExitCode.FAILURE) from None
    except Exception as exc:
        if verbose:
            raise
        raise fail(
            f"internal error ({type(exc).__name__}: {exc}); rerun with -v for details "
            "and please report it",
            ExitCode.FAILURE,
        ) from None


def emit_json(payload: dict[str, Any]) -> None:
    """Results for scripts: one JSON document on stdout."""
    sys.stdout.write(json.dumps(payload, indent=2, sort_keys=True, default=str) + "\n")


def plain_progress() -> bool:
    """Plain lines instead of bars: stderr is not a terminal, or ``NO_COLOR`` is set."""
    return not sys.stderr.isatty() or "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb"


@contextmanager
def progress_reporter(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A ``progress(stage, done, total)`` callback drawing on stderr (or ``None`` if quiet)."""
    if not enabled:
        yield None
        return
    if plain_progress():
        yield _PlainProgress()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    bars = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bars.add_task(STAGE_LABELS.get(stage, stage), total=total)
        bars.update(tasks[stage], completed=done, total=total)

    with bars:
        yield update


class _PlainProgress:
    """One line when a stage starts, at each quarter of a long stage, and when it ends."""

    def __init__(self) -> None:
        self.started: dict[str, float] = {}
        self.last_quarter: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        label = STAGE_LABELS.get(stage, stage)
        if stage not in self.started:
            self.started[stage] = time.perf_counter()
            self.last_quarter[stage] = 0
            sys.stderr.write(f"benchmake: {label} ({total})\n")
        quarter = (4 * done) // total if total else 4
        if quarter > self.last_quarter[stage] and 0 < quarter < 4:
            self.last_quarter[stage] = quarter
            sys.stderr.write(f"benchmake: {label} {done}/{total}\n")
        if done >= total and self.last_quarter[stage] < 4:
            self.last_quarter[stage] = 4
            elapsed = time.perf_counter() - self.started[stage]
            sys.stderr.write(f"benchmake: {label} done in {elapsed:.1f} s\n")
