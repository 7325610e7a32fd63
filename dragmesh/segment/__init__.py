"""Parts from any mesh: the movable part under a click, on a mesh whose file names no parts.

``find.py`` finds the part (fold-weighted graph cuts round the click, a hand rule picking among
them, or on request the learned ranker of :mod:`dragmesh.models.segmenter`); ``welded.py`` re-makes
meshes the way scans and image-to-3D models arrive (one welded surface) and carries their true
parts over, to measure it.
This module is the file-level entry: labels in the file's own vertex order, written whole or not
at all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dragmesh.errors import InputError, MeshError
from dragmesh.io import PartMesh, build_part_mesh
from dragmesh.segment.find import NoPartError, PartSelection, find_part

__all__ = ["NoPartError", "PartSelection", "find_part", "FileSegmentation", "segment_file", "write_labels",
           "LABEL_SUFFIXES", "shipped_ranker", "shipped_masks"]

# Label files the command writes: NumPy's .npy, or text with one number per line.
LABEL_SUFFIXES = (".npy", ".txt")


_LOADED: dict[tuple[str, str], object] = {}


def _once(kind: str, weights_dir, load):
    """``load()`` the first time a (kind, folder) is asked for, the same object after."""
    key = (kind, str(weights_dir))
    if key not in _LOADED:
        _LOADED[key] = load()
    return _LOADED[key]


def shipped_masks(weights_dir: str | os.PathLike | None = None):
    """The mask network's :class:`~dragmesh.segment.learned.MaskReader`, from
    ``weights_dir/segment/masknet.*`` (default: the shipped weights), loaded once per folder.

    Raises:
        WeightsError: missing or corrupted weights (one line).
    """
    from dragmesh.segment.learned import MaskReader

    return _once("masks", weights_dir, lambda: MaskReader.load(weights_dir))


def shipped_ranker(weights_dir: str | os.PathLike | None = None):
    """The cut ranker's score function, ``(C, K) features -> (C,) scores``, from
    ``weights_dir/segment/ranker.*`` (default: the shipped weights), loaded once per folder.

    Raises:
        WeightsError: missing or corrupted weights (one line).
    """
    from dragmesh.models.segmenter import load_ranker

    return _once("ranker", weights_dir, lambda: load_ranker(weights_dir).score)


@dataclass
class FileSegmentation:
    """The part found on a mesh file.

    Attributes:
        labels: (V_file,) int64, 1 on the part and 0 elsewhere, one per vertex of the file in its
            own order (vertices no face uses are 0).
        mesh: the loaded PartMesh (unused vertices dropped, as :func:`~dragmesh.io.load_mesh` does).
        selection: the :class:`PartSelection` on ``mesh``'s vertices.
    """

    labels: np.ndarray
    mesh: PartMesh
    selection: PartSelection


def segment_file(path: str | os.PathLike, point, up=(0.0, 1.0, 0.0), ranker=None, masks=None) -> FileSegmentation:
    """Find the movable part under ``point`` (3,) on the mesh file at ``path``; ``masks`` and
    ``ranker`` as :func:`~dragmesh.segment.find.find_part` takes them.

    Raises:
        MeshError: the file is missing, of an unknown format or corrupt.
        InputError: the point is off the mesh. NoPartError: no part to find there.
    """
    from dragmesh.io.load import _LOADERS
    from dragmesh.normalize import unit_up

    path = Path(path)
    if not path.is_file():
        raise MeshError(f"no such file: {path}")
    loader = _LOADERS.get(path.suffix.lower())
    if loader is None:
        raise MeshError(f"unsupported mesh format '{path.suffix}': {path}; supported: {', '.join(_LOADERS)}")
    raw = loader(path)
    mesh = build_part_mesh(raw, source=str(path), up=unit_up(up))
    selection = find_part(mesh.vertices, mesh.faces, point, up=mesh.up, ranker=ranker, masks=masks)
    # build_part_mesh keeps the vertices faces use, in file order: scatter back through them.
    kept = np.unique(raw.faces)
    labels = np.zeros(len(raw.vertices), dtype=np.int64)
    labels[kept] = selection.vertex_mask
    return FileSegmentation(labels=labels, mesh=mesh, selection=selection)


def write_labels(labels: np.ndarray, out: str | os.PathLike) -> Path:
    """Write integer labels (N,) to ``out``: ``.npy`` or ``.txt`` (one number per line), through a
    temporary file renamed into place, so a failed write leaves nothing behind.

    Raises:
        InputError: another suffix. ExportError: the folder is missing or not writable.
    """
    from dragmesh.export import atomic_path

    out = Path(out)
    if out.suffix.lower() not in LABEL_SUFFIXES:
        raise InputError(f"label file must end in {' or '.join(LABEL_SUFFIXES)}, got {str(out)!r}")
    labels = np.asarray(labels, dtype=np.int64).reshape(-1)
    with atomic_path(out) as tmp:
        if out.suffix.lower() == ".npy":
            with open(tmp, "wb") as handle:
                np.save(handle, labels)
        else:
            tmp.write_text("".join(f"{int(x)}\n" for x in labels))
    return out
