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


def _read_parts(gltf, path: Path) -> RawMesh:
    buffers = [_buffer_bytes(gltf, i, path) for i in range(len(gltf.buffers or []))]
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
            positions = _read_accessor(gltf, primitive.attributes.POSITION, buffers)[:, :3]
            if primitive.indices is None:
                indices = np.arange(len(positions), dtype=np.int64)
            else:
                indices = _read_accessor(gltf, primitive.indices, buffers).reshape(-1).astype(np.int64)
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


def _read_accessor(gltf, index: int, buffers: list[bytes]) -> np.ndarray:
    """Decode accessor ``index`` as a (count, components) array (float64 when the accessor is
    float or normalised, integer otherwise), sparse substitutions applied."""
    accessor = gltf.accessors[index]
    dtype = np.dtype(_COMPONENT_DTYPES[accessor.componentType]).newbyteorder("<")
    width = _COMPONENT_COUNTS[accessor.type]
    count = accessor.count
    if accessor.bufferView is None:
        values = np.zeros((count, width), dtype=dtype)
    else:
        values = _view_array(gltf, accessor.bufferView, accessor.byteOffset, dtype, count, width, buffers)
    if accessor.sparse is not None and accessor.sparse.count:
        sparse = accessor.sparse
        indices, n = sparse.indices, sparse.count
        idx_dtype = np.dtype(_COMPONENT_DTYPES[indices.componentType]).newbyteorder("<")
        where = _view_array(gltf, indices.bufferView, indices.byteOffset, idx_dtype, n, 1, buffers)
        where = where.reshape(-1)
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
    view = gltf.bufferViews[view_index]
    data = buffers[view.buffer]
    start = (view.byteOffset or 0) + (offset or 0)
    item = dtype.itemsize * width
    stride = view.byteStride or item
    needed = start + (count - 1) * stride + item if count else start
    if needed > len(data):
        raise _Corrupt(f"buffer {view.buffer} is too short ({len(data)} bytes, needs {needed})")
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
