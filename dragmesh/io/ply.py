"""Stanford PLY (ASCII or binary) meshes, read with trimesh.

The format has no part structure: the mesh is one piece.
Per-vertex or per-face label properties are not read; give a label file instead.
"""

from __future__ import annotations

from pathlib import Path

from dragmesh.io.common import RawMesh, read_with_trimesh


def load_ply(path: Path) -> RawMesh:
    """Read a PLY file as a single-part :class:`RawMesh` (vertices in file order).

    Raises:
        MeshError: the file cannot be parsed.
    """
    return RawMesh.single(*read_with_trimesh(path, "ply"))
