"""Provides `Passages`: every query on the passages documents are cut into."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from json import dumps
from typing import Any

from reviewkit.records import Document, Passage, PassageContext
from reviewkit.store.base import Part, marks
from reviewkit.store.documents import _COLS, _document
from reviewkit.store.retrieval import CodedPassages

_PASSAGE = 'id, document_id, field, seq, start, "end", text, lang'


def text_hash(text: str) -> str:
    """SHA-1 of a text (the key of passages and of the embedding cache)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    """`items` in slices of at most `size` (SQLite limits the parameters of one statement)."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def passage(r: Sequence[Any]) -> Passage:
    """A `Passage` from a row in `_PASSAGE` column order."""
    return Passage(int(r[1]), r[2], int(r[3]), int(r[4]), int(r[5]), r[6], r[7] or "", int(r[0]))


class Passages(CodedPassages, Part):
    """Passages (sentences of a document's fields, the unit of coding); `coded_page` is code retrieval."""

    def documents_to_segment(
        self,
        *,
        only_new: bool = True,
        document_ids: Sequence[int] | None = None,
        after_id: int = 0,
        limit: int = 500,
    ) -> list[Document]:
        """Documents to segment, ordered by id (a page of at most `limit`, after `after_id`).

        Args:
            only_new: only documents that have no passage yet.
            document_ids: restrict to these documents.
            after_id: paging cursor (last id of the previous page).
            limit: page size.
        """
        where = ["id > ?"]
        params: list[Any] = [after_id]
        if only_new:
            where.append("NOT EXISTS (SELECT 1 FROM passages p WHERE p.document_id = documents.id)")
        if document_ids is not None:
            ids = [int(i) for i in document_ids]
            if not ids:
                return []
            where.append(f"id IN ({marks(ids)})")
            params += ids
        sql = f"SELECT {_COLS} FROM documents WHERE {' AND '.join(where)} ORDER BY id LIMIT ?"
        return [_document(r) for r in self.db.execute(sql, [*params, limit]).fetchall()]

    def count_documents_to_segment(self, only_new: bool) -> int:
        """How many documents `documents_to_segment` would page through (all of them, or those without passages)."""
        sql = "SELECT count(*) FROM documents d"
        if only_new:
            sql += " WHERE NOT EXISTS (SELECT 1 FROM passages p WHERE p.document_id = d.id)"
        return int(self.db.execute(sql).fetchone()[0])

    def save(self, document_id: int, passages: Sequence[Passage]) -> tuple[int, int]:
        """Make a document's passages equal to `passages`, idempotently.

        Passages with the same (field, start, end) keep their id (and their suggestions and codings);
        new ones are added; old ones that are gone are deleted unless a coder has coded them.

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
                coded = self.db.execute("SELECT 1 FROM codings WHERE passage_id = ? LIMIT 1", [pid]).fetchone()
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

    def of_documents(self, document_ids: Iterable[int]) -> list[Passage]:
        """Passages of the given documents, ordered by document and seq."""
        ids = list(dict.fromkeys(int(i) for i in document_ids))
        out: list[Passage] = []
        for chunk in chunks(ids):
            cur = self.db.execute(
                f"SELECT {_PASSAGE} FROM passages WHERE document_id IN ({marks(chunk)}) ORDER BY document_id, seq, start",
                list(chunk),
            )
            out += [passage(r) for r in cur]
        return out

    def of_document(self, document_id: int) -> list[Passage]:
        """The passages of one document in reading order."""
        return self.of_documents([document_id])

    def get(self, passage_id: int) -> Passage | None:
        """One passage (None when there is no such passage)."""
        row = self.db.execute(f"SELECT {_PASSAGE} FROM passages WHERE id = ?", [passage_id]).fetchone()
        return passage(row) if row else None

    def with_context(self, passage_ids: Sequence[int]) -> dict[int, PassageContext]:
        """Passages by id with their document's key, title and year."""
        out: dict[int, PassageContext] = {}
        for chunk in chunks(list(passage_ids)):
            cur = self.db.execute(
                'SELECT p.id, p.document_id, p.field, p.seq, p.start, p."end", p.text, p.lang, d.key, d.title, d.year '
                f"FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.id IN ({marks(chunk)})",
                list(chunk),
            )
            for r in cur:
                out[int(r[0])] = PassageContext(passage(r[:8]), r[8], r[9] or "", r[10])
        return out

    def ids_by_document(self, document_ids: Iterable[int] | None = None) -> dict[int, list[int]]:
        """Document id -> the ids of its passages (documents without passages too).

        Args:
            document_ids: only these documents (ids not in the project are left out); None: every
                document of the project.
        """
        if document_ids is None:
            out: dict[int, list[int]] = {int(r[0]): [] for r in self.db.execute("SELECT id FROM documents")}
            rows = self.db.execute("SELECT document_id, id FROM passages ORDER BY document_id, seq, start")
        else:
            wanted = dumps(sorted(set(document_ids)))
            out = {
                int(r[0]): []
                for r in self.db.execute("SELECT id FROM documents WHERE id IN (SELECT value FROM json_each(?))", [wanted])
            }
            rows = self.db.execute(
                "SELECT document_id, id FROM passages WHERE document_id IN (SELECT value FROM json_each(?)) "
                "ORDER BY document_id, seq, start",
                [wanted],
            )
        for doc, pid in rows:
            out.setdefault(int(doc), []).append(int(pid))
        return out

    def count(self) -> int:
        """Number of passages in the project."""
        return int(self.db.execute("SELECT count(*) FROM passages").fetchone()[0])
