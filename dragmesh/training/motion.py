"""Train the motion generator (DQ-VAE) from the procedural generator.

    dragmesh train motion --steps 20000 --batch 32 --out runs/motion --ship weights/
    torchrun --nproc_per_node 4 -m dragmesh train motion ...      # data parallel, same code

Every knob is an argument below; the model's own knobs (sizes, loss weights, conditioning noise)
are fields of :class:`~dragmesh.models.dqvae.DQVAEConfig`, saved beside the weights. Samples come
from generated shards (``--shards DIR``, written by ``dragmesh data shards``) or on the fly in
``--workers`` dataloader processes. Generating a sample costs more than training on it, so fresh
batches go into a replay pool and each step trains on a random batch of the pool: every sample is
seen about ``--reuse`` times, each time with a new yaw, point subset, drag variant and joint noise.

Each training batch: a random rotation about +Y applied to inputs and targets together (the paper's public code rotated only the inputs);
the exact drag instead of the person-like one for a fraction ``--p-exact``; the target re-timed
along its ground-truth joint with a random zero-mean easing and extent (:func:`ease_profile`), so
the latent has something to carry; the ground-truth joint with noise (axis tilt, pivot offset;
cfg) as the joint prior, and the drag-projected value on that noisy joint, clamped to known limits,
exactly as inference computes it from a predicted joint.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
import torch

from dragmesh.geometry.dualquat import axis_angle_to_quat, dq_conjugate, dq_multiply, joint_dq
from dragmesh.models.dqvae import (
    DQVAE, DQVAEConfig, count_parameters, dqvae_loss, drag_value, frame_times, kl_weight, perturb_joint,
)
from dragmesh.training.common import Run, add_run_arguments, fit, init_model, setup_run


def fraction(text: str) -> float:
    """An argparse type: a number in [0, 1]."""
    x = float(text)
    if not 0.0 <= x <= 1.0:
        raise argparse.ArgumentTypeError(f"must be in [0, 1], got {text}")
    return x


def add_arguments(p: argparse.ArgumentParser) -> None:
    d = DQVAEConfig()
    p.add_argument("--steps", type=int, default=20000)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--warmup", type=int, default=500)
    # Model (DQVAEConfig fields).
    p.add_argument("--points", type=int, default=d.n_points, help="points per sample fed to the encoder")
    p.add_argument("--width", type=int, default=d.point_width)
    p.add_argument("--d-model", type=int, default=d.d_model)
    p.add_argument("--layers", type=int, default=d.n_layers)
    p.add_argument("--latent", type=int, default=d.latent_dim)
    p.add_argument("--kl-max", type=float, default=d.kl_max)
    p.add_argument("--kl-warmup", type=int, default=d.kl_warmup)
    p.add_argument("--axis-noise", type=float, default=d.axis_noise_deg, help="joint-prior axis noise, degrees")
    p.add_argument("--pivot-noise", type=float, default=d.pivot_noise, help="joint-prior pivot noise, / diag")
    p.add_argument("--ease-a", type=fraction, default=d.ease_a, help="target easing range, ease-out / ease-in term")
    p.add_argument("--ease-b", type=fraction, default=d.ease_b, help="target easing range, ease-in-out term")
    p.add_argument("--extent", type=float, default=d.extent, help="target extent change, +- fraction of the value")
    p.add_argument("--p-linear", type=fraction, default=d.p_linear, help="fraction of targets left linear")
    # Data.
    p.add_argument("--p-exact", type=float, default=0.25, help="fraction of samples with the exact drag")
    p.add_argument("--shards", type=Path, default=None, help="folder of training shards; default: generate on the fly")
    p.add_argument("--workers", type=int, default=1, help="data-generation worker processes (on the fly)")
    p.add_argument("--split", default="train", choices=("train", "train_world"),
                   help="categories generated on the fly (without --shards): the original seen ones or the wider world's")
    p.add_argument("--categories", type=lambda t: tuple(c for c in t.split(",") if c), default=None,
                   help="comma-separated training categories (default: every seen category)")
    p.add_argument("--reuse", type=float, default=4.0, help="times each generated sample is trained on (replay pool)")
    p.add_argument("--pool", type=int, default=4096, help="replay-pool size, samples")
    # Validation, checkpoints, output.
    p.add_argument("--val-every", type=int, default=1000)
    p.add_argument("--val-samples", type=int, default=200, help="benchmark samples (seen categories) per validation")
    p.add_argument("--bench", type=Path, default=None, help="benchmark folder (default: regenerate the slice)")
    add_run_arguments(p, out="runs/motion")


def model_config(args) -> DQVAEConfig:
    return DQVAEConfig(
        n_points=args.points, point_width=args.width, d_model=args.d_model, n_layers=args.layers,
        latent_dim=args.latent, kl_max=args.kl_max, kl_warmup=args.kl_warmup,
        axis_noise_deg=args.axis_noise, pivot_noise=args.pivot_noise,
        ease_a=args.ease_a, ease_b=args.ease_b, extent=args.extent, p_linear=args.p_linear,
    )


# ------------------------------------------------------------------------------------- data


def data_stream(args, seed: int):
    """Endless iterator of collated batches (dicts of tensors) from shards or the generator."""
    from torch.utils.data import DataLoader

    from dragmesh.data import generator

    if args.shards is not None:
        epoch = 0
        while True:
            ds = generator.ShardStream(args.shards, shuffle=True, seed=seed)
            ds.set_epoch(epoch)
            yield from DataLoader(ds, batch_size=args.batch, num_workers=args.workers, drop_last=True)
            epoch += 1
    ds = generator.OnTheFlyDataset(args.split, seed=seed, categories=args.categories)
    yield from DataLoader(ds, batch_size=args.batch, num_workers=args.workers,
                          persistent_workers=args.workers > 0, prefetch_factor=4 if args.workers > 0 else None)


class ReplayPool:
    """A ring buffer of samples (stacked tensors) that training batches are drawn from at random."""

    def __init__(self, capacity: int):
        self.capacity, self.size, self.next, self.data = capacity, 0, 0, None

    def add(self, batch: dict[str, torch.Tensor]) -> None:
        n = len(batch["points"])
        if self.data is None:
            self.data = {k: torch.empty((self.capacity,) + v.shape[1:], dtype=v.dtype) for k, v in batch.items()}
        idx = (self.next + torch.arange(n)) % self.capacity
        for k, v in batch.items():
            self.data[k][idx] = v
        self.next = int(idx[-1] + 1) % self.capacity
        self.size = min(self.capacity, self.size + n)

    def sample(self, n: int, gen: torch.Generator) -> dict[str, torch.Tensor]:
        idx = torch.randint(self.size, (n,), generator=gen)
        return {k: v[idx] for k, v in self.data.items()}


def yaw(batch: dict[str, torch.Tensor], gen: torch.Generator) -> dict[str, torch.Tensor]:
    """A random rotation about +Y applied to every input and target together."""
    b = len(batch["points"])
    theta = torch.rand(b, generator=gen) * 2 * math.pi
    q = axis_angle_to_quat(torch.tensor([0.0, 1.0, 0.0]).expand(b, 3), theta)  # (B, 4)
    dq = torch.cat([q, torch.zeros_like(q)], -1)
    c, s = torch.cos(theta), torch.sin(theta)
    rot = torch.zeros(b, 3, 3)
    rot[:, 0, 0], rot[:, 0, 2], rot[:, 1, 1], rot[:, 2, 0], rot[:, 2, 2] = c, s, 1.0, -s, c
    out = dict(batch)
    out["points"] = batch["points"] @ rot.transpose(1, 2)
    for k in ("drag_point", "drag_vector", "drag_vector_exact", "joint_axis", "joint_origin"):
        out[k] = (rot @ batch[k].unsqueeze(-1)).squeeze(-1)
    for k in ("traj", "traj_exact"):  # motions change frame by conjugation: Y ∘ M ∘ Y⁻¹
        y = dq[:, None]
        out[k] = dq_multiply(dq_multiply(y, batch[k]), dq_conjugate(y))
    return out


def ease_profile(tau: torch.Tensor, a: torch.Tensor, b: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    """Progress (B, T), as a fraction of the ground-truth final value, of a re-timed motion at
    frame times tau (T,), for easings a, b and extent changes c (B,):

        (tau + a tau (1 - tau) + b tau (1 - tau) (1 - 2 tau)) (1 + c).

    0 at tau = 0, 1 + c at tau = 1, linear for a = b = c = 0. a > 0 eases out, a < 0 eases in;
    b = -1 is smoothstep (ease in and out), b = +1 its inverse. The slope is at least
    (1 - |a| - |b|) (1 + c), so |a| + |b| <= 1 (and c > -1) keeps the motion monotone.
    """
    t = tau[None]
    bump = t * (1 - t)
    return (t + a[:, None] * bump + b[:, None] * bump * (1 - 2 * t)) * (1 + c[:, None])


def draw_timing(final: torch.Tensor, limits: torch.Tensor, cfg: DQVAEConfig,
                gen: torch.Generator | None) -> tuple[torch.Tensor, ...]:
    """Easings a, b and extent changes c (B,) for :func:`ease_profile` of motions to final (B,)
    within limits (B, 2) (NaN = unknown): (a, b) uniform in the diamond |a| / cfg.ease_a +
    |b| / cfg.ease_b <= 1 (so |a| + |b| <= 1: monotone), c uniform in +-cfg.extent narrowed to the
    room the limit ahead leaves, and all three 0 for a fraction cfg.p_linear.

    Every draw is zero-mean, so the mean target is the linear motion that z = the prior mean should
    give. Many drags end at a limit; clamping a symmetric c there would shorten them on average.
    """
    r = torch.rand(4, len(final), generator=gen)
    u, v, w = 2 * r[:3] - 1
    keep = (r[3] >= cfg.p_linear).to(final.dtype)
    ahead = torch.where(final < 0, limits[:, 0], limits[:, 1])
    room = torch.nan_to_num(ahead / final - 1.0, nan=math.inf, posinf=math.inf, neginf=math.inf).clamp(0.0, cfg.extent)
    return 0.5 * (u + v) * cfg.ease_a * keep, 0.5 * (u - v) * cfg.ease_b * keep, w * room * keep


def retimed_target(is_revolute: torch.Tensor, axis: torch.Tensor, origin: torch.Tensor, final: torch.Tensor,
                   limits: torch.Tensor, a: torch.Tensor, b: torch.Tensor, c: torch.Tensor, frames: int) -> torch.Tensor:
    """The ground-truth joints' exact motions (B, T, 8) at values final x :func:`ease_profile`,
    clamped to the limits (B, 2) where they are known (NaN = unknown; relative to the current
    state). is_revolute (B,) bool; axis, origin (B, 3): the true joint; final (B,): its final value."""
    values = final[:, None] * ease_profile(frame_times(frames).to(final.dtype), a, b, c)
    lo = torch.nan_to_num(limits[:, :1], nan=-math.inf)
    hi = torch.nan_to_num(limits[:, 1:], nan=math.inf)
    values = torch.maximum(torch.minimum(values, hi), lo)
    return joint_dq(is_revolute[:, None], axis[:, None], origin[:, None], values)


def model_inputs(batch: dict[str, torch.Tensor], cfg: DQVAEConfig, gen: torch.Generator | None,
                 p_exact: float = 0.0, noise: bool = True) -> dict[str, torch.Tensor]:
    """What the model and the loss get: a point subset, the drag (exact for a fraction p_exact), its
    trajectory re-timed along the true joint (:func:`draw_timing`), the noisy joint prior and its
    drag-projected value, part points for the loss."""
    b, n = batch["mask"].shape
    m = min(cfg.n_points, n)
    idx = torch.argsort(torch.rand(b, n, generator=gen), dim=1)[:, :m] if m < n else None
    take = lambda x, c: x if idx is None else torch.gather(x, 1, idx if c == 0 else idx.unsqueeze(-1).expand(-1, -1, c))
    exact = (torch.rand(b, generator=gen) < p_exact).unsqueeze(-1)
    vector = torch.where(exact, batch["drag_vector_exact"], batch["drag_vector"])
    final = torch.where(exact, batch["values_exact"][:, -1:], batch["values"][:, -1:]).reshape(b)
    is_rev = batch["joint_type"].reshape(b) == 0
    diag = batch["diag"].reshape(b)  # scalars may arrive as (B, 1)
    limits = batch["joint_limits"]
    target = retimed_target(is_rev, batch["joint_axis"], batch["joint_origin"], final, limits,
                            *draw_timing(final, limits, cfg, gen), batch["traj"].shape[1])
    axis, origin = batch["joint_axis"], batch["joint_origin"]
    if noise:
        axis, origin = perturb_joint(axis, origin, diag, cfg, gen)
    value = drag_value(is_rev, axis, origin, batch["drag_point"], vector, limits)
    # Points of the moving part for the point losses (every part has >= N/32 points).
    pick = torch.multinomial(batch["mask"] + 1e-9, cfg.loss_points, replacement=True, generator=gen)
    part = torch.gather(batch["points"], 1, pick.unsqueeze(-1).expand(-1, -1, 3))
    return {
        "points": take(batch["points"], 3), "mask": take(batch["mask"], 0), "is_revolute": is_rev,
        "axis": axis, "origin": origin, "drag_point": batch["drag_point"], "drag_vector": vector,
        "value": value, "target": target, "part": part, "axis_true": batch["joint_axis"], "diag": diag,
    }


def forward_loss(net, x: dict, cfg: DQVAEConfig, kl_w: float) -> dict:
    out = net(x["points"], x["mask"], x["is_revolute"], x["axis"], x["origin"], x["drag_point"],
              x["drag_vector"], x["value"], target=x["target"])
    return dqvae_loss(out, x["target"], x["part"], x["is_revolute"], x["axis_true"], x["diag"], cfg, kl_w)


# ------------------------------------------------------------------------------- validation


def val_samples(args) -> list:
    """A fixed slice of the benchmark split: the first benchmark samples of each seen category,
    ``--val-samples`` in all (categories round-robin)."""
    from dragmesh.data import bench, splits

    seen = [c for c in splits.SEEN if c in splits.split_categories("train")]
    per_cat = max(1, -(-args.val_samples // max(1, len(seen))))
    if args.bench is not None:
        samples = [s for s in bench.load_bench(args.bench) if not splits.is_held_out(s.category)]
    else:
        spec = splits.BenchSpec(per_cat, 0, splits.BENCH.n_points, splits.BENCH.frames)
        samples = bench.build_bench(spec, categories=seen[: args.val_samples])
    by_cat: dict[str, list] = {}
    for s in samples:
        by_cat.setdefault(s.category, []).append(s)
    rounds = [s for i in range(per_cat) for c in by_cat.values() if i < len(c) for s in [c[i]]]
    return rounds[: args.val_samples]


@torch.no_grad()
def validate(model: DQVAE, samples: list, baseline: dict | None = None) -> dict:
    """Mean trajectory error (/ diag) of the default trajectory with person-like drags, on the
    ground-truth joint and on a noisy one (tilted 3°, shifted 1.5 % of the diagonal, seeded), raw
    violation and direction agreement on the ground-truth joint; the analytic baseline's errors
    beside them (computed once, passed back in as ``baseline``); and whether the latent is used:
    the spread of the progress at mid-time and of the extent over 8 motions per drag, and the %
    of drawn motions that are monotone (:func:`dragmesh.eval.motion.sampling_measures`)."""
    from dragmesh.eval.motion import (
        SAMPLES, analytic_trajectory, motion_metrics, noisy_joint, part_points, sampling_measures,
    )
    from dragmesh.models.dqvae import MotionGenerator

    model.eval()
    gen = MotionGenerator(model)
    recs: dict[str, list] = {}
    for i, s in enumerate(samples):
        part = part_points(s.points, s.mask)
        gt = s.joint()
        for name, joint in (("", gt), ("_noisy", noisy_joint(gt, float(s.diag), np.random.default_rng([7, i])))):
            value = joint.drag_value(s.drag_point, s.drag_vector)
            args = (joint, part, s.drag_point, s.drag_vector, float(s.diag))
            trajs = gen.generate(s.points, s.mask, joint, s.drag_point, s.drag_vector, value, frames=len(s.traj),
                                 samples=SAMPLES if joint is gt else 1, seed=i)
            recs.setdefault(name, []).append(motion_metrics(trajs[0], s.traj, *args))
            if joint is gt:
                recs.setdefault("_sampling", []).append(sampling_measures(trajs, s.traj, *args))
            if baseline is None:
                base = analytic_trajectory(joint, value, len(s.traj))
                recs.setdefault(name + "_analytic", []).append(motion_metrics(base, s.traj, *args))
    model.train()
    mean = lambda key, m: float(np.nanmean([r[m] for r in recs[key]]))
    out = {
        "val_traj": mean("", "traj"),
        "val_traj_noisy": mean("_noisy", "traj"),
        "val_violation": mean("", "violation"),
        "val_dir": mean("", "dir"),
        "val_mid_std": mean("_sampling", "mid_std"),
        "val_extent_std": mean("_sampling", "extent_std"),
        "val_monotone": mean("_sampling", "monotone"),
    }
    if baseline is None:
        baseline = {"val_traj_analytic": mean("_analytic", "traj"), "val_traj_noisy_analytic": mean("_noisy_analytic", "traj")}
    out.update({k: baseline[k] for k in ("val_traj_analytic", "val_traj_noisy_analytic")})
    return out


# ------------------------------------------------------------------------------------ main


def command_line(args: argparse.Namespace) -> str:
    """The `dragmesh train motion` command that reproduces args (options off their defaults)."""
    p = argparse.ArgumentParser()
    add_arguments(p)
    words = ["dragmesh", "train", "motion"]
    for action in p._actions:
        value = getattr(args, action.dest, action.default)
        if action.dest == "help" or value == action.default or action.dest == "resume":
            continue
        flag = action.option_strings[0]
        if isinstance(action, argparse._StoreTrueAction):
            words.append(flag)
        else:
            words += [flag, ",".join(value) if isinstance(value, tuple) else str(value)]
    return " ".join(words)


def model_card(cfg: DQVAEConfig, params: int, extra: dict, command: str) -> str:
    v = extra.get("final_validation") or {}
    pct = lambda k: f"{100 * v[k]:.3f} %" if k in v else "n/a"
    return f"""# DragMesh motion generator (DQ-VAE)

The part's motion for one drag as T = {cfg.frames} dual quaternions, from the object's points with
the part mask, the joint prior (type, axis, pivot) and the drag (the paper's design; `dragmesh/models/dqvae.py`).
Outputs are relative to the joint frame: a progress correction that re-times the joint's own motion
at the drag-projected value (easing, extent), and a correction added to it, so the raw output is a
general dual quaternion whose distance from the joint's motion is measured, not assumed.

- Parameters: {params:,} ({extra.get('bytes', 0) / 1e6:.1f} MB float32). Points seen: {cfg.n_points}.
- Trained: {extra.get('steps')} steps of batch {extra.get('batch')}, {extra.get('train_seconds')} s,
  on procedurally generated objects of the seen categories, with ground-truth joints perturbed by
  {cfg.axis_noise_deg}° (axis, half-normal) and {cfg.pivot_noise} x diag (pivot) so it tolerates
  predicted ones; {100 * cfg.p_clean:.0f} % of samples exact. Targets re-timed along the true joint with
  a zero-mean easing (ranges a {cfg.ease_a}, b {cfg.ease_b}) and extent change (+-{100 * cfg.extent:.0f} %),
  {100 * cfg.p_linear:.0f} % left linear, so sampled latents give differently timed motions.
- Command: `{command}`
- Validation (benchmark slice, seen categories, person-like drags, ground-truth joint):
  trajectory error {pct('val_traj')} of the bbox diagonal (analytic baseline {pct('val_traj_analytic')}),
  raw kinematic violation {pct('val_violation')}, direction agreement {v.get('val_dir', float('nan')):.1f} %;
  on the joint tilted 3° and shifted 1.5 % of the diagonal: {pct('val_traj_noisy')}
  (analytic baseline {pct('val_traj_noisy_analytic')}).
  8 sampled motions per drag: spread of the progress at mid-time {pct('val_mid_std')}, of the extent
  {pct('val_extent_std')}; {v.get('val_monotone', float('nan')):.1f} % of the drawn ones monotone.
- Full figures: `dragmesh eval motion`.

Config: `{json.dumps(cfg.to_dict())}`
"""


def main(args: argparse.Namespace) -> int:
    d = setup_run(args)
    cfg = model_config(args)
    model = DQVAE(cfg)
    init_model(model, args, "motion")
    model = model.to(d.device)
    vals = val_samples(args) if d.main and args.val_every > 0 else []
    baseline = {}  # the analytic baseline's validation rows, computed once

    def start(step: int):
        # Per-rank streams; a resumed run continues on fresh data rather than replaying the start.
        stream_seed = args.seed * 1_000_003 + 7919 * d.rank + step
        gen = torch.Generator().manual_seed(stream_seed)
        data = data_stream(args, stream_seed)
        pool = ReplayPool(args.pool)
        while pool.size < min(args.pool, 8 * args.batch):  # a first pool, so early batches differ
            pool.add(next(data))
        fresh = 0.0

        def step_loss(net, step):
            nonlocal fresh
            fresh += args.batch / args.reuse  # intake: batch / reuse new samples a step, on average
            if fresh >= args.batch:
                pool.add(next(data))
                fresh -= args.batch
            batch = yaw(pool.sample(args.batch, gen), gen)
            x = {k: v.to(d.device) for k, v in model_inputs(batch, cfg, gen, args.p_exact).items()}
            losses = forward_loss(net, x, cfg, kl_weight(step, cfg))
            return losses["loss"], {k if k == "loss" else f"loss_{k}": float(v.detach()) for k, v in losses.items()}

        return step_loss

    def validate_model(m: DQVAE) -> dict:
        metrics = validate(m, vals, baseline or None)
        baseline.update(baseline or metrics)
        return metrics

    def ship(folder: Path, weights: Path, extra: dict) -> None:
        extra["bytes"] = weights.stat().st_size
        (folder / "motion.md").write_text(model_card(cfg, extra["parameters"], extra, command_line(args).strip()))

    return fit(args, d, Run(
        "motion", model, cfg.to_dict(), start,
        validate=validate_model if vals else None,
        progress=lambda r: {"loss": f"{r['loss']:.4f}", "rec": f"{100 * r['loss_rec']:.2f}%", "kl": f"{r.get('loss_kl', 0):.2f}"},
        curves=("loss", "loss_rec", "loss_kl", "val_traj", "val_traj_noisy", "val_traj_noisy_analytic", "val_violation",
                "val_extent_std"),
        title="motion generator (DQ-VAE) training",
        meta={"batch": args.batch * d.world, "parameters": count_parameters(model)},
        shipped=ship,
    ))
