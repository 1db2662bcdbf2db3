"""`utjamning natt` with a grid of several files: ``[gleshet] grid`` as a list, ``grid_sammanfogning``, the step key
over every file, and the map source naming them. Hand-made grids (as tests/test_grid_sammanfogning.py): a 1 km
base with two cells and a 250 m file with two cells inside the first."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.natt_konfig import KonfigFel, load_config
from pipelines.natt_steg import Steglager

BAS = "rutid;beftotalt\n6740006580000;10000\n6750006580000;8000\n"
FIN = "rutid;rutstorlek;beftotalt\n6740006580000;250;3000\n6747506580750;250;2000\n"


def _setup(tmp_path: Path, gleshet: str) -> Path:
    (tmp_path / "rutor_1km_2024.csv").write_text(BAS, encoding="utf-8")
    (tmp_path / "rutor_250m_2024.csv").write_text(FIN, encoding="utf-8")
    p = tmp_path / "natt.toml"
    p.write_text(f'utdata = "ut"\n\n[gleshet]\n{gleshet}\n', encoding="utf-8")
    return p


def test_grid_as_a_list_gives_one_flag_per_file_in_order(tmp_path):
    k = load_config(
        _setup(tmp_path, 'grid = ["rutor_1km_2024.csv", "rutor_250m_2024.csv"]\ngrid_sammanfogning = "forfina"')
    )
    g = k.gleshet
    files = [(tmp_path / n).resolve() for n in ("rutor_1km_2024.csv", "rutor_250m_2024.csv")]
    assert g.filer("grid") == files
    assert g.sokvagar == {"grid": files[0], "grid_2": files[1]}
    assert g.argv == ["--grid", str(files[0]), "--grid", str(files[1]), "--grid-sammanfogning", "forfina"]
    assert g.parametrar == {"grid_sammanfogning": "forfina"}
    assert {f"gleshet.{n}" for n in ("grid", "grid_2")} <= set(k.indatafiler())
    # a list of one is the same call as a string: the same step key as before lists existed
    one = load_config(_setup(tmp_path, 'grid = ["rutor_1km_2024.csv"]\ncell_size = [1000]')).gleshet
    text = load_config(_setup(tmp_path, 'grid = "rutor_1km_2024.csv"\ncell_size = 1000')).gleshet
    assert (one.argv, one.sokvagar, one.parametrar) == (text.argv, text.sokvagar, text.parametrar)
    assert text.parametrar == {"cell_size": 1000}


@pytest.mark.parametrize(
    "gleshet, fragment",
    [
        ("grid = 5", "[gleshet] grid: ska vara en sökväg (text) eller en lista av sökvägar, inte 5"),
        ("grid = []", "[gleshet] grid: listan är tom"),
        ('grid = ["rutor_1km_2024.csv", 7]', "[gleshet] grid nr 2: ska vara en sökväg (text) eller en lista"),
        ('grid = ["rutor_1km_2024.csv", "saknas.csv"]', "[gleshet] grid nr 2: "),
        (
            'grid = "rutor_1km_2024.csv"\ngrid_sammanfogning = "union"',
            "[gleshet] grid_sammanfogning: 'union' är inte ett av de tillåtna värdena forfina, disjunkt",
        ),
        ('grid = "rutor_1km_2024.csv"\ncell_size = [1000, 0]', "[gleshet] cell_size nr 2: ogiltigt värde 0"),
    ],
)
def test_a_malformed_grid_key_is_an_error_naming_it(tmp_path, gleshet, fragment):
    with pytest.raises(KonfigFel) as err:
        load_config(_setup(tmp_path, gleshet))
    assert fragment in str(err.value)
    if "saknas.csv" in gleshet:
        assert f"{(tmp_path / 'saknas.csv').resolve()} finns inte" in str(err.value)


@pytest.mark.slow
def test_two_grids_run_reuse_and_touching_the_second_recomputes(tmp_path, monkeypatch):
    cfg = _setup(tmp_path, 'grid = ["rutor_1km_2024.csv", "rutor_250m_2024.csv"]')
    executed: list[str] = []
    original = Steglager.kor_steg

    def counting(self, steg, *args, **kwargs):
        executed.append(steg.namn)
        return original(self, steg, *args, **kwargs)

    monkeypatch.setattr(Steglager, "kor_steg", counting)
    root = tmp_path / "ut"

    def run(rc: int = 0) -> dict:
        executed.clear()
        assert main(["natt", "--konfig", str(cfg), "-q"]) == rc
        return json.loads((root / "senaste" / "manifest.json").read_text(encoding="utf-8"))

    first = run()
    assert executed[0] == "gleshet" and "kartor" in executed
    assert set(first["steg"]["gleshet"]["indata"]) == {"grid", "grid_2"}
    assert first["steg"]["kartor"]["parametrar"]["kalla"] == "befolkningsrutor rutor_1km_2024.csv + rutor_250m_2024.csv"
    assert first["steg"]["kartor"]["parametrar"]["ar"] == 2024
    gm = json.loads((root / "senaste" / "gleshet" / "manifest.json").read_text(encoding="utf-8"))
    assert [f["befolkning"] for f in gm["grid"]["filer"]] == [13_000, 5_000]

    run()
    assert executed == []  # nothing changed: nothing computed

    fin = tmp_path / "rutor_250m_2024.csv"
    fin.write_text(FIN.replace(";2000\n", ";2500\n"), encoding="utf-8")
    os.utime(fin)
    third = run(rc=1)  # the measures moved beyond tolerance
    assert executed[0] == "gleshet"
    assert third["steg"]["gleshet"]["indata"]["grid"] == first["steg"]["gleshet"]["indata"]["grid"]
    assert third["steg"]["gleshet"]["indata"]["grid_2"] != first["steg"]["gleshet"]["indata"]["grid_2"]
    gm = json.loads((root / "senaste" / "gleshet" / "manifest.json").read_text(encoding="utf-8"))
    assert [f["befolkning"] for f in gm["grid"]["filer"]] == [12_500, 5_500]
