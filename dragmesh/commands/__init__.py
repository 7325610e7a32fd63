"""One module per `dragmesh` subcommand; see :mod:`dragmesh.cli`."""

from __future__ import annotations

import argparse
import importlib


def register_routed(subparsers: argparse._SubParsersAction, command: str, help_line: str, description: str,
                    routes: dict[str, tuple[str, str]]) -> None:
    """Add ``dragmesh COMMAND MODEL ...`` where each MODEL is a module exposing
    ``add_arguments(parser)`` and ``main(args)``; ``routes`` maps MODEL to (module, help line)."""
    parser = subparsers.add_parser(command, help=help_line, description=description)
    sub = parser.add_subparsers(dest="model", metavar="MODEL")
    for name, (module, line) in routes.items():
        mod = importlib.import_module(module)
        p = sub.add_parser(name, help=line, description=mod.__doc__,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        mod.add_arguments(p)
        p.set_defaults(func=mod.main)
    parser.set_defaults(func=lambda args: parser.print_help() or 2)
