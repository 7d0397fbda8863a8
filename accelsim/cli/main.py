"""Entry point of the `accelsim` command: subcommands register themselves here.

Every error a user can cause ends as one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from accelsim import __version__
from accelsim.errors import AccelsimError
from accelsim.report.output import BINARY_FORMATS, check_image_path

EXIT_USAGE = 2

SUBCOMMANDS = (
    "accelsim.cli.networks",
    "accelsim.cli.accelerator",
    "accelsim.cli.energy",
    "accelsim.cli.compare",
    "accelsim.cli.simulate",
    "accelsim.cli.partition",
    "accelsim.cli.validate",
)


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="accelsim",
        description="Simulate CNN accelerators, model their energy, and partition CNNs between "
        "a client and the cloud.",
    )
    parser.add_argument("--version", action="version", version=f"accelsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    sub.required = True
    for module_name in SUBCOMMANDS:
        importlib.import_module(module_name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "format", None) in BINARY_FORMATS and not getattr(args, "out", None):
        sys.stderr.write(
            f"accelsim: error: --format {args.format} writes a file: give --out FILE\n"
        )
        return EXIT_USAGE
    try:
        for option in ("plot", "trace_plot", "heatmap"):
            if getattr(args, option, None):
                check_image_path(getattr(args, option))
        return int(args.run(args) or 0)
    except AccelsimError as exc:
        sys.stderr.write(f"accelsim: error: {exc}\n")
    except (OSError, UnicodeDecodeError) as exc:
        detail = getattr(exc, "strerror", None) or str(exc)
        where = getattr(exc, "filename", None)
        sys.stderr.write(f"accelsim: error: {where + ': ' if where else ''}{detail}\n")
    except KeyboardInterrupt:
        sys.stderr.write("accelsim: interrupted\n")
        return 130
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
