"""Checks the category tests share on generated objects (dragmesh.data.generator.build_object): the
categories' sizes, the kinematic tree, the closed pose, distances to a joint's line, points sampled
on a part and whether they sit inside the body, and the well-formedness every category must have.

Points are (P, 3) arrays in the object's frame, metres; meshes are vertices (V, 3) and faces (F, 3).
"""

import numpy as np
import pytest

from dragmesh.data.categories.assembly import joint_matrix, moved_joint
from dragmesh.data.generator import build_object
from dragmesh.geometry.triangles import closest_point_on_triangles

# Largest extent of each category's object, (smallest, largest) in metres: real sizes, widened by
# open parts and handles. One table for the category tests; each takes its own with extent_ranges.
LARGEST_EXTENT = {
    # Bathroom, appliances and architecture (test_categories_b), at rest, as CATEGORIES.md describes them.
    "Toilet": (0.5, 1.3),
    "Bucket": (0.18, 0.6),
    "KitchenPot": (0.15, 0.65),
    "Kettle": (0.12, 0.45),
    "Bottle": (0.06, 0.45),
    "Printer": (0.3, 0.65),
    "Toaster": (0.2, 0.5),
    "CoffeeMachine": (0.2, 0.5),
    "Faucet": (0.06, 0.4),
    "AppliancePanel": (0.05, 0.7),
    "Door": (1.9, 3.5),
    "Window": (0.55, 2.6),
    "Suitcase": (0.45, 1.4),  # with the telescopic handle out
    # The household world (test_world_home), at rest.
    "Chair": (0.6, 1.45),
    "FoldingChair": (0.75, 0.95),
    "Cart": (0.6, 1.25),
    "Display": (0.48, 1.0),
    "Lamp": (0.25, 0.95),
    "Fan": (0.25, 1.45),
    "Globe": (0.25, 1.2),
    "Clock": (0.1, 0.42),
    "Camera": (0.09, 0.25),
    "Dispenser": (0.12, 0.4),
    "Eyeglasses": (0.12, 0.18),
    "Knife": (0.08, 0.25),
    # Hand-held and desk objects (test_world_handheld), closed (docs/categories_world_handheld.md).
    "Keyboard": (0.09, 0.5),
    "Mouse": (0.09, 0.13),
    "Pen": (0.11, 0.16),
    "Phone": (0.085, 0.17),
    "Pliers": (0.1, 0.22),
    "Remote": (0.075, 0.23),
    "Scissors": (0.12, 0.22),
    "Stapler": (0.07, 0.21),
    "Switch": (0.07, 0.23),
    "USB": (0.03, 0.08),
    "Lighter": (0.05, 0.09),
}


def extent_ranges(*categories: str) -> dict[str, tuple[float, float]]:
    """The (smallest, largest) extent in metres of each of ``categories``, in the order given."""
    return {category: LARGEST_EXTENT[category] for category in categories}


def parents(obj) -> dict[int, int]:
    """Part index -> index of the part that carries it, for carried parts only."""
    return {int(c): int(p) for c, p in obj.meta.get("parents", {}).items()}


def subtree(obj, i) -> list[int]:
    """Part ``i`` and every part it carries, directly or through others."""
    out = [i]
    for c, p in parents(obj).items():
        if p == i:
            out += subtree(obj, c)
    return out


def subtree_triangles(obj, i) -> np.ndarray:
    """(T, 3, 3) triangles of part ``i`` and of everything it carries."""
    return np.concatenate([obj.parts[k].vertices[obj.parts[k].faces] for k in subtree(obj, i)])


def posed(points, joint, delta) -> np.ndarray:
    """points (P, 3) carried by ``joint`` moved by ``delta`` (radians or metres)."""
    T = joint_matrix(joint, delta)
    return points @ T[:3, :3].T + T[:3, 3]


def closed_vertices(obj) -> list[np.ndarray]:
    """Vertices of every part with all joints back at 0 (children first, then their carriers)."""
    verts = [p.vertices.copy() for p in obj.parts]
    joints = [p.joint for p in obj.parts]
    for i in range(len(obj.parts) - 1, 0, -1):
        if joints[i] is None or obj.parts[i].value == 0.0:
            continue
        T = joint_matrix(joints[i], -obj.parts[i].value)
        for k in subtree(obj, i):
            verts[k] = verts[k] @ T[:3, :3].T + T[:3, 3]
            if k != i and joints[k] is not None:
                joints[k] = moved_joint(joints[k], T)
    return verts


def line_distance(points, joint) -> np.ndarray:
    """(P,) distances of points (P, 3) from the joint's axis line."""
    d = points - joint.origin
    return np.linalg.norm(d - np.outer(d @ joint.axis, joint.axis), axis=1)


def surface_points(v, f, n, rng) -> np.ndarray:
    """(n, 3) area-weighted random points on a mesh; draws from ``rng``."""
    tri = v[f]
    # The floor keeps a part made only of degenerate triangles samplable.
    area = np.linalg.norm(np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]), axis=1) + 1e-15
    k = rng.choice(len(tri), n, p=area / area.sum())
    u, w = rng.random((2, n))
    flip = u + w > 1
    u[flip], w[flip] = 1 - u[flip], 1 - w[flip]
    return tri[k, 0] + u[:, None] * (tri[k, 1] - tri[k, 0]) + w[:, None] * (tri[k, 2] - tri[k, 0])


def winding_number(points, v, f) -> np.ndarray:
    """(P,) generalised winding number of a union of closed meshes at points (P, 3): 1 inside, 0
    outside."""
    tri = v[f]
    a, b, c = (tri[None, :, k] - points[:, None] for k in range(3))
    la, lb, lc = (np.linalg.norm(x, axis=2) for x in (a, b, c))
    det = np.einsum("pfi,pfi->pf", a, np.cross(b, c))
    den = (
        la * lb * lc
        + np.einsum("pfi,pfi->pf", a, b) * lc
        + np.einsum("pfi,pfi->pf", b, c) * la
        + np.einsum("pfi,pfi->pf", c, a) * lb
    )
    return 2 * np.arctan2(det, den).sum(1) / (4 * np.pi)


def share_inside(points, v, f) -> float:
    """Fraction of points (P, 3) inside a union of closed meshes."""
    return float((winding_number(points, v, f) > 0.5).mean())


def check_well_formed(obj, category, seed, grasp_tol):
    """What every generated object must be: a jointless base first, unique part names, finite
    vertices, valid faces, movable parts with faces, unit axes and values within their limits, and
    grasp points within ``grasp_tol`` metres of the part or what it carries. Returns the object's
    vertices (V, 3) and faces (F, 3)."""
    assert obj.category == category and obj.parts[0].name == "base" and obj.parts[0].joint is None
    assert len(obj.movable()) >= 1
    v, f, _ = obj.to_arrays()
    assert np.isfinite(v).all() and f.min() >= 0 and f.max() < len(v)
    names = [p.name for p in obj.parts]
    assert len(set(names)) == len(names)
    for i in obj.movable():
        p = obj.parts[i]
        assert 0 < len(p.faces) < len(f), (seed, p.name)
        j = p.joint
        assert np.linalg.norm(j.axis) == pytest.approx(1.0)
        if j.limits is not None:
            lo, hi = j.limits
            assert lo < hi and lo - 1e-9 <= p.value <= hi + 1e-9, (seed, p.name)
        tri = subtree_triangles(obj, i)
        assert p.grasp is not None and len(p.grasp), (seed, p.name)
        for g in p.grasp:
            assert np.linalg.norm(closest_point_on_triangles(tri, g) - g) < grasp_tol, (seed, p.name, g)
    return v, f


def check_openers_stay_out(category, seeds, openers, n=60, most=0.02):
    """Parts named with one of ``openers`` and with limits keep at most ``most`` of ``n`` points
    sampled on them inside the base, at both limits and half-way (one rng over all seeds)."""
    rng = np.random.default_rng(0)
    for seed in seeds:
        obj = build_object(category, seed)
        bv, bf = obj.parts[0].vertices, obj.parts[0].faces
        for i in obj.movable():
            p = obj.parts[i]
            if not p.name.startswith(openers) or p.joint.limits is None:
                continue
            pts = surface_points(p.vertices, p.faces, n, rng)
            lo, hi = p.joint.limits
            for value in (lo, 0.5 * (lo + hi), hi):
                inside = share_inside(posed(pts, p.joint, value - p.value), bv, bf)
                assert inside <= most, (seed, p.name, value, inside)
