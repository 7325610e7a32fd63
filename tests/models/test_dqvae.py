"""The DQ-VAE motion generator: shapes, unit outputs, the analytic start, losses, shipped weights."""

import json
import math

import numpy as np
import pytest
import torch

from dragmesh.data.sample import make_sample
from dragmesh.errors import WeightsError
from dragmesh.geometry.dualquat import dq_apply, joint_dq
from dragmesh.geometry.joints import Joint
from dragmesh.models.dqvae import (
    DQVAE, DQVAEConfig, MotionGenerator, dqvae_loss, drag_value, frame_times, joint_frame, mlp, perturb_joint,
    subsample,
)
from dragmesh.training.common import save_weights


pytestmark = pytest.mark.usefixtures("one_thread")


TINY = dict(n_points=128, k_local=8, point_width=32, joint_dim=16, drag_dim=16, cond_dim=32, latent_dim=4,
            d_model=32, n_heads=2, n_layers=2, ff_dim=32, loss_points=16, chamfer_points=8)


def _box(size, centre):
    v = np.array([[x, y, z] for x in (-0.5, 0.5) for y in (-0.5, 0.5) for z in (-0.5, 0.5)]) * size + centre
    f = np.array([[0, 1, 3], [0, 3, 2], [4, 6, 7], [4, 7, 5], [0, 4, 5], [0, 5, 1],
                  [2, 3, 7], [2, 7, 6], [0, 2, 6], [0, 6, 4], [1, 5, 7], [1, 7, 3]])
    return v, f


def cabinet_sample(seed: int, revolute: bool):
    """A box with a door on a vertical hinge (revolute) or a drawer (prismatic), in a random yaw."""
    rng = np.random.default_rng(seed)
    bv, bf = _box(np.array([0.6, 0.8, 0.5]), np.zeros(3))
    if revolute:
        pv, pf = _box(np.array([0.58, 0.78, 0.02]), np.array([0.0, 0.0, 0.26]))
        joint = Joint("revolute", (0, 1, 0), (0.29, 0, 0.27), (0.0, 2.0))
    else:
        pv, pf = _box(np.array([0.5, 0.2, 0.45]), np.array([0.0, 0.2, 0.03]))
        joint = Joint("prismatic", (0, 0, 1), (0, 0.2, 0.2), (0.0, 0.4))
    yaw = rng.uniform(0, 2 * math.pi)
    T = np.eye(4)
    T[:3, :3] = [[math.cos(yaw), 0, math.sin(yaw)], [0, 1, 0], [-math.sin(yaw), 0, math.cos(yaw)]]
    v = np.concatenate([bv, pv]) @ T[:3, :3].T
    f = np.concatenate([bf, pf + len(bv)])
    labels = np.r_[np.zeros(len(bf), int), np.ones(len(pf), int)]
    return make_sample(v, f, labels, 1, joint.transformed(T), 0.0, None, (0, 1, 0), rng, n_points=256,
                       category="StorageFurniture")


def batch_of(samples, n_points=128):
    t = lambda k: torch.tensor(np.stack([np.asarray(getattr(s, k)) for s in samples])).float()
    return {
        "points": t("points")[:, :n_points], "mask": t("mask")[:, :n_points],
        "is_revolute": torch.tensor([s.joint_type == 0 for s in samples]),
        "axis": t("joint_axis"), "origin": t("joint_origin"), "drag_point": t("drag_point"),
        "drag_vector": t("drag_vector"), "limits": t("joint_limits"), "traj": t("traj"), "diag": t("diag"),
        "part": torch.stack([torch.tensor(s.points[s.mask > 0][:16]) for s in samples]).float(),
    }


@pytest.fixture(scope="module")
def samples():
    return [cabinet_sample(i, revolute=i % 2 == 0) for i in range(4)]


def run(model, b, **kw):
    value = drag_value(b["is_revolute"], b["axis"], b["origin"], b["drag_point"], b["drag_vector"], b["limits"])
    return model(b["points"], b["mask"], b["is_revolute"], b["axis"], b["origin"], b["drag_point"],
                 b["drag_vector"], value, **kw)


def test_untrained_model_is_the_analytic_trajectory(samples):
    torch.manual_seed(0)
    model = DQVAE(DQVAEConfig(**TINY))
    b = batch_of(samples)
    out = run(model, b)
    assert out["traj"].shape == (4, 16, 8)
    # The dragged points move with the drags.
    end = dq_apply(out["traj"][:, -1].detach(), b["drag_point"][:, None])[:, 0]
    assert (((end - b["drag_point"]) * b["drag_vector"]).sum(-1) > 0).all()
    # Zero-initialised head: the decoder starts at the joint's own motion to the drag-projected value,
    # which for ground-truth joints is the ground-truth trajectory.
    sign = torch.sign((out["traj"][..., :4] * b["traj"][..., :4]).sum(-1, keepdim=True))
    assert torch.allclose(out["traj"] * sign, b["traj"], atol=2e-5)


def test_the_progress_channel_retimes_the_motion_along_the_joint(samples):
    torch.manual_seed(0)
    model = DQVAE(DQVAEConfig(**TINY))
    b = batch_of(samples)
    with torch.no_grad():  # s_t = progress_scale x 2 = 0.2 on every frame, no other correction
        model.head.bias[8] = 2.0
    value = drag_value(b["is_revolute"], b["axis"], b["origin"], b["drag_point"], b["drag_vector"], b["limits"])
    traj = run(model, b)["traj"].detach()
    # Exactly the joint's own motion, 20 % further at every frame: no kinematic violation.
    want = joint_dq(b["is_revolute"][:, None], b["axis"][:, None], b["origin"][:, None],
                    1.2 * value[:, None] * frame_times(16))
    sign = torch.sign((traj[..., :4] * want[..., :4]).sum(-1, keepdim=True))
    assert torch.allclose(traj * sign, want, atol=2e-5)
    assert not torch.allclose(traj * sign, b["traj"], atol=1e-3)


def test_outputs_are_unit_dual_quaternions_for_any_frame_count(samples):
    torch.manual_seed(0)
    model = DQVAE(DQVAEConfig(**TINY))
    for p in model.head.parameters():  # a trained-looking, non-zero head
        torch.nn.init.normal_(p, std=0.3)
    b = batch_of(samples)
    for frames in (2, 16, 33):
        traj = run(model, b, frames=frames)["traj"]
        assert traj.shape == (4, frames, 8) and torch.isfinite(traj).all()
        qr, qd = traj[..., :4], traj[..., 4:]
        assert torch.allclose(qr.norm(dim=-1), torch.ones(4, frames), atol=1e-5)
        assert (qr * qd).sum(-1).abs().max() < 1e-5
    # tau = 0 is the current pose: frame 0 is the identity whatever the head says.
    assert torch.allclose(traj[:, 0, :4].abs(), torch.tensor([1.0, 0, 0, 0]).expand(4, 4), atol=1e-5)


def test_joint_frame_is_a_rotation_with_z_on_the_axis():
    axis = torch.nn.functional.normalize(torch.randn(64, 3), dim=-1)
    origin, point = torch.randn(64, 3), torch.randn(64, 3)
    point[0] = origin[0] + 0.3 * axis[0]  # drag point on the axis line: the fallback direction
    R = joint_frame(axis, origin, point)
    assert torch.allclose(R.transpose(1, 2) @ R, torch.eye(3).expand(64, 3, 3), atol=1e-5)
    assert torch.allclose(torch.linalg.det(R), torch.ones(64), atol=1e-5)
    assert torch.allclose(R[..., 2], axis, atol=1e-6)
    # x points from the axis towards the drag point.
    assert ((R[1:, :, 0] * (point - origin)[1:]).sum(-1) > 0).all()


def test_losses_are_finite_and_vanish_for_the_true_motion(samples):
    torch.manual_seed(0)
    cfg = DQVAEConfig(**TINY)
    model = DQVAE(cfg)
    b = batch_of(samples)
    out = run(model, b, target=b["traj"])
    assert {"post_mu", "post_logvar"} <= out.keys()
    # The posterior reads the target's progress along the joint: with its dual-quaternion residual
    # inputs cut, an eased target (same end) still moves its mean.
    value = drag_value(b["is_revolute"], b["axis"], b["origin"], b["drag_point"], b["drag_vector"], b["limits"])
    tau = frame_times(16)
    eased = joint_dq(b["is_revolute"][:, None], b["axis"][:, None], b["origin"][:, None],
                     value[:, None] * tau * tau * (3 - 2 * tau))  # smoothstep
    blind = DQVAE(cfg)
    blind.load_state_dict(model.state_dict())
    with torch.no_grad():
        blind.posterior[0].weight[:, cfg.cond_dim: cfg.cond_dim + 8 * cfg.frames] = 0.0
    linear_mu, eased_mu = (run(blind, b, target=t)["post_mu"] for t in (b["traj"], eased))
    assert (eased_mu - linear_mu).abs().max() > 1e-3
    losses = dqvae_loss(out, b["traj"], b["part"], b["is_revolute"], b["axis"], b["diag"], cfg, 1.0)
    assert losses["kl"] >= 0
    for k in ("rec", "chamfer", "quat", "trans", "axis"):
        assert losses[k] < 1e-4, k  # untrained = analytic = the ground truth here
    losses["loss"].backward()
    assert all(torch.isfinite(p.grad).all() for p in model.parameters() if p.grad is not None)

    # A wrong motion (rotation about a tilted axis) costs in every term, the axis term included.
    wrong = dict(out)
    tilt = torch.tensor([math.cos(0.1), math.sin(0.1), 0, 0, 0, 0, 0, 0])
    from dragmesh.geometry.dualquat import dq_multiply
    wrong["traj"] = dq_multiply(tilt.expand_as(out["traj"]), out["traj"].detach())
    bad = dqvae_loss(wrong, b["traj"], b["part"], b["is_revolute"], b["axis"], b["diag"], cfg, 1.0)
    for k in ("rec", "chamfer", "quat", "trans", "axis"):
        assert bad[k] > 10 * losses[k] + 1e-5, k


def test_perturbed_joints_have_the_configured_noise():
    cfg = DQVAEConfig(axis_noise_deg=3.0, pivot_noise=0.02, p_clean=0.25)
    axis = torch.nn.functional.normalize(torch.randn(4000, 3), dim=-1)
    origin, diag = torch.randn(4000, 3), torch.full((4000,), 1.5)
    g = torch.Generator().manual_seed(0)
    a2, o2 = perturb_joint(axis, origin, diag, cfg, g)
    ang = torch.rad2deg(torch.acos((a2 * axis).sum(-1).clamp(max=1)))
    moved = (o2 - origin).norm(dim=-1)
    clean = moved == 0
    assert 0.2 < clean.float().mean() < 0.3
    assert ang[clean].max() < 0.1
    # Half-normal with sigma 3 degrees: mean 3 sqrt(2 / pi) = 2.39.
    assert abs(float(ang[~clean].mean()) - 2.39) < 0.2
    assert abs(float(moved[~clean].square().mean().sqrt()) - 0.02 * 1.5) < 0.003


def test_subsample_keeps_the_prefix_and_enough_of_the_part():
    points = np.arange(3000, dtype=np.float32).reshape(1000, 3)
    mask = np.zeros(1000, np.float32)
    mask[900:] = 1.0
    p, m = subsample(points, mask, 256)
    assert p.shape == (256, 3) and m.sum() == 8  # 256 / 32 part points swapped in at the end
    assert np.array_equal(p[:200], points[:200])
    assert np.all(m[p[:, 0] >= 2700] == 1)


def test_motion_generator_loads_checks_and_generates(samples, tmp_path):
    torch.manual_seed(0)
    cfg = DQVAEConfig(**TINY)
    model = DQVAE(cfg)
    for p in model.head.parameters():
        torch.nn.init.normal_(p, std=0.05)
    save_weights(model, tmp_path, "motion", cfg.to_dict())
    gen = MotionGenerator.load(tmp_path)
    s = samples[0]
    joint = s.joint()
    value = joint.drag_value(s.drag_point, s.drag_vector)
    one = gen.generate(s.points, s.mask, joint, s.drag_point, s.drag_vector, value)
    assert one.shape == (1, 16, 8) and one.dtype == np.float64
    many = gen.generate(s.points, s.mask, joint, s.drag_point, s.drag_vector, value, frames=8, samples=3, seed=1)
    again = gen.generate(s.points, s.mask, joint, s.drag_point, s.drag_vector, value, frames=8, samples=3, seed=1)
    assert many.shape == (3, 8, 8) and np.array_equal(many, again)
    assert not np.allclose(many[1], many[2])  # sampled latents give alternatives
    default8 = gen.generate(s.points, s.mask, joint, s.drag_point, s.drag_vector, value, frames=8)
    assert np.allclose(many[0], default8[0], atol=1e-6)  # sample 0 is the default (prior mean)
    # The same model in memory gives the same motion.
    mem = MotionGenerator(model).generate(s.points, s.mask, joint, s.drag_point, s.drag_vector, value)
    assert np.allclose(mem, one, atol=1e-6)


def test_motion_generator_refuses_bad_weights(tmp_path):
    cfg = DQVAEConfig(**TINY)
    with pytest.raises(WeightsError, match="missing"):
        MotionGenerator.load(tmp_path)
    save_weights(DQVAE(cfg), tmp_path, "motion", cfg.to_dict())
    blob = bytearray((tmp_path / "motion.safetensors").read_bytes())
    blob[-5] ^= 0xFF
    (tmp_path / "motion.safetensors").write_bytes(bytes(blob))
    with pytest.raises(WeightsError, match="sha256"):
        MotionGenerator.load(tmp_path)
    # Weights of another architecture than the config says.
    save_weights(DQVAE(cfg), tmp_path, "motion", {**cfg.to_dict(), "point_width": 48})
    with pytest.raises(WeightsError, match="do not fit"):
        MotionGenerator.load(tmp_path)
    # Weights of the 8-channel head (no progress correction) and its posterior: refused, not
    # silently half-loaded.
    old = DQVAE(cfg)
    old.head = torch.nn.Linear(cfg.d_model, 8)
    old.posterior = mlp([cfg.cond_dim + 8 * cfg.frames, cfg.cond_dim, 2 * cfg.latent_dim])
    save_weights(old, tmp_path, "motion", {k: v for k, v in cfg.to_dict().items() if k != "progress_scale"})
    with pytest.raises(WeightsError, match="do not fit"):
        MotionGenerator.load(tmp_path)
    # A config without a checksum is refused too.
    save_weights(DQVAE(cfg), tmp_path, "motion", cfg.to_dict())
    meta = json.loads((tmp_path / "motion.json").read_text())
    del meta["sha256"]
    (tmp_path / "motion.json").write_text(json.dumps(meta))
    with pytest.raises(WeightsError, match="sha256"):
        MotionGenerator.load(tmp_path)
    (tmp_path / "motion.json").write_text("{not json")
    with pytest.raises(WeightsError):
        MotionGenerator.load(tmp_path)
