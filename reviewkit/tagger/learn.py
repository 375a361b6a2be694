"""Provides learning from reviewer decisions: retrain the per-code models on codebook examples plus decisions.

Every reviewer decision on a (passage, code) pair is training data. What counts:

- positive: an ``accepted`` suggestion, or a code the reviewer ``added``;
- negative: a ``rejected`` suggestion, or a code ``absent`` from a passage the coder marked done
  (every code the coder did not apply there);
- anything else is unknown: the passage is left out of that code's training and calibration.

`learn_from_decisions` starts from a tagger fitted on the codebook (its out-of-fold features are
reused, so the codebook is never re-embedded or re-cross-validated) and:

1. adds the decided passages as training passages (their embeddings come from the caller's
   encoder, which caches them), labelled per code as above;
2. computes out-of-fold features of the decided passages (`folds` folds, a document's passages in
   one fold, see `fold_assignment`; each fold's models are fitted on the codebook plus the other
   folds), so they look to the combiner as passages of unseen documents (``folds=0``: features
   from the codebook-only models, which never saw them; faster);
3. refits the combiner on the codebook's and the decisions' out-of-fold features (decisions
   weigh `weight` (`COMBINER_WEIGHT`) times a codebook example, and `decision_weight`
   (`DECISION_WEIGHT`) times in the per-code models: they are in the register of the project's text);
4. recalibrates each code's threshold (`reviewkit.tagger.calibration.recalibrate`): the best-F1
   threshold on the decisions' out-of-fold scores (with their document's decided passages as
   context, as `Tagger.score` gives it), blended with the codebook threshold by the
   code's number of decided positives (``n / (n + 20)``), so thresholds move with the data;
5. fits the final per-code models on everything.

The tagger it returns is a new object; the base tagger is untouched. `uncertainty_order` gives the
review queue's "most uncertain first" order (smallest ``|score - threshold|``).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from reviewkit.errors import ReviewkitError
from reviewkit.lang import detect_language
from reviewkit.tagger.blas import one_blas_thread
from reviewkit.tagger.calibration import COMBINER_WEIGHT, DECISION_WEIGHT, recalibrate
from reviewkit.tagger.features import Example, compute_features, fit_models
from reviewkit.tagger.pipeline import CodeScore, Progress, Tagger
from reviewkit.tagger.training import fit_stack

LEARNING_VERSION = "reviewkit.learn.v2"
"""Version of how decisions are learnt from; part of the decisions' fingerprint, so that a project
with decisions is re-scored when it changes (v2: folds by document, document context in the
threshold calibration, weights 8 / 5, prior 20)."""
POSITIVE = frozenset({"accepted", "added"})
"""Decision statuses that say the code applies."""
NEGATIVE = frozenset({"rejected", "absent"})
"""Decision statuses that say it does not (``absent``: not applied on a passage marked done)."""


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision on one (passage, code) pair."""

    text: str
    code_id: str
    status: str
    """accepted, added, rejected or absent."""
    lang: str = ""
    """The passage's language ("" = detect)."""
    context: tuple[str, ...] = ()
    """The passage's document context (title, neighbouring passages), kept with the decision."""
    doc: str = ""
    """The document the passage belongs to ("" = unknown: the passage is a document of its own).
    Cross-validation folds keep a document's passages together, and its decided passages give each
    other context when thresholds are recalibrated (see `learn_from_decisions`)."""


@dataclass
class LearnResult:
    """What `learn_from_decisions` returns."""

    tagger: Tagger
    decisions: int
    """Decisions learnt from (unknown codes and duplicates not counted)."""
    passages: int
    """Distinct decided passages."""
    seconds: float


def decision_labels(
    decisions: Sequence[Decision], code_ids: Sequence[str]
) -> tuple[list[str], list[str], np.ndarray, np.ndarray, int]:
    """Decided passages and their labels.

    Args:
        decisions: the decisions (a later decision on the same pair wins).
        code_ids: the codes, in column order (decisions on other codes are ignored).

    Returns:
        (texts, langs, labels (n, n_codes) 0/1, known (n, n_codes) bool, number of decisions used).

    Raises:
        ReviewkitError: a decision with an unknown status.
    """
    col = {cid: j for j, cid in enumerate(code_ids)}
    rows: dict[str, int] = {}
    langs: list[str] = []
    pairs: dict[tuple[int, int], int] = {}
    for d in decisions:
        if d.status not in POSITIVE | NEGATIVE:
            raise ReviewkitError(
                f"Decision on {d.code_id!r} has status {d.status!r}; expected one of "
                f"{', '.join(sorted(POSITIVE | NEGATIVE))}."
            )
        if d.code_id not in col or not d.text.strip():
            continue
        i = rows.setdefault(d.text, len(rows))
        if i == len(langs):
            langs.append(d.lang or detect_language(d.text) or "en")
        pairs[(i, col[d.code_id])] = 1 if d.status in POSITIVE else 0
    labels = np.zeros((len(rows), len(code_ids)), dtype=int)
    known = np.zeros((len(rows), len(code_ids)), dtype=bool)
    for (i, j), y in pairs.items():
        labels[i, j] = y
        known[i, j] = True
    return list(rows), langs, labels, known, len(pairs)


def _doc_keys(decisions: Sequence[Decision], texts: Sequence[str]) -> list[str]:
    """Document of each decided passage (a passage with no document is one of its own)."""
    doc_of: dict[str, str] = {}
    for d in decisions:
        doc_of.setdefault(d.text, d.doc)
    return [doc_of.get(t, "") or f"\x00{i}" for i, t in enumerate(texts)]


def fold_assignment(decisions: Sequence[Decision], texts: Sequence[str], folds: int, seed: int) -> np.ndarray:
    """Cross-validation fold of each decided passage, a document's passages in one fold.

    Passages of one abstract share its topic and wording: with a neighbour in the training folds, a
    held-out passage looks easier than a passage of a new document, and the combiner and thresholds
    fitted on such scores trust the per-code models too much.

    Args:
        decisions: the decisions (their ``doc``; "" = the passage is its own document).
        texts: the decided passages, in row order (as `decision_labels` returns them).
        folds: number of folds (>= 1).
        seed: random seed of the draw.

    Returns:
        (len(texts),) fold index per passage.
    """
    keys = _doc_keys(decisions, texts)
    groups = list(dict.fromkeys(keys))
    rng = np.random.default_rng(seed)
    fold_of_group = dict(zip(groups, rng.permutation(len(groups)) % max(folds, 1), strict=True))
    return np.array([fold_of_group[k] for k in keys], dtype=np.int64)


def learn_from_decisions(
    base: Tagger,
    decisions: Sequence[Decision],
    *,
    folds: int = 3,
    weight: float = COMBINER_WEIGHT,
    decision_weight: float = DECISION_WEIGHT,
    progress: Progress | None = None,
) -> LearnResult:
    """Retrain a tagger on its codebook's examples plus reviewer decisions (see the module docstring).

    Args:
        base: a tagger (hybrid or embeddings) with an encoder; fitted here if it is not yet.
        decisions: the reviewer decisions.
        folds: cross-validation folds over the decided passages; 0 = the fast path, which takes the
            decided passages' features from the codebook-only models (unseen by them) instead of
            refitting per fold (one fit instead of ``folds + 1``).
        weight: weight of a decided passage relative to a codebook example in the combiner.
        decision_weight: the same in the per-code models and the keyword precision.
        progress: callback (done, total, "learning").

    Returns:
        The new tagger (``tagger.decisions`` set), and how many decisions and passages it learnt from.

    Raises:
        ReviewkitError: the rules method (nothing to retrain) or a bad decision status.
    """
    if base.config.method == "rules" or base.encode is None:
        raise ReviewkitError("Learning from decisions needs the hybrid or embeddings method.")
    with one_blas_thread():  # many small fits: BLAS threads only slow them down (tagger/blas.py)
        return _learn(base, decisions, folds, weight, decision_weight, progress)


def _learn(
    base: Tagger,
    decisions: Sequence[Decision],
    folds: int,
    weight: float,
    decision_weight: float,
    progress: Progress | None,
) -> LearnResult:
    started = time.perf_counter()
    assert base.encode is not None
    base.fit()
    fitted = base.fitted
    assert fitted is not None
    code_ids = base.code_ids
    texts, langs, labels, known, n_decisions = decision_labels(decisions, code_ids)
    # A copy shares the codebook, encoder and keyword matcher (building a matcher costs ~1 s of spaCy
    # patterns); `install` gives it its own models, combiner and thresholds.
    learner = copy.copy(base)
    if not texts:
        learner.install(fitted, base.models, base.combiner, dict(base.calibrated))
        return LearnResult(learner, 0, 0, time.perf_counter() - started)
    n_folds = max(2, min(folds, len(texts))) if folds else 0
    total = n_folds + 2

    def tick(done: int) -> None:
        if progress is not None:
            progress(done, total, "learning")

    tick(0)
    vecs = base.encode(texts)
    hits = base.matcher.match_many(texts)
    dec_examples = [
        Example(t, lang, frozenset(code_ids[j] for j in np.flatnonzero(labels[i])), decision_weight)
        for i, (t, lang) in enumerate(zip(texts, langs, strict=True))
    ]
    cb_examples = fitted.examples
    method = base.config.method
    use_tfidf = method == "hybrid"

    def fit_on(rows: np.ndarray) -> object:
        return fit_models(
            code_ids,
            cb_examples + [dec_examples[i] for i in rows],
            np.concatenate([fitted.ex_vecs, vecs[rows]]) if fitted.ex_vecs.size else vecs[rows],
            fitted.def_vecs,
            np.concatenate([fitted.oof.mask, ~known[rows]]),
            hits=fitted.hits + [hits[i] for i in rows],
            c=base.config.c,
            seed=base.config.seed,
            use_embeddings=True,
            use_tfidf=use_tfidf,
        )

    oof = np.zeros((len(texts), len(code_ids), fitted.oof.feats.shape[2]), dtype=np.float32)
    fold_of = fold_assignment(decisions, texts, n_folds, base.config.seed)
    if folds == 0:
        # Fast path: the codebook-only models never saw the decided passages, so their features are
        # out-of-sample already (no fold refits; the final models are the only fit).
        oof, _ = compute_features(base.models, texts, langs, vecs, hits)
        n_folds = 0
    for k in range(n_folds):
        test = np.flatnonzero(fold_of == k)
        train = np.flatnonzero(fold_of != k)
        if test.size:
            sub = fit_on(train)
            feats, _ = compute_features(
                sub,  # type: ignore[arg-type]
                [texts[i] for i in test],
                [langs[i] for i in test],
                vecs[test],
                [hits[i] for i in test],
            )
            oof[test] = feats
        tick(1 + k)
    n_cb = len(cb_examples)
    combiner = fit_stack(
        np.concatenate([fitted.oof.feats, oof]),
        np.concatenate([fitted.oof.labels, labels]),
        np.concatenate([np.zeros_like(fitted.oof.mask), ~known]),
        fitted.oof.langs + langs,
        method,
        base.config.seed,
        np.concatenate([np.ones(n_cb, dtype=np.float32), np.full(len(texts), weight, dtype=np.float32)]),
    )
    scores = combiner.score(oof, langs)
    # Passages are coded with their document around them (`Tagger.context_boost`): thresholds are
    # recalibrated on the scores the decided passages get with their decided neighbours as context.
    scores = scores + base.context_boost(scores, _doc_keys(decisions, texts))[0]
    thresholds = recalibrate(scores, labels, known, code_ids, fitted.thresholds)
    models = fit_on(np.arange(len(texts)))
    tick(total - 1)
    learner.install(fitted, models, combiner, thresholds)
    learner.oof_f1 = dict(base.oof_f1)
    learner.decisions = n_decisions
    tick(total)
    return LearnResult(learner, n_decisions, len(texts), time.perf_counter() - started)


def uncertainty_order(rows: Sequence[Sequence[CodeScore]]) -> list[tuple[int, str]]:
    """The review queue's order: (passage index, code id) pairs, smallest ``|score - threshold|`` first.

    Args:
        rows: per passage, its `CodeScore`s (as `Tagger.score` returns them).

    Returns:
        Every pair, most uncertain first (ties by passage index, then code order).
    """
    pairs = [
        (abs(cs.score - cs.threshold), i, k, cs.code_id)
        for i, row in enumerate(rows)
        for k, cs in enumerate(row)
    ]
    pairs.sort(key=lambda p: (p[0], p[1], p[2]))
    return [(i, cid) for _, i, _, cid in pairs]


def passage_uncertainty_order(rows: Sequence[Sequence[CodeScore]]) -> list[int]:
    """Passage indices ordered by their most uncertain code (smallest ``|score - threshold|``) first."""
    margin = [min((abs(cs.score - cs.threshold) for cs in row), default=1.0) for row in rows]
    return sorted(range(len(rows)), key=lambda i: (margin[i], i))
