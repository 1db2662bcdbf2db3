"""DEMO input data: a deterministic generator of every input variable for the 290 kommuner, 21 län and 21
regioner (names and codes of data/kommuner.csv). **Not official statistics** — plausible values with realistic
national totals (≈10,5 million inhabitants 2024, SCB-like age structure, skattekraft ≈ 270 000 kr/inv) and
variation tied to each kommun's published glesbygd and behov indices, so sparse kommuner are older, smaller and
lower in tax base, as in reality. Step 3 and the bas of step 5 of ``utjamning demo`` (pipelines/cmd_demo.py).

With ``matt_dir`` (an output directory of ``utjamning gleshet``) the population per kommun and the gleshet
measures (medeldistans 3 000/15 000, befolkningsunderlag, invånardistans) come from that run, so the demo chain
grid → measures → engine is consistent.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from engine import register, schema
from engine.errors import InputError
from engine.paths import DATA

SEED = 20240101
RIKET_BEFOLKNING = 10_550_000
#: Age shares of the population (SCB-like, 2022); 19–64 takes the remainder.
ALDERSANDELAR = {
    "bef_0": 0.0098,
    "bef_1_5": 0.054,
    "bef_6": 0.0115,
    "bef_7_9": 0.036,
    "bef_10_12": 0.036,
    "bef_13_15": 0.0355,
    "bef_16_18": 0.035,
    "bef_65_74": 0.104,
    "bef_75_79": 0.050,
    "bef_80_84": 0.034,
    "bef_85_89": 0.017,
    "bef_90_w": 0.0085,
}
ENSAM_ANDEL = {
    "ensamboende_65_74": 0.28,
    "ensamboende_75_79": 0.36,
    "ensamboende_80_84": 0.47,
    "ensamboende_85_89": 0.60,
    "ensamboende_90_w": 0.76,
}
DODSTAL_5AR = {"bef_65_74": 0.06, "bef_75_79": 0.15, "bef_80_84": 0.27, "bef_85_89": 0.50, "bef_90_w": 0.90}
README = """# DEMODATA — inte officiell statistik

Skapade av `utjamning demo` (pipelines/demo_indata.py) för utjämningsåret {ar}; slumptalsfrö {seed}, så samma
version ger samma tal. Varje värde är syntetiskt: rimliga nivåer och riksvärden, och en variation som följer de
publicerade fasta indexen. Använd dem för att pröva beräkningen, aldrig för att läsa av en verklig kommuns utfall.
Tabellernas kolumner: docs/inputs.md.
"""


#: Tabell 9.1 of SOU 2024:50 (s. 627): national LSS counts and cost per insats 2022 (data/demo/lss_tabell_9_1.yaml).
LSS_TABELL_9_1 = DATA / "demo" / "lss_tabell_9_1.yaml"


def _tabell_9_1() -> dict[str, dict[str, int]]:
    from engine.params import load_yaml

    return load_yaml(LSS_TABELL_9_1)["insatser"]


def _riket_lss(k: pd.DataFrame) -> dict[str, float]:
    """RS rows consistent with the demo counts at the 2022 cost per insats of tabell 9.1, with the bilaga's
    denominators (förordning 2008:776 5 § föreslagen lydelse, SOU 2024:50 s. 113, 116–118: the shares of
    ``lss.prislista``), so the engine's average costs per insats come out near the table's."""
    from engine.params import Params

    t = _tabell_9_1()
    a = Params.load("sou2024").subtree("lss.prislista")
    s = {c: float(k[f"lss_{c}"].sum()) for c in t}
    fk = float(k["lss_ersattning_fk_kr"].sum())
    pak_den = (
        s["pa_lss"]
        - float(k["lss_pa_lss_och_bss_vuxna"].sum())
        + a["pa_sfb_andel"] * s["pa_sfb"]
        + a["pa_sfb_kommun_utforare_andel"] * float(k["lss_pa_sfb_kommun_utforare"].sum())
    )
    kv_den = (
        s["korttidsvistelse"]
        + a["korttidstillsyn_andel"] * s["korttidstillsyn"]
        + a["avlosarservice_andel"] * s["avlosarservice"]
        + a["ledsagarservice_andel"] * s["ledsagarservice"]
        + a["kontaktperson_andel"] * s["kontaktperson"]
    )
    pris = {c: v["kostnad_per_insats"] for c, v in t.items()}
    rows = {
        "lss_rs_5131_kr": pris["bss_vuxna"] * s["bss_vuxna"],
        "lss_rs_5132_kr": pris["bss_barn"] * (s["bss_barn"] + a["familjehem_andel_av_barn"] * s["familjehem_barn"]),
        "lss_rs_5133_kr": pris["pa_lss"] * pak_den + fk,
        "lss_rs_konto_4538_kr": fk,
        "lss_rs_5135_kr": pris["daglig_verksamhet"] * s["daglig_verksamhet"],
        "lss_rs_5139_kr": pris["korttidsvistelse"] * kv_den,
    }
    rows["lss_nettokostnad_kr"] = sum(v for c, v in rows.items() if c != "lss_rs_konto_4538_kr")
    return {c: round(v) for c, v in rows.items()}


def _anslag(k: pd.DataFrame, ar: int) -> dict[str, float]:
    """Anslag that give the SOU's simulated 2024 regleringspost under the proposal (kommuner +2 486, regioner
    −159 kr/inv, L8357–L8363) when added to the demo's net inkomstutjämning under the proposal's garantinivå and
    länsvisa skattesatser (the other bidrag are small)."""
    from engine.inkomst import inkomstutjamning_belopp
    from engine.params import Params

    forslag = Params.load("sou2024")
    garanti = forslag.value("inkomstutjamning.garantiniva")
    lan = register.kommuner()["lan_kod"].to_numpy()
    su, p = k["skatteunderlag_kr"].to_numpy(), k["folkmangd_1nov_t1"].to_numpy()
    msk = su.sum() / p.sum()
    rates = register.load_lansvisa_skattesatser(forslag.raw("inkomstutjamning.skattesatser_kolumn"))
    kr_k, _ = inkomstutjamning_belopp(
        su, p, msk, garanti, rates.loc[lan, "kommun_bidrag"].to_numpy(), rates.loc[lan, "kommun_avgift"].to_numpy()
    )
    su_r, p_r = pd.Series(su).groupby(lan).sum(), pd.Series(p).groupby(lan).sum()
    kr_r, _ = inkomstutjamning_belopp(
        su_r.to_numpy(),
        p_r.to_numpy(),
        msk,
        garanti,
        rates.loc[su_r.index, "region_bidrag"].to_numpy(),
        rates.loc[su_r.index, "region_avgift"].to_numpy(),
    )
    return {
        "anslag_kommuner_kr": round(kr_k.sum() + 2486 * p.sum(), -6),
        "anslag_regioner_kr": round(kr_r.sum() - 159 * p.sum(), -6),
    }


def _largest_remainder(total: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Integer split of each total (n,) by shares (n, m) that adds up exactly."""
    raw = total[:, None] * shares / shares.sum(axis=1, keepdims=True)
    base = np.floor(raw)
    rest = (total - base.sum(axis=1)).astype(int)
    order = np.argsort(-(raw - base), axis=1, kind="stable")
    for i, r in enumerate(rest):
        base[i, order[i, :r]] += 1
    return base


def demo_tables(
    ar: int = 2024, matt: pd.DataFrame | None = None, matt_kalla: str = "gleshetsmåtten"
) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(SEED)
    kom = register.kommuner()
    n = len(kom)
    idx = register.load_fasta_index().kommun
    gles = idx["glesbygd_hemtjanst"].to_numpy() - 1.0  # ≈ −0,02 … +0,25
    hog = idx["behov_forskola"].to_numpy() - 1.0  # högutbildade parents
    z = rng.standard_normal(n)  # latent socioeconomic factor (high = weak)
    soc = 0.7 * z - 4.0 * hog

    if matt is not None:
        m = (
            matt.assign(kommun_kod=matt["kommun_kod"].astype(str).str.zfill(4))
            .set_index("kommun_kod")
            .reindex(kom["kommun_kod"])
        )
        saknas = m.index[m["befolkning"].isna()]
        if len(saknas):
            namn = kom.set_index("kommun_kod")["kommun"]
            raise InputError(
                f"{matt_kalla} saknar befolkning för {len(saknas)} kommuner: "
                + ", ".join(f"{kod} {namn[kod]}" for kod in saknas)
                + "; DEMODATA behöver befolkningen i varje kommun (räkna gleshetsmåtten på ett rutnät som täcker "
                "hela landet)"
            )
        w = m["befolkning"].to_numpy(dtype="float64")
    else:
        w = np.exp(9.8 - 9.0 * gles + 0.9 * rng.standard_normal(n))
    pop = np.maximum(np.round(w / w.sum() * RIKET_BEFOLKNING), 2_400.0)

    # age structure: sparse kommuner older
    older = np.clip(1.0 + 2.2 * gles + 0.05 * rng.standard_normal(n), 0.75, 1.6)
    shares = np.column_stack(
        [
            ALDERSANDELAR[g] * (older if g >= "bef_65" else 1.0 / older**0.3)
            for g in ALDERSANDELAR
            if g.startswith("bef_")
        ]
    )
    groups = list(ALDERSANDELAR)
    shares = np.column_stack([shares, 1.0 - shares.sum(axis=1)])  # bef_19_64 = remainder
    ages = _largest_remainder(pop, shares)
    k = pd.DataFrame(index=kom["kommun_kod"])
    k["kommun"] = kom["kommun"].to_numpy()
    for j, g in enumerate(groups + ["bef_19_64"]):
        k[g] = ages[:, j]
    k["folkmangd_31dec_t2"] = pop
    growth = 0.006 - 0.02 * gles + 0.006 * rng.standard_normal(n)
    k["folkmangd_1nov_t1"] = np.round(pop * (1 + growth))
    k["folkmangd_1nov_t2"] = np.round(pop * (1 - growth / 6))
    g4 = growth + 0.003 * rng.standard_normal(n)
    k["folkmangd_1nov_t6"] = np.round(k["folkmangd_1nov_t2"] / (1 + g4) ** 4)
    k["folkmangd_31dec_t7"] = np.round(pop / (1 + g4) ** 5)
    for e, band in schema.ENSAMBOENDE.items():
        k[e] = np.round(k[band] * np.clip(ENSAM_ANDEL[e] * (1 + 0.08 * rng.standard_normal(n)), 0.05, 0.95))
    exp_d = sum(k[b] * q for b, q in DODSTAL_5AR.items()).to_numpy()
    k["dodsfall_forvantade"] = np.round(exp_d, 1)
    k["dodsfall_faktiska"] = np.round(exp_d * np.exp(0.06 * rng.standard_normal(n) + 0.03 * soc / 2))

    lan_bonus = np.where(kom["lan_kod"] == "01", 0.18, 0.0)
    skattekraft = 262_000 * np.exp(lan_bonus - 0.6 * gles + 0.55 * hog - 0.04 * soc + 0.05 * rng.standard_normal(n))
    k["skatteunderlag_kr"] = np.round(skattekraft * k["folkmangd_1nov_t1"])
    k["kommunalskatt_2022"] = np.round(
        np.clip(21.2 + 5.0 * gles + 0.35 * soc + 0.4 * rng.standard_normal(n), 17.0, 24.5), 2
    )

    def share(mean, spread, noise=0.1):
        return np.clip(mean * np.exp(spread * soc + noise * rng.standard_normal(n)), 0.001, 0.95)

    for stem in ("forskola", "grundskola", "gymnasieskola"):
        k[f"sei_{stem}_utbildning"] = share(0.16, 0.25)
        k[f"sei_{stem}_inkomst"] = share(0.13, 0.35)
        k[f"sei_{stem}_vistelsetid"] = share(0.06, 0.6, 0.3)
    k["utlandsk_bakgrund_7_15"] = np.round((k["bef_7_9"] + k["bef_10_12"] + k["bef_13_15"]) * share(0.22, 0.45, 0.2))
    k["gy_elever"] = np.round(k["bef_16_18"] * np.clip(0.93 + 0.02 * rng.standard_normal(n), 0.75, 1.0))
    k["gy_programkostnad_kr"] = np.round(k["gy_elever"] * 128_000 * np.exp(0.05 * rng.standard_normal(n) + 0.02 * soc))
    k["gymnasiefrekvens"] = np.round(np.clip(0.925 - 0.012 * soc + 0.01 * rng.standard_normal(n), 0.7, 0.995), 4)
    k["ifo_lag_inkomststandard_0_19"] = share(0.09, 0.4)
    k["ifo_flerfamiljshus_1965_1975"] = np.clip(0.07 * np.exp(-3 * gles + 0.5 * rng.standard_normal(n)), 0.0, 0.5)
    k["ohalsotal"] = np.round(np.clip(24 * np.exp(0.12 * soc + 2 * gles + 0.1 * rng.standard_normal(n)), 8, 60), 1)
    k["tatortsbefolkning"] = np.round(pop * np.clip(0.9 - 2.2 * gles + 0.04 * rng.standard_normal(n), 0.25, 0.995))
    k["ifo_ensamstaende_kvinnor_18_44_med_barn"] = share(0.028, 0.25)
    k["ifo_lagutbildade_20_40_fodda_i_sverige"] = share(0.07, 0.3)
    k["granspendling"] = np.where(
        kom["lan_kod"].isin(["12", "14", "17", "20", "23", "25"]),
        np.clip(0.004 * np.exp(1.2 * rng.standard_normal(n)), 0, 0.3),
        0.0005,
    )
    p2064 = k["bef_19_64"].to_numpy()
    k["komvux_malgrupp_grundlaggande"] = np.round(p2064 * share(0.018, 0.5))
    k["komvux_malgrupp_gymnasial"] = np.round(p2064 * share(0.07, 0.3))
    k["komvux_malgrupp_sfi"] = np.round(p2064 * share(0.02, 0.6, 0.3))
    k["forvarvsfrekvens"] = np.round(np.clip(0.80 - 0.03 * soc + 0.015 * rng.standard_normal(n), 0.6, 0.92), 4)

    tatort11 = np.where(pop > 26_000, np.round(pop * np.clip(0.72 + 0.08 * rng.standard_normal(n), 0.45, 0.95)), 0.0)
    k["tatort_over_11000_bef"] = tatort11
    if matt is not None:
        # the law freezes medeldistans at 2022 (förordningens bilaga, SOU 2024:50 s. 63): the engine takes the frozen
        # value; the gleshet run reports its own medeldistans_km against it (frysta.csv)
        from geo.matt import fryst_medeldistans

        k["medeldistans_3000_km"] = fryst_medeldistans(kom["kommun_kod"])
        for src, dst in (
            ("regionalt_befolkningsunderlag", "regionalt_befolkningsunderlag"),
            ("lokalt_befolkningsunderlag", "lokalt_befolkningsunderlag"),
        ):
            k[dst] = m[src].round().to_numpy() if src in m.columns else np.nan
        k["invanardistans_m"] = m["invanardistans_m"].round(1).to_numpy() if "invanardistans_m" in m.columns else np.nan
    md3 = np.round(np.exp(0.2 + 14.0 * gles + 0.25 * rng.standard_normal(n)), 3)
    defaults = {
        "medeldistans_3000_km": md3,
        "regionalt_befolkningsunderlag": np.round(
            np.clip(2.0e6 * np.exp(-32 * gles + 0.4 * rng.standard_normal(n)), 5e3, 4e6)
        ),
        "lokalt_befolkningsunderlag": np.round(np.clip(pop * 1.6 * np.exp(-4 * gles), 1e3, 2.5e6)),
        "invanardistans_m": np.round(np.clip(40 * np.exp(12 * gles + 0.5 * rng.standard_normal(n)), 12, 2500), 1),
    }
    for c, v in defaults.items():
        if c not in k.columns or k[c].isna().any():
            k[c] = v if c not in k.columns else k[c].fillna(pd.Series(v, index=k.index))

    # --- current-rule and bidrag inputs -------------------------------------------------------------------------
    back5 = (1 + g4) ** 5
    k["bef_16_20"] = np.round(k["bef_16_18"] * np.clip(1.64 + 0.05 * rng.standard_normal(n), 1.4, 1.9))
    k["bef_1_5_31dec_t7"] = np.round(k["bef_1_5"] / back5 * np.exp(0.03 * rng.standard_normal(n)))
    k["bef_6_15_31dec_t7"] = np.round((k["bef_6"] + k["bef_7_9"] + k["bef_10_12"] + k["bef_13_15"]) / back5)
    k["bef_16_18_31dec_t7"] = np.round(k["bef_16_18"] / back5 * np.exp(0.03 * rng.standard_normal(n)))
    p65 = k[["bef_65_74", "bef_75_79", "bef_80_84", "bef_85_89", "bef_90_w"]].sum(axis=1)
    k["fodda_utanfor_norden_65_w"] = np.round(p65 * share(0.07, 0.5, 0.3))
    k["folkmangd_31dec_2022"] = pop if ar == 2024 else np.round(pop / (1 + growth) ** (ar - 2024))
    k["skatteunderlag_t1_kr"] = np.round(
        k["skatteunderlag_kr"] / 1.045 * k["folkmangd_1nov_t2"] / k["folkmangd_1nov_t1"]
    )
    k["utfall_t1_kostnadsutjamning_kr_per_inv"] = np.round(
        9000 * gles - 1200 * hog + 600 * soc + 300 * rng.standard_normal(n) - 200
    )
    strukt = np.round(np.where(gles > 0.04, 6000 * (gles - 0.04) * np.exp(0.3 * rng.standard_normal(n)), 0.0))
    k["utfall_t1_svagt_befolkningsunderlag_kr_per_inv"] = strukt
    k["utfall_t1_fast_inforandebidrag_kr_per_inv"] = 0.0
    k["utfall_t1_inforandebidrag_kr_per_inv"] = 0.0
    k["strukturbidrag_kr_per_inv"] = strukt
    k["raddningstjanst_klass_invanardistans_m"] = k["invanardistans_m"]
    k["raddningstjanst_klass_lokalt_befolkningsunderlag"] = k["lokalt_befolkningsunderlag"]
    k["administration_klass_invanardistans_m"] = k["invanardistans_m"]
    k["administration_klass_folkmangd"] = pop
    # LSS: national counts of tabell 9.1 (SOU 2024:50 s. 627) spread by population with noise
    for name, v in _tabell_9_1().items():
        k[f"lss_{name}"] = np.round(v["antal"] * pop / pop.sum() * np.exp(0.25 * rng.standard_normal(n)))
    k["lss_pa_lss_och_bss_vuxna"] = np.round(0.04 * np.minimum(k["lss_pa_lss"], k["lss_bss_vuxna"]))
    k["lss_pa_sfb_kommun_utforare"] = np.round(k["lss_pa_sfb"] * np.clip(0.25 + 0.1 * rng.standard_normal(n), 0, 1))
    k["lss_ersattning_fk_kr"] = np.round(k["lss_pa_sfb"] * 340_000 * np.exp(0.1 * rng.standard_normal(n)))

    # everything else in the schema (variables added later) gets a neutral, plausible value by kind
    for v in schema.variables(schema.KOMMUN):
        if v.name not in k.columns:
            k[v.name] = {
                "share": share(0.1, 0.3),
                "count": np.round(pop * 0.01),
                "percent": np.full(n, 20.0),
                "amount": np.full(n, 1.0),
                "signed": np.zeros(n),
            }[v.kind]

    reg = register.regioner()
    lan_of = kom["lan_kod"].to_numpy()
    lan = pd.DataFrame(index=pd.Index(reg["region_kod"], name="lan_kod"))
    lan["lan"] = reg["lan"].to_numpy()
    lan["pendlare_andel_procent"] = np.round(np.clip(28 + 6 * rng.standard_normal(len(reg)), 12, 45), 1)
    lan.loc["01", "pendlare_andel_procent"] = 46.0
    md15 = pd.Series(
        np.exp(0.8 + 18 * gles) if matt is None else m["avstand_15000_km"].to_numpy(), index=kom["kommun_kod"]
    )
    md15_l = (md15 * pop).groupby(lan_of).sum().to_numpy() / pd.Series(pop).groupby(lan_of).sum().to_numpy()
    lan["medeldistans_15000_km"] = np.round(
        pd.Series(md15_l, index=sorted(set(lan_of))).reindex(lan.index).to_numpy(), 3
    )
    for v in schema.variables(schema.LAN):
        if v.name not in lan.columns:
            lan[v.name] = {"share": 0.1, "count": 0.0, "percent": 20.0, "amount": 1.0, "signed": 0.0}[v.kind]

    region = pd.DataFrame(index=pd.Index(reg["region_kod"], name="region_kod"))
    region["region"] = reg["region"].to_numpy()
    sums = k.groupby(lan_of)[[c for c in k.columns if c.startswith("bef_")]].sum().reindex(region.index)
    b65, b75 = sums["bef_65_74"].to_numpy(), sums["bef_75_79"].to_numpy()
    base = {
        "0": sums["bef_0"].to_numpy(),
        "1_5": sums["bef_1_5"].to_numpy(),
        "6_18": sums[["bef_6", "bef_7_9", "bef_10_12", "bef_13_15", "bef_16_18"]].sum(axis=1).to_numpy(),
        "19_66": sums["bef_19_64"].to_numpy() + np.round(0.2 * b65),
        "67_75": b65 - np.round(0.2 * b65) + np.round(0.2 * b75),
        "76_79": b75 - np.round(0.2 * b75),
        "80_89": (sums["bef_80_84"] + sums["bef_85_89"]).to_numpy(),
        "90_w": sums["bef_90_w"].to_numpy(),
    }
    split = {"0": ("hos_0_q1", "hos_0_q2", "hos_0_q34"), "1_5": ("hos_1_5_q1", "hos_1_5_q2", "hos_1_5_q34")}
    r_rng = np.random.default_rng(SEED + 1)
    nr = len(region)
    for grp, cells in split.items():
        sh = np.tile([0.27, 0.25, 0.48], (nr, 1)) * np.exp(0.08 * r_rng.standard_normal((nr, 3)))
        for c, col in zip(cells, _largest_remainder(base[grp], sh).T):
            region[c] = col
    region["hos_6_18"] = base["6_18"]
    adult_cells = [c for c in schema.HOS_CELLER if c.startswith(("hos_19_29", "hos_30_49", "hos_50_66"))]
    adult_sh = np.tile(
        [0.012, 0.035, 0.05, 0.075, 0.14, 0.02, 0.035, 0.05, 0.13, 0.19, 0.03, 0.035, 0.04, 0.06, 0.098], (nr, 1)
    )
    adult_sh = adult_sh * np.exp(0.06 * r_rng.standard_normal(adult_sh.shape))
    for c, col in zip(adult_cells, _largest_remainder(base["19_66"], adult_sh).T):
        region[c] = col
    for grp, cells in (
        ("67_75", ("hos_67_75_lagink", "hos_67_75_ovriga")),
        ("76_79", ("hos_76_79_lagink", "hos_76_79_ovriga")),
    ):
        sh = np.tile([0.26, 0.74], (nr, 1)) * np.exp(0.08 * r_rng.standard_normal((nr, 2)))
        for c, col in zip(cells, _largest_remainder(base[grp], sh).T):
            region[c] = col
    region["hos_80_89"] = base["80_89"]
    region["hos_90_w"] = base["90_w"]
    region = region[["region", *schema.HOS_CELLER]]
    for v in schema.variables(schema.REGION):
        if v.name not in region.columns:
            region[v.name] = {"share": 0.1, "count": 0.0, "percent": 20.0, "amount": 1.0, "signed": 0.0}[v.kind]

    riket = pd.DataFrame(
        {"variabel": ["modersmal_larlon_manad", "modersmal_heltidstjanster"], "varde": [36_800.0, 4_900.0]}
    )
    riket_extra = (
        _riket_lss(k)
        | _anslag(k, ar)
        | {
            "modersmal_deltagande_elever": 190_000.0,
            "utfall_t1_regleringspost_kommun_kr_per_inv": 3055.0,
            "utfall_t1_regleringspost_region_kr_per_inv": 730.0,
        }
    )
    for name, val in riket_extra.items():
        riket.loc[len(riket)] = [name, float(val)]
    for v in schema.variables(schema.RIKET):
        if v.name not in set(riket["variabel"]) and not v.ersattning:
            riket.loc[len(riket)] = [v.name, 1.0]
    kvars = [v.name for v in schema.variables(schema.KOMMUN)]
    k = k[["kommun", *kvars]].reset_index()
    return {"kommuner": k, "lan": lan.reset_index(), "regioner": region.reset_index(), "riket": riket}


def write_demo_inputs(directory: str | Path, ar: int = 2024, matt_dir: str | Path | None = None) -> Path:
    """Write the DEMO input tables (CSV) and a README labelling them as demo data."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    matt = None
    if matt_dir is not None and (Path(matt_dir) / "kommuner.csv").is_file():
        from engine.indata import read_csv_numbers

        matt = read_csv_numbers(Path(matt_dir) / "kommuner.csv", text=("kommun_kod", "kommun", "lan_kod", "lan"))
    kalla = f"gleshetsmåtten {Path(matt_dir) / 'kommuner.csv'}" if matt is not None else "gleshetsmåtten"
    for name, t in demo_tables(ar, matt, kalla).items():
        t.to_csv(d / f"{name}.csv", index=False, float_format="%.10g", lineterminator="\n")
    (d / "README.md").write_text(README.format(seed=SEED, ar=ar), encoding="utf-8")
    return d


#: Bilaga 4 tabell 6 column → delmodell name of the engine
BILAGA4_DELMODELLER = {
    "forskoleverksamhet_och_skolbarnomsorg": "forskola",
    "forskoleklass_och_grundskola": "grundskola",
    "gymnasieskola": "gymnasieskola",
    "kommunal_vuxenutbildning": "komvux",
    "individ_och_familjeomsorg": "ifo",
    "aldreomsorg": "aldreomsorg",
    "politisk_verksamhet": "politisk_verksamhet",
    "gator_och_vagar": "gator_och_vagar",
    "raddningstjanst": "raddningstjanst",
    "befolkningsminskning": "befolkningsminskning",
    "fastigheter": "fastigheter",
    "kollektivtrafik": "kollektivtrafik",
}


def write_demo_bas_utfall(
    indata_dir: str | Path, directory: str | Path, fasta_index: str | Path | None = None, *, ar: int = 2024
) -> Path:
    """DEMO current-rule outcomes for `utjamning jamfor`, where the current rules cannot be computed (the
    kostnadsutjämning, LSS): the demo proposal's outcome for utjämningsår ``ar`` (the year the demo inputs were
    written for) minus the change the committee published for the same kommun (SOU 2024:50 Bilaga 4 tables 1, 2, 3
    and 6). So the demo's changes have the committee's structure; the levels are synthetic. Inkomstutjämning,
    strukturbidrag and regleringspost stay computed from the demo inputs."""
    from engine.indata import load_indata
    from engine.jamfor import delmodell_bidrag
    from engine.model import berakna, build_ctx
    from engine.params import load_params

    b4 = register.DATA / "bilaga4"
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    ctx = build_ctx(load_indata(indata_dir, "sou2024", ar), load_params("sou2024", ar=ar), fasta_index)
    res = berakna(ctx)
    t1 = pd.read_csv(b4 / "tabell1_kommuner.csv", dtype={"kommun_kod": str}).set_index("kommun_kod")
    t2 = pd.read_csv(b4 / "tabell2_regioner.csv", dtype={"region_kod": str}).set_index("region_kod")
    t3 = pd.read_csv(b4 / "tabell3_lss_inforande.csv", dtype={"kommun_kod": str}).set_index("kommun_kod")
    t6 = pd.read_csv(b4 / "tabell6_delmodeller_kommuner.csv", dtype={"kommun_kod": str}).set_index("kommun_kod")
    k = pd.DataFrame(index=pd.Index(ctx.kommun_kod, name="kommun_kod"))
    k["kostnadsutjamning"] = (
        res["kommun"]["kostnadsutjamning.kostnadsutjamning"]
        - t1.loc[k.index, "kostnadsutjamning_forandring"].to_numpy()
    )
    k["lss_utjamning"] = res["kommun"]["lss.utjamning"] - t3.loc[k.index, "forandring"].to_numpy()
    ku = delmodell_bidrag(ctx, res["kommun"], "kommun")
    for col, namn in BILAGA4_DELMODELLER.items():
        k[f"ku_{namn}"] = ku[namn].to_numpy() - t6.loc[k.index, col].to_numpy()
    r = pd.DataFrame(index=pd.Index(ctx.region_kod, name="region_kod"))
    r["kostnadsutjamning"] = (
        res["region"]["kostnadsutjamning.kostnadsutjamning"]
        - t2.loc[r.index, "kostnadsutjamning_forandring"].to_numpy()
    )
    k.round(4).to_csv(d / "kommuner.csv", lineterminator="\n")
    r.round(4).to_csv(d / "regioner.csv", lineterminator="\n")
    (d / "README.md").write_text(
        "# DEMO bas-utfall — inte officiell statistik\n\nUtfall enligt nuvarande regler för demon: demoförslagets "
        "utfall minus den förändring kommittén publicerat för samma kommun och region (SOU 2024:50 bilaga 4, "
        "tabell 1, 2, 3 och 6; data/bilaga4). Skapade av pipelines/demo_indata.py (write_demo_bas_utfall).\n",
        encoding="utf-8",
    )
    return d
