"""Evaluate the motion generator on the benchmark split: ``dragmesh eval motion [--json] [--limit K]``.

For every benchmark sample, with the person-like (perturbed) drag and with the exact one, and with
the ground-truth joint and (when the joint model is shipped) the predicted joint, it generates the
part's motion and measures it against the ground-truth trajectory:

- traj: mean distance of the part's points from their true positions over all frames, / diag;
- last: the same at the last frame; chamfer: symmetric Chamfer distance of the moved part, / diag;
- angle_deg: final-frame rotation error (revolute); trans: final-frame translation error
  (prismatic), / diag;
- violation: the raw motion's distance from the nearest exact motion of the joint it was given
  (each frame projected onto the joint, measured on the part's points), / diag, before projection;
- drag: distance of the dragged point at the last frame from drag_point + drag_vector, / diag (a
  person's drag is not an exact chord, so even the ground truth is off it);
- dir: % of samples whose dragged point moves with the drag (positive dot product).

Rows: the DQ-VAE and the analytic trajectory (the joint alone, linear in the drag-projected value)
for each joint source, and the oracle (the ground-truth trajectory). Joint sources: the ground
truth; the ground truth tilted 3° and shifted 1.5 % of the diagonal in seeded random directions
("noisy joint", what the generator adds when the joint is a little off); the shipped joint model's
prediction when there is one. Groups: seen / held-out
categories x perturbed / exact drags. Latency: one drag through the DQ-VAE, batch 1,
``torch.set_num_threads(2)``, timed separately on an otherwise idle process (``measure_latency``).

Sampling: the rows above score the default trajectory (z = the prior mean). For the DQ-VAE on the
ground-truth joint, ``--samples K`` motions per drag (sample 0 the default, the others z drawn from
the prior) also give, per group (:func:`sampling_measures`): how much they differ (the spread of
their timing and extent along the joint, the distance between the part's points they move) and
whether the drawn ones are still plausible (monotone along the joint, with the drag, violation).
The analytic baseline has one trajectory per drag: its spread is 0 by construction.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch

from dragmesh.geometry.dualquat import dq_apply, dq_translation, joint_dq, project_dq_to_value
from dragmesh.geometry.joints import Joint

METRICS = ("traj", "last", "chamfer", "angle_deg", "trans", "violation", "drag", "dir")
PART_POINTS = 256  # points of the moving part the measures move
# The "noisy joint" rows: the ground-truth joint tilted and shifted by these (a predictor-like joint).
NOISY_TILT_DEG = 3.0
NOISY_SHIFT = 0.015
SAMPLES = 8  # motions per drag in the sampling section, the default included
SAMPLING = ("mid_std", "extent_std", "pairwise", "monotone", "dir", "violation")
# A drawn motion is monotone unless its projected value steps back by more than this fraction of
# the default's final value (float noise and the raw output's small corrections are not a reversal).
MONOTONE_TOL = 0.01
# Drags whose default moves the joint less than this (radians / model units) have no timing to
# compare: they are left out of the progress and extent spreads.
MIN_VALUE = 1e-4


def part_points(points: np.ndarray, mask: np.ndarray, k: int = PART_POINTS) -> np.ndarray:
    """The first k points of the moving part (i.i.d. surface points, so an unbiased subset)."""
    return np.asarray(points, dtype=np.float64)[np.asarray(mask) > 0][:k]


def noisy_joint(joint: Joint, diag: float, rng: np.random.Generator, tilt_deg: float = NOISY_TILT_DEG,
                shift: float = NOISY_SHIFT) -> Joint:
    """The joint with its axis tilted by exactly ``tilt_deg`` about a random perpendicular and its
    origin moved by ``shift`` x diag in a random direction: a stand-in for a predicted joint."""
    a = joint.axis
    r = rng.normal(size=3)
    perp = r - (r @ a) * a
    perp /= np.linalg.norm(perp)
    t = math.radians(tilt_deg)
    d = rng.normal(size=3)
    origin = joint.origin + shift * diag * d / np.linalg.norm(d)
    return Joint(joint.type, math.cos(t) * a + math.sin(t) * perp, origin, joint.limits)


def analytic_trajectory(joint: Joint, value: float, frames: int = 16) -> np.ndarray:
    """The joint's own motion, linear in its value from 0 to ``value``: (T, 8)."""
    return joint.dual_quaternions(np.linspace(0.0, float(value), frames))


def _chamfer(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    d = torch.cdist(a, b)
    return 0.5 * (d.amin(-1).mean(-1) + d.amin(-2).mean(-1))


def motion_metrics(pred, true, joint: Joint, part: np.ndarray, drag_point, drag_vector, diag: float) -> dict:
    """The measures of one trajectory (see the module docstring).

    pred (T, 8): raw dual quaternions, model frame; true (T, 8): the ground truth; joint: the joint
    the motion was generated for (its violation is measured against it); part (K, 3): points of the
    moving part; drag_point, drag_vector (3,); diag: the object's bounding-box diagonal.
    """
    t = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float64))
    pred, true, x = t(pred), t(true), t(part)
    p, v = t(drag_point), t(drag_vector)
    moved, target = dq_apply(pred, x), dq_apply(true, x)  # (T, K, 3)
    err = (moved - target).norm(dim=-1)
    out = {
        "traj": float(err.mean()) / diag,
        "last": float(err[-1].mean()) / diag,
        "chamfer": float(_chamfer(moved, target).mean()) / diag,
    }
    if joint.is_revolute:
        dot = (pred[-1, :4] / pred[-1, :4].norm() * true[-1, :4] / true[-1, :4].norm()).sum().abs().clamp(max=1.0)
        out["angle_deg"], out["trans"] = math.degrees(2 * math.acos(float(dot))), float("nan")
    else:
        out["angle_deg"] = float("nan")
        out["trans"] = float((dq_translation(pred[-1]) - dq_translation(true[-1])).norm()) / diag
    a, o = t(joint.axis), t(joint.origin)
    values = project_dq_to_value(joint.is_revolute, a, o, pred, x.expand(len(pred), -1, -1))
    exact = dq_apply(joint_dq(joint.is_revolute, a, o, values), x)
    out["violation"] = float((moved - exact).norm(dim=-1).mean()) / diag
    end = dq_apply(pred[-1], p[None])[0]
    out["drag"] = float((end - (p + v)).norm()) / diag
    out["dir"] = 100.0 * float(((end - p) @ v) > 0)
    return out


def sampling_measures(trajs, true, joint: Joint, part: np.ndarray, drag_point, drag_vector, diag: float) -> dict:
    """Diversity and plausibility of K motions (K, T, 8) of one drag, trajs[0] the default.

    true (T, 8): the ground truth; the rest as in :func:`motion_metrics`. Each motion is projected
    onto the joint (values (K, T)). mid_std: the std over the K motions of their progress at
    tau = 1/2 (value / the motion's own final value; NaN for a drag of almost nothing); extent_std:
    the std of their final values / the default's; pairwise: the mean distance between the part's
    points as two motions move them, over pairs and frames, / diag. Over the K - 1 drawn motions:
    monotone (% whose value never steps back by more than MONOTONE_TOL of the default's final),
    dir (% that move the dragged point with the drag), violation (mean, / diag).
    """
    t = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float64))
    trajs, x = t(trajs), t(part)
    k, frames = trajs.shape[:2]
    values = project_dq_to_value(joint.is_revolute, t(joint.axis), t(joint.origin), trajs,
                                 x.expand(k, frames, -1, -1)).numpy()  # (K, T)
    final = values[:, -1]
    moves = abs(final[0]) > MIN_VALUE and np.all(np.abs(final) > MIN_VALUE)
    tau = np.linspace(0.0, 1.0, frames)
    mid = np.array([np.interp(0.5, tau, v) for v in values]) / np.where(moves, final, 1.0)
    moved = dq_apply(trajs, x)  # (K, T, N, 3)
    pair = (moved[:, None] - moved[None]).norm(dim=-1).mean((-1, -2)).numpy()  # (K, K)
    steps = np.diff(values[1:] * (1.0 if final[0] >= 0 else -1.0), axis=1)
    tol = MONOTONE_TOL * max(abs(final[0]), MIN_VALUE)
    drawn = [motion_metrics(m, true, joint, part, drag_point, drag_vector, diag) for m in trajs[1:].numpy()]
    return {
        "mid_std": float(mid.std()) if moves else float("nan"),
        "extent_std": float((final / final[0]).std()) if moves else float("nan"),
        "pairwise": float(pair[np.triu_indices(k, 1)].mean()) / diag,
        "monotone": 100.0 * float(np.mean(np.all(steps >= -tol, axis=1))),
        "dir": float(np.mean([m["dir"] for m in drawn])),
        "violation": float(np.mean([m["violation"] for m in drawn])),
    }


def finite_means(records: list[dict], keys) -> dict:
    """The count and the mean of each key over records, NaNs and infinities left out."""
    out = {"n": len(records)}
    for k in keys:
        vals = np.array([r[k] for r in records], dtype=np.float64)
        vals = vals[np.isfinite(vals)]
        out[k] = float(vals.mean()) if vals.size else float("nan")
    return out


def summarize_rows(records: list[dict]) -> dict:
    """Mean of each measure over records (NaN-free), plus medians of traj and the count."""
    out = finite_means(records, METRICS)
    traj = np.array([r["traj"] for r in records])
    out["traj_median"] = float(np.median(traj)) if traj.size else float("nan")
    return out


def summarize_sampling(records: list[dict]) -> dict:
    """Mean of each :func:`sampling_measures` figure over drags (NaN-free), plus the count."""
    return finite_means(records, SAMPLING)


# ---------------------------------------------------------------------------------- the run


def load_predictor(weights_dir: Path):
    """The shipped joint predictor, or None when its weights are not there (then only the
    ground-truth and noisy-joint rows are measured)."""
    if not (Path(weights_dir) / "joints.safetensors").is_file():
        return None
    from dragmesh.models.joint_predictor import load_joint_predictor

    return load_joint_predictor(weights_dir)


def predicted_joint(predictor, sample) -> Joint:
    """The predictor's joint for a sample, made as the pipeline makes it: origin moved to the
    conventional point (the part's centroid, here of its sampled points), axis flipped so the drag
    asks for a positive value."""
    from dragmesh.pipeline import canonical_origin

    mask = np.asarray(sample.mask) > 0
    joint = predictor.predict(sample.points, mask, sample.drag_point, sample.drag_vector).joint
    joint = canonical_origin(joint, np.asarray(sample.points, dtype=np.float64)[mask].mean(axis=0))
    if joint.drag_value(sample.drag_point, sample.drag_vector, clamp=False) < 0:
        joint = joint.flipped()
    return joint


def measure_latency(generator, samples, threads: int = 2, n: int = 50) -> dict:
    """p50 / p95 (ms) of one drag through the generator, batch 1, ``threads`` torch threads, on the
    first n samples with their ground-truth joints, after a warm-up. Run it on an idle machine:
    with its cores busy, every intra-op barrier waits for a descheduled thread."""
    old = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        times = []
        for s in ([samples[0]] * 5 + list(samples[:n])):
            joint = s.joint()
            value = joint.drag_value(s.drag_point, s.drag_vector)
            t0 = time.perf_counter()
            generator.generate(s.points, s.mask, joint, s.drag_point, s.drag_vector, value)
            times.append(time.perf_counter() - t0)
    finally:
        torch.set_num_threads(old)
    ms = np.array(times[5:]) * 1000.0
    return {"p50": float(np.percentile(ms, 50)), "p95": float(np.percentile(ms, 95)), "n": int(ms.size), "threads": threads}


def evaluate(samples, generator, predictor=None, frames: int = 16, latency_threads: int = 2,
             progress: bool = False, n_samples: int = SAMPLES) -> dict:
    """Rows x groups of :func:`summarize_rows` over benchmark samples, the sampling section (groups
    of :func:`summarize_sampling`, when n_samples > 1) and the DQ-VAE's latency.

    generator: a :class:`~dragmesh.models.dqvae.MotionGenerator` (or None for baselines only);
    predictor: a joint predictor (see :func:`load_predictor`) or None; n_samples: motions per drag
    of the sampling section, the default included (seeded by the sample's index).
    """
    from dragmesh.data.splits import is_held_out

    records: dict[tuple[str, str], list[dict]] = {}
    sampling: dict[str, list[dict]] = {}
    items = samples
    if progress:
        from tqdm import tqdm

        items = tqdm(samples, desc="eval motion", unit="sample")
    for i, sample in enumerate(items):
        subset = "held-out" if is_held_out(sample.category) else "seen"
        gt_joint = sample.joint()
        noisy = noisy_joint(gt_joint, float(sample.diag), np.random.default_rng([7, i]))
        part = part_points(sample.points, sample.mask)
        for variant, s in (("perturbed", sample), ("exact", sample.exact_variant())):
            group = f"{subset} / {variant}"
            args = (part, s.drag_point, s.drag_vector, float(s.diag))
            records.setdefault(("oracle", group), []).append(motion_metrics(s.traj, s.traj, gt_joint, *args))
            predicted = predicted_joint(predictor, s) if predictor is not None else None
            for source, joint in (("GT joint", gt_joint), ("noisy joint", noisy), ("predicted joint", predicted)):
                if joint is None:
                    continue
                value = joint.drag_value(s.drag_point, s.drag_vector)
                base = analytic_trajectory(joint, value, frames)
                records.setdefault((f"analytic ({source})", group), []).append(
                    motion_metrics(base, s.traj, joint, *args))
                if generator is None:
                    continue
                k = n_samples if joint is gt_joint else 1
                trajs = generator.generate(s.points, s.mask, joint, s.drag_point, s.drag_vector, value, frames,
                                           samples=k, seed=i)
                records.setdefault((f"dqvae ({source})", group), []).append(
                    motion_metrics(trajs[0], s.traj, joint, *args))
                if k > 1:
                    sampling.setdefault(group, []).append(sampling_measures(trajs, s.traj, joint, *args))
    rows = [{"row": r, "group": g, **summarize_rows(recs)} for (r, g), recs in records.items()]
    order = [f"{m} ({j} joint)" for j in ("GT", "noisy", "predicted") for m in ("dqvae", "analytic")] + ["oracle"]
    groups = ["seen / perturbed", "seen / exact", "held-out / perturbed", "held-out / exact"]
    rows.sort(key=lambda r: (groups.index(r["group"]) if r["group"] in groups else 9, order.index(r["row"])))
    out = {"rows": rows, "predicted_joints": predictor is not None}
    if sampling:
        out["sampling"] = {
            "samples": n_samples,
            "rows": [{"group": g, **summarize_sampling(sampling[g])} for g in groups if g in sampling],
            "analytic": {"mid_std": 0.0, "extent_std": 0.0, "pairwise": 0.0},  # one motion per drag
        }
    if generator is not None and samples:
        out["latency_ms"] = measure_latency(generator, samples, latency_threads)
    return out


def format_table(result: dict) -> str:
    cols = [("traj", "traj%", 100), ("traj_median", "med%", 100), ("last", "last%", 100), ("chamfer", "cham%", 100),
            ("angle_deg", "angle°", 1), ("trans", "trans%", 100), ("violation", "viol%", 100),
            ("drag", "drag%", 100), ("dir", "dir%", 1)]
    lines = []
    group = None
    head = f"{'':28s}" + "".join(f"{c[1]:>8s}" for c in cols) + f"{'n':>6s}"
    for r in result["rows"]:
        if r["group"] != group:
            group = r["group"]
            lines += ["", f"[{group}]  (distances in % of the bbox diagonal)", head]
        vals = "".join(f"{r[k] * s:8.2f}" if np.isfinite(r[k]) else f"{'-':>8s}" for k, _, s in cols)
        lines.append(f"{r['row']:28s}{vals}{r['n']:6d}")
    if "sampling" in result:
        sam = result["sampling"]
        cols = [("mid_std", "mid±%", 100), ("extent_std", "ext±%", 100), ("pairwise", "pair%", 100),
                ("monotone", "mono%", 1), ("dir", "dir%", 1), ("violation", "viol%", 100)]
        lines += ["", f"DQ-VAE sampling, GT joint, {sam['samples']} motions per drag (sample 0 = the default):",
                  "spread of the progress at mid-time and of the extent, part-point distance between motions;",
                  "monotone, direction and violation of the drawn motions",
                  f"{'':28s}" + "".join(f"{c[1]:>8s}" for c in cols) + f"{'n':>6s}"]
        for r in sam["rows"]:
            vals = "".join(f"{r[k] * s:8.2f}" if np.isfinite(r[k]) else f"{'-':>8s}" for k, _, s in cols)
            lines.append(f"{r['group']:28s}{vals}{r['n']:6d}")
        lines += ["(analytic baseline: one trajectory per drag, so its spreads are 0 by construction)"]
    if "latency_ms" in result:
        lat = result["latency_ms"]
        lines += ["", f"DQ-VAE latency, batch 1, {lat['threads']} threads: p50 {lat['p50']:.2f} ms, p95 {lat['p95']:.2f} ms"]
    if not result.get("predicted_joints"):
        lines += ["(no joint model in the weights folder: no predicted-joint rows)"]
    return "\n".join(lines).lstrip("\n")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--limit", type=int, default=None, metavar="K", help="at most K samples per category")
    p.add_argument("--bench", type=Path, default=None,
                   help="benchmark folder written by `dragmesh data bench` (default: regenerate it in memory)")
    p.add_argument("--weights", type=Path, default=None, help="folder with motion.* (and joints.*); default: the shipped weights/")
    p.add_argument("--baselines-only", action="store_true", help="no DQ-VAE rows (no weights needed)")
    p.add_argument("--samples", type=int, default=SAMPLES, metavar="K",
                   help="DQ-VAE motions per drag for the sampling section, the default included (1: no section)")
    p.add_argument("--threads", type=int, default=1, help="torch threads for the evaluation")
    p.add_argument("--latency-threads", type=int, default=2, help="torch threads for the latency figure (the published figure uses 2)")
    p.add_argument("--progress", action="store_true")


def bench_samples(bench: Path | None, limit: int | None) -> list:
    """The benchmark split (from a folder, or regenerated), at most ``limit`` per category."""
    from dragmesh.data import splits
    from dragmesh.data.bench import build_bench, load_bench

    if bench is not None:
        samples = load_bench(bench)
    elif limit is not None:
        b = splits.BENCH
        spec = splits.BenchSpec(min(limit, b.seen_per_category), min(limit, b.held_out_per_category), b.n_points, b.frames)
        samples = build_bench(spec)
    else:
        samples = build_bench()
    if limit is not None:
        seen: dict[str, int] = {}
        kept = []
        for s in samples:
            seen[s.category] = seen.get(s.category, 0) + 1
            if seen[s.category] <= limit:
                kept.append(s)
        samples = kept
    return samples


def main(args: argparse.Namespace) -> int:
    from dragmesh.models.dqvae import MotionGenerator

    from dragmesh.models.weights import WEIGHTS_DIR

    torch.set_num_threads(args.threads)
    weights = args.weights or WEIGHTS_DIR
    generator = None if args.baselines_only else MotionGenerator.load(weights)
    predictor = load_predictor(weights)
    samples = bench_samples(args.bench, args.limit)
    result = evaluate(samples, generator, predictor, latency_threads=args.latency_threads, progress=args.progress,
                      n_samples=args.samples)
    result["command"] = "dragmesh eval motion" + (f" --limit {args.limit}" if args.limit else "")
    if generator is not None:
        result["weights"] = {"sha256": generator.meta.get("sha256"), "steps": generator.meta.get("steps")}
    print(json.dumps(result, indent=2) if args.json else format_table(result))
    return 0
