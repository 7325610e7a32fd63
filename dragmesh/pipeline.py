"""One drag in, a joint and a trajectory out: the articulation pipeline.

Data flows through the stages in the order of the package layout (timed, in milliseconds):

1. ``load``       mesh file -> :class:`~dragmesh.io.PartMesh` (:meth:`DragMesh.load`; skipped when one
                  is given, :func:`with_up` when an up is given with it)
2. ``part``       part names / labels -> face mask; the drag is checked against the part
                  (:func:`select_part`)
3. ``sample``     normalisation (:class:`~dragmesh.normalize.Normalization`) and N surface points
                  with the part mask, in the model frame (:func:`sample_model_frame`)
4. ``joint``      joint inference (a predictor's ``predict``), or the user's joint mapped in
                  (:meth:`DragMesh.choose_joint`); its conventional origin and the sign rule
                  (:func:`orient_joint`)
5. ``motion``     raw trajectory, (S, T, 8) dual quaternions (a generator's ``generate``,
                  :meth:`DragMesh.generate_motion`)
6. ``projection`` each raw frame snapped onto the joint's one-parameter motion, clamped to limits
                  (:func:`project_frames`), and how far the raw frames were from it
                  (:func:`kinematic_violation`)
7. ``output``     everything mapped back to the input mesh's coordinates and units
                  (:func:`to_mesh_frame`)

The arguments are checked before the stages (:func:`check_request`) and the stages' outputs become
an :class:`ArticulationResult` after them (:func:`build_result`). The result's files are written by
:mod:`dragmesh.export.results`, which also combines several results into one asset (:func:`combine`).

The sign rule (docs/architecture.md, Conventions): a positive joint value is the motion the drag asks for. When a joint's
value for the drag is negative the joint is flipped (axis negated, limits swapped), so values are
>= 0 and the part moves the way it is dragged.

Predictors and generators are duck-typed so the learned models plug in without this file changing:

    predictor.predict(points (N, 3) float32, mask (N,) bool, drag_point (3,), drag_vector (3,),
                      joint_type: str | None) -> JointPrediction(joint (model frame), type_probability)
    generator.generate(points, mask, joint (model frame), drag_point, drag_vector, value: float,
                       frames: int, samples: int, seed: int) -> raw dual quaternions (S, T, 8)

By default :func:`default_components` loads the shipped KPP-Net and DQ-VAE from ``weights/``; the
geometric baseline and :class:`AnalyticMotionGenerator` need no weights.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np
import torch

from dragmesh.errors import DragError, InputError
from dragmesh.export.results import combine, export_result, result_name, write_result
from dragmesh.geometry.dualquat import (dq_normalize, np_dq_apply, np_dq_from_matrix, np_dq_to_matrix,
                                        project_dq_to_value)
from dragmesh.geometry.joints import JOINT_TYPES, Joint, canonical_origin
from dragmesh.geometry.triangles import closest_point_on_triangles, nearest_on_triangles
from dragmesh.io import PartMesh, load_mesh
from dragmesh.io.values import (check_frames, check_joint_value, check_part, check_path, check_samples, check_seed,
                                check_vector3)
from dragmesh.model_names import JOINT_MODELS, MOTION_MODELS
from dragmesh.models.joint_inference import DRAG_RANGE, part_diagonal
from dragmesh.normalize import Normalization, unit_up
from dragmesh.sampling import face_areas, lattice_sample, min_masked_points

# The drag point must lie within this fraction of the object's bounding-box diagonal of the part.
DRAG_TOLERANCE = 0.02
# Points sampled on the object when the predictor does not say how many it wants.
DEFAULT_POINTS = 1024
# Part points used to fit each raw frame onto the joint (least squares, closed form; exact for a
# joint motion, and plenty for a near-joint one).
PROJECTION_POINTS = 64
STAGES = ("load", "part", "sample", "joint", "motion", "projection", "output")


# ---------------------------------------------------------------------------------------------
# Motion generation fallback
# ---------------------------------------------------------------------------------------------


class AnalyticMotionGenerator:
    """The baseline motion generator: the exact joint motion with values linear from 0 (rest) to the
    drag's value, identical for every sample. Same interface as the DQ-VAE."""

    name = "analytic"

    def generate(
        self,
        points: np.ndarray,
        mask: np.ndarray,
        joint: Joint,
        drag_point: np.ndarray,
        drag_vector: np.ndarray,
        value: float,
        frames: int = 16,
        samples: int = 1,
        seed: int = 0,
    ) -> np.ndarray:
        """Raw dual quaternions (samples, frames, 8) in the model frame; frame 0 is the identity."""
        dq = joint.dual_quaternions(np.linspace(0.0, float(value), frames))
        return np.broadcast_to(dq, (samples, frames, 8)).copy()


# A drag longer than this many of the moving part's box diagonals is longer than any motion of a
# part: it moves the part to its limit (:func:`orient_joint`). It is where the joint inference
# starts reading a drag by its direction alone (the longest drag of its training data).
OVERLONG_DRAG = DRAG_RANGE[1]
# Points sampled on the moving part for the physical checks (the part's box, sweeps, contact):
# 512 scored as well as 1,024 on every 6th benchmark drag (type, axis, limits) at 15 % less joint time.
SCENE_PART_POINTS = 512


def default_components(weights_dir=None, joint_model: str = "kppnet", motion_model: str = "dqvae"):
    """The (joint predictor, motion generator) a :class:`DragMesh` uses.

    joint_model: "kppnet" (the shipped joint inference: KPP-Net and the part-frame type classifier
    as the prior, geometry and physics as evidence, limits and alternatives;
    :mod:`dragmesh.models.joint_inference`), "geometric" (the no-learning baseline) or "dragfit"
    (the no-learning fit that keeps the box-axis joint landing the drag best). motion_model: "dqvae" (the shipped DQ-VAE) or "analytic" (the joint's
    motion linear in its value). The learned ones load from ``weights_dir`` (default: the
    repository's ``weights/``) and raise WeightsError when their files are missing or corrupted.
    """
    from dragmesh.models.baseline import DragFitJointPredictor, GeometricJointPredictor
    from dragmesh.models.dqvae import load_motion_generator
    from dragmesh.models.joint_inference import JointInference
    from dragmesh.models.weights import WEIGHTS_DIR

    if joint_model not in JOINT_MODELS:
        raise InputError(f"unknown joint model {joint_model!r}; choose from {', '.join(JOINT_MODELS)}")
    if motion_model not in MOTION_MODELS:
        raise InputError(f"unknown motion model {motion_model!r}; choose from {', '.join(MOTION_MODELS)}")
    weights_dir = weights_dir or WEIGHTS_DIR
    if joint_model == "kppnet":
        predictor = JointInference.load(weights_dir)
    else:
        predictor = GeometricJointPredictor() if joint_model == "geometric" else DragFitJointPredictor()
    generator = load_motion_generator(weights_dir) if motion_model == "dqvae" else AnalyticMotionGenerator()
    return predictor, generator


# ---------------------------------------------------------------------------------------------
# Input checks (once, at the edge)
# ---------------------------------------------------------------------------------------------


def as_vector3(value: Any, name: str, error: type[InputError] = InputError) -> np.ndarray:
    """Three finite numbers (a sequence, an array, or text ``"X,Y,Z"``) as a (3,) float64 array."""
    if isinstance(value, str):
        value = [v for v in value.replace(",", " ").split() if v]
    try:
        vec = np.asarray(value, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise error(f"{name} must be three numbers X,Y,Z, got {value!r}") from None
    if vec.shape != (3,):
        raise error(f"{name} must be three numbers X,Y,Z, got {vec.size}")
    if not np.isfinite(vec).all():
        raise error(f"{name} must be finite, got {vec.tolist()}")
    return vec


def check_drag(
    mesh: PartMesh, face_mask: np.ndarray, point: Any, vector: Any, part_label: str
) -> tuple[np.ndarray, np.ndarray]:
    """Validate a drag in mesh coordinates against the moving part.

    Returns (point (3,), vector (3,)) float64. Raises DragError when either is not three finite
    numbers, the vector is zero, or the point is farther than ``DRAG_TOLERANCE`` times the object's
    bounding-box diagonal from the part's surface.
    """
    p = as_vector3(point, "drag point", DragError)
    v = as_vector3(vector, "drag vector", DragError)
    lo, hi = mesh.vertices.min(axis=0), mesh.vertices.max(axis=0)
    diagonal = float(np.linalg.norm(hi - lo))
    if float(np.linalg.norm(v)) <= 1e-9 * max(diagonal, 1e-12):
        raise DragError(f"drag vector is zero ({v.tolist()}); drag the part some distance")
    triangles = mesh.vertices[mesh.faces[face_mask]]
    nearest = closest_point_on_triangles(triangles, p)
    distance = float(np.linalg.norm(nearest - p))
    tolerance = DRAG_TOLERANCE * diagonal
    if distance > tolerance:
        raise DragError(
            f"drag point ({', '.join(f'{x:.4g}' for x in p)}) is {distance:.4g} from part {part_label}, "
            f"more than the tolerance {tolerance:.4g} (2% of the object's size); pick a point on the part"
        )
    return p, v


@dataclass(frozen=True)
class Request:
    """The arguments of one :meth:`DragMesh.articulate` call, checked by :func:`check_request`.

    mesh: a PartMesh, or a mesh file's path. part: a part name or label, or a list of them; None
    to find the part under the drag point. drag_point, drag_vector: as given, known to be three
    finite numbers each (checked against the part by :func:`select_part`). joint: the user's joint
    in mesh coordinates, or None. joint_type: "revolute", "prismatic" or None. frames (T),
    samples (S), seed: checked integers.
    """

    mesh: PartMesh | str | os.PathLike
    part: str | int | list | None
    drag_point: Any
    drag_vector: Any
    joint: Joint | None
    joint_type: str | None
    frames: int
    samples: int
    seed: int


def check_request(mesh, part, drag_point, drag_vector, joint, joint_type, frames, samples, seed) -> Request:
    """Check every argument of a drag before any work (the validation of :mod:`dragmesh.io.values`,
    shared with the command line and the batch), each fault one InputError (DragError for the
    drag) naming it."""
    if not isinstance(mesh, PartMesh):
        mesh = check_path(mesh, "mesh")
    part = None if part is None else check_part(part)
    check_vector3(drag_point, "drag point", DragError)
    check_vector3(drag_vector, "drag vector", DragError)
    frames, samples, seed = check_frames(frames), check_samples(samples), check_seed(seed)
    if joint_type is not None:
        kind = joint_type.strip().lower() if isinstance(joint_type, str) else None
        if kind not in JOINT_TYPES:
            raise InputError(f"joint type must be revolute or prismatic, got {joint_type!r}")
        joint_type = kind
    given = check_joint_value(joint)
    if given is not None and joint_type is not None and given.type != joint_type:
        raise InputError(f"joint type {joint_type!r} contradicts the given {given.type} joint")
    return Request(mesh, part, drag_point, drag_vector, given, joint_type, frames, samples, seed)


# ---------------------------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------------------------


@dataclass
class ArticulationResult:
    """The joint and trajectory of one drag, in the input mesh's coordinates and units.

    Attributes:
        mesh: the PartMesh that was dragged.
        part: names of the parts that move together (one rigid part).
        face_mask: (F,) bool, the moving faces.
        joint: the joint (type, unit axis, origin on the axis nearest the part's centroid for a
            revolute joint / the centroid for a prismatic one, limits or None); a positive value is
            the motion the drag asks for.
        type_probability: the predictor's probability of ``joint.type`` (1.0 when given/overridden).
        joint_source: ``"predicted"`` or ``"given"``.
        joint_probability: the chosen joint's own probability, on the alternatives' scale (None when
            given or when the predictor offers no alternatives).
        alternatives: the runners-up of joint inference, most probable first, mesh coordinates,
            each ``{"type", "axis", "origin", "limits", "probability", "source"}`` (empty when the
            joint was given or the predictor offers none).
        drag_point, drag_vector: (3,) the drag.
        values: (T,) joint values of the frames: radians (revolute) or mesh units (prismatic).
        dual_quaternions: (T, 8) unit dual quaternions of the frames (qr (w, x, y, z), qd).
        transforms: (T, 4, 4) row-major, mapping the part's rest-pose points to frame t.
        raw_dual_quaternions, raw_transforms: the generated trajectory before projection, (T, 8) and
            (T, 4, 4).
        samples: with samples > 1, per-sample arrays ``values`` (S, T), ``dual_quaternions``
            (S, T, 8), ``transforms`` (S, T, 4, 4), ``raw_dual_quaternions``, ``raw_transforms``,
            ``violation`` (S,); sample 0 is the main trajectory. None for one sample.
        projected: whether the trajectory was projected onto the joint.
        violation: mean distance of the part's points between the raw and the projected trajectory,
            over frames, divided by the object's bounding-box diagonal (0 for an exact joint motion).
        normalization: the mesh -> model-frame transform used.
        model_joint: the joint in the model frame.
        timing_ms: milliseconds per stage (see the module docstring) and ``total``.
        predictor, generator: names of the components used.
        found_vertices: when no part was given and the part was found under the drag point
            (:mod:`dragmesh.segment`), the indices (K,) of its vertices in ``mesh.vertices`` (the
            file's vertex order, less any vertex no face uses); None when the part was given.
    """

    mesh: PartMesh
    part: list[str]
    face_mask: np.ndarray
    joint: Joint
    type_probability: float
    joint_source: str
    drag_point: np.ndarray
    drag_vector: np.ndarray
    values: np.ndarray
    dual_quaternions: np.ndarray
    transforms: np.ndarray
    raw_dual_quaternions: np.ndarray
    raw_transforms: np.ndarray
    samples: dict[str, np.ndarray] | None
    projected: bool
    violation: float
    normalization: Normalization
    model_joint: Joint
    timing_ms: dict[str, float] = field(default_factory=dict)
    predictor: str = ""
    generator: str = ""
    alternatives: list[dict] = field(default_factory=list)
    evidence: dict = field(default_factory=dict)
    joint_probability: float | None = None
    found_vertices: np.ndarray | None = None

    @property
    def frames(self) -> int:
        return len(self.values)

    def pick(self, index: int) -> "ArticulationResult":
        """This result with sample ``index`` as its main trajectory (and no other samples)."""
        if self.samples is None or not 0 <= index < len(self.samples["values"]):
            raise InputError(f"no trajectory sample {index}: the result has {0 if self.samples is None else len(self.samples['values'])} samples")
        s = self.samples
        return replace(self, values=s["values"][index], dual_quaternions=s["dual_quaternions"][index],
                       transforms=s["transforms"][index], raw_dual_quaternions=s["raw_dual_quaternions"][index],
                       raw_transforms=s["raw_transforms"][index], violation=float(s["violation"][index]), samples=None)

    @property
    def name(self) -> str:
        """Default file stem: the mesh file's stem and the part, e.g. ``cabinet_door``."""
        return result_name(self)

    # -- documents ----------------------------------------------------------------------------

    def joint_dict(self) -> dict[str, Any]:
        """``{"type", "axis", "origin", "limits", "type_probability", "probability"}`` (mesh
        coordinates; ``probability`` is the joint's own, on the scale of the alternatives')."""
        own = None if self.joint_probability is None else float(self.joint_probability)
        return {**self.joint.to_dict(), "type_probability": float(self.type_probability), "probability": own}

    def alternative_joint(self, index: int) -> Joint:
        """Runner-up ``index`` (0 = the most probable one after the chosen joint) as a Joint in
        mesh coordinates, to articulate again with ``joint=``."""
        if not 0 <= index < len(self.alternatives):
            raise InputError(f"no alternative {index}: the result has {len(self.alternatives)}")
        return Joint.from_dict(self.alternatives[index])

    def to_dict(self, full: bool = False) -> dict[str, Any]:
        """The document ``dragmesh articulate --json`` prints: ``part`` (the names of the parts that
        moved: as given, the file's part under the drag point with what it carries, or ``["found"]``
        with ``found_part``), ``joint``, ``trajectory`` (``values`` (T,), ``transforms`` (T x 4 x 4,
        row-major)), ``timing_ms``. With ``full``, also the dual quaternions, the raw trajectory, the
        samples and provenance (the JSON export)."""
        doc: dict[str, Any] = {
            "part": list(self.part),
            "joint": self.joint_dict(),
            "alternatives": [dict(a) for a in self.alternatives],
            "trajectory": {"values": self.values.tolist(), "transforms": self.transforms.tolist()},
            "timing_ms": {k: round(float(v), 3) for k, v in self.timing_ms.items()},
        }
        if self.found_vertices is not None:
            doc["found_part"] = {"vertices": self.found_vertices.tolist(), "count": int(len(self.found_vertices))}
        if full:
            doc["trajectory"]["dual_quaternions"] = self.dual_quaternions.tolist()
            doc["raw_trajectory"] = {
                "dual_quaternions": self.raw_dual_quaternions.tolist(),
                "transforms": self.raw_transforms.tolist(),
            }
            if self.samples is not None:
                doc["samples"] = {k: v.tolist() for k, v in self.samples.items()}
            doc["mesh"] = self.mesh.source
            doc["drag"] = {"point": self.drag_point.tolist(), "vector": self.drag_vector.tolist()}
            doc["joint_source"] = self.joint_source
            doc["projected"] = self.projected
            doc["violation"] = float(self.violation)
            doc["normalization"] = self.normalization.to_dict()
            doc["components"] = {"predictor": self.predictor, "generator": self.generator}
            doc["evidence"] = dict(self.evidence)
        return doc

    def extra_arrays(self) -> dict[str, np.ndarray]:
        """Arrays the NPZ export stores beside the trajectory: raw trajectory, samples, drag."""
        arrays = {
            "raw_dual_quaternions": self.raw_dual_quaternions,
            "raw_transforms": self.raw_transforms,
            "type_probability": np.asarray(self.type_probability),
            "drag_point": self.drag_point,
            "drag_vector": self.drag_vector,
            "normalization": self.normalization.matrix,
        }
        for key, value in (self.samples or {}).items():
            arrays[f"samples_{key}"] = value
        return arrays

    # -- exports (written by dragmesh.export.results) -----------------------------------------

    def asset(self, name: str | None = None):
        """This result as an :class:`~dragmesh.export.ArticulatedAsset` (base + one moving part)."""
        return combine([self], name=name)

    def export(self, out_dir: str | os.PathLike, formats: str | Sequence[str] = "all", stem: str | None = None,
               **options) -> dict[str, list[Path]]:
        """Write ``formats`` (glb, urdf, mp4, gif, npz, json; ``"all"``) to ``out_dir``; see
        :func:`dragmesh.export.export` for ``fps``, ``loop``, ``size``. Returns the paths by format."""
        return export_result(self, out_dir, formats, stem, **options)

    def to_glb(self, path: str | os.PathLike, fps: float = 12.0, loop: str = "once") -> Path:
        """Animated GLB (base and part nodes, TRS channels, LINEAR)."""
        return write_result(self, "glb", path, fps=fps, loop=loop)

    def to_urdf(self, path: str | os.PathLike) -> list[Path]:
        """URDF plus OBJ meshes beside it; returns the paths, the URDF first."""
        return write_result(self, "urdf", path)

    def to_video(self, path: str | os.PathLike, fps: float = 12.0, loop: str = "pingpong",
                 size: tuple[int, int] = (640, 480)) -> list[Path]:
        """MP4 or GIF (by the suffix of ``path``) and a PNG thumbnail of the first frame."""
        return write_result(self, "video", path, fps=fps, loop=loop, size=size)

    def to_npz(self, path: str | os.PathLike) -> Path:
        """The trajectory and :meth:`extra_arrays` as NPZ."""
        return write_result(self, "npz", path)

    def to_json(self, path: str | os.PathLike) -> Path:
        """The full document (:meth:`to_dict` with ``full``) as JSON."""
        return write_result(self, "json", path)


# ---------------------------------------------------------------------------------------------
# Stages: one function each, in the order DragMesh.articulate runs them
# ---------------------------------------------------------------------------------------------


@contextmanager
def _single_thread() -> Iterator[None]:
    """Run small-tensor geometry on one torch thread: with tensors of a few thousand numbers a
    second thread only adds synchronisation (10x slower on a busy CPU). Models keep their threads."""
    threads = torch.get_num_threads()
    if threads == 1:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


class _Timer:
    """Milliseconds per stage: ``with timer("joint"): ...`` adds the block's time to ``ms["joint"]``."""

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.ms[stage] = self.ms.get(stage, 0.0) + (time.perf_counter() - start) * 1e3


def with_up(mesh: PartMesh, up: Any) -> PartMesh:
    """Stage ``load``, for a given PartMesh: the same mesh with the up direction ``up`` (3,)."""
    return replace(mesh, up=unit_up(up))


@dataclass
class PartSelection:
    """Output of stage ``part``: the moving part and the drag on it, in mesh coordinates.

    face_mask: (F,) bool, the moving faces. names: the part names (``["found"]`` for a part found
    under the drag point). found_vertices: (K,) indices of a found part's vertices, else None.
    drag_point, drag_vector: (3,) float64, checked against the part.
    """

    face_mask: np.ndarray
    names: list[str]
    found_vertices: np.ndarray | None
    drag_point: np.ndarray
    drag_vector: np.ndarray


def find_part_at(mesh: PartMesh, drag_point: Any) -> tuple[np.ndarray, np.ndarray]:
    """The part under the drag point (:func:`dragmesh.segment.find_part`): (face mask (F,) bool,
    its vertex indices (K,)). Raises NoPartError when the surface found there is empty or the
    whole object."""
    from dragmesh.segment import NoPartError, find_part

    selection = find_part(mesh.vertices, mesh.faces, drag_point, up=mesh.up)
    if not selection.face_mask.any() or selection.face_mask.all():
        raise NoPartError("no movable part at the drag point: the surface found there is "
                          + ("empty" if not selection.face_mask.any() else "the whole object"))
    return selection.face_mask, np.flatnonzero(selection.vertex_mask)


def part_under(mesh: PartMesh, drag_point: Any) -> list[int] | None:
    """The file's part under the drag point when ``part`` is not given: the labels that move with
    the part of the nearest face (its carrier and the parts it carries, as the viewer drags them;
    :func:`dragmesh.io.structure.carried_group`). None when the parts are not the file's own
    (connected components), the file has one part, the point is on the base, or off the mesh: the
    part is then found in the geometry (:func:`find_part_at`)."""
    if not mesh.named_parts or mesh.n_parts < 2:
        return None
    p = as_vector3(drag_point, "drag point", DragError)
    face, nearest = nearest_on_triangles(mesh.vertices[mesh.faces], p)
    diagonal = float(np.linalg.norm(np.ptp(mesh.vertices, axis=0)))
    if float(np.linalg.norm(nearest - p)) > DRAG_TOLERANCE * diagonal:
        return None
    label = int(mesh.face_labels[face])
    from dragmesh.io.structure import carried_group, find_base

    base = find_base(mesh)
    if label == base:
        return None
    return carried_group(mesh, label, base)


def select_part(mesh: PartMesh, part: Any, drag_point: Any, drag_vector: Any) -> PartSelection:
    """Stage ``part``: the faces of the named part(s); when ``part`` is None, of the file's part
    under the drag point (:func:`part_under`), else of the part found there in the geometry; and
    the drag checked against them (:func:`check_drag`)."""
    found = None
    if part is None:
        part = part_under(mesh, drag_point)
    if part is None:
        face_mask, found = find_part_at(mesh, drag_point)
        names = ["found"]
    else:
        face_mask = mesh.part_face_mask(part)
        names = [mesh.part_names[i] for i in mesh.part_indices(part)]
    p, v = check_drag(mesh, face_mask, drag_point, drag_vector, "+".join(repr(n) for n in names))
    return PartSelection(face_mask, names, found, p, v)


@dataclass
class ModelInput:
    """Output of stage ``sample``: the object and the drag as the models read them, in the model
    frame (the mesh normalised by ``normalization``).

    vertices: (V, 3) float64, the mesh's vertices. points: (N, 3) float32 surface points; mask:
    (N,) bool, those on the moving part. drag_point, drag_vector: (3,) float64. centroid: (3,)
    the moving part's area centroid. diagonal: the object's bounding-box diagonal.
    """

    normalization: Normalization
    vertices: np.ndarray
    points: np.ndarray
    mask: np.ndarray
    drag_point: np.ndarray
    drag_vector: np.ndarray
    centroid: np.ndarray
    diagonal: float

    def part_points(self, count: int) -> np.ndarray:
        """The first ``count`` sampled points on the moving part, (count, 3) float64."""
        return self.points[self.mask][:count].astype(np.float64)


def sample_model_frame(mesh: PartMesh, selection: PartSelection, n_points: int) -> ModelInput:
    """Stage ``sample``: normalise the mesh to the model frame and sample ``n_points`` surface points.

    The normalisation turns the object about its up direction to the dragged part, so the same
    object in any orientation (its up given) reaches the models as the same numbers. The points are
    a fixed lattice's crossings with the surface, so one mesh and one drag give one joint, whatever
    the seed, the file format, the face order or the triangulation.
    """
    norm = Normalization.from_mesh(mesh, selection.face_mask)
    vertices_m = norm.to_model(mesh.vertices)
    sample = lattice_sample(vertices_m, mesh.faces, n_points, selection.face_mask,
                            min_masked=min_masked_points(n_points))
    part_faces = mesh.faces[selection.face_mask]
    areas = face_areas(mesh.vertices, part_faces)
    centroid = (mesh.vertices[part_faces].mean(axis=1) * areas[:, None]).sum(0) / max(areas.sum(), 1e-300)
    return ModelInput(
        normalization=norm, vertices=vertices_m, points=sample.points.astype(np.float32), mask=sample.mask,
        drag_point=norm.to_model(selection.drag_point), drag_vector=norm.displacement_to_model(selection.drag_vector),
        centroid=norm.to_model(centroid),
        diagonal=float(np.linalg.norm(np.ptp(mesh.vertices, axis=0))) / norm.scale,
    )


@dataclass
class JointChoice:
    """Output of stage ``joint`` before :func:`orient_joint`: the joint in the model frame and where
    it came from.

    type_probability: the predictor's probability of the joint's type (1.0 for a given joint).
    source: "predicted" or "given". alternatives: the predictor's runners-up (model frame).
    evidence: the predictor's score terms. probability: the joint's own probability, or None.
    """

    joint: Joint
    type_probability: float
    source: str
    alternatives: list = field(default_factory=list)
    evidence: dict = field(default_factory=dict)
    probability: float | None = None


def orient_joint(joint_m: Joint, model: ModelInput) -> tuple[Joint, float]:
    """Stage ``joint``, last step: the joint (model frame) with the conventional origin
    (:func:`~dragmesh.geometry.joints.canonical_origin`) and the sign rule applied (flipped when
    the drag asks for a negative value), and the drag's value on it, >= 0 and within its limits.
    A drag longer than :data:`OVERLONG_DRAG` part diagonals asks for the whole way: a bounded
    joint's value is its upper limit (a hinge's landing would stop where the grabbed point faces
    the far drag's end, a quarter turn, short of a door's range)."""
    with _single_thread():
        joint_m = canonical_origin(joint_m, model.centroid)
        value = float(joint_m.drag_value(model.drag_point, model.drag_vector, clamp=False))
    if value < 0:
        joint_m, value = joint_m.flipped(), -value
    if joint_m.limits is not None and overlong(model):
        value = float(joint_m.limits[1])
    return joint_m, float(joint_m.clamp(value))


def overlong(model: ModelInput) -> bool:
    """Whether the drag is longer than :data:`OVERLONG_DRAG` of the moving part's diagonal, the
    size joint inference measures drags against (``joint_inference.part_diagonal``)."""
    size = part_diagonal(model.points, np.asarray(model.mask, dtype=bool))
    return float(np.linalg.norm(model.drag_vector)) > OVERLONG_DRAG * size


def project_frames(joint_m: Joint, raw: np.ndarray, part_points: np.ndarray) -> np.ndarray:
    """Stage ``projection``: the joint value (S, T) of each raw frame (S, T, 8), fitted on the part's
    points (N, 3) (:func:`~dragmesh.geometry.dualquat.project_dq_to_value`), clamped to the limits
    and to >= 0: the joint was flipped so that the drag asks for a value >= 0, so no frame of any
    sample (a drawn timing can dip below 0 at the start of a tiny drag) moves against the drag.
    A hinge's angles are unwrapped along the frames: each frame's angle is read within half a turn,
    and a knob turned past it goes on turning rather than jumping back."""
    samples, frames = raw.shape[:2]
    values_m = project_dq_to_value(
        joint_m.is_revolute, torch.from_numpy(joint_m.axis), torch.from_numpy(joint_m.origin),
        torch.from_numpy(raw), torch.from_numpy(part_points).expand(samples, frames, -1, -1),
    ).numpy()
    if joint_m.is_revolute:
        values_m = np.unwrap(values_m.reshape(samples, frames), axis=1)
    return np.maximum(np.asarray(joint_m.clamp(values_m), dtype=np.float64), 0.0).reshape(samples, frames)


def kinematic_violation(joint_m: Joint, values_m: np.ndarray, raw: np.ndarray, part_points: np.ndarray,
                        diagonal: float) -> np.ndarray:
    """How far each raw trajectory is from a joint motion, (S,): the mean distance of the part's
    points (N, 3) between the raw frames (S, T, 8) and the joint at the projected values (S, T),
    over frames and points, divided by the object's diagonal (0 for an exact joint motion)."""
    samples, frames = values_m.shape
    exact = joint_m.dual_quaternions(values_m.reshape(-1)).reshape(samples, frames, 8)
    gap = np.linalg.norm(np_dq_apply(exact, part_points) - np_dq_apply(raw, part_points), axis=-1)  # (S, T, N)
    return gap.mean(axis=(1, 2)) / diagonal if gap.size else np.zeros(samples)


@dataclass
class MeshTrajectory:
    """Output of stage ``output``: the joint and the trajectories in the input mesh's coordinates
    and units, every sample: values (S, T), dual_quaternions (S, T, 8), transforms (S, T, 4, 4)
    (the projected frames, or the raw ones when not projecting), raw_dual_quaternions,
    raw_transforms; alternatives as dicts with their probability and source."""

    joint: Joint
    alternatives: list[dict]
    values: np.ndarray
    dual_quaternions: np.ndarray
    transforms: np.ndarray
    raw_dual_quaternions: np.ndarray
    raw_transforms: np.ndarray


def to_mesh_frame(norm: Normalization, joint_m: Joint, alternatives: list, values_m: np.ndarray, raw: np.ndarray,
                  project: bool) -> MeshTrajectory:
    """Stage ``output``: the joint (model frame), its alternatives, the projected values (S, T) and
    the raw frames (S, T, 8) mapped back to the mesh's coordinates and units; the frames are the
    joint's own at the values when ``project``, the raw ones otherwise."""
    joint_mesh = norm.joint_from_model(joint_m)
    alternatives = [{**norm.joint_from_model(a.joint).to_dict(), "probability": float(a.probability),
                     "source": a.source} for a in alternatives]
    values = values_m * (1.0 if joint_m.is_revolute else norm.scale)
    raw_transforms = norm.transform_from_model(np_dq_to_matrix(raw))
    raw_dqs = np_dq_from_matrix(raw_transforms)
    if project:
        samples, frames = values.shape
        dqs = joint_mesh.dual_quaternions(values.reshape(-1)).reshape(samples, frames, 8)
        transforms = joint_mesh.transforms(values.reshape(-1)).reshape(samples, frames, 4, 4)
    else:
        dqs, transforms = raw_dqs, raw_transforms
    return MeshTrajectory(joint_mesh, alternatives, values, dqs, transforms, raw_dqs, raw_transforms)


def build_result(mesh: PartMesh, selection: PartSelection, choice: JointChoice, joint_m: Joint,
                 model: ModelInput, trajectory: MeshTrajectory, violations: np.ndarray, project: bool,
                 timing_ms: dict[str, float], predictor: str, generator: str) -> ArticulationResult:
    """The :class:`ArticulationResult` of the stages' outputs: sample 0 is the main trajectory; the
    per-sample arrays are kept only for more than one sample."""
    t = trajectory
    samples = None
    if len(t.values) > 1:
        samples = {"values": t.values, "dual_quaternions": t.dual_quaternions, "transforms": t.transforms,
                   "raw_dual_quaternions": t.raw_dual_quaternions, "raw_transforms": t.raw_transforms,
                   "violation": violations}
    return ArticulationResult(
        mesh=mesh, part=selection.names, face_mask=selection.face_mask, joint=t.joint,
        type_probability=choice.type_probability, joint_source=choice.source, drag_point=selection.drag_point,
        drag_vector=selection.drag_vector, values=t.values[0], dual_quaternions=t.dual_quaternions[0],
        transforms=t.transforms[0], raw_dual_quaternions=t.raw_dual_quaternions[0],
        raw_transforms=t.raw_transforms[0], samples=samples, projected=project, violation=float(violations[0]),
        normalization=model.normalization, model_joint=joint_m, timing_ms=timing_ms, predictor=predictor,
        generator=generator, alternatives=t.alternatives, evidence=choice.evidence,
        joint_probability=choice.probability, found_vertices=selection.found_vertices,
    )


class DragMesh:
    """The articulation pipeline with its models loaded once; reuse one instance for many drags.

    Args:
        predictor: a joint predictor (see the module docstring); default from
            :func:`default_components`.
        generator: a motion generator; default from :func:`default_components`.
        n_points: points sampled on the object (default: the predictor's ``n_points``, else 1024).
        threads: torch CPU threads (None leaves torch's setting alone).
        weights_dir, joint_model, motion_model: which default components to load, see
            :func:`default_components` (used only for the components not given).
    """

    def __init__(self, predictor=None, generator=None, n_points: int | None = None, threads: int | None = None,
                 weights_dir=None, joint_model: str = "kppnet", motion_model: str = "dqvae"):
        if predictor is None or generator is None:
            default_predictor, default_generator = default_components(
                weights_dir,
                joint_model if predictor is None else "geometric",
                motion_model if generator is None else "analytic",
            )
            predictor = predictor or default_predictor
            generator = generator or default_generator
        self.predictor = predictor
        self.generator = generator
        self.n_points = int(n_points or getattr(predictor, "n_points", DEFAULT_POINTS))
        # The motion generator reads a prefix of the points (a prefix of an i.i.d. sample is one).
        self.generator_points = min(self.n_points, int(getattr(generator, "n_points", self.n_points) or self.n_points))
        if threads is not None:
            torch.set_num_threads(int(threads))

    def load(self, mesh: PartMesh | str | os.PathLike, labels=None, up=None) -> PartMesh:
        """A PartMesh from a path (with optional labels and up) or the PartMesh itself."""
        if isinstance(mesh, PartMesh):
            if labels is not None:
                raise InputError("labels apply to a mesh file; this mesh already has its parts")
            return mesh
        return load_mesh(mesh, labels=labels, up=(0.0, 1.0, 0.0) if up is None else up)

    def articulate(
        self,
        mesh: PartMesh | str | os.PathLike,
        part: str | int | Sequence[str | int] | None = None,
        drag_point: Any = None,
        drag_vector: Any = None,
        *,
        joint: Joint | dict | None = None,
        joint_type: str | None = None,
        frames: int = 16,
        samples: int = 1,
        seed: int = 0,
        up: Any = None,
        project: bool = True,
        labels: Any = None,
    ) -> ArticulationResult:
        """Articulate one drag.

        Args:
            mesh: a PartMesh or a mesh file (any format :func:`~dragmesh.io.load_mesh` reads).
            part: a part name or label, or several (moved together as one rigid part); None: the
                part under the drag point is found on the surface (:func:`dragmesh.segment.find_part`),
                whatever parts the file names.
            drag_point: (3,) a point on the part, mesh coordinates (or text "X,Y,Z").
            drag_vector: (3,) where the person dragged it, mesh units.
            joint: a user-given joint in mesh coordinates (Joint or its dict): skips inference.
            joint_type: "revolute" or "prismatic": overrides the predicted type.
            frames: T >= 2, frames of the trajectory (frame 0 is the rest pose).
            samples: S >= 1 trajectories to generate; sample 0 is the main one.
            seed: seed of point sampling and motion sampling.
            up: the mesh's up direction (default: the PartMesh's, +Y for a file).
            project: snap each frame onto the joint (default); otherwise keep the raw frames.
            labels: per-vertex or per-face part labels for a mesh file (array or file).

        Raises:
            MeshError, LabelError, PartError, DragError, InputError (see :mod:`dragmesh.errors`);
            :class:`~dragmesh.segment.NoPartError` when no part is given and none is found.
        """
        timer = _Timer()
        total_start = time.perf_counter()
        request = check_request(mesh, part, drag_point, drag_vector, joint, joint_type, frames, samples, seed)
        with timer("load"):
            part_mesh = self.load(request.mesh, labels=labels, up=up)
            if up is not None and isinstance(request.mesh, PartMesh):
                part_mesh = with_up(part_mesh, up)
        with timer("part"):
            selection = select_part(part_mesh, request.part, request.drag_point, request.drag_vector)
        with timer("sample"):
            model = sample_model_frame(part_mesh, selection, self.n_points)
        with timer("joint"):
            choice = self.choose_joint(model, part_mesh.faces, selection.face_mask, request)
            joint_m, value = orient_joint(choice.joint, model)
        with timer("motion"):
            raw = self.generate_motion(model, joint_m, value, request)
        with timer("projection"), _single_thread():
            part_points = model.part_points(PROJECTION_POINTS)
            values_m = project_frames(joint_m, raw, part_points)
            violations = kinematic_violation(joint_m, values_m, raw, part_points, model.diagonal)
        with timer("output"), _single_thread():
            trajectory = to_mesh_frame(model.normalization, joint_m, choice.alternatives, values_m, raw, project)
        timer.ms["total"] = (time.perf_counter() - total_start) * 1e3
        return build_result(part_mesh, selection, choice, joint_m, model, trajectory, violations, project, timer.ms,
                            getattr(self.predictor, "name", type(self.predictor).__name__),
                            getattr(self.generator, "name", type(self.generator).__name__))

    def choose_joint(self, model: ModelInput, faces: np.ndarray, face_mask: np.ndarray,
                     request: Request) -> JointChoice:
        """Stage ``joint``: the user's joint mapped into the model frame, or the predictor's joint for
        the sampled points (N, 3), their part mask (N,) and the drag, of the requested type if one
        is; a predictor that ``uses_scene`` also gets the physical scene."""
        if request.joint is not None:
            return JointChoice(model.normalization.joint_to_model(request.joint), 1.0, "given")
        options = {}
        if getattr(self.predictor, "uses_scene", False):
            options["scene"] = self._scene(model.vertices, faces, face_mask)
        prediction = self.predictor.predict(model.points, model.mask, model.drag_point.astype(np.float32),
                                            model.drag_vector.astype(np.float32), request.joint_type, **options)
        return JointChoice(prediction.joint, float(prediction.type_probability), "predicted",
                           list(getattr(prediction, "alternatives", [])), dict(getattr(prediction, "evidence", {})),
                           getattr(prediction, "probability", None))

    def generate_motion(self, model: ModelInput, joint_m: Joint, value: float, request: Request) -> np.ndarray:
        """Stage ``motion``: the generator's raw trajectories (S, T, 8), unit dual quaternions in the
        model frame, for the joint (model frame) and the drag's value; the generator reads the first
        ``generator_points`` sampled points. Raises InputError when it returns another shape."""
        n = self.generator_points
        raw = np.asarray(self.generator.generate(model.points[:n], model.mask[:n], joint_m, model.drag_point,
                                                 model.drag_vector, value, frames=request.frames,
                                                 samples=request.samples, seed=request.seed), dtype=np.float64)
        expected = (request.samples, request.frames, 8)
        if raw.shape != expected:
            raise InputError(f"motion generator returned shape {raw.shape}, expected {expected}")
        return dq_normalize(torch.from_numpy(raw)).numpy()

    def _scene(self, vertices_m: np.ndarray, faces: np.ndarray, face_mask: np.ndarray):
        """The physical scene of a drag (model frame): the base to collide with and the part's points."""
        from dragmesh.models.joint_inference import PartScene

        part = lattice_sample(vertices_m, faces[face_mask], SCENE_PART_POINTS).points
        return PartScene.build(vertices_m, faces, face_mask, part)


_DEFAULT: DragMesh | None = None


def articulate(mesh, part=None, drag_point=None, drag_vector=None, **options) -> ArticulationResult:
    """:meth:`DragMesh.articulate` on a shared default :class:`DragMesh` (models loaded on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = DragMesh()
    return _DEFAULT.articulate(mesh, part, drag_point, drag_vector, **options)
