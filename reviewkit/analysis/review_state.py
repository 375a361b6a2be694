"""Provides the one definition of who reviewed what and which decisions count, per source (pure).

Inputs are plain rows (`Decision`, `PassageReview`, `SuggestedCode`) plus the passages of the
documents those rows name (and, read only by the ``suggested`` source, every document id); the output of `ReviewState.view` is, for one *source*, the set of reviewed documents
(the denominator of every share) and the (document, code) and (passage, code) pairs that count
as applied. Trends, the report, exports, progress and co-occurrence all read these views, so a
figure means the same thing everywhere.

Rules (see also ``docs/review-rules.md``):

- **Done passage.** A passage is done for a coder when that coder marked it done (``d`` in the
  review app: "reviewed, no further codes"), or marked its whole document done (a `PassageReview`
  with ``passage_id=None``). Deciding on a passage's suggestions does *not* make it done: a
  decision says "this code applies / does not apply"; only the done mark says "and no other code
  applies", which is what lets silence count as "not applied".
- **Reviewed document.** A document is reviewed by a coder when every one of its passages is done
  for that coder. A document with no passages is reviewed only by a whole-document mark.
- **coder:NAME.** Reviewed: the documents NAME reviewed. Applied: the codes NAME accepted on a
  passage of one of those documents (accepts on documents NAME has not finished do not count yet).
- **any.** The union of the ``coder:NAME`` views over every coder (the consensus coder included):
  reviewed by at least one coder; applied when at least one coder who reviewed the document
  accepted the code there.
- **consensus.** The final decision on (passage, code) is (1) the consensus coder's decision if
  there is one; else (2) the value every *voter* gives, where the voters are the coders other than
  the consensus coder who decided on (passage, code) or marked the passage done, and a done mark
  without a decision on that code votes "rejected"; else, when voters disagree, (3) "rejected" if
  the consensus coder marked the passage done (the adjudicator left the code out), otherwise the
  pair is *unresolved*. A document is reviewed when the consensus coder marked it done (every
  passage), or when its *coders* (those assigned to it plus those with any decision or done mark on
  it, the consensus coder excepted) are at least one, all reviewed it, and none of its
  (passage, code) pairs is unresolved. Applied: the final accepts on reviewed documents.
- **suggested.** Reviewed: every document (the tagger reads them all). Applied: the codes whose
  score reached the code's threshold on a passage of the document.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from functools import cached_property

from reviewkit.analysis.review_rows import (
    ACCEPTED,
    CONSENSUS,
    REJECTED,
    SOURCES,
    STATUSES,
    Decision,
    PassageReview,
    SourceView,
    SuggestedCode,
    parse_source,
)
from reviewkit.errors import NotFoundError, ReviewkitError

__all__ = [
    "ACCEPTED",
    "CONSENSUS",
    "REJECTED",
    "SOURCES",
    "STATUSES",
    "Decision",
    "PassageReview",
    "ReviewState",
    "SourceView",
    "SuggestedCode",
    "agreement_inputs",
    "parse_source",
]


class ReviewState:
    """Who reviewed what, and the final decisions, computed once from plain rows.

    Args:
        passages: document id -> the ids of its passages, for at least every document a decision,
            done mark or suggestion names (documents absent here cannot be reviewed; rows naming
            them are ignored). Passing every document of the project is correct too, only bigger.
        decisions: every coder's decisions (consensus decisions with coder ``consensus``).
        reviews: done marks.
        assignments: document id -> the coders assigned to it (optional; see the consensus rule).
        suggestions: the tagger's suggestions (only those with ``score >= threshold`` count).
        documents: called (once, and only by the ``suggested`` source, which reviews every document)
            for every document id of the project; None: the keys of `passages`.

    Raises:
        ReviewkitError: a decision whose status is not accepted/rejected.

    Rows naming a passage that is not among its document's passages are ignored (stale rows).
    """

    def __init__(
        self,
        passages: Mapping[int, Collection[int]],
        decisions: Iterable[Decision] = (),
        reviews: Iterable[PassageReview] = (),
        assignments: Mapping[int, Collection[str]] | None = None,
        suggestions: Iterable[SuggestedCode] = (),
        documents: Callable[[], Iterable[int]] | None = None,
    ) -> None:
        self._documents = documents
        self.passages: dict[int, frozenset[int]] = {d: frozenset(ps) for d, ps in passages.items()}
        self._doc_of = {p: d for d, ps in self.passages.items() for p in ps}
        self.decisions: tuple[Decision, ...] = tuple(
            x for x in decisions if self._known(x.document_id, x.passage_id)
        )
        for x in self.decisions:
            if x.status not in STATUSES:
                raise ReviewkitError(
                    f"Decision of {x.coder!r} on passage {x.passage_id}, code {x.code_id!r}: status "
                    f"{x.status!r} is not one of {', '.join(STATUSES)}."
                )
        self.reviews: tuple[PassageReview, ...] = tuple(
            r for r in reviews if self._known(r.document_id, r.passage_id)
        )
        self.assignments: dict[int, frozenset[str]] = {
            d: frozenset(cs) for d, cs in (assignments or {}).items()
        }
        self.suggestions: tuple[SuggestedCode, ...] = tuple(
            s for s in suggestions if self._known(s.document_id, s.passage_id) and s.score >= s.threshold
        )

    @cached_property
    def all_documents(self) -> frozenset[int]:
        """Every document id of the project (the ``suggested`` denominator), read on first use."""
        if self._documents is None:
            return frozenset(self.passages)
        return frozenset(self._documents())

    def _known(self, document_id: int, passage_id: int | None) -> bool:
        if passage_id is None:
            return document_id in self.passages
        return self._doc_of.get(passage_id) == document_id

    # -- who reviewed what ------------------------------------------------------------------------

    @cached_property
    def coders(self) -> tuple[str, ...]:
        """Every coder named by a decision, done mark or assignment (sorted; consensus included)."""
        names = {x.coder for x in self.decisions} | {r.coder for r in self.reviews}
        names |= {c for cs in self.assignments.values() for c in cs}
        return tuple(sorted(names))

    @cached_property
    def _done(self) -> dict[str, frozenset[int]]:
        done: dict[str, set[int]] = defaultdict(set)
        for r in self.reviews:
            done[r.coder] |= self.passages[r.document_id] if r.passage_id is None else {r.passage_id}
        return {c: frozenset(ps) for c, ps in done.items()}

    @cached_property
    def _whole(self) -> dict[str, frozenset[int]]:
        whole: dict[str, set[int]] = defaultdict(set)
        for r in self.reviews:
            if r.passage_id is None:
                whole[r.coder].add(r.document_id)
        return {c: frozenset(ds) for c, ds in whole.items()}

    def document_of(self, passage_id: int) -> int | None:
        """The document of a passage (None for an unknown passage)."""
        return self._doc_of.get(passage_id)

    def passages_done(self, coder: str) -> frozenset[int]:
        """The passages `coder` marked done (directly or through a whole-document mark)."""
        return self._done.get(coder, frozenset())

    @cached_property
    def _reviewed(self) -> dict[str, frozenset[int]]:
        out: dict[str, frozenset[int]] = {}
        for coder in self.coders:
            done = self.passages_done(coder)
            whole = self._whole.get(coder, frozenset())
            out[coder] = frozenset(d for d, ps in self.passages.items() if d in whole or (ps and ps <= done))
        return out

    def reviewed_by(self, coder: str) -> frozenset[int]:
        """The documents `coder` reviewed: every passage done (see the module docstring)."""
        return self._reviewed.get(coder, frozenset())

    def reviewers(self, document_id: int) -> tuple[str, ...]:
        """The coders (consensus included) who reviewed a document, sorted: the ``reviewed_by`` column."""
        return tuple(c for c in self.coders if document_id in self._reviewed[c])

    def document_coders(self, document_id: int) -> frozenset[str]:
        """The coders a document waits for under consensus: assigned, or with a decision or done mark on it."""
        touched = self._touched.get(document_id, frozenset())
        return (touched | self.assignments.get(document_id, frozenset())) - {CONSENSUS}

    @cached_property
    def _touched(self) -> dict[int, frozenset[str]]:
        touched: dict[int, set[str]] = defaultdict(set)
        for x in self.decisions:
            touched[x.document_id].add(x.coder)
        for r in self.reviews:
            touched[r.document_id].add(r.coder)
        return {d: frozenset(cs) for d, cs in touched.items()}

    # -- final decisions --------------------------------------------------------------------------

    @cached_property
    def final(self) -> dict[tuple[int, str], str | None]:
        """(passage, code) -> the final status under the consensus rule, or None when unresolved.

        Only pairs with at least one decision appear (no decision means not applied).
        """
        by_pair: dict[tuple[int, str], dict[str, str]] = defaultdict(dict)
        for x in self.decisions:
            by_pair[(x.passage_id, x.code_id)][x.coder] = x.status
        adjudicated = self.passages_done(CONSENSUS)
        out: dict[tuple[int, str], str | None] = {}
        for (pid, code), votes in by_pair.items():
            if CONSENSUS in votes:
                out[(pid, code)] = votes[CONSENSUS]
                continue
            voters = {c for c in self.coders if c != CONSENSUS and pid in self.passages_done(c)}
            values = {votes.get(c, REJECTED) for c in voters | set(votes)}
            if len(values) == 1:
                out[(pid, code)] = values.pop()
            else:
                out[(pid, code)] = REJECTED if pid in adjudicated else None
        return out

    def unresolved(self) -> list[tuple[int, str]]:
        """The (passage, code) pairs on which the coders disagree and no adjudication decides (sorted)."""
        return sorted(k for k, v in self.final.items() if v is None)

    # -- sources ----------------------------------------------------------------------------------

    def view(self, source: str) -> SourceView:
        """What counts under a source (see the module docstring for each rule).

        Args:
            source: ``any``, ``consensus``, ``suggested`` or ``coder:NAME``.

        Raises:
            ReviewkitError: an unknown source.
            NotFoundError: ``coder:NAME`` for a coder with no decision, done mark or assignment
                (the message lists the known coders).
        """
        kind, name = parse_source(source)
        if kind == "coder":
            assert name is not None
            if name not in self.coders:
                raise NotFoundError(
                    f"Unknown coder {name!r}. Coders: {', '.join(self.coders) or '(none yet)'}."
                )
            return self._coder_view(source, name)
        if kind == "any":
            views = [self._coder_view(source, c) for c in self.coders]
            return SourceView(
                source,
                frozenset().union(*(v.reviewed for v in views)),
                frozenset().union(*(v.applied for v in views)),
                frozenset().union(*(v.applied_passages for v in views)),
            )
        if kind == "suggested":
            pairs = {(s.passage_id, s.code_id) for s in self.suggestions}
            return self._make(source, self.all_documents, pairs)
        return self._consensus_view()

    def _make(
        self, source: str, reviewed: frozenset[int], passage_pairs: Iterable[tuple[int, str]]
    ) -> SourceView:
        kept = frozenset((p, c) for p, c in passage_pairs if self._doc_of[p] in reviewed)
        return SourceView(source, reviewed, frozenset((self._doc_of[p], c) for p, c in kept), kept)

    def _coder_view(self, source: str, coder: str) -> SourceView:
        pairs = {
            (x.passage_id, x.code_id) for x in self.decisions if x.coder == coder and x.status == ACCEPTED
        }
        return self._make(source, self.reviewed_by(coder), pairs)

    def _consensus_view(self) -> SourceView:
        open_docs = {self._doc_of[p] for p, _ in self.unresolved()}
        signed = self.reviewed_by(CONSENSUS)
        reviewed = set(signed)
        for doc in self.passages:
            coders = self.document_coders(doc)
            if doc in open_docs or not coders:
                continue
            if all(doc in self.reviewed_by(c) for c in coders):
                reviewed.add(doc)
        pairs = [k for k, v in self.final.items() if v == ACCEPTED]
        return self._make(CONSENSUS, frozenset(reviewed), pairs)


def agreement_inputs(
    state: ReviewState,
    coders: Collection[str],
    unit: str = "passage",
    documents: Collection[int] | None = None,
) -> tuple[dict[str, frozenset[int]], frozenset[tuple[int, str, str]]]:
    """The ``reviewed`` and ``accepted`` arguments of `reviewkit.analysis.agreement.compute_agreement`.

    A coder's units are the passages they marked done (``unit="passage"``) or the documents they
    reviewed (``unit="document"``), so agreement uses the same notion of reviewed as every other
    figure; on a reviewed unit, a code the coder did not accept counts as 0.

    Args:
        state: the review state.
        coders: the coders to compare.
        unit: ``passage`` or ``document``.
        documents: restrict to these documents (e.g. the overlap sample of `reviewkit.analysis.assign`);
            None = every document the state holds (the only ones anyone can have reviewed).

    Returns:
        (coder -> reviewed unit ids, (unit, code, coder) triples of accepted codes on reviewed units).

    Raises:
        ReviewkitError: an unknown unit.
    """
    if unit not in ("passage", "document"):
        raise ReviewkitError(f"Unknown unit {unit!r}. Use one of: passage, document.")
    keep = set(state.passages) if documents is None else set(documents)
    reviewed: dict[str, frozenset[int]] = {}
    for coder in coders:
        if unit == "passage":
            reviewed[coder] = frozenset(p for p in state.passages_done(coder) if state.document_of(p) in keep)
        else:
            reviewed[coder] = state.reviewed_by(coder) & keep
    accepted = set()
    for x in state.decisions:
        u = x.passage_id if unit == "passage" else x.document_id
        if x.status == ACCEPTED and x.coder in reviewed and u in reviewed[x.coder]:
            accepted.add((u, x.code_id, x.coder))
    return reviewed, frozenset(accepted)
