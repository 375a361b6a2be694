"""Provides the trends use case: shares of documents per year carrying a code or group of codes."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from reviewkit.analysis.trends import TrendRow, resolve_codes, trend_rows
from reviewkit.errors import NotFoundError, ReviewkitError

if TYPE_CHECKING:
    from reviewkit.store import Store

SOURCES = ("accepted", "suggested")

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
    source: str = "accepted",
    window: int = 1,
    coder: str | None = None,
    codebook_id: int | None = None,
    scope: set[int] | None = None,
) -> list[TrendRow]:
    """Per publication year, the share of documents carrying each selected code or group.

    Args:
        store: the project.
        codes: comma-separated code ids or group prefixes (``"regionalism,global"``); default:
            every top-level group of the codebook. A group counts a document once if it carries
            ANY code of the group.
        source: ``accepted`` (some coder accepted it on a passage of the document; only `coder`'s
            decisions when given) or ``suggested`` (the tagger's score reached the threshold).
        window: trailing window in years; with 3, each row totals documents and coded over
            ``year-2 .. year`` and share is their ratio (see `reviewkit.analysis.trends.trend_rows`).
        coder: restrict accepted decisions to one coder.
        codebook_id: codebook version (default: the current one).
        scope: count only these documents (`reviewkit.project.scope.documents_in_scope`); None: all.

    Returns:
        One `TrendRow` per year (that has documents) and per code/group, ordered by year, then code.

    Raises:
        ReviewkitError: unknown source, window < 1, or no codebook loaded.
        NotFoundError: a code or group that the codebook does not have.
    """
    if source not in SOURCES:
        raise ReviewkitError(f"Unknown source {source!r}. Use one of: {', '.join(SOURCES)}.")
    if window < 1:
        raise ReviewkitError(f"--window must be 1 or more (got {window}).")
    cb = codebook_id if codebook_id is not None else store.codebooks.current_id()
    if cb is None:
        raise NotFoundError("The project has no codebook yet. Load one with `reviewkit codebook load FILE`.")
    _groups, leaves = code_choices(store, cb)
    selection = resolve_codes(codes, leaves)
    if scope is not None:
        return trend_rows(*_scoped_counts(store, cb, selection, source, coder, scope), window)
    documents = store.documents.count_by_year()
    coded = {
        label: store.suggestions.documents_per_year(ids, codebook_id=cb)
        if source == "suggested"
        else store.codings.documents_per_year(ids, coder=coder)
        for label, ids in selection.items()
    }
    return trend_rows(documents, coded, window)


def _scoped_counts(
    store: Store, cb: int, selection: dict[str, list[str]], source: str, coder: str | None, scope: set[int]
) -> tuple[dict[int, int], dict[str, dict[int, int]]]:
    """Documents per year and coded documents per year and label, over the documents in `scope` only."""
    years = {d: int(y) for d, y in store.documents.years().items() if y is not None and d in scope}
    documents = Counter(years.values())
    if source == "suggested":
        pairs = {(d, c) for _p, d, c in store.suggestions.suggested(cb)}
    else:
        name = store.codebooks.get(cb).name
        pairs = {
            (r.document_id, r.code_id)
            for r in store.codings.rows(name, cb, coders=[coder] if coder else None, status="accepted")
        }
    codes_of: dict[int, set[str]] = {}
    for d, c in pairs:
        if d in years:
            codes_of.setdefault(d, set()).add(c)
    coded = {
        label: dict(Counter(years[d] for d, have in codes_of.items() if have & set(ids)))
        for label, ids in selection.items()
    }
    return dict(documents), coded
