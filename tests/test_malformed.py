"""The corpus of malformed inputs (tests/malformed, issue 9) through every command: each case ends in its exit code
and message, a failing run touches nothing (sentinel file, earlier output and inputs byte for byte unchanged, no
temporary folder left), a valid-but-odd input computes. Also the output-path cases of the issue, each with a file that
must survive."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipelines.cli import main
from pipelines.outputs import write_manifest

CORPUS = Path(__file__).resolve().parent / "malformed"
ROOT = CORPUS.parent.parent
with open(CORPUS / "fall.csv", encoding="utf-8") as _fh:
    CASES = list(csv.DictReader(_fh))


@pytest.fixture(scope="session")
def base(tmp_path_factory) -> Path:
    """Valid inputs of every command: demo indata and bas-utfall, a measure table, fasta index copies."""
    from engine.register import FASTA_INDEX_DIR, kommuner
    from pipelines.demo_indata import write_demo_bas_utfall, write_demo_inputs

    d = tmp_path_factory.mktemp("bas")
    write_demo_inputs(d / "indata", 2024)
    write_demo_bas_utfall(d / "indata", d / "bas")
    shutil.copytree(FASTA_INDEX_DIR, d / "fasta_index")
    shutil.copytree(FASTA_INDEX_DIR, d / "referens")
    # a measure table shaped like `utjamning gleshet`'s: distances that rise with the published hemtjänst index
    k = kommuner()
    ref = pd.read_csv(FASTA_INDEX_DIR / "fasta_index_kommuner_del1.csv").set_index("kommun")
    pop = pd.read_csv(d / "indata" / "kommuner.csv", dtype={"kommun_kod": str}).set_index("kommun_kod")
    d3 = np.exp(
        12.0 * (ref.loc[k["kommun"].replace({"Stenungssund": "Stenungsund"}), "glesbygd_hemtjanst"].to_numpy() - 1.0)
    )
    (d / "matt").mkdir()
    pd.DataFrame(
        {
            "kommun_kod": k["kommun_kod"],
            "kommun": k["kommun"],
            "lan_kod": k["lan_kod"],
            "befolkning": pop.loc[k["kommun_kod"], "folkmangd_31dec_t2"].astype(int).to_numpy(),
            "avstand_3000_km": np.round(d3, 6),
            "avstand_15000_km": np.round(2.5 * d3, 6),
            "medeldistans_km": np.round(1.2 * d3, 6),
        }
    ).to_csv(d / "matt" / "kommuner.csv", index=False)
    return d


def _patch(path: Path, patch: Path) -> None:
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    p = pd.read_csv(patch, dtype=str, keep_default_na=False)
    key = p.columns[0]
    last = None
    for row in p.itertuples(index=False):
        k, col, val = row
        if col == "*dubblera*":
            t = pd.concat([t, t[t[key] == k].iloc[[0]]], ignore_index=True)
            last = len(t) - 1
            continue
        idx = [last] if k == "*sista*" else t.index[t[key] == k].tolist()
        assert idx, f"{patch}: no row {key} = {k}"
        t.loc[idx[0], col] = val
    t.to_csv(path, index=False)


def _tree(d: Path) -> dict[str, str]:
    return {
        str(p.relative_to(d)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.rglob("*")) if p.is_file()
    }


def _run(argv: list[str], capsys) -> tuple[int, str]:
    try:
        rc = main(argv)
    except SystemExit as exc:  # argparse usage errors
        rc = exc.code
    return rc, capsys.readouterr().err


def _argv(case: dict, w: Path) -> list[str]:
    extra = case["extra"].replace("{tmp}", str(w)).split() if case["extra"] else []
    cmd = case["kommando"]
    if cmd == "berakna":
        argv = [
            "berakna",
            "--ar",
            "2024",
            "--regelverk",
            "sou2024",
            "--indata",
            str(w / "indata"),
            "--ut",
            str(w / "ut"),
        ]
        if case["mal"].startswith("fasta_index/"):
            argv += ["--fasta-index", str(w / "fasta_index")]
    elif cmd == "jamfor":
        argv = ["jamfor", "--indata", str(w / "indata"), "--ut", str(w / "ut")]
        if "--bas-bilaga4" not in extra:
            argv += ["--bas-utfall", str(w / "bas")]
    elif cmd == "forklara":
        argv = ["forklara", "--kommun", "0127", "--indata", str(w / "indata")]
    elif cmd == "index":
        argv = ["index", "--matt", str(w / "matt"), "--referens", str(w / "referens"), "--ut", str(w / "ut")]
    else:
        argv = ["gleshet", "--grid", str(w / "grid.csv"), "--out", str(w / "ut"), "--no-karta"]
    if case["mal"] == "reform":
        argv += ["--reform", str(w / Path(case["fil"]).name)]
    return argv + extra


def test_the_corpus_table_is_complete():
    files = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file()} - {"fall.csv", "README.md"}
    used = {c["fil"] for c in CASES if c["fil"]} | {"grid/giltig.csv"}
    assert files == used, "every corpus file belongs to a case"
    assert {c["kommando"] for c in CASES} == {"berakna", "jamfor", "forklara", "index", "gleshet"}
    assert len({c["fall"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["fall"] for c in CASES])
def test_malformed_input(case, base, tmp_path, monkeypatch, capsys):
    w = tmp_path
    for sub in ("indata", "bas", "matt", "fasta_index", "referens"):
        shutil.copytree(base / sub, w / sub)
    shutil.copyfile(CORPUS / "grid" / "giltig.csv", w / "grid.csv")
    mal, fil = case["mal"], case["fil"]
    if mal == "reform":
        shutil.copyfile(CORPUS / fil, w / Path(fil).name)
    elif mal == "grid":
        shutil.copyfile(CORPUS / fil, w / "grid.csv")
    elif mal.endswith("+"):
        _patch(w / mal[:-1], CORPUS / fil)
    elif mal.endswith("@cp1252"):
        target = w / mal.split("@")[0]
        target.write_bytes(target.read_text(encoding="utf-8").encode("cp1252"))
    elif mal:
        shutil.copyfile(CORPUS / fil, w / mal)
    # an earlier output of the tool, a sentinel beside it
    (w / "ut").mkdir()
    (w / "ut" / "resultat.csv").write_text("tidigare\n", encoding="utf-8")
    write_manifest(w / "ut", command=case["kommando"], arguments={}, inputs={})
    (w / "anteckningar.txt").write_text("får inte försvinna\n", encoding="utf-8")
    monkeypatch.chdir(w)
    before = _tree(w)

    rc, err = _run(_argv(case, w), capsys)
    assert rc == int(case["exit"]), err
    assert case["fragment"].replace("{indata}", str(w / "indata")) in err
    assert "Traceback" not in err
    if rc != 0:
        assert _tree(w) == before  # nothing touched, nothing left behind
        assert sorted(p.name for p in w.iterdir() if p.name.startswith(".")) == []
    else:
        assert (w / "anteckningar.txt").read_text(encoding="utf-8") == "får inte försvinna\n"
        if case["kommando"] != "forklara":
            assert not (w / "ut" / "resultat.csv").exists() and (w / "ut" / "manifest.json").is_file()
        if "Ovanligt värde" in case["fragment"]:
            assert "Ovanligt värde i indata" in (w / "ut" / "anmarkningar.txt").read_text(encoding="utf-8")


# --- the output-path cases of the issue: each refused with exit 2, the file that must survive survives ------------


def _indata(base: Path, w: Path) -> Path:
    shutil.copytree(base / "indata", w / "indata")
    return w / "indata"


@pytest.mark.parametrize("target", [".", "..", "indata", "indata/kommuner.csv", "notes.txt", "mapp", "{repo}"])
def test_berakna_refuses_an_output_that_would_lose_data(target, base, tmp_path, monkeypatch, capsys):
    w = tmp_path / "p"
    w.mkdir()
    indata = _indata(base, w)
    (w / "notes.txt").write_text("notes\n", encoding="utf-8")
    (w / "mapp").mkdir()
    (w / "mapp" / "egen.txt").write_text("min\n", encoding="utf-8")
    monkeypatch.chdir(w)
    before = _tree(tmp_path)
    rc, err = _run(
        [
            "berakna",
            "--ar",
            "2024",
            "--regelverk",
            "sou2024",
            "--indata",
            "indata",
            "--ut",
            target.replace("{repo}", str(ROOT)),
        ],
        capsys,
    )
    assert rc == 2 and err.startswith("utjamning berakna: --ut ") and "Traceback" not in err
    assert _tree(tmp_path) == before and (w / "notes.txt").read_text() == "notes\n"
    assert indata.is_dir()


def test_gleshet_refuses_the_grids_folder_and_index_its_measures(base, tmp_path, monkeypatch, capsys):
    g = tmp_path / "rutor"
    g.mkdir()
    shutil.copyfile(CORPUS / "grid" / "giltig.csv", g / "grid.csv")
    (g / "las_mig.txt").write_text("behåll\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    before = _tree(tmp_path)
    rc, err = _run(["gleshet", "--grid", str(g / "grid.csv"), "--out", str(g)], capsys)
    assert rc == 2 and "--ut" in err and "indata (--grid" in err
    shutil.copytree(base / "matt", tmp_path / "matt")
    before = _tree(tmp_path)
    rc, err = _run(["index", "--matt", "matt", "--ut", "matt"], capsys)
    assert rc == 2 and "samma sökväg som indata (--matt" in err
    assert _tree(tmp_path) == before


def test_jamfor_refuses_its_bas_and_forklara_a_strangers_file(base, tmp_path, monkeypatch, capsys):
    indata = _indata(base, tmp_path)
    shutil.copytree(base / "bas", tmp_path / "bas")
    (tmp_path / "brev.md").write_text("Kära …\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    before = _tree(tmp_path)
    rc, err = _run(["jamfor", "--indata", str(indata), "--bas-utfall", "bas", "--ut", "bas"], capsys)
    assert rc == 2 and "indata (--bas-utfall" in err
    rc, err = _run(["forklara", "--kommun", "Botkyrka", "--indata", str(indata), "--ut", "brev.md"], capsys)
    assert rc == 2 and "inte skriven av utjamning" in err
    assert _tree(tmp_path) == before
    rc, err = _run(["forklara", "--kommun", "Botkyrka", "--indata", str(indata), "--ut", "ny/mapp/rapport.md"], capsys)
    assert rc == 0 and (tmp_path / "ny" / "mapp" / "rapport.md").read_text(encoding="utf-8").startswith(
        "<!-- utjamning forklara -->\n# Botkyrka (0127)"
    )
    rc, err = _run(["forklara", "--kommun", "Botkyrka", "--indata", str(indata), "--ut", "ny/mapp/rapport.md"], capsys)
    assert rc == 0  # its own report may be replaced


def test_a_successful_run_replaces_only_its_own_earlier_output(base, tmp_path, monkeypatch, capsys):
    indata = _indata(base, tmp_path)
    monkeypatch.chdir(tmp_path)
    argv = ["berakna", "--ar", "2024", "--regelverk", "sou2024", "--indata", str(indata), "--ut", "ut"]
    assert _run(argv, capsys)[0] == 0
    first = _tree(tmp_path / "ut")
    assert _run(argv, capsys)[0] == 0
    second = _tree(tmp_path / "ut")
    assert {k: v for k, v in first.items() if k != "manifest.json"} == {
        k: v for k, v in second.items() if k != "manifest.json"
    }  # same input → same bytes
    (tmp_path / "ut" / "mina_kommentarer.txt").write_text("viktigt\n", encoding="utf-8")
    rc, err = _run(argv, capsys)
    assert rc == 2 and "mina_kommentarer.txt" in err
    assert (tmp_path / "ut" / "mina_kommentarer.txt").read_text() == "viktigt\n"
