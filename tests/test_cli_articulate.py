import json

import numpy as np
import pytest

from dragmesh.cli import main
from dragmesh.commands.demo import DRAGS, example_path

MESH = str(example_path())
(DOOR, DOOR_P, DOOR_V), (DRAWER, DRAWER_P, DRAWER_V) = DRAGS


def xyz(v):
    return ",".join(f"{x:g}" for x in v)


def run(capsys, *argv):
    code = main(["articulate", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_prints_exactly_one_object(capsys):
    code, out, err = run(capsys, MESH, "--part", DOOR, "--drag-point", xyz(DOOR_P), "--drag-vector",
                         xyz(DOOR_V), "--frames", 8, "--json")
    assert code == 0
    doc = json.loads(out)  # the whole of stdout is one JSON document
    assert set(doc) == {"part", "joint", "alternatives", "trajectory", "timing_ms"} and doc["part"] == [DOOR]
    assert set(doc["joint"]) == {"type", "axis", "origin", "limits", "type_probability", "probability"}
    assert doc["joint"]["type"] == "revolute"
    assert len(doc["trajectory"]["values"]) == 8
    T = np.asarray(doc["trajectory"]["transforms"])
    assert T.shape == (8, 4, 4)
    np.testing.assert_allclose(T[:, 3], [[0, 0, 0, 1]] * 8)  # row-major 4x4
    assert doc["timing_ms"]["total"] > 0


def test_negative_numbers_and_exports(capsys, tmp_path):
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, MESH, "--part", DOOR, "--drag-point", xyz(DOOR_P), "--drag-vector", xyz(DOOR_V),
                         "--out", out_dir, "--export", "glb,json", "--name", "door")
    assert code == 0, err
    assert xyz(DOOR_V).startswith("-")  # parsed as a value, not an option
    assert sorted(p.name for p in out_dir.iterdir()) == ["door.glb", "door.json"]
    assert "revolute joint" in out and "wrote" in out


def test_label_file_selects_the_part(capsys, tmp_path):
    from dragmesh.io import load_mesh

    mesh = load_mesh(MESH)
    labels = tmp_path / "labels.npy"
    np.save(labels, 10 * (mesh.face_labels + 1))  # body 10, door 20, drawer 30
    # a label file indexes the file's faces; the example's GLB keeps its face order
    code, out, err = run(capsys, MESH, "--labels", labels, "--label", 30, "--drag-point", xyz(DRAWER_P),
                         "--drag-vector", xyz(DRAWER_V), "--json")
    assert code == 0, err
    assert json.loads(out)["joint"]["type"] == "prismatic"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--part", DOOR, "--drag-point", xyz(DOOR_P), "--drag-vector", "0,0,0"], "drag vector is zero"),
        (["--part", DOOR, "--drag-point", xyz(DOOR_P), "--drag-vector", "nan,0,1"], "drag vector must be finite"),
        (["--part", DOOR, "--drag-point", xyz(DRAWER_P), "--drag-vector", xyz(DOOR_V)], "from part 'door'"),
        (["--part", "lid", "--drag-point", xyz(DOOR_P), "--drag-vector", xyz(DOOR_V)], "no part named 'lid'"),
        (["--part", "body", DOOR, DRAWER, "--drag-point", xyz(DOOR_P), "--drag-vector", xyz(DOOR_V)],
         "whole object"),
        (["--part", DOOR, "--drag-point", xyz(DOOR_P), "--drag-vector", xyz(DOOR_V), "--export", "glb,fbx"],
         "unknown export format 'fbx'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_files(capsys, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, MESH, *args, "--out", tmp_path / "out", "--json")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("dragmesh: error: ") and message in err
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_unwritable_output_folder(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, out, err = run(capsys, MESH, "--part", DOOR, "--drag-point", xyz(DOOR_P), "--drag-vector", xyz(DOOR_V),
                         "--out", blocker / "sub")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "cannot create output folder" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_batch_continues_past_bad_jobs(capsys, tmp_path):
    good = {"mesh": MESH, "part": DOOR, "drag_point": list(DOOR_P), "drag_vector": list(DOOR_V), "frames": 4}
    jobs = [
        good,
        {**good, "part": DRAWER, "drag_point": xyz(DRAWER_P), "drag_vector": xyz(DRAWER_V)},
        {**good, "drag_vector": [0, 0, 0]},
        "{not json",
        {**good, "part": "lid"},
        {**good, "frames": 5, "out": str(tmp_path / "o"), "export": "npz", "name": "j"},
    ]
    path = tmp_path / "jobs.jsonl"
    path.write_text("\n".join(j if isinstance(j, str) else json.dumps(j) for j in jobs) + "\n\n")
    code, out, err = run(capsys, "--jobs", path, "--json")
    assert code == 2
    lines = [json.loads(line) for line in out.splitlines()]
    assert [d["line"] for d in lines] == [1, 2, 3, 4, 5, 6]
    assert [d["ok"] for d in lines] == [True, True, False, False, False, True]
    assert lines[1]["joint"]["type"] == "prismatic"
    assert "drag vector is zero" in lines[2]["error"]
    assert "job at line 3 failed: drag vector is zero" in err
    assert "job at line 4 failed: not a JSON object" in err
    assert "job at line 5 failed: no part named 'lid'" in err
    assert "3 of 6 jobs succeeded, 3 failed (lines 3, 4, 5)" in err
    assert (tmp_path / "o" / "j.npz").exists()


def test_batch_all_good_exits_0(capsys, tmp_path):
    job = {"mesh": MESH, "part": DRAWER, "drag_point": list(DRAWER_P), "drag_vector": list(DRAWER_V)}
    path = tmp_path / "jobs.jsonl"
    path.write_text("\n".join(json.dumps(job) for _ in range(3)))
    code, out, err = run(capsys, "--jobs", path, "--frames", 3)
    assert code == 0
    assert out == ""
    assert "3 of 3 jobs succeeded, 0 failed" in err


def test_missing_or_corrupted_weights_are_one_line_exit_2(capsys, tmp_path):
    import shutil

    from dragmesh.models.weights import WEIGHTS_DIR

    weights = tmp_path / "weights"
    shutil.copytree(WEIGHTS_DIR, weights)
    drag = ["--part", DOOR, "--drag-point", xyz(DOOR_P), "--drag-vector", xyz(DOOR_V), "--json"]
    assert run(capsys, MESH, *drag, "--weights", weights)[0] == 0  # the copy itself is fine
    blob = bytearray((weights / "motion.safetensors").read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    (weights / "motion.safetensors").write_bytes(bytes(blob))
    code, out, err = run(capsys, MESH, *drag, "--weights", weights)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "corrupted weights" in err and "motion.safetensors" in err
    (weights / "joints.json").unlink()
    code, out, err = run(capsys, MESH, *drag, "--weights", weights)
    assert code == 2 and err.count("\n") == 1 and "missing weights file" in err and "joints.json" in err
    # The baselines need no weights at all.
    assert run(capsys, MESH, *drag, "--weights", weights, "--joint-model", "geometric",
               "--motion-model", "analytic")[0] == 0
