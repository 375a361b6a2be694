"""`TextPrompt`, the one text modal: single- and multi-line, Enter/ctrl+s save, Escape cancels, result by dismiss."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Input, TextArea

import reviewkit.tui
from reviewkit.tui.text_prompt import TextPrompt

SENTINEL = object()


class Host(App[None]):
    """An app that opens one prompt and keeps what it was dismissed with."""

    CSS_PATH = str(Path(reviewkit.tui.__file__).parent / "reviewkit.tcss")

    def __init__(self, prompt: TextPrompt) -> None:
        super().__init__()
        self.prompt = prompt
        self.result: Any = SENTINEL

    def on_mount(self) -> None:
        def done(value: str | None) -> None:
            self.result = value

        self.push_screen(self.prompt, done)


async def _run(prompt: TextPrompt, *keys: str) -> Any:
    app = Host(prompt)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen is prompt
        await pilot.press(*keys)
        await pilot.pause()
        assert app.screen is not prompt  # dismissed
    return app.result


@pytest.mark.parametrize("save", ["enter", "ctrl+s"])
async def test_single_line_saves_the_stripped_text(save: str) -> None:
    assert await _run(TextPrompt("Coder"), *" bob ", save) == "bob"


async def test_the_initial_text_is_selected_to_replace_or_edit() -> None:
    assert await _run(TextPrompt("Switch to coder", "alice"), *"bob", "enter") == "bob"
    assert await _run(TextPrompt("Switch to coder", "alice"), "end", *"2", "enter") == "alice2"
    assert await _run(TextPrompt("Export to", "out.csv"), "enter") == "out.csv"


async def test_escape_cancels_with_none() -> None:
    assert await _run(TextPrompt("Memo"), *"draft", "escape") is None


async def test_empty_gives_none_unless_empty_is_allowed() -> None:
    assert await _run(TextPrompt("Memo"), "enter") is None
    assert await _run(TextPrompt("Note", "old", allow_empty=True), *["backspace"] * 3, "enter") == ""  # clears it


async def test_multi_line_enter_breaks_the_line_and_ctrl_s_saves() -> None:
    prompt = TextPrompt("Memo on code x", "first line", multiline=True)
    app = Host(prompt)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        area = prompt.query_one("#prompt-input")
        assert isinstance(area, TextArea) and not prompt.query(Input)
        assert "ctrl+s saves" in str(prompt.query_one("#prompt-hint").render())
        assert area.size.height >= 3  # the .tcss gives the text area room for several lines
        area.move_cursor(area.document.end)
        await pilot.press("enter", *"第二行", "enter")
        await pilot.pause()
        assert app.screen is prompt  # Enter only broke lines
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not prompt
    assert app.result == "first line\n第二行"


async def test_bindings_are_declared() -> None:
    keys = {b.key: b.action for b in TextPrompt.BINDINGS}  # type: ignore[union-attr]
    assert keys == {"ctrl+s": "save", "escape": "cancel"}
