import numpy as np
import pytest

from dragmesh.errors import LabelError
from dragmesh.io import load_mesh
from dragmesh.io.labels import face_labels_from, read_labels
from partmesh_files import box, two_boxes, write_obj, write_ply


@pytest.fixture
def ply(tmp_path):
    """Two boxes in one PLY: vertices 0-7 and faces 0-11 are the body, the rest the lid."""
    (v1, f1), (v2, f2) = two_boxes().values()
    return write_ply(tmp_path / "m.ply", np.vstack([v1, v2]), np.vstack([f1, f2 + 8]))


def test_per_face_npy_labels(ply, tmp_path):
    np.save(tmp_path / "l.npy", np.repeat([0, 1], 12))
    mesh = load_mesh(ply, labels=tmp_path / "l.npy")
    assert mesh.part_names == ["part_0", "part_1"]
    assert mesh.face_labels.tolist() == [0] * 12 + [1] * 12


def test_per_vertex_text_labels_with_sparse_values(ply, tmp_path):
    (tmp_path / "l.txt").write_text("\n".join(["3"] * 8 + ["7.0"] * 8) + "\n")
    mesh = load_mesh(ply, labels=str(tmp_path / "l.txt"))
    assert mesh.part_names == ["part_3", "part_7"]
    assert mesh.face_labels.tolist() == [0] * 12 + [1] * 12
    assert mesh.part_index("part_7") == 1


def test_labels_override_the_file_structure(tmp_path):
    path = write_obj(tmp_path / "m.obj", two_boxes())
    mesh = load_mesh(path, labels=np.zeros(24, dtype=int) + (np.arange(24) % 2))
    assert mesh.part_names == ["part_0", "part_1"]


def test_vertex_majority_vote():
    faces = np.array([[0, 1, 2], [0, 1, 3], [3, 2, 1], [0, 2, 3]])
    vertex_labels = np.array([5, 5, 6, 7])
    labels, names = face_labels_from(vertex_labels, 4, faces[:3])
    # faces: (5,5,6) -> 5; (5,5,7) -> 5; (7,6,5) all differ -> first vertex, 7
    assert [names[i] for i in labels] == ["part_5", "part_5", "part_7"]
    labels, names = face_labels_from(vertex_labels, 4, faces[3:])  # (5, 6, 7) -> 5
    assert [names[i] for i in labels] == ["part_5"]


def test_empty_parts_are_dropped(ply):
    # Label 1 is only on one vertex per face at most, so no face carries it.
    vertex_labels = np.zeros(16, dtype=int)
    vertex_labels[8:] = 2
    vertex_labels[0] = 1
    mesh = load_mesh(ply, labels=vertex_labels)
    assert mesh.part_names == ["part_0", "part_2"]


def test_wrong_count_names_both_counts(ply):
    with pytest.raises(LabelError, match=r"5 labels but the mesh has 16 vertices and 24 faces"):
        load_mesh(ply, labels=np.zeros(5, dtype=int))


@pytest.mark.parametrize("content", ["0 1 2.5", "0 1 nan", "0 one 2"])
def test_non_integer_text_labels(tmp_path, content):
    (tmp_path / "l.txt").write_text(content)
    with pytest.raises(LabelError, match="integers"):
        read_labels(tmp_path / "l.txt")


def test_label_file_forms(tmp_path):
    np.save(tmp_path / "col.npy", np.arange(4).reshape(4, 1).astype(np.float32))
    assert read_labels(tmp_path / "col.npy").tolist() == [0, 1, 2, 3]
    (tmp_path / "c.txt").write_text("0, 1,2\n3")
    assert read_labels(tmp_path / "c.txt").tolist() == [0, 1, 2, 3]
    np.save(tmp_path / "grid.npy", np.zeros((3, 3)))
    with pytest.raises(LabelError, match=r"shape \(3, 3\)"):
        read_labels(tmp_path / "grid.npy")
    with pytest.raises(LabelError, match="no such label file"):
        read_labels(tmp_path / "missing.npy")
    (tmp_path / "bad.npy").write_bytes(b"not numpy")
    with pytest.raises(LabelError, match="cannot read label file"):
        read_labels(tmp_path / "bad.npy")


def test_labels_index_the_files_vertex_order_before_unused_vertices_are_dropped(tmp_path):
    # An unused vertex first: per-vertex labels still count it.
    v, f = box()
    path = tmp_path / "m.obj"
    lines = ["v 9 9 9"] + [f"v {x} {y} {z}" for x, y, z in v]
    lines += [f"f {a + 2} {b + 2} {c + 2}" for a, b, c in f]
    path.write_text("\n".join(lines))
    labels = np.array([4] + [0] * 4 + [1] * 4)  # x < 0 corners get 0, x > 0 get 1
    mesh = load_mesh(path, labels=labels)
    assert len(mesh.vertices) == 8
    assert mesh.part_names == ["part_0", "part_1"]
