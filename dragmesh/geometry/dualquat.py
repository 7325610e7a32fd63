"""Quaternions, unit dual quaternions and joint motions for the models, as plain torch functions.

Conventions, stated once for the whole file:

- A quaternion is a tensor of shape (..., 4) with the real part first: (w, x, y, z).
- Rotation matrices act on column vectors: a point x moves to R @ x.
- A rigid transform (R, t) maps x to R x + t. Its unit dual quaternion is a tensor of shape (..., 8)
  packing (qr, qd): qr = q(R) in [..., :4], qd = 0.5 * (0, t) ⊗ qr in [..., 4:].
  dq and -dq are the same motion; the canonical sign has w(qr) >= 0.
- A 4x4 transform is [[R, t], [0, 0, 0, 1]].
- A screw motion is a rotation by `angle` (radians) about a line (unit `axis` through a point)
  followed by a translation `d_along_axis` (a length, not the classical pitch d / angle) along it.
- A joint is as in :mod:`dragmesh.geometry.joints` (revolute by theta: x ↦ R(a, theta)(x - o) + o;
  prismatic by d: x ↦ x + d a); here it is batched as tensors: `is_revolute` (...) bool, axes
  (..., 3), origins (..., 3), values (...).

Every function broadcasts over leading dimensions, keeps the dtype (float32 or float64) and device
of its inputs, and is differentiable. Where a formula is singular at zero rotation (axis of a
null rotation, ratios like angle / sin(angle)), the singular branch is replaced by its limit or a
Taylor series and fed safe inputs, so gradients stay finite there.

The ``np_*`` wrappers take and return float64 NumPy arrays. The NumPy kinematics that needs no
gradients (the :class:`~dragmesh.geometry.joints.Joint` the program passes around, rotations) is in
:mod:`dragmesh.geometry.joints` and :mod:`dragmesh.geometry.rotations`, which import no torch.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch

# ----------------------------------------------------------------------------------------------
# Small numerical helpers
# ----------------------------------------------------------------------------------------------


def _small(dtype: torch.dtype) -> float:
    """Threshold below which sin(half angle) counts as a null rotation: sqrt(machine epsilon)."""
    return float(torch.finfo(dtype).eps) ** 0.5


def _safe_norm(x: torch.Tensor, dim: int = -1, keepdim: bool = False) -> torch.Tensor:
    """Euclidean norm, 0 at x = 0 with a zero (not NaN) gradient there."""
    n2 = (x * x).sum(dim=dim, keepdim=keepdim)
    pos = n2 > torch.finfo(x.dtype).tiny
    root = torch.sqrt(torch.where(pos, n2, torch.ones_like(n2)))
    return torch.where(pos, root, torch.zeros_like(n2))


def _divisor(n: torch.Tensor) -> torch.Tensor:
    """Norms n made safe to divide by (a zero vector divided by it stays zero)."""
    return n.clamp_min(torch.finfo(n.dtype).tiny)


def _safe_atan2(y: torch.Tensor, x: torch.Tensor, degenerate: torch.Tensor) -> torch.Tensor:
    """atan2(y, x), replaced by 0 where `degenerate`, with finite gradients there."""
    ys = torch.where(degenerate, torch.zeros_like(y), y)
    xs = torch.where(degenerate, torch.ones_like(x), x)
    return torch.where(degenerate, torch.zeros_like(y), torch.atan2(ys, xs))


def _series_where(h: torch.Tensor, exact, series) -> torch.Tensor:
    """exact(h) where |h| is large enough, else series(h); exact() only ever sees safe arguments.

    The cut-off eps^(1/8) (0.011 in float64, 0.14 in float32) balances the cancellation error of
    the exact forms (~eps / h^2) against the truncation of the series (~h^6).
    """
    near = h.abs() <= float(torch.finfo(h.dtype).eps) ** 0.125
    h_safe = torch.where(near, torch.ones_like(h), h)
    return torch.where(near, series(h), exact(h_safe))


def _sinc(h: torch.Tensor) -> torch.Tensor:
    """sin(h) / h, equal to 1 at h = 0."""
    return _series_where(
        h, lambda x: torch.sin(x) / x, lambda x: 1 - x**2 / 6 + x**4 / 120 - x**6 / 5040
    )


def _h_over_sin(h: torch.Tensor) -> torch.Tensor:
    """h / sin(h) for |h| <= pi / 2, equal to 1 at h = 0."""
    return _series_where(
        h, lambda x: x / torch.sin(x), lambda x: 1 + x**2 / 6 + 7 * x**4 / 360 + 31 * x**6 / 15120
    )


def _log_coeff(h: torch.Tensor) -> torch.Tensor:
    """(h cos h / sin h - 1) / sin^2 h for |h| <= pi / 2, equal to -1/3 at h = 0."""
    return _series_where(
        h,
        lambda x: (x * torch.cos(x) / torch.sin(x) - 1) / torch.sin(x) ** 2,
        lambda x: -1.0 / 3 - 2 * x**2 / 15 - 2 * x**4 / 63,
    )


def _exp_coeff(h: torch.Tensor) -> torch.Tensor:
    """(cos h - sin h / h) / h^2, equal to -1/3 at h = 0."""
    return _series_where(
        h,
        lambda x: (torch.cos(x) - torch.sin(x) / x) / (x * x),
        lambda x: -1.0 / 3 + x**2 / 30 - x**4 / 840,
    )


def _cross(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Cross products of vectors (..., 3), broadcasting the leading dims."""
    a, b = torch.broadcast_tensors(a, b)
    return torch.linalg.cross(a, b)


def _pure(v: torch.Tensor) -> torch.Tensor:
    """Vectors of shape (..., 3) as pure quaternions (0, v) of shape (..., 4)."""
    return torch.cat([torch.zeros_like(v[..., :1]), v], dim=-1)


def _unit_x(like: torch.Tensor) -> torch.Tensor:
    """The x unit vector, shaped and typed like `like` (..., 3): the axis of a null motion."""
    e = torch.zeros_like(like)
    e[..., 0] = 1
    return e


# ----------------------------------------------------------------------------------------------
# Quaternions
# ----------------------------------------------------------------------------------------------


def quat_multiply(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Hamilton product a ⊗ b of quaternions (..., 4); the rotation of b is applied first."""
    aw, ax, ay, az = torch.unbind(a, dim=-1)
    bw, bx, by, bz = torch.unbind(b, dim=-1)
    return torch.stack(
        [
            aw * bw - ax * bx - ay * by - az * bz,
            aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
        ],
        dim=-1,
    )


def quat_conjugate(q: torch.Tensor) -> torch.Tensor:
    """Conjugate (w, -x, -y, -z) of quaternions (..., 4); the inverse of a unit quaternion."""
    return q * q.new_tensor([1.0, -1.0, -1.0, -1.0])


def quat_normalize(q: torch.Tensor) -> torch.Tensor:
    """Quaternions (..., 4) scaled to unit length (a zero quaternion stays zero)."""
    return q / _divisor(_safe_norm(q, keepdim=True))


def quat_standardize(q: torch.Tensor) -> torch.Tensor:
    """Quaternions (..., 4) with the sign flipped where needed so that w >= 0 (same rotation)."""
    return torch.where(q[..., :1] < 0, -q, q)


def quat_to_matrix(q: torch.Tensor) -> torch.Tensor:
    """Rotation matrices (..., 3, 3) of quaternions (..., 4); q need not be unit (scale ignored)."""
    w, x, y, z = torch.unbind(q, dim=-1)
    two_s = 2.0 / (q * q).sum(dim=-1)
    m = torch.stack(
        [
            1 - two_s * (y * y + z * z),
            two_s * (x * y - z * w),
            two_s * (x * z + y * w),
            two_s * (x * y + z * w),
            1 - two_s * (x * x + z * z),
            two_s * (y * z - x * w),
            two_s * (x * z - y * w),
            two_s * (y * z + x * w),
            1 - two_s * (x * x + y * y),
        ],
        dim=-1,
    )
    return m.reshape(q.shape[:-1] + (3, 3))


def _sqrt_positive_part(x: torch.Tensor) -> torch.Tensor:
    """sqrt(max(x, 0)) with a zero (not infinite) gradient where x <= 0."""
    pos = x > 0
    root = torch.sqrt(torch.where(pos, x, torch.ones_like(x)))
    return torch.where(pos, root, torch.zeros_like(x))


def matrix_to_quat(R: torch.Tensor) -> torch.Tensor:
    """Unit quaternions (..., 4), w >= 0, of rotation matrices R (..., 3, 3).

    Shepperd's method as in pytorch3d: four candidate quaternions are formed, each by dividing by
    one of |w|, |x|, |y|, |z| (times 4), and the one with the largest divisor is kept, so no
    candidate that is used divides by a small number. Slightly non-orthogonal R is tolerated; the
    result is renormalised.
    """
    batch = R.shape[:-2]
    m00, m01, m02, m10, m11, m12, m20, m21, m22 = torch.unbind(R.reshape(batch + (9,)), dim=-1)
    q_abs = _sqrt_positive_part(
        torch.stack(
            [
                1.0 + m00 + m11 + m22,
                1.0 + m00 - m11 - m22,
                1.0 - m00 + m11 - m22,
                1.0 - m00 - m11 + m22,
            ],
            dim=-1,
        )
    )
    # Row i is 4 * q * q_i in the component order (w, x, y, z), with q_i = q_abs[i] / 2.
    by_rijk = torch.stack(
        [
            torch.stack([q_abs[..., 0] ** 2, m21 - m12, m02 - m20, m10 - m01], dim=-1),
            torch.stack([m21 - m12, q_abs[..., 1] ** 2, m10 + m01, m02 + m20], dim=-1),
            torch.stack([m02 - m20, m10 + m01, q_abs[..., 2] ** 2, m12 + m21], dim=-1),
            torch.stack([m10 - m01, m20 + m02, m21 + m12, q_abs[..., 3] ** 2], dim=-1),
        ],
        dim=-2,
    )
    candidates = by_rijk / (2.0 * q_abs[..., None].clamp_min(0.1))
    best = q_abs.argmax(dim=-1)[..., None, None].expand(batch + (1, 4))
    q = torch.gather(candidates, -2, best).squeeze(-2)
    return quat_standardize(quat_normalize(q))


def quat_apply(q: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
    """Rotate points (..., 3) by unit quaternions (..., 4): q ⊗ (0, p) ⊗ q*, vector part."""
    w, v = q[..., :1], q[..., 1:]
    uv = _cross(v, points)
    return points + 2 * (w * uv + _cross(v, uv))


def axis_angle_to_quat(axis: torch.Tensor, angle: torch.Tensor) -> torch.Tensor:
    """Unit quaternions (..., 4) of rotations by `angle` (...) radians about `axis` (..., 3).

    The axis is normalised here, so any non-zero direction works; the rotation is right-handed.
    """
    axis = axis / _divisor(_safe_norm(axis, keepdim=True))
    half = 0.5 * torch.as_tensor(angle, dtype=axis.dtype, device=axis.device)[..., None]
    return torch.cat([torch.cos(half), torch.sin(half) * axis], dim=-1)


def quat_to_axis_angle(q: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Axis (..., 3), unit, and angle (...) in [0, pi] of the rotations of quaternions (..., 4).

    q need not be unit. A null rotation has angle 0 and the axis (1, 0, 0).
    """
    q = quat_standardize(q)
    v = q[..., 1:]
    s = _safe_norm(v)
    null = s <= _small(q.dtype) * _safe_norm(q)
    s_safe = torch.where(null, torch.ones_like(s), s)
    angle = torch.where(null, torch.zeros_like(s), 2 * torch.atan2(s, q[..., 0]))
    axis = torch.where(null[..., None], _unit_x(v), v / s_safe[..., None])
    return axis, angle


# ----------------------------------------------------------------------------------------------
# Dual quaternions
# ----------------------------------------------------------------------------------------------


def dq_identity(shape=(), dtype: torch.dtype | None = None, device=None) -> torch.Tensor:
    """Identity dual quaternions of shape (*shape, 8): qr = (1, 0, 0, 0), qd = 0."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    dq = torch.zeros(shape + (8,), dtype=dtype or torch.get_default_dtype(), device=device)
    dq[..., 0] = 1
    return dq


def dq_from_rt(R: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Unit dual quaternions (..., 8), w >= 0, of the motions x ↦ R x + t.

    R: rotation matrices (..., 3, 3); t: translations (..., 3); leading dims broadcast.
    """
    qr = matrix_to_quat(R)
    qr, t = torch.broadcast_tensors(qr, _pure(t))
    qd = 0.5 * quat_multiply(t, qr)
    return torch.cat([qr, qd], dim=-1)


def dq_translation(dq: torch.Tensor) -> torch.Tensor:
    """Translations t (..., 3) of dual quaternions (..., 8): vector part of 2 qd ⊗ qr* / |qr|^2.

    dq need not be normalised; the result equals that of dq_normalize(dq).
    """
    qr, qd = dq[..., :4], dq[..., 4:]
    t = 2 * quat_multiply(qd, quat_conjugate(qr))[..., 1:]
    return t / (qr * qr).sum(dim=-1, keepdim=True)


def dq_to_rt(dq: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Rotations R (..., 3, 3) and translations t (..., 3) of dual quaternions (..., 8)."""
    return quat_to_matrix(dq[..., :4]), dq_translation(dq)


def dq_from_matrix(T: torch.Tensor) -> torch.Tensor:
    """Unit dual quaternions (..., 8), w >= 0, of rigid 4x4 transforms T (..., 4, 4)."""
    return dq_from_rt(T[..., :3, :3], T[..., :3, 3])


def dq_to_matrix(dq: torch.Tensor) -> torch.Tensor:
    """Rigid 4x4 transforms (..., 4, 4) of dual quaternions (..., 8)."""
    R, t = dq_to_rt(dq)
    top = torch.cat([R, t[..., None]], dim=-1)
    bottom = torch.zeros_like(top[..., :1, :])
    bottom[..., 0, 3] = 1
    return torch.cat([top, bottom], dim=-2)


def dq_multiply(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Composition a ∘ b of dual quaternions (..., 8): b is applied first, as T_a @ T_b."""
    ar, ad = a[..., :4], a[..., 4:]
    br, bd = b[..., :4], b[..., 4:]
    return torch.cat([quat_multiply(ar, br), quat_multiply(ar, bd) + quat_multiply(ad, br)], dim=-1)


def dq_conjugate(dq: torch.Tensor) -> torch.Tensor:
    """Quaternion conjugate of both parts, (qr*, qd*), of dual quaternions (..., 8).

    For a unit dual quaternion this is the inverse motion.
    """
    return dq * dq.new_tensor([1.0, -1.0, -1.0, -1.0, 1.0, -1.0, -1.0, -1.0])


def dq_inverse(dq: torch.Tensor) -> torch.Tensor:
    """Inverses (qr⁻¹, -qr⁻¹ ⊗ qd ⊗ qr⁻¹) of dual quaternions (..., 8), qr non-zero."""
    qr, qd = dq[..., :4], dq[..., 4:]
    r_inv = quat_conjugate(qr) / (qr * qr).sum(dim=-1, keepdim=True)
    return torch.cat([r_inv, -quat_multiply(quat_multiply(r_inv, qd), r_inv)], dim=-1)


def dq_normalize(dq: torch.Tensor) -> torch.Tensor:
    """Unit dual quaternions (..., 8) nearest in form to dq: qr scaled to unit, qd ⟂ qr.

    Both parts are divided by |qr|, then the component of qd along qr (which no rigid motion has)
    is removed. The motion (dq_to_rt) is unchanged.
    """
    n = _divisor(_safe_norm(dq[..., :4], keepdim=True))
    qr, qd = dq[..., :4] / n, dq[..., 4:] / n
    qd = qd - (qr * qd).sum(dim=-1, keepdim=True) * qr
    return torch.cat([qr, qd], dim=-1)


def dq_standardize(dq: torch.Tensor) -> torch.Tensor:
    """Dual quaternions (..., 8) with the sign flipped where needed so that w(qr) >= 0."""
    return torch.where(dq[..., :1] < 0, -dq, dq)


def dq_apply(dq: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
    """Points (..., N, 3) moved by the rigid motions dq (..., 8): R x + t.

    The leading dims of dq and points broadcast, e.g. dq (T, 8) and points (N, 3) give (T, N, 3).
    """
    R, t = dq_to_rt(dq)
    return points @ R.transpose(-1, -2) + t[..., None, :]


# ----------------------------------------------------------------------------------------------
# Logarithm, exponential, screws, interpolation
# ----------------------------------------------------------------------------------------------


def dq_log(dq: torch.Tensor) -> torch.Tensor:
    """Logarithms (..., 6) = (phi, rho) of unit dual quaternions (..., 8).

    For a screw motion of angle theta, displacement d along a unit axis l with moment m = p × l,
    phi = (theta / 2) l and rho = (d / 2) l + (theta / 2) m. The sign is standardised first, so
    theta is in [0, pi] (the shortest screw). Smooth at the identity.
    """
    dq = dq_standardize(dq)
    qr, qd = dq[..., :4], dq[..., 4:]
    w, v = qr[..., 0], qr[..., 1:]
    dw, dv = qd[..., :1], qd[..., 1:]
    h = torch.atan2(_safe_norm(v), w)  # half angle in [0, pi/2]
    phi = _h_over_sin(h)[..., None] * v
    rho = _h_over_sin(h)[..., None] * dv + (dw * _log_coeff(h)[..., None]) * v
    return torch.cat([phi, rho], dim=-1)


def dq_exp(log: torch.Tensor) -> torch.Tensor:
    """Unit dual quaternions (..., 8) of logarithms (..., 6) = (phi, rho); inverse of dq_log."""
    phi, rho = log[..., :3], log[..., 3:]
    h = _safe_norm(phi)
    sinc = _sinc(h)[..., None]
    rho_phi = (rho * phi).sum(dim=-1, keepdim=True)
    qr = torch.cat([torch.cos(h)[..., None], sinc * phi], dim=-1)
    qd_v = sinc * rho + (rho_phi * _exp_coeff(h)[..., None]) * phi
    qd = torch.cat([-sinc * rho_phi, qd_v], dim=-1)
    return torch.cat([qr, qd], dim=-1)


def dq_pow(dq: torch.Tensor, s) -> torch.Tensor:
    """Unit dual quaternions (..., 8) raised to the power s: the same screw, angle and d times s.

    s is a float or a tensor of shape (..., 1) broadcast against dq (..., 8).
    """
    return dq_exp(_as_fraction(s, dq) * dq_log(dq))


def _as_fraction(s, like: torch.Tensor) -> torch.Tensor:
    s = torch.as_tensor(s, dtype=like.dtype, device=like.device)
    if s.ndim > 0 and s.shape[-1] != 1:
        raise ValueError(
            "interpolation parameter s must be a scalar or have shape (..., 1), "
            f"got {tuple(s.shape)}"
        )
    return s


def dq_sclerp(a: torch.Tensor, b: torch.Tensor, s) -> torch.Tensor:
    """Screw linear interpolation between unit dual quaternions a and b (..., 8).

    s is a float or a tensor of shape (..., 1) broadcast against a and b; s = 0 gives a, s = 1
    gives b (up to sign), and in between the motion relative to a is a fraction s of the single
    screw that takes a to b (the shortest one). E.g. a, b of shape (8,) and s of shape (T, 1) give
    a trajectory (T, 8). s outside [0, 1] extrapolates along the same screw.
    """
    rel = dq_multiply(dq_conjugate(a), b)
    return dq_multiply(a, dq_pow(rel, s))


class Screw(NamedTuple):
    """A screw motion; each field broadcasts over the same leading dims (...)."""

    axis: torch.Tensor  # (..., 3) unit direction of the screw axis
    angle: torch.Tensor  # (...) rotation about the axis, radians, in [0, pi]
    d_along_axis: torch.Tensor  # (...) translation along the axis, a length
    point_on_axis: torch.Tensor  # (..., 3) the point of the axis line nearest the origin


def dq_to_screw(dq: torch.Tensor) -> Screw:
    """Screw (axis, angle, d_along_axis, point_on_axis) of unit dual quaternions dq (..., 8).

    angle is in [0, pi]. Without rotation (sin(angle / 2) below sqrt(machine epsilon)), the axis
    is the translation direction, angle = 0, d_along_axis = |t| and point_on_axis = 0; the identity
    gets the axis (1, 0, 0).
    """
    dq = dq_standardize(dq)
    qr = dq[..., :4]
    w, v = qr[..., 0], qr[..., 1:]
    t = dq_translation(dq)
    s = _safe_norm(v)
    rotates = s > _small(dq.dtype) * _safe_norm(qr)

    s_safe = torch.where(rotates, s, torch.ones_like(s))
    axis_rot = v / s_safe[..., None]
    d_rot = (t * axis_rot).sum(dim=-1)
    # Chasles: t = (I - R) p + d l with p ⟂ l solves to p = (t⊥ + cot(angle/2) l × t) / 2.
    cot = (w / s_safe)[..., None]
    point_rot = 0.5 * (t - d_rot[..., None] * axis_rot + cot * _cross(axis_rot, t))

    t_norm = _safe_norm(t)
    moves = t_norm > torch.finfo(dq.dtype).eps
    t_safe = torch.where(moves[..., None], t, _unit_x(t))
    axis_tr = t_safe / _divisor(_safe_norm(t_safe, keepdim=True))

    axis = torch.where(rotates[..., None], axis_rot, axis_tr)
    angle = torch.where(rotates, 2 * torch.atan2(s, w), torch.zeros_like(s))
    d = torch.where(rotates, d_rot, torch.where(moves, t_norm, torch.zeros_like(t_norm)))
    point = torch.where(rotates[..., None], point_rot, torch.zeros_like(point_rot))
    return Screw(axis, angle, d, point)


def dq_from_screw(
    axis: torch.Tensor, angle: torch.Tensor, d_along_axis: torch.Tensor, point_on_axis: torch.Tensor
) -> torch.Tensor:
    """Unit dual quaternions (..., 8) of screw motions; the inverse of dq_to_screw.

    axis (..., 3) is normalised here; angle (...) in radians; d_along_axis (...) a length;
    point_on_axis (..., 3) any point of the axis line. The motion is x ↦ R (x - p) + p + d l.
    """
    axis = axis / _divisor(_safe_norm(axis, keepdim=True))
    qr = axis_angle_to_quat(axis, angle)
    d = torch.as_tensor(d_along_axis, dtype=axis.dtype, device=axis.device)[..., None]
    p = point_on_axis
    t = p - quat_apply(qr, p) + d * axis
    qr, t = torch.broadcast_tensors(qr, _pure(t))
    return torch.cat([qr, 0.5 * quat_multiply(t, qr)], dim=-1)


# ----------------------------------------------------------------------------------------------
# Joint motions: the torch side of :mod:`dragmesh.geometry.joints`, for the models
# ----------------------------------------------------------------------------------------------
#
# A joint is (type, axis a, origin o) as in :mod:`dragmesh.geometry.joints`. These functions take
# `is_revolute` as a bool tensor (...) (or a Python bool), axes (..., 3), origins (..., 3) and
# values (...); all broadcast together, keep the float dtype of `axis` and are differentiable.
# Axes are normalised inside, so a raw network output can be passed.


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
# NumPy wrappers (float64 in and out)
# ----------------------------------------------------------------------------------------------


def _t(x) -> torch.Tensor:
    return torch.tensor(np.asarray(x, dtype=np.float64))


def np_dq_from_matrix(T: np.ndarray) -> np.ndarray:
    """Unit dual quaternions (..., 8), w >= 0, of rigid 4x4 transforms T (..., 4, 4); float64."""
    return dq_from_matrix(_t(T)).numpy()


def np_dq_to_matrix(dq: np.ndarray) -> np.ndarray:
    """Rigid 4x4 transforms (..., 4, 4) of dual quaternions dq (..., 8); float64."""
    return dq_to_matrix(_t(dq)).numpy()


def np_dq_apply(dq: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Points (..., N, 3) moved by the rigid motions dq (..., 8); float64."""
    return dq_apply(_t(dq), _t(points)).numpy()
