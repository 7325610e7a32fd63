"""Lighter stand-ins for heavy meshes while the camera moves, and a vertex order GL draws faster.
Pure NumPy, no GUI.

Mesa's software rasteriser (llvmpipe, what Xvfb gives) spends most of a frame of a 100k-triangle
mesh transforming and setting up triangles, one thread for all of them: a camera move changes every
pixel, so no image can be reused, and the frame costs the triangle count. While the camera moves the
viewer therefore draws a stand-in of each heavy part made by vertex clustering (vertices snapped to
a grid and merged, collapsed triangles dropped), and the full mesh again once the camera stops.

Vertex clustering keeps the silhouette and flat faces of CAD-like parts well at a few percent of the
triangles; it is not a mesh for export, only for the frames drawn while the view turns.
"""

from __future__ import annotations

import numpy as np

# Meshes up to this many triangles are always drawn whole.
LOD_MIN_TRIANGLES = 40_000
# The stand-ins of all parts together aim at this many triangles.
LOD_BUDGET = 24_000
# Parts up to this many triangles keep their full mesh in the stand-in.
SMALL_PART = 1_500


def cluster(vertices: np.ndarray, faces: np.ndarray, cell: float) -> tuple[np.ndarray, np.ndarray]:
    """Vertex clustering: vertices in the same grid cell of size ``cell`` that face the same way
    (one of six axis directions) merge into one; triangles that collapse (two corners merged) and
    repeated triangles are dropped.

    The merged vertex is where the planes of the group's triangles meet best (the quadric error
    minimiser, pulled toward the group's mean where the planes leave it free), moved out to the
    group's outermost vertex along the direction it faces: a box's corners and edges stay sharp
    instead of being rounded off by averaging, and flat faces stay flat.

    vertices (V, 3) float, faces (F, 3) int -> (V', 3) float64, (F', 3) int64 with F' <= F.
    """
    v = np.asarray(vertices, dtype=np.float64)
    f = np.asarray(faces, dtype=np.int64)
    if cell <= 0 or not len(f):
        return v.copy(), f.copy()
    tri = v[f]
    normal = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    area = np.linalg.norm(normal, axis=1)
    n = normal / np.maximum(area, 1e-300)[:, None]
    # Which of the six axis directions each vertex faces (its faces' area-weighted normal): the two
    # sides of a thin wall fall in different groups and never merge, so the wall stays flat.
    vn = sum(_sum_by(f[:, k], normal, len(v)) for k in range(3))
    axis = np.argmax(np.abs(vn), axis=1)
    side = axis * 2 + (vn[np.arange(len(v)), axis] > 0)
    keys = np.floor((v - v.min(axis=0)) / cell).astype(np.int64)
    dims = keys.max(axis=0) + 1
    flat = ((keys[:, 0] * dims[1] + keys[:, 1]) * dims[2] + keys[:, 2]) * 6 + side  # one integer per group
    _, cell_of, counts = np.unique(flat, return_inverse=True, return_counts=True)
    cell_of = cell_of.reshape(-1)
    n_cells = len(counts)
    means = _sum_by(cell_of, v, n_cells) / counts[:, None]
    # Quadrics: each triangle's plane, weighted by its area, summed into the groups of its corners.
    d = -np.einsum("ij,ij->i", n, tri[:, 0])
    per_face = np.c_[(area[:, None, None] * n[:, :, None] * n[:, None, :]).reshape(-1, 9), (area * d)[:, None] * n]
    corners = cell_of[f]
    q = sum(_sum_by(corners[:, k], per_face, n_cells) for k in range(3))
    A, b = q[:, :9].reshape(-1, 3, 3), q[:, 9:]
    # Minimise x'Ax + 2b'x + lam |x - mean|^2: where the planes pin x down they win, elsewhere
    # (a flat patch pins only one direction) the mean does.
    lam = 1e-3 * np.trace(A, axis1=1, axis2=2)[:, None] + 1e-12
    rhs = -b + lam * means
    lhs = A + lam[:, :, None] * np.eye(3)
    centres = np.linalg.solve(lhs, rhs[:, :, None])[:, :, 0]
    # Never leave the cell's neighbourhood (nearly parallel planes can send x far away).
    lo = np.floor((means - v.min(axis=0)) / cell) * cell + v.min(axis=0)
    centres = np.clip(centres, lo - 0.5 * cell, lo + 1.5 * cell)
    bad = ~np.isfinite(centres).all(axis=1)
    centres[bad] = means[bad]
    # Along the direction a group faces, it sits on its outermost vertex: layers stacked closer
    # than a cell (a board on a board) then merge onto the surface one sees, not between the two.
    group_side = np.zeros(n_cells, dtype=np.int64)
    group_side[cell_of] = side
    group_axis, sign = group_side // 2, np.where(group_side % 2 == 1, 1.0, -1.0)
    outer = np.full(n_cells, -np.inf)
    np.maximum.at(outer, cell_of, sign[cell_of] * v[np.arange(len(v)), group_axis[cell_of]])
    centres[np.arange(n_cells), group_axis] = sign * outer
    g = cell_of[f]
    keep = (g[:, 0] != g[:, 1]) & (g[:, 1] != g[:, 2]) & (g[:, 0] != g[:, 2])
    g = g[keep]
    if not len(g):
        return v.copy(), f.copy()
    # One triangle per set of corners and winding, whatever its starting corner: a thin wall whose
    # two sides collapsed onto each other keeps both sides, so culling still shows the near one.
    odd = ((g[:, 0] > g[:, 1]).astype(int) + (g[:, 1] > g[:, 2]) + (g[:, 0] > g[:, 2])) % 2
    _, first = np.unique(np.c_[np.sort(g, axis=1), odd], axis=0, return_index=True)
    g = g[np.sort(first)]
    used, inverse = np.unique(g, return_inverse=True)
    return centres[used], inverse.reshape(-1, 3).astype(np.int64)


def _sum_by(index: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """(n, K): the rows of ``values`` (M, K) summed by ``index`` (M,) (np.add.at, but fast)."""
    return np.stack([np.bincount(index, weights=values[:, k], minlength=n) for k in range(values.shape[1])], axis=1)


def surface_area(vertices: np.ndarray, faces: np.ndarray) -> float:
    tri = np.asarray(vertices, dtype=np.float64)[np.asarray(faces)]
    return float(0.5 * np.linalg.norm(np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]), axis=1).sum())


def stand_ins(parts: list[tuple[np.ndarray, np.ndarray]], budget: int = LOD_BUDGET,
              minimum: int = LOD_MIN_TRIANGLES) -> list[tuple[np.ndarray, np.ndarray] | None]:
    """Per part (vertices, faces): its stand-in (vertices, faces), or None where the part is drawn
    whole (small parts, and every part when the whole mesh has at most ``minimum`` triangles).

    One cell size for the whole mesh, chosen from the surface area so the stand-ins hold about
    ``budget`` triangles (a grid over a surface makes about two triangles per cell it crosses), and
    made coarser until they do; a part never uses cells larger than an eighth of its own size, so
    small parts keep their shape.
    """
    total = sum(len(f) for _, f in parts)
    out: list[tuple[np.ndarray, np.ndarray] | None] = [None] * len(parts)
    if total <= minimum:
        return out
    heavy = [i for i, (_, f) in enumerate(parts) if len(f) > SMALL_PART]
    light = total - sum(len(parts[i][1]) for i in heavy)
    target = max(budget - light, budget // 4)
    area = sum(surface_area(*parts[i]) for i in heavy)
    if area <= 0:
        return out
    cell = float(np.sqrt(2.0 * area / target))
    for _ in range(6):
        trial = {}
        for i in heavy:
            v, f = parts[i]
            size = float(np.linalg.norm(np.ptp(v[np.unique(f)], axis=0)))
            trial[i] = cluster(v, f, min(cell, size / 8.0))
        if sum(len(f) for _, f in trial.values()) <= 1.25 * target:
            break
        cell *= 1.35
    for i, (v, f) in trial.items():
        if len(f) < len(parts[i][1]):
            out[i] = (v, f)
    return out


def _spread(x: np.ndarray) -> np.ndarray:
    """Bits of a 10-bit integer spread two apart (for a 30-bit Morton code)."""
    x = x & 0x3FF
    x = (x | (x << 16)) & 0x30000FF
    x = (x | (x << 8)) & 0x300F00F
    x = (x | (x << 4)) & 0x30C30C3
    return (x | (x << 2)) & 0x9249249


def locality_order(vertices: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The same mesh with triangles in Morton (Z-curve) order of their centres and vertices numbered
    in order of first use, so neighbouring triangles share recently transformed vertices (GL's
    vertex cache hits more: about a fifth less time per frame on llvmpipe for subdivided meshes).

    Returns (V', 3) vertices (unused ones dropped) and (F, 3) faces; the same triangles and windings.
    """
    v = np.asarray(vertices)
    f = np.asarray(faces, dtype=np.int64)
    if not len(f):
        return v, f
    c = v[f].mean(axis=1)
    lo, hi = c.min(axis=0), c.max(axis=0)
    q = ((c - lo) / np.maximum(hi - lo, 1e-30) * 1023).astype(np.int64)
    code = _spread(q[:, 0]) | (_spread(q[:, 1]) << 1) | (_spread(q[:, 2]) << 2)
    f = f[np.argsort(code, kind="stable")]
    flat = f.reshape(-1)
    used, first = np.unique(flat, return_index=True)
    order = used[np.argsort(first)]
    remap = np.empty(len(v), dtype=np.int64)
    remap[order] = np.arange(len(order))
    return v[order], remap[f]
