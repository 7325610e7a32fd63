"""End to end, joints: the real viewer under Xvfb, a real mouse and keyboard (xdotool), the event
log and a screenshot per test.

- a door grabbed on its panel (not its handle) and pulled outward swings about its side hinge;
- a number key picks a runner-up, and the joint changes;
- a drag the wrong way from closed leaves the part closed;
- a handle (a part touching only the door) moves with its door;
- a hinge put on the clicked edge and limits typed in the panel are what the URDF export holds.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from dragmesh.geometry.joints import Joint
from handle_mesh import HANDLE_POINT, HINGE_AXIS, HINGE_ORIGIN, PANEL_POINT, write_obj
from test_viewer_e2e import (
    display,  # noqa: F401  (the fixture)
    missing,
    read_events,
    screen_projector,
    screenshot,
    start_viewer,
    stop_viewer,
    wait_for,
    xdo,
)

pytestmark = pytest.mark.skipif(
    bool(missing), reason=f"viewer end-to-end test needs {', '.join(missing)} (apt-get install xvfb xdotool imagemagick)"
)

ROOT = Path(__file__).resolve().parents[2]
CABINET = ROOT / "dragmesh" / "assets" / "cabinet.glb"
PANEL = np.array([0.05, 0.45, 0.231])  # on the door's panel; its handle is at x = 0.2
DOOR_HINGE = Joint("revolute", (0.0, -1.0, 0.0), (-0.247, 0.45, 0.231))  # opening outward (+Z)


def open_viewer(display, mesh: Path, log: Path, *args: str):
    proc = start_viewer(display, str(mesh), "--record", str(log), "--size", "1100x760", *args)
    events = wait_for(log, proc, lambda e: e["event"] == "ready" and e["parts"], 60, "the viewer to be ready")
    return proc, [e for e in events if e["event"] == "ready"][-1]


def mouse_path(display, points) -> None:
    """Press at the first screen point, move through the others, release."""
    points = [np.round(p).astype(int) for p in points]
    xdo(display, "mousemove", str(points[0][0]), str(points[0][1]))
    time.sleep(0.3)
    xdo(display, "mousedown", "1")
    for p in points[1:]:
        time.sleep(0.06)
        xdo(display, "mousemove", str(p[0]), str(p[1]))
    time.sleep(0.3)
    xdo(display, "mouseup", "1")


def swing_on_screen(ready, joint: Joint, point: np.ndarray, angles) -> list[np.ndarray]:
    to_screen = screen_projector(ready)
    return [to_screen(joint.apply(point[None], a)[0]) for a in angles]


def click(display, x: float, y: float) -> None:
    xdo(display, "mousemove", str(int(round(x))), str(int(round(y))))
    time.sleep(0.2)
    xdo(display, "click", "1")


def image(path: Path) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(path).convert("RGB"), dtype=np.int32)


def orange(img: np.ndarray) -> np.ndarray:
    """Pixels of the cabinet's door (orange, part 1 of the palette, as lit, its back in shadow too)."""
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return (r > 60) & (r > 1.3 * g) & (g > 1.5 * b)


def bluish(img: np.ndarray) -> np.ndarray:
    """Pixels of part 2 of the palette (steel blue, the handle), as lit."""
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return (b > 90) & (b > 1.25 * g) & (g > 1.3 * r)


def ghostly(img: np.ndarray) -> np.ndarray:
    """Pixels tinted by the runners-up's ghosts (pink, violet) over the light background and parts
    (not the red pivot ball)."""
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return (b > g + 15) & (r > g + 15) & (b > 0.5 * r)


def hide_ghosts(display, log, proc) -> None:
    """G hides the candidates' see-through ghosts (they tint what lies behind them)."""
    n = sum(e["event"] == "ghosts" for e in read_events(log))
    xdo(display, "key", "g")
    wait_for(log, proc, lambda e: sum(x["event"] == "ghosts" for x in read_events(log)) > n, 20, "ghosts hidden")
    time.sleep(0.4)


def patch(mask: np.ndarray, xy, half: int = 6) -> float:
    """Fraction of ``mask`` pixels in the square around screen point ``xy``."""
    x, y = int(round(xy[0])), int(round(xy[1]))
    return float(mask[max(y - half, 0): y + half + 1, max(x - half, 0): x + half + 1].mean())


def errors(log: Path) -> list[str]:
    return [e["message"] for e in read_events(log) if e["event"] == "error"]


def drag_door_open(display, log, proc, ready, angles=np.linspace(0.0, 1.0, 14)) -> list[dict]:
    mouse_path(display, swing_on_screen(ready, DOOR_HINGE, PANEL, angles))
    return wait_for(log, proc, lambda e: e["event"] in ("trajectory", "error"), 60, "the trajectory")


def test_a_door_pulled_by_its_panel_swings_about_its_side_hinge(tmp_path, display):
    log = tmp_path / "events.jsonl"
    proc, ready = open_viewer(display, CABINET, log)
    try:
        before = screenshot(display, tmp_path / "before.png")
        events = drag_door_open(display, log, proc, ready)
        time.sleep(0.5)
        with_ghosts = screenshot(display, tmp_path / "door_open_ghosts.png")
        hide_ghosts(display, log, proc)
        shot = screenshot(display, tmp_path / "door_open.png")
    finally:
        status = stop_viewer(proc, display)
    assert not errors(log), errors(log)
    pick = next(e for e in events if e["event"] == "pick")
    assert pick["name"] == "door" and pick["point"][0] < 0.15  # the panel, not the handle
    joints = [e for e in events if e["event"] == "joint"]
    # Inferred once the drag said enough (24 px), then again at 72 and 144 px while young: the first
    # centimetres of the swing are an outward pull, which a flap makes too.
    assert [j["inference"] for j in joints] == [1, 2, 3] and joints[0]["pixels"] >= 24
    joint = joints[-1]
    assert joint["type"] == "revolute" and abs(joint["axis"][1]) > np.cos(np.radians(10))
    assert joint["origin"][0] == pytest.approx(-0.247, abs=0.02), "not the side hinge"
    assert joint["candidates"][0]["words"] == "side hinge" and len(joint["candidates"]) == 3
    drags = [e for e in events if e["event"] == "drag"]
    assert drags[-1]["value"] > 0.6 and all(d["value"] >= 0 for d in drags)
    release = next(e for e in events if e["event"] == "release")
    T = np.array(release["poses"]["door"])
    # On screen: the door's panel is where the swung door is, no longer where it was.
    to_screen = screen_projector(ready)
    centre = np.array([0.0, 0.45, 0.231])
    now, was = to_screen(T[:3, :3] @ centre + T[:3, 3]), to_screen(centre)
    img, img0 = image(shot), image(before)
    assert patch(orange(img0), was) > 0.8 and patch(orange(img), now) > 0.8
    assert patch(orange(img), was) < 0.5
    # The runners-up are shown as ghosts in the view (then hidden by G); the panel's swatches aside.
    view = ready["view"]
    region = (slice(view["y"], view["y"] + view["height"]), slice(view["x"], view["x"] + view["width"]))
    assert ghostly(image(with_ghosts))[region].sum() > 2000 and ghostly(img)[region].sum() < 50
    assert status == 0


def test_a_number_key_picks_a_runner_up_and_the_joint_changes(tmp_path, display):
    log = tmp_path / "events.jsonl"
    proc, ready = open_viewer(display, CABINET, log)
    try:
        drag_door_open(display, log, proc, ready)
        time.sleep(0.3)
        first = screenshot(display, tmp_path / "first_choice.png")
        xdo(display, "key", "2")
        events = wait_for(log, proc, lambda e: e["event"] in ("choose", "error"), 30, "the pick")
        wait_for(log, proc, lambda e: e["event"] == "trajectory" and e["t"] > events[-1]["t"] - 5, 30, "")
        time.sleep(0.5)
        shot = screenshot(display, tmp_path / "second_choice.png")
        ready = [e for e in read_events(log) if e["event"] == "ready"][-1]
    finally:
        status = stop_viewer(proc, display)
    assert not errors(log), errors(log)
    events = read_events(log)
    inferred = [e for e in events if e["event"] == "joint"][-1]
    chosen = next(e for e in events if e["event"] == "choose")
    assert chosen["choice"] == 1 and chosen["what"] == "candidate 2"
    second = inferred["candidates"][1]
    assert np.allclose(chosen["axis"], second["axis"], atol=1e-6)
    changed = 1 - abs(np.dot(chosen["axis"], inferred["axis"])) > 1e-3 or \
        np.linalg.norm(np.subtract(chosen["origin"], inferred["origin"])) > 0.02
    assert changed, "picking candidate 2 kept the joint"
    assert chosen["value"] > 0  # the drag re-played on it
    # The picture changed with it, and the list shows row 2 as the one in use.
    a, b = image(first), image(shot)
    view = ready["view"]
    region = (slice(view["y"], view["y"] + view["height"]), slice(view["x"], view["x"] + view["width"]))
    assert np.abs(a[region] - b[region]).mean() > 2.0
    x, y = ready["controls"]["choose2"]
    assert tuple(b[int(y), int(x) + 128]) == (66, 118, 220), "row 2 is not marked as picked"
    assert status == 0


def test_a_wrong_way_drag_from_closed_leaves_the_part_closed(tmp_path, display):
    log = tmp_path / "events.jsonl"
    proc, ready = open_viewer(display, CABINET, log)
    try:
        before = screenshot(display, tmp_path / "before.png")
        # Push the door into the body (the hinge's negative angles): it is closed, so it stays.
        mouse_path(display, swing_on_screen(ready, DOOR_HINGE, PANEL, np.linspace(0.0, -0.9, 14)))
        events = wait_for(log, proc, lambda e: e["event"] == "message" and "back at rest" in e["message"]
                          or e["event"] in ("error", "trajectory"), 30, "the release")
        hide_ghosts(display, log, proc)
        shot = screenshot(display, tmp_path / "pushed.png")
    finally:
        status = stop_viewer(proc, display)
    assert not errors(log), errors(log)
    kinds = [e["event"] for e in events]
    assert "joint" in kinds and "trajectory" not in kinds, kinds
    drags = [e for e in events if e["event"] == "drag"]
    assert len(drags) >= 5 and all(d["value"] == 0.0 for d in drags)
    release = next(e for e in events if e["event"] == "release")
    assert release["value"] == 0.0 and np.allclose(release["poses"]["door"], np.eye(4))
    assert release["limits"][1] == 0.0 and release["limits"][0] < -1.0  # closed is a stop
    # On screen the door is where it was.
    to_screen = screen_projector(ready)
    centre = to_screen(np.array([0.0, 0.45, 0.231]))
    assert patch(orange(image(before)), centre) > 0.8 and patch(orange(image(shot)), centre) > 0.8
    assert status == 0


def test_a_handle_moves_with_its_door(tmp_path, display):
    mesh = write_obj(tmp_path / "cupboard.obj")
    log = tmp_path / "events.jsonl"
    proc, ready = open_viewer(display, mesh, log)
    hinge = Joint("revolute", HINGE_AXIS, HINGE_ORIGIN)
    grab = PANEL_POINT  # the door's panel, left of its handle
    try:
        assert [p["name"] for p in ready["parts"]] == ["body", "door", "handle"]
        mouse_path(display, swing_on_screen(ready, hinge, grab, np.linspace(0.0, 1.0, 14)))
        events = wait_for(log, proc, lambda e: e["event"] in ("trajectory", "error"), 60, "the trajectory")
        hide_ghosts(display, log, proc)
        shot = screenshot(display, tmp_path / "handle_with_door.png")
    finally:
        status = stop_viewer(proc, display)
    assert not errors(log), errors(log)
    pick = next(e for e in events if e["event"] == "pick")
    assert pick["name"] == "door" and pick["group"] == ["door", "handle"]
    joint = [e for e in events if e["event"] == "joint"][-1]
    assert joint["type"] == "revolute" and joint["group"] == ["door", "handle"]
    assert abs(joint["axis"][1]) > np.cos(np.radians(10)), "not the side hinge"
    release = next(e for e in events if e["event"] == "release")
    door, handle = np.array(release["poses"]["door"]), np.array(release["poses"]["handle"])
    assert np.allclose(door, handle) and not np.allclose(door, np.eye(4))
    # On screen: the handle is on the swung door, gone from where it was.
    to_screen = screen_projector(ready)
    centre = HANDLE_POINT
    img = image(shot)
    assert patch(bluish(img), to_screen(door[:3, :3] @ centre + door[:3, 3]), 3) > 0.5
    assert patch(bluish(img), to_screen(centre), 3) < 0.2
    assert status == 0


def test_an_edited_hinge_and_typed_limits_are_exported(tmp_path, display):
    log, out = tmp_path / "events.jsonl", tmp_path / "exports"
    proc, ready = open_viewer(display, CABINET, log, "--out", str(out), "--export", "urdf")
    try:
        events = drag_door_open(display, log, proc, ready, np.linspace(0.0, 0.8, 12))
        T = np.array(next(e for e in events if e["event"] == "release")["poses"]["door"])
        # Hinge mode, then a click near the swung door's free (right) edge: that edge is the hinge.
        xdo(display, "key", "h")
        wait_for(log, proc, lambda e: e["event"] == "mode" and e["hinge"], 20, "hinge mode")
        near_edge = T[:3, :3] @ np.array([0.225, 0.5, 0.231]) + T[:3, 3]
        click(display, *screen_projector(ready)(near_edge))
        wait_for(log, proc, lambda e: e["event"] == "edit" and e["what"] == "hinge" or e["event"] == "error",
                 30, "the hinge edit")
        # Type the limits: 0 and 30 degrees.
        ready = [e for e in read_events(log) if e["event"] == "ready"][-1]
        click(display, *ready["controls"]["limits:lower"])
        xdo(display, "type", "0")
        xdo(display, "key", "Tab")
        xdo(display, "type", "30")
        xdo(display, "key", "Return")
        wait_for(log, proc, lambda e: e["event"] == "edit" and e["what"] == "limits" or e["event"] == "error",
                 30, "the limits edit")
        time.sleep(0.5)
        screenshot(display, tmp_path / "edited.png")
        xdo(display, "key", "e")
        events = wait_for(log, proc, lambda e: e["event"] in ("export", "error") and e["t"] > 0, 60, "the export")
    finally:
        status = stop_viewer(proc, display)
    assert not errors(log), errors(log)
    events = read_events(log)
    hinge = next(e for e in events if e["event"] == "edit" and e["what"] == "hinge")
    assert abs(hinge["axis"][1]) > 0.999 and hinge["origin"][0] == pytest.approx(0.247, abs=0.01)
    limits = next(e for e in events if e["event"] == "edit" and e["what"] == "limits")
    assert limits["limits"] == pytest.approx([0.0, np.radians(30)])
    assert 0 < limits["value"] <= np.radians(30) + 1e-9
    export = next(e for e in events if e["event"] == "export")
    urdf = ET.parse(next(p for p in export["paths"] if p.endswith(".urdf"))).getroot()
    (joint,) = urdf.findall("joint")
    assert joint.get("type") == "revolute"
    assert float(joint.find("limit").get("lower")) == pytest.approx(0.0, abs=1e-9)
    assert float(joint.find("limit").get("upper")) == pytest.approx(np.radians(30), abs=1e-6)
    axis = np.array([float(v) for v in joint.find("axis").get("xyz").split()])
    origin = np.array([float(v) for v in joint.find("origin").get("xyz").split()])
    assert abs(axis[1]) > 0.999 and origin[0] == pytest.approx(0.247, abs=0.01)
    assert status == 0


def test_a_pivot_dragged_to_the_other_edge_is_exported(tmp_path, display):
    log, out = tmp_path / "events.jsonl", tmp_path / "exports"
    proc, ready = open_viewer(display, CABINET, log, "--out", str(out), "--export", "urdf")
    try:
        drag_door_open(display, log, proc, ready, np.linspace(0.0, 0.8, 12))
        # Pivot mode (the door waits closed), then a drag across its panel from its hinge to near
        # its free (right) edge: the line follows the cursor and lands on that edge.
        xdo(display, "key", "p")
        wait_for(log, proc, lambda e: e["event"] == "mode" and e.get("pivot"), 20, "pivot mode")
        to_screen = screen_projector(ready)
        mouse_path(display, [to_screen(np.array([x, 0.6, 0.231])) for x in np.linspace(-0.23, 0.235, 12)])
        wait_for(log, proc, lambda e: e["event"] == "edit" and e["what"] == "pivot" or e["event"] == "error",
                 30, "the pivot edit")
        time.sleep(0.5)
        screenshot(display, tmp_path / "pivot.png")
        # Leaving pivot mode re-plays the drag on the moved line: the door opens again.
        xdo(display, "key", "p")
        wait_for(log, proc, lambda e: e["event"] == "replay" or e["event"] == "error", 30, "the re-played drag")
        time.sleep(0.5)
        screenshot(display, tmp_path / "pivot_replayed.png")
        xdo(display, "key", "e")
        wait_for(log, proc, lambda e: e["event"] in ("export", "error") and e["t"] > 0, 60, "the export")
    finally:
        status = stop_viewer(proc, display)
    assert not errors(log), errors(log)
    events = read_events(log)
    moves = [e for e in events if e["event"] == "pivot"]
    assert len(moves) >= 3, "the line did not follow the drag"
    edit = next(e for e in events if e["event"] == "edit" and e["what"] == "pivot")
    assert abs(edit["axis"][1]) > 0.999 and edit["origin"][0] == pytest.approx(0.247, abs=0.01)
    assert edit["value"] == 0.0  # the door waits closed while its pivot is dragged
    replay = next(e for e in events if e["event"] == "replay")
    assert replay["origin"][0] == pytest.approx(0.247, abs=0.01) and replay["value"] > 0.3
    export = next(e for e in events if e["event"] == "export")
    urdf = ET.parse(next(p for p in export["paths"] if p.endswith(".urdf"))).getroot()
    (joint,) = urdf.findall("joint")
    origin = np.array([float(v) for v in joint.find("origin").get("xyz").split()])
    assert joint.get("type") == "revolute" and origin[0] == pytest.approx(0.247, abs=0.01)
    assert status == 0
