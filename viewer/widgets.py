"""A few flat widgets drawn with pyglet shapes and labels in one batch: buttons, text lines, a
frame slider. Coordinates are window pixels from the bottom-left, as pyglet gives them.
"""

from __future__ import annotations

from typing import Callable

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

    def __init__(self, batch, group, size: float = 10, color=TEXT, bold: bool = False):
        super().__init__()
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

    def _apply(self) -> None:
        text = self._text if self.visible else ""
        self.label.text = text
        if not self.width or self.label.content_width <= self.width:
            return
        # Elide: the longest prefix (plus "…") that fits, by bisection on its length.
        lo, hi = 0, len(text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            self.label.text = text[:mid] + "…"
            if self.label.content_width <= self.width:
                lo = mid
            else:
                hi = mid - 1
        self.label.text = text[:lo] + "…"

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

    def set_text(self, text: str) -> None:
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
