"""USD export with UsdPhysics: one stage (``.usda`` text or ``.usdc`` binary) that both plays the
trajectory and simulates, its meshes embedded, written with usd-core's ``pxr`` API.

Layout (``<Root>`` is the asset's name as a USD identifier, the stage's default prim)::

    /<Root>                 Xform, PhysicsArticulationRootAPI
        base                Xform, PhysicsRigidBodyAPI, at the identity
            mesh            Mesh (the fixed faces), PhysicsCollisionAPI, PhysicsMeshCollisionAPI
        <part>              Xform, PhysicsRigidBodyAPI, xformOp:transform time-sampled
            mesh            Mesh (the part's faces minus its pivot), collision as above
        joints              Scope
            base_fixed      PhysicsFixedJoint: the world to base (a fixed-base articulation)
            <part>_joint    PhysicsRevoluteJoint or PhysicsPrismaticJoint, base -> <part>
    /physicsScene           PhysicsScene, gravity along the mesh's down direction

Frames. A part's prim frame sits at the part's pivot with the base's orientation (as in the URDF),
so its rest transform is a translation by the pivot and its mesh holds ``vertices - pivot``. A
UsdPhysics revolute or prismatic joint moves along or about one axis of its own frame, "X", "Y" or
"Z"; the inferred axis is generally none of them. The joint's axis token is the coordinate axis e
nearest the inferred axis a, and both joint frames are rotated by the rotation R that takes e onto
a (the smallest one; a half turn when a = -e):

    localPos0 = pivot, localRot0 = R   (in the base's frame, which is the mesh's frame)
    localPos1 = 0,     localRot1 = R   (in the part's frame)

The two frames coincide at rest, so the joint position 0 is the pose in the input mesh, and at
joint position q the part's frame is ``base * [R | pivot] * M(q) * [R | 0]^-1``, where M(q) turns by
q about (or slides q along) e: the rotation by q about the inferred hinge line, or the translation
q a, which is the trajectory's motion.

Limits. ``physics:lowerLimit``/``upperLimit`` are the inferred limits in degrees for a revolute
joint and in mesh units for a prismatic one; a joint without limits (continuous) gets -inf/inf,
UsdPhysics's "not limited". Both joints keep collisions between base and part off (the default
``physics:collisionEnabled = 0``), and the parts filter collisions with each other
(PhysicsFilteredPairsAPI), since simulators collide convex approximations that overlap.

Animation. Each part's ``xformOp:transform`` has one time sample per frame (``timeCodesPerSecond``
= fps; its default value is the rest pose, which simulators start from); each joint carries the
frame's joint value as the time-sampled custom attribute ``dragmesh:jointValue`` (radians or mesh
units). The stage is Y-up or Z-up, whichever is nearest the mesh's up, with ``metersPerUnit = 1``
(the mesh is taken to be in metres); the geometry itself is never rotated.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from dragmesh.errors import ExportError
from dragmesh.export import ArticulatedAsset, atomic_path, frame_order, require, safe_name
from dragmesh.export.urdf import urdf_links

GRAVITY = 9.81  # m/s^2
AXES = "XYZ"
# How simulators approximate the meshes for collisions (dynamic bodies need convex shapes).
COLLISION_APPROXIMATION = "convexDecomposition"


def axis_frame(axis) -> tuple[str, np.ndarray]:
    """(token, quaternion (w, x, y, z)) of a joint frame whose ``token`` axis is the unit ``axis``.

    The token names the coordinate axis e nearest ``axis``; the quaternion is the smallest rotation
    taking e onto ``axis`` (a half turn about the next coordinate axis when ``axis`` is -e).
    """
    a = np.asarray(axis, dtype=np.float64)
    a = a / np.linalg.norm(a)
    k = int(np.argmax(np.abs(a)))
    e = np.eye(3)[k]
    flip = np.array([1.0, 0.0, 0.0, 0.0])
    if a[k] < 0:  # first the half turn e -> -e about the next axis, then -e -> a (well conditioned)
        flip = np.concatenate([[0.0], np.eye(3)[(k + 1) % 3]])
        e = -e
    q = np.concatenate([[1.0 + float(e @ a)], np.cross(e, a)])
    q /= np.linalg.norm(q)
    return AXES[k], _quat_multiply(q, flip)


def _quat_multiply(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    w1, v1 = p[0], p[1:]
    w2, v2 = q[0], q[1:]
    return np.concatenate([[w1 * w2 - v1 @ v2], w1 * v2 + w2 * v1 + np.cross(v1, v2)])


def quat_matrix(q) -> np.ndarray:
    """3x3 rotation matrix of the unit quaternion q = (w, x, y, z)."""
    w, x, y, z = np.asarray(q, dtype=np.float64) / np.linalg.norm(q)
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
        [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
        [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
    ])


def _identifiers(asset: ArticulatedAsset) -> tuple[str, str, list[tuple[str, str]]]:
    """USD prim names: the root, the base and (part, joint) per moving part, unique and valid."""
    from pxr import Tf

    taken = {"joints", "base_fixed"}

    def unique(name: str) -> str:
        name = Tf.MakeValidIdentifier(name)
        while name in taken:
            name += "_"
        taken.add(name)
        return name

    base_link, links = urdf_links(asset)
    base = unique(base_link)
    parts = []
    for link, _ in links:
        prim = unique(link)
        parts.append((prim, unique(f"{prim}_joint")))
    return Tf.MakeValidIdentifier(safe_name(asset.name, "object")), base, parts


def _matrix(transform: np.ndarray):
    """Gf.Matrix4d of a row-major column-vector 4x4 transform (USD multiplies row vectors)."""
    from pxr import Gf

    return Gf.Matrix4d(np.asarray(transform, dtype=np.float64).T.tolist())


def _mesh(stage, path, vertices: np.ndarray, faces: np.ndarray) -> None:
    from pxr import UsdGeom, UsdPhysics, Vt

    mesh = UsdGeom.Mesh.Define(stage, path)
    points = np.ascontiguousarray(vertices, dtype=np.float32)
    mesh.CreatePointsAttr(Vt.Vec3fArray.FromNumpy(points))
    mesh.CreateFaceVertexCountsAttr(Vt.IntArray.FromNumpy(np.full(len(faces), 3, dtype=np.int32)))
    mesh.CreateFaceVertexIndicesAttr(Vt.IntArray.FromNumpy(np.ascontiguousarray(faces, dtype=np.int32).ravel()))
    mesh.CreateSubdivisionSchemeAttr(UsdGeom.Tokens.none)
    mesh.CreateExtentAttr(Vt.Vec3fArray.FromNumpy(np.stack([points.min(axis=0), points.max(axis=0)])))
    UsdPhysics.CollisionAPI.Apply(mesh.GetPrim())
    UsdPhysics.MeshCollisionAPI.Apply(mesh.GetPrim()).CreateApproximationAttr(COLLISION_APPROXIMATION)


def build_stage(asset: ArticulatedAsset, fps: float = 12.0, loop: str = "once"):
    """The in-memory Usd.Stage of ``asset`` (see the module docstring)."""
    from pxr import Gf, Sdf, Usd, UsdGeom, UsdPhysics

    order = frame_order(asset.n_frames, loop)
    root_name, base_name, names = _identifiers(asset)
    stage = Usd.Stage.CreateInMemory()
    up = np.asarray(asset.up, dtype=np.float64)
    up = up / (np.linalg.norm(up) or 1.0)
    UsdGeom.SetStageUpAxis(stage, UsdGeom.Tokens.y if abs(up[1]) >= abs(up[2]) else UsdGeom.Tokens.z)
    UsdGeom.SetStageMetersPerUnit(stage, 1.0)
    stage.SetTimeCodesPerSecond(fps)
    stage.SetFramesPerSecond(fps)
    stage.SetStartTimeCode(0)
    stage.SetEndTimeCode(max(len(order) - 1, 0))
    stage.GetRootLayer().documentation = "written by DragMesh"

    root_path = Sdf.Path(f"/{root_name}")
    root = UsdGeom.Xform.Define(stage, root_path)
    stage.SetDefaultPrim(root.GetPrim())
    UsdPhysics.ArticulationRootAPI.Apply(root.GetPrim())

    scene = UsdPhysics.Scene.Define(stage, "/physicsScene")
    scene.CreateGravityDirectionAttr(Gf.Vec3f(*(-up)))
    scene.CreateGravityMagnitudeAttr(GRAVITY)

    base_path = root_path.AppendChild(base_name)
    base = UsdGeom.Xform.Define(stage, base_path)
    UsdPhysics.RigidBodyAPI.Apply(base.GetPrim())
    if len(asset.base_faces):
        _mesh(stage, base_path.AppendChild("mesh"), asset.base_vertices, asset.base_faces)

    joints_path = root_path.AppendChild("joints")
    UsdGeom.Scope.Define(stage, joints_path)
    fixed = UsdPhysics.FixedJoint.Define(stage, joints_path.AppendChild("base_fixed"))
    fixed.CreateBody1Rel().SetTargets([base_path])  # no body0: the world

    part_paths = [root_path.AppendChild(prim) for prim, _ in names]
    for part, (prim_name, joint_name), part_path in zip(asset.parts, names, part_paths):
        pivot = part.pivot
        xform = UsdGeom.Xform.Define(stage, part_path)
        UsdPhysics.RigidBodyAPI.Apply(xform.GetPrim())
        op = xform.AddTransformOp(UsdGeom.XformOp.PrecisionDouble)
        rest = np.eye(4)
        rest[:3, 3] = pivot
        op.Set(_matrix(rest))  # the default value: the rest pose, where a simulation starts
        for time, frame in enumerate(order):
            op.Set(_matrix(part.transforms[frame] @ rest), Usd.TimeCode(time))
        _mesh(stage, part_path.AppendChild("mesh"), part.vertices - pivot, part.faces)
        others = [p for p in part_paths if p != part_path]
        if others:
            UsdPhysics.FilteredPairsAPI.Apply(xform.GetPrim()).CreateFilteredPairsRel().SetTargets(others)

        revolute = part.joint.type == "revolute"
        schema = UsdPhysics.RevoluteJoint if revolute else UsdPhysics.PrismaticJoint
        joint = schema.Define(stage, joints_path.AppendChild(joint_name))
        token, quat = axis_frame(part.joint.axis)
        rot = Gf.Quatf(float(quat[0]), Gf.Vec3f(*quat[1:]))
        joint.CreateAxisAttr(token)
        joint.CreateBody0Rel().SetTargets([base_path])
        joint.CreateBody1Rel().SetTargets([part_path])
        joint.CreateLocalPos0Attr(Gf.Vec3f(*pivot))
        joint.CreateLocalRot0Attr(rot)
        joint.CreateLocalPos1Attr(Gf.Vec3f(0.0, 0.0, 0.0))
        joint.CreateLocalRot1Attr(rot)
        if part.joint.limits is None:
            lower, upper = -np.inf, np.inf
        else:
            lower, upper = part.joint.limits
            if revolute:
                lower, upper = np.degrees(lower), np.degrees(upper)
        joint.CreateLowerLimitAttr(float(lower))
        joint.CreateUpperLimitAttr(float(upper))
        value = joint.GetPrim().CreateAttribute("dragmesh:jointValue", Sdf.ValueTypeNames.Double, custom=True)
        value.SetDocumentation("the trajectory's joint value: radians (revolute) or mesh units (prismatic)")
        value.Set(0.0)
        for time, frame in enumerate(order):
            value.Set(float(part.values[frame]), Usd.TimeCode(time))
    return stage


def write_usd(asset: ArticulatedAsset, path: str | os.PathLike, fps: float = 12.0, loop: str = "once") -> Path:
    """Write ``asset`` as one USD file, ``.usda`` (text) or ``.usdc`` (binary) by the suffix of
    ``path``, meshes embedded. Returns the path. Raises ExportError when usd-core is missing."""
    require("usd")
    path = Path(path)
    if path.suffix not in (".usda", ".usdc", ".usd"):
        raise ExportError(f"a USD file must end in .usda, .usdc or .usd, got {path.name!r}")
    stage = build_stage(asset, fps=fps, loop=loop)
    with atomic_path(path) as tmp:
        try:
            ok = stage.GetRootLayer().Export(str(tmp))
        except Exception as exc:  # pxr raises Tf.ErrorException
            raise ExportError(f"cannot write {str(path)!r}: {' '.join(str(exc).split())}") from None
        if not ok:
            raise ExportError(f"cannot write {str(path)!r}: USD could not export the stage")
        _verify(tmp, path)
    return path


def _verify(tmp: Path, path: Path) -> None:
    """Re-open the written file before it is renamed into place: a write cut short (a full disk)
    that USD did not report is an ExportError."""
    from pxr import Sdf

    try:
        layer = Sdf.Layer.OpenAsAnonymous(str(tmp))
    except Exception as exc:  # pxr raises Tf.ErrorException
        raise ExportError(f"cannot write {str(path)!r}: the written file does not read back "
                          f"({' '.join(str(exc).split())[:120]})") from None
    if layer is None or not layer.rootPrims:
        raise ExportError(f"cannot write {str(path)!r}: the written file does not read back")
