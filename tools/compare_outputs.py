"""Compare two output trees of the tool (e.g. two runs of ``python3 -m pipelines.run demo``) file by file.

    python tools/compare_outputs.py OLD_DIR NEW_DIR [--ignore-manifest-key KEY ...]

A development aid (not installed): restructuring must leave every result unchanged, and this says where it did
not. Files equal byte for byte are counted; for the others the difference is shown by value — CSV and Parquet as
tables (columns, index, every cell; numbers compared exactly), XLSX cell by cell on every sheet, JSON as data with
the keys that differ between runs by nature left out (manifests: code version, paths, timings, file hashes of the
outputs), text line by line. Exit status 0 when nothing differs but the ignored keys, 1 otherwise.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

#: Manifest keys that differ between two runs of the same computation (code version, timings, where it ran).
VOLATILE = {"timings_s", "versions", "outputs", "arguments", "inputs", "kod", "skapad", "code_version"}


def _cells(a, b, label: str, out: list[str], limit: int = 8) -> None:
    """Cell differences of two DataFrames of the same shape."""
    import numpy as np

    diffs = []
    for c in a.columns:
        x, y = a[c].to_numpy(), b[c].to_numpy()
        for i in range(len(x)):
            xi, yi = x[i], y[i]
            same = (xi == yi) or (isinstance(xi, float) and isinstance(yi, float) and np.isnan(xi) and np.isnan(yi))
            if not same:
                diffs.append(f"{label}: rad {a.index[i]!r}, kolumn {c!r}: {xi!r} → {yi!r}")
    out += diffs[:limit] + ([f"{label}: … {len(diffs) - limit} fler celler"] if len(diffs) > limit else [])


def _frames(a, b, label: str, out: list[str]) -> None:
    if list(a.columns) != list(b.columns):
        gone, new = [c for c in a.columns if c not in b.columns], [c for c in b.columns if c not in a.columns]
        out.append(
            f"{label}: kolumnerna skiljer (borta {gone}, nya {new}, ordning {list(a.columns) != list(b.columns)})"
        )
        common = [c for c in a.columns if c in b.columns]
        a, b = a[common], b[common]
    if a.shape != b.shape or not a.index.equals(b.index):
        out.append(f"{label}: raderna skiljer ({a.shape} → {b.shape})")
        return
    _cells(a, b, label, out)


def _json(a, b, path: str, out: list[str]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k in VOLATILE:
                continue
            if k not in a or k not in b:
                out.append(f"{path}.{k}: {'saknas i den nya' if k not in b else 'ny'}")
            else:
                _json(a[k], b[k], f"{path}.{k}", out)
    elif a != b:
        out.append(f"{path}: {json.dumps(a, ensure_ascii=False)[:200]} → {json.dumps(b, ensure_ascii=False)[:200]}")


def compare_file(old: Path, new: Path, rel: str) -> list[str]:
    """The differences of one file (empty when equal)."""
    if old.read_bytes() == new.read_bytes():
        return []
    out: list[str] = []
    suffix = old.suffix
    if suffix in (".csv", ".parquet"):
        import pandas as pd

        read = (lambda p: pd.read_csv(p, dtype=str, keep_default_na=False)) if suffix == ".csv" else pd.read_parquet
        _frames(read(old), read(new), rel, out)
        if not out:
            out.append(f"{rel}: samma värden, andra byte (formatering)")
    elif suffix == ".xlsx":
        import openpyxl

        wa, wb = openpyxl.load_workbook(old), openpyxl.load_workbook(new)
        if wa.sheetnames != wb.sheetnames:
            out.append(f"{rel}: bladen skiljer: {wa.sheetnames} → {wb.sheetnames}")
        for name in [s for s in wa.sheetnames if s in wb.sheetnames]:
            ra = [[c.value for c in row] for row in wa[name].iter_rows()]
            rb = [[c.value for c in row] for row in wb[name].iter_rows()]
            diffs = [
                f"{rel}[{name}]!{r + 1}:{c + 1}: {x!r} → {y!r}"
                for r in range(max(len(ra), len(rb)))
                for c in range(max(len(ra[r]) if r < len(ra) else 0, len(rb[r]) if r < len(rb) else 0))
                for x, y in [
                    (
                        ra[r][c] if r < len(ra) and c < len(ra[r]) else None,
                        rb[r][c] if r < len(rb) and c < len(rb[r]) else None,
                    )
                ]
                if x != y
            ]
            out += diffs[:8] + ([f"{rel}[{name}]: … {len(diffs) - 8} fler celler"] if len(diffs) > 8 else [])
    elif suffix == ".json":
        _json(json.loads(old.read_text(encoding="utf-8")), json.loads(new.read_text(encoding="utf-8")), rel, out)
    elif suffix in (".txt", ".md"):
        lines = difflib.unified_diff(
            old.read_text(encoding="utf-8").splitlines(), new.read_text(encoding="utf-8").splitlines(), lineterm=""
        )
        out += [f"{rel}: {line}" for line in list(lines)[2:40]]
    else:
        out.append(f"{rel}: binärfilen skiljer")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--ignore-manifest-key", action="append", default=[], help="further volatile JSON keys")
    a = ap.parse_args(argv)
    VOLATILE.update(a.ignore_manifest_key)
    files_a = {p.relative_to(a.old).as_posix() for p in a.old.rglob("*") if p.is_file()}
    files_b = {p.relative_to(a.new).as_posix() for p in a.new.rglob("*") if p.is_file()}
    problems = [f"{f}: bara i {a.old}" for f in sorted(files_a - files_b)]
    problems += [f"{f}: bara i {a.new}" for f in sorted(files_b - files_a)]
    same = 0
    for rel in sorted(files_a & files_b):
        d = compare_file(a.old / rel, a.new / rel, rel)
        same += not d
        problems += d
    print(f"{same} av {len(files_a & files_b)} gemensamma filer är lika (eller skiljer bara i flyktiga nycklar)")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
