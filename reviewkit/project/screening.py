"""Provides the screening services: decide, undo, the ranked next record, progress, conflicts, resolution, kappa.

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
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reviewkit.errors import NotFoundError, ReviewkitError
from reviewkit.project.screening_protocol import protocol
from reviewkit.records import Document, ScreeningDecision, UndoStep

if TYPE_CHECKING:
    from reviewkit.learn import Features, StoppingAid
    from reviewkit.store import Store

CONSENSUS = "consensus"
"""The coder name under which a lead reviewer's resolutions are stored."""
TA, FT = "title_abstract", "full_text"
_FEATURES: dict[tuple[str, int, int, int], tuple[list[int], Features]] = {}


def _document(store: Store, ident: int | str) -> Document:
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
    doc = _document(store, ident)
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


# ----------------------------------------------------------------------------- ranking
def _features(store: Store) -> tuple[list[int], Features]:
    """TF-IDF over title + abstract (both languages) of every document, cached per process and project state."""
    from reviewkit.learn import build_features

    docs = list(store.documents.iter())
    ids = [d.id for d in docs]
    key = (store.path, len(ids), sum(ids), max(ids, default=0))
    cached = _FEATURES.get(key)
    if cached is None:
        texts = ["\n".join(p for p in (d.title, d.abstract, d.title_alt, d.abstract_alt) if p) for d in docs]
        cached = (ids, build_features(texts))
        _FEATURES.clear()
        _FEATURES[key] = cached
    return cached


def _candidates(store: Store, stage: str) -> set[int] | None:
    """Documents a stage screens: all at title/abstract; the title/abstract inclusions at full text."""
    if stage == TA:
        return None
    ta, _ = final_decisions(store, TA)
    return {i for i, d in ta.items() if d.decision == "include"}


@dataclass(frozen=True)
class NextRecord:
    """The record a reviewer should screen next."""

    document: Document
    """The document (with its raw record)."""
    score: float
    """Its ranking score in [0, 1] (cold-start similarity below 0.5 until the model is trained)."""
    trained: bool
    """Whether the score comes from a model trained on the reviewer's decisions."""
    left: int
    """Records the reviewer has still to screen at this stage (this one included)."""


REPLAY = 100
"""The stopping aid replays this many latest decisions one by one, each scored by the model trained on
the decisions before it (the out-of-sample scores its estimate is calibrated on)."""


def _screener(store: Store, coder: str, stage: str, *, replay: int = 0) -> tuple[Any, list[int], set[int]]:
    from reviewkit.learn import make_screener

    ids, features = _features(store)
    pos = {doc_id: i for i, doc_id in enumerate(ids)}
    mine = sorted(store.screening.list(coder=coder, stage=stage), key=lambda d: (d.decided_at, d.document_id))
    labels = [(pos[d.document_id], d.decision == "include") for d in mine if d.decision in ("include", "exclude")]
    cut = max(0, len(labels) - replay)
    screener = make_screener(features, criteria=protocol(store).criteria, labels=dict(labels[:cut]))
    for index, included in labels[cut:]:
        if screener.trained:
            screener.scores()  # the score the record had when it was decided
        screener.decide(index, included)
    decided = {pos[d.document_id] for d in mine if d.document_id in pos}
    return screener, ids, decided


def next_record(
    store: Store,
    coder: str,
    *,
    stage: str = TA,
    skip: Collection[int] = (),
    prefer: int | None = None,
) -> NextRecord | None:
    """The record the ranker puts first for this reviewer (certainty order), or None when all are screened.

    The model learns from this reviewer's include/exclude decisions only (blind to the others),
    with the protocol criteria and the reviewer's inclusions as the cold start.

    Args:
        store: the project.
        coder: the reviewer.
        stage: ``title_abstract`` or ``full_text``.
        skip: document ids passed over for now (the Screening screen's skip); ignored when
            nothing else is left.
        prefer: a document id to return first while the reviewer has not decided it (e.g. the
            record an undo just reopened).
    """
    if not store.documents.count():
        return None
    screener, ids, decided = _screener(store, coder, stage)
    allowed = _candidates(store, stage)
    order = [int(i) for i in screener.ranking() if int(i) not in decided]
    if allowed is not None:
        order = [i for i in order if ids[i] in allowed]
    if not order:
        return None
    if prefer is not None and prefer in ids and ids.index(prefer) in order:
        best = ids.index(prefer)
    else:
        best = next((i for i in order if ids[i] not in skip), order[0])
    return NextRecord(
        _document(store, ids[best]), float(screener.scores()[best]), screener.trained, len(order)
    )


def stopping(store: Store, coder: str, *, stage: str = TA) -> StoppingAid:
    """The stopping aid for one reviewer's decisions (shown, never enforced; see docs/screening.md)."""
    screener, _, _ = _screener(store, coder, stage, replay=REPLAY)
    aid: StoppingAid = screener.stopping()
    return aid


def own_counts(store: Store, coder: str, *, stage: str = TA) -> Counter[str]:
    """One reviewer's own decisions at a stage by kind (include, exclude, maybe...): blind to the others."""
    return Counter(d.decision for d in store.screening.list(coder=coder, stage=stage))


# ----------------------------------------------------------------------------- progress
@dataclass(frozen=True)
class ScreeningStatus:
    """Where a screening stage stands (what `reviewkit screen status` prints)."""

    stage: str
    total: int
    """Documents this stage screens."""
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
    coder: str
    """The reviewer the stopping aid is for."""
    since_last_inclusion: int
    estimated_relevant_left: float | None
    heuristic_run: int
    heuristic_met: bool


def status(store: Store, coder: str, *, stage: str = TA) -> ScreeningStatus:
    """Progress of a stage over every reviewer, and the stopping aid for `coder`."""
    final, conflicting = final_decisions(store, stage)
    allowed = _candidates(store, stage)
    total = store.documents.count() if allowed is None else len(allowed)
    kinds = Counter(d.decision for d in final.values())
    reasons = Counter(d.reason for d in final.values() if d.decision == "exclude")
    order = [r for r in protocol(store).reasons if r in reasons] + sorted(
        r for r in reasons if r not in protocol(store).reasons
    )
    reviewers = sorted({d.coder for d in store.screening.list(stage=stage)} - {CONSENSUS})
    aid = stopping(store, coder, stage=stage) if store.documents.count() else None
    return ScreeningStatus(
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
        coder=coder,
        since_last_inclusion=aid.since_last_inclusion if aid else 0,
        estimated_relevant_left=aid.estimated_relevant_left if aid else None,
        heuristic_run=aid.heuristic_run if aid else 0,
        heuristic_met=aid.heuristic_met if aid else False,
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
    doc = _document(store, ident)
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
