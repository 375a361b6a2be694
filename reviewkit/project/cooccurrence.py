"""Provides `code_cooccurrence`: the co-occurrence matrix of the codes that count under a source.

The (unit, code) pairs come from the one review-state rule (`reviewkit.project.state.review_state`
and its `SourceView`): under ``coder:NAME``, ``consensus``, ``any`` or ``suggested``, the codes
that count as applied on reviewed documents (or their passages). The matrix itself is the pure
`reviewkit.analysis.cooccurrence`. Codes are in codebook order; only codes that occur are shown
unless `codes` names them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reviewkit.analysis.cooccurrence import Cooccurrence, cooccurrence, pairs_for

if TYPE_CHECKING:
    from reviewkit.store import Store


@dataclass(frozen=True)
class CooccurrenceReport:
    """The matrix with the source it was computed under and how many documents were reviewed."""

    matrix: Cooccurrence
    source: str
    reviewed_documents: int


def code_cooccurrence(
    store: Store,
    *,
    level: str = "document",
    source: str | None = None,
    codes: str | None = None,
    only_coder: str | None = None,
) -> CooccurrenceReport:
    """Count, for every pair of codes, the documents (or passages) where both count as applied.

    Args:
        store: the project.
        level: ``document`` or ``passage``.
        source: ``coder:NAME``, ``consensus``, ``any`` or ``suggested`` (default: the project's
            default source, as for trends).
        codes: comma-separated code ids (default: every code that occurs, in codebook order).
        only_coder: blind mode: read only this coder's decisions and done marks; the source must
            be ``coder:ONLY_CODER`` (the default then) or ``suggested``.

    Raises:
        ReviewkitError: unknown level, source or code; NotFoundError: no codebook, unknown coder.
    """
    from reviewkit.errors import NotFoundError
    from reviewkit.project.codebooks import resolve_codebook
    from reviewkit.project.state import resolve_source, review_state

    cb, book = resolve_codebook(store)
    if only_coder is not None and source is None:
        source = f"coder:{only_coder}"
    chosen = resolve_source(store, source, codebook_id=cb)
    if only_coder is not None and chosen not in (f"coder:{only_coder}", "suggested"):
        from reviewkit.errors import ReviewkitError

        raise ReviewkitError(f"Blind mode: only coder:{only_coder} and suggested can be shown, not {chosen}.")
    state = review_state(store, cb, only_coder=only_coder)
    if only_coder is not None and chosen != "suggested" and only_coder not in state.coders:
        from reviewkit.analysis.review_state import SourceView

        view = SourceView(chosen, frozenset(), frozenset(), frozenset())  # nothing decided yet
    else:
        view = state.view(chosen)
    pairs = pairs_for(view, level)
    if codes:
        wanted = [c.strip() for c in codes.split(",") if c.strip()]
        unknown = [c for c in wanted if c not in book.ids]
        if unknown:
            raise NotFoundError(f"Unknown code(s) {', '.join(unknown)}. Codes: {', '.join(book.ids)}.")
    else:
        present = {c for _u, c in pairs}
        wanted = [c for c in book.ids if c in present] + sorted(present - set(book.ids))
    return CooccurrenceReport(cooccurrence(pairs, wanted, level), chosen, len(view.reviewed))


__all__ = ["CooccurrenceReport", "code_cooccurrence"]
