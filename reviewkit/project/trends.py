"""Provides the trends use case: shares of documents per year carrying a code or group of codes."""

from __future__ import annotations

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
    documents = store.documents.count_by_year()
    coded = {
        label: store.suggestions.documents_per_year(ids, codebook_id=cb)
        if source == "suggested"
        else store.codings.documents_per_year(ids, coder=coder)
        for label, ids in selection.items()
    }
    return trend_rows(documents, coded, window)
