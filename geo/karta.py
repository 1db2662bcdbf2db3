"""Choropleth maps of per-kommun values, in one house style for `utjamning gleshet` and the nightly report.

Every map has a Swedish title, a legend that names the quantity and its unit with readable ticks (0,5 / 1 / 2 / 5 /
10 / 20 / 50 km — never 10⁻¹ notation), the län borders (the kommun polygons dissolved by län) over the kommun
borders, and the data source, data year and map projection in the lower corner. Three scales:

* ``"log"`` — gleshet measures: the radius to gather 3 000 inhabitants spans two orders of magnitude (≈0,3 km in
  the cities, > 50 km in the inland north), so a linear scale would show one colour for most of the country;
* ``"linjar"`` — indices and amounts;
* ``"divergerande"`` — changes since the previous run, symmetric around 0 (blue = decrease, red = increase).

The PNG bytes are deterministic (no matplotlib version or date in the file): same values → same map file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from engine.paths import DATA
from engine.talformat import svenskt_tal

SKALOR = ("log", "linjar", "divergerande")
#: Colour maps per scale: sequential for levels, diverging (centred on 0) for changes.
FARGSKALA = {"log": "viridis", "linjar": "viridis", "divergerande": "RdBu_r"}
SAKNAS_FARG = "#d0d0d0"
PROJEKTION = "SWEREF 99 TM (EPSG:3006)"


def log_ticks(vmin: float, vmax: float) -> list[float]:
    """Ticks of the 1–2–5 series inside [vmin, vmax] (vmin > 0); with fewer than three, the 1–1,5–2–3–5–7 series."""
    lo, hi = math.floor(math.log10(vmin)) - 1, math.ceil(math.log10(vmax)) + 1
    for series in ((1, 2, 5), (1, 1.5, 2, 3, 5, 7)):
        ticks = [m * 10.0**e for e in range(lo, hi + 1) for m in series]
        ticks = [round(t, 12) for t in ticks if vmin * (1 - 1e-9) <= t <= vmax * (1 + 1e-9)]
        if len(ticks) >= 3:
            return ticks
    return [vmin, vmax]


def _tick_decimals(ticks) -> int:
    """Decimals needed to tell the ticks apart (0 for 1/2/5/10, 1 for 0,5, 2 for 0,95 …)."""
    dec = 0
    for t in ticks:
        while dec < 6 and abs(round(t, dec) - t) > 1e-9 * max(1.0, abs(t)):
            dec += 1
    return dec


def lan_granser(boundaries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Län polygons: the kommun polygons dissolved by ``lan_kod`` (EPSG:3006)."""
    g = boundaries.to_crs(3006)
    return g[["lan_kod", "geometry"]].dissolve(by="lan_kod", as_index=False)


#: A map's source names at most this many grid files; more are counted ("befolkningsrutor i 4 filer: …").
KALLA_MAX_FILER = 3


def kalla_for_grid(path: str | Path | Sequence[str | Path]) -> tuple[str, int | None]:
    """Source text and data year for a map of a population grid file (or of several composed, ``utjamning gleshet
    --grid A --grid B``): the embedded synthetic demo grid says so, another file is named by its file name and its
    year is the 4-digit year in the name (SCB names its files so). Several files are named together (or counted when
    there are more than :data:`KALLA_MAX_FILER`); their year is given only when they agree."""
    paths = [Path(path)] if isinstance(path, (str, Path)) else [Path(p) for p in path]
    demo = DATA / "demo"
    texts, years = [], set()
    for p in paths:
        try:
            is_demo = p.resolve().parent == demo
        except OSError:
            is_demo = False
        if is_demo:
            texts.append("syntetiska demodata (data/demo), inte SCB-statistik")
            continue
        found = re.findall(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)", p.name)
        years.add(int(found[-1]) if found else None)
        texts.append(p.name)
    ar = years.pop() if len(years) == 1 else None
    if len(paths) == 1:
        return (texts[0] if texts[0].startswith("syntetiska") else f"befolkningsrutor {texts[0]}"), ar
    unique = list(dict.fromkeys(texts))
    if len(unique) > KALLA_MAX_FILER:
        return f"befolkningsrutor i {len(paths)} filer ({unique[0]} …)", ar
    return "befolkningsrutor " + " + ".join(unique), ar


def kommun_karta(
    boundaries: gpd.GeoDataFrame,
    values: pd.Series,
    path: str | Path,
    *,
    titel: str,
    enhet: str,
    storhet: str,
    kalla: str,
    ar: int | None = None,
    undertitel: str = "",
    skala: str = "log",
    lan: gpd.GeoDataFrame | None = None,
    dpi: int = 150,
) -> Path:
    """Draw ``values`` (indexed by kommun_kod) on the kommun polygons and write a PNG.

    ``titel`` is the heading, ``undertitel`` a smaller line under it (definition, source paragraph);
    ``storhet`` and ``enhet`` make the legend label ("Medeldistans (km)"), ``kalla`` and ``ar`` the corner text.
    Kommuner without a value (or, on the log scale, a non-positive one) are grey and counted in the corner text.
    ``lan`` (from :func:`lan_granser`) may be passed to draw several maps without dissolving again."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm, Normalize
    from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

    if skala not in SKALOR:
        raise ValueError(f"skala måste vara en av {SKALOR}, inte {skala!r}")
    g = boundaries.to_crs(3006).merge(values.rename("_v"), left_on="kommun_kod", right_index=True, how="left")
    v = g["_v"].to_numpy(dtype="float64")
    ok = np.isfinite(v) & ((v > 0) if skala == "log" else True)
    lan = lan_granser(boundaries) if lan is None else lan

    fig, ax = plt.subplots(figsize=(6.2, 10.5))
    if (~ok).any():
        g[~ok].plot(ax=ax, color=SAKNAS_FARG, edgecolor="white", linewidth=0.2)
    cmap = FARGSKALA[skala]
    norm, ticks = None, None
    if ok.any():
        lo, hi = float(np.min(v[ok])), float(np.max(v[ok]))
        if skala == "log":
            if hi <= lo:
                lo, hi = lo / 1.5, hi * 1.5
            norm, ticks = LogNorm(vmin=lo, vmax=hi), log_ticks(lo, hi)
        elif skala == "divergerande":
            m = max(abs(lo), abs(hi)) or 1.0
            norm = Normalize(vmin=-m, vmax=m)
            ticks = [t for t in MaxNLocator(nbins=6, symmetric=True).tick_values(-m, m) if -m <= t <= m]
        else:
            if hi <= lo:
                lo, hi = lo - 0.5 * (abs(lo) or 1), hi + 0.5 * (abs(hi) or 1)
            norm = Normalize(vmin=lo, vmax=hi)
            ticks = [t for t in MaxNLocator(nbins=6).tick_values(lo, hi) if lo <= t <= hi]
        g[ok].plot(ax=ax, column="_v", cmap=cmap, norm=norm, edgecolor="white", linewidth=0.2)
    lan.boundary.plot(ax=ax, color="#333333", linewidth=0.6)
    if norm is not None:
        sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
        cb = fig.colorbar(sm, ax=ax, shrink=0.55, pad=0.02)
        # log ticks each with its own decimals (0,5 / 1 / 2); linear ticks with a common number of decimals
        dec = None if skala == "log" else _tick_decimals(ticks)
        signed = skala == "divergerande"
        cb.ax.yaxis.set_major_locator(FixedLocator(ticks))
        cb.ax.yaxis.set_minor_locator(NullLocator())
        cb.ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _pos: svenskt_tal(x, dec, tecken=signed)))
        cb.ax.tick_params(labelsize=8)
        label = f"{storhet} ({enhet})"
        if skala == "log":
            label += ", logaritmisk skala"
        elif skala == "divergerande":
            label += ", + = ökning"
        cb.set_label(label, fontsize=9)
    ax.set_axis_off()
    fig.suptitle(titel, fontsize=12)
    if undertitel:
        ax.set_title(undertitel, fontsize=8, color="#333333")
    corner = [
        f"Källa: {kalla}" + (f", dataår {ar}" if ar else "") + ".",
        f"Gränser: {boundaries.attrs.get('source', 'användarens gränsfil')}; länsgränser tjocka. {PROJEKTION}.",
        f"{int(ok.sum())} kommuner" + (f"; {int((~ok).sum())} utan värde (grå)" if (~ok).any() else "") + ".",
    ]
    fig.text(0.02, 0.012, "\n".join(corner), fontsize=6.5, color="#444444", va="bottom")
    fig.tight_layout(rect=(0, 0.035, 1, 1))
    path = Path(path)
    fig.savefig(path, dpi=dpi, metadata={"Software": None})  # no version string: same map → same bytes
    plt.close(fig)
    return path


def medeldistans_titel(n: int) -> tuple[str, str, str]:
    """Title, subtitle and legend quantity of the map of the measure for threshold ``n`` (SOU 2024:50 s. 297)."""
    tal = svenskt_tal(n)
    return (
        f"Medeldistans {tal} invånare",
        f"Befolkningsviktat genomsnittligt avstånd för att samla {tal} invånare (SOU 2024:50 s. 297)",
        f"Medeldistans {tal}",
    )


def gleshet_kartor(
    boundaries: gpd.GeoDataFrame,
    kommun_table: pd.DataFrame,
    thresholds,
    out_dir: str | Path,
    *,
    grid: str | Path | Sequence[str | Path] | None = None,
    kalla: str | None = None,
    ar: int | None = None,
    dpi: int = 150,
) -> list[Path]:
    """``karta_<N>.png`` for every threshold N: ``avstand_<N>_km`` per kommun on the log scale. The source text and
    year come from ``kalla``/``ar`` or else from the grid file name (:func:`kalla_for_grid`)."""
    if kalla is None:
        kalla, ar_grid = kalla_for_grid(grid) if grid is not None else ("okänd", None)
        ar = ar if ar is not None else ar_grid
    values = kommun_table.set_index("kommun_kod")
    lan = lan_granser(boundaries)
    paths = []
    for n in thresholds:
        titel, undertitel, storhet = medeldistans_titel(int(n))
        paths.append(
            kommun_karta(
                boundaries,
                values[f"avstand_{int(n)}_km"],
                Path(out_dir) / f"karta_{int(n)}.png",
                titel=titel,
                undertitel=undertitel,
                enhet="km",
                storhet=storhet,
                kalla=kalla,
                ar=ar,
                skala="log",
                lan=lan,
                dpi=dpi,
            )
        )
    return paths
