"""Provides the second step of an import: building the full-text index of documents queued in ``fts_pending``.

Imports commit their records first and only queue them for the index (tokenising is the slow
part); `finish_index` indexes the queue in committed batches, so an interrupted run resumes where
it stopped. Searches call it first: a search never runs on an unfinished index.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from reviewkit.errors import StoreError
from reviewkit.store.base import json_list, marks
from reviewkit.store.writer import _INSERT_FTS, fts_row

if TYPE_CHECKING:
    from reviewkit.store.base import StoreBase

IndexProgress = Callable[[int, int], None]
"""Called as progress(indexed, total) after each batch."""


class _Doc:
    __slots__ = ("abstract", "abstract_alt", "authors", "authors_alt", "keywords", "title", "title_alt")

    def __init__(self, row: tuple[object, ...]) -> None:
        title, title_alt, abstract, abstract_alt, keywords, authors, authors_alt = row
        self.title, self.title_alt = str(title or ""), str(title_alt or "")
        self.abstract, self.abstract_alt = str(abstract or ""), str(abstract_alt or "")
        self.keywords = json_list(keywords)
        self.authors, self.authors_alt = json_list(authors), json_list(authors_alt)


def pending_count(base: StoreBase) -> int:
    """How many documents wait for the full-text index."""
    return int(base.db.execute("SELECT count(*) FROM fts_pending").fetchone()[0])


def finish_index(base: StoreBase, progress: IndexProgress | None = None, batch: int = 5000) -> int:
    """Index every queued document, in committed batches (resumable); returns how many were indexed.

    Raises:
        StoreError: documents are waiting but the project file is read-only (the search would miss them).
    """
    conn = base.db.conn
    if conn.execute("SELECT 1 FROM fts_pending LIMIT 1").fetchone() is None:
        return 0
    total = pending_count(base)
    if base.read_only:
        raise StoreError(
            f"{base.path}: the search index is unfinished ({total} documents not indexed yet) and the file "
            f"is read-only, so a search would miss them. Make it writable (chmod u+w {base.path}) and search again."
        )
    done = 0
    while True:
        ids = [int(r[0]) for r in conn.execute("SELECT document_id FROM fts_pending ORDER BY document_id LIMIT ?", [batch])]
        if not ids:
            break
        rows = conn.execute(
            "SELECT id, title, title_alt, abstract, abstract_alt, keywords, authors, authors_alt "
            f"FROM documents WHERE id IN ({marks(ids)})",
            ids,
        ).fetchall()
        with base.transaction():
            conn.execute(f"DELETE FROM documents_fts WHERE rowid IN ({marks(ids)})", ids)
            conn.executemany(_INSERT_FTS, [fts_row(int(r[0]), _Doc(r[1:])) for r in rows])
            conn.execute(f"DELETE FROM fts_pending WHERE document_id IN ({marks(ids)})", ids)
        done += len(ids)
        if progress is not None:
            progress(done, total)
    return done
