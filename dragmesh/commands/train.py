"""``dragmesh train MODEL ...``: train a shipped model; each model's trainer owns its knobs.

The trainers are flat scripts (``dragmesh.training.<model>``) exposing ``add_arguments(parser)``
and ``main(args)``; this module only routes to them. Runs unchanged under ``torchrun``:
``torchrun --nproc_per_node N -m dragmesh train MODEL ...``.
"""

from __future__ import annotations

import argparse
import importlib

# Model name -> (trainer module, help line), in the order `dragmesh train --help` lists them.
TRAINERS: dict[str, tuple[str, str]] = {
    "joints": ("dragmesh.training.joints", "train the joint predictor (type classifier + KPP-Net)"),
    "motion": ("dragmesh.training.motion", "train the motion generator (DQ-VAE)"),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train a model (joints, motion)",
        description="Train a model from the procedural generator; see each model's --help for its knobs.",
    )
    sub = parser.add_subparsers(dest="model", metavar="MODEL")
    for name, (module, help_line) in TRAINERS.items():
        p = sub.add_parser(name, help=help_line, description=importlib.import_module(module).__doc__,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        importlib.import_module(module).add_arguments(p)
        p.set_defaults(func=lambda args, module=module: importlib.import_module(module).main(args))
    parser.set_defaults(func=lambda args: parser.print_help() or 2)
