"""The option groups a command takes: reading, method, execution and output, each declared
once (the aliases of :mod:`.options`, on the request's field names) and added to a command
by :func:`with_options`."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import typer

from ..encode import EncodeOptions
from ..formats import ReadOptions
from ..method.registry import DEFAULT_METHOD
from ..method.split import DEFAULT_SEED, DEFAULT_TOL
from ..request import reading, request_keywords
from .options import (
    DeviceOption,
    DropMissingOption,
    FeaturesOption,
    ForceOption,
    HeaderOption,
    IdColumnsOption,
    ImageSizeOption,
    IterationsOption,
    JobsOption,
    KeyOption,
    KmerOption,
    MethodOption,
    ModeOption,
    ReferenceIndicesOption,
    ResampleOption,
    SchedulerOption,
    SeedOption,
    SeparatorOption,
    SequenceColumnOption,
    ShardRowsOption,
    StrictOption,
    TargetKeyOption,
    TargetOption,
    ThreadsOption,
    TokensOption,
    TolOption,
    TypeOption,
)

F = TypeVar("F", bound=Callable[..., Any])


def _keyword(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


#: How data is read and encoded: split, evaluate and inspect (``target`` and ``features``
#: and ``id_columns`` come first in ``--help``; the rest in their panels).
READING: tuple[inspect.Parameter, ...] = (
    _keyword("target", TargetOption, None),
    _keyword("features", FeaturesOption, None),
    _keyword("id_columns", IdColumnsOption, None),
    _keyword("sep", SeparatorOption, None),
    _keyword("header", HeaderOption, None),
    _keyword("strict", StrictOption, False),
    _keyword("drop_missing", DropMissingOption, False),
    _keyword("type", TypeOption, "auto"),
    _keyword("key", KeyOption, None),
    _keyword("target_key", TargetKeyOption, None),
    _keyword("image_size", ImageSizeOption, None),
    _keyword("mode", ModeOption, None),
    _keyword("sequence_col", SequenceColumnOption, None),
    _keyword("tokens", TokensOption, "chars"),
    _keyword("kmer", KmerOption, 1),
    _keyword("resample", ResampleOption, None),
)
#: The method and its parameters (``frac``, which every command places itself, aside).
METHOD: tuple[inspect.Parameter, ...] = (
    _keyword("method", MethodOption, DEFAULT_METHOD),
    _keyword("iterations", IterationsOption, None),
    _keyword("tol", TolOption, DEFAULT_TOL),
    _keyword("seed", SeedOption, DEFAULT_SEED),
)
#: Where and how a split runs.
EXECUTION: tuple[inspect.Parameter, ...] = (
    _keyword("device", DeviceOption, "auto"),
    _keyword("threads", ThreadsOption, None),
    _keyword("shard_rows", ShardRowsOption, None),
    _keyword("jobs", JobsOption, 1),
    _keyword("scheduler", SchedulerOption, None),
)
#: What a split writes besides its files (``out`` is the command's own).
OUTPUT: tuple[inspect.Parameter, ...] = (
    _keyword("force", ForceOption, False),
    _keyword("reference_indices", ReferenceIndicesOption, False),
)


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
