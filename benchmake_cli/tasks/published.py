"""What ``verify`` checks beyond the manifest's own list: every other published file.

The benchmark card (``README.md``; ``BENCHMARK.md`` in bundles before 0.2) and
``croissant.json`` are written beside the manifest, bound to it by its SHA-256, and so not
listed in it. Without the data (:func:`check_published`, part of the bundle check) the card
must be bound to this manifest and state its own header's baseline, and ``croissant.json``
must name this manifest and list its files with their recorded hashes. With the data
(:func:`check_card_scores`) the criterion and baseline are recomputed and must be the
card's; a card written by this version must be exactly the text they give. An image or signal folder's
listings must name relative paths that stay inside the data folder, each once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from .._version import __version__
from ..bundle import manifest as manifest_io
from ..bundle import names
from ..bundle.card import (
    HEADER_SUFFIX,
    CardScores,
    card_path,
    number,
    read_card_header,
    render_card,
)
from ..bundle.croissant import croissant_metadata
from ..bundle.hub import Publication
from ..bundle.indices import read_row_numbers
from ..bundle.manifest import Manifest
from ..bundle.write import sha256_file
from ..errors import BenchmakeError
from ..safe_text import quoted
from .sides import hidden_targets, read_side


def check_published(
    report: Any, manifest: Manifest, data_path: Path | None = None, prepared: Any = None
) -> None:
    """The bundle's listings and unlisted files; with ``data_path`` (the data, its bytes
    the recorded ones; ``prepared``: it read and encoded, when at hand) the card's scores
    are recomputed too."""
    check_listings(report, manifest)
    check_card_binding(report, manifest, data_path, prepared)


#: why a split of data whose bytes are not the recorded ones failed: none of its content
NOT_QUOTED = (
    "{} reading data whose bytes are not the recorded ones (its content is not quoted: "
    "it may be any file)"
)


def check_listing_names(report: Any, manifest: Manifest, expected: Manifest) -> None:
    """For an image or signal folder whose bytes differ (a file added, renamed or edited):
    the fresh split's listings must name the same files on the same side, so a renamed
    sample or two samples whose contents were swapped are caught."""
    recorded, fresh = manifest.files, expected.files
    differing = [
        name
        for name in (manifest.side_file("train"), manifest.side_file("test"))
        if getattr(recorded.get(name), "sha256", None) != getattr(fresh.get(name), "sha256", None)
    ]
    if differing:
        report.add(
            "listings",
            False,
            " and ".join(differing)
            + (" name" if len(differing) > 1 else " names")
            + " other files than the data folder's samples "
            "give now (a sample renamed, moved, or its content swapped with another's)",
        )
    else:
        report.add("listings", True, "the data folder's samples are the listed files, by name")


def check_listings(report: Any, manifest: Manifest) -> None:
    """Each listed path of an image or signal folder is relative, stays inside the data
    folder and is listed once, on one side."""
    if not manifest.input_format().copies_files:
        return
    seen: dict[str, str] = {}
    for side in ("train", "test"):
        name = manifest.side_file(side)
        try:
            listing = read_side(manifest, side)
        except BenchmakeError as exc:
            report.add("listings", False, str(exc))
            return
        assert isinstance(listing, pd.DataFrame)
        if "path" not in listing.columns:
            report.add("listings", False, f"{name}: has no path column")
            return
        for row, path in enumerate(listing["path"].tolist(), start=2):
            if not inside_data(str(path)):
                report.add(
                    "listings",
                    False,
                    f"{name}: line {row}: {quoted(path)} is not a path inside the data folder",
                )
                return
            if path in seen:
                report.add(
                    "listings", False, f"{name}: line {row}: {quoted(path)} is also in {seen[path]}"
                )
                return
            seen[path] = name
    report.add("listings", True, f"{len(seen)} listed paths, each once and inside the data folder")


def inside_data(path: str) -> bool:
    """A listed path is relative POSIX, without ``..``, ``.`` or empty parts."""
    parts = path.split("/")
    return (
        bool(path)
        and "\\" not in path
        and not path.startswith("/")
        and ":" not in parts[0]
        and all(part not in ("", ".", "..") for part in parts)
    )


def check_card_binding(
    report: Any, manifest: Manifest, data_path: Path | None = None, prepared: Any = None
) -> None:
    """The card is bound to this manifest and states its header's baseline;
    ``croissant.json`` is bound to it and lists every published file with its hash."""
    folder = manifest.folder
    card, croissant = card_path(folder), folder / names.CROISSANT
    if not card.exists() and not croissant.exists():
        report.add("card", True, f"no {names.CARD} or {names.CROISSANT} published")
        return
    manifest_sha = sha256_file(folder / names.MANIFEST)
    header = read_card_header(folder)
    problems = []
    if card.exists():
        if header is None:
            problems.append(f"{card.name} has no readable benchmake-card line")
        elif header.get("manifest_sha256") != manifest_sha:
            problems.append(f"{card.name} is bound to another manifest (SHA-256 differs)")
        elif "baseline" in header and not _states(card, header["baseline"]):
            problems.append(
                f"{card.name}'s benchmake-card line states a baseline its text does not"
            )
    if croissant.exists():
        problem = _croissant_problem(croissant, manifest, manifest_sha)
        if problem:
            problems.append(problem)
    if problems:
        report.add("card", False, "; ".join(problems))
    elif data_path is not None and header is not None and card.exists():
        check_card_scores(report, manifest, data_path, header, prepared)
    else:
        report.add("card", True, f"{card.name} and {names.CROISSANT} are bound to this manifest")


def _croissant_problem(path: Path, manifest: Manifest, manifest_sha: str) -> str:
    """Why ``croissant.json`` is not the metadata of this manifest (``""`` when it is):
    its URL names the manifest's SHA-256, and its files are the manifest and the files it
    lists, each with its recorded hash."""
    try:
        metadata = json.loads(_text(path) or "")
        listed = {
            entry["name"]: entry["sha256"]
            for entry in metadata.get("distribution", [])
            if isinstance(entry, dict)
        }
        url = metadata.get("url")
    except (ValueError, KeyError, TypeError, AttributeError):
        return f"{names.CROISSANT} is not readable Croissant metadata"
    expected = {name: entry.sha256 for name, entry in manifest.files.items()}
    expected[names.MANIFEST] = manifest_sha
    if url != f"urn:sha256:{manifest_sha}" or listed != expected:
        return f"{names.CROISSANT} is not bound to this manifest and its files"
    return ""


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _states(card: Path, baseline: Any) -> bool:
    text = _text(card)
    if text is None or not isinstance(baseline, (int, float)) or isinstance(baseline, bool):
        return False
    body = text.split(HEADER_SUFFIX, 1)[-1]
    return number(float(baseline)) in body


def check_card_scores(
    report: Any, manifest: Manifest, data_path: Path, header: dict[str, Any], prepared: Any = None
) -> None:
    """With the data: the card's criterion and baseline are those recomputed; a card of
    this version (``README.md``) must be exactly the text they give, and ``croissant.json``
    exactly its metadata."""
    folder = manifest.folder
    scores = _recomputed_scores(manifest, data_path, header, prepared)
    metric = scores.criterion.metric if scores.criterion is not None else None
    baseline = scores.baseline.value if scores.baseline is not None else None
    if header.get("metric") != metric or header.get("baseline") != baseline:
        report.add(
            "card",
            False,
            f"{card_path(folder).name} states {header.get('metric')} "
            f"{header.get('baseline')}; recomputed: {metric} {baseline}",
        )
        return
    card = card_path(folder)
    if card.name == names.CARD and manifest.tool.version == __version__:
        sha = str(header["manifest_sha256"])
        publication = Publication.from_header(header)
        expected = render_card(manifest.data, sha, scores, publication)
        metadata = manifest_io.dumps(
            croissant_metadata(manifest.data, sha, folder, scores, publication)
        )
        differing = [
            path.name
            for path, text in ((card, expected), (folder / names.CROISSANT, metadata))
            if path.exists() and _text(path) != text
        ]
        if differing:
            report.add(
                "card",
                False,
                " and ".join(differing) + " differ from what the recomputed scores give",
            )
            return
    report.add("card", True, f"{card.name} and {names.CROISSANT} match the recomputed scores")


def _recomputed_scores(
    manifest: Manifest, data_path: Path, header: dict[str, Any], prepared: Any = None
) -> CardScores:
    from .card import (  # card imports the bundle check, which imports this
        CARD_MAX_CELLS,
        card_scores,
    )

    test_rows = read_row_numbers(manifest.indices_path("test"))
    sharded = "sharding" in manifest.method.parameters
    if sharded and "metric" not in header:
        return card_scores(None, test_rows, target=manifest.encoding.target)
    from ..pipeline.whole import prepare

    if prepared is None or hidden_targets(manifest):  # a public copy's split never read them
        prepared = prepare(data_path, manifest.read_options(), manifest.encode_options())
    limit = None if "baseline" in header else CARD_MAX_CELLS
    return card_scores(prepared, test_rows, header.get("metric"), max_cells=limit)
