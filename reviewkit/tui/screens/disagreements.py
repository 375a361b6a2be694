"""Provides `DisagreementsScreen`: units where coders differ; the lead reviewer records the final decision."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from reviewkit.errors import ReviewkitError
from reviewkit.project import review as svc
from reviewkit.tui.session import ReviewSession

SHORT = {"accepted": "✓", "rejected": "✗", "not applied": "–", "not reviewed": " ", None: "?"}


class DisagreementsScreen(Screen[None]):
    """Passage × code units where coders differ; a/r store the consensus decision (audited, undoable)."""

    BINDINGS = [
        Binding("j,down", "move(1)", "next", key_display="j/↓"),
        Binding("k,up", "move(-1)", "previous", key_display="k/↑", show=False),
        Binding("a", "decide('accepted')", "final", key_display="a/r", tooltip="Final decision: accept"),
        Binding("r", "decide('rejected')", "final: reject", show=False, tooltip="Final decision: reject"),
        Binding("x", "decide(None)", "clear final", show=False, tooltip="Clear the final decision"),
    ]

    def __init__(self, session: ReviewSession, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.rows: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="disagreements"):
            yield Static("Loading disagreements…", id="dis-count")
            yield DataTable(id="dis-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="dis-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.reload()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reload()

    def reload(self) -> None:
        """Read the disagreements again (in a worker)."""
        self._fetch()

    @work(thread=True, exclusive=True, group="disagreements")
    def _fetch(self) -> None:
        rows: list[Any] = []
        error = ""
        try:
            from reviewkit.project.agreement import list_disagreements

            with self.session.read() as store:
                rows = list(list_disagreements(store))
        except ImportError:
            error = "Agreement figures are not available in this build."
        except ReviewkitError as exc:
            error = str(exc)
        self.app.call_from_thread(self._show, rows, error)

    def _show(self, rows: list[Any], error: str) -> None:
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        self.rows = rows
        coders = list(dict.fromkeys(c for r in rows for c in r.decisions))
        table.add_column("doc", width=5)
        table.add_column("code", width=32)
        for c in coders:
            table.add_column(c[:10], width=max(3, min(len(c), 10)))
        table.add_column("final", width=5)
        table.add_column("passage", width=50)
        for r in rows:
            text = getattr(r, "text", "") or getattr(r, "title", "")
            cells = [str(r.document_id), r.code_id]
            cells += [SHORT.get(r.decisions.get(c), "?") for c in coders]
            cells += [SHORT.get(getattr(r, "consensus", None), "?") if getattr(r, "consensus", None) else "",
                      text[:49] + ("…" if len(text) > 49 else "")]  # fmt: skip
            table.add_row(*cells)
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1), scroll=False)
        summary = (
            error
            or f"{len(rows)} disagreement(s) · a/r record the final (consensus) decision as {self.session.coder}"
        )
        self.query_one("#dis-count", Static).update(summary)
        self._detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    def _detail(self) -> None:
        r = self.current
        if r is None:
            self.query_one("#dis-detail", Static).update("")
            return
        text = Text(f"{getattr(r, 'year', '') or 'n.d.'} · {getattr(r, 'title', '')}\n", style="bold")
        text.append(getattr(r, "text", "") + "\n\n")
        text.append(f"{r.code_id}  {getattr(r, 'code_label', '')}\n", style="italic")
        for coder, status in r.decisions.items():
            text.append(f"{coder}: {status}   ")
        self.query_one("#dis-detail", Static).update(text)

    @property
    def current(self) -> Any | None:
        """The disagreement under the cursor."""
        row = self.query_one(DataTable).cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def action_move(self, delta: int) -> None:
        table = self.query_one(DataTable)
        if self.rows:
            table.move_cursor(row=max(0, min(table.cursor_row + delta, len(self.rows) - 1)))

    def action_decide(self, status: str | None) -> None:
        r = self.current
        s = self.session
        if r is None or s.codebook_id is None or getattr(r, "passage_id", None) is None:
            return
        svc.adjudicate_decision(s.store, r.passage_id, r.code_id, status, lead=s.coder, codebook_id=s.codebook_id)
        self.notify(f"Final decision on {r.code_id}: {status or 'cleared'}.")
        self.reload()
