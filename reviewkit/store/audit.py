"""Provides `Audit`: the append-only audit log of every decision a person makes, and undo/redo over it.

Undo and redo are computed from the audit log alone, so they survive restarts: the log of one actor
is replayed as a stack of steps (a step = the consecutive audit rows of one batch), where a decision
step (``decide``, ``screen``, ``memo``, ``review``) pushes onto the done stack and clears the redo
stack, ``undo`` moves the top done step to the redo stack and ``redo`` moves it back. Each part that
writes audited rows registers how to read and restore the state of one of its rows (`register`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from reviewkit.records import AuditEntry, Change, UndoStep
from reviewkit.store.base import Part, StoreBase, dumps, now

DECISIONS = ("decide", "screen", "memo", "review")
"""Audit actions that are undoable steps."""

State = dict[str, Any]
StateOf = Callable[[State], State | None]
Apply = Callable[[State, State | None], None]


def new_batch(prefix: str = "b") -> str:
    """A fresh batch id for grouping audit rows into one undo step."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class Audit(Part):
    """The audit log, and undo/redo of a coder's steps."""

    def __init__(self, base: StoreBase) -> None:
        super().__init__(base)
        self._tables: dict[str, tuple[StateOf, Apply]] = {}

    def register(self, table: str, state_of: StateOf, apply: Apply) -> None:
        """Declare how to read (`state_of(target)`) and restore (`apply(target, state)`) a row of `table`."""
        self._tables[table] = (state_of, apply)

    def write(
        self,
        actor: str,
        action: str,
        target: State,
        before: State | None,
        after: State | None,
        batch: str,
        undoes: int | None = None,
    ) -> None:
        """Append one audit row (inside the caller's transaction)."""
        self.db.execute(
            "INSERT INTO audit (at, coder, action, target, before, after, batch, undoes) VALUES (?,?,?,?,?,?,?,?)",
            [now(), actor, action, dumps(target), _dump(before), _dump(after), batch, undoes],
        )

    def log(self, coder: str | None = None, limit: int = 100) -> list[AuditEntry]:
        """The latest audit rows, newest first."""
        sql, args = "SELECT id, at, coder, action, target, before, after, batch, undoes FROM audit", []
        if coder is not None:
            sql, args = sql + " WHERE coder = ?", [coder]
        cur = self.db.execute(sql + " ORDER BY id DESC LIMIT ?", [*args, limit])
        return [
            AuditEntry(int(r[0]), r[1], r[2], r[3], _load(r[4]) or {}, _load(r[5]), _load(r[6]), r[7] or "", r[8])
            for r in cur
        ]

    def times(self) -> list[tuple[str, str]]:
        """(coder, timestamp) of every audit row, oldest first (the input of time-spent figures)."""
        return [(str(r[0]), str(r[1])) for r in self.db.execute("SELECT coder, at FROM audit ORDER BY id")]

    def undo(self, coder: str) -> UndoStep | None:
        """Undo the coder's latest step that is not undone yet (a whole batch at once); None when nothing is left."""
        return self._step(coder, "undo")

    def redo(self, coder: str) -> UndoStep | None:
        """Redo the coder's latest undone step (None when the redo stack is empty)."""
        return self._step(coder, "redo")

    def state(self, coder: str) -> tuple[bool, bool]:
        """Whether the coder has something to undo, and something to redo."""
        done, redo = self._stacks(coder)
        return bool(done), bool(redo)

    def _step(self, coder: str, action: str) -> UndoStep | None:
        with self.transaction():
            done, redo = self._stacks(coder)
            stack = done if action == "undo" else redo
            if not stack:
                return None
            step = stack[-1]
            batch = new_batch(action)
            changes = []
            for row in reversed(step) if action == "undo" else step:
                key = row["target"]
                want = row["before"] if action == "undo" else row["after"]
                state_of, apply = self._tables[key["table"]]
                current = state_of(key)
                apply(key, want)
                self.write(coder, action, key, current, want, batch, undoes=row["id"])
                changes.append(Change(key, current, want))
            return UndoStep(action, batch, tuple(changes))

    def _stacks(self, coder: str) -> tuple[list[list[State]], list[list[State]]]:
        """Replay the actor's audit log into (done, redo) stacks of steps."""
        done: list[list[State]] = []
        redo: list[list[State]] = []
        steps: list[tuple[str, list[State]]] = []
        cur = self.db.execute(
            "SELECT id, action, target, before, after, batch FROM audit WHERE coder = ? ORDER BY id", [coder]
        )
        for id_, action, target, before, after, batch in cur:
            if action not in DECISIONS and action not in ("undo", "redo"):
                continue
            kind = "do" if action in DECISIONS else action
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


def _dump(value: State | None) -> str | None:
    return None if value is None else dumps(value)


def _load(text: str | None) -> State | None:
    if not text:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else None
