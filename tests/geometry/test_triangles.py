import numpy as np

from dragmesh.geometry.triangles import closest_point_on_triangles, nearest_on_triangles


def test_the_nearest_triangle_and_its_closest_point_agree_with_brute_force():
    rng = np.random.default_rng(3)
    tri = rng.normal(size=(300, 3, 3))
    for q in rng.normal(size=(20, 3)) * 2:
        # Brute force: dense barycentric samples of every triangle.
        w = rng.dirichlet(np.ones(3), size=4000)
        samples = np.einsum("sk,mkd->msd", w, tri)
        best = int(np.argmin(np.linalg.norm(samples - q, axis=2).min(axis=1)))
        index, point = nearest_on_triangles(tri, q)
        assert np.array_equal(closest_point_on_triangles(tri, q), point)
        assert np.allclose(closest_point_on_triangles(tri[index: index + 1], q), point)
        # The found point is at least as near as any sample, and its triangle is the brute-force one
        # unless two triangles are (nearly) equally near.
        assert np.linalg.norm(point - q) <= np.linalg.norm(samples - q, axis=2).min() + 1e-12
        if index != best:
            d_best = np.linalg.norm(closest_point_on_triangles(tri[best: best + 1], q) - q)
            assert abs(d_best - np.linalg.norm(point - q)) < 1e-3
