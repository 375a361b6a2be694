"""Provides `FilterBar`: full-text search, year range, and the code/status filters of the documents list."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

from reviewkit.tui.session import DocFilters

STATUSES = ("", "pending", "done", "none")


class FilterBar(Horizontal):
    """Inputs for search and years, plus a read-out of the code and status filters."""

    @dataclass
    class Changed(Message):
        """The filters changed (posted when an input is submitted or a filter is set)."""

        filters: DocFilters

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.filters = DocFilters()

    def compose(self) -> ComposeResult:
        yield Input(placeholder="/ search title, abstract, keywords (中文 ok)", id="search")
        yield Input(placeholder="from year", id="year-min", type="integer")
        yield Input(placeholder="to year", id="year-max", type="integer")
        yield Static(self._summary(), id="filter-summary")

    def on_mount(self) -> None:
        blink = getattr(self.app, "cursor_blink_enabled", True)
        for inp in self.query(Input):
            inp.cursor_blink = blink

    def _summary(self) -> str:
        return f"code: {self.filters.code or 'any'} · status: {self.filters.status or 'any'}"

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        values = {i.id: i.value.strip() for i in self.query(Input)}
        self.set(
            query=values["search"],
            year_min=int(values["year-min"]) if values["year-min"].lstrip("-").isdigit() else None,
            year_max=int(values["year-max"]) if values["year-max"].lstrip("-").isdigit() else None,
        )

    def set(self, **changes: Any) -> None:
        """Change some filters and announce them."""
        self.filters = replace(self.filters, **changes)
        self.query_one("#filter-summary", Static).update(self._summary())
        self.post_message(self.Changed(self.filters))

    def cycle_status(self) -> None:
        """Next status filter: any -> pending -> done -> none -> any."""
        nxt = STATUSES[(STATUSES.index(self.filters.status) + 1) % len(STATUSES)]
        self.set(status=nxt)

    def clear(self) -> None:
        """Remove every filter."""
        for inp in self.query(Input):
            inp.value = ""
        self.filters = DocFilters()
        self.set()
