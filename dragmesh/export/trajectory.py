"""Trajectory export: NPZ (arrays) and JSON (the document ``dragmesh articulate --json`` prints).

Both hold, per moving part, the joint (type, unit axis, origin, limits, in mesh coordinates), the joint
values (T,), the unit dual quaternions (T, 8; (w, x, y, z) real part first, then the dual part) and
the 4x4 row-major transforms (T, 4, 4) taking the part's rest-pose points to frame t.

NPZ keys for a single part: ``joint_type`` (str), ``axis`` (3,), ``origin`` (3,), ``limits`` (2,; NaN
when unknown), ``values``, ``dual_quaternions``, ``transforms``, plus any extra arrays the caller
passes (the pipeline adds ``raw_dual_quaternions``, ``raw_transforms`` and ``samples_*``). With several
parts every key is prefixed ``<part>/``.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from dragmesh.export import ArticulatedAsset, MovingPart, safe_name, write_bytes, write_text
from dragmesh.geometry.dualquat import np_dq_from_matrix


def part_arrays(part: MovingPart) -> dict[str, np.ndarray]:
    """The NPZ arrays of one part (see the module docstring)."""
    limits = np.full(2, np.nan) if part.joint.limits is None else np.asarray(part.joint.limits, dtype=np.float64)
    transforms = np.asarray(part.transforms, dtype=np.float64)
    return {
        "joint_type": np.asarray(part.joint.type),
        "axis": np.asarray(part.joint.axis, dtype=np.float64),
        "origin": np.asarray(part.joint.origin, dtype=np.float64),
        "limits": limits,
        "values": np.asarray(part.values, dtype=np.float64),
        "dual_quaternions": np_dq_from_matrix(transforms),
        "transforms": transforms,
    }


def part_document(part: MovingPart) -> dict[str, Any]:
    """The JSON document of one part: ``joint`` and ``trajectory`` (values, dual quaternions,
    transforms as nested lists)."""
    arrays = part_arrays(part)
    return {
        "part": part.name,
        "joint": part.joint.to_dict(),
        "trajectory": {
            "values": arrays["values"].tolist(),
            "dual_quaternions": arrays["dual_quaternions"].tolist(),
            "transforms": arrays["transforms"].tolist(),
        },
    }


def asset_document(asset: ArticulatedAsset) -> dict[str, Any]:
    """The JSON document of an asset: a single part's document, or ``{"parts": [...]}``."""
    if len(asset.parts) == 1:
        return part_document(asset.parts[0])
    return {"parts": [part_document(p) for p in asset.parts]}


def write_json(asset: ArticulatedAsset, path: str | os.PathLike, document: dict | None = None) -> Path:
    """Write ``document`` (default :func:`asset_document`) as JSON to ``path``, atomically."""
    document = asset_document(asset) if document is None else document
    return write_text(path, json.dumps(document, indent=1) + "\n")


def write_npz(asset: ArticulatedAsset, path: str | os.PathLike, extra: dict[str, np.ndarray] | None = None) -> Path:
    """Write the parts' arrays (and ``extra`` arrays) as a compressed NPZ to ``path``, atomically."""
    arrays: dict[str, np.ndarray] = {}
    for part in asset.parts:
        prefix = "" if len(asset.parts) == 1 else f"{safe_name(part.name)}/"
        arrays.update({prefix + k: v for k, v in part_arrays(part).items()})
    arrays.update({k: np.asarray(v) for k, v in (extra or {}).items()})
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return write_bytes(path, buffer.getvalue())
