"""`utjamning demo`: the README main job, end to end on the embedded demo data.

    grid (data/demo, synthetic) → gleshet measures → fasta index (calibrated to the SOU tables)
        → utjämning engine on demo inputs, proposed (sou2024) and current (2024) rules → jamfor (Bilaga 4 tables)

Everything is written under --ut (default out/demo; --out is the older name): gleshet/, index/, indata/,
berakna_sou2024/, berakna_2024/, bas_utfall/, jamfor/, each with its manifest.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from engine.paths import DATA
from pipelines.csvdialekt import add_csv_option

log = logging.getLogger("utjamning")
DEMO_GRID = DATA / "demo" / "befolkning_demo.csv.gz"
#: What the demo writes under --out (each a directory a later demo run replaces); nothing else may be there.
DEMO_ENTRIES = ("gleshet", "index", "indata", "berakna_sou2024", "berakna_2024", "bas_utfall", "jamfor")


#: `utjamning demo --help` (the module docstring is for developers).
BESKRIVNING = """\
Hela kedjan på de inbäddade demodata (syntetiska, ingen verklig person finns i dem):

    befolkningsrutor (data/demo) → gleshetsmått → fasta index (kalibrerade mot SOU 2024:50:s tabeller)
        → utjämningen enligt förslaget (sou2024) och nuvarande regler → jämförelse (bilaga 4:s tabeller)

Allt skrivs under --ut (standard out/demo; --out är ett äldre namn): gleshet/, index/, indata/, berakna_sou2024/,
berakna_2024/, bas_utfall/ och jamfor/, var och en med sitt manifest."""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "demo",
        help="kör hela kedjan på inbäddade demodata",
        description=BESKRIVNING,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--ut",
        "--out",
        dest="ut",
        type=Path,
        default=Path.cwd() / "out" / "demo",
        help="utdatakatalog (standard out/demo i arbetskatalogen): ny, tom eller en tidigare "
        "demo-körnings; --out är ett äldre namn för samma flagga",
    )
    p.add_argument("--grid", type=Path, default=DEMO_GRID, help="befolkningsrutor (standard: de inbäddade demodata)")
    p.add_argument("--scheduler", default="threads", help="threads (standard), sync eller tcp://värd:port")
    add_csv_option(p)
    p.set_defaults(func=run)


def _adopt_earlier_demo(d: Path) -> None:
    """Demo input tables written by versions before manifests (README "# DEMO …", only the demo's files) are
    recognisably the demo's own: give them a manifest, so this run may replace them like any earlier output."""
    from pipelines.outputs import MANIFEST, write_manifest

    files = {"kommuner.csv", "lan.csv", "regioner.csv", "riket.csv", "README.md"}
    if (
        d.is_dir()
        and not (d / MANIFEST).exists()
        and (d / "README.md").is_file()
        and (d / "README.md").read_text(encoding="utf-8").startswith("# DEMO")
        and {p.name for p in d.iterdir()} <= files
    ):
        write_manifest(d, command="demo (tidigare version)", arguments={}, inputs={})


def _step(title: str) -> None:
    log.info("\n=== %s ===", title)


def run(args) -> int:
    from pipelines.cli import main as _cli
    from pipelines.csvdialekt import konvertera
    from pipelines.outputs import atomic_output_dir, check_output_dir, require_inputs, skrev, write_manifest

    def cli(argv: list[str]) -> int:
        return _cli((["-q"] if args.quiet else []) + (["-v"] if args.verbose else []) + argv)

    out: Path = args.ut
    csv = ["--csv", args.csv]
    require_inputs({"--grid": args.grid})
    check_output_dir(out, option="--ut", inputs={"--grid": args.grid}, entries=DEMO_ENTRIES)
    out.mkdir(parents=True, exist_ok=True)
    _step(f"1/5 gleshet: {args.grid.name} (SYNTETISKT demorutnät) → {out / 'gleshet'}")
    rc = cli(["gleshet", "--grid", str(args.grid), "--ut", str(out / "gleshet"), "--scheduler", args.scheduler, *csv])
    if rc:
        return rc

    _step(f"2/5 index: gleshetsmått → fasta index → {out / 'index'}")
    rc = cli(["index", "--matt", str(out / "gleshet"), "--ut", str(out / "index"), *csv])
    if rc:
        return rc

    from pipelines.demo_indata import write_demo_inputs

    _step(f"3/5 indata (DEMODATA, inte officiell statistik) → {out / 'indata'}")
    _adopt_earlier_demo(out / "indata")
    with atomic_output_dir(out / "indata", option="--ut", inputs={"--grid": args.grid}) as tmp:
        write_demo_inputs(tmp, ar=2024, matt_dir=out / "gleshet")
        for f in sorted(tmp.glob("*.csv")):
            konvertera(f, args.csv)
        write_manifest(
            tmp, command="demo indata", arguments={"ar": 2024}, inputs={"matt": out / "gleshet" / "kommuner.csv"}
        )

    _step(
        "4/5 berakna: utjämning 2024 enligt förslaget (sou2024, med de omräknade fasta indexen) och enligt "
        "nuvarande regler (2024)"
    )
    for regelverk, extra in (("sou2024", ["--fasta-index", str(out / "index")]), ("2024", [])):
        # the recomputed tables are the proposal's glesbygd indices; the current rules keep their own (not in the seeds)
        rc = cli(
            [
                "berakna",
                "--ar",
                "2024",
                "--regelverk",
                regelverk,
                "--indata",
                str(out / "indata"),
                *extra,
                "--ut",
                str(out / f"berakna_{regelverk}"),
                *csv,
            ]
        )
        if rc:
            return rc

    from pipelines.demo_indata import write_demo_bas_utfall

    _step(
        "5/5 jamfor: nuvarande regler → förslaget (bilaga 4:s tabeller; DEMO-basutfall = demoförslaget minus "
        "kommitténs publicerade förändring, eftersom nuvarande kostnadsutjämning inte kan beräknas ur "
        "källorna)"
    )
    _adopt_earlier_demo(out / "bas_utfall")
    with atomic_output_dir(out / "bas_utfall", option="--ut", inputs={"--indata": out / "indata"}) as tmp:
        write_demo_bas_utfall(out / "indata", tmp, fasta_index=out / "index")
        for f in sorted(tmp.glob("*.csv")):
            konvertera(f, args.csv)
        write_manifest(
            tmp, command="demo bas_utfall", arguments={}, inputs={"indata_kommuner": out / "indata" / "kommuner.csv"}
        )
    rc = cli(
        [
            "jamfor",
            "--ar",
            "2024",
            "--indata",
            str(out / "indata"),
            "--bas-utfall",
            str(out / "bas_utfall"),
            "--fasta-index",
            str(out / "index"),
            "--ut",
            str(out / "jamfor"),
            *csv,
        ]
    )
    if rc:
        return rc
    _summary(out)
    skrev("demo", out)
    return 0


def _summary(out: Path) -> None:
    from engine.indata import read_csv_numbers
    from engine.talformat import svenskt_tal as tal

    k = read_csv_numbers(
        out / "gleshet" / "kommuner.csv", text=("kommun_kod", "kommun", "lan_kod", "lan", "centralort")
    )
    k = k.sort_values("avstand_3000_km")
    log.info("\nDemon är klar: %s", out)
    lag, hog = k.iloc[0], k.iloc[-1]
    log.info(
        "  gleshet: %s kommuner, %s invånare; medeldistans 3 000 invånare från %s km (%s) till %s km (%s); "
        "kartor: %s, karta_15000.png",
        tal(len(k)),
        tal(int(k["befolkning"].sum())),
        tal(lag["avstand_3000_km"], 2),
        lag["kommun"],
        tal(hog["avstand_3000_km"], 1),
        hog["kommun"],
        out / "gleshet" / "karta_3000.png",
    )
