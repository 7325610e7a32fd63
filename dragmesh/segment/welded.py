"""Meshes re-made the way scans and image-to-3D models arrive: one welded surface, no parts.

:func:`weld_remesh` voxelises a mesh (its surface points marked in a grid, closed by one voxel,
enclosed space filled), takes the zero level of the signed distance to that solid with marching
cubes, and optionally smooths and decimates the result. Parts closer than about a voxel fuse where
they touch; grooves narrower than a voxel close; hidden interior geometry disappears.
:func:`transfer_vertex_values` carries per-face values of the original mesh (the moving-part mask)
to the new vertices by their nearest surface point: the ground truth of a welded mesh.

Everything is NumPy / SciPy / scikit-image (marching cubes) / Open3D (smoothing, decimation) on one
core; no randomness except the ``rng`` given.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree

from dragmesh.errors import InputError
from dragmesh.sampling import face_areas

# Surface points per voxel face: spacing a third of a voxel leaves no voxel of the surface unmarked.
POINTS_PER_VOXEL = 9
# Cap on the surface points drawn to mark voxels (memory): at this many the spacing grows.
MAX_SURFACE_POINTS = 3_000_000


def surface_points(vertices: np.ndarray, faces: np.ndarray, spacing: float,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Points spread over the surface about ``spacing`` apart (area-weighted, uniform in each face).

    Returns:
        points (N, 3) float64 and the face each lies on, (N,) int64.
    """
    areas = face_areas(vertices, faces)
    count = int(min(MAX_SURFACE_POINTS, max(len(faces), areas.sum() / spacing**2 * 2)))
    # Every face gets at least one point (its centroid), so thin slivers are never skipped.
    per_face = np.maximum(rng.poisson(areas / max(areas.sum(), 1e-300) * count), 0)
    face = np.concatenate([np.arange(len(faces)), np.repeat(np.arange(len(faces)), per_face)])
    r1, r2 = rng.random((2, len(face) - len(faces)))
    flip = r1 + r2 > 1.0
    r1, r2 = np.where(flip, 1.0 - r1, r1), np.where(flip, 1.0 - r2, r2)
    bary = np.concatenate([np.full((len(faces), 2), 1.0 / 3.0), np.stack([r1, r2], axis=1)])
    tri = vertices[faces[face]]
    points = tri[:, 0] + bary[:, :1] * (tri[:, 1] - tri[:, 0]) + bary[:, 1:] * (tri[:, 2] - tri[:, 0])
    return points, face


def weld_remesh(vertices: np.ndarray, faces: np.ndarray, resolution: int = 96,
                rng: np.random.Generator | None = None, smooth: int = 0,
                target_faces: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The mesh as one welded surface (marching cubes over its filled voxels).

    Args:
        vertices: (V, 3) float, any units. faces: (F, 3) int.
        resolution: voxels along the bounding box's longest side (about 32 to 256).
        rng: draws the surface points (default: seed 0).
        smooth: Taubin smoothing iterations (0: none).
        target_faces: decimate (quadric) to about this many faces when the surface has more.

    Returns:
        vertices (V', 3) float64 in the input's frame and units, faces (F', 3) int64, consistently
        wound with normals pointing out of the solid.

    Raises:
        InputError: an empty mesh or a resolution outside [8, 512].
    """
    from skimage.measure import marching_cubes

    vertices = np.asarray(vertices, dtype=np.float64)
    faces = np.asarray(faces, dtype=np.int64)
    if not len(faces):
        raise InputError("cannot remesh a mesh without faces")
    if not 8 <= int(resolution) <= 512:
        raise InputError(f"resolution must be from 8 to 512 voxels, got {resolution}")
    rng = rng or np.random.default_rng(0)
    lo, hi = vertices.min(axis=0), vertices.max(axis=0)
    voxel = float((hi - lo).max()) / int(resolution)
    pad = 3
    origin = lo - pad * voxel
    shape = np.ceil((hi - lo) / voxel).astype(np.int64) + 2 * pad + 1
    points, _ = surface_points(vertices, faces, voxel / 3.0, rng)
    cells = np.clip(np.floor((points - origin) / voxel).astype(np.int64), 0, shape - 1)
    solid = np.zeros(shape, dtype=bool)
    solid[cells[:, 0], cells[:, 1], cells[:, 2]] = True
    # Closing by one voxel seals seams and gaps under a voxel wide before the enclosed space is
    # filled; the erosion gives the dilation back, so solids keep their size.
    solid = ndimage.binary_dilation(solid, iterations=1)
    solid = ndimage.binary_fill_holes(solid)
    solid = ndimage.binary_erosion(solid, iterations=1)
    if not solid.any():
        raise InputError("the mesh is too thin to remesh at this resolution")
    inside = ndimage.distance_transform_edt(solid)
    outside = ndimage.distance_transform_edt(~solid)
    sdf = outside - inside + 0.5 * np.where(solid, 1.0, -1.0)  # zero between the voxel centres
    verts, tris, _, _ = marching_cubes(sdf.astype(np.float32), level=0.0)
    verts = origin + verts.astype(np.float64) * voxel
    tris = tris.astype(np.int64)  # scikit-image winds them with normals up the distance: outwards
    if smooth or (target_faces is not None and len(tris) > target_faces):
        verts, tris = _open3d_filters(verts, tris, smooth, target_faces)
    return verts, tris


def _open3d_filters(vertices, faces, smooth: int, target_faces: int | None):
    import open3d as o3d

    mesh = o3d.geometry.TriangleMesh(o3d.utility.Vector3dVector(vertices), o3d.utility.Vector3iVector(faces))
    if target_faces is not None and len(faces) > target_faces:
        mesh = mesh.simplify_quadric_decimation(int(target_faces))
    if smooth:
        mesh = mesh.filter_smooth_taubin(number_of_iterations=int(smooth))
    mesh.remove_degenerate_triangles()
    mesh.remove_unreferenced_vertices()
    return np.asarray(mesh.vertices, dtype=np.float64), np.asarray(mesh.triangles, dtype=np.int64)


def transfer_vertex_values(vertices: np.ndarray, faces: np.ndarray, face_values: np.ndarray,
                           new_vertices: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
    """Per-face values of a mesh carried to other points by their nearest surface point.

    Args:
        vertices (V, 3), faces (F, 3): the original mesh. face_values: (F,) any dtype.
        new_vertices: (N, 3) points near that surface (a remeshed copy's vertices).

    Returns:
        (N,) the value of the face nearest each point (to within a fiftieth of the bounding box's
        diagonal, from a dense sample of the surface).
    """
    vertices = np.asarray(vertices, dtype=np.float64)
    diagonal = float(np.linalg.norm(np.ptp(vertices, axis=0)))
    points, face = surface_points(vertices, np.asarray(faces), diagonal / 400.0, rng or np.random.default_rng(0))
    _, nearest = cKDTree(points).query(np.asarray(new_vertices, dtype=np.float64))
    return np.asarray(face_values)[face[nearest]]
