"""Provides `MemoList`: the memos shown in context (on a passage, its document, or a code), attributed and timestamped."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from reviewkit.records import Memo


def when(stamp: str) -> str:
    """An ISO timestamp as ``YYYY-MM-DD HH:MM`` (UTC, as stored)."""
    return stamp[:16].replace("T", " ") if stamp else ""


def memo_text(groups: Sequence[tuple[str, Sequence[Memo]]], empty: str = "No memos (m adds one).") -> Text:
    """The memos of each (heading, memos) group: text, then "— coder, time"."""
    text = Text("Memos", style="bold")
    shown = False
    for heading, memos in groups:
        if not memos:
            continue
        text.append(f"\n{heading}", style="underline")
        for m in memos:
            shown = True
            text.append(f"\n• {m.text}")
            text.append(f"\n  — {m.coder}, {when(m.created_at)}", style="dim")
    if not shown:
        text.append(f"\n{empty}", style="dim")
    return text


class MemoList(Static):
    """Memos in context: a small read-only list (`m` in the review screen writes one)."""

    def show(
        self, groups: Sequence[tuple[str, Sequence[Memo]]], empty: str = "No memos (m adds one)."
    ) -> None:
        """Render the memos of each (heading, memos) group, or `empty` when there are none."""
        self.update(memo_text(groups, empty))
