"""What a corpus case is, and the small writers every group of cases uses."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

# Exit codes, as documented (benchmake_cli.errors.ExitCode); plain numbers here so that the
# corpus states the contract rather than restating the enum.
USAGE, NOT_FOUND, BAD_DATA, BAD_PARAMETER, OUTPUT = 2, 3, 4, 5, 6

TRAP_FILE = "UNPICKLED"  #: created in the corpus folder if anything ever unpickles a trap


@dataclass(frozen=True)
class Refused:
    """A malformed input: ``benchmake split DATA *args`` must fail with ``exit_code`` and one
    line holding ``message``."""

    name: str
    reader: str
    data: str  #: relative to the corpus folder
    args: tuple[str, ...]
    exit_code: int
    message: str


@dataclass(frozen=True)
class Accepted:
    """An awkward but valid input that must give the same split as its clean ``twin``."""

    name: str
    reader: str
    data: str
    twin: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Corpus:
    root: Path
    refused: list[Refused]
    accepted: list[Accepted]

    @property
    def readers(self) -> set[str]:
        return {case.reader for case in self.refused}


class Trap:
    """Unpickling this creates ``TRAP_FILE``: proof that a reader loaded a pickle."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (open, (self.path, "w"))


def numbers(n: int = 20, columns: tuple[str, ...] = ("a", "b", "c"), seed: int = 0) -> str:
    """A small, valid CSV text: ``n`` rows of distinct numbers."""
    rng = np.random.default_rng(seed)
    rows = [",".join(columns)]
    rows += [",".join(f"{v:.4f}" for v in rng.normal(size=len(columns))) for _ in range(n)]
    return "\n".join(rows) + "\n"


def write(root: Path, name: str, content: str | bytes) -> str:
    path = root / name
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return name


def parquet(root: Path, name: str, table: pa.Table) -> str:
    pq.write_table(table, root / name)
    return name


def npy(root: Path, name: str, array: np.ndarray, allow_pickle: bool = False) -> str:
    np.save(root / name, array, allow_pickle=allow_pickle)
    return name


def hdf5(root: Path, name: str, build) -> str:  # type: ignore[no-untyped-def]
    import h5py

    with h5py.File(root / name, "w") as handle:
        build(handle)
    return name
