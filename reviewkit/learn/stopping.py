"""Provides the stopping aid: figures that help a reviewer decide when to stop screening (never enforced).

- ``since_last_inclusion``: records screened since the last inclusion (all of them if none yet).
- ``estimated_relevant_left``: the expected number of relevant records among the unscreened ones.
  The ranking score is not a probability (balanced class weights; the labelled records were picked
  for looking relevant), so it is calibrated on the screening history: every record decided while a
  model was trained carries the score it had just before its decision, an out-of-sample prediction.
  A logistic regression of those decisions on the logit of those scores (Platt scaling) maps the
  current scores of the unscreened records to probabilities, and their sum is the estimate
  (`estimate_relevant_left`). Since the current model is better than the earlier ones, the estimate
  leans high; it needs ten scored decisions with at least one inclusion, else it is None.
- the heuristic: stop once ``max(minimum, fraction × total)`` records in a row were excluded
  (by default 5 % of the collection, at least 50), the "data-driven" rule ASReview's documentation
  describes. ``heuristic_met`` says whether that point is reached.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


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


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return np.asarray(np.log(q / (1 - q)), dtype=np.float64)


def estimate_relevant_left(
    seen_scores: Sequence[float] | np.ndarray,
    seen_labels: Sequence[bool] | np.ndarray,
    open_scores: Sequence[float] | np.ndarray,
    *,
    min_seen: int = 10,
) -> float | None:
    """Expected relevant records among the unscreened, by Platt scaling on the screening history.

    Args:
        seen_scores: the score each decided record had just before its decision.
        seen_labels: those decisions (True: included).
        open_scores: the current scores of the unscreened records.
        min_seen: fewest scored decisions to calibrate on.

    Returns:
        The sum of the calibrated probabilities of `open_scores`, or None when there are fewer than
        `min_seen` scored decisions or they hold no inclusion or no exclusion.
    """
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(seen_labels, dtype=np.int64)
    if len(y) < min_seen or y.min() == y.max():
        return None
    if len(open_scores) == 0:
        return 0.0
    lr = LogisticRegression(C=100.0).fit(_logit(np.asarray(seen_scores)).reshape(-1, 1), y)
    p = lr.predict_proba(_logit(np.asarray(open_scores)).reshape(-1, 1))[:, 1]
    return float(p.sum())
