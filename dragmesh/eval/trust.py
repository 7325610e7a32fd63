"""`dragmesh eval trust`: can a person trust the joint? Accuracy through the whole pipeline, top-3,
calibration, limits and penetration, stability under nuisances, and meshes that look like real files.

Every drag runs through :meth:`dragmesh.pipeline.DragMesh.articulate` on the benchmark object's mesh
(mesh coordinates and units, the analytic motion: this is about the joint), exactly as a user's
file would, so sampling, normalisation, physics and limits are all part of what is measured.

Sections (each printed as a table):

- **accuracy**: one row per predictor and drag (person-like, exact): type %, axis median / mean
  (deg), pivot median (% of the diagonal; :func:`~dragmesh.eval.metrics.hinge_offset`, the
  distance between the hinge lines *at the part*, so that a slightly tilted line crossing the true
  one far away does not read as exact, as the plain line distance of ``eval joints`` does), top-3 % (the true joint is the chosen one or one of the
  two alternatives: same type, axis within 10°, hinge line within 5% of the diagonal), ECE (%) of
  ``type_probability`` (10 bins), limits median error (% of the true range, the worse end; samples
  whose type and axis are right and whose true joint is bounded), continuous % (knobs read as
  unbounded), penetration p95 / max (% of the diagonal: how much deeper than under the true joint
  part points that start outside the base go inside it over the trajectory, inside meaning inside
  any closed piece of the clean base (:class:`Pieces`); a few generator objects let the true
  motion itself graze a piece near its limit; parts larger than controls), joint ms p50. Rows: the
  shipped inference and each component switched off (no physics, no ensembling), the previous
  release's snap predictor, the no-learning drag fit and geometric baselines, and the true joint
  (oracle: the true joint through the pipeline, whose penetration is 0 by this definition).
- **stability**: the shipped inference under each nuisance of the same object and drag (another
  seed, shuffled faces and vertices, unwelded vertices as PLY/STL writers leave them, a rigid
  motion with the up given, millimetres, subdivided, re-tessellated, the drag 0.3x / 3x / 30x):
  % of samples whose type changes, p95 of the axis change (deg) and of the pivot change (% of the
  diagonal); for over-long drags also % that end at the limit.
- **real files**: accuracy of the shipped inference on nuisance variants that real files have:
  double-sided faces, duplicated faces, open (holes in the base), inconsistent normals, coarse
  re-tessellation, all of them together in millimetres, and welded (the object re-made as one
  surface, as scans and image-to-3D models arrive; the part given as the faces nearest it).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace

import numpy as np

from dragmesh.eval.metrics import axis_error_deg, hinge_offset

GROUPS = ("seen", "held_out")
STABILITY = ("seed", "shuffled", "unwelded", "rigid", "millimetres", "subdivided", "retessellated",
             "drag x0.3", "drag x3", "drag x30")
REAL_FILES = ("double-sided", "duplicated", "open", "flipped normals", "coarse", "all, in mm", "welded")


@dataclass
class Case:
    """One benchmark drag on a (possibly altered) mesh, mesh coordinates; ``truth`` the true joint
    in the same coordinates (limits relative to the pose in the file, positive along the drag)."""

    vertices: np.ndarray
    faces: np.ndarray
    moving: np.ndarray
    up: np.ndarray
    point: np.ndarray
    vector: np.ndarray
    truth: object
    category: str
    held_out: bool
    seed: int = 0

    @property
    def diagonal(self) -> float:
        return float(np.linalg.norm(np.ptp(self.vertices, axis=0)))


def case_of(sample, exact: bool = False, split: str = "original") -> Case:
    """The Case of a benchmark sample with its mesh (``build_bench(keep_mesh=True)``); ``split``
    names the benchmark split that says which categories are held out."""
    from dragmesh.data.splits import is_held_out

    s = sample.exact_variant() if exact else sample
    return Case(np.asarray(s.vertices, float), np.asarray(s.faces), np.asarray(s.moving_faces, bool),
                np.asarray(s.up, float), np.asarray(s.drag_point_mesh, float), np.asarray(s.drag_vector_mesh, float),
                s.joint_mesh(), s.category, is_held_out(s.category, split))


# ------------------------------------------------------------------------------ nuisances


def _similarity(case: Case, T: np.ndarray, up: np.ndarray | None = None) -> Case:
    """The case moved by the similarity T (4, 4): mesh, drag and truth together."""
    M, t = T[:3, :3], T[:3, 3]
    s = float(np.cbrt(np.linalg.det(M)))
    return replace(case, vertices=case.vertices @ M.T + t, point=M @ case.point + t, vector=M @ case.vector,
                   truth=case.truth.transformed(T), up=(M / s) @ case.up if up is None else up)


def _per_part(case: Case, fn) -> Case:
    """The case with ``fn(vertices, faces) -> (vertices, faces)`` applied to the base and the part
    separately (labels stay exact)."""
    verts, faces, moving, offset = [], [], [], 0
    for flag in (False, True):
        sel = case.faces[case.moving == flag]
        if not len(sel):
            continue
        used, inv = np.unique(sel, return_inverse=True)
        v, f = fn(case.vertices[used], inv.reshape(-1, 3))
        verts.append(np.asarray(v, dtype=np.float64))
        faces.append(np.asarray(f) + offset)
        moving.append(np.full(len(f), flag))
        offset += len(v)
    return replace(case, vertices=np.concatenate(verts), faces=np.concatenate(faces), moving=np.concatenate(moving))


def _subdivide(case: Case) -> Case:
    import trimesh

    return _per_part(case, lambda v, f: trimesh.remesh.subdivide(v, f))


def _retessellate(case: Case) -> Case:
    """Subdivided twice, then base and part each decimated back to about 1.5x their faces
    (quadric error): other triangles over the same surfaces."""
    import open3d as o3d

    def decimate(v, f):
        m = o3d.geometry.TriangleMesh(o3d.utility.Vector3dVector(v), o3d.utility.Vector3iVector(f))
        m = m.simplify_quadric_decimation(max(12, int(1.5 * len(f) / 16)))
        out_v, out_f = np.asarray(m.vertices), np.asarray(m.triangles)
        return (out_v, out_f) if len(out_f) else (v, f)

    out = _per_part(_subdivide(_subdivide(case)), decimate)
    # The grab point stays on the (slightly moved) surface.
    from dragmesh.geometry.triangles import closest_point_on_triangles

    return replace(out, point=closest_point_on_triangles(out.vertices[out.faces[out.moving]], case.point))


def _welded(case: Case, rng: np.random.Generator) -> Case:
    """The case re-made as one welded surface, as scans and image-to-3D models arrive (the
    re-making of ``dragmesh eval segment``: voxelised at 80 to 160 voxels across, marching cubes,
    smoothed, decimated to 20k-60k faces; parts fuse where they touch). The part is the faces
    whose centre lies nearest the original part (or, where welding swallowed it, the faces nearest
    its vertices); the grab point moves onto it."""
    from scipy.spatial import cKDTree

    from dragmesh.eval.segment import FACES, RESOLUTIONS, SMOOTHING
    from dragmesh.geometry.triangles import closest_point_on_triangles
    from dragmesh.segment.welded import transfer_vertex_values, weld_remesh

    vertices, faces = weld_remesh(case.vertices, case.faces, int(rng.integers(*RESOLUTIONS)), rng=rng,
                                  smooth=int(rng.choice(SMOOTHING)), target_faces=int(rng.integers(*FACES)))
    centres = vertices[faces].mean(axis=1)
    moving = transfer_vertex_values(case.vertices, case.faces, case.moving, centres, rng).astype(bool)
    if not moving.any():
        part = case.vertices[np.unique(case.faces[case.moving])]
        moving[np.unique(cKDTree(centres).query(part)[1])] = True
    point = closest_point_on_triangles(vertices[faces[moving]], case.point)
    return replace(case, vertices=vertices, faces=faces, moving=moving, point=point)


def nuisance(case: Case, kind: str, rng: np.random.Generator) -> tuple[Case, dict]:
    """The case under nuisance ``kind`` (a name of :data:`STABILITY` or :data:`REAL_FILES`) and
    the articulate() options it needs."""
    c = case
    if kind == "seed":
        return c, {"seed": 7}
    if kind == "shuffled":
        fp, vp = rng.permutation(len(c.faces)), rng.permutation(len(c.vertices))
        inverse = np.argsort(vp)
        faces = np.roll(inverse[c.faces[fp]], int(rng.integers(1, 3)), axis=1)
        return replace(c, vertices=c.vertices[vp], faces=faces, moving=c.moving[fp]), {}
    if kind == "unwelded":
        return replace(c, vertices=c.vertices[c.faces.reshape(-1)], faces=np.arange(3 * len(c.faces)).reshape(-1, 3)), {}
    if kind == "rigid":
        from scipy.spatial.transform import Rotation

        T = np.eye(4)
        T[:3, :3] = Rotation.random(random_state=int(rng.integers(1 << 31))).as_matrix()
        T[:3, 3] = rng.normal(size=3) * c.diagonal
        return _similarity(c, T), {"frame": T}
    if kind in ("millimetres",):
        T = np.diag([1000.0, 1000.0, 1000.0, 1.0])
        return _similarity(c, T), {"frame": T}
    if kind == "subdivided":
        return _subdivide(c), {}
    if kind in ("retessellated", "coarse"):
        return _retessellate(c), {}
    if kind.startswith("drag x"):
        return replace(c, vector=c.vector * float(kind[6:])), {}
    if kind == "double-sided":
        return replace(c, faces=np.concatenate([c.faces, c.faces[:, ::-1]]), moving=np.concatenate([c.moving, c.moving])), {}
    if kind == "duplicated":
        return replace(c, faces=np.concatenate([c.faces, c.faces]), moving=np.concatenate([c.moving, c.moving])), {}
    if kind == "open":
        # Holes in the base: a tenth of its faces gone, as open carcasses and scans have.
        keep = c.moving | (rng.random(len(c.faces)) >= 0.1)
        return replace(c, faces=c.faces[keep], moving=c.moving[keep]), {}
    if kind == "flipped normals":
        flip = rng.random(len(c.faces)) < 0.5
        faces = c.faces.copy()
        faces[flip] = faces[flip][:, ::-1]
        return replace(c, faces=faces), {}
    if kind == "welded":
        return _welded(c, rng), {}
    if kind == "all, in mm":
        for k in ("double-sided", "open", "flipped normals", "shuffled"):
            c, _ = nuisance(c, k, rng)
        return nuisance(c, "millimetres", rng)
    raise ValueError(f"unknown nuisance {kind!r}")


# ------------------------------------------------------------------------------ running


def articulate_case(dm, case: Case, **options):
    """``dm.articulate`` of a case (part label 1 = the moving faces)."""
    from dragmesh.io import PartMesh

    mesh = PartMesh(case.vertices, case.faces, case.moving.astype(np.int64), ["base", "part"], up=case.up)
    return dm.articulate(mesh, "part", case.point, case.vector, **options)


class Pieces:
    """Which points lie inside the base, piece by piece: the base's connected pieces (closed boxes,
    cylinders, shells, as the generator builds them) often overlap, and one ray's parity over all
    of them says "outside" for a point inside two. Here a point is inside when it is inside any
    one piece, by the parity of that piece's crossings along each of three ray directions (all
    three must say inside that same piece; one that grazes an edge or starts on a face may count
    it once or twice by rounding, so a point is tested away from such coincidences).

    vertices (V, 3), faces (F, 3) of the base."""

    DIRECTIONS = np.array([[0.5773, 0.5774, 0.5773], [-0.6667, 0.3333, 0.6667], [0.2673, -0.8018, 0.5345]])

    def __init__(self, vertices: np.ndarray, faces: np.ndarray):
        import open3d as o3d
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        from dragmesh.physics import Obstacle

        self._o3d = o3d
        self.obstacle = Obstacle(vertices, faces)
        self.empty = self.obstacle.empty
        if self.empty:
            return
        # Pieces by shared vertex indices, as the generator welds each piece (not by position:
        # pieces that touch at a corner stay two).
        n = len(vertices)
        graph = coo_matrix((np.ones(2 * len(faces)), (np.repeat(faces[:, 0], 2), faces[:, 1:].reshape(-1))), shape=(n, n))
        self.face_piece = connected_components(graph, directed=False)[1][faces[:, 0]]
        self.pieces = int(self.face_piece.max()) + 1

    def inside(self, points: np.ndarray) -> np.ndarray:
        """(N,) bool: inside at least one piece, by all three rays through that piece."""
        if self.empty or len(points) == 0:
            return np.zeros(len(points), dtype=bool)
        votes = np.zeros((len(points), self.pieces), dtype=int)
        for d in self.DIRECTIONS:
            rays = np.concatenate([points, np.broadcast_to(d, points.shape)], axis=1).astype(np.float32)
            hits = self.obstacle.scene.list_intersections(self._o3d.core.Tensor(rays))
            ray = hits["ray_ids"].numpy().astype(np.int64)
            piece = self.face_piece[hits["primitive_ids"].numpy().astype(np.int64)]
            counts = np.bincount(ray * self.pieces + piece, minlength=len(points) * self.pieces)
            votes += counts.reshape(len(points), self.pieces) % 2
        # The three rays must agree on one piece: a ray that slips between two triangles of one
        # piece (float32 casts leave such cracks) and another that grazes a second piece do not
        # make a point inside either, and a ray that leaves without a crossing proves it outside.
        return (votes == len(self.DIRECTIONS)).any(axis=1)

    def distance(self, points: np.ndarray) -> np.ndarray:
        """(N,) distance from the nearest base triangle."""
        return self.obstacle.distance(points)


def penetration(case: Case, transforms: np.ndarray, points: int = 256) -> float:
    """How deep part points go inside the base, max over the trajectory's frames (transforms
    (T, 4, 4) from the rest pose), as a fraction of the diagonal. Inside is :class:`Pieces`
    (inside any closed piece of the base), so ``case`` must be a clean mesh of closed pieces;
    points already inside at rest (a drawer box hidden in its body, a knob sunk into its panel) do
    not count."""
    from dragmesh.sampling import canonical_sample

    base = Pieces(case.vertices, case.faces[~case.moving])
    if base.empty:
        return 0.0
    rest = canonical_sample(case.vertices, case.faces[case.moving], points).points
    outside = ~base.inside(rest)
    moved = np.einsum("tij,nj->tni", transforms[1:, :3, :3], rest[outside]) + transforms[1:, None, :3, 3]
    flat = moved.reshape(-1, 3)
    entered = base.inside(flat)
    worst = float(base.distance(flat[entered]).max()) if entered.any() else 0.0
    return worst / case.diagonal


def _match(joint, truth, diag: float, axis_deg: float = 10.0, pivot: float = 0.05) -> bool:
    if joint.type != truth.type or axis_error_deg(joint.axis[None], truth.axis[None])[0] > axis_deg:
        return False
    if truth.type != "revolute":
        return True
    return hinge_offset(joint.origin[None], joint.axis[None], truth.origin[None], truth.axis[None])[0] / diag <= pivot


def record(dm, case: Case, penetrate: bool = True, clean: Case | None = None, frame=None, **options) -> dict:
    """Run one case and measure it against its truth. Penetration is measured on ``clean`` (the
    case before real-file damage, whose frame ``frame`` (4, 4) maps onto this one's), else on the
    case itself."""
    from dragmesh.geometry.joints import Joint
    from dragmesh.models.joint_inference import SMALL_PART

    t0 = time.perf_counter()
    r = articulate_case(dm, case, **options)
    total_ms = (time.perf_counter() - t0) * 1e3
    j, truth, diag = r.joint, case.truth, case.diagonal
    rev = truth.type == "revolute"
    axis = float(axis_error_deg(j.axis[None], truth.axis[None])[0])
    pivot = float("nan")
    if rev:
        pivot = float(hinge_offset(j.origin[None], j.axis[None], truth.origin[None], truth.axis[None])[0] / diag) \
            if j.type == "revolute" else 1.0
    alts = [Joint.from_dict(a) for a in r.alternatives[:2]]
    top3 = any(_match(x, truth, diag) for x in [j] + alts)
    limit_err, continuous_ok = float("nan"), float("nan")
    bounded = truth.limits is not None
    if j.type == truth.type and axis <= 10.0:
        continuous_ok = float((j.limits is None) == (not bounded))
        if bounded and j.limits is not None:
            lo, hi = j.limits
            if j.axis @ truth.axis < 0:
                lo, hi = -hi, -lo
            tlo, thi = truth.limits
            limit_err = max(abs(lo - tlo), abs(hi - thi)) / max(thi - tlo, 1e-12)
    part = case.vertices[np.unique(case.faces[case.moving])]
    small = float(np.linalg.norm(np.ptp(part, axis=0))) < SMALL_PART * diag
    pen = float("nan")
    if penetrate and not small:
        # Depth beyond what the true motion itself reaches: near its limit the true motion of a
        # few generator objects grazes a piece too; what a prediction adds to that is its fault.
        transforms = r.transforms
        v_true = float(truth.drag_value(case.point, case.vector, clamp=True))
        true_transforms = truth.transforms(np.linspace(0.0, v_true, len(transforms)))
        if frame is not None:
            transforms = np.linalg.inv(frame) @ transforms @ frame
            true_transforms = np.linalg.inv(frame) @ true_transforms @ frame
        pen = max(0.0, penetration(clean or case, transforms) - penetration(clean or case, true_transforms))
    return {
        "category": case.category, "group": "held_out" if case.held_out else "seen",
        "type_ok": (j.type == "revolute") == rev, "axis": axis, "pivot": pivot, "prob": float(r.type_probability),
        "top3": top3, "limit_err": limit_err, "continuous_ok": continuous_ok, "penetration": pen,
        "ms": float(r.timing_ms.get("joint", total_ms)), "joint": j, "value": float(r.values[-1]),
    }


def ece(probs: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error (fraction) of confidences in [0.5, 1] against correctness."""
    probs, correct = np.asarray(probs, float), np.asarray(correct, float)
    if not len(probs):
        return float("nan")
    edges = np.linspace(0.5, 1.0, bins + 1)
    idx = np.clip(np.digitize(probs, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        sel = idx == b
        if sel.any():
            total += sel.sum() * abs(correct[sel].mean() - probs[sel].mean())
    return total / len(probs)


def summary(recs: list[dict]) -> dict:
    if not recs:
        return {"n": 0}
    a = lambda k: np.array([r[k] for r in recs], dtype=float)
    finite = lambda x: x[np.isfinite(x)]
    nanmed = lambda x: float(np.median(finite(x))) if finite(x).size else float("nan")
    pen = finite(a("penetration"))
    return {
        "n": len(recs), "type": 100 * a("type_ok").mean(), "axis_med": float(np.median(a("axis"))),
        "axis_mean": float(a("axis").mean()), "pivot_med": 100 * nanmed(a("pivot")), "top3": 100 * a("top3").mean(),
        "ece": 100 * ece(a("prob"), a("type_ok")), "limit_err": 100 * nanmed(a("limit_err")),
        "continuous": 100 * float(np.nanmean(a("continuous_ok"))) if finite(a("continuous_ok")).size else float("nan"),
        "pen_p95": 100 * float(np.percentile(pen, 95)) if pen.size else float("nan"),
        "pen_max": 100 * float(pen.max()) if pen.size else float("nan"),
        "ms": float(np.median(a("ms"))),
    }


# ------------------------------------------------------------------------------ sections


def predictors(weights_dir=None) -> dict:
    """name -> joint predictor: the shipped inference, its ablations, the previous release, baselines."""
    from dragmesh.models.baseline import DragFitJointPredictor, GeometricJointPredictor
    from dragmesh.models.joint_inference import JointInference
    from dragmesh.models.joint_predictor import load_joint_predictor
    from dragmesh.models.weights import WEIGHTS_DIR

    folder = weights_dir or WEIGHTS_DIR
    shipped = JointInference.load(folder)
    return {
        "shipped": shipped,
        "no physics": JointInference.load(folder, physics=False),
        "no ensembling": JointInference.load(folder, views=1),
        "snap (previous)": load_joint_predictor(folder),
        "dragfit": DragFitJointPredictor(),
        "geometric": GeometricJointPredictor(),
    }


def _progress(text: str) -> None:
    import sys

    print(f"dragmesh eval trust: {text}", file=sys.stderr, flush=True)


def accuracy(samples, preds: dict, split: str = "original", oracle: bool = True) -> dict:
    from dragmesh.pipeline import AnalyticMotionGenerator, DragMesh

    out = {}
    for name, predictor in list(preds.items()) + ([("truth (oracle)", None)] if oracle else []):
        # The oracle is the true joint given to the pipeline.
        dm = DragMesh(predictor=predictor or preds["shipped"], generator=AnalyticMotionGenerator())
        for drag in ("perturbed", "exact"):
            _progress(f"accuracy, {name}, {drag} drags, {len(samples)} samples")
            recs = []
            for s in samples:
                case = case_of(s, exact=drag == "exact", split=split)
                recs.append(record(dm, case, **({"joint": case.truth} if predictor is None else {})))
            out[(name, drag)] = {g: summary([r for r in recs if r["group"] == g]) for g in GROUPS}
            out[(name, drag)]["per_category"] = {c: summary([r for r in recs if r["category"] == c])
                                                 for c in sorted({r["category"] for r in recs})}
    return out


def stability(samples, predictor, split: str = "original") -> dict:
    from dragmesh.pipeline import AnalyticMotionGenerator, DragMesh

    dm = DragMesh(predictor=predictor, generator=AnalyticMotionGenerator())
    out = {}
    refs = [record(dm, case_of(s, split=split), penetrate=False) for s in samples]
    for kind in STABILITY:
        _progress(f"stability, {kind}, {len(samples)} samples")
        changed, axis, pivot, at_limit = [], [], [], []
        for i, (s, ref) in enumerate(zip(samples, refs)):
            case = case_of(s, split=split)
            var, options = nuisance(case, kind, np.random.default_rng([i, 17]))
            frame = options.pop("frame", None)
            rec = record(dm, var, penetrate=False, **options)
            a, b = ref["joint"], rec["joint"]
            if frame is not None:
                b = b.transformed(np.linalg.inv(frame))  # back into the reference's frame
            changed.append(a.type != b.type)
            if a.type == b.type:
                axis.append(float(axis_error_deg(a.axis[None], b.axis[None])[0]))
                if a.type == "revolute":
                    pivot.append(float(hinge_offset(a.origin[None], a.axis[None], b.origin[None], b.axis[None])[0]) / case.diagonal)
            if kind == "drag x30" and b.limits is not None:
                at_limit.append(abs(rec["value"] - b.limits[1]) <= 1e-6 * max(1.0, abs(b.limits[1])))
        out[kind] = {"n": len(samples), "type_changed": 100 * float(np.mean(changed)),
                     "axis_p95": float(np.percentile(axis, 95)) if axis else float("nan"),
                     "pivot_p95": 100 * float(np.percentile(pivot, 95)) if pivot else float("nan"),
                     "at_limit": 100 * float(np.mean(at_limit)) if at_limit else float("nan")}
    return out


def real_files(samples, predictor, split: str = "original") -> dict:
    from dragmesh.pipeline import AnalyticMotionGenerator, DragMesh

    dm = DragMesh(predictor=predictor, generator=AnalyticMotionGenerator())
    out = {}
    for kind in ("clean",) + REAL_FILES:
        _progress(f"real files, {kind}, {len(samples)} samples")
        recs = []
        for i, s in enumerate(samples):
            clean = case = case_of(s, split=split)
            frame = None
            if kind != "clean":
                case, options = nuisance(clean, kind, np.random.default_rng([i, 29]))
                frame = options.pop("frame", None)
            recs.append(record(dm, case, clean=clean, frame=frame))
        out[kind] = {g: summary([r for r in recs if r["group"] == g]) for g in GROUPS}
    return out


# ------------------------------------------------------------------------------ printing

COLUMNS = [("type", "type%", "{:.1f}"), ("axis_med", "axis med°", "{:.2f}"), ("axis_mean", "axis mean°", "{:.2f}"),
           ("pivot_med", "pivot med%", "{:.2f}"), ("top3", "top-3%", "{:.1f}"), ("ece", "ECE%", "{:.1f}"),
           ("limit_err", "limits err%", "{:.1f}"), ("continuous", "cont.%", "{:.1f}"),
           ("pen_p95", "pen p95%", "{:.2f}"), ("pen_max", "pen max%", "{:.2f}"), ("ms", "ms p50", "{:.1f}")]


def _table(rows: list[tuple[str, dict]], first: str) -> list[str]:
    lines = [f"| {first} | n | " + " | ".join(c[1] for c in COLUMNS) + " |", "|" + "---|" * (2 + len(COLUMNS))]
    for label, t in rows:
        if t.get("n"):
            lines.append(f"| {label} | {t['n']} | " + " | ".join(c[2].format(t[c[0]]) for c in COLUMNS) + " |")
    return lines


def format_report(acc: dict | None, stab: dict | None, real: dict | None, per_category: bool = False) -> str:
    lines: list[str] = []
    if acc:
        lines += ["Accuracy through the pipeline (benchmark meshes):", ""]
        rows = [(f"{name} / {drag} / {g}", entry[g]) for (name, drag), entry in acc.items() for g in GROUPS]
        lines += _table(rows, "predictor / drag / categories") + [""]
        if per_category:
            entry = acc[("shipped", "perturbed")]["per_category"]
            lines += ["Per category, shipped, person-like drags:", ""]
            lines += _table(list(entry.items()), "category") + [""]
    if stab:
        lines += ["Stability of the shipped inference (same object and drag under each nuisance):", "",
                  "| nuisance | n | type changed% | axis change p95° | pivot change p95% | at limit% |",
                  "|---|---|---|---|---|---|"]
        for kind, t in stab.items():
            lines.append(f"| {kind} | {t['n']} | {t['type_changed']:.1f} | {t['axis_p95']:.2f} | {t['pivot_p95']:.2f} | "
                         + ("" if np.isnan(t["at_limit"]) else f"{t['at_limit']:.1f}") + " |")
        lines.append("")
    if real:
        lines += ["Meshes that look like real files (shipped inference, person-like drags):", ""]
        rows = [(f"{kind} / {g}", entry[g]) for kind, entry in real.items() for g in GROUPS]
        lines += _table(rows, "variant / categories") + [""]
    return "\n".join(lines)


def add_arguments(p) -> None:
    p.add_argument("--weights", default=None, help="folder with the shipped weights (default: weights/)")
    p.add_argument("--sections", default="accuracy,stability,real",
                   help="comma-separated: accuracy, stability, real (default: all)")
    p.add_argument("--every", type=int, default=1, help="accuracy on every k-th benchmark sample (default 1)")
    p.add_argument("--threads", type=int, default=2,
                   help="torch CPU threads (default 2; 1 when two evaluations share two cores)")
    p.add_argument("--stability-every", type=int, default=4, help="stability on every k-th sample (default 4)")
    p.add_argument("--real-every", type=int, default=2, help="real-file variants on every k-th sample (default 2)")
    p.add_argument("--per-category", action="store_true", help="also print the shipped per-category table")
    p.add_argument("--split", choices=("original", "world"), default="original",
                   help="benchmark split: original (24 categories, default) or world (every category; held out = "
                        "the world held-out set + the original four)")
    p.add_argument("--rows", default=None,
                   help="comma-separated accuracy rows to run (default: all): shipped, no physics, no ensembling, "
                        "snap (previous), dragfit, geometric, oracle")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")


def main(args) -> int:
    import torch

    from dragmesh.data.bench import build_bench
    from dragmesh.data.splits import bench_spec
    from dragmesh.errors import InputError

    torch.set_num_threads(max(1, getattr(args, "threads", 2)))
    sections = {s.strip() for s in args.sections.split(",") if s.strip()}
    unknown = sections - {"accuracy", "stability", "real"}
    if unknown:
        raise InputError(f"unknown section(s) {', '.join(sorted(unknown))}; choose from accuracy, stability, real")
    samples = build_bench(bench_spec(args.split), keep_mesh=True)
    preds = predictors(args.weights)
    rows = set(preds) | {"oracle"}
    if args.rows is not None:
        rows = {r.strip() for r in args.rows.split(",") if r.strip()}
        if unknown := rows - set(preds) - {"oracle"}:
            raise InputError(f"unknown row(s) {', '.join(sorted(unknown))}; choose from {', '.join(preds)}, oracle")
    # The shipped inference stays loaded for the other sections and as the oracle's carrier.
    chosen = {k: v for k, v in preds.items() if k in rows or k == "shipped"}
    acc = accuracy(samples[:: max(1, args.every)], chosen, args.split, "oracle" in rows) if "accuracy" in sections else None
    stab = stability(samples[:: max(1, args.stability_every)], preds["shipped"], args.split) if "stability" in sections else None
    real = real_files(samples[:: max(1, args.real_every)], preds["shipped"], args.split) if "real" in sections else None
    if args.json:
        doc = {"accuracy": {f"{n}/{d}": v for (n, d), v in (acc or {}).items()}, "stability": stab, "real_files": real}
        print(json.dumps(doc, default=float))
    else:
        print(format_report(acc, stab, real, per_category=args.per_category))
    return 0
