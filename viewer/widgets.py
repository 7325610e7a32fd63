"""A few flat widgets drawn with pyglet shapes and labels in one batch: buttons, text lines, a
frame slider. Coordinates are window pixels from the bottom-left, as pyglet gives them.
"""

from __future__ import annotations

from typing import Callable

import viewer.pyglet_options  # noqa: F401  (before pyglet.window / pyglet.gl)
import pyglet

FONT = ("DejaVu Sans", "Roboto", "Arial", "sans-serif")
TEXT = (30, 33, 40, 255)
MUTED = (110, 116, 128, 255)
BUTTON = (222, 226, 234, 255)
BUTTON_HOVER = (204, 212, 228, 255)
BUTTON_ACTIVE = (66, 118, 220, 255)
BUTTON_DISABLED = (236, 238, 242, 255)


def baseline(y: float, height: float, font_size: float) -> int:
    """Integer baseline that centres a line of text vertically in [y, y + height]: glyphs drawn at
    half pixels lose their one-pixel strokes (minus signs, colons) to texture sampling."""
    return int(round(y + height / 2 - 0.36 * font_size * 96 / 72))


def elide(text: str, measure: Callable[[str], float], width: float) -> str:
    """The longest prefix of ``text`` (plus "…") whose width fits ``width``; ``text`` if it fits."""
    if measure(text) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # bisection on the prefix length
        mid = (lo + hi + 1) // 2
        if measure(text[:mid].rstrip() + "…") <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def elide_start(text: str, measure: Callable[[str], float], width: float) -> str:
    """"…" plus the longest suffix of ``text`` that fits ``width`` (for paths: the file name stays)."""
    if measure(text) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if measure("…" + text[len(text) - mid:]) <= width:
            lo = mid
        else:
            hi = mid - 1
    return "…" + text[len(text) - lo:]


def fit_lines(text: str, measure: Callable[[str], float], width: float, max_lines: int = 3) -> list[str]:
    """``text`` wrapped at spaces into lines no wider than ``width`` (a word wider than a line is
    broken), at most ``max_lines``; what does not fit ends the last line with "…".

    measure: text -> width in the same units (pixels of the label's font). Pure: no GL.
    """
    words = text.split()
    lines: list[str] = []
    current = ""
    i = 0
    while i < len(words):
        word = words[i]
        candidate = f"{current} {word}" if current else word
        if measure(candidate) <= width:
            current, i = candidate, i + 1
            continue
        if current:
            lines.append(current)
            current = ""
        else:  # one word wider than the line: break it
            cut = max(1, len(elide(word, measure, width)) - 1)
            lines.append(word[:cut])
            words[i] = word[cut:]
        if len(lines) == max_lines:
            break
    if current and len(lines) < max_lines:
        lines.append(current)
        i = len(words)
    if i < len(words) or len(lines) > max_lines:
        rest = " ".join([lines[max_lines - 1]] + words[i:]) if len(lines) >= max_lines else " ".join(words[i:])
        lines = lines[: max_lines - 1] + [elide(rest + " …", measure, width)]
    return lines or [""]


class Widget:
    """A rectangle that can be hit; subclasses draw into the shared batch."""

    def __init__(self):
        self.x = self.y = self.width = self.height = 0
        self.visible = True

    def contains(self, x: float, y: float) -> bool:
        return self.visible and self.x <= x < self.x + self.width and self.y <= y < self.y + self.height

    def place(self, x: float, y: float, width: float, height: float) -> None:
        self.x, self.y, self.width, self.height = x, y, width, height

    def show(self, visible: bool) -> None:
        self.visible = visible


class Text(Widget):
    """One line of text, clipped to its width by eliding the end."""

    def __init__(self, batch, group, size: float = 10, color=TEXT, bold: bool = False, keep_end: bool = False):
        super().__init__()
        self.keep_end = keep_end  # elide the start instead (a path whose file name must show)
        self.label = pyglet.text.Label("", font_name=FONT, font_size=size, color=color, batch=batch,
                                       group=group, weight="bold" if bold else "normal")
        self._text = ""
        self._size = size

    def place(self, x, y, width, height) -> None:
        super().place(x, y, width, height)
        self.label.position = (int(round(x)), baseline(y, height, self._size), 0)
        self._apply()

    def set(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self._apply()

    def measure(self, text: str) -> float:
        """Width in pixels of ``text`` in this line's font (what the line shows stays)."""
        shown = self.label.text
        self.label.text = text
        width = self.label.content_width
        self.label.text = shown
        return width

    def _apply(self) -> None:
        text = self._text if self.visible else ""
        self.label.text = text
        if not self.width or self.label.content_width <= self.width:
            return
        self.label.text = (elide_start if self.keep_end else elide)(text, self.measure, self.width)

    def show(self, visible: bool) -> None:
        super().show(visible)
        self._apply()


class Button(Widget):
    """A push button, or a toggle when ``active`` is set by its owner."""

    def __init__(self, batch, bg_group, fg_group, text: str, action: Callable[[], None], size: float = 9.5):
        super().__init__()
        self.action = action
        self.rect = pyglet.shapes.Rectangle(0, 0, 1, 1, color=BUTTON, batch=batch, group=bg_group)
        self.label = pyglet.text.Label(text, font_name=FONT, font_size=size, color=TEXT, batch=batch,
                                       group=fg_group, anchor_x="center")
        self._font_size = size
        self.enabled = True
        self.active = False
        self.hover = False

    def place(self, x, y, width, height) -> None:
        super().place(x, y, width, height)
        self.rect.position = (x, y)
        self.rect.width, self.rect.height = width, height
        self.label.position = (int(round(x + width / 2)), baseline(y, height, self._font_size), 0)
        self.refresh()

    def set_text(self, text: str, width: float | None = None) -> None:
        """The button's text; with ``width`` (pixels), elided to fit it."""
        if width is not None and text:
            def measure(t: str) -> float:
                self.label.text = t
                return self.label.content_width
            text = elide(text, measure, width)
        if self.label.text != text:
            self.label.text = text

    def set_state(self, enabled: bool | None = None, active: bool | None = None, hover: bool | None = None) -> bool:
        """Change state; True when something visible changed."""
        before = (self.enabled, self.active, self.hover)
        if enabled is not None:
            self.enabled = enabled
        if active is not None:
            self.active = active
        if hover is not None:
            self.hover = hover
        changed = before != (self.enabled, self.active, self.hover)
        if changed:
            self.refresh()
        return changed

    def refresh(self) -> None:
        self.rect.visible = self.label.visible = self.visible
        if not self.enabled:
            color, text = BUTTON_DISABLED, MUTED
        elif self.active:
            color, text = BUTTON_ACTIVE, (255, 255, 255, 255)
        elif self.hover:
            color, text = BUTTON_HOVER, TEXT
        else:
            color, text = BUTTON, TEXT
        self.rect.color = color
        self.label.color = text

    def show(self, visible: bool) -> None:
        super().show(visible)
        self.refresh()

    def click(self) -> None:
        if self.enabled and self.visible:
            self.action()


class Slider(Widget):
    """Pick an integer in [0, count - 1] by clicking or dragging along a track."""

    def __init__(self, batch, bg_group, fg_group, on_change: Callable[[int], None]):
        super().__init__()
        self.on_change = on_change
        self.track = pyglet.shapes.Rectangle(0, 0, 1, 4, color=BUTTON, batch=batch, group=bg_group)
        self.knob = pyglet.shapes.Rectangle(0, 0, 10, 16, color=BUTTON_ACTIVE, batch=batch, group=fg_group)
        self.count = 0
        self.value = 0

    def place(self, x, y, width, height) -> None:
        super().place(x, y, width, height)
        self.track.position = (x, y + height / 2 - 2)
        self.track.width = width
        self.set(self.value, self.count)

    def set(self, value: int, count: int) -> None:
        self.value, self.count = int(value), int(count)
        span = max(self.width - 10, 1)
        frac = self.value / (self.count - 1) if self.count > 1 else 0.0
        self.knob.position = (self.x + frac * span, self.y + self.height / 2 - 8)
        self.knob.visible = self.track.visible = self.visible and self.count > 1

    def pick(self, x: float) -> None:
        if self.count < 2:
            return
        frac = min(max((x - self.x - 5) / max(self.width - 10, 1), 0.0), 1.0)
        value = int(round(frac * (self.count - 1)))
        if value != self.value:
            self.set(value, self.count)
            self.on_change(value)


class Entry(Widget):
    """A one-line text entry. A click focuses it (the owner routes typed text and keys to it while
    it has the focus); focusing selects what it shows, so typing replaces it. Not focused, it shows
    ``placeholder`` (the current value), or the text typed and not yet set (``pending``)."""

    def __init__(self, batch, bg_group, fg_group, size: float = 9.5):
        super().__init__()
        self.rect = pyglet.shapes.Rectangle(0, 0, 1, 1, color=(255, 255, 255, 255), batch=batch, group=bg_group)
        self.border = pyglet.shapes.Box(0, 0, 1, 1, thickness=1, color=BUTTON_HOVER, batch=batch, group=fg_group)
        self.label = pyglet.text.Label("", font_name=FONT, font_size=size, color=TEXT, batch=batch, group=fg_group)
        self._size = size
        self.text = ""
        self.placeholder = ""
        self.focused = False
        self.pending = False  # text typed, not set yet
        self.fresh = False  # focused, nothing typed yet: the first key replaces the text
        self.enabled = True

    def place(self, x, y, width, height) -> None:
        super().place(x, y, width, height)
        self.rect.position = (x, y)
        self.rect.width, self.rect.height = width, height
        self.border.position = (x, y)
        self.border.width, self.border.height = width, height
        self.label.position = (int(round(x + 5)), baseline(y, height, self._size), 0)
        self.refresh()

    @property
    def value(self) -> str:
        """What a set would use: the typed text, else the current value."""
        return self.text if self.pending else self.placeholder

    def focus(self, on: bool) -> None:
        on = bool(on) and self.enabled
        if on and not self.focused:
            if not self.pending:
                self.text, self.pending = self.placeholder, True
            self.fresh = True
        self.focused = on
        self.refresh()

    def discard(self) -> None:
        self.focused = self.pending = self.fresh = False
        self.text = ""
        self.refresh()

    def set_placeholder(self, text: str, enabled: bool = True) -> None:
        if (text, enabled) == (self.placeholder, self.enabled):
            return
        self.placeholder, self.enabled = text, enabled
        if not enabled:
            self.focused = self.pending = False
        self.refresh()

    def type(self, text: str) -> None:
        if self.focused:
            typed = "".join(c for c in text if c.isprintable())
            self.text = typed if self.fresh else self.text + typed
            self.fresh = False
            self.refresh()

    def backspace(self) -> None:
        if self.focused:
            self.text = "" if self.fresh else self.text[:-1]
            self.fresh = False
            self.refresh()

    def refresh(self) -> None:
        self.rect.visible = self.border.visible = self.label.visible = self.visible
        self.border.color = BUTTON_ACTIVE if self.focused else BUTTON_HOVER
        self.rect.color = (255, 255, 255, 255) if self.enabled else BUTTON_DISABLED
        shown = (self.text + "|") if self.focused else self.value
        self.label.color = TEXT if self.enabled else MUTED
        if self.label.text != shown:
            self.label.text = shown
