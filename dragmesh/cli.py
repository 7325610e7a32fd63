"""The `dragmesh` command line.

Each subcommand lives in its own module under :mod:`dragmesh.commands` and exposes
``register(subparsers)``, which adds its parser and sets ``func`` to a callable taking the parsed
arguments and returning an exit status. Errors of the :class:`~dragmesh.errors.DragMeshError`
hierarchy become one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from dragmesh.errors import DragMeshError

# Subcommand modules under dragmesh.commands, in the order `dragmesh --help` lists them.
COMMANDS = ["info", "articulate", "bench", "demo", "train", "eval", "data", "view"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dragmesh",
        description="Drag a part of a static mesh; infer its joint; generate the motion.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"dragmesh.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except DragMeshError as exc:
        print(f"dragmesh: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dragmesh: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
