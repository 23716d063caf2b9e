"""The ``benchmake`` command line: a thin Typer layer over :mod:`benchmake_cli`."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any, Optional

import typer
from typer import core as typer_core
from typer.core import TyperGroup

from .._version import __version__
from ..errors import ExitCode
from . import (
    card_command,
    evaluate_command,
    inspect_command,
    publish_command,
    score_command,
    split_command,
    verify_command,
)
from .common import JSON_ERRORS, fail

#: the click that typer runs on: its own copy in typer ≥ 0.25, the click package before
_click = getattr(typer_core, "_click", None) or getattr(typer_core, "click")  # noqa: B009
ClickException = _click.exceptions.ClickException
NoArgsIsHelpError = getattr(_click.exceptions, "NoArgsIsHelpError", ())  # click ≥ 8.2


class OneLineErrors(TyperGroup):
    """Usage errors (an unknown option, a value of the wrong type) as one
    ``benchmake: error:`` line and exit 2, like every other error; click would draw a box
    or several lines."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        given = list(sys.argv[1:] if args is None else args)
        JSON_ERRORS["on"] = (
            "--json" in given[: given.index("--")] if "--" in given else "--json" in given
        )
        extra["windows_expand_args"] = windows_expand_args
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NoArgsIsHelpError as exc:
            exc.show()  # the help text, as ``benchmake --help`` prints it
            sys.exit(exc.exit_code)
        except ClickException as exc:
            raise SystemExit(fail(usage_line(exc), exc.exit_code).exit_code) from None
        except typer.Abort:
            raise SystemExit(fail("interrupted", ExitCode.INTERRUPTED).exit_code) from None
        sys.exit(code if isinstance(code, int) else 0)


def usage_line(exc: Any) -> str:
    """click's message on one line, pointing to the command's help."""
    message = " ".join(exc.format_message().split()).rstrip(".")
    context = getattr(exc, "ctx", None)
    if context is None:
        return message
    return f"{message}; see '{context.command_path} --help'"


app = typer.Typer(
    name="benchmake",
    cls=OneLineErrors,
    help="Turn a scientific data set into a reproducible machine-learning benchmark.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def paragraphs(text: str) -> str:
    """``text`` with each paragraph on one line, so that help wraps it at any width
    rather than breaking it again at each line of the source."""
    return "\n\n".join(" ".join(p.split()) for p in text.strip().split("\n\n"))


for _name, _module, _command in (
    ("split", split_command, split_command.split),
    ("verify", verify_command, verify_command.verify),
    ("inspect", inspect_command, inspect_command.inspect),
    ("evaluate", evaluate_command, evaluate_command.evaluate),
    ("card", card_command, card_command.card),
    ("score", score_command, score_command.score),
    ("publish", publish_command, publish_command.publish),
):
    app.command(_name, help=paragraphs(_module.HELP))(_command)


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
