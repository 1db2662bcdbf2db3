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
import sys
from pathlib import Path

import pandas as pd

from pipelines.outputs import Timer, atomic_output_dir, write_manifest


def register(subparsers) -> None:
    p = subparsers.add_parser("berakna", help="beräkna utjämningen för alla kommuner och regioner",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ar", type=int, required=True, help="utjämningsår t")
    p.add_argument("--regelverk", required=True, help="sou2024 (förslaget) or 2024 (nuvarande regler)")
    p.add_argument("--reform", type=Path, default=None, help="YAML overlay of parameter paths and values")
    p.add_argument("--indata", type=Path, required=True, help="input directory (docs/inputs.md)")
    p.add_argument("--fasta-index", type=Path, default=None, help="fasta index tables (default: SOU 2024:50 tables in data/)")
    p.add_argument("--ut", type=Path, required=True, help="output directory (replaced atomically)")
    p.set_defaults(func=run)


def run_model(ar: int, regelverk: str, indata_dir: Path, reform: Path | None, fasta_index: Path | None, timer: Timer):
    from engine.indata import load_indata
    from engine.model import berakna, build_ctx, to_frames
    from engine.params import load_params

    with timer("parametrar"):
        params = load_params(regelverk, reform)
    with timer("indata"):
        indata = load_indata(indata_dir, regelverk, ar)
    with timer("berakning"):
        ctx = build_ctx(indata, params, fasta_index)
        res = berakna(ctx)
        frames = to_frames(ctx, res)
    return params, indata, ctx, res, frames


def write_outputs(out: Path, frames: dict[str, pd.DataFrame], params, notes: list[str], summ: pd.DataFrame) -> None:
    from pipelines.xlsx import write_workbook

    for name, key in (("kommuner", "kommun"), ("regioner", "region")):
        frames[key].to_csv(out / f"{name}.csv", float_format="%.6f", lineterminator="\n")
        frames[key].to_parquet(out / f"{name}.parquet")
    summ.to_csv(out / "sammanfattning.csv", index=False, float_format="%.6f", lineterminator="\n")
    anm = pd.DataFrame({"anmärkning": notes or ["Alla komponenter beräknade."]})
    par = pd.DataFrame(params.as_records())
    (out / "anmarkningar.txt").write_text("\n".join(notes) + ("\n" if notes else ""), encoding="utf-8")
    write_workbook(out / "utjamning.xlsx", {"Kommuner": frames["kommun"], "Regioner": frames["region"],
                                            "Sammanfattning": summ, "Anmärkningar": anm, "Parametrar": par},
                   translate=("Kommuner", "Regioner"))


def run(args) -> int:
    from engine.sammanfattning import for_run

    timer = Timer()
    params, indata, ctx, res, frames = run_model(args.ar, args.regelverk, args.indata, args.reform, args.fasta_index, timer)
    with atomic_output_dir(args.ut) as tmp, timer("skriva"):
        write_outputs(tmp, frames, params, ctx.notes, for_run(ctx, res))
        inputs = {f"indata_{k}": v.split("[")[0] for k, v in indata.files.items()}
        if args.reform:
            inputs["reform"] = args.reform
        if args.fasta_index:
            for f in sorted(Path(args.fasta_index).glob("*.csv")):
                inputs[f"fasta_index_{f.stem}"] = f
        write_manifest(tmp, command="berakna", arguments=vars(args) | {"func": None},
                       inputs=inputs, parameters={"regelverk": params.namn, "reformer": params.reformer,
                                                  "fingerprint": params.fingerprint(), "varden": params.as_records()},
                       timings=timer.timings, extra={"anmarkningar": ctx.notes,
                                                     "fixpunkt_iterationer": ctx.cache.get("fixpunkt_iterationer")})
    k = frames["kommun"]
    print(f"berakna {args.regelverk} {args.ar}: {len(k)} kommuner, {len(frames['region'])} regioner → {args.ut}"
          + (f" ({len(ctx.ej_tillgangliga)} komponenter ej tillgängliga: se anmarkningar.txt)" if ctx.ej_tillgangliga else ""),
          file=sys.stderr)
    return 0
