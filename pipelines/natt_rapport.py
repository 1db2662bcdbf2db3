"""The HTML report of a nightly run: static, self-contained, Swedish, readable offline.

``korningar/<körning>/rapport/``:

* ``index.html`` — the run (time, configuration, code version, which steps were computed or reused), what changed
  since the previous good run (summary, the values beyond tolerance, the frozen measures), the maps, a sortable
  table of every kommun and län, and links to every data file of the run;
* ``kommun/<kod>.html`` — one page per kommun: its gleshet measures, its fasta index (recomputed and the
  reference table's value), the engine's explanation per rule set (first the summary per post, then every del
  with the inputs, fasta index values and parameters it read) and its changes;
* ``parametrar_<namn>.html`` — the parameters each rule set read, with unit and source;
* ``kartor/*.png`` — the maps (geo/karta.py).

No network: the CSS and the small table-sorting script are inline, the maps are PNG files beside the pages, every
link is relative. Numbers in Swedish print (space between thousands, decimal comma, integers as integers).
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from geo.karta import svenskt_tal
from pipelines import natt_andringar as na
from pipelines import rubriker
from pipelines.forklara_text import indata_decimaler
from pipelines.index_model import KARTA_UNDERTITEL, OMRAKNAT
from pipelines.natt_steg import sha256_json

#: The posts shown first on a kommun page, in the order of lag (2004:773) — those the rule set has — then the
#: LSS-utjämning of its own law (lag 2008:342).
#: The posts of a kommun page in the law's order, the totals last; their names come from the one catalogue
#: (pipelines/rubriker.py).
POSTER = (
    "inkomstutjamning.inkomstutjamning",
    "kostnadsutjamning.kostnadsutjamning",
    "strukturbidrag.strukturbidrag",
    "svagt_befolkningsunderlag.svagt_befolkningsunderlag",
    "efterslapning.efterslapning",
    "regleringspost.regleringspost",
    "utjamning.totalt",
    "lss.utjamning",
)
#: The tolerance classes (data/natt/standardvarden.toml) as the report names them.
TOLERANSKLASS = {
    "km": "km",
    "m": "m",
    "invanare": "invånare",
    "antal": "antal",
    "index": "index",
    "andel": "andel",
    "kr_per_inv": "kr/inv",
    "ovrigt": "övriga storheter",
}


def _decimaler(v) -> int:
    """Decimals that show a tolerance exactly (0,00005, not 0,0001)."""
    text = f"{float(v):.10f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


AVSER = {"kommun": "kommunen", "region": "regionen", "lan": "länet", "riket": "riket"}
MAX_RADER = 400  # rows of the beyond-tolerance table shown inline (the CSV has all)

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
header{background:#1f3a5f;color:#fff;padding:1rem 2rem}header a,header .liten{color:#cfe3ff}
main{padding:1rem 2rem;max-width:1400px}h1{margin:.2rem 0;font-size:1.5rem}h2{border-bottom:2px solid #1f3a5f;
padding-bottom:.2rem;margin-top:2rem}h3{margin-top:1.4rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;background:#fff;font-size:.9rem}
th,td{border:1px solid #d6d6d6;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#e8eef5}td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
table.sorterbar th{cursor:pointer;user-select:none}table.sorterbar th::after{content:" \\2195";color:#888}
table.sorterbar th[aria-sort=ascending]::after{content:" \\2191";color:#000}
table.sorterbar th[aria-sort=descending]::after{content:" \\2193";color:#000}
.obs{background:#fff4d6;border-left:4px solid #e0a800;padding:.5rem 1rem}.ok{background:#e6f4ea;
border-left:4px solid #2e7d32;padding:.5rem 1rem}.fel{background:#fde7e9;border-left:4px solid #c62828;padding:.5rem 1rem}
.kartor{display:flex;flex-wrap:wrap;gap:1rem}.kartor figure{margin:0;background:#fff;border:1px solid #ddd;padding:.5rem}
.kartor img{width:330px;height:auto;display:block}.kartor figcaption{max-width:330px;font-size:.85rem}
details{background:#fff;border:1px solid #ddd;margin:.4rem 0;padding:.3rem .8rem}summary{cursor:pointer;font-weight:600}
.liten{font-size:.85rem;color:#555}code{font-size:.85rem}input.filter{padding:.3rem;width:18rem}
"""  # noqa: E501 - minified CSS, one group of rules a line

JS = """
(function(){
  function varde(td){var v=td.getAttribute('data-v');if(v===null){return td.textContent.trim();}
    if(v===''){return null;}return parseFloat(v);}
  function sortera(th){
    var table=th.closest('table'),tbody=table.tBodies[0],i=Array.prototype.indexOf.call(th.parentNode.children,th);
    var asc=th.getAttribute('aria-sort')!=='ascending';
    Array.prototype.forEach.call(th.parentNode.children,function(h){h.removeAttribute('aria-sort');});
    th.setAttribute('aria-sort',asc?'ascending':'descending');
    var rows=Array.prototype.slice.call(tbody.rows);
    rows.sort(function(a,b){var x=varde(a.cells[i]),y=varde(b.cells[i]);
      if(x===null&&y===null){return 0;}if(x===null){return 1;}if(y===null){return -1;}
      var c=(typeof x==='number'&&typeof y==='number')?x-y:String(x).localeCompare(String(y),'sv');
      return asc?c:-c;});
    rows.forEach(function(r){tbody.appendChild(r);});
  }
  document.querySelectorAll('table.sorterbar th').forEach(function(th){
    th.addEventListener('click',function(){sortera(th);});});
  document.querySelectorAll('input.filter').forEach(function(inp){
    inp.addEventListener('input',function(){var q=inp.value.toLowerCase(),t=document.getElementById(inp.dataset.tabell);
      Array.prototype.forEach.call(t.tBodies[0].rows,function(r){
        r.style.display=r.textContent.toLowerCase().indexOf(q)>=0?'':'none';});});});
})();
"""


def e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def tal(v, decimaler: int | None = None, *, tecken: bool = False) -> str:
    return svenskt_tal(v, decimaler, tecken=tecken)


def _num(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def dec(enhet: str) -> int | None:
    """Decimals by unit: indices as in the published tables (four); other numbers by their size."""
    return 4 if enhet == "index" else None


def td_tal(v, decimaler: int | None = None, *, tecken: bool = False, sortering: bool = True) -> str:
    """A numeric cell: Swedish print; for sortable tables the raw value in data-v."""
    f = _num(v)
    sort = f' data-v="{"" if f is None else repr(f)}"' if sortering else ""
    return f'<td class="n"{sort}>{e(tal(f, decimaler, tecken=tecken))}</td>'


def tabell(headers: list[str], rows: list[list[str]], *, sorterbar: bool = True, id_: str | None = None) -> str:
    """``rows`` hold ready cells (``<td>…</td>``)."""
    cls = ' class="sorterbar"' if sorterbar else ""
    ident = f' id="{e(id_)}"' if id_ else ""
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "\n".join("<tr>" + "".join(r) + "</tr>" for r in rows)
    return f"<table{cls}{ident}><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"


def td(text: Any) -> str:
    return f"<td>{e(text)}</td>"


def sida(titel: str, rubrik: str, brodtext: str, *, under: str = "", djup: int = 0) -> str:
    up = "../" * djup
    return (
        f'<!DOCTYPE html>\n<html lang="sv"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="icon" href="data:,"><title>{e(titel)}</title><style>{CSS}</style></head>\n'
        f'<body><header><div class="liten"><a href="{up}index.html">Nattlig omräkning — översikt</a></div>'
        f"<h1>{e(rubrik)}</h1>{under}</header>\n<main>\n{brodtext}\n</main>\n<script>{JS}</script></body></html>\n"
    )


# --------------------------------------------------------------------------------------------------------------
# maps


def _mapped_quantities(run_dir: Path) -> list[dict]:
    """Which per-kommun quantities get a map: every threshold's medeldistans (avstand_<N>_km), the
    committee-consistent medeldistans when the gleshet step writes it, and every fasta index the index step
    recomputed (kvalitet.csv)."""
    import re

    from geo.karta import medeldistans_titel

    out = []
    k = pd.read_csv(run_dir / "gleshet" / "kommuner.csv", nrows=0).columns
    thresholds = sorted(int(m.group(1)) for c in k if (m := re.fullmatch(r"avstand_(\d+)_km", c)))
    for n in thresholds:
        titel, under, storhet = medeldistans_titel(n)
        out.append(
            {
                "kalla": "gleshet",
                "storhet": f"avstand_{n}_km",
                "titel": titel,
                "undertitel": under,
                "legend": storhet,
                "enhet": "km",
                "skala": "log",
            }
        )
    if "medeldistans_km" in k:
        out.append(
            {
                "kalla": "gleshet",
                "storhet": "medeldistans_km",
                "titel": "Medeldistans (kommitténs definition)",
                "undertitel": "Medeldistans 3 000 invånare enligt kommitténs definition (SOU 2024:50 s. 297)",
                "legend": "Medeldistans",
                "enhet": "km",
                "skala": "log",
            }
        )
    q = run_dir / "index" / "kvalitet.csv"
    if q.is_file():
        kv = pd.read_csv(q)
        for name in kv.loc[kv["status"] == OMRAKNAT, "index"]:
            rub = na.storhet_info(name)[0]
            out.append(
                {
                    "kalla": "index",
                    "storhet": name,
                    "titel": rub,
                    "undertitel": KARTA_UNDERTITEL,
                    "legend": rub,
                    "enhet": "index",
                    "skala": "linjar",
                }
            )
    if (run_dir / "index" / "politisk_verksamhet.csv").is_file():
        out.append(
            {
                "kalla": "index",
                "storhet": "merkostnadsindex",
                "titel": "Merkostnadsindex politisk verksamhet",
                "undertitel": "1 under tröskeln; annars modellvärdet / medelvärdet (förordningens bilaga)",
                "legend": "Merkostnadsindex",
                "enhet": "index",
                "skala": "linjar",
            }
        )
    return out


def _series(lang: pd.DataFrame, kalla: str, storhet: str, kolumn: str = "varde") -> pd.Series:
    s = lang[(lang["kalla"] == kalla) & (lang["niva"] == "kommun") & (lang["storhet"] == storhet)]
    return s.set_index("kod")[kolumn].astype("float64")


def _boundaries(k) -> Any:
    from geo.kommuner import load_kommun_boundaries

    return load_kommun_boundaries(k.konfig.gleshet.sokvagar.get("kommuner"))


def kartor(k, lang: pd.DataFrame, andringar: na.Andringar | None) -> list[dict]:
    """The map steps: level maps (reused while gleshet and index are unchanged) and change maps (when something
    moved). Returns one record per map (file, title, kind)."""
    from geo.karta import kalla_for_grid, kommun_karta, lan_granser

    c = k.konfig
    kalla, ar = c.kalla, c.dataar
    if kalla is None:
        kalla, ar_grid = kalla_for_grid(c.gleshet.filer("grid"))
        ar = ar if ar is not None else ar_grid
    quantities = _mapped_quantities(k.katalog)
    records = []

    def draw(ut: Path, specs: list[dict], values: dict[str, pd.Series]) -> None:
        ut.mkdir(parents=True)
        b = _boundaries(k)
        lan = lan_granser(b)
        for spec in specs:
            kommun_karta(
                b,
                values[spec["fil"]],
                ut / spec["fil"],
                titel=spec["titel"],
                undertitel=spec["undertitel"],
                enhet=spec["enhet"],
                storhet=spec["legend"],
                kalla=kalla,
                ar=ar,
                skala=spec["skala"],
                lan=lan,
                dpi=110,
            )

    specs, values = [], {}
    for q in quantities:
        fil = f"karta_{q['storhet']}.png"
        specs.append({**q, "fil": fil})
        values[fil] = _series(lang, q["kalla"], q["storhet"])
    inputs = {"gleshet": k.resultat["gleshet"], **({"index": k.resultat["index"]} if "index" in k.resultat else {})}
    if "kommuner" in c.gleshet.sokvagar:
        inputs["kommuner"] = c.gleshet.sokvagar["kommuner"]
    k.steg(
        "kartor",
        "kartor: gleshetsmått och omräknade index",
        inputs,
        {"kalla": kalla, "ar": ar, "kartor": specs},
        lambda ut: draw(ut, specs, values),
        mal="rapport/kartor",
    )
    records += [{"fil": s["fil"], "titel": s["titel"], "text": s["undertitel"], "slag": "niva"} for s in specs]

    if andringar is not None and andringar.tidigare is not None and len(andringar.alla):
        ch_specs, ch_values = [], {}
        targets = [dict(q) for q in quantities] + [
            {
                "kalla": f"berakna_{b.namn}",
                "storhet": "utjamning.totalt",
                "titel": f"Utjämning totalt, {b.namn}",
                "legend": "Utjämning totalt",
                "enhet": "kr/inv",
            }
            for b in c.berakningar
        ]
        alla = andringar.alla
        for q in targets:
            d = alla[(alla["kalla"] == q["kalla"]) & (alla["niva"] == "kommun") & (alla["storhet"] == q["storhet"])]
            d = d.set_index("kod")["forandring"].astype("float64")
            if not (d.abs() > 0).any():
                continue
            fil = f"andring_{q['kalla']}_{q['storhet']}.png".replace(".", "_").replace("_png", ".png")
            base = _series(lang, q["kalla"], q["storhet"])
            ch_values[fil] = d.reindex(base.index).fillna(0.0) if len(base) else d
            ch_specs.append(
                {
                    "fil": fil,
                    "titel": f"Ändring: {q['titel']}",
                    "legend": "Ändring",
                    "enhet": q["enhet"],
                    "undertitel": f"Sedan körningen {andringar.tidigare}",
                    "skala": "divergerande",
                }
            )
        if ch_specs:
            digest = sha256_json({s["fil"]: ch_values[s["fil"]].round(12).to_dict() for s in ch_specs})
            k.steg(
                "andringskartor",
                "kartor: ändringar sedan förra körningen",
                {},
                {"kalla": kalla, "ar": ar, "kartor": ch_specs, "varden_sha256": digest},
                lambda ut: draw(ut, ch_specs, ch_values),
                mal="rapport/kartor",
            )
            records += [
                {"fil": s["fil"], "titel": s["titel"], "text": s["undertitel"], "slag": "andring"} for s in ch_specs
            ]
    return records


# --------------------------------------------------------------------------------------------------------------
# pages


def _steg_tabell(k) -> str:
    rows = []
    for name, r in k.resultat.items():
        place = k.platser.get(name, name)
        rows.append(
            [
                td(r.beskrivning or name),
                td(r.status),
                td_tal(r.sekunder, 1),
                f"<td><code>{e(r.nyckel[:12])}</code></td>",
                f'<td><a href="../{e(place)}/">{e(place)}/</a></td>',
            ]
        )
    return tabell(["Steg", "Status", "Sekunder", "Nyckel", "Utdata"], rows)


def _datafiler(run_dir: Path) -> str:
    items = []
    for folder in sorted(p for p in run_dir.iterdir() if p.is_dir() and p.name != "rapport"):
        files = sorted(f for f in folder.rglob("*") if f.is_file())
        links = ", ".join(
            f'<a href="../{e(f.relative_to(run_dir).as_posix())}">{e(f.relative_to(folder).as_posix())}</a>'
            for f in files
        )
        items.append(f"<li><b>{e(folder.name)}/</b>: {links}</li>")
    for f in ("manifest.json", "natt.log"):
        items.append(f'<li><a href="../{f}">{f}</a></li>')
    return "<ul>" + "\n".join(items) + "</ul>"


def _andringar_html(andringar: na.Andringar | None, tol: dict[str, float]) -> str:
    if andringar is None or andringar.tidigare is None:
        out = (
            '<p class="ok">Första lyckade körningen i denna utdatarot: '
            "det finns ingen tidigare körning att jämföra med.</p>"
        )
    elif not len(andringar.alla):
        out = (
            f'<p class="ok">Inga ändringar sedan körningen {e(andringar.tidigare)}: alla gleshetsmått, fasta index '
            f"och utjämningens komponenter är oförändrade.</p>"
        )
    else:
        cls = "obs" if andringar.antal_over else "ok"
        out = (
            f'<p class="{cls}">Sedan körningen <a href="../../{e(andringar.tidigare)}/rapport/index.html">'
            f"{e(andringar.tidigare)}</a> har {tal(len(andringar.alla))} värden ändrats, varav "
            f"<b>{tal(andringar.antal_over)} utöver toleransen</b>. Alla ändringar: "
            f'<a href="../andringar/andringar.csv">andringar.csv</a>, utöver toleransen: '
            f'<a href="../andringar/over_tolerans.csv">over_tolerans.csv</a>.</p>'
        )
        s = andringar.sammanfattning
        rows = [
            [
                td(na.kalla_rubrik(r.kalla)),
                td(na.NIVAER.get(r.niva, r.niva)),
                td(r.rubrik),
                td(r.enhet),
                td_tal(r.antal_andrade),
                td_tal(r.antal_over_tolerans),
                td_tal(r.storsta_andring, tecken=True),
                td(r.storst_hos),
                td_tal(r.tolerans),
            ]
            for r in s.itertuples()
        ]
        out += "<h3>Sammanfattning per storhet</h3>" + tabell(
            ["Källa", "Nivå", "Storhet", "Enhet", "Ändrade", "Utöver toleransen", "Största ändring", "Hos", "Tolerans"],
            rows,
        )
        o = andringar.over
        if len(o):
            shown = o.head(MAX_RADER)
            rows = [
                [
                    td(na.kalla_rubrik(r.kalla)),
                    td(na.NIVAER.get(r.niva, r.niva)),
                    _namn_cell(r.niva, r.kod, r.namn),
                    td(r.rubrik),
                    td(r.enhet),
                    *_andring_celler(r),
                    td_tal(r.relativ_procent, 2, tecken=True),
                ]
                for r in shown.itertuples()
            ]
            more = (
                f'<p class="liten">Visar {tal(MAX_RADER)} av {tal(len(o))} rader; alla finns i '
                f'<a href="../andringar/over_tolerans.csv">over_tolerans.csv</a>.</p>'
                if len(o) > MAX_RADER
                else ""
            )
            out += (
                "<h3>Värden som ändrats utöver toleransen</h3>"
                + more
                + tabell(
                    [
                        "Källa",
                        "Nivå",
                        "Namn",
                        "Storhet",
                        "Enhet",
                        "Förra körningen",
                        "Denna körning",
                        "Ändring",
                        "Ändring (%)",
                    ],
                    rows,
                )
            )
    tol_rows = [[td(TOLERANSKLASS.get(k, k)), td_tal(v, _decimaler(v))] for k, v in tol.items()]
    out += (
        "<details><summary>Toleranser</summary><p class='liten'>En ändring räknas som utöver toleransen när "
        "|nytt − tidigare| är större än toleransen för storhetens enhet.</p>"
        + tabell(["Enhet", "Tolerans"], tol_rows, sorterbar=False)
        + "</details>"
    )
    if andringar is not None and andringar.frysta is not None:
        f = andringar.frysta
        moved = f[f["over_tolerans"]]
        out += (
            "<h3>Mått som lagen fryser</h3><p>Medeldistansen för politisk verksamhet och befolkningsunderlagen "
            "för bidraget för svagt befolkningsunderlag gäller med sina värden för år 2022 och uppdateras inte "
            "(förordningens bilaga; lag 11 §; SOU 2024:50 s. 63 och s. 738). Här redovisas vad detta rutnät "
            "skulle ge; värdena används inte. Alla kommuner: "
            '<a href="../andringar/frysta_matt.csv">frysta_matt.csv</a>.</p>'
        )
        summary = [
            [td(r), td(g["enhet"].iloc[0]), td_tal(int(g["over_tolerans"].sum())), td_tal(g["skillnad"].abs().max())]
            for r, g in f.groupby("rubrik", sort=False)
        ]
        out += tabell(["Mått", "Enhet", "Kommuner utöver toleransen", "Största skillnad"], summary, sorterbar=False)
        if len(moved):
            rows = [
                [
                    _namn_cell("kommun", r.kommun_kod, r.kommun),
                    td(r.rubrik),
                    td(r.enhet),
                    td_tal(r.fryst),
                    td_tal(r.beraknad),
                    td_tal(r.skillnad, tecken=True),
                    td_tal(r.skillnad_procent, 1, tecken=True),
                ]
                for r in moved.head(MAX_RADER).itertuples()
            ]
            out += tabell(["Kommun", "Mått", "Enhet", "Fryst värde", "Detta rutnät", "Skillnad", "Skillnad (%)"], rows)
    if andringar is not None:
        out += "".join(f'<p class="liten">{e(a)}</p>' for a in andringar.anmarkningar)
    return out


def _andring_celler(r) -> list[str]:
    """Previous value, this run's and the change, in the unit's decimals."""
    d = dec(r.enhet)
    return [td_tal(r.tidigare, d), td_tal(r.nu, d), td_tal(r.forandring, d, tecken=True)]


def _namn_cell(niva: str, kod: str, namn: str) -> str:
    if niva == "kommun":
        return f'<td><a href="kommun/{e(kod)}.html">{e(namn)}</a></td>'
    return td(namn)


def _kartor_html(records: list[dict], slag: str) -> str:
    figs = [
        f'<figure><a href="kartor/{e(r["fil"])}"><img src="kartor/{e(r["fil"])}" alt="{e(r["titel"])}"></a>'
        f"<figcaption><b>{e(r['titel'])}</b><br>{e(r['text'])}</figcaption></figure>"
        for r in records
        if r["slag"] == slag
    ]
    return '<div class="kartor">' + "".join(figs) + "</div>" if figs else ""


def _kommun_tabell(k, lang: pd.DataFrame) -> str:
    from engine import register as reg

    kom = reg.kommuner().set_index("kommun_kod")
    cols = [
        ("gleshet", "befolkning"),
        *[
            ("gleshet", s)
            for s in sorted(
                lang.loc[
                    (lang["kalla"] == "gleshet") & lang["storhet"].str.match(r"avstand_\d+_km"), "storhet"
                ].unique(),
                key=lambda s: int(s.split("_")[1]),
            )
        ],
    ]
    if "index" in k.resultat:
        kv = pd.read_csv(k.katalog / "index" / "kvalitet.csv")
        cols += [("index", n) for n in kv.loc[kv["status"] == OMRAKNAT, "index"]]
    cols += [(f"berakna_{b.namn}", "utjamning.totalt") for b in k.konfig.berakningar]
    series = {c: _series(lang, *c) for c in cols}
    heads = ["Kod", "Kommun", "Län"]
    for kalla, storhet in cols:
        rub, enhet, _ = na.storhet_info(storhet)
        rub = f"{rub}, {kalla.removeprefix('berakna_')}" if kalla.startswith("berakna_") else rub
        heads.append(f"{rub} ({enhet})")
    rows = []
    for kod, r in kom.sort_index().iterrows():
        rows.append(
            [td(kod), f'<td><a href="kommun/{e(kod)}.html">{e(r["kommun"])}</a></td>', td(r["lan"])]
            + [td_tal(series[c].get(kod), dec(na.storhet_info(c[1])[1])) for c in cols]
        )
    return (
        '<p><input class="filter" data-tabell="kommuntabell" placeholder="Filtrera (namn, län, kod) …" '
        'aria-label="Filtrera kommuner"></p>' + tabell(heads, rows, id_="kommuntabell")
    )


def _lan_tabell(lang: pd.DataFrame) -> str:
    """One row per län: its gleshet measures, the regional fasta index and the kollektivtrafik values."""
    from engine import register as reg

    d = lang[(lang["niva"].isin(["lan", "region"])) & (lang["kalla"].isin(["gleshet", "index"]))]
    if not len(d):
        return ""
    wide = d.pivot_table(index="kod", columns="storhet", values="varde", aggfunc="first")[list(pd.unique(d["storhet"]))]
    names = reg.regioner().set_index("region_kod")["lan"]
    cols = list(wide.columns)
    heads = ["Kod", "Län"] + [f"{na.storhet_info(c)[0]} ({na.storhet_info(c)[1]})" for c in cols]
    rows = [
        [td(kod), td(names.get(kod, kod))] + [td_tal(wide.loc[kod, c], dec(na.storhet_info(c)[1])) for c in cols]
        for kod in wide.index
    ]
    return tabell(heads, rows)


def skriv_rapport(k, andringar: na.Andringar | None, manifest: dict) -> list[dict]:
    """Write ``rapport/`` of run ``k``; returns the map records (for the manifest).

    The maps and the kommun and parameter pages are steps of their own (reused while their inputs are unchanged,
    so an unchanged night costs neither time nor disk); ``index.html`` with the run's own metadata is written
    for every run."""
    names = [b.namn for b in k.konfig.berakningar]
    lang = na.las_korning(k.katalog, names)
    maps = kartor(k, lang, andringar)
    changes = andringar.alla if andringar is not None else pd.DataFrame(columns=na.KOLUMNER)
    mine = changes[changes["niva"] == "kommun"] if len(changes) else changes
    inputs = {n: k.resultat[n] for n in ("gleshet", "index") if n in k.resultat}
    inputs |= {f"forklaring_{n}": k.resultat[f"forklaring_{n}"] for n in names}
    inputs |= {f"berakna_{n}": k.resultat[f"berakna_{n}"] for n in names}
    params = {
        "andringar_sha256": sha256_json(mine.to_csv(index=False)) if len(mine) else None,
        "tidigare": andringar.tidigare if andringar is not None and len(mine) else None,
        "berakningar": names,
    }
    k.steg(
        "kommunsidor",
        "rapport: kommunsidor och parametrar",
        inputs,
        params,
        lambda ut: _skriv_sidor(k, ut, lang, andringar, names),
        mal="rapport",
    )
    (k.katalog / "rapport" / "index.html").write_text(_index_sida(k, lang, andringar, manifest, maps), encoding="utf-8")
    return [{"fil": f"rapport/kartor/{r['fil']}", "titel": r["titel"], "slag": r["slag"]} for r in maps]


def _skriv_sidor(k, ut: Path, lang: pd.DataFrame, andringar, names: list[str]) -> None:
    (ut / "kommun").mkdir(parents=True)
    forklaringar = {
        n: json.loads((k.katalog / f"forklaring_{n}" / "forklaring.json").read_text("utf-8")) for n in names
    }
    for namn, f in forklaringar.items():
        (ut / f"parametrar_{namn}.html").write_text(_parametrar_sida(namn, f), encoding="utf-8")
    ref = _referens_index(k)
    for kod in sorted(set(lang.loc[lang["niva"] == "kommun", "kod"])):
        (ut / "kommun" / f"{kod}.html").write_text(
            _kommun_sida(k, kod, lang, andringar, forklaringar, ref), encoding="utf-8"
        )


def _index_sida(k, lang, andringar, manifest, maps) -> str:
    c = k.konfig
    computed = [n for n, r in k.resultat.items() if r.status == "beräknad"]
    status = (
        f'<p class="ok">Inga steg räknades om: allt var oförändrat sedan förra körningen '
        f"({len(k.resultat)} steg återanvända).</p>"
        if not computed
        else f"<p>{len(computed)} steg beräknades ({e(', '.join(computed))}), "
        f"{len(k.resultat) - len(computed)} återanvändes.</p>"
    )
    demo = (
        '<p class="obs"><b>DEMODATA.</b> Befolkningsrutorna och utjämningens indata är syntetiska (data/demo, '
        "pipelines/demo_indata.py): resultaten illustrerar beräkningen "
        "och är inte statistik om någon verklig kommun.</p>"
        if c.demo_indata or any("data/demo" in str(g) for g in c.gleshet.filer("grid"))
        else ""
    )
    meta = tabell(
        ["Uppgift", "Värde"],
        [
            [td("Körning"), td(k.katalog.name)],
            [td("Start (UTC)"), td(manifest["start"])],
            [td("Konfiguration"), td(c.fil)],
            [td("Utjämningsår"), td(c.ar)],
            [td("Regelverk"), td(", ".join(f"{b.namn} ({b.regelverk})" for b in c.berakningar) or "–")],
            [
                td("Programversion"),
                td(f"utjamning {manifest['kod']['utjamning']}, källkod {manifest['kod']['kallkod_sha256'][:12]}"),
            ],
            [td("Förra lyckade körningen"), td(manifest.get("tidigare_korning") or "–")],
            [td("Schemaläggare"), td(c.schemalaggare)],
        ],
        sorterbar=False,
    )
    body = (
        demo
        + "<h2>Körningen</h2>"
        + status
        + meta
        + "<h3>Steg</h3>"
        + _steg_tabell(k)
        + "<h2>Ändringar sedan förra körningen</h2>"
        + _andringar_html(andringar, c.toleranser)
        + "<h2>Kartor</h2>"
        + _kartor_html(maps, "niva")
    )
    ch = _kartor_html(maps, "andring")
    if ch:
        body += "<h3>Ändringar sedan förra körningen</h3>" + ch
    body += (
        "<h2>Kommuner</h2><p class='liten'>Klicka på en kolumnrubrik för att sortera; kommunens namn leder till "
        "dess sida med mått, index och utjämningens förklaring.</p>"
        + _kommun_tabell(k, lang)
        + "<h2>Län och regioner</h2>"
        + _lan_tabell(lang)
        + "<h2>Parametrar</h2><ul>"
        + "".join(
            f'<li><a href="parametrar_{e(b.namn)}.html">{e(b.namn)} ({e(b.regelverk)})</a></li>' for b in c.berakningar
        )
        + "</ul>"
        + "<h2>Datafiler</h2>"
        + _datafiler(k.katalog)
    )
    return sida(
        f"Nattlig omräkning {k.katalog.name}",
        f"Nattlig omräkning — {k.katalog.name}",
        body,
        under=f'<div class="liten">Gleshetsmått, fasta index och kommunalekonomisk utjämning '
        f"(SOU 2024:50), utjämningsår {c.ar}</div>",
    )


def _referens_index(k) -> pd.DataFrame | None:
    """The reference fasta index tables the index step calibrated to (for comparison on the kommun pages)."""
    if "index" not in k.resultat:
        return None
    from engine.register import read_fasta_index

    ref = k.konfig.index.sokvagar.get("referens") or k.konfig.index.sokvagar.get("kalibrera_mot")
    return read_fasta_index(ref).kommun


def _kommun_sida(k, kod: str, lang: pd.DataFrame, andringar, forklaringar: dict, ref) -> str:
    mine = lang[(lang["kod"] == kod) & (lang["niva"] == "kommun")]
    namn = mine["namn"].iloc[0]
    from engine import register as reg

    kom = reg.kommuner().set_index("kommun_kod")
    lan = kom.loc[kod, "lan"] if kod in kom.index else ""
    body = ""
    g = mine[mine["kalla"] == "gleshet"]
    if len(g):
        rows = [[td(r.rubrik), td_tal(r.varde, dec(r.enhet)), td(r.enhet)] for r in g.itertuples()]
        body += "<h2>Gleshetsmått</h2>" + tabell(["Mått", "Värde", "Enhet"], rows, sorterbar=False)
    ix = mine[mine["kalla"] == "index"]
    if len(ix):
        rows = []
        for r in ix.itertuples():
            rv = ref.loc[kod, r.storhet] if ref is not None and r.storhet in ref.columns and kod in ref.index else None
            rows.append([td(r.rubrik), td_tal(r.varde, dec(r.enhet)), td_tal(rv, dec(r.enhet)), td(r.enhet)])
        body += (
            "<h2>Fasta index</h2><p class='liten'>Omräknade från gleshetsmåtten; referensen är tabellen som "
            "indexen kalibrerades mot (förordningens bilaga enligt SOU 2024:50).</p>"
            + tabell(["Index", "Denna körning", "Referens", "Enhet"], rows, sorterbar=False)
        )
    for namn_b, f in forklaringar.items():
        body += _forklaring_html(namn_b, f, kod)
    if andringar is not None and len(andringar.alla):
        a = andringar.alla[(andringar.alla["kod"] == kod) & (andringar.alla["niva"] == "kommun")]
        if len(a):
            rows = [
                [
                    td(na.kalla_rubrik(r.kalla)),
                    td(r.rubrik),
                    td(r.enhet),
                    *_andring_celler(r),
                    td("ja" if r.over_tolerans else "nej"),
                ]
                for r in a.itertuples()
            ]
            body += f"<h2>Ändringar sedan körningen {e(andringar.tidigare)}</h2>" + tabell(
                ["Källa", "Storhet", "Enhet", "Förra", "Denna", "Ändring", "Utöver toleransen"], rows
            )
    return sida(f"{namn} ({kod})", f"{namn} ({kod})", body, under=f'<div class="liten">{e(lan)}</div>', djup=1)


def _komponent_decimaler(kolumn: str) -> int:
    slag = rubriker.kolumn(kolumn).slag
    return rubriker.TEXT_DECIMALER.get(slag, 0)


def _forklaring_html(namn: str, f: dict, kod: str) -> str:
    """The engine's explanation of one kommun under one rule set: the posts first, then every del in detail."""
    from engine import schema

    u = f["enheter"].get(kod)
    if u is None:
        return ""
    delar = f["delar"][u["niva"]]
    v = u["komponenter"]
    rows = [
        [
            td(rubriker.kolumn(c).namn),
            td_tal(v.get(c), 0, sortering=False),
            td_tal(v.get(f"{c}_kr"), 0, sortering=False),
        ]
        for c in POSTER
        if c in v
    ]
    reform = f" med reform {', '.join(f['reformer'])}" if f["reformer"] else ""
    out = (
        f"<h2>Utjämning {e(namn)}: regelverk {e(f['regelverk'])}{e(reform)}, utjämningsår {e(f['ar'])}</h2>"
        "<h3>Sammanfattning per post</h3><p class='liten'>Bidrag positivt, avgift negativt.</p>"
        + tabell(["Post", "kr/inv", "kr"], rows, sorterbar=False)
        + "<h3>Detaljer per del</h3>"
    )
    for d, spec in delar.items():
        comp_rows = [  # whole kronor, indices and factors four decimals (pipelines/rubriker.py), flags 1/0
            [td(na.komponent_rubrik(c)), td_tal(v.get(c), _komponent_decimaler(c), sortering=False), td(enhet)]
            for c, enhet in spec["komponenter"]
        ]
        part = tabell(["Komponent", "Värde", "Enhet"], comp_rows, sorterbar=False)
        if spec["indata"]:
            in_rows = []
            for key in spec["indata"]:
                niva, var = key.split(".", 1)
                meta = f["variabler"].get(var, {})
                sch = schema.BY_NAME.get(var)
                label = sch.beskrivning if sch is not None and getattr(sch, "beskrivning", "") else var
                val = u["indata"].get(key)
                in_rows.append(
                    [
                        td(label),
                        td(AVSER.get(niva, niva)),
                        td_tal(val, indata_decimaler(sch), sortering=False),
                        td_tal(u["riket"].get(key), indata_decimaler(sch), sortering=False),
                        td(meta.get("enhet", "")),
                        td(meta.get("referens", "")),
                    ]
                )
            part += "<h4>Indata</h4>" + tabell(
                ["Variabel", "Avser", "Värde", "Riket", "Enhet", "Referenstid"], in_rows, sorterbar=False
            )
        if spec["fasta_index"]:
            ix_rows = [
                [
                    td(na.storhet_info(key.split(".", 1)[1])[0]),
                    td_tal(u["fasta_index"].get(key), dec(na.storhet_info(key.split(".", 1)[1])[1]), sortering=False),
                ]
                for key in spec["fasta_index"]
            ]
            part += "<h4>Fasta index</h4>" + tabell(["Index", "Värde"], ix_rows, sorterbar=False)
        if spec["parametrar"]:
            part += (
                f'<p>Parametrar: <a href="../parametrar_{e(namn)}.html#del-{e(d)}">{len(spec["parametrar"])} '
                f"parametrar med värde, enhet och källa</a>.</p>"
            )
        out += f"<details><summary>{e(na.del_rubrik(d))}</summary>{part}</details>"
    return out


def _parametrar_sida(namn: str, f: dict) -> str:
    """Every parameter the rule set's run read, per del (anchors ``del-<del>`` and the parameter path)."""
    body = (
        "<p>Parametrarna som beräkningen läste, med värde, enhet och källa (lagrum och SOU 2024:50). En reform "
        "ändrar dem med sökvägen i första kolumnen.</p>"
    )
    seen = set()
    for delar in f["delar"].values():
        for d, spec in delar.items():
            if d in seen or not spec["parametrar"]:
                continue
            seen.add(d)
            rows = []
            for path in spec["parametrar"]:
                p = f["parametrar"].get(path, {})
                val = p.get("value", p.get("status", ""))
                text = (
                    json.dumps(val, ensure_ascii=False)
                    if isinstance(val, (list, dict))
                    else (tal(val) if isinstance(val, (int, float)) and not isinstance(val, bool) else str(val))
                )
                rows.append(
                    [
                        f"<td><code>{e(path)}</code></td>",
                        td(text),
                        td(p.get("unit", "")),
                        td(p.get("source", p.get("reason", ""))),
                        td(p.get("valid_from", "")),
                    ]
                )
            body += f'<h2 id="del-{e(d)}">{e(na.del_rubrik(d))}</h2>' + tabell(
                ["Parameter", "Värde", "Enhet", "Källa", "Gäller från"], rows
            )
    return sida(f"Parametrar {namn}", f"Parametrar — {namn} ({f['regelverk']})", body)
