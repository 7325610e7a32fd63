"""Door hardware that turns: lever handles and turn latches on cabinet doors, the safe's lever or
spoked wheel. Each is a part of its own, turning about its shaft (the door's normal), carried by the
door (``meta["parents"]``), positive where a hand pushes it (a lever's grip down)."""

import numpy as np
import pytest

from dragmesh.data.categories.assembly import Assembly, joint_matrix, moved_joint
from dragmesh.data.categories.fronts import hinged_door, turning_handle
from dragmesh.data.generator import build_object
from dragmesh.geometry.joints import Joint
from dragmesh.geometry.triangles import closest_point_on_triangles

SEEDS = range(40)


def _parents(obj):
    return {int(c): int(p) for c, p in obj.meta.get("parents", {}).items()}


def _hardware(obj, prefixes=("lever", "latch")):
    return [i for i, p in enumerate(obj.parts) if p.name.startswith(prefixes)]


def _closed_in_door(obj, i, door):
    """Part i's vertices and joint in the door's closed frame."""
    d = obj.parts[door]
    back = np.linalg.inv(joint_matrix(d.joint, d.value))
    v = obj.parts[i].vertices @ back[:3, :3].T + back[:3, 3]
    return v, moved_joint(obj.parts[i].joint, back), back


@pytest.fixture(scope="module")
def cabinets():
    return [build_object("StorageFurniture", s) for s in SEEDS]


def test_some_cabinet_doors_carry_a_lever_or_latch(cabinets):
    with_doors = [o for o in cabinets if any(p.name.startswith("door") for p in o.parts)]
    with_hw = [o for o in with_doors if _hardware(o)]
    # About 30 % of units with doors (the rest keep fixed pulls); both kinds occur.
    assert 0.12 <= len(with_hw) / len(with_doors) <= 0.5, (len(with_hw), len(with_doors))
    names = {obj.parts[i].name.split("_")[0] for obj in cabinets for i in _hardware(obj)}
    assert names == {"lever", "latch"}
    # Tables (cabinet pedestals) keep their pulls.
    assert not any(_hardware(build_object("Table", s)) for s in range(15))


def test_levers_and_latches_turn_about_the_door_normal_on_the_door(cabinets):
    n = 0
    for obj in cabinets:
        parents = _parents(obj)
        for i in _hardware(obj):
            n += 1
            p = obj.parts[i]
            door = parents[i]
            assert obj.parts[door].name.startswith("door") and obj.parts[door].joint.type == "revolute"
            j = p.joint
            assert j.type == "revolute" and j.limits[0] == 0.0
            v, jc, _ = _closed_in_door(obj, i, door)
            # Door fronts face +z when closed: the shaft is along z, at the handle, on the front face.
            assert abs(abs(jc.axis[2]) - 1.0) < 1e-9
            assert np.linalg.norm(v[:, :2] - jc.origin[:2], axis=1).min() < 0.006
            ext = np.ptp(v, axis=0)
            if p.name.startswith("lever"):
                assert 30 <= np.degrees(j.limits[1]) <= 60 + 1e-6
                assert 0.07 <= ext[0] <= 0.17 and ext[2] <= 0.06  # 7-15 cm grip, <= 6 cm off the face
            else:
                assert 60 <= np.degrees(j.limits[1]) <= 90 + 1e-6
                assert max(ext[0], ext[1]) <= 0.065 and ext[2] <= 0.035
            # The door's grasp points include the grip of its hardware.
            assert np.linalg.norm(obj.parts[door].grasp - p.grasp[0], axis=1).min() < 1e-9
    assert n >= 5


def test_lever_positive_presses_the_grip_down_and_stays_on_the_door(cabinets):
    for obj in cabinets:
        parents = _parents(obj)
        for i in _hardware(obj, ("lever",)):
            door = parents[i]
            v, jc, back = _closed_in_door(obj, i, door)
            dv = obj.parts[door].vertices @ back[:3, :3].T + back[:3, 3]
            g = obj.parts[i].grasp[0] @ back[:3, :3].T + back[:3, 3]
            T0 = np.linalg.inv(joint_matrix(jc, obj.parts[i].value))  # back to 0
            v0, g0 = v @ T0[:3, :3].T + T0[:3, 3], T0[:3, :3] @ g + T0[:3, 3]
            T = joint_matrix(jc, jc.limits[1])
            assert (T[:3, :3] @ g0 + T[:3, 3])[1] < g0[1] - 0.02  # the grip goes down
            # The grip points towards the hinge (the door's axis side), and at the limit the whole
            # lever is still inside the door's outline.
            hinge_x = (obj.parts[door].joint.origin @ back[:3, :3].T + back[:3, 3])[0]
            assert abs(g0[0] - hinge_x) < abs(jc.origin[0] - hinge_x)
            vt = v0 @ T[:3, :3].T + T[:3, 3]
            assert vt[:, 1].min() >= dv[:, 1].min() - 1e-6
            assert dv[:, 0].min() - 1e-6 <= vt[:, 0].min() and vt[:, 0].max() <= dv[:, 0].max() + 1e-6


def test_posing_the_door_carries_its_hardware(cabinets):
    for obj in cabinets:
        parents = _parents(obj)
        for i in _hardware(obj):
            door = obj.parts[parents[i]]
            p = obj.parts[i]
            # Swing the door further by 0.3 rad, moving what it carries with it: the shaft still meets
            # the door's face (within a shaker / raised panel's recess), along the door's normal.
            T = joint_matrix(door.joint, 0.3)
            dv = door.vertices @ T[:3, :3].T + T[:3, 3]
            jm = moved_joint(p.joint, T)
            on_door = closest_point_on_triangles(dv[door.faces], jm.origin)
            assert np.linalg.norm(on_door - jm.origin) < 0.015
            normal = joint_matrix(door.joint, door.value + 0.3)[:3, :3] @ np.array([0.0, 0.0, 1.0])
            assert abs(abs(jm.axis @ normal) - 1.0) < 1e-9


def test_turning_handle_helper():
    rng = np.random.default_rng(0)
    rect = (0.0, 0.4, 0.0, 0.7)
    lev = turning_handle(rng, "lever", (0.35, 0.6, 0.02), -1.0, rect)
    assert lev["kind"] == "lever" and lev["axis"] @ (0, 0, 1) != 0
    tip = lev["grasp"][0]
    assert tip[0] < 0.35  # towards the hinge at x0
    J = Joint("revolute", lev["axis"], lev["origin"], lev["limits"])
    T = joint_matrix(J, 0.3)
    assert (T[:3, :3] @ tip + T[:3, 3])[1] < tip[1]
    # No room to swing (handle 2 cm above the bottom edge): a latch instead.
    assert turning_handle(np.random.default_rng(1), "lever", (0.35, 0.02, 0.02), -1.0, rect)["kind"] == "latch"
    with pytest.raises(ValueError):
        turning_handle(rng, "crank", (0.35, 0.6, 0.02), -1.0, rect)
    asm = Assembly("StorageFurniture", np.random.default_rng(2))
    with pytest.raises(ValueError):
        hinged_door(asm, np.random.default_rng(2), "flap", rect, 0.0, 0.02, "top", handle_style="lever")


@pytest.mark.parametrize("seed", range(30))
def test_safe_handle_turns_about_the_door_normal_and_stays_on_the_door(seed):
    obj = build_object("Safe", seed)
    parents = _parents(obj)
    names = [p.name for p in obj.parts]
    door = names.index("door")
    handles = [i for i in parents if names[i] in ("lever", "wheel")]
    assert len(handles) == 1 and parents[handles[0]] == door
    if "dial" in names:
        assert parents[names.index("dial")] == door
    i = handles[0]
    v, jc, back = _closed_in_door(obj, i, door)
    dv = obj.parts[door].vertices @ back[:3, :3].T + back[:3, 3]
    assert abs(abs(jc.axis[2]) - 1.0) < 1e-9 and jc.limits[0] == 0.0
    T0 = np.linalg.inv(joint_matrix(jc, obj.parts[i].value))
    v0 = v @ T0[:3, :3].T + T0[:3, 3]
    g0 = obj.parts[i].grasp[0] @ back[:3, :3].T + back[:3, 3]
    g0 = T0[:3, :3] @ g0 + T0[:3, 3]
    span = np.ptp(v0, axis=0)
    if names[i] == "lever":
        assert 25 <= np.degrees(jc.limits[1]) <= 90 + 1e-6 and 0.06 <= span[0] <= 0.2
        T = joint_matrix(jc, 0.2)
        assert (T[:3, :3] @ g0 + T[:3, 3])[1] < g0[1]  # pressing the grip down
    else:
        assert 60 <= np.degrees(jc.limits[1]) <= 120 + 1e-6 and 0.1 <= span[1] <= 0.21  # 10-20 cm across
    # Over its whole range it stays on the door and clear of the dial.
    dial = obj.parts[names.index("dial")] if "dial" in names else None
    for a in np.linspace(0.0, jc.limits[1], 7):
        T = joint_matrix(jc, a)
        vt = v0 @ T[:3, :3].T + T[:3, 3]
        assert vt[:, 1].min() >= dv[:, 1].min() - 1e-6
        if dial is not None and names[i] == "wheel":
            dd = dial.vertices @ back[:3, :3].T + back[:3, 3]
            assert vt[:, 1].max() < dd[:, 1].min()
