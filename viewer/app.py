"""The viewer window: pyglet's events turned into the controller's actions, the event loop, drawing.

What each gesture and key does is :class:`viewer.controller.Controller`'s (without any GUI); the
overlays' geometry is :mod:`viewer.overlay`'s, the drawing :mod:`viewer.scene`'s, and what the tests
read of the window :mod:`viewer.probe`'s. This module only decides which gesture a mouse event is
part of and which action a key asks for.

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
against, :func:`dragmesh.io.structure.find_base`) is never grabbed: a press on it says so and orbits. A
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

import time
import traceback
from pathlib import Path
from typing import Callable

import numpy as np

import viewer.pyglet_options  # noqa: F401  (before pyglet.window / pyglet.gl)
import pyglet
from pyglet import gl
from pyglet.window import key, mouse

from dragmesh.errors import DragMeshError
from viewer.controller import Controller, Hooks, ViewerOptions
from viewer.overlay import PartOverlays
from viewer.panel import PANEL_WIDTH, STATUS_HEIGHT, Panel
from viewer.probe import Probe
from viewer.recent import dialog_folder
from viewer.scene import GLScene
from viewer.widgets import FONT, MUTED, fit_lines

__all__ = ["ViewerApp", "ViewerOptions", "run"]

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


class ViewerApp:
    """The window over a :class:`~viewer.controller.Controller`; ``run()`` until closed."""

    def __init__(self, options: ViewerOptions, mesh=None):
        self.options = options
        self.probe = Probe(self)
        self.controller = c = Controller(options, Hooks(
            redraw=self.redraw, refresh_panel=self.refresh_panel, parts_changed=self._show_parts,
            mesh_opened=self._mesh_opened, to_screen=self.probe.to_screen, every=pyglet.clock.schedule_interval,
            stop=pyglet.clock.unschedule, focus_limits=self._focus_limit_entry,
        ))
        try:
            self.window = pyglet.window.Window(
                width=options.size[0], height=options.size[1], caption=options.title, resizable=True,
                vsync=False, file_drops=True,
            )
        except Exception as exc:  # pyglet raises its own types for "no display" / "no GL config"
            c.record("error", message=f"cannot open a window: {exc}")
            raise DragMeshError(
                f"cannot open a window ({exc}); set DISPLAY, or run under Xvfb (xvfb-run dragmesh view ...)"
            ) from None
        self.scene = GLScene()
        self.overlays: PartOverlays | None = None
        self.panel = Panel({
            "open": self.open_dialog, "recent": self.open, "up": c.set_up, "view": c.set_view,
            "select": c.select, "type": c.set_type, "flip": c.flip, "reset": c.reset,
            "play": c.toggle_play, "sample": c.sample_again, "undo": c.undo, "redo": c.redo,
            "export": c.export, "scrub": c.scrub, "choose": c.choose, "snap": c.snap_axis,
            "hinge": c.toggle_hinge, "limits": c.set_limits,
        })
        self.full_frame_ms: float | None = None  # recent full-detail frames (all parts, no cache)
        self.mode: str | None = None  # what the mouse button held does: part, orbit, pan, pivot, panel
        self.press_at = (0.0, 0.0)
        self.moved = False
        self._press_locked = None  # the base's hit, while a press on it may become a click
        self._shift_click = False
        self._swallow_text = False  # the key that focused an entry also sends its character
        self.overlay_text = pyglet.text.Label("", font_name=FONT, font_size=13, color=MUTED, anchor_x="center",
                                              anchor_y="center", multiline=True, width=600, align="center")
        self._overlay_fitted = None
        self.ghost_labels: list = []
        self._ghost_key = None
        self.static_version = 0
        self.dirty = True
        self.frame_ms: list[float] = []
        self.window.push_handlers(self)
        self.panel.layout(*self.window.get_size())
        self.panel.set_recent(c.recent.existing())
        self._resize_camera()
        c.warm_up()
        if mesh is not None:
            c.set_mesh(mesh)
        elif options.mesh:
            self.open(options.mesh, up=options.up)
        else:
            c.show_message("Open a mesh: the Open… button, or drop a file on the window.")
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

    def pick(self, x: float, y: float):
        """The part hit under window pixel (x, y), or None."""
        return self.controller.pick(*self.to_camera(x, y)) if self.in_view(x, y) else None

    def _resize_camera(self) -> None:
        _, _, vw, vh = self.view_rect
        self.controller.camera.width, self.controller.camera.height = vw, vh

    # -- what the controller asks of the window ----------------------------------------------------

    def redraw(self, static: bool = False) -> None:
        self.dirty = True
        if static:
            self.static_version += 1  # the cached image of the parts that stand still is stale

    def _show_parts(self, mesh) -> None:
        self.window.switch_to()
        self.scene.set_mesh(mesh.vertices, mesh.faces, mesh.face_labels, mesh.n_parts)
        self.overlays = PartOverlays(mesh)

    def _mesh_opened(self, mesh) -> None:
        self.full_frame_ms = None
        name = Path(mesh.source).name if mesh.source else "mesh"
        self.window.set_caption(f"{self.options.title} — {name}")
        self.probe.due = True
        self.redraw(static=True)

    def _focus_limit_entry(self) -> bool:
        if not self.panel.focus_limits(0):
            return False
        self._swallow_text = True
        return True

    def refresh_panel(self) -> None:
        c = self.controller
        session, mesh = c.session, c.session.mesh
        names = mesh.part_names if mesh is not None else []
        colors = self.overlays.colors if self.overlays is not None else []
        base = session.base if mesh is not None else None
        self.panel.set_parts(names, colors, c.selected, c.hovered, c.part_kinds(), base)
        state = session.parts[c.selected] if c.selected is not None and mesh is not None else None
        carrier = session.carrier_of(c.selected) if state is not None else None
        self.panel.set_joint(c.part_name(c.selected) if state is not None else None, state, c.live_value(state),
                             mesh is not None, is_base=state is not None and session.is_base(c.selected),
                             carried_by=c.part_name(carrier) if carrier is not None else None,
                             hinge_mode=c.hinge_mode)
        self.panel.set_trajectory(session.frame, session.frames, c.playing, bool(session.articulated()),
                                  state is not None and state.result is not None, session.can_undo, session.can_redo)
        self.panel.set_view(mesh.up if mesh is not None else None, mesh is not None)
        self.panel.file.set(mesh.source if mesh is not None and mesh.source else "")
        self.panel.out_text.set(f"to {self.options.out_dir}")
        self.panel.set_status(c.message, c.message_error, c.latency_text(self.frame_ms))

    # -- opening files ---------------------------------------------------------------------------

    def open(self, path: str, up=None) -> None:
        """Open a mesh file (the recent-files menu, a drop, the dialog, the command line)."""
        if self.controller.load(path, up=up):
            self.panel.set_recent(self.controller.recent.existing())
        self.refresh_panel()

    def open_dialog(self) -> None:
        c = self.controller
        try:
            import tkinter
            from tkinter import filedialog
        except ImportError:
            c.show_message("No file dialog here (tkinter missing): pass the mesh on the command line "
                           "or drop the file on the window.", error=True)
            return
        try:
            root = tkinter.Tk()
            root.withdraw()
            mesh = c.session.mesh
            start = dialog_folder(mesh.source if mesh is not None else None, c.recent.existing())
            path = filedialog.askopenfilename(title="Open a mesh", filetypes=MESH_TYPES, initialdir=start)
            root.destroy()
        except Exception as exc:
            c.show_message(f"File dialog failed: {exc}", error=True)
            return
        if path:
            self.open(path)

    # -- pyglet events ---------------------------------------------------------------------------

    def on_resize(self, width: int, height: int) -> None:
        self.panel.layout(width, height)
        self._resize_camera()
        self.refresh_panel()
        self.dirty = True
        self.probe.due = True

    def on_move(self, x: int, y: int) -> None:
        self.probe.moved()

    def on_file_drop(self, x: int, y: int, paths: list[str]) -> None:
        """A file dropped on the window opens (the first, when several are dropped)."""
        if paths:
            self.controller.record("drop", paths=list(paths))
            self.open(paths[0])

    def on_mouse_motion(self, x, y, dx, dy) -> None:
        if self.panel.hover(x, y):
            self.dirty = True
        self.controller.hover(self.pick(x, y))

    def on_mouse_press(self, x, y, button, modifiers) -> None:
        c = self.controller
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
        plain_left = button == mouse.LEFT and not modifiers & (key.MOD_SHIFT | key.MOD_CTRL | key.MOD_ALT)
        if plain_left and c.hinge_mode:
            self.mode = None
            c.hinge_at(self.pick(x, y))
        elif plain_left and c.pivot_mode:
            self.mode = "pivot"
            c.begin_pivot_drag()
        elif plain_left:
            hit = self.pick(x, y)
            pressed = c.press(hit, self.to_camera(x, y))
            if pressed == "locked":
                self._press_locked = hit  # a click (no movement) finds the part there on release
            self.mode = "part" if pressed == "part" else "orbit"
        else:
            self.mode = "orbit" if button == mouse.LEFT else "pan"

    def on_mouse_drag(self, x, y, dx, dy, buttons, modifiers) -> None:
        if abs(x - self.press_at[0]) + abs(y - self.press_at[1]) >= DRAG_THRESHOLD:
            self.moved = True
        c = self.controller
        if self.mode == "orbit":
            c.orbit(dx, dy)
        elif self.mode == "pan":
            c.pan(dx, dy)
        elif self.mode == "panel":
            self.panel.drag(x, y)
        elif self.mode == "part":
            if self.moved:
                c.drag_to(self.to_camera(x, y), float(np.hypot(x - self.press_at[0], y - self.press_at[1])))
            return
        elif self.mode == "pivot":
            if self.moved:
                c.pivot_to(self.pick(x, y), self.to_camera(x, y))
            return
        else:
            return
        self.dirty = True

    def on_mouse_release(self, x, y, button, modifiers) -> None:
        c = self.controller
        mode, self.mode = self.mode, None
        if mode in ("orbit", "pan"):
            c.camera_stopped()  # the next frame is drawn whole again
        if mode == "panel":
            self.panel.release()
        elif mode == "pivot":
            c.end_pivot_drag()
        elif mode == "orbit" and self._press_locked is not None:
            if not self.moved and button == mouse.LEFT:
                c.find_at(self._press_locked)
        elif mode == "orbit" and self._shift_click and not self.moved:
            c.group_at(self.pick(x, y))
        elif mode == "orbit" and not self.moved and button == mouse.LEFT:
            c.nothing_to_grab()
        elif mode == "part":
            c.release(self.moved)

    def on_mouse_scroll(self, x, y, scroll_x, scroll_y) -> None:
        if self.in_view(x, y) and not self.panel.menu_open:
            self.controller.zoom(scroll_y)
            pyglet.clock.unschedule(self._settle)
            pyglet.clock.schedule_once(self._settle, SETTLE_S)

    def _settle(self, dt: float = 0.0) -> None:
        if self.mode not in ("orbit", "pan"):
            self.controller.camera_stopped()

    def key_action(self, symbol: int, modifiers: int) -> Callable | None:
        """The action of a key press (see the module docstring), or None."""
        c = self.controller
        accel = bool(modifiers & (key.MOD_ACCEL | key.MOD_CTRL))
        shift = bool(modifiers & key.MOD_SHIFT)
        if symbol in CHOICE_KEYS and not accel and c.candidates():
            index = CHOICE_KEYS[symbol]
            return lambda: c.choose(index)
        if symbol in VIEW_KEYS:
            name = VIEW_KEYS[symbol][1 if accel else 0]
            return lambda: c.set_view(name)
        if accel:
            return {key.Z: c.redo if shift else c.undo, key.Y: c.redo, key.O: self.open_dialog}.get(symbol)
        if symbol == key.F:
            return c.flip if shift else (lambda: c.set_view("frame"))
        return {
            key.HOME: lambda: c.set_view("home"), key.NUM_HOME: lambda: c.set_view("home"),
            key.SPACE: c.toggle_play, key.R: c.reset, key.Z: c.undo, key.U: c.undo,
            key.S: c.sample_again, key.E: c.export, key.O: self.open_dialog, key.B: c.make_base,
            key.A: c.snap_axis, key.H: c.toggle_hinge, key.L: c.focus_limits,
            key.P: c.toggle_pivot, key.G: c.toggle_ghosts,
        }.get(symbol)

    def on_key_press(self, symbol, modifiers):
        c = self.controller
        if self.panel.focused_entry() is not None:
            # Typing limits: every key is the entry's (Return sets, Escape leaves).
            self.panel.entry_key(symbol)
            self.dirty = True
            return pyglet.event.EVENT_HANDLED
        if symbol == key.ESCAPE and c.hinge_mode:
            c.toggle_hinge()
            return pyglet.event.EVENT_HANDLED
        if symbol == key.ESCAPE and c.pivot_mode:
            c.toggle_pivot()
            return pyglet.event.EVENT_HANDLED
        if symbol == key.ESCAPE and self.panel.menu_open:
            self.panel.toggle_recent(False)
            self.dirty = True
            return pyglet.event.EVENT_HANDLED
        if symbol in (key.ESCAPE, key.Q) and not modifiers & (key.MOD_ACCEL | key.MOD_CTRL):
            c.record("quit")
            self.window.has_exit = True
            return pyglet.event.EVENT_HANDLED
        action = self.key_action(symbol, modifiers)
        if action is not None:
            c.record("key", symbol=key.symbol_string(symbol), modifiers=key.modifiers_string(modifiers))
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
        self.controller.record("quit")

    # -- drawing ---------------------------------------------------------------------------------

    def light_frame(self) -> bool:
        """Whether this frame draws the stand-ins: the camera moves and full detail is slow here."""
        return self.controller.camera_moving and (self.full_frame_ms is None or self.full_frame_ms > LOD_FRAME_MS)

    def shown_ghosts(self) -> list:
        """The candidates' ghosts of the dragged (else selected) part; none while playing or while
        the camera moves (those frames must be light), nor while hidden (G). They are drawn with the
        static parts, so a drag's frames do not pay for them."""
        c = self.controller
        if c.session.mesh is None or c.playing or self.light_frame() or not c.show_ghosts:
            return []
        return self.overlays.ghosts(c.session, c.focus())

    def draw_ghost_numbers(self, ghosts: list) -> None:
        """The candidate's number beside each ghost (at its posed box centre)."""
        numbers = self.overlays.ghost_numbers(ghosts)
        while len(self.ghost_labels) < len(numbers):
            self.ghost_labels.append(pyglet.text.Label("", font_name=FONT, font_size=15, weight="bold",
                                                       anchor_x="center", anchor_y="center"))
        vx, vy, vw, vh = self.view_rect
        for label, (number, color, centre) in zip(self.ghost_labels, numbers):
            pix = self.controller.camera.project(centre[None])[0]
            if not np.isfinite(pix).all() or not (0 <= pix[0] < vw and 0 <= pix[1] < vh):
                continue
            label.text = str(number)
            label.color = tuple(int(255 * c * 0.8) for c in color) + (255,)
            label.position = (vx + pix[0], vy + vh - pix[1], 0)
            label.draw()

    def draw_empty_view(self) -> None:
        """The message in the middle of the view while no mesh is open, wrapped word by word so a
        long file name is broken rather than spilling over the panel (the label's own wrapping
        never breaks a word)."""
        c = self.controller
        vx, vy, vw, vh = self.view_rect
        self.overlay_text.position = (vx + vw / 2, vy + vh / 2, 0)
        width = max(vw - 60, 100)
        text = c.notice or c.message
        if (text, width) != self._overlay_fitted:
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

    def draw(self) -> None:
        c = self.controller
        session = c.session
        self.window.switch_to()
        fw, fh = self.window.get_framebuffer_size()
        gl.glViewport(0, 0, fw, fh)
        gl.glClearColor(0.93, 0.94, 0.96, 1.0)
        gl.glClear(gl.GL_COLOR_BUFFER_BIT | gl.GL_DEPTH_BUFFER_BIT)
        ghosts = self.shown_ghosts()
        if session.mesh is not None:
            ghost_key = id(ghosts) if ghosts else None
            if ghost_key != self._ghost_key:
                self._ghost_key = ghost_key
                self.static_version += 1  # ghosts are drawn with the static parts
            colors = self.overlays.shown_colors(session, c.selected, c.hovered,
                                                c.drag.part if c.drag is not None else None)
            self.scene.draw(self.view_rect, c.camera, session.transforms(), colors, dynamic=c.moving_parts(),
                            overlays=self.overlays.joint_marks(session, c.focus(), c.camera),
                            static_version=self.static_version, moving=self.light_frame(), ghosts=ghosts)
        gl.glViewport(0, 0, fw, fh)
        gl.glDisable(gl.GL_DEPTH_TEST)
        gl.glEnable(gl.GL_BLEND)
        gl.glBlendFunc(gl.GL_SRC_ALPHA, gl.GL_ONE_MINUS_SRC_ALPHA)
        if ghosts and c.drag is None:
            self.draw_ghost_numbers(ghosts)  # not during a drag: its frames cost only the moving part
        self.panel.set_status(c.message, c.message_error, c.latency_text(self.frame_ms))
        self.panel.draw()
        if session.mesh is None:
            self.draw_empty_view()

    def frame(self) -> float:
        """Draw and present one frame; returns its milliseconds."""
        c = self.controller
        whole = c.session.mesh is not None and not c.camera_moving and not c.moving_parts()
        start = time.perf_counter()
        self.draw()
        self.window.flip()
        ms = (time.perf_counter() - start) * 1e3
        if whole:
            self.full_frame_ms = ms if self.full_frame_ms is None else 0.7 * self.full_frame_ms + 0.3 * ms
        self.frame_ms.append(ms)
        del self.frame_ms[:-120]
        return ms

    # -- the loop --------------------------------------------------------------------------------

    def step(self) -> bool:
        """One turn of the event loop; False once the window is closed."""
        if self.window.has_exit:
            return False
        try:
            self.window.dispatch_events()
        except Exception as exc:  # a handler bug: say so and keep going
            traceback.print_exc()
            self.mode = None
            self.controller.cancel_drag()
            self.controller.show_message(f"Internal error: {type(exc).__name__}: {exc}", error=True)
        if self.window.has_exit:
            return False
        pyglet.clock.tick()
        self.controller.poll_jobs()
        if self.dirty:
            self.dirty = False
            self.frame()
            if self.probe.due:
                self.probe.send_ready()
            return True
        time.sleep(0.002)
        return True

    def run(self) -> int:
        try:
            while self.step():
                pass
        finally:
            self.controller.close()
            try:
                self.window.close()
            except Exception:
                pass
        return 0


def run(options: ViewerOptions) -> int:
    """Open the viewer and run it until the window closes; returns the exit status."""
    return ViewerApp(options).run()
