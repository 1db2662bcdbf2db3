"""The radius kernel against an O(n²) brute-force oracle, its properties, and the real national grid."""

from __future__ import annotations

import socket
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import gleshet
from geo.gleshet import METRICS, QUANTA_PER_M, KernelInputError, build_index, radii, weighted_mean

OPTIONS = [(m, own) for m in METRICS for own in (True, False)]


def oracle(x, y, pop, thresholds, metric="euclidean", own_cell=True):
    """Brute force: every cell's distances to all cells (the own cell left out when own_cell is False),
    sorted, population accumulated; the first distance at which the running sum reaches N."""
    xq = np.rint(np.asarray(x) * QUANTA_PER_M).astype(np.int64)
    yq = np.rint(np.asarray(y) * QUANTA_PER_M).astype(np.int64)
    pop = np.asarray(pop, dtype=np.int64)
    out = np.full((xq.size, len(thresholds)), np.nan)
    for i in range(xq.size):
        dx, dy = np.abs(xq - xq[i]), np.abs(yq - yq[i])
        if metric == "euclidean":  # exact integer squared distance, one rounding at the end
            d = np.sqrt((dx**2 + dy**2) / float(QUANTA_PER_M**2))
        elif metric == "manhattan":
            d = (dx + dy) / float(QUANTA_PER_M)
        else:
            d = np.maximum(dx, dy) / float(QUANTA_PER_M)
        others = np.arange(xq.size) != i if not own_cell else np.ones(xq.size, dtype=bool)
        d, p = d[others], pop[others]
        o = np.argsort(d, kind="stable")
        c = np.cumsum(p[o])
        for t, n in enumerate(thresholds):
            k = np.searchsorted(c, n)  # first position whose running sum reaches n
            if k < c.size:
                out[i, t] = d[o][k]
    return out


@st.composite
def grids(draw):
    """Small grids with the awkward cases: lattice ties, duplicate distances, clusters, empty areas,
    zero-population cells, cells holding more than N on their own, sub-metre coordinates."""
    n = draw(st.integers(1, 120))
    spacing = draw(st.sampled_from([1.0, 250.0, 1000.0, 0.37, 0.01]))  # 0.01: one quantum
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


@pytest.mark.parametrize("metric,own_cell", OPTIONS)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=grids(), thresholds=st.lists(st.integers(1, 3000), min_size=1, max_size=3), chunk=st.integers(1, 50))
def test_kernel_equals_brute_force(metric, own_cell, grid, thresholds, chunk):
    x, y, pop = grid
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        got = radii(
            x,
            y,
            pop,
            thresholds,
            metric=metric,
            own_cell=own_cell,
            chunk_size=chunk,
            scheduler="sync",
            narrow_width_m=0.5 + chunk,
        )
    np.testing.assert_array_equal(got, oracle(x, y, pop, thresholds, metric, own_cell))


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


# Four cells around A = (0, 0): B at (300, 400), C at (600, 0), D at (0, -550). Seen from A they come in a
# different order in each metric: euclidean B 500, D 550, C 600; manhattan D 550, C 600, B 700; chebyshev
# B 400, D 550, C 600.
TOY_X = np.array([0.0, 300.0, 600.0, 0.0])
TOY_Y = np.array([0.0, 400.0, 0.0, -550.0])
TOY_POP = np.array([5, 7, 11, 13])


@pytest.mark.parametrize(
    "metric,with_own,without_own",
    [
        # own cell counted, N = 12, 20, 36 (the total):  A's 5 + B's 7 = 12; + D's 13 = 25; all 36
        # own cell not counted, N = 7, 20, 31, 32:       B's 7; B + D = 20; all others = 31; 32 unreachable
        ("euclidean", [500.0, 550.0, 600.0], [500.0, 550.0, 600.0, np.nan]),
        # manhattan: 5 + D's 13 = 18 ≥ 12 at 550; + C's 11 = 29 ≥ 20 at 600; B last at 700.
        # without own cell: D's 13 ≥ 7 at 550; D + C = 24 ≥ 20 at 600
        ("manhattan", [550.0, 600.0, 700.0], [550.0, 600.0, 700.0, np.nan]),
        ("chebyshev", [400.0, 550.0, 600.0], [400.0, 550.0, 600.0, np.nan]),
    ],
)
def test_hand_computed_metrics(metric, with_own, without_own):
    r = radii(TOY_X, TOY_Y, TOY_POP, [12, 20, 36], metric=metric, scheduler="sync")
    np.testing.assert_array_equal(r[0], with_own)
    # 36 − 5 = 31 others reach only A's 31 (B, C, D lack it), and no cell reaches 32
    with (
        pytest.warns(RuntimeWarning, match="tröskeln 31: 3 rutor når inte 31 invånare utanför den egna rutan"),
        pytest.warns(RuntimeWarning, match="tröskeln 32: 4 rutor"),
    ):
        r = radii(TOY_X, TOY_Y, TOY_POP, [7, 20, 31, 32], metric=metric, own_cell=False, scheduler="sync")
    np.testing.assert_array_equal(r[0], without_own)


@pytest.mark.parametrize("metric,diagonal", [("euclidean", np.sqrt(2e6)), ("manhattan", 2000.0), ("chebyshev", 1000.0)])
@pytest.mark.parametrize("own_cell", [True, False])
def test_hand_computed_square(metric, diagonal, own_cell):
    """A 2×2 square of 1 km cells with 1, 2, 3, 4 inhabitants (SW, SE, NW, NE)."""
    x = np.array([0.0, 1000.0, 0.0, 1000.0])
    y = np.array([0.0, 0.0, 1000.0, 1000.0])
    pop = np.array([1, 2, 3, 4])
    own = 1 if own_cell else 0
    # SW: its own 1 (if counted), then SE 2 and NW 3 at 1 km, NE 4 across the diagonal.
    with warnings.catch_warnings():  # without the own cell only SW gathers the 9 others
        warnings.simplefilter("ignore", RuntimeWarning)
        r = radii(x, y, pop, [own + 5, own + 9], metric=metric, own_cell=own_cell, scheduler="sync")
    np.testing.assert_array_equal(r[0], [1000.0, diagonal])
    # NE (4): with its own cell 4 ≥ 4 at 0; without it SE's 2 + NW's 3 = 5 ≥ 4 at 1 km
    r = radii(x, y, pop, [4], metric=metric, own_cell=own_cell, scheduler="sync")
    assert r[3, 0] == (0.0 if own_cell else 1000.0)


@pytest.mark.parametrize("metric", METRICS)
@settings(max_examples=60, deadline=None)
@given(grid=grids(), data=st.data())
def test_count_at_exact_cell_distances(metric, grid, data):
    """The row primitive (``_count``: population within key D) against brute force, with D equal to a cell's
    exact key and one quantum either side, where a boundary error in a half-width would show."""
    from geo.gleshet import _count, _key

    x, y, pop = grid
    index = build_index(x, y, pop)
    code = METRICS.index(metric)
    i = data.draw(st.integers(0, index.n - 1))
    j = data.draw(st.integers(0, index.n - 1))
    xc, yc = index.xq[i], index.yq[i]
    keys = np.array([_key(code, index.xq[k] - xc, index.yq[k] - yc) for k in range(index.n)])
    pops = np.diff(index.cum)
    for D in (keys[j] - 1, keys[j], keys[j] + 1):
        hints = index.row_start[:-1].copy(), index.row_start[:-1].copy()
        got = _count(code, index.xq, index.cum, index.row_y, index.row_start, xc, yc, np.int64(D), *hints)
        assert got == pops[keys <= D].sum(), (D, keys[j])


def test_manhattan_is_chebyshev_rotated():
    """|dx| + |dy| = max(|dx + dy|, |dx − dy|): L1 radii on a grid equal L∞ radii on the grid turned by 45°
    (and scaled by √2), a cross-metric identity independent of the oracle."""
    rng = np.random.default_rng(11)
    x = rng.integers(0, 60, 2000) * 250.0
    y = rng.integers(0, 60, 2000) * 250.0
    pop = rng.poisson(4, 2000)
    for own_cell in (True, False):
        l1 = radii(x, y, pop, [50, 3000], metric="manhattan", own_cell=own_cell, scheduler="sync")
        linf = radii(x + y, x - y, pop, [50, 3000], metric="chebyshev", own_cell=own_cell, scheduler="sync")
        np.testing.assert_array_equal(l1, linf)


def test_options_are_checked():
    with pytest.raises(
        KernelInputError, match="okänt avståndsmått 'octagonal'; tillåtna värden: euclidean, manhattan, chebyshev"
    ) as exc:
        radii(np.zeros(1), np.zeros(1), np.ones(1, dtype=int), [1], metric="octagonal")
    assert exc.value.is_input_error
    with pytest.raises(KernelInputError, match=r"own_cell .* sant eller falskt"):
        radii(np.zeros(1), np.zeros(1), np.ones(1, dtype=int), [1], own_cell="nej")


def test_threshold_above_total_is_nan_with_warning():
    with pytest.warns(RuntimeWarning, match="tröskeln 31 överstiger rutnätets totala befolkning 30"):
        r = radii(np.array([0.0, 1.0]), np.array([0.0, 0.0]), np.array([10, 20]), [25, 31], scheduler="sync")
    assert np.array_equal(r[:, 0], [1.0, 1.0]) and np.isnan(r[:, 1]).all()


@settings(max_examples=60, deadline=None)
@given(
    grid=grids(),
    seed=st.integers(0, 2**32 - 1),
    shift=st.tuples(st.integers(-(10**5), 10**5), st.integers(-(10**5), 10**5)),
    option=st.sampled_from(OPTIONS),
)
def test_properties_monotone_permutation_translation(grid, seed, shift, option):
    x, y, pop = grid
    metric, own_cell = option
    if pop.sum() == 0:
        return
    ns = sorted({1, max(1, int(pop.sum()) // 3), int(pop.sum())})
    kw = dict(metric=metric, own_cell=own_cell, scheduler="sync")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        r = radii(x, y, pop, ns, **kw)
        assert (np.diff(r, axis=1)[~np.isnan(r[:, 1:])] >= 0).all()  # r non-decreasing in N
        if own_cell:
            assert not np.isnan(r).any()
        else:  # not counting the own cell never shrinks the radius
            r_own = radii(x, y, pop, ns, metric=metric, scheduler="sync")
            assert (np.isnan(r) | (r >= r_own)).all()
        perm = np.random.default_rng(seed).permutation(x.size)
        np.testing.assert_array_equal(radii(x[perm], y[perm], pop[perm], ns, **kw), r[perm])
        np.testing.assert_array_equal(radii(x + shift[0], y + shift[1], pop, ns, **kw), r)


def test_threads_equal_sync_and_chunking():
    rng = np.random.default_rng(7)
    x = rng.integers(0, 300, 5000) * 250.0
    y = rng.integers(0, 300, 5000) * 250.0
    pop = rng.poisson(3, 5000)
    a = radii(x, y, pop, [300, 3000], scheduler="sync", chunk_size=5000)
    b = radii(x, y, pop, [300, 3000], scheduler="threads", chunk_size=333)
    np.testing.assert_array_equal(a, b)


def test_distributed_scheduler_identical():
    """The same tasks on a real dask.distributed LocalCluster (2 workers, loopback TCP) give the threaded radii,
    for the row scan (scattered index) and the summed-area table (scattered table)."""
    distributed = pytest.importorskip("distributed")
    rng = np.random.default_rng(3)
    x = rng.integers(0, 200, 3000) * 1000.0
    y = rng.integers(0, 200, 3000) * 1000.0
    pop = rng.poisson(5, 3000)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1", dashboard_address=None
    ) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        for metric, own_cell, method in (("euclidean", True, "rad"), ("manhattan", False, "sat")):
            local = radii(  # the row scan on local threads against either method on the cluster
                x,
                y,
                pop,
                [3000, 15000],
                metric=metric,
                own_cell=own_cell,
                scheduler="threads",
                chunk_size=500,
                method="rad",
            )
            remote = radii(
                x,
                y,
                pop,
                [3000, 15000],
                metric=metric,
                own_cell=own_cell,
                scheduler=cluster.scheduler_address,
                chunk_size=333,
                method=method,
            )
            np.testing.assert_array_equal(local, remote)
        assert gleshet._WORKER_TABLES == {}  # the workers (threads of this process) dropped the call's table


def _closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{s.getsockname()[1]}"


@pytest.mark.parametrize(
    "address",
    [
        "bogus",
        "tcp://",
        "tcp://host:notaport",
        "tcp://127.0.0.1:0",
        "tcp://127.0.0.1:70000",
        "thread",
        "inproc://x",
        "closed",
    ],
)
def test_bad_scheduler_is_an_input_error(address):
    """A malformed address, or one where nothing listens (a closed loopback port), is an input error naming
    --scheduler with the allowed values, raised before any work (the CLI exits 2)."""
    address = _closed_port() if address == "closed" else address
    with pytest.raises(KernelInputError, match=r"^--scheduler ") as exc:
        radii(np.zeros(3), np.zeros(3), np.ones(3, dtype=int), [2], scheduler=address)
    assert exc.value.is_input_error
    if address.startswith("tcp://127.0.0.1:") and address != "tcp://127.0.0.1:0" and "70000" not in address:
        assert "ingen dask.distributed-schemaläggare svarar" in str(exc.value)
    else:
        assert "tillåtna värden: threads, sync, tcp://host:port" in str(exc.value)


def test_scheduler_values():
    assert gleshet.SCHEDULERS == ("threads", "sync", "tcp://host:port")
    assert [
        gleshet.check_scheduler(v) for v in (None, "threads", "sync", "tcp://10.0.0.7:8786", "tcp://[::1]:8786")
    ] == ["threads", "threads", "sync", "tcp://10.0.0.7:8786", "tcp://[::1]:8786"]


@pytest.mark.parametrize("chunk_size", [0, -4096, 2.5, True, "100"])
def test_chunk_size_must_be_a_positive_integer(chunk_size):
    """A chunk size <= 0 once left the radii uninitialised (no tasks); now it is an input error."""
    with pytest.raises(KernelInputError, match=r"--chunk-size .* positivt heltal"):
        radii(np.zeros(3), np.zeros(3), np.ones(3, dtype=int), [2], chunk_size=chunk_size)
    index = build_index(np.zeros(3), np.zeros(3), np.ones(3, dtype=int))
    with pytest.raises(KernelInputError, match="--chunk-size"):
        gleshet.radii_sorted(index, [2], chunk_size=chunk_size)


def test_cli_bad_scheduler_exits_2_and_writes_nothing(tmp_path, capsys):
    from pipelines.cli import main

    grid = tmp_path / "rutor.csv"
    grid.write_text("rutid_scb,beftotalt\n6740006580000,120\n6750006580000,80\n", encoding="utf-8")
    out = tmp_path / "ut"
    assert (
        main(
            [
                "gleshet",
                "--grid",
                str(grid),
                "--out",
                str(out),
                "--scheduler",
                "tcp://host:notaport",
                "--no-karta",
                "-q",
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "--scheduler 'tcp://host:notaport'" in err and "Traceback" not in err
    assert not out.exists()
    # checked before the grid is read: an unreadable grid is not reached (a large grid would take minutes)
    grid.write_text("inte ett rutnät\n", encoding="utf-8")
    assert main(["gleshet", "--grid", str(grid), "--ut", str(out), "--scheduler", "bogus", "--no-karta", "-q"]) == 2
    err = capsys.readouterr().err
    assert "--scheduler 'bogus'" in err and "rutnät" not in err.split("--scheduler")[0] and not out.exists()


def _benchmark_baseline():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "gleshet_kernel.py"
    spec = importlib.util.spec_from_file_location("gleshet_kernel_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.baseline_radii


@pytest.mark.parametrize("metric,own_cell", OPTIONS)
def test_kernel_equals_the_benchmark_baseline(metric, own_cell):
    """The benchmark's cKDTree k-NN baseline (Minkowski p = 2, 1, ∞) and the kernel agree exactly on a
    4 000-cell grid of 250 m and 1 km cells with empty areas, for every metric and own-cell reading."""
    rng = np.random.default_rng(15)
    x = np.concatenate([rng.integers(0, 120, 3000) * 250.0 + 125, rng.integers(40, 120, 1000) * 1000.0 + 500])
    y = np.concatenate([rng.integers(0, 120, 3000) * 250.0 + 125, rng.integers(0, 60, 1000) * 1000.0 + 500])
    keep = np.unique(np.column_stack([x, y]), axis=0, return_index=True)[1]
    x, y = x[keep], y[keep]
    pop = rng.poisson(6, x.size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        got = radii(x, y, pop, [60, 3000, 15000], metric=metric, own_cell=own_cell, chunk_size=777)
        want = _benchmark_baseline()(x, y, pop, [60, 3000, 15000], metric, own_cell)
    np.testing.assert_array_equal(got, want)


def test_weighted_mean_by_group():
    groups, means = weighted_mean(
        np.array([1.0, 3.0, 10.0, 5.0]), np.array([1, 3, 2, 0]), np.array(["a", "a", "b", "c"])
    )
    assert list(groups) == ["a", "b", "c"]
    assert means[0, 0] == pytest.approx((1 * 1 + 3 * 3) / 4) and means[1, 0] == 10.0 and np.isnan(means[2, 0])


def test_index_rejects_bad_population():
    with pytest.raises(ValueError, match="non-negative integers"):
        build_index(np.zeros(2), np.zeros(2), np.array([1.5, 2]))
    with pytest.raises(ValueError, match="non-negative integers"):
        build_index(np.zeros(2), np.zeros(2), np.array([-1, 2]))


@pytest.mark.shared
@pytest.mark.parametrize("metric", METRICS)
def test_national_grid_sample_against_brute_force(shared_data, metric):
    """400 random cells of SCB's national 1 km grid 2024, brute force over all 103 464 cells, every metric."""
    import pandas as pd

    df = pd.read_csv(shared_data / "scb_grid_1km_2024" / "befolkning_1km_2024.csv.gz", dtype={"rutid_scb": str})
    x = df.rutid_scb.str[:6].astype(np.int64).to_numpy() + 500.0
    y = df.rutid_scb.str[6:].astype(np.int64).to_numpy() + 500.0
    pop = df.beftotalt.to_numpy()
    r = radii(x, y, pop, [3000, 15000], metric=metric)
    sample = np.random.default_rng(2024).choice(x.size, 400, replace=False)
    for i in sample:
        dx, dy = np.abs(x - x[i]), np.abs(y - y[i])
        d = {"euclidean": np.sqrt(dx**2 + dy**2), "manhattan": dx + dy, "chebyshev": np.maximum(dx, dy)}[metric]
        o = np.argsort(d, kind="stable")
        c = np.cumsum(pop[o])
        for t, n in enumerate([3000, 15000]):
            assert r[i, t] == d[o][np.searchsorted(c, n)], (i, n)
    # plausibility of the national distribution: dense cities ~0, Norrland inland > 100 km for 15 000
    assert r[:, 0].min() == 0.0 and 100_000 < r[:, 1].max() < 300_000
