"""Provides `ProgressScreen`: per coder, documents and passages reviewed, decisions and time spent.

The figures are `reviewkit.project.state.coder_progress`, the same as `reviewkit progress`; a blind
coder sees only their own row.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from reviewkit.analysis.progress import CoderProgress
from reviewkit.errors import ReviewkitError
from reviewkit.project.state import coder_progress
from reviewkit.tui.session import ReviewSession

COLUMNS = ("coder", "documents", "passages", "decisions", "accepted", "added", "rejected", "time", "sessions")
"""The columns, as `reviewkit progress` prints them."""


def progress_cells(row: CoderProgress) -> tuple[str, ...]:
    """One table row as `reviewkit progress` prints it (documents reviewed[/assigned])."""
    assigned = f"/{row.documents_assigned}" if row.documents_assigned is not None else ""
    return (
        row.coder,
        f"{row.documents_reviewed}{assigned}",
        str(row.passages_reviewed),
        str(row.decisions),
        str(row.accepted),
        str(row.added),
        str(row.rejected),
        row.duration,
        str(row.sessions),
    )


class ProgressScreen(Screen[None]):
    """Who reviewed how much: documents (all passages done), passages done, decisions, time spent."""

    BINDINGS = [Binding("g", "reload", "refresh", tooltip="Read the figures again")]

    def __init__(self, session: ReviewSession, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.rows: list[CoderProgress] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="progress"):
            yield Static("Reading the figures…", id="progress-title")
            yield DataTable(id="progress-table", cursor_type="row", zebra_stripes=True)
            yield Static(
                "A document counts as reviewed once every passage is marked done (d, D); time adds the "
                "gaps between a coder's consecutive actions, at most 5 minutes each.",
                id="progress-note",
            )
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for col in COLUMNS:
            table.add_column(col, key=col)
        table.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reload()

    def reload(self) -> None:
        """Read the figures again (in a worker)."""
        self._compute(self.session.coder if self.session.blind else None)

    def action_reload(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="progress")
    def _compute(self, only_coder: str | None) -> None:
        s = self.session
        rows: list[CoderProgress] = []
        error = ""
        try:
            with s.read() as store:
                rows = coder_progress(store, s.codebook_id, only_coder=only_coder)
        except ReviewkitError as exc:
            error = str(exc)
        self.app.call_from_thread(self._show, rows, error)

    def _show(self, rows: list[CoderProgress], error: str) -> None:
        if error:
            self.notify(error, severity="error", title="Progress")
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            table.add_row(*progress_cells(row), key=row.coder)
        whose = f"your own figures only (blind, coder {self.session.coder})" if self.session.blind else "every coder"
        self.query_one("#progress-title", Static).update(
            Text(
                f"Progress per coder — {whose}: documents reviewed[/assigned], passages marked done"
                + ("" if rows else " · nothing recorded yet")
            )
        )
