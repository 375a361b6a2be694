"""Provides the reviewer-decision queries of the store: codings, screening, the audit log, undo/redo.

Every change is written together with its ``audit`` row in one transaction. Undo and redo are
computed from the audit log alone, so they survive restarts: the log of one actor is replayed as a
stack of steps (a step = the consecutive audit rows of one batch), where a ``decide``/``screen``
step pushes onto the done stack and clears the redo stack, ``undo`` moves the top done step to
the redo stack and ``redo`` moves it back.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from reviewkit.errors import StoreError
from reviewkit.store.base import dumps, now

STATUSES = ("accepted", "rejected")
SCREENING = ("include", "exclude", "maybe")
_CODING_COLS = ("status", "origin", "suggestion_id", "score", "created_at", "decided_at")


def new_batch(prefix: str = "b") -> str:
    """A fresh batch id for grouping audit rows into one undo step."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class CodingsMixin:
    """Codings, screening decisions and the audit log (with undo/redo)."""

    db: Any
    transaction: Any

    # ------------------------------------------------------------------ codings
    def set_decision(
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
        key = {
            "table": "codings",
            "passage_id": passage_id,
            "codebook_id": codebook_id,
            "code_id": code_id,
            "coder": coder,
        }
        with self.transaction():
            before = self._coding_state(key)
            if status is None:
                after = None
            else:
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
            self._apply_coding(key, after)
            self._audit_write(actor or coder, "decide", key, _public(before), after, batch or new_batch())
            return self._coding_id(key)

    def passage_codings(
        self, passage_ids: list[int], codebook_id: int | None = None, coder: str | None = None
    ) -> list[dict[str, Any]]:
        """The codings of some passages (all coders unless `coder`)."""
        if not passage_ids:
            return []
        marks = ",".join("?" * len(passage_ids))
        sql = f"SELECT * FROM codings WHERE passage_id IN ({marks})"
        args: list[Any] = list(passage_ids)
        if codebook_id is not None:
            sql += " AND codebook_id = ?"
            args.append(codebook_id)
        if coder is not None:
            sql += " AND coder = ?"
            args.append(coder)
        return _rows(self.db.execute(sql + " ORDER BY passage_id, code_id, coder", args))

    def decision_coders(self) -> list[str]:
        """Every coder with at least one decision, sorted."""
        return [r[0] for r in self.db.execute("SELECT DISTINCT coder FROM codings ORDER BY coder")]

    # ---------------------------------------------------------------- screening
    def set_screening(
        self, document_id: int, coder: str, decision: str | None, reason: str = "", *, batch: str = ""
    ) -> None:
        """Record (or remove, with None) a coder's screening decision on a document, audited.

        Raises:
            StoreError: unknown decision.
        """
        if decision is not None and decision not in SCREENING:
            raise StoreError(f"Unknown screening decision {decision!r}. Use one of: {', '.join(SCREENING)}.")
        key = {"table": "screening", "document_id": document_id, "coder": coder}
        with self.transaction():
            row = self.db.execute(
                "SELECT decision, reason, decided_at FROM screening WHERE document_id = ? AND coder = ?",
                [document_id, coder],
            ).fetchone()
            before = dict(zip(("decision", "reason", "decided_at"), row, strict=True)) if row else None
            after = (
                None if decision is None else {"decision": decision, "reason": reason, "decided_at": now()}
            )
            if before is None and after is None:
                return
            self._apply_screening(key, after)
            self._audit_write(coder, "screen", key, before, after, batch or new_batch())

    def screening_decisions(self, coder: str | None = None) -> list[dict[str, Any]]:
        """All screening decisions (of one coder when given)."""
        sql, args = "SELECT * FROM screening", []
        if coder is not None:
            sql, args = sql + " WHERE coder = ?", [coder]
        return _rows(self.db.execute(sql + " ORDER BY document_id, coder", args))

    # -------------------------------------------------------------- audit, undo
    def audit_log(self, coder: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """The latest audit rows, newest first, with JSON columns decoded."""
        sql, args = "SELECT * FROM audit", []
        if coder is not None:
            sql, args = sql + " WHERE coder = ?", [coder]
        rows = _rows(self.db.execute(sql + " ORDER BY id DESC LIMIT ?", [*args, limit]))
        for row in rows:
            for col in ("target", "before", "after"):
                row[col] = json.loads(row[col]) if row[col] else None
        return rows

    def undo(self, coder: str) -> dict[str, Any] | None:
        """Undo the coder's latest step that is not undone yet (a whole batch at once).

        Returns:
            ``{"action": "undo", "batch", "changes": [{"target", "before", "after"}...]}`` where
            before/after describe the state the undo moved from/to; None when nothing is left.
        """
        return self._undo_step(coder, "undo")

    def redo(self, coder: str) -> dict[str, Any] | None:
        """Redo the coder's latest undone step (None when the redo stack is empty)."""
        return self._undo_step(coder, "redo")

    def undo_state(self, coder: str) -> tuple[bool, bool]:
        """Whether the coder has something to undo, and something to redo."""
        done, redo = self._undo_stacks(coder)
        return bool(done), bool(redo)

    # ---------------------------------------------------------------- internals
    def _undo_step(self, coder: str, action: str) -> dict[str, Any] | None:
        with self.transaction():
            done, redo = self._undo_stacks(coder)
            stack = done if action == "undo" else redo
            if not stack:
                return None
            step = stack[-1]
            batch = new_batch(action)
            changes = []
            ordered = reversed(step) if action == "undo" else step
            for row in ordered:
                key = row["target"]
                want = row["before"] if action == "undo" else row["after"]
                current = self._undo_state_of(key)
                self._undo_apply(key, want)
                self._audit_write(coder, action, key, current, want, batch, undoes=row["id"])
                changes.append({"target": key, "before": current, "after": want})
            return {"action": action, "batch": batch, "changes": changes}

    def _undo_stacks(self, coder: str) -> tuple[list[list[dict[str, Any]]], list[list[dict[str, Any]]]]:
        """Replay the actor's audit log into (done, redo) stacks of steps."""
        done: list[list[dict[str, Any]]] = []
        redo: list[list[dict[str, Any]]] = []
        steps: list[tuple[str, list[dict[str, Any]]]] = []
        cur = self.db.execute(
            "SELECT id, action, target, before, after, batch FROM audit WHERE coder = ? ORDER BY id", [coder]
        )
        for id_, action, target, before, after, batch in cur:
            if action not in ("decide", "screen", "undo", "redo"):
                continue
            kind = "do" if action in ("decide", "screen") else action
            row = {"id": id_, "target": json.loads(target), "before": _load(before), "after": _load(after)}
            if steps and steps[-1][0] == f"{kind}:{batch}":
                steps[-1][1].append(row)
            else:
                steps.append((f"{kind}:{batch}", [row]))
        for label, rows in steps:
            kind = label.split(":", 1)[0]
            if kind == "do":
                done.append(rows)
                redo.clear()
            elif kind == "undo" and done:
                redo.append(done.pop())
            elif kind == "redo" and redo:
                done.append(redo.pop())
        return done, redo

    def _audit_write(
        self,
        coder: str,
        action: str,
        target: dict[str, Any],
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        batch: str,
        undoes: int | None = None,
    ) -> None:
        self.db.execute(
            "INSERT INTO audit (at, coder, action, target, before, after, batch, undoes) VALUES (?,?,?,?,?,?,?,?)",
            [now(), coder, action, dumps(target), _dump(before), _dump(after), batch, undoes],
        )

    def _undo_state_of(self, key: dict[str, Any]) -> dict[str, Any] | None:
        if key["table"] == "screening":
            row = self.db.execute(
                "SELECT decision, reason, decided_at FROM screening WHERE document_id = ? AND coder = ?",
                [key["document_id"], key["coder"]],
            ).fetchone()
            return dict(zip(("decision", "reason", "decided_at"), row, strict=True)) if row else None
        return _public(self._coding_state(key))

    def _undo_apply(self, key: dict[str, Any], state: dict[str, Any] | None) -> None:
        if key["table"] == "screening":
            self._apply_screening(key, state)
        else:
            self._apply_coding(key, state)

    def _coding_state(self, key: dict[str, Any]) -> dict[str, Any] | None:
        row = self.db.execute(
            f"SELECT id, {', '.join(_CODING_COLS)} FROM codings "
            "WHERE passage_id = ? AND codebook_id = ? AND code_id = ? AND coder = ?",
            [key["passage_id"], key["codebook_id"], key["code_id"], key["coder"]],
        ).fetchone()
        return dict(zip(("id", *_CODING_COLS), row, strict=True)) if row else None

    def _coding_id(self, key: dict[str, Any]) -> int | None:
        state = self._coding_state(key)
        return int(state["id"]) if state else None

    def _apply_coding(self, key: dict[str, Any], state: dict[str, Any] | None) -> None:
        where = [key["passage_id"], key["codebook_id"], key["code_id"], key["coder"]]
        if state is None:
            self.db.execute(
                "DELETE FROM codings WHERE passage_id = ? AND codebook_id = ? AND code_id = ? AND coder = ?",
                where,
            )
            return
        self.db.execute(
            f"INSERT INTO codings (passage_id, codebook_id, code_id, coder, {', '.join(_CODING_COLS)}) "
            "VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (passage_id, codebook_id, code_id, coder) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in _CODING_COLS),
            [*where, *(state.get(c) for c in _CODING_COLS)],
        )

    def _apply_screening(self, key: dict[str, Any], state: dict[str, Any] | None) -> None:
        if state is None:
            self.db.execute(
                "DELETE FROM screening WHERE document_id = ? AND coder = ?",
                [key["document_id"], key["coder"]],
            )
            return
        self.db.execute(
            "INSERT OR REPLACE INTO screening (document_id, coder, decision, reason, decided_at) VALUES (?,?,?,?,?)",
            [
                key["document_id"],
                key["coder"],
                state["decision"],
                state.get("reason", ""),
                state["decided_at"],
            ],
        )


def _public(state: dict[str, Any] | None) -> dict[str, Any] | None:
    """A codings state without its row id (ids change when a row is deleted and restored)."""
    if state is None:
        return None
    return {k: state[k] for k in _CODING_COLS}


def _dump(value: dict[str, Any] | None) -> str | None:
    return None if value is None else dumps(value)


def _load(text: str | None) -> dict[str, Any] | None:
    return json.loads(text) if text else None


def _rows(cursor: Any) -> list[dict[str, Any]]:
    cols = [d[0] for d in cursor.description]
    return [dict(zip(cols, row, strict=True)) for row in cursor]
