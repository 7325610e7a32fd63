"""The motion trainer on a tiny config: its re-timed targets, and it learns, checkpoints, resumes and
ships weights."""

import argparse
import json
import math

import pytest
import torch

from dragmesh import cli
from dragmesh.data import generator
from dragmesh.geometry.dualquat import project_dq_to_value
from dragmesh.models.dqvae import DQVAE, DQVAEConfig, MotionGenerator, frame_times, kl_weight
from dragmesh.training import motion


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny tensors: more threads only add barrier waits (and the CI box may be busy)."""
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


TINY = ["--points", "64", "--width", "16", "--d-model", "16", "--layers", "1", "--latent", "4"]


def tiny_batch(n=8):
    samples = list(generator.generate("train", seed=3, stop=n, categories=("StorageFurniture",),
                                      config=generator.GeneratorConfig(n_points=256)))
    return torch.utils.data.default_collate([generator.to_tensors(s) for s in samples])


def test_ease_profiles_start_at_zero_end_at_the_extent_and_are_monotone():
    tau = frame_times(101)
    zero = torch.zeros(1)
    assert torch.allclose(motion.ease_profile(tau, zero, zero, zero)[0], tau)
    smooth = motion.ease_profile(tau, zero, -torch.ones(1), zero)[0]
    assert torch.allclose(smooth, tau * tau * (3 - 2 * tau), atol=1e-6)  # b = -1 is smoothstep
    # Every (a, b) the trainer draws, even at the widest ranges, with the extent it allows.
    cfg = DQVAEConfig(ease_a=1.0, ease_b=1.0, extent=0.15, p_linear=0.0)
    n = 2000
    a, b, c = motion.draw_timing(torch.ones(n), torch.full((n, 2), math.nan), cfg, torch.Generator().manual_seed(0))
    assert (a.abs() + b.abs()).max() <= 1.0 + 1e-6 and c.abs().max() <= 0.15
    prof = motion.ease_profile(tau, a, b, c)
    assert (prof[:, 0] == 0).all() and torch.allclose(prof[:, -1], 1 + c)
    assert (prof.diff(dim=1) >= -1e-7).all()
    # Zero-mean, so the mean target is the linear one (z = the prior mean's default).
    assert (prof.mean(0) - tau).abs().max() < 0.02
    assert min(a.abs().max(), b.abs().max()) > 0.9 and c.abs().max() > 0.14


def test_draw_timing_keeps_a_linear_fraction_and_the_extent_inside_the_limits():
    cfg = DQVAEConfig(p_linear=0.25, extent=0.15)
    n = 4000
    final = torch.full((n,), 0.5)
    final[: n // 2] = -0.5
    limits = torch.tensor([[-0.55, 0.52]]).expand(n, 2).clone()
    limits[-100:] = math.nan
    a, b, c = motion.draw_timing(final, limits, cfg, torch.Generator().manual_seed(1))
    linear = (a == 0) & (b == 0) & (c == 0)
    assert 0.2 < linear.float().mean() < 0.3
    # Room ahead: 10 % closing (lower limit -0.55), 4 % opening (upper 0.52), unlimited at the end.
    assert c[: n // 2].abs().max() <= 0.1 + 1e-6 and c[: n // 2].abs().max() > 0.09
    assert c[n // 2: -100].abs().max() <= 0.04 + 1e-6
    assert c[-100:].abs().max() > 0.1


def test_retimed_targets_are_the_ground_truth_when_linear_and_stay_on_the_joint():
    batch = motion.yaw(tiny_batch(8), torch.Generator().manual_seed(2))
    is_rev = batch["joint_type"].reshape(-1) == 0
    axis, origin, limits = batch["joint_axis"], batch["joint_origin"], batch["joint_limits"]
    zero = torch.zeros(8)
    for traj, values in (("traj", "values"), ("traj_exact", "values_exact")):
        again = motion.retimed_target(is_rev, axis, origin, batch[values][:, -1], limits, zero, zero, zero, 16)
        assert torch.allclose(again, batch[traj], atol=1e-5)
    # Eased and 10 % longer: still the joint's own motion, at the profile's values, within the limits.
    final = batch["values"][:, -1]
    a, b, c = torch.full((8,), 0.5), torch.full((8,), -0.3), torch.full((8,), 0.1)
    eased = motion.retimed_target(is_rev, axis, origin, final, limits, a, b, c, 16)
    got = project_dq_to_value(is_rev[:, None], axis[:, None], origin[:, None], eased)
    want = final[:, None] * motion.ease_profile(frame_times(16), a, b, c)
    want = torch.minimum(want, torch.nan_to_num(limits[:, 1:], nan=math.inf))
    assert torch.allclose(got, want, atol=1e-5)
    assert not torch.allclose(eased, batch["traj"], atol=1e-3)


def test_a_few_steps_reduce_the_loss_on_a_fixed_batch():
    torch.manual_seed(0)
    args = argparse.ArgumentParser()
    motion.add_arguments(args)
    cfg = motion.model_config(args.parse_args(TINY))
    model = DQVAE(cfg)
    gen = torch.Generator().manual_seed(0)
    x = motion.model_inputs(motion.yaw(tiny_batch(), gen), cfg, gen, p_exact=0.5)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    for step in range(80):
        loss = motion.forward_loss(model, x, cfg, kl_weight(step, cfg))
        opt.zero_grad()
        loss["loss"].backward()
        opt.step()
        losses.append({k: float(v.detach()) for k, v in loss.items()})
    # The noisy joint prior and the re-timed targets make the analytic start wrong; the model learns
    # to correct it.
    assert losses[0]["rec"] > 0
    assert sum(l["rec"] for l in losses[-5:]) / 5 < 0.7 * losses[0]["rec"]
    assert all(torch.isfinite(torch.tensor(l["loss"])) for l in losses)


def test_yaw_moves_inputs_and_targets_together():
    batch = tiny_batch(4)
    out = motion.yaw(batch, torch.Generator().manual_seed(1))
    from dragmesh.geometry.dualquat import dq_apply

    for v, t in (("drag_vector", "traj"), ("drag_vector_exact", "traj_exact")):
        end = dq_apply(out[t][:, -1], out["drag_point"][:, None])[:, 0]
        end0 = dq_apply(batch[t][:, -1], batch["drag_point"][:, None])[:, 0]
        # Rigid: the dragged point travels the same distance, in the rotated frame.
        assert torch.allclose((end - out["drag_point"]).norm(dim=-1), (end0 - batch["drag_point"]).norm(dim=-1), atol=1e-5)
    assert not torch.allclose(out["points"], batch["points"])
    # The exact drag still takes the point where the exact trajectory does.
    end = dq_apply(out["traj_exact"][:, -1], out["drag_point"][:, None])[:, 0]
    assert torch.allclose(end, out["drag_point"] + out["drag_vector_exact"], atol=1e-4)


def test_cli_trains_checkpoints_resumes_and_ships(tmp_path):
    common = ["train", "motion", *TINY, "--batch", "4", "--workers", "0", "--pool", "32", "--ckpt-every", "2",
              "--val-every", "3", "--val-samples", "2", "--categories", "StorageFurniture", "--out", str(tmp_path)]
    assert cli.main([*common, "--steps", "3"]) == 0
    state = torch.load(tmp_path / "checkpoint.pt", weights_only=False)
    assert state["step"] == 3
    assert any("val_traj" in h and "val_extent_std" in h for h in state["history"])
    assert (tmp_path / "curves.png").stat().st_size > 0
    assert cli.main([*common, "--steps", "5", "--resume", "--ship", str(tmp_path / "ship")]) == 0
    state = torch.load(tmp_path / "checkpoint.pt", weights_only=False)
    assert state["step"] == 5
    for folder in (tmp_path, tmp_path / "ship"):
        meta = json.loads((folder / "motion.json").read_text())
        assert meta["steps"] == 5 and meta["config"]["point_width"] == 16
        assert meta["config"]["ease_a"] == 1.0 and meta["config"]["extent"] == 0.15
        assert "dragmesh train motion" in (folder / "motion.md").read_text()
        gen = MotionGenerator.load(folder)
        assert gen.cfg == DQVAEConfig.from_dict(meta["config"])
