"""Gleshet measures per kommun, län and region built on the cell table (SOU 2024:50; GLESHET.md §2–§6).

The cell table (see ``geo/gleshet.py``) has one row per populated grid cell: ``cell_id``, ``x``, ``y`` (cell
centre, EPSG:3006 metres), ``pop`` and, after kommun assignment, ``kommun_kod``/``lan_kod``; the radius
columns ``r_3000_m``/``r_15000_m`` come from the radius kernel. This module only aggregates and adds the
other measures the proposal uses; it does not import ``engine`` or ``pipelines``.

Measures
--------
* medeldistans / avstånd (GLESHET.md §2, L9207–L9211): population-weighted mean radius, km
  (``distance_measures_by``; per län and per region ``medeldistans_by_lan`` / ``medeldistans_by_region``).
* ö-faktor (GLESHET.md §4, L10681): share of the kommun's inhabitants on islands with fewer than 1 500
  inhabitants without a fixed road connection (``ofaktor``).
* regionalt / lokalt befolkningsunderlag (GLESHET.md §6.9, L24899–L24921): inhabitants within 112,5 / 37,5 km
  road distance of the centralort, or within 90 / 30 km straight line without a road network
  (``befolkningsunderlag``).
* invånardistans (GLESHET.md §1, L9189, L9735, L20041): mean distance between inhabitants spread evenly over
  the kommun's area (``invanardistans``).

Every function returns plain pandas objects; functions whose method depends on the available inputs return a
``MeasureResult`` whose ``method`` string is meant for the run manifest.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from engine.errors import InputError
from engine.paths import DATA
from engine.talformat import svenskt_tal
from engine.tolerances import AVSTAND_M, AVSTAND_REL
from geo.parametrar import parameter

# --------------------------------------------------------------------------------------------------------------
# Parameters (each with its source)
# --------------------------------------------------------------------------------------------------------------

#: The law's constants of the measures, from data/gleshet/parametrar.yaml (value, unit, source, validity):
#: the numbers of inhabitants a medeldistans gathers (3 000, 15 000; L9207);
MEDELDISTANS_INVANARE: tuple[int, ...] = tuple(int(n) for n in parameter("matt.medeldistans_invanare"))
#: islands with *fewer than* this many inhabitants count in the ö-faktor (1 500; L10681, GLESHET.md §4);
ISLAND_POP_LIMIT = parameter("matt.ofaktor_max_befolkning")
#: road-distance radii of the regional / local catchment, km (112,5 / 37,5; L24921, GLESHET.md §6.9);
REGIONAL_ROAD_KM = float(parameter("matt.befolkningsunderlag_regionalt_km"))
LOCAL_ROAD_KM = float(parameter("matt.befolkningsunderlag_lokalt_km"))
#: road distance = 1,25 × straight-line distance: the original 1996/2001 radii were 90 / 30 km straight line
#: (L24899–L24921); used when no road network is available.
ROAD_TO_STRAIGHT_FACTOR = float(parameter("matt.vagavstand_per_fagelavstand"))
REGIONAL_STRAIGHT_KM = REGIONAL_ROAD_KM / ROAD_TO_STRAIGHT_FACTOR  # 90 km
LOCAL_STRAIGHT_KM = LOCAL_ROAD_KM / ROAD_TO_STRAIGHT_FACTOR  # 30 km
#: Name of the boolean island attribute "has a fixed road connection (bro/vägbank/tunnel) to the mainland".
FIXED_CONNECTION_COL = "fast_forbindelse"
#: How a centralort was found (befolkningsunderlag's notice; the manifest keeps the method names).
CENTRALORT_KALLA = {
    "user_points": "användarens tabell",
    "centralort_rule": "centralortsregeln på tätorterna med undantagen",
    "largest_tatort": "kommunens största tätort",
    "population_weighted_centroid": "rutornas befolkningsviktade mittpunkt",
}


#: Invånardistans: inhabitants spread evenly over the area A on a hexagonal (triangular) lattice; the
#: nearest-neighbour spacing is sqrt(2/√3 · A/P). Reproduces the seed's figures: Arjeplog ≈2 300 m, Sundbyberg
#: ≈14 m (L9189) and, as the unweighted mean over the 290 kommuner, the riket value 283,91 m (L20041); with SCB
#: land areas 2015 and population 2019 the mean is 283,84 m (checked in docs/decisions.md).
INVANARDISTANS_LATTICE_FACTOR = math.sqrt(2.0 / math.sqrt(3.0))

#: Län codes → names as printed in the fasta index tables (del 1/del 2, L2741–L4153).
LAN_NAMES = {
    "01": "Stockholms län",
    "03": "Uppsala län",
    "04": "Södermanlands län",
    "05": "Östergötlands län",
    "06": "Jönköpings län",
    "07": "Kronobergs län",
    "08": "Kalmar län",
    "09": "Gotlands län",
    "10": "Blekinge län",
    "12": "Skåne län",
    "13": "Hallands län",
    "14": "Västra Götalands län",
    "17": "Värmlands län",
    "18": "Örebro län",
    "19": "Västmanlands län",
    "20": "Dalarnas län",
    "21": "Gävleborgs län",
    "22": "Västernorrlands län",
    "23": "Jämtlands län",
    "24": "Västerbottens län",
    "25": "Norrbottens län",
}
#: Län codes → region names as printed in the regional table (L4155–L4339). Gotland is a kommun outside a region
#: ("Gotlands kommun") and keeps its own row.
REGION_NAMES = {
    "01": "Stockholm",
    "03": "Uppsala",
    "04": "Södermanland",
    "05": "Östergötland",
    "06": "Jönköping",
    "07": "Kronoberg",
    "08": "Kalmar",
    "09": "Gotlands kommun",
    "10": "Blekinge",
    "12": "Skåne",
    "13": "Halland",
    "14": "Västra Götaland",
    "17": "Värmland",
    "18": "Örebro",
    "19": "Västmanland",
    "20": "Dalarna",
    "21": "Gävleborg",
    "22": "Västernorrland",
    "23": "Jämtland",
    "24": "Västerbotten",
    "25": "Norrbotten",
}
#: Riksområden (NUTS 2, 8 areas) used as fixed effects in the committee's regressions (L4659–L4711, table 2.1).
RIKSOMRADE_BY_LAN = {
    "01": "SE11 Stockholm",
    "03": "SE12 Östra Mellansverige",
    "04": "SE12 Östra Mellansverige",
    "05": "SE12 Östra Mellansverige",
    "18": "SE12 Östra Mellansverige",
    "19": "SE12 Östra Mellansverige",
    "06": "SE21 Småland med öarna",
    "07": "SE21 Småland med öarna",
    "08": "SE21 Småland med öarna",
    "09": "SE21 Småland med öarna",
    "10": "SE22 Sydsverige",
    "12": "SE22 Sydsverige",
    "13": "SE23 Västsverige",
    "14": "SE23 Västsverige",
    "17": "SE31 Norra Mellansverige",
    "20": "SE31 Norra Mellansverige",
    "21": "SE31 Norra Mellansverige",
    "22": "SE32 Mellersta Norrland",
    "23": "SE32 Mellersta Norrland",
    "24": "SE33 Övre Norrland",
    "25": "SE33 Övre Norrland",
}


class MeasureInputError(InputError):
    """Bad input to a measure (shown to CLI users as one message)."""


@dataclass
class MeasureResult:
    """A per-kommun (or per-area) table plus how it was computed, for the manifest."""

    table: pd.DataFrame
    method: str
    notes: list[str] = field(default_factory=list)


def _require(df: pd.DataFrame, cols: list[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise MeasureInputError(f"{what} saknar kolumnerna {', '.join(missing)}; har {', '.join(map(str, df.columns))}")


# --------------------------------------------------------------------------------------------------------------
# Aggregation helpers (vectorised)
# --------------------------------------------------------------------------------------------------------------


def sum_by(cells: pd.DataFrame, value_col: str, group_col: str) -> pd.Series:
    """Σ value per group (float64), groups sorted."""
    return cells.groupby(group_col, sort=True)[value_col].sum().astype("float64")


def weighted_mean_by(cells: pd.DataFrame, value_col: str, group_col: str, weight_col: str = "pop") -> pd.Series:
    """Weighted mean Σ w·v / Σ w per group (GLESHET.md §2, L9209: weighted by the cell's inhabitants).

    Cells with NaN value are left out of numerator and denominator; a group with zero total weight gets NaN.
    """
    v = cells[value_col].to_numpy(dtype="float64")
    w = cells[weight_col].to_numpy(dtype="float64")
    ok = ~np.isnan(v)
    g = cells[group_col]
    num = pd.Series(np.where(ok, v * w, 0.0), index=cells.index).groupby(g, sort=True).sum()
    den = pd.Series(np.where(ok, w, 0.0), index=cells.index).groupby(g, sort=True).sum()
    out = num / den.where(den > 0)
    out.name = value_col
    return out.astype("float64")


def distance_measures_by(
    cells: pd.DataFrame, group_col: str, thresholds: tuple[int, ...] = MEDELDISTANS_INVANARE
) -> pd.DataFrame:
    """Per group: befolkning, celler and the population-weighted mean radius per threshold in km
    (``avstand_<N>_km``; GLESHET.md §2, L9207–L9211)."""
    cols = [f"r_{n}_m" for n in thresholds]
    _require(cells, ["pop", group_col, *cols], "rutorna")
    out = pd.DataFrame(
        {
            "befolkning": cells.groupby(group_col, sort=True)["pop"].sum().astype("int64"),
            "celler": cells.groupby(group_col, sort=True).size().astype("int64"),
        }
    )
    for n, c in zip(thresholds, cols):
        out[f"avstand_{n}_km"] = weighted_mean_by(cells, c, group_col) / 1000.0
    out.index.name = group_col
    return out


def _with_lan(cells: pd.DataFrame) -> pd.DataFrame:
    if "lan_kod" in cells.columns:
        return cells
    _require(cells, ["kommun_kod"], "rutorna")
    return cells.assign(lan_kod=cells["kommun_kod"].astype(str).str[:2])


def medeldistans_by_lan(cells: pd.DataFrame, thresholds: tuple[int, ...] = MEDELDISTANS_INVANARE) -> pd.DataFrame:
    """Medeldistans per län: population-weighted mean of r_3000 / r_15000 over the län's cells, km
    (GLESHET.md §2 "medeldistans"; kollektivtrafik's MD15000, SPEC §5, L2699). Columns ``lan_kod, lan,
    befolkning, celler, medeldistans_<N>_km``."""
    c = _with_lan(cells)
    t = distance_measures_by(c, "lan_kod", thresholds)
    t = t.rename(columns={f"avstand_{n}_km": f"medeldistans_{n}_km" for n in thresholds}).reset_index()
    t.insert(1, "lan", t["lan_kod"].map(LAN_NAMES))
    return t


def medeldistans_by_region(cells: pd.DataFrame, thresholds: tuple[int, ...] = MEDELDISTANS_INVANARE) -> pd.DataFrame:
    """Medeldistans per region (region = län; Gotland is a kommun outside a region and keeps its own row as
    "Gotlands kommun", as in the regional table L4155–L4339). Used by vård i glesbygd (GLESHET.md §6.7)."""
    t = medeldistans_by_lan(cells, thresholds)
    t.insert(1, "region", t["lan_kod"].map(REGION_NAMES))
    return t.drop(columns="lan")


# --------------------------------------------------------------------------------------------------------------
# ö-faktor (GLESHET.md §4)
# --------------------------------------------------------------------------------------------------------------


def island_cells(cells: pd.DataFrame, islands, fixed_col: str = FIXED_CONNECTION_COL) -> pd.DataFrame:
    """Which island (if any) each cell centre falls on: columns ``island`` (row position in ``islands`` or -1),
    ``island_pop`` (whole island's population from all its cells, across kommun borders) and
    ``island_fixed``. ``islands`` is a GeoDataFrame in EPSG:3006 with a boolean ``fixed_col``.

    A centre on an island boundary counts for the island (``intersects``); where islands overlap the first
    listed wins.
    """
    import geopandas as gpd

    _require(cells, ["x", "y", "pop"], "rutorna")
    if fixed_col not in islands.columns:
        raise MeasureInputError(f"ölagret saknar ja/nej-kolumnen {fixed_col!r} (fast förbindelse)")
    if islands.crs is not None and islands.crs.to_epsg() != 3006:
        islands = islands.to_crs(3006)
    isl = gpd.GeoDataFrame({"island": np.arange(len(islands))}, geometry=islands.geometry.values, crs=3006)
    pts = gpd.GeoDataFrame(
        {"cell": np.arange(len(cells))},
        geometry=gpd.points_from_xy(cells["x"].to_numpy(), cells["y"].to_numpy()),
        crs=3006,
    )
    hit = gpd.sjoin(pts, isl, how="inner", predicate="intersects")[["cell", "island"]]
    hit = hit.sort_values(["cell", "island"]).drop_duplicates("cell")
    island_of = np.full(len(cells), -1, dtype=np.int64)
    island_of[hit["cell"].to_numpy()] = hit["island"].to_numpy()
    pop = cells["pop"].to_numpy(dtype="float64")
    on = island_of >= 0
    island_pop = np.bincount(island_of[on], weights=pop[on], minlength=len(islands))
    fixed = islands[fixed_col].to_numpy(dtype=bool)
    return pd.DataFrame(
        {
            "island": island_of,
            "island_pop": np.where(on, island_pop[np.maximum(island_of, 0)], np.nan),
            "island_fixed": np.where(on, fixed[np.maximum(island_of, 0)], False),
        },
        index=cells.index,
    )


def ofaktor(
    cells: pd.DataFrame,
    islands=None,
    island_table: pd.DataFrame | None = None,
    *,
    fixed_col: str = FIXED_CONNECTION_COL,
    limit: int = ISLAND_POP_LIMIT,
) -> MeasureResult:
    """Ö-faktor per kommun: share of inhabitants living on islands with fewer than ``limit`` (1 500)
    inhabitants without a fixed road connection (GLESHET.md §4, L10681–L10683).

    Route (a) ``islands`` (GeoDataFrame, EPSG:3006, boolean ``fixed_col``): a cell counts when its centre is on a
    qualifying island; the < 1 500 test uses the whole island's population (all its cells, whichever kommun),
    but each cell counts for its own kommun. Route (b) ``island_table`` (``kommun_kod, o_befolkning``): island
    population per kommun, divided by the kommun's population from the cells. Route (a) wins when both are
    given. Without either the input error is raised (the index model must not silently assume 0).

    Returns a table indexed by kommun_kod with ``befolkning, o_befolkning, ofaktor``; ``method`` is
    ``"island_polygons"`` or ``"kommun_table"``.
    """
    _require(cells, ["kommun_kod", "pop"], "rutorna")
    befolkning = sum_by(cells, "pop", "kommun_kod")
    if islands is not None:
        ic = island_cells(cells, islands, fixed_col)
        qualifies = (
            (ic["island"].to_numpy() >= 0) & ~ic["island_fixed"].to_numpy() & (ic["island_pop"].to_numpy() < limit)
        )
        o_pop = (
            pd.Series(np.where(qualifies, cells["pop"].to_numpy(dtype="float64"), 0.0), index=cells.index)
            .groupby(cells["kommun_kod"], sort=True)
            .sum()
        )
        method = "island_polygons"
        n_isl = int(len(np.unique(ic["island"].to_numpy()[qualifies])))
        notes = [f"ö-faktor: {n_isl} befolkade öar med färre än {limit} invånare utan fast förbindelse"]
    elif island_table is not None:
        _require(island_table, ["kommun_kod", "o_befolkning"], "ötabellen")
        t = island_table.assign(kommun_kod=island_table["kommun_kod"].astype(str).str.zfill(4))
        unknown = sorted(set(t["kommun_kod"]) - set(befolkning.index))
        if unknown:
            raise MeasureInputError(f"ötabellen har kommunkoder som inte finns i rutorna: {', '.join(unknown[:10])}")
        o_pop = (
            t.groupby("kommun_kod")["o_befolkning"].sum().astype("float64").reindex(befolkning.index, fill_value=0.0)
        )
        if (o_pop > befolkning).any():
            bad = list(o_pop.index[o_pop > befolkning][:10])
            raise MeasureInputError(f"öbefolkningen är större än kommunens befolkning för {', '.join(bad)}")
        method = "kommun_table"
        notes = ["ö-faktor: öbefolkningen per kommun enligt den angivna tabellen"]
    else:
        raise MeasureInputError("ö-faktorn kräver ett lager med öar eller en tabell med öbefolkning per kommun")
    o_pop = o_pop.reindex(befolkning.index, fill_value=0.0)
    table = pd.DataFrame(
        {
            "befolkning": befolkning,
            "o_befolkning": o_pop,
            "ofaktor": (o_pop / befolkning.where(befolkning > 0)).fillna(0.0),
        }
    )
    table.index.name = "kommun_kod"
    return MeasureResult(table, method, notes)


# --------------------------------------------------------------------------------------------------------------
# Centralort and befolkningsunderlag (GLESHET.md §6.9; SPEC §7)
# --------------------------------------------------------------------------------------------------------------

#: The shipped exceptions to the centralort rule (kommun_kod → tätort code or WGS 84 point; replaceable).
CENTRALORT_UNDANTAG = DATA / "gleshet" / "centralort_undantag.csv"


def read_centralort_undantag(path=None) -> pd.DataFrame:
    """Exceptions to the centralort rule: kommun_kod, centralort, and either tatort_kod (a tätort of the tätort
    table) or lat/lon (WGS 84) of the kommun's administrative centre. Default: the shipped table."""
    src = Path(path) if path is not None else CENTRALORT_UNDANTAG
    if not src.is_file():
        raise MeasureInputError(f"{src}: centralortstabellen finns inte")
    from engine.indata import parse_numbers, read_csv_text

    u = read_csv_text(src)
    for c in ("lat", "lon"):  # decimal comma (Swedish Excel) → point
        if c in u.columns:
            u[c] = u[c].str.strip().str.replace(",", ".", regex=False)
    missing = [c for c in ("kommun_kod", "centralort", "tatort_kod", "lat", "lon") if c not in u.columns]
    if missing:
        raise MeasureInputError(f"{src}: kolumn(er) {missing} saknas")
    u["kommun_kod"] = u["kommun_kod"].str.strip().str.zfill(4)
    errors = []
    for i, r in u.iterrows():
        has_point = r["lat"].strip() != "" and r["lon"].strip() != ""
        if (r["tatort_kod"].strip() != "") == has_point:
            errors.append(f"rad {i + 1} ({r['kommun_kod']}): ange antingen tatort_kod eller lat/lon")
        if has_point:
            lat, lon = parse_numbers(pd.Series([r["lat"], r["lon"]])).tolist()
            if not (55.0 <= lat <= 69.5 and 10.5 <= lon <= 24.5):
                errors.append(f"rad {i + 1} ({r['kommun_kod']}): lat/lon {r['lat']}, {r['lon']} ligger inte i Sverige")
    if u["kommun_kod"].duplicated().any():
        errors.append(f"kommunkod(er) flera gånger: {sorted(set(u.loc[u['kommun_kod'].duplicated(), 'kommun_kod']))}")
    if errors:
        raise MeasureInputError(f"{src}: " + "; ".join(errors))
    return u


def centralorter(tatorter: pd.DataFrame, undantag: pd.DataFrame | None = None) -> pd.DataFrame:
    """Centralort of every kommun that has a tätort or an exception (GLESHET.md §6.9; docs/decisions.md).

    Rule: the kommun's administrative centre. It is the kommun's largest tätort (ties: lowest tätort code)
    unless the exception table names another tätort (tatort_kod) or, where the centre lies in a tätort coded to
    another kommun (Huddinge, Solna and Mölndal in Stockholm's and Göteborg's tätorter), a point (lat/lon,
    WGS 84). ``tatorter``: geo.kommuner.load_tatorter columns (tatort_kod, tatort, kommun_kod, befolkning, x, y).
    Returns ``kommun_kod, centralort, tatort_kod, x, y, centre_source`` with centre_source
    "storsta_tatort", "undantag_tatort" or "undantag_punkt"."""
    from pyproj import Transformer

    from geo.kommuner import TATORT_SCB_NAMES

    t = tatorter.rename(columns=TATORT_SCB_NAMES)
    _require(t, ["tatort_kod", "tatort", "kommun_kod", "befolkning", "x", "y"], "tätortstabellen")
    t = t.assign(kommun_kod=t["kommun_kod"].astype(str).str.zfill(4), befolkning=t["befolkning"].astype("float64"))
    rule = t.sort_values(["kommun_kod", "befolkning", "tatort_kod"], ascending=[True, False, True]).drop_duplicates(
        "kommun_kod"
    )
    out = pd.DataFrame(
        {
            "kommun_kod": rule["kommun_kod"],
            "centralort": rule["tatort"],
            "tatort_kod": rule["tatort_kod"],
            "x": rule["x"].astype("float64"),
            "y": rule["y"].astype("float64"),
            "centre_source": "storsta_tatort",
        }
    ).set_index("kommun_kod")
    if undantag is not None and len(undantag):
        by_code = t.set_index("tatort_kod")
        to3006 = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
        for _, r in undantag.iterrows():
            if r["tatort_kod"].strip():
                if r["tatort_kod"] not in by_code.index:
                    raise MeasureInputError(
                        f"centralortsundantag {r['kommun_kod']}: tätortskoden "
                        f"{r['tatort_kod']!r} finns inte i tätortstabellen"
                    )
                tr = by_code.loc[r["tatort_kod"]]
                out.loc[r["kommun_kod"], ["centralort", "tatort_kod", "x", "y", "centre_source"]] = [
                    r["centralort"],
                    r["tatort_kod"],
                    float(tr["x"]),
                    float(tr["y"]),
                    "undantag_tatort",
                ]
            else:
                x, y = to3006.transform(float(r["lon"]), float(r["lat"]))
                out.loc[r["kommun_kod"], ["centralort", "tatort_kod", "x", "y", "centre_source"]] = [
                    r["centralort"],
                    "",
                    float(x),
                    float(y),
                    "undantag_punkt",
                ]
    out["x"] = out["x"].astype("float64")
    out["y"] = out["y"].astype("float64")
    return out.sort_index().reset_index()


def population_weighted_centroids(cells: pd.DataFrame) -> pd.DataFrame:
    """Population-weighted centroid of each kommun's cells (fallback centre)."""
    return (
        pd.DataFrame({"x": weighted_mean_by(cells, "x", "kommun_kod"), "y": weighted_mean_by(cells, "y", "kommun_kod")})
        .rename_axis("kommun_kod")
        .reset_index()
    )


def resolve_centres(
    cells: pd.DataFrame,
    tatorter: pd.DataFrame | None = None,
    points: pd.DataFrame | None = None,
    undantag: pd.DataFrame | None = None,
) -> MeasureResult:
    """One centre per kommun of the cell table, per kommun in this order: a user table of points
    (``kommun_kod, x, y``), the centralort rule on a tätort table (``centralorter`` with ``undantag``), the
    population-weighted centroid of the kommun's cells (reported in ``notes``). ``method`` lists the sources."""
    _require(cells, ["kommun_kod", "x", "y", "pop"], "rutorna")
    kommuner = np.sort(cells["kommun_kod"].astype(str).unique())
    cols = ["centralort", "x", "y", "centre_source"]
    sources, methods = [], []
    if points is not None:
        _require(points, ["kommun_kod", "x", "y"], "tabellen med centralorter")
        u = points.assign(kommun_kod=points["kommun_kod"].astype(str).str.zfill(4), centre_source="anvandarens_tabell")
        if "centralort" not in u.columns:
            u["centralort"] = pd.NA
        sources.append(u)
        methods.append("user_points")
    if tatorter is not None:
        sources.append(centralorter(tatorter, undantag))
        methods.append("centralort_rule" if undantag is not None and len(undantag) else "largest_tatort")
    c = pd.DataFrame(index=pd.Index(kommuner, name="kommun_kod"), columns=cols)
    for src in sources:
        src = src.drop_duplicates("kommun_kod").set_index("kommun_kod")[cols].reindex(kommuner)
        fill = c["x"].isna().to_numpy() & src["x"].notna().to_numpy()
        c.loc[fill, cols] = src.loc[fill, cols].to_numpy()
    missing = c.index[c["x"].isna()]
    notes = []
    if len(missing):
        cen = population_weighted_centroids(cells).set_index("kommun_kod")
        c.loc[missing, "x"] = cen.loc[missing, "x"].to_numpy()
        c.loc[missing, "y"] = cen.loc[missing, "y"].to_numpy()
        c.loc[missing, "centre_source"] = "befolkningsviktad_mittpunkt"
        if sources:
            notes.append(
                f"{len(missing)} kommuner utan centralort i de angivna tabellerna får rutornas befolkningsviktade "
                f"mittpunkt: {', '.join(missing)}"
            )
    c["x"] = c["x"].astype("float64")
    c["y"] = c["y"].astype("float64")
    method = "+".join(methods) if methods else "population_weighted_centroid"
    return MeasureResult(c.reset_index(), method, notes)


def population_within(
    cells: pd.DataFrame, centres_xy: np.ndarray, radius_m: float, tree: cKDTree | None = None
) -> np.ndarray:
    """Population of ALL cells whose centre is within ``radius_m`` (≤, straight line) of each centre.

    Exact: a KD-tree ball query with a slightly enlarged radius gives candidates, which are then tested with
    the exact float64 criterion dx² + dy² ≤ r² (the same criterion as the brute force in the tests).
    """
    xy = cells[["x", "y"]].to_numpy(dtype="float64")
    pop = cells["pop"].to_numpy(dtype="float64")
    centres_xy = np.asarray(centres_xy, dtype="float64").reshape(-1, 2)
    tree = tree if tree is not None else cKDTree(xy)
    r2 = float(radius_m) ** 2
    out = np.zeros(len(centres_xy), dtype="float64")
    for i in range(len(centres_xy)):
        # one centre at a time: a 90 km ball holds up to ~10^5 cells of a 250 m grid, as a Python list
        idx = tree.query_ball_point(centres_xy[i], r=radius_m * (1 + AVSTAND_REL) + AVSTAND_M)
        if not idx:
            continue
        idx = np.asarray(idx, dtype=np.int64)
        d2 = (xy[idx, 0] - centres_xy[i, 0]) ** 2 + (xy[idx, 1] - centres_xy[i, 1]) ** 2
        out[i] = pop[idx[d2 <= r2]].sum()
    return out


def befolkningsunderlag(
    cells: pd.DataFrame,
    tatorter: pd.DataFrame | None = None,
    points: pd.DataFrame | None = None,
    road_distance_km: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    undantag: pd.DataFrame | None = None,
) -> MeasureResult:
    """Regionalt and lokalt befolkningsunderlag per kommun (GLESHET.md §5 gymnasieskola, §6.9; SPEC §7):
    inhabitants of all cells (across kommun borders) within 112,5 / 37,5 km road distance of the centralort.

    ``road_distance_km(centre_xy (2,), cells_xy (m, 2)) -> (m,)`` gives road distances when a road network is
    available; without it the straight-line radii 90 / 30 km (road ÷ 1,25, L24899–L24921) are used and
    ``method`` says so (``"straight_line_90_30_km"`` vs ``"road_112.5_37.5_km"``). The centre source per kommun
    is in column ``centre_source``.
    """
    centres = resolve_centres(cells, tatorter, points, undantag)
    c = centres.table
    cxy = c[["x", "y"]].to_numpy(dtype="float64")
    if road_distance_km is None:
        tree = cKDTree(cells[["x", "y"]].to_numpy(dtype="float64"))
        reg = population_within(cells, cxy, REGIONAL_STRAIGHT_KM * 1000.0, tree)
        lok = population_within(cells, cxy, LOCAL_STRAIGHT_KM * 1000.0, tree)
        method = f"straight_line_{REGIONAL_STRAIGHT_KM:g}_{LOCAL_STRAIGHT_KM:g}_km"
        notes = [
            f"befolkningsunderlag: inget vägnät angivet, så radierna {svenskt_tal(REGIONAL_STRAIGHT_KM)} / "
            f"{svenskt_tal(LOCAL_STRAIGHT_KM)} km fågelvägen används (= {svenskt_tal(REGIONAL_ROAD_KM)} / "
            f"{svenskt_tal(LOCAL_ROAD_KM)} km "
            f"vägavstånd ÷ {svenskt_tal(ROAD_TO_STRAIGHT_FACTOR)}; lag 2004:773 11 §, SOU 2024:50 s. 661–662)"
        ]
    else:
        xy = cells[["x", "y"]].to_numpy(dtype="float64")
        pop = cells["pop"].to_numpy(dtype="float64")
        reg = np.empty(len(c))
        lok = np.empty(len(c))
        for i in range(len(c)):
            d = np.asarray(road_distance_km(cxy[i], xy), dtype="float64")
            reg[i] = pop[d <= REGIONAL_ROAD_KM].sum()
            lok[i] = pop[d <= LOCAL_ROAD_KM].sum()
        method = f"road_{REGIONAL_ROAD_KM:g}_{LOCAL_ROAD_KM:g}_km"
        notes = ["befolkningsunderlag: vägavstånd i det angivna vägnätet"]
    table = c.assign(
        regionalt_befolkningsunderlag=reg, lokalt_befolkningsunderlag=lok, befolkningsunderlag_basis=method
    ).set_index("kommun_kod")
    kallor = " och ".join(CENTRALORT_KALLA.get(m, m) for m in centres.method.split("+"))
    return MeasureResult(table, method, [f"centralort: {kallor}", *centres.notes, *notes])


# --------------------------------------------------------------------------------------------------------------
# Invånardistans (GLESHET.md §1)
# --------------------------------------------------------------------------------------------------------------


def invanardistans_m(befolkning, area_km2) -> np.ndarray:
    """Invånardistans in metres: the spacing of ``befolkning`` inhabitants spread evenly (hexagonal lattice)
    over ``area_km2``: sqrt(2/√3 · A/P) (L9189, L9735; see INVANARDISTANS_LATTICE_FACTOR)."""
    p = np.asarray(befolkning, dtype="float64")
    a = np.asarray(area_km2, dtype="float64") * 1e6
    with np.errstate(divide="ignore", invalid="ignore"):
        return INVANARDISTANS_LATTICE_FACTOR * np.sqrt(a / p)


def invanardistans_riket(values_m) -> float:
    """The national invånardistans is the arithmetic mean over kommuner (283,91 m, L20041; see decisions.md)."""
    return float(np.nanmean(np.asarray(values_m, dtype="float64")))


def kommun_area_km2_from_polygons(kommuner) -> pd.Series:
    """Area per kommun_kod (km²) of kommun polygons measured in EPSG:3006. Polygons usually include inland
    water and simplified coasts, so this is an approximation of the land area SCB uses; prefer an area table."""
    g = kommuner if kommuner.crs is None or kommuner.crs.to_epsg() == 3006 else kommuner.to_crs(3006)
    a = pd.Series(g.geometry.area.to_numpy() / 1e6, index=g["kommun_kod"].astype(str).str.zfill(4))
    return a.groupby(level=0).sum().rename("area_km2")


def invanardistans(
    cells: pd.DataFrame,
    area_table: pd.DataFrame | None = None,
    kommun_polygons=None,
    befolkning: pd.Series | None = None,
) -> MeasureResult:
    """Invånardistans per kommun (m). Area from ``area_table`` (``kommun_kod, area_km2``; land area, as SCB) or
    else from ``kommun_polygons`` (method says which). Population from ``befolkning`` (indexed by kommun_kod)
    or else from the cells."""
    pop = befolkning if befolkning is not None else sum_by(cells, "pop", "kommun_kod")
    pop.index = pop.index.astype(str)
    if area_table is not None:
        _require(area_table, ["kommun_kod", "area_km2"], "arealtabellen")
        area = (
            area_table.assign(kommun_kod=area_table["kommun_kod"].astype(str).str.zfill(4))
            .set_index("kommun_kod")["area_km2"]
            .astype("float64")
        )
        method, notes = "area_table", ["invånardistans: arealen per kommun enligt den angivna tabellen (km²)"]
    elif kommun_polygons is not None:
        area = kommun_area_km2_from_polygons(kommun_polygons)
        method = "polygon_area"
        notes = [
            "invånardistans: arealen beräknad ur kommunpolygonerna (inklusive sjöar och vattendrag, en approximation "
            "av landarealen)"
        ]
    else:
        raise MeasureInputError("invånardistansen kräver en arealtabell (kommun_kod, area_km2) eller kommunpolygoner")
    missing = sorted(set(pop.index) - set(area.index))
    if missing:
        raise MeasureInputError(f"areal saknas för kommunerna {', '.join(missing[:10])}")
    area = area.reindex(pop.index)
    table = pd.DataFrame(
        {
            "befolkning": pop.astype("float64"),
            "area_km2": area,
            "invanardistans_m": invanardistans_m(pop.to_numpy(), area.to_numpy()),
        },
        index=pop.index,
    )
    table.index.name = "kommun_kod"
    return MeasureResult(table, method, notes)


def kommun_measures(
    cells: pd.DataFrame,
    *,
    islands=None,
    island_table=None,
    tatorter=None,
    points=None,
    area_table=None,
    kommun_polygons=None,
    road_distance_km=None,
    undantag=None,
) -> MeasureResult:
    """All kommun measures in one table (columns of the gleshet output ``kommuner.csv``): kommun_kod, kommun,
    lan_kod, befolkning, celler, avstand_3000_km, avstand_15000_km, ofaktor, regionalt_/lokalt_
    befolkningsunderlag, invanardistans_m. Measures whose inputs are missing are left out and listed in notes;
    ``method`` is a ``;``-joined ``measure=method`` list for the manifest."""
    c = _with_lan(cells)
    thresholds = tuple(n for n in MEDELDISTANS_INVANARE if f"r_{n}_m" in c.columns)
    t = distance_measures_by(c, "kommun_kod", thresholds)
    first = c.groupby("kommun_kod", sort=True).first()
    t.insert(0, "lan_kod", first["lan_kod"].astype(str))
    if "kommun" in c.columns:
        t.insert(0, "kommun", first["kommun"])
    methods, notes = [], []
    if islands is not None or island_table is not None:
        r = ofaktor(c, islands, island_table)
        t["ofaktor"] = r.table["ofaktor"]
        methods.append(f"ofaktor={r.method}")
        notes += r.notes
    else:
        notes.append(
            "ö-faktorn beräknas inte: inget lager med öar och ingen tabell med öbefolkning (--oar, --o-tabell)"
        )
    r = befolkningsunderlag(c, tatorter, points, road_distance_km, undantag)
    for col in ("centralort", "centre_source", "regionalt_befolkningsunderlag", "lokalt_befolkningsunderlag"):
        t[col] = r.table[col]
    methods.append(f"befolkningsunderlag={r.method}")
    notes += r.notes
    if area_table is not None or kommun_polygons is not None:
        r = invanardistans(c, area_table, kommun_polygons, t["befolkning"])
        t["invanardistans_m"] = r.table["invanardistans_m"]
        methods.append(f"invanardistans={r.method}")
        notes += r.notes
    else:
        notes.append("invånardistansen beräknas inte: ingen arealtabell och inga kommunpolygoner")
    return MeasureResult(t.reset_index(), ";".join(methods), notes)


# --------------------------------------------------------------------------------------------------------------
# Measures the law freezes (docs/decisions.md "Frysta mått")
# --------------------------------------------------------------------------------------------------------------

#: Measures fixed by law at their 2022 values, shipped as data: medeldistans for politisk verksamhet ("avser år
#: 2022 och uppdateras inte", förordningens bilaga, SOU 2024:50 s. 63) and the befolkningsunderlag of the bidrag
#: för svagt befolkningsunderlag (lag 11 §, "fast bidrag", SOU 2024:50 s. 738).
FRYSTA_MATT = DATA / "gleshet" / "frysta_matt_2022.csv"
#: kommuner.csv column → frozen column (the engine input of the same name takes the frozen value).
FRYSTA_KOLUMNER = {
    "medeldistans_km": "medeldistans_3000_km",
    "regionalt_befolkningsunderlag": "regionalt_befolkningsunderlag",
    "lokalt_befolkningsunderlag": "lokalt_befolkningsunderlag",
}


def frysta_matt(path=None) -> pd.DataFrame:
    """The frozen 2022 measures per kommun (kommun_kod + the values of FRYSTA_KOLUMNER)."""
    t = pd.read_csv(path or FRYSTA_MATT, dtype={"kommun_kod": str})
    _require(t, ["kommun_kod", *FRYSTA_KOLUMNER.values()], "tabellen med frysta mått")
    return t


def fryst_medeldistans(kommun_kod, strict: bool = True) -> np.ndarray:
    """The frozen 2022 medeldistans (km) of politisk verksamhet for the given kommun codes, in their order: the
    engine input ``medeldistans_3000_km`` ("avser år 2022 och uppdateras inte", förordningens bilaga, SOU 2024:50
    s. 63). A code without a frozen value is an input error (``strict``) or NaN."""
    kod = pd.Series(np.asarray(kommun_kod, dtype=str)).str.zfill(4)
    v = frysta_matt().set_index("kommun_kod")["medeldistans_3000_km"].reindex(kod)
    if strict and v.isna().any():
        raise MeasureInputError(
            f"fryst medeldistans 2022 saknas för kommun(er) {list(kod[v.isna().to_numpy()])[:10]} ({FRYSTA_MATT.name})"
        )
    return v.to_numpy(dtype="float64")


def frysta_jamforelse(kommun_table: pd.DataFrame, frysta: pd.DataFrame | None = None) -> pd.DataFrame:
    """Recomputed measures against the frozen ones: one row per kommun and measure with ``fryst`` (the value the
    law fixes; engine inputs take it), ``beraknad`` (this run), ``skillnad``, ``skillnad_andel`` and ``andras``
    (the run's value differs beyond the frozen value's stored precision: 3 decimals of a km, whole inhabitants).
    A run reports this but never overwrites the frozen values. Measures and kommuner missing from the run are left
    out (a grid of one län compares its own kommuner)."""
    from engine.tolerances import FRYST_BEFOLKNINGSUNDERLAG, FRYST_MEDELDISTANS_KM

    f = (frysta if frysta is not None else frysta_matt()).set_index("kommun_kod")
    k = kommun_table.assign(kommun_kod=kommun_table["kommun_kod"].astype(str)).set_index("kommun_kod")
    rows = []
    for run_col, frozen_col in FRYSTA_KOLUMNER.items():
        if run_col not in k.columns:
            continue
        codes = sorted(k.index)  # the kommuner this run has: a regional grid is not compared with the whole country
        fr = f[frozen_col].reindex(codes).astype("float64")
        be = k[run_col].reindex(codes).astype("float64")
        tolerans = FRYST_MEDELDISTANS_KM if frozen_col == "medeldistans_3000_km" else FRYST_BEFOLKNINGSUNDERLAG
        rows.append(
            pd.DataFrame(
                {
                    "kommun_kod": codes,
                    "matt": frozen_col,
                    "fryst": fr.to_numpy(),
                    "beraknad": be.to_numpy(),
                    "skillnad": (be - fr).to_numpy(),
                    "skillnad_andel": ((be - fr) / fr).to_numpy(),
                    # a kommun in only one of the two differs too (NaN is never within the precision)
                    "andras": ~((be - fr).abs() <= tolerans).to_numpy(),
                }
            )
        )
    return (
        pd.concat(rows, ignore_index=True)
        if rows
        else pd.DataFrame(columns=["kommun_kod", "matt", "fryst", "beraknad", "skillnad", "skillnad_andel", "andras"])
    )
