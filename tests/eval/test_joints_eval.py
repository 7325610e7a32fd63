"""eval joints: rows for every predictor, both drag variants, seen and held-out groups."""

import json

from dragmesh import cli
from dragmesh.data.bench import build_bench
from dragmesh.data.splits import BenchSpec
from dragmesh.eval.joints import evaluate, format_table
from dragmesh.models.baseline import GeometricJointPredictor


def test_evaluate_reports_both_variants_and_groups():
    samples = build_bench(BenchSpec(seen_per_category=1, held_out_per_category=1, n_points=512),
                          categories=("StorageFurniture", "Table", "Safe"))
    result = evaluate({"geometric": GeometricJointPredictor()}, samples, n_points=512)
    for variant in ("perturbed", "exact"):
        entry = result["geometric"][variant]
        assert entry["seen"]["n"] == 2 and entry["held_out"]["n"] == 1
        assert 0 <= entry["all"]["type_acc"] <= 100
        assert set(entry["per_category"]) == {"StorageFurniture", "Table", "Safe"}
    text = format_table(result, per_category=True)
    assert "| geometric | perturbed | seen | 2 |" in text


def test_cli_json_is_one_object(capsys, tmp_path):
    assert cli.main(["eval", "joints", "--limit", "6", "--json", "--weights", str(tmp_path)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    doc = json.loads(out[-1])
    assert "geometric" in doc and "kppnet" not in doc


def test_shipped_weights_give_every_learned_row(capsys):
    assert cli.main(["eval", "joints", "--limit", "4", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {"typenet+kppnet+snap", "kppnet+snap", "kppnet", "geometric"} <= set(doc)
