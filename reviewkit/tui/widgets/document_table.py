"""Provides `DocumentTable`: the documents list, read from the database one page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len, set_cell_size
from textual import work
from textual.message import Message
from textual.widgets import DataTable

from reviewkit.project import review as svc
from reviewkit.records import DocumentStatus
from reviewkit.tui.session import PAGE, DocFilters

if TYPE_CHECKING:
    from reviewkit.tui.session import ReviewSession

ASSIGNED = "◆ "
"""Title prefix of a document assigned to the coder (text, not colour only)."""
TITLE_WIDTH = 72
"""The title column's width in a wide terminal (narrower ones shrink it so that the status stays)."""
STATUS_WIDTH = 10
FIXED = 5 + 2 * 4 + STATUS_WIDTH + 2
"""Year, cell padding, status and the scroll bar."""


def column_widths(width: int) -> tuple[int, int]:
    """(first author, title) widths that fit `width` cells with year and status beside them."""
    author = 22 if width >= 100 else 16
    return author, max(12, min(TITLE_WIDTH, width - FIXED - author))


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
        self.assigned_shown = False
        """Some row shown is assigned to the coder (marked `ASSIGNED`)."""
        self._widths = column_widths(120)

    def on_mount(self) -> None:
        self._add_columns(self.size.width or self.app.size.width)
        self.reload()

    def _add_columns(self, width: int) -> None:
        self._widths = column_widths(width)
        author, title = self._widths
        self.add_column("year", width=5, key="year")
        self.add_column("first author", width=author, key="author")
        self.add_column("title", width=title, key="title")
        self.add_column("status", width=STATUS_WIDTH, key="status")

    def on_resize(self) -> None:
        """Fit the columns to the new width (the status column stays visible at 80 columns)."""
        if self.columns and column_widths(self.size.width) != self._widths:
            shown = len(self._ids)
            self.clear(columns=True)
            self._ids = []
            self._add_columns(self.size.width)
            self._loading = True
            self._fetch(0, max(shown, PAGE), reset=True, keep_cursor=True)

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
            self.assigned_shown = False
        self.total = total
        author_width, title_width = self._widths
        for row in rows:
            title = (ASSIGNED if row.assigned else "") + (row.title or "(untitled)")
            self.assigned_shown = self.assigned_shown or row.assigned
            if cell_len(title) > title_width:
                title = set_cell_size(title, title_width - 1) + "…"
            self.add_row(
                str(row.year or ""), row.first_author[:author_width], title, status_cell(row), key=str(row.id)
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

    def action_select_cursor(self) -> None:
        """Enter: open the document; keys typed meanwhile wait for its Review screen (`AppBase.hold_keys`)."""
        hold = getattr(self.app, "hold_keys", None)
        if self.current_id is not None and callable(hold):
            hold()
        super().action_select_cursor()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.Opened(int(str(event.row_key.value)), event.cursor_row))

    @property
    def current_id(self) -> int | None:
        """The document under the cursor."""
        if not self._ids or self.cursor_row >= len(self._ids):
            return None
        return self._ids[self.cursor_row]
