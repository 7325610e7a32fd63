"""``dragmesh bench``: per-stage latency of one drag on CPU (batch 1, 2 torch threads by default).

Each run is one whole drag: load the mesh file, resolve the part and check the drag, sample and
normalise, infer the joint, generate the motion, project it onto the joint, map it back, export
(GLB, NPZ, JSON by default). After warm-up runs, the p50 and p95 of every stage are printed, and
``inference`` = joint + motion + projection, the interactive path (target: 15 ms p50).

Configurations timed side by side: ``shipped`` (what :class:`~dragmesh.pipeline.DragMesh` loads by
default: KPP-Net + DQ-VAE), ``baseline`` (geometric joint + analytic motion) and ``paper``: the
paper-sized configuration of the same architectures (4,096 points, width 512, 8 decoder layers,
~27.9 M parameters, untrained: timing only) from :func:`dragmesh.models.paper_sized_components`.

``segment``: finding the part under a click on a mesh without parts (``dragmesh segment``): the
built-in example re-made as one welded surface (marching cubes at 128 voxels, decimated to
``SEGMENT_FACES`` faces), clicked on its door; ``find`` is :func:`dragmesh.segment.find_part` on the
loaded mesh, ``file`` the whole command's work (read the PLY, find, labels in file order; target:
``SEGMENT_TARGET_MS``).
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

STAGES = ("load", "part", "sample", "joint", "motion", "projection", "output", "export")
INFERENCE = ("joint", "motion", "projection")
TARGET_MS = 15.0
SEGMENT_FACES = 40_000
SEGMENT_TARGET_MS = 1000.0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="per-stage latency of one drag on CPU",
        description="Time every stage of one drag (load, sample, joint inference, motion generation, "
        "projection, export) over repeated runs; print p50/p95 in milliseconds.",
    )
    parser.add_argument("mesh", metavar="MESH", nargs="?", help="mesh file (default: the built-in example)")
    parser.add_argument("--part", help="moving part (default with the example: door)")
    parser.add_argument("--drag-point", metavar="X,Y,Z")
    parser.add_argument("--drag-vector", metavar="DX,DY,DZ")
    parser.add_argument("--runs", type=int, default=30, help="timed runs (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    parser.add_argument("--frames", type=_frames_option(), default=16)
    parser.add_argument("--export", default="glb,npz,json", metavar="FORMATS",
                        help="formats written in the export stage (default glb,npz,json; 'none' to skip)")
    parser.add_argument("--no-paper", action="store_true", help="skip the paper-sized configuration")
    parser.add_argument("--no-baseline", action="store_true", help="skip the geometric + analytic configuration")
    parser.add_argument("--no-segment", action="store_true", help="skip timing dragmesh segment")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.set_defaults(func=run)


def percentiles(values: list[float]) -> dict[str, float]:
    a = np.asarray(values, dtype=np.float64)
    return {"p50": float(np.percentile(a, 50)), "p95": float(np.percentile(a, 95))}


def time_config(pipeline, mesh_path: str, part, point, vector, runs: int, warmup: int, frames: int,
                formats: list[str] | None) -> dict[str, dict[str, float]]:
    """{stage: {p50, p95}} in ms over ``runs`` drags (after ``warmup``)."""
    samples: dict[str, list[float]] = {s: [] for s in STAGES + ("inference", "total")}
    with tempfile.TemporaryDirectory(prefix="dragmesh-bench-") as out:
        for i in range(warmup + runs):
            start = time.perf_counter()
            result = pipeline.articulate(mesh_path, part, point, vector, frames=frames, seed=i)
            t_export = time.perf_counter()
            if formats:
                result.export(out, formats, stem="bench")
            end = time.perf_counter()
            if i < warmup:
                continue
            for stage in STAGES[:-1]:
                samples[stage].append(result.timing_ms.get(stage, 0.0))
            samples["export"].append((end - t_export) * 1e3)
            samples["inference"].append(sum(result.timing_ms[s] for s in INFERENCE))
            samples["total"].append((end - start) * 1e3)
    return {stage: percentiles(v) for stage, v in samples.items()}


def time_segment(runs: int, warmup: int) -> dict[str, Any]:
    """{"faces", "vertices", "ms": {"find": {p50, p95}, "file": {p50, p95}}}: the part under a click
    on the built-in example re-made as a welded surface of ``SEGMENT_FACES`` faces."""
    import trimesh

    from dragmesh.commands.demo import DRAGS, example_path
    from dragmesh.io import load_mesh
    from dragmesh.segment import find_part, segment_file
    from dragmesh.segment.welded import weld_remesh

    example = load_mesh(example_path())
    vertices, faces = weld_remesh(example.vertices, example.faces, 128, target_faces=SEGMENT_FACES)
    point = DRAGS[0][1]
    samples: dict[str, list[float]] = {"find": [], "file": []}
    with tempfile.TemporaryDirectory(prefix="dragmesh-bench-") as out:
        path = Path(out) / "welded.ply"
        trimesh.Trimesh(vertices, faces, process=False).export(path)
        for i in range(warmup + runs):
            start = time.perf_counter()
            find_part(vertices, faces, point, up=(0.0, 1.0, 0.0))
            middle = time.perf_counter()
            segment_file(path, point)
            end = time.perf_counter()
            if i >= warmup:
                samples["find"].append((middle - start) * 1e3)
                samples["file"].append((end - middle) * 1e3)
    return {"faces": len(faces), "vertices": len(vertices), "ms": {k: percentiles(v) for k, v in samples.items()}}


def run(args: argparse.Namespace) -> int:
    import torch

    from dragmesh.commands.demo import DRAGS, example_path
    from dragmesh.errors import InputError
    from dragmesh.export import parse_formats
    from dragmesh.pipeline import DragMesh, as_vector3

    if args.runs < 1:
        raise InputError(f"--runs must be at least 1, got {args.runs}")
    if not 1 <= args.threads <= 1024 or args.warmup < 0:
        raise InputError(f"--threads must be from 1 to 1024 and --warmup at least 0, got {args.threads} and {args.warmup}")
    torch.set_num_threads(args.threads)
    if args.mesh is None:
        mesh_path = str(example_path())
        part, point, vector = DRAGS[0]
        part = args.part or part
    else:
        mesh_path, part, point, vector = args.mesh, args.part, None, None
        if not part:
            raise InputError("give --part with a mesh")
    point = as_vector3(args.drag_point, "drag point") if args.drag_point else point
    vector = as_vector3(args.drag_vector, "drag vector") if args.drag_vector else vector
    if point is None or vector is None:
        raise InputError("give --drag-point and --drag-vector with a mesh")
    formats = None if args.export.strip().lower() == "none" else parse_formats(args.export)

    configs: dict[str, Any] = {"shipped": DragMesh()}
    if not args.no_baseline:
        configs["baseline"] = DragMesh(joint_model="geometric", motion_model="analytic")
    notes = []
    if not args.no_paper:
        from dragmesh.models import paper_sized_components

        configs["paper"] = DragMesh(*paper_sized_components())

    report: dict[str, Any] = {
        "mesh": mesh_path, "part": part, "runs": args.runs, "threads": args.threads, "frames": args.frames,
        "export": formats or [], "cpu": platform.processor() or platform.machine(),
        "torch": torch.__version__, "configs": {}, "notes": notes,
    }
    for name, pipeline in configs.items():
        stats = time_config(pipeline, mesh_path, part, point, vector, args.runs, args.warmup, args.frames, formats)
        report["configs"][name] = {
            "predictor": getattr(pipeline.predictor, "name", type(pipeline.predictor).__name__),
            "generator": getattr(pipeline.generator, "name", type(pipeline.generator).__name__),
            "n_points": pipeline.n_points,
            "ms": stats,
        }
    if not args.no_segment:
        report["segment"] = time_segment(max(1, args.runs // 3), min(args.warmup, 1))
    if args.json:
        print(json.dumps(report))
    else:
        print(format_report(report))
    return 0


def _shown_path(path: str) -> str:
    """The mesh as the report names it: the built-in example by name, else relative to the current
    folder when inside it (no machine's absolute paths in a pasted report)."""
    from dragmesh.commands.demo import example_path

    p = Path(path).resolve()
    if p == Path(example_path()).resolve():
        return f"built-in example {p.name}"
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def format_report(report: dict[str, Any]) -> str:
    names = list(report["configs"])
    lines = [
        f"dragmesh bench: {_shown_path(report['mesh'])} part {report['part']}, {report['runs']} runs, batch 1, "
        f"{report['threads']} torch threads, {report['frames']} frames, export {','.join(report['export']) or 'none'}",
    ]
    for name in names:
        c = report["configs"][name]
        lines.append(f"  {name}: predictor {c['predictor']}, generator {c['generator']}, {c['n_points']} points")
    header = f"{'stage (ms)':<12}" + "".join(f"{name + ' p50':>14}{name + ' p95':>14}" for name in names)
    # The speed-up of the shipped models over the paper-sized ones, stage by stage.
    ratio = "paper" in names and names[0] == "shipped"
    if ratio:
        header += f"{'paper/shipped':>15}"
    lines += ["", header]
    for stage in STAGES + ("inference", "total"):
        row = f"{stage:<12}"
        for name in names:
            ms = report["configs"][name]["ms"][stage]
            row += f"{ms['p50']:>14.2f}{ms['p95']:>14.2f}"
        if ratio:
            a, b = (report["configs"][n]["ms"][stage]["p50"] for n in ("shipped", "paper"))
            row += f"{(b / a if a > 0 else float('nan')):>14.1f}x"
        lines.append(row)
    p50 = report["configs"][names[0]]["ms"]["inference"]["p50"]
    verdict = "meets" if p50 <= TARGET_MS else "misses"
    lines += ["", f"inference = joint + motion + projection: {p50:.2f} ms p50 ({verdict} the {TARGET_MS:g} ms target)"]
    lines += report["notes"]
    if "segment" in report:
        seg = report["segment"]
        find, whole = seg["ms"]["find"], seg["ms"]["file"]
        verdict = "meets" if whole["p50"] <= SEGMENT_TARGET_MS else "misses"
        lines += ["", f"segment: built-in example welded, {seg['faces']} faces, {seg['vertices']} vertices: "
                  f"find {find['p50']:.0f} ms p50 ({find['p95']:.0f} p95), whole file {whole['p50']:.0f} ms p50 "
                  f"({whole['p95']:.0f} p95; {verdict} the {SEGMENT_TARGET_MS:g} ms target)"]
    return "\n".join(lines)


def _frames_option():
    """--frames checked by the shared validation layer (dragmesh.io.values): 2 to MAX_FRAMES."""
    from dragmesh.commands.articulate import option
    from dragmesh.io.values import check_frames

    return option(check_frames)
