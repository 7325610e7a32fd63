"""`dragmesh eval segment`'s parts: one benchmark sample re-made as a welded surface, measured by
every method, and the tables."""

import numpy as np

from dragmesh.data.generator import GeneratorConfig, object_sample
from dragmesh.eval.segment import METHODS, evaluate_sample, format_tables, table, welded_case


def test_one_welded_sample_is_measured_by_every_method():
    sample = object_sample("Dishwasher", 0, GeneratorConfig(n_points=256, frames=4, keep_mesh=True))
    vertices, faces, truth = welded_case(sample)
    again = welded_case(sample)
    np.testing.assert_array_equal(vertices, again[0])  # drawn from the sample's seed: the same re-make
    assert 0.0 < truth.mean() < 0.7 and len(faces) <= 60_000
    record = evaluate_sample(sample)
    for key, _ in METHODS:
        assert 0.0 <= record[key + "iou"] <= 1.0 and record[key + "status"] in ("found", "no part", "off mesh")
    record["group"] = "seen"
    tables = {"seen": table([record]), "held_out": table([])}
    text = format_tables(tables, {"Dishwasher": tables["seen"]})
    assert "| seen | 1 |" in text and "| Dishwasher | 1 |" in text
