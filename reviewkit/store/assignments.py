"""Provides `Assignments`: which documents each coder is to code (with the overlap sample for agreement)."""

from __future__ import annotations

import builtins
from collections.abc import Iterable

from reviewkit.records import Assignment
from reviewkit.store.base import Part, now


class Assignments(Part):
    """Document-to-coder assignments."""

    def add(self, document_ids: Iterable[int], coder: str, *, overlap: bool = False, seed: int | None = None) -> int:
        """Assign documents to a coder (existing assignments are replaced); returns how many were written."""
        stamp = now()
        rows = [(int(d), coder, int(overlap), seed, stamp) for d in document_ids]
        with self.transaction():
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO assignments (document_id, coder, overlap, seed, created_at) VALUES (?,?,?,?,?)",
                rows,
            )
        return len(rows)

    def list(self, coder: str | None = None, *, limit: int = 1000, offset: int = 0) -> list[Assignment]:
        """A page of assignments (of one coder), by document id."""
        sql, args = "SELECT document_id, coder, overlap, seed, created_at FROM assignments", []
        if coder is not None:
            sql, args = sql + " WHERE coder = ?", [coder]
        cur = self.db.execute(sql + " ORDER BY document_id, coder LIMIT ? OFFSET ?", [*args, limit, offset])
        return [Assignment(int(r[0]), r[1], bool(r[2]), r[3], r[4]) for r in cur]

    def coders_of(self, document_id: int) -> builtins.list[str]:
        """The coders a document is assigned to."""
        cur = self.db.execute("SELECT coder FROM assignments WHERE document_id = ? ORDER BY coder", [document_id])
        return [r[0] for r in cur]

    def count(self, coder: str | None = None) -> int:
        """How many assignments there are (of one coder)."""
        if coder is None:
            return int(self.db.execute("SELECT COUNT(*) FROM assignments").fetchone()[0])
        return int(self.db.execute("SELECT COUNT(*) FROM assignments WHERE coder = ?", [coder]).fetchone()[0])

    def delete(self, coder: str, document_ids: Iterable[int] | None = None) -> int:
        """Remove a coder's assignments (all, or of some documents); returns how many were removed."""
        with self.transaction():
            if document_ids is None:
                cur = self.db.execute("DELETE FROM assignments WHERE coder = ?", [coder])
                return int(cur.rowcount or 0)
            n = 0
            for d in document_ids:
                n += int(self.db.execute("DELETE FROM assignments WHERE coder = ? AND document_id = ?", [coder, int(d)]).rowcount or 0)
            return n
