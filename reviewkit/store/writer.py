"""Provides `DocumentWriter`: the batched writes of a bulk import (documents, their index rows, sources)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from reviewkit.records import Record
from reviewkit.store.base import now
from reviewkit.store.text import fts_text, normalize_title

if TYPE_CHECKING:
    from sqlite_utils import Database


_LIST_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_RAW_JSON = json.JSONEncoder(ensure_ascii=False, default=str).encode  # one encoder each: no set-up per row


def _jlist(values: tuple[str, ...] | list[str]) -> str:
    return _LIST_JSON(values) if values else "[]"


_INSERT_DOC = (
    "INSERT INTO documents (key, title, abstract, authors, year, journal, volume, issue, pages, doi, type, "
    "language, title_alt, abstract_alt, authors_alt, journal_alt, language_alt, keywords, url, source_format, "
    "source_file, raw, norm_title, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}', ?, ?)"
)
_UPDATE_DOC = (
    "UPDATE documents SET title = ?, abstract = ?, authors = ?, year = ?, journal = ?, volume = ?, issue = ?, "
    "pages = ?, doi = ?, type = ?, language = ?, title_alt = ?, abstract_alt = ?, authors_alt = ?, journal_alt = ?, "
    "language_alt = ?, keywords = ?, url = ?, norm_title = ? WHERE id = ?"
)
_INSERT_FTS = "INSERT INTO documents_fts (rowid, title, abstract, keywords, authors) VALUES (?, ?, ?, ?, ?)"
_INSERT_PENDING = "INSERT OR IGNORE INTO fts_pending (document_id) VALUES (?)"
_INSERT_SOURCE = (
    "INSERT INTO document_sources (document_id, import_id, source_format, source_file, source_line, source_key, "
    "duplicate_of_existing, match_reason, similarity, raw, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
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


class DocumentWriter:
    """Writes documents and their sources, and queues them for the full-text index.

    Documents are inserted at once (duplicate detection must see them); source rows and index-queue
    entries (``fts_pending``) are buffered and written with `executemany` every `batch` rows and on
    `flush()`. The index itself is built after the import commits (`Documents.finish_index`).
    """

    def __init__(self, db: Database, import_id: int | None, batch: int = 2000) -> None:
        self.conn = db.conn
        self.import_id = import_id
        self.batch = batch
        self.stamp = now()
        self._pending: list[tuple[int]] = []
        self._sources: list[tuple[Any, ...]] = []

    @staticmethod
    def _values(r: Record) -> tuple[Any, ...]:
        return (
            r.title, r.abstract, _jlist(r.authors), r.year, r.journal, r.volume, r.issue, r.pages, r.doi,
            r.type, r.language, r.title_alt, r.abstract_alt, _jlist(r.authors_alt), r.journal_alt,
            r.language_alt, _jlist(r.keywords), r.url,
        )  # fmt: skip


    def add(self, r: Record, key: str) -> int:
        """Insert a new document; returns its id."""
        cur = self.conn.execute(
            _INSERT_DOC,
            (key, *self._values(r), r.source_format, r.source_file, normalize_title(r.title), self.stamp),
        )
        doc_id = int(cur.lastrowid or 0)
        self._pending.append((doc_id,))
        if len(self._pending) >= self.batch:
            self.flush()
        return doc_id

    def update(self, doc_id: int, r: Record) -> None:
        """Overwrite a document with a merged record and queue it for re-indexing."""
        self.conn.execute(_UPDATE_DOC, (*self._values(r), normalize_title(r.title), doc_id))
        self._pending.append((doc_id,))

    def add_source(
        self, doc_id: int, r: Record, *, duplicate: bool, reason: str = "", similarity: float | None = None
    ) -> None:
        """Remember where a document (or a duplicate merged into it) came from."""
        raw = _RAW_JSON(r.raw) if r.raw else "{}"
        self._sources.append(
            (
                doc_id,
                self.import_id,
                r.source_format,
                r.source_file,
                r.source_line,
                r.key,
                int(duplicate),
                reason,
                similarity,
                raw,
                self.stamp,
            )  # fmt: skip
        )
        if len(self._sources) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """Write the buffered index-queue and source rows."""
        if self._pending:
            self.conn.executemany(_INSERT_PENDING, self._pending)
            self._pending.clear()
        if self._sources:
            self.conn.executemany(_INSERT_SOURCE, self._sources)
            self._sources.clear()
