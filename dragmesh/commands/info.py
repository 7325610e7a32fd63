"""``dragmesh info MESH``: the parts (and joints) a mesh file is loaded with."""

from __future__ import annotations

import argparse
import json
from typing import Any

import numpy as np

from dragmesh.io import SUPPORTED_FORMATS, PartMesh, load_mesh
from dragmesh.normalize import parse_up


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "info",
        help="list the parts and joints of a mesh",
        description=(
            "Load a mesh and list its parts (label, name, face count, bounding-box size in mesh "
            f"units) and any joints the file states. Formats: {', '.join(SUPPORTED_FORMATS)}, or "
            "a PartNet-Mobility object folder."
        ),
    )
    parser.add_argument("mesh", metavar="MESH", help="mesh file or object folder")
    parser.add_argument(
        "--labels", metavar="FILE", help="part labels, one per vertex or per face (.npy or text)"
    )
    parser.add_argument(
        "--up",
        metavar="X,Y,Z",
        default="0,1,0",
        help="the mesh's up direction: X,Y,Z or an axis name (z, -z); write --up=-z for a negative "
        "axis (default 0,1,0)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--allow-outside-paths", action="store_true",
                        help="let a URDF read mesh files outside its own folder (refused by default)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    mesh = load_mesh(args.mesh, labels=args.labels, up=parse_up(args.up),
                     allow_outside_paths=getattr(args, "allow_outside_paths", False))
    info = describe(mesh)
    print(json.dumps(info, indent=2) if args.json else format_table(info))
    return 0


def describe(mesh: PartMesh) -> dict[str, Any]:
    """JSON-able description: source, counts, up, bounding box, parts, joints."""
    lo, hi = mesh.vertices.min(axis=0), mesh.vertices.max(axis=0)
    return {
        "source": mesh.source,
        "vertices": int(len(mesh.vertices)),
        "faces": int(len(mesh.faces)),
        "up": mesh.up.tolist(),
        "bbox_min": lo.tolist(),
        "bbox_size": (hi - lo).tolist(),
        "parts": [{k: v for k, v in part.items() if k != "joint"} for part in mesh.part_summary()],
        "joints": {name: joint.to_dict() for name, joint in mesh.joints.items()},
    }


def format_table(info: dict[str, Any]) -> str:
    """The human-readable form of :func:`describe`."""
    lines = [
        f"{info['source']}: {info['vertices']} vertices, {info['faces']} faces, "
        f"{len(info['parts'])} parts, up {_vec(info['up'])}",
        f"bounding box size {_size(info['bbox_size'])} (mesh units)",
        "",
    ]
    width = max(4, *(len(p["name"]) for p in info["parts"]))
    lines.append(f"{'label':>5}  {'name':<{width}}  {'faces':>8}  bbox size")
    for part in info["parts"]:
        lines.append(
            f"{part['label']:>5}  {part['name']:<{width}}  {part['faces']:>8}  {_size(part['bbox_size'])}"
        )
    if info["joints"]:
        lines += ["", "joints:"]
        for name, joint in info["joints"].items():
            unit = "rad" if joint["type"] == "revolute" else "mesh units"
            limits = "unknown"
            if joint["limits"] is not None:
                lower, upper = joint["limits"]
                limits = f"[{_num(lower)}, {_num(upper)}] {unit}"
            lines.append(
                f"  {name:<{width}}  {joint['type']:<9}  axis {_vec(joint['axis'])}  "
                f"origin {_vec(joint['origin'])}  limits {limits}"
            )
    return "\n".join(lines)


def _num(x: float) -> str:
    return f"{x:.4g}" if abs(x) >= 1e-12 else "0"


def _vec(v) -> str:
    return "(" + ", ".join(_num(float(x)) for x in np.asarray(v)) + ")"


def _size(v) -> str:
    return "-" if v is None else " x ".join(_num(float(x)) for x in v)
