"""Provides what the Pilot tests of the review app share: the fixture project, the app set-up, key helpers,
screen text.

Test modules bind the fixtures ``project`` and ``store`` with ``project, store = tui_project, tui_store``:
in those modules ``store`` is the review fixture project (`_review_fixtures.build_project`), not the
empty store of ``conftest.py``. ``async with running(store, "alice", start="codebook") as pilot:`` opens
the app (cursor blink off) and waits until its first screen is drawn; `project_with` makes a project of
a few records.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from _review_fixtures import settle
from textual import events

from reviewkit.records import Record
from reviewkit.store import Store

SIZE = (120, 40)
"""The terminal size of most Pilot tests."""


@pytest.fixture(name="project")
def tui_project(review_project: tuple[Path, dict[str, Any]]) -> tuple[Path, dict[str, Any]]:
    """The review fixture project: (path, ids)."""
    return review_project


@pytest.fixture(name="store")
def tui_store(project: tuple[Path, dict[str, Any]]) -> Iterator[Store]:
    """The review fixture project, open."""
    s = Store.open(project[0])
    yield s
    s.close()


@asynccontextmanager
async def running(
    store: Store, coder: str = "alice", *, size: tuple[int, int] = SIZE, **options: Any
) -> AsyncIterator[Any]:
    """The review app over `store` driven by Pilot, its first screen drawn: ``async with running(...) as pilot``.

    Args:
        store: the open project.
        coder: who reviews.
        size: the terminal size.
        **options: passed to `reviewkit.tui.app.make_app` (``start=``, ``blind=``, ``all_documents=`` ...);
            the cursor does not blink unless ``cursor_blink=True``.
    """
    from reviewkit.tui.app import make_app

    options.setdefault("cursor_blink", False)
    app = make_app(store, coder, **options)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        yield pilot


def project_with(path: str | Path, records: Iterable[Record]) -> Store:
    """A new project file at `path` holding `records` (keys rec1, rec2 ... in order), open."""
    store = Store.open(path)
    with store.transaction():
        for n, record in enumerate(records, 1):
            store.documents.add(record, f"rec{n}")
    return store


def decisions(store: Store, coder: str = "alice") -> dict[tuple[int, str], str]:
    """A coder's decisions in the database: (passage id, code id) -> status."""
    rows = store.db.execute("SELECT passage_id, code_id, status FROM codings WHERE coder = ?", [coder])
    return {(p, c): s for p, c, s in rows}


async def open_document(pilot: Any, row: int = 0) -> Any:
    """From the Documents screen, open the document at `row` and wait until its Review screen is drawn."""
    from reviewkit.tui.screens.review import ReviewScreen

    await settle(pilot)
    for _ in range(row):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReviewScreen)
    return pilot.app.screen


def burst(app: Any, *keys: str) -> None:
    """Send keys the way a fast typist or ``tmux send-keys`` does: all at once, without waiting in between.

    (Pilot's ``press`` waits until the app is idle after each key, which hides keys lost while a
    screen opens.)
    """
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)


def screen_text(app: Any) -> str:
    """The text the terminal shows now (every line of the current screen, styles dropped)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def done_marks(store: Store, coder: str) -> set[int]:
    """The passages a coder marked done."""
    rows = store.db.execute("SELECT passage_id FROM passage_reviews WHERE coder = ?", [coder])
    return {int(r[0]) for r in rows}
