"""``dragmesh eval MODEL [--json]``: the README's figures for one model on the benchmark split.

Each evaluation (``dragmesh.eval.<model>``) exposes ``add_arguments(parser)`` and ``main(args)``;
this module only routes to them.
"""

from __future__ import annotations

import argparse

from dragmesh.commands import register_routed

# Model name -> (evaluation module, help line), in the order `dragmesh eval --help` lists them.
EVALUATIONS: dict[str, tuple[str, str]] = {
    "joints": ("dragmesh.eval.joints", "joint type, axis and pivot errors against the geometric baseline"),
    "trust": ("dragmesh.eval.trust", "joint inference through the pipeline: top-3, calibration, limits, "
              "penetration, stability under nuisances, real-file variants, each component's worth"),
    "motion": ("dragmesh.eval.motion", "trajectory errors of the DQ-VAE against the analytic baseline and the oracle"),
    "segment": ("dragmesh.eval.segment", "the part found under the drag point on welded remeshes: IoU, and the joint "
                "without --part beside the joint with the true part"),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    register_routed(subparsers, "eval", "evaluate a model on the benchmark split (joints, trust, motion, segment)",
                    "Evaluate a shipped model on the benchmark split, beside its baselines.", EVALUATIONS)
