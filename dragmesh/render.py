"""Offscreen rendering of an articulated mesh, frame by frame.

One renderer and one scene are built per call of :func:`render_frames`; every frame only moves the
nodes and renders again, so a 16-frame clip costs one scene setup plus 16 draws. Used by the video
export, the data contact sheet and the viewer's tests.

Conventions: points are in the mesh's own coordinates; a 4x4 transform is row-major ``[[R, t], [0, 1]]``
acting on column vectors; colours are RGBA floats in [0, 1]. Images are (H, W, 3) uint8.

pyrender is imported lazily through :func:`import_pyrender`, the one place that prepares it: headless
EGL unless the caller already chose a platform, and the ``np.infty`` alias pyrender 0.1.45 still uses
(removed in NumPy 2).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from dragmesh.errors import ExportError
from dragmesh.geometry.rotations import rotation_between

# Colours shared by every render so thumbnails, videos and the viewer agree.
BASE_COLOR = (0.78, 0.78, 0.80, 1.0)
PART_COLOR = (0.96, 0.55, 0.12, 1.0)
AXIS_COLOR = (0.10, 0.45, 0.95, 1.0)
BACKGROUND = (0.97, 0.97, 0.98, 1.0)
GROUND_COLOR = (0.93, 0.93, 0.95, 1.0)


def import_pyrender(headless: bool = True):
    """Return the pyrender module, prepared for this process: the NumPy 2 alias it needs and, when
    ``headless``, the EGL platform unless the caller already chose one (PYOPENGL_PLATFORM). A windowed
    viewer passes headless=False. The platform is fixed by the first import of OpenGL in a process."""
    if headless:
        os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
    if not hasattr(np, "infty"):
        np.infty = np.inf  # pyrender 0.1.45 reads np.infty, which NumPy 2 removed
    import pyrender

    return pyrender


@dataclass
class RenderMesh:
    """A triangle mesh to draw. vertices (V, 3) float, faces (F, 3) int, rgba (4,) floats in [0, 1]."""

    vertices: np.ndarray
    faces: np.ndarray
    rgba: Sequence[float] = BASE_COLOR


def _as_render_mesh(m) -> RenderMesh:
    if isinstance(m, RenderMesh):
        return m
    vertices, faces, *rest = m
    return RenderMesh(np.asarray(vertices, float), np.asarray(faces, np.int64), rest[0] if rest else BASE_COLOR)


def _look_at(eye: np.ndarray, target: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Camera pose (4, 4) looking from ``eye`` at ``target`` (OpenGL camera: -Z forward, +Y up)."""
    z = eye - target
    z = z / np.linalg.norm(z)
    x = np.cross(up, z)
    if np.linalg.norm(x) < 1e-8:  # looking straight along up: pick any sideways axis
        x = np.cross(np.array([1.0, 0.0, 0.0]) if abs(z[0]) < 0.9 else np.array([0.0, 0.0, 1.0]), z)
    x = x / np.linalg.norm(x)
    y = np.cross(z, x)
    pose = np.eye(4)
    pose[:3, 0], pose[:3, 1], pose[:3, 2], pose[:3, 3] = x, y, z, eye
    return pose


def axis_arrow(start: np.ndarray, end: np.ndarray, radius: float):
    """A trimesh arrow (shaft cylinder + cone head) from ``start`` to ``end``; radius in mesh units."""
    import trimesh

    start, end = np.asarray(start, float), np.asarray(end, float)
    length = float(np.linalg.norm(end - start))
    direction = (end - start) / max(length, 1e-12)
    head = min(6 * radius, 0.35 * length)
    shaft = trimesh.creation.cylinder(radius=radius, height=length - head, sections=16)
    shaft.apply_translation([0, 0, (length - head) / 2])
    cone = trimesh.creation.cone(radius=2.5 * radius, height=head, sections=16)
    cone.apply_translation([0, 0, length - head])
    arrow = trimesh.util.concatenate([shaft, cone])
    pose = np.eye(4)
    pose[:3, :3] = rotation_between(np.array([0.0, 0.0, 1.0]), direction)
    pose[:3, 3] = start
    arrow.apply_transform(pose)
    return arrow


def frame_points(meshes: Sequence[RenderMesh], transforms: Sequence[np.ndarray | None]) -> np.ndarray:
    """Bounding-box corners (K, 3) of every mesh at every frame (the mesh's box moved per frame)."""
    points = []
    for mesh, tr in zip(meshes, transforms):
        corners = _corners(mesh.vertices)
        if tr is None:
            points.append(corners)
        else:
            tr = np.asarray(tr, float)
            points.append((np.einsum("tij,nj->tni", tr[:, :3, :3], corners) + tr[:, None, :3, 3]).reshape(-1, 3))
    return np.concatenate(points)


def _corners(v: np.ndarray) -> np.ndarray:
    lo, hi = v.min(0), v.max(0)
    return np.array([[a, b, c] for a in (lo[0], hi[0]) for b in (lo[1], hi[1]) for c in (lo[2], hi[2])])


def render_frames(
    meshes: Sequence[RenderMesh | tuple],
    transforms: Sequence[np.ndarray | None] | None = None,
    lines: Sequence[tuple] = (),
    size: tuple[int, int] = (640, 480),
    up: Sequence[float] = (0.0, 1.0, 0.0),
    view: Sequence[float] | None = None,
    center: Sequence[float] | None = None,
    ground: bool = True,
    background: Sequence[float] = BACKGROUND,
) -> list[np.ndarray]:
    """Render each frame of an articulated mesh offscreen.

    meshes: RenderMesh or (vertices (V, 3), faces (F, 3), rgba (4,)) tuples, in mesh coordinates.
    transforms: one entry per mesh, either None (static) or (T, 4, 4) transforms applied to that
        mesh's vertices at frame t. T is the same for every animated mesh; with none animated, one
        frame is rendered.
    lines: static segments to draw as arrows, each (start (3,), end (3,)) or (start, end, rgba);
        the joint axis, typically.
    size: (width, height) in pixels.
    up: the mesh's up direction; the camera stands above the object, looking down ~25 degrees.
    view: direction from the object's centre towards the camera (default: front-right-above).
    center: the point the camera looks at (default: the centre of the bounds over all frames).
    Returns a list of T images, (height, width, 3) uint8.
    """
    pyrender = import_pyrender()
    import trimesh

    meshes = [_as_render_mesh(m) for m in meshes]
    if transforms is None:
        transforms = [None] * len(meshes)
    if len(transforms) != len(meshes):
        raise ValueError(f"render_frames: {len(meshes)} meshes but {len(transforms)} transform entries")
    counts = {len(t) for t in transforms if t is not None}
    if len(counts) > 1:
        raise ValueError(f"render_frames: animated meshes disagree on the frame count: {sorted(counts)}")
    n_frames = counts.pop() if counts else 1

    up = np.asarray(up, float)
    up = up / np.linalg.norm(up)
    points = frame_points(meshes, transforms)
    if lines:
        points = np.concatenate([points] + [np.asarray(line[:2], float) for line in lines])
    bounds = np.stack([points.min(0), points.max(0)])
    # Look at the object's centre at rest; the distance below keeps every frame in view.
    rest = frame_points(meshes, [None] * len(meshes))
    centre = (rest.min(0) + rest.max(0)) / 2 if center is None else np.asarray(center, float)
    radius = max(float(np.linalg.norm(bounds[1] - bounds[0])) / 2, 1e-6)

    scene = pyrender.Scene(bg_color=np.asarray(background, float), ambient_light=np.full(3, 0.22))
    nodes = []
    for mesh in meshes:
        tm = trimesh.Trimesh(mesh.vertices, mesh.faces, process=False)
        material = pyrender.MetallicRoughnessMaterial(
            baseColorFactor=np.asarray(mesh.rgba, float), metallicFactor=0.0, roughnessFactor=0.75,
            alphaMode="BLEND" if mesh.rgba[3] < 1 else "OPAQUE", doubleSided=True)
        nodes.append(scene.add(pyrender.Mesh.from_trimesh(tm, material=material, smooth=False)))

    for line in lines:
        start, end = np.asarray(line[0], float), np.asarray(line[1], float)
        rgba = line[2] if len(line) > 2 else AXIS_COLOR
        arrow = axis_arrow(start, end, radius=0.008 * radius * 2)
        material = pyrender.MetallicRoughnessMaterial(baseColorFactor=np.asarray(rgba, float),
                                                      metallicFactor=0.0, roughnessFactor=0.5)
        scene.add(pyrender.Mesh.from_trimesh(arrow, material=material, smooth=False))

    # A view from front-right-above in the mesh's own frame: "front" is the side facing +Z after
    # rotating +Y onto the up axis, which is how glTF assets and the data generator face.
    to_up = rotation_between(np.array([0.0, 1.0, 0.0]), up)
    view_dir = to_up @ np.array([0.55, 0.45, 1.0]) if view is None else np.asarray(view, float)
    view_dir = view_dir / np.linalg.norm(view_dir)
    yfov = np.deg2rad(35.0)
    aspect = size[0] / size[1]
    # The nearest camera distance along view_dir at which every box corner of every frame lies
    # inside the frustum (with a margin): for a corner at (x, y, z) in camera axes relative to the
    # centre, |x| <= tan(hfov / 2) (d - z) and |y| <= tan(yfov / 2) (d - z).
    cam_pose = _look_at(centre + view_dir, centre, up)
    local = (points - centre) @ cam_pose[:3, :3]
    tan_y = np.tan(yfov / 2)
    tan_x = tan_y * aspect
    distance = float(np.max(local[:, 2] + np.maximum(np.abs(local[:, 0]) / tan_x, np.abs(local[:, 1]) / tan_y)))
    distance = max(distance * 1.08, radius * 0.5)
    camera = pyrender.PerspectiveCamera(yfov=yfov, aspectRatio=aspect, znear=distance / 50, zfar=distance * 20)
    cam_pose = _look_at(centre + view_dir * distance, centre, up)
    scene.add(camera, pose=cam_pose)

    if ground:
        floor_height = float(np.min((_corners(bounds) - centre) @ up))
        disc = trimesh.creation.cylinder(radius=distance * 6, height=radius * 0.002, sections=64)
        pose = np.eye(4)
        pose[:3, :3] = rotation_between(np.array([0.0, 0.0, 1.0]), up)
        pose[:3, 3] = centre + up * (floor_height - radius * 0.002)
        material = pyrender.MetallicRoughnessMaterial(baseColorFactor=np.asarray(GROUND_COLOR),
                                                      metallicFactor=0.0, roughnessFactor=1.0)
        scene.add(pyrender.Mesh.from_trimesh(disc, material=material, smooth=False), pose=pose)

    # Key light from the camera's upper left (the only one casting shadows: each shadowed light
    # costs a shadow pass per frame), a fill from the right and a rim from behind as distant point
    # lights, whose intensity is scaled by distance squared to match a directional light.
    right = cam_pose[:3, 0]
    key = view_dir + up * 1.5 - right * 0.8
    scene.add(pyrender.DirectionalLight(color=np.ones(3), intensity=2.2),
              pose=_look_at(centre + key / np.linalg.norm(key), centre, up))
    far = 20.0 * radius
    for direction, intensity in ((view_dir + right * 1.2 - up * 0.1, 0.7), (-view_dir + up * 0.5, 0.6)):
        position = centre + far * direction / np.linalg.norm(direction)
        light = pyrender.PointLight(color=np.ones(3), intensity=intensity * far**2)
        scene.add(light, pose=_look_at(position, centre, up))

    try:
        renderer = pyrender.OffscreenRenderer(int(size[0]), int(size[1]))
    except Exception as exc:  # no GL context: missing EGL/OSMesa libraries or no display
        raise ExportError(f"cannot start the offscreen renderer ({type(exc).__name__}: {exc})") from exc
    try:
        images = []
        for t in range(n_frames):
            for node, tr in zip(nodes, transforms):
                if tr is not None:
                    scene.set_pose(node, np.asarray(tr[t], float))
            color, _ = renderer.render(scene, flags=pyrender.RenderFlags.SHADOWS_DIRECTIONAL)
            images.append(np.ascontiguousarray(color[..., :3]))
    finally:
        renderer.delete()
    return images
