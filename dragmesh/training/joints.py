"""Train the joint predictor (type classifier + KPP-Net) from the procedural generator.

    dragmesh train joints --steps 20000 --batch 32 --out runs/joints
    torchrun --nproc_per_node 4 -m dragmesh train joints ...      # data parallel, same code

Every knob is an argument below. Samples come from generated shards (``--shards DIR``, written by
``dragmesh data shards``) or on the fly. Each batch gets a random rotation about +Y applied to inputs
and targets together (the paper's public code rotated only the inputs), and a random subset of ``n_points`` points.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import torch

from dragmesh.models.kppnet import KPPNet, KPPNetConfig, kppnet_loss
from dragmesh.training.common import Run, add_run_arguments, fit, init_model, plain_args, setup_run

BATCH_KEYS = ("points", "mask", "drag_point", "drag_vector", "joint_type", "joint_axis", "joint_origin", "diag")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--steps", type=int, default=20000)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--warmup", type=int, default=500)
    p.add_argument("--points", type=int, default=1024, help="points per sample fed to the model")
    p.add_argument("--width", type=int, default=KPPNetConfig.width)
    p.add_argument("--hidden", type=int, default=KPPNetConfig.hidden)
    p.add_argument("--shards", type=Path, default=None, help="folder of training shards; default: generate on the fly")
    p.add_argument("--workers", type=int, default=1, help="DataLoader worker processes (0: generate in the trainer)")
    p.add_argument("--split", default="train", choices=("train", "train_world"),
                   help="categories generated on the fly (without --shards): the original seen ones or the wider world's")
    p.add_argument("--epoch-size", type=int, default=100_000, help="samples per on-the-fly epoch")
    p.add_argument("--val-every", type=int, default=1000)
    p.add_argument("--val-samples", type=int, default=512)
    add_run_arguments(p, out="runs/joints")


def collate(samples) -> dict[str, torch.Tensor]:
    """Stack Sample objects (or dicts of arrays) into float32 / long tensors keyed by BATCH_KEYS."""
    get = (lambda s, k: s[k]) if isinstance(samples[0], dict) else getattr
    out = {}
    for k in BATCH_KEYS:
        arr = np.stack([np.asarray(get(s, k)) for s in samples])
        out[k] = torch.from_numpy(arr).long() if k == "joint_type" else torch.from_numpy(arr).float()
    return out


def augment(batch: dict[str, torch.Tensor], n_points: int, gen: torch.Generator) -> dict[str, torch.Tensor]:
    """Random yaw about +Y applied to every input and target together; random point subset."""
    b, n = batch["mask"].shape
    batch = {k: batch[k].reshape(b) if k in ("joint_type", "diag") else batch[k] for k in BATCH_KEYS}
    theta = torch.rand(b, generator=gen) * 2 * math.pi
    c, s = torch.cos(theta), torch.sin(theta)
    rot = torch.zeros(b, 3, 3)
    rot[:, 0, 0], rot[:, 0, 2], rot[:, 1, 1], rot[:, 2, 0], rot[:, 2, 2] = c, s, 1.0, -s, c
    out = dict(batch)
    for k in ("points",):
        out[k] = batch[k] @ rot.transpose(1, 2)
    for k in ("drag_point", "drag_vector", "joint_axis", "joint_origin"):
        out[k] = (rot @ batch[k].unsqueeze(-1)).squeeze(-1)
    if n_points < n:
        # Points are i.i.d. surface samples, so a prefix is a valid smaller sample; a random
        # offset keeps topped-up small parts from always landing in the same slots.
        idx = torch.argsort(torch.rand(b, n, generator=gen), dim=1)[:, :n_points]
        out["points"] = torch.gather(out["points"], 1, idx.unsqueeze(-1).expand(-1, -1, 3))
        out["mask"] = torch.gather(batch["mask"], 1, idx)
    return out


def forward_loss(model, batch):
    out = model(batch["points"], batch["mask"], batch["drag_point"], batch["drag_vector"])
    return out, kppnet_loss(out, batch["joint_type"], batch["joint_axis"], batch["joint_origin"])


@torch.no_grad()
def validate(model, val_batches) -> dict:
    """Type accuracy, axis error median (deg) and pivot line distance median (/ diag, revolute)."""
    from dragmesh.eval.metrics import axis_error_deg, line_distance

    model.eval()
    types, axis_err, pivot = [], [], []
    for batch in val_batches:
        out = model(batch["points"], batch["mask"], batch["drag_point"], batch["drag_vector"])
        pred_t = out["type_logits"].argmax(-1)
        types.append((pred_t == batch["joint_type"]).numpy())
        axis_err.append(axis_error_deg(out["axis"].double().numpy(), batch["joint_axis"].double().numpy()))
        d = line_distance(out["origin"].double().numpy(), out["axis"].double().numpy(),
                          batch["joint_origin"].double().numpy(), batch["joint_axis"].double().numpy())
        d = d / batch["diag"].double().numpy()
        pivot.append(np.where(batch["joint_type"].numpy() == 0, d, np.nan))
    model.train()
    pv = np.concatenate(pivot)
    return {
        "val_type_acc": float(np.mean(np.concatenate(types))),
        "val_axis_median": float(np.median(np.concatenate(axis_err))),
        "val_pivot_median": float(np.nanmedian(pv)) if np.isfinite(pv).any() else float("nan"),
    }


def train_batches(args, rank: int, world: int):
    """Endless iterator of training batches (dicts of tensors) for this rank.

    Shards are streamed epoch after epoch in a new shuffled order; on-the-fly generation spreads
    objects over the DataLoader workers (and DDP ranks) so none repeats another's.
    """
    from torch.utils.data import DataLoader

    from dragmesh.data import generator

    if args.shards is not None:
        ds = generator.ShardStream(args.shards, seed=args.seed)
    else:
        ds = generator.OnTheFlyDataset(args.split, seed=args.seed, epoch_size=args.epoch_size)
    loader = DataLoader(ds, batch_size=args.batch, num_workers=args.workers, drop_last=True,
                        persistent_workers=False)
    epoch = 0
    while True:
        ds.set_epoch(epoch)
        for batch in loader:
            yield batch
        epoch += 1


def val_batches(args) -> list[dict[str, torch.Tensor]]:
    from dragmesh.data import bench, splits

    samples = [s for s in bench.build_bench(splits.BenchSpec(n_points=args.points)) if not splits.is_held_out(s.category)]
    samples = samples[:: max(1, len(samples) // args.val_samples)]
    return [collate(samples[i:i + 64]) for i in range(0, len(samples), 64)]


def main(args: argparse.Namespace) -> int:
    d = setup_run(args)
    cfg = KPPNetConfig(n_points=args.points, width=args.width, hidden=args.hidden)
    model = KPPNet(cfg)
    init_model(model, args, "joints")
    model = model.to(d.device)
    vals = val_batches(args) if d.main and args.val_every > 0 else []

    def start(step: int):
        gen = torch.Generator().manual_seed(args.seed * 1000 + d.rank + step)
        data = train_batches(args, d.rank, d.world)

        def step_loss(net, step):
            batch = augment(next(data), args.points, gen)
            _, losses = forward_loss(net, {k: v.to(d.device) for k, v in batch.items()})
            return losses["loss"], {k if k == "loss" else f"loss_{k}": float(v.detach()) for k, v in losses.items()}

        return step_loss

    return fit(args, d, Run(
        "joints", model, cfg.to_dict(), start,
        validate=(lambda m: validate(m, vals)) if vals else None,
        progress=lambda r: {"loss": f"{r['loss']:.3f}", "axis": f"{r['loss_axis_deg']:.1f}"},
        curves=("loss", "loss_axis_deg", "val_type_acc", "val_axis_median", "val_pivot_median"),
        title="joint predictor training",
        meta={"args": plain_args(args)},
    ))
