"""The side panel and the status line: parts list, joint inspector, trajectory and export controls.

The panel only shows state and forwards clicks to the app's actions (names below); it holds no
articulation state of its own.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pyglet

from viewer.widgets import MUTED, Button, Slider, Text, baseline

PANEL_WIDTH = 300
STATUS_HEIGHT = 26
MAX_PART_ROWS = 10
PANEL_BG = (246, 247, 250, 255)
STATUS_BG = (226, 230, 238, 255)
DIVIDER = (210, 214, 222, 255)
ERROR_TEXT = (180, 30, 30, 255)


def fmt_vec(v) -> str:
    return "(" + ", ".join(f"{x:+.3f}" for x in np.asarray(v, float)) + ")"


def fmt_value(joint_type: str, value: float) -> str:
    if joint_type == "revolute":
        return f"{value:+.3f} rad ({np.degrees(value):+.1f}°)"
    return f"{value:+.4g}"


class Panel:
    """Widgets on the right of the window and along its bottom.

    actions: name -> callable, for "open", "select" (label), "type" (None / "revolute" /
    "prismatic"), "flip", "reset", "play", "sample", "undo", "export" (format), "scrub" (frame).
    """

    def __init__(self, actions: dict[str, Callable]):
        self.batch = pyglet.graphics.Batch()
        bg, mid, fg = (pyglet.graphics.Group(order=i) for i in range(3))
        self.bg_rect = pyglet.shapes.Rectangle(0, 0, 1, 1, color=PANEL_BG, batch=self.batch, group=bg)
        self.status_rect = pyglet.shapes.Rectangle(0, 0, 1, 1, color=STATUS_BG, batch=self.batch, group=bg)
        self.divider = pyglet.shapes.Rectangle(0, 0, 1, 1, color=DIVIDER, batch=self.batch, group=mid)
        self.actions = actions
        b = self.batch

        def text(size=9.5, color=None, bold=False):
            return Text(b, fg, size=size, bold=bold, **({"color": color} if color else {}))

        def button(label, action):
            return Button(b, mid, fg, label, action)

        self.title = text(13, bold=True)
        self.file = text(9, MUTED)
        self.open_button = button("Open…", lambda: actions["open"]())
        self.parts_header = text(10.5, bold=True)
        self.part_rows = []
        for i in range(MAX_PART_ROWS):
            row = button("", lambda i=i: actions["select"](self._row_labels[i]))
            row.label.anchor_x = "left"
            swatch = pyglet.shapes.Rectangle(0, 0, 12, 12, batch=b, group=fg)
            self.part_rows.append((row, swatch))
        self._row_labels = list(range(MAX_PART_ROWS))
        self.more_parts = text(9, MUTED)
        self.joint_header = text(10.5, bold=True)
        self.type_buttons = [button(name, lambda t=t: actions["type"](t))
                             for name, t in (("Auto", None), ("Revolute", "revolute"), ("Prismatic", "prismatic"))]
        self.joint_lines = [text(9.5) for _ in range(6)]
        self.flip_button = button("Flip axis", lambda: actions["flip"]())
        self.reset_button = button("Reset part", lambda: actions["reset"]())
        self.traj_header = text(10.5, bold=True)
        self.play_button = button("Play", lambda: actions["play"]())
        self.sample_button = button("Sample again", lambda: actions["sample"]())
        self.undo_button = button("Undo", lambda: actions["undo"]())
        self.slider = Slider(b, mid, fg, lambda v: actions["scrub"](v))
        self.frame_text = text(9, MUTED)
        self.export_header = text(10.5, bold=True)
        self.export_buttons = [button(f.upper(), lambda f=f: actions["export"](f)) for f in ("glb", "urdf", "mp4", "gif")]
        self.out_text = text(9, MUTED)
        self.help = [text(8.5, MUTED) for _ in range(3)]
        self.status = text(9.5)
        self.latency = text(9, MUTED)
        self.latency.label.anchor_x = "right"
        self.buttons = ([self.open_button] + [r for r, _ in self.part_rows] + self.type_buttons
                        + [self.flip_button, self.reset_button, self.play_button, self.sample_button,
                           self.undo_button] + self.export_buttons)
        self._slider_drag = False
        self._n_rows = 1
        self._size = (0, 0)
        self.title.set("DragMesh")
        self.parts_header.set("Parts")
        self.traj_header.set("Trajectory")
        self.export_header.set("Export")
        self.help[0].set("Drag a part: it moves along its joint")
        self.help[1].set("Background: orbit · right: pan · wheel: zoom")
        self.help[2].set("Space play · F flip · R reset · Z undo · E export")

    # -- layout --------------------------------------------------------------------------------

    def layout(self, width: int, height: int) -> None:
        self._size = (width, height)
        px = width - PANEL_WIDTH
        self.bg_rect.position, self.bg_rect.width, self.bg_rect.height = (px, STATUS_HEIGHT), PANEL_WIDTH, height
        self.status_rect.width, self.status_rect.height = width, STATUS_HEIGHT
        self.divider.position, self.divider.width, self.divider.height = (px, STATUS_HEIGHT), 1, height
        x, w = px + 14, PANEL_WIDTH - 28
        y = height - 12

        def row(h, gap=4):
            nonlocal y
            y -= h
            top = y
            y -= gap
            return top

        self.title.place(x, row(22, 0), w - 90, 22)
        self.open_button.place(x + w - 80, y + 2, 80, 22)
        self.file.place(x, row(16), w, 16)
        y -= 6
        self.parts_header.place(x, row(20), w, 20)
        for i, (row_button, swatch) in enumerate(self.part_rows):
            if i >= self._n_rows:
                row_button.place(-1000, -1000, 0, 0)
                swatch.position = (-1000, -1000)
                continue
            top = row(22, 2)
            row_button.place(x, top, w, 22)
            row_button.label.position = (x + 24, baseline(top, 22, row_button._font_size), 0)
            swatch.position = (x + 6, top + 5)
        self.more_parts.place(x, row(14), w, 14)
        y -= 6
        self.joint_header.place(x, row(20), w, 20)
        bw = (w - 8) / 3
        top = row(24)
        for i, b in enumerate(self.type_buttons):
            b.place(x + i * (bw + 4), top, bw, 24)
        for line in self.joint_lines:
            line.place(x, row(17, 1), w, 17)
        top = row(24)
        self.flip_button.place(x, top, (w - 4) / 2, 24)
        self.reset_button.place(x + (w + 4) / 2, top, (w - 4) / 2, 24)
        y -= 6
        self.traj_header.place(x, row(20), w, 20)
        top = row(24)
        bw = (w - 8) / 3
        for i, b in enumerate((self.play_button, self.sample_button, self.undo_button)):
            b.place(x + i * (bw + 4), top, bw, 24)
        top = row(20)
        self.slider.place(x, top, w - 70, 20)
        self.frame_text.place(x + w - 62, top, 62, 20)
        y -= 6
        self.export_header.place(x, row(20), w, 20)
        top = row(24)
        bw = (w - 12) / 4
        for i, b in enumerate(self.export_buttons):
            b.place(x + i * (bw + 4), top, bw, 24)
        self.out_text.place(x, row(16), w, 16)
        for i, line in enumerate(self.help):
            line.place(x, STATUS_HEIGHT + 6 + (2 - i) * 15, w, 15)
            line.show(y > STATUS_HEIGHT + 6 + 3 * 15)  # only where the controls leave room
        latency_width = min(420, width // 2)
        self.status.place(10, 0, width - latency_width - 30, STATUS_HEIGHT)
        self.latency.place(width - 10 - latency_width, 0, latency_width, STATUS_HEIGHT)
        self.latency.label.position = (width - 10, baseline(0, STATUS_HEIGHT, 9), 0)

    # -- content -------------------------------------------------------------------------------

    def set_parts(self, names: list[str], colors: list, selected: int | None, hovered: int | None,
                  joint_types: list[str | None]) -> None:
        shown = list(range(len(names)))
        if selected is not None and selected >= MAX_PART_ROWS:
            shown = shown[: MAX_PART_ROWS - 1] + [selected]
        shown = shown[:MAX_PART_ROWS]
        if max(len(shown), 1) != self._n_rows:
            self._n_rows = max(len(shown), 1)
            self.layout(*self._size)
        for i, (row, swatch) in enumerate(self.part_rows):
            if i < len(shown):
                label = shown[i]
                self._row_labels[i] = label
                kind = f"  · {joint_types[label]}" if joint_types[label] else ""
                row.show(True)
                row.set_text(f"{names[label]}{kind}")
                row.set_state(active=label == selected, hover=label == hovered)
                swatch.visible = True
                swatch.color = tuple(int(255 * c) for c in colors[label][:3]) + (255,)
            else:
                row.show(False)
                swatch.visible = False
        extra = len(names) - len(shown)
        self.more_parts.set(f"… and {extra} more (click them in the view)" if extra > 0 else "")
        if not names:
            self.more_parts.set("no mesh loaded")

    def set_joint(self, part_name: str | None, state, live_value: float | None, has_mesh: bool) -> None:
        """Joint inspector for the selected part's PartState (or None)."""
        self.joint_header.set(f"Joint — {part_name}" if part_name else "Joint")
        override = state.type_override if state else None
        for b, t in zip(self.type_buttons, (None, "revolute", "prismatic")):
            b.set_state(enabled=state is not None, active=state is not None and override == t)
        lines = [""] * len(self.joint_lines)
        if state is None:
            lines[0] = "Select or drag a part." if has_mesh else "Open a mesh to start."
        elif state.joint is None:
            lines[0] = "Not inferred yet: drag the part."
        else:
            j = state.joint
            prob = f"  p = {state.type_probability:.2f}" if state.type_probability is not None else ""
            lines[0] = f"type   {j.type}{prob}"
            lines[1] = f"axis   {fmt_vec(j.axis)}"
            lines[2] = f"pivot  {fmt_vec(j.origin)}" if j.is_revolute else "pivot  (none: a slide)"
            if j.limits is None:
                lines[3] = "limits unknown (drag range is used)"
            else:
                lines[3] = f"limits [{fmt_value(j.type, j.limits[0])}, {fmt_value(j.type, j.limits[1])}]"
            if live_value is not None:
                lines[4] = f"value  {fmt_value(j.type, live_value)}"
            if state.result is not None:
                r = state.result
                lines[5] = f"trajectory {r.frames} frames · {r.generator} · seed {state.seed}"
        for line, t in zip(self.joint_lines, lines):
            line.set(t)
        has_joint = state is not None and state.joint is not None
        self.flip_button.set_state(enabled=has_joint)
        self.reset_button.set_state(enabled=state is not None and (has_joint or state.value != 0))

    def set_trajectory(self, frame: int | None, frames: int, playing: bool, has_trajectory: bool,
                       can_sample: bool, can_undo: bool) -> None:
        self.play_button.set_text("Pause" if playing else "Play")
        self.play_button.set_state(enabled=has_trajectory, active=playing)
        self.sample_button.set_state(enabled=can_sample)
        self.undo_button.set_state(enabled=can_undo)
        self.slider.show(has_trajectory)
        self.slider.set(frame if frame is not None else frames - 1, frames if has_trajectory else 0)
        self.frame_text.set(f"{(frame if frame is not None else frames - 1) + 1} / {frames}" if has_trajectory else "")
        for b in self.export_buttons:
            b.set_state(enabled=has_trajectory)

    def set_status(self, message: str, error: bool = False, latency: str = "") -> None:
        self.status.label.color = ERROR_TEXT if error else (30, 33, 40, 255)
        self.status.set(message)
        self.latency.set(latency)

    # -- events --------------------------------------------------------------------------------

    def hover(self, x: float, y: float) -> bool:
        changed = False
        for b in self.buttons:
            changed |= b.set_state(hover=b.contains(x, y))
        return changed

    def press(self, x: float, y: float) -> bool:
        """Handle a click; True when it hit a widget."""
        if self.slider.contains(x, y) and self.slider.count > 1:
            self._slider_drag = True
            self.slider.pick(x)
            return True
        for b in self.buttons:
            if b.contains(x, y):
                b.click()
                return True
        return False

    def drag(self, x: float, y: float) -> bool:
        if self._slider_drag:
            self.slider.pick(x)
            return True
        return False

    def release(self) -> None:
        self._slider_drag = False

    def draw(self) -> None:
        self.batch.draw()

