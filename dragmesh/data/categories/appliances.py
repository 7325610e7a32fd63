"""Small appliances and fittings: Printer, Toaster, CoffeeMachine, Faucet, and a generic
AppliancePanel (a wall plate or device front carrying knobs, buttons, rocker switches, toggles and
sliders).

Object frame: metres, +Y up, +Z front, standing on y = 0, centred on x = z = 0.
"""

from __future__ import annotations

import numpy as np

from dragmesh.data import shapes as S
from dragmesh.data.categories.assembly import prismatic, revolute
from dragmesh.data.categories.controls import assemble, control_row, knob_part, make_part, rest_value, slider_part, slot_mesh
from dragmesh.data.objects import ArticulatedObject, Part, register

X, Y, Z = np.eye(3)


def _u(rng, lo, hi):
    return float(rng.uniform(lo, hi))


# ------------------------------------------------------------------------- AppliancePanel


@register("AppliancePanel")
def appliance_panel(rng: np.random.Generator) -> ArticulatedObject:
    """A wall switch plate or the control face of a device, with several controls.

    Variants: wall plate with 1-3 rockers / toggles / a dimmer knob or slide dimmer; a device box
    (radio, heater, stove front, amplifier) with a row of knobs and buttons, sometimes sliders (fader
    caps, paddles or slide switches, vertical or horizontal) and a display; the
    controls face the front or (one in four devices) the top."""
    parts: list[Part] = []
    if rng.random() < 0.3:
        # Wall plate: thin, square-ish, on a wall (back at z = 0).
        w, h, t = _u(rng, 0.07, 0.15), _u(rng, 0.07, 0.13), _u(rng, 0.006, 0.012)
        base = S.box((w, h, t), (0, h / 2 + 1.0, t / 2), bevel=0.3 * t, bevel_segments=2)
        wall = S.box((w * _u(rng, 1.6, 3.0), h * _u(rng, 1.6, 3.0), 0.01), (0, h / 2 + 1.0, -0.005)) if rng.random() < 0.3 else None
        base = S.merge(base, wall)
        kind = str(rng.choice(["rocker", "rocker", "toggle", "knob", "button", "slider"]))
        n = int(rng.integers(1, 4)) if kind not in ("knob", "slider") else 1
        pitch = w / n
        start = np.array([-w / 2 + pitch / 2, h / 2 + 1.0, t])
        if kind == "slider":  # a slide dimmer: a paddle riding a vertical slot
            L = 0.6 * h
            at = start - Y * (L / 2)
            base = S.merge(base, slot_mesh(at, Y, Z, L, 0.006))
            parts.append(slider_part(rng, at + Z * 0.002, Y, Z, L, name="dimmer", style="paddle"))
        else:
            size = {"rocker": min(0.8 * pitch, 0.7 * h), "toggle": 0.35 * h, "knob": 0.2 * h, "button": 0.35 * min(pitch, h)}[kind]
            parts += control_row(rng, start, (pitch, 0, 0), n, Z, Y, kind, size)
    else:
        w, h, d = _u(rng, 0.12, 0.6), _u(rng, 0.05, 0.25), _u(rng, 0.06, 0.35)
        base = [S.box((w, h, d), (0, h / 2, 0), bevel=_u(rng, 0.0, 0.25) * min(h, d) * 0.3, bevel_segments=2)]
        top = rng.random() < 0.25
        normal = Y if top else Z
        up = -Z if top else Y
        # Face coordinates: u along x, v along "up" on that face.
        face_c = np.array([0, h, 0]) if top else np.array([0, h / 2, d / 2])
        fv = d if top else h
        if rng.random() < 0.4:  # display window
            dw, dh = _u(rng, 0.15, 0.35) * w, _u(rng, 0.25, 0.5) * fv
            disp = S.orient(S.box((dw, dh, 0.003), (0, 0, 0.0015)), normal, up, face_c + X * _u(rng, -0.2, 0.2) * w + up * 0.2 * fv)
            base.append(disp)
        rows = 1 if fv < 0.1 else int(rng.integers(1, 3))
        for r in range(rows):
            kind = str(rng.choice(["knob", "knob", "button", "button", "rocker", "toggle"]))
            vpos = (-0.2 if rows == 2 and r == 0 else 0.15 if rows == 2 else -0.05) * fv
            size = {"knob": min(0.3 * fv / rows, _u(rng, 0.01, 0.03)), "button": _u(rng, 0.008, 0.02),
                    "rocker": min(0.4 * fv / rows, 0.035), "toggle": min(0.35 * fv / rows, 0.03)}[kind]
            n = int(rng.integers(1, max(2, min(7, int(w / (3.0 * size))))))
            pitch = min(w * 0.8 / max(n, 1), 4 * size + 0.01)
            start = face_c + up * vpos + X * (-(n - 1) * pitch / 2 + _u(rng, -0.1, 0.1) * w * 0.3)
            parts += control_row(rng, start, pitch * X, n, normal, up, kind, size, name=f"{kind}{r}")
        if rng.random() < 0.4 and w > 0.2:  # sliders: an equaliser, a fan speed, a mode switch
            style = str(rng.choice(["cap", "paddle", "switch"]))
            across = rng.random() < 0.3  # a horizontal slide instead of a vertical one
            L = min(0.6 * (0.4 * w if across else fv), 0.06)
            ns = 1 if across else int(rng.integers(1, 4))
            pitch = 0.025 if style != "paddle" else 0.05
            for i in range(ns):
                if across:
                    at = face_c + X * (0.15 * w) + up * (0.3 * fv) - X * (L / 2)
                    slide = X
                else:
                    at = face_c + X * (w / 2 - 0.03 - i * pitch) - up * (L / 2)
                    slide = up
                base.append(slot_mesh(at, slide, normal, L, 0.006))
                parts.append(slider_part(rng, at + normal * 0.002, slide, normal, L, name=f"slider_{i}", style=style))
        base = S.merge(base)
    return assemble("AppliancePanel", rng, [base], parts)


# ------------------------------------------------------------------------------- Printer


@register("Printer")
def printer(rng: np.random.Generator) -> ArticulatedObject:
    """Desktop printer: body, paper tray (prismatic drawer at the bottom front), top cover or
    scanner lid hinged at the back, front output flap hinged at its bottom edge, buttons."""
    w, d, h = _u(rng, 0.32, 0.52), _u(rng, 0.26, 0.45), _u(rng, 0.16, 0.32)
    t = _u(rng, 0.004, 0.01)
    bev = _u(rng, 0.0, 0.02)
    parts: list[Part] = []
    base = []
    lid_t = _u(rng, 0.015, 0.045)
    body_h = h - lid_t
    has_tray = rng.random() < 0.75
    tray_h = _u(rng, 0.03, max(0.035, min(0.08, 0.35 * body_h))) if has_tray else 0.0
    if has_tray:
        # Lower carcass with a cavity for the tray, upper solid body.
        lower_h = tray_h + 2 * t
        base.append(S.box_shell((w, lower_h, d), t, "+z", (0, lower_h / 2, 0)))
        base.append(S.box((w, body_h - lower_h, d), (0, lower_h + (body_h - lower_h) / 2, 0), bevel=min(bev, 0.3 * (body_h - lower_h))))
        tw, td = w - 2 * t - 0.004, d - t - 0.004
        tray = S.box_shell((tw, tray_h, td), 0.003, "+y", (0, t + tray_h / 2, d / 2 - td / 2))
        front = S.box((w - 0.002, tray_h + 2 * t - 0.002, 0.008), (0, lower_h / 2, d / 2 + 0.004), bevel=0.002)
        recess = S.orient(S.lip_pull(0.3 * tw, 0.012, 0.003, 0.01), Z, X, (0, lower_h / 2, d / 2 + 0.008))
        travel = td * _u(rng, 0.3, 0.8)
        joint = prismatic(Z, (0, lower_h / 2, d / 2), (0.0, travel))
        parts.append(make_part("paper_tray", S.merge(tray, front, recess), joint, [(0, lower_h / 2, d / 2 + 0.02)],
                               rest_value(rng, (0.0, travel), 0.75)))
    else:
        base.append(S.box((w, body_h, d), (0, body_h / 2, 0), bevel=min(bev, 0.3 * body_h)))

    # Top: a scanner lid covering the whole top, or an inkjet cover over the front part.
    scanner = rng.random() < 0.55
    lid_d = d * (_u(rng, 0.85, 1.0) if scanner else _u(rng, 0.45, 0.7))
    back_z = -d / 2 + (0.0 if scanner else d - lid_d - 0.01)
    if not scanner:  # fixed rear top with the paper feed slot
        base.append(S.box((w, lid_t, d - lid_d - 0.01), (0, body_h + lid_t / 2, -d / 2 + (d - lid_d - 0.01) / 2)))
    if scanner:
        base.append(S.box((0.85 * w, 0.002, 0.85 * lid_d), (0, body_h + 0.001, back_z + lid_d / 2)))  # glass
    lid = S.box((w, lid_t, lid_d), (0, body_h + lid_t / 2, back_z + lid_d / 2), bevel=min(0.3 * lid_t, 0.006))
    if scanner and rng.random() < 0.35:  # document feeder on the lid
        feeder = S.box((0.8 * w, _u(rng, 0.03, 0.06), 0.35 * lid_d), (0, body_h + lid_t + 0.02, back_z + 0.2 * lid_d), bevel=0.01)
        lid = S.merge(lid, feeder)
    ang = np.deg2rad(_u(rng, 60, 100))
    joint = revolute(-X, (0, body_h + lid_t, back_z), (0.0, ang))
    grasp = [(x, body_h + lid_t / 2, back_z + lid_d) for x in (-0.3 * w, 0.0, 0.3 * w)]
    parts.append(make_part("top_cover" if not scanner else "scanner_lid", lid, joint, grasp, rest_value(rng, (0.0, ang), 0.8)))

    # Front output flap over the upper front (hinged at its bottom edge, opens forward and down).
    if rng.random() < 0.6:
        y0 = (tray_h + 2 * t if has_tray else 0.02) + 0.01
        fh = min(_u(rng, 0.04, 0.12), body_h - y0 - 0.01)
        if fh > 0.02:
            fw = _u(rng, 0.5, 0.8) * w
            flap = S.box((fw, fh, 0.006), (0, y0 + fh / 2, d / 2 + 0.003), bevel=0.002)
            ang = np.deg2rad(_u(rng, 80, 100))
            joint = revolute(X, (0, y0, d / 2 + 0.006), (0.0, ang))
            parts.append(make_part("output_flap", flap, joint, [(0, y0 + fh - 0.005, d / 2 + 0.006)], rest_value(rng, (0, ang), 0.6)))

    # Buttons on the top front right (or a control strip on the front).
    n = int(rng.integers(0, 5))
    if n:
        if scanner or rng.random() < 0.5:  # a scanner lid covers the top: buttons on the front face
            start = np.array([w / 2 - 0.025, body_h - 0.02, d / 2])
            parts += control_row(rng, start, (-0.022, 0, 0), n, Z, Y, "button", _u(rng, 0.008, 0.014))
        else:  # on the fixed rear top, beside the paper slot
            start = np.array([w / 2 - 0.03, body_h + lid_t, -d / 2 + 0.03])
            parts += control_row(rng, start, (-0.022, 0, 0), n, Y, -Z, "button", _u(rng, 0.008, 0.014))
    return assemble("Printer", rng, base, parts)


# ------------------------------------------------------------------------------- Toaster


@register("Toaster")
def toaster(rng: np.random.Generator) -> ArticulatedObject:
    """Pop-up toaster: rounded body with bread slots on top, a carriage lever sliding vertically in a
    slot (prismatic, down), a browning knob and buttons."""
    four = rng.random() < 0.3
    w = _u(rng, 0.34, 0.44) if four else _u(rng, 0.24, 0.33)
    d, h = _u(rng, 0.15, 0.24), _u(rng, 0.16, 0.23)
    bev = _u(rng, 0.01, 0.05)
    body = S.box((w, h, d), (0, h / 2 + 0.01, 0), bevel=min(bev, 0.45 * d), bevel_segments=3)
    feet = [S.box((0.02, 0.01, 0.02), (sx * (w / 2 - 0.03), 0.005, sz * (d / 2 - 0.03))) for sx in (-1, 1) for sz in (-1, 1)]
    n_slots = 4 if four else 2
    slot_w = _u(rng, 0.028, 0.04)
    slot_l = min(_u(rng, 0.6, 0.8) * (w if n_slots == 2 or rng.random() < 0.5 else w / 2), w - 0.04)
    rims = []
    across = rng.random() < 0.8  # slots run along the width, side by side in depth
    for i in range(n_slots if across else 2):
        zc = (i - ((n_slots if across else 2) - 1) / 2) * (d / (n_slots + 1 if across else 3))
        if across and n_slots == 4:
            zc *= 0.9
        rims.append(S.frame((slot_l, slot_w + 0.01, 0.004), 0.005, (0, 0, 0)))
        rims[-1] = S.transform(rims[-1], _rt(X, -np.pi / 2, (0, h + 0.012, zc)))
    base = [body, *feet, *rims]
    parts: list[Part] = []
    travel = _u(rng, 0.045, min(0.09, 0.55 * h))
    y_top = 0.01 + h * _u(rng, 0.72, 0.85)
    side = rng.random() < 0.4
    levers = 2 if four and rng.random() < 0.5 else 1
    for k in range(levers):
        if side:
            sx = 1 if k == 0 else -1
            at = np.array([sx * w / 2, y_top, d * 0.15])
            normal, lat = sx * X, Z
        else:
            sx = 1 if k == 0 else -1
            at = np.array([sx * (w / 2 - _u(rng, 0.03, 0.05)), y_top, d / 2])
            normal, lat = Z, X
        # The slot is on the body; the paddle protrudes from it.
        base.append(slot_mesh(at - Y * (travel + 0.005), Y, normal, travel + 0.01, 0.006))
        pw, pd, ph = _u(rng, 0.025, 0.045), _u(rng, 0.015, 0.03), _u(rng, 0.01, 0.02)
        paddle = S.orient(S.box((pw, ph, pd), (0, 0, pd / 2), bevel=0.003), normal, Y, at)
        joint = prismatic(-Y, at, (0.0, travel))
        grasp = [at + normal * pd * 0.8 + Y * ph / 2]
        parts.append(make_part(f"lever_{k}", paddle, joint, grasp, rest_value(rng, (0.0, travel), 0.7)))
    # Controls on the front (or the side next to the lever).
    if rng.random() < 0.7:
        at = np.array([-(w / 2 - 0.05), 0.01 + 0.4 * h, d / 2]) if not side else np.array([w / 2, 0.01 + 0.35 * h, d * 0.15])
        parts.append(knob_part(rng, at, Z if not side else X, Y, _u(rng, 0.012, 0.02), "browning_knob"))
    nb = int(rng.integers(0, 4))
    if nb:
        start = np.array([-(w / 2 - 0.05) + 0.04, 0.01 + 0.2 * h, d / 2]) if not side else np.array([w / 2, 0.01 + 0.15 * h, d * 0.3])
        step = (0.02, 0, 0) if not side else (0, 0, -0.02)
        parts += control_row(rng, start, step, nb, Z if not side else X, Y, "button", _u(rng, 0.007, 0.013))
    return assemble("Toaster", rng, base, parts)


def _rt(axis, angle, t) -> np.ndarray:
    M = np.eye(4)
    M[:3, :3] = S.rotation_matrix(axis, angle)
    M[:3, 3] = t
    return M


# ------------------------------------------------------------------------ CoffeeMachine


@register("CoffeeMachine")
def coffee_machine(rng: np.random.Generator) -> ArticulatedObject:
    """Capsule machine (lever lid lifting up), drip coffee maker (reservoir lid, swing-out filter
    basket) or espresso machine (portafilter, steam knob); drip trays slide out, buttons press in."""
    kind = str(rng.choice(["capsule", "drip", "espresso"]))
    parts: list[Part] = []
    base = []
    if kind == "capsule":
        w, d, h = _u(rng, 0.1, 0.2), _u(rng, 0.24, 0.38), _u(rng, 0.22, 0.32)
        head_h = _u(rng, 0.06, 0.1)
        col_d = d * _u(rng, 0.45, 0.6)
        base.append(S.box((w, h - head_h, col_d), (0, (h - head_h) / 2, -d / 2 + col_d / 2), bevel=0.2 * w))
        base.append(S.box((w, 0.02, d), (0, 0.01, 0), bevel=0.008))  # foot
        base.append(S.box((w * 0.9, head_h * 0.7, d - col_d), (0, h - head_h * 0.65, d / 2 - (d - col_d) / 2), bevel=0.01))
        base.append(S.cylinder(0.008, 0.02, 12, (0, h - head_h - 0.01, d / 2 - 0.05)))  # nozzle
        # Lever lid on top of the head, hinged at the back of the head.
        hinge_z = -d / 2 + col_d * 0.5
        lid = S.box((w * 0.92, 0.02, d / 2 - hinge_z), (0, h - 0.01, (d / 2 + hinge_z) / 2), bevel=0.008)
        ang = np.deg2rad(_u(rng, 70, 100))
        parts.append(make_part("lever", lid, revolute(-X, (0, h - 0.02, hinge_z), (0, ang)), [(0, h, d / 2 - 0.01)],
                               rest_value(rng, (0, ang), 0.7)))
        if rng.random() < 0.7:
            nb = int(rng.integers(1, 3))
            parts += control_row(rng, (0.0125 * (nb - 1), h - 0.005, -d / 2 + col_d * 0.3), (-0.025, 0, 0), nb, Y, -Z, "button", 0.012)
        tray_y = 0.02
    elif kind == "drip":
        w, d, h = _u(rng, 0.18, 0.3), _u(rng, 0.2, 0.3), _u(rng, 0.3, 0.42)
        tower_d = d * _u(rng, 0.35, 0.5)
        base.append(S.box((w, h, tower_d), (0, h / 2, -d / 2 + tower_d / 2), bevel=0.01))
        base.append(S.box((w, 0.05, d), (0, 0.025, 0), bevel=0.01))  # foot with warming plate
        base.append(S.cylinder(0.06, 0.004, 24, (0, 0.052, d / 2 - (d - tower_d) / 2)))
        # Carafe (part of the base here).
        cz = d / 2 - (d - tower_d) / 2
        base.append(S.cup(0.055, 0.12, 0.003, 24, center=(0, 0.054 + 0.06, cz), top_radius=0.05))
        base.append(S.orient(S.loop_handle(0.08, 0.03, 0.006), X, Y, (0.055, 0.12, cz)))
        # Head overhang with a swing-out filter basket (revolute about a vertical axis at its side).
        top_h = _u(rng, 0.07, 0.1)
        base.append(S.box((w, top_h * 0.4, d - tower_d), (0, h - top_h * 0.2, d / 2 - (d - tower_d) / 2), bevel=0.008))
        bh = top_h * 0.6
        basket = S.box((w * 0.8, bh, d - tower_d - 0.01), (0, h - top_h * 0.4 - bh / 2, d / 2 - (d - tower_d) / 2 - 0.005), bevel=0.01)
        sx = float(rng.choice([-1, 1]))
        ang = np.deg2rad(_u(rng, 70, 100))
        hinge = (sx * w * 0.4, 0, d / 2 - 0.005)
        parts.append(make_part("filter_basket", basket, revolute(Y * sx, hinge, (0, ang)),
                               [(-sx * w * 0.38, h - top_h * 0.4 - bh / 2, d / 2 - 0.005)], rest_value(rng, (0, ang), 0.8)))
        # Reservoir lid on top, hinged at the back.
        lid_d = tower_d * 0.9
        lid = S.box((w * 0.9, 0.015, lid_d), (0, h + 0.0075, -d / 2 + 0.01 + lid_d / 2), bevel=0.005)
        ang = np.deg2rad(_u(rng, 60, 100))
        parts.append(make_part("reservoir_lid", lid, revolute(-X, (0, h + 0.015, -d / 2 + 0.01), (0, ang)),
                               [(0, h + 0.01, -d / 2 + 0.01 + lid_d)], rest_value(rng, (0, ang), 0.7)))
        parts += control_row(rng, (w / 2 - 0.03, 0.025, d / 2), (-0.022, 0, 0), int(rng.integers(1, 4)), Z, Y,
                             str(rng.choice(["button", "rocker"])), 0.014)
        tray_y = None
    else:  # espresso: a tower at the back, an overhang carrying the group head over a brew bay
        w, d, h = _u(rng, 0.25, 0.4), _u(rng, 0.25, 0.4), _u(rng, 0.3, 0.42)
        gh = h * _u(rng, 0.55, 0.68)  # underside of the overhang
        z_bay, z_front = 0.1 * d, 0.45 * d
        base.append(S.box((w, h, z_bay + d / 2), (0, h / 2, (z_bay - d / 2) / 2), bevel=0.01))
        base.append(S.box((w, h - gh, z_front - z_bay + 0.01), (0, (h + gh) / 2, (z_front + z_bay) / 2), bevel=0.01))
        base.append(S.box((w, 0.02, d), (0, 0.01, 0), bevel=0.005))
        zc = (z_front + z_bay) / 2
        base.append(S.cylinder(0.035, 0.025, 24, (0, gh - 0.0125, zc)))  # group head
        # Portafilter: a basket and a long handle to the front, twisting about the group's axis.
        pf_c = np.array([0, gh - 0.04, zc])
        cupm = S.cylinder(0.036, 0.03, 24, pf_c, bevel=0.004)
        L = _u(rng, 0.1, 0.16)
        handle = S.sweep(np.array([pf_c + (0, 0, 0.03), pf_c + (0, -0.012, 0.03 + L)]), _u(rng, 0.009, 0.014), 12)
        ang = np.deg2rad(_u(rng, 35, 60))
        pf = make_part("portafilter", S.merge(cupm, handle), revolute(Y, pf_c, (-ang, 0.0)), [pf_c + (0, -0.01, 0.03 + 0.8 * L)],
                       rest_value(rng, (-ang, 0.0), 0.6, closed=0.0))
        parts.append(pf)
        # Steam knob on the side, a wand below it, buttons on the overhang's front.
        sx = float(rng.choice([-1, 1]))
        parts.append(knob_part(rng, (sx * w / 2, h * 0.75, 0.0), sx * X, Y, _u(rng, 0.015, 0.025), "steam_knob"))
        base.append(S.sweep(np.array([(sx * (w / 2 + 0.01), h * 0.6, z_bay), (sx * (w / 2 + 0.03), h * 0.35, z_bay + 0.02)]), 0.005, 8))
        nb = int(rng.integers(2, 5))
        parts += control_row(rng, (-0.0135 * (nb - 1), (h + gh) / 2, z_front + 0.005), (0.027, 0, 0), nb, Z, Y, "button", 0.014)
        tray_y = 0.02
    if tray_y is not None and rng.random() < 0.8:
        tw, td, th = w * 0.85, _u(rng, 0.08, 0.13), 0.02
        grille = S.transform(S.frame((tw - 0.006, td - 0.006, 0.003), 0.004), _rt(X, -np.pi / 2, (0, tray_y + th, d / 2 - td / 2 - 0.002)))
        tray = S.merge(S.box_shell((tw, th, td), 0.003, "+y", (0, tray_y + th / 2, d / 2 - td / 2 - 0.002)), grille)
        travel = td * _u(rng, 0.6, 1.0)
        parts.append(make_part("drip_tray", tray, prismatic(Z, (0, tray_y + th / 2, d / 2), (0, travel)),
                               [(0, tray_y + th / 2, d / 2)], rest_value(rng, (0, travel), 0.85)))
    return assemble("CoffeeMachine", rng, base, parts)


# -------------------------------------------------------------------------------- Faucet


@register("Faucet")
def faucet(rng: np.random.Generator) -> ArticulatedObject:
    """Tap on a deck plate: single-lever mixer (lever lifting about a horizontal axis or turning
    about the vertical one), two-handle tap (handles about their own vertical axes), side lever;
    kitchen spouts often swivel about the vertical body axis."""
    kind = str(rng.choice(["single", "single", "two_handle", "side_lever"]))
    parts: list[Part] = []
    base = []
    r_body = _u(rng, 0.018, 0.032)
    h_body = _u(rng, 0.06, 0.2)
    square = rng.random() < 0.25
    plate = S.box((_u(rng, 0.06, 0.12), 0.008, _u(rng, 0.05, 0.08)), (0, 0.004, 0), bevel=0.003) if square else \
        S.cylinder(r_body * _u(rng, 1.3, 2.0), 0.008, 32, (0, 0.004, 0), bevel=0.002)
    base.append(plate)
    if kind == "two_handle":
        spacing = _u(rng, 0.06, 0.1)
        h_body = _u(rng, 0.04, 0.08)
    body = S.box((2 * r_body, h_body, 2 * r_body), (0, 0.008 + h_body / 2, 0), bevel=0.3 * r_body) if square else \
        S.cylinder(r_body, h_body, 32, (0, 0.008 + h_body / 2, 0), bevel=0.15 * r_body)
    base.append(body)
    top = 0.008 + h_body
    # Spout: a gooseneck arc from the top or a straight tube from the front of the body.
    r_sp = _u(rng, 0.008, 0.014)
    goose = rng.random() < 0.45
    if goose:
        R = _u(rng, 0.07, 0.14)
        t = np.linspace(0, np.pi * _u(rng, 0.75, 0.95), 18)
        path = np.stack([np.zeros_like(t), top - 0.01 + R * np.sin(t) + 0.03, R - R * np.cos(t)], 1)
        path = np.concatenate([[[0, top - 0.01, 0]], path])
        spout = S.sweep(path, r_sp, 14)
        spout_end = path[-1]
    else:
        L = _u(rng, 0.1, 0.22)
        y0 = 0.008 + h_body * _u(rng, 0.45, 0.8)
        rise = _u(rng, -0.01, 0.04)
        path = np.array([[0, y0, 0.0], [0, y0 + rise, L * 0.8], [0, y0 + rise - 0.025, L]])
        path = S.rounded_path(path, 0.02, 4)
        spout = S.sweep(path, r_sp, 14)
        spout_end = path[-1]
    swivel = kind != "two_handle" and rng.random() < 0.45
    if swivel:
        ang = np.deg2rad(_u(rng, 60, 170))
        parts.append(make_part("spout", spout, revolute(Y, (0, 0, 0), (-ang, ang)), [spout_end], rest_value(rng, (-ang, ang), 0.6, 0.0)))
    else:
        base.append(spout)

    if kind == "single":
        L = _u(rng, 0.06, 0.14)
        r = _u(rng, 0.005, 0.009)
        hub = S.cylinder(r_body * 0.9, 0.02, 24, (0, top + 0.01, 0))
        backward = rng.random() < 0.6
        dz = -1.0 if backward else 1.0
        arm = S.sweep(np.array([[0, top + 0.015, 0], [0, top + 0.02 + 0.15 * L, dz * L]]), r, 12)
        lever = S.merge(hub, arm)
        lift = rng.random() < 0.6
        grasp = [(0, top + 0.02 + 0.15 * L, dz * L * 0.9)]
        if lift:  # lifting about the horizontal x axis through the hub
            ang = np.deg2rad(_u(rng, 20, 45))
            j = revolute(X * dz, (0, top + 0.01, 0), (0.0, ang))
            parts.append(make_part("lever", lever, j, grasp, rest_value(rng, (0, ang), 0.6)))
        else:  # temperature: turning about the vertical axis
            ang = np.deg2rad(_u(rng, 45, 90))
            j = revolute(Y, (0, top, 0), (-ang, ang))
            parts.append(make_part("lever", lever, j, grasp, rest_value(rng, (-ang, ang), 0.6, 0.0)))
    elif kind == "side_lever":
        L = _u(rng, 0.05, 0.1)
        at = np.array([r_body, 0.008 + h_body * 0.6, 0])
        lever = S.merge(S.cylinder(0.012, 0.015, 16, at + (0.0075, 0, 0), axis=X),
                        S.sweep(np.array([at + (0.012, 0, 0), at + (0.015, L, 0)]), 0.006, 12))
        ang = np.deg2rad(_u(rng, 60, 95))
        parts.append(make_part("lever", lever, revolute(-X, at, (0, ang)), [at + (0.015, 0.9 * L, 0)], rest_value(rng, (0, ang), 0.6)))
        base.append(S.cylinder(r_body * 0.95, 0.01, 24, (0, top + 0.005, 0)))
    else:
        for k, sx in enumerate((-1, 1)):
            c = np.array([sx * spacing, 0.0, 0.0])
            base.append(S.cylinder(0.018, 0.01, 24, c + (0, 0.005, 0)))
            stem_h = _u(rng, 0.02, 0.05)
            stem = S.cylinder(0.01, stem_h, 16, c + (0, 0.01 + stem_h / 2, 0))
            if rng.random() < 0.5:  # cross handle
                arms = [S.sweep(np.array([c + (0, 0.01 + stem_h, 0), c + (0.03 * np.cos(a), 0.012 + stem_h, 0.03 * np.sin(a))]), 0.005, 10)
                        for a in np.arange(4) * np.pi / 2 + np.pi / 4]
                grip = S.merge(stem, *arms)
                grasp = [c + (0.03 * np.cos(np.pi / 4), 0.012 + stem_h, 0.03 * np.sin(np.pi / 4))]
            else:  # lever handle
                arm = S.sweep(np.array([c + (0, 0.01 + stem_h, 0), c + (sx * 0.05, 0.015 + stem_h, 0.0)]), 0.006, 10)
                grip = S.merge(stem, arm)
                grasp = [c + (sx * 0.045, 0.015 + stem_h, 0)]
            ang = np.deg2rad(_u(rng, 90, 180)) if rng.random() < 0.5 else np.deg2rad(90)
            j = revolute(Y * sx, c, (0, ang))
            parts.append(make_part(f"handle_{k}", grip, j, grasp, rest_value(rng, (0, ang), 0.7)))
    return assemble("Faucet", rng, base, parts)
