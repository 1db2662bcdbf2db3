"""The committee's own medeldistans 2022 per kommun, recovered from SOU 2024:50 Bilaga 4 tabell 6 (issue 10).

Tabell 6 prints per kommun the change in politisk verksamhet, proposal − current rules 2024 (kr/inv, "ny
indelning"). Under the proposal (förordning 20 a §, bilaga; SOU 2024:50 s. 514–517) the standardkostnad is
B·MI with B = 687 · K · KPIF (K = 0,98797, tabell 6.60) and MI = 1 or the modellvärde MV over its mean M̄ = 918.
Under the current rules the politisk part of the administration component is a class amount a (tabell 6.58,
s. 507: 400 / 150 / 150 kr in 2016 prices, KPIF to 2024). Each side is net of its riket mean, so

    change_i = B·(MI_i − 1) + s − a_i,     s = B − R + m_c = the change of a kommun without tillägg (+6)

and, where MI_i > 1, MI_i = 1 + (change_i − s + a_i) / B, MV_i = M̄·MI_i and

    medeldistans_i = (MV_i − 2 355,5331 + 153,2238 · ln P_i) / 11,59168            (bilaga, s. 515)

The printed roundings (change, s, M̄: ±0,5 kr) and the population (P 31 Dec 2022, estimated: ±0,5 %) give an
interval per kommun. A kommun whose change is s − a_i (no tillägg in the proposal) only tells that MV_i < 1 018
(the typkommun of tabell 6.60): an upper bound on its medeldistans. The recovered MV ≥ 1 018 of every kommun with
a tillägg — also of dense small ones like Mullsjö, 2,8 km — shows that the committee applied the index-1 rule to
the modellvärde (the chapter's reading, tabell 6.60), not to medeldistans < 6,72 km (the bilaga's wording).

The current classes are the frozen invånardistans/folkmängd classes of tabell 6.58; they are recovered from SCB
land area 2015 and population 2016 (shared data, not in the repository) and shipped in the output file. Data:
``data/gleshet/kommitten_tabell6.yaml``; output ``data/gleshet/medeldistans_kommitten_2022.csv``; regenerate with
``python tools/kommittens_matt.py`` (needs ../shared/data).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from engine.paths import DATA

PARAMETRAR = DATA / "gleshet" / "kommitten_tabell6.yaml"
UTFIL = DATA / "gleshet" / "medeldistans_kommitten_2022.csv"
TABELL6 = DATA / "bilaga4" / "tabell6_delmodeller_kommuner.csv"
KALLA = "härledd ur SOU 2024:50 bilaga 4 tabell 6"


def parametrar() -> dict:
    return yaml.safe_load(PARAMETRAR.read_text(encoding="utf-8"))


def _v(node):
    return node["value"]


def politisk_modell() -> dict:
    """The proposal's constants (data/regelverk/sou2024): modell (konstant, koefficienter), SC 687, KPIF factor."""
    from engine.common import kpif_faktor
    from engine.params import Params

    p = Params.load("sou2024")
    return {
        "konstant": p("politisk_verksamhet.modell.konstant"),
        "koef_ln": p("politisk_verksamhet.modell.koef_ln_befolkning"),
        "koef_md": p("politisk_verksamhet.modell.koef_medeldistans"),
        "sc": p("standardkostnader.politisk_verksamhet"),
        "kpif": kpif_faktor(p.raw("allmant.kpif"), 2024),
    }


def nuvarande_klass(invanardistans_m, folkmangd, kommun_kod) -> np.ndarray:
    """Class of the current administration component (tabell 6.58, SOU 2024:50 s. 507): A (> 350 m, < 8 000),
    B (> 350 m, < 25 000), C (> 350 m, ≥ 25 000), D (≤ 350 m, < 8 000), 0 (else); the yaml's klass_undantag win."""
    g = parametrar()["klassgranser"]
    d = np.asarray(invanardistans_m, dtype="float64")
    p = np.asarray(folkmangd, dtype="float64")
    gles = d > _v(g["invanardistans_m"])
    liten, mellan = p < _v(g["folkmangd_liten"]), p < _v(g["folkmangd_mellan"])
    k = np.where(gles, np.where(liten, "A", np.where(mellan, "B", "C")), np.where(liten, "D", "0")).astype(object)
    for kod, klass in _v(g["klass_undantag"]).items():
        k[np.asarray(kommun_kod) == kod] = klass
    return k


def nuvarande_belopp(klass) -> np.ndarray:
    """The current politisk-verksamhet amount per kommun, kr/inv in 2024 prices (class amount × KPIF 2016→2024,
    the current rules' uprating of verksamhetsövergripande kostnader, SFS 2023:683 bilaga)."""
    from engine.common import kpif_faktor
    from engine.params import Params

    nu = Params.load("2024")
    f = kpif_faktor(nu.raw("allmant.kpif"), 2024, ar_fran=int(nu("verksamhetsovergripande.kpif_fran_ar")))
    belopp = {k: _v(v) * f for k, v in parametrar()["nuvarande_politisk_belopp"].items()}
    return np.array([belopp.get(k, 0.0) for k in klass], dtype="float64")


def harled_index(forandring, belopp) -> pd.DataFrame:
    """Merkostnadsindex MI per kommun from tabell 6 (module docstring): columns ``tillagg`` (MI > 1 in the
    proposal), ``merkostnadsindex`` (1 where no tillägg) and its interval ``_min``/``_max`` from the printed
    roundings. A change that fits neither an index of 1 nor an index above 1 raises ValueError."""
    q = parametrar()
    m = politisk_modell()
    pf = q["politisk_forslag"]
    h = _v(q["avrundning"])
    B = m["sc"] * m["kpif"] * _v(pf["korrigeringsfaktor"])
    s = _v(pf["forandring_utan_tillagg"])
    c = np.asarray(forandring, dtype="float64")
    a = np.asarray(belopp, dtype="float64")
    x = c - s + a  # = B·(MI − 1)
    ett = np.abs(x) <= 3 * h  # index 1 within the roundings of c, s and a (each ± h)
    if (~ett & (x < 0)).any():
        bad = np.flatnonzero(~ett & (x < 0)).tolist()
        raise ValueError(f"tabell 6: förändringen passar varken index 1 eller index > 1 för rad(er) {bad}")
    mi = np.where(ett, 1.0, 1.0 + x / B)
    return pd.DataFrame(
        {
            "tillagg": ~ett,
            "merkostnadsindex": mi,
            "merkostnadsindex_min": np.where(ett, 1.0, 1.0 + (x - 2 * h) / B),
            "merkostnadsindex_max": np.where(ett, 1.0, 1.0 + (x + 2 * h) / B),
        }
    )


def medeldistans_ur_modellvarde(mv, folkmangd) -> np.ndarray:
    """Invert the bilaga's modellvärde (SOU 2024:50 s. 515): (MV − 2 355,5331 + 153,2238·ln P) / 11,59168."""
    m = politisk_modell()
    return (
        np.asarray(mv, dtype="float64") - m["konstant"] - m["koef_ln"] * np.log(np.asarray(folkmangd, dtype="float64"))
    ) / m["koef_md"]


def harled_medeldistans(index: pd.DataFrame, folkmangd) -> pd.DataFrame:
    """Medeldistans (km) with interval per kommun from ``harled_index`` and the population P 31 Dec 2022:
    ``medeldistans_km`` (NaN without tillägg), ``medeldistans_min_km`` (NaN without tillägg) and
    ``medeldistans_max_km`` (without tillägg: the bound MV < 1 018 + rounding)."""
    q = parametrar()
    pf = q["politisk_forslag"]
    h = _v(q["avrundning"])
    u = _v(q["befolkning_osakerhet"])
    mbar = _v(pf["genomsnittligt_modellvarde"])
    p = np.asarray(folkmangd, dtype="float64")
    t = index["tillagg"].to_numpy()
    # A tillägg means MV ≥ the typkommun's 1 018 (20 a §, chapter reading): where the central index's MV falls just
    # below it (Gnosjö, Munkedal), take the middle of the part of its rounding interval that gives the tillägg.
    mi_min_tillagg = _v(pf["typkommun_modellvarde"]) / mbar
    mi, mi_max = index["merkostnadsindex"].to_numpy(), index["merkostnadsindex_max"].to_numpy()
    mi = np.where(t & (mi < mi_min_tillagg) & (mi_max >= mi_min_tillagg), (mi_min_tillagg + mi_max) / 2, mi)
    md = medeldistans_ur_modellvarde(mbar * mi, p)
    lo = medeldistans_ur_modellvarde((mbar - h) * index["merkostnadsindex_min"].to_numpy(), p * (1 - u))
    hi = medeldistans_ur_modellvarde((mbar + h) * index["merkostnadsindex_max"].to_numpy(), p * (1 + u))
    bound = medeldistans_ur_modellvarde(_v(pf["typkommun_modellvarde"]) + h, p * (1 + u))
    return pd.DataFrame(
        {
            "medeldistans_km": np.where(t, md, np.nan),
            "medeldistans_min_km": np.where(t, lo, np.nan),
            "medeldistans_max_km": np.where(t, hi, bound),
        }
    )


def las_tabell6() -> pd.DataFrame:
    return pd.read_csv(TABELL6, dtype={"kommun_kod": str})[["kommun_kod", "kommun", "politisk_verksamhet"]]


def las_harledd(path=None) -> pd.DataFrame:
    """The shipped recovery (data/gleshet/medeldistans_kommitten_2022.csv)."""
    return pd.read_csv(
        path or UTFIL,
        dtype={"kommun_kod": str, "nuvarande_klass": str},
        keep_default_na=False,
        na_values={c: [""] for c in ("medeldistans_km", "medeldistans_min_km")},
    )


def harled(folkmangd_2022: pd.Series, invanardistans_m: pd.Series, folkmangd_klass: pd.Series) -> pd.DataFrame:
    """The whole recovery for all 290 kommuner (tabell 6 order): the table written to UTFIL. Inputs indexed by
    kommun_kod: the population 31 Dec 2022, and the invånardistans (m) and population of the class table."""
    t = las_tabell6()
    kod = t["kommun_kod"]
    klass = nuvarande_klass(
        invanardistans_m.reindex(kod).to_numpy(), folkmangd_klass.reindex(kod).to_numpy(), kod.to_numpy()
    )
    belopp = nuvarande_belopp(klass)
    idx = harled_index(t["politisk_verksamhet"], belopp)
    md = harled_medeldistans(idx, folkmangd_2022.reindex(kod).to_numpy())
    out = pd.concat(
        [
            t.rename(columns={"politisk_verksamhet": "tabell6_politisk_kr"}).reset_index(drop=True),
            pd.DataFrame({"nuvarande_klass": klass, "nuvarande_politisk_kr": belopp}),
            idx,
            md,
        ],
        axis=1,
    )
    out["kalla"] = np.where(out["tillagg"], KALLA, KALLA + " (index 1: bara en övre gräns)")
    return out


KALLA_BERAKNAD = "beräknad: definition {definition}, SCB:s 1 km-rutnät 2024"
KALLA_BEGRANSAD = "beräknad, begränsad till tabell 6:s övre gräns (index 1)"


def frysta_medeldistans(beraknad: pd.Series, definition: str, harledd: pd.DataFrame | None = None) -> pd.DataFrame:
    """The frozen 2022 medeldistans per kommun (förordningens bilaga: "avser år 2022 och uppdateras inte"):
    the committee's value recovered from tabell 6 where it has a tillägg; elsewhere ``beraknad`` (kommun_kod →
    km, our best definition), capped at tabell 6's upper bound (the published figure wins: a value above it would
    give a tillägg the committee did not give). Columns kommun_kod, medeldistans_3000_km, medeldistans_kalla."""
    h = (harledd if harledd is not None else las_harledd()).set_index("kommun_kod")
    b = beraknad.reindex(h.index).astype("float64")
    if b.isna().any():
        raise ValueError(f"beräknad medeldistans saknas för {list(b.index[b.isna()])}")
    t = h["tillagg"].astype(bool)
    capped = ~t & (b > h["medeldistans_max_km"])
    value = np.where(t, h["medeldistans_km"], np.minimum(b, h["medeldistans_max_km"]))
    kalla = np.where(t, KALLA, np.where(capped, KALLA_BEGRANSAD, KALLA_BERAKNAD.format(definition=definition)))
    return pd.DataFrame({"kommun_kod": h.index, "medeldistans_3000_km": value, "medeldistans_kalla": kalla})


def _dela_befolkning(shared: Path) -> tuple[pd.Series, pd.Series]:
    """Population 31 Dec 2022 (each kommun's own trend 2017–2021 carried one year past the 2021 register) and
    31 Dec 2016 (interpolated 2013–2017) from the shared kommun panel."""
    pan = pd.read_csv(shared / "kommun_panel_2002_2022" / "municip_data.csv")
    pan["kommun_kod"] = pan["municip_code"].astype(int).map("{:04d}".format)
    pp = pan.pivot(index="kommun_kod", columns="year", values="pop").astype("float64")
    p22 = pp[2022] * (pp[2022] / pp[2018]) ** 0.25
    p16 = pp[2014] * (pp[2018] / pp[2014]) ** 0.75
    return p22, p16
