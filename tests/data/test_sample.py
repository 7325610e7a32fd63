"""Ground truth of generated samples, for every registered category: the part, the trajectory's
end point, the normalisation round trip, the sign convention, determinism."""

import numpy as np
import pytest

from dragmesh.data.generator import GeneratorConfig, object_samples, registered_categories
from dragmesh.data.sample import TYPE_REVOLUTE, make_sample
from dragmesh.errors import PartError
from dragmesh.geometry.dualquat import np_dq_apply, np_dq_to_matrix
from dragmesh.geometry.joints import Joint

CATEGORIES = sorted(registered_categories())
CONFIG = GeneratorConfig(n_points=256, frames=8, samples_per_object=3, keep_mesh=True)


@pytest.fixture(scope="module")
def samples():
    """A few samples of two objects per category."""
    return {c: object_samples(c, 11, 3, CONFIG) + object_samples(c, 12, 3, CONFIG) for c in CATEGORIES}


def _end(dq, point):
    return np_dq_apply(np.asarray(dq, np.float64), np.asarray(point, np.float64)[None])[0]


def test_every_split_category_is_registered():
    from dragmesh.data.splits import ALL_CATEGORIES

    assert len(ALL_CATEGORIES) >= 20
    assert set(CATEGORIES) >= {"Door", "Window", "Suitcase", "Toilet", "Bucket", "KitchenPot", "Printer", "Toaster"}


@pytest.mark.parametrize("category", CATEGORIES)
def test_part_is_a_proper_subset(samples, category):
    for s in samples[category]:
        assert s.moving_faces.any() and not s.moving_faces.all()
        assert 0 < s.mask.sum() < len(s.mask)
        assert s.points.shape == (256, 3) and s.points.dtype == np.float32
        assert s.traj.shape == (8, 8) and s.values.shape == (8,)
        # The model frame is unit-sized around the bounding-box centre.
        assert np.abs(s.points).max() <= 0.5 + 1e-4


@pytest.mark.parametrize("category", CATEGORIES)
def test_trajectory_moves_the_drag_point_along_the_drag(samples, category):
    for s in samples[category]:
        p, scale = s.drag_point.astype(np.float64), 1e-4 + 1e-3 * np.linalg.norm(s.drag_vector_exact)
        # Frame 0 is the identity; the exact drag is exactly the chord of the last frame.
        np.testing.assert_allclose(_end(s.traj_exact[0], p), p, atol=1e-5)
        np.testing.assert_allclose(_end(s.traj_exact[-1], p), p + s.drag_vector_exact, atol=1e-4 + scale)
        # The person-like drag ends at the exact drag projection of that drag (clamped).
        j = s.joint()
        expect = j.drag_value(p, s.drag_vector.astype(np.float64), clamp=True)
        assert s.values[-1] == pytest.approx(expect, abs=1e-4)
        np.testing.assert_allclose(s.traj[-1], j.dual_quaternions(float(s.values[-1])), atol=1e-5)
        # Values are linear from 0 to the final value.
        np.testing.assert_allclose(s.values, np.linspace(0, s.values[-1], len(s.values)), atol=1e-6)


@pytest.mark.parametrize("category", CATEGORIES)
def test_sign_convention(samples, category):
    for s in samples[category]:
        assert s.values[-1] > 0 and s.values_exact[-1] > 0
        p = s.drag_point.astype(np.float64)
        assert (_end(s.traj[-1], p) - p) @ s.drag_vector > 0
        lo, hi = s.joint_limits
        if np.isfinite(lo):
            assert lo <= 1e-6 and hi >= s.values[-1] - 1e-5 and hi >= s.values_exact[-1] - 1e-5


@pytest.mark.parametrize("category", CATEGORIES)
def test_ground_truth_survives_the_normalisation_round_trip(samples, category):
    for s in samples[category]:
        norm = s.normalization
        back = norm.joint_from_model(s.joint())
        mesh_joint = s.joint_mesh()
        np.testing.assert_allclose(back.axis, mesh_joint.axis, atol=1e-5)
        np.testing.assert_allclose(back.origin, mesh_joint.origin, atol=1e-5 * s.norm_scale)
        if mesh_joint.limits is not None:
            np.testing.assert_allclose(back.limits, mesh_joint.limits, atol=1e-5 * (1 if s.joint_type == TYPE_REVOLUTE else s.norm_scale))
        # The model-frame trajectory, mapped back, moves the mesh's drag point as the mesh joint does.
        T = norm.transform_from_model(np_dq_to_matrix(s.traj.astype(np.float64)))
        p = s.drag_point_mesh
        ends = T[:, :3, :3] @ p + T[:, :3, 3]
        expect = np.stack([mesh_joint.apply(p[None], v)[0] for v in s.values_mesh])
        np.testing.assert_allclose(ends, expect, atol=1e-4 * s.norm_scale)
        np.testing.assert_allclose(norm.to_model(s.drag_point_mesh), s.drag_point, atol=1e-5)
        # The drag point lies on the moving part.
        assert _distance_to_part(s) < 1e-6 * s.norm_scale + 1e-9


def _distance_to_part(s):
    from dragmesh.geometry.triangles import closest_point_on_triangles

    tri = s.vertices[s.faces[s.moving_faces]]
    return float(np.linalg.norm(closest_point_on_triangles(tri, s.drag_point_mesh) - s.drag_point_mesh))


def test_samples_are_deterministic():
    for c in CATEGORIES[:4]:
        a, b = object_samples(c, 5, 2, CONFIG), object_samples(c, 5, 2, CONFIG)
        for x, y in zip(a, b):
            for k, v in x.to_dict(with_mesh=True).items():
                np.testing.assert_array_equal(v, y.to_dict(with_mesh=True)[k])
    assert not np.array_equal(object_samples(CATEGORIES[0], 6, 1, CONFIG)[0].points, a[0].points)


def _door():
    """A box with a thin door: vertices, faces, labels, door hinge on the left front edge."""
    import trimesh

    body = trimesh.creation.box((0.5, 0.8, 0.4))
    door = trimesh.creation.box((0.48, 0.78, 0.02))
    door.apply_translation((0, 0, 0.21))
    v = np.concatenate([body.vertices, door.vertices])
    f = np.concatenate([body.faces, door.faces + len(body.vertices)])
    labels = np.r_[np.zeros(len(body.faces), int), np.ones(len(door.faces), int)]
    # -Y: a positive angle swings the free edge (+x of the hinge) out to +z.
    return v, f, labels, Joint("revolute", (0, -1, 0), (-0.24, 0.3, 0.22), (0.0, np.deg2rad(110)))


def test_make_sample_on_raw_arrays():
    v, f, labels, joint = _door()
    rng = np.random.default_rng(0)
    for _ in range(20):
        s = make_sample(v, f, labels, 1, joint, 0.0, np.array([[0.2, 0.0, 0.23]]), (0, 1, 0), rng, 128, 4)
        # Canonical pivot: the axis point nearest the door's centroid (0, 0, 0.21).
        np.testing.assert_allclose(s.joint_origin_mesh, (-0.24, 0.0, 0.22), atol=1e-9)
        # From closed, the door can only open: the canonical axis is the opening one.
        assert s.joint_axis_mesh @ np.array([0, 1, 0]) == pytest.approx(-1.0)
        assert s.joint_limits_mesh[0] == pytest.approx(0.0) and s.joint_limits_mesh[1] == pytest.approx(np.deg2rad(110))


def test_make_sample_rejects_bad_parts():
    v, f, labels, joint = _door()
    rng = np.random.default_rng(0)
    with pytest.raises(PartError):
        make_sample(v, f, labels, 7, joint, 0.0, None, (0, 1, 0), rng)
    with pytest.raises(PartError):
        make_sample(v, f, labels, [0, 1], joint, 0.0, None, (0, 1, 0), rng)


def test_unknown_limits_are_nan_and_respect_up():
    v, f, labels, joint = _door()
    joint = Joint("prismatic", (0, 0, 1), (0, 0, 0.21), None)
    rng = np.random.default_rng(1)
    # The same object with +Z up: model frame points are the +Y-up ones.
    R = np.array([[1.0, 0, 0], [0, 0, -1], [0, 1, 0]])  # +Y -> +Z
    s = make_sample(v @ R.T, f, labels, 1, Joint("prismatic", R @ joint.axis, R @ joint.origin), 0.0, None, (0, 0, 1), rng, 64, 4)
    assert np.isnan(s.joint_limits).all() and np.isnan(s.joint_limits_mesh).all()
    assert abs(s.joint_axis[2]) == pytest.approx(1.0, abs=1e-6)  # the slide is horizontal in the model frame
    # The 0.8 m height (the largest extent) is the model's vertical: y spans 1, x spans 0.5 / 0.8.
    span = s.points.max(axis=0) - s.points.min(axis=0)
    assert span[1] == pytest.approx(1.0, abs=0.03) and span[0] == pytest.approx(0.625, abs=0.03)
