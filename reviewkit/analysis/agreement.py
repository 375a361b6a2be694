"""Provides inter-coder agreement and human-vs-tagger figures computed from decision matrices (pure).

The unit of agreement is (unit × code), where a unit is a passage or a document. Each coder gives a
binary value per unit and code: 1 when they accepted the code there, 0 when they reviewed the unit
(made any decision on it) but did not accept the code (rejected or left it). A coder who made no
decision at all on a unit has a missing value there.

Percent agreement and Cohen's kappa use the units that every named coder reviewed; Krippendorff's
alpha (nominal) also uses units that only some of them reviewed (missing values allowed; a unit
needs at least two values to count). Units where no coder applied a code are counted separately
(``units_all_absent``) and a second percent agreement leaves them out, so that a sea of empty units
cannot inflate the figure. The computations are scikit-learn's and the ``krippendorff`` package's.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

OVERALL = "(overall)"
"""The pseudo code id of the pooled figures (all codes together)."""

_BANDS = (
    (0.0, "poor"),
    (0.20, "slight"),
    (0.40, "fair"),
    (0.60, "moderate"),
    (0.80, "substantial"),
    (1.0, "almost perfect"),
)


def landis_koch(value: float | None) -> str:
    """The Landis & Koch (1977) band of a kappa-like coefficient, in words.

    Args:
        value: kappa or alpha (None when undefined).

    Returns:
        "poor" (< 0), "slight" (0-0.20), "fair" (0.21-0.40), "moderate" (0.41-0.60),
        "substantial" (0.61-0.80), "almost perfect" (0.81-1), or "" when `value` is None.
    """
    if value is None:
        return ""
    if value < 0:
        return "poor"
    for upper, name in _BANDS[1:]:
        if value <= upper + 1e-12:
            return name
    return "almost perfect"


@dataclass(frozen=True)
class PairKappa:
    """Cohen's kappa of one pair of coders."""

    coder_a: str
    coder_b: str
    units: int
    """Units both coders reviewed."""
    kappa: float | None
    note: str = ""


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement of the named coders on one code (or pooled over all codes: ``code == OVERALL``)."""

    code: str
    units: int
    """(unit × code) pairs that every named coder reviewed: the base of percent agreement and kappa."""
    units_all_absent: int
    """Of those, pairs where no coder applied the code (counted, and reported separately)."""
    units_applied: int
    """Of those, pairs where at least one coder applied the code."""
    agreed: int
    """Of `units`, pairs where all coders gave the same value."""
    percent_agreement: float | None
    """Share of `units` where the coders agree (0-1), including all-absent pairs."""
    percent_agreement_applied: float | None
    """Share of `units_applied` where the coders agree: leaves out the all-absent pairs."""
    cohen_kappa: float | None
    """Cohen's kappa over `units` (two coders only)."""
    kappa_band: str
    kappa_note: str
    """Why kappa is None, when it is."""
    alpha: float | None
    """Krippendorff's alpha (nominal) over every pair reviewed by at least two coders."""
    alpha_units: int
    """(unit × code) pairs with at least two values: the base of alpha."""
    alpha_band: str
    alpha_note: str
    pairwise: tuple[PairKappa, ...] = ()
    """Cohen's kappa of each pair of coders (given when there are more than two)."""


@dataclass(frozen=True)
class AgreementResult:
    """Agreement per code and pooled, for a set of coders and a unit kind."""

    coders: tuple[str, ...]
    unit: str
    """"passage" or "document"."""
    codes: tuple[CodeAgreement, ...]
    overall: CodeAgreement
    reviewed: dict[str, int] = field(default_factory=dict)
    """Units each coder reviewed."""
    units_all_reviewed: int = 0
    """Units every named coder reviewed."""


@dataclass(frozen=True)
class TaggerAgreement:
    """The tagger's suggestions scored against one coder's decisions on one code (or ``OVERALL``)."""

    coder: str
    code: str
    units: int
    """Units the coder reviewed (each counts once per code)."""
    tp: int
    fp: int
    fn: int
    tn: int
    precision: float | None
    """None when the tagger suggested the code nowhere (undefined)."""
    recall: float | None
    """None when the coder applied the code nowhere (undefined)."""
    f1: float | None
    kappa: float | None
    kappa_band: str
    kappa_note: str


def _clean(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def cohen_kappa(a: Sequence[int], b: Sequence[int]) -> tuple[float | None, str]:
    """Cohen's kappa of two binary rating vectors (scikit-learn), or None with the reason.

    Args:
        a: the first coder's values (0/1), one per unit.
        b: the second coder's values, same units.

    Returns:
        (kappa, note): note says why kappa is None ("" otherwise).
    """
    from sklearn.metrics import cohen_kappa_score

    if not a:
        return None, "no units reviewed by both coders"
    if len(set(a) | set(b)) < 2:
        value = "applied the code to every unit" if a[0] else "applied the code to no unit"
        return None, f"undefined: both coders {value} (chance agreement is 1)"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        raw = cohen_kappa_score(list(a), list(b), labels=[0, 1])
    kappa = _clean(float(raw))
    return kappa, "" if kappa is not None else "undefined (chance agreement is 1)"


def krippendorff_alpha(matrix: Sequence[Sequence[float | None]]) -> tuple[float | None, int, str]:
    """Krippendorff's alpha (nominal) of a coders × units matrix with missing values (None).

    Args:
        matrix: one row per coder, one column per (unit × code); None where the coder did not review.

    Returns:
        (alpha, pairable units, note): note says why alpha is None ("" otherwise).
    """
    import krippendorff
    import numpy as np

    data = np.array([[np.nan if v is None else float(v) for v in row] for row in matrix], dtype=float)
    if data.size == 0:
        return None, 0, "no units"
    pairable = int((np.sum(~np.isnan(data), axis=0) >= 2).sum())
    if pairable == 0:
        return None, 0, "no unit was reviewed by two coders"
    sub = data[:, np.sum(~np.isnan(data), axis=0) >= 2]
    values = set(np.unique(sub[~np.isnan(sub)]).tolist())
    if len(values) < 2:
        return None, pairable, "undefined: every value is the same (no variation to agree on)"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        raw = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    alpha = _clean(float(raw))
    return alpha, pairable, "" if alpha is not None else "undefined"


def _code_agreement(code: str, coders: Sequence[str], rows: list[tuple[int | None, ...]]) -> CodeAgreement:
    """Figures for one code from its rows (one tuple of per-coder values per unit reviewed by anyone)."""
    full = [r for r in rows if all(v is not None for v in r)]
    units = len(full)
    all_absent = sum(1 for r in full if not any(r))
    applied = units - all_absent
    agreed_rows = [r for r in full if len(set(r)) == 1]
    agreed = len(agreed_rows)
    agreed_applied = sum(1 for r in agreed_rows if any(r))
    pct = agreed / units if units else None
    pct_applied = agreed_applied / applied if applied else None
    if len(coders) == 2:
        kappa, kappa_note = cohen_kappa([int(r[0] or 0) for r in full], [int(r[1] or 0) for r in full])
    else:
        kappa, kappa_note = None, "Cohen's kappa is for two coders: see alpha and the pairwise kappas"
    pairwise: list[PairKappa] = []
    if len(coders) > 2:
        for i, j in combinations(range(len(coders)), 2):
            both = [(r[i], r[j]) for r in rows if r[i] is not None and r[j] is not None]
            k, note = cohen_kappa([int(x or 0) for x, _ in both], [int(y or 0) for _, y in both])
            pairwise.append(PairKappa(coders[i], coders[j], len(both), k, note))
    matrix = [[r[i] for r in rows] for i in range(len(coders))]
    alpha, alpha_units, alpha_note = krippendorff_alpha(matrix)
    return CodeAgreement(
        code=code,
        units=units,
        units_all_absent=all_absent,
        units_applied=applied,
        agreed=agreed,
        percent_agreement=pct,
        percent_agreement_applied=pct_applied,
        cohen_kappa=kappa,
        kappa_band=landis_koch(kappa),
        kappa_note=kappa_note,
        alpha=alpha,
        alpha_units=alpha_units,
        alpha_band=landis_koch(alpha),
        alpha_note=alpha_note,
        pairwise=tuple(pairwise),
    )


def decision_rows(
    coders: Sequence[str],
    code: str,
    reviewed: Mapping[str, Collection[Hashable]],
    accepted: Collection[tuple[Hashable, str, str]],
) -> list[tuple[int | None, ...]]:
    """The decision matrix of one code: per unit reviewed by any coder, each coder's 0/1/None.

    Args:
        coders: the coders, in column order.
        code: the code id.
        reviewed: units each coder reviewed (made any decision on).
        accepted: (unit, code, coder) triples where the coder accepted the code.

    Returns:
        One tuple per unit (sorted), None where that coder did not review the unit.
    """
    units = sorted(set().union(*(set(reviewed.get(c, ())) for c in coders)))  # type: ignore[type-var]
    acc = set(accepted)
    rows = []
    for unit in units:
        rows.append(
            tuple(
                (1 if (unit, code, c) in acc else 0) if unit in reviewed.get(c, ()) else None for c in coders
            )
        )
    return rows


def compute_agreement(
    coders: Sequence[str],
    codes: Sequence[str],
    reviewed: Mapping[str, Collection[Hashable]],
    accepted: Iterable[tuple[Hashable, str, str]],
    unit: str = "passage",
) -> AgreementResult:
    """Agreement of `coders` per code and pooled over `codes`.

    Args:
        coders: two or more coder names.
        codes: the code ids to report on (codes nobody used still count: all-absent units).
        reviewed: for each coder, the units (passage or document ids) they made any decision on.
        accepted: (unit, code, coder) triples of accepted codings; anything else on a reviewed unit is 0.
        unit: "passage" or "document", reported back.

    Returns:
        The figures per code and pooled (``overall.code == OVERALL``).
    """
    coders = list(coders)
    reviewed_sets = {c: set(reviewed.get(c, ())) for c in coders}
    acc = set(accepted)
    per_code = []
    pooled: list[tuple[int | None, ...]] = []
    for code in codes:
        rows = decision_rows(coders, code, reviewed_sets, acc)
        pooled.extend(rows)
        per_code.append(_code_agreement(code, coders, rows))
    all_reviewed = set.intersection(*reviewed_sets.values()) if reviewed_sets else set()
    return AgreementResult(
        coders=tuple(coders),
        unit=unit,
        codes=tuple(per_code),
        overall=_code_agreement(OVERALL, coders, pooled),
        reviewed={c: len(s) for c, s in reviewed_sets.items()},
        units_all_reviewed=len(all_reviewed),
    )


def tagger_agreement(
    coder: str,
    code: str,
    units: Collection[Hashable],
    applied: Collection[Hashable],
    suggested: Collection[Hashable],
) -> TaggerAgreement:
    """Precision, recall, F1 and kappa of the tagger against one coder on one code (scikit-learn).

    Args:
        coder: the coder (the reference).
        code: the code id (or OVERALL when the items are (unit, code) pairs pooled over codes).
        units: the items the coder reviewed.
        applied: the items the coder accepted the code on.
        suggested: the items the tagger suggested the code for (score >= threshold).

    Returns:
        The scores; undefined ones are None (precision without suggestions, recall without codings).
    """
    from sklearn.metrics import precision_recall_fscore_support

    items = sorted(set(units))  # type: ignore[type-var]
    applied_s, suggested_s = set(applied), set(suggested)
    y_true = [1 if u in applied_s else 0 for u in items]
    y_pred = [1 if u in suggested_s else 0 for u in items]
    tp = sum(1 for t, p in zip(y_true, y_pred, strict=True) if t and p)
    fp = sum(1 for t, p in zip(y_true, y_pred, strict=True) if p and not t)
    fn = sum(1 for t, p in zip(y_true, y_pred, strict=True) if t and not p)
    tn = len(items) - tp - fp - fn
    precision = recall = f1 = None
    if items:
        import numpy as np

        p, r, f, _ = precision_recall_fscore_support(
            y_true, y_pred, labels=[1], average="binary", pos_label=1, zero_division=np.nan
        )
        precision, recall, f1 = _clean(float(p)), _clean(float(r)), _clean(float(f))
    kappa, note = cohen_kappa(y_true, y_pred)
    if note:
        note = note.replace("both coders", "coder and tagger both")
    return TaggerAgreement(
        coder=coder,
        code=code,
        units=len(items),
        tp=tp,
        fp=fp,
        fn=fn,
        tn=tn,
        precision=precision,
        recall=recall,
        f1=f1,
        kappa=kappa,
        kappa_band=landis_koch(kappa),
        kappa_note=note,
    )
