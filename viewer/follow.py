"""Drag following: the joint value that puts the grabbed point under the cursor.

While a part is dragged its joint is fixed; every mouse move gives a cursor ray, and the part's pose
is the joint value whose motion of the grabbed point best matches that ray, exactly:

- prismatic: the grabbed point slides on the line ``g + s a``; ``s`` is the parameter of the point
  of that line closest to the cursor ray.
- revolute: the grabbed point turns on a circle in the plane through ``g`` perpendicular to ``a``;
  the cursor ray meets that plane at ``h`` and the value is the signed angle about ``a`` from ``g``
  to ``h`` (both seen from the axis). When the plane is seen edge-on the intersection is unstable,
  so the angle whose point projects nearest the cursor on screen is taken instead.

All points and directions are (3,) float64 in mesh coordinates; values are radians (revolute) or
mesh units (prismatic), relative to the pose the drag started from. Pure NumPy, no GUI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from dragmesh.geometry.joints import Joint

# Below this |cos| between the cursor ray and the revolute plane's normal the plane is edge-on.
GRAZING_COS = 0.12
# Below this sin between the cursor ray and a prismatic axis the ray runs along the axis.
PARALLEL_SIN = 1e-3


def wrap_angle(angle: float) -> float:
    """An angle in radians wrapped to (-pi, pi]."""
    return float(np.pi - (np.pi - angle) % (2.0 * np.pi))


def prismatic_offset(axis: np.ndarray, grab: np.ndarray, ray_origin: np.ndarray,
                     ray_dir: np.ndarray) -> float | None:
    """Parameter s of the point ``grab + s * axis`` closest to the ray; None when they are parallel.

    axis, ray_dir: (3,) unit vectors; grab, ray_origin: (3,) points.
    """
    a = axis / np.linalg.norm(axis)
    d = ray_dir / np.linalg.norm(ray_dir)
    b = float(a @ d)
    denom = 1.0 - b * b
    if denom < PARALLEL_SIN**2:
        return None
    w0 = grab - ray_origin
    return float((b * (d @ w0) - a @ w0) / denom)


def revolute_angle(axis: np.ndarray, origin: np.ndarray, grab: np.ndarray, ray_origin: np.ndarray,
                   ray_dir: np.ndarray) -> float | None:
    """Signed angle (radians, right-handed about ``axis``) from ``grab`` to where the ray meets the
    plane through ``grab`` perpendicular to ``axis``; None when the plane is edge-on, the hit is
    behind the eye, or the grabbed point lies on the axis."""
    a = axis / np.linalg.norm(axis)
    d = ray_dir / np.linalg.norm(ray_dir)
    cos = float(d @ a)
    if abs(cos) < GRAZING_COS:
        return None
    t = float((grab - ray_origin) @ a) / cos
    if t <= 0:
        return None
    hit = ray_origin + t * d
    centre = origin + a * float((grab - origin) @ a)
    u, w = grab - centre, hit - centre
    radius = float(np.linalg.norm(u))
    if radius < 1e-12 or float(np.linalg.norm(w)) < 1e-9 * radius:
        return None
    return float(np.arctan2(a @ np.cross(u, w), u @ w))


def revolute_angle_on_screen(axis: np.ndarray, origin: np.ndarray, grab: np.ndarray,
                             cursor: np.ndarray, project: Callable[[np.ndarray], np.ndarray],
                             near: float, steps: int = 72) -> float:
    """The angle in (-pi, pi] whose rotated grab point projects nearest ``cursor`` (2,) pixels.

    project: (N, 3) points -> (N, 2) pixels. Searched on a grid of ``steps`` angles, then refined
    around the best one; ``near`` (radians) is the previous angle, preferred on ties.
    """
    a = axis / np.linalg.norm(axis)
    centre = origin + a * float((grab - origin) @ a)
    u = grab - centre
    v = np.cross(a, u)

    def best(angles: np.ndarray) -> float:
        pts = centre + np.cos(angles)[:, None] * u + np.sin(angles)[:, None] * v
        dist = np.linalg.norm(project(pts) - cursor, axis=1)
        dist = dist + 1e-6 * np.abs(np.pi - (np.pi - (angles - near)) % (2.0 * np.pi))
        return float(angles[int(np.argmin(dist))])

    coarse = best(np.linspace(-np.pi, np.pi, steps, endpoint=False))
    step = 2.0 * np.pi / steps
    return wrap_angle(best(np.linspace(coarse - step, coarse + step, 41)))


@dataclass
class DragFollower:
    """Follows one drag of one part along a fixed joint.

    joint: the part's joint in mesh coordinates (value 0 = rest pose).
    start_value: the joint value when the drag began.
    grab: (3,) the grabbed point on the part at ``start_value`` (mesh coordinates).
    """

    joint: Joint
    start_value: float
    grab: np.ndarray

    def __post_init__(self) -> None:
        self.grab = np.asarray(self.grab, dtype=np.float64)
        self._last_delta = 0.0

    def value(self, ray_origin: np.ndarray, ray_dir: np.ndarray, cursor: np.ndarray | None = None,
              project: Callable[[np.ndarray], np.ndarray] | None = None) -> float:
        """The joint value for a cursor ray, clamped to the joint's limits when they are known.

        cursor (2,) and project ((N, 3) -> (N, 2) pixels) enable the on-screen fallback for a
        revolute plane seen edge-on; without them the previous value is kept there.
        """
        j = self.joint
        if j.is_revolute:
            angle = revolute_angle(j.axis, j.origin, self.grab, ray_origin, ray_dir)
            if angle is None and cursor is not None and project is not None:
                near = wrap_angle(self._last_delta)
                angle = revolute_angle_on_screen(j.axis, j.origin, self.grab, np.asarray(cursor, float),
                                                 project, near)
            if angle is None:
                delta = self._last_delta
            else:
                # Unwrap: the angle moves continuously from the previous one (turns past +-pi).
                delta = self._last_delta + wrap_angle(angle - self._last_delta)
        else:
            offset = prismatic_offset(j.axis, self.grab, ray_origin, ray_dir)
            delta = self._last_delta if offset is None else offset
        value = float(j.clamp(self.start_value + delta))
        self._last_delta = value - self.start_value
        return value

    def point(self, value: float) -> np.ndarray:
        """(3,) where the grabbed point is at joint value ``value``."""
        moved = self.joint.apply(self.grab[None], value - self.start_value)
        return moved[0]
