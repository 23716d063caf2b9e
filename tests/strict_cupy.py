"""A strict, NumPy-backed stand-in for CuPy: the GPU code path, provable without a GPU.

Its arrays live "on the device" as CuPy's do (checked against CuPy's documentation):

- ``__array__`` raises ``TypeError`` (``np.asarray(x)`` on a device array fails), and so
  does any NumPy function or ufunc applied to one. CuPy dispatches some NumPy functions to
  its own; refusing them all is stricter, and code that passes here needs no dispatch.
- operators and functions take device arrays and Python or NumPy scalars only: a host
  array as an operand, an index or an assigned value raises ``TypeError``;
- ``float(x)``, ``int(x)``, ``bool(x)`` (size-1 arrays), ``.item()`` and ``.tolist()``
  work, as in CuPy, by copying to the host: each is counted as a transfer. There is no
  ``__index__`` (``range(x)`` fails, as in CuPy). ``asnumpy`` and ``.get()`` are the
  explicit way out, ``asarray`` the way in. Iterating a device array (a launch per row in
  CuPy) is refused too.

Only the CuPy API this project uses exists here: anything else raises ``AttributeError``,
so a new use must be added consciously (and checked against CuPy's documentation).
:class:`Ledger` counts transfers in each direction and the device bytes allocated, live
and at the peak.
"""

from __future__ import annotations

import types
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

SCALARS = (bool, int, float, np.generic)
_TRACKED: set[int] = set()  #: ids of the live NumPy buffers counted as device memory


@dataclass
class Ledger:
    """What crossed between host and device, and what the device held."""

    to_device: int = 0  #: host → device copies
    to_host: int = 0  #: device → host copies (explicit or through float/int/bool/tolist)
    to_device_bytes: int = 0
    to_host_bytes: int = 0
    operations: int = 0  #: device operations (each a kernel launch or a view on a GPU)
    allocated_bytes: int = 0  #: every device allocation, summed
    live_bytes: int = 0
    peak_bytes: int = 0

    @property
    def transfers(self) -> int:
        return self.to_device + self.to_host

    def reset(self) -> None:
        live = self.live_bytes
        self.__init__()  # type: ignore[misc]
        self.live_bytes = self.peak_bytes = live

    def _allocated(self, array: np.ndarray) -> None:
        if id(array) in _TRACKED:
            return
        _TRACKED.add(id(array))
        self.allocated_bytes += array.nbytes
        self.live_bytes += array.nbytes
        self.peak_bytes = max(self.peak_bytes, self.live_bytes)
        weakref.finalize(array, self._freed, array.nbytes, id(array))

    def _freed(self, nbytes: int, key: int) -> None:
        self.live_bytes -= nbytes
        _TRACKED.discard(key)


LEDGER = Ledger()


def _refuse(what: str) -> TypeError:
    return TypeError(f"strict cupy: {what}")


def _host(value: Any) -> Any:
    """The NumPy value behind an operand: device arrays and scalars only."""
    if isinstance(value, ndarray):
        return value._a
    if isinstance(value, (*SCALARS, str)) or value is None:
        return value
    raise _refuse(f"Unsupported type {type(value)} (a host value where a device array is needed)")


def _index(key: Any) -> Any:
    if isinstance(key, tuple):
        return tuple(_index(part) for part in key)
    if isinstance(key, (slice, type(Ellipsis))) or key is None:
        return key
    return _host(key)


def _wrap(value: Any) -> Any:
    """A NumPy result as a device array (0-d for a scalar, as CuPy's reductions give)."""
    if isinstance(value, tuple):
        return tuple(_wrap(v) for v in value)
    LEDGER.operations += 1
    if isinstance(value, np.generic):
        value = np.asarray(value)
    if not isinstance(value, np.ndarray):
        return value
    if value.dtype == object:
        raise _refuse("object arrays do not exist on the device")
    root = value
    while isinstance(root.base, np.ndarray):
        root = root.base
    LEDGER._allocated(root)  # device memory never aliases host memory: a new root is new
    return ndarray(value)


def _to_host(array: np.ndarray) -> np.ndarray:
    LEDGER.to_host += 1
    LEDGER.to_host_bytes += array.nbytes
    return array.copy()


def _binary(op: Callable[[Any, Any], Any], reflected: bool = False) -> Callable[..., Any]:
    def method(self: ndarray, other: Any) -> Any:
        a, b = self._a, _host(other)
        return _wrap(op(b, a) if reflected else op(a, b))

    return method


def _inplace(op: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    def method(self: ndarray, other: Any) -> ndarray:
        op(self._a, _host(other), out=self._a)
        LEDGER.operations += 1
        return self

    return method


class ndarray:  # noqa: N801 - CuPy's name
    """A device array: NumPy data that never leaves without being counted."""

    __slots__ = ("__weakref__", "_a")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, data: np.ndarray) -> None:
        self._a = data

    # the only ways out
    def get(self) -> np.ndarray:
        return _to_host(self._a)

    def tolist(self) -> Any:
        return _to_host(self._a).tolist()

    def item(self) -> Any:
        return _to_host(self._a).item()

    def __float__(self) -> float:
        return float(_to_host(self._a))

    def __int__(self) -> int:
        return int(_to_host(self._a))

    def __bool__(self) -> bool:
        if self._a.size != 1:
            raise ValueError("The truth value of an array with more than one element is ambiguous")
        return bool(_to_host(self._a))

    def __array__(self, *args: Any, **kwargs: Any) -> np.ndarray:
        raise _refuse(
            "Implicit conversion to a NumPy array is not allowed. "
            "Please use `.get()` to construct a NumPy array explicitly."
        )

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        raise _refuse(f"NumPy ufunc {ufunc.__name__} applied to a device array")

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        raise _refuse(f"NumPy function {func.__name__} applied to a device array")

    def __repr__(self) -> str:
        return f"strict_cupy.ndarray(shape={self._a.shape}, dtype={self._a.dtype})"

    # attributes
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    nbytes = property(lambda self: self._a.nbytes)
    T = property(lambda self: ndarray(self._a.T))

    def __len__(self) -> int:
        return len(self._a)

    def __iter__(self) -> Iterator[ndarray]:
        # CuPy iterates (a kernel launch per row); the project must not: refused, stricter
        raise _refuse("iterating a device array launches one operation per row")

    def __getitem__(self, key: Any) -> Any:
        return _wrap(self._a[_index(key)])

    def __setitem__(self, key: Any, value: Any) -> None:
        self._a[_index(key)] = _host(value)
        LEDGER.operations += 1

    # methods the project uses
    def copy(self) -> ndarray:
        return _wrap(self._a.copy())

    def astype(self, dtype: Any) -> ndarray:
        return _wrap(self._a.astype(dtype))

    def reshape(self, *shape: Any) -> ndarray:
        return _wrap(self._a.reshape(*shape))

    def sum(self, axis: Any = None) -> ndarray:
        return _wrap(self._a.sum(axis=axis))

    def mean(self, axis: Any = None) -> ndarray:
        return _wrap(self._a.mean(axis=axis))

    def min(self, axis: Any = None) -> ndarray:
        return _wrap(self._a.min(axis=axis))

    def max(self, axis: Any = None) -> ndarray:
        return _wrap(self._a.max(axis=axis))

    def any(self) -> ndarray:
        return _wrap(self._a.any())

    def all(self) -> ndarray:
        return _wrap(self._a.all())

    def argmax(self) -> ndarray:
        return _wrap(self._a.argmax())

    # operators
    def __neg__(self) -> ndarray:
        return _wrap(-self._a)

    def __invert__(self) -> ndarray:
        return _wrap(~self._a)

    __add__, __radd__ = _binary(np.add), _binary(np.add, True)
    __sub__, __rsub__ = _binary(np.subtract), _binary(np.subtract, True)
    __mul__, __rmul__ = _binary(np.multiply), _binary(np.multiply, True)
    __truediv__, __rtruediv__ = _binary(np.true_divide), _binary(np.true_divide, True)
    __matmul__, __rmatmul__ = _binary(np.matmul), _binary(np.matmul, True)
    __and__, __or__, __xor__ = (
        _binary(np.bitwise_and),
        _binary(np.bitwise_or),
        _binary(np.bitwise_xor),
    )
    __rshift__ = _binary(np.right_shift)
    __eq__ = _binary(np.equal)  # type: ignore[assignment]
    __ne__ = _binary(np.not_equal)  # type: ignore[assignment]
    __lt__, __le__ = _binary(np.less), _binary(np.less_equal)
    __gt__, __ge__ = _binary(np.greater), _binary(np.greater_equal)
    __iadd__, __isub__ = _inplace(np.add), _inplace(np.subtract)  # type: ignore[misc]
    __imul__, __itruediv__ = _inplace(np.multiply), _inplace(np.true_divide)  # type: ignore[misc]
    __ixor__, __irshift__ = _inplace(np.bitwise_xor), _inplace(np.right_shift)  # type: ignore[misc]


def asarray(a: Any, dtype: Any = None) -> ndarray:
    """Host → device (counted), or a device array as it is (cast when ``dtype`` differs)."""
    if isinstance(a, ndarray):
        return a if dtype is None or a.dtype == np.dtype(dtype) else a.astype(dtype)
    if isinstance(a, np.ndarray) and a.dtype == object:
        raise _refuse("object arrays do not exist on the device")
    host = np.array(a, dtype=dtype)  # a copy: device memory never aliases host memory
    LEDGER.to_device += 1
    LEDGER.to_device_bytes += host.nbytes
    return _wrap(host)


def asnumpy(a: Any) -> np.ndarray:
    """Device → host (counted); a host array comes back as it is."""
    return a.get() if isinstance(a, ndarray) else np.asarray(a)


def _device_only(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` on device operands (``out=`` included), refusing host arrays."""

    def call(*args: Any, **kwargs: Any) -> Any:
        out = kwargs.get("out")
        if out is not None:
            if not isinstance(out, ndarray):
                raise _refuse(f"{name}: out= must be a device array")
            kwargs["out"] = out._a
        unwrapped = [
            [_host(x) for x in arg] if isinstance(arg, (list, tuple)) else _host(arg)
            for arg in args
        ]
        result = function(*unwrapped, **kwargs)
        if out is not None:
            LEDGER.operations += 1
            return out
        return _wrap(result)

    call.__name__ = name
    return call


def _creation(function: Callable[..., np.ndarray]) -> Callable[..., ndarray]:
    def call(*args: Any, **kwargs: Any) -> ndarray:
        return _wrap(function(*args, **kwargs))

    return call


def _take_along_axis(a: np.ndarray, indices: np.ndarray, axis: int) -> np.ndarray:
    return np.take_along_axis(a, indices, axis=axis)


def _argpartition(a: np.ndarray, kth: int, axis: int = -1) -> np.ndarray:
    return np.argpartition(a, kth, axis=axis)  # CuPy: no kind=, no order=


def _concatenate(arrays: list[np.ndarray], axis: int = 0) -> np.ndarray:
    return np.concatenate(arrays, axis=axis)


def _runtime() -> types.SimpleNamespace:
    return types.SimpleNamespace(
        getDeviceCount=lambda: 1,
        memGetInfo=lambda: (DEVICE_MEMORY - LEDGER.live_bytes, DEVICE_MEMORY),
    )


DEVICE_MEMORY = 80 << 30  #: what ``memGetInfo`` reports as the card's total

#: the CuPy API this project uses, and nothing else
API: dict[str, Any] = {
    "ndarray": ndarray,
    "float64": np.float64,
    "int64": np.int64,
    "uint64": np.uint64,
    "asarray": asarray,
    "asnumpy": asnumpy,
    "ascontiguousarray": _device_only("ascontiguousarray", np.ascontiguousarray),
    "arange": _creation(np.arange),
    "empty": _creation(np.empty),
    "zeros": _creation(np.zeros),
    "ones": _creation(np.ones),
    "full": _creation(np.full),
    "eye": _creation(np.eye),
    "empty_like": _device_only("empty_like", np.empty_like),
    "matmul": _device_only("matmul", np.matmul),
    "multiply": _device_only("multiply", np.multiply),
    "divide": _device_only("divide", np.divide),
    "maximum": _device_only("maximum", np.maximum),
    "right_shift": _device_only("right_shift", np.right_shift),
    "clip": _device_only("clip", np.clip),
    "where": _device_only("where", np.where),
    "rint": _device_only("rint", np.rint),
    "sqrt": _device_only("sqrt", np.sqrt),
    "einsum": _device_only("einsum", np.einsum),
    "reshape": _device_only("reshape", np.reshape),
    "concatenate": _device_only("concatenate", _concatenate),
    "argpartition": _device_only("argpartition", _argpartition),
    "take_along_axis": _device_only("take_along_axis", _take_along_axis),
}


def make_module() -> types.ModuleType:
    """A fresh ``cupy`` module object holding exactly :data:`API` (and ``cuda.runtime``)."""
    module = types.ModuleType("cupy", "strict NumPy-backed CuPy stand-in (tests/strict_cupy.py)")
    for name, value in API.items():
        setattr(module, name, value)
    module.cuda = types.SimpleNamespace(runtime=_runtime())  # type: ignore[attr-defined]
    return module
