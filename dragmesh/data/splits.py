"""The data splits: which categories train, which are held out, which seeds each split uses, and the
fixed benchmark split every `dragmesh eval` / `bench` number is measured on.

Only the definition lives in the repository; the samples are regenerated from it (deterministically)
by :func:`dragmesh.data.bench.build_bench` in memory or ``dragmesh data bench --out DIR`` on disk.
This module only defines; it imports no sample generation (the generator reads its seeds and
categories).

Held-out categories (never seen in training, only in the benchmark), chosen so that each tests a
different kind of generalisation while its joints stay within what training teaches:

- **Safe**: a thick, heavy door on a vertical side hinge and a dial. The joint family is everywhere
  in training (cabinet, microwave, fridge doors; knobs), the shape is not: a near-cubic body with a
  door whose thickness is a large fraction of its width. Tests shape generalisation of hinges.
- **Toaster**: a small lever sliding *vertically* in a slot on the side of a box, plus knobs.
  Prismatic joints in training mostly follow a front normal (drawers); vertical slides appear only
  on other shapes (suitcase handle, pot lid). Tests prismatic direction from geometry, on a tiny part.
- **Printer**: several mechanisms in a new arrangement: a paper tray (prismatic), a scanner lid
  hinged at the back top, an output flap hinged at its bottom edge, buttons. Tests composition of
  seen motions on an unseen layout with many parts.
- **Bucket**: a thin arc handle pivoting about a horizontal axis through two side pivots at the
  rim: the pivot is far from any plate edge and the part is a thin curve, not a panel. Tests the
  pivot head where the "hinge at the part's edge" prior is wrong.

The **world** split (``WORLD_BENCH``, training streams ``train_world`` / ``val_world``) covers all
registered categories. Its held-out set is :data:`WORLD_HELD_OUT` plus the four above (which stay
held out everywhere). The world categories held out are those whose *motion kind* has no
counterpart in the world training set, not only a new shape of a seen motion:

- **Globe**: a sphere spinning about a polar axis tilted 23.5° from vertical, through its centre.
  Every other continuous spin in training (wheels, scroll wheels, knobs, tape rolls) turns about an
  axis aligned with the object's frame, and a sphere's own shape names no axis: only the pins and
  the meridian do. Tests an oblique axis read off the mount.
- **Chair**: the biggest moving part (seat with back and arms) turns in place about the vertical
  column through its own middle and the same column lifts it (a prismatic joint carrying a
  revolute one on one axis line), the backrest reclining on top. Tests a large part spinning about
  its centre, and the choice between lift and swivel from one drag.
- **Scissors** and **Pliers**: two long halves crossing at a pivot in their *middle*, the axis
  normal to their common plane; the moving half lies on both sides of the axis (blade one way,
  handle the other). Training's pins (knife blades, stapler arms, lids) sit at a part's end. Both
  are held out so the mid-pivot family is wholly unseen.
- **Clock**: thin hands turning about the face normal at the face's centre: the axis is at one end
  of a needle, normal to the large flat face behind it, with several hands stacked on one axis.
  Tests a pointer-like pivot on a flat face.
- **Fan**: blades spinning about the fan axis through the hub (a bladed rotor), carried by a head
  that tilts and oscillates about the pole's vertical axis behind it (a three-level kinematic
  tree, pole -> neck -> head -> blades). Tests rotors and an axis far behind the dragged mass.
- **Lamp**: chained arm joints on a stand (turret -> lower arm -> upper arm -> head), parallel
  revolute axes at the knuckle, the elbow and the head, each arm carrying the rest of the chain.
  Tests which joint of a chain a drag on a long carried assembly asks for.
- **Camera**: the compact camera's nested telescoping lens, prismatic stages each carried by the
  one behind along the optical axis (cylinders sliding out of cylinders, plus rings turning about
  the same axis). Tests chained coaxial slides.

USB (swivel cap on a pin through its flat faces), Eyeglasses (temples on near-vertical hinges) and
Stapler (arm on a back pin) were considered and stay in training: their motions are seen ones in
new shapes (knife blades on a pin through the flat face, door hinges, lids).

Seeds: training streams use object seeds in [0, 10^9); validation streams [2·10^9, 2.1·10^9);
the benchmark its own fixed seeds in [10^9, 2·10^9) (``BENCH_SEED_BASE + 100000 * category_id + i``),
so no benchmark object is ever a training object. ``train_world`` / ``val_world`` use the same
ranges as ``train`` / ``val``; the world benchmark uses the same seeds per category as the original
one, so the two share their samples of the original categories.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from dragmesh.data.objects import CATEGORIES, Builder
from dragmesh.errors import InputError

# Every category the project models, in a fixed order: the index is the category id stored in
# samples. Append new categories at the end; never reorder (ids are in saved shards and weights).
# The first 24 are the original set: the original benchmark (BENCH) and training streams draw from
# them only, so their figures stay comparable while the wider world is built.
ORIGINAL_CATEGORIES: tuple[str, ...] = (
    "StorageFurniture",
    "Table",
    "Microwave",
    "Oven",
    "Refrigerator",
    "Dishwasher",
    "WashingMachine",
    "Safe",
    "Laptop",
    "Box",
    "TrashCan",
    "Toilet",
    "Bucket",
    "KitchenPot",
    "Door",
    "Suitcase",
    "Printer",
    "Toaster",
    "CoffeeMachine",
    "Window",
    "Faucet",
    "AppliancePanel",
    "Kettle",
    "Bottle",
)

# PartNet-Mobility's other categories (household and hand-held objects), modelled after the
# original 24; their builders live in categories/world_home.py and categories/world_handheld.py.
WORLD_CATEGORIES: tuple[str, ...] = (
    "Chair",
    "FoldingChair",
    "Cart",
    "Display",
    "Lamp",
    "Fan",
    "Globe",
    "Clock",
    "Camera",
    "Dispenser",
    "Eyeglasses",
    "Knife",
    "Keyboard",
    "Mouse",
    "Pen",
    "Phone",
    "Pliers",
    "Remote",
    "Scissors",
    "Stapler",
    "Switch",
    "USB",
    "Lighter",
)

ALL_CATEGORIES: tuple[str, ...] = ORIGINAL_CATEGORIES + WORLD_CATEGORIES

HELD_OUT: tuple[str, ...] = ("Safe", "Toaster", "Printer", "Bucket")
SEEN: tuple[str, ...] = tuple(c for c in ORIGINAL_CATEGORIES if c not in HELD_OUT)

# The wider world's held-out categories (see the module docstring); the original HELD_OUT stays
# held out too, so the world benchmark's held-out group is WORLD_HELD_OUT + HELD_OUT.
WORLD_HELD_OUT: tuple[str, ...] = ("Globe", "Chair", "Scissors", "Pliers", "Clock", "Fan", "Lamp", "Camera")
# Everything the world training streams draw from: all other categories, original seen ones included.
WORLD_SEEN: tuple[str, ...] = tuple(c for c in ALL_CATEGORIES if c not in HELD_OUT + WORLD_HELD_OUT)

# Benchmark split name -> its held-out categories (``is_held_out(name, split)``).
HELD_OUT_SETS: dict[str, tuple[str, ...]] = {
    "original": HELD_OUT,
    "world": WORLD_HELD_OUT + HELD_OUT,
}

# Object-seed ranges [lo, hi) of the splits.
SEED_RANGES: dict[str, tuple[int, int]] = {
    "train": (0, 10**9),
    "val": (2 * 10**9, 2 * 10**9 + 10**8),
}
SEED_RANGES["train_world"] = SEED_RANGES["train"]
SEED_RANGES["val_world"] = SEED_RANGES["val"]
BENCH_SEED_BASE = 10**9
BENCH_SEEDS_PER_CATEGORY = 100_000

# Split name -> categories drawn from.
SPLIT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "train": SEEN,
    "val": SEEN,
    "train_world": WORLD_SEEN,
    "val_world": WORLD_SEEN,
}


def category_id(name: str) -> int:
    """The fixed id of a category (its index in :data:`ALL_CATEGORIES`); -1 when not modelled
    (e.g. a PartNet-Mobility category the generator does not have)."""
    try:
        return ALL_CATEGORIES.index(name)
    except ValueError:
        return -1


def is_held_out(name: str, split: str = "original") -> bool:
    """True for the held-out categories of a benchmark split: ``"original"`` (:data:`HELD_OUT`,
    never in any training split) or ``"world"`` (:data:`WORLD_HELD_OUT` + :data:`HELD_OUT`, not in
    ``train_world``).

    Raises:
        InputError: an unknown split name.
    """
    if split not in HELD_OUT_SETS:
        raise InputError(f"unknown benchmark split {split!r}; choose from {', '.join(HELD_OUT_SETS)}")
    return name in HELD_OUT_SETS[split]


def registered_categories() -> dict[str, Builder]:
    """Every registered category builder, by name (importing the category modules registers them)."""
    import dragmesh.data.categories  # noqa: F401

    return CATEGORIES


def split_categories(split: str) -> tuple[str, ...]:
    """The registered categories of a split ("train", "val", "train_world" or "val_world").

    Raises:
        InputError: an unknown split name.
    """
    if split not in SPLIT_CATEGORIES:
        raise InputError(f"unknown split {split!r}; choose from {', '.join(SPLIT_CATEGORIES)}")
    have = registered_categories()
    return tuple(c for c in SPLIT_CATEGORIES[split] if c in have)


def object_seed(split: str, stream_seed: int, index: int) -> int:
    """The seed of object ``index`` of a split's stream with seed ``stream_seed``, inside the
    split's seed range (a hash, so nearby stream seeds give unrelated objects)."""
    lo, hi = SEED_RANGES[split]
    h = np.random.SeedSequence([int(stream_seed), int(index)]).generate_state(2, np.uint32)
    return lo + int((int(h[0]) << 32 | int(h[1])) % (hi - lo))


# ------------------------------------------------------------------------------ benchmark


@dataclass(frozen=True)
class BenchSpec:
    """The benchmark split. One sample per object; each sample carries the person-like drag and
    the exact one (``Sample.exact_variant``).

    Attributes:
        seen_per_category: samples of each training category (seeds disjoint from training).
        held_out_per_category: samples of each held-out category.
        n_points: points per sample (4096 as in the paper; any prefix is a valid smaller sample).
        frames: trajectory frames T.
        categories: the categories it covers, in this order.
        held_out: which of them count as held out (``held_out_per_category`` samples each).
    """

    seen_per_category: int = 30
    held_out_per_category: int = 60
    n_points: int = 4096
    frames: int = 16
    categories: tuple[str, ...] = ORIGINAL_CATEGORIES
    held_out: tuple[str, ...] = HELD_OUT

    def is_held_out(self, name: str) -> bool:
        """True for this split's held-out categories."""
        return name in self.held_out

    def entries(self) -> Iterator[tuple[str, int]]:
        """(category, object seed) of every benchmark sample, in order."""
        have = registered_categories()
        for name in self.categories:
            if name not in have:
                continue
            count = self.held_out_per_category if name in self.held_out else self.seen_per_category
            base = BENCH_SEED_BASE + BENCH_SEEDS_PER_CATEGORY * category_id(name)
            for i in range(count):
                yield name, base + i


BENCH = BenchSpec()
# The wider world's benchmark: every category, held out = WORLD_HELD_OUT + HELD_OUT. Its samples of
# the original categories are BENCH's (same seeds).
WORLD_BENCH = BenchSpec(categories=ALL_CATEGORIES, held_out=HELD_OUT_SETS["world"])
# Benchmark split name (``dragmesh eval joints --split``, ``dragmesh data bench --split``) -> spec.
BENCH_SPECS: dict[str, BenchSpec] = {"original": BENCH, "world": WORLD_BENCH}


def bench_spec(split: str = "original") -> BenchSpec:
    """The benchmark spec of a split name ("original" or "world").

    Raises:
        InputError: an unknown split name.
    """
    if split not in BENCH_SPECS:
        raise InputError(f"unknown benchmark split {split!r}; choose from {', '.join(BENCH_SPECS)}")
    return BENCH_SPECS[split]
