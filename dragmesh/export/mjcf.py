"""MJCF export for MuJoCo: a folder ``<stem>_mjcf/`` holding ``<stem>.xml`` and one OBJ mesh per body.

The model mirrors the URDF (:mod:`.urdf`): a body ``base`` welded to the world holds the fixed mesh,
and each moving part is a child body of ``base`` with one joint, ``hinge`` (revolute) or ``slide``
(prismatic). The part's body frame sits at the part's pivot with the base's orientation, so the
joint's ``axis`` is the inferred axis in mesh coordinates, its ``pos`` is the body origin, and the
body's mesh file holds ``vertices - pivot``. With joint value q (``qpos``), a point x of the part
goes to ``pivot + M(q)(x - pivot)``: the joint's own motion. Joint value 0 is the pose in the file.

Units: ``<compiler angle="radian">``, so a hinge's ``range`` is the inferred limits in radians, a
slide's in mesh units; a joint without limits (continuous) is ``limited="false"``. Gravity points
along the mesh's down direction (``-up``), not MuJoCo's default -Z. Each trajectory frame is a
``<key>`` (``qpos`` of every joint, ``time`` = frame / fps), so the motion can be stepped through in
MuJoCo's viewer. The bodies of the object do not collide with each other (``<exclude>`` for every
pair; MuJoCo's parent-child filter skips bodies welded to the world): MuJoCo collides convex hulls,
and the base's hull fills the space the parts move in. They collide with anything else added.
Mass and inertia come from each mesh's convex hull (``inertia="convex"``, density 1000), which works
for open meshes too; a flat mesh (a single-sided door), which has no hull, is visual only and gets
the inertia of its surface (``inertia="shell"``).

Mesh paths are relative to the XML file (MuJoCo resolves them from the model's folder), so the
folder can be moved or copied. The XML is written with full float precision (MuJoCo's own writer,
``MjSpec.to_xml``, rounds to 6 digits) and validated by loading it with ``mujoco.MjModel``
before the folder is renamed into place.
"""

from __future__ import annotations

import itertools
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from dragmesh.errors import ExportError
from dragmesh.export import ArticulatedAsset, atomic_dir, require, safe_name, write_text
from dragmesh.export.urdf import obj_text, urdf_links

GRAVITY = 9.81  # m/s^2; the mesh is taken to be in metres
MJCF_JOINT = {"revolute": "hinge", "prismatic": "slide"}
FLAT = 1e-6  # a mesh thinner than this fraction of its size is flat
FLAT_DENSITY = 10.0  # kg/m^2 of a flat (shell) mesh


def _num(value) -> str:
    """The shortest text that reads back as the same float64 (``1`` for 1.0, ``0`` for -0.0)."""
    value = float(value) + 0.0
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _fmt(values) -> str:
    return " ".join(_num(v) for v in np.atleast_1d(values))


def is_flat(vertices: np.ndarray) -> bool:
    """True when the points span no volume (fewer than 4, or all on one plane up to rounding):
    MuJoCo cannot build the convex hull it collides such a mesh with."""
    v = np.asarray(vertices, dtype=np.float64)
    if len(v) < 4:
        return True
    s = np.linalg.svd(v - v.mean(axis=0), compute_uv=False)
    return bool(s[-1] <= FLAT * max(s[0], np.finfo(np.float64).tiny))


def mjcf_text(asset: ArticulatedAsset, fps: float = 12.0) -> str:
    """The MJCF document of ``asset``, meshes named ``<link>.obj`` beside it."""
    base_link, links = urdf_links(asset)
    flat = {base_link} if is_flat(asset.base_vertices) else set()
    flat |= {link for part, (link, _) in zip(asset.parts, links) if is_flat(part.vertices)}
    root = ET.Element("mujoco", model=safe_name(asset.name, "object"))
    root.append(ET.Comment(" written by DragMesh: joint values in radians (hinge) or mesh units (slide), "
                           "0 = the pose in the file "))
    ET.SubElement(root, "compiler", angle="radian", autolimits="true")
    up = np.asarray(asset.up, dtype=np.float64)
    up = up / (np.linalg.norm(up) or 1.0)
    ET.SubElement(root, "option", gravity=_fmt(-GRAVITY * up))

    assets = ET.SubElement(root, "asset")
    has_base = len(asset.base_faces) > 0
    for name in ([base_link] if has_base else []) + [link for link, _ in links]:
        ET.SubElement(assets, "mesh", name=name, file=f"{name}.obj",
                      inertia="shell" if name in flat else "convex")

    world = ET.SubElement(root, "worldbody")
    base = ET.SubElement(world, "body", name=base_link)
    if has_base:
        ET.SubElement(base, "geom", _geom(base_link, base_link in flat))
    for part, (link, joint_name) in zip(asset.parts, links):
        body = ET.SubElement(base, "body", name=link, pos=_fmt(part.pivot))
        attrs = {"name": joint_name, "type": MJCF_JOINT[part.joint.type], "pos": "0 0 0",
                 "axis": _fmt(part.joint.axis)}
        if part.joint.limits is None:
            attrs["limited"] = "false"
        else:
            attrs.update(limited="true", range=_fmt(part.joint.limits))
        ET.SubElement(body, "joint", attrs)
        ET.SubElement(body, "geom", _geom(link, link in flat))

    if links:
        contact = ET.SubElement(root, "contact")
        for a, b in itertools.combinations([base_link] + [link for link, _ in links], 2):
            ET.SubElement(contact, "exclude", body1=a, body2=b)

    if asset.parts:
        keyframe = ET.SubElement(root, "keyframe")
        for t in range(asset.n_frames):
            qpos = [part.values[t] for part in asset.parts]
            ET.SubElement(keyframe, "key", name=f"frame_{t}", time=_fmt(t / fps), qpos=_fmt(qpos))

    ET.indent(root)
    return '<?xml version="1.0"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _geom(name: str, flat: bool) -> dict:
    attrs = {"name": name, "type": "mesh", "mesh": name}
    if flat:  # visual only, its mass from its area (a 1 cm board of density 1000)
        attrs.update(contype="0", conaffinity="0", density=_num(FLAT_DENSITY))
    return attrs


def _validate(mujoco, xml_path: Path, asset: ArticulatedAsset):
    """Load the written model with MuJoCo; return it, or the MuJoCo error's one-line message."""
    try:
        model = mujoco.MjModel.from_xml_path(str(xml_path))
    except ValueError as exc:
        return " ".join(str(exc).split())
    if model.njnt != len(asset.parts) or model.nbody != len(asset.parts) + 2:
        return f"MuJoCo compiled {model.njnt} joints and {model.nbody - 1} bodies"
    return model


def write_mjcf(asset: ArticulatedAsset, folder: str | os.PathLike, stem: str | None = None,
               fps: float = 12.0) -> list[Path]:
    """Write ``asset`` as the folder ``folder`` holding ``<stem>.xml`` and its OBJ meshes.

    stem: the XML file's stem (default: the folder's name). The folder is built beside ``folder``
    and renamed into place once MuJoCo has loaded it (a previous export there is replaced).
    Returns the paths written, the XML first. Raises ExportError when the ``mujoco`` package is
    missing or MuJoCo rejects the model.
    """
    mujoco = require("mjcf")
    folder = Path(folder)
    stem = safe_name(stem or folder.name, "object")
    base_link, links = urdf_links(asset)
    meshes = []
    if len(asset.base_faces) > 0:
        meshes.append((base_link, asset.base_vertices, asset.base_faces))
    meshes += [(link, part.vertices - part.pivot, part.faces) for part, (link, _) in zip(asset.parts, links)]

    with atomic_dir(folder) as tmp:
        for name, vertices, faces in meshes:
            write_text(tmp / f"{name}.obj", obj_text(vertices, faces, name))
        xml_path = write_text(tmp / f"{stem}.xml", mjcf_text(asset, fps=fps))
        model = _validate(mujoco, xml_path, asset)
        if isinstance(model, str):
            raise ExportError(f"MuJoCo rejects the exported model: {model}")
    return [folder / f"{stem}.xml"] + [folder / f"{name}.obj" for name, _, _ in meshes]
