"""``score``: a model's predictions for a benchmark's test rows, against its criterion.

A predictions file is one of (``docs/score.md``):

- a CSV/TSV (header) or Parquet table with a key column, the recorded id column (when the
  split recorded exactly one ``--id-col``) or ``row`` (original 0-based row number), and a
  ``prediction`` column (or exactly one other column). ROC AUC of more than two classes
  takes one score column per class instead, named by the class labels;
- any other file: one value per line, in the order of ``test_indices.txt``.

Every test row must appear exactly once; a training row or an unknown key is refused, and
so is a value that does not suit the task (a label of the target's classes for
classification, a probability from 0 to 1 for ROC AUC, a finite number for regression).
Refusals name the file and the line (CSV, TSV, text: 1-based line of the file) or row
(Parquet: 0-based record), raise :class:`PredictionsError` (exit status 11).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.metrics import METRICS
from ..bundle.card import Criterion
from ..bundle.manifest import Manifest, open_manifest
from ..bundle.write import sha256_file
from ..encode.carried import canonical_strings
from ..errors import InputNotFoundError, ParameterError, PredictionsError
from ..formats.safety import special_kind
from ..safe_text import value as shown_value
from .bundle_check import refuse_broken_bundle
from .card import (
    CriterionData,
    baseline_scores,
    label_text,
    metric_value,
    open_benchmark,
)
from .publish import private_bundle_for
from .sides import hidden_targets

#: the largest prediction magnitude scored: its square, summed over rows, stays finite
MAX_PREDICTION = 1e150
ROW_KEY = "row"
VALUE_COLUMN = "prediction"


@dataclass
class Entry:
    """One predictions file and its score."""

    name: str
    sha256: str
    value: float
    rank: int = 0


@dataclass
class ScoreReport:
    """The criterion, the baseline's value and each predictions file's, ranked."""

    manifest: Path
    manifest_sha256: str
    data_sha256: str
    test_indices_sha256: str
    n_test: int
    criterion: Criterion
    baseline: float | None
    entries: list[Entry] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Leaderboard-ready JSON: what was scored, against what, and the ranking."""
        better = METRICS[self.criterion.metric].better
        return {
            "benchmark": {
                "manifest": str(self.manifest),
                "manifest_sha256": self.manifest_sha256,
                "data_sha256": self.data_sha256,
                "test_indices_sha256": self.test_indices_sha256,
                "n_test": self.n_test,
                "target": self.criterion.target,
                "task": self.criterion.task,
                "metric": self.criterion.metric,
                "higher_is_better": self.criterion.higher_is_better,
            },
            "baseline": None
            if self.baseline is None
            else {"model": "knn", "k": 5, "value": self.baseline},
            "entries": [
                {
                    "rank": e.rank,
                    "name": e.name,
                    "sha256": e.sha256,
                    "value": e.value,
                    "beats_baseline": None
                    if self.baseline is None
                    else better(e.value, self.baseline),
                }
                for e in self.entries
            ],
        }


@dataclass
class _Keys:
    """How a predictions file may name a test row."""

    test_rows: np.ndarray  #: input row numbers of the test rows, ascending
    listed: np.ndarray  #: the same, in the order of test_indices.txt
    all_rows: np.ndarray  #: input row numbers of every encoded row, ascending
    id_column: str | None
    ids: dict[str, int] = field(default_factory=dict)  #: canonical id text → input row


def score_predictions(
    manifest: str | Path,
    predictions: Sequence[str | Path],
    *,
    data: str | Path | None = None,
    metric: str | None = None,
    answers: str | Path | None = None,
) -> ScoreReport:
    """Score each predictions file on the benchmark ``manifest`` describes; rank them.

    A public copy whose test targets are hidden (``publish --hide-test-targets``) is scored
    against the private bundle ``answers`` names, which must be the one it records."""
    if not predictions:
        raise ParameterError("name at least one predictions file")
    public = open_manifest(manifest)
    public_path = public.file
    if answers is not None or hidden_targets(public):
        if answers is None:
            raise ParameterError(
                f"{public_path}: a public copy whose test targets are hidden cannot score "
                "predictions; the organiser passes --answers PRIVATE/manifest.json"
            )
        manifest = private_bundle_for(public, Path(answers))
    refuse_broken_bundle(manifest if isinstance(manifest, Manifest) else open_manifest(manifest))
    benchmark = open_benchmark(manifest, data, metric, without_target="there is nothing to score")
    prepared, criterion, test = benchmark.prepared, benchmark.criterion, benchmark.test
    recorded, card = benchmark.manifest, benchmark.card
    keys = _keys(prepared, recorded, benchmark.test_rows)
    entries = []
    for path in predictions:
        values = read_predictions(Path(path), keys, criterion)
        value = metric_value(criterion, np.sort(test), values)
        if not np.isfinite(value):
            raise PredictionsError(f"{path}: the predictions give a {value} score")
        entries.append(Entry(str(path), sha256_file(Path(path)), value))
    baseline = card.get("baseline") if card.get("metric") == criterion.metric.name else None
    if baseline is None:
        try:
            baseline = baseline_scores(prepared, criterion, test, random_splits=0).value
        except ParameterError:
            baseline = None
    rank_entries(entries, criterion.metric.higher_is_better)
    return ScoreReport(
        manifest=benchmark.manifest_path,
        manifest_sha256=benchmark.manifest_sha256,
        data_sha256=str(recorded.input.sha256),
        test_indices_sha256=str(recorded.split.test_indices_sha256),
        n_test=int(test.size),
        criterion=criterion.criterion,
        baseline=None if baseline is None else float(baseline),
        entries=entries,
    )


def rank_entries(entries: list[Entry], higher_is_better: bool) -> None:
    """Sort best first; equal values share a rank (1, 2, 2, 4), in the order given.

    >>> e = [Entry("a", "", 0.5), Entry("b", "", 0.9), Entry("c", "", 0.5)]
    >>> rank_entries(e, True); [(x.name, x.rank) for x in e]
    [('b', 1), ('a', 2), ('c', 2)]
    """
    entries.sort(key=lambda e: -e.value if higher_is_better else e.value)
    for position, entry in enumerate(entries, start=1):
        same = position > 1 and entries[position - 2].value == entry.value
        entry.rank = entries[position - 2].rank if same else position


def _keys(prepared: Any, manifest: Manifest, listed: np.ndarray) -> _Keys:
    ids = manifest.encoding.id_columns
    keys = _Keys(
        np.sort(listed),
        listed,
        np.asarray(prepared.encoded.rows),
        ids[0] if len(ids) == 1 else None,
    )
    frame = prepared.table.frame
    if keys.id_column is not None and frame is not None and keys.id_column in frame.columns:
        texts = canonical_strings(frame[keys.id_column].iloc[keys.all_rows])
        keys.ids = dict(zip(texts, keys.all_rows.tolist(), strict=True))
        if len(keys.ids) != len(texts):
            keys.ids = {}  # ids that repeat cannot name a row: only ``row`` keys
    return keys


def _read_table(path: Path) -> tuple[pd.DataFrame, str, int]:
    """The table, how its rows are named in messages, and the first row's number."""
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path), "row", 0
        sep = "\t" if path.suffix.lower() == ".tsv" else ","
        frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)
        return frame, "line", 2
    except FileNotFoundError:
        raise InputNotFoundError(f"{path}: no such file") from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        reason = " ".join(str(exc).split())[:120]
        raise PredictionsError(f"{path}: cannot be read as a table ({reason})") from None


def read_predictions(path: Path, keys: _Keys, criterion: CriterionData) -> np.ndarray:
    """The values of ``path`` for the test rows in ascending row order: labels or numbers,
    or scores ((n,) or (n, classes)) for ROC AUC."""
    if not path.is_file():
        kind = special_kind(path) if path.exists() else None
        if kind is not None:  # a FIFO or device could block or never end: never opened
            raise PredictionsError(f"{path}: is {kind}, not a predictions file")
        raise InputNotFoundError(f"{path}: no such file")
    if path.suffix.lower() not in (".csv", ".tsv", ".parquet"):
        return _read_lines(path, keys, criterion)
    frame, unit, first = _read_table(path)
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    if keys.id_column in columns and keys.ids:
        key_column = keys.id_column
    elif ROW_KEY in columns:
        key_column = ROW_KEY
    else:
        named = f"{keys.id_column!r} or " if keys.ids else ""
        raise PredictionsError(
            f"{path}: no key column: name each test row with a column {named}{ROW_KEY!r} "
            "(its original 0-based row number)"
        )
    value_columns = _value_columns(path, columns, key_column, criterion)
    rows = _rows_of(path, frame[key_column], key_column, keys, unit, first)
    where = {row: i for i, row in enumerate(rows)}
    missing = [row for row in keys.test_rows.tolist() if row not in where]
    if missing:
        raise PredictionsError(
            f"{path}: test row {missing[0]} has no prediction "
            f"({len(missing)} of {keys.test_rows.size} test rows missing)"
        )
    picked = [where[row] for row in keys.test_rows.tolist()]
    parts = [
        _values(path, frame[column].iloc[picked], criterion, unit, first, picked, column)
        for column in value_columns
    ]
    return parts[0] if len(parts) == 1 else np.column_stack(parts)


def _value_columns(
    path: Path, columns: list[str], key_column: str, criterion: CriterionData
) -> list[str]:
    classes = criterion.criterion.classes
    if criterion.metric.scores and len(classes) > 2:
        absent = [label for label in classes if label not in columns]
        if absent:
            raise PredictionsError(
                f"{path}: ROC AUC of {len(classes)} classes needs one score column per class; "
                f"no column {absent[0]!r}"
            )
        return list(classes)
    if VALUE_COLUMN in columns:
        return [VALUE_COLUMN]
    others = [c for c in columns if c not in (key_column, ROW_KEY)]
    if len(others) != 1:
        raise PredictionsError(
            f"{path}: no prediction column: name it {VALUE_COLUMN!r} "
            f"(columns: {', '.join(columns)})"
        )
    return others


def _rows_of(
    path: Path, column: pd.Series, name: str, keys: _Keys, unit: str, first: int
) -> list[int]:
    """The input row named by each key, checked: known, a test row, listed once."""
    texts = canonical_strings(column) if name != ROW_KEY else column.astype(str).str.strip()
    test = set(keys.test_rows.tolist())
    seen: dict[int, int] = {}
    rows = []
    for i, text in enumerate(list(texts)):
        where = f"{path}: {unit} {first + i}"
        if name == ROW_KEY:
            number = pd.to_numeric(pd.Series([text]), errors="coerce").iloc[0]
            if not (number == number and float(number).is_integer() and number >= 0):
                raise PredictionsError(f"{where}: row {text!r} is not a 0-based row number")
            row = int(number)
            label = f"row {row}"
        else:
            label = f"{name} {column.iloc[i]!r}"
            if text not in keys.ids:
                raise PredictionsError(f"{where}: {label} is not in the data")
            row = keys.ids[text]
        if row not in test:
            known = np.searchsorted(keys.all_rows, row)
            is_row = known < keys.all_rows.size and keys.all_rows[known] == row
            kind = "a training row" if is_row else "not a row of the data"
            raise PredictionsError(f"{where}: {label} is {kind}; predict the test rows only")
        if row in seen:
            raise PredictionsError(f"{where}: {label} is already on {unit} {seen[row]}")
        seen[row] = first + i
        rows.append(row)
    return rows


def _values(
    path: Path,
    column: pd.Series,
    criterion: CriterionData,
    unit: str,
    first: int,
    positions: Sequence[int],
    name: str,
) -> np.ndarray:
    """A column of predictions as the metric takes them, checked value by value."""
    task = criterion.criterion.task
    target = criterion.criterion.target
    raw = column.tolist()
    if criterion.metric.scores or task == "regression":
        numbers = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)
        if task == "regression":
            bad = ~np.isfinite(numbers)
            need = f"a finite number (the target {target!r} is a regression target)"
            if not bad.any():
                bad = np.abs(numbers) > MAX_PREDICTION
                need = f"at most {MAX_PREDICTION:.0e} in magnitude (larger overflows the metric)"
        else:
            bad = ~((numbers >= 0.0) & (numbers <= 1.0))  # NaN fails both
            need = "a probability (a number from 0 to 1)"
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise PredictionsError(
                f"{path}: {unit} {first + positions[i]}: {name} {shown_value(raw[i])!r} is not {need}"
            )
        return numbers
    assert criterion.classes is not None
    canonical = canonical_strings(pd.Series(criterion.classes))
    by_text = dict(zip(canonical, criterion.classes.tolist(), strict=True))
    texts = canonical_strings(column)
    labels = []
    for value, text, position in zip(raw, texts, positions, strict=True):
        if text not in by_text:
            shown = ", ".join(label_text(c) for c in criterion.classes[:10])
            raise PredictionsError(
                f"{path}: {unit} {first + position}: {value!r} is not a class of the target "
                f"{target!r} (classes: {shown})"
            )
        labels.append(by_text[text])
    return np.asarray(labels, dtype=criterion.classes.dtype)


def _read_lines(path: Path, keys: _Keys, criterion: CriterionData) -> np.ndarray:
    """One value per line, in the order of ``test_indices.txt`` (blank lines refused)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise PredictionsError(f"{path}: cannot be read as text ({exc})") from None
    if criterion.metric.scores and len(criterion.criterion.classes) > 2:
        raise PredictionsError(
            f"{path}: ROC AUC of several classes needs a table with one score column per class"
        )
    n = keys.test_rows.size
    if len(lines) != n:
        raise PredictionsError(
            f"{path}: {len(lines)} lines, but the test set has {n} rows "
            "(one value per line, in test_indices.txt order)"
        )
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            raise PredictionsError(f"{path}: line {number}: empty; one value per line")
    values = _values(path, pd.Series(lines, dtype=str), criterion, "line", 1, range(n), "value")
    return values[np.argsort(keys.listed, kind="stable")]  # into ascending row order
