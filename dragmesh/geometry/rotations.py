"""Rotations in NumPy (float64): axis-angle, matrices and quaternions, without torch.

The conventions of :mod:`dragmesh.geometry.dualquat`, stated once for the NumPy side:

- A quaternion is an array of shape (..., 4) with the real part first: (w, x, y, z).
- Rotation matrices act on column vectors: a point x moves to R @ x.
- A rotation by `angle` (radians) about a unit `axis` is right-handed.

Functions whose docstrings give shapes (..., k) broadcast over those leading dimensions. The
program builds its axis-angle rotations here: meshes, joints, normalisation and renders.
"""

from __future__ import annotations

import numpy as np


def cross(a, b) -> np.ndarray:
    """a × b over (..., 3) arrays that broadcast, as ``np.cross`` computes it (the same products
    and differences, so the same bits) without its axis shuffling, which costs more than the
    arithmetic on the small arrays joint inference moves."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    return np.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)


def cross_matrix(v) -> np.ndarray:
    """The cross-product matrices [v]x (..., 3, 3) of vectors v (..., 3): [v]x @ u = v × u."""
    v = np.asarray(v, dtype=np.float64)
    zero = np.zeros(v.shape[:-1])
    x, y, z = v[..., 0], v[..., 1], v[..., 2]
    rows = [[zero, -z, y], [z, zero, -x], [-y, x, zero]]
    return np.stack([np.stack(r, axis=-1) for r in rows], axis=-2)


def axis_angle_matrix(axis, angle) -> np.ndarray:
    """Rotation matrices (..., 3, 3) by `angle` (...) radians about unit axes `axis` (..., 3).

    Rodrigues: R = cos θ I + sin θ [a]x + (1 - cos θ) a aᵀ. The axis must already be a unit
    vector (the callers hold normalised axes; normalising again would move their last bits).
    """
    a = np.asarray(axis, dtype=np.float64)
    angle = np.asarray(angle, dtype=np.float64)
    c, s = np.cos(angle)[..., None, None], np.sin(angle)[..., None, None]
    outer = a[..., :, None] * a[..., None, :]
    return c * np.eye(3) + s * cross_matrix(a) + (1.0 - c) * outer


def rotation_matrix(axis, angle: float) -> np.ndarray:
    """Rotation (3, 3) by `angle` radians about the unit direction of `axis` (3,), any length."""
    a = np.asarray(axis, dtype=np.float64)
    return axis_angle_matrix(a / np.linalg.norm(a), angle)


def rotate(points, axis, angle) -> np.ndarray:
    """Points (..., 3) rotated by `angle` (...) radians about the unit axis `axis` (3,) (or one
    axis per point, (..., 3)) through 0.

    Rodrigues on vectors: p cos θ + (a × p) sin θ + a (p·a)(1 - cos θ); the rotation of
    :func:`axis_angle_matrix` without building the matrix.
    """
    p = np.asarray(points, dtype=np.float64)
    a = np.asarray(axis, dtype=np.float64)
    angle = np.asarray(angle, dtype=np.float64)
    c, s = np.cos(angle)[..., None], np.sin(angle)[..., None]
    along = p @ a if a.ndim == 1 else (p * a).sum(-1)  # one axis: the matmul, as the data were made
    return p * c + cross(a, p) * s + a * along[..., None] * (1.0 - c)


def rotation_between(u, v) -> np.ndarray:
    """The minimal rotation (3, 3) taking the unit vector u (3,) onto the unit vector v (3,).

    About the axis k = u × v / |u × v| by the angle between them, in Rodrigues' form
    I + sin θ [k]x + (1 - cos θ) [k]x². It equals :func:`axis_angle_matrix`'s form, as
    [k]x² = k kᵀ - I, but rounds differently, and the up rotation of every recorded training sample
    is built with this one.
    For antiparallel vectors every half-turn about an axis ⟂ u is minimal: the one about the
    part of X (or, for u near X, of Y) ⟂ u is taken, so the choice is fixed.
    """
    u, v = np.asarray(u, dtype=np.float64), np.asarray(v, dtype=np.float64)
    k = np.cross(u, v)
    sin, cos = float(np.linalg.norm(k)), float(u @ v)
    if sin < 1e-15:
        if cos > 0:
            return np.eye(3)
        e = np.eye(3)[0] if abs(u[0]) < 0.9 else np.eye(3)[1]
        p = e - (e @ u) * u
        p = p / np.linalg.norm(p)
        return 2.0 * np.outer(p, p) - np.eye(3)
    K = cross_matrix(k / sin)
    angle = np.arctan2(sin, cos)
    return np.eye(3) + np.sin(angle) * K + (1.0 - np.cos(angle)) * (K @ K)


def quat_to_matrix(q) -> np.ndarray:
    """Rotation matrices (..., 3, 3) of unit quaternions q (..., 4), real part first."""
    q = np.asarray(q, dtype=np.float64)
    w, x, y, z = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
    rows = [
        [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
        [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
        [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
    ]
    return np.stack([np.stack(r, axis=-1) for r in rows], axis=-2)


def matrix_to_quat(R) -> np.ndarray:
    """Unit quaternions (..., 4), w >= 0, of rotation matrices R (..., 3, 3).

    Each of the four candidate formulas divides by 4 times one component; the one with the
    largest component is taken, so the division is never by a small number.
    """
    R = np.asarray(R, dtype=np.float64)
    m = [[R[..., i, j] for j in range(3)] for i in range(3)]
    tr = m[0][0] + m[1][1] + m[2][2]
    four = np.stack(
        [1 + tr, 1 + m[0][0] - m[1][1] - m[2][2], 1 - m[0][0] + m[1][1] - m[2][2], 1 - m[0][0] - m[1][1] + m[2][2]],
        axis=-1,
    )
    root = np.sqrt(np.maximum(four, 0.0))  # 2 |w|, 2 |x|, 2 |y|, 2 |z|
    cands = np.stack(
        [
            np.stack([four[..., 0], m[2][1] - m[1][2], m[0][2] - m[2][0], m[1][0] - m[0][1]], -1),
            np.stack([m[2][1] - m[1][2], four[..., 1], m[1][0] + m[0][1], m[0][2] + m[2][0]], -1),
            np.stack([m[0][2] - m[2][0], m[1][0] + m[0][1], four[..., 2], m[2][1] + m[1][2]], -1),
            np.stack([m[1][0] - m[0][1], m[2][0] + m[0][2], m[2][1] + m[1][2], four[..., 3]], -1),
        ],
        axis=-2,
    )  # row k is 2 |q_k| q (sign of q_k)
    best = np.argmax(root, axis=-1)
    pick = np.take_along_axis(cands, best[..., None, None], axis=-2)[..., 0, :]
    q = pick / (2 * np.take_along_axis(root, best[..., None], axis=-1))
    q = q / np.linalg.norm(q, axis=-1, keepdims=True)
    return np.where(q[..., :1] < 0, -q, q)


def quat_multiply(a, b) -> np.ndarray:
    """Hamilton products a ⊗ b (..., 4) of quaternions a, b (..., 4)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    aw, av = a[..., :1], a[..., 1:]
    bw, bv = b[..., :1], b[..., 1:]
    w = aw * bw - (av * bv).sum(-1, keepdims=True)
    return np.concatenate([w, aw * bv + bw * av + np.cross(av, bv)], axis=-1)
