"""Print docs/inputs.md, generated from the input schema (engine/schema.py):
``python tools/inputs_md.py > docs/inputs.md``.

A development script (not installed); tests/test_engine_core.py keeps the page equal to the schema.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.schema import markdown

if __name__ == "__main__":
    print(markdown(), end="")
