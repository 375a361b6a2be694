"""Provides `csv_writer`: the one CSV writer of the exports, safe to open in a spreadsheet.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets (CSV injection). As OWASP recommends, such cells
are written with a leading single quote (``'=HYPERLINK(...)``), which spreadsheets show as text.
Numbers stay numbers: only strings are neutralised. ``raw=True`` writes the bytes unchanged.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""


def neutralise(value: Any) -> Any:
    """`value` with a leading ``'`` when it is a string a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    """Undo `neutralise` on a cell read back from a CSV export (``'=x`` -> ``=x``)."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class SafeCsvWriter:
    """A `csv.writer` that neutralises formula cells unless `raw`."""

    def __init__(self, fh: IO[str], *, raw: bool = False, **kwargs: Any) -> None:
        self._writer = csv.writer(fh, **kwargs)
        self.raw = raw

    def writerow(self, row: Iterable[Any]) -> None:
        """Write one row."""
        self._writer.writerow(row if self.raw else [neutralise(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write many rows."""
        for row in rows:
            self.writerow(row)


def csv_writer(fh: IO[str], *, raw: bool = False, **kwargs: Any) -> SafeCsvWriter:
    """The CSV writer every export uses (`raw`: write cells as they are, formulas included)."""
    return SafeCsvWriter(fh, raw=raw, **kwargs)
