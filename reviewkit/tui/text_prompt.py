"""Provides `TextPrompt`, the one modal that asks for text: a coder's name, a file path, a memo, a note.

Single-line (an `Input`: Enter or ctrl+s saves) or multi-line (a `TextArea`: Enter starts a new line,
ctrl+s saves); Escape cancels. The result comes back through `dismiss`: the text, stripped; None when
cancelled, or when saved empty unless `allow_empty` (then ""). Styles: ``TextPrompt`` and ``#prompt*``
in ``reviewkit.tcss``.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, TextArea


class TextPrompt(ModalScreen[str | None]):
    """Ask for a line or a few lines of text; dismisses with the text (stripped) or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        title: str,
        value: str = "",
        *,
        placeholder: str = "",
        multiline: bool = False,
        allow_empty: bool = False,
        **kwargs: Any,
    ) -> None:
        """Make the prompt.

        Args:
            title: the question, shown in bold at the top.
            value: the initial text (selected for editing).
            placeholder: shown while the single-line field is empty.
            multiline: a several-line text area (ctrl+s saves) instead of one line (Enter saves).
            allow_empty: saving an empty text gives "" (e.g. to clear a note) instead of None.
            **kwargs: passed to `ModalScreen`.
        """
        super().__init__(**kwargs)
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.multiline = multiline
        self.allow_empty = allow_empty

    @property
    def hint(self) -> str:
        """The key line under the field."""
        return "ctrl+s saves · Enter new line · Escape cancels" if self.multiline else "Enter saves · Escape cancels"

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt", classes="dialog"):
            yield Label(self.title_text, id="prompt-title")
            if self.multiline:
                yield TextArea(self.value, id="prompt-input", classes="multiline", soft_wrap=True)
            else:
                yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")
            yield Label(self.hint, id="prompt-hint")

    def on_mount(self) -> None:
        field = self.query_one("#prompt-input")
        if isinstance(field, Input | TextArea):
            field.cursor_blink = getattr(self.app, "cursor_blink_enabled", True)
        field.focus()

    @property
    def text(self) -> str:
        """The text typed so far."""
        field = self.query_one("#prompt-input")
        return field.text if isinstance(field, TextArea) else self.query_one("#prompt-input", Input).value

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        """Dismiss with the text (stripped); empty gives None unless `allow_empty`."""
        text = self.text.strip()
        self.dismiss(text if text or self.allow_empty else None)

    def action_cancel(self) -> None:
        """Dismiss with None: nothing is saved."""
        self.dismiss(None)
