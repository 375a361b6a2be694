"""Provides the pure arithmetic of concept trends: code selections, shares per year, moving windows.

No store access: the inputs are plain counts (documents per year, coded documents per year and
code or group), or a `reviewkit.analysis.review_state.SourceView` and the documents' years, so
everything here is testable without a project.

Reviewed-only denominators (`view_trend_rows`): a share is ``coded / documents`` where
``documents`` counts the *reviewed* documents of the year under the chosen source (see
`reviewkit.analysis.review_state`) and ``coded`` those of them where the code counts as applied;
``published`` carries every document of the year, so a reader sees how much of the year was
reviewed. ``coded <= documents <= published`` always holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from reviewkit.errors import NotFoundError

if TYPE_CHECKING:
    from reviewkit.analysis.review_state import SourceView


@dataclass(frozen=True)
class TrendRow:
    """One year of one code (or group of codes)."""

    year: int
    """Publication year (with window > 1: the last year of the window)."""
    code: str
    """A code id, or a group prefix such as ``regionalism`` (the union of its codes)."""
    documents: int
    """The denominator: documents of that year (with window > 1: in the window's years); with
    reviewed-only denominators (`published` set), the *reviewed* documents of that year."""
    coded: int
    """Of those, the documents carrying the code (any code of the group) at least once."""
    share: float
    """coded / documents (0.0 when there are no documents: a chart should leave a gap there)."""
    published: int | None = None
    """All documents of that year (or window) whether reviewed or not; None for rows computed
    without a reviewed-only denominator (then `documents` already counts every document)."""

    def as_dict(self) -> dict[str, Any]:
        """The row as a plain dict (keys in CSV column order; ``published`` only when set)."""
        row = asdict(self)
        return {k: row[k] for k in (FIELDS if self.published is None else FIELDS_REVIEWED)}


FIELDS = ("year", "code", "documents", "coded", "share")
"""Columns of rows without a reviewed-only denominator."""
FIELDS_REVIEWED = ("year", "code", "documents", "published", "coded", "share")
"""Columns of `view_trend_rows` output (``documents`` = reviewed documents)."""


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
    published: Mapping[int, int] | None = None,
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
        published: all documents per year, when `documents` counts only the reviewed ones; then
            there is a row for every year that has published documents (reviewed or not), and each
            row carries ``published``.

    Returns:
        Rows ordered by year, then code.
    """
    basis = documents if published is None else published
    years = sorted(y for y, n in basis.items() if n > 0)
    docs = windowed(documents, years, window)
    pub = windowed(published, years, window) if published is not None else None
    out: list[TrendRow] = []
    per_code = {label: windowed(counts, years, window) for label, counts in coded.items()}
    for year in years:
        for label, counts in per_code.items():
            n, k = docs[year], min(counts[year], docs[year])
            p = None if pub is None else pub[year]
            out.append(TrendRow(year, label, n, k, k / n if n else 0.0, p))
    return out


def year_counts(
    years: Mapping[int, int | None],
    view: SourceView,
    selection: Mapping[str, Collection[str]],
) -> tuple[dict[int, int], dict[int, int], dict[str, dict[int, int]]]:
    """Published, reviewed and coded documents per year under one source.

    Args:
        years: document id -> publication year (None: undated, left out of every count).
        view: what counts under the source (`reviewkit.analysis.review_state.ReviewState.view`).
        selection: label -> code ids (a label counts a document once if ANY of its codes applies),
            e.g. from `resolve_codes`.

    Returns:
        (published per year, reviewed per year, {label: coded per year}).
    """
    published = Counter(y for y in years.values() if y is not None)
    reviewed = Counter(y for d in view.reviewed if (y := years.get(d)) is not None)
    codes_of: dict[int, set[str]] = {}
    for doc, code in view.applied:
        codes_of.setdefault(doc, set()).add(code)
    coded: dict[str, dict[int, int]] = {}
    for label, ids in selection.items():
        wanted = set(ids)
        coded[label] = dict(
            Counter(y for d, cs in codes_of.items() if cs & wanted and (y := years.get(d)) is not None)
        )
    return dict(published), dict(reviewed), coded


def view_trend_rows(
    years: Mapping[int, int | None],
    view: SourceView,
    selection: Mapping[str, Collection[str]],
    window: int = 1,
) -> list[TrendRow]:
    """Shares per year over the documents REVIEWED under a source, with the denominator in each row.

    Each row: ``documents`` = reviewed documents of the year (or window), ``published`` = all
    documents of the year, ``coded`` = reviewed documents where a code of the label applies,
    ``share = coded / documents`` (0.0 with ``documents == 0``: nothing reviewed, no figure).
    There is a row for every year with published documents, so the axis stays continuous.

    Args:
        years: document id -> publication year (None: undated, left out).
        view: the source's view (`ReviewState.view`); ``suggested`` reviews every document.
        selection: label -> code ids, e.g. from `resolve_codes`.
        window: trailing window in years, as in `trend_rows`.

    Returns:
        Rows ordered by year, then label.
    """
    published, reviewed, coded = year_counts(years, view, selection)
    return trend_rows(reviewed, coded, window, published=published)
