"""Sequence encoding: per-sequence counts over the sorted vocabulary of the whole file.

With the defaults (``--tokens chars``, ``--kmer 1``) this is the paper's character-level
count vectorizer: the vocabulary is every character occurring in any sequence, sorted by
code point (case kept: ``c`` and ``C`` differ in SMILES), and each row counts the
characters of one sequence. ``--tokens smiles`` counts SMILES tokens instead: bracket atoms
(``[nH]``, ``[C@@H]``), ``Br``, ``Cl`` and two-digit ring closures (``%12``) are single
tokens, every other character is one. ``--kmer K`` counts overlapping runs of K tokens
(k-mers of DNA or protein with ``chars``); a sequence shorter than K counts nothing.
Sequences are stripped of surrounding white space. In a table's column an empty cell is a
missing value (refused, or dropped with ``--drop-missing``); ``NA`` is a sequence.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import DataError, ParameterError
from ..formats.table import Table
from .options import TOKENIZERS, Encoded, EncodeOptions
from .tabular import check_column

SMILES_TOKEN = re.compile(r"\[[^\[\]]*\]|Br|Cl|%\d{2}|.", re.DOTALL)
#: the vocabulary is written into the manifest when it has at most this many entries
VOCABULARY_IN_MANIFEST = 1000


def tokenize(sequence: str, tokens: str) -> list[str]:
    """The tokens of one sequence.

    >>> tokenize("CC(Cl)[NH3+]Br", "smiles")
    ['C', 'C', '(', 'Cl', ')', '[NH3+]', 'Br']
    """
    return SMILES_TOKEN.findall(sequence) if tokens == "smiles" else list(sequence)


def kmers(sequence: str, tokens: str, k: int) -> Sequence[str | tuple[str, ...]]:
    """The overlapping k-mers of one sequence (strings for characters, tuples for SMILES).

    >>> list(kmers("ACGT", "chars", 2)), list(kmers("ACG", "chars", 1))
    (['AC', 'CG', 'GT'], ['A', 'C', 'G'])
    """
    if tokens == "chars":
        return sequence if k == 1 else [sequence[i : i + k] for i in range(len(sequence) - k + 1)]
    parts = tokenize(sequence, tokens)
    if k == 1:
        return parts
    return [tuple(parts[i : i + k]) for i in range(len(parts) - k + 1)]


def _check_options(options: EncodeOptions) -> None:
    if options.tokens not in TOKENIZERS:
        raise ParameterError(f"--tokens {options.tokens!r}: use {' or '.join(TOKENIZERS)}")
    if options.kmer < 1:
        raise ParameterError(f"--kmer {options.kmer}: must be 1 or more")


def encode(table: Table, options: EncodeOptions) -> Encoded:
    """One row per sequence: its token (or k-mer) counts over the whole file's vocabulary."""
    _check_options(options)
    sequences, rows, dropped, source = _sequences(table, options)
    grams = [kmers(sequence, options.tokens, options.kmer) for sequence in sequences]
    vocabulary = sorted(set(itertools.chain.from_iterable(grams)))
    return _counted(table, options, vocabulary, grams, sequences, (rows, dropped, source))


class VocabularyAccumulator:
    """The vocabulary of a file read in chunks: every chunk's tokens (or k-mers) are added
    in a first pass (:meth:`add`), then every chunk is counted over the sorted whole
    (:meth:`encode_chunk`): the same rows as :func:`encode` of the whole file."""

    def __init__(self, options: EncodeOptions) -> None:
        _check_options(options)
        self.options = options
        self.grams: set[str | tuple[str, ...]] = set()
        self._sorted: list[str | tuple[str, ...]] | None = None

    def add(self, chunk: Table) -> None:
        """Collect the vocabulary of one chunk."""
        sequences, *_ = _sequences(chunk, self.options, chunk=True)
        for sequence in sequences:
            self.grams.update(kmers(sequence, self.options.tokens, self.options.kmer))
        self._sorted = None

    def encode_chunk(self, chunk: Table, row_offset: int) -> Encoded:
        """One chunk's counts over the whole vocabulary (rows count from ``row_offset``)."""
        if self._sorted is None:
            self._sorted = sorted(self.grams)
        sequences, rows, dropped, source = _sequences(chunk, self.options, chunk=True)
        grams = [kmers(sequence, self.options.tokens, self.options.kmer) for sequence in sequences]
        where = (rows + row_offset, [row + row_offset for row in dropped], source)
        return _counted(chunk, self.options, self._sorted, grams, sequences, where)


def _counted(
    table: Table,
    options: EncodeOptions,
    vocabulary: list[str | tuple[str, ...]],
    grams: list[Sequence[str | tuple[str, ...]]],
    sequences: list[str],
    where: tuple[np.ndarray, list[int], str],
) -> Encoded:
    """The counts of ``grams`` over ``vocabulary``; ``where``: input rows, dropped rows and
    the source column."""
    rows, dropped, source = where
    if not vocabulary:
        raise DataError(
            f"{table.path}: no sequence is {options.kmer} tokens long; nothing to count"
        )
    index = {gram: i for i, gram in enumerate(vocabulary)}
    width = len(vocabulary)
    columns = np.fromiter(
        (index[g] for seq in grams for g in seq), dtype=np.int64, count=sum(map(len, grams))
    )
    owners = np.repeat(np.arange(len(grams), dtype=np.int64), [len(g) for g in grams])
    counts = np.bincount(owners * width + columns, minlength=len(grams) * width)
    X = counts.reshape(len(grams), width).astype(np.float64)
    names = ["".join(g) if isinstance(g, tuple) else g for g in vocabulary]
    return Encoded(
        X=X,
        rows=rows,
        feature_names=names,
        sequences=list(sequences),
        columns_used=[source],
        dropped_rows=dropped,
        parameters={
            "tokens": options.tokens,
            "kmer": options.kmer,
            "vocabulary_size": width,
            "vocabulary": _listed(vocabulary) if width <= VOCABULARY_IN_MANIFEST else None,
            "vocabulary_sha256": hashlib.sha256(
                json.dumps(_listed(vocabulary), ensure_ascii=False).encode("utf-8")
            ).hexdigest(),
            "counts": "per-sequence counts over the vocabulary sorted by code point",
        },
    )


def _listed(vocabulary: list) -> list:
    return [list(g) if isinstance(g, tuple) else g for g in vocabulary]


def _sequences(
    table: Table, options: EncodeOptions, chunk: bool = False
) -> tuple[list[str], np.ndarray, list[int], str]:
    """The sequences to encode, the input rows they come from, the dropped rows, the source
    (``chunk``: one chunk of a file, which may hold none)."""
    if table.sequences is not None:
        return table.sequences, np.arange(len(table.sequences)), [], "sequence"
    assert table.frame is not None and options.sequence_col is not None
    column = options.sequence_col
    names = [str(c) for c in table.frame.columns]
    check_column(table, names, column, "--sequence-col")
    for carried, option in [(options.target, "--target")] + [
        (c, "--id-col") for c in options.id_columns
    ]:
        if carried is not None:
            check_column(table, names, carried, option)
    values = table.frame[column]
    text = values.astype(str).str.strip()
    missing = (values.isna() | (text == "")).to_numpy()
    if pd.api.types.is_numeric_dtype(values.dtype):
        raise DataError(f"{table.path}: column {column!r} holds numbers, not sequences")
    if missing.any() and not options.drop_missing:
        row = int(np.flatnonzero(missing)[0])
        raise DataError(
            f"{table.path}: row {row}, column {column!r}: missing sequence; "
            "fill it in or pass --drop-missing"
        )
    rows = np.flatnonzero(~missing)
    if not len(rows) and not chunk:
        raise DataError(f"{table.path}: column {column!r} holds no sequences")
    return text.to_numpy()[rows].tolist(), rows, np.flatnonzero(missing).tolist(), column
