"""Object File Format (OFF) meshes, read with trimesh.

The format has no part structure: the mesh is one piece.
Polygons are triangulated by trimesh.
"""

from __future__ import annotations

from pathlib import Path

from dragmesh.io.common import RawMesh, read_with_trimesh


def load_off(path: Path) -> RawMesh:
    """Read an OFF file as a single-part :class:`RawMesh` (vertices in file order).

    Raises:
        MeshError: the file cannot be parsed.
    """
    return RawMesh.single(*read_with_trimesh(path, "off"))
