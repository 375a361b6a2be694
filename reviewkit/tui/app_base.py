"""Provides `AppBase`, the app-wide behaviour `ReviewApp` builds on: help, quit, palette, keys held while a screen opens.

- `?`/F1 open `HelpScreen` on the current screen;
- `q` (and ctrl+q) quit at once, or ask first while work runs in the background (any running worker);
- the command palette offers reviewkit's commands (`reviewkit.tui.commands`);
- keys typed while a document opens are held and replayed to the Review screen once it is drawn, so
  that "Enter a" from a fast typist (or ``tmux send-keys``) accepts on the new document instead of
  being lost on the way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import WorkerState

from reviewkit.tui.app_dialogs import ConfirmDialog
from reviewkit.tui.screens.help import HelpScreen

if TYPE_CHECKING:
    from reviewkit.tui.session import ReviewSession

HOLD_TIMEOUT = 3.0
"""Seconds after which held keys are replayed even if no screen asked for them (never lost for good)."""

WORK_NAMES = {
    "tagger": "coding the project",
    "export": "an export",
    "retrain": "retraining the model",
    "screening": "ranking the records",
}
"""How the quit dialog names a worker group."""


class AppBase(App[None]):
    """The review app's behaviour that does not depend on its screens (see the module docstring)."""

    session: ReviewSession

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[events.Key] | None = None
        self._hold_timer: Timer | None = None

    # ------------------------------------------------------------------ help
    def action_help(self) -> None:
        """Open the keys of the current screen (or close them when open)."""
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(self.screen))

    # ------------------------------------------------------------------ quit
    def running_work(self) -> list[str]:
        """What runs in the background now: one name per running worker group."""
        names = []
        for worker in self.workers:
            if worker.state in (WorkerState.PENDING, WorkerState.RUNNING):
                group = worker.group if worker.group != "default" else (worker.name or "a task")
                names.append(WORK_NAMES.get(group, group))
        return list(dict.fromkeys(names))

    async def action_quit(self) -> None:
        """Quit; while work runs in the background, ask first."""
        running = self.running_work()
        if not running:
            self.exit()
            return
        if isinstance(self.screen, ConfirmDialog):
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(
            ConfirmDialog(
                "Quit while work runs in the background?",
                detail=f"Running: {', '.join(running)}. Quitting stops it; decisions already made are saved.",
                yes="Quit",
                no="Stay",
            ),
            answer,
        )

    # ------------------------------------------------------------- palette
    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's commands, then reviewkit's (`reviewkit.tui.commands`)."""
        from reviewkit.tui.commands import app_commands

        yield from super().get_system_commands(screen)
        yield from app_commands(self)  # type: ignore[arg-type]

    def has_mode_screen(self, mode: str) -> bool:
        """Whether the app has the screen `mode` (a blind coder has no Disagreements screen)."""
        return mode in self._modes

    # ---------------------------------------------------- keys while opening
    def hold_keys(self) -> None:
        """Hold every key from now until `release_keys` (a screen is opening; see the module docstring)."""
        if self._held is None:
            self._held = []
        if self._hold_timer is not None:
            self._hold_timer.stop()
        self._hold_timer = self.set_timer(HOLD_TIMEOUT, self.release_keys)

    def release_keys(self) -> None:
        """Replay the held keys, in the order they were typed, to the screen now shown."""
        held, self._held = self._held, None
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        for key in sorted(held or [], key=lambda e: e.time):
            self.post_message(events.Key(key.key, key.character))

    async def on_event(self, event: events.Event) -> None:
        """Hold keys typed while a screen opens (they would reach the screen being left)."""
        if self._held is not None and isinstance(event, events.Key) and not event.is_forwarded:
            self._held.append(event)
            return
        await super().on_event(event)

    async def _on_key(self, event: events.Key) -> None:
        """Keys sent to the old screen before the hold began come back here unhandled: hold them too."""
        if self._held is not None:
            self._held.append(event)
            event.prevent_default()
            event.stop()
