"""`dragmesh eval motion` on a tiny benchmark slice: the measures, the rows, the groups."""

import json

import numpy as np
import pytest
import torch

from dragmesh import cli
from dragmesh.data import splits
from dragmesh.data.bench import build_bench
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
    return build_bench(splits.BenchSpec(2, 2, 512, 16), categories=cats)


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


def test_sampling_measures_of_known_motions(bench):
    s = bench[0]
    joint = s.joint()
    part = ev.part_points(s.points, s.mask)
    v = float(s.values[-1])
    tau = np.linspace(0.0, 1.0, 17)  # a frame at tau = 1/2
    profiles = [tau, 1.2 * tau, 2 * tau - tau * tau]  # the default, 20 % further, eased out
    trajs = np.stack([joint.dual_quaternions(v * p) for p in profiles])
    true = joint.dual_quaternions(v * tau)
    m = ev.sampling_measures(trajs, true, joint, part, s.drag_point, s.drag_vector, float(s.diag))
    assert set(m) == set(ev.SAMPLING)
    assert m["mid_std"] == pytest.approx(np.std([0.5, 0.5, 0.75]), abs=1e-4)
    assert m["extent_std"] == pytest.approx(np.std([1.0, 1.2, 1.0]), abs=1e-4)
    assert m["pairwise"] > 0
    assert m["monotone"] == 100.0 and m["dir"] == 100.0 and m["violation"] < 1e-6
    # A drawn motion that goes back part of the way is not monotone; one identical set spreads nothing.
    back = np.stack([trajs[0], trajs[1], joint.dual_quaternions(v * np.minimum(tau, 1.2 - tau))])
    assert ev.sampling_measures(back, true, joint, part, s.drag_point, s.drag_vector, float(s.diag))["monotone"] == 50.0
    same = ev.sampling_measures(trajs[[0, 0, 0]], true, joint, part, s.drag_point, s.drag_vector, float(s.diag))
    assert same["mid_std"] == 0 and same["extent_std"] == 0 and same["pairwise"] == 0


def test_evaluate_rows_and_groups(bench):
    torch.manual_seed(0)
    gen = MotionGenerator(DQVAE(DQVAEConfig(**TINY)))
    result = ev.evaluate(bench, gen, latency_threads=1, n_samples=3)
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
    # Zero head: every latent decodes the analytic motion, so sampling spreads nothing.
    sampling = result["sampling"]
    assert sampling["samples"] == 3 and [r["group"] for r in sampling["rows"]] == [
        "seen / perturbed", "seen / exact", "held-out / perturbed", "held-out / exact"]
    for r in sampling["rows"]:
        assert r["n"] == 2 and r["extent_std"] < 1e-6 and r["pairwise"] < 1e-6
        assert r["monotone"] == 100.0 and r["dir"] == 100.0 and r["violation"] < 1e-6


def test_sampling_section_of_a_model_whose_latent_matters(bench):
    torch.manual_seed(0)
    model = DQVAE(DQVAEConfig(**TINY))
    for p in model.head.parameters():  # a trained-looking head: z now changes the motion
        torch.nn.init.normal_(p, std=0.05)
    result = ev.evaluate(bench[:2], MotionGenerator(model), latency_threads=1, n_samples=4)
    json.dumps(result)
    (row,) = [r for r in result["sampling"]["rows"] if r["group"] == "seen / perturbed"]
    assert set(row) == {"group", "n", *ev.SAMPLING}
    assert 0 < row["mid_std"] < 1 and 0 < row["extent_std"] < 1 and 0 < row["pairwise"] < 0.5
    for k in ("monotone", "dir"):
        assert 0 <= row[k] <= 100
    assert 0 < row["violation"] < 0.5
    assert result["sampling"]["analytic"] == {"mid_std": 0.0, "extent_std": 0.0, "pairwise": 0.0}
    table = ev.format_table(result)
    assert "DQ-VAE sampling, GT joint, 4 motions per drag" in table and "0 by construction" in table


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
    assert cli.main(["eval", "motion", "--json", "--weights", str(tmp_path), "--limit", "2", "--latency-threads", "1",
                     "--samples", "2"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["predicted_joints"] is False
    assert out["sampling"]["samples"] == 2 and {"mid_std", "extent_std", "pairwise"} <= out["sampling"]["rows"][0].keys()
    assert {r["row"] for r in out["rows"]} == {"oracle", "analytic (GT joint)", "dqvae (GT joint)",
                                              "analytic (noisy joint)", "dqvae (noisy joint)"}
    assert cli.main(["eval", "motion", "--weights", str(tmp_path / "none")]) == 2  # missing weights: one line
    assert "missing weights" in capsys.readouterr().err
