"""Provides the screening services: decide, undo, final decisions, counts, conflicts, resolution, kappa.

The ranked next record and the stopping aid are in `reviewkit.project.screening_rank`.

Rules (one place each):

- **A reviewer's decisions** are theirs alone: the ranker for a reviewer learns only from that
  reviewer's decisions (plus the protocol criteria for the cold start), so double screening is blind.
- **The final decision** on a record at a stage (`final_decisions`): the lead reviewer's resolution
  (stored under the coder ``consensus``, with the lead's name in its note; audited, undoable by
  ``consensus``) when there is one; else the decision every reviewer who screened it shares; reviewers
  who disagree make a *conflict* (`conflicts`) and no final decision.
- **Screened** means a final include or exclude; *maybe* and conflicts are pending.
- **Included** means a final include at title/abstract and, where the full-text stage decided the
  record, a final include there too (`included_documents`).
- **Kappa** compares two reviewers' include/exclude decisions on the records both decided (maybe
  left out), with `reviewkit.analysis.agreement.cohen_kappa`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reviewkit.errors import NotFoundError, ReviewkitError
from reviewkit.project.screening_protocol import protocol
from reviewkit.records import Document, ScreeningDecision, UndoStep

if TYPE_CHECKING:
    from reviewkit.store import Store

CONSENSUS = "consensus"
"""The coder name under which a lead reviewer's resolutions are stored."""
TA, FT = "title_abstract", "full_text"


def document(store: Store, ident: int | str) -> Document:
    """The document by id or key.

    Raises:
        NotFoundError: no such document.
    """
    doc = store.documents.get(ident)
    if doc is None:
        raise NotFoundError(f"No document {ident!r}; see `reviewkit docs list`.")
    return doc


def decide(
    store: Store,
    ident: int | str,
    decision: str,
    coder: str,
    *,
    reason: str = "",
    note: str = "",
    stage: str = TA,
) -> ScreeningDecision:
    """Record a reviewer's screening decision on a document (audited; `undo` takes it back).

    Args:
        store: the project.
        ident: the document's id or key.
        decision: ``include``, ``exclude``, ``maybe`` (and ``not_retrieved`` at ``full_text``).
        coder: the reviewer (not ``consensus``: use `resolve`).
        reason: an exclusion reason of the protocol (required with ``exclude``).
        note: a free note.
        stage: ``title_abstract`` or ``full_text``.

    Raises:
        NotFoundError: no such document.
        ReviewkitError: a missing or unknown reason, a reason on a non-exclusion, coder ``consensus``.
    """
    if coder == CONSENSUS:
        raise ReviewkitError(
            f"The coder name {CONSENSUS!r} holds resolutions; use `reviewkit screen resolve`."
        )
    doc = document(store, ident)
    _check_reason(store, decision, reason)
    store.screening.set(doc.id, coder, decision, reason, stage=stage, note=note)
    found = store.screening.get(doc.id, coder, stage)
    assert found is not None
    return found


def _check_reason(store: Store, decision: str, reason: str) -> None:
    reasons = protocol(store).reasons
    if decision == "exclude":
        if not reason:
            raise ReviewkitError(
                f"An exclusion needs a reason (--reason); the protocol's reasons: {', '.join(reasons)}."
            )
        if reason not in reasons:
            raise ReviewkitError(f"Unknown exclusion reason {reason!r}. Use one of: {', '.join(reasons)}.")
    elif reason:
        raise ReviewkitError(f"A reason goes with an exclusion only, not with {decision!r}.")


def undo(store: Store, coder: str) -> UndoStep | None:
    """Undo the reviewer's latest step (None when there is nothing to undo)."""
    return store.audit.undo(coder)


def undo_resolution(store: Store) -> UndoStep | None:
    """Undo the latest lead resolution (the latest step audited under ``consensus``; None when none is left)."""
    return store.audit.undo(CONSENSUS)


# ----------------------------------------------------------------------------- final decisions
def _by_document(store: Store, stage: str) -> dict[int, list[ScreeningDecision]]:
    out: dict[int, list[ScreeningDecision]] = {}
    for d in store.screening.list(stage=stage):
        out.setdefault(d.document_id, []).append(d)
    return out


def final_decisions(
    store: Store, stage: str = TA
) -> tuple[dict[int, ScreeningDecision], dict[int, list[ScreeningDecision]]]:
    """The final decision per document at a stage, and the conflicts (see the module docstring).

    Returns:
        (final, conflicts): final maps a document to the decision that stands (the resolution, or
        one of the agreeing reviewers' decisions); conflicts maps a document to the differing decisions.
    """
    final: dict[int, ScreeningDecision] = {}
    conflicting: dict[int, list[ScreeningDecision]] = {}
    for doc_id, decisions in _by_document(store, stage).items():
        lead = [d for d in decisions if d.coder == CONSENSUS]
        if lead:
            final[doc_id] = lead[0]
            continue
        if len({d.decision for d in decisions}) == 1:
            final[doc_id] = decisions[0]
        else:
            conflicting[doc_id] = decisions
    return final, conflicting


def included_documents(store: Store) -> set[int]:
    """Documents included: a final include at title/abstract and, where decided at full text, there too."""
    ta, _ = final_decisions(store, TA)
    ft, ft_conflicts = final_decisions(store, FT)
    out = set()
    for doc_id, d in ta.items():
        if d.decision != "include":
            continue
        if doc_id in ft_conflicts or (doc_id in ft and ft[doc_id].decision != "include"):
            continue
        out.add(doc_id)
    return out


def screening_started(store: Store) -> bool:
    """Whether any screening decision exists."""
    return bool(store.screening.counts(TA)) or bool(store.screening.counts(FT))


# ----------------------------------------------------------------------------- counts
@dataclass(frozen=True)
class StageCounts:
    """Where a screening stage stands over every reviewer (no stopping aid: see `screening_rank.status`)."""

    stage: str
    total: int
    """Documents this stage screens (every document; at full text the title/abstract inclusions)."""
    screened: int
    """Documents with a final include or exclude."""
    included: int
    excluded: int
    excluded_by_reason: tuple[tuple[str, int], ...]
    """(reason, documents) of the final exclusions, protocol reasons first."""
    maybe: int
    """Documents whose final decision is maybe (pending)."""
    not_retrieved: int
    """Full texts not retrieved (full-text stage only)."""
    conflicts: int
    """Documents on which reviewers differ and no resolution exists (pending)."""
    reviewers: tuple[str, ...]
    """Reviewers with a decision at this stage (``consensus`` left out)."""


def candidates(store: Store, stage: str) -> set[int] | None:
    """Documents a stage screens: all (None) at title/abstract; the title/abstract inclusions at full text."""
    if stage == TA:
        return None
    ta, _ = final_decisions(store, TA)
    return {i for i, d in ta.items() if d.decision == "include"}


def counts(store: Store, *, stage: str = TA) -> StageCounts:
    """The final decisions of a stage counted (what PRISMA and the report read; cheap: no model)."""
    final, conflicting = final_decisions(store, stage)
    allowed = candidates(store, stage)
    total = store.documents.count() if allowed is None else len(allowed)
    kinds = Counter(d.decision for d in final.values())
    reasons = Counter(d.reason for d in final.values() if d.decision == "exclude")
    known = protocol(store).reasons
    order = [r for r in known if r in reasons] + sorted(r for r in reasons if r not in known)
    reviewers = sorted({d.coder for d in store.screening.list(stage=stage)} - {CONSENSUS})
    return StageCounts(
        stage=stage,
        total=total,
        screened=kinds["include"] + kinds["exclude"],
        included=kinds["include"],
        excluded=kinds["exclude"],
        excluded_by_reason=tuple((r or "(no reason)", reasons[r]) for r in order),
        maybe=kinds["maybe"],
        not_retrieved=kinds["not_retrieved"],
        conflicts=len(conflicting),
        reviewers=tuple(reviewers),
    )


# ----------------------------------------------------------------------------- double screening
@dataclass(frozen=True)
class Conflict:
    """Reviewers' differing decisions on one document."""

    document_id: int
    key: str
    title: str
    decisions: tuple[ScreeningDecision, ...]


def conflicts(store: Store, *, stage: str = TA) -> list[Conflict]:
    """Documents on which reviewers differ and no lead reviewer has resolved, by document id."""
    _, conflicting = final_decisions(store, stage)
    docs = {d.id: d for d in store.documents.iter(sorted(conflicting))}
    return [
        Conflict(i, docs[i].key, docs[i].display_title, tuple(conflicting[i]))
        for i in sorted(conflicting)
        if i in docs
    ]


def resolve(
    store: Store,
    ident: int | str,
    decision: str,
    lead: str,
    *,
    reason: str = "",
    note: str = "",
    stage: str = TA,
) -> ScreeningDecision:
    """A lead reviewer's final decision on a document, stored under the coder ``consensus`` (audited).

    The note records the lead's name (``resolved by NAME``, then `note`); ``consensus`` undoes it.

    Raises:
        NotFoundError: no such document.
        ReviewkitError: bad reason (as in `decide`), or no lead name.
    """
    if not lead.strip() or lead == CONSENSUS:
        raise ReviewkitError("Name the lead reviewer who resolves (--lead NAME).")
    doc = document(store, ident)
    _check_reason(store, decision, reason)
    text = f"resolved by {lead}" + (f": {note}" if note else "")
    store.screening.set(doc.id, CONSENSUS, decision, reason, stage=stage, note=text)
    found = store.screening.get(doc.id, CONSENSUS, stage)
    assert found is not None
    return found


@dataclass(frozen=True)
class ScreeningAgreement:
    """Agreement of two reviewers' include/exclude decisions."""

    stage: str
    coders: tuple[str, str]
    units: int
    """Documents both reviewers included or excluded (maybe left out)."""
    agreed: int
    kappa: float | None
    band: str
    note: str
    """Why kappa is undefined ("" otherwise)."""

    @property
    def percent(self) -> float | None:
        """Share of units on which they agree."""
        return self.agreed / self.units if self.units else None


def screening_agreement(
    store: Store, coders: list[str] | None = None, *, stage: str = TA
) -> ScreeningAgreement:
    """Cohen's kappa of two reviewers' screening decisions (the two with most decisions by default).

    Raises:
        ReviewkitError: fewer than two reviewers, or more than two named.
    """
    from reviewkit.analysis.agreement import cohen_kappa, landis_koch

    decisions = [
        d
        for d in store.screening.list(stage=stage)
        if d.coder != CONSENSUS and d.decision in ("include", "exclude")
    ]
    if coders is None:
        coders = [c for c, _ in Counter(d.coder for d in decisions).most_common(2)]
    if len(coders) != 2:
        found = sorted({d.coder for d in decisions})
        raise ReviewkitError(
            f"Screening agreement needs two reviewers (--coders A,B); reviewers with decisions: {', '.join(found) or 'none'}."
        )
    a, b = ({d.document_id: int(d.decision == "include") for d in decisions if d.coder == c} for c in coders)
    both = sorted(set(a) & set(b))
    va, vb = [a[i] for i in both], [b[i] for i in both]
    kappa, note = cohen_kappa(va, vb)
    return ScreeningAgreement(
        stage,
        (coders[0], coders[1]),
        len(both),
        sum(x == y for x, y in zip(va, vb, strict=True)),
        kappa,
        landis_koch(kappa),
        note,
    )
