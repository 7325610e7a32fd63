import numpy as np
import pytest

import dragmesh
from dragmesh.commands.demo import DRAGS, example_path
from dragmesh.errors import DragError, InputError, PartError
from dragmesh.geometry.dualquat import np_dq_to_matrix
from dragmesh.geometry.joints import Joint
from dragmesh.io import PartMesh, load_mesh
from dragmesh.pipeline import AnalyticMotionGenerator, DragMesh, combine

DOOR, DRAWER = DRAGS


@pytest.fixture(scope="module")
def pipeline():
    # The pipeline's mechanics, on the deterministic components that need no weights; the shipped
    # models have their own tests below.
    return DragMesh(joint_model="geometric", motion_model="analytic")


@pytest.fixture(scope="module")
def cabinet():
    return load_mesh(example_path())


def moved(result, point, frame=-1):
    T = result.transforms[frame]
    return T[:3, :3] @ np.asarray(point, float) + T[:3, 3]


def similar(mesh, scale, rotation, offset):
    """The same mesh in other coordinates: x -> scale * R x + offset, with up rotated along."""
    return PartMesh(scale * mesh.vertices @ rotation.T + offset, mesh.faces, mesh.face_labels, mesh.part_names,
                    source=mesh.source, up=rotation @ mesh.up)


def test_door_drag_opens_the_door_the_way_it_is_dragged(pipeline, cabinet):
    part, point, vector = DOOR
    r = pipeline.articulate(cabinet, part, point, vector, frames=12)
    assert r.joint.type == "revolute" and r.part == ["door"]
    assert abs(abs(r.joint.axis[1]) - 1) < 1e-6  # a vertical hinge
    assert r.values.shape == (12,) and abs(r.values[0]) < 1e-12 and np.all(np.diff(r.values) > 0)
    np.testing.assert_allclose(r.transforms[0], np.eye(4), atol=1e-12)
    # the handle ends far closer to where it was dragged than where it started
    target = np.add(point, vector)
    assert np.linalg.norm(moved(r, point) - target) < 0.25 * np.linalg.norm(vector)
    # the trajectory is the joint's motion, in mesh coordinates, and the DQs agree with the matrices
    np.testing.assert_allclose(r.transforms, r.joint.transforms(r.values), atol=1e-12)
    np.testing.assert_allclose(np_dq_to_matrix(r.dual_quaternions), r.transforms, atol=1e-12)
    assert set(r.timing_ms) >= {"load", "part", "sample", "joint", "motion", "projection", "output", "total"}
    assert 0.5 <= r.type_probability <= 1.0 and r.joint_source == "predicted"


def test_drawer_drag_slides_the_drawer(pipeline, cabinet):
    part, point, vector = DRAWER
    r = pipeline.articulate(cabinet, part, point, vector)
    assert r.joint.type == "prismatic"
    assert r.joint.axis @ np.asarray(vector) > 0
    np.testing.assert_allclose(moved(r, point), np.add(point, vector), atol=0.01)  # metres, mesh units


def test_given_joint_skips_inference_and_follows_the_drag_sign(pipeline, cabinet):
    part, point, vector = DOOR
    hinge = Joint("revolute", [0, 1, 0], [-0.25, 0.0, 0.23])  # drag opens it the negative way about +Y
    r = pipeline.articulate(cabinet, part, point, vector, joint=hinge)
    assert r.joint_source == "given" and r.type_probability == 1.0
    np.testing.assert_allclose(r.joint.axis, [0, -1, 0], atol=1e-12)  # flipped: positive = dragged way
    assert r.values[-1] > 0
    # the origin stays on the given hinge line
    np.testing.assert_allclose(r.joint.origin[[0, 2]], [-0.25, 0.23], atol=1e-12)
    r2 = pipeline.articulate(cabinet, part, point, vector, joint=hinge.to_dict())
    np.testing.assert_allclose(r2.transforms, r.transforms, atol=1e-12)


def test_values_are_clamped_to_known_limits(pipeline, cabinet):
    part, point, vector = DOOR
    hinge = Joint("revolute", [0, -1, 0], [-0.25, 0.0, 0.23], limits=(0.0, 0.5))
    r = pipeline.articulate(cabinet, part, point, vector, joint=hinge)
    assert r.values[-1] == pytest.approx(0.5)
    assert r.joint.limits == pytest.approx((0.0, 0.5))
    closing = pipeline.articulate(cabinet, part, point, -np.asarray(vector), joint=hinge)
    # closing a closed door: the flipped joint's limits are (-0.5, 0), so it does not move
    np.testing.assert_allclose(closing.values, 0.0, atol=1e-12)


def test_an_overlong_drag_moves_a_bounded_joint_to_its_limit_past_half_a_turn(pipeline, cabinet):
    # A drag ten times the door's size asks for the whole way: a hinge's landing alone would stop a
    # quarter turn from the grabbed point (where it faces the far end of the drag). With a range of
    # 200 degrees the frames' angles run past half a turn, unwrapped, not jumping back to 0.
    part, point, vector = DOOR
    hinge = Joint("revolute", [0, -1, 0], [-0.25, 0.0, 0.23], limits=(0.0, np.deg2rad(200.0)))
    far = 10.0 * np.linalg.norm(np.ptp(cabinet.vertices, axis=0)) * np.asarray(vector) / np.linalg.norm(vector)
    r = pipeline.articulate(cabinet, part, point, far, joint=hinge, frames=12)
    assert r.values[-1] == pytest.approx(np.deg2rad(200.0))
    assert np.all(np.diff(r.values) > 0)
    np.testing.assert_allclose(r.transforms, r.joint.transforms(r.values), atol=1e-9)
    # A drag of ordinary length still lands the grabbed point: short of the limit.
    near = pipeline.articulate(cabinet, part, point, vector, joint=hinge)
    assert 0.0 < near.values[-1] < np.deg2rad(120.0)


def test_joint_type_override(pipeline, cabinet):
    part, point, vector = DOOR
    r = pipeline.articulate(cabinet, part, point, vector, joint_type="prismatic")
    assert r.joint.type == "prismatic" and r.type_probability == 1.0
    with pytest.raises(InputError, match="revolute or prismatic"):
        pipeline.articulate(cabinet, part, point, vector, joint_type="ball")


def test_results_are_in_the_mesh_coordinates_and_units(pipeline, cabinet):
    """The same drag on the cabinet scaled to centimetres, turned Z-up and moved: the same motion."""
    part, point, vector = DRAWER
    R = np.array([[1.0, 0, 0], [0, 0, -1], [0, 1, 0]])  # +Y -> +Z
    offset = np.array([10.0, -3.0, 2.0])
    cm = similar(cabinet, 100.0, R, offset)
    r = pipeline.articulate(cabinet, part, point, vector)
    r_cm = pipeline.articulate(cm, part, 100 * R @ point + offset, 100 * R @ vector)
    assert r_cm.joint.type == r.joint.type
    # the model sees the same normalised points (up to float32 rounding), so the answers agree
    np.testing.assert_allclose(r_cm.values, 100 * r.values, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(r_cm.joint.axis, R @ r.joint.axis, atol=1e-4)
    np.testing.assert_allclose(r_cm.joint.origin, 100 * R @ r.joint.origin + offset, atol=1e-2)  # 0.1 mm


def test_samples_and_unprojected_output(pipeline, cabinet):
    part, point, vector = DOOR
    r = pipeline.articulate(cabinet, part, point, vector, frames=5, samples=3, seed=7)
    assert r.samples["transforms"].shape == (3, 5, 4, 4)
    assert r.samples["values"].shape == (3, 5)
    np.testing.assert_allclose(r.samples["transforms"][0], r.transforms)

    class Wobbly(AnalyticMotionGenerator):
        """Exact motion plus a translation wobble: not a joint motion."""

        def generate(self, *args, **kw):
            dq = super().generate(*args, **kw)
            T = np_dq_to_matrix(dq)
            T[..., 1, 3] += 0.01 * np.sin(np.arange(T.shape[1]))
            from dragmesh.geometry.dualquat import np_dq_from_matrix

            return np_dq_from_matrix(T)

    wobbly = DragMesh(predictor=pipeline.predictor, generator=Wobbly())
    raw = wobbly.articulate(cabinet, part, point, vector, project=False)
    snapped = wobbly.articulate(cabinet, part, point, vector)
    assert raw.violation > 1e-3 and snapped.violation == pytest.approx(raw.violation)
    np.testing.assert_allclose(raw.transforms, raw.raw_transforms)
    assert not np.allclose(raw.transforms, snapped.transforms, atol=1e-4)
    np.testing.assert_allclose(snapped.transforms, snapped.joint.transforms(snapped.values), atol=1e-12)


@pytest.mark.parametrize(
    "point, vector, message",
    [
        (DOOR[1], (0, 0, 0), "drag vector is zero"),
        (DOOR[1], (np.nan, 0, 1), "drag vector must be finite"),
        ((np.inf, 0, 0), DOOR[2], "drag point must be finite"),
        ((0.2, 0.5), DOOR[2], "drag point must be three numbers"),
        ((0.0, 0.14, 0.262), DOOR[2], "from part 'door'"),  # on the drawer's handle, not the door
    ],
)
def test_bad_drags(pipeline, cabinet, point, vector, message):
    with pytest.raises(DragError, match=message):
        pipeline.articulate(cabinet, "door", point, vector)


def test_bad_parts(pipeline, cabinet):
    _, point, vector = DOOR
    with pytest.raises(PartError, match="no part named 'lid'"):
        pipeline.articulate(cabinet, "lid", point, vector)
    with pytest.raises(PartError, match="whole object"):
        pipeline.articulate(cabinet, ["body", "door", "drawer"], point, vector)
    empty = PartMesh(cabinet.vertices, cabinet.faces, cabinet.face_labels, cabinet.part_names + ["shelf"])
    with pytest.raises(PartError, match="'shelf' has no faces"):
        pipeline.articulate(empty, "shelf", point, vector)


def test_module_level_articulate_and_file_input():
    part, point, vector = DRAWER
    r = dragmesh.articulate(str(example_path()), part, point, vector, frames=4)
    assert r.joint.type == "prismatic" and r.frames == 4
    assert r.name == "cabinet_drawer"
    doc = r.to_dict()
    assert set(doc) == {"part", "joint", "alternatives", "trajectory", "timing_ms"} and doc["part"] == ["drawer"]
    assert set(doc["joint"]) == {"type", "axis", "origin", "limits", "type_probability", "probability"}
    assert np.asarray(doc["trajectory"]["transforms"]).shape == (4, 4, 4)


def test_combined_parts_export_as_one_object(pipeline, cabinet, tmp_path):
    results = [pipeline.articulate(cabinet, *DOOR, frames=4), pipeline.articulate(cabinet, *DRAWER, frames=4)]
    asset = combine(results, name="cabinet")
    assert [p.name for p in asset.parts] == ["door", "drawer"]
    assert len(asset.base_faces) == int((cabinet.face_labels == cabinet.part_index("body")).sum())
    written = results[0].export(tmp_path, "npz,json")
    assert sorted(p.name for paths in written.values() for p in paths) == ["cabinet_door.json", "cabinet_door.npz"]


def test_shipped_models_open_the_door_and_pull_the_drawer_the_way_they_are_dragged(cabinet):
    shipped = DragMesh()
    assert shipped.predictor.name == "kppnet" and shipped.generator.name == "dqvae"
    door = shipped.articulate(cabinet, *DOOR)
    drawer = shipped.articulate(cabinet, *DRAWER)
    assert door.joint.type == "revolute" and drawer.joint.type == "prismatic"
    for result, (_, point, vector) in ((door, DOOR), (drawer, DRAWER)):
        assert (moved(result, point) - point) @ np.asarray(vector) > 0
    # The hinge is the door's vertical edge, the slide the drawer's front normal.
    assert abs(door.joint.axis[1]) > 0.99
    assert abs(drawer.joint.axis @ np.asarray(DRAWER[2]) / np.linalg.norm(DRAWER[2])) > 0.95


def test_sampled_motions_differ_and_all_move_with_the_drag(cabinet):
    result = DragMesh().articulate(cabinet, *DOOR, samples=8, seed=3)
    values = result.samples["values"]  # (8, T), sample 0 the default
    assert values.shape[0] == 8 and np.all(values >= 0) and np.all(values[:, -1] > 0)
    np.testing.assert_allclose(values[0], result.values)
    # Different timings and extents, not one trajectory eight times.
    mid = values[:, values.shape[1] // 2] / values[:, -1]
    assert mid.std() > 0.01 and (values[:, -1] / values[0, -1]).std() > 0.01


def test_missing_weights_are_one_clear_error(tmp_path):
    from dragmesh.errors import WeightsError

    with pytest.raises(WeightsError, match="missing weights file"):
        DragMesh(weights_dir=tmp_path)
    with pytest.raises(InputError, match="unknown joint model"):
        DragMesh(joint_model="oracle")
