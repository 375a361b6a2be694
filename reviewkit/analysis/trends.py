"""Provides the pure arithmetic of concept trends: code selections, shares per year, moving windows.

No store access: the inputs are plain counts (documents per year, coded documents per year and
code or group), so everything here is testable without a project.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from reviewkit.errors import NotFoundError


@dataclass(frozen=True)
class TrendRow:
    """One year of one code (or group of codes)."""

    year: int
    """Publication year (with window > 1: the last year of the window)."""
    code: str
    """A code id, or a group prefix such as ``regionalism`` (the union of its codes)."""
    documents: int
    """Documents published that year (with window > 1: in the window's years)."""
    coded: int
    """Of those, the documents carrying the code (any code of the group) at least once."""
    share: float
    """coded / documents (0.0 when there are no documents)."""

    def as_dict(self) -> dict[str, Any]:
        """The row as a plain dict (keys in CSV column order)."""
        return asdict(self)


FIELDS = ("year", "code", "documents", "coded", "share")


def resolve_codes(spec: str | None, code_ids: Iterable[str]) -> dict[str, list[str]]:
    """Expand a comma-separated selection of code ids and group prefixes into code sets.

    Args:
        spec: e.g. ``"regionalism,global.value_chain"``; None or "" selects every top-level group.
        code_ids: the leaf code ids of the codebook, in codebook order.

    Returns:
        ``{label: [leaf ids]}`` in the order given; a prefix maps to every leaf under it.

    Raises:
        NotFoundError: a part matches no code (the message lists the valid ids and groups).
    """
    ids = list(code_ids)
    groups = list(dict.fromkeys(i.split(".", 1)[0] for i in ids if "." in i))
    parts = [p.strip() for p in (spec or "").split(",") if p.strip()] or groups or ids
    selection: dict[str, list[str]] = {}
    for part in parts:
        members = [i for i in ids if i == part or i.startswith(part + ".")]
        if not members:
            raise NotFoundError(
                f"Unknown code or group {part!r}. Available groups: {', '.join(groups) or '(none)'}; "
                f"codes: {', '.join(ids) or '(none)'}"
            )
        selection[part] = members
    return selection


def windowed(values: Mapping[int, int], years: list[int], window: int) -> dict[int, int]:
    """Trailing-window sums: for each year, the total of `values` over that year and the window-1 before it."""
    if window < 1:
        raise ValueError("window must be at least 1")
    return {y: sum(values.get(y - k, 0) for k in range(window)) for y in years}


def trend_rows(
    documents: Mapping[int, int],
    coded: Mapping[str, Mapping[int, int]],
    window: int = 1,
) -> list[TrendRow]:
    """Shares per year and code: one row per year that has documents and per code (in the given order).

    With ``window = w > 1`` the figures are a trailing w-year window: ``documents`` and ``coded``
    are totals over the years ``year-w+1 .. year`` and ``share`` is their ratio (a document-weighted
    moving average, so thin years do not swing the curve and ``share == coded / documents`` always
    holds in the output).

    Args:
        documents: documents per year.
        coded: per code label, documents carrying it per year.
        window: length of the trailing window in years (1 = the raw yearly figures).

    Returns:
        Rows ordered by year, then code.
    """
    years = sorted(y for y, n in documents.items() if n > 0)
    docs = windowed(documents, years, window)
    out: list[TrendRow] = []
    per_code = {label: windowed(counts, years, window) for label, counts in coded.items()}
    for year in years:
        for label, counts in per_code.items():
            n, k = docs[year], min(counts[year], docs[year])
            out.append(TrendRow(year, label, n, k, k / n if n else 0.0))
    return out
