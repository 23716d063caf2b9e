"""Feature columns that look like the answer: a label left among the features steers an
unsupervised split by the very thing a model should predict.

A column is label-like when its name says so (:data:`LABEL_NAMES`, or a name ending in
one of :data:`LABEL_SUFFIXES`, case-insensitive) or when it looks like a class column:
the first or last column of a table, whole numbers with at most :data:`MAX_CLASSES`
distinct values, beside features that are mostly continuous. docs/formats.md lists them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..formats.table import Table
from .options import Encoded, EncodeOptions
from .tabular import column_as_numbers

#: feature names that say "this is what to predict"
LABEL_NAMES = frozenset(
    [
        "label",
        "labels",
        "target",
        "targets",
        "class",
        "classes",
        "y",
        "outcome",
        "outcomes",
        "activity",
        "active",
        "response",
        "diagnosis",
        "category",
        "species",
    ]
)
#: name endings that say it too (``HIV_active``, ``cell_class``, ``is_label``)
LABEL_SUFFIXES = ("_active", "_activity", "_label", "_labels", "_class", "_target", "_outcome")
MAX_CLASSES = 20  #: a class column has at most this many distinct whole numbers
#: the warning each label-like column gets (one stderr line, inspect, the manifest)
WARNING = (
    "feature column {name!r} looks like a label ({why}); if it is what a model predicts, "
    "pass --target {name} (or --id-col {name} to keep it out of the features)"
)


def named_like_label(name: str) -> bool:
    """Whether a column's name says it is a label.

    >>> [named_like_label(n) for n in ("Class", "HIV_active", "y", "yield", "x1")]
    [True, True, True, False, False]
    """
    lowered = name.strip().lower()
    return lowered in LABEL_NAMES or lowered.endswith(LABEL_SUFFIXES)


def _looks_like_classes(values: np.ndarray, others: list[np.ndarray]) -> bool:
    """Few distinct whole numbers beside features that are mostly continuous."""
    present = values[~np.isnan(values)]
    if len(present) < 10 or not np.all(present == np.round(present)):
        return False
    distinct = len(np.unique(present))
    if not 2 <= distinct <= min(MAX_CLASSES, len(present) // 5):
        return False
    continuous = [o for o in others if len(np.unique(o[~np.isnan(o)])) > len(o) // 2]
    return len(others) >= 2 and len(continuous) * 2 > len(others)


def name_priority(name: str) -> int:
    """How surely a name says "label" (lower: surer): ``label``, ``class``, ``y``... before
    ``HIV_active``-like endings, before ``activity``-like words.

    >>> sorted(["activity", "HIV_active", "Class"], key=name_priority)
    ['Class', 'HIV_active', 'activity']
    """
    lowered = name.strip().lower()
    if lowered in ("label", "labels", "target", "targets", "class", "classes", "y"):
        return 0
    return 1 if lowered.endswith(LABEL_SUFFIXES) else 2 if lowered in LABEL_NAMES else 3


def label_like_columns(table: Table, features: list[str]) -> dict[str, str]:
    """The columns among a table's ``features`` that look like labels, each with why, the
    surest first."""
    if table.frame is None:
        return {}
    frame: pd.DataFrame = table.frame
    used = [str(c) for c in frame.columns if str(c) in set(features)]
    found = {name: "its name" for name in sorted(used, key=name_priority) if named_like_label(name)}
    numbers = {name: column_as_numbers(frame[name])[0] for name in used}
    numeric = {name: v for name, v in numbers.items() if v is not None}
    ends = {str(frame.columns[0]), str(frame.columns[-1])}
    for name in sorted(ends & set(numeric)):
        others = [v for other, v in numeric.items() if other != name]
        if name not in found and _looks_like_classes(numeric[name], others):
            distinct = len(np.unique(numeric[name][~np.isnan(numeric[name])]))
            found[name] = f"{distinct} whole-number values, like classes"
    return found


def label_warnings(table: Table, encoded: Encoded, options: EncodeOptions) -> list[str]:
    """One warning per label-like feature column; with ``--strict``, the first is an error."""
    if encoded.modality != "tabular":
        return []
    found = label_like_columns(table, [str(c) for c in encoded.columns_used])
    warnings = [WARNING.format(name=n, why=w) for n, w in found.items()]
    if warnings and options.strict:
        raise ParameterError(f"{table.path.name}: {warnings[0]} (refused under --strict)")
    return warnings


def input_warnings(table: Table, encoded: Encoded, options: EncodeOptions) -> list[str]:
    """What the user should know about an input: its format's notes and the label-like
    features' warnings (of the whole input, or of a streamed input's first chunk)."""
    return table.notes + label_warnings(table, encoded, options)


#: the name a split's labels (class sub-folders, ``--target-key`` arrays) go by as a target
LABELS_TARGET = "label"


def class_labels(table: Table, rows: np.ndarray) -> np.ndarray | None:
    """The input's labels at ``rows`` when they are classes (class sub-folders,
    ``--target-key``): one value per row, not a different one in every row (the names of a
    ``.smi`` file's molecules); else ``None``."""
    if table.labels is None or np.asarray(table.labels).ndim != 1:
        return None
    y = np.asarray(table.labels)[rows]
    return None if np.unique(y).size == y.size else y


class LabelClasses:
    """The classes of an input's labels (class sub-folders, ``--target-key``), collected
    chunk by chunk or from the whole input at once: the split's target when no
    ``--target`` is named (:meth:`target`). Labels that differ in every row (the names of a
    ``.smi`` file's molecules) are no classes."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.rows = 0
        self.present = True

    def add(self, table: Table, rows: np.ndarray) -> None:
        """The labels of ``table``'s rows ``rows`` (positions within the table)."""
        if table.labels is None or table.frame is not None or np.asarray(table.labels).ndim != 1:
            self.present = False
            return
        for value in np.asarray(table.labels)[rows].tolist():
            key = str(value)
            self.counts[key] = self.counts.get(key, 0) + 1
        self.rows += len(rows)

    def target(self, from_key: bool, options: EncodeOptions) -> dict[str, object] | None:
        """The manifest's ``target`` field (``from_key``: the labels are ``--target-key``
        arrays); ``None`` under ``--target`` or without classes."""
        if options.target is not None or not self.present or not self.rows:
            return None
        if len(self.counts) == self.rows:
            return None
        source = "--target-key" if from_key else "class sub-folders"
        return {"name": LABELS_TARGET, "from": source, "classes": sorted(self.counts)}
