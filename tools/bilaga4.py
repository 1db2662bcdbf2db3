"""SOU 2024:50 Bilaga 4 "Samlade effekter av kommitténs förslag" → data/bilaga4/*.csv.

    python tools/bilaga4.py --seed PATH/TO/004_c4a43abe74ea2139.txt --ut data/bilaga4

A one-off transcriber kept for reproducibility (tests/test_bilaga4.py reruns it on the seed); not installed.

The seed is the flattened PDF text of SOU 2024:50. In Bilaga 4 every table row is a name (kommun, region, län
heading or "Finansiering") followed by numbers spread over one or more lines; repeated page headers interrupt
the tables. Numbers use a space as thousands separator, so "14 654 607 2 951 -423" is ambiguous as printed.

How it works (deterministic, no guessing):
1. The seven tables are located by their titles (the second occurrence; the first is the index of tables) and
   end at the next table title or at "Bilaga 4"/"Bilaga 5" page furniture.
2. Every line that starts with something other than a known name or a number opens a header block; all lines
   up to the next named row are header (this also swallows the year lines "2025", "2028" of tables 3–5). Each
   distinct header block is compared with the expected header text below: a different header fails the run.
3. A row's numeric lines are split into tokens; every way of grouping tokens into numbers ("-1 331" = -1331,
   a thousands group is exactly three digits, a number never spans a line break, at most one thousands group)
   is enumerated, and only groupings with the table's column count that satisfy the table's arithmetic
   identities (row sums etc., see ``TABLES``) are kept. Exactly one must remain, otherwise the run fails
   (or a manual fix from ``MANUAL_FIXES`` is applied, each listed in the README).
4. Constants used by the identities (e.g. the uniform regleringspost förslag that the table does not print)
   are estimated in a first pass from rows whose grouping is already unique by column count, and reported.
5. Names are matched to data/kommuner.csv / data/regioner.csv; län headings give each kommun its län, which
   must equal the register's.

Writes tabell1…7 CSVs, finansiering.csv (the "Finansiering" rows of tables 3–5) and parse_report.json.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import re
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOL = 2  # kr per invånare, rounding tolerance of the printed tables

# Manual fixes: {seed line: replacement text of that line}. Empty: every row resolved by the identities.
MANUAL_FIXES: dict[int, str] = {}

# Numbers printed outside any row, accepted only at these lines (everything else fails the run).
KNOWN_ORPHANS: dict[int, str] = {
    40733: "Tabell 4: '0' right after the heading 'Skåne län', before the first Skåne row (Bjuv)",
    40735: "Tabell 4: '-26' right after it; no row lacks values (290/290 complete and consistent), so the pair is "
    "dropped: it reads like a row with total förändring 0 (0 − 26 financing = −26) without a name",
}

LAN_ALIASES = {"Dalarna län": "Dalarnas län"}  # as printed in the tables → register name
REGION_ALIASES = {"Gotland": "Gotlands kommun"}  # as printed in tables 2, 5, 7 → data/regioner.csv


@dataclass
class Table:
    key: str
    title: str  # printed title prefix
    out: str
    entity: str  # "kommun" or "region"
    columns: list[str]
    header: str  # expected header text (header lines joined by " | ")
    finansiering: list[str] | None = None  # columns the Finansiering row covers, in printed order
    check: Callable[[list[int], dict], bool] | None = None
    estimate: Callable[[list[list[int]]], dict] | None = None  # constants from first-pass rows
    structural: Callable[[list[int]], bool] | None = None  # identities needing no constants


def _close(a: float, b: float, tol: int = TOL) -> bool:
    return abs(a - b) <= tol


# ---------------------------------------------------------------- tabell 1 / 2
T1_COLS = [
    "inkomstutjamning_forslag",
    "inkomstutjamning_forandring",
    "kostnadsutjamning_forslag",
    "kostnadsutjamning_forandring",
    "efterslapning_forslag",
    "svagt_befolkningsunderlag_forslag",
    "fast_inforandebidrag_forslag",
    "svagt_befolkningsunderlag_och_fast_inforandebidrag_forandring",
    "regleringspost_forandring",
    "totalt_forslag",
    "totalt_forandring",
]
T1_FORSLAG = [
    "inkomstutjamning_forslag",
    "kostnadsutjamning_forslag",
    "efterslapning_forslag",
    "svagt_befolkningsunderlag_forslag",
    "fast_inforandebidrag_forslag",
]
T1_FORANDRING = [
    "inkomstutjamning_forandring",
    "kostnadsutjamning_forandring",
    "efterslapning_forslag",
    "svagt_befolkningsunderlag_och_fast_inforandebidrag_forandring",
    "regleringspost_forandring",
]

T2_COLS = [
    "inkomstutjamning_forslag",
    "inkomstutjamning_forandring",
    "kostnadsutjamning_forslag",
    "kostnadsutjamning_forandring",
    "efterslapning_forslag",
    "fast_inforandebidrag_forslag",
    "fast_inforandebidrag_forandring",
    "regleringspost_forandring",
    "totalt_forslag",
    "totalt_forandring",
]
T2_FORSLAG = [
    "inkomstutjamning_forslag",
    "kostnadsutjamning_forslag",
    "efterslapning_forslag",
    "fast_inforandebidrag_forslag",
]
T2_FORANDRING = [
    "inkomstutjamning_forandring",
    "kostnadsutjamning_forandring",
    "efterslapning_forslag",
    "fast_inforandebidrag_forandring",
    "regleringspost_forandring",
]


def _sums(cols, forslag, forandring):
    ix = {c: i for i, c in enumerate(cols)}

    def forandring_ok(v):
        return _close(sum(v[ix[c]] for c in forandring), v[ix["totalt_forandring"]])

    def forslag_rest(v):  # totalt förslag − Σ printed förslag columns = the unprinted regleringspost förslag
        return v[ix["totalt_forslag"]] - sum(v[ix[c]] for c in forslag)

    def estimate(rows):
        return {"regleringspost_forslag": round(statistics.median(forslag_rest(v) for v in rows if forandring_ok(v)))}

    def check(v, p):
        return forandring_ok(v) and _close(forslag_rest(v), p["regleringspost_forslag"])

    return forandring_ok, estimate, check


_t1s, _t1e, _t1c = _sums(T1_COLS, T1_FORSLAG, T1_FORANDRING)
_t2s, _t2e, _t2c = _sums(T2_COLS, T2_FORSLAG, T2_FORANDRING)

# ---------------------------------------------------------------- tabell 3
T3_YEARS = [2024, 2025, 2026, 2027, 2028, 2029]
T3_COLS = ["utfall", "forandring"] + [f"inforandebidrag_{y}" for y in T3_YEARS]


def _nonincreasing_nonneg(xs):
    return all(x >= 0 for x in xs) and all(a >= b for a, b in itertools.pairwise(xs))


def _t3_struct(v):
    return _nonincreasing_nonneg(v[2:])


def _t3_est(rows):  # införandebidrag 2024 = max(0, −förändring − k)
    return {"k": round(statistics.median(-v[1] - v[2] for v in rows if _t3_struct(v) and v[2] > 0))}


def _t3_check(v, p):
    return _t3_struct(v) and _close(v[2], max(0, -v[1] - p["k"]), 1)


# ---------------------------------------------------------------- tabell 4 / 5
T4_COLS = (
    ["total_forandring", "fast_inforandebidrag", "total_forandring_efter_fast_inforandebidrag"]
    + [f"inforandebidrag_del1_{y}" for y in (2024, 2025, 2026, 2027)]
    + [f"inforandebidrag_del2_{y}" for y in (2024, 2025, 2026)]
)
T5_COLS = [
    "total_forandring",
    "fast_inforandebidrag",
    "total_forandring_efter_fast_inforandebidrag",
    "inforandebidrag_2024",
    "inforandebidrag_2025",
]


def _t45_struct(ndel1):
    def s(v):
        ok = v[1] >= 0 and _nonincreasing_nonneg(v[3 : 3 + ndel1])
        if len(v) > 3 + ndel1:
            ok = ok and _nonincreasing_nonneg(v[3 + ndel1 :])
        return ok

    return s


def _t45_est(ndel1):
    s = _t45_struct(ndel1)

    def e(rows):
        ok = [v for v in rows if s(v)]
        return {
            # total förändring efter fast införandebidrag = total förändring + fast införandebidrag − finansiering
            "finansiering_fast": round(statistics.median(v[0] + v[1] - v[2] for v in ok)),
            # införandebidrag (del 1) 2024 = max(0, k − total förändring efter fast)
            "k": round(statistics.median(v[3] + v[2] for v in ok if v[3] > 0)),
        }

    return e


def _t45_check(ndel1):
    s = _t45_struct(ndel1)

    def c(v, p):
        return s(v) and _close(v[0] + v[1] - p["finansiering_fast"], v[2], 1) and _close(v[3], max(0, p["k"] - v[2]), 1)

    return c


# ---------------------------------------------------------------- tabell 6 / 7
T6_COLS = [
    "forskoleverksamhet_och_skolbarnomsorg",
    "forskoleklass_och_grundskola",
    "gymnasieskola",
    "kommunal_vuxenutbildning",
    "individ_och_familjeomsorg",
    "aldreomsorg",
    "politisk_verksamhet",
    "gator_och_vagar",
    "raddningstjanst",
    "befolkningsminskning",
    "fastigheter",
    "kollektivtrafik",
    "totalt",
]
T7_COLS = ["halso_och_sjukvard", "kollektivtrafik", "standardkostnad_totalt", "befolkningsforandringar_utgar", "totalt"]


T6_TOL = 6  # twelve rounded components: |Σ − totalt| ≤ 12 × 0.5


def _t6_check(v, p):
    return _close(sum(v[:-1]), v[-1], T6_TOL)


def _t7_check(v, p):
    return _close(v[0] + v[1], v[2]) and _close(v[2] + v[3], v[4])


HDR_T1 = (
    "Inkomstutjämning Kostnadsutjämning Eftersläpning Svagt befolkningsunderlag | Del av fast införandebidrag"
    " | Regleringspost | Totalt | Förslag Förändring Förslag Förändring Förslag/ | Förändring"
    " | Förslag Förslag Förändring Förändring Förslag Förändring"
)
TABLES = [
    Table(
        "tabell1",
        "Tabell 1 Effekter för kommuner, exkl. införandebidrag, utjämningsåret 2024",
        "tabell1_kommuner.csv",
        "kommun",
        T1_COLS,
        HDR_T1,
        check=_t1c,
        estimate=_t1e,
        structural=_t1s,
    ),
    Table(
        "tabell2",
        "Tabell 2 Effekter för regioner, exkl. införandebidrag, utjämningsåret 2024",
        "tabell2_regioner.csv",
        "region",
        T2_COLS,
        "Region Inkomstutjämning Kostnadsutjämning Ersättning för eftersläpning | Del av fast införandebidrag"
        " | Regleringpost | Totalt"
        " | Förslag Förändring Förslag Förändring Förslag Förslag Förändring Förändring Förslag Förändring",
        check=_t2c,
        estimate=_t2e,
        structural=_t2s,
    ),
    Table(
        "tabell3",
        "Tabell 3 Införandebidrag förändring och utfall för LSS-utjämningen",
        "tabell3_lss_inforande.csv",
        "kommun",
        T3_COLS,
        "Kommun | Utfall Förändring Införandebidrag 2024 | 2025 | 2026 2027 | 2028 | 2029",
        finansiering=[f"inforandebidrag_{y}" for y in T3_YEARS],
        check=_t3_check,
        estimate=_t3_est,
        structural=_t3_struct,
    ),
    Table(
        "tabell4",
        "Tabell 4 Införandebidrag och fast tillägg för kommuner",
        "tabell4_kommuner_inforande.csv",
        "kommun",
        T4_COLS,
        "Kommun Total förändring Fast införandebidrag | Total förändring efter fast inf."
        " | Införandebidrag del 1 Införandebidrag del 2 | År | 2024 2025 2026 2027 2024 2025 2026",
        finansiering=T4_COLS[1:2] + T4_COLS[3:],
        check=_t45_check(4),
        estimate=_t45_est(4),
        structural=_t45_struct(4),
    ),
    Table(
        "tabell5",
        "Tabell 5 Införandebidrag och fast tillägg för regioner",
        "tabell5_regioner_inforande.csv",
        "region",
        T5_COLS,
        "Region | Total förändring | Fast införandebidrag | Total förändring efter fast inf. | Införandebidrag"
        " | År | 2024 2025",
        finansiering=T5_COLS[1:2] + T5_COLS[3:],
        check=_t45_check(2),
        estimate=_t45_est(2),
        structural=_t45_struct(2),
    ),
    Table(
        "tabell6",
        "Tabell 6 Förändring kostnadsutjämning per delmodell för kommuner",
        "tabell6_delmodeller_kommuner.csv",
        "kommun",
        T6_COLS,
        "Förskoleverksamhet och skolbarnomsorg | Förskoleklass och grundskola | Gymnasieskola"
        " | Kommunal vuxenutbildning | Individ- och familjeomsorg | Äldreomsorg | Politisk verksamhet"
        " | Gator och vägar | Räddningstjänst | Befolkningsminskning | Fastigheter | Kollektivtrafik | Totalt",
        check=_t6_check,
    ),
    Table(
        "tabell7",
        "Tabell 7 Förändring kostnadsutjämning per delmodell för regioner",
        "tabell7_delmodeller_regioner.csv",
        "region",
        T7_COLS,
        "Region Standardkostnad Strukturkostnad | Utgår Totalt | Hälso- och sjukvård | Kollektivtrafik"
        " | Befolkningförändringar",
        check=_t7_check,
    ),
]

NUM_TOKEN = re.compile(r"^[-–]?\d+$")
HEAD = re.compile(r"^[-–]?(0|[1-9]\d{0,2})$")
GROUP = re.compile(r"^\d{3}$")


def line_groupings(tokens: list[str]) -> list[list[int]]:
    """All ways to read one printed line of number tokens as numbers (at most one thousands group each)."""
    out: list[list[int]] = []

    def rec(i: int, acc: list[int]):
        if i == len(tokens):
            out.append(list(acc))
            return
        t = tokens[i]
        if not HEAD.match(t):
            return
        neg = t[0] in "-–"
        digits = t.lstrip("-–")
        acc.append(-int(digits) if neg else int(digits))
        rec(i + 1, acc)
        acc.pop()
        if digits != "0" and i + 1 < len(tokens) and GROUP.match(tokens[i + 1]):
            val = int(digits) * 1000 + int(tokens[i + 1])
            acc.append(-val if neg else val)
            rec(i + 2, acc)
            acc.pop()

    rec(0, [])
    return out


def row_groupings(lines: list[list[str]], n: int) -> list[list[int]]:
    per_line = [line_groupings(t) for t in lines]
    res: list[list[int]] = []

    def rec(i: int, acc: list[int]):
        if len(acc) > n:
            return
        if i == len(per_line):
            if len(acc) == n:
                res.append(list(acc))
            return
        for g in per_line[i]:
            rec(i + 1, acc + g)

    rec(0, [])
    return res


@dataclass
class Row:
    name: str
    line: int
    numlines: list[tuple[int, list[str]]] = field(default_factory=list)
    lan: str | None = None


def load_register():
    with open(ROOT / "data" / "kommuner.csv", encoding="utf-8") as f:
        kommuner = list(csv.DictReader(f))
    with open(ROOT / "data" / "regioner.csv", encoding="utf-8") as f:
        regioner = list(csv.DictReader(f))
    return kommuner, regioner


def locate(lines: list[str]) -> dict[str, tuple[int, int]]:
    """0-based [start, end) of each table."""
    starts = {}
    for t in TABLES:
        hits = [i for i, s in enumerate(lines) if s.strip().startswith(t.title)]
        if len(hits) != 2:
            raise SystemExit(
                f"{t.key}: expected the title twice (index + table), found at lines {[h + 1 for h in hits]}"
            )
        starts[t.key] = hits[1]
    order = [starts[t.key] for t in TABLES]
    if order != sorted(order):
        raise SystemExit("tables not in order 1..7")
    spans = {}
    for j, t in enumerate(TABLES):
        end = order[j + 1] if j + 1 < len(order) else len(lines)
        for i in range(order[j] + 1, end):
            if lines[i].strip().startswith(("Bilaga 4", "Bilaga 5")):
                end = i
                break
        spans[t.key] = (order[j], end)
    return spans


def split_rows(lines, start, end, names: list[str], lans: set[str]):
    """Rows (name, start line, numeric lines) and the distinct header blocks of one table."""
    names_tokens = sorted((n.split() for n in names + ["Finansiering"]), key=len, reverse=True)
    multi: list[tuple[int, list[str]]] = []
    rows: list[Row] = []
    headers: list[tuple[int, list[str]]] = []
    cur: Row | None = None
    orphans: list[tuple[int, str]] = []
    in_header = False
    lan = None
    for i in range(start, end):
        lineno = i + 1
        s = MANUAL_FIXES.get(lineno, lines[i]).strip()
        if not s:
            continue
        if s in lans or s in LAN_ALIASES:
            lan = LAN_ALIASES.get(s, s)
            cur, in_header = None, False
            continue
        segs = segments(s, names_tokens)
        if segs is not None:
            if len(segs) > 1:
                multi.append((lineno, [n for n, _ in segs]))
            for name, rest in segs:
                cur = Row(name, lineno, lan=lan)
                rows.append(cur)
                if rest:
                    cur.numlines.append((lineno, rest))
            in_header = False
            continue
        toks = s.split()
        if not in_header and all(NUM_TOKEN.match(t) for t in toks):
            if cur is None:
                if lineno not in KNOWN_ORPHANS:
                    raise SystemExit(f"L{lineno}: numbers outside a row: {s!r}")
                orphans.append((lineno, s))
                continue
            cur.numlines.append((lineno, toks))
            continue
        if not in_header:
            headers.append((lineno, []))
            in_header = True
            cur = None
        headers[-1][1].append(s)
    return rows, headers, orphans, multi


def segments(s: str, names_tokens: list[list[str]]):
    """A line that is one or more '<name> <numbers…>' segments → [(name, number tokens)], else None.
    (Some lines of table 6 carry several kommun rows.)"""
    toks = s.split()
    out: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(toks):
        m = next((nt for nt in names_tokens if toks[i : i + len(nt)] == nt), None)
        if m is not None and (i == 0 or NUM_TOKEN.match(toks[i - 1])):
            out.append((" ".join(m), []))
            i += len(m)
            continue
        if not out or not NUM_TOKEN.match(toks[i]):
            return None
        out[-1][1].append(toks[i])
        i += 1
    return out or None


def parse_table(t: Table, rows: list[Row]) -> tuple[list[tuple[Row, list[int]]], dict, list[dict]]:
    notes = []
    cands = {
        id(r): row_groupings(
            [toks for _, toks in r.numlines], len(t.finansiering) if r.name == "Finansiering" else len(t.columns)
        )
        for r in rows
    }
    data_rows = [r for r in rows if r.name != "Finansiering"]
    params: dict = {}
    if t.estimate:
        first = [cands[id(r)][0] for r in data_rows if len(cands[id(r)]) == 1]
        if t.structural:
            first = [v for v in first if t.structural(v)]
        params = t.estimate(first)
    out = []
    for r in rows:
        c = cands[id(r)]
        if r.name != "Finansiering" and t.check:
            c = [v for v in c if t.check(v, params)]
        if len(c) != 1:
            raise SystemExit(
                f"{t.key} L{r.line} {r.name}: {len(c)} groupings satisfy the identities "
                f"(text {[' '.join(x) for _, x in r.numlines]}): add a MANUAL_FIXES entry"
            )
        if len(cands[id(r)]) > 1:
            notes.append({"line": r.line, "name": r.name, "groupings_by_count": len(cands[id(r)])})
        out.append((r, c[0]))
    return out, params, notes


CROSS = [  # (table, column, table, column, largest |difference| accepted)
    ("tabell4", "total_forandring", "tabell1", "totalt_forandring", 1),
    ("tabell6", "totalt", "tabell1", "kostnadsutjamning_forandring", 2),
    ("tabell5", "total_forandring", "tabell2", "totalt_forandring", 1),
    ("tabell7", "totalt", "tabell2", "kostnadsutjamning_forandring", 1),
]


def cross_checks(parsed_all: dict) -> list[dict]:
    """The same quantity printed in two tables must agree within rounding (row by row, same order)."""
    out = []
    for ta, ca, tb, cb, tol in CROSS:
        (ha, ra), (hb, rb) = parsed_all[ta], parsed_all[tb]
        diffs = [a[ha.index(ca)] - b[hb.index(cb)] for a, b in zip(ra, rb)]
        counts = {str(d): diffs.count(d) for d in sorted(set(diffs))}
        if len(ra) != len(rb) or any(abs(d) > tol for d in diffs):
            raise SystemExit(f"cross check {ta}.{ca} − {tb}.{cb}: differences {counts}")
        out.append({"check": f"{ta}.{ca} - {tb}.{cb}", "differences": counts})
    return out


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def run(seed: Path, ut: Path) -> dict:
    lines = seed.read_text(encoding="utf-8").split("\n")
    kommuner, regioner = load_register()
    lans = {k["lan"] for k in kommuner}
    spans = locate(lines)
    ut.mkdir(parents=True, exist_ok=True)
    report: dict = {
        "seed": seed.name,
        "tolerance_kr": TOL,
        "manual_fixes": {str(k): v for k, v in MANUAL_FIXES.items()},
        "tables": {},
    }
    fin_rows = []
    parsed_all = {}
    for t in TABLES:
        a, b = spans[t.key]
        reg = kommuner if t.entity == "kommun" else regioner
        names = [k[t.entity] for k in reg]
        if t.entity == "region":
            printed = {v: k for k, v in REGION_ALIASES.items()}
            names = [printed.get(n, n) for n in names]
        rows, headers, orphans, multi = split_rows(lines, a, b, names, lans if t.entity == "kommun" else set())
        # header check: the first block is the title + "Kronor per invånare" (+ the column header when it
        # is printed before the first row); every later block is a repeated page header = the column header
        col_header = t.header
        blocks = [" | ".join(h) for _, h in headers]
        title_block = blocks[0]
        if not (title_block.startswith(t.title) and "Kronor per invånare" in title_block):
            raise SystemExit(f"{t.key}: unexpected title block {title_block!r}")
        title_rest = title_block.split("Kronor per invånare", 1)[1].lstrip(" |")
        for blk in [title_rest] + blocks[1:]:
            if blk and blk != col_header:
                raise SystemExit(f"{t.key}: unexpected header block {blk!r}\n expected {col_header!r}")
        if not title_rest and len(blocks) < 2:
            raise SystemExit(f"{t.key}: no column header found")
        parsed, params, notes = parse_table(t, rows)
        names_seen = [r.name for r, _ in parsed if r.name != "Finansiering"]
        if names_seen != names:
            missing = [n for n in names if n not in names_seen]
            extra = [n for n in names_seen if n not in names]
            raise SystemExit(
                f"{t.key}: rows do not match the register (missing {missing}, extra {extra}, or order differs)"
            )
        code_col = "kommun_kod" if t.entity == "kommun" else "region_kod"
        by_name = {k[t.entity]: k for k in reg}
        out_rows = []
        fin = [(r, v) for r, v in parsed if r.name == "Finansiering"]
        if fin:
            if any(v != fin[0][1] for _, v in fin):
                raise SystemExit(f"{t.key}: the repeated Finansiering rows differ: {[v for _, v in fin]}")
            for c, x in zip(t.finansiering, fin[0][1]):
                fin_rows.append([t.key, c, x, fin[0][0].line, len(fin)])
        for r, v in parsed:
            if r.name == "Finansiering":
                continue
            k = by_name[REGION_ALIASES.get(r.name, r.name) if t.entity == "region" else r.name]
            if t.entity == "kommun":
                if r.lan != k["lan"]:
                    raise SystemExit(f"{t.key} L{r.line} {r.name}: län heading {r.lan!r} ≠ register {k['lan']!r}")
                out_rows.append([k[code_col], r.name, k["lan"], *v, r.line])
            else:
                out_rows.append([k[code_col], k["region"], *v, r.line])
        head = [code_col, t.entity] + (["lan"] if t.entity == "kommun" else []) + t.columns + ["seed_line"]
        write_csv(ut / t.out, head, out_rows)
        parsed_all[t.key] = (head, out_rows)
        report["tables"][t.key] = {
            "file": t.out,
            "seed_lines": [a + 1, b],
            "rows": len(out_rows),
            "header_blocks": len(headers),
            "constants": params,
            "rows_ambiguous_by_count_resolved_by_identities": len(notes),
            "finansiering_row": any(r.name == "Finansiering" for r, _ in parsed),
            "lines_with_several_rows": {str(n): names for n, names in multi},
            "dropped_orphan_lines": {str(n): txt for n, txt in orphans},
        }
    write_csv(ut / "finansiering.csv", ["tabell", "kolumn", "belopp", "seed_line", "upprepningar"], fin_rows)
    report["cross_table_checks"] = cross_checks(parsed_all)
    (ut / "parse_report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python tools/bilaga4.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", required=True, type=Path, help="SOU 2024:50 text (seed 004)")
    ap.add_argument("--ut", required=True, type=Path, help="output directory, e.g. data/bilaga4")
    a = ap.parse_args(argv)
    rep = run(a.seed, a.ut)
    for k, v in rep["tables"].items():
        print(
            f"{k}: {v['rows']} rows (L{v['seed_lines'][0]}–L{v['seed_lines'][1]}), constants {v['constants']}, "
            f"{v['rows_ambiguous_by_count_resolved_by_identities']} resolved by identities"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
