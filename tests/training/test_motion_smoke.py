"""The motion trainer on a tiny config: it learns, checkpoints, resumes and ships weights."""

import argparse
import json

import pytest
import torch

from dragmesh import cli
from dragmesh.data import generator
from dragmesh.models.dqvae import DQVAE, DQVAEConfig, MotionGenerator, kl_weight
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
    for step in range(50):
        loss = motion.forward_loss(model, x, cfg, kl_weight(step, cfg))
        opt.zero_grad()
        loss["loss"].backward()
        opt.step()
        losses.append({k: float(v.detach()) for k, v in loss.items()})
    # The noisy joint prior makes the analytic start wrong; the model learns to correct it.
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
    assert any("val_traj" in h for h in state["history"])
    assert (tmp_path / "curves.png").stat().st_size > 0
    assert cli.main([*common, "--steps", "5", "--resume", "--ship", str(tmp_path / "ship")]) == 0
    state = torch.load(tmp_path / "checkpoint.pt", weights_only=False)
    assert state["step"] == 5
    for folder in (tmp_path, tmp_path / "ship"):
        meta = json.loads((folder / "motion.json").read_text())
        assert meta["steps"] == 5 and meta["config"]["point_width"] == 16
        assert "dragmesh train motion" in (folder / "motion.md").read_text()
        gen = MotionGenerator(folder)
        assert gen.cfg == DQVAEConfig.from_dict(meta["config"])
