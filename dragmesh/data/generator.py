"""The procedural data stream: objects from the category registry -> augmented drag samples, the
disk shards that cache them, and the torch datasets trainers read.

An object is named by (category, seed): ``CATEGORIES[category](np.random.default_rng(seed))``.
Sample ``k`` of that object uses ``np.random.default_rng([seed, 1 + k])``: it picks one movable
part, re-poses it sometimes, applies a random similarity (yaw about up, a small tilt, units and
scale, an offset, sometimes another up axis) to the mesh, the joint and the grasp points *together*,
and calls :func:`dragmesh.data.sample.make_sample`. A split's stream (``"train"``, ``"val"``) with
seed S is the sequence of objects ``j = 0, 1, ...`` with seeds ``splits.object_seed(split, S, j)``,
``samples_per_object`` samples each; sample ``i`` is sample ``i % spo`` of object ``i // spo``, so
any range of the stream can be generated independently (shards in parallel, dataloader workers).

Kinematic trees: ``ArticulatedObject.meta["parents"]`` may map a part index to the index of the
part that carries it (a handle on a door leaf). Dragging the parent moves the child with it (the
moving part is the parent plus its descendants); re-posing the parent moves the child and its joint.
``meta["repose"] = False`` keeps every part at the pose the builder chose.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from dragmesh.data.objects import ArticulatedObject
from dragmesh.data.sample import MESH_FIELDS, DragConfig, Sample, make_sample
from dragmesh.data.splits import category_id, object_seed, registered_categories, split_categories
from dragmesh.errors import InputError
from dragmesh.geometry.joints import REVOLUTE, Joint
from dragmesh.geometry.rotations import rotation_matrix
from dragmesh.normalize import rotation_onto_y
from dragmesh.sampling import face_areas


# A part whose bounding-box diagonal is under this fraction of the object's is "small"; small
# parts are drawn with this relative weight.
SMALL_PART = 0.15
SMALL_PART_WEIGHT = 0.6


# ---------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class AugmentConfig:
    """The random similarity applied to each sample (mesh, joint, grasp and drag together).

    Attributes:
        yaw: turn the object by a uniform random angle about its up axis.
        max_tilt_deg: tilt of the up axis, uniform in [0, max] about a random horizontal axis.
        up_axes: (up direction, probability): the object's +Y is rotated onto it and it is
            recorded as the sample's up, so the normalisation's up path is exercised.
        units: (factor, probability): metres, centimetres, millimetres, inches.
        scale_range: extra log-uniform size factor (the builders already vary real sizes).
        max_offset: the object is moved by up to this many times its size (meshes are rarely
            centred on their origin).
        p_repose: probability of putting the dragged part at a random value within its limits
            first (parts at partial openings); the rest pose is the builder's.
        realism: probability that a sample's mesh goes through
            :func:`dragmesh.data.realism.realistic` (duplicated, double-sided, flipped, holed,
            subdivided or coarsened, unwelded, shuffled faces; sunk small parts) before its points
            are drawn; the dragged part and the parts it carries keep all their faces. At 0 (the
            default) no random number is drawn for it: samples are those of before it existed.
    """

    yaw: bool = True
    max_tilt_deg: float = 5.0
    up_axes: tuple = (((0.0, 1.0, 0.0), 0.72), ((0.0, 0.0, 1.0), 0.25), ((1.0, 0.0, 0.0), 0.03))
    units: tuple = ((1.0, 0.7), (100.0, 0.15), (1000.0, 0.1), (1.0 / 0.0254, 0.05))
    scale_range: tuple[float, float] = (0.8, 1.25)
    max_offset: float = 1.0
    p_repose: float = 0.4
    realism: float = 0.0

    @classmethod
    def none(cls) -> "AugmentConfig":
        """No augmentation: samples in the object's own frame, units and pose."""
        return cls(False, 0.0, (((0.0, 1.0, 0.0), 1.0),), ((1.0, 1.0),), (1.0, 1.0), 0.0, 0.0)


@dataclass(frozen=True)
class GeneratorConfig:
    """What a sample holds and how it is drawn.

    Attributes:
        n_points: N surface points (1024; the paper uses 4096).
        frames: T trajectory frames.
        samples_per_object: consecutive samples drawn from one built object (different parts,
            poses, drags and augmentations); building is the slow step.
        keep_mesh: keep mesh arrays in samples (evaluation only; shards never store them).
        drag, augment: see :class:`DragConfig`, :class:`AugmentConfig`.
    """

    n_points: int = 1024
    frames: int = 16
    samples_per_object: int = 4
    keep_mesh: bool = False
    drag: DragConfig = field(default_factory=DragConfig)
    augment: AugmentConfig = field(default_factory=AugmentConfig)


# ----------------------------------------------------------------------------- objects


def build_object(category: str, seed: int) -> ArticulatedObject:
    """Object ``seed`` of a category.

    Raises:
        InputError: unknown category.
    """
    builders = registered_categories()
    if category not in builders:
        raise InputError(f"unknown category {category!r}; known: {', '.join(sorted(builders))}")
    obj = builders[category](np.random.default_rng(int(seed)))
    obj.category = category
    return obj


class _Prepared:
    """An object flattened once for fast repeated sampling."""

    def __init__(self, obj: ArticulatedObject, seed: int):
        self.obj, self.seed = obj, int(seed)
        self.category = obj.category
        self.vertices, self.faces, self.labels = obj.to_arrays()
        sizes = [len(p.vertices) for p in obj.parts]
        self.vstart = np.concatenate([[0], np.cumsum(sizes)])
        parents = {int(k): int(v) for k, v in obj.meta.get("parents", {}).items()}
        self.children: dict[int, list[int]] = {}
        for child, parent in parents.items():
            self.children.setdefault(parent, []).append(child)
        self.movable = [i for i in obj.movable() if len(obj.parts[i].faces)]
        if not self.movable:
            raise InputError(f"{obj.category} object {seed} has no movable part")
        self.repose = bool(obj.meta.get("repose", True))
        # Pick parts so each size class gets an equal share: an oven's six knobs together are
        # drawn about as often as its door. Small parts (knobs, buttons) get a little less, since
        # people mostly drag doors, lids and drawers (about a fifth of samples stay small parts).
        areas = np.array([face_areas(obj.parts[i].vertices, obj.parts[i].faces).sum() for i in self.movable]) + 1e-12
        log = np.log(areas)
        similar = (np.abs(log[:, None] - log[None, :]) < math.log(2.0)).sum(axis=1)
        diag = float(np.linalg.norm(np.ptp(self.vertices, axis=0)))
        small = np.array([np.linalg.norm(np.ptp(obj.parts[i].vertices, axis=0)) < SMALL_PART * diag for i in self.movable])
        w = np.where(small, SMALL_PART_WEIGHT, 1.0) / similar
        self.weights = w / w.sum()

    def descendants(self, i: int) -> list[int]:
        out, stack = [], list(self.children.get(i, []))
        while stack:
            c = stack.pop()
            out.append(c)
            stack.extend(self.children.get(c, []))
        return out


def random_similarity(rng: np.random.Generator, size: float, cfg: AugmentConfig) -> tuple[np.ndarray, np.ndarray, float]:
    """A random similarity for an object of ``size`` (its largest extent, metres, +Y up).

    Returns:
        M (4, 4) similarity x -> s R x + t; up (3,) the object's up after M; s the scale factor.
    """
    yaw = rng.uniform(0.0, 2.0 * np.pi) if cfg.yaw else 0.0
    c, s_ = math.cos(yaw), math.sin(yaw)
    r_yaw = np.array([[c, 0.0, s_], [0.0, 1.0, 0.0], [-s_, 0.0, c]])
    tilt = np.deg2rad(rng.uniform(0.0, cfg.max_tilt_deg))
    phi = rng.uniform(0.0, 2.0 * np.pi)
    r_tilt = rotation_matrix((math.cos(phi), 0.0, math.sin(phi)), tilt)
    ups, p_up = zip(*cfg.up_axes)
    up = np.asarray(ups[rng.choice(len(ups), p=np.asarray(p_up) / sum(p_up))], dtype=np.float64)
    r_up = rotation_onto_y(up).T  # takes +Y onto up
    units, p_units = zip(*cfg.units)
    scale = float(units[rng.choice(len(units), p=np.asarray(p_units) / sum(p_units))])
    scale *= math.exp(rng.uniform(math.log(cfg.scale_range[0]), math.log(cfg.scale_range[1])))
    M = np.eye(4)
    M[:3, :3] = scale * (r_up @ r_tilt @ r_yaw)
    M[:3, 3] = rng.uniform(-cfg.max_offset, cfg.max_offset, 3) * size * scale
    return M, up, scale


def _sample_prepared(prep: _Prepared, k: int, config: GeneratorConfig) -> Sample:
    """Sample ``k`` of a prepared object."""
    rng = np.random.default_rng([prep.seed, 1 + k])
    obj = prep.obj
    i = prep.movable[rng.choice(len(prep.movable), p=prep.weights)]
    part = obj.parts[i]
    moving = [i] + prep.descendants(i)
    joint, value = part.joint, float(part.value)
    vertices = prep.vertices
    grasp = None if part.grasp is None else np.asarray(part.grasp, dtype=np.float64).reshape(-1, 3)

    if prep.repose and joint.limits is not None and rng.random() < config.augment.p_repose:
        lo, hi = joint.limits
        new = float(rng.uniform(lo, hi))
        T = joint.transform(new - value)
        vertices = vertices.copy()
        for m in moving:
            a, b = prep.vstart[m], prep.vstart[m + 1]
            vertices[a:b] = vertices[a:b] @ T[:3, :3].T + T[:3, 3]
        if grasp is not None:
            grasp = grasp @ T[:3, :3].T + T[:3, 3]
        value = new

    return augmented_sample(
        vertices,
        prep.faces,
        prep.labels,
        np.asarray(moving),
        joint,
        value,
        grasp,
        rng,
        config,
        category=prep.category,
        seed=prep.seed,
        part_index=i,
        part_name=part.name,
    )


def augmented_sample(
    vertices: np.ndarray,
    faces: np.ndarray,
    face_labels: np.ndarray,
    moving: np.ndarray,
    joint: Joint,
    value: float,
    grasp: np.ndarray | None,
    rng: np.random.Generator,
    config: GeneratorConfig,
    category: str = "",
    seed: int = -1,
    part_index: int = -1,
    part_name: str = "",
) -> Sample:
    """A random similarity applied to an object (+Y up, any units) and everything attached to it
    (joint, current value, grasp points), then :func:`make_sample` on the result. The one
    augmentation path of every data source.

    Args:
        vertices (V, 3), faces (F, 3), face_labels (F,): the object at its current pose, +Y up.
        moving: the dragged part's labels (it and the parts it carries) or an (F,) bool mask.
        joint, value: its joint (absolute limits) and current value, in the vertices' frame.
        grasp: (K, 3) or None.
    """
    lo, hi = vertices.min(axis=0), vertices.max(axis=0)
    M, up, scale = random_similarity(rng, float((hi - lo).max()), config.augment)
    vertices = vertices @ M[:3, :3].T + M[:3, 3]
    joint = joint.transformed(M)
    if grasp is not None:
        grasp = grasp @ M[:3, :3].T + M[:3, 3]
    if joint.type != REVOLUTE:
        value *= scale
    realism = config.augment.realism
    if realism > 0.0 and rng.random() < realism:  # short-circuit: no draw at realism 0
        vertices, faces, face_labels, moving = _realistic_mesh(vertices, faces, face_labels, moving, rng)
    return make_sample(
        vertices,
        faces,
        face_labels,
        moving,
        joint,
        value,
        grasp,
        up,
        rng,
        config.n_points,
        config.frames,
        drag=config.drag,
        category=category,
        category_id=category_id(category),
        seed=seed,
        part_index=part_index,
        part_name=part_name,
        keep_mesh=config.keep_mesh,
    )


def _realistic_mesh(vertices, faces, face_labels, moving, rng: np.random.Generator):
    """:func:`dragmesh.data.realism.realistic` on a sample's mesh; ``moving`` (labels or an (F,)
    bool face mask) is carried over to the new faces and protected from removal."""
    from dragmesh.data.realism import realistic

    face_labels = np.asarray(face_labels)
    arr = np.asarray(moving)
    is_mask = arr.dtype == bool
    protect = np.unique(face_labels[arr]) if is_mask else arr.reshape(-1)
    vertices, faces, face_labels, src = realistic(vertices, faces, face_labels, rng, protect=protect, return_source=True)
    return vertices, faces, face_labels, (arr[src] if is_mask else moving)


def object_samples(category: str, seed: int, count: int, config: GeneratorConfig = GeneratorConfig()) -> list[Sample]:
    """Samples 0..count-1 of object (category, seed)."""
    prep = _Prepared(build_object(category, seed), seed)
    return [_sample_prepared(prep, k, config) for k in range(count)]


def object_sample(category: str, seed: int, config: GeneratorConfig = GeneratorConfig(), k: int = 0) -> Sample:
    """Sample ``k`` of object (category, seed)."""
    return _sample_prepared(_Prepared(build_object(category, seed), seed), k, config)


# ------------------------------------------------------------------------------ streams


def stream_object(split: str, seed: int, j: int, categories: Sequence[str]) -> tuple[str, int]:
    """(category, object seed) of object ``j`` of a split's stream."""
    oseed = object_seed(split, seed, j)
    pick = np.random.SeedSequence([oseed, 0xC47]).generate_state(1, np.uint32)[0]
    return categories[int(pick) % len(categories)], oseed


def generate(
    split: str = "train",
    seed: int = 0,
    start: int = 0,
    stop: int | None = None,
    config: GeneratorConfig = GeneratorConfig(),
    categories: Sequence[str] | None = None,
    step: int = 1,
) -> Iterator[Sample]:
    """Samples ``start, start + step, ...`` (< ``stop``; endless when None) of a split's stream.

    Args:
        split: "train" or "val" (see :mod:`dragmesh.data.splits`).
        seed: the stream's seed.
        categories: restrict to these categories (default: the split's); changes the stream.
        step: take every ``step``-th *object* from ``start``'s object on (worker sharding).
    """
    cats = tuple(categories) if categories is not None else split_categories(split)
    if not cats:
        raise InputError(f"split {split!r} has no registered categories")
    spo = config.samples_per_object
    j = start // spo
    k0 = start % spo
    prep: _Prepared | None = None
    while True:
        for k in range(k0, spo):
            i = j * spo + k
            if stop is not None and i >= stop:
                return
            if prep is None:
                name, oseed = stream_object(split, seed, j, cats)
                prep = _Prepared(build_object(name, oseed), oseed)
            yield _sample_prepared(prep, k, config)
        prep, k0, j = None, 0, j + step


# ------------------------------------------------------------------------------- storage

SHARD_FORMAT = "dragmesh-samples"
SHARD_VERSION = 1


def save_samples(path: str | Path, samples: Sequence[Sample], with_mesh: bool = False) -> None:
    """Write samples to one .npz: each field stacked over samples (strings as unicode arrays);
    mesh arrays (``with_mesh``) concatenated with ``<name>_offsets`` (n + 1,)."""
    if not samples:
        raise InputError("no samples to save")
    dicts = [s.to_dict() for s in samples]
    arrays = {name: np.stack([d[name] for d in dicts]) for name in dicts[0]}
    if with_mesh:
        for name in MESH_FIELDS:
            parts = [getattr(s, name) for s in samples]
            if any(p is None for p in parts):
                raise InputError("samples were built without meshes (keep_mesh=False)")
            arrays[name] = np.concatenate(parts)
            arrays[name + "_offsets"] = np.concatenate([[0], np.cumsum([len(p) for p in parts])]).astype(np.int64)
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(tmp, **arrays)
    tmp.replace(path)


def load_arrays(path: str | Path) -> dict[str, np.ndarray]:
    """The stacked arrays of a samples .npz (fields -> (n, ...))."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read samples file {path}: {exc}") from None


def load_samples(path: str | Path) -> list[Sample]:
    """Samples written by :func:`save_samples`."""
    arrays = load_arrays(path)
    n = len(arrays["points"])
    mesh = {name: arrays.pop(name) for name in MESH_FIELDS if name in arrays}
    offsets = {name: arrays.pop(name + "_offsets") for name in mesh}
    out = []
    for i in range(n):
        d = {k: v[i] for k, v in arrays.items()}
        for name, data in mesh.items():
            d[name] = data[offsets[name][i] : offsets[name][i + 1]]
        out.append(Sample.from_dict(d))
    return out


def _write_shard(args) -> dict:
    path, split, seed, start, stop, config = args
    save_samples(path, list(generate(split, seed, start, stop, config)))
    return {"file": Path(path).name, "start": start, "count": stop - start}


def write_shards(
    out: str | Path,
    count: int,
    seed: int = 0,
    split: str = "train",
    config: GeneratorConfig = GeneratorConfig(),
    shard_size: int = 1000,
    workers: int = 1,
    progress: bool = False,
) -> Path:
    """Write samples ``0..count-1`` of a split's stream as .npz shards plus ``manifest.json``.

    The shards hold the same samples whatever ``shard_size`` and ``workers`` are. Returns the
    manifest path.
    """
    if count < 1 or shard_size < 1:
        raise InputError("count and shard size must be >= 1")
    cfg = replace(config, keep_mesh=False)
    cats = split_categories(split)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    jobs = [
        (str(out / f"shard_{n:05d}.npz"), split, seed, a, min(a + shard_size, count), cfg)
        for n, a in enumerate(range(0, count, shard_size))
    ]
    if workers > 1:
        import multiprocessing as mp

        with mp.get_context("spawn").Pool(workers) as pool:
            results = pool.imap(_write_shard, jobs)
            shards = list(_progress(results, len(jobs), progress))
    else:
        shards = list(_progress(map(_write_shard, jobs), len(jobs), progress))
    manifest = {
        "format": SHARD_FORMAT,
        "version": SHARD_VERSION,
        "split": split,
        "seed": seed,
        "count": count,
        "categories": list(cats),
        "config": _config_dict(cfg),
        "shards": shards,
    }
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2))
    return path


def write_sample_shards(out: str | Path, samples, shard_size: int = 1000, info: dict | None = None) -> Path:
    """Write any stream of samples (e.g. PartNet-Mobility ones) as shards readable by
    :class:`ShardDataset`; ``info`` is merged into the manifest. Returns the manifest path."""
    if shard_size < 1:
        raise InputError("shard size must be >= 1")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    shards, batch, start = [], [], 0

    def flush():
        nonlocal batch, start
        name = f"shard_{len(shards):05d}.npz"
        save_samples(out / name, batch)
        shards.append({"file": name, "start": start, "count": len(batch)})
        start += len(batch)
        batch = []

    for sample in samples:
        batch.append(sample)
        if len(batch) == shard_size:
            flush()
    if batch:
        flush()
    manifest = {"format": SHARD_FORMAT, "version": SHARD_VERSION, **(info or {}), "count": start, "shards": shards}
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2))
    return path


def _progress(it, total: int, show: bool):
    if not show:
        return it
    from tqdm import tqdm

    return tqdm(it, total=total, desc="shards", unit="shard")


def _config_dict(cfg: GeneratorConfig) -> dict:
    return json.loads(json.dumps(asdict(cfg)))


def read_manifest(directory: str | Path) -> dict:
    """The manifest of a shard folder.

    Raises:
        InputError: missing, unreadable or of another format/version.
    """
    path = Path(directory) / "manifest.json"
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read shard manifest {path}: {exc}") from None
    if manifest.get("format") != SHARD_FORMAT or manifest.get("version") != SHARD_VERSION:
        raise InputError(f"{path} is not a version-{SHARD_VERSION} sample-shard manifest")
    return manifest


# ------------------------------------------------------------------------------ datasets

# The fields trainers get as tensors (strings and mesh-coordinate copies stay out).
TENSOR_FIELDS = (
    "points",
    "mask",
    "drag_point",
    "drag_vector",
    "drag_vector_exact",
    "joint_type",
    "joint_axis",
    "joint_origin",
    "joint_limits",
    "values",
    "traj",
    "values_exact",
    "traj_exact",
    "diag",
    "category_id",
)


def to_tensors(d: Sample | dict) -> dict:
    """The :data:`TENSOR_FIELDS` of a sample (or of one row of stacked arrays) as torch tensors:
    float32, except ``joint_type`` and ``category_id`` (int64)."""
    import torch

    get = (lambda k: getattr(d, k)) if isinstance(d, Sample) else d.__getitem__
    out = {}
    for k in TENSOR_FIELDS:
        a = np.asarray(get(k))
        a = a.astype(np.int64) if k in ("joint_type", "category_id") else a.astype(np.float32)
        out[k] = torch.from_numpy(np.ascontiguousarray(a))
    return out


def _worker_slot() -> tuple[int, int]:
    """(this worker's global index, number of workers) across dataloader workers and DDP ranks."""
    import torch
    import torch.distributed as dist

    info = torch.utils.data.get_worker_info()
    w, nw = (info.id, info.num_workers) if info is not None else (0, 1)
    r, nr = (dist.get_rank(), dist.get_world_size()) if dist.is_available() and dist.is_initialized() else (0, 1)
    return r * nw + w, nr * nw


def _torch_base(iterable: bool):
    import torch.utils.data as tud

    return tud.IterableDataset if iterable else tud.Dataset


class OnTheFlyDataset(_torch_base(True)):
    """Samples generated on the fly, as dicts of tensors (:func:`to_tensors`).

    Each dataloader worker (and DDP rank) generates its own objects of the stream: worker g of G
    takes objects g, g + G, ... of epoch e's range, so workers never repeat each other and the
    data depend only on (split, seed, epoch, number of workers).

    Args:
        split, seed: the stream (see :func:`generate`).
        config: :class:`GeneratorConfig`.
        epoch_size: samples per epoch (None: endless). Epoch e is stream range
            [e * epoch_size, (e + 1) * epoch_size); call :meth:`set_epoch` between epochs.
    """

    def __init__(
        self,
        split: str = "train",
        seed: int = 0,
        config: GeneratorConfig = GeneratorConfig(),
        epoch_size: int | None = None,
        categories: Sequence[str] | None = None,
    ):
        self.split, self.seed, self.config = split, seed, config
        self.epoch_size, self.categories, self.epoch = epoch_size, categories, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def __iter__(self):
        g, n = _worker_slot()
        spo = self.config.samples_per_object
        size = self.epoch_size
        start = self.epoch * size if size else 0
        first_obj = -(-start // spo) + g  # objects wholly inside the epoch, round-robin
        stop = start + size if size else None
        it = generate(self.split, self.seed, first_obj * spo, stop, self.config, self.categories, step=n)
        for s in it:
            yield to_tensors(s)

    def __len__(self) -> int:
        if self.epoch_size is None:
            raise TypeError("an endless OnTheFlyDataset has no length")
        return self.epoch_size


class ShardDataset(_torch_base(False)):
    """Random access to the samples of a shard folder (:func:`write_shards`), as dicts of tensors.

    Keeps the ``cache`` most recently used shards in memory; shuffle with a sampler that stays
    within shards for a while (or use :class:`ShardStream`) to avoid reloading.
    """

    def __init__(self, directory: str | Path, cache: int = 4):
        self.directory = Path(directory)
        self.manifest = read_manifest(directory)
        self.shards = self.manifest["shards"]
        self.starts = np.array([s["start"] for s in self.shards] + [self.manifest["count"]])
        self.cache_size = cache
        self._cache: dict[int, dict[str, np.ndarray]] = {}

    def __len__(self) -> int:
        return int(self.manifest["count"])

    def shard(self, n: int) -> dict[str, np.ndarray]:
        if n not in self._cache:
            if len(self._cache) >= self.cache_size:
                self._cache.pop(next(iter(self._cache)))
            arrays = load_arrays(self.directory / self.shards[n]["file"])
            self._cache[n] = {k: arrays[k] for k in TENSOR_FIELDS}
        else:
            self._cache[n] = self._cache.pop(n)  # most recent last
        return self._cache[n]

    def __getitem__(self, i: int) -> dict:
        if not 0 <= i < len(self):
            raise IndexError(i)
        n = int(np.searchsorted(self.starts, i, side="right") - 1)
        arrays = self.shard(n)
        row = i - int(self.starts[n])
        return to_tensors({k: v[row] for k, v in arrays.items()})


class ShardStream(_torch_base(True)):
    """Streams a shard folder in a shuffled order: shards in a seeded random order split over
    workers and DDP ranks, samples shuffled within each shard. Call :meth:`set_epoch` per epoch."""

    def __init__(self, directory: str | Path, shuffle: bool = True, seed: int = 0):
        self.directory = Path(directory)
        self.manifest = read_manifest(directory)
        self.shuffle, self.seed, self.epoch = shuffle, seed, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def __iter__(self):
        g, n = _worker_slot()
        shards = self.manifest["shards"]
        rng = np.random.default_rng([self.seed, self.epoch])
        order = rng.permutation(len(shards)) if self.shuffle else np.arange(len(shards))
        for s in order[g::n]:
            arrays = load_arrays(self.directory / shards[s]["file"])
            rows = np.random.default_rng([self.seed, self.epoch, int(s)]).permutation(len(arrays["points"])) if self.shuffle else range(len(arrays["points"]))
            for r in rows:
                yield to_tensors({k: arrays[k][r] for k in TENSOR_FIELDS})
