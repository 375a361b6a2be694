"""Provides `DocumentTable`: the documents list, read from the database one page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message
from textual.widgets import DataTable

from reviewkit.project import review as svc
from reviewkit.records import DocumentStatus
from reviewkit.tui.session import PAGE, DocFilters

if TYPE_CHECKING:
    from reviewkit.tui.session import ReviewSession

TITLE_WIDTH = 72


def status_cell(row: DocumentStatus) -> str:
    """The status column: reviewed (every passage marked done), undecided suggestions left, all decided, none."""
    if row.reviewed:
        return "✓reviewed"
    if row.pending:
        return f"{row.pending} to do"
    if row.done:
        return f"{row.done}/{row.passages} done"
    return "decided" if row.suggested else "–"


class DocumentTable(DataTable[str]):
    """Year, first author, title and review status; the next page loads as the cursor nears the end."""

    @dataclass
    class Opened(Message):
        """The user pressed Enter on a document."""

        document_id: int
        index: int
        """Position in the filtered list (for next/previous document)."""

    @dataclass
    class Loaded(Message):
        """A page arrived (`total` documents match the filters)."""

        total: int
        loaded: int

    def __init__(self, session: ReviewSession, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.session = session
        self.filters = DocFilters()
        self.total = 0
        self._ids: list[int] = []
        self._loading = False

    def on_mount(self) -> None:
        self.add_column("year", width=5, key="year")
        self.add_column("first author", width=22, key="author")
        self.add_column("title", width=TITLE_WIDTH, key="title")
        self.add_column("status", width=9, key="status")
        self.reload()

    def reload(self, filters: DocFilters | None = None) -> None:
        """Start again from the first page (with new filters when given)."""
        if filters is not None:
            self.filters = filters
        self._loading = True
        self._fetch(0, PAGE, reset=True)

    def refresh_rows(self) -> None:
        """Re-read the rows already shown (statuses change as the reviewer decides)."""
        self._loading = True
        self._fetch(0, max(len(self._ids), PAGE), reset=True, keep_cursor=True)

    @work(thread=True, exclusive=True, group="documents")
    def _fetch(self, offset: int, limit: int, reset: bool, keep_cursor: bool = False) -> None:
        s = self.session
        with s.read() as store:
            f = self.filters.as_filter(s.blind, s.scope)
            rows = svc.document_page(store, s.coder, s.codebook_id, f, offset=offset, limit=limit)
            total = svc.document_count(store, s.coder, s.codebook_id, f) if reset else self.total
        self.app.call_from_thread(self._show, rows, total, reset, keep_cursor)

    def _show(self, rows: list[DocumentStatus], total: int, reset: bool, keep_cursor: bool) -> None:
        cursor = self.cursor_row
        if reset:
            self.clear()
            self._ids = []
        self.total = total
        for row in rows:
            title = row.title or "(untitled)"
            if len(title) > TITLE_WIDTH:
                title = title[: TITLE_WIDTH - 1] + "…"
            self.add_row(
                str(row.year or ""), row.first_author[:22], title, status_cell(row), key=str(row.id)
            )
            self._ids.append(row.id)
        if keep_cursor and self._ids:
            self.move_cursor(row=min(cursor, len(self._ids) - 1), scroll=False)
        self._loading = False
        self.post_message(self.Loaded(total, len(self._ids)))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if not self._loading and len(self._ids) < self.total and event.cursor_row >= len(self._ids) - 20:
            self._loading = True
            self._fetch(len(self._ids), PAGE, reset=False)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.Opened(int(str(event.row_key.value)), event.cursor_row))

    @property
    def current_id(self) -> int | None:
        """The document under the cursor."""
        if not self._ids or self.cursor_row >= len(self._ids):
            return None
        return self._ids[self.cursor_row]
