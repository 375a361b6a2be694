"""Snapshot tests (pytest-textual-snapshot) of the key screens on the small fixture project.

Regenerate after an intended change with ``pytest tests/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _review_fixtures import STAMP, build_project, settle

from reviewkit.store import Store
from reviewkit.tui.app import make_app

SIZE = (120, 40)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "project.db"
    info = build_project(path)
    s = Store.open(path)
    s.codings.set(1, "regionalism.collective_learning", "alice", "accepted", codebook_id=info["codebook_id"])
    s.codings.set(5, "global.value_chain", "alice", "rejected", codebook_id=info["codebook_id"])
    yield s
    s.close()




def test_documents_screen(snap_compare: Any, store: Store) -> None:
    assert snap_compare(make_app(store, "alice", cursor_blink=False), terminal_size=SIZE, run_before=settle)


def test_review_screen(snap_compare: Any, store: Store) -> None:
    async def open_review(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("down", "enter", "j", "j", "tab")
        await settle(pilot)

    assert snap_compare(
        make_app(store, "alice", cursor_blink=False), terminal_size=SIZE, run_before=open_review
    )


def test_codebook_screen(snap_compare: Any, store: Store) -> None:
    async def move(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)

    app = make_app(store, "alice", start="codebook", cursor_blink=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=move)


def test_trends_screen(snap_compare: Any, store: Store) -> None:
    async def suggested(pilot: Any) -> None:
        await settle(pilot)
        while pilot.app.screen.source != "suggested":  # s cycles the sources (the default first)
            await pilot.press("s")
            await settle(pilot)

    app = make_app(store, "alice", start="trends", cursor_blink=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=suggested)


def test_code_view_screen(snap_compare: Any, store: Store) -> None:
    async def open_code(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("down", "enter")  # regionalism.collective_learning
        await settle(pilot)
        while pilot.app.screen.source != "suggested":  # s cycles the sources (the default first)
            await pilot.press("s")
            await settle(pilot)

    memo = store.memos.add("code", "regionalism.collective_learning", "alice", "Buzz counts only when learning is collective.")
    with store.transaction():  # a fixed time: the memo's timestamp is shown
        store.db.execute("UPDATE memos SET created_at = ?, updated_at = ? WHERE id = ?", [STAMP, STAMP, memo])
    app = make_app(store, "alice", start="codebook", cursor_blink=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=open_code)


SMALL = (80, 24)
"""The smallest terminal the app is laid out for: the footer keeps the essential keys."""


def test_documents_screen_80x24(snap_compare: Any, store: Store) -> None:
    """The status column stays visible (titles shrink)."""
    assert snap_compare(make_app(store, "alice", cursor_blink=False), terminal_size=SMALL, run_before=settle)


def test_review_screen_80x24(snap_compare: Any, store: Store) -> None:
    """Footer: passage, decide, done, undo, screens, help; a Chinese title keeps its number on its line."""

    async def open_review(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)

    assert snap_compare(make_app(store, "alice", cursor_blink=False), terminal_size=SMALL, run_before=open_review)


def test_help_screen(snap_compare: Any, store: Store) -> None:
    async def open_help(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(store, "alice", cursor_blink=False), terminal_size=SIZE, run_before=open_help)


def test_progress_screen(snap_compare: Any, store: Store) -> None:
    from reviewkit.project.state import mark_document

    mark_document(store, 1, "alice", codebook_id=store.codebooks.current_id())
    app = make_app(store, "alice", start="progress", cursor_blink=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_memo_prompt(snap_compare: Any, store: Store) -> None:
    """The text prompt (`m` on the Review screen) over the screen it was opened from, with Chinese typed."""

    async def type_memo(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press(*"集群 upgrading")
        await settle(pilot)

    assert snap_compare(make_app(store, "alice", cursor_blink=False), terminal_size=SIZE, run_before=type_memo)
