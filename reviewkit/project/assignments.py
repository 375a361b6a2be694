"""Provides the assignment use cases: split the documents among coders with an overlap sample.

`plan_assignments` runs the pure rule of `reviewkit.analysis.assign` over the documents in scope
(the included ones once screening has begun) and writes the plan through `store.assignments`.
Re-running it keeps the plan in force (`assign(previous=...)`): documents already assigned keep
their coders, new documents are assigned by the same rule, and the seed of the first plan is
reused unless another is given. `overlap_documents` is the sample `reviewkit agreement --sample
overlap` restricts to.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reviewkit.analysis.assign import Assignment, AssignmentRow, assign
from reviewkit.errors import ReviewkitError

if TYPE_CHECKING:
    from reviewkit.store import Store


@dataclass(frozen=True)
class AssignmentSummary:
    """The plan in force: per-coder document counts and the overlap sample."""

    coders: dict[str, int]
    """Coder -> documents to code (the overlap sample included)."""
    overlap: int
    """Documents in the overlap sample (every coder codes them)."""
    documents: int
    """Documents assigned."""
    seed: int | None
    added: int = 0
    """Documents newly assigned by this run (0 for `show_assignments`)."""


def _stored(store: Store) -> tuple[list[AssignmentRow], int | None]:
    rows: list[AssignmentRow] = []
    seed: int | None = None
    offset = 0
    while page := store.assignments.list(limit=5000, offset=offset):
        for a in page:
            rows.append(AssignmentRow(a.document_id, a.coder, a.overlap))
            seed = a.seed if seed is None else seed
        offset += len(page)
    return rows, seed


def _summary(plan: Assignment, seed: int | None, added: int = 0) -> AssignmentSummary:
    return AssignmentSummary(
        {c: len(ds) for c, ds in plan.per_coder.items()}, len(plan.overlap), len(plan.documents), seed, added
    )


def plan_assignments(
    store: Store, coders: list[str], overlap: float, *, seed: int | None = None, all_documents: bool = False
) -> AssignmentSummary:
    """Assign the documents to `coders` with an overlap sample of share `overlap`; write the plan.

    Args:
        store: the project.
        coders: the coder names (at least one, no repeats).
        overlap: share of the documents every coder codes (0 to 1).
        seed: random seed (default: the seed of the plan in force, else a new one, recorded).
        all_documents: once screening has begun, assign every document, not only the included.

    Raises:
        ReviewkitError: no coders, repeated coders, overlap outside 0..1, no documents.
    """
    from reviewkit.project.scope import documents_in_scope

    scope = documents_in_scope(store, all_documents=all_documents)
    doc_ids = sorted(d.id for d in store.documents.iter() if scope is None or d.id in scope)
    if not doc_ids:
        raise ReviewkitError("No documents to assign: import some with `reviewkit import` first.")
    rows, stored_seed = _stored(store)
    previous = Assignment.from_rows(rows) if rows else None
    chosen = seed if seed is not None else stored_seed if stored_seed is not None else random.randrange(1, 10**6)
    plan = assign(doc_ids, coders, overlap, chosen, previous=previous)
    old = {(r.document_id, r.coder): r.overlap for r in rows}
    new = {(r.document_id, r.coder): r.overlap for r in plan.rows()}
    with store.transaction():
        for (doc, coder), _ov in old.items():
            if (doc, coder) not in new:
                store.assignments.delete(coder, [doc])
        groups: dict[tuple[str, bool], list[int]] = {}
        for (doc, coder), ov in new.items():
            if old.get((doc, coder)) != ov:
                groups.setdefault((coder, ov), []).append(doc)
        for (coder, ov), docs in groups.items():
            store.assignments.add(docs, coder, overlap=ov, seed=chosen)
    before = {d for d, _c in old}
    return _summary(plan, chosen, len(plan.documents - before))


def show_assignments(store: Store) -> AssignmentSummary:
    """The plan in force (empty counts when there is none)."""
    rows, seed = _stored(store)
    return _summary(Assignment.from_rows(rows), seed)


def overlap_documents(store: Store) -> frozenset[int]:
    """The documents of the overlap sample of the plan in force (empty when there is no plan)."""
    rows, _seed = _stored(store)
    return frozenset(r.document_id for r in rows if r.overlap)


__all__ = ["AssignmentSummary", "overlap_documents", "plan_assignments", "show_assignments"]
