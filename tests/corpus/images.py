"""Image files for the corpus: valid PNGs, truncated ones, decompression bombs."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` grey pixels (a decompression
    bomb: a few bytes on disk, gigabytes once decoded)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1)))
        + png_chunk(b"IEND", b"")
    )


def image(size: int, value: int, mode: str = "L") -> bytes:
    from PIL import Image

    ramp = (np.arange(size * size).reshape(size, size) * 7 + value * 31) % 256
    pixels = ramp.astype(np.uint8)
    if mode == "RGB":
        pixels = np.stack([ramp, (ramp + 85) % 256, (ramp + 170) % 256], axis=-1)
        pixels = pixels.astype(np.uint8)
    elif mode == "I;16":
        pixels = ramp.astype(np.uint16) * 200
    buffer = io.BytesIO()
    Image.fromarray(pixels, mode if mode != "I;16" else None).save(buffer, format="PNG")
    return buffer.getvalue()


def truncated_png() -> bytes:
    """A PNG cut short in its pixel data: the header reads, the pixels do not decode."""
    from PIL import Image

    noise = np.random.default_rng(5).integers(0, 256, size=(64, 64), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, format="PNG")
    whole = buffer.getvalue()
    return whole[: len(whole) * 3 // 5]


def image_folder(root: Path, name: str, count: int = 12, **odd: bytes) -> str:
    """A folder of ``count`` small valid PNGs plus the odd files given (name → bytes)."""
    folder = root / name
    folder.mkdir()
    for i in range(count):
        (folder / f"img_{i:02d}.png").write_bytes(image(8, i))
    for file_name, content in odd.items():
        (folder / file_name.replace("__", ".")).write_bytes(content)
    return name
