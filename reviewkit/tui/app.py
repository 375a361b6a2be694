"""Provides `ReviewApp`, the Textual review app, and `make_app`, the factory the CLI, demo and tests use."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from reviewkit.errors import ReviewkitError
from reviewkit.project import review as svc
from reviewkit.records import UndoStep
from reviewkit.tui.app_base import AppBase
from reviewkit.tui.code_commands import CODE_BINDINGS, code_commands, find_passages
from reviewkit.tui.retrain import Retrainer
from reviewkit.tui.screens.codebook import CodebookScreen
from reviewkit.tui.screens.conflicts import ConflictsScreen
from reviewkit.tui.screens.disagreements import DisagreementsScreen
from reviewkit.tui.screens.documents import DocumentsScreen
from reviewkit.tui.screens.progress import ProgressScreen
from reviewkit.tui.screens.queue import QueueScreen
from reviewkit.tui.screens.screening import ScreeningScreen
from reviewkit.tui.screens.trends import TrendsScreen
from reviewkit.tui.session import RETRAIN_EVERY, ReviewSession

if TYPE_CHECKING:
    from reviewkit.project import Store

BLIND_HIDDEN = ("disagreements", "conflicts")
"""Screens a blind coder does not get (they show, and adjudicate, other coders' decisions)."""

SCREENS_BY_MODE = {
    "documents": DocumentsScreen,
    "queue": QueueScreen,
    "codebook": CodebookScreen,
    "trends": TrendsScreen,
    "disagreements": DisagreementsScreen,
    "screening": ScreeningScreen,
    "progress": ProgressScreen,
    "conflicts": ConflictsScreen,
}


class ReviewApp(AppBase):
    """Review a reviewkit project by keyboard: 1–6 switch screens, u undoes, ctrl+r redoes."""

    CSS_PATH = "reviewkit.tcss"
    TITLE = "reviewkit"
    BINDINGS = [
        Binding("1", "switch_mode('documents')", "screens", key_display="1–6", tooltip="Documents screen"),
        Binding("2", "switch_mode('queue')", "queue", show=False, tooltip="Queue screen"),
        Binding("3", "switch_mode('codebook')", "codebook", show=False, tooltip="Codebook screen"),
        Binding("4", "switch_mode('trends')", "trends", show=False, tooltip="Trends screen"),
        Binding("5", "switch_mode('disagreements')", "disagreements", show=False, tooltip="Disagreements screen"),
        Binding("6", "switch_mode('screening')", "screening", show=False, tooltip="Screening screen"),
        Binding("P", "switch_mode('progress')", "progress", show=False, tooltip="Progress screen (per coder)"),
        Binding("question_mark,f1", "help", "help", key_display="?", tooltip="These keys (? or F1)"),
        Binding("u", "undo", "undo"),
        Binding("ctrl+r", "redo", "redo", show=False),
        Binding("q", "quit", "Quit", show=False, tooltip="Quit (asks first while work runs in the background)"),
        *CODE_BINDINGS,
    ]

    def __init__(self, session: ReviewSession, start: str = "documents", cursor_blink: bool = True) -> None:
        super().__init__()
        self.session = session
        self.start = start
        self.cursor_blink_enabled = cursor_blink
        for mode, screen in SCREENS_BY_MODE.items():
            if session.blind and mode in BLIND_HIDDEN:
                continue  # blind coders never see, nor write, other coders' decisions
            self.add_mode(mode, lambda screen=screen: screen(self.session))  # type: ignore[misc]
        self.refresh_scope()
        self.retrainer = Retrainer(self, session, self.retrain, self._retrained)

    def refresh_scope(self) -> None:
        """Recompute the documents in scope (screening may have changed them) and the header that names them."""
        session = self.session
        session.refresh_scope()
        name = Path(session.store.path).name
        cb = svc.codebook_version(session.store, session.codebook_id)
        book = f"{cb.name} {cb.version}" if cb else "no codebook"
        scope = f" · {session.scope_note.split(' (')[0]}" if session.scope_note else ""
        self.header_base = f"{name} · coder {session.coder}{' · blind' if session.blind else ''} · {book}"
        """The header without the scope (the Screening and Conflicts screens name their stage instead)."""
        self.sub_title = f"{self.header_base}{scope}"

    def on_mount(self) -> None:
        self.switch_mode(self.start)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Blind mode: the Disagreements screen (others' decisions, consensus writing) does not exist."""
        if action == "switch_mode" and self.session.blind and parameters and parameters[0] in BLIND_HIDDEN:
            return False
        return True

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette: Textual's commands plus the advance-after-a/r toggle."""
        yield from super().get_system_commands(screen)
        yield from code_commands(self)
        yield SystemCommand(
            "Screening",
            "Screen records one at a time: i include, x exclude, m maybe, s skip, n note, u undo (key 6)",
            lambda: self.switch_mode("screening"),
        )
        if not self.session.blind:
            yield SystemCommand(
                "Screening conflicts",
                "The lead resolves reviewers' differing screening decisions: i include, x exclude, n note, u undo",
                lambda: self.switch_mode("conflicts"),
            )
        state = "on" if self.session.advance else "off"
        yield SystemCommand(
            f"Advance after a/r (now {state})",
            "After accepting or rejecting a code, move to the passage's next code (off: stay)",
            self.action_toggle_advance,
        )

    def action_find_passages(self) -> None:
        """Search the project and jump to passages (ctrl+f)."""
        find_passages(self)

    def action_toggle_advance(self) -> None:
        """Switch between moving to the next code after a/r and staying on the code just decided."""
        self.session.advance = not self.session.advance
        self.screen.refresh_bindings()
        self.notify(
            "a/r now move to the next code." if self.session.advance else "a/r now stay on the code decided."
        )

    def on_unmount(self) -> None:
        self.session.close()

    @work(thread=True, exclusive=True, group="tagger")
    def retrain(self) -> None:
        """Retrain the tagger on the project's decisions in the background (`reviewkit.tui.retrain`)."""
        self.retrainer.work()

    def _retrained(self, summary: object) -> None:
        if isinstance(self.screen, QueueScreen):  # elsewhere the Queue reloads when shown again
            self.screen.reload()

    def _refresh_screen(self) -> None:
        reload = getattr(self.screen, "reload", None)
        if callable(reload):
            reload()

    def action_undo(self) -> None:
        """Undo this coder's latest step (one decision, or one accept-all), even from an earlier session."""
        step = svc.undo(self.session.store, self.session.coder)
        self.notify(
            _describe(step, "Undone") if step else "Nothing to undo.",
            severity="information" if step else "warning",
        )
        self._refresh_screen()

    def action_redo(self) -> None:
        """Redo the latest undone step."""
        step = svc.redo(self.session.store, self.session.coder)
        self.notify(
            _describe(step, "Redone") if step else "Nothing to redo.",
            severity="information" if step else "warning",
        )
        self._refresh_screen()


def _describe(step: UndoStep, verb: str) -> str:
    changes = step.changes
    if len(changes) == 1:
        target = changes[0].target
        if target.get("table", "codings") != "codings":
            return f"{verb}: {target['table'].replace('_', ' ')} change"
        return f"{verb}: {target.get('code_id')} on passage {target.get('passage_id', '')}".rstrip()
    return f"{verb}: {len(changes)} decisions"


def make_app(
    store: Store,
    coder: str,
    *,
    codebook_id: int | None = None,
    blind: bool = False,
    hide_scores: bool = False,
    start: str = "documents",
    cursor_blink: bool = True,
    advance: bool = True,
    all_documents: bool = False,
    retrain_every: int = RETRAIN_EVERY,
    embedder: Any = None,
) -> ReviewApp:
    """Build the review app on an open project.

    Args:
        store: the open project (the caller closes it after the app exits).
        coder: whose decisions the app records.
        codebook_id: codebook version (default: the current one).
        blind: hide other coders' decisions.
        hide_scores: hide the tagger's scores too.
        start: first screen: documents, queue, codebook, trends, disagreements or screening.
        cursor_blink: blink text cursors (tests and snapshots turn it off).
        advance: after a/r, move to the passage's next code (False: stay; `t` toggles it).
        all_documents: once screening has begun, Documents, Queue and Trends still show every
            document (default: the included ones, named in the header).
        retrain_every: retrain the tagger in the background after this many decisions (0: never).
        embedder: the embedding model for the app's tagger runs (default: loaded on first use).

    Raises:
        ReviewkitError: blind mode as the consensus coder, or opening the Disagreements screen blind.

    Returns:
        The app; call ``.run()`` (or ``run_test()`` in tests).
    """
    if start not in SCREENS_BY_MODE:
        raise ValueError(f"Unknown start screen {start!r}. Use one of: {', '.join(SCREENS_BY_MODE)}")
    if blind and coder == svc.CONSENSUS:
        raise ReviewkitError("A blind coder cannot record consensus decisions: choose your own --coder name.")
    if blind and start in BLIND_HIDDEN:
        raise ReviewkitError(f"The {start} screen shows other coders' decisions: it is not available with --blind.")
    cb = codebook_id if codebook_id is not None else svc.current_codebook_id(store)
    session = ReviewSession(
        store=store, coder=coder, codebook_id=cb, blind=blind, hide_scores=hide_scores, advance=advance,
        all_documents=all_documents,
        retrain_every=retrain_every, embedder=embedder,
    )  # fmt: skip
    return ReviewApp(session, start=start, cursor_blink=cursor_blink)
