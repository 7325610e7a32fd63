"""Meshes with parts: :class:`PartMesh` and :func:`load_mesh`, one loader module per format.

``obj.py`` (our own parser), ``gltf.py`` (.gltf/.glb), ``ply.py``, ``stl.py``, ``off.py`` (trimesh),
``urdf.py`` (links as parts, joints), ``labels.py`` (label files), ``components.py`` (parts of a
mesh with no structure), ``load.py`` (dispatch by extension, validation).
"""

from dragmesh.io.load import SUPPORTED_FORMATS, build_part_mesh, load_mesh
from dragmesh.io.partmesh import PartMesh

__all__ = ["PartMesh", "load_mesh", "build_part_mesh", "SUPPORTED_FORMATS"]
