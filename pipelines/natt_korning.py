"""One run of `utjamning natt`: lock, steps (reused or computed), change report, HTML report, publication.

Layout of the output root (``utdata`` of the configuration)::

    .utjamning-natt                  marks the folder as the tool's own (nothing else is ever deleted)
    natt.lock                        the lock while a run is active: pid, host, start time
    senaste -> korningar/<körning>   the newest good run (a symlink, replaced atomically) …
    senaste.json                     … and the same as a small JSON file for platforms without symlinks
    steg/<steg>/<nyckel>/            the step store (pipelines/natt_steg.py)
    korningar/<UTC-tid>-<hash>/      one folder per run: manifest.json, natt.log, the steps' outputs (hard links
                                     into the store), andringar/, rapport/index.html — or MISSLYCKAD.txt

``senaste`` moves only after every step, the change report and the HTML report succeeded. A failed run keeps its
folder (log, manifest, failure summary) and leaves ``senaste`` where it was. Exit codes: 0 ok, 1 ok but changes
beyond tolerance, 2 configuration or input error, 3 internal error, 4 another run holds the lock, 130 interrupted
(Ctrl-C or SIGTERM, as every command of the CLI).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import shutil
import socket
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import InputError, UtjamningError
from engine.paths import DATA
from engine.talformat import svenskt_tal
from pipelines import natt_andringar as na
from pipelines import rubriker
from pipelines.natt_konfig import Konfig
from pipelines.natt_steg import KOD_MAPPAR, ROOT, Resultat, Steg, Steglager, innehall, kodversion, lanka, sha256_json
from pipelines.outputs import package_versions

EXIT_OK, EXIT_ANDRINGAR, EXIT_INDATA, EXIT_INTERNT, EXIT_LAST = 0, 1, 2, 3, 4
EXIT_AVBRUTEN = 130  # Ctrl-C or SIGTERM: not a bug; the shell's 128 + SIGINT, as pipelines/cli.main returns
MARKOR = ".utjamning-natt"
LASFIL = "natt.lock"
KORNINGAR = "korningar"
SENASTE = "senaste"
KORNING_NAMN = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{8}$")

log = logging.getLogger("utjamning.natt")


class NattFel(InputError):
    """A problem of the user's setup (output root, inputs): exit 2."""


class LasetUpptaget(UtjamningError):
    """Another run holds the lock: exit 4."""


class StegFel(InputError):
    """A sub-command of a step returned a non-zero exit status."""


# --------------------------------------------------------------------------------------------------------------
# the lock


def _process_started(pid: int) -> float | None:
    """Start time (epoch seconds) of process ``pid``, or None when no such process runs."""
    import psutil

    try:
        return psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return None
    except psutil.AccessDenied:  # runs, but not ours to inspect: alive
        return 0.0


def las_ar_inaktuellt(info: dict) -> str | None:
    """Why a lock is stale (its run was killed), or None while it may still be held. Only a lock of this host can
    be judged: its process is gone, or the pid now belongs to a process started after the lock was taken."""
    if info.get("vard") != socket.gethostname():
        return None
    pid, start = info.get("pid"), info.get("start_epoch")
    if not isinstance(pid, int) or not isinstance(start, (int, float)):
        return "låsfilen är ofullständig"
    started = _process_started(pid)
    if started is None:
        return f"processen {pid} finns inte längre"
    if started > start + 1:
        return f"process-id {pid} används nu av en annan process"
    return None


def ta_las(rot: Path) -> Path:
    """Take the lock ``rot/natt.lock`` (created exclusively); a stale lock is taken over with a warning."""
    path = rot / LASFIL
    info = {"pid": os.getpid(), "vard": socket.gethostname(), "start": _utc(), "start_epoch": time.time()}
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                held = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                held = {}
            why = las_ar_inaktuellt(held) if held else "låsfilen kan inte läsas"
            if why is None:
                raise LasetUpptaget(
                    f"en annan körning håller låset {path} (process {held.get('pid')} på {held.get('vard')}, "
                    f"startad {held.get('start')}); försök igen senare eller ta bort låsfilen om den körningen "
                    f"inte längre finns"
                ) from None
            log.warning("tar över ett inaktuellt lås %s (%s; låst %s)", path, why, held.get("start", "okänt när"))
            path.unlink(missing_ok=True)
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(info, fh, ensure_ascii=False)
        return path
    raise LasetUpptaget(f"låset {path} kunde inte tas")


def slapp_las(path: Path) -> None:
    try:
        held = json.loads(path.read_text(encoding="utf-8"))
        if held.get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


# --------------------------------------------------------------------------------------------------------------
# the output root


def _utc(t: float | None = None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def _inside(p: Path, folder: Path) -> bool:
    return p == folder or folder in p.parents


def forbered_rot(rot: Path, indata: dict[str, Path]) -> None:
    """Refuse an output root that is the working directory or a parent of it, that contains or lies inside an input,
    or that is a non-empty folder the tool did not create; create it (with its marker) otherwise."""
    rot = rot.resolve()
    cwd = Path.cwd().resolve()
    if _inside(cwd, rot):
        raise NattFel(f"utdata = {rot} är arbetsmappen eller en mapp ovanför den; välj en egen mapp för körningarna")
    # the program's own folders are inputs too: their hash is the code version of every step
    own = {**{f"programmets mapp {name}/": ROOT / name for name in KOD_MAPPAR}, "programmets mapp data/": DATA}
    for key, p in {**indata, **own}.items():
        p = p.resolve()
        if _inside(p, rot) or _inside(rot, p):
            raise NattFel(f"utdata = {rot} och indata {key} = {p} överlappar; utdata måste vara en egen mapp")
    if rot.exists():
        if not rot.is_dir():
            raise NattFel(f"utdata = {rot} är en fil, inte en mapp")
        if any(rot.iterdir()) and not (rot / MARKOR).is_file():
            raise NattFel(
                f"utdata = {rot} är en mapp som inte skapats av utjamning natt och inte är tom; "
                f"välj en ny eller tom mapp"
            )
    rot.mkdir(parents=True, exist_ok=True)
    marker = rot / MARKOR
    if not marker.is_file():
        marker.write_text(
            "Utdatarot för utjamning natt (korningar/, steg/, senaste). Skapad " + _utc() + ".\n", encoding="utf-8"
        )


def senaste_korning(rot: Path) -> Path | None:
    """The newest good run (from ``senaste.json``, else the ``senaste`` symlink), if it still exists."""
    p = rot / f"{SENASTE}.json"
    name = None
    if p.is_file():
        try:
            name = json.loads(p.read_text(encoding="utf-8")).get("korning")
        except (OSError, ValueError):
            name = None
    if name is None and (rot / SENASTE).is_symlink():
        name = Path(os.readlink(rot / SENASTE)).name
    if name and KORNING_NAMN.match(name) and (rot / KORNINGAR / name / "manifest.json").is_file():
        return rot / KORNINGAR / name
    return None


def publicera(rot: Path, run_dir: Path) -> None:
    """Point ``senaste`` at ``run_dir``: the JSON file and the symlink are each replaced atomically (os.replace)."""
    rel = Path(KORNINGAR) / run_dir.name
    data = {"korning": run_dir.name, "sokvag": rel.as_posix(), "publicerad": _utc()}
    tmp = rot / f".{SENASTE}.json.tmp-{os.getpid()}"
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, rot / f"{SENASTE}.json")
    link_tmp = rot / f".{SENASTE}.tmp-{os.getpid()}"
    try:
        link_tmp.unlink(missing_ok=True)
        os.symlink(rel, link_tmp, target_is_directory=True)
        os.replace(link_tmp, rot / SENASTE)
    except OSError as exc:  # no symlinks on this platform: senaste.json is the pointer
        log.debug("symlänken senaste kunde inte skapas (%s); senaste.json pekar på körningen", exc)
        link_tmp.unlink(missing_ok=True)


def gallra(rot: Path, behall: int, lager: Steglager, skydda: set[str]) -> list[str]:
    """Keep the newest ``behall`` runs, senaste's target and the runs in ``skydda`` (the current one); delete the
    others and the stored steps no kept run refers to. Returns the names of the deleted runs."""
    runs = sorted(p for p in (rot / KORNINGAR).iterdir() if p.is_dir() and KORNING_NAMN.match(p.name))
    good = senaste_korning(rot)
    keep = {p.name for p in runs[-behall:]} | skydda | ({good.name} if good is not None else set())
    deleted = []
    for p in runs:
        if p.name not in keep:
            shutil.rmtree(p, ignore_errors=True)
            deleted.append(p.name)
    used: set[tuple[str, str]] = set()
    for p in runs:
        if p.name in keep and (p / "manifest.json").is_file():
            try:
                steps = json.loads((p / "manifest.json").read_text(encoding="utf-8")).get("steg", {})
            except (OSError, ValueError):
                continue
            used |= {(name, s["nyckel"]) for name, s in steps.items() if "nyckel" in s}
    removed = lager.stada(used)
    if deleted or removed:
        log.info(
            "gallring: %d körningar och %d lagrade steg borttagna (behåller %d körningar)",
            len(deleted),
            removed,
            behall,
        )
    return deleted


# --------------------------------------------------------------------------------------------------------------
# logging


class JsonRader(logging.Handler):
    """One JSON object per line (tid, niva, logger, meddelande, korning) for a scheduler's log collector."""

    def __init__(self, path: Path, korning: dict[str, str]):
        super().__init__(logging.INFO)
        self.path, self.korning = Path(path), korning

    def emit(self, record: logging.LogRecord) -> None:
        try:
            row = {
                "tid": _utc(record.created),
                "niva": record.levelname,
                "logger": record.name,
                "meddelande": record.getMessage(),
                **self.korning,
            }
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        except Exception:  # noqa: BLE001 - a log handler must never break the run
            self.handleError(record)


@contextlib.contextmanager
def loggning(
    *, tyst: bool, utforlig: bool, logg_json: Path | None, korning: dict[str, str]
) -> Iterator[logging.Logger]:
    """Messages of the run to stderr (warnings with -q, details with -v; the CLI's handler if it has one) and, with
    ``--logg-json``, as JSON lines; the run folder's natt.log is added by :func:`korningslogg`."""
    root = logging.getLogger("utjamning")
    level = logging.DEBUG if utforlig else logging.WARNING if tyst else logging.INFO
    saved = (root.level, root.propagate, [(h, h.level) for h in root.handlers])
    added = []
    for h in root.handlers:
        if h.level == logging.NOTSET:
            h.setLevel(level)
    if not root.handlers:
        h = logging.StreamHandler(sys.stderr)
        h.setLevel(level)
        h.setFormatter(logging.Formatter("%(message)s"))
        added.append(h)
    if logg_json is not None:
        added.append(JsonRader(logg_json, korning))
    for h in added:
        root.addHandler(h)
    root.setLevel(logging.DEBUG)
    root.propagate = False
    try:
        yield log
    finally:
        for h in added:
            root.removeHandler(h)
            h.close()
        root.setLevel(saved[0])
        root.propagate = saved[1]
        for h, lvl in saved[2]:
            h.setLevel(lvl)


@contextlib.contextmanager
def korningslogg(path: Path) -> Iterator[None]:
    root = logging.getLogger("utjamning")
    h = logging.FileHandler(path, encoding="utf-8")
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%SZ")
    fmt.converter = time.gmtime
    h.setFormatter(fmt)
    h.setLevel(logging.DEBUG)
    root.addHandler(h)
    try:
        yield
    finally:
        root.removeHandler(h)
        h.close()


# --------------------------------------------------------------------------------------------------------------
# steps


def kor_kommando(argv: list[str], *, fanga: bool = True) -> None:
    """Run ``utjamning <argv>`` in-process (its parser validates the options as on the command line); its printed
    lines go to the log. A non-zero exit status is an error."""
    from pipelines.cli import build_parser

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # the configuration was checked against the same parser: a bug if it happens
        raise RuntimeError(f"utjamning {' '.join(argv)}: ogiltigt anrop (status {exc.code})") from None
    for flag in ("verbose", "quiet"):
        setattr(args, flag, bool(getattr(args, flag, False) or getattr(args, f"global_{flag}", False)))
    out = io.StringIO()
    try:
        with contextlib.ExitStack() as stack:
            if fanga:
                stack.enter_context(contextlib.redirect_stdout(out))
                stack.enter_context(contextlib.redirect_stderr(out))
            rc = int(args.func(args) or 0)
    finally:  # what the command printed, also when it failed
        for line in out.getvalue().splitlines():
            if line.strip():
                log.info("  %s: %s", argv[0], line.rstrip())
    if rc:
        raise StegFel(f"utjamning {argv[0]} avslutades med status {rc}")


def skriv_forklaring(
    ut: Path, *, ar: int, regelverk: str, indata: Path, fasta_index: Path | None, reform: Path | None
) -> None:
    """``forklaring.json``: the audit trail (engine/forklara.py) of every kommun and region, compactly — the
    components, inputs, index columns and parameters each del read are listed once, the values per unit."""
    from engine.forklara import attach_tracer, explain_data
    from engine.indata import load_indata
    from engine.model import berakna, build_ctx
    from engine.params import load_params

    ctx = build_ctx(load_indata(indata, regelverk, ar), load_params(regelverk, reform, ar), fasta_index)
    tracer = attach_tracer(ctx)
    res = berakna(ctx)
    out: dict[str, Any] = {
        "ar": ar,
        "regelverk": regelverk,
        "reformer": list(ctx.p.reformer),
        "delar": {},
        "parametrar": {},
        "variabler": {},
        "anmarkningar": list(res.notes),
        "enheter": {},
    }
    for kod in [*ctx.kommun_kod, *ctx.region_kod]:
        d = explain_data(ctx, res, tracer, kod)
        enhet = {"namn": d["namn"], "niva": d["niva"], "komponenter": {}, "indata": {}, "riket": {}, "fasta_index": {}}
        delar = out["delar"].setdefault(d["niva"], {})
        for del_ in d["delar"]:
            delar.setdefault(
                del_["del"],
                {
                    "komponenter": [[k["kolumn"], rubriker.kolumn(k["kolumn"]).enhet] for k in del_["komponenter"]],
                    "indata": [f"{r['niva']}.{r['variabel']}" for r in del_["indata"]],
                    "fasta_index": [f"{r['niva']}.{r['kolumn']}" for r in del_["fasta_index"]],
                    "parametrar": [p["sokvag"] for p in del_["parametrar"]],
                },
            )
            for k in del_["komponenter"]:
                enhet["komponenter"][k["kolumn"]] = k["varde"]
            for r in del_["indata"]:
                key = f"{r['niva']}.{r['variabel']}"
                enhet["indata"][key] = r["varde"]
                if r["riket"] is not None:
                    enhet["riket"][key] = r["riket"]
                out["variabler"].setdefault(
                    r["variabel"],
                    {"enhet": r["enhet"] or "", "referens": r["referens"] or "", "kalla": r["kalla"] or ""},
                )
            for r in del_["fasta_index"]:
                enhet["fasta_index"][f"{r['niva']}.{r['kolumn']}"] = r["varde"]
            for p in del_["parametrar"]:
                out["parametrar"].setdefault(p["sokvag"], {k: v for k, v in p.items() if k != "sokvag"})
        out["enheter"][kod] = enhet
    ut.mkdir(parents=True)
    text = json.dumps(out, ensure_ascii=False, default=str, allow_nan=True)  # the engine's order of dels
    (ut / "forklaring.json").write_text(text + "\n", encoding="utf-8")


@dataclass
class Korning:
    """State of one run."""

    konfig: Konfig
    rot: Path
    lager: Steglager
    katalog: Path
    tyst: bool
    resultat: dict[str, Resultat] = field(default_factory=dict)
    platser: dict[str, str] = field(default_factory=dict)  # step → its folder in the run

    def steg(
        self, namn: str, beskrivning: str, indata: dict, parametrar: dict, kor, *, mal: str | None = None
    ) -> Resultat:
        """Reuse or compute one step and link its outputs into the run folder as ``<namn>/`` (or ``mal``)."""
        res = self.lager.hamta_eller_kor(Steg(namn, beskrivning, indata, parametrar, kor))
        lanka(res.katalog, self.katalog / (mal or namn))
        self.resultat[namn] = res
        self.platser[namn] = mal or namn
        return res

    def progress(self) -> bool:
        return not self.tyst and sys.stderr.isatty()


def _fasta_index(val, index: Resultat | None) -> tuple[dict, list[str], Path | None]:
    """Inputs, argv and folder of a ``fasta_index`` setting."""
    if val == "omraknade":
        return {"fasta_index": index}, ["--fasta-index", str(index.katalog)], index.katalog
    if isinstance(val, Path):
        return {"fasta_index": val}, ["--fasta-index", str(val)], val
    return {}, [], None


def kor_steg(k: Korning) -> None:
    """Every step of the configuration, in order."""
    c = k.konfig
    g = c.gleshet
    gleshet = k.steg(
        "gleshet",
        "gleshet: befolkningsrutor → gleshetsmått",
        dict(g.sokvagar),
        dict(g.parametrar),
        lambda ut: kor_kommando(
            [
                "gleshet",
                *g.argv,
                "--out",
                str(ut),
                "--scheduler",
                c.schemalaggare,
                "--no-karta",
                *([] if k.progress() else ["-q"]),
            ],
            fanga=not k.progress(),
        ),
    )
    index = None
    if c.index is not None:
        ix = c.index
        index = k.steg(
            "index",
            "index: gleshetsmått → fasta index",
            {"gleshet": gleshet, **ix.sokvagar},
            dict(ix.parametrar),
            # the report draws the index maps itself (rapport/kartor)
            lambda ut: kor_kommando(["index", *ix.argv, "--matt", str(gleshet.katalog), "--ut", str(ut), "--no-karta"]),
        )
    indata_in: Resultat | Path | None = c.indata
    if c.demo_indata:
        from pipelines.demo_indata import write_demo_inputs

        indata_in = k.steg(
            "indata",
            "indata: DEMODATA från gleshetsmåtten (pipelines/demo_indata.py)",
            {"gleshet": gleshet},
            {"ar": c.ar},
            lambda ut: write_demo_inputs(ut, ar=c.ar, matt_dir=gleshet.katalog),
        )
    indata_dir = indata_in.katalog if isinstance(indata_in, Resultat) else indata_in
    for b in c.berakningar:
        fi_in, fi_argv, fi_dir = _fasta_index(b.fasta_index, index)
        inputs = {"indata": indata_in, **fi_in, **b.anrop.sokvagar}
        params = {"ar": c.ar, **b.anrop.parametrar}
        k.steg(
            f"berakna_{b.namn}",
            f"berakna {b.namn}: utjämningen enligt {b.regelverk}",
            inputs,
            params,
            lambda ut, b=b, fi_argv=fi_argv: kor_kommando(
                ["berakna", "--ar", str(c.ar), *b.anrop.argv, "--indata", str(indata_dir), *fi_argv, "--ut", str(ut)]
            ),
        )
        k.steg(
            f"forklaring_{b.namn}",
            f"förklaring {b.namn}: revisionsspår per kommun och region",
            inputs,
            params,
            lambda ut, b=b, fi_dir=fi_dir: skriv_forklaring(
                ut,
                ar=c.ar,
                regelverk=b.regelverk,
                indata=indata_dir,
                fasta_index=fi_dir,
                reform=b.anrop.sokvagar.get("reform"),
            ),
        )
    if c.jamforelse is not None:
        j = c.jamforelse
        fi_in, fi_argv, fi_dir = _fasta_index(j.fasta_index, index)
        if j.bas_utfall == "demo":
            from pipelines.demo_indata import write_demo_bas_utfall

            bas = k.steg(
                "bas_utfall",
                "bas-utfall: DEMO (förslaget minus kommitténs förändring, bilaga 4)",
                {"indata": indata_in, **fi_in},
                {"ar": c.ar},
                lambda ut: write_demo_bas_utfall(indata_dir, ut, fasta_index=fi_dir, ar=c.ar),
            )
            bas_in, bas_argv = {"bas_utfall": bas}, ["--bas-utfall", str(bas.katalog)]
        elif j.bas_utfall == "bilaga4":
            bas_in, bas_argv = {}, ["--bas-bilaga4"]
        else:
            bas_in, bas_argv = {"bas_utfall": j.bas_utfall}, ["--bas-utfall", str(j.bas_utfall)]
        k.steg(
            "jamfor",
            f"jamfor: {j.bas} → {j.forslag} (bilaga 4)",
            {"indata": indata_in, **fi_in, **bas_in, **j.anrop.sokvagar},
            # a bas folder (or the demo step's) counts by its contents; only the committee's tables are a setting
            {"ar": c.ar, **({"bas_bilaga4": True} if j.bas_utfall == "bilaga4" else {}), **j.anrop.parametrar},
            lambda ut: kor_kommando(
                [
                    "jamfor",
                    "--ar",
                    str(c.ar),
                    *j.anrop.argv,
                    "--indata",
                    str(indata_dir),
                    *bas_argv,
                    *fi_argv,
                    "--ut",
                    str(ut),
                ]
            ),
        )


# --------------------------------------------------------------------------------------------------------------
# the run


def _korningskatalog(rot: Path, kort: str) -> Path:
    """A new run folder korningar/<UTC time>-<short hash>; within one second the next second is awaited, so names
    are unique and sort in time order."""
    base = rot / KORNINGAR
    base.mkdir(exist_ok=True)
    while True:
        path = base / f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{kort}"
        last = max((p.name for p in base.iterdir() if KORNING_NAMN.match(p.name)), default="")
        if path.name[:16] > last[:16]:
            path.mkdir()
            return path
        time.sleep(0.2)


def kor(konfig: Konfig, *, tyst: bool = False, utforlig: bool = False, logg_json: Path | None = None) -> int:
    """One nightly run; returns the exit code (0, 1, 2, 3, 4 or 130)."""
    info = {"konfig": str(konfig.fil)}  # every JSON log line names the configuration and, once known, the run
    with loggning(tyst=tyst, utforlig=utforlig, logg_json=logg_json, korning=info):
        rot = konfig.utdata
        try:
            indata = konfig.indatafiler()
            forbered_rot(rot, indata)
            las = ta_las(rot)
        except LasetUpptaget as exc:
            log.error("utjamning natt: %s", exc)
            return EXIT_LAST
        except (NattFel, OSError) as exc:
            log.error("utjamning natt: %s", exc)
            return EXIT_INDATA
        try:
            with _avbrott_som_undantag():
                try:
                    hashes = {k: innehall(p) for k, p in sorted(indata.items())}
                except OSError as exc:
                    log.error("utjamning natt: indata kan inte läsas: %s", exc)
                    return EXIT_INDATA
                return _kor_last(konfig, rot, indata, hashes, tyst=tyst, info=info)
        finally:
            slapp_las(las)


@contextlib.contextmanager
def _avbrott_som_undantag() -> Iterator[None]:
    """SIGTERM (systemd stopping the unit, kill) ends the run like Ctrl-C: a failure summary, `senaste` untouched,
    the lock released. Only the main thread can set a signal handler; elsewhere the default stays."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _kor_last(
    konfig: Konfig, rot: Path, indata: dict[str, Path], hashes: dict[str, str], *, tyst: bool, info: dict[str, str]
) -> int:
    t0 = time.time()
    kod = kodversion()
    kort = sha256_json({"konfig": konfig.text, "indata": hashes, "kod": kod})[:8]
    tidigare = senaste_korning(rot)
    run_dir = _korningskatalog(rot, kort)
    info["korning"] = run_dir.name
    lager = Steglager(rot / "steg", kod)
    k = Korning(konfig, rot, lager, run_dir, tyst)
    manifest: dict[str, Any] = {
        "korning": run_dir.name,
        "start": _utc(t0),
        "status": "pågår",
        "konfig": {"fil": str(konfig.fil), "innehall": konfig.text},
        "indata": {key: {"sokvag": str(p), "sha256": hashes[key]} for key, p in sorted(indata.items())},
        "kod": kod,
        "versioner": package_versions(),
        "tidigare_korning": tidigare.name if tidigare else None,
        "steg": {},
    }
    with korningslogg(run_dir / "natt.log"):
        log.info("körning %s startar (konfiguration %s)", run_dir.name, konfig.fil)
        if tidigare is not None:
            log.info("förra lyckade körningen: %s", tidigare.name)
        try:
            kor_steg(k)
            computed = [n for n, r in k.resultat.items() if r.status == "beräknad"]
            if not computed:
                log.info("inga steg räknades om: allt var oförändrat (%d steg återanvända)", len(k.resultat))
            else:
                log.info(
                    "%d steg beräknade (%s), %d återanvända",
                    len(computed),
                    ", ".join(computed),
                    len(k.resultat) - len(computed),
                )
            andringar = _andringar(k, tidigare)
            from pipelines.natt_rapport import skriv_rapport

            kartor = skriv_rapport(k, andringar, manifest)
            manifest["steg"] = {n: r.manifest() for n, r in k.resultat.items()}
            manifest["andringar"] = (
                None
                if andringar is None
                else {
                    "tidigare_korning": andringar.tidigare,
                    "antal_andrade": int(len(andringar.alla)),
                    "antal_over_tolerans": andringar.antal_over,
                    "toleranser": konfig.toleranser,
                    "frysta_matt": andringar.frysta is not None,
                    "anmarkningar": andringar.anmarkningar,
                }
            )
            manifest["kartor"] = kartor
        except BaseException as exc:  # noqa: BLE001 - every failure ends in a failure summary and an exit code
            manifest["steg"] = {n: r.manifest() for n, r in k.resultat.items()}
            code = _misslyckad(k, exc, manifest, tidigare, t0)
            gallra(rot, konfig.behall_korningar, lager, {run_dir.name})
            return code
        manifest.update({"status": "lyckad", "slut": _utc(), "sekunder": round(time.time() - t0, 2)})
        _skriv_manifest(run_dir, manifest)
        publicera(rot, run_dir)
        log.info("publicerad: senaste → %s/%s", KORNINGAR, run_dir.name)
        gallra(rot, konfig.behall_korningar, lager, {run_dir.name})
        over = manifest["andringar"]["antal_over_tolerans"] if manifest["andringar"] else 0
        if over:
            log.warning(
                "%d värden har ändrats utöver toleransen sedan %s: se %s",
                over,
                manifest["andringar"]["tidigare_korning"],
                run_dir / "andringar" / "over_tolerans.csv",
            )
        log.info("klar på %s s: %s", svenskt_tal(time.time() - t0, 1), run_dir / "rapport" / "index.html")
        return EXIT_ANDRINGAR if over else EXIT_OK


def _andringar(k: Korning, tidigare: Path | None) -> na.Andringar | None:
    names = [b.namn for b in k.konfig.berakningar]
    ut = k.katalog / "andringar"
    frysta = na.frysta_matt(k.katalog / "gleshet", k.konfig.toleranser)
    if tidigare is None:
        log.info("ingen tidigare lyckad körning: ingen ändringsrapport")
        if frysta is not None:
            a = na.Andringar.tom(frysta)
            na.skriv(a, ut, k.konfig.csv)
            return a
        return None
    a = na.jamfor_korningar(
        na.las_korning(tidigare, names), na.las_korning(k.katalog, names), k.konfig.toleranser, tidigare.name
    )
    a.frysta = frysta
    if frysta is None:
        a.anmarkningar.append(
            "Gleshetssteget redovisar inte de mått som lagen fryser (medeldistans 2022 för "
            "politisk verksamhet, befolkningsunderlag 2022); de jämförs därför inte här."
        )
    na.skriv(a, ut, k.konfig.csv)
    log.info("ändringar sedan %s: %d värden ändrade, %d utöver toleransen", tidigare.name, len(a.alla), a.antal_over)
    return a


def _skriv_manifest(run_dir: Path, manifest: dict) -> None:
    tmp = run_dir / ".manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, run_dir / "manifest.json")


def _misslyckad(k: Korning, exc: BaseException, manifest: dict, tidigare: Path | None, t0: float) -> int:
    """Failure summary (MISSLYCKAD.txt, Swedish), manifest and log; the exit code: 2 for input errors, 130 for an
    interruption (Ctrl-C, SIGTERM), 3 for bugs."""
    input_error = isinstance(exc, InputError)
    code = EXIT_INDATA if input_error else EXIT_INTERNT
    log.debug("%s", "".join(traceback.format_exception(exc)).rstrip())  # natt.log always, stderr with -v
    done = [f"{n} ({r.status})" for n, r in k.resultat.items()]
    failed_step = next((s for s in _planerade_steg(k.konfig) if s not in k.resultat), "rapporten")
    if isinstance(exc, KeyboardInterrupt):
        kind = "avbruten (Ctrl-C eller signal, felkod 130)"
        code = EXIT_AVBRUTEN
    elif input_error:
        kind = "fel i indata eller konfiguration (felkod 2)"
    else:
        kind = "internt fel, ett fel i programmet (felkod 3); spårutskriften finns i natt.log"
    pekare = (
        f"'senaste' pekar fortfarande på {KORNINGAR}/{tidigare.name}"
        if tidigare is not None
        else "'senaste' finns ännu inte (ingen körning har lyckats)"
    )
    text = (
        "\n".join(
            [
                f"Körningen {k.katalog.name} misslyckades i steget {failed_step}.",
                "",
                f"Fel: {exc}",
                f"Slag: {kind}.",
                "",
                "Steg som blev klara: " + (", ".join(done) if done else "inga") + ".",
                f"Ingenting publicerades: {pekare}.",
                f"Loggen: {k.katalog / 'natt.log'}",
            ]
        )
        + "\n"
    )
    (k.katalog / "MISSLYCKAD.txt").write_text(text, encoding="utf-8")
    manifest.update(
        {
            "status": "misslyckad",
            "slut": _utc(),
            "sekunder": round(time.time() - t0, 2),
            "fel": {"steg": failed_step, "meddelande": str(exc), "typ": type(exc).__name__, "felkod": code},
        }
    )
    _skriv_manifest(k.katalog, manifest)
    log.error("utjamning natt: körningen misslyckades i steget %s: %s", failed_step, exc)
    log.error("%s; sammanfattning: %s", pekare[0].upper() + pekare[1:], k.katalog / "MISSLYCKAD.txt")
    return code


def _planerade_steg(c: Konfig) -> list[str]:
    steps = ["gleshet"] + (["index"] if c.index is not None else []) + (["indata"] if c.demo_indata else [])
    for b in c.berakningar:
        steps += [f"berakna_{b.namn}", f"forklaring_{b.namn}"]
    if c.jamforelse is not None:
        steps += (["bas_utfall"] if c.jamforelse.bas_utfall == "demo" else []) + ["jamfor"]
    return steps
