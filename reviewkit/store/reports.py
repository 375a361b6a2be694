"""Provides the read queries behind agreement figures, disagreement lists and exports.

Codings are read across every version of a codebook (same name): when the same coder decided the
same (passage, code) under two versions, the latest decision counts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

_LATEST = """
latest AS (
    SELECT * FROM (
        SELECT c.*, ROW_NUMBER() OVER (
            PARTITION BY c.passage_id, c.code_id, c.coder ORDER BY c.decided_at DESC, c.id DESC
        ) AS rn
        FROM codings c
        WHERE c.codebook_id IN (SELECT id FROM codebooks WHERE name = ?)
    ) WHERE rn = 1
)
"""

_DOC_JSON = ("authors", "authors_alt", "keywords")


def _rows(cursor: Any) -> list[dict[str, Any]]:
    cols = [d[0] for d in cursor.description]
    return [dict(zip(cols, row, strict=True)) for row in cursor]


def _json(text: Any, default: Any) -> Any:
    if not isinstance(text, str) or not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def _in(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


class ReportsMixin:
    """Read-only queries for agreement, disagreements, codings import and exports."""

    db: Any

    def report_codebook(self, name: str | None = None) -> dict[str, Any] | None:
        """The current codebook version (of `name`, else the newest current one): id, name, version.

        Returns:
            The ``codebooks`` row as a dict, or None when the project has no codebook.
        """
        sql, args = "SELECT id, name, version, is_current, loaded_at FROM codebooks", []
        if name:
            sql, args = sql + " WHERE name = ?", [name]
        rows = _rows(self.db.execute(sql + " ORDER BY is_current DESC, id DESC LIMIT 1", args))
        return rows[0] if rows else None

    def report_codes(self, codebook_id: int) -> list[dict[str, Any]]:
        """The codes of a codebook version in file order: code_id, parent, label, label_zh, definition, color."""
        return _rows(
            self.db.execute(
                "SELECT code_id, parent, position, label, label_zh, definition, include, exclude, color "
                "FROM codes WHERE codebook_id = ? ORDER BY position",
                [codebook_id],
            )
        )

    def report_coders(self, codebook_name: str) -> list[str]:
        """Every coder with a decision under a codebook (any version), sorted."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT DISTINCT coder FROM codings WHERE codebook_id IN "
                "(SELECT id FROM codebooks WHERE name = ?) ORDER BY coder",
                [codebook_name],
            )
        ]

    def decisions(self, codebook_name: str, coders: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """The latest decision per (passage, code, coder): passage_id, document_id, code_id, coder, status.

        Args:
            codebook_name: the codebook (all its versions).
            coders: only these coders (default all).
        """
        sql = (
            f"WITH {_LATEST} SELECT l.passage_id, p.document_id, l.code_id, l.coder, l.status "
            "FROM latest l JOIN passages p ON p.id = l.passage_id"
        )
        args: list[Any] = [codebook_name]
        if coders is not None:
            sql += f" WHERE l.coder IN ({_in(coders)})"
            args += list(coders)
        return _rows(self.db.execute(sql + " ORDER BY l.passage_id, l.code_id, l.coder", args))

    def suggested(self, codebook_id: int) -> list[tuple[int, int, str]]:
        """(passage_id, document_id, code_id) the tagger suggests (score >= threshold) under a version."""
        return [
            (int(p), int(d), str(c))
            for p, d, c in self.db.execute(
                "SELECT s.passage_id, p.document_id, s.code_id FROM suggestions s "
                "JOIN passages p ON p.id = s.passage_id WHERE s.codebook_id = ? AND s.score >= s.threshold",
                [codebook_id],
            )
        ]

    def long_rows(
        self,
        codebook_name: str,
        codebook_id: int,
        *,
        coders: Sequence[str] | None = None,
        status: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Codings joined with their document, passage, code label and suggestion (the long export).

        Args:
            codebook_name: the codebook (all versions).
            codebook_id: the current version (its labels are used).
            coders: only these coders (default all).
            status: only this status (default both).

        Yields:
            Dicts ordered by document, passage, code, coder; ``evidence`` decoded from JSON.
        """
        sql = (
            # (ORDER BY with an outer column inside this subquery trips SQLite 3.40: two lookups instead)
            f"WITH {_LATEST}, linked AS (SELECT l.*, COALESCE(l.suggestion_id, "
            "(SELECT x.id FROM suggestions x WHERE x.passage_id = l.passage_id AND x.code_id = l.code_id "
            "AND x.codebook_id = l.codebook_id), (SELECT MAX(x.id) FROM suggestions x "
            "WHERE x.passage_id = l.passage_id AND x.code_id = l.code_id)) AS sid FROM latest l) "
            "SELECT d.id AS document_id, d.key AS document_key, d.doi, d.year, d.title, "
            'p.id AS passage_id, p.field, p.seq, p.start, p."end", p.text AS passage_text, p.lang, '
            "l.code_id, COALESCE(k.label, k0.label, '') AS code_label, "
            "COALESCE(k.label_zh, k0.label_zh, '') AS code_label_zh, "
            "l.status, l.coder, l.origin, COALESCE(l.score, s.score) AS score, s.method, s.evidence, "
            "l.decided_at "
            "FROM linked l JOIN passages p ON p.id = l.passage_id JOIN documents d ON d.id = p.document_id "
            "LEFT JOIN codes k ON k.codebook_id = ? AND k.code_id = l.code_id "
            "LEFT JOIN codes k0 ON k0.codebook_id = l.codebook_id AND k0.code_id = l.code_id "
            "LEFT JOIN suggestions s ON s.id = l.sid"
        )
        args: list[Any] = [codebook_name, codebook_id]
        where = []
        if coders is not None:
            where.append(f"l.coder IN ({_in(coders)})")
            args += list(coders)
        if status is not None:
            where.append("l.status = ?")
            args.append(status)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY d.id, p.seq, p.start, l.code_id, l.coder"
        cur = self.db.conn.cursor()
        cur.execute(sql, args)
        cols = [c[0] for c in cur.description]
        for row in cur:
            item = dict(zip(cols, row, strict=True))
            item["evidence"] = _json(item["evidence"], None)
            yield item

    def export_documents(self, ids: Sequence[int] | None = None) -> Iterator[dict[str, Any]]:
        """Documents (all, or `ids`) in id order with their JSON list fields decoded; no raw record."""
        sql = (
            "SELECT id, key, doi, year, title, abstract, title_alt, abstract_alt, authors, authors_alt, "
            "journal, journal_alt, volume, issue, pages, type, language, language_alt, keywords, url "
            "FROM documents"
        )
        args: list[Any] = []
        if ids is not None:
            if not ids:
                return
            sql += f" WHERE id IN ({_in(ids)})"
            args = list(ids)
        cur = self.db.conn.cursor()
        cur.execute(sql + " ORDER BY id", args)
        cols = [c[0] for c in cur.description]
        for row in cur:
            item = dict(zip(cols, row, strict=True))
            for col in _DOC_JSON:
                item[col] = _json(item[col], [])
            yield item

    def document_years(self) -> dict[int, int | None]:
        """Every document's publication year (None when unknown)."""
        return {
            int(i): (None if y is None else int(y))
            for i, y in self.db.execute("SELECT id, year FROM documents")
        }

    def excluded_documents(self) -> set[int]:
        """Documents screened out: some coder excluded them and no coder included them."""
        return {
            int(r[0])
            for r in self.db.execute(
                "SELECT document_id FROM screening GROUP BY document_id "
                "HAVING SUM(decision = 'exclude') > 0 AND SUM(decision = 'include') = 0"
            )
        }

    def passages_info(self, passage_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """Passages by id with their document's key, title and year."""
        out: dict[int, dict[str, Any]] = {}
        ids = list(passage_ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            for row in _rows(
                self.db.execute(
                    'SELECT p.id AS passage_id, p.document_id, p.field, p.seq, p.start, p."end", p.text, '
                    "d.key AS document_key, d.title, d.year FROM passages p JOIN documents d ON d.id = p.document_id "
                    f"WHERE p.id IN ({_in(chunk)})",
                    chunk,
                )
            ):
                out[int(row["passage_id"])] = row
        return out

    def document_ids_by_key(self, keys: Sequence[str]) -> dict[str, int]:
        """Document ids of the given keys (keys that are absent are left out)."""
        out: dict[str, int] = {}
        ks = list(dict.fromkeys(keys))
        for i in range(0, len(ks), 500):
            chunk = ks[i : i + 500]
            for key, id_ in self.db.execute(
                f"SELECT key, id FROM documents WHERE key IN ({_in(chunk)})", chunk
            ):
                out[str(key)] = int(id_)
        return out

    def passages_of_documents(self, document_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Passages (id, document_id, field, seq, start, end, text) of some documents, in order."""
        out: list[dict[str, Any]] = []
        ids = list(dict.fromkeys(document_ids))
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            out += _rows(
                self.db.execute(
                    'SELECT id, document_id, field, seq, start, "end", text FROM passages '
                    f"WHERE document_id IN ({_in(chunk)}) ORDER BY document_id, seq, start",
                    chunk,
                )
            )
        return out

    def import_counts(self) -> dict[str, int]:
        """Records read, added and merged over every import run (for the methods report)."""
        row = self.db.execute(
            "SELECT COUNT(*), COALESCE(SUM(records), 0), COALESCE(SUM(added), 0), COALESCE(SUM(merged), 0), "
            "COALESCE(SUM(skipped), 0) FROM imports"
        ).fetchone()
        return {
            "imports": int(row[0]),
            "records": int(row[1]),
            "added": int(row[2]),
            "merged": int(row[3]),
            "skipped": int(row[4]),
            "documents": int(self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]),
            "passages": int(self.db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]),
        }
