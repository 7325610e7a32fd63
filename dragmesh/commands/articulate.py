"""``dragmesh articulate``: one drag on a mesh file, or a batch of them from a JSON-lines file.

Single drag::

    dragmesh articulate MESH [--part door] --drag-point X,Y,Z --drag-vector DX,DY,DZ
        [--labels FILE --label K] [--up X,Y,Z] [--joint-type revolute|prismatic] [--frames 16]
        [--samples 1] [--seed 0] [--out DIR] [--export glb,urdf,mjcf,usd,mp4,gif,npz,json] [--json]

Without ``--part`` (and ``--labels``) the moving part is the file's part under the drag point, with
the parts that ride on it (a handle on its door), when the file names its parts (glTF nodes, OBJ
groups, URDF links) and the point is not on the base; otherwise the part found there in the
geometry (:mod:`dragmesh.segment`).

``--json`` prints exactly one JSON object on stdout (the parts that moved, joint with its limits
and probability, its alternatives, trajectory, timing_ms; mesh coordinates; ``found_part.vertices``
when the part was found in the geometry);
otherwise a short human-readable summary. Files are written when ``--out`` or ``--export`` is given
(``--out`` defaults to the current folder, ``--export`` to glb,urdf,npz,json).

Batch: ``dragmesh articulate --jobs FILE.jsonl``, one JSON object per line with the options' names as
keys (``mesh``, ``part``, ``drag_point``, ``drag_vector``, ``labels``, ``label``, ``up``,
``joint_type``, ``joint``, ``frames``, ``samples``, ``seed``, ``out``, ``export``, ``name``); command-line
options give the defaults. The models load once; meshes are cached (a few, least recently used), a
progress bar goes to stderr, a failing job is reported (line number, one-line error) and the batch
goes on; with ``--json`` each job prints one line ``{"line", "ok", ...}``. The exit status is 0 when
every job succeeded and 2 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import OrderedDict
from pathlib import Path

import numpy as np

from dragmesh.errors import DragMeshError, InputError, OutputError
from dragmesh.io.values import (
    MAX_FRAMES,
    MAX_SAMPLES,
    as_int,
    check_frames,
    check_samples,
    check_seed,
)

# Mesh files kept loaded during a batch (jobs on the same file reuse it); bounded so memory stays flat.
MESH_CACHE_SIZE = 4
DEFAULT_EXPORTS = "glb,urdf,npz,json"

# Let "-0.2,0.5,0.1" be a value rather than an option (argparse only knows plain negative numbers).
_NUMBER_LIST = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?(,\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)*$")

JOB_KEYS = ("mesh", "part", "labels", "label", "drag_point", "drag_vector", "up", "joint_type", "joint",
            "frames", "samples", "seed", "out", "export", "name")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "articulate",
        help="infer a part's joint from a drag and generate its motion",
        description=(
            "Drag a part of a mesh: infer its joint (revolute or prismatic, axis, pivot) and generate "
            "the motion the drag implies, in the mesh's own coordinates and units. Negative numbers "
            "may be written directly (--drag-point -0.2,0.5,0.1)."
        ),
    )
    parser._negative_number_matcher = _NUMBER_LIST  # see _NUMBER_LIST
    parser.add_argument("mesh", metavar="MESH", nargs="?", help="mesh file or object folder")
    parser.add_argument("--part", metavar="NAME_OR_LABEL", nargs="+", action="extend",
                        help="the moving part: node/group name or label number (several move together); "
                        "default: the file's part under --drag-point, or the part found there in the geometry")
    parser.add_argument("--labels", metavar="FILE", help="part labels per vertex or per face (.npy or text)")
    parser.add_argument("--label", metavar="K", type=option(lambda v: as_int(v, "label", -(2**62), 2**62)),
                        action="append",
                        help="with --labels: the label value of the moving part (repeatable)")
    parser.add_argument("--drag-point", metavar="X,Y,Z", help="a point on the part (mesh coordinates)")
    parser.add_argument("--drag-vector", metavar="DX,DY,DZ", help="the drag (mesh units)")
    parser.add_argument("--up", metavar="X,Y,Z", help="the mesh's up direction (default 0,1,0; or +z, -y...)")
    parser.add_argument("--joint-type", choices=("revolute", "prismatic"), help="override the joint type")
    parser.add_argument("--frames", type=option(check_frames), default=16,
                        help=f"frames of the trajectory, 2 to {MAX_FRAMES} (default 16)")
    parser.add_argument("--samples", type=option(check_samples), default=1,
                        help=f"trajectories to sample, 1 to {MAX_SAMPLES} (default 1)")
    parser.add_argument("--seed", type=option(check_seed), default=0,
                        help="seed of the drawn trajectory samples (default 0; the joint does not depend on it)")
    parser.add_argument("--out", metavar="DIR", help="folder for the exports (default: current folder)")
    parser.add_argument("--export", metavar="FORMATS",
                        help="comma-separated: glb,urdf,mjcf,usd,usdc,mp4,gif,npz,json, or all (the six without the "
                        "simulator formats) "
                        f"(default with --out: {DEFAULT_EXPORTS})")
    parser.add_argument("--name", metavar="STEM", help="file name stem of the exports (default MESH_PART)")
    parser.add_argument("--fps", type=float, default=12.0, help="frames per second of GLB and videos (default 12)")
    parser.add_argument("--loop", choices=("once", "pingpong"),
                        help="animation loop (default: once for GLB, ping-pong for videos)")
    parser.add_argument("--size", metavar="WxH", type=parse_size, default=(640, 480),
                        help="video size in pixels (default 640x480)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--jobs", metavar="FILE.jsonl", help="run a batch of jobs, one JSON object per line")
    parser.add_argument("--no-progress", action="store_true", help="batch: no progress bar")
    parser.add_argument("--allow-outside-paths", action="store_true",
                        help="let a URDF read mesh files outside its own folder (refused by default)")
    add_model_arguments(parser)
    parser.set_defaults(func=run)


def option(check):
    """An argparse ``type`` from a check of :mod:`dragmesh.io.values`: its InputError becomes the
    usual one-line argparse error."""
    def convert(text: str):
        try:
            return check(text)
        except InputError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = getattr(check, "__name__", "value")
    return convert


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """--weights, --joint-model, --motion-model: which components the pipeline loads."""
    from dragmesh.model_names import JOINT_MODELS, MOTION_MODELS

    parser.add_argument("--weights", metavar="DIR", help="folder of the model weights (default: the shipped weights/)")
    parser.add_argument("--joint-model", choices=JOINT_MODELS, default="kppnet",
                        help="joint inference: the shipped KPP-Net (with its type classifier) or the geometric baseline (default kppnet)")
    parser.add_argument("--motion-model", choices=MOTION_MODELS, default="dqvae",
                        help="motion generation: the shipped DQ-VAE or the analytic motion (default dqvae)")


def pipeline_from(args: argparse.Namespace):
    """The DragMesh the model options ask for."""
    from dragmesh.pipeline import DragMesh

    return DragMesh(weights_dir=args.weights, joint_model=args.joint_model, motion_model=args.motion_model)


def parse_size(text: str) -> tuple[int, int]:
    """``"640x480"`` -> (640, 480); even sizes from 16 to 4096 (H.264 needs even dimensions)."""
    match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"size must be WIDTHxHEIGHT, e.g. 640x480, got {text!r}")
    w, h = int(match.group(1)), int(match.group(2))
    if not (16 <= w <= 4096 and 16 <= h <= 4096) or w % 2 or h % 2:
        raise argparse.ArgumentTypeError(f"size must be even numbers from 16 to 4096, got {text!r}")
    return w, h


def run(args: argparse.Namespace) -> int:
    from dragmesh.io.urdf import outside_paths_allowed

    with outside_paths_allowed(getattr(args, "allow_outside_paths", False)):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    if args.jobs:
        if args.mesh:
            raise InputError("give either MESH or --jobs FILE, not both")
        return run_batch(args, pipeline_from(args))
    if not args.mesh:
        raise InputError("give a MESH file (or --jobs FILE.jsonl)")
    job = {key: getattr(args, key) for key in JOB_KEYS if hasattr(args, key)}
    result, written = run_job(pipeline_from(args), job, args)
    emit(json.dumps(result.to_dict()) if args.json else summary(result, written))
    return 0


def emit(line: str) -> None:
    """Print ``line`` on stdout and flush it; a full or closed stdout is an OutputError (one line)."""
    try:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
    except OSError as exc:
        raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from None


def run_job(pipeline, job: dict, args: argparse.Namespace, cache: OrderedDict | None = None):
    """Run one job (a dict of option values) -> (ArticulationResult, {format: [paths]}).

    Every value is checked first by :func:`dragmesh.io.values.check_job` (the validation layer the
    API shares), so a value of the wrong type or out of range is one line naming its key."""
    from dragmesh.io.values import check_job

    job = check_job({k.replace("-", "_"): v for k, v in job.items()})
    mesh = job.get("mesh")
    if not mesh:
        raise InputError("job has no mesh")
    labels = job.get("labels")
    up = job.get("up")
    part = job.get("part")
    label = job.get("label")
    if label is not None:
        if labels is None:
            raise InputError("--label needs --labels FILE")
        part = (list(part) if isinstance(part, (list, tuple)) else [] if part is None else [part])
        part += [f"part_{k}" for k in label]
    if not part and labels is not None:
        raise InputError("with --labels, give the moving part: --label K (or --part NAME_OR_LABEL)")
    # Without a part, the pipeline finds the part under the drag point on the surface.
    part = part or None
    for key in ("drag_point", "drag_vector"):
        if job.get(key) is None:
            raise InputError(f"give --{key.replace('_', '-')} X,Y,Z")

    # Validate the export request before any work, so a bad format costs nothing and writes nothing.
    out = job.get("out")
    formats = job.get("export")
    if out is not None or formats is not None:
        from dragmesh.export import parse_formats, prepare_dir

        formats = parse_formats(formats if formats is not None else DEFAULT_EXPORTS)
        out = prepare_dir(out if out is not None else ".")

    start = time.perf_counter()
    loaded = _cached_mesh(pipeline, cache, mesh, labels, up)
    load_ms = (time.perf_counter() - start) * 1e3
    result = pipeline.articulate(
        loaded, part, job["drag_point"], job["drag_vector"],
        joint=job.get("joint"), joint_type=job.get("joint_type"),
        frames=job.get("frames", 16), samples=job.get("samples", 1), seed=job.get("seed", 0),
    )
    # The mesh was loaded (or found in the cache) here, not in the pipeline: report that time.
    result.timing_ms["load"] = load_ms
    result.timing_ms["total"] += load_ms
    written: dict = {}
    if formats is not None:
        start = time.perf_counter()
        written = result.export(out, formats, stem=job.get("name"), fps=float(getattr(args, "fps", 12.0)),
                                loop=getattr(args, "loop", None), size=getattr(args, "size", (640, 480)))
        result.timing_ms["export"] = (time.perf_counter() - start) * 1e3
    return result, written


def _cached_mesh(pipeline, cache: OrderedDict | None, mesh: str, labels, up):
    if labels is None or not isinstance(labels, (list, np.ndarray)):
        label_key = None if labels is None else str(labels)
    elif isinstance(labels, np.ndarray):  # by content: an id() could be reused by the next job's list
        label_key = (str(labels.dtype), labels.shape, hashlib.sha1(labels.tobytes()).hexdigest())
    else:
        label_key = hashlib.sha1(json.dumps(labels, default=str).encode()).hexdigest()
    key = (str(mesh), label_key, None if up is None else tuple(float(x) for x in up))
    if cache is not None and key in cache:
        cache.move_to_end(key)
        return cache[key]
    loaded = pipeline.load(mesh, labels=labels, up=up)
    if cache is not None:
        cache[key] = loaded
        while len(cache) > MESH_CACHE_SIZE:
            cache.popitem(last=False)
    return loaded


def summary(result, written: dict) -> str:
    """Human-readable lines about one result."""
    j = result.joint
    unit = "rad" if j.type == "revolute" else "mesh units"
    fmt = lambda v: "(" + ", ".join(f"{x:.4g}" for x in v) + ")"  # noqa: E731
    lines = [
        f"part {'+'.join(result.part)}: {j.type} joint (p={result.type_probability:.2f}, {result.joint_source}), "
        f"axis {fmt(j.axis)}, origin {fmt(j.origin)}",
        f"motion: {result.frames} frames, value 0 -> {result.values[-1]:.4g} {unit}"
        + (f" ({result.values[-1] * 57.29578:.1f} deg)" if j.type == "revolute" else ""),
        f"time: {result.timing_ms['total']:.1f} ms",
    ]
    for paths in written.values():
        for p in paths:
            lines.append(f"wrote {p}")
    return "\n".join(lines)


def run_batch(args: argparse.Namespace, pipeline) -> int:
    """Run every job of ``args.jobs``; returns 0 when all succeeded, 2 otherwise."""
    from tqdm import tqdm

    path = Path(args.jobs)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read jobs file {str(path)!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"jobs file {str(path)!r} is not UTF-8 text (byte {exc.start})") from None
    numbered = [(i + 1, line) for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")]
    defaults = {key: getattr(args, key) for key in JOB_KEYS if getattr(args, key, None) is not None}
    cache: OrderedDict = OrderedDict()
    failures: list[tuple[int, str]] = []
    bar = tqdm(numbered, desc="articulate", unit="job", file=sys.stderr, disable=args.no_progress, dynamic_ncols=True)
    for number, line in bar:
        try:
            try:
                job = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"not a JSON object: {exc.msg} at column {exc.colno}") from None
            except RecursionError:
                raise InputError("not a usable JSON object: nested too deeply") from None
            if not isinstance(job, dict):
                raise InputError(f"not a JSON object: got {type(job).__name__}")
            unknown = sorted(set(k.replace("-", "_") for k in job) - set(JOB_KEYS))
            if unknown:
                raise InputError(f"unknown job keys: {', '.join(unknown)}")
            result, written = run_job(pipeline, {**defaults, **job}, args, cache)
            if args.json:
                doc = {"line": number, "ok": True, **result.to_dict()}
                if written:
                    doc["files"] = [str(p) for paths in written.values() for p in paths]
                emit(json.dumps(doc))
            del result, written
        except OutputError:
            raise  # stdout is gone: no later job could report either
        except Exception as exc:  # noqa: BLE001 - a batch reports every failing job and goes on
            text = str(exc).splitlines()[0] if str(exc) else ""
            message = text if isinstance(exc, DragMeshError) else f"internal error ({type(exc).__name__}: {text})"
            failures.append((number, message))
            bar.write(f"dragmesh: job at line {number} failed: {message}", file=sys.stderr)
            if args.json:
                emit(json.dumps({"line": number, "ok": False, "error": message}))
    bar.close()
    done = len(numbered) - len(failures)
    print(f"dragmesh: {done} of {len(numbered)} jobs succeeded, {len(failures)} failed"
          + (f" (lines {', '.join(str(n) for n, _ in failures[:20])}{', ...' if len(failures) > 20 else ''})"
             if failures else ""), file=sys.stderr)
    return 2 if failures else 0
