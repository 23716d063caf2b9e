"""Malformed NPY, NPZ and HDF5 files (pickles among them, which must never be loaded)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from .cases import BAD_DATA, BAD_PARAMETER, TRAP_FILE, Refused, Trap, hdf5, npy, numbers, write


def refused(root: Path) -> list[Refused]:
    trap = Trap(root / TRAP_FILE)
    rows = np.arange(40, dtype=np.float64).reshape(20, 2) % 7
    npy_bytes = io.BytesIO()
    np.save(npy_bytes, rows)
    with_nan = rows.copy()
    with_nan[3, 1] = np.nan

    def archive(**arrays: np.ndarray) -> bytes:
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        return buffer.getvalue()

    npz_bytes = archive(x=rows, y=np.arange(20))
    refused = [
        Refused(
            "zero-byte NPY",
            "npy",
            write(root, "empty.npy", b""),
            (),
            BAD_DATA,
            "empty.npy: file is empty",
        ),
        Refused(
            "truncated NPY",
            "npy",
            write(root, "truncated.npy", npy_bytes.getvalue()[:150]),
            (),
            BAD_DATA,
            "truncated.npy: truncated: its header declares shape (20, 2) of float64 (320 bytes",
        ),
        Refused(
            "NPY with a garbled header",
            "npy",
            write(root, "garbled.npy", npy_bytes.getvalue().replace(b"(20, 2)", b"(20, 2", 1)),
            (),
            BAD_DATA,
            "garbled.npy: not a readable .npy file (bad header: ",
        ),
        Refused(
            "text named .npy",
            "npy",
            write(root, "text.npy", numbers()),
            (),
            BAD_DATA,
            "text.npy: not a readable .npy file",
        ),
        Refused(
            "NPY needing pickle (a trap)",
            "npy",
            npy(root, "pickled.npy", np.array([trap, trap], dtype=object), allow_pickle=True),
            (),
            BAD_DATA,
            "pickled.npy: holds Python objects (pickle); benchmake never loads pickles",
        ),
        Refused(
            "NPY of strings",
            "npy",
            npy(root, "strings.npy", np.array([["a", "b"], ["c", "d"]])),
            (),
            BAD_DATA,
            "strings.npy: dtype <U1 is not numeric",
        ),
        Refused(
            "NPY of complex numbers",
            "npy",
            npy(root, "complex.npy", rows.astype(complex)),
            (),
            BAD_DATA,
            "complex.npy: dtype complex128 is not numeric",
        ),
        Refused(
            "NPY scalar",
            "npy",
            npy(root, "scalar.npy", np.array(3.0)),
            (),
            BAD_DATA,
            "scalar.npy: holds no rows (shape ())",
        ),
        Refused(
            "NPY with no rows",
            "npy",
            npy(root, "no_rows.npy", np.zeros((0, 3))),
            (),
            BAD_DATA,
            "no_rows.npy: holds no rows (shape (0, 3))",
        ),
        Refused(
            "NPY with NaN",
            "npy",
            npy(root, "nan.npy", with_nan),
            (),
            BAD_DATA,
            "nan.npy: row 3, column '1': missing value",
        ),
        Refused(
            "NPZ needing pickle (a trap)",
            "npz",
            write(root, "pickled.npz", archive(x=np.array([trap, trap], dtype=object))),
            (),
            BAD_DATA,
            "pickled.npz: array 'x' holds Python objects (pickle); benchmake never loads",
        ),
        Refused(
            "text named .npz",
            "npz",
            write(root, "text.npz", numbers()),
            (),
            BAD_DATA,
            "text.npz: not a readable .npz file",
        ),
        Refused(
            "truncated NPZ",
            "npz",
            write(root, "truncated.npz", npz_bytes[: len(npz_bytes) // 2]),
            (),
            BAD_DATA,
            "truncated.npz: not a readable .npz file",
        ),
        Refused(
            "NPZ with a wrong key",
            "npz",
            write(root, "keys.npz", npz_bytes),
            ("--key", "images"),
            BAD_PARAMETER,
            "--key 'images': no such array in keys.npz; arrays are: x, y",
        ),
        Refused(
            "NPZ of several arrays without --key",
            "npz",
            write(root, "ambiguous.npz", npz_bytes),
            (),
            BAD_PARAMETER,
            "ambiguous.npz: holds 2 arrays; choose with --key: x, y",
        ),
        Refused(
            "NPZ keys that cannot be joined",
            "npz",
            write(root, "unjoinable.npz", archive(x=rows, z=np.zeros((5, 3)))),
            ("--key", "x,z"),
            BAD_DATA,
            "unjoinable.npz: arrays 'x' (20, 2) and 'z' (5, 3) differ beyond the first",
        ),
        Refused(
            "NPZ labels of another length",
            "npz",
            write(root, "labels.npz", archive(x=rows, y=np.arange(19))),
            ("--key", "x", "--target-key", "y"),
            BAD_DATA,
            "labels.npz: --target-key rows [19] do not match --key rows [20]",
        ),
    ]

    def with_group(handle) -> None:  # type: ignore[no-untyped-def]
        handle.create_group("grp")["x"] = rows
        handle["other"] = rows

    def strings(handle) -> None:  # type: ignore[no-untyped-def]
        handle["names"] = np.array([b"a", b"b", b"c"])

    def scalar(handle) -> None:  # type: ignore[no-untyped-def]
        handle["x"] = 3.0

    def no_datasets(handle) -> None:  # type: ignore[no-untyped-def]
        handle.create_group("empty")

    hdf5_ok = hdf5(root, "keys.h5", lambda h: h.create_dataset("x", data=rows))
    hdf5_bytes = (root / hdf5_ok).read_bytes()
    refused += [
        Refused(
            "HDF5 with a wrong key",
            "hdf5",
            hdf5_ok,
            ("--key", "images"),
            BAD_PARAMETER,
            "--key 'images': no such array in keys.h5; arrays are: x",
        ),
        Refused(
            "HDF5 group in place of a dataset",
            "hdf5",
            hdf5(root, "group.h5", with_group),
            ("--key", "grp"),
            BAD_PARAMETER,
            "--key 'grp': is a group in group.h5, not a dataset; datasets are: grp/x, other",
        ),
        Refused(
            "HDF5 of strings",
            "hdf5",
            hdf5(root, "strings.h5", strings),
            (),
            BAD_DATA,
            "strings.h5: array 'names' has dtype |S1, not numbers",
        ),
        Refused(
            "HDF5 scalar",
            "hdf5",
            hdf5(root, "scalar.h5", scalar),
            ("--key", "x"),
            BAD_DATA,
            "scalar.h5: array 'x' is a single value, not rows of samples",
        ),
        Refused(
            "HDF5 without datasets",
            "hdf5",
            hdf5(root, "no_datasets.h5", no_datasets),
            (),
            BAD_DATA,
            "no_datasets.h5: holds no datasets",
        ),
        Refused(
            "truncated HDF5",
            "hdf5",
            write(root, "truncated.h5", hdf5_bytes[: len(hdf5_bytes) // 3]),
            (),
            BAD_DATA,
            "truncated.h5: not a readable HDF5 file",
        ),
        Refused(
            "text named .h5",
            "hdf5",
            write(root, "text.h5", numbers()),
            (),
            BAD_DATA,
            "text.h5: not a readable HDF5 file",
        ),
    ]
    return refused
