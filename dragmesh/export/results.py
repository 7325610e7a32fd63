"""Articulation results as an :class:`~dragmesh.export.ArticulatedAsset` and as files.

The exporters read assets; this module makes one from the pipeline's results and writes a result's
files with its own JSON document and arrays. A result is read by duck typing (the export layer
sits below the pipeline and does not import it): it has ``mesh`` (a
:class:`~dragmesh.io.PartMesh`), ``part`` (names), ``face_mask`` (F,) bool, ``joint``, ``values``
(T,), ``transforms`` (T, 4, 4), ``frames`` (T), ``to_dict(full=True)`` and ``extra_arrays()``, as
:class:`dragmesh.pipeline.ArticulationResult` does.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from dragmesh.errors import ExportError, InputError
from dragmesh.export import ArticulatedAsset, MovingPart, export, safe_name
from dragmesh.export.gltf import write_glb
from dragmesh.export.trajectory import write_json, write_npz
from dragmesh.export.urdf import write_urdf
from dragmesh.export.video import write_video


def result_name(result: Any) -> str:
    """The default file stem of a result: the mesh file's stem and the part, e.g. ``cabinet_door``."""
    stem = Path(result.mesh.source).stem if result.mesh.source else "object"
    return safe_name(f"{stem}_{'+'.join(result.part)}", "object")


def combine(results: Sequence[Any], name: str | None = None) -> ArticulatedAsset:
    """Several results on the same mesh (different parts) as one asset: the base is every face no
    result moves; each result is one moving part.

    name: the asset's name (default: the result's :func:`result_name` for one result, the mesh
    file's stem for several). Raises InputError when there is no result, the results come from
    different mesh objects, their trajectories have different numbers of frames, or two parts
    share a face.
    """
    if not results:
        raise InputError("combine needs at least one result")
    mesh = results[0].mesh
    if any(r.mesh is not mesh for r in results[1:]):
        raise InputError("combined results must come from the same mesh object")
    if len({r.frames for r in results}) > 1:
        raise InputError("combined results must have the same number of frames")
    moving = np.zeros(len(mesh.faces), dtype=bool)
    parts = []
    for r in results:
        if (moving & r.face_mask).any():
            raise InputError(f"part {'+'.join(r.part)} overlaps another combined part")
        moving |= r.face_mask
        vertices, faces = mesh.submesh(r.face_mask)
        parts.append(MovingPart("+".join(r.part), vertices, faces, r.joint, r.values, r.transforms))
    base_vertices, base_faces = mesh.submesh(~moving)  # part_face_mask keeps something fixed
    if name is None:
        name = result_name(results[0]) if len(results) == 1 else Path(mesh.source or "object").stem
    return ArticulatedAsset(base_vertices, base_faces, parts, up=mesh.up, name=name)


def export_result(result: Any, out_dir: str | os.PathLike, formats: str | Sequence[str] = "all",
                  stem: str | None = None, **options) -> dict[str, list[Path]]:
    """Write one result in ``formats`` to ``out_dir`` with :func:`dragmesh.export.export`, its JSON
    export being the result's full document and its NPZ carrying the result's extra arrays.

    stem: file stem and asset name (default: :func:`result_name`). Returns the paths by format.
    """
    return export(combine([result], name=stem), out_dir, formats, stem or result_name(result),
                  document=result.to_dict(full=True), arrays=result.extra_arrays(), **options)


# kind -> the writer of one file (and its companions) of one asset at a given path.
_WRITERS = {"glb": write_glb, "urdf": write_urdf, "video": write_video}


def write_result(result: Any, kind: str, path: str | os.PathLike, **options):
    """Write one result as one kind of file at ``path``.

    kind: ``glb`` (options fps, loop) -> the path; ``urdf`` -> [URDF, OBJ meshes]; ``video`` (fps,
    loop, size; MP4 or GIF by the suffix of ``path``) -> [video, PNG thumbnail]; ``npz`` -> the
    path, with the result's extra arrays; ``json`` -> the path, the result's full document.
    """
    asset = combine([result])
    if kind == "npz":
        return write_npz(asset, path, result.extra_arrays())
    if kind == "json":
        return write_json(asset, path, result.to_dict(full=True))
    if kind not in _WRITERS:
        raise ExportError(f"unknown kind of file {kind!r}; expected one of glb, urdf, video, npz, json")
    return _WRITERS[kind](asset, path, **options)
