"""Small moving parts that sit on any appliance surface (knobs, push buttons, rocker switches, toggle
levers, sliders) and the helpers every category uses to pose and place parts.

Each control maker returns a :class:`~dragmesh.data.objects.Part` posed at a random rest value,
to be added to an :class:`~dragmesh.data.categories.assembly.Assembly` with ``add``.

Controls are built in a mounting frame (:func:`dragmesh.data.shapes.orient`): the surface is the
plane z = 0, the control protrudes to +z (``normal``) and its "up" is +y (``up``). Joints follow
CATEGORIES.md: a knob turns about its own symmetry axis; a push button slides along its outward
normal (into the body); a rocker switch or toggle lever turns about an axis at its base, in the
surface's plane; a slider moves along the surface.
"""

from __future__ import annotations

import numpy as np

from dragmesh.data import shapes as S
from dragmesh.data.categories.assembly import Assembly, joint_matrix, moved_joint, prismatic, revolute
from dragmesh.data.objects import ArticulatedObject, Part
from dragmesh.geometry.joints import Joint


# ------------------------------------------------------------------------------- helpers


def make_part(name: str, mesh, joint: Joint | None = None, grasp=None, value: float = 0.0) -> Part:
    """A Part built at joint value 0 and then posed at ``value`` (mesh and grasp points moved), ready
    for :meth:`Assembly.add <dragmesh.data.categories.assembly.Assembly.add>`."""
    v, f = mesh
    g = None if grasp is None else np.asarray(grasp, dtype=np.float64).reshape(-1, 3)
    part = Part(name=name, vertices=np.asarray(v, np.float64), faces=np.asarray(f, np.int64), joint=joint, grasp=g)
    return posed(part, value) if value else part


def posed(part: Part, value: float) -> Part:
    """Move a part from its current value to ``value`` in place; returns the part."""
    delta = float(value) - float(part.value)
    if delta == 0.0:
        return part
    T = joint_matrix(part.joint, delta)
    part.vertices = part.vertices @ T[:3, :3].T + T[:3, 3]
    if part.grasp is not None:
        part.grasp = part.grasp @ T[:3, :3].T + T[:3, 3]
    part.value = float(value)
    return part


def assemble(
    category: str,
    rng: np.random.Generator,
    base: list,
    parts: list[Part],
    parents: dict[int, int] | None = None,
    size=None,
    **meta,
) -> ArticulatedObject:
    """Build an object from base meshes and posed parts through :class:`Assembly` (uneven triangle
    density, carried parts, size in meta). ``parents`` maps a part's index in the object (base = 0,
    ``parts[k]`` = k + 1) to its carrier's; carried parts are given posed in the world frame, so
    they are added as-is."""
    a = Assembly(category, rng)
    a.base(*[m for m in base if m is not None])
    for part in parts:
        a.add(part, parent=0)
    obj = a.build(size=size, **meta)
    if parents:
        obj.meta["parents"] = {int(c): int(p) for c, p in parents.items()}
    return obj


def transform_parts(parts: list[Part], M: np.ndarray) -> list[Part]:
    """Apply a rigid 4x4 transform to built parts in place (vertices, grasps, joints)."""
    for p in parts:
        p.vertices = p.vertices @ M[:3, :3].T + M[:3, 3]
        if p.grasp is not None:
            p.grasp = p.grasp @ M[:3, :3].T + M[:3, 3]
        if p.joint is not None:
            p.joint = moved_joint(p.joint, M)
    return parts


def rest_value(rng: np.random.Generator, limits, p_closed: float = 0.6, closed: float | None = None) -> float:
    """A rest pose: the closed value (``closed``, default the lower limit) with probability
    ``p_closed``, otherwise uniform within the limits (parts at partial openings)."""
    lo, hi = limits
    c = lo if closed is None else closed
    if rng.random() < p_closed:
        return float(c)
    return float(rng.uniform(lo, hi))


def _frame(normal, up):
    R = S.frame_matrix(normal, up)
    return R[:, 0], R[:, 1], R[:, 2]


# ------------------------------------------------------------------------------ controls


def knob_part(
    rng: np.random.Generator,
    at,
    normal=(0, 0, 1),
    up=(0, 1, 0),
    radius: float | None = None,
    name: str = "knob",
    style: str | None = None,
) -> Part:
    """A rotary knob on a surface: revolute about its own axis (``normal``) through ``at``.

    Continuous (limits unknown) or 0-270 / +-135 degree stops; a pointer ridge makes its angle
    visible; grasp points on the rim."""
    r = radius if radius is not None else rng.uniform(0.01, 0.025)
    h = r * rng.uniform(0.5, 1.3)
    style = style or rng.choice(["cylinder", "cone", "mushroom", "cylinder"])
    segs = int(rng.integers(12, 33))
    body = S.knob(r, h, style, segments=segs)
    ridge = S.box((0.18 * r, 0.9 * r, 0.25 * h), (0, 0.45 * r, h + 0.1 * h)) if rng.random() < 0.7 else None
    mesh = S.orient(S.merge(body, ridge), normal, up, at)
    x, y, z = _frame(normal, up)
    at = np.asarray(at, float)
    u = rng.random()
    limits = None if u < 0.4 else (0.0, np.deg2rad(270)) if u < 0.7 else (-np.deg2rad(135), np.deg2rad(135))
    joint = revolute(z, at, limits)
    grasp = [at + z * 0.8 * h + r * 0.9 * (np.cos(a) * x + np.sin(a) * y) for a in np.linspace(0, 2 * np.pi, 6, endpoint=False)]
    value = 0.0 if limits is None else rest_value(rng, limits, 0.5, closed=max(limits[0], 0.0))
    return make_part(name, mesh, joint, grasp, value)


def button_part(
    rng: np.random.Generator,
    at,
    normal=(0, 0, 1),
    up=(0, 1, 0),
    size: float | None = None,
    name: str = "button",
    round_: bool | None = None,
) -> Part:
    """A push button standing off a surface: prismatic along -normal (into the body), travel 2-10 mm."""
    w = size if size is not None else rng.uniform(0.008, 0.03)
    round_ = bool(rng.random() < 0.5) if round_ is None else round_
    h = w * (1.0 if round_ else rng.uniform(0.4, 1.2))
    depth = rng.uniform(0.003, 0.012)
    mesh = S.orient(S.button(w, h, depth, round_=round_, segments=int(rng.integers(12, 25))), normal, up, at)
    z = _frame(normal, up)[2]
    travel = min(rng.uniform(0.002, 0.01), 0.9 * depth)
    joint = prismatic(-z, np.asarray(at, float) + z * depth, (0.0, travel))
    return make_part(name, mesh, joint, [np.asarray(at, float) + z * depth])


def rocker_part(
    rng: np.random.Generator, at, normal=(0, 0, 1), up=(0, 1, 0), size: float | None = None, name: str = "switch"
) -> Part:
    """A rocker switch: a plate tilted about its horizontal mid-line, +-10-18 degrees."""
    h = size if size is not None else rng.uniform(0.015, 0.04)
    w = h * rng.uniform(0.5, 1.0)
    t = h * rng.uniform(0.15, 0.3)
    at = np.asarray(at, float)
    x, y, z = _frame(normal, up)
    tilt = np.deg2rad(rng.uniform(10, 18))
    plate = S.box((w, h, t), (0, 0, 0.5 * t + 0.002), bevel=0.2 * t, bevel_segments=1)
    mesh = S.orient(plate, normal, up, at)
    joint = revolute(x, at, (-tilt, tilt))
    grasp = [at + z * t + y * 0.4 * h, at + z * t - y * 0.4 * h]
    part = make_part(name, mesh, joint, grasp)
    return posed(part, float(rng.choice([-tilt, tilt])))


def toggle_part(
    rng: np.random.Generator, at, normal=(0, 0, 1), up=(0, 1, 0), length: float | None = None, name: str = "toggle"
) -> Part:
    """A toggle lever (bat switch) pivoting about a horizontal axis at its base, +-20-35 degrees."""
    L = length if length is not None else rng.uniform(0.012, 0.035)
    r = L * rng.uniform(0.08, 0.15)
    at = np.asarray(at, float)
    x, y, z = _frame(normal, up)
    boss = S.cylinder(2.2 * r, 1.5 * r, 16, (0, 0, 0.75 * r), axis=(0, 0, 1))
    stem = S.cylinder(r, L, 10, (0, 0, L / 2 + r), axis=(0, 0, 1))
    tip = S.knob(1.4 * r, 1.5 * r, "ball", 10)
    tip = S.translate(tip, (0, 0, L + 0.5 * r))
    mesh = S.orient(S.merge(boss, stem, tip), normal, up, at)
    swing = np.deg2rad(rng.uniform(20, 35))
    joint = revolute(x, at, (-swing, swing))
    part = make_part(name, mesh, joint, [at + z * (L + 1.5 * r)])
    return posed(part, float(rng.choice([-swing, swing])))


def slider_part(
    rng: np.random.Generator,
    at,
    direction=(0, 1, 0),
    normal=(0, 0, 1),
    travel: float | None = None,
    name: str = "slider",
    style: str = "cap",
) -> Part:
    """A control sliding along ``direction`` in the surface plane; ``at`` is the start of its travel.
    Its slot belongs to the base (see :func:`slot_mesh`).

    Styles: "cap" (a small square fader cap, 6-15 mm), "paddle" (a wide cap standing off the
    surface: a mixing-desk fader, a slide dimmer, a pop-up toaster's carriage lever), "switch" (a
    flat slide switch with a short travel)."""
    if style == "paddle":
        size = (rng.uniform(0.012, 0.045), rng.uniform(0.008, 0.02), rng.uniform(0.008, 0.03))
    elif style == "switch":
        size = (rng.uniform(0.004, 0.01), rng.uniform(0.006, 0.014), rng.uniform(0.002, 0.006))
        travel = min(travel, rng.uniform(0.004, 0.012)) if travel is not None else rng.uniform(0.004, 0.012)
    else:
        w = rng.uniform(0.006, 0.015)
        size = (w, w * rng.uniform(0.8, 1.6), w * rng.uniform(0.6, 1.2))
    L = travel if travel is not None else rng.uniform(0.02, 0.08)
    cap = S.box(size, (0, 0, 0.5 * size[2]), bevel=0.15 * min(size), bevel_segments=1)
    mesh = S.orient(cap, normal, direction, at)
    d = np.asarray(direction, float)
    d = d / np.linalg.norm(d)
    joint = prismatic(d, at, (0.0, L))
    z = _frame(normal, direction)[2]
    part = make_part(name, mesh, joint, [np.asarray(at, float) + z * 0.8 * size[2]])
    return posed(part, rest_value(rng, (0.0, L), 0.3))


def slot_mesh(at, direction, normal, length: float, width: float):
    """A shallow slot rim (base geometry) along ``direction`` starting at ``at``."""
    d = np.asarray(direction, float)
    d = d / np.linalg.norm(d)
    centre = np.asarray(at, float) + d * (length / 2)
    fr = S.frame((1.6 * width, length + 1.6 * width, 0.002), 0.3 * width)
    return S.orient(fr, normal, d, centre)


def control_row(
    rng: np.random.Generator,
    start,
    step,
    count: int,
    normal,
    up,
    kind: str,
    size: float | None = None,
    name: str | None = None,
) -> list[Part]:
    """``count`` controls of one kind ("knob", "button", "rocker", "toggle") starting at ``start``
    (3,), spaced by ``step`` (3,)."""
    makers = {"knob": knob_part, "button": button_part, "rocker": rocker_part, "toggle": toggle_part}
    parts = []
    style = None
    for i in range(count):
        at = np.asarray(start, float) + i * np.asarray(step, float)
        nm = f"{name or kind}_{i}"
        if kind == "knob":
            style = style or str(rng.choice(["cylinder", "cone", "mushroom"]))
            parts.append(knob_part(rng, at, normal, up, size, nm, style))
        elif kind == "button":
            parts.append(button_part(rng, at, normal, up, size, nm))
        else:
            parts.append(makers[kind](rng, at, normal, up, size, nm))
    return parts
