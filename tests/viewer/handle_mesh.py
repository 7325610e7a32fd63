"""A small cabinet whose door has a handle of its own (a separate part touching only the door), as an
OBJ with groups or a GLB whose handle node is a child of the door node; and a knob on the body."""

from __future__ import annotations

from pathlib import Path

import numpy as np

FACES = np.array([[0, 1, 3], [0, 3, 2], [4, 6, 7], [4, 7, 5], [0, 4, 5], [0, 5, 1],
                  [2, 3, 7], [2, 7, 6], [0, 2, 6], [0, 6, 4], [1, 5, 7], [1, 7, 3]])
# name -> (lo, hi) of an axis-aligned box. The door hangs in front of the body (+Z is out); the handle
# sits on the door's front, near its right edge; the knob sits on the body's right side.
BOXES = {
    "body": ((-0.2, 0.0, -0.2), (0.2, 0.7, 0.2)),
    "door": ((-0.19, 0.02, 0.2), (0.19, 0.68, 0.22)),
    "handle": ((0.12, 0.28, 0.22), (0.15, 0.44, 0.25)),
    "knob": ((0.2, 0.6, -0.03), (0.23, 0.63, 0.0)),
    # The door in two loose pieces (a split by connected components): left and right halves.
    "door_left": ((-0.19, 0.02, 0.2), (0.0, 0.68, 0.22)),
    "door_right": ((0.0, 0.02, 0.2), (0.19, 0.68, 0.22)),
}
# The door's true joint: a hinge on its left edge, opening outward (+Z) for positive angles.
HINGE_AXIS = np.array([0.0, -1.0, 0.0])
HINGE_ORIGIN = np.array([-0.19, 0.35, 0.22])
# A point on the door's panel, left of the handle, and one on the handle's front.
PANEL_POINT = np.array([0.09, 0.35, 0.22])
HANDLE_POINT = np.array([0.135, 0.36, 0.25])


def box(lo, hi) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    v = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
    return v, FACES.copy()


def write_obj(path: Path, names=("body", "door", "handle")) -> Path:
    """An OBJ with one group per part."""
    lines, offset = [], 1
    for name in names:
        v, f = box(*BOXES[name])
        lines.append(f"g {name}")
        lines += [f"v {x:.6f} {y:.6f} {z:.6f}" for x, y, z in v]
        lines += [f"f {a + offset} {b + offset} {c + offset}" for a, b, c in f]
        offset += len(v)
    path.write_text("\n".join(lines) + "\n")
    return path


def write_glb(path: Path, nested: bool = True) -> Path:
    """A GLB with body, door, handle and knob nodes; with ``nested`` the handle node is a child of the
    door node and the knob node a child of the body node (else all four are roots)."""
    import trimesh

    scene = trimesh.Scene()
    for name in ("body", "door", "handle", "knob"):
        parent = {"handle": "door", "knob": "body"}.get(name) if nested else None
        v, f = box(*BOXES[name])
        kwargs = {"parent_node_name": parent} if parent else {}
        scene.add_geometry(trimesh.Trimesh(v, f, process=False), node_name=name, geom_name=name, **kwargs)
    scene.export(path)
    return path
