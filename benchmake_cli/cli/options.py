"""Option definitions shared by several commands, so each is spelled and documented once.

The request's options are declared on the fields they fill (the option groups of
:class:`~benchmake_cli.request.SplitRequest`, each field's
:class:`~benchmake_cli.constraints.Declared`): :func:`option` makes a field's Typer option
from its declaration, with ``min``/``max`` and completions from its constraints, and
:mod:`.groups` gathers them into the groups (reading, method, execution, output) that
``with_options`` adds to ``split``, ``evaluate``, ``inspect`` and ``verify``. The options
here are those of the commands themselves (``--json``, ``--out``, ``--copy``, ...).
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..constraints import (  # noqa: F401 - the panels, named here for the commands
    EXECUTION_PANEL,
    METHOD_PANEL,
    MODALITY_PANEL,
    OUTPUT_PANEL,
    READING_PANEL,
    Constraint,
    Declared,
    declared,
    interval_of,
    options_of,
)
from ..method.split import SplitParameters
from ..request import Execution, Output, SplitRequest


def bounds(constraints: Sequence[Constraint]) -> dict[str, Any]:
    """Typer's ``min``/``max`` from the interval among a field's ``constraints``."""
    interval = interval_of(constraints)
    return interval.typer_bounds if interval is not None else {}


def completion(constraints: Sequence[Constraint]) -> Callable[[], list[str]]:
    """The values a shell completes, from the choices among a field's ``constraints``."""
    choices = list(options_of(constraints))
    return lambda: choices


def declaration(group: type, name: str) -> Declared:
    """The command-line option the field ``name`` of the option group ``group`` declares."""
    item = next(item for item in dataclasses.fields(group) if item.name == name)
    found = declared(item)
    if found is None or found.help is None:
        raise LookupError(f"{group.__name__}.{name} declares no command-line option")
    return found


def option(group: type, name: str) -> Any:
    """The ``Annotated`` Typer option of the field ``name`` of ``group``, as the field
    declares it: its type (or ``typed``), flags, metavar, help and panel; ``min``/``max``
    and completion from its constraints."""
    found = declaration(group, name)
    typed = found.typed or _optional(typing.get_type_hints(group)[name])
    settings: dict[str, Any] = {"metavar": found.metavar, "help": found.help_text}
    if found.panel is not None:
        settings["rich_help_panel"] = found.panel
    if options_of(found.constraints):
        settings["autocompletion"] = completion(found.constraints)
    settings.update(bounds(found.constraints), **found.extra)
    return Annotated[typed, typer.Option(*found.flags, **settings)]


def _optional(hint: Any) -> Any:
    """``X | None`` as Typer reads it, ``Optional[X]``."""
    args = typing.get_args(hint)
    if type(None) in args and len(args) == 2:
        return Optional[next(arg for arg in args if arg is not type(None))]
    return hint


# The request's options a command places itself, rather than through a group of .groups
FracOption = option(SplitParameters, "frac")
MethodOption = option(SplitRequest, "method")
IterationsOption = option(SplitParameters, "iterations")
ThreadsOption = option(Execution, "threads")
ForceOption = option(Output, "force")

# The data file a manifest describes (verify, evaluate)
ManifestDataOption = Annotated[
    Optional[Path],
    typer.Option(
        help="The data file the manifest describes (default: the manifest's input.path, "
        "read from the manifest's folder, or a file of its name beside the manifest)."
    ),
]

# Output conventions of every command
JsonOption = Annotated[
    bool, typer.Option("--json", metavar="", help="Print the result as JSON on stdout.")
]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", metavar="", help="No progress or summary.")
]
VerboseOption = Annotated[
    bool, typer.Option("--verbose", "-v", metavar="", help="More detail on stderr.")
]

DataArgument = Annotated[
    Path,
    typer.Argument(
        metavar="DATA",
        help="Data file (.csv .tsv .parquet .npy .npz .h5 .smi .fasta .txt) or folder "
        "(images, signals, OGB graphs).",
    ),
]

# How a split's folder files are written (``files``: list, copy or link)
CopyOption = Annotated[
    bool,
    typer.Option(
        "--copy",
        metavar="",
        help="Also copy a folder's files into OUT/train, OUT/test.",
        rich_help_panel=OUTPUT_PANEL,
    ),
]
LinkOption = Annotated[
    bool,
    typer.Option(
        "--link",
        metavar="",
        help="Also link a folder's files into OUT/train, OUT/test.",
        rich_help_panel=OUTPUT_PANEL,
    ),
]
OutOption = Annotated[
    Path, typer.Option("--out", "-o", metavar="OUT", help="Output folder (created).")
]
