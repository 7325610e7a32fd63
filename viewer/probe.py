"""What the end-to-end tests and the benchmark read of the window, kept out of the window's own code.

Tests drive the real viewer from outside with xdotool, which takes pixels of the X screen; they
learn where to press from the ``ready`` event of the record (``--record``): the window's and the
view's rectangles on the screen, the camera, every part's centroid with a screen pixel that really
picks it, the panel's controls, the status lines. The window sends it again after each change that
moves those (:attr:`Probe.due`). The same screen mapping gives the ``screen`` fields of ``pick``,
``locked`` and ``drag`` events. The benchmark (:mod:`viewer.bench`) presses on a part at the pixel
:meth:`Probe.part_screen_positions` finds.
"""

from __future__ import annotations

import numpy as np
import viewer.pyglet_options  # noqa: F401  (before pyglet.window / pyglet.gl)
from pyglet import gl


class Probe:
    """Screen positions of one :class:`viewer.app.ViewerApp`'s window, its view and its parts."""

    def __init__(self, app):
        self.app = app
        self.due = True  # a ready event is owed: the window opened, moved, resized or shows another mesh
        self._location = None  # the window's top-left on the screen (an X round trip: cached)

    def moved(self) -> None:
        """The window moved on the screen: its position is fetched again, and a ready event sent."""
        self._location = None
        self.due = True

    def to_screen(self, cx: float, cy: float) -> list[float]:
        """Viewport pixel (top-left origin) -> X screen pixel (top-left), for xdotool."""
        vx, vy, vw, vh = self.app.view_rect
        if self._location is None:
            self._location = self.app.window.get_location()
        wx, wy = self._location
        _, h = self.app.window.get_size()
        return [float(wx + vx + cx), float(wy + h - (vy + vh) + cy)]

    def part_screen_positions(self) -> list[dict]:
        """Per part: rest centroid, its screen pixel, and a screen pixel that picks the part."""
        controller = self.app.controller
        mesh, camera = controller.session.mesh, controller.camera
        out = []
        transforms = controller.session.transforms()
        rng = np.random.default_rng(0)
        for label, name in enumerate(mesh.part_names):
            faces = mesh.faces[mesh.face_labels == label]
            centres = mesh.vertices[faces].mean(axis=1)
            T = transforms[label]
            centres = centres @ T[:3, :3].T + T[:3, 3]
            centroid = centres.mean(axis=0)
            pix = camera.project(centroid[None])[0]
            # A pixel that really hits this part, nearest the centroid's: try face centres.
            grab = None
            sample = centres if len(centres) <= 400 else centres[rng.choice(len(centres), 400, replace=False)]
            px = camera.project(sample)
            order = np.argsort(np.linalg.norm(px - pix, axis=1))
            for k in order[:120]:
                cx, cy = px[k]
                if not (5 <= cx < camera.width - 5 and 5 <= cy < camera.height - 5):
                    continue
                hit = controller.picker.cast(*camera.ray(cx, cy), transforms)
                if hit is not None and hit.part == label:
                    grab = [float(cx), float(cy)]
                    break
            out.append({
                "label": label, "name": name, "centroid": centroid,
                "screen": self.to_screen(*pix) if np.isfinite(pix).all() else None,
                "grab_screen": self.to_screen(*grab) if grab else None,
                "grab_view": grab,
            })
        return out

    def send_ready(self) -> None:
        """Record the ``ready`` event (see the module docstring)."""
        app, controller = self.app, self.app.controller
        session, camera = controller.session, controller.camera
        self._location = None
        wx, wy = self._location = app.window.get_location()
        w, h = app.window.get_size()
        vx, vy, vw, vh = app.view_rect
        controller.record(
            "ready", window={"x": wx, "y": wy, "width": w, "height": h},
            view={"x": wx + vx, "y": wy + h - (vy + vh), "width": vw, "height": vh},
            camera={"eye": camera.eye, "target": camera.target, "view": camera.view,
                    "projection": camera.projection},
            parts=self.part_screen_positions() if session.mesh is not None else [],
            renderer=gl.gl_info.get_renderer(), base=session.base,
            up=session.mesh.up if session.mesh is not None else None,
            controls={k: [wx + x, wy + h - y] for k, (x, y) in app.panel.controls().items()},
            status=app.panel.status_text(),
        )
        self.due = False
