"""The hand-held and desk categories (categories/world_handheld.py): well-formed objects of real
sizes resting on the table, joints that move their parts the right way without them flying off or
passing through the body, light keyboards, determinism, and samples for every seed."""

import numpy as np
import pytest

from dragmesh.data.categories.assembly import joint_matrix
from dragmesh.data.generator import build_object, object_sample
from dragmesh.geometry.triangles import closest_point_on_triangles
from object_checks import (
    check_openers_stay_out,
    check_well_formed,
    closed_vertices,
    extent_ranges,
    line_distance,
    parents,
    subtree,
    subtree_triangles,
)

# Largest extent of the closed object, metres (docs/categories_world_handheld.md).
SIZES = extent_ranges("Keyboard", "Mouse", "Pen", "Phone", "Pliers", "Remote", "Scissors", "Stapler", "Switch", "USB",
                      "Lighter")
CATEGORIES = sorted(SIZES)
SEEDS = range(8)
# Parts that swing or slide far (lids, arms, blades, covers): they must not pass through the body.
# (Keys and push buttons sink into the face they stand on: their holes are not modelled.)
OPENERS = ("lid", "cover", "arm", "blade", "handle", "slider", "cap", "connector", "rocker", "toggle", "foot", "lever",
           "button_left", "button_right")


@pytest.mark.parametrize("category", CATEGORIES)
def test_objects_are_well_formed(category):
    for seed in SEEDS:
        obj = build_object(category, seed)
        check_well_formed(obj, category, seed, grasp_tol=0.003)
        for i in obj.movable():
            p = obj.parts[i]
            if p.joint.limits is None:
                continue
            lo, hi = p.joint.limits
            if p.joint.type == "revolute":
                assert hi - lo <= np.pi + 1e-9, (seed, p.name)
            else:  # small objects: slides of millimetres to a few centimetres
                assert 0.0003 <= hi - lo <= 0.06, (seed, p.name, hi - lo)


@pytest.mark.parametrize("category", CATEGORIES)
def test_real_sizes_resting_on_the_table(category):
    lo, hi = SIZES[category]
    for seed in range(20):
        obj = build_object(category, seed)
        v = np.concatenate(closed_vertices(obj))
        size = np.ptp(v, axis=0)
        assert lo <= size.max() <= hi, (seed, size)
        assert abs(v[:, 1].min()) < 1e-6, (seed, "not on the table")
        assert np.abs(v[:, [0, 2]].max(0) + v[:, [0, 2]].min(0)).max() < 0.6 * size.max()  # roughly centred


@pytest.mark.parametrize("category", CATEGORIES)
def test_joints_stay_attached(category):
    for seed in SEEDS:
        obj = build_object(category, seed)
        base = obj.parts[0].vertices
        for i in obj.movable():
            p = obj.parts[i]
            j = p.joint
            v = np.concatenate([obj.parts[k].vertices for k in subtree(obj, i)])
            tri = subtree_triangles(obj, i)
            diag = np.linalg.norm(np.ptp(v, axis=0))
            if j.type == "revolute":
                # The axis runs through the part (its pivot, pin or hinge knuckle): some point of the
                # axis line within the part's extent along it lies on or next to its surface.
                s = (v - j.origin) @ j.axis
                line = j.origin + np.outer(np.linspace(s.min(), s.max(), 9), j.axis)
                gap = min(np.linalg.norm(closest_point_on_triangles(tri, q) - q) for q in line)
                assert gap < 0.05 * diag + 0.001, (seed, p.name, gap)
            lo, hi = j.limits if j.limits is not None else (0.0, 2 * np.pi)
            for target in (lo, hi):
                T = joint_matrix(j, target - p.value)
                moved = v @ T[:3, :3].T + T[:3, 3]
                if j.type == "revolute":
                    # The points nearest the axis barely move over the whole range.
                    dist = line_distance(v, j)
                    near = dist < dist.min() + 0.001
                    assert np.linalg.norm(moved[near] - v[near], axis=1).max() < 0.003 + 2 * dist.min(), (seed, p.name)
                else:
                    # A slide stays engaged with the body: its box still overlaps (or, stacked on
                    # it, touches) the body's box.
                    lo_ok, hi_ok = moved.min(0) < base.max(0) + 0.001, moved.max(0) > base.min(0) - 0.001
                    assert lo_ok.all() and hi_ok.all(), (seed, p.name)


@pytest.mark.parametrize("category", CATEGORIES)
def test_moving_parts_do_not_pass_through_the_body(category):
    check_openers_stay_out(category, range(3), OPENERS)


@pytest.mark.parametrize("category", CATEGORIES)
def test_deterministic_and_varied(category):
    a, b = build_object(category, 3), build_object(category, 3)
    assert len(a.parts) == len(b.parts)
    for p, q in zip(a.parts, b.parts):
        assert p.name == q.name and np.array_equal(p.vertices, q.vertices) and np.array_equal(p.faces, q.faces)
        assert p.value == q.value
    shapes = {tuple(np.round(np.ptp(build_object(category, s).to_arrays()[0], axis=0), 3)) for s in range(6)}
    assert len(shapes) >= 5


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_seed_samples(category):
    for seed in range(50):
        s = object_sample(category, seed)
        assert s.category == category and s.mask.sum() > 0
        assert np.isfinite(s.points).all() and np.isfinite(s.traj).all()
        assert np.linalg.norm(s.joint_axis_mesh) == pytest.approx(1.0)
        assert s.values_mesh[-1] >= 0.0 and np.isfinite(s.values_mesh).all()
        if np.isfinite(s.joint_limits_mesh).all():
            assert s.joint_limits_mesh[0] - 1e-9 <= s.values_mesh[-1] <= s.joint_limits_mesh[1] + 1e-9


def test_keyboards_have_many_light_keys():
    layouts = set()
    for seed in range(12):
        obj = build_object("Keyboard", seed)
        layouts.add(obj.meta["layout"])
        keys = [p for p in obj.parts if p.name.startswith(("key_", "space_bar"))]
        assert len(keys) >= 13 and all(len(p.faces) <= 24 for p in keys)
        assert 300 <= sum(len(p.faces) for p in obj.parts) <= 8000
        n = keys[0].joint.axis
        for k in keys:  # every key presses 2-4 mm along the deck's inward normal
            assert k.joint.type == "prismatic" and np.allclose(k.joint.axis, n)
            assert 0.002 <= k.joint.limits[1] <= 0.004
        assert n[1] < -0.99
        if obj.meta["layout"] != "numpad":
            space = obj.parts[[p.name for p in obj.parts].index("space_bar")]
            assert np.ptp(space.vertices[:, 0]) > 3 * np.ptp(keys[1].vertices[:, 0])
    assert len(layouts) >= 3


def _main(obj, prefix):
    return [obj.parts[i] for i in obj.movable() if obj.parts[i].name.startswith(prefix)]


def test_hinges_and_pivots_run_the_right_way():
    # (category, part prefix, axis index, largest range in degrees (None: prismatic)).
    checks = [
        ("Scissors", "blade", 1, 65.0),  # normal to the blade plane
        ("Pliers", "handle", 1, 45.0),
        ("Stapler", "arm", 0, 180.0),  # across the stapler, at its back
        ("Mouse", "wheel", 0, None),
        ("Lighter", "lid", 2, 125.0),
        ("Phone", "lid", 0, 165.0),
        ("USB", "cover", 1, 180.0),
        ("Switch", "rocker", 0, 15.0),
    ]
    for category, prefix, axis, max_deg in checks:
        seen = 0
        for seed in range(20):
            for p in _main(build_object(category, seed), prefix):
                seen += 1
                j = p.joint
                assert j.type == "revolute" and abs(j.axis[axis]) == pytest.approx(1.0), (category, seed)
                if max_deg is not None:
                    assert np.rad2deg(j.limits[1] - j.limits[0]) <= 2 * max_deg + 1e-6
                    assert np.rad2deg(max(abs(j.limits[0]), abs(j.limits[1]))) <= max_deg + 1e-6
        assert seen, (category, prefix)


def test_slides_run_along_the_long_axis():
    slides = (("Pen", "cap", 0), ("Pen", "button", 0), ("USB", "connector", 2), ("USB", "cap", 2),
              ("Phone", "slider", 2))
    for category, prefix, axis in slides:
        seen = 0
        for seed in range(30):
            for p in _main(build_object(category, seed), prefix):
                seen += 1
                assert p.joint.type == "prismatic" and abs(p.joint.axis[axis]) == pytest.approx(1.0)
        assert seen, (category, prefix)


def test_flip_phones_and_scissors_rest_open_sometimes():
    phones = [build_object("Phone", s) for s in range(30)]
    lids = [p.value for o in phones for p in _main(o, "lid")]
    assert any(v == 0.0 for v in lids) and any(v > np.deg2rad(120) for v in lids)
    blades = [_main(build_object("Scissors", s), "blade")[0].value for s in range(12)]
    assert any(v == 0.0 for v in blades) and any(v > 0.2 for v in blades)


def test_a_stapler_cover_rides_on_its_arm():
    found = False
    for seed in range(30):
        obj = build_object("Stapler", seed)
        par = parents(obj)
        if not par:
            continue
        found = True
        names = [p.name for p in obj.parts]
        assert par == {names.index("cover"): names.index("arm")}
        arm, cover = obj.parts[names.index("arm")], obj.parts[names.index("cover")]
        # The cover's hinge is parallel to the arm's, wherever the arm rests.
        assert abs(abs(arm.joint.axis @ cover.joint.axis) - 1.0) < 1e-9
    assert found
