"""Animated GLB export (glTF 2.0 binary).

Layout: one scene whose root node holds the base (a static mesh node) and one node per moving part.
A part's mesh is stored relative to its pivot (``vertices - pivot``) and its node carries the motion
as TRS only (never a matrix): at frame t, with the rest-to-frame transform ``x -> R_t x + t_t``,

    rotation_t    = q(R_t)                     (x, y, z, w order, as glTF stores quaternions)
    translation_t = R_t pivot + t_t            (so node(x - pivot) = R_t x + t_t)

The node's own TRS is the rest pose (translation = pivot, no rotation), so a loader that ignores
animations shows the mesh exactly as it was given, and rotating the node in an editor turns the part
about its hinge. Keyframes are sampled at ``k / fps`` seconds with LINEAR interpolation, written as the
string glTF requires.
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import numpy as np
import torch

from dragmesh.errors import ExportError
from dragmesh.export import ArticulatedAsset, frame_order, safe_name, write_bytes
from dragmesh.geometry.dualquat import matrix_to_quat

GENERATOR = "DragMesh"
BASE_RGBA = (0.72, 0.72, 0.74, 1.0)
PART_RGBA = (0.96, 0.55, 0.12, 1.0)

_FLOAT, _UINT = 5126, 5125  # glTF componentType codes
_ARRAY_BUFFER, _ELEMENT_ARRAY_BUFFER = 34962, 34963


def matrix_to_quat_xyzw(R: np.ndarray) -> np.ndarray:
    """Unit quaternions (..., 4) in glTF's (x, y, z, w) order of rotation matrices (..., 3, 3)."""
    wxyz = matrix_to_quat(torch.as_tensor(np.asarray(R, dtype=np.float64))).numpy()
    return wxyz[..., [1, 2, 3, 0]]


def node_trs(transforms: np.ndarray, pivot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame node translation (T, 3) and rotation (T, 4, xyzw) of a part stored relative to
    ``pivot`` (3,), from its rest-to-frame transforms (T, 4, 4). Consecutive quaternions are kept in
    one hemisphere so LINEAR (slerp) interpolation takes the short way."""
    transforms = np.asarray(transforms, dtype=np.float64)
    rotation = matrix_to_quat_xyzw(transforms[:, :3, :3])
    for k in range(1, len(rotation)):
        if rotation[k] @ rotation[k - 1] < 0:
            rotation[k] = -rotation[k]
    translation = transforms[:, :3, :3] @ pivot + transforms[:, :3, 3]
    return translation, rotation


class _Builder:
    """Accumulates binary chunks, buffer views and accessors into glTF JSON."""

    def __init__(self) -> None:
        self.blob = bytearray()
        self.views: list[dict] = []
        self.accessors: list[dict] = []

    def add(self, array: np.ndarray, kind: str, target: int | None = None, bounds: bool = False) -> int:
        """Append ``array`` as one accessor of type ``kind`` (SCALAR, VEC3, VEC4); returns its index."""
        array = np.ascontiguousarray(array)
        component = _UINT if array.dtype == np.uint32 else _FLOAT
        while len(self.blob) % 4:
            self.blob.append(0)
        view = {"buffer": 0, "byteOffset": len(self.blob), "byteLength": array.nbytes}
        if target is not None:
            view["target"] = target
        self.blob.extend(array.tobytes())
        self.views.append(view)
        accessor = {
            "bufferView": len(self.views) - 1,
            "componentType": component,
            "count": int(len(array)),
            "type": kind,
        }
        if bounds:
            flat = array.reshape(len(array), -1)
            cast = int if component == _UINT else float
            accessor["min"] = [cast(x) for x in flat.min(axis=0)]
            accessor["max"] = [cast(x) for x in flat.max(axis=0)]
        self.accessors.append(accessor)
        return len(self.accessors) - 1

    def mesh(self, vertices: np.ndarray, faces: np.ndarray, material: int, name: str) -> dict:
        positions = self.add(np.asarray(vertices, dtype=np.float32), "VEC3", _ARRAY_BUFFER, bounds=True)
        indices = self.add(np.asarray(faces, dtype=np.uint32).reshape(-1), "SCALAR", _ELEMENT_ARRAY_BUFFER,
                           bounds=True)
        return {"name": name, "primitives": [{"attributes": {"POSITION": positions}, "indices": indices,
                                               "material": material, "mode": 4}]}


def _material(name: str, rgba) -> dict:
    return {"name": name, "doubleSided": True,
            "pbrMetallicRoughness": {"baseColorFactor": [float(c) for c in rgba], "metallicFactor": 0.0,
                                     "roughnessFactor": 0.8}}


def glb_bytes(asset: ArticulatedAsset, fps: float = 12.0, loop: str = "once") -> bytes:
    """The GLB file of ``asset`` as bytes. fps > 0; loop: ``once`` or ``pingpong``."""
    if not fps > 0:
        raise ExportError(f"fps must be positive, got {fps}")
    order = frame_order(asset.n_frames, loop)
    builder = _Builder()
    materials = [_material("base", BASE_RGBA), _material("moving_part", PART_RGBA)]
    meshes, nodes, children = [], [], []

    if len(asset.base_faces):
        meshes.append(builder.mesh(asset.base_vertices, asset.base_faces, 0, "base"))
        nodes.append({"name": "base", "mesh": len(meshes) - 1})
        children.append(len(nodes) - 1)

    times = np.arange(len(order), dtype=np.float32) / np.float32(fps)
    samplers, channels = [], []
    time_accessor = builder.add(times, "SCALAR", bounds=True) if asset.parts else None
    taken = {"base"}
    for part in asset.parts:
        name = safe_name(part.name)
        while name in taken:
            name += "_"
        taken.add(name)
        pivot = part.pivot
        meshes.append(builder.mesh(part.vertices - pivot, part.faces, 1, name))
        node = {
            "name": name,
            "mesh": len(meshes) - 1,
            "translation": [float(x) for x in pivot],
            "rotation": [0.0, 0.0, 0.0, 1.0],
            "extras": {"joint": part.joint.to_dict(), "pivot": [float(x) for x in pivot]},
        }
        nodes.append(node)
        children.append(len(nodes) - 1)
        translation, rotation = node_trs(part.transforms[order], pivot)
        for path, values, kind in (("translation", translation, "VEC3"), ("rotation", rotation, "VEC4")):
            output = builder.add(values.astype(np.float32), kind)
            samplers.append({"input": time_accessor, "output": output, "interpolation": "LINEAR"})
            channels.append({"sampler": len(samplers) - 1, "target": {"node": len(nodes) - 1, "path": path}})

    nodes.append({"name": safe_name(asset.name, "object"), "children": children})
    doc = {
        "asset": {"version": "2.0", "generator": GENERATOR},
        "scene": 0,
        "scenes": [{"name": safe_name(asset.name, "object"), "nodes": [len(nodes) - 1]}],
        "nodes": nodes,
        "meshes": meshes,
        "materials": materials,
        "accessors": builder.accessors,
        "bufferViews": builder.views,
        "buffers": [{"byteLength": len(builder.blob)}],
    }
    if channels:
        doc["animations"] = [{"name": "drag", "samplers": samplers, "channels": channels,
                              "extras": {"fps": float(fps), "loop": loop}}]
    if asset.extras:
        doc["extras"] = asset.extras

    text = json.dumps(doc, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 4)
    blob = bytes(builder.blob) + b"\0" * (-len(builder.blob) % 4)
    total = 12 + 8 + len(text) + 8 + len(blob)
    return b"".join([
        struct.pack("<4sII", b"glTF", 2, total),
        struct.pack("<I4s", len(text), b"JSON"), text,
        struct.pack("<I4s", len(blob), b"BIN\0"), blob,
    ])


def write_glb(asset: ArticulatedAsset, path: str | os.PathLike, fps: float = 12.0, loop: str = "once") -> Path:
    """Write the animated GLB of ``asset`` to ``path`` atomically; returns the path."""
    return write_bytes(path, glb_bytes(asset, fps=fps, loop=loop))
