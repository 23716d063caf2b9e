"""What ``verify`` checks beyond the manifest's own list: every other published file.

The benchmark card (``BENCHMARK.md``) and ``croissant.json`` are written beside the
manifest, bound to it by its SHA-256, and so not listed in it. Without the data
(:func:`check_published`, part of the bundle check) the card must be bound to this
manifest and agree with its own header, and ``croissant.json`` must be exactly the metadata
this manifest and these split files give. With the data (:func:`check_card_scores`) the
card must be exactly the text its scores give, recomputed. An image or signal folder's
listings must name relative paths that stay inside the data folder, each once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..bundle import manifest as manifest_io
from ..bundle.card import CARD_FILE, number, read_card_header, render_card
from ..bundle.croissant import CROISSANT_FILE, croissant_metadata
from ..bundle.indices import read_row_numbers
from ..bundle.write import sha256_file
from ..errors import BenchmakeError
from ..safe_text import quoted
from .card import CARD_MAX_CELLS, card_scores
from .sides import lists_files, read_side, side_name


def check_published(
    report: Any, folder: Path, manifest: dict[str, Any], data_path: Path | None = None
) -> None:
    """The bundle's listings and unlisted files; with ``data_path`` (the data, its bytes
    the recorded ones) the card's scores are recomputed too."""
    check_listings(report, folder, manifest)
    check_card_binding(report, folder, manifest, data_path)


def check_listings(report: Any, folder: Path, manifest: dict[str, Any]) -> None:
    """Each listed path of an image or signal folder is relative, stays inside the data
    folder and is listed once, on one side."""
    if not lists_files(manifest):
        return
    seen: dict[str, str] = {}
    for side in ("train", "test"):
        name = side_name(manifest, side)
        try:
            listing = read_side(folder, manifest, side)
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
    report: Any, folder: Path, manifest: dict[str, Any], data_path: Path | None = None
) -> None:
    """``BENCHMARK.md`` is bound to this manifest and states its header's baseline;
    ``croissant.json`` is exactly the metadata of this manifest and split files."""
    card, croissant = folder / CARD_FILE, folder / CROISSANT_FILE
    if not card.exists() and not croissant.exists():
        report.add("card", True, f"no {CARD_FILE} or {CROISSANT_FILE} published")
        return
    manifest_sha = sha256_file(folder / manifest_io.FILE_NAME)
    header = read_card_header(folder)
    problems = []
    if card.exists():
        if header is None:
            problems.append(f"{CARD_FILE} has no readable benchmake-card first line")
        elif header.get("manifest_sha256") != manifest_sha:
            problems.append(f"{CARD_FILE} is bound to another manifest (SHA-256 differs)")
        elif "baseline" in header and not _states(card, header["baseline"]):
            problems.append(f"{CARD_FILE}'s first line states a baseline its text does not")
    if croissant.exists():
        metric = (header or {}).get("metric")
        try:
            expected = manifest_io.dumps(croissant_metadata(manifest, manifest_sha, folder, metric))
        except (BenchmakeError, KeyError, TypeError, ValueError, OSError) as exc:
            expected = f"(cannot be rebuilt: {type(exc).__name__})"
        if _text(croissant) != expected:
            problems.append(f"{CROISSANT_FILE} is not the metadata of this manifest and its files")
    if problems:
        report.add("card", False, "; ".join(problems))
    elif data_path is not None and header is not None and card.exists():
        check_card_scores(report, folder, manifest, data_path)
    else:
        report.add("card", True, f"{CARD_FILE} and {CROISSANT_FILE} are bound to this manifest")


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _states(card: Path, baseline: Any) -> bool:
    text = _text(card)
    if text is None or not isinstance(baseline, (int, float)):
        return False
    return f"{number(float(baseline))}" in text.split("\n", 1)[-1]


def check_card_scores(report: Any, folder: Path, manifest: dict[str, Any], data_path: Path) -> None:
    """With the data: ``BENCHMARK.md`` is exactly the card its recomputed scores give."""
    card = folder / CARD_FILE
    header = read_card_header(folder)
    assert header is not None
    options = manifest["encoding"].get("options") or {}
    test_rows = read_row_numbers(folder / str(manifest["split"].get("test_indices")))
    sharded = "sharding" in (manifest["method"].get("parameters") or {})
    from ..pipeline.whole import prepare

    if sharded and "metric" not in header:
        scores = card_scores(None, test_rows, target=options.get("target"))
    else:
        prepared = prepare(
            data_path,
            manifest_io.recorded_read_options(manifest),
            manifest_io.recorded_encode_options(manifest),
        )
        limit = None if "baseline" in header else CARD_MAX_CELLS
        scores = card_scores(prepared, test_rows, header.get("metric"), max_cells=limit)
    expected = render_card(manifest, str(header["manifest_sha256"]), scores)
    if _text(card) == expected:
        report.add("card", True, f"{CARD_FILE} (its scores recomputed) and {CROISSANT_FILE} match")
    else:
        report.add("card", False, f"{CARD_FILE}: differs from the card its recomputed scores give")
