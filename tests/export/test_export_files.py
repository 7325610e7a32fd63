"""The export dispatcher and its guarantees: validated formats, usable folders, atomic files."""

import os

import pytest

from dragmesh.errors import ExportError
from dragmesh.export import atomic_path, export, frame_order, parse_formats, prepare_dir


def test_parse_formats():
    assert parse_formats("glb, urdf,glb") == ["glb", "urdf"]
    assert parse_formats(["NPZ", ".json"]) == ["npz", "json"]
    assert parse_formats("all") == ["glb", "urdf", "mp4", "gif", "npz", "json"]
    with pytest.raises(ExportError, match="unknown export format 'fbx'"):
        parse_formats("glb,fbx")
    with pytest.raises(ExportError, match="no export format"):
        parse_formats("")


def test_frame_order():
    assert frame_order(4, "once").tolist() == [0, 1, 2, 3]
    assert frame_order(4, "pingpong").tolist() == [0, 1, 2, 3, 2, 1]
    with pytest.raises(ExportError):
        frame_order(4, "bounce")


def test_unknown_format_writes_nothing(tmp_path, asset):
    out = tmp_path / "out"
    with pytest.raises(ExportError, match="unknown export format"):
        export(asset, out, "glb,obj")
    assert not out.exists()


def test_unwritable_folder_is_one_export_error(tmp_path, asset):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="is a file") as info:
        export(asset, blocker, "glb")
    assert "\n" not in str(info.value)
    with pytest.raises(ExportError, match="cannot create output folder"):
        prepare_dir(blocker / "sub")
    if os.geteuid() != 0:  # root writes through permission bits
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(ExportError, match="not writable"):
            export(asset, locked, "glb")
        assert list(locked.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_atomic_path_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("encoder crashed")
    assert target.read_bytes() == b"old"  # the previous file is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin"]  # no temp file left
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".bin"
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's private 0600


def test_export_writes_each_format_once(tmp_path, asset):
    written = export(asset, tmp_path, "glb,urdf,npz,json", stem="obj")
    names = sorted(p.name for paths in written.values() for p in paths)
    assert names == sorted(["obj.glb", "obj.urdf", "obj.base.obj", "obj.door.obj", "obj.drawer.obj", "obj.npz",
                            "obj.json"])
    assert sorted(p.name for p in tmp_path.iterdir()) == names
