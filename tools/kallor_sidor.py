"""One-off (issue 14): parameter sources cite SOU 2024:50 by printed page, not by line of the seed text.

    python tools/kallor_sidor.py [--skriv | --rest] [FIL.yaml …]   # default: data/regelverk/*/ and data/gleshet/

Users have the printed SOU, not our seed file. For every ``source`` and ``reason`` (and the citations of
``arver.parametrar`` in a law's ``lag.yaml``) this

* rewrites seed-line citations to pages with ``../shared/spec/sou2024_50_sidor.csv`` (the first seed line of each
  printed page): ``L1441–L1453`` → ``SOU 2024:50 s. 53``, ``L949, L987`` → ``SOU 2024:50 s. 60, 62`` (wrapped in
  parentheses where the text was not already inside some); ``002:L160`` / ``seed002:102`` / ``seed 002`` (the
  current förordning, SFS 2023:683) → ``SFS 2023:683, bilaga`` (dropped where the text already names it);
* removes the internal references (``OPEN-n``, ``SPEC §…``, ``docs/….md``, code paths) and tidies the punctuation
  they leave;
* keeps the paragraph references and the rest of the text, and moves the original text into the leaf's ``note``
  (internal: never shown to users; an existing note is kept after it).

Run once over data/ (issue 14); the sources that still read English after it were then written in Swedish by
hand, naming the law of a bare paragraph ("6 a §" → "Förordning 2004:881 6 a §"), with the original again in the
note. tests/test_utdata_texter.py keeps data/ clean: this script finds nothing left to change.

The file is edited in place as text (positions from the YAML composer), so comments, key order and flow style stay
as written. Without ``--skriv`` it only prints what it would change. ``--rest`` lists the sources that still read
English or cite no page after the rewrite (the ones to write by hand). Running it again changes nothing: a source
without seed lines or internal references is left alone.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SIDOR = ROOT.parent / "shared" / "spec" / "sou2024_50_sidor.csv"
STANDARD = sorted([*(ROOT / "data" / "regelverk").glob("*/*.yaml"), *(ROOT / "data" / "gleshet").glob("*.yaml")])

#: A seed line of SOU 2024:50 (``L1234``) and a range of them (``L1234–L1250``, ``L1234-1250``).
_RAD = r"L(\d{3,5})(?:\s*[–-]\s*L?(\d{3,5}))?"
#: Several, listed: ``L949, L987``, ``L1519–L1521, L1655 och L1777``.
RADER = re.compile(rf"{_RAD}(?:(?:,\s*|\s+och\s+|\s+and\s+){_RAD})*")
#: The current förordning's bilaga (SFS 2023:683) as seed 002: ``002:L160``, ``002:L144–L154``, ``seed002:102``.
SFS_RAD = re.compile(r"(?:seed\s?002:|002:)L?\d+(?:\s*[–-]\s*(?:002:)?L?\d+)?|seed\s?002\b")
#: Internal references that never reach a user.
INTERNA = [
    re.compile(r"\bSPEC\s*(?:OPEN-\d+|§\s*[\d.]+(?:\s*item\s*\d+)?)"),
    re.compile(r"\bOPEN-\d+(?:\s*\((?:part|del)\))?"),
    re.compile(r"\bSPEC\b"),
    re.compile(r"\bdocs/decisions\.md(?:,\s*\"[^\"]*\")?"),  # docs/validation.md may be cited
    re.compile(r"\b(?:engine|geo|pipelines)/[\w/]+\.py\b"),
    re.compile(r"\bseed\s?\d{3}(?::L?\d+(?:\s*[–-]\s*L?\d+)?)?"),
]
#: Words that only English text has (the sources still to be written in Swedish by hand).
ENGELSKA = re.compile(
    r"\b(the|is|are|not|of|which|with|from|only|gives|given|chapter|table|value|current|proposal|"
    r"as|this|that|by|and|per cent|here|where|when|see|used|uses|each|every)\b"
)


@lru_cache(maxsize=1)
def _sidtabell(fil: Path = SIDOR) -> tuple[list[int], list[int]]:
    with open(fil, encoding="utf-8") as f:
        rader = sorted((int(r["forsta_rad"]), int(r["sida"])) for r in csv.DictReader(f))
    return [r for r, _ in rader], [s for _, s in rader]


def sida(rad: int) -> int:
    """The printed page of SOU 2024:50 on which seed line ``rad`` stands."""
    forsta, sidor = _sidtabell()
    i = bisect.bisect_right(forsta, rad) - 1
    if i < 0:
        raise ValueError(f"rad {rad} ligger före SOU 2024:50:s första sida i {SIDOR}")
    return sidor[i]


def _sidor(match: re.Match) -> list[tuple[int, int]]:
    """(first page, last page) of every range in a matched list of seed lines."""
    out = []
    for m in re.finditer(_RAD, match.group(0)):
        a = int(m.group(1))
        b = int(m.group(2)) if m.group(2) else a
        if b < a:  # "L1234–56": the short form of a range
            b = int(str(a)[: len(str(a)) - len(str(b))] + str(b))
        out.append((sida(a), sida(b)))
    return out


def _sidtext(spann: list[tuple[int, int]]) -> str:
    """``s. 53``, ``s. 53–54``, ``s. 60, 62``: ranges merged where they meet, in order of first appearance."""
    delar: list[list[int]] = []
    for a, b in spann:
        for d in delar:
            if a <= d[1] + 1 and b >= d[0] - 1:
                d[0], d[1] = min(a, d[0]), max(b, d[1])
                break
        else:
            delar.append([a, b])
    return "s. " + ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in delar)


def _inom_parentes(text: str, pos: int) -> bool:
    return text.count("(", 0, pos) > text.count(")", 0, pos)


def till_sidor(text: str) -> str:
    """Seed lines → printed pages (SOU 2024:50) and SFS 2023:683's bilaga; internal references removed."""
    har_sfs = "SFS 2023:683" in text
    text = SFS_RAD.sub("" if har_sfs else "SFS 2023:683, bilaga", text)
    ut, last = [], 0
    for m in RADER.finditer(text):
        cit = "SOU 2024:50 " + _sidtext(_sidor(m))
        if re.search(r"SOU 2024:50\s*$", text[last : m.start()]):  # "SOU 2024:50 L1234" already names the work
            cit = cit.removeprefix("SOU 2024:50 ")
        ut += [text[last : m.start()], cit if _inom_parentes(text, m.start()) else f"({cit})"]
        last = m.end()
    text = "".join([*ut, text[last:]])
    for p in INTERNA:
        text = p.sub("", text)
    return stada(text)


def stada(text: str) -> str:
    """Tidy what removed references leave: empty parentheses, doubled separators, a citation twice in a row."""
    for _ in range(4):
        text = re.sub(r"\(\s*[;,]?\s*\)", "", text)
        text = re.sub(r"\(\s*[;,]\s*", "(", text)
        text = re.sub(r"\s*[;,]\s*\)", ")", text)
        text = re.sub(r"\s*;\s*;\s*", "; ", text)
        text = re.sub(r"\s*,\s*,\s*", ", ", text)
        text = re.sub(r"\s+([,;:.)])", r"\1", text)
        text = re.sub(r"\(\s+", "(", text)
        text = re.sub(r"[ \t]{2,}", " ", text)
        text = re.sub(r"(SOU 2024:50 s\. [\d–, ]+?)(?:[;,] \1)+(?=[);]|$)", r"\1", text)
        text = re.sub(r"\((SOU 2024:50 s\. [\d–, ]+)\)\s*\(\1\)", r"(\1)", text)
        # "SOU 2024:50 s. 297 (SOU 2024:50 s. 297)", "(s. 661, SOU 2024:50 s. 661)": the page was already given
        text = re.sub(r"(SOU 2024:50 s\. ([\d–]+)) \(SOU 2024:50 s\. \2\)", r"\1", text)
        text = re.sub(r"((?:SOU 2024:50 )?s\. ([\d–]+))[;,] SOU 2024:50 s\. \2(?=[);]|$)", r"\1", text)
        text = re.sub(r"\s*[—–-]\s*$", "", text)
        text = re.sub(r"[:;,]\s*$", "", text)
    return text.strip()


def intern(text: str) -> bool:
    """``text`` cites seed lines or internal references (OPEN-n, SPEC, docs/, seed 002)."""
    return bool(RADER.search(text) or SFS_RAD.search(text) or any(p.search(text) for p in INTERNA))


# -- YAML text surgery ------------------------------------------------------------------------------------------


@dataclass
class Kalla:
    """A citation as written: its text, where its scalar stands in the file and where a ``note`` goes."""

    sokvag: str
    nyckel: str  #: "source", "reason" or "citat" (a value of arver.parametrar)
    text: str
    start: int
    slut: int
    karta: yaml.MappingNode | None  #: the mapping holding it (None for an arver citation)
    not_nod: yaml.ScalarNode | None


def _skalar(node) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def kallor(fil: Path) -> Iterator[Kalla]:
    """Every ``source`` / ``reason`` in ``fil`` (and the citations of ``arver.parametrar``)."""
    rot = yaml.compose(fil.read_text(encoding="utf-8"))

    def gå(node, sokvag: str) -> Iterator[Kalla]:
        if not isinstance(node, yaml.MappingNode):
            return
        par = {_skalar(k): (k, v) for k, v in node.value}
        for nyckel in ("source", "reason"):
            if nyckel in par and isinstance(par[nyckel][1], yaml.ScalarNode):
                v = par[nyckel][1]
                not_nod = par.get("note", (None, None))[1]
                yield Kalla(sokvag, nyckel, v.value, v.start_mark.index, v.end_mark.index, node, not_nod)
        for k, v in node.value:
            namn = _skalar(k)
            if namn in ("source", "reason", "note"):
                continue
            under = f"{sokvag}.{namn}" if sokvag else str(namn)
            if under == "arver.parametrar" and isinstance(v, yaml.MappingNode):
                for pk, pv in v.value:
                    if isinstance(pv, yaml.ScalarNode):
                        yield Kalla(
                            f"arver:{pk.value}", "citat", pv.value, pv.start_mark.index, pv.end_mark.index, None, None
                        )
                    else:
                        yield from gå(pv, f"arver:{pk.value}")
            else:
                yield from gå(v, under)

    yield from gå(rot, "")


def _citerad(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def andringar(fil: Path, ny_text) -> list[tuple[int, int, str]]:
    """(start, end, replacement) edits of ``fil``: each citation ``k`` whose ``ny_text(k)`` differs from its text
    gets the new text, and the old one goes to the leaf's note (before an existing note). An arver citation
    becomes ``{source: …, note: …}``."""
    text = fil.read_text(encoding="utf-8")
    ut = []
    for k in kallor(fil):
        ny = ny_text(k)
        if ny is None or ny == k.text:
            continue
        if k.karta is None:
            ut.append((k.start, k.slut, f"{{source: {_citerad(ny)}, note: {_citerad(k.text)}}}"))
            continue
        ut.append((k.start, k.slut, _citerad(ny)))
        if k.not_nod is not None:
            gammal = k.not_nod.value
            ut.append((k.not_nod.start_mark.index, k.not_nod.end_mark.index, _citerad(f"{k.text} — {gammal}")))
        elif k.karta.flow_style:
            ut.append((k.slut, k.slut, f", note: {_citerad(k.text)}"))
        else:
            nyckel_nod = next(n for n, v in k.karta.value if _skalar(n) == k.nyckel)
            indrag = " " * nyckel_nod.start_mark.column
            radslut = text.index("\n", k.slut) if "\n" in text[k.slut :] else len(text)
            ut.append((radslut, radslut, f"\n{indrag}note: {_citerad(k.text)}"))
    return ut


def tillampa(fil: Path, edits: list[tuple[int, int, str]]) -> None:
    text = fil.read_text(encoding="utf-8")
    for start, slut, ny in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + ny + text[slut:]
    yaml.safe_load(text)  # still YAML
    fil.write_text(text, encoding="utf-8")


def mekanisk(k: Kalla) -> str | None:
    """The rewrite of one citation: pages for seed lines, internal references removed; None when it has none."""
    return till_sidor(k.text) if intern(k.text) else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("filer", nargs="*", type=Path, default=STANDARD)
    ap.add_argument("--skriv", action="store_true", help="skriv ändringarna (annars visas de bara)")
    ap.add_argument("--rest", action="store_true", help="lista källor som ännu är engelska eller saknar sida")
    a = ap.parse_args(argv)
    if not SIDOR.is_file():
        print(f"{SIDOR} saknas", file=sys.stderr)
        return 2
    for fil in a.filer:
        if a.rest:
            for k in kallor(fil):
                if ENGELSKA.search(k.text) or intern(k.text):
                    print(f"{fil.relative_to(ROOT)}\t{k.sokvag}\t{k.nyckel}\t{k.text}")
            continue
        edits = andringar(fil, mekanisk)
        for k in kallor(fil):
            ny = mekanisk(k)
            if ny is not None and ny != k.text:
                print(f"{fil.relative_to(ROOT)} {k.sokvag}:\n  - {k.text}\n  + {ny}")
        if a.skriv and edits:
            tillampa(fil, edits)
    return 0


if __name__ == "__main__":
    sys.exit(main())
