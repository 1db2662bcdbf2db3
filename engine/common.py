"""Building blocks shared by many paragraphs: invånarbaserat avdrag, korrigeringsfaktor, KPIF uprating,
weighted means and safe division.

Every function is vectorised over kommuner (last axis) and broadcasts over a leading scenario axis: a per-kommun
array has shape (K,), a scenario batch gives (S, K); reductions are along ``axis=-1`` with ``keepdims``.
"""

from __future__ import annotations

import numpy as np


def safe_div(num, den, fill: float = 0.0):
    """num / den with ``fill`` where den == 0 (e.g. a kommun without children of an age group)."""
    num = np.asarray(num, dtype="float64")
    den = np.asarray(den, dtype="float64")
    out = np.full(np.broadcast(num, den).shape, fill, dtype="float64")
    np.divide(num, den, out=out, where=den != 0)
    return out


def wmean(x, w):
    """Population-weighted mean over kommuner (last axis), keepdims so it broadcasts back: Σ x·w / Σ w."""
    x = np.asarray(x, dtype="float64")
    w = np.asarray(w, dtype="float64")
    return np.sum(x * w, axis=-1, keepdims=True) / np.sum(w, axis=-1, keepdims=True)


def invanarbaserat_avdrag(g, befolkning):
    """Tillägg ``g`` (kr/inv) less the invånarbaserat avdrag (SPEC §0 "IBA"; e.g. förordning 6 d §, L1479).

    "Samtliga kommuner får därefter ett invånarbaserat avdrag, som beräknas så att summan av avdragen motsvarar
    summan av tilläggen": every kommun gets the same deduction D = Σ g·P / Σ P, so Σ (g − D)·P = 0 in kronor.
    The population weights are P[31 dec t−2] (OPEN-1, docs/decisions.md).
    """
    g = np.asarray(g, dtype="float64")
    return g - wmean(g, befolkning)


def korrigeringsfaktor(modellvarde, genomsnittlig_standardkostnad, befolkning):
    """K such that the population-weighted mean of K·modellvärde equals the genomsnittlig standardkostnad
    (e.g. bilaga 9 a §, L2495; 14 a §, L2513; 15 a §, L2127: "divideras med kvoten …"; SPEC §3.4, §3.6, §3.8).

    Returns K with keepdims (shape (1,) or (S, 1)); the standardkostnad is ``K · modellvärde``.
    """
    return np.asarray(genomsnittlig_standardkostnad, dtype="float64") / wmean(modellvarde, befolkning)


def kpif_faktor(kpif: dict, ar: int, ar_fran: int | None = None, namn: str = "allmant.kpif") -> float:
    """KPIF uprating factor to utjämningsår ``ar`` (SPEC §0, L2349–L2351).

    Proposed rule: F = (1 + KPIF[t−1]/100)·(1 + KPIF[t]/100) from the bilaga's price level (2022 for t = 2024).
    With ``ar_fran`` given, the product over every year after ``ar_fran`` up to ``ar`` (the current rules'
    "KPIF 2016 through t" for infrastruktur och skydd). ``kpif`` maps year (int or str) → percent; ``namn`` is its
    parameter path, for the error message.
    """
    years = range(ar - 1, ar + 1) if ar_fran is None else range(ar_fran + 1, ar + 1)
    table = {int(k): float(v) for k, v in kpif.items()}
    missing = [y for y in years if y not in table]
    if missing:
        from engine.params import ParameterError

        have = ", ".join(f"{y}: {table[y]}" for y in sorted(table))
        raise ParameterError(
            f"KPIF för år {', '.join(map(str, missing))} finns inte i regelverket (det har "
            f"{', '.join(map(str, sorted(table)))}; bilagan anger KPIF till och med 2024, SOU 2024:50 s. 79). Ange det "
            f"i en reform, t.ex. andringar: {{{namn}: {{{have}, {', '.join(f'{y}: …' for y in missing)}}}}}"
        )
    f = 1.0
    for y in years:
        f *= 1.0 + table[y] / 100.0
    return f


def kostnad_per_person(standardkostnad_per_inv, befolkning_riket, antal_riket):
    """Turn a genomsnittlig standardkostnad per inhabitant into a cost per person of a group:
    SC · P_riket / N_riket(group), so that the population-weighted mean of the resulting åldersersättning equals
    SC (SPEC §3.1 item 1)."""
    return np.asarray(standardkostnad_per_inv, dtype="float64") * befolkning_riket / antal_riket
