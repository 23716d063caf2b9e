"""An option is declared once, on its request field: the library's constraints, the Typer
option (flags, metavar, help, panel, min/max, completion, default) and the option groups are
all derived from that one declaration."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from benchmake_cli.cli import app
from benchmake_cli.cli.groups import EXECUTION, METHOD, OUTPUT, READING, group, with_options
from benchmake_cli.constraints import (
    EXECUTION_PANEL,
    Interval,
    Options,
    check_parameter,
    declare,
    declared,
)
from benchmake_cli.errors import ParameterError
from benchmake_cli.request import GROUPS, PARAMETER_CONSTRAINTS, SplitRequest


@dataclasses.dataclass(frozen=True)
class Dummy:
    """A group of one new option, declared as a request field declares one."""

    dummy: int = dataclasses.field(
        default=3,
        metadata=declare(
            Interval(int, 0, 9), metavar="D", help="A dummy option.", panel=EXECUTION_PANEL
        ),
    )
    colour: str = dataclasses.field(
        default="red",
        metadata=declare(
            Options(("red", "blue")), flags=("--colour", "-c"), metavar="C", help="Hue."
        ),
    )
    hidden: int = dataclasses.field(default=0, metadata=declare(Interval(int, 0, None)))


def _dummy_app() -> typer.Typer:
    dummy_app = typer.Typer()

    @dummy_app.command()
    @with_options(group(Dummy))
    def run(**options: Any) -> None:
        typer.echo(f"dummy={options['dummy']} colour={options['colour']}")

    return dummy_app


def test_one_declared_field_is_a_whole_command_line_option() -> None:
    runner = CliRunner()
    dummy_app = _dummy_app()
    assert runner.invoke(dummy_app, []).stdout == "dummy=3 colour=red\n"
    assert runner.invoke(dummy_app, ["--dummy", "9", "-c", "blue"]).stdout == (
        "dummy=9 colour=blue\n"
    )
    refused = runner.invoke(dummy_app, ["--dummy", "12"], env={"COLUMNS": "200"})
    assert refused.exit_code == 2
    assert "Invalid value for '--dummy': Input should be less than or equal to 9" in (
        refused.output
    )
    shown = runner.invoke(dummy_app, ["--help"], env={"COLUMNS": "120"}).stdout
    assert "--dummy" in shown and "A dummy option." in shown and "Execution" in shown
    assert "--hidden" not in shown  # declared constraints but no help: not an option
    [parameter] = [p for p in typer.main.get_command(dummy_app).params if p.name == "colour"]
    assert parameter.opts == ["--colour", "-c"]
    assert parameter.shell_complete(typer.Context(typer.main.get_command(dummy_app)), "") != []


def test_the_constraints_are_those_the_fields_declare() -> None:
    [item] = [f for f in dataclasses.fields(Dummy) if f.name == "dummy"]
    found = declared(item)
    assert found is not None
    with pytest.raises(ParameterError, match=r"dummy 12: must be an integer in \[0, 9\]"):
        check_parameter("dummy", 12, found.constraints)
    declaring = {
        item.name
        for owner in (*GROUPS, SplitRequest)
        for item in dataclasses.fields(owner)
        if (found := declared(item)) is not None and found.constraints
    }
    assert set(PARAMETER_CONSTRAINTS) == declaring
    assert PARAMETER_CONSTRAINTS["iterations"] == [Interval(int, 1, 100_000)]


def test_every_declared_option_is_on_split_in_its_group_order() -> None:
    options = {
        item.name
        for owner in (*GROUPS, SplitRequest)
        for item in dataclasses.fields(owner)
        if (found := declared(item)) is not None and found.help is not None
    }
    grouped = [p.name for g in (READING, METHOD, EXECUTION, OUTPUT) for p in g]
    assert set(grouped) == options - {"frac"}  # every command places --frac itself
    split = next(c for c in typer.main.get_command(app).commands.values() if c.name == "split")  # type: ignore[attr-defined]
    assert set(grouped) <= {p.name for p in split.params}
    assert grouped[:8] == [
        "target", "features", "id_columns", "sep", "header", "strict", "drop_missing", "type"
    ]  # fmt: skip
