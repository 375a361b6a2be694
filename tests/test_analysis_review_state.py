"""Tests of the review-state rules: done passages, reviewed documents, and each source's view."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewkit.analysis.agreement import compute_agreement
from reviewkit.analysis.review_state import (
    CONSENSUS,
    Decision,
    PassageReview,
    ReviewState,
    SuggestedCode,
    agreement_inputs,
    parse_source,
)
from reviewkit.errors import NotFoundError, ReviewkitError

# document -> passages; document 4 has no passages
PASSAGES = {1: [11, 12], 2: [21], 3: [31, 32], 4: [], 5: [51]}


def dec(pid: int, code: str, coder: str, status: str = "accepted") -> Decision:
    return Decision(pid, pid // 10, code, coder, status)


def done(coder: str, *pids: int) -> list[PassageReview]:
    return [PassageReview(p, p // 10, coder) for p in pids]


def test_done_marks_not_decisions_make_a_document_reviewed() -> None:
    decisions = [dec(21, "x", "alice"), dec(11, "x", "alice")]
    state = ReviewState(PASSAGES, decisions, done("alice", 11))
    assert state.reviewed_by("alice") == frozenset()  # 12 not done; 21 decided but not marked
    state = ReviewState(PASSAGES, decisions, done("alice", 11, 12))
    assert state.reviewed_by("alice") == {1}
    assert state.passages_done("alice") == {11, 12}
    assert state.reviewers(1) == ("alice",)
    assert state.reviewers(2) == ()


def test_whole_document_mark_covers_every_passage_and_empty_documents() -> None:
    reviews = [PassageReview(None, 3, "bob"), PassageReview(None, 4, "bob"), *done("alice", 51)]
    state = ReviewState(PASSAGES, reviews=reviews)
    assert state.reviewed_by("bob") == {3, 4}
    assert state.passages_done("bob") == {31, 32}
    assert state.reviewed_by("alice") == {5}  # a document with no passages needs a whole-document mark
    assert 4 not in state.reviewed_by("alice")


def test_stale_rows_are_ignored() -> None:
    state = ReviewState(
        PASSAGES,
        [Decision(99, 1, "x", "alice", "accepted"), Decision(21, 1, "x", "alice", "accepted")],
        [PassageReview(11, 2, "alice"), PassageReview(None, 77, "alice")],
    )
    assert state.decisions == ()
    assert state.reviews == ()


def test_coder_view_counts_accepts_on_reviewed_documents_only() -> None:
    decisions = [
        dec(11, "x", "alice"),
        dec(12, "y", "alice", "rejected"),
        dec(21, "z", "alice"),  # document 2 not finished: does not count yet
        dec(11, "w", "bob"),
    ]
    state = ReviewState(PASSAGES, decisions, done("alice", 11, 12) + done("bob", 11, 12))
    view = state.view("coder:alice")
    assert view.reviewed == {1}
    assert view.applied == {(1, "x")}
    assert view.applied_passages == {(11, "x")}
    assert state.view("coder:bob").applied == {(1, "w")}
    assert view.codes_of(1) == {"x"}
    assert (view.value(1, "x"), view.value(1, "y"), view.value(2, "z")) == (1, 0, None)  # 2: blank, not 0
    assert view.passages_with("x") == [11] and view.passages_with("z") == []


def test_any_is_the_union_of_the_coders() -> None:
    decisions = [
        dec(11, "x", "alice"),
        dec(11, "x", "bob", "rejected"),
        dec(51, "z", "bob"),
        dec(21, "q", "carol"),
    ]
    state = ReviewState(PASSAGES, decisions, done("alice", 11, 12) + done("bob", 51))
    view = state.view("any")
    assert view.reviewed == {1, 5}
    assert view.applied == {(1, "x"), (5, "z")}  # alice's accept counts though bob rejected
    assert (2, "q") not in view.applied  # carol has not reviewed document 2


def test_consensus_disagreement_waits_for_adjudication() -> None:
    decisions = [
        dec(11, "x", "alice"),
        dec(11, "x", "bob", "rejected"),
        dec(12, "y", "alice"),
        dec(12, "y", "bob"),
    ]
    reviews = done("alice", 11, 12) + done("bob", 11, 12)
    state = ReviewState(PASSAGES, decisions, reviews)
    assert state.final == {(11, "x"): None, (12, "y"): "accepted"}
    assert state.unresolved() == [(11, "x")]
    view = state.view("consensus")
    assert view.reviewed == frozenset() and view.applied == frozenset()
    adjudicated = ReviewState(PASSAGES, [*decisions, dec(11, "x", CONSENSUS)], reviews)
    view = adjudicated.view("consensus")
    assert view.reviewed == {1}
    assert view.applied == {(1, "x"), (1, "y")}
    assert adjudicated.unresolved() == []


def test_consensus_done_mark_without_the_code_votes_rejected() -> None:
    # alice accepts y on 31; bob marks the document done without y: a disagreement
    decisions = [dec(31, "y", "alice")]
    reviews = done("alice", 31, 32) + done("bob", 31, 32)
    state = ReviewState(PASSAGES, decisions, reviews)
    assert state.final == {(31, "y"): None}
    assert state.view("consensus").reviewed == frozenset()
    # the adjudicator marks the document done without deciding y: y is left out, document reviewed
    signed = ReviewState(PASSAGES, decisions, [*reviews, PassageReview(None, 3, CONSENSUS)])
    assert signed.final == {(31, "y"): "rejected"}
    view = signed.view("consensus")
    assert view.reviewed == {3} and view.applied == frozenset()
    # a coder who only decided (no done mark) still votes with that decision
    agreed = ReviewState(PASSAGES, [*decisions, dec(31, "y", "bob")], done("alice", 31, 32))
    assert agreed.final == {(31, "y"): "accepted"}
    assert agreed.view("consensus").reviewed == frozenset()  # bob touched document 3 and has not finished


def test_consensus_waits_for_every_assigned_coder() -> None:
    decisions = [dec(51, "z", "alice")]
    reviews = done("alice", 51)
    assigned = ReviewState(PASSAGES, decisions, reviews, assignments={5: ["alice", "bob"]})
    assert assigned.document_coders(5) == {"alice", "bob"}
    assert assigned.view("consensus").reviewed == frozenset()
    assert assigned.view("any").applied == {(5, "z")}
    alone = ReviewState(PASSAGES, decisions, reviews, assignments={5: ["alice"]})
    assert alone.view("consensus").applied == {(5, "z")}
    bob_done = ReviewState(PASSAGES, decisions, reviews + done("bob", 51), assignments={5: ["alice", "bob"]})
    assert bob_done.view("consensus").reviewed == frozenset()  # bob's done mark votes against z
    assert bob_done.unresolved() == [(51, "z")]


def test_suggested_counts_scores_at_or_above_threshold_over_all_documents() -> None:
    suggestions = [
        SuggestedCode(11, 1, "x", 0.5, 0.5),
        SuggestedCode(21, 2, "y", 0.49, 0.5),
        SuggestedCode(31, 3, "x", 0.9, 0.3),
    ]
    view = ReviewState(PASSAGES, suggestions=suggestions).view("suggested")
    assert view.reviewed == {1, 2, 3, 4, 5}
    assert view.applied == {(1, "x"), (3, "x")}
    assert view.applied_passages == {(11, "x"), (31, "x")}


def test_sources_and_errors() -> None:
    assert parse_source("coder:alice") == ("coder", "alice")
    assert parse_source("consensus") == ("consensus", None)
    with pytest.raises(ReviewkitError, match="Unknown source 'accepted'"):
        parse_source("accepted")
    with pytest.raises(ReviewkitError, match="needs a coder name"):
        parse_source("coder: ")
    state = ReviewState(PASSAGES, [dec(11, "x", "alice")])
    with pytest.raises(NotFoundError, match="Unknown coder 'zoe'. Coders: alice"):
        state.view("coder:zoe")
    with pytest.raises(ReviewkitError, match="status 'maybe' is not one of accepted, rejected"):
        ReviewState(PASSAGES, [dec(11, "x", "alice", "maybe")])


def test_agreement_inputs_use_done_marks_and_the_sample() -> None:
    decisions = [
        dec(11, "x", "alice"),
        dec(11, "x", "bob"),
        dec(12, "y", "alice"),  # bob marked 12 done without y: he gives 0
        dec(21, "x", "alice"),  # alice has not marked 21 done: not a unit of hers
        dec(31, "x", "bob"),
    ]
    reviews = done("alice", 11, 12, 31, 32) + done("bob", 11, 12, 21, 31, 32)
    state = ReviewState(PASSAGES, decisions, reviews)
    reviewed, accepted = agreement_inputs(state, ["alice", "bob"])
    assert reviewed == {"alice": {11, 12, 31, 32}, "bob": {11, 12, 21, 31, 32}}
    assert accepted == {(11, "x", "alice"), (11, "x", "bob"), (12, "y", "alice"), (31, "x", "bob")}
    result = compute_agreement(["alice", "bob"], ["x", "y"], reviewed, accepted)
    assert result.units_all_reviewed == 4
    assert result.overall.units == 8 and result.overall.agreed == 6  # disagree on (12, y) and (31, x)
    sample, sample_acc = agreement_inputs(state, ["alice", "bob"], documents=[1])
    assert sample == {"alice": {11, 12}, "bob": {11, 12}}
    assert sample_acc == {(11, "x", "alice"), (11, "x", "bob"), (12, "y", "alice")}
    docs, doc_acc = agreement_inputs(state, ["alice", "bob"], unit="document")
    assert docs == {"alice": {1, 3}, "bob": {1, 2, 3}}
    assert doc_acc == {(1, "x", "alice"), (1, "y", "alice"), (1, "x", "bob"), (3, "x", "bob")}
    with pytest.raises(ReviewkitError, match="Unknown unit 'sentence'"):
        agreement_inputs(state, ["alice"], unit="sentence")


CODERS = ["alice", "bob", CONSENSUS]


@st.composite
def states(draw: st.DrawFn, coders: list[str] = CODERS) -> ReviewState:
    n_docs = draw(st.integers(1, 6))
    passages = {d: [d * 10 + i for i in range(draw(st.integers(0, 3)))] for d in range(1, n_docs + 1)}
    all_p = [p for ps in passages.values() for p in ps]
    if not all_p:
        return ReviewState(passages)
    pid = st.sampled_from(all_p)
    decisions = draw(
        st.lists(
            st.builds(
                lambda p, c, who, s: Decision(p, p // 10, c, who, s),
                pid,
                st.sampled_from("xyz"),
                st.sampled_from(coders),
                st.sampled_from(["accepted", "rejected"]),
            ),
            max_size=20,
            unique_by=lambda x: (x.passage_id, x.code_id, x.coder),
        )
    )
    reviews = draw(
        st.lists(
            st.builds(lambda p, who: PassageReview(p, p // 10, who), pid, st.sampled_from(coders)),
            max_size=15,
        )
    )
    return ReviewState(passages, decisions, reviews)


@settings(max_examples=200)
@given(states())
def test_every_view_counts_only_reviewed_documents(state: ReviewState) -> None:
    views = [state.view(s) for s in ("any", "consensus", "suggested")]
    views += [state.view(f"coder:{c}") for c in state.coders]
    for view in views:
        assert {d for d, _ in view.applied} <= view.reviewed <= set(state.passages)
        doc_of = {p: d for d, ps in state.passages.items() for p in ps}
        assert {(doc_of[p], c) for p, c in view.applied_passages} == view.applied
    coder_views = [state.view(f"coder:{c}") for c in state.coders]
    assert views[0].reviewed == frozenset().union(*(v.reviewed for v in coder_views))
    # consensus never counts a document nobody reviewed
    assert views[1].reviewed <= views[0].reviewed


@settings(max_examples=100)
@given(states(coders=["alice"]))
def test_with_one_coder_consensus_is_that_coder(state: ReviewState) -> None:
    if "alice" not in state.coders:
        return
    mine, final = state.view("coder:alice"), state.view("consensus")
    assert (final.reviewed, final.applied) == (mine.reviewed, mine.applied)
