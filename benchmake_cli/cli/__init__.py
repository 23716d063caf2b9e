"""The ``benchmake`` command line: a thin Typer layer over :mod:`benchmake_cli`."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from .._version import __version__
from . import evaluate_command, inspect_command, split_command, verify_command

app = typer.Typer(
    name="benchmake",
    help="Turn a scientific data set into a reproducible machine-learning benchmark.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("split", help=split_command.HELP)(split_command.split)
app.command("verify", help=verify_command.HELP)(verify_command.verify)
app.command("inspect", help=inspect_command.HELP)(inspect_command.inspect)
app.command("evaluate", help=evaluate_command.HELP)(evaluate_command.evaluate)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"benchmake {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        Optional[bool],
        typer.Option("--version", callback=_print_version, is_eager=True, help="Show the version."),
    ] = None,
) -> None:
    """Turn a scientific data set into a reproducible machine-learning benchmark."""


def main() -> None:
    """Console-script entry point (also behind ``python -m benchmake_cli``)."""
    app(prog_name="benchmake")
