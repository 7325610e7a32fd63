"""What every trainer shares: the training loop (:func:`fit`), distributed setup, seeding,
checkpoints, curves, shipped weights.

A trainer is a flat script: it builds its model and data, and hands :func:`fit` a :class:`Run`
saying how one step's loss is made, how to validate and what to ship. ``fit`` owns the rest: the
optimiser and its schedule, the step and time budget, progress and curves, checkpoints (with every
RNG state) and resuming, shipping the weights at the end and leaving the process group.

A trainer runs as one CPU process by default and under ``torchrun`` unchanged: when WORLD_SIZE is
set, :func:`setup_distributed` joins the process group (gloo on CPU, nccl on CUDA) and ``fit`` wraps
the model in DistributedDataParallel.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch import distributed as dist

from dragmesh.errors import WeightsError
from dragmesh.models.weights import fit_state, load_weights  # noqa: F401  (the trainers' one import site)


@dataclass
class Dist:
    rank: int = 0
    world: int = 1
    local_rank: int = 0
    device: torch.device = torch.device("cpu")

    @property
    def main(self) -> bool:
        return self.rank == 0


def setup_distributed() -> Dist:
    """Join the torchrun process group when launched by torchrun; otherwise a single process."""
    if "WORLD_SIZE" not in os.environ or int(os.environ["WORLD_SIZE"]) == 1:
        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        return Dist(device=device)
    cuda = torch.cuda.is_available()
    dist.init_process_group("nccl" if cuda else "gloo")
    local = int(os.environ.get("LOCAL_RANK", 0))
    device = torch.device(f"cuda:{local}") if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    return Dist(rank=dist.get_rank(), world=dist.get_world_size(), local_rank=local, device=device)


def add_run_arguments(p, out: str) -> None:
    """The knobs every trainer shares: checkpoints, output, shipping, resume, seed, threads."""
    p.add_argument("--ckpt-every", type=int, default=500)
    p.add_argument("--out", type=Path, default=Path(out))
    p.add_argument("--ship", type=Path, default=None, help="also write the final weights here (e.g. weights/)")
    p.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pt")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--time-budget", type=float, default=0.0, metavar="SECONDS",
                   help="end the run (and ship) after this many seconds of training; the learning rate's cosine "
                        "then decays over whichever of --steps and the budget runs out first (0: no budget)")
    p.add_argument("--init", type=Path, default=None, metavar="DIR",
                   help="start from the weights in this folder (fine-tuning; e.g. weights/) instead of random ones")


def plain_args(args) -> dict:
    """A run's knobs as JSON-safe values (lists of folders as lists of strings), for checkpoints and
    the model cards."""
    out = {}
    for k, v in vars(args).items():
        if isinstance(v, (list, tuple)):
            out[k] = [str(x) for x in v]
        elif isinstance(v, (int, float, str, bool, Path, type(None))):
            out[k] = str(v) if isinstance(v, Path) else v
    return out


def lr_at(step: int, args, elapsed: float = 0.0) -> float:
    """Every trainer's schedule: linear warmup over ``args.warmup`` steps to ``args.lr``, then cosine
    decay to 2 % of it at ``args.steps``, or at ``args.time_budget`` seconds of training (``elapsed``)
    when that comes first."""
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    t = (step - args.warmup) / max(1, args.steps - args.warmup)
    if getattr(args, "time_budget", 0.0) > 0:
        t = max(t, elapsed / args.time_budget)
    return args.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(t, 1.0))))


def on_cpu(model: torch.nn.Module) -> torch.nn.Module:
    """The model itself when it lives on the CPU, else a CPU copy: validation reads CPU tensors."""
    if all(t.device.type == "cpu" for t in model.parameters()):
        return model
    import copy

    return copy.deepcopy(model).cpu()


def run_over(step: int, args, elapsed: float) -> bool:
    """True once a run has made its ``args.steps`` steps or spent its ``args.time_budget`` seconds."""
    budget = getattr(args, "time_budget", 0.0)
    return step >= args.steps or (budget > 0 and elapsed >= budget)


def init_model(model: torch.nn.Module, args, name: str) -> None:
    """Load ``args.init``/``name``.* into ``model`` (fine-tuning) when ``--init`` was given.

    Raises:
        WeightsError: missing or corrupted files, or weights of another architecture or size.
    """
    if getattr(args, "init", None) is None:
        return
    state, _ = load_weights(args.init, name)
    fit_state(model, state, f"{Path(args.init) / name}.safetensors")


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def setup_run(args) -> Dist:
    """A trainer's first lines: torch threads, the process group, per-rank seeds, the output folder."""
    torch.set_num_threads(args.threads)
    d = setup_distributed()
    seed_everything(args.seed + d.rank)
    args.out.mkdir(parents=True, exist_ok=True)
    return d


def rng_states() -> dict:
    """The global RNG states (torch, CUDA when present, NumPy, Python) as tensors and plain values,
    so a checkpoint holding them loads with ``weights_only``."""
    kind, keys, pos, has_gauss, gauss = np.random.get_state()
    version, internal, gauss_next = random.getstate()
    states = {
        "torch_rng": torch.get_rng_state(),
        "numpy_rng": {"kind": kind, "keys": torch.from_numpy(keys.astype(np.int64)), "pos": int(pos),
                      "has_gauss": int(has_gauss), "gauss": float(gauss)},
        "python_rng": {"version": version, "internal": list(internal), "gauss_next": gauss_next},
    }
    if torch.cuda.is_available():
        states["cuda_rng"] = torch.cuda.get_rng_state_all()
    return states


def set_rng_states(state: dict) -> None:
    """Restore the RNG states :func:`rng_states` put in a checkpoint (those it holds)."""
    if "torch_rng" in state:
        torch.set_rng_state(state["torch_rng"])
    if "numpy_rng" in state:
        n = state["numpy_rng"]
        np.random.set_state((n["kind"], n["keys"].numpy().astype(np.uint32), n["pos"], n["has_gauss"], n["gauss"]))
    if "python_rng" in state:
        p = state["python_rng"]
        random.setstate((p["version"], tuple(p["internal"]), p["gauss_next"]))
    if "cuda_rng" in state and torch.cuda.is_available() and len(state["cuda_rng"]) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(state["cuda_rng"])


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temp file beside ``path`` and rename (the exporters' one atomic writer), so a
    crash never leaves half a checkpoint or half the shipped weights."""
    from dragmesh.export import write_bytes

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_bytes(path, data)


def write_resumable_chunks(out: Path, name: str, chunks, build: Callable[[int], tuple[dict, str] | None],
                           budget: float = 0.0, label: str = "") -> None:
    """Generated data in chunks that a rerun resumes: for each chunk index of ``chunks``,
    ``OUT/{name}_NNNN.npz`` is skipped when it is on disk, else ``build(index)`` gives its arrays and
    a few words for the progress line (None: nothing to write) and they are written through a
    temporary file renamed into place. Stops once ``budget`` seconds have passed (0: no budget)."""
    out.mkdir(parents=True, exist_ok=True)
    start = time.time()
    for chunk in chunks:
        path = out / f"{name}_{chunk:04d}.npz"
        if path.exists():
            continue
        if budget and time.time() - start > budget:
            print(f"{label}generation budget spent at chunk {chunk}", file=sys.stderr)
            return
        built = build(chunk)
        if built is None:
            continue
        arrays, what = built
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez(tmp, **arrays)
        tmp.replace(path)
        print(f"{label}chunk {chunk}: {what}, {time.time() - start:.0f} s", file=sys.stderr, flush=True)


def save_checkpoint(path: Path, **state) -> None:
    """torch.save of a dict (model/optimizer state, step, rng states...) atomically."""
    import io

    buf = io.BytesIO()
    torch.save(state, buf)
    atomic_write_bytes(Path(path), buf.getvalue())


def load_checkpoint(path: Path) -> dict:
    """A checkpoint's dict. Only tensors and plain containers are unpickled (``weights_only``), so a
    crafted checkpoint cannot run code.

    Raises:
        WeightsError: the file is unreadable or holds anything else.
    """
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises UnpicklingError, RuntimeError, EOFError...
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise WeightsError(f"unreadable or unsafe checkpoint {path}: {first}") from None


def restore_checkpoint(path: Path, model: torch.nn.Module, opt: torch.optim.Optimizer) -> tuple[int, list, float]:
    """Load a trainer's checkpoint into model and optimizer (and the RNG states it holds).

    Returns (step, history, elapsed seconds); (0, [], 0.0) when there is no checkpoint yet.
    """
    if not Path(path).exists():
        return 0, [], 0.0
    state = load_checkpoint(path)
    model.load_state_dict(state["model"])
    opt.load_state_dict(state["opt"])
    set_rng_states(state)
    return state["step"], state["history"], state.get("elapsed", 0.0)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def save_weights(model: torch.nn.Module, out_dir: Path, name: str, config: dict, extra: dict | None = None) -> Path:
    """Ship a model: ``name.safetensors`` + ``name.json`` (config, sha256, extra fields)."""
    from safetensors.torch import save

    out_dir = Path(out_dir)
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    blob = save(state)
    weights = out_dir / f"{name}.safetensors"
    atomic_write_bytes(weights, blob)
    meta = {"config": config, "sha256": hashlib.sha256(blob).hexdigest(), "bytes": len(blob)}
    meta.update(extra or {})
    atomic_write_bytes(out_dir / f"{name}.json", (json.dumps(meta, indent=2) + "\n").encode())
    return weights


def plot_curves(history: list[dict], path: Path, keys: list[str], title: str) -> None:
    """Plot the given keys of a list of {"step": ..., key: ...} records to a PNG, one panel each."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [k for k in keys if any(k in h for h in history)]
    if not keys:
        return
    fig, axes = plt.subplots(1, len(keys), figsize=(4 * len(keys), 3.2), squeeze=False)
    for ax, key in zip(axes[0], keys):
        pts = [(h["step"], h[key]) for h in history if key in h]
        ax.plot([p[0] for p in pts], [p[1] for p in pts], lw=1)
        ax.set_title(key)
        ax.set_xlabel("step")
        if key.startswith(("loss", "axis", "pivot", "origin")) and all(p[1] > 0 for p in pts):
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    tmp = Path(path).with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=90)
    plt.close(fig)
    os.replace(tmp, path)


# ------------------------------------------------------------------------------------ the loop

# One training step: (the wrapped model, the step number) -> (the loss to minimise, named scalars
# for the progress bar, the history and the curves, e.g. {"loss": ..., "loss_axis_deg": ...}).
StepLoss = Callable[[torch.nn.Module, int], tuple[torch.Tensor, dict[str, float]]]


@dataclass
class Run:
    """What a trainer hands :func:`fit`.

    Attributes:
        name: the weights' name: ``name.safetensors`` + ``name.json`` in ``--out`` (and ``--ship``).
        model: the model, on the run's device (``fit`` wraps it for data parallelism).
        config: the model's config as a dict, saved beside the weights.
        start: called with the step the run starts at (0, or the resumed one), returns the
            :data:`StepLoss`; its data streams are seeded from that step, so a resumed run continues
            on fresh data rather than replaying the start.
        validate: (the model on the CPU) -> {"val_...": float}, on the main rank, every
            ``--val-every`` steps and at the end; None for no validation.
        progress: the running scalars -> the progress bar's fields.
        curves: the history keys plotted to ``curves.png``, with ``title``.
        meta: fields added to the weights' JSON besides steps, seconds and the final validation.
        shipped: called with each folder and weights file written, and the JSON fields (model cards).
    """

    name: str
    model: torch.nn.Module
    config: dict
    start: Callable[[int], StepLoss]
    validate: Callable[[torch.nn.Module], dict] | None = None
    progress: Callable[[dict], dict] = lambda running: {"loss": f"{running['loss']:.4f}"}
    curves: tuple[str, ...] = ("loss",)
    title: str = ""
    meta: dict = field(default_factory=dict)
    shipped: Callable[[Path, Path, dict], None] | None = None


def fit(args, d: Dist, run: Run) -> int:
    """Train ``run.model`` with AdamW (``args.lr``, ``args.weight_decay``) on the schedule of
    :func:`lr_at`, gradients clipped to norm 1, until :func:`run_over`; resume from
    ``args.out/checkpoint.pt`` when ``args.resume``. The main rank logs the running (EMA 0.98)
    scalars every 50 steps, validates every ``args.val_every`` steps and at the end, checkpoints
    every ``args.ckpt_every`` steps and at the end, then writes the weights to ``args.out`` and
    ``args.ship``. Returns the exit status, 0."""
    from tqdm import tqdm

    model = run.model
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    ckpt = args.out / "checkpoint.pt"
    step, history, elapsed = restore_checkpoint(ckpt, model, opt) if args.resume else (0, [], 0.0)
    net = torch.nn.parallel.DistributedDataParallel(model) if d.world > 1 else model
    step_loss = run.start(step)
    bar = tqdm(total=args.steps, initial=step, disable=not d.main, dynamic_ncols=True)
    t0, running = time.time(), {}
    seconds = lambda: elapsed + time.time() - t0
    # Decided once per step, so the step that ends the run is the one validated and checkpointed.
    last = run_over(step, args, seconds())
    while not last:
        loss, scalars = step_loss(net, step)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args, seconds())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        for k, v in scalars.items():
            running[k] = 0.98 * running.get(k, v) + 0.02 * v
        bar.update(1)
        bar.set_postfix(**run.progress(running))
        last = run_over(step, args, seconds())
        if d.main and step % 50 == 0:
            history.append({"step": step, **running})
        if d.main and run.validate is not None and (step % args.val_every == 0 or last):
            history.append({"step": step, **run.validate(on_cpu(model))})
            bar.write(json.dumps(history[-1]))
            plot_curves(history, args.out / "curves.png", list(run.curves), run.title)
        if d.main and (step % args.ckpt_every == 0 or last):
            save_checkpoint(ckpt, model=model.state_dict(), opt=opt.state_dict(), step=step, history=history,
                            elapsed=seconds(), args=plain_args(args), **rng_states())
    bar.close()
    if d.main:
        validated = (h for h in reversed(history) if any(k.startswith("val_") for k in h))
        extra = {"steps": step, "train_seconds": round(seconds(), 1), **run.meta, "final_validation": next(validated, None)}
        for folder in [args.out] + ([args.ship] if args.ship else []):
            weights = save_weights(model, folder, run.name, run.config, extra)
            if run.shipped is not None:
                run.shipped(Path(folder), weights, extra)
    if d.world > 1:
        dist.destroy_process_group()
    return 0
