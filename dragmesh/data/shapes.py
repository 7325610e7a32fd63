"""Triangle-mesh primitives for the procedural object generator (NumPy only).

A mesh is a pair ``(vertices, faces)``: vertices (V, 3) float64 in metres, faces (F, 3) int64, wound
counter-clockwise seen from outside, so normals point out of the solid. Closed primitives are
watertight. Frames follow the project convention: +Y up, +Z front.

Every primitive is built around the origin (or ``center``) and placed with :func:`translate`,
:func:`rotate`, :func:`orient` or :func:`transform`; :func:`merge` joins meshes. Handles are built in
a mounting frame: the mounting surface is the plane z = 0, the handle protrudes to +z and its long
direction is +y; :func:`orient` puts that frame onto any face.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np

from dragmesh.geometry.rotations import cross, rotation_matrix

Mesh = tuple[np.ndarray, np.ndarray]

_FACE_AXIS = {"-x": (0, -1), "+x": (0, 1), "-y": (1, -1), "+y": (1, 1), "-z": (2, -1), "+z": (2, 1)}
_FACE_ORDER = ("-x", "+x", "-y", "+y", "-z", "+z")


# --------------------------------------------------------------------------------------------
# placement


def transform(mesh: Mesh, matrix) -> Mesh:
    """Mesh with vertices mapped by an affine 4x4 (or 3x3 linear) `matrix`; a reflection flips the
    winding so normals stay outward."""
    v, f = mesh
    M = np.asarray(matrix, dtype=np.float64)
    if M.shape == (4, 4):
        v = v @ M[:3, :3].T + M[:3, 3]
        L = M[:3, :3]
    else:
        v = v @ M.T
        L = M
    if np.linalg.det(L) < 0:
        f = f[:, ::-1]
    return v, f


def translate(mesh: Mesh, offset) -> Mesh:
    """Mesh moved by `offset` (3,)."""
    return mesh[0] + np.asarray(offset, dtype=np.float64), mesh[1]


def rotate(mesh: Mesh, axis, angle: float, origin=None) -> Mesh:
    """Mesh rotated by `angle` radians about the line through `origin` (default 0) along `axis`."""
    R = rotation_matrix(axis, angle)
    v = mesh[0]
    if origin is None:
        return v @ R.T, mesh[1]
    o = np.asarray(origin, dtype=np.float64)
    return (v - o) @ R.T + o, mesh[1]


def frame_matrix(normal, up=(0.0, 1.0, 0.0)) -> np.ndarray:
    """Rotation (3, 3) taking local +z to `normal` and local +y to `up` made orthogonal to it.

    When `up` is parallel to `normal`, any perpendicular direction is used.
    """
    return _frame_matrix(tuple(float(c) for c in normal), tuple(float(c) for c in up)).copy()


@lru_cache(maxsize=1024)
def _frame_matrix(normal: tuple, up: tuple) -> np.ndarray:
    z = np.asarray(normal)
    z = z / np.linalg.norm(z)
    y = np.asarray(up) - np.dot(up, z) * z
    if np.linalg.norm(y) < 1e-9:
        y = np.array([0.0, 0.0, 1.0]) if abs(z[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
        y = y - np.dot(y, z) * z
    y = y / np.linalg.norm(y)
    x = cross(y, z)
    return _frozen(np.stack([x, y, z], axis=1))[0]


def orient(mesh: Mesh, normal=(0.0, 0.0, 1.0), up=(0.0, 1.0, 0.0), at=(0.0, 0.0, 0.0)) -> Mesh:
    """Mesh built in a mounting frame (+z out of the surface, +y along its length) placed so that
    +z points along `normal`, +y along `up`, and the local origin lands on `at` (3,)."""
    R = _frame_matrix(tuple(float(c) for c in normal), tuple(float(c) for c in up))
    return mesh[0] @ R.T + np.asarray(at, dtype=np.float64), mesh[1]


def mirror(mesh: Mesh, axis: int = 0) -> Mesh:
    """Mesh reflected across the plane coordinate[`axis`] = 0, winding flipped to stay outward."""
    v = mesh[0].copy()
    v[:, axis] = -v[:, axis]
    return v, mesh[1][:, ::-1].copy()


def merge(*meshes: Mesh | Iterable[Mesh]) -> Mesh:
    """One mesh from several: ``merge(a, b, c)`` or ``merge([a, b, c])``. Vertices are not welded."""
    if len(meshes) == 1 and not isinstance(meshes[0], tuple):
        meshes = tuple(meshes[0])
    meshes = [m for m in meshes if m is not None and len(m[1])]
    if not meshes:
        return np.zeros((0, 3)), np.zeros((0, 3), dtype=np.int64)
    if len(meshes) == 1:
        return meshes[0]
    counts = np.cumsum([0] + [len(m[0]) for m in meshes[:-1]])
    v = np.concatenate([m[0] for m in meshes])
    f = np.concatenate([m[1] + c for m, c in zip(meshes, counts)])
    return v, f.astype(np.int64, copy=False)


def subdivide(mesh: Mesh, iterations: int = 1) -> Mesh:
    """Each triangle split into four at its edge midpoints, `iterations` times (shared edges share
    their midpoint, so a watertight mesh stays watertight). Raises triangle density 4x per pass."""
    v, f = mesh
    for _ in range(int(iterations)):
        edges = np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]])
        key = np.sort(edges, axis=1)
        uniq, inv = np.unique(key[:, 0] * (len(v) + 1) + key[:, 1], return_inverse=True)
        a, b = uniq // (len(v) + 1), uniq % (len(v) + 1)
        mid = len(v) + inv.reshape(3, -1)
        v = np.concatenate([v, 0.5 * (v[a] + v[b])])
        m01, m12, m20 = mid
        f = np.concatenate(
            [
                np.stack([f[:, 0], m01, m20], 1),
                np.stack([m01, f[:, 1], m12], 1),
                np.stack([m20, m12, f[:, 2]], 1),
                np.stack([m01, m12, m20], 1),
            ]
        )
    return v, f.astype(np.int64, copy=False)


def signed_volume(mesh: Mesh) -> float:
    """Enclosed volume (m^3) of a closed mesh; positive when the winding is outward."""
    v, f = mesh
    a, b, c = v[f[:, 0]], v[f[:, 1]], v[f[:, 2]]
    return float(np.einsum("ij,ij->i", a, cross(b, c)).sum() / 6.0)


# --------------------------------------------------------------------------------------------
# boxes, shells, frames (a lattice of axis-aligned cells; rounding maps it onto a rounded box)


@lru_cache(maxsize=512)
def _lattice_topology(nx: int, ny: int, nz: int):
    """Surface vertices of an nx*ny*nz lattice: ids (nx, ny, nz) (-1 inside), their lattice
    addresses (V, 3), and the outward quads (cells_u, cells_v, 4) of each box face."""
    surf = np.zeros((nx, ny, nz), dtype=bool)
    surf[[0, -1]] = True
    surf[:, [0, -1]] = True
    surf[:, :, [0, -1]] = True
    idx = np.full((nx, ny, nz), -1, dtype=np.int64)
    idx[surf] = np.arange(int(surf.sum()))
    addr = np.stack(np.nonzero(surf), axis=1)
    grids = {
        "-x": (idx[0], True),
        "+x": (idx[-1], False),
        "-y": (idx[:, 0, :], False),
        "+y": (idx[:, -1, :], True),
        "-z": (idx[:, :, 0], True),
        "+z": (idx[:, :, -1], False),
    }
    quads = {}
    for name, (g, flip) in grids.items():
        q = np.stack([g[:-1, :-1], g[1:, :-1], g[1:, 1:], g[:-1, 1:]], axis=-1)
        quads[name] = q[..., ::-1] if flip else q
    return idx, addr, quads


def _quads_to_tris(q: np.ndarray) -> np.ndarray:
    q = q.reshape(-1, 4)
    return np.concatenate([q[:, [0, 1, 2]], q[:, [0, 2, 3]]])


def _frozen(*arrays):
    for a in arrays:
        a.setflags(write=False)
    return arrays


@lru_cache(maxsize=512)
def _box_topology(nx: int, ny: int, nz: int):
    _, addr, quads = _lattice_topology(nx, ny, nz)
    faces = np.concatenate([_quads_to_tris(q) for q in quads.values()])
    return _frozen(addr.copy(), faces)


@lru_cache(maxsize=1024)
def _shell_topology(nx: int, ny: int, nz: int, ix0: int, ix1: int, iy0: int, iy1: int, both: bool):
    """A box lattice with the cells ix0..ix1 x iy0..iy1 of its +z face (and -z when `both`) left
    open and a reversed inner box lattice welded to the opening. Returns lattice addresses (V, 3)
    (z addresses nz, nz+1 name the cavity's back and front planes), an outer-vertex mask (V,),
    and faces (F, 3)."""
    idx_o, addr_o, quads_o = _lattice_topology(nx, ny, nz)
    hole = np.zeros((nx - 1, ny - 1), dtype=bool)
    hole[ix0:ix1, iy0:iy1] = True
    tris = []
    for name, q in quads_o.items():
        if name == "+z" or (both and name == "-z"):
            q = q[~hole]
        tris.append(_quads_to_tris(q))
    mx, my = ix1 - ix0 + 1, iy1 - iy0 + 1
    idx_i, addr_i, quads_i = _lattice_topology(mx, my, 2)
    n_o = len(addr_o)
    remap = np.arange(len(addr_i)) + n_o
    remap[idx_i[:, :, 1].ravel()] = idx_o[ix0 : ix1 + 1, iy0 : iy1 + 1, nz - 1].ravel()
    if both:
        remap[idx_i[:, :, 0].ravel()] = idx_o[ix0 : ix1 + 1, iy0 : iy1 + 1, 0].ravel()
    for name, q in quads_i.items():
        if name == "+z" or (both and name == "-z"):
            continue
        tris.append(remap[_quads_to_tris(q)][:, ::-1])
    faces = np.concatenate(tris)
    addr = np.concatenate([addr_o, addr_i + np.array([ix0, iy0, nz])])
    outer = np.arange(len(addr)) < n_o
    used = np.unique(faces)
    compact = np.full(len(addr), -1, dtype=np.int64)
    compact[used] = np.arange(len(used))
    return _frozen(addr[used], outer[used], compact[faces])


@lru_cache(maxsize=64)
def _bevel_offsets(segments: int) -> np.ndarray:
    return np.tan(np.linspace(0.0, np.pi / 4, segments + 1)[1:])


def _axis_coords(lo: float, hi: float, radius: float, segments: int, cuts=(), max_edge=None) -> np.ndarray:
    """Lattice coordinates from lo to hi: bevel rows spaced by equal angle, the core [lo+r, hi-r]
    split at `cuts` and into cells no longer than `max_edge`."""
    a, b = lo + radius, hi - radius
    eps = 1e-9 * max(1.0, hi - lo)
    core = [a] + sorted(c for c in cuts if a + eps < c < b - eps) + [b]
    if max_edge:
        fine = []
        for u, w in zip(core[:-1], core[1:]):
            n = int(np.ceil((w - u) / max_edge - 1e-9))
            fine.extend(np.linspace(u, w, n + 1)[:-1] if n > 1 else [u])
        core = fine + [b]
    if radius > 0:
        t = radius * _bevel_offsets(segments)
        c = np.concatenate([a - t[::-1], core, b + t])
    else:
        c = np.asarray(core, dtype=np.float64)
    c[0], c[-1] = lo, hi
    return c


def _round(p: np.ndarray, lo: np.ndarray, hi: np.ndarray, radius: float) -> np.ndarray:
    """Map lattice points on the box surface onto the box with edges rounded by `radius`."""
    inner = np.clip(p, lo + radius, hi - radius)
    d = p - inner
    n = np.sqrt(np.einsum("ij,ij->i", d, d))[:, None]
    return inner + radius * d / np.maximum(n, 1e-300)


def box(size, center=(0.0, 0.0, 0.0), bevel: float = 0.0, bevel_segments: int = 2, max_edge=None) -> Mesh:
    """Closed box of `size` (3,) (full extents) centred at `center`.

    bevel: radius of rounded edges and corners (clamped below half the smallest extent), drawn
    with `bevel_segments` rows per 45 degrees. max_edge: split the flat faces into cells no longer
    than this (denser triangles); None keeps each face two triangles.
    """
    h = 0.5 * np.asarray(size, dtype=np.float64)
    c = np.asarray(center, dtype=np.float64)
    r = float(min(max(bevel, 0.0), 0.999 * h.min()))
    if r == 0.0 and not max_edge:
        addr, faces = _box_topology(2, 2, 2)
        return (addr * 2 - 1) * h + c, faces
    xs, ys, zs = (_axis_coords(-h[i], h[i], r, bevel_segments, (), max_edge) for i in range(3))
    addr, faces = _box_topology(len(xs), len(ys), len(zs))
    pts = np.stack([xs[addr[:, 0]], ys[addr[:, 1]], zs[addr[:, 2]]], axis=1)
    if r > 0:
        pts = _round(pts, -h, h, r)
    return pts + c, faces


@lru_cache(maxsize=16)
def _open_config(faces_open: tuple[str, ...]):
    """For an opening: the rotation R taking the canonical opening (+z, or both z faces) onto it,
    and, per canonical face (-x, +x, -y, +y, -z, +z), the index of the world face it becomes."""
    axis, side = _FACE_AXIS[faces_open[0]]
    if len(faces_open) == 2:
        side = 1
    if axis == 2:
        R = np.eye(3) if side > 0 else rotation_matrix((0, 1, 0), np.pi)
    elif axis == 0:
        R = rotation_matrix((0, 1, 0), side * np.pi / 2)
    else:
        R = rotation_matrix((1, 0, 0), -side * np.pi / 2)
    R = np.round(R)
    world = []
    for name in _FACE_ORDER:
        ax, sd = _FACE_AXIS[name]
        n = R[:, ax] * sd
        k = int(np.argmax(np.abs(n)))
        world.append(_FACE_ORDER.index(("+" if n[k] > 0 else "-") + "xyz"[k]))
    size_perm = tuple(int(np.argmax(np.abs(R[:, i]))) for i in range(3))
    return _frozen(R)[0], np.array(world), size_perm


def box_shell(
    size,
    thickness,
    open_face: str | Sequence[str] = "+z",
    center=(0.0, 0.0, 0.0),
    bevel: float = 0.0,
    bevel_segments: int = 2,
) -> Mesh:
    """Hollow box with one face open (a carcass, a drawer, a tray) or two opposite faces open (a
    rectangular tube or frame): one watertight solid with walls, rim and cavity.

    size: outer extents (3,). thickness: wall thickness, a scalar or six values for the faces
    (-x, +x, -y, +y, -z, +z) (the open faces' own values are ignored); uneven values place the
    opening anywhere, e.g. a pocket in a plate. open_face: "+z", "-y", ... or a pair of opposite
    faces ("-z", "+z"). bevel: radius of the outer edges, at most the thinnest wall around the
    opening.
    """
    faces_open = (open_face,) if isinstance(open_face, str) else tuple(open_face)
    if len(faces_open) not in (1, 2) or any(f not in _FACE_AXIS for f in faces_open):
        raise ValueError(f"open_face must be a face name or two opposite faces, got {open_face!r}")
    if len(faces_open) == 2 and _FACE_AXIS[faces_open[0]][0] != _FACE_AXIS[faces_open[1]][0]:
        raise ValueError(f"two open faces must be opposite, got {faces_open!r}")
    both = len(faces_open) == 2
    R, world, perm = _open_config(faces_open)
    t = np.broadcast_to(np.asarray(thickness, dtype=np.float64), (6,))[world]  # canonical faces
    if np.any(t < 0):
        raise ValueError(f"wall thickness must be >= 0, got {np.broadcast_to(thickness, (6,)).tolist()}")
    h = 0.5 * np.asarray(size, dtype=np.float64)[list(perm)]  # canonical half extents
    lo_i = (-h[0] + t[0], -h[1] + t[2], -h[2] if both else -h[2] + t[4])
    hi_i = (h[0] - t[1], h[1] - t[3], h[2])
    if lo_i[0] >= hi_i[0] or lo_i[1] >= hi_i[1] or lo_i[2] >= hi_i[2]:
        raise ValueError(f"walls {np.broadcast_to(thickness, (6,)).tolist()} leave no cavity in size {list(size)}")
    r = min(float(max(bevel, 0.0)), 0.999 * float(min(t[:4])), 0.999 * float(h.min()))
    xs = _axis_coords(-h[0], h[0], r, bevel_segments, (lo_i[0], hi_i[0]))
    ys = _axis_coords(-h[1], h[1], r, bevel_segments, (lo_i[1], hi_i[1]))
    zs = _axis_coords(-h[2], h[2], r, bevel_segments)
    ix0, ix1 = int(np.searchsorted(xs, lo_i[0] - 1e-12)), int(np.searchsorted(xs, hi_i[0] - 1e-12))
    iy0, iy1 = int(np.searchsorted(ys, lo_i[1] - 1e-12)), int(np.searchsorted(ys, hi_i[1] - 1e-12))
    addr, outer, faces = _shell_topology(len(xs), len(ys), len(zs), ix0, ix1, iy0, iy1, both)
    zz = np.concatenate([zs, (lo_i[2], hi_i[2])])
    pts = np.stack([xs[addr[:, 0]], ys[addr[:, 1]], zz[addr[:, 2]]], axis=1)
    if r > 0:
        pts[outer] = _round(pts[outer], -h, h, r)
    return pts @ R.T + np.asarray(center, dtype=np.float64), faces


def frame(size, border, center=(0.0, 0.0, 0.0), bevel: float = 0.0) -> Mesh:
    """Rectangular frame (a plate with a rectangular hole through it) in the xy-plane.

    size: (width, height, depth along z). border: frame width, a scalar or (left, right, bottom,
    top), so the hole can sit off centre.
    """
    b = np.broadcast_to(np.asarray(border, dtype=np.float64), (4,))
    return box_shell(size, (b[0], b[1], b[2], b[3], 0.0, 0.0), ("-z", "+z"), center, bevel)


def plate_with_pocket(size, pocket, depth: float, center=(0.0, 0.0, 0.0), bevel: float = 0.0) -> Mesh:
    """Plate (w, h, thickness along z) with a rectangular recess in its +z face (a recessed pull,
    a display well). pocket: (x0, x1, y0, y1) relative to the plate centre; depth < thickness."""
    w, h, th = (float(s) for s in size)
    x0, x1, y0, y1 = pocket
    walls = (x0 + w / 2, w / 2 - x1, y0 + h / 2, h / 2 - y1, th - depth, 0.0)
    return box_shell(size, walls, "+z", center, bevel)


def window_panel(
    size,
    border,
    glass_thickness: float = 0.004,
    glass_inset: float | None = None,
    center=(0.0, 0.0, 0.0),
    bevel: float = 0.0,
) -> Mesh:
    """Door or sash with a glass pane: a frame (see :func:`frame`) and a thin pane filling its hole,
    set back from the front face by `glass_inset` (default: mid-depth)."""
    w, h, d = (float(s) for s in size)
    b = np.broadcast_to(np.asarray(border, dtype=np.float64), (4,))
    fr = frame(size, b, bevel=bevel)
    gw, gh = w - b[0] - b[1] + 0.004, h - b[2] - b[3] + 0.004
    inset = 0.5 * d if glass_inset is None else glass_inset
    gz = d / 2 - inset
    gz = np.clip(gz, -d / 2 + glass_thickness / 2, d / 2 - glass_thickness / 2)
    gc = ((b[0] - b[1]) / 2, (b[2] - b[3]) / 2, gz)
    glass = box((gw, gh, glass_thickness), gc)
    return translate(merge(fr, glass), center)


# --------------------------------------------------------------------------------------------
# solids of revolution


@lru_cache(maxsize=512)
def _lathe_topology(poles: tuple[bool, ...], segments: int, loop: bool = False):
    """Vertex ring of each profile point (a pole is one vertex) and outward faces (F, 3); `loop`
    joins the last profile point back to the first (a ring-shaped section)."""
    rings, n = [], 0
    for pole in poles:
        rings.append(np.full(segments, n) if pole else np.arange(n, n + segments))
        n += 1 if pole else segments
    if loop:
        rings.append(rings[0])
        poles = poles + poles[:1]
    faces = []
    for (a, pa), (b, pb) in zip(zip(rings[:-1], poles[:-1]), zip(rings[1:], poles[1:])):
        if pa and pb:
            continue
        a1, b1 = np.roll(a, -1), np.roll(b, -1)
        if not pb:
            faces.append(np.stack([a, b1, b], 1))
        if not pa:
            faces.append(np.stack([a, a1, b1], 1))
    return _frozen(np.concatenate(faces).astype(np.int64))[0]


@lru_cache(maxsize=64)
def _circle(segments: int):
    phi = np.linspace(0.0, 2 * np.pi, segments, endpoint=False)
    return _frozen(np.sin(phi), np.cos(phi))


def lathe(profile, segments: int = 24, center=(0.0, 0.0, 0.0), axis=(0.0, 1.0, 0.0)) -> Mesh:
    """Surface of revolution of a profile about the y axis (then turned onto `axis`).

    profile: (P, 2) points (radius, height) traversed so the solid lies on the left, e.g. bottom
    centre -> outer bottom -> outer top -> top centre for a closed cylinder. Points with radius 0
    become poles; a profile whose last point repeats the first is a closed loop (a ring). A profile
    that neither returns to the axis nor loops leaves an open (one-sided) surface.
    """
    prof = np.asarray(profile, dtype=np.float64)
    loop = len(prof) > 2 and bool(np.all(prof[0] == prof[-1]))
    if loop:
        prof = prof[:-1]
    poles = prof[:, 0] <= 1e-12
    faces = _lathe_topology(tuple(bool(p) for p in poles), segments, loop)
    s, c = _circle(segments)
    r = prof[:, 0]
    ring = np.stack([np.outer(r, s), np.repeat(prof[:, 1:2], segments, 1), np.outer(r, c)], axis=2)
    keep = np.ones((len(prof), segments), dtype=bool)
    keep[poles, 1:] = False
    v = ring[keep]
    ax = np.asarray(axis, dtype=np.float64)
    if not (ax[0] == 0.0 and ax[2] == 0.0 and ax[1] > 0):
        v = v @ _y_to(ax).T
    return v + np.asarray(center, dtype=np.float64), faces


def _y_to(axis) -> np.ndarray:
    """Rotation taking +y onto the unit direction of `axis`."""
    return _y_to_cached(tuple(float(a) for a in axis))


@lru_cache(maxsize=256)
def _y_to_cached(axis: tuple[float, float, float]) -> np.ndarray:
    a = np.asarray(axis)
    a = a / np.linalg.norm(a)
    y = np.array([0.0, 1.0, 0.0])
    k = cross(y, a)
    s, c = np.linalg.norm(k), float(np.dot(y, a))
    if s < 1e-12:
        R = np.eye(3) if c > 0 else np.diag([1.0, -1.0, -1.0])
    else:
        R = rotation_matrix(k, np.arctan2(s, c))
    return _frozen(R)[0]


def cylinder(
    radius: float,
    height: float,
    segments: int = 24,
    center=(0.0, 0.0, 0.0),
    axis=(0.0, 1.0, 0.0),
    capped: bool = True,
    bevel: float = 0.0,
) -> Mesh:
    """Cylinder of `radius` and `height` along `axis`, centred at `center`. A flat one is a disk.
    capped=False leaves an open tube surface; bevel chamfers the cap edges."""
    h = height / 2
    b = min(bevel, 0.45 * radius, 0.45 * height)
    if capped:
        prof = (
            [(0, -h), (radius - b, -h)]
            + ([(radius, -h + b), (radius, h - b)] if b > 0 else [(radius, -h), (radius, h)])
            + [(radius - b, h), (0, h)]
        )
        prof = [p for i, p in enumerate(prof) if i == 0 or p != prof[i - 1]]
    else:
        prof = [(radius, -h), (radius, h)]
    return lathe(prof, segments, center, axis)


def tube(
    outer_radius: float,
    inner_radius: float,
    height: float,
    segments: int = 24,
    center=(0.0, 0.0, 0.0),
    axis=(0.0, 1.0, 0.0),
) -> Mesh:
    """Thick-walled pipe / ring along `axis`: watertight annular solid."""
    h = height / 2
    prof = [(inner_radius, -h), (outer_radius, -h), (outer_radius, h), (inner_radius, h), (inner_radius, -h)]
    return lathe(prof, segments, center, axis)


def cup(
    radius: float,
    height: float,
    thickness: float,
    segments: int = 24,
    bottom: float | None = None,
    top_radius: float | None = None,
    center=(0.0, 0.0, 0.0),
    axis=(0.0, 1.0, 0.0),
) -> Mesh:
    """Open-top vessel (bin, drum, pot, bucket): a watertight solid with walls `thickness` and a floor
    `bottom` (default = thickness). The bottom sits at center - height/2 along `axis`; the rim has
    `top_radius` (default `radius`, a larger one tapers the vessel outward)."""
    h = height / 2
    rt = radius if top_radius is None else top_radius
    fb = thickness if bottom is None else bottom
    prof = [
        (0, -h),
        (radius, -h),
        (rt, h),
        (rt - thickness, h),
        (radius - thickness + (rt - radius) * fb / height, -h + fb),
        (0, -h + fb),
    ]
    return lathe(prof, segments, center, axis)


# --------------------------------------------------------------------------------------------
# swept tubes (handles, bent rods)


def arc_points(radius: float, start: float, stop: float, n: int = 16, center=(0.0, 0.0, 0.0)) -> np.ndarray:
    """Points (n, 3) on a circular arc in the xy-plane, angles in radians from +x toward +y."""
    a = np.linspace(start, stop, n)
    return np.stack([radius * np.cos(a), radius * np.sin(a), np.zeros(n)], 1) + np.asarray(center, dtype=np.float64)


def rounded_path(points, corner_radius: float, corner_segments: int = 4) -> np.ndarray:
    """Polyline (P, 3) with its inner corners replaced by circular arcs of `corner_radius`."""
    p = np.asarray(points, dtype=np.float64)
    out = [p[:1]]
    k = np.linspace(0.0, 1.0, corner_segments + 1)[:, None]
    for i in range(1, len(p) - 1):
        b = p[i]
        u, w = p[i - 1] - b, p[i + 1] - b
        lu, lw = math.sqrt(u @ u), math.sqrt(w @ w)
        u, w = u / lu, w / lw
        ang = math.acos(min(1.0, max(-1.0, float(u @ w))))
        if ang > math.pi - 1e-6 or corner_radius <= 0:
            out.append(b[None])
            continue
        d = min(corner_radius / math.tan(ang / 2), 0.5 * lu, 0.5 * lw)
        r = d * math.tan(ang / 2)
        bis = u + w
        ctr = b + bis * (r / math.sin(ang / 2) / math.sqrt(bis @ bis))
        e0, e1 = b + u * d - ctr, b + w * d - ctr
        f = e1 - (e1 @ e0) / (r * r) * e0  # in-plane direction perpendicular to e0, toward e1
        f = f * (r / math.sqrt(f @ f))
        t = k * (math.pi - ang)
        out.append(ctr + np.cos(t) * e0 + np.sin(t) * f)
    out.append(p[-1:])
    return np.concatenate(out)


@lru_cache(maxsize=512)
def _sweep_topology(P: int, S: int, closed: bool, caps: bool):
    ring = np.arange(S)
    ring1 = np.roll(ring, -1)
    n_seg = P if closed else P - 1
    i = np.arange(n_seg)[:, None]
    a, a1 = i * S + ring, i * S + ring1
    b, b1 = ((i + 1) % P) * S + ring, ((i + 1) % P) * S + ring1
    faces = [np.stack([a, a1, b1], -1).reshape(-1, 3), np.stack([a, b1, b], -1).reshape(-1, 3)]
    if caps and not closed:
        c0, c1, last = P * S, P * S + 1, (P - 1) * S
        faces.append(np.stack([np.full(S, c0), ring1, ring], 1))
        faces.append(np.stack([np.full(S, c1), last + ring, last + ring1], 1))
    return _frozen(np.concatenate(faces).astype(np.int64))[0]


@lru_cache(maxsize=64)
def _circle_section(segments: int):
    a = np.linspace(0, 2 * np.pi, segments, endpoint=False)
    return _frozen(np.stack([np.cos(a), np.sin(a)], 1))[0]


def sweep(
    path, radius: float = 0.01, segments: int = 12, closed: bool = False, caps: bool = True, section=None
) -> Mesh:
    """A cross-section swept along a polyline (bent rod, handle, ring).

    path: (P, 3) points. section: (S, 2) polygon in the plane normal to the path, counter-clockwise
    about the path direction; default a circle of `radius` with `segments` sides. closed: the path is
    a loop. caps: close the two ends of an open path (fans). Planar paths sweep without twist.
    """
    p = np.asarray(path, dtype=np.float64)
    sec = radius * _circle_section(segments) if section is None else np.asarray(section, dtype=np.float64)
    S, P = len(sec), len(p)
    if closed:
        tang = np.roll(p, -1, 0) - np.roll(p, 1, 0)
    else:
        tang = np.empty_like(p)
        tang[1:-1] = p[2:] - p[:-2]
        tang[0], tang[-1] = p[1] - p[0], p[-1] - p[-2]
    tang /= np.sqrt(np.einsum("ij,ij->i", tang, tang))[:, None]
    d = p - p.mean(0)
    plane = cross(d[:-1], d[1:]).sum(0)
    pn = math.sqrt(plane @ plane)
    scale = float(np.abs(d).max()) + 1e-12
    if pn > 1e-9 * scale * scale and np.abs(d @ (plane / pn)).max() < 1e-9 * scale:
        bin_ = np.broadcast_to(plane / pn, p.shape)
        nrm = cross(bin_, tang)
    elif pn <= 1e-9 * scale * scale:  # straight
        ref = np.array([0.0, 0.0, 1.0]) if abs(tang[0, 2]) < 0.9 else np.array([1.0, 0.0, 0.0])
        n0 = cross(ref, tang[0])
        nrm = np.broadcast_to(n0 / math.sqrt(n0 @ n0), p.shape)
        bin_ = cross(tang, nrm)
    else:  # parallel transport of a normal along a space curve
        ref = np.array([0.0, 0.0, 1.0]) if abs(tang[0, 2]) < 0.9 else np.array([1.0, 0.0, 0.0])
        nrm = np.empty_like(p)
        n = ref
        for i in range(P):
            n = n - (n @ tang[i]) * tang[i]
            n = n / math.sqrt(n @ n)
            nrm[i] = n
        bin_ = cross(tang, nrm)
    v = p[:, None, :] + sec[None, :, 0, None] * nrm[:, None, :] + sec[None, :, 1, None] * bin_[:, None, :]
    v = v.reshape(-1, 3)
    if caps and not closed:
        v = np.concatenate([v, p[[0, -1]]])
    return v, _sweep_topology(P, S, closed, caps)


def torus_arc(
    major_radius: float,
    minor_radius: float,
    angle: float = 2 * np.pi,
    start: float = 0.0,
    segments: int = 24,
    section_segments: int = 10,
) -> Mesh:
    """Rod bent along a circular arc of `angle` radians in the xy-plane (a full torus for 2*pi),
    centred at the origin, starting at `start` (from +x toward +y). Open arcs are capped."""
    full = angle >= 2 * np.pi - 1e-9
    n = segments if full else max(2, int(np.ceil(segments * angle / (2 * np.pi))) + 1)
    pts = arc_points(major_radius, start, start + (angle if not full else 2 * np.pi * (1 - 1 / n)), n)
    return sweep(pts, minor_radius, section_segments, closed=full)


def plate_with_hole(size, radius: float, hole_center=(0.0, 0.0), segments: int = 32, center=(0.0, 0.0, 0.0)) -> Mesh:
    """Rectangular plate (w, h, thickness along z) with a round hole of `radius` through it, at
    `hole_center` (2,) relative to the plate centre (a washing-machine front, a sink)."""
    w, h, t = (float(s) for s in size)
    cx, cy = (float(c) for c in hole_center)
    phi = np.linspace(0.0, 2 * np.pi, segments, endpoint=False)
    d = np.stack([np.cos(phi), np.sin(phi)], 1)
    inner = np.array([cx, cy]) + radius * d
    # Ray from the hole centre to the rectangle boundary, plus the four corners, in angle order.
    with np.errstate(divide="ignore"):
        tx = np.where(d[:, 0] > 0, (w / 2 - cx) / d[:, 0], np.where(d[:, 0] < 0, (-w / 2 - cx) / d[:, 0], np.inf))
        ty = np.where(d[:, 1] > 0, (h / 2 - cy) / d[:, 1], np.where(d[:, 1] < 0, (-h / 2 - cy) / d[:, 1], np.inf))
    ray = np.array([cx, cy]) + np.minimum(tx, ty)[:, None] * d
    corners = np.array([[w / 2, h / 2], [-w / 2, h / 2], [-w / 2, -h / 2], [w / 2, -h / 2]])
    cang = np.mod(np.arctan2(corners[:, 1] - cy, corners[:, 0] - cx), 2 * np.pi)
    ang = np.concatenate([phi, cang])
    is_ray = np.concatenate([np.ones(segments, bool), np.zeros(4, bool)])
    order = np.lexsort((~is_ray, ang))  # a corner exactly on a ray angle comes after the ray point
    outer = np.concatenate([ray, corners])[order]
    ray_pos = np.empty(segments, dtype=np.int64)
    ray_pos[order[is_ray[order]]] = np.flatnonzero(is_ray[order])
    M = len(outer)
    # Vertex blocks: inner front, inner back, outer front, outer back.
    zf, zb = t / 2, -t / 2
    v = np.concatenate(
        [
            np.column_stack([inner, np.full(segments, zf)]),
            np.column_stack([inner, np.full(segments, zb)]),
            np.column_stack([outer, np.full(M, zf)]),
            np.column_stack([outer, np.full(M, zb)]),
        ]
    )
    IF, IB, OF, OB = 0, segments, 2 * segments, 2 * segments + M
    front = []
    for i in range(segments):
        j = (i + 1) % segments
        k0, k1 = ray_pos[i], ray_pos[j]
        ks = [(k0 + s) % M for s in range((k1 - k0) % M + 1)]
        for a, b in zip(ks[:-1], ks[1:]):
            front.append((IF + i, OF + a, OF + b))
        front.append((IF + i, OF + ks[-1], IF + j))
    front = np.asarray(front, dtype=np.int64)
    back = front.copy()
    back[back < IB] += segments  # inner front -> inner back
    back[(back >= OF) & (back < OB)] += M  # outer front -> outer back
    back = back[:, ::-1]
    i = np.arange(segments)
    j = (i + 1) % segments
    hole = np.concatenate([np.stack([IF + i, IB + j, IB + i], 1), np.stack([IF + i, IF + j, IB + j], 1)])
    k = np.arange(M)
    k1 = (k + 1) % M
    rim = np.concatenate([np.stack([OF + k, OB + k, OB + k1], 1), np.stack([OF + k, OB + k1, OF + k1], 1)])
    return v + np.asarray(center, dtype=np.float64), np.concatenate([front, back, hole, rim])


# --------------------------------------------------------------------------------------------
# handles, knobs, buttons (mounting frame: surface z = 0, protruding to +z, long along +y)


def bar_handle(
    length: float,
    standoff: float,
    radius: float,
    post_spacing: float | None = None,
    square: bool = False,
    segments: int = 12,
) -> Mesh:
    """Straight bar held off the surface by two posts: the bar runs along y at height `standoff`
    (to its axis), posts at +-post_spacing/2 (default 0.8 * length); square=True uses box sections."""
    sp = 0.8 * length if post_spacing is None else post_spacing
    pr = 0.8 * radius
    if square:
        bar = box((2 * radius, length, 2 * radius), (0, 0, standoff))
        posts = [box((2 * pr, 2 * pr, standoff), (0, y, standoff / 2)) for y in (-sp / 2, sp / 2)]
    else:
        bar = cylinder(radius, length, segments, (0, 0, standoff), bevel=0.3 * radius)
        posts = [
            cylinder(pr, standoff, max(6, segments // 2), (0, y, standoff / 2), axis=(0, 0, 1))
            for y in (-sp / 2, sp / 2)
        ]
    return merge([bar] + posts)


def loop_handle(
    length: float,
    standoff: float,
    radius: float,
    corner_radius: float | None = None,
    segments: int = 10,
    flat: bool = False,
) -> Mesh:
    """One-piece D / U shaped pull: a rod from the surface out to `standoff`, along y for `length`,
    and back, corners rounded by `corner_radius` (large = bow handle); flat=True uses a flat strip."""
    cr = 0.5 * standoff if corner_radius is None else corner_radius
    L = length / 2
    path = rounded_path([(0, -L, -radius), (0, -L, standoff), (0, L, standoff), (0, L, -radius)], cr, 5)
    section = None
    if flat:
        section = np.array(
            [
                [-radius * 0.5, -radius * 1.6],
                [radius * 0.5, -radius * 1.6],
                [radius * 0.5, radius * 1.6],
                [-radius * 0.5, radius * 1.6],
            ]
        )
    return sweep(path, radius, segments, section=section)


def bow_handle(length: float, height: float, radius: float, segments: int = 10) -> Mesh:
    """Arched pull: a circular arc of chord `length` along y rising `height` off the surface."""
    R = (length**2 / 4 + height**2) / (2 * height)
    half = np.arcsin(min(1.0, length / (2 * R)))
    a = np.linspace(-half, half, 14)
    path = np.stack([np.zeros_like(a), R * np.sin(a), R * np.cos(a) - (R - height)], 1)
    path = np.concatenate([path[:1] - (0, 0, radius), path, path[-1:] - (0, 0, radius)])
    return sweep(path, radius, segments)


def knob(radius: float, height: float, style: str = "mushroom", segments: int = 16) -> Mesh:
    """Round knob on the surface, axis +z. style: "mushroom" (stem and rounded head), "cylinder"
    (flat disc with a chamfer), "cone" (tapered control knob), "ball"."""
    r, h = radius, height
    if style == "cylinder":
        return cylinder(r, h, segments, (0, 0, h / 2), axis=(0, 0, 1), bevel=0.15 * min(r, h))
    if style == "cone":
        prof = [(0, 0), (r, 0), (r, 0.25 * h), (0.75 * r, h), (0, h)]
    elif style == "ball":
        a = np.linspace(-0.6 * np.pi / 2, np.pi / 2, 7)
        prof = (
            [(0, 0), (0.4 * r, 0), (0.4 * r, 0.35 * h)]
            + [(r * np.cos(x), 0.35 * h + (h * 0.65) * 0.5 * (1 + np.sin(x))) for x in a[1:-1]]
            + [(0, h)]
        )
    else:  # mushroom
        prof = [(0, 0), (0.45 * r, 0), (0.45 * r, 0.4 * h), (0.95 * r, 0.55 * h), (r, 0.75 * h), (0.8 * r, h), (0, h)]
    return lathe(prof, segments, axis=(0, 0, 1))


def lever_handle(length: float, radius: float, rose_radius: float, standoff: float, segments: int = 12) -> Mesh:
    """Door lever: a round rose on the surface, a neck out to `standoff`, and a grip of `length`
    running along +x (the lever turns about the neck, the local z axis)."""
    rose = cylinder(rose_radius, 0.25 * standoff, segments + 4, (0, 0, 0.125 * standoff), axis=(0, 0, 1), bevel=0.002)
    neck = cylinder(radius, standoff, segments, (0, 0, standoff / 2), axis=(0, 0, 1))
    path = rounded_path(
        [(0, 0, standoff - radius * 0.2), (0, 0, standoff + radius), (length, 0, standoff + radius)], radius * 1.5, 3
    )
    grip = sweep(path[1:], radius, segments)
    return merge(rose, neck, grip)


def lip_pull(length: float, depth: float, thickness: float, drop: float) -> Mesh:
    """Edge pull: an L-shaped strip along y: a flange standing `depth` off the surface and a lip of
    `drop` hanging from it toward -x (fingers hook behind it)."""
    flange = box((thickness, length, depth), (0, 0, depth / 2))
    lip = box((drop, length, thickness), (-drop / 2 + thickness / 2, 0, depth - thickness / 2))
    return merge(flange, lip)


def button(width: float, height: float, depth: float, round_: bool = False, segments: int = 16) -> Mesh:
    """Push button standing `depth` off the surface: a bevelled box or (round_) a disc."""
    if round_:
        return cylinder(width / 2, depth, segments, (0, 0, depth / 2), axis=(0, 0, 1), bevel=0.2 * depth)
    return box(
        (width, height, depth), (0, 0, depth / 2), bevel=min(0.25 * depth, 0.2 * min(width, height)), bevel_segments=1
    )
