"""The shipped joint predictor: KPP-Net weights from ``weights/``, optionally refined by geometry.

Type: when ``weights/types.*`` is shipped, the joint type comes from the part-frame type classifier
(:mod:`dragmesh.models.typenet`) rather than KPP-Net's own type head, which sees small controls as a
few dozen points at an arbitrary yaw (``dragmesh eval joints`` has a row for each). KPP-Net's axis
and pivot are kept, re-oriented for the chosen type, except where a slide is chosen against KPP-Net's
own belief in a hinge (by the classifier or by the user): its axis is then a hinge's, and the slide
runs along the part's box axis nearest the drag instead. And where the classifier's axis head is
sure (p >= 0.9) that the joint runs along one of the part's own axes, that axis replaces KPP-Net's.
``dragmesh eval joints`` measures both choices.

Refinement ("snap"): man-made parts are boxes and plates, so a predicted axis within ``snap_deg``
of an edge direction of the part's tight box is replaced by that direction, and a revolute pivot
within ``snap_dist`` of one of the box's four edge lines along the axis (or its centre line, for
knobs and swing lids) is moved onto it. Far from any candidate the network's answer stands, so the
refinement can only help where the geometry is unambiguous. ``dragmesh eval joints`` reports both.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from dragmesh.errors import WeightsError
from dragmesh.geometry.joints import PRISMATIC, REVOLUTE, Joint
from dragmesh.models.baseline import GeometricJointPredictor, part_frame
from dragmesh.models.kppnet import KPPNet, KPPNetConfig, orient_axis
from dragmesh.models.prediction import JointPrediction
from dragmesh.models.weights import WEIGHTS_DIR

TYPES = (REVOLUTE, PRISMATIC)


def refine(points, mask, joint: Joint, snap_deg: float = 8.0, snap_dist: float = 0.04) -> Joint:
    """Snap a model-frame joint onto the part's box edges when it is close to one (see module doc).

    points (N, 3), mask (N,) bool; snap_dist in model units (the object's largest extent is 1).
    The box is :func:`~dragmesh.models.baseline.part_frame`'s (the tighter of the gravity-aligned
    and the principal one). Snapping to whichever of both boxes' axes lies nearest the prediction
    measured worse (axis median 3.2° against 1.6° on the seen benchmark): the principal box of a
    bulky part has arbitrary axes that a noisy prediction happens to be near.
    """
    part = np.asarray(points, dtype=np.float64)[np.asarray(mask, dtype=bool)]
    if len(part) < 8:
        return joint
    centre, axes, ext = part_frame(part)
    cos = axes @ joint.axis
    k = int(np.argmax(np.abs(cos)))
    if np.degrees(np.arccos(min(1.0, abs(cos[k])))) > snap_deg:
        return joint
    axis = np.sign(cos[k]) * axes[k]
    if joint.type == PRISMATIC:
        return Joint(PRISMATIC, axis, joint.origin, joint.limits)
    i, j = [n for n in range(3) if n != k]
    candidates = [centre] + [centre + s1 * ext[i] * axes[i] + s2 * ext[j] * axes[j]
                             for s1 in (-0.5, 0.5) for s2 in (-0.5, 0.5)]
    cands = np.stack(candidates)
    # Distance of each candidate line (through c, along axis) from the predicted pivot.
    rel = joint.origin - cands
    dist = np.linalg.norm(rel - (rel @ axis)[:, None] * axis, axis=1)
    n = int(np.argmin(dist))
    origin = joint.origin
    if dist[n] <= snap_dist:
        origin = cands[n] + ((joint.origin - cands[n]) @ axis) * axis
    return Joint(REVOLUTE, axis, origin, joint.limits)


class LearnedJointPredictor:
    """KPP-Net at batch 1 on the CPU. ``predict`` has the interface of every joint predictor."""

    name = "kppnet"

    def __init__(self, model: KPPNet, snap: bool = True, meta: dict | None = None, types=None):
        self.model = model.eval()
        self.snap = snap
        self.meta = meta or {}
        self.n_points = model.cfg.n_points
        self.types = types  # a TypeClassifier, or None for KPP-Net's own type head

    @classmethod
    def load(cls, weights_dir: Path | str = WEIGHTS_DIR, snap: bool = True, types: bool = True) -> "LearnedJointPredictor":
        """KPP-Net from ``joints.*`` and, with ``types`` and when ``types.*`` exists beside it, the
        type classifier; either file set corrupt or mismatched is a WeightsError."""
        from dragmesh.models.typenet import TypeClassifier
        from dragmesh.models.weights import fit_state, load_weights

        state, meta = load_weights(Path(weights_dir), "joints")
        try:
            model = KPPNet(KPPNetConfig(**meta["config"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise WeightsError(f"weights {Path(weights_dir) / 'joints.json'} hold no valid KPP-Net config: {exc}") from None
        fit_state(model, state, Path(weights_dir) / "joints.safetensors")
        classifier = None
        if types and (Path(weights_dir) / "types.json").exists():
            classifier = TypeClassifier.load(weights_dir)
        return cls(model, snap=snap, meta=meta, types=classifier)

    @torch.inference_mode()
    def predict(self, points, mask, drag_point, drag_vector, joint_type: str | None = None) -> JointPrediction:
        f = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float32)).unsqueeze(0)
        pts, m, p, v = f(points), f(np.asarray(mask, dtype=np.float32)), f(drag_point), f(drag_vector)
        out = self.model(pts, m, p, v)
        probs = torch.softmax(out["type_logits"][0], -1).numpy()
        own = int(np.argmax(probs))
        reading = self.types.read(points, mask, drag_point, drag_vector) if self.types is not None else None
        if reading is not None and not joint_type:
            probs = reading.types
        k = TYPES.index(joint_type) if joint_type else int(np.argmax(probs))
        axis = out["axis"]
        if k != own and TYPES[k] == PRISMATIC:
            # KPP-Net regressed a hinge; a slide runs along the part's box axis nearest the drag.
            joint = GeometricJointPredictor().predict(points, mask, drag_point, drag_vector, PRISMATIC).joint
        else:
            if k != own:
                # The head oriented the axis for its own type; re-orient it for the chosen one.
                axis = orient_axis(axis, out["origin"], torch.tensor([k == 0]), p, v)
            joint = Joint(TYPES[k], axis[0].double().numpy(), out["origin"][0].double().numpy())
        # The classifier's axis head names the part axis the joint runs along (a knob's normal, a
        # button's, a rocker's long axis), where KPP-Net can be tens of degrees off; it was
        # trained for the true type, so a type the user forces keeps KPP-Net's axis.
        chosen = reading.chosen_axis() if reading is not None and not joint_type else None
        if chosen is not None:
            joint = Joint(joint.type, chosen, joint.origin)
        if self.snap:
            joint = refine(points, mask, joint)
        if joint.drag_value(np.asarray(drag_point, float), np.asarray(drag_vector, float), clamp=False) < 0:
            joint = joint.flipped()
        return JointPrediction(joint=joint, type_probability=1.0 if joint_type else float(probs[k]))


def load_joint_predictor(weights_dir: Path | str = WEIGHTS_DIR, snap: bool = True, types: bool = True):
    """The shipped learned predictor; WeightsError when its files are missing or corrupted."""
    return LearnedJointPredictor.load(weights_dir, snap=snap, types=types)
