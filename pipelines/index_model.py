"""From gleshet measures to the fixed sparsity indices of SOU 2024:50 (GLESHET.md §3, §5, §6; SPEC §3.0(c),
§3.11, §5).

The seed publishes the resulting indices (Fasta index, L2741–L2911) but no coefficients (GLESHET.md §8.1). This
module states one few-parameter relation per index and sets its coefficients either by **estimating** the
committee's cost regression on a per-kommun cost panel, or by **calibrating** to a reference index table (by
default the SOU's own tables), so that new grids / population years move the indices while the committee's
relation is kept.

Functional form (all four glesbygd indices)
-------------------------------------------
    s_k = ln(max(d_k, d_min))                         d_k = kommun's distance measure, km (3 000 or 15 000)
    symmetric  : E_k = β·s_k + Σ_j γ_j·x_jk           (hemtjänst/äldreomsorg L14745; förskola, see below)
    asymmetric : E_k = max(0, β·max(0, s_k − ln d*) + Σ_j γ_j·x_jk)
                 (grundskola L10689, gymnasieskola L11709: no effect of the distance below the threshold
                  distance d*; every kommun without expected sparsity cost gets the same value c)
    GI_k = c + E_k,   c such that Σ_k P_k·GI_k / Σ_k P_k = 1   (normalisation; E_k in index units)

x_j: ö-faktor for grundskola (L10681), regionalt befolkningsunderlag in millions for gymnasieskola (L11701; costs
fall with it, so γ < 0 is expected). Why this form (measured on the 2024 national grid, see docs/decisions.md):
the published förskola and hemtjänst columns are close to linear in ln(distance) with a lower clamp (Solna,
Stockholm and Sundbyberg share the minimum 0,9964 / 0,9758), and förskola − 1 ≈ 0,162·(hemtjänst − 1) for all
290 kommuner; the population-weighted mean of every published glesbygd column is 1 to within 0,001 (weights =
2024 grid population), and the asymmetric floors (0,9737 / 0,9535) are consistent with the c of that
normalisation (calibrated: 0,9748 / 0,9510 on the 2024 1 km grid; docs/decisions.md).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import least_squares
from scipy.stats import spearmanr

from engine.paths import DATA
from engine.talformat import svenskt_tal
from engine.tolerances import INDEX_GOLV, INDEX_GOLV_BERAKNAD
from geo.matt import LAN_NAMES, RIKSOMRADE_BY_LAN, MeasureInputError

ROOT = Path(__file__).resolve().parent.parent

# --------------------------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------------------------

#: Reference (fasta index) tables: shipped in <repo>/data/fasta_index; in the development workspace ../shared/spec.
REFERENCE_DIRS = (DATA / "fasta_index", ROOT.parent / "shared" / "spec")
REFERENCE_DEL1 = "fasta_index_kommuner_del1.csv"
REFERENCE_DEL2 = "fasta_index_kommuner_del2.csv"
REFERENCE_REGIONER = "fasta_index_regioner.csv"

#: Distances below the finest grid resolution (250 m in tätorter, footnote 7 L9211) are not resolved; default
#: lower clamp of the distance in ln(·) when it is not calibrated.
D_MIN_KM_DEFAULT = 0.25
#: Bounds of a calibrated clamp (km).
D_MIN_BOUNDS_KM = (0.01, 5.0)
#: Share of förskola's sparsity cost let through: the salary share of its gross cost (L9775), the proposal's
#: ``forskola.lonekostnadsandel`` (0,791; bilaga L2381).
FORSKOLA_PASS_THROUGH = "forskola.lonekostnadsandel"
#: "Within tolerance" in the quality report: the tables are printed with 4 decimals; ±0,005 is the acceptance
#: tolerance of the project (issue 5).
TOLERANCE = 0.005
#: How an index of kvalitet.csv came about (status, method): words a person reads in the table.
OMRAKNAT, KOPIERAT = "omräknat", "kopierat från referensen"
KALIBRERAT, SKATTAT = "kalibrerat mot referenstabellen", "skattat mot kostnaderna"


@dataclass(frozen=True)
class IndexSpec:
    """Which measure(s) an index uses and whether it is symmetric (GLESHET.md §5 table)."""

    name: str
    distance_col: str
    extra_cols: tuple[str, ...]
    symmetric: bool
    #: share of the cost let through: a number, or the path of the proposal's parameter that gives it
    pass_through: float | str = 1.0
    source: str = ""

    def pass_through_value(self) -> float:
        return _regelverk().value(self.pass_through) if isinstance(self.pass_through, str) else self.pass_through


INDEX_SPECS: dict[str, IndexSpec] = {
    "glesbygd_forskola": IndexSpec(
        "glesbygd_forskola",
        "avstand_3000_km",
        (),
        True,
        FORSKOLA_PASS_THROUGH,
        "GLESHET.md §6.1; L9729–L9777 (not called asymmetric; continuous in the table)",
    ),
    "glesbygd_grundskola": IndexSpec(
        "glesbygd_grundskola",
        "avstand_3000_km",
        ("ofaktor",),
        False,
        1.0,
        "GLESHET.md §6.2, §4; L10673–L10697, L10681 (ö-faktor), L10689 (asymmetric)",
    ),
    "glesbygd_gymnasieskola": IndexSpec(
        "glesbygd_gymnasieskola",
        "avstand_15000_km",
        ("regionalt_befolkningsunderlag_mn",),
        False,
        1.0,
        "GLESHET.md §6.3; L11687–L11717, L11701 (112,5 km), L11709 (asymmetric)",
    ),
    "glesbygd_hemtjanst": IndexSpec(
        "glesbygd_hemtjanst", "avstand_3000_km", (), True, 1.0, "GLESHET.md §6.4; L14727–L14747 (symmetric, L14745)"
    ),
}

#: Politisk verksamhet's threshold readings (OPEN-17). The law's constants (SPEC §3.11, L2589–L2599, L17979) and
#: kollektivtrafik's MD15000 coefficient (SPEC §5, L2699) are read from the proposal's rule set (data/regelverk).
POLITISK_THRESHOLD_READINGS = ("bilaga", "kapitel")


@lru_cache(maxsize=1)
def _regelverk():
    """The proposal's rule set (its first computable year): the law's constants the index model uses."""
    from engine.params import Params

    return Params.load("sou2024")


class IndexInputError(MeasureInputError):
    """Bad input to the index model (one clear CLI message)."""


# --------------------------------------------------------------------------------------------------------------
# The relation
# --------------------------------------------------------------------------------------------------------------


@dataclass
class IndexCoefficients:
    """Coefficients of one glesbygd index (see module docstring); ``method`` is :data:`KALIBRERAT` or
    :data:`SKATTAT`."""

    name: str
    symmetric: bool
    distance_col: str
    d_min_km: float
    beta: float
    gammas: dict[str, float] = field(default_factory=dict)
    threshold_km: float | None = None
    constant: float = 1.0
    method: str = ""
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def prepare_measures(measures: pd.DataFrame) -> pd.DataFrame:
    """Derived columns the relation uses: regionalt befolkningsunderlag in millions."""
    m = measures.copy()
    if "regionalt_befolkningsunderlag" in m.columns:
        m["regionalt_befolkningsunderlag_mn"] = m["regionalt_befolkningsunderlag"].astype("float64") / 1e6
    return m


def sparsity_signal(measures: pd.DataFrame, distance_col: str, d_min_km: float) -> np.ndarray:
    """s_k = ln(max(d_k, d_min)) (km)."""
    d = measures[distance_col].to_numpy(dtype="float64")
    return np.log(np.maximum(d, d_min_km))


def _extras(measures: pd.DataFrame, cols) -> np.ndarray:
    missing = [c for c in cols if c not in measures.columns]
    if missing:
        raise IndexInputError(f"mätvärdestabellen saknar {missing} (behövs av indexmodellen)")
    return (
        np.column_stack([measures[c].to_numpy(dtype="float64") for c in cols]) if cols else np.zeros((len(measures), 0))
    )


def expected_cost(measures: pd.DataFrame, coef: IndexCoefficients) -> np.ndarray:
    """E_k of the module docstring (index units, before the constant c)."""
    s = sparsity_signal(measures, coef.distance_col, coef.d_min_km)
    if not coef.symmetric:
        s = np.maximum(0.0, s - math.log(coef.threshold_km))
    e = coef.beta * s
    if coef.gammas:
        x = _extras(measures, list(coef.gammas))
        e = e + x @ np.array(list(coef.gammas.values()), dtype="float64")
    return e if coef.symmetric else np.maximum(0.0, e)


def normalising_constant(e: np.ndarray, weights: np.ndarray) -> float:
    """c such that the weighted mean of c + e is 1."""
    w = np.asarray(weights, dtype="float64")
    return float(1.0 - np.sum(w * e) / np.sum(w))


def apply_index(
    measures: pd.DataFrame, coef: IndexCoefficients, normalise: bool = True, weight_col: str = "befolkning"
) -> np.ndarray:
    """The index per kommun. With ``normalise`` the constant is recomputed so the population-weighted mean
    is 1 on *these* measures (new grids / population years move the level as the committee's normalisation
    does); otherwise the stored constant is used."""
    m = prepare_measures(measures)
    e = expected_cost(m, coef)
    c = normalising_constant(e, m[weight_col].to_numpy()) if normalise else coef.constant
    return c + e


# --------------------------------------------------------------------------------------------------------------
# (b) Calibration to a reference table
# --------------------------------------------------------------------------------------------------------------


def calibrate(
    measures: pd.DataFrame,
    reference: pd.Series,
    spec: IndexSpec,
    *,
    normalise: bool = True,
    weight_col: str = "befolkning",
    loss: str = "linear",
    fixed_gammas: dict[str, float] | None = None,
) -> IndexCoefficients:
    """Least-squares fit of the relation's parameters so it reproduces ``reference`` (aligned with the
    ``measures`` rows): β, the γ_j, and d_min (symmetric: the lower clamp visible in the tables) or the threshold
    distance d* (asymmetric; d_min then fixed at D_MIN_KM_DEFAULT, it has no effect below d*). The constant is
    profiled out by the normalisation (weighted mean 1) when ``normalise``, else fitted. An extra variable that
    is constant (e.g. ö-faktor all 0 because no island data was given) cannot be identified: its γ is fixed at 0
    and this is recorded in ``details['notes']``.
    """
    m = prepare_measures(measures)
    y = np.asarray(reference, dtype="float64")
    w = m[weight_col].to_numpy(dtype="float64")
    d = m[spec.distance_col].to_numpy(dtype="float64")
    if np.isnan(y).any() or np.isnan(d).any():
        raise IndexInputError(f"{spec.name}: referens- eller avståndsvärden saknas")
    fixed_gammas = dict(fixed_gammas or {})
    free, notes = [], []
    for col in spec.extra_cols:
        if col in fixed_gammas:
            continue
        if np.nanstd(_extras(m, [col])[:, 0]) == 0:
            fixed_gammas[col] = 0.0
            notes.append(f"{col} är konstant i mätvärdestabellen: γ sätts till 0 (kan inte skattas)")
        else:
            free.append(col)
    nf = len(free)

    def coef_from(p) -> tuple[IndexCoefficients, float | None]:
        gam = {**dict(zip(free, map(float, p[1 : 1 + nf]))), **fixed_gammas}
        dmin = math.exp(p[1 + nf]) if spec.symmetric else D_MIN_KM_DEFAULT
        thr = None if spec.symmetric else math.exp(p[1 + nf])
        c = IndexCoefficients(
            spec.name, spec.symmetric, spec.distance_col, dmin, float(p[0]), {k: gam[k] for k in spec.extra_cols}, thr
        )
        return c, (None if normalise else float(p[2 + nf]))

    def predict(p):
        c, const = coef_from(p)
        e = expected_cost(m, c)
        return (normalising_constant(e, w) if const is None else const) + e

    s0 = np.log(np.maximum(d, D_MIN_KM_DEFAULT))
    b0 = float(np.polyfit(s0, y, 1)[0]) or 0.01
    if spec.symmetric:
        start = math.log(max(float(np.quantile(d, 0.02)), D_MIN_BOUNDS_KM[0] * 1.01))
        bounds = (math.log(D_MIN_BOUNDS_KM[0]), math.log(D_MIN_BOUNDS_KM[1]))
    else:  # threshold start: the reference's own share of kommuner at its minimum (the floor)
        at_floor = float(np.isclose(y, y.min(), atol=INDEX_GOLV).mean())
        start = float(np.quantile(s0, min(max(at_floor, 0.05), 0.95)))
        bounds = (float(s0.min()) - 1.0, float(s0.max()))
    p0 = [b0, *([0.0] * nf), start] + ([] if normalise else [float(y.min())])
    lo = [-np.inf] * (1 + nf) + [bounds[0]] + ([] if normalise else [-np.inf])
    hi = [np.inf] * (1 + nf) + [bounds[1]] + ([] if normalise else [np.inf])
    res = least_squares(
        lambda p: predict(p) - y,
        np.array(p0, dtype="float64"),
        bounds=(lo, hi),
        loss=loss,
        f_scale=TOLERANCE / 2,
        x_scale="jac",
        max_nfev=20000,
    )
    coef, const = coef_from(res.x)
    e = expected_cost(m, coef)
    coef.constant = float(normalising_constant(e, w) if const is None else const)
    coef.method = KALIBRERAT
    coef.details = {"loss": loss, "normalise": normalise, "nfev": int(res.nfev), "notes": notes}
    return coef


# --------------------------------------------------------------------------------------------------------------
# (a) Estimation from a cost panel (the committee's way)
# --------------------------------------------------------------------------------------------------------------


def riksomrade(kommun_kod: pd.Series) -> pd.Series:
    """Riksområde (NUTS 2) of each kommun from its län code (RIKSOMRADE_BY_LAN)."""
    r = kommun_kod.astype(str).str.zfill(4).str[:2].map(RIKSOMRADE_BY_LAN)
    if r.isna().any():
        raise IndexInputError(f"okänd länskod i {sorted(set(kommun_kod[r.isna()]))[:5]}")
    return r


def _ols_clustered(y, X: pd.DataFrame, groups):
    import statsmodels.api as sm

    return sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(groups)[0]})


def design_matrix(panel: pd.DataFrame, regressors: dict[str, np.ndarray], controls: list[str]) -> pd.DataFrame:
    """Constant, sparsity regressors, controls, riksområde dummies (reference = first) and year dummies
    (reference = first year); GLESHET.md §3 (L9485, L9487, L4659–L4711)."""
    X = pd.DataFrame({"const": 1.0, **regressors}, index=panel.index)
    for c in controls:
        X[c] = panel[c].astype("float64")
    ro = pd.get_dummies(riksomrade(panel["kommun_kod"]), prefix="ro", drop_first=True, dtype="float64")
    yr = pd.get_dummies(panel["ar"].astype(str), prefix="ar", drop_first=True, dtype="float64")
    return pd.concat([X, ro.set_index(panel.index), yr.set_index(panel.index)], axis=1)


def estimate(
    panel: pd.DataFrame,
    measures: pd.DataFrame,
    spec: IndexSpec,
    cost_col: str,
    *,
    controls: list[str] = (),
    d_min_km: float = D_MIN_KM_DEFAULT,
    weight_col: str = "befolkning",
    pass_through: float | None = None,
    n_threshold: int = 41,
) -> tuple[IndexCoefficients, object]:
    """Estimate the cost relation on a panel ``kommun_kod, ar, <cost_col>, <controls>`` (cost per inhabitant of
    the age group, kr) by OLS with a constant, year dummies, riksområde (NUTS 2) fixed effects and standard
    errors clustered by kommun (GLESHET.md §3, L9485–L9487), then turn it into index coefficients
    β = π·b/ȳ, γ_j = π·g_j/ȳ (ȳ = population-weighted mean cost over kommuner, π = pass-through, 79,1 % for
    förskola, L9775).

    symmetric: regressors s_k and x_jk. Asymmetric: regressors max(0, s_k − ln d*) and x_jk, with the threshold
    distance d* chosen by profile least squares over ``n_threshold`` quantiles of s (segmented regression: no
    effect of degrees of sparsity below d*, L10689, L11709). Returns the coefficients and the final
    statsmodels result.
    """
    pass_through = spec.pass_through_value() if pass_through is None else pass_through
    m = prepare_measures(measures).set_index("kommun_kod")
    p = panel.assign(kommun_kod=panel["kommun_kod"].astype(str).str.zfill(4))
    unknown = sorted(set(p["kommun_kod"]) - set(m.index))
    if unknown:
        raise IndexInputError(f"kostnadspanelen har kommuner utan mätvärden: {unknown[:10]}")
    mk = m.loc[p["kommun_kod"]]
    s = np.log(np.maximum(mk[spec.distance_col].to_numpy(dtype="float64"), d_min_km))
    xs = {c: mk[c].to_numpy(dtype="float64") for c in spec.extra_cols}
    y = p[cost_col].to_numpy(dtype="float64")
    w = m[weight_col].to_numpy(dtype="float64")
    kmean = p.groupby("kommun_kod")[cost_col].mean().reindex(m.index)
    ok = kmean.notna().to_numpy()
    ybar = float(np.sum(w[ok] * kmean.to_numpy()[ok]) / np.sum(w[ok]))
    if spec.symmetric:
        fit = _ols_clustered(y, design_matrix(p, {"s": s, **xs}, list(controls)), p["kommun_kod"])
        threshold, grid = None, None
    else:
        s_k = np.log(np.maximum(m[spec.distance_col].to_numpy(dtype="float64"), d_min_km))
        grid = np.unique(np.quantile(s_k, np.linspace(0.0, 0.95, n_threshold)))
        best = None
        for t in grid:
            f = _ols_clustered(
                y, design_matrix(p, {"s": np.maximum(0.0, s - t), **xs}, list(controls)), p["kommun_kod"]
            )
            if best is None or f.ssr < best[1].ssr:
                best = (t, f)
        t, fit = best
        threshold = float(math.exp(t))
    scale = pass_through / ybar
    coef = IndexCoefficients(
        spec.name,
        spec.symmetric,
        spec.distance_col,
        d_min_km,
        float(fit.params["s"]) * scale,
        {c: float(fit.params[c]) * scale for c in spec.extra_cols},
        threshold,
        0.0,
        SKATTAT,
    )
    keep = lambda k: not k.startswith(("ro_", "ar_"))  # noqa: E731
    coef.details = {
        "n_obs": int(fit.nobs),
        "r2": float(fit.rsquared),
        "mean_cost": ybar,
        "pass_through": pass_through,
        "params_kr": {k: float(v) for k, v in fit.params.items() if keep(k)},
        "se_clustered_kr": {k: float(v) for k, v in fit.bse.items() if keep(k)},
        "threshold_grid_km": None if grid is None else [float(math.exp(g)) for g in grid],
    }
    coef.constant = normalising_constant(expected_cost(m.reset_index(), coef), w)
    return coef, fit


# --------------------------------------------------------------------------------------------------------------
# Quality report
# --------------------------------------------------------------------------------------------------------------


def quality(
    name: str, measures: pd.DataFrame, predicted: np.ndarray, reference: np.ndarray, measure_col: str, n_worst: int = 5
) -> dict:
    """R², RMSE, max |error|, share within ±TOLERANCE, Spearman of measure vs reference and of index vs
    reference, and the kommuner with the largest residuals."""
    y = np.asarray(reference, dtype="float64")
    e = np.asarray(predicted, dtype="float64") - y
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    worst = np.argsort(-np.abs(e))[:n_worst]
    label = (
        measures["kommun"].astype(str).to_numpy()
        if "kommun" in measures.columns
        else measures["kommun_kod"].astype(str).to_numpy()
    )
    return {
        "index": name,
        "n": int(len(y)),
        "r2": 1.0 - float(np.sum(e**2)) / ss_tot if ss_tot > 0 else float("nan"),
        "rmse": float(np.sqrt(np.mean(e**2))),
        "max_abs_error": float(np.max(np.abs(e))),
        "share_within_tol": float(np.mean(np.abs(e) <= TOLERANCE + INDEX_GOLV_BERAKNAD)),
        "spearman_measure_reference": float(spearmanr(measures[measure_col], y)[0]),
        "spearman_index_reference": float(spearmanr(predicted, y)[0]),
        "largest_residuals": "; ".join(f"{label[i]} {svenskt_tal(e[i], 4, tecken=True)}" for i in worst),
    }


#: The subtitle of a map of a recomputed index (`utjamning index`, the nightly report).
KARTA_UNDERTITEL = "Omräknat från gleshetsmåtten (utjamning index), befolkningsvägt medelvärde 1"


def grid_filer(manifest_inputs: dict) -> list[str]:
    """The population grid files of a gleshet run in the order given, from its manifest's ``inputs``: ``grid``, then
    ``grid_2``, ``grid_3``, … for a grid composed of several files (``utjamning gleshet --grid A --grid B``). An
    entry without a path (a manifest edited or written by another tool) is left out: the maps then name the
    measure directory instead."""
    keys = ["grid"]
    while f"grid_{len(keys) + 1}" in manifest_inputs:
        keys.append(f"grid_{len(keys) + 1}")
    entries = [manifest_inputs.get(k) for k in keys]
    return [e["path"] for e in entries if isinstance(e, dict) and isinstance(e.get("path"), str)]


def _manifest_inputs(matt_dir: str | Path) -> dict:
    """The ``inputs`` of the gleshet run's manifest.json in ``matt_dir``; empty when there is none or it cannot be
    read (it only supplies the maps' source line, so a damaged one must not stop the index)."""
    try:
        data = json.loads((Path(matt_dir) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    inputs = data.get("inputs") if isinstance(data, dict) else None
    return inputs if isinstance(inputs, dict) else {}


def index_kartor(varden: pd.DataFrame, out_dir: str | Path, matt_dir: str | Path) -> list[Path]:
    """``karta_<index>.png`` for every recomputed index (columns of ``varden``, indexed by kommun_kod) in the house
    style of geo/karta.py: the default kommun borders, län borders, Swedish legend; source and year from the
    population grid named in the gleshet run's manifest (``matt_dir``)."""
    from geo.karta import kalla_for_grid, kommun_karta, lan_granser
    from geo.kommuner import load_kommun_boundaries
    from pipelines.rubriker import INDEX_NAMN

    kalla, ar = "gleshetsmåtten i " + str(matt_dir), None
    grids = grid_filer(_manifest_inputs(matt_dir))
    if grids:
        kalla, ar = kalla_for_grid(grids)
    b = load_kommun_boundaries()
    lan = lan_granser(b)
    return [
        kommun_karta(
            b,
            varden[name],
            Path(out_dir) / f"karta_{name}.png",
            titel=INDEX_NAMN.get(name, name),
            undertitel=KARTA_UNDERTITEL,
            enhet="index",
            storhet=INDEX_NAMN.get(name, name),
            kalla=kalla,
            ar=ar,
            skala="linjar",
            lan=lan,
            dpi=110,
        )
        for name in varden.columns
    ]


def scatter_png(path, name: str, measures: pd.DataFrame, predicted, reference, measure_col: str) -> None:
    """Two panels: the reference table's and the model's index against the measure (log scale, readable ticks),
    and model against reference with the tolerance band; Swedish labels (pipelines/rubriker.py), Swedish numbers,
    the same bytes for the same values."""
    import re

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    from geo.karta import log_ticks
    from pipelines.rubriker import INDEX_NAMN

    namn = INDEX_NAMN.get(name, name)
    m = re.fullmatch(r"avstand_(\d+)_km", measure_col)
    matt = f"Medeldistans {svenskt_tal(int(m.group(1)))} invånare" if m else "Medeldistans (kommitténs definition)"
    tal = FuncFormatter(lambda v, _pos: svenskt_tal(v, 4))
    x = measures[measure_col].to_numpy(dtype="float64")
    fig, ax = plt.subplots(1, 2, figsize=(11, 4.5))
    ax[0].scatter(x, reference, s=10, label="referenstabellen (förordningens bilaga)", alpha=0.7)
    ax[0].scatter(x, predicted, s=10, label="modellen (omräknat index)", alpha=0.7)
    ax[0].set_xscale("log")
    ok = x[np.isfinite(x) & (x > 0)]
    if ok.size:
        ax[0].xaxis.set_major_locator(FixedLocator(log_ticks(float(ok.min()), float(ok.max()))))
        ax[0].xaxis.set_minor_locator(NullLocator())
        ax[0].xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: svenskt_tal(v)))
    ax[0].set_xlabel(f"{matt} (km, logaritmisk skala)")
    ax[0].set_ylabel(f"{namn} (index)")
    ax[0].yaxis.set_major_formatter(tal)
    ax[0].legend()
    lo, hi = (
        float(np.nanmin([np.min(reference), np.min(predicted)])),
        float(np.nanmax([np.max(reference), np.max(predicted)])),
    )
    ax[1].plot([lo, hi], [lo, hi], "k-", lw=0.8)
    ax[1].plot([lo, hi], [lo + TOLERANCE, hi + TOLERANCE], "k:", lw=0.6, label=f"±{svenskt_tal(TOLERANCE)}")
    ax[1].plot([lo, hi], [lo - TOLERANCE, hi - TOLERANCE], "k:", lw=0.6)
    ax[1].scatter(reference, predicted, s=10)
    ax[1].set_xlabel(f"{namn}, referenstabellen (index)")
    ax[1].set_ylabel(f"{namn}, modellen (index)")
    ax[1].xaxis.set_major_formatter(tal)
    ax[1].yaxis.set_major_formatter(tal)
    ax[1].legend(loc="upper left")
    fig.suptitle(f"{namn}: omräknat ur gleshetsmåtten mot referenstabellen")
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})  # no version string: same values → same bytes
    plt.close(fig)


# --------------------------------------------------------------------------------------------------------------
# Reference tables and kommun matching
# --------------------------------------------------------------------------------------------------------------


def find_reference(name: str = REFERENCE_DEL1, directory: str | Path | None = None) -> Path:
    """Path of a reference table: ``directory`` if given, else <repo>/data, else ../shared/spec (dev)."""
    dirs = [Path(directory)] if directory is not None else list(REFERENCE_DIRS)
    for d in dirs:
        if (d / name).is_file():
            return d / name
    raise IndexInputError(f"referenstabellen {name} finns inte i {[str(d) for d in dirs]}")


def read_reference(path: str | Path) -> pd.DataFrame:
    """A fasta index table as strings (so copied columns are written back unchanged). Every kommun (or region) once,
    every index value a finite number inside its plausibility band (data/rimlighet.yaml: > 0), so no NaN or
    negative reference value is fitted or copied into the output."""
    from engine.indata import parse_numbers, problem_list, read_csv_text
    from engine.schema import fasta_index_band

    t = read_csv_text(path)
    key = "kommun_kod" if "kommun_kod" in t.columns else "region_kod" if "region_kod" in t.columns else None
    if key is None:
        raise IndexInputError(
            f"{path}: ingen kolumn 'kommun_kod' eller 'region_kod' (kolumner: {list(t.columns)[:12]}); "
            "raderna matchas på koden, namnen visas bara"
        )
    t[key] = t[key].str.strip().str.zfill(4 if key == "kommun_kod" else 2)
    name = next((c for c in ("kommun", "region") if c in t.columns), key)
    problems = []
    for value, rows in t.groupby(key).groups.items():
        if len(rows) > 1:
            problems.append(
                f"{key} {value!r} ({t[name].iloc[rows[0]]}) förekommer på raderna {[int(r) + 2 for r in rows]}"
            )
    for col in [c for c in t.columns if c not in ("lan", "kommun", "region", "lan_kod", "kommun_kod", "region_kod")]:
        v = parse_numbers(t[col]).to_numpy()
        b = fasta_index_band(col)
        for i in np.flatnonzero(~np.isfinite(v)):
            problems.append(
                f"rad {i + 2} ({t[name].iloc[i]}), kolumn {col!r}: inte ett ändligt tal: {t[col].iloc[i]!r}"
            )
        for i in np.flatnonzero(np.isfinite(v) & ((v < b.fel[0]) | (v > b.fel[1]))):
            problems.append(
                f"rad {i + 2} ({t[name].iloc[i]}), kolumn {col!r}: {v[i]:g} ligger utanför det rimliga "
                f"intervallet {b.text(b.fel)} — {b.skal}"
            )
    if problems:
        raise IndexInputError(problem_list(str(path), problems))
    return t


def read_cost_panel(path: str | Path) -> pd.DataFrame:
    """The cost panel of ``--skatta-mot``: kommun_kod, ar and cost columns; one row per kommun and year, every cost
    a finite number ≥ 0."""
    from engine.indata import parse_numbers, problem_list, read_csv_text

    t = read_csv_text(path)
    missing = [c for c in ("kommun_kod", "ar") if c not in t.columns]
    if missing:
        raise IndexInputError(f"{path}: kolumn(er) saknas: {missing}")
    t["kommun_kod"] = t["kommun_kod"].str.strip().str.zfill(4)
    problems = []
    ar = pd.to_numeric(t["ar"], errors="coerce")
    for i in np.flatnonzero(ar.isna().to_numpy() | (ar % 1 != 0).to_numpy()):
        problems.append(f"rad {i + 2}, kolumn 'ar': inte ett årtal: {t['ar'].iloc[i]!r}")
    t["ar"] = ar
    dup = t.duplicated(["kommun_kod", "ar"], keep=False)
    for (k, a), rows in t[dup].groupby(["kommun_kod", "ar"]).groups.items():
        problems.append(f"kommun {k}, år {a:g} förekommer på raderna {[int(r) + 2 for r in rows]}")
    for col in [c for c in t.columns if c not in ("kommun_kod", "ar", "kommun")]:
        v = parse_numbers(t[col])
        x = v.to_numpy(dtype="float64")
        for i in np.flatnonzero((t[col].str.strip() != "").to_numpy() & ~np.isfinite(x)):
            problems.append(
                f"rad {i + 2} ({t['kommun_kod'].iloc[i]}), kolumn {col!r}: inte ett ändligt tal: {t[col].iloc[i]!r}"
            )
        if not col.startswith("kontroll_"):
            for i in np.flatnonzero(np.isfinite(x) & (x < 0)):
                problems.append(
                    f"rad {i + 2} ({t['kommun_kod'].iloc[i]}), kolumn {col!r}: en kostnad är ≥ 0, fick {x[i]:g}"
                )
        t[col] = v
    if problems:
        raise IndexInputError(problem_list(str(path), problems))
    return t


def align_to_reference(measures: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Measures in the reference table's kommun order, matched on ``kommun_kod`` (the names of both tables are for
    display: the reference keeps the SOU's spellings, the measures the register's). Any reference kommun without
    measures is an input error."""
    m = measures.assign(kommun_kod=measures["kommun_kod"].astype(str).str.zfill(4))
    dup = m.loc[m["kommun_kod"].duplicated(), "kommun_kod"].tolist()
    if dup:
        raise IndexInputError(f"kommunkod(er) {dup[:10]} förekommer flera gånger i mätvärdestabellen")
    m = m.drop(columns=[c for c in ("lan", "kommun") if c in m.columns])  # the reference's own names are kept
    out = reference[["kommun_kod", "lan", "kommun"]].merge(
        m, on="kommun_kod", how="left", validate="one_to_one", indicator=True
    )
    missing = out.loc[out["_merge"] == "left_only", "kommun"].tolist()
    if missing:
        raise IndexInputError(f"mätvärden saknas för referenstabellens kommun(er) {missing[:10]}")
    return out.drop(columns="_merge")


# --------------------------------------------------------------------------------------------------------------
# Indices given by a formula in the law text
# --------------------------------------------------------------------------------------------------------------


def politisk_verksamhet_index(befolkning, medeldistans_3000_km, reading: str | None = None) -> pd.DataFrame:
    """Merkostnadsindex för politisk verksamhet (SPEC §3.11; L2589–L2599, L17979, table 6.60).

    MV = 2 355,5331 − 153,2238·ln(P) + 11,59168·MD3000; MI = 1 below the threshold, else MV / arithmetic mean of
    all kommuners' MV. ``reading='bilaga'``: threshold MD3000 < 6,72 km (L2597); ``'kapitel'``: MV < the
    typkommun's 1 018 (L17979). Default: the rule set's ``politisk_verksamhet.troskel_lasning`` (``kapitel``,
    which reproduces Bilaga 4 tabell 6). GLESHET.md §6.5 OPEN-17.
    """
    from engine.kostnad.politisk_verksamhet import modellvarde_och_index

    if reading is None:
        reading = _regelverk().raw("politisk_verksamhet.troskel_lasning")
    if reading not in POLITISK_THRESHOLD_READINGS:
        raise IndexInputError(f"politisk verksamhet: läsningen ska vara en av {POLITISK_THRESHOLD_READINGS}")
    r = _regelverk().with_reform({"namn": "läsning", "andringar": {"politisk_verksamhet.troskel_lasning": reading}})
    mv, mi, below = modellvarde_och_index(r, befolkning, medeldistans_3000_km)
    return pd.DataFrame({"modellvarde": mv, "merkostnadsindex": mi, "under_troskel": below})


def lan_md15000(measures: pd.DataFrame) -> pd.DataFrame:
    """Kollektivtrafik's MD15000 per län (SPEC §5, L2699): population-weighted mean over the län's kommuner of
    avstand_15000_km (identical to the cell-level weighted mean because the weights are the cell
    populations). Also its contribution 14,76467·MD15000 to the län's modelled value (kr/inv)."""
    m = measures.assign(lan_kod=measures["kommun_kod"].astype(str).str.zfill(4).str[:2])
    w = m["befolkning"].astype("float64")
    g = (m["avstand_15000_km"].astype("float64") * w).groupby(m["lan_kod"]).sum() / w.groupby(m["lan_kod"]).sum()
    out = pd.DataFrame(
        {
            "lan": g.index.map(LAN_NAMES),
            "md15000_km": g.to_numpy(),
            "bidrag_modellvarde_kr": _regelverk()("kollektivtrafik.lan_modell.medeldistans_15000") * g.to_numpy(),
        },
        index=g.index,
    )
    out.index.name = "lan_kod"
    return out.reset_index()


def reference_statistics(reference: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    """Measured normalisation of the published tables: per glesbygd column min, count at min, max, arithmetic
    and population-weighted mean (weights aligned with the reference rows)."""
    rows = []
    w = np.asarray(weights, dtype="float64")
    for name in INDEX_SPECS:
        y = reference[name].astype("float64").to_numpy()
        rows.append(
            {
                "index": name,
                "min": y.min(),
                "n_at_min": int(np.sum(y == y.min())),
                "max": y.max(),
                "mean": y.mean(),
                "weighted_mean": float(np.sum(w * y) / np.sum(w)),
            }
        )
    return pd.DataFrame(rows)
