import numpy as np
import trimesh

from dragmesh.geometry.joints import Joint
from dragmesh.physics import Obstacle, Sweep, line_contact, line_contacts, sweep, sweeps


def wall():
    """A 1 x 1 x 0.02 panel at x = 0.5 (a wall the part runs into)."""
    box = trimesh.creation.box((0.02, 1.0, 1.0))
    box.apply_translation((0.51, 0.0, 0.0))
    return Obstacle(box.vertices, box.faces)


def test_crossing_needs_the_segment_to_reach_the_surface():
    ob = wall()
    start = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.7, 0.0, 0.0]])
    end = np.array([[0.4, 0.0, 0.0], [0.6, 0.0, 0.0], [0.9, 0.0, 0.0]])
    assert ob.crossings(start, end).tolist() == [False, True, False]


def test_a_slide_stops_where_it_meets_the_wall_both_ways_free_otherwise():
    ob = wall()
    pts = np.random.default_rng(0).uniform(-0.1, 0.1, (200, 3))
    slide = Joint("prismatic", (1, 0, 0), (0, 0, 0))
    s = sweep(ob, slide, pts, +1.0, 1.0)
    # The part's front (x = 0.1) reaches the wall's face (x = 0.5) after 0.4.
    assert s.blocked and abs(s.free - 0.4) < 0.03
    back = sweep(ob, slide, pts, -1.0, 1.0)
    assert not back.blocked and back.free == 1.0


def test_a_door_swinging_into_the_wall_stops_at_it():
    ob = wall()
    # A plate from x = 0 to 0.45 hinged at x = 0 about z: turning +90° sweeps it onto +y, away from
    # the wall; turning towards the wall never reaches it (the wall is beyond its radius) ...
    plate = np.stack([np.linspace(0, 0.45, 50), np.zeros(50), np.zeros(50)], 1)
    hinge = Joint("revolute", (0, 0, 1), (0, 0, 0))
    assert not sweep(ob, hinge, plate, +1.0, np.pi / 2).blocked
    # ... but a longer plate hits the wall as soon as it turns the other way round past it.
    long_plate = np.stack([np.zeros(50), np.linspace(0.0, 0.9, 50), np.zeros(50)], 1)
    s = sweep(ob, hinge, long_plate, -1.0, np.pi / 2)
    assert s.blocked and np.degrees(s.free) < 60


def test_line_contact_is_small_where_the_hinge_touches_the_base():
    ob = wall()
    pts = np.stack([np.full(20, 0.45), np.linspace(-0.4, 0.4, 20), np.zeros(20)], 1)
    near = Joint("revolute", (0, 1, 0), (0.5, 0, 0))
    far = Joint("revolute", (0, 1, 0), (0.0, 0, 0))
    assert line_contact(ob, near, pts) < 0.01 < 0.4 < line_contact(ob, far, pts)


def test_batched_sweeps_and_contacts_equal_one_at_a_time():
    ob = wall()
    pts = np.random.default_rng(1).uniform(-0.1, 0.1, (120, 3))
    slide = Joint("prismatic", (1, 0, 0), (0, 0, 0))
    hinge = Joint("revolute", (0, 0, 1), (0.0, -0.2, 0))
    jobs = [(slide, +1.0, 1.0), (slide, -1.0, 1.0), (hinge, +1.0, np.pi), (hinge, -1.0, np.pi), (hinge, 1.0, 0.0)]
    together = sweeps(ob, jobs, pts)
    alone = [sweep(ob, j, pts, d, s) for j, d, s in jobs]
    assert [(a.free, a.blocked) for a in together] == [(a.free, a.blocked) for a in alone]
    assert together[0].blocked and not together[1].blocked and together[4] == Sweep(0.0, False)
    assert line_contacts(ob, [slide, hinge], pts) == [line_contact(ob, slide, pts), line_contact(ob, hinge, pts)]


def test_a_lid_flush_with_a_wall_behind_its_hinge_opens_until_its_far_side_meets_it():
    # A lid 0.4 deep and 0.04 thick lying on z in [0, 0.04], hinged about x at its back bottom edge
    # (y = 0, z = 0), a wall flush behind it (y < 0). Opening it, the lid's back top edge dips into
    # the wall at once, by a few millimetres: the hinge's neighbourhood does not stop it ...
    wall_box = trimesh.creation.box((1.0, 0.02, 1.0))
    wall_box.apply_translation((0.0, -0.0105, 0.5))
    ob = Obstacle(wall_box.vertices, wall_box.faces)
    rng = np.random.default_rng(2)
    lid = np.stack([rng.uniform(-0.2, 0.2, 400), rng.uniform(0.0, 0.4, 400), rng.uniform(0.0, 0.04, 400)], 1)
    hinge = Joint("revolute", (1, 0, 0), (0, 0, 0))  # positive turns lift the front (+y) up (+z)
    opened = sweep(ob, hinge, lid, +1.0, np.pi)
    # ... the rest of it does, as the lid nears upright against the wall (its top face's points 6 cm
    # from the hinge reach the wall at 56°, the farthest at 84°).
    assert opened.blocked and 50 < np.degrees(opened.free) < 90
    # Counting every point, the grazing edge stops it less than halfway there.
    assert np.degrees(sweeps(ob, [(hinge, +1.0, np.pi)], lid, near_hinge=0.0)[0].free) < 40


def test_contact_patches_find_two_pins_and_their_spread():
    from dragmesh.physics import contact_patches

    # A rod along y from -0.5 to 0.5 held by two blocks 0.1 wide round its ends: two patches of 7
    # points (inside a block or within the tolerance), one at each end; the middle touches nothing.
    blocks = [trimesh.creation.box((0.1, 0.1, 0.1)) for _ in range(2)]
    blocks[0].apply_translation((0, -0.5, 0))
    blocks[1].apply_translation((0, 0.5, 0))
    base = trimesh.util.concatenate(blocks)
    ob = Obstacle(base.vertices, base.faces)
    rod = np.stack([np.zeros(101), np.linspace(-0.5, 0.5, 101), np.zeros(101)], 1)
    patches, share = contact_patches(ob, rod, tolerance=0.01, link=0.05)
    assert len(patches) == 2 and abs(share - 14 / 101) < 1e-9
    assert sorted(round(float(p.centre[1]), 2) for p in patches) == [-0.47, 0.47]
    assert all(abs(p.axes[0][1]) > 0.99 and p.count == 7 for p in patches)
    assert contact_patches(Obstacle(np.zeros((0, 3)), np.zeros((0, 3), int)), rod, 0.01, 0.05) == ([], 0.0)
