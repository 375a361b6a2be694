"""Provides the agreement use cases: inter-coder figures, human vs tagger, disagreements, adjudication.

A coder has *reviewed* a unit (passage, or document) when they made any decision on it; on a
reviewed unit a code they did not accept counts as not applied (0), an accepted one as applied (1).
See `reviewkit.analysis.agreement` for which units each figure uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from reviewkit.analysis.agreement import (
    OVERALL,
    AgreementResult,
    TaggerAgreement,
    compute_agreement,
    tagger_agreement,
)
from reviewkit.errors import ReviewkitError
from reviewkit.project.disagreements import Disagreement, adjudicate, list_disagreements
from reviewkit.project.selection import UNITS, Selection, codebook_from_rows, select, unit_data

if TYPE_CHECKING:
    from reviewkit.store import Store

__all__ = [
    "NOTE",
    "UNITS",
    "AgreementReport",
    "Disagreement",
    "Selection",
    "adjudicate",
    "agreement",
    "codebook_from_rows",
    "list_disagreements",
    "select",
]

NOTE = (
    "Percent agreement and Cohen's kappa use the units every named coder reviewed; 'all absent' counts "
    "the units where no coder applied the code (percent agreement 'applied' leaves them out). "
    "Krippendorff's alpha (nominal) uses every unit at least two coders reviewed (missing decisions allowed)."
)


@dataclass(frozen=True)
class AgreementReport:
    """Everything `reviewkit agreement` shows."""

    codebook: str
    unit: str
    coders: tuple[str, ...]
    codes: tuple[str, ...]
    intercoder: AgreementResult | None
    """None when fewer than two coders are named (see `note`)."""
    tagger: tuple[TaggerAgreement, ...]
    """Per coder: one row per code, then the pooled row (code == OVERALL)."""
    note: str = NOTE
    warnings: tuple[str, ...] = ()
    sample: str = "all"
    """``all`` (every reviewed unit) or ``overlap`` (documents of the assignment's overlap sample)."""
    sample_documents: int | None = None
    """Documents in the overlap sample (None for ``all``)."""

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data."""
        return asdict(self)


def agreement(
    store: Store,
    coders: Sequence[str] | None = None,
    *,
    unit: str = "passage",
    codes: str | None = None,
    codebook: str | None = None,
    sample: str = "all",
) -> AgreementReport:
    """Inter-coder agreement per code and overall, and the tagger scored against each coder.

    Args:
        store: the project.
        coders: the coders to compare (default: all but the consensus coder).
        unit: "passage" or "document".
        codes: code pattern (ids, group prefixes, globs; comma-separated).
        codebook: codebook name (default: the current one).
        sample: ``all`` (every unit the coders reviewed) or ``overlap`` (only the documents of the
            overlap sample of `reviewkit assign`, and their passages).

    Returns:
        The report; `intercoder` is None when fewer than two coders are named.

    Raises:
        NotFoundError: unknown coder, code pattern or no codebook (lists the valid ones).
        ReviewkitError: unknown unit or sample, no overlap sample, or no coder has decisions yet.
    """
    sel = select(store, coders, codes, codebook=codebook)
    if not sel.coders:
        raise ReviewkitError("No coder has made a decision yet: review with `reviewkit review` first.")
    documents = _sample(store, sample)
    reviewed, accepted, _rows = unit_data(store, sel, unit, documents)
    warnings: list[str] = []
    intercoder = None
    if len(sel.coders) >= 2:
        intercoder = compute_agreement(sel.coders, sel.codes, reviewed, accepted, unit=unit)
        if intercoder.units_all_reviewed == 0:
            warnings.append(f"No {unit} was reviewed by all of: {', '.join(sel.coders)}.")
    else:
        warnings.append(
            f"Only one coder ({sel.coders[0]}): inter-coder figures need two or more "
            "(a second coder can review blind with `reviewkit review --blind`)."
        )
    tagger = _tagger_rows(store, sel, unit, reviewed, accepted)
    if not tagger:
        warnings.append(
            "No tagger suggestions for the current codebook: run `reviewkit code` for tagger figures."
        )
    return AgreementReport(
        codebook=f"{sel.codebook_name} {sel.codebook_version}",
        unit=unit,
        coders=sel.coders,
        codes=sel.codes,
        intercoder=intercoder,
        tagger=tuple(tagger),
        warnings=tuple(warnings),
        sample=sample,
        sample_documents=None if documents is None else len(documents),
    )


def _sample(store: Store, sample: str) -> frozenset[int] | None:
    """The documents of a sample (None: all)."""
    if sample == "all":
        return None
    if sample != "overlap":
        raise ReviewkitError(f"Unknown sample {sample!r}. Use one of: all, overlap.")
    from reviewkit.project.assignments import overlap_documents

    docs = overlap_documents(store)
    if not docs:
        raise ReviewkitError(
            "No overlap sample: assign documents with `reviewkit assign --coders A,B --overlap 0.2` first."
        )
    return docs


def _tagger_rows(
    store: Store,
    sel: Selection,
    unit: str,
    reviewed: dict[str, set[int]],
    accepted: set[tuple[int, str, str]],
) -> list[TaggerAgreement]:
    suggested_rows = store.suggestions.suggested(sel.codebook_id)
    if not suggested_rows:
        return []
    idx = 0 if unit == "passage" else 1
    suggested = {(r[idx], r[2]) for r in suggested_rows}
    out: list[TaggerAgreement] = []
    for coder in sel.coders:
        units = reviewed.get(coder, set())
        pooled_units, pooled_applied, pooled_suggested = [], [], []
        for code in sel.codes:
            applied = {u for u in units if (u, code, coder) in accepted}
            sugg = {u for u in units if (u, code) in suggested}
            out.append(tagger_agreement(coder, code, units, applied, sugg))
            pooled_units += [(u, code) for u in units]
            pooled_applied += [(u, code) for u in applied]
            pooled_suggested += [(u, code) for u in sugg]
        out.append(tagger_agreement(coder, OVERALL, pooled_units, pooled_applied, pooled_suggested))
    return out
