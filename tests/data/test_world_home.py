"""The household categories of the wider world (Chair, FoldingChair, Cart, Display, Lamp, Fan, Globe,
Clock, Camera, Dispenser, Eyeglasses, Knife): structure, sizes, joints that stay attached and move
the right way, kinematic trees, samples for many seeds, determinism."""

import numpy as np
import pytest

from dragmesh.data.categories.assembly import joint_matrix
from dragmesh.data.generator import build_object, object_sample
from object_checks import check_well_formed, extent_ranges, line_distance, parents, posed, share_inside, surface_points

# Largest extent of the object at rest, metres (real sizes, widened by open parts and handles).
SIZES = extent_ranges("Chair", "FoldingChair", "Cart", "Display", "Lamp", "Fan", "Globe", "Clock", "Camera",
                      "Dispenser", "Eyeglasses", "Knife")
CATEGORIES = sorted(SIZES)
SEEDS = range(10)
# Small controls that press into or turn on the body (their own tests cover them).
CONTROLS = ("button", "knob", "switch", "shutter", "mode_dial", "power_button", "alarm_button")


def _range(joint):
    if joint.limits is not None:
        return joint.limits
    return (0.0, 2 * np.pi / 3) if joint.type == "revolute" else (0.0, 0.05)


def _surface(v, f, n=1500, seed=0):
    """Area-weighted points (n, 3) on a mesh and its vertices (a line through a face's middle is far
    from the face's corners)."""
    return np.concatenate([v, surface_points(v, f, n, np.random.default_rng(seed))])


@pytest.mark.parametrize("category", CATEGORIES)
def test_objects_are_well_formed(category):
    for seed in SEEDS:
        obj = build_object(category, seed)
        _, f = check_well_formed(obj, category, seed, grasp_tol=0.02)
        assert 100 <= len(f) <= 30000, (seed, len(f))
        for c, p in parents(obj).items():
            assert 0 < p < c < len(obj.parts) and obj.parts[p].joint is not None
        for i in obj.movable():
            p = obj.parts[i]
            j = p.joint
            if j.limits is not None:
                lo, hi = j.limits
                assert hi - lo <= (2 * np.pi + 1e-9 if j.type == "revolute" else 0.5), (seed, p.name)


@pytest.mark.parametrize("category", CATEGORIES)
def test_sizes_and_floor(category):
    lo, hi = SIZES[category]
    for seed in SEEDS:
        v = build_object(category, seed).to_arrays()[0]
        assert v[:, 1].min() > -1e-6, (seed, "below the floor")
        assert v[:, 1].min() < 0.02, (seed, "floating")
        assert lo <= np.ptp(v, axis=0).max() <= hi, (seed, np.ptp(v, axis=0))


@pytest.mark.parametrize("category", CATEGORIES)
def test_joints_stay_attached(category):
    """A revolute joint's axis runs through its part (a hinge pin, a knuckle, a hub) or, for a ring,
    through the ring's centre, and the points nearest it barely move; a slide stays engaged with
    its carrier; a carried part's joint sits on its carrier, wherever the carrier is posed."""
    for seed in SEEDS:
        obj = build_object(category, seed)
        par = parents(obj)
        for i in obj.movable():
            p = obj.parts[i]
            j = p.joint
            v = _surface(p.vertices, p.faces)
            diag = np.linalg.norm(np.ptp(v, axis=0))
            lo, hi = _range(j)
            cp = obj.parts[par.get(i, 0)]
            carrier = _surface(cp.vertices, cp.faces)
            for target in (lo, hi):
                T = joint_matrix(j, target - p.value)
                moved = v @ T[:3, :3].T + T[:3, 3]
                if j.type == "revolute":
                    dist = line_distance(v, j)
                    ring = np.linalg.norm(np.cross(v.mean(0) - j.origin, j.axis)) < 0.05 * diag
                    assert dist.min() < 0.005 + 0.05 * diag or ring, (seed, p.name, dist.min())
                    if not ring and not p.name.startswith(CONTROLS):
                        near = dist < dist.min() + 0.003
                        assert np.linalg.norm(moved[near] - v[near], axis=1).max() < 0.006 + 2 * dist.min(), (
                            seed,
                            p.name,
                        )
                else:
                    assert (moved.min(0) < carrier.max(0) + 0.002).all() and (
                        moved.max(0) > carrier.min(0) - 0.002
                    ).all(), (
                        seed,
                        p.name,
                    )
                # Nothing flies off: the part stays within reach of where it was.
                assert (
                    np.linalg.norm(moved - v, axis=1).max() < 2.0 * np.linalg.norm(v - j.origin, axis=1).max() + 0.3
                ), (seed, p.name)
            if i in par:
                c_diag = np.linalg.norm(np.ptp(carrier, axis=0))
                assert line_distance(carrier, j).min() < 0.01 + 0.05 * c_diag, (seed, p.name, obj.parts[par[i]].name)


@pytest.mark.parametrize("category", CATEGORIES)
def test_moving_parts_do_not_pass_through_the_body(category):
    """Over its range, a part sinks no deeper into the base than it already sits (pins in holes,
    pistons in their cylinders are inside at every pose)."""
    rng = np.random.default_rng(0)
    for seed in range(3):
        obj = build_object(category, seed)
        bv, bf = obj.parts[0].vertices, obj.parts[0].faces
        for i in obj.movable():
            p = obj.parts[i]
            # Slides may run into their sleeves (a piston, a telescopic pole, a lens barrel).
            if (
                p.joint.type != "revolute"
                or p.name.startswith(CONTROLS)
                or np.linalg.norm(np.ptp(p.vertices, axis=0)) < 0.02
            ):
                continue
            pts = surface_points(p.vertices, p.faces, 80, rng)
            rest = share_inside(pts, bv, bf)
            lo, hi = _range(p.joint)
            for value in (lo, 0.5 * (lo + hi), hi):
                inside = share_inside(posed(pts, p.joint, value - p.value), bv, bf)
                assert inside <= rest + 0.03, (seed, p.name, value, rest, inside)


@pytest.mark.parametrize("category", CATEGORIES)
def test_samples_for_many_seeds(category):
    for seed in range(50):
        s = object_sample(category, seed)
        assert s.category == category and np.isfinite(s.points).all() and s.mask.sum() > 0
        assert np.linalg.norm(s.joint_axis) == pytest.approx(1.0, abs=1e-4)
        assert np.isfinite(s.traj).all() and np.isfinite(s.drag_vector).all()


@pytest.mark.parametrize("category", CATEGORIES)
def test_deterministic_and_varied(category):
    a, b = build_object(category, 3), build_object(category, 3)
    assert len(a.parts) == len(b.parts) and a.meta == b.meta
    for p, q in zip(a.parts, b.parts):
        assert p.name == q.name and np.array_equal(p.vertices, q.vertices) and np.array_equal(p.faces, q.faces)
        assert p.value == q.value
        if p.joint is not None:
            assert np.array_equal(p.joint.axis, q.joint.axis) and p.joint.limits == q.joint.limits
    shapes = {tuple(np.round(np.ptp(build_object(category, s).to_arrays()[0], axis=0), 3)) for s in range(6)}
    assert len(shapes) >= 5


def _by_name(obj, prefix):
    return [i for i, p in enumerate(obj.parts) if p.name.startswith(prefix)]


def test_kinematic_trees():
    """Parts that carry others: the chair's gas lift carries the seat, which carries the backrest and
    arms; a lamp's lower arm carries the upper arm, which carries the head; a fan's head carries its
    blades; a caster's fork carries its wheel; a globe's turning meridian carries the sphere."""
    seen = set()
    for seed in range(30):
        obj = build_object("Chair", seed)
        par = parents(obj)
        (lift,), (seat,) = _by_name(obj, "gas_lift"), _by_name(obj, "seat")
        assert par[seat] == lift and lift not in par
        assert obj.parts[lift].joint.type == "prismatic" and obj.parts[lift].joint.axis[1] > 0.999
        assert 0.05 - 1e-9 <= obj.parts[lift].joint.limits[1] <= 0.12 + 1e-9
        assert obj.parts[seat].joint.type == "revolute" and abs(obj.parts[seat].joint.axis[1]) > 0.999
        for i in _by_name(obj, "backrest") + _by_name(obj, "arm_"):
            assert par[i] == seat
            seen.add(obj.parts[i].name.split("_")[0] + obj.parts[i].joint.type)
    assert {"backrestrevolute", "armprismatic", "armrevolute"} <= seen
    for seed in range(20):
        obj = build_object("Lamp", seed)
        par = parents(obj)
        (lower,), (head,) = _by_name(obj, "arm_lower"), _by_name(obj, "head")
        upper = _by_name(obj, "arm_upper")
        if upper:
            assert par[upper[0]] == lower and par[head] == upper[0]
        else:
            assert par[head] == lower
        for i in [lower, head] + upper:
            assert abs(obj.parts[i].joint.axis[1]) < 1e-9  # horizontal hinges (turned with a turret)
        obj = build_object("Fan", seed)
        par = parents(obj)
        (neck,), (head,), (blades,) = _by_name(obj, "neck"), _by_name(obj, "head"), _by_name(obj, "blades")
        assert par[blades] == head and par[head] == neck
        assert obj.parts[blades].joint.limits is None and abs(obj.parts[neck].joint.axis[1]) > 0.999
        obj = build_object("Cart", seed)
        par = parents(obj)
        for i in _by_name(obj, "caster"):
            if obj.parts[i].name.endswith("_wheel") and i in par:
                assert obj.parts[par[i]].name.endswith("_fork")
                assert abs(obj.parts[i].joint.axis[1]) < 1e-6 and abs(obj.parts[par[i]].joint.axis[1]) > 0.999


def test_axes_of_the_real_mechanisms():
    for seed in range(20):
        obj = build_object("Globe", seed)
        (g,) = _by_name(obj, "globe")
        a = obj.parts[g].joint.axis
        m = parents(obj).get(g)
        if m is not None:  # the meridian carrying the sphere may be turned: its closed pose
            a = joint_matrix(obj.parts[m].joint, -obj.parts[m].value)[:3, :3] @ a
        assert np.degrees(np.arccos(abs(a[1]))) == pytest.approx(23.5, abs=1e-6)
        obj = build_object("Clock", seed)
        hands = _by_name(obj, "hour_hand") + _by_name(obj, "minute_hand") + _by_name(obj, "second_hand")
        assert len(hands) >= 2
        j0 = obj.parts[hands[0]].joint
        for i in hands:
            j = obj.parts[i].joint
            assert abs(j.axis @ j0.axis) > 0.999999 and line_distance(j.origin[None], j0)[0] < 1e-9
            assert j.limits is None
        obj = build_object("Eyeglasses", seed)
        temples = _by_name(obj, "temple")
        assert len(temples) == 2
        for i in temples:
            j = obj.parts[i].joint
            assert abs(j.axis[1]) > np.cos(np.radians(6)) and 90 <= np.degrees(j.limits[1]) <= 106 and j.limits[0] == 0
        obj = build_object("Knife", seed)
        (b,) = _by_name(obj, "blade")
        j = obj.parts[b].joint
        assert j.limits[0] == 0.0 and j.limits[1] == pytest.approx(np.pi)
        assert max(abs(j.axis[1]), abs(j.axis[2])) > 0.999999
        obj = build_object("FoldingChair", seed)
        for i in _by_name(obj, "seat") + _by_name(obj, "rear_legs"):
            assert abs(obj.parts[i].joint.axis[0]) > 0.999999 and obj.parts[i].joint.limits[0] == 0.0


def test_every_layout_occurs():
    kinds = {}
    for category in ("Chair", "Cart", "Display", "Fan", "Globe", "Clock", "Camera", "Dispenser", "Knife"):
        kinds[category] = {build_object(category, s).meta["kind"] for s in range(40)}
    assert kinds["Chair"] == {"task", "executive", "stool"}
    assert kinds["Cart"] == {"service", "platform"}
    assert kinds["Display"] == {"ergonomic", "basic"}
    assert kinds["Fan"] == {"pedestal", "desk"}
    assert kinds["Globe"] == {"desk", "floor"}
    assert kinds["Clock"] == {"wall", "table", "alarm"}
    assert kinds["Camera"] == {"compact", "dslr", "mirrorless"}
    assert kinds["Dispenser"] == {"pump", "wall_soap", "towel", "tape"}
    assert kinds["Knife"] == {"folding", "multi"}
