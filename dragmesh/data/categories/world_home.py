"""Household objects of the wider world: Chair, FoldingChair, Cart, Display, Lamp, Fan, Globe, Clock,
Camera, Dispenser, Eyeglasses, Knife.

Conventions as everywhere in the generator (metres, +Y up, +Z front, part 0 the base, every movable
part with its true joint, limits relative to the closed pose). Parts that carry others form
kinematic trees through ``parents`` (an office chair's gas lift carries the seat, which carries the
backrest and the armrests; a lamp's first arm carries the second, which carries the head; a fan's
head carries its blades; a cart's caster fork carries its wheel). The facts each builder follows
(sizes, moving parts, axes, ranges) are tabled in ``docs/categories_world_home.md``.
"""

from __future__ import annotations

import numpy as np

from dragmesh.data import shapes as S
from dragmesh.data.categories.assembly import Assembly, joint_matrix, opening_axis, prismatic, revolute
from dragmesh.data.categories.controls import button_part, knob_part, rest_value, rocker_part, transform_parts
from dragmesh.data.categories.fronts import choose
from dragmesh.data.objects import ArticulatedObject, register
from dragmesh.geometry.rotations import axis_angle_matrix as _rotations

DEG = np.pi / 180.0
X, Y, Z = np.eye(3)


# ------------------------------------------------------------------------------------ helpers


def _v(*c) -> np.ndarray:
    return np.array(c, dtype=np.float64)


def _rod(a, b, r: float, seg: int = 10) -> S.Mesh:
    """A round bar from point a to point b."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    d = b - a
    n = float(np.linalg.norm(d))
    return S.cylinder(r, n, seg, (a + b) / 2, axis=d / n)


def _box(size, center=(0.0, 0.0, 0.0), bevel: float = 0.0) -> S.Mesh:
    """A box whose rounded edges take one row of facets (light meshes for small parts)."""
    return S.box(size, center, bevel, 1)


def _beam(a, b, w: float, t: float, up=(0.0, 1.0, 0.0), bevel: float = 0.0) -> S.Mesh:
    """A rectangular bar from a to b: width w across, thickness t along ``up`` (made normal to it)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    d = b - a
    n = float(np.linalg.norm(d))
    return S.orient(S.box((w, t, n), bevel=bevel, bevel_segments=1), d / n, up, (a + b) / 2)


def _sphere(r: float, center=(0.0, 0.0, 0.0), seg: int = 20, rings: int = 10, axis=(0.0, 1.0, 0.0)) -> S.Mesh:
    a = np.linspace(0.0, np.pi, rings + 1)[1:-1]
    prof = [(0.0, -r)] + [(r * np.sin(t), -r * np.cos(t)) for t in a] + [(0.0, r)]
    return S.lathe(prof, seg, center, axis)


def _extrude(poly, t: float, z0: float = 0.0) -> S.Mesh:
    """A convex polygon (N, 2), counter-clockwise in xy, extruded to thickness t about z = z0."""
    p = np.asarray(poly, dtype=np.float64)
    n = len(p)
    v = np.concatenate([np.column_stack([p, np.full(n, z0 + t / 2)]), np.column_stack([p, np.full(n, z0 - t / 2)])])
    i = np.arange(1, n - 1)
    top = np.stack([np.zeros(n - 2, int), i, i + 1], 1)
    bot = np.stack([np.full(n - 2, n), n + i + 1, n + i], 1)
    k = np.arange(n)
    j = (k + 1) % n
    side = np.concatenate([np.stack([n + k, n + j, j], 1), np.stack([n + k, j, k], 1)])
    return v, np.concatenate([top, bot, side]).astype(np.int64)


def _ellipse(a: float, b: float, n: int = 24, square: float = 0.0) -> np.ndarray:
    """Points (n, 2) counter-clockwise on an ellipse of half axes a, b; ``square`` in [0, 1) pushes
    it toward a rounded rectangle (a superellipse)."""
    t = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    e = 2.0 / (2.0 + 8.0 * square)
    c, s = np.cos(t), np.sin(t)
    return np.stack([a * np.sign(c) * np.abs(c) ** e, b * np.sign(s) * np.abs(s) ** e], 1)


def _val(rng: np.random.Generator, limits, p_closed: float = 0.5, closed: float | None = None) -> float:
    """A rest value: a random turn for a joint without limits, else closed or somewhere in range."""
    if limits is None:
        return float(rng.uniform(0.0, 2 * np.pi))
    return rest_value(rng, limits, p_closed, closed)


def _grounded(obj: ArticulatedObject) -> ArticulatedObject:
    """Shift the whole object (parts, grasps, joints) so its lowest point is on the floor y = 0."""
    low = min(float(p.vertices[:, 1].min()) for p in obj.parts)
    M = np.eye(4)
    M[1, 3] = -low
    transform_parts(obj.parts, M)
    return obj


def _turned(obj: ArticulatedObject, R: np.ndarray) -> ArticulatedObject:
    """Rotate the whole object by R (3, 3) about the origin."""
    M = np.eye(4)
    M[:3, :3] = R
    transform_parts(obj.parts, M)
    return obj


# -------------------------------------------------------------------------------------- chair


@register("Chair")
def chair(rng: np.random.Generator) -> ArticulatedObject:
    """An office chair or a drafting stool: a five (or four) star base on casters with the gas-lift
    cylinder; the piston slides up 5-12 cm and carries the seat, which swivels about the vertical
    column axis (continuous or +-180 deg) and carries a reclining backrest (about a left-right axis
    at the back of the seat mechanism) and armrests that slide up in sleeves or flip up about a
    left-right axis at their rear."""
    asm = Assembly("Chair", rng)
    kind = choose(rng, ("task", "executive", "stool"), [5, 3, 2])
    n_legs = 5 if rng.random() < 0.85 else 4
    R = rng.uniform(0.26, 0.34)  # star radius to the casters
    cr = rng.uniform(0.022, 0.032)  # caster wheel radius
    leg_y = 2 * cr + rng.uniform(0.025, 0.04)
    hub_r, hub_h = rng.uniform(0.03, 0.045), rng.uniform(0.05, 0.08)
    hub_y = leg_y + rng.uniform(0.0, 0.03)
    lw, lt = rng.uniform(0.04, 0.06), rng.uniform(0.025, 0.035)
    tube_legs = rng.random() < 0.3
    phase = rng.uniform(0, 2 * np.pi)
    base = [S.cylinder(hub_r, hub_h, 20, (0, hub_y + hub_h / 2, 0))]
    # One leg with its caster (housing, stem, wheel trailing behind) along +x, turned into place.
    tip = _v(R, leg_y, 0)
    root = _v(0.5 * hub_r, hub_y + 0.5 * lt, 0)
    leg = [_rod(root, tip, 0.4 * lw, 10) if tube_legs else _beam(root, tip, lw, lt, (0, 1, 0), bevel=0.3 * lt)]
    leg.append(S.cylinder(0.012, leg_y - 2 * cr + 0.01, 10, tip - _v(0, (leg_y - 2 * cr + 0.01) / 2 + 0.005, 0)))
    leg.append(_box((0.03, 0.01, 0.03), tip - _v(0, 0.01, 0)))
    leg = S.merge(leg)
    wheel = S.cylinder(cr, 0.022, 14, (0, 0, 0), axis=Z)
    for k in range(n_legs):
        a = phase + 2 * np.pi * k / n_legs
        base.append(S.rotate(leg, Y, -a))
        trail = R + 0.6 * cr * rng.choice([-1.0, 1.0])
        base.append(S.rotate(S.translate(wheel, (trail, cr, 0)), Y, -a))
    stool = kind == "stool"
    h_seat = rng.uniform(0.5, 0.62) if stool else rng.uniform(0.4, 0.48)
    t_s = rng.uniform(0.05, 0.08)
    m_h = rng.uniform(0.035, 0.06)
    y_sb = h_seat - t_s
    y_mb = y_sb - m_h
    travel = rng.uniform(0.08, 0.12) if stool else rng.uniform(0.05, 0.12)
    r_o = rng.uniform(0.022, 0.03)
    y_ot = hub_y + hub_h + rng.uniform(0.08, 0.12) if stool else hub_y + hub_h + rng.uniform(0.04, 0.08)
    y_ot = min(y_ot, y_mb - 0.03)
    base.append(S.cylinder(r_o, y_ot - hub_y - hub_h / 2, 20, (0, (y_ot + hub_y + hub_h / 2) / 2, 0)))
    if stool and rng.random() < 0.6:  # foot ring
        fr = rng.uniform(0.18, 0.23)
        yr = rng.uniform(0.25, 0.35) * h_seat + hub_y
        base.append(
            S.translate(S.rotate(S.torus_arc(fr, 0.01, segments=28, section_segments=8), X, np.pi / 2), (0, yr, 0))
        )
        for k in range(3):
            a = phase + 2 * np.pi * k / 3
            base.append(
                _rod((0.9 * r_o * np.cos(a), yr, 0.9 * r_o * np.sin(a)), (fr * np.cos(a), yr, fr * np.sin(a)), 0.007, 8)
            )
    asm.base(*base)

    # Gas lift: the piston slides up out of the outer cylinder and carries the seat.
    r_i = r_o * rng.uniform(0.55, 0.75)
    y_pb = y_ot - travel - 0.03
    piston = S.cylinder(r_i, y_mb - y_pb, 16, (0, (y_mb + y_pb) / 2, 0))
    lift = asm.part(
        "gas_lift",
        piston,
        prismatic(Y, (0, y_mb, 0), (0.0, travel)),
        [(0, h_seat, 0), (0, y_mb, 0)],
        value=rest_value(rng, (0.0, travel), 0.4),
    )

    # Seat (and what turns with it): mechanism block, cushion, fixed parts of the arms and back.
    if stool and rng.random() < 0.6:
        W = D = 2 * rng.uniform(0.16, 0.2)
        cushion = S.cylinder(W / 2, t_s, 28, (0, y_sb + t_s / 2, 0), bevel=0.3 * t_s)
        zc = 0.0
    else:
        W, D = (
            (rng.uniform(0.38, 0.44), rng.uniform(0.36, 0.42))
            if stool
            else (rng.uniform(0.44, 0.54), rng.uniform(0.42, 0.52))
        )
        zc = rng.uniform(0.0, 0.04)
        cushion = S.box((W, t_s, D), (0, y_sb + t_s / 2, zc), bevel=rng.uniform(0.3, 0.45) * t_s, bevel_segments=2)
    mw, md = rng.uniform(0.16, 0.22), rng.uniform(0.16, 0.24)
    seat_mesh = [
        cushion,
        _box((mw, m_h, md), (0, y_mb + m_h / 2, 0)),
        S.cylinder(r_i * 1.3, 0.02, 12, (0, y_mb + 0.01, 0)),
    ]
    # Gas lever under the seat's right side.
    seat_mesh.append(_rod((mw / 2, y_mb + m_h * 0.4, 0.02), (mw / 2 + 0.08, y_mb + m_h * 0.3, 0.05), 0.005, 8))
    swivel_lim = None if rng.random() < 0.6 else (-np.pi, np.pi)
    seat_joint = revolute(Y, (0, y_mb, 0), swivel_lim)
    seat_val = 0.0 if rng.random() < 0.4 else float(rng.uniform(-np.pi, np.pi))
    grasp_seat = [(W / 2, y_sb + t_s / 2, zc), (-W / 2, y_sb + t_s / 2, zc), (0, y_sb + t_s / 2, zc + D / 2)]

    back_parts = None
    if not stool:
        # Backrest on an L-shaped support from the back of the mechanism.
        tall = kind == "executive"
        Hb = rng.uniform(0.55, 0.72) if tall else rng.uniform(0.36, 0.5)
        Wb = W * rng.uniform(0.8, 0.95)
        tb = rng.uniform(0.04, 0.08)
        lean = rng.uniform(5, 14) * DEG
        gap = rng.uniform(0.02, 0.06)
        z_bk = zc - D / 2 - rng.uniform(0.01, 0.03) - tb / 2
        yb0 = y_sb + gap
        piv = _v(0, y_mb + m_h / 2, -md / 2)
        cush = S.box((Wb, Hb, tb), (0, Hb / 2, 0), bevel=rng.uniform(0.25, 0.45) * tb, bevel_segments=2)
        cush = S.translate(S.rotate(cush, X, -lean), (0, yb0, z_bk))
        bar_w, bar_t = rng.uniform(0.05, 0.07), 0.012

        def z_line(y):  # just behind the leaning cushion's back face
            return z_bk - tb / 2 - bar_t / 2 - (y - yb0) * np.tan(lean)

        p1 = _v(0, piv[1], z_line(piv[1]))
        y2 = yb0 + 0.35 * Hb * np.cos(lean)
        support = [
            _beam(piv + _v(0, 0, 0.01), p1 - _v(0, 0, bar_t / 2), bar_w, bar_t),
            _beam(p1 - _v(0, bar_t / 2, 0), _v(0, y2, z_line(y2)), bar_w, bar_t, (0, 0, 1)),
        ]
        top = _v(0, yb0 + Hb * np.cos(lean), z_bk - Hb * np.sin(lean))
        g_back = [top, top + _v(Wb / 2 - 0.05, 0, 0)]
        back_mesh = [cush] + support
        if tall and rng.random() < 0.4:  # a headrest on two posts
            hr = top + _v(0, rng.uniform(0.06, 0.1), -0.02)
            back_mesh.append(_box((Wb * 0.6, 0.12, tb), hr + _v(0, 0.06, 0), bevel=0.3 * tb))
            for sx in (-0.06, 0.06):
                back_mesh.append(_rod(top + _v(sx, -0.03, 0), hr + _v(sx, 0.02, 0), 0.008, 8))
            top = hr + _v(0, 0.12, 0)
        if rng.random() < 0.7:
            rec = rng.uniform(12, 25) * DEG
            ax = opening_axis(X, piv, top, (0, 0, -1))
            back_parts = (back_mesh, revolute(ax, piv, (0.0, rec)), g_back)
        else:
            seat_mesh.extend(back_mesh)

    # Armrests.
    arms = []
    arm_style = "none" if stool or rng.random() < 0.25 else choose(rng, ("fixed", "slide", "flip"), [2, 3, 2])
    if arm_style != "none":
        xa = W / 2 + rng.uniform(0.015, 0.035)
        za = zc - rng.uniform(0.0, 0.05)
        pl, pw = rng.uniform(0.2, 0.27), rng.uniform(0.05, 0.08)
        y_pad = h_seat + rng.uniform(0.17, 0.24)
        pt = 0.025
        post_w = rng.uniform(0.03, 0.045)
        for s in (-1.0, 1.0):
            x = s * xa
            bracket = _beam(
                _v(s * mw / 2 - s * 0.01, y_mb + m_h / 2, 0), _v(x + s * post_w / 2, y_mb + m_h / 2, 0), 0.05, 0.012
            )
            seat_mesh.append(bracket)
            pad = _box((pw, pt, pl), (x, y_pad + pt / 2, za), bevel=0.4 * pt)
            if arm_style == "fixed":
                seat_mesh.extend(
                    [pad, _box((post_w, y_pad - y_mb - m_h / 2, 0.04), (x, (y_pad + y_mb + m_h / 2) / 2, 0))]
                )
            elif arm_style == "slide":
                trav = rng.uniform(0.05, 0.09) if s < 0 else arms[0][2].limits[1]
                sl_top = y_mb + m_h / 2 + trav + rng.uniform(0.04, 0.07)
                sl_top = min(sl_top, y_pad - 0.03)
                sleeve = _box(
                    (post_w, sl_top - y_mb - m_h / 2 + 0.006, 0.045), (x, (sl_top + y_mb + m_h / 2 - 0.006) / 2, 0)
                )
                seat_mesh.append(sleeve)
                post = _box(
                    (post_w * 0.7, y_pad - y_mb - m_h / 2 - 0.005, 0.03), (x, (y_pad + y_mb + m_h / 2 + 0.005) / 2, 0)
                )
                g = [(x, y_pad + pt, za), (x, y_pad + pt, za + pl / 3)]
                arms.append(
                    ("arm_left" if s < 0 else "arm_right", [pad, post], prismatic(Y, (x, y_pad, za), (0.0, trav)), g)
                )
            else:  # flip up about a left-right axis at the post's foot, rear of the pad
                zp = za - pl / 2 + 0.03
                yp = y_mb + m_h / 2
                seat_mesh.append(_box((post_w, 0.03, 0.05), (x, yp, zp)))
                post = _box((post_w * 0.8, y_pad - yp, 0.03), (x, (y_pad + yp) / 2, zp))
                knuckle = S.cylinder(0.014, post_w * 1.1, 12, (x, yp, zp), axis=X)
                piv = _v(x, yp, zp)
                ax = opening_axis(X, piv, piv + _v(0, 1, 0), (0, 0, -1))
                lim = (0.0, (rng.uniform(80, 100) if s < 0 else arms[0][2].limits[1] / DEG) * DEG)
                g = [(x, y_pad + pt, za + pl / 2 - 0.02), (x, y_pad + pt, za)]
                arms.append(("arm_left" if s < 0 else "arm_right", [pad, post, knuckle], revolute(ax, piv, lim), g))

    seat = asm.part("seat", seat_mesh, seat_joint, grasp_seat, parent=lift, value=seat_val)
    if back_parts is not None:
        mesh, j, g = back_parts
        asm.part("backrest", mesh, j, g, parent=seat, value=rest_value(rng, j.limits, 0.6))
    for name, mesh, j, g in arms:
        asm.part(name, mesh, j, g, parent=seat, value=rest_value(rng, j.limits, 0.6))
    top_y = h_seat + (0.0 if stool else 0.75)
    return asm.build(size=(2 * R, top_y, 2 * R), kind=kind, arms=arm_style)


# ------------------------------------------------------------------------------ folding chair


@register("FoldingChair")
def folding_chair(rng: np.random.Generator) -> ArticulatedObject:
    """A folding chair: each side frame is one bent tube (or beam) running from the front foot back
    up to the seat's rear and on up as the back upright (the base, with the backrest); the seat
    folds up about a left-right axis at its back edge; the rear legs fold forward about a
    left-right pivot on the side frames until they lie along the front legs."""
    asm = Assembly("FoldingChair", rng)
    wood = rng.random() < 0.4
    W = rng.uniform(0.4, 0.48)
    tr = rng.uniform(0.01, 0.014) if wood else rng.uniform(0.009, 0.013)
    ys = rng.uniform(0.43, 0.47)  # seat top
    ts = rng.uniform(0.015, 0.03)
    Ds = rng.uniform(0.33, 0.4)
    Hb = rng.uniform(0.78, 0.9)
    yk = ys - ts - 0.012  # the frame's knee, under the seat's back edge
    z_sb = tr + rng.uniform(0.004, 0.01)  # seat's back edge (the knee at z = 0)
    zF = z_sb + Ds - rng.uniform(0.02, 0.07)  # front feet under the seat's front
    zt = -rng.uniform(0.06, 0.12)  # top of the back

    def line(y):  # the side frame's centre line, z at height y
        if y <= yk:
            return zF + (0.0 - zF) * y / yk
        return zt * (y - yk) / (Hb - yk)

    def bar(a, b, r):
        if wood:
            return _beam(a, b, 2.2 * r, 1.6 * r, (0, 0, 1) if abs(b[1] - a[1]) > abs(b[2] - a[2]) else (0, 1, 0))
        return _rod(a, b, r, 10)

    base = []
    y0 = 0.012  # tube ends inside the foot caps
    for s in (-1.0, 1.0):
        x = s * W / 2
        F, K, T = _v(x, y0, line(y0)), _v(x, yk, 0.0), _v(x, Hb, zt)
        if wood:
            base += [bar(F, K, tr), bar(K, T, tr), _box((2.2 * tr, 3 * tr, 2.2 * tr), K)]
        else:
            base.append(S.sweep(S.rounded_path([F, K, T], 0.06, 4), tr, 10))
        base.append(S.cylinder(tr * 1.3, 0.015, 10, (x, 0.0075, line(0.0075))))  # foot cap
    # The front stretcher sits in front of the legs' line, where the folded rear legs do not reach.
    ybf = rng.uniform(0.05, 0.09)
    base.append(bar(_v(-W / 2, ybf, line(ybf) + 1.9 * tr), _v(W / 2, ybf, line(ybf) + 1.9 * tr), tr * 0.8))
    # Backrest: a panel or slats between the uprights, following their slope.
    d = _v(0, Hb - yk, zt)
    d /= np.linalg.norm(d)
    nrm = np.cross(X, d)
    yb0 = ys + rng.uniform(0.18, 0.25)
    n_sl = 1 if not wood or rng.random() < 0.3 else int(rng.integers(2, 4))
    span = (Hb - 0.02 - yb0) / d[1]
    tp = rng.uniform(0.01, 0.018)
    for k in range(n_sl):
        f0, f1 = k / n_sl, (k + 1) / n_sl - (0.15 if n_sl > 1 else 0.0)
        a = _v(0, yb0, line(yb0)) + d * span * f0
        b = _v(0, yb0, line(yb0)) + d * span * f1
        base.append(
            S.orient(_box((W - 0.6 * tr, tp, float(np.linalg.norm(b - a))), bevel=0.3 * tp), d, nrm, (a + b) / 2)
        )
    asm.base(*base)

    # Rear legs: pivot on the side frames' lower part; they fold forward onto the front legs.
    yp = rng.uniform(0.22, 0.3)
    P = _v(0, yp, line(yp))
    zr = -rng.uniform(0.08, 0.16)
    xr = W / 2 - 2.6 * tr  # inside the front legs, clear of their feet when folded
    legs = []
    for s in (-1.0, 1.0):
        legs.append(bar(_v(s * xr, yp, P[2]), _v(s * xr, y0, zr + (P[2] - zr) * y0 / yp), tr))
        legs.append(S.cylinder(tr * 0.5, W / 2 - xr, 10, (s * (W / 2 + xr) / 2, yp, P[2]), axis=X))  # pivot pin
        legs.append(S.cylinder(tr * 1.3, 0.4 * tr, 12, (s * (xr + 1.2 * tr), yp, P[2]), axis=X))  # washer
        legs.append(S.cylinder(tr * 1.2, 0.015, 10, (s * xr, 0.0075, zr + (P[2] - zr) * 0.0075 / yp)))
    ybr = rng.uniform(0.1, 0.15)
    zbr = P[2] + (zr - P[2]) * (yp - ybr) / yp
    legs.append(bar(_v(-xr, ybr, zbr), _v(xr, ybr, zbr), tr * 0.8))
    foot = _v(0, 0, zr)
    df, dr = _v(0, 0, zF) - P, foot - P
    fold = float(np.arccos(np.clip(df @ dr / np.linalg.norm(df) / np.linalg.norm(dr), -1, 1)))
    has_leg_fold = rng.random() < 0.85
    if has_leg_fold:
        asm.part(
            "rear_legs",
            legs,
            revolute(opening_axis(X, P, foot, (0, 0, 1)), P, (0.0, fold)),
            [_v(xr, 0.5 * yp, zr + 0.5 * (P[2] - zr)), _v(0, ybr, zbr)],
            value=0.0,  # standing: folding lifts the chair off the floor
        )
    else:
        asm.base(*legs)

    # Seat: hinged at its back edge (a rod across the frame), folds up.
    Ws = 2 * (xr - tr - 0.004)
    piv = _v(0, ys - ts / 2, z_sb)
    seat = [S.cylinder(tr * 0.9, W, 10, piv, axis=X)]
    if wood:
        n = int(rng.integers(3, 6))
        g = 0.008
        w = (Ds - (n - 1) * g) / n
        for k in range(n):
            seat.append(_box((Ws, ts, w), (0, ys - ts / 2, z_sb + k * (w + g) + w / 2), bevel=0.2 * ts))
        for s in (-1.0, 1.0):
            seat.append(_box((0.02, 0.008, Ds), (s * (Ws / 2 - 0.03), ys - ts - 0.004, z_sb + Ds / 2)))
    else:
        seat.append(_box((Ws, ts, Ds), (0, ys - ts / 2, z_sb + Ds / 2), bevel=rng.uniform(0.2, 0.45) * ts))
    front = _v(0, ys, z_sb + Ds)
    lim = (0.0, rng.uniform(82, 95) * DEG)
    asm.part(
        "seat",
        seat,
        revolute(opening_axis(X, piv, front, (0, 1, 0)), piv, lim),
        [front + _v(Ws / 3, 0, 0), front - _v(Ws / 3, 0, 0), front],
        value=rest_value(rng, lim, 0.6),
    )
    return asm.build(
        size=(W + 2 * tr, Hb, max(zF, z_sb + Ds) - min(zr, zt) + 2 * tr),
        style="wood" if wood else "tube",
        legs_fold=has_leg_fold,
    )


# --------------------------------------------------------------------------------------- cart


def _caster_meshes(y_mount: float, wr: float, ww: float, trail: float, swivel: bool, seg: int):
    """A caster under the mounting point (0, y_mount, 0), rolling along +x: (fork or bracket meshes,
    wheel mesh, wheel centre)."""
    at = _v(0, y_mount, 0)
    c = _v(-trail, wr, 0)
    plate = _box((1.3 * wr + 0.02, 0.006, 1.3 * wr + 0.02), at - _v(0, 0.003, 0))
    fork = [plate, S.cylinder(0.005, ww + 0.016, 8, c, axis=Z)]
    for s in (-1.0, 1.0):
        z = s * (ww / 2 + 0.004)
        fork.append(_beam(at + _v(0, -0.006, z), _v(-trail, wr - 0.006, z), 0.02, 0.004, Z))
    if swivel:
        fork.append(S.cylinder(0.012, 0.012, 12, at - _v(0, 0.012, 0)))
    wheel = S.merge(
        S.cylinder(wr, ww, seg, c, axis=Z, bevel=0.25 * ww), S.cylinder(0.45 * wr, ww + 0.006, 12, c, axis=Z)
    )
    return S.merge(fork), wheel, c


def _caster(asm: Assembly, rng: np.random.Generator, at, meshes, swivel: bool, name: str) -> None:
    """Place a caster (from :func:`_caster_meshes`) at the mounting point ``at``: a swivel caster's
    fork turns about the vertical kingpin through ``at`` and carries the wheel; a fixed caster's
    bracket is part of the base. Wheels spin about their axles."""
    fork, wheel, c0 = meshes
    off = _v(at[0], 0, at[2])
    fork, wheel, c = S.translate(fork, off), S.translate(wheel, off), c0 + off
    wr = c0[1]
    g_wheel = [c + _v(0, wr, 0), c + _v(wr, 0, 0)]
    if swivel:
        at = np.asarray(at, float)
        k = asm.part(
            name + "_fork",
            fork,
            revolute(Y, at, None),
            [at - _v(0, 0.01, 0), at - _v(0, 0.003, 0) + _v(0.4 * wr, 0, 0)],
            value=float(rng.uniform(0, 2 * np.pi)) if rng.random() < 0.7 else 0.0,
        )
        asm.part(name + "_wheel", wheel, revolute(Z, c, None), g_wheel, parent=k)
    else:
        asm.base(fork)
        asm.part(name + "_wheel", wheel, revolute(Z, c, None), g_wheel)


@register("Cart")
def cart(rng: np.random.Generator) -> ArticulatedObject:
    """A utility / service cart (two or three trays on four posts, a push handle at one end) or a
    platform truck (a deck with a U handle that folds down onto it about a horizontal axis at the
    deck's end). Casters: swivel casters (the fork turns about the vertical kingpin and carries the
    wheel) and fixed ones; every wheel spins about its axle."""
    asm = Assembly("Cart", rng)
    kind = choose(rng, ("service", "platform"), [3, 2])
    wr = rng.uniform(0.035, 0.065) if kind == "service" else rng.uniform(0.045, 0.08)
    ww = rng.uniform(0.022, 0.04)
    y_mount = 2 * wr + rng.uniform(0.015, 0.035)
    if kind == "service":
        L, Wd = rng.uniform(0.6, 1.0), rng.uniform(0.38, 0.6)
        H = rng.uniform(0.8, 1.0)
        n = int(rng.integers(2, 4))
        tray_h = rng.uniform(0.04, 0.09)
        top_y = H - rng.uniform(0.0, 0.1)
        t = rng.uniform(0.006, 0.012)
        ys = np.linspace(y_mount, top_y - tray_h, n)
        base = [S.box_shell((L, tray_h, Wd), t, "+y", (0, y + tray_h / 2, 0), bevel=0.5 * t) for y in ys]
        pr = rng.uniform(0.01, 0.016)
        for sx in (-1, 1):
            for sz in (-1, 1):
                base.append(
                    _rod(
                        (sx * (L / 2 - pr), y_mount, sz * (Wd / 2 - pr)),
                        (sx * (L / 2 - pr), top_y, sz * (Wd / 2 - pr)),
                        pr,
                        10,
                    )
                )
        # Push handle above one end.
        hx = -L / 2 - rng.uniform(0.0, 0.04)
        hy = top_y + rng.uniform(0.0, 0.08)
        hr = rng.uniform(0.011, 0.016)
        if hy > top_y + 0.01 or hx < -L / 2 - 0.01:
            for sz in (-1, 1):
                base.append(
                    _rod((-L / 2 + pr, top_y - 0.1, sz * (Wd / 2 - 0.05)), (hx, hy, sz * (Wd / 2 - 0.05)), hr, 10)
                )
        base.append(_rod((hx, hy, -Wd / 2 + 0.05 - hr), (hx, hy, Wd / 2 - 0.05 + hr), hr, 12))
        asm.base(*base)
        size = (L - hx * 0 + max(0.0, -L / 2 - hx), max(H, hy + hr), Wd)
        swivel_all = rng.random() < 0.5
    else:
        L, Wd = rng.uniform(0.7, 1.2), rng.uniform(0.45, 0.7)
        t = rng.uniform(0.03, 0.05)
        asm.base(_box((L, t, Wd), (0, y_mount + t / 2, 0), bevel=rng.uniform(0.002, 0.008)))
        y_deck = y_mount + t
        hr = rng.uniform(0.012, 0.016)
        hh = min(rng.uniform(0.75, 0.9), L - 0.06)
        piv = _v(-L / 2 + 0.035, y_deck + hr + rng.uniform(0.008, 0.015), 0)
        zs = Wd / 2 - rng.uniform(0.04, 0.08)
        handle = [S.cylinder(hr * 1.4, 0.03, 10, piv + _v(0, 0, s * zs), axis=Z) for s in (-1, 1)]
        path = S.rounded_path(
            [piv + _v(0, 0, -zs), piv + _v(0, hh, -zs), piv + _v(0, hh, zs), piv + _v(0, 0, zs)], 0.06, 4
        )
        handle.append(S.sweep(path, hr, 10))
        if rng.random() < 0.5:  # a cross bar
            handle.append(_rod(piv + _v(0, 0.55 * hh, -zs), piv + _v(0, 0.55 * hh, zs), 0.8 * hr, 10))
        for s in (-1, 1):  # hinge brackets on the deck
            asm.base(_box((0.05, piv[1] - y_deck + hr, 0.012), (piv[0], (piv[1] + hr + y_deck) / 2, s * (zs + 0.022))))
        top = piv + _v(0, hh, 0)
        lim = (0.0, np.pi / 2)
        u = rng.random()
        value = 0.0 if u < 0.55 else np.pi / 2 if u < 0.8 else float(rng.uniform(0, np.pi / 2))
        asm.part(
            "handle",
            handle,
            revolute(opening_axis(Z, piv, top, (1, 0, 0)), piv, lim),
            [top, top + _v(0, 0, zs * 0.7), top - _v(0, 0, zs * 0.7)],
            value=value,
        )
        size = (L, piv[1] + hh + hr, Wd)
        swivel_all = rng.random() < 0.25
    # Casters at the corners: swivel at the handle end (or all four), fixed at the other.
    inset = max(0.05, wr + 0.02)
    seg = int(rng.integers(16, 25))
    trail = wr * rng.uniform(0.35, 0.6)
    kinds = {sw: _caster_meshes(y_mount, wr, ww, trail if sw else 0.0, sw, seg) for sw in (True, False)}
    k = 0
    for sx in (-1, 1):
        for sz in (-1, 1):
            at = _v(sx * (L / 2 - inset), y_mount, sz * (Wd / 2 - inset))
            swivel = swivel_all or sx < 0
            _caster(asm, rng, at, kinds[swivel], swivel, f"caster_{k}")
            k += 1
    return asm.build(size=size, kind=kind)


# ------------------------------------------------------------------------------------ display


@register("Display")
def display(rng: np.random.Generator) -> ArticulatedObject:
    """A computer monitor on a stand: the screen tilts about a left-right axis at the top of the
    stand (-5..+25 deg); an ergonomic stand also swivels about the vertical column axis, slides the
    screen up the column (8-13 cm) and sometimes pivots it to portrait about the screen normal;
    small buttons under the bezel press up into it."""
    asm = Assembly("Display", rng)
    kind = choose(rng, ("ergonomic", "basic"), [3, 2])
    Ws = rng.uniform(0.48, 0.72)
    Hs = Ws * rng.uniform(0.56, 0.63)
    ts = rng.uniform(0.012, 0.025)
    bez = rng.uniform(0.006, 0.02)
    # Foot.
    fh = rng.uniform(0.012, 0.025)
    foot_style = choose(rng, ("rect", "round", "v"))
    fw, fd = rng.uniform(0.2, 0.3), rng.uniform(0.16, 0.24)
    zc = -rng.uniform(0.02, 0.06)  # column centre
    cw, cd = rng.uniform(0.04, 0.08), rng.uniform(0.02, 0.035)
    if foot_style == "round":
        foot = S.cylinder(fd / 2 + 0.02, fh, 32, (0, fh / 2, zc + 0.02), bevel=0.4 * fh)
    elif foot_style == "v":
        a = rng.uniform(25, 40) * DEG
        foot = S.merge(
            *[
                _beam(
                    _v(0, fh / 2, zc), _v(s * fw / 2 * np.cos(a) * 1.2, fh / 2, zc + fd * 0.8), 0.05, fh, bevel=0.3 * fh
                )
                for s in (-1, 1)
            ]
        )
    else:
        foot = _box((fw, fh, fd), (0, fh / 2, zc + fd / 2 - 0.04), bevel=0.4 * fh)
    travel = rng.uniform(0.08, 0.13) if kind == "ergonomic" else 0.0
    c_h = travel + rng.uniform(0.06, 0.09)
    mount = rng.uniform(0.025, 0.04)
    y_h = fh + max(c_h + 0.01, Hs / 2 + rng.uniform(0.03, 0.1))
    pivot_ok = kind == "ergonomic" and rng.random() < 0.35
    if pivot_ok:  # the screen turned to portrait must clear the foot with the stand raised
        y_h = max(y_h, fh + Ws / 2 + 0.03 - travel)
    z_front = zc + cd / 2
    z_h = z_front + (0.02 if kind == "ergonomic" else 0.0)
    y_ct = y_h - c_h + travel + 0.05 if kind == "ergonomic" else y_h
    col = _box((cw, y_ct - fh - 0.004, cd), (0, (y_ct + fh + 0.004) / 2, zc), bevel=0.3 * cd)
    if kind == "ergonomic":
        swivel_lim = (-rng.uniform(30, 90) * DEG, 0.0)
        swivel_lim = (swivel_lim[0], -swivel_lim[0])
        asm.base(foot)
        stand = asm.part(
            "stand",
            [col, S.cylinder(cw * 0.8, 0.008, 24, (0, fh + 0.002, zc))],
            revolute(Y, (0, fh, zc), swivel_lim),
            [(cw / 2, y_ct - 0.05, zc), (-cw / 2, y_ct - 0.05, zc)],
            value=rest_value(rng, swivel_lim, 0.6, closed=0.0),
        )
        carriage = _box((cw + 0.012, c_h, 0.02), (0, y_h + 0.015 - c_h / 2, z_front + 0.01), bevel=0.004)
        screen_parent = asm.part(
            "height",
            carriage,
            prismatic(Y, (0, y_h, z_h), (0.0, travel)),
            [(0, y_h + 0.01, z_h)],
            parent=stand,
            value=travel if pivot_ok else rest_value(rng, (0.0, travel), 0.3),
        )
    else:
        asm.base(foot, col, _box((cw * 1.2, 0.008, cd * 1.3), (0, fh + 0.002, zc), bevel=0.002))
        screen_parent = 0
    # The screen: a mount block at the hinge, a housing bulge, the panel with its bezel.
    zb = z_h + mount
    knuckle = S.cylinder(0.012, cw * 0.9, 14, (0, y_h, z_h + 0.006), axis=X)
    yc = y_h - rng.uniform(-0.02, 0.05)
    block = _box((cw * 0.9, abs(y_h - yc) + 0.05, mount), (0, (y_h + yc) / 2, z_h + mount / 2 + 0.004))
    bulge_d = rng.uniform(0.01, 0.03)
    bulge = _box(
        (Ws * rng.uniform(0.4, 0.7), Hs * rng.uniform(0.4, 0.7), bulge_d),
        (0, yc, zb + bulge_d / 2),
        bevel=0.4 * bulge_d,
    )
    z_panel = zb + bulge_d
    panel = S.plate_with_pocket(
        (Ws, Hs, ts),
        (-Ws / 2 + bez, Ws / 2 - bez, -Hs / 2 + bez * rng.uniform(1, 2.5), Hs / 2 - bez),
        0.002,
        (0, yc, z_panel + ts / 2),
    )
    top = _v(0, yc + Hs / 2, z_panel + ts)
    tilt_lim = (-rng.uniform(3, 5) * DEG, rng.uniform(15, 25) * DEG)
    tilt_axis = opening_axis(X, (0, y_h, z_h), top, (0, 0, -1))
    grasp_screen = [top + _v(s * Ws * 0.4, 0, -ts / 2) for s in (-1, 0, 1)]
    if pivot_ok:
        screen = asm.part(
            "mount",
            [knuckle, block],
            revolute(tilt_axis, (0, y_h, z_h), tilt_lim),
            [(0, y_h + 0.025, z_h + mount / 2)],
            parent=screen_parent,
            value=rest_value(rng, tilt_lim, 0.6, 0.0),
        )
        c = _v(0, yc, zb)
        screen = asm.part(
            "screen",
            [bulge, panel],
            revolute(-Z, c, (0.0, np.pi / 2)),
            grasp_screen + [_v(Ws / 2, yc, z_panel + ts / 2)],
            parent=screen,
            value=0.0 if rng.random() < 0.7 else np.pi / 2,
        )
    else:
        screen = asm.part(
            "screen",
            [knuckle, block, bulge, panel],
            revolute(tilt_axis, (0, y_h, z_h), tilt_lim),
            grasp_screen,
            parent=screen_parent,
            value=rest_value(rng, tilt_lim, 0.5, 0.0),
        )
    # Buttons under the bezel's bottom right (pressing up), sometimes a power button in front.
    nb = int(rng.integers(0, 5))
    bs = rng.uniform(0.006, 0.01)
    for i in range(nb):
        at = (Ws / 2 - 0.03 - i * rng.uniform(0.018, 0.025), yc - Hs / 2, z_panel + ts / 2)
        asm.add(button_part(rng, at, (0, -1, 0), (0, 0, 1), bs, asm.name("button")), parent=screen)
    return asm.build(size=(max(Ws, fw), y_h + Hs, fd), kind=kind)


# --------------------------------------------------------------------------------------- lamp


@register("Lamp")
def lamp(rng: np.random.Generator) -> ArticulatedObject:
    """A desk lamp: a weighted base (sometimes a turntable turning about the vertical), a lower arm
    hinged about a left-right axis on the base, an upper arm hinged about a left-right axis at the
    lower arm's top (carried by it), and a head (cone shade or LED bar) tilting about a left-right
    axis at the upper arm's end. Single-arm lamps have no upper arm. A switch on the base."""
    asm = Assembly("Lamp", rng)
    two = rng.random() < 0.7
    round_base = rng.random() < 0.6
    br = rng.uniform(0.07, 0.11)
    bh = rng.uniform(0.02, 0.04)
    if round_base:
        asm.base(S.cylinder(br, bh, 32, (0, bh / 2, 0), bevel=0.3 * bh))
    else:
        asm.base(_box((2 * br, bh, 1.6 * br), (0, bh / 2, 0), bevel=0.3 * bh))
    # Switch on the base (front).
    if rng.random() < 0.5:
        asm.add(
            button_part(
                rng,
                (0, bh, 0.7 * br * (0.8 if round_base else 0.75)),
                (0, 1, 0),
                (0, 0, -1),
                rng.uniform(0.01, 0.016),
                "switch",
            )
        )
    else:
        asm.add(rocker_part(rng, (0, bh, 0.65 * br * 0.8), (0, 1, 0), (0, 0, -1), rng.uniform(0.012, 0.02), "switch"))
    s = rng.uniform(0.01, 0.018)  # half spacing of twin rods
    rr = rng.uniform(0.004, 0.007)
    twin = rng.random() < 0.6
    kr = rng.uniform(0.01, 0.015)  # knuckle radius

    def arm(a, b):
        if twin:
            return [_rod(a + _v(sx, 0, 0), b + _v(sx, 0, 0), rr, 8) for sx in (-s, s)]
        return [_rod(a, b, 1.8 * rr, 12)]

    def knuckle(p):
        return S.cylinder(kr, 2 * s + 0.012, 14, p, axis=X)

    turret = rng.random() < 0.4
    th = rng.uniform(0.025, 0.045) if turret else rng.uniform(0.015, 0.03)
    P0 = _v(0, bh + th, -0.3 * br if rng.random() < 0.5 else 0.0)
    bracket = [S.cylinder(kr * 1.4, th, 16, (0, bh + th / 2, P0[2]))] + [
        _box((0.004, 2 * kr, 2 * kr), (sx * (s + 0.008), P0[1], P0[2])) for sx in (-1, 1)
    ]
    L1 = rng.uniform(0.25, 0.42)
    a1 = rng.uniform(-15, 25) * DEG
    P1 = P0 + L1 * _v(0, np.cos(a1), np.sin(a1))
    L2 = rng.uniform(0.25, 0.42) if two else 0.0
    # Head: a short neck, then the shade (cone or dome) hanging down, or an LED bar.
    led = rng.random() < 0.25
    hr_ = rng.uniform(0.05, 0.09)
    hd = rng.uniform(0.08, 0.13)
    drop = (0.03 if led else 0.03 + hd) + 0.01
    b2_min = np.arcsin(np.clip((bh + drop + 0.03 - P1[1]) / max(L2, 1e-6), -1, 1)) / DEG if two else -20
    b2 = rng.uniform(max(-20, b2_min), max(20, b2_min + 5)) * DEG
    P2 = P1 + L2 * _v(0, np.sin(b2), np.cos(b2)) if two else P1
    neck = _v(0, -0.01, rng.uniform(0.02, 0.04))
    if led:
        bl = rng.uniform(0.15, 0.3)
        head = [
            knuckle(P2),
            _rod(P2, P2 + neck, 0.006, 8),
            _box((0.04, 0.015, bl), P2 + neck + _v(0, -0.005, bl / 2 - 0.02), bevel=0.005),
        ]
        keys = [P2 + neck + _v(sx, -0.012, z) for sx in (-0.02, 0.02) for z in (-0.02, bl - 0.02)]
        hgrasp = [P2 + neck + _v(0, 0.003, bl / 2), P2 + neck + _v(0, 0.003, bl - 0.03)]
    else:
        c = P2 + neck + _v(0, -0.01 - hd / 2, 0)
        shade = S.cup(hr_ * rng.uniform(0.3, 0.6), hd, 0.003, 24, top_radius=hr_, center=c, axis=(0, -1, 0))
        if rng.random() < 0.4:  # a dome
            prof = [
                (0, hd / 2),
                (hr_ * 0.5, hd / 2),
                (hr_ * 0.85, hd * 0.2),
                (hr_, -hd / 2),
                (hr_ - 0.003, -hd / 2),
                (hr_ * 0.82, hd * 0.2 - 0.003),
                (hr_ * 0.47, hd / 2 - 0.003),
                (0, hd / 2 - 0.003),
            ]
            shade = S.lathe(prof, 24, c)
        head = [
            knuckle(P2),
            _rod(P2, P2 + neck, 0.006, 8),
            S.cylinder(0.012, 0.02, 12, P2 + neck + _v(0, -0.005, 0)),
            shade,
        ]
        ang = np.linspace(0, 2 * np.pi, 8, endpoint=False)
        keys = [c + _v(hr_ * np.cos(a), -hd / 2, hr_ * np.sin(a)) for a in ang] + [c + _v(0, hd / 2, 0)]
        hgrasp = [c + _v(hr_, -hd / 2, 0), c + _v(-hr_, -hd / 2, 0), c + _v(0, -hd / 2, hr_)]
    keys = np.array(keys + [P2, P1])

    # Joints: lower arm, upper arm (carried), head (carried); positive: lower arm leans forward,
    # upper arm rises, head tips its face forward/up.
    j1 = revolute(X, P0, ((-35 * DEG) - a1, (45 * DEG) - a1))
    j2 = revolute(-X, P1, (-rng.uniform(40, 65) * DEG, rng.uniform(45, 80) * DEG)) if two else None
    hl = rng.uniform(35, 60) * DEG
    j3 = revolute(-X, P2, (-hl, hl))
    if turret:
        tj = revolute(Y, (0, bh, 0), None if rng.random() < 0.5 else (-np.pi, np.pi))
    # Rest pose: random, keeping the head above the table (a few tries, else the designed pose).
    vals = (0.0, 0.0, 0.0)
    for _ in range(8):
        v1 = rest_value(rng, j1.limits, 0.3, 0.0)
        v2 = rest_value(rng, j2.limits, 0.3, 0.0) if two else 0.0
        v3 = rest_value(rng, j3.limits, 0.4, 0.0)
        T = joint_matrix(j1, v1)
        if two:
            T = T @ joint_matrix(j2, v2)
        T = T @ joint_matrix(j3, v3)
        k = keys @ T[:3, :3].T + T[:3, 3]
        if k[:, 1].min() > bh + 0.02 and not (np.hypot(k[:, 0], k[:, 2]).min() < br and k[:, 1].min() < bh + 0.05):
            vals = (v1, v2, v3)
            break
    # The table stops the arms: each joint's range ends where, the others at rest, the head or an
    # arm end would reach the table top or the base.
    joints = [j1] + ([j2] if two else []) + [j3]
    rest = [vals[0]] + ([vals[1]] if two else []) + [vals[2]]
    limits = []
    for k, j in enumerate(joints):
        pre, post = np.eye(4), np.eye(4)
        for m, jm in enumerate(joints):
            if m < k:
                pre = pre @ joint_matrix(jm, rest[m])
            elif m > k:
                post = post @ joint_matrix(jm, rest[m])
        q = keys @ post[:3, :3].T + post[:3, 3] - j.origin
        ends = []
        for end in j.limits[::-1]:
            vs = np.linspace(rest[k], end, 16)[1:]
            rq = np.einsum("vij,kj->vki", _rotations(j.axis, vs - 0.0), q) + j.origin
            low = (rq @ pre[:3, :3].T + pre[:3, 3])[..., 1].min(1)
            bad = np.flatnonzero(low < bh + 0.03)
            ends.append(rest[k] if len(bad) and bad[0] == 0 else vs[bad[0] - 1] if len(bad) else vs[-1])
        hi_k, lo_k = ends
        limits.append((min(lo_k, 0.0, rest[k]), max(hi_k, 0.0, rest[k], min(lo_k, 0.0, rest[k]) + 10 * DEG)))
    j1 = revolute(j1.axis, j1.origin, limits[0])
    if two:
        j2 = revolute(j2.axis, j2.origin, limits[1])
    j3 = revolute(j3.axis, j3.origin, limits[-1])
    carrier = 0
    if turret:
        carrier = asm.part(
            "turret",
            bracket,
            tj,
            [(kr * 1.4, bh + th / 2, P0[2]), (-kr * 1.4, bh + th / 2, P0[2])],
            value=_val(rng, tj.limits, 0.5, 0.0),
        )
    else:
        asm.base(*bracket)
    arm1 = asm.part("arm_lower", [knuckle(P0)] + arm(P0, P1), j1, [P0 + 0.8 * (P1 - P0)], parent=carrier, value=vals[0])
    carrier = arm1
    if two:
        carrier = asm.part(
            "arm_upper", [knuckle(P1)] + arm(P1, P2), j2, [P1 + 0.85 * (P2 - P1)], parent=arm1, value=vals[1]
        )
    asm.part("head", head, j3, hgrasp, parent=carrier, value=vals[2])
    return asm.build(size=(2 * br, float(keys[:, 1].max()), 2 * br), arms=2 if two else 1, turret=turret)


# ---------------------------------------------------------------------------------------- fan


def _fan_head(rng: np.random.Generator, c: np.ndarray, R: float, rm: float, lm: float):
    """Motor housing behind the centre c (3,) and a wire guard of radius R in front of it, facing
    +z; returns (head meshes, blade meshes, hub centre, blade tip points)."""
    motor = S.lathe(
        [(0, -lm / 2), (0.7 * rm, -lm / 2), (rm, -lm / 4), (rm, lm / 2), (0, lm / 2)], 20, c - _v(0, 0, lm / 2), Z
    )
    depth = rng.uniform(0.06, 0.1)
    g0, g1 = c[2] + 0.005, c[2] + depth
    nsp = int(rng.integers(8, 13))
    wr = 0.0022
    ring = S.torus_arc(R, 0.004, segments=28, section_segments=5)
    parts = [motor]
    parts.append(S.translate(ring, (c[0], c[1], g0)))
    parts.append(S.tube(R + 0.003, R - 0.002, g1 - g0 - 0.02, 28, (c[0], c[1], (g0 + g1) / 2 - 0.01), axis=Z))
    parts.append(S.translate(S.torus_arc(0.55 * R, wr, segments=20, section_segments=4), (c[0], c[1], g1 - 0.004)))
    badge = rng.uniform(0.03, 0.05)
    parts.append(S.cylinder(badge, 0.006, 20, (c[0], c[1], g1), axis=Z))
    spokes = S.merge(
        _rod(_v(0.9 * rm, 0, g0 - c[2]), _v(R, 0, g0 - c[2]), wr, 5),
        _rod(_v(badge, 0, g1 - c[2]), _v(R, 0, g1 - c[2] - 0.01), wr, 5),
    )
    for k in range(nsp):
        parts.append(S.translate(S.rotate(spokes, Z, 2 * np.pi * (k + 0.5) / nsp), (c[0], c[1], c[2])))
    # Blades on a hub, pitched.
    zh = (g0 + g1) / 2 - 0.005
    hub = _v(c[0], c[1], zh)
    hr = rng.uniform(0.02, 0.035)
    br = R - rng.uniform(0.012, 0.025)
    n = int(rng.integers(3, 6))
    pitch = rng.uniform(18, 30) * DEG
    wt = rng.uniform(0.35, 0.55) * 2 * np.pi * br / n / 2
    u = np.linspace(0, np.pi, 9)
    tip = [(br - 0.45 * wt + 0.45 * wt * np.sin(t), -0.5 * wt * np.cos(t)) for t in u]
    poly = np.array([(hr * 0.8, -0.3 * wt)] + tip + [(hr * 0.8, 0.3 * wt)])
    blade = S.rotate(_extrude(poly, 0.002), X, pitch)
    blades = [S.cylinder(hr, 0.03, 20, hub, axis=Z, bevel=0.008)]
    tips = []
    for k in range(n):
        u = 2 * np.pi * k / n + 0.3
        blades.append(S.translate(S.rotate(blade, Z, u), hub))
        tips.append(hub + (br - 0.5 * wt) * _v(np.cos(u), np.sin(u), 0))
    return parts, blades, hub, tips


@register("Fan")
def fan(rng: np.random.Generator) -> ArticulatedObject:
    """A pedestal or desk fan: the head (motor and guard) oscillates about the vertical pole axis
    (+-35-45 deg) on a neck, tilts about a left-right axis at the top of the neck (carried by the
    neck), and carries the blades, which spin about the fan axis. A pedestal's inner pole slides
    up out of the outer pole; buttons on the base."""
    asm = Assembly("Fan", rng)
    pedestal = rng.random() < 0.5
    R = rng.uniform(0.17, 0.24) if pedestal else rng.uniform(0.11, 0.16)
    rm = rng.uniform(0.05, 0.075) if pedestal else rng.uniform(0.04, 0.06)
    lm = rng.uniform(0.08, 0.13) if pedestal else rng.uniform(0.06, 0.1)
    pr = rng.uniform(0.014, 0.02) if pedestal else rng.uniform(0.012, 0.018)
    if pedestal:
        if rng.random() < 0.6:
            bR, bh = rng.uniform(0.16, 0.22), rng.uniform(0.03, 0.05)
            asm.base(S.cylinder(bR, bh, 32, (0, bh / 2, 0), bevel=0.4 * bh))
        else:
            bR, bh = rng.uniform(0.22, 0.28), 0.03
            for a in (0, np.pi / 2):
                asm.base(S.translate(S.rotate(_box((2 * bR, bh, 0.05), bevel=0.01), Y, a), (0, bh / 2, 0)))
        y_op = bh + rng.uniform(0.5, 0.7)
        asm.base(
            S.cylinder(pr, y_op - bh, 16, (0, (y_op + bh) / 2, 0)), S.cylinder(pr * 1.5, 0.03, 16, (0, y_op - 0.015, 0))
        )
        travel = rng.uniform(0.15, 0.3)
        y_p = y_op + rng.uniform(0.05, 0.15)
        pole = asm.part(
            "pole",
            [S.cylinder(0.65 * pr, y_p - y_op + travel + 0.06, 14, (0, (y_p + y_op - travel - 0.06) / 2, 0))],
            prismatic(Y, (0, y_p, 0), (0.0, travel)),
            [(0, y_p - 0.01, 0)],
            value=rest_value(rng, (0.0, travel), 0.4),
        )
        btn_at = None
    else:
        bR = rng.uniform(0.09, 0.13)
        bh = rng.uniform(0.035, 0.06)
        if rng.random() < 0.5:
            asm.base(S.cylinder(bR, bh, 32, (0, bh / 2, 0), bevel=0.3 * bh))
        else:
            asm.base(_box((2 * bR, bh, 1.5 * bR), (0, bh / 2, 0), bevel=0.3 * bh))
        y_p = bh + rng.uniform(0.08, 0.16)
        asm.base(S.cylinder(pr, y_p - bh, 16, (0, (y_p + bh) / 2, 0)))
        pole = 0
        btn_at = bh
    # Neck: oscillates about the pole axis, carries the tilt knuckle at its top.
    yt = y_p + rng.uniform(0.03, 0.05)
    osc = rng.uniform(35, 45) * DEG
    neck = [S.cylinder(pr * 1.4, yt - y_p + 0.01, 16, (0, (yt + y_p) / 2 - 0.005, 0))]
    neck += [_box((0.006, 0.03, 0.03), (sx * 0.022, yt, 0)) for sx in (-1, 1)]
    neck_i = asm.part(
        "neck",
        neck,
        revolute(Y, (0, y_p, 0), (-osc, osc)),
        [(0.025, yt, 0), (-0.025, yt, 0)],
        parent=pole,
        value=rest_value(rng, (-osc, osc), 0.4, 0.0),
    )
    # Head: knuckle, bracket up to the motor, motor, guard; tilts about a left-right axis.
    h_off = rm + rng.uniform(0.005, 0.03)
    c = _v(0, yt + h_off, rng.uniform(0.02, 0.05) + lm / 2)
    hparts, blades, hub, tips = _fan_head(rng, c, R, rm, lm)
    hparts.append(S.cylinder(0.012, 0.036, 12, (0, yt, 0), axis=X))
    hparts.append(_beam(_v(0, yt, 0), _v(0, c[1] - 0.5 * rm, c[2] - lm / 2), 0.025, 0.012, (0, 0, 1)))
    tilt = (-rng.uniform(10, 15) * DEG, rng.uniform(20, 35) * DEG)
    head = asm.part(
        "head",
        hparts,
        revolute(-X, (0, yt, 0), tilt),
        [_v(0, c[1] + R, hub[2]), _v(R, c[1], hub[2]), _v(-R, c[1], hub[2])],
        parent=neck_i,
        value=rest_value(rng, tilt, 0.5, 0.0),
    )
    asm.part(
        "blades",
        blades,
        revolute(Z, hub, None),
        tips,
        parent=head,
    )
    # Buttons on the base (desk) or a speed knob on the motor housing's top (pedestal).
    if btn_at is not None:
        n = int(rng.integers(1, 5))
        z0 = 0.55 * bR
        for i in range(n):
            at = ((i - (n - 1) / 2) * 0.025, bh, z0)
            asm.add(button_part(rng, at, (0, 1, 0), (0, 0, -1), rng.uniform(0.012, 0.018), asm.name("button")))
    elif rng.random() < 0.6:
        n = int(rng.integers(2, 5))
        for i in range(n):
            at = ((i - (n - 1) / 2) * 0.03, bh, 0.6 * bR)
            asm.add(button_part(rng, at, (0, 1, 0), (0, 0, -1), rng.uniform(0.015, 0.022), asm.name("button")))
    else:
        at = (0, c[1] + rm, c[2] - lm * 0.6)
        asm.add(knob_part(rng, at, (0, 1, 0), (0, 0, 1), rng.uniform(0.012, 0.018), "knob"), parent=head)
    return asm.build(size=(2 * max(R, bR), c[1] + R, 2 * bR), kind="pedestal" if pedestal else "desk")


# -------------------------------------------------------------------------------------- globe


@register("Globe")
def globe(rng: np.random.Generator) -> ArticulatedObject:
    """A terrestrial globe: a sphere spinning (continuously) about its polar axis, tilted 23.5 deg
    from the vertical, on pins in a full or half meridian ring. Desk globes stand on a turned foot
    and post (the meridian sometimes turns about the post); floor globes have legs and a horizon
    ring, and their meridian slides in its own plane (about its normal through the centre),
    carrying the sphere."""
    asm = Assembly("Globe", rng)
    floor = rng.random() < 0.25
    Rg = rng.uniform(0.15, 0.24) if floor else rng.uniform(0.1, 0.17)
    mr = rng.uniform(0.004, 0.008)
    Rm = Rg + rng.uniform(0.008, 0.02) + mr
    t = 23.5 * DEG
    sg = 1.0 if rng.random() < 0.5 else -1.0
    a = _v(sg * np.sin(t), np.cos(t), 0)
    full = floor or rng.random() < 0.4
    if floor:
        yc = rng.uniform(0.5, 0.65)
    else:
        fr, fh = rng.uniform(0.06, 0.1), rng.uniform(0.015, 0.035)
        hp = rng.uniform(0.04, 0.14)
        yc = fh + hp + Rm + mr
    C = _v(0, yc, 0)
    # Meridian: a full ring or the half from pole to pole that passes under the globe.
    if full:
        ring = S.torus_arc(Rm, mr, segments=40, section_segments=8)
    else:
        start = np.arctan2(-a[1], -a[0]) if sg > 0 else np.arctan2(a[1], a[0])
        ring = S.torus_arc(Rm, mr, angle=np.pi, start=start, segments=40, section_segments=8)
    merid = [S.translate(ring, C)]
    for s in (-1.0, 1.0):  # pins at the poles
        merid.append(_rod(C + s * a * (Rg - 0.004), C + s * a * (Rm + mr * 0.5), 0.003, 8))
        merid.append(S.cylinder(mr * 1.6, 0.006, 12, C + s * a * (Rm + mr + 0.002), axis=a))
    g_merid = [C + Rm * _v(np.cos(th), np.sin(th), 0) for th in (0.0, np.pi / 2 if full else -np.pi / 2 + sg * 0.8)]
    if floor:
        nl = int(rng.integers(3, 5))
        Rh = Rm + mr + rng.uniform(0.006, 0.012) + 0.012
        hb = S.translate(S.rotate(S.torus_arc(Rh, 0.012, segments=40, section_segments=6), X, np.pi / 2), C)
        ys = rng.uniform(0.1, 0.2)
        base = [hb]
        ph = rng.uniform(0, np.pi)
        for k in range(nl):
            u = ph + 2 * np.pi * k / nl
            d = _v(np.cos(u), 0, np.sin(u))
            foot = d * (Rh + rng.uniform(0.02, 0.06))
            base.append(_rod(foot + _v(0, 0.008, 0), C + d * Rh - _v(0, 0.01, 0), 0.012, 10))
            base.append(S.cylinder(0.018, 0.012, 12, foot + _v(0, 0.006, 0)))
            p_s = foot + (C + d * Rh - foot) * ys / yc
            base.append(_rod(p_s, _v(0, ys, 0), 0.008, 8))
        yb = yc - Rm - mr
        base.append(_rod(_v(0, ys, 0), _v(0, yb - 0.01, 0), 0.012, 10))
        base.append(_box((0.03, 0.02, 0.03), (0, yb - 0.01, 0)))  # cradle under the meridian
        asm.base(*base)
        sl = rng.uniform(30, 60) * DEG
        carrier = asm.part(
            "meridian", merid, revolute(Z, C, (-sl, sl)), g_merid, value=rest_value(rng, (-sl, sl), 0.7, 0.0)
        )
        size = (2 * (Rh + 0.06), yc + Rm + mr, 2 * (Rh + 0.06))
    else:
        foot = S.lathe([(0, 0), (fr, 0), (fr, 0.3 * fh), (0.6 * fr, fh), (0, fh)], 32)
        post = S.cylinder(0.01, hp + 0.006, 12, (0, fh + hp / 2 + 0.003, 0))
        if rng.random() < 0.35:  # the meridian turns about the post
            asm.base(foot, post)
            merid.append(S.cylinder(0.013, 0.02, 12, (0, yc - Rm - 0.005, 0)))
            carrier = asm.part("meridian", merid, revolute(Y, (0, fh, 0), None), g_merid, value=_val(rng, None))
        else:
            asm.base(foot, post, *merid)
            carrier = 0
        size = (2 * max(fr, Rm + mr), yc + Rm + mr, 2 * max(fr, Rm + mr))
    # The sphere with a few raised "continents" so its turn shows.
    sphere = [_sphere(Rg, C, 24, 12, a)]
    e1 = Z
    e2 = np.cross(a, e1)
    for _ in range(int(rng.integers(3, 7))):
        lat, lon = rng.uniform(-1.0, 1.1), rng.uniform(0, 2 * np.pi)
        d = np.cos(lat) * (np.cos(lon) * e1 + np.sin(lon) * e2) + np.sin(lat) * a
        w, h = Rg * rng.uniform(0.2, 0.45), Rg * rng.uniform(0.2, 0.45)
        sphere.append(S.orient(_box((w, h, 0.004)), d, a, C + d * (Rg - 0.001)))
    asm.part("globe", sphere, revolute(a, C, None), [C + Rg * e1, C - Rg * e1, C + Rg * e2], parent=carrier)
    return asm.build(size=size, kind="floor" if floor else "desk", tilt_deg=23.5)


# -------------------------------------------------------------------------------------- clock


def _hand(c: np.ndarray, length: float, width: float, tail: float, z: float, tip: str = "plain") -> S.Mesh:
    """A clock hand pointing to 12 (+y) from the centre c, at depth z, with a hub on the arbor."""
    t = 0.0015
    m = [
        _box((width, length + tail, t), (c[0], c[1] + (length - tail) / 2, z)),
        S.cylinder(max(1.4 * width, 0.004), t, 12, (c[0], c[1], z), axis=Z),
    ]
    if tip == "spade":
        m.append(
            S.translate(S.rotate(_box((2.2 * width, 2.2 * width, t)), Z, np.pi / 4), (c[0], c[1] + 0.8 * length, z))
        )
    elif tip == "ring":
        m.append(
            S.translate(S.torus_arc(1.8 * width, 0.5 * width, segments=12, section_segments=4), (c[0], c[1] - tail, z))
        )
    return S.merge(m)


@register("Clock")
def clock(rng: np.random.Generator) -> ArticulatedObject:
    """A wall clock, a mantel / table clock or an alarm clock: hour, minute and often second hands
    (an alarm clock also an alarm hand) turning clockwise (continuously) about the face normal
    through the face centre, stacked in depth; setting knobs on the back turn about their own axes;
    an alarm clock's stop button on top presses down."""
    asm = Assembly("Clock", rng)
    kind = choose(rng, ("wall", "table", "alarm"), [4, 3, 2])
    if kind == "wall":
        R = rng.uniform(0.12, 0.2)
        d = rng.uniform(0.03, 0.06)
        square = rng.random() < 0.3
        c = _v(0, R, 0)
        if square:
            asm.base(_box((2 * R, 2 * R, d), (0, R, d / 2), bevel=rng.uniform(0.003, 0.015)))
        else:
            asm.base(S.cylinder(R, d, 48, (0, R, d / 2), axis=Z, bevel=0.004))
        rim = rng.uniform(0.008, 0.02)
        asm.base(S.tube(R - 0.001, R - rim, 0.01, 48, (0, R, d + 0.005), axis=Z))
        Rf = R - rim
        zf = d
        size = (2 * R, 2 * R, d + 0.01)
    elif kind == "table":
        W, H, D = rng.uniform(0.18, 0.32), rng.uniform(0.15, 0.26), rng.uniform(0.07, 0.12)
        fh = rng.uniform(0.0, 0.02)
        asm.base(_box((W, H - fh, D), (0, fh + (H - fh) / 2, 0), bevel=rng.uniform(0.002, 0.01)))
        if fh:
            for sx in (-1, 1):
                asm.base(_box((0.03, fh, D * 0.8), (sx * (W / 2 - 0.03), fh / 2, 0)))
        top = H
        if rng.random() < 0.4:  # arched top
            arch = S.cylinder(W * 0.35, D * 0.9, 32, (0, H, 0), axis=Z)
            asm.base(arch)
            top = H + W * 0.35
        Rf = min(0.42 * W, 0.38 * (top - fh)) * rng.uniform(0.8, 1.0)
        c = _v(0, min(fh + (H - fh) * 0.55, top - Rf - 0.02), 0)
        c[1] = max(c[1], fh + Rf + 0.01)
        asm.base(S.tube(Rf + 0.008, Rf, 0.008, 40, (c[0], c[1], D / 2 + 0.004), axis=Z))
        zf = D / 2
        for i in range(int(rng.integers(1, 3))):
            at = (-W / 4 + i * W / 2 if i else W / 4 * rng.choice([-1, 1]), c[1], -D / 2)
            asm.add(knob_part(rng, at, (0, 0, -1), (0, 1, 0), rng.uniform(0.008, 0.014), asm.name("knob")))
        size = (W, top, D + 0.01)
    else:
        R = rng.uniform(0.05, 0.08)
        d = rng.uniform(0.04, 0.06)
        lh = rng.uniform(0.01, 0.025)
        c = _v(0, lh + R, 0)
        asm.base(
            S.cylinder(R, d, 40, c, axis=Z, bevel=0.004),
            S.tube(R + 0.002, R - 0.006, 0.006, 40, c + _v(0, 0, d / 2 + 0.002), axis=Z),
        )
        for sx in (-1, 1):
            asm.base(_rod(c + _v(sx * 0.6 * R, -0.7 * R, 0), _v(sx * 0.9 * R, 0.003, 0), 0.004, 8))
            asm.base(_sphere(0.005, _v(sx * 0.9 * R, 0.005, 0), 10, 5))
        br_ = R * rng.uniform(0.4, 0.55)
        for sx in (-1, 1):  # bells
            bc = c + _v(sx * 0.55 * R, 0.85 * R, 0)
            dirn = _v(sx * 0.5, 1, 0)
            asm.base(
                S.lathe(
                    [(0, 0), (br_, 0), (br_ * 0.9, br_ * 0.55), (br_ * 0.5, br_ * 0.85), (0, br_ * 0.9)], 20, bc, dirn
                )
            )
        if rng.random() < 0.6:
            asm.base(S.translate(S.torus_arc(0.45 * R, 0.004, np.pi, 0, 16, 6), c + _v(0, R + 0.005, 0)))
        Rf = R - 0.006
        zf = d / 2
        asm.add(
            button_part(
                rng, c + _v(0, R, 0), (0, 1, 0), (0, 0, 1), rng.uniform(0.012, 0.02), "alarm_button", round_=True
            )
        )
        for i in range(int(rng.integers(1, 3))):
            at = c + _v((i - 0.5) * 0.5 * R if i else 0.3 * R, -0.2 * R, -d / 2)
            asm.add(knob_part(rng, at, (0, 0, -1), (0, 1, 0), rng.uniform(0.008, 0.012), asm.name("knob")))
        size = (2 * R, c[1] + R + br_, d + 0.01)
    # Face markings.
    face = []
    for k in range(12):
        u = 2 * np.pi * k / 12
        L = 0.12 * Rf if k % 3 == 0 else 0.06 * Rf
        p = c + 0.86 * Rf * _v(np.sin(u), np.cos(u), 0)
        face.append(S.translate(S.rotate(_box((0.012 * Rf + 0.001, L, 0.0012)), Z, -u), p + _v(0, 0, zf + 0.0006)))
    asm.base(*face)
    # Hands: a random time; positive = clockwise seen from the front.
    h, m, sec = rng.integers(0, 12), rng.uniform(0, 60), rng.uniform(0, 60)
    hands = [
        ("hour_hand", 0.55 * Rf, 0.05 * Rf, 2 * np.pi * (h + m / 60) / 12, "spade" if rng.random() < 0.4 else "plain")
    ]
    hands.append(("minute_hand", 0.8 * Rf, 0.035 * Rf, 2 * np.pi * m / 60, "plain"))
    if kind == "alarm":
        hands.insert(0, ("alarm_hand", 0.4 * Rf, 0.02 * Rf, rng.uniform(0, 2 * np.pi), "plain"))
    if rng.random() < 0.65:
        hands.append(
            (
                "second_hand",
                0.88 * Rf,
                0.012 * Rf + 0.0008,
                2 * np.pi * sec / 60,
                "ring" if rng.random() < 0.3 else "plain",
            )
        )
    cf = _v(c[0], c[1], zf)
    for k, (name, L, w, val, tip) in enumerate(hands):
        z = zf + 0.0025 + 0.0025 * k
        asm.part(
            name,
            _hand(c, L, w, 0.15 * L, z, tip),
            revolute(-Z, cf, None),
            [_v(c[0], c[1] + 0.9 * L, z), _v(c[0], c[1] + 0.5 * L, z)],
            value=float(val),
        )
    return asm.build(size=size, kind=kind)


# ------------------------------------------------------------------------------------- camera


@register("Camera")
def camera(rng: np.random.Generator) -> ArticulatedObject:
    """A compact camera (telescoping lens barrel: nested stages sliding out along the optical axis,
    each carried by the one behind it; a zoom lever ring about the shutter button) or an
    interchangeable-lens camera (DSLR / mirrorless: zoom and focus rings turning about the optical
    axis, or an extending inner barrel). Also: shutter and rear buttons pressing in, a mode dial,
    a pop-up flash hinged at its rear edge, and a rear screen that tilts about its top edge or
    swings out about its left edge."""
    asm = Assembly("Camera", rng)
    kind = choose(rng, ("compact", "dslr", "mirrorless"), [3, 3, 2])
    if kind == "compact":
        W, H, D = rng.uniform(0.095, 0.115), rng.uniform(0.055, 0.068), rng.uniform(0.022, 0.035)
    elif kind == "dslr":
        W, H, D = rng.uniform(0.125, 0.15), rng.uniform(0.085, 0.105), rng.uniform(0.06, 0.08)
    else:
        W, H, D = rng.uniform(0.11, 0.13), rng.uniform(0.065, 0.08), rng.uniform(0.035, 0.05)
    bev = min(0.008, 0.2 * D)
    asm.base(_box((W, H, D), (0, H / 2, 0), bevel=bev))
    zf = D / 2
    top = H
    hump = kind == "dslr" or (kind == "mirrorless" and rng.random() < 0.5)
    if kind != "compact":  # grip
        gw = rng.uniform(0.025, 0.035)
        asm.base(_box((gw, H * 0.95, D * 0.5), (W / 2 - gw / 2 - 0.004, H * 0.475, zf), bevel=0.3 * gw))
    if hump:
        hw, hh, hd = rng.uniform(0.045, 0.06), rng.uniform(0.015, 0.025), D * rng.uniform(0.6, 0.85)
        asm.base(_box((hw, hh + 0.006, hd), (0, H + hh / 2 - 0.003, -D / 2 + hd / 2), bevel=0.004))
    # Lens.
    if kind == "compact":
        x_l, y_l = W * rng.uniform(0.0, 0.18), H * 0.5
        r0 = min(0.42 * H, rng.uniform(0.018, 0.026))
        asm.base(S.tube(r0 + 0.004, r0 - 0.001, 0.004, 28, (x_l, y_l, zf + 0.002), axis=Z))
        parent = 0
        n = int(rng.integers(1, 4))
        for k in range(n):
            r = r0 - 0.003 * (k + 1)
            L = rng.uniform(0.01, 0.018)
            z1 = zf + 0.004 - 0.0005 * k
            seg = S.cylinder(r, L, 28, (x_l, y_l, z1 - L / 2), axis=Z)
            mesh = [seg]
            if k == n - 1:
                mesh.append(S.cylinder(0.7 * r, 0.002, 24, (x_l, y_l, z1 + 0.0005), axis=Z))
            lim = (0.0, 0.8 * L)
            parent = asm.part(
                asm.name("lens_stage"),
                mesh,
                prismatic(Z, (x_l, y_l, z1), lim),
                [(x_l + r, y_l, z1 - 0.002), (x_l, y_l + r, z1 - 0.002)],
                parent=parent,
                value=rest_value(rng, lim, 0.5),
            )
    else:
        x_l, y_l = -W * rng.uniform(0.0, 0.06), H * rng.uniform(0.42, 0.5)
        rl = min(rng.uniform(0.027, 0.04), y_l - 0.008)
        ll = rng.uniform(0.04, 0.11) if kind == "dslr" else rng.uniform(0.03, 0.07)
        asm.base(S.cylinder(rl + 0.004, 0.008, 32, (x_l, y_l, zf + 0.004), axis=Z))
        z0 = zf + 0.008
        extending = rng.random() < 0.3
        asm.base(S.cylinder(rl, ll, 32, (x_l, y_l, z0 + ll / 2), axis=Z))
        rings = [
            ("zoom_ring", rng.uniform(0.35, 0.55), (0.0, rng.uniform(60, 95) * DEG)),
            ("focus_ring", rng.uniform(0.72, 0.88), (0.0, rng.uniform(120, 270) * DEG)),
        ]
        if extending:
            rings = rings[1:]
            L = rng.uniform(0.02, 0.04)
            mesh = [S.cylinder(rl - 0.004, L + 0.01, 32, (x_l, y_l, z0 + ll - (L + 0.01) / 2 + 0.004), axis=Z)]
            mesh.append(S.cylinder(0.75 * rl, 0.002, 24, (x_l, y_l, z0 + ll + 0.0045), axis=Z))
            asm.part(
                "inner_barrel",
                mesh,
                prismatic(Z, (x_l, y_l, z0 + ll), (0.0, L)),
                [(x_l + rl - 0.004, y_l, z0 + ll), (x_l, y_l + rl - 0.004, z0 + ll)],
                value=rest_value(rng, (0.0, L), 0.5),
            )
        elif rng.random() < 0.25:  # a prime lens: a focus ring only
            rings = rings[1:]
        for name, f, lim in rings:
            w = rng.uniform(0.012, 0.025)
            zc = z0 + f * ll
            zc = min(zc, z0 + ll - w / 2 - 0.002)
            ring = S.tube(rl + 0.003, rl - 0.001, w, 32, (x_l, y_l, zc), axis=Z)
            grips = [
                _box((0.002, 0.002, w * 0.9), (x_l + (rl + 0.003) * np.cos(u), y_l + (rl + 0.003) * np.sin(u), zc))
                for u in np.linspace(0, 2 * np.pi, 8, endpoint=False)
            ]
            asm.part(
                name,
                [ring] + grips,
                revolute(Z, (x_l, y_l, zc), lim),
                [(x_l + rl + 0.003, y_l, zc), (x_l, y_l + rl + 0.003, zc), (x_l - rl - 0.003, y_l, zc)],
                value=rest_value(rng, lim, 0.4),
            )
    # Top controls: shutter button (with a zoom lever ring on compacts), mode dial, power button.
    xs = W / 2 - rng.uniform(0.015, 0.022)
    zs = zf - (0.012 if kind == "compact" else -0.005)
    ys = top
    sr = rng.uniform(0.005, 0.0075)
    asm.add(button_part(rng, (xs, ys, zs), (0, 1, 0), (0, 0, 1), 2 * sr, "shutter", round_=True))
    if kind == "compact" and rng.random() < 0.7:
        lever = S.merge(
            S.tube(sr + 0.005, sr + 0.0008, 0.003, 20, (xs, ys + 0.0015, zs)),
            _box((0.004, 0.003, 0.006), (xs, ys + 0.0015, zs + sr + 0.007)),
        )
        lim = rng.uniform(20, 30) * DEG
        asm.part(
            "zoom_lever", lever, revolute(Y, (xs, ys, zs), (-lim, lim)), [(xs, ys + 0.003, zs + sr + 0.008)], value=0.0
        )
    if kind != "compact" or rng.random() < 0.4:
        xd = -W / 2 + rng.uniform(0.015, 0.025) if kind != "compact" else xs - 0.025
        asm.add(
            knob_part(
                rng, (xd, top, -0.1 * D), (0, 1, 0), (0, 0, 1), rng.uniform(0.009, 0.014), "mode_dial", "cylinder"
            )
        )
    if rng.random() < 0.6:
        asm.add(
            button_part(
                rng,
                (xs - rng.uniform(0.015, 0.03), top, zs - 0.004),
                (0, 1, 0),
                (0, 0, 1),
                rng.uniform(0.005, 0.009),
                "power_button",
            )
        )
    # Flash: pop-up on the hump (DSLR) or at the top corner (compact), hinged at its rear edge.
    if (hump and rng.random() < 0.8) or (kind == "compact" and rng.random() < 0.5):
        if hump:
            fw, fl, ft = hw * 0.9, hd * 0.6, 0.01
            yb, z_r = H + hh, -D / 2 + hd - fl - 0.001
            xc = 0.0
        else:
            fw, fl, ft = rng.uniform(0.02, 0.03), D * 0.8, 0.008
            yb, z_r = top, -D / 2 + 0.1 * D
            xc = -W / 2 + fw / 2 + 0.006
        yb += 0.0008
        mesh = [_box((fw, ft, fl), (xc, yb + ft / 2, z_r + fl / 2), bevel=0.002)]
        piv = _v(xc, yb, z_r)
        front = _v(xc, yb + ft, z_r + fl)
        lim = (0.0, rng.uniform(45, 80) * DEG)
        asm.part(
            "flash",
            mesh,
            revolute(opening_axis(X, piv, front, (0, 1, 0)), piv, lim),
            [front, front - _v(0, 0, 0.3 * fl)],
            value=rest_value(rng, lim, 0.7),
        )
    # Rear screen: fixed, tilting about its top edge, or swinging out about its left edge.
    sw, sh, st = W * rng.uniform(0.45, 0.6), H * rng.uniform(0.55, 0.7), rng.uniform(0.004, 0.008)
    xsc = -W / 2 + 0.008 + sw / 2
    ysc = H * 0.47
    zb = -D / 2
    style = choose(rng, ("fixed", "tilt", "swing"), [2, 2, 1])
    screen = S.plate_with_pocket(
        (sw, sh, st), (-sw / 2 + 0.004, sw / 2 - 0.004, -sh / 2 + 0.004, sh / 2 - 0.004), 0.001, (xsc, ysc, zb - st / 2)
    )
    screen = S.rotate(screen, Y, np.pi, (xsc, ysc, zb - st / 2))
    if style == "fixed":
        asm.base(screen)
    elif style == "tilt":
        piv = _v(xsc, ysc + sh / 2, zb - st)
        lim = (0.0, (rng.uniform(85, 95) if rng.random() < 0.6 else 180.0) * DEG)
        asm.part(
            "screen",
            screen,
            revolute(opening_axis(X, piv, piv - _v(0, sh, 0), (0, 0, -1)), piv, lim),
            [(xsc, ysc - sh / 2, zb - st), (xsc + sw / 3, ysc - sh / 2, zb - st)],
            value=rest_value(rng, lim, 0.7),
        )
    else:
        piv = _v(xsc - sw / 2, ysc, zb - st)
        lim = (0.0, 180.0 * DEG)
        asm.part(
            "screen",
            screen,
            revolute(opening_axis(Y, piv, piv + _v(sw, 0, 0), (0, 0, -1)), piv, lim),
            [(xsc + sw / 2, ysc, zb - st), (xsc + sw / 2, ysc + sh / 3, zb - st)],
            value=rest_value(rng, lim, 0.7),
        )
    # Rear buttons right of the screen.
    bx0, bx1 = xsc + sw / 2 + 0.006, W / 2 - 0.008
    if bx1 - bx0 > 0.012:
        n = int(rng.integers(2, 6))
        bs = min(0.008, (bx1 - bx0) * 0.5)
        for i in range(n):
            at = (
                (bx0 + bx1) / 2 + (0.3 * (bx1 - bx0) * (1 if i % 2 else -1) if n > 3 else 0.0),
                H * 0.8 - i * (0.7 * H / n),
                zb,
            )
            asm.add(button_part(rng, at, (0, 0, -1), (0, 1, 0), bs, asm.name("button")))
    return asm.build(size=(W, H, D), kind=kind)


# ---------------------------------------------------------------------------------- dispenser


@register("Dispenser")
def dispenser(rng: np.random.Generator) -> ArticulatedObject:
    """A pump bottle (the pump head presses down along the bottle axis, 8-20 mm), a wall soap
    dispenser (a push panel hinged at its top edge swings in; a refill lid hinged at the back),
    a paper-towel dispenser (a front cover hinged at the bottom swings down, a side lever pivots
    down) or a tape dispenser (the roll spins about its horizontal core axis)."""
    asm = Assembly("Dispenser", rng)
    kind = choose(rng, ("pump", "wall_soap", "towel", "tape"), [4, 3, 2, 2])
    if kind == "pump":
        rb = rng.uniform(0.03, 0.045)
        hb = rng.uniform(0.11, 0.19)
        rn = rng.uniform(0.011, 0.015)
        sh = rng.uniform(0.015, 0.04)
        square = rng.random() < 0.3
        prof = [
            (0, 0),
            (rb - 0.004, 0),
            (rb, 0.004),
            (rb, hb - sh),
            (rn + 0.003, hb - 0.004),
            (rn, hb),
            (rn, hb + 0.012),
            (0, hb + 0.012),
        ]
        body = S.lathe(prof, 8 if square else 28)
        if square:
            body = S.rotate(body, Y, np.pi / 8)
        cr = rn + rng.uniform(0.004, 0.008)
        ch = rng.uniform(0.012, 0.02)
        yc = hb + 0.01
        asm.base(body, S.cylinder(cr, ch, 24, (0, yc + ch / 2, 0), bevel=0.0015))
        y_top = yc + ch
        travel = rng.uniform(0.008, 0.02)
        stem_r = rng.uniform(0.004, 0.006)
        gap = travel + rng.uniform(0.003, 0.012)
        hh, hr = rng.uniform(0.012, 0.022), rng.uniform(0.012, 0.018)
        y_h0 = y_top + gap
        nl = rng.uniform(0.025, 0.05)
        a = rng.uniform(0, 2 * np.pi)
        d = _v(np.cos(a), 0, np.sin(a))
        head = [
            S.cylinder(stem_r, gap + travel + 0.006, 12, (0, y_top + (gap - travel - 0.006) / 2, 0)),
            S.cylinder(hr, hh, 24, (0, y_h0 + hh / 2, 0), bevel=0.003),
            _rod(_v(0, y_h0 + 0.6 * hh, 0) + d * 0.5 * hr, _v(0, y_h0 + 0.45 * hh, 0) + d * (hr + nl), 0.004, 10),
        ]
        asm.part(
            "pump_head",
            head,
            prismatic(-Y, (0, y_h0 + hh, 0), (0.0, travel)),
            [(0, y_h0 + hh, 0), _v(0, y_h0 + hh, 0) + d * 0.5 * hr],
            value=rest_value(rng, (0.0, travel), 0.85),
        )
        return asm.build(size=(2 * rb, y_h0 + hh, 2 * rb), kind=kind)
    if kind == "tape":
        L, Wt, Hb = rng.uniform(0.13, 0.2), rng.uniform(0.045, 0.07), rng.uniform(0.015, 0.025)
        ro, ri = rng.uniform(0.03, 0.042), rng.uniform(0.017, 0.021)
        tw = rng.uniform(0.012, 0.025)
        wall = rng.uniform(0.004, 0.008)
        c = _v(0, Hb + ro + rng.uniform(0.003, 0.008), -L / 2 + ro + 0.02)
        base = [_box((Wt, Hb, L), (0, Hb / 2, 0), bevel=0.006)]
        for s in (-1, 1):  # side cheeks holding the core
            x = s * (tw / 2 + 0.002 + wall / 2)
            prof = [
                (-L / 2 + 0.01, Hb - 0.001),
                (L / 2 - 0.005, Hb - 0.001),
                (L / 2 - 0.005, Hb + 0.015),
                (c[2] + 0.4 * ro, c[1] + 0.5 * ro),
                (c[2] - 0.2 * ro, c[1] + 0.3 * ro),
                (-L / 2 + 0.01, Hb + 0.4 * ro),
            ]
            cheek = _extrude(np.array(prof), wall)  # in (z, y), turned onto the y-z plane below
            cheek = S.transform(cheek, np.array([[0, 0, 1], [0, 1, 0], [1, 0, 0]], float))
            base.append(S.translate(cheek, (x, 0, 0)))
        base.append(_rod(c - _v(tw / 2 + 0.003, 0, 0), c + _v(tw / 2 + 0.003, 0, 0), 0.006, 12))
        base.append(_box((tw + 2 * wall + 0.004, 0.012, 0.015), (0, Hb + 0.01, L / 2 - 0.012)))
        base.append(_box((tw + 2 * wall, 0.004, 0.006), (0, Hb + 0.018, L / 2 - 0.004)))  # cutter
        asm.base(*base)
        roll = [S.tube(ro, ri, tw, 32, c, axis=X), S.tube(ri, 0.0065, tw * 0.95, 20, c, axis=X)]
        asm.part("tape_roll", roll, revolute(X, c, None), [c + _v(0, ro, 0), c + _v(0, 0, ro)])
        return asm.build(size=(Wt, c[1] + ro, L), kind=kind)
    if kind == "wall_soap":
        W, H, D = rng.uniform(0.1, 0.14), rng.uniform(0.18, 0.28), rng.uniform(0.08, 0.12)
        yl = H * rng.uniform(0.35, 0.55)
        rec = rng.uniform(0.02, 0.03)
        t = rng.uniform(0.005, 0.008)
        asm.base(
            _box((W, H - yl, D), (0, (H + yl) / 2, 0), bevel=0.008),
            _box((W, yl, D - rec), (0, yl / 2, -rec / 2), bevel=0.006),
            S.cylinder(0.005, 0.01, 10, (0, 0.005, D / 2 - rec - 0.012)),
        )
        pw = W * rng.uniform(0.6, 0.85)
        ph = yl * rng.uniform(0.7, 0.9)
        piv = _v(0, yl - 0.005, D / 2 - rec / 2 + 0.003)
        zc = D / 2 - t / 2 - 0.002
        panel = [
            _box((pw, ph, t), (0, yl - 0.005 - ph / 2, zc), bevel=0.3 * t),
            _box((pw * 0.9, 0.01, rec / 2 + 0.003), (0, yl - 0.01, D / 2 - rec / 2 - 0.001)),
        ]
        push = float(np.arcsin(np.clip((rec - t - 0.003) / ph, 0.05, 0.5)))
        lim = (0.0, min(rng.uniform(12, 20) * DEG, push))
        bottom = _v(0, yl - 0.005 - ph + 0.01, D / 2 - 0.002)
        asm.part(
            "push_panel",
            panel,
            revolute(opening_axis(X, piv, bottom, (0, 0, -1)), piv, lim),
            [bottom, bottom + _v(0, 0.02, 0)],
            value=rest_value(rng, lim, 0.85),
        )
        if rng.random() < 0.5:
            lt = 0.01
            piv = _v(0, H, -D / 2 + 0.006)
            lid = [_box((W * 0.85, lt, D * 0.75), (0, H + lt / 2, -D / 2 + 0.006 + D * 0.375), bevel=0.003)]
            front = _v(0, H + lt, -D / 2 + 0.006 + D * 0.75)
            lim = (0.0, rng.uniform(80, 110) * DEG)
            asm.part(
                "lid",
                lid,
                revolute(opening_axis(X, piv, front, (0, 1, 0)), piv, lim),
                [front],
                value=rest_value(rng, lim, 0.85),
            )
            H = H + lt
        return asm.build(size=(W, H, D), kind=kind)
    # Paper towel: a carcass with a front cover hinged at its bottom edge; a lever on the right side.
    W, H, D = rng.uniform(0.27, 0.35), rng.uniform(0.25, 0.38), rng.uniform(0.1, 0.15)
    wall = rng.uniform(0.006, 0.01)
    asm.base(S.box_shell((W, H, D), wall, "+z", (0, H / 2, 0), bevel=0.004))
    ct = rng.uniform(0.006, 0.012)
    cover = [_box((W, H, ct), (0, H / 2, D / 2 + ct / 2), bevel=0.004)]
    if rng.random() < 0.6:  # a window to see the paper
        cover.append(_box((W * 0.3, H * 0.08, 0.002), (0, H * 0.6, D / 2 + ct + 0.001)))
    piv = _v(0, 0, D / 2)
    top = _v(0, H, D / 2 + ct)
    lim = (0.0, rng.uniform(80, 100) * DEG)
    asm.part(
        "cover",
        cover,
        revolute(opening_axis(X, piv, top, (0, 0, 1)), piv, lim),
        [top - _v(0, 0.01, 0), top - _v(W / 3, 0.01, 0)],
        value=rest_value(rng, lim, 0.85),
    )
    if rng.random() < 0.7:
        lp = _v(W / 2 + 0.006, H * rng.uniform(0.3, 0.5), -D / 4)
        ll = D * 0.75 + rng.uniform(0.02, 0.05)
        lever = [
            S.cylinder(0.01, 0.008, 16, lp, axis=X),
            _beam(lp, lp + _v(0, -0.01, ll), 0.006, 0.014, (0, 1, 0)),
            _box((0.02, 0.02, 0.02), lp + _v(0.005, -0.01, ll)),
        ]
        lim = (0.0, rng.uniform(25, 45) * DEG)
        tip = lp + _v(0.005, -0.01, ll)
        asm.part(
            "lever",
            lever,
            revolute(opening_axis(X, lp, tip, (0, -1, 0)), lp, lim),
            [tip],
            value=rest_value(rng, lim, 0.85),
        )
    return asm.build(size=(W, H, D + ct), kind=kind)


# --------------------------------------------------------------------------------- eyeglasses


@register("Eyeglasses")
def eyeglasses(rng: np.random.Generator) -> ArticulatedObject:
    """Glasses: the front (two rims with lenses, bridge, nose pads, end pieces) and two temples
    hinged about near-vertical axes at the end pieces, folding behind the lenses (0 = folded,
    ~90 deg = worn, up to 95-105 deg). The right temple folds behind the left one."""
    asm = Assembly("Eyeglasses", rng)
    wl, hl = rng.uniform(0.045, 0.058), rng.uniform(0.028, 0.048)
    b = rng.uniform(0.014, 0.022)
    shape = choose(rng, ("oval", "rect", "round"))
    sq = {"oval": 0.15, "rect": 0.7, "round": 0.0}[shape]
    if shape == "round":
        hl = wl = min(wl, hl + 0.01)
    plastic = rng.random() < 0.5
    rw = rng.uniform(0.003, 0.006) if plastic else rng.uniform(0.0012, 0.002)
    y0 = 0.0
    front = []
    for s in (-1.0, 1.0):
        cx = s * (b / 2 + wl / 2)
        e = _ellipse(wl / 2, hl / 2, 28, sq)
        lens = _extrude(e * 0.98 + _v(cx, y0)[None, :2] * 1, 0.002)
        front.append(lens)
        path = np.column_stack([e[:, 0] + cx, e[:, 1] + y0, np.zeros(len(e))])
        if plastic:
            sec = np.array([[-rw / 2, -0.002], [rw / 2, -0.002], [rw / 2, 0.002], [-rw / 2, 0.002]])
            front.append(S.sweep(path, section=sec, closed=True))
        else:
            front.append(S.sweep(path, rw, 6, closed=True))
    # Bridge and nose pads.
    br = S.torus_arc(b / 2 + 0.002, rw if not plastic else 0.002, np.pi * 0.8, np.pi * 0.1, 12, 6)
    front.append(S.translate(br, (0, y0 + hl * 0.2 - b / 2, 0)))
    if rng.random() < 0.7:
        for s in (-1.0, 1.0):
            front.append(_box((0.004, 0.012, 0.006), (s * (b / 2 + 0.003), y0 - hl * 0.1, -0.006), bevel=0.0015))
            front.append(
                _rod(
                    (s * (b / 2 + 0.001), y0 + hl * 0.05, -0.001),
                    (s * (b / 2 + 0.003), y0 - hl * 0.1, -0.005),
                    0.0007,
                    5,
                )
            )
    # End pieces, hinges and temples.
    tw, tt = (rng.uniform(0.003, 0.005), rng.uniform(0.004, 0.008)) if plastic else (0.0025, 0.0025)
    L = rng.uniform(0.13, 0.15)
    bend = rng.uniform(25, 40) * DEG
    lb = rng.uniform(0.03, 0.04)
    yh = y0 + hl * rng.uniform(0.15, 0.3)
    xe = b / 2 + wl + rw / 2 + 0.002
    e_l = rng.uniform(0.006, 0.01)
    tilt = rng.uniform(0.0, 5.0) * DEG
    limits = (0.0, rng.uniform(95, 105) * DEG)
    u = rng.random()
    rest_open = 90 * DEG if u < 0.45 else 0.0 if u < 0.8 else None
    for s, name, e in ((-1.0, "temple_left", e_l), (1.0, "temple_right", e_l + tw + 0.0015)):
        H = _v(s * xe, yh, -e)
        front.append(_box((0.006, tt + 0.002, e + 0.002), (s * (xe - 0.002), yh, -e / 2 + 0.001)))
        path = [H + _v(0, 0, 0.001), H - _v(0, 0, L - lb), H - _v(0, lb * np.sin(bend), L - lb + lb * np.cos(bend))]
        if plastic:
            sec = np.array([[-tt / 2, -tw / 2], [tt / 2, -tw / 2], [tt / 2, tw / 2], [-tt / 2, tw / 2]])
            temple = S.sweep(S.rounded_path(path, 0.02, 4), section=sec)
        else:
            temple = S.merge(
                S.sweep(S.rounded_path(path, 0.02, 4), tw / 2, 6),
                _box((0.003, tt + 0.001, 0.012), H - _v(0, 0, 0.004)),
            )
        temple = S.merge(temple, S.cylinder(0.0022, tt + 0.002, 8, H, axis=Y))
        axis = S.rotation_matrix(X, tilt) @ (-s * Y)  # left: +y (tip swings from +x to -z)
        # Built open (worn, 90 deg); the closed (folded) mesh is that turned back by 90 deg.
        temple = S.rotate(temple, axis, -90 * DEG, H)
        tip = H - _v(0, lb * np.sin(bend), L - lb + lb * np.cos(bend))
        mid = H - _v(0, 0, 0.5 * L)
        Rb = S.rotation_matrix(axis, -90 * DEG)
        g = [Rb @ (tip - H) + H, Rb @ (mid - H) + H]
        val = rest_open if rest_open is not None else float(rng.uniform(*limits))
        asm.part(name, temple, revolute(axis, H, limits), g, value=val)
    asm.base(*front)
    obj = asm.build(size=(2 * xe + 0.006, hl + 0.02, L), shape=shape, material="plastic" if plastic else "metal")
    return _grounded(obj)


# -------------------------------------------------------------------------------------- knife


def _blade_poly(length: float, v_spine: float, v_edge: float, style: str) -> np.ndarray:
    """A convex blade outline from the pivot (u = 0) out to the tip (u = length), spine at
    v_spine, edge at v_edge (counter-clockwise)."""
    if style == "drop":
        pts = [
            (0, v_edge),
            (0.7 * length, v_edge),
            (0.9 * length, v_edge + 0.3 * (v_spine - v_edge)),
            (length, v_edge + 0.65 * (v_spine - v_edge)),
            (0.82 * length, v_spine),
            (0, v_spine),
        ]
    elif style == "sheep":
        pts = [
            (0, v_edge),
            (length, v_edge),
            (length, v_edge + 0.3 * (v_spine - v_edge)),
            (0.8 * length, v_spine),
            (0, v_spine),
        ]
    elif style == "spike":
        pts = [(0, v_edge + 0.3 * (v_spine - v_edge)), (length, v_edge + 0.6 * (v_spine - v_edge)), (0, v_spine)]
    else:  # clip / spear
        pts = [
            (0, v_edge),
            (0.65 * length, v_edge),
            (length, v_edge + 0.55 * (v_spine - v_edge)),
            (0.7 * length, v_spine),
            (0, v_spine),
        ]
    return np.array(pts, float)


@register("Knife")
def knife(rng: np.random.Generator) -> ArticulatedObject:
    """A folding pocket knife (a blade turning about a pivot pin near one end of the handle, from
    folded inside the handle, 0, to open straight out, ~180 deg) or a multi-tool pocket knife
    (several blades and tools on pins at both ends, each in its own layer). The pivot axis is
    normal to the blade plane; lying flat it is vertical."""
    asm = Assembly("Knife", rng)
    multi = rng.random() < 0.35
    if multi:
        Lh, Hh, T = rng.uniform(0.084, 0.111), rng.uniform(0.022, 0.027), rng.uniform(0.012, 0.026)
    else:
        Lh, Hh, T = rng.uniform(0.08, 0.13), rng.uniform(0.016, 0.03), rng.uniform(0.009, 0.016)
    ts = rng.uniform(0.0015, 0.0035)  # scale thickness
    spacer = Hh * rng.uniform(0.18, 0.28)
    bev = min(0.4 * ts, 0.001)
    base = []
    for s in (-1.0, 1.0):
        base.append(_box((Lh, Hh, ts), (Lh / 2, Hh / 2, s * (T / 2 - ts / 2)), bevel=bev))
    ends = [0] if not multi else [0, 1]
    layers = int(rng.integers(2, 4)) if multi else 1
    ch = T - 2 * ts  # channel width
    tt = min(rng.uniform(0.0018, 0.003), ch / layers - 0.0004)
    xp = Hh * rng.uniform(0.45, 0.6)
    yp = Hh * rng.uniform(0.5, 0.55)
    # The back spacer runs between the blades' tangs (an open blade's root turns inside the handle).
    r_tang = 0.45 * (Hh - yp - 0.0006 - (spacer - yp + 0.0008))
    x0 = xp + r_tang + 0.002
    x1 = Lh - (x0 if multi else 0.002)
    base.append(_box((x1 - x0, spacer, T - 2 * ts + 0.0004), ((x0 + x1) / 2, spacer / 2, 0)))
    for e in ends:
        px = xp if e == 0 else Lh - xp
        base.append(S.cylinder(Hh * 0.12, T + 0.0008, 12, (px, yp, 0), axis=Z))
    if not multi and rng.random() < 0.5:  # a pocket clip on one scale
        base.append(_box((Lh * 0.55, 0.008, 0.0012), (Lh * 0.6, Hh * 0.6, -T / 2 - 0.0008)))
    asm.base(*base)
    v_s = Hh - yp - 0.0006
    v_e = spacer - yp + 0.0008
    n_tools = 0
    for e in ends:
        px = xp if e == 0 else Lh - xp
        for k in range(layers if multi else 1):
            if multi and e == 1 and k >= layers - 1 and rng.random() < 0.5:
                continue
            z = (-ch / 2 + tt / 2 + 0.0002 + k * (ch - tt - 0.0004) / max(layers - 1, 1)) if layers > 1 else 0.0
            main = e == 0 and k == 0
            length = Lh - xp - 0.004 if main else (Lh - xp) * rng.uniform(0.5, 0.85)
            style = choose(rng, ("drop", "clip", "sheep")) if main else choose(rng, ("drop", "sheep", "spike", "clip"))
            poly = _blade_poly(length, v_s, v_e, style)
            blade = [_extrude(poly, tt, z), S.cylinder(0.45 * (v_s - v_e), tt, 16, (0, 0, z), axis=Z)]
            if main and not multi and rng.random() < 0.5:  # thumb stud (stands proud of the spine)
                blade.append(S.cylinder(0.0018, T * 0.6, 8, (0.35 * length, v_s - 0.002, z), axis=Z))
            mesh = S.merge(blade)
            tip_u = length * 0.95
            grasp = [(tip_u, 0.5 * (v_s + v_e), z), (0.6 * length, v_s, z)]
            if e == 1:  # tools at the far end point the other way
                mesh = S.mirror(mesh, 0)
                grasp = [(-g[0], g[1], g[2]) for g in grasp]
            mesh = S.translate(mesh, (px, yp, 0))
            grasp = [_v(px + g[0], yp + g[1], g[2]) for g in grasp]
            axis = Z if e == 0 else -Z  # positive opens: the tip rises out of the channel
            lim = (0.0, (180.0 if style != "spike" else rng.uniform(150, 180)) * DEG)
            u = rng.random()
            val = 0.0 if u < 0.55 else lim[1] if u < 0.8 else float(rng.uniform(*lim))
            name = "blade" if main else asm.name("tool")
            asm.part(name, mesh, revolute(axis, (px, yp, z), lim), grasp, value=val)
            n_tools += 1
    obj = asm.build(size=(Lh, Hh, T), kind="multi" if multi else "folding")
    if rng.random() < 0.6:  # lying flat on a scale: the pivot axis vertical
        _turned(obj, S.rotation_matrix(X, -np.pi / 2))
    return _grounded(obj)
