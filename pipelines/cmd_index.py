"""`utjamning index`: gleshet measures → fasta index tables (GLESHET.md §3, §5; SPEC §3.0(c), §3.11, §5).

    utjamning index --matt DIR [--kalibrera-mot DIR | --skatta-mot COSTS] --ut DIR

--matt DIR         output of `utjamning gleshet`: ``kommuner.csv`` with kommun_kod, kommun, lan_kod, befolkning,
                   celler, avstand_3000_km, avstand_15000_km, ofaktor, regionalt_befolkningsunderlag, …
--kalibrera-mot    directory with reference fasta index tables to calibrate the relation to (default: the
                   SOU tables in <repo>/data/fasta_index, in development ../shared/spec). This is the default mode.
--skatta-mot COSTS cost panel CSV: kommun_kod, ar and one column per glesbygd index to estimate, named as the
                   index (cost per inhabitant of the age group, kr); columns ``kontroll_*`` are controls.
--referens DIR     reference tables giving schema, kommun order and the columns not recomputed (default as
                   --kalibrera-mot).

Writes fasta_index_kommuner_del1.csv (4 glesbygd columns recomputed, the rest copied), del2 and regioner
(copied), kvalitet.csv, koefficienter.json, politisk_verksamhet.csv, kollektivtrafik_md15000.csv, one PNG per
index, manifest.json.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from engine.tolerances import FRYST_MEDELDISTANS_KM, INDEX_GOLV_BERAKNAD
from pipelines import argtypes
from pipelines import index_model as im
from pipelines.csvdialekt import add_csv_option
from pipelines.outputs import Timer, atomic_output_dir, check_output_dir, require_inputs, skrev, write_manifest

log = logging.getLogger("utjamning")
INDEX_DECIMALS = 4  # the published tables print 4 decimals (L2741–L2911)


#: `utjamning index --help` (the module docstring is for developers).
BESKRIVNING = """\
Gleshetsmått → fasta index: glesbygdsindexen räknas om ur måtten från utjamning gleshet, kalibrerade mot
förordningens tabeller (standard) eller skattade mot kostnader; övriga index kopieras från referenstabellerna.

    utjamning index --matt KATALOG [--kalibrera-mot KATALOG | --skatta-mot FIL] [--referens KATALOG] --ut KATALOG

Skriver fasta_index_kommuner_del1.csv (fyra glesbygdsindex omräknade, resten kopierat), del 2 och regioner
(kopierade), kvalitet.csv (anpassning per index), koefficienter.json, politisk_verksamhet.csv,
kollektivtrafik_md15000.csv, ett diagram per omräknat index och manifest.json."""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "index", help="gleshetsmått → fasta index (kalibrera eller skatta)", description=BESKRIVNING
    )
    p.add_argument(
        "--matt", required=True, type=Path, metavar="KATALOG", help="utdata från `utjamning gleshet` (kommuner.csv)"
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--kalibrera-mot",
        type=Path,
        default=None,
        metavar="KATALOG",
        help="katalog med referenstabeller att kalibrera mot (standard: SOU 2024:50:s)",
    )
    mode.add_argument(
        "--skatta-mot",
        type=Path,
        default=None,
        metavar="FIL",
        help="kostnadspanel (CSV: kommun_kod, ar, en kolumn per index) att skatta från",
    )
    p.add_argument(
        "--referens",
        type=Path,
        default=None,
        metavar="KATALOG",
        help="referenstabeller (schema, ordning, kolumner som kopieras)",
    )
    argtypes.add_ut_option(p, required=True, metavar="KATALOG")
    p.add_argument(
        "--politisk-troskel",
        choices=im.POLITISK_THRESHOLD_READINGS,
        default=None,
        help="när index för politisk verksamhet är 1 (20 a §, SOU 2024:50 s. 515): 'kapitel' = modellvärdet "
        "under typkommunens 1 018 kr, 'bilaga' = medeldistansen under 6,72 km (standard: regelverkets "
        "val, kapitel)",
    )
    p.add_argument("--loss", choices=("linear", "soft_l1"), default="linear", help="förlustfunktion i kalibreringen")
    p.add_argument(
        "--ingen-normalisering",
        action="store_true",
        help="normalisera inte om till befolkningsviktat medelvärde 1 (använd den skattade konstanten)",
    )
    p.add_argument("--no-karta", action="store_true", help="rita inte kartorna karta_<index>.png")
    add_csv_option(p)
    p.set_defaults(func=run)


#: Numeric columns of the measure table (`utjamning gleshet`'s kommuner.csv) the model reads: (lowest allowed,
#: whether the lowest itself is allowed, why).
MEASURE_COLUMNS = {
    "befolkning": (1.0, True, "en kommuns befolkning (vikten i normaliseringen) måste vara positiv"),
    "avstand_3000_km": (0.0, False, "ett avstånd är positivt"),
    "avstand_15000_km": (0.0, False, "ett avstånd är positivt"),
    "medeldistans_km": (0.0, False, "en medeldistans är positiv"),
    "ofaktor": (0.0, True, "ö-faktorn är en andel ≥ 0"),
    "regionalt_befolkningsunderlag": (0.0, True, "ett befolkningsunderlag är ≥ 0"),
}


def _read_measures(matt_dir: Path) -> pd.DataFrame:
    """The measure table: every kommun once, every number the model reads finite and in its range (a negative
    distance, a NaN or a kommun given twice is an error naming the row), so nothing implausible is fitted."""
    from engine.indata import as_numbers, parse_numbers, problem_list, read_csv_text

    path = Path(matt_dir) / "kommuner.csv"
    if not path.is_file():
        raise im.IndexInputError(f"{path} finns inte (kör `utjamning gleshet` först)")
    m = read_csv_text(path)
    need = ["kommun_kod", "kommun", "befolkning", "avstand_3000_km", "avstand_15000_km"]
    missing = [c for c in need if c not in m.columns]
    if missing:
        raise im.IndexInputError(f"{path}: kolumn(er) saknas: {missing}")
    m["kommun_kod"] = m["kommun_kod"].str.strip().str.zfill(4)
    if "lan_kod" in m.columns:
        m["lan_kod"] = m["lan_kod"].str.strip().str.zfill(2)
    problems = []
    for key in ("kommun_kod", "kommun"):
        for value, rows in m.groupby(key).groups.items():
            if len(rows) > 1:
                same = len(m.loc[rows].drop_duplicates()) == 1
                problems.append(
                    f"{key} {value!r} förekommer på raderna {[int(r) + 2 for r in rows]}"
                    + (" (samma värden)" if same else " med olika värden — vilken rad gäller?")
                )
    for col, (low, low_allowed, why) in MEASURE_COLUMNS.items():
        if col not in m.columns:
            continue
        v = parse_numbers(m[col]).to_numpy()
        for i in np.flatnonzero(~np.isfinite(v)):
            problems.append(
                f"rad {i + 2} ({m['kommun'].iloc[i]}), kolumn {col!r}: inte ett ändligt tal: {m[col].iloc[i]!r}"
            )
        for i in np.flatnonzero(np.isfinite(v) & ((v < low) if low_allowed else (v <= low))):
            problems.append(f"rad {i + 2} ({m['kommun'].iloc[i]}), kolumn {col!r}: {v[i]:g} — {why}")
        m[col] = v
    if problems:
        raise im.IndexInputError(problem_list(str(path), problems))
    return as_numbers(m, skip=(*MEASURE_COLUMNS, "kommun_kod", "kommun", "lan_kod", "lan"))  # either CSV dialect


def _line_terminator(path: Path) -> str:
    """The reference tables' own line ending (the shipped SOU tables use CRLF), so outputs match them."""
    with open(path, "rb") as fh:
        return "\r\n" if fh.readline().endswith(b"\r\n") else "\n"


def _fmt(values: np.ndarray) -> list[str]:
    return [f"{v:.{INDEX_DECIMALS}f}" for v in values]


def run(args) -> int:
    from engine.indata import parse_numbers
    from pipelines.csvdialekt import write_csv

    timer = Timer()
    notes: list[str] = []
    inputs = {
        "--matt": args.matt,
        "--kalibrera-mot": args.kalibrera_mot,
        "--skatta-mot": args.skatta_mot,
        "--referens": args.referens,
    }
    require_inputs(inputs)
    check_output_dir(args.ut, option="--ut", inputs=inputs)
    ref_dir = args.referens if args.referens is not None else args.kalibrera_mot
    paths = {"del1": im.find_reference(im.REFERENCE_DEL1, ref_dir)}
    for key, name in (("del2", im.REFERENCE_DEL2), ("regioner", im.REFERENCE_REGIONER)):
        try:
            paths[key] = im.find_reference(name, paths["del1"].parent)
        except im.IndexInputError:
            notes.append(f"{name} finns inte bredvid {paths['del1']}: skrivs inte")
    with timer("read"):
        measures = _read_measures(args.matt)
        ref1 = im.read_reference(paths["del1"])
        others = {key: im.read_reference(paths[key]) for key in ("del2", "regioner") if key in paths}
        m = im.align_to_reference(measures, ref1)
    for col, namn in (
        ("ofaktor", "Ö-faktorn"),
        ("regionalt_befolkningsunderlag", "Det regionala befolkningsunderlaget"),
    ):
        if col not in m.columns:
            m[col] = 0.0
            notes.append(
                f"{namn} (kolumnen {col}) saknas i kommuner.csv: behandlas som konstant, dess koefficient sätts till 0"
            )
    panel = None
    if args.skatta_mot is not None:
        if not Path(args.skatta_mot).is_file():
            raise im.IndexInputError(f"kostnadspanelen {args.skatta_mot} finns inte")
        panel = im.read_cost_panel(args.skatta_mot)
    controls = [c for c in (panel.columns if panel is not None else []) if c.startswith("kontroll_")]
    normalise = not args.ingen_normalisering

    out1 = ref1.copy()
    quality_rows, coefs, omraknade = [], {}, {}
    with atomic_output_dir(args.ut, option="--ut", inputs=inputs) as out:
        with timer("model"):
            for name, spec in im.INDEX_SPECS.items():
                y = parse_numbers(ref1[name]).to_numpy()
                if panel is not None:
                    if name not in panel.columns:
                        quality_rows.append(
                            {"index": name, "status": im.KOPIERAT, "method": "kostnadspanelen saknar indexets kolumn"}
                        )
                        continue
                    coef, _ = im.estimate(panel, m, spec, name, controls=controls)
                else:
                    coef = im.calibrate(m, y, spec, normalise=normalise, loss=args.loss)
                pred = im.apply_index(m, coef, normalise=normalise)
                omraknade[name] = pred
                out1[name] = _fmt(pred)
                q = im.quality(name, m, pred, y, spec.distance_col)
                quality_rows.append(
                    {
                        **q,
                        "status": im.OMRAKNAT,
                        "method": coef.method,
                        "symmetric": spec.symmetric,
                        "floor_or_min": float(pred.min()),
                        "n_at_floor": int(np.sum(np.isclose(pred, pred.min(), atol=INDEX_GOLV_BERAKNAD))),
                        "weighted_mean": float(np.average(pred, weights=m["befolkning"])),
                    }
                )
                coefs[name] = coef.to_dict()
                im.scatter_png(out / f"{name}.png", name, m, pred, y, spec.distance_col)
            for col in ref1.columns:
                if col not in ("kommun_kod", "lan", "kommun") and col not in im.INDEX_SPECS:
                    quality_rows.append({"index": col, "status": im.KOPIERAT, "method": "räknas inte om av modellen"})
        write_csv(out1, out / im.REFERENCE_DEL1, args.csv, index=False, lineterminator=_line_terminator(paths["del1"]))
        for key in ("del2", "regioner"):
            if key in paths:
                if args.csv == "standard":
                    shutil.copyfile(paths[key], out / paths[key].name)
                else:
                    write_csv(others[key], out / paths[key].name, args.csv, index=False)
                ref = others[key]
                for col in ref.columns:
                    if col not in ("kommun_kod", "region_kod", "lan", "kommun", "region"):
                        quality_rows.append(
                            {
                                "index": f"{paths[key].stem}:{col}",
                                "status": im.KOPIERAT,
                                "method": "räknas inte om av modellen",
                            }
                        )
        qdf = pd.DataFrame(quality_rows)
        for col in ("n", "n_at_floor"):
            if col in qdf.columns:
                qdf[col] = qdf[col].astype("Int64")
        write_csv(qdf, out / "kvalitet.csv", args.csv, index=False)
        # medeldistans 2022 is frozen by law (förordningens bilaga): the frozen value, the run's own beside it
        from geo.matt import fryst_medeldistans

        md = fryst_medeldistans(m["kommun_kod"], strict=False)
        own = m["medeldistans_km" if "medeldistans_km" in m.columns else "avstand_3000_km"].to_numpy(dtype="float64")
        if np.isnan(md).any():
            notes.append(
                f"politisk verksamhet: {int(np.isnan(md).sum())} kommunkoder saknar fryst medeldistans 2022 "
                f"(data/gleshet/frysta_matt_2022.csv); körningens egen medeldistans används för dem"
            )
            md = np.where(np.isnan(md), own, md)
        pol = im.politisk_verksamhet_index(m["befolkning"], md, args.politisk_troskel)
        for reading in im.POLITISK_THRESHOLD_READINGS:
            pol[f"merkostnadsindex_{reading}"] = im.politisk_verksamhet_index(m["befolkning"], md, reading)[
                "merkostnadsindex"
            ].to_numpy()
        pol.insert(0, "medeldistans_3000_km", md)
        if "medeldistans_km" in m.columns:
            pol.insert(1, "medeldistans_beraknad_km", m["medeldistans_km"].to_numpy())
            moved = int((np.abs(own - md) > FRYST_MEDELDISTANS_KM).sum())
            if moved:
                notes.append(
                    f"politisk verksamhet: den frysta medeldistansen 2022 används; {moved} kommuner har en "
                    f"annan beräknad medeldistans i {Path(args.matt) / 'kommuner.csv'} "
                    f"(medeldistans_beraknad_km)"
                )
        pol.insert(0, "kommun", m["kommun"].to_numpy())
        pol.insert(0, "kommun_kod", m["kommun_kod"].to_numpy())
        write_csv(pol, out / "politisk_verksamhet.csv", args.csv, index=False)
        md15000 = im.lan_md15000(m)
        write_csv(md15000, out / "kollektivtrafik_md15000.csv", args.csv, index=False)
        from pipelines.matt_xlsx import skriv_index_xlsx

        skriv_index_xlsx(
            out / "fasta_index.xlsx",
            {
                "Kommuner del 1": out1,
                "Kommuner del 2": others.get("del2"),
                "Regioner": others.get("regioner"),
                "Politisk verksamhet": pol,
                "Kollektivtrafik": md15000,
                "Modellens kvalitet": qdf,
            },
            m.set_index(m["kommun_kod"].astype(str))["kommun"],
        )
        if omraknade and not args.no_karta:
            with timer("kartor"):
                im.index_kartor(pd.DataFrame(omraknade, index=m["kommun_kod"].to_numpy()), out, args.matt)
        (out / "koefficienter.json").write_text(
            json.dumps(coefs, indent=2, ensure_ascii=False, default=float) + "\n", encoding="utf-8"
        )
        write_manifest(
            out,
            command="index",
            arguments=vars(args) | {"func": None},
            inputs={
                "kommuner": Path(args.matt) / "kommuner.csv",
                "referens_del1": paths["del1"],
                **({"kostnader": args.skatta_mot} if args.skatta_mot else {}),
            },
            parameters={
                "mode": "estimate" if panel is not None else "calibrate",
                "normalise": normalise,
                "loss": args.loss,
                "politisk_troskel": args.politisk_troskel or im._regelverk().raw("politisk_verksamhet.troskel_lasning"),
                "tolerance": im.TOLERANCE,
                "d_min_km_default": im.D_MIN_KM_DEFAULT,
                "controls": controls,
            },
            timings=timer.timings,
            extra={"notes": notes},
        )
    for n in notes:
        log.info("%s", n)
    skrev("index", args.ut)
    return 0
