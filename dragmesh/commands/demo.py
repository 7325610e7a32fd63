"""``dragmesh demo``: articulate the built-in example cabinet and write every export.

Two built-in drags on ``dragmesh/assets/cabinet.glb`` (made by ``scripts/make_example.py``): the
door pulled open by its handle (about 80 degrees) and the drawer pulled out by 25 cm. Each drag is
exported in every format (``cabinet_door.*``, ``cabinet_drawer.*``), and both together as one
object with two moving parts (``cabinet.glb``, ``cabinet.urdf``, ``cabinet.gif``, ``cabinet.mp4``,
``cabinet_mjcf/cabinet.xml``, ``cabinet.usda``). MJCF and USD need the ``sim`` extra; without it the
default formats leave them out with a note.
"""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path

from dragmesh.commands.articulate import parse_size

EXAMPLE = "cabinet.glb"
# (part, drag point on its handle, drag vector), mesh coordinates in metres.
DRAGS = (
    ("door", (0.20, 0.4997, 0.262), (-0.418, 0.0, 0.40)),
    ("drawer", (0.0, 0.14, 0.262), (0.0, 0.0, 0.25)),
)


def example_path() -> Path:
    """Path of the built-in example mesh."""
    return Path(str(resources.files("dragmesh") / "assets" / EXAMPLE))


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="articulate the built-in example and write every export",
        description="Articulate the built-in example cabinet (door and drawer) with built-in drags and "
        "write GLB, URDF, MP4, GIF, PNG, NPZ and JSON exports, and MJCF and USD for simulators (with the "
        "sim extra), to a folder.",
    )
    parser.add_argument("--out", metavar="DIR", default="demo_out", help="output folder (default demo_out)")
    parser.add_argument("--formats", metavar="FORMATS", default=None,
                        help="comma-separated export formats (default: all,mjcf,usd; mjcf and usd only "
                        "when the sim extra is installed)")
    parser.add_argument("--frames", type=_frames_option(), default=16, help="frames of each trajectory (default 16)")
    parser.add_argument("--size", metavar="WxH", type=parse_size, default=(640, 480),
                        help="video size in pixels (default 640x480)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dragmesh.export import SIM_EXTRA_HINT, export, parse_formats, prepare_dir, require, sim_available
    from dragmesh.export.results import combine
    from dragmesh.pipeline import DragMesh

    if args.formats is not None:
        formats = parse_formats(args.formats)
        for name in formats:
            require(name)  # a missing sim extra fails here, before the models load
    elif sim_available():
        formats = parse_formats("all,mjcf,usd")
    else:
        formats = parse_formats("all")
        print(f"note: MJCF and USD exports skipped (the sim extra is not installed): {SIM_EXTRA_HINT}")
    out = prepare_dir(args.out)
    pipeline = DragMesh()
    mesh = pipeline.load(example_path())
    print(f"example: {example_path()} ({len(mesh.faces)} faces, parts: {', '.join(mesh.part_names)})")
    results = []
    for part, point, vector in DRAGS:
        result = pipeline.articulate(mesh, part, point, vector, frames=args.frames)
        results.append(result)
        j = result.joint
        final = f"{result.values[-1] * 57.29578:.1f} deg" if j.type == "revolute" else f"{result.values[-1]:.3f} m"
        print(f"{part}: {j.type} joint, axis {_vec(j.axis)}, origin {_vec(j.origin)}, moved to {final} "
              f"({result.timing_ms['total']:.1f} ms)")
        written = result.export(out, formats, stem=f"cabinet_{part}", size=args.size)
        print(f"  wrote {', '.join(_rel(p, out) for paths in written.values() for p in paths)}")
    both = [f for f in formats if f in ("glb", "urdf", "mp4", "gif", "mjcf", "usd", "usdc")]
    if both:
        written = export(combine(results, name="cabinet"), out, both, stem="cabinet", size=args.size)
        print(f"door and drawer together: {', '.join(_rel(p, out) for paths in written.values() for p in paths)}")
    print(f"all exports are in {out.resolve()}")
    return 0


def _rel(path: Path, out: Path) -> str:
    """``path`` as written under ``out`` (``cabinet.glb``, ``cabinet_mjcf/cabinet.xml``)."""
    try:
        return str(path.relative_to(out))
    except ValueError:
        return path.name


def _vec(v) -> str:
    return "(" + ", ".join(f"{x:.3f}" for x in v) + ")"


def _frames_option():
    """--frames checked by the shared validation layer (dragmesh.io.values): 2 to MAX_FRAMES."""
    from dragmesh.commands.articulate import option
    from dragmesh.io.values import check_frames

    return option(check_frames)
