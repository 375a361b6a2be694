"""Tests that the project's review state reads only the documents a rule can count (issue 14 item 2).

A project with many documents but decisions and done marks on a few: `review_state` must hand
`ReviewState` the passages of the named documents only, while every figure (published per year, the
``suggested`` denominator, each source's view) stays what the whole-corpus state gives.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from _review_fixtures import build_project

from reviewkit.analysis.review_state import ReviewState
from reviewkit.project import review, state
from reviewkit.project.exports import review_facts
from reviewkit.project.trends import trends
from reviewkit.records import Passage, Record
from reviewkit.store import Store

EXTRA_YEAR = 2005
EXTRA = 40
"""Documents added to the fixture in `EXTRA_YEAR`: half with a passage, none reviewed or suggested."""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "many.db"
    info = build_project(path)
    s = Store.open(path)
    cb = info["codebook_id"]
    with s.transaction():
        for i in range(EXTRA):
            doc = s.documents.add(Record(title=f"Extra {i}", year=EXTRA_YEAR), f"extra{i}")
            if i % 2:
                s.passages.save(doc, [Passage(doc, "title", 0, 0, 7, f"Extra {i}", "en")])
    first = {d: s.passages.of_document(d)[0].id for d in info["documents"][:3]}
    d1, d2, d3 = info["documents"][:3]
    review.decide(s, first[d1], "regionalism.collective_learning", "alice", "accepted", codebook_id=cb)
    review.decide(s, first[d2], "global.value_chain", "bob", "rejected", codebook_id=cb)
    state.mark_document(s, d1, "alice", codebook_id=cb)
    state.mark_document(s, d3, "bob", codebook_id=cb)
    yield s
    s.close()


def named_documents(s: Store, cb: int) -> set[int]:
    """The documents a decision, done mark or suggestion at/above threshold names (from the store)."""
    name = state.codebook_name(s, cb)
    docs = {int(c.document_id or 0) for c in s.codings.latest(name)}
    docs |= {d for _p, d, _c in s.reviews.all(name)}
    return docs | {d for _p, d, _c in s.suggestions.suggested(cb)}


def test_review_state_holds_only_the_named_documents(store: Store) -> None:
    cb = store.codebooks.current_id()
    assert cb is not None
    st = state.review_state(store, cb)
    every = set(store.documents.ids())
    assert len(every) == store.documents.count() > EXTRA
    assert set(st.passages) == named_documents(store, cb)
    extra = {d for d in every if store.documents.get(d).key.startswith("extra")}  # type: ignore[union-attr]
    assert len(extra) == EXTRA and not extra & set(st.passages)
    assert st.all_documents == every  # the suggested denominator still holds every document


def test_every_view_equals_the_whole_corpus_state(store: Store) -> None:
    cb = store.codebooks.current_id()
    assert cb is not None
    small = state.review_state(store, cb)
    whole = ReviewState(
        store.passages.ids_by_document(), small.decisions, small.reviews, small.assignments, small.suggestions
    )
    assert len(whole.passages) > len(small.passages)
    for source in ("any", "consensus", "suggested", "coder:alice", "coder:bob"):
        assert small.view(source) == whole.view(source), source
    for coder in whole.coders:
        assert small.reviewed_by(coder) == whole.reviewed_by(coder)
        assert small.passages_done(coder) == whole.passages_done(coder)


def test_published_and_suggested_still_count_every_document(store: Store) -> None:
    per_year: dict[int, int] = {}
    for doc in store.documents.iter():
        if doc.year is not None:
            per_year[doc.year] = per_year.get(doc.year, 0) + 1
    assert per_year[EXTRA_YEAR] > EXTRA
    for source in ("consensus", "suggested", "coder:alice"):
        rows = trends(store, "regionalism", source=source)
        assert {r.year: r.published for r in rows} == per_year
    suggested = {r.year: r.documents for r in trends(store, "regionalism", source="suggested")}
    assert suggested == per_year  # the tagger reads every document, passages or not
    cb = store.codebooks.current_id()
    assert cb is not None
    facts, _ = review_facts(store, cb, "suggested")
    assert len(facts.reviewed) == store.documents.count()


def test_ids_by_document_restricted_and_ids_paged(store: Store) -> None:
    full = store.passages.ids_by_document()
    some = sorted(full)[::3] + [10**9]  # an unknown id is left out
    assert store.passages.ids_by_document(some) == {d: full[d] for d in some if d in full}
    assert list(store.documents.ids(page_size=7)) == sorted(full)
