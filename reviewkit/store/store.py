"""Provides `Store`: the one place that reads and writes a project's SQLite file.

The store is cut by data: one part object per kind of data, each owning every query on it,
whoever calls it (``store.documents.get(7)``, ``store.codings.set(...)``). `StoreBase` holds the
connection, migrations, transactions and the ``meta`` settings.
"""

from __future__ import annotations

from sqlite_utils import Database

from reviewkit.store.assignments import Assignments
from reviewkit.store.audit import Audit
from reviewkit.store.base import StoreBase
from reviewkit.store.codebooks import Codebooks
from reviewkit.store.codings import Codings
from reviewkit.store.documents import Documents
from reviewkit.store.embeddings import Embeddings
from reviewkit.store.facts import ProjectFacts
from reviewkit.store.imports import Imports
from reviewkit.store.memos import Memos
from reviewkit.store.passages import Passages
from reviewkit.store.reviews import Reviews
from reviewkit.store.screening import Screening
from reviewkit.store.suggestions import Suggestions
from reviewkit.store.versions import Versions


class Store(StoreBase):
    """An open reviewkit project. Use `Store.open(path)`; every write happens in `transaction()`."""

    def __init__(self, db: Database, path: str) -> None:
        super().__init__(db, path)
        self.audit = Audit(self)
        """The audit log and undo/redo."""
        self.documents = Documents(self)
        """Documents, their sources, full-text search, duplicate decisions, pages with review status."""
        self.imports = Imports(self)
        """Import runs and corpus counts."""
        self.versions = Versions(self)
        """Alternative texts of coded fields (a richer duplicate's abstract ...)."""
        self.passages = Passages(self)
        """Passages of documents."""
        self.suggestions = Suggestions(self)
        """Tagger suggestions, tagger runs, tagging state, the review queue."""
        self.embeddings = Embeddings(self)
        """The embedding cache."""
        self.codebooks = Codebooks(self)
        """Codebook versions, their codes, the current codebook."""
        self.codings = Codings(self, self.audit)
        """Coders' decisions (audited)."""
        self.screening = Screening(self, self.audit)
        """Screening decisions (audited) and the screening protocol."""
        self.memos = Memos(self, self.audit)
        """Memos (audited)."""
        self.assignments = Assignments(self)
        """Documents assigned to coders."""
        self.reviews = Reviews(self, self.audit)
        """Passages marked reviewed (audited)."""
        self.facts = ProjectFacts(self, self.audit)
        """Blinding periods and the registered validation (audited)."""

    def after_open(self) -> None:
        """Mark tagger runs whose process is gone as killed (see `Suggestions.mark_killed_runs`)."""
        self.suggestions.mark_killed_runs()
