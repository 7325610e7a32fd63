"""URDF articulated objects (PartNet-Mobility / GAPartNet ``mobility.urdf`` and others).

Each link with visual geometry is one part, named after the link. Its visuals are placed in the
mesh frame (the root link's frame) by the link's world pose, composed down the joint chain from each
joint's ``<origin xyz rpy>``, then the visual's own ``<origin>``; all joints are at zero. URDF ``rpy``
is fixed-axis roll-pitch-yaw: R = Rz(yaw) Ry(pitch) Rx(roll).

Joints: ``revolute``, ``continuous`` (revolute without limits) and ``prismatic`` become
:class:`~dragmesh.geometry.joints.Joint` objects in mesh coordinates (axis rotated by the joint
frame, origin at the joint frame's origin). A part's joint is the first movable joint met walking
from its link towards the root through ``fixed`` joints, so a visual link hung by a fixed joint
under a helper link still moves with the helper's joint. Parts that reach the root through fixed
joints only (the body) have no joint. Limits come from ``<limit lower upper>`` when both are given;
otherwise (and for continuous joints) they are unknown (None).

Mesh files are resolved relative to the URDF (``textured_objs/original-1.obj``), with ``file://``
stripped and ``package://name/`` looked up inside the URDF's folder. A mesh outside that folder
(``../x.obj``, an absolute path, a symbolic link leading out) is refused with one line naming it,
unless :func:`outside_paths_allowed` (``--allow-outside-paths``) is in effect. OBJ visuals use our own OBJ reader;
other formats use their loaders in :mod:`dragmesh.io`; ``box``, ``cylinder`` and ``sphere``
primitives are built with trimesh.
"""

from __future__ import annotations

import contextlib
import contextvars
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from dragmesh.errors import URDFError
from dragmesh.io.common import RawMesh, read_with_trimesh
from dragmesh.io.gltf import load_gltf
from dragmesh.io.obj import load_obj
from dragmesh.io.off import load_off
from dragmesh.io.ply import load_ply
from dragmesh.io.stl import load_stl

_MESH_LOADERS: dict[str, Callable[[Path], RawMesh]] = {
    ".obj": load_obj,
    ".stl": load_stl,
    ".ply": load_ply,
    ".off": load_off,
    ".glb": load_gltf,
    ".gltf": load_gltf,
}
_MOVABLE = {"revolute": "revolute", "continuous": "revolute", "prismatic": "prismatic"}
_KNOWN_JOINT_TYPES = {"revolute", "continuous", "prismatic", "fixed", "floating", "planar"}


def load_urdf(path: Path) -> RawMesh:
    """Read a URDF and its visual meshes into a :class:`RawMesh` with one part per visual link and
    the movable joints keyed by part name.

    Raises:
        URDFError: bad XML, unknown or duplicate links, joint cycles, a missing mesh file,
            non-numeric ``xyz``/``rpy``/``axis``/``scale``/limits.
        MeshError: a visual mesh file is corrupt.
    """
    path = Path(path)
    robot = _parse_xml(path)
    links = _links(robot, path)
    joints = _joints(robot, path, links)
    poses = _link_poses(links, joints, path)

    cache: dict[tuple[str, tuple[float, ...]], tuple[np.ndarray, np.ndarray]] = {}
    vertex_chunks, face_chunks, label_chunks, names = [], [], [], []
    n_vertices = 0
    for link_name, link in links.items():
        chunks = []
        for i, visual in enumerate(link.findall("visual")):
            where = f"link '{link_name}' visual {i}"
            geometry = visual.find("geometry")
            if geometry is None:
                raise URDFError(f"{path}: {where} has no <geometry>")
            vertices, faces = _geometry(geometry, path, where, cache)
            if len(faces) == 0:
                continue
            pose = poses[link_name] @ _origin(visual, path, where)
            chunks.append((vertices @ pose[:3, :3].T + pose[:3, 3], faces))
        if not chunks:
            continue  # links without visuals (bases, helpers) give no part
        label = len(names)
        names.append(link_name)
        for vertices, faces in chunks:
            vertex_chunks.append(vertices)
            face_chunks.append(faces + n_vertices)
            label_chunks.append(np.full(len(faces), label, dtype=np.int64))
            n_vertices += len(vertices)

    part_joints = _part_joints(names, joints, poses, path) if face_chunks else {}
    return RawMesh.from_chunks(vertex_chunks, face_chunks, label_chunks, names, part_joints)


# ---------------------------------------------------------------------------- XML structure


def _parse_xml(path: Path):
    from lxml import etree

    # No entity expansion or network access: URDFs come from anywhere.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.parse(str(path), parser).getroot()
    except (etree.XMLSyntaxError, OSError) as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise URDFError(f"malformed URDF {path}: {message}") from exc
    if root.tag != "robot":
        raise URDFError(f"malformed URDF {path}: the root element is <{root.tag}>, not <robot>")
    return root


def _links(robot, path: Path) -> dict[str, Any]:
    """Link name -> element, in document order."""
    links: dict[str, Any] = {}
    for link in robot.findall("link"):
        name = link.get("name")
        if not name:
            raise URDFError(f"malformed URDF {path}: a <link> has no name")
        if name in links:
            raise URDFError(f"malformed URDF {path}: link '{name}' is defined twice")
        links[name] = link
    if not links:
        raise URDFError(f"malformed URDF {path}: no <link> elements")
    return links


def _joints(robot, path: Path, links: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Child link name -> {name, type, parent, origin (4, 4), axis (3,), limits}."""
    by_child: dict[str, dict[str, Any]] = {}
    for element in robot.findall("joint"):
        name = element.get("name") or "?"
        where = f"joint '{name}'"
        kind = (element.get("type") or "").strip()
        if kind not in _KNOWN_JOINT_TYPES:
            raise URDFError(f"malformed URDF {path}: {where} has unknown type '{kind}'")
        ends = {}
        for tag in ("parent", "child"):
            node = element.find(tag)
            link = node.get("link") if node is not None else None
            if not link:
                raise URDFError(f"malformed URDF {path}: {where} has no <{tag} link=...>")
            if link not in links:
                raise URDFError(f"malformed URDF {path}: {where} refers to unknown link '{link}'")
            ends[tag] = link
        child = ends["child"]
        if child in by_child:
            raise URDFError(f"malformed URDF {path}: link '{child}' is the child of two joints")
        axis_node = element.find("axis")
        axis = np.array([1.0, 0.0, 0.0])  # the URDF default
        if axis_node is not None:
            axis = _numbers(axis_node.get("xyz"), 3, path, f"{where} axis xyz")
        if kind in _MOVABLE and np.linalg.norm(axis) < 1e-12:
            raise URDFError(f"malformed URDF {path}: {where} has a zero axis")
        by_child[child] = {
            "name": name,
            "type": kind,
            "parent": ends["parent"],
            "origin": _origin(element, path, where),
            "axis": axis,
            "limits": _limits(element, kind, path, where),
        }
    return by_child


def _limits(element, kind: str, path: Path, where: str) -> tuple[float, float] | None:
    """(lower, upper) from <limit>, or None when the joint is continuous or a bound is missing."""
    limit = element.find("limit")
    if kind not in ("revolute", "prismatic") or limit is None:
        return None
    if limit.get("lower") is None or limit.get("upper") is None:
        return None
    lower = _number(limit.get("lower"), path, f"{where} limit lower")
    upper = _number(limit.get("upper"), path, f"{where} limit upper")
    if lower > upper:
        raise URDFError(f"malformed URDF {path}: {where} has limit lower {lower} > upper {upper}")
    return (lower, upper)


def _link_poses(
    links: dict[str, Any], joints: dict[str, dict[str, Any]], path: Path
) -> dict[str, np.ndarray]:
    """Link name -> (4, 4) pose in the mesh (root) frame, all joints at zero."""
    children: dict[str, list[str]] = {}
    for child, joint in joints.items():
        children.setdefault(joint["parent"], []).append(child)
    roots = [name for name in links if name not in joints]
    if not roots:
        raise URDFError(f"malformed URDF {path}: the joints form a cycle (no root link)")
    poses: dict[str, np.ndarray] = {}
    stack = [(root, np.eye(4)) for root in roots]
    while stack:
        name, pose = stack.pop()
        poses[name] = pose
        for child in children.get(name, []):
            stack.append((child, pose @ joints[child]["origin"]))
    unreached = [name for name in links if name not in poses]
    if unreached:
        raise URDFError(f"malformed URDF {path}: the joints form a cycle through link '{unreached[0]}'")
    return poses


def _part_joints(
    part_names: list[str], joints: dict[str, dict[str, Any]], poses: dict[str, np.ndarray], path: Path
) -> dict[str, Any]:
    """Part name -> Joint in mesh coordinates, for parts moved by a movable joint."""
    from dragmesh.geometry.joints import Joint

    result = {}
    for part in part_names:
        link = part
        # Walk up through fixed joints (and the unmodelled floating/planar ones) to a movable one.
        while link in joints and joints[link]["type"] not in _MOVABLE:
            link = joints[link]["parent"]
        if link not in joints:
            continue
        joint = joints[link]
        frame = poses[link]  # the joint frame is the child link's frame at zero
        result[part] = Joint(
            type=_MOVABLE[joint["type"]],
            axis=frame[:3, :3] @ joint["axis"],
            origin=frame[:3, 3].copy(),
            limits=joint["limits"],
        )
    return result


# ------------------------------------------------------------------------------- geometry


def _geometry(geometry, path: Path, where: str, cache: dict) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (V, 3) in the visual's frame and faces (F, 3) of a <geometry> element."""
    mesh = geometry.find("mesh")
    if mesh is not None:
        filename = mesh.get("filename")
        if not filename:
            raise URDFError(f"malformed URDF {path}: {where} <mesh> has no filename")
        file = _resolve(filename, path)
        if file is None:
            raise URDFError(f"URDF {path}: {where} mesh file not found: {filename}")
        scale_text = mesh.get("scale")
        scale = np.ones(3)
        if scale_text is not None:
            values = scale_text.split()
            scale = _numbers(scale_text, 1 if len(values) == 1 else 3, path, f"{where} mesh scale")
        key = (str(file), tuple(np.broadcast_to(scale, 3)))
        if key not in cache:
            vertices, faces = _read_mesh_file(file)
            cache[key] = (vertices * scale, faces)
        return cache[key]
    return _primitive(geometry, path, where)


def _read_mesh_file(file: Path) -> tuple[np.ndarray, np.ndarray]:
    """All triangles of a visual mesh file, parts merged."""
    loader = _MESH_LOADERS.get(file.suffix.lower())
    if loader is not None:
        raw = loader(file)
        return raw.vertices, raw.faces
    return read_with_trimesh(file, file.suffix.lower().lstrip(".") or "unknown")


def _primitive(geometry, path: Path, where: str) -> tuple[np.ndarray, np.ndarray]:
    """A box, cylinder or sphere as a triangle mesh centred on the visual's origin."""
    import trimesh

    box, cylinder, sphere = geometry.find("box"), geometry.find("cylinder"), geometry.find("sphere")
    if box is not None:
        made = trimesh.creation.box(extents=_numbers(box.get("size"), 3, path, f"{where} box size"))
    elif cylinder is not None:
        made = trimesh.creation.cylinder(
            radius=_number(cylinder.get("radius"), path, f"{where} cylinder radius"),
            height=_number(cylinder.get("length"), path, f"{where} cylinder length"),
        )
    elif sphere is not None:
        radius = _number(sphere.get("radius"), path, f"{where} sphere radius")
        made = trimesh.creation.icosphere(radius=radius)
    else:
        raise URDFError(f"malformed URDF {path}: {where} has no mesh, box, cylinder or sphere")
    return np.asarray(made.vertices, dtype=np.float64), np.asarray(made.faces, dtype=np.int64)


# Whether mesh files outside the URDF's folder may be read (see outside_paths_allowed).
_ALLOW_OUTSIDE: contextvars.ContextVar[bool] = contextvars.ContextVar("dragmesh_urdf_allow_outside", default=False)


@contextlib.contextmanager
def outside_paths_allowed(allow: bool = True) -> Iterator[None]:
    """Within this context URDF mesh files outside the URDF's folder (``../x.obj``, absolute
    paths, symbolic links leading out, ``package://`` looked up beside the folder) are read; by
    default they are refused. The command line's ``--allow-outside-paths`` enters it."""
    token = _ALLOW_OUTSIDE.set(bool(allow))
    try:
        yield
    finally:
        _ALLOW_OUTSIDE.reset(token)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def _resolve(filename: str, urdf: Path) -> Path | None:
    """The file a URDF mesh filename refers to, or None if it does not exist.

    Policy: a mesh must lie inside the URDF's folder (after resolving ``..`` and symbolic links)
    unless :func:`outside_paths_allowed` is in effect; a path leading out is a URDFError naming it,
    checked before the file system is asked about it. ``package://NAME/rest`` is looked up as
    ``rest`` and ``NAME/rest`` inside the folder (also beside it when outside paths are allowed).
    """
    base = urdf.parent
    root = base.resolve()
    allow = _ALLOW_OUTSIDE.get()
    name = filename.strip()
    if name.startswith("file://"):
        name = name[len("file://") :]
    if "\0" in name:
        raise URDFError(f"malformed URDF {urdf}: mesh filename {filename!r} holds a NUL character")
    if name.startswith("package://"):
        rest = name[len("package://") :]
        package, _, inner = rest.partition("/")
        candidates = [base / inner, base / rest]
        if allow:
            candidates += [base.parent / rest, base.parent / inner]
        for candidate in candidates:
            if not allow and not _inside(candidate.resolve(), root):
                raise URDFError(f"URDF {urdf}: mesh file {filename!r} lies outside the URDF's folder; refused "
                                "(--allow-outside-paths reads it)")
            if candidate.is_file():
                return candidate
        if not allow:
            raise URDFError(f"URDF {urdf}: mesh file {filename!r} not found in the URDF's folder; paths outside "
                            "the URDF's folder are refused (--allow-outside-paths also looks beside it)")
        return None
    candidate = Path(name) if Path(name).is_absolute() else base / name
    if not allow and not _inside(candidate.resolve(), root):
        raise URDFError(f"URDF {urdf}: mesh file {filename!r} lies outside the URDF's folder; refused "
                        "(--allow-outside-paths reads it)")
    return candidate if candidate.is_file() else None


# --------------------------------------------------------------------------------- numbers


def _origin(element, path: Path, where: str) -> np.ndarray:
    """The (4, 4) transform of an element's <origin xyz rpy> (identity when absent)."""
    origin = element.find("origin")
    pose = np.eye(4)
    if origin is None:
        return pose
    if origin.get("xyz") is not None:
        pose[:3, 3] = _numbers(origin.get("xyz"), 3, path, f"{where} origin xyz")
    if origin.get("rpy") is not None:
        pose[:3, :3] = rpy_matrix(_numbers(origin.get("rpy"), 3, path, f"{where} origin rpy"))
    return pose


def rpy_matrix(rpy: np.ndarray) -> np.ndarray:
    """URDF fixed-axis roll-pitch-yaw (radians) as a (3, 3) rotation, R = Rz(y) Ry(p) Rx(r)."""
    r, p, y = rpy
    cr, sr, cp, sp, cy, sy = np.cos(r), np.sin(r), np.cos(p), np.sin(p), np.cos(y), np.sin(y)
    rx = np.array([[1, 0, 0], [0, cr, -sr], [0, sr, cr]])
    ry = np.array([[cp, 0, sp], [0, 1, 0], [-sp, 0, cp]])
    rz = np.array([[cy, -sy, 0], [sy, cy, 0], [0, 0, 1]])
    return rz @ ry @ rx


def _numbers(text: str | None, count: int, path: Path, what: str) -> np.ndarray:
    """``count`` finite floats from a space-separated attribute, or URDFError naming ``what``."""
    values = (text or "").split()
    try:
        numbers = np.array([float(v) for v in values], dtype=np.float64)
    except ValueError:
        numbers = None
    if numbers is None or len(numbers) != count or not np.isfinite(numbers).all():
        expected = "a number" if count == 1 else f"{count} numbers"
        raise URDFError(f"malformed URDF {path}: {what} must be {expected}, got {text!r}")
    return numbers


def _number(text: str | None, path: Path, what: str) -> float:
    return float(_numbers(text, 1, path, what)[0])
