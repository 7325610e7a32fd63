"""``dragmesh data bench|shards|speed|preview|partnet``: build, cache, time and look at the training
and benchmark data (see :mod:`dragmesh.data`)."""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace

from dragmesh.errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "data",
        help="generate, cache, time and preview the articulated-object data",
        description="Procedural articulated objects with exact ground truth, the benchmark split, "
        "PartNet-Mobility folders as samples.",
    )
    sub = parser.add_subparsers(dest="data_command", metavar="ACTION")

    p = sub.add_parser("bench", help="write the fixed, seeded benchmark split to a folder")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (bench.npz + manifest.json)")
    p.add_argument("--with-mesh", action="store_true", help="also store each object's mesh (for renders)")
    p.add_argument("--points", type=int, default=None, metavar="N", help="points per sample (default 4096)")
    p.add_argument("--seen", type=int, default=None, metavar="K", help="samples per training category (default 30)")
    p.add_argument("--held-out", type=int, default=None, metavar="K", help="samples per held-out category (default 60)")
    p.add_argument("--split", default="original", choices=["original", "world"],
                   help="original: the 24 original categories (default); world: every category, "
                   "held out = the world held-out set + the original four")
    p.set_defaults(func=run_bench)

    p = sub.add_parser("shards", help="write samples of a split's stream as .npz shards")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--count", type=int, required=True, metavar="K", help="number of samples")
    p.add_argument("--seed", type=int, default=0, help="stream seed (default 0)")
    p.add_argument("--split", default="train", choices=["train", "val", "train_world", "val_world"],
                   help="train/val: the original seen categories; train_world/val_world: every category "
                   "but the world and original held-out ones")
    p.add_argument("--shard-size", type=int, default=1000, metavar="K")
    p.add_argument("--points", type=int, default=1024, metavar="N")
    p.add_argument("--frames", type=int, default=16, metavar="T")
    p.add_argument("--workers", type=int, default=1, help="processes (the shards are the same for any count)")
    p.add_argument("--realism", type=float, default=0.0, metavar="P",
                   help="probability a sample's mesh gets real-file defects first (duplicated, double-sided, "
                   "flipped, holed, re-tessellated, unwelded faces; sunk parts); default 0")
    p.set_defaults(func=run_shards)

    p = sub.add_parser("speed", help="time sample generation on one core")
    p.add_argument("--count", type=int, default=400, metavar="K", help="samples to time (default 400)")
    p.add_argument("--points", type=int, default=1024, metavar="N")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--per-category", action="store_true", help="also time each category")
    p.add_argument("--split", default="train", choices=["train", "val", "train_world", "val_world"])
    p.add_argument("--realism", type=float, default=0.0, metavar="P", help="as for `shards` (default 0)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_speed)

    p = sub.add_parser("preview", help="render the contact sheet: one object per category, closed and opened")
    p.add_argument("--out", required=True, metavar="FILE.png")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--categories", default=None, metavar="A,B,...", help="only these categories")
    p.set_defaults(func=run_preview)

    p = sub.add_parser("partnet", help="PartNet-Mobility / GAPartNet object folders -> sample shards")
    p.add_argument("root", metavar="ROOT", help="folder of object folders (each with mobility.urdf)")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--per-joint", type=int, default=4, metavar="K", help="samples per movable joint (default 4)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--points", type=int, default=1024, metavar="N")
    p.add_argument("--shard-size", type=int, default=1000, metavar="K")
    p.set_defaults(func=run_partnet)
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])


def _positive(name: str, value: int | None) -> None:
    if value is not None and value < 1:
        raise InputError(f"{name} must be >= 1, got {value}")


def _probability(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise InputError(f"{name} must be in [0, 1], got {value}")


def _config(points: int, frames: int = 16, realism: float = 0.0):
    from dragmesh.data.generator import AugmentConfig, GeneratorConfig

    return GeneratorConfig(n_points=points, frames=frames, augment=AugmentConfig(realism=realism))


def run_bench(args: argparse.Namespace) -> int:
    from dragmesh.data.bench import write_bench
    from dragmesh.data.splits import bench_spec

    for name in ("points", "seen", "held_out"):
        _positive("--" + name.replace("_", "-"), getattr(args, name))
    spec = bench_spec(getattr(args, "split", "original"))
    if args.points:
        spec = replace(spec, n_points=args.points)
    if args.seen:
        spec = replace(spec, seen_per_category=args.seen)
    if args.held_out:
        spec = replace(spec, held_out_per_category=args.held_out)
    t = time.perf_counter()
    path = write_bench(args.out, spec, with_mesh=args.with_mesh, progress=True)
    manifest = json.loads(path.read_text())
    print(f"wrote {manifest['count']} samples ({len(manifest['per_category'])} categories, held out: "
          f"{', '.join(manifest['held_out'])}) to {path.parent} in {time.perf_counter() - t:.1f} s")
    return 0


def run_shards(args: argparse.Namespace) -> int:
    from dragmesh.data.generator import write_shards

    for name in ("count", "shard_size", "points", "frames", "workers"):
        _positive("--" + name.replace("_", "-"), getattr(args, name))
    _probability("--realism", args.realism)
    config = _config(args.points, args.frames, args.realism)
    t = time.perf_counter()
    path = write_shards(args.out, args.count, args.seed, args.split, config, args.shard_size, args.workers, progress=True)
    dt = time.perf_counter() - t
    print(f"wrote {args.count} {args.split} samples (seed {args.seed}) to {path.parent} in {dt:.1f} s "
          f"({args.count / dt:.0f} samples/s)")
    return 0


def run_speed(args: argparse.Namespace) -> int:
    import torch

    from dragmesh.data.generator import generate, registered_categories
    from dragmesh.data.splits import split_categories

    _positive("--count", args.count)
    _positive("--points", args.points)
    _probability("--realism", args.realism)
    torch.set_num_threads(1)
    split = args.split
    config = _config(args.points, realism=args.realism)
    next(generate(split, args.seed, 0, 1, config))  # imports, caches
    t = time.perf_counter()
    n = sum(1 for _ in generate(split, args.seed, 0, args.count, config))
    dt = time.perf_counter() - t
    result = {
        "samples": n,
        "points": args.points,
        "seconds": round(dt, 3),
        "samples_per_s": round(n / dt, 1),
        "samples_per_object": config.samples_per_object,
        "threads": 1,
        "split": split,
        "realism": args.realism,
    }
    if args.per_category:
        per = {}
        cats = [c for c in split_categories(split)] + [c for c in registered_categories() if c not in split_categories(split)]
        k = max(8, args.count // max(len(cats), 1))
        for c in cats:
            t = time.perf_counter()
            m = sum(1 for _ in generate(split, args.seed, 0, k, config, categories=[c]))
            per[c] = round(m / (time.perf_counter() - t), 1)
        result["per_category"] = per
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{n} {split} samples of {args.points} points in {dt:.2f} s on one core: {n / dt:.0f} samples/s "
              f"({config.samples_per_object} samples per built object, realism {args.realism:g})")
        for c, v in result.get("per_category", {}).items():
            print(f"  {c:18s} {v:7.1f} samples/s")
    return 0


def run_preview(args: argparse.Namespace) -> int:
    from dragmesh.data.preview import contact_sheet

    cats = [c.strip() for c in args.categories.split(",") if c.strip()] if args.categories else None
    path = contact_sheet(args.out, cats, seed=args.seed)
    print(f"wrote {path}")
    return 0


def run_partnet(args: argparse.Namespace) -> int:
    from dragmesh.data.generator import GeneratorConfig, write_sample_shards
    from dragmesh.data.partnet import dataset_samples, object_folders

    _positive("--per-joint", args.per_joint)
    _positive("--points", args.points)
    object_folders(args.root)  # fail before writing anything
    config = GeneratorConfig(n_points=args.points)
    samples = dataset_samples(args.root, args.seed, args.per_joint, config)
    path = write_sample_shards(args.out, samples, args.shard_size, {"source": str(args.root), "split": "partnet", "seed": args.seed})
    manifest = json.loads(path.read_text())
    print(f"wrote {manifest['count']} samples to {path.parent}")
    return 0
