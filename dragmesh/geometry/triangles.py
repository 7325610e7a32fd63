"""Closest points on triangle meshes (NumPy): where a drag point lands on a part's surface."""

from __future__ import annotations

import numpy as np


def closest_point_on_triangles(tri: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The point of triangles (M, 3, 3) nearest to q (3,)."""
    return nearest_on_triangles(tri, q)[1]


def nearest_on_triangles(tri: np.ndarray, q: np.ndarray) -> tuple[int, np.ndarray]:
    """(index, closest point (3,)) of the triangle of (M, 3, 3) nearest to q (3,) (the first of
    equally near ones).

    Only triangles whose bounding box is within the nearest vertex's distance can hold the answer,
    which leaves a handful on meshes of thousands."""
    flat = tri.reshape(-1, 3)
    bound = float(np.sqrt(((flat - q) ** 2).sum(axis=1).min()))
    lo, hi = tri.min(axis=1), tri.max(axis=1)
    gap = np.maximum(lo - q, 0.0) + np.maximum(q - hi, 0.0)
    index = np.flatnonzero(np.linalg.norm(gap, axis=1) <= bound + 1e-12)
    pts = _closest_on_each(tri[index], q)
    best = int(np.argmin(((pts - q) ** 2).sum(axis=1)))
    return int(index[best]), pts[best]


def _closest_on_each(tri: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Closest point to p (3,) on each triangle (M, 3, 3) -> (M, 3) (Ericson, Real-Time Collision
    Detection §5.1.5, vectorised)."""
    a, b, c = tri[:, 0], tri[:, 1], tri[:, 2]
    ab, ac, ap = b - a, c - a, p - a
    d1, d2 = (ab * ap).sum(1), (ac * ap).sum(1)
    bp = p - b
    d3, d4 = (ab * bp).sum(1), (ac * bp).sum(1)
    cp = p - c
    d5, d6 = (ab * cp).sum(1), (ac * cp).sum(1)
    va = d3 * d6 - d5 * d4
    vb = d5 * d2 - d1 * d6
    vc = d1 * d4 - d3 * d2
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = va + vb + vc
        v = np.where(denom != 0, vb / denom, 0.0)
        w = np.where(denom != 0, vc / denom, 0.0)
        out = a + ab * v[:, None] + ac * w[:, None]  # inside the face
        # Edge regions.
        t_ab = np.where(d1 - d3 != 0, d1 / (d1 - d3), 0.0)
        t_ac = np.where(d2 - d6 != 0, d2 / (d2 - d6), 0.0)
        t_bc = np.where((d4 - d3) + (d5 - d6) != 0, (d4 - d3) / ((d4 - d3) + (d5 - d6)), 0.0)
    m = (va <= 0) & (d4 - d3 >= 0) & (d5 - d6 >= 0)
    out[m] = (b + (c - b) * t_bc[:, None])[m]
    m = (vb <= 0) & (d2 >= 0) & (d6 <= 0)
    out[m] = (a + ac * t_ac[:, None])[m]
    # Later regions win, so this is Ericson's test order reversed.
    m = (d6 >= 0) & (d5 <= d6)
    out[m] = c[m]
    m = (vc <= 0) & (d1 >= 0) & (d3 <= 0)
    out[m] = (a + ab * t_ab[:, None])[m]
    m = (d3 >= 0) & (d4 <= d3)
    out[m] = b[m]
    m = (d1 <= 0) & (d2 <= 0)
    out[m] = a[m]
    return out
