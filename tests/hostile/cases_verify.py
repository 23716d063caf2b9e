"""Classes 3 to 7 and 11: verify echoes nothing, catches every edit of what is published,
parses manifests with limits; score's output is strict JSON."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd

from . import Case, Run
from .base import copy, edit_manifest, ids_frame, rehash

ECHO = "leaks: verify echoes"
LISTINGS = "tampering: image listings"
TEXT = "tampering: ids and text compared as text"
CARD = "tampering: the card"
MANIFEST = "manifests parsed with limits"
SCORE = "predictions and strict JSON"
SECRET = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI"


def _verify(*args: object) -> list[str]:
    return ["verify", *(str(a) for a in args)]


# --- class 3: verify quotes nothing of a file that is not the data --------------------------


def _secret_link(column: bool):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        copy(base, tmp, "splits")
        secret = tmp / "secret.env"
        first = "hardness_hv" if column else SECRET
        secret.write_text(f"{first},x\n{SECRET},1\n" * 3)
        (tmp / "alloys.csv").symlink_to(secret)
        return Run(
            _verify(tmp / "splits"),
            7,
            "its content is not quoted",
            stream="stdout",
            absent=(SECRET,),
        )

    return build


def _secret_data(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "splits")
    (tmp / "secret.env").write_text(f"{SECRET}\nPASSWORD=hunter2\n")
    return Run(
        _verify(tmp / "splits", "--data", tmp / "secret.env"),
        7,
        "its content is not quoted",
        stream="stdout",
        absent=(SECRET, "hunter2"),
    )


def _secret_with_suffix(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "splits")
    (tmp / "secret.csv").write_text(f"{SECRET}\n1\n2\n")
    return Run(
        _verify(tmp / "splits", "--data", tmp / "secret.csv"),
        7,
        "its content is not quoted",
        stream="stdout",
        absent=(SECRET,),
    )


def _secret_column(tmp: Path, base: Path) -> Run:
    """Data that splits as recorded but carries one more column, named like a secret: the
    record check says a field differs without quoting the data's value."""
    copy(base, tmp, "alloys.csv", "splits")
    frame = pd.read_csv(tmp / "alloys.csv", dtype=str)
    frame[SECRET] = "1"
    frame.to_csv(tmp / "extra.csv", index=False)
    return Run(
        _verify(tmp / "splits", "--data", tmp / "extra.csv"),
        7,
        "recomputed another value",
        stream="stdout",
        absent=(SECRET,),
    )


def _escape_name(tmp: Path, base: Path) -> Run:
    return Run(
        ["split", str(tmp / "\x1b[2Jdata\x07.csv"), "--frac", "0.2", "--out", str(tmp / "o")],
        3,
        "\\x1b[2Jdata\\x07.csv",
        out=tmp / "o",
        out_after="absent",
    )


def _escape_column(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "alloys.csv")
    return Run(
        [
            "split",
            str(tmp / "alloys.csv"),
            "--frac",
            "0.2",
            "--target",
            "y\x1b]0;pwned\x07",
            "--out",
            str(tmp / "o"),
        ],
        5,
        "\\x1b]0;pwned",
        out=tmp / "o",
        out_after="absent",
    )


def _huge_cell(tmp: Path, base: Path) -> Run:
    rows = ["a,b"] + [f"{i},{i * 2}" for i in range(30)]
    rows[5] = "x" * 200_000 + ",8"
    (tmp / "cell.csv").write_text("\n".join(rows) + "\n")
    return Run(
        ["split", str(tmp / "cell.csv"), "--frac", "0.2", "--out", str(tmp / "o")],
        4,
        "column 'a'",
        out=tmp / "o",
        out_after="absent",
    )


def _huge_name(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "alloys.csv")
    return Run(
        [
            "split",
            str(tmp / "alloys.csv"),
            "--frac",
            "0.2",
            "--target",
            "t" * 50_000,
            "--out",
            str(tmp / "o"),
        ],
        5,
        "--target",
        out=tmp / "o",
        out_after="absent",
    )


def _newline_in_name(tmp: Path, base: Path) -> Run:
    return Run(["inspect", str(tmp / "a\nb\r.csv")], 3, "a\\nb\\r.csv")


def _bidi_name(tmp: Path, base: Path) -> Run:
    return Run(["inspect", str(tmp / "evil\u202egpj.csv")], 3, "evil\\u202egpj.csv")


def _escape_manifest_key(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "splits")
    text = (tmp / "splits" / "manifest.json").read_text()
    (tmp / "splits" / "manifest.json").write_text(
        text.replace('"schema"', '"\\u001b[31mred": 1, "\\u001b[31mred": 2, "schema"', 1)
    )
    return Run(_verify(tmp / "splits"), 8, "\\x1b[31mred")


# --- class 4: image listings -------------------------------------------------------------


def _listing_line(path: Path, line: int) -> str:
    return path.read_text().splitlines()[line].split(",")[0]


def _swap(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "shapes_png", "imgsplits")
    a = tmp / "shapes_png" / _listing_line(tmp / "imgsplits" / "test.csv", 1)
    b = tmp / "shapes_png" / _listing_line(tmp / "imgsplits" / "train.csv", 1)
    data_a, data_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(data_b)
    b.write_bytes(data_a)
    return Run(_verify(tmp / "imgsplits"), 7, "listings:", stream="stdout")


def _rename(side: str):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        copy(base, tmp, "shapes_png", "imgsplits")
        a = tmp / "shapes_png" / _listing_line(tmp / "imgsplits" / f"{side}.csv", 1)
        a.rename(a.with_name("renamed_" + a.name))
        return Run(_verify(tmp / "imgsplits"), 7, "listings:", stream="stdout")

    return build


def _rename_loads(tmp: Path, base: Path) -> Run:
    from benchmake_cli import load_split

    copy(base, tmp, "shapes_png", "imgsplits")
    a = tmp / "shapes_png" / _listing_line(tmp / "imgsplits" / "test.csv", 1)
    a.rename(a.with_name("renamed_" + a.name))
    return Run(api=lambda: load_split(tmp / "imgsplits"), code=7, message="which is not a file")


def _forged_listing(path: str, bundle_only: bool):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        copy(base, tmp, "shapes_png", "imgsplits")
        listing = tmp / "imgsplits" / "test.csv"
        lines = listing.read_text().splitlines()
        lines[1] = f"{path},circle"
        listing.write_text("\n".join(lines) + "\n")
        rehash(tmp / "imgsplits", "test.csv")
        extra = ["--bundle-only"] if bundle_only else []
        return Run(
            _verify(tmp / "imgsplits", *extra),
            7,
            "not a path inside the data folder",
            stream="stdout",
        )

    return build


def _forged_listing_loads(path: str):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        from benchmake_cli import load_split

        _forged_listing(path, True)(tmp, base)
        return Run(
            api=lambda: load_split(tmp / "imgsplits"),
            code=7,
            message="not a path inside the data folder",
        )

    return build


def _listed_twice(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "shapes_png", "imgsplits")
    train = _listing_line(tmp / "imgsplits" / "train.csv", 1)
    listing = tmp / "imgsplits" / "test.csv"
    lines = listing.read_text().splitlines()
    lines[1] = f"{train},{train.split('/')[0]}"
    listing.write_text("\n".join(lines) + "\n")
    rehash(tmp / "imgsplits", "test.csv")
    return Run(
        _verify(tmp / "imgsplits", "--bundle-only"), 7, "is also in train.csv", stream="stdout"
    )


def _rows_swapped_between_listings(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "shapes_png", "imgsplits")
    test, train = tmp / "imgsplits" / "test.csv", tmp / "imgsplits" / "train.csv"
    t_lines, r_lines = test.read_text().splitlines(), train.read_text().splitlines()
    t_lines[1], r_lines[1] = r_lines[1], t_lines[1]
    test.write_text("\n".join(t_lines) + "\n")
    train.write_text("\n".join(r_lines) + "\n")
    rehash(tmp / "imgsplits", "test.csv", "train.csv")
    return Run(_verify(tmp / "imgsplits"), 7, "FAIL", stream="stdout")


def _image_added(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "shapes_png", "imgsplits")
    shutil.copy(
        tmp / "shapes_png" / "circle" / "circle_00.png",
        tmp / "shapes_png" / "circle" / "circle_99.png",
    )
    return Run(_verify(tmp / "imgsplits"), 7, "FAIL", stream="stdout")


def _unrelated_file_added(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "shapes_png", "imgsplits")
    (tmp / "shapes_png" / "README.txt").write_text("about these images\n")
    return Run(_verify(tmp / "imgsplits"), 0, "verified", stream="stdout")


# --- class 5: ids, targets and text compared as text --------------------------------------


def _text_edit(column: str, old: str, new: str, code: int = 7, fmt: str = "csv"):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        copy(base, tmp, "idsplits")
        frame = ids_frame()
        if column:
            frame[column] = frame[column].replace(old, new)
            assert (frame[column] == new).any(), (column, old)
        frame = frame.iloc[::-1]  # reordered too: still compared row by row, by content
        data = tmp / f"ids.{fmt}"
        if fmt == "csv":
            frame.to_csv(data, index=False)
        else:
            frame.astype(str).to_parquet(data)
        message = "compared as exact text" if code == 7 else "verified"
        return Run(_verify(tmp / "idsplits", "--data", data), code, message, stream="stdout")

    return build


def _column_report(tmp: Path, base: Path) -> Run:
    run = _text_edit("", "", "", 0)(tmp, base)

    def check(stdout: str) -> None:
        line = next(line for line in stdout.splitlines() if line.startswith("ok    columns:"))
        assert "big_id, code, y, phase compared as exact text" in line, line
        assert "compared as float64" in line, line

    run.check = check
    return run


# --- class 6: the card ----------------------------------------------------------------------


PREFIX, SUFFIX = "<!-- benchmake-card ", " -->"


def _card_lines(folder: Path) -> tuple[Path, list[str], int, dict]:  # type: ignore[type-arg]
    """The card, its lines, the index of its benchmake-card line and that line's JSON."""
    card = folder / "README.md"
    lines = card.read_text().split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(PREFIX))
    return card, lines, at, json.loads(lines[at][len(PREFIX) : -len(SUFFIX)])


def _card_header(bundle_only: bool):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        copy(base, tmp, "alloys.csv", "splits")
        card, lines, at, header = _card_lines(tmp / "splits")
        header["baseline"] = 99.0
        lines[at] = f"{PREFIX}{json.dumps(header, sort_keys=True)}{SUFFIX}"
        card.write_text("\n".join(lines))
        extra = ["--bundle-only"] if bundle_only else []
        return Run(_verify(tmp / "splits", *extra), 7, "states a baseline", stream="stdout")

    return build


def _card_body(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "alloys.csv", "splits")
    card = tmp / "splits" / "README.md"
    text = card.read_text()
    assert "k-nearest neighbours" in text
    card.write_text(text.replace("k-nearest neighbours", "a large language model"))
    return Run(_verify(tmp / "splits"), 7, "differ from what the recomputed", stream="stdout")


def _card_consistent_forgery(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "alloys.csv", "splits")
    card, lines, at, header = _card_lines(tmp / "splits")
    old = f"{header['baseline']:.4f}"
    header["baseline"] = 1.0
    lines[at] = f"{PREFIX}{json.dumps(header, sort_keys=True)}{SUFFIX}"
    card.write_text("\n".join(lines).replace(old, "1.0000"))
    return Run(_verify(tmp / "splits"), 7, "recomputed: rmse", stream="stdout")


def _croissant(edit: str):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        copy(base, tmp, "alloys.csv", "splits")
        path = tmp / "splits" / "croissant.json"
        metadata = json.loads(path.read_text())
        if edit == "a file's hash":
            metadata["distribution"][1]["sha256"] = "0" * 64
        elif edit == "its url":
            metadata["url"] = "urn:sha256:" + "0" * 64
        else:
            metadata["description"] = "a different data set"
        path.write_text(json.dumps(metadata, indent=2, sort_keys=True) + "\n")
        if edit == "its description":
            return Run(_verify(tmp / "splits"), 7, "croissant.json differ", stream="stdout")
        return Run(
            _verify(tmp / "splits", "--bundle-only"),
            7,
            "croissant.json is not bound",
            stream="stdout",
        )

    return build


def _card_score(tmp: Path, base: Path) -> Run:
    run = _card_header(True)(tmp, base)
    rows = (tmp / "splits" / "test_indices.txt").read_text().split()
    predictions = tmp / "p.csv"
    predictions.write_text("row,prediction\n" + "".join(f"{r},200\n" for r in rows))
    run.args = ["score", str(tmp / "splits"), str(predictions), "--data", str(tmp / "alloys.csv")]
    run.stream = "stderr"
    run.message = "states a baseline"
    return run


def _card_rebound(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "alloys.csv", "splits")
    edit_manifest(tmp / "splits", lambda m: m["info"].update(device="forged"))
    return Run(
        _verify(tmp / "splits", "--bundle-only"), 7, "bound to another manifest", stream="stdout"
    )


# --- class 7: manifests parsed with limits --------------------------------------------------


def _manifest_text(text: str | bytes, code: int, message: str):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        folder = tmp / "m"
        folder.mkdir()
        path = folder / "manifest.json"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
        return Run(_verify(path), code, message)

    return build


def _manifest_edit(raw: str, message: str, code: int = 8):  # type: ignore[no-untyped-def]
    """Splice ``raw`` JSON text into a real manifest, right after its opening brace."""

    def build(tmp: Path, base: Path) -> Run:
        copy(base, tmp, "alloys.csv", "splits")
        path = tmp / "splits" / "manifest.json"
        path.write_text(path.read_text().replace("{", "{" + raw, 1))
        return Run(_verify(tmp / "splits"), code, message)

    return build


def _manifest_replace(old: str, new: str, message: str, code: int = 8):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        copy(base, tmp, "alloys.csv", "splits")
        path = tmp / "splits" / "manifest.json"
        text = path.read_text()
        assert old in text, old
        path.write_text(text.replace(old, new, 1))
        return Run(_verify(tmp / "splits"), code, message)

    return build


def _manifest_fifo(tmp: Path, base: Path) -> Run:
    os.mkfifo(tmp / "manifest.json")
    return Run(_verify(tmp / "manifest.json"), 8, "not a regular file")


def _manifest_missing(where: str):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        if where == "folder":
            (tmp / "splits").mkdir()
            return Run(_verify(tmp / "splits"), 3, "no such manifest")
        return Run(_verify(tmp / "nothing.json"), 3, "no such manifest")

    return build


def _manifest_load_split(raw: str, message: str):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        from benchmake_cli import load_split

        _manifest_edit(raw, message)(tmp, base)
        return Run(api=lambda: load_split(tmp / "splits"), code=8, message=message)

    return build


# --- class 11: predictions ------------------------------------------------------------------


def _predictions(value: str, code: int, message: str, json_out: bool = False):  # type: ignore[no-untyped-def]
    def build(tmp: Path, base: Path) -> Run:
        copy(base, tmp, "alloys.csv", "splits")
        rows = (tmp / "splits" / "test_indices.txt").read_text().split()
        lines = [f"{r},{value if i == 3 else 200}" for i, r in enumerate(rows)]
        predictions = tmp / "p.csv"
        predictions.write_text("row,prediction\n" + "\n".join(lines) + "\n")
        args = ["score", str(tmp / "splits"), str(predictions)]
        if json_out:
            args.append("--json")
        run = Run(args, code, message)
        if json_out:
            run.stream = "stdout"

            def strict(stdout: str) -> None:
                def refuse(token: str) -> None:
                    raise AssertionError(f"{token} is not JSON")

                json.loads(stdout, parse_constant=refuse)

            run.check = strict
        return run

    return build


def _predictions_text(tmp: Path, base: Path) -> Run:
    copy(base, tmp, "alloys.csv", "splits")
    rows = (tmp / "splits" / "test_indices.txt").read_text().split()
    predictions = tmp / "p.txt"
    predictions.write_text("".join("1e308\n" if i == 0 else "200\n" for i, _ in enumerate(rows)))
    return Run(["score", str(tmp / "splits"), str(predictions)], 12, "line 1")


CASES = [
    Case(ECHO, "data linked to a secret file", _secret_link(False)),
    Case(ECHO, "data linked to a secret with the target's name", _secret_link(True)),
    Case(ECHO, "--data a secret file", _secret_data),
    Case(ECHO, "--data a secret named .csv", _secret_with_suffix),
    Case(ECHO, "--data carries a column named like a secret", _secret_column),
    Case(ECHO, "escape codes in a file name", _escape_name),
    Case(ECHO, "escape codes in a column option", _escape_column),
    Case(ECHO, "a 200,000-character cell", _huge_cell),
    Case(ECHO, "a 50,000-character column name", _huge_name),
    Case(ECHO, "new lines in a file name", _newline_in_name),
    Case(ECHO, "a right-to-left override in a name", _bidi_name),
    Case(ECHO, "escape codes in a manifest key", _escape_manifest_key),
    Case(LISTINGS, "two images' contents swapped", _swap),
    Case(LISTINGS, "a test image renamed", _rename("test")),
    Case(LISTINGS, "a training image renamed", _rename("train")),
    Case(LISTINGS, "load_split after a rename", _rename_loads),
    *(
        Case(
            LISTINGS,
            f"listing names {path!r}{' (bundle only)' if only else ''}",
            _forged_listing(path, only),
        )
        for path in (
            "../../etc/passwd",
            "/etc/passwd",
            "circle/../../x.png",
            "./circle/a.png",
            "circle\\\\a.png",
            "C:/x.png",
        )
        for only in (True, False)
    ),
    Case(
        LISTINGS,
        "load_split of a listing leaving the folder",
        _forged_listing_loads("../../etc/passwd"),
    ),
    Case(LISTINGS, "load_split of an absolute listing", _forged_listing_loads("/etc/passwd")),
    Case(LISTINGS, "a file listed on both sides", _listed_twice),
    Case(LISTINGS, "rows swapped between listings", _rows_swapped_between_listings),
    Case(LISTINGS, "an image added to the data", _image_added),
    Case(LISTINGS, "an unrelated file added: passes", _unrelated_file_added),
    Case(
        TEXT, "a 20-digit id", _text_edit("big_id", "98765432109876543215", "98765432109876543299")
    ),
    Case(TEXT, "a leading space in an id", _text_edit("code", "A0007", " A0007")),
    Case(TEXT, "a trailing space in an id", _text_edit("code", "A0007", "A0007 ")),
    Case(TEXT, "zero padding dropped", _text_edit("code", "A0007", "A7")),
    Case(TEXT, "a trailing space in a text feature", _text_edit("phase", "fcc", "fcc ")),
    Case(
        TEXT, "a target's digits", _text_edit("y", ids_frame()["y"][3], ids_frame()["y"][3] + "0")
    ),
    Case(TEXT, "an id's case", _text_edit("code", "A0011", "a0011")),
    Case(TEXT, "rows reordered: passes", _text_edit("", "", "", 0)),
    Case(TEXT, "re-saved as Parquet: passes", _text_edit("", "", "", 0, "parquet")),
    Case(TEXT, "the report names how columns compare", _column_report),
    Case(CARD, "baseline forged in the first line", _card_header(False)),
    Case(CARD, "baseline forged, --bundle-only", _card_header(True)),
    Case(CARD, "the card's text edited", _card_body),
    Case(CARD, "a consistent forgery of the baseline", _card_consistent_forgery),
    Case(CARD, "croissant.json: a file's hash", _croissant("a file's hash")),
    Case(CARD, "croissant.json: its url", _croissant("its url")),
    Case(CARD, "croissant.json: its description", _croissant("its description")),
    Case(CARD, "score refuses a forged card", _card_score),
    Case(CARD, "manifest edited, card left bound to the old one", _card_rebound),
    Case(MANIFEST, "a duplicate top-level key", _manifest_edit('"input": {},', "appears twice")),
    Case(
        MANIFEST,
        "a duplicate nested key",
        _manifest_replace(
            '"parameters": {', '"parameters": {"seed": 1, "seed": 2, ', "appears twice"
        ),
    ),
    Case(MANIFEST, "'[' * 200000", _manifest_text("[" * 200_000, 8, "nested")),
    Case(MANIFEST, "'{\"a\":' * 5000", _manifest_text('{"a":' * 5000, 8, "nested")),
    Case(
        MANIFEST,
        "nesting 40 levels deep",
        _manifest_edit('"x": ' + "[" * 40 + "]" * 40 + ",", "nested 41 levels deep"),
    ),
    Case(MANIFEST, "a 5,000-digit seed", _manifest_edit('"zz": ' + "9" * 5000 + ",", "characters")),
    Case(
        MANIFEST, "a 5,000-digit float", _manifest_edit('"zz": 0.' + "1" * 5000 + ",", "characters")
    ),
    Case(MANIFEST, "1e999", _manifest_edit('"zz": 1e999,', "out of float64 range")),
    Case(MANIFEST, "NaN", _manifest_edit('"zz": NaN,', "not a JSON number")),
    Case(MANIFEST, "Infinity", _manifest_edit('"zz": Infinity,', "not a JSON number")),
    Case(MANIFEST, "-Infinity", _manifest_edit('"zz": -Infinity,', "not a JSON number")),
    Case(MANIFEST, "not JSON", _manifest_text("{", 8, "not valid JSON")),
    Case(MANIFEST, "empty", _manifest_text("", 8, "not valid JSON")),
    Case(MANIFEST, "not UTF-8", _manifest_text(b"\xff\xfe{}", 8, "cannot be read")),
    Case(MANIFEST, "a list", _manifest_text("[]", 8, "top level is not an object")),
    Case(MANIFEST, "a FIFO", _manifest_fifo),
    Case(MANIFEST, "missing: exit 3", _manifest_missing("file")),
    Case(MANIFEST, "a folder without one: exit 3", _manifest_missing("folder")),
    Case(
        MANIFEST,
        "load_split of a duplicate key",
        _manifest_load_split('"split": {},', "appears twice"),
    ),
    Case(SCORE, "1e308", _predictions("1e308", 12, "line 5")),
    Case(SCORE, "-1e200", _predictions("-1e200", 12, "line 5")),
    Case(SCORE, "inf", _predictions("inf", 12, "line 5")),
    Case(SCORE, "nan", _predictions("nan", 12, "line 5")),
    Case(SCORE, "1e999", _predictions("1e999", 12, "line 5")),
    Case(SCORE, "a value list with 1e308", _predictions_text),
    Case(SCORE, "--json is strict JSON", _predictions("200", 0, "", json_out=True)),
]
