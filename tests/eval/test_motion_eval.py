"""`dragmesh eval motion` on a tiny benchmark slice: the measures, the rows, the groups."""

import json

import numpy as np
import pytest
import torch

from dragmesh import cli
from dragmesh.data import splits
from dragmesh.data.generator import registered_categories
from dragmesh.eval import motion as ev
from dragmesh.models.dqvae import DQVAE, DQVAEConfig, MotionGenerator
from dragmesh.training.common import save_weights


pytestmark = pytest.mark.usefixtures("one_thread")


TINY = dict(n_points=128, k_local=8, point_width=16, joint_dim=16, drag_dim=16, cond_dim=32, latent_dim=4,
            d_model=16, n_heads=2, n_layers=1, ff_dim=32)


@pytest.fixture(scope="module")
def bench():
    """Two samples of a seen category and two of a held-out one."""
    held = [c for c in splits.HELD_OUT if c in registered_categories()]
    cats = [splits.split_categories("train")[0], held[0]]
    return splits.build_bench(splits.BenchSpec(2, 2, 512, 16), categories=cats)


def test_measures_of_known_motions(bench):
    s = bench[0]
    joint = s.joint()
    part = ev.part_points(s.points, s.mask)
    m = ev.motion_metrics(s.traj, s.traj, joint, part, s.drag_point, s.drag_vector, float(s.diag))
    assert m["traj"] == 0 and m["last"] == 0 and m["chamfer"] < 1e-9 and m["violation"] < 1e-6
    assert m["dir"] == 100.0
    # The exact trajectory ends exactly where the exact drag asks.
    e = s.exact_variant()
    m = ev.motion_metrics(e.traj, e.traj, joint, part, e.drag_point, e.drag_vector, float(e.diag))
    assert m["drag"] < 1e-5
    # Half the motion: errors appear, violation stays zero (still a joint motion).
    half = joint.dual_quaternions(np.linspace(0, s.values[-1] / 2, 16))
    m = ev.motion_metrics(half, s.traj, joint, part, s.drag_point, s.drag_vector, float(s.diag))
    assert m["last"] > 2 * m["traj"] * 0.9 > 0 and m["violation"] < 1e-6
    # A motion off the joint (a translation added) is a kinematic violation.
    off = s.traj.copy()
    from dragmesh.geometry.dualquat import dq_multiply

    shift = np.array([1, 0, 0, 0, 0, 0.01, 0, 0])  # translation (0.02, 0, 0)
    off = dq_multiply(torch.tensor(shift), torch.tensor(off)).numpy()
    m = ev.motion_metrics(off, s.traj, joint, part, s.drag_point, s.drag_vector, float(s.diag))
    assert m["violation"] > 0.3 * 0.02 / float(s.diag)


def test_evaluate_rows_and_groups(bench):
    torch.manual_seed(0)
    gen = MotionGenerator.from_model(DQVAE(DQVAEConfig(**TINY)))
    result = ev.evaluate(bench, gen, latency_threads=1)
    json.dumps(result)
    groups = {r["group"] for r in result["rows"]}
    assert groups == {"seen / perturbed", "seen / exact", "held-out / perturbed", "held-out / exact"}
    rows = {(r["row"], r["group"]): r for r in result["rows"]}
    for g in groups:
        oracle, base, model = rows["oracle", g], rows["analytic (GT joint)", g], rows["dqvae (GT joint)", g]
        assert oracle["traj"] == 0 and oracle["violation"] < 1e-6
        assert base["violation"] < 1e-6 and base["dir"] == 100.0
        # An untrained DQ-VAE decodes the analytic trajectory.
        assert abs(model["traj"] - base["traj"]) < 1e-4
        assert model["n"] == 2
        # A tilted, shifted joint is worse than the true one, and still a joint motion.
        noisy = rows["analytic (noisy joint)", g]
        assert noisy["traj"] > base["traj"] + 1e-4 and noisy["violation"] < 1e-6
    assert result["latency_ms"]["p50"] > 0
    assert "seen / perturbed" in ev.format_table(result)


def test_predicted_joint_rows_use_the_predictor(bench):
    from dragmesh.models.prediction import JointPrediction

    class Flipped:
        """Predicts the true joint line with its axis reversed and its origin elsewhere on the line."""

        def predict(self, points, mask, drag_point, drag_vector):
            s = next(b for b in bench if np.allclose(b.points, points))
            j = s.joint()
            return JointPrediction(ev.Joint(j.type, -j.axis, j.origin + 0.3 * j.axis), 0.9)

    result = ev.evaluate(bench, None, Flipped())
    rows = {(r["row"], r["group"]): r for r in result["rows"]}
    # Made as the pipeline makes it (sign from the drag, conventional origin), it is the true joint.
    for g in ("seen / perturbed", "held-out / exact"):
        assert rows["analytic (predicted joint)", g]["traj"] < 1e-6
        assert rows["analytic (predicted joint)", g]["dir"] == 100.0
    assert result["predicted_joints"] and "latency_ms" not in result


def test_cli_eval_motion_json(bench, tmp_path, monkeypatch, capsys):
    save_weights(DQVAE(DQVAEConfig(**TINY)), tmp_path, "motion", DQVAEConfig(**TINY).to_dict())
    monkeypatch.setattr(ev, "bench_samples", lambda folder, limit: bench[:limit] if limit else bench)
    assert cli.main(["eval", "motion", "--json", "--weights", str(tmp_path), "--limit", "2", "--latency-threads", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["predicted_joints"] is False
    assert {r["row"] for r in out["rows"]} == {"oracle", "analytic (GT joint)", "dqvae (GT joint)",
                                              "analytic (noisy joint)", "dqvae (noisy joint)"}
    assert cli.main(["eval", "motion", "--weights", str(tmp_path / "none")]) == 2  # missing weights: one line
    assert "missing weights" in capsys.readouterr().err
