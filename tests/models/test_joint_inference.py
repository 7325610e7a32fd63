import numpy as np
import pytest

from dragmesh.commands.demo import DRAGS, example_path
from dragmesh.geometry.joints import Joint, drag_landing
from dragmesh.io import PartMesh, load_mesh
from dragmesh.models.joint_inference import JointInference
from dragmesh.pipeline import AnalyticMotionGenerator, DragMesh

DOOR, DRAWER = DRAGS


@pytest.fixture(scope="module")
def dm():
    return DragMesh(predictor=JointInference.load("weights"), generator=AnalyticMotionGenerator())


@pytest.fixture(scope="module")
def cabinet():
    return load_mesh(example_path())


def test_drag_landing_is_exact_for_the_joints_own_motion():
    hinge = Joint("revolute", (0, 1, 0), (0, 0, 0))
    p = np.array([0.5, 0.2, 0.0])
    v = hinge.apply(p[None], 0.7)[0] - p
    slide = Joint("prismatic", (1, 0, 0), (0, 0, 0))
    values, residuals = drag_landing([hinge, slide], p, v)
    assert abs(values[0] - 0.7) < 1e-9 and residuals[0] < 1e-9
    assert residuals[1] > 0.3  # a slide cannot follow an arc


def test_the_door_and_the_drawer_get_their_joints_with_limits_and_alternatives(dm, cabinet):
    for (part, point, vector), kind in zip(DRAGS, ("revolute", "prismatic")):
        r = dm.articulate(cabinet, part, point, vector)
        assert r.joint.type == kind
        lo, hi = r.joint.limits
        assert lo <= 0.0 <= hi and hi > 0.05
        assert r.alternatives and all(0.0 <= a["probability"] <= r.type_probability for a in r.alternatives)
        assert set(r.alternatives[0]) >= {"type", "axis", "origin", "limits", "probability", "source"}
        alt = r.alternative_joint(0)
        assert alt.type in ("revolute", "prismatic")


def test_one_mesh_and_one_drag_give_one_joint_whatever_the_seed_or_face_order(dm, cabinet):
    part, point, vector = DOOR
    a = dm.articulate(cabinet, part, point, vector, seed=0).joint
    b = dm.articulate(cabinet, part, point, vector, seed=5).joint
    perm = np.random.default_rng(1).permutation(len(cabinet.faces))
    shuffled = PartMesh(cabinet.vertices, np.roll(cabinet.faces[perm], 1, axis=1), cabinet.face_labels[perm],
                        cabinet.part_names, up=cabinet.up)
    c = dm.articulate(shuffled, part, point, vector).joint
    for other in (b, c):
        assert other.type == a.type
        assert np.allclose(other.axis, a.axis, atol=1e-6) and np.allclose(other.origin, a.origin, atol=1e-6)


def test_an_over_long_drag_gives_the_same_joint_at_its_limit(dm, cabinet):
    part, point, vector = DRAWER
    short = dm.articulate(cabinet, part, point, vector)
    long = dm.articulate(cabinet, part, point, np.asarray(vector) * 40)
    assert long.joint.type == short.joint.type == "prismatic"
    assert abs(long.joint.axis @ short.joint.axis) > 0.999
    assert abs(long.values[-1] - long.joint.limits[1]) < 1e-9
    # Past the lengths the networks were trained on (DRAG_RANGE), every drag reads the same.
    longer = dm.articulate(cabinet, part, point, np.asarray(vector) * 100)
    assert np.allclose(longer.joint.axis, long.joint.axis) and np.allclose(longer.joint.origin, long.joint.origin)
    # A door swung 30 times too far is still the hinge it is at its own length, at its limit.
    part, point, vector = DOOR
    swing = dm.articulate(cabinet, part, point, vector)
    far = dm.articulate(cabinet, part, point, np.asarray(vector) * 30)
    assert far.joint.type == swing.joint.type == "revolute" and abs(far.joint.axis @ swing.joint.axis) > 0.999
    assert abs(far.values[-1] - far.joint.limits[1]) < 1e-9


def test_an_over_long_drag_is_read_at_several_lengths_in_one_batch():
    # The networks see the direction at every length of OVERLONG_READINGS; the reading is the
    # combination of the readings at each length.
    from dragmesh.models.joint_inference import OVERLONG_READINGS

    inf = JointInference.load("weights", views=1)
    rng = np.random.default_rng(0)
    points = rng.normal(size=(inf.n_points, 3))
    mask = points[:, 0] > 0.5
    p, unit = points[np.flatnonzero(mask)[0]], np.array([0.0, 0.0, 1.0])
    drags = unit[None] * np.asarray(OVERLONG_READINGS)[:, None]
    together = inf.read_networks(points, mask, p, drags)
    apart = [inf.read_networks(points, mask, p, d) for d in drags]
    assert np.allclose(together["p_type"], np.mean([a["p_type"] for a in apart], axis=0), atol=1e-5)


def test_physics_goes_down_the_candidates_until_it_has_checked_the_leader():
    # Physics first checks the leading few; where it sinks them all (a seat under its closed lid
    # is blocked on every hinge), the next ones must not win unchecked.
    from dragmesh.models.joint_inference import PHYSICS_CANDIDATES, Candidate

    inf = JointInference.load("weights")
    cands = [Candidate(Joint("revolute", (0, 1, 0), (k, 0, 0)), "box edge", score=float(20 - k),
                       terms={"value": 1.0, "prior": float(20 - k)})
             for k in range(12)]
    checked = []

    def physics(lead, scene, blocked=lambda c: c.joint.origin[0] < 8, jammed=lambda c: c.joint.origin[0] < 4):
        for c in lead:  # the first eight are blocked, the first four of them jammed at rest
            c.terms.update(collision=-100.0 if blocked(c) else 0.0, direction=0.0)
            c.jammed = jammed(c)
            c.score += c.terms["collision"]
            checked.append(int(c.joint.origin[0]))

    inf._physics = physics
    inf._check_leaders(cands, scene=None)
    leader = max(cands, key=lambda c: c.score)
    assert "collision" in leader.terms and int(leader.joint.origin[0]) == 8
    assert checked == list(range(2 * PHYSICS_CANDIDATES))  # two rounds, in score order: the second finds 8

    # Every leading candidate jammed at rest (interpenetrating pieces): physics says nothing, the
    # prior order stands and nothing further down is checked.
    cands = [Candidate(Joint("revolute", (0, 1, 0), (k, 0, 0)), "box edge", score=float(20 - k),
                       terms={"value": 1.0, "prior": float(20 - k)})
             for k in range(12)]
    checked.clear()
    inf._physics = lambda lead, scene: physics(lead, scene, jammed=lambda c: True)
    inf._check_leaders(cands, scene=None)
    assert int(max(cands, key=lambda c: c.score).joint.origin[0]) == 0 and checked == list(range(PHYSICS_CANDIDATES))


def test_a_closed_drawer_pushed_in_stays_closed(dm, cabinet):
    part, point, vector = DRAWER
    r = dm.articulate(cabinet, part, point, -np.asarray(vector))
    assert r.joint.type == "prismatic"
    # Pushed into the body, the drawer moves at most a sliver (the stop is found by bisection).
    assert abs(r.values[-1]) < 0.02 * np.linalg.norm(np.ptp(cabinet.vertices, axis=0))


def test_a_door_dragged_past_its_range_stops_at_its_limit(dm, cabinet):
    part, point, vector = DOOR
    r = dm.articulate(cabinet, part, point, np.asarray(vector) * 10)
    assert r.joint.type == "revolute"
    assert r.values[-1] == pytest.approx(r.joint.limits[1])
    assert np.degrees(r.joint.limits[1]) < 200


def test_physics_off_and_forced_types_still_answer(cabinet):
    dm = DragMesh(predictor=JointInference.load("weights", physics=False, views=1),
                  generator=AnalyticMotionGenerator())
    part, point, vector = DOOR
    r = dm.articulate(cabinet, part, point, vector, joint_type="prismatic")
    assert r.joint.type == "prismatic" and r.type_probability == 1.0


def test_contact_candidates_are_hinges_through_pins_hubs_and_pairs_of_pins():
    from dragmesh.models.joint_inference import contact_candidates
    from dragmesh.physics import ContactPatch

    axes = np.eye(3)
    tilt = np.array([np.sin(0.41), np.cos(0.41), 0.0])  # a globe's polar axis, 23.5° off vertical
    side = np.cross(tilt, [0.0, 0.0, 1.0])
    pole = lambda s: ContactPatch(s * 0.5 * tilt, np.eye(3), np.zeros(3), 1)
    hub = ContactPatch(np.array([0.2, 0.0, 0.0]), np.stack([side, [0.0, 0.0, 1.0], tilt]),
                       np.array([0.06, 0.06, 0.003]), 12)  # a bearing, too wide for a pin
    rim = ContactPatch(np.zeros(3), np.eye(3), np.array([0.4, 0.3, 0.01]), 300)  # a door's rim: too big
    cands = contact_candidates([pole(1.0), pole(-1.0), hub, rim], axes, size=1.5)
    by_source = {}
    for c in cands:
        by_source.setdefault(c.source, []).append(c)
    # Each pin and the hub: a hinge along each box axis through it (the rim is no bearing).
    assert len(by_source["contact"]) == 9 and all(c.box_axis >= 0 for c in by_source["contact"])
    # The hub turns about its normal, the two poles about the line through them.
    for source in ("bearing", "bearings"):
        (c,) = by_source[source]
        assert c.box_axis == -1 and abs(c.joint.axis @ tilt) > 0.9999 and c.joint.type == "revolute"
    assert np.allclose(by_source["bearings"][0].joint.origin, 0.0)
    # A normal within 5° of a box axis is that box axis.
    flat = ContactPatch(np.zeros(3), np.eye(3)[[0, 2, 1]], np.array([0.02, 0.02, 0.001]), 12)
    snapped = [c for c in contact_candidates([flat], axes, size=1.5) if c.box_axis == 1]
    assert len(snapped) == 2 and all(np.allclose(c.joint.axis, [0, 1, 0]) for c in snapped)


def test_a_round_part_is_evidence_for_turning_about_its_axis_a_rod_about_its_length_is_not():
    import trimesh

    from dragmesh.models.joint_inference import Candidate, PartScene, Weights

    def scene(part):
        base = trimesh.creation.box((1.0, 1.0, 0.1))
        base.apply_translation((0, 0, -0.05))
        v = np.concatenate([base.vertices, part.vertices])
        f = np.concatenate([base.faces, part.faces + len(base.vertices)])
        moving = np.arange(len(f)) >= len(base.faces)
        return PartScene.build(v, f, moving, np.asarray(trimesh.sample.sample_surface_even(part, 512, seed=0)[0]))

    ji = JointInference.load("weights")
    hinge = lambda axis, origin=(0, 0, 0.05): Candidate(Joint("revolute", axis, origin), "test")
    knob = trimesh.creation.cylinder(radius=0.1, height=0.1, sections=32)
    knob.apply_translation((0, 0, 0.05))
    cands = [hinge((0, 0, 1)), hinge((1, 0, 0)), hinge((0, 0, 1), (0.05, 0, 0.05)),
             Candidate(Joint("prismatic", (0, 0, 1), (0, 0, 0)), "test")]
    ji._symmetry(cands, scene(knob))
    about_axis, across, off_centre, slide = (c.terms.get("symmetry") for c in cands)
    assert about_axis > 0.9 * Weights().symmetry_weight and across < 0.1
    # A line off the knob's centroid by a fifth of its diagonal is not tested; nor is a slide.
    assert off_centre is None and slide is None
    rod = trimesh.creation.cylinder(radius=0.02, height=0.6, sections=32)  # along z, standing on the base
    rod.apply_translation((0, 0, 0.3))
    cands = [hinge((0, 0, 1))]
    ji._symmetry(cands, scene(rod))
    assert "symmetry" not in cands[0].terms


def test_a_drag_swings_the_part_about_a_bearing_perpendicular_to_its_lever():
    from dragmesh.models.joint_inference import contact_candidates
    from dragmesh.physics import ContactPatch

    # A lamp's arm on a knuckle at the origin, tilted in the x-y plane; dragged along z at its tip,
    # it swings about the line through the knuckle perpendicular to the arm and the drag.
    knuckle = ContactPatch(np.zeros(3), np.eye(3), np.array([0.02, 0.015, 0.012]), 20)  # not flat
    arm = np.array([np.cos(0.6), np.sin(0.6), 0.0])
    axes = np.stack([arm, np.cross([0.0, 0.0, 1.0], arm), [0.0, 0.0, 1.0]])
    tip, drag = 0.5 * arm, np.array([0.0, 0.1, 0.05])  # a person's drag, 27° off the true swing
    (swing,) = [c for c in contact_candidates([knuckle], axes, 1.0, (tip, drag)) if c.source == "swing"]
    assert swing.box_axis == -1 and np.allclose(swing.joint.origin, 0.0)
    assert abs(swing.joint.axis @ np.cross(arm, drag)) > 0.9999 * np.linalg.norm(np.cross(arm, drag))
    # Within 15° of a box axis it is that axis, beside the bearing's contact hinge along it.
    cands = contact_candidates([knuckle], axes, 1.0, (tip, np.array([0.0, 0.02, 0.1])))
    assert [(c.source, c.box_axis) for c in cands] == [("contact", 0), ("contact", 1), ("contact", 2), ("swing", 1)]


@pytest.mark.parametrize("seed", [1003000016, 1003000020])
def test_a_globe_turns_about_the_line_through_its_pins(dm, seed):
    # Two globes of the world benchmark (a held-out category: its tilted spin is a motion no
    # training category has), which the networks alone read as a vertical spin or a slide: the
    # pins at the poles and the sphere's symmetry give the tilted axis.
    from dragmesh.data.generator import GeneratorConfig, object_sample
    from dragmesh.data.splits import bench_spec
    from dragmesh.eval.metrics import axis_error_deg
    from dragmesh.eval.trust import articulate_case, case_of

    spec = bench_spec("world")
    sample = object_sample("Globe", seed, GeneratorConfig(n_points=spec.n_points, frames=spec.frames, keep_mesh=True))
    assert sample.part_name == "globe"
    case = case_of(sample, split="world")
    joint = articulate_case(dm, case).joint
    assert joint.type == "revolute" and axis_error_deg(joint.axis[None], case.truth.axis[None])[0] < 3.0
