"""A small articulated asset for the export tests (a box body with a revolute door and a prismatic
drawer), built directly, without the pipeline, so export tests fail only for export bugs."""

import numpy as np
import trimesh

from dragmesh.export import ArticulatedAsset, MovingPart
from dragmesh.geometry.joints import Joint

def _box(size, centre):
    mesh = trimesh.creation.box(size)
    mesh.apply_translation(centre)
    return np.asarray(mesh.vertices, dtype=np.float64), np.asarray(mesh.faces, dtype=np.int64)


def make_asset(parts=("door", "drawer"), frames=6, door_limits=None) -> ArticulatedAsset:
    """Body 0.6 x 0.8 x 0.5 (metres, +Y up, front +Z) with a door hinged on its left edge (axis -Y,
    so positive opens outwards) and a drawer sliding out along +Z, each moved over ``frames``."""
    body_v, body_f = _box([0.6, 0.8, 0.5], [0.0, 0.4, 0.0])
    moving = []
    if "door" in parts:
        v, f = _box([0.58, 0.5, 0.02], [0.0, 0.55, 0.26])
        joint = Joint("revolute", [0, -1, 0], [-0.29, 0.55, 0.25], door_limits)
        values = np.linspace(0.0, 1.2, frames)
        moving.append(MovingPart("door", v, f, joint, values, joint.transforms(values)))
    if "drawer" in parts:
        v, f = _box([0.58, 0.25, 0.45], [0.0, 0.15, 0.03])
        joint = Joint("prismatic", [0, 0, 1], [0.0, 0.15, 0.03])
        values = np.linspace(0.0, 0.3, frames)
        moving.append(MovingPart("drawer", v, f, joint, values, joint.transforms(values)))
    return ArticulatedAsset(body_v, body_f, moving, name="box_cabinet")


