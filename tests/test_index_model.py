"""Tests of pipelines/index_model.py and `utjamning index`: calibration, estimation, floors, normalisation."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from geo.matt import LAN_NAMES, RIKSOMRADE_BY_LAN
from pipelines import index_model as im

SPECS = im.INDEX_SPECS


def synthetic_measures(n_per_lan: int = 10, seed: int = 0) -> pd.DataFrame:
    """A Sweden-like kommun measure table: every län, lognormal distances, a few island kommuner."""
    rng = np.random.default_rng(seed)
    rows = []
    for lan in sorted(LAN_NAMES):
        for i in range(n_per_lan):
            kod = f"{lan}{i + 10:02d}"
            d3 = float(np.exp(rng.normal(1.0, 1.0)))
            rows.append(
                {
                    "kommun_kod": kod,
                    "kommun": f"K{kod}",
                    "lan_kod": lan,
                    "befolkning": int(rng.integers(2_000, 200_000)),
                    "avstand_3000_km": d3,
                    "avstand_15000_km": d3 * float(np.exp(rng.normal(1.0, 0.3))),
                    "ofaktor": float(rng.random() * 0.3) if rng.random() < 0.15 else 0.0,
                    "regionalt_befolkningsunderlag": float(np.exp(rng.normal(12.5, 1.0))),
                }
            )
    return pd.DataFrame(rows)


def true_coef(name, **kw) -> im.IndexCoefficients:
    spec = SPECS[name]
    base = dict(
        name=name,
        symmetric=spec.symmetric,
        distance_col=spec.distance_col,
        d_min_km=0.25,
        beta=0.03,
        gammas=dict.fromkeys(spec.extra_cols, 0.0),
        threshold_km=None if spec.symmetric else 2.0,
    )
    base.update(kw)
    return im.IndexCoefficients(**base)


# ------------------------------------------------------------------------------------------------ the relation


def test_symmetric_index_is_normalised_and_clamped():
    m = synthetic_measures()
    m.loc[:2, "avstand_3000_km"] = [0.1, 0.2, 0.3]
    coef = true_coef("glesbygd_hemtjanst", d_min_km=0.5)
    gi = im.apply_index(m, coef)
    assert np.average(gi, weights=m["befolkning"]) == pytest.approx(1.0, abs=1e-12)
    assert gi[0] == gi[1] == gi[2] == pytest.approx(gi.min())  # clamp: like Solna/Stockholm/Sundbyberg
    assert np.all(np.diff(gi[np.argsort(m["avstand_3000_km"].to_numpy())]) >= -1e-15)


def test_asymmetric_floor_is_shared_and_normalised():
    m = synthetic_measures()
    coef = true_coef("glesbygd_grundskola", beta=0.09, gammas={"ofaktor": 0.4}, threshold_km=2.5)
    gi = im.apply_index(m, coef)
    e = im.expected_cost(im.prepare_measures(m), coef)
    floor = gi.min()
    assert np.all(gi[e == 0] == floor)  # every kommun without expected sparsity cost: same value
    assert np.all(gi[e > 0] > floor)
    assert floor < 1.0  # the floor sits below 1 (0,9737 in the SOU table)
    assert np.average(gi, weights=m["befolkning"]) == pytest.approx(1.0, abs=1e-12)
    assert floor == pytest.approx(im.normalising_constant(e, m["befolkning"].to_numpy()))


# ------------------------------------------------------------------------------------------------ calibration


@pytest.mark.parametrize(
    "name,kw",
    [
        ("glesbygd_hemtjanst", dict(beta=0.028, d_min_km=0.85)),
        ("glesbygd_forskola", dict(beta=0.0046, d_min_km=0.9)),
        ("glesbygd_grundskola", dict(beta=0.09, gammas={"ofaktor": 0.5}, threshold_km=2.0)),
        (
            "glesbygd_gymnasieskola",
            dict(beta=0.1, gammas={"regionalt_befolkningsunderlag_mn": -0.02}, threshold_km=6.0),
        ),
    ],
)
def test_calibration_reproduces_reference_from_known_coefficients(name, kw):
    m = synthetic_measures()
    truth = true_coef(name, **kw)
    ref = np.round(im.apply_index(m, truth), 4)  # published with 4 decimals
    coef = im.calibrate(m, ref, SPECS[name])
    pred = im.apply_index(m, coef)
    assert np.max(np.abs(pred - ref)) < 2e-4
    assert coef.beta == pytest.approx(truth.beta, rel=0.03)
    for c, g in truth.gammas.items():
        assert coef.gammas[c] == pytest.approx(g, rel=0.05, abs=2e-3)
    q = im.quality(name, m, pred, ref, SPECS[name].distance_col)
    assert q["share_within_tol"] == 1.0 and q["r2"] > 0.999


def test_calibration_fixes_unidentifiable_island_coefficient():
    m = synthetic_measures().assign(ofaktor=0.0)
    ref = im.apply_index(m, true_coef("glesbygd_grundskola", beta=0.09, threshold_km=2.0))
    coef = im.calibrate(m, ref, SPECS["glesbygd_grundskola"])
    assert coef.gammas == {"ofaktor": 0.0}
    assert coef.details["notes"]
    assert np.max(np.abs(im.apply_index(m, coef) - ref)) < 1e-6


def test_new_population_moves_level_but_keeps_relation():
    m = synthetic_measures()
    coef = im.calibrate(m, im.apply_index(m, true_coef("glesbygd_hemtjanst")), SPECS["glesbygd_hemtjanst"])
    m2 = m.assign(befolkning=m["befolkning"] * np.where(m["avstand_3000_km"] > 3, 0.5, 1.2))
    a, b = im.apply_index(m, coef), im.apply_index(m2, coef)
    np.testing.assert_allclose(np.diff(a), np.diff(b), atol=1e-12)  # same relation, only the level moves
    assert np.average(b, weights=m2["befolkning"]) == pytest.approx(1.0)


# ------------------------------------------------------------------------------------------------ estimation


def synthetic_panel(m: pd.DataFrame, cost_fn, seed: int = 1, noise: float = 150.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ro_levels = {r: 800.0 * i for i, r in enumerate(sorted(set(RIKSOMRADE_BY_LAN.values())))}
    year_levels = {2018: 0.0, 2019: 400.0, 2020: 900.0, 2021: 1500.0}
    rows = []
    for _, k in m.iterrows():
        kommun_effect = rng.normal(0, 100.0)
        for ar, ye in year_levels.items():
            rows.append(
                {
                    "kommun_kod": k.kommun_kod,
                    "ar": ar,
                    "kostnad": 60_000.0
                    + ro_levels[RIKSOMRADE_BY_LAN[k.lan_kod]]
                    + ye
                    + cost_fn(k)
                    + kommun_effect
                    + rng.normal(0, noise),
                }
            )
    return pd.DataFrame(rows)


def test_estimation_recovers_symmetric_coefficients_with_fixed_effects():
    m = synthetic_measures(n_per_lan=12)
    b = 2500.0
    panel = synthetic_panel(m, lambda k: b * np.log(max(k.avstand_3000_km, 0.25)))
    coef, fit = im.estimate(panel, m, SPECS["glesbygd_hemtjanst"], "kostnad")
    assert fit.params["s"] == pytest.approx(b, rel=0.03)
    assert fit.cov_type == "cluster"
    assert any(c.startswith("ro_") for c in fit.params.index) and any(c.startswith("ar_") for c in fit.params.index)
    ybar = coef.details["mean_cost"]
    assert coef.beta == pytest.approx(b / ybar, rel=0.03)
    assert np.average(im.apply_index(m, coef), weights=m["befolkning"]) == pytest.approx(1.0)


def test_estimation_applies_pass_through_for_forskola():
    m = synthetic_measures(n_per_lan=12)
    panel = synthetic_panel(m, lambda k: 1000.0 * np.log(max(k.avstand_3000_km, 0.25)))
    coef, fit = im.estimate(panel, m, SPECS["glesbygd_forskola"], "kostnad")
    assert SPECS["glesbygd_forskola"].pass_through_value() == 0.791  # bilaga L2381 (forskola.lonekostnadsandel)
    assert coef.beta == pytest.approx(0.791 * fit.params["s"] / coef.details["mean_cost"])


def test_estimation_recovers_asymmetric_threshold_and_island_effect():
    m = synthetic_measures(n_per_lan=14, seed=3)
    b, g, t0 = 6000.0, 8000.0, 1.2  # cost rises only above ln d = 1,2 and with the ö-faktor

    def cost(k):
        return b * max(0.0, np.log(max(k.avstand_3000_km, 0.25)) - t0) + g * k.ofaktor

    panel = synthetic_panel(m, cost, noise=100.0)
    coef, _ = im.estimate(panel, m, SPECS["glesbygd_grundskola"], "kostnad", n_threshold=81)
    truth_e = np.array([cost(k) for _, k in m.iterrows()]) / coef.details["mean_cost"]
    c_true = im.normalising_constant(truth_e, m["befolkning"].to_numpy())
    est = im.apply_index(m, coef)
    assert np.max(np.abs(est - (c_true + truth_e))) < 0.01
    assert coef.symmetric is False
    assert coef.threshold_km == pytest.approx(np.exp(t0), rel=0.1)


def test_estimation_rejects_unknown_kommuner():
    m = synthetic_measures()
    panel = pd.DataFrame({"kommun_kod": ["9999"], "ar": [2020], "kostnad": [1.0]})
    with pytest.raises(im.IndexInputError):
        im.estimate(panel, m, SPECS["glesbygd_hemtjanst"], "kostnad")


# ------------------------------------------------------------------------------------------------ law-text formulas


def test_politisk_verksamhet_both_readings():
    p = np.array([90_000, 4_000, 2_500, 30_000])
    md = np.array([1.0, 30.0, 5.0, 7.0])
    mv = 2355.5331 - 153.2238 * np.log(p) + 11.59168 * md
    b = im.politisk_verksamhet_index(p, md, "bilaga")
    k = im.politisk_verksamhet_index(p, md, "kapitel")
    np.testing.assert_allclose(b["modellvarde"], mv)
    np.testing.assert_allclose(b["merkostnadsindex"], np.where(md < 6.72, 1.0, mv / mv.mean()))
    np.testing.assert_allclose(k["merkostnadsindex"], np.where(mv < 1018.0, 1.0, mv / mv.mean()))
    assert b["merkostnadsindex"][2] == 1.0 and k["merkostnadsindex"][2] > 1.0  # small, MD < 6,72: readings differ
    with pytest.raises(im.IndexInputError):
        im.politisk_verksamhet_index(p, md, "annan")


def test_lan_md15000_is_population_weighted():
    m = synthetic_measures()
    got = im.lan_md15000(m).set_index("lan_kod")
    sub = m[m.lan_kod == "25"]
    want = np.average(sub["avstand_15000_km"], weights=sub["befolkning"])
    assert got.loc["25", "md15000_km"] == pytest.approx(want)
    assert got.loc["25", "bidrag_modellvarde_kr"] == pytest.approx(14.76467 * want)


# ------------------------------------------------------------------------------------------------ reference tables


def _reference_from(m: pd.DataFrame, coefs: dict) -> pd.DataFrame:
    ref = pd.DataFrame(
        {
            "kommun_kod": m["kommun_kod"],
            "lan": m["lan_kod"].map(LAN_NAMES),
            "kommun": m["kommun"],
            "loneindex": "99.1234",
        }
    )
    for name in SPECS:
        ref[name] = [f"{v:.4f}" for v in im.apply_index(m, coefs[name])]
    ref["behov_forskola"] = "1.0101"
    ref["behov_fritidshem"] = "0.9900"
    ref["uppvarmningsindex"] = "1.10"
    return ref


def test_align_to_reference_matches_codes_not_names():
    m = synthetic_measures()
    ref = _reference_from(m, {n: true_coef(n) for n in SPECS})
    a = im.align_to_reference(m.sample(frac=1.0, random_state=1), ref)
    assert a["kommun_kod"].tolist() == ref["kommun_kod"].tolist()
    renamed = m.assign(kommun=m["kommun"] + "s")  # another spelling of every name: still the same kommuner
    assert im.align_to_reference(renamed, ref)["kommun"].tolist() == ref["kommun"].tolist()
    with pytest.raises(im.IndexInputError, match="mätvärden saknas"):
        im.align_to_reference(m.iloc[1:], ref)
    wrong = m.copy()
    wrong.loc[0, "kommun_kod"] = "2599"
    with pytest.raises(im.IndexInputError, match=f"mätvärden saknas.*{ref['kommun'].iloc[0]}"):
        im.align_to_reference(wrong, ref)


def test_cli_calibrate_and_estimate_end_to_end(tmp_path):
    from pipelines.cli import main

    m = synthetic_measures(n_per_lan=8)
    coefs = {
        "glesbygd_forskola": true_coef("glesbygd_forskola", beta=0.0046, d_min_km=0.9),
        "glesbygd_hemtjanst": true_coef("glesbygd_hemtjanst", beta=0.028, d_min_km=0.85),
        "glesbygd_grundskola": true_coef("glesbygd_grundskola", beta=0.09, gammas={"ofaktor": 0.5}, threshold_km=2.0),
        "glesbygd_gymnasieskola": true_coef(
            "glesbygd_gymnasieskola", beta=0.1, gammas={"regionalt_befolkningsunderlag_mn": -0.02}, threshold_km=6.0
        ),
    }
    ref = _reference_from(m, coefs)
    refdir, mattdir = tmp_path / "ref", tmp_path / "matt"
    refdir.mkdir()
    mattdir.mkdir()
    ref.to_csv(refdir / im.REFERENCE_DEL1, index=False, lineterminator="\r\n")
    ref[["kommun_kod", "lan", "kommun"]].assign(administration="1.0000").to_csv(
        refdir / im.REFERENCE_DEL2, index=False, lineterminator="\r\n"
    )
    m.assign(lan=m["lan_kod"].map(LAN_NAMES)).sample(frac=1.0, random_state=2).to_csv(
        mattdir / "kommuner.csv", index=False
    )
    out = tmp_path / "ut"
    assert main(["index", "--matt", str(mattdir), "--kalibrera-mot", str(refdir), "--ut", str(out)]) == 0
    got = pd.read_csv(out / im.REFERENCE_DEL1, dtype=str)
    assert got.columns.tolist() == ref.columns.tolist() and got["kommun"].tolist() == ref["kommun"].tolist()
    for name in SPECS:
        assert np.max(np.abs(got[name].astype(float) - ref[name].astype(float))) <= 2e-4
    assert got["uppvarmningsindex"].tolist() == ref["uppvarmningsindex"].tolist()  # copied unchanged
    assert (out / im.REFERENCE_DEL1).read_bytes().count(b"\r\n") == len(ref) + 1
    assert (out / im.REFERENCE_DEL2).read_bytes() == (refdir / im.REFERENCE_DEL2).read_bytes()
    q = pd.read_csv(out / "kvalitet.csv").set_index("index")
    assert (q.loc[list(SPECS), "status"] == im.OMRAKNAT).all()
    assert q.loc["loneindex", "status"] == "kopierat från referensen"
    for name in SPECS:
        assert (out / f"{name}.png").stat().st_size > 0
    # one map per recomputed index (the copied ones get none), listed in the manifest
    assert sorted(p.name for p in out.glob("karta_*.png")) == sorted(f"karta_{n}.png" for n in SPECS)
    man = json.loads((out / "manifest.json").read_text())
    assert man["parameters"]["mode"] == "calibrate" and "kvalitet.csv" in man["outputs"]
    assert {f"karta_{n}.png" for n in SPECS} <= set(man["outputs"])
    assert set(json.loads((out / "koefficienter.json").read_text())) == set(SPECS)

    # estimation: only hemtjänst has a cost column → the other three are copied and flagged
    panel = synthetic_panel(m, lambda k: 2500.0 * np.log(max(k.avstand_3000_km, 0.25)))
    panel = panel.rename(columns={"kostnad": "glesbygd_hemtjanst"})
    panel.to_csv(tmp_path / "kostnader.csv", index=False)
    out2 = tmp_path / "ut2"
    assert (
        main(
            [
                "index",
                "--matt",
                str(mattdir),
                "--skatta-mot",
                str(tmp_path / "kostnader.csv"),
                "--referens",
                str(refdir),
                "--ut",
                str(out2),
                "--no-karta",
            ]
        )
        == 0
    )
    assert not list(out2.glob("karta_*.png"))
    q2 = pd.read_csv(out2 / "kvalitet.csv").set_index("index")
    assert q2.loc["glesbygd_hemtjanst", "method"] == "skattat mot kostnaderna"
    assert q2.loc["glesbygd_forskola", "status"] == im.KOPIERAT
    got2 = pd.read_csv(out2 / im.REFERENCE_DEL1, dtype=str)
    assert got2["glesbygd_forskola"].tolist() == ref["glesbygd_forskola"].tolist()
    assert np.average(
        got2["glesbygd_hemtjanst"].astype(float), weights=m.set_index("kommun").loc[got2["kommun"], "befolkning"]
    ) == pytest.approx(1.0, abs=1e-4)


def test_cli_bad_input_is_one_message(tmp_path, capsys):
    from pipelines.cli import main

    assert main(["index", "--matt", str(tmp_path), "--ut", str(tmp_path / "ut")]) == 2
    assert "kommuner.csv" in capsys.readouterr().err


@pytest.mark.shared
def test_published_tables_floors(shared_spec):
    ref = pd.read_csv(shared_spec / im.REFERENCE_DEL1)
    st = im.reference_statistics(ref, np.ones(len(ref))).set_index("index")
    assert st.loc["glesbygd_grundskola", "min"] == 0.9737 and st.loc["glesbygd_grundskola", "n_at_min"] == 61
    assert st.loc["glesbygd_gymnasieskola", "min"] == 0.9535 and st.loc["glesbygd_gymnasieskola", "n_at_min"] == 42
    assert st.loc["glesbygd_hemtjanst", "n_at_min"] == 3 and st.loc["glesbygd_forskola", "n_at_min"] == 3
    # förskola − 1 is proportional to hemtjänst − 1 (same 3 000-distance relation, different scale)
    r = np.corrcoef(ref["glesbygd_forskola"] - 1, ref["glesbygd_hemtjanst"] - 1)[0, 1]
    assert r > 0.999


def test_the_maps_name_every_grid_file_of_a_composed_grid():
    from pipelines.index_model import grid_filer

    inputs = {"grid": {"path": "/d/rutor_1km_2024.csv"}, "grid_2": {"path": "/d/rutor_250m_2024.csv"}, "x": {}}
    assert grid_filer(inputs) == ["/d/rutor_1km_2024.csv", "/d/rutor_250m_2024.csv"]
    assert grid_filer({"grid": {"path": "a.csv"}}) == ["a.csv"] and grid_filer({}) == []
    assert grid_filer({"grid": {"sha256": "…"}, "grid_2": "b.csv"}) == []  # no usable path: the generic source
    from geo.karta import kalla_for_grid

    assert kalla_for_grid(grid_filer(inputs)) == ("befolkningsrutor rutor_1km_2024.csv + rutor_250m_2024.csv", 2024)


def test_a_damaged_gleshet_manifest_does_not_stop_the_maps(tmp_path):
    from pipelines.index_model import _manifest_inputs

    (tmp_path / "manifest.json").write_text("{inte json", encoding="utf-8")
    assert _manifest_inputs(tmp_path) == {}
    (tmp_path / "manifest.json").write_text('["en lista"]', encoding="utf-8")
    assert _manifest_inputs(tmp_path) == {}
    (tmp_path / "manifest.json").write_text('{"inputs": {"grid": {"path": "g_2024.csv"}}}', encoding="utf-8")
    assert _manifest_inputs(tmp_path) == {"grid": {"path": "g_2024.csv"}}
    assert _manifest_inputs(tmp_path / "saknas") == {}
