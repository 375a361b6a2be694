"""Provides the records of codebooks and review work: versions, codes, audit, screening, memos, assignments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
