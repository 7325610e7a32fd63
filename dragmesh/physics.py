"""Physical checks of a joint against the object's fixed geometry: does the part's motion pass
through the base, how far can it move before it does, does a hinge line touch the base, and
where does the part touch it (its pins, hubs and knuckles).

The queries run on Open3D's ``RaycastingScene`` (an Embree BVH), not on hand-written collision code.
They must hold on meshes as people bring them: double-sided or duplicated faces, open carcasses,
inconsistent normals and pieces that interpenetrate, where "inside" is not defined. So nothing here
asks whether a point is inside the base; a part point collides when the segment it travels between
two poses *crosses* a base triangle. Crossing a surface is well defined for any triangle soup, and
a part that starts in contact with the base (a door against its carcass, a drawer in its slot) is
not blocked by the contact itself, only by moving into the surface.

Everything is in one frame (the pipeline uses the model frame) and lengths in its units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dragmesh.geometry.joints import Joint
from dragmesh.geometry.rotations import rotate

# A motion is blocked once more than this fraction of the part's points have crossed the base.
# A few points may graze a coplanar contact surface; a real collision sweeps many at once.
BLOCKED_FRACTION = 0.01
# Revolute sweeps advance by at most this angle per step, so a chord stays close to its arc.
MAX_STEP_RAD = np.deg2rad(10.0)
# Bisection rounds that refine the stop inside the first blocked step.
REFINE_ROUNDS = 4
# Part points nearer a hinge line than this fraction of the part's farthest point from it do not
# count as collisions. They move little, and with a hinge line placed a centimetre off (or a lid
# whose back edge is flush with a tank) they graze the neighbouring base at once, vetoing the
# right joint; a real stop (a door meeting the carcass, a lid resting) sweeps the far points.
NEAR_HINGE = 0.15
# Part points are pulled this fraction of the way towards the part's centre before a sweep: a
# drawer's bottom resting on the carcass floor then slides *above* the floor instead of grazing
# it (a ray in the plane of a face hits or misses it by rounding), while a part pushed into the
# body still crosses its surface.
CONTACT_SHRINK = 0.02


class Obstacle:
    """The fixed geometry (the base) a moving part must not pass through.

    Args:
        vertices: (V, 3) float positions.
        faces: (F, 3) int triangles; degenerate ones are harmless.
    """

    def __init__(self, vertices: np.ndarray, faces: np.ndarray):
        import open3d as o3d

        self._o3d = o3d
        self.scene = o3d.t.geometry.RaycastingScene()
        self.empty = len(faces) == 0
        if not self.empty:
            self.scene.add_triangles(
                o3d.core.Tensor(np.ascontiguousarray(vertices, dtype=np.float32)),
                o3d.core.Tensor(np.ascontiguousarray(faces, dtype=np.uint32)),
            )

    def crossings(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """(N,) bool: whether the segment from ``start`` (N, 3) to ``end`` (N, 3) crosses a triangle.

        A segment starting exactly on a triangle and leaving it does not count (its hit distance is
        zero only when it moves into the surface, which Embree reports as a hit past zero)."""
        if self.empty or len(start) == 0:
            return np.zeros(len(start), dtype=bool)
        d = np.asarray(end, np.float64) - np.asarray(start, np.float64)
        length = np.linalg.norm(d, axis=1)
        moving = length > 1e-9
        rays = np.zeros((len(start), 6), dtype=np.float32)
        rays[:, :3] = start
        rays[moving, 3:] = d[moving] / length[moving, None]
        rays[~moving, 3:] = (1.0, 0.0, 0.0)
        hit = self.scene.cast_rays(self._o3d.core.Tensor(rays), nthreads=0)["t_hit"].numpy()
        return moving & (hit <= length)

    def inside(self, points: np.ndarray) -> np.ndarray:
        """(N,) bool: whether points lie inside the surface, by ray parity. Meaningful for closed
        pieces only; :func:`sweep` uses it just to set aside points that start embedded."""
        if self.empty:
            return np.zeros(len(points), dtype=bool)
        q = self._o3d.core.Tensor(np.ascontiguousarray(points, dtype=np.float32))
        return self.scene.compute_occupancy(q, nthreads=0).numpy() > 0.5

    def distance(self, points: np.ndarray) -> np.ndarray:
        """(N,) unsigned distance of ``points`` (N, 3) from the nearest triangle (inf when empty)."""
        if self.empty:
            return np.full(len(points), np.inf)
        q = self._o3d.core.Tensor(np.ascontiguousarray(points, dtype=np.float32))
        return self.scene.compute_distance(q, nthreads=0).numpy().astype(np.float64)


@dataclass
class Sweep:
    """How far a part moves along a joint in one direction before it passes through the base.

    free: the largest value magnitude (radians or length units) reached without collision, at most
        the swept ``span``.
    blocked: whether the base stopped it within the span (False: free over the whole span).
    """

    free: float
    blocked: bool


def sweep(obstacle: Obstacle, joint: Joint, points: np.ndarray, direction: float, span: float,
          steps: int | None = None) -> Sweep:
    """Move ``points`` (N, 3) along ``joint`` from value 0 towards ``direction`` (+1 or -1) times
    ``span`` and stop where more than :data:`BLOCKED_FRACTION` of them have crossed the base
    (of a hinge's, those not within :data:`NEAR_HINGE` of its line).

    Steps are chords of at most :data:`MAX_STEP_RAD` (revolute) or span / 24 (prismatic) unless
    ``steps`` is given; the first blocked step is bisected :data:`REFINE_ROUNDS` times.
    """
    return sweeps(obstacle, [(joint, direction, span)], points, steps)[0]


def sweeps(obstacle: Obstacle, jobs: list[tuple[Joint, float, float]], points: np.ndarray,
           steps: int | None = None, near_hinge: float | None = None) -> list[Sweep]:
    """:func:`sweep` of the same ``points`` for several (joint, direction, span) ``jobs`` at once:
    every job's steps go into one ray cast, and each bisection round into one more. ``near_hinge``
    overrides :data:`NEAR_HINGE` (0: every point counts)."""
    out: list[Sweep | None] = [None] * len(jobs)
    points = np.asarray(points, dtype=np.float64)
    live = [i for i, (_, _, span) in enumerate(jobs) if abs(float(span)) > 0]
    if len(points) == 0 or obstacle.empty or not live:
        return [Sweep(abs(float(span)), False) for _, _, span in jobs]
    centre = points.mean(axis=0)
    points = centre + (1.0 - CONTACT_SHRINK) * (points - centre)
    # Points already inside a closed piece of the base at rest (a drawer's bottom sunk into the
    # carcass floor, a knob into its panel) leave it, not enter it: they do not count. Parity is
    # only meaningful for closed pieces; on open or doubled ones it rarely says "inside".
    embedded = obstacle.inside(points)
    if embedded.any() and not embedded.all():
        points = points[~embedded]
    n = len(points)
    plans, starts, ends = {}, [], []
    for i in live:
        joint, direction, span = jobs[i]
        span = abs(float(span))
        k = steps if steps is not None else (int(np.ceil(span / MAX_STEP_RAD)) if joint.is_revolute else 24)
        k = max(1, k)
        sign = 1.0 if direction >= 0 else -1.0
        values = sign * np.linspace(0.0, span, k + 1)
        poses = joint.poses(points, values)  # (k + 1, N, 3)
        counted = _counted(joint, points, NEAR_HINGE if near_hinge is None else near_hinge)
        limit = max(1, int(np.ceil(BLOCKED_FRACTION * counted.sum())))
        plans[i] = (joint, sign, span, values, poses, counted, limit)
        starts.append(poses[:-1].reshape(-1, 3))
        ends.append(poses[1:].reshape(-1, 3))
    crossed_all = obstacle.crossings(np.concatenate(starts), np.concatenate(ends))
    refine = {}  # job -> [lo, hi, pose at lo's step, points in collision before it]
    offset = 0
    for i in live:
        joint, sign, span, values, poses, counted, limit = plans[i]
        k = len(values) - 1
        crossed = crossed_all[offset: offset + k * n].reshape(k, n) & counted
        offset += k * n
        ever = np.cumsum(crossed, axis=0) > 0  # a point that crossed stays in collision
        blocked_steps = np.flatnonzero(ever.sum(axis=1) > limit)
        if len(blocked_steps) == 0:
            out[i] = Sweep(span, False)
            continue
        b = int(blocked_steps[0])
        # Bisect inside step b: points already in collision before it stay counted.
        before = ever[b - 1] if b > 0 else np.zeros(n, dtype=bool)
        refine[i] = [abs(values[b]), abs(values[b + 1]), poses[b], before]
    for _ in range(REFINE_ROUNDS if refine else 0):
        order = list(refine)
        mids = [0.5 * (refine[i][0] + refine[i][1]) for i in order]
        ends = moved_points([plans[i][0] for i in order], points, np.array([plans[i][1] * m for i, m in zip(order, mids)]))
        hit = obstacle.crossings(np.concatenate([refine[i][2] for i in order]), ends.reshape(-1, 3)).reshape(len(order), n)
        for row, (i, m) in enumerate(zip(order, mids)):
            if (refine[i][3] | (hit[row] & plans[i][5])).sum() > plans[i][6]:
                refine[i][1] = m
            else:
                refine[i][0] = m
    for i, (lo, _, _, _) in refine.items():
        out[i] = Sweep(float(lo), True)
    return [o if o is not None else Sweep(abs(float(jobs[i][2])), False) for i, o in enumerate(out)]


def line_contacts(obstacle: Obstacle, joints: list[Joint], part_points: np.ndarray, samples: int = 9) -> list[float]:
    """:func:`line_contact` of several hinge lines in one distance query."""
    if not joints:
        return []
    lines = []
    for joint in joints:
        t = (part_points - joint.origin) @ joint.axis
        along = np.linspace(t.min(), t.max(), samples) if len(t) else np.zeros(samples)
        lines.append(joint.origin + along[:, None] * joint.axis)
    d = obstacle.distance(np.concatenate(lines)).reshape(len(joints), -1)
    return [float(x) for x in d.min(axis=1)]


def line_contact(obstacle: Obstacle, joint: Joint, part_points: np.ndarray, samples: int = 9) -> float:
    """The smallest distance from the base to the hinge line, over the stretch of the line that
    the part spans; inf for an empty base. A door's hinge lies where the door meets its carcass, so
    a small value supports a hinge; a line far from the base is a hinge in mid-air."""
    return line_contacts(obstacle, [joint], part_points, samples)[0]


def _counted(joint: Joint, points: np.ndarray, near_hinge: float = NEAR_HINGE) -> np.ndarray:
    """(N,) bool: the points whose crossings count for ``joint``: all of them for a slide, those
    at least :data:`NEAR_HINGE` of the farthest one's distance from a hinge line."""
    if not joint.is_revolute:
        return np.ones(len(points), dtype=bool)
    r = points - joint.origin
    dist = np.linalg.norm(r - (r @ joint.axis)[:, None] * joint.axis, axis=1)
    return dist >= near_hinge * dist.max()


def moved_points(joints: list[Joint], points: np.ndarray, values: np.ndarray) -> np.ndarray:
    """(J, N, 3): ``points`` (N, 3) moved by each of the J ``joints`` at its own value (J,), all
    at once (:func:`~dragmesh.geometry.rotations.rotate` with one axis per joint)."""
    axes = np.array([j.axis for j in joints])[:, None]  # (J, 1, 3)
    origins = np.array([j.origin for j in joints])[:, None]
    v = np.asarray(values, dtype=np.float64).reshape(-1, 1)
    hinge = np.array([j.is_revolute for j in joints]).reshape(-1, 1, 1)
    turned = origins + rotate(points[None] - origins, axes, v)
    return np.where(hinge, turned, points[None] + v[..., None] * axes)


@dataclass
class ContactPatch:
    """One place where the part touches the base (or sinks into it): a pin, a hub, a knuckle, a
    hinge barrel, a door's rim against its frame.

    centre: (3,) the mean of its points.
    axes: (3, 3) rows, its principal directions by decreasing spread.
    spread: (3,) the standard deviation of its points along each of ``axes``.
    count: how many of the probed points it holds.
    """

    centre: np.ndarray
    axes: np.ndarray
    spread: np.ndarray
    count: int


def contact_patches(obstacle: Obstacle, points: np.ndarray, tolerance: float, link: float,
                    keep: int = 4) -> tuple[list[ContactPatch], float]:
    """Where ``points`` (M, 3) on the part lie within ``tolerance`` of the base or inside a closed
    piece of it, grouped into patches: points within ``link`` of each other join one patch. The
    ``keep`` largest patches, largest first (one point is a patch: a pin's tip may be the one
    vertex that reaches into its hole), and the share of ``points`` that touch. One distance and one
    occupancy query; the grouping is a k-d tree's pairs and the connected components of that
    graph (scipy)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    points = np.asarray(points, dtype=np.float64)
    if obstacle.empty or len(points) == 0:
        return [], 0.0
    near = (obstacle.distance(points) <= tolerance) | obstacle.inside(points)
    touching = points[near]
    if len(touching) == 0:
        return [], 0.0
    pairs = cKDTree(touching).query_pairs(link, output_type="ndarray")
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(len(touching),) * 2)
    _, label = connected_components(graph, directed=False)
    sizes = np.bincount(label)
    out = []
    for k in np.argsort(-sizes, kind="stable")[:keep]:
        q = touching[label == k]
        centre = q.mean(axis=0)
        values, vectors = np.linalg.eigh((q - centre).T @ (q - centre) / len(q))
        order = np.argsort(-values, kind="stable")
        out.append(ContactPatch(centre, vectors[:, order].T, np.sqrt(np.clip(values[order], 0.0, None)), len(q)))
    return out, float(near.mean())
