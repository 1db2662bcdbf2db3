"""The radius kernel against an O(n²) brute-force oracle, its properties, and the real national grid."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.gleshet import QUANTA_PER_M, build_index, radii, weighted_mean


def oracle(x, y, pop, thresholds):
    """Brute force: sort every cell's squared distances to all cells, accumulate population."""
    xq = np.rint(np.asarray(x) * QUANTA_PER_M).astype(np.int64)
    yq = np.rint(np.asarray(y) * QUANTA_PER_M).astype(np.int64)
    pop = np.asarray(pop, dtype=np.int64)
    out = np.full((xq.size, len(thresholds)), np.nan)
    for i in range(xq.size):
        d2 = (xq - xq[i]) ** 2 + (yq - yq[i]) ** 2
        o = np.argsort(d2, kind="stable")
        c = np.cumsum(pop[o])
        for t, n in enumerate(thresholds):
            k = np.searchsorted(c, n)  # first position whose running sum reaches n
            if k < c.size:
                out[i, t] = np.sqrt(d2[o][k] / float(QUANTA_PER_M**2))
    return out


@st.composite
def grids(draw):
    """Small grids with the awkward cases: lattice ties, duplicate distances, clusters, empty areas,
    zero-population cells, cells holding more than N on their own, sub-metre coordinates."""
    n = draw(st.integers(1, 120))
    spacing = draw(st.sampled_from([1.0, 250.0, 1000.0, 0.37]))
    extent = draw(st.integers(1, 40))
    clustered = draw(st.booleans())
    ix = draw(st.lists(st.integers(0, extent), min_size=n, max_size=n))
    iy = draw(st.lists(st.integers(0, extent), min_size=n, max_size=n))
    if clustered:  # two far-apart clusters with an empty gap between them
        ix = [v if k % 2 else v + 50 * extent for k, v in enumerate(ix)]
    pop = draw(st.lists(st.integers(0, 400), min_size=n, max_size=n))
    if draw(st.booleans()):
        pop[0] = draw(st.integers(500, 5000))  # a cell that can hold N on its own
    x = np.round(np.array(ix, dtype=float) * spacing, 2)
    y = np.round(np.array(iy, dtype=float) * spacing, 2)
    return x, y, np.array(pop, dtype=np.int64)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=grids(), thresholds=st.lists(st.integers(1, 3000), min_size=1, max_size=3),
       chunk=st.integers(1, 50))
def test_kernel_equals_brute_force(grid, thresholds, chunk):
    x, y, pop = grid
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        got = radii(x, y, pop, thresholds, chunk_size=chunk, scheduler="sync", narrow_width_m=0.5 + chunk)
    np.testing.assert_array_equal(got, oracle(x, y, pop, thresholds))


def test_hand_computed_line():
    # Cells on a line at 0, 1, 2, 4 km with 10, 20, 30, 40 inhabitants.
    x = np.array([0.0, 1000.0, 2000.0, 4000.0])
    y = np.zeros(4)
    pop = np.array([10, 20, 30, 40])
    r = radii(x, y, pop, [10, 30, 60, 100], scheduler="sync")
    # cell 0: own 10 → r(10)=0; +20 at 1 km → 30; +30 at 2 km → 60; +40 at 4 km → 100
    np.testing.assert_array_equal(r[0], [0.0, 1000.0, 2000.0, 4000.0])
    # cell 3 (40 at 4 km): own 40 ≥ 30 → 0; 40+30 at 2 km = 70 ≥ 60; 100 only at 4 km
    np.testing.assert_array_equal(r[3], [0.0, 0.0, 2000.0, 4000.0])
    # cell 1 (20): 10 and 30 both at 1 km (a tie enters together): 60 at 1 km; 100 at 3 km
    np.testing.assert_array_equal(r[1], [0.0, 1000.0, 1000.0, 3000.0])


def test_threshold_above_total_is_nan_with_warning():
    with pytest.warns(RuntimeWarning, match="exceeds the grid's total population 30"):
        r = radii(np.array([0.0, 1.0]), np.array([0.0, 0.0]), np.array([10, 20]), [25, 31], scheduler="sync")
    assert np.array_equal(r[:, 0], [1.0, 1.0]) and np.isnan(r[:, 1]).all()


@settings(max_examples=40, deadline=None)
@given(grid=grids(), seed=st.integers(0, 2**32 - 1), shift=st.tuples(st.integers(-10**5, 10**5),
                                                                          st.integers(-10**5, 10**5)))
def test_properties_monotone_permutation_translation(grid, seed, shift):
    x, y, pop = grid
    if pop.sum() == 0:
        return
    ns = sorted({1, max(1, int(pop.sum()) // 3), int(pop.sum())})
    r = radii(x, y, pop, ns, scheduler="sync")
    assert (np.diff(r, axis=1) >= 0).all()  # r non-decreasing in N
    perm = np.random.default_rng(seed).permutation(x.size)
    np.testing.assert_array_equal(radii(x[perm], y[perm], pop[perm], ns, scheduler="sync"), r[perm])
    np.testing.assert_array_equal(radii(x + shift[0], y + shift[1], pop, ns, scheduler="sync"), r)


def test_threads_equal_sync_and_chunking():
    rng = np.random.default_rng(7)
    x = rng.integers(0, 300, 5000) * 250.0
    y = rng.integers(0, 300, 5000) * 250.0
    pop = rng.poisson(3, 5000)
    a = radii(x, y, pop, [300, 3000], scheduler="sync", chunk_size=5000)
    b = radii(x, y, pop, [300, 3000], scheduler="threads", chunk_size=333)
    np.testing.assert_array_equal(a, b)


def test_distributed_scheduler_identical():
    distributed = pytest.importorskip("distributed")
    rng = np.random.default_rng(3)
    x = rng.integers(0, 200, 3000) * 1000.0
    y = rng.integers(0, 200, 3000) * 1000.0
    pop = rng.poisson(5, 3000)
    local = radii(x, y, pop, [3000, 15000], scheduler="threads", chunk_size=500)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cl:
        remote = radii(x, y, pop, [3000, 15000], scheduler=cl.scheduler_address, chunk_size=500)
    np.testing.assert_array_equal(local, remote)


def test_weighted_mean_by_group():
    groups, means = weighted_mean(np.array([1.0, 3.0, 10.0, 5.0]), np.array([1, 3, 2, 0]),
                                  np.array(["a", "a", "b", "c"]))
    assert list(groups) == ["a", "b", "c"]
    assert means[0, 0] == pytest.approx((1 * 1 + 3 * 3) / 4) and means[1, 0] == 10.0 and np.isnan(means[2, 0])


def test_index_rejects_bad_population():
    with pytest.raises(ValueError, match="non-negative integers"):
        build_index(np.zeros(2), np.zeros(2), np.array([1.5, 2]))
    with pytest.raises(ValueError, match="non-negative integers"):
        build_index(np.zeros(2), np.zeros(2), np.array([-1, 2]))


@pytest.mark.shared
def test_national_grid_sample_against_brute_force(shared_data):
    """400 random cells of SCB's national 1 km grid 2024, brute force over all 103 464 cells."""
    import pandas as pd

    df = pd.read_csv(shared_data / "scb_grid_1km_2024" / "befolkning_1km_2024.csv.gz", dtype={"rutid_scb": str})
    x = df.rutid_scb.str[:6].astype(np.int64).to_numpy() + 500.0
    y = df.rutid_scb.str[6:].astype(np.int64).to_numpy() + 500.0
    pop = df.beftotalt.to_numpy()
    r = radii(x, y, pop, [3000, 15000])
    sample = np.random.default_rng(2024).choice(x.size, 400, replace=False)
    for i in sample:
        d2 = (x - x[i]) ** 2 + (y - y[i]) ** 2
        o = np.argsort(d2, kind="stable")
        c = np.cumsum(pop[o])
        for t, n in enumerate([3000, 15000]):
            assert r[i, t] == np.sqrt(d2[o][np.searchsorted(c, n)]), (i, n)
    # plausibility of the national distribution: dense cities ~0, Norrland inland > 100 km for 15 000
    assert r[:, 0].min() == 0.0 and 100_000 < r[:, 1].max() < 250_000
