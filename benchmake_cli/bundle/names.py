"""The names of a bundle's files, defined once.

A split writes :data:`MANIFEST`, the index files (:func:`indices_file`), each side's data
(:func:`side_file`, named by the input's format) and, beside the manifest, the benchmark
card (:data:`CARD`, :data:`CROISSANT`). Readers take an index file's name from the
manifest (``split.test_indices``); these are the names a split records, and the ones an
older manifest that recorded none is read with.

>>> indices_file("test"), indices_file("train", reference=True), side_file("hdf5", "test")
('test_indices.txt', 'reference_train_indices.txt', 'test.h5')
"""

from __future__ import annotations

from ..formats import registry

MANIFEST = "manifest.json"
TRAIN_INDICES = "train_indices.txt"
TEST_INDICES = "test_indices.txt"
#: positions in the reference's hash order, written by ``--reference-indices``
REFERENCE_TRAIN_INDICES = "reference_train_indices.txt"
REFERENCE_TEST_INDICES = "reference_test_indices.txt"
CARD = "README.md"
#: the card's name in bundles written before 0.2 (still read)
LEGACY_CARD = "BENCHMARK.md"
CROISSANT = "croissant.json"

SIDES = ("train", "test")

_INDICES = {
    ("train", False): TRAIN_INDICES,
    ("test", False): TEST_INDICES,
    ("train", True): REFERENCE_TRAIN_INDICES,
    ("test", True): REFERENCE_TEST_INDICES,
}


def indices_file(side: str, *, reference: bool = False) -> str:
    """The index file a split writes for ``side`` (``train`` or ``test``)."""
    return _INDICES[(side, reference)]


def indices_key(side: str, *, reference: bool = False) -> str:
    """The ``split`` field recording that file's name (``test_indices``, ...)."""
    return indices_file(side, reference=reference).removesuffix(".txt")


def side_file(input_format: str, side: str) -> str:
    """What a split writes for one side of an input of ``input_format``: its data file, the
    listing of its files (image and signal folders), or a folder (OGB graphs)."""
    return registry.side_name(input_format, side)
