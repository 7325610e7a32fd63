"""The one-parameter joint motions, revolute hinges and prismatic slides, in NumPy (float64).

Conventions (those of docs/architecture.md), stated once for the whole file:

- A joint is (type, axis a (unit), origin o, limits (lower, upper) or None).
- Revolute by angle theta (radians, right-handed about a): x ↦ R(a, theta)(x - o) + o.
- Prismatic by d (a length): x ↦ x + d a. The origin of a prismatic joint is any point,
  conventionally on the moving part.
- Motions are 4x4 transforms or unit dual quaternions (..., 8), (qr, qd) with
  qd = 0.5 (0, t) ⊗ qr, as in :mod:`dragmesh.geometry.dualquat`.

:class:`Joint` is the form the rest of the program passes around; it validates its fields once,
when it is made, and raises :class:`dragmesh.errors.InputError`. This module imports no torch: the
batched, differentiable joint motions the models train with are in :mod:`dragmesh.geometry.dualquat`
(``joint_dq``, ``drag_to_value``, ``project_dq_to_value``), with the same formulas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dragmesh.errors import DragError, InputError
from dragmesh.geometry.rotations import axis_angle_matrix, cross, matrix_to_quat, quat_multiply, quat_to_matrix, rotate

REVOLUTE = "revolute"
PRISMATIC = "prismatic"
JOINT_TYPES = (REVOLUTE, PRISMATIC)

_EPS = np.finfo(np.float64).eps
_TINY = np.finfo(np.float64).tiny
# Below sqrt(eps) of its scale a sine or a lever arm counts as zero: a null rotation, a point on
# the axis (the threshold of the torch functions in float64).
_SMALL = _EPS ** 0.5


def _norm(x: np.ndarray) -> np.ndarray:
    return np.linalg.norm(x, axis=-1)


def _drag_values(is_revolute: bool, axis: np.ndarray, origin: np.ndarray, point: np.ndarray,
                 vector: np.ndarray) -> np.ndarray:
    """Joint values (...) that best realise drags of `point` (..., 3) by `vector` (..., 3), about
    or along `axis` and through `origin`, (3,) each or one per drag (..., 3).

    Prismatic: v·a. Revolute: with r = p - o and r' = p + v - o projected onto the plane ⟂ a,
    theta = atan2(a·(r⊥ × r'⊥), r⊥·r'⊥), the global minimiser of |R(a, theta) r - r'|, so the point
    never ends farther from the target than it started; 0 where r or r' is (nearly) on the axis,
    relative to the lever arms plus the rounding of p - o.
    """
    # One axis: its norm and matrix products, whose rounding the recorded training data carry; one
    # per drag: the same row by row.
    if np.ndim(axis) == 1:
        a = axis / max(float(np.linalg.norm(axis)), _TINY)
        dot = lambda x: x @ a
    else:
        a = axis / np.maximum(_norm(axis), _TINY)[..., None]
        dot = lambda x: (x * a).sum(-1)
    if not is_revolute:
        return dot(vector)
    r = point - origin
    r2 = r + vector
    r_perp = r - dot(r)[..., None] * a
    r2_perp = r2 - dot(r2)[..., None] * a
    eps = _SMALL * (_norm(r) + _norm(r2)) + 8 * _EPS * (_norm(point) + _norm(origin) + _norm(vector)) + _TINY
    degenerate = (_norm(r_perp) <= eps) | (_norm(r2_perp) <= eps)
    y = dot(cross(r_perp, r2_perp))
    x = (r_perp * r2_perp).sum(-1)
    return np.where(degenerate, 0.0, np.arctan2(np.where(degenerate, 0.0, y), np.where(degenerate, 1.0, x)))


def _twist_angle(a: np.ndarray, qr: np.ndarray) -> np.ndarray:
    """Angle (...) in [-pi, pi] of the twist of rotations qr (..., 4) about the unit axis a (3,).

    The twist (cos(theta/2), sin(theta/2) a) is the rotation about a nearest qr; for a rotation
    about a itself it is exact. 0 where qr has no component about a (a half turn about a ⟂ axis).
    """
    qr = np.where(qr[..., :1] < 0, -qr, qr)
    y, x = qr[..., 1:] @ a, qr[..., 0]
    degenerate = np.hypot(y, x) <= _SMALL * _norm(qr)
    return np.where(degenerate, 0.0, 2 * np.arctan2(np.where(degenerate, 0.0, y), np.where(degenerate, 1.0, x)))


def _project(is_revolute: bool, a: np.ndarray, o: np.ndarray, qr: np.ndarray, R: np.ndarray, t: np.ndarray,
             points: np.ndarray | None) -> np.ndarray:
    """Joint values (...) whose motions are nearest the rigid motions x ↦ R x + t.

    a, o: the joint's unit axis and origin (3,); qr (..., 4) the rotations as quaternions, R
    (..., 3, 3) as matrices, t (..., 3) the translations. Without `points`: revolute, the twist
    angle of qr about a (the translation is ignored); prismatic, the displacement of the origin
    along a. With `points` (N, 3), the part's points, the value minimises the mean squared distance
    between the joint-moved and the given-moved points, in closed form:
      prismatic: mean((T(x) - x)·a);
      revolute: with r = x - o, y = T(x) - o, theta = atan2(sum a·(r⊥ × y⊥), sum r⊥·y⊥); where the
        points give no information (all on the axis), the twist angle.
    Both are exact for exact joint motions (revolute values within (-pi, pi)).
    """
    twist = _twist_angle(a, qr)
    if points is None:
        slide = (np.einsum("...ij,j->...i", R, o) + t - o) @ a
        return twist if is_revolute else slide
    moved = np.einsum("...ij,nj->...ni", R, points) + t[..., None, :]  # (..., N, 3)
    if not is_revolute:
        return ((moved - points) @ a).mean(axis=-1)
    r = points - o
    y = moved - o
    r_perp = r - (r @ a)[..., None] * a
    y_perp = y - (y @ a)[..., None] * a
    sin_sum = (cross(r_perp, y_perp) @ a).mean(axis=-1)
    cos_sum = (r_perp * y_perp).sum(-1).mean(axis=-1)
    spread = (_norm(r_perp) * _norm(y_perp)).mean(axis=-1)
    degenerate = np.hypot(sin_sum, cos_sum) <= _SMALL * spread + _TINY
    fitted = np.arctan2(np.where(degenerate, 0.0, sin_sum), np.where(degenerate, 1.0, cos_sum))
    return np.where(degenerate, twist, fitted)


def _vector3(name: str, value) -> np.ndarray:
    try:
        v = np.array(value, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise InputError(f"joint {name} must be 3 numbers, got {value!r}") from exc
    if v.shape != (3,):
        raise InputError(f"joint {name} must be 3 numbers, got {v.size}")
    if not np.all(np.isfinite(v)):
        raise InputError(f"joint {name} must be finite, got {v.tolist()}")
    return v


def _points(name: str, value, error=InputError) -> np.ndarray:
    v = np.asarray(value, dtype=np.float64)
    if v.ndim == 0 or v.shape[-1] != 3:
        raise error(f"{name} must have shape (..., 3), got {v.shape}")
    if not np.all(np.isfinite(v)):
        raise error(f"{name} must be finite")
    return v


@dataclass(eq=False)
class Joint:
    """A joint in NumPy float64: type, unit axis (3,), origin (3,), limits (lower, upper) or None.

    Limits are radians (revolute) or lengths (prismatic), in the frame of axis and origin; None
    means unknown. The axis is normalised on construction; invalid fields raise InputError.
    """

    type: str
    axis: np.ndarray
    origin: np.ndarray
    limits: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        kind = self.type.strip().lower() if isinstance(self.type, str) else self.type
        if kind not in JOINT_TYPES:
            raise InputError(f"joint type must be 'revolute' or 'prismatic', got {self.type!r}")
        self.type = kind
        axis = _vector3("axis", self.axis)
        norm = float(np.linalg.norm(axis))
        if norm < 1e-12:
            raise InputError(f"joint axis must be a non-zero vector, got {axis.tolist()}")
        self.axis = axis / norm
        self.origin = _vector3("origin", self.origin)
        if self.limits is not None:
            try:
                lower, upper = (float(x) for x in self.limits)
            except (TypeError, ValueError) as exc:
                raise InputError(
                    f"joint limits must be (lower, upper) or None, got {self.limits!r}"
                ) from exc
            if not (math.isfinite(lower) and math.isfinite(upper)):
                raise InputError(f"joint limits must be finite, got ({lower}, {upper})")
            if lower > upper:
                raise InputError(f"joint limits must have lower <= upper, got ({lower}, {upper})")
            self.limits = (lower, upper)

    # -- basics ------------------------------------------------------------------------------

    @property
    def is_revolute(self) -> bool:
        return self.type == REVOLUTE

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Joint):
            return NotImplemented
        return (
            self.type == other.type
            and np.array_equal(self.axis, other.axis)
            and np.array_equal(self.origin, other.origin)
            and self.limits == other.limits
        )

    def isclose(self, other: "Joint", atol: float = 1e-9) -> bool:
        """True when other has the same type and limits, axes and origins equal within atol."""
        same_limits = (self.limits is None) == (other.limits is None) and (
            self.limits is None or np.allclose(self.limits, other.limits, rtol=0, atol=atol)
        )
        return (
            self.type == other.type
            and same_limits
            and np.allclose(self.axis, other.axis, rtol=0, atol=atol)
            and np.allclose(self.origin, other.origin, rtol=0, atol=atol)
        )

    def clamp(self, value):
        """Values (float or array) clipped to the limits; unchanged when the limits are unknown."""
        if self.limits is None:
            return value
        out = np.clip(value, *self.limits)
        return float(out) if np.ndim(out) == 0 else out

    @staticmethod
    def _values(values) -> np.ndarray:
        """Joint values as float64, checked finite."""
        v = np.asarray(values, dtype=np.float64)
        if not np.all(np.isfinite(v)):
            raise InputError("joint values must be finite")
        return v

    # -- motions -----------------------------------------------------------------------------

    def dual_quaternions(self, values) -> np.ndarray:
        """Unit dual quaternions (T, 8) of the joint at values (T,); a scalar value gives (8,).

        Signs follow the value continuously (w < 0 for |theta| > pi), as interpolation wants.
        """
        v = self._values(values)
        a = self.axis / max(float(np.linalg.norm(self.axis)), 1e-12)
        shape = v.shape
        v = v.reshape(-1)
        if self.is_revolute:
            half = 0.5 * v
            qw, qv = np.cos(half), np.sin(half)[:, None] * a
            t = self.origin - rotate(self.origin, a, v)
        else:
            qw, qv = np.ones_like(v), np.zeros((len(v), 3))
            t = v[:, None] * a
        # dual part 0.5 (0, t) (x) (qw, qv) = 0.5 (-t.qv, qw t + t x qv)
        dual_w = -0.5 * np.einsum("ij,ij->i", t, qv)
        dual_v = 0.5 * (qw[:, None] * t + cross(t, qv))
        out = np.concatenate([qw[:, None], qv, dual_w[:, None], dual_v], axis=1)
        return out.reshape(shape + (8,))

    def transforms(self, values) -> np.ndarray:
        """4x4 rigid transforms (T, 4, 4) of the joint at values (T,); a scalar gives (4, 4)."""
        v = self._values(values)
        a, o = self.axis, self.origin
        T = np.zeros(v.shape + (4, 4))
        T[..., 3, 3] = 1.0
        if self.is_revolute:
            R = axis_angle_matrix(a, v)
            T[..., :3, :3] = R
            T[..., :3, 3] = o - R @ o
        else:
            T[..., :3, :3] = np.eye(3)
            T[..., :3, 3] = v[..., None] * a
        return T

    def poses(self, points, values) -> np.ndarray:
        """Points (N, 3) moved by the joint at each of values (K,): (K, N, 3). Rodrigues on the
        points themselves (:func:`~dragmesh.geometry.rotations.rotate`, no 4x4 matrices), for
        sweeping many poses at once; values unchecked."""
        p = np.asarray(points, dtype=np.float64)
        v = np.asarray(values, dtype=np.float64).reshape(-1, 1)
        if not self.is_revolute:
            return p[None] + v[..., None] * self.axis
        return self.origin + rotate(p - self.origin, self.axis, v)

    def transform(self, value: float) -> np.ndarray:
        """4x4 rigid transform (4, 4) of the joint at one value."""
        return self.transforms(float(value))

    def apply(self, points, value: float) -> np.ndarray:
        """Points (N, 3) moved by the joint at one value; returns (N, 3)."""
        p = _points("points", points)
        T = self.transform(value)
        return p @ T[:3, :3].T + T[:3, 3]

    # -- drags and projection ----------------------------------------------------------------

    def drag_value(self, point, vector, clamp: bool = True):
        """Joint value that best realises a drag of `point` (3,) by `vector` (3,).

        Prismatic: v·a; revolute: the signed angle that brings p nearest p + v. Clamped to the
        limits when clamp is True and the limits are known. Batched (N, 3) inputs give (N,).
        """
        p = _points("drag point", point, DragError)
        v = _points("drag vector", vector, DragError)
        value = _drag_values(self.is_revolute, self.axis, self.origin, p, v)
        value = float(value) if value.ndim == 0 else value
        return self.clamp(value) if clamp else value

    def project(self, motion, points=None, clamp: bool = False):
        """Nearest joint values to rigid motions: dq (8,) / (T, 8) or matrices (4, 4) / (T, 4, 4).

        points (N, 3), optional: the part's points; the value then minimises their mean squared
        displacement from the given motion (see :func:`_project`). Returns a float for one motion,
        (T,) for several; clamped to the limits when clamp is True.
        """
        m = np.asarray(motion, dtype=np.float64)
        if m.shape[-1:] != (8,) and m.shape[-2:] != (4, 4):
            raise InputError(f"a motion must have shape (..., 8) or (..., 4, 4), got {m.shape}")
        if not np.all(np.isfinite(m)):
            raise InputError("motions must be finite")
        if m.shape[-1:] == (8,):
            unit = m / _norm(m[..., :4])[..., None]
            qr, qd = unit[..., :4], unit[..., 4:]
            R, t = quat_to_matrix(qr), 2 * quat_multiply(qd, qr * [1.0, -1.0, -1.0, -1.0])[..., 1:]
        else:
            R, t = m[..., :3, :3], m[..., :3, 3]
            qr = matrix_to_quat(R)
        pts = None if points is None else _points("points", points)
        value = _project(self.is_revolute, self.axis, self.origin, qr, R, t, pts)
        value = float(value) if value.ndim == 0 else value
        return self.clamp(value) if clamp else value

    # -- frames ------------------------------------------------------------------------------

    def transformed(self, T) -> "Joint":
        """This joint expressed in a new frame, x' = T x, for a similarity T (4, 4).

        T = [[s R, t], [0, 1]] with R a rotation and s > 0 a uniform scale. The axis is rotated,
        the origin transformed; prismatic limits scale by s, revolute limits are unchanged, so
        T ∘ joint(v) ∘ T⁻¹ = joint'(v) (revolute) or joint'(s v) (prismatic).
        """
        T = np.asarray(T, dtype=np.float64)
        if T.shape != (4, 4) or not np.all(np.isfinite(T)):
            raise InputError(f"a frame change must be a finite 4x4 matrix, got shape {T.shape}")
        M = T[:3, :3]
        det = float(np.linalg.det(M))
        if det <= 0:
            raise InputError("a frame change must preserve handedness (det > 0); got a reflection")
        s = det ** (1.0 / 3.0)
        if not np.allclose(M.T @ M, s * s * np.eye(3), rtol=0, atol=1e-6 * s * s):
            raise InputError("a frame change must be a rotation, translation and uniform scale")
        limits = self.limits
        if limits is not None and not self.is_revolute:
            limits = (limits[0] * s, limits[1] * s)
        return Joint(self.type, (M / s) @ self.axis, M @ self.origin + T[:3, 3], limits)

    def flipped(self) -> "Joint":
        """The same joint with the axis negated: values negate, limits swap and negate."""
        limits = None if self.limits is None else (-self.limits[1], -self.limits[0])
        joint = Joint(self.type, -self.axis, self.origin.copy(), limits)
        joint.axis = -self.axis  # exactly: normalising a unit axis again may move it by a rounding step
        return joint

    # -- serialisation -----------------------------------------------------------------------

    def to_dict(self) -> dict:
        """JSON-safe dict: type, axis [3], origin [3], limits [lower, upper] or None."""
        return {
            "type": self.type,
            "axis": [float(x) for x in self.axis],
            "origin": [float(x) for x in self.origin],
            "limits": None if self.limits is None else [float(x) for x in self.limits],
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Joint":
        """Joint from a dict as written by to_dict (limits may be missing or None)."""
        if not isinstance(d, dict):
            raise InputError(f"a joint must be a mapping, got {type(d).__name__}")
        missing = [k for k in ("type", "axis", "origin") if k not in d]
        if missing:
            raise InputError(f"joint is missing {', '.join(missing)}")
        return cls(d["type"], d["axis"], d["origin"], d.get("limits"))


def drag_landing(joints, point, vector) -> tuple[np.ndarray, np.ndarray]:
    """How well each joint can make one drag: the value that best realises the drag of `point`
    (3,) by `vector` (3,) (:meth:`Joint.drag_value`, unclamped) and the residual |p' - (p + v)| /
    |v| where that value leaves the point: 0 for a drag the joint makes exactly, about 1 for one it
    cannot follow at all. Returns (values (K,), residuals (K,)) for the K `joints`, computed for
    all of them at once."""
    p = np.asarray(point, dtype=np.float64)
    v = np.asarray(vector, dtype=np.float64)
    if not joints:
        return np.zeros(0), np.zeros(0)
    hinge = np.array([j.is_revolute for j in joints])
    axes = np.array([j.axis for j in joints])
    origins = np.array([j.origin for j in joints])
    values = np.where(hinge, _drag_values(True, axes, origins, p, v), _drag_values(False, axes, origins, p, v))
    turned = origins + rotate(p - origins, axes, values)
    moved = np.where(hinge[:, None], turned, p + values[:, None] * axes)
    return values, np.linalg.norm(moved - (p + v), axis=1) / max(float(np.linalg.norm(v)), 1e-12)


def canonical_origin(joint: Joint, centroid) -> Joint:
    """The same joint line with the conventional origin for a part whose area centroid is
    ``centroid`` (3,): revolute, the point of the axis line nearest the centroid; prismatic (where
    any origin moves the part the same), the centroid itself.

    The data generator and the pipeline both place origins this way, so a predicted joint and a
    training sample's joint are the same numbers for the same motion.
    """
    # Normalised once more, as the training data were made (the last bit of the axis can move).
    a = joint.axis / np.linalg.norm(joint.axis)
    if joint.type == REVOLUTE:
        origin = joint.origin + a * float((centroid - joint.origin) @ a)
    else:
        origin = np.asarray(centroid, dtype=np.float64)
    return Joint(joint.type, a, origin, joint.limits)
