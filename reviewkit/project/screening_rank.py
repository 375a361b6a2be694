"""Provides the screening ranker's services: the next record for a reviewer, the stopping aid, and `status`.

The model for a reviewer learns only from that reviewer's include/exclude decisions (plus the
protocol criteria for the cold start), so double screening stays blind. `status` adds the stopping
aid (which trains the model) to the counts of `reviewkit.project.screening.counts`; callers that
need only the numbers (PRISMA, the report) call `counts`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from reviewkit.project.screening import TA, StageCounts, candidates, counts, document
from reviewkit.project.screening_protocol import protocol
from reviewkit.records import Document

if TYPE_CHECKING:
    from reviewkit.learn import Features, StoppingAid
    from reviewkit.store import Store

_FEATURES: dict[tuple[str, int, int, int], tuple[list[int], Features]] = {}


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
    labels = [
        (pos[d.document_id], d.decision == "include") for d in mine if d.decision in ("include", "exclude")
    ]
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
    allowed = candidates(store, stage)
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
        document(store, ids[best]), float(screener.scores()[best]), screener.trained, len(order)
    )


def stopping(store: Store, coder: str, *, stage: str = TA) -> StoppingAid:
    """The stopping aid for one reviewer's decisions (shown, never enforced; see docs/screening.md)."""
    screener, _, _ = _screener(store, coder, stage, replay=REPLAY)
    aid: StoppingAid = screener.stopping()
    return aid


def own_counts(store: Store, coder: str, *, stage: str = TA) -> Counter[str]:
    """One reviewer's own decisions at a stage by kind (include, exclude, maybe...): blind to the others."""
    return Counter(d.decision for d in store.screening.list(coder=coder, stage=stage))


@dataclass(frozen=True)
class ScreeningStatus(StageCounts):
    """Where a screening stage stands (what `reviewkit screen status` prints): the counts and `coder`'s stopping aid."""

    coder: str = ""
    """The reviewer the stopping aid is for."""
    since_last_inclusion: int = 0
    estimated_relevant_left: float | None = None
    heuristic_run: int = 0
    heuristic_met: bool = False


def status(store: Store, coder: str, *, stage: str = TA) -> ScreeningStatus:
    """Progress of a stage over every reviewer, and the stopping aid for `coder` (trains the model)."""
    base = counts(store, stage=stage)
    aid = stopping(store, coder, stage=stage) if store.documents.count() else None
    return ScreeningStatus(
        **asdict(base),
        coder=coder,
        since_last_inclusion=aid.since_last_inclusion if aid else 0,
        estimated_relevant_left=aid.estimated_relevant_left if aid else None,
        heuristic_run=aid.heuristic_run if aid else 0,
        heuristic_met=aid.heuristic_met if aid else False,
    )
