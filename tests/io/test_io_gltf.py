import base64
import json

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from dragmesh.errors import MeshError
from dragmesh.io import load_mesh
from partmesh_files import box, write_glb_two_nodes

TRIANGLE = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0]], dtype=np.float32)


def write_gltf(path, nodes, meshes, scenes=True, mode=None, indices=(0, 1, 2, 1, 3, 2)):
    """A .gltf with one data-URI buffer: a 4-vertex quad (float32 positions, uint16 indices) that
    every mesh uses."""
    index_bytes = np.asarray(indices, dtype=np.uint16).tobytes()
    pad = b"\x00" * (-len(index_bytes) % 4)
    data = index_bytes + pad + TRIANGLE.tobytes()
    primitive = {"attributes": {"POSITION": 1}, "indices": 0}
    if mode is not None:
        primitive["mode"] = mode
    doc = {
        "asset": {"version": "2.0"},
        "buffers": [
            {
                "byteLength": len(data),
                "uri": "data:application/gltf-buffer;base64," + base64.b64encode(data).decode(),
            }
        ],
        "bufferViews": [
            {"buffer": 0, "byteOffset": 0, "byteLength": len(index_bytes)},
            {"buffer": 0, "byteOffset": len(index_bytes) + len(pad), "byteLength": TRIANGLE.nbytes},
        ],
        "accessors": [
            {"bufferView": 0, "componentType": 5123, "count": len(indices), "type": "SCALAR"},
            {
                "bufferView": 1,
                "componentType": 5126,
                "count": 4,
                "type": "VEC3",
                "min": [0, 0, 0],
                "max": [1, 1, 0],
            },
        ],
        "meshes": [{"primitives": [primitive], **({"name": m} if m else {})} for m in meshes],
        "nodes": nodes,
    }
    if scenes:
        roots = sorted(set(range(len(nodes))) - {c for n in nodes for c in n.get("children", [])})
        doc["scenes"] = [{"nodes": roots}]
        doc["scene"] = 0
    path.write_text(json.dumps(doc))
    return path


def test_glb_nodes_become_parts_with_their_transforms(tmp_path):
    mesh = load_mesh(write_glb_two_nodes(tmp_path / "two.glb"))
    assert mesh.part_names == ["cabinet", "door"]
    door = mesh.vertices[np.unique(mesh.faces[mesh.face_labels == 1])]
    assert np.allclose(door.min(axis=0), [2.95, -1, -0.5], atol=1e-6)
    assert np.allclose(door.max(axis=0), [3.05, 1, 0.5], atol=1e-6)


def test_node_hierarchy_trs_and_name_fallback(tmp_path):
    rotation = Rotation.from_euler("z", 90, degrees=True)
    nodes = [
        {"name": "root", "translation": [10, 0, 0], "children": [1], "mesh": 0},
        # Unnamed node: its mesh's name names the part.
        {"rotation": rotation.as_quat().tolist(), "scale": [2] * 3, "translation": [0, 5, 0], "mesh": 1},
        # Neither node nor mesh named: a generated name.
        {"matrix": [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, -3, 1], "mesh": 2},
    ]
    mesh = load_mesh(write_gltf(tmp_path / "h.gltf", nodes, ["root_mesh", "lid", None]))
    assert mesh.part_names == ["root", "lid", "part_2"]
    lid = mesh.vertices[np.unique(mesh.faces[mesh.face_labels == 1])]
    expected = rotation.apply(TRIANGLE * 2) + [0, 5, 0] + [10, 0, 0]
    assert np.allclose(np.sort(lid, axis=0), np.sort(expected, axis=0), atol=1e-6)
    third = mesh.vertices[np.unique(mesh.faces[mesh.face_labels == 2])]
    assert np.allclose(third[:, 2], -3)


def test_files_without_scenes_use_root_nodes(tmp_path):
    nodes = [{"name": "a", "mesh": 0}, {"name": "b", "mesh": 1, "translation": [3, 0, 0]}]
    mesh = load_mesh(write_gltf(tmp_path / "s.gltf", nodes, ["m", "m"], scenes=False))
    assert mesh.part_names == ["a", "b"]


def test_triangle_strips(tmp_path):
    nodes = [{"name": "a", "mesh": 0}, {"name": "b", "mesh": 1, "translation": [3, 0, 0]}]
    path = write_gltf(tmp_path / "s.gltf", nodes, ["m", "n"], mode=5, indices=(0, 1, 2, 3))
    mesh = load_mesh(path)
    assert len(mesh.faces) == 4
    # Consistent winding: both triangles of the strip face +z.
    tri = mesh.vertices[mesh.faces]
    normals = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    assert np.all(normals[:, 2] > 0)


def test_corrupt_glb(tmp_path):
    path = tmp_path / "bad.glb"
    path.write_bytes(b"glTF\x02\x00\x00\x00garbage")
    with pytest.raises(MeshError, match="bad.glb"):
        load_mesh(path)


def test_truncated_glb(tmp_path):
    data = write_glb_two_nodes(tmp_path / "two.glb").read_bytes()
    path = tmp_path / "cut.glb"
    path.write_bytes(data[: len(data) - 200])
    with pytest.raises(MeshError, match="cut.glb"):
        load_mesh(path)


def test_missing_buffer_file(tmp_path):
    path = write_gltf(tmp_path / "x.gltf", [{"name": "a", "mesh": 0}], ["m"])
    doc = json.loads(path.read_text())
    doc["buffers"][0]["uri"] = "missing.bin"
    path.write_text(json.dumps(doc))
    with pytest.raises(MeshError, match="missing buffer file"):
        load_mesh(path)


def test_index_past_the_vertices(tmp_path):
    path = write_gltf(tmp_path / "x.gltf", [{"name": "a", "mesh": 0}], ["m"], indices=(0, 1, 9))
    with pytest.raises(MeshError, match="indexes past"):
        load_mesh(path)


def test_box_parts_round_trip_through_trimesh_export(tmp_path):
    import trimesh

    scene = trimesh.Scene()
    for name, center in [("left", (0, 0, 0)), ("right", (2, 0, 0)), ("top", (1, 2, 0))]:
        scene.add_geometry(trimesh.Trimesh(*box(center), process=False), node_name=name)
    path = tmp_path / "three.gltf"
    for name, data in scene.export(file_type="gltf").items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "model.gltf").rename(path)
    mesh = load_mesh(path)
    assert mesh.part_names == ["left", "right", "top"]
    assert np.bincount(mesh.face_labels).tolist() == [12, 12, 12]


def test_sparse_and_normalised_accessors(tmp_path):
    path = write_gltf(tmp_path / "s.gltf", [{"name": "a", "mesh": 0}], ["m"])
    doc = json.loads(path.read_text())
    data = base64.b64decode(doc["buffers"][0]["uri"].split(",", 1)[1])
    # Sparse: vertex 3 of the positions moves to (2, 2, 2).
    extra = np.array([3], dtype=np.uint32).tobytes() + np.array([2, 2, 2], dtype=np.float32).tobytes()
    # Normalised uint8 positions for a second mesh: 255 -> 1.0.
    quantized = np.array([[0, 0, 0], [255, 0, 0], [0, 255, 0], [255, 255, 0]], dtype=np.uint8).tobytes()
    start = len(data)
    data += extra + quantized
    doc["buffers"][0] = {"byteLength": len(data), "uri": "data:;base64," + base64.b64encode(data).decode()}
    doc["bufferViews"] += [
        {"buffer": 0, "byteOffset": start, "byteLength": 4},
        {"buffer": 0, "byteOffset": start + 4, "byteLength": 12},
        {"buffer": 0, "byteOffset": start + 16, "byteLength": 12},
    ]
    doc["accessors"][1]["sparse"] = {
        "count": 1,
        "indices": {"bufferView": 2, "componentType": 5125},
        "values": {"bufferView": 3},
    }
    doc["accessors"].append(
        {"bufferView": 4, "componentType": 5121, "normalized": True, "count": 4, "type": "VEC3"}
    )
    doc["meshes"].append({"primitives": [{"attributes": {"POSITION": 2}, "indices": 0}]})
    doc["nodes"].append({"name": "q", "mesh": 1, "translation": [0, 0, 5]})
    doc["scenes"][0]["nodes"].append(1)
    path.write_text(json.dumps(doc))
    mesh = load_mesh(path)
    a = mesh.vertices[np.unique(mesh.faces[mesh.face_labels == 0])]
    assert [2, 2, 2] in a.tolist()
    q = mesh.vertices[np.unique(mesh.faces[mesh.face_labels == 1])]
    assert np.allclose(np.sort(q, axis=0), np.sort(TRIANGLE + [0, 0, 5], axis=0))
