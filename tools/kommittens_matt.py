"""Regenerate the committee's medeldistans 2022 (data/gleshet/medeldistans_kommitten_2022.csv) from SOU 2024:50
Bilaga 4 tabell 6, or rewrite the frozen measures (data/gleshet/frysta_matt_2022.csv) from a gleshet run.

    python tools/kommittens_matt.py [--shared ../shared/data] [--ut FILE]
    python tools/kommittens_matt.py --frysta-fran DIR/kommuner.csv

A development script (not installed): it reads the shared real data and rewrites shipped data files. The method is
geo/kommittens_matt.py's (its docstring).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.kommittens_matt import UTFIL, _dela_befolkning, frysta_medeldistans, harled, las_tabell6

REPO = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    import argparse

    from geo.matt import invanardistans_m

    ap = argparse.ArgumentParser(
        prog="python tools/kommittens_matt.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--ut", type=Path, default=UTFIL)
    ap.add_argument(
        "--frysta-fran",
        type=Path,
        default=None,
        help="kommuner.csv från `utjamning gleshet` (standardvärden): skriv om de frysta måtten i "
        "data/gleshet/frysta_matt_2022.csv (medeldistans: tabell 6 där den är härledd)",
    )
    args = ap.parse_args(argv)
    if args.frysta_fran is not None:
        from geo.definition import default_definition
        from geo.matt import FRYSTA_MATT

        k = pd.read_csv(args.frysta_fran, dtype={"kommun_kod": str}).set_index("kommun_kod")
        f = pd.read_csv(FRYSTA_MATT, dtype={"kommun_kod": str})
        new = frysta_medeldistans(k["medeldistans_km"], default_definition()).set_index("kommun_kod")
        for col in ("regionalt_befolkningsunderlag", "lokalt_befolkningsunderlag"):
            f[col] = k[col].reindex(f["kommun_kod"]).round().astype("int64").to_numpy()
        f["medeldistans_3000_km"] = new["medeldistans_3000_km"].reindex(f["kommun_kod"]).round(3).to_numpy()
        f["medeldistans_kalla"] = new["medeldistans_kalla"].reindex(f["kommun_kod"]).to_numpy()
        tmp = FRYSTA_MATT.with_suffix(".tmp")
        f.to_csv(tmp, index=False, lineterminator="\n")
        tmp.replace(FRYSTA_MATT)
        print(f"{FRYSTA_MATT}: {f['medeldistans_kalla'].value_counts().to_dict()}")
        return 0
    p22, p16 = _dela_befolkning(args.shared)
    area = pd.read_csv(args.shared / "kommun_tables_2019" / "SCB_markanvandning.csv")
    area = area[area["markanvändningsklass"] == "total landareal"].set_index("region")["X2015"]
    names = las_tabell6().set_index("kommun_kod")["kommun"]
    area_km2 = names.map(area) / 100.0
    if area_km2.isna().any():
        raise SystemExit(f"landareal saknas för {list(names[area_km2.isna()])}")
    invd = pd.Series(invanardistans_m(p16.reindex(names.index).to_numpy(), area_km2.to_numpy()), index=names.index)
    out = harled(p22, invd, p16)
    tmp = args.ut.with_suffix(".tmp")
    out.to_csv(tmp, index=False, float_format="%.4f", lineterminator="\n")
    tmp.replace(args.ut)
    print(
        f"{args.ut}: {int(out['tillagg'].sum())} kommuner med tillägg, klasser "
        f"{out['nuvarande_klass'].value_counts().sort_index().to_dict()}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
