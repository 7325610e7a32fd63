"""MP4 and GIF renders of an articulated asset, plus a PNG thumbnail of the first frame.

Offscreen render (:mod:`dragmesh.render`): the camera frames the object's centre over the whole motion
from front-right-above, the base in grey, moving parts in the highlight colour, each joint axis drawn
as an arrow that moves with its part (along the hinge line for a revolute joint, out of the part's
front along the slide for a prismatic one).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Sequence

import numpy as np

from dragmesh.errors import ExportError
from dragmesh.export import ArticulatedAsset, MovingPart, atomic_path, frame_order, write_bytes
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
    """Encode frames into ``path`` (.mp4: H.264; .gif: looping GIF; .png: the first frame), atomically.

    The file is complete and checked before it is renamed into place: GIF and PNG are encoded in
    memory and written with :func:`~dragmesh.export.write_bytes`; the MP4 is written by ffmpeg, whose
    exit status is checked (a failed trailer, a full disk) and whose box structure is verified. Any
    failure is one ExportError and leaves no file at ``path``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".mp4", ".gif", ".png"):
        raise ExportError(f"cannot encode frames as {suffix!r}; expected .mp4, .gif or .png")
    if not len(frames):
        raise ExportError(f"cannot encode {str(path)!r}: no frames")
    if suffix == ".mp4":
        with atomic_path(path) as tmp:
            _encode_mp4(frames, tmp, fps, path)
        return path
    try:
        data = _encode_image(frames, suffix, fps)
    except ExportError:
        raise
    except Exception as exc:  # noqa: BLE001 - the encoder's failures surface as one line
        raise ExportError(f"cannot encode {str(path)!r}: {type(exc).__name__}: {' '.join(str(exc).split())}") from None
    return write_bytes(path, data)


def _encode_image(frames: Sequence[np.ndarray], suffix: str, fps: float) -> bytes:
    """GIF (all frames, looping) or PNG (the first frame) bytes, checked for their trailer."""
    import imageio.v3 as iio

    if suffix == ".gif":
        data = iio.imwrite("<bytes>", np.stack(list(frames)), extension=".gif", duration=1000.0 / fps, loop=0)
        if not (data[:6] in (b"GIF87a", b"GIF89a") and data.endswith(b";")):
            raise ExportError("the GIF encoder produced an incomplete file")
        return data
    data = iio.imwrite("<bytes>", np.asarray(frames[0]), extension=".png")
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") and data[-8:-4] == b"IEND"):
        raise ExportError("the PNG encoder produced an incomplete file")
    return data


def _encode_mp4(frames: Sequence[np.ndarray], tmp: Path, fps: float, path: Path) -> None:
    """Run ffmpeg (H.264, yuv420p) from raw RGB frames on stdin into ``tmp``; check its exit status
    and the file's MP4 boxes. ffmpeg's messages are kept, not printed; the last one names a failure."""
    import subprocess

    import imageio_ffmpeg

    first = np.asarray(frames[0])
    h, w = first.shape[:2]
    if h % 2 or w % 2:
        raise ExportError(f"cannot encode {str(path)!r}: H.264 needs even frame sizes, got {w}x{h}")
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "rawvideo", "-vcodec", "rawvideo",
           "-s", f"{w}x{h}", "-pix_fmt", "rgb24", "-r", f"{fps:.6g}", "-i", "-", "-an", "-vcodec", "libx264",
           "-pix_fmt", "yuv420p", "-crf", "10", "-f", "mp4", str(tmp)]
    try:
        process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except OSError as exc:
        raise ExportError(f"cannot encode {str(path)!r}: ffmpeg does not start: {exc.strerror or exc}") from None
    try:
        data = b"".join(np.ascontiguousarray(f, dtype=np.uint8).tobytes() for f in frames)
        _, err = process.communicate(data)
    except BaseException:
        process.kill()
        process.wait()
        raise
    if process.returncode != 0:
        lines = [ln.strip() for ln in err.decode("utf-8", "replace").splitlines() if ln.strip()]
        reason = re.sub(r"^\[[^\]]*\]\s*", "", lines[-1]) if lines else f"ffmpeg exited with status {process.returncode}"
        raise ExportError(f"cannot encode {str(path)!r}: {reason}")
    problem = mp4_problem(tmp)
    if problem:
        raise ExportError(f"cannot encode {str(path)!r}: ffmpeg wrote an incomplete file ({problem})")


def mp4_problem(path: str | os.PathLike) -> str | None:
    """None when the file's top-level MP4 boxes tile it exactly and include ftyp, moov and mdat;
    otherwise what is wrong."""
    import struct

    try:
        size = os.path.getsize(path)
        seen, offset = set(), 0
        with open(path, "rb") as f:
            while offset < size:
                f.seek(offset)
                header = f.read(16)
                if len(header) < 8:
                    return f"a truncated box at byte {offset}"
                length, kind = struct.unpack(">I4s", header[:8])
                if length == 1:
                    if len(header) < 16:
                        return f"a truncated box at byte {offset}"
                    length = struct.unpack(">Q", header[8:16])[0]
                elif length == 0:
                    length = size - offset
                if length < 8 or offset + length > size:
                    return f"box {kind!r} at byte {offset} runs past the end"
                seen.add(kind)
                offset += length
    except OSError as exc:
        return exc.strerror or str(exc)
    missing = [k.decode() for k in (b"ftyp", b"moov", b"mdat") if k not in seen]
    return f"no {', '.join(missing)} box" if missing else None


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
