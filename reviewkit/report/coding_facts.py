"""Provides the typed facts of the coding half of a methods section: codebook, automatic coding and its
validation, the human review and its agreement, and the trends.

Re-exported by `reviewkit.report.facts`, where callers import them from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

TrendRule = Literal["coder", "consensus", "any", "suggested"]
"""Which decisions make a document "coded" and "reviewed" in the trends (see docs/report.md)."""


@dataclass(frozen=True)
class CodeFacts:
    """One code of the codebook."""

    id: str
    """The dotted code id, e.g. "upgrading.functional"."""
    label: str
    """The English label."""
    label_zh: str
    """The Chinese label ("" when none)."""
    definition: str
    """The definition, as written in the codebook."""


@dataclass(frozen=True)
class CodebookFacts:
    """The codebook the passages were coded against."""

    name: str
    """The codebook's name."""
    version: str
    """The codebook's version."""
    codes: tuple[CodeFacts, ...]
    """Every code, in codebook order."""


@dataclass(frozen=True)
class CodeValidation:
    """The tagger against a gold file, for one code."""

    code: str
    """The code id."""
    positives: int
    """Gold passages carrying the code."""
    precision: float
    """Precision of the tagger's suggestions."""
    recall: float
    """Recall of the tagger's suggestions."""
    f1: float
    """F1 of the tagger's suggestions."""
    kappa: float | None
    """Cohen's kappa between tagger and gold (None when undefined)."""


@dataclass(frozen=True)
class ValidationFacts:
    """Validation of the tagger on a registered gold file."""

    gold_file: str
    """The gold file's name."""
    passages: int
    """Passages in the gold file."""
    macro_f1: float
    """Macro-averaged F1 over the codes."""
    micro_f1: float
    """Micro-averaged F1 over all (passage, code) pairs."""
    mean_kappa: float
    """Mean of the per-code Cohen's kappas."""
    per_code: tuple[CodeValidation, ...]
    """The figures per code."""
    registered_on: date | None = None
    """The day the validation was registered in the project (`reviewkit evaluate GOLD --register`)."""
    sha256: str = ""
    """The gold file's SHA-256 (identifies the exact file)."""
    by_language: tuple[tuple[str, int, float], ...] = ()
    """(language, passages, macro-averaged F1) per language of the gold file."""


@dataclass(frozen=True)
class AutoCodingFacts:
    """How passages were coded automatically."""

    model: str
    """The sentence-embedding model's name."""
    tagger_version: str
    """The tagger's version."""
    passages: int
    """Passages (title and abstract sentences) the tagger scored."""
    suggestions: int
    """Suggestions at or above their code's threshold."""
    thresholds: tuple[tuple[str, float], ...]
    """The decision threshold per code id."""
    decisions_learnt: int
    """Reviewer decisions the tagger learnt from (0: codebook only)."""
    validation: ValidationFacts | None = None
    """Validation on a registered gold file (None: never validated)."""
    method: str = (
        "keyword rules in English and Chinese combined with the cosine similarity of sentence "
        "embeddings to each code's definition and examples"
    )
    """How a passage's score per code was computed, in words (completes "scored by ...")."""


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement between the human coders on one code."""

    code: str
    """The code id."""
    units: int
    """Passages coded by every coder (the units of the coefficients)."""
    kappa: float | None
    """Cohen's kappa (mean over coder pairs when more than two)."""
    alpha: float | None
    """Krippendorff's alpha (nominal)."""
    percent: float
    """Percent agreement, as a fraction (0.93 = 93 %)."""
    band: str
    """The Landis–Koch band of `kappa` in words."""


@dataclass(frozen=True)
class HumanReviewFacts:
    """The human review of the tagger's suggestions."""

    coders: tuple[str, ...]
    """The coders' names."""
    blind: bool
    """Whether the coders worked blind to each other's decisions."""
    documents_reviewed: int
    """Documents every passage of which a coder marked reviewed."""
    documents_total: int
    """Documents in the coded corpus."""
    passages_reviewed: int
    """Passages a coder marked reviewed."""
    passages_total: int
    """Passages in the coded corpus."""
    overlap_documents: int
    """Documents reviewed by every coder (the reliability sample)."""
    agreement: tuple[CodeAgreement, ...]
    """Agreement per code on the reliability sample (empty with one coder)."""
    disagreements_resolved: int
    """Disagreements settled by consensus or adjudication."""
    disagreements_unresolved: int
    """Disagreements still open."""


@dataclass(frozen=True)
class TrendCell:
    """One period × code group of the trends."""

    period: str
    """The period's label, e.g. "1995-1999" or "2003"."""
    group: str
    """The code or code group id."""
    reviewed: int
    """Reviewed documents of the period (the denominator)."""
    coded: int
    """Reviewed documents of the period carrying the code (or any code of the group)."""
    published: int | None = None
    """Every document of the period, reviewed or not (None: not known)."""

    @property
    def share(self) -> float | None:
        """`coded / reviewed` (None when nothing of the period was reviewed)."""
        return self.coded / self.reviewed if self.reviewed else None


@dataclass(frozen=True)
class TrendFacts:
    """Shares of reviewed documents with each code group, per period."""

    rule: TrendRule
    """Which decisions count: one coder's ("coder"), consensus ("consensus") or any coder's ("any")."""
    cells: tuple[TrendCell, ...]
    """Every period × group, periods in chronological order."""
    groups: tuple[tuple[str, str], ...]
    """(group id, label) of the groups shown, in legend order."""
    coder: str = ""
    """The coder when `rule` is "coder"."""
    documents_unreviewed: int = 0
    """Documents with a publication year that no decision of the rule reviewed (not in any share)."""
    source: str = ""
    """The source as `reviewkit trends --source` names it (``consensus``, ``coder:alice`` ...; "" = `rule`)."""

    @property
    def periods(self) -> list[str]:
        """The periods in order of first appearance."""
        return list(dict.fromkeys(c.period for c in self.cells))
