"""STL (ASCII or binary) meshes, read with trimesh.

The format has no part structure: the mesh is one piece.
STL stores three vertices per triangle, so parts always come from a label file or from
connected components after merging vertices by position.
"""

from __future__ import annotations

from pathlib import Path

from dragmesh.io.common import RawMesh, read_with_trimesh


def load_stl(path: Path) -> RawMesh:
    """Read an STL file as a single-part :class:`RawMesh` (vertices in file order).

    Raises:
        MeshError: the file cannot be parsed.
    """
    return RawMesh.single(*read_with_trimesh(path, "stl"))
