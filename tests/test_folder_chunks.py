"""Folders split in shards are read in batches of files (issue 29): image and signal folders
file by file, OGB folders graph by graph, each split file written chunk by chunk. A folder
gives the same split streamed as read whole, and the same as an array of the same samples;
a refusal in a later batch reads as the whole read's. Chunks are made small (7 samples) so
that every folder is read in several."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from benchmake_cli.errors import DataError
from benchmake_cli.formats import ReadOptions, iter_chunks, read_table, spec, streamable
from benchmake_cli.pipeline import plan, sharded, stream
from benchmake_cli.request import SplitRequest
from benchmake_cli.tasks.split import split_file
from benchmake_cli.tasks.verify import verify_manifest

from .conftest import SAMPLE

CHUNK = 7
#: the sample folders, with the options that read them
FOLDERS = {
    "images": (SAMPLE / "shapes_png", {}),
    "signals (npy)": (SAMPLE / "vibration_npy", {}),
    "signals (csv)": (SAMPLE / "vibration_csv", {"resample": 64}),
    "graphs": (SAMPLE / "molgraphs", {}),
}


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sharded, "CHUNK_ROWS", CHUNK)  # the chunks written
    monkeypatch.setattr(stream, "CHUNK_ROWS", CHUNK)  # the chunks read and encoded


def _manifest(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((out / "manifest.json").read_text())


@pytest.mark.parametrize("name", sorted(FOLDERS))
def test_every_folder_format_streams(name: str) -> None:
    data, _ = FOLDERS[name]
    assert streamable(data, ReadOptions())
    request = SplitRequest.from_options(data, frac=0.2, shard_rows=10)
    decided = plan.make_plan(request)
    assert decided.sharded and decided.streamed  # decided from the files, before reading


@pytest.mark.parametrize("name", sorted(FOLDERS))
def test_a_folder_splits_the_same_streamed_as_read_whole(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, options = FOLDERS[name]
    streamed = split_file(data, frac=0.2, shard_rows=10, out=tmp_path / "streamed", **options)
    assert streamed.manifest["method"]["parameters"]["sharding"]["shards"] > 1
    monkeypatch.setattr(plan, "streamable", lambda path, read: False)  # read whole, in memory
    in_memory = split_file(data, frac=0.2, shard_rows=10, out=tmp_path / "memory", **options)
    assert streamed.test.tolist() == in_memory.test.tolist()
    assert len(streamed.test) == -(-(len(streamed.test) + len(streamed.train)) // 5)
    assert _manifest(tmp_path / "streamed") == _manifest(tmp_path / "memory")
    for file in sorted(p.name for p in (tmp_path / "memory").iterdir() if p.is_file()):
        assert (tmp_path / "streamed" / file).read_bytes() == (
            tmp_path / "memory" / file
        ).read_bytes()
    monkeypatch.undo()
    report = verify_manifest(tmp_path / "streamed" / "manifest.json")
    assert report.ok, [check for check in report.checks if not check.ok]


def _pngs(folder: Path, pixels: np.ndarray) -> Path:
    """One grey PNG per image of ``pixels``, in three class folders, in array order."""
    for i, image in enumerate(pixels):
        target = folder / f"class{i * 3 // len(pixels)}" / f"img{i:03d}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(image, mode="L").save(target)
    return folder


@pytest.mark.parametrize("shard_rows", [0, 10, 20])
def test_an_image_folder_and_an_array_of_its_pixels_give_the_same_test_rows(
    shard_rows: int, tmp_path: Path
) -> None:
    pixels = np.random.default_rng(29).integers(0, 256, size=(60, 8, 8), dtype=np.uint8)
    folder = _pngs(tmp_path / "pngs", pixels)
    np.save(tmp_path / "pixels.npy", pixels)
    from_folder = split_file(folder, frac=0.2, shard_rows=shard_rows)
    from_array = split_file(tmp_path / "pixels.npy", frac=0.2, shard_rows=shard_rows, type="image")
    assert len(from_folder.test) == 12
    assert from_folder.test.tolist() == from_array.test.tolist()
    sharding = from_folder.manifest["method"]["parameters"].get("sharding")
    assert (sharding["shards"] if sharding else 1) == (60 // shard_rows if shard_rows else 1)


@pytest.mark.parametrize("shard_rows", [0, 10])
def test_a_signal_folder_and_an_array_of_its_signals_give_the_same_test_rows(
    shard_rows: int, tmp_path: Path
) -> None:
    signals = np.random.default_rng(7).normal(size=(40, 32, 2))
    for i in range(2):
        (tmp_path / "signals" / f"c{i}").mkdir(parents=True)
    names = sorted(f"c{i % 2}/s{i:03d}.npy" for i in range(40))
    for name, signal in zip(names, signals, strict=True):
        np.save(tmp_path / "signals" / name, signal)
    np.save(tmp_path / "signals.npy", signals)
    from_folder = split_file(tmp_path / "signals", frac=0.2, shard_rows=shard_rows)
    from_array = split_file(
        tmp_path / "signals.npy", frac=0.2, shard_rows=shard_rows, type="signal"
    )
    assert len(from_folder.test) == 8
    assert from_folder.test.tolist() == from_array.test.tolist()


def test_signals_of_another_length_in_a_later_batch_are_refused_as_a_whole_read_does(
    tmp_path: Path,
) -> None:
    for i in range(20):
        np.save(tmp_path / f"s{i:02d}.npy", np.arange(68.0 if i < 10 else 64.0) * (i + 1))
    with pytest.raises(DataError) as whole:
        split_file(tmp_path, frac=0.2)
    with pytest.raises(DataError) as streamed:
        split_file(tmp_path, frac=0.2, shard_rows=10)
    assert str(streamed.value) == str(whole.value)
    assert "s00.npy has 68 samples, s10.npy has 64" in str(whole.value)


def test_signal_channels_are_checked_across_batches(tmp_path: Path) -> None:
    for i in range(10):
        np.save(tmp_path / f"s{i:02d}.npy", np.ones((16, 2 if i < 8 else 3)) * i)
    with pytest.raises(DataError, match=r"s00.npy has 2, s08.npy has 3"):
        list(iter_chunks(tmp_path, ReadOptions(), rows=4))


@pytest.mark.parametrize(
    ("data", "row_bytes", "sizes"),
    [
        ("shapes_png", 8 * 16 * 16 * 3, [5] * 9 + [3]),  # decoded pixels, as float64
        ("shapes.npy", 8 * 16 * 16 * 3, [5] * 9 + [3]),
        ("vibration_npy", 1152, [5] * 8),  # a file of 64 x 2 float64 and its 128-byte header
    ],
)
def test_a_chunk_of_wide_samples_is_bounded_by_its_bytes(
    data: str, row_bytes: int, sizes: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spec, "CHUNK_BYTES", 5 * row_bytes + 1)
    chunks = iter_chunks(SAMPLE / data, ReadOptions(), rows=1000)
    assert [chunk.n_rows for chunk in chunks] == sizes


def _ogb(folder: Path, edges: list[str], nodes: int = 3) -> Path:
    """Twenty graphs of ``nodes`` nodes and two edges each (``edges``: their 40 lines)."""
    folder.mkdir()
    (folder / "num-node-list.csv").write_text(f"{nodes}\n" * 20)
    (folder / "num-edge-list.csv").write_text("2\n" * 20)
    with gzip.open(folder / "edge.csv.gz", "wt") as handle:
        handle.write("".join(f"{line}\n" for line in edges))
    return folder


def test_a_bad_edge_in_a_later_batch_is_named_as_a_whole_read_names_it(tmp_path: Path) -> None:
    edges = ["0,1", "1,2"] * 20
    edges[31] = "1,5"  # graph 15 has nodes 0 to 2
    folder = _ogb(tmp_path / "graphs", edges)
    with pytest.raises(DataError) as whole:
        read_table(folder)
    with pytest.raises(DataError) as streamed:
        list(iter_chunks(folder, ReadOptions(), rows=4))
    assert str(streamed.value) == str(whole.value)
    assert "line 32: edge 1,5 leaves graph 15 (3 nodes" in str(whole.value)


def test_an_ogb_file_short_of_lines_is_refused_before_any_batch(tmp_path: Path) -> None:
    folder = _ogb(tmp_path / "graphs", ["0,1", "1,2"] * 19)
    with pytest.raises(DataError) as whole:
        read_table(folder)
    chunks = iter_chunks(folder, ReadOptions(), rows=4)
    with pytest.raises(DataError) as streamed:
        next(chunks)
    assert str(streamed.value) == str(whole.value)
    assert "38 lines, but num-edge-list.csv gives 40 edges" in str(whole.value)


def test_the_degree_bins_of_every_batch_are_those_of_the_whole(tmp_path: Path) -> None:
    edges = ["0,1", "2,3"] * 20
    edges[38:40] = ["0,1", "0,2"]  # the last graph alone has a node of degree 2
    folder = _ogb(tmp_path / "graphs", edges, nodes=4)
    whole = split_file(folder, frac=0.2)
    streamed = split_file(folder, frac=0.2, shard_rows=10)
    assert streamed.manifest["method"]["parameters"]["sharding"]["shards"] == 2
    assert whole.manifest["encoding"]["d"] == streamed.manifest["encoding"]["d"] == 2 + 3
