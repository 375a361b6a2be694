"""Pilot tests of the review app's background retraining (real SQLite file, real model, real app)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _review_fixtures import settle
from _tui import running

from reviewkit.codebook import load_codebook
from reviewkit.project import review as svc
from reviewkit.project.codebooks import save_codebook
from reviewkit.project.coding import run_tagger
from reviewkit.project.encoding import make_embedder
from reviewkit.store import Store
from reviewkit.store.base import now
from reviewkit.tui.screens.queue import QueueScreen
from reviewkit.tui.session import PAGE
from tests.test_coding import MINI

DOCS = [
    {"key": "a", "title": "Lean factories", "abstract": "Factories adopted lean production and cut defects."},
    {"key": "b", "title": "Lean plants", "abstract": "Plants adopted lean production and reduced their defects."},
    {"key": "c", "title": "Bicycles", "abstract": "The firm started selling bicycles with carbon frames."},
    {"key": "d", "title": "Bikes", "abstract": "The company started selling bicycles with titanium frames."},
    {"key": "e", "title": "Know-how", "abstract": "Engineers who change firms carry know-how across the district."},
    {"key": "f", "title": "Buzz", "abstract": "Informal contacts spread tacit knowledge among local suppliers."},
    {"key": "g", "title": "Weather", "abstract": "It rained heavily in the mountains last spring."},
]


@pytest.fixture(scope="module")
def embedder(st_model: Any) -> Any:
    return make_embedder(model_obj=st_model)


@pytest.fixture
def coded(tmp_path: Path, embedder: Any) -> Iterator[tuple[Store, int]]:
    """A project file whose passages the real tagger coded (no decisions yet)."""
    store = Store.open(tmp_path / "retrain.db")
    for d in DOCS:
        store.db["documents"].insert({**d, "imported_at": now()})
    codebook = load_codebook(MINI)
    cb = save_codebook(store, codebook)
    run_tagger(store, cb, codebook=codebook, embedder=embedder)
    yield store, cb
    store.close()


def _suggestion(store: Store, suggestion_id: int) -> tuple[Any, ...]:
    row = store.db.execute("SELECT id, score, run_id FROM suggestions WHERE id = ?", [suggestion_id]).fetchone()
    return tuple(row) if row else ()


async def _wait(pilot: Any, done: Any, seconds: float = 300.0) -> None:
    end = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < end, "the background retrain did not finish"
        await pilot.pause(0.2)


async def test_retrain_every_2_reorders_the_queue_and_keys_keep_working(
    coded: tuple[Store, int], embedder: Any
) -> None:
    store, cb = coded
    runs_before = len(store.suggestions.runs())
    async with running(store, "ann", start="queue", retrain_every=2, embedder=embedder) as pilot:
        app = pilot.app
        screen = app.screen
        assert isinstance(screen, QueueScreen) and len(screen.items) >= 4
        before = [i.suggestion_id for i in screen.items]
        first, second = screen.items[0], screen.items[1]
        # Hold the tagger as a Documents-screen run would: the retrain must wait, and the UI must not.
        app.session.tagger_lock.acquire()
        try:
            await pilot.press("a")
            await pilot.pause()
            assert not app.retrainer.running  # 1 decision of 2
            await pilot.press("r")
            await pilot.pause()
            assert app.retrainer.running and app.session.decisions == 0
            kept = {sid: _suggestion(store, sid) for sid in (first.suggestion_id, second.suggestion_id)}
            table = screen.query_one("DataTable")
            start = table.cursor_row
            await pilot.press("j")
            await pilot.pause()
            assert table.cursor_row == start + 1  # keys work while the retrain is under way
            await pilot.press("k")
            await pilot.pause()
            assert table.cursor_row == start and app.retrainer.running
        finally:
            app.session.tagger_lock.release()
        await _wait(pilot, lambda: app.retrainer.runs == 1)
        await settle(pilot)
        runs = store.suggestions.runs()
        assert len(runs) == runs_before + 1
        assert runs[0].decisions == 2 and runs[0].status == "finished"
        # The decided suggestions are untouched; the queue was re-read in the retrained order.
        assert {sid: _suggestion(store, sid) for sid in kept} == kept
        fresh = [i.suggestion_id for i in svc.review_queue(store, "ann", cb, limit=PAGE)]
        after = [i.suggestion_id for i in screen.items]
        assert after == fresh and after != before
        run_ids = {_suggestion(store, sid)[2] for sid in after}
        assert run_ids == {runs[0].id}  # every undecided suggestion shown carries the new scores
        assert "retraining" not in app.sub_title


async def test_retrain_off_and_not_before_n(coded: tuple[Store, int], embedder: Any) -> None:
    store, _cb = coded
    for every, presses in ((0, 3), (5, 4)):
        async with running(store, "ann", start="queue", retrain_every=every, embedder=embedder) as pilot:
            app = pilot.app
            for _ in range(presses):
                await pilot.press("r")
                await pilot.pause()
            assert not app.retrainer.running and app.retrainer.runs == 0
            assert app.session.decisions == presses


def test_cli_review_passes_retrain_every(coded: tuple[Store, int], monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    import reviewkit.tui.app as tui_app
    from reviewkit.cli import cli

    store, _cb = coded
    built: list[Any] = []

    class Started:
        def __init__(self, app: Any) -> None:
            self.app = app

        def run(self) -> None:
            built.append(self.app)

    real = tui_app.make_app
    monkeypatch.setattr(tui_app, "make_app", lambda *a, **k: Started(real(*a, **k)))
    for args, expected in (([], 20), (["--retrain-every", "0"], 0), (["--retrain-every", "7"], 7)):
        ok = CliRunner().invoke(cli, ["review", "--db", str(store.path), "--coder", "ann", *args])
        assert ok.exit_code == 0, ok.output
        assert built[-1].session.retrain_every == expected
    bad = CliRunner().invoke(cli, ["review", "--db", str(store.path), "--retrain-every", "-1"])
    assert bad.exit_code == 2 and "--retrain-every" in bad.output
