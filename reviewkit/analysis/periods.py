"""Provides the aggregation of yearly trend rows into periods (e.g. five-year bins) for summaries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol


class YearRow(Protocol):
    """What a yearly trend row offers (`reviewkit.analysis.trends.TrendRow` has these)."""

    @property
    def year(self) -> int: ...
    @property
    def code(self) -> str: ...
    @property
    def documents(self) -> int: ...
    @property
    def coded(self) -> int: ...


@dataclass(frozen=True)
class PeriodRow:
    """Documents of a period and how many of them carry a code (or group)."""

    period: str
    start: int
    end: int
    code: str
    documents: int
    """Documents of the period (the denominator; reviewed documents for reviewed-only rows)."""
    coded: int
    published: int | None = None
    """All documents of the period when the yearly rows carried ``published``; else None."""

    @property
    def share(self) -> float:
        """coded / documents (0 for an empty period)."""
        return self.coded / self.documents if self.documents else 0.0


def periods(first: int, last: int, width: int = 5) -> list[tuple[int, int]]:
    """Consecutive (start, end) year bins of `width` years from `first`; a short last bin joins the one before."""
    if last < first:
        return []
    bins = [(y, min(y + width - 1, last)) for y in range(first, last + 1, width)]
    if len(bins) > 1 and bins[-1][1] - bins[-1][0] + 1 < (width + 1) // 2:
        start, _ = bins[-2]
        bins[-2:] = [(start, last)]
    return bins


def by_period(rows: Iterable[YearRow], bins: Sequence[tuple[int, int]]) -> list[PeriodRow]:
    """Sum yearly rows (computed with window 1) into the given year bins, per code.

    Documents and coded counts add up across years, so the share of a period is the share of all
    its documents, not an average of yearly shares. When every row carries ``published`` (rows of
    `reviewkit.analysis.trends.view_trend_rows`), it is summed too; ``documents`` stays the
    reviewed-only denominator.
    """
    totals: dict[tuple[int, str], list[int]] = {}
    codes: list[str] = []
    with_published = True
    for row in rows:
        pub: int | None = getattr(row, "published", None)
        with_published = with_published and pub is not None
        for i, (start, end) in enumerate(bins):
            if start <= row.year <= end:
                acc = totals.setdefault((i, row.code), [0, 0, 0])
                acc[0] += row.documents
                acc[1] += row.coded
                acc[2] += pub or 0
                if row.code not in codes:
                    codes.append(row.code)
                break
    out = []
    for i, (start, end) in enumerate(bins):
        label = f"{start}-{end}" if start != end else str(start)
        for code in codes:
            docs, coded, published = totals.get((i, code), (0, 0, 0))
            out.append(PeriodRow(label, start, end, code, docs, coded, published if with_published else None))
    return out
