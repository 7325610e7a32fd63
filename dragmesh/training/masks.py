"""Train the mask network of ``dragmesh segment`` (:mod:`dragmesh.models.masknet`).

    python -m dragmesh.training.mask_data --out runs/masks/data --objects 8000     # welded cases
    dragmesh train masks --data runs/masks/data --out runs/masks --ship weights/

1. Data: :mod:`dragmesh.training.mask_data`'s welded object cases (the ``train_world`` split: no
   category of either benchmark's held-out groups), every movable part a mask.
2. A step: ``--batch`` (object, movable part) pairs, each part with at least ``MIN_POINTS`` of the
   object's points, drawn as :class:`Cases` weighs them; ``--points`` of the object's points drawn at random; the click a random point
   of the part; the object turned about its up by a random angle and tilted by up to ``TILT_DEG``,
   put in the mask frame, its points jittered by ``JITTER`` of the diagonal.
3. Loss: binary cross-entropy of the point logits plus the soft Dice loss of the part's mask (IoU
   is what is measured; parts are a small share of the points).
4. Validation: the last ``--val-objects`` objects of the data (never trained on), one click per part
   (fixed): the median and the share >= 0.8 of the points' IoU at p = 0.5.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from dragmesh.models.masknet import MaskNet, MaskNetConfig, features, mask_frame, neighbours
from dragmesh.training.common import Run, add_run_arguments, fit, init_model, plain_args, setup_run

MIN_POINTS = 8
TILT_DEG = 8.0
JITTER = 0.002


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", type=Path, required=True, help="folder of mask_data chunks (objects_NNNN.npz)")
    p.add_argument("--steps", type=int, default=10000)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--points", type=int, default=MaskNetConfig.points)
    p.add_argument("--k", type=int, default=MaskNetConfig.k)
    p.add_argument("--width", type=int, default=MaskNetConfig.width)
    p.add_argument("--val-objects", type=int, default=150)
    p.add_argument("--val-every", type=int, default=500)
    p.add_argument("--reload-every", type=int, default=500,
                   help="re-read the data folder every this many steps (chunks still being written join)")
    add_run_arguments(p, out="runs/masks")


class Cases:
    """The (object, part) pairs of the data with at least MIN_POINTS points on the part, and how
    often each is drawn (``weights``): every object alike, and within an object every size class
    alike (a part's share divided by how many of its parts are within 2x of its size), so a
    remote's thirty buttons together weigh about as much as its lid."""

    def __init__(self, data: dict, objects: np.ndarray):
        self.data = data
        pairs, weights = [], []
        for o in objects:
            owner = data["owner"][o]
            sizes = np.array([data["groups"][o, g][owner].sum() for g in range(int(data["n_groups"][o]))])
            kept = np.flatnonzero(sizes >= MIN_POINTS)
            if not len(kept):
                continue
            log = np.log(sizes[kept])
            w = 1.0 / (np.abs(log[:, None] - log[None, :]) < np.log(2.0)).sum(axis=1)
            pairs += [(int(o), int(g)) for g in kept]
            weights.append(w / w.sum())
        self.pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        self.weights = np.concatenate(weights) if weights else np.zeros(0)
        self.weights = self.weights / max(self.weights.sum(), 1e-12)

    def example(self, pair: int, rng: np.random.Generator, n_points: int, augment: bool):
        """(features (n, F), click index, mask (n,)) of one pair."""
        o, g = self.pairs[pair]
        d = self.data
        mask = d["groups"][o, g][d["owner"][o]]
        pick = rng.choice(len(mask), n_points, replace=False)
        on = np.flatnonzero(mask[pick])
        if not len(on):
            pick[0] = rng.choice(np.flatnonzero(mask))
            on = np.array([0])
        click = int(rng.choice(on))
        points = d["points"][o][pick].astype(np.float64)
        normals = d["normals"][o][pick].astype(np.float64)
        if augment:
            from dragmesh.geometry.rotations import rotation_matrix

            yaw = rotation_matrix((0.0, 1.0, 0.0), rng.uniform(0, 2 * np.pi))
            tilt = rotation_matrix((np.cos(a := rng.uniform(0, 2 * np.pi)), 0.0, np.sin(a)),
                                   np.deg2rad(rng.uniform(0, TILT_DEG)))
            R = tilt @ yaw
            points, normals = points @ R.T, normals @ R.T
        # +Y is taken as up although the object is tilted: the up a file gives is rarely exact.
        R, centre, scale = mask_frame(points, (0.0, 1.0, 0.0))
        points = (points - centre) @ R.T / scale
        if augment:
            points = points + rng.normal(0.0, JITTER, points.shape)
        return features(points, normals, points[click]), click, mask[pick]


def batch_of(cases: Cases, pairs: np.ndarray, rng: np.random.Generator, n_points: int, k: int, augment: bool):
    """(features (B, n, F), click indices (B,), neighbours (B, n, k), masks (B, n)) of pairs (B,)."""
    rows = [cases.example(p, rng, n_points, augment) for p in pairs]
    return (torch.from_numpy(np.stack([r[0] for r in rows])), torch.tensor([r[1] for r in rows]),
            torch.from_numpy(np.stack([neighbours(r[0][:, :3], k) for r in rows])),
            torch.from_numpy(np.stack([r[2] for r in rows]).astype(np.float32)))


def loss_of(logits: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, dict]:
    bce = torch.nn.functional.binary_cross_entropy_with_logits(logits, mask)
    p = torch.sigmoid(logits)
    dice = 1.0 - (2 * (p * mask).sum(1) + 1) / (p.sum(1) + mask.sum(1) + 1)
    loss = bce + dice.mean()
    return loss, {"loss": float(loss.detach()), "loss_bce": float(bce.detach()), "loss_dice": float(dice.mean().detach())}


def point_ious(logits: torch.Tensor, mask: torch.Tensor) -> np.ndarray:
    found = logits > 0
    truth = mask > 0.5
    return ((found & truth).sum(1) / (found | truth).sum(1).clamp(min=1)).numpy()


def main(args: argparse.Namespace) -> int:
    from dragmesh.training.mask_data import load_chunks

    d = setup_run(args)
    cfg = MaskNetConfig(points=args.points, k=args.k, width=args.width)
    model = MaskNet(cfg)
    init_model(model, args, "masknet")
    state = {}

    def load():
        data = load_chunks(args.data)
        n = len(data["points"])
        # The validation objects stay the first load's last ones; new chunks only add training objects.
        val = state.get("val", np.arange(max(0, n - args.val_objects), n))
        state.update(val=val, train=Cases(data, np.setdiff1d(np.arange(n), val)), val_cases=Cases(data, val))

    load()
    vrng = np.random.default_rng(0)
    vpairs = np.arange(len(state["val_cases"].pairs))
    val_batches = [batch_of(state["val_cases"], vpairs[i:i + 32], vrng, args.points, args.k, False)
                   for i in range(0, len(vpairs), 32)]

    def validate(m):
        m.eval()
        with torch.no_grad():
            ious = np.concatenate([point_ious(m(x, c, knn), y) for x, c, knn, y in val_batches])
        m.train()
        return {"val_iou_median": float(np.median(ious)), "val_iou_08": float((ious >= 0.8).mean())}

    def start(step: int):
        rng = np.random.default_rng([args.seed, step])

        def step_loss(net, step):
            if step and step % args.reload_every == 0:
                load()
            cases = state["train"]
            x, c, knn, y = batch_of(cases, rng.choice(len(cases.pairs), size=args.batch, p=cases.weights), rng,
                                    args.points, args.k, True)
            return loss_of(net(x, c, knn), y)

        return step_loss

    return fit(args, d, Run(
        "masknet", model, model.config_dict(), start, validate=validate if args.val_every > 0 else None,
        progress=lambda r: {"loss": f"{r['loss']:.3f}", "dice": f"{r['loss_dice']:.3f}"},
        curves=("loss", "loss_dice", "val_iou_median", "val_iou_08"),
        title="mask network training",
        meta={"args": plain_args(args)},
    ))
