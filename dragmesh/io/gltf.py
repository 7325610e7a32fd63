"""glTF 2.0 (``.gltf`` with its buffers, or binary ``.glb``): one part per node that has a mesh.

pygltflib parses the container; the accessors are decoded here because the parts are defined by the
node hierarchy, which trimesh renames (numbered nodes, random suffixes per primitive). Each node's
world transform (its ancestors' matrices or TRS composed down the tree) is applied to its vertices.
A part is named after its node, or its mesh when the node is unnamed. All primitives of a mesh
belong to its node's part. Triangle lists, strips and fans are read; points and lines are skipped.
Compressed geometry (Draco, meshopt) is refused with a clear error.
"""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import unquote

import numpy as np

from dragmesh.errors import MeshError
from dragmesh.io.common import RawMesh, describe_exception

_COMPONENT_DTYPES = {
    5120: np.int8,
    5121: np.uint8,
    5122: np.int16,
    5123: np.uint16,
    5125: np.uint32,
    5126: np.float32,
}
_COMPONENT_COUNTS = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT2": 4, "MAT3": 9, "MAT4": 16}
_TRIANGLES, _TRIANGLE_STRIP, _TRIANGLE_FAN = 4, 5, 6
_UNSUPPORTED_EXTENSIONS = ("KHR_draco_mesh_compression", "EXT_meshopt_compression")
# An accessor with no buffer view decodes to zeros; it may be at most this many times the bytes of
# the file and its buffers (plus ACCESSOR_FLOOR), so a few bytes cannot claim gigabytes.
ACCESSOR_SLACK = 16
ACCESSOR_FLOOR = 1 << 20


class _Corrupt(ValueError):
    """A structural fault found while decoding; ``load_gltf`` adds the file name."""


def load_gltf(path: Path) -> RawMesh:
    """Read a ``.gltf`` or ``.glb`` file into a :class:`RawMesh`, one part per mesh node.

    Raises:
        MeshError: the container cannot be parsed, a buffer is missing or too short, the file uses
            compressed geometry.
    """
    import pygltflib

    path = Path(path)
    kind = path.suffix.lower().lstrip(".").upper()
    if kind == "GLB":
        _check_glb_header(path)
    try:
        gltf = pygltflib.GLTF2.load(str(path))
    except Exception as exc:  # pygltflib raises JSON, struct, KeyError... on corrupt input
        raise MeshError(f"cannot read {kind} file {path}: {describe_exception(exc)}") from exc
    if gltf is None:
        raise MeshError(f"cannot read {kind} file {path}: not a glTF container")
    for ext in _UNSUPPORTED_EXTENSIONS:
        if ext in (gltf.extensionsUsed or []) or ext in (gltf.extensionsRequired or []):
            raise MeshError(
                f"cannot read {kind} file {path}: compressed geometry ({ext}) is not supported"
            )
    try:
        return _read_parts(gltf, path)
    except MeshError:
        raise
    except Exception as exc:  # out-of-range indices, short buffers, malformed fields
        reason = str(exc) if isinstance(exc, _Corrupt) else describe_exception(exc)
        raise MeshError(f"corrupt {kind} file {path}: {reason}") from exc


def _check_glb_header(path: Path) -> None:
    """A GLB starts with magic ``glTF``, version 2 and its total length, which cannot exceed the
    file; anything else is refused before the container is parsed."""
    import struct

    try:
        with open(path, "rb") as f:
            header = f.read(12)
        size = path.stat().st_size
    except OSError as exc:
        raise MeshError(f"cannot read GLB file {path}: {exc.strerror or exc}") from None
    if len(header) < 12 or header[:4] != b"glTF":
        raise MeshError(f"cannot read GLB file {path}: not a binary glTF (no glTF header)")
    _, version, length = struct.unpack("<4sII", header)
    if version != 2:
        raise MeshError(f"cannot read GLB file {path}: glTF version {version} is not supported (only 2)")
    if length > size:
        raise MeshError(f"cannot read GLB file {path}: the header claims {length} bytes, the file has {size}")


def _read_parts(gltf, path: Path) -> RawMesh:
    buffers = [_buffer_bytes(gltf, i, path) for i in range(len(gltf.buffers or []))]
    # Decoders allocate only what the file can back: an accessor without a buffer view (zeros,
    # maybe with sparse substitutions) gets at most this many bytes, whatever its count claims.
    budget = ACCESSOR_SLACK * (sum(len(b) for b in buffers) + _file_size(path)) + ACCESSOR_FLOOR
    # All primitives together (instancing repeats a mesh per node) decode to at most this much.
    total_budget = 4 * ACCESSOR_SLACK * (sum(len(b) for b in buffers) + _file_size(path)) + 256 * ACCESSOR_FLOOR
    decoded = 0
    vertex_chunks, face_chunks, label_chunks, names = [], [], [], []
    n_vertices = 0
    for node_index, world in _mesh_nodes(gltf):
        node = gltf.nodes[node_index]
        mesh = gltf.meshes[node.mesh]
        label = len(names)
        count_before = n_vertices
        for primitive in mesh.primitives:
            mode = _TRIANGLES if primitive.mode is None else primitive.mode
            if mode not in (_TRIANGLES, _TRIANGLE_STRIP, _TRIANGLE_FAN):
                continue
            if primitive.attributes.POSITION is None:
                continue
            positions = _read_accessor(gltf, primitive.attributes.POSITION, buffers, budget)[:, :3]
            if primitive.indices is None:
                indices = np.arange(len(positions), dtype=np.int64)
            else:
                indices = _read_accessor(gltf, primitive.indices, buffers, budget).reshape(-1).astype(np.int64)
            decoded += positions.nbytes + indices.nbytes
            if decoded > total_budget:
                raise _Corrupt(f"its meshes decode to more than {total_budget >> 20} MiB "
                               f"(nodes reusing meshes or accessors); refusing to expand it")
            faces = _triangles(indices, mode)
            if len(faces) and (faces.min() < 0 or faces.max() >= len(positions)):
                raise _Corrupt(f"mesh {node.mesh} indexes past its vertices")
            points = positions @ world[:3, :3].T + world[:3, 3]
            vertex_chunks.append(points)
            face_chunks.append(faces + n_vertices)
            label_chunks.append(np.full(len(faces), label, dtype=np.int64))
            n_vertices += len(points)
        if n_vertices > count_before:
            names.append(node.name or mesh.name or None)

    return RawMesh.from_chunks(vertex_chunks, face_chunks, label_chunks, names)


def _mesh_nodes(gltf):
    """Yield (node index, (4, 4) world matrix) for every node with a mesh in the default scene,
    depth first. Files without scenes use every root node; cycles are broken."""
    nodes = gltf.nodes or []
    if gltf.scenes:
        scene = gltf.scenes[gltf.scene if gltf.scene is not None else 0]
        roots = list(scene.nodes or [])
    else:
        children = {c for n in nodes for c in (n.children or [])}
        roots = [i for i in range(len(nodes)) if i not in children]
    stack = [(i, np.eye(4)) for i in reversed(roots)]
    seen = set()
    while stack:
        index, parent = stack.pop()
        if index in seen:
            continue
        seen.add(index)
        node = nodes[index]
        world = parent @ _local_matrix(node)
        if node.mesh is not None:
            yield index, world
        stack.extend((c, world) for c in reversed(node.children or []))


def _local_matrix(node) -> np.ndarray:
    """A node's (4, 4) transform relative to its parent: its matrix, or T * R * S."""
    identity = [1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0]
    if node.matrix is not None and list(node.matrix) != identity:
        # glTF stores matrices column-major.
        return np.asarray(node.matrix, dtype=np.float64).reshape(4, 4).T
    m = np.eye(4)
    if node.scale is not None:
        m = np.diag([*np.asarray(node.scale, dtype=np.float64), 1.0])
    if node.rotation is not None:
        x, y, z, w = np.asarray(node.rotation, dtype=np.float64)  # glTF quaternions are xyzw
        n = np.sqrt(x * x + y * y + z * z + w * w) or 1.0
        x, y, z, w = x / n, y / n, z / n, w / n
        r = np.eye(4)
        r[:3, :3] = [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
        m = r @ m
    if node.translation is not None:
        t = np.eye(4)
        t[:3, 3] = np.asarray(node.translation, dtype=np.float64)
        m = t @ m
    return m


def _buffer_bytes(gltf, index: int, path: Path) -> bytes:
    """The bytes of buffer ``index``: the GLB binary chunk, a data URI, or a file beside ``path``."""
    uri = gltf.buffers[index].uri
    if uri is None:
        data = gltf.binary_blob()
        if data is None:
            raise _Corrupt(f"buffer {index} has no data")
        return data
    if uri.startswith("data:"):
        try:
            return base64.b64decode(uri.split(",", 1)[1])
        except Exception as exc:
            raise _Corrupt(f"buffer {index} has a bad data URI") from exc
    file = path.parent / unquote(uri)
    try:
        return file.read_bytes()
    except OSError:
        raise MeshError(f"glTF file {path} refers to a missing buffer file: {file}") from None


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read_accessor(gltf, index: int, buffers: list[bytes], budget: int | None = None) -> np.ndarray:
    """Decode accessor ``index`` as a (count, components) array (float64 when the accessor is
    float or normalised, integer otherwise), sparse substitutions applied.

    Every size is checked before anything is allocated: the count must be a non-negative integer,
    a view-backed accessor must lie inside its view and buffer, and one without a view may decode
    to at most ``budget`` bytes (a bound from the file's own size)."""
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(gltf.accessors or []):
        raise _Corrupt(f"accessor {index!r} does not exist")
    accessor = gltf.accessors[index]
    if accessor.componentType not in _COMPONENT_DTYPES:
        raise _Corrupt(f"accessor {index} has an unknown componentType {accessor.componentType!r}")
    if accessor.type not in _COMPONENT_COUNTS:
        raise _Corrupt(f"accessor {index} has an unknown type {accessor.type!r}")
    dtype = np.dtype(_COMPONENT_DTYPES[accessor.componentType]).newbyteorder("<")
    width = _COMPONENT_COUNTS[accessor.type]
    count = accessor.count
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise _Corrupt(f"accessor {index} has an invalid count {count!r}")
    if accessor.bufferView is None:
        need = count * width * dtype.itemsize
        if budget is not None and need > budget:
            raise _Corrupt(f"accessor {index} claims {count} elements ({need} bytes) with no buffer view; "
                           f"more than a file of this size can describe")
        values = np.zeros((count, width), dtype=dtype)
    else:
        values = _view_array(gltf, accessor.bufferView, accessor.byteOffset, dtype, count, width, buffers)
    if accessor.sparse is not None and accessor.sparse.count:
        sparse = accessor.sparse
        indices, n = sparse.indices, sparse.count
        if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= count:
            raise _Corrupt(f"accessor {index} has a sparse count {n!r} outside 0..{count}")
        if indices.componentType not in (5121, 5123, 5125):
            raise _Corrupt(f"accessor {index} has sparse indices of componentType {indices.componentType!r}")
        idx_dtype = np.dtype(_COMPONENT_DTYPES[indices.componentType]).newbyteorder("<")
        where = _view_array(gltf, indices.bufferView, indices.byteOffset, idx_dtype, n, 1, buffers)
        where = where.reshape(-1)
        if len(where) and int(where.max()) >= count:
            raise _Corrupt(f"accessor {index} has a sparse index past its {count} elements")
        at = sparse.values
        replacement = _view_array(gltf, at.bufferView, at.byteOffset, dtype, n, width, buffers)
        values = values.copy()
        values[where] = replacement
    if accessor.normalized and np.issubdtype(dtype, np.integer):
        # glTF normalised integers map to [0, 1] (unsigned) or [-1, 1] (signed).
        return np.maximum(values.astype(np.float64) / np.iinfo(dtype).max, -1.0)
    if np.issubdtype(dtype, np.floating):
        return values.astype(np.float64)
    return values.astype(np.int64)


def _view_array(gltf, view_index, offset, dtype, count, width, buffers) -> np.ndarray:
    """(count, width) array of ``dtype`` read from a bufferView, honouring its byte stride."""
    views = gltf.bufferViews or []
    if not isinstance(view_index, int) or isinstance(view_index, bool) or not 0 <= view_index < len(views):
        raise _Corrupt(f"buffer view {view_index!r} does not exist")
    view = views[view_index]
    if not isinstance(view.buffer, int) or not 0 <= view.buffer < len(buffers):
        raise _Corrupt(f"buffer view {view_index} refers to a missing buffer {view.buffer!r}")
    data = buffers[view.buffer]
    for name, value in (("byteOffset", view.byteOffset), ("accessor byteOffset", offset),
                        ("byteStride", view.byteStride), ("byteLength", view.byteLength)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise _Corrupt(f"buffer view {view_index} has an invalid {name} {value!r}")
    if not isinstance(count, int) or count < 0:
        raise _Corrupt(f"buffer view {view_index} is read with an invalid count {count!r}")
    start = (view.byteOffset or 0) + (offset or 0)
    item = dtype.itemsize * width
    stride = view.byteStride or item
    if stride < item:
        raise _Corrupt(f"buffer view {view_index} has a byteStride {stride} below its element size {item}")
    needed = start + (count - 1) * stride + item if count else start
    end = (view.byteOffset or 0) + (view.byteLength if view.byteLength is not None else len(data))
    if needed > min(len(data), end):
        raise _Corrupt(f"buffer {view.buffer} is too short ({min(len(data), end)} bytes in view {view_index}, "
                       f"needs {needed})")
    strides = (stride, dtype.itemsize)
    return np.ndarray((count, width), dtype=dtype, buffer=data, offset=start, strides=strides)


def _triangles(indices: np.ndarray, mode: int) -> np.ndarray:
    """(T, 3) triangles from a primitive's index list in triangle list, strip or fan mode."""
    if mode == _TRIANGLES:
        usable = len(indices) - len(indices) % 3
        return indices[:usable].reshape(-1, 3)
    k = np.arange(max(len(indices) - 2, 0))
    if mode == _TRIANGLE_FAN:
        return np.stack([np.full(len(k), indices[0]), indices[k + 1], indices[k + 2]], axis=1)
    # Strips alternate winding; swapping the first two of every odd triangle keeps it consistent.
    even = k % 2 == 0
    a = np.where(even, indices[k], indices[k + 1])
    b = np.where(even, indices[k + 1], indices[k])
    return np.stack([a, b, indices[k + 2]], axis=1)
