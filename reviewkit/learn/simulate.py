"""Provides the screening simulation: replay a fully labelled collection in the ranker's order and score it.

A run starts, like ASReview's, from prior knowledge: `prior_included` inclusions and
`prior_excluded` exclusions picked at random (by the seed). It then repeatedly asks the `Screener`
for its order, "screens" the next `step` records (reads their labels) and refits, until every
inclusion is found (what comes after the last inclusion cannot change the metrics). `step` is 1
while fewer than `batch_after` records are labelled, then ``ceil(batch_share × n)`` — a documented
speed compromise for large files (ASReview retrains after every record).

The metrics are computed on the records after the priors (n records, R inclusions among them):

- ``recall@10`` / ``recall@25``: share of the R inclusions found after screening 10 % / 25 % of n;
- ``wss@95`` / ``wss@100`` (work saved over sampling, Cohen et al. 2006): ``(n − k)/n − (1 − r)``
  where k records were screened when recall first reached r;
- ``n@95``: k for r = 95 %, the records to screen to find ceil(0.95 R) inclusions;
- ``erf@10`` (extra relevant found): recall@10 minus 0.10, what random order finds on average;
- ``loss``: (area under the optimal recall curve − area under this one) / (area under the optimal
  − area under the worst), 0 for perfect ranking, 1 for the worst possible;
- ``stop_recall`` / ``stop_screened``: recall and share screened where the stopping heuristic
  (`heuristic_run`) would first have suggested stopping (1.0 / 1.0 if it never would).

Random order runs the same seeds through a random permutation, for comparison.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from reviewkit.learn.features import Features
from reviewkit.learn.ranking import make_screener
from reviewkit.learn.stopping import heuristic_run

METRICS = ("recall@10", "recall@25", "wss@95", "wss@100", "n@95", "erf@10", "loss", "stop_recall", "stop_screened")
"""Keys of every metrics dict, in report order."""


@dataclass(frozen=True)
class SimResult:
    """A simulation summary: model and random order, means and per-seed values."""

    n_records: int
    """Records in the file."""
    n_included: int
    """Inclusions in the file."""
    seeds: list[int]
    prior_included: int
    prior_excluded: int
    learner: str
    strategy: str
    model: dict[str, float]
    """Metric means over seeds, ranker's order."""
    random: dict[str, float]
    """Metric means over seeds, random order."""
    runs: list[dict[str, float]]
    """Per-seed metrics of the ranker."""

    def to_dict(self) -> dict[str, object]:
        """A JSON-serialisable dict."""
        return asdict(self)


def metrics(found: Sequence[bool] | np.ndarray, *, fraction: float = 0.05, minimum: int = 50) -> dict[str, float]:
    """The simulation metrics of one screening order.

    Args:
        found: the labels (True: included) in the order records were screened, priors left out,
            covering at least every inclusion (records after the last one may be cut).
        fraction: stopping heuristic share (see `heuristic_run`).
        minimum: stopping heuristic floor.

    Returns:
        A dict with the keys of `METRICS`.

    Raises:
        ValueError: no inclusion in `found`.
    """
    y = np.asarray(found, dtype=bool)
    n = len(y)
    r = int(y.sum())
    if r == 0:
        raise ValueError("no inclusions to find after the priors")
    hits = np.cumsum(y)

    def recall_at(share: float) -> float:
        k = int(math.floor(share * n))
        return float(hits[k - 1] / r) if k > 0 else 0.0

    def k_for(rec: float) -> int:
        need = math.ceil(rec * r - 1e-9)
        return int(np.searchsorted(hits, need) + 1)

    k95, k100 = k_for(0.95), k_for(1.0)
    area = float(hits.sum())
    best = float(np.minimum(np.arange(1, n + 1), r).sum())
    worst = float(np.maximum(np.arange(1, n + 1) - (n - r), 0).sum())
    run = heuristic_run(n, fraction=fraction, minimum=minimum)
    stop = _stop_point(y, run)
    return {
        "recall@10": recall_at(0.10),
        "recall@25": recall_at(0.25),
        "wss@95": (n - k95) / n - 0.05,
        "wss@100": (n - k100) / n,
        "n@95": float(k95),
        "erf@10": recall_at(0.10) - 0.10,
        "loss": (best - area) / (best - worst) if best > worst else 0.0,
        "stop_recall": float(hits[stop - 1] / r),
        "stop_screened": stop / n,
    }


def _stop_point(y: np.ndarray, run: int) -> int:
    """Records screened when `run` exclusions in a row first follow an inclusion (n if never)."""
    since, seen = 0, False
    for i, v in enumerate(y):
        if v:
            seen, since = True, 0
        else:
            since += 1
            if seen and since >= run:
                return i + 1
    return len(y)


def _priors(labels: np.ndarray, rng: np.random.Generator, n_inc: int, n_exc: int) -> list[int]:
    inc = np.flatnonzero(labels)
    exc = np.flatnonzero(~labels)
    if n_inc > len(inc) or n_exc > len(exc):
        raise ValueError(
            f"cannot take {n_inc} prior inclusions and {n_exc} prior exclusions from a file with "
            f"{len(inc)} and {len(exc)}"
        )
    if n_inc >= len(inc):
        raise ValueError("the priors take every inclusion; nothing is left to find")
    return [*rng.choice(inc, n_inc, replace=False).tolist(), *rng.choice(exc, n_exc, replace=False).tolist()]


def simulate_order(
    features: Features,
    labels: Sequence[bool] | np.ndarray,
    *,
    seed: int = 0,
    prior_included: int = 1,
    prior_excluded: int = 1,
    learner: str = "logistic",
    strategy: str = "certainty",
    criteria: str = "",
    batch_after: int = 1000,
    batch_share: float = 0.005,
) -> tuple[list[int], list[int]]:
    """Replay screening once.

    Args:
        features: the collection's features.
        labels: the true label of every record (True: included).
        seed: picks the priors and breaks ties.
        prior_included: inclusions known before screening starts.
        prior_excluded: exclusions known before screening starts.
        learner: learner name.
        strategy: ``certainty`` or ``uncertainty``.
        criteria: criteria text for the cold start (used while no inclusion is known).
        batch_after: labelled records after which the model refits every `step` records.
        batch_share: `step` as a share of the collection, after `batch_after`.

    Returns:
        (the prior record indices, the screened record indices in order, up to the last inclusion).
    """
    y = np.asarray(labels, dtype=bool)
    rng = np.random.default_rng(seed)
    priors = _priors(y, rng, prior_included, prior_excluded)
    screener = make_screener(features, learner=learner, strategy=strategy, criteria=criteria, seed=seed)
    for i in priors:
        screener.decide(i, bool(y[i]))
    left = int(y.sum()) - prior_included
    order: list[int] = []
    big_step = max(1, math.ceil(batch_share * len(y)))
    while left > 0:
        step = 1 if len(screener.labels) < batch_after else big_step
        for i in screener.ranking()[:step]:
            screener.decide(int(i), bool(y[i]))
            order.append(int(i))
            left -= int(y[i])
    return priors, order


def simulate(
    features: Features,
    labels: Sequence[bool] | np.ndarray,
    *,
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    prior_included: int = 1,
    prior_excluded: int = 1,
    learner: str = "logistic",
    strategy: str = "certainty",
    criteria: str = "",
) -> SimResult:
    """Simulate screening over several seeds, beside random order.

    Args:
        features: the collection's features.
        labels: the true label of every record.
        seeds: one run per seed (priors and tie-breaks differ).
        prior_included: inclusions known at the start of each run.
        prior_excluded: exclusions known at the start of each run.
        learner: learner name.
        strategy: ``certainty`` or ``uncertainty``.
        criteria: criteria text for the cold start.

    Returns:
        The `SimResult`.
    """
    y = np.asarray(labels, dtype=bool)
    runs, rand = [], []
    for seed in seeds:
        priors, order = simulate_order(
            features, y, seed=seed, prior_included=prior_included, prior_excluded=prior_excluded,
            learner=learner, strategy=strategy, criteria=criteria,
        )  # fmt: skip
        rest = np.ones(len(y), dtype=bool)
        rest[priors] = False
        n_rest = int(rest.sum())
        found = np.zeros(n_rest, dtype=bool)
        found[: len(order)] = y[order]
        runs.append(metrics(found))
        perm = np.random.default_rng(seed).permutation(np.flatnonzero(rest))
        rand.append(metrics(y[perm]))
    return SimResult(
        n_records=len(y),
        n_included=int(y.sum()),
        seeds=list(seeds),
        prior_included=prior_included,
        prior_excluded=prior_excluded,
        learner=learner,
        strategy=strategy,
        model=_mean(runs),
        random=_mean(rand),
        runs=runs,
    )


def _mean(rows: list[dict[str, float]]) -> dict[str, float]:
    return {k: float(np.mean([r[k] for r in rows])) for k in METRICS}
