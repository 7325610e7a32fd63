"""`dragmesh eval segment`: the part found under the drag point, on the benchmark re-made as welded
single surfaces, and the joint `articulate` infers from it beside the joint from the true part.

Each benchmark object (its mesh at the sample's pose, units and placement) is re-made the way scans
and image-to-3D models arrive (:func:`dragmesh.segment.welded.weld_remesh`): voxelised at 80 to 160
voxels across, marching cubes, Taubin-smoothed (0, 5 or 10 iterations), decimated to 20k-60k faces;
parts fuse where they touch, interior geometry disappears. Drawn per sample from its seed, so every
run re-makes the same meshes. The truth per vertex is the original face nearest it (the dragged
part and the parts it carries).

Figures per group (seen / held-out categories):

- **segment**: per-vertex IoU of the part found under the sample's (person-like) drag point by
  the mask network guiding the cut (``dragmesh segment --network``), median and share >= 0.8; share
  of its clicks answered "no part" or off the mesh; its ms p50; beside it the IoU median and share
  >= 0.8 of the fold cuts with their hand rule (the default) and with the learned ranker
  (``--ranker``).
- **joints** (unless ``--no-joints``): the shipped joint inference through
  :meth:`~dragmesh.pipeline.DragMesh.articulate` on the welded mesh (analytic motion: this is about
  the joint), once with no part given (found by the default) and once with the true part: type %, axis
  median / mean (deg), pivot median (% of the diagonal, revolute; the distance between the hinge
  lines at the part, :func:`~dragmesh.eval.metrics.hinge_offset`). A click with no part found counts
  as a wrong type and a 90° axis.

``--mesh loose`` measures the same on the generator's meshes as they are (every part its own loose
pieces, the base several boxes), the truth the moving faces' vertices.
"""

from __future__ import annotations

import json
import time

import numpy as np

from dragmesh.eval.metrics import axis_error_deg, hinge_offset

GROUPS = ("seen", "held_out")
# The re-making drawn per sample: voxels across, Taubin iterations, faces after decimation.
RESOLUTIONS = (80, 160)
SMOOTHING = (0, 5, 10)
FACES = (20_000, 60_000)


def welded_case(sample):
    """(vertices (V, 3), faces (F, 3), truth (V,) bool) of a benchmark sample's mesh re-made as one
    welded surface, drawn from the sample's seed."""
    from dragmesh.segment.welded import transfer_vertex_values, weld_remesh

    rng = np.random.default_rng([int(sample.seed), 0x5E6])
    vertices, faces = weld_remesh(sample.vertices, sample.faces, int(rng.integers(*RESOLUTIONS)), rng=rng,
                                  smooth=int(rng.choice(SMOOTHING)), target_faces=int(rng.integers(*FACES)))
    truth = transfer_vertex_values(sample.vertices, sample.faces, sample.moving_faces, vertices, rng)
    return vertices, faces, truth.astype(bool)


def _joint_errors(result, sample) -> dict:
    """Type, axis (deg) and pivot (fraction of the diagonal) errors of an ArticulationResult."""
    j = result.joint
    true_revolute = int(sample.joint_type) == 0
    axis = float(axis_error_deg(j.axis[None], sample.joint_axis_mesh[None])[0])
    pivot = float("nan")
    if true_revolute:
        pivot = 1.0 if j.type != "revolute" else float(
            hinge_offset(j.origin[None], j.axis[None], sample.joint_origin_mesh[None], sample.joint_axis_mesh[None])[0]
            / sample.diag)
    return {"type_ok": (j.type == "revolute") == true_revolute, "axis_deg": axis, "pivot": pivot}


MISSED = {"type_ok": False, "axis_deg": 90.0, "pivot": 1.0}

# The methods measured, by record key prefix: the mask network guiding the cut (``segment
# --network``), the nested cuts with their hand rule (the default), and the cuts with the learned
# ranker (``--ranker``).
METHODS = (("", {"masks": True}), ("cuts_", {}), ("ranker_", {"ranker": True}))


def loose_case(sample):
    """(vertices, faces, truth (V,) bool) of a benchmark sample's mesh as the generator made it: every
    part its own loose pieces, the truth the vertices of the moving faces."""
    truth = np.zeros(len(sample.vertices), dtype=bool)
    truth[sample.faces[sample.moving_faces].ravel()] = True
    return sample.vertices, sample.faces, truth


def evaluate_sample(sample, pipeline=None, mesh: str = "welded") -> dict:
    """One record: the found part's IoU (0 when none was found) and, with a pipeline, the joint errors
    with the part found and with the true part; ``mesh`` "welded" (re-made) or "loose" (as made)."""
    from dragmesh.errors import InputError
    from dragmesh.io import PartMesh
    from dragmesh.segment import find_part, shipped_masks, shipped_ranker

    vertices, faces, truth = welded_case(sample) if mesh == "welded" else loose_case(sample)
    record = {"category": sample.category, "truth_share": float(truth.mean())}
    for key, options in METHODS:
        options = {"masks": shipped_masks() if options.get("masks") else None,
                   "ranker": shipped_ranker() if options.get("ranker") else None}
        start = time.perf_counter()
        try:
            found = find_part(vertices, faces, sample.drag_point_mesh, up=sample.up, **options).vertex_mask
            status = "found"
        except InputError as exc:
            found = np.zeros(len(vertices), dtype=bool)
            status = "off mesh" if "from the mesh" in str(exc) else "no part"
        record.update({key + "iou": float((found & truth).sum() / max((found | truth).sum(), 1)), key + "status": status,
                       key + "ms": (time.perf_counter() - start) * 1e3})
    if pipeline is None:
        return record
    true_faces = truth[faces].sum(axis=1) >= 2
    # Without a part, the mesh as such a file arrives (no parts); with the true part, labelled.
    welded = PartMesh(vertices, faces, np.zeros(len(faces), dtype=np.int64), ["object"], source=None, up=sample.up)
    labelled = PartMesh(vertices, faces, true_faces.astype(np.int64), ["base", "part"], source=None, up=sample.up)
    for name, mesh, part in (("joint_found", welded, None), ("joint_true", labelled, "part")):
        try:
            result = pipeline.articulate(mesh, part, sample.drag_point_mesh, sample.drag_vector_mesh, frames=2)
            record[name] = _joint_errors(result, sample)
        except InputError:
            record[name] = dict(MISSED)
    return record


def table(records: list[dict]) -> dict:
    """The module docstring's figures over ``records``."""
    if not records:
        return {"n": 0}
    out = {"n": len(records)}
    for key, _ in METHODS:
        iou = np.array([r[key + "iou"] for r in records])
        out.update({
            key + "iou_median": float(np.median(iou)),
            key + "iou_at_least_0.8": 100 * float(np.mean(iou >= 0.8)),
            key + "no_part": 100 * float(np.mean([r[key + "status"] != "found" for r in records])),
            key + "ms_p50": float(np.percentile([r[key + "ms"] for r in records], 50)),
        })
    for key in ("joint_found", "joint_true"):
        if key in records[0]:
            axis = np.array([r[key]["axis_deg"] for r in records])
            pivot = np.array([r[key]["pivot"] for r in records])
            pivot = pivot[np.isfinite(pivot)]
            out[key] = {
                "type_acc": 100 * float(np.mean([r[key]["type_ok"] for r in records])),
                "axis_median": float(np.median(axis)),
                "axis_mean": float(np.mean(axis)),
                "pivot_median": 100 * float(np.median(pivot)) if len(pivot) else float("nan"),
            }
    return out


def format_tables(result: dict, per_category: dict | None = None) -> str:
    """Markdown: the segment table, then the joint table (found part beside true part)."""
    lines = ["| categories | n | network: IoU median | >= 0.8 % | no part % | ms p50 | cuts (default): IoU median "
             "| >= 0.8 % | cuts + ranker: IoU median | >= 0.8 % |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for group in GROUPS:
        t = result[group]
        if t.get("n"):
            lines.append(f"| {group} | {t['n']} | {t['iou_median']:.3f} | {t['iou_at_least_0.8']:.1f} | "
                         f"{t['no_part']:.1f} | {t['ms_p50']:.0f} | {t['cuts_iou_median']:.3f} | "
                         f"{t['cuts_iou_at_least_0.8']:.1f} | {t['ranker_iou_median']:.3f} | "
                         f"{t['ranker_iou_at_least_0.8']:.1f} |")
    if any("joint_found" in result[g] for g in GROUPS if result[g].get("n")):
        lines += ["", "| part / categories | n | type% | axis med° | axis mean° | pivot med% |", "|---|---|---|---|---|---|"]
        for key, label in (("joint_found", "found"), ("joint_true", "true")):
            for group in GROUPS:
                t = result[group]
                if t.get("n"):
                    j = t[key]
                    lines.append(f"| {label} / {group} | {t['n']} | {j['type_acc']:.1f} | {j['axis_median']:.2f} | "
                                 f"{j['axis_mean']:.2f} | {j['pivot_median']:.2f} |")
    if per_category:
        lines += ["", "| category | n | network: IoU median | >= 0.8 % | no part % | cuts (default): IoU median |",
                  "|---|---|---|---|---|---|"]
        for name, t in per_category.items():
            lines.append(f"| {name} | {t['n']} | {t['iou_median']:.3f} | {t['iou_at_least_0.8']:.1f} | "
                         f"{t['no_part']:.1f} | {t['cuts_iou_median']:.3f} |")
    return "\n".join(lines)


_PIPELINE: dict = {}


def _record(job) -> dict:
    """One job (category, seed, generator config, with joints, mesh kind) -> its record; the
    pipeline is built once per process."""
    import torch

    name, seed, config, joints, mesh = job
    from dragmesh.data.generator import object_sample

    torch.set_num_threads(1)
    if joints and "pipeline" not in _PIPELINE:
        from dragmesh.pipeline import DragMesh

        _PIPELINE["pipeline"] = DragMesh(motion_model="analytic")
    return evaluate_sample(object_sample(name, seed, config), _PIPELINE.get("pipeline"), mesh)


def add_arguments(p) -> None:
    p.add_argument("--split", choices=("original", "world"), default="original",
                   help="benchmark split: original (24 categories, default) or world (every category)")
    p.add_argument("--per-category", type=int, default=None, metavar="N",
                   help="only the first N samples of each category (default: all of them)")
    p.add_argument("--mesh", choices=("welded", "loose"), default="welded",
                   help="welded: each object re-made as one welded surface (default); loose: the generator's "
                   "meshes as they are, every part its own loose pieces")
    p.add_argument("--no-joints", action="store_true", help="segmentation only (no joint inference)")
    p.add_argument("--categories", action="store_true", help="also print the per-category table")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    p.add_argument("--workers", type=int, default=1, help="processes reading samples in parallel (default 1)")


def main(args) -> int:
    import torch

    from dragmesh.data.generator import GeneratorConfig
    from dragmesh.data.splits import bench_spec
    from dragmesh.errors import InputError
    from tqdm import tqdm

    torch.set_num_threads(1)
    if args.per_category is not None and args.per_category < 1:
        raise InputError(f"--per-category must be at least 1, got {args.per_category}")
    spec = bench_spec(args.split)
    counts: dict[str, int] = {}
    entries = []
    for name, seed in spec.entries():
        counts[name] = counts.get(name, 0) + 1
        if args.per_category is None or counts[name] <= args.per_category:
            entries.append((name, seed))
    config = GeneratorConfig(n_points=spec.n_points, frames=spec.frames, keep_mesh=True)
    jobs = [(name, seed, config, not args.no_joints, args.mesh) for name, seed in entries]
    if args.workers < 1:
        raise InputError(f"--workers must be at least 1, got {args.workers}")
    progress = dict(desc="eval segment", unit="sample", total=len(jobs), disable=args.json)
    if args.workers == 1:
        records = [_record(job) for job in tqdm(jobs, **progress)]
    else:
        import multiprocessing

        # Each worker process reads its samples on one thread; the order of the records is the jobs'.
        with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
            records = list(tqdm(pool.imap(_record, jobs, chunksize=4), **progress))
    for record, (name, _) in zip(records, entries):
        record["group"] = "held_out" if spec.is_held_out(name) else "seen"
    result = {g: table([r for r in records if r["group"] == g]) for g in GROUPS}
    per_category = {c: table([r for r in records if r["category"] == c]) for c in dict.fromkeys(r["category"] for r in records)}
    if args.json:
        print(json.dumps({**result, "per_category": per_category, "split": args.split, "mesh": args.mesh,
                          "per_category_limit": args.per_category}))
    else:
        print(format_tables(result, per_category if args.categories else None))
    return 0
