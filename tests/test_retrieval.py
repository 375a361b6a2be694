"""Code retrieval, passage search, memos in context and own-assignment-first, on the review fixture project.

Every expectation is worked out by hand from the fixture's texts and the decisions written here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reviewkit.errors import NotFoundError, ReviewkitError
from reviewkit.project import review as svc
from reviewkit.project import state
from reviewkit.project.cooccurrence import code_cooccurrence
from reviewkit.project.memos import add_memo, code_memos, memos_in_context
from reviewkit.project.retrieval import coded_passages, consensus_passages, retrieval_sources, search_passages
from reviewkit.records import MATCH_END, MATCH_START, DocumentFilter
from reviewkit.store import Store
from reviewkit.store.text import QuerySyntaxError

VC = "global.value_chain"


@pytest.fixture
def project(review_project: tuple[Path, dict[str, Any]]) -> Iterator[tuple[Store, dict[str, Any]]]:
    s = Store.open(review_project[0])
    yield s, review_project[1]
    s.close()


def ids(page: Any) -> list[int]:
    return [int(r.passage.id) for r in page.rows]


def test_suggested_source_lists_the_passages_at_or_above_threshold(
    project: tuple[Store, dict[str, Any]],
) -> None:
    store, info = project
    expected = sorted(
        int(p)
        for p, c, score, thr in store.db.execute(
            "SELECT passage_id, code_id, score, threshold FROM suggestions"
        )
        if c == VC and score >= thr
    )
    page = coded_passages(store, VC, "suggested")
    assert sorted(ids(page)) == expected and page.total == len(expected) and page.source == "suggested"
    years = [r.year for r in page.rows]
    assert years == sorted(years)  # year order
    assert {r.document_key for r in page.rows} <= {f"doc{i}" for i in range(1, 7)}


def test_filter_words_match_text_year_range_and_document_key(project: tuple[Store, dict[str, Any]]) -> None:
    store, _info = project
    every = coded_passages(store, VC, "suggested").rows
    assert {r.document_key for r in coded_passages(store, VC, "suggested", words="doc3").rows} == {"doc3"}
    assert all(r.year == 2005 for r in coded_passages(store, VC, "suggested", words="2005").rows)
    span = coded_passages(store, VC, "suggested", words="2004-2005").rows
    assert {r.year for r in span} == {r.year for r in every if r.year in (2004, 2005)}
    zh = coded_passages(store, VC, "suggested", words="全球价值链").rows
    assert zh and all("全球价值链" in r.passage.text for r in zh)
    both = coded_passages(store, VC, "suggested", words="governance 2008").rows
    # each word matches the text, the title or the year: "governance" is in the 2008 title
    assert [r.passage.text for r in both] == [
        r.passage.text for r in every if r.year == 2008 and "governance" in (r.passage.text + r.title).lower()
    ]
    assert both and "governance" not in both[0].passage.text
    assert coded_passages(store, VC, "suggested", words="nothing-like-this").total == 0


def test_paging_reads_every_passage_once(project: tuple[Store, dict[str, Any]]) -> None:
    store, _info = project
    full = ids(coded_passages(store, VC, "suggested"))
    paged = [
        pid
        for off in range(0, len(full), 2)
        for pid in ids(coded_passages(store, VC, "suggested", offset=off, limit=2))
    ]
    assert paged == full and len(full) > 2
    assert coded_passages(store, VC, "suggested", offset=2, limit=2, count=False).total is None


def test_coder_consensus_and_any_sources(project: tuple[Store, dict[str, Any]]) -> None:
    store, info = project
    cb = info["codebook_id"]
    a, b, c = info["passages"][2][:3]
    store.codings.set(a, VC, "alice", "accepted", codebook_id=cb)
    store.codings.set(a, VC, "bob", "accepted", codebook_id=cb)  # both accept: consensus accepts
    store.codings.set(b, VC, "alice", "accepted", codebook_id=cb)
    store.codings.set(b, VC, "bob", "rejected", codebook_id=cb)  # disagreement: unresolved
    store.codings.set(c, VC, "alice", "accepted", codebook_id=cb)
    state.mark_passage(store, c, "bob", codebook_id=cb)  # bob's done mark votes "not applied"
    assert ids(coded_passages(store, VC, "coder:alice")) == [a, b, c]
    assert ids(coded_passages(store, VC, "coder:bob")) == [a]
    assert ids(coded_passages(store, VC, "any")) == [a, b, c]
    assert ids(coded_passages(store, VC, "consensus")) == [a]
    assert consensus_passages(store, VC, "cluster-upgrading") == [a]
    store.codings.set(b, VC, "consensus", "accepted", codebook_id=cb, origin="consensus")  # adjudicated
    assert ids(coded_passages(store, VC)) == [a, b]  # two coders: the default source is consensus
    # the same rule as the whole-project review state
    final = state.review_state(store, cb).final
    assert sorted(p for (p, code), v in final.items() if code == VC and v == "accepted") == [a, b]
    # the latest decision counts: alice takes back her accept on c
    store.codings.set(c, VC, "alice", "rejected", codebook_id=cb)
    assert ids(coded_passages(store, VC, "coder:alice")) == [a, b]


def test_sources_default_first_and_blind(project: tuple[Store, dict[str, Any]]) -> None:
    store, info = project
    cb = info["codebook_id"]
    store.codings.set(info["passages"][1][0], VC, "bob", "accepted", codebook_id=cb)
    assert retrieval_sources(store, "alice", codebook_id=cb) == [
        "coder:bob",
        "consensus",
        "coder:alice",
        "any",
        "suggested",
    ]
    assert retrieval_sources(store, "erin", codebook_id=cb, blind=True) == ["coder:erin", "suggested"]
    with pytest.raises(ReviewkitError, match="Blind mode"):
        coded_passages(store, VC, "coder:bob", only_coder="erin")
    with pytest.raises(ReviewkitError, match="Blind mode"):
        coded_passages(store, VC, "consensus", only_coder="erin")
    assert coded_passages(store, VC, only_coder="erin").source == "coder:erin"
    with pytest.raises(NotFoundError, match="No code 'nope'"):
        coded_passages(store, "nope", "suggested")
    with pytest.raises(ReviewkitError, match="Blind mode"):
        code_cooccurrence(store, source="coder:bob", only_coder="erin")
    assert code_cooccurrence(store, only_coder="erin").source == "coder:erin"


def test_search_lists_the_matching_passages_in_both_languages(project: tuple[Store, dict[str, Any]]) -> None:
    store, info = project
    page = search_passages(store, "value chains")
    assert page.total_documents == 3 and set(page.documents) == {2, 5, 6}
    texts = {h.passage.text for h in page.hits if h.passage is not None}
    assert (
        "Lead firms govern value chains." in texts
        and "Chinese clusters pursue functional upgrading within value chains." in texts
    )
    assert all("value" in h.passage.text.lower() for h in page.hits if h.passage is not None)
    hit = next(h for h in page.hits if h.passage is not None and h.passage.text.startswith("Lead firms"))
    assert (
        f"{MATCH_START}value{MATCH_END} {MATCH_START}chains{MATCH_END}" in hit.snippet
    )  # the words stay apart
    zh = search_passages(store, "全球价值链")
    assert zh.documents == [3]
    assert [h.passage.seq for h in zh.hits if h.passage is not None] == [0, 2]
    assert f"{MATCH_START}全球价值链{MATCH_END}" in zh.hits[0].snippet
    # the words of a query spread over two passages: the document is listed, with no passage
    spread = search_passages(store, "Storper trust")
    assert spread.documents == [1] and [h.passage for h in spread.hits] == [None]
    # paging by documents
    first, second = (
        search_passages(store, "upgrading", limit=2),
        search_passages(store, "upgrading", offset=2, limit=2),
    )
    assert len(first.documents) == 2 and not set(first.documents) & set(second.documents)


def test_search_syntax_errors_are_one_line_messages(project: tuple[Store, dict[str, Any]]) -> None:
    store, _info = project
    for bad in ("cluster AND", "NOT cluster"):
        with pytest.raises(QuerySyntaxError) as err:
            search_passages(store, bad)
        assert "\n" not in str(err.value) and "Malformed search" in str(err.value)


def test_memos_in_context(project: tuple[Store, dict[str, Any]]) -> None:
    store, info = project
    p1, p2 = info["passages"][1][:2]
    add_memo(store, f"passage:{p1}", "first thought", "alice")
    add_memo(store, f"passage:{p1}", "bob's view", "bob")
    add_memo(store, "document:1", "whole paper", "alice")
    store.memos.add(
        "code", VC, "bob", "define insertion"
    )  # (the fixture codebook has no YAML for parse_target)
    ctx = memos_in_context(store, 1, [p1, p2])
    assert [m.text for m in ctx.passages[p1]] == ["first thought", "bob's view"] and p2 not in ctx.passages
    assert [(m.text, m.coder) for m in ctx.document] == [("whole paper", "alice")]
    assert [m.text for m in memos_in_context(store, 1, [p1], only_coder="alice").passages[p1]] == [
        "first thought"
    ]
    assert [m.text for m in code_memos(store, VC)] == ["define insertion"]
    assert code_memos(store, VC, only_coder="alice") == []


def test_assigned_documents_come_first(project: tuple[Store, dict[str, Any]]) -> None:
    store, info = project
    cb = info["codebook_id"]
    store.assignments.add([3, 5], "alice")
    store.assignments.add([1, 2], "bob")
    f = DocumentFilter()
    rows = svc.document_page(store, "alice", cb, f)
    assert [(r.id, r.assigned) for r in rows] == [
        (3, True),
        (5, True),
        (1, False),
        (2, False),
        (4, False),
        (6, False),
    ]
    # pages across the boundary, and positions agree with the order
    paged = [
        r.id for off in range(0, 6, 4) for r in svc.document_page(store, "alice", cb, f, offset=off, limit=4)
    ]
    assert paged == [3, 5, 1, 2, 4, 6]
    assert [svc.document_position(store, d, "alice", cb, f) for d in paged] == list(range(6))
    # filters still apply to both parts
    assert [r.id for r in svc.document_page(store, "alice", cb, DocumentFilter(year_min=2005))] == [
        3,
        5,
        4,
        6,
    ]
    # bob has other documents; a coder without assignments sees the year order
    assert [r.id for r in svc.document_page(store, "bob", cb, f)][:2] == [1, 2]
    assert [r.id for r in svc.document_page(store, "carol", cb, f)] == [1, 2, 3, 4, 5, 6]
    # the queue: suggestions on alice's documents first, marked
    queue = svc.review_queue(store, "alice", cb, limit=500)
    flags = [q.assigned for q in queue]
    assert any(flags) and flags == sorted(flags, reverse=True)
    assert {q.document_id for q in queue if q.assigned} == {3, 5}
    assert not any(q.assigned for q in svc.review_queue(store, "carol", cb, limit=500))
