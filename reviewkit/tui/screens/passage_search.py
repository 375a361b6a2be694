"""Provides `PassageSearchScreen`: search the project (English or Chinese) and jump to the passages that match."""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from reviewkit.errors import ReviewkitError
from reviewkit.project.retrieval import PassageHit, SearchPage, search_passages
from reviewkit.records import MATCH_END, MATCH_START
from reviewkit.tui.screens.review import ReviewScreen
from reviewkit.tui.session import ReviewSession

DOCS_PER_PAGE = 25
SNIPPET_WIDTH = 84


def highlight(snippet: str, width: int = SNIPPET_WIDTH) -> Text:
    """A snippet with its matches in bold reverse (marked by text style, not colour alone), on one line."""
    text = Text()
    for i, part in enumerate(re.split(f"[{MATCH_START}{MATCH_END}]", " ".join(snippet.split()))):
        text.append(part, style="bold reverse" if i % 2 else "")
    text.truncate(width, overflow="ellipsis")
    return text


class PassageSearchScreen(Screen[None]):
    """Type a search and press Enter; Enter on a hit opens its passage in the review screen."""

    BINDINGS = [
        Binding("slash", "focus_search", "search", key_display="/"),
        Binding("escape", "back", "back"),
    ]

    def __init__(self, session: ReviewSession, query: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.query_text = query
        self.hits: list[PassageHit] = []
        self.documents = 0
        self.total_documents = 0
        self._loading = False
        self.snippet_width = SNIPPET_WIDTH

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="psearch"):
            yield Input(
                self.query_text,
                placeholder='search passages: value chain · 价值链 · "new regionalism" · upgrad* · cluster -china',
                id="psearch-input",
            )
            yield Static("Type a search and press Enter.", id="psearch-status")
            yield DataTable(id="psearch-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        inp = self.query_one(Input)
        inp.cursor_blink = getattr(self.app, "cursor_blink_enabled", True)
        table = self.query_one(DataTable)
        table.add_column("document", width=12, key="document")
        table.add_column("year", width=5, key="year")
        table.add_column("#", width=3, key="passage")
        self.snippet_width = max(24, min(SNIPPET_WIDTH, self.app.size.width - 30))
        table.add_column("where the words are found", width=self.snippet_width, key="snippet")
        inp.focus()
        if self.query_text:
            self.search(self.query_text)

    def search(self, query: str) -> None:
        """Run a search from the first page (in a worker)."""
        self.query_text = query.strip()
        if not self.query_text:
            return
        self._loading = True
        self.query_one("#psearch-status", Static).update("searching…")
        self._fetch(self.query_text, 0, True)

    @work(thread=True, exclusive=True, group="psearch")
    def _fetch(self, query: str, offset: int, reset: bool) -> None:
        page: SearchPage | None = None
        error = ""
        try:
            with self.session.read() as store:
                page = search_passages(store, query, offset=offset, limit=DOCS_PER_PAGE)
        except ReviewkitError as exc:
            error = " ".join(str(exc).split())  # one line
        self.app.call_from_thread(self._show, page, reset, error)

    def _show(self, page: SearchPage | None, reset: bool, error: str) -> None:
        table = self.query_one(DataTable)
        status = self.query_one("#psearch-status", Static)
        self._loading = False
        if reset:
            table.clear()
            self.hits, self.documents = [], 0
        if page is None:
            status.update(Text(f"⚠ {error}", style="bold"))
            return
        self.total_documents = page.total_documents
        self.documents += len(page.documents)
        for hit in page.hits:
            number = str(hit.passage.seq + 1) if hit.passage is not None else "–"
            table.add_row(
                hit.document_key, str(hit.year or ""), number, highlight(hit.snippet, self.snippet_width)
            )
            self.hits.append(hit)
        if not self.hits:
            status.update(f"No passage matches “{self.query_text}”.")
            return
        more = (
            ""
            if self.documents >= self.total_documents
            else f" (first {self.documents} shown; more load as you scroll)"
        )
        status.update(
            f"{self.total_documents:,} document(s) match “{self.query_text}”{more} · "
            "# is the passage number (–: the document matches, no single passage does) · Enter opens it"
        )
        if reset:
            table.focus()

    @on(Input.Submitted, "#psearch-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.search(event.value)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if (
            not self._loading
            and self.documents < self.total_documents
            and event.cursor_row >= len(self.hits) - 10
        ):
            self._loading = True
            self._fetch(self.query_text, self.documents, False)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.hits):
            hit = self.hits[event.cursor_row]
            pid = int(hit.passage.id or 0) if hit.passage is not None else None
            self.app.push_screen(ReviewScreen(self.session, hit.document_id, passage_id=pid))

    def action_focus_search(self) -> None:
        self.query_one(Input).focus()

    def action_back(self) -> None:
        """Leave the search box (back to the hits), or the screen."""
        if self.query_one(Input).has_focus and self.hits:
            self.query_one(DataTable).focus()
            return
        self.dismiss(None)
