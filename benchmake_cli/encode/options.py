"""What encoding takes and gives: the options (recorded in the manifest) and the matrix."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np

from ..constraints import MODALITY_PANEL, READING_PANEL, Interval, OfType, Options, declare
from ..errors import ManifestError

TOKENIZERS = ("chars", "smiles")


@dataclass(frozen=True)
class EncodeOptions:
    """Which columns to use, how to treat awkward values, and how each modality is encoded.

    ``sequence_col`` names a table's column of sequences; ``tokens`` (``chars`` or
    ``smiles``) and ``kmer`` say what is counted in a sequence; ``resample`` is the length
    signals are resampled to (``None``: lengths must already agree).
    """

    target: str | None = field(
        default=None,
        metadata=declare(
            metavar="COLUMN",
            help="Target column: never a feature (split carries it into the split files; "
            "evaluate scores its baseline model on it).",
        ),
    )
    features: tuple[str, ...] | None = field(
        default=None,
        metadata=declare(
            typed=Optional[str],
            metavar="A,B,...",
            help="Comma-separated feature columns (default: all but target and ids).",
        ),
    )
    id_columns: tuple[str, ...] = field(
        default=(),
        metadata=declare(
            typed=Optional[list[str]],
            default=None,
            flags=("--id-col",),
            metavar="COLUMN",
            help="Column kept in the outputs but not used to split (repeatable).",
        ),
    )
    strict: bool = field(
        default=False,
        metadata=declare(
            OfType(bool),
            flags=("--strict",),
            metavar="",
            help="Refuse non-numeric feature columns (no one-hot) and label-like features.",
            panel=READING_PANEL,
        ),
    )
    drop_missing: bool = field(
        default=False,
        metadata=declare(
            OfType(bool),
            flags=("--drop-missing",),
            metavar="",
            help="Drop rows with missing feature values.",
            panel=READING_PANEL,
        ),
    )
    sequence_col: str | None = field(
        default=None,
        metadata=declare(
            OfType(str),
            None,
            metavar="COLUMN",
            panel=MODALITY_PANEL,
            help="Column of a CSV/TSV/Parquet holding SMILES or other sequences.",
        ),
    )
    tokens: str = field(
        default="chars",
        metadata=declare(
            Options(TOKENIZERS),
            metavar="TOKENS",
            panel=MODALITY_PANEL,
            help="What a sequence is counted in: chars, or smiles (Cl, Br, [nH] ...).",
        ),
    )
    kmer: int = field(
        default=1,
        metadata=declare(
            Interval(int, 1, None),
            metavar="K",
            panel=MODALITY_PANEL,
            help="Count overlapping runs of K tokens (k-mers).",
        ),
    )
    resample: int | None = field(
        default=None,
        metadata=declare(
            Interval(int, 2, None),
            None,
            metavar="L",
            panel=MODALITY_PANEL,
            help="Resample every signal to L points (linear interpolation).",
        ),
    )

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "features": list(self.features) if self.features is not None else None,
            "id_columns": list(self.id_columns),
            "strict": self.strict,
            "drop_missing": self.drop_missing,
            "sequence_col": self.sequence_col,
            "tokens": self.tokens,
            "kmer": self.kmer,
            "resample": self.resample,
        }

    @classmethod
    def from_dict(cls, options: dict[str, Any]) -> EncodeOptions:
        """Read back :meth:`to_dict` (as recorded in a manifest's ``encoding.options``)."""
        try:
            features = options.get("features")
            resample = options.get("resample")
            return cls(
                target=options.get("target"),
                features=tuple(features) if features is not None else None,
                id_columns=tuple(options.get("id_columns") or ()),
                strict=bool(options.get("strict", False)),
                drop_missing=bool(options.get("drop_missing", False)),
                sequence_col=options.get("sequence_col"),
                tokens=str(options.get("tokens") or "chars"),
                kmer=int(options.get("kmer") or 1),
                resample=int(resample) if resample is not None else None,
            )
        except (AttributeError, TypeError, ValueError) as exc:
            raise ManifestError(f"manifest field encoding.options is malformed ({exc})") from None


@dataclass
class Encoded:
    """The numeric matrix and where each of its rows and columns came from."""

    X: np.ndarray
    rows: np.ndarray  #: input row number (0-based) of each row of X
    feature_names: list[str]
    modality: str = "tabular"
    columns_used: list[str] = field(default_factory=list)
    one_hot: dict[str, list[str]] = field(default_factory=dict)
    dropped_rows: list[int] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)  #: the modality's encoding facts
    #: the raw strings of a sequence input, one per row of X (methods that encode them
    #: differently, like the reference's character counts, start from these)
    sequences: list[str] | None = None
    source: str = ""  #: the input's file or folder name, for messages
    #: per row, the digest of what it carries beyond its features (:mod:`.carried`)
    carried: np.ndarray | None = None
    #: per row, the digest that orders rows of identical features (``None``: input order)
    ties: np.ndarray | None = None

    @property
    def n(self) -> int:
        return int(self.X.shape[0])

    @property
    def d(self) -> int:
        return int(self.X.shape[1])
