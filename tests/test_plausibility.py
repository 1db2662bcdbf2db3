"""Plausibility of engine inputs (issue 9): bands of data/rimlighet.yaml for every schema variable, signed variables
keep their sign, unusual values become notes, the fasta index tables and the `--bas-bilaga4` check."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import schema
from engine.indata import IndataError, load_indata, read_tables, validate
from engine.register import FASTA_INDEX_DIR, RegisterError, read_fasta_index


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from pipelines.demo_indata import write_demo_inputs

    return write_demo_inputs(tmp_path_factory.mktemp("indata"), 2024)


@pytest.fixture(scope="module")
def tables(demo):
    return read_tables(demo)


def test_every_variable_has_a_band_and_the_demo_is_inside_every_error_band(demo):
    for v in schema.VARIABLES:
        b = schema.band(v.name)
        assert b.fel[0] <= b.fel[1] and (b.varning is None or b.fel[0] <= b.varning[0] <= b.varning[1] <= b.fel[1])
        assert b.per is None or b.per in schema.BY_NAME, v.name
    assert set(schema._rimlighet()["indata"]) <= set(schema.BY_NAME)
    for rv in ("sou2024", "2024"):
        assert load_indata(demo, rv, 2024).varningar == []


def _with(tables, niva, code, col, value):
    t = {k: v.copy() for k, v in tables[0].items()}
    key = {"kommun": "kommun_kod", "lan": "lan_kod", "region": "region_kod"}[niva]
    t[niva].loc[t[niva][key] == code, col] = value
    return t, tables[1]


def test_a_signed_riket_variable_keeps_its_sign(tables):
    t = {k: v.copy() for k, v in tables[0].items()}
    r = t["riket"]
    r.loc[r["variabel"] == "utfall_t1_regleringspost_region_kr_per_inv", "varde"] = "-118"
    assert validate(t, tables[1], "sou2024", 2024).riket["utfall_t1_regleringspost_region_kr_per_inv"] == -118.0


def test_a_riket_variable_given_twice_is_an_error_not_the_last_value(tables):
    t = {k: v.copy() for k, v in tables[0].items()}
    t["riket"] = pd.concat(
        [t["riket"], pd.DataFrame({"variabel": ["utfall_t1_regleringspost_region_kr_per_inv"], "varde": ["-4923"]})],
        ignore_index=True,
    )
    with pytest.raises(IndataError, match="förekommer på flera rader"):
        validate(t, tables[1], "sou2024", 2024)


@pytest.mark.parametrize(
    "col,value,fragment",
    [
        ("skatteunderlag_kr", None, "per folkmangd_1nov_t1) ligger utanför"),  # tkr instead of kr
        ("kommunalskatt_2022", "0.2042", "[5, 40]"),  # a fraction instead of percent
        ("folkmangd_1nov_t1", "0", "[1, 11 000 000]"),
        ("gy_programkostnad_kr", None, "per gy_elever) ligger utanför"),  # tkr
        ("medeldistans_3000_km", "34500", "[0, 500]"),  # metres instead of km
        (
            "tatortsbefolkning",
            "9000000",
            "per folkmangd_31dec_t2) ligger utanför",
        ),  # more than the kommun's inhabitants
    ],
)
def test_a_wrong_unit_is_an_error(tables, col, value, fragment):
    t = tables[0]["kommun"]
    if value is None:
        value = str(float(t.loc[0, col]) / 1000)
    bad = _with(tables, "kommun", t.loc[0, "kommun_kod"], col, value)
    with pytest.raises(IndataError) as e:
        validate(*bad, "sou2024", 2024)
    assert f"kolumn '{col}'" in str(e.value) and fragment in str(e.value)


def test_an_unusual_value_is_a_note_not_silence(tables):
    kod = tables[0]["kommun"].loc[3, "kommun_kod"]
    d = validate(*_with(tables, "kommun", kod, "ohalsotal", "70"), "sou2024", 2024)
    assert len(d.varningar) == 1 and "'ohalsotal'" in d.varningar[0] and f"{kod} " in d.varningar[0]
    assert "[5, 60]" in d.varningar[0]


KOMMUN_VARS = [v.name for v in schema.variables(schema.KOMMUN, "sou2024")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    col=st.sampled_from(KOMMUN_VARS),
    row=st.integers(0, 289),
    bad=st.sampled_from(["nan", "inf", "-inf", "1e30", "-1e30", "abc", "", "1,2,3"]),
)
def test_hypothesis_a_bad_kommun_value_is_always_named(tables, col, row, bad):
    t = tables[0]["kommun"]
    with pytest.raises(IndataError) as e:
        validate(*_with(tables, "kommun", t.loc[row, "kommun_kod"], col, bad), "sou2024", 2024)
    assert f"rad {row + 2} ({t.loc[row, 'kommun_kod']}" in str(e.value) and f"kolumn '{col}'" in str(e.value)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from([v.name for v in schema.variables(schema.RIKET, "sou2024")]),
    factor=st.sampled_from([1e-6, 1e-3, 1e6, 1e9]),
)
def test_hypothesis_a_riket_value_in_the_wrong_unit_is_caught(tables, name, factor):
    t = {k: v.copy() for k, v in tables[0].items()}
    r = t["riket"]
    if name not in set(r["variabel"]):
        return  # an optional riket input the demo does not give
    v = float(r.loc[r["variabel"] == name, "varde"].iloc[0]) * factor
    b = schema.band(name)
    r.loc[r["variabel"] == name, "varde"] = repr(v)
    if b.fel[0] <= v <= b.fel[1]:
        return  # e.g. a small kr/inv outcome times 1 000 can still be plausible
    with pytest.raises(IndataError, match=name):
        validate(t, tables[1], "sou2024", 2024)


# --- fasta index tables ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "col,value,fragment",
    [
        ("loneindex", "0", "[50, 200]"),
        ("loneindex", "1.038", "[50, 200]"),
        ("glesbygd_hemtjanst", "-0.98", "[0,01, 10]"),
        ("behov_forskola", "nan", "inte ett ändligt tal"),
        ("glesbygd_grundskola", "", "inte ett ändligt tal"),
    ],
)
def test_a_bad_fasta_index_value_is_an_error(tmp_path, col, value, fragment):
    d = tmp_path / "fi"
    shutil.copytree(FASTA_INDEX_DIR, d)
    t = pd.read_csv(d / "fasta_index_kommuner_del1.csv", dtype=str, keep_default_na=False)
    t.loc[5, col] = value
    t.to_csv(d / "fasta_index_kommuner_del1.csv", index=False)
    with pytest.raises(RegisterError) as e:
        read_fasta_index(d)
    assert f"rad 6 ({t.loc[5, 'kommun']}), kolumn '{col}'" in str(e.value) and fragment in str(e.value)


def test_fasta_index_codes_are_cleaned_like_the_input_tables(tmp_path):
    """A kommun code Excel wrote as a number ("114", "114.0") is the kommun 0114 here as in the input tables."""
    d = tmp_path / "fi"
    shutil.copytree(FASTA_INDEX_DIR, d)
    t = pd.read_csv(d / "fasta_index_kommuner_del1.csv", dtype=str, keep_default_na=False)
    row = t.index[t["kommun_kod"] == "0114"][0]
    t.loc[row, "kommun_kod"] = "114.0"
    t.to_csv(d / "fasta_index_kommuner_del1.csv", index=False)
    assert read_fasta_index(d).kommun.equals(read_fasta_index().kommun)


def test_the_published_fasta_index_tables_are_plausible_without_notes():
    assert read_fasta_index().varningar == ()


# --- jamfor --bas-bilaga4 ----------------------------------------------------------------------------------------


def test_bilaga4_check_is_silent_for_the_committees_outcome_and_names_a_deviation():
    from engine.register import DATA
    from pipelines.cmd_jamfor import bilaga4_avvikelse

    t1 = pd.read_csv(DATA / "bilaga4" / "tabell1_kommuner.csv", dtype={"kommun_kod": str}).set_index("kommun_kod")
    t2 = pd.read_csv(DATA / "bilaga4" / "tabell2_regioner.csv", dtype={"region_kod": str}).set_index("region_kod")
    tables = {
        "tabell1_kommuner": t1[["inkomstutjamning_forslag"]] + 0.4,  # the engine reproduces within 1 kr
        "tabell2_regioner": t2[["inkomstutjamning_forslag"]] - 0.4,
    }
    assert bilaga4_avvikelse(tables, 2024) == []
    tables["tabell1_kommuner"].loc["2518", "inkomstutjamning_forslag"] += 60.0
    notes = bilaga4_avvikelse(tables, 2025)
    assert len(notes) == 2 and "2025" in notes[0]
    assert "tabell 1" in notes[1] and "1 av 290 kommuner" in notes[1] and "2518 Övertorneå: 60 kr/inv" in notes[1]
    assert np.isclose(float(schema.bilaga4_check()["tolerans_kr_per_inv"]), 5.0)
