"""Containers: Safe, Laptop, Box (chests, cases, cardboard boxes, sliding-lid boxes), TrashCan.

Lids hinge at their back edge (laptop screen: along the back top edge of the base), at the lid's
lower edge so no point of the lid dips into the base while it opens; a safe door carries its dial
and lever as parts of their own (``meta["parents"]``).
"""

from __future__ import annotations

import numpy as np

from dragmesh.data import shapes as S
from dragmesh.data.categories.assembly import Assembly, opening_axis, prismatic, revolute
from dragmesh.data.categories.controls import button_part
from dragmesh.data.categories.fronts import choose, hinged_door, placed_handle, top_frame
from dragmesh.data.objects import ArticulatedObject, register

# --------------------------------------------------------------------------------------- safe


@register("Safe")
def safe(rng: np.random.Generator) -> ArticulatedObject:
    """A safe: thick-walled body, a thick door hinged at a vertical side edge, a combination dial or
    keypad and a lever (10-18 cm) or three-spoke wheel (12-20 cm across) on the door, below the dial,
    all parts carried by the door; the handle turns about the door's normal, positive pressing the
    lever's grip down or pulling the wheel's top spoke towards the hinge, and what it sweeps stays on
    the door, clear of the dial or keypad (a wheel that does not fit becomes a lever)."""
    asm = Assembly("Safe", rng)
    W, D = rng.uniform(0.3, 0.6), rng.uniform(0.3, 0.6)
    H = rng.uniform(0.3, 0.65)
    wall = rng.uniform(0.03, min(0.08, 0.15 * min(W, H)))
    door_t = rng.uniform(0.03, 0.08)
    inset = rng.random() < 0.5
    foot = rng.uniform(0.01, 0.03) if rng.random() < 0.4 else 0.0
    zb = -D / 2
    zf = D / 2 - (0.0 if inset else door_t + 0.002)
    y0, y1 = foot, H
    bevel = rng.uniform(0.0, min(0.015, 0.5 * wall))
    asm.base(
        S.box_shell(
            (W, y1 - y0, zf - zb),
            (wall, wall, wall, wall, wall, 0.0),
            "+z",
            (0, (y0 + y1) / 2, (zb + zf) / 2),
            bevel=bevel,
        )
    )
    if foot:
        for x in (-W / 2 + 0.04, W / 2 - 0.04):
            for z in (zb + 0.04, zf - 0.04):
                asm.base(S.box((0.04, foot, 0.04), (x, foot / 2, z)))
    if rng.random() < 0.6:  # an inner shelf
        asm.base(
            S.box(
                (W - 2 * wall, 0.01, zf - zb - wall - door_t - 0.02),
                (0, (y0 + y1) / 2, zb + wall + (zf - zb - wall - door_t) / 2 - 0.01),
            )
        )
    hinge = choose(rng, ("left", "right"))
    if inset:
        g = 0.003
        rect = (-W / 2 + wall + g, W / 2 - wall - g, y0 + wall + g, y1 - wall - g)
        z0 = zf - door_t
    else:
        rect = (-W / 2, W / 2, y0, y1)
        z0 = zf + 0.002
    x0, x1, dy0, dy1 = rect
    zfront = z0 + door_t
    # Hinge knuckles on the hinge line (they turn with the door, about their own axis).
    hx = x0 if hinge == "left" else x1
    kr = rng.uniform(0.008, 0.014)
    kn = [S.cylinder(kr, 0.05, 12, (hx, dy0 + (dy1 - dy0) * f, zfront + kr)) for f in (0.2, 0.8)]
    style = choose(rng, ("flat", "bevel", "raised"))
    door = hinged_door(
        asm,
        rng,
        "door",
        rect,
        z0,
        door_t,
        hinge,
        style=style,
        handle_style="none",
        extra=kn,
        hinge_offset=kr,
        limits_deg=(90.0, 110.0),
    )
    # Dial or keypad and a lever / spoked handle, carried by the door (in its closed frame).
    free_x = x1 if hinge == "left" else x0
    sgn = 1.0 if hinge == "left" else -1.0
    cx = (x0 + x1) / 2 + sgn * 0.1 * (x1 - x0)
    cy = dy0 + 0.62 * (dy1 - dy0)
    if rng.random() < 0.6:
        r = rng.uniform(0.025, min(0.045, 0.15 * (x1 - x0)))
        ring = S.tube(1.35 * r, 1.05 * r, 0.006, 32, (cx, cy, zfront + 0.003), axis=(0, 0, 1))
        dial = S.merge(
            S.knob(r, rng.uniform(0.012, 0.025), "cylinder", 32), S.box((0.004, 0.3 * r, 0.004), (0, 0.8 * r, 0.02))
        )
        dial = S.translate(dial, (cx, cy, zfront + 0.001))
        c = np.array([cx, cy, zfront])
        asm.part(
            "dial",
            S.merge(dial, ring),
            revolute((0, 0, 1), c, None),
            [c + (r, 0, 0.015), c + (-r, 0, 0.015), c + (0, r, 0.015)],
            parent=door,
        )
        controls_bottom = cy - 1.35 * r
    else:  # a keypad: a grid of buttons on the door
        kw = min(0.08, 0.35 * (x1 - x0))
        for i in range(3):
            for j in range(3 if rng.random() < 0.5 else 4):
                at = (cx - kw / 2 + (i + 0.5) * kw / 3, cy + 0.04 - j * kw / 3.2, zfront)
                asm.add(button_part(rng, at, size=kw / 4.5, name=asm.name("key"), round_=False), parent=door)
        controls_bottom = cy + 0.04 - 3 * kw / 3.2 - kw / 9  # under a 4th row of keys
    # The handle below the dial / keypad, near the free edge, turning about its shaft (the door's
    # normal); what it sweeps stays on the door and clear of the dial or keypad.
    hy = dy0 + 0.38 * (dy1 - dy0)
    hxp = free_x - sgn * min(0.07, 0.22 * (x1 - x0))
    wheel = rng.random() >= 0.5
    if wheel:  # a three-spoke wheel, 12-20 cm across its knobs, if it fits
        ko = 0.011  # knob radius at the spoke ends
        fit = min((controls_bottom - 0.01 - dy0 - 0.005) / 2, (x1 - x0) / 2 - 0.01) - ko
        R = min(rng.uniform(0.05, 0.09), fit)  # spoke length
        wheel = R >= 0.04
    if wheel:
        wy = float(np.clip(hy, dy0 + 0.005 + R + ko, controls_bottom - 0.01 - R - ko))
        c = np.array([free_x - sgn * (R + ko + 0.01), wy, zfront])
        spokes = [S.cylinder(0.012, 0.03, 12, (0, 0, 0.015), axis=(0, 0, 1))]
        for k in range(3):
            a = np.pi / 2 + 2 * np.pi * k / 3
            d = np.array([np.cos(a), np.sin(a), 0.0])
            spokes.append(S.sweep([(0, 0, 0.03), tuple(R * d + (0, 0, 0.03))], 0.006, 8))
            spokes.append(S.translate(S.knob(ko, 0.02, "ball", 10), R * d + (0, 0, 0.02)))
        # Positive turns the top spoke towards the hinge, as a hand pulls the wheel round.
        top = c + (0, R, 0.03)
        axis = opening_axis((0, 0, 1), c, top, (-sgn, 0, 0))
        asm.part(
            "wheel",
            S.translate(S.merge(spokes), c),
            revolute(axis, c, (0.0, np.deg2rad(rng.uniform(60, 120)))),
            [top, c + (R * 0.87, -R / 2, 0.03)],
            parent=door,
        )
    else:  # a lever (10-18 cm) turning about its rose; its tip stays above the door's bottom edge
        lr, so = rng.uniform(0.007, 0.011), rng.uniform(0.03, 0.05)
        ang = np.deg2rad(rng.uniform(45, 90))
        room = hy - dy0 - 0.005
        L = min(rng.uniform(0.1, 0.18), 0.6 * (x1 - x0), room / np.sin(ang) - lr)
        if L < 0.06:
            L = min(0.06, 0.6 * (x1 - x0))
            ang = float(np.arcsin(min(1.0, room / (L + lr))))
        c = np.array([hxp, hy, zfront])
        lever = S.lever_handle(L, lr, rng.uniform(0.018, 0.03), so)  # grip along +x
        lever = S.orient(
            S.mirror(lever, 0) if hinge == "left" else lever, (0, 0, 1), (0, 1, 0), c
        )  # grip toward the hinge
        tip = c + (-sgn * 0.8 * L, 0, so + lr)
        axis = opening_axis((0, 0, 1), c, tip, (0, -1, 0))  # pressing the grip down opens
        asm.part(
            "lever",
            lever,
            revolute(axis, c, (0.0, ang)),
            [tip, c + (-sgn * 0.4 * L, 0, so + lr)],
            parent=door,
        )
    return asm.build(size=(W, H, D), inset=inset)


# ------------------------------------------------------------------------------------- laptop


@register("Laptop")
def laptop(rng: np.random.Generator) -> ArticulatedObject:
    """A laptop: base with keyboard and touchpad, screen lid hinged along the back top edge of the
    base; at rest closed, open about 90-120 degrees, or anywhere between."""
    asm = Assembly("Laptop", rng)
    W, D = rng.uniform(0.28, 0.4), rng.uniform(0.19, 0.27)
    tb = rng.uniform(0.01, 0.02)
    tl = rng.uniform(0.004, 0.008)
    gap = rng.uniform(0.0015, 0.003)
    r = min(rng.uniform(0.001, 0.006), 0.45 * tb)
    asm.base(S.box((W, tb, D), (0, tb / 2, 0), bevel=r, bevel_segments=2))
    # Keyboard: keys in a shallow field, touchpad in front of it.
    kw, kd = W * rng.uniform(0.8, 0.9), D * rng.uniform(0.38, 0.5)
    kz = -D / 2 + D * rng.uniform(0.06, 0.1) + kd / 2
    if rng.random() < 0.6:
        cols, rows = int(rng.integers(12, 16)), int(rng.integers(5, 7))
        pw, pd = kw / cols, kd / rows
        keys = [
            S.box((0.8 * pw, 0.001, 0.8 * pd), (-kw / 2 + (i + 0.5) * pw, tb + 0.0005, kz - kd / 2 + (j + 0.5) * pd))
            for i in range(cols)
            for j in range(rows)
        ]
        asm.base(S.merge(keys))
    else:
        asm.base(S.box((kw, 0.0008, kd), (0, tb + 0.0004, kz)))
    tw, td = W * rng.uniform(0.25, 0.4), D * rng.uniform(0.2, 0.3)
    tz = kz + kd / 2 + (D / 2 - kz - kd / 2) / 2
    td = min(td, 0.8 * (D / 2 - kz - kd / 2))
    pad = S.rotate(S.frame((tw, td, 0.0006), 0.002), (1, 0, 0), -np.pi / 2)  # touchpad outline, lying flat
    asm.base(S.translate(pad, (0, tb + 0.0003, tz)))
    # Lid: shell with the screen on its inner (lower) face, hinged at the back top edge of the base.
    ld = D - rng.uniform(0.0, 0.01)
    lz0 = -D / 2
    lid = [S.box((W, tl, ld), (0, tb + gap + tl / 2, lz0 + ld / 2), bevel=min(r, 0.45 * tl), bevel_segments=1)]
    bez = rng.uniform(0.005, 0.02)
    lid.append(
        S.box((W - 2 * bez, 0.0005, ld - 2 * bez - 0.01), (0, tb + gap + 0.00015, lz0 + ld / 2 + 0.005))
    )  # screen
    pivot = np.array([0.0, tb, lz0])
    free = np.array([0.0, tb + gap + tl, lz0 + ld])
    axis = opening_axis((1, 0, 0), pivot, free, (0, 1, 0))
    upper = np.deg2rad(rng.uniform(110, 170))
    u = rng.random()
    value = 0.0 if u < 0.4 else float(np.deg2rad(rng.uniform(90, 125))) if u < 0.8 else float(rng.uniform(0, upper))
    value = min(value, upper)
    grasp = [free, free + (0.35 * W, 0, 0), free - (0.35 * W, 0, 0)]
    asm.part("lid", S.merge(lid), revolute(axis, pivot, (0.0, upper)), grasp, value=value)
    return asm.build(size=(W, tb + gap + tl, D))


# ---------------------------------------------------------------------------------------- box


def _half_cylinder(length: float, radius: float, segments: int = 12) -> S.Mesh:
    """Solid half cylinder along x, flat face down on y = 0, curved side up."""
    a = np.linspace(np.pi, 0.0, segments + 1)
    # A straight path along +x sweeps with N = +y, B = +z; counter-clockwise in (N, B).
    sec = np.stack([radius * np.sin(a), radius * np.cos(a)], 1)
    return S.sweep([(-length / 2, 0, 0), (length / 2, 0, 0)], section=sec)


@register("Box")
def box(rng: np.random.Generator) -> ArticulatedObject:
    """A box, chest or case: an open-top body with a lid hinged at the back top edge (flat, rimmed or
    domed), two cardboard flaps, or a lid sliding out along grooves."""
    asm = Assembly("Box", rng)
    W = float(np.exp(rng.uniform(np.log(0.1), np.log(1.0))))
    D = W * rng.uniform(0.55, 1.0)
    H = D * rng.uniform(0.4, 1.1)
    kind = choose(rng, ("flat", "rim", "dome", "flaps", "slide"), [3, 3, 1, 1, 1])
    t = max(0.003, min(rng.uniform(0.03, 0.08) * min(W, D), 0.03))
    if kind == "flaps":
        t = max(0.002, 0.008 * W)
    lid_t = max(0.003, min(rng.uniform(0.03, 0.08) * min(W, D), 0.04))
    hb = H - (lid_t if kind in ("flat", "slide") else 0.0)
    if kind == "rim":
        rim = H * rng.uniform(0.15, 0.35)
        hb = H - rim
    if kind == "dome":
        hb = H - min(0.5 * D * rng.uniform(0.5, 0.9), 0.45 * H)
    bevel = min(rng.uniform(0.0, 0.3), 0.9) * t if kind != "flaps" else 0.0
    asm.base(S.box_shell((W, hb, D), t, "+y", (0, hb / 2, 0), bevel=bevel))
    scale = float(np.clip(W / 0.5, 0.25, 1.2))
    if kind in ("flat", "rim", "dome"):
        if kind == "flat":
            ov = rng.uniform(0.0, 0.02) * scale
            rect = (-W / 2 - ov, W / 2 + ov, -D / 2 - ov, D / 2)
            hinged_door(
                asm,
                rng,
                "lid",
                rect,
                0.001,
                lid_t,
                "top",
                frame=top_frame(hb),
                style=choose(rng, ("flat", "bevel", "raised")),
                handle_style=choose(rng, ("none", "knob", "bar", "lip", "loop")),
                handle_scale=scale,
                handle_span=0.3 * W,
                limits_deg=(100.0, 180.0),
            )
        else:
            if kind == "rim":
                lid_m = S.box_shell((W, rim, D), min(t, 0.45 * rim), "-y", (0, hb + 0.001 + rim / 2, 0), bevel=bevel)
                top_y = hb + rim
            else:
                R = H - hb
                lid_m = S.translate(_half_cylinder(W, 1.0, 14), (0, hb + 0.001, 0))
                v = lid_m[0].copy()
                v[:, 1] = hb + 0.001 + (v[:, 1] - hb - 0.001) * R
                v[:, 2] = v[:, 2] * D / 2
                lid_m = (v, lid_m[1])
                top_y = hb + R
            meshes = [lid_m]
            hm, hg = placed_handle(
                rng,
                choose(rng, ("knob", "lip", "bow")),
                0.25 * W,
                (0, hb + 0.6 * (top_y - hb), D / 2),
                (1, 0, 0),
                scale,
            )
            grasp = [np.array([0, top_y if kind == "rim" else hb + 0.5 * (top_y - hb), D / 2])]
            if hm is not None:
                meshes.append(hm)
                grasp.insert(0, hg)
            pivot = np.array([0.0, hb, -D / 2])
            axis = opening_axis((1, 0, 0), pivot, (0, hb, D / 2), (0, 1, 0))
            asm.part("lid", S.merge(meshes), revolute(axis, pivot, (0.0, np.deg2rad(rng.uniform(95, 180)))), grasp)
    elif kind == "flaps":
        four = rng.random() < 0.4
        ft = t
        top = hb + 0.001 + ft
        for side in (-1, 1):  # left and right flaps, each half the width, hinged at the side walls' top
            fw = W / 2 - 0.002
            m = S.box((fw, ft, D - 0.002), (side * (W / 2 - fw / 2), top - ft / 2, 0))
            pivot = np.array([side * W / 2, top, 0.0])
            axis = opening_axis((0, 0, 1), pivot, (0, top, 0), (0, 1, 0))
            upper = np.deg2rad(rng.uniform(180, 260))
            c = np.array([side * 0.02, top, 0.0])
            value = upper * rng.uniform(0.6, 1.0) if four else None  # open, so the flaps under them can move
            joint = revolute(axis, pivot, (0.0, upper))
            asm.part(asm.name("flap"), m, joint, [c, c + (0, 0, 0.3 * D)], value=value, p_open=0.5)
        if four:  # front and back flaps under the side ones, hinged at the inner top edge of their wall
            for side in (-1, 1):
                fd = D / 2 - t - 0.002
                m = S.box((W - 2 * t - 0.004, ft, fd), (0, hb - ft / 2, side * (D / 2 - t - fd / 2)))
                pivot = np.array([0.0, hb, side * (D / 2 - t)])
                axis = opening_axis((1, 0, 0), pivot, (0, hb, 0), (0, 1, 0))
                c = np.array([0.0, hb, side * 0.02])
                joint = revolute(axis, pivot, (0.0, np.deg2rad(rng.uniform(150, 180))))
                asm.part(asm.name("flap"), m, joint, [c, c + (0.3 * W, 0, 0)], p_open=0.3)
    else:  # sliding lid in grooves, pulled out toward the front
        g = 0.0015
        lw = W - t
        m = [
            S.box((lw - 2 * g, lid_t - 0.001, D - t / 2 - 0.001), (0, hb + 0.001 + (lid_t - 0.001) / 2, t / 4 + 0.0005))
        ]
        for sx in (-1, 1):  # groove rails on the body
            asm.base(S.box((t / 2, lid_t, D), (sx * (W / 2 - t / 4), hb + lid_t / 2, 0)))
        asm.base(S.box((W, lid_t, t / 2), (0, hb + lid_t / 2, -D / 2 + t / 4)))
        m.append(S.box((0.25 * lw, 0.004, 0.01), (0, hb + lid_t + 0.002, D / 2 - 0.03)))
        c = np.array([0.0, hb + lid_t, D / 2 - 0.02])
        asm.part(
            "lid", S.merge(m), prismatic((0, 0, 1), c, (0.0, D * rng.uniform(0.5, 0.95))), [c, c - (0, 0, 0.3 * D)]
        )
    # Side handles on the body (chests, crates).
    if W > 0.3 and rng.random() < 0.4:
        style = choose(rng, ("bar", "loop", "bow"))
        for sx in (-1, 1):
            hm, _ = placed_handle(
                rng, style, min(0.15, 0.4 * D), (sx * W / 2, 0.7 * hb, 0), (0, 0, 1), scale, normal=(sx, 0, 0)
            )
            asm.base(hm)
    return asm.build(size=(W, H, D), kind=kind)


# ----------------------------------------------------------------------------------- trash can


@register("TrashCan")
def trash_can(rng: np.random.Generator) -> ArticulatedObject:
    """A trash can, round or rectangular: a lid hinged at the back (with a foot pedal), a swing flap
    turning about a horizontal axis through its middle, or a butterfly pair of half lids."""
    asm = Assembly("TrashCan", rng)
    W = rng.uniform(0.2, 0.42)
    H = rng.uniform(0.3, 0.72)
    round_ = rng.random() < 0.5
    D = W if round_ else W * rng.uniform(0.6, 1.0)
    kind = choose(rng, ("pedal", "hinged", "swing", "butterfly"), [3, 2, 2, 1])
    t = rng.uniform(0.002, 0.008)
    lid_t = rng.uniform(0.01, 0.03)
    hb = H - lid_t if kind != "swing" else H - rng.uniform(0.04, 0.1)
    seg = int(rng.integers(24, 48))
    if round_:
        r_top = W / 2
        r_bot = r_top * rng.uniform(0.8, 1.0)
        asm.base(S.cup(r_bot, hb, t, seg, top_radius=r_top, center=(0, hb / 2, 0)))
        asm.base(S.tube(r_top + 0.004, r_top - t, 0.012, seg, (0, hb - 0.006, 0)))  # rolled rim
    else:
        asm.base(S.box_shell((W, hb, D), t, "+y", (0, hb / 2, 0), bevel=0.9 * t))
    zf = D / 2
    if kind in ("pedal", "hinged"):
        pivot = np.array([0.0, hb, -D / 2])
        if round_:
            prof = [(0, 0), (W / 2 + 0.006, 0), (W / 2 + 0.006, 0.6 * lid_t), (0.8 * W / 2, lid_t), (0, lid_t)]
            lid = S.lathe(prof, seg, (0, hb + 0.001, 0))
        else:
            lid = S.box((W + 0.008, lid_t, D + 0.008), (0, hb + 0.001 + lid_t / 2, 0), bevel=min(0.4 * lid_t, 0.01))
            pivot = np.array([0.0, hb, -D / 2 - 0.004])
        meshes = [lid]
        free = np.array([0.0, hb + lid_t / 2, zf + 0.004])
        grasp = [free]
        if kind == "hinged" or rng.random() < 0.3:
            hm, hg = placed_handle(
                rng, choose(rng, ("knob", "bow", "lip")), 0.08, (0, hb + 0.6 * lid_t, zf + 0.004), (1, 0, 0), 0.6
            )
            if hm is not None:
                meshes.append(hm)
                grasp.insert(0, hg)
        axis = opening_axis((1, 0, 0), pivot, free, (0, 1, 0))
        asm.part(
            "lid",
            S.merge(meshes),
            revolute(axis, pivot, (0.0, np.deg2rad(rng.uniform(60, 90) if kind == "pedal" else rng.uniform(80, 110)))),
            grasp,
        )
        if kind == "pedal":
            yp = rng.uniform(0.03, 0.05)
            L = rng.uniform(0.06, 0.1)
            pz = zf + 0.008  # pivot just in front of the body
            pw = rng.uniform(0.06, min(0.14, 0.6 * W))
            arm = S.box((0.012, 0.008, L), (0, yp, pz + L / 2))
            pad = S.box((pw, 0.01, 0.04), (0, yp + 0.002, pz + L - 0.02), bevel=0.003, bevel_segments=1)
            bracket = S.box((0.03, 0.02, 0.01), (0, yp, zf + 0.001))
            asm.base(bracket)
            ppv = np.array([0.0, yp, pz])
            tip = np.array([0.0, yp, pz + L])
            axis = opening_axis((1, 0, 0), ppv, tip, (0, -1, 0))
            up = min(np.deg2rad(30), np.arcsin(min(1.0, (yp - 0.012) / L)))
            asm.part(
                "pedal",
                S.merge(arm, pad),
                revolute(axis, ppv, (0.0, float(up))),
                [tip - (0, 0, 0.02) + (0, 0.007, 0)],
                p_open=0.1,
            )
    elif kind == "swing":
        # A fixed hood on the can with an opening in its top; the flap turns about a horizontal axis
        # through its middle, both ways.
        hood_h = H - hb
        wt = 0.004
        if round_:
            ro = 0.3 * W
            asm.base(
                S.lathe(
                    [
                        (W / 2 - 0.002, 0),
                        (W / 2 + wt, 0),
                        (W / 2 + wt, 0.35 * hood_h),
                        (ro + 0.01, hood_h),
                        (ro, hood_h),
                        (ro, hood_h - wt),
                        (W / 2 - 0.002, 0.35 * hood_h - wt),
                        (W / 2 - 0.002, 0),
                    ],
                    seg,
                    (0, hb, 0),
                )
            )
            flap = S.cylinder(ro - 0.003, wt, seg, (0, H - wt / 2, 0))
            half = ro - 0.003
        else:
            asm.base(S.box_shell((W + 2 * wt, hood_h, D + 2 * wt), wt, ("-y", "+y"), (0, hb + hood_h / 2, 0)))
            fw, fd = 0.6 * W, 0.6 * D
            top = S.rotate(
                S.frame(
                    (W + 2 * wt, D + 2 * wt, wt),
                    ((W - fw) / 2 + wt, (W - fw) / 2 + wt, (D - fd) / 2 + wt, (D - fd) / 2 + wt),
                ),
                (1, 0, 0),
                -np.pi / 2,
            )
            asm.base(S.translate(top, (0, H - wt / 2, 0)))
            flap = S.box((fw - 0.006, wt, fd - 0.006), (0, H - wt / 2, 0))
            half = fd / 2 - 0.003
        c = np.array([0.0, H - wt / 2, 0.0])
        swing = np.deg2rad(rng.uniform(45, 75))
        asm.part(
            "flap",
            flap,
            revolute((1, 0, 0), c, (-swing, swing)),
            [c + (0, wt / 2, 0.8 * half), c + (0, wt / 2, -0.8 * half)],
        )
    else:  # butterfly: two half lids hinged at the left and right edges
        for side in (-1, 1):
            hw = W / 2 - 0.002
            m = S.box((hw, lid_t * 0.6, D), (side * (W / 2 - hw / 2), hb + 0.001 + 0.3 * lid_t, 0))
            pivot = np.array([side * W / 2, hb, 0.0])
            axis = opening_axis((0, 0, 1), pivot, (0, hb, 0), (0, 1, 0))
            c = np.array([side * 0.03, hb + 0.6 * lid_t, 0.0])
            asm.part(
                asm.name("lid"),
                m,
                revolute(axis, pivot, (0.0, np.deg2rad(rng.uniform(70, 90)))),
                [c, c + (0, 0, 0.3 * D)],
            )
    return asm.build(size=(W, H, D), kind=kind, round=round_)
