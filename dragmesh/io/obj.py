"""Wavefront OBJ: a small parser of our own for vertices, faces, objects and groups.

trimesh's OBJ reader regroups faces by material and drops or merges ``o``/``g`` structure
inconsistently, and the parts are exactly what we need from an OBJ, so the geometry is read here.
Supported: ``v x y z [w | r g b]``; ``f`` with any polygon size (fan-triangulated), the index forms
``i``, ``i/t``, ``i//n``, ``i/t/n``, negative (relative) indices; ``o`` and ``g``; comments and
``\\`` line continuations. Everything else (materials, normals, texture coordinates, lines) is
ignored.

Parts: the ``o`` objects when there are two or more, otherwise the ``g`` groups when there are two
or more, otherwise one part. Objects win because they are the coarser unit: exporters that write
both usually split each object into per-material groups.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dragmesh.errors import MeshError
from dragmesh.io.common import RawMesh


def load_obj(path: Path) -> RawMesh:
    """Read an OBJ file into a :class:`RawMesh` with one part per object or group.

    Raises:
        MeshError: unreadable file, malformed vertex or face line, index out of range.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise MeshError(f"cannot read OBJ file {path}: {exc.strerror or exc}") from exc
    if b"\x00" in data:
        raise MeshError(f"cannot read OBJ file {path}: it contains binary data, not OBJ text")
    text = data.decode("utf-8", errors="replace")
    return parse_obj(text, str(path))


def parse_obj(text: str, name: str = "<obj>") -> RawMesh:
    """Parse OBJ text; ``name`` is used in error messages. See :func:`load_obj`."""
    # Join "\" continuations before splitting into lines.
    text = text.replace("\\\r\n", " ").replace("\\\n", " ")
    coords: list[float] = []
    triangles: list[int] = []
    # Per triangle, the index of its (object, group) key in `keys`.
    tri_keys: list[int] = []
    keys: dict[tuple[str | None, str | None], int] = {}
    obj_name: str | None = None
    group_name: str | None = None
    key_id = -1  # resolved lazily: a key exists only once a face uses it

    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] == "#":
            continue
        tokens = line.split()
        tag = tokens[0]
        if tag == "v":
            if len(tokens) < 4:
                raise MeshError(f"malformed OBJ file {name}: line {line_no}: vertex needs 3 coordinates")
            try:
                coords.extend((float(tokens[1]), float(tokens[2]), float(tokens[3])))
            except ValueError:
                raise MeshError(
                    f"malformed OBJ file {name}: line {line_no}: non-numeric vertex {line[:60]!r}"
                ) from None
        elif tag == "f":
            n_vertices = len(coords) // 3
            polygon = []
            for token in tokens[1:]:
                head = token.split("/", 1)[0]
                try:
                    index = int(head)
                except ValueError:
                    raise MeshError(
                        f"malformed OBJ file {name}: line {line_no}: bad face index {token!r}"
                    ) from None
                if index == 0:
                    raise MeshError(f"malformed OBJ file {name}: line {line_no}: face index 0")
                # OBJ indices are 1-based; negative ones count back from the latest vertex.
                polygon.append(index - 1 if index > 0 else n_vertices + index)
            if len(polygon) < 3:
                raise MeshError(
                    f"malformed OBJ file {name}: line {line_no}: face with fewer than 3 vertices"
                )
            if key_id < 0:
                key_id = keys.setdefault((obj_name, group_name), len(keys))
            first = polygon[0]
            for a, b in zip(polygon[1:-1], polygon[2:]):
                triangles.extend((first, a, b))
                tri_keys.append(key_id)
        elif tag == "o":
            obj_name = " ".join(tokens[1:]) or None
            key_id = -1
        elif tag == "g":
            group_name = " ".join(tokens[1:]) or None
            key_id = -1

    vertices = np.asarray(coords, dtype=np.float64).reshape(-1, 3)
    faces = np.asarray(triangles, dtype=np.int64).reshape(-1, 3)
    if len(faces) and (faces.min() < 0 or faces.max() >= len(vertices)):
        raise MeshError(
            f"malformed OBJ file {name}: face refers to vertex {_bad_index(faces, len(vertices))} "
            f"but the file has {len(vertices)} vertices"
        )
    key_of_face = np.asarray(tri_keys, dtype=np.int64)
    labels, names = _choose_parts(list(keys), key_of_face)
    return RawMesh(vertices=vertices, faces=faces, face_labels=labels, part_names=names)


def _bad_index(faces: np.ndarray, n_vertices: int) -> int:
    """A 1-based offending index for the error message."""
    low, high = int(faces.min()), int(faces.max())
    return low - n_vertices if low < 0 else high + 1


def _choose_parts(
    keys: list[tuple[str | None, str | None]], key_of_face: np.ndarray
) -> tuple[np.ndarray, list[str | None]]:
    """Face labels and part names from (object, group) keys: objects if >= 2, else groups if >= 2,
    else a single part. Faces with the same name share a part even when not contiguous."""
    for level in (0, 1):
        names = [key[level] for key in keys]
        distinct = list(dict.fromkeys(names))
        if len(distinct) >= 2:
            part_of_key = np.array([distinct.index(n) for n in names], dtype=np.int64)
            return part_of_key[key_of_face], distinct
    return np.zeros(len(key_of_face), dtype=np.int64), [keys[0][0] or keys[0][1]] if keys else [None]
