"""Provides `Documents`: every query on documents, their sources, full-text search and duplicate decisions."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from reviewkit.records import (
    MATCH_END,
    MATCH_START,
    Document,
    DocumentFilter,
    DocumentSource,
    DocumentStatus,
    Record,
    SearchHit,
)
from reviewkit.store.base import json_dict, json_list, marks
from reviewkit.store.document_keys import DocumentKeys
from reviewkit.store.index import IndexProgress, finish_index, pending_count
from reviewkit.store.text import _HOW, QuerySyntaxError, fts_query, normalize_title, unspace_cjk
from reviewkit.store.writer import DocumentWriter

__all__ = ["Documents", "fts_query", "normalize_title"]

_COLS = (
    "id, key, title, abstract, authors, year, journal, volume, issue, pages, doi, type, language, title_alt, "
    "abstract_alt, authors_alt, journal_alt, language_alt, keywords, url, source_format, source_file, imported_at"
)


def _document(row: Sequence[Any], raw: dict[str, Any] | None = None) -> Document:
    (id_, key, title, abstract, authors, year, journal, volume, issue, pages, doi, type_, language, title_alt,
     abstract_alt, authors_alt, journal_alt, language_alt, keywords, url, fmt, file, imported) = row  # fmt: skip
    return Document(
        id=int(id_), key=key, title=title or "", abstract=abstract or "", authors=json_list(authors),
        year=None if year is None else int(year), journal=journal or "", volume=volume or "", issue=issue or "",
        pages=pages or "", doi=doi or "", type=type_ or "", language=language or "", title_alt=title_alt or "",
        abstract_alt=abstract_alt or "", authors_alt=json_list(authors_alt), journal_alt=journal_alt or "",
        language_alt=language_alt or "", keywords=json_list(keywords), url=url or "", source_format=fmt or "",
        source_file=file or "", imported_at=imported or "", raw=raw or {},
    )  # fmt: skip


class Documents(DocumentKeys):
    """Documents, where they came from, full-text search and a person's duplicate decisions."""

    # -- writing -----------------------------------------------------------------------------
    def writer(self, import_id: int | None, *, background: bool = False) -> DocumentWriter:
        """A batching writer for bulk imports (use inside `transaction()`; `flush()` at the end, then `close()`).

        Args:
            import_id: the import run the sources belong to.
            background: write full batches in a helper thread (see `DocumentWriter`).
        """
        return DocumentWriter(self.db, import_id, background=background)

    def add(self, record: Record, key: str) -> int:
        """Insert a new document from `record` (caller holds the transaction); returns its id."""
        writer = DocumentWriter(self.db, None)
        doc_id = writer.add(record, key)
        writer.flush()
        return doc_id

    def update(self, doc_id: int, record: Record) -> None:
        """Overwrite a document's bibliographic fields with `record`'s and queue it for the index."""
        writer = DocumentWriter(self.db, None)
        writer.update(doc_id, record)
        writer.flush()

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

    def move_sources(self, from_doc: int, to_doc: int) -> None:
        """Re-point the sources of one document to another (used when merging duplicates by hand).

        Only the dropped document's own first source becomes a duplicate "merged by hand"; sources
        already merged into it at import keep their label (they were removed automatically).
        """
        first = self.db.execute(
            "SELECT MIN(id) FROM document_sources WHERE document_id = ? AND duplicate_of_existing = 0", [from_doc]
        ).fetchone()[0]
        if first is not None:
            self.db.execute(
                "UPDATE document_sources SET duplicate_of_existing = 1, match_reason = 'merged by hand' WHERE id = ?",
                [first],
            )
        self.db.execute("UPDATE document_sources SET document_id = ? WHERE document_id = ?", [to_doc, from_doc])

    def delete(self, doc_id: int) -> None:
        """Delete a document, its index entry and (by cascade) its passages and suggestions."""
        self.db.execute("DELETE FROM documents_fts WHERE rowid = ?", [doc_id])
        self.db.execute("DELETE FROM documents WHERE id = ?", [doc_id])

    # -- reading -----------------------------------------------------------------------------
    def get(self, ident: int | str) -> Document | None:
        """A document by id, or by key (DOI or generated key), with its raw record; None if absent."""
        cur = self.db.conn.cursor()
        if isinstance(ident, int) or ident.isdigit():
            cur.execute(f"SELECT {_COLS}, raw FROM documents WHERE id = ?", [int(ident)])
        else:
            cur.execute(f"SELECT {_COLS}, raw FROM documents WHERE key = ? OR doi = ? LIMIT 1", [ident, ident.lower()])
        row = cur.fetchone()
        if row is None:
            return None
        raw = json_dict(row[-1])
        if not raw:  # the raw record is kept once, with the first source
            src = self.db.conn.execute(
                "SELECT raw FROM document_sources WHERE document_id = ? ORDER BY id LIMIT 1", [row[0]]
            ).fetchone()
            raw = json.loads(src[0]) if src else {}
        return _document(row[:-1], raw)

    def record(self, doc_id: int) -> Record:
        """The stored document as a `Record` (for merging); KeyError when absent."""
        doc = self.get(doc_id)
        if doc is None:
            raise KeyError(doc_id)
        return doc.to_record()

    def iter(self, ids: Sequence[int] | None = None, *, page_size: int = 1000) -> Iterator[Document]:
        """Documents (all, or `ids`) in id order, without the raw record, read `page_size` at a time.

        Each page is its own short query (by id, after the last one read), so memory holds one page
        and no read stays open while the caller works (the project may be written meanwhile).
        """
        if ids is not None:
            wanted = sorted(set(ids))
            for i in range(0, len(wanted), page_size):
                chunk = wanted[i : i + page_size]
                rows = self.db.conn.execute(
                    f"SELECT {_COLS} FROM documents WHERE id IN ({marks(chunk)}) ORDER BY id", chunk
                ).fetchall()
                yield from (_document(r) for r in rows)
            return
        last = 0
        while True:
            rows = self.db.conn.execute(
                f"SELECT {_COLS} FROM documents WHERE id > ? ORDER BY id LIMIT ?", [last, page_size]
            ).fetchall()
            if not rows:
                return
            yield from (_document(r) for r in rows)
            last = int(rows[-1][0])

    def sources(self, doc_id: int) -> list[DocumentSource]:
        """Every imported record that became (or merged into) this document."""
        cur = self.db.conn.execute(
            "SELECT id, document_id, import_id, source_format, source_file, source_line, source_key, "
            "duplicate_of_existing, match_reason, similarity, imported_at FROM document_sources "
            "WHERE document_id = ? ORDER BY id",
            [doc_id],
        )
        return [
            DocumentSource(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5], r[6] or "", bool(r[7]), r[8] or "", r[9], r[10])
            for r in cur
        ]

    def page(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        year_from: int | None = None,
        year_to: int | None = None,
        language: str | None = None,
    ) -> list[Document]:
        """A page of documents ordered by year then id (no raw record)."""
        where, params = self._filters(year_from, year_to, language)
        cur = self.db.conn.execute(
            f"SELECT {_COLS} FROM documents{where} ORDER BY year IS NULL, year, id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_document(r) for r in cur]

    def count(self, *, year_from: int | None = None, year_to: int | None = None, language: str | None = None) -> int:
        """Number of documents matching the filters."""
        where, params = self._filters(year_from, year_to, language)
        return int(self.db.execute(f"SELECT count(*) FROM documents{where}", params).fetchone()[0])

    @staticmethod
    def _filters(year_from: int | None, year_to: int | None, language: str | None) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
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

    def years(self) -> dict[int, int | None]:
        """Every document's publication year (None when unknown)."""
        return {int(i): (None if y is None else int(y)) for i, y in self.db.execute("SELECT id, year FROM documents")}

    def years_of(self, ids: Iterable[int], page_size: int = 5000) -> dict[int, int | None]:
        """The publication years of the given documents (absent ids are left out), read in pages."""
        wanted = sorted(set(ids))
        out: dict[int, int | None] = {}
        for i in range(0, len(wanted), page_size):
            chunk = wanted[i : i + page_size]
            for doc_id, y in self.db.execute(f"SELECT id, year FROM documents WHERE id IN ({marks(chunk)})", chunk):
                out[int(doc_id)] = None if y is None else int(y)
        return out

    def count_by_year(self) -> dict[int, int]:
        """How many documents each publication year has (documents without a year are left out)."""
        return {
            int(y): int(n)
            for y, n in self.db.execute(
                "SELECT year, COUNT(*) FROM documents WHERE year IS NOT NULL GROUP BY year ORDER BY year"
            )
        }

    # -- full-text search --------------------------------------------------------------------
    def finish_index(self, progress: IndexProgress | None = None) -> int:
        """Index the documents an import queued (see `reviewkit.store.index`); returns how many."""
        return finish_index(self._base, progress)

    def pending_index(self) -> int:
        """How many documents are not in the full-text index yet."""
        return pending_count(self._base)

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[SearchHit]:
        """Full-text search over title, abstract, keywords and authors, in English and Chinese.

        Returns:
            Hits by rank; each snippet holds the matched words between `MATCH_START` and `MATCH_END`.
        """
        match = fts_query(query, strict=True)
        if not match:
            return []
        self.finish_index()
        try:
            cur = self.db.conn.execute(
                "SELECT d.id, d.key, d.year, d.title, d.title_alt, d.authors, documents_fts.rank AS rank, "
                f"snippet(documents_fts, -1, '{MATCH_START}', '{MATCH_END}', '…', 24) AS snippet "
                "FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid "
                "WHERE documents_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?",
                [match, limit, offset],
            )
            found = cur.fetchall()
        except sqlite3.OperationalError as exc:
            raise QuerySyntaxError(f"Cannot run the search {query!r} ({exc}). {_HOW}") from exc
        return [
            SearchHit(int(r[0]), r[1], r[2], r[3] or "", r[4] or "", json_list(r[5]), float(r[6]), unspace_cjk(r[7] or ""))
            for r in found
        ]

    def count_search(self, query: str) -> int:
        """Number of documents matching a search."""
        match = fts_query(query, strict=True)
        if not match:
            return 0
        self.finish_index()
        try:
            return int(self.db.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?", [match]).fetchone()[0])
        except sqlite3.OperationalError as exc:
            raise QuerySyntaxError(f"Cannot run the search {query!r} ({exc}). {_HOW}") from exc

    # -- pages with a coder's review status -------------------------------------------------
    def status_page(
        self,
        *,
        coder: str,
        codebook_id: int | None,
        offset: int = 0,
        limit: int = 100,
        filters: DocumentFilter | None = None,
    ) -> list[DocumentStatus]:
        """One page of documents (ordered by year, then id) with the coder's review status.

        Args:
            coder: whose undecided suggestions to count.
            codebook_id: the codebook version whose suggestions count.
            offset: rows to skip.
            limit: rows to return.
            filters: full text, years, code and status filters.
        """
        if filters is not None and filters.query.strip():
            self.finish_index()
        where, args = _status_filter(coder, codebook_id, filters or DocumentFilter())
        sql = (
            "SELECT d.id, d.year, d.authors, d.title, d.title_alt, "
            "(SELECT COUNT(*) FROM passages p CROSS JOIN suggestions s ON s.passage_id = p.id "
            f" AND s.codebook_id = ? AND {_SUGGESTED} WHERE p.document_id = d.id) AS suggested, "
            "(SELECT COUNT(*) FROM passages p CROSS JOIN suggestions s ON s.passage_id = p.id "
            f" AND s.codebook_id = ? AND {_SUGGESTED} WHERE p.document_id = d.id AND NOT EXISTS "
            " (SELECT 1 FROM codings c WHERE c.passage_id = s.passage_id AND c.codebook_id = s.codebook_id "
            "  AND c.code_id = s.code_id AND c.coder = ?)) AS pending, "
            "(SELECT COUNT(*) FROM passages p WHERE p.document_id = d.id) AS passages, "
            "(SELECT COUNT(*) FROM passages p CROSS JOIN passage_reviews r ON r.passage_id = p.id "
            " AND r.coder = ? AND r.codebook = (SELECT name FROM codebooks WHERE id = ?) "
            " WHERE p.document_id = d.id) AS done "
            f"FROM documents d{where} ORDER BY d.year, d.id LIMIT ? OFFSET ?"
        )
        out = []
        for id_, year, authors, title, title_alt, suggested, pending, passages, done in self.db.execute(
            sql, [codebook_id, codebook_id, coder, coder, codebook_id, *args, limit, offset]
        ):
            names = json_list(authors)
            out.append(
                DocumentStatus(
                    int(id_), year, str(names[0]) if names else "", title or title_alt or "",
                    int(suggested), int(pending), int(passages), int(done),
                )  # fmt: skip
            )
        return out

    def status_count(self, *, coder: str, codebook_id: int | None, filters: DocumentFilter | None = None) -> int:
        """How many documents match the filters of `status_page`."""
        if filters is not None and filters.query.strip():
            self.finish_index()
        where, args = _status_filter(coder, codebook_id, filters or DocumentFilter())
        return int(self.db.execute(f"SELECT COUNT(*) FROM documents d{where}", args).fetchone()[0])

    def status_position(
        self, document_id: int, *, coder: str, codebook_id: int | None, filters: DocumentFilter | None = None
    ) -> int:
        """The 0-based index of a document in the order of `status_page` (with the same filters)."""
        row = self.db.execute("SELECT year, id FROM documents WHERE id = ?", [document_id]).fetchone()
        if row is None:
            return 0
        where, args = _status_filter(coder, codebook_id, filters or DocumentFilter())
        cond = "(ifnull(d.year, -1000000), d.id) < (ifnull(?, -1000000), ?)"
        where = f"{where} AND {cond}" if where else f" WHERE {cond}"
        return int(self.db.execute(f"SELECT COUNT(*) FROM documents d{where}", [*args, *row]).fetchone()[0])


# Joins are written passages-first (CROSS JOIN fixes the order in SQLite): without statistics the
# planner would otherwise scan every suggestion of the codebook for each document.
_SUGGESTED = "s.score >= s.threshold"


def _status_filter(coder: str, codebook_id: int | None, f: DocumentFilter) -> tuple[str, list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if f.query.strip():
        match = fts_query(f.query)  # lenient: search-as-you-type drops a dangling AND/OR/NOT
        if match:
            where.append("d.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)")
            args.append(match)
    if f.assigned is not None:
        where.append(f"{'' if f.assigned else 'NOT '}EXISTS (SELECT 1 FROM assignments a WHERE a.document_id = d.id AND a.coder = ?)")
        args.append(coder)
    if f.document_ids is not None:
        where.append("d.id IN (SELECT value FROM json_each(?))")
        args.append(json.dumps(sorted(f.document_ids)))
    if f.year_min is not None:
        where.append("d.year >= ?")
        args.append(f.year_min)
    if f.year_max is not None:
        where.append("d.year <= ?")
        args.append(f.year_max)
    if f.code:
        where.append(
            "EXISTS (SELECT 1 FROM passages p CROSS JOIN suggestions s ON s.passage_id = p.id "
            f"WHERE p.document_id = d.id AND {_SUGGESTED} AND (s.code_id = ? OR s.code_id LIKE ?) "
            "UNION ALL SELECT 1 FROM passages p CROSS JOIN codings c ON c.passage_id = p.id "
            "WHERE p.document_id = d.id AND c.status = 'accepted' AND (c.code_id = ? OR c.code_id LIKE ?)"
            f"{' AND c.coder = ?' if f.mine_only else ''})"
        )
        args += [f.code, f.code + ".%", f.code, f.code + ".%", *([coder] if f.mine_only else [])]
    if f.status in ("pending", "done", "none"):
        pending = (
            "EXISTS (SELECT 1 FROM passages p CROSS JOIN suggestions s ON s.passage_id = p.id "
            f"AND s.codebook_id = ? AND {_SUGGESTED} WHERE p.document_id = d.id AND NOT EXISTS "
            "(SELECT 1 FROM codings c WHERE c.passage_id = s.passage_id AND c.codebook_id = s.codebook_id "
            "AND c.code_id = s.code_id AND c.coder = ?))"
        )
        any_sugg = (
            "EXISTS (SELECT 1 FROM passages p CROSS JOIN suggestions s ON s.passage_id = p.id "
            f"AND s.codebook_id = ? AND {_SUGGESTED} WHERE p.document_id = d.id)"
        )
        if f.status == "pending":
            where.append(pending)
            args += [codebook_id, coder]
        elif f.status == "done":
            where.append(f"{any_sugg} AND NOT {pending}")
            args += [codebook_id, codebook_id, coder]
        else:
            where.append(f"NOT {any_sugg}")
            args.append(codebook_id)
    return (" WHERE " + " AND ".join(where)) if where else "", args
