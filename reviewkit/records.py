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
    context: tuple[str, ...] = ()
    """Passages of the same document (title, neighbouring sentences) whose evidence raised the score
    (empty when the passage's own words carried it alone); ``parts["context"]`` is the amount."""


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
