"""`utjamning demo`: the README main job, end to end on the embedded demo data.

    grid (data/demo, synthetic) → gleshet measures → fasta index (calibrated to the SOU tables)
        → utjämning engine on demo inputs, proposed (sou2024) and current (2024) rules → jamfor (Bilaga 4 tables)

Everything is written under --out (default out/demo): gleshet/, index/, indata/, berakna_sou2024/,
berakna_2024/, bas_utfall/, jamfor/, each with its manifest.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_GRID = ROOT / "data" / "demo" / "befolkning_demo.csv.gz"


def register(subparsers) -> None:
    p = subparsers.add_parser("demo", help="kör hela kedjan på inbäddade demodata",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=ROOT / "out" / "demo")
    p.add_argument("--grid", type=Path, default=DEMO_GRID, help="population grid (default: the embedded demo grid)")
    p.add_argument("--scheduler", default="threads")
    p.set_defaults(func=run)


def _step(title: str) -> None:
    print(f"\n=== {title} ===", file=sys.stderr, flush=True)


def run(args) -> int:
    from pipelines.cli import main as cli

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    _step(f"1/5 gleshet: {args.grid.name} (SYNTHETIC demo grid) → {out / 'gleshet'}")
    rc = cli(["gleshet", "--grid", str(args.grid), "--out", str(out / "gleshet"), "--scheduler", args.scheduler])
    if rc:
        return rc

    _step(f"2/5 index: gleshet measures → fasta index tables → {out / 'index'}")
    rc = cli(["index", "--matt", str(out / "gleshet"), "--ut", str(out / "index")])
    if rc:
        return rc

    from engine.demo import write_demo_inputs

    _step(f"3/5 demo inputs (DEMO DATA, not official statistics) → {out / 'indata'}")
    write_demo_inputs(out / "indata", ar=2024, matt_dir=out / "gleshet")

    _step("4/5 berakna: utjämning 2024 under the proposal (sou2024, with the recomputed fasta index) and the "
          "current rules (2024)")
    for regelverk, extra in (("sou2024", ["--fasta-index", str(out / "index")]), ("2024", [])):
        # the recomputed tables are the proposal's glesbygd indices; the current rules keep their own (not in the seeds)
        rc = cli(["berakna", "--ar", "2024", "--regelverk", regelverk, "--indata", str(out / "indata"), *extra,
                  "--ut", str(out / f"berakna_{regelverk}")])
        if rc:
            return rc

    from engine.demo import write_demo_bas_utfall

    _step("5/5 jamfor: current rules → proposal (Bilaga 4 tables; DEMO bas-utfall = demo proposal minus the "
          "committee's published change, since the current kostnadsutjämning cannot be computed from the seeds)")
    write_demo_bas_utfall(out / "indata", out / "bas_utfall", fasta_index=out / "index")
    rc = cli(["jamfor", "--ar", "2024", "--indata", str(out / "indata"), "--bas-utfall", str(out / "bas_utfall"),
              "--fasta-index", str(out / "index"), "--ut", str(out / "jamfor")])
    if rc:
        return rc
    _summary(out)
    return 0


def _summary(out: Path) -> None:
    import pandas as pd

    k = pd.read_csv(out / "gleshet" / "kommuner.csv", dtype={"kommun_kod": str})
    k = k.sort_values("avstand_3000_km")
    print(f"\nDemo finished: {out}", file=sys.stderr)
    print(f"  gleshet: {len(k)} kommuner, {int(k['befolkning'].sum()):,} inhabitants; avstand_3000_km from "
          f"{k.iloc[0]['avstand_3000_km']:.2f} ({k.iloc[0]['kommun']}) to {k.iloc[-1]['avstand_3000_km']:.1f} "
          f"({k.iloc[-1]['kommun']}); maps: {out / 'gleshet' / 'karta_3000.png'}, karta_15000.png", file=sys.stderr)
    for sub in [*sorted(out.glob("berakna_*")), out / "jamfor"]:
        files = sorted(p.name for p in sub.iterdir() if p.is_file())
        print(f"  {sub.name}: {', '.join(files)}", file=sys.stderr)
