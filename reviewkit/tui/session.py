"""Provides `ReviewSession`: the project, coder and options shared by every screen of the app."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from reviewkit.project import open_project
from reviewkit.project import review as svc
from reviewkit.records import DocumentFilter

if TYPE_CHECKING:
    from reviewkit.project import Store

PAGE = 100
"""Rows read from the database per page."""
RETRAIN_EVERY = 20
"""Default of `ReviewSession.retrain_every` (``reviewkit review --retrain-every``)."""


@dataclass
class DocFilters:
    """The filters of the documents list (passed to the documents list service)."""

    query: str = ""
    year_min: int | None = None
    year_max: int | None = None
    code: str = ""
    status: str = ""
    """"", "pending", "done" or "none"."""

    def as_filter(self, blind: bool = False, scope: frozenset[int] | None = None) -> DocumentFilter:
        """The filters as the store's `DocumentFilter` (blind: the code filter sees only the coder's own codes;
        scope: only these documents)."""
        return DocumentFilter(**{f.name: getattr(self, f.name) for f in fields(self)}, mine_only=blind, document_ids=scope)

    def describe(self) -> str:
        """A short human summary ("all documents" when nothing is filtered)."""
        parts = []
        if self.query:
            parts.append(f"search “{self.query}”")
        if self.year_min is not None or self.year_max is not None:
            parts.append(f"years {self.year_min or '…'}–{self.year_max or '…'}")
        if self.code:
            parts.append(f"code {self.code}")
        if self.status:
            parts.append(f"status {self.status}")
        return ", ".join(parts) or "all documents"


@dataclass
class ReviewSession:
    """What the screens share: the open project, who is coding, with which codebook, and how."""

    store: Store
    coder: str
    codebook_id: int | None
    blind: bool = False
    """Hide other coders' decisions."""
    hide_scores: bool = False
    """Hide the tagger's scores (with --blind: judge the text, not the number)."""
    advance: bool = True
    """After a/r, focus the passage's next code (False: stay on the code just decided)."""
    all_documents: bool = False
    """Every document, even once screening has begun (`reviewkit review --all`)."""
    scope: frozenset[int] | None = None
    """The documents the Documents, Queue and Trends screens show (None: all; see `refresh_scope`)."""
    scope_note: str = ""
    """The scope in words for the header ("" before screening)."""
    lock: threading.RLock = field(default_factory=threading.RLock)
    _reader: Store | None = None
    retrain_every: int = RETRAIN_EVERY
    """Retrain the tagger in the background after this many decisions in the session (0: never)."""
    decisions: int = 0
    """Decisions (accept, reject, add, done) made in this session since the last retrain started."""
    on_decisions: Callable[[int], None] | None = None
    """Called with `decisions` after each one (the app's `reviewkit.tui.retrain.Retrainer`)."""
    tagger_lock: threading.Lock = field(default_factory=threading.Lock)
    """Held while the tagger runs (Documents' ``t`` or a background retrain): runs never overlap."""
    embedder: Any = None
    """The embedding model, loaded by the app's first tagger run and reused (tests pass theirs)."""

    def count_decisions(self, n: int = 1) -> None:
        """Count `n` decisions made in the app (the background retrain starts every `retrain_every`)."""
        if n <= 0:
            return
        self.decisions += n
        if self.on_decisions is not None:
            self.on_decisions(self.decisions)

    @contextmanager
    def read(self) -> Iterator[Store]:
        """A second connection for worker threads, held under `lock` while in use.

        Reads on it never wait for the UI's writes (WAL mode). An in-memory project has no second
        connection: workers then read the UI's own connection.
        """
        with self.lock:
            if self._reader is None:
                self._reader = self.store if self.store.path == ":memory:" else open_project(self.store.path)
            yield self._reader

    def refresh_scope(self) -> None:
        """Recompute the scope (`reviewkit.project.scope`): once screening has begun, the included documents."""
        from reviewkit.project.scope import documents_in_scope, scope_note

        found = documents_in_scope(self.store, all_documents=self.all_documents)
        self.scope = None if found is None else frozenset(found)
        self.scope_note = scope_note(self.store, found)

    def close(self) -> None:
        """Close the worker connection (the main store belongs to the caller)."""
        with self.lock:
            if self._reader is not None and self._reader is not self.store:
                self._reader.close()
            self._reader = None

    def position(self, document_id: int, filters: DocFilters) -> int:
        """The 0-based index of a document in the filtered list order (year, id)."""
        return svc.document_position(self.store, document_id, self.coder, self.codebook_id, filters.as_filter(self.blind, self.scope))

    def document_at(self, index: int, filters: DocFilters) -> int | None:
        """The id of the document at `index` of the filtered list (None past either end)."""
        if index < 0:
            return None
        rows = svc.document_page(self.store, self.coder, self.codebook_id, filters.as_filter(self.blind, self.scope), offset=index, limit=1)
        return rows[0].id if rows else None
