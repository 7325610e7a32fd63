"""``dragmesh segment``: the movable part under a point, on a mesh file that names no parts.

    dragmesh segment MESH --point X,Y,Z [--up X,Y,Z] --out LABELS.npy|LABELS.txt [--ranker [--weights DIR]] [--json]

Writes one integer per vertex of the file, in the file's own vertex order: 1 on the part, 0
elsewhere (``.txt``: one number per line). The file is written whole or not at all. A point off the
mesh, a point where no part can be found, or a label file that cannot be written is one line on
stderr and exit status 2. ``--json`` prints ``{"out", "vertices", "part_vertices", "ms"}``.
"""

from __future__ import annotations

import argparse
import json
import time

from dragmesh.commands.articulate import _NUMBER_LIST, emit, option


def register(subparsers: argparse._SubParsersAction) -> None:
    from dragmesh.io.values import check_vector3
    from dragmesh.normalize import parse_up

    parser = subparsers.add_parser(
        "segment",
        help="find the movable part under a point on a mesh without parts; write per-vertex labels",
        description="Find the movable part under a point of a mesh that names no parts (one welded "
        "surface, or loose pieces) and write one label per vertex of the file: 1 on the part, 0 "
        "elsewhere. Negative numbers may be written directly (--point -0.2,0.5,0.1).",
    )
    parser._negative_number_matcher = _NUMBER_LIST
    parser.add_argument("mesh", metavar="MESH", help="mesh file (.obj, .ply, .stl, .off, .glb, .gltf)")
    parser.add_argument("--point", metavar="X,Y,Z", required=True,
                        type=option(lambda v: check_vector3(v, "point")), help="a point on the part (mesh coordinates)")
    parser.add_argument("--up", metavar="X,Y,Z", type=option(parse_up), default="0,1,0",
                        help="the mesh's up direction (default 0,1,0; or +z, -y...)")
    parser.add_argument("--out", metavar="LABELS", required=True, help="label file to write: .npy or .txt")
    parser.add_argument("--ranker", action="store_true",
                        help="pick among the cuts with the learned ranker (weights/segment/ranker.*) instead of the "
                        "hand rule: better on the training categories, no better on others (docs/segment.md)")
    parser.add_argument("--network", action="store_true",
                        help="let the mask network (weights/segment/masknet.*) outline the part and cut along the folds "
                        "near it: better on the training categories, worse on others (docs/segment.md)")
    parser.add_argument("--weights", metavar="DIR",
                        help="with --ranker or --network: the weights folder holding segment/ (default: the shipped ones)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dragmesh.errors import InputError
    from dragmesh.segment import LABEL_SUFFIXES, segment_file, shipped_masks, shipped_ranker, write_labels

    # The output is checked before any work: a wrong suffix costs nothing.
    if not args.out.lower().endswith(LABEL_SUFFIXES):
        raise InputError(f"label file must end in {' or '.join(LABEL_SUFFIXES)}, got {args.out!r}")
    ranker = shipped_ranker(args.weights) if args.ranker else None
    masks = shipped_masks(args.weights) if args.network else None
    start = time.perf_counter()
    found = segment_file(args.mesh, args.point, up=args.up, ranker=ranker, masks=masks)
    ms = (time.perf_counter() - start) * 1e3
    path = write_labels(found.labels, args.out)
    count = int(found.labels.sum())
    if args.json:
        emit(json.dumps({"out": str(path), "vertices": len(found.labels), "part_vertices": count, "ms": round(ms, 1)}))
    else:
        emit(f"part: {count} of {len(found.labels)} vertices; wrote {path} ({ms:.0f} ms)")
    return 0
