"""Provides `Screening`: coders' include/exclude decisions on documents per stage, and the screening protocol."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from reviewkit.errors import StoreError
from reviewkit.records import ScreeningDecision, ScreeningProtocol
from reviewkit.store.audit import Audit, State, new_batch
from reviewkit.store.base import Part, StoreBase, dumps, json_list, now

STAGES = ("title_abstract", "full_text")
DECISIONS = {"title_abstract": ("include", "exclude", "maybe"), "full_text": ("include", "exclude", "maybe", "not_retrieved")}
_STATE = ("decision", "reason", "note", "decided_at")


class Screening(Part):
    """Screening decisions (one per document, coder and stage; audited, undoable) and the protocol."""

    def __init__(self, base: StoreBase, audit: Audit) -> None:
        super().__init__(base)
        self._audit = audit
        audit.register("screening", self._state, self._apply)

    def set(
        self,
        document_id: int,
        coder: str,
        decision: str | None,
        reason: str = "",
        *,
        stage: str = "title_abstract",
        note: str = "",
        batch: str = "",
    ) -> None:
        """Record (or remove, with None) a coder's screening decision on a document at a stage, audited.

        Raises:
            StoreError: unknown stage or decision.
        """
        if stage not in STAGES:
            raise StoreError(f"Unknown screening stage {stage!r}. Use one of: {', '.join(STAGES)}.")
        if decision is not None and decision not in DECISIONS[stage]:
            raise StoreError(
                f"Unknown screening decision {decision!r} at stage {stage}. Use one of: {', '.join(DECISIONS[stage])}."
            )
        key: State = {"table": "screening", "document_id": document_id, "coder": coder, "stage": stage}
        with self.transaction():
            before = self._state(key)
            after = None if decision is None else {"decision": decision, "reason": reason, "note": note, "decided_at": now()}
            if before is None and after is None:
                return
            self._apply(key, after)
            self._audit.write(coder, "screen", key, before, after, batch or new_batch())

    def get(self, document_id: int, coder: str, stage: str = "title_abstract") -> ScreeningDecision | None:
        """One coder's decision on a document at a stage."""
        found = self.list(coder=coder, stage=stage, document_ids=[document_id])
        return found[0] if found else None

    def list(
        self, coder: str | None = None, *, stage: str | None = None, document_ids: Sequence[int] | None = None
    ) -> list[ScreeningDecision]:
        """Screening decisions, filtered, ordered by document, coder and stage."""
        sql = "SELECT document_id, coder, stage, decision, reason, note, decided_at FROM screening"
        args: builtins.list[Any] = []
        where: builtins.list[str] = []
        for col, val in (("coder", coder), ("stage", stage)):
            if val is not None:
                where.append(f"{col} = ?")
                args.append(val)
        if document_ids is not None:
            where.append(f"document_id IN ({','.join('?' * len(document_ids))})")
            args += [*document_ids]
        if where:
            sql += " WHERE " + " AND ".join(where)
        cur = self.db.execute(sql + " ORDER BY document_id, coder, stage", args)
        return [ScreeningDecision(int(r[0]), r[1], r[2], r[3], r[4] or "", r[5] or "", r[6]) for r in cur]

    def counts(self, stage: str = "title_abstract") -> dict[str, int]:
        """Decisions per kind (include, exclude, ...) at a stage, over every coder."""
        return {
            str(d): int(n)
            for d, n in self.db.execute("SELECT decision, COUNT(*) FROM screening WHERE stage = ? GROUP BY decision", [stage])
        }

    def excluded(self) -> builtins.set[int]:
        """Documents screened out: some coder excluded them (at any stage) and no coder included them at that stage."""
        return {
            int(r[0])
            for r in self.db.execute(
                "SELECT document_id FROM screening GROUP BY document_id, stage "
                "HAVING SUM(decision = 'exclude') > 0 AND SUM(decision = 'include') = 0"
            )
        }

    # ------------------------------------------------------------------ protocol
    def set_protocol(self, criteria: str, reasons: Sequence[str], source: str = "") -> None:
        """Store the screening criteria, the exclusion reasons and the YAML they came from."""
        with self.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO screening_protocol (id, criteria, reasons, source, updated_at) VALUES (1, ?, ?, ?, ?)",
                [criteria, dumps(list(reasons)), source, now()],
            )

    def protocol(self) -> ScreeningProtocol | None:
        """The project's screening protocol, if one was set."""
        r = self.db.execute("SELECT criteria, reasons, source, updated_at FROM screening_protocol WHERE id = 1").fetchone()
        return None if r is None else ScreeningProtocol(r[0], tuple(str(x) for x in json_list(r[1])), r[2], r[3])

    # ---------------------------------------------------------------- internals
    def _state(self, key: State) -> State | None:
        row = self.db.execute(
            f"SELECT {', '.join(_STATE)} FROM screening WHERE document_id = ? AND coder = ? AND stage = ?",
            [key["document_id"], key["coder"], key.get("stage", "title_abstract")],
        ).fetchone()
        return dict(zip(_STATE, row, strict=True)) if row else None

    def _apply(self, key: State, state: State | None) -> None:
        where: list[Any] = [key["document_id"], key["coder"], key.get("stage", "title_abstract")]
        if state is None:
            self.db.execute("DELETE FROM screening WHERE document_id = ? AND coder = ? AND stage = ?", where)
            return
        self.db.execute(
            "INSERT OR REPLACE INTO screening (document_id, coder, stage, decision, reason, note, decided_at) "
            "VALUES (?,?,?,?,?,?,?)",
            [*where, state["decision"], state.get("reason", ""), state.get("note", ""), state["decided_at"]],
        )
