"""Provides the stopping aid: figures that help a reviewer decide when to stop screening (never enforced).

- ``since_last_inclusion``: records screened since the last inclusion (all of them if none yet).
- ``estimated_relevant_left``: the expected number of relevant records among the unscreened ones,
  the sum of the model's prior-corrected probabilities over them (`Learner.probability`). The
  records screened so far were picked for being likely relevant, so the training set holds more
  inclusions than the collection; the estimate leans high early on and tightens as screening goes.
- the heuristic: stop once ``max(minimum, fraction × total)`` records in a row were excluded
  (by default 5 % of the collection, at least 50), the "data-driven" rule ASReview's documentation
  describes. ``heuristic_met`` says whether that point is reached.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class StoppingAid:
    """Where screening stands, for the progress line and `screen status`."""

    total: int
    """Records in the collection."""
    screened: int
    """Records with a decision."""
    included: int
    """Records included so far."""
    since_last_inclusion: int
    """Records screened after the last inclusion."""
    estimated_relevant_left: float | None
    """Expected relevant records among the unscreened (None before the model is trained)."""
    heuristic_run: int
    """Consecutive exclusions after which the heuristic suggests stopping."""
    heuristic_met: bool
    """Whether `since_last_inclusion` has reached `heuristic_run` (with at least one inclusion)."""


def heuristic_run(total: int, *, fraction: float = 0.05, minimum: int = 50) -> int:
    """The number of consecutive exclusions after which the heuristic suggests stopping.

    Args:
        total: records in the collection.
        fraction: share of the collection.
        minimum: floor, so a small collection is not given up after a handful.

    Returns:
        ``max(minimum, ceil(fraction × total))``, at most `total`.
    """
    return min(total, max(minimum, math.ceil(fraction * total)))


def stopping_aid(
    decisions: Sequence[bool],
    total: int,
    estimated_relevant_left: float | None = None,
    *,
    fraction: float = 0.05,
    minimum: int = 50,
) -> StoppingAid:
    """Compute the stopping aid from the decisions in the order they were made.

    Args:
        decisions: True for an inclusion, False for an exclusion, oldest first.
        total: records in the collection.
        estimated_relevant_left: the model's expected relevant count among unscreened records.
        fraction: see `heuristic_run`.
        minimum: see `heuristic_run`.

    Returns:
        The `StoppingAid`.
    """
    included = sum(1 for d in decisions if d)
    since = 0
    for d in reversed(decisions):
        if d:
            break
        since += 1
    run = heuristic_run(total, fraction=fraction, minimum=minimum)
    return StoppingAid(
        total=total,
        screened=len(decisions),
        included=included,
        since_last_inclusion=since,
        estimated_relevant_left=estimated_relevant_left,
        heuristic_run=run,
        heuristic_met=included > 0 and since >= run,
    )
