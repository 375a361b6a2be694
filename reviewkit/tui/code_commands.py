"""Provides the review app's code-retrieval commands: passage search and co-occurrence (keys and palette)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding

if TYPE_CHECKING:
    from reviewkit.tui.app import ReviewApp

CODE_BINDINGS = [
    Binding("ctrl+f", "find_passages", "find passages", show=False),
]
"""App-wide keys: ctrl+f searches passages from any screen."""


def find_passages(app: ReviewApp) -> None:
    """Open the passage search."""
    from reviewkit.tui.screens.passage_search import PassageSearchScreen

    app.push_screen(PassageSearchScreen(app.session))


def open_cooccurrence(app: ReviewApp) -> None:
    """Open the co-occurrence matrix of the codes."""
    from reviewkit.tui.screens.cooccurrence import CooccurrenceScreen

    app.push_screen(CooccurrenceScreen(app.session))


def code_commands(app: ReviewApp) -> Iterator[SystemCommand]:
    """The command palette entries for passage search and the co-occurrence matrix."""
    yield SystemCommand(
        "Search passages",
        "Full-text search (English or 中文); Enter on a hit opens the passage (ctrl+f)",
        lambda: find_passages(app),
    )
    yield SystemCommand(
        "Co-occurrence of codes",
        "Codes by codes over documents or passages: l level, m measure, s source (o in the codebook)",
        lambda: open_cooccurrence(app),
    )
