"""The mask network's data: generator objects re-made as welded surfaces, every movable part's mask.

:mod:`dragmesh.training.masks` trains :class:`dragmesh.models.masknet.MaskNet` on these. One
*object case* is one object of a split's stream:

1. built at rest; with probability ``P_REPOSE`` one movable part (with what it carries) is opened to
   a random value of its range first, as some files arrive opened;
2. re-made as one welded surface the way scans and image-to-3D models arrive
   (:func:`~dragmesh.segment.welded.weld_remesh`): ``RESOLUTIONS`` voxels across, 0/5/10 Taubin
   iterations, decimated to ``FACES`` faces;
3. ``POINTS`` points spread over that surface by area, with the face normals, each labelled with the
   original part of its nearest original surface point;
4. ``groups``: for each movable part, the original parts that move when it is dragged (itself and
   what it carries: a handle goes with its door).

Welding takes about a second per object on one core, so cases are written in chunks of ``CHUNK``
objects (``OUT/objects_NNNN.npz``), each chunk drawn from its own objects of the stream; a rerun skips
the chunks on disk, and ``worker k of n`` writes chunks ``k, k + n, ...``, so several processes
share one folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

CHUNK = 16
POINTS = 4096
MAX_PARTS = 64
MAX_GROUPS = 24
RESOLUTIONS = (64, 160)
SMOOTHING = (0, 5, 10)
FACES = (10_000, 60_000)
P_REPOSE = 0.35


def object_case(split: str, seed: int, j: int) -> dict | None:
    """Object ``j`` of a split's stream re-made as a welded surface: points (P, 3) float32 (the
    object's frame, metres, +Y up), normals (P, 3) float32, owner (P,) int16 (original part of each
    point), groups (G, MAX_PARTS) bool (the parts each movable part moves), category; None for an
    object with no movable part or too thin to remesh."""
    from dragmesh.data.generator import _Prepared, build_object, split_categories, stream_object
    from dragmesh.errors import InputError
    from dragmesh.models.masknet import face_normals
    from dragmesh.sampling import sample_surface
    from dragmesh.segment.welded import transfer_vertex_values, weld_remesh

    name, oseed = stream_object(split, seed, j, split_categories(split))
    try:
        prep = _Prepared(build_object(name, oseed), oseed)
    except InputError:
        return None
    rng = np.random.default_rng([oseed, 0x3A5C])
    vertices = prep.vertices.copy()
    groups = [[i] + prep.descendants(i) for i in prep.movable]
    if rng.random() < P_REPOSE:
        pick = int(rng.integers(len(prep.movable)))
        joint = prep.obj.parts[prep.movable[pick]].joint
        if joint.limits is not None and bool(prep.obj.meta.get("repose", True)):
            lo, hi = joint.limits
            value = float(prep.obj.parts[prep.movable[pick]].value)
            T = joint.transform(float(rng.uniform(lo, hi)) - value)
            for m in groups[pick]:
                a, b = prep.vstart[m], prep.vstart[m + 1]
                vertices[a:b] = vertices[a:b] @ T[:3, :3].T + T[:3, 3]
    try:
        wv, wf = weld_remesh(vertices, prep.faces, int(rng.integers(*RESOLUTIONS)), rng=rng,
                             smooth=int(rng.choice(SMOOTHING)), target_faces=int(rng.integers(*FACES)))
    except InputError:
        return None
    surface = sample_surface(wv, wf, POINTS, rng)
    normals = face_normals(wv, wf, surface.face_index)
    owner = transfer_vertex_values(vertices, prep.faces, prep.labels, surface.points, rng)
    table = np.zeros((MAX_GROUPS, MAX_PARTS), dtype=bool)
    for g, members in enumerate(groups[:MAX_GROUPS]):
        table[g, [m for m in members if m < MAX_PARTS]] = True
    return {"points": surface.points.astype(np.float32), "normals": normals.astype(np.float32),
            "owner": np.minimum(owner, MAX_PARTS - 1).astype(np.int16), "groups": table,
            "n_groups": min(len(groups), MAX_GROUPS), "category": name}


def write_chunks(out: Path, split: str, seed: int, objects: int, worker: int = 0, workers: int = 1,
                 budget: float = 0.0) -> None:
    """Write ``OUT/objects_NNNN.npz`` chunks of objects ``0..objects-1`` (this worker's share)
    until done or ``budget`` seconds have passed."""
    from dragmesh.training.common import write_resumable_chunks

    def build(chunk: int):
        cases = [c for j in range(chunk * CHUNK, min(objects, (chunk + 1) * CHUNK))
                 if (c := object_case(split, seed, j)) is not None]
        if not cases:
            return None
        arrays = {k: np.stack([c[k] for c in cases]) for k in ("points", "normals", "owner", "groups", "n_groups")}
        arrays["category"] = np.asarray([c["category"] for c in cases])
        return arrays, f"{len(cases)} objects"

    chunks = range(worker, (objects + CHUNK - 1) // CHUNK, workers)
    write_resumable_chunks(out, "objects", chunks, build, budget, label=f"worker {worker}: ")


def load_chunks(folder: Path) -> dict:
    """Every chunk of a folder, concatenated over objects."""
    files = sorted(Path(folder).glob("objects_*.npz"))
    if not files:
        from dragmesh.errors import InputError

        raise InputError(f"no objects_*.npz chunks in {folder}")
    parts = [dict(np.load(f)) for f in files]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


if __name__ == "__main__":
    import argparse

    p = argparse.ArgumentParser(description="write welded object cases for the mask network")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--split", default="train_world")
    p.add_argument("--seed", type=int, default=31)
    p.add_argument("--objects", type=int, default=4000)
    p.add_argument("--worker", type=int, default=0)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--budget", type=float, default=0.0)
    a = p.parse_args()
    write_chunks(a.out, a.split, a.seed, a.objects, a.worker, a.workers, a.budget)
