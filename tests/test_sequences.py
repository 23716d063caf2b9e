"""Sequences: .smi, FASTA, text lines and a table column; the count encodings; split files
that mirror the input; bad FASTA and missing sequences."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from benchmake_cli import prepare
from benchmake_cli.encode import EncodeOptions, encode_table
from benchmake_cli.errors import ExitCode
from benchmake_cli.formats import ReadOptions, read_table

from .conftest import SAMPLE, assert_clean_failure, invoke


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_character_counts_over_the_sorted_alphabet_of_the_file(tmp_path: Path) -> None:
    data = _write(tmp_path / "m.smi", "# comment\n\nCCO ethanol\nc1ccccc1 benzene\nCCl\n")
    encoded = prepare(data).encoded
    assert encoded.feature_names == ["1", "C", "O", "c", "l"]
    assert encoded.X.tolist() == [[0, 2, 1, 0, 0], [2, 0, 0, 6, 0], [0, 2, 0, 0, 1]]
    assert encoded.modality == "sequence"
    assert encoded.parameters["vocabulary"] == ["1", "C", "O", "c", "l"]


def test_smiles_tokens_keep_cl_br_and_bracket_atoms_whole(tmp_path: Path) -> None:
    data = _write(tmp_path / "m.smi", "ClCBr\nC[NH3+]\nc1cc[nH]c1\n")
    encoded = prepare(data, encode_options=EncodeOptions(tokens="smiles")).encoded
    assert encoded.feature_names == ["1", "Br", "C", "Cl", "[NH3+]", "[nH]", "c"]
    assert encoded.X.tolist() == [
        [0, 1, 1, 1, 0, 0, 0],
        [0, 0, 1, 0, 1, 0, 0],
        [2, 0, 0, 0, 0, 1, 4],
    ]


def test_kmers_count_overlapping_runs(tmp_path: Path) -> None:
    data = _write(tmp_path / "d.fasta", ">a\nACGT\nAC\n>b\nGG\n>c\nA\n")
    encoded = prepare(data, encode_options=EncodeOptions(kmer=2)).encoded
    assert encoded.feature_names == ["AC", "CG", "GG", "GT", "TA"]
    assert encoded.X.tolist() == [[2, 1, 0, 1, 1], [0, 0, 1, 0, 0], [0, 0, 0, 0, 0]]


def test_fasta_split_files_keep_headers_and_line_wrapping(
    runner: CliRunner, tmp_path: Path
) -> None:
    records = [
        f">seq{i} sample {i}\n" + "ACGT"[i % 4] * 3 + "TG" * i + "\n" + "CA" * (i % 3 + 1) + "\n"
        for i in range(10)
    ]
    data = _write(tmp_path / "r.fa", "".join(records))
    out = tmp_path / "out"
    assert (
        invoke(runner, "split", data, "--frac", "0.3", "--out", out, "--kmer", "2").exit_code == 0
    )
    test_rows = [int(r) for r in (out / "test_indices.txt").read_text().split()]
    assert (out / "test.fasta").read_text() == "".join(records[r] for r in test_rows)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["encoding"]["options"]["kmer"] == 2
    assert manifest["encoding"]["parameters"]["tokens"] == "chars"


def test_smi_split_files_keep_names_and_header(runner: CliRunner, tmp_path: Path) -> None:
    lines = [f"{'C' * (i % 5 + 1)}{'O' * (i % 3)}N  mol {i}" for i in range(12)]
    data = _write(tmp_path / "m.smi", "SMILES Name\n# made up\n" + "\n".join(lines) + "\n")
    out = tmp_path / "out"
    assert invoke(runner, "split", data, "--frac", "0.25", "--out", out).exit_code == 0
    train_rows = [int(r) for r in (out / "train_indices.txt").read_text().split()]
    assert (out / "train.smi").read_text() == "SMILES Name\n" + "".join(
        f"{lines[r]}\n" for r in train_rows
    )


def test_text_needs_type_sequence_and_writes_text(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(runner, "split", SAMPLE / "peptides.txt", "--frac", "0.2", "--out", out,
                    "--type", "sequence")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    peptides = (SAMPLE / "peptides.txt").read_text().splitlines()
    test_rows = [int(r) for r in (out / "test_indices.txt").read_text().split()]
    assert (out / "test.txt").read_text().splitlines() == [peptides[r] for r in test_rows]
    assert read_table(SAMPLE / "peptides.txt").format == "csv"


def test_sequence_column_with_missing_cells_dropped(tmp_path: Path) -> None:
    data = _write(tmp_path / "t.csv", "id,smiles,y\n1,CCO,0.5\n2,,0.1\n3,NA,2\n4,CCN,1\n")
    options = EncodeOptions(
        sequence_col="smiles", drop_missing=True, target="y", id_columns=("id",)
    )
    encoded = encode_table(read_table(data), options)
    assert encoded.rows.tolist() == [0, 2, 3] and encoded.dropped_rows == [1]
    assert encoded.feature_names == ["A", "C", "N", "O"]
    assert encoded.columns_used == ["smiles"]


def test_same_sequences_in_smi_and_csv_encode_identically() -> None:
    smi = prepare(SAMPLE / "molecules.smi").encoded
    csv = prepare(SAMPLE / "molecules.csv", encode_options=EncodeOptions(sequence_col="smiles"))
    assert np.array_equal(smi.X, csv.encoded.X)
    assert smi.feature_names == csv.encoded.feature_names


def test_auto_detects_sequences_from_suffix_and_sequence_col() -> None:
    assert prepare(SAMPLE / "proteins.fasta").encoded.modality == "sequence"
    csv = prepare(SAMPLE / "molecules.csv", ReadOptions(), EncodeOptions(sequence_col="smiles"))
    assert csv.encoded.modality == "sequence"


CASES = [
    (
        "fasta without headers",
        lambda t: _write(t / "x.fasta", "ACGT\nACGG\n"),
        (),
        ExitCode.BAD_DATA,
        "x.fasta: line 1: sequence data before the first '>' header",
    ),
    (
        "ragged fasta: record without sequence",
        lambda t: _write(t / "x.fa", ">a\nACGT\n>b\n>c\nGG\n"),
        (),
        ExitCode.BAD_DATA,
        "x.fa: line 3: record 'b' has no sequence",
    ),
    (
        "ragged fasta: truncated last record",
        lambda t: _write(t / "x.fa", ">a\nACGT\n>b\nGG\n>c\n"),
        (),
        ExitCode.BAD_DATA,
        "x.fa: line 5: record 'c' has no sequence",
    ),
    (
        "fasta header without name",
        lambda t: _write(t / "x.fa", ">a\nAC\n>\nGG\n"),
        (),
        ExitCode.BAD_DATA,
        "x.fa: line 3: header '>' without a name",
    ),
    (
        "smi with only comments",
        lambda t: _write(t / "x.smi", "# nothing\n\n"),
        (),
        ExitCode.BAD_DATA,
        "x.smi: holds no SMILES lines",
    ),
    (
        "missing sequence column",
        lambda t: _write(t / "x.csv", "smiles,y\nCC,1\nCO,2\n"),
        ("--sequence-col", "SMILES"),
        ExitCode.BAD_PARAMETER,
        "--sequence-col 'SMILES': no such column in x.csv; columns are: smiles, y",
    ),
    (
        "missing target beside a sequence column",
        lambda t: _write(t / "x.csv", "smiles,y\nCC,1\nCO,2\n"),
        ("--sequence-col", "smiles", "--target", "Y"),
        ExitCode.BAD_PARAMETER,
        "--target 'Y': no such column in x.csv; columns are: smiles, y",
    ),
    (
        "empty sequence cell",
        lambda t: _write(t / "x.csv", "smiles,y\nCC,1\n,2\nCO,3\n"),
        ("--sequence-col", "smiles"),
        ExitCode.BAD_DATA,
        "x.csv: row 1, column 'smiles': missing sequence; fill it in or pass --drop-missing",
    ),
    (
        "type sequence on a table without column",
        lambda t: _write(t / "x.csv", "smiles,y\nCC,1\nCO,2\n"),
        ("--type", "sequence"),
        ExitCode.BAD_PARAMETER,
        "--type sequence: x.csv is a table; name its column of sequences with --sequence-col",
    ),
    (
        "tokens on a table",
        lambda t: _write(t / "x.csv", "a,b\n1,2\n3,4\n5,5\n"),
        ("--tokens", "smiles"),
        ExitCode.BAD_PARAMETER,
        "--tokens: applies to sequences; x.csv is read as tabular",
    ),
    (
        "unknown tokens",
        lambda t: _write(t / "x.smi", "CC\nCO\nCN\n"),
        ("--tokens", "words"),
        ExitCode.BAD_PARAMETER,
        "--tokens 'words': must be one of chars, smiles",
    ),
    (
        "features with a sequence column",
        lambda t: _write(t / "x.csv", "smiles,y\nCC,1\nCO,2\nCN,3\n"),
        ("--sequence-col", "smiles", "--features", "y"),
        ExitCode.BAD_PARAMETER,
        "--features: applies to the columns of a table; the sequences are the --sequence-col column",
    ),
    (
        "sequence column on a fasta",
        lambda t: _write(t / "x.fa", ">a\nAC\n>b\nGG\n"),
        ("--sequence-col", "seq"),
        ExitCode.BAD_PARAMETER,
        "--sequence-col: applies to CSV/TSV/Parquet tables, not x.fa",
    ),
    (
        "k-mer longer than every sequence",
        lambda t: _write(t / "x.txt", "AC\nGT\nAA\n"),
        ("--type", "sequence", "--kmer", "3"),
        ExitCode.BAD_DATA,
        "x.txt: no sequence is 3 tokens long; nothing to count",
    ),
]


@pytest.mark.parametrize(
    ("make", "extra", "code", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_sequences_give_one_line_and_write_nothing(
    runner: CliRunner,
    tmp_path: Path,
    make,
    extra,
    code,
    message,  # type: ignore[no-untyped-def]
) -> None:
    data = make(tmp_path)
    out = tmp_path / "out"
    result = invoke(runner, "split", data, "--frac", "0.3", "--out", out, *extra)
    assert_clean_failure(result, tmp_path, out, code, message)
