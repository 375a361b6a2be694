"""Provides the tagger runs of the review app: `run_project_tagger` and the background `Retrainer`.

Every N decisions made in the app (`ReviewSession.retrain_every`; accept, reject, add, done), the
app retrains the tagger on the project's decisions in a worker thread (`run_tagger` on its own
connection) and re-scores the undecided suggestions; the Queue then reloads, so its "most uncertain
first" order follows the new scores. Runs never overlap (`ReviewSession.tagger_lock`, also taken by
the Documents screen's ``t``), the UI thread never waits for them, and a decision made while one runs
is never overwritten (`run_tagger` keeps every suggestion a coder decided, checked at write time).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.worker import get_current_worker

from reviewkit.tui.session import ReviewSession

if TYPE_CHECKING:
    from textual.app import App

    from reviewkit.project.coding import TagRunSummary

Progress = Callable[[int, int, str], None]


class Cancelled(Exception):
    """The app is closing: the tagger run stops (what it saved so far is kept; the next run resumes)."""


def run_project_tagger(session: ReviewSession, progress: Progress) -> TagRunSummary:
    """Run the tagger (retraining on the project's decisions) on the session's project, in a worker thread.

    Waits while another tagger run of the app is under way; opens its own connection; loads the
    embedding model once per session (`ReviewSession.embedder`). Stops with `Cancelled` when the
    worker is cancelled (the app is closing).

    Args:
        session: the app's session.
        progress: callback (done, total, stage), called from the worker thread.

    Returns:
        What the run did.

    Raises:
        ReviewkitError: the project has no codebook, or the model cannot be loaded.
        Cancelled: the worker was cancelled.
    """
    from reviewkit.project import open_project
    from reviewkit.project.coding import run_tagger
    from reviewkit.project.encoding import make_embedder, project_model

    worker = get_current_worker()

    def checked(done: int, total: int, stage: str) -> None:
        if worker.is_cancelled:
            raise Cancelled
        progress(done, total, stage)

    with session.tagger_lock:
        if worker.is_cancelled:
            raise Cancelled
        store = open_project(session.store.path)
        try:
            if session.embedder is None:
                checked(0, 1, "loading model")
                session.embedder = make_embedder(project_model(store))
            return run_tagger(store, session.codebook_id, embedder=session.embedder, progress=checked)
        finally:
            store.close()


class Retrainer:
    """Counts the session's decisions and retrains in the background every `ReviewSession.retrain_every`.

    Args:
        app: the review app (its ``retrain`` worker method runs `work`).
        session: the app's session.
        start: starts the worker (the app's ``@work(thread=True, exclusive=True, group="tagger")`` method).
        done: called on the UI thread with the run's summary (or None when it failed) to reload the Queue.
    """

    def __init__(
        self, app: App[Any], session: ReviewSession, start: Callable[[], object], done: Callable[[Any], None]
    ) -> None:
        self.app = app
        self.session = session
        self.start = start
        self.done = done
        self.running = False
        self.runs = 0
        """Background retrains finished in this session."""
        self.base_title = ""
        session.on_decisions = self.decided

    def decided(self, count: int) -> None:
        """A decision was made (UI thread): start a retrain when `count` reaches the setting and none runs."""
        every = self.session.retrain_every
        if every <= 0 or count < every or self.running or self.session.store.path == ":memory:":
            return
        self.running = True
        self.session.decisions = 0
        self.base_title = self.app.sub_title
        self.app.notify(f"Retraining the tagger on your decisions ({count} new) in the background…")
        self.start()

    def work(self) -> None:
        """The worker's body (worker thread): run the tagger, report progress and the result to the UI."""
        from reviewkit.errors import ReviewkitError

        summary: TagRunSummary | None = None
        try:
            summary = run_project_tagger(self.session, self._progress)
        except Cancelled:
            return
        except ReviewkitError as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="error", title="Retraining failed")
        except Exception as exc:  # a background job must not take the app down with it
            msg = f"{type(exc).__name__}: {exc}"
            self.app.call_from_thread(self.app.notify, msg, severity="error", title="Retraining failed")
        self.app.call_from_thread(self._finished, summary)

    def _progress(self, done: int, total: int, stage: str) -> None:
        self.app.call_from_thread(self._show, done, total, stage)

    def _show(self, done: int, total: int, stage: str) -> None:
        counts = f" {done:,}/{total:,}" if total > 1 else ""
        self.app.sub_title = f"{self.base_title} · retraining: {stage}{counts}"

    def _finished(self, summary: TagRunSummary | None) -> None:
        self.running = False
        self.runs += 1
        self.app.sub_title = self.base_title
        if summary is not None:
            what = summary.learnt or "no new decisions to learn from"
            self.app.notify(
                f"Retrained: {what}; {summary.passages:,} passages re-scored. The queue follows the new scores."
                if not summary.up_to_date
                else "Tagger up to date: nothing to re-score."
            )
        self.done(summary)
        # Decisions made while it ran may have reached the setting again.
        self.decided(self.session.decisions)
