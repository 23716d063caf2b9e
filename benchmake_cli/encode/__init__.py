"""Encode an input as one float64 row per sample: the matrix the split is computed on.

One encoder per modality (:mod:`.tabular`, :mod:`.image`, :mod:`.sequence`, :mod:`.signal`,
:mod:`.graph`); :func:`encode_table` resolves the modality (:mod:`benchmake_cli.formats.modality`)
and refuses options that the modality would ignore.
"""

from __future__ import annotations

from ..errors import DataError, ParameterError
from ..formats.modality import resolve
from ..formats.table import Table
from . import graph, image, sequence, signal, tabular
from .carried import carried_columns, carried_digests, carried_hash, tie_digests
from .options import TOKENIZERS, Encoded, EncodeOptions
from .tabular import MISSING_TOKENS, column_as_numbers, table_frame, target_values

__all__ = [
    "MISSING_TOKENS",
    "TOKENIZERS",
    "EncodeOptions",
    "Encoded",
    "carried_columns",
    "carried_hash",
    "column_as_numbers",
    "encode_table",
    "table_frame",
    "target_values",
]


def encode_table(
    table: Table,
    options: EncodeOptions | None = None,
    *,
    row_offset: int | None = None,
    categories: dict[str, dict[str, int]] | None = None,
) -> Encoded:
    """Turn a :class:`Table` into an :class:`Encoded` matrix.

    With ``row_offset`` the table is one chunk of a streamed (sharded) input starting at
    that input row: only tabular chunks are accepted, row numbers count from the offset and
    the all-constant check is left to the caller, which sees every chunk; text features
    come as category codes, collected in ``categories`` (:func:`.tabular.encode`).
    """
    options = options or EncodeOptions()
    modality = resolve(table, options.sequence_col)
    _refuse_unused_options(table, modality, options)
    if row_offset is not None:
        if modality != "tabular":
            raise DataError(
                f"{table.path}: is read as {modality}; a sharded split streams tabular "
                "inputs only (CSV, TSV, Parquet, NPY): pass --shard-rows 0"
            )
        encoded = tabular.encode(table, options, row_offset=row_offset, categories=categories)
        encoded.modality, encoded.source = modality, table.path.name
        encoded.carried = carried_digests(table, encoded, row_offset)
        encoded.ties = tie_digests(table, encoded, row_offset)
        return encoded
    if modality == "sequence":
        encoded = sequence.encode(table, options)
    elif modality == "image":
        encoded = image.encode(table, options)
    elif modality == "signal":
        encoded = signal.encode(table, options)
    elif modality == "graph" and table.graphs is not None:
        encoded = graph.encode(table, options)
    else:  # tabular, and a node-feature matrix (graph) read as a table
        encoded = tabular.encode(table, options)
        if modality == "graph":
            encoded.parameters["representation"] = "node-feature matrix, one row per node"
    encoded.modality, encoded.source = modality, table.path.name
    encoded.carried = carried_digests(table, encoded)
    encoded.ties = tie_digests(table, encoded)
    X = encoded.X
    if len(X) > 1 and bool((X[0] == X).all()):
        raise DataError(
            f"{table.path}: every feature is constant ({X.shape[1]} columns): "
            "there is nothing to split on"
        )
    return encoded


def _refuse_unused_options(table: Table, modality: str, options: EncodeOptions) -> None:
    """An option the modality ignores is named as a mistake rather than silently dropped."""
    name = table.path.name
    if modality != "sequence":
        if options.tokens != "chars":
            raise ParameterError(f"--tokens: applies to sequences; {name} is read as {modality}")
        if options.kmer != 1:
            raise ParameterError(f"--kmer: applies to sequences; {name} is read as {modality}")
    if modality != "signal" and options.resample is not None:
        raise ParameterError(f"--resample: applies to signals; {name} is read as {modality}")
    if table.frame is not None and modality == "sequence":
        allowed = {"--target", "--id-col", "--drop-missing"}
        why = "the sequences are the --sequence-col column"
    elif table.frame is not None or (table.array is not None and table.array.ndim <= 2):
        return
    else:
        allowed = set()
        why = f"{name} is read as {modality}, without named columns"
    given = {
        "--features": options.features is not None,
        "--strict": options.strict,
        "--target": options.target is not None,
        "--id-col": bool(options.id_columns),
        "--drop-missing": options.drop_missing,
    }
    for option, used in given.items():
        if used and option not in allowed:
            raise ParameterError(f"{option}: applies to the columns of a table; {why}")
