"""Tests of the embedded SYNTHETIC demo grid (geo/demo_grid.py, data/demo/befolkning_demo.csv.gz):
determinism, SCB format read by geo.readers, mixed 250 m / 1 km cells without overlaps, every cell inside a
kommun polygon, every kommun populated, and the shipped file's sha256 against data/demo/README.md."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo import demo_grid
from geo.errors import GridInputError
from geo.kommuner import assign_kommuner, load_kommun_boundaries
from geo.readers import read_grid

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data" / "demo" / "befolkning_demo.csv.gz"
README = ROOT / "data" / "demo" / "README.md"
#: Blekinge (5 kommuner): the small variant used for the fast tests.
SMALL = {"lan": ["10"], "population": 150_000}


@pytest.fixture(scope="module")
def boundaries():
    return load_kommun_boundaries()


@pytest.fixture(scope="module")
def small_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "small.csv.gz"
    demo_grid.write(path, demo_grid.generate(**SMALL))
    return path


@pytest.fixture(scope="module")
def shipped(boundaries) -> pd.DataFrame:
    cells = read_grid(SHIPPED)
    cells, report = assign_kommuner(cells, boundaries)
    cells.attrs["report"] = report
    return cells


def _readme_sha256() -> str:
    m = re.search(r"sha256[^0-9a-f]*([0-9a-f]{64})", README.read_text(encoding="utf-8"))
    assert m, "data/demo/README.md must state the sha256 of the shipped file"
    return m.group(1)


def _no_overlap(cells: pd.DataFrame) -> None:
    """No 250 m cell inside a 1 km cell of the same table (independent of the reader's own check)."""
    e = cells["cell_id"].str[:6].astype("int64").to_numpy()
    n = cells["cell_id"].str[6:].astype("int64").to_numpy()
    small = cells["size_m"].to_numpy() == 250
    big_keys = set(zip(e[~small], n[~small]))
    inside = [(a // 1000 * 1000, b // 1000 * 1000) in big_keys for a, b in zip(e[small], n[small])]
    assert not any(inside)


# ------------------------------------------------------------------------------------------------ small variant


def test_small_variant_is_byte_for_byte_deterministic(tmp_path, small_file):
    again = tmp_path / "other_name.csv.gz"
    sha = demo_grid.write(again, demo_grid.generate(**SMALL))
    assert again.read_bytes() == small_file.read_bytes()
    assert sha == hashlib.sha256(small_file.read_bytes()).hexdigest()
    # gzip header: mtime 0, no file name (so the bytes do not depend on when or where it was written)
    head = small_file.read_bytes()[:10]
    assert head[:2] == b"\x1f\x8b" and head[4:8] == b"\0\0\0\0" and head[3] & 0x08 == 0


def test_seed_changes_the_grid():
    a = demo_grid.generate(**SMALL).table
    b = demo_grid.generate(seed=7, **SMALL).table
    assert not a.equals(b)
    assert int(a["beftotalt"].sum()) == int(b["beftotalt"].sum()) == SMALL["population"]


def test_small_variant_format_sizes_and_kommuner(small_file, boundaries):
    with gzip.open(small_file, "rt", encoding="utf-8") as fh:
        assert fh.readline() == "Ruta,rutstorlek,beftotalt\n"
    cells = read_grid(small_file)  # the SCB reader: ids, sizes, lattice, overlaps, extent
    assert cells.attrs["format"] == "scb"
    assert set(cells["size_m"]) == {250, 1000}
    assert int(cells["pop"].sum()) == SMALL["population"]
    assert (cells["pop"] > 0).all()
    assert cells["cell_id"].is_monotonic_increasing
    _no_overlap(cells)
    assigned, report = assign_kommuner(cells, boundaries[boundaries["lan_kod"] == "10"])
    assert report["cells_nearest"] == 0 and report["kommuner_without_cells"] == []
    assert (assigned.groupby("kommun_kod")["pop"].sum() > 0).all()


def test_reader_rejects_an_overlapping_demo_file(tmp_path):
    grid = demo_grid.generate(**SMALL)
    t = grid.table
    small = t[t["rutstorlek"] == 250].iloc[0]
    corner = f"{int(small['Ruta'][:6]) // 1000 * 1000:06d}{int(small['Ruta'][6:]) // 1000 * 1000:07d}"
    extra = pd.DataFrame({"Ruta": [corner], "rutstorlek": [1000], "beftotalt": [5]})
    bad = t[t["Ruta"] != corner]  # the 250 m cell may sit on the 1 km corner itself
    bad = pd.concat([bad, extra], ignore_index=True).sort_values("Ruta")
    path = tmp_path / "bad.csv.gz"
    path.write_bytes(demo_grid.to_csv_gz_bytes(bad))
    with pytest.raises(GridInputError, match="överlappar"):
        read_grid(path)


def test_largest_remainder_is_exact():
    v = np.array([0.1, 0.2, 0.3, 0.4, 5.0, 0.0])
    out = demo_grid._largest_remainder(v, 17)
    assert out.sum() == 17 and out[-1] == 0 and (out >= 0).all()
    assert demo_grid._largest_remainder(v, 0).sum() == 0


# ------------------------------------------------------------------------------------------------ shipped file


def test_shipped_file_matches_readme_sha256_and_is_small():
    data = SHIPPED.read_bytes()
    assert hashlib.sha256(data).hexdigest() == _readme_sha256()
    assert len(data) < 2_000_000
    assert "SYNTHETIC" in README.read_text(encoding="utf-8")


def test_shipped_grid_is_big_mixed_and_sweden_sized(shipped):
    assert len(shipped) >= 250_000
    sizes = shipped["size_m"].value_counts()
    assert set(sizes.index) == {250, 1000} and sizes[250] > 100_000 and sizes[1000] > 50_000
    total = int(shipped["pop"].sum())
    assert total == demo_grid.DEFAULT_POPULATION
    assert (shipped["pop"] > 0).all()
    _no_overlap(shipped)
    # towns dense, north sparse: 250 m cells hold most people; the north (N > 7 100 000) few
    assert shipped.loc[shipped["size_m"] == 250, "pop"].sum() > 0.8 * total
    north = shipped["y"] > 7_100_000
    assert 0 < shipped.loc[north, "pop"].sum() < 0.08 * total


def test_shipped_grid_every_kommun_populated_nobody_in_the_sea(shipped):
    report = shipped.attrs["report"]
    assert report["cells_nearest"] == 0  # every centre inside a kommun polygon
    assert report["kommuner_without_cells"] == []
    per_kommun = shipped.groupby("kommun_kod")["pop"].sum()
    assert len(per_kommun) == 290 and (per_kommun > 0).all()
    assert per_kommun.idxmax() == "0180"  # Stockholm


@pytest.mark.slow
def test_generator_reproduces_the_shipped_file():
    """The shipped bytes are exactly what `python tools/demo_grid.py` makes with the default arguments."""
    assert demo_grid.to_csv_gz_bytes(demo_grid.generate().table) == SHIPPED.read_bytes()
