"""A click on a mesh without parts (one welded surface): the part found there becomes a part of its
own, the rest the base; Shift+click on the base adds the part found there to the group."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from dragmesh.data.shapes import box, merge
from dragmesh.errors import DragError
from dragmesh.io import load_mesh
from dragmesh.segment import NoPartError
from dragmesh.segment.welded import transfer_vertex_values, weld_remesh
from viewer.session import Session

DOOR_POINT = np.array([-0.1, 0.3, 0.28])  # on the door
LID_POINT = np.array([0.1, 0.915, 0.0])  # on the lid


@pytest.fixture(scope="module")
def welded_file(tmp_path_factory):
    """A body with a door slab standing proud of its front and a lid slab on its top, welded into
    one surface (a PLY with no parts); the truth per vertex: 1 door, 2 lid."""
    body = box((0.6, 0.9, 0.5), (0.0, 0.45, 0.0))
    door = box((0.5, 0.6, 0.03), (0.0, 0.35, 0.265))
    lid = box((0.5, 0.03, 0.4), (0.0, 0.915, 0.0))
    vertices, faces = merge(body, door, lid)
    labels = np.repeat([0, 1, 2], [len(body[1]), len(door[1]), len(lid[1])])
    wv, wf = weld_remesh(vertices, faces, resolution=72)
    truth = transfer_vertex_values(vertices, faces, labels, wv)
    path = tmp_path_factory.mktemp("found") / "welded.ply"
    trimesh.Trimesh(wv, wf, process=False).export(path)
    return path, truth


def iou(a, b):
    return (a & b).sum() / (a | b).sum()


def part_vertices(session, label):
    mask = np.zeros(len(session.mesh.vertices), dtype=bool)
    mask[session.mesh.faces[session.mesh.face_labels == label].ravel()] = True
    return mask


def test_a_click_finds_the_part_and_the_rest_is_the_locked_base(welded_file):
    path, truth = welded_file
    s = Session(frames=4)
    s.load(path)
    assert s.mesh.n_parts == 1 and s.base is None
    door = s.split_at(0, DOOR_POINT)
    assert door == 1 and s.mesh.n_parts == 2 and s.base == 0 and len(s.parts) == 2
    assert s.is_base(0) and not s.is_base(door)
    assert iou(part_vertices(s, door), truth == 1) >= 0.75  # its faces reach one vertex over the rim
    assert s.history == []  # the parts changed: the undo history starts again


def test_shift_click_on_the_base_adds_the_part_found_there(welded_file):
    path, truth = welded_file
    s = Session(frames=4)
    s.load(path)
    door = s.split_at(0, DOOR_POINT)
    other = s.split_at(s.base, LID_POINT)  # what Shift+click on the base does first
    assert iou(part_vertices(s, other), truth == 2) >= 0.6  # the thin lid, with a rim of the top round it
    assert s.toggle_group(door, other) is True and s.group(door) == [door, other]
    with pytest.raises(DragError):  # the base never joins a moving part
        s.toggle_group(door, s.base)


def test_no_part_where_nothing_separates_one(tmp_path):
    path = tmp_path / "sphere.ply"
    trimesh.creation.icosphere(4).export(path)
    s = Session(frames=4)
    s.load(path)
    with pytest.raises(NoPartError):
        s.split_at(0, np.array([0.0, 0.0, 1.0]))
    assert s.mesh.n_parts == 1 and s.base is None
