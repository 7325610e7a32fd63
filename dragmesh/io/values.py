"""The one validation layer for option and job values.

The command line (its argparse types), the batch (``--jobs`` lines, whose values are whatever JSON
holds) and the Python API (:meth:`dragmesh.pipeline.DragMesh.articulate`) check their values with
these functions, so one bad value gives the same one-line :class:`~dragmesh.errors.InputError`
wherever it comes from, naming the value and what is wrong, before any work or allocation.

Bounds: frames from 2 to :data:`MAX_FRAMES`, samples from 1 to :data:`MAX_SAMPLES`, seeds from 0 to
2**63 - 1, coordinates (drag points and vectors, mesh vertices) at most :data:`MAX_COORDINATE` in
magnitude, so the squares and sums the geometry takes stay finite.
"""

from __future__ import annotations

import math
import numbers
import os
from typing import Any

import numpy as np

from dragmesh.errors import InputError

MAX_FRAMES = 1000
MAX_SAMPLES = 64
MAX_SEED = 2**63 - 1
# Beyond this the products and squared distances of the geometry overflow or lose all precision.
MAX_COORDINATE = 1e12


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_int(value: Any, name: str, lower: int, upper: int, error: type[InputError] = InputError) -> int:
    """An integer in [lower, upper] from an int, an integral float (16.0) or decimal text ("16").

    Booleans, fractional or non-finite numbers, other text and other types are refused (never
    truncated), with one line naming ``name``.
    """
    number: int | None = None
    if isinstance(value, (bool, np.bool_)):
        number = None
    elif isinstance(value, numbers.Integral):
        number = int(value)
    elif isinstance(value, numbers.Real):
        v = float(value)
        if math.isfinite(v) and v == math.floor(v):
            if abs(v) > 2**63:
                raise error(f"{name} must be from {lower} to {upper}, got {_show(value)}")
            number = int(v)
    elif isinstance(value, str):
        text = value.strip()
        if text.lstrip("+-").isdigit() and len(text) <= 40:
            number = int(text)
    if number is None:
        raise error(f"{name} must be an integer, got {_show(value)}")
    if not lower <= number <= upper:
        raise error(f"{name} must be from {lower} to {upper}, got {number}")
    return number


def check_frames(value: Any) -> int:
    """Frames of a trajectory: an integer from 2 to MAX_FRAMES."""
    return as_int(value, "frames", 2, MAX_FRAMES)


def check_samples(value: Any) -> int:
    """Trajectory samples: an integer from 1 to MAX_SAMPLES."""
    return as_int(value, "samples", 1, MAX_SAMPLES)


def check_seed(value: Any) -> int:
    """A seed: a non-negative integer below 2**63."""
    return as_int(value, "seed", 0, MAX_SEED)


def check_vector3(value: Any, name: str, error: type[InputError] = InputError) -> np.ndarray:
    """Three finite numbers of magnitude at most MAX_COORDINATE (a sequence, an array, or text
    ``"X,Y,Z"``) as a (3,) float64 array."""
    if value is None:
        raise error(f"{name} must be three numbers X,Y,Z, got None")
    if isinstance(value, (bool, dict, set)) or (isinstance(value, (list, tuple)) and
                                                 any(isinstance(v, (bool, str, list, dict)) for v in value)):
        raise error(f"{name} must be three numbers X,Y,Z, got {_show(value)}")
    if isinstance(value, str):
        value = [v for v in value.replace(",", " ").split() if v]
    try:
        vec = np.asarray(value, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError, OverflowError):
        raise error(f"{name} must be three numbers X,Y,Z, got {_show(value)}") from None
    if vec.shape != (3,):
        raise error(f"{name} must be three numbers X,Y,Z, got {vec.size}")
    if not np.isfinite(vec).all():
        raise error(f"{name} must be finite, got {vec.tolist()}")
    if np.abs(vec).max() > MAX_COORDINATE:
        raise error(f"{name} is too large: {vec.tolist()} (coordinates must be at most {MAX_COORDINATE:g} "
                    "in magnitude; scale the mesh)")
    return vec


def check_path(value: Any, name: str) -> str | os.PathLike:
    """A file or folder path: non-empty text or an ``os.PathLike``."""
    if isinstance(value, os.PathLike):
        return value
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise InputError(f"{name} must be a file path, got {_show(value)}")
    return value


def check_part(value: Any) -> str | int | list:
    """The moving part: a name, a label number, or a non-empty list of them."""
    def ok(v: Any) -> bool:
        return (isinstance(v, str) and bool(v.strip())) or (isinstance(v, numbers.Integral) and not isinstance(v, bool))

    if isinstance(value, (list, tuple)):
        if value and all(ok(v) for v in value):
            return list(value)
    elif ok(value):
        return value
    if value is None or (isinstance(value, (list, tuple)) and not value):
        raise InputError("give the moving part: a part name or label (--part NAME_OR_LABEL)")
    raise InputError(f"part must be a part name, a label number or a list of them, got {_show(value)}")


def check_labels_value(value: Any) -> list[int]:
    """``--label`` / job ``label``: one integer label or a list of them."""
    items = value if isinstance(value, (list, tuple)) else [value]
    if not items:
        raise InputError("label must be an integer or a list of integers, got []")
    return [as_int(v, "label", -(2**62), 2**62) for v in items]


def check_up(value: Any) -> np.ndarray | None:
    """An up direction: None (the default), text ``"X,Y,Z"`` or ``+z``, or three numbers."""
    from dragmesh.normalize import parse_up, unit_up

    if value is None:
        return None
    if isinstance(value, str):
        return parse_up(value)
    return unit_up(check_vector3(value, "up"))


def check_text(value: Any, name: str) -> str | None:
    """Optional text (a name, a joint type)."""
    if value is None or isinstance(value, str):
        return value
    raise InputError(f"{name} must be text, got {_show(value)}")


def check_formats(value: Any) -> str | list[str]:
    """Export formats: comma-separated text or a list of format names."""
    if isinstance(value, str) or (isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)):
        return value
    raise InputError(f"export must be format names like \"glb,urdf\" or a list of them, got {_show(value)}")


def check_joint_value(value: Any) -> Any:
    """A user-given joint: a Joint, or a dict with type, axis, origin and optional limits (mesh
    coordinates); returned as a Joint."""
    from dragmesh.geometry.joints import Joint

    if value is None or isinstance(value, Joint):
        return value
    if not isinstance(value, dict):
        raise InputError(f"joint must be a dict with type, axis, origin, limits, got {_show(value)}")
    missing = [k for k in ("type", "axis", "origin") if k not in value]
    if missing:
        raise InputError(f"joint is missing {', '.join(missing)}")
    kind = check_text(value["type"], "joint type")
    if str(kind).strip().lower() not in ("revolute", "prismatic"):
        raise InputError(f"joint type must be revolute or prismatic, got {_show(kind)}")
    axis = check_vector3(value["axis"], "joint axis")
    if float(np.linalg.norm(axis)) < 1e-12:
        raise InputError("joint axis must not be the zero vector")
    origin = check_vector3(value["origin"], "joint origin")
    limits = value.get("limits")
    if limits is not None:
        if not isinstance(limits, (list, tuple)) or len(limits) != 2 or any(
                isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v) for v in limits):
            raise InputError(f"joint limits must be two finite numbers [lower, upper] or null, got {_show(limits)}")
        if limits[0] > limits[1]:
            raise InputError(f"joint limits must have lower <= upper, got {_show(limits)}")
    try:
        return Joint.from_dict({**value, "type": str(kind).strip().lower(), "axis": axis.tolist(),
                                "origin": origin.tolist(), "limits": None if limits is None else list(limits)})
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"joint is not usable: {exc}") from None


def check_job(job: dict) -> dict:
    """A batch job's (or the command line's) values checked and normalised, key by key; raises
    InputError naming the first bad key. Keys absent or None stay absent."""
    out: dict[str, Any] = {}
    checks = {
        "mesh": lambda v: check_path(v, "mesh"),
        "labels": lambda v: v if isinstance(v, (np.ndarray, list)) else check_path(v, "labels"),
        "out": lambda v: check_path(v, "out"),
        "part": check_part,
        "label": check_labels_value,
        "drag_point": lambda v: check_vector3(v, "drag point"),
        "drag_vector": lambda v: check_vector3(v, "drag vector"),
        "up": check_up,
        "joint_type": lambda v: check_text(v, "joint_type"),
        "joint": check_joint_value,
        "frames": check_frames,
        "samples": check_samples,
        "seed": check_seed,
        "export": check_formats,
        "name": lambda v: check_text(v, "name"),
    }
    for key, value in job.items():
        key = key.replace("-", "_")
        if value is None:
            continue
        check = checks.get(key)
        out[key] = check(value) if check else value
    return out
