"""The weights folder (one default, overridable by DRAGMESH_WEIGHTS) and the X(model, meta) /
X.load(dir) shape every model wrapper has."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dragmesh.errors import WeightsError
from dragmesh.models.dqvae import DQVAE, MotionGenerator
from dragmesh.models.joint_predictor import LearnedJointPredictor
from dragmesh.models.typenet import TypeClassifier
from dragmesh.models.weights import SHIPPED_WEIGHTS, WEIGHTS_DIR, WEIGHTS_ENV

ROOT = Path(__file__).resolve().parents[2]


def _weights_dir_in_a_fresh_process(env_value):
    env = {k: v for k, v in os.environ.items() if k != WEIGHTS_ENV}
    if env_value is not None:
        env[WEIGHTS_ENV] = env_value
    code = "import sys; from dragmesh.models.weights import WEIGHTS_DIR; print(WEIGHTS_DIR, 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT, env=env)
    folder, torch_loaded = out.stdout.split()
    return Path(folder), torch_loaded == "True"


def test_the_folder_is_the_shipped_one_unless_the_environment_names_another(tmp_path):
    assert SHIPPED_WEIGHTS == ROOT / "weights" and (SHIPPED_WEIGHTS / "motion.json").is_file()
    assert _weights_dir_in_a_fresh_process(None) == (SHIPPED_WEIGHTS, False)
    assert _weights_dir_in_a_fresh_process(str(tmp_path)) == (tmp_path, False)


@pytest.mark.parametrize("load", [MotionGenerator.load, TypeClassifier.load, LearnedJointPredictor.load])
def test_a_missing_folder_is_one_line_naming_the_variable(tmp_path, load):
    with pytest.raises(WeightsError) as exc:
        load(tmp_path / "nowhere")
    message = str(exc.value)
    assert "\n" not in message and "nowhere" in message and WEIGHTS_ENV in message


def test_wrappers_hold_a_model_and_its_meta():
    shipped = MotionGenerator.load()
    assert Path(WEIGHTS_DIR) == SHIPPED_WEIGHTS or WEIGHTS_ENV in os.environ
    assert "sha256" in shipped.meta and shipped.cfg == shipped.model.cfg
    wrapped = MotionGenerator(DQVAE(shipped.cfg))
    assert wrapped.meta == {} and not wrapped.model.training
    classifier = TypeClassifier.load()
    assert TypeClassifier(classifier.model, classifier.meta).meta is classifier.meta
