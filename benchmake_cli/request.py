"""A split request: every option of a split, gathered and validated once, before any I/O.

The options are spelled once, as the fields of the dataclasses they fill: how to read the
input (:class:`~benchmake_cli.formats.ReadOptions`), how to encode it
(:class:`~benchmake_cli.encode.EncodeOptions`), the method's parameters
(:class:`~benchmake_cli.method.split.SplitParameters`), where and how it runs
(:class:`Execution`) and what is written (:class:`Output`). :func:`split_file`'s keyword
arguments and the command line's options are those field names.

>>> request = SplitRequest.from_options("data.csv", frac=0.2, target="y", key=None)
>>> request.encode.target, request.params.frac, request.execution.device
('y', 0.2, 'auto')
>>> SplitRequest.from_options("data.csv", frac=0.2, method="benchmake-hull").params.iterations
20
>>> SplitRequest.from_options("data.csv", frac=0.2, colour="red")
Traceback (most recent call last):
benchmake_cli.request.UnknownKeywordError: split_file() got an unexpected keyword argument 'colour'
>>> SplitRequest.from_options("data.csv", frac=0.2, id_col=["id"])
Traceback (most recent call last):
benchmake_cli.request.UnknownKeywordError: split_file() got an unexpected keyword argument 'id_col'; did you mean `id_columns`?

Each option is declared once, on its field (``field(metadata=declare(...))``, see
:mod:`benchmake_cli.constraints`): the values it accepts, gathered in
:data:`PARAMETER_CONSTRAINTS` and checked when a request is made, and how the command line
spells it, from which ``benchmake_cli.cli`` makes its options and option groups:

>>> SplitRequest.from_options("data.csv", frac=0.2, iterations=0)
Traceback (most recent call last):
benchmake_cli.errors.ParameterError: iterations 0: must be an integer in [1, 100000]
"""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from .bundle.manifest import Manifest
from .constraints import (
    METHOD_PANEL,
    Constraint,
    Options,
    check_parameter,
    declare,
    declared,
)
from .encode import EncodeOptions
from .errors import PARAMETER, ManifestError, ParameterError
from .execution import (  # noqa: F401 - the sharding options, named here too
    DEFAULT_SHARD_ROWS,
    MIN_SHARD_ROWS,
    SHARD_THRESHOLD,
    Execution,
    Output,
    resolve_shard_rows,
)
from .formats import ReadOptions
from .formats.image_folder import parse_image_size
from .method.registry import DEFAULT_METHOD, METHODS, Method, get_method, method_of_record
from .method.split import SplitParameters, check_fraction_range


class UnknownKeywordError(TypeError):
    """A keyword that no option group has, as Python refuses it, with the nearest one."""


P = ParamSpec("P")
R = TypeVar("R")


def suggest_keywords(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` refusing a misspelt keyword as Python does, adding the nearest of its
    own keywords: ``split_file(id_col=...)``: "did you mean `id_columns`?"."""
    known = [
        name
        for name, parameter in inspect.signature(function).parameters.items()
        if parameter.kind in (parameter.KEYWORD_ONLY, parameter.POSITIONAL_OR_KEYWORD)
    ]

    @functools.wraps(function)
    def checked(*args: P.args, **kwargs: P.kwargs) -> R:
        for name in kwargs:
            if name not in known:
                near = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
                hint = f"; did you mean `{near[0]}`?" if near else ""
                raise UnknownKeywordError(
                    f"{function.__name__}() got an unexpected keyword argument {name!r}{hint}"
                )
        return function(*args, **kwargs)

    return checked


def check_request_values(groups: tuple[object, ...]) -> None:
    """Refuse any field of the option ``groups`` (dataclass instances) outside its
    declared constraints, naming the field and its value."""
    for group in groups:
        for item in fields(group):  # type: ignore[arg-type]
            if item.name in PARAMETER_CONSTRAINTS:
                value = getattr(group, item.name)
                check_parameter(item.name, value, PARAMETER_CONSTRAINTS[item.name])


def check_recorded_parameters(method: Method, parameters: Mapping[str, Any]) -> None:
    """Refuse a manifest whose recorded method ``parameters`` (``method.parameters``) are
    outside what ``split`` accepts: :class:`~benchmake_cli.errors.ManifestError` naming the
    field and its value. (A ``k`` that ``frac`` does not give for the recorded rows is a
    verify failure the index check names, exit 7, as an edited fraction always was.)

    >>> check_recorded_parameters(get_method("benchmake-cli"), {"frac": 0.2, "tol": -1})
    Traceback (most recent call last):
    benchmake_cli.errors.ManifestError: manifest field method.parameters.tol -1: must be a number >= 0
    """
    names = ("frac", "iterations", "tol", "seed")  # those a method records
    for name in names:
        if name not in parameters:
            continue
        try:
            check_parameter(name, parameters[name], PARAMETER_CONSTRAINTS[name])
        except ParameterError as error:
            field_name = f"manifest field method.parameters.{name}"
            raise ManifestError(error.naming({name: field_name}).message) from None


@dataclass(frozen=True)
class SplitRequest:
    """Everything a split needs to know, checked when made (see the module docstring)."""

    path: Path
    params: SplitParameters
    read: ReadOptions = field(default_factory=ReadOptions)
    encode: EncodeOptions = field(default_factory=EncodeOptions)
    method: str = field(
        default=DEFAULT_METHOD,
        metadata=declare(
            Options(tuple(METHODS)),
            metavar="NAME",
            help=f"Split method: {', '.join(METHODS)}. benchmake-1.1.2: the reference "
            "package's split, reproduced exactly on the CPU; benchmake-hull: archetypal "
            "analysis, archetypes on the whole convex hull.",
            panel=METHOD_PANEL,
        ),
    )
    execution: Execution = field(default_factory=Execution)
    output: Output = field(default_factory=Output)

    def __post_init__(self) -> None:
        chosen = self.chosen
        check_fraction_range(self.params.frac)
        check_request_values((self.read, self.encode, self.params, self.execution, self.output))
        if self.output.reference_indices and not chosen.has_reference_indices:
            raise ParameterError(
                f"{PARAMETER}: --method {chosen.name} has no reference order; "
                "use it with --method benchmake-1.1.2",
                parameter="reference_indices",
            )
        _check_sharding(chosen, self.execution)

    @cached_property
    def chosen(self) -> Method:
        """The method, resolved once: what the pipeline passes on."""
        return get_method(self.method)

    @classmethod
    def from_options(cls, path: str | Path, **options: Any) -> SplitRequest:
        """A request from :func:`split_file`'s keyword arguments: the field names of the
        option groups (``frac``, ``target``, ``sep``, ``device``, ``out``, ...);
        ``iterations`` left out or ``None`` is the method's default."""
        groups = _by_group(options)
        method = groups[SplitRequest].get("method", DEFAULT_METHOD)
        params = groups[SplitParameters]
        params["iterations"] = get_method(method).iterations(params.get("iterations"))
        return cls(
            path=Path(path),
            params=SplitParameters(**params),
            read=ReadOptions(**groups[ReadOptions]),
            encode=EncodeOptions(**groups[EncodeOptions]),
            method=method,
            execution=Execution(**groups[Execution]),
            output=Output(**groups[Output]),
        )

    @classmethod
    def from_manifest(
        cls, manifest: Manifest, data: Path, *, output: Output | None = None, **execution: Any
    ) -> SplitRequest:
        """The split a manifest records, of ``data``, to be done again (``verify``):
        ``execution`` holds the speed choices (``threads``, ``jobs``, ``scheduler``,
        ``device``), ``output`` where to write it."""
        method = method_of_record(manifest.method.record())
        threshold, rows = resolve_shard_rows(0)
        if manifest.method.sharded:
            if not method.shardable:
                shardable = ", ".join(m.name for m in METHODS.values() if m.shardable)
                raise ManifestError(
                    f"method.parameters.sharding: {method.name} never splits in shards "
                    f"(the methods that do: {shardable})"
                )
            threshold, rows = manifest.method.shard_rows() or (threshold, rows)
            if rows < MIN_SHARD_ROWS:
                raise ManifestError(f"manifest field method.parameters.sharding.shard_rows {rows}")
        split = manifest.split
        written = output or Output()
        return cls(
            path=data,
            params=method.parameters_from_record(manifest.method.parameters),
            read=manifest.read_options(),
            encode=manifest.encode_options(),
            method=method.name,
            execution=Execution(shard_rows=rows, shard_threshold=threshold, **execution),
            output=Output(
                out=written.out,
                force=written.force,
                files=split.files,
                reference_indices=split.has_reference_indices,
            ),
        )


def reading(**options: Any) -> tuple[ReadOptions, EncodeOptions]:
    """How to read and encode an input, from the reading keywords alone (the commands that
    read data without splitting it: ``inspect``, ``evaluate``).

    >>> read, encode = reading(sep=";", id_columns=["id"], key="a, b")
    >>> read.sep, read.key, encode.id_columns
    (';', ('a', 'b'), ('id',))
    """
    groups = _by_group(options, allowed=(ReadOptions, EncodeOptions), caller="reading")
    read, encode = ReadOptions(**groups[ReadOptions]), EncodeOptions(**groups[EncodeOptions])
    check_request_values((read, encode))
    return read, encode


#: the keyword arguments of each group, by the class they fill
GROUPS: tuple[type, ...] = (ReadOptions, EncodeOptions, SplitParameters, Execution, Output)

#: What each keyword of :func:`split_file` (each field of the request's groups) accepts, as
#: its field declares it: a value is valid when it meets one of its constraints (``None``:
#: the value ``None``). The library checks a request against these before any I/O; the
#: command line derives its ``min``/``max`` and completions from them; ``verify`` checks a
#: manifest's recorded method parameters against them (:func:`check_recorded_parameters`).
PARAMETER_CONSTRAINTS: dict[str, list[Constraint]] = {
    item.name: list(declaration.constraints)
    for group in (*GROUPS, SplitRequest)
    for item in fields(group)
    if (declaration := declared(item)) is not None and declaration.constraints
}
OWN_KEYWORDS = ("method",)  #: keywords of :class:`SplitRequest` itself

#: how a keyword's value, as a caller may give it, becomes the field's value
_NORMAL: dict[str, Callable[[Any], Any]] = {
    "key": lambda v: _keys(v, "key"),
    "target_key": lambda v: _keys(v, "target_key"),
    "image_size": parse_image_size,
    "features": lambda v: _keys(v, "features"),
    "id_columns": lambda v: tuple(v or ()),
    "out": lambda v: Path(v) if v is not None else None,
}


def _by_group(
    options: Mapping[str, Any],
    allowed: tuple[type, ...] = GROUPS,
    caller: str = "split_file",
) -> dict[type, dict[str, Any]]:
    """The keyword arguments sorted into their groups, normalised; unknown ones refused as
    Python refuses them."""
    owner = {f.name: group for group in allowed for f in fields(group)}
    if allowed == GROUPS:
        owner.update(dict.fromkeys(OWN_KEYWORDS, SplitRequest))
    groups: dict[type, dict[str, Any]] = {group: {} for group in (*allowed, SplitRequest)}
    for name, value in options.items():
        if name not in owner or name == "shard_threshold":
            known = [known for known in owner if known != "shard_threshold"]
            near = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"; did you mean `{near[0]}`?" if near else ""
            raise UnknownKeywordError(
                f"{caller}() got an unexpected keyword argument {name!r}{hint}"
            )
        groups[owner[name]][name] = _NORMAL[name](value) if name in _NORMAL else value
    return groups


def request_keywords(allowed: tuple[type, ...] = GROUPS) -> frozenset[str]:
    """The keywords of :func:`split_file` (``allowed``: of those option groups only): the
    fields of the groups, as the command line's parameters are named."""
    names = {f.name for group in allowed for f in fields(group)} - {"shard_threshold"}
    return frozenset(names | (set(OWN_KEYWORDS) if allowed == GROUPS else set()))


def _keys(keys: str | list[str] | tuple[str, ...] | None, name: str) -> tuple[str, ...] | None:
    """``"a,b"`` or ``["a", "b"]`` → ``("a", "b")``."""
    if keys is None:
        return None
    parts = keys.split(",") if isinstance(keys, str) else list(keys)
    cleaned = tuple(part.strip() for part in parts if part.strip())
    if not cleaned:
        raise ParameterError(f"{PARAMETER} {keys!r}: name at least one", parameter=name)
    return cleaned


def _check_sharding(method: Method, execution: Execution) -> None:
    """Sharding belongs to the methods that can split in shards; the others (the reference
    method) split the whole input at once."""
    execution.sharding  # noqa: B018 - refuses a shard size too small
    if method.shardable:
        return
    shardable = " or ".join(f"--method {m.name}" for m in METHODS.values() if m.shardable)
    for name, given in (
        ("shard_rows", execution.shard_rows not in (None, 0)),
        ("jobs", execution.jobs != 1),
        ("scheduler", execution.scheduler is not None),
    ):
        if given:
            raise ParameterError(
                f"{PARAMETER}: sharded splits are part of {shardable} only; "
                f"--method {method.name} splits the whole input, like the reference",
                parameter=name,
            )
