"""Provides `Memos`: notes coders write on passages, documents, codes or the project (audited, undoable)."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from reviewkit.errors import NotFoundError, StoreError
from reviewkit.records import Memo
from reviewkit.store.audit import Audit, State, new_batch
from reviewkit.store.base import Part, StoreBase, now

TARGET_KINDS = ("passage", "document", "code", "project")
_STATE = ("target_kind", "target", "coder", "text", "created_at", "updated_at", "deleted_at")


def _memo(r: Sequence[Any]) -> Memo:
    return Memo(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7])


class Memos(Part):
    """Memos; a deleted memo is kept with ``deleted_at`` set (undo brings it back)."""

    def __init__(self, base: StoreBase, audit: Audit) -> None:
        super().__init__(base)
        self._audit = audit
        audit.register("memos", self._state, self._apply)

    def add(self, target_kind: str, target: str, coder: str, text: str, *, batch: str = "") -> int:
        """Write a new memo; returns its id.

        Raises:
            StoreError: unknown target kind.
        """
        if target_kind not in TARGET_KINDS:
            raise StoreError(f"Unknown memo target {target_kind!r}. Use one of: {', '.join(TARGET_KINDS)}.")
        stamp = now()
        with self.transaction():
            cur = self.db.execute(
                "INSERT INTO memos (target_kind, target, coder, text, created_at, updated_at) VALUES (?,?,?,?,?,?)",
                [target_kind, str(target), coder, text, stamp, stamp],
            )
            memo_id = int(cur.lastrowid or 0)
            key: State = {"table": "memos", "id": memo_id}
            self._audit.write(coder, "memo", key, None, self._state(key), batch or new_batch())
        return memo_id

    def update(self, memo_id: int, text: str, coder: str) -> None:
        """Change a memo's text (audited as `coder`)."""
        self._change(memo_id, coder, text=text, updated_at=now())

    def delete(self, memo_id: int, coder: str) -> None:
        """Delete a memo (kept with ``deleted_at``; undo restores it)."""
        self._change(memo_id, coder, deleted_at=now())

    def get(self, memo_id: int) -> Memo | None:
        """One memo (deleted ones too)."""
        row = self.db.execute(f"SELECT id, {', '.join(_STATE)} FROM memos WHERE id = ?", [memo_id]).fetchone()
        return _memo(row) if row else None

    def list(
        self,
        target_kind: str | None = None,
        target: str | None = None,
        *,
        coder: str | None = None,
        deleted: bool = False,
    ) -> builtins.list[Memo]:
        """Memos, filtered, oldest first (deleted ones only when `deleted`)."""
        where, args = ([] if deleted else ["deleted_at IS NULL"]), []
        for col, val in (("target_kind", target_kind), ("target", target), ("coder", coder)):
            if val is not None:
                where.append(f"{col} = ?")
                args.append(str(val))
        sql = f"SELECT id, {', '.join(_STATE)} FROM memos" + (" WHERE " + " AND ".join(where) if where else "")
        return [_memo(r) for r in self.db.execute(sql + " ORDER BY id", args)]

    def count(self, target_kind: str | None = None) -> int:
        """How many memos (not deleted) there are (of one target kind)."""
        sql, args = "SELECT COUNT(*) FROM memos WHERE deleted_at IS NULL", []
        if target_kind is not None:
            sql, args = sql + " AND target_kind = ?", [target_kind]
        return int(self.db.execute(sql, args).fetchone()[0])

    def _change(self, memo_id: int, coder: str, **changes: Any) -> None:
        key: State = {"table": "memos", "id": memo_id}
        with self.transaction():
            before = self._state(key)
            if before is None:
                raise NotFoundError(f"No memo {memo_id}.")
            after = {**before, **changes}
            self._apply(key, after)
            self._audit.write(coder, "memo", key, before, after, new_batch())

    def _state(self, key: State) -> State | None:
        row = self.db.execute(f"SELECT {', '.join(_STATE)} FROM memos WHERE id = ?", [key["id"]]).fetchone()
        return dict(zip(_STATE, row, strict=True)) if row else None

    def _apply(self, key: State, state: State | None) -> None:
        if state is None:
            self.db.execute("DELETE FROM memos WHERE id = ?", [key["id"]])
            return
        self.db.execute(
            f"INSERT OR REPLACE INTO memos (id, {', '.join(_STATE)}) VALUES (?,?,?,?,?,?,?,?)",
            [key["id"], *(state.get(c) for c in _STATE)],
        )
