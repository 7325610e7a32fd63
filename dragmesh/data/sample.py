"""One training / evaluation sample: a drag on a part of a mesh and its exact ground truth.

Every data source (the procedural generator, the PartNet-Mobility reader, the benchmark) builds its
samples with :func:`make_sample`, so they all share one format, one normalisation and one definition
of the drag and of the ground truth.

How a sample is made, in the mesh's own coordinates first:

1. The drag point: a grasp point of the part (handle, free edge) jittered and snapped onto the
   moving surface, or sometimes a random point of the moving surface far from the hinge.
2. A partial motion ``delta`` of random amplitude, opening or closing, that keeps the joint inside
   its limits from the current value. The exact drag is that point's chord ``p' - p``.
3. A person's drag: the exact drag with its direction turned by up to ``max_drag_angle`` and its
   length scaled by U(0.6, 1.4). The ground-truth final value is the exact drag projection of that
   perturbed drag (``drag_to_value``), clamped to the limits; the exact-drag variant ends at
   ``delta``.
4. Canonical joint (docs/architecture.md, Conventions): the axis is flipped so the drag asks for a positive value (so final
   values are >= 0) and, for revolute joints, the origin is the point of the axis line nearest the
   moving part's area-weighted centroid (prismatic: the centroid itself).
5. Everything is mapped into the model frame with :class:`~dragmesh.normalize.Normalization`;
   the trajectory is T dual quaternions of the model-frame joint, values linear from 0 (identity)
   to the final value.

Units: revolute values are radians; prismatic values are lengths, in model units for ``values`` /
``joint_limits`` and in mesh units for the ``*_mesh`` fields (model = mesh / ``norm_scale``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Sequence

import numpy as np

from dragmesh.errors import DragError, InputError, PartError
from dragmesh.geometry.joints import PRISMATIC, REVOLUTE, Joint, canonical_origin
from dragmesh.normalize import Normalization
from dragmesh.geometry.triangles import closest_point_on_triangles
from dragmesh.sampling import MIN_MASKED_FRACTION, face_areas, min_masked_points, sample_surface

# Integer codes of the joint type in samples (model targets).
JOINT_TYPES = (REVOLUTE, PRISMATIC)
TYPE_REVOLUTE = 0
TYPE_PRISMATIC = 1

# Motion range assumed when a joint's limits are unknown: the drag stays within it, the stored
# limits stay NaN. Revolute in radians; prismatic as a fraction of the part's extent along the axis.
UNKNOWN_REVOLUTE_RANGE = np.deg2rad(120.0)
UNKNOWN_PRISMATIC_FRACTION = 0.6
# |delta| must stay below a half turn, where a chord no longer names one angle.
MAX_REVOLUTE_DELTA = np.deg2rad(170.0)


@dataclass(frozen=True)
class DragConfig:
    """How drags are drawn. Angles in degrees.

    Attributes:
        p_grasp: probability of dragging at a grasp point (when the part has any); otherwise a random
            point of the moving surface, far from the axis for revolute parts.
        grasp_jitter: std of the jitter of a grasp point, as a fraction of the part's bbox diagonal.
        min_fraction, max_fraction: the motion's amplitude as a fraction of the room left in its
            direction (to the limit, or the unknown-limit range).
        min_revolute_deg: smallest rotation drawn (a drag of a few degrees is still a drag).
        max_drag_angle: a person's drag direction is off by up to this angle.
        length_range: a person's drag length is the chord's times U(*length_range).
    """

    p_grasp: float = 0.75
    grasp_jitter: float = 0.02
    min_fraction: float = 0.1
    max_fraction: float = 1.0
    min_revolute_deg: float = 4.0
    max_drag_angle: float = 20.0
    length_range: tuple[float, float] = (0.6, 1.4)


@dataclass
class Sample:
    """A drag on a part with its ground truth.

    Model inputs and targets, model frame, float32 (N points, T frames):
        points (N, 3): area-weighted i.i.d. surface points of the whole object (any prefix of them
            is itself a valid smaller sample); a tiny part is topped up to N * MIN_MASKED_FRACTION
            points.
        mask (N,): 1.0 on the moving part, 0.0 elsewhere.
        drag_point (3,): the grabbed point, on the moving surface.
        drag_vector (3,): the person-like (perturbed) drag.
        drag_vector_exact (3,): the exact chord of the drag point under the motion of ``values_exact``.
        joint_type: int, 0 revolute, 1 prismatic.
        joint_axis (3,): unit axis, canonical sign (positive value = the motion the drag asks for).
        joint_origin (3,): revolute: the axis point nearest the part's centroid; prismatic: the
            part's centroid.
        joint_limits (2,): (lower, upper) relative to the current state, canonical sign, model units
            (radians for revolute); NaN when unknown. lower <= 0 <= upper.
        values (T,): joint values of the ground-truth trajectory for the perturbed drag, linear from 0
            to the final value (>= 0).
        traj (T, 8): the dual quaternions of those values (frame 0 = identity), w >= 0.
        values_exact (T,), traj_exact (T, 8): the same for the exact drag; the last frame moves
            ``drag_point`` to ``drag_point + drag_vector_exact``.

    The same in mesh coordinates, float64: joint_axis_mesh, joint_origin_mesh, joint_limits_mesh,
    drag_point_mesh, drag_vector_mesh, drag_vector_exact_mesh, values_mesh (T,),
    values_exact_mesh (T,).

    Normalisation and provenance:
        norm_matrix (4, 4) float64: mesh -> model (``Normalization.matrix``).
        norm_scale: float, the object's largest extent in mesh units (model = mesh / norm_scale).
        up (3,) float64: the mesh's up direction.
        diag: float, the object's bounding-box diagonal in the model frame.
        category: str; category_id: int (``splits.category_id``, -1 when unknown); seed: int (the
            object's seed, -1 when none); part_index: int (label of the dragged part);
        part_name: str.

    Optional mesh (evaluation only, mesh coordinates): vertices (V, 3) float64, faces (F, 3) int64,
    face_labels (F,) int64, moving_faces (F,) bool (the dragged part and the parts it carries).
    """

    points: np.ndarray
    mask: np.ndarray
    drag_point: np.ndarray
    drag_vector: np.ndarray
    drag_vector_exact: np.ndarray
    joint_type: int
    joint_axis: np.ndarray
    joint_origin: np.ndarray
    joint_limits: np.ndarray
    values: np.ndarray
    traj: np.ndarray
    values_exact: np.ndarray
    traj_exact: np.ndarray
    joint_axis_mesh: np.ndarray
    joint_origin_mesh: np.ndarray
    joint_limits_mesh: np.ndarray
    drag_point_mesh: np.ndarray
    drag_vector_mesh: np.ndarray
    drag_vector_exact_mesh: np.ndarray
    values_mesh: np.ndarray
    values_exact_mesh: np.ndarray
    norm_matrix: np.ndarray
    norm_scale: float
    up: np.ndarray
    diag: float
    category: str = ""
    category_id: int = -1
    seed: int = -1
    part_index: int = -1
    part_name: str = ""
    vertices: np.ndarray | None = None
    faces: np.ndarray | None = None
    face_labels: np.ndarray | None = None
    moving_faces: np.ndarray | None = None

    # ------------------------------------------------------------------ views

    @property
    def normalization(self) -> Normalization:
        """The :class:`Normalization` this sample was made with."""
        m = np.asarray(self.norm_matrix, dtype=np.float64)
        s = float(self.norm_scale)
        rotation = m[:3, :3] * s
        return Normalization(rotation=rotation, center=-m[:3, 3] * s, scale=s, up=np.asarray(self.up))

    def joint(self) -> Joint:
        """The ground-truth joint in the model frame (limits relative to the current state)."""
        return _joint_from_fields(self.joint_type, self.joint_axis, self.joint_origin, self.joint_limits)

    def joint_mesh(self) -> Joint:
        """The ground-truth joint in mesh coordinates (limits relative to the current state)."""
        return _joint_from_fields(
            self.joint_type, self.joint_axis_mesh, self.joint_origin_mesh, self.joint_limits_mesh
        )

    def exact_variant(self) -> "Sample":
        """The same sample with the exact drag as its drag and its trajectory as the target."""
        out = Sample(**{f.name: getattr(self, f.name) for f in fields(self)})
        out.drag_vector = self.drag_vector_exact
        out.drag_vector_mesh = self.drag_vector_exact_mesh
        out.values, out.traj, out.values_mesh = self.values_exact, self.traj_exact, self.values_exact_mesh
        return out

    def to_dict(self, with_mesh: bool = False) -> dict[str, np.ndarray]:
        """Field name -> ndarray (scalars as 0-d arrays); mesh fields only with ``with_mesh``."""
        out: dict[str, np.ndarray] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in MESH_FIELDS:
                if with_mesh and value is not None:
                    out[f.name] = np.asarray(value)
                continue
            out[f.name] = np.asarray(value)
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Sample":
        """Inverse of :meth:`to_dict` (accepts an npz file's mapping)."""
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in d:
                continue
            value = np.asarray(d[f.name])
            if f.name in _SCALAR_TYPES:
                value = _SCALAR_TYPES[f.name](value.item() if value.ndim == 0 else value.reshape(-1)[0])
            kwargs[f.name] = value
        return cls(**kwargs)


MESH_FIELDS = ("vertices", "faces", "face_labels", "moving_faces")
_SCALAR_TYPES = {
    "joint_type": int,
    "norm_scale": float,
    "diag": float,
    "category": str,
    "category_id": int,
    "seed": int,
    "part_index": int,
    "part_name": str,
}


def _joint_from_fields(jtype: int, axis: np.ndarray, origin: np.ndarray, limits: np.ndarray) -> Joint:
    lim = np.asarray(limits, dtype=np.float64)
    return Joint(
        type=JOINT_TYPES[int(jtype)],
        axis=np.asarray(axis, dtype=np.float64),
        origin=np.asarray(origin, dtype=np.float64),
        limits=None if not np.isfinite(lim).all() else (float(lim[0]), float(lim[1])),
    )


# ---------------------------------------------------------------------------- building


def make_sample(
    vertices: np.ndarray,
    faces: np.ndarray,
    face_labels: np.ndarray,
    moving_part: int | Sequence[int] | np.ndarray,
    joint: Joint,
    current_value: float,
    grasp: np.ndarray | None,
    up: Sequence[float] | np.ndarray,
    rng: np.random.Generator,
    n_points: int = 1024,
    frames: int = 16,
    *,
    drag: DragConfig = DragConfig(),
    category: str = "",
    category_id: int = -1,
    seed: int = -1,
    part_index: int | None = None,
    part_name: str = "",
    keep_mesh: bool = False,
) -> Sample:
    """Draw one drag on a part of a mesh and build its sample.

    Args:
        vertices: (V, 3) mesh coordinates, the object posed at its current state.
        faces: (F, 3) int vertex indices.
        face_labels: (F,) int part label of each face.
        moving_part: the dragged part's label, a sequence of labels (the part and the parts it
            carries, e.g. a door and its handle), or an (F,) bool face mask.
        joint: the part's joint in mesh coordinates; its limits (absolute values) or None.
        current_value: the joint's value in the given pose (the mesh is posed there).
        grasp: (K, 3) points where a person would grab the part, mesh coordinates, or None.
        up: the mesh's up direction.
        rng: the only source of randomness.
        n_points: N, surface points of the whole object.
        frames: T, trajectory frames.
        drag: how drags are drawn.
        category, category_id, seed, part_name: provenance stored in the sample.
        part_index: the dragged part's label (default: the first label of ``moving_part``).
        keep_mesh: also store the mesh arrays (evaluation; not for training shards).

    Raises:
        InputError: arrays of the wrong shapes, n_points < 1 or frames < 2.
        PartError: the moving part has no faces or is the whole object.
        DragError: the joint's limits leave it no room to move.
    """
    vertices = np.asarray(vertices, dtype=np.float64)
    faces = np.asarray(faces, dtype=np.int64)
    face_labels = np.asarray(face_labels, dtype=np.int64)
    if vertices.ndim != 2 or vertices.shape[1] != 3 or faces.ndim != 2 or faces.shape[1] != 3:
        raise InputError(f"make_sample needs vertices (V, 3) and faces (F, 3), got {vertices.shape} and {faces.shape}")
    if face_labels.shape != (len(faces),):
        raise InputError(f"face_labels must have shape ({len(faces)},), got {face_labels.shape}")
    if n_points < 1 or frames < 2:
        raise InputError(f"need n_points >= 1 and frames >= 2, got {n_points} and {frames}")
    moving = _moving_mask(face_labels, moving_part)
    if part_index is None:
        arr = np.asarray(moving_part)
        part_index = int(face_labels[moving][0]) if arr.dtype == bool else int(arr.reshape(-1)[0])

    norm = Normalization.from_points(vertices, up)
    min_masked = min_masked_points(n_points)
    points, _, mask = sample_surface(vertices, faces, n_points, rng, moving, min_masked)

    part_faces = faces[moving]
    part_tri, part_areas = vertices[part_faces], face_areas(vertices, part_faces)
    if not part_areas.sum() > 0.0:
        raise PartError("the moving part has no surface area")
    centroid = (part_tri.mean(axis=1) * part_areas[:, None]).sum(axis=0) / part_areas.sum()
    part_pts = sample_surface(vertices, part_faces, 128, rng).points
    part_diag = float(np.linalg.norm(part_tri.reshape(-1, 3).max(0) - part_tri.reshape(-1, 3).min(0)))

    joint = canonical_origin(joint, centroid)
    is_rev = joint.type == REVOLUTE
    room_lo, room_hi, limits_rel = _room(joint, current_value, part_tri, centroid)

    p = _drag_point(joint, grasp, part_tri, part_pts, part_diag, rng, drag)
    delta, v_exact, v_person, final = _draw_motion(joint, p, room_lo, room_hi, limits_rel, rng, drag, part_diag)

    if final < 0.0:  # canonical sign: the drag asks for a positive value
        joint = joint.flipped()
        delta, final = -delta, -final
        if limits_rel is not None:
            limits_rel = (-limits_rel[1], -limits_rel[0])
    limits_mesh = np.array(limits_rel if limits_rel is not None else (np.nan, np.nan))

    values_mesh = np.linspace(0.0, final, frames)
    values_exact_mesh = np.linspace(0.0, delta, frames)
    k = 1.0 if is_rev else 1.0 / norm.scale  # mesh value -> model value
    jm = norm.joint_to_model(joint)
    values, values_exact = values_mesh * k, values_exact_mesh * k
    traj = np.asarray(jm.dual_quaternions(values), dtype=np.float64)
    traj_exact = np.asarray(jm.dual_quaternions(values_exact), dtype=np.float64)

    model_vertices = norm.to_model(vertices)
    f32 = np.float32
    sample = Sample(
        points=norm.to_model(points).astype(f32),
        mask=np.asarray(mask, dtype=f32),
        drag_point=norm.to_model(p).astype(f32),
        drag_vector=norm.displacement_to_model(v_person).astype(f32),
        drag_vector_exact=norm.displacement_to_model(v_exact).astype(f32),
        joint_type=TYPE_REVOLUTE if is_rev else TYPE_PRISMATIC,
        joint_axis=np.asarray(jm.axis, dtype=f32),
        joint_origin=np.asarray(jm.origin, dtype=f32),
        joint_limits=(limits_mesh * k).astype(f32),
        values=values.astype(f32),
        traj=traj.astype(f32),
        values_exact=values_exact.astype(f32),
        traj_exact=traj_exact.astype(f32),
        joint_axis_mesh=np.asarray(joint.axis, dtype=np.float64),
        joint_origin_mesh=np.asarray(joint.origin, dtype=np.float64),
        joint_limits_mesh=limits_mesh,
        drag_point_mesh=p,
        drag_vector_mesh=v_person,
        drag_vector_exact_mesh=v_exact,
        values_mesh=values_mesh,
        values_exact_mesh=values_exact_mesh,
        norm_matrix=norm.matrix,
        norm_scale=float(norm.scale),
        up=np.asarray(norm.up, dtype=np.float64),
        diag=float(np.linalg.norm(model_vertices.max(0) - model_vertices.min(0))),
        category=category,
        category_id=int(category_id),
        seed=int(seed),
        part_index=int(part_index),
        part_name=part_name,
    )
    if keep_mesh:
        sample.vertices, sample.faces, sample.face_labels = vertices, faces, face_labels
        sample.moving_faces = moving
    return sample


# ----------------------------------------------------------------------------- pieces


def _moving_mask(face_labels: np.ndarray, moving_part: Any) -> np.ndarray:
    """(F,) bool faces of the moving part; PartError if empty or everything."""
    arr = np.asarray(moving_part)
    if arr.dtype == bool:
        if arr.shape != face_labels.shape:
            raise PartError(f"moving face mask has shape {arr.shape}, expected {face_labels.shape}")
        mask = arr
    else:
        mask = np.isin(face_labels, arr.reshape(-1).astype(np.int64))
    if not mask.any():
        raise PartError(f"moving part {moving_part!r} has no faces")
    if mask.all():
        raise PartError(f"moving part {moving_part!r} is the whole object")
    return mask


def _room(
    joint: Joint, current: float, part_tri: np.ndarray, centroid: np.ndarray
) -> tuple[float, float, tuple[float, float] | None]:
    """How far the joint may move from ``current``: (down <= 0, up >= 0) and the known limits
    relative to ``current`` (None when unknown)."""
    if joint.limits is not None:
        lo, hi = float(joint.limits[0]) - current, float(joint.limits[1]) - current
        # A pose a hair outside its limits (rounding in a file) must not flip the room's sign.
        lo, hi = min(lo, 0.0), max(hi, 0.0)
        room_lo, room_hi = lo, hi
        rel: tuple[float, float] | None = (lo, hi)
    else:
        if joint.type == REVOLUTE:
            r = UNKNOWN_REVOLUTE_RANGE
        else:
            proj = (part_tri.reshape(-1, 3) - centroid) @ np.asarray(joint.axis)
            r = UNKNOWN_PRISMATIC_FRACTION * float(proj.max() - proj.min())
        room_lo, room_hi, rel = -r, r, None
    if joint.type == REVOLUTE:
        room_lo, room_hi = max(room_lo, -MAX_REVOLUTE_DELTA), min(room_hi, MAX_REVOLUTE_DELTA)
    return room_lo, room_hi, rel


def _drag_point(
    joint: Joint,
    grasp: np.ndarray | None,
    part_tri: np.ndarray,
    part_pts: np.ndarray,
    part_diag: float,
    rng: np.random.Generator,
    cfg: DragConfig,
) -> np.ndarray:
    """A point on the moving surface where a person would grab it, mesh coordinates (3,)."""
    if grasp is not None and len(grasp) and rng.random() < cfg.p_grasp:
        g = np.asarray(grasp, dtype=np.float64).reshape(-1, 3)
        q = g[rng.integers(len(g))] + rng.normal(0.0, cfg.grasp_jitter * part_diag, 3)
        return closest_point_on_triangles(part_tri, q)
    if joint.type == REVOLUTE:
        a, o = np.asarray(joint.axis), np.asarray(joint.origin)
        rel = part_pts - o
        dist = np.linalg.norm(rel - np.outer(rel @ a, a), axis=1)
        far = np.flatnonzero(dist >= 0.5 * dist.max())
        return part_pts[far[rng.integers(len(far))]].copy()
    return part_pts[rng.integers(len(part_pts))].copy()


def _draw_motion(
    joint: Joint,
    p: np.ndarray,
    room_lo: float,
    room_hi: float,
    limits_rel: tuple[float, float] | None,
    rng: np.random.Generator,
    cfg: DragConfig,
    part_diag: float,
) -> tuple[float, np.ndarray, np.ndarray, float]:
    """The motion and its drags: (delta, exact chord (3,), person's drag (3,), final value).

    ``final`` is the exact drag projection of the person's drag, clamped to the limits; it has the
    sign of ``delta`` (a person's drag never asks for the opposite motion)."""
    is_rev = joint.type == REVOLUTE
    tiny = np.deg2rad(cfg.min_revolute_deg) if is_rev else 1e-3 * part_diag
    can_up, can_down = room_hi > tiny, -room_lo > tiny
    if not (can_up or can_down):  # a joint with almost no room: use what there is
        if max(room_hi, -room_lo) <= 1e-9 * max(1.0, part_diag):
            raise DragError(f"the {joint.type} joint cannot move: its limits leave no room from the current value")
        can_up, can_down = room_hi >= -room_lo, room_hi < -room_lo
    if can_up and can_down:
        # Lean towards the side with more room (usually opening from closed) but do both.
        p_up = 0.5 * 0.5 + 0.5 * room_hi / (room_hi - room_lo)
        up = rng.random() < p_up
    else:
        up = can_up
    room = room_hi if up else -room_lo
    amp = room * rng.uniform(cfg.min_fraction, cfg.max_fraction)
    amp = min(max(amp, min(tiny, room)), room)
    delta = amp if up else -amp

    p_end = np.asarray(joint.apply(p[None], delta))[0]
    v_exact = p_end - p
    lo, hi = limits_rel if limits_rel is not None else (-np.inf, np.inf)
    if is_rev:
        lo, hi = max(lo, -np.pi), min(hi, np.pi)
    for _ in range(16):
        v_person = perturb_drag(v_exact, rng, cfg.max_drag_angle, cfg.length_range)
        final = float(np.clip(joint.drag_value(p, v_person, clamp=False), lo, hi))
        if final * delta > 0.0:
            return delta, v_exact, v_person, final
    return delta, v_exact, v_exact.copy(), delta


def perturb_drag(
    v: np.ndarray,
    rng: np.random.Generator,
    max_angle_deg: float = 20.0,
    length_range: tuple[float, float] = (0.6, 1.4),
) -> np.ndarray:
    """A person's version of drag vector v (3,): direction turned by U(0, max_angle) about a random
    axis perpendicular to v, length scaled by U(*length_range)."""
    v = np.asarray(v, dtype=np.float64)
    n = float(np.linalg.norm(v))
    if n == 0.0:
        return v.copy()
    d = v / n
    r = rng.normal(size=3)
    perp = r - d * float(r @ d)
    pn = float(np.linalg.norm(perp))
    perp = perp / pn if pn > 1e-12 else np.array([1.0, 0.0, 0.0])
    ang = np.deg2rad(rng.uniform(0.0, max_angle_deg))
    return (np.cos(ang) * d + np.sin(ang) * perp) * n * rng.uniform(*length_range)
