import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dragmesh.errors import InputError, MeshError
from dragmesh.normalize import Normalization, parse_up, rotation_onto_y, unit_up

Y = np.array([0.0, 1.0, 0.0])

unit_vectors = (
    st.lists(st.floats(-1, 1, allow_nan=False), min_size=3, max_size=3)
    .map(np.array)
    .filter(lambda v: np.linalg.norm(v) > 1e-3)
)


def random_object(seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(200, 3)) * [3.0, 1.0, 0.5] + [10.0, -4.0, 2.0]


@settings(max_examples=60, deadline=None)
@given(unit_vectors)
def test_rotation_takes_up_onto_y_minimally(up):
    R = rotation_onto_y(up)
    u = up / np.linalg.norm(up)
    assert np.allclose(R @ R.T, np.eye(3), atol=1e-9) and np.linalg.det(R) == pytest.approx(1.0)
    assert np.allclose(R @ u, Y, atol=1e-9)
    # Minimal: the rotation angle equals the angle between up and +Y.
    angle = np.arccos(np.clip((np.trace(R) - 1) / 2, -1, 1))
    assert angle == pytest.approx(np.arccos(np.clip(u @ Y, -1, 1)), abs=1e-6)


def test_special_ups():
    assert np.allclose(rotation_onto_y((0, 1, 0)), np.eye(3))
    assert np.allclose(rotation_onto_y((0, -1, 0)), np.diag([1, -1, -1]))  # half-turn about X
    assert np.allclose(rotation_onto_y((0, 0, 1)) @ [0, 0, 1], Y)
    # Z-up: the minimal rotation is about X, so X stays put.
    assert np.allclose(rotation_onto_y((0, 0, 1)) @ [1, 0, 0], [1, 0, 0])


@pytest.mark.parametrize("up", [(0, 1, 0), (0, 0, 1), (0, -1, 0), (1, 2, 3)])
def test_normalised_points_are_centred_with_unit_max_extent(up):
    points = random_object()
    norm = Normalization.from_points(points, up)
    model = norm.to_model(points)
    lo, hi = model.min(axis=0), model.max(axis=0)
    assert np.allclose((lo + hi) / 2, 0, atol=1e-12)
    assert (hi - lo).max() == pytest.approx(1.0)
    assert np.allclose(norm.direction_to_model(unit_up(up)), Y)


def test_bbox_centre_is_taken_after_the_rotation():
    # A 45-degree tilted slab: the centre of its rotated bbox differs from the rotated raw centre
    # only when the point set is asymmetric, so use a triangle.
    points = np.array([[0.0, 0, 0], [4, 0, 0], [0, 1, 3]])
    up = np.array([0.0, 1.0, 1.0])
    norm = Normalization.from_points(points, up)
    rotated = points @ rotation_onto_y(up).T
    assert np.allclose(norm.center, (rotated.min(axis=0) + rotated.max(axis=0)) / 2)
    assert norm.scale == pytest.approx(np.ptp(rotated, axis=0).max())


def test_round_trips_and_matrices():
    points = random_object()
    norm = Normalization.from_points(points, (0.3, 0.2, 0.9))
    assert np.allclose(norm.from_model(norm.to_model(points)), points)
    v = np.random.default_rng(1).normal(size=(5, 3))
    assert np.allclose(norm.direction_from_model(norm.direction_to_model(v)), v)
    assert np.allclose(norm.displacement_from_model(norm.displacement_to_model(v)), v)
    assert np.allclose(np.linalg.norm(norm.direction_to_model(v), axis=1), np.linalg.norm(v, axis=1))
    assert np.allclose(norm.displacement_to_model(v), norm.direction_to_model(v) / norm.scale)
    assert np.allclose(norm.matrix @ norm.inverse_matrix, np.eye(4))
    homogeneous = np.c_[points, np.ones(len(points))]
    assert np.allclose((homogeneous @ norm.matrix.T)[:, :3], norm.to_model(points))
    # A displacement maps like the difference of two points.
    a, b = points[0], points[0] + v[0]
    assert np.allclose(norm.to_model(b) - norm.to_model(a), norm.displacement_to_model(v[0]))


def test_transforms_are_conjugated():
    from scipy.spatial.transform import Rotation

    points = random_object()
    norm = Normalization.from_points(points, (0, 0, 1))
    motion = np.eye(4)
    motion[:3, :3] = Rotation.from_rotvec([0.2, -0.5, 0.7]).as_matrix()
    motion[:3, 3] = [1.0, 2.0, -3.0]
    moved_mesh = points @ motion[:3, :3].T + motion[:3, 3]
    model_motion = norm.transform_to_model(motion)
    moved_model = norm.to_model(points) @ model_motion[:3, :3].T + model_motion[:3, 3]
    assert np.allclose(norm.to_model(moved_mesh), moved_model)
    assert np.allclose(model_motion[:3, :3], norm.rotation @ motion[:3, :3] @ norm.rotation.T)
    stacked = norm.transform_from_model(np.stack([model_motion, np.eye(4)]))
    assert np.allclose(stacked[0], motion) and np.allclose(stacked[1], np.eye(4))


def test_joint_round_trip_and_prismatic_limits_scale():
    from dragmesh.geometry.joints import Joint

    points = random_object()
    norm = Normalization.from_points(points, (1, 1, 0))
    hinge = Joint("revolute", (0, 0, 1), (10.0, -4.0, 2.0), (0.0, 1.5))
    slide = Joint("prismatic", (1, 0, 0), (10.0, -4.0, 2.0), (0.0, norm.scale / 2))
    model_hinge = norm.joint_to_model(hinge)
    assert np.allclose(model_hinge.axis, norm.direction_to_model(hinge.axis))
    assert np.allclose(model_hinge.origin, norm.to_model(hinge.origin))
    assert model_hinge.limits == pytest.approx((0.0, 1.5))
    assert norm.joint_to_model(slide).limits == pytest.approx((0.0, 0.5))
    for joint in (hinge, slide):
        assert norm.joint_from_model(norm.joint_to_model(joint)).isclose(joint)


def test_dict_round_trip_through_json():
    norm = Normalization.from_points(random_object(), (0, 0, -1))
    again = Normalization.from_dict(json.loads(json.dumps(norm.to_dict())))
    assert np.allclose(again.matrix, norm.matrix) and np.allclose(again.up, [0, 0, -1])


def test_from_mesh_ignores_unused_vertices():
    from dragmesh.io import PartMesh

    vertices = np.array([[0.0, 0, 0], [2, 0, 0], [0, 1, 0], [100, 100, 100]])
    mesh = PartMesh(vertices, [[0, 1, 2]], [0], ["a"], up=(0, 1, 0))
    assert Normalization.from_mesh(mesh).scale == pytest.approx(2.0)


def test_degenerate_input():
    with pytest.raises(MeshError, match="coincide"):
        Normalization.from_points(np.ones((4, 3)))
    with pytest.raises(MeshError, match="empty"):
        Normalization.from_points(np.zeros((0, 3)))
    with pytest.raises(MeshError, match="NaN"):
        Normalization.from_points([[0, 0, 0], [np.nan, 0, 0]])
    with pytest.raises(InputError, match="zero"):
        Normalization.from_points(random_object(), (0, 0, 0))


@pytest.mark.parametrize(
    "text, expected",
    [("0,0,1", (0, 0, 1)), ("z", (0, 0, 1)), ("+x", (1, 0, 0)), ("-Y", (0, -1, 0)), ("0 3 0", (0, 1, 0))],
)
def test_parse_up(text, expected):
    assert np.allclose(parse_up(text), expected)


@pytest.mark.parametrize("text", ["0,0,0", "1,2", "up", "1,a,2", "nan,0,1"])
def test_parse_up_rejects(text):
    with pytest.raises(InputError):
        parse_up(text)
