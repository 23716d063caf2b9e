"""Regenerate the self-made sample data sets (deterministic; run from the repository root).

Tabular
    alloys.csv / alloys.parquet: 300 synthetic steel-like alloys. Composition fractions, two
    processing parameters, a text column (crystal phase) and the target ``hardness``. The
    Parquet file holds exactly the numbers of the CSV.
    graph_nodes.csv: a node-feature matrix (one row per atom of small molecules), the
    paper's tabular view of graph data.
Images
    shapes_png/: 48 RGB 16×16 PNG images of circles, squares and triangles in class folders.
    shapes.npy: the same pixels as one uint8 array (48 × 16 × 16 × 3), in file-path order.
    shapes.npz: the same images in the MedMNIST layout (train/val/test images and labels).
    shapes.h5: the same images and labels as HDF5 datasets ``images`` and ``labels``.
    micrographs/: 24 grey images of mixed formats (JPEG, TIFF, BMP) and sizes.
Sequences
    molecules.smi: 120 made-up SMILES with names; molecules.csv: the same SMILES in a column.
    proteins.fasta: 60 made-up protein records, sequence lines wrapped at 60 characters.
    peptides.txt: 80 peptides, one per line.
Signals
    vibration.npy: 40 two-channel vibration signals of 64 samples (40 × 64 × 2).
    vibration_npy/: the same signals as one NPY file each, in class folders.
    vibration_csv/: 40 two-channel signals of 56 to 72 samples as CSV files, in class folders.
Graphs
    molgraphs/: 80 small graphs in OGB's raw layout (gzip CSV files).
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SHAPES = ("circle", "square", "triangle")


def alloys(n: int = 300, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ni = rng.uniform(0.0, 0.3, n)
    cr = rng.uniform(0.0, 0.25, n)
    mo = rng.exponential(0.02, n).clip(0, 0.1)
    c = rng.gamma(2.0, 0.002, n)
    fe = 1.0 - ni - cr - mo - c
    temperature = rng.normal(1050.0, 60.0, n)
    cooling = rng.lognormal(2.0, 0.8, n)
    phase = np.where(ni > 0.15, "fcc", np.where(cr > 0.18, "bcc", "bcc+fcc"))
    hardness = 120 + 900 * c + 250 * mo + 40 * np.log(cooling) - 0.05 * (temperature - 1000)
    hardness += rng.normal(0, 8, n)
    frame = pd.DataFrame(
        {
            "alloy_id": [f"A{i:04d}" for i in range(n)],
            "fe": fe,
            "ni": ni,
            "cr": cr,
            "mo": mo,
            "c": c,
            "anneal_temp_c": temperature,
            "cooling_rate_k_s": cooling,
            "phase": phase,
            "hardness_hv": hardness,
        }
    )
    numeric = frame.select_dtypes("number").columns
    frame[numeric] = frame[numeric].round(6)
    return frame


def shape_image(kind: str, rng: np.random.Generator, size: int = 16) -> np.ndarray:
    """One RGB image: a coloured shape on a dark, slightly noisy background."""
    y, x = np.mgrid[0:size, 0:size]
    cy, cx = rng.uniform(5, size - 5, 2)
    radius = rng.uniform(3, 5)
    if kind == "circle":
        mask = (y - cy) ** 2 + (x - cx) ** 2 <= radius**2
    elif kind == "square":
        mask = (abs(y - cy) <= radius * 0.8) & (abs(x - cx) <= radius * 0.8)
    else:
        mask = (y - cy >= -radius) & (y - cy <= radius) & (abs(x - cx) <= (y - cy + radius) / 2)
    colour = rng.integers(120, 256, 3)
    image = rng.integers(0, 40, (size, size, 3))
    image[mask] = colour
    return image.astype(np.uint8)


def shapes() -> tuple[list[str], np.ndarray, np.ndarray]:
    """48 images (16 per class): relative paths in sorted order, pixels and labels."""
    rng = np.random.default_rng(11)
    items = []
    for label, kind in enumerate(SHAPES):
        for i in range(16):
            items.append((f"{kind}/{kind}_{i:02d}.png", shape_image(kind, rng), label))
    items.sort(key=lambda item: item[0])
    paths = [p for p, _, _ in items]
    return paths, np.stack([im for _, im, _ in items]), np.array([lb for *_, lb in items])


def write_images() -> None:
    from PIL import Image

    paths, pixels, labels = shapes()
    folder = HERE / "shapes_png"
    shutil.rmtree(folder, ignore_errors=True)
    for path, image in zip(paths, pixels, strict=True):
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(image, "RGB").save(folder / path)
    np.save(HERE / "shapes.npy", pixels, allow_pickle=False)
    cuts = {"train": slice(0, 32), "val": slice(32, 40), "test": slice(40, 48)}
    np.savez_compressed(
        HERE / "shapes.npz",
        **{f"{name}_images": pixels[cut] for name, cut in cuts.items()},
        **{f"{name}_labels": labels[cut, None] for name, cut in cuts.items()},
    )
    _fix_zip_dates(HERE / "shapes.npz")
    import h5py

    with h5py.File(HERE / "shapes.h5", "w") as handle:
        handle.create_dataset("images", data=pixels, track_times=False)
        handle.create_dataset("labels", data=labels, track_times=False)

    rng = np.random.default_rng(5)
    folder = HERE / "micrographs"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for i in range(24):
        width, height = (20, 20) if i % 3 == 0 else (24, 18) if i % 3 == 1 else (30, 30)
        y, x = np.mgrid[0:height, 0:width]
        grains = np.sin(x * rng.uniform(0.3, 1.2)) * np.cos(y * rng.uniform(0.3, 1.2))
        image = (127 + 100 * grains + rng.normal(0, 10, (height, width))).clip(0, 255)
        picture = Image.fromarray(image.astype(np.uint8), "L")
        suffix = ("jpg", "tif", "bmp")[i % 3]
        picture.save(folder / f"grain_{i:02d}.{suffix}")


def _fix_zip_dates(path: Path) -> None:
    """Rewrite an .npz with fixed member dates so regenerating it gives the same bytes."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = info.compress_type
            fixed.external_attr = 0o644 << 16
            archive.writestr(fixed, data)


RINGS = ("c1ccccc1", "c1ccncc1", "C1CCCCC1", "C1CCNCC1", "c1ccc2ccccc2c1", "c1cc[nH]c1", "C1CCOC1")
GROUPS = (
    "C",
    "CC",
    "O",
    "N",
    "Cl",
    "Br",
    "F",
    "C(=O)O",
    "C(=O)N",
    "OC",
    "C#N",
    "[N+](=O)[O-]",
    "S(=O)(=O)N",
    "C(F)(F)F",
    "[C@@H](C)N",
)


def molecules(n: int = 120) -> pd.DataFrame:
    """Made-up molecules: a ring with up to three substituents."""
    rng = np.random.default_rng(3)
    rows = []
    for i in range(n):
        ring = RINGS[rng.integers(len(RINGS))]
        parts = [GROUPS[rng.integers(len(GROUPS))] for _ in range(rng.integers(1, 4))]
        smiles = parts[0] + ring + "".join(f"({p})" for p in parts[1:])
        weight = 12.0 * sum(ch.isalpha() for ch in smiles) + rng.normal(0, 3)
        rows.append((f"mol{i:03d}", smiles, round(weight, 3)))
    return pd.DataFrame(rows, columns=["name", "smiles", "weight"])


def write_sequences() -> None:
    frame = molecules()
    lines = ["# made-up molecules: SMILES then name", ""]
    lines += [f"{s} {name}" for name, s in zip(frame["name"], frame["smiles"], strict=True)]
    (HERE / "molecules.smi").write_text("\n".join(lines) + "\n")
    frame.to_csv(HERE / "molecules.csv", index=False, lineterminator="\n")

    rng = np.random.default_rng(9)
    amino = np.array(list("ACDEFGHIKLMNPQRSTVWY"))
    records = []
    for i in range(60):
        family = i % 3
        weights = np.ones(20)
        weights[family * 6 : family * 6 + 6] = 4.0
        sequence = "".join(rng.choice(amino, rng.integers(50, 150), p=weights / weights.sum()))
        wrapped = "\n".join(sequence[j : j + 60] for j in range(0, len(sequence), 60))
        records.append(f">prot{i:02d} family={family}\n{wrapped}")
    (HERE / "proteins.fasta").write_text("\n".join(records) + "\n")
    peptides = ["".join(rng.choice(amino, rng.integers(6, 16))) for _ in range(80)]
    (HERE / "peptides.txt").write_text("\n".join(peptides) + "\n")


def vibration(lengths: list[int], seed: int) -> tuple[list[str], list[np.ndarray]]:
    """Two-channel vibration signals of three classes, sorted by relative path."""
    rng = np.random.default_rng(seed)
    classes = ("bearing", "imbalance", "normal")
    items = []
    for i, length in enumerate(lengths):
        kind = classes[i % 3]
        t = np.arange(length) / length
        base = np.sin(2 * np.pi * (3 + i % 5) * t)
        if kind == "imbalance":
            base += 0.8 * np.sin(2 * np.pi * 1 * t)
        if kind == "bearing":
            base += 0.5 * np.sign(np.sin(2 * np.pi * 11 * t))
        x = base + rng.normal(0, 0.1, length)
        y = np.roll(base, length // 4) * 0.7 + rng.normal(0, 0.1, length)
        items.append((f"{kind}/sig_{i:02d}", np.round(np.stack([x, y], axis=1), 5)))
    items.sort(key=lambda item: item[0])
    return [name for name, _ in items], [signal for _, signal in items]


def write_signals() -> None:
    names, signals = vibration([64] * 40, seed=21)
    np.save(HERE / "vibration.npy", np.stack(signals), allow_pickle=False)
    folder = HERE / "vibration_npy"
    shutil.rmtree(folder, ignore_errors=True)
    for name, signal in zip(names, signals, strict=True):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        np.save(folder / f"{name}.npy", signal, allow_pickle=False)
    lengths = np.random.default_rng(4).integers(56, 73, 40).tolist()
    names, signals = vibration(lengths, seed=22)
    folder = HERE / "vibration_csv"
    shutil.rmtree(folder, ignore_errors=True)
    for name, signal in zip(names, signals, strict=True):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        text = "x,y\n" + "".join(f"{a:.5f},{b:.5f}\n" for a, b in signal)
        (folder / f"{name}.csv").write_text(text)


def write_graphs() -> None:
    rng = np.random.default_rng(13)
    node_counts, edge_counts, edges, features, labels = [], [], [], [], []
    node_rows = []
    for g in range(80):
        n = int(rng.integers(4, 14))
        chain = [(i, i + 1) for i in range(n - 1)]
        extra = [tuple(sorted(rng.choice(n, 2, replace=False))) for _ in range(rng.integers(0, 3))]
        graph_edges = sorted(set(chain + [(int(a), int(b)) for a, b in extra]))
        atoms = rng.integers(0, 5, n)
        charge = rng.integers(-1, 2, n) * (rng.random(n) < 0.1)
        aromatic = (rng.random(n) < 0.4).astype(int)
        node_counts.append(n)
        edge_counts.append(len(graph_edges))
        edges += graph_edges
        features += list(zip(atoms, charge, aromatic, strict=True))
        labels.append(int(aromatic.sum() > n / 3))
        node_rows += [
            (f"g{g:02d}", i, *f) for i, f in enumerate(zip(atoms, charge, aromatic, strict=True))
        ]
    folder = HERE / "molgraphs"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()

    def save(stem: str, lines: list[str]) -> None:
        data = "".join(f"{line}\n" for line in lines).encode()
        (folder / f"{stem}.csv.gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))

    save("num-node-list", [str(n) for n in node_counts])
    save("num-edge-list", [str(e) for e in edge_counts])
    save("edge", [f"{a},{b}" for a, b in edges])
    save("node-feat", [",".join(str(int(v)) for v in f) for f in features])
    save("graph-label", [str(label) for label in labels])
    nodes = pd.DataFrame(node_rows, columns=["graph", "node", "atom_type", "charge", "aromatic"])
    nodes.to_csv(HERE / "graph_nodes.csv", index=False, lineterminator="\n")


def main() -> None:
    frame = alloys()
    frame.to_csv(HERE / "alloys.csv", index=False, lineterminator="\n")
    # read the CSV back so the Parquet file holds exactly the numbers a CSV reader sees
    pd.read_csv(HERE / "alloys.csv").to_parquet(HERE / "alloys.parquet", index=False)
    write_images()
    write_sequences()
    write_signals()
    write_graphs()


if __name__ == "__main__":
    main()
