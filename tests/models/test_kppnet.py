"""KPP-Net: shapes, the drag-signed axis, and the paper's losses."""

import torch

from dragmesh.models.kppnet import KPPNet, KPPNetConfig, kppnet_loss, orient_axis


def tiny_inputs(b=3, n=64, seed=0):
    g = torch.Generator().manual_seed(seed)
    pts = torch.rand(b, n, 3, generator=g) - 0.5
    mask = (torch.rand(b, n, generator=g) > 0.6).float()
    return pts, mask, pts[:, 0], torch.randn(b, 3, generator=g)


def test_outputs_have_the_documented_shapes_and_unit_axes():
    model = KPPNet(KPPNetConfig(width=16, hidden=32))
    out = model(*tiny_inputs())
    assert out["type_logits"].shape == (3, 2)
    assert out["axis"].shape == (3, 3) and out["origin"].shape == (3, 3)
    assert torch.allclose(out["axis"].norm(dim=-1), torch.ones(3), atol=1e-5)


def test_axis_is_signed_by_the_drag():
    axis = torch.tensor([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    origin = torch.zeros(3, 3)
    p = torch.tensor([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    v = torch.tensor([[0.0, 0.0, -1.0], [0.0, 0.0, 1.0], [-1.0, 0.0, 0.0]])
    rev = torch.tensor([True, True, False])
    out = orient_axis(axis, origin, rev, p, v)
    # Turning +X about +Y moves it towards -Z: the first drag keeps +Y, the second flips it.
    assert torch.equal(out[0], axis[0]) and torch.equal(out[1], -axis[1])
    assert torch.equal(out[2], -axis[2])  # prismatic: along the drag


def test_loss_is_zero_only_for_the_true_joint_and_ignores_line_position_along_the_axis():
    axis = torch.tensor([[0.0, 1.0, 0.0]])
    origin = torch.tensor([[0.3, 0.0, 0.1]])
    logits = torch.tensor([[20.0, -20.0]])
    exact = kppnet_loss({"type_logits": logits, "axis": axis, "origin": origin + torch.tensor([[0.0, 0.4, 0.0]])},
                        torch.tensor([0]), axis, origin)
    assert float(exact["loss"]) < 1e-3
    off = kppnet_loss({"type_logits": logits, "axis": axis, "origin": origin + torch.tensor([[0.2, 0.0, 0.0]])},
                      torch.tensor([0]), axis, origin)
    assert float(off["origin"]) > 1e-3
    tilted = kppnet_loss({"type_logits": logits, "axis": torch.tensor([[0.0, 0.8, 0.6]]), "origin": origin},
                         torch.tensor([0]), axis, origin)
    assert abs(float(tilted["axis_deg"]) - 36.87) < 0.1


def test_a_few_steps_fit_a_fixed_batch():
    torch.manual_seed(0)
    model = KPPNet(KPPNetConfig(width=16, hidden=32))
    pts, mask, p, v = tiny_inputs(b=8, seed=1)
    t = torch.randint(0, 2, (8,))
    axis = torch.nn.functional.normalize(torch.randn(8, 3), dim=-1)
    origin = torch.randn(8, 3) * 0.1
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    first = None
    for _ in range(60):
        loss = kppnet_loss(model(pts, mask, p, v), t, axis, origin)["loss"]
        first = first if first is not None else float(loss.detach())
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert float(loss.detach()) < 0.6 * first
