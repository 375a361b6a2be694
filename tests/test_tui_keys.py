"""Pilot tests of the app-wide keys: help (?/F1), q while work runs, the command palette, keys typed while a document opens."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import pytest
from _review_fixtures import settle
from _tui import burst, decisions, done_marks, open_document, running, screen_text, tui_project, tui_store
from rich.console import Console
from textual.binding import Binding
from textual.widgets import DataTable, Static

from reviewkit.project.state import coder_progress, mark_document
from reviewkit.store import Store
from reviewkit.tui.app import SCREENS_BY_MODE, ReviewApp
from reviewkit.tui.app_dialogs import ConfirmDialog
from reviewkit.tui.screens.codebook import CodebookScreen
from reviewkit.tui.screens.help import HelpScreen, binding_enabled
from reviewkit.tui.screens.progress import ProgressScreen, progress_cells
from reviewkit.tui.screens.review import ReviewScreen
from reviewkit.tui.screens.trends import TrendsScreen
from reviewkit.tui.text_prompt import TextPrompt

project, store = tui_project, tui_store  # fixtures `project` and `store`: the review fixture project


def _declared(cls: type) -> list[Binding]:
    """Every binding the class itself declares (a key list such as "j,down" counts once per key)."""
    out = []
    for b in cls.__dict__.get("BINDINGS", []):
        b = b if isinstance(b, Binding) else Binding(*b)
        out += [Binding(k.strip(), b.action, b.description, show=b.show, tooltip=b.tooltip) for k in b.key.split(",")]
    return out


def _row_for(help_screen: HelpScreen, key: str, rows: str = "screen") -> Any:
    found = [r for r in (help_screen.screen_rows if rows == "screen" else help_screen.global_rows) if key in r.keys]
    return found[0] if found else None


def _help_text(help_screen: HelpScreen) -> str:
    """The whole help as text (both tables, also the part scrolled out of view)."""
    console = Console(width=100, record=True, file=io.StringIO())
    for part in ("#help-screen", "#help-global"):
        console.print(help_screen.query_one(part, Static).content)
    return console.export_text()


async def _open_help(pilot: Any, key: str = "question_mark") -> HelpScreen:
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, HelpScreen)
    return pilot.app.screen


@pytest.mark.parametrize("mode", [m for m in SCREENS_BY_MODE] + ["review"])
async def test_help_lists_every_binding_of_the_screen_and_the_app(store: Store, mode: str) -> None:
    async with running(store, "alice", start="documents" if mode == "review" else mode) as pilot:
        app = pilot.app
        if mode == "review":
            await open_document(pilot)
        under = app.screen
        help_screen = await _open_help(pilot, "question_mark" if mode != "screening" else "f1")
        text = _help_text(help_screen)
        for b in _declared(type(under)):
            if not binding_enabled(app, under, b):
                continue  # switched off here (e.g. "not retrieved" outside the full-text stage)
            row = _row_for(help_screen, b.key)
            assert row is not None, f"{type(under).__name__}: key {b.key} ({b.action}) missing from the help"
            assert app.get_key_display(Binding(b.key, "")) in row.shown
        # the a/r variant not in use is switched off by check_action, the other one listed
        for b in _declared(ReviewApp):
            row = _row_for(help_screen, b.key, rows="global")
            assert row is not None, f"app key {b.key} missing from the help"
            assert row.description in text or row.description[:30] in text
        assert any(r.keys == ("ctrl+p",) for r in help_screen.global_rows)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is under


async def test_help_follows_the_screens_state_and_closes_with_f1(store: Store) -> None:
    async with running(store, "alice", advance=False) as pilot:
        app = pilot.app
        screen = await open_document(pilot)
        help_screen = await _open_help(pilot, "f1")
        decide = _row_for(help_screen, "a")
        assert decide.description == "Accept the code and stay on it"  # advance is off
        assert "Mark every passage of the document done" in _help_text(help_screen)
        await pilot.press("f1")
        await settle(pilot)
        assert app.screen is screen
    async with running(store, "erin", blind=True) as pilot:
        app = pilot.app
        help_screen = await _open_help(pilot)
        assert _row_for(help_screen, "5", rows="global") is None  # no Disagreements screen when blind
        assert "Disagreements" not in screen_text(app)


async def test_q_quits_at_once_when_nothing_runs(store: Store) -> None:
    async with running(store, "alice") as pilot:
        app = pilot.app
        assert app.running_work() == []
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0


async def test_q_asks_while_work_runs_in_the_background(store: Store) -> None:
    release = threading.Event()
    async with running(store, "alice") as pilot:
        app = pilot.app
        app.run_worker(lambda: release.wait(30), thread=True, group="tagger", name="coding")
        await pilot.pause()
        assert app.running_work() == ["coding the project"]
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and app.return_code is None
        assert "coding the project" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog) and app.return_code is None
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.return_code == 0
        release.set()


async def _palette(pilot: Any, command: str) -> None:
    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*command)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def test_palette_switch_coder_records_under_the_new_name(store: Store) -> None:
    async with running(store, "alice") as pilot:
        app = pilot.app
        await _palette(pilot, "Switch coder")
        assert isinstance(app.screen, TextPrompt) and app.screen.value == "alice"
        await pilot.press(*["backspace"] * 5, *"bob", "enter")
        await settle(pilot)
        assert app.session.coder == "bob" and "coder bob" in app.sub_title
        await open_document(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert decisions(store, "bob") == {(1, "regionalism.collective_learning"): "accepted"}
        assert decisions(store, "alice") == {}
        await pilot.press("escape", "4")
        await settle(pilot)
        assert isinstance(app.screen, TrendsScreen) and "coder:bob" in app.screen.sources


async def test_palette_switch_coder_is_refused_when_blind(store: Store) -> None:
    async with running(store, "erin", blind=True) as pilot:
        app = pilot.app
        await _palette(pilot, "Switch coder")
        assert not isinstance(app.screen, TextPrompt) and app.session.coder == "erin"
        assert any("--blind" in str(n.message) for n in app._notifications)


async def test_palette_jump_to_code_opens_the_codebook_there(store: Store) -> None:
    async with running(store, "alice") as pilot:
        app = pilot.app
        await _palette(pilot, "Jump to code")
        await pilot.press(*"功能升级", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CodebookScreen)
        tree = app.screen.query_one("#code-tree")
        assert tree.cursor_node.data.code_id == "upgrading.functional"  # type: ignore[attr-defined]
        assert "Acquiring new, higher-value functions." in str(app.screen.query_one("#code-detail").render())


async def test_palette_export_writes_the_file_in_a_worker(
    store: Store, project: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    cb = project[1]["codebook_id"]
    store.codings.set(1, "regionalism.collective_learning", "alice", "accepted", codebook_id=cb)
    out = tmp_path / "out" / "codings.csv"
    out.parent.mkdir()
    async with running(store, "alice") as pilot:
        app = pilot.app
        await _palette(pilot, "Export csv-long")
        dialog = app.screen
        assert isinstance(dialog, TextPrompt) and dialog.value.endswith("project-csv-long.csv")
        dialog.query_one("#prompt-input").value = str(out)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert out.exists() and "regionalism.collective_learning" in out.read_text(encoding="utf-8")
        assert any(f"Wrote {out}" in str(n.message) for n in app._notifications)


async def test_palette_offers_each_screen(store: Store) -> None:
    async with running(store, "alice") as pilot:
        app = pilot.app
        for title, kind in (("Trends", TrendsScreen), ("Progress", ProgressScreen), ("Codebook", CodebookScreen)):
            await _palette(pilot, title)
            assert isinstance(app.screen, kind), title


async def test_progress_screen_shows_the_figures_of_reviewkit_progress(
    store: Store, project: tuple[Path, dict[str, Any]]
) -> None:
    from reviewkit.project import review as svc

    cb = project[1]["codebook_id"]
    svc.decide(store, 1, "regionalism.collective_learning", "alice", "accepted", codebook_id=cb)
    svc.decide(store, 5, "global.value_chain", "bob", "rejected", codebook_id=cb)
    mark_document(store, 1, "alice", codebook_id=cb)
    for blind, coders in ((False, ["alice", "bob"]), (True, ["alice"])):
        async with running(store, "alice", blind=blind) as pilot:
            app = pilot.app
            await pilot.press("P")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ProgressScreen)
            table = screen.query_one(DataTable)
            shown = [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
            expected = coder_progress(store, cb, only_coder="alice" if blind else None)
            assert shown == [progress_cells(r) for r in expected]
            assert [r[0] for r in shown] == coders
            if blind:
                assert "bob" not in screen_text(app)
    alice = next(r for r in coder_progress(store, cb) if r.coder == "alice")
    assert (alice.documents_reviewed, alice.passages_reviewed, alice.decisions) == (1, 4, 1)


async def test_keys_typed_while_a_document_opens_act_on_it(store: Store) -> None:
    """Enter then a/j/d at once (a fast typist, tmux send-keys): nothing is lost on the way."""
    async with running(store, "alice") as pilot:
        app = pilot.app
        burst(app, "enter", "j", "j", "a", "d")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.document_id == 1
        assert decisions(store) == {(3, "regionalism.institutions"): "accepted"}
        assert done_marks(store, "alice") == {3}
        assert app._held is None  # the hold ended
        burst(app, "escape", "down", "enter", "a")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and app.screen.document_id == 2
        assert len(decisions(store)) == 2
