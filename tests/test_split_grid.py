"""The synthetic 250 m grid generator (benchmarks/split_grid.py): the tätort rule, the population-preserving
split, determinism, and the round trip through the SCB reader."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.readers import read_grid

_spec = importlib.util.spec_from_file_location(
    "split_grid", Path(__file__).resolve().parents[1] / "benchmarks" / "split_grid.py"
)
sg = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sg)


def cells_1km(centres, pops):
    x = np.array([c[0] for c in centres], dtype=float)
    y = np.array([c[1] for c in centres], dtype=float)
    ids = [f"{int(a - 500):06d}{int(b - 500):07d}" for a, b in zip(x, y)]
    return pd.DataFrame(
        {
            "cell_id": ids,
            "x": x,
            "y": y,
            "size_m": np.full(len(x), 1000, dtype=np.int64),
            "pop": np.asarray(pops, dtype=np.int64),
        }
    )


def tatort(x, y, radius_m):
    """A tätort row in swemapdata's columns whose equal-area disc has the given radius."""
    return pd.DataFrame({"x_sweref99tm": [x], "y_sweref99tm": [y], "area": [math.pi * radius_m**2 / 10_000]})


def test_tatort_rule_square_meets_disc():
    # tätort point on the corner (501 000, 6 501 000), disc radius 1 200 m
    centres = [
        (500500, 6500500),  # point on its corner: split
        (502500, 6501500),  # square 1 000 m east of the point, level with it: 1 000 ≤ 1 200, split
        (502500, 6502500),  # square corner 1 000 m east and north: √2 · 1 000 = 1 414 > 1 200, whole
        (503500, 6500500),  # 2 000 m east: whole
        (500500, 6498500),
    ]  # square's top edge 2 000 m south of the point: whole
    cells = cells_1km(centres, [1, 1, 1, 1, 1])
    mask = sg.in_tatort(cells, tatort(501_000.0, 6_501_000.0, 1200.0))
    assert mask.tolist() == [True, True, False, False, False]
    # a larger disc (scale 1.25 → 1 500 m) reaches the diagonal square at 1 414 m
    assert sg.in_tatort(cells, tatort(501_000.0, 6_501_000.0, 1200.0), disc_scale=1.25).tolist() == [
        True,
        True,
        True,
        False,
        False,
    ]


def test_split_preserves_population_per_cell_and_geometry():
    rng = np.random.default_rng(5)
    centres = [(300500 + 1000 * i, 6600500 + 1000 * j) for i in range(6) for j in range(5)]
    pops = rng.integers(1, 3000, len(centres))
    cells = cells_1km(centres, pops)
    out = sg.split_grid(cells, None, "full", seed=1)
    assert (out["size_m"] == 250).all() and (out["pop"] > 0).all()
    assert out["cell_id"].is_unique and out["cell_id"].is_monotonic_increasing
    # the id is the sub-cell's south-west corner, the centre 125 m inside it
    e = out["cell_id"].str[:6].astype(int)
    n = out["cell_id"].str[6:].astype(int)
    assert (e % 250 == 0).all() and (n % 250 == 0).all()
    np.testing.assert_array_equal(out["x"], e + 125.0)
    np.testing.assert_array_equal(out["y"], n + 125.0)
    # every sub-cell lies in its parent, and each parent's inhabitants are all there
    parent = (e // 1000 * 1000).astype(str).str.zfill(6) + (n // 1000 * 1000).astype(str).str.zfill(7)
    per_parent = out.groupby(parent)["pop"].sum()
    np.testing.assert_array_equal(per_parent.reindex(cells["cell_id"]).to_numpy(), pops)
    assert out.groupby(parent).size().max() <= 16


def test_mixed_splits_only_tatort_cells_and_keeps_the_rest():
    cells = cells_1km([(500500, 6500500), (510500, 6500500), (520500, 6500500)], [500, 40, 7])
    out = sg.split_grid(cells, tatort(510_400.0, 6_500_600.0, 300.0), "mixed", seed=3)
    big = out[out["size_m"] == 1000]
    assert big["cell_id"].tolist() == ["5000006500000", "5200006500000"] and big["pop"].tolist() == [500, 7]
    small = out[out["size_m"] == 250]
    assert small["pop"].sum() == 40 and small["cell_id"].str[:3].eq("510").all()
    assert out.attrs["split_cells"] == 1 and out.attrs["split_population"] == 40


def test_deterministic_and_independent_of_row_order():
    rng = np.random.default_rng(9)
    centres = [(400500 + 1000 * i, 6700500) for i in range(40)]
    cells = cells_1km(centres, rng.integers(1, 500, 40))
    a = sg.split_grid(cells, None, "full", seed=7)
    pd.testing.assert_frame_equal(a, sg.split_grid(cells.iloc[::-1], None, "full", seed=7))
    b = sg.split_grid(cells, None, "full", seed=8)
    assert not (len(a) == len(b) and (a["pop"].to_numpy() == b["pop"].to_numpy()).all())


def test_alpha_one_makes_every_composition_equally_likely():
    """Dirichlet(1)-multinomial: 2 inhabitants land in the same sub-cell with probability 16 / C(17, 2) =
    16 / 136 ≈ 0,118 (every one of the 136 compositions equally likely); an even multinomial gives 1/16."""
    rng = np.random.default_rng(2024)
    counts = sg._split_counts(np.full(40_000, 2), rng, 1.0)
    share = (counts.max(axis=1) == 2).mean()
    assert abs(share - 16 / 136) < 4 * math.sqrt(16 / 136 * 120 / 136 / 40_000)
    even = (sg._split_counts(np.full(40_000, 2), rng, math.inf).max(axis=1) == 2).mean()
    assert abs(even - 1 / 16) < 4 * math.sqrt(1 / 16 * 15 / 16 / 40_000)


@pytest.mark.parametrize("name", ["mixed.csv", "mixed.csv.gz"])
def test_written_file_reads_back_as_the_same_grid(tmp_path, name):
    cells = cells_1km([(500500, 6500500), (510500, 6500500)], [321, 12])
    out = sg.split_grid(cells, tatort(500_500.0, 6_500_500.0, 200.0), "mixed", seed=4)
    sha = sg.write(tmp_path / name, out)
    assert sha == sg.write(tmp_path / ("again_" + name), out)  # same bytes
    back = read_grid(tmp_path / name)
    back.attrs, out.attrs = {}, {}
    pd.testing.assert_frame_equal(back, out)


def test_bad_input_is_an_input_error():
    cells = cells_1km([(500500, 6500500)], [10])
    with pytest.raises(sg.SplitGridError, match="okänt läge 'halv'; tillåtna värden: mixed, full") as exc:
        sg.split_grid(cells, None, "halv")
    assert exc.value.is_input_error
    with pytest.raises(sg.SplitGridError, match="behöver tätortstabellen"):
        sg.split_grid(cells, None, "mixed")
    with pytest.raises(sg.SplitGridError, match="saknar en kolumn för area"):
        sg.split_grid(cells, pd.DataFrame({"x_sweref99tm": [1.0], "y_sweref99tm": [2.0]}), "mixed")
    quarter = cells.assign(size_m=250)
    with pytest.raises(sg.SplitGridError, match="1 km-rutor; 1 rutor har en annan storlek"):
        sg.split_grid(quarter, None, "full")


@pytest.mark.shared
def test_real_grid_mixed_and_full(shared_data):
    cells = read_grid(shared_data / "scb_grid_1km_2024" / "befolkning_1km_2024.csv.gz")
    tat = pd.read_csv(shared_data / "tatorter_2020" / "tatorter_2020_points.csv")
    mixed = sg.split_grid(cells, tat, "mixed")
    # the figures quoted in the generator's docstring
    assert mixed.attrs["split_cells"] == 13_145 and mixed.attrs["split_population"] == 7_506_712
    assert int(mixed["pop"].sum()) == int(cells["pop"].sum()) == 10_560_818
    assert (mixed["size_m"] == 1000).sum() == len(cells) - 13_145
    assert sg.in_tatort(cells, tat, 1.5).sum() == 20_328
    full = sg.split_grid(cells, None, "full")
    assert int(full["pop"].sum()) == 10_560_818 and (full["size_m"] == 250).all()


def test_cli_writes_a_grid_and_reports_bad_input(tmp_path, capsys):
    src = tmp_path / "grid.csv"
    pd.DataFrame({"rutid_scb": ["5000006500000", "5100006500000"], "beftotalt": [90, 3]}).to_csv(src, index=False)
    assert sg.main(["--mode", "full", "--grid", str(src), "--out", str(tmp_path / "full.csv"), "--seed", "1"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["cells_split"] == 2 and stats["population"] == 93 and stats["cells"] == stats["cells_250m"]
    assert int(read_grid(tmp_path / "full.csv")["pop"].sum()) == 93
    assert (
        sg.main(
            [
                "--mode",
                "mixed",
                "--grid",
                str(src),
                "--tatorter",
                str(tmp_path / "saknas.csv"),
                "--out",
                str(tmp_path / "x.csv"),
            ]
        )
        == 2
    )
    assert "saknas.csv" in capsys.readouterr().err and not (tmp_path / "x.csv").exists()
