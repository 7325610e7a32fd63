"""Mesh primitives: closed, outward-wound, the size asked for, and cheap to build."""

import time

import numpy as np
import pytest

from dragmesh.data import shapes as S


def _closed_and_outward(mesh):
    """Every directed edge once, each with its reverse: closed and consistently wound; and a
    positive enclosed volume: wound outward."""
    v, f = mesh
    assert v.dtype == np.float64 and f.dtype == np.int64
    assert v.ndim == 2 and v.shape[1] == 3 and f.ndim == 2 and f.shape[1] == 3
    assert np.isfinite(v).all() and f.min() >= 0 and f.max() < len(v)
    e = np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]])
    key = e[:, 0] * len(v) + e[:, 1]
    rev = e[:, 1] * len(v) + e[:, 0]
    assert len(np.unique(key)) == len(key), "an edge is used twice in the same direction"
    assert np.isin(rev, key).all(), "an edge has no opposite: the surface is open"
    assert S.signed_volume(mesh) > 0
    return S.signed_volume(mesh)


CLOSED = {
    "box": lambda: S.box((0.3, 0.2, 0.1)),
    "box_bevel": lambda: S.box((0.3, 0.2, 0.1), bevel=0.02, bevel_segments=3),
    "box_dense": lambda: S.box((0.3, 0.2, 0.1), max_edge=0.03),
    "shell_front": lambda: S.box_shell((0.6, 0.8, 0.4), 0.02),
    "shell_top_bevel": lambda: S.box_shell((0.6, 0.8, 0.4), (0.02, 0.03, 0.02, 0.0, 0.01, 0.02), "+y", bevel=0.015),
    "shell_minus_x": lambda: S.box_shell((0.6, 0.8, 0.4), 0.03, "-x", bevel=0.01),
    "shell_minus_y": lambda: S.box_shell((0.6, 0.8, 0.4), 0.03, "-y"),
    "tube_x": lambda: S.box_shell((0.6, 0.8, 0.4), 0.03, ("-x", "+x")),
    "frame": lambda: S.frame((0.5, 0.7, 0.03), (0.05, 0.1, 0.05, 0.2)),
    "pocket": lambda: S.plate_with_pocket((0.4, 0.6, 0.02), (-0.05, 0.05, 0.2, 0.25), 0.01),
    "window": lambda: S.window_panel((0.4, 0.3, 0.03), 0.05),
    "cylinder": lambda: S.cylinder(0.1, 0.3, axis=(1, 0, 0), bevel=0.01),
    "tube": lambda: S.tube(0.1, 0.08, 0.3, axis=(0, 0, 1)),
    "cup": lambda: S.cup(0.1, 0.3, 0.005, top_radius=0.12),
    "torus": lambda: S.torus_arc(0.2, 0.02),
    "arc": lambda: S.torus_arc(0.2, 0.02, np.pi),
    "plate_with_hole": lambda: S.plate_with_hole((0.6, 0.5, 0.02), 0.15, (0.05, -0.03)),
    "bar_square": lambda: S.bar_handle(0.2, 0.03, 0.006, square=True),
    "loop": lambda: S.loop_handle(0.15, 0.03, 0.006),
    "flat_loop": lambda: S.loop_handle(0.15, 0.03, 0.006, flat=True),
    "bow": lambda: S.bow_handle(0.12, 0.03, 0.005),
    "knob": lambda: S.knob(0.02, 0.025),
    "knob_ball": lambda: S.knob(0.02, 0.025, "ball"),
    "knob_cone": lambda: S.knob(0.02, 0.025, "cone"),
    "button": lambda: S.button(0.02, 0.01, 0.006),
    "subdivided": lambda: S.subdivide(S.box_shell((0.6, 0.8, 0.4), 0.02), 2),
}


@pytest.mark.parametrize("name", sorted(CLOSED))
def test_primitives_are_closed_and_wound_outward(name):
    _closed_and_outward(CLOSED[name]())


def test_sizes_and_volumes_are_exact():
    assert S.signed_volume(S.box((0.3, 0.2, 0.1))) == pytest.approx(0.006)
    v, _ = S.box((0.3, 0.2, 0.1), (1.0, 2.0, 3.0), bevel=0.02)
    assert np.allclose(v.min(0), (0.85, 1.9, 2.95)) and np.allclose(v.max(0), (1.15, 2.1, 3.05))
    assert S.signed_volume(S.box((0.3, 0.2, 0.1), bevel=0.02)) < 0.006
    # A carcass: outer box minus the cavity (walls 2 cm, open at the front).
    shell = S.box_shell((0.6, 0.8, 0.4), 0.02)
    assert S.signed_volume(shell) == pytest.approx(0.6 * 0.8 * 0.4 - 0.56 * 0.76 * 0.38)
    assert np.allclose(shell[0].min(0), (-0.3, -0.4, -0.2)) and np.allclose(shell[0].max(0), (0.3, 0.4, 0.2))
    # Uneven walls and another open face keep the outer size.
    v, _ = S.box_shell((0.6, 0.8, 0.4), (0.01, 0.02, 0.03, 0.04, 0.05, 0.06), "+y", (0, 1, 0))
    assert np.allclose(v.min(0), (-0.3, 0.6, -0.2)) and np.allclose(v.max(0), (0.3, 1.4, 0.2))
    assert S.signed_volume(S.frame((0.5, 0.7, 0.03), 0.05)) == pytest.approx((0.35 - 0.4 * 0.6) * 0.03)
    n = 24
    polygon = 0.5 * n * np.sin(2 * np.pi / n)  # area of the n-gon inscribed in the unit circle
    assert S.signed_volume(S.cylinder(0.1, 0.3, n)) == pytest.approx(polygon * 0.01 * 0.3)
    assert S.signed_volume(S.tube(0.1, 0.08, 0.3, n)) == pytest.approx(polygon * (0.01 - 0.0064) * 0.3)
    hole = S.plate_with_hole((0.6, 0.5, 0.02), 0.15, segments=n)
    assert S.signed_volume(hole) == pytest.approx((0.3 - polygon * 0.0225) * 0.02)


def test_open_face_is_really_open():
    """The cavity of a front-open carcass is reachable from +z: no face covers the opening."""
    v, f = S.box_shell((0.6, 0.8, 0.4), 0.02, "+z")
    centers = v[f].mean(1)
    normals = np.cross(v[f][:, 1] - v[f][:, 0], v[f][:, 2] - v[f][:, 0])
    front = (np.abs(centers[:, 2] - 0.2) < 1e-9) & (np.abs(centers[:, 0]) < 0.2) & (np.abs(centers[:, 1]) < 0.3)
    assert not front.any()
    # The back of the cavity faces forward (into the cavity).
    back = np.abs(centers[:, 2] + 0.18) < 1e-9
    assert back.any() and (normals[back][:, 2] > 0).all()


def test_placement_helpers():
    m = S.box((0.1, 0.2, 0.3))
    moved = S.translate(S.rotate(m, (0, 1, 0), np.pi / 2), (1, 0, 0))
    assert np.allclose(moved[0].min(0), (0.85, -0.1, -0.05)) and np.allclose(moved[0].max(0), (1.15, 0.1, 0.05))
    # A reflection keeps the winding outward.
    T = np.diag([-1.0, 1.0, 1.0, 1.0])
    assert S.signed_volume(S.transform(m, T)) > 0 and S.signed_volume(S.mirror(m, 2)) > 0
    # orient: local +z onto the normal, +y onto up, origin onto at.
    knob = S.knob(0.02, 0.03)
    placed = S.orient(knob, (1, 0, 0), (0, 1, 0), (0.5, 0.0, 0.0))
    assert placed[0][:, 0].min() == pytest.approx(0.5) and placed[0][:, 0].max() == pytest.approx(0.53)
    merged = S.merge([m, S.translate(m, (1, 0, 0))])
    assert len(merged[0]) == 2 * len(m[0]) and merged[1].max() == len(merged[0]) - 1
    assert _closed_and_outward(merged) == pytest.approx(2 * 0.006)
    sub = S.subdivide(S.box_shell((0.6, 0.8, 0.4), 0.02), 1)
    assert len(sub[1]) == 4 * len(S.box_shell((0.6, 0.8, 0.4), 0.02)[1])


def test_handles_stand_on_their_mounting_surface():
    for mesh, reach in [
        (S.bar_handle(0.2, 0.03, 0.006), 0.036),
        (S.loop_handle(0.15, 0.03, 0.006), 0.036),
        (S.bow_handle(0.12, 0.03, 0.005), 0.035),
        (S.knob(0.02, 0.025), 0.025),
        (S.lip_pull(0.3, 0.02, 0.003, 0.015), 0.02),
        (S.lever_handle(0.12, 0.008, 0.025, 0.05), 0.066),
    ]:
        v = mesh[0]
        assert v[:, 2].min() > -0.007 and v[:, 2].max() == pytest.approx(reach, abs=2e-3)
    # Long handles run along +y.
    v = S.bar_handle(0.2, 0.03, 0.006)[0]
    assert np.ptp(v[:, 1]) == pytest.approx(0.2) and np.ptp(v[:, 0]) < 0.02


def test_primitives_are_fast():
    calls = [
        lambda: S.box((1, 1, 1)),
        lambda: S.box((1, 1, 1), bevel=0.05),
        lambda: S.box_shell((1, 1, 1), 0.02, bevel=0.01),
        lambda: S.cylinder(0.1, 0.2),
        lambda: S.loop_handle(0.12, 0.03, 0.005),
        lambda: S.window_panel((0.5, 0.4, 0.03), 0.06),
    ]
    for c in calls:
        c()
    t = time.perf_counter()
    for _ in range(20):
        for c in calls:
            c()
    per_call = (time.perf_counter() - t) / (20 * len(calls))
    assert per_call < 2e-3  # ~0.1 ms each on one core; generous for loaded machines
