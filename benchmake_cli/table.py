"""What a reader returns: the input as read, before encoding."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class Table:
    """An input file as read.

    Tabular inputs come as ``frame`` (one column per input column; for delimited text the
    values are the original strings, so written splits reproduce them exactly). Array inputs
    (NPY) come as ``array`` with their original dtype and shape.
    """

    path: Path
    format: str
    frame: pd.DataFrame | None = None
    array: np.ndarray | None = None
    arrow: Any = None  #: the pyarrow Table of a Parquet input, written back with its schema
    read_options: dict[str, Any] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        if self.frame is not None:
            return len(self.frame)
        assert self.array is not None
        return int(self.array.shape[0])

    @property
    def columns(self) -> list[str]:
        if self.frame is not None:
            return [str(c) for c in self.frame.columns]
        assert self.array is not None
        width = int(np.prod(self.array.shape[1:])) if self.array.ndim > 1 else 1
        return [str(i) for i in range(width)]
