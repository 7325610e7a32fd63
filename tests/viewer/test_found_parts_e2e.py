"""End to end: a click on a welded mesh with no parts, in the real window (Xvfb, xdotool), finds
the door under the cursor and selects it; a drag on it then infers its joint."""

from __future__ import annotations

import numpy as np
import trimesh

from test_found_parts import DOOR_POINT
from test_viewer_e2e import (display, drag_along, pytestmark, screen_projector, start_viewer, stop_viewer,  # noqa: F401
                             wait_for, xdo)


def test_click_finds_the_part_then_it_drags(tmp_path, display):  # noqa: F811
    from dragmesh.data.shapes import box, merge
    from dragmesh.segment.welded import weld_remesh

    vertices, faces = merge(box((0.6, 0.9, 0.5), (0.0, 0.45, 0.0)), box((0.5, 0.6, 0.03), (0.0, 0.35, 0.265)))
    path = tmp_path / "welded.ply"
    trimesh.Trimesh(*weld_remesh(vertices, faces, resolution=64), process=False).export(path)
    log = tmp_path / "events.jsonl"
    proc = start_viewer(display, str(path), "--record", str(log), "--size", "1000x700")
    try:
        events = wait_for(log, proc, lambda e: e["event"] == "ready" and e["parts"], 60, "the viewer to be ready")
        ready = next(e for e in events if e["event"] == "ready")
        x, y = screen_projector(ready)(DOOR_POINT)
        xdo(display, "mousemove", str(int(x)), str(int(y)))
        xdo(display, "click", "1")
        events = wait_for(log, proc, lambda e: e["event"] == "found", 30, "the part under the click")
        found = next(e for e in events if e["event"] == "found")
        assert found["part"] == 1 and 0 < found["faces"] < 0.5 * len(trimesh.load(path).faces)
        drag_along(display, x, y, direction=(1.0, 0.0), pixels=120, steps=10)
        events = wait_for(log, proc, lambda e: e["event"] == "joint", 60, "the found part's joint")
        assert next(e for e in events if e["event"] == "pick")["part"] == 1
    finally:
        stop_viewer(proc, display)
