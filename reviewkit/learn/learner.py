"""Provides the binary learners: fitted on reviewer decisions, scoring every record in [0, 1].

Three learners, each a thin layer over scikit-learn (names as in ``LEARNERS``):

- ``logistic`` (the default): L2 logistic regression (liblinear, dual form: fast with few labelled rows and many terms), ``class_weight="balanced"`` so a
  handful of inclusions among many exclusions still pull the boundary; the score is its probability.
- ``nb``: complement naive Bayes (alpha 3.822, ASReview's default NB alpha) on non-negative
  features (TF-IDF only).
- ``svm``: linear SVM (balanced); the score is the logistic function of its decision value.

The score orders records; it is not a calibrated probability: the balanced weights move the boundary
towards the rare class, and the labelled records are not a random sample of the collection (they
were picked for looking relevant). The stopping aid calibrates scores on the screening history
instead (`reviewkit.learn.stopping.estimate_relevant_left`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

LEARNERS = ("logistic", "nb", "svm")
"""Names accepted by `make_learner`."""


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(x, -50, 50))), dtype=np.float64)


@dataclass
class Learner:
    """One binary classifier over a feature matrix, refitted from scratch on every `fit`.

    Attributes:
        name: one of `LEARNERS`.
        c: inverse regularisation strength (logistic, svm).
        alpha: smoothing (nb).
    """

    name: str
    c: float
    alpha: float
    _model: Any = field(default=None, repr=False)

    @property
    def fitted(self) -> bool:
        """Whether `fit` has run."""
        return self._model is not None

    def fit(self, x: sparse.csr_matrix | np.ndarray, y: np.ndarray) -> Learner:
        """Fit on labelled rows.

        Args:
            x: the labelled rows' features.
            y: 1 for included (relevant), 0 for excluded; both classes must be present.

        Returns:
            self.

        Raises:
            ValueError: only one class in `y`, or negative features for ``nb``.
        """
        y = np.asarray(y, dtype=np.int64)
        n1 = int(y.sum())
        n0 = int(len(y) - n1)
        if n1 == 0 or n0 == 0:
            raise ValueError("a learner needs at least one included and one excluded record")
        if self.name == "logistic":
            from sklearn.linear_model import LogisticRegression

            self._model = LogisticRegression(
                C=self.c, class_weight="balanced", solver="liblinear", dual=True, max_iter=1000
            )
            self._model.fit(x, y)
        elif self.name == "nb":
            from sklearn.naive_bayes import ComplementNB

            values: Any = x.data if sparse.issparse(x) else x
            lowest = float(np.min(values, initial=0.0))
            if lowest < 0:
                raise ValueError("the nb learner needs non-negative features (TF-IDF without embeddings)")
            self._model = ComplementNB(alpha=self.alpha)
            self._model.fit(x, y)
        elif self.name == "svm":
            from sklearn.svm import LinearSVC

            self._model = LinearSVC(C=self.c, class_weight="balanced")
            self._model.fit(x, y)
        else:
            raise ValueError(f"unknown learner {self.name!r}; use one of: {', '.join(LEARNERS)}")
        return self

    def decision(self, x: sparse.csr_matrix | np.ndarray) -> np.ndarray:
        """The raw decision value of each row (positive: on the included side)."""
        if self._model is None:
            raise ValueError("fit the learner first")
        if self.name == "nb":
            lp = self._model.predict_log_proba(x)
            return np.asarray(lp[:, 1] - lp[:, 0], dtype=np.float64)
        return np.asarray(self._model.decision_function(x), dtype=np.float64)

    def score(self, x: sparse.csr_matrix | np.ndarray) -> np.ndarray:
        """The ranking score of each row in [0, 1]; 0.5 is the (balanced) decision boundary."""
        return _sigmoid(self.decision(x))


def make_learner(name: str = "logistic", *, c: float = 1.0, alpha: float = 3.822) -> Learner:
    """Build a learner by name.

    Args:
        name: ``logistic`` (default), ``nb`` or ``svm``.
        c: inverse regularisation strength of ``logistic`` and ``svm``.
        alpha: smoothing of ``nb``.

    Returns:
        An unfitted `Learner`.

    Raises:
        ValueError: unknown name.
    """
    if name not in LEARNERS:
        raise ValueError(f"unknown learner {name!r}; use one of: {', '.join(LEARNERS)}")
    return Learner(name, c, alpha)
