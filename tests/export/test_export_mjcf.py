"""MJCF export: MuJoCo loads it, its joints reproduce the trajectory, its ranges are the limits."""

import numpy as np
import pytest
from scipy.spatial import cKDTree

from dragmesh.errors import ExportError
from dragmesh.export import export
from dragmesh.export.mjcf import write_mjcf
from sim_cases import CASES, DOOR_LIMITS, DRAWER_LIMITS, assert_same_motion, diagonal, make

mujoco = pytest.importorskip("mujoco", reason="the sim extra (pip install 'dragmesh[sim]') is not installed")


def load(path):
    return mujoco.MjModel.from_xml_path(str(path))


def body_pose(data, body: int) -> np.ndarray:
    pose = np.eye(4)
    pose[:3, :3] = data.xmat[body].reshape(3, 3)
    pose[:3, 3] = data.xpos[body]
    return pose


def kinematics(model, qpos: dict[int, float]):
    data = mujoco.MjData(model)
    data.qpos[:] = 0.0
    for joint, value in qpos.items():
        data.qpos[model.jnt_qposadr[joint]] = value
    mujoco.mj_kinematics(model, data)
    return data


@pytest.mark.parametrize("case", CASES)
def test_mjcf_joint_values_reproduce_every_frame(tmp_path, case):
    asset = make(case)
    paths = write_mjcf(asset, tmp_path / "cab_mjcf", stem="cab")
    assert paths[0] == tmp_path / "cab_mjcf" / "cab.xml" and all(p.is_file() for p in paths)
    model = load(paths[0])
    # several articulated parts of one object -> one model, one joint per part
    assert model.njnt == len(asset.parts) and model.nbody == len(asset.parts) + 2
    tol = 1e-5 * diagonal(asset)
    for part in asset.parts:
        joint = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_JOINT, f"{part.name}_joint")
        body = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_BODY, part.name)
        assert joint >= 0 and body >= 0 and model.jnt_bodyid[joint] == body
        kind = mujoco.mjtJoint.mjJNT_HINGE if part.joint.type == "revolute" else mujoco.mjtJoint.mjJNT_SLIDE
        assert model.jnt_type[joint] == kind
        np.testing.assert_allclose(model.jnt_axis[joint], part.joint.axis, atol=1e-12)
        rest = body_pose(kinematics(model, {}), body)
        for k in range(asset.n_frames):
            pose = body_pose(kinematics(model, {joint: part.values[k]}), body)
            # the body at joint value q composed with its rest inverse = the trajectory's frame k
            assert_same_motion(pose @ np.linalg.inv(rest), part.transforms[k], part.vertices, tol)


def test_mjcf_ranges_are_the_inferred_limits_in_radians(tmp_path):
    asset = make("cabinet")
    model = load(write_mjcf(asset, tmp_path / "m")[0])
    text = (tmp_path / "m" / "m.xml").read_text()
    assert '<compiler angle="radian"' in text
    limits = {"door_joint": DOOR_LIMITS, "drawer_joint": DRAWER_LIMITS}
    for name, (lower, upper) in limits.items():
        joint = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_JOINT, name)
        assert model.jnt_limited[joint]
        # exactly the limits: radians (a degree range would read 1.6 as 0.028), full precision
        assert tuple(model.jnt_range[joint]) == (lower, upper)
    assert tuple(model.jnt_range[0]) == tuple(asset.parts[0].joint.limits)


def test_mjcf_continuous_joint_is_unlimited(tmp_path):
    model = load(write_mjcf(make("continuous"), tmp_path / "c")[0])
    assert model.njnt == 1 and not model.jnt_limited[0]


def test_mjcf_meshes_sit_where_the_part_is(tmp_path):
    asset = make("oblique")
    model = load(write_mjcf(asset, tmp_path / "o")[0])
    tol = 1e-5 * diagonal(asset)
    last = {j: part.values[-1] for j, part in enumerate(asset.parts)}
    data = kinematics(model, last)
    geoms = [("base", asset.base_vertices, np.eye(4))] + [(p.name, p.vertices, p.transforms[-1]) for p in asset.parts]
    for name, vertices, transform in geoms:
        geom = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_GEOM, name)
        mesh = model.geom_dataid[geom]
        start, count = model.mesh_vertadr[mesh], model.mesh_vertnum[mesh]
        local = model.mesh_vert[start:start + count].astype(np.float64)
        world = local @ data.geom_xmat[geom].reshape(3, 3).T + data.geom_xpos[geom]
        expected = vertices @ transform[:3, :3].T + transform[:3, 3]
        # the same point sets (MuJoCo merges repeated vertices; float32 storage)
        assert cKDTree(expected).query(world)[0].max() <= tol
        assert cKDTree(world).query(expected)[0].max() <= tol


def test_mjcf_keyframes_gravity_and_collisions(tmp_path):
    asset = make("cabinet")
    model = load(write_mjcf(asset, tmp_path / "k", fps=8.0)[0])
    assert model.nkey == asset.n_frames
    np.testing.assert_array_equal(model.key_qpos, np.stack([p.values for p in asset.parts], axis=1))
    np.testing.assert_allclose(model.key_time, np.arange(asset.n_frames) / 8.0)
    np.testing.assert_allclose(model.opt.gravity, -9.81 * np.asarray(asset.up), atol=1e-12)
    # the object's bodies never collide with each other (their convex hulls overlap)
    assert model.nexclude == 3
    data = mujoco.MjData(model)
    mujoco.mj_resetDataKeyframe(model, data, asset.n_frames - 1)
    for _ in range(200):
        mujoco.mj_step(model, data)
    assert data.ncon == 0 and np.all(np.isfinite(data.qpos))
    for j, (lower, upper) in enumerate((DOOR_LIMITS, DRAWER_LIMITS)):
        assert lower - 1e-3 <= data.qpos[j] <= upper + 1e-3


def test_mjcf_flat_part_is_visual_only(tmp_path):
    from dragmesh.export import MovingPart

    asset = make("continuous")
    part = asset.parts[0]
    flat = part.vertices.copy()
    flat[:, 2] = flat[:, 2].mean()  # a single-sided door: MuJoCo cannot hull it
    asset.parts[0] = MovingPart(part.name, flat, part.faces, part.joint, part.values, part.transforms)
    model = load(write_mjcf(asset, tmp_path / "f")[0])
    geom = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_GEOM, part.name)
    assert model.geom_contype[geom] == 0 and model.geom_conaffinity[geom] == 0
    assert model.body_mass[model.geom_bodyid[geom]] > 0


def test_mjcf_folder_is_replaced_whole_and_failures_leave_nothing(tmp_path, monkeypatch):
    asset = make("cabinet")
    out = tmp_path / "out"
    written = export(asset, out, "mjcf", stem="cab")
    assert written["mjcf"][0] == out / "cab_mjcf" / "cab.xml"
    (out / "cab_mjcf" / "stale.obj").write_text("old")
    export(asset, out, "mjcf", stem="cab")  # a re-export replaces the folder
    assert sorted(p.name for p in (out / "cab_mjcf").iterdir()) == ["base.obj", "cab.xml", "door.obj", "drawer.obj"]
    assert sorted(p.name for p in out.iterdir()) == ["cab_mjcf"]  # no temporary folder left

    import dragmesh.export.mjcf as mjcf

    monkeypatch.setattr(mjcf, "_validate", lambda *args: "Error: broken")
    with pytest.raises(ExportError, match="MuJoCo rejects the exported model: Error: broken"):
        export(asset, out, "mjcf", stem="other")
    assert sorted(p.name for p in out.iterdir()) == ["cab_mjcf"]
    with pytest.raises(ExportError):
        export(asset, out, "mjcf", stem="cab")
    assert (out / "cab_mjcf" / "cab.xml").is_file()  # the previous export is intact
