"""Small mesh files with parts, written by the tests themselves (no fixtures on disk).

Used by the tests in tests/io and by tests/test_cli_info.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

_BOX_FACES = np.array(
    [
        [0, 2, 1], [1, 2, 3], [4, 5, 6], [5, 7, 6],  # -x, +x
        [0, 1, 4], [1, 5, 4], [2, 6, 3], [3, 6, 7],  # -y, +y
        [0, 4, 2], [2, 4, 6], [1, 3, 5], [3, 7, 5],  # -z, +z
    ],
    dtype=np.int64,
)


def box(center=(0.0, 0.0, 0.0), size=(1.0, 1.0, 1.0)) -> tuple[np.ndarray, np.ndarray]:
    """An axis-aligned box: vertices (8, 3), faces (12, 3)."""
    corners = np.array([[x, y, z] for x in (-0.5, 0.5) for y in (-0.5, 0.5) for z in (-0.5, 0.5)])
    return corners * np.asarray(size, dtype=float) + np.asarray(center, dtype=float), _BOX_FACES.copy()


def write_obj(path: Path, parts: dict[str, tuple[np.ndarray, np.ndarray]], tag: str = "g") -> Path:
    """An OBJ with one ``tag`` (``g`` or ``o``) section per part. Faces of the first part use plain
    indices, the second ``v/vt/vn``, the third negative ``v//vn``, rotating, so the parser's index
    forms are all exercised."""
    lines = ["# test OBJ", "mtllib none.mtl"]
    offset = 0
    for k, (name, (vertices, faces)) in enumerate(parts.items()):
        lines.append(f"{tag} {name}")
        lines += [f"v {x:.17g} {y:.17g} {z:.17g}" for x, y, z in vertices]
        lines.append("vt 0 0")
        lines.append("vn 0 0 1")
        for face in faces:
            if k % 3 == 0:
                tokens = [str(offset + i + 1) for i in face]
            elif k % 3 == 1:
                tokens = [f"{offset + i + 1}/1/1" for i in face]
            else:
                tokens = [f"{i - len(vertices)}//1" for i in face]
            lines.append("f " + " ".join(tokens))
        offset += len(vertices)
    path.write_text("\n".join(lines) + "\n")
    return path


def two_boxes() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A body (2 x 1 x 1 at the origin) and a lid box above it."""
    return {"body": box((0, 0, 0), (2, 1, 1)), "lid": box((0, 0.75, 0), (2, 0.5, 1))}


def write_glb_two_nodes(path: Path) -> Path:
    """A GLB with nodes 'cabinet' (at the origin) and 'door' (translated by (3, 0, 0))."""
    import trimesh

    scene = trimesh.Scene()
    v, f = box((0, 0, 0), (1, 2, 1))
    cabinet = trimesh.Trimesh(v, f, process=False)
    scene.add_geometry(cabinet, node_name="cabinet", geom_name="cabinet_mesh")
    v, f = box((0, 0, 0), (0.1, 2, 1))
    transform = np.eye(4)
    transform[:3, 3] = [3.0, 0.0, 0.0]
    scene.add_geometry(
        trimesh.Trimesh(v, f, process=False), node_name="door", geom_name="door_mesh", transform=transform
    )
    path.write_bytes(scene.export(file_type="glb"))
    return path


def write_ply(path: Path, vertices: np.ndarray, faces: np.ndarray) -> Path:
    import trimesh

    path.write_bytes(trimesh.Trimesh(vertices, faces, process=False).export(file_type="ply"))
    return path


def pose(xyz, rpy) -> np.ndarray:
    """(4, 4) pose from URDF xyz + rpy, computed with scipy (extrinsic xyz = Rz Ry Rx)."""
    m = np.eye(4)
    m[:3, :3] = Rotation.from_euler("xyz", rpy).as_matrix()
    m[:3, 3] = xyz
    return m


# The mobility fixture's joint chain, kept here so tests can recompute the expected poses.
MOBILITY = {
    "mount": {"xyz": (0.5, 0.2, -0.1), "rpy": (0.0, 0.0, np.pi / 2)},  # base -> door_mount (fixed)
    "hinge": {"xyz": (0.3, 0.0, 0.4), "rpy": (0.1, -0.2, 0.3), "axis": (0.0, 0.0, 1.0)},  # -> door
    "door_visual": {"xyz": (0.05, 0.1, 0.0), "rpy": (0.0, 0.5, 0.0)},
    "slide": {"xyz": (0.0, -0.3, 0.2), "axis": (1.0, 0.0, 0.0), "limits": (0.0, 0.4)},  # -> drawer
}


def write_mobility_folder(root: Path, **overrides: str) -> Path:
    """A PartNet-Mobility-style object folder: ``mobility.urdf`` and OBJ meshes in
    ``textured_objs/``. Links: base (body), door_mount (no visual, fixed joint), door (revolute,
    limited), drawer (prismatic), knob (continuous, under the drawer).

    ``overrides`` replace pieces of the URDF text (keys: ``hinge_limit``, ``door_mesh``,
    ``hinge_xyz``) to build malformed variants.
    """
    objs = root / "textured_objs"
    objs.mkdir(parents=True, exist_ok=True)
    write_obj(objs / "original-1.obj", {"body": box((0, 0, 0), (1, 1, 1))})
    write_obj(objs / "original-2.obj", {"door": box((0, 0, 0), (0.05, 0.8, 0.6))})
    write_obj(objs / "original-3.obj", {"drawer": box((0, 0, 0), (0.5, 0.2, 0.4))})
    write_obj(objs / "original-4.obj", {"knob": box((0, 0, 0), (0.05, 0.05, 0.05))})
    m = MOBILITY
    fmt = lambda v: " ".join(f"{x:.17g}" for x in v)  # noqa: E731
    default_limit = '<limit lower="0" upper="1.5708" effort="1" velocity="1"/>'
    hinge_limit = overrides.get("hinge_limit", default_limit)
    door_mesh = overrides.get("door_mesh", "textured_objs/original-2.obj")
    hinge_xyz = overrides.get("hinge_xyz", fmt(m["hinge"]["xyz"]))
    urdf = f"""<?xml version="1.0"?>
<robot name="cabinet">
  <link name="base">
    <visual name="body"><origin xyz="0 0 0"/>
      <geometry><mesh filename="textured_objs/original-1.obj"/></geometry></visual>
  </link>
  <link name="door_mount"/>
  <link name="door">
    <visual name="door-1">
      <origin xyz="{fmt(m['door_visual']['xyz'])}" rpy="{fmt(m['door_visual']['rpy'])}"/>
      <geometry><mesh filename="{door_mesh}"/></geometry></visual>
  </link>
  <link name="drawer">
    <visual><geometry><mesh filename="textured_objs/original-3.obj"/></geometry></visual>
  </link>
  <link name="knob">
    <visual><geometry><mesh filename="textured_objs/original-4.obj"/></geometry></visual>
  </link>
  <joint name="joint_mount" type="fixed">
    <origin xyz="{fmt(m['mount']['xyz'])}" rpy="{fmt(m['mount']['rpy'])}"/>
    <parent link="base"/><child link="door_mount"/>
  </joint>
  <joint name="joint_hinge" type="revolute">
    <origin xyz="{hinge_xyz}" rpy="{fmt(m['hinge']['rpy'])}"/>
    <axis xyz="{fmt(m['hinge']['axis'])}"/>
    <parent link="door_mount"/><child link="door"/>
    {hinge_limit}
  </joint>
  <joint name="joint_slide" type="prismatic">
    <origin xyz="{fmt(m['slide']['xyz'])}"/>
    <axis xyz="{fmt(m['slide']['axis'])}"/>
    <parent link="base"/><child link="drawer"/>
    <limit lower="{m['slide']['limits'][0]}" upper="{m['slide']['limits'][1]}"/>
  </joint>
  <joint name="joint_knob" type="continuous">
    <origin xyz="0.25 0 0"/>
    <axis xyz="1 0 0"/>
    <parent link="drawer"/><child link="knob"/>
  </joint>
</robot>
"""
    (root / "mobility.urdf").write_text(urdf)
    return root
