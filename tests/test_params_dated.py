"""Laws with a time axis (engine/params.py, issue 12): dated values resolved by utjämningsår, reforms overlaying
one year, inheritance of the leaves the proposal keeps, and the years a law cannot be computed for."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from engine_helpers import make_ctx

from engine import params as P
from engine.params import ParameterError, Params, SaknasForAret

LAG = {"namn": "prov", "berakningsbar_fran": {"value": 2024, "source": "test"}}
OMRADE = {
    "garantiniva": {
        "unit": "andel av medelskattekraften",
        "range": [0.5, 2],
        "values": {
            2024: {"value": 1.15, "source": "lag 4 § (2024)"},
            2026: {"value": 1.17, "source": "lag 4 § (2026)"},
        },
    },
    "val": {
        "unit": "text",
        "allowed": ["efter_iba", "fore_iba"],
        "alternativ": "fore_iba",
        "values": {2024: {"value": "efter_iba", "source": "s"}, 2025: {"value": "fore_iba", "source": "t"}},
    },
    "ny": {"value": 3.0, "unit": "kr/inv", "source": "ny regel från 2026", "valid_from": 2026},
    "fast": {"value": 0.5, "unit": "andel", "source": "oförändrad", "valid_from": 2024},
}


def _law(tmp_path, omrade=OMRADE, lag=LAG):
    d = tmp_path / "prov"
    d.mkdir(exist_ok=True)
    (d / "lag.yaml").write_text(yaml.safe_dump(lag, allow_unicode=True), encoding="utf-8")
    (d / "inkomstutjamning.yaml").write_text(yaml.safe_dump(omrade, allow_unicode=True), encoding="utf-8")
    return d


def test_the_value_of_a_year_is_the_latest_dated_value_up_to_it(tmp_path):
    d = _law(tmp_path)
    by_year = {ar: Params.load("prov", d, ar=ar) for ar in (2024, 2025, 2026, 2031)}
    assert [by_year[a]("inkomstutjamning.garantiniva") for a in (2024, 2025, 2026, 2031)] == [1.15, 1.15, 1.17, 1.17]
    assert [by_year[a].raw("inkomstutjamning.val") for a in (2024, 2025, 2026)] == ["efter_iba", "fore_iba", "fore_iba"]
    leaf = by_year[2025].leaf("inkomstutjamning.garantiniva")
    assert (leaf["valid_from"], leaf["source"], leaf["range"]) == (2024, "lag 4 § (2024)", [0.5, 2])
    assert by_year[2026].leaf("inkomstutjamning.garantiniva")["valid_from"] == 2026
    assert by_year[2025].leaf("inkomstutjamning.val")["allowed"] == ["efter_iba", "fore_iba"]  # survive dating
    assert Params.load("prov", d).ar == 2026  # default: the latest year any value starts
    # records (manifest, Parametrar sheet) show the value of the year and where it starts
    rec = {r["parameter"]: r for r in by_year[2031].as_records()}
    assert (rec["inkomstutjamning.garantiniva"]["value"], rec["inkomstutjamning.garantiniva"]["valid_from"]) == (
        1.17,
        2026,
    )


def test_a_leaf_whose_first_value_comes_later_is_not_part_of_the_law_that_year(tmp_path):
    d = _law(tmp_path)
    p25 = Params.load("prov", d, ar=2025)
    assert not p25.finns("inkomstutjamning.ny") and not p25.has("inkomstutjamning.ny")
    with pytest.raises(
        SaknasForAret,
        match=r"regelverk prov: värdet för inkomstutjamning\.ny gäller först från utjämningsår 2026, inte 2025",
    ):
        p25("inkomstutjamning.ny")
    assert p25.for_ar(2026)("inkomstutjamning.ny") == 3.0 and p25.for_ar(2026).finns("inkomstutjamning.ny")
    # a component reading it is "ej tillgänglig" naming it (SaknasForAret is an EjTillganglig) …
    ctx = make_ctx({"folkmangd_31dec_t2": [1.0, 2.0]})
    ctx.p = p25
    out = ctx.komponent("prov.ny", lambda: ctx.p("inkomstutjamning.ny"))
    assert np.isnan(out).all() and ctx.notes == [
        "Prov: ny: ej tillgänglig i regelverk prov — värdet för inkomstutjamning.ny gäller först från "
        "utjämningsår 2026, inte 2025"
    ]
    # … and where nothing catches it, an input error (exit 2)
    assert issubclass(SaknasForAret, P.InputError)


def test_a_year_before_the_law_can_be_computed_is_an_error_naming_the_law(tmp_path):
    with pytest.raises(ParameterError, match="regelverk prov kan beräknas för utjämningsår från 2024, inte 2023"):
        Params.load("prov", _law(tmp_path), ar=2023)
    with pytest.raises(
        ParameterError, match=r"kan beräknas för utjämningsår från 2024, inte 2023 .*träder i kraft 2026"
    ):
        Params.load("sou2024", ar=2023)
    assert Params.load("sou2024", ar=2024).ar == 2024  # Bilaga 4: "som om systemet hade införts 2024"
    with pytest.raises(ParameterError, match="regelverk 2024 kan beräknas för utjämningsår från 2019"):
        Params.load("2024", ar=2018)


def test_a_reform_overlays_one_year_or_every_year_and_keeps_range_and_allowed(tmp_path):
    d = _law(tmp_path)
    base = Params.load("prov", d, ar=2025)
    ett_ar = base.with_reform(
        {
            "namn": "2025 högre",
            "andringar": {
                "inkomstutjamning.garantiniva": {"values": {2025: 1.20, 2026: {"value": 1.17, "source": "åter lagens"}}}
            },
        }
    )
    assert [ett_ar.for_ar(a)("inkomstutjamning.garantiniva") for a in (2024, 2025, 2026, 2030)] == [
        1.15,
        1.20,
        1.17,
        1.17,
    ]
    assert ett_ar.leaf("inkomstutjamning.garantiniva")["source"] == "reform 2025 högre"
    alla = base.with_reform({"namn": "alla år", "andringar": {"inkomstutjamning.garantiniva": 1.18}})
    assert {alla.for_ar(a)("inkomstutjamning.garantiniva") for a in (2024, 2025, 2026, 2040)} == {1.18}
    assert base("inkomstutjamning.garantiniva") == 1.15  # the reform made a copy
    with pytest.raises(ParameterError, match=r"3 ligger utanför det tillåtna intervallet \[0.5, 2\]"):
        base.with_reform({"namn": "x", "andringar": {"inkomstutjamning.garantiniva": {"values": {2027: 3.0}}}})
    with pytest.raises(ParameterError, match=r"okänt val 'fore-iba'.*menade du 'fore_iba'"):
        base.with_reform({"namn": "x", "andringar": {"inkomstutjamning.val": {"values": {2027: "fore-iba"}}}})
    with pytest.raises(ParameterError, match="'tjugo' är inte ett årtal"):
        base.with_reform({"namn": "x", "andringar": {"inkomstutjamning.garantiniva": {"values": {"tjugo": 1.2}}}})


def test_a_dated_value_outside_its_range_in_the_law_is_an_error_naming_the_year(tmp_path):
    bad = {
        **OMRADE,
        "garantiniva": {
            **OMRADE["garantiniva"],
            "values": {**OMRADE["garantiniva"]["values"], 2027: {"value": 2.5, "source": "x"}},
        },
    }
    with pytest.raises(ParameterError, match=r"inkomstutjamning\.garantiniva: 2\.5 ligger utanför .* \(2027\)"):
        Params.load("prov", _law(tmp_path, bad))


def test_the_engine_computes_each_year_with_its_own_values():
    """The shipped proposal with a reform that changes the garantinivå from 2025: 2024 keeps 116 %, 2025 computes
    117 %, so the guaranteed skattekraft (garantinivå × medelskattekraft) differs by exactly the ratio."""
    k = {"folkmangd_1nov_t1": [10_000, 30_000], "skatteunderlag_kr": [2.0e9, 9.0e9], "folkmangd_31dec_t2": [1, 1]}
    reform = {
        "inkomstutjamning.garantiniva": {"values": {2025: 1.17}},
        "allmant.kpif": {2023: 6.0, 2024: 2.7, 2025: 2.0},
    }
    from engine.inkomst import inkomstutjamning

    g = {
        ar: inkomstutjamning(make_ctx(k, andringar=reform, ar=ar))["garanterad_skattekraft_kr_per_inv"]
        for ar in (2024, 2025)
    }
    msk = (2.0e9 + 9.0e9) / 40_000
    np.testing.assert_allclose(g[2024], 1.16 * msk, rtol=1e-15)
    np.testing.assert_allclose(g[2025], 1.17 * msk, rtol=1e-15)


def test_the_proposal_inherits_what_it_keeps_and_writes_nothing_twice():
    nu, sou = Params.load("nuvarande"), Params.load("sou2024")
    arv = sou.lag_meta["arver"]
    assert arv["fran"] == "nuvarande" and len(arv["parametrar"]) >= 49
    for path, citat in arv["parametrar"].items():
        citat = citat["source"] if isinstance(citat, dict) else citat  # {source, note}: the note is internal
        assert sou.raw(path) == nu.raw(path), path
        assert sou.leaf(path).get("allowed") == nu.leaf(path).get("allowed"), path
        assert sou.source(path).startswith(citat), path  # the proposal's own citation …
        assert nu.source(path) in sou.source(path), path  # … and the kept rule's
    own_nu, own_sou = P._read_tree(P.REGELVERK_DIR / "nuvarande", "x")[1], P._law_tree("sou2024")[1]
    twice = [
        p
        for p in own_nu
        if p in own_sou
        and p not in arv["parametrar"]
        and own_nu[p]["values"]
        and own_sou[p]["values"]
        and own_nu[p]["values"][-1][1]["value"] == own_sou[p]["values"][-1][1]["value"]
    ]
    # the one equal value kept apart: the proposal's own open choice between its bilaga (0,706) and its chapter
    # (0,71), OPEN-18 — not a rule it inherits
    assert twice == ["halso_och_sjukvard.lonekostnadsandel"]
    assert "lss.kpif" not in sou.leaves and "lss.kpif" not in nu.leaves  # the KPIF is one series


def test_inheritance_follows_a_new_dated_value_of_the_law_in_force(tmp_path, monkeypatch):
    """A new year's value added to the law in force reaches the proposal that inherits the parameter."""
    for name, lag, omr in (
        ("bas", {"namn": "bas", "berakningsbar_fran": 2024}, OMRADE),
        (
            "forslag",
            {
                "namn": "forslag",
                "berakningsbar_fran": 2024,
                "arver": {"fran": "bas", "parametrar": {"inkomstutjamning.garantiniva": "förslaget behåller 4 §"}},
            },
            {"egen": {"value": 1, "unit": "kr/inv", "source": "s", "valid_from": 2024}},
        ),
    ):
        d = tmp_path / name
        d.mkdir()
        (d / "lag.yaml").write_text(yaml.safe_dump(lag, allow_unicode=True), encoding="utf-8")
        (d / "inkomstutjamning.yaml").write_text(yaml.safe_dump(omr, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(P, "REGELVERK_DIR", tmp_path)
    P._lag_index.cache_clear(), P._law_tree.cache_clear()
    try:
        f = {ar: Params.load("forslag", ar=ar) for ar in (2025, 2026)}
        assert f[2025]("inkomstutjamning.garantiniva") == 1.15 and f[2026]("inkomstutjamning.garantiniva") == 1.17
        assert f[2026].source("inkomstutjamning.garantiniva") == (
            "förslaget behåller 4 § — oförändrat från regelverk bas: lag 4 § (2026)"
        )
        (tmp_path / "forslag" / "inkomstutjamning.yaml").write_text(
            yaml.safe_dump({**OMRADE, "egen": {"value": 1, "unit": "kr/inv", "source": "s", "valid_from": 2024}}),
            encoding="utf-8",
        )
        P._law_tree.cache_clear()
        with pytest.raises(ParameterError, match="garantiniva: står både i regelverk forslag och i dess arv från bas"):
            Params.load("forslag")
    finally:
        P._lag_index.cache_clear(), P._law_tree.cache_clear()


def test_describe_names_a_value_the_law_does_not_have_that_year(tmp_path):
    """`forklara` describes every parameter a component read; one whose first value comes later was an internal error
    (KeyError) — now it is described as ej tillgänglig with the year it applies from."""
    p25 = Params.load("prov", _law(tmp_path), ar=2025)
    assert p25.describe("inkomstutjamning.ny") == {
        "status": "ej_tillganglig",
        "reason": "värdet för inkomstutjamning.ny gäller först från utjämningsår 2026, inte 2025",
    }
    assert p25.describe("finns.inte")["reason"] == "finns inte i regelverk prov för utjämningsår 2025"
