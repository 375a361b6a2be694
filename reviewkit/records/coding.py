"""Provides the records of coding: passages, tagger suggestions and runs, coders' decisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
    assigned: bool = False
    """The document is assigned to the queue's coder (such suggestions come first)."""


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
