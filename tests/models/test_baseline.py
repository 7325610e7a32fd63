"""The geometric baseline on hand-made parts whose joints are known."""

import numpy as np

from dragmesh.models.baseline import GeometricJointPredictor, min_area_rectangle, part_frame


def cabinet_with_door(yaw_deg=0.0, seed=0):
    """A box body and a square door plate on its front (+Z) face, yawed about +Y."""
    rng = np.random.default_rng(seed)
    body = rng.uniform([-0.5, -0.5, -0.3], [0.5, 0.5, 0.3], (3000, 3))
    door = np.c_[rng.uniform(-0.45, 0.45, 800), rng.uniform(-0.45, 0.45, 800), rng.uniform(0.3, 0.32, 800)]
    t = np.radians(yaw_deg)
    rot = np.array([[np.cos(t), 0, np.sin(t)], [0, 1, 0], [-np.sin(t), 0, np.cos(t)]])
    pts = np.r_[body, door] @ rot.T
    mask = np.r_[np.zeros(len(body), bool), np.ones(len(door), bool)]
    return pts, mask, rot


def test_min_area_rectangle_finds_the_sides_of_a_rotated_square():
    t = np.radians(30)
    square = np.array([[x, y] for x in (-1, 1) for y in (-1, 1)], float) @ np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]).T
    d = min_area_rectangle(square)
    angle = np.degrees(np.arctan2(d[1], d[0])) % 90
    assert min(abs(angle - 30), abs(angle - 120) % 90) < 1e-6


def test_part_frame_of_a_plate_has_its_normal_last():
    pts, mask, rot = cabinet_with_door(yaw_deg=25)
    _, axes, ext = part_frame(pts[mask])
    assert ext[2] < 0.1 * ext[1]
    assert abs(abs(axes[2] @ (rot @ [0, 0, 1.0])) - 1) < 1e-3


def test_door_dragged_out_at_its_right_edge_hinges_on_its_left_edge():
    for yaw in (0.0, 40.0, 200.0):
        pts, mask, rot = cabinet_with_door(yaw_deg=yaw)
        p = rot @ np.array([0.4, 0.0, 0.32])
        v = rot @ np.array([0.05, 0.0, 0.2])
        pred = GeometricJointPredictor().predict(pts, mask, p, v)
        j = pred.joint
        assert j.type == "revolute" and pred.type_probability > 0.5
        assert abs(abs(j.axis[1]) - 1) < 1e-3  # vertical hinge
        hinge = rot.T @ j.origin
        assert abs(hinge[0] + 0.45) < 0.03 and abs(hinge[2] - 0.30) < 0.03
        # The sign rule: a positive value moves the grabbed point along the drag.
        moved = j.apply(p[None], 0.1)[0] - p
        assert moved @ v > 0


def test_plate_dragged_in_its_plane_slides():
    pts, mask, _ = cabinet_with_door()
    pred = GeometricJointPredictor().predict(pts, mask, np.array([0.4, 0.0, 0.32]), np.array([0.3, 0.0, 0.0]))
    assert pred.joint.type == "prismatic"
    assert pred.joint.axis @ np.array([1.0, 0, 0]) > 0.999


def test_min_area_rectangle_ignores_hull_edges_between_coincident_points():
    from dragmesh.models.baseline import min_area_rectangle

    # A square turned 30°, with a corner repeated a hair off itself (a round part's hull has such
    # pairs): a zero-length edge has no direction and must not win with a tiny "area".
    t = np.deg2rad(30.0)
    rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    square = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]) @ rot.T
    pts = np.concatenate([square, square[:1] + [1e-14, 0.0], np.random.default_rng(0).uniform(0.2, 0.8, (20, 2)) @ rot.T])
    d = min_area_rectangle(pts)
    assert abs(np.linalg.norm(d) - 1.0) < 1e-12
    assert max(abs(d @ rot[:, 0]), abs(d @ rot[:, 1])) > 0.999999  # along a side
