"""Tests of trends over reviewed documents: the denominator is what was reviewed, carried in each row."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewkit.analysis.periods import by_period
from reviewkit.analysis.review_state import Decision, PassageReview, ReviewState, SuggestedCode
from reviewkit.analysis.trends import FIELDS, FIELDS_REVIEWED, TrendRow, view_trend_rows, year_counts

SELECTION = {"regionalism": ["regionalism.a", "regionalism.b"], "global.c": ["global.c"]}


def corpus(n: int = 236, first: int = 2000) -> tuple[dict[int, list[int]], dict[int, int | None]]:
    """n documents of one passage each (passage id = 10 x document id), spread over 20 years."""
    passages = {d: [d * 10] for d in range(1, n + 1)}
    years: dict[int, int | None] = {d: first + d % 20 for d in passages}
    return passages, years


def test_two_of_236_reviewed_divide_by_two_not_236() -> None:
    passages, years = corpus()
    assert len(passages) == 236
    # documents 5 and 25 are both from 2005; alice reviews them and accepts regionalism.a on one
    decisions = [
        Decision(50, 5, "regionalism.a", "alice", "accepted"),
        Decision(250, 25, "regionalism.b", "alice", "rejected"),
        Decision(70, 7, "regionalism.a", "alice", "accepted"),  # document 7 not marked done
    ]
    reviews = [PassageReview(50, 5, "alice"), PassageReview(250, 25, "alice")]
    state = ReviewState(passages, decisions, reviews)
    rows = view_trend_rows(years, state.view("coder:alice"), SELECTION)
    by_key = {(r.year, r.code): r for r in rows}
    row = by_key[(2005, "regionalism")]
    published_2005 = sum(1 for y in years.values() if y == 2005)
    assert (row.documents, row.published, row.coded) == (2, published_2005, 1)
    assert row.share == 0.5  # over 2 reviewed documents, not over the 236 (nor the year's 12)
    assert by_key[(2005, "global.c")].share == 0.0
    assert by_key[(2007, "regionalism")].documents == 0  # the accept on unreviewed document 7 does not count
    assert by_key[(2007, "regionalism")].coded == 0
    assert sum(r.documents for r in rows if r.code == "regionalism") == 2
    assert sum(r.published or 0 for r in rows if r.code == "regionalism") == 236
    assert len(rows) == 20 * 2  # every published year, so the axis stays continuous
    assert row.as_dict() == {
        "year": 2005, "code": "regionalism", "documents": 2, "published": published_2005, "coded": 1, "share": 0.5
    }  # fmt: skip
    assert tuple(row.as_dict()) == FIELDS_REVIEWED


def test_suggested_source_divides_by_every_document() -> None:
    passages, years = corpus(40)
    suggestions = [SuggestedCode(10 * d, d, "global.c", 0.8, 0.5) for d in (1, 21)]  # both 2001
    rows = view_trend_rows(years, ReviewState(passages, suggestions=suggestions).view("suggested"), SELECTION)
    row = next(r for r in rows if (r.year, r.code) == (2001, "global.c"))
    assert (row.documents, row.published, row.coded, row.share) == (2, 2, 2, 1.0)
    assert all(r.documents == r.published for r in rows)


def test_undated_documents_and_windows() -> None:
    passages = {1: [10], 2: [20], 3: [30], 4: [40]}
    years: dict[int, int | None] = {1: 2001, 2: 2002, 3: 2003, 4: None}
    decisions = [Decision(p, p // 10, "global.c", "bob", "accepted") for p in (10, 30, 40)]
    reviews = [PassageReview(p, p // 10, "bob") for p in (10, 20, 30, 40)]
    view = ReviewState(passages, decisions, reviews).view("coder:bob")
    published, reviewed, coded = year_counts(years, view, {"g": ["global.c"]})
    assert published == {2001: 1, 2002: 1, 2003: 1}  # the undated document counts nowhere
    assert reviewed == published and coded == {"g": {2001: 1, 2003: 1}}
    rows = view_trend_rows(years, view, {"g": ["global.c"]}, window=2)
    assert [(r.year, r.documents, r.published, r.coded) for r in rows] == [
        (2001, 1, 1, 1), (2002, 2, 2, 1), (2003, 2, 2, 1)
    ]  # fmt: skip


def test_rows_without_published_keep_the_old_columns() -> None:
    row = TrendRow(2001, "g", 4, 1, 0.25)
    assert row.published is None
    assert tuple(row.as_dict()) == FIELDS


def test_periods_sum_published_when_rows_carry_it() -> None:
    rows = [
        TrendRow(2001, "g", 2, 1, 0.5, 10),
        TrendRow(2002, "g", 0, 0, 0.0, 5),
        TrendRow(2003, "g", 1, 1, 1.0, 3),
    ]
    (period,) = by_period(rows, [(2001, 2003)])
    assert (period.documents, period.coded, period.published) == (3, 2, 18)
    assert period.share == pytest.approx(2 / 3)
    (old,) = by_period([TrendRow(2001, "g", 2, 1, 0.5)], [(2001, 2003)])
    assert old.published is None


CODERS = ["alice", "bob", "consensus"]
CODES = ["regionalism.a", "regionalism.b", "global.c"]


@st.composite
def projects(draw: st.DrawFn) -> tuple[ReviewState, dict[int, int | None]]:
    n = draw(st.integers(1, 25))
    passages = {d: [d * 10 + i for i in range(draw(st.integers(1, 3)))] for d in range(1, n + 1)}
    years = {d: draw(st.one_of(st.none(), st.integers(2000, 2006))) for d in passages}
    pids = st.sampled_from([p for ps in passages.values() for p in ps])
    decisions = draw(
        st.lists(
            st.builds(
                lambda p, c, who, s: Decision(p, p // 10, c, who, s),
                pids,
                st.sampled_from(CODES),
                st.sampled_from(CODERS),
                st.sampled_from(["accepted", "rejected"]),
            ),
            max_size=40,
            unique_by=lambda x: (x.passage_id, x.code_id, x.coder),
        )
    )
    whole = st.builds(
        lambda d, who: PassageReview(None, d, who), st.sampled_from(list(passages)), st.sampled_from(CODERS)
    )
    one = st.builds(lambda p, who: PassageReview(p, p // 10, who), pids, st.sampled_from(CODERS))
    reviews = draw(st.lists(st.one_of(whole, one), max_size=40))
    suggestions = draw(
        st.lists(st.builds(lambda p, c, s: SuggestedCode(p, p // 10, c, s, 0.5), pids, st.sampled_from(CODES),
                           st.floats(0, 1)), max_size=20)
    )  # fmt: skip
    return ReviewState(passages, decisions, reviews, suggestions=suggestions), years


@settings(max_examples=150, deadline=None)
@given(
    projects(),
    st.sampled_from(["any", "consensus", "suggested", "coder:alice", "coder:bob"]),
    st.integers(1, 3),
)
def test_coded_le_reviewed_le_published_and_shares_in_unit_interval(
    project: tuple[ReviewState, dict[int, int | None]], source: str, window: int
) -> None:
    state, years = project
    name = source.split(":", 1)[-1]
    if source.startswith("coder:") and name not in state.coders:
        return
    view = state.view(source)
    rows = view_trend_rows(years, view, SELECTION, window)
    for r in rows:
        assert r.published is not None
        assert 0 <= r.coded <= r.documents <= r.published
        assert 0.0 <= r.share <= 1.0
        assert r.share == (r.coded / r.documents if r.documents else 0.0)
    if window == 1:
        dated = {d for d, y in years.items() if y is not None}
        for label, ids in SELECTION.items():
            mine = [r for r in rows if r.code == label]
            assert sum(r.documents for r in mine) == len(view.reviewed & dated)
            assert sum(r.published or 0 for r in mine) == len(dated)
            assert sum(r.coded for r in mine) == len({d for d, c in view.applied if c in ids and d in dated})
