"""Provides `EvidencePanel`: why the tagger suggests the focused code (terms, nearest example, similarity)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from reviewkit.project.review import SuggestionView


class EvidencePanel(Static):
    """The evidence of one suggestion; empty when nothing is focused."""

    def show(self, item: SuggestionView | None, hide_scores: bool = False) -> None:
        """Render the evidence of `item`."""
        if item is None:
            self.update("")
            return
        text = Text("Evidence", style="bold")
        text.append(f"  {item.code_id}\n", style="dim")
        if item.suggestion_id is None:
            text.append("Added by a coder (no tagger evidence).", style="italic")
            self.update(text)
            return
        terms = ", ".join(dict.fromkeys(t for t, _s, _e in item.terms))
        text.append("keywords: ", style="dim")
        text.append(terms or "none matched", style="underline" if terms else "dim")
        if item.nearest_example:
            text.append("\nnearest example: ", style="dim")
            text.append(item.nearest_example, style="italic")
        if not hide_scores:
            if item.similarity is not None:
                text.append(f"\nsimilarity {item.similarity:.2f}", style="dim")
            text.append(f" · method {item.method}", style="dim")
        self.update(text)
