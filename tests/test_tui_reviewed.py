"""Pilot tests of "reviewed" as a state (d, D), the a/r advance setting (t, --no-advance) and blind mode.

Every key is checked against the project database; the blind walk renders every screen a blind
coder can reach and searches the text for anything another coder decided.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _review_fixtures import settle
from _tui import decisions, done_marks, open_document, running, tui_project, tui_store
from textual.widgets import DataTable, Tree

from reviewkit.errors import ReviewkitError
from reviewkit.project import review as svc
from reviewkit.project import state
from reviewkit.project.memos import code_memos
from reviewkit.project.retrieval import coded_passages
from reviewkit.project.trends import trends
from reviewkit.store import Store
from reviewkit.tui.app import make_app
from reviewkit.tui.screens.code_view import CodeViewScreen
from reviewkit.tui.screens.codebook import CodebookScreen
from reviewkit.tui.screens.cooccurrence import CooccurrenceScreen
from reviewkit.tui.screens.documents import DocumentsScreen
from reviewkit.tui.screens.queue import QueueScreen
from reviewkit.tui.screens.review import ReviewScreen
from reviewkit.tui.screens.trends import TrendsScreen
from reviewkit.tui.widgets.document_table import DocumentTable
from reviewkit.tui.widgets.passage_text import PassageText

project, store = tui_project, tui_store  # fixtures `project` and `store`: the review fixture project


async def test_d_marks_the_passage_done_and_u_undoes(
    store: Store, project: tuple[Path, dict[str, Any]]
) -> None:
    first, second = project[1]["passages"][1][:2]
    async with running(store, "alice") as pilot:
        screen = await open_document(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert done_marks(store, "alice") == {first}
        assert screen.passage == 1  # advanced to the next passage
        widgets = list(screen.query(PassageText))
        assert str(widgets[0].render()).startswith("  1✓ ")  # the mark is text, not colour only
        assert not str(widgets[1].render())[3:4] == "✓"
        await pilot.press("d")
        await settle(pilot)
        assert done_marks(store, "alice") == {first, second}
        await pilot.press("u")
        await settle(pilot)
        assert done_marks(store, "alice") == {first}
        await pilot.press("k", "k", "d")  # d on a done passage takes the mark back
        await settle(pilot)
        assert done_marks(store, "alice") == set()


async def test_D_marks_the_document_reviewed_in_one_undoable_step(
    store: Store, project: tuple[Path, dict[str, Any]]
) -> None:
    passages = set(project[1]["passages"][1])
    cb = project[1]["codebook_id"]
    async with running(store, "alice") as pilot:
        app = pilot.app
        screen = await open_document(pilot)
        await pilot.press("D")
        await settle(pilot)
        assert done_marks(store, "alice") == passages
        assert 1 in state.review_state(store, cb).reviewed_by("alice")
        assert all(str(w.render())[3] == "✓" for w in screen.query(PassageText))
        await pilot.press("escape")
        await settle(pilot)
        table = app.screen.query_one(DocumentTable)
        assert table.get_row_at(0)[3] == "✓reviewed"  # the Documents screen shows it
        assert table.get_row_at(1)[3] != "✓reviewed"
        await pilot.press("u")
        await settle(pilot)
        assert done_marks(store, "alice") == set()
        assert app.screen.query_one(DocumentTable).get_row_at(0)[3] != "✓reviewed"


async def test_passage_list_marks_passages_that_need_a_decision(
    store: Store, project: tuple[Path, dict[str, Any]]
) -> None:
    cb = project[1]["codebook_id"]
    last = svc.document_view(store, 1, "alice", codebook_id=cb).passages[-1]
    for it in last.items:  # decide every suggestion of the last passage
        svc.decide(
            store, last.id, it.code_id, "alice", "rejected", codebook_id=cb, suggestion_id=it.suggestion_id
        )
    view = svc.document_view(store, 1, "alice", codebook_id=cb)
    pending = [i for i, p in enumerate(view.passages) if p.undecided]
    quiet = [i for i, p in enumerate(view.passages) if not p.undecided]
    assert pending and quiet
    async with running(store, "alice") as pilot:
        screen = await open_document(pilot)
        texts = [str(w.render()) for w in screen.query(PassageText)]
        assert all(texts[i][3] == "?" for i in pending) and all(texts[i][3] == "·" for i in quiet)


def _passage_with_two_codes(store: Store, cb: int) -> tuple[int, list[str]]:
    view = svc.document_view(store, 1, "alice", codebook_id=cb)
    index = next(i for i, p in enumerate(view.passages) if len(p.items) >= 2)
    return index, [it.code_id for it in view.passages[index].items]


@pytest.mark.parametrize("advance", [True, False])
async def test_a_then_a_advances_or_stays(
    store: Store, project: tuple[Path, dict[str, Any]], advance: bool
) -> None:
    cb = project[1]["codebook_id"]
    index, codes = _passage_with_two_codes(store, cb)
    pid = project[1]["passages"][1][index]
    async with running(store, "alice", advance=advance) as pilot:
        app = pilot.app
        await open_document(pilot)
        for _ in range(index):
            await pilot.press("j")
        await pilot.press("a", "r")
        await settle(pilot)
        footer = app.screen.active_bindings
        shown = {b.binding.description for b in footer.values() if b.enabled}
        assert ("decide→next" in shown) == advance and ("decide (stay)" in shown) != advance
    got = decisions(store, "alice")
    if advance:
        assert got == {(pid, codes[0]): "accepted", (pid, codes[1]): "rejected"}
    else:
        assert got == {(pid, codes[0]): "rejected"}  # r overwrote a on the same code


async def test_t_toggles_advance(store: Store, project: tuple[Path, dict[str, Any]]) -> None:
    cb = project[1]["codebook_id"]
    index, codes = _passage_with_two_codes(store, cb)
    pid = project[1]["passages"][1][index]
    async with running(store, "alice") as pilot:
        app = pilot.app
        await open_document(pilot)
        for _ in range(index):
            await pilot.press("j")
        await pilot.press("t")
        assert app.session.advance is False
        await pilot.press("a", "a")
        await settle(pilot)
        assert decisions(store, "alice") == {(pid, codes[0]): "accepted"}
        await pilot.press("t", "r")
        await settle(pilot)
        assert app.session.advance is True
        assert decisions(store, "alice") == {(pid, codes[0]): "rejected"}
        await pilot.press("r")
        await settle(pilot)
        assert decisions(store, "alice")[(pid, codes[1])] == "rejected"


def _tree_text(tree: Tree[Any]) -> str:
    out, todo = [], [tree.root]
    while todo:
        node = todo.pop()
        out.append(str(node.label))
        todo += list(node.children)
    return "\n".join(out)


async def test_blind_walk_shows_nothing_another_coder_decided(
    store: Store, project: tuple[Path, dict[str, Any]]
) -> None:
    """erin, blind: no screen shows bob's name, decisions, counts or trends, nor the consensus."""
    cb = project[1]["codebook_id"]
    p1 = project[1]["passages"][1][0]
    for pid in project[1]["passages"][1]:
        store.codings.set(pid, "regionalism.collective_learning", "bob", "accepted", codebook_id=cb)
    store.codings.set(p1, "context.china", "consensus", "accepted", codebook_id=cb, origin="consensus")
    state.mark_document(store, 1, "bob", codebook_id=cb)
    state.mark_document(store, 2, "bob", codebook_id=cb)
    store.codings.set(p1, "global.value_chain", "erin", "rejected", codebook_id=cb)
    store.memos.add("passage", str(p1), "bob", "bob's memo: collective learning here")
    store.memos.add("code", "regionalism.collective_learning", "bob", "bob's memo on the code")
    texts: dict[str, str] = {}
    async with running(store, "erin", blind=True) as pilot:
        app = pilot.app
        assert isinstance(app.screen, DocumentsScreen)
        texts["documents"] = app.export_screenshot()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        texts["review"] = app.export_screenshot()
        items = {it.code_id: it for p in app.screen.view.passages for it in p.items}  # type: ignore[union-attr]
        assert all(not it.others for it in items.values())
        await pilot.press("escape", "2")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        texts["queue"] = app.export_screenshot()
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, CodebookScreen)
        texts["codebook"] = app.export_screenshot()
        tree = _tree_text(app.screen.query_one(Tree))
        # bob accepted collective_learning on 4 passages; erin sees her own counts only (0 ✓, 1 ✗ in total)
        assert "0 ✓" in tree and "4 ✓" not in tree and "1 ✗" in tree
        # code retrieval: the Code view, co-occurrence and passage search show erin's work and suggestions only
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CodeViewScreen) and app.screen.sources == ["coder:erin", "suggested"]
        assert app.screen.query_one(DataTable).row_count == 0  # bob's four accepts are not shown
        texts["code view"] = app.export_screenshot()
        await pilot.press("s")
        await settle(pilot)
        texts["code view, suggested"] = app.export_screenshot()
        await pilot.press("escape", "o")
        await settle(pilot)
        assert isinstance(app.screen, CooccurrenceScreen) and app.screen.sources == ["coder:erin", "suggested"]
        texts["co-occurrence"] = app.export_screenshot()
        await pilot.press("escape", "ctrl+f", *"collective", "enter")
        await settle(pilot)
        texts["search"] = app.export_screenshot()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        texts["review from search"] = app.export_screenshot()
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TrendsScreen)
        texts["trends"] = app.export_screenshot()
        assert screen.sources == ["coder:erin", "suggested"]
        assert sum(r.documents for r in screen.rows) == 0 and sum(r.coded for r in screen.rows) == 0
        await pilot.press("5")  # no Disagreements screen when blind
        await settle(pilot)
        assert isinstance(app.screen, TrendsScreen)
        await pilot.press("ctrl+p")
        await settle(pilot)
        texts["palette"] = app.export_screenshot()
    for name, svg in texts.items():
        assert "bob" not in svg, name
        assert "consensus" not in svg and "disagreements" not in svg, name
    # what the same screens show when not blind (so the walk above could fail)
    assert trends(store, "regionalism", source="coder:bob")[0].coded == 1
    with pytest.raises(ReviewkitError, match="Blind mode"):
        trends(store, "regionalism", source="coder:bob", only_coder="erin")
    assert coded_passages(store, "regionalism.collective_learning", "coder:bob").total == 4
    assert [m.coder for m in code_memos(store, "regionalism.collective_learning")] == ["bob"]


def test_blind_mode_cannot_write_consensus(store: Store) -> None:
    with pytest.raises(ReviewkitError, match="consensus"):
        make_app(store, "consensus", blind=True)
    with pytest.raises(ReviewkitError, match="not available with --blind"):
        make_app(store, "erin", blind=True, start="disagreements")


async def test_blind_code_filter_ignores_other_coders_codes(
    store: Store, project: tuple[Path, dict[str, Any]]
) -> None:
    """The Documents code filter must not reveal where another coder accepted a code."""
    cb = project[1]["codebook_id"]
    suggested = {(d, c) for _p, d, c in store.suggestions.suggested(cb)}
    leaves = [r.code_id for r in svc.codebook_codes(store, cb) if "." in r.code_id]
    code = next(c for c in leaves if (1, c) not in suggested)  # not suggested on document 1
    store.codings.set(project[1]["passages"][1][0], code, "bob", "accepted", codebook_id=cb)
    for blind, expected in ((False, True), (True, False)):
        async with running(store, "erin", blind=blind) as pilot:
            app = pilot.app
            table = app.screen.query_one(DocumentTable)
            app.screen.query_one("#filters").set(code=code)  # type: ignore[attr-defined]
            await settle(pilot)
            ids = [int(str(table.coordinate_to_cell_key((i, 0)).row_key.value)) for i in range(table.row_count)]
            assert (1 in ids) == expected, (blind, code, ids)


async def test_command_palette_toggles_advance(store: Store) -> None:
    async with running(store, "alice") as pilot:
        app = pilot.app
        await open_document(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Advance after")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.session.advance is False
        shown = {b.binding.description for b in app.screen.active_bindings.values() if b.enabled}
        assert "decide (stay)" in shown and "decide→next" not in shown


def test_cli_review_passes_no_advance_and_refuses_blind_consensus(
    project: tuple[Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    import reviewkit.tui.app as tui_app
    from reviewkit.cli import cli

    built: list[Any] = []

    class Started:
        def __init__(self, app: Any) -> None:
            self.app = app

        def run(self) -> None:
            built.append(self.app)

    real = tui_app.make_app
    monkeypatch.setattr(tui_app, "make_app", lambda *a, **k: Started(real(*a, **k)))
    ok = CliRunner().invoke(cli, ["review", "--db", str(project[0]), "--coder", "alice", "--no-advance"])
    assert ok.exit_code == 0, ok.output
    assert built and built[0].session.advance is False
    bad = CliRunner().invoke(cli, ["review", "--db", str(project[0]), "--coder", "consensus", "--blind"])
    assert bad.exit_code == 1 and "cannot record consensus" in bad.output
