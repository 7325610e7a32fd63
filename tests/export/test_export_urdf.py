import numpy as np
import pytest
import yourdfpy

from dragmesh.export.urdf import write_urdf
from export_assets import make_asset


def load(path):
    return yourdfpy.URDF.load(str(path), build_scene_graph=True, load_meshes=True)


def test_urdf_joint_values_reproduce_every_frame(tmp_path, asset):
    paths = write_urdf(asset, tmp_path / "cab.urdf")
    assert paths[0] == tmp_path / "cab.urdf"
    assert all(p.exists() for p in paths)
    robot = load(paths[0])
    # several articulated parts of one object -> one URDF, one joint per part
    assert sorted(robot.actuated_joint_names) == ["door_joint", "drawer_joint"]
    for part in asset.parts:
        joint = robot.joint_map[f"{part.name}_joint"]
        # A hinge without limits turns freely: URDF's continuous joint.
        free = part.joint.is_revolute and part.joint.limits is None
        assert joint.type == ("continuous" if free else part.joint.type)
        np.testing.assert_allclose(joint.axis, part.joint.axis, atol=1e-9)
        rest = robot.get_transform(frame_to=part.name, frame_from="base")
        for k in range(asset.n_frames):
            robot.update_cfg({f"{part.name}_joint": part.values[k]})
            link = robot.get_transform(frame_to=part.name, frame_from="base")
            # the link frame at value q composed with its rest inverse = the rest-to-frame transform
            np.testing.assert_allclose(link @ np.linalg.inv(rest), part.transforms[k], atol=1e-7)
        robot.update_cfg({f"{part.name}_joint": 0.0})


def test_urdf_meshes_hold_the_part_in_its_link_frame(tmp_path, door_asset):
    robot = load(write_urdf(door_asset, tmp_path / "d.urdf")[0])
    part = door_asset.parts[0]
    robot.update_cfg({"door_joint": part.values[-1]})
    geometry = robot.scene.geometry
    # the scene graph places the link mesh in the world exactly where the frame's transform puts it
    node = next(n for n in robot.scene.graph.nodes_geometry if "d.door" in robot.scene.graph[n][1])
    world, name = robot.scene.graph[node]
    v = np.asarray(geometry[name].vertices)
    moved = v @ world[:3, :3].T + world[:3, 3]
    T = part.transforms[-1]
    expected = part.vertices @ T[:3, :3].T + T[:3, 3]
    np.testing.assert_allclose(np.sort(moved, axis=0), np.sort(expected, axis=0), atol=1e-6)


def test_urdf_limits_are_known_limits_or_the_drag_extent(tmp_path):
    asset = make_asset(door_limits=(-0.1, 1.5))
    robot = load(write_urdf(asset, tmp_path / "l.urdf")[0])
    door, drawer = robot.joint_map["door_joint"], robot.joint_map["drawer_joint"]
    assert (door.limit.lower, door.limit.upper) == pytest.approx((-0.1, 1.5))
    # unknown limits: the range the trajectory covers, from rest (0) to the drag's value
    assert (drawer.limit.lower, drawer.limit.upper) == pytest.approx((0.0, 0.3))
    # a hinge without limits (a knob) turns freely: continuous, no lower / upper
    free = load(write_urdf(make_asset(door_limits=None), tmp_path / "c.urdf")[0]).joint_map["door_joint"]
    assert free.type == "continuous" and free.limit.lower is None and free.limit.upper is None
