"""Provides `ProjectFacts`: facts about the project as a whole (blinding periods, screening stops, the registered validation).

They are kept as JSON in the ``meta`` table (no schema change); every change is written to the
audit log in the same transaction (actions ``blind``, ``screen_stop`` and ``validation``; not
undoable with `u`: blinding ends with `reviewkit blind end`, a stop with `reviewkit screen resume`,
a validation is replaced by registering another).
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Sequence
from dataclasses import asdict, replace
from typing import Any

from reviewkit.errors import StoreError
from reviewkit.records import BlindingPeriod, RegisteredValidation, ScreeningStop
from reviewkit.store.audit import Audit, new_batch
from reviewkit.store.base import Part, StoreBase, now

BLINDING = "blinding"
VALIDATION = "validation"
SCREENING_STOPS = "screening_stops"


class ProjectFacts(Part):
    """Blinding periods, screening stops and the registered validation of the tagger (audited)."""

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

    # ------------------------------------------------------------------ screening stops
    def screening_stops(self) -> builtins.list[ScreeningStop]:
        """Every screening stop recorded, oldest first (per stage, the last one may still be active)."""
        return [ScreeningStop(**r) for r in self._get(SCREENING_STOPS) or []]

    def active_stop(self, stage: str) -> ScreeningStop | None:
        """The stop in force at `stage` (None when screening there was not stopped or was resumed)."""
        found = [s for s in self.screening_stops() if s.stage == stage]
        return found[-1] if found and found[-1].active else None

    def stop_screening(self, stop: ScreeningStop) -> ScreeningStop:
        """Record `stop` (by its lead) with the current time as its `stopped_at`, audited.

        Raises:
            StoreError: screening at that stage is already stopped.
        """
        with self.transaction():
            active = self.active_stop(stop.stage)
            if active is not None:
                raise StoreError(
                    f"Screening at {stop.stage} is already stopped (since {active.stopped_at[:16]}, by {active.lead})."
                )
            stop = replace(stop, stopped_at=now())
            stops = [*self.screening_stops(), stop]
            self._put(SCREENING_STOPS, [asdict(s) for s in stops], stop.lead, "screen_stop")
        return stop

    def resume_screening(self, stage: str, lead: str) -> ScreeningStop:
        """Lift the stop in force at `stage`, by the lead reviewer `lead`, audited.

        Raises:
            StoreError: screening at that stage is not stopped.
        """
        with self.transaction():
            stops = self.screening_stops()
            index = next((i for i in range(len(stops) - 1, -1, -1) if stops[i].stage == stage), None)
            if index is None or not stops[index].active:
                raise StoreError(f"Screening at {stage} is not stopped; nothing to resume.")
            stops[index] = replace(stops[index], resumed_at=now(), resumed_by=lead)
            self._put(SCREENING_STOPS, [asdict(s) for s in stops], lead, "screen_stop")
        return stops[index]

    # ------------------------------------------------------------------ validation
    def validation(self) -> RegisteredValidation | None:
        """The registered validation of the tagger (None when none was registered)."""
        data = self._get(VALIDATION)
        return None if not data else RegisteredValidation(**data)

    def register_validation(self, found: RegisteredValidation, by: str) -> None:
        """Store `found` as the project's validation (replacing an earlier one), audited."""
        with self.transaction():
            self._put(VALIDATION, found.as_dict(), by, "validation")
