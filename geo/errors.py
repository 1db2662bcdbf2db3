"""Input errors of the grid readers and the kommun assignment.

Readers collect *every* problem of a file and raise one :class:`GridInputError` at the end, so a user fixes
a file in one pass. The CLI (``pipelines/cli.py``) prints every :class:`engine.errors.InputError` as one
message and exits with status 2. Messages are in Swedish ("rad" = 1-based data row, "kolumn").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from engine.errors import InputError

#: At most this many problems are printed; the rest are counted ("… and N more").
MAX_LISTED = 50


@dataclass(frozen=True)
class Problem:
    """One problem in an input file. ``row`` is the 1-based data row (header excluded) or None for the
    whole file; ``column`` names the column concerned or is None."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"rad {self.row}")
        if self.column is not None:
            where.append(f"kolumn {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class GridInputError(InputError):
    """Bad grid or boundary input: one exception listing every problem found in ``file``."""

    def __init__(self, file: str, problems: Iterable[Problem]):
        self.file = str(file)
        self.problems: list[Problem] = sorted(problems, key=lambda p: (p.row is not None, p.row or 0))
        if not self.problems:
            raise ValueError("GridInputError behöver minst ett problem")
        super().__init__(self.file, self.problems)

    @classmethod
    def single(cls, file, message: str, row: int | None = None, column: str | None = None) -> GridInputError:
        """An error with one problem."""
        return cls(str(file), [Problem(str(file), row, column, message)])

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"{self.file}: {n} problem"
        lines = [f"  - {p}" for p in self.problems[:MAX_LISTED]]
        if n > MAX_LISTED:
            lines.append(f"  … och {n - MAX_LISTED} till")
        return head + "\n" + "\n".join(lines)
