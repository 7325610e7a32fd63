"""The part-frame type classifier: its inputs are yaw invariant and oriented away from the base,
bad input is refused, the network has the documented shapes."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from dragmesh.models.typenet import N_SCALARS, TypeNet, TypeNetConfig, axis_targets, drag_features, part_geometry


def button_on_panel(rng, n=600):
    """A 0.3 x 0.3 panel (z = 0 face) with a 0.04 x 0.03 x 0.01 button on it: points, mask."""
    panel = np.c_[rng.uniform(-0.15, 0.15, (n, 2)), rng.uniform(-0.01, 0.0, n)]
    button = np.c_[rng.uniform(-0.02, 0.02, n // 4), rng.uniform(-0.015, 0.015, n // 4), rng.uniform(0.0, 0.01, n // 4)]
    pts = np.concatenate([panel, button])
    return pts, np.r_[np.zeros(n, bool), np.ones(n // 4, bool)]


def yaw(theta):
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def batch(geom):
    return {k: torch.from_numpy(np.asarray(v)).unsqueeze(0) for k, v in geom.items()}


def test_part_frame_is_sorted_by_extent_and_points_away_from_the_base():
    pts, mask = button_on_panel(np.random.default_rng(0))
    g = part_geometry(pts, mask, 32, 64)
    assert np.all(np.diff(g["ext"]) <= 0)
    np.testing.assert_allclose(g["ext"], [0.04, 0.03, 0.01], rtol=0.1)
    # The thinnest axis is the button's normal, signed away from the panel (+Z).
    assert g["axes"][2] @ np.array([0, 0, 1.0]) > 0.99
    assert g["part"].shape == (32, 3) and g["context"].shape == (64, 3)
    assert np.abs(g["context"]).max() <= 3.0  # clipped to CLIP part sizes


def test_inputs_do_not_change_when_the_object_turns_about_up():
    pts, mask = button_on_panel(np.random.default_rng(1))
    p, v = np.array([0.015, 0.0, 0.01]), np.array([0.0, 0.0, -0.004])
    r = yaw(0.7)
    a, b = part_geometry(pts, mask, 32, 64), part_geometry(pts @ r.T, mask, 32, 64)
    for k in ("ext", "part", "context", "obj_centre"):
        np.testing.assert_allclose(a[k], b[k], atol=1e-4)
    row = lambda x: torch.from_numpy(np.asarray(x, dtype=np.float32)[None])
    fa = drag_features(batch(a), row(p), row(v))[0]
    fb = drag_features(batch(b), row(r @ p), row(r @ v))[0]
    assert fa.shape == (1, N_SCALARS)
    torch.testing.assert_close(fa, fb, atol=1e-4, rtol=1e-4)


def test_a_part_with_no_points_is_refused():
    pts, mask = button_on_panel(np.random.default_rng(2))
    with pytest.raises(ValueError, match="no points"):
        part_geometry(pts, np.zeros(len(pts), bool), 8, 8)


def test_network_gives_two_logits_per_sample(one_thread):
    cfg = TypeNetConfig(n_part=16, n_context=24, width=16, hidden=32)
    pts, mask = button_on_panel(np.random.default_rng(3))
    geoms = [part_geometry(pts, mask, 16, 24, rng=np.random.default_rng(i)) for i in range(3)]
    geom = {k: torch.from_numpy(np.stack([g[k] for g in geoms])) for k in geoms[0]}
    types, axis = TypeNet(cfg)(geom, torch.zeros(3, 3), torch.tensor([[0.0, 0.0, -0.01]] * 3))
    assert types.shape == (3, 2) and torch.isfinite(types).all() and axis is None
    types, axis = TypeNet(replace(cfg, axis_head=True))(geom, torch.zeros(3, 3), torch.tensor([[0.0, 0.0, -0.01]] * 3))
    assert axis.shape == (3, 4) and torch.isfinite(axis).all()


def test_axis_targets_name_the_part_axis_along_the_joint_or_none():
    axes = torch.eye(3).expand(3, 3, 3)
    tilt = np.radians(5.0)
    joint = torch.tensor([[0.0, 0.0, -1.0], [np.sin(tilt), np.cos(tilt), 0.0], [1.0, 1.0, 0.0]], dtype=torch.float32)
    assert axis_targets(axes, joint).tolist() == [2, 1, 3]  # sign-blind; 45° off every axis: none


def test_range_head_targets_and_loss():
    from dragmesh.models.typenet import RANGE_OUTPUTS, range_loss, range_targets

    limits = torch.tensor([[-0.5, 1.0], [0.0, 0.2], [float("nan"), float("nan")]])
    types = torch.tensor([0, 1, 0])
    t = range_targets(types, limits, torch.tensor([1.0, 0.4, 1.0]))
    assert t["continuous"].tolist() == [0.0, 0.0, 1.0]
    assert torch.allclose(t["log_range"][:2], torch.log(torch.tensor([1.5, 0.5])))
    assert torch.allclose(t["fraction"][:2], torch.tensor([1.0 / 1.5, 1.0]))
    out = torch.zeros(3, RANGE_OUTPUTS, requires_grad=True)
    loss = range_loss(out, types, t)
    loss.backward()
    assert torch.isfinite(loss) and out.grad.abs().sum() > 0
    cfg = TypeNetConfig(n_part=16, n_context=24, width=16, hidden=32, axis_head=True, range_head=True)
    geom = {k: torch.from_numpy(np.stack([v] * 2)) for k, v in part_geometry(
        np.random.default_rng(0).normal(size=(64, 3)), np.arange(64) < 20, 16, 24).items()}
    heads = TypeNet(cfg)(geom, torch.zeros(2, 3), torch.ones(2, 3) * 0.1, all_heads=True)
    assert heads["range"].shape == (2, RANGE_OUTPUTS) and heads["axis"].shape == (2, 4)
