"""Tests of dragmesh.geometry.joints: joint motions, drags, projection, the Joint dataclass."""

import json
import math

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.spatial.transform import Rotation

from dragmesh.errors import DragError, DragMeshError, InputError
from dragmesh.geometry.dualquat import (
    dq_apply,
    dq_from_matrix,
    dq_identity,
    dq_to_matrix,
    drag_to_value,
    joint_dq,
    project_dq_to_value,
)
from dragmesh.geometry.joints import PRISMATIC, REVOLUTE, Joint

SETTINGS = settings(max_examples=60, deadline=None)
F64 = torch.float64
seeds = st.integers(0, 2**31 - 1)
points3 = arrays(np.float64, (3,), elements=st.floats(-3, 3))
unit_vectors = (
    arrays(np.float64, (3,), elements=st.floats(-1, 1))
    .filter(lambda v: np.linalg.norm(v) > 0.1)
    .map(lambda v: v / np.linalg.norm(v))
)
revolute_values = st.floats(-math.pi + 1e-3, math.pi - 1e-3)
prismatic_values = st.floats(-3, 3)


@st.composite
def joints(draw, kind=None):
    kind = kind or draw(st.sampled_from([REVOLUTE, PRISMATIC]))
    return Joint(kind, draw(unit_vectors), draw(points3))


@st.composite
def similarities(draw):
    """A 4x4 similarity: rotation, uniform scale in [0.2, 5], translation."""
    R = Rotation.from_rotvec(draw(arrays(np.float64, (3,), elements=st.floats(-3, 3)))).as_matrix()
    s = draw(st.floats(0.2, 5))
    T = np.eye(4)
    T[:3, :3] = s * R
    T[:3, 3] = draw(points3)
    return T, s


def rodrigues(axis, angle):
    return Rotation.from_rotvec(angle * np.asarray(axis)).as_matrix()


def t64(x):
    return torch.tensor(np.asarray(x, dtype=np.float64))


def random_points(seed, n=20):
    return np.random.default_rng(seed).normal(size=(n, 3)) * 2


def random_motion(seed):
    rng = np.random.default_rng(seed)
    T = np.eye(4)
    T[:3, :3] = Rotation.random(random_state=seed).as_matrix()
    T[:3, 3] = rng.normal(size=3)
    return T


# ---------------------------------------------------------------------------------------------
# Torch functions
# ---------------------------------------------------------------------------------------------


@SETTINGS
@given(unit_vectors, points3, revolute_values, st.floats(-3, 3), seeds)
def test_joint_dq_matches_definition(axis, origin, angle, d, seed):
    x = random_points(seed, 5)
    moved = dq_apply(joint_dq(True, t64(3 * axis), t64(origin), t64(angle)), t64(x)).numpy()
    np.testing.assert_allclose(moved, (x - origin) @ rodrigues(axis, angle).T + origin, atol=1e-10)
    moved = dq_apply(joint_dq(False, t64(axis), t64(origin), t64(d)), t64(x)).numpy()
    np.testing.assert_allclose(moved, x + d * axis, atol=1e-12)


def test_joint_dq_broadcasts_mixed_types():
    is_rev = torch.tensor([True, False, True])
    axis = torch.tensor([[0.0, 0, 1], [1, 0, 0], [0, 1, 0]], dtype=F64)
    origin = torch.tensor([[1.0, 0, 0], [0, 0, 0], [0, 0, 0]], dtype=F64)
    values = torch.tensor([[0.5, 0.25, -0.5], [1.0, 2.0, 0.0]], dtype=F64)  # (T=2, joints=3)
    dq = joint_dq(is_rev, axis, origin, values)
    assert dq.shape == (2, 3, 8)
    torch.testing.assert_close(project_dq_to_value(is_rev, axis, origin, dq), values)
    p = dq_apply(dq[1, 1], torch.zeros(1, 3, dtype=F64))
    torch.testing.assert_close(p, torch.tensor([[2.0, 0, 0]], dtype=F64))


@SETTINGS
@given(unit_vectors, points3, revolute_values, prismatic_values, seeds)
def test_projection_recovers_joint_value(axis, origin, angle, d, seed):
    a, o = t64(axis), t64(origin)
    pts = t64(random_points(seed))
    for is_rev, value in ((True, angle), (False, d)):
        dq = joint_dq(is_rev, a, o, t64(value))
        assert project_dq_to_value(is_rev, a, o, dq).item() == pytest.approx(value, abs=1e-9)
        assert project_dq_to_value(is_rev, a, o, -dq).item() == pytest.approx(value, abs=1e-9)
        assert project_dq_to_value(is_rev, a, o, dq, pts).item() == pytest.approx(value, abs=1e-9)


def objective(joint: Joint, values, target: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Mean squared distance between the joint-moved and target-moved points, for each value."""
    T = joint.transforms(values)
    moved = np.einsum("tij,nj->tni", T[:, :3, :3], points) + T[:, None, :3, 3]
    goal = points @ target[:3, :3].T + target[:3, 3]
    return ((moved - goal) ** 2).sum(-1).mean(-1)


@SETTINGS
@given(joints(), seeds)
def test_projection_with_points_is_least_squares(joint, seed):
    target = random_motion(seed)
    pts = random_points(seed + 1)
    best = joint.project(target, points=pts)
    span = math.pi if joint.is_revolute else 10.0
    grid = np.linspace(-span, span, 1001)
    on_grid = objective(joint, grid, target, pts).min()
    assert objective(joint, [best], target, pts)[0] <= on_grid + 1e-9


@SETTINGS
@given(joints(), seeds)
def test_numpy_projection_equals_the_torch_one(joint, seed):
    """Joint.project (NumPy) and project_dq_to_value (torch, for the models) are one formula."""
    motions = np.stack([random_motion(seed), random_motion(seed + 1), joint.transform(0.4)])
    dqs = dq_from_matrix(t64(motions))
    pts = random_points(seed)
    a, o = t64(joint.axis), t64(joint.origin)
    for points in (None, pts):
        torch_pts = None if points is None else t64(points)
        expected = project_dq_to_value(joint.is_revolute, a, o, dqs, torch_pts).numpy()
        np.testing.assert_allclose(joint.project(motions, points=points), expected, atol=1e-12)
        np.testing.assert_allclose(joint.project(dqs.numpy(), points=points), expected, atol=1e-12)


@SETTINGS
@given(joints(REVOLUTE), seeds)
def test_revolute_projection_without_points_is_nearest_rotation(joint, seed):
    target = random_motion(seed)
    best = joint.project(target)
    # The twist angle maximises |<q(theta), q_target>|, i.e. minimises the rotation distance.
    q = dq_from_matrix(t64(target))[:4].numpy()
    grid = np.linspace(-math.pi, math.pi, 2001)
    closeness = np.abs(joint.dual_quaternions(grid)[:, :4] @ q)
    assert abs(joint.dual_quaternions(best)[:4] @ q) >= closeness.max() - 1e-9


@SETTINGS
@given(joints(PRISMATIC), seeds)
def test_prismatic_projection_without_points_follows_the_origin(joint, seed):
    target = random_motion(seed)
    expected = (target[:3, :3] @ joint.origin + target[:3, 3] - joint.origin) @ joint.axis
    assert joint.project(target) == pytest.approx(expected, abs=1e-9)


@SETTINGS
@given(joints(REVOLUTE), points3, points3)
def test_revolute_drag_moves_toward_target(joint, p, v):
    theta = joint.drag_value(p, v)
    target = p + v
    before = np.linalg.norm(p - target)
    after = np.linalg.norm(joint.apply(p[None], theta)[0] - target)
    assert after <= before + 1e-9
    # And it is the best angle, not just a good one (up to the near-axis cut-off, relative).
    grid = np.linspace(-math.pi, math.pi, 721)
    T = joint.transforms(grid)
    moved = np.einsum("tij,j->ti", T[:, :3, :3], p) + T[:, :3, 3]
    tol = 1e-7 * (1 + np.linalg.norm(p - joint.origin) + np.linalg.norm(v))
    assert after <= np.linalg.norm(moved - target, axis=-1).min() + tol


def test_revolute_drag_sign_follows_the_drag():
    joint = Joint(REVOLUTE, [0, 0, 1], [1, 0, 0])
    p = np.array([2.0, 0, 0.3])
    tangent = np.cross(joint.axis, p - joint.origin)  # the direction a positive angle moves p
    assert joint.drag_value(p, 0.1 * tangent) > 0
    assert joint.drag_value(p, -0.1 * tangent) < 0
    # A drag of exactly the chord of a quarter turn asks for a quarter turn.
    chord = joint.apply(p[None], math.pi / 2)[0] - p
    assert joint.drag_value(p, chord) == pytest.approx(math.pi / 2)
    # A drag along the axis or at the pivot says nothing about the angle.
    assert joint.drag_value(p, [0, 0, 1.0]) == 0
    assert joint.drag_value([1.0, 0, 5.0], [0, 1.0, 0]) == 0


@SETTINGS
@given(joints(PRISMATIC), points3, points3)
def test_prismatic_drag_is_v_dot_a(joint, p, v):
    assert joint.drag_value(p, v) == pytest.approx(float(v @ joint.axis), abs=1e-12)


def test_drag_value_is_clamped_to_limits():
    joint = Joint(PRISMATIC, [1, 0, 0], [0, 0, 0], limits=(0.0, 0.5))
    assert joint.drag_value([0, 0, 0], [2.0, 0, 0]) == 0.5
    assert joint.drag_value([0, 0, 0], [2.0, 0, 0], clamp=False) == 2.0
    assert joint.drag_value([0, 0, 0], [-1.0, 0, 0]) == 0.0
    hinge = Joint(REVOLUTE, [0, 0, 1], [0, 0, 0], limits=(-0.2, 0.2))
    assert hinge.drag_value([1, 0, 0], [0, 1.0, 0]) == pytest.approx(0.2)
    values = hinge.drag_value([[1, 0, 0], [1, 0, 0]], [[0, 1.0, 0], [0, -0.01, 0]])
    assert values.shape == (2,) and values[0] == pytest.approx(0.2) and values[1] < 0


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_gradients_are_finite_at_zero_and_degenerate_values(dtype):
    axis = torch.tensor([0.0, 0.0, 1.0], dtype=dtype, requires_grad=True)
    origin = torch.tensor([1.0, 0.0, 0.0], dtype=dtype, requires_grad=True)
    value = torch.zeros((), dtype=dtype, requires_grad=True)
    weights = torch.arange(9, dtype=dtype).reshape(3, 3)
    for is_rev in (True, False):
        value.grad = None
        dq = joint_dq(is_rev, axis, origin, value)
        (weights * dq_apply(dq, torch.ones(3, 3, dtype=dtype))).sum().backward()
        assert torch.isfinite(value.grad) and value.grad != 0
        # At the identity, the projection still sees the change of the motion.
        dq_id = dq_identity((), dtype=dtype).requires_grad_(True)
        project_dq_to_value(is_rev, axis, origin, dq_id).backward()
        assert torch.isfinite(dq_id.grad).all() and dq_id.grad.abs().sum() > 0
        # A point on the axis (degenerate drag) and a zero drag.
        for p, v in (([1.0, 0, 2.0], [0, 1.0, 0]), ([3.0, 0, 0], [0, 0, 0])):
            point = torch.tensor(p, dtype=dtype, requires_grad=True)
            vector = torch.tensor(v, dtype=dtype, requires_grad=True)
            drag_to_value(is_rev, axis, origin, point, vector).backward()
            assert torch.isfinite(point.grad).all() and torch.isfinite(vector.grad).all()
    for t in (axis, origin):
        assert torch.isfinite(t.grad).all()


def test_float32_joint_functions():
    axis = torch.tensor([0.0, 1.0, 0.0])
    origin = torch.tensor([0.5, 0.0, 0.0])
    dq = joint_dq(True, axis, origin, torch.tensor(0.7))
    assert dq.dtype == torch.float32
    assert project_dq_to_value(True, axis, origin, dq).item() == pytest.approx(0.7, abs=1e-5)
    slide = drag_to_value(False, axis, origin, origin, torch.tensor([0.0, 2.0, 0.0]))
    assert slide.dtype == torch.float32 and slide.item() == pytest.approx(2.0)


# ---------------------------------------------------------------------------------------------
# Frames
# ---------------------------------------------------------------------------------------------


@SETTINGS
@given(joints(), similarities(), st.floats(-2, 2))
def test_transformed_joint_conjugates_the_motion(joint, sim, value):
    S, s = sim
    new = joint.transformed(S)
    assert np.linalg.norm(new.axis) == pytest.approx(1.0)
    new_value = value if joint.is_revolute else s * value
    expected = S @ joint.transform(value) @ np.linalg.inv(S)
    np.testing.assert_allclose(new.transform(new_value), expected, atol=1e-9)


@SETTINGS
@given(joints(), similarities(), points3, points3, seeds)
def test_values_are_invariant_under_change_of_frame(joint, sim, p, v, seed):
    S, s = sim
    new = joint.transformed(S)
    ratio = 1.0 if joint.is_revolute else s
    p2 = S[:3, :3] @ p + S[:3, 3]
    v2 = S[:3, :3] @ v
    if joint.is_revolute:
        # A drag whose ends lie (almost) on the axis has no angle; away from it, angles agree.
        lever = [np.linalg.norm(np.cross(x - joint.origin, joint.axis)) for x in (p, p + v)]
        assume(min(lever) > 1e-3)
    def agree(a, b, tol):
        gap = a - ratio * b
        if joint.is_revolute:  # a half turn is both pi and -pi
            gap = math.remainder(gap, 2 * math.pi)
        assert abs(gap) <= tol * (1 + abs(a))

    agree(new.drag_value(p2, v2), joint.drag_value(p, v), 1e-8)
    motion = random_motion(seed)
    motion2 = S @ motion @ np.linalg.inv(S)
    pts = random_points(seed)
    pts2 = pts @ S[:3, :3].T + S[:3, 3]
    agree(new.project(motion2, points=pts2), joint.project(motion, points=pts), 1e-7)
    agree(new.project(motion2), joint.project(motion), 1e-7)


def test_transformed_scales_prismatic_limits_only():
    S = np.diag([2.0, 2.0, 2.0, 1.0])
    S[:3, 3] = [1, 2, 3]
    slide = Joint(PRISMATIC, [1, 0, 0], [0, 0, 0], limits=(-0.1, 0.3)).transformed(S)
    assert slide.limits == pytest.approx((-0.2, 0.6))
    np.testing.assert_allclose(slide.origin, [1, 2, 3])
    hinge = Joint(REVOLUTE, [1, 0, 0], [1, 0, 0], limits=(-0.1, 0.3)).transformed(S)
    assert hinge.limits == (-0.1, 0.3)
    np.testing.assert_allclose(hinge.origin, [3, 2, 3])


@pytest.mark.parametrize(
    "matrix",
    [
        np.diag([1.0, 2.0, 1.0, 1.0]),  # non-uniform scale
        np.diag([-1.0, 1.0, 1.0, 1.0]),  # reflection
        np.eye(3),  # wrong shape
        np.array([[1.0, 0.5, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]),  # shear
    ],
)
def test_transformed_rejects_non_similarities(matrix):
    with pytest.raises(InputError):
        Joint(REVOLUTE, [0, 0, 1], [0, 0, 0]).transformed(matrix)


@SETTINGS
@given(joints(), st.floats(-2, 2))
def test_flipped_negates_values(joint, value):
    joint = Joint(joint.type, joint.axis, joint.origin, limits=(-0.5, 1.5))
    flipped = joint.flipped()
    np.testing.assert_allclose(flipped.axis, -joint.axis)
    assert flipped.limits == (-1.5, 0.5)
    np.testing.assert_allclose(flipped.transform(-value), joint.transform(value), atol=1e-12)
    assert flipped.flipped().isclose(joint, atol=0)


# ---------------------------------------------------------------------------------------------
# The Joint dataclass
# ---------------------------------------------------------------------------------------------


def test_joint_shapes_and_types():
    joint = Joint("Revolute", [0, 0, 2], (1, 0, 0), limits=[-1, 2])
    assert joint.type == REVOLUTE and joint.is_revolute
    assert joint.axis.dtype == np.float64
    np.testing.assert_allclose(joint.axis, [0, 0, 1])
    assert joint.limits == (-1.0, 2.0) and isinstance(joint.limits, tuple)
    assert joint.transform(0.3).shape == (4, 4)
    assert joint.transforms([0.1, 0.2, 0.3]).shape == (3, 4, 4)
    assert joint.dual_quaternions([0.1, 0.2]).shape == (2, 8)
    assert joint.apply(np.zeros((7, 3)), 0.4).shape == (7, 3)
    assert isinstance(joint.project(joint.transform(0.3)), float)
    assert joint.project(joint.transforms([0.1, 0.2])).shape == (2,)
    np.testing.assert_allclose(joint.project(joint.dual_quaternions([0.1, -0.2])), [0.1, -0.2])
    one_point = np.array([[3.0, 0, 0]])
    assert joint.project(joint.transform(1.5), points=one_point) == pytest.approx(1.5)


def test_joint_apply_and_transform_agree():
    joint = Joint(REVOLUTE, [0, 0, 1], [1, 0, 0])
    np.testing.assert_allclose(joint.apply([[2.0, 0, 0]], math.pi), [[0.0, 0, 0]], atol=1e-12)
    T = joint.transform(math.pi / 2)
    np.testing.assert_allclose(T @ [2.0, 0, 0, 1], [1.0, 1.0, 0, 1], atol=1e-12)


def test_clamp():
    joint = Joint(PRISMATIC, [0, 1, 0], [0, 0, 0], limits=(0.0, 1.0))
    assert joint.clamp(2.0) == 1.0 and joint.clamp(-1.0) == 0.0 and joint.clamp(0.5) == 0.5
    np.testing.assert_array_equal(joint.clamp(np.array([-1.0, 0.5, 3.0])), [0.0, 0.5, 1.0])
    assert Joint(PRISMATIC, [0, 1, 0], [0, 0, 0]).clamp(7.0) == 7.0
    assert joint.project(joint.transform(3.0), clamp=True) == 1.0


@pytest.mark.parametrize("limits", [None, (-0.5, 1.25)])
def test_dict_round_trip_is_json_safe(limits):
    joint = Joint(PRISMATIC, [1, 2, 3], [0.5, -1, 2], limits)
    text = json.dumps(joint.to_dict())
    back = Joint.from_dict(json.loads(text))
    assert back == joint
    assert json.loads(text)["limits"] == (None if limits is None else list(limits))
    bare = {"type": "revolute", "axis": [0, 0, 1], "origin": [0, 0, 0]}
    assert Joint.from_dict(bare).limits is None


def test_equality_is_by_value():
    a = Joint(REVOLUTE, [0, 0, 1], [0, 0, 0])
    assert a == Joint(REVOLUTE, np.array([0, 0, 3.0]), [0, 0, 0])
    assert a != Joint(PRISMATIC, [0, 0, 1], [0, 0, 0])
    assert a != Joint(REVOLUTE, [0, 0, 1], [0, 0, 0], limits=(0, 1))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(type="hinge", axis=[0, 0, 1], origin=[0, 0, 0]), "type"),
        (dict(type=None, axis=[0, 0, 1], origin=[0, 0, 0]), "type"),
        (dict(type=REVOLUTE, axis=[0, 0, 0], origin=[0, 0, 0]), "non-zero"),
        (dict(type=REVOLUTE, axis=[0, np.nan, 1], origin=[0, 0, 0]), "finite"),
        (dict(type=REVOLUTE, axis=[0, 1], origin=[0, 0, 0]), "3 numbers"),
        (dict(type=REVOLUTE, axis="up", origin=[0, 0, 0]), "3 numbers"),
        (dict(type=REVOLUTE, axis=[0, 0, 1], origin=[0, np.inf, 0]), "finite"),
        (dict(type=PRISMATIC, axis=[0, 0, 1], origin=[0, 0, 0], limits=(1, 0)), "lower <= upper"),
        (dict(type=PRISMATIC, axis=[0, 0, 1], origin=[0, 0, 0], limits=(0, np.inf)), "finite"),
        (dict(type=PRISMATIC, axis=[0, 0, 1], origin=[0, 0, 0], limits=(0.0,)), "lower, upper"),
    ],
)
def test_invalid_joints_raise_input_error(kwargs, message):
    with pytest.raises(InputError, match=message):
        Joint(**kwargs)


def test_other_errors():
    joint = Joint(REVOLUTE, [0, 0, 1], [0, 0, 0])
    with pytest.raises(InputError, match="missing axis"):
        Joint.from_dict({"type": "revolute", "origin": [0, 0, 0]})
    with pytest.raises(InputError, match="shape"):
        joint.project(np.eye(3))
    with pytest.raises(DragError):
        joint.drag_value([0, 0, np.nan], [1, 0, 0])
    with pytest.raises(DragError):
        joint.drag_value([0, 0, 0], [1, 0])
    with pytest.raises(InputError, match="finite"):
        joint.transforms([0.0, np.nan])
    assert issubclass(InputError, DragMeshError)
