"""Provides code retrieval (the passages carrying a code, per source) and passage-level search.

Code retrieval lists, a page at a time, every passage where a code is applied under a source:

- ``coder:NAME``: the passages NAME accepted the code on (their latest decision), whether or not
  they have finished the document;
- ``consensus``: the passages whose final decision is "accepted" under the consensus rule of
  `reviewkit.analysis.review_state` (the adjudicator's decision, else every voter's);
- ``any``: accepted by at least one coder;
- ``suggested``: the tagger's suggestions at or above the code's threshold.

The default source is the one trends use (`reviewkit.project.state.default_source`). Blind mode
(`only_coder`) allows only the coder's own source and ``suggested``.

`search_passages` runs the project search (``reviewkit search``: English words, Chinese substrings,
"phrases", OR, -word) over a page of documents and then over their passages, so each hit names the
passage to open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reviewkit.analysis.review_state import CONSENSUS, Decision, PassageReview, ReviewState, parse_source
from reviewkit.errors import NotFoundError, ReviewkitError
from reviewkit.records import Passage, PassageContext
from reviewkit.store.retrieval import match_passages
from reviewkit.store.text import fts_query

if TYPE_CHECKING:
    from reviewkit.store import Store


@dataclass(frozen=True)
class CodedPage:
    """One page of the passages carrying a code."""

    rows: list[PassageContext]
    """The passages with their document's key, title and year (year, document, passage order)."""
    total: int | None
    """How many passages match (the filter applied); None when not counted (`count=False`)."""
    source: str
    """The source the page was read under."""


@dataclass(frozen=True)
class PassageHit:
    """A search hit: a passage of a matching document (or the document itself, see `passage`)."""

    document_id: int
    document_key: str
    year: int | None
    title: str
    passage: Passage | None
    """The passage that matches; None when only the document's keywords or authors (or words spread
    over several passages) match."""
    snippet: str
    """The text around the matches, each between `MATCH_START` and `MATCH_END`."""


@dataclass(frozen=True)
class SearchPage:
    """A page of search hits: the passages of `len(documents)` matching documents."""

    hits: list[PassageHit]
    documents: list[int]
    """The ids of the documents of this page, by rank."""
    total_documents: int
    """How many documents match in all."""


def retrieval_sources(
    store: Store, coder: str, *, codebook_id: int | None = None, blind: bool = False
) -> list[str]:
    """The sources a Code view offers, the project's default first.

    Blind: only ``coder:CODER`` and ``suggested``. Otherwise the default source, consensus, every
    coder who decided or marked something (and `coder`), any, then suggested.
    """
    if blind:
        return [f"coder:{coder}", "suggested"]
    from reviewkit.project.state import default_source, human_coders

    try:
        default = default_source(store, codebook_id)
        coders = human_coders(store, codebook_id)
    except ReviewkitError:
        return [CONSENSUS, "suggested"]
    if coder != CONSENSUS and coder not in coders:
        coders = sorted([*coders, coder])
    return list(dict.fromkeys([default, CONSENSUS, *(f"coder:{c}" for c in coders), "any", "suggested"]))


def consensus_passages(store: Store, code_id: str, codebook_name: str) -> list[int]:
    """The passages whose final decision on `code_id` is accepted under the consensus rule (sorted).

    Only the decisions on this code and the done marks on their documents are read: the rule for a
    (passage, code) pair depends on nothing else.
    """
    decisions = store.codings.on_code(code_id, codebook_name)
    docs = sorted({int(c.document_id or 0) for c in decisions})
    passages: dict[int, list[int]] = {d: [] for d in docs}
    for p in store.passages.of_documents(docs):
        passages[p.document_id].append(int(p.id or 0))
    state = ReviewState(
        passages,
        [
            Decision(
                c.passage_id, int(c.document_id or 0), c.code_id, c.coder, c.status, c.origin or "suggestion"
            )
            for c in decisions
            if c.status in ("accepted", "rejected")
        ],
        [PassageReview(p, d, c) for p, d, c in store.reviews.of_documents(docs, codebook_name)],
    )
    return sorted(p for (p, c), status in state.final.items() if c == code_id and status == "accepted")


def coded_passages(
    store: Store,
    code_id: str,
    source: str | None = None,
    *,
    codebook_id: int | None = None,
    words: str = "",
    offset: int = 0,
    limit: int = 100,
    only_coder: str | None = None,
    count: bool = True,
) -> CodedPage:
    """One page of the passages where `code_id` is applied under `source` (see the module docstring).

    Args:
        store: the project.
        code_id: a code of the codebook.
        source: ``coder:NAME``, ``consensus``, ``any`` or ``suggested`` (default: as for trends).
        codebook_id: codebook version (default: the current one).
        words: filter words; each must match the passage text, document key or title, or the year
            (``2005`` or ``2003-2007``).
        offset: rows to skip.
        limit: rows to return.
        only_coder: blind mode: only ``coder:ONLY_CODER`` and ``suggested`` may be read.
        count: also count every matching passage (the Code view counts on its first page only).

    Raises:
        NotFoundError: no codebook, or the code is not in it.
        ReviewkitError: an unknown source, or another coder's source in blind mode.
    """
    from reviewkit.project.state import codebook_name, resolve_source

    cb = codebook_id if codebook_id is not None else store.codebooks.current_id()
    name = codebook_name(store, cb)
    assert cb is not None
    ids = [r.code_id for r in store.codebooks.codes(cb)]
    if code_id not in ids:
        raise NotFoundError(f"No code {code_id!r} in codebook {name}. Codes: {', '.join(ids)}.")
    if only_coder is not None and source is None:
        source = f"coder:{only_coder}"
    chosen = resolve_source(store, source, codebook_id=cb)
    if only_coder is not None and chosen not in (f"coder:{only_coder}", "suggested"):
        raise ReviewkitError(f"Blind mode: only coder:{only_coder} and suggested can be shown, not {chosen}.")
    kind, coder = parse_source(chosen)
    passage_ids: list[int] | None = None
    if kind == CONSENSUS:
        passage_ids = consensus_passages(store, code_id, name)
    elif kind == "any":
        passage_ids = sorted(
            {c.passage_id for c in store.codings.on_code(code_id, name) if c.status == "accepted"}
        )
    part = store.passages
    rows = part.coded_page(code_id, codebook_id=cb, codebook_name=name, coder=coder, passage_ids=passage_ids,
                           words=words, offset=offset, limit=limit)  # fmt: skip
    total = (
        part.coded_count(
            code_id, codebook_id=cb, codebook_name=name, coder=coder, passage_ids=passage_ids, words=words
        )
        if count
        else None
    )
    return CodedPage(rows, total, chosen)


def search_passages(store: Store, query: str, *, offset: int = 0, limit: int = 20) -> SearchPage:
    """Search the project (as ``reviewkit search``) and list the matching passages of each document.

    Args:
        store: the project.
        query: words (ANDed), "phrases", OR, -word / NOT word, prefix*; Chinese as typed.
        offset: documents to skip (documents by rank).
        limit: documents per page.

    Raises:
        QuerySyntaxError: a malformed query; its one-line message says how to write it.
    """
    docs = store.documents.search(query, limit=limit, offset=offset)
    total = store.documents.count_search(query)
    if not docs:
        return SearchPage([], [], total)
    match = fts_query(query, strict=True)
    passages = store.passages.of_documents([d.id for d in docs])
    found = dict(match_passages(passages, match, query))
    by_doc: dict[int, list[Passage]] = {}
    for p in passages:
        if int(p.id or 0) in found:
            by_doc.setdefault(p.document_id, []).append(p)
    hits: list[PassageHit] = []
    for d in docs:
        title = d.title or d.title_alt
        mine = by_doc.get(d.id, [])
        if not mine:
            hits.append(PassageHit(d.id, d.key, d.year, title, None, d.snippet))
        hits += [PassageHit(d.id, d.key, d.year, title, p, found[int(p.id or 0)]) for p in mine]
    return SearchPage(hits, [d.id for d in docs], total)


__all__ = [
    "CodedPage",
    "PassageHit",
    "SearchPage",
    "coded_passages",
    "consensus_passages",
    "retrieval_sources",
    "search_passages",
]
