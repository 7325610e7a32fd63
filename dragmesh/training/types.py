"""Train the joint-type classifier (:mod:`dragmesh.models.typenet`) from generated shards.

    dragmesh train types --shards cache/train_shards [more folders ...] --steps 12000 --out runs/types --ship weights/
    torchrun --nproc_per_node 4 -m dragmesh train types ...      # data parallel, same code

The classifier's inputs live in the part's own frame, so they do not depend on the yaw augmentation
the other trainers need: each sample's drag-independent inputs (:func:`part_geometry`, pools of
twice the points the model sees) are computed once per shard folder and cached beside the run
(``features-<hash of the folder>.npz``); every step then draws a random subset of each pool and one of the sample's two
drags (person-like or exact). Validation: type accuracy on the seen benchmark categories.
"""

from __future__ import annotations

import argparse
import hashlib
import io
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F
from tqdm import tqdm

from dragmesh.models.typenet import (
    FEATURES_VERSION, TypeNet, TypeNetConfig, axis_targets, part_geometry, range_loss, range_targets,
)
from dragmesh.training.common import Run, add_run_arguments, atomic_write_bytes, fit, init_model, plain_args, setup_run

GEOM_KEYS = ("centre", "axes", "ext", "scale", "obj_size", "obj_centre", "part", "context")


def add_arguments(p: argparse.ArgumentParser) -> None:
    d = TypeNetConfig()
    p.add_argument("--shards", type=Path, nargs="+", required=True, help="folders of training shards (dragmesh data shards)")
    p.add_argument("--steps", type=int, default=12000)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--warmup", type=int, default=300)
    p.add_argument("--part-points", type=int, default=d.n_part)
    p.add_argument("--context-points", type=int, default=d.n_context)
    p.add_argument("--width", type=int, default=d.width)
    p.add_argument("--hidden", type=int, default=d.hidden)
    p.add_argument("--axis-head", action=argparse.BooleanOptionalAction, default=True,
                   help="also train the head that picks the part axis the joint runs along (default on)")
    p.add_argument("--axis-weight", type=float, default=1.0, help="weight of the axis head's cross-entropy")
    p.add_argument("--range-head", action=argparse.BooleanOptionalAction, default=True,
                   help="also train the head that predicts the joint's range and rest position (default on)")
    p.add_argument("--range-weight", type=float, default=0.5, help="weight of the range head's loss")
    p.add_argument("--p-exact", type=float, default=0.3, help="fraction of samples trained with the exact drag")
    p.add_argument("--feature-workers", type=int, default=1, help="processes computing the shards' part geometry once")
    p.add_argument("--val-every", type=int, default=1000, help="0: no validation")
    p.add_argument("--val-samples", type=int, default=0, help="seen benchmark samples to validate on (0: all)")
    add_run_arguments(p, out="runs/types")


def geometry_arrays(points: np.ndarray, masks: np.ndarray, cfg: TypeNetConfig) -> dict[str, np.ndarray]:
    """Stacked :func:`part_geometry` of many samples, with pools of twice the model's point counts."""
    rows = [part_geometry(p, m > 0.5, 2 * cfg.n_part, 2 * cfg.n_context) for p, m in zip(points, masks)]
    return {k: np.stack([r[k] for r in rows]) for k in GEOM_KEYS}


def shard_geometry(path: Path, cfg: TypeNetConfig) -> dict[str, np.ndarray]:
    """One shard file's geometry (:func:`geometry_arrays`), drags, joint and type, as training reads them."""
    from dragmesh.data.generator import load_arrays

    a = load_arrays(path)
    g = geometry_arrays(a["points"], a["mask"], cfg)
    g.update({k: a[k].astype(np.float32) for k in ("drag_point", "drag_vector", "drag_vector_exact", "joint_axis",
                                                   "joint_limits")})
    g["joint_type"] = a["joint_type"].astype(np.int64).reshape(-1)
    return g


def shard_features(shards: Path, cfg: TypeNetConfig, cache: Path, workers: int = 1) -> dict[str, np.ndarray]:
    """Every shard sample's geometry, drags and type, computed once (over ``workers`` processes) and
    cached in ``cache``."""
    from concurrent.futures import ProcessPoolExecutor

    from dragmesh.data.generator import read_manifest

    key = f"{Path(shards).resolve()}|{2 * cfg.n_part}|{2 * cfg.n_context}|v{FEATURES_VERSION}"
    if cache.is_file():
        with np.load(cache, allow_pickle=False) as z:
            if str(z["key"]) == key:
                return {k: z[k] for k in z.files if k != "key"}
    files = [Path(shards) / entry["file"] for entry in read_manifest(shards)["shards"]]
    bar = dict(desc="part geometry", unit="shard", total=len(files))
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            parts = list(tqdm(pool.map(shard_geometry, files, [cfg] * len(files)), **bar))
    else:
        parts = [shard_geometry(f, cfg) for f in tqdm(files, **bar)]
    out = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    buf = io.BytesIO()
    np.savez(buf, key=np.array(key), **out)
    atomic_write_bytes(cache, buf.getvalue())
    return out


def draw_batch(data: dict[str, np.ndarray], idx: np.ndarray, cfg: TypeNetConfig, p_exact: float,
               rng: np.random.Generator) -> tuple[dict, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """(geometry tensors with random point subsets, drag point, drag vector, type, axis-head
    class, true limits (B, 2)) for rows idx."""
    b = len(idx)
    geom = {k: torch.from_numpy(data[k][idx]) for k in GEOM_KEYS if k not in ("part", "context")}
    for k, n in (("part", cfg.n_part), ("context", cfg.n_context)):
        pool = data[k][idx]
        sel = np.argsort(rng.random((b, pool.shape[1])), axis=1)[:, :n]
        geom[k] = torch.from_numpy(np.take_along_axis(pool, sel[..., None], axis=1))
    exact = rng.random(b) < p_exact
    vec = np.where(exact[:, None], data["drag_vector_exact"][idx], data["drag_vector"][idx])
    axis = axis_targets(geom["axes"], torch.from_numpy(data["joint_axis"][idx]))
    return (geom, torch.from_numpy(data["drag_point"][idx]), torch.from_numpy(vec), torch.from_numpy(data["joint_type"][idx]),
            axis, torch.from_numpy(data["joint_limits"][idx]))


def bench_features(cfg: TypeNetConfig, limit: int = 0) -> dict[str, np.ndarray]:
    """The seen benchmark samples (every k-th, about ``limit``, when given) at 1,024 points, as the
    shipped predictor sees them, with person-like drags (validation)."""
    from dragmesh.data import bench, splits

    samples = [s for s in bench.build_bench() if not splits.is_held_out(s.category)]
    if limit:
        samples = samples[:: max(1, len(samples) // limit)]
    pts = [s.points[:1024] for s in samples]
    g = geometry_arrays(np.stack(pts), np.stack([s.mask[:1024] for s in samples]), cfg)
    g.update(drag_point=np.stack([s.drag_point for s in samples]).astype(np.float32),
             drag_vector=np.stack([s.drag_vector for s in samples]).astype(np.float32),
             joint_type=np.array([s.joint_type for s in samples], dtype=np.int64),
             joint_axis=np.stack([s.joint_axis for s in samples]).astype(np.float32),
             joint_limits=np.stack([s.joint_limits for s in samples]).astype(np.float32))
    return g


@torch.no_grad()
def validate(model: TypeNet, val: dict[str, np.ndarray], cfg: TypeNetConfig) -> dict:
    model.eval()
    geom = {k: torch.from_numpy(val[k]) for k in GEOM_KEYS}
    geom["part"], geom["context"] = geom["part"][:, : cfg.n_part], geom["context"][:, : cfg.n_context]
    out = model.heads(geom, torch.from_numpy(val["drag_point"]), torch.from_numpy(val["drag_vector"]))
    logits, axis = out["types"], out["axis"]
    model.train()
    ok = logits.argmax(-1).numpy() == val["joint_type"]
    out = {"val_type_acc": float(ok.mean()), "val_errors": int((~ok).sum())}
    if axis is not None:
        target = axis_targets(geom["axes"], torch.from_numpy(val["joint_axis"]))
        out["val_axis_acc"] = float((axis.argmax(-1) == target).float().mean())
    if out_range := out_heads_range(model, geom, val):
        out.update(out_range)
    return out


@torch.no_grad()
def out_heads_range(model: TypeNet, geom: dict, val: dict[str, np.ndarray]) -> dict:
    """Range-head validation: median relative error of the predicted range on bounded joints and
    accuracy of the continuous flag (empty without the head)."""
    if model.range is None:
        return {}
    y = torch.from_numpy(val["joint_type"])
    r = model.heads(geom, torch.from_numpy(val["drag_point"]), torch.from_numpy(val["drag_vector"]))["range"]
    t = range_targets(y, torch.from_numpy(val["joint_limits"]), geom["scale"])
    bounded = t["continuous"] < 0.5
    pred = r[:, 1:3].gather(1, y.reshape(-1, 1)).squeeze(1)
    rel = (pred - t["log_range"]).exp().sub(1.0).abs()[bounded]
    return {"val_range_err": float(rel.median()) if len(rel) else float("nan"),
            "val_continuous_acc": float(((r[:, 0] > 0).float() == t["continuous"]).float().mean())}


def main(args: argparse.Namespace) -> int:
    d = setup_run(args)
    cfg = TypeNetConfig(n_part=args.part_points, n_context=args.context_points, width=args.width, hidden=args.hidden,
                        axis_head=args.axis_head, range_head=args.range_head)
    tables = [shard_features(f, cfg, args.out / f"features-{hashlib.sha1(str(f.resolve()).encode()).hexdigest()[:10]}.npz",
                             args.feature_workers)
              for f in args.shards]
    data = {k: np.concatenate([t[k] for t in tables]) for k in tables[0]}
    val = bench_features(cfg, args.val_samples) if d.main and args.val_every > 0 else None
    model = TypeNet(cfg)
    init_model(model, args, "types")
    model = model.to(d.device)

    def start(step: int):
        rng = np.random.default_rng([args.seed, d.rank, step])
        n = len(data["joint_type"])

        def step_loss(net, step):
            idx = rng.integers(0, n, args.batch)
            geom, dp, dv, y, y_axis, limits = draw_batch(data, idx, cfg, args.p_exact, rng)
            out = net({k: v.to(d.device) for k, v in geom.items()}, dp.to(d.device), dv.to(d.device), all_heads=True)
            logits, axis = out["types"], out["axis"]
            loss = F.cross_entropy(logits, y.to(d.device))
            if axis is not None:
                loss = loss + args.axis_weight * F.cross_entropy(axis, y_axis.to(d.device))
            if out["range"] is not None:
                targets = {k: v.to(d.device) for k, v in range_targets(y, limits, geom["scale"]).items()}
                loss = loss + args.range_weight * range_loss(out["range"], y.to(d.device), targets)
            acc = float((logits.argmax(-1).cpu() == y).float().mean())
            return loss, {"loss": float(loss.detach()), "train_acc": acc}

        return step_loss

    return fit(args, d, Run(
        "types", model, cfg.to_dict(), start,
        validate=(lambda m: validate(m, val, cfg)) if val is not None else None,
        progress=lambda r: {"loss": f"{r['loss']:.4f}", "acc": f"{100 * r['train_acc']:.2f}%"},
        curves=("loss", "train_acc", "val_type_acc", "val_axis_acc", "val_range_err"),
        title="joint-type classifier training",
        meta={"batch": args.batch * d.world, "args": plain_args(args)},
    ))
