"""Provides `SuggestionList`: the codes suggested for (or added to) the current passage, one focused."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from reviewkit.project.review import SuggestionView
from reviewkit.tui.precision import score_pair

ICON = {"accepted": ("✓", "bold green"), "rejected": ("✗", "bold red"), None: ("·", "dim")}


def item_rich(item: SuggestionView, focused: bool, hide_scores: bool) -> Text:
    """Two lines for one code: decision, id, score vs threshold; then its label and others' decisions."""
    icon, style = ICON.get(item.mine, ICON[None])
    line = Text("▶ " if focused else "  ", style="bold")
    line.append(f"{icon} ", style=style)
    line.append(item.code_id, style="bold" if focused else "")
    line.append("\n    ")
    if item.suggestion_id is None:
        line.append("added by hand · ", style="dim")
    elif not hide_scores and item.score is not None and item.threshold is not None:
        cmp = "≥" if item.suggested else "<"
        score, threshold = score_pair(item.score, item.threshold)
        line.append(f"{score} {cmp} {threshold} · ", style="" if item.suggested else "dim")
    line.append(item.label, style="italic")
    if item.others:
        line.append(
            "  " + " ".join(f"{c}:{ICON.get(s, ICON[None])[0]}" for c, s in sorted(item.others.items())),
            style="cyan",
        )
    return line


class SuggestionList(Static):
    """The codes on the current passage; `index` is the focused one (a/r act on it)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.items: list[SuggestionView] = []
        self.index = 0

    def show(self, items: list[SuggestionView], index: int, hide_scores: bool = False) -> None:
        """Render the list with item `index` focused."""
        self.items = items
        self.index = max(0, min(index, len(items) - 1)) if items else 0
        if not items:
            self.update(Text("No codes suggested for this passage.\nPress c to add one.", style="dim"))
            return
        text = Text()
        for i, item in enumerate(items):
            if i:
                text.append("\n")
            text.append_text(item_rich(item, i == self.index, hide_scores))
        self.update(text)

    @property
    def focused(self) -> SuggestionView | None:
        """The focused code (None when the passage has none)."""
        return self.items[self.index] if self.items else None
