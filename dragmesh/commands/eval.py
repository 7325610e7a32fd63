"""``dragmesh eval MODEL [--json]``: the figures of SPEC §5 for one model on the benchmark split.

Each evaluation (``dragmesh.eval.<model>``) exposes ``add_arguments(parser)`` and ``main(args)``;
this module only routes to them.
"""

from __future__ import annotations

import argparse
import importlib

# Model name -> (evaluation module, help line), in the order `dragmesh eval --help` lists them.
EVALUATIONS: dict[str, tuple[str, str]] = {
    "joints": ("dragmesh.eval.joints", "joint type, axis and pivot errors against the geometric baseline"),
    "motion": ("dragmesh.eval.motion", "trajectory errors of the DQ-VAE against the analytic baseline and the oracle"),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="evaluate a model on the benchmark split (joints, motion)",
        description="Evaluate a shipped model on the benchmark split, beside its baselines.",
    )
    sub = parser.add_subparsers(dest="model", metavar="MODEL")
    for name, (module, help_line) in EVALUATIONS.items():
        p = sub.add_parser(name, help=help_line, description=importlib.import_module(module).__doc__,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        importlib.import_module(module).add_arguments(p)
        p.set_defaults(func=lambda args, module=module: importlib.import_module(module).main(args))
    parser.set_defaults(func=lambda args: parser.print_help() or 2)
