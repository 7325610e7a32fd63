"""The bathroom, appliance and architecture categories: structure, joints, grasp points, sizes."""

import numpy as np
import pytest

from dragmesh.data.categories.assembly import joint_matrix
from dragmesh.data.generator import build_object
from dragmesh.geometry.triangles import closest_point_on_triangles
from object_checks import extent_ranges, subtree_triangles

# name: (smallest, largest) overall size in metres
CATEGORIES = extent_ranges("Toilet", "Bucket", "KitchenPot", "Kettle", "Bottle", "Printer", "Toaster", "CoffeeMachine",
                           "Faucet", "AppliancePanel", "Door", "Window", "Suitcase")
SEEDS = range(12)


@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_objects_are_well_formed(category):
    lo_size, hi_size = CATEGORIES[category]
    for seed in SEEDS:
        obj = build_object(category, seed)
        assert obj.category == category
        assert obj.parts[0].joint is None and len(obj.movable()) >= 1
        v, f, labels = obj.to_arrays()
        assert np.isfinite(v).all() and f.min() >= 0 and f.max() < len(v)
        size = v.max(0) - v.min(0)
        assert lo_size <= size.max() <= hi_size, (seed, size)
        assert v[:, 1].min() > -1e-6  # standing on the floor
        for i in obj.movable():
            p = obj.parts[i]
            assert len(p.faces) > 0
            j = p.joint
            if j.limits is not None:
                assert j.limits[0] - 1e-9 <= p.value <= j.limits[1] + 1e-9
            # Grasp points are on (or just off) the part a person would drag.
            if p.grasp is not None:
                tri = subtree_triangles(obj, i)
                part_diag = np.linalg.norm(tri.reshape(-1, 3).max(0) - tri.reshape(-1, 3).min(0))
                for g in p.grasp:
                    d = np.linalg.norm(closest_point_on_triangles(tri, g) - g)
                    assert d <= 0.25 * part_diag + 0.01, (seed, p.name, d)


@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_objects_vary_with_the_seed(category):
    sizes = {tuple(np.round(np.ptp(build_object(category, s).to_arrays()[0], axis=0), 3)) for s in range(6)}
    assert len(sizes) >= 5


def test_both_joint_types_and_many_hinge_directions():
    types, axes = set(), []
    for category in CATEGORIES:
        for seed in range(6):
            obj = build_object(category, seed)
            for i in obj.movable():
                types.add(obj.parts[i].joint.type)
                axes.append(obj.parts[i].joint.axis)
    assert types == {"revolute", "prismatic"}
    axes = np.abs(np.array(axes))
    # Vertical, front-back and left-right axes all occur.
    for k in range(3):
        assert (axes[:, k] > 0.95).sum() >= 5


def test_door_opens_away_from_its_frame_and_carries_its_handle():
    for seed in range(10):
        obj = build_object("Door", seed)
        parents = obj.meta.get("parents", {})
        for i in obj.movable():
            p = obj.parts[i]
            if not p.name.startswith("leaf") or p.joint.type != "revolute":
                continue
            # The free edge moves out of the door plane (along z) when the leaf opens.
            far = p.vertices[np.argmax(np.linalg.norm(np.cross(p.vertices - p.joint.origin, p.joint.axis), axis=1))]
            lo, hi = p.joint.limits
            T = joint_matrix(p.joint, hi - p.value)
            moved = T[:3, :3] @ far + T[:3, 3]
            assert abs(moved[2]) > 0.5
            handles = [int(c) for c, q in parents.items() if int(q) == i]
            assert handles and obj.parts[handles[0]].name.startswith("handle")
            # The handle sits on the side away from the hinge.
            h = obj.parts[handles[0]].vertices.mean(0)
            closed = np.linalg.inv(joint_matrix(p.joint, p.value))
            h0 = closed[:3, :3] @ h + closed[:3, 3]
            assert abs(h0[0] - p.joint.origin[0]) > 0.4


def test_toilet_seat_and_lid_share_the_back_hinge_and_lift_up():
    for seed in range(6):
        obj = build_object("Toilet", seed)
        parts = {p.name: p for p in obj.parts}
        seat, lid = parts["seat"].joint, parts["lid"].joint
        assert abs(seat.axis[0]) == pytest.approx(1.0) and abs(lid.axis[0]) == pytest.approx(1.0)
        p = parts["lid"]
        T = joint_matrix(lid, np.deg2rad(60) - p.value)
        front = p.vertices[np.argmax(p.vertices[:, 2])]
        assert (T[:3, :3] @ front + T[:3, 3])[1] > front[1] or p.value > 0.5


def test_kitchen_pot_lid_lifts_straight_up():
    for seed in range(6):
        j = build_object("KitchenPot", seed).parts[1].joint
        assert j.type == "prismatic" and j.axis @ np.array([0, 1, 0]) == pytest.approx(1.0)
