"""Rule-set and reform values are checked (issue 9): type, finiteness, range (declared or by unit), enumerated
choices against their allowed values, duplicate YAML keys — every problem named, nothing computed."""

from __future__ import annotations

import math
import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.params import ParameterError, Params, leaf_range, load_yaml

SOU = Params.load("sou2024")
NU = Params.load("2024")


def reform(p: Params, andringar: dict) -> Params:
    return p.with_reform({"namn": "test", "andringar": andringar})


@pytest.mark.parametrize("namn", ["sou2024", "2024"])
def test_shipped_rule_sets_pass_their_own_checks(namn):
    p = Params.load(namn)  # load() runs check_value on every leaf
    choices = [k for k, leaf in p.leaves.items() if isinstance(leaf.get("value"), str) and "allowed" in leaf]
    assert len(choices) >= 20
    for k in choices:
        assert p.leaves[k]["value"] in p.leaves[k]["allowed"], k
        if "alternativ" in p.leaves[k]:  # the alternative's name (possibly followed by prose)
            assert str(p.leaves[k]["alternativ"]).split()[0] in p.leaves[k]["allowed"], k


@pytest.mark.parametrize(
    "path,value,fragment",
    [
        ("forskola.lonelage_underlag_steg", "efter-iba", "menade du 'efter_iba'"),
        ("forskola.administration_bas", "aldersersattning15", "okänt val"),
        ("ifo.korrigeringsfaktor", "gemensamt", "okänt val"),
        ("ifo.modell", "en modell", "okänt val"),
        ("lss.prislista.modell", "RS", "okänt val"),
        ("inkomstutjamning.garantiniva", float("nan"), "inte ett ändligt tal"),
        ("inkomstutjamning.garantiniva", float("inf"), "inte ett ändligt tal"),
        ("inkomstutjamning.garantiniva", True, "ska vara ett tal, fick true"),
        ("inkomstutjamning.garantiniva", -1.16, "utanför det tillåtna intervallet"),
        ("inkomstutjamning.garantiniva", "1,17", "decimaltecknet är punkt i YAML: 1.17"),
        ("forskola.lonekostnadsandel", 1.7, "[0, 1]"),
        ("forskola.lonekostnadsandel", -0.5, "[0, 1]"),
        ("tillagg.administration_andel", 13.8, "[0, 1]"),
        ("grundskola.modersmal_manader", 11.5, "inte ett heltal"),
        ("aldreomsorg.normkostnad.ensamboende_65_74", -1, "utanför"),
        ("forskola.lonelage_underlag", "aldersersattning", "ska vara en lista"),
        ("allmant.kpif", {2023: 6.0, 2024: float("nan")}, "inte ett ändligt tal"),
    ],
)
def test_bad_reform_values_are_rejected_with_the_path(path, value, fragment):
    with pytest.raises(ParameterError) as e:
        reform(SOU, {path: value})
    assert path in str(e.value) and fragment in str(e.value)


def test_every_problem_of_a_reform_is_listed_and_good_values_pass():
    with pytest.raises(ParameterError) as e:
        reform(SOU, {"inkomstutjamning.garantiniva": "x", "forskola.lonekostnadsandel": 2.0, "nope.x": 1})
    msg = str(e.value)
    assert "3 problem" in msg and "garantiniva" in msg and "lonekostnadsandel" in msg and "nope.x" in msg
    p = reform(
        SOU,
        {
            "inkomstutjamning.garantiniva": 1.17,
            "forskola.lonelage_underlag_steg": "fore_iba",
            "kollektivtrafik.fordelningsmodell.konstant": -5.0,  # a model constant is signed
            "allmant.kpif": {2023: 6.0, 2024: -0.4},
        },
    )  # a KPIF change may be negative
    assert p("inkomstutjamning.garantiniva") == 1.17 and p.raw("forskola.lonelage_underlag_steg") == "fore_iba"
    assert NU.leaves["bidrag.efterslapning.ventil_grans_procent"]["value"] == math.inf  # declared: allowed [.inf]


def test_a_signed_coefficient_keeps_its_sign_freedom():
    assert leaf_range(SOU.leaves["politisk_verksamhet.modell.koef_ln_befolkning"])[0] == (-math.inf, math.inf)
    reform(SOU, {"politisk_verksamhet.modell.koef_ln_befolkning": 12.0})


def test_unknown_keys_in_a_reform_or_an_override_are_errors():
    with pytest.raises(ParameterError, match="okänd nyckel 'ändringar'"):
        SOU.with_reform({"namn": "x", "andringar": {"inkomstutjamning.garantiniva": 1.2}, "ändringar": {}})
    with pytest.raises(ParameterError, match="range och allowed ändras inte"):
        reform(SOU, {"inkomstutjamning.garantiniva": {"value": 1.2, "range": [0, 9]}})


def test_duplicate_yaml_keys_are_errors(tmp_path):
    f = tmp_path / "r.yaml"
    f.write_text("namn: dubbel\nandringar:\n  inkomstutjamning.garantiniva: 1.2\n  inkomstutjamning.garantiniva: 1.3\n")
    with pytest.raises(ParameterError) as e:
        SOU.with_reform(f)
    assert "förekommer två gånger" in str(e.value) and "rad 3" in str(e.value) and str(f) in str(e.value)
    g = tmp_path / "ok.yaml"
    g.write_text("a: &x {value: 1}\nb:\n  <<: *x\n  unit: kr\n")  # merge keys are not duplicates
    assert load_yaml(g)["b"] == {"value": 1, "unit": "kr"}


def test_duplicate_key_in_a_rule_set_file_is_an_error(tmp_path):
    d = tmp_path / "egen"
    d.mkdir()
    (d / "allmant.yaml").write_text(
        "x: {value: 1, unit: kr, source: s, valid_from: 2024}\nx: {value: 2, unit: kr, source: s, valid_from: 2024}\n"
    )
    with pytest.raises(ParameterError, match="förekommer två gånger"):
        Params.load("egen", d)


def test_a_rule_set_value_outside_its_range_is_an_error(tmp_path):
    d = tmp_path / "egen"
    d.mkdir()
    (d / "allmant.yaml").write_text("andel: {value: 1.5, unit: andel, source: s, valid_from: 2024}\n")
    with pytest.raises(ParameterError, match=r"allmant.andel: 1.5 ligger utanför"):
        Params.load("egen", d)


def test_a_value_out_of_range_names_how_the_unit_is_written():
    """enheter.yaml's `skal` follows the range problem: 13,8 % given as 13.8 for an andel says 0.138."""
    with pytest.raises(ParameterError) as e:
        reform(SOU, {"tillagg.administration_andel": 13.8})
    assert (
        "tillagg.administration_andel: 13.8 ligger utanför det tillåtna intervallet [0, 1] (andel) — en andel: "
        "13,8 % anges som 0.138" in str(e.value)
    )
    with pytest.raises(ParameterError, match=r"116 % anges som 1\.16"):
        reform(SOU, {"inkomstutjamning.garantiniva": 116})


def test_every_unit_scale_is_written_in_swedish():
    from engine.params import unit_ranges

    for pattern, _, _, skal in unit_ranges():
        assert skal, pattern.pattern
        assert not re.search(r"\b(a|an|the|share|amount|may|be)\b", skal), skal


def test_a_rule_set_with_many_bad_values_counts_the_ones_not_shown(tmp_path):
    d = tmp_path / "egen"
    d.mkdir()
    (d / "allmant.yaml").write_text(
        "".join(f"a{i:02d}: {{value: 1.5, unit: andel, source: s, valid_from: 2024}}\n" for i in range(23))
    )
    with pytest.raises(ParameterError) as e:
        Params.load("egen", d)
    msg = str(e.value)
    assert msg.startswith(f"regelverk 'egen' ({d}): 23 problem\n  - allmant.a00: 1.5 ligger utanför")
    assert "allmant.a19: 1.5" in msg and "allmant.a20" not in msg
    assert msg.endswith("… och 3 till")


def test_scenario_batches_are_checked():
    with pytest.raises(ParameterError, match="inte ett ändligt tal"):
        SOU.with_batch({"inkomstutjamning.garantiniva": [1.1, float("nan")]})
    with pytest.raises(ParameterError, match="utanför"):
        SOU.with_batch({"forskola.lonekostnadsandel": [0.5, 1.5]})
    assert SOU.with_batch({"inkomstutjamning.garantiniva": [1.1, 1.2]}).n_scenarios == 2


def test_scenario_batch_values_are_checked_as_written_before_conversion():
    """Like a reform value: the text '0,1' and true/false are no numbers (np.asarray made them 0.1 / 1.0 / 0.0 or
    raised numpy's English ValueError), an unknown path gets the reform's "menade du …?" — all in one error."""
    with pytest.raises(ParameterError) as e:
        SOU.with_batch(
            {
                "forskola.lonekostnadsandl": [0.5, 0.6],
                "grundskola.lonekostnadsandel": ["0,1", 0.2],
                "ifo.lonekostnadsandel": [True, False],
            }
        )
    msg = str(e.value)
    assert msg.startswith("scenariobatch: 4 problem\n")
    assert (
        "forskola.lonekostnadsandl: ingen sådan parameter i regelverk sou2024 (menade du forskola.lonekostnadsandel"
        in msg
    )
    assert "grundskola.lonekostnadsandel (scenario 0): ska vara ett tal, fick texten '0,1'" in msg
    assert "ifo.lonekostnadsandel (scenario 0): ska vara ett tal, fick true" in msg
    assert "ifo.lonekostnadsandel (scenario 1): ska vara ett tal, fick false" in msg
    with pytest.raises(ParameterError, match="fick texten '0,1'"):
        SOU.with_batch({"forskola.lonekostnadsandel": "0,1"})  # one text: not split into characters
    with pytest.raises(ParameterError, match=r"lika många värden, fick forskola.lonekostnadsandel: 2, ifo"):
        SOU.with_batch({"forskola.lonekostnadsandel": [0.5, 0.6], "ifo.lonekostnadsandel": [0.5]})
    with pytest.raises(ParameterError, match=r"forskola\.lonekostnadsandel: inga värden"):
        SOU.with_batch({"forskola.lonekostnadsandel": []})
    with pytest.raises(
        ParameterError, match=r"aldreomsorg\.aldersgrupper: en scenariobatch varierar tal, parametern är en"
    ):
        SOU.with_batch({"aldreomsorg.aldersgrupper": [1.0]})


def test_scenario_batch_problems_beyond_twenty_are_counted():
    with pytest.raises(ParameterError) as e:
        SOU.with_batch({"forskola.lonekostnadsandel": [1.5] * 25})
    msg = str(e.value)
    assert msg.startswith("scenariobatch: 25 problem\n")
    assert "(scenario 19): 1.5 ligger utanför" in msg and "(scenario 20)" not in msg
    assert msg.endswith("… och 5 till")


NUMERIC = [
    k
    for k, leaf in SOU.leaves.items()
    if isinstance(leaf.get("value"), (int, float)) and not isinstance(leaf.get("value"), bool)
]
CHOICES = [k for k, leaf in SOU.leaves.items() if isinstance(leaf.get("value"), str) and "allowed" in leaf]


@settings(max_examples=150, deadline=None)
@given(
    path=st.sampled_from(NUMERIC),
    bad=st.one_of(
        st.sampled_from([float("nan"), float("inf"), float("-inf"), 1e300, -1e300]),
        st.booleans(),
        st.text(max_size=8),
        st.none(),
        st.lists(st.floats(), max_size=2),
    ),
)
def test_hypothesis_bad_numeric_reform_values_never_pass(path, bad):
    rng, _ = leaf_range(SOU.leaves[path])
    if isinstance(bad, float) and math.isfinite(bad) and (rng is None or rng[0] <= bad <= rng[1]):
        return  # ±1e300 inside an open range is a legal (if absurd) coefficient
    with pytest.raises(ParameterError) as e:
        reform(SOU, {path: bad})
    assert path in str(e.value)


@settings(max_examples=100, deadline=None)
@given(path=st.sampled_from(CHOICES), text=st.text(min_size=1, max_size=20))
def test_hypothesis_a_choice_outside_its_allowed_values_never_passes(path, text):
    allowed = SOU.leaves[path]["allowed"]
    if text in allowed:
        assert reform(SOU, {path: text}).raw(path) == text
    else:
        with pytest.raises(ParameterError, match="okänt val"):
            reform(SOU, {path: text})


@settings(max_examples=100, deadline=None)
@given(path=st.sampled_from(NUMERIC), u=st.floats(0, 1))
def test_hypothesis_values_inside_the_range_are_accepted(path, u):
    leaf = SOU.leaves[path]
    (lo, hi), whole = leaf_range(leaf)[0] or (-1e6, 1e6), leaf_range(leaf)[1]
    lo, hi = max(lo, -1e6), min(hi, 1e6)
    v = lo + u * (hi - lo)
    v = float(math.floor(v)) if whole else v
    assert reform(SOU, {path: v})(path) == pytest.approx(v)


def test_yaml_loader_keeps_plain_documents():
    assert yaml.safe_load("a: 1") == {"a": 1}


@pytest.mark.parametrize("namn", ["sou2024", "2024"])
def test_every_enumerated_choice_declares_its_allowed_values(namn):
    """A string the engine compares (an identifier, not a description) must list its allowed values, so a typo in a
    reform is an error and not silently the other branch; free text (unit 'text' with prose) and paths are exempt."""
    import re

    p = Params.load(namn)
    missing = [
        k
        for k, leaf in p.leaves.items()
        if isinstance(leaf.get("value"), str)
        and "allowed" not in leaf
        and leaf.get("unit") != "katalog"
        and (leaf.get("unit") != "text" or re.fullmatch(r"[a-z0-9_<>=,.\-]+", leaf["value"]))
    ]
    assert missing == []
