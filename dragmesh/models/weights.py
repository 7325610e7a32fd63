"""Where the weights are, and reading them: ``name.json`` (config, sha256) and ``name.safetensors``,
checked before use, and loading a state into a model with one-line errors.

Every model wrapper is ``X(model, meta)`` with ``X.load(weights_dir)`` reading through here. This
module lives with the models rather than with the trainers (which write the files:
:func:`dragmesh.training.common.save_weights`), so that the models never import the training layer.
It imports torch only when a file is read, so the folder can be named without loading it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from dragmesh.errors import WeightsError

if TYPE_CHECKING:
    import torch

# The environment variable naming another weights folder than the shipped one.
WEIGHTS_ENV = "DRAGMESH_WEIGHTS"
# The shipped weights: the repository's weights/ folder, beside the package.
SHIPPED_WEIGHTS = Path(__file__).resolve().parents[2] / "weights"
# The default folder of every loader: $DRAGMESH_WEIGHTS when set, else the shipped weights.
WEIGHTS_DIR = Path(os.environ.get(WEIGHTS_ENV) or SHIPPED_WEIGHTS)


def load_weights(weights_dir: Path, name: str) -> tuple[dict, dict]:
    """Read ``name.json`` and ``name.safetensors`` from weights_dir, checking the sha256.

    Returns (state_dict, meta). Raises WeightsError (one line naming the file and the fault) when the
    folder or a file is missing or unreadable, the config is not UTF-8 JSON holding an object with a ``config``
    object, the weights do not match their checksum, or a tensor is not floating point or holds NaN
    or infinite values (never cast or loaded silently).
    """
    import torch
    from safetensors.torch import load

    weights_dir = Path(weights_dir)
    if not weights_dir.is_dir():
        raise WeightsError(f"missing weights folder: {weights_dir} (name another with --weights or {WEIGHTS_ENV})")
    cfg_path, w_path = weights_dir / f"{name}.json", weights_dir / f"{name}.safetensors"
    for p in (cfg_path, w_path):
        if not p.is_file():
            raise WeightsError(f"missing weights file: {p}")
    try:
        meta = json.loads(cfg_path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise WeightsError(f"unreadable weights config {cfg_path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise WeightsError(f"weights config {cfg_path} is not UTF-8 text (byte {exc.start})") from None
    except (json.JSONDecodeError, RecursionError) as exc:
        raise WeightsError(f"weights config {cfg_path} is not valid JSON: {getattr(exc, 'msg', exc)}") from None
    if not isinstance(meta, dict):
        raise WeightsError(f"weights config {cfg_path} must hold a JSON object, got {type(meta).__name__} {str(meta)[:40]}")
    if not isinstance(meta.get("config"), dict):
        raise WeightsError(f"weights config {cfg_path} has no \"config\" object")
    try:
        blob = w_path.read_bytes()
    except OSError as exc:
        raise WeightsError(f"unreadable weights {w_path}: {exc.strerror or exc}") from None
    if "sha256" in meta and hashlib.sha256(blob).hexdigest() != meta["sha256"]:
        raise WeightsError(f"corrupted weights: {w_path} does not match the sha256 in {cfg_path.name}")
    try:
        state = load(blob)
    except Exception as exc:  # safetensors raises its own error types
        raise WeightsError(f"unreadable weights {w_path}: {' '.join(str(exc).split())[:160]}") from None
    for key, tensor in state.items():
        if not tensor.is_floating_point():
            raise WeightsError(f"weights {w_path}: tensor {key!r} is {str(tensor.dtype).replace('torch.', '')}; "
                               "model weights must be floating point")
        bad = int((~torch.isfinite(tensor)).sum())
        if bad:
            share = "all" if bad == tensor.numel() else f"{bad} of {tensor.numel()}"
            raise WeightsError(f"weights {w_path}: tensor {key!r} holds NaN or infinite values ({share})")
    return state, meta


def fit_state(model: torch.nn.Module, state: dict, where: str | Path) -> None:
    """Load ``state`` into ``model`` after checking it tensor by tensor: missing or unexpected keys
    and wrong shapes are one WeightsError naming ``where``, the tensor and both shapes (not torch's
    multi-line "Error(s) in loading state_dict")."""
    own = model.state_dict()
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise WeightsError(f"weights {where} do not fit their config: tensor {missing[0]!r}{more} missing")
    if unexpected:
        more = f" and {len(unexpected) - 1} more" if len(unexpected) > 1 else ""
        raise WeightsError(f"weights {where} do not fit their config: unexpected tensor {unexpected[0]!r}{more}")
    for key, tensor in own.items():
        if tuple(state[key].shape) != tuple(tensor.shape):
            raise WeightsError(f"weights {where} do not fit their config: tensor {key!r} has shape "
                               f"{tuple(state[key].shape)}, the config needs {tuple(tensor.shape)}")
    try:
        model.load_state_dict(state)
    except RuntimeError as exc:
        raise WeightsError(f"weights {where} do not fit their config: {' '.join(str(exc).split())[:200]}") from None


def load_int_config_model(cls, config_cls, folder: Path, name: str):
    """A small model whose config is a dataclass of integers (``config_cls``), from ``folder/name.*``:
    built as ``cls(config)``, its weights checked and loaded, in eval mode, its JSON in ``meta``.

    Raises:
        WeightsError: missing, corrupted or not fitting files (one line).
    """
    state, meta = load_weights(folder, name)
    config = config_cls(**{k: int(v) for k, v in meta["config"].items() if k in config_cls.__dataclass_fields__})
    model = cls(config)
    fit_state(model, state, Path(folder) / f"{name}.safetensors")
    model.meta = meta
    return model.eval()
