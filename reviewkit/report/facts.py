"""Provides the typed facts a methods section and a PRISMA 2020 flow diagram are rendered from.

The project layer fills these frozen dataclasses from the project file; the renderers in
`reviewkit.report` only read them, so every number a report prints comes from one of these fields
(or is a sum or share of them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reviewkit.report.coding_facts import (
    AutoCodingFacts,
    CodeAgreement,
    CodebookFacts,
    CodeFacts,
    CodeValidation,
    HumanReviewFacts,
    TrendCell,
    TrendFacts,
    TrendRule,
    ValidationFacts,
)

__all__ = [
    "LOW_AGREEMENT_BANDS",
    "AutoCodingFacts",
    "CodeAgreement",
    "CodeFacts",
    "CodeValidation",
    "CodebookFacts",
    "Count",
    "DedupeFacts",
    "HumanReviewFacts",
    "PrismaCounts",
    "ReportFacts",
    "ScreeningFacts",
    "ScreeningStopFacts",
    "SourceFacts",
    "TrendCell",
    "TrendFacts",
    "TrendRule",
    "ValidationFacts",
]

Count = tuple[str, int]
"""A labelled count: (label, n), e.g. ("Web of Science", 412) or ("wrong study type", 9)."""

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
