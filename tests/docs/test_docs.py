"""The README and docs stay true: their Python examples run, every `accelsim` command they show
parses, and the outputs they print are what the commands print today."""

from __future__ import annotations

import io
import re
import shlex
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from accelsim.cli.main import build_parser, main

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def python_blocks() -> list[tuple[str, int, str]]:
    found = []
    for page in PAGES:
        text = page.read_text()
        for match in re.finditer(r"^```python\n(.*?)^```", text, re.S | re.M):
            line = text[: match.start()].count("\n") + 1
            found.append((page.name, line, match.group(1)))
    return found


def command_lines() -> list[tuple[str, str]]:
    """Every `accelsim ...` command in an indented or fenced block (continuations joined)."""
    found = []
    for page in PAGES:
        lines = page.read_text().splitlines()
        i, fenced = 0, False
        while i < len(lines):
            raw = lines[i].strip()
            if raw.startswith("```"):
                fenced = not fenced
            cmd = raw[2:] if raw.startswith("$ ") else raw
            if cmd.startswith("accelsim ") and (fenced or lines[i].startswith("    ")):
                while cmd.endswith("\\") and i + 1 < len(lines):
                    i += 1
                    cmd = cmd[:-1] + " " + lines[i].strip()
                cmd = cmd.split(" #", 1)[0].split(" > ", 1)[0].strip()
                found.append((page.name, cmd))
            i += 1
    return found


@pytest.mark.parametrize(("page", "line", "code"), python_blocks(), ids=lambda v: str(v)[:20])
def test_python_examples_run(page, line, code, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{page}:{line}\n{result.stderr[-2000:]}"


def test_every_shown_command_parses():
    commands = command_lines()
    assert len(commands) > 20
    parser = build_parser()
    for page, cmd in commands:
        argv = shlex.split(cmd)[1:]
        try:
            parser.parse_args(argv)
        except SystemExit:
            pytest.fail(f"{page}: `{cmd}` does not parse")


def shown_outputs() -> list[tuple[str, list[str]]]:
    """Indented blocks of the form `$ accelsim ...` followed by its output (up to `...` or the
    end of the block; blank lines inside it are part of the output)."""
    found = []
    for page in PAGES:
        lines = page.read_text().splitlines()
        for i, line in enumerate(lines):
            if line.startswith("    $ accelsim "):
                output = []
                for following in lines[i + 1 :]:
                    if following.strip() == "..." or following.startswith("    $ "):
                        break
                    if not following.startswith("    ") and following.strip():
                        break
                    output.append(following[4:])
                while output and not output[-1].strip():
                    output.pop()
                found.append((line[6:], output))
    return found


@pytest.mark.parametrize(("cmd", "expected"), shown_outputs(), ids=lambda v: str(v)[:50])
def test_readme_outputs_are_current(cmd, expected):
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert main(shlex.split(cmd)[1:]) == 0
    actual = buffer.getvalue().splitlines()
    assert actual[: len(expected)] == expected


def test_every_shown_image_is_made_by_a_shown_command():
    """An image the pages show is the --plot/--heatmap output of a command they show, so it can
    be remade (and is not drawn by hand)."""
    made = set()
    for _, cmd in command_lines():
        argv = shlex.split(cmd)
        for flag in ("--plot", "--heatmap", "--trace-plot"):
            if flag in argv:
                made.add(argv[argv.index(flag) + 1])
    for page in PAGES:
        for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", page.read_text()):
            path = (page.parent / image).resolve().relative_to(ROOT)
            assert (ROOT / path).is_file(), f"{page.name}: {image} does not exist"
            assert str(path) in made, f"{page.name}: no shown command makes {image}"


def test_readme_network_bounds_are_the_code_s():
    from accelsim.workload.layer import MAX_CHANNELS, MAX_EXTENT, MAX_LAYER_MACS

    text = (ROOT / "README.md").read_text()
    assert MAX_EXTENT == 65_536 and "extents up to\n65,536" in text
    assert MAX_CHANNELS == 2**20 and "channels up to 2^20" in text
    assert MAX_LAYER_MACS == 10**12 and "10^12 MACs per layer" in text
