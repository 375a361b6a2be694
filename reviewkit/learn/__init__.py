"""Provides the learner shared by screening and coding: features, training, ranking order, stopping aid, simulation.

Pure (numpy, scipy, scikit-learn; no store, no tagger): callers pass texts, decisions and, if they
want embeddings, an ``encode`` callable with its own cache. See docs/screening.md for the method.
"""

from __future__ import annotations

from reviewkit.learn.features import Encode, Features, build_features
from reviewkit.learn.learner import LEARNERS, Learner, make_learner
from reviewkit.learn.ranking import STRATEGIES, Screener, make_screener, rank, similarity
from reviewkit.learn.simulate import METRICS, SimResult, metrics, simulate, simulate_order
from reviewkit.learn.stopping import StoppingAid, estimate_relevant_left, heuristic_run, stopping_aid

__all__ = [
    "LEARNERS",
    "METRICS",
    "STRATEGIES",
    "Encode",
    "Features",
    "Learner",
    "Screener",
    "SimResult",
    "StoppingAid",
    "build_features",
    "estimate_relevant_left",
    "heuristic_run",
    "make_learner",
    "make_screener",
    "metrics",
    "rank",
    "similarity",
    "simulate",
    "simulate_order",
    "stopping_aid",
]
