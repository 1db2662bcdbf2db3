"""Shared test fixtures.

Real public data lives beside the project in ../shared/data and is never copied into it; tests that
need it use `shared_data` and skip with a clear reason when it is absent (e.g. a user's fresh clone).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs every property test on a fixed, reproducible sequence of examples (a red CI must be reproducible);
# developers' runs keep exploring new examples.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def load_tool(name: str):
    """A development script of tools/ (not installed, not a package) as a module."""
    spec = importlib.util.spec_from_file_location(f"tools_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = SHARED / "data"
    if not path.is_dir():
        pytest.skip(
            f"real reference data not present at {path} (only in the project's workspace, not in a fresh clone)"
        )
    return path


@pytest.fixture(scope="session")
def shared_spec() -> Path:
    path = SHARED / "spec"
    if not path.is_dir():
        pytest.skip(f"specification folder not present at {path}")
    return path
