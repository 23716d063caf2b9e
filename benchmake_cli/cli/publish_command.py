"""``benchmake publish``: a public copy of a bundle, with the test targets hidden for a challenge."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import emit_json, run_core
from .options import (
    ForceOption,
    JsonOption,
    ManifestDataOption,
    OutOption,
    QuietOption,
    VerboseOption,
)

HELP = """Write a publishable copy of the split MANIFEST describes into OUT: the split files, the index files, the card README.md, croissant.json and a manifest that records the private bundle's SHA-256 and what was hidden.

With --hide-test-targets the test file carries no target column, as a challenge publishes it: participants train on the training file and predict every row of the test file, and the organiser scores their predictions against the private bundle with 'benchmake score OUT/manifest.json predictions.csv --answers MANIFEST'. The public copy alone refuses to score. 'benchmake verify OUT/manifest.json' re-splits the rows the public files hold and checks that the test set is the method's choice: the split never reads targets.

The private bundle is checked first (its files, index files and data bytes), so its data must be found (--data, or the manifest's recorded path). Hiding needs a CSV, TSV or Parquet split with a header and a --target.
"""

FILES = """Reads MANIFEST, the files beside it and the data; writes OUT through a temporary
folder renamed into place (OUT must be empty or absent unless --force)."""

EXAMPLES = [
    (
        "A challenge: publish without the test answers, then score a submission:",
        "benchmake publish splits/ --out public/ --hide-test-targets && "
        "benchmake score public/ predictions.csv --answers splits/",
    ),
]


def publish(
    manifest: Annotated[Path, typer.Argument(help="manifest.json, or the folder holding it.")],
    out: OutOption,
    hide_test_targets: Annotated[
        bool,
        typer.Option(
            "--hide-test-targets", metavar="", help="Leave the target column out of the test file."
        ),
    ] = False,
    force: ForceOption = False,
    data: ManifestDataOption = None,
    json_output: JsonOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    from ..tasks.publish import publish_bundle

    published = run_core(
        lambda: publish_bundle(
            manifest, out=out, hide_test_targets=hide_test_targets, data=data, force=force
        ),
        verbose,
    )
    if json_output:
        emit_json(
            {
                "out": str(published.out),
                "manifest_sha256": published.manifest_sha256,
                "private_manifest_sha256": published.private_manifest_sha256,
                "hidden_test_columns": list(published.hidden),
                "files": list(published.files),
            }
        )
        return
    if quiet:
        return
    hidden = f"; test column {', '.join(published.hidden)} hidden" if published.hidden else ""
    typer.echo(f"published {len(published.files)} files into {published.out}{hidden}")
    typer.echo(f"private manifest SHA-256: {published.private_manifest_sha256}")
