"""Malformed folders: images, signals, OGB graph data sets."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from .cases import BAD_DATA, Refused
from .images import image, image_folder, png_claiming, truncated_png


def signal_folder(root: Path, name: str, **odd: str) -> str:
    folder = root / name
    folder.mkdir()
    rng = np.random.default_rng(1)
    for i in range(10):
        values = rng.normal(size=(16, 2))
        text = "x,y\n" + "".join(f"{a:.4f},{b:.4f}\n" for a, b in values)
        (folder / f"sig_{i:02d}.csv").write_text(text)
    for file_name, content in odd.items():
        (folder / file_name.replace("__", ".")).write_text(content)
    return name


def ogb_folder(root: Path, name: str, **replace: bytes | None) -> str:
    """A valid OGB raw folder of 8 small graphs, with files replaced (``None``: removed)."""
    folder = root / name
    folder.mkdir()
    nodes = [3, 4, 3, 5, 4, 3, 4, 5]
    edges = [[(0, 1), (1, 2)] for _ in nodes]
    files = {
        "num-node-list": "".join(f"{n}\n" for n in nodes).encode(),
        "num-edge-list": "".join(f"{len(e)}\n" for e in edges).encode(),
        "edge": "".join(f"{a},{b}\n" for graph in edges for a, b in graph).encode(),
        "node-feat": "".join(
            f"{(g * 7 + i) % 5},{(g + i) % 3}\n" for g, n in enumerate(nodes) for i in range(n)
        ).encode(),
        "graph-label": "".join(f"{g % 2}\n" for g in range(len(nodes))).encode(),
    }
    for stem, content in {**files, **replace}.items():
        if content is not None:
            (folder / f"{stem}.csv.gz").write_bytes(gzip.compress(content, mtime=0))
    return name


def refused(root: Path) -> list[Refused]:
    (root / "empty_folder").mkdir()
    refused = [
        Refused(
            "corrupt image",
            "image-folder",
            image_folder(root, "img_corrupt", bad__png=b"\x89PNG\r\n\x1a\n" + bytes(range(200))),
            (),
            BAD_DATA,
            "bad.png: not a readable image",
        ),
        Refused(
            "zero-byte image",
            "image-folder",
            image_folder(root, "img_zero", zero__png=b""),
            (),
            BAD_DATA,
            "zero.png: file is empty",
        ),
        Refused(
            "truncated image",
            "image-folder",
            image_folder(root, "img_truncated", cut__png=truncated_png()),
            ("--image-size", "8x8"),
            BAD_DATA,
            "cut.png: cannot be decoded as an image",
        ),
        Refused(
            "decompression bomb",
            "image-folder",
            image_folder(root, "img_bomb", bomb__png=png_claiming(100_000, 100_000)),
            ("--image-size", "8x8"),
            BAD_DATA,
            "bomb.png: image has more than 89478485 pixels (a decompression bomb?)",
        ),
        Refused(
            "16-bit image among 8-bit ones",
            "image-folder",
            image_folder(root, "img_16bit", deep__png=image(8, 2, "I;16")),
            (),
            BAD_DATA,
            "deep.png: mode I;16 (16-bit, 32-bit or float pixels) is not supported",
        ),
        Refused(
            "images of different sizes",
            "image-folder",
            image_folder(root, "img_sizes", big__png=image(16, 2)),
            (),
            BAD_DATA,
            "img_sizes: images differ in size: big.png is 16x16, img_00.png is 8x8",
        ),
        Refused(
            "text named .png",
            "image-folder",
            image_folder(root, "img_text", notes__png=b"just some notes\n"),
            (),
            BAD_DATA,
            "notes.png: not a readable image",
        ),
        Refused(
            "empty folder",
            "folder",
            "empty_folder",
            (),
            BAD_DATA,
            "empty_folder: folder is empty",
        ),
        Refused(
            "ragged signal file",
            "signal-folder",
            signal_folder(root, "sig_ragged", bad__csv="x,y\n1,2\n3\n4,5\n"),
            (),
            BAD_DATA,
            "bad.csv: line 3: 1 values, expected 2",
        ),
        Refused(
            "signal file with junk",
            "signal-folder",
            signal_folder(root, "sig_junk", bad__csv="x,y\n1,2\n3,oops\n"),
            (),
            BAD_DATA,
            "bad.csv: line 3: not a row of numbers",
        ),
        Refused(
            "signals with different channel counts",
            "signal-folder",
            signal_folder(root, "sig_channels", wide__csv="1,2,3\n4,5,6\n"),
            (),
            BAD_DATA,
            "signals differ in channels: sig_00.csv has 2, wide.csv has 3",
        ),
        Refused(
            "signals of different lengths",
            "signal-folder",
            signal_folder(root, "sig_lengths", short__csv="1,2\n3,4\n"),
            (),
            BAD_DATA,
            "short.csv",
        ),
        Refused(
            "OGB folder without edges",
            "ogb",
            ogb_folder(root, "ogb_no_edges", edge=None),
            (),
            BAD_DATA,
            "ogb_no_edges: no edge.csv[.gz]",
        ),
        Refused(
            "OGB counts that do not add up",
            "ogb",
            ogb_folder(root, "ogb_counts", **{"num-edge-list": b"2\n2\n2\n"}),
            (),
            BAD_DATA,
            "num-edge-list.csv.gz: 3 lines, but num-node-list.csv.gz gives 8 graphs",
        ),
        Refused(
            "OGB edge leaving its graph",
            "ogb",
            ogb_folder(root, "ogb_edge", edge=b"0,1\n1,7\n" + b"".join([b"0,1\n1,2\n"] * 7)),
            (),
            BAD_DATA,
            "edge.csv.gz: line 2: edge 1,7 leaves graph 0 (3 nodes",
        ),
        Refused(
            "OGB corrupt gzip",
            "ogb",
            ogb_folder(root, "ogb_gzip"),
            (),
            BAD_DATA,
            "node-feat.csv.gz: not a readable gzip file",
        ),
    ]
    (root / "ogb_gzip" / "node-feat.csv.gz").write_bytes(gzip.compress(b"1,2\n" * 30)[:-12])
    return refused
