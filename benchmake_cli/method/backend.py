"""The array-namespace switch: the same numerical code runs on NumPy or CuPy.

Every numerical step takes an ``xp`` module (``numpy`` or ``cupy``) and uses only the
functions both provide, so there is one implementation for every device.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from types import ModuleType
from typing import Any

import numpy as np

from ..errors import DeviceError

DEVICES = ("auto", "cpu", "gpu")


def cupy_or_none() -> ModuleType | None:
    """Return the ``cupy`` module when it imports and sees a CUDA device, else ``None``."""
    try:
        import cupy  # type: ignore[import-not-found]

        if cupy.cuda.runtime.getDeviceCount() > 0:
            return cupy
    except Exception:
        return None
    return None


GPU_BLOCK_ROWS = 16384  #: rows of W per block on the GPU (bounds the work buffers)
GPU_MEMORY_MARGIN = 1.25  #: head-room on top of the estimate


def resolve_device(device: str, needed_bytes: int | None = None) -> tuple[str, ModuleType, str]:
    """Pick the device and its array namespace.

    Returns ``(name, xp, reason)``; ``reason`` says why ``auto`` chose what it chose.
    ``auto`` takes the GPU only when CuPy imports, sees a device, and ``needed_bytes`` (with
    a margin) fits in its free memory.

    >>> name, xp, _ = resolve_device("cpu")
    >>> name, xp.__name__
    ('cpu', 'numpy')
    """
    if device not in DEVICES:
        raise DeviceError(f"--device {device!r} is not one of {', '.join(DEVICES)}")
    if device == "cpu":
        return "cpu", np, "requested"
    cupy = cupy_or_none()
    if cupy is None:
        if device == "gpu":
            raise DeviceError(
                "--device gpu: no usable GPU (CuPy is not installed or sees no CUDA device); "
                "install 'benchmake-cli[gpu]' or use --device cpu"
            )
        return "cpu", np, "auto: no usable GPU (CuPy missing or no CUDA device), using the CPU"
    if device == "auto" and needed_bytes is not None:
        free, _total = cupy.cuda.runtime.memGetInfo()
        if needed_bytes * GPU_MEMORY_MARGIN > free:
            return (
                "cpu",
                np,
                f"auto: the split needs about {needed_bytes / 2**30:.1f} GiB and the GPU has "
                f"{free / 2**30:.1f} GiB free, using the CPU",
            )
    return "gpu", cupy, "auto: CuPy sees a CUDA device with enough free memory"


def is_out_of_memory(error: BaseException) -> bool:
    """Whether an exception is a GPU out-of-memory error (without importing CuPy)."""
    return type(error).__name__ in {"OutOfMemoryError", "CUDARuntimeError"} and (
        "memory" in str(error).lower() or type(error).__name__ == "OutOfMemoryError"
    )


def to_numpy(array: Any) -> np.ndarray:
    """Bring an array from any namespace back to host memory as NumPy."""
    if isinstance(array, np.ndarray):
        return array
    getter = getattr(array, "get", None)
    return np.asarray(getter() if getter is not None else array)


def namespace_of(array: Any) -> ModuleType:
    """The array namespace (``numpy`` or ``cupy``) an array belongs to."""
    if isinstance(array, np.ndarray):
        return np
    import cupy

    return cupy


def single_threaded_blas(on_host: bool) -> AbstractContextManager[object]:
    """Limit host BLAS to one thread. The callers run their own threads (or none): BLAS
    threads that spin while waiting would make a busy machine 10 to 20 times slower."""
    if not on_host:
        return nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")
