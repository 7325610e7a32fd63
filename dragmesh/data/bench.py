"""The benchmark's samples: regenerated from its definition (:class:`dragmesh.data.splits.BenchSpec`)
in memory, or written to a folder (``dragmesh data bench --out DIR``) and read back.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from dragmesh.data.generator import GeneratorConfig, load_samples, object_sample, save_samples
from dragmesh.data.splits import BENCH, BenchSpec
from dragmesh.errors import InputError

BENCH_VERSION = 1


def build_bench(spec: BenchSpec = BENCH, keep_mesh: bool = False, categories=None) -> list:
    """The benchmark samples, regenerated in memory (deterministic).

    Args:
        spec: the split definition; the default is the one all published numbers use.
        keep_mesh: also keep each object's mesh arrays in the samples.
        categories: optional subset of category names (tests, quick looks).

    Returns:
        list of :class:`~dragmesh.data.sample.Sample`, seen categories and held-out ones interleaved
        in ``spec.categories`` order; ``spec.is_held_out(s.category)`` tells them apart.
    """
    config = GeneratorConfig(n_points=spec.n_points, frames=spec.frames, keep_mesh=keep_mesh)
    return [
        object_sample(name, seed, config)
        for name, seed in spec.entries()
        if categories is None or name in categories
    ]


def write_bench(
    out: str | Path, spec: BenchSpec = BENCH, with_mesh: bool = False, progress: bool = False
) -> Path:
    """Build the benchmark and write it to folder ``out``: ``bench.npz`` and ``manifest.json``.

    Returns the manifest path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    entries = list(spec.entries())
    if progress:
        from tqdm import tqdm

        entries = tqdm(entries, desc="bench", unit="sample")
    config = GeneratorConfig(n_points=spec.n_points, frames=spec.frames, keep_mesh=with_mesh)
    samples = [object_sample(name, seed, config) for name, seed in entries]
    save_samples(out / "bench.npz", samples, with_mesh=with_mesh)
    counts: dict[str, int] = {}
    for s in samples:
        counts[s.category] = counts.get(s.category, 0) + 1
    manifest = {
        "format": "dragmesh-bench",
        "version": BENCH_VERSION,
        "spec": spec.__dict__,
        "held_out": list(spec.held_out),
        "count": len(samples),
        "per_category": counts,
        "with_mesh": with_mesh,
        "fingerprint": bench_fingerprint(samples),
        "files": ["bench.npz"],
    }
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2))
    return path


def bench_fingerprint(samples) -> str:
    """A short hash of the benchmark's inputs and targets: two runs quoting the same fingerprint
    measured the same samples (the generator's code is part of the split's definition)."""
    h = hashlib.sha1()
    for s in samples:
        for a in (s.points, s.mask, s.drag_point, s.drag_vector, s.traj, s.traj_exact):
            h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:12]


def load_bench(directory: str | Path) -> list:
    """The benchmark samples written by :func:`write_bench` (``dragmesh data bench``).

    Returns:
        list of :class:`~dragmesh.data.sample.Sample` (with mesh arrays when written with them).

    Raises:
        InputError: not a benchmark folder, or written by an incompatible version.
    """
    directory = Path(directory)
    path = directory / "manifest.json"
    if not path.is_file():
        raise InputError(f"{directory} is not a benchmark folder (no manifest.json); run `dragmesh data bench --out {directory}`")
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    if manifest.get("format") != "dragmesh-bench" or manifest.get("version") != BENCH_VERSION:
        raise InputError(f"{path} is not a version-{BENCH_VERSION} benchmark; regenerate it with `dragmesh data bench`")
    samples = []
    for name in manifest["files"]:
        samples.extend(load_samples(directory / name))
    return samples
