"""The viewer's controls without a window: redo, the locked base, the up axis, frame all, the orbit
clamp, recent files, the axis arrow, the status wrapping and the orbit stand-ins."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from dragmesh.errors import DragError
from dragmesh.geometry.joints import Joint
from dragmesh.io import PartMesh, load_mesh
from viewer.camera import ORBIT_DEG_PER_PIXEL, PITCH_LIMIT, OrbitCamera
from viewer.lod import cluster, locality_order, stand_ins
from viewer.overlay import MARGIN, axis_arrow, clip_to_view
from viewer.recent import RecentFiles, dialog_folder
from dragmesh.io.structure import find_base
from viewer.session import Session
from viewer.widgets import fit_lines

CABINET = Path(__file__).resolve().parents[2] / "dragmesh" / "assets" / "cabinet.glb"


def box(lo, hi):
    """Vertices (8, 3) and faces (12, 3) of an axis-aligned box."""
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    v = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
    f = np.array([[0, 1, 3], [0, 3, 2], [4, 6, 7], [4, 7, 5], [0, 4, 5], [0, 5, 1],
                  [2, 3, 7], [2, 7, 6], [0, 2, 6], [0, 6, 4], [1, 5, 7], [1, 7, 3]])
    return v, f


def two_boxes(names=("shell", "lid"), joints=None) -> PartMesh:
    """A big box (label 0) and a small one on top (label 1), the small one with many faces."""
    v0, f0 = box((0, 0, 0), (1, 1, 1))
    v1, f1 = box((0.2, 1.0, 0.2), (0.8, 1.05, 0.8))
    f1 = np.concatenate([f1] * 20)  # more faces than the body: face counts must not decide
    return PartMesh(np.r_[v0, v1], np.r_[f0, f1 + 8], np.r_[np.zeros(12), np.ones(240)].astype(int),
                    list(names), joints=joints or {})


@pytest.fixture
def session():
    s = Session(frames=8)
    s.load(CABINET)
    return s


# -- undo / redo -----------------------------------------------------------------------------------


def test_redo_walks_forward_again_and_a_new_edit_forgets_it(session):
    parts = session.parts
    for value in (0.1, 0.2, 0.3):
        session.push()
        parts = session.parts
        parts[1].value = value
    assert session.undo() and session.parts[1].value == pytest.approx(0.2)
    assert session.undo() and session.parts[1].value == pytest.approx(0.1)
    assert session.redo() and session.parts[1].value == pytest.approx(0.2)
    assert session.redo() and session.parts[1].value == pytest.approx(0.3)
    assert not session.redo()
    assert session.undo() and session.undo() and session.parts[1].value == pytest.approx(0.1)
    # A press that turns out to be a click takes its push back and keeps what redo had.
    session.push()
    assert session.redo_stack == []
    assert session.revert() and len(session.redo_stack) == 2
    # A real edit forgets the undone steps.
    session.push()
    session.parts[1].value = 0.9
    assert not session.redo()
    assert session.undo() and session.parts[1].value == pytest.approx(0.1)
    assert session.undo() and session.parts[1].value == 0.0
    assert not session.undo()


# -- the base --------------------------------------------------------------------------------------


def test_the_base_is_found_and_cannot_be_dragged(session):
    assert session.mesh.part_names[session.base] == "body"  # named; the drawer has the most faces
    with pytest.raises(DragError, match="base is fixed"):
        session.begin_drag(session.base, session.mesh.vertices[0])
    door = session.mesh.part_names.index("door")
    session.push()
    session.set_base(door)
    assert session.base == door and not session.is_base(0)
    session.begin_drag(0, session.mesh.vertices[0])  # the old base can be dragged now
    assert session.undo() and session.base == 0  # the choice of base is undone like any edit
    assert session.redo() and session.base == door


def test_find_base_rules():
    # No telling name: the largest box, not the part with the most faces.
    assert find_base(two_boxes()) == 0
    # A body-like name wins over size.
    assert find_base(two_boxes(names=("lid", "Body_1"))) == 1
    # A file that gives joints: the part without one.
    joint = Joint("revolute", np.array([1.0, 0, 0]), np.array([0, 1.0, 0.2]))
    assert find_base(two_boxes(names=("door", "frame"), joints={"door": joint})) == 1
    # Same-size parts, no names: the first (floating-point noise does not pick another).
    v0, f0 = box((0, 0, 0), (0.2, 0.2, 0.2))
    same = PartMesh(np.concatenate([v0 + [0.3 * i, 0.1 * i, 0] for i in range(5)]),
                    np.concatenate([f0 + 8 * i for i in range(5)]), np.repeat(np.arange(5), 12),
                    [f"p{i}" for i in range(5)])
    assert find_base(same) == 0
    single = two_boxes()
    single = PartMesh(single.vertices, single.faces, np.zeros(len(single.faces), int), ["all"])
    assert find_base(single) is None


def test_generated_objects_name_their_base():
    from dragmesh.data.generator import registered_categories

    obj = registered_categories()["StorageFurniture"](np.random.default_rng(0))
    verts, faces, labels, off = [], [], [], 0
    for i, p in enumerate(obj.parts):
        verts.append(p.vertices)
        faces.append(p.faces + off)
        labels.append(np.full(len(p.faces), i))
        off += len(p.vertices)
    mesh = PartMesh(np.concatenate(verts), np.concatenate(faces), np.concatenate(labels), [p.name for p in obj.parts])
    assert mesh.part_names[find_base(mesh)] == next(p.name for p in obj.parts if p.joint is None)


# -- up axis and framing -----------------------------------------------------------------------------


def test_up_axis_changes_gravity_and_resets_the_parts(session):
    session.push()
    session.parts[1].value = 0.3
    base = session.base
    mesh = session.set_up((0, 0, 2))
    assert np.allclose(mesh.up, [0, 0, 1]) and session.mesh is mesh
    assert np.array_equal(mesh.vertices, load_mesh(CABINET).vertices)  # not moved, only re-read
    assert session.parts[1].value == 0.0 and not session.history and session.base == base
    cam = OrbitCamera(up=mesh.up)
    assert np.allclose(cam.view[1, :3] @ [0, 0, 1] > 0.5, True)  # screen-up leans on +Z


def test_frame_all_holds_the_posed_parts(session):
    drawer = session.mesh.part_names.index("drawer")
    session.parts[drawer].joint = Joint("prismatic", np.array([0, 0, 1.0]), np.zeros(3))
    session.parts[drawer].value = 2.0  # pulled far out of the cabinet
    lo, hi = session.bounds()
    rest_lo, rest_hi = session.bounds(posed=False)
    assert hi[2] == pytest.approx(rest_hi[2] + 2.0, abs=0.3) and np.allclose(lo[:2], rest_lo[:2])
    cam = OrbitCamera(width=800, height=600)
    cam.fit(rest_lo, rest_hi)
    cam.yaw += 0.7
    cam.frame_box(lo, hi)
    corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
    px = cam.project(corners)
    assert np.isfinite(px).all()
    assert (px[:, 0] > 0).all() and (px[:, 0] < 800).all() and (px[:, 1] > 0).all() and (px[:, 1] < 600).all()
    assert cam.yaw == pytest.approx(np.radians(35.0) + 0.7)  # framing keeps the direction


# -- the orbit ---------------------------------------------------------------------------------------


def test_orbit_is_damped_and_never_flips():
    cam = OrbitCamera(up=np.array([0, 0, 1.0]))
    yaw, pitch = cam.yaw, cam.pitch
    cam.orbit(150, 0)
    assert abs(np.degrees(cam.yaw - yaw)) == pytest.approx(150 * ORBIT_DEG_PER_PIXEL)
    assert abs(np.degrees(cam.yaw - yaw)) < 60
    cam.orbit(0, -150)  # mouse down: the eye rises
    assert 0 < np.degrees(cam.pitch - pitch) < 60
    for _ in range(50):  # keep pulling: it eases to a stop short of the pole
        cam.orbit(0, -150)
        assert cam.pitch <= PITCH_LIMIT + 1e-12
        assert cam.view[1, :3] @ cam.up > 0.1  # screen-up still points up: no flip
    assert cam.pitch == pytest.approx(PITCH_LIMIT)
    for _ in range(50):
        cam.orbit(0, 150)
    assert cam.pitch == pytest.approx(-PITCH_LIMIT)
    cam.orbit(0, -10)  # back toward the horizon at full speed
    assert np.degrees(cam.pitch + PITCH_LIMIT) == pytest.approx(10 * ORBIT_DEG_PER_PIXEL)
    cam.orbit(4000, 0)  # a wild jump is limited
    assert np.isfinite(cam.view).all()


def test_presets_look_from_front_side_and_top():
    cam = OrbitCamera()
    lo, hi = np.array([-1, -1, -1.0]), np.array([1, 1, 1.0])
    cam.preset("front", lo, hi)
    assert np.allclose((cam.eye - cam.target) / cam.distance, [0, 0, 1], atol=1e-9)
    cam.preset("right")
    assert np.allclose((cam.eye - cam.target) / cam.distance, [1, 0, 0], atol=1e-9)
    cam.preset("top")
    assert (cam.eye - cam.target) @ [0, 1, 0] / cam.distance > 0.999
    cam.orbit(0, -40)  # further up than the preset is impossible, back down is fine
    assert cam.pitch <= np.radians(89.5) + 1e-12
    cam.orbit(0, 40)
    assert cam.pitch < np.radians(89.5)
    cam.preset("home", lo, hi)
    assert np.degrees(cam.pitch) == pytest.approx(22.0)


# -- recent files --------------------------------------------------------------------------------------


def test_recent_files_round_trip(tmp_path):
    path = tmp_path / "cfg" / "recent.json"
    files = []
    for i in range(12):
        f = tmp_path / f"m{i}.obj"
        f.write_text("v 0 0 0\n")
        files.append(f)
    recent = RecentFiles(path, limit=5)
    assert recent.entries == []  # no file yet
    for f in files[:7]:
        recent.add(f)
    recent.add(files[2], up=(0, 0, 1))  # again: moves to the front, once, with its up
    again = RecentFiles(path, limit=5)
    assert [e.name for e in again.entries] == ["m2.obj", "m6.obj", "m5.obj", "m4.obj", "m3.obj"]
    assert again.up_of(files[2]) == (0.0, 0.0, 1.0) and again.up_of(files[6]) is None
    assert sorted(p.name for p in path.parent.iterdir()) == ["recent.json"]  # no temporary left
    files[6].unlink()
    assert "m6.obj" not in [e.name for e in again.existing()]
    # A damaged file is an empty list, and the next save repairs it.
    path.write_text("{not json")
    broken = RecentFiles(path)
    assert broken.entries == []
    broken.add(files[0])
    assert json.loads(path.read_text())["recent"][0]["path"] == str(files[0].resolve())
    # A folder that cannot be written is not an error.
    blocked = tmp_path / "file_not_dir"
    blocked.write_text("")
    r = RecentFiles(blocked / "recent.json")
    r.add(files[0])
    assert r.error and r.entries


def test_recent_files_honour_the_config_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("DRAGMESH_CONFIG_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert RecentFiles().path == tmp_path / "xdg" / "dragmesh" / "recent.json"
    monkeypatch.setenv("DRAGMESH_CONFIG_DIR", str(tmp_path / "own"))
    assert RecentFiles().path == tmp_path / "own" / "recent.json"


def test_open_dialog_starts_in_the_current_files_folder(tmp_path):
    (tmp_path / "a").mkdir()
    current = tmp_path / "a" / "x.glb"
    assert dialog_folder(str(current), [], cwd=tmp_path) == str((tmp_path / "a").resolve())
    recent = RecentFiles(tmp_path / "r.json")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "y.obj").write_text("")
    recent.add(tmp_path / "b" / "y.obj")
    assert dialog_folder(None, recent.existing(), cwd=tmp_path) == str((tmp_path / "b").resolve())
    assert dialog_folder(None, [], cwd=tmp_path) == str(tmp_path.resolve())
    assert dialog_folder(str(tmp_path / "gone" / "z.obj"), [], cwd=tmp_path) == str(tmp_path.resolve())


# -- the axis arrow ------------------------------------------------------------------------------------


def test_a_long_slides_arrow_stays_near_its_part_and_on_screen():
    # A small drawer of a huge object, pulled far: the arrow is the drawer's size, not the object's.
    drawer, _ = box((0, 0, 0), (0.3, 0.1, 0.3))
    joint = Joint("prismatic", np.array([0, 0, 1.0]), np.zeros(3))
    pose = np.eye(4)
    pose[2, 3] = 5.0  # pulled 5 units out
    axis, centre, half, anchor = axis_arrow(joint, drawer, pose, mesh_size=20.0)
    part_size = float(np.linalg.norm(np.ptp(drawer, axis=0)))
    assert anchor == -1.0 and half <= max(0.5 * part_size, 0.05 * 20.0) + 1e-12
    assert np.allclose(centre - half * axis, drawer.mean(axis=0) + [0, 0, 5])  # the tail sits on the part
    # A hinge's arrow spans the part along the hinge, on the hinge line.
    hinge = Joint("revolute", np.array([0, 1.0, 0]), np.array([0.0, 0.0, 0.3]))
    axis, centre, half, anchor = axis_arrow(hinge, drawer, np.eye(4), mesh_size=20.0)
    assert anchor == 0.0 and np.allclose(centre, [0, 0.05, 0.3]) and half <= 0.75 * part_size + 1e-12
    # Seen so the head would leave the view: it is cut at the edge, the tail stays put.
    cam = OrbitCamera(width=640, height=480, yaw=np.pi / 2, pitch=0.0)
    cam.fit(np.array([-0.2, -0.2, -0.2]), np.array([0.4, 0.3, 0.4]))
    long_half = 3.0
    c2, h2 = clip_to_view(axis, drawer.mean(axis=0) + long_half * axis, long_half, -1.0, cam.project, 640, 480)
    assert h2 < long_half
    assert np.allclose(c2 - h2 * axis, drawer.mean(axis=0))
    head = cam.project((c2 + h2 * axis)[None])[0]
    assert MARGIN - 1 <= head[0] <= 640 - MARGIN + 1 and MARGIN - 1 <= head[1] <= 480 - MARGIN + 1
    # An arrow already on screen is left alone.
    c3, h3 = clip_to_view(axis, drawer.mean(axis=0) + 0.05 * axis, 0.05, -1.0, cam.project, 640, 480)
    assert h3 == 0.05


def test_status_lines_wrap_and_elide():
    measure = lambda t: 7.0 * len(t)  # noqa: E731
    text = "Cannot open model.glb: the file ends inside a buffer view; it is probably truncated"
    lines = fit_lines(text, measure, 200, 3)
    assert len(lines) == 3 and all(measure(line) <= 200 for line in lines)
    assert " ".join(lines).replace("…", "").split()[:5] == text.split()[:5]
    short = fit_lines("Undone.", measure, 200, 3)
    assert short == ["Undone."]
    long = fit_lines("word " * 200, measure, 200, 2)
    assert len(long) == 2 and long[-1].endswith("…")


# -- orbit stand-ins -----------------------------------------------------------------------------------


def test_stand_ins_are_light_and_keep_the_shape():
    import trimesh

    sphere = trimesh.creation.icosphere(subdivisions=6)  # 81,920 triangles
    v, f = np.asarray(sphere.vertices), np.asarray(sphere.faces)
    cube_v, cube_f = box((2, 2, 2), (2.5, 2.5, 2.5))
    out = stand_ins([(v, f), (cube_v, cube_f)], budget=10_000)
    assert out[1] is None  # a small part is drawn whole
    lv, lf = out[0]
    assert 1_000 < len(lf) <= 1.25 * 10_000
    radius = np.linalg.norm(lv, axis=1)
    assert np.abs(radius - 1.0).max() < 0.05  # still the unit sphere
    assert stand_ins([(cube_v, cube_f)]) == [None]  # a light mesh gets none
    # Clustering never makes triangles, and a coarse grid collapses everything it can.
    cv, cf = cluster(v, f, 0.5)
    assert len(cf) < len(f) and cf.max() < len(cv)


def test_locality_order_keeps_every_triangle():
    import trimesh

    m = trimesh.creation.icosphere(subdivisions=3)
    v, f = np.asarray(m.vertices), np.asarray(m.faces)
    v2, f2 = locality_order(v, f)

    def tris(vv, ff):
        t = np.round(vv[ff], 9)
        # Same triangle with the same winding: rotate each to start at its smallest corner.
        keyed = []
        for tri in t:
            k = min(range(3), key=lambda i: tuple(tri[i]))
            keyed.append(tuple(map(tuple, np.roll(tri, -k, axis=0))))
        return sorted(keyed)

    assert len(f2) == len(f) and tris(v, f) == tris(v2, f2)
