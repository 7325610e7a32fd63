"""URDF export: one robot with a fixed base link and one child link per moving part.

Each part's joint frame sits at the part's pivot with the base's orientation (``rpy = 0``), so the
joint axis is written in the mesh's own frame and the part's mesh file holds ``vertices - pivot``.
With joint value q, a point x of the part then goes to ``pivot + M(q) (x - pivot)`` in the base frame,
which is the joint's own motion (revolute: rotation about the hinge line; prismatic: x + q a).
Limits are the joint's when known, otherwise the range the trajectory covers (the drag's extent); a
hinge inferred to turn freely (no limits: a knob, a wheel) is a ``continuous`` joint.

Mesh files are Wavefront OBJ beside the URDF, named ``<stem>.<link>.obj``; they are written first and
the URDF last, each atomically, so a URDF on disk never names a missing mesh.
"""

from __future__ import annotations

import io
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from dragmesh.export import ArticulatedAsset, safe_name, write_text

# Nominal dynamics: URDF requires effort and velocity on limited joints; nothing here is simulated.
EFFORT = 100.0
VELOCITY = 1.0


def obj_text(vertices: np.ndarray, faces: np.ndarray, name: str) -> str:
    """Wavefront OBJ text of a triangle mesh: vertices (V, 3), faces (F, 3) 0-based."""
    out = io.StringIO()
    out.write(f"# written by DragMesh\no {name}\n")
    np.savetxt(out, np.asarray(vertices, dtype=np.float64), fmt="v %.9g %.9g %.9g")
    np.savetxt(out, np.asarray(faces, dtype=np.int64) + 1, fmt="f %d %d %d")
    return out.getvalue()


def _fmt(values) -> str:
    return " ".join(f"{float(v):.9g}" for v in values)


def _link(robot: ET.Element, name: str, mesh_file: str) -> None:
    link = ET.SubElement(robot, "link", name=name)
    inertial = ET.SubElement(link, "inertial")
    ET.SubElement(inertial, "mass", value="1.0")
    ET.SubElement(inertial, "inertia", ixx="0.01", ixy="0", ixz="0", iyy="0.01", iyz="0", izz="0.01")
    for tag in ("visual", "collision"):
        element = ET.SubElement(link, tag)
        geometry = ET.SubElement(element, "geometry")
        ET.SubElement(geometry, "mesh", filename=mesh_file)


def urdf_links(asset: ArticulatedAsset) -> tuple[str, list[tuple[str, str]]]:
    """The base link's name and (link name, joint name) per moving part, unique and URDF-safe."""
    taken = {"base"}
    names = []
    for part in asset.parts:
        link = safe_name(part.name)
        while link in taken:
            link += "_"
        taken.add(link)
        names.append((link, f"{link}_joint"))
    return "base", names


def write_urdf(asset: ArticulatedAsset, path: str | os.PathLike) -> list[Path]:
    """Write ``asset`` as a URDF at ``path`` plus one OBJ per link beside it.

    Returns the paths written, the URDF first.
    """
    path = Path(path)
    stem = path.stem
    base_link, links = urdf_links(asset)
    robot = ET.Element("robot", name=safe_name(asset.name, "object"))
    written: list[Path] = []

    base_file = f"{stem}.{base_link}.obj"
    written.append(write_text(path.parent / base_file, obj_text(asset.base_vertices, asset.base_faces, base_link)))
    _link(robot, base_link, base_file)

    for part, (link, joint_name) in zip(asset.parts, links):
        pivot = part.pivot
        mesh_file = f"{stem}.{link}.obj"
        written.append(write_text(path.parent / mesh_file, obj_text(part.vertices - pivot, part.faces, link)))
        _link(robot, link, mesh_file)
        # A hinge without limits (a knob, a wheel: inferred continuous) is URDF's "continuous".
        continuous = part.joint.is_revolute and part.joint.limits is None
        joint = ET.SubElement(robot, "joint", name=joint_name, type="continuous" if continuous else part.joint.type)
        ET.SubElement(joint, "parent", link=base_link)
        ET.SubElement(joint, "child", link=link)
        ET.SubElement(joint, "origin", xyz=_fmt(pivot), rpy="0 0 0")
        ET.SubElement(joint, "axis", xyz=_fmt(part.joint.axis))
        if continuous:
            ET.SubElement(joint, "limit", effort=f"{EFFORT:g}", velocity=f"{VELOCITY:g}")
        else:
            lower, upper = part.extent()
            ET.SubElement(joint, "limit", lower=f"{lower:.9g}", upper=f"{upper:.9g}", effort=f"{EFFORT:g}",
                          velocity=f"{VELOCITY:g}")

    ET.indent(robot)
    text = '<?xml version="1.0"?>\n<!-- written by DragMesh -->\n' + ET.tostring(robot, encoding="unicode") + "\n"
    write_text(path, text)
    return [path] + written
