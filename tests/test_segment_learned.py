"""The mask network's part of `dragmesh segment`: one input gives one answer, the network's outline
snaps to a fold cut that overlaps it, the cut never takes the base."""

import numpy as np
import pytest

from dragmesh.segment import shipped_masks
from dragmesh.segment.find import click_seed, surely_base, surface_graph
from dragmesh.segment.learned import SNAP, guided_cut, snap
from dragmesh.segment.welded import weld_remesh

from test_segment import DOOR_POINT, cabinet


@pytest.fixture(scope="module")
def graph_and_click():
    vertices, faces, _ = cabinet()
    wv, wf = weld_remesh(vertices, faces, resolution=48)
    graph = surface_graph(wv, wf)
    seed, point = click_seed(graph, wv, wf, DOOR_POINT)
    return graph, seed, point


def test_the_reading_is_the_same_every_time_and_the_cut_keeps_seed_and_sink(graph_and_click, one_thread):
    graph, seed, point = graph_and_click
    reader = shipped_masks()
    logits = reader.logits(graph, point, (0.0, 1.0, 0.0))
    np.testing.assert_array_equal(logits, reader.logits(graph, point, (0.0, 1.0, 0.0)))
    assert logits.shape == (len(graph.points),) and np.isfinite(logits).all()
    sink = surely_base(graph.points, graph.used, point, (0.0, 1.0, 0.0), graph.diagonal)
    # Even a network that says "nothing here" leaves the click in the part and the base out of it.
    side = guided_cut(graph, np.full(len(graph.points), -20.0), seed, sink)
    assert side[seed] and not (side & sink).any()
    side = guided_cut(graph, np.full(len(graph.points), 20.0), seed, sink)
    assert side[seed] and not (side & sink).any() and side.sum() > 1


def test_an_outline_snaps_to_the_fold_cut_that_overlaps_it(graph_and_click):
    graph, seed, _ = graph_and_click
    rng = np.random.default_rng(0)
    fold = np.zeros(len(graph.points), dtype=bool)
    fold[np.argsort(np.linalg.norm(graph.points - graph.points[seed], axis=1))[:400]] = True
    outline = fold.copy()
    outline[rng.choice(np.flatnonzero(fold), 60, replace=False)] = False  # most of it, not all
    elsewhere = np.roll(fold, len(fold) // 2)
    assert snap(graph, outline, [elsewhere, fold]) is fold
    # A cut that overlaps too little is no better than the outline itself.
    far = np.zeros_like(fold)
    far[np.flatnonzero(fold)[:10]] = True
    assert SNAP > 0.1 and snap(graph, outline, [far]) is outline
