"""Provides `ProjectFacts`: facts about the project as a whole (blinding periods, the registered validation).

They are kept as JSON in the ``meta`` table (no schema change); every change is written to the
audit log in the same transaction (actions ``blind`` and ``validation``; not undoable with `u`:
blinding ends with `reviewkit blind end`, a validation is replaced by registering another).
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Sequence
from dataclasses import asdict, replace
from typing import Any

from reviewkit.errors import StoreError
from reviewkit.records import BlindingPeriod, RegisteredValidation
from reviewkit.store.audit import Audit, new_batch
from reviewkit.store.base import Part, StoreBase, now

BLINDING = "blinding"
VALIDATION = "validation"


class ProjectFacts(Part):
    """Blinding periods and the registered validation of the tagger (audited)."""

    def __init__(self, base: StoreBase, audit: Audit) -> None:
        super().__init__(base)
        self._audit = audit

    def _get(self, key: str) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def _put(self, key: str, value: Any, actor: str, action: str) -> None:
        """Write `value` under `key` and audit it (inside the caller's transaction)."""
        before = self._get(key)
        self.db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [key, json.dumps(value, ensure_ascii=False)]
        )
        self._audit.write(
            actor, action, {"table": "meta", "key": key}, {"value": before}, {"value": value}, new_batch(action)
        )

    # ------------------------------------------------------------------ blinding
    def blinding(self) -> builtins.list[BlindingPeriod]:
        """Every blinding period, oldest first (the last one may still be active)."""
        rows = self._get(BLINDING) or []
        return [BlindingPeriod(**{**r, "coders": tuple(r.get("coders", ()))}) for r in rows]

    def start_blinding(self, coders: Sequence[str], by: str) -> BlindingPeriod:
        """Start a blinding period for `coders` (empty: every coder).

        Raises:
            StoreError: a period is already active.
        """
        with self.transaction():
            periods = self.blinding()
            if periods and periods[-1].active:
                raise StoreError(f"Blinding is already on (since {periods[-1].started_at[:16]}).")
            period = BlindingPeriod(tuple(coders), now(), by)
            self._put(BLINDING, [asdict(p) for p in [*periods, period]], by, "blind")
        return period

    def end_blinding(self, lead: str) -> BlindingPeriod:
        """End the active blinding period, by the lead reviewer `lead`.

        Raises:
            StoreError: no period is active.
        """
        with self.transaction():
            periods = self.blinding()
            if not periods or not periods[-1].active:
                raise StoreError("Blinding is not on; nothing to end.")
            periods[-1] = replace(periods[-1], ended_at=now(), ended_by=lead)
            self._put(BLINDING, [asdict(p) for p in periods], lead, "blind")
        return periods[-1]

    # ------------------------------------------------------------------ validation
    def validation(self) -> RegisteredValidation | None:
        """The registered validation of the tagger (None when none was registered)."""
        data = self._get(VALIDATION)
        return None if not data else RegisteredValidation(**data)

    def register_validation(self, found: RegisteredValidation, by: str) -> None:
        """Store `found` as the project's validation (replacing an earlier one), audited."""
        with self.transaction():
            self._put(VALIDATION, found.as_dict(), by, "validation")
