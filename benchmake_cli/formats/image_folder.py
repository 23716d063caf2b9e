"""Folders of images (Pillow): PNG, JPEG, TIFF, BMP; class sub-folders become labels.

Pixel encoding: each image is converted to ``--mode`` (``L``: one grey channel, ``RGB``:
three channels; alpha is dropped, palettes expanded), then, with ``--image-size WxH``,
resized to W × H with Pillow's bilinear filter (``Image.Resampling.BILINEAR``, antialiased
when shrinking; the aspect ratio is not kept). Without ``--mode`` the folder is read as
``RGB`` when any image has colour and as ``L`` otherwise. The result is uint8,
n × H × W for ``L`` and n × H × W × 3 for ``RGB``: exactly the array an NPY file of the
same pixels holds, so both give the same encoded rows. 16-bit, 32-bit and float images,
multi-frame files and images larger than :data:`MAX_IMAGE_PIXELS` (a decompression bomb)
are refused, naming the file.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np

from ..errors import DataError, ParameterError
from .folder import IMAGE_SUFFIXES, SampleFolder, class_labels, empty_message, sample_files
from .spec import ReadOptions
from .table import Table

MODES = ("L", "RGB")
#: Pillow's own default limit (a 1 GB RGB image); larger images are refused
MAX_IMAGE_PIXELS = 89_478_485
GREY_MODES = frozenset({"1", "L", "LA", "La"})
UNSUPPORTED_MODES = frozenset({"I", "F", "I;16", "I;16B", "I;16L", "I;16N"})
RESAMPLING = "BILINEAR"


def parse_image_size(text: str | tuple[int, int] | None) -> tuple[int, int] | None:
    """``'64x48'`` → ``(64, 48)`` (width, height).

    >>> parse_image_size("64x48"), parse_image_size(None)
    ((64, 48), None)
    """
    if text is None or isinstance(text, tuple):
        return text
    match = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", str(text))
    if not match or not all(0 < int(v) <= 65535 for v in match.groups()):
        raise ParameterError(
            f"--image-size {text!r}: expected WIDTHxHEIGHT in pixels, for example 64x64"
        )
    return int(match.group(1)), int(match.group(2))


def read(root: Path, image_size: tuple[int, int] | None, mode: str | None) -> Table:
    """Read every image below ``root`` into one uint8 array, in relative-path order."""
    from PIL import Image

    if mode is not None and mode not in MODES:
        raise ParameterError(f"--mode {mode!r}: use L (grey) or RGB")
    files = sample_files(root, IMAGE_SUFFIXES)
    if not files:
        raise DataError(empty_message(root, "images", IMAGE_SUFFIXES))
    labels = class_labels(root, files)
    headers = [_header(root / name) for name in files]
    if image_size is None:
        sizes: dict[tuple[int, int], str] = {}
        for name, (size, _) in zip(files, headers, strict=True):
            sizes.setdefault(size, name)
        if len(sizes) > 1:
            (size_a, a), (size_b, b) = list(sizes.items())[:2]
            raise DataError(
                f"{root}: images differ in size: {a} is {size_a[0]}x{size_a[1]}, "
                f"{b} is {size_b[0]}x{size_b[1]}; pass --image-size WxH to resize them all"
            )
    chosen = mode or ("RGB" if any(m not in GREY_MODES for _, m in headers) else "L")
    width, height = image_size or headers[0][0]
    shape = (len(files), height, width) + ((3,) if chosen == "RGB" else ())
    pixels = np.empty(shape, dtype=np.uint8)
    resample = getattr(Image.Resampling, RESAMPLING)
    for i, name in enumerate(files):
        with _open(root / name) as image:
            try:
                converted = image.convert(chosen)
                if converted.size != (width, height):
                    converted = converted.resize((width, height), resample)
                pixels[i] = np.asarray(converted, dtype=np.uint8)
            except (OSError, SyntaxError, ValueError, EOFError) as exc:
                if isinstance(exc, PermissionError):
                    raise
                raise DataError(f"{root / name}: cannot be decoded as an image ({exc})") from None
    classes = sorted(set(labels.tolist())) if labels is not None else []
    return Table(
        path=root,
        format="image-folder",
        array=pixels,
        labels=labels,
        records=files,
        modality="image",
        read_options={"image_size": list(image_size) if image_size else None, "mode": chosen},
        info={
            "files": len(files),
            "order": "relative POSIX path, code-point order",
            "classes": classes,
            "shape": list(shape),
            "resampling": f"Pillow Image.Resampling.{RESAMPLING}" if image_size else None,
        },
    )


def _open(path: Path):  # type: ignore[no-untyped-def]
    """Open an image lazily, refusing empty, unidentifiable and oversized files."""
    from PIL import Image

    if path.stat().st_size == 0:
        raise DataError(f"{path}: file is empty")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        warnings.simplefilter("ignore", UserWarning)
        try:
            image = Image.open(path)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise DataError(_bomb_message(path, None)) from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            if isinstance(exc, PermissionError):
                raise
            raise DataError(f"{path}: not a readable image ({exc})") from None
    pixels = image.size[0] * image.size[1]
    if pixels > MAX_IMAGE_PIXELS:
        image.close()
        raise DataError(_bomb_message(path, image.size))
    return image


def _header(path: Path) -> tuple[tuple[int, int], str]:
    """(width, height) and Pillow mode of an image, read without decoding its pixels."""
    with _open(path) as image:
        frames = getattr(image, "n_frames", 1)
        if frames > 1:
            raise DataError(f"{path}: has {frames} frames; benchmake reads single images")
        if image.mode in UNSUPPORTED_MODES:
            raise DataError(
                f"{path}: mode {image.mode} (16-bit, 32-bit or float pixels) is not supported; "
                "save it as 8-bit grey or RGB"
            )
        return image.size, image.mode


def _bomb_message(path: Path, size: tuple[int, int] | None) -> str:
    dims = f" ({size[0]}x{size[1]})" if size else ""
    return (
        f"{path}: image{dims} has more than {MAX_IMAGE_PIXELS} pixels "
        "(a decompression bomb?); refusing to decode it"
    )


class ImageFolder(SampleFolder):
    """A folder of images (``--image-size``, ``--mode``)."""

    name = "image-folder"
    container = "image-folder"
    description = "an image folder"
    fits = ("image",)
    folder_kind = "image"
    options = frozenset({"image"})
    sample_suffixes = IMAGE_SUFFIXES

    def read(self, path: Path, options: ReadOptions) -> Table:
        return read(path, options.image_size, options.mode)


FORMAT = ImageFolder()
