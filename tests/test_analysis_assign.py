"""Tests of document assignment: overlap sample, balance, determinism, stability and bad input."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewkit.analysis.assign import Assignment, AssignmentRow, assign, overlap_size
from reviewkit.errors import ReviewkitError

CODERS = ["alice", "bob", "carol"]


def check_plan(plan: Assignment, docs: list[int], overlap: float) -> None:
    """Every document assigned exactly once (overlap to all), sample size as specified, balance ±1."""
    assert plan.documents == set(docs)
    assert not (plan.overlap & set(plan.single))
    assert len(plan.overlap) == overlap_size(len(docs), overlap)
    sizes = [sum(1 for c in plan.single.values() if c == name) for name in plan.coders]
    assert max(sizes) - min(sizes) <= 1
    for coder in plan.coders:
        mine = plan.documents_of(coder)
        assert set(plan.overlap) <= set(mine)
        assert len(mine) == len(plan.overlap) + sizes[plan.coders.index(coder)]


def test_sizes_balance_and_overlap_membership() -> None:
    docs = list(range(1, 237))
    plan = assign(docs, CODERS, 0.2, seed=7)
    check_plan(plan, docs, 0.2)
    assert len(plan.overlap) == 47  # 0.2 * 236 = 47.2
    assert sorted(len(plan.documents_of(c)) - 47 for c in CODERS) == [63, 63, 63]
    doc = min(plan.overlap)
    assert plan.coders_of(doc) == tuple(CODERS)
    other = min(set(docs) - plan.overlap)
    assert len(plan.coders_of(other)) == 1
    assert plan.coders_of(9999) == ()
    rows = plan.rows()
    assert len(rows) == 47 * 3 + (236 - 47)
    assert {r.document_id for r in rows if r.overlap} == plan.overlap
    assert Assignment.from_rows(rows, CODERS) == plan
    assert plan.as_map()[doc] == tuple(CODERS)


def test_rounding_half_up_and_at_least_one() -> None:
    assert overlap_size(5, 0.5) == 3
    assert overlap_size(10, 0.01) == 1
    assert overlap_size(10, 0.0) == 0
    assert overlap_size(0, 0.5) == 0
    assert overlap_size(7, 1.0) == 7


def test_deterministic_for_a_seed_whatever_the_input_order() -> None:
    docs = list(range(100))
    shuffled = docs[:]
    random.Random(1).shuffle(shuffled)
    assert assign(docs, CODERS, 0.3, seed=3) == assign(shuffled, CODERS, 0.3, seed=3)
    assert assign(docs, CODERS, 0.3, seed=3).overlap != assign(docs, CODERS, 0.3, seed=4).overlap


def test_adding_documents_keeps_every_earlier_assignment() -> None:
    first_docs = list(range(1, 101))
    first = assign(first_docs, CODERS, 0.2, seed=11)
    docs = list(range(1, 151))
    second = assign(docs, CODERS, 0.2, seed=11, previous=first)
    for d in first_docs:
        assert second.coders_of(d) == first.coders_of(d)
    check_plan(second, docs, 0.2)  # 20 kept + 10 new in the overlap; new singles rebalance
    # a new coder: old overlap documents are theirs too, new documents go to them first
    third = assign([*docs, *range(151, 171)], [*CODERS, "dan"], 0.2, seed=11, previous=second)
    assert set(third.overlap) >= second.overlap
    assert set(third.documents_of("dan")) >= second.overlap
    assert sum(1 for c in third.single.values() if c == "dan") == 20 - (34 - 30)  # 34 = round(0.2 * 170)
    # a coder who leaves: their single documents are dealt to the others
    fourth = assign(docs, ["alice", "bob"], 0.2, seed=11, previous=second)
    assert set(fourth.single.values()) == {"alice", "bob"}
    assert all(fourth.coders_of(d) == second.coders_of(d) for d, c in second.single.items() if c != "carol")
    # documents that disappear drop out; the overlap is never shrunk
    fifth = assign(range(1, 51), CODERS, 0.0, seed=11, previous=second)
    assert fifth.documents == set(range(1, 51))
    assert fifth.overlap == second.overlap & set(range(1, 51))


def test_edge_cases() -> None:
    docs = list(range(10))
    solo = assign(docs, ["alice"], 0.2, seed=1)
    assert solo.documents_of("alice") == tuple(docs)
    assert len(solo.overlap) == 2
    none = assign(docs, CODERS, 0.0, seed=1)
    assert none.overlap == frozenset()
    check_plan(none, docs, 0.0)
    everyone = assign(docs, CODERS, 1.0, seed=1)
    assert everyone.overlap == set(docs) and dict(everyone.single) == {}
    assert all(everyone.documents_of(c) == tuple(docs) for c in CODERS)
    crowd = assign([1, 2], ["a", "b", "c", "d", "e"], 0.0, seed=1)
    check_plan(crowd, [1, 2], 0.0)
    assert sorted(len(crowd.documents_of(c)) for c in crowd.coders) == [0, 0, 0, 1, 1]
    assert assign([], CODERS, 0.5, seed=1).documents == frozenset()
    assert none.documents_of("zoe") == ()


@pytest.mark.parametrize(
    ("coders", "overlap", "docs", "message"),
    [
        ([], 0.2, [1], "No coders given"),
        (["alice", "bob", "alice"], 0.2, [1], "given more than once: alice"),
        (["alice", " "], 0.2, [1], "must not be empty"),
        (CODERS, 1.5, [1], "between 0 and 1 \\(got 1.5\\)"),
        (CODERS, -0.1, [1], "between 0 and 1"),
        (CODERS, float("nan"), [1], "between 0 and 1"),
        (CODERS, 0.2, [1, 2, 2], "listed more than once: 2"),
    ],
)
def test_bad_input_raises_clear_errors(
    coders: list[str], overlap: float, docs: list[int], message: str
) -> None:
    with pytest.raises(ReviewkitError, match=message):
        assign(docs, coders, overlap, seed=1)


def test_from_rows_rejects_a_single_document_with_two_coders() -> None:
    with pytest.raises(ReviewkitError, match="Document 4 is assigned to 'alice' and 'bob'"):
        Assignment.from_rows([AssignmentRow(4, "alice", False), AssignmentRow(4, "bob", False)])


@given(
    st.sets(st.integers(0, 10_000), max_size=80),
    st.integers(1, 6),
    st.floats(0, 1),
    st.integers(0, 2**32),
)
def test_any_fresh_plan_is_complete_and_balanced(
    docs: set[int], n_coders: int, overlap: float, seed: int
) -> None:
    coders = [f"c{i}" for i in range(n_coders)]
    check_plan(assign(docs, coders, overlap, seed), sorted(docs), overlap)


@given(
    st.sets(st.integers(0, 500), max_size=60),
    st.sets(st.integers(501, 900), max_size=60),
    st.integers(1, 5),
    st.floats(0, 1),
    st.integers(0, 2**32),
)
def test_extending_a_plan_keeps_it_and_stays_balanced(
    first: set[int], added: set[int], n_coders: int, overlap: float, seed: int
) -> None:
    coders = [f"c{i}" for i in range(n_coders)]
    before = assign(first, coders, overlap, seed)
    after = assign(first | added, coders, overlap, seed + 1, previous=before)
    assert all(after.coders_of(d) == before.coders_of(d) for d in first)
    check_plan(after, sorted(first | added), overlap)
