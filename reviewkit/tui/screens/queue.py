"""Provides `QueueScreen`: undecided suggestions across the corpus, most uncertain first."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from reviewkit.errors import ReviewkitError
from reviewkit.project import review as svc
from reviewkit.tui.dialogs import CodePicker
from reviewkit.tui.precision import score_delta, score_pair
from reviewkit.tui.screens.review import ReviewScreen, leaf_choices
from reviewkit.tui.session import PAGE, ReviewSession
from reviewkit.tui.widgets.document_table import ASSIGNED
from reviewkit.tui.widgets.evidence_panel import EvidencePanel
from reviewkit.tui.widgets.passage_text import passage_rich
from reviewkit.tui.widgets.suggestion_list import SuggestionList


class QueueScreen(Screen[None]):
    """One row per undecided suggestion, ordered by |score − threshold|; a/r decide and move on."""

    BINDINGS = [
        Binding("j,down,n", "move(1)", "next", key_display="j/k"),
        Binding("k,up,p", "move(-1)", "Previous", show=False),
        Binding("a", "decide('accepted')", "decide→next", key_display="a/r"),
        Binding("r", "decide('rejected')", "reject", show=False),
        Binding("A", "accept_all", "accept all in doc", key_display="A", show=False, tooltip="Accept every suggestion of the document at or above its threshold"),
        Binding("c", "add_code", "add", show=False, tooltip="Add a code to the passage (fuzzy search)"),
        Binding("u", "app.undo", "undo"),
        Binding("ctrl+r", "app.redo", "redo", show=False),
        Binding("enter", "open", "open doc", show=False, tooltip="Open the document at this passage"),
    ]

    def __init__(self, session: ReviewSession, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.items: list[svc.QueueItem] = []
        self._exhausted = False
        self._loading = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="queue"):
            yield Static("Loading the queue…", id="queue-count")
            yield DataTable(id="queue-table", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="queue-detail"):
                yield Static(id="queue-passage")
                with Vertical(id="queue-side"):
                    yield SuggestionList(id="queue-item")
                    yield EvidencePanel(id="queue-evidence")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Δ", width=8, key="delta")
        table.add_column("code", width=34, key="code")
        table.add_column("score", width=13, key="score")
        table.add_column("year", width=5, key="year")
        table.add_column("passage", width=50, key="passage")
        table.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reload()

    def reload(self) -> None:
        """Read the queue again from the top (decisions made elsewhere drop out)."""
        self.items = []
        self._exhausted = False
        self._loading = True
        self._fetch(0, reset=True)

    @work(thread=True, exclusive=True, group="queue")
    def _fetch(self, offset: int, reset: bool) -> None:
        s = self.session
        with s.read() as store:
            items = svc.review_queue(store, s.coder, s.codebook_id, limit=PAGE, offset=offset, scope=s.scope)
        self.app.call_from_thread(self._show, items, reset)

    def _show(self, items: list[svc.QueueItem], reset: bool) -> None:
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        if reset:
            table.clear()
            self.items = []
        self._exhausted = len(items) < PAGE
        hide = self.session.hide_scores
        for item in items:
            if any(i.suggestion_id == item.suggestion_id for i in self.items[-PAGE:]):
                continue
            self.items.append(item)
            snippet = item.text if len(item.text) <= 56 else item.text[:55] + "…"
            cmp = "≥" if item.score >= item.threshold else "<"
            score = "" if hide else cmp.join(score_pair(item.score, item.threshold))
            delta = "" if hide else score_delta(item.score, item.threshold)
            code = (ASSIGNED if item.assigned else "") + item.code_id
            table.add_row(delta, code, score, str(item.year or ""), snippet, key=str(item.suggestion_id))
        if self.items:
            table.move_cursor(row=min(cursor, len(self.items) - 1), scroll=False)
        self._loading = False
        self.query_one("#queue-count", Static).update(
            f"{len(self.items)}{'' if self._exhausted else '+'} undecided suggestion(s), most uncertain first · coder {self.session.coder}"
            + (f" · {ASSIGNED}your assigned documents first" if any(i.assigned for i in self.items) else "")
        )
        self._render_detail()

    @property
    def current(self) -> svc.QueueItem | None:
        """The suggestion under the cursor."""
        row = self.query_one(DataTable).cursor_row
        return self.items[row] if 0 <= row < len(self.items) else None

    def _render_detail(self) -> None:
        item = self.current
        passage = self.query_one("#queue-passage", Static)
        if item is None:
            passage.update(Text("Nothing left to review. 🎉" if self._exhausted else "", style="dim"))
            self.query_one(SuggestionList).show([], 0)
            self.query_one(EvidencePanel).show(None)
            return
        view = item.view
        pv = item.passage_view()
        head = Text(f"{item.year or 'n.d.'} · {item.title}\n\n", style="bold")
        head.append_text(passage_rich(pv, view, number=False))
        passage.update(head)
        self.query_one(SuggestionList).show([view], 0, self.session.hide_scores)
        self.query_one(EvidencePanel).show(view, self.session.hide_scores)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._render_detail()
        if not self._loading and not self._exhausted and event.cursor_row >= len(self.items) - 10:
            self._loading = True
            self._fetch(len(self.items), reset=False)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_move(self, delta: int) -> None:
        table = self.query_one(DataTable)
        if self.items:
            table.move_cursor(row=max(0, min(table.cursor_row + delta, len(self.items) - 1)))

    def action_decide(self, status: str) -> None:
        item = self.current
        s = self.session
        if item is None or s.codebook_id is None:
            return
        svc.decide(s.store, item.passage_id, item.code_id, s.coder, status, codebook_id=s.codebook_id,
                   suggestion_id=item.suggestion_id, score=item.score)  # fmt: skip
        self._drop(item.suggestion_id)
        s.count_decisions()

    def _drop(self, suggestion_id: int) -> None:
        table = self.query_one(DataTable)
        index = next((i for i, it in enumerate(self.items) if it.suggestion_id == suggestion_id), None)
        if index is None:
            return
        del self.items[index]
        table.remove_row(str(suggestion_id))
        if self.items:
            table.move_cursor(row=min(index, len(self.items) - 1), scroll=False)
        self._render_detail()

    def action_accept_all(self) -> None:
        item = self.current
        s = self.session
        if item is None or s.codebook_id is None:
            return
        n = svc.accept_all(s.store, item.document_id, s.coder, s.codebook_id)
        self.notify(f"Accepted {n} suggestion(s) of document #{item.document_id} (u undoes all).")
        self.reload()
        s.count_decisions(n)

    def action_add_code(self) -> None:
        item = self.current
        s = self.session
        if item is None or s.codebook_id is None:
            return

        def done(code_id: str | None) -> None:
            if not code_id:
                return
            try:
                svc.add_code(s.store, item.passage_id, code_id, s.coder, codebook_id=s.codebook_id or 0)
            except ReviewkitError as exc:
                self.notify(str(exc), severity="error", title="Cannot add code")
                return
            self.notify(f"Added {code_id}.")
            self.reload()
            s.count_decisions()

        self.app.push_screen(CodePicker(leaf_choices(s), title="Add a code to this passage"), done)

    def action_open(self) -> None:
        item = self.current
        if item is not None:
            hold = getattr(self.app, "hold_keys", None)
            if callable(hold):
                hold()  # keys typed while the document opens act on it (ReviewScreen releases them)
            self.app.push_screen(ReviewScreen(self.session, item.document_id, passage_id=item.passage_id))
