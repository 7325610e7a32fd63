"""Where the joint's axis arrow goes: sized to the part it belongs to and kept on screen. No GUI.

The arrow is the unit arrow of :func:`viewer.scene.arrow_mesh` (tail at -1, head at +1 along its
axis) placed by a centre and a half length. A hinge's arrow lies on the hinge line across the part;
a slide's starts at the part's centre and points the way it slides. Both are at most about the
part's own size (a long slide of a small part no longer gets an arrow as long as the whole object),
and the part of the arrow that would leave the viewport is cut off, so its head stays visible.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

# Pixels kept between the arrow's head and the viewport's edge.
MARGIN = 14.0


def part_measures(rest: np.ndarray) -> tuple[np.ndarray, float]:
    """(centre (3,), size) of a part's rest-pose vertices (N, 3): its box centre and diagonal. A
    rigid motion keeps the size; the centre moves with the part."""
    lo, hi = rest.min(axis=0), rest.max(axis=0)
    return (lo + hi) / 2.0, float(np.linalg.norm(hi - lo))


def axis_arrow(joint, rest: np.ndarray, pose: np.ndarray, mesh_size: float, centre: np.ndarray | None = None,
               part_size: float | None = None) -> tuple[np.ndarray, np.ndarray, float, float]:
    """(axis (3,), centre (3,), half length, anchor) of a part's joint arrow before any clipping.

    joint: the part's Joint (mesh coordinates). rest: (N, 3) the part's rest-pose vertices; pose:
    (4, 4) the part's pose now. mesh_size: the whole mesh's bounding-box diagonal. centre,
    part_size: :func:`part_measures` of ``rest``, when the caller keeps them. anchor: the arrow
    parameter in [-1, 1] that must stay where it is when the arrow is cut (the hinge's middle, the
    slide's tail).
    """
    axis = np.asarray(joint.axis, dtype=np.float64)
    axis = axis / np.linalg.norm(axis)
    if centre is None or part_size is None:
        centre, part_size = part_measures(rest)
    R, t = pose[:3, :3], pose[:3, 3]
    if joint.is_revolute:
        along = rest @ (R.T @ axis) + float(t @ axis)  # the posed vertices along the axis
        lo, hi = float(along.min()), float(along.max())
        half = max(0.6 * (hi - lo), min(0.15 * mesh_size, 0.6 * part_size))
        half = min(half, max(0.75 * part_size, 0.05 * mesh_size))
        origin = np.asarray(joint.origin, dtype=np.float64)
        middle = origin + axis * ((lo + hi) / 2.0 - float(origin @ axis))
        return axis, middle, half, 0.0
    half = min(0.2 * mesh_size, max(0.5 * part_size, 0.05 * mesh_size))
    return axis, R @ centre + t + axis * half, half, -1.0


def clip_to_view(axis: np.ndarray, centre: np.ndarray, half: float, anchor: float,
                 project: Callable[[np.ndarray], np.ndarray], width: float, height: float,
                 samples: int = 65) -> tuple[np.ndarray, float]:
    """(centre, half) of the longest piece of the arrow around ``anchor`` that projects inside the
    viewport (``MARGIN`` pixels in). project: (N, 3) points -> (N, 2) pixels, NaN behind the eye.
    When the anchor itself is off screen the arrow is left as it is (the part is off screen too)."""
    t = np.linspace(-1.0, 1.0, samples)
    pts = centre + (t * half)[:, None] * axis
    pix = project(pts)
    inside = (np.isfinite(pix).all(axis=1) & (pix[:, 0] >= MARGIN) & (pix[:, 0] <= width - MARGIN)
              & (pix[:, 1] >= MARGIN) & (pix[:, 1] <= height - MARGIN))
    k = int(np.argmin(np.abs(t - anchor)))
    if not inside[k] or inside.all():
        return centre, half
    lo = hi = k
    while lo > 0 and inside[lo - 1]:
        lo -= 1
    while hi < samples - 1 and inside[hi + 1]:
        hi += 1
    if hi == lo:
        return centre, half
    t0, t1 = t[lo], t[hi]
    return centre + axis * (half * (t0 + t1) / 2.0), half * (t1 - t0) / 2.0
