"""What the view draws besides the parts' own triangles, and in which colours. No GUI.

- The parts' colours (a palette by label), lighter for the selected, hovered and dragged parts.
- The joint's axis arrow, sized to the part it belongs to and kept on screen, and a hinge's pivot
  ball. The arrow is the unit arrow of :func:`viewer.scene.arrow_mesh` (tail at -1, head at +1
  along its axis) placed by a centre and a half length. A hinge's arrow lies on the hinge line
  across the part; a slide's starts at the part's centre and points the way it slides. Both are at
  most about the part's own size (a long slide of a small part no longer gets an arrow as long as
  the whole object), and the part of the arrow that would leave the viewport is cut off, so its
  head stays visible.
- The candidate joints' see-through ghosts, and where each candidate's number goes beside them.

:class:`PartOverlays` keeps what these need of one mesh's parts; :mod:`viewer.scene` draws what it
builds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from viewer.session import ghost_value

# Pixels kept between the arrow's head and the viewport's edge.
MARGIN = 14.0
AXIS_COLOR = (0.10, 0.45, 0.95)
PIVOT_COLOR = (0.95, 0.20, 0.25)
# The candidates' colours: their ghosts in the view and their swatches in the panel's list.
CANDIDATE_COLORS = ((0.10, 0.72, 0.52), (0.93, 0.22, 0.52), (0.52, 0.32, 0.92))
GHOST_ALPHA = 0.35
PALETTE = [
    (0.78, 0.79, 0.82), (0.96, 0.55, 0.12), (0.22, 0.56, 0.86), (0.36, 0.70, 0.36), (0.86, 0.32, 0.36),
    (0.60, 0.46, 0.80), (0.93, 0.78, 0.24), (0.30, 0.74, 0.74), (0.74, 0.50, 0.36), (0.88, 0.50, 0.70),
]


def part_color(label: int) -> tuple[float, float, float]:
    """The colour part ``label`` is drawn in (and its swatch in the panel's list)."""
    base = PALETTE[label % len(PALETTE)]
    if label < len(PALETTE):
        return base
    # Past the palette, shift the hue a little each round so neighbours still differ.
    k = label // len(PALETTE)
    return tuple(float(np.clip(c * (0.85 + 0.1 * ((k + i) % 3)), 0, 1)) for i, c in enumerate(base))


def lighten(color, amount: float) -> tuple[float, float, float]:
    """``color`` moved ``amount`` (0..1) of the way to white."""
    return tuple(c + (1.0 - c) * amount for c in color[:3])


@dataclass
class Ghost:
    """A part drawn see-through at another pose (a candidate joint's motion): label, model matrix
    (4, 4), RGB colour and opacity."""

    label: int
    model: np.ndarray
    color: tuple[float, float, float]
    alpha: float = 0.35


@dataclass
class Overlay:
    """An arrow (axis) or a ball (pivot) drawn on top of the scene: model matrix and RGB colour."""

    kind: str  # "arrow" or "ball"
    model: np.ndarray
    color: tuple[float, float, float]


def frame_for_axis(axis: np.ndarray, centre: np.ndarray, half_length: float) -> np.ndarray:
    """Model matrix (4, 4) taking the unit arrow (+Z, length 2) onto ``axis`` through ``centre``."""
    z = axis / np.linalg.norm(axis)
    helper = np.array([1.0, 0, 0]) if abs(z[0]) < 0.9 else np.array([0, 1.0, 0])
    x = np.cross(helper, z)
    x /= np.linalg.norm(x)
    y = np.cross(z, x)
    M = np.eye(4)
    M[:3, 0], M[:3, 1], M[:3, 2] = x * half_length, y * half_length, z * half_length
    M[:3, 3] = centre
    return M


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


class PartOverlays:
    """What the overlays need of one mesh's parts, kept from loading (or a part found) on: each
    part's rest-pose vertices, box centre and size, and colour, and the mesh's size.

    The builders take the :class:`~viewer.session.Session` and the part they are about (the one
    dragged, else the one selected; a carried part stands for its carrier) and return what
    :meth:`viewer.scene.GLScene.draw` draws.
    """

    def __init__(self, mesh):
        self.colors = [part_color(i) for i in range(mesh.n_parts)]
        self.vertices = [np.unique(mesh.faces[mesh.face_labels == i]) for i in range(mesh.n_parts)]
        self.measures = [part_measures(mesh.vertices[v]) if len(v) else (np.zeros(3), 0.0) for v in self.vertices]
        self.size = float(np.linalg.norm(np.ptp(mesh.vertices, axis=0)))
        self._ghosts = None  # ((label, candidates, choice, group), ghosts): made once per change

    def shown_colors(self, session, selected: int | None, hovered: int | None,
                     dragged: int | None) -> list[tuple[float, float, float]]:
        """Each part's colour as drawn: the selected part's group a little lighter, the hovered
        part and the dragged part's group lighter still."""
        colors = list(self.colors)
        if selected is not None and selected < len(colors):
            for label in session.group(selected):  # a group is one selection
                colors[label] = lighten(self.colors[label], 0.18)
        if hovered is not None and hovered < len(colors):
            colors[hovered] = lighten(self.colors[hovered], 0.38)
        if dragged is not None:
            for label in session.group(dragged):
                colors[label] = lighten(self.colors[label], 0.38)
        return colors

    def joint_marks(self, session, label: int | None, camera) -> list[Overlay]:
        """The part's axis arrow (cut at the viewport's edge) and, for a hinge, the ball on its
        pivot; none for a part without a joint."""
        if label is None or session.mesh is None:
            return []
        label = session.mover(label)
        joint = session.parts[label].joint
        if joint is None:
            return []
        verts = session.mesh.vertices[self.vertices[label]]
        box_centre, part_size = self.measures[label]
        axis, centre, half, anchor = axis_arrow(joint, verts, session.transform(label), self.size, box_centre,
                                                part_size)
        pivot = centre.copy()
        centre, half = clip_to_view(axis, centre, half, anchor, camera.project, camera.width, camera.height)
        arrow = Overlay("arrow", frame_for_axis(axis, centre, half), AXIS_COLOR)
        if joint.is_revolute:
            ball = np.eye(4)
            ball[:3, :3] *= 0.012 * self.size
            ball[:3, 3] = pivot
            return [arrow, Overlay("ball", ball, PIVOT_COLOR)]
        return [arrow]

    def ghosts(self, session, label: int | None) -> list[Ghost]:
        """The part's other candidates, each drawn see-through at the middle of its range in its
        colour (the list's swatch), every member of the part's group; a candidate that hardly moves
        the part gets none (a ghost on top of the part would only flicker). The same list comes back
        until the candidates, the choice or the group change (its identity tells the scene's cache)."""
        if label is None or session.mesh is None:
            return []
        label = session.mover(label)
        state = session.parts[label]
        if state.joint is None or len(state.candidates) < 2:
            return []
        group = session.group(label)
        memo = (label, id(state.candidates), state.choice, tuple(group))
        if self._ghosts is not None and self._ghosts[0] == memo:
            return self._ghosts[1]
        out = []
        verts = session.mesh.vertices[self.vertices[label]]
        if not len(verts):
            return out
        lo, hi = verts.min(axis=0), verts.max(axis=0)
        corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
        size = float(np.linalg.norm(hi - lo))
        for i, cand in enumerate(state.candidates):
            if i == state.choice:
                continue
            extent = float(np.ptp(verts @ cand.joint.axis))
            T = cand.joint.transform(ghost_value(cand.joint, extent))
            if np.linalg.norm(corners @ T[:3, :3].T + T[:3, 3] - corners, axis=1).max() < 0.03 * size:
                continue
            out += [Ghost(k, T, CANDIDATE_COLORS[i % len(CANDIDATE_COLORS)], GHOST_ALPHA) for k in group]
        self._ghosts = (memo, out)
        return out

    def ghost_numbers(self, ghosts: list[Ghost]) -> list[tuple[int, tuple[float, float, float], np.ndarray]]:
        """(candidate number from 1, colour, point (3,)) per candidate among ``ghosts``: where its
        number is written, the posed box centre of its first ghost."""
        seen = []
        for g in ghosts:
            if g.color in [c for c, _ in seen] or g.label >= len(self.measures):
                continue
            centre, _ = self.measures[g.label]
            seen.append((g.color, g.model[:3, :3] @ centre + g.model[:3, 3]))
        return [(CANDIDATE_COLORS.index(color) + 1, color, point) for color, point in seen]
