"""Property-based fuzzing (issue 16, item 7): malformed meshes, label files, jobs and option values
through the command line and the Python API. Every case either succeeds with a valid output or
fails with exit status 2 (a DragMeshError in the API), one line on stderr, no traceback, and no
file left in --out. Small example counts and no deadline keep it to a few seconds."""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import string
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dragmesh.cli import main
from dragmesh.commands.articulate import JOB_KEYS
from dragmesh.errors import DragMeshError
from dragmesh.io import load_mesh
from dragmesh.pipeline import DragMesh

FAST = ["--joint-model", "geometric", "--motion-model", "analytic"]
# DRAGMESH_FUZZ_EXAMPLES=500 explores (random); the default is a fixed, fast sample for `make test`.
_EXAMPLES = int(os.environ.get("DRAGMESH_FUZZ_EXAMPLES", "0") or 0)
SETTINGS = settings(max_examples=_EXAMPLES or 12, deadline=None, derandomize=not _EXAMPLES, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# A small valid object: a body box and a lid box, as OBJ groups (the fuzzers mutate it).
_BOX = [(x, y, z) for x in (0, 1) for y in (0, 1) for z in (0, 1)]
_FACES = [(1, 3, 2), (2, 3, 4), (5, 6, 7), (6, 8, 7), (1, 2, 5), (2, 6, 5), (3, 7, 4), (4, 7, 8),
          (1, 5, 3), (3, 5, 7), (2, 4, 6), (4, 8, 6)]


def valid_obj() -> str:
    lines = []
    for k, (name, dy) in enumerate((("body", 0.0), ("lid", 1.0))):
        lines.append(f"g {name}")
        lines += [f"v {x:g} {y + dy:g} {z:g}" for x, y, z in _BOX]
        lines += ["f " + " ".join(str(i + 8 * k) for i in f) for f in _FACES]
    return "\n".join(lines) + "\n"


LID_POINT, LID_DRAG = "0.5,2,0.5", "0,0,0.3"


@pytest.fixture(scope="module")
def pipeline():
    return DragMesh(joint_model="geometric", motion_model="analytic")


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:  # argparse
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def check_outcome(code: int, err: str, out_dir: Path) -> None:
    assert code in (0, 2), (code, err)
    assert "Traceback" not in err and "internal error" not in err and "Exception ignored" not in err, err
    if code == 2:
        assert err.count("\n") == 1 and err.startswith("dragmesh"), err
        left = sorted(p.name for p in out_dir.iterdir()) if out_dir.exists() else []
        assert left == [], left
    else:
        files = sorted(out_dir.iterdir())
        assert files and not [p for p in files if p.name.startswith(".")]
        for p in files:
            if p.suffix == ".json":
                doc = json.loads(p.read_text())
                assert np.isfinite(np.asarray(doc["trajectory"]["transforms"], dtype=float)).all()
            if p.suffix == ".glb":
                assert load_mesh(p).n_parts >= 1  # our own loader reads the export back


# ---------------------------------------------------------------- mesh files

_TOKENS = ["nan", "inf", "-inf", "1e308", "1e300", "-1", "0", "999999999", "f", "v", "g", "/", "//", "#", "\0",
           "\xff", "1e-320", "3.5", "-0", " ", "\n"]


@st.composite
def mutated_obj(draw) -> bytes:
    text = valid_obj()
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["drop", "token", "dup", "swap", "truncate"]))
        words = lines[i].split(" ")
        if kind == "drop":
            lines.pop(i)
        elif kind == "token" and words:
            words[draw(st.integers(0, len(words) - 1))] = draw(st.sampled_from(_TOKENS))
            lines[i] = " ".join(words)
        elif kind == "dup":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines = lines[: i + 1]
        if not lines:
            lines = [""]
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")


def _valid_bytes(suffix: str) -> bytes:
    import trimesh

    mesh = trimesh.Trimesh(vertices=np.array(_BOX, float), faces=np.array(_FACES) - 1, process=False)
    if suffix not in _VALID:
        _VALID[suffix] = mesh.export(file_type=suffix.lstrip("."))
        if isinstance(_VALID[suffix], str):
            _VALID[suffix] = _VALID[suffix].encode()
    return _VALID[suffix]


_VALID: dict = {}


@st.composite
def mangled_binary(draw) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from([".ply", ".stl", ".off", ".glb"]))
    data = bytearray(_valid_bytes(suffix))
    how = draw(st.sampled_from(["truncate", "flip", "garbage", "empty"]))
    if how == "truncate":
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif how == "flip":
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    elif how == "garbage":
        data = bytearray(draw(st.binary(max_size=300)))
    else:
        data = bytearray()
    return suffix, bytes(data)


@SETTINGS
@given(data=mutated_obj())
def test_fuzz_obj_through_the_cli(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.obj"
        path.write_bytes(data)
        out = Path(tmp) / "out"
        code, _, err = run_cli(["articulate", path, "--part", "lid", "--drag-point", LID_POINT, "--drag-vector",
                                LID_DRAG, "--frames", 3, "--out", out, "--export", "glb,json,npz", *FAST])
        check_outcome(code, err, out)


@SETTINGS
@given(case=mangled_binary())
def test_fuzz_binary_meshes_through_the_api(pipeline, case):
    suffix, data = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"m{suffix}"
        path.write_bytes(data)
        try:
            result = pipeline.articulate(path, 0, [0.5, 1.0, 0.5], [0, 0, 0.3], frames=3)
        except DragMeshError as exc:
            assert str(exc) and "\n" not in str(exc)
        else:
            assert np.isfinite(result.transforms).all() and result.transforms.shape == (3, 4, 4)


@SETTINGS
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".obj", ".urdf", ".gltf", ".glb", ".ply"]))
def test_fuzz_garbage_files_load_or_fail_in_one_line(data, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"g{suffix}"
        path.write_bytes(data)
        try:
            load_mesh(path)
        except DragMeshError as exc:
            assert str(exc) and "\n" not in str(exc)


# ---------------------------------------------------------------- label files

_label_values = st.one_of(
    st.lists(st.integers(-3, 3), max_size=40),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=40),
    st.lists(st.sampled_from(["1", "x", "2.5", "nan", "", "-0", "1e400"]), max_size=40),
)


@SETTINGS
@given(values=_label_values, kind=st.sampled_from(["txt", "npy", "bytes"]), junk=st.binary(max_size=64),
       label=st.integers(-2, 3))
def test_fuzz_label_files_through_the_cli(values, kind, junk, label):
    with tempfile.TemporaryDirectory() as tmp:
        mesh = Path(tmp) / "m.obj"
        mesh.write_text(valid_obj())
        labels = Path(tmp) / ("l.npy" if kind == "npy" else "l.txt")
        if kind == "txt":
            labels.write_text("\n".join(map(str, values)))
        elif kind == "npy":
            try:
                np.save(labels, np.asarray(values))
            except (ValueError, OverflowError):
                labels.write_bytes(junk)
        else:
            labels.write_bytes(junk)
        out = Path(tmp) / "out"
        code, _, err = run_cli(["articulate", mesh, "--labels", labels, "--label", label, "--drag-point", LID_POINT,
                                "--drag-vector", LID_DRAG, "--frames", 3, "--out", out, "--export", "json", *FAST])
        check_outcome(code, err, out)


# ---------------------------------------------------------------- jobs

_json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                          st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12))
_json_values = st.recursive(_json_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                                   st.dictionaries(st.text(max_size=5), inner,
                                                                                   max_size=3)), max_leaves=8)


@st.composite
def jobs(draw) -> list[dict]:
    base = {"part": "lid", "drag_point": [0.5, 2, 0.5], "drag_vector": [0, 0, 0.3], "frames": 3}
    out = []
    for _ in range(draw(st.integers(1, 4))):
        job = dict(base)
        for key in draw(st.lists(st.sampled_from(JOB_KEYS), max_size=3, unique=True)):
            job[key] = draw(_json_values)
        out.append(job)
    return out


@SETTINGS
@given(batch=jobs())
def test_fuzz_batch_jobs_never_give_internal_errors(batch):
    with tempfile.TemporaryDirectory() as tmp:
        mesh = Path(tmp) / "m.obj"
        mesh.write_text(valid_obj())
        out = Path(tmp) / "out"
        lines = []
        for job in batch:
            job.setdefault("mesh", str(mesh))
            job["out"] = str(out)  # the jobs write here unless they failed before
            job.setdefault("export", "json")
            lines.append(json.dumps(job))
        (Path(tmp) / "j.jsonl").write_text("\n".join(lines) + "\n")
        code, stdout, err = run_cli(["articulate", "--jobs", Path(tmp) / "j.jsonl", "--json", "--no-progress",
                                     *FAST])
        assert code in (0, 2) and "Traceback" not in err
        docs = [json.loads(line) for line in stdout.splitlines()]
        assert len(docs) == len(batch)
        for doc in docs:
            assert doc["ok"] or ("internal error" not in doc["error"] and "\n" not in doc["error"]), doc
        if not any(d["ok"] for d in docs):  # failing jobs leave nothing behind
            assert not out.exists() or not any(out.iterdir())


# ---------------------------------------------------------------- option values

_text = st.text(alphabet=string.printable + "éλ\u2212", max_size=16)
_numbers = st.one_of(st.integers(-10**6, 10**6).map(str), st.floats().map(repr), _text)
_OPTIONS = {
    "--frames": _numbers, "--samples": _numbers, "--seed": _numbers, "--fps": _numbers,
    "--up": st.one_of(_text, st.sampled_from(["+z", "-y", "0,0,0", "1,1", "nan,0,1"])),
    "--drag-point": st.one_of(_text, st.sampled_from([LID_POINT, "1e300,0,0", "nan,nan,nan", "1,2"])),
    "--drag-vector": st.one_of(_text, st.sampled_from([LID_DRAG, "0,0,0", "1e308,1e308,1e308", "inf,0,0"])),
    "--size": st.one_of(_text, st.sampled_from(["64x48", "0x0", "99999x2", "64x47"])),
    "--export": st.one_of(_text, st.sampled_from(["json", "json,npz", "all,bogus", ""])),
    "--part": st.one_of(_text, st.sampled_from(["lid", "body", "0", "1", "7"])),
    "--joint-type": st.sampled_from(["revolute", "prismatic", "screw", ""]),
    "--loop": st.sampled_from(["once", "pingpong", "never"]),
}


@SETTINGS
@given(choice=st.dictionaries(st.sampled_from(sorted(_OPTIONS)), st.none(), min_size=1, max_size=3), data=st.data())
def test_fuzz_option_values_through_the_cli(choice, data):
    options = {"--part": "lid", "--drag-point": LID_POINT, "--drag-vector": LID_DRAG, "--frames": "3",
               "--export": "json"}
    for key in choice:
        options[key] = data.draw(_OPTIONS[key], label=key)
    with tempfile.TemporaryDirectory() as tmp:
        mesh = Path(tmp) / "m.obj"
        mesh.write_text(valid_obj())
        out = Path(tmp) / "out"
        argv = ["articulate", mesh, "--out", out, *FAST]
        for key, value in options.items():
            argv.append(f"{key}={value}")  # "=" lets values start with "-"
        code, _, err = run_cli(argv)
        check_outcome(code, err, out)


@SETTINGS
@given(frames=st.one_of(st.integers(), st.floats(), st.text(max_size=5), st.none(), st.booleans()),
       seed=st.one_of(st.integers(), st.floats(), st.text(max_size=5)),
       point=st.lists(st.floats(), min_size=0, max_size=4))
def test_fuzz_api_values(pipeline, frames, seed, point):
    mesh = pipeline_mesh(pipeline)
    try:
        result = pipeline.articulate(mesh, "lid", point, [0, 0, 0.3], frames=frames, seed=seed)
    except DragMeshError as exc:
        assert "\n" not in str(exc)
    else:
        assert 2 <= result.frames <= 1000 and result.frames == frames and np.isfinite(result.transforms).all()
        assert not isinstance(frames, bool) and float(frames) == int(frames)
        assert math.isfinite(float(seed)) and int(float(seed)) >= 0


_MESH_CACHE: dict = {}


def pipeline_mesh(pipeline):
    if "mesh" not in _MESH_CACHE:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "m.obj"
            path.write_text(valid_obj())
            _MESH_CACHE["mesh"] = pipeline.load(path)
    return _MESH_CACHE["mesh"]
