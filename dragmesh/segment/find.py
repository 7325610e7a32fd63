"""The movable part under a click, on a mesh that names no parts.

A part that moves is bounded by folds: it meets the body it moves against in a concave crease (a
door's edge against the carcass front, the groove round a drawer front, a knob's foot on its
panel), and its own outer edges are convex. So the part is the cheapest cut of the surface between
the click and what is surely base, where cutting an edge costs its length, much less across a fold:

1. vertices are merged by position (a file that splits them at seams is still one surface);
2. every edge gets its turning ``(n_j - n_i) . (p_j - p_i) / |p_j - p_i|`` from the vertex normals:
   positive on convex folds, negative on concave ones, about the fold's angle in radians; its cost
   is ``length * exp(-inward / CONCAVE_SCALE - outward / CONVEX_SCALE)``;
3. the sink (surely base) is the far end of the object from the click and, given an up direction,
   its bottom; the caller may mark more;
4. cuts (max-flow / min-cut) start from geodesic balls of several radii round the click, then from
   the best cut grown by the smooth surface just outside it (a handle's cut grows onto its drawer
   front, whose own cut is the drawer); the part is the largest cut whose cost per length says it
   runs along folds (or a ranker's pick); none cheap enough: no part there;
5. loose pieces (separate connected pieces of the mesh) touch when they come within ``CONTACT``:
   a piece clicked on is a part by itself, or rides on a much bigger piece it touches that is not
   the base (a handle goes with its drawer); groups of other pieces that touch the part more than
   the base move with it (a door in five pieces, a handle on a welded door).

Convention: the mesh is ``vertices (V, 3)`` float and ``faces (F, 3)`` int, in the file's own units;
the answer is a vertex mask in the same vertex order. Pure NumPy / SciPy, no models.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from dragmesh.errors import InputError
from dragmesh.geometry.triangles import closest_point_on_triangles
from dragmesh.io.components import merge_vertices_by_position
from dragmesh.io.values import check_vector3

# A click farther than this fraction of the bounding-box diagonal from the surface is off the mesh.
CLICK_TOLERANCE = 0.02
# Loose pieces whose surfaces come closer than this fraction of the diagonal touch.
CONTACT = 0.004
# Cutting an edge costs its length times exp(-inward fold / CONCAVE_SCALE - outward fold /
# CONVEX_SCALE), folds in radians of normal turning: inward folds are nearly free to cut.
CONCAVE_SCALE = 0.03
CONVEX_SCALE = 0.5
# No edge is cheaper than this fraction of its length: a long cut through folds still costs.
MIN_COST = 0.01
# The clicked region: vertices reached from the click across edges turning less than SMOOTH
# radians, within RADIUS of the diagonal.
SMOOTH = 0.08
RADIUS = 0.25
# The base side of the cut: vertices at least FAR of the farthest vertex's distance from the click,
# and, with an up direction, those within BOTTOM of the diagonal of the lowest.
FAR = 0.85
BOTTOM = 0.02
# Radii (fractions of the diagonal) of the geodesic balls round the click the cuts start from, and
# how much farther the smooth region round the click may reach.
SOURCE_RADII = (0.01, 0.03, 0.08, 0.2)
SMOOTH_REACH = 3.0
# Times the best cut is grown by the smooth surface just outside it and cut again.
EXPANSIONS = 2
# Without a ranker: a cut whose cost per length of boundary is under this runs along folds (1:
# across flat surface), and the largest such cut is the part.
RATIO = 0.06
# A part rides on a piece it touches that is this many times its area.
CARRIER = 2.0
# Surface samples over the whole mesh when finding which loose pieces touch.
SAMPLES = 20_000
# A part larger than this fraction of the vertices is the base: nothing separates there.
MAX_PART = 0.7
# A cut along folds with at most this share of the surface is a small part the network cannot resolve.
SMALL_PART = 0.02
# Fewer positions than this in the mask network's part: it saw none there (the cuts answer).
MIN_LEARNED = 4
# With no cut cheaper than this per length (1: across flat surface), nothing separates a part there.
NO_PART_RATIO = 0.5


class NoPartError(InputError):
    """No movable part could be found at the point (it is on the base, or nothing separates there)."""


@dataclass
class SurfaceGraph:
    """A mesh as the cut sees it: unique positions joined by the mesh's edges.

    Attributes:
        merged: (V,) index of each input vertex's unique position.
        points: (N, 3) the unique positions. faces: (F', 3) the faces over them (degenerate ones
            dropped). used: (N,) bool, positions some face uses.
        area: (N,) area each position stands for (a third of its faces').
        piece: (N,) the connected piece of each position (0 for unused ones too).
        edges: (E, 2) int64 mesh edges. length: (E,) their lengths. turning: (E,) their folds (radians;
            positive convex). cost: (E,) what cutting each costs (median edge across flat = 1).
        diagonal: the bounding-box diagonal of the used positions.
    """

    merged: np.ndarray
    points: np.ndarray
    faces: np.ndarray
    used: np.ndarray
    area: np.ndarray
    piece: np.ndarray
    edges: np.ndarray
    length: np.ndarray
    turning: np.ndarray
    cost: np.ndarray
    diagonal: float


@dataclass
class Candidate:
    """One cut: ``side`` (N,) bool over the graph's positions, and its ``features`` (K,) float32
    (see :data:`FEATURES`) for the ranker."""

    side: np.ndarray
    features: np.ndarray


@dataclass
class PartSelection:
    """The part found under a click.

    Attributes:
        vertex_mask: (V,) bool, the part's vertices, in the input's vertex order.
        face_mask: (F,) bool, faces with at least two of their vertices on the part.
        seed: index of the vertex nearest the click.
        base_mask: (V,) bool, the base the part was separated from.
    """

    vertex_mask: np.ndarray
    face_mask: np.ndarray
    seed: int
    base_mask: np.ndarray


def _edges(faces: np.ndarray) -> np.ndarray:
    """Unique undirected edges (E, 2), smaller index first."""
    e = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    e = np.sort(e, axis=1)
    e = e[e[:, 0] != e[:, 1]]
    n = int(e.max()) + 1 if len(e) else 1
    key = np.unique(e[:, 0] * n + e[:, 1])  # one int64 key per edge: far faster than unique rows
    return np.stack([key // n, key % n], axis=1)


def _vertex_normals(vertices: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Area-weighted unit vertex normals (V, 3), and the area each vertex stands for (a third of
    its faces'), (V,). Averaging them over neighbours measured worse (it blurs the creases)."""
    tri = vertices[faces]
    cross = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])  # length: twice the area
    n = len(vertices)
    normals = np.zeros((n, 3))
    for k in range(3):
        np.add.at(normals, faces[:, k], cross)
    area = np.bincount(faces.ravel(), weights=np.repeat(np.linalg.norm(cross, axis=1) / 6.0, 3), minlength=n)
    return normals / np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-300), area


def _smooth_region(seeds: np.ndarray, edges: np.ndarray, turning: np.ndarray, points: np.ndarray,
                   centre: np.ndarray, radius: float) -> np.ndarray:
    """(V,) bool: the vertices reached from the ``seeds`` (V,) bool across smooth edges, within
    ``radius`` of ``centre`` (3,)."""
    near = np.linalg.norm(points - centre, axis=1) <= radius
    keep = (np.abs(turning) < SMOOTH) & near[edges[:, 0]] & near[edges[:, 1]]
    n = len(points)
    graph = coo_matrix((np.ones(int(keep.sum())), (edges[keep, 0], edges[keep, 1])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    return np.isin(label, np.unique(label[seeds & near]))


def surely_base(points: np.ndarray, used: np.ndarray, click: np.ndarray, up, diagonal: float) -> np.ndarray:
    """(V,) bool: what is surely base: the far end of the object from the ``click`` (3,) and, with
    ``up`` (3,), its bottom. points (V, 3), used (V,) bool."""
    distance = np.where(used, np.linalg.norm(points - click, axis=1), -np.inf)
    far = distance >= FAR * distance.max()
    if up is not None:
        height = points @ np.asarray(up, dtype=np.float64)
        low = height[used].min()
        far |= used & (height <= low + BOTTOM * diagonal)
    return far


def _min_cut(n: int, edges: np.ndarray, cost: np.ndarray, source: np.ndarray, sink: np.ndarray) -> np.ndarray:
    """(V,) bool: the source side of the cheapest cut between the ``source`` and ``sink`` vertices
    (Boykov-Kolmogorov max-flow, PyMaxflow: on surface graphs several times faster than Dinic)."""
    import maxflow

    graph = maxflow.Graph[float](n, len(edges))
    nodes = graph.add_nodes(n)
    graph.add_edges(edges[:, 0], edges[:, 1], cost, cost)
    terminal = float(cost.sum()) + 1.0  # more than any cut: the terminals' vertices never move side
    # The roles swapped: vertices tied between the sides (free in the residual graph) go to the
    # base, so the part is the smallest cheapest cut.
    graph.add_grid_tedges(nodes[sink], terminal, 0.0)
    graph.add_grid_tedges(nodes[source], 0.0, terminal)
    graph.maxflow()
    return graph.get_grid_segments(nodes)


def surface_graph(vertices: np.ndarray, faces: np.ndarray) -> SurfaceGraph:
    """The :class:`SurfaceGraph` of a mesh: vertices (V, 3) float, faces (F, 3) int, F > 0.

    Raises:
        InputError: every face is degenerate (two corners at one position).
    """
    # Work on unique positions: a file that splits vertices at seams is still one surface.
    merged = merge_vertices_by_position(vertices)
    n = int(merged.max()) + 1
    points = np.zeros((n, 3))
    points[merged] = vertices
    mfaces = merged[faces]
    mfaces = mfaces[(mfaces[:, 0] != mfaces[:, 1]) & (mfaces[:, 1] != mfaces[:, 2]) & (mfaces[:, 2] != mfaces[:, 0])]
    if not len(mfaces):
        raise InputError("the mesh has no triangle with three distinct corners: nothing to find a part on")
    used = np.zeros(n, dtype=bool)
    used[mfaces.ravel()] = True
    diagonal = float(np.linalg.norm(np.ptp(points[used], axis=0)))
    edges = _edges(mfaces)
    normals, area = _vertex_normals(points, mfaces)
    d = points[edges[:, 1]] - points[edges[:, 0]]
    length = np.linalg.norm(d, axis=1)
    turning = np.einsum("ij,ij->i", normals[edges[:, 1]] - normals[edges[:, 0]], d) / np.maximum(length, 1e-300)
    _, piece = connected_components(coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n)),
                                    directed=False)
    # Cutting an edge costs its length, much less where the surface folds (inwards above all).
    fold = np.exp(-np.maximum(-turning, 0.0) / CONCAVE_SCALE - np.maximum(turning, 0.0) / CONVEX_SCALE)
    cost = length / max(float(np.median(length)), 1e-300) * np.maximum(fold, MIN_COST)
    return SurfaceGraph(merged, points, mfaces, used, area, piece, edges, length, turning, cost, diagonal)


# What the ranker reads of a cut, in this order; each clipped to +-FEATURE_LIMIT (a cut of almost
# no area would otherwise read as an infinitely long boundary).
FEATURE_LIMIT = 1e4
FEATURES = ("ratio", "log_ratio_over_best", "area_share", "log_size_over_smallest", "stage", "compactness",
            "concave_share", "convex_share", "extent", "height", "click_offset", "source_share")


def candidate_cuts(graph: SurfaceGraph, seed: int, sink: np.ndarray, up=None) -> list[Candidate]:
    """The cuts between the click at position ``seed`` and the ``sink`` (N,) bool positions.

    They start from geodesic balls round the click (with the smooth surface round it), then from
    the best of those (lowest cost per length) grown by the smooth surface just outside it, twice:
    a handle's cut grows onto its drawer front, whose own cut is the drawer, while a knob's grows
    onto the flat body round it, whose cut crosses flat surface. Cuts taking more than
    ``MAX_PART`` of the surface are dropped.
    """
    from scipy.sparse.csgraph import dijkstra

    g = graph
    n = len(g.points)
    adjacency = coo_matrix((g.length, (g.edges[:, 0], g.edges[:, 1])), shape=(n, n)).tocsr()
    reach = dijkstra(adjacency, directed=False, indices=seed, limit=max(SOURCE_RADII) * g.diagonal)
    at_seed = np.zeros(n, dtype=bool)
    at_seed[seed] = True
    centre, radius = g.points[seed], RADIUS * g.diagonal
    smooth = _smooth_region(at_seed, g.edges, g.turning, g.points, centre, radius)
    total_area = max(float(g.area[g.used].sum()), 1e-300)
    up = None if up is None else np.asarray(up, dtype=np.float64)
    height = None if up is None else g.points @ up
    stages = len(SOURCE_RADII) + EXPANSIONS
    raw = []
    last = None  # (source, side, ratio) of the previous cut

    def cut(source: np.ndarray, stage: int) -> tuple[float, np.ndarray]:
        nonlocal last
        source = source & ~sink
        # Min cuts nest: a source between the previous source and its cut has that same cut.
        if last is not None and not (last[0] & ~source).any() and not (source & ~last[1]).any():
            return last[2], last[1]
        side = _min_cut(n, g.edges, g.cost, source, sink)
        crossing = side[g.edges[:, 0]] != side[g.edges[:, 1]]
        boundary = max(float(g.length[crossing].sum()), 1e-300)
        ratio = boundary_ratio(g, side)
        if side.any() and side.sum() <= MAX_PART * g.used.sum():
            area = max(float(g.area[side].sum()), 1e-300)
            pts = g.points[side]
            extent = float(np.linalg.norm(np.ptp(pts, axis=0)))
            centroid = (pts * g.area[side, None]).sum(axis=0) / area
            level = 0.5
            if height is not None:
                lo, hi = height[g.used].min(), height[g.used].max()
                level = float((centroid @ up - lo) / max(hi - lo, 1e-300))
            turn, cut_length = g.turning[crossing], g.length[crossing]
            raw.append((side, [ratio, 0.0, area / total_area, float(side.sum()), stage / stages,
                               boundary / np.sqrt(area), float(cut_length[turn < -0.1].sum()) / boundary,
                               float(cut_length[turn > 0.1].sum()) / boundary, extent / g.diagonal, level,
                               float(np.linalg.norm(centroid - centre)) / max(extent, 1e-300),
                               float(g.area[source & side].sum()) / area]))
        last = (source, side, ratio)
        return ratio, side

    best = None
    for stage, r in enumerate(SOURCE_RADII):
        found = cut((reach <= r * g.diagonal) | (smooth & (reach <= SMOOTH_REACH * r * g.diagonal)), stage)
        best = found if best is None or found[0] < best[0] else best
    side = best[1]
    for k in range(EXPANSIONS):
        ring = np.zeros(n, dtype=bool)
        crossing = side[g.edges[:, 0]] != side[g.edges[:, 1]]
        ring[g.edges[crossing].ravel()] = True
        ring &= ~side
        _, side = cut(side | _smooth_region(ring, g.edges, g.turning, g.points, centre, radius), len(SOURCE_RADII) + k)
    if not raw:
        return []
    # Relative features: each cut against the best-following and the smallest cut of this click.
    best_ratio = max(min(f[0] for _, f in raw), 1e-6)
    smallest = min(f[3] for _, f in raw)
    out = []
    for side, f in raw:
        f[1] = float(np.log(max(f[0], 1e-6) / best_ratio))
        f[3] = float(np.log(f[3] / smallest))
        out.append(Candidate(side, np.clip(np.asarray(f, dtype=np.float64), -FEATURE_LIMIT, FEATURE_LIMIT).astype(np.float32)))
    return out


def boundary_ratio(graph: SurfaceGraph, side: np.ndarray) -> float:
    """What cutting round ``side`` (N,) bool costs per length of its boundary (in median edges):
    about 1 across flat surface, near 0 along inward folds."""
    crossing = side[graph.edges[:, 0]] != side[graph.edges[:, 1]]
    boundary = max(float(graph.length[crossing].sum()), 1e-300)
    return float(graph.cost[crossing].sum()) / (boundary / float(np.median(graph.length)))


def choose(candidates: list[Candidate], ranker=None) -> Candidate | None:
    """The part among the cuts: the ranker's best (``ranker(features (C, K)) -> scores (C,)``), or
    without one the largest whose cost per length is under ``RATIO`` (else the lowest)."""
    if not candidates:
        return None
    if ranker is not None:
        scores = np.asarray(ranker(np.stack([c.features for c in candidates]))).reshape(-1)
        return candidates[int(np.argmax(scores))]
    good = [c for c in candidates if c.features[0] <= RATIO]
    if good:
        return max(good, key=lambda c: c.features[2])
    return min(candidates, key=lambda c: c.features[0])


def click_seed(graph: SurfaceGraph, vertices: np.ndarray, faces: np.ndarray, point) -> tuple[int, np.ndarray]:
    """(the position nearest the click, the click (3,)) for a click ``point`` on the mesh.

    Raises:
        InputError: the point is not three finite numbers, or is off the mesh.
    """
    p = check_vector3(point, "point")
    nearest = closest_point_on_triangles(vertices[faces], p)
    distance = float(np.linalg.norm(nearest - p))
    if distance > CLICK_TOLERANCE * graph.diagonal:
        raise InputError(f"point ({', '.join(f'{x:.4g}' for x in p)}) is {distance:.4g} from the mesh, more than "
                         f"{CLICK_TOLERANCE * graph.diagonal:.4g} (2% of its size); pick a point on the surface")
    seed = int(np.argmin(np.where(graph.used, np.linalg.norm(graph.points - nearest, axis=1), np.inf)))
    return seed, p


def find_part(vertices: np.ndarray, faces: np.ndarray, point, up=None,
              base_vertices: np.ndarray | None = None, ranker=None, masks=None) -> PartSelection:
    """The movable part under ``point``.

    Args:
        vertices: (V, 3) float, faces: (F, 3) int: any triangle mesh (welded or loose pieces).
        point: (3,) the click, mesh coordinates; within ``CLICK_TOLERANCE`` of the diagonal of the
            surface.
        up: optional (3,) unit up direction: the object's bottom is then base too.
        base_vertices: optional (V,) bool, vertices the caller marks as the base (never the part).
        ranker: optional scorer of the cuts' features (see :func:`choose`).
        masks: optional :class:`~dragmesh.segment.learned.MaskReader` ("shipped": the shipped
            mask network's; default None, the nested cuts alone, which measured better on the
            held-out categories): the network outlines the part and the cut follows the folds near its
            outline (:func:`~dragmesh.segment.learned.guided_cut`); the nested cuts and their rule
            (or ``ranker``) answer where the rule's cut runs along folds round at most
            ``SMALL_PART`` of the surface (a knob), or where the network's part has under
            ``MIN_LEARNED`` positions or over ``MAX_PART`` of the surface.

    Returns:
        :class:`PartSelection`.

    Raises:
        InputError: the point is not three finite numbers or is off the mesh; an empty mesh.
        NoPartError: the point is on the base, or no fold separates a part there.
        WeightsError: the shipped mask network's weights are missing or corrupted.
    """
    if isinstance(masks, str):
        from dragmesh.segment import shipped_masks

        masks = shipped_masks()
    vertices = np.asarray(vertices, dtype=np.float64)
    faces = np.asarray(faces, dtype=np.int64)
    if vertices.ndim != 2 or vertices.shape[1] != 3 or faces.ndim != 2 or faces.shape[1] != 3 or not len(faces):
        raise InputError(f"need vertices (V, 3) and faces (F, 3) with F > 0, got {vertices.shape} and {faces.shape}")
    if base_vertices is not None:
        base_vertices = np.asarray(base_vertices, dtype=bool).reshape(-1)
        if base_vertices.shape != (len(vertices),):
            raise InputError(f"base mask must have one value per vertex ({len(vertices)}), got {base_vertices.shape}")
    graph = surface_graph(vertices, faces)
    seed, p = click_seed(graph, vertices, faces, point)
    sink = surely_base(graph.points, graph.used, p, up, graph.diagonal)
    if base_vertices is not None:
        sink[graph.merged[base_vertices]] = True
    if sink[seed]:
        raise NoPartError("no movable part at the point: it is on the base")
    piece_area = np.bincount(graph.piece, weights=graph.area)
    if base_vertices is not None and base_vertices.any():
        body = np.unique(graph.piece[graph.merged[base_vertices]])
    else:
        body = np.array([int(np.argmax(piece_area))])
    if np.isin(graph.piece[seed], body):
        cuts = candidate_cuts(graph, seed, sink, up)
        chosen = choose(cuts, ranker)
        no_fold = chosen is None or chosen.features[0] > NO_PART_RATIO
        side = None
        # A small part the rule's cut finds along folds (a knob, a button) is the folds' answer: the
        # network's 1,024 points see it as a few points and outline a blob round it.
        small = not no_fold and chosen.features[0] <= RATIO and chosen.features[2] <= SMALL_PART
        if masks is not None and not small:
            from dragmesh.segment.learned import guided_cut, snap

            guided = guided_cut(graph, masks.logits(graph, p, up), seed, sink)
            if MIN_LEARNED <= guided.sum() <= MAX_PART * graph.used.sum():
                side = snap(graph, guided, [c.side for c in cuts])
                # Nothing to find: neither a fold cut nor the network's outline runs along folds.
                if no_fold and boundary_ratio(graph, side) > NO_PART_RATIO:
                    side = None
        if side is None:
            if no_fold:
                raise NoPartError("no movable part at the point: no crease or gap separates a part there from the base")
            side = chosen.side
    else:
        side = graph.piece == graph.piece[seed]  # a loose piece: the whole piece is the part
    if len(piece_area) > 1:
        side = with_loose_pieces(graph, side, body)
    vertex_mask = side[graph.merged]
    base_mask = (~side & graph.used)[graph.merged]
    face_mask = vertex_mask[faces].sum(axis=1) >= 2
    return PartSelection(vertex_mask=vertex_mask, face_mask=face_mask,
                         seed=int(np.flatnonzero(graph.merged == seed)[0]), base_mask=base_mask)


def with_loose_pieces(graph: SurfaceGraph, side: np.ndarray, body: np.ndarray) -> np.ndarray:
    """The part ``side`` (N,) bool with the loose pieces that move with it.

    Nodes: the part, the base (what of the ``body`` pieces is not the part), and every other piece.
    Two nodes touch when their surfaces come within ``CONTACT`` of the diagonal (surface samples).
    While the biggest piece the part touches (not the base) is over ``CARRIER`` times the part's
    area, the part rides on it (a handle on its door, a knob on a lid); then every group of other
    pieces that touches the part more than the base (by contact size) joins it.
    """
    from dragmesh.segment.welded import surface_points

    g = graph
    reach = CONTACT * g.diagonal
    total = float(g.area[g.used].sum())
    spacing = max(reach, np.sqrt(total / SAMPLES))
    samples, face = surface_points(g.points, g.faces, spacing, np.random.default_rng(0))
    corners = g.faces[face]
    nearest = corners[np.arange(len(face)), np.argmin(np.linalg.norm(g.points[corners] - samples[:, None], axis=2), axis=1)]
    piece = g.piece[nearest]
    in_body = np.isin(piece, body)
    n_pieces = int(g.piece.max()) + 1
    part_node, base_node = n_pieces, n_pieces + 1
    node = np.where(in_body, np.where(side[nearest], part_node, base_node), piece)
    in_part = np.zeros(n_pieces + 2, dtype=bool)
    in_part[part_node] = side.any()
    in_part[np.unique(piece[side[nearest] & ~in_body])] = True
    pairs = cKDTree(samples).query_pairs(max(reach, 1.5 * spacing), output_type="ndarray")
    pairs = node[pairs]
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    size = np.bincount(node, minlength=n_pieces + 2)
    # touch[a, b]: how many sample pairs of a and b are in contact (a measure of the contact's size).
    touch = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n_pieces + 2,) * 2).tocsr()
    touch = touch + touch.T
    while True:
        neighbours = np.setdiff1d(touch[np.flatnonzero(in_part)].indices, np.flatnonzero(in_part))
        neighbours = neighbours[(neighbours != base_node) & ~np.isin(neighbours, body)]
        if not len(neighbours):
            break
        biggest = neighbours[np.argmax(size[neighbours])]
        if size[biggest] <= CARRIER * size[in_part].sum():
            break
        in_part[biggest] = True
    to_part = np.asarray(touch[:, np.flatnonzero(in_part)].sum(axis=1)).ravel()
    to_base = np.asarray(touch[:, base_node].todense()).ravel() + np.asarray(touch[:, body].sum(axis=1)).ravel()
    # A piece that touches the base more than the part belongs with the base (a carcass panel):
    # it must not join a handle's other pieces into one group with the whole carcass.
    others = np.flatnonzero(~in_part & (np.arange(n_pieces + 2) != base_node) & (to_base <= to_part))
    _, group = connected_components(touch[others][:, others], directed=False)
    held = np.zeros(n_pieces + 2, dtype=bool)
    for k in np.unique(group):
        members = others[group == k]
        # A group rides with the part when it touches the part more than it touches the base.
        if not np.isin(members, body).any() and to_part[members].sum() > to_base[members].sum():
            held[members] = True
    pieces = np.flatnonzero((in_part | held)[:n_pieces])
    return side | (np.isin(g.piece, pieces) & ~np.isin(g.piece, body) & g.used)
