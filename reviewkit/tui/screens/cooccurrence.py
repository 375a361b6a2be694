"""Provides `CooccurrenceScreen`: the co-occurrence matrix of codes (as `reviewkit cooccurrence`) as a table."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from reviewkit.errors import ReviewkitError
from reviewkit.project.cooccurrence import CooccurrenceReport, code_cooccurrence
from reviewkit.tui.screens.trends import source_choices
from reviewkit.tui.session import ReviewSession

LEVELS = ("document", "passage")
MEASURES = ("count", "jaccard", "conditional")
MEASURE_WORDS = {
    "count": "units carrying both codes (diagonal: units carrying the code)",
    "jaccard": "both / either (1 on the diagonal)",
    "conditional": "share of the row code's units that also carry the column code",
}


class CooccurrenceScreen(Screen[None]):
    """Codes by codes: how often two codes apply to the same document or passage under a source."""

    BINDINGS = [
        Binding("l", "next_level", "level"),
        Binding("m", "next_measure", "measure"),
        Binding("s", "next_source", "source"),
        Binding("escape", "back", "back"),
    ]

    def __init__(self, session: ReviewSession, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.sources = source_choices(session)
        self.source = self.sources[0]
        self.level = LEVELS[0]
        self.measure = MEASURES[0]
        self.report: CooccurrenceReport | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="cooccurrence"):
            yield Static(id="cooc-settings")
            yield DataTable(id="cooc-table", cursor_type="cell", zebra_stripes=True)
            yield Static(id="cooc-legend")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.reload()

    def reload(self) -> None:
        """Compute the matrix again (in a worker: it reads the project's review state)."""
        self._settings("computing…")
        self._compute(self.level, self.source)

    @work(thread=True, exclusive=True, group="cooccurrence")
    def _compute(self, level: str, source: str) -> None:
        s = self.session
        report: CooccurrenceReport | None = None
        error = ""
        try:
            with s.read() as store:
                report = code_cooccurrence(
                    store, level=level, source=source, only_coder=s.coder if s.blind else None
                )
        except ReviewkitError as exc:
            error = str(exc)
        self.app.call_from_thread(self._show, report, error)

    def _show(self, report: CooccurrenceReport | None, error: str) -> None:
        self.report = report
        table = self.query_one(DataTable)
        table.clear(columns=True)
        legend = self.query_one("#cooc-legend", Static)
        if report is None:
            self._settings(error)
            legend.update("")
            return
        m = report.matrix
        table.add_column("code", key="code")
        for i, _code in enumerate(m.codes, 1):
            table.add_column(str(i), width=5, key=f"c{i}")
        for i, a in enumerate(m.codes, 1):
            cells = [self._cell(m.value(a, b, self.measure)) for b in m.codes]
            table.add_row(f"{i:>2} {a}", *cells, key=a)
        self._settings()
        if not m.codes:
            legend.update(Text("No code counts as applied under this source yet.", style="dim"))
        else:
            legend.update(
                Text(
                    f"columns: the codes numbered as the rows · {self.measure}: {MEASURE_WORDS[self.measure]}",
                    style="dim",
                )
            )

    def _cell(self, value: float) -> str:
        if self.measure == "count":
            return str(int(value))
        return f"{value:.2f}"

    def _settings(self, note: str = "") -> None:
        text = Text("Co-occurrence of codes", style="bold")
        text.append(
            f"\nlevel: {self.level} (l) · measure: {self.measure} (m) · source: {self.source} (s: {' · '.join(self.sources)})"
        )
        r = self.report
        if note:
            text.append(f"\n{note}", style="bold red" if note != "computing…" else "dim")
        elif r is not None:
            text.append(
                f"\n{r.reviewed_documents:,} reviewed document(s) under {r.source}; "
                f"{r.matrix.units:,} {self.level}(s) with at least one code"
            )
        self.query_one("#cooc-settings", Static).update(text)

    def action_next_level(self) -> None:
        """Count documents or passages."""
        self.level = LEVELS[(LEVELS.index(self.level) + 1) % len(LEVELS)]
        self.reload()

    def action_next_measure(self) -> None:
        """Show counts, Jaccard or conditional shares (no recomputation)."""
        self.measure = MEASURES[(MEASURES.index(self.measure) + 1) % len(MEASURES)]
        self._show(self.report, "")

    def action_next_source(self) -> None:
        """The next source (the project default first; blind: yours and suggested)."""
        self.source = self.sources[(self.sources.index(self.source) + 1) % len(self.sources)]
        self.reload()

    def action_back(self) -> None:
        self.dismiss(None)
