"""Provides per-coder progress figures: what each coder reviewed and decided, and the time spent (pure).

Rules (`progress`):

- **Reviewed** documents and passages follow `reviewkit.analysis.review_state` (a passage is
  reviewed when the coder marked it done; a document when every passage is).
- **Decisions** partition into ``accepted`` (accepted codes that came from a suggestion or an
  import), ``added`` (accepted codes the coder added by hand: origin ``manual``) and ``rejected``;
  ``decisions = accepted + added + rejected``. Only the current decision per (passage, code)
  counts (the last row given wins): a changed mind is one decision.
- **Time spent** is the sum of the gaps between a coder's consecutive audit events (every change
  they made: decisions, done marks, undo, memos...), each gap capped at ``cap`` seconds (default
  300 s = 5 minutes), so a break or a night away adds at most 5 minutes. ``sessions`` counts the
  runs of events separated by gaps longer than the cap (a coder's first event opens a session). The
  time before a session's first event (reading the first passage) is not seen and not counted.
- Timestamps are ISO 8601 strings (the audit log's ``at``) or datetimes; one without a time zone is
  taken as UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from reviewkit.analysis.review_state import ACCEPTED, ReviewState
from reviewkit.errors import ReviewkitError

GAP_CAP_SECONDS = 300.0
"""The longest gap between two events of a coder counted as work (5 minutes)."""

FIELDS = (
    "coder",
    "documents_reviewed",
    "documents_assigned",
    "passages_reviewed",
    "decisions",
    "accepted",
    "added",
    "rejected",
    "seconds",
    "sessions",
)


@dataclass(frozen=True)
class AuditEvent:
    """One audit-log entry: who changed something, and when."""

    coder: str
    at: datetime | str
    """ISO 8601 timestamp (or a datetime); naive means UTC."""


@dataclass(frozen=True)
class CoderProgress:
    """Progress of one coder (see the module docstring for each rule)."""

    coder: str
    documents_reviewed: int
    documents_assigned: int | None
    """Documents assigned to the coder; None when the project has no assignments."""
    passages_reviewed: int
    decisions: int
    accepted: int
    added: int
    rejected: int
    seconds: float
    """Time spent: capped gaps between consecutive audit events."""
    sessions: int

    def as_dict(self) -> dict[str, Any]:
        """The row as a plain dict (keys in `FIELDS` order)."""
        return asdict(self)

    @property
    def duration(self) -> str:
        """`seconds` in words: ``"1 h 05 min"``, ``"12 min"``, ``"0 min"``."""
        return format_duration(self.seconds)


def format_duration(seconds: float) -> str:
    """Seconds as ``"2 h 05 min"`` or ``"12 min"`` (rounded to the minute)."""
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def parse_time(value: datetime | str) -> datetime:
    """An aware datetime from an ISO 8601 string or datetime (naive = UTC).

    Raises:
        ReviewkitError: a string that is not an ISO 8601 timestamp.
    """
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ReviewkitError(f"Audit timestamp {value!r} is not an ISO 8601 date and time.") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def time_spent(times: Iterable[datetime | str], cap: float = GAP_CAP_SECONDS) -> tuple[float, int]:
    """Work time from event timestamps: the sum of consecutive gaps, each capped at `cap` seconds.

    Args:
        times: one coder's event timestamps, in any order.
        cap: the longest gap counted; a longer gap counts as `cap` and starts a new session.

    Returns:
        (seconds, sessions); (0.0, 0) without events.

    Raises:
        ReviewkitError: a negative cap or an unreadable timestamp.
    """
    if cap < 0:
        raise ReviewkitError(f"The gap cap must be 0 seconds or more (got {cap}).")
    ordered = sorted(parse_time(t) for t in times)
    if not ordered:
        return 0.0, 0
    total, sessions = 0.0, 1
    for before, after in zip(ordered, ordered[1:], strict=False):
        gap = (after - before).total_seconds()
        if gap > cap:
            sessions += 1
        total += min(gap, cap)
    return total, sessions


def progress(
    state: ReviewState,
    events: Iterable[AuditEvent] = (),
    coders: Sequence[str] | None = None,
    cap: float = GAP_CAP_SECONDS,
) -> list[CoderProgress]:
    """Per-coder progress figures.

    Args:
        state: decisions, done marks and assignments (`ReviewState`).
        events: the audit log's (coder, timestamp) rows.
        coders: the coders to report, in this order (default: every coder seen in `state` or
            `events`, sorted; the consensus coder included, as adjudication is work too).
        cap: the longest gap between two events counted as work, in seconds.

    Returns:
        One `CoderProgress` per coder.

    Raises:
        ReviewkitError: a negative cap or an unreadable timestamp.
    """
    times: dict[str, list[datetime | str]] = {}
    for e in events:
        times.setdefault(e.coder, []).append(e.at)
    names = list(coders) if coders is not None else sorted(set(state.coders) | set(times))
    out = []
    for coder in names:
        mine = list({(x.passage_id, x.code_id): x for x in state.decisions if x.coder == coder}.values())
        accepted = [x for x in mine if x.status == ACCEPTED]
        added = sum(1 for x in accepted if x.origin == "manual")
        seconds, sessions = time_spent(times.get(coder, ()), cap)
        assigned = sum(1 for cs in state.assignments.values() if coder in cs) if state.assignments else None
        out.append(
            CoderProgress(
                coder=coder,
                documents_reviewed=len(state.reviewed_by(coder)),
                documents_assigned=assigned,
                passages_reviewed=len(state.passages_done(coder)),
                decisions=len(mine),
                accepted=len(accepted) - added,
                added=added,
                rejected=len(mine) - len(accepted),
                seconds=seconds,
                sessions=sessions,
            )
        )
    return out
