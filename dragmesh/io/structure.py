"""The structure of a mesh's parts: which part is the fixed base, and which parts ride on which.

A handle on a door moves with the door: it is *carried*. Carried parts are found, in order:

1. the file's node hierarchy (glTF): a part whose node sits under another part's node is carried by
   that part, unless that part is the base (then it is a part of its own: a knob on a body);
2. a URDF's joints: parts that the file moves with the very same joint (links fixed to one moving
   link) ride on the largest of them;
3. contact: a part that touches exactly one other part, not the base, and is much smaller than it
   (its box diagonal under ``CARRIED_SIZE`` of the other's) is carried by it.

A carried part is dragged, inferred, posed and exported together with its carrier (one rigid part):
the viewer and the pipeline (``articulate`` without a part) both read it from here. Pure NumPy, with
Open3D for the contact distances.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

# Part names that say "I am the fixed body" (case-insensitive, optionally with a number).
BASE_NAMES = re.compile(r"(base|body|frame|root|chassis|carcass|housing|casing|case|main|fixed|static|stand)"
                        r"([ _.\-]?\d+)?", re.IGNORECASE)
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


def find_base(mesh) -> int | None:
    """The label of the part that does not move (the microwave's body), or None for a single part.

    In order: the one part the file gives no joint when it gives joints to the others (URDF); the
    part named like a body (``base``, ``body``, ``frame``..., as the generated objects and most
    datasets call it); else the part whose bounding box is largest (the body holds its doors and
    drawers, so its box contains theirs). Face counts are not used: a box body has 12 triangles and
    its door's rounded handle hundreds.
    """
    if mesh.n_parts < 2:
        return None
    counts = np.bincount(mesh.face_labels, minlength=mesh.n_parts)
    present = [i for i in range(mesh.n_parts) if counts[i] > 0]
    if not present:
        return None
    volume, diagonal = {}, {}
    for i in present:
        ext = np.ptp(mesh.vertices[np.unique(mesh.faces[mesh.face_labels == i])], axis=0)
        diagonal[i] = float(np.linalg.norm(ext))
        # A flat part (a lid, a panel) still gets a thin box's volume.
        volume[i] = float(np.prod(np.maximum(ext, 1e-3 * diagonal[i] + 1e-12)))
    top_v, top_d = max(volume.values()), max(diagonal.values())
    # By volume, then diagonal; boxes within a part in ten thousand tie, and a tie goes to the
    # lowest label.
    rank = {i: (round(volume[i] / max(top_v, 1e-300), 4), round(diagonal[i] / max(top_d, 1e-300), 4), -i)
            for i in present}
    if mesh.joints:
        unjointed = [i for i in present if mesh.part_names[i] not in mesh.joints]
        if unjointed:
            return max(unjointed, key=rank.get)
    named = [i for i in present if BASE_NAMES.fullmatch(mesh.part_names[i].strip())]
    if named:
        return max(named, key=rank.get)
    return max(present, key=rank.get)



def carried_group(mesh, label: int, base: int | None) -> list[int]:
    """The labels that move when ``label`` is dragged: the part at the top of its carrier chain
    and every part riding on it, directly or not, in label order."""
    carriers = find_carriers(mesh, base)
    root = root_of(carriers, int(label))
    return [k for k in range(mesh.n_parts) if root_of(carriers, k) == root]
