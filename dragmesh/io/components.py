"""Parts of a mesh with no part structure: its connected components.

Many files store each triangle with its own copies of its vertices (STL always does; exporters often
split vertices at UV or normal seams), so vertices are first merged by position; faces are then
connected when they share a merged vertex.
"""

from __future__ import annotations

import numpy as np

# Vertices closer than this fraction of the bounding-box diagonal are the same vertex.
MERGE_TOLERANCE = 1e-7


def component_labels(vertices: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Label faces by connected component, largest component first.

    Args:
        vertices: (V, 3) float positions.
        faces: (F, 3) int vertex indices.

    Returns:
        face_labels (F,) int64 in [0, P), ordered by decreasing face count (ties: first face), and
        part names ``part_0`` ... ``part_{P-1}``.
    """
    # scipy loads on first use: `dragmesh --help` and `info` names this module's formats only.
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    merged = merge_vertices_by_position(vertices)[faces]
    n = int(merged.max()) + 1
    # Two edges per triangle are enough to connect its three vertices.
    rows = np.concatenate([merged[:, 0], merged[:, 1]])
    cols = np.concatenate([merged[:, 1], merged[:, 2]])
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))
    _, vertex_component = connected_components(graph, directed=False)
    raw = vertex_component[merged[:, 0]]

    counts = np.bincount(raw)
    first_face = np.full(len(counts), len(faces))
    np.minimum.at(first_face, raw, np.arange(len(faces)))
    present = np.flatnonzero(counts)
    order = present[np.lexsort((first_face[present], -counts[present]))]
    relabel = np.empty(len(counts), dtype=np.int64)
    relabel[order] = np.arange(len(order))
    labels = relabel[raw]
    return labels, [f"part_{i}" for i in range(len(order))]


def merge_vertices_by_position(vertices: np.ndarray, tolerance: float = MERGE_TOLERANCE) -> np.ndarray:
    """For each vertex, the index of a representative vertex at the same position.

    Positions are snapped to a grid of ``tolerance`` x bounding-box diagonal, so exact duplicates
    always merge and near-duplicates usually do.

    Returns:
        (V,) int64 index into the unique positions.
    """
    vertices = np.asarray(vertices, dtype=np.float64)
    if len(vertices) == 0:
        return np.zeros(0, dtype=np.int64)
    lo = vertices.min(axis=0)
    diagonal = float(np.linalg.norm(vertices.max(axis=0) - lo))
    step = tolerance * diagonal if diagonal > 0 else 1.0
    # Offsetting by the minimum keeps the grid coordinates below 1 / tolerance (no int overflow).
    keys = np.round((vertices - lo) / step).astype(np.int64)
    _, inverse = np.unique(keys, axis=0, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64)
