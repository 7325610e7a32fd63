"""Bathroom and kitchen vessels: Toilet, Bucket, KitchenPot, Kettle, Bottle (bottles and jars).

Object frame: metres, +Y up, +Z front, standing on y = 0, centred on x = z = 0.
"""

from __future__ import annotations

import numpy as np

from dragmesh.data import shapes as S
from dragmesh.data.categories.assembly import prismatic, revolute
from dragmesh.data.categories.controls import assemble, button_part, make_part, rest_value, toggle_part
from dragmesh.data.objects import ArticulatedObject, Part, register

X, Y, Z = np.eye(3)


def _u(rng, lo, hi):
    return float(rng.uniform(lo, hi))


def _scaled(mesh, sx=1.0, sy=1.0, sz=1.0, center=(0.0, 0.0, 0.0)):
    """Scale a mesh about ``center`` (ellipses from circles)."""
    c = np.asarray(center, float)
    return (mesh[0] - c) * np.array([sx, sy, sz]) + c, mesh[1]


# -------------------------------------------------------------------------------- Toilet


@register("Toilet")
def toilet(rng: np.random.Generator) -> ArticulatedObject:
    """Bowl with a seat ring and a lid on one hinge at the back of the bowl (horizontal axis), a
    cistern at the back (or wall-hung, no cistern) with a flush button on top or a lever on the
    front."""
    bowl_w = _u(rng, 0.34, 0.42)
    bowl_l = _u(rng, 0.45, 0.58)  # front-back length of the bowl's rim ellipse
    rim_h = _u(rng, 0.36, 0.44)
    wall_hung = rng.random() < 0.2
    has_tank = not wall_hung or rng.random() < 0.2
    segs = int(rng.integers(24, 49))
    base = []
    rx, rz = bowl_w / 2, bowl_l / 2
    bowl_cz = _u(rng, 0.02, 0.08)  # bowl centre is forward of the object centre
    # Bowl: a tapered vessel, elliptic in plan.
    bowl_h = _u(rng, 0.18, 0.25)
    bowl = S.cup(rx * 0.8, bowl_h, _u(rng, 0.02, 0.04), segs, center=(0, rim_h - bowl_h / 2, 0), top_radius=rx)
    base.append(_scaled(bowl, 1.0, 1.0, rz / rx, (0, 0, 0)))
    if not wall_hung:  # pedestal to the floor
        ped_h = rim_h - bowl_h + 0.02
        ped = S.cylinder(rx * _u(rng, 0.45, 0.6), ped_h, segs, (0, ped_h / 2, 0), bevel=0.01)
        base.append(_scaled(ped, 1.0, 1.0, _u(rng, 1.2, 1.5), (0, 0, 0)))
    else:
        base.append(S.box((bowl_w * 0.6, 0.08, 0.1), (0, rim_h - bowl_h - 0.02, -rz + 0.05), bevel=0.02))
    base = [S.translate(m, (0, 0, bowl_cz)) for m in base]
    back_z = bowl_cz - rz
    hinge_y = rim_h + _u(rng, 0.005, 0.015)
    hinge_z = back_z + _u(rng, 0.04, 0.07)
    # Hinge block behind the seat.
    base.append(S.box((bowl_w * 0.5, 0.025, 0.05), (0, rim_h + 0.0125, back_z + 0.02), bevel=0.006))
    tank_top = None
    if has_tank:
        tw, td, th = _u(rng, 0.34, 0.46), _u(rng, 0.15, 0.22), _u(rng, 0.3, 0.42)
        tz = back_z - td / 2 + 0.03
        base.append(S.box((tw, th, td), (0, rim_h + th / 2 - 0.03, tz), bevel=_u(rng, 0.005, 0.04)))
        tank_top = (rim_h - 0.03 + th, tz, tw, td)
    else:
        base.append(S.box((0.6, 0.9, 0.02), (0, 0.45 + (0.2 if wall_hung else 0), back_z - 0.01)))  # wall
    parts: list[Part] = []
    # Seat ring and lid: thin elliptic plates hinged on one horizontal axis at the back.
    st = _u(rng, 0.015, 0.03)
    seat_ring = S.tube(rx * 1.0, rx * _u(rng, 0.55, 0.7), st, segs, (0, hinge_y + st / 2, 0))
    seat_ring = S.translate(_scaled(seat_ring, 1.0, 1.0, rz / rx), (0, 0, bowl_cz + 0.01))
    seat_ring = S.merge(seat_ring, S.box((bowl_w * 0.3, st, 0.06), (0, hinge_y + st / 2, hinge_z + 0.02)))
    lt = _u(rng, 0.012, 0.025)
    lid = S.cylinder(rx * 1.02, lt, segs, (0, hinge_y + st + lt / 2, 0), bevel=0.4 * lt)
    lid = S.translate(_scaled(lid, 1.0, 1.0, rz / rx * 1.02), (0, 0, bowl_cz + 0.01))
    ang_lid = np.deg2rad(_u(rng, 95, 110))
    ang_seat = np.deg2rad(_u(rng, 95, 105))
    front_z = bowl_cz + rz
    # Opening lifts the front up: rotation about -X through the hinge line.
    seat_j = revolute(-X, (0, hinge_y, hinge_z), (0.0, ang_seat))
    lid_j = revolute(-X, (0, hinge_y + st, hinge_z), (0.0, ang_lid))
    # Consistent rest poses: the seat never rises through a closed lid.
    u = rng.random()
    lid_v = 0.0 if u < 0.45 else ang_lid * _u(rng, 0.85, 1.0) if u < 0.85 else _u(rng, 0.2, 0.9) * ang_lid
    seat_v = 0.0 if lid_v < 0.8 * ang_lid or rng.random() < 0.6 else _u(rng, 0.0, 1.0) * lid_v
    parts.append(make_part("seat", seat_ring, seat_j, [(0, hinge_y + st, front_z), (rx * 0.7, hinge_y + st, bowl_cz + rz * 0.6)], seat_v))
    parts.append(make_part("lid", lid, lid_j, [(0, hinge_y + st + lt, front_z), (-rx * 0.7, hinge_y + st + lt, bowl_cz + rz * 0.6)], lid_v))
    if tank_top is not None:
        ty, tz, tw, td = tank_top
        if rng.random() < 0.6:  # push button(s) on top of the cistern
            n = 1 if rng.random() < 0.5 else 2
            for k in range(n):
                x = 0.0 if n == 1 else (k - 0.5) * 0.045
                parts.append(button_part(rng, (x, ty, tz), Y, -Z, _u(rng, 0.03, 0.045), f"flush_button_{k}", True))
        else:  # lever on the front face of the cistern, turning about the front normal
            sx = float(rng.choice([-1, 1]))
            at = np.array([sx * (tw / 2 - 0.05), ty - 0.06, tz + td / 2])
            L = _u(rng, 0.06, 0.1)
            lever = S.merge(S.cylinder(0.015, 0.012, 16, at + (0, 0, 0.006), axis=Z),
                            S.sweep(np.array([at + (0, 0, 0.012), at + (-sx * L, -0.005, 0.016)]), 0.006, 10))
            ang = np.deg2rad(_u(rng, 30, 45))
            parts.append(make_part("flush_lever", lever, revolute(Z * sx, at, (0.0, ang)), [at + (-sx * 0.9 * L, -0.005, 0.016)]))
    return assemble("Toilet", rng, base, parts, repose=False)


# -------------------------------------------------------------------------------- Bucket


@register("Bucket")
def bucket(rng: np.random.Generator) -> ArticulatedObject:
    """A pail with a thin arc handle pivoting in two ears at the rim (horizontal axis through both
    pivots), resting down on one side or standing up."""
    r_bot = _u(rng, 0.09, 0.15)
    r_top = r_bot * _u(rng, 1.0, 1.3)
    h = _u(rng, 0.2, 0.38)
    t = _u(rng, 0.002, 0.008)
    segs = int(rng.integers(24, 57))
    body = S.cup(r_bot, h, t, segs, center=(0, h / 2, 0), top_radius=r_top)
    base = [body]
    if rng.random() < 0.7:  # rolled rim bead
        base.append(S.torus_arc(r_top - t / 2, _u(rng, 0.003, 0.007), segments=segs, section_segments=8))
        base[-1] = S.transform(base[-1], _rot(X, np.pi / 2, (0, h, 0)))
    if rng.random() < 0.5:  # reinforcing ribs
        for yy in (0.3, 0.6):
            rr = r_bot + (r_top - r_bot) * yy
            rib = S.transform(S.torus_arc(rr, 0.003, segments=segs, section_segments=6), _rot(X, np.pi / 2, (0, yy * h, 0)))
            base.append(rib)
    py = h - _u(rng, 0.015, 0.05)  # pivot height
    rp = r_bot + (r_top - r_bot) * py / h + _u(rng, 0.008, 0.015)
    for sx in (-1, 1):  # ears
        base.append(S.box((0.012, 0.04, 0.03), (sx * (rp - 0.006), py - 0.01, 0), bevel=0.004))
    # Handle: a half-ring (or a taller arch) over the top, a grip in the middle sometimes.
    wire = _u(rng, 0.0025, 0.006)
    rise = rp * _u(rng, 0.8, 1.2)
    tt = np.linspace(0, np.pi, 24)
    path = np.stack([rp * np.cos(tt), py + rise * np.sin(tt), np.zeros_like(tt)], 1)
    handle = [S.sweep(path, wire, 10)]
    grasp = [(0, py + rise, 0)]
    if rng.random() < 0.5:
        handle.append(S.cylinder(wire * 3, rp * 0.6, 12, (0, py + rise, 0), axis=X))
        grasp = [(0, py + rise + wire * 3, 0)]
    ang = np.pi / 2 * _u(rng, 0.9, 1.0)
    joint = revolute(X, (0, py, 0), (-ang, ang))
    u = rng.random()
    value = 0.0 if u < 0.35 else float(rng.choice([-1, 1])) * ang * _u(rng, 0.9, 1.0) if u < 0.85 else _u(rng, -ang, ang)
    parts = [make_part("handle", S.merge(handle), joint, grasp, value)]
    return assemble("Bucket", rng, base, parts)


def _rot(axis, angle, t=(0, 0, 0)) -> np.ndarray:
    M = np.eye(4)
    M[:3, :3] = S.rotation_matrix(axis, angle)
    M[:3, 3] = t
    return M


# ---------------------------------------------------------------------------- KitchenPot


def _pot_lid(rng, r: float, y: float, segs: int):
    """A lid resting on a rim of radius r at height y: a shallow dome with a knob or a bar grip.
    Returns (mesh, grasp points)."""
    t = _u(rng, 0.003, 0.008)
    dome = _u(rng, 0.0, 0.35) * r
    # Profile from the top centre outwards and back along the underside (solid on the left).
    prof = [(0, y + dome + t), (r * 0.5, y + dome * 0.8 + t), (r * 1.03, y + t), (r * 1.03, y), (r * 0.5, y + dome * 0.8), (0, y + dome)]
    shell = S.lathe(prof[::-1], segs)
    lip = S.tube(r * 0.98, r * 0.92, 0.012, segs, (0, y - 0.006, 0))
    top = y + dome + t
    if rng.random() < 0.65:
        kr = _u(rng, 0.012, 0.025)
        grip = _knob_up(S.translate(S.knob(kr, _u(rng, 0.02, 0.035), str(rng.choice(["mushroom", "ball", "cylinder"])), 16), (0, top, 0)), top)
        grasp = [(0, top + 0.025, 0)]
    else:
        L = _u(rng, 0.06, 0.11)
        grip = S.orient(S.bar_handle(L, 0.025, 0.006, square=bool(rng.random() < 0.3)), Y, X, (0, top, 0))
        grasp = [(0, top + 0.025, 0)]
    return S.merge(shell, lip, grip), grasp


def _knob_up(mesh, top):
    """A knob built along +z turned to stand on +y."""
    v, f = mesh
    v = v - (0, top, 0)
    v = v @ S.rotation_matrix(X, -np.pi / 2).T
    return v + (0, top, 0), f


@register("KitchenPot")
def kitchen_pot(rng: np.random.Generator) -> ArticulatedObject:
    """Cooking pot or saucepan whose lid lifts straight up (prismatic +Y); two side handles or one
    long handle; the lid rests on the rim or is partly lifted."""
    r = _u(rng, 0.08, 0.16)
    h = r * _u(rng, 0.6, 1.4)
    t = _u(rng, 0.002, 0.006)
    segs = int(rng.integers(24, 65))
    base = [S.cup(r, h, t, segs, center=(0, h / 2, 0), top_radius=r * _u(rng, 1.0, 1.08))]
    r_rim = base[0][0][:, [0, 2]].max()
    if rng.random() < 0.6:  # two side handles
        for sx in (-1, 1):
            if rng.random() < 0.5:
                hd = S.orient(S.loop_handle(_u(rng, 0.05, 0.09), _u(rng, 0.025, 0.04), 0.006, flat=bool(rng.random() < 0.4)), sx * X, Z,
                              (sx * r_rim * 0.98, h * 0.8, 0))
            else:
                hd = S.box((0.045, 0.012, 0.06), (sx * (r_rim + 0.02), h * 0.82, 0), bevel=0.005)
            base.append(hd)
    else:  # saucepan: one long handle
        L = _u(rng, 0.14, 0.22)
        base.append(S.sweep(np.array([[r_rim * 0.95, h * 0.8, 0], [r_rim + L, h * 0.8 + L * 0.25, 0]]), _u(rng, 0.008, 0.013), 12))
    lid, grasp = _pot_lid(rng, r_rim, h, segs)
    lift = _u(rng, 0.05, 0.15)
    joint = prismatic(Y, (0, h, 0), (0.0, lift))
    parts = [make_part("lid", lid, joint, grasp, rest_value(rng, (0, lift), 0.8))]
    return assemble("KitchenPot", rng, base, parts)


# -------------------------------------------------------------------------------- Kettle


@register("Kettle")
def kettle(rng: np.random.Generator) -> ArticulatedObject:
    """Electric kettle (flip lid hinged at the back of the opening, power switch at the handle's
    foot, on a base plate) or stovetop kettle (lid lifting off, or a hinged spout cap)."""
    electric = rng.random() < 0.6
    segs = int(rng.integers(24, 49))
    r_b = _u(rng, 0.07, 0.11)
    h = _u(rng, 0.16, 0.26) if electric else _u(rng, 0.12, 0.2)
    y0 = 0.02 if electric else 0.0
    r_t = r_b * (_u(rng, 0.65, 0.95) if electric else _u(rng, 0.45, 0.65))
    bulge = r_b * _u(rng, 1.0, 1.15)
    prof = [(0, y0), (r_b * 0.95, y0), (r_b, y0 + 0.01), (bulge, y0 + h * 0.35), (r_t, y0 + h), (0, y0 + h)]
    base = [S.lathe(prof, segs)]
    if electric:
        base.append(S.cylinder(r_b * 1.1, 0.02, segs, (0, 0.01, 0), bevel=0.004))
    top = y0 + h
    # Spout at the front.
    sp = np.array([[0, y0 + h * 0.35, r_b * 0.8], [0, y0 + h * 0.7, r_b * 1.25], [0, y0 + h * 0.9, r_b * 1.45]])
    base.append(S.sweep(S.rounded_path(sp, 0.03, 4), _u(rng, 0.008, 0.016), 12))
    # Handle at the back: a loop from the top to the lower body.
    hp = np.array([[0, top - 0.01, -r_t * 0.8], [0, top + 0.01, -r_b * 1.25], [0, y0 + h * 0.25, -r_b * 1.3], [0, y0 + h * 0.2, -r_b * 0.95]])
    if not electric and rng.random() < 0.5:  # arched handle over the top
        tt = np.linspace(0.15, np.pi - 0.15, 16)
        hp = np.stack([np.zeros_like(tt), top + 0.01 + r_t * 1.2 * np.sin(tt), -r_t * 1.1 * np.cos(tt)], 1)
    base.append(S.sweep(S.rounded_path(hp, 0.03, 4), _u(rng, 0.009, 0.016), 12))
    parts: list[Part] = []
    r_lid = r_t * 0.92
    lt = _u(rng, 0.006, 0.015)
    lid = S.cylinder(r_lid, lt, segs, (0, top + lt / 2, 0), bevel=0.3 * lt)
    if electric or rng.random() < 0.3:
        # Hinged at the back of the opening: opening lifts the front.
        tab = S.box((0.03, 0.012, 0.02), (0, top + lt + 0.006, r_lid * 0.8), bevel=0.004)
        ang = np.deg2rad(_u(rng, 70, 100))
        j = revolute(-X, (0, top + lt / 2, -r_lid), (0.0, ang))
        parts.append(make_part("lid", S.merge(lid, tab), j, [(0, top + lt + 0.01, r_lid * 0.9)], rest_value(rng, (0, ang), 0.7)))
    else:
        knob = _knob_up(S.translate(S.knob(0.015, 0.02, "ball", 16), (0, top + lt, 0)), top + lt)
        lift = _u(rng, 0.04, 0.1)
        parts.append(make_part("lid", S.merge(lid, knob), prismatic(Y, (0, top, 0), (0, lift)), [(0, top + lt + 0.018, 0)],
                               rest_value(rng, (0, lift), 0.8)))
    if electric and rng.random() < 0.7:  # power switch at the handle's foot
        at = np.array([0, y0 + h * 0.2, -r_b * 1.02])
        parts.append(toggle_part(rng, at, -Z, Y, _u(rng, 0.012, 0.02), "switch"))
    return assemble("Kettle", rng, base, parts)


# -------------------------------------------------------------------------------- Bottle


@register("Bottle")
def bottle(rng: np.random.Generator) -> ArticulatedObject:
    """Bottles and jars: a screw cap that lifts along the axis (prismatic), a flip-top cap hinged at
    its back (revolute), or a jar's wide lid (lifting, or a swing-top clamp lid hinged at the back)."""
    jar = rng.random() < 0.35
    segs = int(rng.integers(20, 49))
    if jar:
        r = _u(rng, 0.04, 0.09)
        h = r * _u(rng, 1.0, 2.2)
        neck_r = r * _u(rng, 0.8, 0.95)
        prof = [(0, 0), (r * 0.95, 0), (r, 0.01), (r, h * 0.85), (neck_r, h * 0.92), (neck_r, h), (0, h)]
    else:
        r = _u(rng, 0.025, 0.05)
        h = r * _u(rng, 4.0, 7.0)
        neck_r = r * _u(rng, 0.3, 0.5)
        sh = _u(rng, 0.55, 0.75)
        prof = [(0, 0), (r * 0.9, 0), (r, 0.008), (r, h * sh), (neck_r * 1.2, h * (sh + 0.15)), (neck_r, h * 0.9), (neck_r, h), (0, h)]
        if rng.random() < 0.3:  # squarish plastic bottle
            prof = [(0, 0), (r * 0.9, 0), (r, 0.008), (r, h * 0.8), (neck_r, h * 0.9), (neck_r, h), (0, h)]
    body = S.lathe(prof, segs)
    if not jar and rng.random() < 0.3:
        body = _scaled(body, 1.0, 1.0, _u(rng, 0.5, 0.8))  # flat bottle
    base = [body]
    cap_r = neck_r * _u(rng, 1.05, 1.2)
    cap_h = _u(rng, 0.015, 0.03) if not jar else _u(rng, 0.012, 0.025)
    parts: list[Part] = []
    hinged = rng.random() < (0.25 if jar else 0.35)
    if not hinged:
        cap = S.cylinder(cap_r, cap_h, segs, (0, h - cap_h * 0.4 + cap_h / 2, 0), bevel=0.15 * cap_h)
        lift = _u(rng, 0.01, 0.03) if not jar else _u(rng, 0.01, 0.04)
        parts.append(make_part("cap" if not jar else "lid", cap, prismatic(Y, (0, h, 0), (0, lift)),
                               [(cap_r, h + cap_h * 0.3, 0), (0, h + cap_h * 0.6, 0)], rest_value(rng, (0, lift), 0.8)))
    else:
        # A fixed collar on the neck and a lid hinged at its back edge.
        collar_h = cap_h * 0.6
        base.append(S.cylinder(cap_r, collar_h, segs, (0, h + collar_h / 2 - cap_h * 0.3, 0)))
        y = h + collar_h - cap_h * 0.3
        lt = cap_h * 0.5
        lid = S.cylinder(cap_r, lt, segs, (0, y + lt / 2, 0), bevel=0.2 * lt)
        if rng.random() < 0.5:
            lid = S.merge(lid, S.box((cap_r * 0.6, lt * 0.6, cap_r * 0.4), (0, y + lt * 0.7, cap_r * 1.05)))
        ang = np.deg2rad(_u(rng, 90, 150))
        parts.append(make_part("flip_cap" if not jar else "lid", lid, revolute(-X, (0, y, -cap_r), (0, ang)),
                               [(0, y + lt, cap_r * 1.1)], rest_value(rng, (0, ang), 0.7)))
    return assemble("Bottle", rng, base, parts)
