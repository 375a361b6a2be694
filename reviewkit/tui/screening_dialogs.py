"""Provides the Screening screen's `ReasonPicker` (exclusion reason); a decision's note is asked by `note_prompt`."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from reviewkit.tui.text_prompt import TextPrompt


class ReasonPicker(ModalScreen[str | None]):
    """Pick an exclusion reason: 1–9, or ↑/↓ and Enter; Escape cancels (nothing is recorded)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        *(Binding(str(n), f"pick({n - 1})", show=False) for n in range(1, 10)),
    ]

    def __init__(self, reasons: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reasons = reasons

    def compose(self) -> ComposeResult:
        with Vertical(id="reason-picker"):
            yield Label("Exclude — why? (1–9 or ↑/↓ Enter; Escape cancels)", id="reason-title")
            yield OptionList(
                *(Option(f"{i}  {r}" if i < 10 else f"   {r}", id=r) for i, r in enumerate(self.reasons, 1)),
                id="reason-options",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_pick(self, index: int) -> None:
        if 0 <= index < len(self.reasons):
            self.dismiss(self.reasons[index])

    def action_cancel(self) -> None:
        self.dismiss(None)


def note_prompt(note: str = "") -> TextPrompt:
    """The prompt for a screening decision's note (Screening and Conflicts screens): saving it empty clears it."""
    return TextPrompt("Note for this record's decision", note, placeholder="a note (English or 中文)", allow_empty=True)
