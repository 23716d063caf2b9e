"""The format registry is complete and consistent: every entry is detected, read, written and
read back; every file-name ending belongs to one format; every format that streams reads in
chunks exactly what it reads whole and writes chunk by chunk what it writes whole."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

from benchmake_cli.formats import (
    ReadOptions,
    count_rows,
    has_more_rows_than,
    iter_chunks,
    read_table,
    streamable,
)
from benchmake_cli.formats.modality import MODALITIES
from benchmake_cli.formats.registry import (
    BY_NAME,
    FILE_FORMATS,
    FORMATS,
    detect,
    detect_folder,
    iter_write_chunks,
    streams,
    write_side,
    write_streamed,
)
from benchmake_cli.formats.spec import ChunkedFormat, FileFormat, FolderFormat, Format
from benchmake_cli.formats.table import Table

from .conftest import SAMPLE

#: one sample input per format, with the options that read it (a new format needs one here)
SAMPLES: dict[str, tuple[str, ReadOptions]] = {
    "csv": ("alloys.csv", ReadOptions()),
    "tsv": ("alloys.tsv", ReadOptions()),
    "parquet": ("alloys.parquet", ReadOptions()),
    "npy": ("alloys.npy", ReadOptions()),
    "npz": ("shapes.npz", ReadOptions(key=("train_images",), target_key=("train_labels",))),
    "hdf5": ("shapes.h5", ReadOptions(key=("images",), target_key=("labels",))),
    "smi": ("molecules.smi", ReadOptions()),
    "fasta": ("proteins.fasta", ReadOptions()),
    "text": ("peptides.txt", ReadOptions(type="sequence")),
    "ogb": ("molgraphs", ReadOptions()),
    "image-folder": ("shapes_png", ReadOptions()),
    "signal-folder": ("vibration_csv", ReadOptions()),
}
#: streamed writers that give the very bytes of the whole writer (Parquet's row groups follow
#: the chunks, so only its content is the same)
SAME_BYTES = ("csv", "tsv", "npy", "npz", "hdf5", "smi", "fasta", "text", "image-folder")
SAME_BYTES += ("signal-folder", "ogb")
#: inputs read in chunks where the sample above is read whole (images: arrays of rank 3):
#: the alloys' numbers as a 2-D array with labels, in a group of the HDF5 file
STREAM_SAMPLES: dict[str, tuple[str, ReadOptions]] = {
    "npz": ("alloys.npz", ReadOptions(key=("x",), target_key=("y",))),
    "hdf5": ("alloys.h5", ReadOptions(key=("data/x",), target_key=("y",))),
}


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, ReadOptions]]:
    """The sample inputs: sample_data/, plus a TSV and a 2-D NPY made from the alloys table."""
    made = tmp_path_factory.mktemp("samples")
    alloys = pd.read_csv(SAMPLE / "alloys.csv")
    alloys.to_csv(made / "alloys.tsv", sep="\t", index=False)
    numbers = alloys.select_dtypes("number").to_numpy()
    np.save(made / "alloys.npy", numbers)
    labels = np.unique(alloys["phase"].to_numpy().astype(str), return_inverse=True)[1]
    np.savez_compressed(made / "alloys.npz", x=numbers, y=labels)
    with h5py.File(made / "alloys.h5", "w") as handle:
        handle.create_dataset("data/x", data=numbers)
        handle.create_dataset("y", data=np.arange(len(numbers)) % 3)
    return {
        name: ((made if (made / file).exists() else SAMPLE) / file, options)
        for name, (file, options) in SAMPLES.items()
    }


@pytest.fixture(scope="module")
def stream_samples(
    samples: dict[str, tuple[Path, ReadOptions]],
) -> dict[str, tuple[Path, ReadOptions]]:
    """The sample of each format that is read in chunks."""
    made = samples["tsv"][0].parent
    return {**samples, **{name: (made / f, o) for name, (f, o) in STREAM_SAMPLES.items()}}


def _subset(table: Table, rows: np.ndarray) -> dict[str, object]:
    """What a reader returns for the rows ``rows`` of ``table``, in comparable form."""
    content: dict[str, object] = {}
    if table.frame is not None:
        content["frame"] = table.frame.iloc[rows].reset_index(drop=True)
    for name in ("array", "labels"):
        value = getattr(table, name)
        if value is not None:
            content[name] = np.asarray(value)[rows]
    if table.signals is not None:
        content["signals"] = np.concatenate([table.signals[int(r)].ravel() for r in rows])
    for name in ("sequences", "records"):
        value = getattr(table, name)
        if value is not None:
            content[name] = [value[int(r)] for r in rows]
    if table.graphs is not None:
        content["node_counts"] = table.graphs.node_counts[rows]
    return content


def _join(parts: list) -> object:  # type: ignore[type-arg]
    """Chunks' contents (:func:`_subset`) joined in order."""
    if isinstance(parts[0], pd.DataFrame):
        return pd.concat(parts, ignore_index=True)
    if isinstance(parts[0], np.ndarray):
        return np.concatenate(parts)
    return [item for part in parts for item in part]


def _assert_same(got: dict[str, object], expected: dict[str, object]) -> None:
    assert got.keys() == expected.keys()
    for name, value in expected.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(got[name], value)  # type: ignore[arg-type]
        elif isinstance(value, np.ndarray):
            np.testing.assert_array_equal(got[name], value)  # type: ignore[arg-type]
        else:
            assert got[name] == value, name


def test_every_format_has_a_sample() -> None:
    assert set(SAMPLES) == set(BY_NAME) and len(BY_NAME) == len(FORMATS)


@pytest.mark.parametrize("entry", FORMATS, ids=lambda entry: entry.name)
def test_entry_is_consistent(entry: Format) -> None:
    assert entry.fits and set(entry.fits) <= set(MODALITIES)
    assert entry.description and entry.container
    assert isinstance(entry, FileFormat) != isinstance(entry, FolderFormat)
    if isinstance(entry, FileFormat):
        assert entry.suffixes and entry.folder_kind is None and not entry.copies_files
        assert entry.only_with_type is None or entry.only_with_type in entry.fits
        assert entry.data_suffix in entry.suffixes  # split files are read back the same way
    else:
        assert entry.folder_kind in entry.fits
    if isinstance(entry, ChunkedFormat):  # today every format read in chunks also writes so
        assert streams(entry)


def test_every_suffix_belongs_to_one_format() -> None:
    claims = Counter(
        (suffix, entry.only_with_type) for entry in FILE_FORMATS for suffix in entry.suffixes
    )
    assert [claim for claim, count in claims.items() if count > 1] == []
    for entry in FILE_FORMATS:
        for suffix in entry.suffixes:
            for name in (f"data{suffix}", f"DATA{suffix.upper()}"):
                assert detect(Path(name), entry.only_with_type or "auto") is entry


@pytest.mark.parametrize("name", SAMPLES)
def test_detects_reads_writes_and_reads_back(
    name: str, samples: dict[str, tuple[Path, ReadOptions]], tmp_path: Path
) -> None:
    entry = BY_NAME[name]
    path, options = samples[name]
    found = detect_folder(path) if path.is_dir() else detect(path, options.type)
    assert found is entry
    table = read_table(path, options)
    assert table.format == name and table.n_rows > 3
    rows = np.arange(0, table.n_rows, 3)
    files = "copy" if entry.copies_files else "list"
    written = write_side(table, rows, tmp_path, "test", files)
    assert written and all((tmp_path / relative).exists() for relative in written)
    if isinstance(entry, FileFormat):
        assert written == [f"test{entry.data_suffix}"]
        again = read_table(tmp_path / written[0], options)
    else:  # a folder format writes (or copies) a folder of the same kind
        again = read_table(tmp_path / "test", options)
    _assert_same(_subset(again, np.arange(len(rows))), _subset(table, rows))


@pytest.mark.parametrize("entry", [e for e in FORMATS if streams(e)], ids=lambda e: e.name)
def test_streamed_equals_whole(
    entry: Format, stream_samples: dict[str, tuple[Path, ReadOptions]], tmp_path: Path
) -> None:
    path, options = stream_samples[entry.name]
    assert streamable(path, options)
    whole = read_table(path, options)
    n = whole.n_rows
    chunks = list(iter_chunks(path, options, rows=7))
    assert [chunk.n_rows for chunk in chunks[:-1]] == [7] * (len(chunks) - 1)
    joined: dict[str, object] = {}
    for start, chunk in zip(range(0, n, 7), chunks, strict=True):
        for name, value in _subset(chunk, np.arange(chunk.n_rows)).items():
            joined.setdefault(name, []).append(value)  # type: ignore[union-attr]
        assert (chunk.info, chunk.read_options) == (whole.info, whole.read_options), start
    _assert_same(
        {name: _join(parts) for name, parts in joined.items()}, _subset(whole, np.arange(n))
    )
    assert count_rows(path, options) == n
    assert has_more_rows_than(path, n - 1, options) and not has_more_rows_than(path, n, options)

    sides = (np.arange(n) % 3 == 0).astype(np.int8) + 1  # 1: train, 2: test
    streamed, once = tmp_path / "streamed", tmp_path / "whole"
    streamed.mkdir(), once.mkdir()
    names = {1: "train", 2: "test"}
    chunks_written = iter_write_chunks(path, options, rows=7)
    written = write_streamed(chunks_written, sides, streamed, names, "list")
    expected = [
        name
        for code, side in names.items()
        for name in write_side(whole, np.flatnonzero(sides == code), once, side)
    ]
    assert written == expected
    for name in written:
        if entry.name in SAME_BYTES:
            assert (streamed / name).read_bytes() == (once / name).read_bytes(), name
    if isinstance(entry, FileFormat):
        for code, side in names.items():
            rows = np.flatnonzero(sides == code)
            again = read_table(streamed / entry.data_name(side), options)
            _assert_same(_subset(again, np.arange(len(rows))), _subset(whole, rows))


def test_rank_three_npy_is_read_whole() -> None:
    assert detect(SAMPLE / "shapes.npy") is BY_NAME["npy"]
    assert not streamable(SAMPLE / "shapes.npy")
