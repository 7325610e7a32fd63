"""The part's box, its edges and words for a joint; pure NumPy, no GUI. Which part is the base and
which parts ride on which is :mod:`dragmesh.io.structure` (the pipeline reads it too).
"""

from __future__ import annotations

import numpy as np

# -- the part's box -------------------------------------------------------------------------------


def part_box(vertices: np.ndarray, faces: np.ndarray, up) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The part's box in mesh coordinates: centre (3,), axes (3, 3) rows (unit), extents (3,) along
    them, the tighter of the box standing on ``up`` and the principal one (the joint inference's
    box; :func:`dragmesh.models.baseline.part_frame`)."""
    from dragmesh.models.baseline import part_frame
    from dragmesh.normalize import rotation_onto_y
    from dragmesh.sampling import sample_surface

    R = rotation_onto_y(up)  # mesh -> +Y up
    pts = sample_surface(vertices, faces, 2048, rng=np.random.default_rng(0)).points
    pts = np.concatenate([pts, vertices[np.unique(faces)]])
    centre, axes, ext = part_frame(pts @ R.T)
    return R.T @ centre, axes @ R, np.asarray(ext, dtype=np.float64)


def box_edges(centre: np.ndarray, axes: np.ndarray, ext: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, int]]:
    """The box's 12 edge lines: (point at the edge's middle (3,), unit direction (3,), box axis k)."""
    out = []
    for k in range(3):
        i, j = [n for n in range(3) if n != k]
        for si in (-0.5, 0.5):
            for sj in (-0.5, 0.5):
                out.append((centre + si * ext[i] * axes[i] + sj * ext[j] * axes[j], axes[k].copy(), k))
    return out


def nearest_edge(point: np.ndarray, centre: np.ndarray, axes: np.ndarray, ext: np.ndarray,
                 along: np.ndarray | None = None):
    """The box edge line nearest ``point`` (3,): (middle (3,), direction (3,), box axis k). With
    ``along`` (3,), only the edges within 2° of that direction count (None when none does)."""
    best, dist = None, np.inf
    for middle, direction, k in box_edges(centre, axes, ext):
        if along is not None and abs(direction @ along) < np.cos(np.radians(2.0)):
            continue
        r = point - middle
        d = float(np.linalg.norm(r - (r @ direction) * direction))
        if d < dist:
            best, dist = (middle, direction, k), d
    return best


# -- words ----------------------------------------------------------------------------------------


def describe(joint, box, up, base_centre: np.ndarray | None = None) -> str:
    """A few words for a joint of a part with box (centre, axes, extents): "side hinge", "top hinge",
    "bottom hinge", "centre pivot", "spins" (no limits), "slides out", "slides up"..."""
    centre, axes, ext = box
    up = np.asarray(up, dtype=np.float64)
    a = np.asarray(joint.axis, dtype=np.float64)
    if joint.type == "revolute":
        if joint.limits is None:
            return "spins"
        rel = centre - joint.origin
        off = rel - (rel @ a) * a  # from the axis line to the box centre, across it
        local = np.abs(axes @ off) / np.maximum(ext / 2.0, 1e-12)
        if float(local.max()) < 0.5:
            return "centre pivot"
        if abs(a @ up) > np.cos(np.radians(30)):
            return "side hinge"
        height = float(-off @ up)  # where the line sits above the centre
        if abs(height) > 0.5 * float(np.linalg.norm(off)):
            return "top hinge" if height > 0 else "bottom hinge"
        return "side hinge"
    if abs(a @ up) > np.cos(np.radians(30)):
        return "slides up" if a @ up > 0 else "slides down"
    if base_centre is not None:
        out = centre - base_centre
        out = out - (out @ up) * up
        if float(np.linalg.norm(out)) > 1e-9 and abs(a @ out) > 0.5 * np.linalg.norm(out):
            return "slides out" if a @ out > 0 else "slides in"
    return "slides sideways"
