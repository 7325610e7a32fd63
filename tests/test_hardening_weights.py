"""Tampered weights (issue 16, item 3): each is one WeightsError naming the file and the fault,
caught at load, never a traceback, a truncated torch message or a silent cast."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save

from dragmesh.errors import WeightsError
from dragmesh.models.dqvae import MotionGenerator
from dragmesh.models.weights import WEIGHTS_DIR


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "weights"
    folder.mkdir()
    for suffix in ("json", "safetensors"):
        shutil.copy(Path(WEIGHTS_DIR) / f"motion.{suffix}", folder / f"motion.{suffix}")
    return folder


def _write_state(folder: Path, state: dict) -> None:
    blob = save(state)
    (folder / "motion.safetensors").write_bytes(blob)
    meta = json.loads((folder / "motion.json").read_text())
    meta["sha256"] = hashlib.sha256(blob).hexdigest()
    (folder / "motion.json").write_text(json.dumps(meta))


def _set_config(folder: Path, **changes) -> None:
    meta = json.loads((folder / "motion.json").read_text())
    meta["config"].update(changes)
    (folder / "motion.json").write_text(json.dumps(meta))


def _one_line(exc: pytest.ExceptionInfo, *needles: str) -> str:
    text = str(exc.value)
    assert "\n" not in text
    for needle in needles:
        assert needle in text, text
    return text


@pytest.mark.parametrize("payload, needle", [
    (b"5", "must hold a JSON object"),
    (b"null", "must hold a JSON object"),
    (b"[1, 2]", "must hold a JSON object"),
    (b"\"text\"", "must hold a JSON object"),
    (b"{\"sha256\": \"00\"}", "no \"config\" object"),
    (b"{\"config\": 3, \"sha256\": \"00\"}", "no \"config\" object"),
    (b"\xff\xfe{\x00", "not UTF-8"),
    (b"{\"config\": {", "not valid JSON"),
    (b"", "not valid JSON"),
    (b"[" * 100000, "not valid JSON"),
])
def test_bad_config_json(tmp_path, payload, needle):
    folder = _copy(tmp_path)
    (folder / "motion.json").write_bytes(payload)
    with pytest.raises(WeightsError) as exc:
        MotionGenerator.load(folder)
    _one_line(exc, needle, "motion.json")


@pytest.mark.parametrize("changes, needle", [
    ({"n_heads": 3}, "n_heads 3 does not divide d_model 128"),
    ({"n_heads": 0}, "n_heads must be a positive integer"),
    ({"d_model": -4}, "d_model must be a positive integer"),
    ({"n_layers": "three"}, "n_layers must be a positive integer"),
    ({"latent_dim": 2.5}, "latent_dim must be a positive integer"),
    ({"frames": True}, "frames must be a positive integer"),
    ({"out_scale": None}, "out_scale must be a finite number"),
])
def test_bad_config_values(tmp_path, changes, needle):
    folder = _copy(tmp_path)
    _set_config(folder, **changes)
    with pytest.raises(WeightsError) as exc:
        MotionGenerator.load(folder)
    _one_line(exc, needle, "motion.json")


def test_wrong_tensor_shape_names_the_tensor_and_both_shapes(tmp_path):
    folder = _copy(tmp_path)
    _set_config(folder, ff_dim=128)  # the weights were trained with 256
    with pytest.raises(WeightsError) as exc:
        MotionGenerator.load(folder)
    _one_line(exc, "motion.safetensors", "has shape", "the config needs")


def test_missing_and_unexpected_tensors(tmp_path):
    folder = _copy(tmp_path)
    state = load_file(folder / "motion.safetensors")
    key = sorted(state)[0]
    state.pop(key)
    _write_state(folder, state)
    with pytest.raises(WeightsError) as exc:
        MotionGenerator.load(folder)
    _one_line(exc, key, "missing")
    state = load_file(Path(WEIGHTS_DIR) / "motion.safetensors")
    state["extra.weight"] = torch.zeros(2)
    _write_state(folder, state)
    with pytest.raises(WeightsError) as exc:
        MotionGenerator.load(folder)
    _one_line(exc, "unexpected tensor 'extra.weight'")


@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.bool, torch.uint8])
def test_integer_tensors_are_refused_not_cast(tmp_path, dtype):
    folder = _copy(tmp_path)
    state = load_file(folder / "motion.safetensors")
    key = sorted(state)[1]
    state[key] = state[key].to(dtype)
    _write_state(folder, state)
    with pytest.raises(WeightsError) as exc:
        MotionGenerator.load(folder)
    _one_line(exc, key, "floating point")


@pytest.mark.parametrize("fill, share", [(float("nan"), "all"), (float("inf"), "all"), (None, "1 of")])
def test_non_finite_weights_are_detected_at_load(tmp_path, fill, share):
    folder = _copy(tmp_path)
    state = load_file(folder / "motion.safetensors")
    if fill is None:
        key = sorted(state)[2]
        state[key] = state[key].clone()
        state[key].view(-1)[0] = float("nan")
    else:
        state = {k: torch.full_like(v, fill) for k, v in state.items()}
    _write_state(folder, state)
    with pytest.raises(WeightsError) as exc:
        MotionGenerator.load(folder)
    _one_line(exc, "NaN or infinite", share)


@pytest.mark.parametrize("blob", [b"", b"garbage", b"\x08\x00\x00\x00\x00\x00\x00\x00{}", b"\xff" * 64])
def test_unreadable_safetensors(tmp_path, blob):
    folder = _copy(tmp_path)
    (folder / "motion.safetensors").write_bytes(blob)
    meta = json.loads((folder / "motion.json").read_text())
    meta["sha256"] = hashlib.sha256(blob).hexdigest()
    (folder / "motion.json").write_text(json.dumps(meta))
    with pytest.raises(WeightsError) as exc:
        MotionGenerator.load(folder)
    _one_line(exc, "motion.safetensors")


def test_cli_reports_a_tampered_config_in_one_line(tmp_path, capsys):
    from dragmesh.cli import main
    from dragmesh.commands.demo import DRAGS, example_path

    folder = _copy(tmp_path)
    _set_config(folder, n_heads=3)
    part, point, vector = DRAGS[0]
    code = main(["articulate", str(example_path()), "--part", part, "--drag-point", ",".join(map(str, point)),
                 "--drag-vector", ",".join(map(str, vector)), "--joint-model", "geometric", "--weights", str(folder)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "n_heads 3 does not divide" in err, err


@pytest.mark.parametrize("name, change", [("joints", {"width": 64}), ("types", {"hidden": 128})])
def test_joint_networks_with_the_wrong_shape_name_the_tensor(tmp_path, name, change):
    from dragmesh.models.joint_predictor import load_joint_predictor

    folder = tmp_path / "weights"
    folder.mkdir()
    for n in ("joints", "types"):
        for suffix in ("json", "safetensors"):
            shutil.copy(Path(WEIGHTS_DIR) / f"{n}.{suffix}", folder / f"{n}.{suffix}")
    meta = json.loads((folder / f"{name}.json").read_text())
    meta["config"].update(change)
    (folder / f"{name}.json").write_text(json.dumps(meta))
    with pytest.raises(WeightsError) as exc:
        load_joint_predictor(folder)
    _one_line(exc, f"{name}.safetensors", "has shape", "the config needs")
