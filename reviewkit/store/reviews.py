"""Provides `Reviews`: passages a coder marked reviewed ("done") under a codebook (audited, undoable)."""

from __future__ import annotations

import builtins
import json

from reviewkit.records import PassageReview
from reviewkit.store.audit import Audit, State, new_batch
from reviewkit.store.base import Part, StoreBase, now


class Reviews(Part):
    """Passage reviews: one row per (passage, coder, codebook name) once the coder is done with it."""

    def __init__(self, base: StoreBase, audit: Audit) -> None:
        super().__init__(base)
        self._audit = audit
        audit.register("passage_reviews", self._state, self._apply)

    def mark(self, passage_id: int, coder: str, codebook: str, reviewed: bool = True, *, batch: str = "") -> None:
        """Mark (or with reviewed=False unmark) a passage reviewed by a coder under a codebook name."""
        key: State = {"table": "passage_reviews", "passage_id": passage_id, "coder": coder, "codebook": codebook}
        with self.transaction():
            before = self._state(key)
            after = {"reviewed_at": now()} if reviewed else None
            if (before is None) == (after is None):
                return
            self._apply(key, after)
            self._audit.write(coder, "review", key, before, after, batch or new_batch())

    def list(self, coder: str, codebook: str, *, document_id: int | None = None) -> builtins.list[PassageReview]:
        """The passages a coder marked reviewed under a codebook (of one document when given)."""
        sql = "SELECT r.passage_id, r.coder, r.codebook, r.reviewed_at FROM passage_reviews r"
        args: list[object] = [coder, codebook]
        if document_id is not None:
            sql += " JOIN passages p ON p.id = r.passage_id AND p.document_id = ?"
            args.insert(0, document_id)
        cur = self.db.execute(sql + " WHERE r.coder = ? AND r.codebook = ? ORDER BY r.passage_id", args)
        return [PassageReview(int(r[0]), r[1], r[2], r[3]) for r in cur]

    def all(self, codebook: str) -> builtins.list[tuple[int, int, str]]:
        """(passage id, document id, coder) of every done mark under a codebook name, all coders."""
        cur = self.db.execute(
            "SELECT r.passage_id, p.document_id, r.coder FROM passage_reviews r "
            "JOIN passages p ON p.id = r.passage_id WHERE r.codebook = ? ORDER BY r.passage_id, r.coder",
            [codebook],
        )
        return [(int(r[0]), int(r[1]), str(r[2])) for r in cur]

    def of_documents(self, document_ids: builtins.list[int], codebook: str) -> builtins.list[tuple[int, int, str]]:
        """(passage id, document id, coder) of every coder's done marks on some documents under a codebook name."""
        cur = self.db.execute(
            "SELECT r.passage_id, p.document_id, r.coder FROM passage_reviews r JOIN passages p ON p.id = r.passage_id "
            "WHERE r.codebook = ? AND p.document_id IN (SELECT value FROM json_each(?)) ORDER BY r.passage_id, r.coder",
            [codebook, json.dumps([int(d) for d in document_ids])],
        )
        return [(int(r[0]), int(r[1]), str(r[2])) for r in cur]

    def is_reviewed(self, passage_id: int, coder: str, codebook: str) -> bool:
        """Whether the coder marked the passage reviewed."""
        return self._state({"passage_id": passage_id, "coder": coder, "codebook": codebook}) is not None

    def count(self, coder: str, codebook: str) -> int:
        """How many passages the coder marked reviewed under a codebook."""
        row = self.db.execute(
            "SELECT COUNT(*) FROM passage_reviews WHERE coder = ? AND codebook = ?", [coder, codebook]
        ).fetchone()
        return int(row[0])

    def _state(self, key: State) -> State | None:
        row = self.db.execute(
            "SELECT reviewed_at FROM passage_reviews WHERE passage_id = ? AND coder = ? AND codebook = ?",
            [key["passage_id"], key["coder"], key["codebook"]],
        ).fetchone()
        return {"reviewed_at": row[0]} if row else None

    def _apply(self, key: State, state: State | None) -> None:
        where = [key["passage_id"], key["coder"], key["codebook"]]
        if state is None:
            self.db.execute("DELETE FROM passage_reviews WHERE passage_id = ? AND coder = ? AND codebook = ?", where)
            return
        self.db.execute(
            "INSERT OR REPLACE INTO passage_reviews (passage_id, coder, codebook, reviewed_at) VALUES (?,?,?,?)",
            [*where, state["reviewed_at"]],
        )
