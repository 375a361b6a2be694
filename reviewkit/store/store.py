"""Provides `Store`: the one place that reads and writes a project's SQLite file.

The queries are grouped by area in mixins (documents, passages, codebooks, codings, reports);
`StoreBase` holds the connection, migrations and transactions.
"""

from __future__ import annotations

from reviewkit.store.base import StoreBase
from reviewkit.store.browse import BrowseMixin
from reviewkit.store.codebooks import CodebooksMixin
from reviewkit.store.codings import CodingsMixin
from reviewkit.store.documents import DocumentsMixin
from reviewkit.store.passages import PassagesMixin
from reviewkit.store.reports import ReportsMixin


class Store(
    DocumentsMixin, PassagesMixin, CodebooksMixin, CodingsMixin, BrowseMixin, ReportsMixin, StoreBase
):
    """An open reviewkit project. Use `Store.open(path)`; every write happens in `transaction()`."""
