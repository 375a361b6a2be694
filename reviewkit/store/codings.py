"""Provides `Codings`: every query on coders' decisions (accept/reject a code on a passage).

Every change is written together with its ``audit`` row in one transaction (undo: `Audit`).
Across versions of a codebook (same name), the latest decision of a coder on (passage, code) counts.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Sequence
from typing import Any

from reviewkit.errors import StoreError
from reviewkit.records import Coding, CodingRow
from reviewkit.store.audit import Audit, State, new_batch
from reviewkit.store.base import Part, StoreBase, json_value, marks, now

STATUSES = ("accepted", "rejected")
_COLS = ("status", "origin", "suggestion_id", "score", "created_at", "decided_at")
_CODING = "c.id, c.passage_id, c.codebook_id, c.code_id, c.coder, c.status, c.origin, c.suggestion_id, c.score, c.created_at, c.decided_at, p.document_id"

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


def _coding(r: Sequence[Any]) -> Coding:
    return Coding(
        passage_id=int(r[1]), code_id=r[3], coder=r[4], status=r[5], origin=r[6] or "", decided_at=r[10] or "",
        id=int(r[0]), codebook_id=int(r[2]), suggestion_id=r[7], score=r[8], created_at=r[9] or "",
        document_id=int(r[11]),
    )  # fmt: skip


class Codings(Part):
    """Codings: one coder's decision on (passage, code) under a codebook version."""

    def __init__(self, base: StoreBase, audit: Audit) -> None:
        super().__init__(base)
        self._audit = audit
        audit.register("codings", lambda key: _public(self._state(key)), self._apply)

    def set(
        self,
        passage_id: int,
        code_id: str,
        coder: str,
        status: str | None,
        *,
        codebook_id: int,
        origin: str = "manual",
        suggestion_id: int | None = None,
        score: float | None = None,
        batch: str = "",
        actor: str | None = None,
    ) -> int | None:
        """Record (or remove) one coder's decision on (passage, code), with its audit row.

        Args:
            passage_id: the passage.
            code_id: the code id.
            coder: whose decision (``"consensus"`` for a final decision after disagreement).
            status: ``"accepted"``, ``"rejected"`` or None to remove the coder's decision.
            codebook_id: the codebook version the code belongs to.
            origin: ``"suggestion"``, ``"manual"``, ``"import"`` or ``"consensus"``.
            suggestion_id: the suggestion the decision answers, if any.
            score: the suggestion's score at the time of the decision.
            batch: groups several decisions into one undo step (a fresh one when empty).
            actor: who made the change, for the audit log and undo (default: `coder`).

        Returns:
            The id of the ``codings`` row, or None when the decision was removed.

        Raises:
            StoreError: unknown status.
        """
        if status is not None and status not in STATUSES:
            raise StoreError(f"Unknown decision status {status!r}. Use one of: accepted, rejected (or none).")
        key: State = {"table": "codings", "passage_id": passage_id, "codebook_id": codebook_id,
                      "code_id": code_id, "coder": coder}  # fmt: skip
        with self.transaction():
            before = self._state(key)
            after: State | None = None
            if status is not None:
                stamp = now()
                after = {
                    "status": status,
                    "origin": origin,
                    "suggestion_id": suggestion_id,
                    "score": score,
                    "created_at": before["created_at"] if before else stamp,
                    "decided_at": stamp,
                }
                if before and all(before[k] == after[k] for k in ("status", "origin", "suggestion_id")):
                    return int(before["id"])  # nothing changes: no audit row, no undo step
            if before is None and after is None:
                return None
            self._apply(key, after)
            self._audit.write(actor or coder, "decide", key, _public(before), after, batch or new_batch())
            state = self._state(key)
            return int(state["id"]) if state else None

    # ------------------------------------------------------------------ reading
    def for_passages(
        self, passage_ids: Sequence[int], codebook_id: int | None = None, coder: str | None = None
    ) -> builtins.list[Coding]:
        """The codings of some passages (all coders unless `coder`)."""
        if not passage_ids:
            return []
        sql = f"SELECT {_CODING} FROM codings c JOIN passages p ON p.id = c.passage_id WHERE c.passage_id IN ({marks(passage_ids)})"
        args: builtins.list[Any] = list(passage_ids)
        if codebook_id is not None:
            sql, args = sql + " AND c.codebook_id = ?", [*args, codebook_id]
        if coder is not None:
            sql, args = sql + " AND c.coder = ?", [*args, coder]
        return [_coding(r) for r in self.db.execute(sql + " ORDER BY c.passage_id, c.code_id, c.coder", args)]

    def of_document(self, document_id: int, codebook_id: int) -> builtins.list[Coding]:
        """Every coder's decisions on the passages of a document under a version."""
        cur = self.db.execute(
            f"SELECT {_CODING} FROM passages p CROSS JOIN codings c ON c.passage_id = p.id "
            "WHERE p.document_id = ? AND c.codebook_id = ? ORDER BY p.seq, c.code_id, c.coder",
            [document_id, codebook_id],
        )
        return [_coding(r) for r in cur]

    def exist_for_document(self, document_id: int) -> bool:
        """True when any coder decided on a passage of this document."""
        sql = "SELECT 1 FROM codings c JOIN passages p ON p.id = c.passage_id WHERE p.document_id = ? LIMIT 1"
        return self.db.execute(sql, [document_id]).fetchone() is not None

    def coded_fields(self, document_id: int) -> frozenset[str]:
        """The fields (title, abstract ...) of a document with any coder's decision on one of their passages."""
        sql = "SELECT DISTINCT p.field FROM passages p JOIN codings c ON c.passage_id = p.id WHERE p.document_id = ?"
        return frozenset(str(r[0]) for r in self.db.execute(sql, [document_id]))

    def coders(self, codebook_name: str | None = None) -> builtins.list[str]:
        """Every coder with a decision (under any version of `codebook_name` when given), sorted."""
        if codebook_name is None:
            return [r[0] for r in self.db.execute("SELECT DISTINCT coder FROM codings ORDER BY coder")]
        return [
            r[0]
            for r in self.db.execute(
                "SELECT DISTINCT coder FROM codings WHERE codebook_id IN "
                "(SELECT id FROM codebooks WHERE name = ?) ORDER BY coder",
                [codebook_name],
            )
        ]

    def latest(self, codebook_name: str, coders: Sequence[str] | None = None) -> builtins.list[Coding]:
        """The latest decision per (passage, code, coder) across the versions of a codebook."""
        sql = (
            f"WITH {_LATEST} SELECT c.id, c.passage_id, c.codebook_id, c.code_id, c.coder, c.status, c.origin, "
            "c.suggestion_id, c.score, c.created_at, c.decided_at, p.document_id "
            "FROM latest c JOIN passages p ON p.id = c.passage_id"
        )
        args: builtins.list[Any] = [codebook_name]
        if coders is not None:
            sql += f" WHERE c.coder IN ({marks(coders)})"
            args += list(coders)
        return [_coding(r) for r in self.db.execute(sql + " ORDER BY c.passage_id, c.code_id, c.coder", args)]

    def on_code(self, code_id: str, codebook_name: str) -> builtins.list[Coding]:
        """Every coder's latest decision on one code across the versions of a codebook (code retrieval)."""
        sql = (
            f"WITH {_LATEST} SELECT c.id, c.passage_id, c.codebook_id, c.code_id, c.coder, c.status, c.origin, "
            "c.suggestion_id, c.score, c.created_at, c.decided_at, p.document_id "
            "FROM latest c JOIN passages p ON p.id = c.passage_id WHERE c.code_id = ? ORDER BY c.passage_id, c.coder"
        )
        return [_coding(r) for r in self.db.execute(sql, [codebook_name, code_id])]

    def rows(
        self,
        codebook_name: str,
        codebook_id: int,
        *,
        coders: Sequence[str] | None = None,
        status: str | None = None,
    ) -> Iterator[CodingRow]:
        """The latest codings joined with their document, passage, code label and suggestion (the long format).

        Args:
            codebook_name: the codebook (all versions).
            codebook_id: the current version (its labels are used).
            coders: only these coders (default all).
            status: only this status (default both).

        Yields:
            Rows ordered by document, passage, code, coder (streamed).
        """
        sql = (
            # (ORDER BY with an outer column inside this subquery trips SQLite 3.40: two lookups instead)
            f"WITH {_LATEST}, linked AS (SELECT l.*, COALESCE(l.suggestion_id, "
            "(SELECT x.id FROM suggestions x WHERE x.passage_id = l.passage_id AND x.code_id = l.code_id "
            "AND x.codebook_id = l.codebook_id), (SELECT MAX(x.id) FROM suggestions x "
            "WHERE x.passage_id = l.passage_id AND x.code_id = l.code_id)) AS sid FROM latest l) "
            "SELECT d.id, d.key, d.doi, d.year, d.title, p.id, p.field, p.start, p.\"end\", p.text, "
            "l.code_id, COALESCE(k.label, k0.label, ''), l.status, l.coder, l.origin, "
            "COALESCE(l.score, s.score), s.method, s.evidence, l.decided_at "
            "FROM linked l JOIN passages p ON p.id = l.passage_id JOIN documents d ON d.id = p.document_id "
            "LEFT JOIN codes k ON k.codebook_id = ? AND k.code_id = l.code_id "
            "LEFT JOIN codes k0 ON k0.codebook_id = l.codebook_id AND k0.code_id = l.code_id "
            "LEFT JOIN suggestions s ON s.id = l.sid"
        )
        args: builtins.list[Any] = [codebook_name, codebook_id]
        where = []
        if coders is not None:
            where.append(f"l.coder IN ({marks(coders)})")
            args += list(coders)
        if status is not None:
            where.append("l.status = ?")
            args.append(status)
        if where:
            sql += " WHERE " + " AND ".join(where)
        cur = self.db.conn.cursor()
        cur.execute(sql + " ORDER BY d.id, p.seq, p.start, l.code_id, l.coder", args)
        for r in cur:
            yield CodingRow(
                document_id=int(r[0]), document_key=r[1], doi=r[2] or "", year=r[3], title=r[4] or "",
                passage_id=int(r[5]), field=r[6], start=int(r[7]), end=int(r[8]), passage_text=r[9],
                code_id=r[10], code_label=r[11] or "", status=r[12], coder=r[13], origin=r[14] or "",
                score=r[15], method=r[16] or "", evidence=json_value(r[17], None), decided_at=r[18] or "",
            )  # fmt: skip

    def documents_per_year(
        self, code_ids: Sequence[str], *, coder: str | None = None, codebook_id: int | None = None
    ) -> dict[int, int]:
        """Per year, how many documents some coder (or `coder`) accepted ANY of `code_ids` on."""
        if not code_ids:
            return {}
        sql = (
            "SELECT d.year, COUNT(DISTINCT d.id) FROM codings x JOIN passages p ON p.id = x.passage_id "
            f"JOIN documents d ON d.id = p.document_id WHERE x.code_id IN ({marks(code_ids)}) AND x.status = 'accepted'"
        )
        args: builtins.list[Any] = list(code_ids)
        if coder:
            sql, args = sql + " AND x.coder = ?", [*args, coder]
        if codebook_id is not None:
            sql, args = sql + " AND x.codebook_id = ?", [*args, codebook_id]
        sql += " AND d.year IS NOT NULL GROUP BY d.year"
        return {int(y): int(n) for y, n in self.db.execute(sql, args)}

    # ---------------------------------------------------------------- internals
    def _state(self, key: State) -> State | None:
        row = self.db.execute(
            f"SELECT id, {', '.join(_COLS)} FROM codings "
            "WHERE passage_id = ? AND codebook_id = ? AND code_id = ? AND coder = ?",
            [key["passage_id"], key["codebook_id"], key["code_id"], key["coder"]],
        ).fetchone()
        return dict(zip(("id", *_COLS), row, strict=True)) if row else None

    def _apply(self, key: State, state: State | None) -> None:
        where = [key["passage_id"], key["codebook_id"], key["code_id"], key["coder"]]
        if state is None:
            self.db.execute(
                "DELETE FROM codings WHERE passage_id = ? AND codebook_id = ? AND code_id = ? AND coder = ?", where
            )
            return
        self.db.execute(
            f"INSERT INTO codings (passage_id, codebook_id, code_id, coder, {', '.join(_COLS)}) "
            "VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (passage_id, codebook_id, code_id, coder) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in _COLS),
            [*where, *(state.get(c) for c in _COLS)],
        )


def _public(state: State | None) -> State | None:
    """A codings state without its row id (ids change when a row is deleted and restored)."""
    return None if state is None else {k: state[k] for k in _COLS}
