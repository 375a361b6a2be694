"""Provides the small frozen dataclasses passed between layers (no I/O, stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Record:
    """One bibliographic item as read from an export file, before it is stored.

    The main language fields (`title`, `abstract`, `authors`, `journal`) hold the record's
    primary metadata; the `*_alt` fields hold a second-language copy where the record has one
    (Chinese papers usually carry Chinese and English metadata side by side).
    """

    title: str = ""
    """Title in the record's primary language."""
    abstract: str = ""
    """Abstract text (may be empty)."""
    authors: tuple[str, ...] = ()
    """Authors as written in the source ("Family, Given" or "文嫮")."""
    year: int | None = None
    """Publication year."""
    journal: str = ""
    """Journal / source title."""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    """DOI without a resolver prefix, lower-cased."""
    keywords: tuple[str, ...] = ()
    language: str = ""
    """ISO 639-1 code of `title`/`abstract` ("en", "zh", ...); "" when unknown."""
    type: str = ""
    """Normalised item type: journal-article, book, chapter, conference-paper, thesis, report, newspaper, patent, standard, other."""
    title_alt: str = ""
    """Second-language title."""
    abstract_alt: str = ""
    authors_alt: tuple[str, ...] = ()
    journal_alt: str = ""
    language_alt: str = ""
    """Language of the `*_alt` fields."""
    url: str = ""
    key: str = ""
    """Identifier given by the source (WoS UT, PMID, Scopus EID, BibTeX key, RIS ID); "" if none."""
    source_format: str = ""
    """Name of the importer that read the record (e.g. "ris")."""
    source_file: str = ""
    source_line: int | None = None
    """1-based line of the file where the record starts."""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """The record's fields as the source gave them (JSON-serialisable)."""


@dataclass(frozen=True)
class SkippedRecord:
    """A record an importer could not read, reported instead of raised under --skip-bad."""

    path: str
    line: int | None
    reason: str
    record: int | None = None

    def __str__(self) -> str:
        where = self.path + (f", line {self.line}" if self.line is not None else "")
        if self.record is not None:
            where += f" (record {self.record})"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Passage:
    """A unit of coding: one sentence (or short run of sentences) of a document field."""

    document_id: int
    field: str
    """"title" or "abstract" (or "title_alt"/"abstract_alt")."""
    seq: int
    """0-based order of the passage within the document (title first)."""
    start: int
    """Character offset of the passage's first character in the field's text."""
    end: int
    """Offset one past its last character: `text == field_text[start:end]`."""
    text: str
    lang: str
    id: int | None = None


@dataclass(frozen=True)
class Evidence:
    """Why the tagger suggests a code for a passage."""

    terms: tuple[tuple[str, int, int], ...] = ()
    """Matched keywords as (term, start, end) offsets into the passage text."""
    negatives: tuple[str, ...] = ()
    """Negative keywords that matched and lowered the score."""
    nearest_example: str = ""
    """The codebook example most similar to the passage."""
    similarity: float = 0.0
    """Cosine similarity to that example (or to the definition)."""
    parts: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
    """Component scores (lexical, semantic, classifier ...) that made the final score."""


@dataclass(frozen=True)
class Suggestion:
    """A code the tagger proposes for a passage."""

    passage_id: int
    code_id: str
    score: float
    """Calibrated score in [0, 1]."""
    threshold: float
    """The code's threshold at the time of tagging (score >= threshold means suggested)."""
    method: str
    """lexical, semantic, learned or hybrid."""
    evidence: Evidence
    tagger_version: str


@dataclass(frozen=True)
class Coding:
    """A coder's decision on (passage, code)."""

    passage_id: int
    code_id: str
    coder: str
    status: str
    """"accepted" or "rejected"."""
    origin: str = "manual"
    """"suggestion" or "manual" or "import"."""
    decided_at: str = ""
    id: int | None = None
    codebook_id: int | None = None
    """The codebook version the decision was made under."""
    suggestion_id: int | None = None
    """The suggestion the decision answers, if any."""
    score: float | None = None
    """The suggestion's score at the time of the decision."""
    created_at: str = ""
    document_id: int | None = None
    """The passage's document (filled by the queries that join it)."""


@dataclass(frozen=True)
class Document:
    """A stored document: its project id and key, and the bibliographic fields of its record."""

    id: int
    key: str
    title: str = ""
    abstract: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    type: str = ""
    language: str = ""
    title_alt: str = ""
    abstract_alt: str = ""
    authors_alt: tuple[str, ...] = ()
    journal_alt: str = ""
    language_alt: str = ""
    keywords: tuple[str, ...] = ()
    url: str = ""
    source_format: str = ""
    source_file: str = ""
    imported_at: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """The raw record of the document's first source (filled only by `documents.get`)."""

    @property
    def display_title(self) -> str:
        """The title, or the second-language title when the first is empty."""
        return self.title or self.title_alt

    def to_record(self) -> Record:
        """The document's fields as a `Record` (for merging duplicates)."""
        return Record(
            title=self.title, abstract=self.abstract, authors=self.authors, year=self.year,
            journal=self.journal, volume=self.volume, issue=self.issue, pages=self.pages, doi=self.doi,
            keywords=self.keywords, language=self.language, type=self.type, title_alt=self.title_alt,
            abstract_alt=self.abstract_alt, authors_alt=self.authors_alt, journal_alt=self.journal_alt,
            language_alt=self.language_alt, url=self.url, source_format=self.source_format,
            source_file=self.source_file, raw=self.raw,
        )  # fmt: skip


@dataclass(frozen=True)
class DocumentSource:
    """One imported record that became (or was merged into) a document."""

    id: int
    document_id: int
    import_id: int | None
    source_format: str
    source_file: str
    source_line: int | None
    source_key: str
    duplicate_of_existing: bool
    match_reason: str
    similarity: float | None
    imported_at: str


@dataclass(frozen=True)
class ImportRun:
    """One run of `reviewkit import` over one file."""

    id: int
    path: str
    format: str
    sha256: str
    started_at: str
    finished_at: str | None
    records: int
    added: int
    merged: int
    skipped: int
    skipped_detail: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportTotals:
    """Counts over every import run and the corpus (for the methods report)."""

    imports: int
    records: int
    added: int
    merged: int
    skipped: int
    documents: int
    passages: int


@dataclass(frozen=True)
class CorpusStats:
    """Counts of a project's corpus (`reviewkit stats`, the methods report)."""

    documents: int
    records_imported: int
    duplicates_merged: int
    records_skipped: int
    imports: int
    with_abstract: int
    bilingual: int
    years: list[int]
    by_year: list[tuple[int | None, int]]
    by_language: dict[str, int]
    by_format: dict[str, int]
    passages: int
    suggestions: int
    codings: int

    def to_dict(self) -> dict[str, Any]:
        """The counts as a JSON-ready mapping."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class DocumentStatus:
    """One row of a page of documents, with a coder's review status under a codebook version."""

    id: int
    year: int | None
    first_author: str
    title: str
    suggested: int
    """Suggestions whose score reaches the threshold."""
    pending: int
    """Of those, how many the coder has not decided yet."""


@dataclass(frozen=True)
class DocumentFilter:
    """Which documents a page of documents shows."""

    query: str = ""
    """Full-text query ("" for all)."""
    year_min: int | None = None
    year_max: int | None = None
    code: str = ""
    """A code id or group prefix: documents with it suggested or accepted."""
    status: str = ""
    """pending, done or none ("" for any)."""


@dataclass(frozen=True)
class SearchHit:
    """A full-text search result."""

    id: int
    key: str
    year: int | None
    title: str
    title_alt: str
    authors: tuple[str, ...]
    rank: float
    """FTS5 rank: lower is better."""
    snippet: str
    """Part of the abstract around the matches, each match between MATCH_START and MATCH_END."""


MATCH_START = "\x02"
"""Marks the start of a matched word in `SearchHit.snippet` (front ends style or strip it)."""
MATCH_END = "\x03"
"""Marks the end of a matched word in `SearchHit.snippet`."""


@dataclass(frozen=True)
class StoredSuggestion:
    """A tagger suggestion as stored: the `Suggestion` with its ids."""

    id: int
    suggestion: Suggestion
    codebook_id: int
    document_id: int
    run_id: int | None = None

    @property
    def passage_id(self) -> int:
        """The passage it is on."""
        return self.suggestion.passage_id

    @property
    def code_id(self) -> str:
        """The suggested code."""
        return self.suggestion.code_id

    @property
    def score(self) -> float:
        """Calibrated score."""
        return self.suggestion.score

    @property
    def threshold(self) -> float:
        """The code's threshold when tagged."""
        return self.suggestion.threshold

    @property
    def suggested(self) -> bool:
        """Whether the score reaches the threshold."""
        return self.suggestion.score >= self.suggestion.threshold


@dataclass(frozen=True)
class QueueEntry:
    """One undecided suggestion of the review queue with its passage and document."""

    suggestion: StoredSuggestion
    passage: Passage
    title: str
    year: int | None


@dataclass(frozen=True)
class PassageContext:
    """A passage with the key, title and year of its document."""

    passage: Passage
    document_key: str
    title: str
    year: int | None


@dataclass(frozen=True)
class TagRun:
    """One tagger run (provenance of its suggestions)."""

    id: int
    codebook_id: int
    tagger_version: str
    config: dict[str, Any]
    model: str
    started_at: str
    finished_at: str | None
    documents: int
    passages: int
    suggestions: int
    status: str = "finished"
    """running, finished or killed."""
    decisions: int = 0
    """How many reviewer decisions the run learnt from."""


@dataclass(frozen=True)
class CodebookVersion:
    """One stored version of a codebook."""

    id: int
    name: str
    version: str
    content_hash: str
    path: str
    loaded_at: str
    is_current: bool
    """The current version of its name (the one a new load of the same name replaces)."""
    codes: int = 0
    """How many codes it has."""
    number: int = 1
    """1-based load order among the versions of its name."""
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """The codebook in canonical form (the dict `codebook_to_dict` gives); filled by `codebooks.get`."""


@dataclass(frozen=True)
class CodeRecord:
    """One stored code of a codebook version."""

    codebook_id: int
    code_id: str
    parent: str | None
    position: int
    label: str
    label_zh: str
    definition: str
    include: str
    exclude: str
    keywords: dict[str, Any]
    negative_keywords: dict[str, Any]
    examples: dict[str, Any]
    threshold: float | None
    color: str
    code_hash: str


@dataclass(frozen=True)
class CodingRow:
    """One decision of one coder on one passage × code, with its context (the long format)."""

    document_id: int
    document_key: str
    doi: str
    year: int | None
    title: str
    passage_id: int
    field: str
    start: int
    end: int
    passage_text: str
    code_id: str
    code_label: str
    status: str
    coder: str
    origin: str = ""
    score: float | None = None
    method: str = ""
    evidence: Any = None
    decided_at: str = ""


@dataclass(frozen=True)
class AuditEntry:
    """One row of the append-only audit log."""

    id: int
    at: str
    coder: str
    action: str
    target: dict[str, Any]
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    batch: str
    undoes: int | None = None


@dataclass(frozen=True)
class Change:
    """One change an undo or redo made: the target row and its state before and after."""

    target: dict[str, Any]
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class UndoStep:
    """What one undo or redo did."""

    action: str
    """"undo" or "redo"."""
    batch: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class ScreeningDecision:
    """A coder's screening decision on a document at one stage."""

    document_id: int
    coder: str
    stage: str
    """title_abstract or full_text."""
    decision: str
    """include, exclude, maybe (and not_retrieved at full_text)."""
    reason: str
    note: str
    decided_at: str


@dataclass(frozen=True)
class ScreeningProtocol:
    """The screening criteria of a project."""

    criteria: str
    reasons: tuple[str, ...]
    """The exclusion reasons a screener picks from."""
    source: str
    """The YAML the protocol was loaded from (comments kept)."""
    updated_at: str


@dataclass(frozen=True)
class Memo:
    """A note a coder wrote on a passage, document, code or the project."""

    id: int
    target_kind: str
    """passage, document, code or project."""
    target: str
    coder: str
    text: str
    created_at: str
    updated_at: str
    deleted_at: str | None = None


@dataclass(frozen=True)
class Assignment:
    """A document assigned to a coder."""

    document_id: int
    coder: str
    overlap: bool
    """Part of the sample every coder codes (for agreement)."""
    seed: int | None
    created_at: str


@dataclass(frozen=True)
class PassageReview:
    """A coder marked a passage reviewed ("done") under a codebook."""

    passage_id: int
    coder: str
    codebook: str
    """The codebook name."""
    reviewed_at: str
