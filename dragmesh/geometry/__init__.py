"""Kinematic core: rotations, joints, dual quaternions and triangles, as pure functions (no models).

- :mod:`~dragmesh.geometry.rotations`: NumPy rotations (axis-angle, matrices, quaternions).
- :mod:`~dragmesh.geometry.joints`: the NumPy :class:`~dragmesh.geometry.joints.Joint` the program
  passes around (transforms, dual quaternions, drags, projection, frames).
- :mod:`~dragmesh.geometry.dualquat`: torch quaternions, dual quaternions and batched joint motions,
  differentiable, for the models.
- :mod:`~dragmesh.geometry.triangles`: closest points on triangles (NumPy).

Only ``dualquat`` imports torch; import the modules themselves, so that loading a mesh or a joint
does not load torch.
"""
