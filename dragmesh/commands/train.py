"""``dragmesh train MODEL ...``: train a shipped model; each model's trainer owns its knobs.

The trainers are flat scripts (``dragmesh.training.<model>``) exposing ``add_arguments(parser)``
and ``main(args)``; this module only routes to them. Runs unchanged under ``torchrun``:
``torchrun --nproc_per_node N -m dragmesh train MODEL ...``.
"""

from __future__ import annotations

import argparse

from dragmesh.commands import register_routed

# Model name -> (trainer module, help line), in the order `dragmesh train --help` lists them.
TRAINERS: dict[str, tuple[str, str]] = {
    "joints": ("dragmesh.training.joints", "train the joint predictor (type classifier + KPP-Net)"),
    "motion": ("dragmesh.training.motion", "train the motion generator (DQ-VAE)"),
    "types": ("dragmesh.training.types", "train the joint-type classifier (part-frame TypeNet)"),
    "calibration": ("dragmesh.training.calibration", "fit the temperature of the joint probabilities on validation drags"),
    "segment": ("dragmesh.training.segment", "train the opt-in cut ranker of dragmesh segment"),
    "masks": ("dragmesh.training.masks", "train the mask network of dragmesh segment (data: python -m dragmesh.training.mask_data)"),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    register_routed(subparsers, "train", "train a model (joints, motion, types, calibration, segment, masks)",
                    "Train a model from the procedural generator; see each model's --help for its knobs.", TRAINERS)
