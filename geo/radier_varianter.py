"""Exact radii for the definition variants of the committee's medeldistans (issue 10; docs/decisions.md).

r_i(N) = the smallest distance d at which the inhabitants of the cells counted within d of cell i reach N.
Variants: ``metric`` "euclidean" (p=2), "manhattan" (p=1), "chebyshev" (p=inf); ``own_cell`` whether cell i's
own inhabitants count (at d = 0); ``edge`` "centre" (distance to the other cell's centre) or "far" (to its far
edge/corner, i.e. the whole cell must be inside d; half side ``half`` m). Exact for every variant: candidates
come from a cKDTree k-nearest query by centre distance, k doubled until the k-th candidate lies beyond the
answer plus the largest possible centre-to-far-edge offset. Oracle-tested against brute force in
tests/test_matt.py. ``geo.gleshet.radii`` is the fast kernel for the Euclidean, own-cell definition.
"""
from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

P = {"euclidean": 2, "manhattan": 1, "chebyshev": np.inf}


def _offset(metric: str, half: float) -> float:
    """Largest difference between the far-edge and the centre distance for a square of half side ``half``."""
    return {"euclidean": half * np.sqrt(2.0), "manhattan": 2.0 * half, "chebyshev": half}[metric]


def far_distance(dx: np.ndarray, dy: np.ndarray, metric: str, half: float) -> np.ndarray:
    ax, ay = np.abs(dx) + half, np.abs(dy) + half
    if metric == "euclidean":
        return np.hypot(ax, ay)
    if metric == "manhattan":
        return ax + ay
    return np.maximum(ax, ay)


def radii(x, y, pop, n: int, *, metric: str = "euclidean", own_cell: bool = True, edge: str = "centre",
          half: float = 500.0, k0: int = 32, chunk: int = 20000) -> np.ndarray:
    x = np.asarray(x, float); y = np.asarray(y, float); pop = np.asarray(pop, float)
    pts = np.c_[x, y]
    tree = cKDTree(pts)
    p = P[metric]
    off = _offset(metric, half) if edge == "far" else 0.0
    out = np.full(len(x), np.nan)
    todo = np.arange(len(x))
    k = k0
    while len(todo):
        k = min(k, len(x))
        nxt = []
        for s in range(0, len(todo), chunk):
            idx = todo[s:s + chunk]
            dist, nb = tree.query(pts[idx], k=k, p=p)
            dist = np.atleast_2d(dist); nb = np.atleast_2d(nb)
            if edge == "far":
                d = far_distance(x[nb] - x[idx, None], y[nb] - y[idx, None], metric, half)
            else:
                d = dist.copy()
            w = pop[nb]
            if not own_cell:
                w = np.where(nb == idx[:, None], 0.0, w)
                d = np.where(nb == idx[:, None], np.inf, d)
            elif edge == "far":
                d = np.where(nb == idx[:, None], 0.0, d)   # own cell counts from d = 0 as in the kernel
            order = np.argsort(d, axis=1, kind="stable")
            ds = np.take_along_axis(d, order, 1)
            cs = np.cumsum(np.take_along_axis(w, order, 1), axis=1)
            hit = cs >= n
            has = hit.any(axis=1)
            first = np.argmax(hit, axis=1)
            r = ds[np.arange(len(idx)), first]
            # exact only if every cell not among the k candidates is farther than r
            ok = has & ((dist[:, -1] - off > r) | (k >= len(x)))
            out[idx[ok]] = r[ok]
            nxt.append(idx[~ok])
        todo = np.concatenate(nxt) if nxt else np.array([], int)
        if k >= len(x):
            break
        k *= 4
    return out
