"""`utjamning natt` without the demo chain: configuration, lock, publication, retention, step store, change
comparison, maps and the Swedish number format. (The chain itself: tests/test_natt_korning.py.)"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.karta import log_ticks, svenskt_tal
from pipelines import natt_andringar as na
from pipelines import natt_korning as nk
from pipelines.cli import main
from pipelines.natt_konfig import KonfigFel, exempel, load_config
from pipelines.natt_steg import Steg, Steglager, innehall

NBSP = "\u00a0"


# --------------------------------------------------------------------------------------------------------------
# configuration


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "natt.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_example_configuration_is_valid_and_runs_the_whole_demo_chain(tmp_path):
    k = load_config(_write(tmp_path, exempel()))
    assert k.utdata == (tmp_path / "natt-ut").resolve()  # relative to the file, i.e. where it was written
    assert k.gleshet.sokvagar["grid"].name == "befolkning_demo.csv.gz"
    assert [b.namn for b in k.berakningar] == ["sou2024", "2024"]
    assert [b.fasta_index for b in k.berakningar] == ["omraknade", "regelverkets"]
    assert k.demo_indata and k.jamforelse.bas_utfall == "demo"
    assert k.gleshet.argv[k.gleshet.argv.index("--thresholds") + 1] == "3000,15000"
    assert k.toleranser["kr_per_inv"] == 1.0 and k.behall_korningar == 30


def test_example_is_printed_by_the_command(capsys):
    assert main(["natt", "--exempel"]) == 0
    assert capsys.readouterr().out == exempel()


@pytest.mark.parametrize(
    "change, fragment",
    [
        ('utdata = "natt-ut"', "utdata: nyckeln saknas"),
        ("[gleshet]", "[gleshet]: tabellen saknas"),
        ('schemalaggare = "threads"', "schemalaggare: 'proc' ska vara"),
        ("ar = 2024", "ar: ska vara ett utjämningsår"),
        (
            '# politisk_troskel = "kapitel"',
            "[index] politisk_troskel: 'mitten' är inte ett av de tillåtna värdena bilaga, kapitel",
        ),
        ("thresholds = [3000, 15000]", "[gleshet] thresholds: ogiltigt värde [3000, -5]"),
        ('regelverk = "2024"', "[berakning 2024] regelverk: okänt regelverk '2099'"),
        (
            'bas_utfall = "demo"',
            "[jamforelse] bas_utfall: 'bilaga5' är varken 'bilaga4' eller 'demo' "
            "eller en sökväg till en mapp som finns",
        ),
        ("kr_per_inv = 1.0", "[toleranser] kr_per_inv: ska vara ett tal ≥ 0"),
        ("behall_korningar = 30", "behall_korningar: ska vara ett heltal ≥ 1, inte 0"),
        ('csv = "standard"', "csv: 'excel' är inte ett av de tillåtna värdena standard, excel-sv"),
    ],
)
def test_a_bad_value_is_an_error_naming_its_key(tmp_path, change, fragment):
    bad = {
        'utdata = "natt-ut"': "",
        "[gleshet]": "[gleshet_x]",
        'schemalaggare = "threads"': 'schemalaggare = "proc"',
        "ar = 2024": 'ar = "2024"',
        '# politisk_troskel = "kapitel"': 'politisk_troskel = "mitten"',
        "thresholds = [3000, 15000]": "thresholds = [3000, -5]",
        'regelverk = "2024"': 'regelverk = "2099"',
        'bas_utfall = "demo"': 'bas_utfall = "bilaga5"',
        "kr_per_inv = 1.0": "kr_per_inv = -1",
        "behall_korningar = 30": "behall_korningar = 0",
        'csv = "standard"': 'csv = "excel"',
    }[change]
    text = exempel()
    assert change in text
    with pytest.raises(KonfigFel) as err:
        load_config(_write(tmp_path, text.replace(change, bad, 1)))
    assert fragment in str(err.value)


def test_unknown_keys_and_missing_files_are_all_listed_and_exit_2(tmp_path, capsys):
    text = (
        exempel()
        .replace("\n[gleshet]\n", '\n[gleshet]\ngird = "x.csv"\n')
        .replace("\n[index]\n", '\n[index]\nskatta_mot = "finns_inte.csv"\n')
        .replace("\n[rapport]\n", "\n[rapport]\nfarg = 1\n")
    )
    text = "tidszon = 1\n" + text
    p = _write(tmp_path, text)
    with pytest.raises(KonfigFel) as err:
        load_config(p)
    msg = str(err.value)
    assert "har 4 fel" in msg
    assert "  - tidszon: okänd nyckel" in msg
    assert "[gleshet] gird: okänd nyckel (tillåtna nycklar: " in msg and "grid" in msg
    assert f"[index] skatta_mot: {(tmp_path / 'finns_inte.csv').resolve()} finns inte" in msg
    assert "[rapport] farg: okänd nyckel" in msg
    assert main(["natt", "--konfig", str(p)]) == 2
    err_text = capsys.readouterr().err
    assert "gird" in err_text and "Traceback" not in err_text
    assert not (tmp_path / "natt-ut").exists()  # nothing ran, nothing written


def test_options_natt_sets_itself_and_exclusive_options_are_refused(tmp_path):
    text = (
        exempel()
        .replace("\n[gleshet]\n", '\n[gleshet]\nout = "x"\ncsv = "excel-sv"\n')
        .replace("\n[index]\n", '\n[index]\nkalibrera_mot = "."\nskatta_mot = "natt.toml"\n')
    )
    with pytest.raises(KonfigFel) as err:
        load_config(_write(tmp_path, text))
    msg = str(err.value)
    assert "[gleshet] out: sätts av natt" in msg
    # the steps' tables are read back by natt, so their dialect is natt's (the top-level csv is the report's)
    assert "[gleshet] csv: sätts av natt" in msg
    assert "[index] skatta_mot: kan inte anges tillsammans med kalibrera_mot" in msg  # svensk_argparse.oversatt


def test_parser_messages_name_keys_and_ar_is_checked_as_the_commands_check_it(tmp_path):
    text = exempel().replace("ar = 2024", "ar = 1980").replace('\ngrid = "', '\ntatorter = "')
    with pytest.raises(KonfigFel) as err:
        load_config(_write(tmp_path, text))
    msg = str(err.value)
    assert "  - ar: 1980: utjämningsåret ska vara ett årtal (1990–2100)" in msg  # argtypes.ar, as --ar
    assert "  - [gleshet]: följande argument krävs: grid\n" in msg + "\n"
    assert load_config(_write(tmp_path, exempel().replace("ar = 2024", "ar = 1995"))).ar == 1995


def test_json_log_in_a_missing_folder_is_a_usage_error(tmp_path, capsys):
    p = _write(tmp_path, exempel())
    assert main(["natt", "--konfig", str(p), "--logg-json", str(tmp_path / "saknas" / "natt.jsonl")]) == 2
    assert "--logg-json" in capsys.readouterr().err and not (tmp_path / "natt-ut").exists()


def test_a_config_that_is_not_toml_is_an_input_error(tmp_path):
    with pytest.raises(KonfigFel, match="inte giltig TOML"):
        load_config(_write(tmp_path, "utdata = \n"))


# --------------------------------------------------------------------------------------------------------------
# lock, output root, publication, retention


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_lock_prevents_a_second_run_and_a_stale_lock_is_taken_over(tmp_path, caplog):
    lock = nk.ta_las(tmp_path)
    held = json.loads(lock.read_text())
    assert held["pid"] == os.getpid() and held["vard"] == socket.gethostname()
    with pytest.raises(nk.LasetUpptaget, match="en annan körning håller låset"):
        nk.ta_las(tmp_path)
    nk.slapp_las(lock)
    assert not lock.exists()
    # a killed run's lock: its process is gone
    lock.write_text(
        json.dumps({"pid": _dead_pid(), "vard": socket.gethostname(), "start": "x", "start_epoch": time.time() - 60})
    )
    with caplog.at_level("WARNING", logger="utjamning"):
        nk.ta_las(tmp_path)
    assert "tar över ett inaktuellt lås" in caplog.text and "finns inte längre" in caplog.text
    assert json.loads(lock.read_text())["pid"] == os.getpid()
    nk.slapp_las(lock)


def test_lock_whose_pid_was_reused_is_stale_but_a_live_one_is_not():
    me = {"pid": os.getpid(), "vard": socket.gethostname(), "start_epoch": time.time()}
    assert nk.las_ar_inaktuellt(me) is None
    assert "används nu av en annan process" in nk.las_ar_inaktuellt({**me, "start_epoch": 1_000_000.0})
    assert nk.las_ar_inaktuellt({**me, "vard": "en-annan-dator"}) is None  # another host's lock: cannot judge


def test_a_held_lock_exits_4_and_writes_no_run(tmp_path, capsys):
    p = _write(tmp_path, exempel())
    root = tmp_path / "natt-ut"
    root.mkdir()
    (root / nk.MARKOR).write_text("x")
    (root / nk.LASFIL).write_text(
        json.dumps({"pid": os.getpid(), "vard": socket.gethostname(), "start": "nu", "start_epoch": time.time()})
    )
    assert main(["natt", "--konfig", str(p)]) == 4
    assert "håller låset" in capsys.readouterr().err
    assert not (root / nk.KORNINGAR).exists()


def test_an_internal_error_exits_3_with_a_summary_and_the_traceback_in_the_log(tmp_path, monkeypatch, capsys):
    p = _write(tmp_path, exempel())

    def boom(k):
        raise ZeroDivisionError("ett fel i programmet")

    monkeypatch.setattr(nk, "kor_steg", boom)
    assert main(["natt", "--konfig", str(p)]) == 3
    err = capsys.readouterr().err
    assert "misslyckades i steget gleshet: ett fel i programmet" in err and "Traceback" not in err
    (run,) = (tmp_path / "natt-ut" / nk.KORNINGAR).iterdir()
    assert "internt fel" in (run / "MISSLYCKAD.txt").read_text()
    assert "'senaste' finns ännu inte" in (run / "MISSLYCKAD.txt").read_text()
    log = (run / "natt.log").read_text()
    assert "Traceback" in log and "ZeroDivisionError" in log
    assert json.loads((run / "manifest.json").read_text())["fel"]["felkod"] == 3
    assert not (tmp_path / "natt-ut" / "senaste.json").exists() and not (tmp_path / "natt-ut" / nk.LASFIL).exists()
    assert main(["natt", "--konfig", str(p), "-v"]) == 3  # -v: the traceback on stderr too
    assert "Traceback" in capsys.readouterr().err


def test_sigterm_ends_the_run_with_a_summary_and_releases_the_lock(tmp_path, monkeypatch):
    import signal

    p = _write(tmp_path, exempel())
    monkeypatch.setattr(nk, "kor_steg", lambda k: os.kill(os.getpid(), signal.SIGTERM))
    before = signal.getsignal(signal.SIGTERM)
    assert main(["natt", "--konfig", str(p), "-q"]) == 130  # interrupted, not a bug (3)
    (run,) = (tmp_path / "natt-ut" / nk.KORNINGAR).iterdir()
    assert "avbruten (Ctrl-C eller signal, felkod 130)" in (run / "MISSLYCKAD.txt").read_text()
    assert json.loads((run / "manifest.json").read_text())["fel"]["felkod"] == 130
    assert not (tmp_path / "natt-ut" / nk.LASFIL).exists()
    assert signal.getsignal(signal.SIGTERM) is before  # the handler is restored


def test_output_root_that_is_a_strangers_folder_or_the_working_directory_is_refused(tmp_path, monkeypatch):
    stranger = tmp_path / "annans"
    stranger.mkdir()
    (stranger / "viktig.txt").write_text("rör mig inte")
    with pytest.raises(nk.NattFel, match="inte skapats av utjamning natt"):
        nk.forbered_rot(stranger, {})
    monkeypatch.chdir(stranger)
    with pytest.raises(nk.NattFel, match="arbetsmappen"):
        nk.forbered_rot(tmp_path, {})
    grid = tmp_path / "in" / "grid.csv"
    grid.parent.mkdir()
    grid.write_text("x")
    with pytest.raises(nk.NattFel, match="överlappar"):
        nk.forbered_rot(tmp_path / "in", {"gleshet.grid": grid})
    with pytest.raises(nk.NattFel, match="programmets mapp data/"):  # would change the code version
        nk.forbered_rot(nk.ROOT / "data" / "natt-ut", {})
    assert not (nk.ROOT / "data" / "natt-ut").exists()
    assert (stranger / "viktig.txt").read_text() == "rör mig inte"


def _fake_run(root: Path, name: str, steps: dict[str, str]) -> Path:
    d = root / nk.KORNINGAR / name
    d.mkdir(parents=True)
    (d / "manifest.json").write_text(json.dumps({"steg": {s: {"nyckel": k} for s, k in steps.items()}}))
    return d


def test_publication_and_retention_keep_senaste_and_the_newest_runs(tmp_path):
    lager = Steglager(tmp_path / "steg", {"kod": "x"})
    for key in ("a" * 64, "b" * 64, "c" * 64):
        e = lager.katalog("gleshet", key)
        (e / "data").mkdir(parents=True)
        (e / "steg.json").write_text("{}")
    names = [f"2026010{i}T020000Z-0000000{i}" for i in range(1, 5)]
    _fake_run(tmp_path, names[0], {"gleshet": "a" * 64})
    _fake_run(tmp_path, names[1], {"gleshet": "b" * 64})
    _fake_run(tmp_path, names[2], {"gleshet": "b" * 64})
    _fake_run(tmp_path, names[3], {"gleshet": "c" * 64})
    nk.publicera(tmp_path, tmp_path / nk.KORNINGAR / names[0])  # an old good run is senaste
    assert os.readlink(tmp_path / "senaste") == f"korningar/{names[0]}"
    assert nk.senaste_korning(tmp_path).name == names[0]
    deleted = nk.gallra(tmp_path, 2, lager, {names[3]})
    assert deleted == [names[1]]  # senaste's target is never deleted
    assert sorted(p.name for p in (tmp_path / nk.KORNINGAR).iterdir()) == [names[0], names[2], names[3]]
    assert sorted(p.name for p in (tmp_path / "steg" / "gleshet").iterdir()) == ["a" * 64, "b" * 64, "c" * 64]
    # a killed run's temporary store folder (its run marker no longer locked) goes; a stranger's folder stays
    from pipelines.outputs import RUN_MARKER

    killed = tmp_path / "steg" / "gleshet" / f".{'d' * 64}.tmp-0123456789ab"
    killed.mkdir()
    (killed / RUN_MARKER).write_text("pid 1\n")
    stranger = tmp_path / "steg" / "gleshet" / "anteckningar"
    stranger.mkdir()
    nk.publicera(tmp_path, tmp_path / nk.KORNINGAR / names[3])
    nk.gallra(tmp_path, 1, lager, set())
    assert not killed.exists() and stranger.exists()
    stranger.rmdir()
    assert [p.name for p in (tmp_path / nk.KORNINGAR).iterdir()] == [names[3]]
    assert [p.name for p in (tmp_path / "steg" / "gleshet").iterdir()] == ["c" * 64]  # unreferenced steps go too
    assert json.loads((tmp_path / "senaste.json").read_text())["korning"] == names[3]


# --------------------------------------------------------------------------------------------------------------
# step store


def test_step_store_reuses_verifies_and_recomputes_a_damaged_entry(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("1\n")
    calls = []

    def kor(ut: Path) -> None:
        calls.append(ut)
        ut.mkdir()
        (ut / "ut.txt").write_text(str(int(src.read_text()) * 2))
        (ut / "manifest.json").write_text(json.dumps({"tid": time.time()}))

    lager = Steglager(tmp_path / "steg", {"kod": "v1"})
    step = Steg("dubbla", "dubbla talet", {"in": src}, {"p": 1}, kor)
    a = lager.hamta_eller_kor(step)
    b = lager.hamta_eller_kor(step)
    assert (a.status, b.status, len(calls)) == ("beräknad", "återanvänd", 1)
    assert (b.katalog / "ut.txt").read_text() == "2" and a.innehall == b.innehall
    (b.katalog / "ut.txt").write_text("9")  # damaged in place
    c = lager.hamta_eller_kor(step)
    assert c.status == "beräknad" and (c.katalog / "ut.txt").read_text() == "2" and len(calls) == 2
    src.write_text("2\n")  # new input → new key
    d = lager.hamta_eller_kor(step)
    assert d.nyckel != c.nyckel and (d.katalog / "ut.txt").read_text() == "4"
    assert Steglager(tmp_path / "steg", {"kod": "v2"}).nyckel(step)[0] != d.nyckel  # code version in the key
    # the manifest (timings) is not content: a recomputation with the same result has the same content hash
    (c.katalog.parent / "steg.json").unlink()
    src.write_text("1\n")
    e = lager.hamta_eller_kor(step)
    assert e.status == "beräknad" and e.innehall == a.innehall


def test_a_failing_step_leaves_nothing_in_the_store(tmp_path):
    def kor(ut: Path) -> None:
        ut.mkdir()
        (ut / "halv.txt").write_text("x")
        raise ValueError("trasig indata")

    lager = Steglager(tmp_path / "steg", {"kod": "v1"})
    with pytest.raises(ValueError):
        lager.hamta_eller_kor(Steg("s", "s", {}, {}, kor))
    assert list((tmp_path / "steg" / "s").iterdir()) == []


def test_folder_content_hash_is_order_and_location_independent(tmp_path):
    for name in ("a", "b"):
        d = tmp_path / name
        (d / "sub").mkdir(parents=True)
        (d / "x.csv").write_text("1")
        (d / "sub" / "y.csv").write_text("2")
    assert innehall(tmp_path / "a") == innehall(tmp_path / "b")
    (tmp_path / "b" / "manifest.json").write_text('{"timings_s": 1.5}')  # a manifest is not content
    assert innehall(tmp_path / "a") == innehall(tmp_path / "b")
    (tmp_path / "b" / "sub" / "y.csv").write_text("3")
    assert innehall(tmp_path / "a") != innehall(tmp_path / "b")


# --------------------------------------------------------------------------------------------------------------
# change comparison


def _long(values: dict[tuple[str, str, str], float]) -> pd.DataFrame:
    rows = [
        {
            "kalla": k[0],
            "niva": "kommun",
            "kod": k[1],
            "namn": f"K{k[1]}",
            "storhet": k[2],
            "rubrik": na.storhet_info(k[2])[0],
            "enhet": na.storhet_info(k[2])[1],
            "klass": na.storhet_info(k[2])[2],
            "varde": v,
        }
        for k, v in values.items()
    ]
    return pd.DataFrame(rows, columns=na.KOLUMNER)


def test_changes_beyond_tolerance_per_unit_class():
    tol = {
        "km": 0.01,
        "kr_per_inv": 1.0,
        "index": 0.00005,
        "invanare": 0.5,
        "antal": 0.5,
        "m": 1,
        "andel": 1e-4,
        "ovrigt": 1e-6,
    }
    before = _long(
        {
            ("gleshet", "0114", "avstand_3000_km"): 1.000,
            ("gleshet", "0115", "avstand_3000_km"): 2.0,
            ("berakna_x", "0114", "utjamning.totalt"): 100.0,
            ("berakna_x", "0115", "utjamning.totalt"): 50.0,
            ("index", "0114", "glesbygd_forskola"): 1.0001,
            ("index", "0115", "glesbygd_forskola"): np.nan,
        }
    )
    after = _long(
        {
            ("gleshet", "0114", "avstand_3000_km"): 1.005,
            ("gleshet", "0115", "avstand_3000_km"): 2.02,
            ("berakna_x", "0114", "utjamning.totalt"): 100.9,
            ("berakna_x", "0115", "utjamning.totalt"): 48.5,
            ("index", "0114", "glesbygd_forskola"): 1.0001,
            ("index", "0115", "glesbygd_forskola"): 1.2,
        }
    )
    a = na.jamfor_korningar(before, after, tol, "förra")
    got = {
        (r.kalla, r.kod, r.storhet): (round(r.forandring, 6) if pd.notna(r.forandring) else None, r.over_tolerans)
        for r in a.alla.itertuples()
    }
    assert got == {
        ("gleshet", "0114", "avstand_3000_km"): (0.005, False),  # 5 m < 10 m
        ("gleshet", "0115", "avstand_3000_km"): (0.02, True),
        ("berakna_x", "0114", "utjamning.totalt"): (0.9, False),  # 0,9 kr/inv < 1
        ("berakna_x", "0115", "utjamning.totalt"): (-1.5, True),
        ("index", "0115", "glesbygd_forskola"): (None, True),
    }  # a value that appeared
    assert a.antal_over == 3
    s = a.sammanfattning.set_index(["kalla", "storhet"])
    assert s.loc[("berakna_x", "utjamning.totalt"), "storsta_andring"] == pytest.approx(-1.5)
    assert s.loc[("berakna_x", "utjamning.totalt"), "storst_hos"] == "K0115"
    assert na.jamfor_korningar(after, after, tol, "förra").alla.empty


@pytest.mark.parametrize("dialekt, sep", [("standard", ","), ("excel-sv", ";")])
def test_change_report_writes_full_precision_in_the_runs_dialect(tmp_path, dialekt, sep):
    """One inhabitant more in a population of 2 724 346 (Stockholms län) is beyond tolerance: the report must show
    two different numbers, not 2.72435e+06 twice."""
    tol = {"invanare": 0.5, "km": 0.01, "kr_per_inv": 1.0, "index": 5e-5, "antal": 0.5, "m": 1, "andel": 1e-4}
    a = na.jamfor_korningar(
        _long({("gleshet", "0180", "befolkning"): 2724346.0}),
        _long({("gleshet", "0180", "befolkning"): 2724347.0}),
        tol | {"ovrigt": 1e-6},
        "förra",
    )
    assert a.antal_over == 1
    paths = na.skriv(a, tmp_path, dialekt)
    over = (tmp_path / "over_tolerans.csv").read_text(encoding="utf-8-sig").splitlines()
    head, row = over[0].split(sep), over[1].split(sep)
    values = {h: v.replace(",", ".") for h, v in zip(head, row, strict=True)}
    assert float(values["Förra körningen"]) == 2724346 and float(values["Denna körning"]) == 2724347
    assert float(values["Förändring"]) == 1
    assert "e+" not in "".join(over)
    assert (tmp_path / "over_tolerans.csv").read_bytes().startswith(b"\xef\xbb\xbf") == (dialekt == "excel-sv")
    assert {p.name for p in paths} == {"andringar.csv", "over_tolerans.csv", "sammanfattning.csv"}


def test_column_headings_and_units():
    # the measures' headings are the catalogue's, the same as in gleshet.xlsx
    assert na.storhet_info("avstand_15000_km") == (f"Medeldistans 15{NBSP}000 invånare", "km", "km")
    assert na.storhet_info("merkostnadsindex_bilaga") == (
        "Merkostnadsindex, bilagans läsning av tröskeln",
        "index",
        "index",
    )
    assert na.storhet_info("regionalt_befolkningsunderlag") == ("Regionalt befolkningsunderlag", "invånare", "invanare")
    assert na.storhet_info("glesbygd_hemtjanst") == ("Glesbygdsindex hemtjänst", "index", "index")
    # engine results take the one heading catalogue (pipelines/rubriker.py), the same as the XLSX sheets
    assert na.storhet_info("inkomstutjamning.inkomstutjamning") == (
        "Inkomstutjämningsbidrag (+) / -avgift (−)",
        "kr/inv",
        "kr_per_inv",
    )
    assert na.storhet_info("forskola.socioekonomi")[0] == "Förskola: socioekonomi"
    assert na.komponent_rubrik("forskola.socioekonomi_kr") == "socioekonomi"
    assert na.storhet_info("lss.personalkostnadsindex")[1:] == ("index", "index")
    assert na.storhet_info("efterslapning.uppfyller_kriterier")[1] == "1 = ja"


KPIF_2025 = (
    "namn: kpif2025\nandringar:\n  allmant.kpif: {2017: 2.0, 2018: 2.1, 2019: 1.7, 2020: 0.5, 2021: 2.4, 2022: 7.7, "
    "2023: 6.0, 2024: 2.7, 2025: 2.0}\n"
)


def test_explanation_and_demo_bas_take_the_law_of_the_configured_year(tmp_path, monkeypatch):
    """natt's ``ar`` reaches the law: the explanation step resolves the rule set for that year (not the latest year
    its values start, 2024), and the DEMO bas step computes the proposal for it — for 2025 the proposal needs KPIF
    2025, which the bilaga does not give (SOU 2024:50 s. 79), so without a reform that is an error naming it."""
    import engine.model as em
    from engine.params import ParameterError
    from pipelines.demo_indata import write_demo_bas_utfall, write_demo_inputs

    write_demo_inputs(tmp_path / "in", 2025)
    reform = tmp_path / "kpif.yaml"
    reform.write_text(KPIF_2025, encoding="utf-8")
    seen = []
    build_ctx = em.build_ctx
    monkeypatch.setattr(em, "build_ctx", lambda ind, p, fi: seen.append(p.ar) or build_ctx(ind, p, fi))
    nk.skriv_forklaring(
        tmp_path / "f", ar=2025, regelverk="sou2024", indata=tmp_path / "in", fasta_index=None, reform=reform
    )
    assert seen == [2025]
    assert json.loads((tmp_path / "f" / "forklaring.json").read_text(encoding="utf-8"))["ar"] == 2025
    with pytest.raises(ParameterError, match="KPIF för år 2025"):
        write_demo_bas_utfall(tmp_path / "in", tmp_path / "bas", ar=2025)


# --------------------------------------------------------------------------------------------------------------
# number format and maps


def test_swedish_number_format():
    assert svenskt_tal(1234567) == f"1{NBSP}234{NBSP}567"
    assert svenskt_tal(83.0) == "83"  # integers as integers
    assert svenskt_tal(0.5) == "0,5"
    assert svenskt_tal(12.3456) == "12,35"
    assert svenskt_tal(-2486.7) == f"\u22122{NBSP}487"
    assert svenskt_tal(1.5, tecken=True) == "+1,5" and svenskt_tal(0.0, tecken=True) == "0"
    assert svenskt_tal(-0.00001) == "0"  # no "−0"
    assert svenskt_tal(float("nan")) == "–" and svenskt_tal(None) == "–"
    assert svenskt_tal(1234.5, 2) == f"1{NBSP}234,50"


def test_log_ticks_are_the_1_2_5_series_inside_the_range():
    assert log_ticks(0.34, 83.3) == [0.5, 1, 2, 5, 10, 20, 50]
    assert log_ticks(0.9, 3.1) == [1, 1.5, 2, 3]


@pytest.fixture(scope="module")
def boundaries():
    from geo.kommuner import load_kommun_boundaries

    return load_kommun_boundaries(None)


def test_maps_are_deterministic_non_blank_and_grey_where_a_value_is_missing(tmp_path, boundaries):
    from PIL import Image

    from geo.karta import gleshet_kartor, kommun_karta

    codes = boundaries["kommun_kod"].to_numpy()
    rng = np.random.default_rng(1)
    table = pd.DataFrame(
        {
            "kommun_kod": codes,
            "avstand_3000_km": rng.lognormal(1, 1, len(codes)),
            "avstand_15000_km": rng.lognormal(2, 1, len(codes)),
        }
    )
    paths = gleshet_kartor(boundaries, table, [3000, 15000], tmp_path, kalla="test", ar=2024, dpi=40)
    assert [p.name for p in paths] == ["karta_3000.png", "karta_15000.png"]
    first = hashlib.sha256(paths[0].read_bytes()).hexdigest()
    gleshet_kartor(boundaries, table, [3000], tmp_path, kalla="test", ar=2024, dpi=40)
    assert hashlib.sha256(paths[0].read_bytes()).hexdigest() == first  # same values → same bytes
    assert b"Matplotlib" not in paths[0].read_bytes()  # no version metadata
    img = np.asarray(Image.open(paths[0]).convert("RGB")).reshape(-1, 3)
    assert len(np.unique(img, axis=0)) > 50  # a coloured map, not a blank page
    change = pd.Series(np.where(np.arange(len(codes)) % 2, 1.0, -1.0), index=codes)
    change.iloc[0] = np.nan
    p = kommun_karta(
        boundaries,
        change,
        tmp_path / "d.png",
        titel="Ändring",
        enhet="km",
        storhet="Ändring",
        kalla="test",
        skala="divergerande",
        dpi=40,
    )
    img = np.asarray(Image.open(p).convert("RGB")).reshape(-1, 3)
    colours = {tuple(c) for c in np.unique(img, axis=0)}
    assert (208, 208, 208) in colours  # the grey of a missing value
    assert any(r > 150 and b < 120 for r, g, b in colours) and any(b > 150 and r < 120 for r, g, b in colours)
