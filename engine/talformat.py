"""Numbers as a Swedish reader writes them: space between thousands groups, decimal comma, typographic minus.

One formatter for every text a person reads — maps, the nightly report, `forklara`, the closing lines of the
commands (pipelines/rubriker.py chooses the decimals by the kind of value).
"""

from __future__ import annotations

import math

MINUS = "\u2212"  # typographic minus, as in Swedish print
TUSENTAL = "\u00a0"  # no-break space between thousands groups (a line never breaks inside a number)


def svenskt_tal(v, decimaler: int | None = None, *, tecken: bool = False) -> str:
    """A number in Swedish print: space between thousands, decimal comma, typographic minus.

    ``decimaler=None`` prints integers as integers and other values with four significant digits (at most four
    decimals, trailing zeros dropped); ``tecken=True`` puts ``+`` before positive values (changes). NaN → "–"."""
    if v is None:
        return "–"
    v = float(v)
    if not math.isfinite(v):
        return "–"
    trim = False
    if decimaler is None:
        if v == round(v) and abs(v) < 1e15:
            decimaler = 0
        else:
            decimaler, trim = min(4, max(0, 3 - math.floor(math.log10(abs(v))))), True
    text = f"{abs(v):,.{decimaler}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    text = text.replace(",", TUSENTAL).replace(".", ",")
    nonzero = any(c in "123456789" for c in text)
    sign = MINUS if v < 0 and nonzero else ("+" if tecken and v > 0 and nonzero else "")
    return sign + text
