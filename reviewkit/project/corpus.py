"""Provides the corpus use cases: import files with deduplication, near-duplicate review, search, stats."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reviewkit.errors import NotFoundError, ReviewkitError
from reviewkit.project.duplicates import (
    DuplicatePair,
    DuplicateSearch,
    near_duplicates,
    search_near_duplicates,
)
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
from reviewkit.records import Document, DocumentSource

if TYPE_CHECKING:
    from reviewkit.store import Store

__all__ = [
    "BIG_IMPORT",
    "DocumentDetail",
    "DuplicatePair",
    "DuplicateSearch",
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
    "search_near_duplicates",
]

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
