"""The viewer's event log (``dragmesh view --record FILE``): one JSON object per line.

Each line has ``event`` (its kind), ``t`` (seconds since the viewer started) and the event's fields;
arrays become lists. Kinds: ``ready`` (window and view rectangles, camera, parts with their screen
positions, the base's label, the up direction, the panel buttons' and entries' screen centres, the
status lines as shown), ``loaded``, ``error``, ``hover``, ``pick`` (with ``moves``, the part that
moves, and ``group``, the names moving together), ``locked`` (a press on the base, which does not
move), ``joint`` (an inference: ``inference`` 1 or 2, the drag's ``pixels``, the joint, its limits,
its ``candidates`` with their probabilities), ``drag``, ``release`` (the value, the limits and the
``poses`` of the parts moving together), ``trajectory``, ``choose`` (a candidate picked), ``edit``
(``what``: axis, hinge or limits; the joint, the value, the collision ``warning`` or None),
``warning``, ``mode`` (hinge mode on or off), ``ghosts`` (shown or hidden), ``export``,
``message``, ``key``, ``view`` (frame all, reset or a preset: its name, the framed box and the
camera), ``up``, ``undo``, ``redo``, ``base``, ``drop``, ``quit``. Screen positions are pixels from
the top-left of the X screen (what xdotool takes); window positions from the top-left of the window.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np


def plain(value: Any) -> Any:
    """``value`` with NumPy arrays and scalars turned into JSON types, recursively."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


class Recorder:
    """Appends events to a JSON-lines file (flushed per line); a no-op without a path."""

    def __init__(self, path: str | Path | None):
        self.start = time.perf_counter()
        self._file = open(path, "w", encoding="utf-8") if path else None

    def __call__(self, event: str, **fields: Any) -> None:
        if self._file is None:
            return
        doc = {"event": event, "t": round(time.perf_counter() - self.start, 4), **plain(fields)}
        self._file.write(json.dumps(doc) + "\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
