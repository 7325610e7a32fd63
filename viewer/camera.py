"""The orbit camera: view and projection matrices, cursor rays, and projection to pixels.

Matrices are row-major 4x4 acting on column vectors (OpenGL convention: the camera looks down its
-Z). Pixels are (x, y) from the top-left corner of the 3D viewport, as X11 and xdotool count them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dragmesh.normalize import rotation_onto_y

# Orbit speed: a 150-pixel drag turns the view 45 degrees (a full turn is 1200 pixels).
ORBIT_DEG_PER_PIXEL = 0.3
# The eye never goes past this elevation by orbiting, so the view cannot flip over the pole; the
# last EASE degrees before it turn ever slower (a soft stop, not a wall).
PITCH_LIMIT, PITCH_EASE = np.radians(80.0), np.radians(20.0)
# The presets may look from straight above or below (top view) up to this, short of look_at's pole.
PRESET_PITCH = np.radians(89.5)
MIN_PITCH, MAX_PITCH = -PRESET_PITCH, PRESET_PITCH
# One mouse event never turns more than this many pixels' worth (a jumpy pointer, a lost grab).
MAX_STEP_PIXELS = 150.0
HOME_YAW, HOME_PITCH = np.radians(35.0), np.radians(22.0)
# Preset views: name -> (yaw, pitch) in radians; yaw 0 looks at the mesh's front (its +Z when up is
# +Y), yaw 90 degrees from its right.
PRESETS = {
    "front": (0.0, 0.0), "back": (np.pi, 0.0), "right": (np.pi / 2, 0.0), "left": (-np.pi / 2, 0.0),
    "top": (0.0, PRESET_PITCH), "bottom": (0.0, -PRESET_PITCH), "home": (HOME_YAW, HOME_PITCH),
}


def look_at(eye: np.ndarray, target: np.ndarray, up: np.ndarray) -> np.ndarray:
    """World -> camera matrix (4, 4) for a camera at ``eye`` looking at ``target``."""
    f = target - eye
    f = f / np.linalg.norm(f)
    s = np.cross(f, up)
    s = s / np.linalg.norm(s)
    u = np.cross(s, f)
    view = np.eye(4)
    view[0, :3], view[1, :3], view[2, :3] = s, u, -f
    view[:3, 3] = -view[:3, :3] @ eye
    return view


def orbit_pitch(pitch: float, delta: float) -> float:
    """The elevation after turning ``delta`` radians from ``pitch``: free up to PITCH_LIMIT -
    PITCH_EASE, then slower and slower, never past PITCH_LIMIT (or past ``pitch`` when a preset
    already put the eye beyond it). Turning back toward the horizon is never slowed."""
    if delta == 0.0:
        return float(pitch)
    sign = 1.0 if delta > 0 else -1.0
    # Integrate in small steps: the speed falls linearly to 0.15 over the easing band.
    remaining, p = abs(delta), sign * pitch  # p: elevation toward the pole we are heading for
    limit = max(PITCH_LIMIT, p)
    step = np.radians(0.25)
    while remaining > 1e-12:
        d = min(step, remaining)
        start = limit - PITCH_EASE
        if p > start:
            speed = max(0.15, 1.0 - 0.85 * (p - start) / PITCH_EASE)
            d_eff = d * speed
        else:
            d_eff = d
        p = min(p + d_eff, limit)
        remaining -= d
        if p >= limit:
            break
    return float(sign * min(p, limit))


def perspective(fov_y: float, aspect: float, near: float, far: float) -> np.ndarray:
    """Camera -> clip matrix (4, 4); fov_y in radians."""
    t = 1.0 / np.tan(fov_y / 2.0)
    proj = np.zeros((4, 4))
    proj[0, 0], proj[1, 1] = t / aspect, t
    proj[2, 2] = (far + near) / (near - far)
    proj[2, 3] = 2.0 * far * near / (near - far)
    proj[3, 2] = -1.0
    return proj


@dataclass
class OrbitCamera:
    """A camera orbiting ``target`` at ``distance``, with ``up`` the mesh's up direction.

    yaw and pitch (radians) place the eye: yaw turns about ``up`` from the mesh's front, pitch
    raises the eye above the horizontal plane. width, height: the viewport in pixels.
    """

    up: np.ndarray = field(default_factory=lambda: np.array([0.0, 1.0, 0.0]))
    target: np.ndarray = field(default_factory=lambda: np.zeros(3))
    distance: float = 3.0
    yaw: float = HOME_YAW
    pitch: float = HOME_PITCH
    fov_y: float = np.radians(40.0)
    width: int = 800
    height: int = 600
    radius: float = 1.0

    def __post_init__(self) -> None:
        self.up = np.asarray(self.up, dtype=np.float64)
        self.up = self.up / np.linalg.norm(self.up)
        # The mesh's own frame with up as +Y: "front" is its +Z, as the model frame has it.
        R = rotation_onto_y(self.up)
        self._front, self._right = R.T @ np.array([0.0, 0.0, 1.0]), R.T @ np.array([1.0, 0.0, 0.0])

    def fit(self, lo: np.ndarray, hi: np.ndarray) -> None:
        """Frame the box [lo, hi] (3,) so it fills most of the viewport."""
        self.target = (np.asarray(lo, float) + np.asarray(hi, float)) / 2.0
        self.radius = max(float(np.linalg.norm(np.asarray(hi, float) - lo)) / 2.0, 1e-9)
        half = min(self.fov_y, self.fov_y * self.aspect) / 2.0
        self.distance = 1.15 * self.radius / np.sin(half)

    @property
    def aspect(self) -> float:
        return self.width / max(self.height, 1)

    @property
    def eye(self) -> np.ndarray:
        horizontal = np.cos(self.yaw) * self._front + np.sin(self.yaw) * self._right
        direction = np.cos(self.pitch) * horizontal + np.sin(self.pitch) * self.up
        return self.target + self.distance * direction

    @property
    def view(self) -> np.ndarray:
        return look_at(self.eye, self.target, self.up)

    @property
    def projection(self) -> np.ndarray:
        near = max(self.distance - 3.0 * self.radius, self.distance * 1e-3)
        far = self.distance + 3.0 * self.radius
        return perspective(self.fov_y, self.aspect, near, far)

    # -- interaction ---------------------------------------------------------------------------

    def orbit(self, dx: float, dy: float) -> None:
        """Turn by a mouse movement of (dx, dy) pixels (dy positive = mouse moved up).

        ORBIT_DEG_PER_PIXEL degrees a pixel; the elevation eases to a stop at PITCH_LIMIT (or where a
        preset put it, if beyond), so the view never goes over the top and the up stays up.
        """
        rate = np.radians(ORBIT_DEG_PER_PIXEL)
        dx = float(np.clip(dx, -MAX_STEP_PIXELS, MAX_STEP_PIXELS))
        dy = float(np.clip(dy, -MAX_STEP_PIXELS, MAX_STEP_PIXELS))
        self.yaw = float((self.yaw - dx * rate + np.pi) % (2.0 * np.pi) - np.pi)
        self.pitch = orbit_pitch(self.pitch, -dy * rate)

    def frame_box(self, lo: np.ndarray, hi: np.ndarray) -> None:
        """Frame all: the box [lo, hi] fills the view, seen from the same direction."""
        self.fit(lo, hi)

    def preset(self, name: str, lo: np.ndarray | None = None, hi: np.ndarray | None = None) -> None:
        """Look from a preset direction (PRESETS: front, back, right, left, top, bottom, home);
        with a box, frame it too."""
        self.yaw, self.pitch = (float(v) for v in PRESETS[name])
        if lo is not None and hi is not None:
            self.fit(lo, hi)

    def zoom(self, steps: float) -> None:
        """Move closer by ``steps`` wheel notches (negative: farther)."""
        self.distance = float(np.clip(self.distance * 0.88**steps, 0.05 * self.radius, 50.0 * self.radius))

    def pan(self, dx: float, dy: float) -> None:
        """Slide the target with the cursor by (dx, dy) pixels (dy positive = up)."""
        view = self.view
        scale = 2.0 * self.distance * np.tan(self.fov_y / 2.0) / max(self.height, 1)
        self.target = self.target - scale * (dx * view[0, :3] + dy * view[1, :3])

    # -- rays and pixels -----------------------------------------------------------------------

    def ray(self, x: float, y: float) -> tuple[np.ndarray, np.ndarray]:
        """(origin (3,), unit direction (3,)) of the ray through pixel (x, y) from the top-left."""
        ndc_x = 2.0 * x / self.width - 1.0
        ndc_y = 1.0 - 2.0 * y / self.height
        t = np.tan(self.fov_y / 2.0)
        d_cam = np.array([ndc_x * t * self.aspect, ndc_y * t, -1.0])
        view = self.view
        d = view[:3, :3].T @ d_cam
        return self.eye, d / np.linalg.norm(d)

    def project(self, points: np.ndarray) -> np.ndarray:
        """Pixels (N, 2) from the top-left of points (N, 3); points behind the eye give NaN."""
        p = np.atleast_2d(np.asarray(points, dtype=np.float64))
        clip = np.c_[p, np.ones(len(p))] @ (self.projection @ self.view).T
        w = clip[:, 3:4]
        with np.errstate(divide="ignore", invalid="ignore"):
            ndc = np.where(w > 1e-12, clip[:, :2] / w, np.nan)
        return np.c_[(ndc[:, 0] + 1.0) * 0.5 * self.width, (1.0 - ndc[:, 1]) * 0.5 * self.height]

    def depth_plane_point(self, anchor: np.ndarray, x: float, y: float) -> np.ndarray:
        """Where the ray through pixel (x, y) meets the plane through ``anchor`` facing the camera."""
        o, d = self.ray(x, y)
        n = self.target - self.eye
        n = n / np.linalg.norm(n)
        t = float((anchor - o) @ n) / float(d @ n)
        return o + t * d
