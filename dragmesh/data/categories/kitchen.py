"""Kitchen and laundry appliances: Microwave, Oven, Refrigerator, Dishwasher, WashingMachine.

Each is a body shell with a real cavity behind its door(s), door(s) hinged on the edge CATEGORIES.md
names (microwave and fridge: a vertical outer edge; oven and dishwasher: the bottom edge; washer: the
side of the round porthole, or the back edge of a top lid), and small controls (knobs turning about
their own axis, buttons pressing into the panel) from :mod:`~dragmesh.data.categories.controls`.
"""

from __future__ import annotations

import numpy as np

from dragmesh.data import shapes as S
from dragmesh.data.categories.assembly import Assembly, opening_axis, prismatic, revolute
from dragmesh.data.categories.controls import button_part, knob_part
from dragmesh.data.categories.fronts import choose, drawer, hinged_door, top_frame
from dragmesh.data.objects import ArticulatedObject, register


def _small_feet(asm: Assembly, rng: np.random.Generator, W: float, D: float, h: float, z_mid: float = 0.0) -> None:
    r = rng.uniform(0.008, 0.02)
    round_ = rng.random() < 0.6
    for x in (-W / 2 + 0.04, W / 2 - 0.04):
        for z in (z_mid - D / 2 + 0.04, z_mid + D / 2 - 0.04):
            asm.base(S.cylinder(r, h, 10, (x, h / 2, z)) if round_ else S.box((2 * r, h, 2 * r), (x, h / 2, z)))


def _controls(
    asm: Assembly, rng: np.random.Generator, rect, z: float, kind: str, n: int, size=None, vertical: bool = False
) -> None:
    """`n` controls of `kind` ("knob" or "button") evenly spread over rect (x0, x1, y0, y1) of a
    front face at depth z, in a row (or a column when `vertical`)."""
    x0, x1, y0, y1 = rect
    for i in range(n):
        f = (i + 0.5) / n
        at = ((x0 + x1) / 2, y1 - f * (y1 - y0), z) if vertical else (x0 + f * (x1 - x0), (y0 + y1) / 2, z)
        if kind == "knob":
            asm.add(knob_part(rng, at, (0, 0, 1), (0, 1, 0), size, asm.name("knob")))
        else:
            asm.add(button_part(rng, at, (0, 0, 1), (0, 1, 0), size, asm.name("button")))


def _button_grid(asm: Assembly, rng: np.random.Generator, rect, z: float, cols: int, rows: int) -> None:
    x0, x1, y0, y1 = rect
    size = min((x1 - x0) / cols, (y1 - y0) / rows) * rng.uniform(0.45, 0.75)
    round_ = bool(rng.random() < 0.4)
    for r in range(rows):
        for c in range(cols):
            at = (x0 + (c + 0.5) * (x1 - x0) / cols, y1 - (r + 0.5) * (y1 - y0) / rows, z)
            asm.add(button_part(rng, at, (0, 0, 1), (0, 1, 0), size, asm.name("button"), round_))


def _display(rect, z: float) -> S.Mesh:
    x0, x1, y0, y1 = rect
    return S.box((x1 - x0, y1 - y0, 0.003), ((x0 + x1) / 2, (y0 + y1) / 2, z + 0.0015))


# --------------------------------------------------------------------------------- microwave


@register("Microwave")
def microwave(rng: np.random.Generator) -> ArticulatedObject:
    """A countertop microwave: cavity with a glass-window door hinged at its outer vertical edge
    (usually left), a control panel beside it (buttons, knobs, display), sometimes a turntable."""
    asm = Assembly("Microwave", rng)
    W, H, D = rng.uniform(0.45, 0.6), rng.uniform(0.27, 0.36), rng.uniform(0.34, 0.45)
    foot = rng.uniform(0.006, 0.015) if rng.random() < 0.7 else 0.0
    door_t = rng.uniform(0.025, 0.045)
    zb, zf = -D / 2, D / 2 - door_t - 0.0015
    wall = rng.uniform(0.01, 0.02)
    y0, y1 = foot, H
    bevel = rng.uniform(0.0, 0.9 * wall) if rng.random() < 0.5 else 0.0
    asm.base(
        S.box_shell(
            (W, y1 - y0, zf - zb),
            (wall, wall, wall, wall, rng.uniform(0.01, 0.02), 0.0),
            "+z",
            (0, (y0 + y1) / 2, (zb + zf) / 2),
            bevel=bevel,
        )
    )
    if foot:
        _small_feet(asm, rng, W, D - door_t, foot, (zb + zf) / 2)
    hinge_left = rng.random() < 0.85
    panel_w = W * rng.uniform(0.2, 0.3)
    s = 1.0 if hinge_left else -1.0  # mirror x for a door hinged on the right
    x_split = s * (W / 2 - panel_w)
    # Divider between the cavity and the electronics; the control panel's face is flush with the door.
    asm.base(
        S.box((0.01, y1 - y0 - 2 * wall, zf - zb - 0.02), (x_split + s * 0.005, (y0 + y1) / 2, (zb + zf) / 2 - 0.005))
    )
    px0, px1 = sorted((x_split + s * 0.002, s * W / 2))
    asm.base(
        S.box(
            (px1 - px0, y1 - y0, door_t + 0.0015),
            ((px0 + px1) / 2, (y0 + y1) / 2, zf + (door_t + 0.0015) / 2),
            bevel=min(bevel, 0.005),
            bevel_segments=1,
        )
    )
    zc = zf + door_t + 0.0015  # control panel face
    # Door: a frame around a glass pane, wider border on the handle side.
    dx0, dx1 = sorted((-s * W / 2, x_split - s * 0.0015))
    dy0, dy1 = y0 + 0.002, y1 - 0.002
    dw, dh = dx1 - dx0, dy1 - dy0
    b_side, b_free = rng.uniform(0.03, 0.07), rng.uniform(0.05, 0.1)
    b_tb = rng.uniform(0.03, 0.06)
    border = (b_side, b_free, b_tb, b_tb) if hinge_left else (b_free, b_side, b_tb, b_tb)
    body = S.window_panel(
        (dw, dh, door_t), border, rng.uniform(0.003, 0.006), rng.uniform(0.3, 0.7) * door_t, bevel=min(bevel, 0.004)
    )
    handle = choose(rng, ("bar", "loop", "grip", "none"), [3, 2, 3, 2])
    extra = []
    if handle == "grip":  # a moulded vertical grip along the free edge
        gx = dx1 - 0.012 if hinge_left else dx0 + 0.012
        extra.append(
            S.box(
                (0.024, dh * rng.uniform(0.5, 0.9), 0.018),
                (gx, (dy0 + dy1) / 2, zf + 0.0015 + door_t + 0.009),
                bevel=0.004,
                bevel_segments=1,
            )
        )
    hinged_door(
        asm,
        rng,
        "door",
        (dx0, dx1, dy0, dy1),
        zf + 0.0015,
        door_t,
        "left" if hinge_left else "right",
        body=body,
        handle_style=handle if handle in ("bar", "loop") else "none",
        handle_span=dh * rng.uniform(0.5, 0.8),
        handle_inset=b_free / 2,
        extra=extra,
        limits_deg=(100.0, 120.0),
    )
    # Control panel: display on top, then buttons and / or knobs.
    m = 0.012
    cx0, cx1 = px0 + m, px1 - m
    top = y1 - m
    if rng.random() < 0.75:
        dh_ = rng.uniform(0.025, 0.045)
        asm.base(_display((cx0, cx1, top - dh_, top), zc))
        top -= dh_ + 0.01
    layout = choose(rng, ("buttons", "knobs", "both"), [3, 2, 2])
    bottom = y0 + 0.02
    if handle == "none":  # the door opens with a push button at the bottom of the panel
        asm.add(
            button_part(
                rng, ((cx0 + cx1) / 2, bottom + 0.02, zc), size=min(0.05, 0.8 * (cx1 - cx0)), name="door_button"
            )
        )
        bottom += 0.05
    if layout in ("buttons", "both"):
        split = top - (top - bottom) * (0.55 if layout == "both" else 1.0)
        _button_grid(asm, rng, (cx0, cx1, split, top), zc, int(rng.integers(2, 4)), int(rng.integers(2, 6)))
        top = split - 0.005
    if layout in ("knobs", "both"):
        n = int(rng.integers(1, 3))
        r = min(rng.uniform(0.012, 0.022), (cx1 - cx0) / 2.5, (top - bottom) / (2.5 * n))
        _controls(asm, rng, (cx0, cx1, bottom, top), zc, "knob", n, r, vertical=True)
    # Turntable inside the cavity (turns continuously about the vertical).
    if rng.random() < 0.35:
        cav_x0, cav_x1 = sorted((-s * (W / 2 - wall), x_split))
        r = 0.42 * min(cav_x1 - cav_x0, zf - zb - 0.03)
        c = np.array([(cav_x0 + cav_x1) / 2, y0 + wall + 0.012, (zb + zf) / 2])
        plate = S.merge(S.cylinder(r, 0.006, 32, c, bevel=0.002), S.cylinder(0.2 * r, 0.01, 12, c - (0, 0.006, 0)))
        asm.part("turntable", plate, revolute((0, 1, 0), c, None), [c + (0.9 * r, 0.003, 0), c + (0, 0.003, 0.9 * r)])
    return asm.build(size=(W, H, D), hinge="left" if hinge_left else "right")


# -------------------------------------------------------------------------------------- oven


def _cooktop(asm: Assembly, rng: np.random.Generator, W: float, zb: float, zf: float, y: float) -> None:
    """Four or five burners on the top surface at height y (gas with grates, coils, or glass)."""
    kind = choose(rng, ("gas", "coil", "glass"))
    d = zf - zb
    spots = [(-W / 4, -d / 4), (W / 4, -d / 4), (-W / 4, d / 5), (W / 4, d / 5)]
    if W > 0.68 and rng.random() < 0.5:
        spots.append((0.0, 0.0))
    zc = (zb + zf) / 2
    if kind == "glass":
        asm.base(S.box((W - 0.02, 0.006, d - 0.02), (0, y + 0.003, zc)))
    for i, (x, z) in enumerate(spots):
        r = rng.uniform(0.06, 0.1) * (0.8 if i == 4 else 1.0)
        c = (x, y, zc + z)
        if kind == "gas":
            asm.base(S.cylinder(0.35 * r, 0.02, 16, (x, y + 0.01, zc + z)))
            for a in (0.0, np.pi / 2):  # grate bars
                bar = S.box((2.2 * r, 0.012, 0.012), (0, 0, 0))
                bar = S.rotate(bar, (0, 1, 0), a)
                asm.base(S.translate(bar, (x, y + 0.028, zc + z)))
            asm.base(
                S.translate(
                    S.rotate(S.torus_arc(1.05 * r, 0.006, segments=20, section_segments=6), (1, 0, 0), np.pi / 2),
                    (x, y + 0.028, zc + z),
                )
            )
        elif kind == "coil":
            for k in range(3):
                ring = S.rotate(
                    S.torus_arc(r * (0.4 + 0.25 * k), 0.005, segments=20, section_segments=6), (1, 0, 0), np.pi / 2
                )
                asm.base(S.translate(ring, (x, y + 0.006, zc + z)))
        else:
            asm.base(S.cylinder(r, 0.001, 24, (c[0], y + 0.0065, c[2])))


def _oven_door_body(rng: np.random.Generator, w: float, h: float, t: float) -> S.Mesh:
    if rng.random() < 0.75:
        border = (rng.uniform(0.05, 0.09), rng.uniform(0.05, 0.09), rng.uniform(0.05, 0.1), rng.uniform(0.07, 0.13))
        border = (border[0], border[0], border[2], border[3])
        return S.window_panel((w, h, t), border, rng.uniform(0.004, 0.008), rng.uniform(0.2, 0.6) * t)
    return S.box((w, h, t), bevel=rng.uniform(0.0, 0.006))


@register("Oven")
def oven(rng: np.random.Generator) -> ArticulatedObject:
    """A range (oven with cooktop), a wall oven or a double oven: bottom-hinged door(s) with a glass
    window and a bar handle near the top, knobs on a control strip or backguard, sometimes a
    storage drawer under the oven."""
    asm = Assembly("Oven", rng)
    variant = choose(rng, ("range", "wall", "double"), [6, 2, 1])
    W, D = rng.uniform(0.5, 0.76), rng.uniform(0.55, 0.68)
    H = {"range": rng.uniform(0.85, 0.95), "wall": rng.uniform(0.55, 0.75), "double": rng.uniform(0.88, 1.05)}[variant]
    door_t = rng.uniform(0.035, 0.06)
    zb, zf = -D / 2, D / 2 - door_t - 0.0015
    wall = rng.uniform(0.015, 0.03)
    backguard = variant == "range" and rng.random() < 0.5
    bg_h = rng.uniform(0.06, 0.2) if backguard else 0.0
    body_top = H - bg_h
    knobs_on_bg = backguard and bg_h > 0.1 and rng.random() < 0.6
    strip_h = 0.0 if knobs_on_bg else rng.uniform(0.08, 0.14)
    # Bottom band: kick plate or a storage drawer (range only).
    bottom = rng.uniform(0.04, 0.1)
    has_drawer = variant == "range" and rng.random() < 0.45
    if has_drawer:
        bottom = rng.uniform(0.12, 0.18)
    asm.base(
        S.box_shell((W, body_top, zf - zb), (wall, wall, wall, wall, wall, 0.0), "+z", (0, body_top / 2, (zb + zf) / 2))
    )
    zmid = (zb + zf) / 2
    d_in = zf - zb - wall
    # Control strip (flush with the door fronts).
    zc = zf + door_t + 0.0015
    y_strip = body_top - strip_h
    if strip_h:
        asm.base(S.box((W, strip_h, door_t + 0.0015), (0, y_strip + strip_h / 2, zf + (door_t + 0.0015) / 2)))
        asm.base(S.box((W - 2 * wall, wall, d_in), (0, y_strip - wall / 2, zmid + wall / 2)))
    # Doors, bottom-hinged, over the oven cavities.
    bands = (
        [(bottom, y_strip)]
        if variant != "double"
        else [(bottom, bottom + 0.5 * (y_strip - bottom)), (bottom + 0.5 * (y_strip - bottom), y_strip)]
    )
    handle = choose(rng, ("bar", "loop", "bar_square"), [5, 2, 1])
    for k, (ya, yb) in enumerate(bands):
        if k > 0:
            asm.base(S.box((W - 2 * wall, wall, d_in), (0, ya, zmid + wall / 2)))
        for j in range(int(rng.integers(0, 3))):  # oven racks
            yr = ya + (yb - ya) * (j + 1) / 3.5
            rack = S.rotate(S.frame((W - 2 * wall - 0.01, d_in - 0.02, 0.006), 0.012), (1, 0, 0), np.pi / 2)
            asm.base(S.translate(rack, (0, yr, zmid + wall / 2)))
        dy0, dy1 = ya + 0.002, yb - 0.002
        dw, dh = W - 0.004, dy1 - dy0
        hinged_door(
            asm,
            rng,
            asm.name("door"),
            (-dw / 2, dw / 2, dy0, dy1),
            zf + 0.0015,
            door_t,
            "bottom",
            body=_oven_door_body(rng, dw, dh, door_t),
            handle_style=handle,
            handle_span=dw * rng.uniform(0.6, 0.9),
            handle_inset=min(rng.uniform(0.03, 0.06), 0.2 * dh),
            handle_scale=rng.uniform(1.0, 1.5),
            limits_deg=(80.0, 95.0),
        )
    if bottom > 0.0:
        asm.base(S.box((W - 2 * wall, wall, d_in), (0, bottom - wall / 2 + 0.0, zmid + wall / 2)))
    if has_drawer:
        drawer(
            asm,
            rng,
            "drawer",
            (-W / 2 + wall, W / 2 - wall, wall, bottom - wall),
            zf,
            d_in,
            overlay=(wall - 0.001, wall - 0.001, wall - 0.001, wall / 2 - 0.001),
            front_t=door_t,
            style="flat",
            handle_style=choose(rng, ("bar", "none", "loop")),
            limits_frac=(0.6, 0.85),
        )
    else:
        asm.base(S.box((W - 0.02, bottom - 0.005, 0.01), (0, (bottom - 0.005) / 2, zf - 0.01)))  # kick plate
    # Cooktop and backguard.
    if variant == "range":
        _cooktop(asm, rng, W, zb + (rng.uniform(0.02, 0.06) if backguard else 0.0), zf, body_top)
    if backguard:
        bt = rng.uniform(0.02, 0.06)
        asm.base(S.box((W, bg_h, bt), (0, body_top + bg_h / 2, zb + bt / 2)))
    # Knobs.
    n = int(rng.integers(2, 7))
    r = rng.uniform(0.015, 0.025)
    if knobs_on_bg:
        rect, z = (-W / 2 + 0.05, W / 2 - 0.05, body_top, body_top + bg_h), zb + bt
    else:
        rect, z = (-W / 2 + 0.05, W / 2 - 0.05, y_strip, body_top), zc
    r = min(r, 0.4 * (rect[3] - rect[2]), 0.4 * (rect[1] - rect[0]) / n)
    if n >= 4 and rng.random() < 0.5:  # knobs at both ends, a display in the middle
        half = n // 2
        span = (rect[1] - rect[0]) / 3
        _controls(asm, rng, (rect[0], rect[0] + span, rect[2], rect[3]), z, "knob", half, r)
        _controls(asm, rng, (rect[1] - span, rect[1], rect[2], rect[3]), z, "knob", n - half, r)
        cy = (rect[2] + rect[3]) / 2
        asm.base(_display((-span / 2 + 0.01, span / 2 - 0.01, cy - 0.015, cy + 0.015), z))
    else:
        _controls(asm, rng, rect, z, "knob", n, r)
    return asm.build(size=(W, H, D), variant=variant)


# ------------------------------------------------------------------------------ refrigerator


def _door_bins(
    rng: np.random.Generator, rect, z_back: float, margin_hinge: float, margin_free: float, hinge: str, n: int
) -> list[S.Mesh]:
    """Shelves on the inside of a fridge door (open-top trays behind its back face)."""
    x0, x1, y0, y1 = rect
    if hinge == "left":
        bx0, bx1 = x0 + margin_hinge, x1 - margin_free
    else:
        bx0, bx1 = x0 + margin_free, x1 - margin_hinge
    bd = rng.uniform(0.06, 0.1)
    out = []
    for k in range(n):
        yc = y0 + (y1 - y0) * (k + 0.6) / (n + 0.4)
        bh = rng.uniform(0.05, 0.09)
        out.append(S.box_shell((bx1 - bx0, bh, bd), 0.005, "+y", ((bx0 + bx1) / 2, yc, z_back - bd / 2 - 0.001)))
    # A liner panel behind the door (the inner door skin).
    out.append(S.box((bx1 - bx0 + 0.02, y1 - y0 - 0.08, 0.008), ((bx0 + bx1) / 2, (y0 + y1) / 2, z_back - 0.004)))
    return out


@register("Refrigerator")
def refrigerator(rng: np.random.Generator) -> ArticulatedObject:
    """A refrigerator: single door, top freezer, bottom freezer drawer, French doors or side by
    side. Thick doors hinged at their outer vertical edge, door bins, long bar / recessed handles."""
    asm = Assembly("Refrigerator", rng)
    layout = choose(rng, ("single", "top_freezer", "bottom_drawer", "french", "side_by_side"), [3, 3, 2, 2, 2])
    mini = layout == "single" and rng.random() < 0.4
    if mini:
        W, H, D = rng.uniform(0.45, 0.6), rng.uniform(0.8, 1.2), rng.uniform(0.5, 0.62)
    else:
        W = rng.uniform(0.8, 0.95) if layout in ("french", "side_by_side") else rng.uniform(0.55, 0.8)
        H, D = rng.uniform(1.5, 1.95), rng.uniform(0.6, 0.78)
    door_t = rng.uniform(0.04, 0.07)
    kick = rng.uniform(0.0, 0.1) if rng.random() < 0.6 else 0.0
    zb, zf = -D / 2, D / 2 - door_t - 0.002
    wall = rng.uniform(0.035, 0.06)
    bevel = rng.uniform(0.0, 0.015)
    y0, y1 = kick, H
    asm.base(
        S.box_shell(
            (W, y1 - y0, zf - zb),
            (wall, wall, wall, wall, wall, 0.0),
            "+z",
            (0, (y0 + y1) / 2, (zb + zf) / 2),
            bevel=bevel,
            bevel_segments=2,
        )
    )
    if kick:
        asm.base(S.box((W - 0.04, kick, zf - zb - 0.06), (0, kick / 2, (zb + zf) / 2 - 0.03)))
    zmid, d_in = (zb + zf) / 2 + wall / 2, zf - zb - wall
    handle = choose(rng, ("bar", "loop", "lip", "pocket", "bar_square"), [5, 2, 2, 1, 1])
    hscale = rng.uniform(1.2, 1.8)
    hinge_main = choose(rng, ("right", "left"), [3, 2])
    gap = 0.002

    def door(rect, hinge, margin_free, bins=True):
        x0, x1, y0_, y1_ = rect
        h = y1_ - y0_
        ex = (
            _door_bins(
                rng,
                (x0, x1, y0_, y1_),
                zf + 0.0015,
                wall + 0.012,
                margin_free,
                hinge,
                int(rng.integers(1, 5)) if h > 0.5 else 1,
            )
            if bins
            else []
        )
        hs = h * rng.uniform(0.3, 0.85) if handle in ("bar", "bar_square", "lip") else min(0.3, 0.5 * h)
        hp = np.clip((rng.uniform(0.95, 1.2) - y0_) / h, 0.3, 0.7) if h > 0.8 else 0.5
        if h < 0.6 and y0_ > 0.8:  # a top freezer door: handle near its bottom edge
            hp = 0.25
        hinged_door(
            asm,
            rng,
            asm.name("door"),
            rect,
            zf + 0.0015,
            door_t,
            hinge,
            style="bevel",
            handle_style=handle if handle != "pocket" else "none",
            pocket=handle == "pocket",
            handle_span=hs,
            handle_pos=float(hp),
            handle_inset=rng.uniform(0.03, 0.06),
            handle_scale=hscale,
            extra=ex,
            limits_deg=(95.0, 130.0),
        )

    full = (-W / 2, W / 2, y0 + gap, y1 - gap)
    if layout == "single":
        door(full, hinge_main, wall + 0.012)
        split = None
    elif layout == "top_freezer":
        split = y1 - (y1 - y0) * rng.uniform(0.25, 0.35)
        door((-W / 2, W / 2, y0 + gap, split - gap), hinge_main, wall + 0.012)
        door((-W / 2, W / 2, split + gap, y1 - gap), hinge_main, wall + 0.012)
    elif layout in ("bottom_drawer", "french"):
        split = y0 + (y1 - y0) * rng.uniform(0.28, 0.36)
        if layout == "bottom_drawer":
            door((-W / 2, W / 2, split + gap, y1 - gap), hinge_main, wall + 0.012)
        else:
            door((-W / 2, -gap / 2 - 0.001, split + gap, y1 - gap), "left", 0.05)
            door((gap / 2 + 0.001, W / 2, split + gap, y1 - gap), "right", 0.05)
        n_dr = 2 if layout == "french" and rng.random() < 0.35 else 1
        ys = np.linspace(y0 + wall, split - wall / 2, n_dr + 1)
        for k in range(n_dr):
            lo, hi = ys[k] + (wall / 2 if k else 0.0), ys[k + 1] - (wall / 2 if k < n_dr - 1 else 0.0)
            if k:
                asm.base(S.box((W - 2 * wall, wall, d_in), (0, ys[k], zmid)))
            drawer(
                asm,
                rng,
                asm.name("drawer"),
                (-W / 2 + wall, W / 2 - wall, lo, hi),
                zf,
                d_in,
                overlay=(wall - 0.001, wall - 0.001, (wall if k == 0 else wall / 2) - 0.001, wall / 2 - 0.001),
                front_t=door_t,
                style="bevel",
                handle_style="bar" if handle in ("bar", "bar_square") else "none",
                pocket=handle not in ("bar", "bar_square"),
                handle_scale=hscale,
                limits_frac=(0.5, 0.8),
            )
    else:  # side by side: freezer on the left, about 40 % of the width
        xs = -W / 2 + W * rng.uniform(0.38, 0.48)
        door((-W / 2, xs - gap / 2, y0 + gap, y1 - gap), "left", 0.05)
        door((xs + gap / 2, W / 2, y0 + gap, y1 - gap), "right", 0.05)
        asm.base(S.box((wall, y1 - y0 - 2 * wall, d_in), (xs, (y0 + y1) / 2, zmid)))
        split = None
    if split is not None:
        asm.base(S.box((W - 2 * wall, wall, d_in), (0, split, zmid)))
    # Glass shelves, set back behind the door bins.
    lo = (split if split is not None and layout != "top_freezer" else y0) + wall
    hi = (split if layout == "top_freezer" else y1) - wall
    for k in range(int(rng.integers(1, 4))):
        y = lo + (hi - lo) * (k + 1) / 4.0
        asm.base(S.box((W - 2 * wall - 0.004, 0.006, d_in - 0.14), (0, y, zmid - 0.07)))
    return asm.build(size=(W, H, D), layout=layout)


# -------------------------------------------------------------------------------- dishwasher


def _rack(rng: np.random.Generator, w: float, h: float, d: float) -> S.Mesh:
    """A wire basket: bottom grid, rim, corner posts and a row of tines."""
    b = rng.uniform(0.003, 0.005)
    parts = [S.rotate(S.frame((w, d, b), 2 * b), (1, 0, 0), np.pi / 2)]
    parts.append(S.translate(S.rotate(S.frame((w, d, b), 2 * b), (1, 0, 0), np.pi / 2), (0, h, 0)))
    n = int(rng.integers(5, 10))
    for k in range(n):
        x = -w / 2 + w * (k + 0.5) / n
        parts.append(S.box((b, b, d), (x, 0, 0)))
    for x in (-w / 2 + b, w / 2 - b):
        for z in (-d / 2 + b, d / 2 - b):
            parts.append(S.box((b, h, b), (x, h / 2, z)))
    for z in np.linspace(-d / 2 + 0.05, d / 2 - 0.05, int(rng.integers(3, 7))):
        parts.append(S.box((w - 0.04, 0.5 * h, b), (0, 0.25 * h, z)))
    return S.merge(parts)


@register("Dishwasher")
def dishwasher(rng: np.random.Generator) -> ArticulatedObject:
    """A dishwasher: a bottom-hinged door over the tub, a kick plate, controls on a strip above the
    door or on the door's top edge; with the door open, sliding racks."""
    asm = Assembly("Dishwasher", rng)
    W = 0.45 if rng.random() < 0.25 else rng.uniform(0.56, 0.6)
    H, D = rng.uniform(0.8, 0.88), rng.uniform(0.55, 0.62)
    door_t = rng.uniform(0.03, 0.06)
    zb, zf = -D / 2, D / 2 - door_t - 0.0015
    wall = rng.uniform(0.01, 0.02)
    kick = rng.uniform(0.08, 0.12)
    strip = rng.uniform(0.06, 0.1) if rng.random() < 0.4 else 0.0
    asm.base(
        S.box_shell(
            (W, H - kick, zf - zb), (wall, wall, wall, wall, wall, 0.0), "+z", (0, (H + kick) / 2, (zb + zf) / 2)
        )
    )
    asm.base(S.box((W - 0.01, kick, 0.015), (0, kick / 2, zf - 0.03)))  # kick plate
    asm.base(
        S.box((W - 0.02, kick - 0.005, zf - zb - 0.05), (0, (kick - 0.005) / 2, (zb + zf) / 2 - 0.02))
    )  # base unit
    zc = zf + door_t + 0.0015
    if strip:
        asm.base(S.box((W, strip, door_t + 0.0015), (0, H - strip / 2, zf + (door_t + 0.0015) / 2)))
        if rng.random() < 0.5:
            _controls(
                asm,
                rng,
                (-W / 2 + 0.05, W / 2 - 0.05, H - strip, H),
                zc,
                "button",
                int(rng.integers(2, 7)),
                min(0.02, 0.5 * strip),
            )
        else:
            _controls(asm, rng, (-W / 2 + 0.06, -W / 2 + 0.12, H - strip, H), zc, "knob", 1, min(0.025, 0.4 * strip))
            _controls(
                asm,
                rng,
                (-W / 4, W / 2 - 0.05, H - strip, H),
                zc,
                "button",
                int(rng.integers(1, 5)),
                min(0.018, 0.5 * strip),
            )
    dy0, dy1 = kick + 0.002, H - strip - 0.002
    extra = []
    if not strip:  # controls as a row of nubs on the door's top edge
        for k in range(int(rng.integers(2, 6))):
            extra.append(
                S.box((0.012, 0.004, 0.01), (-W / 2 + 0.06 + 0.025 * k, dy1 + 0.002, zf + 0.0015 + door_t / 2))
            )
    handle = choose(rng, ("bar", "loop", "lip", "pocket", "none"), [4, 2, 1, 2, 1])
    racks = rng.random() < 0.45
    door = hinged_door(
        asm,
        rng,
        "door",
        (-W / 2, W / 2, dy0, dy1),
        zf + 0.0015,
        door_t,
        "bottom",
        style=choose(rng, ("flat", "bevel")),
        handle_style=handle if handle not in ("pocket",) else "none",
        pocket=handle == "pocket",
        handle_span=W * rng.uniform(0.3, 0.7),
        handle_inset=min(0.05, 0.1 * (dy1 - dy0)),
        extra=extra,
        limits_deg=(80.0, 95.0),
        p_open=0.0 if racks else None,
    )
    if racks:  # the door is down so the racks can slide out over it
        upper = asm.joint(door).limits[1]
        asm.set_value(door, upper * rng.uniform(0.92, 1.0))
        y_floor = kick + door_t + 0.012
        inner_top = H - wall - 0.02
        n = int(rng.integers(1, 3))
        rw, rd = W - 2 * wall - 0.03, zf - zb - wall - 0.04
        for k in range(n):
            ry = y_floor + k * (inner_top - y_floor) / n
            rh = min(0.12, 0.6 * (inner_top - y_floor) / n)
            rack = S.translate(_rack(rng, rw, rh, rd), (0, ry, zb + wall + 0.02 + rd / 2))
            c = np.array([0.0, ry + rh, zf - 0.02])
            asm.part(
                asm.name("rack"),
                rack,
                prismatic((0, 0, 1), c, (0.0, rd * rng.uniform(0.6, 0.9))),
                [c, c + (0.2 * rw, 0, 0)],
            )
    return asm.build(size=(W, H, D), racks=racks)


# ---------------------------------------------------------------------------- washing machine


@register("WashingMachine")
def washing_machine(rng: np.random.Generator) -> ArticulatedObject:
    """A front loader (round porthole door hinged at its side, drum, detergent drawer, program knob
    and buttons) or a top loader (lid hinged at the back edge, console with knobs)."""
    asm = Assembly("WashingMachine", rng)
    W, H, D = rng.uniform(0.55, 0.65), rng.uniform(0.82, 0.9), rng.uniform(0.5, 0.65)
    wall = rng.uniform(0.01, 0.02)
    if rng.random() < 0.3:
        total = _top_loader(asm, rng, W, H - rng.uniform(0.0, 0.1), D, wall)
        return asm.build(size=(W, total, D), variant="top")
    tf = rng.uniform(0.012, 0.02)  # front panel thickness
    zb, zf = -D / 2, D / 2 - tf  # body behind the front panels
    strip = rng.uniform(0.1, 0.16)
    bevel = rng.uniform(0.0, 0.9 * wall)
    asm.base(
        S.box_shell((W, H, zf - zb), (wall, wall, wall, wall, wall, 0.0), "+z", (0, H / 2, (zb + zf) / 2), bevel=bevel)
    )
    fh = H - strip
    r_h = rng.uniform(0.13, min(0.2, 0.36 * fh))
    yc = fh / 2 + rng.uniform(0.0, 0.06)
    asm.base(S.plate_with_hole((W, fh, tf), r_h, (0.0, yc - fh / 2), 40, (0, fh / 2, zf + tf / 2)))
    # Gasket and drum behind the hole.
    gl = rng.uniform(0.04, 0.08)
    asm.base(S.tube(r_h + 0.006, r_h - 0.005, gl, 32, (0, yc, zf + tf / 2 - gl / 2), axis=(0, 0, 1)))
    drum_d = min(rng.uniform(0.3, 0.4), zf - zb - gl - wall - 0.01)
    asm.base(S.cup(r_h + 0.03, drum_d, 0.005, 32, center=(0, yc, zf - gl - drum_d / 2), axis=(0, 0, 1)))
    # Control strip with the detergent drawer's opening at the left.
    zs = zf + tf
    dw = rng.uniform(0.15, 0.25)
    m = rng.uniform(0.012, 0.025)
    asm.base(S.frame((W, strip, tf), (m, W - m - dw, m, m), (0, fh + strip / 2, zf + tf / 2)))
    cav_d = rng.uniform(0.2, 0.3)
    ox0, ox1 = -W / 2 + m, -W / 2 + m + dw
    asm.base(
        S.box_shell(
            (dw + 0.01, strip - 2 * m + 0.01, cav_d), 0.005, "+z", ((ox0 + ox1) / 2, fh + strip / 2, zf - cav_d / 2)
        )
    )
    drawer(
        asm,
        rng,
        "detergent_drawer",
        (ox0, ox1, fh + m, fh + strip - m),
        zs,
        cav_d + tf - 0.006,
        overlay=None,
        front_t=tf + 0.004,
        style="flat",
        handle_style="none",
        pocket=rng.random() < 0.6,
        wall=0.004,
        box_height=strip - 2 * m - 0.012,
        limits_frac=(0.6, 0.9),
    )
    # Program knob, buttons, display.
    kx = rng.uniform(0.0, W / 2 - 0.08)
    asm.add(
        knob_part(
            rng,
            (kx, fh + strip / 2, zs),
            radius=min(rng.uniform(0.025, 0.04), 0.4 * strip),
            name="program_knob",
            style="cylinder",
        )
    )
    if rng.random() < 0.8:
        nb = int(rng.integers(2, 6))
        bx0 = kx + 0.06 if kx < W / 2 - 0.15 else ox1 + 0.02
        bx1 = W / 2 - 0.03 if kx < W / 2 - 0.15 else kx - 0.06
        if bx1 - bx0 > 0.04:
            _controls(
                asm,
                rng,
                (bx0, bx1, fh + strip * 0.2, fh + strip * 0.5),
                zs,
                "button",
                nb,
                min(0.02, (bx1 - bx0) / nb * 0.7),
            )
            if rng.random() < 0.5:
                asm.base(_display((bx0, bx1, fh + strip * 0.6, fh + strip * 0.85), zs))
    # Porthole door: ring frame and glass bowl, hinged at its side.
    R = r_h + rng.uniform(0.03, 0.07)
    ring_w = rng.uniform(0.03, 0.06)
    t = rng.uniform(0.03, 0.06)
    bowl = rng.uniform(0.02, 0.05)
    z0 = zs + 0.002
    ring = S.lathe(
        [(R - ring_w, 0.0), (R, 0.0), (R, 0.7 * t), (R - 0.3 * ring_w, t), (R - ring_w, t), (R - ring_w, 0.0)],
        40,
        (0, yc, z0),
        axis=(0, 0, 1),
    )
    rb = min(R - ring_w + 0.005, r_h - 0.02)
    a = np.linspace(0, np.pi / 2, 6)
    prof = [(0, -bowl)] + [(rb * np.sin(x), -bowl * np.cos(x)) for x in a[1:]] + [(rb, 0.6 * t), (0, 0.6 * t)]
    glass = S.lathe(prof, 32, (0, yc, z0), axis=(0, 0, 1))
    hinge_left = rng.random() < 0.8
    s = 1.0 if hinge_left else -1.0
    grip = S.box((0.02, 0.08, 0.02), (s * (R - 0.005), yc, z0 + t + 0.005), bevel=0.004, bevel_segments=1)
    pivot = np.array([-s * R, yc, z0 + t])
    free = np.array([s * R, yc, z0 + t])
    axis = opening_axis((0, 1, 0), pivot, free, (0, 0, 1))
    upper = np.deg2rad(rng.uniform(100.0, 170.0))
    asm.part(
        "door",
        S.merge(ring, glass, grip),
        revolute(axis, pivot, (0.0, upper)),
        [
            free + (0, 0, 0.01),
            np.array([s * 0.7 * R, yc + 0.5 * R, z0 + t]),
            np.array([s * 0.7 * R, yc - 0.5 * R, z0 + t]),
        ],
    )
    return asm.build(size=(W, H, D), variant="front")


def _top_loader(asm: Assembly, rng: np.random.Generator, W: float, H: float, D: float, wall: float) -> float:
    """A top loader of body height H with its console on top at the back; returns the total height."""
    top_t = rng.uniform(0.015, 0.03)
    y_top = H - top_t
    cd = rng.uniform(0.07, 0.12)  # console depth at the back
    ch = rng.uniform(0.08, 0.16)
    zb, zf = -D / 2, D / 2
    asm.base(S.box_shell((W, y_top, D), (wall, wall, wall, 0.0, wall, wall), "+y", (0, y_top / 2, 0)))
    r_h = rng.uniform(0.15, min(0.22, 0.4 * (D - cd)))
    hz = (zf + zb + cd) / 2
    plate = S.plate_with_hole((W, D, top_t), r_h, (0.0, -hz), 40)  # plate's y is the world -z
    plate = S.rotate(plate, (1, 0, 0), -np.pi / 2)
    asm.base(S.translate(plate, (0, y_top + top_t / 2, 0)))
    drum_h = min(rng.uniform(0.4, 0.55), y_top - 0.1)
    asm.base(S.cup(r_h + 0.02, drum_h, 0.005, 32, center=(0, y_top - drum_h / 2 - 0.01, hz)))
    asm.base(S.tube(r_h + 0.005, r_h - 0.01, 0.03, 32, (0, y_top - 0.013, hz)))
    # Console at the back with knobs and buttons on its front face.
    asm.base(S.box((W, ch, cd), (0, H + ch / 2, zb + cd / 2), bevel=rng.uniform(0.0, 0.01)))
    zc = zb + cd
    n = int(rng.integers(1, 4))
    _controls(asm, rng, (-W / 2 + 0.05, W / 2 - 0.05, H, H + ch), zc, "knob", n, min(0.03, 0.35 * ch))
    if rng.random() < 0.5:
        _controls(asm, rng, (-0.1, 0.1, H + 0.2 * ch, H + 0.5 * ch), zc, "button", int(rng.integers(2, 5)), 0.015)
    # Lid over the top, hinged at its back edge in front of the console.
    lid_t = rng.uniform(0.012, 0.025)
    front = zf - rng.uniform(0.0, 0.03)
    back = zb + cd + 0.01
    glass = rng.random() < 0.5
    lw = W - 2 * rng.uniform(0.0, 0.03)
    body = S.window_panel((lw, front - back, lid_t), rng.uniform(0.04, 0.08)) if glass else None
    hinged_door(
        asm,
        rng,
        "lid",
        (-lw / 2, lw / 2, -front, -back),
        0.001,
        lid_t,
        "top",
        frame=top_frame(H),
        style="bevel",
        body=body,
        handle_style=choose(rng, ("lip", "none", "bar")),
        handle_span=0.15,
        handle_inset=0.025,
        limits_deg=(80.0, 90.0),
    )
    return H + ch
