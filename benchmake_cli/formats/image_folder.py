"""Folders of images (Pillow): PNG, JPEG, TIFF, BMP; class sub-folders become labels.

Pixel encoding: each image is converted to ``--mode`` (``L``: one grey channel, ``RGB``:
three channels; alpha is dropped, palettes expanded), then, with ``--image-size WxH``,
resized to W × H with Pillow's bilinear filter (``Image.Resampling.BILINEAR``, antialiased
when shrinking; the aspect ratio is not kept). Without ``--mode`` the folder is read as
``RGB`` when any image has colour and as ``L`` otherwise. The result is uint8,
n × H × W for ``L`` and n × H × W × 3 for ``RGB``: exactly the array an NPY file of the
same pixels holds, so both give the same encoded rows. 16-bit, 32-bit and float images,
multi-frame files and images larger than :data:`MAX_IMAGE_PIXELS` (a decompression bomb)
are refused, naming the file. A folder is read whole or in batches of files, its headers
first (:func:`layout`): either way each image is decoded the same.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import DataError, ParameterError
from .folder import IMAGE_SUFFIXES, SampleFolder, class_labels, empty_message, sample_files
from .spec import ReadOptions, rows_within
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


@dataclass(frozen=True)
class ImageLayout:
    """What every image of a folder becomes, found from their headers alone: the files in
    order, their labels, the colour mode and the size they are decoded to."""

    root: Path
    files: list[str]
    labels: np.ndarray | None
    mode: str
    size: tuple[int, int]  #: (width, height)
    image_size: tuple[int, int] | None

    @property
    def row_shape(self) -> tuple[int, ...]:
        width, height = self.size
        return (height, width) + ((3,) if self.mode == "RGB" else ())

    def table(self, start: int, stop: int) -> Table:
        """The images ``start`` to ``stop`` (in file order), decoded into one uint8 array."""
        names = self.files[start:stop]
        pixels = np.empty((len(names), *self.row_shape), dtype=np.uint8)
        for i, name in enumerate(names):
            pixels[i] = _decode(self.root / name, self.mode, self.size)
        classes = sorted(set(self.labels.tolist())) if self.labels is not None else []
        return Table(
            path=self.root,
            format="image-folder",
            array=pixels,
            labels=self.labels[start:stop] if self.labels is not None else None,
            records=names,
            modality="image",
            read_options={
                "image_size": list(self.image_size) if self.image_size else None,
                "mode": self.mode,
            },
            info={
                "files": len(self.files),
                "order": "relative POSIX path, code-point order",
                "classes": classes,
                "shape": [len(self.files), *self.row_shape],
                "resampling": f"Pillow Image.Resampling.{RESAMPLING}" if self.image_size else None,
            },
        )


def layout(root: Path, image_size: tuple[int, int] | None, mode: str | None) -> ImageLayout:
    """Every image's header read (not its pixels): sizes must agree without ``--image-size``;
    the mode is ``--mode``, else ``RGB`` when any image has colour."""
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
    return ImageLayout(root, files, labels, chosen, image_size or headers[0][0], image_size)


def read(root: Path, image_size: tuple[int, int] | None, mode: str | None) -> Table:
    """Read every image below ``root`` into one uint8 array, in relative-path order."""
    found = layout(root, image_size, mode)
    return found.table(0, len(found.files))


def chunks(
    root: Path, image_size: tuple[int, int] | None, mode: str | None, rows: int
) -> Iterator[Table]:
    """The images in batches of at most ``rows`` files, each batch's pixels at most about
    :data:`~.spec.CHUNK_BYTES` once encoded (float64); the headers are all read first."""
    found = layout(root, image_size, mode)
    step = rows_within(rows, 8 * int(np.prod(found.row_shape)))
    for start in range(0, len(found.files), step):
        yield found.table(start, start + step)


def _decode(path: Path, mode: str, size: tuple[int, int]) -> np.ndarray:
    """One image's pixels in ``mode``, resized to ``size`` (width, height) when it differs."""
    from PIL import Image

    with _open(path) as image:
        try:
            converted = image.convert(mode)
            if converted.size != size:
                converted = converted.resize(size, getattr(Image.Resampling, RESAMPLING))
            return np.asarray(converted, dtype=np.uint8)
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            if isinstance(exc, PermissionError):
                raise
            raise DataError(f"{path}: cannot be decoded as an image ({exc})") from None


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

    def chunks(self, path: Path, options: ReadOptions, rows: int) -> Iterator[Table]:
        return chunks(path, options.image_size, options.mode, rows)


FORMAT = ImageFolder()
