"""The type-classifier trainer on tiny shards: caches features, trains, validates, checkpoints,
resumes, ships weights the joint predictor picks up; corrupted type weights are refused."""

import json

import numpy as np
import pytest

from dragmesh import cli
from dragmesh.data.generator import GeneratorConfig, write_shards
from dragmesh.errors import WeightsError
from dragmesh.models.joint_predictor import load_joint_predictor
from dragmesh.models.weights import WEIGHTS_DIR
from dragmesh.models.typenet import TypeClassifier

TINY = ["--part-points", "8", "--context-points", "16", "--width", "16", "--hidden", "32", "--batch", "8",
        "--warmup", "2"]


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    out = tmp_path_factory.mktemp("shards")
    write_shards(out, 12, seed=3, config=GeneratorConfig(n_points=128, frames=4, samples_per_object=2), shard_size=6)
    return out


def test_train_resume_and_ship(tmp_path, shards):
    out, ship = tmp_path / "run", tmp_path / "weights"
    args = ["train", "types", "--shards", str(shards), *TINY, "--out", str(out)]
    assert cli.main([*args, "--steps", "4", "--val-every", "4", "--val-samples", "20", "--ckpt-every", "2"]) == 0
    assert len(list(out.glob("features-*.npz"))) == 1 and (out / "checkpoint.pt").is_file() and (out / "curves.png").is_file()
    assert cli.main([*args, "--steps", "6", "--val-every", "0", "--resume", "--ship", str(ship)]) == 0
    meta = json.loads((ship / "types.json").read_text())
    assert meta["steps"] == 6 and meta["config"]["width"] == 16
    pts = np.random.default_rng(0).uniform(-0.5, 0.5, (128, 3)).astype(np.float32)
    mask = pts[:, 2] > 0.3
    reading = TypeClassifier.load(ship).read(pts, mask, pts[mask][0], np.array([0.0, 0.0, 0.1]))
    assert reading.types.shape == (2,) and abs(reading.types.sum() - 1) < 1e-5
    # The axis head (on by default) says which of the part's axes the joint runs along, or none.
    assert reading.axis.shape == (4,) and abs(reading.axis.sum() - 1) < 1e-5
    np.testing.assert_allclose(reading.axes @ reading.axes.T, np.eye(3), atol=1e-5)
    chosen = reading.chosen_axis(threshold=0.0)
    if int(np.argmax(reading.axis)) == 3:
        assert chosen is None
    else:
        np.testing.assert_allclose(chosen, reading.axes[int(np.argmax(reading.axis))], atol=1e-6)
    assert reading.chosen_axis(threshold=1.01) is None

    # Beside the shipped KPP-Net, the joint predictor takes its types from the classifier.
    for name in ("joints.json", "joints.safetensors"):
        (ship / name).write_bytes((WEIGHTS_DIR / name).read_bytes())
    predictor = load_joint_predictor(ship)
    assert predictor.types is not None
    assert load_joint_predictor(ship, types=False).types is None

    blob = bytearray((ship / "types.safetensors").read_bytes())
    blob[-1] ^= 0xFF
    (ship / "types.safetensors").write_bytes(bytes(blob))
    with pytest.raises(WeightsError, match="sha256"):
        load_joint_predictor(ship)
