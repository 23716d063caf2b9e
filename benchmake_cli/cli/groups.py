"""The option groups a command takes: reading, method, execution and output, each declared
once (the aliases of :mod:`.options`, on the request's field names) and added to a command
by :func:`with_options`."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import typer

from ..constraints import FIELD_DEFAULT, PANELS, declared
from ..encode import EncodeOptions
from ..formats import ReadOptions
from ..method.split import SplitParameters
from ..request import Execution, Output, SplitRequest, reading, request_keywords
from .options import option

F = TypeVar("F", bound=Callable[..., Any])


def group(*classes: type, leave_out: tuple[str, ...] = ()) -> tuple[inspect.Parameter, ...]:
    """The command-line options the fields of ``classes`` declare, in the order of their
    classes and fields, the common ones first and then panel by panel; each keyword-only,
    its default the field's (or the one its declaration gives the command line)."""
    placed = []
    for owner in classes:
        for item in dataclasses.fields(owner):
            found = declared(item)
            if found is None or found.help is None or item.name in leave_out:
                continue
            default = item.default if found.default is FIELD_DEFAULT else found.default
            keyword = inspect.Parameter(
                item.name,
                inspect.Parameter.KEYWORD_ONLY,
                default=default,
                annotation=option(owner, item.name),
            )
            placed.append((PANELS.index(found.panel), keyword))
    return tuple(keyword for _, keyword in sorted(placed, key=lambda pair: pair[0]))


#: How data is read and encoded: split, evaluate and inspect (``target`` and ``features``
#: and ``id_columns`` come first in ``--help``; the rest in their panels).
READING = group(ReadOptions, EncodeOptions)
#: The method and its parameters (``frac``, which every command places itself, aside).
METHOD = group(SplitRequest, SplitParameters, leave_out=("frac",))
#: Where and how a split runs.
EXECUTION = group(Execution)
#: What a split writes besides its files (``out`` is the command's own).
OUTPUT = group(Output)


def only(group: tuple[inspect.Parameter, ...], *names: str) -> tuple[inspect.Parameter, ...]:
    """The options ``names`` of ``group`` (``verify`` takes three of :data:`EXECUTION`)."""
    return tuple(parameter for parameter in group if parameter.name in names)


def with_options(*groups: tuple[inspect.Parameter, ...]) -> Callable[[F], F]:
    """Add the options of ``groups`` to a command, after its own parameters: Typer reads
    them from the command's signature, and the command receives them in ``**options``."""

    def add(command: F) -> F:
        signature = inspect.signature(command, eval_str=True)
        own = [p for p in signature.parameters.values() if p.kind != p.VAR_KEYWORD]
        added = [parameter for group in groups for parameter in group]
        command.__signature__ = signature.replace(parameters=[*own, *added])  # type: ignore[attr-defined]
        return command

    return add


#: the keyword arguments of :func:`~benchmake_cli.request.reading`
READING_KEYWORDS = request_keywords((ReadOptions, EncodeOptions))


def request_options(params: Mapping[str, Any]) -> dict[str, Any]:
    """The command's parameters that are the request's keywords, as they are: a command's
    parameters carry the request's field names (``features`` as ``A,B`` is split by the
    request)."""
    keywords = request_keywords()
    return {name: value for name, value in params.items() if name in keywords}


def reading_options(params: Mapping[str, Any]) -> tuple[ReadOptions, EncodeOptions]:
    """The core's read and encode options from a command's reading parameters."""
    return reading(**{name: params[name] for name in READING_KEYWORDS if name in params})


def flags_given(context: typer.Context, names: frozenset[str]) -> list[str]:
    """The long flags, among the parameters ``names``, that the command line set (rather
    than their defaults), in the command's order."""
    # By the source's name: Typer carries its own copy of Click's ParameterSource.
    return [
        next(flag for flag in (*parameter.opts, *parameter.secondary_opts) if flag[:2] == "--")
        for parameter in context.command.params
        if parameter.name in names
        and getattr(context.get_parameter_source(parameter.name), "name", "DEFAULT") != "DEFAULT"
    ]
