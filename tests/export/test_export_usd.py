"""USD export: pxr opens it, its UsdPhysics joints carry the axis, frames and limits, and composing
the joint frames reproduces the animated part pose at every time sample."""

import math

import numpy as np
import pytest

from dragmesh.export import export
from dragmesh.export.usd import axis_frame, quat_matrix, write_usd
from sim_cases import CASES, DOOR_LIMITS, DRAWER_LIMITS, assert_same_motion, diagonal, make

pxr = pytest.importorskip("pxr", reason="the sim extra (pip install 'dragmesh[sim]') is not installed")
from pxr import Usd, UsdGeom, UsdPhysics  # noqa: E402


def column(matrix) -> np.ndarray:
    """A Gf.Matrix4d (row vectors) as a column-vector 4x4 array."""
    return np.array(matrix, dtype=np.float64).T


def frame(pos, rot) -> np.ndarray:
    """4x4 of a joint frame: localPos (Gf.Vec3f), localRot (Gf.Quatf)."""
    out = np.eye(4)
    out[:3, :3] = quat_matrix([rot.GetReal(), *rot.GetImaginary()])
    out[:3, 3] = np.array(pos, dtype=np.float64)
    return out


def joint_motion(kind: str, token: str, q: float) -> np.ndarray:
    """M(q): the joint's motion in its own frame, about or along its X, Y or Z axis."""
    e = np.eye(3)[AXES.index(token)]
    out = np.eye(4)
    if kind == "revolute":
        c, s = math.cos(q), math.sin(q)
        K = np.array([[0, -e[2], e[1]], [e[2], 0, -e[0]], [-e[1], e[0], 0]])
        out[:3, :3] = np.eye(3) + s * K + (1 - c) * K @ K
    else:
        out[:3, 3] = q * e
    return out


AXES = "XYZ"


def joints(stage):
    return {p.GetName(): p for p in stage.Traverse()
            if p.IsA(UsdPhysics.RevoluteJoint) or p.IsA(UsdPhysics.PrismaticJoint)}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("suffix", ["usda", "usdc"])
def test_usd_joint_frames_reproduce_every_time_sample(tmp_path, case, suffix):
    asset = make(case)
    path = write_usd(asset, tmp_path / f"cab.{suffix}", fps=10.0)
    stage = Usd.Stage.Open(str(path))
    assert stage is not None and stage.GetDefaultPrim().HasAPI(UsdPhysics.ArticulationRootAPI)
    assert stage.GetTimeCodesPerSecond() == 10.0
    assert (stage.GetStartTimeCode(), stage.GetEndTimeCode()) == (0, asset.n_frames - 1)
    found = joints(stage)
    # several articulated parts of one object -> one stage, one joint per part
    assert sorted(found) == sorted(f"{p.name}_joint" for p in asset.parts)
    cache = UsdGeom.XformCache()
    tol = 1e-5 * diagonal(asset)
    for part in asset.parts:
        prim = found[f"{part.name}_joint"]
        revolute = part.joint.type == "revolute"
        joint = UsdPhysics.RevoluteJoint(prim) if revolute else UsdPhysics.PrismaticJoint(prim)
        assert prim.IsA(UsdPhysics.RevoluteJoint) == revolute
        token = joint.GetAxisAttr().Get()
        assert token in ("X", "Y", "Z")
        body0 = stage.GetPrimAtPath(joint.GetBody0Rel().GetTargets()[0])
        body1 = stage.GetPrimAtPath(joint.GetBody1Rel().GetTargets()[0])
        assert body0.HasAPI(UsdPhysics.RigidBodyAPI) and body1.HasAPI(UsdPhysics.RigidBodyAPI)
        assert body1.GetName() == part.name
        J0 = frame(joint.GetLocalPos0Attr().Get(), joint.GetLocalRot0Attr().Get())
        J1 = frame(joint.GetLocalPos1Attr().Get(), joint.GetLocalRot1Attr().Get())
        # the frames turn the joint's X/Y/Z axis onto the inferred axis (base frame = mesh frame)
        e = np.eye(3)[AXES.index(token)]
        np.testing.assert_allclose(J0[:3, :3] @ e, part.joint.axis, atol=1e-6)
        if revolute:  # the joint frame sits on the hinge line
            r = J0[:3, 3] - part.joint.origin
            assert np.linalg.norm(r - (r @ part.joint.axis) * part.joint.axis) <= tol

        value = prim.GetAttribute("dragmesh:jointValue")
        times = value.GetTimeSamples()
        assert times == body1.GetAttribute("xformOp:transform").GetTimeSamples()
        assert len(times) == asset.n_frames
        rest = column(cache.GetLocalToWorldTransform(body1))  # default time: the rest pose
        for k, time in enumerate(times):
            cache.SetTime(Usd.TimeCode(time))
            q = value.Get(time)
            assert q == pytest.approx(part.values[k], abs=1e-12)
            base = column(cache.GetLocalToWorldTransform(body0))
            pose = column(cache.GetLocalToWorldTransform(body1))
            composed = base @ J0 @ joint_motion(part.joint.type, token, q) @ np.linalg.inv(J1)
            # composing the joint's frames gives the animated pose ...
            assert_same_motion(composed, pose, part.vertices - part.pivot, tol)
            # ... which is the trajectory's frame k
            assert_same_motion(pose @ np.linalg.inv(rest), part.transforms[k], part.vertices, tol)
        cache.SetTime(Usd.TimeCode.Default())

        # the embedded mesh, placed by the rest pose, is the part
        mesh = UsdGeom.Mesh(stage.GetPrimAtPath(body1.GetPath().AppendChild("mesh")))
        assert mesh.GetPrim().HasAPI(UsdPhysics.CollisionAPI)
        points = np.array(mesh.GetPointsAttr().Get(), dtype=np.float64)
        np.testing.assert_allclose(points @ rest[:3, :3].T + rest[:3, 3], part.vertices, atol=tol)
        np.testing.assert_array_equal(np.array(mesh.GetFaceVertexIndicesAttr().Get()).reshape(-1, 3), part.faces)


def test_usd_limits_are_degrees_for_revolute_and_distance_for_prismatic(tmp_path):
    stage = Usd.Stage.Open(str(write_usd(make("cabinet"), tmp_path / "l.usda")))
    found = joints(stage)
    door = UsdPhysics.RevoluteJoint(found["door_joint"])
    drawer = UsdPhysics.PrismaticJoint(found["drawer_joint"])
    assert door.GetLowerLimitAttr().Get() == pytest.approx(math.degrees(DOOR_LIMITS[0]), rel=1e-6)
    assert door.GetUpperLimitAttr().Get() == pytest.approx(math.degrees(DOOR_LIMITS[1]), rel=1e-6)
    assert drawer.GetLowerLimitAttr().Get() == pytest.approx(DRAWER_LIMITS[0], rel=1e-6)
    assert drawer.GetUpperLimitAttr().Get() == pytest.approx(DRAWER_LIMITS[1], rel=1e-6)
    continuous = Usd.Stage.Open(str(write_usd(make("continuous"), tmp_path / "c.usda")))
    door = UsdPhysics.RevoluteJoint(joints(continuous)["door_joint"])
    assert (door.GetLowerLimitAttr().Get(), door.GetUpperLimitAttr().Get()) == (-math.inf, math.inf)


def test_usd_physics_parser_sees_a_fixed_base_articulation(tmp_path):
    load = getattr(UsdPhysics, "UsdPhysicsLoadStageFromPrimRange", None) or getattr(
        UsdPhysics, "LoadUsdPhysicsFromRange", None)
    if load is None:
        pytest.skip("this usd-core has no UsdPhysics parsing utility")
    asset = make("oblique")
    stage = Usd.Stage.Open(str(write_usd(asset, tmp_path / "p.usda")))
    parsed = {str(kind): descs for kind, (paths, descs) in load(stage, ["/"]).items()}
    parsed = {kind.split(".")[-1]: descs for kind, descs in parsed.items()}
    (articulation,) = parsed["Articulation"]
    assert len(articulation.articulatedJoints) == 1 + len(asset.parts)
    (root,) = articulation.rootPrims
    assert stage.GetPrimAtPath(root).IsA(UsdPhysics.FixedJoint)  # the base is fixed to the world
    (door,) = parsed["RevoluteJoint"]
    (drawer,) = parsed["PrismaticJoint"]
    assert door.limit.enabled and door.limit.upper == pytest.approx(math.degrees(DOOR_LIMITS[1]), rel=1e-6)
    assert drawer.limit.enabled and drawer.limit.upper == pytest.approx(DRAWER_LIMITS[1], rel=1e-6)
    assert not door.collisionEnabled and not drawer.collisionEnabled
    assert len(parsed["RigidBody"]) == 1 + len(asset.parts)
    assert len(parsed["MeshShape"]) == 1 + len(asset.parts)
    (scene,) = parsed["Scene"]
    np.testing.assert_allclose(np.array(scene.gravityDirection), -np.asarray(asset.up), atol=1e-7)


@pytest.mark.parametrize("axis", [[1, 0, 0], [0, -1, 0], [0, 0, -1], [-1, 0, 0], [0.3, -0.9, 0.2],
                                  [-0.6, 0.6, 0.5], [1e-9, -1, 0], [0.577, 0.577, -0.577]])
def test_axis_frame_turns_a_coordinate_axis_onto_the_joint_axis(axis):
    token, quat = axis_frame(axis)
    a = np.asarray(axis, dtype=np.float64) / np.linalg.norm(axis)
    assert token == "XYZ"[int(np.argmax(np.abs(a)))]
    assert np.linalg.norm(quat) == pytest.approx(1.0)
    np.testing.assert_allclose(quat_matrix(quat) @ np.eye(3)["XYZ".index(token)], a, atol=1e-12)


def test_usd_plays_the_trajectory_ping_pong(tmp_path):
    asset = make("continuous")
    written = export(asset, tmp_path, "usd", stem="pp", fps=6.0, loop="pingpong")
    stage = Usd.Stage.Open(str(written["usd"][0]))
    value = joints(stage)["door_joint"].GetAttribute("dragmesh:jointValue")
    n = asset.n_frames
    assert stage.GetEndTimeCode() == 2 * n - 3
    values = [value.Get(t) for t in value.GetTimeSamples()]
    np.testing.assert_allclose(values, np.concatenate([asset.parts[0].values, asset.parts[0].values[-2:0:-1]]))
