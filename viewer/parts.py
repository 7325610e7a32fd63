"""Which parts ride on which, the part's box, and words for a joint; pure NumPy (Open3D for the
contact distances), no GUI.

A handle on a door moves with the door: it is *carried*. The viewer finds carried parts, in order:

1. the file's node hierarchy (glTF): a part whose node sits under another part's node is carried by
   that part, unless that part is the base (then it is a part of its own: a knob on a body);
2. a URDF's joints: parts that the file moves with the very same joint (links fixed to one moving
   link) ride on the largest of them;
3. contact: a part that touches exactly one other part, not the base, and is much smaller than it
   (its box diagonal under ``CARRIED_SIZE`` of the other's) is carried by it.

A carried part is dragged, inferred, posed and exported together with its carrier (one rigid part).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

# A part touches another when its surface comes within this fraction of the object's box diagonal.
TOUCH = 0.004
# A part rides on another only when its box diagonal is under this fraction of the other's.
CARRIED_SIZE = 0.5
# Vertices of a part tested for contact (evenly strided).
TOUCH_POINTS = 400


def part_vertices(mesh, label: int) -> np.ndarray:
    return mesh.vertices[np.unique(mesh.faces[mesh.face_labels == label])]


def _boxes(mesh) -> tuple[np.ndarray, np.ndarray]:
    lo = np.full((mesh.n_parts, 3), np.inf)
    hi = np.full((mesh.n_parts, 3), -np.inf)
    for label in range(mesh.n_parts):
        v = part_vertices(mesh, label)
        if len(v):
            lo[label], hi[label] = v.min(axis=0), v.max(axis=0)
    return lo, hi


def gltf_parents(mesh) -> dict[int, int]:
    """Part label -> the label of the nearest part above it in a glTF file's node tree ({} when the
    file is not glTF, has no such nesting, or its parts cannot be matched to the loaded ones)."""
    source = getattr(mesh, "source", None)
    if not source or Path(source).suffix.lower() not in (".glb", ".gltf") or not Path(source).exists():
        return {}
    try:
        import pygltflib

        from dragmesh.io.common import unique_names

        gltf = pygltflib.GLTF2.load(str(source))
        nodes = gltf.nodes or []
        if gltf.scenes:
            roots = list(gltf.scenes[gltf.scene if gltf.scene is not None else 0].nodes or [])
        else:
            children = {c for n in nodes for c in (n.children or [])}
            roots = [i for i in range(len(nodes)) if i not in children]
        order, above, seen = [], {}, set()
        stack = [(i, None) for i in reversed(roots)]
        while stack:  # depth first, as the loader walks it
            index, part_above = stack.pop()
            if index in seen:
                continue
            seen.add(index)
            node = nodes[index]
            here = part_above
            if node.mesh is not None and any(
                    p.attributes.POSITION is not None and (p.mode is None or p.mode in (4, 5, 6))
                    for p in gltf.meshes[node.mesh].primitives):
                above[len(order)] = part_above
                here = len(order)
                order.append(node.name or gltf.meshes[node.mesh].name or None)
            stack.extend((c, here) for c in reversed(node.children or []))
        if unique_names(order) != list(mesh.part_names):
            return {}
        return {k: v for k, v in above.items() if v is not None}
    except Exception:  # a file the loader read but this walk does not understand: no hierarchy
        return {}


def joint_groups(mesh) -> dict[int, int]:
    """Part label -> the label it rides on, for parts a file (URDF) moves with one and the same joint:
    the largest part of each such set carries the others."""
    joints = getattr(mesh, "joints", None) or {}
    if not joints:
        return {}
    lo, hi = _boxes(mesh)
    diag = np.linalg.norm(np.where(np.isfinite(hi - lo), hi - lo, 0.0), axis=1)
    labels = [i for i, n in enumerate(mesh.part_names) if n in joints]
    out, done = {}, set()
    for i in labels:
        if i in done:
            continue
        same = [k for k in labels if k not in done and joints[mesh.part_names[k]].isclose(joints[mesh.part_names[i]], 1e-6)]
        done.update(same)
        if len(same) > 1:
            top = max(same, key=lambda k: (diag[k], -k))
            out.update({k: top for k in same if k != top})
    return out


def contacts(mesh, candidates: list[int] | None = None) -> dict[int, set[int]]:
    """Part label -> the labels of the parts its surface touches (within ``TOUCH`` of the object's
    diagonal), for the ``candidates`` labels (default all)."""
    import open3d as o3d

    lo, hi = _boxes(mesh)
    size = float(np.linalg.norm(np.ptp(mesh.vertices, axis=0))) if len(mesh.vertices) else 1.0
    eps = TOUCH * size
    scenes: dict[int, o3d.t.geometry.RaycastingScene] = {}

    def scene(label: int):
        if label not in scenes:
            faces = mesh.faces[mesh.face_labels == label]
            s = o3d.t.geometry.RaycastingScene()
            s.add_triangles(o3d.core.Tensor(np.ascontiguousarray(mesh.vertices, dtype=np.float32)),
                            o3d.core.Tensor(np.ascontiguousarray(faces, dtype=np.uint32)))
            scenes[label] = s
        return scenes[label]

    out = {}
    for p in (range(mesh.n_parts) if candidates is None else candidates):
        touched = set()
        v = part_vertices(mesh, p)
        if not len(v):
            out[p] = touched
            continue
        pts = v[:: max(1, len(v) // TOUCH_POINTS)]
        # Edge midpoints too: a handle's box touches a door with its face, where no vertex may lie.
        tri = mesh.vertices[mesh.faces[mesh.face_labels == p]]
        tri = tri[:: max(1, len(tri) // TOUCH_POINTS)]
        pts = np.concatenate([pts, tri.mean(axis=1), (tri[:, 0] + tri[:, 1]) / 2])
        for q in range(mesh.n_parts):
            if q == p or not np.isfinite(lo[q]).all():
                continue
            if np.any(lo[p] - eps > hi[q]) or np.any(lo[q] - eps > hi[p]):
                continue
            d = scene(q).compute_distance(o3d.core.Tensor(pts.astype(np.float32)), nthreads=1).numpy()
            if float(d.min()) <= eps:
                touched.add(q)
        out[p] = touched
    return out


def find_carriers(mesh, base: int | None) -> dict[int, int]:
    """Part label -> the label of the part it rides on (directly); see the module docstring."""
    if mesh.n_parts < 3:
        return {}
    carriers = {}
    tree = gltf_parents(mesh)
    for child, parent in tree.items():
        if parent != base:
            carriers[child] = parent
    for child, parent in joint_groups(mesh).items():
        if child not in tree and child != base and parent != base:
            carriers.setdefault(child, parent)
    lo, hi = _boxes(mesh)
    diag = np.linalg.norm(np.where(np.isfinite(hi - lo), hi - lo, 0.0), axis=1)
    # Only parts much smaller than some other movable part can ride on one.
    movable = [q for q in range(mesh.n_parts) if q != base and diag[q] > 0]
    small = [p for p in movable if p not in carriers and p not in tree
             and any(diag[p] < CARRIED_SIZE * diag[q] for q in movable if q != p)]
    if small:
        for p, touched in contacts(mesh, small).items():
            if len(touched) == 1:
                q = next(iter(touched))
                if q != base and diag[p] < CARRIED_SIZE * diag[q]:
                    carriers[p] = q
    # No cycles: a part never carries what carries it.
    for p in list(carriers):
        seen, q = {p}, carriers.get(p)
        while q is not None:
            if q in seen:
                del carriers[p]
                break
            seen.add(q)
            q = carriers.get(q)
    return carriers


def root_of(carriers: dict[int, int], label: int) -> int:
    """The part that moves ``label``: itself, or the carrier at the top of its chain."""
    seen = set()
    while label in carriers and label not in seen:
        seen.add(label)
        label = carriers[label]
    return label


# -- the part's box -------------------------------------------------------------------------------


def part_box(vertices: np.ndarray, faces: np.ndarray, up) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The part's box in mesh coordinates: centre (3,), axes (3, 3) rows (unit), extents (3,) along
    them, the tighter of the box standing on ``up`` and the principal one (the joint inference's
    box; :func:`dragmesh.models.baseline.part_frame`)."""
    from dragmesh.models.baseline import part_frame
    from dragmesh.normalize import rotation_onto_y
    from dragmesh.sampling import sample_surface

    R = rotation_onto_y(up)  # mesh -> +Y up
    pts = sample_surface(vertices, faces, 2048, rng=np.random.default_rng(0)).points
    pts = np.concatenate([pts, vertices[np.unique(faces)]])
    centre, axes, ext = part_frame(pts @ R.T)
    return R.T @ centre, axes @ R, np.asarray(ext, dtype=np.float64)


def box_edges(centre: np.ndarray, axes: np.ndarray, ext: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, int]]:
    """The box's 12 edge lines: (point at the edge's middle (3,), unit direction (3,), box axis k)."""
    out = []
    for k in range(3):
        i, j = [n for n in range(3) if n != k]
        for si in (-0.5, 0.5):
            for sj in (-0.5, 0.5):
                out.append((centre + si * ext[i] * axes[i] + sj * ext[j] * axes[j], axes[k].copy(), k))
    return out


def nearest_edge(point: np.ndarray, centre: np.ndarray, axes: np.ndarray, ext: np.ndarray,
                 along: np.ndarray | None = None):
    """The box edge line nearest ``point`` (3,): (middle (3,), direction (3,), box axis k). With
    ``along`` (3,), only the edges within 2° of that direction count (None when none does)."""
    best, dist = None, np.inf
    for middle, direction, k in box_edges(centre, axes, ext):
        if along is not None and abs(direction @ along) < np.cos(np.radians(2.0)):
            continue
        r = point - middle
        d = float(np.linalg.norm(r - (r @ direction) * direction))
        if d < dist:
            best, dist = (middle, direction, k), d
    return best


# -- words ----------------------------------------------------------------------------------------


def describe(joint, box, up, base_centre: np.ndarray | None = None) -> str:
    """A few words for a joint of a part with box (centre, axes, extents): "side hinge", "top hinge",
    "bottom hinge", "centre pivot", "spins" (no limits), "slides out", "slides up"..."""
    centre, axes, ext = box
    up = np.asarray(up, dtype=np.float64)
    a = np.asarray(joint.axis, dtype=np.float64)
    if joint.type == "revolute":
        if joint.limits is None:
            return "spins"
        rel = centre - joint.origin
        off = rel - (rel @ a) * a  # from the axis line to the box centre, across it
        local = np.abs(axes @ off) / np.maximum(ext / 2.0, 1e-12)
        if float(local.max()) < 0.5:
            return "centre pivot"
        if abs(a @ up) > np.cos(np.radians(30)):
            return "side hinge"
        height = float(-off @ up)  # where the line sits above the centre
        if abs(height) > 0.5 * float(np.linalg.norm(off)):
            return "top hinge" if height > 0 else "bottom hinge"
        return "side hinge"
    if abs(a @ up) > np.cos(np.radians(30)):
        return "slides up" if a @ up > 0 else "slides down"
    if base_centre is not None:
        out = centre - base_centre
        out = out - (out @ up) * up
        if float(np.linalg.norm(out)) > 1e-9 and abs(a @ out) > 0.5 * np.linalg.norm(out):
            return "slides out" if a @ out > 0 else "slides in"
    return "slides sideways"
