"""Option definitions shared by several commands, so each is spelled and documented once.

Each option is an ``Annotated`` alias on the name of the request field it fills
(:class:`~benchmake_cli.request.SplitRequest`'s groups): a command's parameters *are* the
request's keywords, with no table translating between them. The aliases are gathered into
groups (:mod:`.groups`: reading, method, execution, output) that ``with_options`` adds to a
command, so ``split``, ``evaluate``, ``inspect`` and
``verify`` share one declaration of each. Ranges and choices come from the constraints
declared on the fields (:data:`~benchmake_cli.request.PARAMETER_CONSTRAINTS`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..constraints import interval_of, options_of
from ..method.reference import REFERENCE_METHOD
from ..method.registry import METHODS
from ..pipeline.engines import SCHEDULER_ENV
from ..request import PARAMETER_CONSTRAINTS

#: the help panels of ``split --help`` (the common options come first, in no panel)
READING_PANEL = "Reading tables"
MODALITY_PANEL = "Arrays, images, sequences, signals"
METHOD_PANEL = "Method"
EXECUTION_PANEL = "Execution"
OUTPUT_PANEL = "Output"


def bounds(name: str) -> dict[str, Any]:
    """Typer's ``min``/``max`` for the field ``name``, from its declared interval."""
    interval = interval_of(PARAMETER_CONSTRAINTS[name])
    return interval.typer_bounds if interval is not None else {}


def completion(name: str) -> Callable[[], list[str]]:
    """The values of the field ``name`` a shell completes, from its declared choices."""
    choices = list(options_of(PARAMETER_CONSTRAINTS[name]))
    return lambda: choices


# How to read and encode a data file (the same in split, inspect and any command reading data)
TargetOption = Annotated[
    Optional[str],
    typer.Option(
        metavar="COLUMN",
        help="Target column: never a feature (split carries it into the split files; "
        "evaluate scores its baseline model on it).",
    ),
]
FeaturesOption = Annotated[
    Optional[str],
    typer.Option(
        metavar="A,B,...",
        help="Comma-separated feature columns (default: all but target and ids).",
    ),
]
IdColumnsOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--id-col",
        metavar="COLUMN",
        help="Column kept in the outputs but not used to split (repeatable).",
    ),
]
SeparatorOption = Annotated[
    Optional[str],
    typer.Option(
        metavar="S",
        help="Delimiter for CSV/TSV (default: detected); 'whitespace' for runs.",
        rich_help_panel=READING_PANEL,
    ),
]
HeaderOption = Annotated[
    Optional[bool],
    typer.Option(
        "--header/--no-header",
        metavar="",
        help="Line 1 of a CSV/TSV holds the column names (--header) or data (--no-header: "
        "columns are 0, 1, ...); default: detected (see docs/formats.md).",
        show_default=False,
        rich_help_panel=READING_PANEL,
    ),
]
StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict",
        metavar="",
        help="Refuse non-numeric feature columns (no one-hot) and label-like features.",
        rich_help_panel=READING_PANEL,
    ),
]
DropMissingOption = Annotated[
    bool,
    typer.Option(
        "--drop-missing",
        metavar="",
        help="Drop rows with missing feature values.",
        rich_help_panel=READING_PANEL,
    ),
]

# The data file a manifest describes (verify, evaluate)
ManifestDataOption = Annotated[
    Optional[Path],
    typer.Option(
        help="The data file the manifest describes (default: the manifest's input.path, "
        "read from the manifest's folder, or a file of its name beside the manifest)."
    ),
]

# The method's parameters
FracOption = Annotated[
    float,
    typer.Option("--frac", "-f", metavar="F", help="Fraction of rows for the test set, 0 < F < 1."),
]
MethodOption = Annotated[
    str,
    typer.Option(
        metavar="NAME",
        help=f"Split method: {', '.join(METHODS)}. benchmake-1.1.2: the reference "
        "package's split, reproduced exactly on the CPU; benchmake-hull: archetypal "
        "analysis, archetypes on the whole convex hull.",
        autocompletion=completion("method"),
        rich_help_panel=METHOD_PANEL,
    ),
]
IterationsOption = Annotated[
    Optional[int],
    typer.Option(
        **bounds("iterations"),
        metavar="N",
        rich_help_panel=METHOD_PANEL,
        help="Most iterations of the method (default: "
        + ", ".join(f"{m.default_iterations} for {m.name}" for m in METHODS.values() if m.shardable)
        + f"; {REFERENCE_METHOD} always runs {METHODS[REFERENCE_METHOD].default_iterations}; "
        "at most 100000).",
    ),
]
TolOption = Annotated[
    float,
    typer.Option(
        **bounds("tol"),
        metavar="T",
        rich_help_panel=METHOD_PANEL,
        help="Stop early when 10 iterations lower the squared error by less than TOL "
        "times its initial value; 0 always runs --iterations.",
    ),
]
SeedOption = Annotated[
    int,
    typer.Option(
        **bounds("seed"),
        metavar="S",
        help="Seed of the NMF initialisation.",
        rich_help_panel=METHOD_PANEL,
    ),
]
DeviceOption = Annotated[
    str,
    typer.Option(
        metavar="DEVICE",
        autocompletion=completion("device"),
        rich_help_panel=EXECUTION_PANEL,
        help="cpu, gpu or auto (the GPU when CuPy sees one with enough free memory). "
        "A speed choice only: every device gives the same split.",
    ),
]
ThreadsOption = Annotated[
    Optional[int],
    typer.Option(
        **bounds("threads"),
        metavar="N",
        help="CPU threads (default: all available).",
        rich_help_panel=EXECUTION_PANEL,
    ),
]

# Large inputs: shards and where they run (split and verify)
ShardRowsOption = Annotated[
    Optional[int],
    typer.Option(
        "--shard-rows",
        **bounds("shard_rows"),
        rich_help_panel=EXECUTION_PANEL,
        metavar="R",
        help="Rows per shard: an input of more rows is split in ceil(n / R) shards by "
        "content hash (default: 5000-row shards above 20000 rows; 0: never shard).",
        show_default=False,
    ),
]
JobsOption = Annotated[
    int,
    typer.Option(
        "--jobs",
        "-j",
        **bounds("jobs"),
        metavar="N",
        help="Local worker processes for shards.",
        rich_help_panel=EXECUTION_PANEL,
    ),
]
SchedulerOption = Annotated[
    Optional[str],
    typer.Option(
        "--scheduler",
        envvar=SCHEDULER_ENV,
        metavar="ADDRESS",
        rich_help_panel=EXECUTION_PANEL,
        help="Dask scheduler (e.g. tcp://host:8786) to run the shards of a large input on.",
    ),
]

# Output conventions of every command
JsonOption = Annotated[
    bool, typer.Option("--json", metavar="", help="Print the result as JSON on stdout.")
]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", metavar="", help="No progress or summary.")
]
VerboseOption = Annotated[
    bool, typer.Option("--verbose", "-v", metavar="", help="More detail on stderr.")
]

DataArgument = Annotated[
    Path,
    typer.Argument(
        metavar="DATA",
        help="Data file (.csv .tsv .parquet .npy .npz .h5 .smi .fasta .txt) or folder "
        "(images, signals, OGB graphs).",
    ),
]

# Modalities: arrays, images, sequences, signals (see docs/formats.md)
TypeOption = Annotated[
    str,
    typer.Option(
        "--type",
        metavar="TYPE",
        autocompletion=completion("type"),
        rich_help_panel=MODALITY_PANEL,
        help="auto, tabular, image, sequence, signal or graph (auto: from the file name, "
        "the folder's content or the array's shape; see docs/formats.md).",
    ),
]
KeyOption = Annotated[
    Optional[str],
    typer.Option(
        metavar="ARRAYS",
        rich_help_panel=MODALITY_PANEL,
        help="NPZ/HDF5 array(s) holding the data; a,b,c joins them in order.",
    ),
]
TargetKeyOption = Annotated[
    Optional[str],
    typer.Option(
        metavar="ARRAYS",
        rich_help_panel=MODALITY_PANEL,
        help="NPZ/HDF5 array(s) of labels: carried along, never used to split.",
    ),
]
ImageSizeOption = Annotated[
    Optional[str],
    typer.Option(
        metavar="WxH",
        rich_help_panel=MODALITY_PANEL,
        help="Resize every image to WIDTHxHEIGHT (bilinear), e.g. 64x64.",
    ),
]
ModeOption = Annotated[
    Optional[str],
    typer.Option(
        metavar="MODE",
        rich_help_panel=MODALITY_PANEL,
        help="Image colour mode: L (grey) or RGB (default: RGB if any has colour).",
    ),
]
CopyOption = Annotated[
    bool,
    typer.Option(
        "--copy",
        metavar="",
        help="Also copy a folder's files into OUT/train, OUT/test.",
        rich_help_panel=OUTPUT_PANEL,
    ),
]
LinkOption = Annotated[
    bool,
    typer.Option(
        "--link",
        metavar="",
        help="Also link a folder's files into OUT/train, OUT/test.",
        rich_help_panel=OUTPUT_PANEL,
    ),
]
OutOption = Annotated[
    Path, typer.Option("--out", "-o", metavar="OUT", help="Output folder (created).")
]
ForceOption = Annotated[
    bool,
    typer.Option(
        "--force", metavar="", help="Replace a non-empty OUT.", rich_help_panel=OUTPUT_PANEL
    ),
]
ReferenceIndicesOption = Annotated[
    bool,
    typer.Option(
        "--reference-indices",
        metavar="",
        rich_help_panel=OUTPUT_PANEL,
        help="Also write reference_test_indices.txt and reference_train_indices.txt: "
        "positions in the reference's hash order, as benchmake 1.1.2 returns them "
        "(--method benchmake-1.1.2 only).",
    ),
]
SequenceColumnOption = Annotated[
    Optional[str],
    typer.Option(
        metavar="COLUMN",
        rich_help_panel=MODALITY_PANEL,
        help="Column of a CSV/TSV/Parquet holding SMILES or other sequences.",
    ),
]
TokensOption = Annotated[
    str,
    typer.Option(
        metavar="TOKENS",
        autocompletion=completion("tokens"),
        rich_help_panel=MODALITY_PANEL,
        help="What a sequence is counted in: chars, or smiles (Cl, Br, [nH] ...).",
    ),
]
KmerOption = Annotated[
    int,
    typer.Option(
        **bounds("kmer"),
        metavar="K",
        rich_help_panel=MODALITY_PANEL,
        help="Count overlapping runs of K tokens (k-mers).",
    ),
]
ResampleOption = Annotated[
    Optional[int],
    typer.Option(
        **bounds("resample"),
        metavar="L",
        rich_help_panel=MODALITY_PANEL,
        help="Resample every signal to L points (linear interpolation).",
    ),
]
