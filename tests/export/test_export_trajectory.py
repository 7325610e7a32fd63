import json

import numpy as np

from dragmesh.export.trajectory import write_json, write_npz
from dragmesh.geometry.dualquat import np_dq_to_matrix


def test_npz_holds_joint_values_dual_quaternions_and_transforms(tmp_path, door_asset):
    part = door_asset.parts[0]
    path = write_npz(door_asset, tmp_path / "t.npz", {"raw_transforms": part.transforms})
    data = np.load(path)
    assert str(data["joint_type"]) == "revolute"
    np.testing.assert_allclose(data["axis"], part.joint.axis)
    np.testing.assert_allclose(data["origin"], part.joint.origin)
    assert np.isnan(data["limits"]).all()
    np.testing.assert_allclose(data["values"], part.values)
    np.testing.assert_allclose(data["transforms"], part.transforms)
    np.testing.assert_allclose(np_dq_to_matrix(data["dual_quaternions"]), part.transforms, atol=1e-12)
    assert "raw_transforms" in data


def test_npz_prefixes_keys_with_several_parts(tmp_path, asset):
    data = np.load(write_npz(asset, tmp_path / "t.npz"))
    assert {"door/values", "drawer/values", "drawer/transforms"} <= set(data.files)
    assert str(data["drawer/joint_type"]) == "prismatic"


def test_json_document(tmp_path, door_asset):
    doc = json.loads(write_json(door_asset, tmp_path / "t.json").read_text())
    part = door_asset.parts[0]
    assert doc["joint"]["type"] == "revolute"
    np.testing.assert_allclose(doc["trajectory"]["values"], part.values)
    np.testing.assert_allclose(doc["trajectory"]["transforms"], part.transforms)
    assert np.asarray(doc["trajectory"]["dual_quaternions"]).shape == (len(part.values), 8)
    custom = json.loads(write_json(door_asset, tmp_path / "c.json", {"a": 1}).read_text())
    assert custom == {"a": 1}
