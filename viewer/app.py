"""The viewer window: event loop, mouse and keyboard, and drawing.

Mouse: left-press on a part grabs it at the ray-cast surface point; once the drag has gone
``INFER_AT_PX[0]`` pixels the joint is inferred (once per part, and again at each further distance of
``INFER_AT_PX`` while the button is held); every later movement puts the part at the joint value under the
cursor, within the joint's limits (:mod:`viewer.follow`); the release generates the trajectory. The
inference's runners-up are drawn as see-through ghosts and listed in the panel; 1 / 2 / 3 (or a
click on the list) pick one, and the drag is re-played on it. A carried part (a handle) drags its
carrier. Shift+click (press and release without moving) on a part puts it in the selected part's
group, or takes it out again: a group (a door in loose pieces) moves, shows and exports as one part.
In hinge mode (H) a click on a part makes its nearest box edge the hinge; in pivot mode (P) a drag in the
view moves the selected hinge's line, landing on the part's box edges near it. The base (the part the others move
against, :func:`viewer.session.find_base`) is never grabbed: a press on it says so and orbits. A
click on the base, or on a mesh with no parts (one welded surface), finds the part under it
(:mod:`dragmesh.segment`) and selects it, highlighted, ready to drag; Shift+click on the base adds
the part found there to the selected part's group (Shift+click on a member takes it out again).
Left-drag on the background (or with Shift/Ctrl/Alt anywhere) orbits, right or middle drag pans, the
wheel zooms; while the camera moves a heavy mesh is drawn from lighter stand-ins (:mod:`viewer.lod`).

Keys: F frame all, Home reset view, 1 / 3 / 7 (or the keypad's) front / side / top (with Ctrl: back /
other side / bottom) -- but 1 / 2 / 3 pick a candidate joint while the selected part has some --,
A snap the axis to the next box axis, H hinge mode, P pivot mode, L type the limits, G hide / show the ghosts,
Ctrl+Z undo (also Z, U),
Ctrl+Shift+Z or Ctrl+Y redo, Shift+F flip the axis, R reset the part, B make the selected part the
base, S resample, E export, Space play, O or Ctrl+O open, Escape leave the limit entry / hinge or pivot mode /
recent-files menu (else quit), Q quit. Dropping a file on the window opens it.

Nothing a user does may crash the window: failures of the pipeline or the loader become a red
status line (and an ``error`` event in the record).
"""

from __future__ import annotations

import concurrent.futures
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

import viewer.pyglet_options  # noqa: F401  (before pyglet.window / pyglet.gl)
import pyglet
from pyglet import gl
from pyglet.window import key, mouse

from dragmesh.errors import DragMeshError, InputError
from viewer.camera import OrbitCamera
from viewer.overlay import axis_arrow, clip_to_view, part_measures
from viewer.panel import CANDIDATE_COLORS, PANEL_WIDTH, STATUS_HEIGHT, Panel
from viewer.recent import RecentFiles, dialog_folder
from viewer.record import Recorder
from viewer.scene import GLScene, Ghost, Overlay, frame_for_axis
from viewer.session import BASE_LOCKED, INFER_PX, Session, ghost_value, timed
from viewer.widgets import FONT, MUTED, fit_lines

AXIS_COLOR = (0.10, 0.45, 0.95)
PIVOT_COLOR = (0.95, 0.20, 0.25)
PALETTE = [
    (0.78, 0.79, 0.82), (0.96, 0.55, 0.12), (0.22, 0.56, 0.86), (0.36, 0.70, 0.36), (0.86, 0.32, 0.36),
    (0.60, 0.46, 0.80), (0.93, 0.78, 0.24), (0.30, 0.74, 0.74), (0.74, 0.50, 0.36), (0.88, 0.50, 0.70),
]
# Pixels the cursor must move before a press on a part becomes a drag.
DRAG_THRESHOLD = 3.0
MESH_TYPES = [("Meshes", "*.obj *.glb *.gltf *.ply *.stl *.off *.urdf"), ("All files", "*")]
# After the last wheel notch, the camera counts as still for a full-detail frame after this long (s).
SETTLE_S = 0.2
# While the camera moves, heavy meshes are drawn from their stand-ins only where a full-detail frame
# takes longer than this (software GL); a GPU that draws the whole mesh fast always shows it whole.
LOD_FRAME_MS = 10.0
# Preset keys: key -> (preset, preset with Ctrl).
VIEW_KEYS = {
    key._1: ("front", "back"), key.NUM_1: ("front", "back"), key._3: ("right", "left"),
    key.NUM_3: ("right", "left"), key._7: ("top", "bottom"), key.NUM_7: ("top", "bottom"),
}
# Keys that pick a candidate joint (while the selected part has candidates).
CHOICE_KEYS = {key._1: 0, key._2: 1, key._3: 2}
GHOST_ALPHA = 0.35


def axis_name(up) -> str:
    """"+Z" for (0, 0, 1) and the like; the rounded vector for an oblique direction."""
    u = np.asarray(up, dtype=np.float64)
    k = int(np.argmax(np.abs(u)))
    if abs(u[k]) > 0.999:
        return ("+" if u[k] > 0 else "−") + "XYZ"[k]
    return "(" + ", ".join(f"{x:.2f}" for x in u) + ")"


def part_color(label: int) -> tuple[float, float, float]:
    base = PALETTE[label % len(PALETTE)]
    if label < len(PALETTE):
        return base
    # Past the palette, shift the hue a little each round so neighbours still differ.
    k = label // len(PALETTE)
    return tuple(float(np.clip(c * (0.85 + 0.1 * ((k + i) % 3)), 0, 1)) for i, c in enumerate(base))


def lighten(color, amount: float) -> tuple[float, float, float]:
    return tuple(c + (1.0 - c) * amount for c in color[:3])


@dataclass
class ViewerOptions:
    """What ``dragmesh view`` passes in; see :mod:`dragmesh.commands.view`."""

    mesh: str | None = None
    labels: str | None = None
    up: Any = None
    size: tuple[int, int] = (1280, 800)
    record: str | None = None
    out_dir: str = "dragmesh_out"
    export_formats: str = "glb,urdf"
    export_on_release: str | None = None
    frames: int = 16
    fps: float = 12.0
    title: str = "DragMesh"
    # DragMesh(...) keyword arguments: weights_dir, joint_model, motion_model.
    pipeline: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


class ViewerApp:
    """The window and its state; ``run()`` until closed."""

    def __init__(self, options: ViewerOptions, mesh=None):
        self.options = options
        self.record = Recorder(options.record)
        try:
            self.window = pyglet.window.Window(
                width=options.size[0], height=options.size[1], caption=options.title, resizable=True,
                vsync=False, file_drops=True,
            )
        except Exception as exc:  # pyglet raises its own types for "no display" / "no GL config"
            self.record("error", message=f"cannot open a window: {exc}")
            raise DragMeshError(
                f"cannot open a window ({exc}); set DISPLAY, or run under Xvfb (xvfb-run dragmesh view ...)"
            ) from None
        self.session = Session(frames=options.frames, pipeline_options=options.pipeline)
        self.scene = GLScene()
        self.camera = OrbitCamera()
        self.panel = Panel({
            "open": self.open_dialog, "recent": self.open_recent, "up": self.set_up, "view": self.set_view,
            "select": self.select, "type": self.set_type, "flip": self.flip, "reset": self.reset,
            "play": self.toggle_play, "sample": self.sample_again, "undo": self.undo, "redo": self.redo,
            "export": self.export, "scrub": self.scrub, "choose": self.choose, "snap": self.snap_axis,
            "hinge": self.toggle_hinge, "limits": self.set_limits,
        })
        self.recent = RecentFiles()
        self.default_up = options.up  # the up the next opened file gets (the last one chosen)
        self.camera_moving = False
        self.full_frame_ms: float | None = None  # recent full-detail frames (all parts, no cache)
        self._press_locked = None  # the base's hit, while a press on it may become a click
        self._shift_click = False
        self.overlay_text = pyglet.text.Label("", font_name=FONT, font_size=13, color=MUTED, anchor_x="center",
                                              anchor_y="center", multiline=True, width=600, align="center")
        self._overlay_source, self._overlay_fitted = "", None
        self.picker = None
        self.colors: list[tuple[float, float, float]] = []
        self.selected: int | None = None
        self.hovered: int | None = None
        self.mode: str | None = None
        self.hinge_mode = False  # the next click on a part puts its hinge on the nearest box edge
        self.pivot_mode = False  # drags in the view move the selected hinge's line (key P)
        self._pivot_pushed = False
        self._pivot_label = None
        self.show_ghosts = True  # the candidates' ghosts (G hides and shows them)
        self._swallow_text = False  # the key that focused an entry also sends its character
        self._drag_cursor = None  # the last (x, y) of a part drag, window pixels
        self._ghost_key = None
        self._ghost_memo = None  # ((label, candidates, choice, group), ghosts): made once per change
        self.ghost_labels: list = []
        self.drag = None
        self.press_at = (0.0, 0.0)
        self.moved = False
        self.playing = False
        self.static_version = 0
        self.dirty = True
        self.ready_sent = False
        self.message, self.message_error = "", False
        self.latency: dict[str, float] = {}
        self.frame_ms: list[float] = []
        self._location = None
        self._part_vertices: list[np.ndarray] = []
        self._part_measures: list[tuple[np.ndarray, float]] = []
        self._size = 1.0
        self.executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        self.jobs: list[tuple[concurrent.futures.Future, Callable]] = []
        self.window.push_handlers(self)
        self.panel.layout(*self.window.get_size())
        self.panel.set_recent(self.recent.existing())
        self._resize_camera()
        self.executor.submit(self.session.warm_up)
        if mesh is not None:
            self.set_mesh(mesh)
        elif options.mesh:
            self.load(options.mesh, up=options.up)
        else:
            self.show_message("Open a mesh: the Open… button, or drop a file on the window.")
        self.refresh_panel()

    # -- geometry of the window ------------------------------------------------------------------

    @property
    def view_rect(self) -> tuple[int, int, int, int]:
        """The 3D viewport (x, y, width, height) in window pixels from the bottom-left."""
        w, h = self.window.get_size()
        return 0, STATUS_HEIGHT, max(w - PANEL_WIDTH, 1), max(h - STATUS_HEIGHT, 1)

    def in_view(self, x: float, y: float) -> bool:
        vx, vy, vw, vh = self.view_rect
        return vx <= x < vx + vw and vy <= y < vy + vh

    def to_camera(self, x: float, y: float) -> tuple[float, float]:
        """Window pixel (bottom-left origin) -> viewport pixel (top-left origin)."""
        vx, vy, vw, vh = self.view_rect
        return x - vx, (vy + vh) - y

    def to_screen(self, cx: float, cy: float) -> list[float]:
        """Viewport pixel (top-left origin) -> X screen pixel (top-left), for xdotool."""
        vx, vy, vw, vh = self.view_rect
        if self._location is None:
            self._location = self.window.get_location()  # an X round trip: cached, see on_move
        wx, wy = self._location
        _, h = self.window.get_size()
        return [float(wx + vx + cx), float(wy + h - (vy + vh) + cy)]

    def _resize_camera(self) -> None:
        _, _, vw, vh = self.view_rect
        self.camera.width, self.camera.height = vw, vh

    # -- messages --------------------------------------------------------------------------------

    def show_message(self, text: str, error: bool = False) -> None:
        self.message, self.message_error = text, error
        self.record("error" if error else "message", message=text)
        self.dirty = True

    def latency_text(self) -> str:
        parts = [f"{k} {v:.1f}" for k, v in self.latency.items()]
        if self.frame_ms:
            parts.append(f"frame {np.median(self.frame_ms[-30:]):.1f}")
        return ("ms: " + " · ".join(parts)) if parts else ""

    # -- loading ---------------------------------------------------------------------------------

    def load(self, path: str | Path, up=None) -> bool:
        """Load a mesh file; on failure keep what was shown and say why.

        up: the mesh's up; by default the one the file was last viewed with (recent files), else
        the last one chosen (``--up`` or the panel), else +Y.
        """
        start = time.perf_counter()
        if up is None:
            up = self.recent.up_of(path) if Path(path).exists() else None
        if up is None:
            up = self.default_up
        try:
            mesh = self.session.load(path, labels=self.options.labels, up=up)
        except DragMeshError as exc:
            self.show_message(f"Cannot open {Path(path).name}: {exc}", error=True)
            if self.session.mesh is None:
                reason = str(exc).replace(str(path), Path(path).name)
                self._overlay_source = f"Could not open {Path(path).name}\n{reason}"
            return False
        except Exception as exc:  # a loader bug must not take the window down
            self.show_message(f"Cannot open {Path(path).name}: {type(exc).__name__}: {exc}", error=True)
            return False
        self.latency = {"load": (time.perf_counter() - start) * 1e3}
        self._install_mesh(mesh)
        self.recent.add(path, mesh.up)
        self.panel.set_recent(self.recent.existing())
        return True

    def set_mesh(self, mesh) -> None:
        self.session.set_mesh(mesh)
        self._install_mesh(mesh)

    def _install_parts(self, mesh) -> None:
        """Picking, drawing and measures of the mesh's parts (after loading, or a part found)."""
        from viewer.picking import Picker

        self.picker = Picker(mesh)
        self.window.switch_to()
        self.scene.set_mesh(mesh.vertices, mesh.faces, mesh.face_labels, mesh.n_parts)
        self.colors = [part_color(i) for i in range(mesh.n_parts)]
        self._part_vertices = [np.unique(mesh.faces[mesh.face_labels == i]) for i in range(mesh.n_parts)]
        self._part_measures = [part_measures(mesh.vertices[v]) if len(v) else (np.zeros(3), 0.0)
                               for v in self._part_vertices]

    def _install_mesh(self, mesh) -> None:
        self._install_parts(mesh)
        self._size = float(np.linalg.norm(np.ptp(mesh.vertices, axis=0)))
        self._reset_camera(mesh)
        self.full_frame_ms = None
        self.selected = self.hovered = None
        self.playing = False
        self._overlay_source = ""
        name = Path(mesh.source).name if mesh.source else "mesh"
        self.window.set_caption(f"{self.options.title} — {name}")
        self.record("loaded", path=mesh.source, parts=mesh.part_names, faces=int(len(mesh.faces)),
                    vertices=int(len(mesh.vertices)))
        if mesh.n_parts < 2:
            self.show_message(f"{name} has no parts: click on a part to find it (Shift+click adds or removes "
                              "more), then drag it.")
        else:
            self.show_message(f"Loaded {name}: {mesh.n_parts} parts, {len(mesh.faces):,} triangles. "
                              "Drag a part to move it.")
        self.ready_sent = False
        self.static_version += 1
        self.executor.submit(self.session.warm_up_mesh, mesh)

    def _reset_camera(self, mesh) -> None:
        self.camera = OrbitCamera(up=mesh.up)
        self._resize_camera()
        self.camera.fit(mesh.vertices.min(axis=0), mesh.vertices.max(axis=0))

    def set_up(self, up) -> None:
        """Give the mesh another up direction (panel buttons): the camera turns so it stands on it,
        and the joint inference gets that gravity; every part goes back to rest."""
        if self.session.mesh is None:
            self.show_message("Open a mesh first.", error=True)
            return

        def run():
            mesh = self.session.set_up(up)
            self.default_up = tuple(float(x) for x in mesh.up)
            self._reset_camera(mesh)
            self.playing = False
            pyglet.clock.unschedule(self._advance)
            if mesh.source and Path(mesh.source).exists():
                self.recent.add(mesh.source, mesh.up)
            self.record("up", up=mesh.up, camera=self.camera_fields())
            self.show_message(f"Up is now {axis_name(mesh.up)}: the view stands on it and joints are "
                              "inferred with it; every part is back at rest.")
        self._guard(run)

    def camera_fields(self) -> dict:
        c = self.camera
        return {"eye": c.eye, "target": c.target, "up": c.up, "yaw": c.yaw, "pitch": c.pitch,
                "distance": c.distance, "view": c.view, "projection": c.projection}

    def set_view(self, name: str) -> None:
        """Frame all ("frame"), reset the view ("home") or look from a preset (front, right, top,
        back, left, bottom), framing every part as it is shown."""
        if self.session.mesh is None:
            return
        lo, hi = self.session.bounds()
        if name == "frame":
            self.camera.frame_box(lo, hi)
            text = "Framed all parts."
        else:
            self.camera.preset(name, lo, hi)
            text = "View reset." if name == "home" else f"{name.capitalize()} view."
        self.camera_moving = False
        self.record("view", name=name, box=[lo, hi], camera=self.camera_fields())
        self.show_message(text)
        self.dirty = True

    def open_recent(self, path: str) -> None:
        self.load(path)
        self.refresh_panel()

    def open_dialog(self) -> None:
        try:
            import tkinter
            from tkinter import filedialog
        except ImportError:
            self.show_message("No file dialog here (tkinter missing): pass the mesh on the command line "
                              "or drop the file on the window.", error=True)
            return
        try:
            root = tkinter.Tk()
            root.withdraw()
            mesh = self.session.mesh
            start = dialog_folder(mesh.source if mesh is not None else None, self.recent.existing())
            path = filedialog.askopenfilename(title="Open a mesh", filetypes=MESH_TYPES, initialdir=start)
            root.destroy()
        except Exception as exc:
            self.show_message(f"File dialog failed: {exc}", error=True)
            return
        if path:
            self.load(path)
            self.refresh_panel()

    # -- picking ---------------------------------------------------------------------------------

    def pick(self, x: float, y: float):
        """The part hit under window pixel (x, y), or None."""
        if self.picker is None or not self.in_view(x, y):
            return None
        o, d = self.camera.ray(*self.to_camera(x, y))
        return self.picker.cast(o, d, self.session.transforms())

    def part_screen_positions(self) -> list[dict]:
        """Per part: rest centroid, its screen pixel, and a screen pixel that picks the part."""
        mesh = self.session.mesh
        out = []
        transforms = self.session.transforms()
        rng = np.random.default_rng(0)
        for label, name in enumerate(mesh.part_names):
            faces = mesh.faces[mesh.face_labels == label]
            centres = mesh.vertices[faces].mean(axis=1)
            T = transforms[label]
            centres = centres @ T[:3, :3].T + T[:3, 3]
            centroid = centres.mean(axis=0)
            pix = self.camera.project(centroid[None])[0]
            # A pixel that really hits this part, nearest the centroid's: try face centres.
            grab = None
            sample = centres if len(centres) <= 400 else centres[rng.choice(len(centres), 400, replace=False)]
            px = self.camera.project(sample)
            order = np.argsort(np.linalg.norm(px - pix, axis=1))
            for k in order[:120]:
                cx, cy = px[k]
                if not (5 <= cx < self.camera.width - 5 and 5 <= cy < self.camera.height - 5):
                    continue
                hit = self.picker.cast(*self.camera.ray(cx, cy), transforms)
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
        self._location = None
        wx, wy = self._location = self.window.get_location()
        w, h = self.window.get_size()
        vx, vy, vw, vh = self.view_rect
        self.record(
            "ready", window={"x": wx, "y": wy, "width": w, "height": h},
            view={"x": wx + vx, "y": wy + h - (vy + vh), "width": vw, "height": vh},
            camera={"eye": self.camera.eye, "target": self.camera.target, "view": self.camera.view,
                    "projection": self.camera.projection},
            parts=self.part_screen_positions() if self.session.mesh is not None else [],
            renderer=gl.gl_info.get_renderer(), base=self.session.base,
            up=self.session.mesh.up if self.session.mesh is not None else None,
            controls={k: [wx + x, wy + h - y] for k, (x, y) in self.panel.controls().items()},
            status=self.panel.status_text(),
        )
        self.ready_sent = True

    # -- actions (panel buttons and keys) ----------------------------------------------------------

    def _guard(self, fn: Callable, *args) -> Any:
        """Run an action; a DragMeshError (or a bug) becomes a message."""
        try:
            return fn(*args)
        except DragMeshError as exc:
            self.show_message(str(exc), error=True)
        except Exception as exc:
            traceback.print_exc()
            self.show_message(f"Internal error: {type(exc).__name__}: {exc}", error=True)
        finally:
            self.refresh_panel()
            self.static_version += 1
            self.dirty = True
        return None

    def make_base(self) -> None:
        """Key B: the selected part becomes the fixed base (the old base can be dragged)."""
        if self._selected_state() is None:
            return
        if self.session.is_base(self.selected):
            self.show_message(f"{self.part_name(self.selected)} is already the base.")
            return

        def run():
            self.session.push()
            old = self.session.base
            self.session.set_base(self.selected)
            self.record("base", part=self.selected, name=self.part_name(self.selected), previous=old)
            was = f"; {self.part_name(old)} can be dragged now" if old is not None else ""
            self.show_message(f"{self.part_name(self.selected)} is the base now{was}.")
        self._guard(run)

    def group_at(self, x: float, y: float) -> None:
        """Shift+click: the part under the cursor joins the selected part's group (it moves with it,
        as one rigid part), or leaves it when it is in it already. Undoable."""
        if self.session.mesh is None:
            return
        hit = self.pick(x, y)
        if hit is None:
            self.show_message("Shift+click a part to move it with the selected part (Shift+drag turns the view).")
            self.refresh_panel()
            return
        if self.selected is None or self.session.is_base(self.selected):
            if self.session.is_base(hit.part) or self.session.mesh.n_parts < 2:
                self.find_at(hit)
                return
            self.select(self.session.mover(hit.part))
            self.show_message(f"Selected {self.part_name(self.selected)}. Shift+click other parts to move them with it.")
            self.refresh_panel()
            return
        part = hit.part

        def run():
            nonlocal part
            self.playing and self.toggle_play()
            if self.session.is_base(part):  # a piece of the base: find the part there, then add it
                part = self.session.split_at(part, hit.point)
                self._install_parts(self.session.mesh)
            self.session.push()
            try:
                added = self.session.toggle_group(self.selected, part)
            except Exception:
                self.session.revert()
                raise
            self.selected = self.session.mover(self.selected)
            self._ghost_key = None
            group = self.session.group(self.selected)
            names = [self.part_name(i) for i in group]
            self.record("group", part=part, name=self.part_name(part), added=added, moves=self.selected,
                        group=names)
            if added:
                self.show_message(f"{self.part_name(part)} moves with {self.part_name(self.selected)} now "
                                  f"({', '.join(names)}); drag to infer the joint.")
            else:
                self.show_message(f"{self.part_name(part)} moves on its own now.")
        self._guard(run)

    def find_at(self, hit) -> None:
        """A click on the base, or on a mesh with no parts: the part found under it
        (:meth:`Session.split_at`) becomes a part of its own, selected and highlighted, ready to
        drag. Starts a new undo history."""
        def run():
            self.playing and self.toggle_play()
            label, ms = timed(self.session.split_at, hit.part, hit.point)
            self._install_parts(self.session.mesh)
            self.select(label)
            faces = int((self.session.mesh.face_labels == label).sum())
            self.record("found", part=label, name=self.part_name(label), point=hit.point, faces=faces, ms=ms)
            self.show_message(f"Found {self.part_name(label)} ({faces:,} triangles, {ms:.0f} ms): drag it to move it; "
                              "Shift+click adds or removes pieces.")
        self._guard(run)

    def select(self, label: int) -> None:
        self.selected = label
        self.refresh_panel()
        self.dirty = True

    def warn(self, text: str) -> None:
        """A warning in the status line (orange, not an error) and a ``warning`` event."""
        self.message, self.message_error = f"Warning: {text}", False
        self.record("warning", message=text)
        self.dirty = True

    def _joint_state(self):
        """(mover label, its state) of the selected part when it has a joint; else says why, None."""
        if self._selected_state() is None:
            return None
        label = self.session.mover(self.selected)
        state = self.session.parts[label]
        if state.joint is None:
            self.show_message("This part has no joint yet: drag it first.", error=True)
            return None
        return label, state

    def _edited(self, kind: str, label: int, what: str) -> None:
        """Record an edit or a pick and say what it did (with the collision warning if any)."""
        state = self.session.parts[label]
        self.record(kind, part=label, name=self.part_name(label), what=what, value=state.value,
                    warning=state.warning, **self.joint_fields(state))
        self._ghost_key = None
        if state.warning:
            self.warn(f"{self.part_name(label)} {state.warning}: check the joint or type tighter limits.")

    def choose(self, index: int) -> None:
        """Pick candidate ``index`` (0-based) of the dragged or selected part: the part follows the
        drag on it, or the last drag is re-played on it."""
        label = self.drag.part if self.drag is not None else self.selected
        if label is None or self.session.mesh is None:
            return
        label = self.session.mover(label)
        state = self.session.parts[label]
        if index >= len(state.candidates):
            self.show_message(f"There is no candidate {index + 1} for {self.part_name(label)}.", error=True)
            return
        drag = self.drag

        def run():
            if drag is None:
                self.session.push()
            self.session.choose(label, index, drag)
            cand = state.candidates[index] if index < len(self.session.parts[label].candidates) else None
            if drag is not None and self._drag_cursor is not None:
                self.drag_part(*self._drag_cursor)  # the part jumps onto the new joint under the cursor
            self._edited("choose", label, f"candidate {index + 1}")
            if not self.session.parts[label].warning and cand is not None:
                self.show_message(f"{self.part_name(label)}: candidate {index + 1}, {cand.joint.type} "
                                  f"({cand.words}). " + ("Keep dragging." if drag is not None else "The drag is re-played on it."))
        self._guard(run)

    def snap_axis(self) -> None:
        """Key A: the axis to the part's next box axis."""
        picked = self._joint_state()
        if picked is None:
            return
        label, _ = picked

        def run():
            self.session.push()
            joint = self.session.snap_axis(label)
            self._edited("edit", label, "axis")
            if not self.session.parts[label].warning:
                self.show_message(f"Axis snapped to the part's box axis {tuple(round(float(a), 3) for a in joint.axis)}; "
                                  "A again for the next one.")
        self._guard(run)

    def toggle_ghosts(self) -> None:
        """Key G: hide or show the candidates' ghosts."""
        self.show_ghosts = not self.show_ghosts
        self.record("ghosts", shown=self.show_ghosts)
        self.show_message("Candidates' ghosts shown." if self.show_ghosts else "Candidates' ghosts hidden (G shows them).")
        self.dirty = True

    def toggle_hinge(self) -> None:
        """Key H / the Hinge… button: the next click on a part makes its nearest box edge the hinge."""
        if self.session.mesh is None:
            return
        self.hinge_mode = not self.hinge_mode
        self.record("mode", hinge=self.hinge_mode)
        if self.hinge_mode:
            self.show_message("Hinge mode: click a part near the edge it turns about (Escape leaves).")
        else:
            self.show_message("Hinge mode off.")
        self.refresh_panel()

    def hinge_at(self, x: float, y: float) -> None:
        """A click in hinge mode: the clicked part's box edge nearest the click becomes its hinge."""
        hit = self.pick(x, y)
        if hit is None or self.session.is_base(hit.part):
            what = "the base is fixed" if hit is not None else "nothing there"
            self.show_message(f"Hinge mode: {what}; click a moving part near its hinge edge (Escape leaves).",
                              error=True)
            return
        label = self.session.mover(hit.part)
        self.hinge_mode = False

        def run():
            self.session.push()
            self.selected = label
            joint = self.session.set_hinge(label, hit.point)
            self._edited("edit", label, "hinge")
            if not self.session.parts[label].warning:
                lo, hi = joint.limits
                self.show_message(f"{self.part_name(label)} turns about the clicked edge now, "
                                  f"{np.degrees(lo):.0f}° to {np.degrees(hi):.0f}° (type other limits in the panel).")
        self._guard(run)

    def toggle_pivot(self) -> None:
        """Key P: the selected hinged part waits in the pose in the file and drags in the view move
        its hinge line (its direction kept) through the point of the part under the cursor, landing on
        the part's box edges near it; P or Escape leaves and re-plays the drag on the moved line."""
        picked = self._joint_state()
        if not self.pivot_mode and (picked is None or not picked[1].joint.is_revolute):
            self.show_message("Pivot: select a part with a hinge first (drag it, or pick a hinge).", error=True)
            return
        self.pivot_mode = not self.pivot_mode
        self.hinge_mode = False
        self.record("mode", pivot=self.pivot_mode)
        if self.pivot_mode:
            self._pivot_label = label = picked[0]
            self.session.show_rest(label)
            self.show_message("Pivot mode: drag on the part to move its hinge line; it lands on the part's "
                              "edges (P or Escape leaves).")
        elif self._pivot_label is not None:
            label, self._pivot_label = self._pivot_label, None
            self._guard(lambda: self._replayed(label))
        self.dirty = True
        self.refresh_panel()

    def _replayed(self, label: int) -> None:
        joint = self.session.replay(label)
        if joint is None:
            return
        self._edited("replay", label, "pivot")
        o = joint.origin
        if not self.session.parts[label].warning:
            self.show_message(f"{self.part_name(label)} turns about the line through "
                              f"({o[0]:.3g}, {o[1]:.3g}, {o[2]:.3g}).")

    def pivot_to(self, x: float, y: float, first: bool = False) -> None:
        """A drag in pivot mode: the hinge line through the point of the part under the cursor
        (off the part: through the point under it in the plane facing the camera through the line)."""
        picked = self._joint_state()
        if picked is None or not picked[1].joint.is_revolute:
            self.pivot_mode = False
            return
        label, state = picked
        hit = self.pick(x, y)
        if hit is not None and self.session.mover(hit.part) == label:
            point = hit.point
        else:
            point = self.camera.depth_plane_point(state.joint.origin, *self.to_camera(x, y))

        def run():
            if first:
                self.session.push()
            joint = self.session.set_pivot(label, point, shown=True, replay=False)
            self.record("pivot", part=label, name=self.part_name(label), origin=joint.origin, axis=joint.axis)
            self.dirty = True
            self.refresh_panel()
        self._guard(run)

    def focus_limits(self) -> None:
        """Key L: type the limits (lower, Tab, upper, Return)."""
        if self._joint_state() is None:
            return
        if self.panel.focus_limits(0):
            self._swallow_text = True
            self.show_message("Type the lower limit, Tab, the upper, Return (degrees for a hinge, mesh units "
                              "for a slide; 0 is the pose in the file). Escape leaves.")
        self.dirty = True

    def set_limits(self, lower_text: str, upper_text: str) -> None:
        """The limit entries' texts: degrees for a hinge, mesh units for a slide; both empty or
        "none" for a joint that turns freely."""
        picked = self._joint_state()
        if picked is None:
            return
        label, state = picked

        def parse(text: str):
            text = text.strip().rstrip("°").strip().lower()
            if text in ("", "none", "-"):
                return None
            try:
                value = float(text)
            except ValueError:
                raise InputError(f"a limit must be a number, got {text!r}") from None
            return np.radians(value) if state.joint.is_revolute else value

        def run():
            lower, upper = parse(lower_text), parse(upper_text)
            self.session.push()
            joint = self.session.set_limits(label, lower, upper)
            self._edited("edit", label, "limits")
            if not self.session.parts[label].warning:
                text = "none (turns freely)" if joint.limits is None else (
                    f"{lower_text.strip()} to {upper_text.strip()}" + (" degrees" if joint.is_revolute else ""))
                self.show_message(f"{self.part_name(label)} limits: {text}.")
        self._guard(run)

    def _selected_state(self):
        if self.selected is None or self.session.mesh is None:
            self.show_message("Select a part first (click it in the view or in the list).", error=True)
            return None
        return self.session.parts[self.selected]

    def set_type(self, joint_type: str | None) -> None:
        if self._selected_state() is None:
            return

        def run():
            self.session.push()
            _, ms = timed(self.session.override_type, self.selected, joint_type)
            state = self.session.parts[self.selected]
            self.latency = {k: v for k, v in state.timing_ms.items() if k in ("joint", "motion", "projection")}
            kind = joint_type or "as inferred"
            self.show_message(f"Joint type: {kind}." + (" Joint inferred again." if state.result else ""))
            if state.joint is not None:
                self.record("joint", part=self.selected, name=self.part_name(self.selected), override=joint_type,
                            **self.joint_fields(state))
        self._guard(run)

    def flip(self) -> None:
        state = self._selected_state()
        if state is None:
            return

        def run():
            self.session.push()
            self.session.flip(self.selected)
            flipped = self.session.parts[self.selected]
            self.record("joint", part=self.selected, name=self.part_name(self.selected), flipped=True,
                        **self.joint_fields(flipped))
            self.show_message("Axis flipped: the part now moves the other way.")
        self._guard(run)

    def reset(self) -> None:
        if self._selected_state() is None:
            return

        def run():
            self.session.push()
            self.session.reset(self.selected)
            self.playing = False
            self.show_message(f"{self.part_name(self.selected)} is back at rest; its next drag infers the joint again.")
        self._guard(run)

    def undo(self) -> None:
        def run():
            if self.session.undo():
                self._stop_playing()
                self.record("undo")
                self.show_message("Undone (Ctrl+Shift+Z redoes).")
            else:
                self.show_message("Nothing to undo.")
        self._guard(run)

    def redo(self) -> None:
        def run():
            if self.session.redo():
                self._stop_playing()
                self.record("redo")
                self.show_message("Redone.")
            else:
                self.show_message("Nothing to redo.")
        self._guard(run)

    def _stop_playing(self) -> None:
        if self.playing:
            self.playing = False
            pyglet.clock.unschedule(self._advance)

    def sample_again(self) -> None:
        state = self._selected_state()
        if state is None:
            return
        if state.result is None:
            self.show_message("Release a drag first: there is no trajectory to sample again.", error=True)
            return

        def run():
            self.session.push()
            result = self.session.generate(self.selected, seed=state.seed + 1)
            self.latency = {k: result.timing_ms[k] for k in ("motion", "projection")}
            self.record("trajectory", part=self.selected, name=self.part_name(self.selected),
                        values=result.values, seed=self.session.parts[self.selected].seed,
                        timing_ms=result.timing_ms)
            self.show_message(f"New trajectory sample (seed {self.session.parts[self.selected].seed}).")
        self._guard(run)

    def toggle_play(self) -> None:
        if not self.session.articulated():
            self.show_message("Nothing to play yet: drag a part and release it.", error=True)
            return
        self.playing = not self.playing
        if self.playing:
            if self.session.frame is None or self.session.frame >= self.session.frames - 1:
                self.session.frame = 0
            pyglet.clock.schedule_interval(self._advance, 1.0 / self.options.fps)
        else:
            pyglet.clock.unschedule(self._advance)
        self.refresh_panel()
        self.dirty = True

    def _advance(self, dt: float) -> None:
        frame = (self.session.frame or 0) + 1
        self.session.frame = frame % self.session.frames
        self.refresh_panel()
        self.dirty = True

    def scrub(self, frame: int) -> None:
        if self.playing:
            self.toggle_play()
        self.session.frame = int(frame)
        self.refresh_panel()
        self.dirty = True

    def export(self, formats: str | None = None, out_dir: str | None = None) -> None:
        """Write every articulated part to the output folder, in the background."""
        formats = formats or self.options.export_formats
        out_dir = out_dir or self.options.out_dir
        if self.pivot_mode:
            self.toggle_pivot()  # the part waits at rest while its pivot is edited: re-play first
        if not self.session.articulated():
            self.show_message("Nothing to export yet: drag a part and release it.", error=True)
            return
        self.show_message(f"Exporting {formats.upper()} to {out_dir}…")
        session = self.session

        def done(future):
            try:
                written, ms = future.result()
            except DragMeshError as exc:
                self.show_message(f"Export failed: {exc}", error=True)
                return
            except Exception as exc:
                self.show_message(f"Export failed: {type(exc).__name__}: {exc}", error=True)
                return
            paths = [str(p) for ps in written.values() for p in ps]
            self.latency["export"] = ms
            self.record("export", formats=formats, paths=paths, ms=ms)
            self.show_message(f"Exported {', '.join(Path(p).name for p in paths)} to {out_dir}.")

        future = self.executor.submit(timed, session.export, out_dir, formats)
        self.jobs.append((future, done))

    # -- panel -----------------------------------------------------------------------------------

    def part_name(self, label: int) -> str:
        return self.session.mesh.part_names[label]

    @staticmethod
    def joint_fields(state) -> dict:
        j = state.joint
        return {"type": j.type, "axis": j.axis, "origin": j.origin, "limits": j.limits,
                "type_probability": state.type_probability, "choice": state.choice, "edited": state.edited,
                "candidates": [{**c.joint.to_dict(), "probability": c.probability, "of": c.of, "source": c.source,
                                "words": c.words} for c in state.candidates]}

    def refresh_panel(self) -> None:
        mesh = self.session.mesh
        names = mesh.part_names if mesh is not None else []
        kinds = [s.joint.type if s.joint is not None else None for s in self.session.parts]
        for child in self.session.carriers:
            if child < len(kinds):
                kinds[child] = f"with {names[self.session.mover(child)]}"
        base = self.session.base if mesh is not None else None
        self.panel.set_parts(names, self.colors, self.selected, self.hovered, kinds, base)
        state = self.session.parts[self.selected] if self.selected is not None and mesh is not None else None
        carrier = self.session.carrier_of(self.selected) if state is not None else None
        live = None
        if state is not None and state.joint is not None:
            if self.session.frame is not None and state.result is not None:
                live = float(state.result.values[min(self.session.frame, state.result.frames - 1)])
            else:
                live = state.value
        self.panel.set_joint(self.part_name(self.selected) if state is not None else None, state, live,
                             mesh is not None, is_base=state is not None and self.session.is_base(self.selected),
                             carried_by=self.part_name(carrier) if carrier is not None else None,
                             hinge_mode=self.hinge_mode)
        has_traj = bool(self.session.articulated())
        self.panel.set_trajectory(self.session.frame, self.session.frames, self.playing, has_traj,
                                  state is not None and state.result is not None, bool(self.session.history),
                                  bool(self.session.redo_stack))
        self.panel.set_view(mesh.up if mesh is not None else None, mesh is not None)
        self.panel.file.set(mesh.source if mesh is not None and mesh.source else "")
        self.panel.out_text.set(f"to {self.options.out_dir}")
        self.panel.set_status(self.message, self.message_error, self.latency_text())

    # -- pyglet events ---------------------------------------------------------------------------

    def on_resize(self, width: int, height: int) -> None:
        self.panel.layout(width, height)
        self._resize_camera()
        self.refresh_panel()
        self.dirty = True
        self.ready_sent = False

    def on_move(self, x: int, y: int) -> None:
        self._location = None
        self.ready_sent = False

    def on_file_drop(self, x: int, y: int, paths: list[str]) -> None:
        """A file dropped on the window opens (the first, when several are dropped)."""
        if paths:
            self.record("drop", paths=list(paths))
            self.load(paths[0])
            self.refresh_panel()

    def on_mouse_motion(self, x, y, dx, dy) -> None:
        if self.panel.hover(x, y):
            self.dirty = True
        hit = self.pick(x, y)
        hovered = hit.part if hit is not None else None
        if hovered != self.hovered:
            self.hovered = hovered
            self.static_version += 1
            if hovered is not None:
                self.record("hover", part=hovered, name=self.part_name(hovered))
            self.refresh_panel()
            self.dirty = True

    def on_mouse_press(self, x, y, button, modifiers) -> None:
        self.press_at, self.moved = (x, y), False
        self._press_locked = None
        # Shift (alone) + a press and release that does not move: group the part (else it orbits).
        self._shift_click = (button == mouse.LEFT and bool(modifiers & key.MOD_SHIFT)
                             and not modifiers & (key.MOD_CTRL | key.MOD_ALT))
        if self.panel.menu_open or not self.in_view(x, y):
            self.mode = "panel"
            if button == mouse.LEFT:
                self.panel.press(x, y)
            return
        if self.panel.focused_entry() is not None:
            self.panel.blur()  # a click in the view leaves the limit entry
            self.refresh_panel()
        orbit_mods = modifiers & (key.MOD_SHIFT | key.MOD_CTRL | key.MOD_ALT)
        if button == mouse.LEFT and not orbit_mods and self.hinge_mode:
            self.mode = None
            self.hinge_at(x, y)
            return
        if button == mouse.LEFT and not orbit_mods and self.pivot_mode:
            self.mode = "pivot"
            self._pivot_pushed = False
            return
        if button == mouse.LEFT and not orbit_mods:
            hit = self.pick(x, y)
            if hit is not None and (self.session.is_base(hit.part) or self.session.mesh.n_parts < 2):
                name = self.part_name(hit.part)
                self._press_locked = hit  # a click (no movement) finds the part there on release
                self.record("locked", part=hit.part, name=name, point=hit.point,
                            screen=self.to_screen(*self.to_camera(x, y)))
                self.show_message(f"{name}: {BASE_LOCKED} (a click finds the part there; dragging here turns "
                                  "the view; B makes the selected part the base).")
                self.refresh_panel()
                self.mode = "orbit"
                return
            if hit is not None and self.session.mesh.n_parts > 1:
                self.playing and self.toggle_play()
                self.session.push()
                self.drag = self.session.begin_drag(hit.part, hit.point)
                self._drag_cursor = (x, y)
                self.mode = "part"
                self.selected = self.drag.part  # a handle selects (and drags) its door
                self.record("pick", part=hit.part, name=self.part_name(hit.part), point=hit.point,
                            rest_point=hit.rest_point, screen=self.to_screen(*self.to_camera(x, y)),
                            moves=self.drag.part, group=[self.part_name(i) for i in self.session.group(hit.part)])
                self.refresh_panel()
                self.dirty = True
                return
            self.mode = "orbit"
        elif button == mouse.LEFT:
            self.mode = "orbit"
        else:
            self.mode = "pan"

    def on_mouse_drag(self, x, y, dx, dy, buttons, modifiers) -> None:
        if abs(x - self.press_at[0]) + abs(y - self.press_at[1]) >= DRAG_THRESHOLD:
            self.moved = True
        if self.mode == "orbit":
            self.camera.orbit(dx, dy)
            self.camera_moving = True
        elif self.mode == "pan":
            self.camera.pan(dx, dy)
            self.camera_moving = True
        elif self.mode == "panel":
            self.panel.drag(x, y)
        elif self.mode == "part":
            self.drag_part(x, y)
            return
        elif self.mode == "pivot":
            if self.moved:
                self.pivot_to(x, y, first=not self._pivot_pushed)
                self._pivot_pushed = True
            return
        else:
            return
        self.dirty = True

    def drag_part(self, x: float, y: float) -> None:
        drag = self.drag
        if drag is None or not self.moved:
            return
        self._drag_cursor = (x, y)
        cx, cy = self.to_camera(x, y)
        drag.target = self.camera.depth_plane_point(drag.grab, cx, cy)
        pixels = float(np.hypot(x - self.press_at[0], y - self.press_at[1]))
        if self.session.inference_due(drag, pixels):
            try:
                joint, ms = timed(self.session.infer_joint, drag, drag.target - drag.grab)
            except DragMeshError as exc:
                self.show_message(f"Cannot move {self.part_name(drag.part)}: {exc}", error=True)
                self.mode, self.drag = None, None
                self.session.revert()
                self.refresh_panel()
                return
            state = self.session.parts[drag.part]
            self.latency = {"joint": state.timing_ms.get("joint", ms)}
            self.record("joint", part=drag.part, name=self.part_name(drag.part), ms=ms, pixels=pixels,
                        inference=drag.inferences, group=[self.part_name(i) for i in self.session.group(drag.part)],
                        **self.joint_fields(state))
            how = "forced" if state.type_override else f"p = {state.type_probability:.2f}"
            others = len(state.candidates) - 1
            alt = f"; {others} other{'s' if others > 1 else ''} shown (1 / 2 / 3 pick)" if others > 0 else ""
            self.show_message(f"{self.part_name(drag.part)}: {joint.type} joint ({how}){alt}. "
                              "Release to generate the motion.")
            if state.warning:
                self.warn(f"{self.part_name(drag.part)} {state.warning}: check the joint or type tighter limits.")
        if drag.follower is None:
            return  # too short to say which way yet: the part waits
        o, d = self.camera.ray(cx, cy)
        value = self.session.follow(drag, o, d, np.array([cx, cy]), self.camera.project)
        point = drag.follower.point(value)
        pix = self.camera.project(point[None])[0]
        self.record("drag", part=drag.part, value=value, point=point, cursor=self.to_screen(cx, cy),
                    screen=self.to_screen(*pix) if np.isfinite(pix).all() else None)
        self.refresh_panel()
        self.dirty = True

    def on_mouse_release(self, x, y, button, modifiers) -> None:
        mode, self.mode = self.mode, None
        if mode in ("orbit", "pan") and self.camera_moving:
            self.camera_moving = False  # the next frame is drawn whole again
            self.dirty = True
        if mode == "panel":
            self.panel.release()
            return
        if mode == "pivot":
            picked = self._joint_state()
            if picked is not None and self._pivot_pushed:
                label, state = picked
                o = state.joint.origin
                self._edited("edit", label, "pivot")
                self.show_message(f"{self.part_name(label)}'s hinge line runs through ({o[0]:.3g}, {o[1]:.3g}, "
                                  f"{o[2]:.3g}); P or Escape re-plays the drag on it.")
            return
        if mode == "orbit" and self._press_locked is not None:
            if not self.moved and button == mouse.LEFT:
                self.find_at(self._press_locked)
            return
        if mode == "orbit" and self._shift_click and not self.moved:
            self.group_at(x, y)
            return
        if mode == "orbit" and not self.moved and button == mouse.LEFT and self.session.mesh is not None:
            self.show_message("Nothing to grab there: drag a part to move it, drag the background to orbit.")
            self.refresh_panel()
            return
        if mode != "part" or self.drag is None:
            return
        drag, self.drag = self.drag, None
        state = self.session.parts[drag.part]
        if drag.follower is None:
            self.session.revert()  # a click, or a drag too short to say which way: nothing changed
            further = " further" if self.moved else ""
            self.show_message(f"Selected {self.part_name(drag.part)}. Drag it{further} to move it "
                              f"(the joint is inferred after {INFER_PX:.0f} pixels).")
            self.refresh_panel()
            return
        value = state.value
        point = drag.follower.point(value)
        group = self.session.group(drag.part)
        self.record("release", part=drag.part, name=self.part_name(drag.part), value=value, point=point,
                    limits=state.joint.limits if state.joint is not None else None,
                    poses={self.part_name(i): self.session.transform(i) for i in group})

        def run():
            result = self.session.end_drag(drag)
            if result is None:
                self.show_message(f"{self.part_name(drag.part)} is back at rest: no motion to generate.")
                return
            self.latency = {k: result.timing_ms[k] for k in ("motion", "projection") if k in result.timing_ms}
            self.latency = {"joint": state.timing_ms.get("joint", 0.0), **self.latency}
            self.record("trajectory", part=drag.part, name=self.part_name(drag.part), values=result.values,
                        joint=result.joint.to_dict(), timing_ms=result.timing_ms, frames=result.frames)
            self.show_message(f"{self.part_name(drag.part)}: trajectory of {result.frames} frames "
                              f"({result.generator}). Space plays it; E exports.")
            if self.options.export_on_release:
                self.export(self.options.export_formats, self.options.export_on_release)
        self._guard(run)

    def on_mouse_scroll(self, x, y, scroll_x, scroll_y) -> None:
        if self.in_view(x, y) and not self.panel.menu_open:
            self.camera.zoom(scroll_y)
            self.camera_moving = True
            pyglet.clock.unschedule(self._settle)
            pyglet.clock.schedule_once(self._settle, SETTLE_S)
            self.dirty = True

    def _settle(self, dt: float = 0.0) -> None:
        if self.camera_moving and self.mode not in ("orbit", "pan"):
            self.camera_moving = False
            self.dirty = True

    def key_action(self, symbol: int, modifiers: int) -> Callable | None:
        """The action of a key press (see the module docstring), or None."""
        accel = bool(modifiers & (key.MOD_ACCEL | key.MOD_CTRL))
        shift = bool(modifiers & key.MOD_SHIFT)
        if symbol in CHOICE_KEYS and not accel and self._candidates():
            index = CHOICE_KEYS[symbol]
            return lambda: self.choose(index)
        if symbol in VIEW_KEYS:
            name = VIEW_KEYS[symbol][1 if accel else 0]
            return lambda: self.set_view(name)
        if accel:
            return {key.Z: self.redo if shift else self.undo, key.Y: self.redo, key.O: self.open_dialog}.get(symbol)
        if symbol == key.F:
            return self.flip if shift else (lambda: self.set_view("frame"))
        return {
            key.HOME: lambda: self.set_view("home"), key.NUM_HOME: lambda: self.set_view("home"),
            key.SPACE: self.toggle_play, key.R: self.reset, key.Z: self.undo, key.U: self.undo,
            key.S: self.sample_again, key.E: self.export, key.O: self.open_dialog, key.B: self.make_base,
            key.A: self.snap_axis, key.H: self.toggle_hinge, key.L: self.focus_limits,
            key.P: self.toggle_pivot, key.G: self.toggle_ghosts,
        }.get(symbol)

    def _candidates(self) -> tuple:
        """The candidates of the part being dragged, else of the selected part."""
        label = self.drag.part if self.drag is not None else self.selected
        if label is None or self.session.mesh is None:
            return ()
        state = self.session.parts[self.session.mover(label)]
        return state.candidates if state.joint is not None else ()

    def on_key_press(self, symbol, modifiers):
        if self.panel.focused_entry() is not None:
            # Typing limits: every key is the entry's (Return sets, Escape leaves).
            self.panel.entry_key(symbol)
            self.dirty = True
            return pyglet.event.EVENT_HANDLED
        if symbol == key.ESCAPE and self.hinge_mode:
            self.toggle_hinge()
            return pyglet.event.EVENT_HANDLED
        if symbol == key.ESCAPE and self.pivot_mode:
            self.toggle_pivot()
            return pyglet.event.EVENT_HANDLED
        if symbol == key.ESCAPE and self.panel.menu_open:
            self.panel.toggle_recent(False)
            self.dirty = True
            return pyglet.event.EVENT_HANDLED
        if symbol in (key.ESCAPE, key.Q) and not modifiers & (key.MOD_ACCEL | key.MOD_CTRL):
            self.record("quit")
            self.window.has_exit = True
            return pyglet.event.EVENT_HANDLED
        action = self.key_action(symbol, modifiers)
        if action is not None:
            self.record("key", symbol=key.symbol_string(symbol), modifiers=key.modifiers_string(modifiers))
            action()
            self.dirty = True
            return pyglet.event.EVENT_HANDLED
        return None

    def on_text(self, text: str) -> None:
        if self._swallow_text:
            self._swallow_text = False
            if text in ("l", "L"):
                return  # the character of the key that focused the entry
        if self.panel.entry_text(text):
            self.dirty = True

    def on_close(self) -> None:
        self.record("quit")

    # -- drawing ---------------------------------------------------------------------------------

    def overlays(self) -> list[Overlay]:
        label = self.drag.part if self.drag is not None else self.selected
        if label is None or self.session.mesh is None:
            return []
        label = self.session.mover(label)
        state = self.session.parts[label]
        if state.joint is None:
            return []
        mesh = self.session.mesh
        j = state.joint
        size = self._size
        verts = mesh.vertices[self._part_vertices[label]]
        T = self.session.transform(label)
        box_centre, part_size = self._part_measures[label]
        axis, centre, half, anchor = axis_arrow(j, verts, T, size, box_centre, part_size)
        pivot = centre.copy()
        centre, half = clip_to_view(axis, centre, half, anchor, self.camera.project, self.camera.width,
                                    self.camera.height)
        arrow = Overlay("arrow", frame_for_axis(axis, centre, half), AXIS_COLOR)
        if j.is_revolute:
            ball = np.eye(4)
            ball[:3, :3] *= 0.012 * size
            ball[:3, 3] = pivot
            return [arrow, Overlay("ball", ball, PIVOT_COLOR)]
        return [arrow]

    def ghosts(self) -> list[Ghost]:
        """The dragged (else selected) part's other candidates, each drawn see-through at the middle
        of its range in its colour (the list's swatch); none while playing or while the camera moves.
        They are drawn with the static parts, so a drag's frames do not pay for them."""
        label = self.drag.part if self.drag is not None else self.selected
        if label is None or self.session.mesh is None or self.playing or self.light_frame() or not self.show_ghosts:
            return []  # not while playing, nor while the camera moves (those frames must be light)
        label = self.session.mover(label)
        state = self.session.parts[label]
        if state.joint is None or len(state.candidates) < 2:
            return []
        group = self.session.group(label)
        memo = (label, id(state.candidates), state.choice, tuple(group))
        if self._ghost_memo is not None and self._ghost_memo[0] == memo:
            return self._ghost_memo[1]
        out = []
        verts = self.session.mesh.vertices[self._part_vertices[label]]
        if not len(verts):
            return out
        lo, hi = verts.min(axis=0), verts.max(axis=0)
        corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
        size = float(np.linalg.norm(hi - lo))
        for i, cand in enumerate(state.candidates):
            if i == state.choice:
                continue
            extent = float(np.ptp(verts @ cand.joint.axis))
            T = cand.joint.transform(ghost_value(cand.joint, extent))
            if np.linalg.norm(corners @ T[:3, :3].T + T[:3, 3] - corners, axis=1).max() < 0.03 * size:
                continue  # hardly moves: a ghost on top of the part would only flicker
            out += [Ghost(k, T, CANDIDATE_COLORS[i % len(CANDIDATE_COLORS)], GHOST_ALPHA) for k in group]
        self._ghost_memo = (memo, out)
        return out

    def ghost_numbers(self, ghosts: list[Ghost]) -> None:
        """The candidate's number beside each ghost (at its posed box centre)."""
        seen = []
        for g in ghosts:
            if g.color in [c for c, _ in seen] or g.label >= len(self._part_measures):
                continue
            centre, _ = self._part_measures[g.label]
            seen.append((g.color, g.model[:3, :3] @ centre + g.model[:3, 3]))
        while len(self.ghost_labels) < len(seen):
            self.ghost_labels.append(pyglet.text.Label("", font_name=FONT, font_size=15, weight="bold",
                                                       anchor_x="center", anchor_y="center"))
        vx, vy, vw, vh = self.view_rect
        for label, (color, centre) in zip(self.ghost_labels, seen):
            pix = self.camera.project(centre[None])[0]
            if not np.isfinite(pix).all() or not (0 <= pix[0] < vw and 0 <= pix[1] < vh):
                continue
            label.text = str(CANDIDATE_COLORS.index(color) + 1)
            label.color = tuple(int(255 * c * 0.8) for c in color) + (255,)
            label.position = (vx + pix[0], vy + vh - pix[1], 0)
            label.draw()

    def part_colors(self) -> list[tuple[float, float, float]]:
        colors = list(self.colors)
        if self.selected is not None and self.selected < len(colors):
            for label in self.session.group(self.selected):  # a group is one selection
                colors[label] = lighten(self.colors[label], 0.18)
        if self.hovered is not None and self.hovered < len(colors):
            colors[self.hovered] = lighten(self.colors[self.hovered], 0.38)
        if self.drag is not None:
            for label in self.session.group(self.drag.part):
                colors[label] = lighten(self.colors[label], 0.38)
        return colors

    def dynamic_parts(self) -> list[int]:
        """The parts that move from frame to frame: the dragged part's group, or while playing
        every articulated part's group."""
        if self.drag is not None:
            return self.session.group(self.drag.part)
        if self.playing:
            return [m for label in self.session.articulated() for m in self.session.group(label)]
        return []

    def draw(self) -> None:
        self.window.switch_to()
        fw, fh = self.window.get_framebuffer_size()
        gl.glViewport(0, 0, fw, fh)
        gl.glClearColor(0.93, 0.94, 0.96, 1.0)
        gl.glClear(gl.GL_COLOR_BUFFER_BIT | gl.GL_DEPTH_BUFFER_BIT)
        ghosts = self.ghosts() if self.session.mesh is not None else []
        if self.session.mesh is not None:
            key = id(ghosts) if ghosts else None
            if key != self._ghost_key:
                self._ghost_key = key
                self.static_version += 1  # ghosts are drawn with the static parts
            self.scene.draw(self.view_rect, self.camera, self.session.transforms(), self.part_colors(),
                            dynamic=self.dynamic_parts(), overlays=self.overlays(),
                            static_version=self.static_version, moving=self.light_frame(), ghosts=ghosts)
        gl.glViewport(0, 0, fw, fh)
        gl.glDisable(gl.GL_DEPTH_TEST)
        gl.glEnable(gl.GL_BLEND)
        gl.glBlendFunc(gl.GL_SRC_ALPHA, gl.GL_ONE_MINUS_SRC_ALPHA)
        if ghosts and self.drag is None:
            self.ghost_numbers(ghosts)  # not during a drag: its frames cost only the moving part
        self.panel.set_status(self.message, self.message_error, self.latency_text())
        self.panel.draw()
        if self.session.mesh is None:
            vx, vy, vw, vh = self.view_rect
            self.overlay_text.position = (vx + vw / 2, vy + vh / 2, 0)
            width = max(vw - 60, 100)
            text = self._overlay_source or self.message
            if (text, width) != self._overlay_fitted:
                # Wrapped here, word by word, so a long file name is broken rather than spilling
                # over the panel (the label's own wrapping never breaks a word).
                self._overlay_fitted = (text, width)
                label = self.overlay_text

                def measure(t: str) -> float:
                    label.text = t
                    return label.content_width

                label.width = 10_000
                lines = [line for para in text.split("\n") for line in fit_lines(para, measure, width, 4)]
                label.width = width
                label.text = "\n".join(lines)
            self.overlay_text.draw()

    def light_frame(self) -> bool:
        """Whether this frame draws the stand-ins: the camera moves and full detail is slow here."""
        return self.camera_moving and (self.full_frame_ms is None or self.full_frame_ms > LOD_FRAME_MS)

    def frame(self) -> float:
        """Draw and present one frame; returns its milliseconds."""
        whole = self.session.mesh is not None and not self.camera_moving and not self.dynamic_parts()
        start = time.perf_counter()
        self.draw()
        self.window.flip()
        ms = (time.perf_counter() - start) * 1e3
        if whole:
            self.full_frame_ms = ms if self.full_frame_ms is None else 0.7 * self.full_frame_ms + 0.3 * ms
        self.frame_ms.append(ms)
        del self.frame_ms[:-120]
        return ms

    def poll_jobs(self) -> None:
        for job in list(self.jobs):
            future, done = job
            if future.done():
                self.jobs.remove(job)
                done(future)
                self.refresh_panel()

    def step(self) -> bool:
        """One turn of the event loop; False once the window is closed."""
        if self.window.has_exit:
            return False
        try:
            self.window.dispatch_events()
        except Exception as exc:  # a handler bug: say so and keep going
            traceback.print_exc()
            self.mode, self.drag = None, None
            self.show_message(f"Internal error: {type(exc).__name__}: {exc}", error=True)
        if self.window.has_exit:
            return False
        pyglet.clock.tick()
        self.poll_jobs()
        if self.dirty:
            self.dirty = False
            self.frame()
            if not self.ready_sent:
                self.send_ready()
            return True
        time.sleep(0.002)
        return True

    def run(self) -> int:
        try:
            while self.step():
                pass
        finally:
            self.executor.shutdown(wait=True)
            self.record.close()
            try:
                self.window.close()
            except Exception:
                pass
        return 0


def run(options: ViewerOptions) -> int:
    """Open the viewer and run it until the window closes; returns the exit status."""
    return ViewerApp(options).run()
