"""Provides blinding as a fact of the project: start, end, who is blind, and the gate the CLI passes through.

Rules (one place each):

- **Blind** means a blinding period is active (`reviewkit blind start [--coders a,b]`) and the
  person asking is one of its coders (every coder when none was listed). The person asking is
  the CLI's coder name ($REVIEWKIT_CODER, else the login name) or the review app's ``--coder``.
- While blind, anything that shows another coder's decisions (disagreements, agreement, exports,
  trends over consensus/any/another coder, others' progress, screening conflicts, status and
  final decisions) is refused by `require_unblinded`, unless a lead reviewer is named
  (``--lead NAME``, who must not be a blinded coder). `reviewkit review` opens blind.
- **Ending** takes a lead reviewer's name (`reviewkit blind end --lead NAME`); start and end are
  recorded with their time and written to the audit log.
- The methods report states blinding when a period was recorded (`was_blind`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewkit.errors import ReviewkitError
from reviewkit.records import BlindingPeriod

if TYPE_CHECKING:
    from reviewkit.store import Store


class BlindError(ReviewkitError):
    """A command would show a blind coder another coder's decisions."""


def current(store: Store) -> BlindingPeriod | None:
    """The active blinding period (None when the project is not blind)."""
    periods = store.facts.blinding()
    return periods[-1] if periods and periods[-1].active else None


def periods(store: Store) -> list[BlindingPeriod]:
    """Every blinding period recorded, oldest first."""
    return store.facts.blinding()


def was_blind(store: Store) -> bool:
    """Whether the coders worked under a recorded blinding period (the report's "blind")."""
    return bool(store.facts.blinding())


def start(store: Store, coders: list[str], by: str) -> BlindingPeriod:
    """Start blinding for `coders` (empty: every coder); `by` is who started it.

    Raises:
        ReviewkitError: already blind, or the coder name ``consensus`` among the coders.
    """
    if "consensus" in coders:
        raise ReviewkitError("'consensus' holds the adjudicated decisions; it cannot be a blinded coder.")
    return store.facts.start_blinding([c for c in dict.fromkeys(coders) if c], by)


def end(store: Store, lead: str) -> BlindingPeriod:
    """End blinding; `lead` is the lead reviewer who unblinds the team.

    Raises:
        ReviewkitError: not blind, no lead name, or the lead is one of the blinded coders.
    """
    period = current(store)
    if period is not None:
        _check_lead(period, lead)
    return store.facts.end_blinding(lead)


def is_blind(store: Store, coder: str) -> bool:
    """Whether `coder` is blinded now."""
    period = current(store)
    return period is not None and period.covers(coder)


def _check_lead(period: BlindingPeriod, lead: str) -> None:
    if not lead.strip():
        raise ReviewkitError("Name the lead reviewer (--lead NAME).")
    if lead == "consensus" or (period.coders and lead in period.coders):
        raise ReviewkitError(
            f"{lead} is one of the blinded coders ({', '.join(period.coders)}); the lead reviewer must be someone else."
        )


def require_unblinded(store: Store, what: str, coder: str, lead: str | None = None) -> None:
    """Refuse `what` when `coder` is blind and no lead reviewer is named.

    Args:
        store: the project.
        what: what the command would show ("the disagreements", "agreement figures" ...).
        coder: who is asking (the CLI's coder name).
        lead: the lead reviewer named with ``--lead`` (lifts the refusal).

    Raises:
        BlindError: one line saying what is refused and how to proceed.
        ReviewkitError: the lead named is one of the blinded coders.
    """
    period = current(store)
    if period is None:
        return
    if lead is not None:
        _check_lead(period, lead)
        return
    if not period.covers(coder):
        return
    raise BlindError(
        f"The project is blind since {period.started_at[:10]} (reviewkit blind start) and {coder} is a blinded "
        f"coder: {what} would show other coders' decisions. A lead reviewer may pass --lead NAME, "
        f"or end blinding with `reviewkit blind end --lead NAME`."
    )
