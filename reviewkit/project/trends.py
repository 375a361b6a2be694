"""Provides the trends use case: shares of documents per year carrying a code or group of codes."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from reviewkit.analysis.review_state import SourceView
from reviewkit.analysis.trends import TrendRow, resolve_codes, trend_rows, year_counts
from reviewkit.errors import NotFoundError, ReviewkitError

if TYPE_CHECKING:
    from reviewkit.store import Store

SOURCES = ("consensus", "any", "suggested", "coder:NAME")
"""Sources of `trends` (``accepted`` is still read, deprecated; see `trends`)."""

__all__ = ["SOURCES", "TrendRow", "code_choices", "trends"]


def code_choices(store: Store, codebook_id: int | None = None) -> tuple[list[str], list[str]]:
    """The groups and the leaf code ids of a codebook version (the current one by default).

    Returns:
        (group prefixes, leaf ids), both in codebook order.
    """
    cb = codebook_id if codebook_id is not None else store.codebooks.current_id()
    rows = store.codebooks.codes(cb) if cb is not None else []
    parents = {r.parent for r in rows if r.parent}
    leaves = [r.code_id for r in rows if r.code_id not in parents]
    groups = list(dict.fromkeys(i.split(".", 1)[0] for i in leaves if "." in i))
    return groups, leaves


def trends(
    store: Store,
    codes: str | None = None,
    source: str | None = None,
    window: int = 1,
    coder: str | None = None,
    codebook_id: int | None = None,
    scope: set[int] | None = None,
    *,
    only_coder: str | None = None,
) -> list[TrendRow]:
    """Per publication year, the share of REVIEWED documents carrying each selected code or group.

    One rule per source (`reviewkit.analysis.review_state`): ``documents`` in each row counts the
    documents reviewed under the source that year, ``published`` every document of the year, and
    ``share = coded / documents``. The CLI, the Trends screen and ``export trends`` all call this.

    Args:
        store: the project.
        codes: comma-separated code ids or group prefixes (``"regionalism,global"``); default:
            every top-level group of the codebook. A group counts a document once if it carries
            ANY code of the group.
        source: ``coder:NAME``, ``consensus``, ``any`` or ``suggested``; None: the project default
            (`reviewkit.project.state.default_source`). ``accepted`` is deprecated: it maps to
            ``coder:CODER`` with `coder`, else to the default.
        window: trailing window in years; with 3, each row totals documents and coded over
            ``year-2 .. year`` and share is their ratio (see `reviewkit.analysis.trends.trend_rows`).
        coder: with ``accepted`` or no source: the coder whose decisions count.
        codebook_id: codebook version (default: the current one).
        scope: count only these documents (`reviewkit.project.scope.documents_in_scope`); None: all.
        only_coder: blind mode: only this coder's work is read, and the source must be theirs
            (``coder:NAME``) or ``suggested``.

    Returns:
        One `TrendRow` per year (that has documents) and per code/group, ordered by year, then code.

    Raises:
        ReviewkitError: unknown source, window < 1, or a source another coder's work feeds in blind mode.
        NotFoundError: no codebook, an unknown coder, or a code or group that the codebook does not have.
    """
    from reviewkit.project.state import resolve_source, review_state

    if window < 1:
        raise ReviewkitError(f"--window must be 1 or more (got {window}).")
    cb = codebook_id if codebook_id is not None else store.codebooks.current_id()
    if cb is None:
        raise NotFoundError("The project has no codebook yet. Load one with `reviewkit codebook load FILE`.")
    if only_coder is not None:
        chosen = f"coder:{only_coder}" if source in (None, "", "accepted") else source
        if chosen not in (f"coder:{only_coder}", "suggested"):
            raise ReviewkitError(f"Blind mode: trends show only coder:{only_coder} or suggested.")
    else:
        chosen = resolve_source(store, source, coder, cb)
    _groups, leaves = code_choices(store, cb)
    selection = resolve_codes(codes, leaves)
    state = review_state(store, cb, only_coder=only_coder)
    if only_coder is not None and chosen != "suggested" and only_coder not in state.coders:
        return _view_rows(store, _empty_view(chosen), selection, window, scope)
    return _view_rows(store, state.view(chosen), selection, window, scope)


def _view_rows(
    store: Store, view: SourceView, selection: dict[str, list[str]], window: int, scope: set[int] | None
) -> list[TrendRow]:
    """`view_trend_rows` without every document's year in memory: published counts come from one
    grouped query, and only the years of the documents the view counts are read."""
    counted = view.reviewed if scope is None else view.reviewed & scope
    years = store.documents.years_of(counted)
    if scope is None:
        published: dict[int, int] = store.documents.count_by_year()
    else:
        published = dict(Counter(y for y in store.documents.years_of(scope).values() if y is not None))
    _, reviewed, coded = year_counts(years, view, selection)
    return trend_rows(reviewed, coded, window, published=published)


def _empty_view(source: str) -> SourceView:
    return SourceView(source, frozenset(), frozenset(), frozenset())
