"""What the per-format loaders share: their result type, name cleaning, and trimesh reading."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dragmesh.errors import MeshError


@dataclass
class RawMesh:
    """A loader's result before labels, components and validation are applied by ``load_mesh``.

    Attributes:
        vertices: (V, 3) float64, in the file's vertex order (label files index it).
        faces: (F, 3) int64.
        face_labels: (F,) int64 in [0, len(part_names)), the parts the file's structure gives.
        part_names: names of those parts (not yet unique or cleaned).
        joints: part name -> Joint, in mesh coordinates (URDF only).
    """

    vertices: np.ndarray
    faces: np.ndarray
    face_labels: np.ndarray
    part_names: list[str]
    joints: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def single(cls, vertices: np.ndarray, faces: np.ndarray) -> "RawMesh":
        """A mesh with no part structure: every face in one part."""
        faces = np.asarray(faces, dtype=np.int64).reshape(-1, 3)
        return cls(
            vertices=np.asarray(vertices, dtype=np.float64).reshape(-1, 3),
            faces=faces,
            face_labels=np.zeros(len(faces), dtype=np.int64),
            part_names=["part_0"],
        )

    @classmethod
    def from_chunks(cls, vertex_chunks, face_chunks, label_chunks, part_names, joints=None) -> "RawMesh":
        """Concatenate per-part pieces (faces already offset into the joint vertex array); no pieces
        at all give an empty single-part mesh, which ``load_mesh`` reports as empty."""
        if not face_chunks:
            return cls.single(np.zeros((0, 3)), np.zeros((0, 3), dtype=np.int64))
        return cls(
            vertices=np.concatenate(vertex_chunks),
            faces=np.concatenate(face_chunks),
            face_labels=np.concatenate(label_chunks),
            part_names=part_names,
            joints=joints or {},
        )


def unique_names(names: list[str | None]) -> list[str]:
    """Part names made non-empty and unique: a missing name becomes ``part_<i>``; a repeated one gets
    ``_1``, ``_2``... appended, so every part can be picked by name."""
    taken: set[str] = set()
    result = []
    for i, name in enumerate(names):
        base = (name or "").strip() or f"part_{i}"
        candidate, k = base, 1
        while candidate in taken:
            candidate, k = f"{base}_{k}", k + 1
        taken.add(candidate)
        result.append(candidate)
    return result


def read_with_trimesh(path: Path, file_type: str) -> tuple[np.ndarray, np.ndarray]:
    """Read one triangle mesh with trimesh, keeping the file's vertex order.

    ``process=False`` keeps vertices unmerged and in file order, so per-vertex label files still
    line up. A file holding several bodies is concatenated.

    Returns:
        vertices (V, 3) float64 and faces (F, 3) int64.

    Raises:
        MeshError: naming the file and what trimesh reported.
    """
    import trimesh

    try:
        loaded = trimesh.load(str(path), file_type=file_type, process=False, force="mesh")
    except Exception as exc:  # trimesh raises many unrelated types on corrupt input
        reason = describe_exception(exc)
        raise MeshError(f"cannot read {file_type.upper()} file {path}: {reason}") from exc
    vertices = np.asarray(getattr(loaded, "vertices", np.zeros((0, 3))), dtype=np.float64)
    faces = np.asarray(getattr(loaded, "faces", np.zeros((0, 3))), dtype=np.int64)
    if faces.size == 0:
        return vertices.reshape(-1, 3), np.zeros((0, 3), dtype=np.int64)
    if faces.ndim != 2 or faces.shape[1] != 3:
        raise MeshError(f"cannot read {file_type.upper()} file {path}: faces are not triangles")
    return vertices.reshape(-1, 3), faces


def describe_exception(exc: BaseException) -> str:
    """One line describing an exception from a third-party reader."""
    text = " ".join(str(exc).split())
    if len(text) > 160:
        text = text[:157] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__

