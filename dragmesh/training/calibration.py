"""Fit the temperature that makes the shipped joint inference's ``type_probability`` honest.

    dragmesh train calibration --samples 400 --ship weights/

Joint inference turns its candidates' scores into probabilities with a softmax at one temperature
(:mod:`dragmesh.models.joint_inference`). This fits that temperature on drags of the *validation*
stream of the training categories (object seeds disjoint from training and from the benchmark;
the benchmark's held-out categories are never seen here), by minimising the negative
log-likelihood of the true joint type, and writes ``calibration.json`` (atomically) beside the
weights, with the validation figures before and after.

The drags cycle through every training category of the wider world (``WORLD_SEEN``: the original
seen categories and the world's, never a held-out one of either benchmark split), so the
temperature also learns the doubt of the kinds of parts the networks know least (keys, clips,
levers on a door). ``dragmesh eval trust`` then measures the calibration error on the benchmark,
held-out categories included.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--samples", type=int, default=400, help="validation drags (default 400)")
    p.add_argument("--weights", type=Path, default=None, help="folder of the weights to calibrate (default: weights/)")
    p.add_argument("--ship", type=Path, default=None, help="write calibration.json here (default: the weights folder)")
    p.add_argument("--seed", type=int, default=0, help="validation stream seed")


def type_marginal(scores: list[tuple[str, float]], truth: str, temperature: float) -> float:
    """Probability of the true type: the softmax mass of its candidates at ``temperature``."""
    s = np.array([x for _, x in scores]) / temperature
    p = np.exp(s - s.max())
    p /= p.sum()
    return float(sum(pi for (t, _), pi in zip(scores, p) if t == truth))


def fit(records: list[tuple[list, str]], grid=None) -> tuple[float, dict]:
    """The temperature of ``grid`` with the least NLL of the true type over records [(scores,
    true type)], and {temperature: nll}."""
    grid = np.geomspace(0.1, 10.0, 61) if grid is None else grid
    nll = {}
    for t in grid:
        p = np.array([type_marginal(s, truth, t) for s, truth in records])
        nll[float(t)] = float(-np.log(np.clip(p, 1e-9, 1.0)).mean())
    best = min(nll, key=nll.get)
    return best, nll


def main(args: argparse.Namespace) -> int:
    import torch

    from dragmesh.data.generator import GeneratorConfig, object_sample
    from dragmesh.data.splits import WORLD_SEEN, object_seed
    from dragmesh.eval.trust import articulate_case, case_of, ece
    from dragmesh.models.joint_inference import JointInference, Weights
    from dragmesh.models.weights import WEIGHTS_DIR
    from dragmesh.pipeline import AnalyticMotionGenerator, DragMesh
    from dragmesh.training.common import atomic_write_bytes

    torch.set_num_threads(2)
    folder = args.weights or WEIGHTS_DIR
    predictor = JointInference.load(folder, weights=Weights(temperature=1.0))
    dm = DragMesh(predictor=predictor, generator=AnalyticMotionGenerator())
    config = GeneratorConfig(keep_mesh=True)
    records = []
    pool = list(WORLD_SEEN)
    for j in range(args.samples):
        category = pool[j % len(pool)]
        sample = object_sample(category, object_seed("val", args.seed, j), config)
        case = case_of(sample, exact=bool(j % 3 == 2))  # a third with exact drags, as users sometimes are
        articulate_case(dm, case)
        scores = predictor.last_scores
        records.append((scores, case.truth.type))
    temperature, nll = fit(records)
    probs = lambda t: np.array([max(type_marginal(s, truth, t), 1 - type_marginal(s, truth, t)) for s, truth in records])
    picked_right = lambda t: np.array([type_marginal(s, truth, t) >= 0.5 for s, truth in records])
    doc = {
        "temperature": temperature,
        "fitted_on": f"{args.samples} validation drags (stream seed {args.seed}) cycling through the "
                     f"{len(WORLD_SEEN)} training categories of the world split, a third of them exact",
        "type_accuracy": float(np.mean([type_marginal(s, truth, 1.0) >= 0.5 for s, truth in records])),
        "nll_at_1": nll[min(nll, key=lambda t: abs(t - 1.0))], "nll": nll[temperature],
        "ece_at_1": ece(probs(1.0), picked_right(1.0)), "ece": ece(probs(temperature), picked_right(temperature)),
        "command": f"dragmesh train calibration --samples {args.samples} --seed {args.seed}",
    }
    out = Path(args.ship or folder) / "calibration.json"
    atomic_write_bytes(out, (json.dumps(doc, indent=2) + "\n").encode())
    print(json.dumps(doc, indent=2))
    return 0
