"""Hand-held and desk objects: Keyboard, Mouse, Pen, Phone, Pliers, Remote, Scissors, Stapler,
Switch, USB, Lighter.

Object frame: metres, +Y up, +Z front, resting on y = 0 the way each object sits on a table (a pen,
pliers, scissors, a phone or a remote lying flat; a lighter standing; a wall switch plate upright,
its face toward +Z and its back on the wall at z = 0), centred on x = z = 0. The generator turns
them over (yaw, tilt, another up axis) itself.

Every movable part carries its true joint, limits relative to the closed pose (0 = key up, lid shut,
blades closed, cap on, connector in); the facts used (sizes, parts, axes, pivots, ranges) are in
``docs/categories_world_handheld.md``. Keys and buttons are plain boxes (a key: cap and stem, 24
triangles) so a keyboard of a hundred keys stays a few thousand triangles.
"""

from __future__ import annotations

import copy

import numpy as np

from dragmesh.data import shapes as S
from dragmesh.data.categories.assembly import Assembly, opening_axis, prismatic, revolute
from dragmesh.data.categories.controls import assemble, make_part, rest_value, toggle_part, transform_parts
from dragmesh.data.categories.fronts import choose
from dragmesh.data.objects import ArticulatedObject, Part, register

X, Y, Z = np.eye(3)
DEG = np.pi / 180.0
_CUBE_V, _CUBE_F = S.box((1.0, 1.0, 1.0))


def _u(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(rng.uniform(lo, hi))


# ------------------------------------------------------------------------------- local shapes


def _grid_solid(P: np.ndarray) -> S.Mesh:
    """Closed mesh of a deformed lattice: P (nx, 2, nz, 3) holds the positions of the lattice points
    (index 1 of the second axis is the top sheet). Faces come from the box lattice of
    :func:`dragmesh.data.shapes.box`, flipped when the deformation turned the solid inside out."""
    nx, ny, nz, _ = P.shape
    addr, faces = S._box_topology(nx, ny, nz)
    v = P[addr[:, 0], addr[:, 1], addr[:, 2]]
    if S.signed_volume((v, faces)) < 0:
        faces = faces[:, ::-1]
    return v, faces


def _ribbon(path, widths, y0, y1) -> S.Mesh:
    """A flat strip lying in the xz-plane: a centre line ``path`` (n, 2) of (x, z) points, a width per
    point (or one), between heights y0 and y1 (scalars or one per point). Jaws, handles, blades,
    clips."""
    p = np.asarray(path, dtype=np.float64)
    n = len(p)
    t = np.gradient(p, axis=0)
    t /= np.linalg.norm(t, axis=1, keepdims=True)
    nrm = np.stack([-t[:, 1], t[:, 0]], 1)
    w = 0.5 * np.broadcast_to(np.asarray(widths, dtype=np.float64), (n,))[:, None]
    ys = [np.broadcast_to(np.asarray(y, dtype=np.float64), (n,)) for y in (y0, y1)]
    P = np.empty((2, 2, n, 3))
    for a, side in enumerate((p - nrm * w, p + nrm * w)):
        for k in range(2):
            P[a, k, :, 0], P[a, k, :, 1], P[a, k, :, 2] = side[:, 0], ys[k], side[:, 1]
    return _grid_solid(P)


def _wedge(W: float, D: float, h_front: float, h_back: float, y0: float = 0.0, bevel: float = 0.0) -> S.Mesh:
    """A box W x D standing on y = y0 whose top slopes from h_back (at z = -D/2) to h_front (+D/2)."""
    hm = 0.5 * (h_front + h_back)
    v, f = S.box((W, hm, D), (0.0, hm / 2, 0.0), bevel=bevel, bevel_segments=1)
    h = h_front + (h_back - h_front) * (D / 2 - v[:, 2]) / D
    v = v.copy()
    v[:, 1] = v[:, 1] * h / hm + y0
    return v, f


def _scaled(mesh: S.Mesh, sx: float = 1.0, sy: float = 1.0, sz: float = 1.0, center=(0.0, 0.0, 0.0)) -> S.Mesh:
    c = np.asarray(center, dtype=np.float64)
    return (mesh[0] - c) * np.array([sx, sy, sz]) + c, mesh[1]


def _star_wheel(radius: float, width: float, center, axis, teeth: int, depth: float = 0.08) -> S.Mesh:
    """A knurled wheel (thumb wheel, flint wheel, scroll wheel): a toothed disc of ``width`` about
    ``axis`` through ``center``; the teeth make its turn visible."""
    a = np.linspace(0.0, 2 * np.pi, 2 * teeth, endpoint=False)
    r = np.where(np.arange(2 * teeth) % 2 == 0, radius, radius * (1.0 - depth))
    sec = np.stack([r * np.cos(a), r * np.sin(a)], 1)
    path = np.array([[-width / 2, 0.0, 0.0], [width / 2, 0.0, 0.0]])
    m = S.sweep(path, section=sec)
    R = S.frame_matrix(axis, (0.0, 1.0, 0.0) if abs(np.asarray(axis, float)[1]) < 0.9 else (1.0, 0.0, 0.0))
    # local +x (the sweep's direction) onto the axis: frame_matrix maps +z onto it, so swap first.
    v = m[0][:, [1, 2, 0]]
    return v @ R.T + np.asarray(center, dtype=np.float64), m[1]


class _Plane:
    """A flat face to put keys and buttons on: origin ``o``, in-plane axes ``ex`` (across) and ``es``
    (along), outward normal ``n`` (ex x n = es). Local coordinates (x, h, s): across, height, along."""

    def __init__(self, o, ex, n, es):
        self.o = np.asarray(o, dtype=np.float64)
        self.R = np.stack([ex, n, es], axis=1).astype(np.float64)
        self.n = self.R[:, 1]

    def point(self, x: float, s: float, h: float = 0.0) -> np.ndarray:
        return self.o + self.R @ np.array([x, h, s])

    def place(self, mesh: S.Mesh) -> S.Mesh:
        return mesh[0] @ self.R.T + self.o, mesh[1]

    def points(self, local: np.ndarray) -> np.ndarray:
        return local @ self.R.T + self.o


def _lift(base: list, parts: list[Part]) -> tuple[list, list[Part]]:
    """Move everything so the lowest point of the object is on the table (y = 0) and its bounding
    box is centred on x = z = 0."""
    pts = [m[0] for m in base if m is not None] + [p.vertices for p in parts]
    lo = np.min([v.min(0) for v in pts], axis=0)
    hi = np.max([v.max(0) for v in pts], axis=0)
    d = np.array([-0.5 * (lo[0] + hi[0]), -lo[1], -0.5 * (lo[2] + hi[2])])
    M = np.eye(4)
    M[:3, 3] = d
    return [S.translate(m, d) for m in base if m is not None], transform_parts(parts, M)


def _assemble(
    category: str, rng: np.random.Generator, base: list, parts: list[Part], light: list[Part], size, **meta
) -> ArticulatedObject:
    """:func:`~dragmesh.data.categories.controls.assemble` for the base and ``parts``, then the
    ``light`` parts (keys, buttons: small boxes posed in place, dozens of them) appended as they are,
    without the density pass, so an object of a hundred keys builds in a few milliseconds."""
    obj = assemble(category, rng, base, parts, size=size, **meta)
    obj.parts.extend(light)
    return obj


def _press_button(
    plane: _Plane, x: float, s: float, size, travel: float, name: str, round_: bool = False, proud: float | None = None,
    bevel: bool = False,
) -> Part:
    """A button on a face pressing along -normal by ``travel`` (0 = up). size = (across, along);
    it stands ``proud`` above the face (default travel + 0.5 mm), from 0.1 mm off it (its hole in the
    body is not modelled: a pressed button sinks into the face)."""
    w, l = size
    h = travel + 0.0005 if proud is None else proud
    g = 0.0001
    if round_:
        m = S.cylinder(w / 2, h - g, 12, (x, (h + g) / 2, s), axis=(0, 1, 0))
    else:
        m = S.box((w, h - g, l), (x, (h + g) / 2, s), bevel=0.3 * min(h, w, l) if bevel else 0.0, bevel_segments=1)
    top = plane.point(x, s, h)
    return make_part(name, plane.place(m), prismatic(-plane.n, top, (0.0, travel)), [top])


# ------------------------------------------------------------------------------------ keyboard


def _key_rows(rng: np.random.Generator, U: float, rows: int) -> tuple[list, int]:
    """Key rectangles (centre x, centre row, width, height) in key units of a staggered main block
    ``U`` units wide with ``rows`` rows (the last one holds modifiers and the space bar); returns
    them and the index of the space bar."""
    keys = []
    firsts = (1.0, 1.5, 1.75, 2.25)
    for r in range(rows - 1):
        first = firsts[(r + (4 - (rows - 1))) % 4] if U >= 13 else min(firsts[r % 4], 1.5)
        n1 = int(np.floor(U - first + 1e-9)) - 1
        widths = [first] + [1.0] * n1 + [U - first - n1]
        x = 0.0
        for w in widths:
            keys.append((x + w / 2, r + 0.5, w, 1.0))
            x += w
    # Bottom row: a space bar of 40-50% of the width between modifier keys of about 1.25 units.
    space = round(U * _u(rng, 0.4, 0.5) * 4) / 4
    n_mods = max(2, int(round((U - space) / 1.25)))
    mw = (U - space) / n_mods
    nl = n_mods // 2 - int(rng.integers(0, 2)) if n_mods > 2 else 1
    nr = n_mods - nl
    space_index = len(keys) + nl
    x, r = 0.0, rows - 0.5
    for w in [mw] * nl + [space] + [mw] * nr:
        keys.append((x + w / 2, r, w, 1.0))
        x += w
    return keys, space_index


def _numpad(x0: float, r0: float, extra_row: bool) -> list:
    """A numeric block of 17 keys (NumLock / * -, 7 8 9 +, 4 5 6, 1 2 3 Enter, 0 .), the + and Enter
    keys two rows tall, the 0 key two wide; ``extra_row``: four more keys above (a stand-alone pad)."""
    keys = []
    if extra_row:
        keys += [(x0 + c + 0.5, r0 + 0.5, 1.0, 1.0) for c in range(4)]
        r0 += 1
    keys += [(x0 + c + 0.5, r0 + 0.5, 1.0, 1.0) for c in range(4)]
    for r in range(1, 4):
        keys += [(x0 + c + 0.5, r0 + r + 0.5, 1.0, 1.0) for c in range(3)]
    keys += [(x0 + 1.0, r0 + 4.5, 2.0, 1.0), (x0 + 2.5, r0 + 4.5, 1.0, 1.0)]
    keys += [(x0 + 3.5, r0 + 2.0, 1.0, 2.0), (x0 + 3.5, r0 + 4.0, 1.0, 2.0)]
    return keys


@register("Keyboard")
def keyboard(rng: np.random.Generator) -> ArticulatedObject:
    """A computer keyboard (compact, tenkeyless, full size) or a stand-alone numeric keypad: a wedge
    body sloping up to the back, keys pressing 2-4 mm along the deck's normal, a wide space bar,
    sometimes fold-out feet hinged at the back of the underside."""
    layout = choose(rng, ("compact", "tkl", "full", "numpad"), [3, 3, 2, 2])
    p = _u(rng, 0.0175, 0.0195)  # key pitch (19.05 mm on most keyboards)
    low = rng.random() < 0.4  # low-profile scissor keys vs full-travel keys
    travel = _u(rng, 0.002, 0.0026) if low else _u(rng, 0.003, 0.004)
    cap_t = _u(rng, 0.0015, 0.0025) if low else _u(rng, 0.004, 0.0065)
    clear = travel + _u(rng, 0.0005, 0.0012)
    gap = p * _u(rng, 0.08, 0.2)
    space_index = -1
    if layout == "numpad":
        keys = _numpad(0.0, 0.0, rng.random() < 0.4)
        U = 4.0
    else:
        U = float(rng.integers(11, 15)) if layout == "compact" else 15.0
        rows = int(rng.integers(4, 6)) if layout == "compact" else 5
        keys, space_index = _key_rows(rng, U, rows)
        right = U
        if layout in ("tkl", "full"):
            fgap = float(rng.choice([0.25, 0.5]))
            keys = [(x, r + 1 + fgap, w, h) for x, r, w, h in keys]
            keys.append((0.5, 0.5, 1.0, 1.0))  # Esc
            for x0 in (2.0, 6.5, 11.0):  # F1-F12 in groups of four
                keys += [(x0 + c + 0.5, 0.5, 1.0, 1.0) for c in range(4)]
            x0 = U + 0.5
            r0 = 1 + fgap
            if rng.random() < 0.5:  # Insert/Home/PgUp, Delete/End/PgDn
                keys += [(x0 + c + 0.5, r0 + r + 0.5, 1.0, 1.0) for r in range(2) for c in range(3)]
            keys += [(x0 + 1.5, r0 + rows - 1.5, 1.0, 1.0)]  # arrows
            keys += [(x0 + c + 0.5, r0 + rows - 0.5, 1.0, 1.0) for c in range(3)]
            right = x0 + 3.0
            if layout == "full":
                keys += _numpad(right + 0.5, r0, False)
                right += 4.5
        U = right
    ku = np.array(keys)
    n_rows = float((ku[:, 1] + ku[:, 3] / 2).max())
    # Body: margins around the key field, a wedge rising to the back.
    mx = _u(rng, 0.006, 0.025)
    mb = _u(rng, 0.008, 0.035)
    mf = _u(rng, 0.04, 0.07) if layout == "full" and rng.random() < 0.3 else _u(rng, 0.006, 0.02)  # palm rest
    fw, fd = U * p, n_rows * p
    W, D = fw + 2 * mx, fd + mb + mf
    h_f = _u(rng, 0.007, 0.013) if low else _u(rng, 0.012, 0.02)
    tilt = _u(rng, 0.0, 6.0) * DEG
    h_b = h_f + D * np.tan(tilt)
    feet = layout != "numpad" and rng.random() < 0.5
    ft = _u(rng, 0.002, 0.003) if feet else 0.0
    e = ft + 0.0003 if feet else 0.0
    bevel = min(_u(rng, 0.001, 0.006), 0.4 * h_f)
    base = [_wedge(W, D, h_f, h_b, e, bevel)]
    k = (h_b - h_f) / D
    c = 1.0 / np.sqrt(1.0 + k * k)
    n = np.array([0.0, c, k * c])
    es = np.array([0.0, -k * c, c])
    zc = -D / 2 + mb + fd / 2  # field centre along z
    deck = _Plane((0.0, e + h_f + (h_b - h_f) * (D / 2 - zc) / D, zc), X, n, es)
    if rng.random() < 0.5:  # a bezel around the key field
        bw = min(mx, mb, mf) * _u(rng, 0.5, 0.9)
        fr = S.frame((fw + 2 * bw + 0.002, fd + 2 * bw + 0.002, clear + 0.5 * cap_t), bw)
        fr = S.rotate(S.translate(fr, (0, 0, (clear + 0.5 * cap_t) / 2)), X, -np.pi / 2)
        base.append(deck.place(fr))
    if e > 0.0:  # rubber pads at the front of the underside
        for sx in (-1, 1):
            base.append(S.box((0.012, e, 0.008), (sx * (W / 2 - 0.02), e / 2, D / 2 - 0.012)))
    # Keys, vectorised: cap and stem per key (16 vertices, 24 triangles).
    K = len(ku)
    x = (ku[:, 0] - U / 2) * p
    s = (ku[:, 1] - n_rows / 2) * p
    kw, kd = ku[:, 2] * p - gap, ku[:, 3] * p - gap
    st = 0.3 * p
    cap_c = np.stack([x, np.full(K, clear + cap_t / 2), s], 1)
    cap_s = np.stack([kw, np.full(K, cap_t), kd], 1)
    stem_c = np.stack([x, np.full(K, (clear - 0.001) / 2), s], 1)
    stem_s = np.tile([st, clear + 0.001, st], (K, 1))
    cap = _CUBE_V[None] * cap_s[:, None] + cap_c[:, None]
    stem = _CUBE_V[None] * stem_s[:, None] + stem_c[:, None]
    loc = np.concatenate([cap, stem], 1)
    verts = deck.points(loc.reshape(-1, 3)).reshape(K, 16, 3)
    faces = np.concatenate([_CUBE_F, _CUBE_F + 8])
    faces.setflags(write=False)  # shared by every key
    tops = deck.points(np.stack([x, np.full(K, clear + cap_t), s], 1))
    # One validated joint, copied per key with its own origin (validating a hundred equal joints
    # was half of the build time).
    j0 = prismatic(-n, tops[0], (0.0, travel))
    keys = []
    for i in range(K):
        name = "space_bar" if i == space_index else f"key_{i}"
        j = copy.copy(j0)
        j.origin = tops[i]
        keys.append(Part(name, verts[i], faces, j, 0.0, tops[i][None]))
    parts = []
    if feet:
        fl, fwid = _u(rng, 0.02, 0.035), _u(rng, 0.012, 0.025)
        zh = -D / 2 + _u(rng, 0.006, 0.012)
        swing = _u(rng, 80.0, 95.0) * DEG
        for j, sx in enumerate((-1, 1)):
            xf = sx * (W / 2 - _u(rng, 0.025, 0.05))
            m = S.box((fwid, ft, fl), (xf, ft / 2, zh + fl / 2), bevel=0.3 * ft, bevel_segments=1)
            o = np.array([xf, ft / 2, zh])
            free = np.array([xf, 0.0, zh + fl])
            jnt = revolute(opening_axis(X, o, free, -Y), o, (0.0, swing))
            parts.append(make_part(f"foot_{j}", m, jnt, [free + (0, ft, 0)]))
    H = e + h_b + clear + cap_t
    return _assemble("Keyboard", rng, base, parts, keys, size=(W, H, D), layout=layout, keys=K)


# ---------------------------------------------------------------------------------------- mouse


@register("Mouse")
def mouse(rng: np.random.Generator) -> ArticulatedObject:
    """A computer mouse: a domed body, left and right buttons hinged at their back end (a press of
    3-5 degrees) or pressing straight down, a scroll wheel turning about its horizontal axle,
    sometimes two thumb buttons on the side."""
    L = _u(rng, 0.095, 0.125)
    W = L * _u(rng, 0.5, 0.6)
    H = _u(rng, 0.032, 0.042)
    Hs = H * _u(rng, 0.3, 0.45)
    taper = _u(rng, 0.0, 0.15)  # narrower at the front
    back = _u(rng, 0.15, 0.35)  # the dome peaks toward the back
    qq = np.linspace(-1.0, 1.0, 201)
    fmax = float((np.sqrt(1 - qq * qq) * (1 - back * (qq + 1) / 2)).max())

    def half_w(z):
        q = np.clip(np.asarray(z) / (L / 2), -1.0, 1.0)
        return W / 2 * (1 - taper * q) * np.sqrt(np.clip(1 - q * q, 0.0, 1.0))

    def top(x, z):
        q = np.clip(np.asarray(z) / (L / 2), -1.0, 1.0)
        rho2 = np.clip((x / (W / 2 * (1 - taper * q))) ** 2 + q * q, 0.0, 1.0)
        return Hs + (H - Hs) * np.sqrt(1 - rho2) * (1 - back * (q + 1) / 2) / fmax

    hinged = rng.random() < 0.7
    tb = _u(rng, 0.0015, 0.0025)  # button shell thickness
    theta = _u(rng, 3.0, 5.0) * DEG
    press = _u(rng, 0.0008, 0.002)
    wheel = rng.random() < 0.9
    ww = _u(rng, 0.005, 0.008) if wheel else 0.0
    xg = ww / 2 + _u(rng, 0.0008, 0.002) if wheel else _u(rng, 0.0003, 0.0008)
    rim = _u(rng, 0.0012, 0.002)  # the shell's rim around the buttons
    z_s = L * _u(rng, -0.1, 0.05)
    zz = np.linspace(z_s, L / 2, 400)
    z_bf = float(zz[half_w(zz) - rim - xg > 0.008].max())

    def clearance(z):
        return 0.0004 + (1.15 * np.tan(theta) * np.clip(z - z_s, 0, None) if hinged else press)

    # Body: a height field over the outline, lowered under the buttons inside a rim.
    a_s = np.arcsin(z_s / (L / 2))
    a_f = np.arcsin(min((z_bf + 0.0004) / (L / 2), 0.99))
    zs_all = np.concatenate([
        L / 2 * np.sin(np.linspace(-0.47 * np.pi, a_s, 7)),
        np.linspace(z_s, z_bf + 0.0004, 6),
        L / 2 * np.sin(np.linspace(a_f, 0.47 * np.pi, 4)),
    ])
    low = np.concatenate([np.zeros(7, bool), np.ones(6, bool), np.zeros(4, bool)])
    hw = half_w(zs_all)
    inner = np.maximum(hw - rim, 0.5 * hw)
    u = np.linspace(-1.0, 1.0, 8)
    # Columns: outline, rim edge twice (a step down into the button well), inner, and back out.
    cols = [-hw, -inner, -inner] + [k * inner for k in u[1:-1]] + [inner, inner, hw]
    xs = np.stack(cols)
    lowered = np.zeros(len(xs), bool)
    lowered[2:-2] = True
    Zs = np.broadcast_to(zs_all[None, :], xs.shape)
    drop = np.where(low[None, :] & lowered[:, None], tb + clearance(Zs), 0.0)
    ytop = top(xs, Zs) - drop
    P = np.stack([np.stack([xs, np.zeros_like(xs), Zs], -1), np.stack([xs, ytop, Zs], -1)], 1)
    base = [_grid_solid(P)]
    # Buttons: shells of the dome over the front, split by the wheel's slot.
    # Pressed, the button's low outer corners swing back: leave them room behind.
    y_hinge = float(top(xg, z_s)) - tb / 2
    back_gap = 0.0003 + (1.3 * (y_hinge - float(top(half_w(z_s) - rim, z_s)) + tb) * np.tan(theta) if hinged else 0.0)
    zbz = np.linspace(z_s + back_gap, z_bf, 8)
    s_ = np.linspace(0.0, 1.0, 5)
    bx = xg + s_[:, None] * (half_w(zbz)[None, :] - rim - 0.0003 - xg)
    bz = np.broadcast_to(zbz[None, :], bx.shape)
    yt = top(bx, bz) + 0.0002
    Pb = np.stack([np.stack([bx, yt - tb, bz], -1), np.stack([bx, yt, bz], -1)], 1)
    right_btn = _grid_solid(Pb)
    parts = []
    for name, sx in (("button_left", 1.0), ("button_right", -1.0)):
        m = right_btn if sx > 0 else S.mirror(right_btn, 0)
        xm = sx * 0.5 * (xg + float(half_w(z_bf)))
        front = np.array([xm, float(top(xm, z_bf)), z_bf])
        zg = (z_bf - 0.25 * (z_bf - z_s), 0.5 * (z_s + z_bf))
        grasp = [np.array([xm, float(top(xm, z)) + 0.0002, z]) for z in zg]
        if hinged:
            o = np.array([0.0, y_hinge, z_s + back_gap])
            j = revolute(opening_axis(X, o, front, -Y), o, (0.0, theta))
        else:
            j = prismatic(-Y, front, (0.0, press))
        parts.append(make_part(name, m, j, grasp))
    if wheel:
        rw = _u(rng, 0.008, 0.011)
        zw = z_s + _u(rng, 0.15, 0.3) * (z_bf - z_s)
        c = np.array([0.0, float(top(0.0, zw)) + _u(rng, 0.001, 0.0025) - rw, zw])
        m = _star_wheel(rw, ww, c, X, int(rng.integers(14, 24)), 0.06)
        parts.append(make_part("wheel", m, revolute(X, c, None), [c + (0, rw, 0)]))
    if rng.random() < 0.35:  # two thumb buttons on the left side
        z1 = L * _u(rng, -0.15, 0.05)
        bl, bh = _u(rng, 0.012, 0.017), _u(rng, 0.004, 0.006)
        tr = _u(rng, 0.0006, 0.0012)
        for i, zc in enumerate((z1 - bl / 2 - 0.001, z1 + bl / 2 + 0.001)):
            hw = float(half_w(zc))
            slope = float((half_w(zc + 1e-4) - half_w(zc - 1e-4)) / 2e-4)
            nrm = np.array([1.0, 0.0, -slope])
            nrm /= np.linalg.norm(nrm)
            at = np.array([hw - 0.0005, min(Hs * _u(rng, 0.55, 0.75), float(top(hw, zc)) - bh), zc])
            m = S.orient(S.button(bh, bl, tr + 0.0015), nrm, np.cross(nrm, Y) * -1, at)
            tip = at + nrm * (tr + 0.0015)
            parts.append(make_part(f"side_button_{i}", m, prismatic(-nrm, tip, (0.0, tr)), [tip]))
    return assemble("Mouse", rng, base, parts, size=(W, H, L), buttons="hinged" if hinged else "press")


# ------------------------------------------------------------------------------------------ pen


def _clip(x0: float, x1: float, r: float, width: float, t: float, root_at_x0: bool) -> S.Mesh:
    """A pocket clip along x on top of a barrel of radius r (before turning about the pen's axis):
    a strip standing off the barrel and a root block joining it at one end."""
    g = 0.0006
    path = np.stack([np.linspace(x0, x1, 6), np.zeros(6)], 1)
    w = np.linspace(width, 0.75 * width, 6) if root_at_x0 else np.linspace(0.75 * width, width, 6)
    strip = _ribbon(path, w, r + g, r + g + t)
    xr = x0 if root_at_x0 else x1
    d = 0.006 if root_at_x0 else -0.006
    root = S.box((abs(d), r * 0.4 + g + t, width), (xr + d / 2, r * 0.8 + (r * 0.4 + g + t) / 2, 0.0))
    return S.merge(strip, root)


@register("Pen")
def pen(rng: np.random.Generator) -> ArticulatedObject:
    """A pen lying on the table along x (tip at +x): a retractable ballpoint whose click button at
    the back presses along the long axis, or a capped pen / marker whose cap pulls off along it;
    a pocket clip on the barrel or the cap."""
    kind = choose(rng, ("click", "cap", "marker"), [5, 4, 1])
    marker = kind == "marker"
    r = _u(rng, 0.006, 0.0095) if marker else _u(rng, 0.0035, 0.0055)
    Lp = _u(rng, 0.115, 0.14) if marker else _u(rng, 0.125, 0.15)
    segs = int(rng.integers(12, 21))
    xb, xe = -Lp / 2, Lp / 2
    tip_len = _u(rng, 0.008, 0.012) if marker else _u(rng, 0.012, 0.025)
    clip_phi = _u(rng, -110.0, 110.0) * DEG
    has_clip = rng.random() < 0.85
    base, parts = [], []
    if kind == "click":
        travel = _u(rng, 0.003, 0.006)
        lp = travel + _u(rng, 0.002, 0.006)
        xbb = xb + lp
        rp = r * _u(rng, 0.45, 0.7)
        rt = _u(rng, 0.0005, 0.0008)
        xt = xe - tip_len
        prof = [(0.0, xbb), (0.85 * r, xbb), (r, xbb + 0.0015), (r, xt - 0.03)]
        if rng.random() < 0.6:  # a rubber grip section
            rg = r * _u(rng, 1.05, 1.15)
            prof += [(rg, xt - 0.028), (rg, xt - 0.003)]
        prof += [(r, xt), (2.2 * rt, xe - 0.0012), (rt, xe - 0.0012), (0.6 * rt, xe), (0.0, xe)]
        base.append(S.lathe(prof, segs, axis=(1, 0, 0)))
        plunger = S.cylinder(rp, lp + 0.004, segs, (xb + (lp + 0.004) / 2, 0, 0), axis=(1, 0, 0), bevel=0.3 * rp)
        o = np.array([xb, 0.0, 0.0])
        parts.append(make_part("button", plunger, prismatic(X, o, (0.0, travel)), [o + (0.001, 0, 0)]))
        if has_clip:
            cw, ct = _u(rng, 0.003, 0.005), _u(rng, 0.0008, 0.0014)
            clip = _clip(xbb + 0.001, xbb + _u(rng, 0.035, 0.05), r, cw, ct, True)
            base.append(S.rotate(clip, X, clip_phi))
    else:
        cap_len = _u(rng, 0.04, 0.055) if marker else _u(rng, 0.045, 0.065)
        rc = r * _u(rng, 1.04, 1.12)
        e = _u(rng, 0.002, 0.006)
        xf = xe - e  # writing tip, inside the cap
        xc = xe - cap_len  # the cap's open end
        rs = r * _u(rng, 0.82, 0.9)  # barrel section the cap slides over
        rt = _u(rng, 0.0008, 0.0015) if marker else _u(rng, 0.0005, 0.0008)
        xt = xf - tip_len
        prof = [(0.0, xb), (0.85 * r, xb), (r, xb + 0.002), (r, xc), (rs, xc), (rs, xt)]
        prof += [(2.2 * rt, xf - 0.0015), (rt, xf), (0.0, xf)]
        base.append(S.lathe(prof, segs, axis=(1, 0, 0)))
        if rng.random() < 0.5:  # end plug
            base.append(S.cylinder(0.8 * r, 0.004, segs, (xb - 0.0015, 0, 0), axis=(1, 0, 0), bevel=0.001))
        # A hollow cap: its bore fits over the barrel's thinner front section and the tip.
        cap = [S.cup(rc, xe - xc, rc - rs - 0.0002, segs, bottom=0.6 * e, center=(0.5 * (xc + xe), 0, 0), axis=-X)]
        if has_clip:
            cw, ct = _u(rng, 0.003, 0.005), _u(rng, 0.0008, 0.0014)
            clip = _clip(xe - _u(rng, 0.03, 0.045), xe - 0.002, rc, cw, ct, False)
            cap.append(S.rotate(clip, X, clip_phi))
        pull = (xf - xc) * _u(rng, 0.75, 0.95)
        o = np.array([xe, 0.0, 0.0])
        grasp = [np.array([0.5 * (xc + xe), rc, 0.0]), np.array([0.5 * (xc + xe), -rc, 0.0])]
        value = rest_value(rng, (0.0, pull), 0.75)
        parts.append(make_part("cap", S.merge(cap), prismatic(X, o, (0.0, pull)), grasp, value))
    base, parts = _lift(base, parts)
    return assemble("Pen", rng, base, parts, size=(Lp, 2 * r, 2 * r), kind=kind)


# ---------------------------------------------------------------------------------------- phone


def _keypad(plane: _Plane, x0: float, x1: float, s0: float, s1: float, cols: int, rows: int, h: float) -> list:
    """Fixed key bumps in a grid on a face (a phone's keypad)."""
    out = []
    pw, pl = (x1 - x0) / cols, (s1 - s0) / rows
    for r in range(rows):
        for c in range(cols):
            m = S.box((0.8 * pw, h, 0.75 * pl), (x0 + (c + 0.5) * pw, h / 2, s0 + (r + 0.5) * pl))
            out.append(plane.place(m))
    return out


@register("Phone")
def phone(rng: np.random.Generator) -> ArticulatedObject:
    """A phone lying on the table, its top end toward -z: a flip phone whose lid turns about the
    hinge across the body's top end (0-160 degrees, often resting open), a slider phone whose screen
    half slides along the long axis over the keypad, or a bar phone with side keys pressing in."""
    kind = choose(rng, ("flip", "slider", "bar"), [5, 3, 2])
    base, parts = [], []
    if kind == "flip":
        W, L = _u(rng, 0.044, 0.054), _u(rng, 0.085, 0.105)
        tb, tl, g = _u(rng, 0.008, 0.012), _u(rng, 0.006, 0.01), _u(rng, 0.0006, 0.001)
        rk = min(tb, tl) * _u(rng, 0.7, 0.9)
        kw = W * _u(rng, 0.15, 0.22)
        y_h, z_h = tb + g / 2, -L / 2
        z0 = z_h + rk + 0.0004
        bev = min(0.003, 0.4 * tl)
        base.append(S.box((W, tb, L / 2 - z0), (0, tb / 2, (z0 + L / 2) / 2), bevel=bev, bevel_segments=1))
        for sx in (-1, 1):
            base.append(S.box((kw, tb, z0 - z_h), (sx * (W / 2 - kw / 2), tb / 2, (z0 + z_h) / 2)))
            base.append(S.cylinder(rk, kw, 12, (sx * (W / 2 - kw / 2), y_h, z_h), axis=(1, 0, 0)))
        face = _Plane((0, tb, 0), X, Y, Z)
        base += _keypad(face, -W * 0.32, W * 0.32, L * 0.02, L * 0.45, 3, 4, 0.0006)
        base.append(S.box((W * 0.5, 0.0008, L * 0.14), (0, tb + 0.0004, -L * 0.1)))  # navigation pad
        y1 = tb + g
        mid = W - 2 * kw - 0.001
        lid = [
            S.box((W, tl, L / 2 - z0), (0, y1 + tl / 2, (z0 + L / 2) / 2), bevel=bev, bevel_segments=1),
            S.box((mid, tl, z0 - z_h), (0, y1 + tl / 2, (z0 + z_h) / 2)),
            S.cylinder(rk, mid, 12, (0, y_h, z_h), axis=(1, 0, 0)),
            S.box((W * 0.8, 0.0003, (L / 2 - z0) * 0.7), (0, y1 + 0.00005, z0 + (L / 2 - z0) * 0.45)),  # screen
        ]
        if rng.random() < 0.5:  # outer display
            lid.append(S.box((W * 0.5, 0.0004, L * 0.25), (0, y1 + tl + 0.0002, -L * 0.12)))
        o = np.array([0.0, y_h, z_h])
        free = np.array([0.0, y1 + tl, L / 2])
        hi = _u(rng, 150.0, 165.0) * DEG
        u = rng.random()
        value = 0.0 if u < 0.35 else _u(rng, 0.9, 1.0) * hi if u < 0.8 else _u(rng, 0.1, 0.9) * hi
        parts.append(make_part("lid", S.merge(lid), revolute(opening_axis(X, o, free, Y), o, (0.0, hi)),
                               [free - (0, 0, 0.005), free + (0, -tl, -0.005)], value))
        H = tb + g + tl
    elif kind == "slider":
        W, L = _u(rng, 0.045, 0.055), _u(rng, 0.09, 0.11)
        tb, tt, g = _u(rng, 0.006, 0.009), _u(rng, 0.006, 0.009), _u(rng, 0.0004, 0.0008)
        bev = min(0.003, 0.4 * min(tb, tt))
        travel = L * _u(rng, 0.35, 0.5)
        base.append(S.box((W, tb, L), (0, tb / 2, 0), bevel=bev, bevel_segments=1))
        face = _Plane((0, tb, 0), X, Y, Z)
        base += _keypad(face, -W * 0.35, W * 0.35, L / 2 - travel + 0.004, L / 2 - 0.004, 3, 4, min(0.0005, 0.8 * g))
        y1 = tb + g
        top = [S.box((W, tt, L), (0, y1 + tt / 2, 0), bevel=bev, bevel_segments=1),
               S.box((W * 0.85, 0.0003, L * 0.6), (0, y1 + tt + 0.00015, -L * 0.12))]
        keys = _keypad(_Plane((0, y1 + tt, 0), X, Y, Z), -W * 0.3, W * 0.3, L * 0.22, L * 0.45, 3, 1, 0.0006)
        o = np.array([0.0, y1 + tt, L / 2])
        u = rng.random()
        value = 0.0 if u < 0.5 else travel if u < 0.8 else _u(rng, 0.1, 0.9) * travel
        parts.append(make_part("slider", S.merge(top + keys), prismatic(-Z, o, (0.0, travel)),
                               [o - (0, 0, 0.01), o - (0, tt / 2, 0.002)], value))
        H = tb + g + tt
    else:
        W, L = _u(rng, 0.065, 0.078), _u(rng, 0.135, 0.165)
        t = _u(rng, 0.007, 0.0095)
        base.append(S.box((W, t, L), (0, t / 2, 0), bevel=min(0.4 * t, _u(rng, 0.002, 0.004)), bevel_segments=2))
        base.append(S.box((W - 0.004, 0.0003, L - 0.008), (0, t + 0.00015, 0)))  # screen
        tr = _u(rng, 0.0003, 0.0006)
        proud = tr + _u(rng, 0.0002, 0.0005)
        bh = min(_u(rng, 0.002, 0.003), 0.5 * t)
        z_v = -L / 2 + L * _u(rng, 0.18, 0.3)
        lv = _u(rng, 0.008, 0.015)
        specs = [(-1, z_v, lv, "volume_up"), (-1, z_v + lv + 0.004, lv, "volume_down")]
        specs.append((1, -L / 2 + L * _u(rng, 0.25, 0.35), _u(rng, 0.01, 0.016), "power"))
        for sx, zc, bl, name in specs:
            nrm = np.array([sx, 0.0, 0.0])
            at = np.array([sx * W / 2, t / 2, zc])
            m = S.box((proud + 0.0005, bh, bl), at + nrm * (proud - 0.0005) / 2)
            tip = at + nrm * proud
            parts.append(make_part(name, m, prismatic(-nrm, tip, (0.0, tr)), [tip]))
        H = t
    return assemble("Phone", rng, base, parts, size=(W, H, L), kind=kind)


# --------------------------------------------------------------------------------------- pliers


def _plier_half(rng_vals: dict, sx: float, lower: bool) -> list:
    """One half of a pair of pliers (jaw on the +sx side, handle crossing to the -sx side) lying in
    the xz-plane, pivot at the origin. At the joint each half is half as thick (a lap joint): a disc
    round the pin and the roots of its jaw and handle take the lower or upper half of the thickness;
    the full-thickness jaw and handle start outside the disc."""
    v = rng_vals
    t, rp = v["t"], v["rp"]
    y0, y1 = (0.0, t / 2) if lower else (t / 2 + 0.0001, t)
    out = [S.cylinder(rp, y1 - y0, 20, (0, (y0 + y1) / 2, 0))]
    out.append(S.box((v["wj"], y1 - y0, rp), (sx * (v["wj"] / 2 + 0.0002), (y0 + y1) / 2, rp / 2)))
    out.append(S.box((v["wh"], y1 - y0, rp), (-sx * (v["wh"] / 2 + 0.0002), (y0 + y1) / 2, -rp / 2)))
    # Jaw: inner edge on the centre line, tapering to the tip.
    zs = np.linspace(rp, v["Lj"], 6)
    f = (zs - rp) / (v["Lj"] - rp)
    w = v["wj"] + (v["wt"] - v["wj"]) * f**v["shape"]
    out.append(_ribbon(np.stack([sx * (w / 2 + 0.0002), zs], 1), w, 0.0, t))
    # Handle: from behind the joint, curving out to the -sx side.
    q = np.linspace(0.0, 1.0, 9)
    hz = -rp - (v["Lh"] - rp) * q
    hx = -sx * (v["wh"] / 2 + 0.0002 + v["spread"] * np.sin(0.5 * np.pi * q) ** 1.5)
    out.append(_ribbon(np.stack([hx, hz], 1), v["wh"], 0.0, t))
    if v["grip"]:
        k = q >= 0.3
        g = v["grip_pad"]
        out.append(_ribbon(np.stack([hx[k], hz[k]], 1), v["wh"] + 2 * g, -g, t + g))
    return out


@register("Pliers")
def pliers(rng: np.random.Generator) -> ArticulatedObject:
    """Pliers lying flat: two crossed halves (jaw on one side of the pivot, handle on the other)
    joined by a pivot pin; one half turns about the pin, axis normal to the plane of the pliers,
    opening the jaws 0 to 25-45 degrees."""
    kind = choose(rng, ("combination", "needle", "diagonal"), [4, 3, 2])
    vals = dict(
        t=_u(rng, 0.007, 0.011),
        rp=_u(rng, 0.007, 0.01),
        Lh=_u(rng, 0.08, 0.14),
        spread=_u(rng, 0.012, 0.024),
        wh=_u(rng, 0.007, 0.011),
        grip=rng.random() < 0.8,
        grip_pad=_u(rng, 0.001, 0.0025),
    )
    if kind == "needle":
        vals.update(Lj=_u(rng, 0.045, 0.07), wj=_u(rng, 0.007, 0.01), wt=_u(rng, 0.0015, 0.003), shape=0.7)
        hi = _u(rng, 35.0, 45.0) * DEG
    elif kind == "diagonal":
        vals.update(Lj=_u(rng, 0.018, 0.028), wj=_u(rng, 0.009, 0.013), wt=_u(rng, 0.002, 0.004), shape=2.0)
        hi = _u(rng, 25.0, 35.0) * DEG
    else:
        vals.update(Lj=_u(rng, 0.025, 0.04), wj=_u(rng, 0.009, 0.013), wt=_u(rng, 0.005, 0.008), shape=1.0)
        hi = _u(rng, 25.0, 35.0) * DEG
    vals["rp"] = max(vals["rp"], 0.75 * max(vals["wj"], vals["wh"]))
    t = vals["t"]
    base = _plier_half(vals, 1.0, True)
    base.append(S.cylinder(0.45 * vals["rp"], 0.0008, 12, (0, t + 0.0005, 0)))  # pivot pin head
    other = S.merge(_plier_half(vals, -1.0, False))
    o = np.array([0.0, t / 2, 0.0])
    tip = np.array([-vals["wt"] / 2, t / 2, vals["Lj"]])
    end = np.array([vals["wh"] / 2 + vals["spread"], t, -vals["Lh"] + 0.01])
    joint = revolute(opening_axis(Y, o, tip, -X), o, (0.0, hi))
    parts = [make_part("handle", other, joint, [end, tip], rest_value(rng, (0.0, hi), 0.5))]
    base, parts = _lift(base, parts)
    L = vals["Lj"] + vals["Lh"]
    return assemble("Pliers", rng, base, parts, size=(2 * (vals["spread"] + vals["wh"]), t, L), kind=kind)


# --------------------------------------------------------------------------------------- remote


@register("Remote")
def remote(rng: np.random.Generator) -> ArticulatedObject:
    """A remote control lying face up, its top end toward -z: a power button, a number grid, a
    direction pad around an OK button, volume / channel keys; every button presses 1-3 mm along the
    face's normal. Small remotes (a fan's, a car key fob) have a few buttons in a column."""
    small = rng.random() < 0.3
    if small:
        W, L, t = _u(rng, 0.03, 0.045), _u(rng, 0.075, 0.12), _u(rng, 0.01, 0.016)
    else:
        W, L, t = _u(rng, 0.04, 0.06), _u(rng, 0.14, 0.22), _u(rng, 0.015, 0.025)
    t_back = t * (_u(rng, 1.0, 1.4) if rng.random() < 0.4 else 1.0)  # thicker battery end
    bev = min(_u(rng, 0.002, 0.008), 0.4 * t)
    base = [_wedge(W, L, t, t_back, 0.0, bev)]
    k = (t_back - t) / L
    c = 1.0 / np.sqrt(1 + k * k)
    face = _Plane((0.0, 0.5 * (t + t_back), 0.0), X, np.array([0.0, c, k * c]), np.array([0.0, -k * c, c]))
    travel = _u(rng, 0.001, 0.003)
    bevel = rng.random() < 0.3
    round_all = rng.random() < 0.4
    parts: list[Part] = []
    n = [0]

    def add(x, s, size, round_=False, name="button"):
        tr = travel * _u(rng, 0.85, 1.0)
        parts.append(_press_button(face, x, s, size, tr, f"{name}_{n[0]}", round_, tr + _u(rng, 0.0005, 0.0015), bevel))
        n[0] += 1

    s = -L / 2 + _u(rng, 0.01, 0.02)
    if small:
        count = int(rng.integers(2, 7))
        cols = 1 if count <= 3 or W < 0.035 else 2
        rows = -(-count // cols)
        size = min((W - 0.01) / cols, (L * 0.6) / rows) * _u(rng, 0.55, 0.8)
        pw, pl = (W - 0.01) / cols, L * 0.6 / rows
        for i in range(count):
            r, cc = divmod(i, cols)
            add(-W / 2 + 0.005 + (cc + 0.5) * pw, s + (r + 0.5) * pl, (size, size), round_all)
        H = t_back
        return _assemble("Remote", rng, base, [], parts, size=(W, H, L), kind="small")
    pb = _u(rng, 0.007, 0.011)
    add(W / 2 - 0.006 - pb / 2, s + pb / 2, (pb, pb), True, "power")
    s += pb + _u(rng, 0.005, 0.01)
    gw = W - _u(rng, 0.01, 0.016)
    if rng.random() < 0.8:  # number grid 3 x 4
        pitch = min(gw / 3, 0.014)
        kw = pitch * _u(rng, 0.6, 0.8)
        for r in range(4):
            for cc in range(3):
                add((cc - 1) * pitch, s + (r + 0.5) * pitch * 0.85, (kw, kw * _u(rng, 0.6, 0.75)), round_all)
        s += 4 * pitch * 0.85 + _u(rng, 0.004, 0.008)
    # Direction pad: four arrows around OK.
    rd = min(gw / 2, 0.022) * _u(rng, 0.8, 1.0)
    sc = s + rd
    ok = rd * _u(rng, 0.45, 0.55)
    add(0.0, sc, (ok, ok), True, "ok")
    aw, al = rd * 0.55, rd - ok / 2 - 0.0015
    for dx, ds, size in ((0, -1, (aw, al)), (0, 1, (aw, al)), (-1, 0, (al, aw)), (1, 0, (al, aw))):
        ax = dx * (ok / 2 + 0.0008 + size[0] / 2) if dx else 0.0
        az = ds * (ok / 2 + 0.0008 + size[1] / 2) if ds else 0.0
        add(ax, sc + az, size, False, "arrow")
    s = sc + rd + _u(rng, 0.004, 0.008)
    # Volume and channel keys: two columns of up / down keys.
    vh = _u(rng, 0.008, 0.012)
    vw = min(gw / 3, 0.012)
    for cc in (-1, 1):
        for r in range(2):
            add(cc * gw / 3, s + (r + 0.5) * (vh + 0.002), (vw, vh), False, "volume" if cc < 0 else "channel")
    s += 2 * (vh + 0.002) + 0.004
    # A row of small buttons while there is room.
    while s + 0.01 < L / 2 - 0.015 and n[0] < 30:
        for cc in range(4):
            add((cc - 1.5) * gw / 4, s + 0.004, (gw / 4 * 0.7, 0.006), round_all)
        s += 0.011
    H = t_back
    return _assemble("Remote", rng, base, [], parts, size=(W, H, L), kind="tv")


# ------------------------------------------------------------------------------------- scissors


@register("Scissors")
def scissors(rng: np.random.Generator) -> ArticulatedObject:
    """Scissors lying flat: two blades stacked on each other, crossed at the central screw, each
    with its finger ring on the other side; one half turns about the screw (axis normal to the
    blade plane), 0-60 degrees, often resting half open."""
    Lb = _u(rng, 0.06, 0.12)
    Lh = _u(rng, 0.045, 0.075)
    tb = _u(rng, 0.0015, 0.0025)
    wb = _u(rng, 0.014, 0.022)
    hr = _u(rng, 0.005, 0.009)
    tip = _u(rng, 0.0008, 0.0015) if rng.random() < 0.7 else _u(rng, 0.003, 0.005)  # pointed or round
    ws = wb * _u(rng, 0.45, 0.6)  # shank width
    ri = [_u(rng, 0.008, 0.011), _u(rng, 0.009, 0.016)]  # thumb ring, finger ring inner radii
    ring_w = _u(rng, 0.0025, 0.0045)
    elong = [1.0, _u(rng, 1.0, 1.5)]

    def half(sx: float, lower: bool, k: int) -> list:
        y0 = 0.0 if lower else tb + 0.0001
        zs = np.linspace(-0.004, Lb, 8)
        f = np.clip(zs / Lb, 0, 1)
        w = wb + (tip - wb) * f**2
        xs = -sx * wb * 0.12 + sx * 0.0 * f
        blade = _ribbon(np.stack([xs + sx * (w / 2 - wb / 2) * 0.3, zs], 1), w, y0, y0 + tb)
        ro = ri[k] + ring_w
        cz = -Lh
        cx = -sx * (ro * elong[k] + 0.001)
        ring = _scaled(S.tube(ro, ri[k], hr, 20, (0, 0, 0)), elong[k], 1.0, 1.0)
        ring = S.translate(ring, (cx, hr / 2, cz))
        # Shank: from the screw to the ring's front, dropping to the table.
        q = np.linspace(0.0, 1.0, 7)
        sz = -0.002 + (cz + ro * 0.9 + 0.002) * q
        sxs = -sx * (ws / 2 + 0.0003 + (abs(cx) - ws / 2) * q**1.5)
        ylo = np.where(q < 0.35, y0, np.interp(q, [0.35, 1.0], [y0, 0.0]))
        yhi = np.maximum(ylo + tb, np.interp(q, [0.0, 0.5, 1.0], [y0 + tb, y0 + tb, hr]))
        shank = _ribbon(np.stack([sxs, sz], 1), ws, ylo, yhi)
        disc = S.cylinder(ws / 2 + 0.001, tb, 16, (0, y0 + tb / 2, 0))
        return [blade, shank, ring, disc], np.array([cx, hr / 2, cz]), ro

    base, _, _ = half(1.0, True, 0)
    base.append(S.cylinder(_u(rng, 0.002, 0.0032), 0.0008, 12, (0, 2 * tb + 0.0006, 0)))  # screw head
    other, ring_c, ro = half(-1.0, False, 1)
    o = np.array([0.0, tb, 0.0])
    hi = _u(rng, 55.0, 62.0) * DEG
    joint = revolute(opening_axis(Y, o, ring_c, X), o, (0.0, hi))
    grasp = [ring_c + (ro * elong[1] - 0.5 * ring_w, 0, 0), o + (0.0, 0.5 * tb, 0.8 * Lb)]
    parts = [make_part("blade", S.merge(other), joint, grasp, rest_value(rng, (0.0, hi), 0.35))]
    base, parts = _lift(base, parts)
    width = 2 * max(ri[0] + ring_w, (ri[1] + ring_w) * elong[1]) + 0.002
    kind = "pointed" if tip < 0.002 else "round"
    return assemble("Scissors", rng, base, parts, size=(width, hr, Lb + Lh + ri[0] + ring_w), kind=kind)


# -------------------------------------------------------------------------------------- stapler


@register("Stapler")
def stapler(rng: np.random.Generator) -> ArticulatedObject:
    """A desk stapler: a base plate with the anvil at the front, the top arm (magazine) hinged at
    the back between two cheeks, about a horizontal axis across the stapler; pressed 0 to 20-30
    degrees, or opening flat to 180 degrees for tacking and refilling. Some have a top cover that
    lifts off the magazine about the same hinge (carried by the arm)."""
    mini = rng.random() < 0.2
    L = _u(rng, 0.07, 0.1) if mini else _u(rng, 0.12, 0.2)
    W = _u(rng, 0.02, 0.03) if mini else _u(rng, 0.03, 0.045)
    hb = _u(rng, 0.004, 0.008) if mini else _u(rng, 0.006, 0.012)
    ha = _u(rng, 0.01, 0.016) if mini else _u(rng, 0.015, 0.025)
    g = _u(rng, 0.001, 0.003)
    ct = _u(rng, 0.0015, 0.003)
    z_h = -L / 2 + _u(rng, 0.008, 0.014)
    ab = hb + g
    at = ab + ha
    y_h = min(max(ab + 0.4 * ha, 0.5 * (at + hb) + 0.0006), at - 0.002)
    Wa = W - 2 * ct - 0.001
    asm = Assembly("Stapler", rng)
    asm.base(S.box((W, hb, L), (0, hb / 2, 0), bevel=min(0.4 * hb, 0.003), bevel_segments=1))
    za = L / 2 - _u(rng, 0.012, 0.02)
    asm.base(S.box((Wa * 0.5, 0.0006, 0.012), (0, hb + 0.0003, za)))  # anvil
    rch = max(at - y_h, 0.004) * 0.8
    for sx in (-1, 1):
        xc = sx * (W / 2 - ct / 2)
        ch = S.box((ct, y_h + rch - hb + 0.001, 2 * rch), (xc, (hb - 0.001 + y_h + rch) / 2, z_h))  # cheek
        asm.base(ch, S.cylinder(rch, ct, 12, (xc, y_h + 0.0001, z_h), axis=(1, 0, 0)))
    asm.base(S.cylinder(0.0015, W + 0.001, 8, (0, y_h, z_h), axis=(1, 0, 0)))  # hinge pin
    front = L / 2 + (_u(rng, 0.0, 0.006) if rng.random() < 0.5 else 0.0)
    cover = rng.random() < 0.35
    refill = rng.random() < 0.45
    hi = (_u(rng, 170.0, 180.0) if refill else _u(rng, 20.0, 30.0)) * DEG
    hm = ha * (_u(rng, 0.5, 0.6) if cover else 1.0)
    r_end = min(y_h - ab, ab + hm - y_h) if ab + hm > y_h else 0.0
    ac = (0, ab + hm / 2, (front + z_h) / 2)
    arm = [S.box((Wa, hm, front - z_h), ac, bevel=min(0.3 * hm, 0.003), bevel_segments=2)]
    if r_end > 0.001:
        arm.append(S.cylinder(r_end, Wa, 12, (0, y_h, z_h), axis=(1, 0, 0)))
    dp = min(0.5 * g, 0.001)
    arm.append(S.box((Wa * 0.3, dp + 0.001, 0.004), (0, ab - dp + (dp + 0.001) / 2, za)))  # staple driver
    o = np.array([0.0, y_h, z_h])
    tipp = np.array([0.0, ab + hm, front - 0.01])
    jarm = revolute(opening_axis(X, o, tipp, Y), o, (0.0, hi))
    if refill:
        u = rng.random()
        value = _u(rng, 0.0, 15.0) * DEG if u < 0.7 else hi if u < 0.85 else _u(rng, 0.1, 0.9) * hi
    else:
        value = _u(rng, 0.2, 0.7) * hi if rng.random() < 0.7 else 0.0
    # Grabbed at its front end: on top, or by the magazine's nose under a cover.
    grasp = [np.array([0.0, ab + hm / 2, front])] if cover else [tipp, tipp - (0, 0, 0.02)]
    i_arm = asm.part("arm", S.merge(arm), jarm, grasp, value=value)
    if cover:
        y0 = ab + hm + 0.0005
        hc = at - y0
        cc = (0, y0 + hc / 2, (front + z_h) / 2 + 0.001)
        cov = [S.box((Wa, hc, front - z_h - 0.002), cc, bevel=min(0.45 * hc, 0.004), bevel_segments=2)]
        free = np.array([0.0, at, front - 0.01])
        oc = np.array([0.0, y0, z_h + 0.001])
        jc = revolute(opening_axis(X, oc, free, Y), oc, (0.0, _u(rng, 60.0, 100.0) * DEG))
        vc = 0.0 if rng.random() < 0.7 else _u(rng, 0.2, 0.9) * jc.limits[1]
        asm.part("cover", S.merge(cov), jc, [free, free - (0, 0, 0.02)], parent=i_arm, value=vc)
    return asm.build(size=(W, at, L), kind="refill" if refill else "press", cover=cover)


# --------------------------------------------------------------------------------------- switch


@register("Switch")
def switch(rng: np.random.Generator) -> ArticulatedObject:
    """A wall switch plate upright (face toward +z, back on the wall at z = 0) with one to three
    switches: a rocker paddle tilting ±10-15 degrees about the horizontal axis through its middle,
    a toggle lever, or a push button pressing into the plate."""
    style = choose(rng, ("rocker", "toggle", "push", "euro"), [4, 2, 2, 2])
    gangs = int(choose(rng, (1, 2, 3), [6, 3, 1]))
    euro = style in ("euro", "push") and rng.random() < 0.7
    gw = _u(rng, 0.07, 0.086) if euro else _u(rng, 0.044, 0.048)  # width per gang
    if euro:
        Wp = gw + (gangs - 1) * 0.071
        Hp = gw
        gw = 0.071 if gangs > 1 else gw
    else:
        Wp = _u(rng, 0.069, 0.072) + (gangs - 1) * gw
        Hp = _u(rng, 0.112, 0.125)
    tp = _u(rng, 0.005, 0.009)
    cy = Hp / 2
    xs = [(i - (gangs - 1) / 2) * (gw if gangs > 1 else 0.0) for i in range(gangs)]
    # The plate is cut into one frame per gang at the midpoints between switches.
    cuts = [-Wp / 2] + [(a + b) / 2 for a, b in zip(xs[:-1], xs[1:])] + [Wp / 2]
    base, parts = [], []
    bev = min(0.4 * tp, 0.003)
    if style in ("rocker", "euro"):
        if style == "rocker":
            pw, ph = _u(rng, 0.03, 0.034), _u(rng, 0.06, 0.067)
        else:
            pw = min(gw - 0.02, _u(rng, 0.04, 0.055))
            ph = pw * _u(rng, 0.9, 1.15)
        cl = _u(rng, 0.0012, 0.002)
        hw, hh = pw + 2 * cl, ph + 2 * cl
        d_out = _u(rng, 0.002, 0.004)
        d_in = _u(rng, 0.0005, 0.001)
        tilt = _u(rng, 10.0, 15.0) * DEG
        zp = tp - d_in
        # The switch body sits in the wall box behind the plate, clear of the paddle's tilted ends.
        z_body = min(0.0, zp - 0.5 * ph * np.sin(tilt) - 0.001)
        for i, x in enumerate(xs):
            xl, xr = cuts[i], cuts[i + 1]
            bl, br = (x - hw / 2) - xl, xr - (x + hw / 2)
            bb = cy - hh / 2
            fc = ((xl + xr) / 2, cy, tp / 2)
            base.append(S.frame((xr - xl, Hp, tp), (bl, br, bb, Hp - bb - hh), fc, bevel=bev if gangs == 1 else 0.0))
            base.append(S.box((hw + 0.004, hh + 0.004, 0.02), (x, cy, z_body - 0.01)))
        for i, x in enumerate(xs):
            d = d_in + d_out
            m = S.box((pw, ph, d), (x, cy, zp + d / 2), bevel=0.3 * d, bevel_segments=1)
            o = np.array([x, cy, zp])
            jnt = revolute(X, o, (-tilt, tilt))
            grasp = [np.array([x, cy + 0.4 * ph, tp + d_out]), np.array([x, cy - 0.4 * ph, tp + d_out])]
            parts.append(make_part(f"rocker_{i}", m, jnt, grasp, float(rng.choice([-tilt, tilt]))))
    elif style == "toggle":
        hw, hh = 0.016, 0.028
        for i, x in enumerate(xs):
            xl, xr = cuts[i], cuts[i + 1]
            bl, br = (x - hw / 2) - xl, xr - (x + hw / 2)
            bb = cy - hh / 2
            fc = ((xl + xr) / 2, cy, tp / 2)
            base.append(S.frame((xr - xl, Hp, tp), (bl, br, bb, Hp - bb - hh), fc, bevel=bev if gangs == 1 else 0.0))
            base.append(S.box((hw + 0.004, hh + 0.004, 0.02), (x, cy, tp - 0.005 - 0.01)))
            parts.append(toggle_part(rng, (x, cy, tp + 0.0002), Z, Y, _u(rng, 0.014, 0.022), f"toggle_{i}"))
    else:  # push buttons
        base.append(S.box((Wp, Hp, tp), (0, cy, tp / 2), bevel=bev, bevel_segments=1))
        size = min(gw, Hp) * _u(rng, 0.25, 0.7)
        round_ = rng.random() < 0.4
        travel = _u(rng, 0.0015, 0.004)
        face = _Plane((0, 0, tp), X, Z, -Y)
        for i, x in enumerate(xs):
            proud = travel + _u(rng, 0.001, 0.003)
            parts.append(_press_button(face, x, -cy, (size, size), travel, f"button_{i}", round_, proud, True))
    return assemble("Switch", rng, base, parts, size=(Wp, Hp, tp), style=style, gangs=gangs)


# ------------------------------------------------------------------------------------------ USB


@register("USB")
def usb(rng: np.random.Generator) -> ArticulatedObject:
    """A USB flash drive lying flat, connector toward +z: a swivel cover turning 0-180 degrees about
    a pin through the flat faces near the back end, a connector sliding out of the body along the
    long axis (thumb slider on top), or a cap pulled off along the long axis."""
    kind = choose(rng, ("swivel", "slide", "cap"), [9, 7, 4])
    usb_a = rng.random() < 0.7
    wc, hc, lc = (0.012, 0.0045, 0.012) if usb_a else (0.0084, 0.0026, 0.0065)
    W = max(_u(rng, 0.012, 0.022), wc + 0.002)
    Lb = _u(rng, 0.03, 0.055)
    t = max(_u(rng, 0.0045, 0.01), hc + 0.001)
    if kind == "slide":
        wall = _u(rng, 0.0008, 0.0012)
        W = max(W, wc + 2 * wall + 0.002)
        t = max(t, hc + 2 * wall + 0.002)
    base, parts = [], []

    def connector(z0: float, yc: float) -> S.Mesh:
        if usb_a:
            shell = S.box_shell((wc, hc, lc), 0.0003, "+z", (0, yc, z0 + lc / 2))
            tongue = S.box((wc * 0.8, hc * 0.4, lc * 0.9), (0, yc - hc * 0.15, z0 + lc * 0.45))
            return S.merge(shell, tongue)
        return S.box((wc, hc, lc), (0, yc, z0 + lc / 2), bevel=0.45 * hc, bevel_segments=2)  # USB-C

    bev = min(0.4 * t, _u(rng, 0.001, 0.003))
    if kind == "swivel":
        tc, gc = _u(rng, 0.0004, 0.0008), _u(rng, 0.0002, 0.0005)
        y0 = tc + gc
        base.append(S.box((W, t, Lb), (0, y0 + t / 2, 0), bevel=bev, bevel_segments=1))
        base.append(connector(Lb / 2, y0 + t / 2))
        z_p = -Lb / 2 + _u(rng, 0.004, 0.007)
        far = max(np.hypot(Lb / 2 + lc - z_p, wc / 2), np.hypot(Lb / 2 - z_p, W / 2), np.hypot(z_p + Lb / 2, W / 2))
        zb = z_p + far + 0.0008
        Wc = W + _u(rng, 0.0, 0.002)
        ytop = y0 + t + gc
        cov = []
        for yb in (0.0, ytop):
            cov.append(S.box((Wc, tc, zb - z_p), (0, yb + tc / 2, (zb + z_p) / 2)))
            cov.append(S.cylinder(Wc / 2, tc, 20, (0, yb + tc / 2, z_p)))
        cov.append(S.box((Wc, ytop + tc, tc), (0, (ytop + tc) / 2, zb + tc / 2)))
        base.append(S.cylinder(0.0015, ytop + tc + 0.0002, 10, (0, (ytop + tc + 0.0002) / 2, z_p)))  # pivot rivet
        o = np.array([0.0, 0.0, z_p])
        u = rng.random()
        value = 0.0 if u < 0.4 else np.pi if u < 0.8 else _u(rng, 0.1, 0.9) * np.pi
        grasp = [np.array([0.0, ytop + tc, zb - 0.003]), np.array([0.0, (ytop + tc) / 2, zb + tc])]
        jnt = revolute(Y if rng.random() < 0.5 else -Y, o, (0.0, np.pi))
        parts.append(make_part("cover", S.merge(cov), jnt, grasp, value))
        H, Ltot = ytop + tc, zb - z_p + Wc / 2
    elif kind == "slide":
        # Body: an open-fronted shell with a slot in its top for the thumb slider.
        sw = _u(rng, 0.004, 0.006)
        travel = lc + _u(rng, 0.0005, 0.0015)
        kl = _u(rng, 0.006, 0.009)
        z_k0 = -Lb / 2 + _u(rng, 0.006, 0.01)  # knob's back end, retracted
        s0, s1 = z_k0 - 0.0005, z_k0 + kl + travel + 0.0005
        base.append(S.box((W, wall, Lb), (0, wall / 2, 0)))  # bottom
        for sx in (-1, 1):
            base.append(S.box((wall, t - 2 * wall, Lb), (sx * (W / 2 - wall / 2), t / 2, 0)))
        base.append(S.box((W - 2 * wall, t - 2 * wall, wall), (0, t / 2, -Lb / 2 + wall / 2)))  # back
        # Top wall with the slot: four pieces around it.
        yt = t - wall / 2
        xw = (W - sw) / 2
        for sx in (-1, 1):
            base.append(S.box((xw, wall, Lb), (sx * (sw / 2 + xw / 2), yt, 0)))
        base.append(S.box((sw, wall, s0 + Lb / 2), (0, yt, (s0 - Lb / 2) / 2)))
        base.append(S.box((sw, wall, Lb / 2 - s1), (0, yt, (s1 + Lb / 2) / 2)))
        g = 0.0003
        yc = t / 2
        z_c0 = Lb / 2 - lc - 0.0005
        sled = S.box((W - 2 * wall - 2 * g, t - 2 * wall - 2 * g, z_c0 - z_k0 + 0.001), (0, yc, (z_c0 + z_k0) / 2))
        kh = wall + _u(rng, 0.001, 0.0018)
        knob = S.box((sw - 2 * g, kh, kl), (0, t + 0.0002, z_k0 + kl / 2), bevel=0.0004, bevel_segments=1)
        top_y = float(knob[0][:, 1].max())
        slider = S.merge(connector(z_c0, yc), sled, knob)
        o = np.array([0.0, top_y, z_k0 + kl / 2])
        u = rng.random()
        value = 0.0 if u < 0.55 else travel if u < 0.9 else _u(rng, 0.2, 0.8) * travel
        parts.append(make_part("connector", slider, prismatic(Z, o, (0.0, travel)), [o], value))
        H, Ltot = top_y, Lb
    else:
        ov = _u(rng, 0.004, 0.01)
        ct = _u(rng, 0.0006, 0.0012)
        gg = 0.0002
        base.append(S.box((W, t, Lb - ov), (0, t / 2, -ov / 2), bevel=bev, bevel_segments=1))
        base.append(S.box((W - 2 * (ct + gg), t - 2 * (ct + gg), ov + 0.001), (0, t / 2, Lb / 2 - ov / 2 - 0.0005)))
        base.append(connector(Lb / 2, t / 2))
        lcap = ov + lc + 0.001 + ct
        z0 = Lb / 2 - ov + 0.0003
        cap = S.box_shell((W, t, lcap), ct, "-z", (0, t / 2, z0 + lcap / 2), bevel=min(bev, 0.9 * ct))
        pull = (ov + lc + 0.001) * _u(rng, 0.7, 0.95)
        o = np.array([0.0, t, z0 + lcap / 2])
        value = rest_value(rng, (0.0, pull), 0.7)
        parts.append(make_part("cap", cap, prismatic(Z, o, (0.0, pull)), [o, o - (0, t / 2, -lcap / 2)], value))
        H, Ltot = t, Lb + lcap - ov
    if rng.random() < 0.4 and kind != "swivel":  # a lanyard loop at the back
        base.append(S.tube(0.0035, 0.002, min(0.8 * t, 0.003), 12, (0, min(0.8 * t, 0.003) / 2, -Lb / 2 - 0.0015)))
    return assemble("USB", rng, base, parts, size=(W, H, Ltot), kind=kind)


# -------------------------------------------------------------------------------------- lighter


@register("Lighter")
def lighter(rng: np.random.Generator) -> ArticulatedObject:
    """A lighter standing upright: a windproof (Zippo-style) case whose lid turns about a hinge on
    one narrow side of the top, 0-120 degrees, over a chimney and a flint wheel; or a disposable
    lighter with a flint wheel and a gas lever pressed down, or a piezo push button."""
    kind = choose(rng, ("zippo", "flint", "piezo"), [4, 4, 2])
    base, parts = [], []
    if kind == "zippo":
        W, D, H = _u(rng, 0.036, 0.04), _u(rng, 0.012, 0.014), _u(rng, 0.055, 0.06)
        ys = H * _u(rng, 0.62, 0.68)
        g, wall = 0.0004, _u(rng, 0.0006, 0.0009)
        sh = 1.0 if rng.random() < 0.5 else -1.0  # hinge side
        base.append(S.box((W, ys, D), (0, ys / 2, 0), bevel=min(0.003, 0.3 * D), bevel_segments=2))
        rk = _u(rng, 0.001, 0.0014)
        xh = sh * (W / 2 + 0.0002)
        kl = D / 5
        for zk in (-2 * kl, 2 * kl):
            base.append(S.cylinder(rk, kl, 10, (xh, ys + g / 2, zk), axis=(0, 0, 1)))
        # Chimney (perforated windscreen) with the wick, and the flint wheel beside it.
        hl = H - ys - g
        chh = min(hl - wall - 0.002, _u(rng, 0.014, 0.018))
        cw = _u(rng, 0.016, 0.02)
        cd = D - 2 * wall - 0.002
        cx = -sh * 0.002
        base.append(S.box_shell((cw, chh, cd), 0.0004, "+y", (cx, ys + chh / 2, 0)))
        base.append(S.cylinder(0.0012, chh * 0.7, 8, (cx, ys + chh * 0.35, 0)))
        lid = [S.box_shell((W, hl, D), wall, "-y", (0, ys + g + hl / 2, 0), bevel=min(0.003, 0.3 * D))]
        lid.append(S.cylinder(rk, kl, 10, (xh, ys + g / 2, 0.0), axis=(0, 0, 1)))
        o = np.array([xh, ys + g / 2, 0.0])
        free = np.array([-sh * W / 2, H, 0.0])
        hi = _u(rng, 110.0, 125.0) * DEG
        u = rng.random()
        value = 0.0 if u < 0.5 else hi if u < 0.8 else _u(rng, 0.2, 0.9) * hi
        parts.append(make_part("lid", S.merge(lid), revolute(opening_axis(Z, o, free, Y), o, (0.0, hi)),
                               [free + (sh * 0.003, -0.002, 0), np.array([0.0, H, 0.0])], value))
        rw = _u(rng, 0.003, 0.0038)
        wc = np.array([cx + sh * (cw / 2 - rw * 0.4), ys + chh + rw * 0.3, 0.0])
        wc[1] = min(wc[1], H - wall - rw - 0.0015)
        parts.append(make_part("wheel", _star_wheel(rw, cd * 0.5, wc, Z, 16), revolute(Z, wc, None), [wc + (0, rw, 0)]))
        return assemble("Lighter", rng, base, parts, size=(W + 2 * rk, H, D), kind=kind)
    W, D = _u(rng, 0.022, 0.027), _u(rng, 0.011, 0.015)
    Hb = _u(rng, 0.058, 0.072)
    body = S.cylinder(W / 2, Hb, 24, (0, Hb / 2, 0), bevel=0.002)
    base.append(_scaled(body, 1.0, 1.0, D / W))
    top = Hb
    if kind == "flint":
        hood_h = _u(rng, 0.008, 0.011)
        rw = _u(rng, 0.0045, 0.0055)
        xw = -W / 2 + rw + _u(rng, 0.0015, 0.0025)
        x_hr = xw + rw + _u(rng, 0.003, 0.004)
        # Metal hood around the wheel and the gas nozzle.
        hx0 = -W / 2 + 0.0005
        base.append(S.box_shell((x_hr - hx0, hood_h, D * 0.9), 0.0004, "+y", ((hx0 + x_hr) / 2, top + hood_h / 2, 0)))
        base.append(S.cylinder(0.001, hood_h * 0.7, 8, (xw + rw + 0.0015, top + hood_h * 0.35, 0)))  # nozzle
        wc = np.array([xw, top + rw + 0.0008, 0.0])
        wheel = S.merge(
            _star_wheel(rw, D * 0.3, wc + (0, 0, D * 0.2), Z, 18),
            _star_wheel(rw, D * 0.3, wc - (0, 0, D * 0.2), Z, 18),
            S.cylinder(rw * 0.6, D * 0.5, 10, wc, axis=(0, 0, 1)),
        )
        parts.append(make_part("wheel", wheel, revolute(Z, wc, None), [wc + (0, rw, 0)]))
        # Gas lever (the fork) on the valve stem: its end by the wheel is pressed down 1.5-2.5 mm.
        x0, x1 = x_hr + 0.0005, W / 2 - 0.001
        lh = _u(rng, 0.004, 0.006)
        drop = _u(rng, 0.0015, 0.0025)
        yl = top + drop + 0.0005
        lever = S.box((x1 - x0, lh, D * 0.75), ((x0 + x1) / 2, yl + lh / 2, 0), bevel=0.0008, bevel_segments=1)
        hs = yl - top + 0.001
        base.append(S.cylinder(0.0008, hs, 8, (0.5 * (x0 + x1), top + hs / 2, 0)))  # valve stem
        tipp = np.array([x0 + 0.002, yl + lh, 0.0])
        parts.append(make_part("lever", lever, prismatic(-Y, tipp, (0.0, drop)), [tipp]))
        H = max(float(wc[1] + rw), top + hood_h)
    else:
        travel = _u(rng, 0.003, 0.005)
        bh = travel + _u(rng, 0.006, 0.01)
        rb, tcap = W / 2 * 0.96, 0.0012
        y_r = top + travel + 0.0003  # the button's rim, up
        cap = S.cup(rb, bh, 0.0008, 24, bottom=tcap, center=(0, y_r + bh / 2, 0), axis=(0, -1, 0))
        hn = bh - tcap + 0.0003  # the neck the button slides on
        base.append(_scaled(S.cylinder(rb - 0.0015, hn, 20, (0, top + hn / 2 - 0.0003, 0)), 1.0, 1.0, D / W))
        tipp = np.array([0.0, y_r + bh, 0.0])
        parts.append(make_part("button", _scaled(cap, 1.0, 1.0, D / W), prismatic(-Y, tipp, (0.0, travel)), [tipp]))
        H = float(tipp[1])
    return assemble("Lighter", rng, base, parts, size=(W, H, D), kind=kind)
