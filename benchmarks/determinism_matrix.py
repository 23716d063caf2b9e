"""Determinism matrix: the split must not depend on row order, file format, threads or device.

For every input in ``sample_data/`` (and every data set in ``../shared/datasets/`` when that
folder exists) and every fraction, a reference split (the original file, threads=1, CPU) is
compared with variants materialised in a temporary folder:

- ``shuffled``: the same rows in a seeded random order (data lines, FASTA records, array rows,
  files renamed within their class folder, OGB graphs), the permutation kept;
- ``format:X``: each other format holding the same numbers (CSV, TSV, Parquet, NPY, NPZ,
  HDF5, a PNG folder, ``.smi``, text lines, FASTA, folders of ``.npy``/CSV signals, plain or
  gzip OGB files);
- ``threads=2``, and with ``--gpu`` ``device="gpu"`` (the column reads "not run" otherwise).

A variant's ``encoding.content_sha256`` must equal the reference's, or the variant is a bug
of this script (``bug``), not a split difference. Its test rows are mapped back to the
reference's row numbers and compared as a multiset of *samples*: rows identical in their
features and in what orders ties (the raw sequence or graph, a table row's other columns;
see ``benchmake_cli.encode.carried``) are the same sample, whichever copy is taken.
``differing_rows_exact`` in the JSON counts plain row-number differences.

    python benchmarks/determinism_matrix.py --no-shared --fracs 0.2 --jobs 2
    python benchmarks/determinism_matrix.py --only german_credit boston nir_peach
    python benchmarks/determinism_matrix.py --gpu --json /tmp/gpu.json      # on a GPU machine

A Markdown table (identical/total per variant kind) goes to stdout, progress to stderr and
every run to ``--json``; the exit status is 1 when any compared run is not identical.
Every split is a task of its own for the ``--jobs`` workers, so that one large input's runs
share them. Each finished (input, fraction) is appended to ``<json>.partial.jsonl`` as it
ends, so that a long matrix (HIV takes hours on two cores) interrupted part-way goes on
where it stopped with ``--resume``; the partial file is removed once the JSON is written.
``--variants`` runs only the named variants (and the reference), to fill in a few:

    python benchmarks/determinism_matrix.py --only hiv --fracs 0.3 --variants format:tsv threads=2
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import multiprocessing
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from PIL import Image

from benchmake_cli.encode import EncodeOptions, column_as_numbers
from benchmake_cli.formats import ReadOptions
from benchmake_cli.formats.delimited import decode_text
from benchmake_cli.formats.image_folder import parse_image_size
from benchmake_cli.formats.table import GraphSet, Table
from benchmake_cli.method.backend import cupy_or_none
from benchmake_cli.method.order import row_digests
from benchmake_cli.pipeline.whole import Prepared, prepare
from benchmake_cli.tasks.split import split_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
SHARED = ROOT.parent / "shared" / "datasets"
SEED = 20250623
KINDS = ("shuffled", "formats", "threads=2", "GPU")
READ_KEYS = ("sep", "header", "type", "key", "target_key", "image_size", "mode")
ENCODE_KEYS = ("target", "id_columns", "sequence_col", "tokens", "kmer", "resample")
PNEUMONIA = ["train_images", "val_images", "test_images"]
Made = tuple[Path, dict[str, Any]]  #: a variant written: its path and split_file options
Outcome = tuple[dict[str, Any], np.ndarray | None, str]  #: a split's record, test rows, content


@dataclass(frozen=True)
class Subject:
    """An input, the split_file options it needs, its modality and the formats it gets."""

    name: str
    path: Path
    kind: str  #: table, sequence, image, signal, graph
    options: dict[str, Any]
    formats: tuple[str, ...]


ARRAYS = ("npy", "npz", "hdf5")
SMILES = ("smi", "txt", "tsv", "parquet")  # SMILES in a CSV column
# fmt: off
SUBJECTS = [
    Subject("alloys.csv", SAMPLE / "alloys.csv", "table",
            {"target": "hardness_hv", "id_columns": ["alloy_id"]}, ("tsv", "parquet")),
    Subject("alloys.parquet", SAMPLE / "alloys.parquet", "table",
            {"target": "hardness_hv", "id_columns": ["alloy_id"]}, ("csv", "tsv")),
    Subject("graph_nodes.csv", SAMPLE / "graph_nodes.csv", "table",
            {"type": "graph", "id_columns": ["graph"]}, ("tsv", "parquet")),
    Subject("micrographs", SAMPLE / "micrographs", "image",
            {"image_size": "16x16", "mode": "L"}, (*ARRAYS, "png")),
    Subject("molecules.csv", SAMPLE / "molecules.csv", "sequence",
            {"sequence_col": "smiles", "tokens": "smiles"}, SMILES),
    Subject("molecules.smi", SAMPLE / "molecules.smi", "sequence", {}, ("csv", "txt")),
    Subject("molgraphs", SAMPLE / "molgraphs", "graph", {}, ("csv",)),
    Subject("peptides.txt", SAMPLE / "peptides.txt", "sequence", {"type": "sequence"},
            ("csv", "fasta")),
    Subject("proteins.fasta", SAMPLE / "proteins.fasta", "sequence", {"kmer": 2}, ("csv", "txt")),
    Subject("shapes.h5", SAMPLE / "shapes.h5", "image", {"key": "images", "target_key": "labels"},
            ("npy", "npz", "png")),
    Subject("shapes.npy", SAMPLE / "shapes.npy", "image", {}, ("npz", "hdf5", "png")),
    Subject("shapes.npz", SAMPLE / "shapes.npz", "image",
            {"key": "train_images,val_images,test_images",
             "target_key": "train_labels,val_labels,test_labels"}, ("npy", "hdf5", "png")),
    Subject("shapes_png", SAMPLE / "shapes_png", "image", {}, ARRAYS),
    Subject("vibration.npy", SAMPLE / "vibration.npy", "signal", {},
            ("npz", "hdf5", "npy-folder", "csv-folder")),
    Subject("vibration_csv", SAMPLE / "vibration_csv", "signal", {"resample": 64},
            (*ARRAYS, "npy-folder")),
    Subject("vibration_npy", SAMPLE / "vibration_npy", "signal", {}, (*ARRAYS, "csv-folder")),
    Subject("german_credit", SHARED / "german_credit/german.data-numeric", "table",
            {"sep": "whitespace", "header": False, "target": "24"},
            ("csv", "tsv", "parquet", *ARRAYS)),
    Subject("boston", SHARED / "boston/BostonHousing.csv", "table", {"target": "medv"},
            ("tsv", "parquet", *ARRAYS)),
    Subject("bace", SHARED / "bace/bace.csv", "sequence",
            {"sequence_col": "mol", "target": "Class"}, SMILES),
    Subject("lipophilicity", SHARED / "lipophilicity/Lipophilicity.csv", "sequence",
            {"sequence_col": "smiles", "target": "exp"}, SMILES),
    Subject("hiv", SHARED / "hiv/HIV.csv", "sequence", {"sequence_col": "smiles"}, SMILES),
    Subject("qm7", SHARED / "qm7/qm7.csv", "sequence", {"sequence_col": "smiles"}, SMILES),
    Subject("pneumoniamnist", SHARED / "pneumoniamnist/pneumoniamnist.npz", "image",
            {"key": ",".join(PNEUMONIA),
             "target_key": ",".join(k.replace("images", "labels") for k in PNEUMONIA)},
            ("npy", "hdf5", "png")),
    Subject("fish_png", SHARED / "fish_png/data", "image", {"image_size": "64x64"}, ARRAYS),
    Subject("nir_peach", SHARED / "nir_peach/peach_spectra_brix.csv", "signal",
            {"type": "signal", "target": "Brix"},
            ("tsv", "parquet", *ARRAYS, "npy-folder", "csv-folder")),
]
# fmt: on
SUBJECTS_BY_NAME = {subject.name: subject for subject in SUBJECTS}


@dataclass
class Variant:
    """One run to compare with the reference: ``rows[i]`` is the reference row of row ``i``."""

    name: str
    kind: str
    path: Path
    options: dict[str, Any]
    rows: np.ndarray | None = None  #: None: the same row numbers as the reference
    threads: int = 1
    device: str = "cpu"


@dataclass
class Job:
    """A subject at one fraction: the reference run and every variant."""

    subject: str
    frac: float
    reference: Variant
    variants: list[Variant]
    classes: np.ndarray  #: each input row's distinct-row class (identical encoded rows share)

    @property
    def runs(self) -> list[Variant]:
        """The reference run, then every variant."""
        return [self.reference, *self.variants]


def pick(options: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """The entries of ``options`` named in ``keys``."""
    return {key: options[key] for key in keys if key in options}


def prepare_subject(subject: Subject) -> Prepared:
    """Read and encode a subject as split_file does (the source of the format variants)."""
    options = subject.options
    keys = {k: tuple(str(options[k]).split(",")) for k in ("key", "target_key") if k in options}
    size = parse_image_size(options.get("image_size"))
    read = ReadOptions(**{**pick(options, READ_KEYS), **keys, "image_size": size})
    encode = pick(options, ENCODE_KEYS)
    encode["id_columns"] = tuple(encode.get("id_columns", ()))
    return prepare(subject.path, read, EncodeOptions(**encode))


def label_codes(labels: np.ndarray | None) -> np.ndarray | None:
    """Labels as numbers (class-folder names become their sorted index)."""
    if labels is None or labels.dtype.kind in "biuf":
        return labels
    return np.unique(labels, return_inverse=True)[1].reshape(labels.shape).astype(np.int64)


# ---- shuffling: one function per container; the order kept maps rows back -----------------


def shuffle_lines(table: Table, order: np.ndarray, dest: Path) -> Path:
    """CSV/TSV/text/.smi: permute the data lines, keeping the header (and comments) first."""
    lines = decode_text(table.path).splitlines()
    if table.format in ("smi", "text", "fasta"):  # the reader's records: lines, FASTA records
        head = [line for line in lines if line.startswith("#")] if table.format == "smi" else []
        head += [table.info["header"]] if table.info.get("header") else []
        rows = list(table.records or [])
    else:
        skip = 1 if table.read_options.get("header", True) else 0
        head, rows = lines[:skip], [line for line in lines[skip:] if line.strip()]
    assert len(rows) == len(order), f"{table.path}: {len(rows)} lines for {len(order)} rows"
    path = dest / table.path.name
    path.write_text("\n".join(head + [rows[i] for i in order]) + "\n", encoding="utf-8")
    return path


def load_keyed(path: Path) -> dict[str, np.ndarray]:
    """Every array of an NPZ or HDF5 file."""
    if path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    found: dict[str, np.ndarray] = {}
    with h5py.File(path, "r") as handle:
        handle.visititems(
            lambda name, item: (
                found.update({name: item[()]}) if isinstance(item, h5py.Dataset) else None
            )
        )
    return found


def save_arrays(path: Path, arrays: dict[str, np.ndarray]) -> Path:
    """Write arrays as NPY (the one array), NPZ or HDF5, chosen by the suffix."""
    if path.suffix == ".npy":
        (array,) = arrays.values()
        np.save(path, array)
    elif path.suffix == ".npz":
        np.savez(path, **arrays)
    else:
        with h5py.File(path, "w") as handle:
            for key, array in arrays.items():
                handle.create_dataset(key, data=array)
    return path


def shuffle_arrays(table: Table, order: np.ndarray, dest: Path) -> Path:
    """NPY/NPZ/HDF5: permute the first axis; joined keys are permuted joined, then cut back
    into the same key sizes (labels follow their rows)."""
    if table.format == "npy":
        return save_arrays(dest / table.path.name, {"x": np.load(table.path)[order]})
    arrays = load_keyed(table.path)
    for keys in (table.read_options["key"], table.read_options.get("target_key") or []):
        joined = np.concatenate([arrays[key] for key in keys])[order]
        cuts = np.cumsum([len(arrays[key]) for key in keys])[:-1]
        arrays.update(zip(keys, np.split(joined, cuts), strict=True))
    return save_arrays(dest / table.path.name, arrays)


def shuffle_folder(table: Table, rng: np.random.Generator, dest: Path) -> tuple[Path, np.ndarray]:
    """Image/signal folders: files renamed within their class folder to a random order."""
    records = table.records or []
    groups = [name.split("/")[0] if "/" in name else "" for name in records]
    order = np.arange(len(records))
    for group in dict.fromkeys(groups):
        members = np.flatnonzero(np.array(groups) == group)
        order[members] = members[rng.permutation(len(members))]
    root = dest / table.path.name
    for position, row in enumerate(order):
        group = groups[position]
        target = root / group / f"{position:06d}{Path(records[row]).suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(table.path / records[row], target)
    return root, order


def write_ogb(graphs: GraphSet, root: Path, order: np.ndarray, compress: bool | None) -> Path:
    """An OGB raw folder holding the graphs in ``order`` (compressed as the input was, or
    as ``compress`` says)."""
    offsets = {
        "node": np.concatenate([[0], np.cumsum(graphs.node_counts)]),
        "edge": np.concatenate([[0], np.cumsum(graphs.edge_counts)]),
    }
    per = {"node-feat": "node", "edge": "edge", "edge-feat": "edge"}
    root.mkdir(parents=True)
    for stem, lines in graphs.lines.items():
        if stem in per:
            start = offsets[per[stem]]
            chosen = [line for g in order for line in lines[start[g] : start[g + 1]]]
        else:  # one line per graph
            chosen = [lines[g] for g in order]
        data = b"".join(line + b"\n" for line in chosen)
        gz = graphs.compressed[stem] if compress is None else compress
        path = root / f"{stem}.csv{'.gz' if gz else ''}"
        path.write_bytes(gzip.compress(data, mtime=0) if gz else data)
    return root


def shuffled(prepared: Prepared, rng: np.random.Generator, dest: Path) -> tuple[Path, np.ndarray]:
    """The input with its rows in a seeded random order, and that order (reference rows)."""
    table = prepared.table
    if table.format in ("image-folder", "signal-folder"):
        return shuffle_folder(table, rng, dest)
    order = rng.permutation(table.n_rows)
    if table.format == "ogb":
        assert table.graphs is not None
        return write_ogb(table.graphs, dest / table.path.name, order, None), order
    if table.format == "parquet":  # the rows taken in the new order, the schema kept
        pq.write_table(pq.read_table(table.path).take(order), dest / table.path.name)
        return dest / table.path.name, order
    if table.format in ("npy", "npz", "hdf5"):
        return shuffle_arrays(table, order, dest), order
    return shuffle_lines(table, order, dest), order


# ---- other formats: one function per modality; each returns (path, options) -----------------


def table_format(prepared: Prepared, subject: Subject, fmt: str, dest: Path) -> Made:
    """Tables: CSV/TSV/Parquet of every column; NPY (features), NPZ/HDF5 (features, target)."""
    frame, options = prepared.table.frame, subject.options
    assert frame is not None
    frame = frame.set_axis([str(c) for c in frame.columns], axis=1)
    kept = pick(options, (*ENCODE_KEYS, "type"))
    path = dest / f"table.{fmt}"
    if fmt == "parquet":
        typed = {}
        for name in frame.columns:
            numbers, missing = column_as_numbers(frame[name])
            typed[name] = frame[name] if numbers is None or missing.any() else numbers
        pd.DataFrame(typed).to_parquet(path, index=False)
        return path, kept
    if fmt in ("csv", "tsv"):
        frame.to_csv(path, sep="\t" if fmt == "tsv" else ",", index=False)
        return path, kept
    arrays = {"features": prepared.encoded.X}
    if "target" in options and fmt != "npy":
        arrays["target"] = column_as_numbers(frame[options["target"]])[0]
    kept = pick(options, ("type",))
    if fmt != "npy":
        kept |= {"key": "features", **({"target_key": "target"} if "target" in arrays else {})}
    return save_arrays(dest / f"table.{'h5' if fmt == 'hdf5' else fmt}", arrays), kept


def keyed_arrays(fmt: str, dest: Path, data: np.ndarray, labels: np.ndarray | None) -> Made:
    """Data (and labels) as NPY, NPZ or HDF5; returns (path, key options)."""
    arrays = {"data": data, **({"labels": labels} if labels is not None and fmt != "npy" else {})}
    path = save_arrays(dest / f"data.{'h5' if fmt == 'hdf5' else fmt}", arrays)
    keys = {} if fmt == "npy" else {"key": "data"}
    return path, keys | ({"target_key": "labels"} if "labels" in arrays else {})


def image_format(prepared: Prepared, subject: Subject, fmt: str, dest: Path) -> Made:
    """Images: the (decoded, resized) uint8 pixels as NPY/NPZ/HDF5, or a PNG folder."""
    pixels = prepared.table.array
    assert pixels is not None
    if fmt != "png":
        return keyed_arrays(fmt, dest, pixels, label_codes(prepared.table.labels))
    root = dest / "png"
    root.mkdir()
    for i, image in enumerate(pixels):
        Image.fromarray(image).save(root / f"{i:06d}.png")
    return root, {"mode": "RGB" if pixels.ndim == 4 else "L"}


def sequence_format(prepared: Prepared, subject: Subject, fmt: str, dest: Path) -> Made:
    """Sequences: ``.smi``, text lines, FASTA, a CSV column; tables also as TSV/Parquet."""
    if prepared.table.frame is not None and fmt in ("csv", "tsv", "parquet"):
        return table_format(prepared, subject, fmt, dest)
    sequences = prepared.encoded.sequences or []
    options = pick(subject.options, ("tokens", "kmer"))
    path = dest / f"sequences.{fmt}"
    if fmt == "csv":
        pd.DataFrame({"sequence": sequences}).to_csv(path, index=False)
        return path, options | {"sequence_col": "sequence"}
    if fmt == "fasta":
        path.write_text("".join(f">s{i:06d}\n{s}\n" for i, s in enumerate(sequences)))
        return path, options
    path.write_text("".join(f"{s}\n" for s in sequences))
    return path, options | ({"type": "sequence"} if fmt == "txt" else {})


def signal_format(prepared: Prepared, subject: Subject, fmt: str, dest: Path) -> Made:
    """Signals: n × L × C arrays, folders of ``.npy`` or CSV files (floats as repr)."""
    table, encoded = prepared.table, prepared.encoded
    if table.frame is not None and fmt in ("csv", "tsv", "parquet"):
        return table_format(prepared, subject, fmt, dest)
    length, channels = encoded.parameters["length"], encoded.parameters["channels"]
    signals = encoded.X.reshape(encoded.n, length, channels)
    options = {"type": "signal", **pick(subject.options, ("resample",))}
    if fmt in ARRAYS:
        path, keys = keyed_arrays(fmt, dest, signals, label_codes(table.labels))
        return path, options | keys
    raw = table.signals if table.signals is not None else list(signals)  # before resampling
    root = dest / fmt
    root.mkdir()
    for i, signal in enumerate(raw):
        if fmt == "npy-folder":
            np.save(root / f"{i:06d}.npy", signal)
        else:
            header = ",".join(f"c{c}" for c in range(signal.shape[1]))
            body = "".join(",".join(map(repr, map(float, row))) + "\n" for row in signal)
            (root / f"{i:06d}.csv").write_text(header + "\n" + body)
    return root, options


def graph_format(prepared: Prepared, subject: Subject, fmt: str, dest: Path) -> Made:
    """OGB folders: plain ``.csv`` instead of ``.csv.gz`` (or the reverse)."""
    graphs = prepared.table.graphs
    if graphs is None:
        return table_format(prepared, subject, fmt, dest)
    order = np.arange(graphs.count)
    return write_ogb(graphs, dest / "ogb", order, fmt == "csv.gz"), {}


CONVERTERS: dict[str, Callable[[Prepared, Subject, str, Path], Made]] = {
    "table": table_format,
    "image": image_format,
    "sequence": sequence_format,
    "signal": signal_format,
    "graph": graph_format,
}


def materialise(subject: Subject, prepared: Prepared, work: Path, gpu: bool) -> list[Variant]:
    """Every variant of a subject, written under ``work``."""
    (work / "shuffled").mkdir(parents=True)
    path, order = shuffled(prepared, np.random.default_rng(SEED), work / "shuffled")
    variants = [Variant("shuffled", "shuffled", path, dict(subject.options), order)]
    for fmt in subject.formats:
        (work / fmt).mkdir()
        path, options = CONVERTERS[subject.kind](prepared, subject, fmt, work / fmt)
        variants.append(Variant(f"format:{fmt}", "formats", path, options))
    variants.append(Variant("threads=2", "threads=2", subject.path, subject.options, threads=2))
    if gpu:
        variants.append(Variant("gpu", "GPU", subject.path, subject.options, device="gpu"))
    return variants


def duplicate_classes(prepared: Prepared) -> np.ndarray:
    """Each input row's class of identical samples (the same features and the same tie
    digest); -1 for dropped rows."""
    encoded = prepared.encoded
    keys = row_digests(encoded.X).astype(object)
    if encoded.ties is not None:
        keys = keys + encoded.ties.astype(object)
    classes = np.full(prepared.table.n_rows, -1, dtype=np.int64)
    classes[encoded.rows] = np.unique(keys.astype(bytes), return_inverse=True)[1].reshape(-1)
    return classes


# ---- running ---------------------------------------------------------------------------------


def run_split(variant: Variant, frac: float) -> Outcome:
    """Split one variant: its record (an error is recorded, not raised), test rows and
    content hash."""
    start = time.perf_counter()
    try:
        result = split_file(
            variant.path,
            frac=frac,
            threads=variant.threads,
            device=variant.device,
            **variant.options,
        )
    except Exception as error:  # reported, and the matrix goes on
        seconds = round(time.perf_counter() - start, 3)
        failed = {"status": "error", "identical": False, "error": str(error)[:300]}
        return failed | {"seconds": seconds}, None, ""
    seconds = round(time.perf_counter() - start, 3)
    record = {"status": "reference", "identical": None, "n_test": result.n_test, "seconds": seconds}
    # the SHA-256 of the test rows as test_indices.txt holds them (one per line): the
    # suite pins the reference splits against tests/golden/splits/
    text = "".join(f"{int(i)}\n" for i in result.test)
    record["test_sha256"] = hashlib.sha256(text.encode("ascii")).hexdigest()
    return record, result.test, result.manifest["encoding"]["content_sha256"]


def compare(job: Job, variant: Variant, outcome: Outcome, reference: Outcome) -> dict[str, Any]:
    """A variant's split compared with the reference's content hash and test rows."""
    record, test, mine = outcome
    _, reference_test, content = reference
    if test is None:
        return record
    if reference_test is None:
        return record | {"status": "error", "identical": False, "error": "the reference failed"}
    if mine != content:
        return record | {"status": "bug", "identical": False, "error": "encoded content differs"}
    mapped = np.sort(variant.rows[test]) if variant.rows is not None else test
    theirs = Counter(job.classes[reference_test].tolist())
    differing = sum((theirs - Counter(job.classes[mapped].tolist())).values())
    return record | {
        "status": "identical" if differing == 0 else "different",
        "identical": differing == 0,
        "differing_rows": differing,
        "differing_rows_exact": len(np.setdiff1d(reference_test, mapped)),
    }


def job_records(job: Job, outcomes: list[Outcome]) -> list[dict[str, Any]]:
    """The records of one (subject, fraction) from its runs' outcomes (reference first)."""
    records = []
    for variant, outcome in zip(job.runs, outcomes, strict=True):
        record = (
            outcome[0] if variant is job.reference else compare(job, variant, outcome, outcomes[0])
        )
        name = f"{job.subject} frac={job.frac} {variant.name}"
        seconds = f"({record['seconds']:.2f} s)" if "seconds" in record else ""
        line = f"{name}: {record['status']} {seconds} {record.get('error', '')}"
        print(line.rstrip(), file=sys.stderr, flush=True)
        where = {"subject": job.subject, "frac": job.frac, "variant": variant.name}
        records.append(where | {"kind": variant.kind} | record)
    return records


def run_jobs(jobs: list[Job], workers: int, partial: Path) -> list[dict[str, Any]]:
    """Every split of every job, ``workers`` at a time (each split is a task, so that one
    large input's runs share the workers); a job's records are kept once its runs are in."""
    records: list[dict[str, Any]] = []
    if workers == 1:
        for job in jobs:
            outcomes = [run_split(variant, job.frac) for variant in job.runs]
            records += append_partial(partial, job_records(job, outcomes))
        return records
    context = multiprocessing.get_context("spawn")  # no CUDA state forked into workers
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        tasks: dict[Future[Outcome], tuple[int, int]] = {
            pool.submit(run_split, variant, job.frac): (j, i)
            for j, job in enumerate(jobs)
            for i, variant in enumerate(job.runs)
        }
        outcomes: list[dict[int, Outcome]] = [{} for _ in jobs]
        for done, future in enumerate(as_completed(tasks), start=1):
            j, i = tasks[future]
            outcomes[j][i] = future.result()
            if len(outcomes[j]) == len(jobs[j].runs):
                ordered = [outcome for _, outcome in sorted(outcomes[j].items())]
                records += append_partial(partial, job_records(jobs[j], ordered))
            print(f"[{done}/{len(tasks)} splits done]", file=sys.stderr, flush=True)
    return records


def load_partial(path: Path) -> list[dict[str, Any]]:
    """The records of the jobs an interrupted run finished (a torn last line is dropped)."""
    if not path.exists():
        return []
    records = []
    for line in path.read_text().splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            break
    return records


def append_partial(path: Path, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Append one finished job's records to the partial file, and return them."""
    with path.open("a") as handle:
        handle.write("".join(json.dumps(r) + "\n" for r in records))
    return records


def cell(records: list[dict[str, Any]], kind: str) -> str:
    """identical/total of one variant kind, with bugs and errors named."""
    runs = [r for r in records if r["kind"] == kind]
    if not runs:
        return "not run" if kind == "GPU" else "—"
    counts = Counter(r["status"] for r in runs)
    text = f"{counts['identical']}/{len(runs)}"
    extra = [f"{counts[s]} {s}{'s' * (counts[s] > 1)}" for s in ("bug", "error") if counts[s]]
    return text + (f" ({', '.join(extra)})" if extra else "")


def markdown(subjects: list[str], records: list[dict[str, Any]], shapes: dict[str, str]) -> str:
    """The summary table: one line per subject, and a total line."""
    lines = ["| subject | n × d | " + " | ".join(KINDS) + " |", "|---|---:|" + "---:|" * 4]
    for name in subjects:
        mine = [r for r in records if r["subject"] == name]
        lines.append(
            f"| {name} | {shapes[name]} | " + " | ".join(cell(mine, k) for k in KINDS) + " |"
        )
    lines.append("| **total** | | " + " | ".join(cell(records, k) for k in KINDS) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fracs", type=float, nargs="+", default=[0.1, 0.2, 0.3])
    parser.add_argument("--only", nargs="+", choices=SUBJECTS_BY_NAME, metavar="NAME", default=None)
    parser.add_argument("--skip", nargs="+", choices=SUBJECTS_BY_NAME, metavar="NAME", default=[])
    parser.add_argument("--no-shared", action="store_true", help="sample_data/ only")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--gpu", action="store_true", help="also run with device='gpu'")
    parser.add_argument("--method", default="benchmake-cli", help="the split method")
    parser.add_argument(
        "--json", type=Path, default=ROOT / "benchmarks/results/determinism_matrix.json"
    )
    parser.add_argument(
        "--variants",
        nargs="+",
        metavar="NAME",
        default=None,
        help="only these variants (shuffled, format:tsv, threads=2, ...), with the reference",
    )
    parser.add_argument(
        "--resume", action="store_true", help="keep the jobs already in <json>.partial.jsonl"
    )
    options = parser.parse_args()
    partial = options.json.with_suffix(".partial.jsonl")
    kept = load_partial(partial) if options.resume else []
    done_jobs = {(r["subject"], r["frac"]) for r in kept}
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_text("".join(json.dumps(r) + "\n" for r in kept))
    chosen = [
        s
        for s in SUBJECTS
        if (options.only is None or s.name in options.only)
        and s.name not in options.skip
        and s.path.exists()
        and not (options.no_shared and s.path.is_relative_to(SHARED))
    ]
    for name in options.only or []:
        if not SUBJECTS_BY_NAME[name].path.exists():
            print(f"{name}: {SUBJECTS_BY_NAME[name].path} not found, left out", file=sys.stderr)
    gpu = options.gpu and cupy_or_none() is not None
    if options.gpu and not gpu:
        message = "--gpu: no usable GPU (CuPy missing or no CUDA device); GPU runs: not run"
        print(message, file=sys.stderr, flush=True)
    shapes: dict[str, str] = {}
    names = {subject.name for subject in chosen}
    records: list[dict[str, Any]] = [r for r in kept if r["subject"] in names]
    jobs: list[Job] = []
    with tempfile.TemporaryDirectory(prefix="determinism-matrix-") as work:
        for subject in chosen:
            try:
                prepared = prepare_subject(subject)
                variants = materialise(subject, prepared, Path(work) / subject.name, gpu)
            except Exception as error:  # a script bug (or a reader change): named, not fatal
                print(f"{subject.name}: cannot materialise: {error}", file=sys.stderr, flush=True)
                shapes[subject.name] = "?"
                failed = {"status": "bug", "identical": False, "error": f"materialise: {error}"}
                where = {"subject": subject.name, "frac": 0.0, "variant": "all", "kind": "all"}
                records.append(where | failed)
                continue
            if options.variants is not None:
                variants = [v for v in variants if v.name in options.variants]
            shapes[subject.name] = f"{prepared.encoded.n} × {prepared.encoded.d}"
            classes = duplicate_classes(prepared)
            reference = Variant("reference", "reference", subject.path, subject.options)
            for variant in (reference, *variants):
                variant.options = {**variant.options, "method": options.method}
            made = f"{subject.name}: {shapes[subject.name]}, {len(variants)} variants"
            print(made, file=sys.stderr, flush=True)
            jobs += [
                Job(subject.name, frac, reference, variants, classes)
                for frac in options.fracs
                if (subject.name, frac) not in done_jobs
            ]
        records += run_jobs(jobs, options.jobs, partial)
    position = {name: i for i, name in enumerate(SUBJECTS_BY_NAME)}
    records.sort(key=lambda r: (position[r["subject"]], r["frac"]))  # stable: variant order kept
    compared = [r for r in records if r["status"] != "reference"]
    print(markdown([s.name for s in chosen], records, shapes))
    for r in compared:
        if not r["identical"]:
            detail = r.get("error") or f"{r['differing_rows']} rows differ"
            print(f"- {r['subject']} frac {r['frac']} {r['variant']}: {r['status']}: {detail}")
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(
        json.dumps({"fracs": options.fracs, "gpu": gpu, "runs": records}, indent=1) + "\n"
    )
    partial.unlink()
    sys.exit(0 if all(r["identical"] for r in compared) else 1)


if __name__ == "__main__":
    main()
