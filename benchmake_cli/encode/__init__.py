"""Encode an input as one float64 row per sample: the matrix the split is computed on.

One encoder per modality (:mod:`.tabular`, :mod:`.image`, :mod:`.sequence`, :mod:`.signal`,
:mod:`.graph`), listed in :data:`ENCODERS`; :func:`encode_table` resolves the modality
(:mod:`benchmake_cli.formats.modality`), refuses options that the modality would ignore and
calls the modality's encoder. :func:`encode_chunk` encodes one chunk of a streamed table,
its text features' categories collected in a :class:`CategoryAccumulator`.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import DataError, ParameterError
from ..formats.modality import resolve
from ..formats.table import Table
from . import graph, image, sequence, signal, tabular
from .carried import carried_columns, carried_digests, carried_hash, tie_digests
from .categories import CategoryAccumulator, expand_codes
from .options import TOKENIZERS, Encoded, EncodeOptions
from .sequence import VocabularyAccumulator
from .tabular import MISSING_TOKENS, column_as_numbers, table_frame, target_values

__all__ = [
    "ENCODERS",
    "MISSING_TOKENS",
    "TOKENIZERS",
    "CategoryAccumulator",
    "EncodeOptions",
    "Encoded",
    "VocabularyAccumulator",
    "carried_columns",
    "carried_hash",
    "column_as_numbers",
    "encode_chunk",
    "encode_table",
    "expand_codes",
    "streams_sequences",
    "table_frame",
    "target_values",
]

Encoder = Callable[[Table, EncodeOptions], Encoded]

#: the encoder of each modality (``graph`` also takes a node-feature matrix, as a table)
ENCODERS: dict[str, Encoder] = {
    "tabular": tabular.encode,
    "image": image.encode,
    "sequence": sequence.encode,
    "signal": signal.encode,
    "graph": graph.encode,
}


def encode_table(table: Table, options: EncodeOptions | None = None) -> Encoded:
    """Turn a whole :class:`Table` into an :class:`Encoded` matrix."""
    options = options or EncodeOptions()
    modality = resolve(table, options.sequence_col)
    _refuse_unused_options(table, modality, options)
    encoded = ENCODERS[modality](table, options)
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


def encode_chunk(
    chunk: Table,
    options: EncodeOptions,
    categories: CategoryAccumulator,
    row_offset: int,
    vocabulary: VocabularyAccumulator | None = None,
) -> Encoded:
    """One chunk of a streamed table, starting at input row ``row_offset``: one column per
    feature, a number or a category code in the numbering of ``categories`` (which collects
    the chunk's categories; :meth:`~.categories.CategoryAccumulator.layout` and
    :func:`expand_codes` make the one-hot columns once every chunk is read). Sequences are
    counted over ``vocabulary``, collected from every chunk beforehand (without it, over
    the chunk's own, for a first look). Row numbers count
    from the offset; the all-constant check is left to the caller, which sees every chunk."""
    modality = resolve(chunk, options.sequence_col)
    _refuse_unused_options(chunk, modality, options)
    if modality == "sequence":
        if vocabulary is None:  # the chunk's own (a first look: warnings)
            vocabulary = VocabularyAccumulator(options)
            vocabulary.add(chunk)
        encoded = vocabulary.encode_chunk(chunk, row_offset)
        encoded.modality, encoded.source = modality, chunk.path.name
        encoded.carried = carried_digests(chunk, encoded, row_offset)
        encoded.ties = tie_digests(chunk, encoded, row_offset)
        return encoded
    if modality != "tabular":
        raise DataError(
            f"{chunk.path}: is read as {modality}; a sharded split streams tables, arrays "
            "and sequences only: pass --shard-rows 0"
        )
    plan = tabular.plan_columns(chunk, options, categories.columns)
    part = tabular.encode_chunk(chunk, plan, row_offset)
    encoded = Encoded(
        X=categories.add(part, plan.features),
        rows=part.rows,
        feature_names=list(plan.features),
        modality=modality,
        columns_used=list(plan.features),
        dropped_rows=part.dropped.tolist(),
        source=chunk.path.name,
    )
    encoded.carried = carried_digests(chunk, encoded, row_offset)
    encoded.ties = tie_digests(chunk, encoded, row_offset)
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


def streams_sequences(chunk: Table, options: EncodeOptions) -> bool:
    """Whether a streamed input's chunks are sequences (counted over a vocabulary that a
    first pass collects) rather than table rows."""
    return resolve(chunk, options.sequence_col) == "sequence"
