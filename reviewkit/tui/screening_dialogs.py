"""Provides the Screening screen's modals: `ReasonPicker` (exclusion reason) and `NoteInput` (a decision's note)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option


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


class NoteInput(ModalScreen[str | None]):
    """Type a note for the current record's decision; Enter keeps it, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, note: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="note-input"):
            yield Label("Note for this record's decision (Enter keeps it, Escape cancels)")
            yield Input(value=self.note, placeholder="a note (English or 中文)", id="note-text")

    def on_mount(self) -> None:
        inp = self.query_one(Input)
        inp.cursor_blink = getattr(self.app, "cursor_blink_enabled", True)
        inp.focus()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
