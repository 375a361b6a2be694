"""Provides `score_pair` and `score_delta`: scores and thresholds printed with the digits that decide.

Two decimals hide the difference between a score of 0.3098 and a threshold of 0.31, so a screen
would show "0.31 < 0.31" beside "0.31 ≥ 0.31". These helpers add digits until score and threshold
print differently (equal values keep two decimals).
"""

from __future__ import annotations

MIN_DIGITS = 2
MAX_DIGITS = 6


def digits_to_tell_apart(a: float, b: float) -> int:
    """The fewest decimals (2 to 6) at which `a` and `b` print differently (2 when they are equal)."""
    for digits in range(MIN_DIGITS, MAX_DIGITS + 1):
        if f"{a:.{digits}f}" != f"{b:.{digits}f}":
            return digits
    return MIN_DIGITS if a == b else MAX_DIGITS


def score_pair(score: float, threshold: float) -> tuple[str, str]:
    """Score and threshold with the same number of decimals, enough to tell them apart."""
    digits = digits_to_tell_apart(score, threshold)
    return f"{score:.{digits}f}", f"{threshold:.{digits}f}"


def score_delta(score: float, threshold: float) -> str:
    """|score − threshold| with as many decimals as the pair needs (never "0.00" for a real gap)."""
    digits = digits_to_tell_apart(score, threshold)
    return f"{abs(score - threshold):.{digits}f}"
