"""What every joint predictor returns, learned or geometric."""

from __future__ import annotations

from dataclasses import dataclass, field

from dragmesh.geometry.joints import Joint


@dataclass
class Alternative:
    """A runner-up joint: model frame, canonical sign, limits when known; its probability; where
    it came from (``"kppnet"``, ``"box edge"``, ``"box centre"``, ``"box"``, or where the part
    touches the base: ``"contact"`` a hinge along a box axis through a pin or knuckle,
    ``"bearing"`` about a hub's normal, ``"bearings"`` through two pins, ``"swing"`` the hinge the
    drag swings the part about through a bearing)."""

    joint: Joint
    probability: float
    source: str = ""


@dataclass
class JointPrediction:
    """A predicted joint in the model frame.

    joint: type, unit axis and origin (a point on the axis) in the model frame; limits (lower,
        upper) when the predictor infers them, else None. The axis sign follows the drag: a positive
        joint value moves the part the way it was dragged.
    type_probability: the predictor's probability of ``joint.type`` (1.0 when overridden).
    alternatives: the next most probable distinct joints, most probable first (may be empty).
    probability: the chosen joint's own probability, on the scale of the alternatives' (it and
        theirs sum to at most 1); None for predictors without alternatives.
    source: where the chosen joint came from (see :class:`Alternative`), "" when not said.
    evidence: the chosen joint's score terms (log-likelihood units), for explanation; may be empty.
    scores: every candidate's type and score, for calibration (empty for predictors without them).
    """

    joint: Joint
    type_probability: float
    alternatives: list[Alternative] = field(default_factory=list)
    source: str = ""
    probability: float | None = None  # the chosen joint's own probability (beside its alternatives')
    evidence: dict = field(default_factory=dict)
    scores: list = field(default_factory=list)  # [(type, score)] of every candidate, before the temperature
