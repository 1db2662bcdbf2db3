"""The gleshet measure of SOU 2024:50: radius needed to gather N inhabitants around every populated cell.

Definition (GLESHET.md §2; SOU 2024:50 L9207–L9221). Each cell i has its population p_i at its centre c_i
(SWEREF 99 TM, EPSG:3006, metres). For a threshold N

    r_i(N) = min { d : Σ_{j : d(c_j, c_i) ≤ d} p_j ≥ N }

searching *all* cells of the grid (the measure crosses kommun borders). If the grid holds fewer than N
inhabitants, r is NaN (with a warning). Per kommun the measure is the population-weighted mean of r_i over the
kommun's cells (`avstand_3000_km`, …). Two options choose between readings of the definition (issue 10;
the pipeline picks the default, the kernel keeps euclidean with the own cell counted):

* ``metric`` (allowed values in :data:`METRICS`):
  ``"euclidean"`` d = √(Δx² + Δy²), straight line (the ball is a disc);
  ``"manhattan"`` d = |Δx| + |Δy| (L1), what a raster cost distance with 4-connected moves gives (a diamond);
  ``"chebyshev"`` d = max(|Δx|, |Δy|) (L∞, a square).
* ``own_cell``: ``True`` counts the cell's own population at d = 0 (the definition above). ``False`` leaves it
  out: r_i = min { d : Σ_{j ≠ i, d(c_j, c_i) ≤ d} p_j ≥ N }, i.e. the definition above with the per-cell
  threshold N + p_i. Other cells at the same centre still count at d = 0. A cell whose grid holds fewer than
  N inhabitants besides its own gets NaN.

Algorithm (exact, no approximation anywhere)
--------------------------------------------
Two exact paths give identical keys; ``method`` (allowed values in :data:`METHODS`) chooses:

* ``"sat"``, the summed-area table, O(1) per count, for the square metrics (manhattan, chebyshev) on a
  lattice (section "Square metrics" below);
* ``"rad"``, the row scan, O(rows within the radius) per count, for every metric;
* ``"auto"`` (default): the table when the metric is square and its table fits the memory budget
  ``karna.sat_max_minne_mib`` (data/gleshet/parametrar.yaml), the row scan otherwise — always for euclidean,
  and for coordinates so irregular that their lattice would need a table above the budget. Forcing ``"sat"``
  where it does not apply is an input error.

Coordinates are quantised to integers (1 cm by default; SCB grid centres are whole metres, so nothing is lost)
and every distance is handled as an exact int64 *key* D that is monotone in the distance — Δx² + Δy² for
euclidean, |Δx| + |Δy| for manhattan, max(|Δx|, |Δy|) for chebyshev — so ties and "≤ d" are decided in integer
arithmetic. A metric is two small functions: its key (``_key``) and its row half-width (``_half_width``: the
largest |Δx| with key(Δx, Δy) ≤ D in a row at Δy; ⌊√(D − Δy²)⌋, D − |Δy| and D). Adding a metric means adding
a branch to these two and to the radius ↔ key conversions (``_radius``, ``_key_of_radius``), nothing else.

Row scan (the ``"rad"`` path). Cells are sorted into rows of equal y and by x within a row, with a running
population sum. The population within key D of a point is then a sum over the rows within reach of one
prefix-sum difference per row, each x-range found by binary search (``_count``): O(rows · log) independent of
how many cells lie inside.

With the own cell counted, r is Lipschitz in every metric: |r_i − r_j| ≤ d(c_i, c_j). Cells are processed in
sorted order, so the radii of already computed neighbours (the previous cell of the row, the nearest cells of
the previous row) bracket the next one's. A thin annulus around the nearest neighbour's radius is tried first
(r varies slowly); otherwise the bracket is narrowed by bisection with ``_count``. The cells in the final
annulus are enumerated and a weighted quickselect finds the first key at which the population inside the
inner radius plus the annulus cells reaches N: that is r's key. Every count is exact, so a miss only tightens
the bracket; a bracket that fails its check (floating point is not trusted, and without the own cell the
per-cell thresholds N + p_i make the bracket a mere guess) falls back to a fresh exponential search, so the
result never depends on the order, the chunking or the bracket.

Square metrics (the ``"sat"`` path). With u = x + y, v = x − y, |Δx| + |Δy| = max(|Δu|, |Δv|): the
manhattan ball of radius d is the axis-aligned square |Δu| ≤ d, |Δv| ≤ d in (u, v); the chebyshev ball is
that square in (u, v) = (x, y). Every cell lies on the lattice u = u_min + a·g_u, v = v_min + b·g_v, with
g_u, g_v the gcds of the quantised offsets u − u_min, v − v_min (SCB's 1 km centres, at 500 mod 1 000 m, give
g = 1 000 m in (u, v); 250 m centres at 125 mod 250 m, also mixed with 1 km ones, 250 m). A summed-area
table over the lattice ((n_v + 1) × (n_u + 1) entries, int32 while the grid's population is below 2³¹, else
int64) gives the population of any square in four reads, independent of the radius and the resolution. The
distances max(|Δu|, |Δv|) are multiples of g = gcd(g_u, g_v) and count(d) changes only at realised
distances, so the smallest k with count(k·g) ≥ N (N + p_i without the own cell) is exactly the key: the
radius in quanta. Per cell, k is searched outwards from the previous cell's k (r varies slowly: with the own
cell counted by at most the two cells' distance), galloping, then bisection: about three counts a cell on
SCB's grids (benchmarks/RESULTS.md). The square is clipped to the table's box.

Parallelism: the sorted cells are split into chunks; each chunk is one dask task running the numba kernel
(``nogil``), on local threads by default or on a dask.distributed cluster (``scheduler="tcp://…"``) with
identical results. The index (row scan) or the summed-area table is built once per call and shared by every
task by reference on local threads. On a cluster the index is scattered once to every worker; for the table
path each worker then builds the table from it once per call and drops it at the end (the index is 32 bytes
a cell; a table grows with the lattice's area, 167 MB for a national 250 m grid against its 24 MB index —
measured in benchmarks/RESULTS.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
import threading
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numba as nb
import numpy as np

from engine.errors import InputError

#: Allowed values of ``metric`` (module docstring); the CLI and configuration take their choices from here.
METRICS = ("euclidean", "manhattan", "chebyshev")
#: Coordinates are quantised to this many units per metre before any distance is computed.
QUANTA_PER_M = 100
#: Cells per dask task of the row scan.
DEFAULT_CHUNK_SIZE = 4096
#: Cells per dask task of the summed-area table (≈ 0,1 µs a cell: a smaller task costs more in dask than it does).
SAT_CHUNK_SIZE = 65536
#: Allowed values of ``scheduler`` (the CLI's --scheduler): dask's local threads, no parallelism, or the address
#: of a running dask.distributed scheduler.
SCHEDULERS = ("threads", "sync", "tcp://host:port")
#: Seconds to wait for a dask.distributed scheduler to answer before giving up.
SCHEDULER_CONNECT_TIMEOUT_S = 5.0
#: Bisection stops when the bracket is at most this wide (metres); then the annulus is enumerated.
NARROW_WIDTH_M = 500.0
#: Half-width (metres, plus a quarter of the neighbour distance) of the first, guessed annulus.
GUESS_WIDTH_M = 300.0
#: Allowed values of ``method``: choose automatically, the row scan (every metric), the summed-area table
#: (manhattan and chebyshev on a lattice whose table fits the memory budget); module docstring, "Algorithm".
METHODS = ("auto", "rad", "sat")
#: The memory budget of the summed-area table (MiB): ``karna.sat_max_minne_mib`` in data/gleshet/parametrar.yaml.
SAT_BUDGET_PARAMETER = "karna.sat_max_minne_mib"


class KernelInputError(InputError):
    """A kernel option with a value outside its allowed values (the CLI prints it and exits with status 2)."""


@dataclass(frozen=True)
class GridIndex:
    """Cells sorted into rows (equal y, ascending x) with a running population sum; everything int64."""

    xq: np.ndarray  # quantised x, sorted order
    yq: np.ndarray  # quantised y, sorted order
    cum: np.ndarray  # cum[k] = population of sorted cells [0, k)
    row_y: np.ndarray  # distinct y values, ascending
    row_start: np.ndarray  # row r holds sorted cells [row_start[r], row_start[r+1])
    order: np.ndarray  # sorted position -> original cell index
    quanta_per_m: int

    @property
    def total(self) -> int:
        return int(self.cum[-1])

    @property
    def n(self) -> int:
        return int(self.xq.size)


def build_index(x: np.ndarray, y: np.ndarray, pop: np.ndarray, quanta_per_m: int = QUANTA_PER_M) -> GridIndex:
    """Quantise, sort by (y, x) and build the row structure. `pop` must be non-negative integers."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    pop = np.asarray(pop)
    if not (x.shape == y.shape == pop.shape and x.ndim == 1):
        raise ValueError("x, y and pop must be 1-d arrays of equal length")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("coordinates must be finite")
    popi = pop.astype(np.int64)
    if (popi != pop).any() or (popi < 0).any():
        raise ValueError("population must be non-negative integers")
    xq = np.rint(x * quanta_per_m).astype(np.int64)
    yq = np.rint(y * quanta_per_m).astype(np.int64)
    # Keep squared distances far inside int64: |Δ| < 2^30 quanta (≈ 10 700 km at 1 cm).
    if xq.size and (np.ptp(xq) >= 2**30 or np.ptp(yq) >= 2**30):
        raise ValueError("grid extent too large for the quantisation; use projected metres (EPSG:3006)")
    order = np.lexsort((xq, yq)).astype(np.int64)
    xs, ys, ps = xq[order], yq[order], popi[order]
    cum = np.zeros(xs.size + 1, dtype=np.int64)
    np.cumsum(ps, out=cum[1:])
    if xs.size:
        brk = np.flatnonzero(np.diff(ys)) + 1
        row_start = np.concatenate(([0], brk, [xs.size])).astype(np.int64)
        row_y = ys[row_start[:-1]]
    else:
        row_start = np.zeros(1, dtype=np.int64)
        row_y = np.zeros(0, dtype=np.int64)
    return GridIndex(xs, ys, cum, row_y, row_start, order, quanta_per_m)


# --------------------------------------------------------------------------------------------- numba kernel


@nb.njit(cache=True, nogil=True, inline="always")
def _isqrt(v):
    """floor(sqrt(v)) for int64 v >= 0, exact."""
    r = np.int64(math.sqrt(np.float64(v)))
    while r * r > v:
        r -= 1
    while (r + 1) * (r + 1) <= v:
        r += 1
    return r


@nb.njit(cache=True, nogil=True, inline="always")
def _lower_bound(a, lo, hi, v):
    """First k in [lo, hi) with a[k] >= v (hi if none)."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if a[mid] < v:
            lo = mid + 1
        else:
            hi = mid
    return lo


@nb.njit(cache=True, nogil=True, inline="always")
def _upper_bound(a, lo, hi, v):
    """First k in [lo, hi) with a[k] > v (hi if none)."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if a[mid] <= v:
            lo = mid + 1
        else:
            hi = mid
    return lo


@nb.njit(cache=True, nogil=True, inline="always")
def _gallop_lower(a, lo, hi, v, h):
    """First k in [lo, hi) with a[k] >= v, searching outwards from the hint h (O(log |k − h|))."""
    if h < lo:
        h = lo
    if h > hi:
        h = hi
    if h < hi and a[h] < v:  # answer lies right of h
        left = h + 1
        step = 1
        right = left
        while right < hi and a[right] < v:
            left = right + 1
            right += step
            step <<= 1
        if right > hi:
            right = hi
        return _lower_bound(a, left, right, v)
    right = h  # a[h] >= v (or h == hi): answer at or left of h
    step = 1
    left = h - 1
    while left >= lo and a[left] >= v:
        right = left
        left -= step
        step <<= 1
    if left < lo - 1:
        left = lo - 1
    return _lower_bound(a, left + 1, right, v)


@nb.njit(cache=True, nogil=True, inline="always")
def _gallop_upper(a, lo, hi, v, h):
    """First k in [lo, hi) with a[k] > v, searching outwards from the hint h."""
    if h < lo:
        h = lo
    if h > hi:
        h = hi
    if h < hi and a[h] <= v:
        left = h + 1
        step = 1
        right = left
        while right < hi and a[right] <= v:
            left = right + 1
            right += step
            step <<= 1
        if right > hi:
            right = hi
        return _upper_bound(a, left, right, v)
    right = h
    step = 1
    left = h - 1
    while left >= lo and a[left] > v:
        right = left
        left -= step
        step <<= 1
    if left < lo - 1:
        left = lo - 1
    return _upper_bound(a, left + 1, right, v)


# Metric codes of the numba kernel, in the order of METRICS.
_EUCLIDEAN, _MANHATTAN, _CHEBYSHEV = 0, 1, 2


@nb.njit(cache=True, nogil=True, inline="always")
def _key(metric, dx, dy):
    """Integer distance key of the offset (dx, dy): monotone in the metric's distance."""
    if metric == _EUCLIDEAN:
        return dx * dx + dy * dy
    if metric == _MANHATTAN:
        return abs(dx) + abs(dy)
    return max(abs(dx), abs(dy))


@nb.njit(cache=True, nogil=True, inline="always")
def _half_width(metric, D, dy):
    """Largest |dx| with key(dx, dy) <= D (the ball's half-width in the row at dy); negative if none."""
    if metric == _EUCLIDEAN:
        v = D - dy * dy
        return _isqrt(v) if v >= 0 else np.int64(-1)
    if metric == _MANHATTAN:
        return D - abs(dy)
    return D if abs(dy) <= D else np.int64(-1)


@nb.njit(cache=True, nogil=True, inline="always")
def _radius(metric, D):
    """The distance (quanta, float) whose key is D >= 0; only used to steer the search, never to decide."""
    if metric == _EUCLIDEAN:
        return math.sqrt(np.float64(D))
    return np.float64(D)


@nb.njit(cache=True, nogil=True, inline="always")
def _key_of_radius(metric, r):
    """floor of the key of distance r >= 0 (quanta, float); callers add their own safety margin."""
    if metric == _EUCLIDEAN:
        return np.int64(math.floor(r * r))
    return np.int64(math.floor(r))


@nb.njit(cache=True, nogil=True)
def _count(metric, xq, cum, row_y, row_start, xc, yc, D, hint_a, hint_b):
    """Population of all cells with key <= D from (xc, yc); D < 0 means none.

    hint_a / hint_b hold, per row, the last left / right boundary found; consecutive queries from nearby
    points move them little, so galloping from them is much cheaper than a fresh binary search.
    """
    if D < 0:
        return np.int64(0)
    h = _half_width(metric, D, np.int64(0))
    r0 = _lower_bound(row_y, 0, row_y.size, yc - h)
    r1 = _upper_bound(row_y, r0, row_y.size, yc + h)
    total = np.int64(0)
    for r in range(r0, r1):
        w = _half_width(metric, D, row_y[r] - yc)
        s = row_start[r]
        e = row_start[r + 1]
        a = _gallop_lower(xq, s, e, xc - w, hint_a[r])
        b = _gallop_upper(xq, a, e, xc + w, max(a, hint_b[r]))
        hint_a[r] = a
        hint_b[r] = b
        total += cum[b] - cum[a]
    return total


@nb.njit(cache=True, nogil=True)
def _annulus(metric, xq, cum, row_y, row_start, xc, yc, D_lo, D_hi, buf_d, buf_p, hint_a, hint_b):
    """Population with key <= D_lo, and the cells with D_lo < key <= D_hi written to (buf_d, buf_p).

    Returns (inner_population, n_annulus); n_annulus > buf size means the buffer overflowed (contents partial).
    """
    inner = np.int64(0)
    m = 0
    cap = buf_d.size
    h = _half_width(metric, D_hi, np.int64(0))
    r0 = _lower_bound(row_y, 0, row_y.size, yc - h)
    r1 = _upper_bound(row_y, r0, row_y.size, yc + h)
    for r in range(r0, r1):
        dy = row_y[r] - yc
        w_hi = _half_width(metric, D_hi, dy)
        s = row_start[r]
        e = row_start[r + 1]
        a0 = _gallop_lower(xq, s, e, xc - w_hi, hint_a[r])
        b0 = _gallop_upper(xq, a0, e, xc + w_hi, max(a0, hint_b[r]))
        hint_a[r] = a0
        hint_b[r] = b0
        w_lo = _half_width(metric, D_lo, dy) if D_lo >= 0 else np.int64(-1)
        if w_lo >= 0:
            a1 = _gallop_lower(xq, a0, b0, xc - w_lo, a0)
            b1 = _gallop_upper(xq, a1, b0, xc + w_lo, b0)
            inner += cum[b1] - cum[a1]
        else:
            a1 = b0
            b1 = b0
        for k in range(a0, a1):
            if m < cap:
                buf_d[m] = _key(metric, xq[k] - xc, dy)
                buf_p[m] = cum[k + 1] - cum[k]
            m += 1
        for k in range(b1, b0):
            if m < cap:
                buf_d[m] = _key(metric, xq[k] - xc, dy)
                buf_p[m] = cum[k + 1] - cum[k]
            m += 1
    return inner, m


@nb.njit(cache=True, nogil=True)
def _fresh_bracket(metric, xq, cum, row_y, row_start, xc, yc, N, D_start, D_max, hint_a, hint_b):
    """Exponential search: (D_lo, D_hi) with count(D_lo) < N <= count(D_hi); D_hi = -1 if never reached."""
    if _count(metric, xq, cum, row_y, row_start, xc, yc, np.int64(0), hint_a, hint_b) >= N:
        return np.int64(-1), np.int64(0)
    D_lo = np.int64(0)
    D = D_start
    while True:
        if _count(metric, xq, cum, row_y, row_start, xc, yc, D, hint_a, hint_b) >= N:
            return D_lo, D
        if D >= D_max:
            return D_lo, np.int64(-1)
        D_lo = D
        D = min(_key_of_radius(metric, 2.0 * _radius(metric, D)) + 1, D_max)  # double the radius


@nb.njit(cache=True, nogil=True)
def _resolve(inner, m, buf_d, buf_p, N):
    """Smallest annulus D at which inner + the population of annulus cells with distance ≤ D reaches N
    (cells at equal distance enter together); -1 if the whole annulus is not enough.

    Weighted quickselect with a three-way partition, in place on buf_d/buf_p: O(m) expected, no sort.
    """
    need = N - inner
    lo = 0
    hi = m
    total = np.int64(0)
    for k in range(m):
        total += buf_p[k]
    if total < need:
        return np.int64(-1)
    while hi - lo > 0:
        # median of three as pivot
        a = buf_d[lo]
        b = buf_d[(lo + hi) >> 1]
        c = buf_d[hi - 1]
        if a > b:
            a, b = b, a
        if b > c:
            b = c
            if a > b:
                b = a
        pivot = b
        # Dutch-flag partition: [lo, lt) < pivot, [lt, gt) == pivot, [gt, hi) > pivot
        lt = lo
        gt = hi
        k = lo
        w_less = np.int64(0)
        w_eq = np.int64(0)
        while k < gt:
            d = buf_d[k]
            if d < pivot:
                w_less += buf_p[k]
                buf_d[k], buf_d[lt] = buf_d[lt], buf_d[k]
                buf_p[k], buf_p[lt] = buf_p[lt], buf_p[k]
                lt += 1
                k += 1
            elif d > pivot:
                gt -= 1
                buf_d[k], buf_d[gt] = buf_d[gt], buf_d[k]
                buf_p[k], buf_p[gt] = buf_p[gt], buf_p[k]
            else:
                w_eq += buf_p[k]
                k += 1
        if w_less >= need:
            hi = lt
        elif w_less + w_eq >= need:
            return pivot
        else:
            need -= w_less + w_eq
            lo = gt
    return np.int64(-1)


@nb.njit(cache=True, nogil=True, inline="always")
def _to_D(metric, lo_r, hi_r):
    """Integer key bracket (D_lo, D_hi) safely enclosing the radius bracket [lo_r, hi_r] (quanta)."""
    D_hi = _key_of_radius(metric, hi_r) + 3
    D_lo = np.int64(-1)
    if lo_r > 0.0:
        D_lo = _key_of_radius(metric, lo_r) - 2
        if D_lo < 0:
            D_lo = np.int64(-1)
    return D_lo, D_hi


@nb.njit(cache=True, nogil=True)
def _radii_chunk(
    metric, own_cell, xq, yq, cum, row_y, row_start, start, stop, N0, narrow_q, guess_q, D_start, D_max, buf_cap
):
    """Exact radius key (int64, quantised units) for sorted cells [start, stop); -1 where unreachable.

    Without the own cell (own_cell false) the threshold of cell i is N0 + p_i (module docstring)."""
    out = np.empty(stop - start, dtype=np.int64)
    buf_d = np.empty(buf_cap, dtype=np.int64)
    buf_p = np.empty(buf_cap, dtype=np.int64)
    hint_a = row_start[:-1].copy()
    hint_b = row_start[:-1].copy()
    row = _upper_bound(row_start, 0, row_start.size, start) - 1  # row of cell `start`
    for i in range(start, stop):
        while i >= row_start[row + 1]:
            row += 1
        xc = xq[i]
        yc = yq[i]
        N = N0 if own_cell else N0 + (cum[i + 1] - cum[i])
        # Lipschitz bracket |r_i - r_j| <= |c_i - c_j| from already computed neighbours: the previous cell of
        # this row and the two cells of the previous row nearest in x. Intersecting the brackets keeps it thin.
        lo_r = 0.0
        hi_r = np.inf
        best = np.inf
        r_hat = 0.0
        for c in range(3):
            if c == 0:
                j = i - 1
            else:
                if row == 0:
                    break
                s0 = max(row_start[row - 1], start)
                e0 = row_start[row]
                if s0 >= e0:
                    break
                j = _lower_bound(xq, s0, e0, xc) - (c - 1)
                if j < s0 or j >= e0:
                    continue
            if j < start or out[j - start] < 0:
                continue
            delta = _radius(metric, _key(metric, xc - xq[j], yc - yq[j]))
            rj = _radius(metric, out[j - start])
            lo_r = max(lo_r, rj - delta)
            hi_r = min(hi_r, rj + delta)
            if delta < best:
                best = delta
                r_hat = rj
        D_lo = np.int64(-1)
        D_hi = np.int64(-1)
        if hi_r < np.inf:
            D_lo, D_hi = _to_D(metric, lo_r, hi_r)
        result = np.int64(-2)
        if hi_r < np.inf:
            # r varies slowly: first try a thin annulus around the nearest neighbour's radius. Its counts are
            # exact, so a miss still tightens the bracket in the right direction.
            g = guess_q + 0.25 * best
            gD_lo, gD_hi = _to_D(metric, max(lo_r, r_hat - g), min(hi_r, r_hat + g))
            if gD_lo < gD_hi:
                inner, m = _annulus(
                    metric, xq, cum, row_y, row_start, xc, yc, gD_lo, gD_hi, buf_d, buf_p, hint_a, hint_b
                )
                if m <= buf_cap:
                    if inner >= N:
                        D_hi = gD_lo
                    else:
                        res = _resolve(inner, m, buf_d, buf_p, N)
                        if res >= 0:
                            result = res
                        else:
                            D_lo = gD_hi
        attempt = 0
        while result == -2:
            if D_hi < 0 or attempt > 0:
                D_lo, D_hi = _fresh_bracket(
                    metric, xq, cum, row_y, row_start, xc, yc, N, D_start, D_max, hint_a, hint_b
                )
                if D_hi < 0:
                    result = np.int64(-1)
                    break
                if D_lo < 0 and D_hi == 0:
                    result = np.int64(0)
                    break
            attempt += 1
            # Bisection on the radius until the annulus is thin.
            while True:
                r_lo = _radius(metric, D_lo) if D_lo > 0 else 0.0
                r_hi = _radius(metric, D_hi)
                if r_hi - r_lo <= narrow_q:
                    break
                r_mid = 0.5 * (r_lo + r_hi)
                D_mid = _key_of_radius(metric, r_mid)
                if D_mid <= D_lo or D_mid >= D_hi:
                    break
                if _count(metric, xq, cum, row_y, row_start, xc, yc, D_mid, hint_a, hint_b) >= N:
                    D_hi = D_mid
                else:
                    D_lo = D_mid
            inner, m = _annulus(metric, xq, cum, row_y, row_start, xc, yc, D_lo, D_hi, buf_d, buf_p, hint_a, hint_b)
            while m > buf_cap:  # annulus too populated for the buffer: halve it and retry
                r_lo = _radius(metric, D_lo) if D_lo > 0 else 0.0
                r_hi = _radius(metric, D_hi)
                r_mid = 0.5 * (r_lo + r_hi)
                D_mid = _key_of_radius(metric, r_mid)
                if D_mid <= D_lo:
                    D_mid = D_lo + (D_hi - D_lo) // 2
                if _count(metric, xq, cum, row_y, row_start, xc, yc, D_mid, hint_a, hint_b) >= N:
                    D_hi = D_mid
                else:
                    D_lo = D_mid
                inner, m = _annulus(metric, xq, cum, row_y, row_start, xc, yc, D_lo, D_hi, buf_d, buf_p, hint_a, hint_b)
            if inner >= N:
                continue  # bracket invalid (lower bound already reaches N): fresh search
            result = _resolve(inner, m, buf_d, buf_p, N)
            if result < 0:
                result = np.int64(-2)  # upper bound invalid: fresh search
        out[i - start] = result
    return out


# --------------------------------------------------------------------------------------------- square metrics: SAT


@dataclass(frozen=True)
class SquareLattice:
    """Where the cells sit in the square metrics' frame (module docstring, "Square metrics").

    (u, v) = (x + y, x − y) for manhattan, (x, y) for chebyshev, in quanta; the distance of two cells is then
    max(|Δu|, |Δv|). Every cell lies on the lattice u = u0 + a·gu, v = v0 + b·gv (gu, gv the gcds of the
    offsets), a ∈ [0, nu), b ∈ [0, nv); distances are multiples of g = gcd(gu, gv) and at most k_max·g.
    """

    a: np.ndarray  # lattice column (along u) of every cell, index order
    b: np.ndarray  # lattice row (along v) of every cell, index order
    gu: int
    gv: int
    g: int
    nu: int
    nv: int
    k_max: int
    dtype: type  # of the SAT: int32 when the grid's total population fits, else int64

    @property
    def sat_bytes(self) -> int:
        """Bytes of the summed-area table this lattice needs ((nv + 1) × (nu + 1) entries)."""
        return (self.nu + 1) * (self.nv + 1) * np.dtype(self.dtype).itemsize


def square_lattice(index: GridIndex, metric: str) -> SquareLattice | None:
    """The lattice of the square metrics (None for euclidean, whose ball is not a square)."""
    code = _check_metric(metric)
    if code == _EUCLIDEAN or index.n == 0:
        return None
    if code == _MANHATTAN:  # |Δx| + |Δy| = max(|Δx + Δy|, |Δx − Δy|): the diamond turned into a square
        u, v = index.xq + index.yq, index.xq - index.yq
    else:
        u, v = index.xq, index.yq
    du, dv = u - u.min(), v - v.min()
    gu, gv = int(np.gcd.reduce(du)), int(np.gcd.reduce(dv))
    # An axis with one value only (a single row of the square): any spacing does; take the other one's.
    gu, gv = (gu or gv or 1), (gv or gu or 1)
    nu, nv = int(du.max()) // gu + 1, int(dv.max()) // gv + 1
    g = math.gcd(gu, gv)
    return SquareLattice(
        a=du // gu,
        b=dv // gv,
        gu=gu,
        gv=gv,
        g=g,
        nu=nu,
        nv=nv,
        k_max=max((nu - 1) * gu, (nv - 1) * gv) // g,
        dtype=np.int32 if index.total < 2**31 else np.int64,
    )


@dataclass(frozen=True)
class SquareTable:
    """A lattice with its summed-area table: sat[b, a] = population of the cells with row < b and column < a."""

    lattice: SquareLattice
    sat: np.ndarray
    cum: np.ndarray  # the index's running population sum (a cell's own population, the total)


@nb.njit(cache=True, nogil=True)
def _fill_sat(sat, a, b, cum):
    """Population at each lattice point, then the running sums in one pass, in place (no temporary):
    sat[r, c] = sat[r − 1, c] + (row r's population left of column c)."""
    for i in range(a.size):
        sat[b[i] + 1, a[i] + 1] += cum[i + 1] - cum[i]
    for r in range(1, sat.shape[0]):
        row = sat[r, 0]  # 0, in the table's dtype
        for c in range(1, sat.shape[1]):
            row += sat[r, c]
            sat[r, c] = sat[r - 1, c] + row


def build_sat(index: GridIndex, lattice: SquareLattice) -> SquareTable:
    """The summed-area table of `lattice` (``lattice.sat_bytes`` bytes)."""
    sat = np.zeros((lattice.nv + 1, lattice.nu + 1), dtype=lattice.dtype)
    _fill_sat(sat, lattice.a, lattice.b, index.cum)
    return SquareTable(lattice, sat, index.cum)


@nb.njit(cache=True, nogil=True, inline="always")
def _square_count(sat, a, b, ra, rb):
    """Population of the lattice points with |column − a| ≤ ra and |row − b| ≤ rb: four reads."""
    a0 = max(a - ra, 0)
    a1 = min(a + ra + 1, sat.shape[1] - 1)
    b0 = max(b - rb, 0)
    b1 = min(b + rb + 1, sat.shape[0] - 1)
    return np.int64(sat[b1, a1]) - np.int64(sat[b0, a1]) - np.int64(sat[b1, a0]) + np.int64(sat[b0, a0])


@nb.njit(cache=True, nogil=True, inline="always")
def _reaches(sat, a, b, k, g, gu, gv, N):
    """count(k·g) >= N: the square of half-side k·g (quanta) around (a, b) holds N inhabitants, i.e. ⌊k·g / gu⌋
    lattice steps along u and ⌊k·g / gv⌋ along v (no division where a step is g, the usual case: divisions
    would cost more than the four reads)."""
    ra = k if gu == g else (k * g) // gu
    rb = k if gv == g else (k * g) // gv
    return _square_count(sat, a, b, ra, rb) >= N


@nb.njit(cache=True, nogil=True)
def _sat_chunk(sat, a, b, cum, gu, gv, g, k_max, own_cell, start, stop, N0):
    """Exact radius key (quanta) of the cells [start, stop) in index order; -1 where unreachable.

    Per cell the smallest k with count(k·g) >= N (N0 + p_i without the own cell), searched from the previous
    cell's k: one count there and one a step further (with the own cell counted r moves by at most the
    neighbours' distance, one step between adjacent cells of a regular grid), galloping outwards while the
    answer lies further, then bisection. count is exact, so the guess only decides the cost."""
    out = np.empty(stop - start, dtype=np.int64)
    total = cum[cum.size - 1]
    k = np.int64(0)
    for i in range(start, stop):
        N = N0 if own_cell else N0 + (cum[i + 1] - cum[i])
        if total < N:
            out[i - start] = -1
            continue
        ai = a[i]
        bi = b[i]
        k0 = min(k, k_max)
        if _reaches(sat, ai, bi, k0, g, gu, gv, N):
            hi = k0  # smallest known k that reaches N
            lo = np.int64(-1)  # largest known k that does not (-1: none)
            step = np.int64(1)
            while hi > 0:
                c = max(hi - step, np.int64(0))
                if _reaches(sat, ai, bi, c, g, gu, gv, N):
                    hi = c
                    step <<= 1
                else:
                    lo = c
                    break
        else:
            lo = k0
            hi = k_max  # the whole lattice: reaches N since total >= N
            step = np.int64(1)
            while lo + step < k_max:
                c = lo + step
                if _reaches(sat, ai, bi, c, g, gu, gv, N):
                    hi = c
                    break
                lo = c
                step <<= 1
        while hi - lo > 1:
            mid = (lo + hi) >> 1
            if _reaches(sat, ai, bi, mid, g, gu, gv, N):
                hi = mid
            else:
                lo = mid
        out[i - start] = hi * g
        k = hi
    return out


#: Summed-area tables built on the workers of a dask.distributed cluster, by call (token); dropped when it ends.
_WORKER_TABLES: dict[str, SquareTable] = {}
_WORKER_TABLES_LOCK = threading.Lock()


def _worker_sat_task(
    index: GridIndex, start: int, stop: int, N: int, metric: str, token: str, own_cell: bool = True
) -> np.ndarray:
    """:func:`_sat_task` on a cluster worker, whose first task of the call builds the table from the scattered
    index (the same lattice as the client's: it depends on the index only); the worker's other tasks wait for
    it and share it. Scattering the index moves 32 bytes a cell; the table of the full 250 m grid is 7× that."""
    with _WORKER_TABLES_LOCK:
        table = _WORKER_TABLES.get(token)
        if table is None:
            table = _WORKER_TABLES[token] = build_sat(index, square_lattice(index, metric))
    return _sat_task(table, start, stop, N, own_cell)


def _drop_worker_table(token: str) -> None:
    with _WORKER_TABLES_LOCK:
        _WORKER_TABLES.pop(token, None)


def _sat_task(table: SquareTable, start: int, stop: int, N: int, own_cell: bool = True) -> np.ndarray:
    lat = table.lattice
    return _sat_chunk(
        table.sat,
        lat.a,
        lat.b,
        table.cum,
        np.int64(lat.gu),
        np.int64(lat.gv),
        np.int64(lat.g),
        np.int64(lat.k_max),
        own_cell,
        start,
        stop,
        np.int64(N),
    )


# --------------------------------------------------------------------------------------------- public API


def _check_metric(metric: str) -> int:
    """The kernel's code of a metric name; an input error naming the allowed values otherwise."""
    if metric not in METRICS:
        raise KernelInputError(f"okänt avståndsmått {metric!r}; tillåtna värden: {', '.join(METRICS)}")
    return METRICS.index(metric)


def _check_own_cell(own_cell) -> bool:
    if not isinstance(own_cell, (bool, np.bool_)):
        raise KernelInputError(
            f"own_cell (egna rutans befolkning räknas) måste vara sant eller falskt, inte {own_cell!r}"
        )
    return bool(own_cell)


_TCP_ADDRESS = re.compile(r"tcp://(?P<host>\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):(?P<port>[0-9]{1,5})")


def check_scheduler(scheduler: str | None) -> str:
    """The scheduler as :func:`radii` takes it ("threads", "sync" or "tcp://host:port", None = "threads"); an
    input error naming --scheduler for anything else (no connection is attempted here)."""
    if scheduler is None:
        return "threads"
    text = str(scheduler).strip()
    if text in ("threads", "sync"):
        return text
    m = _TCP_ADDRESS.fullmatch(text)
    if m is None or not 1 <= int(m["port"]) <= 65535:
        why = (
            "porten måste vara ett heltal 1–65535"
            if text.startswith("tcp://") and ":" in text[6:]
            else "väntade adressen till en dask.distributed-schemaläggare"
        )
        raise KernelInputError(
            f"--scheduler {text!r}: {why}; tillåtna värden: {', '.join(SCHEDULERS)} (t.ex. tcp://127.0.0.1:8786)"
        )
    return text


async def _scheduler_identity(address: str, timeout: float) -> dict:
    from distributed.core import rpc

    remote = rpc(address, timeout=timeout)
    try:
        return await asyncio.wait_for(remote.identity(), timeout)
    finally:
        await remote.close_rpc()


def _connect(address: str):
    """A dask.distributed Client for a checked tcp address; an input error naming --scheduler, within about
    SCHEDULER_CONNECT_TIMEOUT_S, when no dask scheduler answers there. A plain socket connection first (a
    refused port or an unknown host fails at once), then the address is asked for its identity in a private
    event loop, so that a silent host or a server speaking another protocol fails cleanly, not in the Client."""
    import socket
    from concurrent.futures import ThreadPoolExecutor

    from distributed import Client

    m = _TCP_ADDRESS.fullmatch(address)
    try:
        with socket.create_connection((m["host"].strip("[]"), int(m["port"])), SCHEDULER_CONNECT_TIMEOUT_S):
            pass  # a refused port or an unknown host fails here at once
        with ThreadPoolExecutor(1) as pool:  # its own thread: the caller may be running an event loop
            who = pool.submit(asyncio.run, _scheduler_identity(address, SCHEDULER_CONNECT_TIMEOUT_S)).result()
        if not isinstance(who, dict) or who.get("type") != "Scheduler":
            raise ValueError(f"svaret är inte en schemaläggares ({who!r:.80})")
    except Exception as exc:  # noqa: BLE001 - whatever answers (or not) there, it is not a usable scheduler
        raise KernelInputError(
            f"--scheduler {address!r}: ingen dask.distributed-schemaläggare svarar där inom "
            f"{SCHEDULER_CONNECT_TIMEOUT_S:g} s ({type(exc).__name__}: {exc}); starta en "
            f"(dask scheduler) eller använd --scheduler threads"
        ) from None
    return Client(address, timeout=SCHEDULER_CONNECT_TIMEOUT_S, set_as_default=False)


def _check_chunk_size(chunk_size) -> int | None:
    """A positive int, or None (the method's own default: DEFAULT_CHUNK_SIZE, SAT_CHUNK_SIZE)."""
    if chunk_size is None:
        return None
    if isinstance(chunk_size, (bool, np.bool_)) or not isinstance(chunk_size, (int, np.integer)) or chunk_size <= 0:
        raise KernelInputError(
            f"--chunk-size (rutor per dask-uppgift) måste vara ett positivt heltal, inte {chunk_size!r}"
        )
    return int(chunk_size)


def _chunk_task(
    index: GridIndex,
    start: int,
    stop: int,
    N: int,
    narrow_q: float,
    guess_q: float,
    metric: int = _EUCLIDEAN,
    own_cell: bool = True,
) -> np.ndarray:
    ext = max(int(np.ptp(index.xq)), int(np.ptp(index.yq)), 1)
    D_max = _key(metric, np.int64(ext), np.int64(ext)) + 4
    D_start = _key_of_radius(metric, 1000.0 * index.quanta_per_m)
    return _radii_chunk(
        metric,
        own_cell,
        index.xq,
        index.yq,
        index.cum,
        index.row_y,
        index.row_start,
        start,
        stop,
        np.int64(N),
        float(narrow_q),
        float(guess_q),
        D_start,
        D_max,
        1 << 16,
    )


def _check_method(method) -> str:
    if method not in METHODS:
        raise KernelInputError(f"okänd metod {method!r} för radierna; tillåtna värden: {', '.join(METHODS)}")
    return method


def sat_budget_bytes() -> int:
    """The summed-area table's memory budget in bytes (:data:`SAT_BUDGET_PARAMETER`)."""
    from geo.parametrar import parameter

    return int(parameter(SAT_BUDGET_PARAMETER)) * 2**20


def choose_method(index: GridIndex, metric: str, method: str = "auto") -> tuple[str, SquareLattice | None]:
    """The path that will run ("rad" or "sat") and, for "sat", its lattice.

    "auto" takes the summed-area table when the metric is square (manhattan, chebyshev) and the table of the
    cells' lattice fits :func:`sat_budget_bytes` (coordinates off a coarse lattice give a huge table), the row
    scan otherwise; "sat" where the table does not apply is an input error naming the reason."""
    _check_method(method)
    code = _check_metric(metric)
    if method == "rad" or (method == "auto" and code == _EUCLIDEAN):
        return "rad", None
    if code == _EUCLIDEAN:
        raise KernelInputError(
            "metoden 'sat' (summerad areatabell) gäller bara kvadratiska avståndsmått (manhattan, chebyshev), "
            "inte euclidean; använd metoden 'auto' eller 'rad'"
        )
    lattice = square_lattice(index, metric)
    if lattice is None:  # no cells: nothing to compute either way
        return "rad", None
    budget = sat_budget_bytes()
    if lattice.sat_bytes <= budget:
        return "sat", lattice
    if method == "sat":
        raise KernelInputError(
            f"metoden 'sat': rutornas mittpunkter ligger på ett gitter med {lattice.nu} × {lattice.nv} punkter, "
            f"vars summerade areatabell skulle ta {lattice.sat_bytes / 2**20:.0f} MiB, mer än gränsen "
            f"{budget / 2**20:.0f} MiB ({SAT_BUDGET_PARAMETER} i data/gleshet/parametrar.yaml); "
            f"använd metoden 'auto' eller 'rad'"
        )
    return "rad", None


def _chunks(n: int, chunk_size: int) -> list[tuple[int, int]]:
    return [(s, min(s + chunk_size, n)) for s in range(0, n, chunk_size)]


def radii_sorted(
    index: GridIndex,
    thresholds: Sequence[int],
    *,
    metric: str = "euclidean",
    own_cell: bool = True,
    chunk_size: int | None = None,
    scheduler: str | None = "threads",
    narrow_width_m: float = NARROW_WIDTH_M,
    guess_width_m: float = GUESS_WIDTH_M,
    progress: bool = False,
    method: str = "auto",
) -> np.ndarray:
    """Radius keys (int64, quantised units, -1 = unreachable) in the index's sorted order, shape (n, T): the
    squared radius for euclidean, the radius itself for manhattan and chebyshev (see :func:`key_to_metres`).

    `metric` ∈ :data:`METRICS` and `own_cell` as in the module docstring. `scheduler` ∈ :data:`SCHEDULERS`:
    "threads" (dask local threads), "sync" (no parallelism), or a dask.distributed address ("tcp://host:port")
    to run the same tasks on an existing cluster; `chunk_size` cells per task (> 0; None: the method's default,
    :data:`DEFAULT_CHUNK_SIZE` for the row scan, :data:`SAT_CHUNK_SIZE` for the table). `method` ∈ :data:`METHODS`
    (:func:`choose_method`). The result does not depend on the method, the scheduler or the chunking.
    """
    import dask

    code = _check_metric(metric)
    own = _check_own_cell(own_cell)
    scheduler = check_scheduler(scheduler)
    chunk_size = _check_chunk_size(chunk_size)
    path, lattice = choose_method(index, metric, method)
    thresholds = [int(t) for t in thresholds]
    if any(t <= 0 for t in thresholds):
        raise ValueError("thresholds must be positive integers")
    n = index.n
    out = np.empty((n, len(thresholds)), dtype=np.int64)
    if n == 0:
        return out
    token = uuid.uuid4().hex  # names this call's table on the workers of a cluster
    if path == "sat" and scheduler in ("threads", "sync"):  # one table for every threshold and task
        data, task, extra = build_sat(index, lattice), _sat_task, (own,)
    elif path == "sat":  # each worker builds it from the index (module docstring, "Parallelism")
        data, task, extra = index, _worker_sat_task, (metric, token, own)
    else:
        narrow_q = narrow_width_m * index.quanta_per_m
        guess_q = guess_width_m * index.quanta_per_m
        data, task, extra = index, _chunk_task, (narrow_q, guess_q, code, own)
    spans = _chunks(n, chunk_size or (SAT_CHUNK_SIZE if path == "sat" else DEFAULT_CHUNK_SIZE))
    jobs = [(t, s, e) for t in range(len(thresholds)) for (s, e) in spans]

    if scheduler in ("threads", "sync"):
        shared = dask.delayed(data, pure=False)  # not hashed: the table can be hundreds of MB
        tasks = [dask.delayed(task, pure=True)(shared, s, e, thresholds[t], *extra) for t, s, e in jobs]
        if progress:
            from dask.diagnostics import ProgressBar

            with ProgressBar(dt=1.0):
                results = dask.compute(*tasks, scheduler=scheduler)
        else:
            results = dask.compute(*tasks, scheduler=scheduler)
    else:
        with _connect(scheduler) as client:
            fut_data = client.scatter(data, broadcast=True)
            futures = [client.submit(task, fut_data, s, e, thresholds[t], *extra, pure=False) for t, s, e in jobs]
            try:
                if progress:
                    from distributed import progress as dprogress

                    dprogress(futures)
                results = client.gather(futures)
            except BaseException:
                if path == "sat":  # best effort: the call's own error is the one to report
                    with contextlib.suppress(Exception):
                        client.run(_drop_worker_table, token)
                raise
            if path == "sat":
                client.run(_drop_worker_table, token)
    for (t, s, e), res in zip(jobs, results):
        out[s:e, t] = res
    return out


def key_to_metres(keys: np.ndarray, metric: str, quanta_per_m: int = QUANTA_PER_M) -> np.ndarray:
    """Radius keys of :func:`radii_sorted` as distances in metres (float64; NaN where the key is -1)."""
    _check_metric(metric)
    keys = np.asarray(keys)
    r = np.full(keys.shape, np.nan)
    ok = keys >= 0
    if metric == "euclidean":
        # D / Q² is exact whenever the coordinates are whole metres (SCB grids), so r equals sqrt(dx² + dy²) in
        # metres bit for bit; sqrt(D) / Q would differ in the last bit.
        r[ok] = np.sqrt(keys[ok].astype(np.float64) / float(quanta_per_m * quanta_per_m))
    else:
        r[ok] = keys[ok].astype(np.float64) / float(quanta_per_m)
    return r


def radii(
    x: np.ndarray,
    y: np.ndarray,
    pop: np.ndarray,
    thresholds: Sequence[int] | None = None,
    *,
    metric: str = "euclidean",
    own_cell: bool = True,
    chunk_size: int | None = None,
    scheduler: str | None = "threads",
    quanta_per_m: int = QUANTA_PER_M,
    narrow_width_m: float = NARROW_WIDTH_M,
    guess_width_m: float = GUESS_WIDTH_M,
    progress: bool = False,
    method: str = "auto",
) -> np.ndarray:
    """r_i(N) in metres for every cell (input order) and threshold: float64 array of shape (n, len(thresholds)).

    `metric` ∈ :data:`METRICS` (default "euclidean") and `own_cell` (default True: the cell's own population
    counts at distance 0) as defined in the module docstring. NaN, with a warning, where a cell cannot gather
    N inhabitants in the whole grid. `thresholds` defaults to the law's 3 000 and 15 000 inhabitants
    (``matt.medeldistans_invanare`` in data/gleshet/parametrar.yaml). `method` ∈ :data:`METHODS` picks the
    algorithm (:func:`choose_method`; "auto" by default); every method gives the same radii.
    """
    if thresholds is None:
        from geo.parametrar import parameter

        thresholds = tuple(parameter("matt.medeldistans_invanare"))
    _check_metric(metric)
    _check_own_cell(own_cell)
    check_scheduler(scheduler)
    _check_chunk_size(chunk_size)
    _check_method(method)
    index = build_index(x, y, pop, quanta_per_m)
    for t in thresholds:
        if int(t) > index.total:
            warnings.warn(
                f"tröskeln {t} överstiger rutnätets totala befolkning {index.total}: avståndet blir NaN",
                RuntimeWarning,
                stacklevel=2,
            )
    keys = radii_sorted(
        index,
        thresholds,
        metric=metric,
        own_cell=own_cell,
        chunk_size=chunk_size,
        scheduler=scheduler,
        narrow_width_m=narrow_width_m,
        guess_width_m=guess_width_m,
        progress=progress,
        method=method,
    )
    r = key_to_metres(keys, metric, quanta_per_m)
    if not own_cell:
        for j, t in enumerate(thresholds):
            k = int((keys[:, j] < 0).sum())
            if k and int(t) <= index.total:
                warnings.warn(
                    f"tröskeln {t}: {k} rutor når inte {t} invånare utanför den egna rutan i hela "
                    f"rutnätet: avståndet blir NaN",
                    RuntimeWarning,
                    stacklevel=2,
                )
    out = np.empty_like(r)
    out[index.order] = r
    return out


def weighted_mean(values: np.ndarray, weights: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Population-weighted mean of `values` per group label: (unique_groups, means); NaN where Σw = 0."""
    uniq, inv = np.unique(groups, return_inverse=True)
    w = np.asarray(weights, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    if v.ndim == 1:
        v = v[:, None]
    sw = np.bincount(inv, weights=w, minlength=uniq.size)
    means = np.empty((uniq.size, v.shape[1]))
    for j in range(v.shape[1]):
        swv = np.bincount(inv, weights=w * v[:, j], minlength=uniq.size)
        with np.errstate(invalid="ignore", divide="ignore"):
            means[:, j] = np.where(sw > 0, swv / np.where(sw > 0, sw, 1.0), np.nan)
    return uniq, means
