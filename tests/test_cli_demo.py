import json

from dragmesh.cli import main


def test_demo_writes_every_requested_export(capsys, tmp_path):
    out = tmp_path / "demo"
    code = main(["demo", "--out", str(out), "--formats", "glb,urdf,npz,json", "--frames", "4"])
    stdout, err = capsys.readouterr()
    assert code == 0, err
    names = sorted(p.name for p in out.iterdir())
    for stem in ("cabinet_door", "cabinet_drawer"):
        assert {f"{stem}.glb", f"{stem}.urdf", f"{stem}.npz", f"{stem}.json"} <= set(names)
    # door and drawer together: one GLB and one URDF with both joints
    assert {"cabinet.glb", "cabinet.urdf", "cabinet.door.obj", "cabinet.drawer.obj"} <= set(names)
    assert (out / "cabinet.urdf").read_text().count("<joint ") == 2
    assert "door: revolute joint" in stdout and "drawer: prismatic joint" in stdout
    assert f"all exports are in {out.resolve()}" in stdout


def test_bench_reports_every_stage(capsys):
    code = main(["bench", "--runs", "2", "--warmup", "0", "--export", "npz", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    report = json.loads(out)
    ms = report["configs"]["shipped"]["ms"]
    for stage in ("load", "sample", "joint", "motion", "projection", "export", "inference", "total"):
        assert ms[stage]["p50"] >= 0 and ms[stage]["p95"] >= ms[stage]["p50"]
    assert report["threads"] == 2
