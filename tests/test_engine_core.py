"""Engine core: rule sets and reforms, scenario batches, inkomstutjämning (table 5.2), input validation, schema
docs and the shipped law tables."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from engine_helpers import make_ctx

from engine import register, schema
from engine.common import invanarbaserat_avdrag, korrigeringsfaktor, kpif_faktor
from engine.indata import IndataError, load_indata
from engine.inkomst import inkomstutjamning, inkomstutjamning_region
from engine.params import EjTillganglig, ParameterError, Params, load_params
from engine.register import load_lansvisa_skattesatser as lansvisa_skattesatser

ROOT = Path(__file__).resolve().parent.parent


# --- rule sets, reforms, batches -------------------------------------------------------------------------------


@pytest.mark.parametrize("namn", ["sou2024", "2024"])
def test_every_parameter_has_unit_source_and_valid_from(namn):
    p = Params.load(namn)
    for path, leaf in p.leaves.items():
        if leaf.get("status") == "ej_tillganglig":
            assert leaf.get("reason"), path
        else:
            assert {"value", "unit", "source", "valid_from"} <= set(leaf), path
            assert str(leaf["source"]).strip(), path


def test_reform_overlay_changes_value_and_rejects_unknown_paths(tmp_path):
    base = load_params("sou2024")
    f = tmp_path / "r.yaml"
    f.write_text(yaml.safe_dump({"namn": "hojd garanti", "andringar": {"inkomstutjamning.garantiniva": 1.2}}))
    p = load_params("sou2024", f)
    assert p("inkomstutjamning.garantiniva") == 1.2 and base("inkomstutjamning.garantiniva") == 1.16
    assert p.reformer == ["hojd garanti"] and p.source("inkomstutjamning.garantiniva") == "reform hojd garanti"
    assert p.fingerprint() != base.fingerprint()
    f.write_text(yaml.safe_dump({"andringar": {"inkomstutjamning.garantinvå": 1.2, "nope.x": 1}}))
    with pytest.raises(ParameterError) as e:
        load_params("sou2024", f)
    assert "inkomstutjamning.garantinvå" in str(e.value) and "nope.x" in str(e.value)


def test_unknown_rule_set_and_unavailable_parameter():
    with pytest.raises(ParameterError, match="okänt regelverk"):
        Params.load("2099")
    p = Params.load("2024")
    with pytest.raises(EjTillganglig):
        p("tillagg.loneindex_tabell")  # the current rules have it, the seeds do not give it
    assert not p.finns("tillagg.administration_andel")  # the proposal's 13,8 % tillägg is not in the current rules


def test_kpif_factor_reproduces_the_bilaga_examples():
    kpif = Params.load("sou2024")("allmant.kpif")
    f = kpif_faktor(kpif, 2024)
    assert f == pytest.approx(1.06 * 1.027)
    # 687 → 748 (L18003–L18023); riket 831 → "904" is 904,64 printed without decimals (L20079: 1 539 − 904,64 = 635)
    assert round(687 * f) == 748 and 831 * f == pytest.approx(904.64, abs=0.005)
    with pytest.raises(ParameterError, match=r"KPIF för år 2025, 2026 finns inte i regelverket .* SOU 2024:50 s\. 79"):
        kpif_faktor(kpif, 2026)


def test_invanarbaserat_avdrag_nets_to_zero_and_korrigering_hits_the_mean():
    P = np.array([1000.0, 3000.0, 500.0])
    g = np.array([10.0, 0.0, 40.0])
    a = invanarbaserat_avdrag(g, P)
    assert np.sum(a * P) == pytest.approx(0.0, abs=1e-9)
    assert a == pytest.approx(g - (10 * 1000 + 40 * 500) / 4500)
    mv = np.array([2.0, 1.0, 4.0])
    K = korrigeringsfaktor(mv, 900.0, P)
    assert np.sum(K * mv * P) / P.sum() == pytest.approx(900.0)


# --- inkomstutjämning ------------------------------------------------------------------------------------------


def _table_5_2_ctx(regelverk="2024"):
    # Eda (Värmland), Kiruna (Norrbotten), Danderyd (Stockholm) from table 5.2 and a fourth kommun chosen so that
    # the riket skattekraft is exactly 270 753 kr/inv (L7529–L7567).
    A = np.array([200_426.0, 310_446.0, 522_666.0, 4 * 270_753.0 - (200_426 + 310_446 + 522_666)])
    P = np.full(4, 1000.0)
    return make_ctx(
        {"folkmangd_1nov_t1": P, "folkmangd_31dec_t2": P, "skatteunderlag_kr": A * P},
        lan_kod=["17", "25", "01", "03"],
        regelverk=regelverk,
    )


def test_inkomstutjamning_reproduces_table_5_2():
    out = inkomstutjamning(_table_5_2_ctx("2024"))
    # G = F × E: Eda 110 940 × 19,97 % = 22 155; Kiruna 920 × 20,45 % = 188; Danderyd −211 300 × 16,98 % = −35 879
    assert np.round(out["inkomstutjamning"][:3]).tolist() == [22_155, 188, -35_879]
    assert out["lansvis_skattesats_procent"][:3].tolist() == [19.97, 20.45, 16.98]
    assert round(out["garanterad_skattekraft_kr_per_inv"][0]) == 311_366


def test_inkomstutjamning_proposed_uses_116_and_new_rates():
    out = inkomstutjamning(_table_5_2_ctx("sou2024"))
    rates = lansvisa_skattesatser("proposed")
    e = 270_753 * 1.16 - 200_426
    assert out["inkomstutjamning"][0] == pytest.approx(e * rates.loc["17", "kommun_bidrag"] / 100)
    assert out["inkomstutjamning_kr"][0] == pytest.approx(out["inkomstutjamning"][0] * 1000)


def test_gotland_gets_kommun_and_region_rates_of_a_kommun_outside_a_region():
    P = np.array([60_000.0, 100_000.0])
    ctx = make_ctx(
        {"folkmangd_1nov_t1": P, "folkmangd_31dec_t2": P, "skatteunderlag_kr": P * [240_000.0, 300_000.0]},
        lan_kod=["09", "01"],
    )
    msk = (P * [240_000.0, 300_000.0]).sum() / P.sum()
    e = msk * 1.16 - 240_000.0
    k = inkomstutjamning(ctx)["inkomstutjamning"]
    r = inkomstutjamning_region(ctx)["inkomstutjamning"]
    got = dict(zip(ctx.region_kod, r))
    assert k[0] == pytest.approx(e * 19.58 / 100) and got["09"] == pytest.approx(e * 11.04 / 100)  # L1219–L1221
    e_sthlm = msk * 1.16 - 300_000.0  # 277 500 · 1,16 − 300 000 = 21 900 > 0: bidrag
    assert got["01"] == pytest.approx(e_sthlm * 11.45 / 100)


def test_inkomstutjamning_scenario_batch_equals_separate_runs():
    ctx = _table_5_2_ctx("sou2024")
    levels = [1.10, 1.16, 1.20]
    ctx.p = ctx.p.with_batch({"inkomstutjamning.garantiniva": levels})
    batch = inkomstutjamning(ctx)["inkomstutjamning"]
    assert batch.shape == (3, 4)
    for i, g in enumerate(levels):
        single = inkomstutjamning(_ctx_with(g))["inkomstutjamning"]
        assert batch[i] == pytest.approx(single)


def _ctx_with(g):
    ctx = _table_5_2_ctx("sou2024")
    ctx.p = ctx.p.with_reform({"namn": "g", "andringar": {"inkomstutjamning.garantiniva": g}})
    return ctx


# --- shipped law tables ------------------------------------------------------------------------------------------


def test_shipped_fasta_index_tables_match_spec_checksums():
    # SPEC.md §16.1 md5 of the transcribed tables — the shipped files carry the code column in front of them
    # (issue 12: joins on codes), the rest of every line is the transcription byte for byte — and column sums
    md5 = {
        "fasta_index_kommuner_del1.csv": "c5c02f9af53d7826be03324e2fa68c86",
        "fasta_index_kommuner_del2.csv": "b607ac4ed091f90af2cce2a4e12ae4cf",
        "fasta_index_regioner.csv": "a34e6087d47d4c3496696626759149c8",
    }
    for name, want in md5.items():
        raw = (register.FASTA_INDEX_DIR / name).read_bytes()
        assert hashlib.md5(re.sub(rb"(?m)^[^,]*,", b"", raw)).hexdigest() == want
        t = pd.read_csv(register.FASTA_INDEX_DIR / name, dtype=str, keep_default_na=False)
        key, names = (
            ("kommun_kod", register.kommuner().set_index("kommun_kod")["kommun"])
            if "kommun" in t.columns
            else ("region_kod", register.regioner().set_index("region_kod")["region"])
        )
        printed = t.set_index(key)[key[:-4]]
        differ = printed[printed != names.reindex(printed.index)]
        assert differ.to_dict() == ({"1415": "Stenungssund"} if name.endswith("del2.csv") else {}), name
    fi = register.load_fasta_index()
    assert fi.kommun["loneindex"].sum() == pytest.approx(28502.4965)
    assert fi.kommun["administration"].sum() == pytest.approx(304.2992)
    assert fi.region["vard_glesbygd"].sum() == pytest.approx(21.3191)
    assert fi.kommun.loc["2518", "raddningstjanst"] == pytest.approx(1.7481)  # Övertorneå, L20049
    # del 2 prints "Stenungssund" (OPEN-29): its row is matched to Stenungsund (1415), not dropped
    del2 = pd.read_csv(register.FASTA_INDEX_DIR / "fasta_index_kommuner_del2.csv").set_index("kommun")
    assert fi.kommun.loc["1415", "trafik"] == del2.loc["Stenungssund", "trafik"]
    assert register.kommuner().set_index("kommun_kod").loc["1415", "kommun"] == "Stenungsund"  # OPEN-29 alias


def test_register_has_290_kommuner_and_21_regioner():
    k, r = register.kommuner(), register.regioner()
    assert len(k) == 290 and k["kommun_kod"].is_unique and k["kommun_kod"].str.fullmatch(r"\d{4}").all()
    assert (k["kommun_kod"].str[:2] == k["lan_kod"]).all()
    assert len(r) == 21 and r.set_index("region_kod").loc["09", "ingar_i_region"] == False  # noqa: E712
    assert lansvisa_skattesatser("proposed")["kommun_bidrag"].sum() == pytest.approx(415.93)  # SPEC §16.1


def test_docs_inputs_md_names_the_catalogue_it_is_generated_from():
    head = schema.markdown().splitlines()[2]
    assert head.startswith("Generated from `engine/schema.py` (`python tools/inputs_md.py > docs/inputs.md`)")
    assert "``" not in schema.markdown()  # no empty code span


def test_docs_inputs_md_is_generated_from_the_schema():
    assert (ROOT / "docs" / "inputs.md").read_text(encoding="utf-8") == schema.markdown(), (
        "regenerate with: python tools/inputs_md.py > docs/inputs.md"
    )


# --- input validation ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    from pipelines.demo_indata import write_demo_inputs

    return write_demo_inputs(tmp_path_factory.mktemp("indata"), 2024)


def test_demo_inputs_are_valid_deterministic_and_realistic(demo_dir, tmp_path):
    from pipelines.demo_indata import write_demo_inputs

    d = load_indata(demo_dir, "sou2024", 2024)
    assert d.kommun.shape[0] == 290 and d.region.shape[0] == 21
    assert 10.0e6 < d.kommun["folkmangd_31dec_t2"].sum() < 11.0e6
    msk = d.kommun["skatteunderlag_kr"].sum() / d.kommun["folkmangd_1nov_t1"].sum()
    assert 230_000 < msk < 300_000
    load_indata(demo_dir, "2024", 2024)
    again = write_demo_inputs(tmp_path / "again", 2024)
    for f in ("kommuner.csv", "lan.csv", "regioner.csv", "riket.csv"):
        assert (demo_dir / f).read_bytes() == (again / f).read_bytes()


def _broken_copy(demo_dir, tmp_path):
    k = pd.read_csv(demo_dir / "kommuner.csv", dtype=str)
    k.loc[0, "folkmangd_31dec_t2"] = "-5"  # negative population (and groups no longer add up)
    k.loc[1, "sei_forskola_inkomst"] = "1.7"  # share outside [0, 1]
    k.loc[2, "bef_1_5"] = str(int(k.loc[2, "bef_1_5"]) + 1)  # age groups do not add up
    k.loc[3, "kommun_kod"] = "9999"  # unknown code (and 0127's row is then missing)
    k = k.drop(index=4)  # a missing kommun
    k["mystery"] = 1
    for f in ("lan.csv", "regioner.csv", "riket.csv"):
        (tmp_path / f).write_bytes((demo_dir / f).read_bytes())
    k.to_csv(tmp_path / "kommuner.csv", index=False)
    return tmp_path


def test_bad_input_lists_every_problem_with_file_row_and_kommun(demo_dir, tmp_path):
    bad = _broken_copy(demo_dir, tmp_path)
    with pytest.raises(IndataError) as e:
        load_indata(bad, "sou2024", 2024)
    msg = str(e.value)
    assert "rad 2 (" in msg and "kolumn 'folkmangd_31dec_t2': -5 ligger utanför det rimliga intervallet [1, " in msg
    assert "'sei_forskola_inkomst': 1.7 ligger utanför det rimliga intervallet [0, 1]" in msg
    assert "okänd kommun_kod '9999'" in msg
    assert "saknas" in msg and "289 rader, väntade 290" in msg
    assert "okända kolumner ['mystery']" in msg


def test_age_groups_that_do_not_add_up_are_reported(demo_dir, tmp_path):
    k = pd.read_csv(demo_dir / "kommuner.csv", dtype=str)
    k.loc[2, "bef_1_5"] = str(int(k.loc[2, "bef_1_5"]) + 1)
    k.loc[5, "ensamboende_90_w"] = str(int(k.loc[5, "bef_90_w"]) + 3)
    k.loc[6, "lss_pa_sfb_kommun_utforare"] = str(int(k.loc[6, "lss_pa_sfb"]) + 1)
    for f in ("lan.csv", "regioner.csv", "riket.csv"):
        (tmp_path / f).write_bytes((demo_dir / f).read_bytes())
    k.to_csv(tmp_path / "kommuner.csv", index=False)
    r = pd.read_csv(tmp_path / "regioner.csv", dtype=str)
    r.loc[0, "hos_6_18"] = str(int(r.loc[0, "hos_6_18"]) - 10)
    r.to_csv(tmp_path / "regioner.csv", index=False)
    with pytest.raises(IndataError) as e:
        load_indata(tmp_path, "sou2024", 2024)
    msg = str(e.value)
    name2 = register.kommuner().loc[2, "kommun"]
    assert f"{name2}: åldersgrupperna" in msg and "större än bef_90_w" in msg and "28 celler" in msg
    assert "lss_pa_sfb_kommun_utforare" in msg and "större än lss_pa_sfb" in msg
    assert len(e.value.problems) == 4


def test_berakna_cli_bad_input_exits_2_and_leaves_no_output(demo_dir, tmp_path, capsys):
    from pipelines.cli import main

    (tmp_path / "in").mkdir()
    bad = _broken_copy(demo_dir, tmp_path / "in")
    out = tmp_path / "ut"
    rc = main(["berakna", "--ar", "2024", "--regelverk", "sou2024", "--indata", str(bad), "--ut", str(out)])
    assert rc == 2 and not out.exists()
    assert not list(tmp_path.glob(".ut.tmp-*"))
    assert "problem i indata; inget beräknades" in capsys.readouterr().err


def test_inputs_load_identically_from_csv_parquet_and_one_xlsx_workbook(demo_dir, tmp_path):
    csv = load_indata(demo_dir, "sou2024", 2024)
    pq, xl = tmp_path / "pq", tmp_path / "xl"
    pq.mkdir(), xl.mkdir()
    tables = {
        n: pd.read_csv(demo_dir / f"{n}.csv", dtype={"kommun_kod": str, "lan_kod": str, "region_kod": str})
        for n in ("kommuner", "lan", "regioner", "riket")
    }
    for n, t in tables.items():
        t.to_parquet(pq / f"{n}.parquet", index=False)
    with pd.ExcelWriter(xl / "indata.xlsx") as w:
        for n, t in tables.items():
            t.to_excel(w, sheet_name=n, index=False)
    for d in (pq, xl):
        got = load_indata(d, "sou2024", 2024)
        pd.testing.assert_frame_equal(got.kommun, csv.kommun)
        pd.testing.assert_frame_equal(got.region, csv.region)
        assert got.riket == csv.riket
