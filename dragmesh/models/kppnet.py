"""KPP-Net: joint type, axis and pivot from a point cloud with a part mask and a drag.

The paper's design, sized for a laptop CPU: a global PointNet branch over every point
(xyz, part mask, offset to the drag point, drag vector) and a local branch over the moving part
(coordinates relative to the part's centroid and to the drag point), fused into decoupled heads for
the joint type, the axis direction and the pivot.

Everything is in the model frame (+Y up, centred, unit largest extent). The axis head predicts a
line direction; its sign is then set from the drag (a positive joint value moves the part the way
it is dragged; docs/architecture.md, Conventions), so the sign is exact whenever the line is right. The pivot head predicts an
offset from the part's centroid; for revolute joints it is trained on its distance to the true axis
line (any point of the line is a right answer) and reported as the point of the line nearest the
part's centroid.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F


@dataclass
class KPPNetConfig:
    n_points: int = 1024
    width: int = 128  # channels of each branch's last point-wise layer
    hidden: int = 256  # width of the fused MLP
    dropout: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def point_mlp(sizes: list[int]) -> nn.Sequential:
    """Shared per-point MLP over (..., N, C). No normalisation layers: per-point LayerNorm costs
    half the training step on a CPU, and BatchNorm behaves differently at batch 1."""
    layers: list[nn.Module] = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    return nn.Sequential(*layers)


def masked_pool(feat: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Max and mean of feat (B, N, C) over the points where mask (B, N) is 1 → (B, 2C)."""
    m = mask.unsqueeze(-1)
    neg = torch.finfo(feat.dtype).min
    mx = feat.masked_fill(m == 0, neg).amax(dim=1)
    mean = (feat * m).sum(1) / m.sum(1).clamp_min(1.0)
    return torch.cat([mx, mean], dim=-1)


def part_points(points: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The points the local branch reads, and their mask: only the part's points (B, k, 3) when
    every row has the same number k of them (inference reads one object in several views), so the
    branch skips the rest of the object; otherwise all points (B, N, 3) and the mask itself. The
    pooled features are the same either way."""
    counts = mask.sum(1)
    k = int(counts[0])
    if k == 0 or k == mask.shape[1] or not bool((counts == k).all()):
        return points, mask
    index = torch.argsort(mask, dim=1, descending=True, stable=True)[:, :k]
    return torch.gather(points, 1, index.unsqueeze(-1).expand(-1, -1, 3)), mask.new_ones(mask.shape[0], k)


class KPPNet(nn.Module):
    """forward(points (B,N,3), mask (B,N) in {0,1}, drag_point (B,3), drag_vector (B,3)) →
    dict(type_logits (B,2) [revolute, prismatic], axis (B,3) unit, signed by the drag,
    origin (B,3) model frame)."""

    def __init__(self, cfg: KPPNetConfig | None = None):
        super().__init__()
        self.cfg = cfg = cfg or KPPNetConfig()
        w = cfg.width
        self.global_mlp = point_mlp([10, 64, 128, w])
        self.local_mlp = point_mlp([9, 64, 128, w])
        self.fuse = nn.Sequential(
            nn.Linear(4 * w + 9, cfg.hidden), nn.LayerNorm(cfg.hidden), nn.GELU(), nn.Dropout(cfg.dropout),
            nn.Linear(cfg.hidden, cfg.hidden), nn.GELU(),
        )
        self.type_head = nn.Linear(cfg.hidden, 2)
        self.axis_head = nn.Sequential(nn.Linear(cfg.hidden, cfg.hidden // 2), nn.GELU(), nn.Linear(cfg.hidden // 2, 3))
        self.origin_head = nn.Sequential(nn.Linear(cfg.hidden, cfg.hidden // 2), nn.GELU(), nn.Linear(cfg.hidden // 2, 3))

    def forward(self, points, mask, drag_point, drag_vector) -> dict[str, torch.Tensor]:
        mask = mask.to(points.dtype)
        n = points.shape[1]
        p = drag_point.unsqueeze(1)
        v = drag_vector.unsqueeze(1).expand(-1, n, -1)
        centroid = (points * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True).clamp_min(1.0)
        c = centroid.unsqueeze(1)

        g = self.global_mlp(torch.cat([points, mask.unsqueeze(-1), points - p, v], dim=-1))
        local_points, local_mask = part_points(points, mask)
        l = self.local_mlp(torch.cat([local_points - c, local_points - p, v[:, : local_points.shape[1]]], dim=-1))
        feat = torch.cat([
            masked_pool(g, torch.ones_like(mask)),
            masked_pool(l, local_mask),
            centroid, drag_point, drag_vector,
        ], dim=-1)
        h = self.fuse(feat)

        axis = F.normalize(self.axis_head(h), dim=-1)
        origin = centroid + self.origin_head(h)
        logits = self.type_head(h)
        axis = orient_axis(axis, origin, logits.argmax(-1) == 0, drag_point, drag_vector)
        return {"type_logits": logits, "axis": axis, "origin": origin}


def orient_axis(axis, origin, is_revolute, drag_point, drag_vector) -> torch.Tensor:
    """Flip axis (B,3) so that a positive joint value moves drag_point along drag_vector.

    Revolute: the motion of p is a × (p − o), so the sign is that of a · ((p − o) × v).
    Prismatic: the sign of a · v.
    """
    rev = (axis * torch.cross(drag_point - origin, drag_vector, dim=-1)).sum(-1)
    pri = (axis * drag_vector).sum(-1)
    s = torch.where(is_revolute, rev, pri)
    return torch.where(s.unsqueeze(-1) < 0, -axis, axis)


def kppnet_loss(out, joint_type, axis, origin, w_type=1.0, w_axis=1.0, w_origin=5.0) -> dict:
    """The paper's losses: cross-entropy (type), geodesic angle on the axis line, smooth-L1 on the
    pivot's distance to the true axis line (revolute only).

    joint_type (B,) long, 0 = revolute, 1 = prismatic; axis (B,3) unit; origin (B,3).
    """
    ce = F.cross_entropy(out["type_logits"], joint_type)
    # atan2(|a×b|, |a·b|): the angle between lines, exact near 0° where acos has no usable gradient.
    sin = torch.sqrt(torch.cross(out["axis"], axis, dim=-1).pow(2).sum(-1) + 1e-12)
    ang = torch.atan2(sin, (out["axis"] * axis).sum(-1).abs())
    rev = (joint_type == 0).to(axis.dtype)
    line = torch.linalg.norm(torch.cross(out["origin"] - origin, axis, dim=-1), dim=-1)
    org = (F.smooth_l1_loss(line, torch.zeros_like(line), reduction="none", beta=0.02) * rev).sum() / rev.sum().clamp_min(1)
    total = w_type * ce + w_axis * ang.mean() + w_origin * org
    return {"loss": total, "type": ce, "axis_deg": torch.rad2deg(ang).mean(), "origin": org}
