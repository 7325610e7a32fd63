"""The viewer's actions without a window: the controller over a session, its status text, its record
and what it asks of the window (its hooks)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from viewer.controller import Controller, Hooks, ViewerOptions
from viewer.picking import Hit

CABINET = Path(__file__).resolve().parents[2] / "dragmesh" / "assets" / "cabinet.glb"


@pytest.fixture
def calls() -> list[tuple]:
    """What the controller asked of the window, in order."""
    return []


@pytest.fixture
def controller(tmp_path, monkeypatch, calls):
    monkeypatch.setenv("DRAGMESH_CONFIG_DIR", str(tmp_path / "config"))  # recent files: not the user's
    hooks = Hooks(redraw=lambda static: calls.append(("redraw", static)),
                  refresh_panel=lambda: calls.append(("refresh",)),
                  parts_changed=lambda mesh: calls.append(("parts", mesh.n_parts)),
                  to_screen=lambda x, y: [x + 1000.0, y + 2000.0])
    c = Controller(ViewerOptions(record=str(tmp_path / "events.jsonl")), hooks)
    yield c
    c.close()


def events(c) -> list[dict]:
    return [json.loads(line) for line in Path(c.options.record).read_text().splitlines()]


def hit_on(c, label: int) -> Hit:
    point = c.session.mesh.vertices[c.session.mesh.faces[c.session.mesh.face_labels == label][0, 0]]
    return Hit(label, point, 1.0, point)


def test_loading_selecting_and_the_base(controller, calls):
    c = controller
    assert c.load(CABINET) and ("parts", 3) in calls
    assert c.message.startswith("Loaded cabinet.glb: 3 parts")
    assert [e.name for e in c.recent.entries] == ["cabinet.glb"]
    door = c.session.mesh.part_names.index("door")
    c.make_base()
    assert c.message_error and c.message.startswith("Select a part first")
    c.select(door)
    c.make_base()
    assert c.session.base == door and c.message == "door is the base now; body can be dragged now."
    assert c.session.can_undo and not c.session.can_redo
    c.undo()
    assert c.session.base == 0 and c.session.can_redo and c.message.startswith("Undone")
    kinds = [e["event"] for e in events(c)]
    assert kinds[:2] == ["loaded", "message"] and "base" in kinds and "undo" in kinds
    assert ("redraw", True) in calls  # every action tells the window that the static parts changed


def test_a_press_on_the_base_is_locked_and_a_click_on_a_part_selects_it(controller):
    c = controller
    c.load(CABINET)
    assert c.press(None, (10.0, 20.0)) is None
    assert c.press(hit_on(c, c.session.base), (10.0, 20.0)) == "locked" and c.drag is None
    locked = next(e for e in events(c) if e["event"] == "locked")
    assert locked["name"] == "body" and locked["screen"] == [1010.0, 2020.0]
    drawer = c.session.mesh.part_names.index("drawer")
    assert c.press(hit_on(c, drawer), (30.0, 40.0)) == "part"
    assert c.drag.part == drawer and c.selected == drawer and c.moving_parts() == [drawer]
    c.release(moved=False)  # a click: nothing moved, the undo step is taken back
    assert c.drag is None and not c.session.can_undo
    assert c.message.startswith("Selected drawer. Drag it to move it")


def test_actions_that_need_a_trajectory_say_so(controller):
    c = controller
    c.toggle_play()
    assert c.message_error and c.message.startswith("Nothing to play yet")
    c.load(CABINET)
    c.export()
    assert c.message_error and c.message.startswith("Nothing to export yet")
    c.toggle_ghosts()
    assert not c.show_ghosts and c.message.startswith("Candidates' ghosts hidden")
    c.set_view("frame")
    assert c.message == "Framed all parts." and not c.camera_moving
    lo, hi = c.session.bounds()
    assert np.isfinite(c.camera.project(np.array([lo, hi]))).all()


def test_opening_a_mesh_while_playing_stops_the_playback_timer(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAGMESH_CONFIG_DIR", str(tmp_path / "config"))
    scheduled = []
    c = Controller(ViewerOptions(), Hooks(every=lambda fn, seconds: scheduled.append(fn),
                                          stop=lambda fn: scheduled.remove(fn)))
    try:
        c.load(CABINET)
        c.playing = True  # as Space leaves it: the timer runs
        c.hooks.every(c._advance, 0.1)
        c.load(CABINET)
        assert not c.playing and scheduled == []  # no orphaned timer advancing the new mesh's frames
    finally:
        c.close()
