"""Provides the typed facts a methods section and a PRISMA 2020 flow diagram are rendered from.

The project layer fills these frozen dataclasses from the project file; the renderers in
`reviewkit.report` only read them, so every number a report prints comes from one of these fields
(or is a sum or share of them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Count = tuple[str, int]
"""A labelled count: (label, n), e.g. ("Web of Science", 412) or ("wrong study type", 9)."""

TrendRule = Literal["coder", "consensus", "any", "suggested"]
"""Which decisions make a document "coded" and "reviewed" in the trends (see docs/report.md)."""

LOW_AGREEMENT_BANDS = ("poor", "slight", "fair")
"""Landis–Koch bands that the limitations paragraph reports as low agreement."""


def _total(counts: tuple[Count, ...]) -> int:
    return sum(n for _, n in counts)


@dataclass(frozen=True)
class PrismaCounts:
    """The numbers of the PRISMA 2020 flow diagram for new reviews (databases and registers only).

    PRISMA counts *records* (a title/abstract entry from a database) up to title/abstract screening
    and *reports* (the full text of a record) from retrieval on.
    """

    databases: tuple[Count, ...]
    """Records identified per database or source file, in the order they are listed."""
    duplicates_automatic: int
    """Duplicate records removed automatically (exact identifiers or an automatic rule)."""
    duplicates_manual: int
    """Duplicate records removed by a person (near-duplicates confirmed by a reviewer)."""
    removed_other: int
    """Records removed before screening for other reasons (e.g. unreadable, no title)."""
    screened: int
    """Records screened (title and abstract)."""
    excluded_screening: int
    """Records excluded at title/abstract screening."""
    sought: int
    """Reports sought for retrieval (full texts of the records that passed screening)."""
    not_retrieved: int
    """Reports sought but not retrieved."""
    assessed: int
    """Reports assessed for eligibility (full-text stage)."""
    excluded_reasons: tuple[Count, ...]
    """Reports excluded at the eligibility stage, with the count per reason."""
    included: int
    """Studies included in the review."""
    registers: tuple[Count, ...] = ()
    """Records identified per trial or study register (usually none in a literature review)."""
    ineligible_automation: int = 0
    """Records marked as ineligible by automation tools before screening (drawn only when > 0)."""
    included_reports: int | None = None
    """Reports of the included studies, when it differs from the number of studies (None: not drawn)."""

    @property
    def identified_databases(self) -> int:
        """Records identified from all databases."""
        return _total(self.databases)

    @property
    def identified_registers(self) -> int:
        """Records identified from all registers."""
        return _total(self.registers)

    @property
    def identified(self) -> int:
        """Records identified from databases and registers together."""
        return self.identified_databases + self.identified_registers

    @property
    def duplicates(self) -> int:
        """Duplicate records removed (automatically and by a person)."""
        return self.duplicates_automatic + self.duplicates_manual

    @property
    def removed_before_screening(self) -> int:
        """Every record removed before screening."""
        return self.duplicates + self.ineligible_automation + self.removed_other

    @property
    def excluded_eligibility(self) -> int:
        """Reports excluded at the eligibility stage (the sum over the reasons)."""
        return _total(self.excluded_reasons)

    def check(self) -> list[str]:
        """The arithmetic inconsistencies of the flow, one sentence each (empty when it adds up).

        Returns:
            Messages naming the boxes and numbers that disagree, e.g. "Records screened (n = 90) should
            equal records identified (n = 100) minus records removed before screening (n = 12) = 88."
        """
        problems: list[str] = []
        for name, value in self._all_counts():
            if value < 0:
                problems.append(f"{name} is negative (n = {value}).")
        expected = self.identified - self.removed_before_screening
        if self.screened != expected:
            problems.append(
                f"Records screened (n = {self.screened}) should equal records identified "
                f"(n = {self.identified}) minus records removed before screening "
                f"(n = {self.removed_before_screening}) = {expected}."
            )
        if self.excluded_screening + self.sought != self.screened:
            problems.append(
                f"Records excluded (n = {self.excluded_screening}) plus reports sought for retrieval "
                f"(n = {self.sought}) should equal records screened (n = {self.screened})."
            )
        if self.assessed + self.not_retrieved != self.sought:
            problems.append(
                f"Reports assessed for eligibility (n = {self.assessed}) plus reports not retrieved "
                f"(n = {self.not_retrieved}) should equal reports sought for retrieval (n = {self.sought})."
            )
        expected = self.assessed - self.excluded_eligibility
        if self.included != expected:
            problems.append(
                f"Studies included (n = {self.included}) should equal reports assessed "
                f"(n = {self.assessed}) minus reports excluded (n = {self.excluded_eligibility}) "
                f"= {expected}."
            )
        if self.included_reports is not None and self.included_reports < self.included:
            problems.append(
                f"Reports of included studies (n = {self.included_reports}) cannot be fewer than the "
                f"studies included (n = {self.included})."
            )
        return problems

    def _all_counts(self) -> list[tuple[str, int]]:
        out = [(f"Records identified from {label}", n) for label, n in self.databases + self.registers]
        out += [(f"Reports excluded ({reason})", n) for reason, n in self.excluded_reasons]
        out += [
            ("Duplicate records removed automatically", self.duplicates_automatic),
            ("Duplicate records removed by a person", self.duplicates_manual),
            ("Records marked as ineligible by automation tools", self.ineligible_automation),
            ("Records removed for other reasons", self.removed_other),
            ("Records screened", self.screened),
            ("Records excluded", self.excluded_screening),
            ("Reports sought for retrieval", self.sought),
            ("Reports not retrieved", self.not_retrieved),
            ("Reports assessed for eligibility", self.assessed),
            ("Studies included", self.included),
        ]
        if self.included_reports is not None:
            out.append(("Reports of included studies", self.included_reports))
        return out


@dataclass(frozen=True)
class SourceFacts:
    """One imported file (or database search)."""

    label: str
    """The database or file name as the reader knows it, e.g. "Web of Science Core Collection"."""
    file: str
    """The imported file's name (no directory)."""
    format: str
    """The import format, e.g. "wos", "ris", "cnki"."""
    imported_on: date
    """The day of the import."""
    records: int
    """Records in the file (identified by the search), including any skipped as unreadable."""
    skipped: int = 0
    """Records skipped as unreadable (with a message at import)."""


@dataclass(frozen=True)
class DedupeFacts:
    """How duplicates were found and removed."""

    rule: str
    """The rule in words, past tense, e.g. "records sharing a DOI, or whose normalised titles ..."."""
    automatic: int
    """Duplicates merged automatically by the rule."""
    manual: int
    """Duplicates merged by a person after review of the candidate pairs."""
    candidates_kept: int = 0
    """Candidate pairs a person reviewed and kept as distinct records."""


@dataclass(frozen=True)
class ScreeningFacts:
    """The title/abstract screening (and full-text stage, when there was one)."""

    reviewers: tuple[str, ...]
    """The screeners' names."""
    blind: bool
    """Whether the screeners decided blind to each other's decisions."""
    records_total: int
    """Records eligible for screening (after deduplication)."""
    screened: int
    """Records screened by at least one reviewer."""
    included: int
    """Records included at title/abstract screening."""
    excluded: int
    """Records excluded at title/abstract screening."""
    double_screened: int = 0
    """Records screened independently by two reviewers."""
    kappa: float | None = None
    """Cohen's kappa of the include/exclude decisions of the double-screened records."""
    kappa_band: str = ""
    """The Landis–Koch band of `kappa` in words."""
    conflicts_resolved: int = 0
    """Conflicting decisions resolved by a lead reviewer."""
    ranked: bool = False
    """Whether records were presented in the order of a model retrained on every decision."""
    full_text: bool = False
    """Whether a full-text eligibility stage followed (reports assessed, excluded with reasons)."""
    stop: ScreeningStopFacts | None = None
    """The lead reviewer's early stop of title/abstract screening (None: not stopped)."""


@dataclass(frozen=True)
class ScreeningStopFacts:
    """Screening stopped early (`reviewkit screen stop`): the figures at the stop, the rule (and whether it was
    met) and the records no reviewer screened (PRISMA 2020: excluded by automation tools)."""

    stopped_on: date
    lead: str
    screened: int
    since_last_inclusion: int
    rule: str
    rule_met: bool
    not_screened: int


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


@dataclass(frozen=True)
class ReportFacts:
    """Everything a methods section states, as the project knows it."""

    project: str
    """The project's name (the file's stem)."""
    generated_on: date
    """The day the report was made."""
    reviewkit_version: str
    """The reviewkit version that made it."""
    sources: tuple[SourceFacts, ...]
    """The imported files, in import order."""
    documents: int
    """Unique records (documents) in the project after deduplication."""
    dedupe: DedupeFacts
    """Deduplication."""
    codebook: CodebookFacts
    """The codebook."""
    auto_coding: AutoCodingFacts
    """Automatic coding."""
    review: HumanReviewFacts
    """Human review."""
    trends: TrendFacts | None = None
    """Trends over reviewed documents (None: no document has a year or none was reviewed)."""
    screening: ScreeningFacts | None = None
    """Screening (None: no screening; every document was coded)."""
    prisma: PrismaCounts | None = None
    """The PRISMA flow (None: no screening)."""
    unreviewed_suggestions: int = 0
    """Suggestions at or above threshold that no coder has accepted or rejected."""
    few_positives: tuple[Count, ...] = ()
    """(code id, accepted passages) of codes with fewer than `few_positives_below` positives."""
    few_positives_below: int = 0
    """The cut-off under which a code counts as having few positives (0: not assessed)."""
