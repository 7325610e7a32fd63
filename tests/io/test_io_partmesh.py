import numpy as np
import pytest

from dragmesh.errors import MeshError, PartError
from dragmesh.io import PartMesh
from partmesh_files import box


def make_mesh(names=("body", "Door", "drawer"), empty=()):
    """One unit box per part, side by side along x; parts listed in `empty` get no faces."""
    vertices, faces, labels = [], [], []
    for label, name in enumerate(names):
        if name in empty:
            continue
        v, f = box((2.0 * label, 0, 0), (1, 1 + label, 1))
        faces.append(f + sum(len(x) for x in vertices))
        vertices.append(v)
        labels.append(np.full(len(f), label))
    return PartMesh(np.concatenate(vertices), np.concatenate(faces), np.concatenate(labels), list(names))


def test_part_index_by_name_case_and_number():
    mesh = make_mesh()
    assert mesh.part_index("Door") == 1
    assert mesh.part_index("door") == 1  # case-insensitive fallback
    assert mesh.part_index("DRAWER") == 2
    assert mesh.part_index(2) == 2
    assert mesh.part_index(np.int64(0)) == 0
    assert mesh.part_index(" 1 ") == 1  # numeric string


def test_a_name_that_looks_like_a_number_wins_over_the_label():
    mesh = make_mesh(names=("2", "b", "c"))
    assert mesh.part_index("2") == 0
    assert mesh.part_index(2) == 2


def test_exact_name_wins_over_case_insensitive_and_ambiguity_is_reported():
    mesh = make_mesh(names=("door", "Door", "DOOR"))
    assert mesh.part_index("Door") == 1
    with pytest.raises(PartError, match="ambiguous"):
        mesh.part_index("dOOr")


@pytest.mark.parametrize("key", ["handle", 3, -1, "7"])
def test_unknown_part_lists_the_available_ones(key):
    mesh = make_mesh()
    with pytest.raises(PartError) as info:
        mesh.part_index(key)
    message = str(info.value)
    assert "available parts" in message and "'Door'" in message and "\n" not in message


def test_available_parts_are_truncated_when_many():
    mesh = make_mesh(names=tuple(f"p{i}" for i in range(30)))
    with pytest.raises(PartError, match=r"and 10 more") as info:
        mesh.part_index("nope")
    assert "'p29'" not in str(info.value)


def test_part_face_mask_merges_several_parts():
    mesh = make_mesh()
    door = mesh.part_face_mask("door")
    assert door.sum() == 12 and np.all(mesh.face_labels[door] == 1)
    both = mesh.part_face_mask(["door", 2])
    assert both.sum() == 24 and not both[mesh.face_labels == 0].any()
    assert np.array_equal(mesh.part_face_mask("door,drawer"), both)
    assert np.array_equal(mesh.part_face_mask(["door", "Door", 1]), door)  # repeats collapse


def test_part_face_mask_refuses_the_whole_object_and_empty_parts():
    mesh = make_mesh()
    with pytest.raises(PartError, match="whole object"):
        mesh.part_face_mask(["body", "door", "drawer"])
    with pytest.raises(PartError, match="no part named"):
        mesh.part_face_mask(["door", "lid"])
    with pytest.raises(PartError, match="no part given"):
        mesh.part_face_mask([])
    with pytest.raises(PartError, match="has no faces"):
        make_mesh(empty=("drawer",)).part_face_mask("drawer")


def test_submesh_keeps_only_used_vertices():
    mesh = make_mesh()
    vertices, faces = mesh.submesh(mesh.part_face_mask("drawer"))
    assert vertices.shape == (8, 3) and faces.shape == (12, 3)
    assert faces.max() == 7
    assert np.allclose(vertices.mean(axis=0), [4, 0, 0])


def test_part_summary_sizes():
    summary = make_mesh(empty=("drawer",)).part_summary()
    assert [p["name"] for p in summary] == ["body", "Door", "drawer"]
    assert summary[1]["faces"] == 12
    assert np.allclose(summary[1]["bbox_size"], [1, 2, 1])
    assert np.allclose(summary[1]["bbox_min"], [1.5, -1, -0.5])
    assert summary[2]["faces"] == 0 and summary[2]["bbox_size"] is None
    assert summary[0]["joint"] is None


def test_constructor_validates():
    v, f = box()
    labels = np.zeros(len(f), dtype=int)
    with pytest.raises(MeshError, match="NaN"):
        PartMesh(np.where(np.arange(8)[:, None] == 3, np.nan, v), f, labels, ["a"])
    with pytest.raises(MeshError, match=r"\[0, 1\)"):
        PartMesh(v, f, labels + 1, ["a"])
    with pytest.raises(MeshError, match="not unique"):
        PartMesh(v, f, labels % 2, ["a", "a"])
    with pytest.raises(MeshError, match="no faces"):
        PartMesh(v, f[:0], labels[:0], ["a"])
    with pytest.raises(MeshError, match="out of range"):
        PartMesh(v, f + 1, labels, ["a"])


def test_up_is_normalised():
    v, f = box()
    mesh = PartMesh(v, f, np.zeros(12, dtype=int), ["a"], up=(0, 0, 2))
    assert np.allclose(mesh.up, [0, 0, 1])
