"""The side panel and the status line: parts list, joint inspector, trajectory and export controls.

The panel only shows state and forwards clicks to the app's actions (names below); it holds no
articulation state of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import viewer.pyglet_options  # noqa: F401  (before pyglet.window / pyglet.gl)
import pyglet

from viewer.overlay import CANDIDATE_COLORS
from viewer.widgets import FONT, MUTED, Button, Entry, Slider, Text, baseline, fit_lines

PANEL_WIDTH = 300
STATUS_HEIGHT = 26
# A status message too long for one line wraps onto up to this many lines, as wide as the 3D view;
# the status bar then grows upward over the bottom of the view (the view itself does not move).
STATUS_LINES = 3
STATUS_LINE_HEIGHT = 16
MAX_PART_ROWS = 10
MIN_PART_ROWS = 3
RECENT_ROWS = 8
RECENT_MENU_WIDTH = 460
# Up-axis buttons: label, direction.
UP_CHOICES = (("+Y", (0, 1, 0)), ("+Z", (0, 0, 1)), ("+X", (1, 0, 0)),
              ("−Y", (0, -1, 0)), ("−Z", (0, 0, -1)), ("−X", (-1, 0, 0)))
# View buttons: label, camera preset (see viewer.camera.PRESETS; "frame" is frame all).
VIEW_CHOICES = (("Front", "front"), ("Side", "right"), ("Top", "top"), ("Fit", "frame"), ("Reset", "home"))
HELP = (
    "Drag a part: it moves along its joint",
    "Background: orbit · right: pan · wheel: zoom",
    "1 2 3 joint · A axis · H hinge · P pivot · L limits",
    "F frame all · Home reset · 1 3 7 front/side/top",
    "Ctrl+Z undo · Ctrl+Shift+Z redo · Space play",
    "Shift+F flip · R reset part · B base · E export",
)
# The inference's candidates listed under the joint (the joint and its runners-up), each with the
# colour of its ghost in the view (viewer.overlay.CANDIDATE_COLORS).
CANDIDATE_ROWS = 3
PANEL_BG = (246, 247, 250, 255)
WARNING_TEXT = (190, 60, 0, 255)
STATUS_BG = (226, 230, 238, 255)
DIVIDER = (210, 214, 222, 255)
ERROR_TEXT = (180, 30, 30, 255)


def fmt_vec(v) -> str:
    return "(" + ", ".join(f"{x:+.3f}" for x in np.asarray(v, float)) + ")"


def fmt_value(joint_type: str, value: float) -> str:
    if joint_type == "revolute":
        return f"{value:+.3f} rad ({np.degrees(value):+.1f}°)"
    return f"{value:+.4g}"


def fmt_percent(p: float) -> str:
    """A probability as shown: "87%", "<1%" below half a percent."""
    return "<1%" if p < 0.005 else f"{100 * p:.0f}%"


def candidate_text(index: int, cand) -> str:
    """A row of the candidate list: "1 revolute · side hinge  87%" (the first's probability is the
    pipeline's probability of its type: "type 87%")."""
    p = fmt_percent(cand.probability)
    return f"{index + 1}  {cand.joint.type} · {cand.words}   {'type ' if cand.of == 'type' else ''}{p}"


def limit_text(joint_type: str, value: float) -> str:
    """A limit as typed: degrees for a hinge, mesh units for a slide."""
    if joint_type == "revolute":
        return f"{round(float(np.degrees(value)), 1) + 0.0:.1f}"  # + 0.0: never "-0.0"
    return f"{float(f'{value:.4g}') + 0.0:.4g}"


class Panel:
    """Widgets on the right of the window and along its bottom.

    actions: name -> callable, for "open", "recent" (path), "up" ((3,) direction), "view" (a
    camera preset name or "frame"), "select" (label), "type" (None / "revolute" / "prismatic"),
    "choose" (candidate index), "snap", "hinge", "limits" (lower text, upper text), "flip",
    "reset", "play", "sample", "undo", "redo", "export" (format), "scrub" (frame).
    """

    def __init__(self, actions: dict[str, Callable]):
        self.batch = pyglet.graphics.Batch()
        bg, mid, fg = (pyglet.graphics.Group(order=i) for i in range(3))
        self.bg_rect = pyglet.shapes.Rectangle(0, 0, 1, 1, color=PANEL_BG, batch=self.batch, group=bg)
        self.divider = pyglet.shapes.Rectangle(0, 0, 1, 1, color=DIVIDER, batch=self.batch, group=mid)
        self.actions = actions
        b = self.batch

        def text(size=9.5, color=None, bold=False, keep_end=False):
            return Text(b, fg, size=size, bold=bold, keep_end=keep_end, **({"color": color} if color else {}))

        def button(label, action):
            return Button(b, mid, fg, label, action)

        self.title = text(13, bold=True)
        self.file = text(9, MUTED, keep_end=True)
        self.open_button = button("Open…", lambda: actions["open"]())
        self.recent_button = button("Recent ▾", self.toggle_recent)
        self.up_label = text(9.5, MUTED)
        self.up_buttons = [Button(b, mid, fg, name, lambda u=u: actions["up"](u), size=9) for name, u in UP_CHOICES]
        self.view_label = text(9.5, MUTED)
        self.view_buttons = [Button(b, mid, fg, name, lambda v=v: actions["view"](v), size=9)
                             for name, v in VIEW_CHOICES]
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
        self.joint_lines = [text(9.5) for _ in range(4)]
        self.candidate_rows = []
        for i in range(CANDIDATE_ROWS):
            row = Button(b, mid, fg, "", lambda i=i: actions["choose"](i), size=9)
            row.label.anchor_x = "left"
            swatch = pyglet.shapes.Rectangle(0, 0, 10, 10, batch=b, group=fg,
                                             color=tuple(int(255 * c) for c in CANDIDATE_COLORS[i]) + (255,))
            self.candidate_rows.append((row, swatch))
        self._candidate_texts = [None] * CANDIDATE_ROWS
        self.warning = text(9, WARNING_TEXT)
        self.flip_button = button("Flip", lambda: actions["flip"]())
        self.reset_button = button("Reset", lambda: actions["reset"]())
        self.snap_button = button("Snap axis", lambda: actions["snap"]())
        self.hinge_button = button("Hinge…", lambda: actions["hinge"]())
        self.limits_label = text(9.5, MUTED)
        self.limit_entries = [Entry(b, mid, fg), Entry(b, mid, fg)]
        self.limits_unit = text(9, MUTED)
        self.limits_button = button("Set", self.commit_limits)
        self.traj_header = text(10.5, bold=True)
        self.play_button = button("Play", lambda: actions["play"]())
        self.sample_button = button("Sample", lambda: actions["sample"]())
        self.undo_button = button("Undo", lambda: actions["undo"]())
        self.redo_button = button("Redo", lambda: actions["redo"]())
        self.slider = Slider(b, mid, fg, lambda v: actions["scrub"](v))
        self.frame_text = text(9, MUTED)
        self.export_header = text(10.5, bold=True)
        self.export_buttons = [button(f.upper(), lambda f=f: actions["export"](f)) for f in ("glb", "urdf", "mjcf", "usd", "mp4", "gif")]
        self.out_text = text(9, MUTED, keep_end=True)
        self.help = [text(8.5, MUTED) for _ in HELP]
        # The status bar: its own batch, drawn after the view and the panel (it may grow over them).
        self.status_batch = pyglet.graphics.Batch()
        sbg, sfg = pyglet.graphics.Group(order=0), pyglet.graphics.Group(order=1)
        self.status_rect = pyglet.shapes.Rectangle(0, 0, 1, 1, color=STATUS_BG, batch=self.status_batch, group=sbg)
        self.status_grow = pyglet.shapes.Rectangle(0, 0, 1, 1, color=STATUS_BG, batch=self.status_batch, group=sbg)
        self.status_lines = [Text(self.status_batch, sfg, size=9.5) for _ in range(STATUS_LINES)]
        self.status = self.status_lines[0]
        self.latency = Text(self.status_batch, sfg, size=9, color=MUTED)
        self.latency.label.anchor_x = "right"
        self._measure = pyglet.text.Label("", font_name=FONT, font_size=9.5)
        self._measure_latency = pyglet.text.Label("", font_name=FONT, font_size=9)
        self._status = ("", False, "")
        self._latency_room = 0
        self.status_height = STATUS_HEIGHT
        # The recent-files menu: drawn last, over everything, while open.
        self.menu_batch = pyglet.graphics.Batch()
        mbg, mmid, mfg = (pyglet.graphics.Group(order=i) for i in range(3))
        self.menu_rect = pyglet.shapes.Rectangle(0, 0, 1, 1, color=DIVIDER, batch=self.menu_batch, group=mbg)
        self.menu_rows = []
        for i in range(RECENT_ROWS):
            row = Button(self.menu_batch, mmid, mfg, "", lambda i=i: self._open_recent(i))
            row.label.anchor_x = "left"
            self.menu_rows.append(row)
        self.menu_open = False
        self._recent: list = []
        self.buttons = ([self.open_button, self.recent_button] + self.up_buttons + self.view_buttons
                        + [r for r, _ in self.part_rows] + self.type_buttons + [r for r, _ in self.candidate_rows]
                        + [self.flip_button, self.reset_button, self.snap_button, self.hinge_button,
                           self.limits_button, self.play_button, self.sample_button,
                           self.undo_button, self.redo_button] + self.export_buttons)
        self._slider_drag = False
        self._n_rows = 1
        self.max_rows = MAX_PART_ROWS
        self._size = (0, 0)
        self.title.set("DragMesh")
        self.up_label.set("Up")
        self.view_label.set("View")
        self.parts_header.set("Parts")
        self.traj_header.set("Trajectory")
        self.export_header.set("Export")
        self.limits_label.set("limits")
        for line, t in zip(self.help, HELP):
            line.set(t)

    # -- layout --------------------------------------------------------------------------------

    def layout(self, width: int, height: int) -> None:
        self._size = (width, height)
        # First with no part rows, to see how many fit above the bottom, then for real.
        end = self._layout(width, height, 0)
        self.max_rows = int(np.clip((end - STATUS_HEIGHT - 8) // 24, MIN_PART_ROWS, MAX_PART_ROWS))
        self._layout(width, height, min(self._n_rows, self.max_rows))
        self._layout_status()
        self._layout_menu()

    def _layout(self, width: int, height: int, n_rows: int) -> float:
        """Place the panel's widgets with ``n_rows`` part rows; returns the y where they end."""
        px = width - PANEL_WIDTH
        self.bg_rect.position, self.bg_rect.width, self.bg_rect.height = (px, STATUS_HEIGHT), PANEL_WIDTH, height
        self.divider.position, self.divider.width, self.divider.height = (px, STATUS_HEIGHT), 1, height
        x, w = px + 14, PANEL_WIDTH - 28
        y = height - 12

        def row(h, gap=4):
            nonlocal y
            y -= h
            top = y
            y -= gap
            return top

        self.title.place(x, row(22, 0), w - 172, 22)
        self.open_button.place(x + w - 80, y + 2, 80, 22)
        self.recent_button.place(x + w - 166, y + 2, 82, 22)
        self.file.place(x, row(16), w, 16)
        lw = 40
        top = row(22, 3)
        self.up_label.place(x, top, lw, 22)
        bw = (w - lw - 5 * 3) / 6
        for i, b in enumerate(self.up_buttons):
            b.place(x + lw + i * (bw + 3), top, bw, 22)
        top = row(22)
        self.view_label.place(x, top, lw, 22)
        bw = (w - lw - 4 * 3) / 5
        for i, b in enumerate(self.view_buttons):
            b.place(x + lw + i * (bw + 3), top, bw, 22)
        y -= 4
        self.parts_header.place(x, row(20), w, 20)
        for i, (row_button, swatch) in enumerate(self.part_rows):
            if i >= n_rows:
                row_button.place(-1000, -1000, 0, 0)
                swatch.position = (-1000, -1000)
                continue
            top = row(22, 2)
            row_button.place(x, top, w, 22)
            row_button.label.position = (x + 24, baseline(top, 22, row_button._font_size), 0)
            swatch.position = (x + 6, top + 5)
        self.more_parts.place(x, row(14), w, 14)
        y -= 4
        self.joint_header.place(x, row(20), w, 20)
        bw = (w - 8) / 3
        top = row(24)
        for i, b in enumerate(self.type_buttons):
            b.place(x + i * (bw + 4), top, bw, 24)
        for line in self.joint_lines:
            line.place(x, row(17, 1), w, 17)
        for row_button, swatch in self.candidate_rows:
            top = row(20, 2)
            row_button.place(x, top, w, 20)
            row_button.label.position = (x + 20, baseline(top, 20, row_button._font_size), 0)
            swatch.position = (x + 5, top + 5)
        self.warning.place(x, row(16, 2), w, 16)
        top = row(24)
        bw = (w - 12) / 4
        for i, b in enumerate((self.flip_button, self.reset_button, self.snap_button, self.hinge_button)):
            b.place(x + i * (bw + 4), top, bw, 24)
        top = row(24)
        self.limits_label.place(x, top, 40, 24)
        ew = (w - 40 - 30 - 44 - 12) / 2
        self.limit_entries[0].place(x + 40, top, ew, 24)
        self.limit_entries[1].place(x + 44 + ew, top, ew, 24)
        self.limits_unit.place(x + 48 + 2 * ew, top, 30, 24)
        self.limits_button.place(x + w - 44, top, 44, 24)
        y -= 4
        self.traj_header.place(x, row(20), w, 20)
        top = row(24)
        bw = (w - 12) / 4
        for i, b in enumerate((self.play_button, self.sample_button, self.undo_button, self.redo_button)):
            b.place(x + i * (bw + 4), top, bw, 24)
        top = row(20)
        self.slider.place(x, top, w - 70, 20)
        self.frame_text.place(x + w - 62, top, 62, 20)
        y -= 4
        self.export_header.place(x, row(20), w, 20)
        top = row(24)
        n_buttons = len(self.export_buttons)
        bw = (w - 4 * (n_buttons - 1)) / n_buttons
        for i, b in enumerate(self.export_buttons):
            b.place(x + i * (bw + 4), top, bw, 24)
        self.out_text.place(x, row(16), w, 16)
        n = len(self.help)
        for i, line in enumerate(self.help):
            line.place(x, STATUS_HEIGHT + 6 + (n - 1 - i) * 14, w, 14)
            line.show(y > STATUS_HEIGHT + 6 + n * 14)  # only where the controls leave room
        return y

    def _layout_status(self) -> None:
        """The status message on one line beside the latency figures when it fits; otherwise
        wrapped to the 3D view's width on up to STATUS_LINES lines (elided past that), the bar
        growing upward over the bottom of the view, never over the panel."""
        width, _ = self._size
        message, error, latency = self._status
        self.latency.set(latency)
        latency_width = min(self._latency_width(latency), width // 2)
        self._latency_room = latency_width
        one_line = max(width - 20 - (latency_width + 24 if latency else 0), 60)
        view_width = max(width - PANEL_WIDTH - 20, 60)

        def measure(text: str) -> float:
            self._measure.text = text
            return self._measure.content_width

        if not message or measure(message) <= one_line - 4:
            lines, avail = [message], one_line
        else:
            avail = min(view_width, one_line)
            lines = fit_lines(message, measure, avail - 4, STATUS_LINES)
        extra = STATUS_LINE_HEIGHT * (len(lines) - 1)
        self.status_height = STATUS_HEIGHT + extra
        self.status_rect.position = (0, 0)
        self.status_rect.width, self.status_rect.height = width, STATUS_HEIGHT
        self.status_grow.position = (0, STATUS_HEIGHT)
        self.status_grow.width, self.status_grow.height = avail + 16, max(extra, 1)
        self.status_grow.visible = extra > 0
        color = ERROR_TEXT if error else (30, 33, 40, 255)
        for i, line in enumerate(self.status_lines):
            line.label.color = color
            if len(lines) > 1:
                line.place(10, self.status_height - 5 - STATUS_LINE_HEIGHT * (i + 1), avail, STATUS_LINE_HEIGHT)
            else:
                line.place(10, 0, avail, STATUS_HEIGHT)
            line.set(lines[i] if i < len(lines) else "")
        self.latency.place(width - 10 - latency_width, 0, latency_width + 1, STATUS_HEIGHT)
        self.latency.label.position = (width - 10, baseline(0, STATUS_HEIGHT, 9), 0)

    def _latency_width(self, latency: str) -> float:
        if not latency:
            return 0
        self._measure_latency.text = latency
        return self._measure_latency.content_width + 12

    def _layout_menu(self) -> None:
        rows = self.menu_rows
        shown = min(max(len(self._recent), 1), len(rows))
        w = RECENT_MENU_WIDTH
        right = self.recent_button.x + self.recent_button.width
        left = max(right - w, 4)
        top = self.recent_button.y - 2
        self.menu_rect.position = (left - 1, top - shown * 24 - 3)
        self.menu_rect.width, self.menu_rect.height = right - left + 2, shown * 24 + 3
        for i, row in enumerate(rows):
            if not self.menu_open or i >= shown:
                row.place(-2000, -2000, 0, 0)
                row.show(False)
                continue
            y = top - (i + 1) * 24
            row.show(True)
            row.place(left, y, right - left, 23)
            row.label.position = (int(left + 8), baseline(y, 23, row._font_size), 0)
            if self._recent:
                entry = self._recent[i]
                text = f"{entry.name}   —   {Path(entry.path).parent}"
                row.set_text(text, width=right - left - 16)
                row.set_state(enabled=True)
            else:
                row.set_text("No recent files yet")
                row.set_state(enabled=False)
        self.menu_rect.visible = self.menu_open

    # -- content -------------------------------------------------------------------------------

    def set_parts(self, names: list[str], colors: list, selected: int | None, hovered: int | None,
                  joint_types: list[str | None], base: int | None = None) -> None:
        rows = self.max_rows
        shown = list(range(len(names)))
        if selected is not None and selected >= rows:
            shown = shown[: rows - 1] + [selected]
        shown = shown[:rows]
        if max(len(shown), 1) != self._n_rows:
            self._n_rows = max(len(shown), 1)
            self.layout(*self._size)
        for i, (row, swatch) in enumerate(self.part_rows):
            if i < len(shown):
                label = shown[i]
                self._row_labels[i] = label
                kind = f"  · {joint_types[label]}" if joint_types[label] else ""
                if label == base:
                    kind = "  · base (fixed)"
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

    def set_joint(self, part_name: str | None, state, live_value: float | None, has_mesh: bool,
                  is_base: bool = False, carried_by: str | None = None, hinge_mode: bool = False) -> None:
        """Joint inspector for the selected part's PartState (or None); ``is_base``: the part is the
        fixed base (nothing to infer or edit); ``carried_by``: the name of the part it rides on."""
        self.joint_header.set(f"Joint — {part_name}" if part_name else "Joint")
        override = state.type_override if state else None
        editable = state is not None and not is_base and carried_by is None
        for b, t in zip(self.type_buttons, (None, "revolute", "prismatic")):
            b.set_state(enabled=editable, active=state is not None and override == t)
        lines = [""] * len(self.joint_lines)
        if state is None:
            lines[0] = "Select or drag a part." if has_mesh else "Open a mesh to start."
        elif is_base:
            lines[0] = "The base: fixed, the other parts move"
            lines[1] = "against it. To drag it, select another"
            lines[2] = "part and press B to make that the base."
        elif carried_by is not None:
            lines[0] = f"Rides on {carried_by}: it moves with it."
            lines[1] = f"Drag it (or {carried_by}) to move both."
        elif state.joint is None:
            lines[0] = "Not inferred yet: drag the part."
        else:
            j = state.joint
            if state.type_override is not None:
                prob = "  (forced)"
            elif state.edited is not None:
                prob = f"  (edited: {state.edited})"
            elif state.choice and state.candidates:
                prob = f"  (picked {state.choice + 1}: p = {state.candidates[state.choice].probability:.2f})"
            elif state.type_probability is not None:
                prob = f"  p = {state.type_probability:.2f}"
            else:
                prob = ""
            lines[0] = f"type   {j.type}{prob}"
            lines[1] = f"axis   {fmt_vec(j.axis)}"
            lines[2] = f"pivot  {fmt_vec(j.origin)}" if j.is_revolute else "pivot  (none: a slide)"
            if live_value is not None:
                lines[3] = f"value  {fmt_value(j.type, live_value)}"
        for line, t in zip(self.joint_lines, lines):
            line.set(t)
        cands = state.candidates if editable and state.joint is not None else ()
        for i, (row, swatch) in enumerate(self.candidate_rows):
            text = candidate_text(i, cands[i]) if i < len(cands) else ""
            if (text, row.width) != self._candidate_texts[i]:  # elided only when it changes
                self._candidate_texts[i] = (text, row.width)
                row.set_text(text, width=row.width - 26 if text else None)
            row.set_state(enabled=bool(text), active=bool(text) and state.choice == i)
            swatch.visible = bool(text)
        self.warning.set(f"⚠ {state.warning}" if editable and state.warning else "")
        has_joint = editable and state.joint is not None
        self.flip_button.set_state(enabled=has_joint)
        self.reset_button.set_state(enabled=state is not None and (has_joint or state.value != 0))
        self.snap_button.set_state(enabled=has_joint)
        self.hinge_button.set_state(enabled=editable and has_mesh, active=hinge_mode)
        kind = state.joint.type if has_joint else None
        limits = state.joint.limits if has_joint else None
        for entry, k in zip(self.limit_entries, (0, 1)):
            entry.set_placeholder(limit_text(kind, limits[k]) if limits is not None else ("none" if has_joint else ""),
                                  enabled=has_joint)
        self.limits_unit.set({"revolute": "deg", "prismatic": "units"}.get(kind, ""))
        self.limits_button.set_state(enabled=has_joint)

    # -- the limit entries -----------------------------------------------------------------------

    def focused_entry(self) -> Entry | None:
        return next((e for e in self.limit_entries if e.focused), None)

    def focus_limits(self, index: int = 0) -> bool:
        """Put the typing focus in the lower (0) or upper (1) limit entry; False when disabled."""
        for i, e in enumerate(self.limit_entries):
            if i == index:
                e.focus(True)
            else:
                e.focused = False
                e.refresh()
        return self.limit_entries[index].focused

    def blur(self) -> None:
        """Leave the entries, dropping what was typed."""
        for e in self.limit_entries:
            e.discard()

    def commit_limits(self) -> None:
        """Send the limits to the "limits" action: the texts typed (else the current values), the
        lower and the upper."""
        texts = [e.value for e in self.limit_entries]
        self.blur()
        self.actions["limits"](*texts)

    def entry_key(self, symbol: int) -> bool:
        """A key while an entry has the focus: Backspace, Return/Enter (set both), Tab (the other
        entry), Escape (leave, dropping what was typed). True when it was for the entry."""
        from pyglet.window import key

        entry = self.focused_entry()
        if entry is None:
            return False
        if symbol == key.BACKSPACE:
            entry.backspace()
        elif symbol in (key.RETURN, key.ENTER, key.NUM_ENTER):
            self.commit_limits()
        elif symbol == key.TAB:
            self.focus_limits(1 - self.limit_entries.index(entry))
        elif symbol == key.ESCAPE:
            self.blur()
        return True

    def entry_text(self, text: str) -> bool:
        entry = self.focused_entry()
        if entry is None:
            return False
        entry.type(text)
        return True

    def set_view(self, up, has_mesh: bool) -> None:
        """The up-axis row shows the mesh's up (none lit for an oblique one)."""
        for b, (_, u) in zip(self.up_buttons, UP_CHOICES):
            lit = up is not None and float(np.dot(np.asarray(up, float), u)) > 0.999
            b.set_state(enabled=has_mesh, active=has_mesh and lit)
        for b in self.view_buttons:
            b.set_state(enabled=has_mesh)

    def set_trajectory(self, frame: int | None, frames: int, playing: bool, has_trajectory: bool,
                       can_sample: bool, can_undo: bool, can_redo: bool = False) -> None:
        self.play_button.set_text("Pause" if playing else "Play")
        self.play_button.set_state(enabled=has_trajectory, active=playing)
        self.sample_button.set_state(enabled=can_sample)
        self.undo_button.set_state(enabled=can_undo)
        self.redo_button.set_state(enabled=can_redo)
        self.slider.show(has_trajectory)
        self.slider.set(frame if frame is not None else frames - 1, frames if has_trajectory else 0)
        self.frame_text.set(f"{(frame if frame is not None else frames - 1) + 1} / {frames}" if has_trajectory else "")
        for b in self.export_buttons:
            b.set_state(enabled=has_trajectory)

    def set_status(self, message: str, error: bool = False, latency: str = "") -> None:
        if (message, error, latency) == self._status:
            return
        old, self._status = self._status, (message, error, latency)
        need = self._latency_width(latency)
        self.latency.set(latency)
        # The latency figures change every frame: wrap the message again only when they need more
        # room than they have, or leave much more free, or the message changed.
        if (message, error) != old[:2] or need > self._latency_room or need < self._latency_room - 40:
            self._layout_status()

    def controls(self) -> dict[str, tuple[float, float]]:
        """Centres (window pixels from the bottom-left) of the buttons a script may click: "open",
        "recent", "up+Y"..., "view:front"... (for the event log and the end-to-end tests)."""
        out = {"open": self.open_button, "recent": self.recent_button, "undo": self.undo_button,
               "redo": self.redo_button, "flip": self.flip_button, "reset": self.reset_button,
               "snap": self.snap_button, "hinge": self.hinge_button, "limits:set": self.limits_button,
               "limits:lower": self.limit_entries[0], "limits:upper": self.limit_entries[1]}
        out.update({f"choose{i + 1}": r for i, (r, _) in enumerate(self.candidate_rows)})
        out.update({f"up{name}": b for (name, _), b in zip(UP_CHOICES, self.up_buttons)})
        out.update({f"view:{v}": b for (_, v), b in zip(VIEW_CHOICES, self.view_buttons)})
        return {k: (b.x + b.width / 2, b.y + b.height / 2) for k, b in out.items()}

    def status_text(self) -> list[str]:
        """The status lines as shown (after wrapping and eliding)."""
        return [line.label.text for line in self.status_lines if line.label.text]

    # -- recent files ---------------------------------------------------------------------------

    def set_recent(self, entries: list) -> None:
        """The recent-files menu's entries (:class:`viewer.recent.RecentFile`: ``name``, ``path``)."""
        self._recent = list(entries)[: len(self.menu_rows)]
        self.recent_button.set_state(enabled=True)
        self._layout_menu()

    def toggle_recent(self, open_: bool | None = None) -> None:
        self.menu_open = (not self.menu_open) if open_ is None else bool(open_)
        self.recent_button.set_state(active=self.menu_open)
        self._layout_menu()

    def _open_recent(self, i: int) -> None:
        self.toggle_recent(False)
        if i < len(self._recent):
            self.actions["recent"](self._recent[i].path)

    # -- events --------------------------------------------------------------------------------

    def hover(self, x: float, y: float) -> bool:
        changed = False
        for b in self.buttons + (self.menu_rows if self.menu_open else []):
            changed |= b.set_state(hover=b.contains(x, y))
        return changed

    def press(self, x: float, y: float) -> bool:
        """Handle a click; True when it hit a widget. While the recent-files menu is open every
        click goes to it (and closes it)."""
        if self.menu_open:
            for row in self.menu_rows:
                if row.contains(x, y):
                    row.click()
                    return True
            self.toggle_recent(False)
            return True
        for entry in self.limit_entries:
            if entry.contains(x, y) and entry.enabled:
                self.focus_limits(self.limit_entries.index(entry))
                return True
        if self.focused_entry() is not None and not self.limits_button.contains(x, y):
            self.blur()  # a click elsewhere leaves the entry; what was typed is dropped
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
        self.status_batch.draw()
        if self.menu_open:
            self.menu_batch.draw()

