"""What encoding takes and gives: the options (recorded in the manifest) and the matrix."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ManifestError

TOKENIZERS = ("chars", "smiles")


@dataclass(frozen=True)
class EncodeOptions:
    """Which columns to use, how to treat awkward values, and how each modality is encoded.

    ``sequence_col`` names a table's column of sequences; ``tokens`` (``chars`` or
    ``smiles``) and ``kmer`` say what is counted in a sequence; ``resample`` is the length
    signals are resampled to (``None``: lengths must already agree).
    """

    target: str | None = None
    features: tuple[str, ...] | None = None
    id_columns: tuple[str, ...] = ()
    strict: bool = False
    drop_missing: bool = False
    sequence_col: str | None = None
    tokens: str = "chars"
    kmer: int = 1
    resample: int | None = None

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
