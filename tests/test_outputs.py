"""Atomic output directories and manifests (pipelines/outputs.py)."""
from __future__ import annotations

import hashlib
import json

import pytest

from pipelines.outputs import atomic_output_dir, write_manifest


def test_failed_run_leaves_nothing_and_keeps_previous_output(tmp_path):
    final = tmp_path / "out"
    with atomic_output_dir(final) as tmp:
        (tmp / "a.csv").write_text("first\n")
    assert (final / "a.csv").read_text() == "first\n"
    with pytest.raises(RuntimeError):
        with atomic_output_dir(final) as tmp:
            (tmp / "a.csv").write_text("partial\n")
            raise RuntimeError("boom")
    assert (final / "a.csv").read_text() == "first\n"  # the old complete output survives
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temp dir left behind


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
    path = write_manifest(out, command="t", arguments={"b": 1, "a": "z"}, inputs={"grid": src, "none": None},
                          parameters={"p": 2}, timings={"run": 0.5})
    m = json.loads(path.read_text())
    assert m["inputs"] == {"grid": {"path": str(src), "sha256": hashlib.sha256(b"x,y\n1,2\n").hexdigest()}}
    assert m["outputs"] == {"r.csv": hashlib.sha256(b"r\n3\n").hexdigest()}
    assert list(m["arguments"]) == ["a", "b"] and m["timings_s"] == {"run": 0.5}
    assert "numpy" in m["versions"] and "python" in m["versions"]
