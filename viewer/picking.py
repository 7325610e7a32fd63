"""Picking: which part, and which point of it, a cursor ray hits, on the actual triangles.

Each part gets its own ray-casting scene over its rest-pose triangles (Open3D's
``RaycastingScene``, Embree underneath); a posed part is hit by casting the ray into the part's own
frame, so moving a part never rebuilds anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dragmesh.io import PartMesh


@dataclass
class Hit:
    """A ray hit: part label, the point (3,) in mesh coordinates, its distance along the ray, and
    the point in the part's rest pose (3,)."""

    part: int
    point: np.ndarray
    distance: float
    rest_point: np.ndarray


class Picker:
    """Ray casting against every part of a PartMesh, each at its own pose."""

    def __init__(self, mesh: PartMesh):
        import open3d as o3d  # heavy; only the viewer needs it

        self._o3d = o3d
        self._scenes = []
        for label in range(mesh.n_parts):
            faces = mesh.faces[mesh.face_labels == label]
            scene = o3d.t.geometry.RaycastingScene()
            if len(faces):
                used, inverse = np.unique(faces, return_inverse=True)
                scene.add_triangles(
                    o3d.core.Tensor(mesh.vertices[used].astype(np.float32)),
                    o3d.core.Tensor(inverse.reshape(-1, 3).astype(np.uint32)),
                )
            self._scenes.append(scene if len(faces) else None)

    def cast(self, origin: np.ndarray, direction: np.ndarray, transforms: list[np.ndarray]) -> Hit | None:
        """The nearest hit of the ray (origin (3,), unit direction (3,)) on the parts posed by
        ``transforms`` (one (4, 4) per part, rest -> current pose), or None."""
        best: Hit | None = None
        for label, scene in enumerate(self._scenes):
            if scene is None:
                continue
            T = transforms[label]
            R, t = T[:3, :3], T[:3, 3]
            o_local = R.T @ (origin - t)
            d_local = R.T @ direction
            rays = self._o3d.core.Tensor(np.r_[o_local, d_local][None].astype(np.float32))
            t_hit = float(scene.cast_rays(rays)["t_hit"].numpy()[0])
            if np.isfinite(t_hit) and (best is None or t_hit < best.distance):
                best = Hit(label, origin + t_hit * direction, t_hit, o_local + t_hit * d_local)
        return best
