"""The split methods, by name: ``split`` computes with the one asked for, ``verify`` with the
one its manifest records.

Each method turns the encoded data and the split parameters into a
:class:`~benchmake_cli.method.split.MethodSplit`: the test and training rows (positions in
the encoded rows), the content hashes and the parameters recorded in the manifest. A
request resolves its method once (:attr:`~benchmake_cli.request.SplitRequest.chosen`);
the pipeline passes the :class:`Method` object on, never its name.

- ``benchmake-cli`` (the default): this project's float64 method, the same split on every
  machine and device (:func:`~benchmake_cli.method.split.split_matrix`).
- ``benchmake-1.1.2``: the reference package's CPU result, reproduced operation for operation
  (:mod:`benchmake_cli.method.reference`): float32, 200 iterations, seed 42, CPU only.
- ``benchmake-hull``: archetypal analysis, archetypes on the whole convex hull
  (:mod:`benchmake_cli.method.hull`), with the default method's guarantees.
"""

from __future__ import annotations

import hashlib
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Any, ClassVar

import numpy as np

from ..encode import Encoded
from ..errors import PARAMETER, DataError, ManifestError, ParameterError
from . import hull
from . import reference as compat
from .backend import resolve_device
from .base import Method
from .order import DIGEST_BYTES, content_hash, row_digests
from .split import (
    DEFAULT_SEED,
    DEFAULT_TOL,
    METHOD,
    METHOD_VERSION,
    MethodSplit,
    ProgressCallback,
    SplitParameters,
    check_fraction,
    hash_of_test_rows,
    split_matrix,
)

#: the reference's ``data_type`` for each input modality; a modality not listed is refused.
#: Sequences are counted by character from ``Encoded.sequences`` with the reference's own
#: alphabet and whitespace rules (:func:`compat.reference_char_counts`), not from ``X``.
REFERENCE_DATA_TYPES: dict[str, str] = {
    "tabular": "tabular",
    "image": "image",
    "signal": "signal",
    "graph": "graph",
    "sequence": "sequential",
}


class BenchmakeCli(Method):
    """This project's method: float64, machine- and device-independent."""

    name = METHOD
    version = METHOD_VERSION
    shardable = True
    seeded: ClassVar[bool] = True  #: the manifest records a seed (the initialisation's)

    def check(self, encoded: Encoded, params: SplitParameters) -> int:
        return check_fraction(encoded.n, params.frac, encoded.source)

    def split_matrix(self, X: np.ndarray, params: SplitParameters, **options: Any) -> MethodSplit:
        """:meth:`Method.split_matrix`'s keyword options go to the matrix function as they are."""
        return self._matrix_split()(X, params, **options)

    def _matrix_split(self) -> Any:
        """The function that splits a matrix (looked up at each call)."""
        return split_matrix

    def split(
        self,
        encoded: Encoded,
        params: SplitParameters,
        *,
        xp: ModuleType = np,
        threads: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> MethodSplit:
        result = self.split_matrix(
            encoded.X, params, xp=xp, threads=threads, progress=progress, ties=encoded.ties
        )
        return replace(
            result,
            parameters=self.record_parameters(params, encoded.n),
            info={"decision_margins": result.margins.to_dict()},
            notes=result.margins.warnings(),
        )

    def parameters_from_record(self, recorded: dict[str, Any]) -> SplitParameters:
        try:
            return SplitParameters(
                frac=float(recorded["frac"]),
                iterations=int(recorded["iterations"]),
                tol=float(recorded["tol"]),
                **({"seed": int(recorded["seed"])} if self.seeded else {}),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ManifestError(f"manifest field method.parameters is malformed ({exc})") from None

    def describe(self, params: SplitParameters) -> str:
        seed = f"seed={params.seed}, " if self.seeded else ""
        return f"frac={params.frac}, {seed}iterations={params.iterations}, tol={params.tol}"


class BenchmakeHull(BenchmakeCli):
    """Archetypal analysis (:mod:`benchmake_cli.method.hull`): same guarantees, no seed."""

    name = hull.METHOD
    version = hull.METHOD_VERSION
    seeded = False
    default_iterations = hull.DEFAULT_ITERATIONS
    factor = "S"  #: each row's weights on the archetypes

    def _matrix_split(self) -> Any:
        return hull.split_matrix_hull

    def record_parameters(self, params: SplitParameters, n: int) -> dict[str, Any]:
        return hull.hull_parameters(params, n)

    def check(self, encoded: Encoded, params: SplitParameters) -> int:
        if params.seed != DEFAULT_SEED:
            raise ParameterError(
                f"--seed {params.seed}: --method {self.name} has no random initialisation "
                "(FurthestSum starts from the first row in hash order); leave --seed out"
            )
        return super().check(encoded, params)

    def estimate_bytes(self, n: int, d: int, k: int, on_gpu: bool) -> int:
        return hull.estimate_bytes(n, d, k)


@dataclass(frozen=True, kw_only=True)
class ReferenceSplit(MethodSplit):
    """The reference method's split, with the positions the reference itself returns
    (in its hash order): what ``--reference-indices`` writes."""

    test_positions: np.ndarray
    train_positions: np.ndarray


class Benchmake112(Method):
    """The reference package ``benchmake==1.1.2``, reproduced exactly on the CPU."""

    name = compat.REFERENCE_METHOD
    version = 1
    cpu_only = True
    has_reference_indices = True
    default_iterations = compat.REFERENCE_ITERATIONS

    def estimate_bytes(self, n: int, d: int, k: int, on_gpu: bool) -> int:
        """float32: ``W`` and, at the peak, three more n × k arrays (its update's numerator,
        denominator and ratio; at the start the float64 draw and its float32 copy), the
        k × k Gram matrix, ``H``-sized products and four n × d copies of the rows."""
        return int(4 * (4 * n * k + k * k + 3 * k * d + 4 * n * d))

    def check(self, encoded: Encoded, params: SplitParameters) -> int:
        reference_data_type(encoded.modality)
        fixed = (
            (
                "iterations",
                params.iterations,
                (compat.REFERENCE_ITERATIONS,),
                "runs 200 iterations",
            ),
            ("tol", params.tol, (DEFAULT_TOL,), "has no tolerance (it runs 200 iterations)"),
            ("seed", params.seed, (DEFAULT_SEED, compat.REFERENCE_SEED), "uses seed 42"),
        )
        for parameter, value, allowed, what in fixed:
            if value not in allowed:
                raise ParameterError(
                    f"{PARAMETER} {value}: --method {self.name} always {what}, like the "
                    f"reference; leave {PARAMETER} out",
                    parameter=parameter,
                )
        check_fraction(encoded.n, params.frac, encoded.source)
        k = compat.reference_test_count(encoded.n, params.frac)
        if k >= encoded.n:
            raise ParameterError(
                f"{encoded.source}: {PARAMETER} {params.frac} of {encoded.n} rows gives {k} "
                "test rows with the reference's floating-point ceil(n × frac) and leaves the "
                "training set empty; use a smaller fraction",
                parameter="frac",
            )
        return k

    def split(
        self,
        encoded: Encoded,
        params: SplitParameters,
        *,
        xp: ModuleType = np,
        threads: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> MethodSplit:
        k = self.check(encoded, params)
        data_type = reference_data_type(encoded.modality)
        try:
            with _blas_threads(threads):
                if data_type == "sequential":
                    if encoded.sequences is None:
                        raise DataError("a sequence input came without its strings")
                    reference = compat.reference_partition(
                        None, params.frac, data_type, encoded.sequences, progress
                    )
                    digests = _text_digests(encoded.sequences)
                else:
                    reference = compat.reference_partition(
                        encoded.X, params.frac, data_type, progress=progress
                    )
                    digests = row_digests(encoded.X)
        except ValueError as exc:
            raise DataError(f"--method {self.name}: {exc}") from None
        return ReferenceSplit(
            test=reference.test_rows,
            train=reference.train_rows,
            content_sha256=content_hash(digests, encoded.d),
            test_content_sha256=hash_of_test_rows(digests[reference.test_rows]),
            parameters={
                "frac": params.frac,
                "k": k,
                "iterations": compat.REFERENCE_ITERATIONS,
                "seed": compat.REFERENCE_SEED,
                "dtype": "float32",
                "data_type": data_type,
                "reference": "benchmake==1.1.2 BenchMake().partition, CPU path",
            },
            iterations_run=compat.REFERENCE_ITERATIONS,
            test_positions=reference.reference_test_positions,
            train_positions=reference.reference_train_positions,
            info={"blas": blas_description()},
        )

    def extra_indices(self, split: MethodSplit) -> dict[str, np.ndarray]:
        """The test and training positions in the reference's hash order."""
        if not isinstance(split, ReferenceSplit):  # pragma: no cover - its own split only
            raise TypeError(f"not a split of {self.name}")
        return {
            "reference_test_indices": split.test_positions,
            "reference_train_indices": split.train_positions,
        }

    def parameters_from_record(self, recorded: dict[str, Any]) -> SplitParameters:
        try:
            return SplitParameters(frac=float(recorded["frac"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ManifestError(f"manifest field method.parameters is malformed ({exc})") from None

    def describe(self, params: SplitParameters) -> str:
        return (
            f"method {self.name}, frac={params.frac} "
            f"({compat.REFERENCE_ITERATIONS} float32 iterations, seed {compat.REFERENCE_SEED})"
        )


METHODS: dict[str, Method] = {
    method.name: method for method in (BenchmakeCli(), Benchmake112(), BenchmakeHull())
}
DEFAULT_METHOD = METHOD
DEFAULT = METHODS[DEFAULT_METHOD]  #: the default method, resolved


def get_method(name: str) -> Method:
    """The method called ``name``, or :class:`ParameterError` listing the known ones.

    >>> get_method("benchmake-1.1.2").cpu_only
    True
    """
    try:
        return METHODS[name]
    except KeyError:
        raise ParameterError(
            f"{PARAMETER} {name!r} is not one of {', '.join(METHODS)}", parameter="method"
        ) from None


def method_of_record(record: dict[str, Any]) -> Method:
    """The method a manifest's ``method`` section names, or :class:`ManifestError`."""
    name, version = record.get("name"), record.get("version")
    method = METHODS.get(name) if isinstance(name, str) else None
    if method is None or version != method.version:
        known = ", ".join(f"{m.name!r} version {m.version}" for m in METHODS.values())
        raise ManifestError(
            f"method {name!r} version {version!r} is not one this benchmake computes ({known})"
        )
    return method


def resolve_method_device(
    method: Method, device: str, needed_bytes: int | None = None
) -> tuple[str, ModuleType, str]:
    """The device name, array namespace and the reason for it: ``auto`` means the CPU for a
    CPU-only method, and ``gpu`` is refused for it."""
    if method.cpu_only and device == "gpu":
        raise ParameterError(
            f"--device gpu: --method {method.name} runs on the CPU only (its float32 products "
            "in the reference's order decide the split); use --device cpu"
        )
    if method.cpu_only:
        return "cpu", np, f"--method {method.name} runs on the CPU only"
    return resolve_device(device, needed_bytes)


def reference_data_type(modality: str) -> str:
    """The reference's ``data_type`` for an input modality, or :class:`ParameterError`."""
    try:
        return REFERENCE_DATA_TYPES[modality]
    except KeyError:
        raise ParameterError(
            f"--method {compat.REFERENCE_METHOD} cannot split {modality} inputs; it handles "
            f"{', '.join(REFERENCE_DATA_TYPES)} inputs"
        ) from None


def blas_description() -> str:
    """The host BLAS library(ies), e.g. ``openblas 0.3.27 (Haswell)``: the reference's
    float32 result can depend on the BLAS build and the CPU it runs on."""
    from threadpoolctl import threadpool_info

    found = [
        f"{entry.get('internal_api')} {entry.get('version')} ({entry.get('architecture')})"
        for entry in threadpool_info()
        if entry.get("user_api") == "blas"
    ]
    return "; ".join(sorted(set(found))) or "unknown"


def _blas_threads(threads: int | None) -> AbstractContextManager[object]:
    """Limit host BLAS to ``threads`` threads (no limit when ``None``)."""
    if threads is None:
        return nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=threads, user_api="blas")


def _text_digests(texts: list[str]) -> np.ndarray:
    """One BLAKE2b-128 digest of the UTF-8 text of each string, as an ``S16`` array."""
    out = np.empty(len(texts), dtype=f"S{DIGEST_BYTES}")
    for i, text in enumerate(texts):
        out[i] = hashlib.blake2b(text.encode("utf-8"), digest_size=DIGEST_BYTES).digest()
    return out
