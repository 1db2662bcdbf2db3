"""The summed-area-table path of the radius kernel (manhattan, chebyshev; issue 15 round 2) against the row scan
and the O(n²) brute-force oracle: identical keys, not approximately, and the automatic choice between them."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from geo import gleshet
from geo.gleshet import QUANTA_PER_M, KernelInputError, build_index, choose_method, radii, square_lattice
from tests.test_gleshet_kernel import grids, oracle

SQUARE = [(m, own) for m in ("manhattan", "chebyshev") for own in (True, False)]

_spec = importlib.util.spec_from_file_location(
    "split_grid", Path(__file__).resolve().parents[1] / "benchmarks" / "split_grid.py"
)
split_grid = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(split_grid)


def both(x, y, pop, thresholds, metric, own_cell, **kw):
    """(table, row scan) radii of the same grid; the table path is forced, so it cannot silently fall back."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sat = radii(x, y, pop, thresholds, metric=metric, own_cell=own_cell, method="sat", **kw)
        rad = radii(x, y, pop, thresholds, metric=metric, own_cell=own_cell, method="rad", **kw)
    return sat, rad


@st.composite
def lattice_grids(draw):
    """The kernel tests' small grids (ties, zero populations, several cells at one centre, clusters, sub-metre
    spacings), some with every other cell moved by half a spacing (a finer lattice, mixed parities)."""
    x, y, pop = draw(grids())
    if draw(st.booleans()):
        half = draw(st.sampled_from([0.5, 1.0, 125.0, 375.0]))
        shift = np.array(draw(st.lists(st.booleans(), min_size=x.size, max_size=x.size)))
        x = np.round(x + shift * half, 2)
        y = np.round(y + shift * half, 2)
    return x, y, pop


@pytest.mark.parametrize("metric,own_cell", SQUARE)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    grid=lattice_grids(), thresholds=st.lists(st.integers(1, 3000), min_size=1, max_size=3), chunk=st.integers(1, 50)
)
def test_table_equals_row_scan_and_brute_force(metric, own_cell, grid, thresholds, chunk):
    x, y, pop = grid
    # A shift far finer than a wide grid's extent makes a huge table (auto falls back; tested below).
    assume(square_lattice(build_index(x, y, pop), metric).sat_bytes <= 2**22)
    sat, rad = both(x, y, pop, thresholds, metric, own_cell, chunk_size=chunk, scheduler="sync")
    want = oracle(x, y, pop, thresholds, metric, own_cell)
    np.testing.assert_array_equal(sat, want)
    np.testing.assert_array_equal(rad, want)


@pytest.mark.parametrize("metric", ["manhattan", "chebyshev"])
@settings(max_examples=60, deadline=None)
@given(grid=lattice_grids(), data=st.data())
def test_square_count_at_exact_cell_distances(metric, grid, data):
    """The table's primitive (population within k·g of a cell, four reads) against brute force, with k·g
    equal to another cell's exact distance and one lattice step either side."""
    from geo.gleshet import _key, _square_count

    x, y, pop = grid
    index = build_index(x, y, pop)
    lat = square_lattice(index, metric)
    assume(lat.sat_bytes <= 2**22)
    table = gleshet.build_sat(index, lat)
    code = gleshet.METRICS.index(metric)
    i = data.draw(st.integers(0, index.n - 1))
    j = data.draw(st.integers(0, index.n - 1))
    keys = np.array([_key(code, index.xq[k] - index.xq[i], index.yq[k] - index.yq[i]) for k in range(index.n)])
    assert (keys % lat.g == 0).all() and keys.max() <= lat.k_max * lat.g  # distances are multiples of g
    pops = np.diff(index.cum)
    for k in (keys[j] // lat.g - 1, keys[j] // lat.g, keys[j] // lat.g + 1):
        d = max(k, 0) * lat.g
        got = _square_count(table.sat, lat.a[i], lat.b[i], d // lat.gu, d // lat.gv)
        assert got == pops[keys <= d].sum(), (k, keys[j])


def test_lattice_of_scb_grids():
    """SCB's 1 km centres (500 mod 1 000 m) lie on the 1 000 m lattice in (x + y, x − y) and in (x, y); 250 m
    centres (125 mod 250 m) mixed with 1 km ones on the 250 m lattice in (u, v) but the 125 m lattice in x, y
    (500 − 125 = 375 = 3 · 125)."""
    km = build_index(
        np.array([500.0, 1500.0, 500.0, 2500.0]),
        np.array([6_000_500.0, 6_000_500.0, 6_001_500.0, 6_003_500.0]),
        [1] * 4,
    )
    for metric in ("manhattan", "chebyshev"):
        lat = square_lattice(km, metric)
        assert lat.gu == lat.gv == lat.g == 1000 * QUANTA_PER_M
    # u = x + y: offsets 0, 1, 1, 5 km; v = x − y: 1, 2, 0, 0 km; the farthest pair (first, last) 2 + 3 = 5 km
    man = square_lattice(km, "manhattan")
    assert (man.nu, man.nv, man.k_max) == (6, 3, 5) and man.sat_bytes == 7 * 4 * 4 and man.dtype is np.int32
    mixed = build_index(np.array([500.0, 1125.0, 1375.0]), np.array([500.0, 1125.0, 1875.0]), [1, 2, 3])
    assert square_lattice(mixed, "manhattan").g == 250 * QUANTA_PER_M
    assert square_lattice(mixed, "chebyshev").g == 125 * QUANTA_PER_M
    assert square_lattice(mixed, "euclidean") is None


@pytest.mark.parametrize("metric,own_cell", SQUARE)
def test_unequal_lattice_steps(metric, own_cell):
    """Cells 250 m apart in x but 1 000 m in y: for chebyshev the lattice steps differ (gu = 250 m, gv = 1 000 m),
    so a square of half-side k·g spans k rows along u but only ⌊k / 4⌋ along v; manhattan's (u, v) lattice is
    250 m both ways. Keys equal the row scan's and the brute force's."""
    rng = np.random.default_rng(21)
    x = rng.integers(0, 80, 700) * 250.0
    y = rng.integers(0, 20, 700) * 1000.0
    pop = rng.poisson(4, 700)
    lat = square_lattice(build_index(x, y, pop), metric)
    steps_m = (250, 1000) if metric == "chebyshev" else (250, 250)
    assert (lat.gu, lat.gv, lat.g) == (steps_m[0] * QUANTA_PER_M, steps_m[1] * QUANTA_PER_M, 250 * QUANTA_PER_M)
    ns = [5, 300, 2000]
    sat, rad = both(x, y, pop, ns, metric, own_cell, chunk_size=101)
    np.testing.assert_array_equal(sat, rad)
    np.testing.assert_array_equal(sat, oracle(x, y, pop, ns, metric, own_cell))


def test_int64_table_when_the_population_passes_2_31():
    x = np.array([0.0, 1000.0, 2000.0, 0.0])
    y = np.array([0.0, 0.0, 0.0, 1000.0])
    pop = np.array([2**30, 2**30, 5, 7], dtype=np.int64)  # total 2^31 + 12
    lat = square_lattice(build_index(x, y, pop), "manhattan")
    assert lat.dtype is np.int64
    for metric, own in SQUARE:
        sat, rad = both(x, y, pop, [2**30 + 6, 2**31 + 12], metric, own, scheduler="sync")
        want = oracle(x, y, pop, [2**30 + 6, 2**31 + 12], metric, own)
        np.testing.assert_array_equal(sat, want)
        np.testing.assert_array_equal(rad, want)
        if own:
            # (0, 0): its 2^30 + (1000, 0)'s 2^30 at 1 km; all at 2 km, where (2000, 0) lies in both metrics.
            # (0, 1000): its 7 + (0, 0)'s 2^30 at 1 km; (2000, 0) at 3 km (manhattan) or 2 km (chebyshev).
            far = 3000.0 if metric == "manhattan" else 2000.0
            np.testing.assert_array_equal(sat[[0, 3]], [[1000.0, 2000.0], [1000.0, far]])


def small_mixed_grid(seed: int) -> pd.DataFrame:
    """A generated 1 km grid of 30 × 30 km (random populated cells) whose cells near two tätorter are split
    into 16 × 250 m by the benchmark's generator: the mixed grid of issue 15 in miniature."""
    rng = np.random.default_rng(seed)
    ix, iy = np.divmod(rng.choice(900, 500, replace=False), 30)
    x = 400_000 + ix * 1000 + 500.0
    y = 6_500_000 + iy * 1000 + 500.0
    base = pd.DataFrame(
        {
            "cell_id": [f"{int(a - 500):06d}{int(b - 500):07d}" for a, b in zip(x, y)],
            "x": x,
            "y": y,
            "size_m": np.full(x.size, 1000, dtype=np.int64),
            "pop": rng.poisson(40, x.size) * (rng.random(x.size) < 0.9),
        }
    )
    tatorter = pd.DataFrame(
        {"x_sweref99tm": [406_000.0, 421_300.0], "y_sweref99tm": [6_509_000.0, 6_522_700.0], "area": [800.0, 300.0]}
    )
    return split_grid.split_grid(base, tatorter, "mixed", seed)


@pytest.mark.parametrize("metric,own_cell", SQUARE)
def test_mixed_250m_1km_grid(metric, own_cell):
    cells = small_mixed_grid(15)
    assert set(cells["size_m"]) == {250, 1000}
    x, y, pop = cells["x"].to_numpy(), cells["y"].to_numpy(), cells["pop"].to_numpy()
    ns = [1, 500, 3000, 15000]
    sat, rad = both(x, y, pop, ns, metric, own_cell, chunk_size=97)
    np.testing.assert_array_equal(sat, rad)
    np.testing.assert_array_equal(sat, oracle(x, y, pop, ns, metric, own_cell))
    assert choose_method(build_index(x, y, pop), metric)[0] == "sat"


def random_grid(seed: int, n: int, side_m: float, mean_pop: float):
    """n cells at SCB-style centres (side/2 mod side) of a 40 × 40 block, Poisson populations (ties, repeats)."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 40, n) * side_m + side_m / 2
    y = rng.integers(0, 40, n) * side_m + side_m / 2
    return x, y, rng.poisson(mean_pop, n)


@pytest.mark.parametrize("metric", ["manhattan", "chebyshev"])
def test_chunking_and_schedulers_give_the_same_keys(metric):
    index = build_index(*random_grid(5, 500, 250.0, 3))
    keys = {
        (chunk, scheduler, own): gleshet.radii_sorted(
            index, [40, 1000], metric=metric, own_cell=own, method="sat", chunk_size=chunk, scheduler=scheduler
        )
        for chunk in (1, 7, 4096, None)
        for scheduler in ("sync", "threads")
        for own in (True, False)
    }
    for own in (True, False):
        ref = gleshet.radii_sorted(index, [40, 1000], metric=metric, own_cell=own, method="rad")
        assert all(np.array_equal(v, ref) for (_, _, o), v in keys.items() if o == own)


def test_auto_chooses_the_table_only_where_it_applies(monkeypatch):
    x, y, pop = random_grid(9, 800, 1000.0, 5)
    index = build_index(x, y, pop)
    assert choose_method(index, "euclidean")[0] == "rad"
    assert choose_method(index, "manhattan")[0] == "sat" and choose_method(index, "chebyshev")[0] == "sat"
    assert choose_method(index, "manhattan", "rad") == ("rad", None)
    # Off a coarse lattice (real-valued coordinates: the lattice is 1 cm over ~40 km): its table would be
    # ~4·10⁶ × 4·10⁶ entries, far above the budget, so the row scan runs, with the same radii as the oracle.
    rng = np.random.default_rng(9)
    xo, yo = x + rng.random(800) * 999, y + rng.random(800) * 999
    off = build_index(xo, yo, pop)
    assert square_lattice(off, "manhattan").sat_bytes > gleshet.sat_budget_bytes()
    assert choose_method(off, "manhattan")[0] == "rad"
    with pytest.raises(KernelInputError, match=r"metoden 'sat'.* MiB, mer än gränsen 512 MiB") as exc:
        radii(xo, yo, pop, [100], metric="manhattan", method="sat")
    assert exc.value.is_input_error
    np.testing.assert_array_equal(
        radii(xo, yo, pop, [100], metric="chebyshev"), oracle(xo, yo, pop, [100], "chebyshev")
    )
    # The budget (karna.sat_max_minne_mib) decides: below this lattice's table the row scan runs.
    lat = square_lattice(index, "chebyshev")
    monkeypatch.setattr(gleshet, "sat_budget_bytes", lambda: lat.sat_bytes - 1)
    assert choose_method(index, "chebyshev")[0] == "rad"
    with pytest.raises(KernelInputError, match=r"karna\.sat_max_minne_mib"):
        choose_method(index, "chebyshev", "sat")
    monkeypatch.setattr(gleshet, "sat_budget_bytes", lambda: lat.sat_bytes)
    assert choose_method(index, "chebyshev")[0] == "sat"


def test_budget_parameter():
    from geo.parametrar import parameter

    assert parameter(gleshet.SAT_BUDGET_PARAMETER) == 512 and gleshet.sat_budget_bytes() == 512 * 2**20


def test_method_values_are_checked():
    assert gleshet.METHODS == ("auto", "rad", "sat")
    one = (np.zeros(1), np.zeros(1), np.ones(1, dtype=int), [1])
    with pytest.raises(KernelInputError, match=r"okänd metod 'kd'.*tillåtna värden: auto, rad, sat") as exc:
        radii(*one, method="kd")
    assert exc.value.is_input_error
    with pytest.raises(KernelInputError, match=r"bara kvadratiska avståndsmått.*inte euclidean"):
        radii(*one, method="sat")
    assert radii(*one, metric="chebyshev", method="sat")[0, 0] == 0.0


@pytest.mark.shared
@pytest.mark.parametrize("metric", ["manhattan", "chebyshev"])
def test_national_grid_table_equals_row_scan(shared_data, metric):
    """All 103 464 cells of SCB's national 1 km grid 2024, both thresholds, own cell counted or not: the table
    and the row scan give the same keys (the row scan is checked against brute force on a sample in
    test_gleshet_kernel.py), and the table is what auto chooses (a 1 928 × 1 353 lattice for manhattan)."""
    from geo.readers import read_grid

    cells = read_grid(shared_data / "scb_grid_1km_2024" / "befolkning_1km_2024.csv.gz")
    x, y, pop = cells["x"].to_numpy(), cells["y"].to_numpy(), cells["pop"].to_numpy()
    index = build_index(x, y, pop)
    path, lat = choose_method(index, metric)
    assert path == "sat" and lat.g == 1000 * QUANTA_PER_M
    if metric == "manhattan":
        assert (lat.nu, lat.nv) == (1928, 1353)
    for own in (True, False):
        sat = gleshet.radii_sorted(index, [3000, 15000], metric=metric, own_cell=own, method="sat")
        rad = gleshet.radii_sorted(index, [3000, 15000], metric=metric, own_cell=own, method="rad")
        np.testing.assert_array_equal(sat, rad)
        assert (sat >= 0).all()
