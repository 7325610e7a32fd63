"""The one-parameter joint motions: revolute hinges and prismatic slides.

Conventions (those of docs/architecture.md), stated once for the whole file:

- A joint is (type, axis a (unit), origin o, limits (lower, upper) or None).
- Revolute by angle theta (radians, right-handed about a): x ↦ R(a, theta)(x - o) + o.
- Prismatic by d (a length): x ↦ x + d a. The origin of a prismatic joint is any point,
  conventionally on the moving part.
- Motions are unit dual quaternions (..., 8) as in :mod:`dragmesh.geometry.dualquat`.

The torch functions take `is_revolute` as a bool tensor (...) (or a Python bool), axes (..., 3),
origins (..., 3) and values (...); all broadcast together, keep the float dtype of `axis` and are
differentiable. Axes are normalised inside, so a raw network output can be passed.

:class:`Joint` is the NumPy-facing (float64) form that the rest of the program passes around; it
validates its fields once, when it is made, and raises :class:`dragmesh.errors.InputError`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from dragmesh.errors import DragError, InputError
from dragmesh.geometry.dualquat import (
    _cross,
    _divisor,
    _safe_atan2,
    _safe_norm,
    _small,
    _t,
    axis_angle_to_quat,
    dq_apply,
    dq_from_matrix,
    dq_to_matrix,
    quat_apply,
    quat_multiply,
)

REVOLUTE = "revolute"
PRISMATIC = "prismatic"
JOINT_TYPES = (REVOLUTE, PRISMATIC)


def _unit(axis: torch.Tensor) -> torch.Tensor:
    return axis / _divisor(_safe_norm(axis, keepdim=True))


def _dot(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return (a * b).sum(dim=-1)


def _flag(is_revolute, like: torch.Tensor) -> torch.Tensor:
    return torch.as_tensor(is_revolute, dtype=torch.bool, device=like.device)


def joint_dq(is_revolute, axis: torch.Tensor, origin: torch.Tensor, value) -> torch.Tensor:
    """Unit dual quaternions (..., 8) of joints moved by `value` (...).

    is_revolute: bool (...); axis, origin: (..., 3); value: radians (revolute) or lengths
    (prismatic). A revolute joint gives the rotation about the line (o, a):
    qr = (cos(theta/2), sin(theta/2) a), t = o - R o; a prismatic one the translation d a.
    """
    a = _unit(axis)
    value = torch.as_tensor(value, dtype=a.dtype, device=a.device)
    rev = _flag(is_revolute, a)[..., None]

    qr_rev = axis_angle_to_quat(a, value)
    t_rev = origin - quat_apply(qr_rev, origin)
    qr_pri = torch.zeros_like(qr_rev)
    qr_pri[..., 0] = 1
    t_pri = value[..., None] * a

    qr = torch.where(rev, qr_rev, qr_pri)
    t = torch.where(rev, t_rev, t_pri)
    qr, t = torch.broadcast_tensors(qr, torch.cat([torch.zeros_like(t[..., :1]), t], dim=-1))
    return torch.cat([qr, 0.5 * quat_multiply(t, qr)], dim=-1)


def revolute_drag_angle(
    axis: torch.Tensor, origin: torch.Tensor, point: torch.Tensor, vector: torch.Tensor
) -> torch.Tensor:
    """Signed angle (...) about the line (origin, axis) bringing `point` nearest `point + vector`.

    axis, origin, point, vector: (..., 3). With r = p - o and r' = p + v - o projected onto the
    plane ⟂ a, the distance |R(a, theta) r - r'| is smallest at
    theta = atan2(a·(r × r'), r·r').
    It is the global minimiser, so the point never ends farther from the target than it started.
    Where r or r' is (nearly) on the axis the drag says nothing about the angle: 0 is returned.
    """
    a = _unit(axis)
    r = point - origin
    r2 = r + vector
    r_perp = r - _dot(r, a)[..., None] * a
    r2_perp = r2 - _dot(r2, a)[..., None] * a
    # Relative to the lever arms, plus the rounding of p - o, below which r⊥ is noise.
    lever = _safe_norm(r) + _safe_norm(r2)
    rounding = _safe_norm(point) + _safe_norm(origin) + _safe_norm(vector)
    finfo = torch.finfo(a.dtype)
    eps = _small(a.dtype) * lever + 8 * finfo.eps * rounding + finfo.tiny
    degenerate = (_safe_norm(r_perp) <= eps) | (_safe_norm(r2_perp) <= eps)
    y = _dot(a, _cross(r_perp, r2_perp))
    x = _dot(r_perp, r2_perp)
    return _safe_atan2(y, x, degenerate)


def _np_drag_value(is_revolute: bool, axis: np.ndarray, origin: np.ndarray, point: np.ndarray,
                   vector: np.ndarray) -> np.ndarray:
    """:func:`drag_to_value` of one joint in NumPy (float64; the same formulas and degenerate
    cases), for :meth:`Joint.drag_value`: a hot path of the data generator and of inference."""
    a = axis / max(float(np.linalg.norm(axis)), np.finfo(np.float64).tiny)
    if not is_revolute:
        return vector @ a
    r = point - origin
    r2 = r + vector
    r_perp = r - (r @ a)[..., None] * a
    r2_perp = r2 - (r2 @ a)[..., None] * a
    norm = lambda x: np.linalg.norm(x, axis=-1)
    info = np.finfo(np.float64)
    eps = info.eps ** 0.5 * (norm(r) + norm(r2)) + 8 * info.eps * (norm(point) + norm(origin) + norm(vector)) + info.tiny
    degenerate = (norm(r_perp) <= eps) | (norm(r2_perp) <= eps)
    y = np.cross(r_perp, r2_perp) @ a
    x = (r_perp * r2_perp).sum(-1)
    return np.where(degenerate, 0.0, np.arctan2(np.where(degenerate, 0.0, y), np.where(degenerate, 1.0, x)))


def drag_to_value(
    is_revolute, axis: torch.Tensor, origin: torch.Tensor, point: torch.Tensor, vector: torch.Tensor
) -> torch.Tensor:
    """Joint values (...) that best realise the drags (point (..., 3), vector (..., 3)).

    Prismatic: v·a, the length of the drag along the axis. Revolute: the signed angle about the
    axis line that brings p closest to p + v (see :func:`revolute_drag_angle`). Not clamped.
    """
    a = _unit(axis)
    rev = _flag(is_revolute, a)
    return torch.where(rev, revolute_drag_angle(a, origin, point, vector), _dot(vector, a))


def _twist_angle(a: torch.Tensor, qr: torch.Tensor) -> torch.Tensor:
    """Angle (...) in [-pi, pi] of the twist of rotations qr (..., 4) about unit axes a (..., 3).

    The twist (cos(theta/2), sin(theta/2) a) is the rotation about a nearest qr; for a rotation
    about a itself it is exact. 0 where qr has no component about a (a half turn about a ⟂ axis).
    """
    sign = torch.where(qr[..., :1] < 0, -torch.ones_like(qr[..., :1]), torch.ones_like(qr[..., :1]))
    qr = qr * sign
    y, x = _dot(a, qr[..., 1:]), qr[..., 0]
    degenerate = torch.hypot(y, x) <= _small(qr.dtype) * _safe_norm(qr)
    return 2 * _safe_atan2(y, x, degenerate)


def project_dq_to_value(
    is_revolute,
    axis: torch.Tensor,
    origin: torch.Tensor,
    dq: torch.Tensor,
    points: torch.Tensor | None = None,
) -> torch.Tensor:
    """Joint values (...) whose motions are nearest the rigid motions dq (..., 8).

    Without `points`:
      revolute: the twist angle of qr about a, 2 atan2(a·q_xyz, q_w), in [-pi, pi] (the rotation
        about a nearest the motion's rotation; the translation is ignored);
      prismatic: the displacement of the joint origin along a, (T(o) - o)·a. The origin of a
        prismatic joint is conventionally on the part, so this is the motion of a point of the part.
    With `points` (..., N, 3), the part's points, the value minimises the mean squared distance
    between the joint-moved and the dq-moved points, in closed form:
      prismatic: mean((T(x) - x)·a);
      revolute: with r = x - o, y = T(x) - o, theta = atan2(sum a·(r × y), sum (r⊥·y⊥));
        if the points give no information (all on the axis), the twist angle is used.
    Both are exact for exact joint motions (revolute values within (-pi, pi)).
    """
    a = _unit(axis)
    rev = _flag(is_revolute, a)
    qr = dq[..., :4]
    twist = _twist_angle(a, qr)
    if points is None:
        o = origin[..., None, :]
        slide = _dot(dq_apply(dq, o)[..., 0, :] - origin, a)
        return torch.where(rev, twist, slide)

    moved = dq_apply(dq, points)  # (..., N, 3)
    a_n = a[..., None, :]
    slide = _dot(moved - points, a_n).mean(dim=-1)
    r = points - origin[..., None, :]
    y = moved - origin[..., None, :]
    r_perp = r - _dot(r, a_n)[..., None] * a_n
    y_perp = y - _dot(y, a_n)[..., None] * a_n
    sin_sum = _dot(a_n, _cross(r_perp, y_perp)).mean(dim=-1)
    cos_sum = _dot(r_perp, y_perp).mean(dim=-1)
    spread = (_safe_norm(r_perp) * _safe_norm(y_perp)).mean(dim=-1)
    cutoff = _small(a.dtype) * spread + torch.finfo(a.dtype).tiny
    degenerate = torch.hypot(sin_sum, cos_sum) <= cutoff
    fitted = torch.where(degenerate, twist, _safe_atan2(sin_sum, cos_sum, degenerate))
    return torch.where(rev, fitted, slide)


# ----------------------------------------------------------------------------------------------
# NumPy-facing joint
# ----------------------------------------------------------------------------------------------


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

    def _torch(self):
        return _t(self.axis), _t(self.origin)

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
        # joint_dq in NumPy (the same formulas): one joint at many values is the data generator's
        # and the pipeline's hot path, where torch's per-call overhead dominated.
        a = self.axis / max(float(np.linalg.norm(self.axis)), 1e-12)
        shape = v.shape
        v = v.reshape(-1)
        if self.is_revolute:
            half = 0.5 * v
            qw, qv = np.cos(half), np.sin(half)[:, None] * a
            c, s_ = np.cos(v)[:, None], np.sin(v)[:, None]
            o = self.origin
            rotated = o * c + np.cross(a, o) * s_ + a * (a @ o) * (1.0 - c)  # Rodrigues: R o
            t = o - rotated
        else:
            qw, qv = np.ones_like(v), np.zeros((len(v), 3))
            t = v[:, None] * a
        # dual part 0.5 (0, t) (x) (qw, qv) = 0.5 (-t.qv, qw t + t x qv)
        dual_w = -0.5 * np.einsum("ij,ij->i", t, qv)
        dual_v = 0.5 * (qw[:, None] * t + np.cross(t, qv))
        out = np.concatenate([qw[:, None], qv, dual_w[:, None], dual_v], axis=1)
        return out.reshape(shape + (8,))

    def transforms(self, values) -> np.ndarray:
        """4x4 rigid transforms (T, 4, 4) of the joint at values (T,); a scalar gives (4, 4).

        Rodrigues' formula in NumPy: callers pose meshes with it in hot loops (data generation,
        the viewer), where a round trip through torch costs a millisecond per call.
        """
        v = self._values(values)
        a, o = self.axis, self.origin
        T = np.zeros(v.shape + (4, 4))
        T[..., 3, 3] = 1.0
        if self.is_revolute:
            c, s = np.cos(v)[..., None, None], np.sin(v)[..., None, None]
            K = np.array([[0.0, -a[2], a[1]], [a[2], 0.0, -a[0]], [-a[1], a[0], 0.0]])
            R = c * np.eye(3) + s * K + (1.0 - c) * np.outer(a, a)
            T[..., :3, :3] = R
            T[..., :3, 3] = o - R @ o
        else:
            T[..., :3, :3] = np.eye(3)
            T[..., :3, 3] = v[..., None] * a
        return T

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
        value = _np_drag_value(self.is_revolute, self.axis, self.origin, p, v)
        value = float(value) if value.ndim == 0 else value
        return self.clamp(value) if clamp else value

    def project(self, motion, points=None, clamp: bool = False):
        """Nearest joint values to rigid motions: dq (8,) / (T, 8) or matrices (4, 4) / (T, 4, 4).

        points (N, 3), optional: the part's points; the value then minimises their mean squared
        displacement from the given motion (see :func:`project_dq_to_value`). Returns a float for
        one motion, (T,) for several; clamped to the limits when clamp is True.
        """
        m = np.asarray(motion, dtype=np.float64)
        if m.shape[-1:] == (8,):
            dq = _t(m)
        elif m.shape[-2:] == (4, 4):
            dq = dq_from_matrix(_t(m))
        else:
            raise InputError(f"a motion must have shape (..., 8) or (..., 4, 4), got {m.shape}")
        if not torch.isfinite(dq).all():
            raise InputError("motions must be finite")
        pts = None if points is None else _t(_points("points", points))
        a, o = self._torch()
        value = project_dq_to_value(self.is_revolute, a, o, dq, pts).numpy()
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
        return Joint(self.type, -self.axis, self.origin.copy(), limits)

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
