"""Sequences (SMILES, protein or DNA strings, text lines) as numbers: one row per sequence
counting each character of the sorted alphabet of all the sequences (the paper's
character-level count vectorizer)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from ..errors import DataError


def character_counts(sequences: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Count matrix (sequences × alphabet, float64) and the sorted alphabet.

    Characters are counted exactly as written: case, digits, punctuation and white space
    are all characters.

    >>> counts, alphabet = character_counts(["CCO", "c1ccccc1"])
    >>> alphabet, counts.tolist()
    (['1', 'C', 'O', 'c'], [[0.0, 2.0, 1.0, 0.0], [2.0, 0.0, 0.0, 6.0]])
    """
    for position, item in enumerate(sequences):
        if not isinstance(item, str):
            raise DataError(
                f"sequence {position} is a {type(item).__name__}, not a string; "
                "sequential data is a list or Series of strings"
            )
    tallies = [Counter(item) for item in sequences]
    alphabet = sorted(set().union(*tallies))
    column = {character: j for j, character in enumerate(alphabet)}
    counts = np.zeros((len(tallies), len(alphabet)), dtype=np.float64)
    for i, tally in enumerate(tallies):
        for character, count in tally.items():
            counts[i, column[character]] = count
    return counts, alphabet
