"""Joint inference and motion generation: the geometric baseline and the learned models."""

from __future__ import annotations


def paper_sized_components():
    """(predictor, generator) with the paper's sizes and untrained weights, for timing only.

    The paper's model has about 27.5 M parameters over 4,096 points with a width of 512 and an
    8-layer decoder. The same architectures at those sizes: KPP-Net with 512-wide point features
    and a 1,024-wide fusion MLP (4.4 M), and the DQ-VAE with 512-wide point features, an 8-layer,
    512-wide decoder (23.5 M); 27.9 M in all. The KPP-Net runs inside the same joint inference as
    the shipped one (views, candidates, physics, limits), so the comparison is of network sizes.
    """
    import torch

    from dragmesh.models.dqvae import DQVAE, DQVAEConfig, MotionGenerator
    from dragmesh.models.joint_inference import JointInference
    from dragmesh.models.kppnet import KPPNet, KPPNetConfig

    torch.manual_seed(0)
    predictor = JointInference(KPPNet(KPPNetConfig(n_points=4096, width=512, hidden=1024)))
    predictor.name = "kppnet (paper-sized, untrained)"
    vae = DQVAE(DQVAEConfig(n_points=4096, point_width=512, d_model=512, n_layers=8, ff_dim=1280, n_heads=8,
                            cond_dim=512, joint_dim=128, drag_dim=128, latent_dim=32))
    generator = MotionGenerator(vae)
    generator.name = "dqvae (paper-sized, untrained)"
    return predictor, generator


def count_parameters(component) -> int:
    """Parameters of a predictor's or generator's torch model (0 for the geometric ones)."""
    model = getattr(component, "model", None)
    return sum(p.numel() for p in model.parameters()) if model is not None else 0
