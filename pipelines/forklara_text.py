"""`utjamning forklara` as text: the audit trail of one kommun or region (engine.forklara.explain_data) for a
person — first the posts (kr/inv and kronor, the total), then each del with its components, inputs, fasta index
values and parameters, then the notices.

Headings and units come from the one catalogue (pipelines/rubriker.py); numbers are in Swedish print, by kind:
whole kronor for amounts, four decimals for indices and factors, integers for counts of persons.
"""

from __future__ import annotations

import json
import math

from engine import schema
from engine.talformat import svenskt_tal
from pipelines import rubriker

NIVA = {"kommun": "kommunen", "region": "regionen", "lan": "länet", "riket": "riket"}
BREDD = 52  # width of a name column


def indata_decimaler(var) -> int | None:
    """Decimals of an input of the schema (engine/schema.py): kronor whole, shares four, percent two; None (counts
    as integers, other values four significant digits) otherwise."""
    if var is None:
        return None
    if var.kind == "share":
        return 4
    if var.kind == "percent":
        return 2
    return 0 if var.unit.startswith("kr") else None


def indata_tal(v, var) -> str:
    """An input value in Swedish print (:func:`indata_decimaler`)."""
    return svenskt_tal(v, indata_decimaler(var))


def parameter_varde(v) -> str:
    """A parameter's value as written in the law: numbers in full (Swedish print), lists and year series joined."""
    if isinstance(v, bool):
        return "ja" if v else "nej"
    if isinstance(v, int):
        return svenskt_tal(v, 0)
    if isinstance(v, float):
        if not math.isfinite(v):
            return "oändligt" if v > 0 else "minus oändligt"
        decimals = len(repr(v).split(".")[1]) if "." in repr(v) and "e" not in repr(v) else 0
        return svenskt_tal(v, min(decimals, 10))
    if isinstance(v, dict) and all(isinstance(x, (int, float)) for x in v.values()):
        return "; ".join(f"{k}: {parameter_varde(x)}" for k, x in v.items())
    if isinstance(v, list) and all(isinstance(x, (str, int, float)) for x in v):
        return ", ".join(parameter_varde(x) if not isinstance(x, str) else x for x in v)
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def _rad(namn: str, varde: str, enhet: str = "", bredd: int = BREDD) -> str:
    return f"  {namn:<{bredd}} {varde:>16}  {enhet}".rstrip()


def forklaring(d: dict) -> str:
    """The text of ``d`` = engine.forklara.explain_data(…)."""
    niva = d["niva"]
    reform = f", reformer: {', '.join(d['reformer'])}" if d["reformer"] else ""
    out = [f"# {d['namn']} ({d['kod']}) — utjämningsår {d['ar']}, regelverk {d['regelverk']}{reform}", ""]
    out += ["## Sammanfattning per post", "  Bidrag är positiva, avgifter negativa.", ""]
    out.append(f"  {'Post':<{BREDD}} {'kr/inv':>16}  {'kronor':>16}")
    for p in d["poster"]:
        kr = "" if p["kr"] is None else f"  {svenskt_tal(p['kr'], 0):>16}"
        out.append(f"  {rubriker.kolumn(p['kolumn']).namn:<{BREDD}} {svenskt_tal(p['kr_per_inv'], 0):>16}{kr}")
    out.append("")
    out += ["## Detaljer per del", ""]
    for del_ in d["delar"]:
        out += _del(del_, niva)
    if d["anmarkningar"]:
        out.append("## Anmärkningar")
        out += [f"  - {n}" for n in d["anmarkningar"]]
    return "\n".join(out).rstrip() + "\n"


def _komponent_namn(kolumn: str) -> str:
    namn = rubriker.kolumn(kolumn).namn
    return namn.split(": ", 1)[1][:1].upper() + namn.split(": ", 1)[1][1:] if ": " in namn else namn


def _del(del_: dict, niva: str) -> list[str]:
    out = [f"### {rubriker.DEL_NAMN.get(del_['del'], del_['del'].replace('_', ' ').capitalize())}"]
    for k in del_["komponenter"]:
        kol = rubriker.kolumn(k["kolumn"])
        namn = _komponent_namn(k["kolumn"]) + (f" ({k['paragraf']})" if k["paragraf"] else "")
        out.append(_rad(namn, rubriker.text(k["varde"], kol.slag), kol.enhet))
    if del_["indata"]:
        out += ["", "  Indata"]
        for r in del_["indata"]:
            var = schema.BY_NAME.get(r["variabel"])
            namn = f"{var.beskrivning if var else r['variabel']} ({r['niva']}.{r['variabel']})"
            if r["saknas"]:
                out.append(f"    {namn}: saknas i indata")
                continue
            riket = f"; riket {indata_tal(r['riket'], var)}" if r["riket"] is not None else ""
            avser = "" if r["niva"] == niva else f"; avser {NIVA.get(r['niva'], r['niva'])}"
            out.append(
                f"    {namn}: {indata_tal(r['varde'], var)} {r['enhet'] or ''}{riket}{avser}".rstrip()
                + (f" — {r['referens']}; {r['kalla']}" if var else "")
            )
    if del_["fasta_index"]:
        out += ["", "  Fasta index"]
        for r in del_["fasta_index"]:
            namn = rubriker.INDEX_NAMN.get(r["kolumn"], r["kolumn"])
            varde = "ej tillgänglig" if r["varde"] is None else svenskt_tal(r["varde"], 4)
            out.append(f"    {namn} ({r['kolumn']}): {varde} — {r['katalog']}")
    if del_["parametrar"]:
        out += ["", "  Parametrar (sökväg i en reform = värde, enhet — källa)"]
        for p in del_["parametrar"]:
            varde = parameter_varde(p["value"]) if "value" in p else "ej tillgänglig"
            kalla = p.get("source", p.get("reason", ""))
            out.append(f"    {p['sokvag']} = {varde} {p.get('unit', '')} — {kalla}".replace("  —", " —"))
    las = [k for k in del_["komponenter"] if k["indata"] or k["fasta_index"] or k["parametrar"]]
    if las:
        out += ["", "  Vad varje komponent läste"]
        for k in las:
            namn = _komponent_namn(k["kolumn"]) + (f" ({k['paragraf']})" if k["paragraf"] else "")
            out.append(f"    {namn}: {', '.join([*k['indata'], *k['fasta_index'], *k['parametrar']])}")
    return [*out, ""]
