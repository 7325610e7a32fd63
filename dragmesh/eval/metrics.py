"""Per-sample error measures (as the README defines them), vectorised over samples (NumPy, float64).

Axes are (S, 3) unit vectors, origins (S, 3) points, all in the model frame; distances are divided by
the object's bounding-box diagonal ``diag`` (S,) so they read as fractions of it.
"""

from __future__ import annotations

import numpy as np


def axis_error_deg(pred: np.ndarray, true: np.ndarray) -> np.ndarray:
    """min(θ, 180° − θ) between axis lines, degrees. pred, true: (S, 3) → (S,)."""
    pred = pred / np.linalg.norm(pred, axis=-1, keepdims=True)
    true = true / np.linalg.norm(true, axis=-1, keepdims=True)
    cos = np.clip(np.abs(np.sum(pred * true, axis=-1)), 0.0, 1.0)
    return np.degrees(np.arccos(cos))


def line_distance(o1: np.ndarray, a1: np.ndarray, o2: np.ndarray, a2: np.ndarray) -> np.ndarray:
    """Distance between the lines o1 + s a1 and o2 + s a2. All (S, 3) → (S,).

    Skew lines: |(o2 − o1) · (a1 × a2)| / |a1 × a2|; (near-)parallel lines: the distance of o2 from
    line 1.
    """
    a1 = a1 / np.linalg.norm(a1, axis=-1, keepdims=True)
    a2 = a2 / np.linalg.norm(a2, axis=-1, keepdims=True)
    d = o2 - o1
    n = np.cross(a1, a2)
    nn = np.linalg.norm(n, axis=-1)
    skew = np.abs(np.sum(d * n, axis=-1)) / np.maximum(nn, 1e-12)
    parallel = np.linalg.norm(np.cross(d, a1), axis=-1)
    return np.where(nn > 1e-6, skew, parallel)


def summarize(values: np.ndarray) -> dict:
    """Median and mean of a 1-D array (NaN-safe; empty → NaN)."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return {"median": float("nan"), "mean": float("nan"), "n": 0}
    return {"median": float(np.median(values)), "mean": float(np.mean(values)), "n": int(values.size)}


def hinge_offset(o1: np.ndarray, a1: np.ndarray, o2: np.ndarray, a2: np.ndarray) -> np.ndarray:
    """How far apart two hinge lines are where the part is: the mean of the distance from o2 to
    line 1 and from o1 to line 2, with o1, o2 the lines' points nearest the part (as joints store
    them). All (S, 3) → (S,). Unlike :func:`line_distance`, nearly parallel lines that cross far
    from the part do not read as coincident: a hinge 0.3° off and 2 cm aside is 2 cm off."""
    a1 = a1 / np.linalg.norm(a1, axis=-1, keepdims=True)
    a2 = a2 / np.linalg.norm(a2, axis=-1, keepdims=True)
    d = o2 - o1
    return 0.5 * (np.linalg.norm(np.cross(d, a1), axis=-1) + np.linalg.norm(np.cross(d, a2), axis=-1))
