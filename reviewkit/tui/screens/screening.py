"""Provides `ScreeningScreen`: screening one record at a time, ranked by the learner, at either stage.

Every decision is written at once (audited, `u` undoes it); the next record and the progress line
are computed in a worker thread (ranking and retraining), so the screen never freezes. Blind: the
screen shows and counts only the reviewer's own decisions. `f` switches between the title/abstract
stage and the full-text stage (only the records included at title/abstract; `r` marks a report
sought but not retrieved, as PRISMA 2020 counts it); the header names the stage.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from reviewkit.errors import ReviewkitError
from reviewkit.project import screening as scr
from reviewkit.project import screening_rank as rank
from reviewkit.project.screening_protocol import protocol
from reviewkit.tui.screening_dialogs import ReasonPicker, note_prompt
from reviewkit.tui.session import ReviewSession
from reviewkit.tui.widgets.screening_record import RecordView, criteria_terms, term_pattern

RANKING = "ranking…"
"""The hint shown while the worker ranks the records."""
STAGE_NAMES = {scr.TA: "title/abstract", scr.FT: "full text"}
"""The stages as the header names them."""


def progress_text(status: scr.StageCounts, own: dict[str, int], left: int | None) -> str:
    """The progress line: the reviewer's own counts and the stopping aid (shown, never enforced).

    `status` without the stopping aid (`StageCounts`, while the aid is computed) shows "…" in its place.
    """
    screened = own.get("include", 0) + own.get("exclude", 0)
    line = f"screened {screened}/{status.total} · included {own.get('include', 0)} · maybe {own.get('maybe', 0)}"
    if not isinstance(status, rank.ScreeningStatus):
        line += " · est. relevant left …" + (f" · {left} to go" if left is not None else "")
        return f"{line}\nstopping aid: computing…"
    est = status.estimated_relevant_left
    line += (
        f" · {status.since_last_inclusion} since last inclusion"
        f" · est. relevant left {'–' if est is None else f'{est:.1f}'}"
    )
    if status.stage == scr.FT:
        line += f" · not retrieved {own.get('not_retrieved', 0)}"
    if left is not None:
        line += f" · {left} to go"
    aid = f"heuristic: stop after {status.heuristic_run} exclusions in a row — " + (
        "reached (a suggestion, not enforced)" if status.heuristic_met else "not reached"
    )
    return f"{line}\n{aid}"


class ScreeningScreen(Screen[None]):
    """Screen the records by keyboard: i include, x exclude (reason), m maybe, r not retrieved (full text),
    s skip, n note, u undo, f switch stage."""

    BINDINGS = [
        Binding("i", "decide('include')", "include"),
        Binding("x", "exclude", "exclude…"),
        Binding("m", "decide('maybe')", "maybe"),
        Binding("r", "decide('not_retrieved')", "not retrieved"),
        Binding("s", "skip", "skip"),
        Binding("n", "note", "note", show=False, tooltip="Type a note stored with this record's decision"),
        Binding("u", "undo", "undo"),
        Binding("f", "switch_stage", "stage"),
        Binding("c", "app.switch_mode('conflicts')", "conflicts"),
    ]

    def __init__(self, session: ReviewSession, stage: str = scr.TA, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.stage = stage
        self.current: rank.NextRecord | None = None
        self.ranking = False
        self.note = ""
        self.skipped: set[int] = set()
        self.generation = 0
        self.progress = ""
        proto = protocol(session.store)
        self.reasons = proto.reasons
        self.pattern = term_pattern(criteria_terms(proto.criteria))

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="screening-progress")
        with VerticalScroll(id="screening-body"):
            yield RecordView(id="screening-record")
        yield Static(id="screening-note")
        yield Footer()

    def on_mount(self) -> None:
        self._show_stage()
        self.reload()

    def _show_stage(self) -> None:
        """The header names the stage (the screen's sub-title extends the app's)."""
        base = getattr(self.app, "header_base", self.app.sub_title)
        self.sub_title = f"{base} · screening: {STAGE_NAMES[self.stage]}"

    def on_screen_resume(self) -> None:
        if self.is_mounted and not self.ranking:
            self.reload()

    def on_screen_suspend(self) -> None:
        """Leaving the screen: the decisions made may have changed which documents the other screens show."""
        refresh = getattr(self.app, "refresh_scope", None)
        if callable(refresh):
            refresh()

    # ------------------------------------------------------------------ ranking (worker)
    def reload(self, prefer: int | None = None) -> None:
        """Rank again and show the next record (in a worker; "ranking…" meanwhile)."""
        self.generation += 1
        self.current = None
        self.ranking = True
        self.query_one("#screening-progress", Static).update(f"{self.progress.splitlines()[0] if self.progress else ''}\n{RANKING}")
        self.query_one(RecordView).show(None, None, RANKING)
        self._show_note()
        self.refresh_bindings()
        self._rank(self.generation, frozenset(self.skipped), prefer)

    @work(thread=True, exclusive=True, group="screening")
    def _rank(self, generation: int, skip: frozenset[int], prefer: int | None) -> None:
        """The next record first (with the counts), then the stopping aid (it retrains up to 100 times)."""
        s = self.session
        rec: rank.NextRecord | None = None
        text, error = "", ""
        try:
            with s.read() as store:
                rec = rank.next_record(store, s.coder, stage=self.stage, skip=skip, prefer=prefer)
                own = dict(rank.own_counts(store, s.coder, stage=self.stage))
                left = rec.left if rec else 0
                self.app.call_from_thread(
                    self._show, generation, rec, progress_text(scr.counts(store, stage=self.stage), own, left), ""
                )
                if generation != self.generation:
                    return  # a newer decision already asked again
                text = progress_text(rank.status(store, s.coder, stage=self.stage), own, left)
        except ReviewkitError as exc:
            error = str(exc)
        if error:
            self.app.call_from_thread(self._show, generation, rec, text, error)
        else:
            self.app.call_from_thread(self._show_progress, generation, text)

    def _show_progress(self, generation: int, text: str) -> None:
        if generation == self.generation:
            self.progress = text
            self.query_one("#screening-progress", Static).update(text)

    def _show(self, generation: int, rec: rank.NextRecord | None, text: str, error: str) -> None:
        if generation != self.generation:
            return  # a later decision asked for a newer ranking
        self.ranking = False
        if error:
            self.notify(error, severity="error", title="Screening")
        self.current = rec
        if text:
            self.progress = text
            self.query_one("#screening-progress", Static).update(text)
        if rec is None:
            done = "Every record is screened at this stage." if self.stage == scr.TA else (
                "No record left for the full-text stage (it takes the records included at title/abstract)."
            )
            self.query_one(RecordView).show(None, None, done)
        else:
            how = "ranked by your decisions" if rec.trained else "cold start: similarity to the criteria"
            self.query_one(RecordView).show(rec.document, self.pattern, f"score {rec.score:.2f} ({how})")
            self.query_one("#screening-body", VerticalScroll).scroll_home(animate=False)
        self._show_note()
        self.refresh_bindings()

    def _show_note(self) -> None:
        self.query_one("#screening-note", Static).update(f"note: {self.note}" if self.note else "")

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Deciding, skipping and notes wait for a record (greyed while ranking)."""
        if action == "switch_mode" and self.session.blind:
            return False  # the lead's Conflicts screen shows the other reviewers' decisions
        if action == "decide" and parameters == ("not_retrieved",) and self.stage != scr.FT:
            return False  # a report is sought for retrieval at the full-text stage only
        if action in ("decide", "exclude", "skip", "note") and self.current is None:
            return None
        return True

    def _decide(self, decision: str, reason: str = "") -> None:
        if self.current is None:
            return
        doc = self.current.document
        try:
            scr.decide(
                self.session.store, doc.id, decision, self.session.coder,
                reason=reason, note=self.note, stage=self.stage,
            )  # fmt: skip
        except ReviewkitError as exc:
            self.notify(str(exc), severity="error", title="Screening")
            return
        self.note = ""
        self.skipped.discard(doc.id)
        self.notify(f"{decision}{f' ({reason})' if reason else ''}: {doc.display_title[:60]}", timeout=2)
        self.reload()

    def action_switch_stage(self) -> None:
        """Switch between title/abstract and full text (the records included at title/abstract)."""
        self.stage = scr.FT if self.stage == scr.TA else scr.TA
        self.skipped.clear()
        self.note = ""
        self.progress = ""
        self._show_stage()
        self.notify(f"Screening stage: {STAGE_NAMES[self.stage]}.", timeout=2)
        self.reload()

    def action_decide(self, decision: str) -> None:
        """Record include, maybe or not retrieved (full text) for the record shown (with the pending note)."""
        self._decide(decision)

    def action_exclude(self) -> None:
        """Ask for the exclusion reason, then record the exclusion (Escape: nothing recorded)."""

        def chosen(reason: str | None) -> None:
            if reason:
                self._decide("exclude", reason)

        if self.current is not None:
            self.app.push_screen(ReasonPicker(self.reasons), chosen)

    def action_skip(self) -> None:
        """Show the next record without deciding this one (it comes back when nothing else is left)."""
        if self.current is not None:
            self.skipped.add(self.current.document.id)
            self.note = ""
            self.reload()

    def action_note(self) -> None:
        """Type a note; it is stored with this record's decision."""

        def typed(note: str | None) -> None:
            if note is not None:
                self.note = note
                self._show_note()

        if self.current is not None:
            self.app.push_screen(note_prompt(self.note), typed)

    def action_undo(self) -> None:
        """Undo your latest step; a screening decision undone comes back on screen."""
        step = scr.undo(self.session.store, self.session.coder)
        if step is None:
            self.notify("Nothing to undo.", severity="warning")
            return
        target = step.changes[0].target if step.changes else {}
        prefer = target.get("document_id") if target.get("table") == "screening" else None
        self.notify("Undone: the decision is taken back.", timeout=2)
        self.note = ""
        self.reload(prefer=int(prefer) if prefer is not None else None)
