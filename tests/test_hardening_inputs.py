"""Bad option and job values (issue 16, items 2 and 4 and 8): the one validation layer
(dragmesh.io.values) refuses each with one DragMeshError line naming the value, through the Python
API, the command line and batch jobs alike, before any work (no allocation, no file)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from dragmesh.cli import main
from dragmesh.commands.demo import DRAGS, example_path
from dragmesh.errors import DragError, DragMeshError, InputError, MeshError, PartError
from dragmesh.geometry.joints import Joint
from dragmesh.pipeline import DragMesh

MESH = str(example_path())
PART, POINT, VECTOR = DRAGS[0]
FAST = ["--joint-model", "geometric", "--motion-model", "analytic"]


@pytest.fixture(scope="module")
def pipeline():
    return DragMesh(joint_model="geometric", motion_model="analytic")


@pytest.fixture(scope="module")
def mesh(pipeline):
    return pipeline.load(MESH)


def xyz(v):
    return ",".join(f"{x:g}" for x in v)


GOOD_JOINT = {"type": "revolute", "axis": [0, 1, 0], "origin": [0, 0, 0], "limits": [0, 1]}

# (argument changes, error class, text the one line must hold)
API_CASES = [
    ({"mesh": None}, InputError, "mesh must be a file path"),
    ({"mesh": 123}, InputError, "mesh must be a file path"),
    ({"mesh": ""}, InputError, "mesh must be a file path"),
    ({"mesh": ["a.obj"]}, InputError, "mesh must be a file path"),
    ({"mesh": "no/such/file.obj"}, MeshError, "no such file"),
    ({"mesh": "x\0y.obj"}, InputError, "mesh must be a file path"),
    ({"part": []}, InputError, "give the moving part"),
    ({"part": 3.5}, InputError, "part must be"),
    ({"part": True}, InputError, "part must be"),
    ({"part": {"door": 1}}, InputError, "part must be"),
    ({"part": ["door", None]}, InputError, "part must be"),
    ({"part": "no_such_part"}, PartError, "no_such_part"),
    ({"part": 99}, PartError, "99"),
    ({"drag_point": None}, DragError, "drag point"),
    ({"drag_point": "abc"}, DragError, "drag point"),
    ({"drag_point": [1, 2]}, DragError, "drag point"),
    ({"drag_point": [1, 2, 3, 4]}, DragError, "drag point"),
    ({"drag_point": [math.nan, 0, 0]}, DragError, "finite"),
    ({"drag_point": [1e300, 0, 0]}, DragError, "too large"),
    ({"drag_point": [True, 0, 0]}, DragError, "drag point"),
    ({"drag_point": [[0, 0, 0]]}, DragError, "drag point"),
    ({"drag_point": [50.0, 50.0, 50.0]}, DragError, "pick a point on the part"),
    ({"drag_vector": [0, 0, 0]}, DragError, "drag vector is zero"),
    ({"drag_vector": [math.inf, 0, 0]}, DragError, "finite"),
    ({"drag_vector": [-1e300, 0, 0]}, DragError, "too large"),
    ({"drag_vector": "1,2"}, DragError, "drag vector"),
    ({"drag_vector": {"x": 1}}, DragError, "drag vector"),
    ({"frames": 100000}, InputError, "frames must be from 2 to 1000"),
    ({"frames": 2.7}, InputError, "frames must be an integer"),
    ({"frames": "abc"}, InputError, "frames must be an integer"),
    ({"frames": 1}, InputError, "frames must be from 2"),
    ({"frames": None}, InputError, "frames must be an integer"),
    ({"frames": True}, InputError, "frames must be an integer"),
    ({"frames": math.nan}, InputError, "frames must be an integer"),
    ({"frames": 1e308}, InputError, "frames must be from 2 to 1000"),
    ({"frames": -5}, InputError, "frames must be from 2"),
    ({"frames": [16]}, InputError, "frames must be an integer"),
    ({"samples": 0}, InputError, "samples must be from 1"),
    ({"samples": 10**6}, InputError, "samples must be from 1 to 64"),
    ({"samples": 1.5}, InputError, "samples must be an integer"),
    ({"seed": -1}, InputError, "seed must be from 0"),
    ({"seed": 2**70}, InputError, "seed must be from 0"),
    ({"seed": "x"}, InputError, "seed must be an integer"),
    ({"seed": 0.5}, InputError, "seed must be an integer"),
    ({"joint_type": "hinge"}, InputError, "revolute or prismatic"),
    ({"joint_type": 5}, InputError, "revolute or prismatic"),
    ({"joint": "door"}, InputError, "joint must be a dict"),
    ({"joint": {"type": "revolute"}}, InputError, "joint is missing axis, origin"),
    ({"joint": {**GOOD_JOINT, "type": "screw"}}, InputError, "revolute or prismatic"),
    ({"joint": {**GOOD_JOINT, "axis": [0, 0, 0]}}, InputError, "zero vector"),
    ({"joint": {**GOOD_JOINT, "origin": [math.nan, 0, 0]}}, InputError, "finite"),
    ({"joint": {**GOOD_JOINT, "limits": [1, 0]}}, InputError, "lower <= upper"),
    ({"joint": {**GOOD_JOINT, "limits": "a"}}, InputError, "joint limits"),
    ({"joint": {**GOOD_JOINT, "limits": [0, math.inf]}}, InputError, "joint limits"),
    ({"joint": GOOD_JOINT, "joint_type": "prismatic"}, InputError, "contradicts"),
    ({"up": 5}, InputError, "up must be"),
    ({"up": [0, 0, 0]}, InputError, "zero vector"),
    ({"up": "sideways"}, InputError, "up must be"),
]


@pytest.mark.parametrize("changes, error, needle", API_CASES, ids=[str(c[0])[:40] for c in API_CASES])
def test_api_refuses_bad_arguments_in_one_line(pipeline, changes, error, needle):
    args = {"mesh": MESH, "part": PART, "drag_point": POINT, "drag_vector": VECTOR, "frames": 4}
    args.update(changes)
    mesh, part, p, v = (args.pop(k) for k in ("mesh", "part", "drag_point", "drag_vector"))
    with pytest.raises(error) as exc:
        pipeline.articulate(mesh, part, p, v, **args)
    assert isinstance(exc.value, DragMeshError)
    assert "\n" not in str(exc.value) and needle in str(exc.value), str(exc.value)


def test_labels_with_a_loaded_mesh_are_refused(pipeline, mesh):
    with pytest.raises(InputError, match="labels apply to a mesh file"):
        pipeline.articulate(mesh, PART, POINT, VECTOR, labels=np.zeros(3))


def test_integral_values_of_other_types_are_accepted(pipeline, mesh):
    result = pipeline.articulate(mesh, PART, POINT, VECTOR, frames=np.int64(5), samples=2.0, seed="3")
    assert result.frames == 5 and result.samples["values"].shape == (2, 5)
    given = pipeline.articulate(mesh, PART, POINT, VECTOR, frames=3, joint=Joint.from_dict(GOOD_JOINT))
    assert given.joint_source == "given"


def test_partmesh_with_huge_coordinates_is_refused():
    from dragmesh.io import PartMesh

    with pytest.raises(MeshError, match="too large"):
        PartMesh(np.array([[0, 0, 0], [1e300, 0, 0], [0, 1, 0]]), np.array([[0, 1, 2]]), np.zeros(1, int), ["a"])


def test_mesh_file_with_huge_coordinates_is_refused(tmp_path):
    from dragmesh.io import load_mesh

    path = tmp_path / "big.obj"
    path.write_text("v 0 0 0\nv 1e300 0 0\nv 0 1e300 0\nf 1 2 3\n")
    with pytest.raises(MeshError, match="too large to compute with"):
        load_mesh(path)


# ---------------------------------------------------------------- command line

def _cli(capsys, *argv):
    code = main(["articulate", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


# Bad command lines: (arguments, what the one error line says, where it is caught): "option", by
# argparse or the option checks (the arguments are added to a good command line); "value", once the
# values are read (the arguments replace the good ones).
CLI_BAD = [
    (["--frames", "100000"], "frames must be from 2 to 1000", "option"),
    (["--frames", "2.7"], "frames must be an integer", "option"),
    (["--frames", "abc"], "frames must be an integer", "option"),
    (["--frames", "1"], "frames must be from 2", "option"),
    (["--seed=-1"], "seed must be from 0", "option"),
    (["--seed", "99999999999999999999999"], "seed must be from 0", "option"),
    (["--samples", "0"], "samples must be from 1", "option"),
    (["--samples", "1000"], "samples must be from 1 to 64", "option"),
    (["--size", "15x15"], "size must be even numbers", "option"),
    (["--size", "abc"], "size must be WIDTHxHEIGHT", "option"),
    (["--size", "641x480"], "size must be even numbers", "option"),
    (["--export", "bogus"], "unknown export format", "option"),
    (["--export", ","], "no export format", "option"),
    (["--joint-type", "screw"], "invalid choice", "option"),
    (["--loop", "twice"], "invalid choice", "option"),
    (["--label", "x", "--labels", "l.npy"], "label must be an integer", "option"),
    (["--label", "3"], "--label needs --labels", "value"),
    (["--labels", "missing.npy", "--label", "3"], "no such label file", "value"),
    (["--fps", "abc"], "invalid float value", "option"),
    (["--fps", "0"], "fps must be positive", "value"),
    (["--fps", "nan"], "fps must be positive", "value"),
    (["--up", "0,0,0"], "zero vector", "value"),
    (["--up", "sideways"], "up must be", "value"),
    (["--drag-point", "1,2"], "drag point must be three numbers", "value"),
    (["--drag-vector", "nan,0,0"], "drag vector must be finite", "value"),
    (["--drag-vector", "1e300,0,0"], "too large", "value"),
    (["--drag-vector", "0,0,0"], "drag vector is zero", "value"),
    (["--part", "nothing_here"], "nothing_here", "value"),
    (["--nonsense"], "unrecognized arguments", "option"),
]
CLI_CASES = [case[:2] for case in CLI_BAD if case[2] == "option"]
CLI_RUN_CASES = [case[:2] for case in CLI_BAD if case[2] == "value"]


@pytest.mark.parametrize("extra, needle", CLI_CASES, ids=[" ".join(c[0]) for c in CLI_CASES])
def test_cli_bad_options_give_one_line(capsys, tmp_path, extra, needle):
    try:  # argparse's own checks exit; the others return the status
        code = main(["articulate", MESH, "--part", PART, "--drag-point", xyz(POINT), "--drag-vector", xyz(VECTOR),
                     "--out", str(tmp_path / "out"), *FAST, *extra])
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err, err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("extra, needle", CLI_RUN_CASES, ids=[" ".join(c[0]) for c in CLI_RUN_CASES])
def test_cli_bad_values_give_one_line_and_no_file(capsys, tmp_path, extra, needle):
    args = {"--part": PART, "--drag-point": xyz(POINT), "--drag-vector": xyz(VECTOR)}
    for k, v in zip(extra[::2], extra[1::2]):
        args[k] = v
    argv = [MESH, *[x for kv in args.items() for x in kv], "--out", tmp_path / "out", *FAST]
    code, out, err = _cli(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err, err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_cli_mesh_and_jobs_together_or_neither(capsys, tmp_path):
    code, _, err = _cli(capsys, MESH, "--jobs", tmp_path / "j.jsonl", *FAST)
    assert code == 2 and "not both" in err and err.count("\n") == 1
    code, _, err = _cli(capsys, *FAST)
    assert code == 2 and "give a MESH" in err and err.count("\n") == 1


def test_cli_out_is_a_file(capsys, tmp_path):
    (tmp_path / "f").write_text("x")
    code, _, err = _cli(capsys, MESH, "--part", PART, "--drag-point", xyz(POINT), "--drag-vector", xyz(VECTOR),
                        "--out", tmp_path / "f", *FAST)
    assert code == 2 and "is a file" in err and err.count("\n") == 1
    assert (tmp_path / "f").read_text() == "x"


# ---------------------------------------------------------------- batch jobs

BASE_JOB = {"mesh": MESH, "part": PART, "drag_point": list(POINT), "drag_vector": list(VECTOR), "frames": 4}

JOB_CASES = [
    ({"frames": 1e308}, "frames must be from 2 to 1000"),
    ({"frames": 100000}, "frames must be from 2 to 1000"),
    ({"frames": 2.5}, "frames must be an integer"),
    ({"frames": [4]}, "frames must be an integer"),
    ({"mesh": 123}, "mesh must be a file path"),
    ({"mesh": ""}, "mesh must be a file path"),
    ({"mesh": None}, "job has no mesh"),
    ({"mesh": {"path": "a"}}, "mesh must be a file path"),
    ({"up": 5}, "up must be"),
    ({"up": [0, 0]}, "up must be"),
    ({"up": "diagonal"}, "up must be"),
    ({"export": 123}, "export must be format names"),
    ({"export": ["glb", 3]}, "export must be format names"),
    ({"export": "png"}, "unknown export format"),
    ({"label": "x", "labels": "l.npy"}, "label must be an integer"),
    ({"label": [], "labels": "l.npy"}, "label must be an integer"),
    ({"label": 2.5, "labels": "l.npy"}, "label must be an integer"),
    ({"out": ["a", "b"]}, "out must be a file path"),
    ({"out": 7}, "out must be a file path"),
    ({"seed": -1}, "seed must be from 0"),
    ({"seed": "1e3"}, "seed must be an integer"),
    ({"samples": "many"}, "samples must be an integer"),
    ({"samples": 65}, "samples must be from 1 to 64"),
    ({"part": {}}, "part must be"),
    ({"part": [1.5]}, "part must be"),
    ({"part": []}, "give the moving part"),
    ({"drag_point": "a,b,c"}, "drag point must be three numbers"),
    ({"drag_point": [1, 2, "3"]}, "drag point must be three numbers"),
    ({"drag_vector": [0, 0]}, "drag vector must be three numbers"),
    ({"drag_vector": [1e300, 0, 0]}, "too large"),
    ({"drag_vector": None}, "give --drag-vector"),
    ({"name": 5}, "name must be text"),
    ({"joint_type": 7}, "joint_type must be text"),
    ({"joint_type": "hinge"}, "revolute or prismatic"),
    ({"joint": "door"}, "joint must be a dict"),
    ({"joint": {"type": "revolute", "axis": [0, 1], "origin": [0, 0, 0]}}, "joint axis must be three numbers"),
    ({"labels": 5}, "labels must be a file path"),
    ({"colour": "red"}, "unknown job keys: colour"),
]


def _batch(capsys, tmp_path, lines, *extra):
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_bytes(b"\n".join(x if isinstance(x, bytes) else x.encode() for x in lines) + b"\n")
    code = main(["articulate", "--jobs", str(jobs), "--json", "--no-progress", *FAST, *map(str, extra)])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_batch_job_values_of_the_wrong_type_name_their_key(capsys, tmp_path):
    lines = [json.dumps({**BASE_JOB, **changes, "out": str(tmp_path / f"out{i}")} if "out" not in changes
                        else {**BASE_JOB, **changes})
             for i, (changes, _) in enumerate(JOB_CASES)]
    lines += ["{", "[1, 2]", "\"text\"", "[" * 5000, json.dumps({"part": PART}),
              '{"mesh": "%s", "part": "%s", "drag_point": [NaN, 0, 0], "drag_vector": [1, 0, 0]}' % (MESH, PART),
              json.dumps({**BASE_JOB, "out": str(tmp_path / "good")})]
    code, docs, err = _batch(capsys, tmp_path, lines)
    assert code == 2
    assert len(docs) == len(lines)
    for doc, (_, needle) in zip(docs, JOB_CASES):
        assert doc["ok"] is False and needle in doc["error"], (needle, doc)
    tail = docs[len(JOB_CASES):]
    expected = ["not a JSON object", "not a JSON object", "not a JSON object", "nested too deeply",
                "job has no mesh", "drag point must be finite"]
    for doc, needle in zip(tail, expected):
        assert doc["ok"] is False and needle in doc["error"], (needle, doc)
    assert tail[-1]["ok"] is True
    assert not any("internal error" in d.get("error", "") for d in docs)
    assert "Traceback" not in err
    for i in range(len(JOB_CASES)):  # no failing job left a file
        out = tmp_path / f"out{i}"
        assert not out.exists() or not any(out.iterdir())


def test_jobs_file_not_utf8_or_missing(capsys, tmp_path):
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_bytes(b'{"mesh": "\xff\xfe"}\n')
    code = main(["articulate", "--jobs", str(jobs), *FAST])
    err = capsys.readouterr().err
    assert code == 2 and "not UTF-8" in err and err.count("\n") == 1, err
    code = main(["articulate", "--jobs", str(tmp_path / "none.jsonl"), *FAST])
    err = capsys.readouterr().err
    assert code == 2 and "cannot read jobs file" in err and err.count("\n") == 1, err
