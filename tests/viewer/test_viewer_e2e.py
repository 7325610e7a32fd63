"""End to end: the real viewer window under Xvfb, driven by a real mouse (xdotool).

A generated dresser is written to a GLB, the viewer opens it with ``--record`` and
``--export-on-release``, xdotool drags a drawer out along its true motion on screen, and the event
log must show the pick, the inferred joint, the drawer following the drag the right way, the
trajectory and an export that loads again. A screenshot is saved beside the log.

The controls: a drag on the base only turns the view (a ``locked`` event, nothing moves, no axis
arrow on screen); F frames everything as shown; Ctrl+Z undoes a drag and Ctrl+Shift+Z redoes it;
the +Z button stands the mesh on its Z axis.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

REQUIRED = ("Xvfb", "xdotool", "import")
missing = [tool for tool in REQUIRED if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(
    bool(missing), reason=f"viewer end-to-end test needs {', '.join(missing)} (apt-get install xvfb xdotool imagemagick)"
)

ROOT = Path(__file__).resolve().parents[2]
CATEGORY, SEED, PART = "StorageFurniture", 2, "drawer_0"


def write_object(path: Path):
    """The generated object as a GLB (one node per part); returns its ArticulatedObject."""
    import trimesh

    from dragmesh.data.generator import registered_categories

    obj = registered_categories()[CATEGORY](np.random.default_rng(SEED))
    scene = trimesh.Scene()
    for part in obj.parts:
        scene.add_geometry(trimesh.Trimesh(part.vertices, part.faces, process=False), node_name=part.name,
                           geom_name=part.name)
    scene.export(path)
    return obj


def read_events(log: Path) -> list[dict]:
    if not log.exists():
        return []
    events = []
    for line in log.read_text().splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            pass  # a line being written
    return events


def wait_for(log: Path, proc: subprocess.Popen, predicate, timeout: float, what: str) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = read_events(log)
        if any(predicate(e) for e in events):
            return events
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            pytest.fail(f"viewer exited ({proc.returncode}) before {what}:\n{out[-3000:]}")
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}; events: "
                f"{[e['event'] for e in read_events(log)]}")


def xdo(env, *args: str) -> None:
    subprocess.run(["xdotool", *args], env=env, check=True, timeout=10)


@pytest.fixture
def display(tmp_path):
    from viewer.xvfb import software_gl_env, xvfb

    with xvfb(1280, 800) as name:
        env = software_gl_env(name)
        env["DRAGMESH_CONFIG_DIR"] = str(tmp_path / "config")  # recent files: not the user's
        yield env


def start_viewer(env, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dragmesh", "view", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def stop_viewer(proc: subprocess.Popen, env) -> int | None:
    """Quit with the Q key; kill the viewer (by its own pid) if it does not go. It gets 30 s: on
    a machine whose cores are taken by other work, a viewer quitting a trajectory took over 10."""
    if proc.poll() is None:
        subprocess.run(["xdotool", "key", "q"], env=env, timeout=10)
        try:
            return proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return None
    return proc.returncode


def screenshot(env, path: Path) -> Path:
    subprocess.run(["import", "-window", "root", str(path)], env=env, check=True, timeout=20)
    return path


def drag_along(env, x0, y0, direction, pixels=130.0, steps=12):
    xdo(env, "mousemove", str(int(x0)), str(int(y0)))
    time.sleep(0.3)
    xdo(env, "mousedown", "1")
    for k in range(1, steps + 1):
        time.sleep(0.06)
        x, y = np.array([x0, y0]) + np.asarray(direction) * pixels * k / steps
        xdo(env, "mousemove", str(int(round(x))), str(int(round(y))))
    time.sleep(0.3)
    xdo(env, "mouseup", "1")


def screen_projector(ready):
    view, proj = np.array(ready["camera"]["view"]), np.array(ready["camera"]["projection"])
    rect = ready["view"]

    def to_screen(p):
        clip = proj @ view @ np.r_[p, 1.0]
        ndc = clip[:2] / clip[3]
        return np.array([rect["x"] + (ndc[0] + 1) / 2 * rect["width"], rect["y"] + (1 - ndc[1]) / 2 * rect["height"]])

    return to_screen


def arrow_pixels(path: Path) -> int:
    """Pixels of the joint's axis arrow (saturated blue; the blue drawer is far greyer)."""
    from PIL import Image

    img = np.asarray(Image.open(path).convert("RGB"), dtype=np.int32)
    r, b = img[..., 0], img[..., 2]
    return int(((b > 120) & (6 * r < b)).sum())


def test_drag_a_drawer_with_the_mouse(tmp_path, display):
    from PIL import Image

    from dragmesh.io import load_mesh

    obj = write_object(tmp_path / "dresser.glb")
    true_joint = next(p.joint for p in obj.parts if p.name == PART)
    log, out = tmp_path / "events.jsonl", tmp_path / "exports"
    proc = start_viewer(display, str(tmp_path / "dresser.glb"), "--record", str(log), "--export-on-release",
                        str(out), "--export", "glb,urdf", "--size", "1100x760")
    try:
        events = wait_for(log, proc, lambda e: e["event"] == "ready" and e["parts"], 60, "the viewer to be ready")
        ready = next(e for e in events if e["event"] == "ready")
        part = next(p for p in ready["parts"] if p["name"] == PART)
        assert part["grab_screen"] is not None, "the drawer is not visible at start-up"

        # Where the drawer's true opening motion goes on screen, from the camera the viewer recorded.
        view, proj = np.array(ready["camera"]["view"]), np.array(ready["camera"]["projection"])
        rect = ready["view"]

        def to_screen(p):
            clip = proj @ view @ np.r_[p, 1.0]
            ndc = clip[:2] / clip[3]
            return np.array([rect["x"] + (ndc[0] + 1) / 2 * rect["width"], rect["y"] + (1 - ndc[1]) / 2 * rect["height"]])

        c = np.array(part["centroid"])
        direction = to_screen(c + 0.1 * true_joint.axis) - to_screen(c)
        direction /= np.linalg.norm(direction)
        x0, y0 = part["grab_screen"]
        steps = [np.array([x0, y0]) + direction * 130 * k / 12 for k in range(1, 13)]

        xdo(display, "mousemove", str(int(x0)), str(int(y0)))
        time.sleep(0.3)
        xdo(display, "mousedown", "1")
        for x, y in steps:
            time.sleep(0.06)
            xdo(display, "mousemove", str(int(round(x))), str(int(round(y))))
        time.sleep(0.3)
        xdo(display, "mouseup", "1")
        events = wait_for(log, proc, lambda e: e["event"] in ("export", "error"), 60, "the export after the release")
        shot = screenshot(display, tmp_path / "viewer.png")
    finally:
        status = stop_viewer(proc, display)

    kinds = [e["event"] for e in events]
    errors = [e["message"] for e in events if e["event"] == "error"]
    assert not errors, errors

    pick = next(e for e in events if e["event"] == "pick")
    assert pick["name"] == PART

    joint = next(e for e in events if e["event"] == "joint")
    assert joint["name"] == PART and joint["type"] == true_joint.type
    cos = abs(float(np.dot(joint["axis"], true_joint.axis)))
    assert cos > np.cos(np.radians(20)), f"axis {joint['axis']} vs true {true_joint.axis.tolist()}"

    drags = [e for e in events if e["event"] == "drag"]
    assert len(drags) >= 5, kinds
    # The drawer follows the cursor: its grabbed point moves on screen the way the mouse moved, and in
    # 3D along the true opening direction.
    moved_on_screen = np.array(drags[-1]["screen"]) - np.array(pick["screen"])
    mouse_moved = steps[-1] - np.array([x0, y0])
    assert moved_on_screen @ mouse_moved > 0.5 * np.linalg.norm(moved_on_screen) * np.linalg.norm(mouse_moved)
    moved = np.array(drags[-1]["point"]) - np.array(pick["point"])
    assert moved @ true_joint.axis > 0.02, moved
    assert drags[-1]["value"] > 0

    release = next(e for e in events if e["event"] == "release")
    trajectory = next(e for e in events if e["event"] == "trajectory")
    assert len(trajectory["values"]) == 16
    # The generated motion ends where the drag was released, up to the DQ-VAE's own extent (its
    # default trajectory is learned, not forced onto the drag value: a fraction of a percent).
    assert trajectory["values"][-1] == pytest.approx(release["value"], rel=2e-2, abs=1e-6)

    export = next(e for e in events if e["event"] == "export")
    paths = [Path(p) for p in export["paths"]]
    glb = next(p for p in paths if p.suffix == ".glb")
    urdf = next(p for p in paths if p.suffix == ".urdf")
    reloaded = load_mesh(glb)
    assert PART in "".join(reloaded.part_names) and reloaded.n_parts >= 2
    assert load_mesh(urdf).n_parts >= 2

    image = np.asarray(Image.open(shot).convert("RGB"), dtype=np.float64)
    assert image.std() > 10, "the screenshot is blank"
    assert status == 0, f"viewer did not quit cleanly on Q (status {status})"


def test_unreadable_file_shows_a_message(tmp_path, display):
    bad = tmp_path / "broken.obj"
    bad.write_bytes(b"v 0 0 0\nv 1 0 0\nf 1 2 9\n\x00\xff garbage")
    log = tmp_path / "events.jsonl"
    proc = start_viewer(display, str(bad), "--record", str(log), "--size", "800x600")
    try:
        events = wait_for(log, proc, lambda e: e["event"] == "error", 60, "the error message")
        error = next(e for e in events if e["event"] == "error")
        assert "broken.obj" in error["message"]
        events = wait_for(log, proc, lambda e: e["event"] == "ready", 20, "the window")
        # The status line shows the whole reason, wrapped, not cut at the window's edge.
        shown = " ".join(next(e for e in events if e["event"] == "ready")["status"])
        assert "broken.obj" in shown and not shown.endswith("…"), shown
        time.sleep(0.5)
        assert proc.poll() is None, "the viewer exited on an unreadable file"
        # Clicking on nothing must not crash it either.
        xdo(display, "mousemove", "200", "200")
        xdo(display, "click", "1")
        time.sleep(0.5)
        assert proc.poll() is None
        screenshot(display, tmp_path / "error.png")
    finally:
        status = stop_viewer(proc, display)
    assert status == 0


def test_base_locked_frame_all_undo_redo_and_up_axis(tmp_path, display):
    obj = write_object(tmp_path / "dresser.glb")
    true_joint = next(p.joint for p in obj.parts if p.name == PART)
    base_name = next(p.name for p in obj.parts if p.joint is None)
    log = tmp_path / "events.jsonl"
    proc = start_viewer(display, str(tmp_path / "dresser.glb"), "--record", str(log), "--size", "1100x760")
    n_views = 0

    def frame_all():
        """Press F; the new ``view`` event (the framed box and the camera)."""
        nonlocal n_views
        xdo(display, "key", "f")
        n_views += 1
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and proc.poll() is None:
            views = [e for e in read_events(log) if e["event"] == "view"]
            if len(views) >= n_views:
                return views[n_views - 1]
            time.sleep(0.1)
        pytest.fail(f"no frame-all view after F (viewer status {proc.poll()})")

    try:
        events = wait_for(log, proc, lambda e: e["event"] == "ready" and e["parts"], 60, "the viewer to be ready")
        ready = next(e for e in events if e["event"] == "ready")
        assert ready["parts"][ready["base"]]["name"] == base_name

        # 1. Dragging the base: no pick, no joint; the status says why; nothing moves.
        base = ready["parts"][ready["base"]]
        assert base["grab_screen"] is not None, "the base is not visible at start-up"
        drag_along(display, *base["grab_screen"], direction=(1.0, 0.0), pixels=60, steps=6)
        events = wait_for(log, proc, lambda e: e["event"] == "locked", 20, "the base to refuse the drag")
        time.sleep(0.5)
        base_shot = screenshot(display, tmp_path / "base_locked.png")
        view0 = frame_all()
        events = read_events(log)
        kinds = [e["event"] for e in events]
        assert "pick" not in kinds and "joint" not in kinds, kinds
        locked = next(e for e in events if e["event"] == "locked")
        assert locked["name"] == base_name
        message = next(e for e in events if e["event"] == "message" and e["t"] >= locked["t"])
        assert "base is fixed" in message["message"]
        assert arrow_pixels(base_shot) == 0, "an axis arrow is shown after dragging the base"
        from dragmesh.io import load_mesh

        mesh = load_mesh(tmp_path / "dresser.glb")
        rest_lo, rest_hi = mesh.vertices.min(axis=0), mesh.vertices.max(axis=0)
        assert np.allclose(view0["box"], [rest_lo, rest_hi], atol=1e-6), "something moved"

        # 2. Drag the drawer out; F frames what is shown (the drawer out too).
        ready = [e for e in read_events(log) if e["event"] == "ready"][-1]
        part = next(p for p in ready["parts"] if p["name"] == PART)
        to_screen = screen_projector(ready)
        c = np.array(part["centroid"])
        direction = to_screen(c + 0.1 * true_joint.axis) - to_screen(c)
        drag_along(display, *part["grab_screen"], direction=direction / np.linalg.norm(direction))
        wait_for(log, proc, lambda e: e["event"] in ("trajectory", "error"), 60, "the trajectory")
        out = frame_all()
        lo, hi = np.array(out["box"])
        assert (hi - lo) @ np.abs(true_joint.axis) > (rest_hi - rest_lo) @ np.abs(true_joint.axis) + 0.02
        cam = out["camera"]
        view, proj = np.array(cam["view"]), np.array(cam["projection"])
        corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
        clip = np.c_[corners, np.ones(8)] @ (proj @ view).T
        ndc = clip[:, :2] / clip[:, 3:]
        assert (np.abs(ndc) < 1.0).all(), "frame all leaves a corner out of the view"
        time.sleep(0.5)
        drawer_shot = screenshot(display, tmp_path / "drawer_framed.png")
        assert arrow_pixels(drawer_shot) > 30, "no axis arrow for the dragged drawer"

        # 3. Ctrl+Z puts the drawer back; Ctrl+Shift+Z brings it out again.
        xdo(display, "key", "ctrl+z")
        wait_for(log, proc, lambda e: e["event"] == "undo", 20, "the undo")
        back = frame_all()
        assert np.allclose(back["box"], [rest_lo, rest_hi], atol=1e-6)
        xdo(display, "key", "ctrl+shift+z")
        wait_for(log, proc, lambda e: e["event"] == "redo", 20, "the redo")
        again = frame_all()
        assert np.allclose(again["box"], out["box"], atol=1e-6)

        # 4. The +Z button: the camera stands on Z, the parts are back at rest.
        x, y = ready["controls"]["up+Z"]
        xdo(display, "mousemove", str(int(x)), str(int(y)))
        xdo(display, "click", "1")
        up = wait_for(log, proc, lambda e: e["event"] == "up", 20, "the up change")
        up = next(e for e in up if e["event"] == "up")
        assert np.allclose(up["up"], [0, 0, 1]) and np.allclose(up["camera"]["up"], [0, 0, 1])
        time.sleep(0.5)
        screenshot(display, tmp_path / "up_z.png")
    finally:
        status = stop_viewer(proc, display)
    errors = [e["message"] for e in read_events(log) if e["event"] == "error"]
    assert not errors, errors
    recent = json.loads((Path(display["DRAGMESH_CONFIG_DIR"]) / "recent.json").read_text())["recent"]
    assert recent[0]["path"] == str((tmp_path / "dresser.glb").resolve()) and recent[0]["up"] == [0, 0, 1]
    assert status == 0


def test_drop_keys_orbit_and_status_in_process(tmp_path, display, monkeypatch):
    """The window's handlers called directly (no xdotool): a dropped file opens and joins the
    recent files, the keys map to their actions, an orbit draws stand-ins until the release, and a
    long status message wraps inside the window."""
    for name in ("DISPLAY", "LIBGL_ALWAYS_SOFTWARE", "DRAGMESH_CONFIG_DIR"):
        monkeypatch.setenv(name, display[name])
    from pyglet.window import key, mouse

    from viewer.app import ViewerApp, ViewerOptions
    from viewer.panel import STATUS_LINES

    cabinet = ROOT / "dragmesh" / "assets" / "cabinet.glb"
    app = ViewerApp(ViewerOptions(size=(900, 600)))
    c = app.controller
    try:
        app.step()
        app.on_file_drop(100, 100, [str(cabinet)])
        assert c.session.mesh is not None and c.session.mesh.source.endswith("cabinet.glb")
        assert [e.name for e in c.recent.entries] == ["cabinet.glb"]
        assert c.session.mesh.part_names[c.session.base] == "body"

        assert app.key_action(key.Z, key.MOD_CTRL) == c.undo
        assert app.key_action(key.Z, key.MOD_CTRL | key.MOD_SHIFT) == c.redo
        assert app.key_action(key.Y, key.MOD_CTRL) == c.redo
        assert app.key_action(key.F, key.MOD_SHIFT) == c.flip
        assert app.key_action(key.B, 0) == c.make_base
        assert app.key_action(key.A, 0) == c.snap_axis and app.key_action(key.H, 0) == c.toggle_hinge
        assert app.key_action(key.L, 0) == c.focus_limits and app.key_action(key.G, 0) == c.toggle_ghosts
        c.camera.yaw, c.camera.distance = 1.0, 50.0
        app.key_action(key.F, 0)()  # frame all: same direction, fitted again
        assert c.camera.yaw == pytest.approx(1.0) and c.camera.distance < 10
        app.key_action(key.NUM_7, 0)()
        assert c.camera.pitch > np.radians(89)
        app.key_action(key.HOME, 0)()
        assert np.degrees(c.camera.pitch) == pytest.approx(22.0)

        vx, vy, vw, vh = app.view_rect
        app.on_mouse_press(vx + 5, vy + 5, mouse.LEFT, key.MOD_SHIFT)
        app.on_mouse_drag(vx + 45, vy + 5, 40, 0, mouse.LEFT, key.MOD_SHIFT)
        assert c.camera_moving and app.mode == "orbit"
        app.frame()
        app.on_mouse_release(vx + 45, vy + 5, mouse.LEFT, key.MOD_SHIFT)
        assert not c.camera_moving

        c.show_message("word " * 120 + "end", error=True)
        app.frame()
        lines = app.panel.status_text()
        assert 1 < len(lines) <= STATUS_LINES and lines[-1].endswith("…")
        assert all(line.label.content_width <= line.width + 1 for line in app.panel.status_lines)
    finally:
        c.executor.shutdown(wait=True)
        app.window.close()
