"""What changed since the previous good run: every measure, fasta index and utjämning component per kommun and län.

A run's results are read into one long table (one row per source, level, unit and quantity: ``kalla``, ``niva``,
``kod``, ``namn``, ``storhet``, ``rubrik``, ``enhet``, ``klass``, ``varde``), the previous run's likewise, and the
two are compared. A quantity moved *beyond tolerance* when |nu − tidigare| exceeds the tolerance of its unit class
(``[toleranser]`` of the configuration; defaults in ``data/natt/standardvarden.toml``); a value that appeared or
disappeared always counts.

Sources: the gleshet measures (``gleshet/kommuner.csv``, ``lan.csv``), the fasta index tables and the derived
indices of the index step (``index/``), and every ``berakna_<namn>`` result in kr/inv (per kommun, per region, and
per län as the population-weighted mean over the län's kommuner, weights folkmängd 1 nov t−1).

Measures the law freezes (medeldistans 2022 for politisk verksamhet, befolkningsunderlag 2022 for svagt
befolkningsunderlag) are reported, never applied: the gleshet step compares the frozen values with this grid's
(``frysta.csv``, geo.matt.frysta_jamforelse); the change report carries that comparison with Swedish headings and
marks the kommuner a new grid would move beyond tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines import rubriker
from pipelines.csvdialekt import STANDARD, write_csv

#: The unit as the change report writes it, by kind (pipelines/rubriker.SLAG).
ENHET_TEXT = {
    "invanare": "invånare",
    "antal": "antal",
    "km": "km",
    "m": "m",
    "andel": "andel",
    "index": "index",
    "kr_per_inv": "kr/inv",
}


#: Kind of a result column (pipelines/rubriker.SLAG) → its tolerance class (data/natt/standardvarden.toml).
SLAG_KLASS = {
    "kr_per_inv": "kr_per_inv",
    "kr": "kr_per_inv",
    "index": "index",
    "faktor": "andel",
    "andel": "andel",
    "procent": "ovrigt",
    "flagga": "antal",
    "antal": "antal",
    "invanare": "invanare",
    "km": "km",
    "m": "m",
}
KALLOR = {"gleshet": "Gleshetsmått", "index": "Fasta index"}
NIVAER = {"kommun": "kommun", "lan": "län", "lan_kommuner": "län (kommunerna)", "region": "region"}
#: Index-step columns that are readings or flags, not quantities.
EJ_STORHET = {"under_troskel", "centralort", "centre_source"}
KOLUMNER = ["kalla", "niva", "kod", "namn", "storhet", "rubrik", "enhet", "klass", "varde"]


def kalla_rubrik(kalla: str) -> str:
    if kalla.startswith("berakna_"):
        return f"Utjämning {kalla.removeprefix('berakna_')}"
    return KALLOR.get(kalla, kalla)


def del_rubrik(del_: str) -> str:
    """Swedish heading of a del of the engine's results (``forskola`` → "Förskola"), from pipelines/rubriker.py."""
    return rubriker.DEL_NAMN.get(del_) or del_.replace("_", " ").capitalize()


def komponent_rubrik(kolumn: str) -> str:
    """Swedish name of a component ``<del>.<komponent>`` without its del (the catalogue's heading after "Del: ")."""
    namn = rubriker.kolumn(kolumn.removesuffix("_kr")).namn
    return namn.split(": ", 1)[1] if ": " in namn else namn


def storhet_info(kolumn: str) -> tuple[str, str, str]:
    """(heading, unit shown, tolerance class) of a result column, from the one catalogue (pipelines/rubriker.py:
    the measures' and the fasta index tables, the engine's results)."""
    if "." not in kolumn:
        k = rubriker.kolumn(kolumn, "matt")
        if k.kand:
            return k.namn, ENHET_TEXT.get(k.slag, k.enhet), SLAG_KLASS.get(k.slag, "ovrigt")
    else:
        # engine results: the one heading catalogue of every table a person reads (pipelines/rubriker.py)
        k = rubriker.kolumn(kolumn)
        enhet = "1 = ja" if k.slag == "flagga" else k.enhet  # the report shows flags as the numbers 0/1
        return k.namn, enhet, SLAG_KLASS.get(k.slag, "ovrigt")
    if kolumn.endswith("_km"):
        return kolumn.removesuffix("_km").replace("_", " ").capitalize(), "km", "km"
    if kolumn.endswith("_m"):
        return kolumn.removesuffix("_m").replace("_", " ").capitalize(), "m", "m"
    return kolumn.replace("_", " ").capitalize(), "", "ovrigt"


def _long(df: pd.DataFrame, kalla: str, niva: str, namn: pd.Series, skip=()) -> pd.DataFrame:
    """Numeric columns of ``df`` (indexed by code) in the long format."""
    parts = []
    for col in df.columns:
        kronor = str(col).endswith("_kr") and "." in str(col)  # engine columns in kronor: kr/inv is compared
        if (
            col in skip
            or col in EJ_STORHET
            or kronor
            or not pd.api.types.is_numeric_dtype(df[col])
            or pd.api.types.is_bool_dtype(df[col])
        ):
            continue
        rub, enhet, klass = storhet_info(str(col))
        parts.append(
            pd.DataFrame(
                {
                    "kalla": kalla,
                    "niva": niva,
                    "kod": df.index.astype(str),
                    "namn": namn.reindex(df.index).astype(str).to_numpy(),
                    "storhet": str(col),
                    "rubrik": rub,
                    "enhet": enhet,
                    "klass": klass,
                    "varde": df[col].to_numpy(dtype="float64"),
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=KOLUMNER)


def _names() -> tuple[pd.Series, pd.Series, pd.Series]:
    from engine import register as reg

    k = reg.kommuner().set_index("kommun_kod")
    r = reg.regioner().set_index("region_kod")
    return k["kommun"], r["lan"], r["region"]


def las_korning(run_dir: Path, berakningar: list[str] | None = None) -> pd.DataFrame:
    """Every quantity of a run folder in the long format (folders that are absent are skipped)."""
    run_dir = Path(run_dir)
    kn, ln, rn = _names()
    parts = []
    g = run_dir / "gleshet"
    if (g / "kommuner.csv").is_file():
        k = pd.read_csv(g / "kommuner.csv", dtype={"kommun_kod": str, "lan_kod": str}).set_index("kommun_kod")
        parts.append(_long(k, "gleshet", "kommun", k["kommun"].astype(str)))
    if (g / "lan.csv").is_file():
        lt = pd.read_csv(g / "lan.csv", dtype={"lan_kod": str}).set_index("lan_kod")
        parts.append(_long(lt, "gleshet", "lan", lt["lan"].astype(str)))
    ix = run_dir / "index"
    if (ix / "fasta_index_kommuner_del1.csv").is_file():
        from engine.register import read_fasta_index

        fi = read_fasta_index(ix)
        parts.append(_long(fi.kommun, "index", "kommun", kn))
        parts.append(_long(fi.region, "index", "region", rn))
    if (ix / "politisk_verksamhet.csv").is_file():
        pv = pd.read_csv(ix / "politisk_verksamhet.csv", dtype={"kommun_kod": str}).set_index("kommun_kod")
        parts.append(_long(pv, "index", "kommun", kn))
    if (ix / "kollektivtrafik_md15000.csv").is_file():
        kt = pd.read_csv(ix / "kollektivtrafik_md15000.csv", dtype={"lan_kod": str}).set_index("lan_kod")
        parts.append(_long(kt, "index", "lan", ln))
    names = (
        berakningar
        if berakningar is not None
        else sorted(p.name.removeprefix("berakna_") for p in run_dir.glob("berakna_*") if p.is_dir())
    )
    for namn in names:
        b = run_dir / f"berakna_{namn}"
        if not (b / "kommuner.parquet").is_file():
            continue
        kalla = f"berakna_{namn}"
        k = pd.read_parquet(b / "kommuner.parquet")
        parts.append(_long(k, kalla, "kommun", kn))
        parts.append(_lan_mean(k, kalla, ln))
        if (b / "regioner.parquet").is_file():
            parts.append(_long(pd.read_parquet(b / "regioner.parquet"), kalla, "region", rn))
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if parts else pd.DataFrame(columns=KOLUMNER)
    return out


def _lan_mean(k: pd.DataFrame, kalla: str, ln: pd.Series) -> pd.DataFrame:
    """kr/inv components per län over its kommuner: Σ värde·folkmängd / Σ folkmängd (folkmängd 1 nov t−1)."""
    cols = [c for c in k.columns if "." in c and storhet_info(c)[2] == "kr_per_inv"]
    w = k["folkmangd_1nov_t1"].astype("float64")
    lan = k["lan_kod"].astype(str)
    num = k[cols].astype("float64").mul(w, axis=0).groupby(lan).sum(min_count=1)
    den = w.groupby(lan).sum()
    mean = num.div(den, axis=0)
    mean[k[cols].isna().groupby(lan).any()] = np.nan  # a län with a missing kommun value has no mean
    return _long(mean, kalla, "lan_kommuner", ln)


@dataclass
class Andringar:
    """The comparison of two runs. ``alla``: every quantity that changed at all; ``over``: those beyond tolerance;
    ``sammanfattning``: one row per source and quantity."""

    tidigare: str | None
    alla: pd.DataFrame
    over: pd.DataFrame
    sammanfattning: pd.DataFrame
    frysta: pd.DataFrame | None = None
    anmarkningar: list[str] = field(default_factory=list)

    @classmethod
    def tom(cls, frysta: pd.DataFrame | None = None) -> Andringar:
        """No previous run to compare with (only the frozen measures, if the gleshet step compared them)."""
        empty = pd.DataFrame(columns=KOLUMNER)
        return cls(None, empty, empty, pd.DataFrame(columns=["kalla", "storhet", "niva"]), frysta)

    @property
    def antal_over(self) -> int:
        return int(len(self.over))


def jamfor_korningar(
    tidigare: pd.DataFrame, nu: pd.DataFrame, toleranser: dict[str, float], tidigare_namn: str | None
) -> Andringar:
    """Compare two long tables (:func:`las_korning`)."""
    key = ["kalla", "niva", "kod", "storhet"]
    a = tidigare[key + ["varde"]].rename(columns={"varde": "tidigare"})
    b = nu.rename(columns={"varde": "nu"})
    m = b.merge(a, on=key, how="outer")
    meta = tidigare.drop(columns="varde").drop_duplicates(key).set_index(key)
    for col in ("namn", "rubrik", "enhet", "klass"):
        missing = m[col].isna()
        if missing.any():
            m.loc[missing, col] = meta[col].reindex(pd.MultiIndex.from_frame(m.loc[missing, key])).to_numpy()
    m["forandring"] = m["nu"] - m["tidigare"]
    m["tolerans"] = m["klass"].map(toleranser).astype("float64")
    appeared = m["tidigare"].isna() != m["nu"].isna()
    changed = appeared | (m["forandring"].abs() > 0)
    m["over_tolerans"] = appeared | (m["forandring"].abs() > m["tolerans"])
    m["relativ_procent"] = np.where(m["tidigare"].abs() > 0, 100 * m["forandring"] / m["tidigare"].abs(), np.nan)
    cols = [
        "kalla",
        "niva",
        "kod",
        "namn",
        "storhet",
        "rubrik",
        "enhet",
        "tidigare",
        "nu",
        "forandring",
        "relativ_procent",
        "tolerans",
        "over_tolerans",
    ]
    # per source and quantity, the largest changes first
    alla = m.loc[changed, cols]
    alla = (
        alla.assign(_abs=alla["forandring"].abs())
        .sort_values(
            ["kalla", "storhet", "niva", "_abs", "kod"],
            ascending=[True, True, True, False, True],
            kind="stable",
            na_position="first",
        )
        .drop(columns="_abs")
        .reset_index(drop=True)
    )
    over = alla[alla["over_tolerans"]].reset_index(drop=True)
    summ = _sammanfattning(m, changed)
    return Andringar(tidigare_namn, alla, over, summ)


def _sammanfattning(m: pd.DataFrame, changed: pd.Series) -> pd.DataFrame:
    rows = []
    for (kalla, storhet, niva), g in m.groupby(["kalla", "storhet", "niva"], sort=True):
        ch = changed.loc[g.index]
        if not ch.any():
            continue
        absd = g["forandring"].abs()
        i = absd.idxmax() if absd.notna().any() else g.index[0]
        rows.append(
            {
                "kalla": kalla,
                "storhet": storhet,
                "niva": niva,
                "rubrik": g["rubrik"].iloc[0],
                "enhet": g["enhet"].iloc[0],
                "antal": int(len(g)),
                "antal_andrade": int(ch.sum()),
                "antal_over_tolerans": int(g["over_tolerans"].sum()),
                "storsta_andring": g.loc[i, "forandring"],
                "storst_hos": g.loc[i, "namn"],
                "tolerans": g["tolerans"].iloc[0],
            }
        )
    cols = [
        "kalla",
        "storhet",
        "niva",
        "rubrik",
        "enhet",
        "antal",
        "antal_andrade",
        "antal_over_tolerans",
        "storsta_andring",
        "storst_hos",
        "tolerans",
    ]
    return pd.DataFrame(rows, columns=cols)


#: The frozen measures of the gleshet step's ``frysta.csv`` (geo.matt.frysta_jamforelse): heading, unit, class.
FRYSTA = {
    "medeldistans_3000_km": ("Medeldistans 2022 (politisk verksamhet)", "km", "km"),
    "regionalt_befolkningsunderlag": ("Regionalt befolkningsunderlag 2022", "invånare", "invanare"),
    "lokalt_befolkningsunderlag": ("Lokalt befolkningsunderlag 2022", "invånare", "invanare"),
}


def frysta_matt(gleshet_dir: Path, toleranser: dict[str, float]) -> pd.DataFrame | None:
    """The gleshet step's comparison of the measures the law freezes at their 2022 values with this grid's
    (``frysta.csv``: kommun_kod, matt, fryst, beraknad, skillnad), with names, units and whether the grid would
    move the value beyond tolerance; ``None`` when the step wrote no such comparison. Reported, never applied."""
    p = Path(gleshet_dir) / "frysta.csv"
    if not p.is_file():
        return None
    t = pd.read_csv(p, dtype={"kommun_kod": str})
    kn = _names()[0]
    info = t["matt"].map(lambda m: FRYSTA.get(m, storhet_info(m)))
    t.insert(1, "kommun", t["kommun_kod"].map(kn).fillna(""))
    t["rubrik"] = info.str[0]
    t["enhet"] = info.str[1]
    t["tolerans"] = info.str[2].map(toleranser).astype("float64")
    t["skillnad_procent"] = 100 * t["skillnad"] / t["fryst"].abs()
    t["over_tolerans"] = t["skillnad"].abs() > t["tolerans"]
    return t[
        [
            "kommun_kod",
            "kommun",
            "matt",
            "rubrik",
            "enhet",
            "fryst",
            "beraknad",
            "skillnad",
            "skillnad_procent",
            "tolerans",
            "over_tolerans",
        ]
    ]


UTDATA_RUBRIKER = {
    "kalla": "Källa",
    "niva": "Nivå",
    "kod": "Kod",
    "namn": "Namn",
    "storhet": "Storhet (kolumn)",
    "rubrik": "Storhet",
    "enhet": "Enhet",
    "tidigare": "Förra körningen",
    "nu": "Denna körning",
    "forandring": "Förändring",
    "relativ_procent": "Förändring (%)",
    "tolerans": "Tolerans",
    "over_tolerans": "Utöver toleransen",
    "antal": "Antal",
    "antal_andrade": "Antal ändrade",
    "antal_over_tolerans": "Antal utöver toleransen",
    "storsta_andring": "Största förändring",
    "storst_hos": "Största förändring hos",
    "kommun_kod": "Kommunkod",
    "kommun": "Kommun",
    "matt": "Mått (kolumn)",
    "fryst": "Fryst värde (lagen)",
    "beraknad": "Detta rutnät",
    "skillnad": "Skillnad",
    "skillnad_procent": "Skillnad (%)",
}


def skriv(andringar: Andringar, ut: Path, dialekt: str = STANDARD) -> list[Path]:
    """``andringar.csv`` (every change), ``over_tolerans.csv``, ``sammanfattning.csv`` and, when the gleshet step
    compared them, ``frysta_matt.csv``; Swedish headings, in the run's CSV dialect (``csv`` of the configuration,
    pipelines/csvdialekt.py) and at full precision, so that a change of one inhabitant in 2 724 346 shows two
    different numbers."""
    ut.mkdir(parents=True, exist_ok=True)
    tabeller = {
        name: df.assign(kalla=df["kalla"].map(kalla_rubrik), niva=df["niva"].map(NIVAER)) if len(df) else df
        for name, df in (
            ("andringar", andringar.alla),
            ("over_tolerans", andringar.over),
            ("sammanfattning", andringar.sammanfattning),
        )
    }
    if andringar.frysta is not None:
        tabeller["frysta_matt"] = andringar.frysta
    return [
        write_csv(df.rename(columns=UTDATA_RUBRIKER), ut / f"{name}.csv", dialekt, index=False)
        for name, df in tabeller.items()
    ]
