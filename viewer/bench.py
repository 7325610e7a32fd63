"""``dragmesh view --bench``: the viewer's frame time while a part of a 100k-triangle mesh is dragged,
and while the camera orbits it.

The benchmark opens the real viewer window (a private Xvfb when DISPLAY is unset), presses the mouse
on a part through the same handlers real X events reach, and moves the cursor along the part's true
motion and back, one mouse event per frame. A frame is timed from the mouse event to the presented
image: the drag handler (cursor ray -> joint value), drawing, ``flip`` and ``glFinish``. The first
movement past each distance of ``INFER_AT_PX`` infers the joint (again while the drag is young); those
frames are reported on their own, the frames after them are the figure.

The orbit is a Shift+left drag (it orbits anywhere), one mouse event per frame, timed the same way:
while the camera moves a heavy mesh is drawn from its stand-ins (:mod:`viewer.lod`); the same orbit
at full detail every frame, and the full-detail frame the release draws, are reported beside it.

The mesh is a procedural wardrobe (``StorageFurniture``, seed 1) whose parts are subdivided until the
whole has the requested number of triangles, or a mesh file given on the command line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import ExitStack

import numpy as np

BENCH_CATEGORY, BENCH_SEED, BENCH_PART = "StorageFurniture", 1, "door_0"


def dense_object(triangles: int):
    """(PartMesh, moving label, true Joint) of the benchmark wardrobe with ~``triangles`` faces."""
    import trimesh

    from dragmesh.data.generator import registered_categories
    from dragmesh.io import PartMesh

    obj = registered_categories()[BENCH_CATEGORY](np.random.default_rng(BENCH_SEED))

    def build(max_edge):
        verts, faces, labels, offset = [], [], [], 0
        for i, part in enumerate(obj.parts):
            v, f = trimesh.remesh.subdivide_to_size(part.vertices, part.faces, max_edge, max_iter=12)
            verts.append(v)
            faces.append(f + offset)
            labels.append(np.full(len(f), i))
            offset += len(v)
        return np.concatenate(verts), np.concatenate(faces), np.concatenate(labels)

    size = float(np.linalg.norm(np.ptp(np.concatenate([p.vertices for p in obj.parts]), axis=0)))
    lo, hi = size * 1e-3, size
    best = build(hi)
    for _ in range(24):  # bisect the edge length: more triangles as it shrinks
        mid = np.sqrt(lo * hi)
        candidate = build(mid)
        if len(candidate[1]) >= triangles:
            best, lo = candidate, mid
        else:
            hi = mid
        if triangles <= len(best[1]) <= 1.08 * triangles:
            break
    vertices, faces, labels = best
    names = [p.name for p in obj.parts]
    label = names.index(BENCH_PART)
    mesh = PartMesh(vertices, faces, labels, names, source=f"{BENCH_CATEGORY.lower()}_{BENCH_SEED}")
    return mesh, label, obj.parts[label].joint


def run_bench(size=(1280, 800), frames: int = 150, triangles: int = 100_000, mesh_path=None, labels=None,
              up=None, as_json: bool = False) -> int:
    with ExitStack() as stack:
        if not os.environ.get("DISPLAY"):
            from viewer.xvfb import xvfb

            os.environ["DISPLAY"] = stack.enter_context(xvfb(max(size[0], 1280), max(size[1], 800)))
        result = measure(size, frames, triangles, mesh_path, labels, up)
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        print(format_result(result))
    return 0


def _stats(ms: list[float]) -> dict:
    a = np.asarray(ms, dtype=np.float64)
    return {"p50": float(np.percentile(a, 50)), "p95": float(np.percentile(a, 95)), "max": float(a.max()),
            "mean": float(a.mean()), "frames": int(len(a))}


def measure(size, frames, triangles, mesh_path, labels, up) -> dict:
    import viewer.pyglet_options  # noqa: F401
    import pyglet
    from pyglet import gl
    from pyglet.window import mouse

    from viewer.app import ViewerApp, ViewerOptions

    if mesh_path:
        from dragmesh.io import load_mesh

        mesh = load_mesh(mesh_path, labels=labels, up=(0, 1, 0) if up is None else up)
        counts = np.bincount(mesh.face_labels, minlength=mesh.n_parts)
        order = np.argsort(-counts)
        label = int(order[1]) if mesh.n_parts > 1 else 0
        true_joint = None
    else:
        mesh, label, true_joint = dense_object(triangles)

    app = ViewerApp(ViewerOptions(size=size, title="DragMesh bench"), mesh=mesh)
    for _ in range(3):
        app.step()
    controller = app.controller
    info = app.probe.part_screen_positions()[label]
    if info["grab_view"] is None:
        raise RuntimeError(f"part {mesh.part_names[label]} is not visible in the benchmark view")
    cx, cy = info["grab_view"]
    vx, vy, vw, vh = app.view_rect
    x0, y0 = vx + cx, vy + vh - cy  # window pixels, bottom-left origin

    # Screen direction of the part's true motion at the grab point (a circle for unknown joints).
    if true_joint is not None:
        hit = app.pick(x0, y0)
        p = hit.point
        step = 0.3 if true_joint.is_revolute else 0.1 * float(np.linalg.norm(np.ptp(mesh.vertices, axis=0)))
        q = true_joint.apply(p[None], step)[0]
        d = controller.camera.project(q[None])[0] - controller.camera.project(p[None])[0]
        d = d / max(np.linalg.norm(d), 1e-9) * np.array([1.0, -1.0])  # to bottom-left pixel axes
        t = np.linspace(0, np.pi, frames)
        path = [(x0 + 160 * np.sin(s) * d[0], y0 + 160 * np.sin(s) * d[1]) for s in t]
    else:
        t = np.linspace(0, 2 * np.pi, frames)
        path = [(x0 + 80 * np.sin(s), y0 + 80 * (1 - np.cos(s))) for s in t]

    def drive(cache: bool) -> tuple[list[float], float, list]:
        app.scene.cache = cache
        controller.session.reset(label)
        app.on_mouse_press(x0, y0, mouse.LEFT, 0)
        app.frame()
        gl.glFinish()
        times, first, values, again = [], None, [], []
        px, py = x0, y0
        for i, (x, y) in enumerate(path[1:]):
            inferred = controller.drag.inferences if controller.drag is not None else 0
            start = time.perf_counter()
            app.on_mouse_drag(x, y, x - px, y - py, mouse.LEFT, 0)
            app.frame()
            gl.glFinish()
            ms = (time.perf_counter() - start) * 1e3
            px, py = x, y
            app.window.dispatch_events()
            if controller.drag is not None and controller.drag.inferences > inferred:
                # This frame also inferred the joint (at each distance of INFER_AT_PX).
                if first is None:
                    first = ms
                else:
                    again.append(ms)
                continue
            if controller.drag is None or controller.drag.follower is None:
                continue  # the drag is still too short to infer: nothing moves yet
            times.append(ms)
            values.append(controller.session.parts[label].value)
        joint = controller.session.parts[label].joint
        app.on_mouse_release(px, py, mouse.LEFT, 0)
        app.frame()
        return times, first, values, joint, again

    cached, first_ms, values, joint, again_ms = drive(cache=True)
    full, _, _, _, _ = drive(cache=False)
    app.scene.cache = True
    orbit, settle = drive_orbit(app, frames)
    app.scene.lod = False
    orbit_full, _ = drive_orbit(app, frames)
    app.scene.lod = True
    app.window.has_exit = True
    controller.executor.shutdown(wait=True)
    renderer = gl.gl_info.get_renderer()
    app.window.close()
    moving = int((mesh.face_labels == label).sum())
    return {
        "mesh": mesh.source, "triangles": int(len(mesh.faces)), "part": mesh.part_names[label],
        "part_triangles": moving, "window": list(size), "viewport": [int(vw), int(vh)], "renderer": renderer,
        "joint": None if joint is None else joint.type, "true_joint": None if true_joint is None else true_joint.type,
        "value_range": [float(min(values)), float(max(values))] if values else None,
        "first_move_ms": first_ms,
        "reinfer_ms": again_ms,
        "frame_ms": _stats(cached),
        "frame_ms_full_redraw": _stats(full),
        "orbit_ms": _stats(orbit),
        "orbit_ms_full_detail": _stats(orbit_full),
        "orbit_settle_ms": settle,
        "stand_in_triangles": sum((light or whole).count // 3 for light, whole in
                                  zip(getattr(app.scene, "proxies", None) or app.scene.parts, app.scene.parts)
                                  if (light or whole) is not None),
        "pyglet": pyglet.version, "cpus": os.cpu_count(), "python": sys.version.split()[0],
    }


def drive_orbit(app, frames: int) -> tuple[list[float], float]:
    """Orbit the camera with a Shift+left drag (orbits anywhere in the view), one mouse event per
    frame: ms per frame from the mouse event to the presented image, and the ms of the frame the
    release draws (full detail again when orbiting drew a lighter stand-in)."""
    from pyglet import gl
    from pyglet.window import key, mouse

    vx, vy, vw, vh = app.view_rect
    x, y = vx + vw / 2, vy + vh / 2
    app.on_mouse_press(x, y, mouse.LEFT, key.MOD_SHIFT)
    app.frame()
    gl.glFinish()
    times = []
    for i in range(frames):
        dx, dy = 3.0 * np.cos(i / 25.0), 1.5 * np.sin(i / 17.0)
        x, y = x + dx, y + dy
        start = time.perf_counter()
        app.on_mouse_drag(x, y, dx, dy, mouse.LEFT, key.MOD_SHIFT)
        app.frame()
        gl.glFinish()
        times.append((time.perf_counter() - start) * 1e3)
        app.window.dispatch_events()
    start = time.perf_counter()
    app.on_mouse_release(x, y, mouse.LEFT, key.MOD_SHIFT)
    app.frame()
    gl.glFinish()
    return times, (time.perf_counter() - start) * 1e3


def format_result(r: dict) -> str:
    f, g = r["frame_ms"], r["frame_ms_full_redraw"]
    lines = [
        f"viewer frame time while dragging: {r['mesh']}, {r['triangles']:,} triangles "
        f"(dragged part {r['part']}: {r['part_triangles']:,}), viewport {r['viewport'][0]}x{r['viewport'][1]}, "
        f"{r['renderer']}",
        f"  joint {r['joint']} (true {r['true_joint']}), value range {r['value_range']}",
        f"  first move (joint inference + frame): {r['first_move_ms']:.1f} ms"
        + (f"; inferred again while young: {', '.join(f'{ms:.1f}' for ms in r['reinfer_ms'])} ms"
           if r.get("reinfer_ms") else ""),
        f"  frame (mouse event -> presented): p50 {f['p50']:.1f} ms  p95 {f['p95']:.1f} ms  max {f['max']:.1f} ms "
        f"over {f['frames']} frames",
        f"  without the static-parts cache (every triangle every frame): p50 {g['p50']:.1f} ms  "
        f"p95 {g['p95']:.1f} ms",
    ]
    if "orbit_ms" in r:
        o, full = r["orbit_ms"], r["orbit_ms_full_detail"]
        lines.append(f"  orbit frame (mouse event -> presented): p50 {o['p50']:.1f} ms  p95 {o['p95']:.1f} ms  "
                     f"max {o['max']:.1f} ms over {o['frames']} frames  (drag p50 {f['p50']:.1f} ms); "
                     f"{r['stand_in_triangles']:,} triangles while moving")
        lines.append(f"  orbit at full detail every frame: p50 {full['p50']:.1f} ms  p95 {full['p95']:.1f} ms;  "
                     f"full-detail frame on release {r['orbit_settle_ms']:.1f} ms")
    return "\n".join(lines)
