"""Sim-to-real variety for generated meshes: the ways real mesh files differ from the generator's
clean, welded, consistently wound ones.

Real files come as coarse STL (few, long thin triangles) or dense subdivided meshes; with faces
stored twice (duplicated, or double-sided: once each way round); with holes and missing panels;
with flipped windings; with pieces that interpenetrate (a handle through its door, a knob sunk into
its panel); in another face and vertex order, welded or not; in other units (the similarity of
:class:`~dragmesh.data.generator.AugmentConfig` already draws those).

Every function here is plain NumPy over ``(vertices (V, 3), faces (F, 3), face_labels (F,))`` and an
``np.random.Generator``, and returns new arrays ``(vertices, faces, face_labels)``; the label of
every output face is the label of the input face it came from, exactly. The functions never move a
face from one part to another, and never remove or displace the faces of a ``protect``-ed label
(the dragged part and the parts it carries), so its joint stays the ground truth; only
:func:`coarsen` re-tessellates every part (by a few % of the part's size; a part that would lose
half its area keeps its faces). :func:`realistic` applies a random subset of them;
``GeneratorConfig.augment.realism`` is the probability a generated sample's mesh goes through it
(before its points are sampled).

Cost: about 1 ms per :func:`realistic` call on a typical 2,000-face object (one core; each
transformation 0.05-1.5 ms), about 1.5 ms more per sample in the generator with the larger meshes.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping

import numpy as np

from dragmesh.errors import InputError
from dragmesh.geometry.rotations import cross

Arrays = tuple[np.ndarray, np.ndarray, np.ndarray]

# Probability of each transformation in :func:`realistic` (at most one of coarsen / subdivide).
DEFAULT_P: dict[str, float] = {
    "subdivide": 0.2,
    "coarsen": 0.15,
    "interpenetrate": 0.3,
    "open_holes": 0.3,
    "duplicate_faces": 0.2,
    "double_sided": 0.15,
    "flip_normals": 0.25,
    "unweld": 0.2,
    "shuffle_order": 0.25,
}
# Of these, only coarsen, interpenetrate, open_holes and *partial* duplicate_faces / double_sided
# change the distribution of area-sampled points (the training input); the others change only the
# mesh (what mesh-level code sees: windings, welding, order, tessellation) and are kept cheap.

# A realistic mesh never grows past this many faces (subdivision is skipped above it).
MAX_FACES = 20_000


def _check(vertices, faces, face_labels) -> Arrays:
    v = np.asarray(vertices, dtype=np.float64)
    f = np.asarray(faces, dtype=np.int64)
    lab = np.asarray(face_labels, dtype=np.int64)
    if v.ndim != 2 or v.shape[1] != 3 or f.ndim != 2 or f.shape[1] != 3:
        raise InputError(f"need vertices (V, 3) and faces (F, 3), got {v.shape} and {f.shape}")
    if lab.shape != (len(f),):
        raise InputError(f"face_labels must have shape ({len(f)},), got {lab.shape}")
    return v, f, lab


def _areas(v: np.ndarray, f: np.ndarray) -> np.ndarray:
    tri = v[f]
    c = cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    return 0.5 * np.sqrt(np.einsum("ij,ij->i", c, c))


def _compact(v: np.ndarray, f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop vertices no face uses."""
    used = np.zeros(len(v), dtype=bool)
    used[f.ravel()] = True
    if used.all():
        return v, f
    remap = np.cumsum(used) - 1
    return v[used], remap[f]


# Each transformation below is written once as ``_name(v, f, labels, rng, ...) -> (v, f, src)``
# where ``src`` (F',) is the input face each output face came from; the public function of the
# same name returns ``(v, f, labels[src])``. :func:`realistic` composes the ``src`` maps so callers
# holding other per-face data (a moving-face mask) can carry it along.


def _subdivide(v, f, lab, rng, max_edge=None):
    if not len(f):
        return v, f, np.arange(0)
    edges = np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]])  # (3F, 2): e0, e1, e2
    key = np.sort(edges, axis=1)
    code, inv = np.unique(key[:, 0] * len(v) + key[:, 1], return_inverse=True)  # 1-D: fast
    uniq = np.stack([code // len(v), code % len(v)], axis=1)
    inv = inv.reshape(3, len(f)).T  # (F, 3) unique edge id of e0, e1, e2
    if max_edge is None:
        split = np.ones(len(uniq), dtype=bool)
    else:
        split = np.linalg.norm(v[uniq[:, 0]] - v[uniq[:, 1]], axis=1) > max_edge
    if not split.any():
        return v, f, np.arange(len(f))
    mid_id = np.full(len(uniq), -1, dtype=np.int64)
    mid_id[split] = len(v) + np.arange(int(split.sum()))
    v = np.concatenate([v, 0.5 * (v[uniq[split, 0]] + v[uniq[split, 1]])])
    marked = split[inv]  # (F, 3)
    count = marked.sum(axis=1)
    out_f, out_src = [f[count == 0]], [np.flatnonzero(count == 0)]

    # Three edges split: 1 -> 4.
    idx = np.flatnonzero(count == 3)
    if len(idx):
        a, b, c = f[idx].T
        m0, m1, m2 = mid_id[inv[idx]].T
        out_f += [np.stack(t, axis=1) for t in ((a, m0, m2), (m0, b, m1), (m2, m1, c), (m0, m1, m2))]
        out_src += [idx] * 4
    # One edge split: rotate the corners so it is e0 = (a, b), then 1 -> 2.
    idx = np.flatnonzero(count == 1)
    if len(idx):
        r = np.argmax(marked[idx], axis=1)
        rot = (np.arange(3)[None, :] + r[:, None]) % 3
        a, b, c = np.take_along_axis(f[idx], rot, axis=1).T
        m = mid_id[np.take_along_axis(inv[idx], r[:, None], axis=1)[:, 0]]
        out_f += [np.stack((a, m, c), axis=1), np.stack((m, b, c), axis=1)]
        out_src += [idx] * 2
    # Two edges split: rotate so the unsplit one is e2 = (c, a), then 1 -> 3.
    idx = np.flatnonzero(count == 2)
    if len(idx):
        r = (np.argmin(marked[idx], axis=1) + 1) % 3  # unsplit edge k -> start at corner k + 1
        rot = (np.arange(3)[None, :] + r[:, None]) % 3
        a, b, c = np.take_along_axis(f[idx], rot, axis=1).T
        e = np.take_along_axis(inv[idx], rot, axis=1)
        m01, m12 = mid_id[e[:, 0]], mid_id[e[:, 1]]
        out_f += [np.stack(t, axis=1) for t in ((m01, b, m12), (a, m01, m12), (a, m12, c))]
        out_src += [idx] * 3
    return v, np.concatenate(out_f), np.concatenate(out_src)


def _coarsen(v, f, lab, rng, cell=0.05):
    """Vertex clustering per part: vertices of a part in one grid cell (``cell`` x the part's bbox
    diagonal) merge into their mean; faces that collapse are dropped. A part that would lose more
    than half its area keeps its original faces."""
    if not len(f):
        return v, f, np.arange(0)
    v, f0 = _compact(v, f)
    vlab = np.zeros(len(v), dtype=np.int64)
    vlab[f0.ravel()] = np.repeat(lab, 3)
    ul, vl = np.unique(vlab, return_inverse=True)
    vl = vl.reshape(-1)
    order = np.argsort(vl, kind="stable")
    starts = np.searchsorted(vl[order], np.arange(len(ul)))
    lo = np.minimum.reduceat(v[order], starts, axis=0)
    hi = np.maximum.reduceat(v[order], starts, axis=0)
    h = np.maximum(cell * np.linalg.norm(hi - lo, axis=1), 1e-12)
    # Random grid phase, so the same object coarsens differently.
    cells = np.floor((v - lo[vl]) / h[vl, None] + rng.random(3)).astype(np.int64)
    cells -= cells.min(axis=0)
    dims = cells.max(axis=0) + 1
    code = ((vl * dims[0] + cells[:, 0]) * dims[1] + cells[:, 1]) * dims[2] + cells[:, 2]
    _, cid, counts = np.unique(code, return_inverse=True, return_counts=True)
    cid = cid.reshape(-1)
    nv = np.stack([np.bincount(cid, weights=v[:, k], minlength=len(counts)) for k in range(3)], axis=1)
    nv /= counts[:, None]
    nf = cid[f0]
    keep = (nf[:, 0] != nf[:, 1]) & (nf[:, 1] != nf[:, 2]) & (nf[:, 2] != nf[:, 0])
    # Parts that would (nearly) vanish keep their faces.
    before = np.bincount(vl[f0[:, 0]], weights=_areas(v, f0), minlength=len(ul))
    after = np.bincount(vl[f0[keep, 0]], weights=_areas(nv, nf[keep]), minlength=len(ul))
    bad = after < 0.5 * before
    if bad.any():
        restore = bad[vl[f0[:, 0]]]
        ridx = np.flatnonzero(restore)
        rv, rf = _compact(v, f0[ridx])
        kidx = np.flatnonzero(keep & ~restore)
        nv2, nf2 = _compact(nv, nf[kidx])
        return np.concatenate([nv2, rv]), np.concatenate([nf2, rf + len(nv2)]), np.concatenate([kidx, ridx])
    kidx = np.flatnonzero(keep)
    nv, nf = _compact(nv, nf[kidx])
    return nv, nf, kidx


def _duplicate_faces(v, f, lab, rng, fraction=0.2, new_vertices=None):
    """A random ``fraction`` of faces stored twice (sometimes on copies of their vertices)."""
    idx = np.flatnonzero(rng.random(len(f)) < fraction)
    if new_vertices is None:
        new_vertices = bool(rng.random() < 0.5)
    extra = f[idx]
    if new_vertices and len(idx):
        v = np.concatenate([v, v[extra.ravel()]])
        extra = len(v) - 3 * len(idx) + np.arange(3 * len(idx)).reshape(-1, 3)
    return v, np.concatenate([f, extra]), np.concatenate([np.arange(len(f)), idx])


def _double_sided(v, f, lab, rng, fraction=1.0):
    """Faces stored twice, once each way round: every face, or the faces of a random ``fraction``
    of the parts (thin panels modelled as two-sided sheets)."""
    if fraction >= 1.0:
        idx = np.arange(len(f))
    else:
        parts = np.unique(lab)
        pick = parts[rng.random(len(parts)) < fraction]
        idx = np.flatnonzero(np.isin(lab, pick))
    return v, np.concatenate([f, f[idx][:, ::-1]]), np.concatenate([np.arange(len(f)), idx])


def _open_holes(v, f, lab, rng, fraction=0.08, patches=None, base=0, protect=()):
    """Remove patches of the base part's faces (label ``base``): faces whose centroids lie in a few
    random balls, until about ``fraction`` of the base's area is gone (never more than twice
    that, never the whole base). Nothing is removed when ``base`` is protected."""
    if base in set(int(p) for p in np.atleast_1d(np.asarray(protect, dtype=np.int64))):
        return v, f, np.arange(len(f))
    cand = np.flatnonzero(lab == base)
    if len(cand) < 4:
        return v, f, np.arange(len(f))
    area = _areas(v, f[cand])
    total = float(area.sum())
    if not total > 0.0:
        return v, f, np.arange(len(f))
    cent = v[f[cand]].mean(axis=1)
    diag = float(np.linalg.norm(cent.max(0) - cent.min(0))) or 1.0
    n_patch = int(patches) if patches is not None else int(rng.integers(1, 4))
    removed = np.zeros(len(cand), dtype=bool)
    budget = fraction * total
    for _ in range(n_patch):
        seed = int(rng.choice(len(cand), p=area / total))
        d = np.linalg.norm(cent - cent[seed], axis=1)
        order = np.argsort(d, kind="stable")
        # Grow the ball face by face (nearest centroids first) up to this patch's share.
        share = budget / n_patch * rng.uniform(0.5, 1.5)
        cum = np.cumsum(np.where(removed[order], 0.0, area[order]))
        k = int(np.searchsorted(cum, share)) + 1
        ball = order[:k]
        ball = ball[d[ball] <= max(d[ball].max(), 0.02 * diag)]
        removed[ball] = True
        if area[removed].sum() >= 2.0 * budget:
            break
    if area[~removed].sum() < 0.5 * total or removed.all():
        return v, f, np.arange(len(f))
    keep = np.ones(len(f), dtype=bool)
    keep[cand[removed]] = False
    idx = np.flatnonzero(keep)
    v, nf = _compact(v, f[idx])
    return v, nf, idx


def _flip_normals(v, f, lab, rng, fraction=None, per_part=None):
    """Windings reversed: a random ``fraction`` of the faces, or of the parts (``per_part``)."""
    if per_part is None:
        per_part = bool(rng.random() < 0.5)
    if fraction is None:
        fraction = float(rng.uniform(0.05, 0.5))
    if per_part:
        parts = np.unique(lab)
        flip = np.isin(lab, parts[rng.random(len(parts)) < fraction])
    else:
        flip = rng.random(len(f)) < fraction
    f = f.copy()
    f[flip] = f[flip][:, ::-1]
    return v, f, np.arange(len(f))


def _shuffle_order(v, f, lab, rng):
    """Faces and vertices in a random order; each face's corners rotated (winding kept)."""
    perm_v = rng.permutation(len(v))
    inv = np.empty_like(perm_v)
    inv[perm_v] = np.arange(len(v))
    order = rng.permutation(len(f))
    nf = inv[f[order]]
    roll = (np.arange(3)[None, :] + rng.integers(0, 3, len(f))[:, None]) % 3
    return v[perm_v], np.take_along_axis(nf, roll, axis=1), order


def _unweld(v, f, lab, rng):
    """Every face on its own three vertices (STL-style triangle soup)."""
    return v[f.reshape(-1)], np.arange(3 * len(f), dtype=np.int64).reshape(-1, 3), np.arange(len(f))


def _interpenetrate(v, f, lab, rng, max_parts=3, depth=(0.1, 0.6), base=0, small=0.3, protect=()):
    """Small parts pushed into what carries them: up to ``max_parts`` random parts (not the base,
    not a ``protect``-ed one, bbox diagonal under ``small`` x the object's) moved towards the
    base's centre by U(*depth) x their thinnest extent (a handle through its door, a knob sunk into
    its panel). Each part moves whole (rigidly); parts sharing vertices with another stay put."""
    fixed = {int(base)} | {int(x) for x in np.atleast_1d(np.asarray(protect, dtype=np.int64))}
    parts = np.array([p for p in np.unique(lab) if int(p) not in fixed], dtype=np.int64)
    if not len(parts) or not len(f):
        return v, f, np.arange(len(f))
    obj_diag = float(np.linalg.norm(v.max(axis=0) - v.min(axis=0)))
    bmask = lab == base
    centre = v[f[bmask, 0]].mean(0) if bmask.any() else v.mean(0)
    v = v.copy()
    corner_lab, corners = np.repeat(lab, 3), f.ravel()
    lo_lab = np.full(len(v), -1)  # a vertex's label as written by its last and its first corner
    hi_lab = np.full(len(v), -1)
    lo_lab[corners] = corner_lab
    hi_lab[corners[::-1]] = corner_lab[::-1]
    chosen = 0
    for p in rng.permutation(parts):
        if chosen >= max_parts:
            break
        vid = np.flatnonzero((lo_lab == p) | (hi_lab == p))
        if (lo_lab[vid] != hi_lab[vid]).any():  # moving it would tear another part
            continue
        pv = v[vid]
        ext = np.ptp(pv, axis=0)
        if np.linalg.norm(ext) >= small * obj_diag:
            continue
        d = centre - pv.mean(0)
        n = float(np.linalg.norm(d))
        if n <= 0.0:
            continue
        e = np.sort(ext)
        thin = float(e[0]) if e[0] > 1e-3 * e[2] else float(e[1])
        v[vid] = pv + d / n * thin * rng.uniform(*depth)
        chosen += 1
    return v, f, np.arange(len(f))


def _public(fn: Callable, name: str) -> Callable:
    def op(vertices, faces, face_labels, rng: np.random.Generator, **kwargs) -> Arrays:
        v, f, lab = _check(vertices, faces, face_labels)
        nv, nf, src = fn(v, f, lab, rng, **kwargs)
        return nv, nf, lab[src]

    op.__name__ = op.__qualname__ = name
    op.__doc__ = (fn.__doc__ or "") + "\n\n    Returns (vertices, faces, face_labels); labels follow their faces."
    return op


subdivide = _public(_subdivide, "subdivide")
subdivide.__doc__ = """Split edges at their midpoints: every edge (``max_edge=None``: each triangle
    1 -> 4, a dense subdivided mesh) or only edges longer than ``max_edge`` (their triangles split
    1 -> 2, 3 or 4, no cracks). The surface is unchanged.

    Returns (vertices, faces, face_labels); labels follow their faces."""
coarsen = _public(_coarsen, "coarsen")
duplicate_faces = _public(_duplicate_faces, "duplicate_faces")
double_sided = _public(_double_sided, "double_sided")
open_holes = _public(_open_holes, "open_holes")
flip_normals = _public(_flip_normals, "flip_normals")
shuffle_order = _public(_shuffle_order, "shuffle_order")
unweld = _public(_unweld, "unweld")
interpenetrate = _public(_interpenetrate, "interpenetrate")


def _edge_quantile(v: np.ndarray, f: np.ndarray, q: float) -> float:
    tri = v[f]
    lengths = np.linalg.norm(tri - np.roll(tri, 1, axis=1), axis=2).ravel()
    return float(np.quantile(lengths, q))


def realistic(
    vertices,
    faces,
    face_labels,
    rng: np.random.Generator,
    p: Mapping[str, float] | None = None,
    protect: Iterable[int] = (),
    base: int = 0,
    return_source: bool = False,
):
    """A random subset of this module's transformations, each with its probability in ``p``
    (missing names: :data:`DEFAULT_P`), in the order a real file's history would apply them:
    interpenetrate, coarsen or subdivide, open_holes, duplicate_faces, double_sided, flip_normals,
    unweld, shuffle_order.

    Args:
        vertices (V, 3), faces (F, 3), face_labels (F,): the mesh.
        rng: the only source of randomness.
        p: name -> probability.
        protect: labels whose faces are never removed (the dragged part and the parts it carries).
        base: the base part's label (the only one :func:`open_holes` cuts into).
        return_source: also return ``source`` (F',): the input face each output face came from.

    Returns:
        (vertices, faces, face_labels) or, with ``return_source``, (vertices, faces, face_labels, source).
    """
    v, f, lab = _check(vertices, faces, face_labels)
    prob = dict(DEFAULT_P)
    if p is not None:
        unknown = set(p) - set(DEFAULT_P)
        if unknown:
            raise InputError(f"unknown realism transformation(s) {sorted(unknown)}; known: {', '.join(DEFAULT_P)}")
        prob.update(p)
    protect = np.asarray(list(protect), dtype=np.int64)
    draw = {name: bool(rng.random() < prob[name]) for name in DEFAULT_P}  # fixed draw count
    src = np.arange(len(f))

    def step(fn, *args, **kwargs):
        nonlocal v, f, src
        v, f, s = fn(v, f, lab[src], rng, *args, **kwargs)
        src = src[s]

    if draw["interpenetrate"]:
        step(_interpenetrate, base=base, protect=protect)
    if draw["coarsen"]:
        step(_coarsen, cell=float(rng.uniform(0.015, 0.05)))
    elif draw["subdivide"]:
        if rng.random() < 0.5:
            if 4 * len(f) <= MAX_FACES:
                step(_subdivide)
        else:  # split the longest edges a few times (denser where triangles are large)
            for _ in range(int(rng.integers(1, 3))):
                thr = _edge_quantile(v, f, float(rng.uniform(0.5, 0.9)))
                if 4 * len(f) <= MAX_FACES:
                    step(_subdivide, max_edge=thr)
    if draw["open_holes"]:
        step(_open_holes, fraction=float(rng.uniform(0.02, 0.15)), base=base, protect=protect)
    if draw["duplicate_faces"]:
        step(_duplicate_faces, fraction=float(rng.uniform(0.05, 0.5)))
    if draw["double_sided"]:
        step(_double_sided, fraction=1.0 if rng.random() < 0.5 else float(rng.uniform(0.2, 0.8)))
    if draw["flip_normals"]:
        step(_flip_normals)
    if draw["unweld"]:
        step(_unweld)
    if draw["shuffle_order"]:
        step(_shuffle_order)
    if return_source:
        return v, f, lab[src], src
    return v, f, lab[src]
