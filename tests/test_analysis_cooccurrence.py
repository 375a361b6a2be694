"""Tests of the code co-occurrence matrix from hand-made (unit, code) pairs."""

from __future__ import annotations

import pytest

from reviewkit.analysis.cooccurrence import FIELDS, cooccurrence, pairs_for
from reviewkit.analysis.review_state import Decision, PassageReview, ReviewState
from reviewkit.errors import ReviewkitError

# unit 1: a b c · unit 2: a b · unit 3: a · unit 4: c · unit 5: d (outside a selection of a, b, c)
PAIRS = [(1, "a"), (1, "b"), (1, "c"), (2, "a"), (2, "b"), (3, "a"), (4, "c"), (5, "d"), (1, "a")]


def test_counts_with_units_on_the_diagonal() -> None:
    m = cooccurrence(PAIRS, ["a", "b", "c"])
    assert m.codes == ("a", "b", "c")
    assert m.units == 4  # unit 5 carries no selected code
    assert [m.count("a", x) for x in "abc"] == [3, 2, 1]
    assert [m.count("b", x) for x in "abc"] == [2, 2, 1]
    assert [m.count("c", x) for x in "abc"] == [1, 1, 2]
    assert m.count("c", "a") == m.count("a", "c")
    assert m.matrix() == [
        {"code": "a", "a": 3, "b": 2, "c": 1},
        {"code": "b", "a": 2, "b": 2, "c": 1},
        {"code": "c", "a": 1, "b": 1, "c": 2},
    ]


def test_jaccard_and_conditional() -> None:
    m = cooccurrence(PAIRS, ["a", "b", "c", "z"])
    assert m.jaccard("a", "b") == pytest.approx(2 / 3)  # both in 1, 2; a or b in 1, 2, 3
    assert m.jaccard("a", "c") == pytest.approx(1 / 4)  # both in 1; either in 1, 2, 3, 4
    assert m.jaccard("a", "a") == 1.0
    assert m.jaccard("z", "z") == 0.0 and m.count("z", "a") == 0
    assert m.conditional("b", "a") == 1.0  # every b unit is also an a unit
    assert m.conditional("a", "b") == pytest.approx(2 / 3)
    assert m.conditional("z", "a") == 0.0
    assert m.matrix("jaccard")[0]["b"] == pytest.approx(2 / 3)
    cells = m.cells()
    assert len(cells) == 16
    assert cells[1].as_dict() == {
        "code_a": "a", "code_b": "b", "count": 2, "jaccard": pytest.approx(2 / 3), "conditional": pytest.approx(2 / 3)
    }  # fmt: skip
    assert tuple(cells[0].as_dict()) == FIELDS


def test_default_codes_and_groups() -> None:
    assert cooccurrence(PAIRS).codes == ("a", "b", "c", "d")
    grouped = cooccurrence(PAIRS, {"ab": ["a", "b"], "c": ["c"]})
    assert grouped.count("ab", "ab") == 3  # units 1, 2, 3 carry a or b (unit 1 counted once)
    assert grouped.count("ab", "c") == 1
    assert grouped.count("c", "c") == 2


def test_errors() -> None:
    m = cooccurrence(PAIRS, ["a"])
    with pytest.raises(ReviewkitError, match="Code 'q' is not in the matrix. Codes: a"):
        m.count("a", "q")
    with pytest.raises(ReviewkitError, match="Unknown measure 'dice'"):
        m.matrix("dice")
    with pytest.raises(ReviewkitError, match="Unknown level 'sentence'"):
        cooccurrence(PAIRS, level="sentence")


def test_document_and_passage_level_from_a_source() -> None:
    passages = {1: [10, 11], 2: [20]}
    decisions = [
        Decision(10, 1, "x", "alice", "accepted"),
        Decision(11, 1, "y", "alice", "accepted"),
        Decision(20, 2, "x", "alice", "accepted"),
        Decision(20, 2, "y", "alice", "accepted"),
    ]
    reviews = [PassageReview(None, 1, "alice"), PassageReview(None, 2, "alice")]
    view = ReviewState(passages, decisions, reviews).view("coder:alice")
    docs = cooccurrence(pairs_for(view, "document"), ["x", "y"])
    assert docs.count("x", "y") == 2  # both documents carry x and y
    passages_m = cooccurrence(pairs_for(view, "passage"), ["x", "y"], level="passage")
    assert passages_m.count("x", "y") == 1  # only passage 20 carries both
    assert passages_m.level == "passage" and passages_m.units == 3
    with pytest.raises(ReviewkitError, match="Unknown level"):
        pairs_for(view, "corpus")
