"""Provides the rows a review state is built from (`Decision`, `PassageReview`, `SuggestedCode`), the
`SourceView` it answers with, and the source names (`parse_source`).

Re-exported by `reviewkit.analysis.review_state`, where callers import them from.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from reviewkit.errors import ReviewkitError

CONSENSUS = "consensus"
"""The coder name under which final (adjudicated) decisions are stored."""

ACCEPTED = "accepted"
REJECTED = "rejected"
STATUSES = (ACCEPTED, REJECTED)

SOURCES = ("any", "consensus", "suggested", "coder:NAME")
"""The source names `ReviewState.view` understands (``coder:NAME`` for a named coder)."""


@dataclass(frozen=True)
class Decision:
    """One coder's decision on (passage, code)."""

    passage_id: int
    document_id: int
    code_id: str
    coder: str
    """A coder's name; ``consensus`` for the final (adjudicated) decision."""
    status: str
    """``accepted`` or ``rejected``."""
    origin: str = "suggestion"
    """``suggestion`` (a tagger suggestion decided), ``manual`` (a code the coder added), ``import``..."""


@dataclass(frozen=True)
class PassageReview:
    """A coder's done mark: "this passage is reviewed, no further codes"."""

    passage_id: int | None
    """The passage; None marks the whole document done (every passage, present and future)."""
    document_id: int
    coder: str


@dataclass(frozen=True)
class SuggestedCode:
    """A tagger suggestion on a passage (counted when ``score >= threshold``)."""

    passage_id: int
    document_id: int
    code_id: str
    score: float = 1.0
    threshold: float = 0.0


@dataclass(frozen=True)
class SourceView:
    """What counts under one source: the denominator and the applied pairs."""

    source: str
    """``any``, ``consensus``, ``suggested`` or ``coder:NAME``."""
    reviewed: frozenset[int]
    """Document ids that count as reviewed (the denominator of shares)."""
    applied: frozenset[tuple[int, str]]
    """(document id, code id) pairs that count as applied; every document is in `reviewed`."""
    applied_passages: frozenset[tuple[int, str]]
    """(passage id, code id) pairs that count as applied, on reviewed documents only."""

    def codes_of(self, document_id: int) -> frozenset[str]:
        """The codes that count as applied on one document (empty when none or not reviewed)."""
        return self.by_document.get(document_id, frozenset())

    def value(self, document_id: int, code_id: str) -> int | None:
        """A wide-table cell: 1 applied, 0 reviewed without the code, None (blank) not reviewed."""
        if document_id not in self.reviewed:
            return None
        return 1 if code_id in self.codes_of(document_id) else 0

    def passages_with(self, code_id: str) -> list[int]:
        """The passages where a code counts as applied (sorted): code retrieval under this source."""
        return sorted(p for p, c in self.applied_passages if c == code_id)

    @cached_property
    def by_document(self) -> dict[int, frozenset[str]]:
        """Document id -> the codes that count as applied there (documents with none left out)."""
        out: dict[int, set[str]] = defaultdict(set)
        for d, c in self.applied:
            out[d].add(c)
        return {d: frozenset(cs) for d, cs in out.items()}


def parse_source(source: str) -> tuple[str, str | None]:
    """Split a source name into (kind, coder).

    Args:
        source: ``any``, ``consensus``, ``suggested`` or ``coder:NAME``.

    Returns:
        ``("coder", NAME)`` for a coder source, else ``(source, None)``.

    Raises:
        ReviewkitError: an unknown source or ``coder:`` without a name.
    """
    if source.startswith("coder:"):
        name = source[len("coder:") :].strip()
        if not name:
            raise ReviewkitError("Source 'coder:' needs a coder name, e.g. coder:alice.")
        return "coder", name
    if source in ("any", CONSENSUS, "suggested"):
        return source, None
    raise ReviewkitError(f"Unknown source {source!r}. Use one of: {', '.join(SOURCES)}.")
