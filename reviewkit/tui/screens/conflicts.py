"""Provides `ConflictsScreen`: screening conflicts between reviewers, resolved by the lead reviewer.

A lead's screen, not a blind one: it shows every reviewer's decision, so the app leaves it out in
blind mode (like the Disagreements screen). Resolutions are stored by
`reviewkit.project.screening.resolve` under the coder ``consensus`` with the lead's name in the
note (audited; `u` undoes the latest resolution). The reviewers' own decisions are never changed,
so `reviewkit agreement --stage screening` reads the same figures before and after.
"""

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
from reviewkit.project import screening as scr
from reviewkit.project.screening_protocol import protocol
from reviewkit.records import ScreeningDecision
from reviewkit.tui.screening_dialogs import ReasonPicker, note_prompt
from reviewkit.tui.session import ReviewSession

STAGE_NAMES = {scr.TA: "title/abstract", scr.FT: "full text"}
SHORT = {"include": "include", "exclude": "exclude", "maybe": "maybe", "not_retrieved": "not retrieved"}


def decision_text(d: ScreeningDecision) -> str:
    """One reviewer's decision in a cell: "exclude (wrong topic)"."""
    return SHORT.get(d.decision, d.decision) + (f" ({d.reason})" if d.reason else "")


class ConflictsScreen(Screen[None]):
    """Screening conflicts: i/x resolve as include/exclude (with the note from n), u undoes, f switches stage."""

    BINDINGS = [
        Binding("j,down", "move(1)", "next", key_display="j/↓"),
        Binding("k,up", "move(-1)", "previous", key_display="k/↑"),
        Binding("i", "resolve('include')", "resolve: include"),
        Binding("x", "exclude", "resolve: exclude…"),
        Binding("n", "note", "note"),
        Binding("u", "undo", "undo resolution"),
        Binding("f", "switch_stage", "stage"),
    ]

    def __init__(self, session: ReviewSession, stage: str = scr.TA, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.stage = stage
        self.rows: list[scr.Conflict] = []
        self.note = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="conflicts"):
            yield Static("Loading conflicts…", id="conf-count")
            yield DataTable(id="conf-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="conf-detail")
            yield Static(id="conf-note")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self._show_stage()
        self.reload()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reload()

    def on_screen_suspend(self) -> None:
        """Leaving the screen: resolutions may have changed which documents the other screens show."""
        refresh = getattr(self.app, "refresh_scope", None)
        if callable(refresh):
            refresh()

    def _show_stage(self) -> None:
        base = getattr(self.app, "header_base", self.app.sub_title)
        self.sub_title = f"{base} · screening conflicts: {STAGE_NAMES[self.stage]}"

    def reload(self) -> None:
        """Read the conflicts again (in a worker)."""
        self._fetch(self.stage)

    @work(thread=True, exclusive=True, group="conflicts")
    def _fetch(self, stage: str) -> None:
        rows: list[scr.Conflict] = []
        resolved, error = 0, ""
        try:
            with self.session.read() as store:
                rows = scr.conflicts(store, stage=stage)
                resolved = len(store.screening.list(coder=scr.CONSENSUS, stage=stage))
        except ReviewkitError as exc:
            error = str(exc)
        self.app.call_from_thread(self._show, stage, rows, resolved, error)

    def _show(self, stage: str, rows: list[scr.Conflict], resolved: int, error: str) -> None:
        if stage != self.stage:
            return  # the stage was switched meanwhile
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        self.rows = rows
        reviewers = sorted({d.coder for r in rows for d in r.decisions})
        table.add_column("doc", width=5)
        table.add_column("title", width=44)
        for name in reviewers:
            table.add_column(name[:24], width=24)
        for r in rows:
            mine = {d.coder: decision_text(d) for d in r.decisions}
            title = r.title[:43] + ("…" if len(r.title) > 43 else "")
            table.add_row(str(r.document_id), title, *(mine.get(n, "") for n in reviewers))
        if rows:
            table.move_cursor(row=min(max(cursor, 0), len(rows) - 1), scroll=False)
        summary = error or (
            f"{len(rows)} conflict(s) at {STAGE_NAMES[stage]} · {resolved} resolved · "
            f"i/x record the final decision (resolved by {self.session.coder})"
        )
        self.query_one("#conf-count", Static).update(summary)
        self._detail()
        self.refresh_bindings()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    def _detail(self) -> None:
        r = self.current
        detail = self.query_one("#conf-detail", Static)
        self.query_one("#conf-note", Static).update(f"note: {self.note}" if self.note else "")
        if r is None:
            detail.update("")
            return
        doc = self.session.store.documents.get(r.document_id)
        text = Text(f"[{r.document_id}] {r.key} · {getattr(doc, 'year', None) or 'n.d.'} · {r.title}\n", style="bold")
        if doc is not None and doc.abstract:
            text.append(doc.abstract[:600] + ("…" if len(doc.abstract) > 600 else "") + "\n")
        for d in r.decisions:
            text.append(f"\n{d.coder}: {decision_text(d)}" + (f" — {d.note}" if d.note else ""))
        detail.update(text)

    @property
    def current(self) -> scr.Conflict | None:
        """The conflict under the cursor."""
        row = self.query_one(DataTable).cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Resolving and notes wait for a conflict under the cursor (greyed otherwise)."""
        if action in ("resolve", "exclude", "note") and self.current is None:
            return None
        return True

    def action_move(self, delta: int) -> None:
        table = self.query_one(DataTable)
        if self.rows:
            table.move_cursor(row=max(0, min(table.cursor_row + delta, len(self.rows) - 1)))

    def _resolve(self, decision: str, reason: str = "") -> None:
        r = self.current
        if r is None:
            return
        try:
            scr.resolve(
                self.session.store, r.document_id, decision, self.session.coder,
                reason=reason, note=self.note, stage=self.stage,
            )  # fmt: skip
        except ReviewkitError as exc:
            self.notify(str(exc), severity="error", title="Conflicts")
            return
        self.note = ""
        self.notify(f"Resolved: document {r.document_id} {decision}{f' ({reason})' if reason else ''}.", timeout=2)
        self.reload()

    def action_resolve(self, decision: str) -> None:
        """Record the lead's final include for the conflict under the cursor (with the pending note)."""
        self._resolve(decision)

    def action_exclude(self) -> None:
        """Pick the exclusion reason, then record the lead's final exclusion (Escape: nothing recorded)."""

        def chosen(reason: str | None) -> None:
            if reason:
                self._resolve("exclude", reason)

        if self.current is not None:
            self.app.push_screen(ReasonPicker(protocol(self.session.store).reasons), chosen)

    def action_note(self) -> None:
        """Type a note; it is stored with the next resolution."""

        def typed(note: str | None) -> None:
            if note is not None:
                self.note = note
                self._detail()

        if self.current is not None:
            self.app.push_screen(note_prompt(self.note), typed)

    def action_undo(self) -> None:
        """Undo the latest resolution (the conflict comes back)."""
        step = scr.undo_resolution(self.session.store)
        self.notify("Undone: the resolution is taken back." if step else "No resolution to undo.",
                    severity="information" if step else "warning")  # fmt: skip
        self.reload()

    def action_switch_stage(self) -> None:
        """Switch between the title/abstract and the full-text conflicts."""
        self.stage = scr.FT if self.stage == scr.TA else scr.TA
        self.note = ""
        self._show_stage()
        self.reload()
