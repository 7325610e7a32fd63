"""Building elements and luggage: Door (a room door in its frame), Window (sliding sash, casement,
awning, hopper), Suitcase.

Object frame: metres, +Y up, +Z front (the side a person stands on), standing on y = 0, centred on
x = z = 0.
"""

from __future__ import annotations

import numpy as np

from dragmesh.data import shapes as S
from dragmesh.data.categories.assembly import joint_matrix, moved_joint, prismatic, revolute
from dragmesh.data.categories.controls import assemble, make_part, posed, rest_value, transform_parts
from dragmesh.data.objects import ArticulatedObject, Part, register

X, Y, Z = np.eye(3)


def _u(rng, lo, hi):
    return float(rng.uniform(lo, hi))


def _leaf(rng, w: float, h: float, t: float, center) -> tuple:
    """A door leaf (w x h x t) at ``center``: flush, with raised/recessed panels, or with glass."""
    style = str(rng.choice(["flush", "panels", "panels", "glass"]))
    bev = _u(rng, 0.0, 0.4) * t * 0.5
    if style == "glass":
        border = (_u(rng, 0.1, 0.18),) * 2 + (_u(rng, 0.15, 0.6) * h, _u(rng, 0.1, 0.2))
        return S.window_panel((w, h, t), border, glass_thickness=0.006, center=center, bevel=bev)
    leaf = S.box((w, h, t), center, bevel=bev, bevel_segments=1)
    if style == "flush":
        return leaf
    # Panels on both faces: 2-6 rectangles standing slightly proud (raised) of the faces.
    cols = int(rng.choice([1, 2]))
    rows = int(rng.choice([2, 3])) if cols == 2 else int(rng.choice([2, 3, 4, 5]))
    m = _u(rng, 0.08, 0.14)
    pw = (w - m * (cols + 1)) / cols
    ph = (h - m * (rows + 1)) / rows
    panels = []
    for i in range(cols):
        for k in range(rows):
            cx = center[0] - w / 2 + m + pw / 2 + i * (pw + m)
            cy = center[1] - h / 2 + m + ph / 2 + k * (ph + m)
            for sz in (-1, 1):
                panels.append(S.box((pw, ph, 0.006), (cx, cy, center[2] + sz * (t / 2 + 0.003)), bevel=0.002, bevel_segments=1))
    return S.merge(leaf, *panels)


def _door_handle(rng, at, sx: float, t: float, kind: str):
    """Handle hardware on both faces of a leaf at ``at`` (leaf centre plane); ``sx`` is the direction
    from the handle towards the hinge side (levers point that way). Returns (mesh, grasp, local
    rotation axis for the handle joint (the leaf normal), limits)."""
    meshes, grasp = [], []
    if kind == "lever":
        L = _u(rng, 0.11, 0.16)
        for sz in (-1, 1):
            face = at + Z * sz * t / 2
            m = S.lever_handle(L, _u(rng, 0.008, 0.011), _u(rng, 0.025, 0.035), _u(rng, 0.05, 0.07))
            # Built along +x pointing away; mirror so the grip points towards the hinge side.
            if sx < 0:
                m = S.mirror(m, 0)
            meshes.append(S.orient(m, Z * sz, Y, face) if sz > 0 else S.orient(S.mirror(m, 0), Z * sz, Y, face))
            grasp.append(face + Z * sz * 0.06 + X * sx * 0.8 * L)
    else:  # knob
        r = _u(rng, 0.025, 0.035)
        for sz in (-1, 1):
            face = at + Z * sz * t / 2
            rose = S.cylinder(0.03, 0.008, 24, (0, 0, 0.004), axis=Z)
            k = S.translate(S.knob(r, _u(rng, 0.05, 0.07), "ball", 20), (0, 0, 0.006))
            meshes.append(S.orient(S.merge(rose, k), Z * sz, Y, face))
            grasp.append(face + Z * sz * 0.06 + Y * r * 0.8)
    return S.merge(meshes), grasp


@register("Door")
def door(rng: np.random.Generator) -> ArticulatedObject:
    """A room door in its frame (jambs and head, sometimes a piece of wall around it): one or two
    leaves hinged at a side (vertical axis on the push or pull face), or a sliding leaf; a lever or
    knob on the side opposite the hinge, turning about the leaf's normal, carried by the leaf."""
    double = rng.random() < 0.15
    sliding = not double and rng.random() < 0.15
    leaf_w = _u(rng, 0.7, 0.95) if not double else _u(rng, 0.55, 0.8)
    h = _u(rng, 1.95, 2.2)
    t = _u(rng, 0.035, 0.055)
    opening_w = leaf_w * (2 if double else 1) + 0.006
    fw, fd = _u(rng, 0.04, 0.1), _u(rng, 0.1, 0.2)  # frame width, depth (wall thickness)
    base = [
        S.box((fw, h + fw, fd), (-(opening_w / 2 + fw / 2), (h + fw) / 2, 0), bevel=0.004),
        S.box((fw, h + fw, fd), (opening_w / 2 + fw / 2, (h + fw) / 2, 0), bevel=0.004),
        S.box((opening_w + 2 * fw, fw, fd), (0, h + fw / 2, 0), bevel=0.004),
    ]
    if rng.random() < 0.3:  # wall around the frame
        ww = opening_w + 2 * fw + _u(rng, 0.3, 1.2)
        wh = h + fw + _u(rng, 0.2, 0.6)
        base.append(S.frame((ww, wh, fd * 0.9), (ww / 2 - opening_w / 2 - fw, ww / 2 - opening_w / 2 - fw, 0.0, wh - h - fw), (0, wh / 2, 0)))
    if rng.random() < 0.4:  # stop moulding inside the frame
        base.append(S.box((opening_w, 0.015, 0.02), (0, h - 0.0075, -t / 2 - 0.012)))
    parts: list[Part] = []
    parents: dict[int, int] = {}
    push = float(rng.choice([-1, 1]))  # which face the leaf swings towards (+Z or -Z)
    leaves = [(-1.0, leaf_w / 2 - opening_w / 2 + 0.003), (1.0, opening_w / 2 - leaf_w / 2 - 0.003)] if double else \
        [(float(rng.choice([-1, 1])), 0.0)]
    for n, (hinge_side, cx) in enumerate(leaves):
        leaf_c = np.array([cx, 0.01 + h / 2 - 0.005, 0.0])
        leaf = _leaf(rng, leaf_w, h - 0.015, t, leaf_c)
        # Handle on the side opposite the hinge, about 1 m up.
        hx = cx - hinge_side * (leaf_w / 2 - _u(rng, 0.06, 0.09))
        at = np.array([hx, _u(rng, 0.95, 1.1), 0.0])
        kind = str(rng.choice(["lever", "lever", "knob"]))
        handle_mesh, grasp = _door_handle(rng, at, hinge_side, t, kind)
        if sliding:
            travel = leaf_w * _u(rng, 0.7, 1.0)
            # A barn / pocket slider runs in front of the wall towards the hinge side's opposite.
            leaf = S.translate(leaf, (0, 0, fd / 2 + t / 2 + 0.01))
            handle_mesh = S.translate(handle_mesh, (0, 0, fd / 2 + t / 2 + 0.01))
            grasp = [g + (0, 0, fd / 2 + t / 2 + 0.01) for g in grasp]
            base.append(S.box((opening_w * 2.1, 0.05, 0.03), (hinge_side * opening_w * 0.5, h + fw + 0.03, fd / 2 + 0.02)))  # rail
            joint = prismatic(X * hinge_side, leaf_c, (0.0, travel))
            # The pull is part of the sliding leaf.
            parts.append(make_part(f"leaf_{n}", S.merge(leaf, handle_mesh), joint, grasp, rest_value(rng, (0, travel), 0.6)))
            continue
        # Hinge line: the leaf's hinge-side edge, on the face it swings towards.
        hinge = np.array([cx + hinge_side * leaf_w / 2, 0.0, push * t / 2])
        ang = np.deg2rad(_u(rng, 90, 110))
        # Positive values swing the free edge (at -hinge_side * x from the hinge) towards `push`.
        axis = Y * push * hinge_side
        leaf_part = make_part(f"leaf_{n}", leaf, revolute(axis, hinge, (0.0, ang)), grasp)
        h_ang = np.deg2rad(_u(rng, 35, 50)) if kind == "lever" else np.deg2rad(_u(rng, 60, 90))
        # The lever's grip points to the hinge side; pressing it down turns about the leaf normal.
        h_axis = -Z * hinge_side if kind == "lever" else Z
        h_lim = (0.0, h_ang) if kind == "lever" else (-h_ang, h_ang)
        handle = make_part(f"handle_{n}", handle_mesh, revolute(h_axis, at, h_lim), grasp)
        # The handle rides on the leaf: pose both, move the handle's joint with the leaf.
        v = rest_value(rng, (0, ang), 0.55)
        posed(leaf_part, v)
        T = joint_matrix(leaf_part.joint, v)
        handle.vertices = handle.vertices @ T[:3, :3].T + T[:3, 3]
        handle.grasp = handle.grasp @ T[:3, :3].T + T[:3, 3]
        handle.joint = moved_joint(handle.joint, T)
        parts.append(leaf_part)
        parts.append(handle)
        parents[len(parts)] = len(parts) - 1  # object index of the handle -> the leaf's (base = 0)
    return assemble("Door", rng, base, parts, parents)


# -------------------------------------------------------------------------------- Window


def _sash(rng, w: float, h: float, t: float, center, panes: tuple[int, int] = (1, 1)):
    """A sash: frame with glass, optional glazing bars."""
    b = _u(rng, 0.035, 0.07)
    mesh = S.window_panel((w, h, t), b, glass_thickness=0.005, center=center, bevel=_u(rng, 0.0, 0.004))
    cols, rows = panes
    bars = []
    for i in range(1, cols):
        x = center[0] - w / 2 + b + (w - 2 * b) * i / cols
        bars.append(S.box((0.02, h - 2 * b, t * 0.6), (x, center[1], center[2])))
    for k in range(1, rows):
        y = center[1] - h / 2 + b + (h - 2 * b) * k / rows
        bars.append(S.box((w - 2 * b, 0.02, t * 0.6), (center[0], y, center[2])))
    return S.merge(mesh, *bars), b


@register("Window")
def window(rng: np.random.Generator) -> ArticulatedObject:
    """A window frame with sashes: sliding (horizontal or vertical, on offset tracks), casement
    (vertical hinge at a side, opening outwards), awning (hinge at the top, bottom swings out) or
    hopper (hinge at the bottom, top tilts in); handles on the sash's free side."""
    kind = str(rng.choice(["slide_h", "slide_v", "casement", "casement", "awning", "hopper"]))
    W, H = _u(rng, 0.6, 1.6), _u(rng, 0.6, 1.6)
    fb, fd = _u(rng, 0.04, 0.09), _u(rng, 0.07, 0.16)
    sill_y = _u(rng, 0.0, 0.9)
    base = [S.frame((W, H, fd), fb, (0, sill_y + H / 2, 0))]
    if rng.random() < 0.5:  # a sill
        base.append(S.box((W + 0.06, 0.03, fd + 0.08), (0, sill_y + 0.015, 0.04), bevel=0.005))
    ow, oh = W - 2 * fb, H - 2 * fb
    oy = sill_y + H / 2
    st = _u(rng, 0.035, 0.06)
    panes = (int(rng.integers(1, 3)), int(rng.integers(1, 3))) if rng.random() < 0.3 else (1, 1)
    parts: list[Part] = []
    if kind in ("slide_h", "slide_v"):
        n = 2
        horiz = kind == "slide_h"
        sw = ow / 2 + 0.03 if horiz else ow
        sh = oh if horiz else oh / 2 + 0.03
        both = rng.random() < 0.5
        for k in range(n):
            off = (k - 0.5) * (ow / 2 - 0.03) if horiz else 0.0
            offy = 0.0 if horiz else (k - 0.5) * (oh / 2 - 0.03)
            zc = (0.5 - k) * (st + 0.004)
            c = np.array([off, oy + offy, zc])
            sash, b = _sash(rng, sw, sh, st, c, panes)
            moving = both or k == 0
            if not moving:
                base.append(sash)
                continue
            # Slides towards the other sash's side; opens by 50-100% of its width/height.
            d = (X if k == 0 else -X) if horiz else (Y if k == 0 else -Y)
            travel = (sw if horiz else sh) * _u(rng, 0.5, 0.95)
            pull_at = c + (-d * (sw / 2 - b / 2) if horiz else -d * (sh / 2 - b / 2)) + Z * (st / 2) * (1 if k == 0 else -1)
            pull = S.orient(S.bar_handle(0.1, 0.02, 0.006), Z if k == 0 else -Z, Y if horiz else X, pull_at) if rng.random() < 0.6 else None
            mesh = S.merge(sash, pull)
            parts.append(make_part(f"sash_{k}", mesh, prismatic(d, c, (0, travel)), [pull_at + Z * 0.02 * (1 if k == 0 else -1)],
                                   rest_value(rng, (0, travel), 0.6)))
    else:
        nsash = 2 if kind == "casement" and ow > 0.9 and rng.random() < 0.6 else 1
        sw = ow / nsash - 0.004
        sh = oh - 0.004
        for k in range(nsash):
            cx = -ow / 2 + sw / 2 + 0.002 + k * (sw + 0.004)
            c = np.array([cx, oy, 0.0])
            sash, b = _sash(rng, sw, sh, st, c, panes)
            if kind == "casement":
                side = (-1.0 if k == 0 else 1.0) if nsash == 2 else float(rng.choice([-1, 1]))
                out = 1.0 if rng.random() < 0.7 else -1.0  # outward (-Z, the outside) or inward
                hinge = np.array([cx + side * sw / 2, oy, -out * st / 2])
                axis = -Y * out * side  # positive swings the free edge towards -out * z
                ang = np.deg2rad(_u(rng, 70, 100))
                free = c - X * side * (sw / 2 - b / 2)
            elif kind == "awning":  # hinge along the top, bottom swings outwards (-Z)
                hinge = np.array([cx, oy + sh / 2, -st / 2])
                axis = X
                ang = np.deg2rad(_u(rng, 30, 70))
                free = c - Y * (sh / 2 - b / 2)
            else:  # hopper: hinge along the bottom, top tilts inwards (+Z)
                hinge = np.array([cx, oy - sh / 2, st / 2])
                axis = X
                ang = np.deg2rad(_u(rng, 15, 45))
                free = c + Y * (sh / 2 - b / 2)
            handle = None
            if rng.random() < 0.7:
                hl = S.lever_handle(_u(rng, 0.06, 0.1), 0.006, 0.015, 0.03)
                handle = S.orient(hl, Z, Y, free + Z * st / 2)
            mesh = S.merge(sash, handle)
            parts.append(make_part(f"sash_{k}", mesh, revolute(axis, hinge, (0.0, ang)), [free + Z * (st / 2 + 0.03)],
                                   rest_value(rng, (0, ang), 0.55)))
    return assemble("Window", rng, base, parts)


# ------------------------------------------------------------------------------ Suitcase


@register("Suitcase")
def suitcase(rng: np.random.Generator) -> ArticulatedObject:
    """Hard or soft suitcase: a telescopic handle sliding up out of the back (prismatic), a carry
    handle that flips up (revolute about its base line), and the front shell opening along a long
    side (revolute); standing on its wheels, or sometimes lying on its back."""
    w, d, h = _u(rng, 0.33, 0.5), _u(rng, 0.18, 0.3), _u(rng, 0.45, 0.8)
    bev = _u(rng, 0.02, 0.07)
    wheel_h = _u(rng, 0.03, 0.07)
    split = _u(rng, 0.3, 0.55)  # fraction of the depth in the front shell
    front_d = d * split
    back_d = d - front_d
    y0 = wheel_h
    zb = -d / 2 + back_d / 2
    zf = d / 2 - front_d / 2
    # Two hollow shells meeting at the split plane, their rims facing each other.
    wall = _u(rng, 0.006, 0.02)
    back = S.box_shell((w, h, back_d), wall, "+z", (0, y0 + h / 2, zb), bevel=min(bev, 0.99 * wall))
    front = S.box_shell((w, h, front_d), wall, "-z", (0, y0 + h / 2, zf), bevel=min(bev, 0.99 * wall))
    base = [back]
    for sx in (-1, 1):  # spinner wheels at the four corners; the front pair rides on the front shell
        for sz in (-1, 1):
            c = np.array([sx * (w / 2 - 0.04), wheel_h / 2, sz * (d / 2 - 0.04)])
            wheel = S.merge(S.cylinder(wheel_h / 2, 0.02, 16, c, axis=X), S.box((0.03, 0.02, 0.04), c + (0, wheel_h / 2, 0)))
            if sz < 0:
                base.append(wheel)
            else:
                front = S.merge(front, wheel)
    parts: list[Part] = []
    if rng.random() < 0.5:  # ribs on hard shells
        ribs = [S.box((0.02, h * 0.9, 0.006), (x, y0 + h / 2, d / 2)) for x in np.linspace(-w / 3, w / 3, int(rng.integers(2, 5)))]
        front = S.merge(front, *ribs)
    side = float(rng.choice([-1, 1]))
    split_z = -d / 2 + back_d
    ang = np.deg2rad(_u(rng, 90, 180))
    # Free edge at -side * x: positive rotation swings it forward (+Z).
    lid = make_part("front_shell", front, revolute(Y * side, (side * w / 2, y0, split_z), (0, ang)),
                    [(-side * (w / 2 - 0.02), y0 + h / 2, d / 2)])
    parts.append(lid)
    # Telescopic handle: grip on top of the back shell, rods hidden inside it.
    gw = _u(rng, 0.2, 0.35) * (w / 0.4)
    gw = min(gw, w - 0.06)
    gy = y0 + h + 0.015
    rod_len = h * 0.85
    zr = zb - back_d * 0.2
    grip = S.box((gw, 0.03, 0.03), (0, gy + 0.015, zr), bevel=0.01)
    rods = [S.box((0.02, rod_len, 0.015), (sx * (gw / 2 - 0.015), gy - rod_len / 2, zr)) for sx in (-1, 1)]
    travel = _u(rng, 0.25, 0.55)
    telescopic = rng.random() < 0.85
    if telescopic:
        tele = make_part("telescopic_handle", S.merge(grip, *rods), prismatic(Y, (0, gy, zr), (0, travel)), [(0, gy + 0.03, zr)])
        parts.append(posed(tele, rest_value(rng, (0, travel), 0.6)))
    # Carry handle on the back shell's top (when the top is free) or side, lying flat, flipping up
    # about its base line.
    if not telescopic or rng.random() < 0.7:
        L = _u(rng, 0.12, 0.2)
        flat = np.pi / 2 * _u(rng, 0.85, 0.95)
        if not telescopic and rng.random() < 0.7:
            at = np.array([0, y0 + h, zb])
            standing = S.orient(S.loop_handle(L, 0.03, 0.008, flat=True), Y, X, at)
            axis, grip = X, at + Y * 0.03
        else:
            sx = float(rng.choice([-1, 1]))
            at = np.array([sx * w / 2, y0 + h / 2, zb])
            standing = S.orient(S.loop_handle(L, 0.03, 0.008, flat=True), X * sx, Y, at)
            axis, grip = Y, at + X * sx * 0.03
        j = revolute(axis, at, (0.0, flat))
        carry = make_part("carry_handle", standing, j, [grip])
        carry.value = flat  # built standing up; laid flat at value 0
        parts.append(posed(carry, 0.0))
    posed(lid, rest_value(rng, (0, ang), 0.7))
    obj = assemble("Suitcase", rng, base, parts)
    if rng.random() < 0.2:  # lying on its back, lid up
        M = np.eye(4)
        M[:3, :3] = S.rotation_matrix(X, -np.pi / 2)
        M[:3, 3] = (0, d / 2, 0)
        transform_parts(obj.parts, M)
        lo = min(p.vertices[:, 1].min() for p in obj.parts)
        M = np.eye(4)
        M[1, 3] = -lo
        transform_parts(obj.parts, M)
    return obj
