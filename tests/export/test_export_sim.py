"""Simulator exports in everyday use: format names, relative paths that survive moving the folder,
one clear line when the sim extra is missing, and ``dragmesh demo`` writing both."""

import shutil
import sys

import pytest

from dragmesh.cli import main
from dragmesh.errors import ExportError
from dragmesh.export import export, parse_formats, sim_available
from sim_cases import make


def test_sim_format_names():
    assert parse_formats("mjcf,usd,usdc") == ["mjcf", "usd", "usdc"]
    assert parse_formats("usda, mujoco") == ["usd", "mjcf"]
    # "all" stays the formats that need no extra; the simulator formats are named
    assert parse_formats("all,mjcf") == ["glb", "urdf", "mp4", "gif", "npz", "json", "mjcf"]
    with pytest.raises(ExportError, match="expected some of .*mjcf,usd,usdc"):
        parse_formats("sdf")


def test_exports_reload_after_the_folder_moves(tmp_path, monkeypatch):
    mujoco = pytest.importorskip("mujoco")
    pytest.importorskip("pxr")
    from pxr import Sdf, Usd

    asset = make("cabinet")
    first = tmp_path / "first"
    written = export(asset, first, "mjcf,usd,usdc", stem="cab")
    assert [p.relative_to(first).as_posix() for p in written["mjcf"]] == [
        "cab_mjcf/cab.xml", "cab_mjcf/base.obj", "cab_mjcf/door.obj", "cab_mjcf/drawer.obj"]
    for path in [written["mjcf"][0], written["usd"][0]]:
        assert str(tmp_path) not in path.read_text()  # no absolute path anywhere
    moved = tmp_path / "elsewhere" / "deeper"
    moved.parent.mkdir()
    shutil.move(str(first), str(moved))
    assert not first.exists()
    monkeypatch.chdir(tmp_path / "elsewhere")  # neither the old folder nor the files' own folder

    model = mujoco.MjModel.from_xml_path(str(moved / "cab_mjcf" / "cab.xml"))
    assert model.njnt == 2 and model.nmesh == 3
    for suffix in ("usda", "usdc"):
        stage = Usd.Stage.Open(str(moved / f"cab.{suffix}"))
        layer = stage.GetRootLayer()
        assert layer.GetCompositionAssetDependencies() == [] and len(layer.subLayerPaths) == 0
        meshes = [p for p in stage.Traverse() if p.GetTypeName() == "Mesh"]
        assert len(meshes) == 3 and all(len(p.GetAttribute("points").Get()) > 0 for p in meshes)
        assert Sdf.Layer.FindOrOpen(str(moved / f"cab.{suffix}")) is not None


@pytest.mark.parametrize("fmt, package", [("mjcf", "mujoco"), ("usd", "usd-core"), ("usdc", "usd-core")])
def test_missing_extra_is_one_line_and_writes_nothing(tmp_path, monkeypatch, fmt, package):
    monkeypatch.setitem(sys.modules, "mujoco", None)  # None in sys.modules: the import fails
    monkeypatch.setitem(sys.modules, "pxr", None)
    assert not sim_available()
    out = tmp_path / "out"
    with pytest.raises(ExportError) as info:
        export(make("continuous"), out, f"glb,{fmt}")
    message = str(info.value)
    assert "\n" not in message and f"{package!r}" in message and "pip install 'dragmesh[sim]'" in message
    assert not out.exists()  # checked before anything (the GLB included) is written


def test_cli_missing_extra_exits_2_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "mujoco", None)
    code = main(["demo", "--out", str(tmp_path / "d"), "--formats", "urdf,mjcf", "--frames", "2"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("dragmesh: error: the mjcf export needs the 'mujoco' package")
    assert "pip install 'dragmesh[sim]'" in err


def test_demo_writes_mjcf_and_usd(tmp_path, capsys):
    pytest.importorskip("mujoco")
    pytest.importorskip("pxr")
    out = tmp_path / "demo"
    code = main(["demo", "--out", str(out), "--formats", "mjcf,usd", "--frames", "4"])
    stdout, err = capsys.readouterr()
    assert code == 0, err
    for stem in ("cabinet_door", "cabinet_drawer", "cabinet"):
        assert (out / f"{stem}_mjcf" / f"{stem}.xml").is_file()
        assert (out / f"{stem}.usda").is_file()
    # door and drawer together: one model and one stage with both joints
    assert (out / "cabinet_mjcf" / "cabinet.xml").read_text().count("<joint ") == 2
    text = (out / "cabinet.usda").read_text()
    assert "PhysicsRevoluteJoint" in text and "PhysicsPrismaticJoint" in text
    assert "cabinet_mjcf/cabinet.xml" in stdout


def test_atomic_dir(tmp_path):
    import os

    from dragmesh.export import atomic_dir, write_text

    target = tmp_path / "model"
    with pytest.raises(RuntimeError):
        with atomic_dir(target) as tmp:
            write_text(tmp / "a.txt", "half")
            raise RuntimeError("encoder crashed")
    assert list(tmp_path.iterdir()) == []  # nothing left, not even the temporary folder
    with atomic_dir(target) as tmp:
        assert tmp.parent == tmp_path and not target.exists()
        write_text(tmp / "a.txt", "new")
    assert (target / "a.txt").read_text() == "new"
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o777 & ~mask  # a plain folder's mode, not mkdtemp's 0700
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="a file of that name is in the way"):
        with atomic_dir(tmp_path / "file"):
            pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "model"]
