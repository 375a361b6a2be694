"""Tests of per-coder progress: reviewed counts, decision partition and capped time spent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from reviewkit.analysis.progress import (
    FIELDS,
    AuditEvent,
    format_duration,
    parse_time,
    progress,
    time_spent,
)
from reviewkit.analysis.review_state import Decision, PassageReview, ReviewState
from reviewkit.errors import ReviewkitError

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).isoformat()


def test_gaps_are_capped_so_breaks_do_not_count() -> None:
    # 60 s + 120 s of work, a 2-hour break (counts 300 s), then 30 s
    times = [at(0), at(60), at(180), at(180 + 7200), at(180 + 7200 + 30)]
    assert time_spent(times) == (60 + 120 + 300 + 30, 2)
    assert time_spent(list(reversed(times))) == (510, 2)  # order does not matter
    assert time_spent(times, cap=60) == (60 + 60 + 60 + 30, 3)
    assert time_spent([at(0)]) == (0.0, 1)
    assert time_spent([]) == (0.0, 0)


def test_timestamps_naive_aware_and_bad() -> None:
    assert parse_time("2026-03-02T09:00:00") == T0
    assert parse_time("2026-03-02T10:00:00+01:00") == T0
    assert parse_time(datetime(2026, 3, 2, 9, 0)) == T0
    plus8 = datetime(2026, 3, 2, 17, 0, 30, tzinfo=timezone(timedelta(hours=8)))
    assert time_spent(["2026-03-02T09:00:00", plus8]) == (30, 1)
    with pytest.raises(ReviewkitError, match="'yesterday' is not an ISO 8601"):
        time_spent(["yesterday"])
    with pytest.raises(ReviewkitError, match="gap cap"):
        time_spent([at(0)], cap=-1)


def test_format_duration() -> None:
    assert format_duration(0) == "0 min"
    assert format_duration(12 * 60 + 20) == "12 min"
    assert format_duration(3600 + 5 * 60) == "1 h 05 min"


def test_progress_per_coder() -> None:
    passages = {1: [10, 11], 2: [20], 3: [30]}
    decisions = [
        Decision(10, 1, "x", "alice", "accepted", "suggestion"),
        Decision(10, 1, "y", "alice", "rejected", "suggestion"),
        Decision(11, 1, "z", "alice", "accepted", "manual"),
        Decision(20, 2, "x", "alice", "accepted", "import"),
        Decision(20, 2, "x", "alice", "rejected", "suggestion"),  # changed her mind: one decision
        Decision(10, 1, "x", "bob", "accepted", "suggestion"),
    ]
    reviews = [
        PassageReview(10, 1, "alice"),
        PassageReview(11, 1, "alice"),
        PassageReview(20, 2, "alice"),
        PassageReview(10, 1, "bob"),
    ]
    state = ReviewState(
        passages, decisions, reviews, assignments={1: ["alice", "bob"], 2: ["alice"], 3: ["bob"]}
    )
    events = [AuditEvent("alice", at(s)) for s in (0, 40, 100, 4000)] + [AuditEvent("carol", at(0))]
    rows = {r.coder: r for r in progress(state, events)}
    assert list(rows) == ["alice", "bob", "carol"]
    alice = rows["alice"]
    assert (alice.documents_reviewed, alice.documents_assigned, alice.passages_reviewed) == (2, 2, 3)
    assert (alice.decisions, alice.accepted, alice.added, alice.rejected) == (4, 1, 1, 2)
    assert (alice.seconds, alice.sessions) == (100 + 300, 2)
    bob = rows["bob"]
    assert (bob.documents_reviewed, bob.documents_assigned, bob.passages_reviewed) == (0, 2, 1)
    assert (bob.decisions, bob.accepted, bob.seconds, bob.sessions) == (1, 1, 0.0, 0)
    carol = rows["carol"]
    assert (carol.decisions, carol.documents_assigned, carol.sessions) == (0, 0, 1)
    assert tuple(alice.as_dict()) == FIELDS
    assert alice.duration == "7 min"
    only = progress(state, events, coders=["bob", "zoe"])
    assert [r.coder for r in only] == ["bob", "zoe"] and only[1].decisions == 0


def test_without_assignments_the_column_is_none() -> None:
    state = ReviewState({1: [10]}, reviews=[PassageReview(None, 1, "alice")])
    (row,) = progress(state)
    assert row.documents_assigned is None
    assert (row.documents_reviewed, row.passages_reviewed) == (1, 1)
