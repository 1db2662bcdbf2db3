"""Reading the current rules' outcomes for `utjamning jamfor`: a user's table (``--bas-utfall``) or the committee's
own 2024 outcome from its Bilaga 4 tables (``--bas-bilaga4``, data/bilaga4) — the I/O of the comparison
(engine/jamfor.py computes, pipelines/jamfor_tabeller.py reports)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from engine import register, schema
from engine.indata import IndataError, parse_numbers, read_csv_text
from engine.jamfor import BAS_KOLUMNER


def read_bas_utfall(directory: str | Path) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """A table of current-rule outcomes: ``kommuner.csv`` (kommun_kod, any of BAS_KOLUMNER and ``ku_<delmodell>``)
    and/or ``regioner.csv`` (region_kod, …), kr per inhabitant. Every problem is reported at once."""
    d = Path(directory)
    problems, out = [], []
    band = schema.band("utfall_t1_kostnadsutjamning_kr_per_inv")  # an outcome in kr/inv, bidrag + / avgift −
    for stem, key, reg in (
        ("kommuner", "kommun_kod", register.kommuner()["kommun_kod"]),
        ("regioner", "region_kod", register.regioner()["region_kod"]),
    ):
        f = d / f"{stem}.csv"
        if not f.is_file():
            out.append(None)
            continue
        t = read_csv_text(f)
        if key not in t.columns:
            problems.append(f"{f}: ingen kolumn {key!r} (bas-utfall)")
            out.append(None)
            continue
        t[key] = t[key].str.strip().str.zfill(4 if key == "kommun_kod" else 2)
        unknown = sorted(set(t[key]) - set(reg))
        missing = sorted(set(reg) - set(t[key]))
        if unknown:
            problems.append(f"{f}: okänd {key} {unknown[:10]}")
        if missing:
            problems.append(f"{f}: {len(missing)} {key} saknas, t.ex. {missing[:10]}")
        dup = t[key].duplicated().any()
        if dup:
            problems.append(f"{f}: {key} förekommer flera gånger: {t.loc[t[key].duplicated(), key].tolist()[:10]}")
        cols = [c for c in t.columns if c in BAS_KOLUMNER or c.startswith("ku_")]
        extra = [c for c in t.columns if c not in cols and c not in (key, "kommun", "region", "lan")]
        if extra:
            problems.append(f"{f}: okända kolumner {extra} (tillåtna: {list(BAS_KOLUMNER)} och ku_<delmodell>)")
        lo, hi = band.fel
        for c in cols:
            v = parse_numbers(t[c])
            x = v.to_numpy(dtype="float64")
            for i in np.flatnonzero((t[c].str.strip() != "").to_numpy() & ~np.isfinite(x)):
                problems.append(
                    f"{f}, rad {i + 2} ({t[key].iloc[i]}), kolumn {c!r}: inte ett ändligt tal: {t[c].iloc[i]!r}"
                )
            for i in np.flatnonzero(np.isfinite(x) & ((x < lo) | (x > hi))):
                problems.append(
                    f"{f}, rad {i + 2} ({t[key].iloc[i]}), kolumn {c!r}: {x[i]:g} kr/inv ligger utanför "
                    f"det rimliga intervallet {band.text(band.fel)} (ett utfall i kronor per invånare)"
                )
            t[c] = v
        out.append(t.set_index(key)[cols].reindex(reg) if not (unknown or missing or dup) else None)
    if problems:
        raise IndataError(problems)
    if out[0] is None and out[1] is None:
        raise IndataError([f"{d}: varken kommuner.csv eller regioner.csv finns (bas-utfall)"])
    return out[0], out[1]


def bas_from_bilaga4(directory: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The committee's current-rule outcome 2024 from its Bilaga 4 tables (data/bilaga4): förslag − förändring per
    component (tables 1–3, 6–7). The strukturbidrag is the svagt befolkningsunderlag + fast införandebidrag förslag
    minus their joint förändring (tabell 1) / the fast införandebidrag förslag minus its förändring (tabell 2)."""
    d = Path(directory)
    t1 = pd.read_csv(d / "tabell1_kommuner.csv", dtype={"kommun_kod": str}).set_index("kommun_kod")
    t2 = pd.read_csv(d / "tabell2_regioner.csv", dtype={"region_kod": str}).set_index("region_kod")
    t3 = pd.read_csv(d / "tabell3_lss_inforande.csv", dtype={"kommun_kod": str}).set_index("kommun_kod")
    k = pd.DataFrame(index=t1.index)
    k["inkomstutjamning"] = t1["inkomstutjamning_forslag"] - t1["inkomstutjamning_forandring"]
    k["kostnadsutjamning"] = t1["kostnadsutjamning_forslag"] - t1["kostnadsutjamning_forandring"]
    k["strukturbidrag"] = (
        t1["svagt_befolkningsunderlag_forslag"]
        + t1["fast_inforandebidrag_forslag"]
        - t1["svagt_befolkningsunderlag_och_fast_inforandebidrag_forandring"]
    )
    k["totalt"] = t1["totalt_forslag"] - t1["totalt_forandring"]
    k["regleringspost"] = k["totalt"] - k["inkomstutjamning"] - k["kostnadsutjamning"] - k["strukturbidrag"]
    k["lss_utjamning"] = t3["utfall"] - t3["forandring"]
    r = pd.DataFrame(index=t2.index)
    r["inkomstutjamning"] = t2["inkomstutjamning_forslag"] - t2["inkomstutjamning_forandring"]
    r["kostnadsutjamning"] = t2["kostnadsutjamning_forslag"] - t2["kostnadsutjamning_forandring"]
    r["strukturbidrag"] = t2["fast_inforandebidrag_forslag"] - t2["fast_inforandebidrag_forandring"]
    r["totalt"] = t2["totalt_forslag"] - t2["totalt_forandring"]
    r["regleringspost"] = r["totalt"] - r["inkomstutjamning"] - r["kostnadsutjamning"] - r["strukturbidrag"]
    return k, r
