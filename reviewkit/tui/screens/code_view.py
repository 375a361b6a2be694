"""Provides `CodeViewScreen`: every passage carrying one code under a source, filterable; Enter opens it."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from reviewkit.errors import ReviewkitError
from reviewkit.project.memos import add_memo, code_memos
from reviewkit.project.retrieval import CodedPage, coded_passages, retrieval_sources
from reviewkit.records import CodeRecord, Memo, PassageContext
from reviewkit.tui.screens.review import ReviewScreen
from reviewkit.tui.session import PAGE, ReviewSession
from reviewkit.tui.text_prompt import TextPrompt
from reviewkit.tui.widgets.memo_list import MemoList

TEXT_WIDTH = 84
"""Widest passage column (narrower terminals get what is left beside document, year and number)."""

SOURCE_WORDS = {
    "consensus": "final decision accepted (consensus rule)",
    "any": "accepted by at least one coder",
    "suggested": "suggested by the tagger (score ≥ threshold)",
}


def describe_source(source: str) -> str:
    """A source in words ("accepted by alice", "suggested by the tagger ...")."""
    if source.startswith("coder:"):
        return f"accepted by {source[len('coder:') :]}"
    return SOURCE_WORDS.get(source, source)


def cut(text: str, width: int) -> Text:
    """One line of at most `width` cells (Chinese counts double), with an ellipsis when cut."""
    line = Text(" ".join(text.split()))
    line.truncate(width, overflow="ellipsis")
    return line


class CodeViewScreen(Screen[None]):
    """The passages a code is applied to, with document key, year and text; s switches the source."""

    BINDINGS = [
        Binding("s", "next_source", "next source"),
        Binding("slash", "filter", "filter", key_display="/"),
        Binding("m", "memo", "memo on code"),
        Binding("escape", "back", "back"),
    ]

    def __init__(self, session: ReviewSession, code: CodeRecord, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.code = code
        self.sources = retrieval_sources(
            session.store, session.coder, codebook_id=session.codebook_id, blind=session.blind
        )
        self.source = self.sources[0]
        self.rows: list[PassageContext] = []
        self.total = 0
        self.memos: list[Memo] = []
        self._loading = False
        self.text_width = TEXT_WIDTH

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="codeview"):
            yield Static(id="codeview-head")
            yield Input(
                placeholder="filter: words in the text, a document key, a year or 2003-2007",
                id="codeview-filter",
            )
            yield DataTable(id="codeview-table", cursor_type="row", zebra_stripes=True)
            yield MemoList(id="codeview-memos")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = getattr(self.app, "cursor_blink_enabled", True)
        table = self.query_one(DataTable)
        table.add_column("document", width=12, key="document")
        table.add_column("year", width=5, key="year")
        table.add_column("#", width=3, key="passage")
        self.text_width = max(24, min(TEXT_WIDTH, self.app.size.width - 30))
        table.add_column("passage", width=self.text_width, key="text")
        table.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reload()

    @property
    def words(self) -> str:
        """The filter words typed."""
        return self.query_one(Input).value.strip()

    def reload(self) -> None:
        """Read the first page again (source or filter changed, or decisions made elsewhere)."""
        self._loading = True
        self._head("loading…")
        self._fetch(0, True, self.source, self.words)

    @work(thread=True, exclusive=True, group="codeview")
    def _fetch(self, offset: int, reset: bool, source: str, words: str) -> None:
        s = self.session
        only = s.coder if s.blind else None
        page: CodedPage | None = None
        memos: list[Memo] | None = None
        error = ""
        try:
            with s.read() as store:
                page = coded_passages(store, self.code.code_id, source, codebook_id=s.codebook_id, words=words,
                                      offset=offset, limit=PAGE, only_coder=only, count=reset)  # fmt: skip
                if reset:
                    memos = code_memos(store, self.code.code_id, only_coder=only)
        except ReviewkitError as exc:
            error = str(exc)
        self.app.call_from_thread(self._show, page, memos, reset, error)

    def _show(self, page: CodedPage | None, memos: list[Memo] | None, reset: bool, error: str) -> None:
        table = self.query_one(DataTable)
        if reset:
            table.clear()
            self.rows = []
        if memos is not None:
            self.memos = memos
            self.query_one(MemoList).show([(f"code {self.code.code_id}", memos)], "No memos on this code.")
        self._loading = False
        if page is None:
            self.total = 0
            self._head(error)
            return
        if page.total is not None:
            self.total = page.total
        for row in page.rows:
            p = row.passage
            table.add_row(
                row.document_key,
                str(row.year or ""),
                str(p.seq + 1),
                cut(p.text, self.text_width),
                key=str(p.id),
            )
            self.rows.append(row)
        self._head()

    def _head(self, note: str = "") -> None:
        c = self.code
        text = Text(c.code_id, style="bold")
        text.append(f"  {c.label}" + (f" · {c.label_zh}" if c.label_zh else ""), style="italic")
        text.append(f"\nsource: {self.source} — {describe_source(self.source)}")
        text.append(f"   (s: {' · '.join(self.sources)})", style="dim")
        shown = f"{self.total:,} passage(s)" + (f" matching “{self.words}”" if self.words else "")
        text.append(f"\n{note or shown}", style="bold red" if note and note != "loading…" else "")
        text.append("   Enter opens the passage in the review screen", style="dim")
        self.query_one("#codeview-head", Static).update(text)

    @on(Input.Changed, "#codeview-filter")
    def _filter_changed(self) -> None:
        self.reload()

    @on(Input.Submitted, "#codeview-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(DataTable).focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if not self._loading and len(self.rows) < self.total and event.cursor_row >= len(self.rows) - 20:
            self._loading = True
            self._fetch(len(self.rows), False, self.source, self.words)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.rows):
            row = self.rows[event.cursor_row]
            p = row.passage
            self.app.push_screen(ReviewScreen(self.session, p.document_id, passage_id=p.id))

    def action_next_source(self) -> None:
        """Show the passages under the next source (the project default first)."""
        self.source = self.sources[(self.sources.index(self.source) + 1) % len(self.sources)]
        self.reload()

    def action_memo(self) -> None:
        """Write a memo on the code (shown below the list, and by `reviewkit memo list`)."""

        def done(text: str | None) -> None:
            if not text:
                return
            s = self.session
            try:
                memo = add_memo(s.store, f"code:{self.code.code_id}", text, s.coder)
            except ReviewkitError as exc:
                self.notify(str(exc), severity="error", title="Cannot save the memo")
                return
            self.notify(f"Memo {memo.id} saved on code {self.code.code_id}.")
            self.memos = code_memos(s.store, self.code.code_id, only_coder=s.coder if s.blind else None)
            self.query_one(MemoList).show(
                [(f"code {self.code.code_id}", self.memos)], "No memos on this code."
            )

        self.app.push_screen(TextPrompt(f"Memo on code {self.code.code_id}", placeholder="a memo (English or 中文)"), done)

    def action_filter(self) -> None:
        self.query_one(Input).focus()

    def action_back(self) -> None:
        """Leave the filter (back to the list), or the view."""
        if self.query_one(Input).has_focus:
            self.query_one(DataTable).focus()
            return
        self.dismiss(None)
