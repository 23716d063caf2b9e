"""Where and how a split runs (:class:`Execution`) and what it writes (:class:`Output`): two
of the request's option groups (see :mod:`benchmake_cli.request`), each field declaring its
constraints and its command-line option."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .bundle.write import FILE_MODES
from .constraints import EXECUTION_PANEL, OUTPUT_PANEL, Interval, OfType, Options, declare
from .errors import PARAMETER, ParameterError

SHARD_THRESHOLD = 20_000  #: inputs with more rows than this are sharded by default
DEFAULT_SHARD_ROWS = 5_000  #: most rows per shard on average: S = ceil(n / shard_rows)
MIN_SHARD_ROWS = 10  #: smaller shards would hold too few rows to find archetypes in
DEVICES = ("auto", "cpu", "gpu")
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"  #: where ``--scheduler`` is read from when not given


def resolve_shard_rows(shard_rows: int | None) -> tuple[int, int]:
    """``(threshold, shard_rows)``: shard when the input has more rows than ``threshold``.

    ``None`` is the default (shards of 5,000 rows above 20,000 rows); a number ``R`` forces
    shards of ``R`` rows whenever the input has more than ``R`` rows; ``0`` never shards.

    >>> resolve_shard_rows(None), resolve_shard_rows(500), resolve_shard_rows(0)[0] > 10**18
    ((20000, 5000), (500, 500), True)
    """
    if shard_rows is None:
        return SHARD_THRESHOLD, DEFAULT_SHARD_ROWS
    if shard_rows == 0:
        return 1 << 62, 0
    if shard_rows < MIN_SHARD_ROWS:
        raise ParameterError(
            f"{PARAMETER} {shard_rows}: shards need at least {MIN_SHARD_ROWS} rows "
            "(or 0 to never shard)",
            parameter="shard_rows",
        )
    return shard_rows, shard_rows


@dataclass(frozen=True)
class Execution:
    """Where and how the split runs: speed choices, never result choices (but sharding)."""

    device: str = field(
        default="auto",
        metadata=declare(
            Options(DEVICES),
            metavar="DEVICE",
            panel=EXECUTION_PANEL,
            help="cpu, gpu or auto (the GPU when CuPy sees one with enough free memory). "
            "A speed choice only: every device gives the same split.",
        ),
    )
    threads: int | None = field(
        default=None,
        metadata=declare(
            Interval(int, 1, None),
            None,
            metavar="N",
            help="CPU threads (default: all available).",
            panel=EXECUTION_PANEL,
        ),
    )
    #: rows per shard (``None``: the default, ``0``: never shard; see
    #: :func:`resolve_shard_rows`)
    shard_rows: int | None = field(
        default=None,
        metadata=declare(
            Interval(int, 0, None),
            None,
            flags=("--shard-rows",),
            panel=EXECUTION_PANEL,
            metavar="R",
            help="Rows per shard: an input of more rows is split in ceil(n / R) shards by "
            "content hash (default: 5000-row shards above 20000 rows; 0: never shard).",
            extra={"show_default": False},
        ),
    )
    jobs: int = field(
        default=1,
        metadata=declare(
            Interval(int, 1, None),
            flags=("--jobs", "-j"),
            metavar="N",
            help="Local worker processes for shards.",
            panel=EXECUTION_PANEL,
        ),
    )
    scheduler: str | None = field(
        default=None,
        metadata=declare(
            OfType(str),
            None,
            flags=("--scheduler",),
            extra={"envvar": SCHEDULER_ENV},
            metavar="ADDRESS",
            panel=EXECUTION_PANEL,
            help="Dask scheduler (e.g. tcp://host:8786) to run the shards of a large input on.",
        ),
    )
    #: shard inputs of more rows than this (``None``: as ``shard_rows`` implies); a manifest
    #: records it apart from ``shard_rows``
    shard_threshold: int | None = None

    @property
    def sharding(self) -> tuple[int, int]:
        """``(threshold, shard_rows)``: shard above ``threshold`` rows, in shards of about
        ``shard_rows`` rows."""
        threshold, rows = resolve_shard_rows(self.shard_rows)
        return (self.shard_threshold if self.shard_threshold is not None else threshold), rows


@dataclass(frozen=True)
class Output:
    """What is written, and where (``out`` ``None``: nothing)."""

    out: Path | None = None
    force: bool = field(
        default=False,
        metadata=declare(
            OfType(bool),
            flags=("--force",),
            metavar="",
            help="Replace a non-empty OUT.",
            panel=OUTPUT_PANEL,
        ),
    )
    #: a folder's files: ``list``, or also ``copy`` or ``link`` them (``--copy``, ``--link``)
    files: str = field(default="list", metadata=declare(Options(FILE_MODES)))
    #: also the positions in the reference's hash order
    reference_indices: bool = field(
        default=False,
        metadata=declare(
            OfType(bool),
            flags=("--reference-indices",),
            metavar="",
            panel=OUTPUT_PANEL,
            help="Also write reference_test_indices.txt and reference_train_indices.txt: "
            "positions in the reference's hash order, as benchmake 1.1.2 returns them "
            "(--method benchmake-1.1.2 only).",
        ),
    )
