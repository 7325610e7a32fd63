"""Fronts of cabinet-like objects: handles, door and drawer panels, hinged doors, flaps and lids,
sliding doors, drawers. Shared by furniture, appliances and containers.

Fronts are laid out in a local *front frame*: x to the right, y up, z out of the face. ``frame`` =
(R (3, 3), t (3,)) places that frame in the object; None is the object's own front (+z). A lid is
a door in the frame of the top face (see :func:`top_frame`) hinged on its "top" edge, which that
frame puts at the back.

Each helper adds one part to an :class:`~dragmesh.data.categories.assembly.Assembly` and returns its
index. Doors hinge on the front face at the hinge-side edge (they never swing into the carcass),
their handle sits near the free edge; drawers are open-top boxes behind their front, sliding out
along +z for 60-90 % of their depth.
"""

from __future__ import annotations

import numpy as np

from dragmesh.data import shapes as S
from dragmesh.data.categories.assembly import Assembly, opening_axis, prismatic, revolute

HANDLE_STYLES = ("bar", "bar_square", "loop", "flat_loop", "bow", "knob", "lip")
# Door hardware that is a part of its own, turning about its shaft (the door's normal), carried by
# the door: a lever handle or a small turn latch. Only on side-hinged doors.
TURNING_HANDLES = ("lever", "latch")
PANEL_STYLES = ("flat", "bevel", "shaker", "raised", "glass")

Frame = tuple[np.ndarray, np.ndarray]


def top_frame(y: float, center_xz=(0.0, 0.0)) -> Frame:
    """Front frame of a top face at height `y`: local z -> +Y, local y -> -Z (back), x -> +X."""
    R = S.frame_matrix((0.0, 1.0, 0.0), (0.0, 0.0, -1.0))
    return R, np.array([center_xz[0], y, center_xz[1]], dtype=np.float64)


def _place(frame: Frame | None, mesh=None, points=None, vectors=None):
    if frame is None:
        return mesh, points, vectors
    R, t = frame
    out_m = None if mesh is None else (mesh[0] @ R.T + t, mesh[1])
    out_p = None if points is None else np.asarray(points, dtype=np.float64) @ R.T + t
    out_v = None if vectors is None else np.asarray(vectors, dtype=np.float64) @ R.T
    return out_m, out_p, out_v


def choose(rng: np.random.Generator, options, weights=None):
    """One of `options` (weights optional, normalised here)."""
    if weights is None:
        return options[int(rng.integers(len(options)))]
    w = np.asarray(weights, dtype=np.float64)
    return options[int(rng.choice(len(options), p=w / w.sum()))]


# ----------------------------------------------------------------------------------- handles


def handle(rng: np.random.Generator, style: str, span: float, scale: float = 1.0) -> tuple[S.Mesh | None, float]:
    """A handle in the mounting frame (surface z = 0, out along +z, long along +y).

    style: one of :data:`HANDLE_STYLES` or "none". span: about how long it should be (metres);
    scale shrinks it for small objects. Returns (mesh or None, reach: height of the grip above the
    surface, where a hand holds it).
    """
    s = scale
    if style == "none":
        return None, 0.0
    if style in ("bar", "bar_square"):
        r = rng.uniform(0.005, 0.009) * s
        so = rng.uniform(0.025, 0.04) * s
        L = span
        sp = L * rng.uniform(0.6, 1.0)
        return S.bar_handle(L, so, r, sp, square=style == "bar_square", segments=int(rng.integers(8, 14))), so
    if style in ("loop", "flat_loop"):
        r = rng.uniform(0.004, 0.007) * s
        so = rng.uniform(0.02, 0.035) * s
        return (
            S.loop_handle(
                span, so, r, rng.uniform(0.3, 0.9) * so, segments=int(rng.integers(8, 12)), flat=style == "flat_loop"
            ),
            so,
        )
    if style == "bow":
        r = rng.uniform(0.004, 0.007) * s
        hgt = rng.uniform(0.02, 0.035) * s
        return S.bow_handle(span, hgt, r, segments=int(rng.integers(8, 12))), hgt
    if style == "knob":
        r = rng.uniform(0.01, 0.02) * s
        h = rng.uniform(0.018, 0.032) * s
        return S.knob(r, h, choose(rng, ("mushroom", "cylinder", "ball")), int(rng.integers(12, 20))), 0.8 * h
    if style == "lip":
        d = rng.uniform(0.012, 0.022) * s
        return S.lip_pull(span, d, 0.003 * s, rng.uniform(0.01, 0.02) * s), d
    raise ValueError(f"unknown handle style {style!r}")


def placed_handle(rng, style, span, at, up, scale=1.0, normal=(0.0, 0.0, 1.0)):
    """A handle mounted at `at` (3,) on a face with `normal`, long along `up`. Returns (mesh or
    None, grasp point (3,) or None)."""
    mesh, reach = handle(rng, style, span, scale)
    if mesh is None:
        return None, None
    at = np.asarray(at, dtype=np.float64)
    n = np.asarray(normal, dtype=np.float64)
    return S.orient(mesh, n, up, at), at + reach * n


def turning_handle(rng: np.random.Generator, kind: str, at, to_hinge: float, rect) -> dict:
    """A lever handle or a turn latch on a side-hinged door, in the front frame: its shaft at `at`
    (3,) on the front face (z = at[2]), normal to it; `to_hinge` (+1 / -1) is the x direction
    towards the hinge edge; rect (x0, x1, y0, y1) is the door's face, which the turning part never
    leaves.

    lever: a cabinet lever (grip 10-15 cm, shaft 8-12 mm, 30-45 mm off the face) pointing towards
    the hinge; value 0 is level, positive presses the grip down, up to 40-60 degrees (less where the
    tip would pass the door's bottom edge). latch: a turn latch (a wing 3-6 cm long on a short
    shaft, level or upright at 0), positive turns its hinge-side (or top) end down (towards the
    hinge), up to 60-90 degrees. A lever with no room to swing becomes a latch.

    Returns dict(kind, mesh, axis, origin, limits, grasp (points, the grip first)).
    """
    x0, x1, y0, y1 = rect
    at = np.asarray(at, dtype=np.float64)
    sx = 1.0 if to_hinge > 0 else -1.0
    hx, hy = at[0], at[1]
    room_hinge = (x1 - hx) if sx > 0 else (hx - x0)
    room_free = (hx - x0) if sx > 0 else (x1 - hx)
    below, above = hy - y0, y1 - hy
    z_axis = np.array([0.0, 0.0, 1.0])
    if kind == "lever":
        L = min(rng.uniform(0.10, 0.15), room_hinge - 0.02)
        r = rng.uniform(0.004, 0.006)
        so = rng.uniform(0.03, 0.045)
        upper = np.deg2rad(rng.uniform(40.0, 60.0))
        reach = L + r
        if below - 0.005 < reach:  # the tip stays on the door (above its bottom edge)
            upper = min(upper, float(np.arcsin(max(below - 0.005, 0.0) / reach)))
        if L >= 0.07 and upper >= np.deg2rad(30.0):
            mesh = S.lever_handle(L, r, rng.uniform(0.012, 0.02), so, segments=10)  # grip along +x
            if sx < 0:
                mesh = S.mirror(mesh, 0)
            mesh = S.translate(mesh, at)
            tip = at + (sx * 0.8 * L, 0.0, so + r)
            axis = opening_axis(z_axis, at, tip, (0.0, -1.0, 0.0))  # pressing the grip down
            return {
                "kind": "lever",
                "mesh": mesh,
                "axis": axis,
                "origin": at,
                "limits": (0.0, upper),
                "grasp": [tip, at + (sx * 0.45 * L, 0.0, so + r)],
            }
        kind = "latch"
    if kind != "latch":
        raise ValueError(f"turning handle must be one of {TURNING_HANDLES}, got {kind!r}")
    room = min(room_hinge, room_free, below, above) - 0.008
    Lw = float(np.clip(rng.uniform(0.03, 0.06), 0.025, max(0.025, 2.0 * room)))
    wd, th = rng.uniform(0.012, 0.018), rng.uniform(0.006, 0.009)
    so = rng.uniform(0.012, 0.02)
    level = rng.random() < 0.6
    mesh = S.merge(
        S.cylinder(rng.uniform(0.01, 0.016), 0.003, 16, (0.0, 0.0, 0.0015), axis=z_axis),  # rose
        S.cylinder(rng.uniform(0.004, 0.005), so, 10, (0.0, 0.0, so / 2), axis=z_axis),  # shaft
        S.box((Lw, wd, th) if level else (wd, Lw, th), (0.0, 0.0, so + th / 2), bevel=0.3 * th, bevel_segments=1),
    )
    end = at + ((sx * 0.4 * Lw, 0.0, so + th / 2) if level else (0.0, 0.4 * Lw, so + th / 2))
    push = (0.0, -1.0, 0.0) if level else (sx, 0.0, 0.0)
    axis = opening_axis(z_axis, at, end, push)
    return {
        "kind": "latch",
        "mesh": S.translate(mesh, at),
        "axis": axis,
        "origin": at,
        "limits": (0.0, np.deg2rad(rng.uniform(60.0, 90.0))),
        "grasp": [end, at + (0.0, 0.0, so + th)],
    }


# ------------------------------------------------------------------------------------ panels


def panel(rng: np.random.Generator, w: float, h: float, t: float, style: str, pocket=None) -> S.Mesh:
    """A door / drawer / lid panel of w x h x t centred at the origin, front face at z = t/2.

    style: one of :data:`PANEL_STYLES`. pocket: (x0, x1, y0, y1) of a recessed pull cut into the
    front face (panel coordinates), or None.
    """
    if pocket is not None:
        depth = min(0.6 * t, rng.uniform(0.008, 0.015))
        return S.plate_with_pocket((w, h, t), pocket, depth, bevel=min(0.002, 0.3 * t))
    m = min(w, h)
    if style == "bevel":
        return S.box((w, h, t), bevel=min(rng.uniform(0.002, 0.006), 0.3 * t), bevel_segments=int(rng.integers(1, 3)))
    if style == "shaker" and m > 0.15:
        border = min(rng.uniform(0.045, 0.08), 0.3 * m)
        back_t = t * rng.uniform(0.5, 0.7)
        back = S.box((w, h, back_t), (0, 0, -t / 2 + back_t / 2))
        fr = S.frame((w, h, t - back_t), border, (0, 0, t / 2 - (t - back_t) / 2))
        return S.merge(back, fr)
    if style == "raised" and m > 0.15:
        border = min(rng.uniform(0.04, 0.08), 0.3 * m)
        raise_t = rng.uniform(0.003, 0.007)
        body = S.box((w, h, t - raise_t), (0, 0, -raise_t / 2))
        field = S.box(
            (w - 2 * border, h - 2 * border, raise_t + 0.001),
            (0, 0, t / 2 - raise_t / 2 - 0.0005),
            bevel=0.4 * raise_t,
            bevel_segments=1,
        )
        return S.merge(body, field)
    if style == "glass" and m > 0.15:
        border = min(rng.uniform(0.04, 0.09), 0.3 * m)
        return S.window_panel((w, h, t), border, rng.uniform(0.003, 0.006), glass_inset=rng.uniform(0.3, 0.7) * t)
    return S.box((w, h, t))


# ------------------------------------------------------------------------------------- doors


def hinged_door(
    asm: Assembly,
    rng: np.random.Generator,
    name: str,
    rect,
    z0: float,
    t: float,
    hinge: str,
    frame: Frame | None = None,
    style: str = "flat",
    handle_style: str = "bar",
    handle_span: float | None = None,
    handle_pos: float | None = None,
    handle_inset: float | None = None,
    handle_scale: float = 1.0,
    limits_deg=(90.0, 120.0),
    pocket: bool = False,
    extra=None,
    body: S.Mesh | None = None,
    hinge_offset: float = 0.0,
    parent: int = 0,
    p_open: float | None = None,
) -> int:
    """A door (or flap, or lid) of rect (x0, x1, y0, y1) in the front frame, z from z0 to z0 + t,
    hinged on its `hinge` edge ("left", "right", "top", "bottom") at the front face, opening
    outward. The handle sits near the opposite edge; handle_pos places it along that edge (0..1 from
    bottom/left, default the middle). extra: meshes in the front frame carried by the door (a
    window, door bins). body: a custom panel (centred at the origin, z from -t/2 to t/2) instead
    of `style`. hinge_offset: the hinge line stands this far in front of the front face (external
    hinge knuckles). limits_deg: the upper limit is drawn from this range (degrees). handle_style
    "lever" or "latch" (side hinges only): the handle is a part of its own carried by the door,
    turning about its shaft (:func:`turning_handle`); the door's index is still what is returned."""
    x0, x1, y0, y1 = rect
    w, h = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    zf = z0 + t
    vertical = hinge in ("left", "right")
    free_len = h if vertical else w
    hs = handle_span if handle_span is not None else min(free_len * rng.uniform(0.2, 0.6), rng.uniform(0.1, 0.35))
    inset = handle_inset if handle_inset is not None else min(rng.uniform(0.03, 0.07), 0.2 * (w if vertical else h))
    hs = min(hs, 0.8 * free_len)
    pos = 0.5 if handle_pos is None else handle_pos
    # Keep the whole handle on the door.
    lo_f, hi_f = (hs / 2 + 0.01) / free_len, 1.0 - (hs / 2 + 0.01) / free_len
    pos = float(np.clip(pos, lo_f, hi_f)) if lo_f < hi_f else 0.5
    # Handle centre and free edge (front frame).
    if hinge == "left":
        hx, hy, up, free = x1 - inset, y0 + pos * h, (0, 1, 0), np.array([x1, cy, zf])
        pivot_a, pivot_b = np.array([x0, y0, zf]), np.array([x0, y1, zf])
    elif hinge == "right":
        hx, hy, up, free = x0 + inset, y0 + pos * h, (0, 1, 0), np.array([x0, cy, zf])
        pivot_a, pivot_b = np.array([x1, y0, zf]), np.array([x1, y1, zf])
    elif hinge == "top":
        hx, hy, up, free = x0 + pos * w, y0 + inset, (1, 0, 0), np.array([cx, y0, zf])
        pivot_a, pivot_b = np.array([x0, y1, zf]), np.array([x1, y1, zf])
    elif hinge == "bottom":
        hx, hy, up, free = x0 + pos * w, y1 - inset, (1, 0, 0), np.array([cx, y1, zf])
        pivot_a, pivot_b = np.array([x0, y0, zf]), np.array([x1, y0, zf])
    else:
        raise ValueError(f"hinge must be left, right, top or bottom, got {hinge!r}")
    pk = None
    if pocket:
        pw, ph = (0.025, min(0.14, 0.5 * h)) if vertical else (min(0.14, 0.5 * w), 0.025)
        m = min(0.012, 0.2 * min(w, h))
        px = float(np.clip(hx - cx, -w / 2 + m + pw / 2, w / 2 - m - pw / 2))
        py = float(np.clip(hy - cy, -h / 2 + m + ph / 2, h / 2 - m - ph / 2))
        hx, hy = cx + px, cy + py
        pk = (px - pw / 2, px + pw / 2, py - ph / 2, py + ph / 2)
        handle_style = "none"
    body = S.translate(body if body is not None else panel(rng, w, h, t, style, pk), (cx, cy, z0 + t / 2))
    meshes = [body] + list(extra or [])
    grasp = [free, 0.5 * (free + np.array([hx, hy, zf]))]
    turn = None
    if handle_style in TURNING_HANDLES:
        if not vertical:
            raise ValueError(f"a {handle_style} goes on a side-hinged door, not one hinged at the {hinge}")
        turn = turning_handle(rng, handle_style, (hx, hy, zf), -1.0 if hinge == "left" else 1.0, (x0, x1, y0, y1))
        handle_style = "none"
    hm, hg = placed_handle(rng, handle_style, hs, (hx, hy, zf), up, handle_scale)
    if hm is not None:
        meshes.append(hm)
        grasp.insert(0, hg)
    elif turn is not None:  # a person opens the door by its lever / latch
        grasp.insert(0, turn["grasp"][0])
    elif pocket:
        grasp.insert(0, np.array([hx, hy, zf - 0.005]))
    # Free-edge corners region (a person may push the edge anywhere along it).
    edge_dir = np.array([0.0, 1.0, 0.0]) if vertical else np.array([1.0, 0.0, 0.0])
    grasp += [free + 0.3 * free_len * edge_dir, free - 0.3 * free_len * edge_dir]
    axis_dir = pivot_b - pivot_a
    pivot_a = pivot_a + (0.0, 0.0, hinge_offset)
    mesh, pts, vec = _place(
        frame, S.merge(meshes), np.vstack([pivot_a, free] + grasp), np.vstack([axis_dir, (0, 0, 1)])
    )
    origin, free_w, grasp_w = pts[0], pts[1], pts[2:]
    axis = opening_axis(vec[0], origin, free_w, vec[1])
    upper = np.deg2rad(rng.uniform(*limits_deg))
    door = asm.part(name, mesh, revolute(axis, origin, (0.0, upper)), grasp_w, parent, p_open=p_open)
    if turn is not None:
        # The lever / latch is a part of its own carried by the door, given in the door's closed frame;
        # it rests at 0 (spring-returned level, latch shut), where the door's grasp point on it lies.
        t_mesh, t_pts, t_vec = _place(
            frame, turn["mesh"], np.vstack([turn["origin"], *turn["grasp"]]), turn["axis"][None]
        )
        joint = revolute(t_vec[0], t_pts[0], turn["limits"])
        asm.part(asm.name(turn["kind"]), t_mesh, joint, t_pts[1:], door, value=0.0)
    return door


def sliding_door(
    asm: Assembly,
    rng: np.random.Generator,
    name: str,
    rect,
    z0: float,
    t: float,
    direction: int,
    travel: float,
    frame: Frame | None = None,
    style: str = "flat",
    parent: int = 0,
) -> int:
    """A door sliding along the front frame's x (direction +1 or -1) by up to `travel`, with a
    recessed finger pull near the edge it moves away from (where a hand pushes it)."""
    x0, x1, y0, y1 = rect
    w, h = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    px = (-w / 2 + 0.05) if direction > 0 else (w / 2 - 0.05)
    pk = (px - 0.012, px + 0.012, -0.06, 0.06) if t > 0.012 and h > 0.2 else None
    body = S.translate(panel(rng, w, h, t, style if pk is None else "flat", pk), (cx, cy, z0 + t / 2))
    zf = z0 + t
    edge_x = x0 if direction > 0 else x1
    grasp = np.array([[cx + px, cy, zf], [edge_x, cy, zf], [cx, cy, zf]])
    mesh, pts, vec = _place(frame, body, grasp, np.array([[float(direction), 0.0, 0.0]]))
    return asm.part(name, mesh, prismatic(vec[0], pts[2], (0.0, travel)), pts, parent)


# ----------------------------------------------------------------------------------- drawers


def drawer(
    asm: Assembly,
    rng: np.random.Generator,
    name: str,
    rect,
    z_front: float,
    depth: float,
    frame: Frame | None = None,
    overlay=None,
    front_t: float = 0.018,
    style: str = "flat",
    handle_style: str = "bar",
    handle_span: float | None = None,
    handle_scale: float = 1.0,
    two_handles: bool = False,
    pocket: bool = False,
    wall: float | None = None,
    box_height: float | None = None,
    limits_frac=(0.6, 0.9),
    parent: int = 0,
    p_open: float | None = None,
) -> int:
    """A drawer in the opening rect (x0, x1, y0, y1) of the front plane z = `z_front`, with a
    cavity `depth` deep behind it. overlay: None for an inset front (flush in the opening, 2-3 mm
    gaps), or (left, right, bottom, top) margins by which an overlay front covers the frame around
    the opening (it then stands 1-2 mm proud of the front plane). The box is an open-top shell."""
    x0, x1, y0, y1 = rect
    w, h = x1 - x0, y1 - y0
    if overlay is None:
        g = rng.uniform(0.002, 0.003)
        fx0, fx1, fy0, fy1 = x0 + g, x1 - g, y0 + g, y1 - g
        fz0 = z_front - front_t
    else:
        fx0, fx1, fy0, fy1 = x0 - overlay[0], x1 + overlay[1], y0 - overlay[2], y1 + overlay[3]
        fz0 = z_front + rng.uniform(0.001, 0.002)
    fw, fh = fx1 - fx0, fy1 - fy0
    fcx, fcy = (fx0 + fx1) / 2, (fy0 + fy1) / 2
    fzf = fz0 + front_t
    # Box behind the front.
    side_gap = min(rng.uniform(0.006, 0.014), 0.1 * w)
    bw = w - 2 * side_gap
    bh = box_height if box_height is not None else h * rng.uniform(0.55, 0.85)
    bh = min(bh, h - 0.008)
    if bh <= 0.0:  # an opening under 8 mm tall (a crowded chest): a thin box rather than a crash
        bh = 0.5 * h
    avail = depth - (z_front - fz0 if overlay is None else 0.0) - 0.006
    bd = avail * rng.uniform(0.8, 0.97)
    tw = wall if wall is not None else min(rng.uniform(0.008, 0.015), 0.15 * bw, 0.2 * bh)
    box_m = S.box_shell(
        (bw, bh, bd),
        (tw, tw, min(tw, rng.uniform(0.005, 0.012)), 0, tw, tw),
        "+y",
        ((x0 + x1) / 2, y0 + 0.004 + bh / 2, fz0 - bd / 2 - 0.0005),
    )
    # Front with handle(s): horizontal handle near the top third or centre.
    hy = fcy + (rng.uniform(0.0, 0.25) * fh if fh > 0.2 else 0.0)
    pk = None
    if pocket:
        pw = min(0.15, 0.4 * fw)
        ph = min(0.03, 0.35 * fh)
        top = fh / 2 - min(0.02, 0.15 * fh)
        pk = (-pw / 2, pw / 2, top - ph, top)
        handle_style = "none"
    front = S.translate(panel(rng, fw, fh, front_t, style, pk), (fcx, fcy, fz0 + front_t / 2))
    meshes = [front, box_m]
    hs = handle_span if handle_span is not None else min(fw * rng.uniform(0.25, 0.6), rng.uniform(0.08, 0.3))
    grasp = [np.array([fcx, fy1, fzf])]
    xs = [fcx - fw / 4, fcx + fw / 4] if two_handles and fw > 0.5 else [fcx]
    for hx in xs:
        hm, hg = placed_handle(
            rng, handle_style, hs if len(xs) == 1 else 0.7 * hs, (hx, hy, fzf), (1, 0, 0), handle_scale
        )
        if hm is not None:
            meshes.append(hm)
            grasp.insert(0, hg)
    if pocket:
        grasp.insert(0, np.array([fcx, fcy + (pk[2] + pk[3]) / 2, fzf - 0.005]))
    grasp.append(np.array([fcx, fcy, fzf]))
    mesh, pts, vec = _place(frame, S.merge(meshes), np.vstack([[fcx, fcy, fzf]] + grasp), np.array([[0.0, 0.0, 1.0]]))
    travel = bd * rng.uniform(*limits_frac)
    return asm.part(name, mesh, prismatic(vec[0], pts[0], (0.0, travel)), pts[1:], parent, p_open=p_open)


# ----------------------------------------------------------------------------- carcass bits


def shelves(rng: np.random.Generator, rect, z_back: float, z_front: float, t: float, count: int) -> list[S.Mesh]:
    """`count` shelves evenly spaced inside the cavity rect (x0, x1, y0, y1), set back from the
    front by 10-30 mm."""
    x0, x1, y0, y1 = rect
    setback = rng.uniform(0.01, 0.03)
    out = []
    for k in range(1, count + 1):
        y = y0 + (y1 - y0) * k / (count + 1)
        out.append(
            S.box(
                (x1 - x0 - 0.002, t, z_front - z_back - setback), ((x0 + x1) / 2, y, (z_back + z_front - setback) / 2)
            )
        )
    return out


def feet(rng: np.random.Generator, x0, x1, z0, z1, height: float, style: str, inset: float = 0.03) -> list[S.Mesh]:
    """Four feet of `height` under the rectangle x0..x1, z0..z1 (floor at y = 0): "cylinder",
    "square", "tapered", "bun", or "plinth" (a recessed skirting box)."""
    if style == "plinth":
        rz = rng.uniform(0.02, 0.06)
        return [
            S.box(
                (x1 - x0 - inset, height, z1 - z0 - rz - 0.01),
                ((x0 + x1) / 2, height / 2, (z0 + z1 - rz) / 2),
            )
        ]
    out = []
    r = rng.uniform(0.012, 0.03)
    for x in (x0 + inset, x1 - inset):
        for z in (z0 + inset, z1 - inset):
            if style == "square":
                out.append(S.box((2 * r, height, 2 * r), (x, height / 2, z)))
            elif style == "tapered":
                out.append(S.lathe([(0, 0), (0.6 * r, 0), (r, height), (0, height)], 10, (x, 0, z)))
            elif style == "bun":
                prof = [(0, 0), (0.7 * r, 0), (1.3 * r, 0.5 * height), (0.9 * r, height), (0, height)]
                out.append(S.lathe(prof, 12, (x, 0, z)))
            else:
                out.append(S.cylinder(r, height, 12, (x, height / 2, z)))
    return out
