"""Typed errors of the core and the exit codes the command line maps them to.

The core raises these; the CLI prints ``benchmake: error: <message>`` on one line and exits
with :attr:`BenchmakeError.exit_code`.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of every ``benchmake`` command, each with its meaning (the README and the
    man pages are generated from, or checked against, this list).

    >>> ExitCode.VERIFY_FAILED.value, ExitCode.VERIFY_FAILED.meaning
    (7, 'verify found a difference between the manifest and the data or split')
    """

    meaning: str

    def __new__(cls, value: int, meaning: str) -> ExitCode:
        member = int.__new__(cls, value)
        member._value_ = value
        member.meaning = meaning
        return member

    OK = 0, "success"
    FAILURE = 1, "unexpected internal error (a bug: please report it)"
    USAGE = 2, "bad command-line usage: unknown option, missing argument"
    NOT_FOUND = 3, "an input file or folder does not exist or cannot be read"
    BAD_DATA = 4, "the input exists but cannot be used: malformed, empty, missing values, ..."
    BAD_PARAMETER = 5, "a parameter does not fit the data: fraction, column names, ..."
    OUTPUT = 6, "the output folder exists and is not empty, or cannot be written"
    VERIFY_FAILED = 7, "verify found a difference between the manifest and the data or split"
    BAD_MANIFEST = (
        8,
        "the manifest is not JSON, has an unknown schema or method, or its data path leads to a device, FIFO, socket or wrong kind of path",
    )
    DEVICE = 9, "the requested device (GPU) or Dask scheduler is not usable"
    MISSING_EXTRA = (
        10,
        "an optional extra is not installed: matplotlib for evaluate --plot, dask for "
        "--scheduler, scikit-learn for evaluate --rank",
    )
    DATA_NOT_CHECKED = (
        11,
        "verify found the data absent (or was given --bundle-only): the bundle checks "
        "passed, the data and the split were not checked; --data names the data",
    )
    PREDICTIONS = (
        12,
        "score: a predictions file is malformed, misses or repeats a test row, names a "
        "training or unknown row, or holds a value that does not suit the task",
    )
    INTERRUPTED = 130, "interrupted by SIGINT (Ctrl-C)"
    TERMINATED = 143, "stopped by SIGTERM (kill, timeout, a batch scheduler)"


class BenchmakeError(Exception):
    """Base class: a one-line, user-facing message plus an exit code."""

    exit_code: ExitCode = ExitCode.FAILURE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputNotFoundError(BenchmakeError, FileNotFoundError):
    """The input path does not exist or cannot be opened; also a :class:`FileNotFoundError`."""

    exit_code = ExitCode.NOT_FOUND


class DataError(BenchmakeError, ValueError):
    """The input exists but its content cannot be split; also a :class:`ValueError`."""

    exit_code = ExitCode.BAD_DATA


class ParameterError(BenchmakeError, ValueError):
    """A parameter value is invalid for this data; also a :class:`ValueError`.

    ``parameter`` is the field of the request (the Python API's keyword, ``frac``) when the
    error is about one. A message naming it holds the placeholder :data:`PARAMETER`, the
    one way every raise names its parameter: :func:`str` renders it as that keyword,
    :meth:`naming` as the caller's own name (the command line passes its flag, ``--frac``;
    :func:`~benchmake_cli.partition` its ``test_size``).

    >>> error = ParameterError(f"{PARAMETER} 1.5: must be between 0 and 1", parameter="frac")
    >>> str(error), str(error.naming({"frac": "--frac"})), isinstance(error, ValueError)
    ('frac 1.5: must be between 0 and 1', '--frac 1.5: must be between 0 and 1', True)
    """

    exit_code = ExitCode.BAD_PARAMETER

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        self.template = message
        self.parameter = parameter
        super().__init__(self.render(parameter or ""))

    def render(self, name: str) -> str:
        """The message naming the parameter ``name``."""
        return self.template.replace(PARAMETER, name)

    def naming(self, names: dict[str, str]) -> ParameterError:
        """The same error naming the parameter as the caller calls it (``names``: request
        field to the caller's name); unchanged for a parameter not in ``names``."""
        if self.parameter not in names:
            return self
        renamed = ParameterError(self.template, parameter=self.parameter)
        renamed.message = renamed.render(names[self.parameter])
        renamed.args = (renamed.message,)
        return renamed


#: where a :class:`ParameterError`'s message names its parameter
PARAMETER = "\x00parameter\x00"


class OutputError(BenchmakeError, OSError):
    """The output location cannot be used."""

    exit_code = ExitCode.OUTPUT


class ManifestError(BenchmakeError, ValueError):
    """A manifest cannot be read or trusted."""

    exit_code = ExitCode.BAD_MANIFEST


class VerifyFailedError(BenchmakeError):
    """A bundle's files differ from what its manifest records (``load_split``)."""

    exit_code = ExitCode.VERIFY_FAILED


class DeviceError(BenchmakeError, RuntimeError):
    """The requested compute device is not available."""

    exit_code = ExitCode.DEVICE


class SchedulerError(BenchmakeError, RuntimeError):
    """The requested Dask scheduler cannot be reached or used."""

    exit_code = ExitCode.DEVICE


class MissingExtraError(BenchmakeError, ImportError):
    """An optional dependency (a ``pip install 'benchmake-cli[EXTRA]'`` extra) is missing."""

    exit_code = ExitCode.MISSING_EXTRA


class PredictionsError(BenchmakeError, ValueError):
    """A predictions file given to ``score`` cannot be scored (names the file and row)."""

    exit_code = ExitCode.PREDICTIONS
