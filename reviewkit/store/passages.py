"""Provides the passage, suggestion, tagging-state and embedding-cache queries of the store."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import numpy as np

from reviewkit.records import Passage
from reviewkit.store.base import dumps, now

_SEG_FIELDS = "id, title, abstract, title_alt, abstract_alt"


def text_hash(text: str) -> str:
    """SHA-1 of a text (the key of passages and of the embedding cache)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class PassagesMixin:
    """Passages, tag runs, suggestions, tagging state and embeddings (owned by the tagger helper)."""

    db: Any

    if TYPE_CHECKING:  # provided by StoreBase

        def transaction(self) -> AbstractContextManager[Any]: ...

    # ----------------------------------------------------------------- passages
    def documents_for_segmenting(
        self,
        *,
        only_new: bool = True,
        document_ids: Sequence[int] | None = None,
        after_id: int = 0,
        limit: int = 500,
    ) -> list[dict[str, Any]]:
        """Documents to segment, ordered by id (a page of at most `limit`, after `after_id`).

        Args:
            only_new: only documents that have no passage yet.
            document_ids: restrict to these documents.
            after_id: paging cursor (last id of the previous page).
            limit: page size.

        Returns:
            Rows with id, title, abstract, title_alt, abstract_alt.
        """
        where = ["d.id > ?"]
        params: list[Any] = [after_id]
        if only_new:
            where.append("NOT EXISTS (SELECT 1 FROM passages p WHERE p.document_id = d.id)")
        if document_ids is not None:
            ids = [int(i) for i in document_ids]
            if not ids:
                return []
            where.append(f"d.id IN ({','.join('?' * len(ids))})")
            params += ids
        sql = f"SELECT {_SEG_FIELDS} FROM documents d WHERE {' AND '.join(where)} ORDER BY d.id LIMIT ?"
        cur = self.db.execute(sql, [*params, limit])
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def save_passages(self, document_id: int, passages: Sequence[Passage]) -> tuple[int, int]:
        """Make a document's passages equal to `passages`, idempotently.

        Passages with the same (field, start, end) keep their id (and their suggestions and codings);
        new ones are added; old ones that are gone are deleted unless a coder has coded them.

        Args:
            document_id: the document.
            passages: its passages in order (``seq`` is rewritten from their order).

        Returns:
            (added, removed).
        """
        with self.transaction():
            existing = {
                (f, s, e): pid
                for pid, f, s, e in self.db.execute(
                    'SELECT id, field, start, "end" FROM passages WHERE document_id = ?', [document_id]
                ).fetchall()
            }
            wanted = {(p.field, p.start, p.end) for p in passages}
            removed = 0
            for key, pid in existing.items():
                if key in wanted:
                    continue
                coded = self.db.execute(
                    "SELECT 1 FROM codings WHERE passage_id = ? LIMIT 1", [pid]
                ).fetchone()
                if not coded:
                    self.db.execute("DELETE FROM passages WHERE id = ?", [pid])
                    removed += 1
            added = 0
            for seq, p in enumerate(passages):
                key = (p.field, p.start, p.end)
                if key in existing:
                    self.db.execute("UPDATE passages SET seq = ? WHERE id = ?", [seq, existing[key]])
                    continue
                self.db.execute(
                    'INSERT INTO passages (document_id, field, seq, start, "end", text, lang, text_hash) '
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [document_id, p.field, seq, p.start, p.end, p.text, p.lang, text_hash(p.text)],
                )
                added += 1
        return added, removed

    def passages_of(self, document_ids: Iterable[int]) -> list[Passage]:
        """Passages of the given documents, ordered by document and seq."""
        ids = [int(i) for i in document_ids]
        out: list[Passage] = []
        for chunk in _chunks(ids):
            rows = self.db.execute(
                f'SELECT id, document_id, field, seq, start, "end", text, lang FROM passages '
                f"WHERE document_id IN ({','.join('?' * len(chunk))}) ORDER BY document_id, seq",
                list(chunk),
            ).fetchall()
            out += [Passage(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[0]) for r in rows]
        return out

    def count_passages(self) -> int:
        """Number of passages in the project."""
        return int(self.db.execute("SELECT count(*) FROM passages").fetchone()[0])

    # ------------------------------------------------------------- tagging state
    def documents_to_code(
        self, codebook_name: str, fingerprints: dict[str, str], *, after_id: int = 0, limit: int = 500
    ) -> list[tuple[int, set[str]]]:
        """Documents (with passages) whose tagging state for some code differs from `fingerprints`.

        Args:
            codebook_name: the codebook's name (state survives new versions of the codebook).
            fingerprints: code id -> fingerprint the state must have to be up to date.
            after_id: paging cursor.
            limit: page size.

        Returns:
            (document id, codes to (re)do) pairs ordered by document id.
        """
        if not fingerprints:
            return []
        values = ",".join("(?, ?)" for _ in fingerprints)
        params: list[Any] = [x for kv in fingerprints.items() for x in kv]
        sql = f"""
            WITH wanted(code_id, fingerprint) AS (VALUES {values})
            SELECT d.id, w.code_id FROM documents d CROSS JOIN wanted w
            WHERE d.id IN (
                SELECT DISTINCT document_id FROM passages WHERE document_id > ? ORDER BY document_id LIMIT ?
            )
            AND NOT EXISTS (
                SELECT 1 FROM tag_state t WHERE t.document_id = d.id AND t.codebook_name = ?
                AND t.code_id = w.code_id AND t.fingerprint = w.fingerprint
            )
            ORDER BY d.id
        """
        out: dict[int, set[str]] = {}
        cursor = after_id
        # Page over documents with passages until some work is found or none are left.
        while True:
            rows = self.db.execute(sql, [*params, cursor, limit, codebook_name]).fetchall()
            last = self.db.execute(
                "SELECT max(document_id) FROM (SELECT DISTINCT document_id FROM passages "
                "WHERE document_id > ? ORDER BY document_id LIMIT ?)",
                [cursor, limit],
            ).fetchone()[0]
            for doc_id, code_id in rows:
                out.setdefault(int(doc_id), set()).add(str(code_id))
            if out or last is None:
                break
            cursor = int(last)
        return sorted(out.items())

    def count_documents_to_code(self, codebook_name: str, fingerprints: dict[str, str]) -> tuple[int, int]:
        """(documents, passages) that need (re)coding for at least one code."""
        if not fingerprints:
            return 0, 0
        values = ",".join("(?, ?)" for _ in fingerprints)
        params: list[Any] = [x for kv in fingerprints.items() for x in kv]
        row = self.db.execute(
            f"""
            WITH wanted(code_id, fingerprint) AS (VALUES {values}),
            todo AS (
                SELECT DISTINCT p.document_id AS id FROM (SELECT DISTINCT document_id FROM passages) p
                CROSS JOIN wanted w
                WHERE NOT EXISTS (
                    SELECT 1 FROM tag_state t WHERE t.document_id = p.document_id AND t.codebook_name = ?
                    AND t.code_id = w.code_id AND t.fingerprint = w.fingerprint
                )
            )
            SELECT (SELECT count(*) FROM todo),
                   (SELECT count(*) FROM passages WHERE document_id IN (SELECT id FROM todo))
            """,
            [*params, codebook_name],
        ).fetchone()
        return int(row[0]), int(row[1])

    # ------------------------------------------------------------------ tag runs
    def start_tag_run(self, codebook_id: int, tagger_version: str, config: dict[str, Any], model: str) -> int:
        """Record the start of a tagger run; returns its id."""
        with self.transaction():
            cur = self.db.execute(
                "INSERT INTO tag_runs (codebook_id, tagger_version, config, model, started_at) VALUES (?, ?, ?, ?, ?)",
                [codebook_id, tagger_version, dumps(config), model, now()],
            )
            return int(cur.lastrowid)

    def finish_tag_run(self, run_id: int, *, documents: int, passages: int, suggestions: int) -> None:
        """Record the end of a run and its counts."""
        with self.transaction():
            self.db.execute(
                "UPDATE tag_runs SET finished_at = ?, documents = ?, passages = ?, suggestions = ? WHERE id = ?",
                [now(), documents, passages, suggestions, run_id],
            )

    def tag_runs(self) -> list[dict[str, Any]]:
        """All tagger runs, newest first."""
        cur = self.db.execute("SELECT * FROM tag_runs ORDER BY id DESC")
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    # --------------------------------------------------------------- suggestions
    def carry_over_suggestions(self, codebook_id: int, codebook_name: str, code_ids: Iterable[str]) -> int:
        """Move suggestions of earlier versions of a codebook to version `codebook_id` for unchanged codes.

        Returns:
            Number of suggestions moved.
        """
        ids = list(code_ids)
        if not ids:
            return 0
        with self.transaction():
            cur = self.db.execute(
                f"UPDATE OR IGNORE suggestions SET codebook_id = ? WHERE code_id IN ({','.join('?' * len(ids))}) "
                "AND codebook_id IN (SELECT id FROM codebooks WHERE name = ? AND id != ?)",
                [codebook_id, *ids, codebook_name, codebook_id],
            )
            return int(cur.rowcount or 0)

    def save_tag_results(
        self,
        *,
        run_id: int,
        codebook_id: int,
        codebook_name: str,
        todo: dict[int, set[str]],
        fingerprints: dict[str, str],
        rows: Sequence[dict[str, Any]],
    ) -> int:
        """Replace the suggestions of the (document, code) pairs in `todo` and mark them up to date.

        Args:
            run_id: the tagger run.
            codebook_id: the codebook version the suggestions belong to.
            codebook_name: its name (key of the tagging state).
            todo: document id -> codes that were (re)done.
            fingerprints: code id -> fingerprint to record.
            rows: suggestions: dicts with passage_id, document_id, code_id, score, threshold, method,
                evidence (dict), tagger_version.

        Returns:
            Number of suggestions written.
        """
        stamp = now()
        with self.transaction():
            for doc_id, codes in todo.items():
                marks = ",".join("?" * len(codes))
                self.db.execute(
                    f"DELETE FROM suggestions WHERE code_id IN ({marks}) "
                    "AND passage_id IN (SELECT id FROM passages WHERE document_id = ?) "
                    "AND codebook_id IN (SELECT id FROM codebooks WHERE name = ?)",
                    [*codes, doc_id, codebook_name],
                )
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO suggestions (passage_id, codebook_id, code_id, score, threshold, method, "
                "evidence, tagger_version, run_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        r["passage_id"],
                        codebook_id,
                        r["code_id"],
                        r["score"],
                        r["threshold"],
                        r["method"],
                        dumps(r["evidence"]),
                        r["tagger_version"],
                        run_id,
                        stamp,
                    )
                    for r in rows
                ],
            )
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO tag_state (document_id, codebook_name, code_id, fingerprint, run_id) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (doc, codebook_name, c, fingerprints[c], run_id)
                    for doc, codes in todo.items()
                    for c in codes
                ],
            )
        return len(rows)

    def suggestions_for(
        self, *, codebook_id: int | None = None, document_id: int | None = None, code_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Suggestions (with passage offsets), filtered; evidence stays a JSON string.

        Args:
            codebook_id: only this codebook version.
            document_id: only this document.
            code_id: only this code.

        Returns:
            Rows ordered by document, passage order and score (highest first).
        """
        where, params = ["1"], []
        for col, val in (
            ("s.codebook_id", codebook_id),
            ("p.document_id", document_id),
            ("s.code_id", code_id),
        ):
            if val is not None:
                where.append(f"{col} = ?")
                params.append(val)
        cur = self.db.execute(
            'SELECT s.*, p.document_id, p.field, p.seq, p.start, p."end", p.text AS passage_text '
            "FROM suggestions s JOIN passages p ON p.id = s.passage_id "
            f"WHERE {' AND '.join(where)} ORDER BY p.document_id, p.seq, s.score DESC",
            params,
        )
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    # ---------------------------------------------------------------- embeddings
    def cached_embeddings(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Cached vectors of `model` for the given text hashes (missing ones are absent)."""
        out: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(hashes))
        for chunk in _chunks(unique, 900):
            rows = self.db.execute(
                f"SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN ({','.join('?' * len(chunk))})",
                [model, *chunk],
            ).fetchall()
            for h, blob in rows:
                out[h] = np.frombuffer(blob, dtype=np.float32)
        return out

    def cache_embeddings(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        """Store vectors of `model` keyed by text hash (float32 blobs)."""
        if not vectors:
            return
        with self.transaction():
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO embeddings (model, text_hash, dim, vector) VALUES (?, ?, ?, ?)",
                [
                    (model, h, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes())
                    for h, v in vectors.items()
                ],
            )

    def count_embeddings(self, model: str | None = None) -> int:
        """Number of cached vectors (of one model, or all)."""
        if model is None:
            return int(self.db.execute("SELECT count(*) FROM embeddings").fetchone()[0])
        return int(self.db.execute("SELECT count(*) FROM embeddings WHERE model = ?", [model]).fetchone()[0])
