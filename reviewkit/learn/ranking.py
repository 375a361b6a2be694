"""Provides the ranking order (certainty or uncertainty sampling) and `Screener`, the learning loop.

`Screener` holds a collection's features and the decisions made so far; after each decision it
refits the learner on the labelled rows (lazily, on the next `scores`) and orders the unlabelled
ones. Before the learner can be fitted (it needs an inclusion and an exclusion) it ranks by the
*cold start*: the cosine similarity of each record to the protocol/criteria text and to the mean of
the inclusions so far. Ties (no criteria, nothing included) are broken by a seeded random order,
never by file order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from reviewkit.learn.features import Features
from reviewkit.learn.learner import Learner, make_learner
from reviewkit.learn.stopping import StoppingAid, estimate_relevant_left, stopping_aid

STRATEGIES = ("certainty", "uncertainty")
"""``certainty``: most likely relevant first (ASReview's "max"); ``uncertainty``: nearest 0.5 first."""


def rank(scores: np.ndarray, strategy: str = "certainty", exclude: np.ndarray | None = None) -> np.ndarray:
    """Order record indices by a strategy.

    Args:
        scores: one score in [0, 1] per record.
        strategy: ``certainty`` (highest score first) or ``uncertainty`` (score nearest 0.5 first).
        exclude: a boolean mask of records to leave out (those already decided).

    Returns:
        The indices of the records not excluded, best first (stable for equal keys).

    Raises:
        ValueError: unknown strategy.
    """
    scores = np.asarray(scores, dtype=np.float64)
    if strategy == "certainty":
        key = -scores
    elif strategy == "uncertainty":
        key = np.abs(scores - 0.5)
    else:
        raise ValueError(f"unknown strategy {strategy!r}; use one of: {', '.join(STRATEGIES)}")
    order = np.argsort(key, kind="stable")
    if exclude is not None:
        order = order[~np.asarray(exclude, dtype=bool)[order]]
    return order


def similarity(matrix: sparse.csr_matrix, query: sparse.csr_matrix | np.ndarray) -> np.ndarray:
    """Cosine similarity of every row of `matrix` to one query row (0 where either is empty)."""
    q = sparse.csr_matrix(query)
    qn = float(np.sqrt(q.multiply(q).sum()))
    if qn == 0:
        return np.zeros(matrix.shape[0])
    dots = np.asarray((matrix @ q.T).todense()).ravel()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    with np.errstate(invalid="ignore", divide="ignore"):
        sim = np.where(norms > 0, dots / (norms * qn), 0.0)
    return np.asarray(sim, dtype=np.float64)


@dataclass
class Screener:
    """The learning loop over one collection.

    Args:
        features: the collection's features (`build_features`).
        learner: the learner to refit on every decision.
        strategy: ``certainty`` or ``uncertainty``.
        criteria: the protocol / inclusion criteria text, used by the cold start.
        seed: seed of the random tie-break.
        prior: scores in [0, 1] from elsewhere (e.g. the tagger's calibrated suggestion scores) that
            replace the similarity cold start until the learner can be fitted; ordered by `strategy`.
    """

    features: Features
    learner: Learner
    strategy: str
    criteria: str
    seed: int
    prior: np.ndarray | None = None
    labels: dict[int, bool] = field(default_factory=dict)
    """Decision per record index (True: included)."""
    history: list[int] = field(default_factory=list)
    """Record indices in the order they were decided."""
    presented: dict[int, float] = field(default_factory=dict)
    """The score a record had just before its decision, for records decided while a model was trained."""
    _scores: np.ndarray | None = field(default=None, repr=False)
    _stale: bool = field(default=True, repr=False)
    _scores_learnt: bool = field(default=False, repr=False)
    _jitter: np.ndarray = field(init=False, repr=False)
    _criteria_row: sparse.csr_matrix | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.strategy not in STRATEGIES:
            raise ValueError(f"unknown strategy {self.strategy!r}; use one of: {', '.join(STRATEGIES)}")
        rng = np.random.default_rng(self.seed)
        self._jitter = rng.random(self.features.n) * 1e-9
        if self.prior is not None and np.shape(self.prior) != (self.features.n,):
            raise ValueError(f"prior has shape {np.shape(self.prior)}; expected ({self.features.n},)")
        self._criteria_row = self.features.vectorise([self.criteria]) if self.criteria.strip() else None

    def decide(self, index: int, included: bool) -> None:
        """Record (or change) the decision on one record; the model refits on the next `scores`."""
        if not 0 <= index < self.features.n:
            raise IndexError(f"record index {index} out of range 0..{self.features.n - 1}")
        if index in self.labels:
            self.history.remove(index)
        if self._scores is not None and self._scores_learnt and index not in self.presented:
            self.presented[index] = float(self._scores[index])
        self.labels[index] = bool(included)
        self.history.append(index)
        self._stale = True

    def undo(self) -> int | None:
        """Forget the latest decision and return its record index (None when there is none)."""
        if not self.history:
            return None
        index = self.history.pop()
        del self.labels[index]
        self.presented.pop(index, None)
        self._stale = True
        return index

    @property
    def trained(self) -> bool:
        """Whether the current scores come from the learner (an inclusion and an exclusion exist)."""
        values = set(self.labels.values())
        return values == {True, False}

    def scores(self) -> np.ndarray:
        """Every record's score in [0, 1] (learner once trained, else cold-start similarity)."""
        if self._scores is None or self._stale:
            self._scores_learnt = self.trained
            self._scores = self._compute()
            self._stale = False
        scores: np.ndarray = self._scores
        return scores

    def _compute(self) -> np.ndarray:
        x = self.features.matrix
        if self.trained:
            idx = np.fromiter(self.labels.keys(), dtype=np.int64)
            y = np.fromiter((int(v) for v in self.labels.values()), dtype=np.int64)
            self.learner.fit(x[idx], y)
            return np.asarray(self.learner.score(x) + self._jitter, dtype=np.float64)
        if self.prior is not None:
            return np.asarray(np.clip(self.prior, 0, 1) + self._jitter, dtype=np.float64)
        query: sparse.csr_matrix | None = self._criteria_row
        inc = [i for i, v in self.labels.items() if v]
        if inc:
            mean = sparse.csr_matrix(x[inc].mean(axis=0))
            query = mean if query is None else sparse.csr_matrix(query + mean)
        sim = similarity(x, query) if query is not None else np.zeros(self.features.n)
        # cold-start similarities live in [0, 1]; shift below 0.5 so they read as "not yet learnt"
        return np.asarray(np.clip(sim, 0, 1) * 0.5 + self._jitter, dtype=np.float64)

    def ranking(self) -> np.ndarray:
        """Undecided record indices, best first by the strategy (cold start: most similar first)."""
        decided = np.zeros(self.features.n, dtype=bool)
        if self.labels:
            decided[list(self.labels)] = True
        strategy = self.strategy if self.trained or self.prior is not None else "certainty"
        return rank(self.scores(), strategy, exclude=decided)

    def next(self) -> int | None:
        """The record to screen next, or None when every record is decided."""
        order = self.ranking()
        return int(order[0]) if len(order) else None

    def stopping(self, *, fraction: float = 0.05, minimum: int = 50) -> StoppingAid:
        """The stopping aid for the decisions so far (see `reviewkit.learn.stopping`)."""
        left: float | None = None
        if self.trained:
            scores = self.scores()
            undecided = np.ones(self.features.n, dtype=bool)
            undecided[list(self.labels)] = False
            seen = list(self.presented)
            left = estimate_relevant_left(
                [self.presented[i] for i in seen], [self.labels[i] for i in seen], scores[undecided]
            )
        decisions = [self.labels[i] for i in self.history]
        return stopping_aid(decisions, self.features.n, left, fraction=fraction, minimum=minimum)


def make_screener(
    features: Features,
    *,
    learner: str = "logistic",
    strategy: str = "certainty",
    criteria: str = "",
    seed: int = 0,
    labels: Mapping[int, bool] | None = None,
    prior: np.ndarray | None = None,
) -> Screener:
    """Build a `Screener`, optionally with decisions already made (in the mapping's order).

    Args:
        features: the collection's features.
        learner: a name from `LEARNERS`.
        strategy: ``certainty`` (screening) or ``uncertainty`` (a coder's review queue).
        criteria: protocol / criteria text for the cold start.
        seed: random tie-break seed.
        labels: decisions so far, oldest first.
        prior: scores from elsewhere for the cold start (see `Screener`).

    Returns:
        The screener.
    """
    s = Screener(features, make_learner(learner), strategy, criteria, seed, prior)
    for i, v in (labels or {}).items():
        s.decide(i, v)
    return s
