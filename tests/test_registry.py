"""The registry of delmodeller and components (engine/kostnad/__init__.py, issue 12): one list in code, module-level
functions with their paragraphs, applicability decided by each law's parameters for the year, results by name, a
trace per component, and runs that leave the caller's context unchanged."""

from __future__ import annotations

import numpy as np
import pytest
from engine_helpers import make_ctx

from engine import kostnad
from engine.kostnad import DELMODELLER, aktuella, delmodeller
from engine.params import Params

#: What each law has (the lists its YAML files held before the registry decided it from the parameters).
SOU = {
    "forskola": [
        "aldersersattning",
        "behov_forskola",
        "behov_fritidshem",
        "socioekonomi",
        "gles_bebyggelse",
        "strukturellt_lonelage",
        "overgripande_administration",
    ],
    "aldreomsorg": [
        "aldersersattning",
        "dodlighet",
        "gles_bebyggelse",
        "strukturellt_lonelage",
        "overgripande_administration",
    ],
    "ifo": ["barn_och_unga", "ovrig_ifo", "strukturellt_lonelage", "overgripande_administration"],
}
NUVARANDE = {
    "forskola": [
        "aldersersattning",
        "behov_forskola",
        "behov_fritidshem",
        "socioekonomi",
        "gles_bebyggelse",
        "strukturellt_lonelage",
        "befolkningsforandringar",
    ],
    "grundskola": [
        "aldersersattning",
        "modersmal",
        "gles_bebyggelse",
        "strukturellt_lonelage",
        "befolkningsforandringar",
    ],
    "gymnasieskola": [
        "aldersersattning",
        "gles_bebyggelse",
        "programval",
        "strukturellt_lonelage",
        "befolkningsforandringar",
    ],
    "aldreomsorg": [
        "aldersersattning",
        "dodlighet",
        "sprak",
        "institutionsboende_glesbygd",
        "hemtjanst_glesbygd",
        "strukturellt_lonelage",
    ],
    "ifo": ["korrigerat_modellvarde", "strukturellt_lonelage"],
}


def _trees():
    from engine.params import _law_tree

    return {lag: _law_tree(lag)[1] for lag in ("nuvarande", "sou2024")}


def test_one_list_of_module_level_functions_with_their_paragraphs():
    assert len({(dm.namn, dm.niva) for dm in DELMODELLER}) == len(DELMODELLER)
    for dm in DELMODELLER:
        assert "§" in dm.paragraf, dm.namn
        for k in dm.komponenter:
            f = k.berakna
            assert f.__module__.startswith("engine.kostnad.") and "." not in f.__qualname__, (dm.namn, k.namn)
            assert "§" in k.paragraf or "bilaga" in k.paragraf, (dm.namn, k.namn)


def test_every_condition_names_a_parameter_of_some_law():
    trees = _trees()
    for dm in DELMODELLER:
        assert any(dm.markor in t for t in trees.values()) or dm.namn in ("befolkningsforandringar_region",)
        for k in dm.komponenter:
            path = k.villkor[0] if isinstance(k.villkor, tuple) else k.villkor
            if path is not None:
                assert any(path in t for t in trees.values()), (dm.namn, k.namn, path)


@pytest.mark.parametrize("namn, want", [("sou2024", SOU), ("2024", NUVARANDE)])
def test_the_law_decides_which_components_apply(namn, want):
    ctx = make_ctx({"folkmangd_31dec_t2": [1.0]}, regelverk=namn)
    for dm_namn, komponenter in want.items():
        assert [k.namn for k in aktuella(ctx, kostnad.DELMODELL[(dm_namn, "kommun")])] == komponenter, dm_namn


def test_the_justerad_lonekostnad_names_registered_components_of_the_law():
    for namn in ("sou2024", "2024"):
        ctx = make_ctx({"folkmangd_31dec_t2": [1.0]}, regelverk=namn)
        for dm in delmodeller(ctx.p, "kommun"):
            if ctx.p.finns(f"{dm.namn}.lonelage_underlag"):
                names = {k.namn for k in aktuella(ctx, dm)}
                assert set(ctx.p.raw(f"{dm.namn}.lonelage_underlag")) <= names, (namn, dm.namn)


def test_a_component_follows_its_parameter_through_a_year_and_a_reform(tmp_path):
    """The current rules' tillägg för befolkningsförändringar exists where the law has its amount: dating the amount
    from 2025 leaves 2024 without the component (and the strukturellt löneläge without it in its underlag)."""
    p = Params.load("2024")
    dm = kostnad.DELMODELL[("forskola", "kommun")]
    ctx = make_ctx({"folkmangd_31dec_t2": [1.0]}, regelverk="2024")
    assert "befolkningsforandringar" in [k.namn for k in aktuella(ctx, dm)]
    d = p.datert["forskola.befolkningsforandringar_belopp"]
    d["values"] = [(2025, e) for _, e in d["values"]]
    ctx.p = p.for_ar(2025).for_ar(2024)
    assert "befolkningsforandringar" not in [k.namn for k in aktuella(ctx, dm)]


def test_results_pass_by_name_and_the_callers_context_is_unchanged():
    """No component reads another through the context: the delmodell gets one Delresultat; the same context run twice
    gives the same result and keeps no trace of the first run."""
    k = {
        "folkmangd_31dec_t2": [1000.0, 3000.0, 2000.0],
        "bef_1_5": [60.0, 150.0, 90.0],
        "bef_6": [12.0, 30.0, 20.0],
        "bef_7_9": [35.0, 100.0, 60.0],
        "bef_10_12": [35.0, 100.0, 60.0],
        "sei_forskola_utbildning": [0.1, 0.2, 0.15],
        "sei_forskola_inkomst": [0.1, 0.1, 0.2],
        "sei_forskola_vistelsetid": [0.05, 0.1, 0.07],
    }
    ctx = make_ctx(k, idx={"loneindex": [104.0, 99.0, 100.0], "behov_forskola": [1.02, 0.99, 1.0]})
    assert not hasattr(ctx, "cache")
    a = kostnad.berakna_delmodell(ctx, "forskola")
    notes = list(ctx.notes)
    b = kostnad.berakna_delmodell(ctx, "forskola")
    for c in a:
        np.testing.assert_array_equal(a[c], b[c])
    assert ctx.notes == notes
    np.testing.assert_allclose(a["standardkostnad"], sum(a[c] for c in a if c != "standardkostnad"), rtol=1e-15)


def test_a_delmodell_the_law_does_not_have_says_why_when_called():
    ctx = make_ctx({"folkmangd_31dec_t2": [1.0, 2.0]}, regelverk="2024")
    out = kostnad.berakna_delmodell(ctx, "gator_och_vagar")
    assert list(out) == ["standardkostnad"] and np.isnan(out["standardkostnad"]).all()
    assert ctx.notes == [
        "Gator och vägar: ej tillgänglig i regelverk 2024 — ny delmodell i SOU 2024:50; ingår inte i "
        "nuvarande regler (lag 2004:773 8 § nuvarande lydelse) — kostnaderna ingår i infrastruktur och "
        "skydd och verksamhetsövergripande kostnader"
    ]


def test_a_year_without_delmodeller_makes_the_kostnadsutjamning_not_available_never_zero():
    from engine.model import kostnadsutjamning

    ctx = make_ctx({"folkmangd_31dec_t2": [1.0, 2.0], "folkmangd_1nov_t1": [1.0, 2.0]}, regelverk="2024", ar=2019)
    out = kostnadsutjamning(ctx)
    assert np.isnan(out["kostnadsutjamning.kostnadsutjamning"]).all()
    assert any("ingen delmodell för utjämningsår 2019" in n for n in ctx.notes)
