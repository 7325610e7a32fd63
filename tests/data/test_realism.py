"""Sim-to-real mesh variety (dragmesh.data.realism) and its use in the generator."""

import hashlib
import json
from dataclasses import replace

import numpy as np
import pytest

from dragmesh.data import generator, realism
from dragmesh.data.generator import (
    AugmentConfig,
    GeneratorConfig,
    _Prepared,
    _sample_prepared,
    augmented_sample,
    build_object,
    object_samples,
    random_similarity,
)
from dragmesh.data.sample import make_sample
from dragmesh.data.splits import category_id
from dragmesh.errors import InputError
from dragmesh.geometry.joints import REVOLUTE
from dragmesh.sampling import min_masked_points
from object_checks import subtree

OPS = ("subdivide", "coarsen", "duplicate_faces", "double_sided", "open_holes", "flip_normals",
       "shuffle_order", "unweld", "interpenetrate")


def _box(lo, hi):
    """A closed box: 8 vertices, 12 outward-wound triangles."""
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    v = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
    f = np.array([[0, 1, 3], [0, 3, 2], [4, 6, 7], [4, 7, 5], [0, 4, 5], [0, 5, 1],
                  [2, 3, 7], [2, 7, 6], [0, 2, 6], [0, 6, 4], [1, 5, 7], [1, 7, 3]])
    c = v.mean(0)
    tri = v[f]
    n = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    flip = np.einsum("ij,ij->i", n, tri.mean(1) - c) < 0
    f[flip] = f[flip][:, ::-1]
    return v, f


def _two_parts():
    """A base box (label 0, subdivided so it has patches to cut) with a small knob box (label 1)."""
    vb, fb = _box((0, 0, 0), (1, 0.6, 0.5))
    vk, fk = _box((0.4, 0.25, 0.5), (0.5, 0.35, 0.56))
    lab = np.r_[np.zeros(len(fb), int), np.ones(len(fk), int)]
    v, f = np.concatenate([vb, vk]), np.concatenate([fb, fk + len(vb)])
    v, f, lab = realism.subdivide(v, f, lab, np.random.default_rng(0))
    v, f, lab = realism.subdivide(v, f, lab, np.random.default_rng(0), max_edge=0.3)
    return v, f, lab


def _areas(v, f):
    return realism._areas(v, f)


def _normals(v, f):
    tri = v[f]
    n = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    return n / np.linalg.norm(n, axis=1, keepdims=True)


def _label_areas(v, f, lab, n):
    return np.bincount(lab, weights=_areas(v, f), minlength=n)


def _inside(tri, pts, tol=1e-9):
    """pts (F, 3) inside (or on) triangles tri (F, 3, 3)."""
    a, b, c = tri[:, 0], tri[:, 1], tri[:, 2]
    n = np.cross(b - a, c - a)
    ok = np.abs(np.einsum("ij,ij->i", pts - a, n)) <= tol * np.linalg.norm(n, axis=1) + tol
    for p, q in ((a, b), (b, c), (c, a)):
        ok &= np.einsum("ij,ij->i", np.cross(q - p, pts - p), n) >= -tol
    return ok


@pytest.mark.parametrize("name", OPS)
def test_each_face_keeps_its_label_and_lies_on_its_source(name):
    v, f, lab = _two_parts()
    rng = np.random.default_rng(3)
    fn = getattr(realism, "_" + name)
    nv, nf, src = fn(v, f, lab, rng)
    assert nf.dtype == np.int64 and nf.shape[1] == 3 and len(src) == len(nf)
    assert nf.min() >= 0 and nf.max() < len(nv)
    out_v, out_f, out_lab = getattr(realism, name)(v, f, lab, np.random.default_rng(3))
    np.testing.assert_array_equal(out_lab, lab[src])
    np.testing.assert_array_equal(out_f, nf)
    if name in ("coarsen", "interpenetrate"):  # they move vertices: geometry checked below
        return
    # Every output triangle lies inside the triangle it came from (same part, same surface).
    tri, src_tri = nv[nf], v[f[src]]
    for k in range(3):
        assert _inside(src_tri, tri[:, k]).all()


def test_subdivide_splits_without_changing_the_surface():
    v, f = _box((0, 0, 0), (2, 1, 1))
    lab = np.r_[np.zeros(6, int), np.ones(6, int)]
    nv, nf, nl = realism.subdivide(v, f, lab, np.random.default_rng(0))
    assert len(nf) == 4 * len(f) and len(nv) == len(v) + 18  # 18 edges of a triangulated box
    assert np.isclose(_areas(nv, nf).sum(), _areas(v, f).sum())
    np.testing.assert_allclose(_label_areas(nv, nf, nl, 2), _label_areas(v, f, lab, 2))
    # Still closed (no cracks): every edge used exactly twice, once each way.
    e = np.concatenate([nf[:, [0, 1]], nf[:, [1, 2]], nf[:, [2, 0]]])
    assert len({tuple(x) for x in e}) == len(e)
    assert {tuple(x) for x in e} == {tuple(x[::-1]) for x in e}
    # Long edges only: the 2 m edges split, the others not; the surface again unchanged.
    lv, lf, ll = realism.subdivide(v, f, lab, np.random.default_rng(0), max_edge=1.5)
    assert len(f) < len(lf) < 4 * len(f)
    assert np.isclose(_areas(lv, lf).sum(), _areas(v, f).sum())
    e = np.concatenate([lf[:, [0, 1]], lf[:, [1, 2]], lf[:, [2, 0]]])
    assert {tuple(x) for x in e} == {tuple(x[::-1]) for x in e}


def test_duplicates_and_double_sided_faces():
    v, f, lab = _two_parts()
    dv, df, dl = realism.duplicate_faces(v, f, lab, np.random.default_rng(1), fraction=0.3)
    assert len(f) < len(df) and np.bincount(dl).min() >= 1
    assert (np.bincount(dl, minlength=2) >= np.bincount(lab, minlength=2)).all()
    sv, sf, sl = realism.double_sided(v, f, lab, np.random.default_rng(1))
    assert len(sf) == 2 * len(f)
    np.testing.assert_array_equal(sl, np.r_[lab, lab])
    np.testing.assert_allclose(_normals(sv, sf[len(f):]), -_normals(v, f), atol=1e-12)
    pv, pf, pl = realism.double_sided(v, f, lab, np.random.default_rng(1), fraction=0.5)
    assert len(f) <= len(pf) <= 2 * len(f)


def test_open_holes_cut_only_the_base():
    v, f, lab = _two_parts()
    before = _label_areas(v, f, lab, 2)
    for seed in range(5):
        hv, hf, hl = realism.open_holes(v, f, lab, np.random.default_rng(seed), fraction=0.1)
        after = _label_areas(hv, hf, hl, 2)
        assert len(hf) < len(f)
        assert np.isclose(after[1], before[1])  # the knob is untouched
        assert 0.5 * before[0] <= after[0] < before[0]
        assert len(hv) == len(np.unique(hf))  # unused vertices dropped
    # A protected base (the dragged part is label 0) is never cut.
    pv, pf, pl = realism.open_holes(v, f, lab, np.random.default_rng(0), protect=[0, 1])
    assert len(pf) == len(f)


def test_flip_shuffle_unweld_keep_the_triangles():
    v, f, lab = _two_parts()
    fv, ff, fl = realism.flip_normals(v, f, lab, np.random.default_rng(2), fraction=0.5)
    dots = np.einsum("ij,ij->i", _normals(fv, ff), _normals(v, f))
    assert np.allclose(np.abs(dots), 1.0) and (dots < 0).any() and (dots > 0).any()
    np.testing.assert_array_equal(fl, lab)

    sv, sf, sl = realism.shuffle_order(v, f, lab, np.random.default_rng(2))
    key = lambda vv, ff, ll: sorted((int(l),) + tuple(np.round(np.sort(vv[t], axis=0).ravel(), 9)) for t, l in zip(ff, ll))
    assert key(sv, sf, sl) == key(v, f, lab)
    assert not np.array_equal(sf, f)
    # Windings kept: the set of (label, centroid, normal) is the same.
    k2 = lambda vv, ff, ll: sorted((int(l),) + tuple(np.round(np.r_[vv[ff].mean(1)[i], _normals(vv, ff)[i]], 9)) for i, l in enumerate(ll))
    assert k2(sv, sf, sl) == k2(v, f, lab)

    uv, uf, ul = realism.unweld(v, f, lab, np.random.default_rng(2))
    assert len(uv) == 3 * len(f) and len(np.unique(uf)) == 3 * len(f)
    np.testing.assert_allclose(uv[uf], v[f])


def test_coarsen_and_interpenetrate():
    obj = build_object("Microwave", 0)
    v, f, lab = obj.to_arrays()
    n = lab.max() + 1
    cv, cf, cl = realism.coarsen(v, f, lab, np.random.default_rng(0), cell=0.05)
    assert len(cf) < len(f) and set(np.unique(cl)) == set(np.unique(lab))
    assert (_label_areas(cv, cf, cl, n) >= 0.5 * _label_areas(v, f, lab, n) - 1e-12).all()
    # Sinking parts: faces unchanged, the base and protected parts do not move, moved parts move
    # rigidly (a translation) towards the base.
    door = [i for i, p in enumerate(obj.parts) if p.name == "door"][0]
    iv, if_, il = realism.interpenetrate(v, f, lab, np.random.default_rng(1), protect=[door])
    np.testing.assert_array_equal(if_, f)
    moved = np.unique(lab[np.isin(f, np.flatnonzero(np.any(iv != v, axis=1))).any(axis=1)])
    assert len(moved) >= 1 and 0 not in moved and door not in moved
    for p in moved:
        vid = np.unique(f[lab == p])
        d = iv[vid] - v[vid]
        np.testing.assert_allclose(d, np.broadcast_to(d[0], d.shape), atol=1e-12)


def test_realistic_is_seeded_and_carries_its_sources():
    obj = build_object("Oven", 1)
    v, f, lab = obj.to_arrays()
    p_all = {k: 1.0 for k in realism.DEFAULT_P}
    for seed in range(6):
        a = realism.realistic(v, f, lab, np.random.default_rng(seed), return_source=True)
        b = realism.realistic(v, f, lab, np.random.default_rng(seed), return_source=True)
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)
        nv, nf, nl, src = a
        np.testing.assert_array_equal(nl, lab[src])
        assert set(np.unique(nl)) == set(np.unique(lab))
        # Everything on: protected parts keep at least their faces' area.
        nv, nf, nl = realism.realistic(v, f, lab, np.random.default_rng(seed), p=p_all, protect=[1])
        assert _label_areas(nv, nf, nl, lab.max() + 1)[1] >= 0.5 * _label_areas(v, f, lab, lab.max() + 1)[1]
    nothing = realism.realistic(v, f, lab, np.random.default_rng(0), p={k: 0.0 for k in realism.DEFAULT_P})
    np.testing.assert_array_equal(nothing[1], f)
    with pytest.raises(InputError):
        realism.realistic(v, f, lab, np.random.default_rng(0), p={"melt": 1.0})
    with pytest.raises(InputError):
        realism.subdivide(v, f[:, :2], lab, np.random.default_rng(0))


# ------------------------------------------------------------------------------ generator

SMALL = GeneratorConfig(n_points=256, frames=4)


def _pre_realism_augment(vertices, faces, face_labels, moving, joint, value, grasp, rng, config, category="",
                         seed=-1, part_index=-1, part_name=""):
    """``augmented_sample`` as it was before ``AugmentConfig.realism`` existed: the one step of the
    per-sample path that realism changed (the hashes recorded below pin the steps before it)."""
    lo, hi = vertices.min(axis=0), vertices.max(axis=0)
    M, up, scale = random_similarity(rng, float((hi - lo).max()), config.augment)
    vertices = vertices @ M[:3, :3].T + M[:3, 3]
    joint = joint.transformed(M)
    if grasp is not None:
        grasp = grasp @ M[:3, :3].T + M[:3, 3]
    if joint.type != REVOLUTE:
        value *= scale
    return make_sample(vertices, faces, face_labels, moving, joint, value, grasp, up, rng, config.n_points,
                       config.frames, drag=config.drag, category=category, category_id=category_id(category),
                       seed=seed, part_index=part_index, part_name=part_name)


def _same(a, b):
    for name in ("points", "mask", "drag_point", "drag_vector", "drag_vector_exact", "joint_axis",
                 "joint_origin", "values", "traj", "traj_exact"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


@pytest.mark.parametrize("category,seed", [("StorageFurniture", 3), ("Microwave", 5), ("Lamp", 5),
                                           ("Scissors", 2), ("Keyboard", 1), ("Bucket", 7)])
def test_default_samples_are_unchanged(category, seed, monkeypatch):
    prep = _Prepared(build_object(category, seed), seed)
    explicit = replace(SMALL, augment=AugmentConfig(realism=0.0))
    assert SMALL.augment.realism == 0.0
    default = [_sample_prepared(prep, k, SMALL) for k in range(4)]
    given = [_sample_prepared(prep, k, explicit) for k in range(4)]
    old = []

    def pre_realism(*args, **kwargs):
        old.append(_pre_realism_augment(*args, **kwargs))
        return old[-1]

    monkeypatch.setattr(generator, "augmented_sample", pre_realism)
    for k in range(4):
        _sample_prepared(prep, k, SMALL)
    assert len(old) == 4  # the per-sample path still ends in augmented_sample: the comparison is real
    for k in range(4):
        _same(default[k], old[k])
        _same(given[k], old[k])


def test_default_samples_match_hashes_recorded_before_realism():
    """Sample hashes recorded with the generator as it was before ``realism`` existed. A deliberate
    change of these builders (or of make_sample) changes them too: then re-record them.
    Re-recorded when ``Joint.dual_quaternions`` and ``Joint.drag_value`` moved from
    torch to NumPy (the same formulas; values equal to 2e-15, so only the last bits moved). The
    last five were recorded from a frozen copy of that generator's per-sample path, which the
    test above then compared against; they pin the path's part before ``augmented_sample``."""

    def digest(samples):
        h = hashlib.sha1()
        for s in samples:
            for a in (s.points, s.mask, s.drag_point, s.drag_vector, s.traj, s.traj_exact, s.values):
                h.update(np.ascontiguousarray(a).tobytes())
        return h.hexdigest()[:16]

    assert digest(object_samples("StorageFurniture", 3, 4, SMALL)) == "d4be9f5e39b2cc6c"
    assert digest(object_samples("Door", 11, 4, SMALL)) == "51e750a6dcc4c5b3"
    assert digest(object_samples("Microwave", 5, 4, SMALL)) == "67c6adb573f3f9d8"
    assert digest(object_samples("Lamp", 5, 4, SMALL)) == "ab6af078c814c971"
    assert digest(object_samples("Scissors", 2, 4, SMALL)) == "aad498e7a7f67a43"
    assert digest(object_samples("Keyboard", 1, 4, SMALL)) == "9339182767aa5c2d"
    assert digest(object_samples("Bucket", 7, 4, SMALL)) == "544b5f82dc938bc0"


def test_default_never_calls_realistic(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("realistic called at realism 0")

    monkeypatch.setattr(realism, "realistic", boom)
    object_samples("Oven", 0, 3, SMALL)
    with pytest.raises(AssertionError):
        object_samples("Oven", 0, 3, replace(SMALL, augment=AugmentConfig(realism=1.0)))


@pytest.mark.parametrize("category", ["Microwave", "Keyboard", "Lamp", "Door", "Chair", "Pen"])
def test_realistic_samples_are_valid(category):
    real = replace(SMALL, keep_mesh=True, augment=AugmentConfig(realism=1.0))
    plain = replace(SMALL, keep_mesh=True)
    a = object_samples(category, 4, 4, real)
    b = object_samples(category, 4, 4, plain)
    assert any(len(x.faces) != len(y.faces) or not np.array_equal(x.points, y.points) for x, y in zip(a, b))
    for s in a:
        assert np.isfinite(s.points).all() and np.isfinite(s.traj).all()
        assert s.mask.sum() >= min_masked_points(SMALL.n_points)
        assert s.face_labels.shape == (len(s.faces),) and s.faces.max() < len(s.vertices)
        # The moving faces are exactly the dragged part's labels (and they were not cut away).
        obj = build_object(category, 4)
        np.testing.assert_array_equal(s.moving_faces, np.isin(s.face_labels, subtree(obj, s.part_index)))


def test_realism_with_a_face_mask():
    """PartNet-style callers pass the moving part as an (F,) bool mask: it follows the faces."""
    obj = build_object("Refrigerator", 2)
    v, f, lab = obj.to_arrays()
    i = obj.movable()[0]
    mask = lab == i
    cfg = replace(SMALL, keep_mesh=True, augment=AugmentConfig(realism=1.0))
    for seed in range(4):
        rng = np.random.default_rng(seed)
        s = augmented_sample(v, f, lab, mask, obj.parts[i].joint, obj.parts[i].value, None, rng, cfg)
        np.testing.assert_array_equal(s.moving_faces, s.face_labels == i)
        assert s.mask.sum() >= min_masked_points(SMALL.n_points)


def test_shards_command_takes_realism_and_world_split(tmp_path, capsys):
    from dragmesh.cli import main

    out = tmp_path / "shards"
    assert main(["data", "shards", "--out", str(out), "--count", "4", "--points", "32", "--frames", "4",
                 "--split", "train_world", "--realism", "0.5"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["split"] == "train_world" and manifest["config"]["augment"]["realism"] == 0.5
    assert manifest["count"] == 4
    with pytest.raises(SystemExit):
        main(["data", "shards", "--out", str(out), "--count", "1", "--split", "nope"])
    assert main(["data", "shards", "--out", str(out), "--count", "1", "--realism", "1.5"]) != 0
