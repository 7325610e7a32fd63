"""DQ-VAE: the part's motion as T dual quaternions, from the object, the part, the drag and the joint.

The paper's design, sized for a laptop CPU:

- a PointNet-style encoder over the object's points with the part mask, plus local features pooled
  around the pivot (a neighbourhood stretched along the axis, where the hinge or the slide is) and
  around the drag point;
- a joint-prior encoder (type embedding, axis, pivot, the drag-projected joint value) and a drag
  encoder;
- a conditional VAE: a posterior q(z | condition, ground-truth motion) used in training only and a
  learned prior p(z | condition) used at inference; z = the prior mean gives the default trajectory,
  samples of z give alternatives;
- a non-autoregressive Transformer decoder over T frame tokens (sinusoidal positions of the frame
  time tau = t / (T - 1), so any T works) with FiLM from the joint prior after every layer,
  x <- x * (1 + gamma) + beta;
- 9 numbers per frame: a progress correction s_t and 8 numbers made into a unit dual quaternion
  (qr normalised, qd ⟂ qr).

Everything the network sees and says is expressed in the *joint frame*: z along the joint axis, the
origin at the pivot, x towards the drag point. There, the motion a joint allows is a rotation about
z or a slide along z, whatever the object's pose, so the decoder only has to learn the easing and
the corrections of an imperfect joint. Each frame's base is the joint's own motion at the
drag-projected value times tau (1 + s_t): s_t re-times the motion (easing) and changes its extent
along the joint itself, so timing costs no kinematic violation. The 8 other numbers are added to
that base (zero-initialised head: an untrained model is the analytic trajectory, linear in tau),
then normalised and mapped back to the model frame. The sum is a general dual quaternion, so the
raw output can leave the joint's one-parameter family and its kinematic violation is a measurement,
not a guarantee; the exact projection is a later step
(:func:`dragmesh.geometry.dualquat.project_dq_to_value`).

The benchmark's ground truth is linear in the joint value, which leaves a latent nothing to carry.
Training therefore re-times each target along its ground-truth joint with a random, zero-mean
easing and extent (``dragmesh.training.motion``): the posterior, which sees the target's progress
frame by frame, hands the timing to the decoder through z, and because the variation is zero-mean,
z = the prior mean decodes the linear default while samples of z ease in or out and go a little
shorter or further.

Training conditions on ground-truth joints with noise added (axis tilted a few degrees, pivot moved
~1-2 % of the diagonal) so the model tolerates predicted ones; nothing at inference uses ground
truth. All coordinates are in the model frame (+Y up, centred, unit largest extent).

:class:`MotionGenerator` loads the shipped weights and is what the pipeline calls.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from dragmesh.geometry.dualquat import (
    dq_apply,
    dq_conjugate,
    dq_from_rt,
    dq_multiply,
    dq_normalize,
    dq_translation,
    drag_to_value,
)
from dragmesh.models.weights import WEIGHTS_DIR
from dragmesh.models.kppnet import masked_pool, point_mlp


@dataclass
class DQVAEConfig:
    # -- architecture
    n_points: int = 512  # points the encoder sees (a prefix of the sample's i.i.d. points)
    k_local: int = 32  # neighbours pooled around the pivot and around the drag point
    point_width: int = 128  # channels of the per-point features
    joint_dim: int = 64  # joint-prior embedding (the FiLM input)
    drag_dim: int = 64
    cond_dim: int = 256
    latent_dim: int = 16
    d_model: int = 128
    n_heads: int = 4
    n_layers: int = 3
    ff_dim: int = 256
    pos_freqs: int = 8  # sinusoidal frame-time features: sin/cos(2^k pi tau), k < pos_freqs
    frames: int = 16  # T of the training targets (the posterior reads T x 9 numbers)
    out_scale: float = 0.01  # the head's dual-quaternion output is scaled by this: corrections are
    # small, and Adam's first steps on a zero-initialised head would otherwise swamp them
    progress_scale: float = 0.1  # the same for the progress correction s_t, which must reach
    # easings of tens of percent
    # -- losses (weights of dqvae_loss)
    loss_points: int = 64  # part points per sample the point losses move
    chamfer_points: int = 32  # of those, how many enter the Chamfer term
    w_rec: float = 1.0  # mean distance of the moved part points (/ diag)
    w_quat: float = 0.5  # |qr - qr_gt|, sign aligned
    w_trans: float = 1.0  # |t - t_gt| (/ diag)
    w_chamfer: float = 0.5  # symmetric Chamfer of the moved part points (/ diag)
    w_axis: float = 5.0  # cross-product axis loss |a_pred x a_joint|^2
    kl_max: float = 1e-3  # weight of the KL term after annealing
    kl_warmup: int = 2000  # steps of linear KL annealing from 0
    free_bits: float = 0.02  # nats per latent dimension below which KL is not penalised
    # -- conditioning noise in training (joints like a predictor's)
    axis_noise_deg: float = 3.0  # half-normal tilt of the axis, degrees
    pivot_noise: float = 0.015  # normal offset of the pivot, fraction of the bbox diagonal (norm)
    p_clean: float = 0.25  # fraction of samples trained on the exact joint
    # -- ground-truth variation in training (dragmesh.training.motion.ease_profile): zero-mean, so
    # the mean target is the linear one
    ease_a: float = 1.0  # (a, b) uniform in the diamond |a| / ease_a + |b| / ease_b <= 1; each <= 1
    ease_b: float = 1.0  # keeps every profile monotone (a: ease out / in; b = -1: smoothstep)
    extent: float = 0.15  # extent change c uniform in +-extent (the motion ends at (1 + c) x value)
    p_linear: float = 0.25  # fraction of samples left exactly linear

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "DQVAEConfig":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})

    def problem(self) -> str | None:
        """What makes this config unusable for building the model (a size that is not a positive
        integer, heads that do not divide d_model, a non-finite scale), or None."""
        import math

        sizes = ("n_points", "k_local", "point_width", "joint_dim", "drag_dim", "cond_dim", "latent_dim",
                 "d_model", "n_heads", "n_layers", "ff_dim", "pos_freqs", "frames")
        for key in sizes:
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1_000_000:
                return f"{key} must be a positive integer, got {value!r}"
        if self.d_model % self.n_heads:
            return f"n_heads {self.n_heads} does not divide d_model {self.d_model}"
        for key in ("out_scale", "progress_scale"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                return f"{key} must be a finite number, got {value!r}"
        return None


# ---------------------------------------------------------------------------------------------
# The joint frame
# ---------------------------------------------------------------------------------------------


def joint_frame(axis: torch.Tensor, origin: torch.Tensor, drag_point: torch.Tensor) -> torch.Tensor:
    """Rotations (B, 3, 3) whose columns are the joint frame's x, y, z axes in the model frame.

    z = the unit axis; x = the direction from the axis line to the drag point (the lever of a hinge);
    where the drag point is on the line, the model axis least aligned with z stands in for it.
    A point x of the model frame is R^T (x - origin) in the joint frame.
    """
    z = F.normalize(axis, dim=-1)
    r = drag_point - origin
    r = r - (r * z).sum(-1, keepdim=True) * z
    fallback = F.one_hot(z.abs().argmin(-1), 3).to(z.dtype)
    fallback = fallback - (fallback * z).sum(-1, keepdim=True) * z
    short = r.norm(dim=-1, keepdim=True) < 1e-6
    x = F.normalize(torch.where(short, fallback, r), dim=-1)
    y = torch.cross(z, x, dim=-1)
    return torch.stack([x, y, z], dim=-1)


def local_joint_motion(is_revolute: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
    """The joint's own motions (..., 8) in the joint frame: rotation by value about z (revolute) or
    slide by value along z (prismatic). is_revolute (...) bool, value (...)."""
    half = 0.5 * value
    zero, one = torch.zeros_like(value), torch.ones_like(value)
    rev = torch.stack([torch.cos(half), zero, zero, torch.sin(half), zero, zero, zero, zero], dim=-1)
    pri = torch.stack([one, zero, zero, zero, zero, zero, zero, half], dim=-1)
    return torch.where(is_revolute[..., None], rev, pri)


def frame_times(frames: int, device=None) -> torch.Tensor:
    """tau (T,) = t / (T - 1), from 0 (the current pose) to 1 (the dragged pose)."""
    return torch.linspace(0.0, 1.0, frames, device=device) if frames > 1 else torch.zeros(1, device=device)


def sinusoid(tau: torch.Tensor, n_freqs: int) -> torch.Tensor:
    """Frame-time features (T, 2 n_freqs): sin and cos of 2^k pi tau."""
    f = (2.0 ** torch.arange(n_freqs, device=tau.device, dtype=tau.dtype)) * math.pi
    a = tau[:, None] * f
    return torch.cat([torch.sin(a), torch.cos(a)], dim=-1)


# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------


def mlp(sizes: list[int]) -> nn.Sequential:
    """Linear layers with GELU between them (none after the last)."""
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.GELU())
    return nn.Sequential(*layers)


class DQVAE(nn.Module):
    """forward(points (B,N,3), mask (B,N), is_revolute (B,) bool, axis (B,3), origin (B,3),
    drag_point (B,3), drag_vector (B,3), value (B,), frames=T, target=None (B,T,8), z=None) ->
    dict(traj (B,T,8) raw unit dual quaternions in the model frame, z (B,Z), prior_mu, prior_logvar,
    and with a target post_mu, post_logvar).

    The joint (is_revolute, axis, origin) is the prior the motion should follow (predicted at
    inference, noisy ground truth in training); value is its drag-projected value (radians or model
    units), the motion at the last frame of an exact answer. With a target trajectory (training) z
    is drawn from the posterior; otherwise z is the prior mean unless given.
    """

    def __init__(self, cfg: DQVAEConfig | None = None):
        super().__init__()
        self.cfg = cfg = cfg or DQVAEConfig()
        w = cfg.point_width
        # Per point, joint frame: xyz, mask, offset from the drag point, distance from the axis.
        self.point_mlp = point_mlp([8, 64, 128, w])
        self.pivot_mlp = point_mlp([w + 3, w])
        self.drag_mlp = point_mlp([w + 3, w])
        self.type_embedding = nn.Embedding(2, 16)
        # type, axis and pivot in the model frame (gravity-aware), value, lever of the drag point.
        self.joint_encoder = mlp([16 + 3 + 3 + 2, cfg.joint_dim, cfg.joint_dim])
        # Joint frame: drag point, drag vector, |v|, expected displacement, the up direction.
        self.drag_encoder = mlp([3 + 3 + 1 + 1 + 3, cfg.drag_dim, cfg.drag_dim])
        self.condition = mlp([6 * w + cfg.joint_dim + cfg.drag_dim, cfg.cond_dim, cfg.cond_dim])
        self.prior = mlp([cfg.cond_dim, cfg.cond_dim, 2 * cfg.latent_dim])
        self.posterior = mlp([cfg.cond_dim + 9 * cfg.frames, cfg.cond_dim, 2 * cfg.latent_dim])
        self.frame_pos = nn.Linear(2 * cfg.pos_freqs, cfg.d_model)
        self.token = nn.Linear(cfg.cond_dim + cfg.latent_dim, cfg.d_model)
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(
                cfg.d_model, cfg.n_heads, cfg.ff_dim, dropout=0.0, activation="gelu",
                batch_first=True, norm_first=True,
            )
            for _ in range(cfg.n_layers)
        )
        self.films = nn.ModuleList(nn.Linear(cfg.joint_dim, 2 * cfg.d_model) for _ in range(cfg.n_layers))
        self.out_norm = nn.LayerNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, 9)  # 8 dual-quaternion numbers, then s_t
        # Zero FiLM and zero head: an untrained model decodes the analytic joint motion.
        for film in self.films:
            nn.init.zeros_(film.weight)
            nn.init.zeros_(film.bias)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    # -- encoder ----------------------------------------------------------------------------------

    def encode(self, points, mask, is_revolute, axis, origin, drag_point, drag_vector, value):
        """Condition (B, cond_dim), joint-prior embedding (B, joint_dim), joint-frame dual
        quaternion (B, 8) (joint frame -> model frame)."""
        cfg = self.cfg
        mask = mask.to(points.dtype)
        rot = joint_frame(axis, origin, drag_point)
        to_local = lambda v: (v.unsqueeze(-2) @ rot).squeeze(-2)  # R^T v for row vectors
        x = (points - origin.unsqueeze(1)) @ rot  # (B, N, 3)
        p = to_local(drag_point - origin)
        v = to_local(drag_vector)
        rho = x[..., :2].norm(dim=-1)
        feat = self.point_mlp(torch.cat([x, mask.unsqueeze(-1), x - p.unsqueeze(1), rho.unsqueeze(-1)], -1))

        k = min(cfg.k_local, points.shape[1])
        pivot_d = rho.square() + (0.25 * x[..., 2]).square()  # stretched along the axis
        drag_d = (x - p.unsqueeze(1)).square().sum(-1)
        pooled = [masked_pool(feat, torch.ones_like(mask)), masked_pool(feat, mask)]
        for d, centre, net in ((pivot_d, torch.zeros_like(p), self.pivot_mlp), (drag_d, p, self.drag_mlp)):
            idx = d.topk(k, dim=1, largest=False).indices  # (B, k)
            f = torch.gather(feat, 1, idx.unsqueeze(-1).expand(-1, -1, feat.shape[-1]))
            rel = torch.gather(x, 1, idx.unsqueeze(-1).expand(-1, -1, 3)) - centre.unsqueeze(1)
            pooled.append(net(torch.cat([f, rel], -1)).amax(dim=1))

        lever = p[:, :2].norm(dim=-1)
        rev = is_revolute.to(points.dtype)
        j = self.joint_encoder(torch.cat([
            self.type_embedding((~is_revolute).long()),  # sample codes: 0 revolute, 1 prismatic
            F.normalize(axis, dim=-1), origin, value.unsqueeze(-1), lever.unsqueeze(-1),
        ], -1))
        up = rot[:, 1, :]  # R^T (0, 1, 0): the model's up in the joint frame
        reach = value * (rev * lever + (1 - rev))  # arc length (revolute) or slide (prismatic)
        dr = self.drag_encoder(torch.cat([p, v, v.norm(dim=-1, keepdim=True), reach.unsqueeze(-1), up], -1))
        cond = self.condition(torch.cat(pooled + [j, dr], -1))
        frame = dq_from_rt(rot, origin)
        return cond, j, frame

    # -- decoder ----------------------------------------------------------------------------------

    def decode(self, cond, j, frame, is_revolute, value, z, frames: int) -> torch.Tensor:
        """Raw unit dual quaternions (B, T, 8) in the model frame: per frame, the joint's motion at
        value x tau (1 + s_t) plus a tau-scaled general correction."""
        cfg = self.cfg
        tau = frame_times(frames, cond.device).to(cond.dtype)
        h = self.frame_pos(sinusoid(tau, cfg.pos_freqs)).unsqueeze(0) + self.token(torch.cat([cond, z], -1)).unsqueeze(1)
        for layer, film in zip(self.layers, self.films):
            h = layer(h)
            gamma, beta = film(j).unsqueeze(1).chunk(2, dim=-1)
            h = h * (1 + gamma) + beta
        out = self.head(self.out_norm(h))  # (B, T, 9)
        delta, stretch = cfg.out_scale * out[..., :8], cfg.progress_scale * out[..., 8]
        base = local_joint_motion(is_revolute[:, None].expand(-1, frames), value[:, None] * tau * (1 + stretch))
        local = dq_normalize(base + tau[None, :, None] * delta)
        f = frame.unsqueeze(1)
        return dq_multiply(dq_multiply(f, local), dq_conjugate(f))

    def latent(self, cond, target=None, frame=None, is_revolute=None, value=None):
        """(prior_mu, prior_logvar, post_mu, post_logvar); the posterior only with a target.

        The posterior reads, per frame, the target's dual-quaternion residual from the linear joint
        motion and its progress along the joint (the target projected onto the joint, / value):
        the progress is the timing and extent that z has to carry, in the terms the decoder's s_t
        speaks.
        """
        p_mu, p_lv = self.prior(cond).chunk(2, dim=-1)
        if target is None:
            return p_mu, p_lv, None, None
        t = target.shape[1]
        tau = frame_times(t, cond.device).to(cond.dtype)
        f = frame.unsqueeze(1)
        local = dq_multiply(dq_multiply(dq_conjugate(f), target), f)
        base = local_joint_motion(is_revolute[:, None].expand(-1, t), value[:, None] * tau)
        sign = torch.where((local[..., :4] * base[..., :4]).sum(-1, keepdim=True) < 0, -1.0, 1.0)
        local = local * sign  # the sign of the linear motion, so angles run on past pi continuously
        residual = 10.0 * (local - base)  # what the joint alone does not explain
        along = torch.where(is_revolute[:, None], 2 * torch.atan2(local[..., 3], local[..., 0]),
                            dq_translation(local)[..., 2])
        # Drags of (almost) nothing have no progress to speak of: a floor on |value|, and a clamp.
        safe = value + torch.where(value < 0, -1.0, 1.0) * 1e-3
        progress = (along / safe[:, None]).clamp(-1.0, 2.0)
        timing = 5.0 * (progress - tau)  # the deviation from linear, to unit scale
        q_mu, q_lv = self.posterior(torch.cat([cond, residual.flatten(1), timing], -1)).chunk(2, dim=-1)
        return p_mu, p_lv, q_mu, q_lv

    def forward(self, points, mask, is_revolute, axis, origin, drag_point, drag_vector, value,
                frames: int | None = None, target=None, z=None) -> dict[str, torch.Tensor]:
        frames = frames or (target.shape[1] if target is not None else self.cfg.frames)
        is_revolute = is_revolute.bool()
        cond, j, frame = self.encode(points, mask, is_revolute, axis, origin, drag_point, drag_vector, value)
        p_mu, p_lv, q_mu, q_lv = self.latent(cond, target, frame, is_revolute, value)
        out = {"prior_mu": p_mu, "prior_logvar": p_lv}
        if z is None:
            if q_mu is not None:
                z = q_mu + torch.randn_like(q_mu) * torch.exp(0.5 * q_lv)
                out.update(post_mu=q_mu, post_logvar=q_lv)
            else:
                z = p_mu
        out["z"] = z
        out["traj"] = self.decode(cond, j, frame, is_revolute, value, z, frames)
        return out


# ---------------------------------------------------------------------------------------------
# Losses
# ---------------------------------------------------------------------------------------------


def _dist(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Euclidean distances (...) between points (..., 3), with a finite gradient at 0."""
    return ((a - b).square().sum(-1) + 1e-12).sqrt()


def chamfer(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Symmetric Chamfer distance (...) between point sets a (..., M, 3) and b (..., K, 3): the mean
    nearest-neighbour distance each way, averaged."""
    d = (a.unsqueeze(-2) - b.unsqueeze(-3)).square().sum(-1)  # (..., M, K)
    return 0.5 * ((d.amin(-1) + 1e-12).sqrt().mean(-1) + (d.amin(-2) + 1e-12).sqrt().mean(-1))


def kl_weight(step: int, cfg: DQVAEConfig) -> float:
    """KL annealing: linear from 0 to cfg.kl_max over cfg.kl_warmup steps."""
    return cfg.kl_max * min(1.0, step / max(1, cfg.kl_warmup))


def dqvae_loss(out: dict, target: torch.Tensor, part_points: torch.Tensor, is_revolute: torch.Tensor,
               axis_true: torch.Tensor, diag: torch.Tensor, cfg: DQVAEConfig, kl_w: float) -> dict:
    """The paper's losses, weighted by cfg.

    target (B,T,8): ground-truth motions (model frame); part_points (B,M,3): points of the moving
    part (model frame, current pose); is_revolute (B,) bool; axis_true (B,3): the true joint axis;
    diag (B,): bounding-box diagonals, so point terms read as fractions of them.
    """
    pred = out["traj"]
    d = diag.view(-1, 1, 1)
    x_pred = dq_apply(pred, part_points.unsqueeze(1))  # (B, T, M, 3)
    x_true = dq_apply(target, part_points.unsqueeze(1))
    rec = (_dist(x_pred, x_true) / d).mean()
    kc = min(cfg.chamfer_points, part_points.shape[1])
    cham = (chamfer(x_pred[..., :kc, :], x_true[..., :kc, :]) / d).mean()

    qr, qr_t = pred[..., :4], target[..., :4]
    sign = torch.where((qr * qr_t).sum(-1, keepdim=True) < 0, -1.0, 1.0)
    quat = (qr * sign - qr_t).abs().sum(-1).mean()
    trans = ((dq_translation(pred) - dq_translation(target)).abs().sum(-1) / d.squeeze(-1)).mean()

    # Cross-product axis loss: the rotation's axis (the vector part of qr, sin(theta/2) a) for
    # hinges, the translation for slides, must be parallel to the true axis. Unnormalised, so it
    # fades smoothly at the identity where an axis is undefined.
    a = F.normalize(axis_true, dim=-1).unsqueeze(1)
    rot_dir = qr[..., 1:]
    slide_dir = dq_translation(pred) / d.squeeze(-1).unsqueeze(-1)
    direction = torch.where(is_revolute.view(-1, 1, 1), rot_dir, slide_dir)
    axis = torch.cross(direction, a.expand_as(direction), dim=-1).square().sum(-1).mean()

    losses = {"rec": rec, "chamfer": cham, "quat": quat, "trans": trans, "axis": axis}
    total = (cfg.w_rec * rec + cfg.w_chamfer * cham + cfg.w_quat * quat + cfg.w_trans * trans
             + cfg.w_axis * axis)
    if "post_mu" in out:
        q_mu, q_lv, p_mu, p_lv = out["post_mu"], out["post_logvar"], out["prior_mu"], out["prior_logvar"]
        kl_dim = 0.5 * (p_lv - q_lv + (q_lv.exp() + (q_mu - p_mu).square()) / p_lv.exp() - 1.0)
        kl = kl_dim.mean(0)  # (Z,) per dimension, batch mean
        losses["kl"] = kl.sum()
        total = total + kl_w * kl.clamp_min(cfg.free_bits).sum()
    losses["loss"] = total
    return losses


# ---------------------------------------------------------------------------------------------
# Training inputs: noisy joints and their drag-projected values
# ---------------------------------------------------------------------------------------------


def perturb_joint(axis: torch.Tensor, origin: torch.Tensor, diag: torch.Tensor, cfg: DQVAEConfig,
                  gen: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Joints like a predictor's: axes (B,3) tilted by a half-normal angle (cfg.axis_noise_deg)
    about a random perpendicular, origins (B,3) moved by a normal offset of cfg.pivot_noise x diag;
    a fraction cfg.p_clean of the batch is left exact."""
    b = axis.shape[0]
    a = F.normalize(axis, dim=-1)
    kw = {"generator": gen, "dtype": a.dtype}
    clean = (torch.rand(b, **kw) < cfg.p_clean).to(a.dtype).unsqueeze(-1)
    r = torch.randn(b, 3, **kw)
    perp = F.normalize(r - (r * a).sum(-1, keepdim=True) * a, dim=-1)
    ang = torch.randn(b, 1, **kw).abs() * math.radians(cfg.axis_noise_deg) * (1 - clean)
    new_axis = torch.cos(ang) * a + torch.sin(ang) * perp
    offset = torch.randn(b, 3, **kw) / math.sqrt(3.0) * cfg.pivot_noise * diag.to(a.dtype).unsqueeze(-1)
    return new_axis, origin + offset * (1 - clean)


def drag_value(is_revolute: torch.Tensor, axis: torch.Tensor, origin: torch.Tensor, drag_point: torch.Tensor,
               drag_vector: torch.Tensor, limits: torch.Tensor | None = None) -> torch.Tensor:
    """The exact drag projection (B,) on a joint, clamped to limits (B,2) where they are finite
    (NaN = unknown), as the pipeline does at inference."""
    value = drag_to_value(is_revolute.bool(), axis, origin, drag_point, drag_vector)
    if limits is not None:
        lo = torch.nan_to_num(limits[:, 0], nan=-math.inf)
        hi = torch.nan_to_num(limits[:, 1], nan=math.inf)
        value = torch.maximum(torch.minimum(value, hi), lo)
    return value


# ---------------------------------------------------------------------------------------------
# Inference: the shipped model
# ---------------------------------------------------------------------------------------------


def subsample(points: np.ndarray, mask: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n of the sample's points: its prefix (i.i.d. points, so a valid smaller sample), with unmasked
    points at the end swapped for masked ones if the prefix holds fewer than n/32 of the part's."""
    if len(points) <= n:
        return points, mask
    keep = np.arange(n)
    want = min(int(mask.sum()), max(1, n // 32))
    have = int(mask[:n].sum())
    if have < want:
        extra = np.flatnonzero(mask[n:] > 0)[: want - have] + n
        slots = np.flatnonzero(mask[:n] == 0)[-len(extra):]
        keep[slots] = extra
    return points[keep], mask[keep]


class MotionGenerator:
    """A DQ-VAE at batch 1 on the CPU: ``MotionGenerator(model, meta)``, or ``MotionGenerator.load(dir)``
    for the shipped one (``motion.safetensors`` + ``motion.json``).

    ``load`` raises :class:`~dragmesh.errors.WeightsError` (one line) when the files are missing,
    corrupt (sha256 mismatch), or do not fit the configured architecture.
    """

    name = "dqvae"
    # Torch threads for one drag. At batch 1 every op is small: a second thread only adds barrier
    # waits (3 ms on one thread; hundreds of ms with two on a CPU that is busy elsewhere).
    threads = 1

    def __init__(self, model: DQVAE, meta: dict | None = None):
        self.model = model.eval()
        self.cfg = model.cfg
        self.meta = meta or {}

    @classmethod
    def load(cls, weights_dir: str | Path = WEIGHTS_DIR, name: str = "motion") -> "MotionGenerator":
        """The generator of ``name.*`` in ``weights_dir``, which must list the weights' sha256."""
        from dragmesh.errors import WeightsError
        from dragmesh.models.weights import fit_state, load_weights

        state, meta = load_weights(Path(weights_dir), name)
        if "sha256" not in meta:
            raise WeightsError(f"{Path(weights_dir) / name}.json lists no sha256 of its weights; refusing to load them")
        where = Path(weights_dir) / f"{name}.json"
        cfg = DQVAEConfig.from_dict(meta["config"])
        problem = cfg.problem()
        if problem:
            raise WeightsError(f"weights config {where} is not usable: {problem}")
        try:
            model = DQVAE(cfg)
        except (TypeError, ValueError, AssertionError, RuntimeError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise WeightsError(f"weights config {where} is not usable: {first}") from None
        fit_state(model, state, Path(weights_dir) / f"{name}.safetensors")
        return cls(model, meta)

    @torch.no_grad()
    def generate(self, points, mask, joint, drag_point, drag_vector, value: float, frames: int = 16,
                 samples: int = 1, seed: int = 0) -> np.ndarray:
        """The part's motion for one drag: (S, T, 8) float64 raw unit dual quaternions, model frame.

        points (N,3) and mask (N,) in the model frame; joint: a
        :class:`~dragmesh.geometry.joints.Joint` in the model frame; drag_point (3,), drag_vector (3,);
        value: the drag-projected joint value (radians / model units), clamped as the caller wishes.
        Sample 0 is the default trajectory (z = prior mean); samples 1.. draw z from the prior with
        a generator seeded by ``seed``.
        """
        from dragmesh.errors import InputError

        pts = np.asarray(points, dtype=np.float32)
        msk = np.asarray(mask, dtype=np.float32).reshape(-1)
        if pts.ndim != 2 or pts.shape[1] != 3 or len(msk) != len(pts):
            raise InputError(f"points must be (N, 3) with a mask (N,), got {pts.shape} and {msk.shape}")
        from dragmesh.io.values import check_frames, check_samples, check_seed

        frames, samples, seed = check_frames(frames), check_samples(samples), check_seed(seed)
        caller_threads = torch.get_num_threads()
        torch.set_num_threads(self.threads or caller_threads)
        try:
            return self._generate(pts, msk, joint, drag_point, drag_vector, value, frames, samples, seed)
        finally:
            torch.set_num_threads(caller_threads)

    def _generate(self, pts, msk, joint, drag_point, drag_vector, value, frames, samples, seed) -> np.ndarray:
        pts, msk = subsample(pts, msk, self.cfg.n_points)
        t = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float32)).unsqueeze(0)
        m = self.model
        is_rev = torch.tensor([joint.is_revolute])
        val = torch.tensor([float(value)], dtype=torch.float32)
        cond, j, frame = m.encode(t(pts), t(msk), is_rev, t(joint.axis), t(joint.origin), t(drag_point),
                                  t(drag_vector), val)
        mu, logvar = m.latent(cond)[:2]
        z = mu.expand(samples, -1).clone()
        if samples > 1:
            g = torch.Generator().manual_seed(int(seed))
            eps = torch.randn(samples - 1, mu.shape[-1], generator=g)
            z[1:] = mu + eps * torch.exp(0.5 * logvar)
        ex = lambda x: x.expand(samples, *x.shape[1:])
        traj = m.decode(ex(cond), ex(j), ex(frame), is_rev.expand(samples), val.expand(samples), z, frames)
        return traj.double().numpy()


def load_motion_generator(weights_dir: str | Path = WEIGHTS_DIR) -> MotionGenerator:
    """The shipped DQ-VAE; WeightsError when its files are missing, corrupted or mismatched."""
    return MotionGenerator.load(weights_dir)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
