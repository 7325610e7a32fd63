"""Joint inference a person can trust: ensembled networks as the prior, geometry and physics as
the evidence, limits from both, and the runners-up with honest probabilities.

One drag in (model frame), one :class:`~dragmesh.models.prediction.JointPrediction` out, built in
five steps:

1. **Ensemble.** KPP-Net reads the object in several views at once (one batch): each of
   ``samplings`` disjoint point subsets, turned about up by each of ``VIEW_YAWS`` (quarter turns map
   the model frame's box onto itself, so every view is a valid input); the answers are turned back
   and combined robustly (the principal direction of the axis lines, the median pivot). The type
   classifier reads every subset (it is yaw invariant by construction). The networks read the
   drag brought into the range of lengths they were trained on (:data:`DRAG_RANGE`, relative to
   the part); a drag longer than that is read by its direction alone, at the lengths of
   :data:`OVERLONG_READINGS` in the same batch, and moves the part to its limit.
2. **Candidates.** Joints of both types from the networks (KPP-Net's line, the classifier's
   part-axis choice) and from geometry: the part's box axes, and for hinges the four box edge lines
   along each axis and its centre line. With the base given, hinges where the part touches it
   (:func:`contact_candidates`): along the box axes through each small contact patch (a pin, a
   knuckle), about a small flat patch's normal (a hub, a pivot's overlap), through two pins far
   apart (a globe's poles), and the hinge the drag swings the part about through each bearing.
3. **Evidence.** Each candidate is scored, in log-likelihood units, by the type classifier's
   probability, its agreement with KPP-Net's axis and pivot and with the axis head, a small prior
   for the box's own axes (man-made parts turn and slide along them), how well it lands the dragged
   point (a heavy-tailed term: an exact drag lands exactly, a person's is off by up to ~20°), the
   part's symmetry about a hinge line (a round part turns about its axis), and, when the base's
   triangles are given (:class:`PartScene`), physics: whether the motion the drag
   asks passes through the base (:mod:`dragmesh.physics`), and whether a hinge line touches it.
   The networks stay the prior; physics vetoes and re-ranks. It checks the leading candidates,
   and goes on down the list while it sinks every one it checked, so that no candidate wins
   unchecked.
4. **Probabilities.** A softmax over the candidates' scores with a temperature fitted on
   validation data of the training categories (``weights/calibration.json``); the type probability
   is the mass of the chosen type, and near-identical candidates pool their mass.
5. **Limits.** The range head of the type classifier predicts the joint's range and where the part
   rests in it; a sweep against the base finds the physical stops (closed, pushed into the body),
   which win over the prediction where they are found. The stops of a hinge are where its far
   side meets the base: points near the hinge line graze a neighbour flush with it (a lid's back
   edge against the tank) as soon as the line is a little off (:data:`dragmesh.physics.NEAR_HINGE`).

The answer depends only on the geometry and the drag: the pipeline samples the points
deterministically from the mesh (see :func:`dragmesh.sampling.canonical_sample`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from dragmesh.geometry.joints import PRISMATIC, REVOLUTE, Joint, drag_landing
from dragmesh.geometry.rotations import axis_angle_matrix, cross
from dragmesh.models.baseline import face_planes, part_frame, surface_frames, tighter_frame
from dragmesh.models.prediction import Alternative, JointPrediction
from dragmesh.physics import ContactPatch, Obstacle, contact_patches, line_contacts, moved_points, sweep, sweeps

TYPES = (REVOLUTE, PRISMATIC)
# Half a turn first: the pipeline's frame lays the part's footprint along +X, up to its sign,
# which the first two views cover both ways.
VIEW_YAWS = (0.0, 90.0, 180.0, 270.0)
# The networks read the drag shortened or lengthened into this range (times the part's box
# diagonal): 1% to 140% holds 98% of the training drags (median 17%). Inside it the length is
# evidence (a drag longer than a part's extent along it cannot be a slide; a clock hand's tip
# travels far, a key's a few millimetres); a shorter drag is read as the shortest in-range drag
# of its direction, a longer one at OVERLONG_READINGS, so a drawer dragged 5 or 100 units gives
# one joint, moved to its limit. The drag as given still sets how far the part moves.
DRAG_RANGE = (0.01, 1.4)  # the upper end is also where the pipeline moves a part to its limit
# A drag longer than DRAG_RANGE allows is read at these lengths (times the part's box diagonal)
# at once, in one batch: a short pull, a half and a full opening of a typical part. Only its
# direction is evidence, and the answer does not hang on one arbitrary length.
OVERLONG_READINGS = (0.2, 0.5, 1.0)
# A part whose box diagonal is under this fraction of the object's is a control (knob, button):
# its motion is allowed to sink into the surface it sits on (real ones sit in holes the meshes
# rarely model), so physics neither vetoes nor stops it.
SMALL_PART = 0.15
# Defaults where the type classifier has no range head: a hinge's range, a slide's as a fraction
# of the part's extent along it.
DEFAULT_REVOLUTE_RANGE = np.deg2rad(100.0)
DEFAULT_PRISMATIC_FRACTION = 0.75
# A leading candidate whose drag term is below this lands the drag badly (residual over about
# half the drag's length): the mirrored reading is tried too.
POOR_LANDING = -3.0
# KPP-Net's axis within this angle of a box axis is taken for that axis (see ``candidates``).
NET_AXIS_DISTINCT_DEG = 5.0
# Box lines (the centre line and the edges) closer than this fraction of the part's diagonal are
# one candidate: a thin part's front and back edges, or an edge on its centre.
SAME_LINE = 0.01
# Physics is checked on this many leading candidates; the rest cannot win anyway.
PHYSICS_CANDIDATES = 5
# How far a candidate must move (either way, in all) to count as free: a hinge's angle, a
# slide's fraction of the part's extent along it (a drawer opens most of its depth; one that
# jams after a few centimetres either way is sliding along the wrong axis).
PHYSICS_SPAN_RAD = np.deg2rad(30.0)
PHYSICS_SPAN_PART = 0.5
# A candidate that moves less than this fraction of its test span, both ways together, is jammed
# at rest: blocked by pieces it already overlaps, not by a wrong guess of the joint.
JAMMED = 0.1
# The turns (radians) that test whether a part is round about a hinge line: a small one for a
# round part, and those of three-, four- and five-fold symmetry (a fan's blades, a star knob, a
# square swivel seat). Two-fold symmetry is no evidence: most plates have it.
SYMMETRY_TURNS = np.deg2rad([30.0, 72.0, 90.0, 120.0])
# A part round about a line has its centroid on it (within this fraction of its diagonal).
SYMMETRY_OFF_AXIS = 0.1
# Part points that fix the part's box (deterministic, so the box is too).
BOX_POINTS = 512
# Where the part touches the base: part points within CONTACT_TOLERANCE of the object's diagonal
# of the base (or inside it) are contact; contact points within CONTACT_LINK of the part's
# diagonal of each other are one patch. The part's mesh vertices are probed too (at most
# CONTACT_VERTICES of them): a pin's few millimetres fall between the surface samples.
CONTACT_TOLERANCE = 0.01
CONTACT_LINK = 0.05
CONTACT_VERTICES = 3000
# A part whose probed points touch the base over more than this share rests on it (a hand on its
# dial, a drawer in its slot, a lid closed on its body): where it touches says nothing of what
# it turns on, and no contact candidate is made.
CONTACT_BROAD = 0.4
# A patch is a bearing (a pin, a hub, a knuckle: what a part turns on) when its extent (four
# standard deviations) is under this fraction of the part's diagonal; a door's rim against its
# frame is not one.
BEARING_SIZE = 0.5
# A bearing is flat when its thinnest spread is under this fraction of the middle one: its
# normal is then the axis it turns about (a hub, a pivot's overlap, a swivel plate).
BEARING_FLAT = 0.3
# Two pins (bearings whose extent is under PIN_SIZE of the part's diagonal) at least BEARING_SPAN
# of it apart carry a hinge through both (a globe's poles, a lid's two hinge barrels).
PIN_SIZE = 0.15
BEARING_SPAN = 0.3
# The hinge a drag swings a part about, through a bearing, is taken for a box axis within this
# angle of one.
SWING_SNAP_DEG = 15.0
# A swing needs a lever (from the bearing to the dragged point) of at least this fraction of the
# part's diagonal, and a drag at least this angle (radians) off the lever's line.
SWING_LEVER = 0.05
SWING_MIN_ANGLE = np.arcsin(0.2)


@dataclass(frozen=True)
class Weights:
    """The evidence's weights (log-likelihood units) and scales. Chosen on the seen benchmark
    categories; the temperature is fitted separately (:mod:`dragmesh.eval.trust`)."""

    type_weight: float = 1.0  # the type classifier's log-probability
    axis_sigma_deg: float = 8.0  # KPP-Net axis agreement
    axis_cap: float = 4.0  # the most a disagreement with KPP-Net can cost
    pivot_sigma: float = 0.02  # KPP-Net pivot agreement (model units)
    pivot_cap: float = 4.0
    box_prior: float = 3.0  # a joint along the part's own box axis
    edge_prior: float = 1.5  # a hinge on the part's box edge or centre line
    head_weight: float = 1.0  # the classifier's part-axis head
    drag_sigma: float = 0.06  # heavy-tailed drag landing: -log(1 + (r / sigma)^2)
    drag_weight: float = 0.7
    collision_weight: float = 6.0  # a joint the base blocks both ways
    direction_weight: float = 1.0  # a joint the base blocks in the drag's direction
    contact_sigma: float = 0.03  # hinge line's distance from the base
    contact_cap: float = 3.0
    bearing_prior: float = 3.0  # a hinge through a pin, hub or knuckle where the part meets the base
    symmetry_weight: float = 2.0  # a hinge about which the part is round (turning it maps it onto itself)
    symmetry_tolerance: float = 0.03  # how far turned points may lie off the part (part diagonals)
    temperature: float = 1.0


@dataclass
class PartScene:
    """What physics and the part's box need, model frame: the base as an
    :class:`~dragmesh.physics.Obstacle`, a dense deterministic sample of the part's surface (M, 3),
    the object's box diagonal, and the part's triangles (its box is read from them exactly)."""

    obstacle: Obstacle
    part_points: np.ndarray
    diagonal: float
    part_vertices: np.ndarray | None = None
    part_faces: np.ndarray | None = None
    _contacts: list | None = field(default=None, repr=False)
    _surface: Obstacle | None = field(default=None, repr=False)

    @classmethod
    def build(cls, vertices: np.ndarray, faces: np.ndarray, moving: np.ndarray, part_points: np.ndarray) -> "PartScene":
        """vertices (V, 3) and faces (F, 3) of the whole object in the model frame, ``moving`` (F,)
        bool the part's faces, part_points (M, 3) on the part."""
        used = faces[~moving]
        diag = float(np.linalg.norm(np.ptp(vertices[faces.reshape(-1)], axis=0))) if len(faces) else 1.0
        return cls(Obstacle(vertices, used), np.asarray(part_points, dtype=np.float64), diag,
                   np.asarray(vertices, dtype=np.float64), np.asarray(faces[moving]))

    def box(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The part's box from its triangles: centre (3,), axes (3, 3) rows, extents (3,)."""
        return tighter_frame(surface_frames(self.part_vertices, self.part_faces, self.part_points))

    def surface(self) -> Obstacle | None:
        """The part's own triangles, for distance queries (None without them), built once."""
        if self._surface is None and self.part_faces is not None and len(self.part_faces):
            self._surface = Obstacle(self.part_vertices, self.part_faces)
        return self._surface

    def contacts(self) -> list[ContactPatch]:
        """Where the part touches the base (:func:`part_contacts`), found once."""
        if self._contacts is None:
            self._contacts = part_contacts(self)
        return self._contacts


@dataclass
class Candidate:
    joint: Joint
    source: str
    box_axis: int = -1  # index of the part box axis it runs along, -1 for none
    score: float = 0.0
    terms: dict = field(default_factory=dict)
    ahead: float | None = None  # how far the base lets it move the drag's way (physics only)
    jammed: bool = False  # blocked both ways at rest (physics only; see JAMMED)

    def total(self) -> float:
        """The score: the sum of the evidence terms (``value`` is the drag's joint value, not one)."""
        return sum(x for k, x in self.terms.items() if k != "value")


def yaw_matrix(deg: float) -> np.ndarray:
    """Rotation (3, 3) about +Y by ``deg`` degrees."""
    return axis_angle_matrix(np.array([0.0, 1.0, 0.0]), np.deg2rad(deg))


class JointInference:
    """The shipped joint predictor (see the module docstring).

    Args:
        kppnet: a trained :class:`~dragmesh.models.kppnet.KPPNet`.
        types: a :class:`~dragmesh.models.typenet.TypeClassifier` or None (KPP-Net's type head).
        samplings: disjoint point subsets of ``kppnet.cfg.n_points`` each; the predictor asks for
            ``samplings * n_points`` points (``n_points``).
        views: how many of :data:`VIEW_YAWS` each subset is read in.
        physics: use the base's geometry when the caller gives a :class:`PartScene`.
        weights: the evidence's :class:`Weights`.
    """

    name = "kppnet"
    uses_scene = True  # the pipeline passes a PartScene

    def __init__(self, kppnet, types=None, samplings: int = 1, views: int = 2, physics: bool = True,
                 weights: Weights | None = None, drag_range: tuple[float, float] | None = DRAG_RANGE):
        self.kppnet = kppnet.eval()
        self.types = types
        self.samplings = max(1, int(samplings))
        self.views = max(1, min(int(views), len(VIEW_YAWS)))
        self.physics = physics
        self.weights = weights or Weights()
        self.drag_range = drag_range  # None: the networks read the drag as given
        self.n_points = kppnet.cfg.n_points * self.samplings
        self.last_scores: list[tuple[str, float]] = []  # every candidate of the last drag: (type, score)

    @classmethod
    def load(cls, weights_dir, **options) -> "JointInference":
        """From ``joints.*``, ``types.*`` (when present) and ``calibration.json`` (when present) in
        ``weights_dir``; WeightsError when a file set is missing or corrupted."""
        from dragmesh.models.joint_predictor import LearnedJointPredictor

        base = LearnedJointPredictor.load(weights_dir)
        weights = options.pop("weights", None)
        if weights is None:
            weights = Weights()
            calib = Path(weights_dir) / "calibration.json"
            if calib.is_file():
                from dragmesh.errors import WeightsError

                try:
                    weights = Weights(temperature=float(json.loads(calib.read_text())["temperature"]))
                except (OSError, ValueError, KeyError, TypeError) as exc:
                    raise WeightsError(f"unreadable calibration {calib}: {exc}") from None
        return cls(base.model, base.types, weights=weights, **options)

    # -- networks ---------------------------------------------------------------------------

    @torch.inference_mode()
    def read_networks(self, points, mask, p, v) -> dict:
        """Every view through KPP-Net and every subset through the type classifier, in one batch
        each; ``v`` is one drag (3,) or several readings of it (K, 3) (the same direction at
        several lengths), all in the same batch and combined like the views. Returns the combined
        readings (model frame): ``p_type`` (2,), ``axis`` (3,) unit, ``origin`` (3,),
        ``axis_spread`` (deg), ``head`` [(direction (3,), prob)] and ``head_none``, ``range``
        (RANGE_OUTPUTS,) or None."""
        drags = np.asarray(v, dtype=np.float64).reshape(-1, 3)
        n = self.kppnet.cfg.n_points
        subsets = [np.flatnonzero(np.arange(len(points)) % self.samplings == s)[:n] for s in range(self.samplings)]
        subsets = [s for s in subsets if mask[s].any()] or [np.arange(len(points))[:n]]
        yaws = [yaw_matrix(a) for a in VIEW_YAWS[: self.views]]
        pts, msk, dps, dvs, rots = [], [], [], [], []
        for idx in subsets:
            for R in yaws:
                for d in drags:
                    pts.append(points[idx] @ R.T)
                    msk.append(mask[idx])
                    dps.append(R @ p)
                    dvs.append(R @ d)
                    rots.append(R)
        f = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float32))
        out = self.kppnet(f(pts), f(np.asarray(msk, dtype=np.float32)), f(dps), f(dvs))
        rots = np.asarray(rots)
        axes = np.einsum("bji,bj->bi", rots, out["axis"].double().numpy())  # R^T a
        origins = np.einsum("bji,bj->bi", rots, out["origin"].double().numpy())
        centroid = points[mask].mean(axis=0)
        _, vecs = np.linalg.eigh(axes.T @ axes)
        axis = vecs[:, -1]
        # Each line's point nearest the part's centroid, then the median: one wild view cannot drag it.
        feet = origins + ((centroid - origins) * axes).sum(1, keepdims=True) * axes
        origin = np.median(feet, axis=0)
        spread = float(np.degrees(np.arccos(np.clip(np.abs(axes @ axis), 0.0, 1.0))).mean())
        p_kpp = torch.softmax(out["type_logits"], -1).double().numpy().mean(0)
        reading = {"axis": axis, "origin": origin, "axis_spread": spread, "p_type": p_kpp, "p_kpp": p_kpp,
                   "head": [], "head_none": 1.0, "range": None}
        if self.types is not None:
            reading.update(self._read_types(points, mask, p, drags, subsets))
        return reading

    def _read_types(self, points, mask, p, drags, subsets) -> dict:
        """The type classifier on every subset with every drag (K, 3), in one batch."""
        from dragmesh.models.typenet import part_geometry

        model = self.types.model
        cfg = model.cfg
        geoms = [part_geometry(points[idx], mask[idx], cfg.n_part, cfg.n_context) for idx in subsets]
        rows = [(g, d) for g in geoms for d in drags]
        batch = {k: torch.from_numpy(np.stack([g[k] for g, _ in rows])) for k in geoms[0]}
        f = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float32))
        out = model(batch, f(np.repeat(np.asarray(p)[None], len(rows), 0)), f([d for _, d in rows]), all_heads=True)
        result = {"p_type": torch.softmax(out["types"], -1).double().numpy().mean(0)}
        if out["axis"] is not None:
            q = torch.softmax(out["axis"], -1).double().numpy()
            result["head"] = [(g["axes"][k].astype(np.float64), q[r, k] / len(rows))
                              for r, (g, _) in enumerate(rows) for k in range(3)]
            result["head_none"] = float(q[:, 3].mean())
        if out["range"] is not None:
            result["range"] = out["range"].double().numpy().mean(0)
        return result

    # -- candidates and evidence --------------------------------------------------------------

    def candidates(self, box, reading: dict, joint_type: str | None,
                   patches: list[ContactPatch] = (), drag=None) -> list[Candidate]:
        """Joints worth weighing (see the module docstring); box = the part's (centre, axes, ext,
        planes); ``patches`` where the part touches the base and ``drag`` (point, vector), see
        :func:`contact_candidates`."""
        centre, axes, ext, planes = box
        size = float(np.linalg.norm(ext))
        out: list[Candidate] = []
        net_axis = reading["axis"]
        # KPP-Net's own axis is a candidate only where it is not one of the box's (within
        # NET_AXIS_DISTINCT_DEG): near a box axis it is that axis, read with noise.
        near_box = np.degrees(np.arccos(np.clip(np.abs(axes @ net_axis).max(), 0, 1))) < NET_AXIS_DISTINCT_DEG
        axis_set = [(axes[k], k) for k in range(3)] + ([] if near_box else [(net_axis, -1)])
        for a, k in axis_set:
            if joint_type in (None, PRISMATIC):
                out.append(Candidate(Joint(PRISMATIC, a, centre), "box" if k >= 0 else "kppnet", k))
            if joint_type in (None, REVOLUTE):
                lines = [(reading["origin"], "kppnet")]
                if k >= 0:
                    i, j = [n for n in range(3) if n != k]
                    lines.append((centre, "box centre"))
                    # Edges where two of the part's faces meet, outermost in at least one direction.
                    pi, pj = planes[i], planes[j]
                    offsets = [(0.0, 0.0)]
                    for ai, a_ in enumerate(pi):
                        for bj, b_ in enumerate(pj):
                            # A thin part's two sides are one line, however its rounding falls.
                            if (ai in (0, len(pi) - 1) or bj in (0, len(pj) - 1)) and \
                                    min(np.hypot(a_ - x, b_ - y) for x, y in offsets) > SAME_LINE * size:
                                offsets.append((a_, b_))
                                lines.append((centre + a_ * axes[i] + b_ * axes[j], "box edge"))
                for o, src in lines:
                    out.append(Candidate(Joint(REVOLUTE, a, o), src if k >= 0 or src != "kppnet" else "kppnet", k))
        if joint_type in (None, REVOLUTE) and patches:
            out += contact_candidates(patches, axes, size, drag)
        return out

    def score(self, cands: list[Candidate], reading: dict, p, v, scene: PartScene | None, small: bool,
              joint_type: str | None) -> None:
        """Fill each candidate's ``terms`` and ``score`` (log-likelihood units)."""
        w = self.weights
        # Landing is judged on the drag as given: an exact drag's chord pins the hinge line (judged
        # on the direction alone, the pivot median with exact drags measured 0.88% against 0.32%).
        values, residuals = drag_landing([c.joint for c in cands], p, v)
        p_type = reading["p_type"]
        for c, value, r in zip(cands, values, residuals):
            a = c.joint.axis
            t = {}
            t["type"] = 0.0 if joint_type else w.type_weight * float(np.log(max(p_type[TYPES.index(c.joint.type)], 1e-6)))
            angle = float(np.degrees(np.arccos(min(1.0, abs(a @ reading["axis"])))))
            # KPP-Net regressed the axis of the type it believes in: its axis speaks for a
            # candidate in proportion to its own belief in that candidate's type.
            belief = float(reading["p_kpp"][TYPES.index(c.joint.type)])
            t["axis"] = -belief * min(0.5 * (angle / w.axis_sigma_deg) ** 2, w.axis_cap)
            if c.joint.type == REVOLUTE:
                rel = reading["origin"] - c.joint.origin
                d = float(np.linalg.norm(rel - (rel @ a) * a))
                t["pivot"] = -min(0.5 * (d / w.pivot_sigma) ** 2, w.pivot_cap)
            t["box"] = w.box_prior if c.box_axis >= 0 else 0.0
            if c.source in ("box edge", "box centre", "contact", "swing") and c.box_axis >= 0:
                t["box"] += w.edge_prior
            if c.source in ("bearing", "bearings", "swing") and c.box_axis < 0:
                t["box"] = w.bearing_prior
            if reading["head"]:
                support = sum(q for d, q in reading["head"] if abs(d @ a) >= np.cos(np.deg2rad(10.0)))
                t["head"] = w.head_weight * float(np.log(0.05 + support + (reading["head_none"] if c.box_axis < 0 else 0.0)))
            t["drag"] = -w.drag_weight * float(np.log1p((r / w.drag_sigma) ** 2))
            c.terms, c.score = t, sum(t.values())
            c.terms["value"] = float(value)
        if scene is None or not self.physics:
            return
        self._symmetry(cands, scene)
        if not small:
            self._check_leaders(cands, scene)

    def _symmetry(self, cands: list[Candidate], scene: PartScene) -> None:
        """Add the symmetry term to the hinges: a part that is round about a line (a knob, a cap,
        a ring, a wheel, a globe) is made round because it turns about it. The part's points,
        turned by one of :data:`SYMMETRY_TURNS`, must stay on its surface (their 90th
        percentile distance within ``symmetry_tolerance`` of its diagonal: a plate turned in its
        own plane keeps most points on it, not its corners). A part longer along the line than
        across it (a rod, a handle, a pen) is round about its length without turning about it:
        no term. A round part's centroid lies on its axis: lines farther than
        :data:`SYMMETRY_OFF_AXIS` of its diagonal from it are not tested."""
        surface = scene.surface()
        pts = _probe_points(scene)
        centroid = pts.mean(axis=0)
        size = max(float(np.linalg.norm(np.ptp(scene.part_points, axis=0))), 1e-12)
        hinges = []
        for c in cands:
            if c.joint.type != REVOLUTE:
                continue
            off = centroid - c.joint.origin
            if np.linalg.norm(off - (off @ c.joint.axis) * c.joint.axis) > SYMMETRY_OFF_AXIS * size:
                continue
            rel = pts - c.joint.origin
            along = rel @ c.joint.axis
            across = np.linalg.norm(rel - along[:, None] * c.joint.axis, axis=1)
            if np.ptp(along) <= 2.0 * across.max():
                hinges.append(c)
        if surface is None or not hinges:
            return
        w = self.weights
        turns = np.tile(SYMMETRY_TURNS, len(hinges))
        moved = moved_points([c.joint for c in hinges for _ in SYMMETRY_TURNS], pts, turns)  # (H * T, N, 3)
        gaps = surface.distance(moved.reshape(-1, 3)).reshape(len(hinges), len(SYMMETRY_TURNS), -1)
        off = np.percentile(gaps, 90, axis=2).min(axis=1) / size
        for c, d in zip(hinges, off):
            c.terms["symmetry"] = w.symmetry_weight * float(np.exp(-0.5 * (d / w.symmetry_tolerance) ** 2))
            c.score = c.total()

    def _check_leaders(self, cands: list[Candidate], scene: PartScene) -> None:
        """Physics on the leading candidates only: the rest cannot win anyway, unless physics sinks
        the ones it checked, so it goes on down the list, :data:`PHYSICS_CANDIDATES` at a time,
        until the leader is one it checked. Where every leading candidate is jammed both ways at
        rest (pieces that interpenetrate, as a pair of pliers at its pin, or a seat under its
        closed lid), the base says nothing about this part: physics is dropped, the prior ranks."""
        lead = sorted(cands, key=lambda c: -c.score)[:PHYSICS_CANDIDATES]
        self._physics(lead, scene)
        if all(c.jammed for c in lead):
            for c in lead:
                c.terms["collision"] = c.terms["direction"] = 0.0
                c.score = c.total()
            return
        while True:
            unchecked = sorted((c for c in cands if "collision" not in c.terms), key=lambda c: -c.score)
            if not unchecked or max(cands, key=lambda c: c.score) not in unchecked:
                return
            self._physics(unchecked[:PHYSICS_CANDIDATES], scene)

    def _physics(self, lead: list[Candidate], scene: PartScene) -> None:
        """Add the physics terms to the candidates ``lead`` (see :meth:`score`): whether the base
        blocks the joint both ways, or in the drag's direction, and whether a hinge touches it."""
        # A joint the base blocks in the drag's direction alone is a part pushed the wrong way (its
        # limit holds it); one that cannot move either way is not the joint.
        w = self.weights
        pts = _probe_points(scene)
        jobs = []
        for c in lead:
            sign = 1.0 if c.terms["value"] >= 0 else -1.0
            span = _physics_span(c.joint, scene)
            jobs += [(c.joint, sign, span), (c.joint, -sign, span)]
        # Every point counts here: a hinge put on the wrong face of a door jams the door's corner
        # next to it against the frame, the very contact the limits' stops set aside.
        swept = sweeps(scene.obstacle, jobs, pts, steps=3, near_hinge=0.0)
        hinges = [c for c in lead if c.joint.type == REVOLUTE]
        gaps = dict(zip(map(id, hinges), line_contacts(scene.obstacle, [c.joint for c in hinges], scene.part_points)))
        for n, c in enumerate(lead):
            span = jobs[2 * n][2]
            c.ahead = ahead = swept[2 * n].free
            behind = swept[2 * n + 1].free
            c.terms["collision"] = -w.collision_weight * (1.0 - min(1.0, (ahead + behind) / span))
            c.jammed = ahead + behind < JAMMED * span
            # Between near-identical lines (a door's front and back edge), the one that lets the
            # part move the way it is dragged; weak, so a push into the body keeps its joint.
            c.terms["direction"] = -w.direction_weight * (1.0 - ahead / span)
            if c.joint.type == REVOLUTE:
                gap = gaps[id(c)]
                c.terms["contact"] = -min(0.5 * (max(gap - 0.01, 0.0) / w.contact_sigma) ** 2, w.contact_cap)
            c.score = c.total()

    # -- limits ---------------------------------------------------------------------------------

    def limits(self, joints: list[Joint], reading: dict, part: np.ndarray, box, scene: PartScene | None,
               small: bool) -> list[tuple[float, float] | None]:
        """(lower, upper) of each joint (positive values follow the drag), or None (continuous).
        See the module docstring, step 5. The physical stops of all joints are swept together."""
        priors = []
        for joint in joints:
            k = TYPES.index(joint.type)
            extent = float(np.ptp(part @ joint.axis)) if joint.type == PRISMATIC else 0.0
            rng = reading.get("range")
            if rng is not None:
                if rng[0] > 0.0 and joint.type == REVOLUTE:
                    priors.append(None)
                    continue
                scale = float(box[2][0])
                total = float(np.exp(rng[1 + k])) * (1.0 if joint.type == REVOLUTE else scale)
                share = float(1.0 / (1.0 + np.exp(-rng[3 + k])))
                if reading.get("mirrored"):
                    share = 1.0 - share  # the range head read the opposite drag
            else:
                total = DEFAULT_REVOLUTE_RANGE if joint.type == REVOLUTE else DEFAULT_PRISMATIC_FRACTION * extent
                share = 1.0
            if joint.type == REVOLUTE:
                total = min(total, 2 * np.pi)
            priors.append((share * total, -(1.0 - share) * total, total))
        if scene is None or not self.physics or small:
            return [None if q is None else (q[1], q[0]) for q in priors]
        pts = scene.part_points[:: max(1, len(scene.part_points) // 128)]

        def reach(joint, x, total):
            return min(1.3 * x + 0.05 * total, np.pi) if joint.type == REVOLUTE else 1.3 * x + 0.05 * total

        bounded = [(j, q) for j, q in zip(joints, priors) if q is not None]
        jobs = [job for j, (upper, lower, total) in bounded
                for job in ((j, +1.0, reach(j, upper, total)), (j, -1.0, reach(j, -lower, total)))]
        swept = iter(sweeps(scene.obstacle, jobs, pts))
        out = []
        for q in priors:
            if q is None:
                out.append(None)
                continue
            upper, lower, total = q
            up, down = next(swept), next(swept)
            if up.blocked and down.blocked and up.free + down.free < 0.1 * total:
                out.append((lower, upper))  # jammed both ways at rest: interpenetrating pieces, not stops
            elif down.blocked and not up.blocked:
                out.append((-down.free, max(upper, total - down.free)))
            elif up.blocked and not down.blocked:
                out.append((min(lower, -(total - up.free)), up.free))
            elif up.blocked and down.blocked:
                out.append((-down.free, up.free))
            else:
                out.append((lower, upper))
        return out

    def _weigh(self, points, mask, box, p, v_land, v_read, scene, small, joint_type) -> tuple[dict, list[Candidate]]:
        """The networks' reading of the drag (p, v_read: (3,) or (K, 3), see read_networks) and the
        candidates scored against the drag (p, v_land) and the scene."""
        reading = self.read_networks(points, mask, p, v_read)
        patches = scene.contacts() if scene is not None and self.physics and not small else []
        cands = self.candidates(box, reading, joint_type, patches, (p, v_land))
        self.score(cands, reading, p, v_land, scene, small, joint_type)
        return reading, cands

    def _pushed_into_base(self, cands: list[Candidate], scene: PartScene | None, small: bool) -> bool:
        """Whether the leading candidate's motion in the drag's direction is blocked at once."""
        if scene is None or not self.physics or small:
            return False
        best = max(cands, key=lambda c: c.score)
        value = best.terms.get("value", 0.0)
        if abs(value) <= 1e-9:
            return False
        span = _physics_span(best.joint, scene)
        if best.ahead is None:  # not among the candidates physics already swept
            best.ahead = sweep(scene.obstacle, best.joint, _probe_points(scene), np.sign(value), span, steps=3).free
        return best.ahead < 0.2 * span

    # -- the interface every predictor has ----------------------------------------------------------

    def predict(self, points, mask, drag_point, drag_vector, joint_type: str | None = None,
                scene: PartScene | None = None) -> JointPrediction:
        """points (N, 3) model frame, mask (N,) bool, drag (3,), (3,); joint_type forces the type;
        scene adds physics. Returns the joint (limits set), its type probability and alternatives."""
        points = np.asarray(points, dtype=np.float64)
        mask = np.asarray(mask, dtype=bool)
        p = np.asarray(drag_point, dtype=np.float64)
        v = np.asarray(drag_vector, dtype=np.float64)
        length = float(np.linalg.norm(v))
        v_net = v_read = v
        if self.drag_range is not None:
            part_size = part_diagonal(points, mask)
            lo, hi = self.drag_range
            unit = v / max(length, 1e-12)
            v_net = unit * float(np.clip(length, lo * part_size, hi * part_size))
            if length > hi * part_size:
                # Past the longest drag a part makes, the length says nothing more: the
                # networks read the direction at the lengths of OVERLONG_READINGS together.
                v_read = unit[None] * (np.asarray(OVERLONG_READINGS) * part_size)[:, None]
        part = scene.part_points if scene is not None else points[mask]
        obj_diag = scene.diagonal if scene is not None else float(np.linalg.norm(np.ptp(points, axis=0)))
        small = float(np.linalg.norm(np.ptp(part, axis=0))) < SMALL_PART * obj_diag
        if scene is not None and scene.part_vertices is not None:
            box = scene.box()
        else:
            box = part_frame(part[:: max(1, len(part) // BOX_POINTS)])
        box = (*box, face_planes(part, *box))
        reading, cands = self._weigh(points, mask, box, p, v_net, v_read, scene, small, joint_type)
        best = max(cands, key=lambda c: c.score)
        if best.terms.get("drag", 0.0) < POOR_LANDING or self._pushed_into_base(cands, scene, small):
            # The networks learned from drags a part can make; a push into the body (a closed
            # drawer pushed in), or a drag no candidate of this reading can follow, is also read
            # as the pull it mirrors, the same joint. The better supported reading wins; the
            # limits then hold the part where the base stops it.
            mirrored = self._weigh(points, mask, box, p, v_net, -v_read, scene, small, joint_type)
            if max(c.score for c in mirrored[1]) > max(c.score for c in cands):
                reading, cands = {**mirrored[0], "mirrored": True}, mirrored[1]
        scores = np.array([c.score for c in cands]) / self.weights.temperature
        prob = np.exp(scores - scores.max())
        prob /= prob.sum()
        groups = _group(cands, prob)
        best = groups[0]
        p_type = sum(g[1] for g in groups if g[0].joint.type == best[0].joint.type)
        leaders = groups[:3]
        values = drag_landing([cand.joint for cand, _ in leaders], p, v)[0]
        joints = [cand.joint.flipped() if value < 0 else cand.joint for (cand, _), value in zip(leaders, values)]
        ranges = self.limits(joints, reading, part, box, scene, small)
        chosen = [(Joint(j.type, j.axis, j.origin, r), float(mass), cand)
                  for j, r, (cand, mass) in zip(joints, ranges, leaders)]
        alternatives = [Alternative(j, m, c.source) for j, m, c in chosen[1:]]
        self.last_scores = [(c.joint.type, float(c.score)) for c in cands]  # for calibration
        return JointPrediction(joint=chosen[0][0], type_probability=1.0 if joint_type else float(p_type),
                               alternatives=alternatives, source=chosen[0][2].source,
                               probability=1.0 if joint_type is None and len(groups) == 1 else chosen[0][1],
                               evidence={k: round(float(x), 4) for k, x in chosen[0][2].terms.items()},
                               scores=[(c.joint.type, float(c.score)) for c in cands])


def part_diagonal(points: np.ndarray, mask: np.ndarray) -> float:
    """The box diagonal of the sampled points on the part (``mask``), 1.0 without any: the size
    that drag lengths are measured against (:data:`DRAG_RANGE`)."""
    return float(np.linalg.norm(np.ptp(points[mask], axis=0))) if mask.any() else 1.0


def part_contacts(scene: PartScene) -> list[ContactPatch]:
    """Where the part touches the base (:func:`dragmesh.physics.contact_patches`), probed at its
    surface samples and at up to :data:`CONTACT_VERTICES` of its mesh vertices' positions (each
    once, chosen by position: the face order and unwelded copies change nothing); none where it
    rests on the base (:data:`CONTACT_BROAD`)."""
    from dragmesh.sampling import distinct_points

    probe = scene.part_points
    if scene.part_vertices is not None and scene.part_faces is not None and len(scene.part_faces):
        corners = scene.part_vertices[np.unique(scene.part_faces)]
        probe = np.concatenate([probe, distinct_points(corners, 1e-6 * scene.diagonal, CONTACT_VERTICES)])
    size = float(np.linalg.norm(np.ptp(scene.part_points, axis=0)))
    patches, share = contact_patches(scene.obstacle, probe, CONTACT_TOLERANCE * scene.diagonal, CONTACT_LINK * size)
    return patches if share <= CONTACT_BROAD else []


def contact_candidates(patches: list[ContactPatch], axes: np.ndarray, size: float,
                       drag: tuple[np.ndarray, np.ndarray] | None = None) -> list[Candidate]:
    """Hinges where the part meets the base, at its bearings (the patches smaller than
    :data:`BEARING_SIZE` of the part's diagonal ``size``): along each box axis ``axes`` (3, 3)
    through each bearing ("contact": a pin or a knuckle off the box's edges, as a pair of pliers'
    pivot); about the normal of a flat bearing ("bearing": a hub, a swivel plate, a pivot's
    overlap); and through two pins far apart ("bearings": a globe's poles, a lid's two barrels).
    With the ``drag`` (point, vector), also the hinge through each bearing that the drag swings
    the part about ("swing": perpendicular to the drag and to the lever from the bearing to the
    point; a lamp's arm on its knuckle), taken for a box axis within :data:`SWING_SNAP_DEG` of one
    (a person's drag is off by up to 20°); not where the lever is under :data:`SWING_LEVER` of the
    part's diagonal or the drag runs within :data:`SWING_MIN_ANGLE` of it (no direction to speak
    of). A swing along a box axis coincides with that axis's contact hinge and stays a candidate
    of its own: pooled (:func:`_group`), the two count for more, the drag's word for the bearing
    it turns on. Other axes within :data:`NET_AXIS_DISTINCT_DEG` of a box axis are that box axis."""
    out = []
    near = np.cos(np.deg2rad(NET_AXIS_DISTINCT_DEG))

    def add(axis, origin, source, snap=near):
        axis = axis / np.linalg.norm(axis)
        k = int(np.argmax(np.abs(axes @ axis)))
        if abs(axes[k] @ axis) < snap:
            out.append(Candidate(Joint(REVOLUTE, axis, origin), source, -1))
        else:
            out.append(Candidate(Joint(REVOLUTE, axes[k], origin), "swing" if source == "swing" else "contact", k))

    bearings = [p for p in patches if 4.0 * p.spread[0] < BEARING_SIZE * size]
    for p in bearings:
        for k in range(3):
            out.append(Candidate(Joint(REVOLUTE, axes[k], p.centre), "contact", k))
        if p.count >= 3 and p.spread[2] < BEARING_FLAT * p.spread[1]:
            add(p.axes[2], p.centre, "bearing")
        if drag is not None:
            lever = drag[0] - p.centre
            swing = cross(lever, drag[1])
            reach = np.linalg.norm(lever) * np.linalg.norm(drag[1])
            if np.linalg.norm(lever) >= SWING_LEVER * size and np.linalg.norm(swing) > np.sin(SWING_MIN_ANGLE) * reach:
                add(swing, p.centre, "swing", np.cos(np.deg2rad(SWING_SNAP_DEG)))
    pins = [p for p in bearings if 4.0 * p.spread[0] < PIN_SIZE * size]
    for i, p in enumerate(pins):
        for q in pins[i + 1:]:
            gap = q.centre - p.centre
            if np.linalg.norm(gap) >= BEARING_SPAN * size:
                add(gap, 0.5 * (p.centre + q.centre), "bearings")
    return out


def _probe_points(scene: PartScene) -> np.ndarray:
    """About 64 of the part's points: enough to tell whether a candidate's motion is blocked."""
    return scene.part_points[:: max(1, len(scene.part_points) // 64)]


def _physics_span(joint: Joint, scene: PartScene) -> float:
    """How far a candidate is swept to test it: :data:`PHYSICS_SPAN_RAD` for a hinge,
    :data:`PHYSICS_SPAN_PART` of the part's extent along a slide."""
    if joint.type == REVOLUTE:
        return float(PHYSICS_SPAN_RAD)
    return PHYSICS_SPAN_PART * float(np.ptp(scene.part_points @ joint.axis))


def _group(cands: list[Candidate], prob: np.ndarray, axis_deg: float = 5.0, pivot: float = 0.1) -> list:
    """Candidates pooled into distinct joints (same type, axes within ``axis_deg``, hinge lines
    within ``pivot``), each represented by its best member: [(candidate, summed probability)],
    most probable first."""
    order = np.argsort(-prob)
    groups: list[list] = []
    for i in order:
        c = cands[i]
        for g in groups:
            r = g[0].joint
            if r.type != c.joint.type or abs(r.axis @ c.joint.axis) < np.cos(np.deg2rad(axis_deg)):
                continue
            if r.type == REVOLUTE:
                rel = c.joint.origin - r.origin
                if np.linalg.norm(rel - (rel @ r.axis) * r.axis) > pivot:
                    continue
            g[1] += float(prob[i])
            break
        else:
            groups.append([c, float(prob[i])])
    groups.sort(key=lambda g: -g[1])
    return [tuple(g) for g in groups]
