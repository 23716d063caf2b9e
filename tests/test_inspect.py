"""``benchmake inspect``: what a file holds, what a split would take, and manifest summaries."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from typer.testing import CliRunner

from benchmake_cli.analysis import cost_model
from benchmake_cli.cli.docs import commands
from benchmake_cli.errors import ExitCode
from benchmake_cli.method import backend
from benchmake_cli.method.backend import resolve_device
from benchmake_cli.method.factorize import estimate_bytes
from benchmake_cli.tasks import inspect as inspect_data
from benchmake_cli.tasks.inspect import plan_split

from .conftest import SAMPLE, invoke

SAMPLE_ARGS = ("--target", "hardness_hv", "--id-col", "alloy_id")


def _inspect_json(runner: CliRunner, *args: object) -> dict:
    result = invoke(runner, "inspect", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_inspect_reports_the_sample_and_its_split_plan(runner: CliRunner) -> None:
    report = _inspect_json(runner, SAMPLE / "alloys.csv", *SAMPLE_ARGS)
    assert report["kind"] == "data"
    assert (report["format"], report["modality"], report["shape"]) == ("csv", "tabular", [300, 10])
    roles = {c["name"]: (c["dtype"], c["kind"], c["role"]) for c in report["columns"]}
    assert roles["alloy_id"] == ("text", "text", "id")
    assert roles["hardness_hv"] == ("text", "float", "target")
    assert roles["phase"] == ("text", "text", "feature")
    assert roles["fe"] == ("text", "float", "feature")
    assert [c["distinct"] for c in report["columns"] if c["name"] == "phase"] == [3]
    assert (report["n"], report["d"]) == (300, 10)  # 7 numbers + phase one-hot into 3
    assert report["missing_cells"] == 0 and report["constant_columns"] == []
    assert report["duplicate_rows"] == 0 and report["problems"] == [] and report["hints"] == []
    plan = report["plan"]
    assert (plan["frac"], plan["k"], plan["n"], plan["d"]) == (0.2, 60, 300, 10)
    assert plan["w_bytes"] == 300 * 60 * 8
    assert plan["peak_bytes"] == {
        "cpu": estimate_bytes(300, 10, 60, on_gpu=False),
        "gpu": estimate_bytes(300, 10, 60, on_gpu=True),
    }
    assert plan["device"] == resolve_device("auto", plan["peak_bytes"]["gpu"])[0]
    estimate = plan["estimates"]["cpu"]
    assert estimate["iterations"] == 200
    assert estimate["total"] == pytest.approx(
        estimate["hashing"] + 200 * estimate["per_iteration"] + estimate["matching"]
    )


def test_content_hash_is_the_one_split_records(runner: CliRunner, tmp_path: Path) -> None:
    csv = _inspect_json(runner, SAMPLE / "alloys.csv", *SAMPLE_ARGS)
    parquet = _inspect_json(runner, SAMPLE / "alloys.parquet", *SAMPLE_ARGS)
    result = invoke(
        runner,
        "split",
        SAMPLE / "alloys.csv",
        "--frac",
        "0.2",
        "--out",
        tmp_path / "s",
        *SAMPLE_ARGS,
    )
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((tmp_path / "s" / "manifest.json").read_text())
    assert csv["content_sha256"] == manifest["encoding"]["content_sha256"]
    assert parquet["content_sha256"] == csv["content_sha256"]  # same numbers, other format


def test_inspect_reports_problems_instead_of_failing(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "awkward.csv"
    rows = ["a,b,c,name"] + [f"{i % 5},{i * 7 % 11},1,r{i}" for i in range(12)]
    rows[3] = "2,,1,r2"  # a missing value in row 2
    rows[4] = rows[9]  # row 3 repeats row 8 (features and name)
    data.write_text("\n".join(rows) + "\n")
    report = _inspect_json(runner, data, "--id-col", "name", "--frac", "0.25")
    assert report["missing_cells"] == 1
    assert [(c["name"], c["missing"]) for c in report["columns"] if c["missing"]] == [("b", 1)]
    assert report["constant_columns"] == ["c"]
    assert report["problems"] == [
        f"{data}: row 2, column 'b': missing value; fill it in or pass --drop-missing"
    ]
    assert report["assumed"] == ["--drop-missing"]
    assert (report["n"], report["dropped_rows"], report["duplicate_rows"]) == (11, 1, 1)
    assert report["plan"]["k"] == 3  # ceil(11 × 0.25)

    text = invoke(runner, "inspect", data, "--id-col", "name", "--frac", "0.25")
    assert text.exit_code == 0
    assert f"problem: {data}: row 2, column 'b': missing value;" in text.stdout
    assert "split --frac 0.25 (assuming --drop-missing): 3 test rows (k), 8 train" in text.stdout
    assert "constant columns: c" in text.stdout


def test_inspect_hints_at_identifier_columns(runner: CliRunner) -> None:
    report = _inspect_json(runner, SAMPLE / "alloys.csv", "--target", "hardness_hv")
    assert report["d"] is None  # split refuses alloy_id as a feature: a value per row
    assert "column 'alloy_id' has a different text value in every row" in report["problems"][0]
    assert len(report["hints"]) == 1 and "pass --id-col alloy_id" in report["hints"][0]


def test_inspect_text_and_quiet(runner: CliRunner) -> None:
    text = invoke(runner, "inspect", SAMPLE / "alloys.csv", *SAMPLE_ARGS)
    assert text.exit_code == 0
    assert text.stdout.startswith(
        f"{SAMPLE / 'alloys.csv'}: csv file, 25.7 KiB, 300 x 10 as read\n"
    )
    assert (
        "split --frac 0.2: 60 test rows (k), 240 train\n  W (n x k float64): 140.6 KiB\n"
        in text.stdout
    )
    quiet = invoke(runner, "inspect", SAMPLE / "alloys.csv", *SAMPLE_ARGS, "-q")
    assert quiet.exit_code == 0 and quiet.stdout.count("\n") == 1
    assert "k 60, W 140.6 KiB" in quiet.stdout


def test_inspect_lists_columns_up_to_a_limit_unless_verbose(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = tmp_path / "wide.npy"
    np.save(data, np.random.default_rng(0).random((40, 5, 6)))
    report = _inspect_json(runner, data)
    assert report["shape"] == [40, 5, 6] and (report["n"], report["d"]) == (40, 30)
    assert report["columns"][0]["dtype"] == "float64" and len(report["columns"]) == 30
    short = invoke(runner, "inspect", data).stdout
    assert "... 10 more column(s); -v lists all" in short
    full = invoke(runner, "inspect", data, "-v").stdout
    assert "more column(s)" not in full and "iterations x" in full


def test_inspect_summarises_a_manifest(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "splits"
    invoke(runner, "split", SAMPLE / "alloys.csv", "--frac", "0.2", "--out", out, *SAMPLE_ARGS)
    for target in (out, out / "manifest.json"):
        result = invoke(runner, "inspect", target)
        assert result.exit_code == 0, result.stderr
        first = result.stdout.splitlines()[0]
        assert first.endswith("240 train / 60 test rows of alloys.csv, made by benchmake-cli 0.1.0")
        assert "target (not used to split): hardness_hv" in result.stdout
        assert "one-hot: phase -> 3 categories" in result.stdout
    summary = _inspect_json(runner, out)
    assert summary["kind"] == "manifest"
    assert summary["split"]["n_test"] == 60 and summary["method"]["parameters"]["k"] == 60
    assert sorted(summary["files"]) == [
        "test.csv",
        "test_indices.txt",
        "train.csv",
        "train_indices.txt",
    ]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("nope.csv",), ExitCode.NOT_FOUND, "nope.csv: no such file"),
        (
            (SAMPLE / "alloys.csv", "--target", "hardness"),
            ExitCode.BAD_PARAMETER,
            "--target 'hardness': no such column in alloys.csv",
        ),
        ((SAMPLE / "alloys.csv", "--frac", "1.5"), ExitCode.BAD_PARAMETER, "--frac 1.5: must be"),
    ],
)
def test_inspect_errors(runner: CliRunner, args: tuple, code: int, message: str) -> None:
    result = invoke(runner, "inspect", *args)
    assert result.exit_code == code
    assert result.stderr.startswith(f"benchmake: error: {message}")
    assert result.stderr.count("\n") == 1  # one line, no traceback
    assert result.stdout == ""


def test_inspect_bad_manifest(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "manifest.json"
    bad.write_text("{not json")
    result = invoke(runner, "inspect", bad)
    assert result.exit_code == ExitCode.BAD_MANIFEST
    assert (
        result.stderr
        == f"benchmake: error: {bad}: not valid JSON (line 1: Expecting property name enclosed in double quotes)\n"
    )


def test_reading_options_are_shared_with_split() -> None:
    """Options with the same name mean the same thing in every command that has them."""
    seen: dict[str, tuple] = {}
    for name, command in commands().items():
        for param in command.params:
            if param.param_type_name != "option" or param.name in ("quiet", "verbose"):
                continue
            spelling = (tuple(param.opts), param.help, param.metavar, param.multiple)
            assert seen.setdefault(param.name, spelling) == spelling, (name, param.name)
    inspect = {p.name for p in commands()["inspect"].params}
    assert {
        "target",
        "features",
        "id_columns",
        "sep",
        "header",
        "strict",
        "drop_missing",
    } <= inspect


def test_cost_model_terms() -> None:
    n, d, k = 10_000, 20, 2_000
    rates = cost_model.CPU_RATES
    per_iteration = (12 * n * k * d) / rates.flops + (13 * 8 * n * k) / rates.bytes_per_second
    one = cost_model.estimate_time(n, d, k, 100, device="cpu", threads=1)
    assert one.per_iteration == pytest.approx(per_iteration)
    assert one.factorization == pytest.approx(100 * per_iteration)
    two = cost_model.estimate_time(n, d, k, 100, device="cpu", threads=2)
    assert two.per_iteration == pytest.approx(per_iteration / 2)
    assert two.hashing == one.hashing and two.matching == one.matching
    bigger = cost_model.estimate_time(2 * n, d, k, 100, device="cpu", threads=1)
    assert bigger.per_iteration == pytest.approx(2 * one.per_iteration)
    gpu = cost_model.estimate_time(n, d, k, 100, device="gpu")
    assert gpu.parallel_lanes == 1 and not gpu.measured_constants and gpu.total < one.total
    assert cost_model.w_bytes(n, k) == n * k * 8


def _stand_in_gpu(monkeypatch: pytest.MonkeyPatch, free: int, total: int) -> None:
    runtime = SimpleNamespace(getDeviceCount=lambda: 1, memGetInfo=lambda: (free, total))
    monkeypatch.setattr(
        backend, "cupy_or_none", lambda: SimpleNamespace(cuda=SimpleNamespace(runtime=runtime))
    )


def test_plan_picks_a_gpu_with_room_for_the_split(monkeypatch: pytest.MonkeyPatch) -> None:
    _stand_in_gpu(monkeypatch, free=70 * 2**30, total=80 * 2**30)
    plan = plan_split(20_000, 10, frac=0.2, threads=2)
    assert (plan.device, plan.gpu_free_bytes, plan.gpu_total_bytes) == (
        "gpu",
        70 * 2**30,
        80 * 2**30,
    )
    assert set(plan.estimates) == {"cpu", "gpu"} and plan.to_dict()["fits"]["gpu"] is True
    assert plan.estimates["cpu"].parallel_lanes == 2


def test_plan_keeps_to_the_cpu_when_the_gpu_is_too_small(monkeypatch: pytest.MonkeyPatch) -> None:
    _stand_in_gpu(monkeypatch, free=2**30, total=2 * 2**30)
    plan = plan_split(20_000, 10, frac=0.2)
    assert plan.peak_bytes["gpu"] > 2**30 and plan.w_bytes == 20_000 * 4_000 * 8
    assert plan.device == "cpu" and "GiB free, using the CPU" in plan.device_reason
    assert plan.to_dict()["fits"]["gpu"] is False


def test_inspect_does_not_encode_what_would_not_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text column with a category per row would one-hot into n features: say so, don't try."""
    monkeypatch.setattr(inspect_data, "_available_host_memory", lambda: 2**20)
    report = inspect_data.inspect_data(SAMPLE / "alloys.csv")
    assert report.content_sha256 is None and report.n is None
    assert report.problems == [
        f"{SAMPLE / 'alloys.csv'}: encoding needs about 0.0 GiB for 300 rows x 311 features, "
        "more than the 0.0 GiB available: one-hot encoding of text column(s) 'alloy_id', "
        "'phase' makes most of them; leave them out with --id-col or --features, or refuse "
        "them with --strict"
    ]
    assert report.assumed == ["d = 311 counted from the columns, not encoded"]
    assert report.plan is not None and (report.plan.d, report.plan.k) == (311, 60)


SAMPLE_INPUTS = [
    ("alloys.csv", ("--id-col", "alloy_id")),
    ("graph_nodes.csv", ("--type", "graph", "--id-col", "graph")),
    ("micrographs", ("--image-size", "16x16", "--mode", "L")),
    ("molecules.csv", ("--sequence-col", "smiles", "--tokens", "smiles")),
    ("molecules.smi", ()),
    ("molgraphs", ()),
    ("peptides.txt", ("--type", "sequence")),
    ("proteins.fasta", ("--kmer", "2")),
    ("shapes.h5", ("--key", "images", "--target-key", "labels")),
    ("shapes.npz", ("--key", "train_images,val_images,test_images")),
    ("shapes_png", ()),
    ("vibration_csv", ("--resample", "64")),
    ("vibration_npy", ()),
]


@pytest.mark.parametrize(("name", "options"), SAMPLE_INPUTS, ids=[n for n, _ in SAMPLE_INPUTS])
def test_inspect_reads_every_modality_with_splits_options(
    runner: CliRunner, tmp_path: Path, name: str, options: tuple[str, ...]
) -> None:
    """Every input and option split takes, and the content hash split records."""
    report = _inspect_json(runner, SAMPLE / name, *options)
    out = tmp_path / "split"
    split = invoke(runner, "split", SAMPLE / name, "--frac", "0.2", "--out", out, *options)
    assert split.exit_code == 0, split.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert report["content_sha256"] == manifest["encoding"]["content_sha256"]
    assert report["n"] == manifest["encoding"]["n"] and report["d"] == manifest["encoding"]["d"]
    assert report["shape"][0] == manifest["encoding"]["input_rows"]
