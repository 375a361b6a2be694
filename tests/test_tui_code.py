"""Pilot tests of code retrieval in the review app: Code view, co-occurrence, passage search, memos, own assignment first.

Each key is checked against what the screen shows and, where it writes, against the database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from _review_fixtures import settle
from _tui import running, tui_project, tui_store
from textual.widgets import DataTable, Static

from reviewkit.project import state
from reviewkit.project.cooccurrence import code_cooccurrence
from reviewkit.project.retrieval import coded_passages
from reviewkit.store import Store
from reviewkit.tui.screens.code_view import CodeViewScreen
from reviewkit.tui.screens.codebook import CodebookScreen
from reviewkit.tui.screens.cooccurrence import CooccurrenceScreen
from reviewkit.tui.screens.documents import DocumentsScreen
from reviewkit.tui.screens.passage_search import PassageSearchScreen
from reviewkit.tui.screens.queue import QueueScreen
from reviewkit.tui.screens.review import ReviewScreen
from reviewkit.tui.widgets.code_tree import CodeTree
from reviewkit.tui.widgets.document_table import DocumentTable
from reviewkit.tui.widgets.memo_list import MemoList

CL = "regionalism.collective_learning"
VC = "global.value_chain"


project, store = tui_project, tui_store  # fixtures `project` and `store`: the review fixture project


def rows(table: DataTable[Any]) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def shown(widget: Any) -> str:
    return str(widget.render())


async def open_code(pilot: Any, code_id: str) -> CodeViewScreen:
    """From the Codebook screen: move the cursor to `code_id` and press Enter."""
    await settle(pilot)
    tree = pilot.app.screen.query_one(CodeTree)
    while (
        tree.cursor_node is None or tree.cursor_node.data is None or tree.cursor_node.data.code_id != code_id
    ):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CodeViewScreen)
    return pilot.app.screen


async def test_enter_on_a_code_opens_its_passages_and_s_switches_source(
    store: Store, project: tuple[Path, dict[str, Any]]
) -> None:
    cb = project[1]["codebook_id"]
    first = project[1]["passages"][1][0]
    store.codings.set(first, CL, "alice", "accepted", codebook_id=cb)
    async with running(store, "alice", start="codebook") as pilot:
        screen = await open_code(pilot, CL)
        table = screen.query_one(DataTable)
        assert screen.source == "coder:alice"  # one coder: the default source is theirs, as for trends
        assert rows(table) == [["doc1", "2003", "1", "The regional world and collective learning"]]
        head = shown(screen.query_one("#codeview-head", Static))
        assert "source: coder:alice — accepted by alice" in head and "1 passage(s)" in head
        await pilot.press("s")  # consensus
        await settle(pilot)
        assert screen.source == "consensus" and "final decision accepted" in shown(
            screen.query_one("#codeview-head")
        )
        while screen.source != "suggested":
            await pilot.press("s")
            await settle(pilot)
        expected = coded_passages(store, CL, "suggested")
        assert [r[0] for r in rows(table)] == [r.document_key for r in expected.rows] and expected.total > 1
        assert f"{expected.total} passage(s)" in shown(screen.query_one("#codeview-head"))
        assert any("集体学习" in r[3] for r in rows(table))  # Chinese passages are listed as written


async def test_code_view_filter_and_enter_jumps_to_the_passage(
    store: Store, project: tuple[Path, dict[str, Any]]
) -> None:
    async with running(store, "alice", start="codebook") as pilot:
        app = pilot.app
        screen = await open_code(pilot, VC)
        while screen.source != "suggested":
            await pilot.press("s")
            await settle(pilot)
        table = screen.query_one(DataTable)
        everything = rows(table)
        await pilot.press("slash", *"2005")
        await settle(pilot)
        assert {r[1] for r in rows(table)} == {"2005"} and len(rows(table)) < len(everything)
        assert "matching “2005”" in shown(screen.query_one("#codeview-head"))
        await pilot.press("enter")  # leaves the filter for the list
        await settle(pilot)
        assert table.has_focus
        await pilot.press("down", "enter")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        target = screen.rows[1].passage
        assert review.document_id == target.document_id and review.current is not None
        assert review.current.id == target.id  # the passage itself, not only its document
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CodebookScreen)


async def test_code_view_shows_the_codes_memos_and_m_adds_one(store: Store) -> None:
    store.memos.add("code", VC, "alice", "insertion only, not governance")
    store.memos.add("code", CL, "alice", "a memo on another code")
    async with running(store, "bob", start="codebook") as pilot:
        screen = await open_code(pilot, VC)
        text = shown(screen.query_one(MemoList))
        assert "insertion only, not governance" in text and "— alice, " in text and "another code" not in text
        await pilot.press("m", *"嵌入 = insertion", "enter")
        await settle(pilot)
        assert [(m.coder, m.text) for m in store.memos.list("code", VC)] == [
            ("alice", "insertion only, not governance"),
            ("bob", "嵌入 = insertion"),
        ]
        text = shown(screen.query_one(MemoList))
        assert "嵌入 = insertion" in text and "— bob, " in text


async def test_cooccurrence_view_toggles_level_measure_and_source(
    store: Store, project: tuple[Path, dict[str, Any]]
) -> None:
    cb = project[1]["codebook_id"]
    p = project[1]["passages"][1]
    store.codings.set(p[0], CL, "alice", "accepted", codebook_id=cb)
    store.codings.set(p[0], VC, "alice", "accepted", codebook_id=cb)
    store.codings.set(p[2], CL, "alice", "accepted", codebook_id=cb)
    state.mark_document(store, 1, "alice", codebook_id=cb)
    async with running(store, "alice", start="codebook") as pilot:
        app = pilot.app
        await pilot.press("o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CooccurrenceScreen)
        table = screen.query_one(DataTable)
        codes = [r[0].split()[-1] for r in rows(table)]
        assert screen.source == "coder:alice" and set(codes) == {CL, VC}
        i, j = codes.index(CL), codes.index(VC)
        assert rows(table)[i][1 + i] == "1" and rows(table)[i][1 + j] == "1"  # one document carries both
        await pilot.press("l")  # passages: CL on 2 passages, VC on 1, both on 1
        await settle(pilot)
        assert screen.level == "passage" and rows(table)[i][1 + i] == "2" and rows(table)[i][1 + j] == "1"
        await pilot.press("m")  # jaccard 1/2
        await settle(pilot)
        assert screen.measure == "jaccard" and rows(table)[i][1 + j] == "0.50"
        await pilot.press("m")  # conditional: of CL's 2 passages, 1 carries VC; of VC's 1, 1 carries CL
        await settle(pilot)
        assert rows(table)[i][1 + j] == "0.50" and rows(table)[j][1 + i] == "1.00"
        settings = shown(screen.query_one("#cooc-settings"))
        assert "level: passage" in settings and "measure: conditional" in settings
        assert "1 reviewed document(s) under coder:alice" in settings
        while screen.source != "suggested":
            await pilot.press("s")
            await settle(pilot)
        report = code_cooccurrence(store, level="passage", source="suggested")
        assert len(rows(table)) == len(report.matrix.codes) > 2
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CodebookScreen)


async def test_palette_opens_cooccurrence_and_search(store: Store) -> None:
    async with running(store, "alice") as pilot:
        app = pilot.app
        for command, screen_type in (
            ("Co-occurrence of codes", CooccurrenceScreen),
            ("Search passages", PassageSearchScreen),
        ):
            await pilot.press("ctrl+p")
            await settle(pilot)
            await pilot.press(*command)
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, screen_type)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, DocumentsScreen)


async def test_ctrl_f_searches_chinese_and_enter_opens_the_passage(
    store: Store, project: tuple[Path, dict[str, Any]]
) -> None:
    async with running(store, "alice") as pilot:
        app = pilot.app
        await pilot.press("ctrl+f")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PassageSearchScreen)
        await pilot.press(*"全球价值链", "enter")
        await settle(pilot)
        table = screen.query_one(DataTable)
        assert [r[:3] for r in rows(table)] == [["doc3", "2005", "1"], ["doc3", "2005", "3"]]
        assert "1 document(s) match “全球价值链”" in shown(screen.query_one("#psearch-status"))
        await pilot.press("down", "enter")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen) and review.current is not None
        assert review.current.id == project[1]["passages"][3][2] and review.passage == 2


async def test_search_syntax_error_is_a_message_not_a_crash(store: Store) -> None:
    async with running(store, "alice") as pilot:
        app = pilot.app
        await pilot.press("ctrl+f")
        await settle(pilot)
        screen = app.screen
        await pilot.press(*"cluster AND", "enter")
        await settle(pilot)
        status = shown(screen.query_one("#psearch-status"))
        assert status.startswith("⚠ Malformed search 'cluster AND'") and "\n" not in status
        assert screen.query_one(DataTable).row_count == 0 and isinstance(app.screen, PassageSearchScreen)
        await pilot.press("ctrl+a", "ctrl+k", *"upgrading -functional", "enter")
        await settle(pilot)
        assert rows(screen.query_one(DataTable)) and "match “upgrading -functional”" in shown(
            screen.query_one("#psearch-status")
        )


async def test_review_screen_shows_memos_in_context_and_m_adds_one(
    store: Store, project: tuple[Path, dict[str, Any]]
) -> None:
    p1 = project[1]["passages"][1][0]
    store.memos.add("passage", str(p1), "bob", "bob thinks this is buzz")
    store.memos.add("document", "1", "alice", "a classic of the field")
    for blind in (False, True):
        async with running(store, "alice", blind=blind) as pilot:
            app = pilot.app
            await pilot.press("enter")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            text = shown(screen.query_one(MemoList))
            assert "a classic of the field" in text and "— alice, " in text
            assert ("bob thinks this is buzz" in text) is not blind  # blind: only your own memos
    async with running(store, "alice") as pilot:
        app = pilot.app
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        await pilot.press("j")  # passage 2 has no memo of its own
        await settle(pilot)
        assert "bob thinks" not in shown(screen.query_one(MemoList))
        await pilot.press("m", *"untraded: check", "enter")
        await settle(pilot)
        memos = store.memos.list("passage", str(project[1]["passages"][1][1]))
        assert [(m.coder, m.text) for m in memos] == [("alice", "untraded: check")]
        text = shown(screen.query_one(MemoList))
        assert "passage 2" in text and "untraded: check" in text and memos[0].created_at[:10] in text


async def test_assigned_documents_first_with_a_marker(store: Store) -> None:
    store.assignments.add([4, 6], "alice")
    async with running(store, "alice") as pilot:
        app = pilot.app
        table = app.screen.query_one(DocumentTable)
        titles = [r[2] for r in rows(table)]
        assert titles[0].startswith("◆ Clusters and knowledge") and titles[1].startswith("◆ The governance")
        assert not any(t.startswith("◆") for t in titles[2:])
        assert "◆ assigned to you, listed first" in shown(app.screen.query_one("#doc-count"))
        await pilot.press("enter")  # the first row is the first assigned document
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and app.screen.document_id == 4
        await pilot.press("n")  # next document follows the same order
        await settle(pilot)
        assert app.screen.document_id == 6
        await pilot.press("escape", "2")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        codes = [r[1] for r in rows(queue.query_one(DataTable))]
        assert codes[0].startswith("◆ ") and {i.document_id for i in queue.items if i.assigned} <= {4, 6}
        n = sum(1 for c in codes if c.startswith("◆ "))
        assert all(c.startswith("◆ ") for c in codes[:n]) and not any(c.startswith("◆ ") for c in codes[n:])
        assert "◆ your assigned documents first" in shown(queue.query_one("#queue-count"))
