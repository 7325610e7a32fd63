"""PartNet-Mobility / GAPartNet object folders as samples in the generator's format.

A folder holds ``mobility.urdf`` (PartNet-Mobility) and/or ``mobility_annotation_gapartnet.urdf``
(GAPartNet's corrected copy, preferred when present), meshes under ``textured_objs/``, and usually
``meta.json`` with the category (``model_cat``). The URDF is read by :func:`dragmesh.io.load_mesh`
(links -> parts, joint origins and rpy composed down the chain, continuous joints as revolute with
unknown limits, missing limits unknown, malformed ones a :class:`~dragmesh.errors.URDFError`).

Every movable joint gives samples: its moving part is every link below the joint in the kinematic
tree (a handle on a door moves with the door); the rest pose is the joint's zero. Samples go through the
same augmentation and :func:`~dragmesh.data.sample.make_sample` as generated ones, so a trainer
can mix both. PartNet-Mobility meshes are +Y up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from dragmesh.data.generator import GeneratorConfig, augmented_sample
from dragmesh.data.sample import Sample
from dragmesh.errors import MeshError
from dragmesh.geometry.joints import Joint
from dragmesh.io import load_mesh
from dragmesh.io.partmesh import PartMesh

URDF_NAMES = ("mobility_annotation_gapartnet.urdf", "mobility.urdf")
_MOVABLE = ("revolute", "continuous", "prismatic")


@dataclass
class PartNetJoint:
    """One movable joint of an object: its joint (mesh coordinates, limits absolute from the rest
    pose, None when unknown), the labels of the parts it moves, and their names."""

    joint: Joint
    labels: list[int]
    names: list[str]


@dataclass
class PartNetObject:
    """A PartNet-Mobility object: its mesh with parts (mesh coordinates), category and joints."""

    mesh: PartMesh
    category: str
    joints: list[PartNetJoint]
    folder: Path


def find_urdf(folder: str | Path) -> Path:
    """The URDF of an object folder (GAPartNet's annotation first), or a URDF path itself.

    Raises:
        MeshError: no such folder or no URDF in it.
    """
    path = Path(folder)
    if path.is_file():
        return path
    if not path.is_dir():
        raise MeshError(f"no such object folder: {path}")
    for name in URDF_NAMES:
        if (path / name).is_file():
            return path / name
    found = sorted(path.glob("*.urdf"))
    if not found:
        raise MeshError(f"{path} has no mobility.urdf or mobility_annotation_gapartnet.urdf")
    return found[0]


def read_partnet(folder: str | Path, up: Sequence[float] = (0.0, 1.0, 0.0)) -> PartNetObject:
    """Read one object folder.

    Raises:
        URDFError: malformed URDF (bad XML, non-numeric limits, ...).
        MeshError: missing folder, URDF or mesh files; empty mesh.
    """
    urdf = find_urdf(folder)
    base = urdf.parent
    mesh = load_mesh(urdf, up=up)
    category = ""
    meta = base / "meta.json"
    if meta.is_file():
        try:
            category = str(json.loads(meta.read_text()).get("model_cat", ""))
        except (OSError, ValueError, AttributeError):
            category = ""
    groups: list[PartNetJoint] = []
    children = _kinematic_tree(urdf)
    for child, kind in ((c, k) for kids in children.values() for c, k in kids):
        if kind not in _MOVABLE:
            continue
        # The joint's Joint sits on the links it carries through fixed joints; the moving part is
        # everything below it (a handle on a door moves with the door).
        rigid = _subtree(children, child, fixed_only=True)
        named = [n for n in rigid if n in mesh.joints]
        if not named:
            continue
        moving = [n for n in _subtree(children, child) if n in mesh.part_names]
        groups.append(PartNetJoint(joint=mesh.joints[named[0]], labels=[mesh.part_index(n) for n in moving], names=moving))
    return PartNetObject(mesh=mesh, category=category, joints=groups, folder=base)


def partnet_samples(
    folder: str | Path | PartNetObject,
    seed: int = 0,
    samples_per_joint: int = 1,
    config: GeneratorConfig = GeneratorConfig(),
) -> Iterator[Sample]:
    """Samples of every movable joint of an object folder, ``samples_per_joint`` each, with the
    generator's augmentation and drags. Deterministic from ``seed``.

    Joints whose moving parts would be the whole object (nothing fixed), and joints whose limits
    have no range, are skipped.
    """
    obj = folder if isinstance(folder, PartNetObject) else read_partnet(folder)
    mesh = obj.mesh
    # PartNet-Mobility is +Y up; a mesh read with another up is turned to +Y for augmentation.
    from dragmesh.normalize import rotation_onto_y

    R = rotation_onto_y(mesh.up)
    vertices = mesh.vertices @ R.T
    T = np.eye(4)
    T[:3, :3] = R
    for j, group in enumerate(obj.joints):
        moving = np.isin(mesh.face_labels, group.labels)
        lim = group.joint.limits
        if moving.all() or not moving.any() or (lim is not None and lim[1] - lim[0] <= 1e-9):
            continue  # nothing stays fixed, or a joint that cannot move
        joint = group.joint.transformed(T)
        for k in range(samples_per_joint):
            rng = np.random.default_rng([int(seed), j, k])
            yield augmented_sample(
                vertices,
                mesh.faces,
                mesh.face_labels,
                moving,
                joint,
                0.0,
                None,
                rng,
                config,
                category=obj.category,
                seed=int(seed),
                part_index=group.labels[0],
                part_name="+".join(group.names),
            )


def object_folders(root: str | Path) -> list[Path]:
    """The object folders (holding a PartNet-Mobility / GAPartNet URDF) directly under ``root``,
    sorted.

    Raises:
        MeshError: ``root`` is not a folder or holds no object folder.
    """
    root = Path(root)
    if not root.is_dir():
        raise MeshError(f"no such folder: {root}")
    folders = sorted({p.parent for name in URDF_NAMES for p in root.glob(f"*/{name}")})
    if not folders:
        raise MeshError(f"{root} holds no object folders (subfolders with mobility.urdf)")
    return folders


def dataset_samples(
    root: str | Path, seed: int = 0, samples_per_joint: int = 1, config: GeneratorConfig = GeneratorConfig()
) -> Iterator[Sample]:
    """Samples of every object folder under ``root`` (folders holding a URDF), in sorted order.
    Object folder i uses seed ``[seed, i]``-derived seeds."""
    for i, f in enumerate(object_folders(root)):
        s = int(np.random.SeedSequence([int(seed), i]).generate_state(1, np.uint32)[0])
        yield from partnet_samples(f, s, samples_per_joint, config)


def _kinematic_tree(urdf: Path) -> dict[str, list[tuple[str, str]]]:
    """Parent link -> [(child link, joint type)], in document order.

    Only the tree: :func:`dragmesh.io.load_mesh` has read (and validated) everything else, and its
    PartMesh keeps no link parents."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    root = etree.parse(str(urdf), parser).getroot()
    tree: dict[str, list[tuple[str, str]]] = {}
    for joint in root.findall("joint"):
        parent, child = joint.find("parent"), joint.find("child")
        tree.setdefault(parent.get("link"), []).append((child.get("link"), (joint.get("type") or "").strip()))
    return tree


def _subtree(tree: dict[str, list[tuple[str, str]]], link: str, fixed_only: bool = False) -> list[str]:
    """``link`` and the links below it (through fixed joints only, when asked)."""
    out, stack = [], [link]
    while stack:
        name = stack.pop()
        out.append(name)
        stack.extend(c for c, kind in tree.get(name, []) if not fixed_only or kind == "fixed")
    return out
