"""Provides the paged read queries behind the review app: document lists, review queue, counts, trends.

Nothing here loads a whole table: lists are read one page at a time (``LIMIT``/``OFFSET``) and
status counts are computed only for the rows of that page.
"""

from __future__ import annotations

import json
from typing import Any

from reviewkit.store.text import fts_query

# Joins are written passages-first (CROSS JOIN fixes the order in SQLite): without statistics the
# planner would otherwise scan every suggestion of the codebook for each document.

# Suggestions "made" by the tagger: stored candidates whose score reaches their threshold.
_SUGGESTED = "s.score >= s.threshold"


class BrowseMixin:
    """Paged document lists with review status, document detail, review queue, counts."""

    db: Any

    # ------------------------------------------------------------- documents
    def _browse_filter(
        self,
        *,
        coder: str,
        codebook_id: int | None,
        query: str = "",
        year_min: int | None = None,
        year_max: int | None = None,
        code: str = "",
        status: str = "",
    ) -> tuple[str, list[Any]]:
        where: list[str] = []
        args: list[Any] = []
        if query.strip():
            match = fts_query(query)
            if match:
                where.append("d.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)")
                args.append(match)
        if year_min is not None:
            where.append("d.year >= ?")
            args.append(year_min)
        if year_max is not None:
            where.append("d.year <= ?")
            args.append(year_max)
        if code:
            where.append(
                "EXISTS (SELECT 1 FROM passages p CROSS JOIN suggestions s ON s.passage_id = p.id "
                f"WHERE p.document_id = d.id AND {_SUGGESTED} AND (s.code_id = ? OR s.code_id LIKE ?) "
                "UNION ALL SELECT 1 FROM passages p CROSS JOIN codings c ON c.passage_id = p.id "
                "WHERE p.document_id = d.id AND c.status = 'accepted' AND (c.code_id = ? OR c.code_id LIKE ?))"
            )
            args += [code, code + ".%", code, code + ".%"]
        if status in ("pending", "done", "none"):
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
            if status == "pending":
                where.append(pending)
                args += [codebook_id, coder]
            elif status == "done":
                where.append(f"{any_sugg} AND NOT {pending}")
                args += [codebook_id, codebook_id, coder]
            else:
                where.append(f"NOT {any_sugg}")
                args.append(codebook_id)
        return (" WHERE " + " AND ".join(where)) if where else "", args

    def browse_documents(
        self,
        *,
        coder: str,
        codebook_id: int | None,
        offset: int = 0,
        limit: int = 100,
        **filters: Any,
    ) -> list[dict[str, Any]]:
        """One page of documents (ordered by year, then id) with the coder's review status.

        Args:
            coder: whose undecided suggestions to count.
            codebook_id: the codebook whose suggestions count.
            offset: rows to skip.
            limit: rows to return.
            **filters: ``query`` (full-text), ``year_min``, ``year_max``, ``code`` (id or group
                prefix) and ``status`` (``pending``, ``done`` or ``none``).

        Returns:
            Dicts with id, year, first_author, title, suggested and pending (undecided suggestions).
        """
        where, args = self._browse_filter(coder=coder, codebook_id=codebook_id, **filters)
        sql = (
            "SELECT d.id, d.year, d.authors, d.title, d.title_alt, "
            "(SELECT COUNT(*) FROM passages p CROSS JOIN suggestions s ON s.passage_id = p.id "
            f" AND s.codebook_id = ? AND {_SUGGESTED} WHERE p.document_id = d.id) AS suggested, "
            "(SELECT COUNT(*) FROM passages p CROSS JOIN suggestions s ON s.passage_id = p.id "
            f" AND s.codebook_id = ? AND {_SUGGESTED} WHERE p.document_id = d.id AND NOT EXISTS "
            " (SELECT 1 FROM codings c WHERE c.passage_id = s.passage_id AND c.codebook_id = s.codebook_id "
            "  AND c.code_id = s.code_id AND c.coder = ?)) AS pending "
            f"FROM documents d{where} ORDER BY d.year, d.id LIMIT ? OFFSET ?"
        )
        rows = []
        for id_, year, authors, title, title_alt, suggested, pending in self.db.execute(
            sql, [codebook_id, codebook_id, coder, *args, limit, offset]
        ):
            names = _json_list(authors)
            rows.append(
                {
                    "id": id_,
                    "year": year,
                    "first_author": names[0] if names else "",
                    "title": title or title_alt,
                    "suggested": suggested,
                    "pending": pending,
                }
            )
        return rows

    def browse_count(self, *, coder: str, codebook_id: int | None, **filters: Any) -> int:
        """How many documents match the filters of `documents_page`."""
        where, args = self._browse_filter(coder=coder, codebook_id=codebook_id, **filters)
        return int(self.db.execute(f"SELECT COUNT(*) FROM documents d{where}", args).fetchone()[0])

    def browse_position(
        self, document_id: int, *, coder: str, codebook_id: int | None, **filters: Any
    ) -> int:
        """The 0-based index of a document in the order of `browse_documents` (with the same filters)."""
        row = self.db.execute("SELECT year, id FROM documents WHERE id = ?", [document_id]).fetchone()
        if row is None:
            return 0
        where, args = self._browse_filter(coder=coder, codebook_id=codebook_id, **filters)
        cond = "(ifnull(d.year, -1000000), d.id) < (ifnull(?, -1000000), ?)"
        where = f"{where} AND {cond}" if where else f" WHERE {cond}"
        return int(self.db.execute(f"SELECT COUNT(*) FROM documents d{where}", [*args, *row]).fetchone()[0])

    def browse_document(self, document_id: int) -> dict[str, Any] | None:
        """One document with its JSON columns decoded (None when absent)."""
        cur = self.db.execute("SELECT * FROM documents WHERE id = ?", [document_id])
        row = cur.fetchone()
        if row is None:
            return None
        doc = dict(zip([d[0] for d in cur.description], row, strict=True))
        for col in ("authors", "authors_alt", "keywords"):
            doc[col] = _json_list(doc.get(col))
        doc.pop("raw", None)
        return doc

    def browse_passages(self, document_id: int) -> list[dict[str, Any]]:
        """The passages of a document in reading order."""
        return _rows(
            self.db.execute(
                'SELECT id, field, seq, start, "end", text, lang FROM passages WHERE document_id = ? ORDER BY seq, id',
                [document_id],
            )
        )

    def browse_passage_document(self, passage_id: int) -> int | None:
        """The id of the document a passage belongs to (None when there is no such passage)."""
        row = self.db.execute("SELECT document_id FROM passages WHERE id = ?", [passage_id]).fetchone()
        return int(row[0]) if row else None

    def browse_suggestions(self, document_id: int, codebook_id: int | None) -> list[dict[str, Any]]:
        """Every stored suggestion for the passages of a document (evidence decoded)."""
        rows = _rows(
            self.db.execute(
                "SELECT s.id, s.passage_id, s.code_id, s.score, s.threshold, s.method, s.evidence "
                "FROM passages p CROSS JOIN suggestions s ON s.passage_id = p.id "
                "WHERE p.document_id = ? AND s.codebook_id = ? ORDER BY p.seq, s.score DESC",
                [document_id, codebook_id],
            )
        )
        for row in rows:
            row["evidence"] = _json_obj(row["evidence"])
        return rows

    def browse_codings(self, document_id: int, codebook_id: int | None) -> list[dict[str, Any]]:
        """Every coder's decisions on the passages of a document."""
        return _rows(
            self.db.execute(
                "SELECT c.* FROM passages p CROSS JOIN codings c ON c.passage_id = p.id "
                "WHERE p.document_id = ? AND c.codebook_id = ? ORDER BY p.seq, c.code_id, c.coder",
                [document_id, codebook_id],
            )
        )

    # ----------------------------------------------------------------- queue
    def browse_queue(
        self, coder: str, codebook_id: int | None, limit: int = 100, offset: int = 0
    ) -> list[dict[str, Any]]:
        """Suggestions the coder has not decided yet, most uncertain (score nearest threshold) first.

        Includes near misses stored below their threshold: they are as uncertain as those just above.
        """
        rows = _rows(
            self.db.execute(
                "SELECT s.id, s.passage_id, s.code_id, s.score, s.threshold, s.method, s.evidence, "
                'p.document_id, p.field, p.seq, p.start, p."end", p.text, d.title, d.year '
                "FROM suggestions s JOIN passages p ON p.id = s.passage_id JOIN documents d ON d.id = p.document_id "
                "WHERE s.codebook_id = ? AND NOT EXISTS (SELECT 1 FROM codings c WHERE c.passage_id = s.passage_id "
                "AND c.codebook_id = s.codebook_id AND c.code_id = s.code_id AND c.coder = ?) "
                "ORDER BY abs(s.score - s.threshold), s.id LIMIT ? OFFSET ?",
                [codebook_id, coder, limit, offset],
            )
        )
        for row in rows:
            row["evidence"] = _json_obj(row["evidence"])
        return rows

    # ------------------------------------------------------------- codebooks
    def browse_codebook_id(self, name: str | None = None) -> int | None:
        """The id of the current codebook version (the newest loaded, or of `name`)."""
        sql, args = "SELECT id FROM codebooks", []
        if name:
            sql, args = sql + " WHERE name = ?", [name]
        row = self.db.execute(sql + " ORDER BY is_current DESC, id DESC LIMIT 1", args).fetchone()
        return int(row[0]) if row else None

    def browse_codebook_info(self, codebook_id: int) -> dict[str, Any] | None:
        """The ``codebooks`` row of a version."""
        return next(iter(_rows(self.db.execute("SELECT * FROM codebooks WHERE id = ?", [codebook_id]))), None)

    def browse_codes(self, codebook_id: int | None) -> list[dict[str, Any]]:
        """The codes of a codebook version in file order (JSON columns decoded)."""
        rows = _rows(
            self.db.execute("SELECT * FROM codes WHERE codebook_id = ? ORDER BY position", [codebook_id])
        )
        for row in rows:
            for col in ("keywords", "negative_keywords", "examples"):
                row[col] = _json_obj(row[col])
        return rows

    def browse_code_counts(self, codebook_id: int | None) -> dict[str, dict[str, int]]:
        """Per code: suggested (score >= threshold), accepted and rejected (decisions of all coders)."""
        counts: dict[str, dict[str, int]] = {}
        for code, n in self.db.execute(
            f"SELECT code_id, COUNT(*) FROM suggestions s WHERE codebook_id = ? AND {_SUGGESTED} GROUP BY code_id",
            [codebook_id],
        ):
            counts.setdefault(code, {"suggested": 0, "accepted": 0, "rejected": 0})["suggested"] = n
        for code, status, n in self.db.execute(
            "SELECT code_id, status, COUNT(*) FROM codings WHERE codebook_id = ? GROUP BY code_id, status",
            [codebook_id],
        ):
            counts.setdefault(code, {"suggested": 0, "accepted": 0, "rejected": 0})[status] = n
        return counts

    # ---------------------------------------------------------------- trends
    def trend_documents(self) -> dict[int, int]:
        """How many documents each publication year has (documents without a year are left out)."""
        return {
            int(y): int(n)
            for y, n in self.db.execute(
                "SELECT year, COUNT(*) FROM documents WHERE year IS NOT NULL GROUP BY year ORDER BY year"
            )
        }

    def trend_coded(
        self,
        code_ids: list[str],
        *,
        source: str = "accepted",
        coder: str | None = None,
        codebook_id: int | None = None,
    ) -> dict[int, int]:
        """Per year, how many documents carry ANY of `code_ids` (each document counted once).

        Args:
            code_ids: leaf code ids (a group is the union of its leaves).
            source: ``accepted`` (a coder accepted it on some passage) or ``suggested`` (score >= threshold).
            coder: only this coder's decisions (accepted source; default any coder).
            codebook_id: only this codebook version (default any; suggested should name one).
        """
        if not code_ids:
            return {}
        marks = ",".join("?" * len(code_ids))
        args: list[Any] = list(code_ids)
        if source == "suggested":
            sql = (
                "SELECT d.year, COUNT(DISTINCT d.id) FROM suggestions x JOIN passages p ON p.id = x.passage_id "
                f"JOIN documents d ON d.id = p.document_id WHERE x.code_id IN ({marks}) AND x.score >= x.threshold"
            )
        else:
            sql = (
                "SELECT d.year, COUNT(DISTINCT d.id) FROM codings x JOIN passages p ON p.id = x.passage_id "
                f"JOIN documents d ON d.id = p.document_id WHERE x.code_id IN ({marks}) AND x.status = 'accepted'"
            )
            if coder:
                sql += " AND x.coder = ?"
                args.append(coder)
        if codebook_id is not None:
            sql += " AND x.codebook_id = ?"
            args.append(codebook_id)
        sql += " AND d.year IS NOT NULL GROUP BY d.year"
        return {int(y): int(n) for y, n in self.db.execute(sql, args)}


def _json_list(text: Any) -> list[Any]:
    try:
        value = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return [text] if text else []
    return list(value) if isinstance(value, list) else []


def _json_obj(text: Any) -> dict[str, Any]:
    try:
        value = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _rows(cursor: Any) -> list[dict[str, Any]]:
    cols = [d[0] for d in cursor.description]
    return [dict(zip(cols, row, strict=True)) for row in cursor]
