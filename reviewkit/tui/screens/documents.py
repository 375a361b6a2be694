"""Provides `DocumentsScreen`: the paged documents table with search and filters; Enter opens a document."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, ProgressBar, Static

from reviewkit.tui.dialogs import CodePicker
from reviewkit.tui.screens.review import ReviewScreen, leaf_choices
from reviewkit.tui.session import ReviewSession
from reviewkit.tui.widgets.document_table import ASSIGNED, DocumentTable
from reviewkit.tui.widgets.filter_bar import FilterBar


class DocumentsScreen(Screen[None]):
    """Every document of the project, a page at a time: year, first author, title, what is left to review."""

    BINDINGS = [
        Binding("slash", "search", "search", key_display="/", tooltip="Search titles, abstracts, keywords (English or Chinese)"),
        Binding("y", "years", "years", show=False, tooltip="Filter by years"),
        Binding("c", "code_filter", "code filter", show=False, tooltip="Filter by a code or group"),
        Binding("s", "status_filter", "status", tooltip="Filter by status: to do, done, none suggested"),
        Binding("x", "clear_filters", "clear filters", show=False, tooltip="Clear every filter"),
        Binding("t", "code_now", "code now", tooltip="Code the project in the background (the tagger)"),
        Binding("escape", "focus_table", "table", show=False),
    ]

    def __init__(self, session: ReviewSession, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="documents"):
            yield FilterBar(id="filters")
            yield Static("Loading…", id="doc-count")
            yield DocumentTable(self.session, id="doc-table")
            yield ProgressBar(id="code-progress", show_eta=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DocumentTable).focus()

    def on_screen_resume(self) -> None:
        table = self.query_one(DocumentTable)
        if table.row_count:
            table.refresh_rows()

    def reload(self) -> None:
        """Re-read the statuses of the rows shown."""
        self.query_one(DocumentTable).refresh_rows()

    @on(DocumentTable.Loaded)
    def _loaded(self, event: DocumentTable.Loaded) -> None:
        table = self.query_one(DocumentTable)
        mine = f" · {ASSIGNED}assigned to you, listed first" if table.assigned_shown else ""
        self.query_one("#doc-count", Static).update(
            f"{event.total:,} document(s) · {table.filters.describe()} · coder {self.session.coder}{mine}"
        )

    @on(FilterBar.Changed)
    def _filters(self, event: FilterBar.Changed) -> None:
        table = self.query_one(DocumentTable)
        table.reload(event.filters)
        table.focus()

    @on(DocumentTable.Opened)
    def _open(self, event: DocumentTable.Opened) -> None:
        filters = self.query_one(DocumentTable).filters
        self.app.push_screen(
            ReviewScreen(self.session, event.document_id, filters=filters, index=event.index)
        )

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_years(self) -> None:
        self.query_one("#year-min", Input).focus()

    def action_focus_table(self) -> None:
        self.query_one(DocumentTable).focus()

    def action_status_filter(self) -> None:
        self.query_one(FilterBar).cycle_status()

    def action_clear_filters(self) -> None:
        self.query_one(FilterBar).clear()

    def action_code_filter(self) -> None:
        def done(code_id: str | None) -> None:
            if code_id is not None:
                self.query_one(FilterBar).set(code=code_id)

        self.app.push_screen(
            CodePicker(leaf_choices(self.session, groups=True), title="Filter by code or group"), done
        )

    def action_code_now(self) -> None:
        bar = self.query_one("#code-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self._run_tagger()

    @work(thread=True, exclusive=True, group="tagger")
    def _run_tagger(self) -> None:
        """Run the tagger on the project in a worker, reporting progress; the UI stays responsive."""
        try:
            from reviewkit.project.coding import run_tagger  # noqa: F401
        except ImportError:
            self.app.call_from_thread(
                self.notify, "The tagger is not available in this build.", severity="error"
            )
            self.app.call_from_thread(self._tagger_done)
            return
        from reviewkit.errors import ReviewkitError
        from reviewkit.tui.retrain import Cancelled, run_project_tagger

        def progress(done: int, total: int, stage: str) -> None:
            self.app.call_from_thread(self._progress, done, total, stage)

        try:  # waits for a background retrain under way: two tagger runs never overlap
            run_project_tagger(self.session, progress)
        except Cancelled:
            return
        except ReviewkitError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", title="Coding failed")
        self.app.call_from_thread(self._tagger_done)

    def _progress(self, done: int, total: int, stage: str) -> None:
        self.query_one("#code-progress", ProgressBar).update(total=total or None, progress=done)
        self.sub_title = f"coding: {stage} {done}/{total}"

    def _tagger_done(self) -> None:
        self.query_one("#code-progress", ProgressBar).display = False
        self.sub_title = ""
        self.query_one(DocumentTable).refresh_rows()
