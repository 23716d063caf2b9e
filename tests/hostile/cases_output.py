"""Classes 1 and 12: --force never destroys what benchmake did not write; staging and races."""

from __future__ import annotations

import os
from pathlib import Path

from . import Case, Run
from .base import ALLOYS_ARGS, copy

FORCE = "destroys: --force"
STAGING = "staging and concurrent splits"


def _data_folder(tmp: Path, base: Path) -> Path:
    folder = tmp / "d"
    folder.mkdir()
    copy(base, folder, "alloys.csv")
    (folder / "notes.txt").write_text("mine\n")
    return folder


def _out_is_data_folder(tmp: Path, base: Path) -> Run:
    d = _data_folder(tmp, base)
    args = ["split", d / "alloys.csv", *ALLOYS_ARGS, "--out", d, "--force"]
    return Run([str(a) for a in args], 6, "holds the input", out=d)


def _out_is_parent(tmp: Path, base: Path) -> Run:
    d = _data_folder(tmp, base)
    args = ["split", d / "alloys.csv", *ALLOYS_ARGS, "--out", tmp, "--force"]
    return Run([str(a) for a in args], 6, "holds the input", out=None)


def _out_is_grandparent(tmp: Path, base: Path) -> Run:
    deep = tmp / "g" / "p"
    deep.mkdir(parents=True)
    copy(base, deep, "alloys.csv")
    args = ["split", deep / "alloys.csv", *ALLOYS_ARGS, "--out", tmp / "g", "--force"]
    return Run([str(a) for a in args], 6, "holds the input", out=tmp / "g")


def _out_without_force_holds_input(tmp: Path, base: Path) -> Run:
    d = _data_folder(tmp, base)
    args = ["split", d / "alloys.csv", *ALLOYS_ARGS, "--out", d]
    return Run([str(a) for a in args], 6, "holds the input", out=d)


def _out_links_to_data_folder(tmp: Path, base: Path) -> Run:
    d = _data_folder(tmp, base)
    (tmp / "link").symlink_to(d)
    args = ["split", d / "alloys.csv", *ALLOYS_ARGS, "--out", tmp / "link", "--force"]
    return Run([str(a) for a in args], 6, "holds the input", out=None)


def _out_inside_image_folder(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "shapes_png")
    out = tmp / "shapes_png" / "splits"
    args = ["split", tmp / "shapes_png", "--frac", "0.2", "--out", out]
    return Run([str(a) for a in args], 6, "is inside the input folder", out=out, out_after="absent")


def _out_inside_image_class(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "shapes_png")
    out = tmp / "shapes_png" / "circle" / "x"
    args = ["split", tmp / "shapes_png", "--frac", "0.2", "--out", out, "--force"]
    return Run([str(a) for a in args], 6, "is inside the input folder", out=out, out_after="absent")


def _out_is_the_image_folder(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "shapes_png")
    out = tmp / "shapes_png"
    args = ["split", out, "--frac", "0.2", "--out", out, "--force"]
    return Run([str(a) for a in args], 6, "holds the input", out=out)


def _foreign(tmp: Path, base: Path, what: str) -> Run:
    copy(base, tmp, "alloys.csv", "splits")
    out = tmp / "splits"
    if what == "file":
        (out / "notes.txt").write_text("mine\n")
    elif what == "hidden":
        (out / ".keep").write_text("")
    elif what == "folder":
        (out / "extra").mkdir()
    elif what == "nested":
        (out / "extra").mkdir()
        (out / "extra" / "a.txt").write_text("a")
    elif what == "no manifest":
        (out / "manifest.json").unlink()
    elif what == "bad manifest":
        (out / "manifest.json").write_text("{")
    elif what == "link":
        (out / "ln").symlink_to(tmp / "alloys.csv")
    args = ["split", tmp / "alloys.csv", *ALLOYS_ARGS, "--out", out, "--force"]
    return Run([str(a) for a in args], 6, "--force replaces only a benchmake bundle", out=out)


def _plain_folder(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "alloys.csv")
    out = tmp / "results"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work\n")
    args = ["split", tmp / "alloys.csv", *ALLOYS_ARGS, "--out", out, "--force"]
    return Run([str(a) for a in args], 6, "--force replaces only a benchmake bundle", out=out)


def _force_over_bundle(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "alloys.csv", "splits")
    out = tmp / "splits"
    args = ["split", tmp / "alloys.csv", *ALLOYS_ARGS, "--out", out, "--force"]
    return Run([str(a) for a in args], 0, "wrote", stream="stdout", out=out, out_after="bundle")


def _force_over_copy_bundle(tmp: Path, base: Path) -> Run:
    from benchmake_cli import split_file

    copy(base, tmp, "shapes_png")
    out = tmp / "copied"
    split_file(tmp / "shapes_png", frac=0.2, out=out, files="copy")
    args = ["split", tmp / "shapes_png", "--frac", "0.2", "--copy", "--out", out, "--force"]
    return Run([str(a) for a in args], 0, "wrote", stream="stdout", out=out, out_after="bundle")


def _out_is_dot(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "alloys.csv")
    empty = tmp / "empty"
    empty.mkdir()
    os.chdir(empty)
    args = ["split", str(tmp / "alloys.csv"), *ALLOYS_ARGS, "--out", "."]
    return Run(args, 6, "is the current folder", out=empty)


def _out_is_dot_forced(tmp: Path, base: Path) -> Run:
    run = _out_is_dot(tmp, base)
    run.args.append("--force")
    return run


def _long_name(length: int):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        copy(base, tmp, "alloys.csv")
        out = tmp / ("n" * length)
        args = ["split", tmp / "alloys.csv", *ALLOYS_ARGS, "--out", out]
        return Run([str(a) for a in args], 0, "wrote", stream="stdout", out=out, out_after="bundle")

    return build


def _long_unicode_name(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "alloys.csv")
    out = tmp / ("é" * 120)  # 240 bytes in UTF-8
    args = ["split", tmp / "alloys.csv", *ALLOYS_ARGS, "--out", out]
    return Run([str(a) for a in args], 0, "wrote", stream="stdout", out=out, out_after="bundle")


def _race(force: bool):  # type: ignore[no-untyped-def]
    """A run stages its bundle while another run writes the same new --out: the first must
    not replace the second's bundle (without --force), and leaves no staging folder."""

    def build(tmp: Path, base: Path) -> Run:
        from benchmake_cli import split_file
        from benchmake_cli.bundle.staging import staged_folder

        copy(base, tmp, "alloys.csv")
        out = tmp / "race"

        def call() -> None:
            with staged_folder(out, force, (tmp / "alloys.csv",)) as staging:
                (staging / "manifest.json").write_text("{}")
                split_file(
                    tmp / "alloys.csv",
                    frac=0.2,
                    out=out,
                    target="hardness_hv",
                    id_columns=["alloy_id"],
                )

        expected = 0 if force else 6
        return Run(
            api=call,
            code=expected,
            message="another run wrote it",
            out=out,
            out_after="bundle" if not force else "any",
        )

    return build


def _out_is_a_file(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "alloys.csv")
    (tmp / "out").write_text("x")
    args = ["split", tmp / "alloys.csv", *ALLOYS_ARGS, "--out", tmp / "out", "--force"]
    return Run([str(a) for a in args], 6, "exists and is not a folder", out=tmp / "out")


def _out_is_the_input_file(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "alloys.csv")
    args = ["split", tmp / "alloys.csv", *ALLOYS_ARGS, "--out", tmp / "alloys.csv", "--force"]
    return Run([str(a) for a in args], 6, "exists and is not a folder", out=tmp / "alloys.csv")


CASES = [
    Case(FORCE, "out is the data's folder", _out_is_data_folder),
    Case(FORCE, "out is the data folder's parent", _out_is_parent),
    Case(FORCE, "out is a grandparent of the data", _out_is_grandparent),
    Case(FORCE, "out holds the input, no --force", _out_without_force_holds_input),
    Case(FORCE, "out is a link to the data's folder", _out_links_to_data_folder),
    Case(FORCE, "out inside an image folder input", _out_inside_image_folder),
    Case(FORCE, "out inside a class folder of the input", _out_inside_image_class),
    Case(FORCE, "out is the image folder input", _out_is_the_image_folder),
    *(
        Case(FORCE, f"bundle plus {what}", lambda t, b, w=what: _foreign(t, b, w))
        for what in ("file", "hidden", "folder", "nested", "no manifest", "bad manifest", "link")
    ),
    Case(FORCE, "a folder of the user's own files", _plain_folder),
    Case(FORCE, "out is a file", _out_is_a_file),
    Case(FORCE, "out is the input file", _out_is_the_input_file),
    Case(FORCE, "over a bundle: replaced", _force_over_bundle),
    Case(FORCE, "over a --copy bundle: replaced", _force_over_copy_bundle),
    Case(STAGING, "--out . in an empty folder", _out_is_dot),
    Case(STAGING, "--out . --force", _out_is_dot_forced),
    Case(STAGING, "a 240-character --out name", _long_name(240)),
    Case(STAGING, "a 255-character --out name", _long_name(255)),
    Case(STAGING, "a 240-byte UTF-8 --out name", _long_unicode_name),
    Case(STAGING, "two runs into one new --out", _race(False)),
    Case(STAGING, "two --force runs into one --out", _race(True)),
]
