"""`dragmesh eval joints`: joint inference on the benchmark split, learned model against baselines.

Rows, all on the same samples in the same run:
- ``typenet+kppnet+snap``: the shipped predictor, types from the part-frame classifier
  (``weights/types.*``), axis and pivot from KPP-Net refined by geometry;
- ``kppnet+snap`` / ``kppnet``: KPP-Net alone (its own type head) with and without geometric
  refinement (when ``weights/joints.*`` exist);
- ``geometric``: the no-learning baseline (part box + drag, :mod:`dragmesh.models.baseline`).

Each sample is evaluated twice: with the person-like (perturbed) drag and with the exact drag.
Figures: type accuracy; axis error (deg; median, mean, % under 5° and 10°); pivot error
for revolute joints (axis-line distance / bbox diagonal; median, mean); drag-sign agreement (% of
samples whose predicted joint, moved by the value the drag asks for, moves the dragged point along
the true motion); latency per drag at batch 1 (p50/p95, ms).

``--split original`` (default) is the published benchmark (:data:`~dragmesh.data.splits.BENCH`, 24
categories); ``--split world`` the wider world's (:data:`~dragmesh.data.splits.WORLD_BENCH`, every
category), whose "held_out" group is ``WORLD_HELD_OUT + HELD_OUT``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from dragmesh.eval.metrics import axis_error_deg, line_distance, summarize

GROUPS = ("seen", "held_out")


def predict_all(predictor, samples, n_points: int, split: str = "original") -> list[dict]:
    """One record per sample: the prediction's errors and its latency; its group ("seen" or
    "held_out") as in benchmark split ``split`` ("original" or "world")."""
    from dragmesh.data.splits import is_held_out

    is_held_out("", split)  # an unknown split fails before any prediction
    records = []
    for s in samples:
        pts, mask = s.points[:n_points], s.mask[:n_points] > 0.5
        t0 = time.perf_counter()
        pred = predictor.predict(pts, mask, s.drag_point, s.drag_vector)
        ms = (time.perf_counter() - t0) * 1000
        j = pred.joint
        true_rev = s.joint_type == 0
        pivot = float("nan")
        if true_rev and j.type == "revolute":
            pivot = float(line_distance(j.origin[None], j.axis[None], s.joint_origin[None].astype(float),
                                        s.joint_axis[None].astype(float))[0] / s.diag)
        elif true_rev:
            pivot = float("inf")  # a revolute joint predicted as a slide has no pivot: count it as wrong
        # The motion the drag asks of the predicted joint, compared with the true chord of the point.
        value = j.drag_value(s.drag_point.astype(float), s.drag_vector.astype(float), clamp=False)
        moved = j.apply(s.drag_point[None].astype(float), value)[0] - s.drag_point
        sign_ok = float(moved @ s.drag_vector_exact) > 0
        records.append({
            "category": s.category,
            "group": "held_out" if is_held_out(s.category, split) else "seen",
            "type_ok": (j.type == "revolute") == true_rev,
            "axis_deg": float(axis_error_deg(j.axis[None], s.joint_axis[None].astype(float))[0]),
            "pivot": pivot,
            "sign_ok": sign_ok,
            "ms": ms,
        })
    return records


def table(records: list[dict]) -> dict:
    """Aggregate records into the figures of the module docstring."""
    if not records:
        return {"n": 0}
    axis = np.array([r["axis_deg"] for r in records])
    pivot = np.array([r["pivot"] for r in records])
    pivot = pivot[~np.isnan(pivot)]
    ms = np.array([r["ms"] for r in records])
    piv_finite = np.where(np.isinf(pivot), 1.0, pivot)  # a missed type counts as a whole diagonal
    return {
        "n": len(records),
        "type_acc": 100 * float(np.mean([r["type_ok"] for r in records])),
        "axis_median": float(np.median(axis)),
        "axis_mean": float(np.mean(axis)),
        "axis_under_5": 100 * float(np.mean(axis < 5)),
        "axis_under_10": 100 * float(np.mean(axis < 10)),
        "pivot_median": summarize(piv_finite)["median"],
        "pivot_mean": summarize(piv_finite)["mean"],
        "sign_agree": 100 * float(np.mean([r["sign_ok"] for r in records])),
        "latency_p50": float(np.percentile(ms, 50)),
        "latency_p95": float(np.percentile(ms, 95)),
    }


def evaluate(
    predictors: dict, samples, n_points: int = 1024, per_category: bool = True, split: str = "original"
) -> dict:
    """{predictor name: {variant: {group: table, "per_category": {...}}}} over both drag variants;
    groups as in benchmark split ``split``."""
    result = {}
    for name, predictor in predictors.items():
        n = getattr(predictor, "n_points", n_points)
        result[name] = {}
        for variant in ("perturbed", "exact"):
            use = samples if variant == "perturbed" else [s.exact_variant() for s in samples]
            recs = predict_all(predictor, use, n, split)
            entry = {g: table([r for r in recs if r["group"] == g]) for g in GROUPS}
            entry["all"] = table(recs)
            if per_category:
                cats = sorted({r["category"] for r in recs})
                entry["per_category"] = {c: table([r for r in recs if r["category"] == c]) for c in cats}
            result[name][variant] = entry
    return result


def default_predictors(weights_dir: Path | None = None) -> dict:
    from dragmesh.errors import WeightsError
    from dragmesh.models.baseline import GeometricJointPredictor
    from dragmesh.models.joint_predictor import load_joint_predictor
    from dragmesh.models.weights import WEIGHTS_DIR

    predictors = {}
    folder = weights_dir or WEIGHTS_DIR
    try:
        shipped = load_joint_predictor(folder, snap=True)
        if shipped.types is not None:
            predictors["typenet+kppnet+snap"] = shipped
        predictors["kppnet+snap"] = load_joint_predictor(folder, snap=True, types=False)
        predictors["kppnet"] = load_joint_predictor(folder, snap=False, types=False)
    except WeightsError as exc:
        print(f"dragmesh: note: no learned joint model ({exc}); baseline only")
    predictors["geometric"] = GeometricJointPredictor()
    return predictors


COLUMNS = [
    ("type_acc", "type%", "{:.1f}"), ("axis_median", "axis med°", "{:.2f}"), ("axis_mean", "axis mean°", "{:.2f}"),
    ("axis_under_5", "<5°%", "{:.1f}"), ("axis_under_10", "<10°%", "{:.1f}"),
    ("pivot_median", "pivot med", "{:.4f}"), ("pivot_mean", "pivot mean", "{:.4f}"),
    ("sign_agree", "sign%", "{:.1f}"), ("latency_p50", "ms p50", "{:.2f}"), ("latency_p95", "ms p95", "{:.2f}"),
]


def format_table(result: dict, per_category: bool = False, split: str = "original") -> str:
    """Markdown tables: one row per (predictor, drag variant, group); per-category tables mark the
    held-out categories of benchmark split ``split``."""
    from dragmesh.data.splits import is_held_out

    head = "| model | drag | categories | n | " + " | ".join(c[1] for c in COLUMNS) + " |"
    lines = [head, "|" + "---|" * (4 + len(COLUMNS))]
    for name, variants in result.items():
        for variant, entry in variants.items():
            for group in ("seen", "held_out"):
                t = entry[group]
                if not t.get("n"):
                    continue
                cells = [c[2].format(t[c[0]]) for c in COLUMNS]
                lines.append(f"| {name} | {variant} | {group} | {t['n']} | " + " | ".join(cells) + " |")
    if per_category:
        for name, variants in result.items():
            entry = variants["perturbed"]
            lines += ["", f"Per category, {name}, person-like drags ({split} split):", "",
                      "| category | group | n | type% | axis med° | pivot med | sign% |", "|---|---|---|---|---|---|---|"]
            for cat, t in entry["per_category"].items():
                group = "held_out" if is_held_out(cat, split) else "seen"
                lines.append(f"| {cat} | {group} | {t['n']} | {t['type_acc']:.1f} | {t['axis_median']:.2f} | "
                             f"{t['pivot_median']:.4f} | {t['sign_agree']:.1f} |")
    return "\n".join(lines)


def add_arguments(p) -> None:
    p.add_argument("--bench", type=Path, default=None, help="benchmark folder (dragmesh data bench); default: regenerate")
    p.add_argument("--weights", type=Path, default=None, help="folder with joints.safetensors/json (default: weights/)")
    p.add_argument("--limit", type=int, default=None, help="evaluate on every k-th sample only (quick looks)")
    p.add_argument("--per-category", action="store_true", help="also print per-category tables")
    p.add_argument("--threads", type=int, default=2,
                   help="torch CPU threads (default 2; 1 when two evaluations share two cores)")
    p.add_argument("--split", default="original", choices=["original", "world"],
                   help="benchmark split: original (24 categories, default) or world (every category; "
                   "held out = the world held-out set + the original four)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")


def main(args) -> int:
    import torch

    from dragmesh.data.bench import build_bench, load_bench
    from dragmesh.data.splits import bench_spec

    torch.set_num_threads(max(1, getattr(args, "threads", 2)))
    split = getattr(args, "split", "original")
    spec = bench_spec(split)
    samples = load_bench(args.bench) if args.bench else build_bench(spec)
    if args.limit:
        samples = samples[:: max(1, len(samples) // args.limit)]
    result = evaluate(default_predictors(args.weights), samples, per_category=True, split=split)
    if args.json:
        print(json.dumps(result))
    else:
        print(format_table(result, per_category=args.per_category, split=split))
    return 0
