"""What the viewer's user can do, and what the status line says about it, without a window.

Every user action -- a panel button, a key, a click or a drag in the view -- is a method of
:class:`Controller`, over one :class:`~viewer.session.Session`: it changes the session, records the
event (``--record``, :mod:`viewer.record`) and says in the status line what it did, or why it did
nothing. Failures of the pipeline or the loader become a red status line and an ``error`` event,
never an exception out of an action.

Nothing here imports pyglet or OpenGL. What the controller needs from the window it runs in (draw
again, show the panel again, upload the parts, where a view pixel is on the X screen, a repeating
timer for playback, the limit entries' focus) it asks through :class:`Hooks`, whose defaults do
nothing, so the controller also runs headless. The window (:mod:`viewer.app`) turns mouse and
keyboard events into these calls: positions in the view arrive as viewport pixels (top-left origin,
as the camera takes them), and what is under the cursor as a :class:`viewer.picking.Hit` (or None)
from :meth:`Controller.pick`.
"""

from __future__ import annotations

import concurrent.futures
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from dragmesh.errors import DragMeshError, InputError
from viewer.camera import OrbitCamera
from viewer.recent import RecentFiles
from viewer.record import Recorder
from viewer.session import BASE_LOCKED, INFER_PX, Session, timed


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


def _nothing(*args, **kwargs) -> None:
    """A hook of a window that is not there."""
    return None


@dataclass
class Hooks:
    """What the controller asks of the window it runs in; each does nothing by default.

    redraw(static): draw the view again; with ``static`` what the parts that stand still look like
    changed too (a pose, a colour, the ghosts), so a cached image of them is stale.
    refresh_panel(): show the controller's state in the side panel again.
    parts_changed(mesh): the mesh's parts changed (a mesh opened, a part found): draw these now.
    mesh_opened(mesh): another mesh is shown (the window's caption, the frame timing, the probe).
    to_screen(x, y): a viewport pixel as a pixel of the X screen (for the record); None if unknown.
    every(fn, seconds): call ``fn(dt)`` every ``seconds`` (playback); stop(fn): no more.
    focus_limits(): put the typing cursor in the lower-limit entry; False when there is none.
    """

    redraw: Callable[[bool], None] = _nothing
    refresh_panel: Callable[[], None] = _nothing
    parts_changed: Callable[[Any], None] = _nothing
    mesh_opened: Callable[[Any], None] = _nothing
    to_screen: Callable[[float, float], Any] = _nothing
    every: Callable[[Callable, float], None] = _nothing
    stop: Callable[[Callable], None] = _nothing
    focus_limits: Callable[[], bool] = _nothing


def axis_name(up) -> str:
    """"+Z" for (0, 0, 1) and the like; the rounded vector for an oblique direction."""
    u = np.asarray(up, dtype=np.float64)
    k = int(np.argmax(np.abs(u)))
    if abs(u[k]) > 0.999:
        return ("+" if u[k] > 0 else "−") + "XYZ"[k]
    return "(" + ", ".join(f"{x:.2f}" for x in u) + ")"


class Controller:
    """The viewer's state beside the session (selection, hover, modes, the drag in progress,
    playback, the camera, the status message) and every action on it; see the module docstring.

    Attributes the window reads: ``session``, ``camera`` (replaced when a mesh opens),
    ``camera_moving``, ``selected``, ``hovered``, ``drag``, ``playing``, ``hinge_mode``,
    ``pivot_mode``, ``show_ghosts``, ``message`` / ``message_error``, ``notice``, ``latency``,
    ``recent``, ``record``, ``options``.
    """

    def __init__(self, options: ViewerOptions, hooks: Hooks | None = None):
        self.options = options
        self.hooks = hooks or Hooks()
        self.record = Recorder(options.record)
        self.session = Session(frames=options.frames, pipeline_options=options.pipeline)
        self.camera = OrbitCamera()
        self.camera_moving = False
        self.recent = RecentFiles()
        self.default_up = options.up  # the up the next opened file gets (the last one chosen)
        self.picker = None
        self.selected: int | None = None
        self.hovered: int | None = None
        self.hinge_mode = False  # the next click on a part puts its hinge on the nearest box edge
        self.pivot_mode = False  # drags in the view move the selected hinge's line (key P)
        self._pivot_label = None
        self._pivot_pushed = False  # this pivot drag has pushed its undo step
        self.show_ghosts = True  # the candidates' ghosts (G hides and shows them)
        self.drag = None
        self._drag_cursor = None  # (viewport pixel, pixels from the press) of a part drag's last move
        self.playing = False
        self.message, self.message_error = "", False
        self.notice = ""  # why the file could not be opened, in the empty view
        self.latency: dict[str, float] = {}
        self.executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        self.jobs: list[tuple[concurrent.futures.Future, Callable]] = []

    def warm_up(self) -> None:
        """Load the models in the background while the window opens."""
        self.executor.submit(self.session.warm_up)

    def close(self) -> None:
        """Wait for background work (an export) and close the record."""
        self.executor.shutdown(wait=True)
        self.record.close()

    # -- messages --------------------------------------------------------------------------------

    def show_message(self, text: str, error: bool = False) -> None:
        self.message, self.message_error = text, error
        self.record("error" if error else "message", message=text)
        self.hooks.redraw(False)

    def warn(self, text: str) -> None:
        """A warning in the status line (orange, not an error) and a ``warning`` event."""
        self.message, self.message_error = f"Warning: {text}", False
        self.record("warning", message=text)
        self.hooks.redraw(False)

    def latency_text(self, frame_ms: Sequence[float] = ()) -> str:
        """The status line's timings: the last action's stages and the median of the recent
        ``frame_ms``."""
        parts = [f"{k} {v:.1f}" for k, v in self.latency.items()]
        if len(frame_ms):
            parts.append(f"frame {np.median(frame_ms[-30:]):.1f}")
        return ("ms: " + " · ".join(parts)) if parts else ""

    def part_name(self, label: int) -> str:
        return self.session.mesh.part_names[label]

    @staticmethod
    def joint_fields(state) -> dict:
        """A part's joint and candidates as the record writes them."""
        j = state.joint
        return {"type": j.type, "axis": j.axis, "origin": j.origin, "limits": j.limits,
                "type_probability": state.type_probability, "choice": state.choice, "edited": state.edited,
                "candidates": [{**c.joint.to_dict(), "probability": c.probability, "of": c.of, "source": c.source,
                                "words": c.words} for c in state.candidates]}

    # -- what the panel and the view show ----------------------------------------------------------

    def focus(self) -> int | None:
        """The part the joint overlays, the ghosts and the number keys are about: the one being
        dragged, else the selected one."""
        return self.drag.part if self.drag is not None else self.selected

    def candidates(self) -> tuple:
        """The candidates of the part being dragged, else of the selected part."""
        label = self.focus()
        if label is None or self.session.mesh is None:
            return ()
        state = self.session.parts[self.session.mover(label)]
        return state.candidates if state.joint is not None else ()

    def moving_parts(self) -> list[int]:
        """The parts that move from frame to frame: the dragged part's group, or while playing
        every articulated part's group."""
        if self.drag is not None:
            return self.session.group(self.drag.part)
        if self.playing:
            return [m for label in self.session.articulated() for m in self.session.group(label)]
        return []

    def part_kinds(self) -> list[str | None]:
        """What the parts list says of each part: its joint's type, "with <carrier>" for a carried
        part, None before its joint is known."""
        names = self.session.mesh.part_names if self.session.mesh is not None else []
        kinds = [s.joint.type if s.joint is not None else None for s in self.session.parts]
        for child in self.session.carriers:
            if child < len(kinds):
                kinds[child] = f"with {names[self.session.mover(child)]}"
        return kinds

    def live_value(self, state) -> float | None:
        """The joint value a part shows: its trajectory's frame while one is shown, else its live
        value; None without a joint."""
        if state is None or state.joint is None:
            return None
        if self.session.frame is not None and state.result is not None:
            return float(state.result.values[min(self.session.frame, state.result.frames - 1)])
        return state.value

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
                self.notice = f"Could not open {Path(path).name}\n{reason}"
            return False
        except Exception as exc:  # a loader bug must not take the window down
            self.show_message(f"Cannot open {Path(path).name}: {type(exc).__name__}: {exc}", error=True)
            return False
        self.latency = {"load": (time.perf_counter() - start) * 1e3}
        self._install_mesh(mesh)
        self.recent.add(path, mesh.up)
        return True

    def set_mesh(self, mesh) -> None:
        """Show a mesh already loaded (the benchmark's)."""
        self.session.set_mesh(mesh)
        self._install_mesh(mesh)

    def _install_parts(self, mesh) -> None:
        """Picking and drawing of the mesh's parts (after loading, or a part found)."""
        from viewer.picking import Picker

        self.picker = Picker(mesh)
        self.hooks.parts_changed(mesh)

    def _install_mesh(self, mesh) -> None:
        self._install_parts(mesh)
        self._reset_camera(mesh)
        self.selected = self.hovered = None
        self._stop_playing()  # a new mesh stops the old one's playback timer too
        self.notice = ""
        name = Path(mesh.source).name if mesh.source else "mesh"
        self.hooks.mesh_opened(mesh)
        self.record("loaded", path=mesh.source, parts=mesh.part_names, faces=int(len(mesh.faces)),
                    vertices=int(len(mesh.vertices)))
        if mesh.n_parts < 2:
            self.show_message(f"{name} has no parts: click on a part to find it (Shift+click adds or removes "
                              "more), then drag it.")
        else:
            self.show_message(f"Loaded {name}: {mesh.n_parts} parts, {len(mesh.faces):,} triangles. "
                              "Drag a part to move it.")
        self.executor.submit(self.session.warm_up_mesh, mesh)

    def _reset_camera(self, mesh) -> None:
        """A new camera standing on the mesh's up, framing it, the viewport's size kept."""
        width, height = self.camera.width, self.camera.height
        self.camera = OrbitCamera(up=mesh.up)
        self.camera.width, self.camera.height = width, height
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
            self._stop_playing()
            if mesh.source and Path(mesh.source).exists():
                self.recent.add(mesh.source, mesh.up)
            self.record("up", up=mesh.up, camera=self.camera_fields())
            self.show_message(f"Up is now {axis_name(mesh.up)}: the view stands on it and joints are "
                              "inferred with it; every part is back at rest.")
        self._guard(run)

    # -- the camera ------------------------------------------------------------------------------

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

    def orbit(self, dx: float, dy: float) -> None:
        """Turn the camera by a drag of (dx, dy) pixels."""
        self.camera.orbit(dx, dy)
        self.camera_moving = True

    def pan(self, dx: float, dy: float) -> None:
        self.camera.pan(dx, dy)
        self.camera_moving = True

    def zoom(self, steps: float) -> None:
        """Wheel notches: the camera moves in (positive) or out."""
        self.camera.zoom(steps)
        self.camera_moving = True
        self.hooks.redraw(False)

    def camera_stopped(self) -> None:
        """The camera is still again: the next frame is drawn at full detail."""
        if self.camera_moving:
            self.camera_moving = False
            self.hooks.redraw(False)

    # -- the cursor ------------------------------------------------------------------------------

    def pick(self, x: float, y: float):
        """The part hit at viewport pixel (x, y) (top-left origin), or None."""
        if self.picker is None:
            return None
        o, d = self.camera.ray(x, y)
        return self.picker.cast(o, d, self.session.transforms())

    def hover(self, hit) -> None:
        """The cursor is over ``hit``'s part (None: over no part): it is drawn lighter."""
        hovered = hit.part if hit is not None else None
        if hovered == self.hovered:
            return
        self.hovered = hovered
        self.hooks.redraw(True)
        if hovered is not None:
            self.record("hover", part=hovered, name=self.part_name(hovered))
        self.hooks.refresh_panel()

    def press(self, hit, cursor) -> str | None:
        """A plain left press in the view at viewport pixel ``cursor`` on ``hit`` (None: the
        background). On a moving part the drag begins ("part"); on the base, or on a mesh with no
        parts, nothing moves ("locked": a click there finds the part, :meth:`find_at`, a drag turns
        the view); on the background None."""
        if hit is None:
            return None
        if self.session.is_base(hit.part) or self.session.mesh.n_parts < 2:
            name = self.part_name(hit.part)
            self.record("locked", part=hit.part, name=name, point=hit.point, screen=self.hooks.to_screen(*cursor))
            self.show_message(f"{name}: {BASE_LOCKED} (a click finds the part there; dragging here turns "
                              "the view; B makes the selected part the base).")
            self.hooks.refresh_panel()
            return "locked"
        self.playing and self.toggle_play()
        self.session.push()
        self.drag = self.session.begin_drag(hit.part, hit.point)
        self._drag_cursor = None
        self.selected = self.drag.part  # a handle selects (and drags) its door
        self.record("pick", part=hit.part, name=self.part_name(hit.part), point=hit.point,
                    rest_point=hit.rest_point, screen=self.hooks.to_screen(*cursor),
                    moves=self.drag.part, group=[self.part_name(i) for i in self.session.group(hit.part)])
        self.hooks.refresh_panel()
        self.hooks.redraw(False)
        return "part"

    def drag_to(self, cursor, pixels: float) -> None:
        """The cursor of a part drag moved to viewport pixel ``cursor``, ``pixels`` from the press:
        the joint is inferred when the drag has gone far enough (:meth:`Session.inference_due`),
        then the part follows the cursor on it."""
        drag = self.drag
        if drag is None:
            return
        self._drag_cursor = (cursor, pixels)
        cx, cy = cursor
        drag.target = self.camera.depth_plane_point(drag.grab, cx, cy)
        if self.session.inference_due(drag, pixels):
            try:
                joint, ms = timed(self.session.infer_joint, drag, drag.target - drag.grab)
            except DragMeshError as exc:
                self.show_message(f"Cannot move {self.part_name(drag.part)}: {exc}", error=True)
                self.drag = None
                self.session.revert()
                self.hooks.refresh_panel()
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
        self.record("drag", part=drag.part, value=value, point=point, cursor=self.hooks.to_screen(cx, cy),
                    screen=self.hooks.to_screen(*pix) if np.isfinite(pix).all() else None)
        self.hooks.refresh_panel()
        self.hooks.redraw(False)

    def release(self, moved: bool) -> None:
        """The button of a part drag is released (``moved``: the cursor went past the click
        threshold): the trajectory is generated from rest to where the part is; a drag too short to
        say which way takes its undo step back and only selects the part."""
        drag, self.drag = self.drag, None
        if drag is None:
            return
        state = self.session.parts[drag.part]
        if drag.follower is None:
            self.session.revert()  # a click, or a drag too short to say which way: nothing changed
            further = " further" if moved else ""
            self.show_message(f"Selected {self.part_name(drag.part)}. Drag it{further} to move it "
                              f"(the joint is inferred after {INFER_PX:.0f} pixels).")
            self.hooks.refresh_panel()
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

    def cancel_drag(self) -> None:
        """Forget the drag in progress (a handler failed in the middle of it)."""
        self.drag = None

    def nothing_to_grab(self) -> None:
        """A click on the background."""
        if self.session.mesh is None:
            return
        self.show_message("Nothing to grab there: drag a part to move it, drag the background to orbit.")
        self.hooks.refresh_panel()

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
            self.hooks.refresh_panel()
            self.hooks.redraw(True)
        return None

    def select(self, label: int) -> None:
        self.selected = label
        self.hooks.refresh_panel()
        self.hooks.redraw(False)

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

    def group_at(self, hit) -> None:
        """Shift+click on ``hit``: its part joins the selected part's group (it moves with it, as
        one rigid part), or leaves it when it is in it already. Undoable."""
        if self.session.mesh is None:
            return
        if hit is None:
            self.show_message("Shift+click a part to move it with the selected part (Shift+drag turns the view).")
            self.hooks.refresh_panel()
            return
        if self.selected is None or self.session.is_base(self.selected):
            if self.session.is_base(hit.part) or self.session.mesh.n_parts < 2:
                self.find_at(hit)
                return
            self.select(self.session.mover(hit.part))
            self.show_message(f"Selected {self.part_name(self.selected)}. Shift+click other parts to move them with it.")
            self.hooks.refresh_panel()
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

    def _selected_state(self):
        if self.selected is None or self.session.mesh is None:
            self.show_message("Select a part first (click it in the view or in the list).", error=True)
            return None
        return self.session.parts[self.selected]

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
        self.hooks.redraw(True)
        if state.warning:
            self.warn(f"{self.part_name(label)} {state.warning}: check the joint or type tighter limits.")

    def choose(self, index: int) -> None:
        """Pick candidate ``index`` (0-based) of the dragged or selected part: the part follows the
        drag on it, or the last drag is re-played on it."""
        label = self.focus()
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
                self.drag_to(*self._drag_cursor)  # the part jumps onto the new joint under the cursor
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
        self.hooks.refresh_panel()

    def hinge_at(self, hit) -> None:
        """A click in hinge mode on ``hit``: the part's box edge nearest the click becomes its hinge."""
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
        self.hooks.redraw(False)
        self.hooks.refresh_panel()

    def _replayed(self, label: int) -> None:
        joint = self.session.replay(label)
        if joint is None:
            return
        self._edited("replay", label, "pivot")
        o = joint.origin
        if not self.session.parts[label].warning:
            self.show_message(f"{self.part_name(label)} turns about the line through "
                              f"({o[0]:.3g}, {o[1]:.3g}, {o[2]:.3g}).")

    def begin_pivot_drag(self) -> None:
        """A press in pivot mode: the drag that follows is one undo step."""
        self._pivot_pushed = False

    def pivot_to(self, hit, cursor) -> None:
        """A drag in pivot mode at viewport pixel ``cursor`` over ``hit``: the hinge line through
        the point of the part under the cursor (off the part: through the point under it in the
        plane facing the camera through the line)."""
        first, self._pivot_pushed = not self._pivot_pushed, True
        picked = self._joint_state()
        if picked is None or not picked[1].joint.is_revolute:
            self.pivot_mode = False
            return
        label, state = picked
        if hit is not None and self.session.mover(hit.part) == label:
            point = hit.point
        else:
            point = self.camera.depth_plane_point(state.joint.origin, *cursor)

        def run():
            if first:
                self.session.push()
            joint = self.session.set_pivot(label, point, shown=True, replay=False)
            self.record("pivot", part=label, name=self.part_name(label), origin=joint.origin, axis=joint.axis)
            self.hooks.redraw(False)
            self.hooks.refresh_panel()
        self._guard(run)

    def end_pivot_drag(self) -> None:
        """The release of a drag in pivot mode: says where the hinge line runs now."""
        picked = self._joint_state()
        if picked is not None and self._pivot_pushed:
            label, state = picked
            o = state.joint.origin
            self._edited("edit", label, "pivot")
            self.show_message(f"{self.part_name(label)}'s hinge line runs through ({o[0]:.3g}, {o[1]:.3g}, "
                              f"{o[2]:.3g}); P or Escape re-plays the drag on it.")

    def focus_limits(self) -> None:
        """Key L: type the limits (lower, Tab, upper, Return)."""
        if self._joint_state() is None:
            return
        if self.hooks.focus_limits():
            self.show_message("Type the lower limit, Tab, the upper, Return (degrees for a hinge, mesh units "
                              "for a slide; 0 is the pose in the file). Escape leaves.")
        self.hooks.redraw(False)

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

    def set_type(self, joint_type: str | None) -> None:
        """The type buttons: force a revolute or prismatic joint (None: as inferred)."""
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
        """Shift+F: the selected part moves the other way."""
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
        """Key R: the selected part back at rest, its joint forgotten."""
        if self._selected_state() is None:
            return

        def run():
            self.session.push()
            self.session.reset(self.selected)
            self._stop_playing()
            self.show_message(f"{self.part_name(self.selected)} is back at rest; its next drag infers the joint again.")
        self._guard(run)

    def undo(self) -> None:
        self._history_step(self.session.undo, "undo", "Undone (Ctrl+Shift+Z redoes).", "Nothing to undo.")

    def redo(self) -> None:
        self._history_step(self.session.redo, "redo", "Redone.", "Nothing to redo.")

    def _history_step(self, step: Callable[[], bool], event: str, done: str, nothing: str) -> None:
        """Undo or redo (``step``, False when there is nothing to go to): playback stops, the
        ``event`` is recorded and the status says ``done``, else ``nothing``."""
        def run():
            if step():
                self._stop_playing()
                self.record(event)
                self.show_message(done)
            else:
                self.show_message(nothing)
        self._guard(run)

    def sample_again(self) -> None:
        """Key S: another trajectory of the selected part's motion (the next seed)."""
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

    # -- playback --------------------------------------------------------------------------------

    def toggle_play(self) -> None:
        """Space: play every trajectory (from the start when at its end), or stop."""
        if not self.session.articulated():
            self.show_message("Nothing to play yet: drag a part and release it.", error=True)
            return
        self.playing = not self.playing
        if self.playing:
            if self.session.frame is None or self.session.frame >= self.session.frames - 1:
                self.session.show_frame(0)
            self.hooks.every(self._advance, 1.0 / self.options.fps)
        else:
            self.hooks.stop(self._advance)
        self.hooks.refresh_panel()
        self.hooks.redraw(False)

    def _stop_playing(self) -> None:
        if self.playing:
            self.playing = False
            self.hooks.stop(self._advance)

    def _advance(self, dt: float) -> None:
        self.session.next_frame()
        self.hooks.refresh_panel()
        self.hooks.redraw(False)

    def scrub(self, frame: int) -> None:
        """The frame slider: show that frame (playback stops)."""
        if self.playing:
            self.toggle_play()
        self.session.show_frame(frame)
        self.hooks.refresh_panel()
        self.hooks.redraw(False)

    # -- export ----------------------------------------------------------------------------------

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

    def poll_jobs(self) -> None:
        """Finish the background jobs that are done (say what they did); call once per loop turn."""
        for job in list(self.jobs):
            future, done = job
            if future.done():
                self.jobs.remove(job)
                done(future)
                self.hooks.refresh_panel()
