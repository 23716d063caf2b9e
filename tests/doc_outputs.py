"""Sample outputs in docs/ made by the current code, never by hand (as sqlite-utils does
with cog).

A page marks each sample output with an HTML comment on the line before its fence::

    <!-- output: benchmake verify splits/manifest.json -->
    ```console
    $ benchmake verify splits/manifest.json
    ...what the command prints...
    ```

and may prepare the working folder with ``<!-- setup: SHELL COMMAND -->`` lines before it.
The commands of one page run in order, in one fresh folder holding a copy of
``sample_data/``, with stdout and stderr as a pipe shows them. ``python -m
tests.doc_outputs`` rewrites the blocks; tests/test_docs.py fails when one differs.
Timings, memory sizes and library versions are compared as placeholders.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
MARK = re.compile(r"^<!-- (output|setup): (.+?) -->$")
FENCE = "```"
#: machine-dependent parts of an output, compared as placeholders
VOLATILE = (
    (re.compile(r"\b\d+(\.\d+)? ?(ms|s|min|h)\b"), "<time>"),
    (re.compile(r"\d+(\.\d+)? [KMGT]iB available"), "<memory> available"),
    (re.compile(r"\b(numpy|python|scipy|pandas) \d+\.\d+(\.\d+)?\S*"), r"\1 <version>"),
    (re.compile(r"\(\d+ threads?\)"), "(<threads>)"),
    (re.compile(r"(early-stop test|archetype order|free-row choice) [0-9.e+-]+"), r"\1 <margin>"),
    (re.compile(r"decision_margins \{[^}]*\}"), "decision_margins <margins>"),
)


#: plain progress lines, printed only for stages slower than a second
PROGRESS = re.compile(r"^benchmake: [^:]+: (done in \S+ s|\d+/\d+ \(\S+ s\))$")


def normalise(text: str) -> str:
    """The text with timings, free memory and library versions as placeholders."""
    for pattern, placeholder in VOLATILE:
        text = pattern.sub(placeholder, text)
    return text


def run_shell(command: str, folder: Path) -> str:
    """What ``command`` prints (stdout and stderr in order), ``benchmake`` being this code."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
        "NO_COLOR": "1",
    }
    env.pop("SOURCE_DATE_EPOCH", None)
    shim = folder / ".bin"
    shim.mkdir(exist_ok=True)
    launcher = shim / "benchmake"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m benchmake_cli "$@"\n')
    launcher.chmod(0o755)
    env["PATH"] = f"{shim}{os.pathsep}{env['PATH']}"
    done = subprocess.run(
        command,
        shell=True,
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    return "".join(
        line for line in done.stdout.splitlines(keepends=True) if not PROGRESS.match(line)
    )


def blocks(text: str) -> list[tuple[int, int, str, list[str]]]:
    """Each marked block: (first line of its body, line of its closing fence, command, the
    setup commands before it), line numbers 0-based."""
    lines = text.split("\n")
    found, setups = [], []
    for i, line in enumerate(lines):
        mark = MARK.match(line)
        if mark is None:
            continue
        if mark.group(1) == "setup":
            setups.append(mark.group(2))
            continue
        if i + 1 >= len(lines) or not lines[i + 1].startswith(FENCE):
            raise ValueError(f"line {i + 1}: an output mark must stand right above a fence")
        end = next(j for j in range(i + 2, len(lines)) if lines[j] == FENCE)
        found.append((i + 2, end, mark.group(2), setups))
        setups = []
    return found


def render(page: Path) -> str:
    """The page with every marked block made again from the current code."""
    text = page.read_text(encoding="utf-8")
    marked = blocks(text)
    if not marked:
        return text
    lines = text.split("\n")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        shutil.copytree(ROOT / "sample_data", folder / "sample_data")
        outputs = []
        for _start, _end, command, setups in marked:
            for setup in setups:
                run_shell(setup, folder)
            output = run_shell(command, folder).rstrip("\n")
            outputs.append([f"$ {command}", *output.split("\n")])
    for (start, end, _command, _setups), body in reversed(list(zip(marked, outputs, strict=True))):
        lines[start:end] = body
    return "\n".join(lines)


def pages() -> list[Path]:
    return sorted(p for p in DOCS.glob("*.md") if "<!-- output: " in p.read_text("utf-8"))


def main() -> int:
    """Rewrite every marked block of docs/."""
    for page in pages():
        page.write_text(render(page), encoding="utf-8")
        print(f"wrote {page.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
