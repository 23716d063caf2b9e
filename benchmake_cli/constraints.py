"""Constraints on parameter values, declared once and checked the same way everywhere.

Declared the way scikit-learn's ``utils/_param_validation`` declares them: each parameter
maps to a list of constraints, and a value is valid when it meets any one of them
(``None`` in the list accepts ``None``). The library checks a request against them before
any I/O (:func:`check_parameter`), the command line derives Typer's ``min=``/``max=`` and
completions from them, and ``verify`` refuses a manifest whose recorded values are outside
them. A request field declares its constraints, and its command-line option, in its own
metadata: ``field(default=1, metadata=declare(Interval(int, 1, None), metavar="N",
help="..."))`` (:class:`Declared`).

>>> check_parameter("iterations", 0, [Interval(int, 1, 10)])
Traceback (most recent call last):
benchmake_cli.errors.ParameterError: iterations 0: must be an integer in [1, 10]
>>> check_parameter("device", "tpu", [Options(("cpu", "gpu", "auto"))])
Traceback (most recent call last):
benchmake_cli.errors.ParameterError: device 'tpu': must be one of cpu, gpu, auto
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Union

from .errors import PARAMETER, ParameterError

Closed = Literal["left", "right", "both", "neither"]


@dataclass(frozen=True)
class Interval:
    """A number of ``kind`` (``int`` or ``float``) between ``low`` and ``high`` (``None``:
    unbounded), the ends included as ``closed`` says. An ``int`` interval refuses floats
    and booleans; a ``float`` interval takes ints too, and refuses NaN and infinities."""

    kind: type
    low: float | None
    high: float | None
    closed: Closed = "both"

    def accepts(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if self.kind is int and not isinstance(value, int):
            return False
        if isinstance(value, float) and not math.isfinite(value):
            return False
        low_open, high_open = (
            self.closed in ("right", "neither"),
            self.closed in ("left", "neither"),
        )
        if self.low is not None and (value < self.low or (value == self.low and low_open)):
            return False
        return not (
            self.high is not None and (value > self.high or (value == self.high and high_open))
        )

    def describe(self) -> str:
        """``an integer in [1, 100000]``, ``a number in (0, 1)``, ``an integer >= 1``."""
        noun = "an integer" if self.kind is int else "a number"
        left_open = self.closed in ("right", "neither")
        right_open = self.closed in ("left", "neither")
        if self.low is not None and self.high is not None:
            left, right = "(" if left_open else "[", ")" if right_open else "]"
            return f"{noun} in {left}{_number(self.low)}, {_number(self.high)}{right}"
        if self.low is not None:
            return f"{noun} {'>' if left_open else '>='} {_number(self.low)}"
        if self.high is not None:
            return f"{noun} {'<' if right_open else '<='} {_number(self.high)}"
        return noun

    @property
    def typer_bounds(self) -> dict[str, Any]:
        """Typer's ``min``/``max`` for this interval's closed ends (Typer has no open
        ends: an open end is left to the library's check)."""
        bounds: dict[str, Any] = {}
        if self.low is not None and self.closed in ("left", "both"):
            bounds["min"] = self.kind(self.low)
        if self.high is not None and self.closed in ("right", "both"):
            bounds["max"] = self.kind(self.high)
        return bounds


@dataclass(frozen=True)
class Options:
    """One of a fixed set of strings (``StrOptions`` in scikit-learn)."""

    options: tuple[str, ...]

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str) and value in self.options

    def describe(self) -> str:
        return f"one of {', '.join(self.options)}"


@dataclass(frozen=True)
class OfType:
    """Any value of ``kind`` (``bool``: ``True`` or ``False``; ``str``: any text)."""

    kind: type

    def accepts(self, value: Any) -> bool:
        return isinstance(value, self.kind)

    def describe(self) -> str:
        return {bool: "True or False", str: "a string"}.get(self.kind, self.kind.__name__)


Constraint = Union[Interval, Options, OfType, None]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def is_valid(value: Any, constraints: Sequence[Constraint]) -> bool:
    """Whether ``value`` meets one of ``constraints``."""
    return any(value is None if c is None else c.accepts(value) for c in constraints)


def describe(constraints: Sequence[Constraint]) -> str:
    """What ``constraints`` accept, in words."""
    words = [c.describe() for c in constraints if c is not None]
    if None in constraints:
        words.append("None (the default)")
    return " or ".join(words)


def check_parameter(name: str, value: Any, constraints: Sequence[Constraint]) -> None:
    """Refuse ``value`` of the parameter ``name`` unless it meets one of ``constraints``:
    a :class:`~benchmake_cli.errors.ParameterError` naming it, its value and what fits."""
    if not is_valid(value, constraints):
        shown = _shown(value)
        raise ParameterError(
            f"{PARAMETER} {shown}: must be {describe(constraints)}", parameter=name
        )


def _shown(value: Any) -> str:
    """The value as a message shows it: short, even for a 5000-digit integer."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**30:
        return f"<an integer of about {int(value.bit_length() * 0.30103) + 1} digits>"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def interval_of(constraints: Sequence[Constraint]) -> Interval | None:
    """The interval among ``constraints``, if any (for Typer's ``min``/``max``)."""
    return next((c for c in constraints if isinstance(c, Interval)), None)


def options_of(constraints: Sequence[Constraint]) -> tuple[str, ...]:
    """The strings ``constraints`` allow, if they are a fixed set (for completion)."""
    return next((c.options for c in constraints if isinstance(c, Options)), ())


#: the help panels of ``split --help`` (the common options come first, in no panel)
READING_PANEL = "Reading tables"
MODALITY_PANEL = "Arrays, images, sequences, signals"
METHOD_PANEL = "Method"
EXECUTION_PANEL = "Execution"
OUTPUT_PANEL = "Output"
#: where a group's options are listed: the common ones first, then by panel
PANELS = (None, READING_PANEL, MODALITY_PANEL, METHOD_PANEL, EXECUTION_PANEL, OUTPUT_PANEL)

FIELD_DEFAULT: Any = object()  #: the command line's default is the field's


@dataclass(frozen=True)
class Declared:
    """A request field's one declaration: the values it accepts and, when it is a
    command-line option (``help`` given), how the command line spells and documents it.
    Typer's ``min``/``max`` and completions are derived from ``constraints``; the default
    is the field's (``default``: another one on the command line); the option's type is
    the field's (``typed``: another one the request normalises, e.g. ``"a,b"``)."""

    constraints: tuple[Constraint, ...] = ()
    help: str | Callable[[], str] | None = None  #: ``None``: no command-line option
    flags: tuple[str, ...] = ()  #: ``()``: the field's name, ``--like-this``
    metavar: str | None = None
    panel: str | None = None
    typed: Any = None
    default: Any = FIELD_DEFAULT
    extra: Mapping[str, Any] = field(default_factory=dict)  #: e.g. ``envvar``, ``show_default``

    @property
    def help_text(self) -> str | None:
        return self.help() if callable(self.help) else self.help


def declare(*constraints: Constraint, **presentation: Any) -> dict[str, Declared]:
    """A dataclass field's metadata (``field(metadata=declare(...))``): the ``constraints``
    of its values and its command-line ``presentation`` (the fields of
    :class:`Declared`)."""
    return {"declared": Declared(constraints, **presentation)}


def declared(item: Any) -> Declared | None:
    """The declaration a dataclass field carries, if any."""
    found = item.metadata.get("declared")
    return found if isinstance(found, Declared) else None
