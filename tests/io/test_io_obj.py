import numpy as np
import pytest

from dragmesh.errors import MeshError
from dragmesh.io import load_mesh
from dragmesh.io.obj import parse_obj
from partmesh_files import box, two_boxes, write_obj


def test_groups_become_parts_with_every_index_form(tmp_path):
    parts = {**two_boxes(), "handle": box((1.2, 0, 0), (0.1, 0.1, 0.1))}
    mesh = load_mesh(write_obj(tmp_path / "m.obj", parts))
    assert mesh.part_names == ["body", "lid", "handle"]
    assert np.bincount(mesh.face_labels).tolist() == [12, 12, 12]
    for label, (vertices, _) in enumerate(parts.values()):
        used = np.unique(mesh.faces[mesh.face_labels == label])
        assert np.allclose(np.sort(mesh.vertices[used], axis=0), np.sort(vertices, axis=0))


def test_objects_become_parts(tmp_path):
    mesh = load_mesh(write_obj(tmp_path / "m.obj", two_boxes(), tag="o"))
    assert mesh.part_names == ["body", "lid"]


def test_objects_win_over_per_material_groups():
    text = """
o cabinet
v 0 0 0
v 1 0 0
v 0 1 0
v 1 1 0
g cabinet_wood
f 1 2 3
g cabinet_metal
f 2 4 3
o door
v 0 0 1
v 1 0 1
v 0 1 1
g door_wood
f 5 6 7
"""
    raw = parse_obj(text)
    assert raw.part_names == ["cabinet", "door"]
    assert raw.face_labels.tolist() == [0, 0, 1]


def test_repeated_group_names_share_a_part():
    text = "v 0 0 0\nv 1 0 0\nv 0 1 0\ng a\nf 1 2 3\ng b\nf 1 3 2\ng a\nf 2 1 3\n"
    raw = parse_obj(text)
    assert raw.part_names == ["a", "b"]
    assert raw.face_labels.tolist() == [0, 1, 0]


def test_polygons_are_fan_triangulated_and_negative_indices_resolve():
    text = "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0.5 1.5 0\nv 0 1 0\nf -5/1/1 -4/1/1 -3/1/1 -2/1/1 -1/1/1\n"
    raw = parse_obj(text)
    assert raw.faces.tolist() == [[0, 1, 2], [0, 2, 3], [0, 3, 4]]


def test_line_continuations_and_comments():
    raw = parse_obj("# c\nv 0 0 0\nv 1 0 0\nv 0 1 \\\n 0\nf 1 2 \\\n3\n")
    assert raw.vertices.shape == (3, 3) and raw.faces.tolist() == [[0, 1, 2]]


@pytest.mark.parametrize(
    "text, match",
    [
        ("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 9\n", "vertex 9 but the file has 3"),
        ("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 0 1 2\n", "line 4: face index 0"),
        ("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2\n", "fewer than 3"),
        ("v 0 0 zero\n", "line 1: non-numeric vertex"),
        ("v 0 0\n", "line 1: vertex needs 3"),
        ("v 0 0 0\nf a b c\n", "bad face index"),
        ("v 0 0 0\nf -2 -1 1\n", "vertex -2"),
    ],
)
def test_malformed_obj(text, match):
    with pytest.raises(MeshError, match=match):
        parse_obj(text, "bad.obj")


def test_binary_garbage_is_refused(tmp_path):
    path = tmp_path / "bad.obj"
    path.write_bytes(b"\x00\x01\x02 not an obj")
    with pytest.raises(MeshError, match="binary data"):
        load_mesh(path)


def test_single_group_falls_back_to_connected_components(tmp_path):
    v1, f1 = box((0, 0, 0), (2, 2, 2))
    v2, f2 = box((5, 0, 0), (1, 1, 1))
    path = write_obj(tmp_path / "m.obj", {"all": (np.vstack([v1, v2]), np.vstack([f1, f2 + 8]))})
    mesh = load_mesh(path)
    assert mesh.part_names == ["part_0", "part_1"]
    # Equal face counts: the tie is broken by the first face, so the big box at the origin is 0.
    assert np.allclose(mesh.vertices[mesh.faces[mesh.face_labels == 0]].mean(axis=(0, 1)), 0)
