import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from dragmesh.cli import main


def _load_builders():
    """The mesh-file builders shared with tests/io (loaded by path: tests is not a package)."""
    name = "partmesh_files"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).parent / "io" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return sys.modules[name]


files = _load_builders()


def run(capsys, *argv):
    code = main(["info", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def info_json(capsys, *argv):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_obj_with_groups(tmp_path, capsys):
    path = files.write_obj(tmp_path / "box.obj", files.two_boxes())
    code, out, _ = run(capsys, path)
    assert code == 0
    assert "2 parts" in out
    body = next(line for line in out.splitlines() if " body " in line)
    assert body.split()[:3] == ["0", "body", "12"] and "2 x 1 x 1" in body
    assert "joints:" not in out


def test_glb_with_two_nodes(tmp_path, capsys):
    info = info_json(capsys, files.write_glb_two_nodes(tmp_path / "two.glb"))
    assert [p["name"] for p in info["parts"]] == ["cabinet", "door"]
    assert info["parts"][1]["bbox_size"] == pytest.approx([0.1, 2, 1])
    assert info["parts"][1]["bbox_min"][0] == pytest.approx(2.95)
    assert info["faces"] == 24 and info["joints"] == {}


def test_ply_with_label_file_and_up(tmp_path, capsys):
    (v1, f1), (v2, f2) = files.two_boxes().values()
    path = files.write_ply(tmp_path / "m.ply", np.vstack([v1, v2]), np.vstack([f1, f2 + 8]))
    (tmp_path / "labels.txt").write_text(" ".join(["4"] * 12 + ["9"] * 12))
    info = info_json(capsys, path, "--labels", tmp_path / "labels.txt", "--up", "0,0,2")
    assert [p["name"] for p in info["parts"]] == ["part_4", "part_9"]
    assert info["up"] == [0, 0, 1]


def test_urdf_folder_lists_joints(tmp_path, capsys):
    folder = files.write_mobility_folder(tmp_path / "cabinet")
    code, out, _ = run(capsys, folder)
    assert code == 0
    lines = out.splitlines()
    assert "4 parts" in lines[0]
    joints = lines[lines.index("joints:") + 1 :]
    door = next(line for line in joints if line.split()[0] == "door")
    assert "revolute" in door and "limits [0, 1.571] rad" in door
    drawer = next(line for line in joints if line.split()[0] == "drawer")
    assert "prismatic" in drawer and "axis (1, 0, 0)" in drawer
    knob = next(line for line in joints if line.split()[0] == "knob")
    assert "limits unknown" in knob

    info = info_json(capsys, folder / "mobility.urdf")
    m = files.MOBILITY
    frame = files.pose(**m["mount"]) @ files.pose(m["hinge"]["xyz"], m["hinge"]["rpy"])
    assert info["joints"]["door"]["origin"] == pytest.approx(frame[:3, 3].tolist())
    assert info["joints"]["door"]["axis"] == pytest.approx((frame[:3, :3] @ m["hinge"]["axis"]).tolist())


def bad_inputs(tmp_path):
    """(name, argv) for each kind of bad input."""
    cases = []
    cases.append(("missing file", [tmp_path / "nope.obj"]))
    (tmp_path / "m.xyz3").write_text("1 2 3")
    cases.append(("unknown extension", [tmp_path / "m.xyz3"]))
    (tmp_path / "corrupt.glb").write_bytes(b"glTF\x02\x00\x00\x00\x10")
    cases.append(("corrupt glb", [tmp_path / "corrupt.glb"]))
    (tmp_path / "corrupt.ply").write_bytes(b"ply\nformat binary_little_endian 1.0\nelement vertex 99\n")
    cases.append(("corrupt ply", [tmp_path / "corrupt.ply"]))
    (tmp_path / "empty.obj").write_text("# nothing\n")
    cases.append(("empty mesh", [tmp_path / "empty.obj"]))
    (tmp_path / "nan.obj").write_text("v 0 0 0\nv nan 0 0\nv 0 1 0\nf 1 2 3\n")
    cases.append(("nan vertices", [tmp_path / "nan.obj"]))
    obj = files.write_obj(tmp_path / "ok.obj", files.two_boxes())
    np.save(tmp_path / "short.npy", np.zeros(7, dtype=int))
    cases.append(("label count", [obj, "--labels", tmp_path / "short.npy"]))
    (tmp_path / "frac.txt").write_text(" ".join(["0.5"] * 24))
    cases.append(("label values", [obj, "--labels", tmp_path / "frac.txt"]))
    cases.append(("zero up", [obj, "--up", "0,0,0"]))
    for name, overrides in [
        ("bad xml", {"hinge_limit": "<limit"}),
        ("missing urdf mesh", {"door_mesh": "textured_objs/gone.obj"}),
        ("non-numeric xyz", {"hinge_xyz": "1 two 3"}),
        ("non-numeric limit", {"hinge_limit": '<limit lower="a" upper="b"/>'}),
    ]:
        folder = files.write_mobility_folder(tmp_path / name.replace(" ", "_"), **overrides)
        cases.append((name, [folder]))
    return cases


def test_bad_inputs_give_one_line_and_exit_2(tmp_path, capsys):
    for name, argv in bad_inputs(tmp_path):
        code, out, err = run(capsys, *argv)
        assert code == 2, name
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("dragmesh: error: "), (name, err)
        assert "Traceback" not in err and out == "", name


def test_building_the_command_line_imports_no_torch():
    """`dragmesh --help` and `dragmesh info` stay light: the trainers, evaluations and the pipeline
    (torch, the models) are imported only by the commands that run them."""
    import subprocess
    import sys

    code = "import sys; from dragmesh import cli; cli.build_parser(); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
