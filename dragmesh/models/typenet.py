"""The joint-type classifier: revolute or prismatic, from the part's own shape, its surroundings and
the drag, all seen in the part's principal frame.

KPP-Net's type head sees the whole object in the model frame, where a 2 cm button is 32 of 1,024
points at an arbitrary yaw. Most of its type errors are such small controls: a button pressed in
against a rocker pressed at one end, a knob turned against a slider pushed. What separates them is
local and metric: the part's box proportions, where on the part it is grabbed, and the drag's
direction relative to the box. This network gets exactly that, canonicalised:

- the part frame: the part's principal axes (by decreasing extent, each signed to point away from
  the nearby base, so "outward" means something), its centre and extents;
- the part's points and the nearest base points (the panel around a button, the slot of a slider,
  the cavity of a drawer) in that frame, scaled by the part's largest extent;
- the drag point (absolute and as a fraction of each half-extent), the drag direction and length,
  the up direction, the part's size relative to the object and the object's centroid, all in that
  frame (the object's centroid and radius rather than its box, which changes with yaw).

The inputs are yaw invariant by construction, so no rotation augmentation is needed. Two small
PointNets and an MLP; a fraction of a millisecond at batch 1. :func:`part_geometry` (NumPy, per
sample) and :func:`drag_features` (torch, batched) are the one definition of the inputs, used by
training and inference alike.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from dragmesh.models.kppnet import masked_pool, point_mlp
from dragmesh.models.weights import WEIGHTS_DIR

# Local coordinates are clipped to this many part sizes: far context only says "something is there".
CLIP = 3.0
# Bumped whenever part_geometry or the cached fields change, so cached features are never stale.
FEATURES_VERSION = 4
# A part axis within this angle of the true joint axis is "the joint's axis" for the axis head.
AXIS_MATCH_DEG = 10.0
N_SCALARS = 21


@dataclass
class TypeNetConfig:
    n_part: int = 64  # part points per sample
    n_context: int = 128  # nearest base points per sample
    width: int = 128
    hidden: int = 256
    axis_head: bool = False  # also say which part axis (if any) is the joint's: 3 axes + "none"
    range_head: bool = False  # also predict the joint's range and where in it the part rests

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "TypeNetConfig":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


def part_geometry(points: np.ndarray, mask: np.ndarray, n_part: int, n_context: int,
                  rng: np.random.Generator | None = None) -> dict[str, np.ndarray]:
    """The drag-independent inputs of one sample, float32.

    points (N, 3) model frame, mask (N,) bool. Returns centre (3,), axes (3, 3) rows, ext (3,) (by
    decreasing extent), scale () = the largest extent, obj_size () = twice the object's largest
    distance from its centroid, obj_centre (3,) = that centroid in the part frame / scale, part (n_part, 3) and context (n_context, 3) points in the
    part frame / scale (clipped to ±CLIP). Points are the first ones (they are i.i.d.) unless rng
    is given; fewer than asked are repeated. A part with no point raises ValueError.
    """
    points = np.asarray(points, dtype=np.float64)
    mask = np.asarray(mask, dtype=bool)
    part, base = points[mask], points[~mask]
    if len(part) == 0:
        raise ValueError("the part has no points")
    centre0 = part.mean(axis=0)
    q = part - centre0
    # Principal axes of the part: eigenvectors of its 3x3 scatter, by decreasing spread.
    _, vecs = np.linalg.eigh(q.T @ q)
    axes = vecs[:, ::-1].T.copy()
    local = q @ axes.T
    lo, hi = np.percentile(local, 1, axis=0), np.percentile(local, 99, axis=0)
    ext = np.maximum(hi - lo, 1e-4)
    order = np.argsort(-ext)
    axes, ext = axes[order], ext[order]
    centre = centre0 + ((lo + hi) / 2)[order] @ axes
    scale = float(ext[0])

    if len(base):
        rel = (base - centre) @ axes.T
        gap = np.linalg.norm(np.maximum(np.abs(rel) - ext / 2, 0.0), axis=1)
        near = base[np.argsort(gap, kind="stable")[:n_context]]
        # Each axis points away from the nearby base; where the base is balanced the sign is the
        # eigen solver's, which training sees as noise.
        away = centre - near.mean(axis=0)
        axes = axes * np.where(axes @ away < 0, -1.0, 1.0)[:, None]
    else:
        near = part[:1]
    # The object's centroid and twice its largest radius from it: unlike its box, these do not
    # change when the object turns about up.
    obj_c = points.mean(axis=0)
    obj_size = 2.0 * np.sqrt(((points - obj_c) ** 2).sum(axis=1).max())

    def pick(arr: np.ndarray, n: int) -> np.ndarray:
        idx = rng.integers(0, len(arr), n) if rng is not None else np.arange(n) % len(arr)
        return np.clip((arr[idx] - centre) @ axes.T / scale, -CLIP, CLIP)

    f32 = lambda a: np.asarray(a, dtype=np.float32)
    return {
        "centre": f32(centre), "axes": f32(axes), "ext": f32(ext), "scale": f32(scale),
        "obj_size": f32(obj_size),
        "obj_centre": f32(np.clip((obj_c - centre) @ axes.T / scale, -CLIP, CLIP)),
        "part": f32(pick(part, n_part)), "context": f32(pick(near, n_context)),
    }


def drag_features(geom: dict[str, torch.Tensor], drag_point: torch.Tensor, drag_vector: torch.Tensor) -> tuple:
    """Batched (B, ...) tensors of :func:`part_geometry` plus the drag → (scalars (B, N_SCALARS),
    drag point in the part frame / scale (B, 3), unit drag direction in the part frame (B, 3))."""
    axes, centre, ext = geom["axes"], geom["centre"], geom["ext"]
    scale = geom["scale"].reshape(-1, 1)
    to_part = lambda v: (axes @ v.unsqueeze(-1)).squeeze(-1)
    p = to_part(drag_point - centre) / scale
    frac = torch.clamp(p / (0.5 * ext / scale).clamp_min(1e-3), -CLIP, CLIP)
    length = drag_vector.norm(dim=-1, keepdim=True)
    v = to_part(drag_vector / length.clamp_min(1e-9))
    up = axes[..., 1]  # the part axes' y components: +Y in the part frame
    size = geom["obj_size"].reshape(-1, 1).clamp_min(1e-6)
    scalars = torch.cat([
        torch.clamp(p, -CLIP, CLIP), frac, v, torch.log(length.clamp_min(1e-6) / scale), up,
        torch.log(ext / size), torch.log(ext[:, 1:] / ext[:, :1]), geom["obj_centre"],
    ], dim=-1)
    return scalars, p, v


def axis_targets(axes: torch.Tensor, joint_axis: torch.Tensor) -> torch.Tensor:
    """Axis-head classes (B,): the part axis (rows of axes (B, 3, 3)) within AXIS_MATCH_DEG of the
    joint axis (B, 3), or 3 when none is."""
    cos = (axes @ F.normalize(joint_axis, dim=-1).unsqueeze(-1)).squeeze(-1).abs()  # (B, 3)
    best, k = cos.max(dim=-1)
    return torch.where(best >= torch.cos(torch.deg2rad(torch.tensor(AXIS_MATCH_DEG))), k, torch.full_like(k, 3))


# The range head's outputs: [continuous logit, log range if revolute, log range if prismatic, rest
# fraction logit if revolute, if prismatic]. A revolute range is in radians, a prismatic one in part
# sizes (the part's largest extent), so both are scale free.
RANGE_OUTPUTS = 5


def range_targets(joint_type: torch.Tensor, limits: torch.Tensor, scale: torch.Tensor) -> dict[str, torch.Tensor]:
    """Targets of the range head from true limits (B, 2) (lower <= 0 <= upper, relative to the
    pose in the file, positive along the drag; NaN when the joint is continuous), joint types (B,)
    and part scales (B,): ``continuous`` (B,) float, ``log_range`` (B,) (0 where continuous),
    ``fraction`` (B,) = upper / range, the share of the range that lies along the drag."""
    lo, hi = limits[:, 0], limits[:, 1]
    continuous = ~(torch.isfinite(lo) & torch.isfinite(hi))
    span = torch.where(continuous, torch.ones_like(lo), (hi - lo).clamp_min(1e-4))
    span = torch.where(joint_type == 1, span / scale.reshape(-1).clamp_min(1e-6), span)
    fraction = torch.where(continuous, torch.full_like(lo, 0.5), torch.nan_to_num(hi) / (hi - lo).nan_to_num(1.0).clamp_min(1e-9))
    return {"continuous": continuous.float(), "log_range": torch.where(continuous, torch.zeros_like(lo), span.log()),
            "fraction": fraction.clamp(0.0, 1.0).nan_to_num(0.5)}


def range_loss(out: torch.Tensor, joint_type: torch.Tensor, targets: dict[str, torch.Tensor]) -> torch.Tensor:
    """Cross-entropy of "continuous", and for bounded joints smooth-L1 of the log range and
    cross-entropy of the fraction, on the outputs of the true type."""
    idx = joint_type.long().reshape(-1, 1)
    log_range = out[:, 1:3].gather(1, idx).squeeze(1)
    fraction = out[:, 3:5].gather(1, idx).squeeze(1)
    bounded = 1.0 - targets["continuous"]
    loss = F.binary_cross_entropy_with_logits(out[:, 0], targets["continuous"])
    per = F.smooth_l1_loss(log_range, targets["log_range"], reduction="none", beta=0.2) + \
        F.binary_cross_entropy_with_logits(fraction, targets["fraction"], reduction="none")
    return loss + (per * bounded).sum() / bounded.sum().clamp_min(1.0)


class TypeNet(nn.Module):
    """forward(geom (dict of batched part_geometry tensors), drag_point (B,3), drag_vector (B,3))
    -> (type logits (B, 2) [revolute, prismatic], axis logits (B, 4) [part axis 0, 1, 2, none] or
    None without the axis head).

    The axis head exists because man-made controls turn or slide along an axis of their own box (a
    knob about its normal, a button along it, a rocker about its long axis) where KPP-Net, seeing
    them as a few dozen points, can be tens of degrees off; "none" leaves the axis to KPP-Net."""

    def __init__(self, cfg: TypeNetConfig | None = None):
        super().__init__()
        self.cfg = cfg = cfg or TypeNetConfig()
        w = cfg.width
        # Part points: xyz, offset from the grab point, drag direction (all part frame).
        self.part_mlp = point_mlp([9, 64, w])
        # Base points: xyz, offset from the grab point.
        self.context_mlp = point_mlp([6, 64, w])
        self.scalar_mlp = nn.Sequential(nn.Linear(N_SCALARS, 64), nn.GELU())
        head = lambda out: nn.Sequential(  # on the pooled part and context features and the scalars
            nn.Linear(4 * w + 64, cfg.hidden), nn.LayerNorm(cfg.hidden), nn.GELU(),
            nn.Linear(cfg.hidden, cfg.hidden // 2), nn.GELU(), nn.Linear(cfg.hidden // 2, out),
        )
        self.head = head(2)
        self.axis = head(4) if cfg.axis_head else None
        self.range = head(RANGE_OUTPUTS) if cfg.range_head else None

    def forward(self, geom: dict[str, torch.Tensor], drag_point: torch.Tensor, drag_vector: torch.Tensor,
                all_heads: bool = False):
        """(types, axis) as in the class docstring; with ``all_heads`` the dict of :meth:`heads`."""
        out = self.heads(geom, drag_point, drag_vector)
        return out if all_heads else (out["types"], out["axis"])

    def heads(self, geom: dict[str, torch.Tensor], drag_point: torch.Tensor, drag_vector: torch.Tensor) -> dict:
        """{"types": (B, 2), "axis": (B, 4) or None, "range": (B, RANGE_OUTPUTS) or None}; see
        :func:`range_targets` for what the range outputs mean."""
        feat = self.features(geom, drag_point, drag_vector)
        return {
            "types": self.head(feat),
            "axis": self.axis(feat) if self.axis is not None else None,
            "range": self.range(feat) if self.range is not None else None,
        }

    def features(self, geom: dict[str, torch.Tensor], drag_point: torch.Tensor, drag_vector: torch.Tensor) -> torch.Tensor:
        """The pooled part, context and scalar features (B, 4 * width + 64) every head reads."""
        scalars, p, v = drag_features(geom, drag_point, drag_vector)
        part, ctx = geom["part"], geom["context"]
        n = part.shape[1]
        f_part = self.part_mlp(torch.cat([part, part - p.unsqueeze(1), v.unsqueeze(1).expand(-1, n, -1)], -1))
        f_ctx = self.context_mlp(torch.cat([ctx, ctx - p.unsqueeze(1)], -1))
        ones = lambda f: torch.ones(f.shape[:2], dtype=f.dtype, device=f.device)
        feat = torch.cat([
            masked_pool(f_part, ones(f_part)), masked_pool(f_ctx, ones(f_ctx)),
            self.scalar_mlp(scalars),
        ], -1)
        return feat


@dataclass
class TypeReading:
    """What the classifier says of one drag: type probabilities (2,) [revolute, prismatic]; with
    the axis head, axis probabilities (4,) [part axis 0, 1, 2, none] and the part axes (3, 3) rows
    in the model frame."""

    types: np.ndarray
    axis: np.ndarray | None = None
    axes: np.ndarray | None = None

    def chosen_axis(self, threshold: float = 0.9) -> np.ndarray | None:
        """The part axis the head picks with probability >= threshold, else None. The default was
        chosen on the seen benchmark categories (0.5 / 0.7 / 0.9: axis mean 4.62° / 4.39° /
        4.38°, under 5° 79.2% / 80.5% / 82.3%); where the head is unsure KPP-Net is the better bet."""
        if self.axis is None:
            return None
        k = int(np.argmax(self.axis))
        return self.axes[k].astype(np.float64) if k < 3 and self.axis[k] >= threshold else None


class TypeClassifier:
    """The shipped classifier at batch 1: ``read(points, mask, drag_point, drag_vector)`` ->
    :class:`TypeReading`; ``probabilities`` -> (p_revolute, p_prismatic)."""

    def __init__(self, model: TypeNet, meta: dict | None = None):
        self.model = model.eval()
        self.meta = meta or {}

    @classmethod
    def load(cls, weights_dir: str | Path = WEIGHTS_DIR) -> "TypeClassifier":
        """The classifier of ``types.*`` in ``weights_dir``; WeightsError when they are missing or corrupt."""
        from dragmesh.errors import WeightsError
        from dragmesh.models.weights import fit_state, load_weights

        state, meta = load_weights(Path(weights_dir), "types")
        try:
            model = TypeNet(TypeNetConfig.from_dict(meta["config"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise WeightsError(f"weights {Path(weights_dir) / 'types.json'} hold no valid classifier config: {exc}") from None
        fit_state(model, state, Path(weights_dir) / "types.safetensors")
        return cls(model, meta)

    @torch.inference_mode()
    def read(self, points, mask, drag_point, drag_vector) -> TypeReading:
        cfg = self.model.cfg
        geom = part_geometry(points, mask, cfg.n_part, cfg.n_context)
        batch = {k: torch.from_numpy(np.asarray(v)).unsqueeze(0) for k, v in geom.items()}
        t = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float32)).unsqueeze(0)
        types, axis = self.model(batch, t(drag_point), t(drag_vector))
        if axis is None:
            return TypeReading(torch.softmax(types[0], -1).numpy())
        return TypeReading(torch.softmax(types[0], -1).numpy(), torch.softmax(axis[0], -1).numpy(), geom["axes"])

    def probabilities(self, points, mask, drag_point, drag_vector) -> np.ndarray:
        return self.read(points, mask, drag_point, drag_vector).types
