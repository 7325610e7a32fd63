"""The cut ranker of ``dragmesh segment``: which of the graph cuts round a click is the part.

:func:`dragmesh.segment.find.candidate_cuts` proposes a few nested cuts per click (a handle, its
drawer front, the drawer with its frame...), each described by the features of
:data:`dragmesh.segment.find.FEATURES` (its cost per length of boundary, its share of the surface,
how compact it is, which stage made it...). The ranker scores each cut from its features, the
highest wins. A small MLP, trained on the generator's training categories re-made as welded
surfaces (:mod:`dragmesh.training.segment`), against each cut's IoU with the true part.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

WEIGHTS_NAME = "ranker"
# The ranker's folder inside the weights folder.
SUBFOLDER = "segment"


@dataclass(frozen=True)
class RankerConfig:
    """features: K inputs per cut; hidden: width of the hidden layers; layers: hidden layers."""

    features: int = 12
    hidden: int = 16
    layers: int = 1


class CutRanker(nn.Module):
    """Scores (C,) of cuts from their features (C, K); inputs are standardised by the stored
    ``mean`` and ``std`` (K,) of the training features."""

    def __init__(self, config: RankerConfig = RankerConfig()):
        super().__init__()
        self.config = config
        layers, width = [], config.features
        for _ in range(config.layers):
            layers += [nn.Linear(width, config.hidden), nn.GELU()]
            width = config.hidden
        layers.append(nn.Linear(width, 1))
        self.net = nn.Sequential(*layers)
        self.register_buffer("mean", torch.zeros(config.features))
        self.register_buffer("std", torch.ones(config.features))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """features (..., K) float32 -> scores (...)."""
        return self.net((features - self.mean) / self.std).squeeze(-1)

    def score(self, features: np.ndarray) -> np.ndarray:
        """NumPy in and out, as :func:`dragmesh.segment.find.choose` calls it: (C, K) -> (C,)."""
        with torch.no_grad():
            return self(torch.from_numpy(np.asarray(features, dtype=np.float32))).numpy()

    def config_dict(self) -> dict:
        return asdict(self.config)


    @classmethod
    def load(cls, weights_dir: str | Path | None = None) -> "CutRanker":
        """The shipped ranker (``weights/segment/ranker.*``) or the one in ``weights_dir/segment/``,
        in eval mode, its training record in ``meta``.

        Raises:
            WeightsError: missing, corrupted or not fitting files (one line).
        """
        from dragmesh.models.weights import WEIGHTS_DIR, load_int_config_model

        return load_int_config_model(cls, RankerConfig, Path(weights_dir or WEIGHTS_DIR) / SUBFOLDER, WEIGHTS_NAME)


def load_ranker(weights_dir: str | Path | None = None) -> CutRanker:
    """:meth:`CutRanker.load`, as the segmenter and the commands call it."""
    return CutRanker.load(weights_dir)
