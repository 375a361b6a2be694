"""Provides the review use cases: decisions, accept-all, undo/redo, the review queue, document views.

Both front ends call these; every write goes through `Store.set_decision`, which writes the
``codings`` row and its ``audit`` row in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reviewkit.errors import NotFoundError
from reviewkit.store.codings import new_batch

if TYPE_CHECKING:
    from reviewkit.store import Store

CONSENSUS = "consensus"
"""The coder name under which final decisions after a disagreement are stored."""


@dataclass
class SuggestionView:
    """A code shown beside a passage: a tagger suggestion, or a code a coder added by hand."""

    passage_id: int
    code_id: str
    label: str
    suggestion_id: int | None = None
    """None for a code added by hand."""
    score: float | None = None
    threshold: float | None = None
    method: str = "manual"
    terms: list[tuple[str, int, int]] = field(default_factory=list)
    """Matched keywords as (term, start, end) offsets into the passage text."""
    nearest_example: str = ""
    similarity: float | None = None
    mine: str | None = None
    """This coder's decision: accepted, rejected or None."""
    others: dict[str, str] = field(default_factory=dict)
    """Other coders' decisions (empty in blind mode)."""

    @property
    def suggested(self) -> bool:
        """Whether the tagger's score reaches the threshold."""
        return self.score is not None and self.threshold is not None and self.score >= self.threshold


@dataclass
class PassageView:
    """A passage with the codes to review on it."""

    id: int
    field: str
    seq: int
    start: int
    end: int
    text: str
    lang: str
    items: list[SuggestionView] = field(default_factory=list)


@dataclass
class DocumentView:
    """Everything the review screen shows about one document."""

    id: int
    title: str
    abstract: str
    year: int | None
    authors: list[str]
    journal: str
    title_alt: str = ""
    abstract_alt: str = ""
    passages: list[PassageView] = field(default_factory=list)


@dataclass
class QueueItem:
    """One undecided suggestion of the review queue."""

    suggestion_id: int
    passage_id: int
    document_id: int
    code_id: str
    label: str
    score: float
    threshold: float
    method: str
    text: str
    field: str
    title: str
    year: int | None
    terms: list[tuple[str, int, int]] = field(default_factory=list)
    nearest_example: str = ""
    similarity: float | None = None


def code_labels(store: Store, codebook_id: int | None) -> dict[str, tuple[str, str]]:
    """Code id -> (English label, Chinese label) for a codebook version."""
    return {
        r["code_id"]: (r["label"] or r["code_id"], r["label_zh"]) for r in store.browse_codes(codebook_id)
    }


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
    return store.set_decision(
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
    sugg = next((s for s in _suggestions_of(store, passage_id, codebook_id) if s["code_id"] == code_id), None)
    return decide(
        store,
        passage_id,
        code_id,
        coder,
        "accepted",
        codebook_id=codebook_id,
        suggestion_id=sugg["id"] if sugg else None,
        score=sugg["score"] if sugg else None,
    )


def accept_all(store: Store, document_id: int, coder: str, codebook_id: int) -> int:
    """Accept every suggestion of a document with score >= threshold that the coder has not decided.

    All of them form one batch, so one undo takes them back.

    Returns:
        How many decisions were written.
    """
    decided = {
        (c["passage_id"], c["code_id"])
        for c in store.browse_codings(document_id, codebook_id)
        if c["coder"] == coder
    }
    todo = [
        s
        for s in store.browse_suggestions(document_id, codebook_id)
        if s["score"] >= s["threshold"] and (s["passage_id"], s["code_id"]) not in decided
    ]
    batch = new_batch("all")
    with store.transaction():
        for s in todo:
            decide(
                store,
                s["passage_id"],
                s["code_id"],
                coder,
                "accepted",
                codebook_id=codebook_id,
                suggestion_id=s["id"],
                score=s["score"],
                batch=batch,
            )
    return len(todo)


def undo(store: Store, coder: str) -> dict[str, Any] | None:
    """Undo the coder's latest step (one decision, or one accept-all); None when there is nothing."""
    return store.undo(coder)


def redo(store: Store, coder: str) -> dict[str, Any] | None:
    """Redo the coder's latest undone step; None when there is nothing to redo."""
    return store.redo(coder)


def review_queue(
    store: Store, coder: str, codebook_id: int | None, limit: int = 100, offset: int = 0
) -> list[QueueItem]:
    """Undecided suggestions across the corpus, most uncertain first (smallest |score - threshold|)."""
    labels = code_labels(store, codebook_id)
    items = []
    for r in store.browse_queue(coder, codebook_id, limit=limit, offset=offset):
        ev = _evidence(r["evidence"], len(r["text"]))
        items.append(
            QueueItem(
                suggestion_id=r["id"],
                passage_id=r["passage_id"],
                document_id=r["document_id"],
                code_id=r["code_id"],
                label=labels.get(r["code_id"], (r["code_id"], ""))[0],
                score=r["score"],
                threshold=r["threshold"],
                method=r["method"],
                text=r["text"],
                field=r["field"],
                title=r["title"],
                year=r["year"],
                **ev,
            )
        )
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
    doc = store.browse_document(document_id)
    if doc is None:
        raise NotFoundError(f"No document with id {document_id}.")
    cb = codebook_id if codebook_id is not None else store.browse_codebook_id()
    labels = code_labels(store, cb) if cb is not None else {}
    view = DocumentView(
        id=doc["id"],
        title=doc["title"],
        abstract=doc["abstract"],
        year=doc["year"],
        authors=doc["authors"],
        journal=doc["journal"],
        title_alt=doc.get("title_alt", ""),
        abstract_alt=doc.get("abstract_alt", ""),
    )
    by_passage: dict[int, PassageView] = {}
    for p in store.browse_passages(document_id):
        pv = PassageView(p["id"], p["field"], p["seq"], p["start"], p["end"], p["text"], p["lang"])
        by_passage[pv.id] = pv
        view.passages.append(pv)
    items: dict[tuple[int, str], SuggestionView] = {}
    for s in store.browse_suggestions(document_id, cb) if cb is not None else []:
        pv = by_passage.get(s["passage_id"])
        if pv is None:
            continue
        item = SuggestionView(
            passage_id=pv.id,
            code_id=s["code_id"],
            label=labels.get(s["code_id"], (s["code_id"], ""))[0],
            suggestion_id=s["id"],
            score=s["score"],
            threshold=s["threshold"],
            method=s["method"],
            **_evidence(s["evidence"], len(pv.text)),
        )
        items[(pv.id, s["code_id"])] = item
        pv.items.append(item)
    for c in store.browse_codings(document_id, cb) if cb is not None else []:
        if c["coder"] != coder and blind:
            continue
        key = (c["passage_id"], c["code_id"])
        item = items.get(key)
        if item is None:
            pv = by_passage.get(c["passage_id"])
            if pv is None:
                continue
            item = SuggestionView(
                passage_id=pv.id, code_id=c["code_id"], label=labels.get(c["code_id"], (c["code_id"], ""))[0]
            )
            items[key] = item
            pv.items.append(item)
        if c["coder"] == coder:
            item.mine = c["status"]
        else:
            item.others[c["coder"]] = c["status"]
    return view


def _suggestions_of(store: Store, passage_id: int, codebook_id: int) -> list[dict[str, Any]]:
    doc = store.browse_passage_document(passage_id)
    if doc is None:
        raise NotFoundError(f"No passage with id {passage_id}.")
    return [s for s in store.browse_suggestions(doc, codebook_id) if s["passage_id"] == passage_id]


def _evidence(ev: dict[str, Any], length: int) -> dict[str, Any]:
    """Read the tagger's evidence JSON defensively: bad or out-of-range term offsets are dropped."""
    terms: list[tuple[str, int, int]] = []
    for t in ev.get("terms") or []:
        try:
            term, start, end = str(t[0]), int(t[1]), int(t[2])
        except (TypeError, ValueError, IndexError, KeyError):
            continue
        if 0 <= start < end <= length:
            terms.append((term, start, end))
    sim = ev.get("similarity")
    return {
        "terms": terms,
        "nearest_example": str(ev.get("nearest_example") or ""),
        "similarity": float(sim) if isinstance(sim, int | float) else None,
    }
