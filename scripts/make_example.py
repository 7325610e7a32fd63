"""Build the built-in example object, ``dragmesh/assets/cabinet.glb``.

A small bedside cabinet (metres, +Y up, front facing +Z): a carcass with a shelf, a door on the upper
compartment hinged on its left edge, and a drawer below. Each is one named glTF node, so
``dragmesh articulate dragmesh/assets/cabinet.glb --part door ...`` finds the parts by name. Handles
belong to the part they are mounted on (they move with it).

The shapes come from :mod:`dragmesh.data.shapes`, the primitives of the procedural data generator.
Deterministic: running it again writes the same file.

    python scripts/make_example.py [OUT.glb]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import trimesh

from dragmesh.data import shapes

OUT = Path(__file__).resolve().parent.parent / "dragmesh" / "assets" / "cabinet.glb"

WIDTH, HEIGHT, DEPTH = 0.50, 0.62, 0.42  # carcass outer size
WALL = 0.018  # board thickness
PLINTH = 0.04  # the carcass stands on a recessed plinth
SHELF_Y = PLINTH + 0.20  # top of the board between drawer and door compartments
GAP = 0.003  # clearance between fronts and carcass


def build() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Part name -> (vertices (V, 3), faces (F, 3)) of the cabinet. The door's hinge is the vertical
    line at its left edge, behind its front (x = -WIDTH/2 + GAP, z = DEPTH/2 + GAP); the drawer
    slides along +Z."""
    top = PLINTH + HEIGHT
    body = shapes.merge(
        shapes.box_shell((WIDTH, HEIGHT, DEPTH), WALL, "+z", center=(0, PLINTH + HEIGHT / 2, 0), bevel=0.004,
                         bevel_segments=1),
        shapes.box((WIDTH - 2 * WALL, WALL, DEPTH - WALL), center=(0, SHELF_Y - WALL / 2, WALL / 2)),
        shapes.box((WIDTH - 0.04, PLINTH, DEPTH - 0.05), center=(0, PLINTH / 2, -0.01)),
    )

    front_z = DEPTH / 2 + GAP + WALL / 2
    door_lo, door_hi = SHELF_Y + GAP, top - GAP
    door_h = door_hi - door_lo
    door = shapes.merge(
        shapes.box((WIDTH - 2 * GAP, door_h, WALL), center=(0, (door_lo + door_hi) / 2, front_z), bevel=0.003,
                   bevel_segments=1),
        shapes.orient(shapes.bar_handle(0.12, 0.025, 0.006), normal=(0, 0, 1), up=(0, 1, 0),
                      at=(WIDTH / 2 - 0.05, door_lo + 0.62 * door_h, front_z + WALL / 2)),
    )

    # The drawer front covers the shelf's front edge too; the box below it fits the compartment.
    drawer_lo, drawer_hi = PLINTH + GAP, SHELF_Y - GAP
    box_h = SHELF_Y - WALL - PLINTH - 0.03
    drawer = shapes.merge(
        shapes.box((WIDTH - 2 * GAP, drawer_hi - drawer_lo, WALL), center=(0, (drawer_lo + drawer_hi) / 2, front_z),
                   bevel=0.003, bevel_segments=1),
        shapes.box_shell((WIDTH - 2 * WALL - 0.01, box_h, DEPTH - WALL - 0.02), 0.01, "+y",
                         center=(0, drawer_lo + 0.01 + box_h / 2, DEPTH / 2 - (DEPTH - WALL - 0.02) / 2)),
        shapes.orient(shapes.bar_handle(0.16, 0.025, 0.006), normal=(0, 0, 1), up=(1, 0, 0),
                      at=(0, (drawer_lo + drawer_hi) / 2, front_z + WALL / 2)),
    )
    return {"body": body, "door": door, "drawer": drawer}


COLOURS = {"body": (205, 170, 125, 255), "door": (222, 190, 145, 255), "drawer": (222, 190, 145, 255)}


def write(path: Path = OUT) -> Path:
    scene = trimesh.Scene()
    for name, (vertices, faces) in build().items():
        mesh = trimesh.Trimesh(vertices, faces, process=False)
        mesh.visual = trimesh.visual.ColorVisuals(mesh, face_colors=np.tile(COLOURS[name], (len(faces), 1)))
        scene.add_geometry(mesh, node_name=name, geom_name=name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(scene.export(file_type="glb"))
    return path


if __name__ == "__main__":
    out = write(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
    print(f"wrote {out} ({out.stat().st_size / 1024:.1f} KiB)")
