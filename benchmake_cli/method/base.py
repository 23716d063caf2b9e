"""What every split method is: a :class:`Method` (its checks, its split, its record in the
manifest, the files of its own it writes) returning a
:class:`~benchmake_cli.method.split.MethodSplit`. :mod:`.registry` holds the methods."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import ModuleType
from typing import Any, ClassVar

import numpy as np

from ..encode import Encoded
from . import factorize
from .split import DEFAULT_ITERATIONS, MethodSplit, ProgressCallback, SplitParameters


class Method(ABC):
    """A way to split: validated, computed and described the same way by ``split`` and
    ``verify``."""

    name: ClassVar[str]
    version: ClassVar[int]
    cpu_only: ClassVar[bool] = False
    #: whether the method has positions in a reference's order (``--reference-indices``)
    has_reference_indices: ClassVar[bool] = False
    #: whether large inputs may be split in shards (:meth:`split_matrix` on each shard)
    shardable: ClassVar[bool] = False
    #: the iterations run when ``--iterations`` is left out
    default_iterations: ClassVar[int] = DEFAULT_ITERATIONS
    #: its largest array, rows × test rows float64, for ``inspect`` (the NMF's ``W``)
    factor: ClassVar[str] = "W"

    def iterations(self, given: int | None) -> int:
        """The iterations to run: ``given``, or this method's default when left out.

        >>> from benchmake_cli.method.registry import get_method
        >>> hull = get_method("benchmake-hull")
        >>> hull.iterations(None), hull.iterations(200), get_method("benchmake-cli").iterations(None)
        (20, 200, 200)
        """
        return self.default_iterations if given is None else given

    def estimate_bytes(self, n: int, d: int, k: int, on_gpu: bool) -> int:
        """Memory a split of ``n × d`` rows into ``k`` test rows needs on one device (by
        default the factorization's: ``W`` plus its work buffers and ``X``)."""
        return factorize.estimate_bytes(n, d, k, on_gpu=on_gpu)

    def split_matrix(
        self,
        X: np.ndarray,
        params: SplitParameters,
        *,
        xp: ModuleType = np,
        threads: int | None = None,
        bounds: tuple[np.ndarray, np.ndarray] | None = None,
        test_rows: int | None = None,
        ties: np.ndarray | None = None,
        progress: ProgressCallback | None = None,
    ) -> MethodSplit:
        """Split a matrix (a shard: global ``bounds``, its own ``test_rows``); shardable
        methods only."""
        raise NotImplementedError(f"method {self.name} splits whole inputs only")

    def extra_indices(self, split: MethodSplit) -> dict[str, np.ndarray]:
        """The index files of this method's own that a bundle may hold besides
        ``train_indices`` and ``test_indices`` (``--reference-indices``), by manifest
        ``split`` key: the file is ``KEY.txt``, one number per line. None by default."""
        return {}

    def record_parameters(self, params: SplitParameters, n: int) -> dict[str, Any]:
        """The manifest's ``method.parameters`` for ``n`` rows."""
        return params.to_dict(n)

    @abstractmethod
    def check(self, encoded: Encoded, params: SplitParameters) -> int:
        """Refuse parameters that do not fit the data or the method; return the test count."""

    @abstractmethod
    def split(
        self,
        encoded: Encoded,
        params: SplitParameters,
        *,
        xp: ModuleType = np,
        threads: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> MethodSplit:
        """Split the encoded rows."""

    @abstractmethod
    def parameters_from_record(self, recorded: dict[str, Any]) -> SplitParameters:
        """The parameters to recompute with, from a manifest's ``method.parameters``."""

    @abstractmethod
    def describe(self, params: SplitParameters) -> str:
        """The parameters in one phrase, for messages."""
