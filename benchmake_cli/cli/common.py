"""What every command shares: error mapping, output streams and progress on stderr."""

from __future__ import annotations

import json
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import typer

from ..errors import BenchmakeError, ExitCode, ParameterError

try:  # the click that typer runs on: its own copy in typer >= 0.25, the click package before
    from typer._click.globals import get_current_context
except ImportError:  # pragma: no cover - older typer
    from click import get_current_context  # type: ignore[no-redef]
from ..safe_text import message as safe_message

T = TypeVar("T")

STAGE_LABELS = {
    "hash": "hashing rows",
    "factorize": "factorizing",
    "match": "matching archetypes",
    "write": "writing files",
    "read": "reading in chunks",
    "shards": "splitting shards",
    "statistics": "comparing train and test",
    "model": "scoring the baseline model",
    "load": "reading the data",
}


#: set when the command line asks for ``--json``: errors then also go to stdout as JSON
JSON_ERRORS = {"on": False}


def fail(message: str, code: int) -> typer.Exit:
    """Print ``benchmake: error: message`` on stderr, control characters escaped and at most
    :data:`~benchmake_cli.safe_text.MESSAGE_LIMIT` characters (and, under ``--json``, the
    document ``{"error": message, "exit_code": code}`` on stdout); return the exit to raise."""
    message = safe_message(message)
    sys.stderr.write(f"benchmake: error: {message}\n")
    if JSON_ERRORS["on"]:
        emit_json({"error": message, "exit_code": int(code)})
    return typer.Exit(code=int(code))


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so that partial output is removed."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


@contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """While a command runs, SIGTERM raises :class:`Terminated` instead of killing the
    process on the spot (only the main thread can set signal handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_core(action: Callable[[], T], verbose: bool = False) -> T:
    """Run a core call, turning its typed errors into one-line messages and exit codes;
    Ctrl-C and SIGTERM end it with one line too, after partial output is removed."""
    try:
        with _sigterm_unwinds():
            return action()
    except ParameterError as exc:
        raise fail(str(exc.naming(flags())), exc.exit_code) from None
    except BenchmakeError as exc:
        raise fail(str(exc), exc.exit_code) from None
    except KeyboardInterrupt:
        raise fail("interrupted", ExitCode.INTERRUPTED) from None
    except Terminated:
        raise fail("terminated", ExitCode.TERMINATED) from None
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


def flags() -> dict[str, str]:
    """The running command's flags by parameter name (``id_columns``: ``--id-col``): how
    the command line names a :class:`~benchmake_cli.errors.ParameterError`'s parameter.
    A parameter this command does not have is named as its request field."""
    context = get_current_context(silent=True)
    if context is None:
        return {}
    named = {}
    for parameter in context.command.params:
        long = [opt for opt in (*parameter.opts, *parameter.secondary_opts) if opt[:2] == "--"]
        if long and parameter.name:
            named[parameter.name] = long[0]
    return named


def emit_json(payload: dict[str, Any]) -> None:
    """Results for scripts: one strict JSON document on stdout (a NaN or infinite number,
    which JSON cannot hold, is written as ``null``)."""
    text = json.dumps(_finite(payload), indent=2, sort_keys=True, default=str, allow_nan=False)
    sys.stdout.write(text + "\n")


def _finite(value: Any) -> Any:
    """``value`` with every non-finite float replaced by ``None``."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


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


PLAIN_MIN_SECONDS = 1.0  #: plain progress stays silent for stages shorter than this


class _PlainProgress:
    """Plain progress lines for stages that run longer than ``PLAIN_MIN_SECONDS``: one at
    each tenth of the stage (at most every 5 s) and one when it ends."""

    def __init__(self) -> None:
        self.started: dict[str, float] = {}
        self.last_line: dict[str, float] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        started = self.started.setdefault(stage, now)
        elapsed = now - started
        if elapsed < PLAIN_MIN_SECONDS:
            return
        label = STAGE_LABELS.get(stage, stage)
        if done >= total:
            sys.stderr.write(f"benchmake: {label}: done in {elapsed:.1f} s\n")
            self.last_line[stage] = float("inf")
        elif now - self.last_line.get(stage, 0.0) >= 5.0:
            sys.stderr.write(f"benchmake: {label}: {done}/{total} ({elapsed:.0f} s)\n")
            self.last_line[stage] = now
