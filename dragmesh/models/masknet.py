"""The mask network of ``dragmesh segment``: from points on a surface and a click, which of the
points move with the part under the click.

Click-conditioned, as interactive 2D segmenters are: every point sees its offset from the click,
and the head sees the features of the point nearest the click beside its own. Two EdgeConv layers
(each point's features against its ``k`` nearest neighbours', max-pooled: they see creases and
grooves) and a global max-pooled feature (what kind of object this is) feed a per-point head that
gives one logit per point.

Inputs are in the *mask frame* (:func:`mask_frame`): the object's bounding-box centre at the
origin, its diagonal 1, its up along +Y. Trained on the generator's objects re-made as welded
surfaces (:mod:`dragmesh.training.masks`); :mod:`dragmesh.segment.find` carries the point logits
onto the mesh and cuts along its folds where they say.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

WEIGHTS_NAME = "masknet"
SUBFOLDER = "segment"
# Input features per point: position (3), offset from the click (3), unit normal (3), distance to
# the click (1).
IN_FEATURES = 10


@dataclass(frozen=True)
class MaskNetConfig:
    """points: how many surface points the network reads; k: neighbours per EdgeConv; width: point
    feature width; global_width: the pooled feature's width."""

    points: int = 1024
    k: int = 10
    width: int = 48
    global_width: int = 256


def mask_frame(points: np.ndarray, up) -> tuple[np.ndarray, np.ndarray, float]:
    """(R (3, 3), centre (3,), scale) such that ``(x - centre) @ R.T / scale`` puts a mesh's
    points (N, 3) into the mask frame: bounding-box centre at 0, diagonal 1, ``up`` (3,) on +Y."""
    from dragmesh.normalize import rotation_onto_y

    points = np.asarray(points, dtype=np.float64)
    R = rotation_onto_y(np.asarray(up, dtype=np.float64))
    turned = points @ R.T
    lo, hi = turned.min(axis=0), turned.max(axis=0)
    centre = ((lo + hi) / 2.0) @ R  # back in the mesh's frame
    scale = max(float(np.linalg.norm(hi - lo)), 1e-12)
    return R, centre, scale


def face_normals(vertices: np.ndarray, faces: np.ndarray, face_index: np.ndarray) -> np.ndarray:
    """(K, 3) unit normals of the faces ``face_index`` (K,) of a mesh (vertices (V, 3), faces
    (F, 3)), as the network reads them: the training data's and a mesh's at inference alike."""
    tri = np.asarray(vertices, dtype=np.float64)[np.asarray(faces)[face_index]]
    normals = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    return normals / np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-300)


def features(points: np.ndarray, normals: np.ndarray, click: np.ndarray) -> np.ndarray:
    """(N, IN_FEATURES) float32 inputs from mask-frame points (N, 3), unit normals (N, 3) and the
    click (3,)."""
    offset = points - click
    distance = np.linalg.norm(offset, axis=1, keepdims=True)
    return np.concatenate([points, offset, normals, distance], axis=1).astype(np.float32)


def neighbours(points: np.ndarray, k: int) -> np.ndarray:
    """(N, k) int64: the k nearest of the points (N, 3) to each (itself first); a k-d tree, which on
    the CPU is several times faster than the full distance matrix."""
    from scipy.spatial import cKDTree

    return cKDTree(points).query(points, k)[1].astype(np.int64)


class _BatchNorm(nn.BatchNorm1d):
    """BatchNorm without its step counter: an integer, and weights files hold floats only; with a
    fixed momentum BatchNorm never reads it."""

    def __init__(self, channels: int):
        super().__init__(channels)
        self.register_buffer("num_batches_tracked", None)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, *args):
        # A safetensors file keeps no module versions: say it is the current one, or BatchNorm
        # adds the counter back as it does for files from before it had one.
        state_dict.pop(prefix + "num_batches_tracked", None)  # checkpoints of runs that kept it
        super()._load_from_state_dict(state_dict, prefix, {**local_metadata, "version": 2}, *args)


class _EdgeConv(nn.Module):
    """BN(max over neighbours j of ReLU(W [x_i, x_j - x_i])), with W [x_i, x_j - x_i] computed as
    (W1 - W2) x_i + W2 x_j (one matrix product per point, not per edge); normalised after the max,
    which costs k times less than per edge."""

    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.centre = nn.Linear(cin, cout)
        self.neighbour = nn.Linear(cin, cout, bias=False)
        self.norm = _BatchNorm(cout)

    def forward(self, x: torch.Tensor, knn: torch.Tensor) -> torch.Tensor:
        b, n, k = knn.shape
        own = self.centre(x)
        other = self.neighbour(x)
        gathered = torch.gather(other, 1, knn.reshape(b, n * k, 1).expand(-1, -1, other.shape[-1]))
        pooled = torch.relu(own.unsqueeze(2) + gathered.reshape(b, n, k, -1)).amax(dim=2)
        return self.norm(pooled.reshape(b * n, -1)).reshape(b, n, -1)


class MaskNet(nn.Module):
    """(B, N, IN_FEATURES) point features + (B,) index of the point nearest the click -> (B, N)
    logits of "moves with the clicked part"."""

    def __init__(self, config: MaskNetConfig = MaskNetConfig()):
        super().__init__()
        self.config = config
        w, g = config.width, config.global_width
        self.embed = nn.Sequential(nn.Linear(IN_FEATURES, w), nn.ReLU())
        self.edge1 = _EdgeConv(w, w)
        self.edge2 = _EdgeConv(w, w)
        self.lift = nn.Sequential(nn.Linear(3 * w, g), nn.ReLU())
        # The head's first layer, split: per point on its own features, per object on the pooled
        # and the click's features (the same as one layer over all of them concatenated, without
        # copying the shared ones to every point).
        self.head_point = nn.Linear(3 * w, 128)
        self.head_shared = nn.Linear(g + 3 * w, 128, bias=False)
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 1))

    def forward(self, x: torch.Tensor, click_index: torch.Tensor, knn: torch.Tensor | None = None) -> torch.Tensor:
        """``knn`` (B, N, k) int64: each point's k nearest points (itself included), as
        :func:`neighbours` gives them; computed here when not given."""
        if knn is None:
            knn = torch.from_numpy(np.stack([neighbours(xyz, self.config.k) for xyz in x[..., :3].numpy()]))
        e = self.embed(x)
        f1 = self.edge1(e, knn)
        f2 = self.edge2(f1, knn)
        local = torch.cat([e, f1, f2], dim=-1)
        pooled = self.lift(local).amax(dim=1)
        at_click = local[torch.arange(len(x)), click_index]
        hidden = self.head_point(local) + self.head_shared(torch.cat([pooled, at_click], dim=-1)).unsqueeze(1)
        return self.head(hidden).squeeze(-1)

    def config_dict(self) -> dict:
        return asdict(self.config)

    @classmethod
    def load(cls, weights_dir: str | Path | None = None) -> "MaskNet":
        """The shipped mask network (``weights/segment/masknet.*``) or the one in
        ``weights_dir/segment/``, in eval mode, its training record in ``meta``.

        Raises:
            WeightsError: missing, corrupted or not fitting files (one line).
        """
        from dragmesh.models.weights import WEIGHTS_DIR, load_int_config_model

        return load_int_config_model(cls, MaskNetConfig, Path(weights_dir or WEIGHTS_DIR) / SUBFOLDER, WEIGHTS_NAME)
