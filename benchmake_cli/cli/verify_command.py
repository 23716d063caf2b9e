"""``benchmake verify``: check a manifest against the data and a fresh recomputation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..engines import SCHEDULER_ENV
from ..errors import ExitCode
from ..verify import VerifyReport, verify_manifest
from .common import emit_json, progress_reporter, run_core

HELP = """Verify that DATA and the split files are exactly those a MANIFEST describes.

Checks the data's SHA-256 and content hash, recomputes the split from the recorded
parameters, and checks every written file. Exit 0 only when every check passes; 7 when
something differs, with one line per check saying what.
"""


def verify(
    manifest: Annotated[Path, typer.Argument(help="manifest.json, or the folder holding it.")],
    data: Annotated[
        Optional[Path],
        typer.Option(help="The data file to check (default: the manifest's input.path)."),
    ] = None,
    threads: Annotated[
        Optional[int], typer.Option(min=1, help="CPU threads (default: all available).")
    ] = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, help="Local worker processes for shards.")
    ] = 1,
    scheduler: Annotated[
        Optional[str],
        typer.Option(
            "--scheduler",
            envvar=SCHEDULER_ENV,
            help="Dask scheduler address to recompute a sharded split on.",
        ),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No output; the exit code says it all.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="More detail on stderr.")
    ] = False,
) -> None:
    with progress_reporter(not quiet and verbose) as progress:
        report: VerifyReport = run_core(
            lambda: verify_manifest(
                manifest,
                data=data,
                threads=threads,
                progress=progress,
                jobs=jobs,
                scheduler=scheduler,
            ),
            verbose,
        )
    if json_output:
        emit_json(report.to_dict())
    elif not quiet:
        for check in report.checks:
            typer.echo(f"{'ok  ' if check.ok else 'FAIL'}  {check.name}: {check.message}")
        failed = sum(not check.ok for check in report.checks)
        typer.echo("verified" if report.ok else f"NOT verified: {failed} check(s) failed")
    if not report.ok:
        raise typer.Exit(code=int(ExitCode.VERIFY_FAILED))
