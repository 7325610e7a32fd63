"""``load_mesh``: any supported file in, a validated :class:`PartMesh` out.

Parts come from, in order of precedence:

1. a label file, when one is given (it overrides the file's own structure);
2. the file's structure: OBJ objects/groups, glTF mesh nodes, URDF links;
3. otherwise (one piece, no structure) the mesh's connected components, largest first.

Parts with no faces are dropped and the labels renumbered. Vertices no face uses are dropped (so
bounding boxes and normalisation see only the surface), after label files, which index the file's
own vertex order, are applied.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from dragmesh.errors import MeshError
from dragmesh.io.common import RawMesh, unique_names
from dragmesh.io.components import component_labels
from dragmesh.io.gltf import load_gltf
from dragmesh.io.labels import LabelSource, face_labels_from, read_labels
from dragmesh.io.obj import load_obj
from dragmesh.io.off import load_off
from dragmesh.io.partmesh import PartMesh
from dragmesh.io.ply import load_ply
from dragmesh.io.stl import load_stl
from dragmesh.io.urdf import load_urdf, outside_paths_allowed
from dragmesh.io.values import MAX_COORDINATE
from dragmesh.normalize import unit_up

_LOADERS: dict[str, Callable[[Path], RawMesh]] = {
    ".obj": load_obj,
    ".glb": load_gltf,
    ".gltf": load_gltf,
    ".ply": load_ply,
    ".stl": load_stl,
    ".off": load_off,
    ".urdf": load_urdf,
}

SUPPORTED_FORMATS: tuple[str, ...] = tuple(_LOADERS)


def load_mesh(
    path: str | Path,
    labels: LabelSource | None = None,
    up: Sequence[float] | np.ndarray = (0.0, 1.0, 0.0),
    allow_outside_paths: bool | None = None,
) -> PartMesh:
    """Load a mesh and its parts.

    Args:
        path: an ``.obj``, ``.glb``, ``.gltf``, ``.ply``, ``.stl``, ``.off`` or ``.urdf`` file, or a
            folder holding a URDF (a PartNet-Mobility / GAPartNet object folder with
            ``mobility.urdf``).
        labels: optional part labels, one integer per vertex or per face: a ``.npy`` or text file,
            or an array.
        up: the mesh's up direction, any non-zero vector; stored on the result, not applied.
        allow_outside_paths: let a URDF read mesh files outside its folder (default: refused,
            unless :func:`dragmesh.io.urdf.outside_paths_allowed` is in effect).

    Returns:
        The PartMesh, in the file's own coordinates and units.

    Raises:
        InputError: ``up`` is zero or not three numbers.
        MeshError: missing file, unknown format, corrupt or empty mesh, non-finite vertices.
        LabelError: the label file does not fit the mesh.
        URDFError: the URDF is malformed.
    """
    up = unit_up(up)
    path = Path(path)
    if not path.exists():
        raise MeshError(f"no such file: {path}")
    if path.is_dir():
        path = _urdf_in_folder(path)
    loader = _LOADERS.get(path.suffix.lower())
    if loader is None:
        kind = f"format '{path.suffix}'" if path.suffix else "file without extension"
        raise MeshError(f"unsupported mesh {kind}: {path}; supported: {', '.join(SUPPORTED_FORMATS)}")
    if allow_outside_paths is None:
        raw = loader(path)
    else:
        with outside_paths_allowed(allow_outside_paths):
            raw = loader(path)
    return build_part_mesh(raw, source=str(path), labels=labels, up=up)


def build_part_mesh(
    raw: RawMesh,
    source: str | None = None,
    labels: LabelSource | None = None,
    up: Sequence[float] | np.ndarray = (0.0, 1.0, 0.0),
) -> PartMesh:
    """Validate a loader's :class:`RawMesh`, decide its parts, and build the PartMesh.

    See the module docstring for where parts come from.
    """
    where = source or "mesh"
    vertices, faces = raw.vertices, raw.faces
    if len(faces) == 0:
        raise MeshError(f"{where} has no faces (empty mesh, or no triangles in it)")
    if faces.min() < 0 or faces.max() >= len(vertices):
        raise MeshError(f"corrupt mesh {where}: face indices out of range for {len(vertices)} vertices")
    # Only vertices that faces use are kept (below), so only they must be finite.
    kept, faces = np.unique(faces, return_inverse=True)
    faces = faces.reshape(-1, 3)
    bad = int((~np.isfinite(vertices[kept]).all(axis=1)).sum())
    if bad:
        raise MeshError(f"{where} has {bad} vertices with NaN or infinite coordinates")
    largest = float(np.abs(vertices[kept]).max())
    if largest > MAX_COORDINATE:
        raise MeshError(f"{where} has coordinates too large to compute with ({largest:.3g}; at most "
                        f"{MAX_COORDINATE:g}): scale the mesh to sensible units")

    joints, named = {}, True
    if labels is not None:
        name = f"label file {labels}" if isinstance(labels, (str, Path)) else "labels"
        # Labels index the file's own vertices: use the faces before compaction.
        face_labels, names = face_labels_from(read_labels(labels), len(vertices), raw.faces, name)
    elif len(np.unique(raw.face_labels)) <= 1 and not raw.joints:
        face_labels, names = component_labels(vertices[kept], faces)
        named = False
    else:
        face_labels, names, joints = raw.face_labels, list(raw.part_names), dict(raw.joints)

    # Renumber to the parts that have faces, keeping their order.
    used, face_labels = np.unique(face_labels, return_inverse=True)
    old_names = [names[i] for i in used]
    new_names = unique_names(old_names)
    renamed = dict(zip(old_names, new_names))
    joints = {renamed[k]: j for k, j in joints.items() if k in renamed}

    return PartMesh(
        vertices=vertices[kept],
        faces=faces,
        face_labels=face_labels.reshape(-1),
        part_names=new_names,
        joints=joints,
        source=source,
        up=up,
        named_parts=named,
    )


def _urdf_in_folder(folder: Path) -> Path:
    """The URDF of an object folder: ``mobility.urdf`` if present, else its only ``.urdf`` file."""
    preferred = folder / "mobility.urdf"
    if preferred.is_file():
        return preferred
    found = sorted(folder.glob("*.urdf"))
    if len(found) == 1:
        return found[0]
    if not found:
        raise MeshError(f"{folder} is a folder with no URDF file; give a mesh file or an object folder")
    raise MeshError(f"{folder} holds several URDF files; give one: {', '.join(p.name for p in found)}")
