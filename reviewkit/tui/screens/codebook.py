"""Provides `CodebookScreen`: the codes as a tree with definitions, include/exclude notes and counts."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, Tree

from reviewkit.project import review as svc
from reviewkit.records import CodeRecord
from reviewkit.tui.screens.code_view import CodeViewScreen
from reviewkit.tui.screens.cooccurrence import CooccurrenceScreen
from reviewkit.tui.session import ReviewSession
from reviewkit.tui.widgets.code_tree import CodeTree


def code_detail(row: CodeRecord) -> Text:
    """Definition, include/exclude notes and keywords of one code."""
    text = Text(row.code_id, style="bold")
    text.append(f"\n{row.label}", style="italic")
    if row.label_zh:
        text.append(f" · {row.label_zh}", style="italic")
    for title, value in (("Definition", row.definition), ("Use when", row.include), ("Do not use when", row.exclude)):
        if value:
            text.append(f"\n\n{title}\n", style="bold underline")
            text.append(value)
    keywords = row.keywords
    if keywords:
        text.append("\n\nKeywords\n", style="bold underline")
        for lang, words in keywords.items():
            text.append(f"{lang}: ", style="dim")
            text.append(", ".join(map(str, words)) + "\n")
    if row.threshold is not None:
        text.append(f"\nthreshold {row.threshold:.2f}", style="dim")
    return text


class CodebookScreen(Screen[None]):
    """Browse the codebook: ↑/↓ move, ←/→ fold; counts are suggestions and decisions (yours only when blind).

    Enter on a code opens its Code view (every passage with the code); o opens the co-occurrence matrix.
    """

    BINDINGS = [
        Binding("o", "cooccurrence", "co-occurrence"),
    ]

    def __init__(self, session: ReviewSession, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="codebook"):
            yield CodeTree(id="code-tree")
            with VerticalScroll(id="code-detail-box", can_focus=False):
                yield Static(id="code-detail")
        yield Footer()

    def on_mount(self) -> None:
        tree = self.query_one(CodeTree)
        tree.focus()
        s = self.session
        rows = svc.codebook_codes(s.store, s.codebook_id)
        tree.show(rows)
        if not rows:
            self.query_one("#code-detail", Static).update(
                "No codebook loaded: `reviewkit codebook load FILE`."
            )
        self.reload()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reload()

    def reload(self) -> None:
        """Re-count suggestions and decisions (in a worker: big projects take a moment)."""
        self._count()

    @work(thread=True, exclusive=True, group="codebook")
    def _count(self) -> None:
        s = self.session
        with s.read() as store:
            counts = svc.codebook_counts(store, s.codebook_id, s.coder if s.blind else None)
        self.app.call_from_thread(self._show_counts, counts)

    def _show_counts(self, counts: dict[str, dict[str, int]]) -> None:
        tree = self.query_one(CodeTree)
        line = tree.cursor_line
        tree.show(tree.rows, counts)
        tree.move_cursor_to_line(max(0, line))

    @on(CodeTree.CodeHighlighted)
    def _detail(self, event: CodeTree.CodeHighlighted) -> None:
        self.query_one("#code-detail", Static).update(code_detail(event.code))

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[CodeRecord]) -> None:
        """Enter on a code (not a group) opens its Code view."""
        if event.node.data is not None and not event.node.allow_expand:
            self._open(event.node.data)

    def _open(self, code: CodeRecord) -> None:
        self.app.push_screen(CodeViewScreen(self.session, code))

    def action_cooccurrence(self) -> None:
        """Open the co-occurrence matrix of the codes."""
        self.app.push_screen(CooccurrenceScreen(self.session))
