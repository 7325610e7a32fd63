"""The split definition, the benchmark builder and loader, shards and the torch datasets."""

import json

import numpy as np
import pytest
import torch

from dragmesh.data import bench, splits
from dragmesh.data.generator import (
    TENSOR_FIELDS,
    GeneratorConfig,
    OnTheFlyDataset,
    ShardDataset,
    ShardStream,
    generate,
    load_samples,
    save_samples,
    write_shards,
)
from dragmesh.errors import InputError

SMALL = GeneratorConfig(n_points=64, frames=4, samples_per_object=2)


def test_held_out_categories_never_train():
    assert len(splits.HELD_OUT) >= 4
    assert not set(splits.HELD_OUT) & set(splits.SEEN)
    assert set(splits.HELD_OUT) | set(splits.SEEN) == set(splits.ORIGINAL_CATEGORIES)
    for split in ("train", "val"):
        assert not set(splits.split_categories(split)) & set(splits.HELD_OUT)
    assert splits.category_id("StorageFurniture") == 0 and splits.category_id("Nope") == -1


def test_seed_ranges_are_disjoint():
    lo, hi = splits.SEED_RANGES["train"]
    seeds = [splits.object_seed("train", s, j) for s in (0, 1, 7) for j in range(200)]
    assert all(lo <= x < hi for x in seeds) and len(set(seeds)) == len(seeds)
    vlo, vhi = splits.SEED_RANGES["val"]
    assert all(vlo <= splits.object_seed("val", 0, j) < vhi for j in range(50))
    bench = [seed for _, seed in splits.BENCH.entries()]
    assert all(splits.BENCH_SEED_BASE <= s < 2 * splits.BENCH_SEED_BASE for s in bench)
    assert len(set(bench)) == len(bench)
    for a, b in [("train", "val")]:
        assert splits.SEED_RANGES[a][1] <= splits.BENCH_SEED_BASE < splits.SEED_RANGES[b][0]


def test_stream_draws_only_training_categories():
    cats = {s.category for s in generate("train", 3, 0, 60, SMALL)}
    assert cats and not cats & set(splits.HELD_OUT) and len(cats) >= 5


def test_bench_is_deterministic_and_round_trips(tmp_path):
    spec = splits.BenchSpec(seen_per_category=1, held_out_per_category=2, n_points=64, frames=4)
    cats = ["Door", "Toaster", "Bucket", "Window"]
    a = bench.build_bench(spec, categories=cats)
    b = bench.build_bench(spec, categories=cats)
    assert [s.category for s in a] == ["Bucket", "Bucket", "Door", "Toaster", "Toaster", "Window"]
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x.points, y.points)
        np.testing.assert_array_equal(x.traj, y.traj)
    # On disk: the same samples come back, mesh included when asked.
    small = splits.BenchSpec(seen_per_category=1, held_out_per_category=1, n_points=32, frames=4)
    path = bench.write_bench(tmp_path / "bench", small, with_mesh=True)
    manifest = json.loads(path.read_text())
    loaded = bench.load_bench(tmp_path / "bench")
    assert manifest["count"] == len(loaded) == len(list(small.entries()))
    fresh = bench.build_bench(small, keep_mesh=True)
    for x, y in zip(loaded, fresh):
        assert (x.category, x.seed, x.part_name) == (y.category, y.seed, y.part_name)
        np.testing.assert_allclose(x.traj_exact, y.traj_exact)
        np.testing.assert_allclose(x.vertices, y.vertices)
        assert x.faces.dtype == np.int64 and x.moving_faces.dtype == bool
    with pytest.raises(InputError):
        bench.load_bench(tmp_path / "missing")


def test_samples_round_trip_through_npz(tmp_path):
    samples = list(generate("train", 0, 0, 5, SMALL))
    save_samples(tmp_path / "s.npz", samples)
    back = load_samples(tmp_path / "s.npz")
    for x, y in zip(samples, back):
        for k, v in x.to_dict().items():
            got = y.to_dict()[k]
            assert type(getattr(x, k)) is type(getattr(y, k)) or isinstance(getattr(x, k), np.ndarray)
            np.testing.assert_array_equal(v, got)
        np.testing.assert_allclose(x.exact_variant().traj, y.traj_exact)


def test_shards_do_not_depend_on_their_size(tmp_path):
    write_shards(tmp_path / "a", 9, seed=4, config=SMALL, shard_size=4)
    write_shards(tmp_path / "b", 9, seed=4, config=SMALL, shard_size=9)
    a, b = ShardDataset(tmp_path / "a"), ShardDataset(tmp_path / "b", cache=1)
    assert len(a) == len(b) == 9 and len(a.shards) == 3
    direct = list(generate("train", 4, 0, 9, SMALL))
    for i in (0, 3, 4, 8, 1):
        x, y = a[i], b[i]
        assert set(x) == set(TENSOR_FIELDS)
        for k in TENSOR_FIELDS:
            assert torch.equal(x[k], y[k])
        np.testing.assert_array_equal(x["points"].numpy(), direct[i].points)
    assert a[0]["points"].dtype == torch.float32 and a[0]["joint_type"].dtype == torch.int64
    streamed = list(ShardStream(tmp_path / "a", shuffle=True, seed=1))
    assert len(streamed) == 9
    assert sorted(float(s["points"][0, 0]) for s in streamed) == sorted(float(a[i]["points"][0, 0]) for i in range(9))


def test_on_the_fly_dataset_batches_and_splits_workers():
    ds = OnTheFlyDataset("train", seed=2, config=SMALL, epoch_size=8)
    loader = torch.utils.data.DataLoader(ds, batch_size=4)
    batches = list(loader)
    assert len(batches) == 2
    b = batches[0]
    assert b["points"].shape == (4, 64, 3) and b["traj"].shape == (4, 4, 8) and b["mask"].shape == (4, 64)
    # The same epoch again gives the same data; the next epoch other data.
    again = next(iter(torch.utils.data.DataLoader(ds, batch_size=4)))
    assert torch.equal(again["points"], b["points"])
    ds.set_epoch(1)
    assert not torch.equal(next(iter(torch.utils.data.DataLoader(ds, batch_size=4)))["points"], b["points"])


def test_bench_command(tmp_path, capsys):
    from dragmesh.cli import main

    out = tmp_path / "bench"
    assert main(["data", "bench", "--out", str(out), "--points", "32", "--seen", "1", "--held-out", "1"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["spec"]["n_points"] == 32 and manifest["count"] == len(bench.load_bench(out))
    assert set(manifest["held_out"]) == set(splits.HELD_OUT) and len(manifest["fingerprint"]) == 12


# ------------------------------------------------------------------------- the world split

from dataclasses import replace  # noqa: E402


def test_world_held_out_set():
    world = set(splits.WORLD_HELD_OUT)
    assert len(world) >= 8 and world <= set(splits.WORLD_CATEGORIES)
    assert not world & set(splits.WORLD_SEEN) and not set(splits.HELD_OUT) & set(splits.WORLD_SEEN)
    assert world | set(splits.HELD_OUT) | set(splits.WORLD_SEEN) == set(splits.ALL_CATEGORIES)
    assert set(splits.SEEN) <= set(splits.WORLD_SEEN)
    for name in world:  # each one's reason is in the module docstring
        assert f"**{name}**" in splits.__doc__
    for split in ("train_world", "val_world"):
        cats = set(splits.split_categories(split))
        assert cats == set(splits.WORLD_SEEN) and not cats & (world | set(splits.HELD_OUT))
        assert splits.SEED_RANGES[split] == splits.SEED_RANGES[split.replace("_world", "")]
    # The original definitions are untouched.
    assert splits.HELD_OUT == ("Safe", "Toaster", "Printer", "Bucket")
    assert splits.SPLIT_CATEGORIES["train"] == splits.SPLIT_CATEGORIES["val"] == splits.SEEN
    assert splits.BENCH.categories == splits.ORIGINAL_CATEGORIES and splits.BENCH.held_out == splits.HELD_OUT


def test_is_held_out_answers_for_the_chosen_split():
    assert splits.is_held_out("Safe") and splits.is_held_out("Safe", "world")
    assert not splits.is_held_out("Globe") and splits.is_held_out("Globe", "world")
    assert not splits.is_held_out("Door", "world") and not splits.is_held_out("Knife", "world")
    with pytest.raises(InputError):
        splits.is_held_out("Door", "nope")
    with pytest.raises(InputError):
        splits.bench_spec("nope")
    assert splits.bench_spec("world") is splits.WORLD_BENCH and splits.bench_spec() is splits.BENCH


def test_original_bench_entries_unchanged():
    have = set(splits.ALL_CATEGORIES)
    expected = []
    for name in splits.ORIGINAL_CATEGORIES:
        count = 60 if name in ("Safe", "Toaster", "Printer", "Bucket") else 30
        base = splits.BENCH_SEED_BASE + splits.BENCH_SEEDS_PER_CATEGORY * splits.ORIGINAL_CATEGORIES.index(name)
        expected += [(name, base + i) for i in range(count)] if name in have else []
    assert list(splits.BENCH.entries()) == expected
    world = list(splits.WORLD_BENCH.entries())
    # The world benchmark holds the original one's entries, plus every other category's.
    assert set(expected) <= set(world) and {c for c, _ in world} == set(splits.ALL_CATEGORIES)
    counts = {c: sum(1 for n, _ in world if n == c) for c in splits.ALL_CATEGORIES}
    for c, n in counts.items():
        assert n == (60 if c in splits.WORLD_HELD_OUT + splits.HELD_OUT else 30), c
    seeds = [s for _, s in world]
    assert len(set(seeds)) == len(seeds) and all(splits.BENCH_SEED_BASE <= s < 2 * splits.BENCH_SEED_BASE for s in seeds)


def test_world_bench_builds():
    spec = replace(splits.WORLD_BENCH, seen_per_category=1, held_out_per_category=2, n_points=64, frames=4)
    cats = ("Door", "Safe", "Globe", "Knife", "Lamp", "Scissors")
    samples = bench.build_bench(spec, categories=cats)
    assert [s.category for s in samples] == ["Safe", "Safe", "Door", "Lamp", "Lamp", "Globe", "Globe",
                                             "Knife", "Scissors", "Scissors"]
    original = bench.build_bench(replace(spec, categories=splits.ORIGINAL_CATEGORIES, held_out=splits.HELD_OUT),
                                  categories=("Door", "Safe"))
    for x, y in zip(samples[:3], original):  # the shared categories give the same samples
        np.testing.assert_array_equal(x.points, y.points)


def test_world_stream_and_shards(tmp_path):
    cats = {s.category for s in generate("train_world", 3, 0, 80, SMALL)}
    assert cats <= set(splits.WORLD_SEEN) and cats & set(splits.WORLD_CATEGORIES) and len(cats) >= 8
    path = write_shards(tmp_path / "w", 4, seed=1, split="val_world", config=SMALL, shard_size=2)
    manifest = json.loads(path.read_text())
    assert manifest["split"] == "val_world" and set(manifest["categories"]) == set(splits.WORLD_SEEN)
    assert len(ShardDataset(tmp_path / "w")) == 4


def test_world_bench_command(tmp_path):
    from dragmesh.cli import main

    out = tmp_path / "bench"
    args = ["data", "bench", "--out", str(out), "--points", "16", "--seen", "1", "--held-out", "1", "--split", "world"]
    assert main(args) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["held_out"]) == set(splits.WORLD_HELD_OUT + splits.HELD_OUT)
    assert set(manifest["per_category"]) == set(splits.ALL_CATEGORIES)


def test_eval_joints_groups_by_the_chosen_split():
    from dragmesh.eval.joints import evaluate, format_table
    from dragmesh.models.baseline import GeometricJointPredictor

    spec = replace(splits.WORLD_BENCH, seen_per_category=1, held_out_per_category=1, n_points=512)
    samples = bench.build_bench(spec, categories=("Door", "Safe", "Globe"))
    predictors = {"geometric": GeometricJointPredictor()}
    world = evaluate(predictors, samples, n_points=512, split="world")["geometric"]["perturbed"]
    assert world["seen"]["n"] == 1 and world["held_out"]["n"] == 2
    original = evaluate(predictors, samples, n_points=512)["geometric"]["perturbed"]
    assert original["seen"]["n"] == 2 and original["held_out"]["n"] == 1
    text = format_table({"geometric": {"perturbed": world}}, per_category=True, split="world")
    assert "world split" in text and "| Globe | held_out |" in text and "| Door | seen |" in text
    with pytest.raises(InputError):
        evaluate(predictors, samples[:1], n_points=512, split="nope")
