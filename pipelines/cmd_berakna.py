"""`utjamning berakna`: one utjämning run for all kommuner and regioner.

    utjamning berakna --ar 2024 --regelverk sou2024|2024 [--reform FILE] --indata DIR --ut DIR [--fasta-index DIR]

Writes into DIR atomically: kommuner.csv/.parquet, regioner.csv/.parquet (every component as a column, kr/inv;
columns ending in _kr are kronor), sammanfattning.csv (per post: bidrag, avgifter, net in kronor; per delmodell
and component: omfördelning — the sum of the positive net amounts in kronor — the number of kommuner with tillägg
and avdrag, the largest of each; status), utjamning.xlsx (Swedish headings, kr/inv, thousands separators; sheets
Kommuner, Regioner, Sammanfattning, Anmärkningar, Parametrar), anmarkningar.txt (components not available and
why: the rule set lacks an element, or the inputs lack a variable — named) and manifest.json (input hashes, rule
set, reform, every parameter, versions, timings).

Inputs: only kommuner.* is required and no column is; the inkomstutjämning needs kommun_kod, folkmangd_1nov_t1
and skatteunderlag_kr. Exit codes: 0 ok; 2 input or usage error (nothing written); 3 internal error.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import pandas as pd

from pipelines import argtypes
from pipelines.csvdialekt import add_csv_option
from pipelines.outputs import Timer, atomic_output_dir, check_output_dir, require_inputs, skrev, write_manifest

log = logging.getLogger("utjamning")


#: `utjamning berakna --help` (the module docstring is for developers).
BESKRIVNING = """\
Utjämningen för alla kommuner och regioner ett utjämningsår, enligt ett regelverk och en eventuell reform.

    utjamning berakna --ar 2024 --regelverk sou2024|nuvarande [--reform FIL] --indata KATALOG --ut KATALOG
                      [--fasta-index KATALOG] [--csv standard|excel-sv]

Skriver i KATALOG, i ett svep: kommuner.csv/.parquet och regioner.csv/.parquet (varje komponent som en kolumn i
kr/inv; kolumner som slutar på _kr i kronor), sammanfattning.csv (per post bidrag, avgifter och netto i kronor; per
delmodell och komponent omfördelningen, antalet med tillägg och avdrag och de största), utjamning.xlsx (svenska
rubriker med enheter; bladen Kommuner, Regioner, Sammanfattning, Anmärkningar, Parametrar), anmarkningar.txt
(komponenter som inte är tillgängliga och varför) och manifest.json (indatas kontrollsummor, regelverk, reform,
varje parameter, versioner, tider).

Indata: bara kommuner.* krävs och ingen kolumn är obligatorisk; inkomstutjämningen behöver kommun_kod,
folkmangd_1nov_t1 och skatteunderlag_kr. Varje variabel med enhet, referensdag och källa: docs/inputs.md."""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "berakna",
        help="beräkna utjämningen för alla kommuner och regioner",
        description=BESKRIVNING,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--ar", type=argtypes.ar, required=True, help="utjämningsår t")
    p.add_argument(
        "--regelverk",
        type=argtypes.regelverk,
        required=True,
        help="sou2024 (förslaget) eller nuvarande (nuvarande regler; även 2024)",
    )
    p.add_argument("--reform", type=Path, default=None, help="YAML-fil med ändrade parametervärden (reform)")
    p.add_argument("--indata", type=Path, required=True, help="indatakatalog (docs/inputs.md)")
    p.add_argument(
        "--fasta-index",
        type=Path,
        default=None,
        help="katalog med fasta index (standard: SOU 2024:50:s tabeller i data/)",
    )
    argtypes.add_ut_option(p, required=True, metavar="KATALOG")
    add_csv_option(p)
    p.set_defaults(func=run)


def run_model(ar: int, regelverk: str, indata_dir: Path, reform: Path | None, fasta_index: Path | None, timer: Timer):
    from engine.indata import load_indata
    from engine.model import berakna, build_ctx, to_frames
    from engine.params import load_params

    with timer("parametrar"):
        params = load_params(regelverk, reform, ar)
    with timer("indata"):
        indata = load_indata(indata_dir, regelverk, ar)
    with timer("berakning"):
        ctx = build_ctx(indata, params, fasta_index)
        res = berakna(ctx)
        res.notes[:0] = indata.varningar + list(getattr(ctx.idx, "varningar", ()))  # unusual inputs: noted first
        frames = to_frames(ctx, res)
    for w in indata.varningar:
        log.warning("%s", w)
    return params, indata, ctx, res, frames


def write_outputs(
    out: Path, frames: dict[str, pd.DataFrame], params, notes: list[str], summ: pd.DataFrame, csv: str = "standard"
) -> None:
    """The run's tables: per kommun and region (rows in code order) as CSV and Parquet, the summary, the notes and
    the workbook for people (Swedish headings and formats from pipelines.rubriker; the totals and posts first)."""
    from pipelines.csvdialekt import write_csv
    from pipelines.rubriker import totalerna_forst
    from pipelines.xlsx import Blad, write_workbook

    tables = {key: frames[key].sort_index() for key in ("kommun", "region")}
    for name, key in (("kommuner", "kommun"), ("regioner", "region")):
        write_csv(tables[key], out / f"{name}.csv", csv, float_format="%.6f")
        tables[key].to_parquet(out / f"{name}.parquet")
    write_csv(summ, out / "sammanfattning.csv", csv, float_format="%.6f")
    anm = pd.DataFrame({"anmärkning": notes or ["Alla komponenter beräknade."]})
    par = pd.DataFrame(params.as_records())
    par["status"] = par["status"].replace({"ej_tillganglig": "ej tillgänglig"})  # the leaf's key, in words
    (out / "anmarkningar.txt").write_text("\n".join(notes) + ("\n" if notes else ""), encoding="utf-8")
    write_workbook(
        out / "utjamning.xlsx",
        [
            Blad("Kommuner", tables["kommun"][totalerna_forst(tables["kommun"].columns)]),
            Blad("Regioner", tables["region"][totalerna_forst(tables["region"].columns)]),
            Blad("Sammanfattning", summ, utan=("post", "komponent")),
            Blad("Anmärkningar", anm),
            Blad("Parametrar", par),
        ],
        titel=f"Utjämning {params.namn}",
    )


def inputs_of(args) -> dict:
    """The command's input paths (an output must not replace any of them)."""
    return {"--indata": args.indata, "--reform": args.reform, "--fasta-index": args.fasta_index}


def run(args) -> int:
    from engine.sammanfattning import for_run

    timer = Timer()
    require_inputs(inputs_of(args))
    check_output_dir(args.ut, option="--ut", inputs=inputs_of(args))
    params, indata, ctx, res, frames = run_model(
        args.ar, args.regelverk, args.indata, args.reform, args.fasta_index, timer
    )
    with atomic_output_dir(args.ut, option="--ut", inputs=inputs_of(args)) as tmp, timer("skriva"):
        write_outputs(tmp, frames, params, res.notes, for_run(ctx, res), args.csv)
        inputs = {f"indata_{k}": v.split("[")[0] for k, v in indata.files.items()}
        if args.reform:
            inputs["reform"] = args.reform
        if args.fasta_index:
            for f in sorted(Path(args.fasta_index).glob("*.csv")):
                inputs[f"fasta_index_{f.stem}"] = f
        write_manifest(
            tmp,
            command="berakna",
            arguments=vars(args) | {"func": None},
            inputs=inputs,
            parameters={
                "regelverk": params.namn,
                "reformer": params.reformer,
                "fingerprint": params.fingerprint(),
                "varden": params.as_records(),
            },
            timings=timer.timings,
            extra={"anmarkningar": res.notes, "fixpunkt_iterationer": res.fixpunkt_iterationer},
        )
    k = frames["kommun"]
    log.info(
        "berakna: regelverk %s, utjämningsår %s: %d kommuner, %d regioner%s",
        args.regelverk,
        args.ar,
        len(k),
        len(frames["region"]),
        f" ({len(res.ej_tillgangliga)} komponenter ej tillgängliga: se anmarkningar.txt)"
        if res.ej_tillgangliga
        else "",
    )
    skrev("berakna", args.ut)
    return 0
