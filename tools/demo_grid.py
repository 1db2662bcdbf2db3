"""Regenerate the embedded SYNTHETIC demo grid (data/demo/befolkning_demo.csv.gz) — the method is geo/demo_grid.py's.

    python tools/demo_grid.py --out data/demo/befolkning_demo.csv.gz [--seed 2024] [--population 10000000] [--lan 10,20]

A development script (not installed): it writes a shipped data file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.demo_grid import DEFAULT_POPULATION, DEFAULT_SEED, DEFAULT_URBAN_SHARE, generate, write


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python tools/demo_grid.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", required=True, type=Path, help="output file (.csv.gz)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--population", type=int, default=DEFAULT_POPULATION)
    ap.add_argument("--urban-share", type=float, default=DEFAULT_URBAN_SHARE)
    ap.add_argument("--lan", default=None, help="comma-separated län codes (small variant), default: all of Sweden")
    args = ap.parse_args(argv)
    lan = [v for v in args.lan.split(",") if v] if args.lan else None
    grid = generate(seed=args.seed, population=args.population, urban_share=args.urban_share, lan=lan)
    sha = write(args.out, grid)
    print(json.dumps({"out": str(args.out), "bytes": args.out.stat().st_size, "sha256": sha, **grid.stats()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
