"""Shift+click grouping without a window: pieces put in one group move, undo and export as one part."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from dragmesh.errors import DragError, InputError
from dragmesh.geometry.joints import Joint
from dragmesh.io import load_mesh
from handle_mesh import HINGE_AXIS, HINGE_ORIGIN, write_obj
from viewer.session import PartState, Session

SPLIT = ("body", "door_left", "door_right", "handle")  # the handle sits on the right half


def split_door(tmp_path, pipeline=None):
    s = Session(frames=8, pipeline=pipeline)
    s.load(write_obj(tmp_path / "split.obj", SPLIT))
    return s, [s.mesh.part_names.index(n) for n in SPLIT]


def test_shift_click_adds_and_removes_pieces(tmp_path):
    s, (body, left, right, handle) = split_door(tmp_path)
    assert s.base == body and s.group(right) == [right, handle] and s.mover(left) == left
    # The right half joins the left: its handle comes along; all three move as one part.
    assert s.toggle_group(left, right) is True
    assert s.group(left) == [left, right, handle]
    assert s.mover(right) == left and s.mover(handle) == left and s.carrier_of(handle) == left
    # A second Shift+click on a member takes it (alone) out again.
    assert s.toggle_group(left, handle) is False
    assert s.group(left) == [left, right] and s.mover(handle) == handle
    # Taking out the group's leader leaves the others together, led by the next one.
    s.toggle_group(left, handle)
    assert s.toggle_group(left, left) is False
    assert s.mover(left) == left and s.group(right) == [right, handle]
    # The base never joins, and a part alone cannot leave itself.
    with pytest.raises(DragError):
        s.toggle_group(left, body)
    with pytest.raises(DragError):
        s.toggle_group(body, left)
    with pytest.raises(InputError):
        s.toggle_group(left, left)


def test_grouping_resets_the_joint_and_undo_restores_the_groups(tmp_path):
    s, (body, left, right, handle) = split_door(tmp_path)
    hinge = Joint("revolute", HINGE_AXIS, HINGE_ORIGIN, (0.0, 1.5))
    s.parts[left] = PartState(joint=hinge, value=0.4, type_override="revolute")
    before = dict(s.carriers)
    s.push()
    s.toggle_group(left, right)
    # A new rigid part: its joint is inferred again (a forced type stays).
    assert s.parts[left].joint is None and s.parts[left].value == 0.0
    assert s.parts[left].type_override == "revolute"
    assert s.undo()
    assert s.carriers == before and s.group(left) == [left]
    assert s.parts[left].joint is hinge and s.parts[left].value == 0.4
    assert s.redo() and s.group(left) == [left, right, handle]
    # A press that turned out to be nothing (revert) puts the groups back too.
    s.push()
    s.toggle_group(left, right)
    assert s.revert() and s.group(left) == [left, right, handle]


@pytest.fixture(scope="module")
def pipeline():
    from dragmesh.pipeline import DragMesh

    return DragMesh()


def test_a_group_drags_and_exports_as_one_part(pipeline, tmp_path):
    from test_joint_editing import drag_path, swing

    s, (body, left, right, handle) = split_door(tmp_path, pipeline)
    s.push()
    s.toggle_group(left, right)
    # Grabbing any member drags the group's leader; every member takes its pose.
    point = np.array([0.09, 0.35, 0.22])  # on the right half, left of the handle
    assert s.begin_drag(right, point).part == left
    hinge = Joint("revolute", HINGE_AXIS, HINGE_ORIGIN)
    drag_path(s, right, point, swing(hinge, point, np.linspace(0.05, 0.9, 10)))
    state = s.parts[left]
    assert state.joint is not None and state.joint.type == "revolute" and abs(state.value) > 0.3
    T = s.transform(left)
    assert not np.allclose(T, np.eye(4))
    assert all(np.allclose(s.transform(m), T) for m in (right, handle))
    assert s.parts[right].joint is None and s.articulated() == [left]
    # One joint, one link with every piece's faces.
    written = s.export(tmp_path / "out", "glb,urdf")
    robot = ET.parse(written["urdf"][0]).getroot()
    assert len(robot.findall("joint")) == 1
    moving = [p for p in load_mesh(written["glb"][0]).part_names if "door_left" in p]
    assert moving and "door_right" in moving[0] and "handle" in moving[0]


# -- end to end: the real window, a real Shift+click -------------------------------------------------


def test_shift_click_groups_in_the_window_and_shift_drag_still_orbits(tmp_path):
    import shutil
    import time

    missing = [t for t in ("Xvfb", "xdotool") if shutil.which(t) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)}")
    from test_viewer_e2e import start_viewer, stop_viewer, wait_for, xdo
    from viewer.xvfb import software_gl_env, xvfb

    path = write_obj(tmp_path / "split.obj", SPLIT)
    log = tmp_path / "events.jsonl"
    with xvfb(1280, 800) as name:
        env = software_gl_env(name)
        env["DRAGMESH_CONFIG_DIR"] = str(tmp_path / "config")
        proc = start_viewer(env, str(path), "--record", str(log), "--size", "1100x760")
        try:
            events = wait_for(log, proc, lambda e: e["event"] == "ready" and e["parts"], 60, "the viewer to be ready")
            ready = next(e for e in events if e["event"] == "ready")
            at = {p["name"]: p["grab_screen"] for p in ready["parts"]}
            assert at["door_left"] and at["door_right"], at

            def click(x, y, shift=False):
                xdo(env, "mousemove", str(int(x)), str(int(y)))
                time.sleep(0.3)
                if shift:
                    xdo(env, "keydown", "shift")
                xdo(env, "click", "1")
                if shift:
                    xdo(env, "keyup", "shift")
                time.sleep(0.3)

            click(*at["door_left"])  # select the left half
            wait_for(log, proc, lambda e: e["event"] == "pick" and e["name"] == "door_left", 20, "the pick")
            click(*at["door_right"], shift=True)
            events = wait_for(log, proc, lambda e: e["event"] == "group", 20, "the group event")
            group = next(e for e in events if e["event"] == "group")
            assert group["added"] and group["group"] == ["door_left", "door_right", "handle"], group
            # Shift+drag orbits: no pick, no other group change.
            xdo(env, "mousemove", str(int(at["door_right"][0])), str(int(at["door_right"][1])))
            xdo(env, "keydown", "shift")
            xdo(env, "mousedown", "1")
            for k in range(1, 7):
                time.sleep(0.05)
                xdo(env, "mousemove", str(int(at["door_right"][0] + 12 * k)), str(int(at["door_right"][1])))
            xdo(env, "mouseup", "1")
            xdo(env, "keyup", "shift")
            xdo(env, "key", "ctrl+z")
            events = wait_for(log, proc, lambda e: e["event"] == "undo", 20, "the undo")
            kinds = [e["event"] for e in events]
            assert kinds.count("group") == 1 and kinds.count("pick") == 1, kinds
        finally:
            stop_viewer(proc, env)
