"""Option definitions shared by several commands, so each is spelled and documented once.

Each alias is an ``Annotated`` type: a command declares ``target: TargetOption = None`` and
gets the same flag, help text and checks as every other command that reads data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..encode import EncodeOptions
from ..formats import ReadOptions
from ..method.reference import REFERENCE_METHOD
from ..method.registry import METHODS
from ..pipeline.engines import SCHEDULER_ENV
from ..request import reading

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
        metavar="S", help="Delimiter for CSV/TSV (default: detected); 'whitespace' for runs."
    ),
]
NoHeaderOption = Annotated[
    Optional[bool],
    typer.Option(
        "--no-header/--header",
        help="Whether line 1 of a CSV/TSV is data (--no-header: columns are 0, 1, ...) or "
        "column names (--header); default: detected (see docs/formats.md).",
        show_default=False,
    ),
]
StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Refuse non-numeric feature columns (no one-hot) and label-like features.",
    ),
]
DropMissingOption = Annotated[
    bool, typer.Option("--drop-missing", help="Drop rows with missing feature values.")
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
        help=f"Split method: {', '.join(METHODS)}. benchmake-1.1.2: the reference "
        "package's split, reproduced exactly on the CPU; benchmake-hull: archetypal "
        "analysis, archetypes on the whole convex hull."
    ),
]
IterationsOption = Annotated[
    Optional[int],
    typer.Option(
        min=1,
        metavar="N",
        help="Most iterations of the method (default: "
        + ", ".join(f"{m.default_iterations} for {m.name}" for m in METHODS.values() if m.shardable)
        + f"; {REFERENCE_METHOD} always runs {METHODS[REFERENCE_METHOD].default_iterations}).",
    ),
]
TolOption = Annotated[
    float,
    typer.Option(
        min=0.0,
        metavar="T",
        help="Stop early when 10 iterations lower the squared error by less than TOL "
        "times its initial value; 0 always runs --iterations.",
    ),
]
SeedOption = Annotated[
    int, typer.Option(min=0, metavar="S", help="Seed of the NMF initialisation.")
]
DeviceOption = Annotated[
    str,
    typer.Option(
        metavar="cpu|gpu|auto",
        help="cpu, gpu or auto (the GPU when CuPy sees one with enough free memory). "
        "A speed choice only: every device gives the same split.",
    ),
]
ThreadsOption = Annotated[
    Optional[int],
    typer.Option(min=1, metavar="N", help="CPU threads (default: all available)."),
]

# Large inputs: shards and where they run (split and verify)
ShardRowsOption = Annotated[
    Optional[int],
    typer.Option(
        "--shard-rows",
        min=0,
        metavar="R",
        help="Rows per shard: an input of more rows is split in ceil(n / R) shards by "
        "content hash (default: 5000-row shards above 20000 rows; 0: never shard).",
        show_default=False,
    ),
]
JobsOption = Annotated[
    int,
    typer.Option("--jobs", "-j", min=1, metavar="N", help="Local worker processes for shards."),
]
SchedulerOption = Annotated[
    Optional[str],
    typer.Option(
        "--scheduler",
        envvar=SCHEDULER_ENV,
        metavar="ADDRESS",
        help="Dask scheduler (e.g. tcp://host:8786) to run the shards of a large input on.",
    ),
]

# Output conventions of every command
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="More detail on stderr.")]

DataArgument = Annotated[
    Path,
    typer.Argument(
        help="Data file (.csv .tsv .parquet .npy .npz .h5 .smi .fasta .txt) or folder "
        "(images, signals, OGB graphs)."
    ),
]

# Modalities: arrays, images, sequences, signals (see docs/formats.md)
TypeOption = Annotated[
    str,
    typer.Option(
        "--type",
        help="auto, tabular, image, sequence, signal or graph (auto: from the file name, "
        "the folder's content or the array's shape; see docs/formats.md).",
    ),
]
KeyOption = Annotated[
    Optional[str],
    typer.Option(help="NPZ/HDF5 array(s) holding the data; a,b,c joins them in order."),
]
TargetKeyOption = Annotated[
    Optional[str],
    typer.Option(help="NPZ/HDF5 array(s) of labels: carried along, never used to split."),
]
ImageSizeOption = Annotated[
    Optional[str],
    typer.Option(help="Resize every image to WIDTHxHEIGHT (bilinear), e.g. 64x64."),
]
ModeOption = Annotated[
    Optional[str],
    typer.Option(help="Image colour mode: L (grey) or RGB (default: RGB if any has colour)."),
]
CopyOption = Annotated[
    bool, typer.Option("--copy", help="Also copy a folder's files into OUT/train, OUT/test.")
]
LinkOption = Annotated[
    bool, typer.Option("--link", help="Also link a folder's files into OUT/train, OUT/test.")
]
SequenceColumnOption = Annotated[
    Optional[str],
    typer.Option(help="Column of a CSV/TSV/Parquet holding SMILES or other sequences."),
]
TokensOption = Annotated[
    str,
    typer.Option(help="What a sequence is counted in: chars, or smiles (Cl, Br, [nH] ...)."),
]
KmerOption = Annotated[
    int, typer.Option(min=1, help="Count overlapping runs of K tokens (k-mers).")
]
ResampleOption = Annotated[
    Optional[int],
    typer.Option(min=2, help="Resample every signal to L points (linear interpolation)."),
]


def split_columns(features: str | None) -> list[str] | None:
    """The ``--features`` value as a list of column names.

    >>> split_columns("a, b,c"), split_columns(None)
    (['a', 'b', 'c'], None)
    """
    return [c.strip() for c in features.split(",")] if features else None


#: the command parameters named otherwise in the core (SplitRequest's fields)
CORE_NAMES = {"id_col": "id_columns", "data_type": "type", "no_header": "header"}
#: the core's way of taking a command parameter's value
CORE_VALUES = {
    "no_header": lambda value: None if value is None else not value,
    "features": split_columns,
}
#: The command parameters that say how data is read and encoded (see reading_options).
READING_PARAMETERS = (
    "target", "features", "id_col", "sep", "no_header", "strict", "drop_missing", "data_type",
    "key", "target_key", "image_size", "mode", "sequence_col", "tokens", "kmer", "resample",
)  # fmt: skip


def flags_given(context: typer.Context, names: tuple[str, ...]) -> list[str]:
    """The long flags, among the parameters ``names``, that the command line set (rather
    than their defaults), in the command's order."""
    # By the source's name: Typer carries its own copy of Click's ParameterSource.
    return [
        next(flag for flag in parameter.opts if flag.startswith("--"))
        for parameter in context.command.params
        if parameter.name in names
        and getattr(context.get_parameter_source(parameter.name), "name", "DEFAULT") != "DEFAULT"
    ]


def core_options(context: typer.Context, names: tuple[str, ...]) -> dict[str, Any]:
    """The command's parameters ``names`` as the core's keyword arguments (the fields of
    :class:`~benchmake_cli.request.SplitRequest`'s groups): one options group, read from
    the command line's parsed values."""
    given = context.params
    return {
        CORE_NAMES.get(name, name): CORE_VALUES[name](given[name])
        if name in CORE_VALUES
        else given[name]
        for name in names
    }


def reading_options(context: typer.Context) -> tuple[ReadOptions, EncodeOptions]:
    """The core's read and encode options from the command's reading parameters."""
    return reading(**core_options(context, READING_PARAMETERS))
