"""Provides the code picker of the review app: `CodePicker` (fuzzy code search; memos use `TextPrompt`)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option


def rank_codes(
    query: str, choices: list[tuple[str, str, str]], limit: int = 30
) -> list[tuple[str, str, str]]:
    """Codes ordered by fuzzy similarity of `query` to their id, English and Chinese labels.

    The score is the better of a token-set match (word order free: "chain upgrading" finds
    ``upgrading.chain``) and a partial match (prefixes such as "funct"), case-insensitive.
    """
    if not query.strip():
        return choices[:limit]
    from rapidfuzz import fuzz, process, utils

    def score(q: str, hay: str, **_: object) -> float:
        p = utils.default_process
        return max(fuzz.token_set_ratio(q, hay, processor=p), 0.95 * fuzz.partial_ratio(q, hay, processor=p))

    haystack = {i: f"{cid} {en} {zh}" for i, (cid, en, zh) in enumerate(choices)}
    hits = process.extract(query, haystack, scorer=score, limit=limit, score_cutoff=40)
    return [choices[key] for _text, _score, key in hits]


class CodePicker(ModalScreen[str | None]):
    """Type to filter codes (fuzzy over ids, English and Chinese labels); Enter picks, Escape cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
    ]

    def __init__(self, choices: list[tuple[str, str, str]], title: str = "Add a code", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = choices
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Label(self.title_text, id="picker-title")
            yield Input(placeholder="type an id or a label (English or 中文)", id="picker-input")
            yield OptionList(*self._options(""), id="picker-options")

    def on_mount(self) -> None:
        inp = self.query_one(Input)
        inp.cursor_blink = getattr(self.app, "cursor_blink_enabled", True)
        inp.focus()
        self.query_one(OptionList).highlighted = 0

    def _options(self, query: str) -> list[Option]:
        return [
            Option(f"{cid}  {en}  {zh}".rstrip(), id=cid) for cid, en, zh in rank_codes(query, self.choices)
        ]

    @on(Input.Changed)
    def _filter(self, event: Input.Changed) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options(event.value))
        options.highlighted = 0 if options.option_count else None

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if options.highlighted is None:
            self.dismiss(None)
            return
        self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = ((options.highlighted or 0) + delta) % options.option_count

    def action_cancel(self) -> None:
        self.dismiss(None)
