"""The viewer's joint logic without a window: when a drag infers, the candidates and picking one,
limits in the live drag, edited joints (snapped axis, edge hinge, typed limits) and their collision
warnings, carried parts, and what the exports carry."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from dragmesh.errors import InputError
from dragmesh.geometry.joints import Joint
from dragmesh.io import load_mesh
from handle_mesh import write_glb, write_obj
from viewer.camera import OrbitCamera
from dragmesh.io.structure import find_carriers
from viewer.parts import describe, nearest_edge
from viewer.session import INFER_AT_PX, Drag, Session, ghost_value, tidy_limits

CABINET = Path(__file__).resolve().parents[2] / "dragmesh" / "assets" / "cabinet.glb"
PANEL = np.array([0.05, 0.45, 0.231])  # a point on the cabinet door's panel (its handle is at x = 0.2)
DOOR_HINGE = Joint("revolute", (0.0, -1.0, 0.0), (-0.247, 0.45, 0.231))  # the door's true hinge


@pytest.fixture(scope="module")
def pipeline():
    from dragmesh.pipeline import DragMesh

    return DragMesh()


@pytest.fixture
def session(pipeline):
    s = Session(frames=8, pipeline=pipeline)
    s.load(CABINET)
    return s


def camera_for(session):
    cam = OrbitCamera(width=800, height=600)
    cam.fit(session.mesh.vertices.min(0), session.mesh.vertices.max(0))
    return cam


def drag_path(session, label, grab, path, infer_at=(0.3, 1.0)):
    """Press at grab, infer at the given fractions of the path (as the window does at 24 and 72
    pixels), follow every point of the path with the cursor, release. path: (K, 3) points."""
    cam = camera_for(session)
    d = session.begin_drag(label, grab)
    k_infer = [max(1, int(round(f * len(path))) - 1) for f in infer_at]
    values = []
    for k, target in enumerate(path):
        d.target = target
        if k in k_infer and not d.had_joint and d.inferences < len(infer_at):
            session.infer_joint(d, target - grab)
        if d.follower is None:
            continue
        o, ray = cam.ray(*cam.project(target[None])[0])
        values.append(session.follow(d, o, ray))
    return d, session.end_drag(d), values


def swing(joint, point, angles):
    return np.array([joint.apply(point[None], a)[0] for a in angles])


# -- when a drag infers -----------------------------------------------------------------------------


def test_inference_waits_for_the_drag_and_decides_again_while_young():
    d = Drag(1, np.zeros(3), np.zeros(3), np.eye(4))
    for k, pixels in enumerate(INFER_AT_PX):
        d.inferences = k
        assert not Session.inference_due(None, d, pixels - 1)
        assert Session.inference_due(None, d, pixels)
    d.inferences = len(INFER_AT_PX)
    assert not Session.inference_due(None, d, 1000)  # len(INFER_AT_PX) times at most
    picked = Drag(1, np.zeros(3), np.zeros(3), np.eye(4), inferences=1, picked=True)
    assert not Session.inference_due(None, picked, 1000)  # the user chose: no second guess
    known = Drag(1, np.zeros(3), np.zeros(3), np.eye(4), had_joint=True)
    assert not Session.inference_due(None, known, 1000)  # a part with a joint is never re-inferred


def test_limits_near_the_pose_in_the_file_are_that_pose():
    j = tidy_limits(Joint("revolute", (0, 1, 0), (0, 0, 0), (-0.011, 1.7)))
    assert j.limits == (0.0, 1.7)
    j = tidy_limits(Joint("revolute", (0, 1, 0), (0, 0, 0), (-1.7, 0.01)))
    assert j.limits == (-1.7, 0.0)
    j = tidy_limits(Joint("prismatic", (0, 0, 1), (0, 0, 0), (-0.2, 0.3)))
    assert j.limits == (-0.2, 0.3)  # a real range both ways stays
    assert ghost_value(Joint("revolute", (0, 1, 0), (0, 0, 0), (0.0, 1.6)), 1.0) == pytest.approx(0.8)
    assert ghost_value(Joint("prismatic", (0, 0, 1), (0, 0, 0), None), 0.5) == pytest.approx(0.15)


# -- the door: candidates, picking, limits ----------------------------------------------------------


def test_a_door_pulled_by_its_panel_swings_about_its_side_hinge_and_a_runner_up_can_be_picked(session):
    door = session.mesh.part_names.index("door")
    path = swing(DOOR_HINGE, PANEL, np.linspace(0.05, 1.0, 12))
    d, result, values = drag_path(session, door, PANEL, path, infer_at=(1 / 6, 0.5, 1.0))
    state = session.parts[door]
    assert d.inferences == 3
    assert state.joint.type == "revolute" and abs(state.joint.axis @ DOOR_HINGE.axis) > np.cos(np.radians(10))
    assert abs(state.joint.origin[0] - DOOR_HINGE.origin[0]) < 0.02  # the left edge
    assert state.candidates[0].words == "side hinge" and state.choice == 0
    assert len(state.candidates) == 3 and state.candidates[0].of == "joint"
    assert all(0.0 <= c.probability <= 1.0 for c in state.candidates)
    # The rows are each joint's own probability: they add up to at most one.
    assert sum(c.probability for c in state.candidates) <= 1.0 + 1e-9
    lower, upper = state.joint.limits
    assert lower == 0.0 and np.radians(60) < upper < np.radians(200)
    assert result is not None and state.value == pytest.approx(1.0, abs=0.1)
    first = state.joint

    # Pick the runner-up: the joint changes, the drag is re-played on it, undo brings the first back.
    session.push()
    session.choose(door, 1)
    picked = session.parts[door]
    assert picked.choice == 1 and picked.forced
    assert not picked.joint.isclose(first, atol=1e-3)
    assert picked.result is not None and picked.value > 0
    moved = picked.joint.apply(PANEL[None], picked.value)[0]
    assert np.linalg.norm(moved - path[-1]) < np.linalg.norm(PANEL - path[-1])  # toward the drag
    assert session.undo() and session.parts[door].choice == 0


def test_the_part_stops_at_its_limits_and_a_wrong_way_drag_leaves_it_closed(session):
    drawer = session.mesh.part_names.index("drawer")
    grab = np.array([0.0, 0.14, 0.262])
    # Pushed into the body from closed: it stays closed, however far the cursor goes.
    inward = grab + np.linspace(0.01, 0.2, 12)[:, None] * np.array([0.0, 0.0, -1.0])
    _, result, values = drag_path(session, drawer, grab, inward)
    assert result is None and max(abs(v) for v in values) == 0.0
    assert session.transform(drawer) == pytest.approx(np.eye(4))
    # Pulled far beyond its range: it stops at fully open.
    session.reset(drawer)
    outward = grab + np.linspace(0.01, 1.0, 12)[:, None] * np.array([0.0, 0.0, 1.0])
    _, result, values = drag_path(session, drawer, grab, outward, infer_at=(0.05, 0.15))
    state = session.parts[drawer]
    assert state.joint.type == "prismatic" and state.joint.axis @ np.array([0, 0, 1.0]) > 0.99
    assert max(values) == pytest.approx(state.joint.limits[1]) and min(values) >= 0.0
    # A later drag back the wrong way stops at closed.
    cam = camera_for(session)
    d = session.begin_drag(drawer, state.joint.apply(grab[None], state.value)[0])
    for target in grab + np.linspace(0.3, -0.5, 8)[:, None] * np.array([0.0, 0.0, 1.0]):
        o, ray = cam.ray(*cam.project(target[None])[0])
        assert session.follow(d, o, ray) >= 0.0
    assert session.parts[drawer].value == 0.0


# -- edits ----------------------------------------------------------------------------------------


def test_snap_axis_cycles_box_axes_and_a_forced_slide_into_the_body_warns(session):
    drawer = session.mesh.part_names.index("drawer")
    grab = np.array([0.0, 0.14, 0.262])
    drag_path(session, drawer, grab, grab + np.linspace(0.01, 0.12, 10)[:, None] * np.array([0.0, 0.0, 1.0]))
    state = session.parts[drawer]
    assert state.warning is None and not state.forced
    seen = []
    for _ in range(3):
        session.push()
        session.snap_axis(drawer)
        j = session.parts[drawer].joint
        seen.append(int(np.argmax(np.abs(j.axis))))
        assert np.abs(j.axis).max() > 0.999 and session.parts[drawer].edited == "axis"
        if seen[-1] != 2:  # sideways or up: the drawer runs into the carcass at once
            assert "hits the object" in session.parts[drawer].warning
            assert abs(session.parts[drawer].value) < 0.05
    assert sorted(seen) == [0, 1, 2] and seen[-1] == 2  # back round to the slide out
    assert session.parts[drawer].warning is None
    for _ in range(3):
        assert session.undo()
    assert session.parts[drawer].edited is None


def test_a_hinge_on_the_clicked_edge_and_typed_limits_are_exported(session, tmp_path):
    door = session.mesh.part_names.index("door")
    drag_path(session, door, PANEL, swing(DOOR_HINGE, PANEL, np.linspace(0.05, 0.8, 10)))
    # Click near the door's right edge (as it is shown, swung open): the hinge moves there.
    shown = session.transform(door)
    near_right = shown[:3, :3] @ np.array([0.235, 0.45, 0.231]) + shown[:3, 3]
    session.push()
    joint = session.set_hinge(door, near_right)
    state = session.parts[door]
    assert state.edited == "hinge" and state.choice is None
    assert abs(joint.axis[1]) > 0.999 and joint.origin[0] == pytest.approx(0.247, abs=0.01)
    assert joint.limits[0] == 0.0 and joint.limits[1] > np.radians(30)
    # The drag is re-played on the new hinge: the panel point still goes out, toward +Z.
    assert state.value > 0 and joint.apply(PANEL[None], state.value)[0][2] > PANEL[2]
    session.push()
    session.set_limits(door, 0.0, np.radians(20))
    assert session.parts[door].joint.limits == pytest.approx((0.0, np.radians(20)))
    # Clamped to the new range (the generated motion ends there, up to the DQ-VAE's own extent).
    assert session.parts[door].value == pytest.approx(np.radians(20), rel=0.05)
    assert session.parts[door].value <= np.radians(20) + 1e-9
    with pytest.raises(InputError):
        session.set_limits(door, 1.0, 0.5)
    written = session.export(tmp_path, "urdf")
    urdf = ET.parse(written["urdf"][0]).getroot()
    (joint_el,) = urdf.findall("joint")
    assert float(joint_el.find("limit").get("upper")) == pytest.approx(np.radians(20), abs=1e-6)
    axis = np.array([float(x) for x in joint_el.find("axis").get("xyz").split()])
    origin = np.array([float(x) for x in joint_el.find("origin").get("xyz").split()])
    assert abs(axis[1]) > 0.999 and origin[0] == pytest.approx(0.247, abs=0.01)
    # Undo walks back through the limits and the hinge.
    assert session.undo() and session.parts[door].edited == "hinge"
    assert session.undo() and session.parts[door].edited is None


def test_a_dragged_pivot_moves_the_hinge_line_lands_on_edges_and_is_exported(session, tmp_path):
    door = session.mesh.part_names.index("door")
    drag_path(session, door, PANEL, swing(DOOR_HINGE, PANEL, np.linspace(0.05, 0.8, 10)))
    before = session.parts[door].joint
    session.push()
    # Half way across the door (no edge near): the line goes through the point, direction kept.
    joint = session.set_pivot(door, np.array([0.0, 0.2, 0.231]))
    assert session.parts[door].edited == "pivot"
    assert abs(joint.axis @ before.axis) > 0.9999
    r = np.array([0.0, 0.2, 0.231]) - joint.origin
    assert np.linalg.norm(r - (r @ joint.axis) * joint.axis) < 1e-9
    # A centimetre from the right edge (x = 0.247 on the front face): it lands on that edge.
    joint = session.set_pivot(door, np.array([0.237, 0.7, 0.231]))
    assert joint.origin[0] == pytest.approx(0.247, abs=0.003)
    # The drag is re-played on it: the panel point still goes out, toward +Z.
    state = session.parts[door]
    assert state.value > 0 and joint.apply(PANEL[None], state.value)[0][2] > PANEL[2]
    written = session.export(tmp_path, "urdf")
    (joint_el,) = ET.parse(written["urdf"][0]).getroot().findall("joint")
    origin = np.array([float(x) for x in joint_el.find("origin").get("xyz").split()])
    assert origin[0] == pytest.approx(0.247, abs=0.003)
    assert session.undo() and session.parts[door].joint.origin == pytest.approx(before.origin)
    slide = session.mesh.part_names.index("drawer") if "drawer" in session.mesh.part_names else None
    if slide is not None:
        session.override_type(slide, "prismatic")
        with pytest.raises(InputError, match="only a hinge"):
            session.set_pivot(slide, np.zeros(3))


def test_nearest_edge_and_words():
    centre, axes, ext = np.zeros(3), np.eye(3), np.array([0.5, 0.4, 0.02])
    middle, direction, k = nearest_edge(np.array([0.24, 0.0, 0.01]), centre, axes, ext)
    assert k == 1 and middle[0] == pytest.approx(0.25) and middle[2] == pytest.approx(0.01)
    # Only edges along a direction: the nearest running along x, none along an oblique one.
    middle, direction, k = nearest_edge(np.array([0.24, 0.0, 0.01]), centre, axes, ext, along=np.array([1.0, 0, 0]))
    assert k == 0 and middle[1] == pytest.approx(-0.2) and middle[2] == pytest.approx(0.01)
    assert nearest_edge(np.zeros(3), centre, axes, ext, along=np.array([1.0, 1.0, 0]) / np.sqrt(2)) is None
    up = np.array([0.0, 1.0, 0.0])
    box = (centre, axes, ext)
    assert describe(Joint("revolute", (0, 1, 0), (-0.25, 0, 0), (0, 1.5)), box, up) == "side hinge"
    assert describe(Joint("revolute", (1, 0, 0), (0, -0.2, 0), (0, 1.5)), box, up) == "bottom hinge"
    assert describe(Joint("revolute", (1, 0, 0), (0, 0.2, 0), (0, 1.5)), box, up) == "top hinge"
    assert describe(Joint("revolute", (0, 0, 1), (0, 0, 0), None), box, up) == "spins"
    assert describe(Joint("prismatic", (0, 0, 1), (0, 0, 0)), box, up, np.array([0, 0, -1.0])) == "slides out"


# -- carried parts and exports together --------------------------------------------------------------


def test_carried_parts_from_contact_and_from_the_node_tree(tmp_path):
    mesh = load_mesh(write_obj(tmp_path / "cab.obj", ("body", "door", "handle", "knob")))
    names = mesh.part_names
    carried = find_carriers(mesh, names.index("body"))
    # The handle touches only the door; the knob touches only the body (it is a part of its own).
    assert carried == {names.index("handle"): names.index("door")}
    nested = load_mesh(write_glb(tmp_path / "cab.glb"))
    n = nested.part_names
    assert find_carriers(nested, n.index("body")) == {n.index("handle"): n.index("door")}


def test_a_handle_moves_with_its_door_and_exports_with_it(pipeline, tmp_path):
    from handle_mesh import HANDLE_POINT, HINGE_AXIS, HINGE_ORIGIN, PANEL_POINT

    s = Session(frames=8, pipeline=pipeline)
    s.load(write_obj(tmp_path / "cab.obj"))
    door, handle = s.mesh.part_names.index("door"), s.mesh.part_names.index("handle")
    assert s.mover(handle) == door and s.group(door) == [door, handle] and s.carrier_of(handle) == door
    # Grabbing the handle drags the door.
    assert s.begin_drag(handle, HANDLE_POINT).part == door
    hinge = Joint("revolute", HINGE_AXIS, HINGE_ORIGIN)
    drag_path(s, door, PANEL_POINT, swing(hinge, PANEL_POINT, np.linspace(0.05, 0.9, 10)))
    state = s.parts[door]
    assert state.joint.type == "revolute" and state.value > 0.3
    assert np.allclose(s.transform(handle), s.transform(door)) and not np.allclose(s.transform(door), np.eye(4))
    # One URDF, one GLB: the door's link carries the handle's faces.
    written = s.export(tmp_path / "out", "glb,urdf")
    robot = ET.parse(written["urdf"][0]).getroot()
    assert len(robot.findall("joint")) == 1 and "handle" in robot.findall("link")[1].get("name")
    reloaded = load_mesh(written["glb"][0])
    assert any("door" in p and "handle" in p for p in reloaded.part_names)


def test_several_joints_play_and_export_together(session, tmp_path):
    door = session.mesh.part_names.index("door")
    drawer = session.mesh.part_names.index("drawer")
    drag_path(session, door, PANEL, swing(DOOR_HINGE, PANEL, np.linspace(0.05, 0.8, 10)))
    grab = np.array([0.0, 0.14, 0.262])
    drag_path(session, drawer, grab, grab + np.linspace(0.01, 0.12, 10)[:, None] * np.array([0.0, 0.0, 1.0]))
    assert session.articulated() == [door, drawer]
    session.frame = 3  # playing shows both parts at the same frame
    assert np.allclose(session.transform(door), session.parts[door].result.transforms[3])
    assert np.allclose(session.transform(drawer), session.parts[drawer].result.transforms[3])
    written = session.export(tmp_path, "glb,urdf")
    robot = ET.parse(written["urdf"][0]).getroot()
    assert sorted(j.get("type") for j in robot.findall("joint")) == ["prismatic", "revolute"]
    assert {"door", "drawer"} <= set(load_mesh(written["glb"][0]).part_names)


def test_the_gui_free_modules_load_without_pyglet():
    import subprocess
    import sys

    code = ("import sys; import viewer.session, viewer.follow, viewer.parts, viewer.camera, viewer.picking; "
            "print('pyglet' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
