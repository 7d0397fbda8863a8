"""Entry point of the `accelsim` command: subcommands register themselves here.

Every error a user can cause ends as one line on stderr and exit code 2, never a traceback. Every
check that can fail on an output path runs before any work or output (`check_output_options`).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from accelsim.errors import AccelsimError
from accelsim.files.reading import short_repr

EXIT_USAGE = 2

MAX_MESSAGE_CHARS = 400
"""Longest error line printed: a message quoting a huge user value (argparse quotes an invalid
choice whole) is cut here, so the one line stays readable."""

SUBCOMMANDS = (
    "accelsim.cli.networks",
    "accelsim.cli.accelerator",
    "accelsim.cli.energy",
    "accelsim.cli.compare",
    "accelsim.cli.explore",
    "accelsim.cli.simulate",
    "accelsim.cli.partition",
    "accelsim.cli.validate",
    "accelsim.cli.calibrate",
    "accelsim.cli.warmup",
)


def one_line(message: str) -> str:
    """`message` on one line (newlines in user values collapsed), at most MAX_MESSAGE_CHARS."""
    text = " ".join(str(message).split())
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 3] + "..."


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(one_line(f"{self.prog}: error: {message}") + "\n")
        raise SystemExit(EXIT_USAGE)


class VersionAction(argparse.Action):
    """`--version`: argparse's version action, the version read from the package metadata only
    when asked (importing importlib.metadata costs every other command tens of ms)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(
            option_strings,
            dest=dest,
            default=argparse.SUPPRESS,
            nargs=0,
            help="show program's version number and exit",
        )

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        import accelsim

        sys.stdout.write(f"{parser.prog} {accelsim.__version__}\n")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="accelsim",
        description="Simulate CNN accelerators, model their energy, and partition CNNs between "
        "a client and the cloud.",
    )
    parser.add_argument("--version", action=VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    sub.required = True
    for module_name in SUBCOMMANDS:
        importlib.import_module(module_name).register(sub)
    return parser


FILE_OPTIONS = {
    "out": "--out",
    "plot": "--plot",
    "trace_plot": "--trace-plot",
    "heatmap": "--heatmap",
}
"""Options that name an output file (attribute -> flag)."""

IMAGE_OPTIONS = ("plot", "trace_plot", "heatmap")
"""Of those, the ones that save an image (the suffix names its format)."""

DIRECTORY_OPTIONS = {"scalesim_reports": "--scalesim-reports"}
"""Options that name an output directory (created if missing)."""


def check_output_options(args: argparse.Namespace) -> None:
    """Before any work: every output file can be written where it is named (its directory exists
    and is writable, it is no directory or read-only file), each image suffix is a known format,
    no two options name the same file, and a binary format has --out."""
    from accelsim.report.output import (
        BINARY_FORMATS,
        check_image_path,
        check_output_directory,
        output_target,
    )

    fmt = getattr(args, "format", None)
    if fmt in BINARY_FORMATS and not getattr(args, "out", None):
        raise AccelsimError(f"--format {fmt} writes a file: give --out FILE")
    seen: dict[object, str] = {}
    for option, flag in FILE_OPTIONS.items():
        path = getattr(args, option, None)
        if path is None:
            continue
        if option in IMAGE_OPTIONS:
            check_image_path(path, flag)
        target, in_place = output_target(path, flag)
        if not in_place:
            key = str(target.resolve()) if target.parent.is_dir() else str(target)
            if key in seen:
                raise AccelsimError(f"{flag} and {seen[key]} name the same file '{path}'")
            seen[key] = flag
    for option, flag in DIRECTORY_OPTIONS.items():
        path = getattr(args, option, None)
        if path is not None:
            check_output_directory(path, flag)


EXIT_BROKEN_PIPE = 141
"""Exit code when stdout's reader closed it: 128 + SIGPIPE, what a shell reports for a program
killed by the signal."""


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's final flush does not fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout replaced by an object without a descriptor
        pass


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        check_output_options(args)
        return int(args.run(args) or 0)
    except AccelsimError as exc:
        sys.stderr.write(one_line(f"accelsim: error: {exc}") + "\n")
        return int(getattr(exc, "exit_code", EXIT_USAGE))
    except BrokenPipeError:  # the reader went away (`accelsim ... | head`): nothing to say
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except (OSError, UnicodeError) as exc:
        detail = getattr(exc, "strerror", None) or str(exc)
        where = getattr(exc, "filename", None)
        shown = f"{short_repr(str(where), 120)}: " if where else ""
        sys.stderr.write(one_line(f"accelsim: error: {shown}{detail}") + "\n")
    except KeyboardInterrupt:
        sys.stderr.write("accelsim: interrupted\n")
        return 130
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
