"""The shipped joint predictor: types from the part-frame classifier, a slide chosen against
KPP-Net's hinge runs along the part's box axis nearest the drag."""

import numpy as np
import pytest

from dragmesh.data.bench import build_bench
from dragmesh.data.splits import BenchSpec
from dragmesh.models.baseline import part_frame
from dragmesh.models.joint_predictor import load_joint_predictor


@pytest.fixture(scope="module")
def doors():
    spec = BenchSpec(seen_per_category=6, held_out_per_category=0, n_points=1024)
    return [s for s in build_bench(spec, categories=("StorageFurniture", "Door")) if s.joint_type == 0]


def test_shipped_predictor_takes_its_types_from_the_classifier(one_thread, doors):
    shipped, own = load_joint_predictor(), load_joint_predictor(types=False)
    assert shipped.types is not None and own.types is None
    s = doors[0]
    probs = shipped.types.probabilities(s.points, s.mask > 0.5, s.drag_point, s.drag_vector)
    pred = shipped.predict(s.points, s.mask > 0.5, s.drag_point, s.drag_vector)
    assert pred.type_probability == pytest.approx(float(probs.max()), abs=1e-6)
    assert pred.joint.type == ("revolute" if probs[0] > probs[1] else "prismatic")


def test_a_slide_forced_on_a_hinge_runs_along_the_box_axis_nearest_the_drag(one_thread, doors):
    predictor = load_joint_predictor(types=False)
    checked = 0
    for s in doors:
        mask = s.mask > 0.5
        if predictor.predict(s.points, mask, s.drag_point, s.drag_vector).joint.type != "revolute":
            continue
        joint = predictor.predict(s.points, mask, s.drag_point, s.drag_vector, joint_type="prismatic").joint
        _, axes, _ = part_frame(s.points[mask].astype(np.float64))
        nearest = axes[np.argmax(np.abs(axes @ s.drag_vector))]
        assert abs(joint.axis @ nearest) == pytest.approx(1.0, abs=1e-6)
        assert joint.axis @ s.drag_vector > 0  # and it moves the way it is dragged
        checked += 1
    assert checked >= 3
