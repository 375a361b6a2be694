"""Provides the review state of a project: done marks, reviewed documents, the default source, progress.

Every figure that depends on "who reviewed what" (trends, exports, progress, the Documents screen)
reads it from `review_state`, which feeds the stored rows to the one rule in
`reviewkit.analysis.review_state` (see ``docs/review-rules.md``). Done marks are written here
(`mark_passage`, `mark_document`): audited, and undone with the coder's other steps.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from reviewkit.analysis.progress import AuditEvent, CoderProgress, progress
from reviewkit.analysis.review_state import (
    CONSENSUS,
    Decision,
    PassageReview,
    ReviewState,
    SuggestedCode,
    parse_source,
)
from reviewkit.errors import NotFoundError, ReviewkitError
from reviewkit.store.audit import new_batch

if TYPE_CHECKING:
    from reviewkit.store import Store


def codebook_name(store: Store, codebook_id: int | None = None) -> str:
    """The name of a codebook version (the current one by default).

    Raises:
        NotFoundError: the project has no codebook.
    """
    cb = codebook_id if codebook_id is not None else store.codebooks.current_id()
    if cb is None:
        raise NotFoundError("The project has no codebook yet. Load one with `reviewkit codebook load FILE`.")
    return store.codebooks.get(cb).name


def review_state(
    store: Store, codebook_id: int | None = None, *, only_coder: str | None = None
) -> ReviewState:
    """The project's review state under a codebook version (the current one by default).

    Args:
        store: the project.
        codebook_id: the version whose suggestions count (decisions and done marks count across
            every version of its name).
        only_coder: keep only this coder's decisions and done marks (blind mode: nothing another
            coder did can reach a figure).

    Only the documents a decision, done mark or suggestion names have their passages read (the
    others cannot count as reviewed or coded), so memory grows with the review, not the corpus;
    every document id is read only when the ``suggested`` source asks for it.

    Raises:
        NotFoundError: the project has no codebook.
    """
    cb = codebook_id if codebook_id is not None else store.codebooks.current_id()
    name = codebook_name(store, cb)
    assert cb is not None
    decisions = [
        Decision(
            c.passage_id, int(c.document_id or 0), c.code_id, c.coder, c.status, c.origin or "suggestion"
        )
        for c in store.codings.latest(name, coders=None if only_coder is None else [only_coder])
        if c.status in ("accepted", "rejected")
    ]
    reviews = [
        PassageReview(p, d, coder)
        for p, d, coder in store.reviews.all(name)
        if only_coder is None or coder == only_coder
    ]
    assigned: dict[int, set[str]] = defaultdict(set)
    if only_coder is None:
        offset = 0
        while page := store.assignments.list(limit=5000, offset=offset):
            for a in page:
                assigned[a.document_id].add(a.coder)
            offset += len(page)
    suggestions = [SuggestedCode(p, d, c) for p, d, c in store.suggestions.suggested(cb)]
    named = {x.document_id for x in decisions} | {r.document_id for r in reviews}
    named |= {s.document_id for s in suggestions}
    passages = store.passages.ids_by_document(named)
    return ReviewState(passages, decisions, reviews, assigned, suggestions, documents=store.documents.ids)


def human_coders(store: Store, codebook_id: int | None = None) -> list[str]:
    """The coders with a decision or a done mark under the codebook's name (consensus left out), sorted."""
    name = codebook_name(store, codebook_id)
    names = set(store.codings.coders(name)) | {coder for _p, _d, coder in store.reviews.all(name)}
    return sorted(names - {CONSENSUS})


def default_source(store: Store, codebook_id: int | None = None) -> str:
    """The one default source of `reviewkit trends`, `export trends` and the Trends screen.

    ``consensus`` when two or more coders have worked on the project (or none yet); with a single
    coder, ``coder:NAME`` (their figures are the project's figures).
    """
    coders = human_coders(store, codebook_id)
    return f"coder:{coders[0]}" if len(coders) == 1 else CONSENSUS


def resolve_source(
    store: Store, source: str | None, coder: str | None = None, codebook_id: int | None = None
) -> str:
    """The source a command uses: the given one, the deprecated ``accepted`` mapped, or the default.

    ``accepted`` (deprecated) maps to ``coder:CODER`` with a coder, else to the default source.
    A bare ``--coder`` without a source means ``coder:CODER``.

    Raises:
        ReviewkitError: an unknown source name.
    """
    if source in (None, "", "accepted"):
        return f"coder:{coder}" if coder else default_source(store, codebook_id)
    assert source is not None
    parse_source(source)
    if coder and source != f"coder:{coder}":
        raise ReviewkitError(f"--coder {coder} contradicts --source {source}; use --source coder:{coder}.")
    return source


def mark_passage(store: Store, passage_id: int, coder: str, *, codebook_id: int, done: bool = True) -> None:
    """Mark a passage done ("reviewed, no further codes") for a coder, or with done=False undo the mark.

    Raises:
        NotFoundError: no such passage.
    """
    if store.passages.get(passage_id) is None:
        raise NotFoundError(f"No passage with id {passage_id}.")
    store.reviews.mark(passage_id, coder, codebook_name(store, codebook_id), done)


def mark_document(store: Store, document_id: int, coder: str, *, codebook_id: int, done: bool = True) -> int:
    """Mark every passage of a document done (or not) for a coder, as one undoable step.

    Returns:
        How many passages changed.
    """
    name = codebook_name(store, codebook_id)
    passages = [int(p.id or 0) for p in store.passages.of_document(document_id)]
    mine = {r.passage_id for r in store.reviews.list(coder, name, document_id=document_id)}
    todo = [p for p in passages if (p in mine) != done]
    batch = new_batch("doc")
    with store.transaction():
        for p in todo:
            store.reviews.mark(p, coder, name, done, batch=batch)
    return len(todo)


def passages_done(store: Store, document_id: int, coder: str, codebook_id: int | None) -> set[int]:
    """The passages of a document the coder marked done (none without a codebook)."""
    if codebook_id is None:
        return set()
    return {
        r.passage_id
        for r in store.reviews.list(coder, codebook_name(store, codebook_id), document_id=document_id)
    }


def coder_progress(
    store: Store,
    codebook_id: int | None = None,
    *,
    coders: list[str] | None = None,
    only_coder: str | None = None,
) -> list[CoderProgress]:
    """Per coder: documents and passages reviewed, decisions, time spent (`reviewkit.analysis.progress`).

    Args:
        store: the project.
        codebook_id: codebook version (default: the current one).
        coders: the coders to report (default: every coder seen).
        only_coder: blind mode: read and report only this coder's work.
    """
    state = review_state(store, codebook_id, only_coder=only_coder)
    events = [AuditEvent(c, at) for c, at in store.audit.times() if only_coder is None or c == only_coder]
    names = [only_coder] if only_coder is not None else coders
    return progress(state, events, coders=names)
