"""Furniture: StorageFurniture (cabinets, dressers, nightstands, wardrobes, wall units, sideboards,
chests, sliding-door units, bookcases with doors) and Table (tables and desks with drawers).

A cabinet is a carcass (an open-front box shell: sides, top, bottom, back) whose front opening is
split by divider panels into cells following a small layout tree (rows / columns); each cell holds
a door, a pair of doors, a flap, a pair of sliding doors, a drawer or nothing (open shelves).
Fronts are overlay (covering the carcass edges, 1-2 mm proud) or inset (flush in the opening).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dragmesh.data import shapes as S
from dragmesh.data.categories.assembly import Assembly
from dragmesh.data.categories.fronts import (
    PANEL_STYLES,
    choose,
    drawer,
    feet,
    hinged_door,
    shelves,
    sliding_door,
    top_frame,
)
from dragmesh.data.objects import ArticulatedObject, register

# ------------------------------------------------------------------------------ cell layouts
# A layout is a leaf kind (str) or ("rows" | "cols", [(fraction, layout), ...]); rows go bottom
# to top, columns left to right.


def _rows(*items):
    return ("rows", list(items))


def _cols(*items):
    return ("cols", list(items))


def _even(kind, n):
    return [(1.0 / n, kind) for _ in range(n)]


def _graduated(rng, n):
    """n drawer-row fractions, bottom rows taller."""
    w = np.linspace(1.0 + rng.uniform(0.0, 0.6), 1.0, n) if n > 1 else np.ones(1)
    return w / w.sum()


@dataclass
class _Ctx:
    rng: np.random.Generator
    asm: Assembly
    z_front: float  # carcass front plane
    depth: float  # cavity depth behind z_front
    z_back: float  # cavity back face
    outer: tuple  # inner opening (x0, x1, y0, y1) of the carcass
    walls: tuple  # carcass wall thickness around the opening (left, right, bottom, top)
    t_div: float
    overlay: bool
    front_t: float
    door_style: str
    drawer_style: str
    handle_style: str
    drawer_handle: str
    pocket: bool
    handle_zone: str  # "top", "bottom", "middle": where door handles sit
    total_h: float
    base: list = field(default_factory=list)
    door_hardware: str | None = None  # "lever" / "latch": side-hinged doors get it as a part of its own

    def name(self, kind: str) -> str:
        return self.asm.name(kind)


def _fill(ctx: _Ctx, layout, rect) -> None:
    """Split `rect` (x0, x1, y0, y1) by `layout`, adding dividers to ctx.base and fronts as parts."""
    x0, x1, y0, y1 = rect
    if isinstance(layout, str):
        _cell(ctx, layout, rect)
        return
    how, items = layout
    n = len(items)
    fr = np.array([f for f, _ in items], dtype=np.float64)
    fr = fr / fr.sum()
    span = (y1 - y0) if how == "rows" else (x1 - x0)
    usable = span - (n - 1) * ctx.t_div
    pos = y0 if how == "rows" else x0
    zc = 0.5 * (ctx.z_front + ctx.z_back)
    for k, (f, sub) in enumerate(items):
        size = usable * fr[k]
        sub_rect = (x0, x1, pos, pos + size) if how == "rows" else (pos, pos + size, y0, y1)
        _fill(ctx, sub, sub_rect)
        pos += size
        if k < n - 1:
            if how == "rows":
                ctx.base.append(
                    S.box((x1 - x0 + 0.001, ctx.t_div, ctx.depth), ((x0 + x1) / 2, pos + ctx.t_div / 2, zc))
                )
            else:
                ctx.base.append(
                    S.box((ctx.t_div, y1 - y0 + 0.001, ctx.depth), (pos + ctx.t_div / 2, (y0 + y1) / 2, zc))
                )
            pos += ctx.t_div


def _margins(ctx: _Ctx, rect):
    """Overlay margins (left, right, bottom, top) of a front over `rect`: up to the wall when the
    edge is the carcass opening, half a divider otherwise."""
    ox0, ox1, oy0, oy1 = ctx.outer
    x0, x1, y0, y1 = rect
    half = ctx.t_div / 2 - 0.0015
    m = []
    for v, o, wall in (
        (x0, ox0, ctx.walls[0]),
        (x1, ox1, ctx.walls[1]),
        (y0, oy0, ctx.walls[2]),
        (y1, oy1, ctx.walls[3]),
    ):
        m.append(wall - 0.001 if abs(v - o) < 1e-9 else half)
    return m


def _front_rect(ctx: _Ctx, rect):
    """Door rect and z0 for a cell: expanded by the overlay margins (proud of the front), or shrunk
    by a 2-3 mm gap (inset, flush with the front plane)."""
    x0, x1, y0, y1 = rect
    if ctx.overlay:
        m = _margins(ctx, rect)
        return (x0 - m[0], x1 + m[1], y0 - m[2], y1 + m[3]), ctx.z_front + 0.0015
    g = 0.0025
    return (x0 + g, x1 - g, y0 + g, y1 - g), ctx.z_front - ctx.front_t


def _handle_pos(ctx: _Ctx, y0: float, y1: float) -> float:
    h = y1 - y0
    if ctx.handle_zone == "top":
        y = y1 - min(ctx.rng.uniform(0.05, 0.12), 0.3 * h)
    elif ctx.handle_zone == "bottom":
        y = y0 + min(ctx.rng.uniform(0.05, 0.12), 0.3 * h)
    else:
        y = np.clip(ctx.rng.uniform(0.9, 1.1), y0 + 0.25 * h, y1 - 0.25 * h) if h > 0.4 else (y0 + y1) / 2
    return float((y - y0) / h)


def _door(ctx: _Ctx, rect, hinge: str, name: str | None = None) -> None:
    fr, z0 = _front_rect(ctx, rect)
    rng = ctx.rng
    hinged_door(
        ctx.asm,
        rng,
        name or ctx.name("door"),
        fr,
        z0,
        ctx.front_t,
        hinge,
        style=ctx.door_style,
        handle_style=ctx.door_hardware or ctx.handle_style,
        handle_pos=_handle_pos(ctx, fr[2], fr[3]),
        pocket=ctx.pocket,
        limits_deg=_door_limits(ctx, rect, hinge),
    )


def _door_limits(ctx: _Ctx, rect, hinge: str) -> tuple[float, float]:
    """Range of a door's upper limit (degrees): up to 120 at the carcass's outer edge; at most 90
    when hinged at an inner divider, where swinging further would hit the neighbouring front."""
    edge = rect[0] if hinge == "left" else rect[1]
    outer = ctx.outer[0] if hinge == "left" else ctx.outer[1]
    return (90.0, 120.0) if abs(edge - outer) < 1e-9 else (85.0, 90.0)


def _cell(ctx: _Ctx, kind: str, rect) -> None:
    rng = ctx.rng
    x0, x1, y0, y1 = rect
    ox0, ox1, _, _ = ctx.outer
    w, h = x1 - x0, y1 - y0
    if kind in ("door", "doors2", "open", "slide2") and h > 0.25:
        n = int(rng.integers(0, 3)) if h > 0.5 else int(rng.integers(0, 2))
        ctx.base.extend(shelves(rng, rect, ctx.z_back, ctx.z_front, min(ctx.t_div, 0.02), n))
        if kind != "open" and h > 1.0 and rng.random() < 0.5:  # hanging rail
            ctx.base.append(
                S.cylinder(
                    0.012, w - 0.004, 12, ((x0 + x1) / 2, y1 - 0.07, 0.5 * (ctx.z_front + ctx.z_back)), axis=(1, 0, 0)
                )
            )
    if kind == "open":
        return
    if kind == "door":
        at_left, at_right = abs(x0 - ox0) < 1e-9, abs(x1 - ox1) < 1e-9
        hinge = (
            "left"
            if at_left and not at_right
            else "right" if at_right and not at_left else choose(rng, ("left", "right"))
        )
        _door(ctx, rect, hinge)
    elif kind == "doors2":
        xm = (x0 + x1) / 2
        # Each leaf over half the cell, the two meeting with a 3 mm gap at the centre.
        fl, z0 = _front_rect(ctx, (x0, xm, y0, y1))
        fr, _ = _front_rect(ctx, (xm, x1, y0, y1))
        fl = (fl[0], xm - 0.0015, fl[2], fl[3])
        fr = (xm + 0.0015, fr[1], fr[2], fr[3])
        hp = _handle_pos(ctx, fl[2], fl[3])
        for r_, hinge in ((fl, "left"), (fr, "right")):
            hinged_door(
                ctx.asm,
                rng,
                ctx.name("door"),
                r_,
                z0,
                ctx.front_t,
                hinge,
                style=ctx.door_style,
                handle_style=ctx.door_hardware or ctx.handle_style,
                handle_pos=hp,
                handle_inset=min(0.04, 0.15 * w),
                pocket=ctx.pocket,
                limits_deg=_door_limits(ctx, rect, hinge),
            )
    elif kind in ("flap_up", "flap_down"):
        fr, z0 = _front_rect(ctx, rect)
        hinge = "top" if kind == "flap_up" else "bottom"
        hinged_door(
            ctx.asm,
            rng,
            ctx.name("flap"),
            fr,
            z0,
            ctx.front_t,
            hinge,
            style=ctx.door_style,
            handle_style=ctx.drawer_handle,
            pocket=ctx.pocket,
            limits_deg=(80.0, 110.0) if kind == "flap_up" else (80.0, 95.0),
        )
    elif kind == "slide2":
        t = min(ctx.front_t, rng.uniform(0.01, 0.018))
        g = 0.003
        overlap = rng.uniform(0.02, 0.05)
        xm = (x0 + x1) / 2
        zf = ctx.z_front - 0.004
        for yy in (y0, y1):  # tracks
            ctx.base.append(
                S.box((w, 0.006, 2 * t + 0.016), (xm, yy + (0.003 if yy == y0 else -0.003), zf - t - 0.006))
            )
        travel = (w / 2 - overlap / 2 - g) * rng.uniform(0.8, 0.97)
        sliding_door(
            ctx.asm,
            rng,
            ctx.name("slide"),
            (x0 + g, xm + overlap / 2, y0 + 0.007, y1 - 0.007),
            zf - t,
            t,
            +1,
            travel,
            style=ctx.door_style,
        )
        sliding_door(
            ctx.asm,
            rng,
            ctx.name("slide"),
            (xm - overlap / 2, x1 - g, y0 + 0.007, y1 - 0.007),
            zf - 2 * t - 0.006,
            t,
            -1,
            travel,
            style=ctx.door_style,
        )
    elif kind == "drawer":
        fr, _ = _front_rect(ctx, rect)
        overlay = _margins(ctx, rect) if ctx.overlay else None
        drawer(
            ctx.asm,
            rng,
            ctx.name("drawer"),
            rect,
            ctx.z_front,
            ctx.depth,
            overlay=overlay,
            front_t=ctx.front_t,
            style=ctx.drawer_style,
            handle_style=ctx.drawer_handle,
            pocket=ctx.pocket and rng.random() < 0.7,
            two_handles=rng.random() < 0.5,
        )
    else:
        raise ValueError(f"unknown cell kind {kind!r}")


def _layout(rng: np.random.Generator, kind: str, W: float, H: float):
    """A cell layout for a furniture kind of outer width W and height H."""
    if kind == "nightstand":
        return choose(
            rng,
            [
                _rows(*_even("drawer", int(rng.integers(1, 4)))),
                _rows((0.65, "door"), (0.35, "drawer")),
                _rows((0.6, "open"), (0.4, "drawer")),
                _rows((0.5, "drawer"), (0.5, "open")),
                _rows((1.0, "door")),
            ],
            [3, 2, 1, 1, 1],
        )
    if kind == "dresser":
        n = int(rng.integers(3, 7))
        fr = _graduated(rng, n)
        rows = [(float(f), "drawer") for f in fr]
        if W > 0.8 and rng.random() < 0.5:  # top row split into 2-3 drawers
            m = int(rng.integers(2, 4))
            rows[-1] = (rows[-1][0], _cols(*_even("drawer", m)))
        if W > 1.1 and rng.random() < 0.35:  # two drawer columns
            return _cols((0.5, _rows(*rows[: max(2, n - 1)])), (0.5, _rows(*rows[: max(2, n - 1)])))
        return _rows(*rows)
    if kind == "cabinet":
        doors = "doors2" if W > 0.65 or rng.random() < 0.3 else "door"
        return choose(
            rng,
            [
                _rows((1.0, doors)),
                _rows((0.78, doors), (0.22, _cols(*_even("drawer", 2 if doors == "doors2" else 1)))),
                _rows((0.5, doors), (0.5, "open")),
                _rows((0.78, "open"), (0.22, _cols(*_even("drawer", 2 if W > 0.65 else 1)))),
            ],
            [4, 3, 1, 1],
        )
    if kind == "wardrobe":
        if W > 1.3 and rng.random() < 0.5:
            top = _cols((1 / 3, "door"), (2 / 3, "doors2"))
        else:
            top = "doors2" if W > 0.75 else "door"
        return choose(
            rng,
            [
                _rows((1.0, top)),
                _rows((0.15, _cols(*_even("drawer", 2 if W > 0.8 else 1))), (0.85, top)),
                _rows((0.12, "drawer"), (0.12, "drawer"), (0.76, top)),
                _rows((0.8, top), (0.2, "doors2" if W > 0.75 else "door")),
            ],
            [3, 2, 1, 1],
        )
    if kind == "wall":
        return choose(
            rng,
            [
                _rows((1.0, "doors2" if W > 0.65 else "door")),
                _rows((1.0, "flap_up")),
                _rows((0.5, "flap_up"), (0.5, "flap_up")),
                _rows((0.4, "open"), (0.6, "doors2" if W > 0.65 else "door")),
            ],
            [4, 2, 1, 1],
        )
    if kind == "sideboard":
        opts = [
            _cols((0.35, "doors2"), (0.3, _rows(*_even("drawer", int(rng.integers(2, 5))))), (0.35, "doors2")),
            _cols((0.5, "doors2"), (0.5, _rows(*_even("drawer", int(rng.integers(2, 4)))))),
            _cols(*_even("door", int(rng.integers(2, 5)))),
            _rows((0.75, _cols(*_even("doors2", 2))), (0.25, _cols(*_even("drawer", int(rng.integers(2, 5)))))),
            _cols((0.3, "door"), (0.4, "open"), (0.3, "door")),
        ]
        return choose(rng, opts, [2, 2, 1, 2, 1])
    if kind == "bookcase":
        return choose(
            rng,
            [
                _rows((0.4, "doors2" if W > 0.6 else "door"), (0.6, "open")),
                _rows((0.4, "doors2" if W > 0.6 else "door"), (0.6, "doors2" if W > 0.6 else "door")),
                _rows((0.35, _cols(*_even("drawer", 2))), (0.65, "open")),
            ],
        )
    if kind == "sliding":
        if H > 1.3 and rng.random() < 0.4:
            return _rows((0.2, _cols(*_even("drawer", 2))), (0.8, "slide2"))
        return _rows((1.0, "slide2"))
    if kind == "desk_unit":  # mixed: door column beside a drawer stack
        return choose(
            rng,
            [
                _cols((0.5, "door"), (0.5, _rows(*_even("drawer", int(rng.integers(2, 5)))))),
                _cols((0.5, _rows(*_even("drawer", int(rng.integers(2, 5))))), (0.5, "door")),
                _rows((0.7, "flap_down"), (0.3, "drawer")),
            ],
        )
    raise ValueError(kind)


_KINDS = {  # width, height, depth ranges (m), weight
    "nightstand": ((0.4, 0.6), (0.45, 0.75), (0.32, 0.45), 2),
    "dresser": ((0.6, 1.6), (0.7, 1.4), (0.4, 0.55), 3),
    "cabinet": ((0.4, 1.2), (0.7, 1.0), (0.45, 0.6), 4),
    "wardrobe": ((0.6, 2.0), (1.6, 2.2), (0.45, 0.6), 2),
    "wall": ((0.4, 1.2), (0.4, 0.9), (0.3, 0.38), 2),
    "sideboard": ((1.2, 2.0), (0.7, 0.95), (0.4, 0.55), 2),
    "bookcase": ((0.6, 1.2), (1.2, 2.1), (0.3, 0.42), 1),
    "sliding": ((0.8, 2.0), (0.6, 2.1), (0.38, 0.6), 1),
    "desk_unit": ((0.6, 1.2), (0.6, 1.1), (0.4, 0.55), 1),
    "chest": ((0.6, 1.2), (0.4, 0.8), (0.35, 0.55), 1),
}


def _styles(rng: np.random.Generator, H: float, kind: str) -> dict:
    handle = choose(
        rng, ("bar", "bar_square", "loop", "flat_loop", "bow", "knob", "lip", "none"), [4, 2, 2, 1, 1, 3, 1, 1]
    )
    drawer_handle = handle if rng.random() < 0.7 else choose(rng, ("bar", "knob", "loop", "bow"))
    door_style = choose(
        rng, PANEL_STYLES, [4, 2, 2, 1, 1 if kind in ("bookcase", "cabinet", "wall", "sideboard") else 0.2]
    )
    return dict(
        overlay=rng.random() < 0.65,
        front_t=rng.uniform(0.016, 0.024),
        door_style=door_style,
        drawer_style=door_style if door_style != "glass" else "flat",
        handle_style=handle,
        drawer_handle=drawer_handle,
        pocket=rng.random() < 0.08,
        handle_zone="bottom" if kind == "wall" else "top" if H < 1.1 else "middle",
    )


def cabinet(
    asm: Assembly,
    rng: np.random.Generator,
    layout,
    x0: float,
    x1: float,
    y0: float,
    y1: float,
    z0: float,
    z1: float,
    styles: dict,
    walls=None,
    back_t=None,
    total_h: float | None = None,
) -> _Ctx:
    """A carcass spanning x0..x1, y0..y1, z0..z1 (front at z1 when the fronts are inset; overlay
    fronts stand in front of z1) filled with `layout`. Returns the fill context."""
    ts = walls[0] if walls else rng.uniform(0.015, 0.025)
    tb, tt = (walls[1], walls[2]) if walls else (rng.uniform(0.015, 0.03), rng.uniform(0.015, 0.03))
    tback = back_t if back_t is not None else rng.uniform(0.004, 0.014)
    W, H, D = x1 - x0, y1 - y0, z1 - z0
    asm.base(S.box_shell((W, H, D), (ts, ts, tb, tt, tback, 0.0), "+z", ((x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2)))
    inner = (x0 + ts, x1 - ts, y0 + tb, y1 - tt)
    ctx = _Ctx(
        rng,
        asm,
        z1,
        D - tback,
        z0 + tback,
        inner,
        (ts, ts, tb, tt),
        rng.uniform(0.014, 0.022),
        total_h=total_h or y1,
        **styles,
    )
    _fill(ctx, layout, inner)
    asm.base(*ctx.base)
    return ctx


@register("StorageFurniture")
def storage_furniture(rng: np.random.Generator) -> ArticulatedObject:
    """A cabinet-like storage unit with 1-12 doors, drawers, flaps or sliding doors (CATEGORIES.md:
    0.4-2.0 m wide, 0.3-0.6 m deep, 0.4-2.2 m tall). In about 30 % of units the side-hinged doors
    carry a lever handle or a turn latch (a part of its own turning about the door's normal)
    instead of a fixed pull."""
    asm = Assembly("StorageFurniture", rng)
    names = list(_KINDS)
    kind = choose(rng, names, [_KINDS[k][3] for k in names])
    (wl, wh), (hl, hh), (dl, dh), _ = _KINDS[kind]
    W, H, D = rng.uniform(wl, wh), rng.uniform(hl, hh), rng.uniform(dl, dh)
    st = _styles(rng, H, kind)
    # About 30 % of units have lever handles (60 %) or turn latches on their side-hinged doors, parts
    # of their own carried by the door. Drawn from a spawned generator so the main stream (and with it
    # every unit without them) is as before.
    hw = rng.spawn(1)[0]
    if hw.random() < 0.3 and not st["pocket"]:
        st["door_hardware"] = "lever" if hw.random() < 0.6 else "latch"
    # Support: carcass on the floor, on a plinth, or on legs / feet.
    support = choose(
        rng, ("none", "plinth", "legs", "tapered", "bun"), [3, 3, 2, 1, 1] if kind != "wall" else [1, 0, 0, 0, 0]
    )
    leg_h = 0.0
    front_depth = st["front_t"] + 0.002 if st["overlay"] else 0.0
    zb, zf = -D / 2, D / 2 - front_depth  # carcass back and front planes
    if support == "plinth":
        leg_h = rng.uniform(0.05, 0.12)
        asm.base(*feet(rng, -W / 2 + 0.01, W / 2 - 0.01, zb, zf, leg_h, "plinth"))
    elif support in ("legs", "tapered", "bun"):
        leg_h = min(rng.uniform(0.06, 0.25) if support != "bun" else rng.uniform(0.03, 0.06), 0.25 * H)
        asm.base(
            *feet(
                rng,
                -W / 2,
                W / 2,
                zb,
                zf,
                leg_h,
                {"legs": choose(rng, ("cylinder", "square")), "tapered": "tapered", "bun": "bun"}[support],
                0.04,
            )
        )
    # Optional overhanging top slab.
    top_t = 0.0
    if kind != "chest" and rng.random() < 0.45:
        top_t = rng.uniform(0.018, 0.04)
        ov = rng.uniform(0.0, 0.03)
        asm.base(
            S.box(
                (W + 2 * ov, top_t, zf - zb + ov + front_depth),
                (0, H - top_t / 2, (zb + zf + front_depth + ov) / 2 - ov / 2),
                bevel=rng.uniform(0.0, 0.008),
                bevel_segments=2,
            )
        )
    yb, yt = leg_h, H - top_t
    if kind == "chest":
        _chest(asm, rng, W, H, zb, zf, yb, st)
    else:
        layout = _layout(rng, kind, W, H)
        cabinet(asm, rng, layout, -W / 2, W / 2, yb, yt, zb, zf, st, total_h=H)
    return asm.build(size=(W, H, D), kind=kind, support=support)


def _chest(asm: Assembly, rng: np.random.Generator, W, H, zb, zf, yb, st) -> None:
    """A chest: an open-top box with a lid hinged at the back edge, sometimes drawers below."""
    t = rng.uniform(0.015, 0.025)
    D = zf - zb
    lid_t = rng.uniform(0.018, 0.035)
    ytop = H - lid_t
    y_split = yb
    if rng.random() < 0.4:  # a row of drawers under the chest
        y_split = yb + rng.uniform(0.15, 0.3) * (ytop - yb)
        n = int(rng.integers(1, 3)) if W < 0.9 else int(rng.integers(2, 4))
        cabinet(asm, rng, _rows((1.0, _cols(*_even("drawer", n)))), -W / 2, W / 2, yb, y_split, zb, zf, st)
    asm.base(S.box_shell((W, ytop - y_split, D), t, "+y", (0, (y_split + ytop) / 2, (zb + zf) / 2)))
    ov = rng.uniform(0.0, 0.02)
    front_extra = st["front_t"] + 0.002 if st["overlay"] else 0.0
    rect = (-W / 2 - ov, W / 2 + ov, -(zf - zb) / 2 - ov - front_extra, (zf - zb) / 2)
    hinged_door(
        asm,
        rng,
        "lid",
        rect,
        0.0015,
        lid_t - 0.0015,
        "top",
        frame=top_frame(ytop, (0.0, (zb + zf) / 2)),
        style=choose(rng, ("flat", "bevel", "raised")),
        handle_style=choose(rng, ("none", "bar", "knob", "lip", "loop")),
        limits_deg=(80.0, 110.0),
    )


# ----------------------------------------------------------------------------------- tables


@register("Table")
def table(rng: np.random.Generator) -> ArticulatedObject:
    """A table or desk with 1-8 drawers under the top (CATEGORIES.md: 0.6-1.8 m wide, 0.75 m tall):
    an apron drawer case between four legs, or one or two drawer pedestals."""
    asm = Assembly("Table", rng)
    W = rng.uniform(0.6, 1.8)
    D = rng.uniform(0.5, min(0.9, 0.45 + 0.4 * W))
    H = rng.uniform(0.72, 0.78)
    top_t = rng.uniform(0.02, 0.05)
    ov = rng.uniform(0.0, 0.04)
    asm.base(S.box((W, top_t, D), (0, H - top_t / 2, 0), bevel=rng.uniform(0.0, 0.01), bevel_segments=2))
    st = _styles(rng, H, "cabinet")
    st["overlay"] = rng.random() < 0.5
    st["front_t"] = rng.uniform(0.015, 0.022)
    yt = H - top_t
    style = choose(rng, ("apron", "pedestal", "two_pedestal", "panels"), [3, 2, 1, 1]) if W > 0.9 else "apron"
    leg = rng.uniform(0.03, 0.06)
    leg_style = choose(rng, ("square", "round", "tapered"))
    xi0, xi1 = -W / 2 + ov, W / 2 - ov
    zi0, zi1 = -D / 2 + ov, D / 2 - ov
    front_depth = st["front_t"] + 0.002 if st["overlay"] else 0.0

    def legs(xs, zs):
        for x in xs:
            for z in zs:
                if leg_style == "square":
                    asm.base(S.box((leg, yt, leg), (x, yt / 2, z)))
                elif leg_style == "round":
                    asm.base(S.cylinder(leg / 2, yt, 14, (x, yt / 2, z)))
                else:
                    asm.base(S.lathe([(0, 0), (0.3 * leg, 0), (0.55 * leg, yt), (0, yt)], 12, (x, 0, z)))

    if style == "apron":
        lx0, lx1 = xi0 + leg / 2, xi1 - leg / 2
        lz0, lz1 = zi0 + leg / 2, zi1 - leg / 2
        legs((lx0, lx1), (lz0, lz1))
        ah = rng.uniform(0.1, 0.18)
        # Side and back aprons; the front is the drawer case.
        asm.base(S.box((lx1 - lx0 - leg, ah, 0.02), (0, yt - ah / 2, lz0)))
        for x in (lx0, lx1):
            asm.base(S.box((0.02, ah, lz1 - lz0 - leg), (x, yt - ah / 2, 0)))
        n = int(rng.integers(1, 4)) if W > 0.8 else 1
        cz1 = lz1 + leg / 2 - front_depth
        case_w = lx1 - lx0 - leg - 0.004
        case_d = min(rng.uniform(0.35, 0.6), cz1 - lz0 - leg / 2)
        if n == 1 and rng.random() < 0.5:  # a single central drawer between two apron boards
            full = case_w
            case_w = min(case_w, rng.uniform(0.4, 0.7))
            bw = (full - case_w) / 2
            for sgn in (-1, 1):
                asm.base(S.box((bw, ah, 0.02), (sgn * (case_w / 2 + bw / 2), yt - ah / 2, cz1 - 0.01)))
        cabinet(
            asm,
            rng,
            _rows((1.0, _cols(*_even("drawer", n)))),
            -case_w / 2,
            case_w / 2,
            yt - ah,
            yt,
            cz1 - case_d,
            cz1,
            st,
            walls=(0.015, 0.012, 0.012),
            back_t=0.01,
        )
    else:
        ped_w = rng.uniform(0.35, 0.5)
        pz0, pz1 = zi0, zi1 - front_depth
        n = int(rng.integers(2, 5))
        fr = _graduated(rng, n)
        pl = _rows(*[(float(f), "drawer") for f in fr]) if rng.random() < 0.7 else _rows((0.7, "door"), (0.3, "drawer"))
        ped_sides = [1] if style in ("pedestal", "panels") else [-1, 1]
        if style == "pedestal" and rng.random() < 0.5:
            ped_sides = [-1]
        for side in ped_sides:
            x0 = xi1 - ped_w if side > 0 else xi0
            cabinet(asm, rng, pl, x0, x0 + ped_w, 0.0, yt, pz0, pz1, st)
        # The free span between the pedestals / the legs / the side panel.
        fx0 = xi0 + ped_w if -1 in ped_sides else xi0 + (0.025 if style == "panels" else leg)
        fx1 = xi1 - ped_w if 1 in ped_sides else xi1 - leg
        if style == "pedestal":  # legs on the free side
            xs = (xi0 + leg / 2,) if ped_sides == [1] else (xi1 - leg / 2,)
            legs(xs, (zi0 + leg / 2, zi1 - leg / 2))
        elif style == "panels":
            asm.base(S.box((0.025, yt, zi1 - zi0), (xi0 + 0.0125, yt / 2, 0)))
        mh = rng.uniform(0.2, 0.4)
        asm.base(S.box((fx1 - fx0, mh, 0.015), ((fx0 + fx1) / 2, yt - mh / 2, zi0 + 0.02)))  # modesty panel
        if rng.random() < 0.6 and fx1 - fx0 > 0.32:  # a centre drawer
            cw = min(fx1 - fx0 - 0.01, rng.uniform(0.4, 0.8))
            cxc = (fx0 + fx1) / 2
            cabinet(
                asm,
                rng,
                _rows((1.0, "drawer")),
                cxc - cw / 2,
                cxc + cw / 2,
                yt - rng.uniform(0.08, 0.12),
                yt,
                pz1 - rng.uniform(0.35, 0.5),
                pz1,
                st,
                walls=(0.012, 0.01, 0.01),
                back_t=0.008,
            )
    return asm.build(size=(W, H, D), kind=style)
