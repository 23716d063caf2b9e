"""What sets a test set apart from its training set, in the data's own terms: the features
whose distributions differ most, the rows' size and the classes left without test rows.

The size of a row is what a scientist would call it: the number of tokens of a sequence
(the sum of its counts), the total intensity of an image or a signal (the sum of its
values), and the Euclidean norm of a table's min-max scaled row. A feature's effect size is
the difference of the test and training means over their pooled standard deviation
(Cohen's d); the features are ranked by its absolute value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

TOP_FEATURES = 3  #: the features named
#: per modality: what a row's size is, its unit, and the words for smaller / larger
SIZES: dict[str, tuple[str, str, str, str]] = {
    "sequence": ("length", "tokens", "shorter", "longer"),
    "image": ("total intensity", "", "darker", "brighter"),
    "signal": ("total intensity", "", "lower in total intensity", "higher in total intensity"),
    "tabular": ("norm of the scaled row", "", "nearer the origin", "farther from the origin"),
    "graph": ("norm of the scaled row", "", "nearer the origin", "farther from the origin"),
}


@dataclass
class Apart:
    """The features that differ most, the rows' size and the classes without test rows."""

    features: list[dict[str, Any]]  #: name, effect_size, test_median, train_median
    size: dict[str, Any]  #: measure, unit, test_median, train_median, effect_size
    modality: str
    classes_without_test_rows: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": self.features,
            "size": self.size,
            "classes_without_test_rows": self.classes_without_test_rows,
        }

    def lines(self) -> list[str]:
        """The findings in words, one per line."""
        measure, unit, smaller, larger = SIZES.get(self.modality, SIZES["tabular"])
        noun = {"sequence": "sequences", "image": "images", "signal": "signals"}.get(
            self.modality, "rows"
        )
        s = self.size
        verb = "are" if self.modality in ("sequence", "image", "signal") else "lie"
        word = smaller if s["test_median"] < s["train_median"] else larger
        if s["test_median"] == s["train_median"]:
            word = "alike in size"
        lines = [
            f"test {noun} {verb} {word}: median {measure} {_num(s['test_median'])} vs "
            f"{_num(s['train_median'])}{' ' + unit if unit else ''} (train)"
        ]
        kind = {"image": "pixel", "signal": "point", "sequence": "token"}.get(
            self.modality, "feature"
        )
        for f in self.features:
            lines.append(
                f"{kind} {f['name']!r}: effect size {f['effect_size']:+.2f}, median "
                f"{_num(f['test_median'])} (test) vs {_num(f['train_median'])} (train)"
            )
        if self.classes_without_test_rows:
            shown = ", ".join(map(str, self.classes_without_test_rows))
            count = len(self.classes_without_test_rows)
            lines.append(f"{count} class(es) with no test rows: {shown}")
        return lines


def _num(value: float) -> str:
    return f"{value:.4g}"


def effect_sizes(test: np.ndarray, train: np.ndarray) -> np.ndarray:
    """Cohen's d per column: (test mean - train mean) / pooled standard deviation (0 where
    both sides are constant).

    >>> effect_sizes(np.array([[0.0], [2.0]]), np.array([[2.0], [4.0]])).round(3).tolist()
    [-1.414]
    """
    n1, n2 = len(test), len(train)
    v1 = test.var(axis=0, ddof=1) if n1 > 1 else np.zeros(test.shape[1])
    v2 = train.var(axis=0, ddof=1) if n2 > 1 else np.zeros(train.shape[1])
    pooled = np.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / max(n1 + n2 - 2, 1))
    diff = test.mean(axis=0) - train.mean(axis=0)
    return np.divide(diff, pooled, out=np.zeros_like(diff), where=pooled > 0)


def row_sizes(raw: np.ndarray, scaled: np.ndarray, modality: str) -> np.ndarray:
    """Each row's size: a sum of counts or intensities, or the norm of the scaled row."""
    if modality in ("sequence", "image", "signal"):
        return raw.sum(axis=1)
    return np.sqrt((scaled**2).sum(axis=1))


def what_sets_apart(
    raw: np.ndarray,
    scaled: np.ndarray,
    test: np.ndarray,
    feature_names: list[str],
    modality: str,
    y: np.ndarray | None = None,
    classification: bool = False,
) -> Apart:
    """The findings for the test positions ``test`` (rows of ``raw``, the encoded matrix
    in its own units, and ``scaled``, min-max scaled)."""
    is_test = np.zeros(len(raw), dtype=bool)
    is_test[test] = True
    effects = effect_sizes(scaled[is_test], scaled[~is_test])
    order = np.argsort(-np.abs(effects), kind="stable")[:TOP_FEATURES]
    features = [
        {
            "name": feature_names[j],
            "effect_size": float(effects[j]),
            "test_median": float(np.median(raw[is_test, j])),
            "train_median": float(np.median(raw[~is_test, j])),
        }
        for j in order
        if effects[j] != 0
    ]
    sizes = row_sizes(raw, scaled, modality)
    measure, unit, _, _ = SIZES.get(modality, SIZES["tabular"])
    size = {
        "measure": measure,
        "unit": unit,
        "test_median": float(np.median(sizes[is_test])),
        "train_median": float(np.median(sizes[~is_test])),
        "effect_size": float(effect_sizes(sizes[is_test, None], sizes[~is_test, None])[0]),
    }
    missing: list[str] = []
    if y is not None and classification:
        present = {str(v) for v in np.asarray(y)[is_test].tolist()}
        missing = sorted({str(v) for v in np.asarray(y).tolist()} - present)
    return Apart(features, size, modality, missing)
