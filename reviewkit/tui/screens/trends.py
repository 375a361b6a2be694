"""Provides `TrendsScreen`: shares of documents per year carrying each selected code or group."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, SelectionList, Static

from reviewkit.analysis.trends import TrendRow
from reviewkit.errors import ReviewkitError
from reviewkit.project.state import default_source, human_coders
from reviewkit.project.trends import code_choices, trends
from reviewkit.tui.session import ReviewSession
from reviewkit.tui.widgets.trend_chart import TrendChart


def source_choices(session: ReviewSession) -> list[str]:
    """The sources `s` cycles through, the project default first (blind: the coder's own and suggested)."""
    if session.blind:
        return [f"coder:{session.coder}", "suggested"]
    try:
        default = default_source(session.store, session.codebook_id)
        coders = human_coders(session.store, session.codebook_id)
    except ReviewkitError:
        return ["consensus", "suggested"]
    return list(dict.fromkeys([default, "consensus", "any", *(f"coder:{c}" for c in coders), "suggested"]))


def toggle_prompt(code: str, on: bool) -> str:
    """A code's line in the list, its state in words (the check box alone shows it by colour only)."""
    return f"{'on ' if on else 'off'} {code}"


class TrendsScreen(Screen[None]):
    """The figures behind `reviewkit trends` (same rule, same default source), as a chart and a table.

    Space toggles a code; the settings panel names the source, window and codes shown in words.
    """

    BINDINGS = [
        Binding("s", "toggle_source", "next source"),
        Binding("m", "toggle_window", "yearly/3-year"),
    ]

    def __init__(self, session: ReviewSession, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.sources = source_choices(session)
        self.source = self.sources[0]
        self._coder = session.coder
        self.window = 1
        self.rows: list[TrendRow] = []

    def compose(self) -> ComposeResult:
        groups, leaves = code_choices(self.session.store, self.session.codebook_id)
        choices = [(toggle_prompt(g, True), g, True) for g in groups]
        choices += [(toggle_prompt(leaf, False), leaf, False) for leaf in leaves]
        yield Header()
        with Horizontal(id="trends"):
            with Vertical(id="trends-side"):
                yield Static(id="trends-settings")
                yield SelectionList[str](*choices, id="trend-codes")
            with Vertical(id="trends-main"):
                yield TrendChart(id="trend-chart")
                yield DataTable(id="trend-table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#trend-table", DataTable)
        for col in ("year", "code", "reviewed", "published", "coded", "share"):
            table.add_column(col, key=col)
        self.query_one(SelectionList).focus()
        self.reload()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reload()

    @property
    def selected(self) -> list[str]:
        """The codes and groups switched on, in list order."""
        sel = set(self.query_one(SelectionList).selected)
        groups, leaves = code_choices(self.session.store, self.session.codebook_id)
        return [c for c in groups + leaves if c in sel]

    def reload(self) -> None:
        """Recompute the figures (in a worker) for the current source, window and codes."""
        if self.session.coder != self._coder:  # the palette switched coder: their sources
            self._coder = self.session.coder
            self.sources = source_choices(self.session)
            self.source = self.sources[0]
        shown = ", ".join(self.selected) or "none"
        self.query_one("#trends-settings", Static).update(
            f"source: {self.source} (s: {' · '.join(self.sources)})\n"
            f"window: {'3-year trailing' if self.window > 1 else 'yearly'} (m)\n"
            f"shown: {shown}\ncodes (space toggles):"
        )
        self._compute(self.selected, self.source, self.window)

    @work(thread=True, exclusive=True, group="trends")
    def _compute(self, codes: list[str], source: str, window: int) -> None:
        s = self.session
        rows: list[TrendRow] = []
        error = ""
        if codes:
            try:
                with s.read() as store:
                    rows = trends(
                        store,
                        ",".join(codes),
                        source=source,
                        window=window,
                        codebook_id=s.codebook_id,
                        scope=None if s.scope is None else set(s.scope),
                        only_coder=s.coder if s.blind else None,
                    )
            except ReviewkitError as exc:
                error = str(exc)
        self.app.call_from_thread(self._show, rows, error)

    def _show(self, rows: list[TrendRow], error: str) -> None:
        if error:
            self.notify(error, severity="error", title="Trends")
        self.rows = rows
        what = f"share of reviewed documents, source {self.source}" + (
            ", 3-year trailing" if self.window > 1 else ""
        )
        self.query_one(TrendChart).show(rows, what)
        table = self.query_one("#trend-table", DataTable)
        table.clear()
        for r in rows:
            table.add_row(
                str(r.year), r.code, str(r.documents), str(r.published or 0), str(r.coded), f"{r.share:.3f}"
            )

    @on(SelectionList.SelectedChanged)
    def _codes_changed(self) -> None:
        codes = self.query_one(SelectionList)
        chosen = set(codes.selected)
        for index in range(codes.option_count):
            value = codes.get_option_at_index(index).value
            codes.replace_option_prompt_at_index(index, toggle_prompt(value, value in chosen))
        self.reload()

    def action_toggle_source(self) -> None:
        self.source = self.sources[(self.sources.index(self.source) + 1) % len(self.sources)]
        self.reload()

    def action_toggle_window(self) -> None:
        self.window = 1 if self.window > 1 else 3
        self.reload()
