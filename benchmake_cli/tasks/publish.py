"""``publish``: the public copy of a bundle, for a challenge whose test answers stay private.

The copy holds the split files, the index files, the card and Croissant metadata, and a
manifest that records, in its ``publication`` section, the SHA-256 of the private bundle's
manifest and what was hidden. With ``hide_test_targets`` the test file carries no target
column: participants train on ``train.*`` and predict ``test.*``; the organiser scores their
predictions with ``benchmake score PUBLIC/manifest.json predictions.csv --answers
PRIVATE/manifest.json``. ``verify PUBLIC/manifest.json`` re-splits the rows the public files
hold, as for any bundle, because the split never reads targets (:mod:`.verify`).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from ..bundle import names
from ..bundle.card import read_card_header
from ..bundle.hub import Publication
from ..bundle.manifest import Manifest, manifest_file
from ..bundle.staging import staged_folder
from ..bundle.write import sha256_file
from ..errors import InputNotFoundError, ManifestError, ParameterError, VerifyFailedError
from .bundle_check import VerifyReport, check_bundle
from .card import card_scores, load_bundle, write_card
from .sides import hidden_targets

#: the formats whose test file can be written without its target column
HIDEABLE = {"csv": ",", "tsv": "\t", "parquet": None}


@dataclass(frozen=True)
class Published:
    """What ``publish`` wrote."""

    out: Path
    manifest_sha256: str
    private_manifest_sha256: str
    hidden: tuple[str, ...]  #: the test columns left out
    files: tuple[str, ...]


def publish_bundle(
    manifest: str | Path,
    *,
    out: str | Path,
    hide_test_targets: bool = False,
    data: str | Path | None = None,
    force: bool = False,
) -> Published:
    """Write the public copy of the bundle ``manifest`` names into ``out``.

    The private bundle is checked first (its files, indices and data bytes); a split without
    a target, or whose format cannot drop a column, is refused with ``hide_test_targets``.
    """
    private, prepared, test_rows = load_bundle(manifest, data)
    manifest_path, folder = private.file, private.folder
    report = VerifyReport(manifest_path)
    check_bundle(report, private)
    failed = [f"{c.name}: {c.message}" for c in report.checks if not c.ok]
    if failed:
        raise VerifyFailedError(f"{manifest_path}: " + "; ".join(failed))
    if hidden_targets(private):
        raise ManifestError(f"{manifest_path}: already a public copy; publish the private bundle")
    hidden = _columns_to_hide(manifest_path, private) if hide_test_targets else ()
    private_sha = sha256_file(manifest_path)
    public = private.public_copy(private_sha, hidden)
    destination = Path(out)
    with staged_folder(destination, force) as staging:
        for name in sorted(private.files):
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / name, staging / name)
        if hidden:
            test_name = private.side_file("test")
            drop_columns(staging / test_name, hidden, private)
            path = staging / test_name
            public.record_file(test_name, sha256_file(path), path.stat().st_size)
        (staging / names.MANIFEST).write_text(public.dumps(), encoding="utf-8")
        metric = (read_card_header(folder) or {}).get("metric")
        scores = card_scores(prepared, test_rows, metric, target=private.encoding.target)
        note = (
            f"Test targets ({', '.join(hidden)}) are hidden in this public copy: predict every "
            "row of the test file; the organiser scores the predictions with `benchmake score "
            "manifest.json predictions.csv --answers PRIVATE/manifest.json`."
        )
        if hidden:
            scores = type(scores)(scores.criterion, scores.baseline, (*scores.notes, note))
        stated = Publication.from_header(read_card_header(folder) or {})
        write_card(staging, public, scores, stated)
    return Published(
        out=destination,
        manifest_sha256=sha256_file(destination / names.MANIFEST),
        private_manifest_sha256=private_sha,
        hidden=hidden,
        files=tuple(sorted(public.files)),
    )


def private_bundle_for(public: Manifest, answers: Path) -> Path:
    """The private manifest ``answers`` names, refused unless it is the one the public
    manifest records (by SHA-256)."""
    public_path = public.file
    answers = manifest_file(answers)
    recorded = public.publication.private_manifest_sha256
    if not recorded:
        raise ParameterError(f"--answers: {public_path} is not a public copy made by publish")
    if not answers.is_file():
        raise InputNotFoundError(f"{answers}: no such file")
    if sha256_file(answers) != recorded:
        raise ManifestError(
            f"--answers {answers}: not the private bundle of {public_path} (its manifest's "
            "SHA-256 differs from the one the public copy records)"
        )
    return answers


def _columns_to_hide(manifest_path: Path, manifest: Manifest) -> tuple[str, ...]:
    target = manifest.encoding.target
    if not target:
        raise ParameterError(
            f"--hide-test-targets: {manifest_path} records no target (split with --target "
            "COLUMN), so there is nothing to hide"
        )
    fmt = str(manifest.input.format)
    read = manifest.read_options()
    if fmt not in HIDEABLE or read.sep == "whitespace" or not read.header:
        raise ParameterError(
            "--hide-test-targets: hides the target column of a CSV, TSV or Parquet split with "
            f"a header and one delimiter; this split's data is {fmt}"
        )
    return (str(target),)


def drop_columns(path: Path, columns: tuple[str, ...], manifest: Manifest) -> None:
    """Rewrite a split table without ``columns``, every other value as it was written."""
    fmt = str(manifest.input.format)
    if fmt == "parquet":
        table = pq.read_table(path)
        pq.write_table(table.drop_columns(list(columns)), path)
        return
    sep = manifest.read_options().sep or HIDEABLE[fmt]
    frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, na_filter=False)
    frame.drop(columns=list(columns)).to_csv(path, sep=sep, index=False, lineterminator="\n")
