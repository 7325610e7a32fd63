"""The mask network's data and trainer on two objects: welded cases with every movable part's mask,
a run that validates, checkpoints, resumes and ships weights ``dragmesh segment`` then reads."""

import json

import numpy as np
import pytest

from dragmesh import cli
from dragmesh.models.masknet import MaskNet
from dragmesh.segment import find_part
from dragmesh.segment.learned import MaskReader
from dragmesh.training.mask_data import POINTS, load_chunks, object_case, write_chunks

TINY = ["--points", "64", "--k", "4", "--width", "8", "--batch", "2", "--warmup", "2", "--val-objects", "1"]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    out = tmp_path_factory.mktemp("masks")
    write_chunks(out, "train_world", seed=5, objects=2)
    return out


def test_cases_label_every_movable_part_on_the_welded_surface(data):
    d = load_chunks(data)
    assert d["points"].shape == (2, POINTS, 3) and d["normals"].shape == (2, POINTS, 3)
    assert np.allclose(np.linalg.norm(d["normals"], axis=2), 1.0, atol=1e-3)
    for o in range(2):
        groups = d["groups"][o, : d["n_groups"][o]]
        assert len(groups) >= 1
        assert not groups[:, 0].any()  # part 0, the base, never moves
        # Every part's mask is a proper subset of the surface's points.
        shares = [g[d["owner"][o]].mean() for g in groups]
        assert all(s < 1.0 for s in shares) and max(shares) > 0.0
    # One object, one case: the same stream index gives the same points.
    again = object_case("train_world", 5, 0)
    np.testing.assert_array_equal(again["points"], d["points"][0])


def test_train_resume_ship_and_segment_with_the_weights(tmp_path, data, one_thread):
    out, ship = tmp_path / "run", tmp_path / "weights" / "segment"
    args = ["train", "masks", "--data", str(data), *TINY, "--out", str(out)]
    assert cli.main([*args, "--steps", "3", "--val-every", "3", "--ckpt-every", "2"]) == 0
    assert (out / "checkpoint.pt").is_file() and (out / "curves.png").is_file()
    assert cli.main([*args, "--steps", "5", "--val-every", "0", "--resume", "--ship", str(ship)]) == 0
    meta = json.loads((ship / "masknet.json").read_text())
    assert meta["steps"] == 5 and meta["config"] == {"points": 64, "k": 4, "width": 8, "global_width": 256}
    model = MaskNet.load(tmp_path / "weights")
    assert model.config.points == 64 and not model.training
    # The shipped-weights path of find_part takes any reader: a box on a box, clicked on the top one.
    import trimesh

    body = trimesh.creation.box((1.0, 1.0, 1.0))
    lid = trimesh.creation.box((0.8, 0.1, 0.8))
    lid.apply_translation((0.0, 0.55, 0.0))
    mesh = trimesh.util.concatenate([body, lid])
    reader = MaskReader(model)
    found = find_part(mesh.vertices, mesh.faces, (0.0, 0.6, 0.0), up=(0, 1, 0), masks=reader)
    assert found.vertex_mask.any() and not (found.vertex_mask & found.base_mask).any()
