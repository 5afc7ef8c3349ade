"""Independent reference values for OrdinaryKrigingTest.

Solves the ordinary-kriging system with numpy's dense solver (not the Java LU code), in the
covariance-free semivariogram form, for fixed samples and variograms. Run:
    python3 reference.py
and paste the printed values into OrdinaryKrigingTest. Requires numpy.
"""
import numpy as np

def shape(model, h, a):
    r = h / a
    if model == "spherical":
        return np.where(r >= 1, 1.0, 1.5 * r - 0.5 * r ** 3)
    if model == "exponential":
        return 1 - np.exp(-3 * r)
    if model == "gaussian":
        return 1 - np.exp(-3 * r * r)
    raise ValueError(model)

def gamma(model, nugget, sill, rng, h):
    g = nugget + (sill - nugget) * shape(model, h, rng)
    return np.where(h == 0, 0.0, g)

def krige(pts, vals, q, model, nugget, sill, rng):
    pts = np.asarray(pts, float); q = np.asarray(q, float)
    n = len(pts)
    d = np.linalg.norm(pts[:, None, :] - pts[None, :, :], axis=2)
    A = np.ones((n + 1, n + 1)); A[:n, :n] = gamma(model, nugget, sill, rng, d); A[n, n] = 0
    out = []
    for x0 in q:
        b = np.ones(n + 1); b[:n] = gamma(model, nugget, sill, rng, np.linalg.norm(pts - x0, axis=1))
        w = np.linalg.solve(A, b)
        out.append((float(w[:n] @ vals), float(w[:n] @ b[:n] + w[n])))
    return out

pts2 = [[0, 0], [10, 0], [0, 10], [10, 10], [5, 5], [2, 7], [8, 3]]
vals2 = [1.0, 3.0, 2.0, 5.0, 3.5, 2.2, 3.9]
q2 = [[5, 0], [1, 1], [7.5, 7.5], [20, 20]]
pts3 = [[0, 0, 0], [4, 0, 1], [0, 4, 2], [4, 4, 3], [2, 2, 5]]
vals3 = [10.0, 12.0, 11.0, 15.0, 13.0]
q3 = [[2, 2, 2], [1, 3, 1]]
for name, args in [
    ("spherical2d", (pts2, vals2, q2, "spherical", 0.1, 2.0, 12.0)),
    ("exponential2d", (pts2, vals2, q2, "exponential", 0.0, 1.5, 8.0)),
    ("gaussian2d", (pts2, vals2, q2, "gaussian", 0.05, 1.0, 9.0)),
    ("spherical3d", (pts3, vals3, q3, "spherical", 0.0, 4.0, 10.0)),
]:
    print(name, [f"{e:.12f}, {v:.12f}" for e, v in krige(*args)])
