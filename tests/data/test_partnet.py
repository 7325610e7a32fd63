"""The PartNet-Mobility / GAPartNet reader on a tiny object folder built here."""

import json

import numpy as np
import pytest
import trimesh
from scipy.spatial.transform import Rotation

from dragmesh.data.generator import AugmentConfig, GeneratorConfig
from dragmesh.data.partnet import partnet_samples, read_partnet
from dragmesh.errors import URDFError
from dragmesh.geometry.dualquat import np_dq_apply

CONFIG = GeneratorConfig(n_points=128, frames=4, augment=AugmentConfig.none())

URDF = """<?xml version="1.0"?>
<robot name="cabinet">
  <link name="base"><visual><geometry><mesh filename="textured_objs/base.obj"/></geometry></visual></link>
  <link name="helper"/>
  <link name="door">
    <visual><origin xyz="0.2 0 0" rpy="0 0 0"/><geometry><mesh filename="textured_objs/door.obj"/></geometry></visual>
  </link>
  <link name="knob"><visual><geometry><mesh filename="textured_objs/knob.obj"/></geometry></visual></link>
  <link name="drawer"><visual><geometry><mesh filename="textured_objs/drawer.obj"/></geometry></visual></link>
  <joint name="j_fixed" type="fixed">
    <origin xyz="-0.2 0.1 0.25" rpy="0 0 0.1"/><parent link="base"/><child link="helper"/>
  </joint>
  <joint name="j_door" type="revolute">
    <origin xyz="0 0.05 0" rpy="0 0.2 0"/><axis xyz="0 1 0"/>
    <parent link="helper"/><child link="door"/><limit lower="0" upper="{upper}" effort="1" velocity="1"/>
  </joint>
  <joint name="j_knob" type="continuous">
    <origin xyz="0.35 0 0.02"/><axis xyz="0 0 1"/><parent link="door"/><child link="knob"/>
  </joint>
  <joint name="j_drawer" type="prismatic">
    <origin xyz="0 -0.2 0.2"/><axis xyz="0 0 1"/><parent link="base"/><child link="drawer"/>
  </joint>
</robot>
"""

# The door joint frame in the mesh (root) frame: fixed joint, then the door joint's origin.
R_FIXED = Rotation.from_euler("xyz", [0, 0, 0.1]).as_matrix()  # URDF rpy: extrinsic x, y, z
R_DOOR = R_FIXED @ Rotation.from_euler("xyz", [0, 0.2, 0]).as_matrix()
DOOR_ORIGIN = np.array([-0.2, 0.1, 0.25]) + R_FIXED @ np.array([0, 0.05, 0])
DOOR_AXIS = R_DOOR @ np.array([0.0, 1.0, 0.0])


def _obj(path, size, center=(0, 0, 0)):
    m = trimesh.creation.box(size)
    m.apply_translation(center)
    m.export(path)


def make_folder(root, upper="1.5707963", meta=True):
    folder = root / "40147"
    (folder / "textured_objs").mkdir(parents=True)
    _obj(folder / "textured_objs/base.obj", (0.5, 0.6, 0.45))
    _obj(folder / "textured_objs/door.obj", (0.4, 0.5, 0.02))
    _obj(folder / "textured_objs/knob.obj", (0.02, 0.02, 0.03))
    _obj(folder / "textured_objs/drawer.obj", (0.4, 0.1, 0.4))
    (folder / "mobility.urdf").write_text(URDF.format(upper=upper))
    if meta:
        (folder / "meta.json").write_text(json.dumps({"model_cat": "StorageFurniture", "anno_id": "x"}))
    return folder


def test_reader_gives_the_urdf_joints(tmp_path):
    obj = read_partnet(make_folder(tmp_path))
    assert obj.category == "StorageFurniture"
    by_name = {g.names[0]: g for g in obj.joints}
    assert set(by_name) == {"door", "knob", "drawer"}
    door = by_name["door"]
    np.testing.assert_allclose(door.joint.axis, DOOR_AXIS, atol=1e-9)
    np.testing.assert_allclose(door.joint.origin, DOOR_ORIGIN, atol=1e-9)
    assert door.joint.limits == pytest.approx((0.0, 1.5707963))
    # The knob rides on the door: dragging the door moves both.
    assert set(door.names) == {"door", "knob"}
    assert by_name["knob"].joint.type == "revolute" and by_name["knob"].joint.limits is None
    assert by_name["drawer"].joint.type == "prismatic" and by_name["drawer"].joint.limits is None
    np.testing.assert_allclose(by_name["drawer"].joint.axis, (0, 0, 1), atol=1e-12)


def test_samples_carry_the_urdf_joint(tmp_path):
    folder = make_folder(tmp_path)
    samples = list(partnet_samples(folder, seed=3, samples_per_joint=2, config=CONFIG))
    assert len(samples) == 6
    for s in samples:
        assert s.category == "StorageFurniture" and s.category_id == 0
        j = s.joint_mesh()
        if s.part_name.startswith("door"):
            # Same axis line as the URDF (sign canonical to the drag), limits (0, 90°) in that sign.
            assert abs(j.axis @ DOOR_AXIS) == pytest.approx(1.0, abs=1e-9)
            d = np.linalg.norm(np.cross(j.origin - DOOR_ORIGIN, DOOR_AXIS))
            assert d < 1e-9
            assert sorted(np.abs(s.joint_limits_mesh)) == pytest.approx([0.0, 1.5707963])
            assert s.part_name == "door+knob"
        elif s.part_name == "drawer":
            assert np.isnan(s.joint_limits).all()
            assert abs(j.axis[2]) == pytest.approx(1.0)
        # The ground truth still ends where the exact drag points.
        end = np_dq_apply(s.traj_exact[-1].astype(float), s.drag_point[None].astype(float))[0]
        np.testing.assert_allclose(end, s.drag_point + s.drag_vector_exact, atol=1e-4)
        assert s.values[-1] > 0


def test_malformed_limits_are_a_clear_error(tmp_path):
    with pytest.raises(URDFError, match="limit"):
        read_partnet(make_folder(tmp_path, upper="abc"))


def test_missing_meta_and_gapartnet_annotation(tmp_path):
    folder = make_folder(tmp_path, meta=False)
    # GAPartNet's annotated copy wins over mobility.urdf.
    (folder / "mobility_annotation_gapartnet.urdf").write_text(URDF.format(upper="0.5"))
    obj = read_partnet(folder)
    assert obj.category == ""
    door = next(g for g in obj.joints if g.names[0] == "door")
    assert door.joint.limits == pytest.approx((0.0, 0.5))


def test_partnet_command_writes_readable_shards(tmp_path, capsys):
    from dragmesh.cli import main
    from dragmesh.data.generator import ShardDataset

    make_folder(tmp_path / "objects")
    assert main(["data", "partnet", str(tmp_path / "objects"), "--out", str(tmp_path / "out"), "--per-joint", "2", "--points", "64"]) == 0
    ds = ShardDataset(tmp_path / "out")
    assert len(ds) == 6 and ds[0]["points"].shape == (64, 3)
    assert main(["data", "partnet", str(tmp_path / "nothing"), "--out", str(tmp_path / "o2")]) == 2
    assert not (tmp_path / "o2").exists()
