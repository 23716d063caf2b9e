"""Graphs in OGB's raw layout: the fixed-length vector per graph, split folders in the same
layout, and counts that do not add up."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from benchmake_cli import prepare
from benchmake_cli.errors import ExitCode

from .conftest import SAMPLE, assert_clean_failure, invoke


def _ogb(root: Path, files: dict[str, list[str]], gz: bool = False) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for stem, lines in files.items():
        data = "".join(f"{line}\n" for line in lines).encode()
        if gz:
            (root / f"{stem}.csv.gz").write_bytes(gzip.compress(data, mtime=0))
        else:
            (root / f"{stem}.csv").write_bytes(data)
    return root


#: graph 0: triangle 0-1-2 plus a self-loop on 2; graph 1: no nodes; graph 2: two nodes, no edge
THREE = {
    "num-node-list": ["3", "0", "2"],
    "num-edge-list": ["4", "0", "0"],
    "edge": ["0,1", "1,2", "2,0", "2,2"],
    "node-feat": ["1,0.5", "3,1.5", "2,-1", "4,0", "0,2"],
    "graph-label": ["1", "0", "1"],
}


def test_vector_is_counts_degree_histogram_and_feature_summaries(tmp_path: Path) -> None:
    encoded = prepare(_ogb(tmp_path / "g", THREE)).encoded
    assert encoded.modality == "graph"
    assert encoded.feature_names == [
        "nodes", "edges", "degree=0", "degree=1", "degree=2", "degree=3", "degree=4",
        "mean(f0)", "mean(f1)", "sum(f0)", "sum(f1)", "max(f0)", "max(f1)",
    ]  # fmt: skip
    assert encoded.X.tolist() == [
        [3, 4, 0, 0, 2, 0, 1, 2, 1 / 3, 6, 1, 3, 1.5],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [2, 0, 2, 0, 0, 0, 0, 2, 1, 4, 2, 4, 2],
    ]


def test_same_graph_gives_the_same_vector_wherever_it_is(tmp_path: Path) -> None:
    swapped = {
        "num-node-list": ["2", "0", "3"],
        "num-edge-list": ["0", "0", "4"],
        "edge": THREE["edge"],
        "node-feat": THREE["node-feat"][3:] + THREE["node-feat"][:3],
    }
    first = prepare(_ogb(tmp_path / "a", THREE)).encoded.X
    second = prepare(_ogb(tmp_path / "b", swapped)).encoded.X
    assert np.array_equal(first[[2, 1, 0]], second)


def test_split_folders_keep_the_ogb_layout(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(runner, "split", SAMPLE / "molgraphs", "--frac", "0.2", "--out", out)
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in (out / "test").iterdir())
    assert names == sorted(p.name for p in (SAMPLE / "molgraphs").iterdir())
    test_rows = [int(r) for r in (out / "test_indices.txt").read_text().split()]

    def lines(folder: Path, stem: str) -> list[str]:
        return gzip.decompress((folder / f"{stem}.csv.gz").read_bytes()).decode().splitlines()

    nodes = [int(v) for v in lines(SAMPLE / "molgraphs", "num-node-list")]
    edges = [int(v) for v in lines(SAMPLE / "molgraphs", "num-edge-list")]
    assert lines(out / "test", "num-node-list") == [str(nodes[r]) for r in test_rows]
    starts = np.concatenate([[0], np.cumsum(edges)])
    all_edges = lines(SAMPLE / "molgraphs", "edge")
    expected = [e for r in test_rows for e in all_edges[starts[r] : starts[r + 1]]]
    assert lines(out / "test", "edge") == expected
    manifest = json.loads((out / "manifest.json").read_text())
    assert "test/node-feat.csv.gz" in manifest["files"]
    assert manifest["encoding"]["parameters"]["degree_bins"] == 5
    again = invoke(runner, "split", out / "test", "--frac", "0.2", "--out", tmp_path / "again")
    assert again.exit_code == 0, again.stderr


def test_node_feature_matrix_is_tabular_under_type_graph() -> None:
    from benchmake_cli.encode import EncodeOptions
    from benchmake_cli.formats import ReadOptions

    prepared = prepare(
        SAMPLE / "graph_nodes.csv", ReadOptions(type="graph"), EncodeOptions(id_columns=("graph",))
    )
    assert prepared.encoded.modality == "graph"
    assert prepared.encoded.feature_names == ["node", "atom_type", "charge", "aromatic"]


def _with(**changes: list[str]) -> dict[str, list[str]]:
    return {**THREE, **changes}


CASES = [
    (
        "node counts do not match node-feat",
        _with(**{"num-node-list": ["3", "0", "3"]}),
        "node-feat.csv: 5 lines, but num-node-list.csv gives 6 nodes; the counts do not add up",
    ),
    (
        "edge counts do not match edges",
        _with(**{"num-edge-list": ["3", "0", "0"]}),
        "edge.csv: 4 lines, but num-edge-list.csv gives 3 edges; the counts do not add up",
    ),
    (
        "count lists differ in length",
        _with(**{"num-edge-list": ["4", "0"]}),
        "num-edge-list.csv: 2 lines, but num-node-list.csv gives 3 graphs",
    ),
    (
        "labels for fewer graphs",
        _with(**{"graph-label": ["1", "0"]}),
        "graph-label.csv: 2 lines, but num-node-list.csv gives 3 graphs",
    ),
    (
        "edge outside its graph",
        _with(edge=["0,1", "1,2", "2,3", "2,2"]),
        "edge.csv: line 3: edge 2,3 leaves graph 0 (3 nodes; node numbers are local to each graph)",
    ),
    (
        "negative count",
        _with(**{"num-node-list": ["3", "-1", "3"]}),
        "num-node-list.csv: line 2: negative count -1",
    ),
    (
        "text in node features",
        _with(**{"node-feat": ["1,0.5", "3,x", "2,-1", "4,0", "0,2"]}),
        "node-feat.csv: not rows of numbers",
    ),
]


@pytest.mark.parametrize(
    ("files", "message"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_counts_that_do_not_add_up_are_refused(
    runner: CliRunner, tmp_path: Path, files: dict[str, list[str]], message: str
) -> None:
    root = _ogb(tmp_path / "g", files)
    out = tmp_path / "out"
    result = invoke(runner, "split", root, "--frac", "0.34", "--out", out)
    assert_clean_failure(result, tmp_path, out, ExitCode.BAD_DATA, message)


def test_missing_required_file_and_raw_subfolder_hint(runner: CliRunner, tmp_path: Path) -> None:
    files = {k: v for k, v in THREE.items() if k != "edge"}
    root = _ogb(tmp_path / "g", files, gz=True)
    out = tmp_path / "out"
    result = invoke(runner, "split", root, "--frac", "0.34", "--out", out)
    assert_clean_failure(
        result, tmp_path, out, ExitCode.BAD_DATA, "g: no edge.csv[.gz]; an OGB raw folder needs"
    )
    parent = tmp_path / "dataset"
    _ogb(parent / "raw", THREE, gz=True)
    result = invoke(runner, "split", parent, "--frac", "0.34", "--out", out)
    assert_clean_failure(
        result, tmp_path, out, ExitCode.BAD_DATA, "OGB files are in its raw/ sub-folder"
    )
