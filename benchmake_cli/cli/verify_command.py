"""``benchmake verify``: check a manifest against the data and a fresh recomputation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import ExitCode
from ..safe_text import message as safe_message
from ..tasks.verify import VerifyReport, verify_manifest
from .common import emit_json, progress_reporter, run_core
from .groups import (
    EXECUTION,
    only,
    with_options,
)
from .options import (
    JsonOption,
    ManifestDataOption,
    VerboseOption,
)

HELP = """Verify that DATA and the split files are exactly those a MANIFEST describes.

Checks the data's SHA-256 and content hash, splits the data again exactly as recorded, and
compares the fresh split with the published one: the test and training rows, every
recorded field (the hash of the target, id and label values among them) and every written
file. Rows reordered or re-saved in another format pass, by content, and the report says
so. Exit 0 only when every check passes; 7 when something differs, with one line per
check saying what.

When the data is not found (or with --bundle-only), verify checks what it can without it:
the manifest's schema, every written file's SHA-256, the index files (n, k, disjoint,
covering) and the train and test data files (their rows and hashes). It ends with a line
saying the data was not checked and exits 11 when those checks pass, 7 when one fails.
"""

FILES = """Reads MANIFEST, the data file (--data, or the manifest's recorded input.path read from
the manifest's folder, as sha256sum -c follows its paths, or a file of the recorded name
beside the manifest) and the split files listed in the manifest. The fresh split
is written into a temporary folder (TMPDIR) and removed; nothing is written elsewhere."""

EXAMPLES = [
    ("Verify a split made on another machine:", "benchmake verify splits/manifest.json"),
    (
        "Verify against your own copy of the data, and gate a script on the result:",
        "benchmake verify splits/ --data data.csv --quiet || echo 'not the published split'",
    ),
    (
        "Check a bundle received without its data (exit 11 when it is intact):",
        "benchmake verify splits/ --bundle-only",
    ),
    (
        "Which checks failed, for a script:",
        "benchmake verify splits/ --json | jq '.checks[] | select(.ok | not)'",
    ),
]


@with_options(only(EXECUTION, "threads", "jobs", "scheduler"))
def verify(
    manifest: Annotated[Path, typer.Argument(help="manifest.json, or the folder holding it.")],
    data: ManifestDataOption = None,
    bundle_only: Annotated[
        bool,
        typer.Option(
            "--bundle-only",
            metavar="",
            help="Check only the bundle (manifest, files, indices, split data files), "
            "not the data; exit 11 when it is intact.",
        ),
    ] = False,
    json_output: JsonOption = False,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", metavar="", help="No output; the exit code says it all."),
    ] = False,
    verbose: VerboseOption = False,
    **execution: Any,
) -> None:
    with progress_reporter(not quiet) as progress:
        report: VerifyReport = run_core(
            lambda: verify_manifest(
                manifest,
                data=data,
                progress=progress,
                **execution,
                bundle_only=bundle_only,
            ),
            verbose,
        )
    if json_output:
        emit_json(report.to_dict())
    elif not quiet:
        for check in report.checks:
            line = f"{check.name}: {check.message}"
            typer.echo(f"{'ok  ' if check.ok else 'FAIL'}  {safe_message(line)}")
        if report.margins:
            typer.echo(f"info  {report.margins}")
        typer.echo(report.result)
    if report.exit_code != ExitCode.OK:
        raise typer.Exit(code=int(report.exit_code))
