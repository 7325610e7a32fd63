"""What every joint predictor returns, learned or geometric."""

from __future__ import annotations

from dataclasses import dataclass

from dragmesh.geometry.joints import Joint


@dataclass
class JointPrediction:
    """A predicted joint in the model frame.

    joint: type, unit axis and origin (a point on the axis) in the model frame; limits unknown (None)
        unless the predictor infers them. The axis sign follows SPEC §4: a positive joint value moves
        the part the way it was dragged.
    type_probability: the predictor's probability of ``joint.type`` (0.5..1; 1.0 when overridden).
    """

    joint: Joint
    type_probability: float
