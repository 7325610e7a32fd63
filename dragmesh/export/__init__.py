"""Exports of an articulated result: animated GLB, URDF, MP4/GIF renders, NPZ/JSON trajectories, and
simulator-ready MJCF (MuJoCo) and USD (UsdPhysics) with the optional ``sim`` extra.

Every exporter reads one :class:`ArticulatedAsset` (the fixed base plus the moving parts, each with its
joint and trajectory, all in the input mesh's coordinates) and writes through :func:`atomic_path`, so a
failure never leaves a half-written file: the bytes go to a temporary file in the target folder that
``os.replace`` moves into place only when it is complete (a failed write, such as a full disk, is
one ExportError and removes it). A folder export (MJCF) is built in a temporary folder by
:func:`atomic_dir` and renamed into place. :func:`export` stages all of one call's renames
(:func:`staged`) and performs them together under an ``flock`` on the output folder, so one job's
set of files appears as a whole or not at all, and concurrent writers never mix their sets.

One module per format: :mod:`.gltf`, :mod:`.urdf`, :mod:`.video`, :mod:`.trajectory`, :mod:`.mjcf`,
:mod:`.usd`. :func:`export` dispatches a list of format names to them. :mod:`.results` makes an asset
of the pipeline's results (``combine``) and writes one result's files.
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

from dragmesh.errors import ExportError

# Format names accepted by --export, in the order they are written; "all" means these.
FORMATS = ("glb", "urdf", "mp4", "gif", "npz", "json")
# Simulator formats: they need the optional ``sim`` extra, so "all" leaves them out; name them.
# mjcf: a folder NAME_mjcf/ with NAME.xml and OBJ meshes; usd: NAME.usda (text); usdc: NAME.usdc.
SIM_FORMATS = ("mjcf", "usd", "usdc")
ALL_FORMATS = FORMATS + SIM_FORMATS
FORMAT_ALIASES = {"usda": "usd", "mujoco": "mjcf"}
# format -> (module it imports, PyPI package that provides it)
REQUIREMENTS = {"mjcf": ("mujoco", "mujoco"), "usd": ("pxr", "usd-core"), "usdc": ("pxr", "usd-core")}
SIM_EXTRA_HINT = "pip install 'dragmesh[sim]'"
LOOPS = ("once", "pingpong")


def _file_mode() -> int:
    # mkstemp creates 0600 files; exports get the mode a plain open() would give them.
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _file_mode()
_DIR_MODE = _FILE_MODE | ((_FILE_MODE & 0o444) >> 2)  # x where r: what a plain mkdir gives


@dataclass
class MovingPart:
    """One articulated part and its motion, in the input mesh's coordinates.

    name: the part's name (used for nodes, links and file names).
    vertices: (V, 3) float64 rest-pose positions; faces: (F, 3) int64.
    joint: a :class:`~dragmesh.geometry.joints.Joint` (type, unit axis, origin, limits or None).
    values: (T,) joint values of the frames (radians or mesh units).
    transforms: (T, 4, 4) row-major rigid transforms taking rest-pose points to frame t.
    """

    name: str
    vertices: np.ndarray
    faces: np.ndarray
    joint: Any
    values: np.ndarray
    transforms: np.ndarray

    @property
    def pivot(self) -> np.ndarray:
        """(3,) where the part's node/link frame sits: the hinge origin for a revolute joint, the
        centre of the part's bounding box for a prismatic one (any point moves the same there)."""
        if self.joint.type == "revolute":
            return np.asarray(self.joint.origin, dtype=np.float64)
        return (self.vertices.min(axis=0) + self.vertices.max(axis=0)) / 2.0

    def extent(self) -> tuple[float, float]:
        """(lower, upper) joint range for exporters that need one: the joint's limits when known,
        otherwise the range the trajectory covers (the drag's extent), never empty."""
        if self.joint.limits is not None:
            lo, hi = (float(x) for x in self.joint.limits)
        else:
            lo, hi = float(min(0.0, np.min(self.values))), float(max(0.0, np.max(self.values)))
        if hi - lo < 1e-9:
            hi = lo + 1e-6
        return lo, hi


@dataclass
class ArticulatedAsset:
    """A fixed base plus moving parts, everything in the input mesh's coordinates and units.

    base_vertices (V, 3) float64, base_faces (F, 3) int64: every face that is not in a moving part.
    parts: the moving parts, each animated over the same number of frames T.
    up: (3,) unit up direction of the mesh (renders stand the object on it).
    name: the object's name (URDF robot name, GLB scene name).
    extras: JSON-able metadata written into the files that carry metadata.
    """

    base_vertices: np.ndarray
    base_faces: np.ndarray
    parts: list[MovingPart]
    up: np.ndarray = field(default_factory=lambda: np.array([0.0, 1.0, 0.0]))
    name: str = "object"
    extras: dict = field(default_factory=dict)

    @property
    def n_frames(self) -> int:
        return len(self.parts[0].transforms) if self.parts else 1


def safe_name(name: str, fallback: str = "part") -> str:
    """A name usable as a file stem, URDF link name and glTF node name: letters, digits, _ . -"""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name)).strip("._")
    return cleaned or fallback


def frame_order(n_frames: int, loop: str) -> np.ndarray:
    """Frame indices to play: 0..T-1 for ``once``; 0..T-1..1 for ``pingpong`` (the renderer or
    player loops back to 0). Raises ExportError for another loop name."""
    if loop not in LOOPS:
        raise ExportError(f"unknown loop mode {loop!r}; expected one of {', '.join(LOOPS)}")
    forward = np.arange(n_frames)
    if loop == "once" or n_frames < 3:
        return forward
    return np.concatenate([forward, forward[-2:0:-1]])


def parse_formats(formats: str | Sequence[str]) -> list[str]:
    """``"glb,urdf"`` or ``["glb", "urdf"]`` -> validated format names without repeats; ``"all"``
    means every format of :data:`FORMATS` (the simulator formats mjcf, usd, usdc are named
    explicitly: they need the ``sim`` extra). Raises ExportError naming an unknown format."""
    if isinstance(formats, str):
        formats = [f for f in re.split(r"[,\s]+", formats) if f]
    if not isinstance(formats, (list, tuple)) or not all(isinstance(f, str) for f in formats):
        raise ExportError(f"export formats must be text like \"glb,urdf\" or a list of names, got {formats!r:.60}")
    names: list[str] = []
    for f in formats:
        f = f.strip().lower().lstrip(".")
        f = FORMAT_ALIASES.get(f, f)
        if f == "all":
            names.extend(x for x in FORMATS if x not in names)
            continue
        if f not in ALL_FORMATS:
            raise ExportError(f"unknown export format {f!r}; expected some of {','.join(ALL_FORMATS)}")
        if f not in names:
            names.append(f)
    if not names:
        raise ExportError(f"no export format given; expected some of {','.join(ALL_FORMATS)}")
    return names


def require(fmt: str) -> Any:
    """Import and return the module the format ``fmt`` needs (mujoco for mjcf, pxr for usd/usdc).

    Raises ExportError, one line naming the package and the extra to install, when it is missing
    or broken. Formats without an optional dependency return None.
    """
    if fmt not in REQUIREMENTS:
        return None
    module, package = REQUIREMENTS[fmt]
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ExportError(f"the {fmt} export needs the {package!r} package, which is not installed "
                          f"or does not import ({exc}); install it with: {SIM_EXTRA_HINT}") from None


def sim_available() -> bool:
    """True when the simulator formats (mjcf, usd, usdc) can be written (the ``sim`` extra)."""
    try:
        for fmt in SIM_FORMATS:
            require(fmt)
    except ExportError:
        return False
    return True


def prepare_dir(out_dir: str | os.PathLike) -> Path:
    """Create ``out_dir`` if needed and check that files can be written in it.

    Raises ExportError (one line) when it is a file, cannot be created, or is not writable; nothing
    is left behind by the check.
    """
    path = Path(out_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise ExportError(f"output folder {str(path)!r} is a file, not a folder") from None
    except OSError as exc:
        raise ExportError(f"cannot create output folder {str(path)!r}: {exc.strerror or exc}") from None
    try:
        fd, probe = tempfile.mkstemp(prefix=".dragmesh-probe-", dir=path)
    except OSError as exc:
        raise ExportError(f"output folder {str(path)!r} is not writable: {exc.strerror or exc}") from None
    os.close(fd)
    os.unlink(probe)
    return path


# The renames one export() call has staged (see :func:`staged`); None outside one.
_STAGE: contextvars.ContextVar[list | None] = contextvars.ContextVar("dragmesh_export_stage", default=None)


def _cannot_write(path: Path, exc: OSError) -> ExportError:
    return ExportError(f"cannot write {str(path)!r}: {exc.strerror or exc}")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` (same suffix, so encoders pick the same format); on a
    clean exit move it onto ``path`` with ``os.replace`` (or, inside :func:`staged`, queue that move
    for the end of the export), on any error delete it.

    Raises ExportError (one line) when the folder is not writable or a write fails (a full disk).
    """
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    os.close(fd)
    tmp_path = Path(tmp)
    stage = _STAGE.get()
    try:
        yield tmp_path
        os.chmod(tmp_path, _FILE_MODE)
        if stage is None:
            os.replace(tmp_path, path)
        else:
            stage.append((tmp_path, path, False))
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        if isinstance(exc, OSError):
            raise _cannot_write(path, exc) from None
        raise


def _replace_dir(src: Path, dst: Path) -> None:
    """Rename the folder ``src`` onto ``dst``; an existing folder ``dst`` is replaced (moved aside
    first and deleted after, restored if the rename fails), a symbolic link there is removed."""
    if dst.is_symlink():
        dst.unlink()
    if not dst.exists():
        os.rename(src, dst)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{dst.name}.", suffix=".old", dir=dst.parent))
    os.rename(dst, aside)  # onto the empty folder just made
    try:
        os.rename(src, dst)
    except BaseException:
        os.rename(aside, dst)
        raise
    shutil.rmtree(aside, ignore_errors=True)


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; on a clean exit rename it to ``path`` (replacing a
    previous export there; inside :func:`staged`, at the end of the export), on any error delete it.
    Write the files inside with :func:`write_bytes`.

    Raises ExportError when the parent folder is not writable or ``path`` is an existing file.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ExportError(f"cannot write folder {str(path)!r}: a file of that name is in the way")
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    stage = _STAGE.get()
    try:
        token = _STAGE.set(None)  # the files inside go straight into the temporary folder
        try:
            yield tmp
        finally:
            _STAGE.reset(token)
        os.chmod(tmp, _DIR_MODE)  # mkdtemp's folder is private (0700)
        if stage is not None:
            stage.append((tmp, path, True))
        else:
            try:
                _replace_dir(tmp, path)
            except OSError as exc:
                raise _cannot_write(path, exc) from None
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise _cannot_write(path, exc) from None
        raise


@contextlib.contextmanager
def folder_lock(folder: str | os.PathLike) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``folder`` itself (no lock file is left): DragMesh processes
    writing into the same folder take turns."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise ExportError(f"cannot lock output folder {str(folder)!r}: {exc.strerror or exc}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def staged(folder: str | os.PathLike) -> Iterator[list]:
    """Within this context every :func:`atomic_path` / :func:`atomic_dir` writes its temporary file
    completely and queues its rename; on a clean exit all renames happen together, in order, with
    ``folder`` locked (:func:`folder_lock`), so one export's set of files appears as a whole and two
    processes writing the same folder never leave a mix of their sets. On an error every temporary
    file is deleted and nothing appears."""
    pending: list[tuple[Path, Path, bool]] = []
    token = _STAGE.set(pending)
    try:
        yield pending
    except BaseException:
        _STAGE.reset(token)
        _discard(pending)
        raise
    _STAGE.reset(token)
    done = 0
    try:
        with folder_lock(folder):
            for tmp, path, is_dir in pending:
                if is_dir:
                    _replace_dir(tmp, path)
                else:
                    os.replace(tmp, path)
                done += 1
    except OSError as exc:
        _discard(pending[done:])
        raise _cannot_write(pending[done][1] if done < len(pending) else Path(folder), exc) from None
    except BaseException:
        _discard(pending[done:])
        raise


def _discard(pending: list) -> None:
    for tmp, _, is_dir in pending:
        if is_dir:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                Path(tmp).unlink()


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns the path. A failed or short write (a full
    disk) is an ExportError and leaves nothing at ``path``."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:  # close() reports a deferred write error too
            f.write(data)
    return Path(path)


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically; returns the path."""
    return write_bytes(path, text.encode("utf-8"))


def export(
    asset: ArticulatedAsset,
    out_dir: str | os.PathLike,
    formats: str | Sequence[str] = FORMATS,
    stem: str | None = None,
    *,
    fps: float = 12.0,
    loop: str | None = None,
    size: tuple[int, int] = (640, 480),
    document: dict | None = None,
    arrays: dict[str, np.ndarray] | None = None,
) -> dict[str, list[Path]]:
    """Write ``asset`` to ``out_dir`` in each of ``formats``.

    stem: file name stem (default: the asset's name). fps: frames per second of the GLB and USD
    animations, the MJCF keyframes' times and videos. loop: ``once`` or ``pingpong`` (default: once
    for GLB and USD, ping-pong for videos).
    document: the JSON document for ``json`` (default: built from the asset); arrays: extra arrays
    for ``npz`` (see :mod:`.trajectory`).
    ``mjcf`` writes the folder ``<stem>_mjcf/`` (``<stem>.xml`` and OBJ meshes), ``usd`` ``<stem>.usda``,
    ``usdc`` ``<stem>.usdc`` (meshes embedded).
    Returns {format: [paths written]} (the videos' PNG thumbnail under "png"; the MJCF file first,
    then its meshes). Raises ExportError before writing anything when a format is unknown, its
    optional package missing, or the folder unusable.
    """
    names = parse_formats(formats)
    for name in names:
        require(name)  # a missing ``sim`` extra is one line, before any file is written
    if loop is not None:
        frame_order(1, loop)  # validate before any file is written
    if not fps > 0:
        raise ExportError(f"fps must be positive, got {fps}")
    folder = prepare_dir(out_dir)
    stem = safe_name(stem or asset.name, "object")
    with staged(folder):
        return _export_all(asset, folder, names, stem, fps, loop, size, document, arrays)


def _export_all(asset, folder: Path, names: list[str], stem: str, fps: float, loop: str | None,
                size: tuple[int, int], document: dict | None, arrays: dict | None) -> dict[str, list[Path]]:
    written: dict[str, list[Path]] = {}
    frames = None
    for name in names:
        if name == "glb":
            from dragmesh.export.gltf import write_glb

            written[name] = [write_glb(asset, folder / f"{stem}.glb", fps=fps, loop=loop or "once")]
        elif name == "urdf":
            from dragmesh.export.urdf import write_urdf

            written[name] = write_urdf(asset, folder / f"{stem}.urdf")
        elif name in ("mp4", "gif"):
            from dragmesh.export.video import render_asset, write_video

            if frames is None:  # rendered once for both videos
                frames = render_asset(asset, size=size, loop=loop or "pingpong")
            written[name] = write_video(asset, folder / f"{stem}.{name}", fps=fps, frames=frames,
                                        thumbnail="png" not in written)
            if "png" not in written:
                written["png"] = written[name][1:]
                written[name] = written[name][:1]
        elif name == "npz":
            from dragmesh.export.trajectory import write_npz

            written[name] = [write_npz(asset, folder / f"{stem}.npz", arrays)]
        elif name == "json":
            from dragmesh.export.trajectory import write_json

            written[name] = [write_json(asset, folder / f"{stem}.json", document)]
        elif name == "mjcf":
            from dragmesh.export.mjcf import write_mjcf

            written[name] = write_mjcf(asset, folder / f"{stem}_mjcf", stem=stem, fps=fps)
        elif name in ("usd", "usdc"):
            from dragmesh.export.usd import write_usd

            suffix = "usda" if name == "usd" else "usdc"
            written[name] = [write_usd(asset, folder / f"{stem}.{suffix}", fps=fps, loop=loop or "once")]
    return written
