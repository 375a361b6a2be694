"""Provides the views the review screens show: thin wrappers over the stored records.

A view holds the record it shows (`Passage`, `Document`, `StoredSuggestion`) and adds only what a
screen needs besides it (labels, the decisions taken); it never copies the record's fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from reviewkit.records import Document, Evidence, Passage, StoredSuggestion


@dataclass
class SuggestionView:
    """A code shown beside a passage: a stored tagger suggestion, or a code a coder added by hand.

    A thin wrapper: the suggestion's own fields are read from `stored`; the view adds only what the
    screen needs besides (the label and the decisions taken).
    """

    passage_id: int
    code_id: str
    label: str
    stored: StoredSuggestion | None = None
    """The tagger's suggestion; None for a code added by hand."""
    passage_length: int = 0
    """Length of the passage text (evidence offsets beyond it are not shown)."""
    mine: str | None = None
    """This coder's decision: accepted, rejected or None."""
    others: dict[str, str] = dataclass_field(default_factory=dict)
    """Other coders' decisions (empty in blind mode)."""

    @property
    def suggestion_id(self) -> int | None:
        """The stored suggestion's id (None for a code added by hand)."""
        return self.stored.id if self.stored is not None else None

    @property
    def score(self) -> float | None:
        """The tagger's calibrated score."""
        return self.stored.score if self.stored is not None else None

    @property
    def threshold(self) -> float | None:
        """The code's threshold when the suggestion was made."""
        return self.stored.threshold if self.stored is not None else None

    @property
    def method(self) -> str:
        """How the score was made (``manual`` for a code added by hand)."""
        return self.stored.suggestion.method if self.stored is not None else "manual"

    @property
    def evidence(self) -> Evidence:
        """The suggestion's evidence (empty for a code added by hand)."""
        return self.stored.suggestion.evidence if self.stored is not None else Evidence()

    @property
    def terms(self) -> list[tuple[str, int, int]]:
        """Matched keywords as (term, start, end) offsets into the passage text."""
        length = self.passage_length
        return [(t, a, b) for t, a, b in self.evidence.terms if 0 <= a < b <= length]

    @property
    def nearest_example(self) -> str:
        """The codebook example most similar to the passage."""
        return self.evidence.nearest_example

    @property
    def similarity(self) -> float | None:
        """Cosine similarity to that example (None when there is none)."""
        ev = self.evidence
        return ev.similarity if ev.nearest_example or ev.similarity else None

    @property
    def suggested(self) -> bool:
        """Whether the tagger's score reaches the threshold."""
        return self.score is not None and self.threshold is not None and self.score >= self.threshold


@dataclass
class PassageView:
    """A passage (the stored record) with the codes to review on it."""

    passage: Passage
    items: list[SuggestionView] = dataclass_field(default_factory=list)
    done: bool = False
    """The coder marked the passage done ("reviewed, no further codes")."""

    @property
    def undecided(self) -> int:
        """Suggestions at or above threshold the coder has not decided yet."""
        return sum(1 for it in self.items if it.suggested and it.mine is None)

    @property
    def id(self) -> int:
        """The passage's id."""
        return int(self.passage.id or 0)

    @property
    def field(self) -> str:
        """title, abstract, title_alt or abstract_alt."""
        return self.passage.field

    @property
    def seq(self) -> int:
        """Order within the document."""
        return self.passage.seq

    @property
    def start(self) -> int:
        """Offset of the first character in the field's text."""
        return self.passage.start

    @property
    def end(self) -> int:
        """Offset one past the last character."""
        return self.passage.end

    @property
    def text(self) -> str:
        """The passage text."""
        return self.passage.text

    @property
    def lang(self) -> str:
        """The passage's language."""
        return self.passage.lang


@dataclass
class DocumentView:
    """Everything the review screen shows about one document: the stored record and its passages."""

    document: Document
    passages: list[PassageView] = dataclass_field(default_factory=list)

    @property
    def id(self) -> int:
        """The document's id."""
        return self.document.id

    @property
    def title(self) -> str:
        """Title in the document's main language."""
        return self.document.title

    @property
    def abstract(self) -> str:
        """Abstract in the document's main language."""
        return self.document.abstract

    @property
    def title_alt(self) -> str:
        """Second-language title."""
        return self.document.title_alt

    @property
    def abstract_alt(self) -> str:
        """Second-language abstract."""
        return self.document.abstract_alt

    @property
    def year(self) -> int | None:
        """Publication year."""
        return self.document.year

    @property
    def authors(self) -> list[str]:
        """Authors as written in the source."""
        return list(self.document.authors)

    @property
    def journal(self) -> str:
        """Journal or source title."""
        return self.document.journal
