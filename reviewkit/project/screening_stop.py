"""Provides the explicit, audited stop of a screening stage (`reviewkit screen stop|resume`).

Rules (one place each):

- The stopping aid is shown, never enforced; stopping is a lead reviewer's act, recorded with its
  time, the lead, a note, and the aid's figures at that moment (`ScreeningStop`), audited
  (action ``screen_stop``). `resume` lifts it, audited too.
- Only the title/abstract stage can be stopped: PRISMA 2020 counts the records left unscreened
  there as "Records marked as ineligible by automation tools" (removed before screening). It has
  no box for reports left unassessed at full text.
- The records left unscreened are counted live (`unscreened`): no final decision and no pending
  maybe or conflict. Decisions made after the stop reduce them; maybe and conflicts stay pending
  and still keep the PRISMA figure from being drawn.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from reviewkit.errors import ReviewkitError
from reviewkit.project.screening import CONSENSUS, TA, counts, final_decisions
from reviewkit.records import ScreeningStop

if TYPE_CHECKING:
    from reviewkit.store import Store


def rule_text(run: int) -> str:
    """The stopping heuristic in words, e.g. "stop after 50 consecutive exclusions following an inclusion ..."."""
    return f"stop after {run} consecutive exclusions following an inclusion, the larger of 50 and 5 % of the records"


def current(store: Store, stage: str = TA) -> ScreeningStop | None:
    """The stop in force at `stage` (None: screening there was not stopped, or was resumed)."""
    return store.facts.active_stop(stage)


def unscreened(store: Store, stage: str = TA) -> int:
    """Records of `stage` with no decision at all (not screened; maybe and conflicts are pending, not counted)."""
    final, conflicting = final_decisions(store, stage)
    return counts(store, stage=stage).total - len(final) - len(conflicting)


def ineligible_by_automation(store: Store) -> int:
    """PRISMA's "Records marked as ineligible by automation tools": the unscreened records once stopped, else 0."""
    return unscreened(store, TA) if current(store, TA) is not None else 0


def _main_reviewer(store: Store, stage: str) -> str | None:
    mine = Counter(d.coder for d in store.screening.list(stage=stage) if d.coder != CONSENSUS)
    return min(mine, key=lambda c: (-mine[c], c)) if mine else None


def stop(
    store: Store, lead: str, *, stage: str = TA, note: str = "", coder: str | None = None
) -> ScreeningStop:
    """Record that screening at `stage` stopped, by the lead reviewer `lead` (audited).

    Args:
        store: the project.
        lead: the lead reviewer who stops screening.
        stage: only ``title_abstract`` (see the module docstring).
        note: why (free text, kept with the stop).
        coder: the reviewer whose stopping aid is recorded (default: the one with the most
            decisions at the stage).

    Raises:
        ReviewkitError: no lead name, the full-text stage, nothing screened yet, or already stopped.
    """
    from reviewkit.project.screening_rank import stopping

    if not lead.strip():
        raise ReviewkitError("Name the lead reviewer who stops screening (--lead NAME).")
    if stage != TA:
        raise ReviewkitError(
            f"Only title/abstract screening can be stopped early; at {stage} every report is assessed "
            f"(PRISMA 2020 has no box for reports left unassessed)."
        )
    who = coder or _main_reviewer(store, stage)
    if who is None:
        raise ReviewkitError(f"No screening decision at {stage} yet; there is nothing to stop.")
    if current(store, stage) is not None:
        found = current(store, stage)
        assert found is not None
        raise ReviewkitError(
            f"Screening at {stage} is already stopped (since {found.stopped_at[:16]}, by {found.lead}); "
            f"`reviewkit screen resume --lead NAME` lifts it."
        )
    base = counts(store, stage=stage)
    aid = stopping(store, who, stage=stage)
    return store.facts.stop_screening(
        ScreeningStop(
            stage=stage, stopped_at="", lead=lead, coder=who, total=base.total, screened=base.screened,
            included=base.included, since_last_inclusion=aid.since_last_inclusion,
            estimated_relevant_left=aid.estimated_relevant_left, heuristic_run=aid.heuristic_run,
            heuristic_met=aid.heuristic_met, rule=rule_text(aid.heuristic_run), note=note,
        )
    )  # fmt: skip


def resume(store: Store, lead: str, *, stage: str = TA) -> ScreeningStop:
    """Lift the stop at `stage` (audited); the unscreened records are pending again.

    Raises:
        ReviewkitError: no lead name, or screening at `stage` is not stopped.
    """
    if not lead.strip():
        raise ReviewkitError("Name the lead reviewer who resumes screening (--lead NAME).")
    return store.facts.resume_screening(stage, lead)


def stop_line(found: ScreeningStop, left: int) -> str:
    """One line for `screen status`: when, by whom, at what figures, and the records left unscreened."""
    estimate = "n/a" if found.estimated_relevant_left is None else f"{found.estimated_relevant_left:.1f}"
    return (
        f"stopped: {found.stopped_at[:16]} by {found.lead} after {found.screened} of {found.total} records "
        f"({found.coder}: {found.since_last_inclusion} since the last inclusion, estimate left {estimate}, "
        f"heuristic {'reached' if found.heuristic_met else 'not reached'}); {left} record(s) not screened, "
        f"counted as marked ineligible by automation tools"
    )
