"""The benchmark card, ``README.md``: what the benchmark is, its criterion, the example
implementation's scores, and how to verify it and score a model on it.

It is written beside ``manifest.json`` (not listed in the manifest's ``files``). Its YAML
front matter makes the bundle a Hugging Face dataset repository (:mod:`.hub`); the line
after it is a comment holding the manifest's SHA-256, which binds the card to the manifest,
and the card's numbers, which a program reads back with :func:`read_card_header`. The text is
a pure function of the manifest, its SHA-256, the scores and the publisher's licence and
citation: no date, so the same split gives the same bytes. Bundles written before 0.2 carry
the same card, without front matter, as ``BENCHMARK.md``; it is still read.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import names
from .hub import Publication, citation_lines, front_matter, strip_front_matter

CARD_FILE = names.CARD
LEGACY_CARD_FILE = names.LEGACY_CARD  #: the card's name in bundles written before 0.2
HEADER_PREFIX = "<!-- benchmake-card "
HEADER_SUFFIX = " -->"


@dataclass(frozen=True)
class Criterion:
    """The objective criterion: a metric of the predictions of ``target``."""

    target: str
    task: str
    metric: str  #: its name, e.g. ``balanced_accuracy``
    label: str  #: as people write it, e.g. ``balanced accuracy``
    higher_is_better: bool
    definition: str
    classes: tuple[str, ...] = ()  #: the labels of a classification target, as text


@dataclass(frozen=True)
class Baseline:
    """The example implementation's scores: on this split and on seeded random splits."""

    model: str
    value: float
    random_values: tuple[float, ...] = ()
    random_seed: int = 0
    random_scored_rows: int = 0  #: rows per random split it was scored on (a seeded pool)

    @property
    def random_mean(self) -> float:
        return math.fsum(self.random_values) / len(self.random_values)

    @property
    def random_std(self) -> float:
        """Sample standard deviation (ddof = 1; 0 for one split)."""
        count = len(self.random_values)
        if count < 2:
            return 0.0
        mean = self.random_mean
        return math.sqrt(math.fsum((v - mean) ** 2 for v in self.random_values) / (count - 1))


@dataclass(frozen=True)
class CardScores:
    """What the card states beyond the manifest; ``note`` says why a part is missing."""

    criterion: Criterion | None = None
    baseline: Baseline | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    pending_target: str | None = None  #: a target whose criterion ``benchmake card`` states
    apart: tuple[str, ...] = ()  #: what sets the test set apart, in words (analysis.apart)


def number(value: float) -> str:
    """A score as the card prints it: 4 decimals (fixed, so the text is stable).

    >>> number(0.123456), number(12.0)
    ('0.1235', '12.0000')
    """
    return f"{value:.4f}"


def render_card(
    manifest: dict[str, Any],
    manifest_sha256: str,
    scores: CardScores,
    publication: Publication | None = None,
) -> str:
    """The text of ``README.md`` for ``manifest`` (whose file has ``manifest_sha256``)."""
    publication = publication or Publication()
    header: dict[str, Any] = {"manifest_sha256": manifest_sha256, **publication.to_header()}
    if scores.criterion is not None:
        header["metric"] = scores.criterion.metric
    if scores.baseline is not None:
        header["baseline"] = scores.baseline.value
    data, encoding = manifest["input"], manifest["encoding"]
    method, split = manifest["method"], manifest["split"]
    params = method.get("parameters", {})
    lines = [
        front_matter(manifest, publication),
        HEADER_PREFIX + json.dumps(header, sort_keys=True) + HEADER_SUFFIX,
        f"# Benchmark: {data['name']}",
        "",
        "A train/test benchmark made with benchmake-cli "
        f"{manifest['tool']['version']}: (i) the data set and its split, (ii) an objective "
        "criterion, (iii) an example implementation with its scores. This card is bound to "
        f"`manifest.json` with SHA-256 `{manifest_sha256}`.",
        "",
        "## Data set",
        "",
        f"- File: `{data['name']}` ({data['format']}), {data['bytes']} bytes, "
        f"SHA-256 `{data['sha256']}`",
        f"- Content hash (order-independent, encoded rows): `{encoding['content_sha256']}`",
        f"- {encoding['n']} rows × {encoding['d']} features ({encoding['modality']}); "
        f"columns used: {_listing(encoding.get('columns_used') or [])}",
        "",
        "## Split",
        "",
        f"- Method: {method['name']} version {method['version']}; "
        + ", ".join(
            f"{key} {params[key]}"
            for key in ("frac", "k", "iterations", "tol", "seed")
            if key in params
        ),
        f"- {split['n_train']} training rows (`train_indices.txt`), {split['n_test']} test rows "
        f"(`test_indices.txt`, SHA-256 `{split.get('test_indices_sha256', '')}`); "
        "0-based row numbers of the input",
        "- Split files: " + _listing(sorted(manifest.get("files", {}))),
        "",
        *_apart_lines(scores),
        "## Objective criterion",
        "",
        *_criterion_lines(scores),
        "",
        "## Example implementation",
        "",
        *_baseline_lines(scores),
        "",
        "## Verify",
        "",
        "```",
        "benchmake verify manifest.json --data " + data["name"],
        "```",
        "",
        "Exit status 0 only when the data's hashes match and a fresh split equals this one.",
        "",
        "## Score a model",
        "",
        "Train on the training rows only, predict every test row, then:",
        "",
        "```",
        "benchmake score manifest.json predictions.csv [more.csv ...] [--json]",
        "```",
        "",
        "A predictions file is a CSV or Parquet table with a key column (the id column "
        f"{_id_hint(encoding)} or `row`, the original 0-based row number) and a `prediction` "
        "column, or a text file with one value per line in `test_indices.txt` order. "
        "See `docs/score.md`.",
        "",
        *citation_lines(publication),
    ]
    return "\n".join(lines) + "\n"


def _apart_lines(scores: CardScores) -> list[str]:
    """The card's section on what sets the test set apart (none without findings)."""
    if not scores.apart:
        return []
    return ["## What sets the test set apart", "", *(f"- {line}" for line in scores.apart), ""]


def _listing(names: list[str], limit: int = 12) -> str:
    shown = ", ".join(f"`{name}`" for name in names[:limit])
    more = len(names) - limit
    return (shown + (f" and {more} more" if more > 0 else "")) or "none"


def _id_hint(encoding: dict[str, Any]) -> str:
    ids = encoding.get("options", {}).get("id_columns") or []
    return f"`{ids[0]}`" if len(ids) == 1 else "(none recorded)"


def _criterion_lines(scores: CardScores) -> list[str]:
    criterion = scores.criterion
    if criterion is None and scores.pending_target is not None:
        return [
            f"- Target: `{scores.pending_target}`; the task and metric are stated by "
            "`benchmake card manifest.json --data DATA`, which reads the whole input.",
        ]
    if criterion is None:
        return [
            "No criterion: the split records no target, so there is nothing to predict. "
            "Split again with `--target COLUMN` (or class folders / `--target-key`) to make "
            "a benchmark; `benchmake score` refuses this bundle.",
        ]
    direction = "higher" if criterion.higher_is_better else "lower"
    lines = [
        f"- Target: `{criterion.target}` ({criterion.task})",
        f"- Metric: **{criterion.label}** (`{criterion.metric}`), {direction} is better: "
        f"{criterion.definition}",
        "- Scored on every test row of `test_indices.txt`, with the model trained on the "
        "training rows only",
    ]
    if criterion.classes:
        lines.append(f"- Classes: {_listing(list(criterion.classes))}")
    return lines


def _baseline_lines(scores: CardScores) -> list[str]:
    baseline, criterion = scores.baseline, scores.criterion
    if baseline is None or criterion is None:
        return [
            *(f"- {note}" for note in scores.notes),
            "- Baseline scores: none on this card; `benchmake card manifest.json` computes them.",
        ]
    label = criterion.label
    lines = [
        f"- Model: {baseline.model}",
        f"- {label} on this split: **{number(baseline.value)}**",
    ]
    if baseline.random_values:
        lines.append(
            f"- {label} on {len(baseline.random_values)} random splits of the same size "
            f"(seed {baseline.random_seed}, scored on their test rows among a seeded pool "
            f"of {baseline.random_scored_rows} rows): {number(baseline.random_mean)} ± "
            f"{number(baseline.random_std)} (mean ± sample standard deviation)"
        )
    lines.append(
        "- Runnable example: `docs/example.py` in benchmake-cli trains this baseline, writes "
        "its predictions and scores them with `benchmake score`."
    )
    lines += [f"- {note}" for note in scores.notes]
    return lines


def card_path(folder: Path) -> Path:
    """The card of the bundle in ``folder``: ``README.md``, or an older bundle's
    ``BENCHMARK.md`` when only that one is there."""
    card = folder / CARD_FILE
    legacy = folder / LEGACY_CARD_FILE
    return legacy if not card.exists() and legacy.exists() else card


def read_card_header(folder: Path) -> dict[str, Any] | None:
    """The JSON header of the card in ``folder``, or ``None`` without a readable one."""
    try:
        with open(card_path(folder), encoding="utf-8") as handle:
            text = handle.read(1 << 20)
    except (OSError, UnicodeDecodeError):
        return None
    first = strip_front_matter(text).split("\n", 1)[0]
    if not (first.startswith(HEADER_PREFIX) and first.endswith(HEADER_SUFFIX)):
        return None
    try:
        header = json.loads(first[len(HEADER_PREFIX) : -len(HEADER_SUFFIX)])
    except json.JSONDecodeError:
        return None
    return header if isinstance(header, dict) else None


def replace_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed into place."""
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
