"""Several grid files as one (geo.readers.read_grids / compose_grids, `utjamning gleshet --grid A --grid B`).

Hand-made grids in SWEREF 99 TM: a 1 km base with two cells, A (SW corner E 674 000, N 6 580 000) and B (the
cell east of it), and 250 m cells inside A. Every expected value is counted by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.errors import GridInputError
from geo.readers import GRID_SAMMANFOGNING, GridFilesError, compose_grids, read_grid, read_grids
from pipelines.cli import main

A, B = "6740006580000", "6750006580000"
A_SW, A_NE = "6740006580000", "6747506580750"  # 250 m cells in A's south-west and north-east corners


def _csv(path: Path, rows: list[tuple], size: bool = True) -> Path:
    head = "rutid;rutstorlek;beftotalt" if size else "rutid;beftotalt"
    body = "\n".join(";".join(str(v) for v in (r if size else (r[0], r[2]))) for r in rows)
    path.write_text(f"{head}\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture
def bas(tmp_path):
    return _csv(tmp_path / "rutor_1km.csv", [(A, 1000, 10_000), (B, 1000, 8_000)], size=False)


def test_the_modes_are_declared_once():
    assert GRID_SAMMANFOGNING == ("forfina", "disjunkt")


def test_refine_subtracts_the_finer_cells_and_keeps_the_remainder(tmp_path, bas):
    fin = _csv(tmp_path / "rutor_250m.csv", [(A_SW, 250, 3_000), (A_NE, 250, 2_000)])
    cells = read_grids([bas, fin])
    assert cells["cell_id"].tolist() == [A, B, A_SW, A_NE]
    assert cells["size_m"].tolist() == [1000, 1000, 250, 250]
    assert cells["pop"].tolist() == [5_000, 8_000, 3_000, 2_000]  # A: 10 000 − 3 000 − 2 000
    assert cells["x"].tolist() == [674_500.0, 675_500.0, 674_125.0, 674_875.0]
    assert cells["y"].tolist() == [6_580_500.0, 6_580_500.0, 6_580_125.0, 6_580_875.0]
    assert int(cells["pop"].sum()) == 18_000  # the base's total: the finer people were part of it
    f0, f1 = cells.attrs["filer"]
    assert (f0["celler"], f0["befolkning"], f0["minskade"], f0["borttagna"]) == (2, 13_000, 1, 0)
    assert (f1["celler"], f1["befolkning"], f1["befolkning_last"]) == (2, 5_000, 5_000)
    assert cells.attrs["sammanfogning"] == "forfina" and cells.attrs["crs"] == "EPSG:3006"


def test_a_coarse_cell_the_finer_cells_fill_is_dropped(tmp_path, bas):
    fin = _csv(tmp_path / "rutor_250m.csv", [(A_SW, 250, 6_000), (A_NE, 250, 4_000)])
    cells = read_grids([bas, fin])
    assert list(zip(cells["cell_id"], cells["size_m"], cells["pop"])) == [
        (B, 1000, 8_000),
        (A_SW, 250, 6_000),
        (A_NE, 250, 4_000),
    ]
    assert (cells.attrs["filer"][0]["borttagna"], cells.attrs["filer"][0]["minskade"]) == (1, 0)


def test_a_negative_remainder_names_both_files_both_cells_and_the_numbers(tmp_path, bas):
    fin = _csv(tmp_path / "rutor_250m.csv", [(A_SW, 250, 7_000), (A_NE, 250, 5_000)])
    with pytest.raises(GridInputError) as e:
        read_grids([bas, fin])
    text = str(e.value)
    assert len(e.value.problems) == 1
    assert f"1000 m-rutan '{A}' (rad 1 i {bas}) har 10 000 invånare" in text
    assert f"de 2 finare rutorna i den i {fin} har 12 000 ('{A_SW}' 7 000, '{A_NE}' 5 000)" in text
    assert "resten blir -2 000" in text


def test_finer_cells_outside_the_base_are_all_listed(tmp_path, bas):
    fin = _csv(
        tmp_path / "rutor_250m.csv",
        [(A_SW, 250, 1), ("6760006580000", 250, 2), ("6740006590000", 250, 3)],
    )
    with pytest.raises(GridInputError) as e:
        read_grids([bas, fin])
    problems = e.value.problems
    assert [p.row for p in problems] == [2, 3]
    assert "'6760006580000'" in problems[0].message and "E=676125.0, N=6580125.0" in problems[0].message
    assert "'6740006590000'" in problems[1].message
    assert all(f"ligger inte i någon ruta i {bas}" in p.message for p in problems)


def test_a_later_cell_as_large_as_the_one_holding_it_is_an_error(tmp_path, bas):
    fin = _csv(tmp_path / "mer.csv", [(A_SW, 250, 1), (B, 1000, 2)])
    with pytest.raises(GridInputError) as e:
        read_grids([bas, fin])
    (p,) = e.value.problems
    assert p.row == 2 and f"1000 m-rutan '{B}' (rad 2 i {bas})" in p.message and "multipel (minst 2)" in p.message


def test_a_third_file_refines_the_smallest_earlier_cell_holding_it(tmp_path, bas):
    mid = _csv(tmp_path / "rutor_500m.csv", [(A_SW, 500, 6_000)])
    fin = _csv(tmp_path / "rutor_250m.csv", [(A_SW, 250, 3_500), ("6742506580250", 250, 2_500)])
    cells = read_grids([bas, mid, fin])
    # the 250 m cells are part of the 500 m cell (dropped: 6 000 − 6 000), which is part of A (10 000 − 6 000)
    assert list(zip(cells["cell_id"], cells["size_m"], cells["pop"])) == [
        (A, 1000, 4_000),
        (B, 1000, 8_000),
        (A_SW, 250, 3_500),
        ("6742506580250", 250, 2_500),
    ]
    assert [f["borttagna"] for f in cells.attrs["filer"]] == [0, 1, 0]


def test_disjoint_union_and_its_overlap_errors(tmp_path, bas):
    far = _csv(tmp_path / "norr.csv", [("6740006600000", 250, 7)])
    cells = read_grids([bas, far], mode="disjunkt")
    assert cells["pop"].tolist() == [10_000, 8_000, 7] and cells.attrs["sammanfogning"] == "disjunkt"
    fin = _csv(tmp_path / "rutor_250m.csv", [(A_SW, 250, 3_000), (A_NE, 250, 2_000)])
    with pytest.raises(GridInputError) as e:
        read_grids([bas, fin], mode="disjunkt")
    msgs = [p.message for p in e.value.problems]
    assert msgs[0] == f"rut-id '{A_SW}' finns i både {bas} (rad 1) och {fin} (rad 1)"
    assert msgs[1].startswith(f"250 m-rutan '{A_NE}' (rad 2 i {fin}) överlappar 1000 m-rutan '{A}' (rad 1 i {bas})")
    assert len(msgs) == 2


def test_problems_of_every_file_are_reported_together(tmp_path):
    a = _csv(tmp_path / "a.csv", [("674000658000", 1000, 1)], size=False)  # 12 digits
    b = _csv(tmp_path / "b.csv", [(A, 1000, -1)], size=False)
    with pytest.raises(GridFilesError) as e:
        read_grids([a, b])
    assert [err.file for err in e.value.errors] == [str(a), str(b)]
    assert "har 12 tecken" in str(e.value) and "är negativ" in str(e.value)


def test_radii_of_the_composed_grid_equal_those_of_the_same_cells_in_one_mixed_file(tmp_path, bas):
    from geo.gleshet import radii

    fin = _csv(tmp_path / "rutor_250m.csv", [(A_SW, 250, 6_000), (A_NE, 250, 4_000)])
    composed = read_grids([bas, fin])
    mixed = read_grid(_csv(tmp_path / "blandat.csv", [(B, 1000, 8_000), (A_SW, 250, 6_000), (A_NE, 250, 4_000)]))
    pd.testing.assert_frame_equal(composed.reset_index(drop=True), mixed, check_like=False)
    t = [5_000, 12_000]
    ra = radii(*(composed[c].to_numpy() for c in ("x", "y", "pop")), t, scheduler="sync")
    rb = radii(*(mixed[c].to_numpy() for c in ("x", "y", "pop")), t, scheduler="sync")
    np.testing.assert_array_equal(ra, rb)
    # by hand: 6 000 alone reach 5 000 at distance 0; 6 000 + 4 000 < 12 000, so the next is B, 8 000
    assert ra[1, 0] == 0.0 and ra[1, 1] == pytest.approx(np.hypot(675_500 - 674_125, 6_580_500 - 6_580_125))


def test_one_file_is_read_grid_unchanged(bas):
    one = read_grids([bas])
    pd.testing.assert_frame_equal(one, read_grid(bas))
    assert one.attrs == read_grid(bas).attrs


def test_cell_size_once_or_per_file(tmp_path, bas):
    fin = _csv(tmp_path / "r250.csv", [(A_SW, 250, 3_000), ("6740006580250", 250, 1_000)], size=False)
    with pytest.raises(GridInputError, match="rutstorlek"):
        read_grids([bas, fin])  # 250 m corners without a size column
    cells = read_grids([bas, fin], cell_size=[1000, 250])
    assert cells["pop"].tolist() == [6_000, 8_000, 3_000, 1_000]
    with pytest.raises(GridInputError, match="3 rutstorlekar"):
        read_grids([bas, fin], cell_size=[1000, 250, 250])
    with pytest.raises(ValueError, match="okänd sammanfogning"):
        compose_grids([read_grid(bas), read_grid(bas)], "union")


def test_cli_two_grids_manifest_and_an_error_writes_nothing(tmp_path, bas, capsys):
    fin = _csv(tmp_path / "rutor_250m.csv", [(A_SW, 250, 3_000), (A_NE, 250, 2_000)])
    out = tmp_path / "ut"
    assert main(["gleshet", "--grid", str(bas), "--grid", str(fin), "--ut", str(out), "--no-karta"]) == 0
    err = capsys.readouterr().err.replace("\xa0", " ")  # svenskt_tal groups thousands with a no-break space
    assert (
        f"4 rutor med 18 000 invånare efter sammanfogningen forfina: 2 rutor (13 000 invånare) från {bas}, varav 1 "
        f"minskade; 2 rutor (5 000 invånare) från {fin}"
    ) in err
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [m["inputs"][k]["path"] for k in ("grid", "grid_2")] == [str(bas), str(fin)]
    assert all(len(m["inputs"][k]["sha256"]) == 64 for k in ("grid", "grid_2"))
    assert m["arguments"]["grid"] == [str(bas), str(fin)] and m["arguments"]["grid_sammanfogning"] == "forfina"
    assert m["grid"]["sammanfogning"] == "forfina" and [f["celler"] for f in m["grid"]["filer"]] == [2, 2]
    cells = pd.read_parquet(out / "cells.parquet")
    assert cells["pop"].tolist() == [5_000, 8_000, 3_000, 2_000]
    kommuner = pd.read_csv(out / "kommuner.csv", dtype={"kommun_kod": str})
    assert int(kommuner["befolkning"].sum()) == 18_000

    bad = tmp_path / "ut2"
    rc = main(["gleshet", "--grid", str(bas), "--grid", str(fin), "--grid-sammanfogning", "disjunkt", "--ut", str(bad)])
    assert rc == 2 and not bad.exists()
    assert "överlappar 1000 m-rutan" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["gleshet", "--grid", str(bas), "--grid-sammanfogning", "union", "--ut", str(bad)])
    assert e.value.code == 2


def test_cli_one_grid_keeps_the_manifest_of_one_file(tmp_path, bas):
    out = tmp_path / "ut"
    assert main(["gleshet", "--grid", str(bas), "--ut", str(out), "--no-karta", "-q"]) == 0
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert list(m["inputs"]) == ["grid"] and m["arguments"]["grid"] == str(bas)
    assert m["grid"] == {"cells": 2, "population": 18_000}


def test_map_source_names_every_file():
    from geo.karta import kalla_for_grid

    assert kalla_for_grid("rutor_2024.csv") == ("befolkningsrutor rutor_2024.csv", 2024)
    assert kalla_for_grid(["rutor_1km_2024.csv", "rutor_250m_2024.csv"]) == (
        "befolkningsrutor rutor_1km_2024.csv + rutor_250m_2024.csv",
        2024,
    )
    assert kalla_for_grid(["a_2023.csv", "b_2024.csv"])[1] is None  # years that disagree are not printed
    assert kalla_for_grid([f"r{i}.csv" for i in range(4)]) == ("befolkningsrutor i 4 filer (r0.csv …)", None)
