import time

import numpy as np
import pytest

from dragmesh.errors import InputError, MeshError
from dragmesh.io import PartMesh
from dragmesh.sampling import face_areas, sample_mesh, sample_surface

# Two triangles in the z = 0 plane with areas 0.5 and 1.5 (ratio 1 : 3).
VERTICES = np.array([[0.0, 0, 0], [1, 0, 0], [0, 1, 0], [5, 0, 0], [8, 0, 0], [5, 1, 0]])
FACES = np.array([[0, 1, 2], [3, 4, 5]])


def grid_mesh(n=40):
    """A bumpy n x n grid, 2 n^2 triangles."""
    x, y = np.meshgrid(np.linspace(0, 1, n + 1), np.linspace(0, 1, n + 1))
    vertices = np.c_[x.ravel(), y.ravel(), 0.1 * np.sin(7 * x.ravel()) * np.cos(5 * y.ravel())]
    i = np.arange(n)[:, None] * (n + 1) + np.arange(n)[None, :]
    i = i.ravel()
    faces = np.r_[np.c_[i, i + 1, i + n + 1], np.c_[i + 1, i + n + 2, i + n + 1]]
    return vertices, faces


def test_shapes_dtypes_and_points_lie_on_their_faces():
    points, face_index, mask = sample_surface(VERTICES, FACES, 500, rng=0)
    assert points.shape == (500, 3) and points.dtype == np.float64
    assert face_index.shape == (500,) and face_index.dtype == np.int64
    assert mask.shape == (500,) and mask.dtype == bool and not mask.any()
    # Barycentric coordinates of each point in its face are all in [0, 1].
    tri = VERTICES[FACES[face_index]]
    e1, e2, d = tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0], points - tri[:, 0]
    coords = np.linalg.solve(np.stack([e1[:, :2], e2[:, :2]], axis=2), d[:, :2, None])[..., 0]
    assert np.all(coords >= -1e-12) and np.all(coords.sum(axis=1) <= 1 + 1e-12)
    assert np.allclose(points[:, 2], 0)


def test_area_weighting():
    _, face_index, _ = sample_surface(VERTICES, FACES, 40000, rng=1)
    assert np.mean(face_index == 1) == pytest.approx(0.75, abs=0.01)


def test_uniform_within_a_triangle():
    points, _, _ = sample_surface(VERTICES[:3], FACES[:1], 40000, rng=2)
    # The centroid of a uniform distribution on a triangle is the triangle's centroid.
    assert np.allclose(points.mean(axis=0), VERTICES[:3].mean(axis=0), atol=0.01)


def test_mask_follows_the_faces_and_seed_is_deterministic():
    moving = np.array([False, True])
    a = sample_surface(VERTICES, FACES, 300, rng=np.random.default_rng(5), face_mask=moving)
    b = sample_surface(VERTICES, FACES, 300, rng=5, face_mask=moving)
    assert np.array_equal(a.mask, moving[a.face_index])
    assert np.array_equal(a.points, b.points) and np.array_equal(a.mask, b.mask)


def test_min_masked_guarantees_points_on_a_small_part():
    vertices, faces = grid_mesh(20)
    moving = np.zeros(len(faces), dtype=bool)
    moving[0] = True  # one tiny triangle, 1/800 of the area
    sample = sample_surface(vertices, faces, 256, rng=3, face_mask=moving, min_masked=16)
    assert sample.mask.sum() >= 16
    assert np.array_equal(sample.mask, moving[sample.face_index])
    with pytest.raises(InputError, match="exceeds"):
        sample_surface(vertices, faces, 8, rng=3, face_mask=moving, min_masked=9)


def test_zero_area_is_refused():
    flat = np.array([[0.0, 0, 0], [1, 0, 0], [2, 0, 0]])
    with pytest.raises(MeshError, match="zero surface area"):
        sample_surface(flat, [[0, 1, 2]], 10, rng=0)
    moving = np.array([True, False])
    vertices = np.vstack([flat, VERTICES[:3] + 5])
    with pytest.raises(MeshError, match="moving part has zero"):
        sample_surface(vertices, [[0, 1, 2], [3, 4, 5]], 10, rng=0, face_mask=moving, min_masked=1)


def test_bad_arguments():
    with pytest.raises(InputError, match=">= 1"):
        sample_surface(VERTICES, FACES, 0)
    with pytest.raises(InputError, match="shape"):
        sample_surface(VERTICES, FACES, 5, face_mask=np.ones(3, dtype=bool))


def test_float32_input_stays_float32():
    points, _, _ = sample_surface(VERTICES.astype(np.float32), FACES, 10, rng=0)
    assert points.dtype == np.float32


def test_partmesh_convenience():
    mesh = PartMesh(VERTICES, FACES, [0, 1], ["a", "b"])
    sample = sample_mesh(mesh, 100, mesh.part_face_mask("b"), rng=0)
    assert np.array_equal(sample.mask, sample.face_index == 1)


def test_face_areas():
    assert np.allclose(face_areas(VERTICES, FACES), [0.5, 1.5])


def test_fast_enough_for_the_data_generator():
    vertices, faces = grid_mesh(40)  # 3200 faces
    moving = np.arange(len(faces)) % 3 == 0
    rng = np.random.default_rng(0)
    sample_surface(vertices, faces, 1024, rng, moving)
    times = []
    for _ in range(20):
        start = time.perf_counter()
        sample_surface(vertices, faces, 1024, rng, moving)
        times.append(time.perf_counter() - start)
    # Typically ~0.5 ms; the bound leaves room for a loaded shared CPU.
    assert np.median(times) < 0.01


def test_canonical_sample_depends_only_on_the_geometry():
    import trimesh

    from dragmesh.sampling import canonical_sample

    m = trimesh.creation.box((1.0, 0.5, 0.2)).subdivide()
    v, f = np.asarray(m.vertices), np.asarray(m.faces)
    mask = np.zeros(len(f), dtype=bool)
    mask[:8] = True
    a = canonical_sample(v, f, 200, mask, min_masked=10)
    rng = np.random.default_rng(3)
    fp, vp = rng.permutation(len(f)), rng.permutation(len(v))
    inverse = np.argsort(vp)
    f2 = np.roll(inverse[f[fp]], 2, axis=1)
    b = canonical_sample(v[vp], f2, 200, mask[fp], min_masked=10)
    assert np.array_equal(a.points, b.points) and np.array_equal(a.mask, b.mask)
    assert np.array_equal(fp[b.face_index], a.face_index)  # face_index refers to the faces given


def test_distinct_points_depend_on_the_positions_alone():
    from dragmesh.sampling import distinct_points

    rng = np.random.default_rng(3)
    pts = rng.normal(size=(500, 3))
    one = distinct_points(pts, 1e-9)
    assert len(one) == 500
    # Shuffled, with unwelded copies, the same points in the same order.
    again = np.concatenate([pts[::-1], pts[:50]])
    assert np.array_equal(distinct_points(again, 1e-9), one)
    kept = distinct_points(pts, 1e-9, keep=100)
    assert len(kept) == 100 and np.array_equal(distinct_points(again, 1e-9, keep=100), kept)
    assert distinct_points(np.zeros((0, 3)), 1.0).shape == (0, 3)
