"""Provides the corpus use cases: import files with deduplication, near-duplicate review, search, stats."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from reviewkit import dedupe
from reviewkit.dedupe import AUTO_MERGE_SIMILARITY, REVIEW_SIMILARITY
from reviewkit.errors import NotFoundError, ReviewkitError
from reviewkit.project.importing import (
    BIG_IMPORT,
    ImportReport,
    Progress,
    expand_paths,
    find_duplicate,
    import_files,
    keep_coded_text,
    make_key,
    merge_records,
    read_files,
)
from reviewkit.records import Document, DocumentSource, Record
from reviewkit.store.documents import normalize_title

if TYPE_CHECKING:
    from reviewkit.store import Store

__all__ = [
    "BIG_IMPORT",
    "DocumentDetail",
    "DuplicatePair",
    "ImportReport",
    "Progress",
    "expand_paths",
    "find_duplicate",
    "get_document",
    "import_files",
    "keep_coded_text",
    "keep_distinct",
    "make_key",
    "merge_documents",
    "merge_records",
    "near_duplicates",
    "read_files",
]

@dataclass(frozen=True)
class DuplicatePair:
    """Two documents that may be the same paper."""

    a: int
    b: int
    similarity: float
    year: int | None
    title_a: str
    title_b: str
    reason: str = ""
    """What the duplicate rules say of the pair (`reviewkit.dedupe.decide`): what is alike and what differs."""


def near_duplicates(
    store: Store, low: float = REVIEW_SIMILARITY, high: float = AUTO_MERGE_SIMILARITY
) -> list[DuplicatePair]:
    """Pairs of documents for a person to judge: the same year and similar titles, or the same DOI.

    Identical titles are listed too (records whose volume, issue or pages differ are never merged
    automatically). Pairs a person already marked as distinct are left out. Sorted by similarity,
    highest first.
    """
    from rapidfuzz import fuzz, process

    distinct = store.documents.distinct_pairs()
    pairs: list[DuplicatePair] = []
    for year, docs in store.documents.titles_by_year().items():
        docs = [(i, t) for i, t in docs if len(t) >= 8]
        if len(docs) < 2:
            continue
        titles = [t for _, t in docs]
        matrix = process.cdist(titles, titles, scorer=fuzz.ratio, score_cutoff=low, workers=-1)
        rows, cols = matrix.nonzero()
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
            if j <= i:
                continue
            sim = float(matrix[i, j])
            a, b = docs[i][0], docs[j][0]
            if (min(a, b), max(a, b)) in distinct:
                continue
            pairs.append(DuplicatePair(a, b, round(sim, 1), year, titles[i], titles[j], "similar titles"))
    listed = {(p.a, p.b) for p in pairs}
    with_doi = {d.id: d for d in store.documents.iter() if d.doi}
    items = [dedupe.BlockItem(i, d.year, "", d.doi) for i, d in with_doi.items()]
    for a, b in sorted(dedupe.candidate_pairs(items)):  # here: only documents sharing a DOI
        if (a, b) in listed or (a, b) in distinct:
            continue
        ta, tb = with_doi[a].title or with_doi[a].title_alt, with_doi[b].title or with_doi[b].title_alt
        sim = dedupe.title_similarity(normalize_title(ta), normalize_title(tb))
        pairs.append(DuplicatePair(a, b, round(sim, 1), with_doi[a].year, ta, tb, "same DOI"))
    records: dict[int, Record] = {}
    for i, pair in enumerate(pairs):  # say what differs ("same title and year but volume 2 vs 1")
        ra, rb = (records.setdefault(x, store.documents.record(x)) for x in (pair.a, pair.b))
        pairs[i] = replace(pair, reason=dedupe.decide(rb, ra).reason)
    return sorted(pairs, key=lambda p: (-p.similarity, p.a, p.b))


def merge_documents(store: Store, keep: int, drop: int) -> list[str]:
    """Merge document `drop` into `keep` (a person's decision from `reviewkit dedupe`).

    The coded title/abstract of `keep` stay; `drop`'s different text is stored as a version.

    Returns:
        One line per coded text kept (see `keep_coded_text`).

    Raises:
        NotFoundError: either document does not exist.
        ReviewkitError: `drop` already has reviewer decisions (merge the other way round).
    """
    for ident in (keep, drop):
        if store.documents.get(ident) is None:
            raise NotFoundError(f"No document with id {ident}; see `reviewkit docs list`.")
    if keep == drop:
        raise ReviewkitError("Cannot merge a document with itself.")
    if store.codings.exist_for_document(drop):
        raise ReviewkitError(
            f"Document {drop} already has reviewer decisions; merge the other way round "
            f"(`reviewkit dedupe --merge {drop} {keep}`)."
        )
    with store.transaction():
        old = store.documents.record(keep)
        merged, notes = keep_coded_text(
            store, keep, old, merge_records(old, store.documents.record(drop)), f"merge of document {drop}"
        )
        store.documents.update(keep, merged)
        store.documents.move_sources(drop, keep)
        store.versions.move(drop, keep)
        store.documents.delete(drop)
    return notes


def keep_distinct(store: Store, a: int, b: int, coder: str = "") -> None:
    """Record that documents a and b are different papers."""
    for ident in (a, b):
        if store.documents.get(ident) is None:
            raise NotFoundError(f"No document with id {ident}; see `reviewkit docs list`.")
    with store.transaction():
        store.documents.mark_distinct(a, b, coder)


@dataclass(frozen=True)
class DocumentDetail:
    """A document with every imported record it came from."""

    document: Document
    sources: list[DocumentSource]


def get_document(store: Store, ident: str | int) -> DocumentDetail:
    """A document with its sources, by id or key.

    Raises:
        NotFoundError: no such document.
    """
    doc = store.documents.get(ident)
    if doc is None:
        raise NotFoundError(f"No document {ident!r} (give an id or key from `reviewkit docs list`).")
    return DocumentDetail(doc, store.documents.sources(doc.id))
