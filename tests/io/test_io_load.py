import numpy as np
import pytest

from dragmesh.errors import InputError, MeshError
from dragmesh.io import SUPPORTED_FORMATS, load_mesh
from dragmesh.io.components import component_labels
from partmesh_files import box, two_boxes, write_obj, write_ply


def separate_boxes():
    """A big box at the origin and a small one at x = 5, as one piece of geometry."""
    (v1, f1), (v2, f2) = box((0, 0, 0), (2, 2, 2)), box((5, 0, 0), (1, 1, 1))
    return np.vstack([v1, v2]), np.vstack([f1, f2 + 8])


def unmerged(vertices, faces):
    """Every triangle with its own three vertices, as STL stores it."""
    return vertices[faces].reshape(-1, 3), np.arange(3 * len(faces)).reshape(-1, 3)


def test_missing_file(tmp_path):
    with pytest.raises(MeshError, match="no such file: .*nothing.obj"):
        load_mesh(tmp_path / "nothing.obj")


def test_unknown_extension_lists_the_formats(tmp_path):
    (tmp_path / "m.fbx").write_text("x")
    with pytest.raises(MeshError) as info:
        load_mesh(tmp_path / "m.fbx")
    assert "'.fbx'" in str(info.value)
    assert all(ext in str(info.value) for ext in SUPPORTED_FORMATS)


def test_empty_mesh(tmp_path):
    (tmp_path / "e.obj").write_text("v 0 0 0\nv 1 0 0\n")
    with pytest.raises(MeshError, match="has no faces"):
        load_mesh(tmp_path / "e.obj")


def test_non_finite_vertices(tmp_path):
    (tmp_path / "n.obj").write_text("v 0 0 0\nv 1 nan 0\nv 0 1 inf\nf 1 2 3\n")
    with pytest.raises(MeshError, match="2 vertices with NaN or infinite"):
        load_mesh(tmp_path / "n.obj")


@pytest.mark.parametrize("ext", ["ply", "stl", "off"])
def test_corrupt_trimesh_formats(tmp_path, ext):
    path = tmp_path / f"bad.{ext}"
    path.write_bytes(b"\x00garbage\xff" * 3)
    with pytest.raises(MeshError, match=f"bad.{ext}"):
        load_mesh(path)


@pytest.mark.parametrize("ext", ["stl", "off", "ply"])
def test_one_piece_formats_split_into_connected_components(tmp_path, ext):
    import trimesh

    vertices, faces = separate_boxes()
    if ext == "stl":
        vertices, faces = unmerged(vertices, faces)
    path = tmp_path / f"m.{ext}"
    data = trimesh.Trimesh(vertices, faces, process=False).export(file_type=ext)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    mesh = load_mesh(path)
    assert mesh.part_names == ["part_0", "part_1"]
    assert np.bincount(mesh.face_labels).tolist() == [12, 12]
    big = mesh.vertices[mesh.faces[mesh.face_labels == 0]]
    assert np.allclose(np.ptp(big.reshape(-1, 3), axis=0), 2)


def test_components_merge_duplicated_vertices_and_order_by_size():
    (v1, f1), (v2, f2) = box((0, 0, 0)), box((3, 0, 0))
    small = v2[f2[:2]].reshape(-1, 3)  # two triangles of a third, separate piece
    vertices = np.vstack([v1[f1].reshape(-1, 3), small, v2[f2].reshape(-1, 3) + [0, 5, 0]])
    faces = np.arange(len(vertices)).reshape(-1, 3)
    labels, names = component_labels(vertices, faces)
    assert names == ["part_0", "part_1", "part_2"]
    assert np.bincount(labels).tolist() == [12, 12, 2]
    assert labels[:12].tolist() == [0] * 12 and labels[12:14].tolist() == [2, 2]


def test_up_is_stored_normalised_and_coordinates_are_untouched(tmp_path):
    path = write_obj(tmp_path / "m.obj", two_boxes())
    mesh = load_mesh(path, up=(0, 0, 3))
    assert np.allclose(mesh.up, [0, 0, 1])
    assert np.allclose(mesh.vertices.min(axis=0), [-1, -0.5, -0.5])
    with pytest.raises(InputError, match="zero"):
        load_mesh(path, up=(0, 0, 0))
    with pytest.raises(InputError, match="three"):
        load_mesh(path, up=(0, 1))


def test_unused_vertices_are_dropped(tmp_path):
    (tmp_path / "m.obj").write_text("v 100 100 100\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 2 3 4\n")
    mesh = load_mesh(tmp_path / "m.obj")
    assert len(mesh.vertices) == 3 and mesh.vertices.max() == 1


def test_ply_keeps_file_vertex_order(tmp_path):
    vertices, faces = separate_boxes()
    mesh = load_mesh(write_ply(tmp_path / "m.ply", vertices, faces))
    assert np.allclose(mesh.vertices, vertices) and np.array_equal(mesh.faces, faces)


def test_folder_without_urdf(tmp_path):
    with pytest.raises(MeshError, match="no URDF"):
        load_mesh(tmp_path)


def test_non_finite_unused_vertices_are_harmless(tmp_path):
    (tmp_path / "m.obj").write_text("v nan 0 0\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 2 3 4\n")
    assert len(load_mesh(tmp_path / "m.obj").vertices) == 3
