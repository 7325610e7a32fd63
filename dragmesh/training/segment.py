"""Train the cut ranker of ``dragmesh segment`` (:mod:`dragmesh.models.segmenter`).

    dragmesh train segment --out runs/segment --cases 600 --ship weights/

1. Cases: objects of the ``train`` split's stream (training categories only, training seeds),
   each re-made as one welded surface the way :mod:`dragmesh.eval.segment` re-makes the benchmark
   (marching cubes at 80-160 voxels, 0/5/10 Taubin iterations, 20k-60k faces, drawn per case), the
   truth per vertex carried over from the original faces, clicked at the sample's drag point. Each
   case's candidate cuts (:func:`dragmesh.segment.find.candidate_cuts`) are kept as their features
   and their IoU with the truth, written in chunks of ``CHUNK`` cases (``OUT/cases_NNNN.npz``): a
   rerun skips the chunks on disk, so generation resumes where it stopped.
2. Fit: the MLP scores each case's cuts; the loss is the cross-entropy between the softmax of the
   scores and the softmax of IoU / ``TEMPERATURE`` over the case's cuts (listwise). Full batch,
   Adam. The last ``VAL_SHARE`` of the cases validate: median IoU of the ranker's pick beside the
   hand rule's (largest cut whose cost per length is under ``RATIO``) and the best cut's (oracle).
3. ``--ship DIR`` writes ``DIR/segment/ranker.safetensors`` + ``ranker.json`` (config, validation,
   the command).
4. ``--cross-validate``: leave-categories-out, 5 folds of the training categories (shuffled with
   seed 0); each fold's ranker is fitted on the other categories' clicks and compared with the hand
   rule on the fold's: does the ranker carry over to categories it has not seen?
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

CHUNK = 20
TEMPERATURE = 0.05
VAL_SHARE = 0.2
STEPS = 500
LR = 3e-3
STREAM_SEED = 13


def case_rows(sample, index: int):
    """(features (C, K), IoUs (C,), rule pick) of one sample's click on its welded re-make, or None
    when the click finds nothing to cut (off the welded surface, on the base)."""
    from dragmesh.errors import InputError
    from dragmesh.segment.find import candidate_cuts, choose, click_seed, surely_base, surface_graph
    from dragmesh.segment.welded import transfer_vertex_values, weld_remesh

    rng = np.random.default_rng([STREAM_SEED, index])
    vertices, faces = weld_remesh(sample.vertices, sample.faces, int(rng.integers(80, 160)), rng=rng,
                                  smooth=int(rng.choice((0, 5, 10))), target_faces=int(rng.integers(20_000, 60_000)))
    truth = transfer_vertex_values(sample.vertices, sample.faces, sample.moving_faces, vertices, rng)
    graph = surface_graph(vertices, faces)
    try:
        seed, point = click_seed(graph, vertices, faces, sample.drag_point_mesh)
    except InputError:
        return None
    sink = surely_base(graph.points, graph.used, point, sample.up, graph.diagonal)
    if sink[seed]:
        return None
    cuts = candidate_cuts(graph, seed, sink, sample.up)
    if not cuts:
        return None
    true = np.zeros(len(graph.points), dtype=bool)
    true[graph.merged[truth.astype(bool)]] = True
    ious = np.array([(c.side & true).sum() / max((c.side | true).sum(), 1) for c in cuts], dtype=np.float32)
    chosen = choose(cuts)
    rule = next(i for i, c in enumerate(cuts) if c is chosen)
    return np.stack([c.features for c in cuts]), ious, rule


def generate_chunks(out: Path, cases: int, budget: float) -> None:
    """Write ``OUT/cases_NNNN.npz`` chunks until ``cases`` cases (or ``budget`` seconds) are done."""
    from dragmesh.data.generator import GeneratorConfig, generate
    from dragmesh.training.common import write_resumable_chunks

    config = GeneratorConfig(n_points=256, samples_per_object=1, keep_mesh=True)

    def build(chunk: int):
        features, ious, owner, rules, categories = [], [], [], [], []
        first = chunk * CHUNK
        for index, sample in enumerate(generate("train", STREAM_SEED, first, first + CHUNK, config), start=first):
            rows = case_rows(sample, index)
            if rows is None:
                continue
            features.append(rows[0])
            ious.append(rows[1])
            owner.append(np.full(len(rows[1]), index))
            rules.append(index * 1000 + rows[2])
            categories.append(sample.category)
        if not owner:
            return None
        arrays = dict(features=np.concatenate(features), ious=np.concatenate(ious), case=np.concatenate(owner),
                      rule=np.asarray(rules), categories=np.asarray(categories))
        return arrays, f"{len(owner)} cases"

    write_resumable_chunks(out, "cases", range((cases + CHUNK - 1) // CHUNK), build, budget)


def load_chunks(out: Path) -> dict:
    files = sorted(out.glob("cases_*.npz"))
    from dragmesh.segment.find import FEATURE_LIMIT

    parts = [dict(np.load(f)) for f in files]
    data = {k: np.concatenate([p[k] for p in parts]) for k in ("features", "ious", "case", "rule", "categories")}
    data["features"] = np.clip(np.nan_to_num(data["features"], posinf=FEATURE_LIMIT, neginf=-FEATURE_LIMIT),
                               -FEATURE_LIMIT, FEATURE_LIMIT)
    return data


def cross_validate(data: dict, seed: int, folds: int = 5) -> list[dict]:
    """Leave-categories-out: per fold, the held-out categories and the ranker's and the rule's
    median IoU on their clicks (the ranker fitted on the other categories)."""
    global VAL_SHARE
    category = {int(code) // 1000: str(c) for code, c in zip(data["rule"], data["categories"])}
    names = sorted(set(category.values()))
    np.random.default_rng(0).shuffle(names)
    cases = np.unique(data["case"])
    out, share = [], VAL_SHARE
    try:
        for k in range(folds):
            held = set(names[k::folds])
            order = np.r_[[c for c in cases if category[int(c)] not in held], [c for c in cases if category[int(c)] in held]]
            rank = {int(c): i for i, c in enumerate(order)}
            fold = dict(data, case=np.array([rank[int(c)] for c in data["case"]]),
                        rule=np.array([rank[int(r) // 1000] * 1000 + int(r) % 1000 for r in data["rule"]]))
            VAL_SHARE = sum(category[int(c)] in held for c in cases) / len(cases)
            _, report = fit(fold, seed)
            out.append({"held_out": sorted(held), "ranker": report["val"]["ranker"]["median"],
                        "rule": report["val"]["rule"]["median"], "cases": report["val"]["rule"]["cases"]})
    finally:
        VAL_SHARE = share
    return out


def picks(scores: np.ndarray, case: np.ndarray, ious: np.ndarray) -> np.ndarray:
    """IoU (cases,) of the highest-scoring cut of each case."""
    out = []
    for c in np.unique(case):
        rows = np.flatnonzero(case == c)
        out.append(ious[rows[np.argmax(scores[rows])]])
    return np.asarray(out)


def summary(ious: np.ndarray) -> dict:
    return {"median": float(np.median(ious)), "share_0.8": float(np.mean(ious >= 0.8)), "mean": float(ious.mean()),
            "cases": int(len(ious))}


def fit(data: dict, seed: int):
    """(ranker, validation figures) trained on the first cases, validated on the last."""
    import torch

    from dragmesh.models.segmenter import CutRanker, RankerConfig

    torch.manual_seed(seed)
    cases = np.unique(data["case"])
    val_cases = cases[int(len(cases) * (1 - VAL_SHARE)):]
    val = np.isin(data["case"], val_cases)
    x = torch.from_numpy(data["features"].astype(np.float32))
    iou = torch.from_numpy(data["ious"].astype(np.float32))
    _, group = np.unique(data["case"], return_inverse=True)
    group = torch.from_numpy(group)
    model = CutRanker(RankerConfig(features=x.shape[1]))
    model.mean.copy_(x[~torch.from_numpy(val)].mean(0))
    model.std.copy_(x[~torch.from_numpy(val)].std(0).clamp_min(1e-3))
    train = torch.from_numpy(~val)
    target = torch.exp((iou - 1.0) / TEMPERATURE)
    groups = int(group.max()) + 1
    opt = torch.optim.Adam(model.parameters(), lr=LR, weight_decay=1e-4)
    for _ in range(STEPS):
        scores = model(x)
        # Softmax over each case's cuts, for scores and for targets (scatter sums per case).
        exp = torch.exp(scores - scores.max())
        denom = torch.zeros(groups).index_add(0, group, exp)
        log_p = scores - scores.max() - torch.log(denom[group])
        t = target / torch.zeros(groups).index_add(0, group, target)[group]
        loss = -(t * log_p)[train].sum() / len(np.unique(data["case"][~val]))
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        scores = model(x).numpy()
    ious = data["ious"]
    rule_score = np.zeros(len(ious))
    for code in data["rule"]:
        rule_score[np.flatnonzero(data["case"] == code // 1000)[code % 1000]] = 1.0
    report = {}
    for name, mask in (("train", ~val), ("val", val)):
        case, s, i = data["case"][mask], scores[mask], ious[mask]
        report[name] = {"ranker": summary(picks(s, case, i)), "rule": summary(picks(rule_score[mask], case, i)),
                        "oracle": summary(picks(i, case, i))}
    return model, report


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, default=Path("runs/segment"), help="folder of the case chunks and the report")
    p.add_argument("--cases", type=int, default=600, help="cases to generate (default 600)")
    p.add_argument("--time-budget", type=float, default=0.0, metavar="SECONDS",
                   help="stop generating after this many seconds and fit on what there is (0: no budget)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--ship", type=Path, default=None, help="also write DIR/segment/ranker.* (e.g. weights/)")
    p.add_argument("--cross-validate", action="store_true",
                   help="also fit and compare with the rule leaving out a fifth of the categories at a time")


def main(args: argparse.Namespace) -> int:
    import torch

    from dragmesh.training.common import save_weights

    torch.set_num_threads(1)
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.time()
    generate_chunks(args.out, args.cases, args.time_budget)
    data = load_chunks(args.out)
    model, report = fit(data, args.seed)
    if args.cross_validate:
        report["categories_out"] = cross_validate(data, args.seed)
        report["categories_out_mean"] = {
            key: float(np.mean([f[key] for f in report["categories_out"]])) for key in ("ranker", "rule")}
    report["seconds"] = round(time.time() - start, 1)
    (args.out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    if args.ship is not None:
        folder = args.ship / "segment"
        folder.mkdir(parents=True, exist_ok=True)
        command = (f"dragmesh train segment --out {args.out} --cases {args.cases} --time-budget {args.time_budget:g} "
                   f"--seed {args.seed}" + (" --cross-validate" if args.cross_validate else "") + f" --ship {args.ship}")
        save_weights(model, folder, "ranker", model.config_dict(),
                     extra={"validation": report["val"], "train": report["train"], "command": command,
                            "data": f"train split stream seed {STREAM_SEED}, {len(np.unique(data['case']))} cases "
                                    "re-made as welded surfaces"})
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    sys.exit(main(parser.parse_args()))
