"""What the viewer holds, without any GUI: the mesh, each part's joint, pose and trajectory, the
base (the part that never moves), the parts carried by others, the undo and redo history, and the
calls into the pipeline.

Every part starts at rest with no joint. A drag of a part infers its joint once it has travelled
``INFER_AT_PX[0]`` pixels on screen (the pipeline's joint inference, with the user's type override
if any), and again at each further distance of ``INFER_AT_PX`` while the button is held (a longer drag
says more: the first centimetres of a door's swing are an outward pull a flap makes too); later drags move it along that joint. Inference keeps the runners-up: the part's
``candidates`` (the joint first), any of which the user can pick; the pick re-plays the last drag on
it. The joint's limits hold the live drag (closed and fully open). Joints can be edited: the axis
snapped to one of the part's box axes, the hinge put on a box edge, the limits typed; a joint the
user forced that drives the part through the base gets a warning. Releasing a drag asks the
pipeline's motion generator for the trajectory from rest to the pose the drag reached, with the
joint given, so the trajectory, the panel and the exports agree. Poses are 4x4 transforms of the
part's rest-pose points, in mesh coordinates. A carried part (a handle on a door,
:mod:`viewer.parts`) has no joint of its own: it takes its carrier's pose, and the carrier is
inferred, edited and exported with it as one rigid part. The user groups pieces the same way
(:meth:`Session.toggle_group`, Shift+click): a door in five loose pieces becomes one part.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from dragmesh.errors import DragError, InputError
from dragmesh.geometry.joints import Joint
from dragmesh.io import PartMesh, load_mesh
from dragmesh.io.structure import find_base, find_carriers, root_of
from dragmesh.normalize import unit_up
from viewer import parts as partinfo

# How many states undo (and redo) remembers.
HISTORY = 50
BASE_LOCKED = "the base is fixed; drag a moving part"
# Inference waits until the drag has gone the first of these distances on screen (pixels): a shorter
# one says too little about its direction. While the button is held it decides again at the others.
INFER_AT_PX = (24.0, 72.0, 144.0)
INFER_PX = INFER_AT_PX[0]
# Candidates kept per part: the joint and its runners-up.
CANDIDATES = 3
# A limit this close to the pose in the file is the pose in the file ("closed"): the physical stop is
# found to about a degree (revolute) or a small fraction of the range (prismatic).
CLOSED_RAD = np.deg2rad(1.5)
CLOSED_FRACTION = 0.02
# A hinge the user puts on an edge opens this far unless the base stops it sooner.
HINGE_RANGE = np.deg2rad(100.0)
# Part surface points the collision check sweeps.
SWEEP_POINTS = 256


# A pivot dragged within this fraction of the part's box diagonal of a box edge along the axis
# lands on that edge (where hinges are).
PIVOT_SNAP = 0.04


def tidy_limits(joint: Joint) -> Joint:
    """``joint`` with a limit within ``CLOSED_RAD`` (revolute) or ``CLOSED_FRACTION`` of the range
    (prismatic) of 0 set to 0: the part stops exactly at the pose in the file."""
    if joint.limits is None:
        return joint
    lo, hi = joint.limits
    span = hi - lo
    tol = CLOSED_RAD if joint.is_revolute else CLOSED_FRACTION * span
    if span <= 5 * tol:
        return joint
    lo = 0.0 if lo < 0 and -lo <= tol else lo
    hi = 0.0 if hi > 0 and hi <= tol else hi
    if (lo, hi) == tuple(joint.limits):
        return joint
    return Joint(joint.type, joint.axis, joint.origin, (lo, hi))


def ghost_value(joint: Joint, extent: float) -> float:
    """The joint value a candidate's ghost is drawn at: the middle of its range (the upper half of
    a range centred on the pose in the file); without limits a quarter turn's half, or 0.3 of the
    part's ``extent`` along a slide."""
    if joint.limits is not None:
        lo, hi = joint.limits
        mid = 0.5 * (lo + hi)
        if abs(mid) < 1e-3 * max(hi - lo, 1e-12):
            mid = 0.5 * hi
        return float(mid)
    return float(np.pi / 4) if joint.is_revolute else 0.3 * float(extent)


@dataclass(frozen=True)
class Candidate:
    """A joint the inference offers for a part: the joint (mesh coordinates, limits set), its
    probability, what that probability is of (``"type"``: the chosen joint's type, the pipeline's
    calibrated type probability; ``"joint"``: a runner-up's own probability), where it came from
    (the predictor's source: "kppnet", "box edge", ...) and a few words ("side hinge")."""

    joint: Joint
    probability: float
    of: str
    source: str
    words: str


@dataclass
class PartState:
    """One part's articulation.

    joint: in mesh coordinates, positive values = the way the part was dragged; None until inferred.
    type_probability: the predictor's probability of the joint's type (None before inference).
    type_override: "revolute" / "prismatic" forced by the user, or None.
    value: the live joint value (radians or mesh units) when no trajectory frame is shown.
    grab_rest: (3,) the last grabbed point, in the part's rest pose.
    target: (3,) where the last drag asked the grabbed point to go (mesh coordinates), or None.
    result: the last :class:`~dragmesh.pipeline.ArticulationResult` (the trajectory), or None.
    seed: seed of the last trajectory sample.
    timing_ms: per-stage milliseconds of the last pipeline call for this part.
    candidates: the inference's joints, most probable first (:class:`Candidate`).
    choice: index of the candidate in use; None when the joint was edited.
    edited: what the user edited ("axis", "hinge", "limits"), or None.
    warning: a collision warning for a joint the user forced, or None.
    """

    joint: Joint | None = None
    type_probability: float | None = None
    type_override: str | None = None
    value: float = 0.0
    grab_rest: np.ndarray | None = None
    target: np.ndarray | None = None
    result: Any = None
    seed: int = 0
    timing_ms: dict = field(default_factory=dict)
    candidates: tuple = ()
    choice: int | None = None
    edited: str | None = None
    warning: str | None = None

    @property
    def forced(self) -> bool:
        """Whether the joint is the user's rather than the inference's first choice."""
        return self.type_override is not None or self.edited is not None or (self.choice or 0) > 0


@dataclass
class Drag:
    """A drag in progress: part label, grabbed point (3,) at the start (mesh coordinates) and in the
    rest pose, the part's pose (4, 4) at the start, and the follower once the joint is known.

    target: (3,) where the cursor asks the grabbed point to go. inferences: how often this drag
    inferred the joint. had_joint: the part had its joint when the drag began (never re-inferred).
    picked: the user picked a candidate during this drag (no re-inference then).
    """

    part: int
    grab: np.ndarray
    grab_rest: np.ndarray
    start_pose: np.ndarray
    follower: Any = None
    target: np.ndarray | None = None
    inferences: int = 0
    had_joint: bool = False
    picked: bool = False


class Session:
    """The viewer's state for one mesh; see the module docstring.

    frames: frames of each generated trajectory (every part uses the same, so they export together).
    """

    def __init__(self, frames: int = 16, pipeline: Any = None, pipeline_options: dict | None = None):
        self.frames = int(frames)
        self.mesh: PartMesh | None = None
        self.parts: list[PartState] = []
        self.frame: int | None = None
        # Undo and redo: (parts, frame, base, carriers) snapshots.
        self.history: list[tuple] = []
        self.redo_stack: list[tuple] = []
        self._cleared_redo: list | None = None  # what the last push took from redo, for revert()
        self.base: int | None = None
        self.carriers: dict[int, int] = {}  # carried part -> the part it rides on
        self._pipeline = pipeline
        self._pipeline_options = dict(pipeline_options or {})
        self._pipeline_lock = threading.Lock()
        self._call_lock = threading.Lock()
        self._poses: dict[int, tuple] = {}  # label -> (joint, value, (4, 4)): one transform per change
        self._boxes: dict[int, tuple] = {}  # label -> the part's box (viewer.parts.part_box)
        self._physics: dict[tuple, tuple] = {}  # group -> (Obstacle, part points)

    # -- pipeline ------------------------------------------------------------------------------

    @property
    def pipeline(self):
        """The :class:`~dragmesh.pipeline.DragMesh` (models loaded on first use, once)."""
        with self._pipeline_lock:
            if self._pipeline is None:
                from dragmesh.pipeline import DragMesh

                self._pipeline = DragMesh(**self._pipeline_options)
            return self._pipeline

    def warm_up(self) -> None:
        """Load the models now (call from a background thread at start-up)."""
        _ = self.pipeline

    def warm_up_mesh(self, mesh: PartMesh) -> None:
        """One throw-away articulation of ``mesh`` so the first real drag does not pay for the
        libraries' first-call set-up (a background thread; failures do not matter)."""
        if mesh.n_parts < 2:
            return
        try:
            counts = np.bincount(mesh.face_labels, minlength=mesh.n_parts)
            base = find_base(mesh)
            if base is not None:
                counts[base] = -1
            label = int(np.argmax(counts))
            point = mesh.vertices[mesh.faces[mesh.face_labels == label][0, 0]]
            size = float(np.linalg.norm(np.ptp(mesh.vertices, axis=0)))
            self._articulate(mesh, label, point, np.array([0.0, 0.0, 0.05 * size]), frames=2)
        except Exception:
            pass

    def _articulate(self, *args, **kwargs):
        """The pipeline's articulate, one call at a time (the warm-up runs on another thread)."""
        with self._call_lock:
            return self.pipeline.articulate(*args, **kwargs)

    # -- mesh ----------------------------------------------------------------------------------

    def load(self, path: str | Path, labels: Any = None, up: Sequence[float] | None = None) -> PartMesh:
        """Load a mesh file (any format the loader reads); raises DragMeshError subclasses."""
        mesh = load_mesh(path, labels=labels, up=(0.0, 1.0, 0.0) if up is None else up)
        self.set_mesh(mesh)
        return mesh

    def set_mesh(self, mesh: PartMesh, carriers: dict[int, int] | None = None) -> None:
        """Show ``mesh``, every part at rest. carriers: carried part -> carrier (default: found by
        :func:`dragmesh.io.structure.find_carriers`)."""
        same_geometry = self.mesh is not None and self.mesh.vertices is mesh.vertices and self.mesh.faces is mesh.faces
        self.mesh = mesh
        self._poses = {}
        if not same_geometry:
            self._boxes, self._physics = {}, {}
        self.parts = [PartState() for _ in range(mesh.n_parts)]
        self.frame = None
        self.history = []
        self.redo_stack = []
        self._cleared_redo = None
        self.base = find_base(mesh)
        if carriers is None:
            try:
                carriers = find_carriers(mesh, self.base)
            except Exception:  # contact queries failing must not stop the mesh from opening
                carriers = {}
        self.carriers = dict(carriers)

    def set_up(self, up: Sequence[float]) -> PartMesh:
        """Give the mesh another up direction (gravity for the joint inference, and the camera's
        up); the vertices stay as they are. Joints inferred under the old up are stale, so every
        part goes back to rest, as after opening the file; the base stays the one chosen."""
        if self.mesh is None:
            raise InputError("open a mesh first")
        base, carriers = self.base, self.carriers
        mesh = dataclasses.replace(self.mesh, up=unit_up(up))
        self.set_mesh(mesh, carriers=carriers)
        self._boxes = {}  # boxes stand on the up
        self.base = base
        return mesh

    # -- carried parts -------------------------------------------------------------------------

    def mover(self, label: int) -> int:
        """The part whose joint moves ``label``: itself, or the part carrying it (a door for its
        handle)."""
        return root_of(self.carriers, int(label))

    def group(self, label: int) -> list[int]:
        """``label``'s mover and every part it carries, the mover first."""
        root = self.mover(label)
        return [root] + sorted(i for i in self.carriers if i != root and self.mover(i) == root)

    def carrier_of(self, label: int) -> int | None:
        """The part that carries ``label``, or None."""
        root = self.mover(label)
        return None if root == int(label) else root

    def _regroup(self, members: list[int], root: int | None = None) -> None:
        """Make ``members`` one group led by ``root`` (default the first): every other member rides
        on it directly."""
        if not members:
            return
        root = members[0] if root is None else int(root)
        self.carriers.pop(root, None)
        for m in members:
            if m != root:
                self.carriers[m] = root

    def _take_out(self, label: int) -> None:
        """Take ``label`` (alone) out of its group; the rest stays one group (led by the next member
        when ``label`` led it) and goes back to rest with no joint (another rigid part)."""
        label = int(label)
        group = self.group(label)
        if len(group) < 2:
            return
        rest = [m for m in group if m != label]
        for m in group:
            if self.carriers.get(m) is not None:
                del self.carriers[m]
        self._regroup(rest)
        self._rest(rest[0])
        self.parts[label] = PartState()

    def _rest(self, root: int) -> None:
        """The group led by ``root`` back to rest with no joint (its next drag infers it again; a
        forced type stays)."""
        override = self.parts[root].type_override
        for m in self.group(root):
            self.parts[m] = PartState()
        self.parts[root] = PartState(type_override=override)
        self._physics = {}

    def toggle_group(self, selected: int, label: int) -> bool:
        """Shift-click: put part ``label`` in the group of part ``selected`` (True), or take it out
        when it is in it already (False). A group moves as one rigid part: its members ride on one
        of them (as a handle on its door), are dragged, inferred, posed and exported together. A part
        that leads a group of its own brings that group along. The changed groups go back to rest
        with no joint (the next drag infers the joint of the new rigid part). The base cannot join.
        Call :meth:`push` first to make it undoable."""
        if self.mesh is None:
            raise InputError("open a mesh first")
        n = self.mesh.n_parts
        if selected is None or not 0 <= int(selected) < n:
            raise InputError("select a part first (click it), then Shift+click the parts that move with it")
        if not 0 <= int(label) < n:
            raise InputError(f"no part with label {label}")
        selected, label = int(selected), int(label)
        if self.is_base(label) or self.is_base(selected):
            raise DragError("the base is fixed: it cannot be grouped with a moving part")
        root = self.mover(selected)
        self.freeze_frame()
        if self.mover(label) == root:
            if len(self.group(root)) < 2:
                raise InputError("Shift+click another part to move it with this one")
            self._take_out(label)
            return False
        joining = [label]
        if self.mover(label) == label:  # it leads a group: the group comes along
            joining = self.group(label)
            for m in joining:
                self.carriers.pop(m, None)
        else:
            self._take_out(label)
        self._regroup(self.group(root) + joining, root)
        for m in joining:
            self.parts[m] = PartState()
        self._rest(root)
        return True

    # -- the base ------------------------------------------------------------------------------

    def is_base(self, label: int | None) -> bool:
        return label is not None and self.base is not None and int(label) == self.base

    def set_base(self, label: int) -> None:
        """Make part ``label`` the fixed base: it goes back to rest with no joint, and the old base
        can be dragged from now on. Parts riding on the new base become parts of their own."""
        if self.mesh is None or not 0 <= int(label) < self.mesh.n_parts:
            raise InputError(f"no part with label {label}")
        self.freeze_frame()
        self.parts[int(label)] = PartState()
        self.base = int(label)
        self.carriers = {c: p for c, p in self.carriers.items() if c != self.base and p != self.base}
        self._physics = {}

    # -- parts found on the surface ------------------------------------------------------------

    def split_at(self, label: int, point: np.ndarray) -> int:
        """Find the part under ``point`` (3,) on part ``label`` (the base, or the mesh's only part:
        a welded surface with no parts) with :func:`dragmesh.segment.find_part`, and make it a
        part of its own (``found``, ``found_1``...), at rest with no joint; returns its label. The
        rest stays ``label``, which becomes the base when there was none. The geometry is the same,
        the parts are not, so the undo history starts again here.

        Raises:
            InputError: the point is off the part. NoPartError: nothing separates a part there.
        """
        from dragmesh.io.common import unique_names
        from dragmesh.segment import NoPartError, find_part

        if self.mesh is None or not 0 <= int(label) < self.mesh.n_parts:
            raise InputError(f"no part with label {label}")
        mesh, label = self.mesh, int(label)
        on = np.flatnonzero(mesh.face_labels == label)
        selection = find_part(mesh.vertices, mesh.faces[on], point, up=mesh.up)
        if not selection.face_mask.any() or selection.face_mask.all():
            raise NoPartError("no movable part there: nothing separates a part from the rest")
        labels = mesh.face_labels.copy()
        labels[on[selection.face_mask]] = mesh.n_parts
        names = unique_names(mesh.part_names + ["found"])
        self.mesh = dataclasses.replace(mesh, face_labels=labels, part_names=names)
        self.parts.append(PartState())
        if self.base is None:
            self.base = label
        for cache in (self._poses, self._boxes):
            cache.pop(label, None)
        self._physics = {}
        self.history, self.redo_stack, self._cleared_redo = [], [], None
        return self.mesh.n_parts - 1

    def bounds(self, posed: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """(lo (3,), hi (3,)): the box around every part as it is shown (posed) or at rest."""
        mesh = self.mesh
        if mesh is None:
            raise InputError("open a mesh first")
        if not posed:
            return mesh.vertices.min(axis=0), mesh.vertices.max(axis=0)
        los, his = [], []
        for label, T in enumerate(self.transforms()):
            faces = mesh.faces[mesh.face_labels == label]
            if not len(faces):
                continue
            pts = mesh.vertices[np.unique(faces)]
            if not np.allclose(T, np.eye(4)):
                pts = pts @ T[:3, :3].T + T[:3, 3]
            los.append(pts.min(axis=0))
            his.append(pts.max(axis=0))
        return np.min(los, axis=0), np.max(his, axis=0)

    # -- poses ---------------------------------------------------------------------------------

    def transform(self, label: int) -> np.ndarray:
        """(4, 4) pose of a part: its trajectory frame when one is shown, else its live value; a
        carried part takes its carrier's."""
        label = self.mover(label)
        state = self.parts[label]
        if self.frame is not None and state.result is not None:
            transforms = state.result.transforms
            return transforms[min(self.frame, len(transforms) - 1)]
        if state.joint is None or state.value == 0.0:
            return np.eye(4)
        cached = self._poses.get(label)
        if cached is None or cached[0] is not state.joint or cached[1] != state.value:
            cached = self._poses[label] = (state.joint, state.value, state.joint.transform(state.value))
        return cached[2]

    def transforms(self) -> list[np.ndarray]:
        return [self.transform(i) for i in range(len(self.parts))]

    def articulated(self) -> list[int]:
        """Labels of the parts that have a trajectory."""
        return [i for i, s in enumerate(self.parts) if s.result is not None]

    def freeze_frame(self) -> None:
        """Leave trajectory playback: every part keeps the pose it shows, as its live value."""
        if self.frame is None:
            return
        for state in self.parts:
            if state.result is not None:
                state.value = float(state.result.values[min(self.frame, len(state.result.values) - 1)])
        self.frame = None

    def show_frame(self, frame: int) -> None:
        """Show frame ``frame`` of every part's trajectory (the slider, the start of playback); a
        frame past a shorter trajectory's end shows its last."""
        self.frame = int(frame)

    def next_frame(self) -> int:
        """Playback: show the next frame, after the last the first again; returns it."""
        self.frame = ((self.frame or 0) + 1) % self.frames
        return self.frame

    # -- undo ----------------------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self.history)

    @property
    def can_redo(self) -> bool:
        return bool(self.redo_stack)

    def _snapshot(self) -> tuple:
        return [copy.copy(s) for s in self.parts], self.frame, self.base, dict(self.carriers)

    def _restore(self, snapshot) -> None:
        self.parts, self.frame, self.base = snapshot[:3]
        if len(snapshot) > 3 and snapshot[3] != self.carriers:
            self.carriers = dict(snapshot[3])
            self._physics = {}

    def push(self) -> None:
        """Remember the current state for undo, before an edit; the edit forgets what redo had."""
        self.history.append(self._snapshot())
        del self.history[:-HISTORY]
        self._cleared_redo, self.redo_stack = self.redo_stack, []

    def revert(self) -> bool:
        """Take back the push just made as if it never happened: the state it saved comes back and
        redo keeps what it had (a press that turned out to be a click, a drag whose inference
        failed). Call it only right after :meth:`push`."""
        if not self.history:
            return False
        self._restore(self.history.pop())
        if self._cleared_redo is not None:
            self.redo_stack, self._cleared_redo = self._cleared_redo, None
        return True

    def undo(self) -> bool:
        """Go back one step; False when there is nothing to undo. Redo can go forward again."""
        if not self.history:
            return False
        self.redo_stack.append(self._snapshot())
        del self.redo_stack[:-HISTORY]
        self._restore(self.history.pop())
        self._cleared_redo = None
        return True

    def redo(self) -> bool:
        """Go forward one undone step; False when there is nothing to redo."""
        if not self.redo_stack:
            return False
        self.history.append(self._snapshot())
        del self.history[:-HISTORY]
        self._cleared_redo = None
        self._restore(self.redo_stack.pop())
        return True

    # -- drags ---------------------------------------------------------------------------------

    def begin_drag(self, label: int, grab: np.ndarray) -> Drag:
        """Start dragging part ``label`` (a carried part drags its carrier) at the grabbed surface
        point ``grab`` (3,) (current pose).

        Raises DragError for the base: it is what the other parts move against.
        """
        if self.is_base(label):
            raise DragError(BASE_LOCKED)
        label = self.mover(label)
        self.freeze_frame()
        pose = self.transform(label)
        R, t = pose[:3, :3], pose[:3, 3]
        grab = np.asarray(grab, dtype=np.float64)
        drag = Drag(label, grab, R.T @ (grab - t), pose)
        state = self.parts[label]
        if state.joint is not None:
            drag.follower = self._follower(state, grab)
            drag.had_joint = True
        return drag

    def _follower(self, state: PartState, grab: np.ndarray, start_value: float | None = None):
        from viewer.follow import DragFollower

        return DragFollower(state.joint, state.value if start_value is None else start_value, grab)

    def inference_due(self, drag: Drag, pixels: float) -> bool:
        """Whether a drag that has gone ``pixels`` on screen from the press should infer its joint
        now: at each distance of ``INFER_AT_PX`` in turn (while the drag is young, unless the part
        had its joint before the drag or the user picked a candidate)."""
        if drag.had_joint or drag.picked:
            return False
        k = drag.inferences
        return k < len(INFER_AT_PX) and pixels >= INFER_AT_PX[k]

    def infer_joint(self, drag: Drag, vector: np.ndarray) -> Joint:
        """Infer the dragged part's joint (and its runners-up) from the drag's movement ``vector``
        (3,) so far, in mesh coordinates; the part is at rest (a part with a joint is never
        re-inferred)."""
        state = self.parts[drag.part]
        R = drag.start_pose[:3, :3]
        result = self._articulate(
            self.mesh, self.group(drag.part), drag.grab_rest, R.T @ np.asarray(vector, float),
            joint_type=state.type_override, frames=2,
        )
        self._take_inference(drag.part, result)
        state.timing_ms = {k: v for k, v in result.timing_ms.items() if k in ("sample", "joint")}
        drag.inferences += 1
        drag.follower = self._follower(state, drag.grab, 0.0)
        return state.joint

    def _take_inference(self, label: int, result) -> None:
        """The part's joint and candidates from an ArticulationResult of a predicted joint."""
        state = self.parts[label]
        box = self.part_box(label)
        up = self.mesh.up
        base_centre = self.part_box(self.base)[0] if self.base is not None else None
        joint = tidy_limits(result.joint)
        own = result.joint_probability
        cands = [Candidate(joint, float(result.type_probability if own is None else own),
                           "type" if own is None else "joint", "", partinfo.describe(joint, box, up, base_centre))]
        for i, alt in enumerate(result.alternatives[: CANDIDATES - 1]):
            j = tidy_limits(result.alternative_joint(i))
            cands.append(Candidate(j, float(alt.get("probability", 0.0)), "joint", str(alt.get("source", "")),
                                   partinfo.describe(j, box, up, base_centre)))
        state.joint, state.type_probability = joint, float(result.type_probability)
        state.candidates, state.choice, state.edited = tuple(cands), 0, None
        state.warning = self.collision(label) if state.type_override else None

    def follow(self, drag: Drag, ray_origin, ray_dir, cursor=None, project=None) -> float:
        """Move the dragged part to the joint value under the cursor ray; returns the value."""
        value = drag.follower.value(ray_origin, ray_dir, cursor, project)
        self.parts[drag.part].value = value
        return value

    def end_drag(self, drag: Drag):
        """Finish a drag: the trajectory of the part (None when it never got a joint or did not
        move). Raises DragMeshError from the pipeline."""
        state = self.parts[drag.part]
        if drag.follower is None or state.joint is None:
            return None
        state.grab_rest = drag.grab_rest
        if drag.target is not None:
            # Where the drag asked the grabbed point to go, as a drag from the rest pose: a pick of
            # another candidate (or an edit) re-plays it.
            state.target = np.asarray(drag.target, dtype=np.float64)
        if abs(state.value) < 1e-9:
            state.result = None
            return None
        return self.generate(drag.part)

    def generate(self, label: int, seed: int | None = None):
        """Generate the part's trajectory from rest to its live value with its joint given.

        Raises DragError when the part is at rest (nothing to generate).
        """
        label = self.mover(label)
        state = self.parts[label]
        if state.joint is None:
            raise DragError("drag the part first: it has no joint yet")
        grab = state.grab_rest
        if grab is None:
            grab = self.mesh.vertices[self.mesh.faces[self.mesh.face_labels == label][0, 0]]
        moved = state.joint.apply(grab[None], state.value)[0]
        if seed is not None:
            state.seed = int(seed)
        # Seed 0 is the default trajectory (the latent's prior mean); any other seed draws the
        # latent from the prior: another easing and extent of the same motion.
        drawn = state.seed != 0
        full = self._articulate(
            self.mesh, self.group(label), grab, moved - grab, joint=state.joint, frames=self.frames,
            seed=state.seed, samples=2 if drawn else 1,
        )
        result = full.pick(1) if drawn else full
        state.result = result
        # The pipeline may flip the axis so values are >= 0; the pose is the same. A drawn latent
        # only re-times the motion to the same drag: the live value stays, so drawing again and
        # again never drifts.
        joint = tidy_limits(full.joint)  # the frame changes round a limit at 0 off by a hair
        if drawn:
            flipped = float(full.joint.axis @ state.joint.axis) < 0
            state.joint, state.value = joint, -state.value if flipped else state.value
        else:
            state.joint, state.value = joint, float(full.values[-1])
        state.timing_ms = {**state.timing_ms, **{k: v for k, v in result.timing_ms.items()
                                                if k in ("motion", "projection")}}
        self.frame = self.frames - 1
        return result

    # -- candidates ----------------------------------------------------------------------------

    def choose(self, label: int, index: int, drag: Drag | None = None) -> Joint:
        """Use candidate ``index`` (0 = the inferred joint) as the part's joint. During ``drag`` (of
        this part) the part follows the cursor on it from now on; otherwise the last drag is
        re-played on it (the value that brings the grabbed point nearest where the drag asked, within
        the limits) and the trajectory generated again. A runner-up is the user's choice: a warning
        says when it drives the part through the base."""
        label = self.mover(label)
        state = self.parts[label]
        if not 0 <= index < len(state.candidates):
            raise InputError(f"no candidate {index + 1}: this part has {len(state.candidates)}")
        self.freeze_frame()
        cand = state.candidates[index]
        state.joint, state.choice, state.edited = cand.joint, index, None
        state.type_probability = cand.probability
        state.result = None
        if drag is not None and drag.part == label and drag.follower is not None:
            # From the rest pose: the new joint puts the grabbed point under the cursor.
            drag.follower = self._follower(state, drag.grab_rest, 0.0)
            drag.picked = True
        else:
            self._replay(label)
        state.warning = self.collision(label) if state.forced else None
        return state.joint

    def _replay(self, label: int) -> None:
        """Put the part where its last drag asked, on its (new) joint, and generate the trajectory."""
        state = self.parts[label]
        state.result = None
        if state.grab_rest is None:
            state.value = float(state.joint.clamp(0.0))
            return
        target = state.target
        if target is None:
            target = state.grab_rest
        value = float(state.joint.drag_value(state.grab_rest, target - state.grab_rest, clamp=True))
        state.value = value
        if abs(value) > 1e-9:
            self.generate(label)

    # -- edits ---------------------------------------------------------------------------------

    def part_box(self, label: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The part's box (centre, axes (3, 3) rows, extents) in mesh coordinates, its own faces
        only (a handle does not move its door's edges)."""
        label = int(label)
        if label not in self._boxes:
            faces = self.mesh.faces[self.mesh.face_labels == label]
            self._boxes[label] = partinfo.part_box(self.mesh.vertices, faces, self.mesh.up)
        return self._boxes[label]

    def _signed(self, state: PartState, joint: Joint) -> Joint:
        """``joint`` with its axis pointing the way the last drag went (positive values follow it);
        its limits stay as they are (they are measured the way the part was dragged). A drag that
        says nothing along the joint (under a tenth of a radian or of its length) leaves it as is."""
        if state.grab_rest is None or state.target is None:
            return joint
        vector = state.target - state.grab_rest
        value = joint.drag_value(state.grab_rest, vector, clamp=False)
        small = 0.1 if joint.is_revolute else 0.1 * float(np.linalg.norm(vector))
        if value >= -small:
            return joint
        return Joint(joint.type, -joint.axis, joint.origin, joint.limits)

    def _edited(self, label: int, joint: Joint, what: str, replay: bool = True) -> None:
        state = self.parts[label]
        self.freeze_frame()
        state.joint, state.choice, state.edited = joint, None, what
        if replay:
            self._replay(label)
        else:
            state.value = float(joint.clamp(state.value))
            state.result = None
            if abs(state.value) > 1e-9 and state.grab_rest is not None:
                self.generate(label)
        state.warning = self.collision(label)

    def snap_axis(self, label: int) -> Joint:
        """Snap the joint's axis to the part's box axes: to the nearest one when it is off every one,
        else to the next one (cycling). The pivot stays; the drag is re-played on the new axis."""
        label = self.mover(label)
        state = self.parts[label]
        if state.joint is None:
            raise InputError("this part has no joint yet: drag it first")
        _, axes, _ = self.part_box(label)
        j = state.joint
        cos = np.abs(axes @ j.axis)
        k = int(np.argmax(cos))
        if cos[k] > np.cos(np.radians(0.5)):
            k = (k + 1) % 3
        axis = axes[k] * (1.0 if axes[k] @ j.axis >= 0 else -1.0)
        joint = self._signed(state, Joint(j.type, axis, j.origin, j.limits))
        self._edited(label, joint, "axis")
        return state.joint

    def set_limits(self, label: int, lower: float | None, upper: float | None) -> Joint:
        """The joint's limits (radians or mesh units; 0 = the pose in the file); both None: none (a
        revolute joint that turns round and round). The part stays where it is, within them."""
        label = self.mover(label)
        state = self.parts[label]
        j = state.joint
        if j is None:
            raise InputError("this part has no joint yet: drag it first")
        if lower is None and upper is None:
            if not j.is_revolute:
                raise InputError("a slide needs limits: give the lower and the upper")
            limits = None
        else:
            if lower is None or upper is None:
                raise InputError("give both limits (or neither, for a joint that turns freely)")
            lower, upper = float(lower), float(upper)
            if not (np.isfinite(lower) and np.isfinite(upper)):
                raise InputError("limits must be numbers")
            if lower > upper:
                raise InputError(f"the lower limit ({lower:g}) is above the upper ({upper:g})")
            limits = (lower, upper)
        self._edited(label, Joint(j.type, j.axis, j.origin, limits), "limits", replay=False)
        return state.joint

    def set_hinge(self, label: int, point: np.ndarray) -> Joint:
        """Make the part's box edge nearest ``point`` (3,), a point on the part as it is shown, its
        hinge: a revolute joint about that edge line, opening the way the last drag went (else the
        way the base leaves free), from the pose in the file to where the base stops it (at most
        ``HINGE_RANGE``, or the old hinge's range)."""
        label = self.mover(label)
        state = self.parts[label]
        pose = self.transform(label)
        rest = pose[:3, :3].T @ (np.asarray(point, dtype=np.float64) - pose[:3, 3])
        centre, axes, ext = self.part_box(label)
        middle, direction, _ = partinfo.nearest_edge(rest, centre, axes, ext)
        joint = Joint("revolute", direction, middle, None)
        if state.grab_rest is not None and state.target is not None:
            joint = self._signed(state, joint)
        else:
            free = [s.free if s.blocked else np.inf for s in self._sweeps(label, joint, np.pi)]
            if free[1] > free[0]:
                joint = joint.flipped()
        reach = HINGE_RANGE
        if state.joint is not None and state.joint.is_revolute and state.joint.limits is not None:
            reach = max(state.joint.limits[1], np.radians(10.0))
        up, _ = self._sweeps(label, joint, reach)
        upper = up.free if up.blocked and up.free > np.radians(5.0) else reach
        self._edited(label, Joint("revolute", joint.axis, joint.origin, (0.0, float(upper))), "hinge")
        return state.joint

    def set_pivot(self, label: int, point: np.ndarray, snap: float = PIVOT_SNAP, shown: bool = False,
                  replay: bool = True) -> Joint:
        """Move the hinge line, keeping its direction, so it passes through ``point`` (3,): a point
        of the part in the pose in the file, or with ``shown`` as the part is shown (the point of
        the part that is there; the line of a hinge itself does not move as it turns). Within
        ``snap`` times the part's box diagonal of an edge of the part's box that runs along the
        axis, it lands on that edge. The limits stay; the drag is re-played on the moved line, the
        axis turned round if the last drag now asks for the other way (without ``replay`` the part
        waits in the pose in the file, as the viewer shows it while the pivot is dragged, until
        :meth:`replay`)."""
        label = self.mover(label)
        state = self.parts[label]
        j = state.joint
        if j is None or not j.is_revolute:
            raise InputError("only a hinge has a pivot to move: drag the part first, or set a revolute joint")
        point = np.asarray(point, dtype=np.float64)
        if point.shape != (3,) or not np.isfinite(point).all():
            raise InputError("the pivot must be a finite 3D point")
        if shown:
            pose = self.transform(label)
            point = pose[:3, :3].T @ (point - pose[:3, 3])
        r = point - j.origin
        origin = j.origin + r - (r @ j.axis) * j.axis
        centre, axes, ext = self.part_box(label)
        edge = partinfo.nearest_edge(origin, centre, axes, ext, along=j.axis)
        if edge is not None:
            gap = edge[0] - origin
            if np.linalg.norm(gap - (gap @ j.axis) * j.axis) <= snap * float(np.linalg.norm(ext)):
                q = edge[0] - j.origin
                origin = j.origin + q - (q @ j.axis) * j.axis
        joint = Joint(j.type, j.axis, origin, j.limits)
        if not replay:
            self.show_rest(label)
            state.joint, state.choice, state.edited = joint, None, "pivot"
            return joint
        # The line moved past the grab (a hinge dragged to the other edge): the part still opens the
        # way it was dragged.
        self._edited(label, self._signed(state, joint), "pivot")
        return state.joint

    def show_rest(self, label: int) -> None:
        """Put the part in the pose in the file (its joint and last drag kept), e.g. while its pivot
        is edited; :meth:`replay` puts it back where the drag asked."""
        state = self.parts[self.mover(label)]
        self.freeze_frame()
        state.result = None
        state.value = float(state.joint.clamp(0.0)) if state.joint is not None else 0.0

    def replay(self, label: int) -> Joint | None:
        """Re-play the part's last drag on its joint (the axis turned round if the drag now asks for
        the other way) and generate the trajectory again."""
        label = self.mover(label)
        state = self.parts[label]
        if state.joint is None:
            return None
        self._edited(label, self._signed(state, state.joint), state.edited or "pivot")
        return state.joint

    # -- physics -------------------------------------------------------------------------------

    def _scene(self, label: int):
        """(Obstacle of every face not in the part's group, points on the group's surface)."""
        group = tuple(self.group(label))
        if group not in self._physics:
            from dragmesh.physics import Obstacle
            from dragmesh.sampling import sample_surface

            mesh = self.mesh
            moving = np.isin(mesh.face_labels, group)
            points = sample_surface(mesh.vertices, mesh.faces[moving], SWEEP_POINTS,
                                    rng=np.random.default_rng(0)).points
            self._physics[group] = (Obstacle(mesh.vertices, mesh.faces[~moving]), points)
        return self._physics[group]

    def _sweeps(self, label: int, joint: Joint, span: float):
        """(sweep up to +span, sweep down to -span) of the part on ``joint`` against the rest."""
        from dragmesh.physics import sweep

        obstacle, points = self._scene(label)
        return (sweep(obstacle, joint, points, 1.0, span), sweep(obstacle, joint, points, -1.0, span))

    def collision(self, label: int) -> str | None:
        """A warning when the part's joint, within its limits, drives the part into the rest of the
        object (the base and the parts at rest), else None: "hits the object at +12° (limit +100°)"
        (where it hits, which way, and the limit it was heading for)."""
        from dragmesh.physics import sweep

        label = self.mover(label)
        state = self.parts[label]
        j = state.joint
        if j is None or self.mesh is None:
            return None
        obstacle, points = self._scene(label)
        if j.limits is not None:
            lo, hi = j.limits
        elif j.is_revolute:
            lo, hi = -np.pi, np.pi
        else:
            return None
        span = max(hi - lo, 1e-12)
        tol = np.radians(2.0) if j.is_revolute else 0.02 * span
        hits = []
        for sign, reach in ((1.0, hi), (-1.0, -lo)):
            if reach <= tol:
                continue
            s = sweep(obstacle, j, points, sign, reach)
            if s.blocked and s.free < reach - tol:
                hits.append((sign * s.free, sign * reach))
        if not hits:
            return None
        stop, limit = hits[0]
        unit = (lambda v: f"{np.degrees(v):+.0f}°") if j.is_revolute else (lambda v: f"{v:+.2g}")
        return f"hits the object at {unit(stop)} (limit {unit(limit)})"

    # -- more edits ----------------------------------------------------------------------------

    def flip(self, label: int) -> None:
        """Negate the part's axis, keeping its value and its limits: the part moves the other way,
        as far (a mirrored motion, not the same motion renamed)."""
        label = self.mover(label)
        state = self.parts[label]
        if state.joint is None:
            raise InputError("this part has no joint yet: drag it first")
        self.freeze_frame()
        j = state.joint
        state.joint = Joint(j.type, -j.axis, j.origin, j.limits)
        state.choice, state.edited = None, "flip"
        state.result = None
        if state.value != 0.0:
            self.generate(label)
        state.warning = self.collision(label)

    def reset(self, label: int) -> None:
        """Back to rest with no joint (the next drag infers it again)."""
        label = self.mover(label)
        self.freeze_frame()
        override = self.parts[label].type_override
        self.parts[label] = PartState(type_override=override)

    def override_type(self, label: int, joint_type: str | None) -> None:
        """Force a joint type (None: as inferred) and infer the joint again from the last drag."""
        label = self.mover(label)
        state = self.parts[label]
        state.type_override = joint_type
        if state.joint is None or state.grab_rest is None:
            return
        if joint_type is not None and state.joint.type == joint_type:
            state.warning = self.collision(label)
            return
        self.freeze_frame()
        grab = state.grab_rest
        target = state.target if state.target is not None else state.joint.apply(grab[None], state.value)[0]
        vector = target - grab
        if float(np.linalg.norm(vector)) < 1e-12:
            state.joint, state.result = None, None
            return
        result = self._articulate(self.mesh, self.group(label), grab, vector, joint_type=joint_type, frames=2)
        self._take_inference(label, result)
        state.timing_ms = {k: v for k, v in result.timing_ms.items() if k in ("sample", "joint")}
        if state.target is None:
            state.target = target
        self._replay(label)

    # -- export --------------------------------------------------------------------------------

    def export(self, out_dir: str | Path, formats: str | Sequence[str]) -> dict[str, list[Path]]:
        """Write every articulated part together (one GLB / URDF / video) to ``out_dir``."""
        from dragmesh.export import export
        from dragmesh.export.results import combine

        results = [self.parts[i].result for i in self.articulated()]
        if not results:
            raise InputError("nothing to export yet: drag a part and release it first")
        if len(results) == 1:
            return results[0].export(out_dir, formats)
        stem = Path(self.mesh.source).stem if self.mesh.source else "object"
        return export(combine(results), out_dir, formats, stem)


def timed(fn, *args, **kwargs) -> tuple[Any, float]:
    """(fn(*args, **kwargs), milliseconds)."""
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, (time.perf_counter() - start) * 1e3

