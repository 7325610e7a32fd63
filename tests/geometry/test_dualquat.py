"""Tests of dragmesh.geometry.dualquat: conversions, algebra, screws, interpolation, gradients."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.spatial.transform import Rotation

from dragmesh.geometry.dualquat import (
    axis_angle_to_quat,
    dq_apply,
    dq_conjugate,
    dq_exp,
    dq_from_matrix,
    dq_from_rt,
    dq_from_screw,
    dq_identity,
    dq_inverse,
    dq_log,
    dq_multiply,
    dq_normalize,
    dq_pow,
    dq_sclerp,
    dq_standardize,
    dq_to_matrix,
    dq_to_rt,
    dq_to_screw,
    dq_translation,
    matrix_to_quat,
    np_dq_apply,
    np_dq_from_matrix,
    np_dq_to_matrix,
    quat_apply,
    quat_multiply,
    quat_normalize,
    quat_standardize,
    quat_to_axis_angle,
    quat_to_matrix,
)

SETTINGS = settings(max_examples=60, deadline=None)
F64 = torch.float64
seeds = st.integers(0, 2**31 - 1)
quats = arrays(np.float64, (4,), elements=st.floats(-1, 1)).filter(
    lambda q: np.linalg.norm(q) > 0.1
)
unit_vectors = (
    arrays(np.float64, (3,), elements=st.floats(-1, 1))
    .filter(lambda v: np.linalg.norm(v) > 0.1)
    .map(lambda v: v / np.linalg.norm(v))
)


def random_dq(seed: int, n: int = 8, dtype=F64, scale: float = 2.0) -> torch.Tensor:
    """n random unit dual quaternions, built from (q, t) without the functions under test."""
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(n, 4, generator=g, dtype=F64)
    q = q / q.norm(dim=-1, keepdim=True)
    t = scale * torch.randn(n, 3, generator=g, dtype=F64)
    qd = 0.5 * quat_multiply(torch.cat([torch.zeros(n, 1, dtype=F64), t], -1), q)
    return torch.cat([q, qd], -1).to(dtype)


def scipy_matrix(q: np.ndarray) -> np.ndarray:
    return Rotation.from_quat(np.asarray(q)[..., [1, 2, 3, 0]]).as_matrix()


def same_motion(a: torch.Tensor, b: torch.Tensor, atol=1e-9):
    torch.testing.assert_close(dq_to_matrix(a), dq_to_matrix(b), rtol=0, atol=atol)


def homogeneous(dq: torch.Tensor) -> torch.Tensor:
    return dq_to_matrix(dq)


# ---------------------------------------------------------------------------------------------
# Quaternions
# ---------------------------------------------------------------------------------------------


@SETTINGS
@given(quats)
def test_quat_to_matrix_matches_scipy_and_ignores_scale(q):
    R = quat_to_matrix(torch.tensor(q))
    np.testing.assert_allclose(R.numpy(), scipy_matrix(q), atol=1e-12)
    np.testing.assert_allclose(quat_to_matrix(torch.tensor(3 * q)).numpy(), R.numpy(), atol=1e-12)


@SETTINGS
@given(seeds)
def test_matrix_to_quat_round_trip(seed):
    q = quat_standardize(random_dq(seed)[:, :4])
    R = quat_to_matrix(q)
    q2 = matrix_to_quat(R)
    assert (q2[:, 0] >= 0).all()
    torch.testing.assert_close(q2.norm(dim=-1), torch.ones(8, dtype=F64))
    # q and -q are the same rotation; only w == 0 leaves the sign free.
    torch.testing.assert_close((q2 * q).sum(-1).abs(), torch.ones(8, dtype=F64))
    torch.testing.assert_close(quat_to_matrix(q2), R, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "rotvec",
    [
        [0, 0, 0],
        [math.pi, 0, 0],
        [0, math.pi, 0],
        [0, 0, math.pi],
        list(math.pi * np.array([1, 1, 1]) / math.sqrt(3)),
        list((math.pi - 1e-9) * np.array([0.6, -0.8, 0])),
        [1e-9, 0, 0],
        [0, 0, -2.5],
    ],
)
def test_matrix_to_quat_special_rotations(rotvec):
    R = Rotation.from_rotvec(rotvec).as_matrix()
    q = matrix_to_quat(torch.tensor(R))
    assert q[0] >= 0
    np.testing.assert_allclose(quat_to_matrix(q).numpy(), R, atol=1e-12)


@SETTINGS
@given(quats, quats)
def test_quat_multiply_composes_rotations(a, b):
    ab = quat_multiply(torch.tensor(a), torch.tensor(b))
    expected = scipy_matrix(a) @ scipy_matrix(b)
    np.testing.assert_allclose(quat_to_matrix(ab).numpy(), expected, atol=1e-12)


@SETTINGS
@given(quats, arrays(np.float64, (5, 3), elements=st.floats(-5, 5)))
def test_quat_apply_matches_matrix(q, points):
    q = quat_normalize(torch.tensor(q))
    moved = quat_apply(q, torch.tensor(points))
    np.testing.assert_allclose(moved.numpy(), points @ scipy_matrix(q.numpy()).T, atol=1e-11)


@SETTINGS
@given(unit_vectors, st.floats(0.001, math.pi - 0.001))
def test_axis_angle_round_trip(axis, angle):
    q = axis_angle_to_quat(torch.tensor(2.5 * axis), torch.tensor(angle, dtype=F64))
    expected = Rotation.from_rotvec(angle * axis).as_matrix()
    np.testing.assert_allclose(quat_to_matrix(q).numpy(), expected, atol=1e-12)
    axis2, angle2 = quat_to_axis_angle(q)
    np.testing.assert_allclose(axis2.numpy(), axis, atol=1e-9)
    assert angle2.item() == pytest.approx(angle, abs=1e-9)
    # A negative angle comes back as the positive angle about the opposite axis.
    q_neg = axis_angle_to_quat(torch.tensor(axis), torch.tensor(-angle, dtype=F64))
    axis3, angle3 = quat_to_axis_angle(q_neg)
    np.testing.assert_allclose(axis3.numpy(), -axis, atol=1e-9)
    assert angle3.item() == pytest.approx(angle, abs=1e-9)


def test_quat_to_axis_angle_of_identity():
    axis, angle = quat_to_axis_angle(torch.tensor([[1.0, 0, 0, 0], [-2.0, 0, 0, 0]]))
    torch.testing.assert_close(angle, torch.zeros(2))
    torch.testing.assert_close(axis.norm(dim=-1), torch.ones(2))


# ---------------------------------------------------------------------------------------------
# Dual quaternions: conversions and algebra
# ---------------------------------------------------------------------------------------------


@SETTINGS
@given(seeds)
def test_rt_round_trip(seed):
    g = torch.Generator().manual_seed(seed)
    R = torch.tensor(Rotation.random(6, random_state=seed).as_matrix())
    t = 3 * torch.randn(6, 3, generator=g, dtype=F64)
    dq = dq_from_rt(R, t)
    assert (dq[:, 0] >= 0).all()
    R2, t2 = dq_to_rt(dq)
    torch.testing.assert_close(R2, R, rtol=0, atol=1e-12)
    torch.testing.assert_close(t2, t, rtol=0, atol=1e-12)
    torch.testing.assert_close(dq_translation(dq), t, rtol=0, atol=1e-12)
    # The definition: qd = 0.5 (0, t) ⊗ qr.
    qd = 0.5 * quat_multiply(torch.cat([torch.zeros(6, 1, dtype=F64), t], -1), dq[:, :4])
    torch.testing.assert_close(dq[:, 4:], qd)


@SETTINGS
@given(seeds)
def test_matrix_round_trip(seed):
    dq = dq_standardize(random_dq(seed))
    T = dq_to_matrix(dq)
    torch.testing.assert_close(T[:, 3], torch.tensor([0.0, 0, 0, 1], dtype=F64).expand(8, 4))
    torch.testing.assert_close(dq_from_matrix(T), dq, rtol=0, atol=1e-12)


@SETTINGS
@given(seeds)
def test_dq_multiply_is_matrix_product(seed):
    a, b = random_dq(seed, 8), random_dq(seed + 1, 8)
    torch.testing.assert_close(homogeneous(dq_multiply(a, b)), homogeneous(a) @ homogeneous(b))
    # Not commutative: b ∘ a is a different motion in general.
    assert not torch.allclose(homogeneous(dq_multiply(b, a)), homogeneous(a) @ homogeneous(b))


@SETTINGS
@given(seeds)
def test_dq_apply_matches_matrix_and_broadcasts(seed):
    dq = random_dq(seed, 4)
    points = torch.randn(10, 3, generator=torch.Generator().manual_seed(seed), dtype=F64)
    moved = dq_apply(dq, points)
    assert moved.shape == (4, 10, 3)
    T = homogeneous(dq)
    expected = points @ T[:, :3, :3].transpose(-1, -2) + T[:, None, :3, 3]
    torch.testing.assert_close(moved, expected)
    torch.testing.assert_close(dq_apply(dq[0], points), expected[0])


@SETTINGS
@given(seeds)
def test_dq_inverse_composes_to_identity(seed):
    dq = random_dq(seed)
    ident = dq_identity((8,), dtype=F64)
    torch.testing.assert_close(dq_multiply(dq_inverse(dq), dq), ident, rtol=0, atol=1e-12)
    torch.testing.assert_close(dq_multiply(dq, dq_inverse(dq)), ident, rtol=0, atol=1e-12)
    torch.testing.assert_close(dq_conjugate(dq), dq_inverse(dq), rtol=0, atol=1e-12)
    # The general inverse also holds for dual quaternions that are not unit.
    raw = torch.randn(8, 8, generator=torch.Generator().manual_seed(seed), dtype=F64)
    torch.testing.assert_close(dq_multiply(dq_inverse(raw), raw), ident, rtol=0, atol=1e-9)


@SETTINGS
@given(seeds)
def test_dq_normalize_gives_unit_dq_with_same_motion(seed):
    raw = torch.randn(8, 8, generator=torch.Generator().manual_seed(seed), dtype=F64)
    n = dq_normalize(raw)
    torch.testing.assert_close(n[:, :4].norm(dim=-1), torch.ones(8, dtype=F64))
    dot = (n[:, :4] * n[:, 4:]).sum(-1)
    torch.testing.assert_close(dot, torch.zeros(8, dtype=F64), rtol=0, atol=1e-12)
    torch.testing.assert_close(dq_normalize(n), n)
    R, t = dq_to_rt(raw)
    R2, t2 = dq_to_rt(n)
    torch.testing.assert_close(R2, R)
    torch.testing.assert_close(t2, t)
    # A scaled unit dual quaternion normalises back to itself.
    dq = random_dq(seed)
    torch.testing.assert_close(dq_normalize(3.7 * dq), dq)


@SETTINGS
@given(seeds)
def test_dq_standardize(seed):
    dq = random_dq(seed)
    s = dq_standardize(dq)
    assert (s[:, 0] >= 0).all()
    same_motion(s, dq)
    torch.testing.assert_close(s.abs(), dq.abs())
    torch.testing.assert_close(dq_standardize(-s), s)


def test_dq_identity():
    ident = dq_identity((2, 3), dtype=torch.float32)
    assert ident.shape == (2, 3, 8) and ident.dtype == torch.float32
    torch.testing.assert_close(dq_to_matrix(ident), torch.eye(4).expand(2, 3, 4, 4))
    assert dq_identity(5).shape == (5, 8)


# ---------------------------------------------------------------------------------------------
# Log / exp, screws, interpolation
# ---------------------------------------------------------------------------------------------


@SETTINGS
@given(seeds, st.sampled_from([1.0, 1e-3, 1e-7, 0.0]))
def test_log_exp_round_trip(seed, rot_scale):
    dq = random_dq(seed)
    # Shrink the rotations to probe the small-angle series.
    log = dq_log(dq)
    log = torch.cat([rot_scale * log[:, :3], log[:, 3:]], -1)
    dq = dq_exp(log)
    torch.testing.assert_close(dq[:, :4].norm(dim=-1), torch.ones(8, dtype=F64))
    torch.testing.assert_close(dq_log(dq), log, rtol=0, atol=1e-10)
    torch.testing.assert_close(dq_exp(dq_log(dq)), dq_standardize(dq), rtol=0, atol=1e-12)


@SETTINGS
@given(seeds)
def test_screw_round_trip_from_dq(seed):
    dq = random_dq(seed)
    axis, angle, d, point = dq_to_screw(dq)
    torch.testing.assert_close(axis.norm(dim=-1), torch.ones(8, dtype=F64))
    assert ((angle >= 0) & (angle <= math.pi)).all()
    # The point is the one on the axis nearest the origin.
    torch.testing.assert_close((point * axis).sum(-1), torch.zeros(8, dtype=F64), rtol=0, atol=1e-9)
    # Points on the screw axis slide along it by d.
    on_axis = point + 0.7 * axis
    moved = dq_apply(dq, on_axis[:, None, :])[:, 0]
    torch.testing.assert_close(moved, on_axis + d[:, None] * axis, rtol=0, atol=1e-9)
    same_motion(dq_from_screw(axis, angle, d, point), dq)


@SETTINGS
@given(
    unit_vectors,
    st.floats(0.01, math.pi - 0.01),
    st.floats(-2, 2),
    arrays(np.float64, (3,), elements=st.floats(-3, 3)),
)
def test_screw_round_trip_from_parameters(axis, angle, d, point):
    dq = dq_from_screw(*(torch.tensor(x, dtype=F64) for x in (axis, angle, d, point)))
    axis2, angle2, d2, point2 = dq_to_screw(dq)
    np.testing.assert_allclose(axis2.numpy(), axis, atol=1e-9)
    assert angle2.item() == pytest.approx(angle, abs=1e-9)
    assert d2.item() == pytest.approx(d, abs=1e-9)
    nearest = point - np.dot(point, axis) * axis
    np.testing.assert_allclose(point2.numpy(), nearest, atol=1e-8)


def test_screw_of_pure_translation_and_identity():
    dq = dq_from_rt(torch.eye(3, dtype=F64), torch.tensor([0.0, 0.0, -2.0], dtype=F64))
    axis, angle, d, point = dq_to_screw(dq)
    torch.testing.assert_close(axis, torch.tensor([0.0, 0, -1], dtype=F64))
    assert angle.item() == 0 and d.item() == pytest.approx(2.0)
    torch.testing.assert_close(point, torch.zeros(3, dtype=F64))
    same_motion(dq_from_screw(axis, angle, d, point), dq)

    axis, angle, d, point = dq_to_screw(dq_identity((), dtype=F64))
    assert axis.norm().item() == pytest.approx(1.0)
    assert angle.item() == 0 and d.item() == 0 and point.abs().max().item() == 0


def test_screw_of_hinge_about_offset_axis():
    # Rotation by 90 degrees about the vertical line through (1, 0, 0).
    dq = dq_from_screw(*(torch.tensor(x) for x in ([0.0, 0, 1], math.pi / 2, 0.0, [1.0, 0, 5])))
    moved = dq_apply(dq, torch.tensor([[2.0, 0, 0]]))
    torch.testing.assert_close(moved, torch.tensor([[1.0, 1.0, 0]]))
    axis, angle, d, point = dq_to_screw(dq)
    torch.testing.assert_close(point, torch.tensor([1.0, 0, 0]))
    assert angle.item() == pytest.approx(math.pi / 2) and abs(d.item()) < 1e-6


@SETTINGS
@given(seeds)
def test_sclerp_endpoints_and_constant_screw(seed):
    a, b = random_dq(seed, 1)[0], random_dq(seed + 7, 1)[0]
    s = torch.linspace(0, 1, 6, dtype=F64)[:, None]
    traj = dq_sclerp(a, b, s)
    assert traj.shape == (6, 8)
    torch.testing.assert_close(traj[0], a)
    same_motion(traj[-1], b)
    torch.testing.assert_close(traj[:, :4].norm(dim=-1), torch.ones(6, dtype=F64))

    rel = dq_multiply(dq_conjugate(a), traj)  # each frame relative to a
    axis, angle, d, point = dq_to_screw(rel)
    axis_end, angle_end, d_end, point_end = dq_to_screw(dq_multiply(dq_conjugate(a), b))
    for k in range(1, 6):
        torch.testing.assert_close(axis[k], axis_end, rtol=0, atol=1e-7)
        torch.testing.assert_close(point[k], point_end, rtol=0, atol=1e-6)
    torch.testing.assert_close(angle, s[:, 0] * angle_end, rtol=0, atol=1e-9)
    torch.testing.assert_close(d, s[:, 0] * d_end, rtol=0, atol=1e-9)


def test_sclerp_of_translations_is_linear_and_checks_s():
    a = dq_from_rt(torch.eye(3), torch.tensor([0.0, 0, 0]))
    b = dq_from_rt(torch.eye(3), torch.tensor([2.0, 4, 0]))
    mid = dq_sclerp(a, b, 0.25)
    torch.testing.assert_close(dq_translation(mid), torch.tensor([0.5, 1.0, 0]))
    half = dq_pow(b, torch.tensor([0.5]))
    torch.testing.assert_close(dq_translation(half), torch.tensor([1.0, 2.0, 0]))
    with pytest.raises(ValueError, match=r"\(\.\.\., 1\)"):
        dq_sclerp(a, b, torch.linspace(0, 1, 5))


def test_sclerp_takes_the_shortest_screw():
    a = dq_identity((), dtype=F64)
    # b = rotation by 350 degrees, written with w < 0: the short way is -10 degrees.
    screw = ([0, 0, 1], math.radians(350), 0, [0, 0, 0])
    b = dq_from_screw(*(torch.tensor(x, dtype=F64) for x in screw))
    mid = dq_sclerp(a, b, 0.5)
    axis, angle = quat_to_axis_angle(mid[:4])
    assert math.degrees(angle.item()) == pytest.approx(5.0)
    torch.testing.assert_close(axis, torch.tensor([0.0, 0, -1], dtype=F64))


# ---------------------------------------------------------------------------------------------
# dtypes, gradients, NumPy wrappers
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_gradients_are_finite_at_zero_angle(dtype):
    outputs = {
        "quat_to_axis_angle": lambda x: sum(o.sum() for o in quat_to_axis_angle(x[:4])),
        "matrix_to_quat": lambda x: matrix_to_quat(quat_to_matrix(x[:4])).sum(),
        "dq_normalize": lambda x: dq_normalize(x).sum(),
        "dq_log": lambda x: dq_log(x).sum(),
        "dq_exp": lambda x: dq_exp(x[:6] * 0).sum() + dq_exp(x[2:]).sum(),
        "dq_to_screw": lambda x: sum(o.sum() for o in dq_to_screw(x)),
        "dq_sclerp": lambda x: dq_sclerp(x, x, torch.tensor([[0.3], [0.8]], dtype=dtype)).sum(),
        "dq_apply": lambda x: dq_apply(x, torch.ones(4, 3, dtype=dtype)).sum(),
        "axis_angle_to_quat": lambda x: axis_angle_to_quat(x[1:4] + 1, x[0] - 1).sum(),
    }
    for name, f in outputs.items():
        shift = dq_from_rt(torch.eye(3, dtype=dtype), torch.tensor([0.0, 1.0, 0.0], dtype=dtype))
        for start in (dq_identity((), dtype=dtype), shift):
            x = start.clone().requires_grad_(True)
            f(x).backward()
            assert torch.isfinite(x.grad).all(), name


def test_sclerp_gradient_is_meaningful_at_identity():
    # Near a == b the interpolated translation is s * (relative translation): d/dt = s.
    t = torch.zeros(3, dtype=F64, requires_grad=True)
    a = dq_identity((), dtype=F64)
    qd = torch.cat([torch.zeros(1, dtype=F64), 0.5 * t])
    b = torch.cat([torch.tensor([1.0, 0, 0, 0], dtype=F64), qd])
    dq_translation(dq_sclerp(a, b, 0.3))[0].backward()
    torch.testing.assert_close(t.grad, torch.tensor([0.3, 0, 0], dtype=F64))


@SETTINGS
@given(seeds)
def test_float32_round_trips(seed):
    dq = random_dq(seed, dtype=torch.float32)
    T = dq_to_matrix(dq)
    assert T.dtype == torch.float32
    same_motion(dq_from_matrix(T), dq, atol=1e-5)
    same_motion(dq_from_screw(*dq_to_screw(dq)), dq, atol=1e-4)
    same_motion(dq_exp(dq_log(dq)), dq, atol=1e-5)
    assert dq_sclerp(dq[0], dq[1], torch.tensor([[0.5]])).dtype == torch.float32


def test_numpy_wrappers_are_float64():
    R = Rotation.from_rotvec([0.3, -0.2, 1.0]).as_matrix()
    T = np.eye(4)
    T[:3, :3], T[:3, 3] = R, [1, 2, 3]
    dq = np_dq_from_matrix(T)
    assert isinstance(dq, np.ndarray) and dq.dtype == np.float64 and dq.shape == (8,)
    np.testing.assert_allclose(np_dq_to_matrix(dq), T, atol=1e-14)
    pts = np.arange(12).reshape(4, 3)  # integers are accepted
    out = np_dq_apply(dq, pts)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, pts @ R.T + [1, 2, 3], atol=1e-12)
    batch = np_dq_from_matrix(np.stack([T, np.eye(4)]))
    assert batch.shape == (2, 8)
    np.testing.assert_allclose(batch[1], [1, 0, 0, 0, 0, 0, 0, 0])
