"""The mask network's reading of a surface, carried onto the mesh, and the cut it guides.

:class:`MaskReader` samples the surface (``MaskNet``'s point count, the click among the points),
reads it in ``VIEWS`` turns about the up direction at once (one batch: the answer does not hang on
one sampling or one heading), and carries the point logits to every position of the surface graph
(inverse-distance mean of the ``SPREAD`` nearest points), averaged over the views.

:func:`guided_cut` then cuts the surface where the network says, along its folds: a min-cut whose
terminal edges are each position's log-odds (times its area, against the mean position area, times
``UNARY``) and whose edges cost what :mod:`dragmesh.segment.find` gives them (cheap along inward
folds). The network says roughly where the part is; the folds say exactly where it ends.
"""

from __future__ import annotations

import os

import numpy as np

VIEWS = 4
SPREAD = 3
UNARY = 0.5
# Added to the logits before the cut.
BIAS = 1.0
# A fold cut that overlaps the network's part by at least this IoU (by area) replaces it.
SNAP = 0.5
# Probabilities are clipped to [EPS, 1 - EPS] before their log-odds are taken.
EPS = 1e-3


class MaskReader:
    """A loaded :class:`~dragmesh.models.masknet.MaskNet` applied to surface graphs."""

    def __init__(self, model):
        self.model = model

    @classmethod
    def load(cls, weights_dir: str | os.PathLike | None = None) -> "MaskReader":
        from dragmesh.models.masknet import MaskNet

        return cls(MaskNet.load(weights_dir))

    def logits(self, graph, click: np.ndarray, up=None) -> np.ndarray:
        """(N,) float64 logits of "moves with the part under ``click`` (3,)" for every position of
        ``graph`` (a :class:`~dragmesh.segment.find.SurfaceGraph`; unused positions get -inf's
        stand-in, a large negative number)."""
        import torch

        from dragmesh.geometry.rotations import rotation_matrix
        from dragmesh.models.masknet import face_normals, features, mask_frame, neighbours
        from dragmesh.sampling import sample_surface

        from dragmesh.geometry.triangles import nearest_on_triangles

        config = self.model.config
        up = np.array([0.0, 1.0, 0.0]) if up is None else np.asarray(up, dtype=np.float64)
        used = graph.used
        R, centre, scale = mask_frame(graph.points[used], up)
        # The click on the surface, with its face's normal, as the clicks the network was trained on.
        face, on_surface = nearest_on_triangles(graph.points[graph.faces], np.asarray(click, dtype=np.float64))
        click_normal = face_normals(graph.points, graph.faces, [face])[0]
        # Seeded from the geometry's size, not the clock: one input, one answer.
        rng = np.random.default_rng([len(graph.faces), VIEWS])
        rows, frames = [], []
        for view in range(VIEWS):
            surface = sample_surface(graph.points, graph.faces, config.points, rng)
            points = surface.points.copy()
            normals = face_normals(graph.points, graph.faces, surface.face_index)
            points[0], normals[0] = on_surface, click_normal  # the click is one of the points read
            turn = rotation_matrix((0.0, 1.0, 0.0), 2.0 * np.pi * view / VIEWS) @ R
            local = (points - centre) @ turn.T / scale
            rows.append(features(local, normals @ turn.T, local[0]))
            frames.append(points)
        x = torch.from_numpy(np.stack(rows))
        knn = torch.from_numpy(np.stack([neighbours(r[:, :3], config.k) for r in rows]))
        with torch.no_grad():
            point_logits = self.model(x, torch.zeros(VIEWS, dtype=torch.int64), knn).numpy().astype(np.float64)
        from scipy.spatial import cKDTree

        out = np.zeros(len(graph.points))
        where = np.flatnonzero(used)
        for points, logit in zip(frames, point_logits):
            distance, nearest = cKDTree(points).query(graph.points[where], SPREAD)
            weight = 1.0 / np.maximum(distance, 1e-9 * scale)
            out[where] += (weight * logit[nearest]).sum(axis=1) / weight.sum(axis=1)
        out[where] /= VIEWS
        out[~used] = -30.0
        return out


def guided_cut(graph, logits: np.ndarray, seed: int, sink: np.ndarray) -> np.ndarray:
    """(N,) bool: the part the network's ``logits`` (N,) outline, cut along the graph's folds; the
    ``seed`` position always in it and the ``sink`` (N,) bool never; only the part's piece connected
    to the seed."""
    import maxflow
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(graph.points)
    p = np.clip(1.0 / (1.0 + np.exp(-np.clip(logits + BIAS, -30.0, 30.0))), EPS, 1.0 - EPS)
    area = graph.area / max(float(graph.area[graph.used].mean()), 1e-300)
    weight = UNARY * area
    to_part = weight * -np.log(1.0 - p)  # paid when a position goes to the base
    to_base = weight * -np.log(p)  # paid when it goes to the part
    terminal = float(graph.cost.sum() + weight.sum() * 40.0) + 1.0
    to_part[seed] = terminal
    to_base[sink] = terminal
    g = maxflow.Graph[float](n, len(graph.edges))
    nodes = g.add_nodes(n)
    g.add_edges(graph.edges[:, 0], graph.edges[:, 1], graph.cost, graph.cost)
    g.add_grid_tedges(nodes, to_part, to_base)
    g.maxflow()
    side = ~g.get_grid_segments(nodes)
    keep = side[graph.edges[:, 0]] & side[graph.edges[:, 1]]
    _, label = connected_components(coo_matrix((np.ones(int(keep.sum())), (graph.edges[keep, 0], graph.edges[keep, 1])),
                                               shape=(n, n)), directed=False)
    return side & (label == label[seed])


def snap(graph, guided: np.ndarray, cuts: list[np.ndarray]) -> np.ndarray:
    """The fold cut (of ``cuts``, each (N,) bool) that best overlaps the network's part ``guided``
    (N,) bool, by area IoU, when that is at least ``SNAP``; else ``guided``. Where a fold bounds
    the part the network saw, the fold's outline is the exact one."""
    area = graph.area
    best, best_iou = guided, SNAP
    for side in cuts:
        iou = float(area[side & guided].sum()) / max(float(area[side | guided].sum()), 1e-300)
        if iou >= best_iou:
            best, best_iou = side, iou
    return best
