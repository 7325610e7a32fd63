"""Exports on a full disk, a full stdout and concurrent writers (issue 16, items 1 and 5).

Every export format is written complete to a temporary file and checked (the write, ffmpeg's exit
status and MP4 boxes, the USD re-read) before the rename, and one export's files are renamed
together under a lock on the folder: a failure anywhere leaves no file at all, as one ExportError.

The full disk is real where a small tmpfs can be mounted (root, Linux), and simulated otherwise:
writes that fail with ENOSPC half-way, and an ffmpeg that fails at its trailer.
"""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import dragmesh.export as export_module
from dragmesh.commands.demo import DRAGS, example_path
from dragmesh.errors import ExportError, OutputError
from dragmesh.export import ALL_FORMATS, FORMATS, folder_lock, sim_available
from dragmesh.pipeline import DragMesh

MESH = str(example_path())
PART, POINT, VECTOR = DRAGS[0]
SIZE = (64, 48)


@pytest.fixture(scope="module")
def result():
    return DragMesh(joint_model="geometric", motion_model="analytic").articulate(MESH, PART, POINT, VECTOR, frames=4)


def _formats() -> list[str]:
    return list(ALL_FORMATS) if sim_available() else list(FORMATS)


def _can_render(result, tmp_path) -> bool:
    try:
        result.export(tmp_path / "probe", "gif", size=SIZE)
    except ExportError:
        return False
    return True


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# ------------------------------------------------------------------ simulated full disk

class _FullFile(io.RawIOBase):
    """A file that takes half of the first write, then fails with ENOSPC."""

    def __init__(self, path, mode):
        self._f = open(path, mode)  # the real file, so a half-written temp really exists

    def writable(self):
        return True

    def write(self, data):
        self._f.write(bytes(data[: len(data) // 2]))
        self._f.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def close(self):
        self._f.close()
        super().close()


@pytest.mark.parametrize("fmt", ["glb", "urdf", "npz", "json", "gif", "mp4", "mjcf"])
def test_enospc_in_python_writes_leaves_nothing(result, tmp_path, monkeypatch, fmt):
    if fmt in ("gif", "mp4") and not _can_render(result, tmp_path):
        pytest.skip("no offscreen rendering")
    if fmt == "mjcf" and not sim_available():
        pytest.skip("no sim extra")
    monkeypatch.setattr(export_module, "open", _FullFile, raising=False)
    out = tmp_path / "out"
    with pytest.raises(ExportError) as exc:
        result.export(out, fmt, size=SIZE)
    assert "No space left on device" in str(exc.value) and "\n" not in str(exc.value)
    assert _leftovers(out) == []


def _fake_ffmpeg(tmp_path: Path, status: int, message: str) -> str:
    script = tmp_path / "ffmpeg"
    script.write_text("#!/bin/sh\nout=\"\"\nfor a; do out=\"$a\"; done\ncat > /dev/null\n"
                      "printf 'ftyp\\000\\000' > \"$out\"\n"
                      f"echo '{message}' >&2\nexit {status}\n")
    script.chmod(0o755)
    return str(script)


@pytest.mark.parametrize("status, message, needle", [
    (1, "[out#0/mp4 @ 0x1] Error writing trailer: No space left on device", "Error writing trailer: No space left"),
    (0, "", "incomplete file"),  # ffmpeg says nothing but the file is cut short
    (137, "", "status 137"),
])
def test_failed_ffmpeg_trailer_leaves_no_mp4(result, tmp_path, monkeypatch, status, message, needle):
    import imageio_ffmpeg

    if not _can_render(result, tmp_path):
        pytest.skip("no offscreen rendering")
    monkeypatch.setattr(imageio_ffmpeg, "get_ffmpeg_exe", lambda: _fake_ffmpeg(tmp_path, status, message))
    out = tmp_path / "out"
    with pytest.raises(ExportError) as exc:
        result.export(out, "glb,mp4,json", size=SIZE)
    assert needle in str(exc.value) and "\n" not in str(exc.value), str(exc.value)
    assert _leftovers(out) == []  # not even the GLB written before the MP4 failed


def test_mp4_box_check():
    from dragmesh.export.video import mp4_problem

    def boxes(*items):
        return b"".join((8 + len(body)).to_bytes(4, "big") + kind + body for kind, body in items)

    good = boxes((b"ftyp", b"isom"), (b"mdat", b"x" * 10), (b"moov", b"y" * 4))
    assert _problem(mp4_problem, good) is None
    assert "moov" in _problem(mp4_problem, boxes((b"ftyp", b"isom"), (b"mdat", b"x")))
    assert "runs past the end" in _problem(mp4_problem, good[:-2])
    assert "truncated" in _problem(mp4_problem, good + b"\0\0")


def _problem(check, data: bytes):
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".mp4", delete=False) as f:
        f.write(data)
    try:
        return check(f.name)
    finally:
        os.unlink(f.name)


# ------------------------------------------------------------------ a real full disk

@pytest.fixture
def tiny_tmpfs(tmp_path):
    """Mount a tmpfs of a given size (root on Linux only); yields a function size -> folder."""
    mounts = []

    def make(size_bytes: int) -> Path:
        folder = tmp_path / f"fs{len(mounts)}"
        folder.mkdir()
        size = max(4096, size_bytes // 4096 * 4096)
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                              capture_output=True)
        if done.returncode != 0:
            pytest.skip("cannot mount a tmpfs here (not root?): the simulated full disk covers this")
        mounts.append(folder)
        return folder

    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root on Linux: the simulated full disk covers this")
    yield make
    for folder in mounts:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_real_full_disk_no_format_leaves_a_file(result, tmp_path, tiny_tmpfs):
    render = _can_render(result, tmp_path)
    formats = [f for f in _formats() if render or f not in ("mp4", "gif")]
    sizes = {}
    for fmt in formats:  # each format's size, written to a roomy folder
        written = result.export(tmp_path / f"full_{fmt}", fmt, size=SIZE)
        sizes[fmt] = sum(p.stat().st_size for paths in written.values() for p in paths)
    for fmt in formats:
        # room for a part of the file (at least one page; every export here is above 4 KiB)
        for room in sorted({4096, sizes[fmt] // 2}):
            folder = tiny_tmpfs(room)
            try:
                result.export(folder, fmt, size=SIZE)
            except ExportError as exc:
                assert "\n" not in str(exc)
                assert _leftovers(folder) == [], (fmt, room, _leftovers(folder))
            else:  # it fitted after all (compression): then the files are complete
                assert sizes[fmt] <= room + 4096, (fmt, room)


def test_cli_full_disk_exits_2_with_one_line(tmp_path, tiny_tmpfs):
    folder = tiny_tmpfs(8192)
    done = subprocess.run(
        [sys.executable, "-m", "dragmesh", "articulate", MESH, "--part", PART,
         "--drag-point", ",".join(map(str, POINT)), "--drag-vector", ",".join(map(str, VECTOR)),
         "--joint-model", "geometric", "--motion-model", "analytic", "--frames", "4", "--out", str(folder),
         "--export", "glb,urdf,npz,json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "No space left on device" in done.stderr, done.stderr
    assert _leftovers(folder) == []


# ------------------------------------------------------------------ stdout

class _FullStdout(io.StringIO):
    def write(self, text):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def flush(self):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_json_to_a_full_stdout_is_one_line(tmp_path, monkeypatch, capsys):
    from dragmesh.commands.articulate import emit

    monkeypatch.setattr(sys, "stdout", _FullStdout())
    with pytest.raises(OutputError, match="cannot write to standard output: No space left on device"):
        emit("{}")


def test_json_to_dev_full(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    jobs = tmp_path / "jobs.jsonl"
    job = {"mesh": MESH, "part": PART, "drag_point": list(POINT), "drag_vector": list(VECTOR), "frames": 3}
    jobs.write_text(json.dumps(job) + "\n" + json.dumps(job) + "\n")
    for args in (["articulate", MESH, "--part", PART, "--drag-point", ",".join(map(str, POINT)),
                  "--drag-vector", ",".join(map(str, VECTOR)), "--json"],
                 ["articulate", "--jobs", str(jobs), "--json", "--no-progress"]):
        with open("/dev/full", "w") as full:
            done = subprocess.run([sys.executable, "-m", "dragmesh", *args, "--joint-model", "geometric",
                                   "--motion-model", "analytic"], stdout=full, stderr=subprocess.PIPE, text=True,
                                  timeout=300)
        assert done.returncode == 2
        assert done.stderr.count("\n") == 1 and "standard output: No space left" in done.stderr, done.stderr
        assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr


# ------------------------------------------------------------------ concurrent writers

def test_an_export_set_appears_together_under_the_folder_lock(result, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    errors = []
    with folder_lock(out):  # another writer is renaming its set
        worker = threading.Thread(target=lambda: _try(errors, result.export, out, "glb,urdf,npz,json"))
        worker.start()
        time.sleep(1.0)
        # everything is written to temporary files, nothing is at a final name yet
        assert [n for n in _leftovers(out) if not n.startswith(".")] == []
        assert worker.is_alive()
    worker.join(60)
    assert not errors
    names = _leftovers(out)
    assert not [n for n in names if n.startswith(".")], names
    assert {Path(n).suffix for n in names} == {".glb", ".urdf", ".obj", ".npz", ".json"}


def _try(errors, fn, *args):
    try:
        fn(*args)
    except Exception as exc:  # noqa: BLE001
        errors.append(exc)


_RACER = """
import sys
from dragmesh.pipeline import DragMesh
from dragmesh.commands.demo import DRAGS, example_path
part, point, vector = DRAGS[0]
pipe = DragMesh(joint_model="geometric", motion_model="analytic")
r = pipe.articulate(str(example_path()), part, point, vector, frames=int(sys.argv[2]))
for _ in range(int(sys.argv[3])):
    r.export(sys.argv[1], "glb,urdf,npz,json", stem="same")
"""


def test_two_processes_writing_one_folder_leave_one_jobs_set(tmp_path):
    out = tmp_path / "out"
    racers = [subprocess.Popen([sys.executable, "-c", _RACER, str(out), str(frames), "6"])
              for frames in (3, 5)]
    assert all(p.wait(timeout=300) == 0 for p in racers)
    doc = json.loads((out / "same.json").read_text())
    frames = len(doc["trajectory"]["values"])
    npz = np.load(out / "same.npz")
    assert len(npz["values"]) == frames  # NPZ and JSON from the same job
    from pygltflib import GLTF2

    gltf = GLTF2.load(str(out / "same.glb"))
    times = [a for a in gltf.accessors if a.type == "SCALAR" and a.componentType == 5126]
    assert times and times[0].count == frames  # and the GLB too
    assert not [n for n in _leftovers(out) if n.startswith(".")]
