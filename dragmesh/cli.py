"""The `dragmesh` command line.

Each subcommand lives in its own module under :mod:`dragmesh.commands` and exposes
``register(subparsers)``, which adds its parser and sets ``func`` to a callable taking the parsed
arguments and returning an exit status. Errors of the :class:`~dragmesh.errors.DragMeshError`
hierarchy become one line on stderr and exit status 2; so do bad options (argparse's usage block is
not repeated), an unwritable stdout, and the system faults no module turned into a DragMeshError
(out of memory, a full disk).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from dragmesh.errors import DragMeshError

# Subcommand modules under dragmesh.commands, in the order `dragmesh --help` lists them.
COMMANDS = ["info", "articulate", "segment", "bench", "demo", "train", "eval", "data", "view"]


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, ``dragmesh: error: ...`` with exit status 2
    (``--help`` still prints the usage). Subcommand parsers inherit it."""

    def error(self, message: str):  # noqa: D401 - argparse's signature
        text = " ".join(str(message).split())
        self.exit(2, f"{self.prog}: error: {text} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="dragmesh",
        description="Drag a part of a static mesh; infer its joint; generate the motion.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"dragmesh.commands.{name}").register(sub)
    return parser


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's flush at exit cannot fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _fail(message: str) -> int:
    text = " ".join(str(message).split())
    try:
        print(f"dragmesh: error: {text}", file=sys.stderr)
    except OSError:
        pass
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        status = int(args.func(args) or 0)
        sys.stdout.flush()
        return status
    except DragMeshError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        print("dragmesh: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        return _fail("out of memory (the input asks for more than this machine has)")
    except OSError as exc:
        # A full or closed stdout, or a system fault outside the exporters' own checks.
        if exc.filename is None and not sys.stdout.closed:
            _quiet_stdout()
        name = f" {exc.filename}" if exc.filename else ""
        return _fail(f"system error{name}: {exc.strerror or exc}")


if __name__ == "__main__":
    sys.exit(main())
