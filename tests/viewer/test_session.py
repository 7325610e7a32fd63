"""The viewer's state without a window: drag, trajectory, flip, type override, undo, joint export."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dragmesh.errors import DragError, MeshError
from dragmesh.io import load_mesh
from viewer.camera import OrbitCamera
from viewer.session import Session

CABINET = Path(__file__).resolve().parents[2] / "dragmesh" / "assets" / "cabinet.glb"


@pytest.fixture
def session():
    s = Session(frames=8)
    s.load(CABINET)
    return s


def front_point(session, name):
    """A point on the front face of a part (largest z), and its label."""
    mesh = session.mesh
    label = mesh.part_names.index(name)
    faces = mesh.faces[mesh.face_labels == label]
    centres = mesh.vertices[faces].mean(axis=1)
    return label, centres[np.argmax(centres[:, 2])]


def drag(session, label, grab, target, camera):
    """Press at grab, infer from the first move, follow the cursor to target, release."""
    d = session.begin_drag(label, grab)
    session.infer_joint(d, 0.2 * (target - grab))
    for s in np.linspace(0.1, 1.0, 10):
        o, ray = camera.ray(*camera.project((grab + s * (target - grab))[None])[0])
        session.follow(d, o, ray)
    return d, session.end_drag(d)


def test_drawer_drag_generates_a_trajectory_to_the_dragged_pose(session):
    cam = OrbitCamera(width=800, height=600)
    cam.fit(session.mesh.vertices.min(0), session.mesh.vertices.max(0))
    label, grab = front_point(session, "drawer")
    target = grab + np.array([0.0, 0.0, 0.15])
    d, result = drag(session, label, grab, target, cam)
    state = session.parts[label]
    assert state.joint.type == "prismatic"
    assert result is not None and result.frames == 8
    # The trajectory ends where the live drag left the part, moving the grabbed point toward the drag.
    assert np.allclose(result.transforms[-1], state.joint.transform(state.value), atol=1e-9)
    moved = result.transforms[-1][:3, :3] @ grab + result.transforms[-1][:3, 3]
    assert (moved - grab) @ np.array([0, 0, 1.0]) > 0.1
    assert session.frame == 7


def test_a_new_seed_draws_another_timing_of_the_same_drag(session):
    cam = OrbitCamera(width=800, height=600)
    cam.fit(session.mesh.vertices.min(0), session.mesh.vertices.max(0))
    label, grab = front_point(session, "drawer")
    _, default = drag(session, label, grab, grab + np.array([0.0, 0.0, 0.15]), cam)
    value = session.parts[label].value
    drawn = session.generate(label, seed=1)
    assert session.parts[label].seed == 1 and session.parts[label].value == pytest.approx(value)
    assert not np.allclose(drawn.values, default.values, atol=1e-4)
    assert np.all(drawn.values >= 0) and drawn.samples is None
    assert session.generate(label, seed=2).values[-1] != pytest.approx(drawn.values[-1], rel=1e-4)
    assert session.parts[label].value == pytest.approx(value)
    # Back to the default: the prior mean's motion to the same drag (its learned extent is within a
    # few percent of the drag's at this frame count).
    again = session.generate(label, seed=0)
    assert again.values[-1] == pytest.approx(value, rel=0.05)


def test_flip_undo_and_override(session):
    cam = OrbitCamera(width=800, height=600)
    cam.fit(session.mesh.vertices.min(0), session.mesh.vertices.max(0))
    label, grab = front_point(session, "drawer")
    session.push()
    drag(session, label, grab, grab + np.array([0.0, 0.0, 0.12]), cam)
    before = session.parts[label].joint
    session.push()
    session.flip(label)
    after = session.parts[label]
    assert np.allclose(after.joint.axis, -before.axis)
    moved = session.transform(label)[:3, 3]
    assert moved[2] < 0  # the drawer now goes into the cabinet
    session.push()
    session.override_type(label, "revolute")
    assert session.parts[label].joint.type == "revolute"
    assert session.parts[label].type_probability == pytest.approx(1.0)
    assert session.undo() and session.parts[label].joint.type == "prismatic"
    assert session.undo() and np.allclose(session.parts[label].joint.axis, before.axis)
    assert session.undo() and session.parts[label].joint is None
    assert not session.undo()


def test_two_parts_export_together(session, tmp_path):
    cam = OrbitCamera(width=800, height=600)
    cam.fit(session.mesh.vertices.min(0), session.mesh.vertices.max(0))
    drawer, p = front_point(session, "drawer")
    drag(session, drawer, p, p + np.array([0.0, 0.0, 0.1]), cam)
    door, q = front_point(session, "door")
    drag(session, door, q, q + np.array([-0.05, 0.0, 0.15]), cam)
    written = session.export(tmp_path, "glb,urdf,mjcf,usd")
    glb = written["glb"][0]
    reloaded = load_mesh(glb)
    assert {"door", "drawer"} <= set(reloaded.part_names)
    # The simulator formats the panel offers: one model with both joints.
    import mujoco

    xml = next(p for p in written["mjcf"] if p.suffix == ".xml")
    model = mujoco.MjModel.from_xml_path(str(xml))
    assert model.njnt == 2
    from pxr import Usd, UsdPhysics

    stage = Usd.Stage.Open(str(written["usd"][0]))
    joints = [prim for prim in stage.Traverse() if prim.IsA(UsdPhysics.RevoluteJoint) or prim.IsA(UsdPhysics.PrismaticJoint)]
    assert len(joints) == 2


def test_nothing_to_generate_and_bad_files(session, tmp_path):
    with pytest.raises(DragError):
        session.generate(1)
    bad = tmp_path / "bad.ply"
    bad.write_text("not a ply")
    with pytest.raises(MeshError):
        session.load(bad)
    assert session.mesh is not None and session.mesh.source.endswith("cabinet.glb")  # kept
