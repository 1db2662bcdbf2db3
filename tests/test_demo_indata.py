"""DEMO inputs (pipelines/demo_indata.py): what the user's demo folders say about themselves, and a gleshet run
that lacks kommuner."""

from __future__ import annotations

import pytest

from engine import register
from engine.errors import InputError
from pipelines.cmd_demo import _adopt_earlier_demo
from pipelines.demo_indata import write_demo_bas_utfall, write_demo_inputs
from pipelines.outputs import MANIFEST


def test_demo_readme_is_swedish_and_still_recognised_as_the_demos_own(tmp_path):
    d = write_demo_inputs(tmp_path / "indata", 2024)
    text = (d / "README.md").read_text(encoding="utf-8")
    assert text.startswith("# DEMODATA — inte officiell statistik\n")
    assert "utjämningsåret 2024; slumptalsfrö 20240101" in text
    for english in ("not official", "Generated", "seed", "Every value"):
        assert english not in text
    bas = write_demo_bas_utfall(d, tmp_path / "bas")
    assert (bas / "README.md").read_text(encoding="utf-8").startswith("# DEMO bas-utfall — inte officiell statistik")
    _adopt_earlier_demo(d)  # an earlier version's folder (no manifest) is adopted by its README
    assert (d / MANIFEST).is_file()


def test_gleshet_measures_lacking_kommuner_are_an_input_error_naming_them(tmp_path):
    kom = register.kommuner()
    matt = tmp_path / "gleshet"
    matt.mkdir()
    rows = kom[~kom["kommun_kod"].isin(["0114", "2584"])].assign(befolkning=1000)
    rows[["kommun_kod", "kommun", "befolkning"]].to_csv(matt / "kommuner.csv", index=False)
    with pytest.raises(InputError) as err:
        write_demo_inputs(tmp_path / "indata", 2024, matt_dir=matt)
    msg = str(err.value)
    assert msg.startswith(f"gleshetsmåtten {matt / 'kommuner.csv'} saknar befolkning för 2 kommuner: ")
    assert "0114 Upplands Väsby, 2584 Kiruna;" in msg
