import numpy as np
import pygltflib
import pytest
import trimesh
from scipy.spatial.transform import Rotation

from dragmesh.errors import ExportError
from dragmesh.export.gltf import write_glb
from dragmesh.io import load_mesh


def accessor(gltf, index):
    """Decode a float accessor of a GLB loaded by pygltflib (tightly packed, as the exporter writes)."""
    acc = gltf.accessors[index]
    view = gltf.bufferViews[acc.bufferView]
    width = {"SCALAR": 1, "VEC3": 3, "VEC4": 4}[acc.type]
    dtype = np.float32 if acc.componentType == 5126 else np.uint32
    data = gltf.binary_blob()[view.byteOffset + (acc.byteOffset or 0):][: acc.count * width * 4]
    return np.frombuffer(data, dtype=dtype).reshape(acc.count, width)


def node_positions(gltf, node_index):
    """Rest-frame positions of a node's mesh (its local vertices)."""
    node = gltf.nodes[node_index]
    prim = gltf.meshes[node.mesh].primitives[0]
    return accessor(gltf, prim.attributes.POSITION).astype(np.float64)


def test_glb_passes_the_khronos_validator(tmp_path, asset, gltf_validator):
    for loop in ("once", "pingpong"):
        path = write_glb(asset, tmp_path / f"{loop}.glb", fps=10, loop=loop)
        report = gltf_validator(path)
        assert report["issues"]["numErrors"] == 0, report["issues"]["messages"]
        assert report["issues"]["numWarnings"] == 0, report["issues"]["messages"]
        assert report["info"]["animationCount"] == 1


def test_glb_animation_reproduces_the_transforms(tmp_path, asset):
    fps = 8.0
    path = write_glb(asset, tmp_path / "a.glb", fps=fps)
    gltf = pygltflib.GLTF2.load(str(path))
    assert len(gltf.animations) == 1
    anim = gltf.animations[0]
    assert len(anim.samplers) == 2 * len(asset.parts)  # translation + rotation per part
    assert all(s.interpolation == "LINEAR" for s in anim.samplers)  # the string, not a number
    for node in gltf.nodes:  # never a matrix and TRS on one node
        assert node.matrix is None or (node.translation is None and node.rotation is None and node.scale is None)

    names = [n.name for n in gltf.nodes]
    for part in asset.parts:
        index = names.index(part.name)
        local = node_positions(gltf, index)
        channels = {c.target.path: anim.samplers[c.sampler] for c in anim.channels if c.target.node == index}
        assert set(channels) == {"translation", "rotation"}
        times = accessor(gltf, channels["translation"].input)[:, 0]
        np.testing.assert_allclose(times, np.arange(asset.n_frames) / fps, atol=1e-6)
        translation = accessor(gltf, channels["translation"].output)
        rotation = accessor(gltf, channels["rotation"].output)  # x, y, z, w
        assert len(translation) == len(rotation) == asset.n_frames
        for k in range(asset.n_frames):
            moved = Rotation.from_quat(rotation[k]).apply(local) + translation[k]
            T = part.transforms[k]
            expected = part.vertices @ T[:3, :3].T + T[:3, 3]
            # float32 storage: micrometre agreement on a metre-sized object
            np.testing.assert_allclose(moved, expected, atol=2e-6)


def test_glb_pingpong_plays_forward_then_back(tmp_path, door_asset):
    path = write_glb(door_asset, tmp_path / "p.glb", fps=10, loop="pingpong")
    gltf = pygltflib.GLTF2.load(str(path))
    anim = gltf.animations[0]
    T = door_asset.n_frames
    rot = next(anim.samplers[c.sampler] for c in anim.channels if c.target.path == "rotation")
    q = accessor(gltf, rot.output)
    assert len(q) == 2 * T - 2
    np.testing.assert_allclose(q[1 : T - 1], q[T:][::-1], atol=1e-7)


def test_glb_reloads_at_rest_in_trimesh_and_dragmesh(tmp_path, asset):
    path = write_glb(asset, tmp_path / "r.glb")
    scene = trimesh.load(str(path))
    assert isinstance(scene, trimesh.Scene)
    dumped = scene.to_geometry() if hasattr(scene, "to_geometry") else scene.dump(concatenate=True)
    rest = np.concatenate([asset.base_vertices] + [p.vertices for p in asset.parts])
    np.testing.assert_allclose(dumped.bounds, [rest.min(0), rest.max(0)], atol=1e-6)

    mesh = load_mesh(path)
    assert mesh.part_names == ["base", "door", "drawer"]
    for part in asset.parts:
        v, _ = mesh.submesh(mesh.part_face_mask(part.name))
        np.testing.assert_allclose(np.sort(v, axis=0), np.sort(part.vertices, axis=0), atol=1e-6)


def test_glb_rejects_bad_options(tmp_path, asset):
    with pytest.raises(ExportError, match="fps"):
        write_glb(asset, tmp_path / "x.glb", fps=0)
    with pytest.raises(ExportError, match="loop"):
        write_glb(asset, tmp_path / "x.glb", loop="bounce")
    assert list(tmp_path.iterdir()) == []
