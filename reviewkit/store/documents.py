"""Provides the document queries of the store: adding records, sources, imports, full-text search."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from reviewkit.records import Record
from reviewkit.store.base import dumps, now
from reviewkit.store.text import fts_query, normalize_title, unspace_cjk
from reviewkit.store.writer import DocumentWriter

__all__ = ["DocumentsMixin", "fts_query", "normalize_title"]

if TYPE_CHECKING:
    from sqlite_utils import Database

DOC_FIELDS = (
    "title", "abstract", "year", "journal", "volume", "issue", "pages", "doi", "type", "language",
    "title_alt", "abstract_alt", "journal_alt", "language_alt", "url",
)  # fmt: skip
LIST_FIELDS = ("authors", "authors_alt", "keywords")


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for name in ("authors", "authors_alt", "keywords", "raw"):
        if name in row and isinstance(row[name], str):
            row[name] = json.loads(row[name])
    return row


class DocumentsMixin:
    """Documents, sources, imports, full-text search."""

    db: Database

    # -- imports -----------------------------------------------------------------------------
    def start_import(self, path: str, fmt: str, sha256: str = "") -> int:
        """Record the start of an import run (inside the caller's transaction) and return its id."""
        cur = self.db.execute(
            "INSERT INTO imports (path, format, sha256, started_at) VALUES (?, ?, ?, ?)",
            [path, fmt, sha256, now()],
        )
        return int(cur.lastrowid or 0)

    def finish_import(self, import_id: int, *, records: int, added: int, merged: int, skipped: list[str]) -> None:
        """Store the counts of an import run."""
        self.db.execute(
            "UPDATE imports SET finished_at = ?, records = ?, added = ?, merged = ?, skipped = ?, "
            "skipped_detail = ? WHERE id = ?",
            [now(), records, added, merged, len(skipped), dumps(skipped), import_id],
        )

    def imports(self) -> list[dict[str, Any]]:
        """All import runs, oldest first."""
        rows = self.db.execute("SELECT * FROM imports ORDER BY id").fetchall()
        cols = [c[0] for c in self.db.execute("SELECT * FROM imports LIMIT 0").description]
        return [dict(zip(cols, r, strict=True)) for r in rows]

    # -- finding duplicates ------------------------------------------------------------------
    def find_by_doi(self, doi: str) -> int | None:
        """Id of the document with this DOI, if any."""
        if not doi:
            return None
        # "doi != ''" lets SQLite use the partial index idx_documents_doi
        row = self.db.conn.execute("SELECT id FROM documents WHERE doi = ? AND doi != '' LIMIT 1", [doi]).fetchone()
        return int(row[0]) if row else None

    def title_candidates(self, year: int | None, norm_title: str, prefix_len: int = 12) -> list[tuple[int, str]]:
        """(id, norm_title) of documents of `year` whose normalised title starts like `norm_title`."""
        if not norm_title:
            return []
        prefix = norm_title[:prefix_len]
        sql = "SELECT id, norm_title FROM documents WHERE norm_title >= ? AND norm_title < ? AND "
        sql += "year IS ?" if year is None else "year = ?"
        return [(int(r[0]), r[1]) for r in self.db.conn.execute(sql, [prefix, prefix + "\U0010ffff", year]).fetchall()]

    def titles_by_year(self) -> dict[int | None, list[tuple[int, str]]]:
        """All (id, norm_title) grouped by year (for the near-duplicate report)."""
        out: dict[int | None, list[tuple[int, str]]] = {}
        for doc_id, year, nt in self.db.execute("SELECT id, year, norm_title FROM documents ORDER BY year, id"):
            out.setdefault(year, []).append((int(doc_id), nt))
        return out

    # -- writing -----------------------------------------------------------------------------
    def key_exists(self, key: str) -> bool:
        """True when a document already uses `key`."""
        return self.db.conn.execute("SELECT 1 FROM documents WHERE key = ?", [key]).fetchone() is not None

    def keys_starting_with(self, base: str) -> set[str]:
        """Document keys that start with `base` (to pick the next free suffix)."""
        rows = self.db.conn.execute("SELECT key FROM documents WHERE key >= ? AND key < ?", [base, base + "\U0010ffff"])
        return {r[0] for r in rows}

    def insert_document(self, record: Record, key: str) -> int:
        """Insert a new document from `record` (caller holds the transaction); returns its id."""
        writer = DocumentWriter(self.db, None)
        doc_id = writer.add(record, key)
        writer.flush()
        return doc_id

    def update_document(self, doc_id: int, record: Record) -> None:
        """Overwrite a document's bibliographic fields with `record`'s (the merged, richer record)."""
        DocumentWriter(self.db, None).update(doc_id, record)

    def add_source(
        self,
        doc_id: int,
        record: Record,
        import_id: int | None,
        *,
        duplicate: bool,
        reason: str = "",
        similarity: float | None = None,
    ) -> None:
        """Remember where a document (or a duplicate of it) came from."""
        writer = DocumentWriter(self.db, import_id)
        writer.add_source(doc_id, record, duplicate=duplicate, reason=reason, similarity=similarity)
        writer.flush()

    def document_writer(self, import_id: int | None) -> DocumentWriter:
        """A batching writer for bulk imports (use inside `transaction()`, call `flush()` at the end)."""
        return DocumentWriter(self.db, import_id)

    # -- reading -----------------------------------------------------------------------------
    def get_record(self, doc_id: int) -> Record:
        """The stored document as a `Record` (for merging)."""
        row = self.get_document(doc_id)
        assert row is not None
        kwargs: dict[str, Any] = {name: row[name] for name in DOC_FIELDS}
        kwargs["year"] = row["year"]
        for name in LIST_FIELDS:
            kwargs[name] = tuple(row[name])
        return Record(**kwargs, raw=row["raw"], source_format=row["source_format"], source_file=row["source_file"])

    def get_document(self, ident: int | str) -> dict[str, Any] | None:
        """A document by id, or by key (DOI or generated key); None if absent."""
        cur = self.db.conn.cursor()
        if isinstance(ident, int) or (isinstance(ident, str) and ident.isdigit()):
            cur.execute("SELECT * FROM documents WHERE id = ?", [int(ident)])
        else:
            cur.execute("SELECT * FROM documents WHERE key = ? OR doi = ? LIMIT 1", [ident, ident.lower()])
        row = cur.fetchone()
        if row is None:
            return None
        cols = [c[0] for c in cur.description]
        doc = _decode(dict(zip(cols, row, strict=True)))
        if not doc["raw"]:  # the raw record is kept once, with the first source
            src = self.db.conn.execute(
                "SELECT raw FROM document_sources WHERE document_id = ? ORDER BY id LIMIT 1", [doc["id"]]
            ).fetchone()
            doc["raw"] = json.loads(src[0]) if src else {}
        return doc

    def document_sources(self, doc_id: int) -> list[dict[str, Any]]:
        """Every imported record that became (or merged into) this document."""
        cur = self.db.conn.cursor()
        cur.execute(
            "SELECT id, source_format, source_file, source_line, source_key, duplicate_of_existing, "
            "match_reason, similarity, imported_at FROM document_sources WHERE document_id = ? ORDER BY id",
            [doc_id],
        )
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    def list_documents(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        year_from: int | None = None,
        year_to: int | None = None,
        language: str | None = None,
    ) -> list[dict[str, Any]]:
        """A page of documents ordered by year then id (decoded JSON fields, no raw)."""
        where, params = self._filters(year_from, year_to, language)
        cur = self.db.conn.cursor()
        cur.execute(
            "SELECT id, key, year, title, title_alt, authors, journal, doi, language FROM documents"
            f"{where} ORDER BY year IS NULL, year, id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        cols = [c[0] for c in cur.description]
        return [_decode(dict(zip(cols, r, strict=True))) for r in cur.fetchall()]

    def count_documents(
        self, *, year_from: int | None = None, year_to: int | None = None, language: str | None = None
    ) -> int:
        """Number of documents matching the filters."""
        where, params = self._filters(year_from, year_to, language)
        return int(self.db.execute(f"SELECT count(*) FROM documents{where}", params).fetchone()[0])

    @staticmethod
    def _filters(year_from: int | None, year_to: int | None, language: str | None) -> tuple[str, list[Any]]:
        clauses, params = [], []
        if year_from is not None:
            clauses.append("year >= ?")
            params.append(year_from)
        if year_to is not None:
            clauses.append("year <= ?")
            params.append(year_to)
        if language:
            clauses.append("(language = ? OR language_alt = ?)")
            params += [language, language]
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        """Full-text search over title, abstract, keywords and authors, in English and Chinese.

        Returns rows with id, key, year, title, title_alt, authors, rank (lower is better) and a
        snippet of the abstract with matches in [brackets].
        """
        match = fts_query(query)
        if not match:
            return []
        cur = self.db.conn.cursor()
        try:
            cur.execute(
                "SELECT d.id, d.key, d.year, d.title, d.title_alt, d.authors, documents_fts.rank AS rank, "
                "snippet(documents_fts, 1, '[', ']', '…', 24) AS snippet "
                "FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid "
                "WHERE documents_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?",
                [match, limit, offset],
            )
        except sqlite3.OperationalError:
            return []
        cols = [c[0] for c in cur.description]
        rows = [_decode(dict(zip(cols, r, strict=True))) for r in cur.fetchall()]
        for row in rows:
            row["snippet"] = unspace_cjk(row["snippet"])
        return rows

    def count_search(self, query: str) -> int:
        """Number of documents matching a search."""
        match = fts_query(query)
        if not match:
            return 0
        try:
            return int(self.db.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?", [match]).fetchone()[0])
        except sqlite3.OperationalError:
            return 0

    def corpus_stats(self) -> dict[str, Any]:
        """Counts for `reviewkit stats` and the methods report."""
        q = self.db.execute

        def scalar(sql: str) -> int:
            return int(q(sql).fetchone()[0] or 0)

        by_lang = dict(q("SELECT language, count(*) FROM documents GROUP BY language ORDER BY 2 DESC").fetchall())
        by_year = [(y, n) for y, n in q("SELECT year, count(*) FROM documents GROUP BY year ORDER BY year").fetchall()]
        by_format = dict(q("SELECT source_format, count(*) FROM document_sources GROUP BY source_format").fetchall())
        return {
            "documents": scalar("SELECT count(*) FROM documents"),
            "records_imported": scalar("SELECT count(*) FROM document_sources"),
            "duplicates_merged": scalar("SELECT count(*) FROM document_sources WHERE duplicate_of_existing = 1"),
            "records_skipped": scalar("SELECT coalesce(sum(skipped), 0) FROM imports"),
            "imports": scalar("SELECT count(*) FROM imports"),
            "with_abstract": scalar("SELECT count(*) FROM documents WHERE abstract != '' OR abstract_alt != ''"),
            "bilingual": scalar("SELECT count(*) FROM documents WHERE title_alt != ''"),
            "years": [y for y, _ in by_year if y is not None],
            "by_year": by_year,
            "by_language": by_lang,
            "by_format": by_format,
            "passages": scalar("SELECT count(*) FROM passages"),
            "suggestions": scalar("SELECT count(*) FROM suggestions"),
            "codings": scalar("SELECT count(*) FROM codings"),
        }

    # -- duplicates decided by a person -----------------------------------------------------
    def mark_distinct(self, a: int, b: int, coder: str = "") -> None:
        """Record that documents a and b are not duplicates."""
        lo, hi = sorted((a, b))
        self.db.execute(
            "INSERT OR REPLACE INTO duplicate_decisions (a, b, decision, coder, decided_at) VALUES (?, ?, 'distinct', ?, ?)",
            [lo, hi, coder, now()],
        )

    def distinct_pairs(self) -> set[tuple[int, int]]:
        """Pairs a person marked as not duplicates."""
        return {(int(a), int(b)) for a, b in self.db.execute("SELECT a, b FROM duplicate_decisions")}

    def has_codings(self, doc_id: int) -> bool:
        """True when any coder decided on a passage of this document."""
        sql = "SELECT 1 FROM codings c JOIN passages p ON p.id = c.passage_id WHERE p.document_id = ? LIMIT 1"
        return self.db.execute(sql, [doc_id]).fetchone() is not None

    def move_sources(self, from_doc: int, to_doc: int) -> None:
        """Re-point the sources of one document to another (used when merging duplicates)."""
        self.db.execute(
            "UPDATE document_sources SET document_id = ?, duplicate_of_existing = 1, match_reason = 'merged by hand' "
            "WHERE document_id = ?",
            [to_doc, from_doc],
        )

    def delete_document(self, doc_id: int) -> None:
        """Delete a document, its index entry and (by cascade) its passages and suggestions."""
        self.db.execute("DELETE FROM documents_fts WHERE rowid = ?", [doc_id])
        self.db.execute("DELETE FROM documents WHERE id = ?", [doc_id])
