"""The joint trainer on a tiny config: trains, validates, checkpoints, resumes, ships weights that
the learned predictor loads; and eval joints prints its rows."""

import json

import numpy as np
import pytest

from dragmesh import cli
from dragmesh.errors import WeightsError
from dragmesh.models.joint_predictor import load_joint_predictor

TINY = ["--points", "128", "--width", "16", "--hidden", "32", "--batch", "4", "--val-samples", "8",
        "--workers", "0", "--warmup", "2"]


def test_train_resume_ship_and_load(tmp_path):
    out, ship = tmp_path / "run", tmp_path / "weights"
    assert cli.main(["train", "joints", *TINY, "--steps", "4", "--val-every", "4", "--ckpt-every", "2",
                     "--out", str(out)]) == 0
    assert (out / "checkpoint.pt").is_file() and (out / "curves.png").is_file()
    assert cli.main(["train", "joints", *TINY, "--steps", "6", "--val-every", "3", "--ckpt-every", "3",
                     "--out", str(out), "--resume", "--ship", str(ship)]) == 0
    meta = json.loads((ship / "joints.json").read_text())
    assert meta["steps"] == 6 and meta["config"]["width"] == 16
    predictor = load_joint_predictor(ship)
    pts = np.random.default_rng(0).uniform(-0.5, 0.5, (128, 3)).astype(np.float32)
    mask = pts[:, 2] > 0.3
    pred = predictor.predict(pts, mask, pts[mask][0], np.array([0.0, 0.0, 0.1], np.float32))
    assert pred.joint.type in ("revolute", "prismatic") and 0.5 <= pred.type_probability <= 1.0
    forced = predictor.predict(pts, mask, pts[mask][0], np.array([0.0, 0.0, 0.1], np.float32), joint_type="prismatic")
    assert forced.joint.type == "prismatic" and forced.type_probability == 1.0
    assert forced.joint.axis @ np.array([0.0, 0.0, 1.0]) >= 0  # signed by the drag


def test_corrupted_weights_are_refused(tmp_path):
    out = tmp_path / "run"
    assert cli.main(["train", "joints", *TINY, "--steps", "1", "--val-every", "1", "--out", str(out)]) == 0
    blob = bytearray((out / "joints.safetensors").read_bytes())
    blob[-1] ^= 0xFF
    (out / "joints.safetensors").write_bytes(bytes(blob))
    with pytest.raises(WeightsError, match="sha256"):
        load_joint_predictor(out)
    (out / "joints.json").unlink()
    with pytest.raises(WeightsError, match="missing"):
        load_joint_predictor(out)
