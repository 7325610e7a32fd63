"""What the viewer holds, without any GUI: the mesh, each part's joint, pose and trajectory, the
base (the part that never moves), the undo and redo history, and the calls into the pipeline.

Every part starts at rest with no joint. The first drag of a part infers its joint once (the
pipeline's predictor, with the user's type override if any); later drags move it along that joint.
Releasing a drag asks the pipeline's motion generator for the trajectory from rest to the pose the
drag reached, with the joint given, so the trajectory, the panel and the exports agree. Poses are
4x4 transforms of the part's rest-pose points, in mesh coordinates.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from dragmesh.errors import DragError, InputError
from dragmesh.geometry.joints import Joint
from dragmesh.io import PartMesh, load_mesh
from dragmesh.normalize import unit_up

# How many states undo (and redo) remembers.
HISTORY = 50
# Part names that say "I am the fixed body" (case-insensitive, optionally with a number).
BASE_NAMES = re.compile(r"(base|body|frame|root|chassis|carcass|housing|casing|case|main|fixed|static|stand)"
                        r"([ _.\-]?\d+)?", re.IGNORECASE)
BASE_LOCKED = "the base is fixed; drag a moving part"


def find_base(mesh: PartMesh) -> int | None:
    """The label of the part that does not move (the microwave's body), or None for a single part.

    In order: the one part the file gives no joint when it gives joints to the others (URDF); the
    part named like a body (``base``, ``body``, ``frame``..., as the generated objects and most
    datasets call it); else the part whose bounding box is largest (the body holds its doors and
    drawers, so its box contains theirs). Face counts are not used: a box body has 12 triangles and
    its door's rounded handle hundreds.
    """
    if mesh.n_parts < 2:
        return None
    counts = np.bincount(mesh.face_labels, minlength=mesh.n_parts)
    present = [i for i in range(mesh.n_parts) if counts[i] > 0]
    if not present:
        return None
    volume, diagonal = {}, {}
    for i in present:
        ext = np.ptp(mesh.vertices[np.unique(mesh.faces[mesh.face_labels == i])], axis=0)
        diagonal[i] = float(np.linalg.norm(ext))
        # A flat part (a lid, a panel) still gets a thin box's volume.
        volume[i] = float(np.prod(np.maximum(ext, 1e-3 * diagonal[i] + 1e-12)))
    top_v, top_d = max(volume.values()), max(diagonal.values())
    # By volume, then diagonal; boxes within a part in ten thousand tie, and a tie goes to the
    # lowest label.
    rank = {i: (round(volume[i] / max(top_v, 1e-300), 4), round(diagonal[i] / max(top_d, 1e-300), 4), -i)
            for i in present}
    if mesh.joints:
        unjointed = [i for i in present if mesh.part_names[i] not in mesh.joints]
        if unjointed:
            return max(unjointed, key=rank.get)
    named = [i for i in present if BASE_NAMES.fullmatch(mesh.part_names[i].strip())]
    if named:
        return max(named, key=rank.get)
    return max(present, key=rank.get)


@dataclass
class PartState:
    """One part's articulation.

    joint: in mesh coordinates, positive values = the way the part was dragged; None until inferred.
    type_probability: the predictor's probability of the joint's type (None before inference).
    type_override: "revolute" / "prismatic" forced by the user, or None.
    value: the live joint value (radians or mesh units) when no trajectory frame is shown.
    grab_rest: (3,) the last grabbed point, in the part's rest pose.
    result: the last :class:`~dragmesh.pipeline.ArticulationResult` (the trajectory), or None.
    seed: seed of the last trajectory sample.
    timing_ms: per-stage milliseconds of the last pipeline call for this part.
    """

    joint: Joint | None = None
    type_probability: float | None = None
    type_override: str | None = None
    value: float = 0.0
    grab_rest: np.ndarray | None = None
    result: Any = None
    seed: int = 0
    timing_ms: dict = field(default_factory=dict)


@dataclass
class Drag:
    """A drag in progress: part label, grabbed point (3,) at the start (mesh coordinates) and in the
    rest pose, the part's pose (4, 4) at the start, and the follower once the joint is known."""

    part: int
    grab: np.ndarray
    grab_rest: np.ndarray
    start_pose: np.ndarray
    follower: Any = None


class Session:
    """The viewer's state for one mesh; see the module docstring.

    frames: frames of each generated trajectory (every part uses the same, so they export together).
    """

    def __init__(self, frames: int = 16, pipeline: Any = None, pipeline_options: dict | None = None):
        self.frames = int(frames)
        self.mesh: PartMesh | None = None
        self.parts: list[PartState] = []
        self.frame: int | None = None
        # Undo and redo: (parts, frame, base) snapshots.
        self.history: list[tuple[list[PartState], int | None, int | None]] = []
        self.redo_stack: list[tuple[list[PartState], int | None, int | None]] = []
        self._cleared_redo: list | None = None  # what the last push took from redo, for revert()
        self.base: int | None = None
        self._pipeline = pipeline
        self._pipeline_options = dict(pipeline_options or {})
        self._pipeline_lock = threading.Lock()
        self._call_lock = threading.Lock()
        self._poses: dict[int, tuple] = {}  # label -> (joint, value, (4, 4)): one transform per change

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

    def set_mesh(self, mesh: PartMesh) -> None:
        self.mesh = mesh
        self._poses = {}
        self.parts = [PartState() for _ in range(mesh.n_parts)]
        self.frame = None
        self.history = []
        self.redo_stack = []
        self._cleared_redo = None
        self.base = find_base(mesh)

    def set_up(self, up: Sequence[float]) -> PartMesh:
        """Give the mesh another up direction (gravity for the joint inference, and the camera's
        up); the vertices stay as they are. Joints inferred under the old up are stale, so every
        part goes back to rest, as after opening the file; the base stays the one chosen."""
        if self.mesh is None:
            raise InputError("open a mesh first")
        base = self.base
        mesh = dataclasses.replace(self.mesh, up=unit_up(up))
        self.set_mesh(mesh)
        self.base = base
        return mesh

    # -- the base ------------------------------------------------------------------------------

    def is_base(self, label: int | None) -> bool:
        return label is not None and self.base is not None and int(label) == self.base

    def set_base(self, label: int) -> None:
        """Make part ``label`` the fixed base: it goes back to rest with no joint, and the old base
        can be dragged from now on."""
        if self.mesh is None or not 0 <= int(label) < self.mesh.n_parts:
            raise InputError(f"no part with label {label}")
        self.freeze_frame()
        self.parts[int(label)] = PartState()
        self.base = int(label)

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
        """(4, 4) pose of a part: its trajectory frame when one is shown, else its live value."""
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

    # -- undo ----------------------------------------------------------------------------------

    def _snapshot(self) -> tuple[list[PartState], int | None, int | None]:
        return [copy.copy(s) for s in self.parts], self.frame, self.base

    def _restore(self, snapshot) -> None:
        self.parts, self.frame, self.base = snapshot

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
        """Start dragging part ``label`` at the grabbed surface point ``grab`` (3,) (current pose).

        Raises DragError for the base: it is what the other parts move against.
        """
        if self.is_base(label):
            raise DragError(BASE_LOCKED)
        self.freeze_frame()
        pose = self.transform(label)
        R, t = pose[:3, :3], pose[:3, 3]
        grab = np.asarray(grab, dtype=np.float64)
        drag = Drag(label, grab, R.T @ (grab - t), pose)
        state = self.parts[label]
        if state.joint is not None:
            drag.follower = self._follower(state, grab)
        return drag

    def _follower(self, state: PartState, grab: np.ndarray):
        from viewer.follow import DragFollower

        return DragFollower(state.joint, state.value, grab)

    def infer_joint(self, drag: Drag, vector: np.ndarray) -> Joint:
        """Infer the dragged part's joint from the drag's first movement ``vector`` (3,), in mesh
        coordinates; the part is at rest (a part with a joint is never re-inferred)."""
        state = self.parts[drag.part]
        R = drag.start_pose[:3, :3]
        result = self._articulate(
            self.mesh, drag.part, drag.grab_rest, R.T @ np.asarray(vector, float),
            joint_type=state.type_override, frames=2,
        )
        state.joint, state.type_probability = result.joint, float(result.type_probability)
        state.timing_ms = {k: v for k, v in result.timing_ms.items() if k in ("sample", "joint")}
        drag.follower = self._follower(state, drag.grab)
        return state.joint

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
        if abs(state.value) < 1e-9:
            state.result = None
            return None
        return self.generate(drag.part)

    def generate(self, label: int, seed: int | None = None):
        """Generate the part's trajectory from rest to its live value with its joint given.

        Raises DragError when the part is at rest (nothing to generate).
        """
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
            self.mesh, label, grab, moved - grab, joint=state.joint, frames=self.frames, seed=state.seed,
            samples=2 if drawn else 1,
        )
        result = full.pick(1) if drawn else full
        state.result = result
        # The pipeline may flip the axis so values are >= 0; the pose is the same. A drawn latent
        # only re-times the motion to the same drag: the live value stays, so drawing again and
        # again never drifts.
        if drawn:
            flipped = float(full.joint.axis @ state.joint.axis) < 0
            state.joint, state.value = full.joint, -state.value if flipped else state.value
        else:
            state.joint, state.value = full.joint, float(full.values[-1])
        state.timing_ms = {**state.timing_ms, **{k: v for k, v in result.timing_ms.items()
                                                if k in ("motion", "projection")}}
        self.frame = self.frames - 1
        return result

    # -- edits ---------------------------------------------------------------------------------

    def flip(self, label: int) -> None:
        """Negate the part's axis, keeping its value: the part moves the other way."""
        state = self.parts[label]
        if state.joint is None:
            raise InputError("this part has no joint yet: drag it first")
        self.freeze_frame()
        state.joint = state.joint.flipped()
        state.result = None
        if state.value != 0.0:
            self.generate(label)

    def reset(self, label: int) -> None:
        """Back to rest with no joint (the next drag infers it again)."""
        self.freeze_frame()
        override = self.parts[label].type_override
        self.parts[label] = PartState(type_override=override)

    def override_type(self, label: int, joint_type: str | None) -> None:
        """Force a joint type (None: as inferred) and infer the joint again from the last drag."""
        state = self.parts[label]
        state.type_override = joint_type
        if state.joint is None or state.grab_rest is None:
            return
        if joint_type is not None and state.joint.type == joint_type:
            return
        self.freeze_frame()
        grab = state.grab_rest
        moved = state.joint.apply(grab[None], state.value)[0]
        vector = moved - grab
        if float(np.linalg.norm(vector)) < 1e-12:
            state.joint, state.result = None, None
            return
        result = self._articulate(self.mesh, label, grab, vector, joint_type=joint_type,
                                          frames=self.frames, seed=state.seed)
        state.joint, state.type_probability = result.joint, float(result.type_probability)
        state.result, state.value = result, float(result.values[-1])
        state.timing_ms = dict(result.timing_ms)
        self.frame = self.frames - 1

    # -- export --------------------------------------------------------------------------------

    def export(self, out_dir: str | Path, formats: str | Sequence[str]) -> dict[str, list[Path]]:
        """Write every articulated part together (one GLB / URDF / video) to ``out_dir``."""
        from dragmesh.export import export
        from dragmesh.pipeline import combine

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

