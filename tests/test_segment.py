"""The part under a click on meshes without parts: welded surfaces, loose pieces, the command."""

import json

import numpy as np
import pytest
import trimesh

from dragmesh.cli import main
from dragmesh.data.shapes import box, merge
from dragmesh.errors import InputError
from dragmesh.segment import NoPartError, find_part, segment_file
from dragmesh.segment.welded import transfer_vertex_values, weld_remesh

DOOR_POINT = (-0.1, 0.3, 0.28)  # on the door's front
HANDLE_POINT = (0.18, 0.4, 0.31)  # on the handle, at the door's free edge


def cabinet():
    """A body, a door slab standing proud of its front and a handle bar on the door: loose pieces,
    face labels 0 (body), 1 (door), 2 (handle)."""
    body = box((0.6, 0.8, 0.5), (0.0, 0.4, 0.0))
    door = box((0.5, 0.7, 0.03), (0.0, 0.4, 0.265))
    handle = box((0.03, 0.2, 0.03), (0.18, 0.4, 0.295))
    vertices, faces = merge(body, door, handle)
    labels = np.repeat([0, 1, 2], [len(body[1]), len(door[1]), len(handle[1])])
    return vertices, faces, labels


@pytest.fixture(scope="module")
def welded():
    vertices, faces, labels = cabinet()
    wv, wf = weld_remesh(vertices, faces, resolution=64)
    truth = transfer_vertex_values(vertices, faces, labels >= 1, wv)
    return wv, wf, truth


def iou(a, b):
    return (a & b).sum() / (a | b).sum()


def test_welded_remesh_is_one_closed_outward_surface(welded):
    wv, wf, truth = welded
    mesh = trimesh.Trimesh(wv, wf, process=False)
    assert len(mesh.split(only_watertight=False)) == 1
    assert mesh.volume > 0  # outward normals
    # The door and its handle (a fifth of the surface or so) carried over from the original faces.
    assert 0.1 < truth.mean() < 0.4


@pytest.mark.parametrize("point", [DOOR_POINT, HANDLE_POINT])
def test_welded_part_under_the_click_is_the_door_with_its_handle(welded, point):
    wv, wf, truth = welded
    found = find_part(wv, wf, point, up=(0, 1, 0))
    assert iou(found.vertex_mask, truth) >= 0.8
    assert not (found.vertex_mask & found.base_mask).any()


def test_loose_pieces_a_handle_goes_with_its_door():
    vertices, faces, labels = cabinet()
    found = find_part(vertices, faces, HANDLE_POINT, up=(0, 1, 0))
    np.testing.assert_array_equal(found.face_mask, labels >= 1)


def test_marked_base_is_never_the_part():
    vertices, faces, labels = cabinet()
    base = np.zeros(len(vertices), dtype=bool)
    base[np.unique(faces[labels == 1])] = True  # the user marks the door as base
    found = find_part(vertices, faces, HANDLE_POINT, up=(0, 1, 0), base_vertices=base)
    np.testing.assert_array_equal(found.face_mask, labels == 2)


def test_no_part_on_a_sphere_and_no_point_off_the_mesh():
    sphere = trimesh.creation.icosphere(4)
    with pytest.raises(NoPartError, match="no movable part"):
        find_part(sphere.vertices, sphere.faces, sphere.vertices[0])
    with pytest.raises(InputError, match="from the mesh"):
        find_part(sphere.vertices, sphere.faces, (3.0, 0.0, 0.0))


@pytest.fixture(scope="module")
def welded_file(tmp_path_factory, welded):
    """The welded cabinet as a PLY with one unused vertex first: labels follow the file's order."""
    wv, wf, truth = welded
    path = tmp_path_factory.mktemp("segment") / "cabinet.ply"
    trimesh.Trimesh(np.vstack([[9.0, 9.0, 9.0], wv]), wf + 1, process=False).export(path)
    return path, np.concatenate([[False], truth])


def xyz(v):
    return ",".join(f"{x:g}" for x in v)


@pytest.mark.parametrize("suffix", [".npy", ".txt"])
def test_command_writes_one_label_per_file_vertex(capsys, tmp_path, welded_file, suffix):
    path, truth = welded_file
    out = tmp_path / f"labels{suffix}"
    assert main(["segment", str(path), "--point", xyz(DOOR_POINT), "--out", str(out), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    labels = np.load(out) if suffix == ".npy" else np.array(out.read_text().split(), dtype=np.int64)
    assert labels.shape == (len(truth),) and set(np.unique(labels)) == {0, 1}
    assert labels[0] == 0 and doc["part_vertices"] == labels.sum()
    assert iou(labels > 0, truth) >= 0.8


def test_file_labels_match_the_api(welded_file):
    path, truth = welded_file
    found = segment_file(path, DOOR_POINT)
    np.testing.assert_array_equal(found.labels[1:] > 0, found.selection.vertex_mask)


@pytest.mark.parametrize("case", ["off_mesh", "no_part", "no_folder", "suffix"])
def test_command_bad_input_is_one_line_and_no_file(capsys, tmp_path, welded_file, case):
    path, _ = welded_file
    point, out = DOOR_POINT, tmp_path / "labels.npy"
    if case == "off_mesh":
        point = (5.0, 5.0, 5.0)
    elif case == "no_part":
        path = tmp_path / "sphere.ply"
        trimesh.creation.icosphere(3).export(path)
        point = (0.0, 0.0, 1.0)
    elif case == "no_folder":
        out = tmp_path / "missing" / "labels.npy"
    else:
        out = tmp_path / "labels.csv"
    assert main(["segment", str(path), "--point", xyz(point), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("dragmesh: error:")
    assert list(tmp_path.rglob("*labels*")) == []


def test_articulate_without_part_reports_the_vertices_it_took(capsys, welded_file):
    path, truth = welded_file
    code = main(["articulate", str(path), "--drag-point", xyz(DOOR_POINT), "--drag-vector", "0.05,0,0.1",
                 "--frames", "4", "--joint-model", "geometric", "--motion-model", "analytic", "--json"])
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    taken = np.zeros(len(truth), dtype=bool)
    taken[np.asarray(doc["found_part"]["vertices"]) + 1] = True  # the unused first vertex is dropped on load
    assert doc["found_part"]["count"] == taken.sum()
    assert iou(taken, truth) >= 0.8


@pytest.mark.parametrize("option, suffix", [("--ranker", ".npy"), ("--network", ".txt")])
def test_command_with_a_learned_model(capsys, tmp_path, welded_file, option, suffix):
    path, truth = welded_file
    out = tmp_path / f"labels{suffix}"
    assert main(["segment", str(path), "--point", xyz(DOOR_POINT), "--out", str(out), option]) == 0
    labels = np.load(out) if suffix == ".npy" else np.loadtxt(out)
    assert iou(labels > 0, truth) >= 0.8
    # Missing weights: one line, exit 2, no file.
    missing = tmp_path / "elsewhere"
    assert main(["segment", str(path), "--point", xyz(DOOR_POINT), "--out", str(tmp_path / "b.npy"), option,
                 "--weights", str(missing)]) == 2
    assert "missing weights" in capsys.readouterr().err and not (tmp_path / "b.npy").exists()


def test_a_mesh_of_degenerate_triangles_is_one_clear_error():
    vertices = np.zeros((3, 3))
    with pytest.raises(InputError, match="no triangle with three distinct corners"):
        find_part(vertices, np.array([[0, 1, 2]]), (0.0, 0.0, 0.0))


def test_a_handle_of_several_pieces_comes_with_its_drawer_when_the_carcass_is_several_pieces_too():
    # The example as a PLY writer leaves it (coincident vertices merged): the carcass is five
    # panels, the drawer's handle a bar and two legs. A click on the bar finds the drawer with its
    # whole handle, not the drawer with one leg (the panels touching each other once joined the
    # bar and the other leg to the carcass).
    import trimesh

    from dragmesh.commands.demo import DRAGS, example_path
    from dragmesh.io import load_mesh
    from dragmesh.segment.find import find_part

    cabinet = load_mesh(example_path())
    welded = trimesh.Trimesh(cabinet.vertices, cabinet.faces, process=True)
    _, point, _ = DRAGS[1]
    selection = find_part(np.asarray(welded.vertices), np.asarray(welded.faces), point, up=cabinet.up)
    found = np.asarray(welded.vertices)[np.asarray(welded.faces)[selection.face_mask]].reshape(-1, 3)
    drawer = cabinet.vertices[cabinet.faces[cabinet.part_face_mask("drawer")]].reshape(-1, 3)
    assert np.allclose(found.min(0), drawer.min(0), atol=1e-6) and np.allclose(found.max(0), drawer.max(0), atol=1e-6)
    assert selection.face_mask.sum() == cabinet.part_face_mask("drawer").sum()


def test_articulate_without_part_takes_the_files_part_under_the_point_with_what_it_carries(capsys):
    # A file with parts of its own (glTF nodes): the part under the drag point is the answer, with
    # the parts that ride on it (a handle on its door, as the viewer drags them); on the base or on
    # connected components only, the part is found in the geometry instead.
    import trimesh

    from dragmesh.commands.demo import DRAGS, example_path
    from dragmesh.io import PartMesh, load_mesh
    from dragmesh.pipeline import AnalyticMotionGenerator, DragMesh

    dm = DragMesh(joint_model="geometric", generator=AnalyticMotionGenerator())
    cabinet = load_mesh(example_path())
    (_, door_point, door_vector), (_, drawer_point, drawer_vector) = DRAGS
    assert dm.articulate(cabinet, None, door_point, door_vector, frames=2).part == ["door"]
    assert dm.articulate(cabinet, None, drawer_point, drawer_vector, frames=2).part == ["drawer"]
    # A knob glued onto the door, as a part of its own: it rides on the door, both move.
    door = trimesh.Trimesh(cabinet.vertices, cabinet.faces[cabinet.part_face_mask("door")])
    x, y = door.bounds.mean(axis=0)[:2]
    front = float(door.ray.intersects_location([(x, y, 10.0)], [(0.0, 0.0, -1.0)])[0][:, 2].max())  # the panel's face
    knob = trimesh.creation.box((0.03, 0.03, 0.03))
    knob.apply_translation((x, y, front + 0.015))
    vertices = np.concatenate([cabinet.vertices, knob.vertices])
    faces = np.concatenate([cabinet.faces, knob.faces + len(cabinet.vertices)])
    labels = np.concatenate([cabinet.face_labels, np.full(len(knob.faces), 3)])
    with_knob = PartMesh(vertices, faces, labels, cabinet.part_names + ["knob"])
    knob_point = (x, y, front + 0.03)
    r = dm.articulate(with_knob, None, knob_point, door_vector, frames=2)
    assert r.part == ["door", "knob"] and r.found_vertices is None
    # Components of a file without structure are not taken as they are: the segmenter decides.
    loose = PartMesh(cabinet.vertices, cabinet.faces, cabinet.face_labels, cabinet.part_names, named_parts=False)
    assert dm.articulate(loose, None, door_point, door_vector, frames=2).part == ["found"]


@pytest.mark.parametrize("point", [DOOR_POINT, HANDLE_POINT])
def test_the_mask_network_finds_the_door_with_its_handle_too(welded, point):
    wv, wf, truth = welded
    found = find_part(wv, wf, point, up=(0, 1, 0), masks="shipped")
    assert iou(found.vertex_mask, truth) >= 0.8 and not (found.vertex_mask & found.base_mask).any()
