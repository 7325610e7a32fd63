"""Part labels from a separate file: ``.npy`` or text, one integer per vertex or per face.

The count decides which: F values label faces, V values label vertices (a face then takes the label
most of its three vertices carry; with three different labels, its first vertex's). When V == F the
labels are read per face. Label values may be any integers; they become parts in increasing order
of value, named ``part_<value>``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Union

import numpy as np

from dragmesh.errors import LabelError

LabelSource = Union[str, Path, np.ndarray, list]


def read_labels(source: LabelSource) -> np.ndarray:
    """Integer labels from a ``.npy`` file, a text file (whitespace or comma separated), or an array.

    Returns:
        (N,) int64.

    Raises:
        LabelError: missing or unreadable file, not one value per row, non-integer values.
    """
    name = "labels"
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = str(path)
        if not path.is_file():
            raise LabelError(f"no such label file: {path}")
        try:
            if path.suffix.lower() == ".npy":
                values = np.load(path, allow_pickle=False)
            else:
                text = path.read_text(encoding="utf-8", errors="replace").replace(",", " ")
                values = np.array(text.split(), dtype=object)
                values = _parse_text_values(values, name)
        except LabelError:
            raise
        except Exception as exc:  # numpy's readers raise ValueError, OSError, EOFError...
            raise LabelError(f"cannot read label file {path}: {type(exc).__name__}: {exc}") from exc
    else:
        try:
            values = np.asarray(source)
        except (TypeError, ValueError, OverflowError) as exc:
            raise LabelError(f"labels must be a list of integers: {' '.join(str(exc).split())[:100]}") from None

    values = np.asarray(values)
    if values.ndim == 2 and 1 in values.shape:
        values = values.reshape(-1)
    if values.ndim != 1:
        raise LabelError(
            f"{name}: expected one label per vertex or face, got an array of shape {values.shape}"
        )
    if values.dtype == bool:
        return values.astype(np.int64)
    if np.issubdtype(values.dtype, np.integer):
        if values.dtype == np.uint64 and len(values) and int(values.max()) > _MAX_LABEL:
            raise LabelError(f"{name}: labels must be integers of magnitude at most 2**62, got {int(values.max())}")
        return values.astype(np.int64)
    if not np.issubdtype(values.dtype, np.floating):
        raise LabelError(f"{name}: labels must be integers, got {values.dtype} values")
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(values) | (values != np.round(values)) | (np.abs(values) > _MAX_LABEL)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise LabelError(f"{name}: labels must be integers (magnitude at most 2**62), got {values[i]!r} at position {i}")
    return values.astype(np.int64)


_MAX_LABEL = 2**62


def _parse_text_values(tokens: np.ndarray, name: str) -> np.ndarray:
    """Text tokens -> float64 values (integers checked by the caller)."""
    try:
        return tokens.astype(np.float64)
    except ValueError:
        for i, token in enumerate(tokens):
            try:
                float(token)
            except ValueError:
                message = f"{name}: labels must be integers, got {token!r} at position {i}"
                raise LabelError(message) from None
        raise


def face_labels_from(
    labels: np.ndarray, n_vertices: int, faces: np.ndarray, name: str = "labels"
) -> tuple[np.ndarray, list[str]]:
    """Per-face part labels and part names from per-vertex or per-face values.

    Args:
        labels: (V,) or (F,) integer values (see :func:`read_labels`).
        n_vertices: V, the file's vertex count.
        faces: (F, 3) int64.
        name: the label source, for messages.

    Returns:
        face_labels (F,) int64 in [0, P) and the P part names ``part_<value>``.

    Raises:
        LabelError: the count is neither V nor F.
    """
    n_faces = len(faces)
    if len(labels) == n_faces:
        per_face = labels
    elif len(labels) == n_vertices:
        a, b, c = (labels[faces[:, k]] for k in range(3))
        # Majority of three: b if b == c (then b is the majority or all agree), otherwise a, which
        # is the majority when a == b or a == c and the deterministic fallback when all differ.
        per_face = np.where(b == c, b, a)
    else:
        raise LabelError(
            f"{name} has {len(labels)} labels but the mesh has {n_vertices} vertices and "
            f"{n_faces} faces; give one label per vertex or per face"
        )
    values, face_labels = np.unique(per_face, return_inverse=True)
    return face_labels.astype(np.int64).reshape(-1), [f"part_{v}" for v in values]
