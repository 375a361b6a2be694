"""Provides the review use cases: decisions, accept-all, undo/redo, the review queue, document views.

Both front ends call these; every write goes through `store.codings.set`, which writes the
``codings`` row and its ``audit`` row in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from reviewkit.errors import NotFoundError
from reviewkit.project.state import passages_done
from reviewkit.project.views import DocumentView as DocumentView  # re-exported for the screens
from reviewkit.project.views import PassageView as PassageView
from reviewkit.project.views import SuggestionView as SuggestionView
from reviewkit.records import (
    CodebookVersion,
    CodeRecord,
    DocumentFilter,
    DocumentStatus,
    QueueEntry,
    StoredSuggestion,
    UndoStep,
)
from reviewkit.store.audit import new_batch

if TYPE_CHECKING:
    from collections.abc import Collection

    from reviewkit.store import Store

CONSENSUS = "consensus"
"""The coder name under which final decisions after a disagreement are stored."""


@dataclass(frozen=True)
class QueueItem:
    """One undecided suggestion of the review queue: the stored entry and the view the screen shows."""

    entry: QueueEntry
    """The suggestion, its passage and document (from `store.suggestions.queue`)."""
    view: SuggestionView
    """The suggestion as shown beside the passage (label, evidence, decisions)."""

    @property
    def suggestion_id(self) -> int:
        """The stored suggestion's id."""
        return self.entry.suggestion.id

    @property
    def passage_id(self) -> int:
        """The passage it is on."""
        return self.entry.suggestion.passage_id

    @property
    def document_id(self) -> int:
        """The passage's document."""
        return self.entry.suggestion.document_id

    @property
    def code_id(self) -> str:
        """The suggested code."""
        return self.entry.suggestion.code_id

    @property
    def score(self) -> float:
        """The tagger's score."""
        return self.entry.suggestion.score

    @property
    def threshold(self) -> float:
        """The code's threshold."""
        return self.entry.suggestion.threshold

    @property
    def text(self) -> str:
        """The passage text."""
        return self.entry.passage.text

    @property
    def title(self) -> str:
        """The document's title."""
        return self.entry.title

    @property
    def year(self) -> int | None:
        """The document's year."""
        return self.entry.year

    @property
    def assigned(self) -> bool:
        """The document is assigned to the queue's coder (listed first)."""
        return self.entry.assigned

    def passage_view(self) -> PassageView:
        """The passage with only this suggestion on it."""
        p = self.entry.passage
        return PassageView(replace(p, seq=0, start=0, end=len(p.text)), [self.view])


def code_labels(store: Store, codebook_id: int | None) -> dict[str, tuple[str, str]]:
    """Code id -> (English label, Chinese label) for a codebook version."""
    if codebook_id is None:
        return {}
    return {r.code_id: (r.label or r.code_id, r.label_zh) for r in store.codebooks.codes(codebook_id)}


def decide(
    store: Store,
    passage_id: int,
    code_id: str,
    coder: str,
    status: str | None,
    *,
    codebook_id: int,
    suggestion_id: int | None = None,
    score: float | None = None,
    batch: str = "",
) -> int | None:
    """Accept, reject (or with None clear) a code on a passage for a coder; audited and undoable.

    Returns:
        The ``codings`` row id, or None when the decision was cleared.
    """
    return store.codings.set(
        passage_id,
        code_id,
        coder,
        status,
        codebook_id=codebook_id,
        origin="suggestion" if suggestion_id is not None else "manual",
        suggestion_id=suggestion_id,
        score=score,
        batch=batch,
    )


def add_code(store: Store, passage_id: int, code_id: str, coder: str, *, codebook_id: int) -> int | None:
    """Accept a code the tagger did not suggest on a passage (linked to a stored suggestion if any).

    Raises:
        NotFoundError: the code is not in the codebook (the message lists the codes).
    """
    labels = code_labels(store, codebook_id)
    if code_id not in labels:
        raise NotFoundError(f"Unknown code {code_id!r}. Codes: {', '.join(labels)}")
    sugg = next((s for s in _suggestions_of(store, passage_id, codebook_id) if s.code_id == code_id), None)
    return decide(
        store,
        passage_id,
        code_id,
        coder,
        "accepted",
        codebook_id=codebook_id,
        suggestion_id=sugg.id if sugg else None,
        score=sugg.score if sugg else None,
    )


def accept_all(store: Store, document_id: int, coder: str, codebook_id: int) -> int:
    """Accept every suggestion of a document with score >= threshold that the coder has not decided.

    All of them form one batch, so one undo takes them back.

    Returns:
        How many decisions were written.
    """
    decided = {
        (c.passage_id, c.code_id)
        for c in store.codings.of_document(document_id, codebook_id)
        if c.coder == coder
    }
    todo = [
        s
        for s in store.suggestions.of_document(document_id, codebook_id)
        if s.suggested and (s.passage_id, s.code_id) not in decided
    ]
    batch = new_batch("all")
    with store.transaction():
        for s in todo:
            decide(
                store,
                s.passage_id,
                s.code_id,
                coder,
                "accepted",
                codebook_id=codebook_id,
                suggestion_id=s.id,
                score=s.score,
                batch=batch,
            )
    return len(todo)


def undo(store: Store, coder: str) -> UndoStep | None:
    """Undo the coder's latest step (one decision, or one accept-all); None when there is nothing."""
    return store.audit.undo(coder)


def redo(store: Store, coder: str) -> UndoStep | None:
    """Redo the coder's latest undone step; None when there is nothing to redo."""
    return store.audit.redo(coder)


def review_queue(
    store: Store,
    coder: str,
    codebook_id: int | None,
    limit: int = 100,
    offset: int = 0,
    *,
    scope: Collection[int] | None = None,
) -> list[QueueItem]:
    """Undecided suggestions across the corpus (or the `scope` documents), most uncertain first."""
    if codebook_id is None:
        return []
    labels = code_labels(store, codebook_id)
    items = []
    for r in store.suggestions.queue(coder, codebook_id, limit=limit, offset=offset, document_ids=scope):
        s = r.suggestion
        view = SuggestionView(
            passage_id=s.passage_id,
            code_id=s.code_id,
            label=labels.get(s.code_id, (s.code_id, ""))[0],
            stored=s,
            passage_length=len(r.passage.text),
        )
        items.append(QueueItem(r, view))
    return items


def document_view(
    store: Store, document_id: int, coder: str, blind: bool = False, codebook_id: int | None = None
) -> DocumentView:
    """A document with its passages, the suggestions on each and the decisions taken.

    Args:
        store: the project.
        document_id: the document.
        coder: whose decisions are "mine".
        blind: hide other coders' decisions (independent double coding).
        codebook_id: codebook version (default: the current one).

    Raises:
        NotFoundError: no such document.
    """
    doc = store.documents.get(document_id)
    if doc is None:
        raise NotFoundError(f"No document with id {document_id}.")
    cb = codebook_id if codebook_id is not None else store.codebooks.current_id()
    labels = code_labels(store, cb) if cb is not None else {}
    view = DocumentView(doc)
    by_passage: dict[int, PassageView] = {}
    done = passages_done(store, document_id, coder, cb)
    for p in store.passages.of_document(document_id):
        pv = PassageView(p, done=p.id in done)
        by_passage[pv.id] = pv
        view.passages.append(pv)
    items: dict[tuple[int, str], SuggestionView] = {}
    for s in store.suggestions.of_document(document_id, cb) if cb is not None else []:
        on = by_passage.get(s.passage_id)
        if on is None:
            continue
        pv = on
        item = SuggestionView(
            passage_id=pv.id,
            code_id=s.code_id,
            label=labels.get(s.code_id, (s.code_id, ""))[0],
            stored=s,
            passage_length=len(pv.text),
        )
        items[(pv.id, s.code_id)] = item
        pv.items.append(item)
    for c in store.codings.of_document(document_id, cb) if cb is not None else []:
        if c.coder != coder and blind:
            continue
        key = (c.passage_id, c.code_id)
        found = items.get(key)
        if found is None:
            on = by_passage.get(c.passage_id)
            if on is None:
                continue
            found = SuggestionView(
                passage_id=on.id, code_id=c.code_id, label=labels.get(c.code_id, (c.code_id, ""))[0]
            )
            items[key] = found
            on.items.append(found)
        if c.coder == coder:
            found.mine = c.status
        else:
            found.others[c.coder] = c.status
    return view


def _suggestions_of(store: Store, passage_id: int, codebook_id: int) -> list[StoredSuggestion]:
    passage = store.passages.get(passage_id)
    if passage is None:
        raise NotFoundError(f"No passage with id {passage_id}.")
    return [
        s
        for s in store.suggestions.of_document(passage.document_id, codebook_id)
        if s.passage_id == passage_id
    ]


def document_page(
    store: Store,
    coder: str,
    codebook_id: int | None,
    filters: DocumentFilter,
    offset: int = 0,
    limit: int = 100,
) -> list[DocumentStatus]:
    """One page of the documents list with the coder's review status (paged: never the whole table).

    The documents assigned to the coder (`reviewkit assign`) come first, marked `assigned`; each
    part is in year order.
    """
    mine = _assigned_count(store, coder, codebook_id, filters)
    if not mine:
        return store.documents.status_page(
            coder=coder, codebook_id=codebook_id, offset=offset, limit=limit, filters=filters
        )
    rows: list[DocumentStatus] = []
    if offset < mine:
        rows = [
            replace(r, assigned=True)
            for r in store.documents.status_page(
                coder=coder, codebook_id=codebook_id, offset=offset, limit=limit,
                filters=replace(filters, assigned=True),
            )  # fmt: skip
        ]
    if len(rows) < limit:
        rows += store.documents.status_page(
            coder=coder, codebook_id=codebook_id, offset=max(0, offset - mine), limit=limit - len(rows),
            filters=replace(filters, assigned=False),
        )  # fmt: skip
    return rows


def _assigned_count(store: Store, coder: str, codebook_id: int | None, filters: DocumentFilter) -> int:
    """How many documents of the filtered list are assigned to the coder (0 at once without a plan)."""
    if filters.assigned is not None or not store.assignments.count(coder):
        return 0
    return store.documents.status_count(coder=coder, codebook_id=codebook_id, filters=replace(filters, assigned=True))


def document_count(store: Store, coder: str, codebook_id: int | None, filters: DocumentFilter) -> int:
    """How many documents the filtered documents list has."""
    return store.documents.status_count(coder=coder, codebook_id=codebook_id, filters=filters)


def document_position(
    store: Store, document_id: int, coder: str, codebook_id: int | None, filters: DocumentFilter
) -> int:
    """The 0-based index of a document in the filtered documents list (assigned documents first)."""
    mine = _assigned_count(store, coder, codebook_id, filters)
    if not mine:
        return store.documents.status_position(document_id, coder=coder, codebook_id=codebook_id, filters=filters)
    assigned = coder in store.assignments.coders_of(document_id)
    part = replace(filters, assigned=assigned)
    index = store.documents.status_position(document_id, coder=coder, codebook_id=codebook_id, filters=part)
    return index if assigned else mine + index


def codebook_codes(store: Store, codebook_id: int | None) -> list[CodeRecord]:
    """The codes of a codebook version in file order (none without a version)."""
    return store.codebooks.codes(codebook_id) if codebook_id is not None else []


def codebook_counts(store: Store, codebook_id: int | None, coder: str | None = None) -> dict[str, dict[str, int]]:
    """Per code: suggested, accepted and rejected counts (only `coder`'s decisions when given; blind mode)."""
    return store.codebooks.counts(codebook_id, coder) if codebook_id is not None else {}


def codebook_version(store: Store, codebook_id: int | None) -> CodebookVersion | None:
    """A stored codebook version (None without an id)."""
    return store.codebooks.get(codebook_id) if codebook_id is not None else None


def current_codebook_id(store: Store) -> int | None:
    """The project's current codebook version (the one rule every screen and command uses)."""
    return store.codebooks.current_id()


def adjudicate_decision(
    store: Store, passage_id: int, code_id: str, status: str | None, *, lead: str, codebook_id: int
) -> int | None:
    """Record the consensus decision on (passage, code), audited as the lead reviewer."""
    return store.codings.set(
        passage_id, code_id, CONSENSUS, status, codebook_id=codebook_id, origin="consensus", actor=lead
    )
