"""Atomic output directories and manifests (pipelines/outputs.py)."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import stat

import pytest

from pipelines.outputs import (
    RUN_MARKER,
    OutputPathError,
    atomic_output_dir,
    atomic_output_file,
    check_output_dir,
    clean_stale,
    write_manifest,
)


def test_failed_run_leaves_nothing_and_keeps_previous_output(tmp_path):
    final = tmp_path / "out"
    with atomic_output_dir(final) as tmp:
        (tmp / "a.csv").write_text("first\n")
        write_manifest(tmp, command="t", arguments={}, inputs={})
    assert (final / "a.csv").read_text() == "first\n"
    with pytest.raises(RuntimeError):
        with atomic_output_dir(final) as tmp:
            (tmp / "a.csv").write_text("partial\n")
            raise RuntimeError("boom")
    assert (final / "a.csv").read_text() == "first\n"  # the old complete output survives
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temp dir left behind
    with pytest.raises(OutputPathError):  # and a failed run never replaced anything, nor does a refused one
        with atomic_output_dir(final) as tmp:
            (final / "user.txt").write_text("mine\n")  # someone adds a file while the run computes
    assert (final / "user.txt").exists() and (final / "a.csv").read_text() == "first\n"


def test_fresh_failed_run_creates_no_directory(tmp_path):
    with pytest.raises(ValueError):
        with atomic_output_dir(tmp_path / "new"):
            raise ValueError("bad input")
    assert list(tmp_path.iterdir()) == []


def test_manifest_hashes_inputs_and_outputs(tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(b"x,y\n1,2\n")
    out = tmp_path / "o"
    out.mkdir()
    (out / "r.csv").write_bytes(b"r\n3\n")
    path = write_manifest(
        out,
        command="t",
        arguments={"b": 1, "a": "z"},
        inputs={"grid": src, "none": None},
        parameters={"p": 2},
        timings={"run": 0.5},
    )
    m = json.loads(path.read_text())
    assert m["inputs"] == {"grid": {"path": str(src), "sha256": hashlib.sha256(b"x,y\n1,2\n").hexdigest()}}
    assert m["outputs"] == {"r.csv": hashlib.sha256(b"r\n3\n").hexdigest()}
    assert list(m["arguments"]) == ["a", "b"] and m["timings_s"] == {"run": 0.5}
    assert "numpy" in m["versions"] and "python" in m["versions"]


# --- never lose a user's data (issue 9) ------------------------------------------------------------------------------


def _tool_output(d, files=("a.csv",)):
    d.mkdir(parents=True, exist_ok=True)
    for f in files:
        (d / f).write_text("x\n")
    write_manifest(d, command="t", arguments={}, inputs={})
    return d


def test_refuses_the_working_directory_and_its_parents(tmp_path, monkeypatch):
    work = tmp_path / "p"
    work.mkdir()
    (work / "notes.txt").write_text("notes\n")
    monkeypatch.chdir(work)
    for target in (".", str(work), "..", str(tmp_path)):
        with pytest.raises(OutputPathError, match="arbetskatalogen"):
            with atomic_output_dir(target, option="--ut"):
                pytest.fail("must not start")
    assert (work / "notes.txt").read_text() == "notes\n"
    assert sorted(p.name for p in work.iterdir()) == ["notes.txt"]


def test_refuses_an_existing_file(tmp_path):
    f = tmp_path / "resultat"
    f.write_text("keep\n")
    with pytest.raises(OutputPathError, match="är en fil"):
        with atomic_output_dir(f):
            pass
    assert f.read_text() == "keep\n"


@pytest.mark.parametrize("rel", ["indata", ".", "indata/kommuner.csv"])
def test_refuses_an_input_or_a_parent_of_an_input(tmp_path, rel):
    indata = tmp_path / "indata"
    indata.mkdir()
    (indata / "kommuner.csv").write_text("kommun_kod\n")
    target = tmp_path / rel
    with pytest.raises(OutputPathError, match="indata"):
        with atomic_output_dir(target, option="--ut", inputs={"--indata": indata, "--reform": None}):
            pass
    assert (indata / "kommuner.csv").read_text() == "kommun_kod\n"


def test_refuses_the_tools_own_data_directory(tmp_path, monkeypatch):
    from pipelines.outputs import ROOT_DATA

    monkeypatch.chdir(tmp_path)
    for target in (ROOT_DATA, ROOT_DATA.parent):
        with pytest.raises(OutputPathError, match="verktygets egna data"):
            check_output_dir(target)


def test_refuses_a_stranger_directory_and_keeps_every_file(tmp_path):
    d = tmp_path / "mapp"
    d.mkdir()
    (d / "notes.txt").write_text("mine\n")
    with pytest.raises(OutputPathError, match=r"notes.txt"):
        with atomic_output_dir(d):
            pass
    assert sorted(p.name for p in d.iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mapp"]  # no temporary directory left either


def test_refuses_a_tool_directory_holding_a_users_file(tmp_path):
    d = _tool_output(tmp_path / "ut")
    (d / "mina_anteckningar.xlsx").write_text("mine\n")
    with pytest.raises(OutputPathError, match=r"mina_anteckningar.xlsx"):
        check_output_dir(d)


def test_replaces_an_empty_directory_and_its_own_output(tmp_path):
    d = tmp_path / "ut"
    d.mkdir()
    with atomic_output_dir(d) as tmp:
        (tmp / "a.csv").write_text("1\n")
        write_manifest(tmp, command="t", arguments={}, inputs={})
    assert json.loads((d / "manifest.json").read_text())["verktyg"] == "utjamning"
    assert sorted(json.loads((d / "manifest.json").read_text())["outputs"]) == ["a.csv"]  # not the run marker
    with atomic_output_dir(d) as tmp:
        (tmp / "b.csv").write_text("2\n")
        write_manifest(tmp, command="t", arguments={}, inputs={})
    assert sorted(p.name for p in d.iterdir()) == ["b.csv", "manifest.json"]


def test_output_directory_has_ordinary_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        with atomic_output_dir(tmp_path / "ut") as tmp:
            (tmp / "a.csv").write_text("1\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "ut").stat().st_mode) == 0o755


def test_a_killed_runs_temporary_directory_is_removed_a_running_ones_kept(tmp_path):
    final = tmp_path / "ut"
    # a killed run: marker present, nobody holds its lock
    dead = tmp_path / ".ut.tmp-dead"
    dead.mkdir()
    (dead / RUN_MARKER).write_text("pid 1\n")
    (dead / "kommuner.csv").write_text("partial\n")
    # a killed run during the swap: the previous output renamed aside
    old = _tool_output(tmp_path / ".ut.old-1234")
    # a run still writing: its marker is locked
    live = tmp_path / ".ut.tmp-live"
    live.mkdir()
    fh = open(live / RUN_MARKER, "w")  # noqa: SIM115 - held open: the lock is the other run's
    fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
    # not the tool's: reported, never removed
    foreign = tmp_path / ".ut.tmp-other"
    foreign.mkdir()
    (foreign / "x").write_text("?\n")
    try:
        reported = clean_stale(final)
    finally:
        fh.close()
    assert not dead.exists() and not old.exists()
    assert live.exists() and (foreign / "x").exists()
    assert reported == [str(foreign)]


def test_temporary_directory_is_locked_while_the_run_writes(tmp_path):
    with atomic_output_dir(tmp_path / "ut") as tmp:
        assert clean_stale(tmp_path / "ut") == [] and tmp.exists()  # a second run leaves it alone
        (tmp / "a.csv").write_text("1\n")
    assert not (tmp_path / "ut" / RUN_MARKER).exists()


def test_output_file_only_replaces_its_own(tmp_path):
    f = tmp_path / "sub" / "rapport.md"
    with atomic_output_file(f, option="--ut", signature="<!-- utjamning -->") as tmp:
        tmp.write_text("<!-- utjamning -->\nrapport 1\n")
    with atomic_output_file(f, option="--ut", signature="<!-- utjamning -->") as tmp:
        tmp.write_text("<!-- utjamning -->\nrapport 2\n")
    assert f.read_text().endswith("rapport 2\n")
    other = tmp_path / "brev.md"
    other.write_text("Kära …\n")
    with pytest.raises(OutputPathError, match="inte skriven av utjamning"):
        with atomic_output_file(other, option="--ut", signature="<!-- utjamning -->"):
            pass
    assert other.read_text() == "Kära …\n"
    with pytest.raises(OutputPathError, match="är en katalog"):
        with atomic_output_file(tmp_path, option="--ut", signature="x"):
            pass
