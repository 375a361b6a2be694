"""Provides the per-code thresholds: calibrated on the codebook's examples, recalibrated on reviewer decisions.

- `calibrate`: each code's best-F1 threshold on the codebook examples' out-of-fold scores, shrunk
  halfway towards the pooled one, in [0.2, 0.8] (`reviewkit.tagger.training.fit_combiner`).
- `recalibrate`: after learning from decisions (`reviewkit.tagger.learn`), the best-F1 threshold on
  the decided passages' out-of-fold scores, blended with the codebook threshold by the code's number
  of decided positives, ``n / (n + PRIOR_POSITIVES)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def calibrate(
    scores: np.ndarray, labels: np.ndarray, keep: np.ndarray, code_ids: Sequence[str]
) -> tuple[dict[str, float], dict[str, float]]:
    """Per-code thresholds: the code's best-F1 threshold shrunk halfway to the pooled one, in [0.2, 0.8].

    Args:
        scores: (n, n_codes) out-of-fold scores.
        labels: (n, n_codes) 0/1.
        keep: (n, n_codes) rows that count.
        code_ids: the codes in column order.

    Returns:
        (threshold per code, best out-of-fold F1 per code).
    """
    t_all, _ = best_threshold(scores[keep], labels[keep])
    thresholds: dict[str, float] = {}
    oof_f1: dict[str, float] = {}
    for j, cid in enumerate(code_ids):
        rows = keep[:, j]
        t_code, f1 = best_threshold(scores[rows, j], labels[rows, j])
        thresholds[cid] = float(np.clip(round((t_code + t_all) / 2, 3), 0.2, 0.8))
        oof_f1[cid] = round(f1, 3)
    return thresholds, oof_f1


DECISION_WEIGHT = 8.0
"""Weight of a reviewer's decided passage relative to an invented codebook example in the per-code
models and the keyword precision: a decision is on the project's own prose, in its register.
Measured on real abstracts (12 splits, docs/learning.md): 8 (with `COMBINER_WEIGHT` 5) beat 3 (with 2)."""
COMBINER_WEIGHT = 5.0
"""Weight of a decided passage relative to a codebook example when the combiner is refitted: about
100 decided passages then weigh as much as the 618 codebook examples, so the combiner's calibration
follows the project's prose once a reviewer has decided a few abstracts."""
PRIOR_POSITIVES = 20.0
"""Codebook threshold's weight, in decided positives, when thresholds are recalibrated: the best-F1
threshold of a code with ten decided positives is a noisy estimate (5 was measured and moved thresholds
too far: collective learning lost its true positives in the other half)."""
THRESHOLD_RANGE = (0.1, 0.8)
"""Bounds of a recalibrated threshold."""


def recalibrate(
    scores: np.ndarray,
    labels: np.ndarray,
    known: np.ndarray,
    code_ids: Sequence[str],
    base: dict[str, float],
) -> dict[str, float]:
    """Per-code thresholds moved by the decisions, shrunk towards the codebook's thresholds.

    A code with decided positives and negatives gets its best-F1 threshold on the decided passages'
    out-of-fold scores, blended with the codebook threshold by the number of decided positives
    (``n / (n + PRIOR_POSITIVES)``): a few positives move it a little, many most of the way. A code
    with no decided positive (or no decided negative) keeps the codebook threshold: raising the
    threshold of a code only ever decided against was measured and lost its rare true positives.

    Args:
        scores: (n, n_codes) out-of-fold scores of the decided passages.
        labels: (n, n_codes) 0/1.
        known: (n, n_codes) True where the pair was decided.
        code_ids: the codes in column order.
        base: the codebook-calibrated threshold per code.

    Returns:
        Threshold per code, in `THRESHOLD_RANGE`.
    """
    lo, hi = THRESHOLD_RANGE
    out: dict[str, float] = {}
    for j, cid in enumerate(code_ids):
        rows = known[:, j]
        n_pos = float(labels[rows, j].sum())
        t_cb = base[cid]
        if n_pos == 0 or n_pos == rows.sum():
            out[cid] = t_cb
            continue
        t_dec, _ = best_threshold(scores[rows, j], labels[rows, j])
        share = n_pos / (n_pos + PRIOR_POSITIVES)
        out[cid] = float(np.clip(round(share * t_dec + (1 - share) * t_cb, 3), lo, hi))
    return out


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Threshold (middle of the best F1 plateau on a 0.025 grid in [0.1, 0.9]) and that F1."""
    grid = np.round(np.arange(0.1, 0.91, 0.025), 3)
    f1s = []
    for t in grid:
        pred = scores >= t
        tp = float((pred & (labels == 1)).sum())
        fp = float((pred & (labels == 0)).sum())
        fn = float((~pred & (labels == 1)).sum())
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    arr = np.array(f1s)
    best = arr.max()
    plateau = grid[arr >= best - 1e-9]
    return float(np.median(plateau)), float(best)
