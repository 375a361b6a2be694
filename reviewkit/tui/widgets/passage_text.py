"""Provides `PassageText`: one passage, with the tagger's keyword evidence marked inside the text."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from reviewkit.project.review import PassageView, SuggestionView

MARK = {"accepted": ("✓", "green"), "rejected": ("✗", "red")}

GLUE = "\u2800"
"""A blank that is not whitespace (braille pattern blank): the line wrapper cannot break at it.

A Chinese passage has no spaces, so the wrapper sees it as one long word and, after a normal space,
moves all of it below the passage number. Gluing the number to the text keeps them on one line.
"""


def _wide_start(text: str) -> bool:
    """Whether the text starts with a double-width character (Chinese, Japanese, Korean)."""
    return bool(text) and cell_len(text[0]) == 2


def status_mark(pv: PassageView) -> tuple[str, str]:
    """The passage's review state beside its number: ✓ done, ? suggestions undecided, · not done yet."""
    if pv.done:
        return "✓", "green"
    return ("?", "yellow") if pv.undecided else ("·", "dim")


def passage_rich(
    pv: PassageView, focus: SuggestionView | None = None, number: bool = True, current: bool = False
) -> Text:
    """The passage as rich text: evidence terms underlined (the focused code's terms reversed), then chips.

    Args:
        pv: the passage and its codes.
        focus: the code whose evidence is highlighted strongly.
        number: prefix the passage number.
        current: mark the passage as the one under review (a ▶ before the number).
    """
    body = Text(pv.text, style="bold" if pv.field.startswith("title") else "")
    for item in pv.items:
        for _term, start, end in item.terms:
            body.stylize("underline", start, end)
    if focus is not None:
        for _term, start, end in focus.terms:
            body.stylize("reverse", start, end)
    out = Text()
    if number:
        gap = GLUE if _wide_start(pv.text) else " "
        out.append("▶" if current else " ", style="bold")
        out.append(f"{pv.seq + 1:>2}".replace(" ", gap if current else " "), style="dim")
        mark, colour = status_mark(pv)
        out.append(mark, style=colour)
        out.append(gap)
    out.append_text(body)
    for item in pv.items:
        if item.mine in MARK:
            icon, colour = MARK[item.mine]
            out.append(f"  {icon}{item.code_id}", style=colour)
    return out


class PassageText(Static):
    """A passage of the document being reviewed; class ``-current`` marks the one under review."""

    def __init__(self, pv: PassageView, **kwargs: Any) -> None:
        super().__init__(passage_rich(pv), classes="passage", **kwargs)
        self.pv = pv

    def show(self, pv: PassageView, focus: SuggestionView | None = None, current: bool = False) -> None:
        """Render the passage again (after a decision, or to move the evidence highlight)."""
        self.pv = pv
        self.update(passage_rich(pv, focus, current=current))
        self.set_class(current, "-current")
