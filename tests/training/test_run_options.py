"""The options every trainer shares: a time budget that ends and ships the run, fine-tuning from
shipped weights (--init), and checkpoints that cannot run code when resumed."""

import json
import pickle
import types

import pytest
import torch

from dragmesh import cli
from dragmesh.errors import WeightsError
from dragmesh.training.common import init_model, load_checkpoint, lr_at, run_over

TINY = ["--points", "128", "--width", "16", "--hidden", "32", "--batch", "4", "--val-samples", "8",
        "--workers", "0", "--warmup", "2", "--val-every", "1000", "--ckpt-every", "1000"]


def test_the_schedule_decays_over_whichever_of_steps_and_budget_ends_first():
    args = types.SimpleNamespace(lr=1.0, warmup=0, steps=1000, time_budget=100.0)
    assert lr_at(10, args, elapsed=0.0) == pytest.approx(lr_at(10, types.SimpleNamespace(lr=1.0, warmup=0, steps=1000)))
    assert lr_at(10, args, elapsed=50.0) == pytest.approx(0.02 + 0.98 * 0.5)  # half the budget: half the cosine
    assert lr_at(10, args, elapsed=100.0) == pytest.approx(0.02)
    assert not run_over(10, args, 99.0) and run_over(10, args, 100.0) and run_over(1000, args, 0.0)
    args.time_budget = 0.0
    assert not run_over(10, args, 1e9)


def test_a_time_budget_ends_the_run_and_ships_its_weights(tmp_path):
    out = tmp_path / "run"
    assert cli.main(["train", "joints", *TINY, "--steps", "1000000", "--time-budget", "0.5", "--out", str(out)]) == 0
    meta = json.loads((out / "joints.json").read_text())
    assert 1 <= meta["steps"] < 1000000 and meta["args"]["time_budget"] == 0.5
    assert meta["final_validation"]["step"] == meta["steps"]  # validated at the end, although not at a multiple


def test_init_starts_from_weights_and_refuses_another_size(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert cli.main(["train", "joints", *TINY, "--steps", "2", "--out", str(first)]) == 0
    assert cli.main(["train", "joints", *TINY, "--steps", "1", "--lr", "0", "--out", str(second),
                     "--init", str(first)]) == 0
    from safetensors.torch import load_file
    a, b = load_file(first / "joints.safetensors"), load_file(second / "joints.safetensors")
    # Learning rate 0 (after warm-up's first step it is 0 too): the weights are the initial ones.
    assert all(torch.equal(a[k], b[k]) for k in a)
    model = torch.nn.Linear(3, 2)
    with pytest.raises(WeightsError, match="do not fit"):
        init_model(model, types.SimpleNamespace(init=first), "joints")


# The forged file is a protocol-4 pickle; torch warns so before refusing it.
@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_a_checkpoint_holding_code_is_refused(tmp_path):
    class Boom:
        def __reduce__(self):
            return (print, ("ran",))

    path = tmp_path / "checkpoint.pt"
    path.write_bytes(pickle.dumps({"model": Boom()}))
    with pytest.raises(WeightsError, match="unsafe checkpoint"):
        load_checkpoint(path)


def test_checkpoints_hold_every_rng_state_and_resuming_restores_them(tmp_path):
    import random

    import numpy as np

    from dragmesh.training.common import rng_states, save_checkpoint, set_rng_states

    path = tmp_path / "checkpoint.pt"
    save_checkpoint(path, step=0, **rng_states())
    state = load_checkpoint(path)  # weights_only: the states are tensors and plain values
    expected = (torch.rand(3), np.random.random(3), random.random())
    set_rng_states(state)
    again = (torch.rand(3), np.random.random(3), random.random())
    assert torch.equal(expected[0], again[0]) and np.array_equal(expected[1], again[1]) and expected[2] == again[2]
    out = tmp_path / "run"
    assert cli.main(["train", "joints", *TINY, "--steps", "2", "--out", str(out)]) == 0
    assert {"torch_rng", "numpy_rng", "python_rng"} <= load_checkpoint(out / "checkpoint.pt").keys()
