"""MP4 and GIF renders of an articulated asset, plus a PNG thumbnail of the first frame.

Offscreen render (:mod:`dragmesh.render`): the camera frames the object's centre over the whole motion
from front-right-above, the base in grey, moving parts in the highlight colour, each joint axis drawn
as an arrow that moves with its part (along the hinge line for a revolute joint, out of the part's
front along the slide for a prismatic one).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np

from dragmesh.errors import ExportError
from dragmesh.export import ArticulatedAsset, MovingPart, atomic_path, frame_order
from dragmesh.render import AXIS_COLOR, BASE_COLOR, PART_COLOR, RenderMesh, axis_arrow, render_frames


def axis_segment(part: MovingPart, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Where to draw the part's joint axis: (start (3,), end (3,)) in mesh coordinates.

    scale: the object's size (bounding-box diagonal), for minimum lengths.
    """
    axis = np.asarray(part.joint.axis, dtype=np.float64)
    if part.joint.type == "revolute":
        origin = np.asarray(part.joint.origin, dtype=np.float64)
        s = (part.vertices - origin) @ axis
        lo, hi = float(s.min()), float(s.max())
        margin = max(0.12 * (hi - lo), 0.05 * scale)
        return origin + axis * (lo - margin), origin + axis * (hi + margin)
    centre = part.pivot
    start = centre + axis * float(((part.vertices - centre) @ axis).max())
    return start, start + axis * 0.3 * scale


def render_asset(
    asset: ArticulatedAsset, size: tuple[int, int] = (640, 480), loop: str = "pingpong"
) -> list[np.ndarray]:
    """Render every frame of ``asset`` (in ``loop`` order); returns (H, W, 3) uint8 images."""
    order = frame_order(asset.n_frames, loop)
    everything = np.concatenate([asset.base_vertices] + [p.vertices for p in asset.parts])
    scale = float(np.linalg.norm(everything.max(axis=0) - everything.min(axis=0)))
    meshes: list[RenderMesh] = []
    transforms: list[np.ndarray | None] = []
    if len(asset.base_faces):
        meshes.append(RenderMesh(asset.base_vertices, asset.base_faces, BASE_COLOR))
        transforms.append(None)
    for part in asset.parts:
        meshes.append(RenderMesh(part.vertices, part.faces, PART_COLOR))
        transforms.append(np.asarray(part.transforms))
    for part in asset.parts:
        # The arrow moves with its part: a hinge line is invariant under its own rotation, and a
        # slide's arrow stays at the front of the part that slides.
        arrow = axis_arrow(*axis_segment(part, scale), radius=0.006 * scale)
        meshes.append(RenderMesh(arrow.vertices, arrow.faces, AXIS_COLOR))
        transforms.append(np.asarray(part.transforms))
    # Each distinct frame is rendered once; ping-pong replays them backwards.
    frames = render_frames(meshes, transforms, size=size, up=asset.up)
    return [frames[k] for k in order]


def write_frames(frames: Sequence[np.ndarray], path: str | os.PathLike, fps: float) -> Path:
    """Encode frames into ``path`` (.mp4: H.264; .gif: looping GIF), atomically."""
    import imageio.v2 as imageio

    path = Path(path)
    suffix = path.suffix.lower()
    try:
        with atomic_path(path) as tmp:
            if suffix == ".mp4":
                with imageio.get_writer(tmp, format="FFMPEG", fps=fps, codec="libx264", quality=8,
                                        pixelformat="yuv420p", macro_block_size=8,
                                        ffmpeg_log_level="error") as writer:
                    for frame in frames:
                        writer.append_data(frame)
            elif suffix == ".gif":
                imageio.mimwrite(tmp, list(frames), format="GIF", duration=1000.0 / fps, loop=0)
            elif suffix == ".png":
                imageio.imwrite(tmp, frames[0], format="PNG")
            else:
                raise ExportError(f"cannot encode frames as {suffix!r}; expected .mp4, .gif or .png")
    except ExportError:
        raise
    except Exception as exc:  # encoder failures (ffmpeg missing, disk full) surface as one line
        raise ExportError(f"cannot encode {str(path)!r}: {type(exc).__name__}: {exc}") from exc
    return path


def write_video(
    asset: ArticulatedAsset,
    path: str | os.PathLike,
    fps: float = 12.0,
    loop: str = "pingpong",
    size: tuple[int, int] = (640, 480),
    frames: Sequence[np.ndarray] | None = None,
    thumbnail: bool = True,
) -> list[Path]:
    """Render ``asset`` (unless ``frames`` are given) and write it to ``path`` (.mp4 or .gif), plus the
    first frame as ``<stem>.png`` beside it when ``thumbnail``. Returns the paths written."""
    if frames is None:
        frames = render_asset(asset, size=size, loop=loop)
    path = Path(path)
    written = [write_frames(frames, path, fps)]
    if thumbnail:
        written.append(write_frames(frames[:1], path.with_suffix(".png"), fps))
    return written
