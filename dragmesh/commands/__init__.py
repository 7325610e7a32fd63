"""One module per `dragmesh` subcommand; see :mod:`dragmesh.cli`."""

from __future__ import annotations

import argparse
import importlib


def _lazy(parser_class: type) -> type:
    """A subclass of ``parser_class`` whose instances run their ``setup(parser)`` (adding the
    arguments) only when they are first used to parse or to print help."""

    class Lazy(parser_class):
        setup = None

        def _ready(self) -> None:
            if self.setup is not None:
                setup, self.setup = self.setup, None
                setup(self)

        def parse_known_args(self, args=None, namespace=None):
            self._ready()
            return super().parse_known_args(args, namespace)

        def format_help(self):
            self._ready()
            return super().format_help()

    return Lazy


def register_routed(subparsers: argparse._SubParsersAction, command: str, help_line: str, description: str,
                    routes: dict[str, tuple[str, str]]) -> None:
    """Add ``dragmesh COMMAND MODEL ...`` where each MODEL is a module exposing
    ``add_arguments(parser)`` and ``main(args)``; ``routes`` maps MODEL to (module, help line).
    A MODEL's module is imported only when that MODEL is asked for (the trainers and evaluations
    import torch and the models: ``dragmesh --help`` should not wait for them)."""
    parser = subparsers.add_parser(command, help=help_line, description=description)
    sub = parser.add_subparsers(dest="model", metavar="MODEL", parser_class=_lazy(type(parser)))
    for name, (module, line) in routes.items():
        p = sub.add_parser(name, help=line, formatter_class=argparse.RawDescriptionHelpFormatter)

        def setup(p, module=module):
            mod = importlib.import_module(module)
            p.description = mod.__doc__
            mod.add_arguments(p)
            p.set_defaults(func=mod.main)

        p.setup = setup
    parser.set_defaults(func=lambda args: parser.print_help() or 2)
