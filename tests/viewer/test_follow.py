"""Drag following and the camera, without a window: the part lands exactly under the cursor."""

from __future__ import annotations

import numpy as np
import pytest

from dragmesh.geometry.joints import Joint
from viewer.camera import OrbitCamera
from viewer.follow import DragFollower, prismatic_offset, revolute_angle, wrap_angle


@pytest.fixture
def camera():
    cam = OrbitCamera(width=900, height=700)
    cam.fit(np.array([-0.5, 0.0, -0.4]), np.array([0.5, 1.0, 0.4]))
    return cam


def test_ray_and_projection_agree(camera):
    rng = np.random.default_rng(0)
    for p in rng.uniform(-0.5, 0.5, size=(20, 3)) + [0, 0.5, 0]:
        pixel = camera.project(p[None])[0]
        o, d = camera.ray(*pixel)
        t = float((p - o) @ d)
        assert np.linalg.norm(o + t * d - p) < 1e-9


@pytest.mark.parametrize("value", [-0.2, 0.05, 0.3])
def test_prismatic_follows_exactly(camera, value):
    joint = Joint("prismatic", [0.0, 0.0, 1.0], [0.0, 0.3, 0.4])
    grab = np.array([0.1, 0.3, 0.4])
    follower = DragFollower(joint, 0.0, grab)
    target = joint.apply(grab[None], value)[0]
    got = follower.value(*camera.ray(*camera.project(target[None])[0]))
    assert got == pytest.approx(value, abs=1e-9)
    assert np.allclose(follower.point(got), target)


@pytest.mark.parametrize("value", [-1.0, 0.4, 1.5, 2.9])
def test_revolute_follows_exactly(camera, value):
    joint = Joint("revolute", [0.0, 1.0, 0.0], [-0.5, 0.5, 0.4])
    grab = np.array([0.3, 0.7, 0.4])
    follower = DragFollower(joint, 0.0, grab)
    # Walk there so the angle unwraps continuously, as a real drag does.
    for v in np.linspace(0, value, 12)[1:]:
        target = joint.apply(grab[None], v)[0]
        got = follower.value(*camera.ray(*camera.project(target[None])[0]))
    assert got == pytest.approx(value, abs=1e-9)


def test_revolute_passes_half_turn_continuously(camera):
    joint = Joint("revolute", [0.0, 1.0, 0.0], [0.0, 0.5, 0.0])
    grab = np.array([0.4, 0.6, 0.0])
    follower = DragFollower(joint, 0.0, grab)
    values = []
    for v in np.linspace(0, 4.0, 40):
        target = joint.apply(grab[None], v)[0]
        values.append(follower.value(*camera.ray(*camera.project(target[None])[0])))
    assert values[-1] == pytest.approx(4.0, abs=1e-9)  # past pi, no jump back to -2.28
    assert np.all(np.diff(values) > 0)


def test_limits_clamp_and_start_value(camera):
    joint = Joint("prismatic", [1.0, 0.0, 0.0], [0.0, 0.5, 0.0], limits=(0.0, 0.25))
    grab = joint.apply(np.array([[0.0, 0.5, 0.3]]), 0.1)[0]  # the part is already out by 0.1
    follower = DragFollower(joint, 0.1, grab)
    far = joint.apply(grab[None], 0.5)[0]
    assert follower.value(*camera.ray(*camera.project(far[None])[0])) == pytest.approx(0.25)
    back = joint.apply(grab[None], -0.5)[0]
    assert follower.value(*camera.ray(*camera.project(back[None])[0])) == pytest.approx(0.0)


def test_degenerate_rays_keep_the_last_value():
    a = np.array([0.0, 0.0, 1.0])
    assert prismatic_offset(a, np.zeros(3), np.array([0, 0, 5.0]), -a) is None  # looking down the slide
    assert revolute_angle(np.array([0, 1.0, 0]), np.zeros(3), np.array([1.0, 0, 0]), np.array([0, 0, 5.0]),
                          np.array([0, 0, -1.0])) is None  # plane seen edge-on
    joint = Joint("prismatic", a, np.zeros(3))
    follower = DragFollower(joint, 0.0, np.zeros(3))
    follower.value(np.array([0.0, 1.0, 0.3]), np.array([0.0, -1.0, 0.0]))
    assert follower.value(np.array([0, 0, 5.0]), -a) == pytest.approx(0.3)


def test_edge_on_revolute_uses_the_screen(camera):
    camera.pitch = 0.0  # eye level: the plane of a vertical hinge's circle is edge-on
    joint = Joint("revolute", [0.0, 1.0, 0.0], [-0.4, 0.5, 0.2])
    grab = camera.target.copy()
    grab[1] = camera.eye[1]
    follower = DragFollower(joint, 0.0, grab)
    target = joint.apply(grab[None], 0.5)[0]
    pixel = camera.project(target[None])[0]
    got = follower.value(*camera.ray(*pixel), cursor=pixel, project=camera.project)
    assert np.linalg.norm(camera.project(follower.point(got)[None])[0] - pixel) < 1.0


def test_wrap_angle():
    assert wrap_angle(np.pi) == pytest.approx(np.pi)
    assert wrap_angle(-np.pi) == pytest.approx(np.pi)
    assert wrap_angle(3 * np.pi / 2) == pytest.approx(-np.pi / 2)
