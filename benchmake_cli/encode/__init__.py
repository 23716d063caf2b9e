"""Encode an input as one float64 row per sample: the matrix the split is computed on.

One encoder per modality (:mod:`.tabular`, :mod:`.image`, :mod:`.sequence`, :mod:`.signal`,
:mod:`.graph`), listed in :data:`ENCODERS`; :func:`encode_table` resolves the modality
(:mod:`benchmake_cli.formats.modality`), refuses options that the modality would ignore and
calls the modality's encoder. :func:`encode_chunk` encodes one chunk of a streamed table,
its text features' categories collected in a :class:`CategoryAccumulator`, a sequence
file's vocabulary or a graph folder's degree bins in a first pass (:func:`first_pass`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

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
    "FirstPass",
    "VocabularyAccumulator",
    "carried_columns",
    "carried_hash",
    "column_as_numbers",
    "encode_chunk",
    "encode_table",
    "expand_codes",
    "first_pass",
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


class FirstPass(Protocol):
    """What an encoder collects from every chunk before it encodes any (a vocabulary, the
    degree bins), so that each chunk is encoded as the whole input would be."""

    def add(self, chunk: Table) -> None:
        """Collect from one chunk."""

    def encode_chunk(self, chunk: Table, row_offset: int) -> Encoded:
        """One chunk encoded over what every chunk gave (rows count from ``row_offset``)."""


#: the modalities whose chunks need a first pass over the whole input, and what it collects
FIRST_PASSES: dict[str, Callable[[EncodeOptions], FirstPass]] = {
    "sequence": VocabularyAccumulator,
    "graph": graph.DegreeAccumulator,
}
#: the modalities whose rows depend on their own sample alone, whatever the chunk
PER_SAMPLE = ("image", "signal")


def first_pass(chunk: Table, options: EncodeOptions) -> FirstPass | None:
    """The first pass that a streamed input's chunks (of which ``chunk`` is the first) need
    before any is encoded; ``None`` when each chunk is encoded on its own."""
    factory = FIRST_PASSES.get(resolve(chunk, options.sequence_col))
    return factory(options) if factory is not None else None


def encode_chunk(
    chunk: Table,
    options: EncodeOptions,
    categories: CategoryAccumulator,
    row_offset: int,
    collected: FirstPass | None = None,
    first: tuple[Table, Encoded] | None = None,
) -> Encoded:
    """One chunk of a streamed input, starting at input row ``row_offset``. A table: one
    column per feature, a number or a category code in the numbering of ``categories``
    (which collects the chunk's categories; :meth:`~.categories.CategoryAccumulator.layout`
    and :func:`expand_codes` make the one-hot columns once every chunk is read). Sequences
    and graphs are encoded over what ``collected`` took from every chunk beforehand
    (without it, over the chunk's own, for a first look); images and signals on their own,
    signals of another length than the ``first`` chunk's refused as a whole read refuses
    them. Row numbers count from the offset; the all-constant check is left to the caller, which
    sees every chunk."""
    modality = resolve(chunk, options.sequence_col)
    _refuse_unused_options(chunk, modality, options)
    if modality in FIRST_PASSES:
        if collected is None:  # the chunk's own (a first look: warnings)
            collected = FIRST_PASSES[modality](options)
            collected.add(chunk)
        encoded = collected.encode_chunk(chunk, row_offset)
    elif modality == "signal" and first is not None:
        first_chunk, first_encoded = first
        name = first_chunk.records[0] if first_chunk.records else "sample 0"
        reference = (name, int(first_encoded.parameters["length"]))
        encoded = signal.encode(chunk, options, reference)
        encoded.rows = encoded.rows + row_offset
    elif modality in PER_SAMPLE:
        encoded = ENCODERS[modality](chunk, options)
        encoded.rows = encoded.rows + row_offset
    elif modality == "tabular":
        encoded = _encode_table_chunk(chunk, options, categories, row_offset)
    else:  # pragma: no cover - streamable() never streams another modality
        raise DataError(f"{chunk.path}: is read as {modality}; it is not streamed")
    encoded.modality, encoded.source = modality, chunk.path.name
    encoded.carried = carried_digests(chunk, encoded, row_offset)
    encoded.ties = tie_digests(chunk, encoded, row_offset)
    return encoded


def _encode_table_chunk(
    chunk: Table, options: EncodeOptions, categories: CategoryAccumulator, row_offset: int
) -> Encoded:
    plan = tabular.plan_columns(chunk, options, categories.columns)
    part = tabular.encode_chunk(chunk, plan, row_offset)
    return Encoded(
        X=categories.add(part, plan.features),
        rows=part.rows,
        feature_names=list(plan.features),
        modality="tabular",
        columns_used=list(plan.features),
        dropped_rows=part.dropped.tolist(),
        source=chunk.path.name,
    )


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
