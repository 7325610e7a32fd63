import numpy as np

from dragmesh.data.bench import build_bench
from dragmesh.eval import trust
from dragmesh.training.calibration import fit, type_marginal


def test_nuisances_keep_the_truth_with_the_mesh():
    s = build_bench(keep_mesh=True, categories=["Microwave"])[0]
    case = trust.case_of(s)
    rng = np.random.default_rng(0)
    for kind in trust.STABILITY + trust.REAL_FILES:
        var, options = trust.nuisance(case, kind, rng)
        frame = options.pop("frame", None)
        assert var.faces.max() < len(var.vertices) and len(var.moving) == len(var.faces)
        assert var.moving.any() and (~var.moving).any()
        if frame is not None:  # the truth moved with the mesh
            back = var.truth.transformed(np.linalg.inv(frame))
            assert np.allclose(back.axis, case.truth.axis, atol=1e-9)


def test_the_welded_variant_is_one_remeshed_surface_with_the_part_carried_over():
    from dragmesh.geometry.triangles import closest_point_on_triangles
    from dragmesh.sampling import face_areas

    s = build_bench(keep_mesh=True, categories=["Microwave"])[0]
    case = trust.case_of(s)
    var, options = trust.nuisance(case, "welded", np.random.default_rng(3))
    assert options == {} and 20_000 <= len(var.faces) <= 60_000
    # Nothing of the file's own faces is left: every vertex is new.
    assert not np.isin(var.vertices.round(9), case.vertices.round(9)).all(axis=1).any()
    # The part keeps about its area, and the grab point lies on it.
    area = face_areas(var.vertices, var.faces[var.moving]).sum() / face_areas(case.vertices, case.faces[case.moving]).sum()
    assert 0.5 < area < 1.5
    on_part = closest_point_on_triangles(var.vertices[var.faces[var.moving]], var.point)
    assert np.linalg.norm(on_part - var.point) < 1e-9 * case.diagonal


def test_trust_sections_on_a_few_samples():
    from dragmesh.models.baseline import DragFitJointPredictor
    from dragmesh.models.joint_inference import JointInference

    samples = build_bench(keep_mesh=True, categories=["StorageFurniture", "Safe"])[::12]
    shipped = JointInference.load("weights")
    acc = trust.accuracy(samples, {"shipped": shipped, "dragfit": DragFitJointPredictor()})
    assert acc[("shipped", "exact")]["seen"]["n"] > 0 and acc[("shipped", "exact")]["held_out"]["n"] > 0
    t = acc[("shipped", "perturbed")]["seen"]
    assert 0 <= t["type"] <= 100 and 0 <= t["top3"] <= 100 and t["top3"] >= t["type"] - 1e-9 or t["top3"] >= 0
    stab = trust.stability(samples[:2], shipped)
    assert stab["seed"]["type_changed"] == 0.0 and stab["shuffled"]["axis_p95"] < 1e-6
    text = trust.format_report(acc, stab, None)
    assert "shipped / perturbed / seen" in text and "| shuffled |" in text
    # Penetration is measured beyond the true motion's own: the oracle's is 0 by definition.
    oracle = acc[("truth (oracle)", "perturbed")]["seen"]
    assert oracle["pen_max"] == 0.0


def test_calibration_fit_prefers_the_temperature_that_matches_the_evidence():
    # Candidates whose score margin says 88% (exp(2) : 1); the truth agrees 9 times in 10, so
    # the fitted temperature stays near 1 and far from the extremes.
    records = [([("revolute", 2.0), ("prismatic", 0.0)], "revolute" if i % 10 else "prismatic") for i in range(100)]
    assert abs(type_marginal(records[1][0], "revolute", 1.0) - np.exp(2) / (1 + np.exp(2))) < 1e-12
    best, nll = fit(records)
    assert 0.7 < best < 1.3 and nll[best] == min(nll.values())


def _box(lo, hi, offset=0):
    """A closed box (8 vertices, 12 outward triangles) with its faces' indices shifted by offset."""
    import trimesh

    m = trimesh.creation.box(bounds=np.array([lo, hi], dtype=float))
    return np.asarray(m.vertices), np.asarray(m.faces) + offset


def test_pieces_count_a_point_inside_two_overlapping_pieces_as_inside():
    # Ray parity over the union says "outside" for a point inside both boxes (two crossings per
    # ray); inside any one piece is what a part going into the base means.
    va, fa = _box([0, 0, 0], [2, 1, 1])
    vb, fb = _box([1, 0, 0], [3, 1, 1], offset=len(va))
    pieces = trust.Pieces(np.vstack([va, vb]), np.vstack([fa, fb]))
    assert pieces.pieces == 2
    # (Off the boxes' symmetry planes: a ray from a box's centre along a diagonal meets its edges.)
    points = np.array([[1.45, 0.52, 0.47], [0.5, 0.45, 0.52], [2.5, 0.4, 0.6], [4.0, 0.5, 0.5], [1.5, 2.0, 0.5]])
    assert pieces.inside(points).tolist() == [True, True, True, False, False]
    assert np.allclose(pieces.distance(points[:1]), 0.45)


def test_pieces_need_all_three_rays_to_agree_on_one_piece():
    # Three open patches, each crossed once by one of the three rays from the origin and missed by
    # the others: each ray's parity is odd, but on a different piece each time (as a ray slipping
    # between two triangles of one piece and another grazing a second piece do). Not inside.
    vertices, faces = [], []
    for k, d in enumerate(trust.Pieces.DIRECTIONS):
        d = d / np.linalg.norm(d)
        u = np.cross(d, [0.0, 0.0, 1.0] if abs(d[2]) < 0.9 else [1.0, 0.0, 0.0])
        u /= np.linalg.norm(u)
        w = np.cross(d, u)
        centre = 2.0 * d
        vertices += [centre + 0.2 * u, centre - 0.1 * u + 0.17 * w, centre - 0.1 * u - 0.17 * w]
        faces.append([3 * k, 3 * k + 1, 3 * k + 2])
    pieces = trust.Pieces(np.array(vertices), np.array(faces))
    assert pieces.pieces == 3
    assert not pieces.inside(np.zeros((1, 3)))[0]


def test_penetration_is_the_depth_reached_inside_the_base():
    # A part beside a wall slides 0.3 into it: 0.3 deep at the end, as a fraction of the diagonal.
    from dragmesh.geometry.joints import Joint

    vw, fw = _box([1, 0, 0], [2, 1, 1])
    vp, fp = _box([0, 0.25, 0.25], [0.5, 0.75, 0.75], offset=len(vw))
    case = trust.Case(np.vstack([vw, vp]), np.vstack([fw, fp]), np.r_[np.zeros(12, bool), np.ones(12, bool)],
                      np.array([0.0, 1.0, 0.0]), np.array([0.5, 0.5, 0.5]), np.array([0.8, 0.0, 0.0]),
                      Joint("prismatic", np.array([1.0, 0.0, 0.0]), np.zeros(3)), "Test", False)
    slide = Joint("prismatic", np.array([1.0, 0.0, 0.0]), np.zeros(3))
    assert trust.penetration(case, slide.transforms(np.linspace(0.0, 0.4, 5))) == 0.0
    deep = trust.penetration(case, slide.transforms(np.linspace(0.0, 0.8, 9)))
    assert abs(deep * case.diagonal - 0.3) < 0.03  # the middle of the part's front is 0.3 in
