"""Which modality an input is (``--type``), and whether a requested type fits the container.

Auto-detection rules (``--type auto``), in order:

1. A folder holding ``num-node-list.csv`` or ``num-node-list.csv.gz`` is an OGB graph data
   set (``graph``); a folder holding PNG/JPEG/TIFF/BMP files is an image folder (``image``;
   other files are ignored); a folder holding ``.csv``/``.npy`` files is a signal folder
   (``signal``, one signal per file).
2. ``.smi``/``.smiles`` and FASTA files (``.fasta .fa .fas .faa .fna .ffn``) are ``sequence``.
3. A CSV/TSV/Parquet table is ``sequence`` when ``--sequence-col`` is given, else ``tabular``.
4. An NPY/NPZ/HDF5 array of rank 1 or 2 is ``tabular``; of rank 3 it is ``image``
   (n × h × w) when its last dimension is larger than 4, else ``signal`` (n × length ×
   channels); of rank 4 it is ``image`` (n × h × w × channels); of higher rank ``tabular``.

An explicit ``--type`` must fit the container (a table cannot be an image). ``graph`` on a
table or a 2-D array means a node-feature matrix, one row per node, encoded as tabular.
``signal`` on a table treats its numeric feature columns as one channel.
"""

from __future__ import annotations

from ..errors import ParameterError
from .registry import get, lookup
from .spec import MODALITIES as MODALITIES  # declared with --type, on ReadOptions
from .table import Table


def container(table: Table) -> str:
    """A short name for what holds the data: table, array, sequences or a kind of folder
    (its format's :attr:`~benchmake_cli.formats.spec.Format.container`)."""
    entry = lookup(table.format)
    return entry.container if entry is not None else table.format


def check_type_fits(table: Table, requested: str) -> None:
    """Refuse an explicit ``--type`` that the container cannot hold."""
    if requested == "auto":
        return
    entry = get(table.format)
    allowed = entry.fits
    if requested not in allowed:
        choices = ", ".join(allowed[:-1]) + " or " + allowed[-1] if len(allowed) > 1 else allowed[0]
        raise ParameterError(
            f"--type {requested}: does not fit {table.path.name} ({entry.description}); "
            f"it can be read as {choices}"
        )
    if requested == "image" and table.array is not None and table.array.ndim not in (3, 4):
        raise ParameterError(
            f"--type image: {table.path.name} has shape {tuple(table.array.shape)}; images need "
            "n × height × width (× channels)"
        )
    if requested in ("signal", "graph") and table.array is not None:
        highest = 3 if requested == "signal" else 2
        if table.array.ndim > highest:
            raise ParameterError(
                f"--type {requested}: {table.path.name} has shape {tuple(table.array.shape)}; "
                + (
                    "signals need n × length (× channels)"
                    if requested == "signal"
                    else "a node-feature matrix needs n × features"
                )
            )


def resolve(table: Table, sequence_col: str | None) -> str:
    """The modality to encode ``table`` as (never ``auto``)."""
    kind = container(table)
    if sequence_col is not None and kind != "table":
        raise ParameterError(
            f"--sequence-col: applies to CSV/TSV/Parquet tables, not {table.path.name}"
        )
    if table.modality is not None:
        if sequence_col is not None and table.modality != "sequence":
            raise ParameterError(
                f"--sequence-col: the data is read as --type {table.modality}; "
                "use --type sequence or auto"
            )
        if kind == "table" and table.modality == "sequence" and sequence_col is None:
            raise ParameterError(
                f"--type sequence: {table.path.name} is a table; name its column of sequences "
                "with --sequence-col"
            )
        return table.modality
    if sequence_col is not None:
        return "sequence"
    if kind == "array":
        assert table.array is not None
        return array_modality(table.array.ndim, table.array.shape[-1])
    return "tabular"


def array_modality(rank: int, last_dimension: int) -> str:
    """Rule 4 above.

    >>> array_modality(2, 30), array_modality(3, 28), array_modality(3, 2), array_modality(4, 3)
    ('tabular', 'image', 'signal', 'image')
    """
    if rank == 3:
        return "image" if last_dimension > 4 else "signal"
    return "image" if rank == 4 else "tabular"
