"""Provides `DocumentWriter`: the batched writes of a bulk import (documents, their index rows, sources).

The rows themselves are worked out by `reviewkit.store.rows` (re-exported here).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from reviewkit.records import Record
from reviewkit.store.base import now
from reviewkit.store.rows import _jlist, document_values, raw_json, source_values
from reviewkit.store.text import fts_text, normalize_title

__all__ = ["BATCH", "DocumentWriter", "_jlist", "document_values", "fts_row", "raw_json", "source_values"]

if TYPE_CHECKING:
    from sqlite_utils import Database


_INSERT_DOC = (
    "INSERT INTO documents (id, key, title, abstract, authors, year, journal, volume, issue, pages, doi, type, "
    "language, title_alt, abstract_alt, authors_alt, journal_alt, language_alt, keywords, url, source_format, "
    "source_file, raw, norm_title, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}', ?, ?)"
)
_UPDATE_DOC = (
    "UPDATE documents SET title = ?, abstract = ?, authors = ?, year = ?, journal = ?, volume = ?, issue = ?, "
    "pages = ?, doi = ?, type = ?, language = ?, title_alt = ?, abstract_alt = ?, authors_alt = ?, journal_alt = ?, "
    "language_alt = ?, keywords = ?, url = ?, norm_title = ? WHERE id = ?"
)
_INSERT_FTS = "INSERT INTO documents_fts (rowid, title, abstract, keywords, authors) VALUES (?, ?, ?, ?, ?)"
_INSERT_PENDING = "INSERT OR IGNORE INTO fts_pending (document_id) VALUES (?)"
_INSERT_SOURCE = (
    "INSERT INTO document_sources (source_format, source_file, source_line, source_key, raw, document_id, import_id, "
    "duplicate_of_existing, match_reason, similarity, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def fts_row(doc_id: int, r: Any) -> tuple[Any, ...]:
    """The index row of a document or record (CJK characters spaced apart, see `fts_text`)."""
    return (
        doc_id,
        fts_text(f"{r.title} {r.title_alt}" if r.title_alt else r.title),
        fts_text(f"{r.abstract} {r.abstract_alt}" if r.abstract_alt else r.abstract),
        fts_text(" ".join(r.keywords)),
        fts_text(" ".join(tuple(r.authors) + tuple(r.authors_alt))),
    )


BATCH = 2000
"""Rows buffered before they are written (the default of `DocumentWriter`)."""


class DocumentWriter:
    """Writes documents and their sources, and queues them for the full-text index.

    Documents, source rows and index-queue entries (``fts_pending``) are buffered and written with
    `executemany` every `batch` rows and on `flush()`; new documents get their ids here (the next
    after the largest, as SQLite would give them: the writer runs inside the write transaction).
    Queries see buffered documents only after `flush()`: duplicate detection flushes before it asks.
    The index itself is built after the import commits (`Documents.finish_index`).

    With `background`, a full batch is written by one helper thread while the caller goes on
    preparing the next (SQLite does its work without holding the GIL, so parsing and writing
    overlap on two cores). `flush()` waits for it; `close()` must end every use (it waits too,
    so that a rollback never races a write). Everything still happens in the caller's transaction.
    """

    def __init__(
        self, db: Database, import_id: int | None, batch: int | None = None, *, background: bool = False
    ) -> None:
        self.conn = db.conn
        self.import_id = import_id
        self.batch = batch or BATCH
        self.stamp = now()
        self._next_id: int | None = None
        self._docs: list[tuple[Any, ...]] = []
        self._pending: list[tuple[int]] = []
        self._sources: list[tuple[Any, ...]] = []
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="reviewkit-writer") if background else None
        self._running: Future[None] | None = None
        self.spills = 0
        """Batches handed over so far: after two more, the documents added before are in the database."""
        self.flushes = 0
        """Calls of `flush()`: after one, every document added before is in the database."""

    def add(self, r: Record, key: str, norm_title: str | None = None) -> int:
        """Add a new document (written at the next `flush`); returns its id.

        Args:
            r: the record.
            key: its unique document key.
            norm_title: ``normalize_title(r.title)`` when the caller has it already.
        """
        norm = normalize_title(r.title) if norm_title is None else norm_title
        return self.add_values(document_values(r), key, norm)

    def add_values(self, values: tuple[Any, ...], key: str, norm_title: str) -> int:
        """Add a new document from `document_values` of its record (written at the next `flush`); returns its id."""
        doc_id = self._next_id
        if doc_id is None:
            doc_id = int(self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM documents").fetchone()[0])
        self._next_id = doc_id + 1
        self._docs.append((doc_id, key, *values, norm_title, self.stamp))
        self._pending.append((doc_id,))
        if len(self._docs) >= self.batch:
            self._spill()
        return doc_id

    def update(self, doc_id: int, r: Record) -> None:
        """Overwrite a document with a merged record and queue it for re-indexing."""
        self.flush()
        self.conn.execute(_UPDATE_DOC, (*document_values(r)[:-2], normalize_title(r.title), doc_id))
        self._pending.append((doc_id,))

    def add_source(
        self, doc_id: int, r: Record, *, duplicate: bool, reason: str = "", similarity: float | None = None
    ) -> None:
        """Remember where a document (or a duplicate merged into it) came from."""
        self.add_source_values(doc_id, source_values(r), duplicate=duplicate, reason=reason, similarity=similarity)

    def add_source_values(
        self, doc_id: int, source: tuple[Any, ...], *, duplicate: bool, reason: str = "", similarity: float | None = None
    ) -> None:
        """`add_source` with `source_values` of the record worked out already."""
        self._sources.append((*source, doc_id, self.import_id, int(duplicate), reason, similarity, self.stamp))
        if len(self._sources) >= self.batch:
            self._spill()

    def _take(self) -> list[tuple[str, list[tuple[Any, ...]]]]:
        """The buffered rows as (statement, rows), documents first (the others refer to them)."""
        batches = [(sql, rows) for sql, rows in ((_INSERT_DOC, self._docs), (_INSERT_PENDING, self._pending),
                                                 (_INSERT_SOURCE, self._sources)) if rows]  # fmt: skip
        self._docs, self._pending, self._sources = [], [], []
        return batches

    def _write(self, batches: list[tuple[str, list[tuple[Any, ...]]]]) -> None:
        for sql, rows in batches:
            self.conn.executemany(sql, rows)

    def _wait(self) -> None:
        running, self._running = self._running, None
        if running is not None:
            running.result()  # re-raises the helper's error here

    def _spill(self) -> None:
        """Write the buffered rows: in the helper thread when there is one (after the previous batch)."""
        self.spills += 1
        if self._pool is None:
            self._write(self._take())
            return
        self._wait()
        self._running = self._pool.submit(self._write, self._take())

    def flush(self) -> None:
        """Write the buffered documents, index-queue and source rows, and wait until they are written."""
        self.flushes += 1
        self._wait()
        self._write(self._take())
        self._next_id = None  # the next add asks again: another writer may have added since

    def close(self) -> None:
        """Wait for the helper thread and stop it (buffered rows are dropped: call `flush()` first to keep them)."""
        try:
            if self._running is not None:
                self._running.exception()  # wait; an error was either raised by flush() or is moot now
                self._running = None
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
