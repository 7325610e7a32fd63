"""Tests of dragmesh.geometry.rotations, and that the NumPy kinematic core loads without torch."""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.spatial.transform import Rotation

from dragmesh.geometry.rotations import (
    axis_angle_matrix,
    cross_matrix,
    matrix_to_quat,
    quat_multiply,
    quat_to_matrix,
    rotate,
    rotation_between,
    rotation_matrix,
)

SETTINGS = settings(max_examples=60, deadline=None)
unit_vectors = (
    arrays(np.float64, (3,), elements=st.floats(-1, 1))
    .filter(lambda v: np.linalg.norm(v) > 0.1)
    .map(lambda v: v / np.linalg.norm(v))
)
angles = st.floats(-7, 7)


@SETTINGS
@given(unit_vectors, angles)
def test_axis_angle_matches_scipy_and_rotate(axis, angle):
    expected = Rotation.from_rotvec(angle * axis).as_matrix()
    np.testing.assert_allclose(axis_angle_matrix(axis, angle), expected, atol=1e-12)
    np.testing.assert_allclose(rotation_matrix(3.0 * axis, angle), expected, atol=1e-12)
    p = np.array([[0.3, -1.2, 2.0], [1.0, 0.0, 0.0]])
    np.testing.assert_allclose(rotate(p, axis, angle), p @ expected.T, atol=1e-12)


def test_axis_angle_broadcasts_over_angles():
    R = axis_angle_matrix([0.0, 0.0, 1.0], np.array([0.0, np.pi / 2]))
    assert R.shape == (2, 3, 3)
    np.testing.assert_allclose(R[1] @ [1.0, 0, 0], [0, 1.0, 0], atol=1e-15)
    np.testing.assert_array_equal(cross_matrix([1.0, 2.0, 3.0]) @ [0.5, -1.0, 2.0], np.cross([1.0, 2, 3], [0.5, -1.0, 2]))


@SETTINGS
@given(unit_vectors, unit_vectors)
def test_rotation_between_takes_u_onto_v(u, v):
    R = rotation_between(u, v)
    np.testing.assert_allclose(R @ u, v, atol=1e-12)
    np.testing.assert_allclose(R.T @ R, np.eye(3), atol=1e-12)
    assert np.linalg.det(R) == pytest.approx(1.0)


@pytest.mark.parametrize("u", [[0, -1, 0], [-1, 0, 0], [0, 0, -1]])
def test_rotation_between_antiparallel_is_a_fixed_half_turn(u):
    u = np.asarray(u, dtype=np.float64)
    R = rotation_between(u, -u)
    np.testing.assert_allclose(R @ u, -u, atol=1e-15)
    assert np.trace(R) == pytest.approx(-1.0)  # a half turn
    if u[1] == -1:
        np.testing.assert_array_equal(rotation_between(u, -u), np.diag([1.0, -1.0, -1.0]))


@SETTINGS
@given(unit_vectors, angles)
def test_quaternions_round_trip(axis, angle):
    R = axis_angle_matrix(axis, angle)
    q = matrix_to_quat(R)
    assert q[0] >= 0 and np.linalg.norm(q) == pytest.approx(1.0)
    np.testing.assert_allclose(quat_to_matrix(q), R, atol=1e-12)
    scipy_q = Rotation.from_matrix(R).as_quat()[[3, 0, 1, 2]]
    np.testing.assert_allclose(np.abs(q @ scipy_q), 1.0, atol=1e-12)
    np.testing.assert_allclose(quat_to_matrix(quat_multiply(q, q)), R @ R, atol=1e-12)


def test_half_turns_round_trip():
    for axis in np.eye(3):
        R = axis_angle_matrix(axis, np.pi)
        np.testing.assert_allclose(quat_to_matrix(matrix_to_quat(R)), R, atol=1e-12)


def test_meshes_and_joints_load_without_torch():
    code = (
        "import sys\n"
        "import dragmesh.io\n"
        "from dragmesh.io.load import load_mesh\n"
        "from dragmesh.geometry.joints import Joint\n"
        "import dragmesh.geometry, dragmesh.geometry.rotations, dragmesh.geometry.triangles, dragmesh.normalize\n"
        "mesh = load_mesh('dragmesh/assets/cabinet.glb')\n"
        "joint = Joint('revolute', [0, 1, 0], [0, 0, 0])\n"
        "joint.project(joint.transforms([0.1, 0.2]), points=mesh.vertices[:10])\n"
        "print(mesh.n_parts, 'torch' in sys.modules)\n"
    )
    root = __file__.rsplit("/tests/", 1)[0]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    n_parts, torch_loaded = out.stdout.split()
    assert int(n_parts) > 1 and torch_loaded == "False"
