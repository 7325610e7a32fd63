"""Hostile mesh files (issue 16, items 4 and 6): glTF accessors that claim more than the file can
hold are refused before anything is allocated; URDF mesh paths outside the URDF's folder are
refused with one line naming the path unless explicitly allowed; package:// resolves inside."""

from __future__ import annotations

import base64
import json
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent / "io"))
from partmesh_files import box, write_obj  # noqa: E402

from dragmesh.cli import main  # noqa: E402
from dragmesh.errors import MeshError, URDFError  # noqa: E402
from dragmesh.io import load_mesh  # noqa: E402
from dragmesh.io.urdf import outside_paths_allowed  # noqa: E402

# ------------------------------------------------------------------ glTF size bounds


def _glb(doc: dict, blob: bytes = b"") -> bytes:
    text = json.dumps(doc).encode()
    text += b" " * (-len(text) % 4)
    blob += b"\0" * (-len(blob) % 4)
    chunks = struct.pack("<I4s", len(text), b"JSON") + text
    if blob:
        chunks += struct.pack("<I4s", len(blob), b"BIN\0") + blob
    return struct.pack("<4sII", b"glTF", 2, 12 + len(chunks)) + chunks


def _triangle_doc(**accessor_changes) -> tuple[dict, bytes]:
    positions = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0]], dtype=np.float32).tobytes()
    doc = {
        "asset": {"version": "2.0"},
        "scene": 0, "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0, "name": "tri"}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}],
        "buffers": [{"byteLength": len(positions)}],
        "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": len(positions)}],
        "accessors": [{"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3"}],
    }
    doc["accessors"][0].update(accessor_changes)
    return doc, positions


def test_a_valid_triangle_loads(tmp_path):
    doc, blob = _triangle_doc()
    (tmp_path / "t.glb").write_bytes(_glb(doc, blob))
    assert len(load_mesh(tmp_path / "t.glb").faces) == 1


BOMBS = {
    "no buffer view, 2e7 elements": dict(bufferView=None, count=20_000_000),
    "no buffer view, 1e12 elements": dict(bufferView=None, count=10**12),
    "negative count": dict(count=-1),
    "count 2**62 on a view": dict(count=2**62),
    "count past the buffer": dict(count=2_000_000),
    "buffer view out of range": dict(bufferView=7),
    "unknown component type": dict(componentType=5130),
    "unknown accessor type": dict(type="VEC7"),
    "negative byteOffset": dict(byteOffset=-8),
}


@pytest.mark.parametrize("name", list(BOMBS))
def test_accessor_bombs_are_refused_before_allocating(tmp_path, name):
    changes = dict(BOMBS[name])
    doc, blob = _triangle_doc()
    accessor = doc["accessors"][0]
    for k, v in changes.items():
        if v is None:
            accessor.pop(k, None)
        else:
            accessor[k] = v
    path = tmp_path / "bomb.glb"
    path.write_bytes(_glb(doc, blob))
    assert path.stat().st_size < 2000
    with pytest.raises(MeshError) as exc:
        load_mesh(path)
    assert "\n" not in str(exc.value) and "bomb.glb" in str(exc.value)


def test_view_bounds_and_strides(tmp_path):
    cases = {
        "stride below the element size": {"byteStride": 4},
        "view shorter than the accessor": {"byteLength": 12},
        "view past the buffer": {"byteOffset": 64},
        "negative stride": {"byteStride": -12},
        "view on a missing buffer": {"buffer": 3},
    }
    for name, change in cases.items():
        doc, blob = _triangle_doc()
        doc["bufferViews"][0].update(change)
        path = tmp_path / f"{name.replace(' ', '_')}.glb"
        path.write_bytes(_glb(doc, blob))
        with pytest.raises(MeshError):
            load_mesh(path)


def test_sparse_bombs(tmp_path):
    doc, blob = _triangle_doc()
    idx = np.array([5], dtype=np.uint32).tobytes()
    blob2 = blob + idx + np.zeros(3, np.float32).tobytes()
    doc["buffers"][0]["byteLength"] = len(blob2)
    doc["bufferViews"] += [{"buffer": 0, "byteOffset": len(blob), "byteLength": 4},
                           {"buffer": 0, "byteOffset": len(blob) + 4, "byteLength": 12}]
    for sparse, needle in (({"count": 1, "indices": {"bufferView": 1, "componentType": 5125},
                             "values": {"bufferView": 2}}, "sparse index past"),
                           ({"count": 10**9, "indices": {"bufferView": 1, "componentType": 5125},
                             "values": {"bufferView": 2}}, "sparse count"),
                           ({"count": 1, "indices": {"bufferView": 1, "componentType": 5126},
                             "values": {"bufferView": 2}}, "sparse indices")):
        doc["accessors"][0]["sparse"] = sparse
        path = tmp_path / "sparse.glb"
        path.write_bytes(_glb(doc, blob2))
        with pytest.raises(MeshError, match=needle):
            load_mesh(path)


def test_instancing_bomb_is_bounded(tmp_path):
    """Many nodes reusing one mesh: the decoded total is bounded too."""
    n, v = 600, 30_000  # 600 nodes x ~1 MB decoded each, from a ~0.5 MB file
    positions = np.random.default_rng(0).random((v, 3)).astype(np.float32)
    indices = np.arange(v, dtype=np.uint32)
    blob = positions.tobytes() + indices.tobytes()
    doc = {
        "asset": {"version": "2.0"}, "scene": 0, "scenes": [{"nodes": list(range(n))}],
        "nodes": [{"mesh": 0} for _ in range(n)],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}, "indices": 1}]}],
        "buffers": [{"byteLength": len(blob)}],
        "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": positions.nbytes},
                        {"buffer": 0, "byteOffset": positions.nbytes, "byteLength": indices.nbytes}],
        "accessors": [{"bufferView": 0, "componentType": 5126, "count": v, "type": "VEC3"},
                      {"bufferView": 1, "componentType": 5125, "count": v, "type": "SCALAR"}],
    }
    path = tmp_path / "instances.glb"
    path.write_bytes(_glb(doc, blob))
    with pytest.raises(MeshError, match="refusing to expand"):
        load_mesh(path)


def test_gltf_data_uri_and_missing_buffer(tmp_path):
    doc, blob = _triangle_doc()
    doc["buffers"][0]["uri"] = "data:application/octet-stream;base64," + base64.b64encode(blob).decode()
    (tmp_path / "a.gltf").write_text(json.dumps(doc))
    assert len(load_mesh(tmp_path / "a.gltf").faces) == 1
    doc["buffers"][0]["uri"] = "missing.bin"
    (tmp_path / "b.gltf").write_text(json.dumps(doc))
    with pytest.raises(MeshError, match="missing buffer"):
        load_mesh(tmp_path / "b.gltf")


def test_cli_refuses_the_bomb_in_one_line(tmp_path, capsys):
    doc, blob = _triangle_doc()
    doc["accessors"][0].pop("bufferView")
    doc["accessors"][0]["count"] = 20_000_000
    (tmp_path / "bomb.glb").write_bytes(_glb(doc, blob))
    code = main(["articulate", str(tmp_path / "bomb.glb"), "--part", "tri", "--drag-point", "0,0,0",
                 "--drag-vector", "1,0,0", "--joint-model", "geometric", "--motion-model", "analytic",
                 "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "more than a file of this size" in err, err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# ------------------------------------------------------------------ URDF paths


def _urdf(folder: Path, filename: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "robot.urdf"
    path.write_text(
        "<robot name='r'>"
        f"<link name='a'><visual><geometry><mesh filename='{filename}'/></geometry></visual></link>"
        "<link name='b'><visual><origin xyz='3 0 0'/><geometry><box size='1 1 1'/></geometry></visual></link>"
        "<joint name='j' type='revolute'><parent link='a'/><child link='b'/><axis xyz='0 0 1'/>"
        "<limit lower='0' upper='1'/></joint></robot>")
    return path


@pytest.fixture
def outside(tmp_path):
    """A mesh beside (outside) the object folder tmp_path/obj."""
    write_obj(tmp_path / "secret.obj", {"s": box()})
    (tmp_path / "pkg" / "meshes").mkdir(parents=True)
    write_obj(tmp_path / "pkg" / "meshes" / "m.obj", {"m": box()})
    return tmp_path


@pytest.mark.parametrize("filename", [
    "../secret.obj",
    "meshes/../../secret.obj",
    "{root}/secret.obj",
    "file://{root}/secret.obj",
    "package://pkg/../secret.obj",
    "package://pkg/meshes/m.obj",  # beside the folder (ROS layout): outside it
    "link.obj",  # a symbolic link inside pointing out
])
def test_urdf_paths_outside_the_folder_are_refused(outside, filename):
    folder = outside / "obj"
    (folder / "meshes").mkdir(parents=True)
    (folder / "link.obj").symlink_to(outside / "secret.obj")
    path = _urdf(folder, filename.format(root=outside))
    with pytest.raises(URDFError) as exc:
        load_mesh(path)
    text = str(exc.value)
    assert "outside the URDF's folder" in text and "--allow-outside-paths" in text and "\n" not in text
    # allowed explicitly, the same file loads
    assert load_mesh(path, allow_outside_paths=True).n_parts == 2
    with outside_paths_allowed():
        assert load_mesh(path).n_parts == 2


def test_package_paths_resolve_inside_the_folder(tmp_path):
    folder = tmp_path / "obj"
    (folder / "meshes").mkdir(parents=True)
    write_obj(folder / "meshes" / "m.obj", {"m": box()})
    assert load_mesh(_urdf(folder, "package://anything/meshes/m.obj")).n_parts == 2
    assert load_mesh(_urdf(folder, "meshes/m.obj")).n_parts == 2
    assert load_mesh(_urdf(folder, "file://meshes/m.obj")).n_parts == 2


def test_cli_outside_path_is_one_line_and_the_option_allows_it(outside, capsys):
    folder = outside / "obj"
    path = _urdf(folder, "../secret.obj")
    code = main(["info", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "../secret.obj" in err, err
    assert main(["info", str(path), "--allow-outside-paths", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)


def test_urdf_nul_in_filename(tmp_path):
    path = _urdf(tmp_path / "obj", "a&#0;b.obj")
    with pytest.raises(URDFError):
        load_mesh(path)


@pytest.mark.parametrize("header, needle", [
    (struct.pack("<4sII", b"glTX", 2, 100), "no glTF header"),
    (struct.pack("<4sII", b"glTF", 1, 100), "version 1"),
    (struct.pack("<4sII", b"glTF", 2, 10**9), "claims 1000000000 bytes"),
])
def test_glb_header_faults(tmp_path, header, needle):
    doc, blob = _triangle_doc()
    data = header + _glb(doc, blob)[12:]
    (tmp_path / "h.glb").write_bytes(data)
    with pytest.raises(MeshError, match=needle):
        load_mesh(tmp_path / "h.glb")
