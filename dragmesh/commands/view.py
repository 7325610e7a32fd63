"""``dragmesh view [MESH]``: the desktop viewer; ``dragmesh view --bench``: its frame time.

The viewer package (``viewer/``) is imported only here, when the command runs, so the pipeline and
the other commands never load a GUI toolkit.
"""

from __future__ import annotations

import argparse
import os
import re

from dragmesh.commands.articulate import add_model_arguments
from dragmesh.errors import DragMeshError, InputError


def parse_window_size(text: str) -> tuple[int, int]:
    """``"1280x800"`` -> (1280, 800); from 480x360 up to 7680x4320."""
    match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"size must be WIDTHxHEIGHT, e.g. 1280x800, got {text!r}")
    w, h = int(match.group(1)), int(match.group(2))
    if not (480 <= w <= 7680 and 360 <= h <= 4320):
        raise argparse.ArgumentTypeError(f"window size must be from 480x360 to 7680x4320, got {text!r}")
    return w, h


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "view",
        help="open the desktop viewer: drag parts of a mesh and watch them move",
        description=(
            "Open a mesh (any format `dragmesh info` reads), grab a part with the left mouse button and "
            "drag it: its joint is inferred and the part follows the cursor along it; releasing "
            "generates the trajectory, which can be played, edited and exported. Needs an X display "
            "(Xvfb works). With --bench, measure the frame time while dragging a part of a "
            "100k-triangle mesh instead (starts a private Xvfb when DISPLAY is unset)."
        ),
    )
    parser.add_argument("mesh", metavar="MESH", nargs="?", help="mesh file or object folder (optional)")
    parser.add_argument("--labels", metavar="FILE", help="part labels per vertex or per face (.npy or text)")
    parser.add_argument("--up", metavar="X,Y,Z", help="the mesh's up direction (default 0,1,0; or +z, -y...)")
    parser.add_argument("--size", metavar="WxH", type=parse_window_size, default=(1280, 800),
                        help="window size in pixels (default 1280x800)")
    parser.add_argument("--frames", type=_frames_option(), default=16, help="frames of each trajectory (default 16)")
    parser.add_argument("--fps", type=float, default=12.0, help="playback speed (default 12)")
    parser.add_argument("--out", metavar="DIR", default="dragmesh_out",
                        help="folder the export buttons write to (default ./dragmesh_out)")
    parser.add_argument("--export", metavar="FORMATS", default="glb,urdf",
                        help="formats the E key and --export-on-release write (default glb,urdf)")
    parser.add_argument("--export-on-release", metavar="DIR",
                        help="export (--export formats) to DIR after every drag's trajectory (scripted use)")
    parser.add_argument("--record", metavar="FILE",
                        help="write a JSON-lines event log (loaded, pick, joint, drag, release, export...)")
    parser.add_argument("--bench", action="store_true",
                        help="measure the frame time while dragging a part of a 100k-triangle mesh")
    parser.add_argument("--bench-frames", type=int, default=150, help="frames to time with --bench (default 150)")
    parser.add_argument("--bench-triangles", type=int, default=100_000,
                        help="triangles of the benchmark mesh (default 100000)")
    parser.add_argument("--json", action="store_true", help="with --bench: print the result as JSON")
    add_model_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dragmesh.export import parse_formats
    from dragmesh.normalize import parse_up

    if args.frames < 2:
        raise InputError(f"--frames must be at least 2, got {args.frames}")
    if not args.fps > 0:
        raise InputError(f"--fps must be positive, got {args.fps}")
    parse_formats(args.export)  # an unknown format fails here, not at the first export
    up = parse_up(args.up) if args.up else None

    if args.bench:
        from viewer.bench import run_bench

        return run_bench(size=args.size, frames=args.bench_frames, triangles=args.bench_triangles,
                         mesh_path=args.mesh, labels=args.labels, up=up, as_json=args.json)

    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        raise DragMeshError("no display: set DISPLAY, or run under Xvfb (xvfb-run -a dragmesh view ...)")
    from viewer.app import ViewerOptions, run as run_viewer

    options = ViewerOptions(
        mesh=args.mesh, labels=args.labels, up=up, size=args.size, record=args.record, out_dir=args.out,
        export_formats=args.export, export_on_release=args.export_on_release, frames=args.frames,
        fps=args.fps,
        pipeline={"weights_dir": args.weights, "joint_model": args.joint_model, "motion_model": args.motion_model},
    )
    return run_viewer(options)


def _frames_option():
    """--frames checked by the shared validation layer (dragmesh.io.values): 2 to MAX_FRAMES."""
    from dragmesh.commands.articulate import option
    from dragmesh.io.values import check_frames

    return option(check_frames)
