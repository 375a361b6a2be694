"""Pilot tests of the review app: every key binding, each checked against the project database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from _review_fixtures import settle
from _tui import decisions, open_document, running, tui_project, tui_store

from reviewkit.store import Store
from reviewkit.tui.screens.codebook import CodebookScreen
from reviewkit.tui.screens.disagreements import DisagreementsScreen
from reviewkit.tui.screens.documents import DocumentsScreen
from reviewkit.tui.screens.queue import QueueScreen
from reviewkit.tui.screens.review import ReviewScreen
from reviewkit.tui.screens.trends import TrendsScreen
from reviewkit.tui.widgets.document_table import DocumentTable
from reviewkit.tui.widgets.suggestion_list import SuggestionList

project, store = tui_project, tui_store  # fixtures `project` and `store`: the review fixture project


async def test_documents_table_shows_pages_with_status(store: Store) -> None:
    async with running(store, "alice") as pilot:
        app = pilot.app
        table = app.screen.query_one(DocumentTable)
        assert table.row_count == 6 and table.total == 6
        assert table.get_row_at(0)[0] == "2003" and table.get_row_at(0)[3] == "4 to do"
        assert table.get_row_at(2)[1] == "文嫮"


async def test_search_finds_chinese_and_english(store: Store) -> None:
    async with running(store, "alice") as pilot:
        app = pilot.app
        await pilot.press("slash")
        assert app.focused is not None and app.focused.id == "search"
        await pilot.press(*"价值链", "enter")
        await settle(pilot)
        table = app.screen.query_one(DocumentTable)
        assert table.row_count == 1 and table.current_id == 3
        await pilot.press("slash", *["backspace"] * 3, *"buzz", "enter")
        await settle(pilot)
        assert table.row_count == 1 and table.current_id == 4
        await pilot.press("x")
        await settle(pilot)
        assert table.row_count == 6


async def test_year_code_and_status_filters(store: Store, project: tuple[Path, dict[str, Any]]) -> None:
    store.codings.set(
        1, "regionalism.collective_learning", "alice", "accepted", codebook_id=project[1]["codebook_id"]
    )
    async with running(store, "alice") as pilot:
        app = pilot.app
        table = app.screen.query_one(DocumentTable)
        await pilot.press("y", *"2005", "tab", *"2007", "enter")
        await settle(pilot)
        assert [table.get_row_at(i)[0] for i in range(table.row_count)] == ["2005", "2006", "2007"]
        await pilot.press("x", "c", *"china", "enter")
        await settle(pilot)
        assert table.filters.code == "context.china" and table.row_count == 2
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("s")  # pending
        await settle(pilot)
        assert table.row_count == 6
        await pilot.press("s")  # done
        await settle(pilot)
        assert table.row_count == 0
        await pilot.press("s")  # none suggested
        await settle(pilot)
        assert table.row_count == 0 and table.filters.status == "none"


async def test_enter_opens_review_and_escape_goes_back(store: Store) -> None:
    async with running(store, "alice") as pilot:
        app = pilot.app
        screen = await open_document(pilot, row=1)
        assert screen.document_id == 2 and screen.passage == 0
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)


async def test_accept_and_reject_write_the_database(store: Store) -> None:
    async with running(store, "alice") as pilot:
        await open_document(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert decisions(store) == {(1, "regionalism.collective_learning"): "accepted"}
        await pilot.press("r")
        await pilot.pause()
        assert decisions(store) == {(1, "regionalism.collective_learning"): "rejected"}
        audit = store.audit.log("alice")
        assert [a.action for a in audit] == ["decide", "decide"]


async def test_j_k_move_between_passages(store: Store) -> None:
    async with running(store, "alice") as pilot:
        screen = await open_document(pilot)
        await pilot.press("j", "j")
        assert screen.passage == 2
        await pilot.press("k")
        assert screen.passage == 1
        await pilot.press("down", "down", "up")
        assert screen.passage == 2
        await pilot.press("a")
        await pilot.pause()
        assert decisions(store) == {(3, "regionalism.institutions"): "accepted"}  # highest score first


async def test_tab_and_arrows_focus_another_suggestion(store: Store) -> None:
    async with running(store, "alice") as pilot:
        screen = await open_document(pilot, row=1)
        await pilot.press("j", "j")  # passage 7: four suggestions
        codes = [i.code_id for i in screen.query_one(SuggestionList).items]
        assert len(codes) == 4
        await pilot.press("tab", "tab", "shift+tab", "right", "left")
        assert screen.item == 1
        await pilot.press("r")
        await pilot.pause()
        assert decisions(store) == {(7, codes[1]): "rejected"}


async def test_accept_all_then_undo_and_redo(store: Store) -> None:
    async with running(store, "alice") as pilot:
        app = pilot.app
        await open_document(pilot, row=1)
        await pilot.press("A")
        await pilot.pause()
        assert set(decisions(store).values()) == {"accepted"} and len(decisions(store)) == 6
        await pilot.press("u")
        await pilot.pause()
        assert decisions(store) == {}
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert len(decisions(store)) == 6
        assert SuggestionList in {type(w) for w in app.screen.query(SuggestionList)}
        assert "✓" in str(app.screen.query_one(SuggestionList).render())


async def test_c_adds_a_code_with_the_fuzzy_picker(store: Store) -> None:
    async with running(store, "alice") as pilot:
        app = pilot.app
        screen = await open_document(pilot)
        await pilot.press("j", "c")
        await pilot.pause()
        await pilot.press(*"功能升级", "enter")
        await pilot.pause()
        assert decisions(store) == {(2, "upgrading.functional"): "accepted"}
        origin = store.db.execute("SELECT origin FROM codings").fetchone()[0]
        assert origin == "manual"
        assert (
            screen.current is not None and screen.current.items[screen.item].code_id == "upgrading.functional"
        )
        await pilot.press("c", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and len(decisions(store)) == 1


async def test_n_and_p_move_between_documents(store: Store) -> None:
    async with running(store, "alice") as pilot:
        screen = await open_document(pilot)
        await pilot.press("n", "n")
        await pilot.pause()
        assert screen.document_id == 3 and "文嫮" in str(screen.query_one("#doc-meta").render())
        await pilot.press("p")
        await pilot.pause()
        assert screen.document_id == 2
        await pilot.press("a")
        await pilot.pause()
        assert decisions(store) == {(5, "upgrading.general"): "accepted"}
        await pilot.press("p", "p")
        assert screen.document_id == 1


async def test_queue_decides_most_uncertain_first(store: Store) -> None:
    async with running(store, "alice") as pilot:
        app = pilot.app
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen) and len(screen.items) == 39
        first = screen.items[0]
        assert abs(first.score - first.threshold) == min(abs(i.score - i.threshold) for i in screen.items)
        await pilot.press("a")
        await pilot.pause()
        assert decisions(store) == {(first.passage_id, first.code_id): "accepted"}
        second = screen.items[0]
        await pilot.press("j", "k", "r")
        await pilot.pause()
        assert decisions(store)[(second.passage_id, second.code_id)] == "rejected"
        await pilot.press("u")
        await settle(pilot)
        assert (second.passage_id, second.code_id) not in decisions(store)
        item = screen.items[0]
        await pilot.press("c", *"chain upgrading", "enter")
        await settle(pilot)
        assert decisions(store)[(item.passage_id, "upgrading.chain")] == "accepted"
        await pilot.press("A")
        await settle(pilot)
        docs = {
            r[0]
            for r in store.db.execute(
                "SELECT p.document_id FROM codings c JOIN passages p ON p.id = c.passage_id"
            )
        }
        assert item.document_id in docs and len(decisions(store)) > 3
        target = screen.current
        assert target is not None
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and app.screen.document_id == target.document_id
        assert app.screen.current is not None and app.screen.current.id == target.passage_id


async def test_number_keys_switch_screens(store: Store) -> None:
    async with running(store, "alice") as pilot:
        app = pilot.app
        for key, kind in (("3", CodebookScreen), ("4", TrendsScreen), ("5", DisagreementsScreen),
                          ("2", QueueScreen), ("1", DocumentsScreen)):  # fmt: skip
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, kind)


async def test_codebook_tree_shows_counts_and_definitions(
    store: Store, project: tuple[Path, dict[str, Any]]
) -> None:
    store.codings.set(
        1, "regionalism.collective_learning", "alice", "accepted", codebook_id=project[1]["codebook_id"]
    )
    async with running(store, "alice", start="codebook") as pilot:
        app = pilot.app
        tree = app.screen.query_one("#code-tree")
        await pilot.press("down")
        await pilot.pause()
        detail = str(app.screen.query_one("#code-detail").render())
        assert "regionalism.collective_learning" in detail and "Learning and knowledge spillovers" in detail
        label = str(tree.cursor_node.label)
        assert "5 sugg · 1 ✓ · 0 ✗" in label


async def test_trends_toggles_source_window_and_codes(
    store: Store, project: tuple[Path, dict[str, Any]]
) -> None:
    from reviewkit.project.state import mark_document
    from reviewkit.project.trends import trends

    cb = project[1]["codebook_id"]
    store.codings.set(1, "regionalism.collective_learning", "alice", "accepted", codebook_id=cb)
    mark_document(store, 1, "alice", codebook_id=cb)
    async with running(store, "alice", start="trends") as pilot:
        app = pilot.app
        screen = app.screen
        assert isinstance(screen, TrendsScreen)
        # one coder: the default source is theirs, as for `reviewkit trends`
        assert screen.sources == ["coder:alice", "consensus", "any", "suggested"]
        assert screen.rows == trends(store, "regionalism,global,upgrading,context")
        assert (screen.rows[0].year, screen.rows[0].documents, screen.rows[0].published, screen.rows[0].coded) == (
            2003, 1, 1, 1
        )  # fmt: skip
        settings = str(screen.query_one("#trends-settings").render())
        assert "source: coder:alice" in settings and "shown: regionalism, global, upgrading, context" in settings
        await pilot.press("s", "s", "s")
        await settle(pilot)
        assert screen.source == "suggested" and screen.rows == trends(store, None, source="suggested")
        await pilot.press("m")
        await settle(pilot)
        assert screen.window == 3 and screen.rows == trends(store, None, source="suggested", window=3)
        await pilot.press("space")  # switch the first group (regionalism) off
        await settle(pilot)
        assert "regionalism" not in {r.code for r in screen.rows}
        assert screen.query_one("#trend-table").row_count == len(screen.rows) == 6 * 3
        assert "shown: global, upgrading, context" in str(screen.query_one("#trends-settings").render())
        await pilot.press("s", "m")
        await settle(pilot)
        assert screen.source == "coder:alice" and screen.window == 1


async def test_disagreements_record_consensus(store: Store, project: tuple[Path, dict[str, Any]]) -> None:
    cb = project[1]["codebook_id"]
    for coder, status in (("alice", "accepted"), ("bob", "rejected")):
        store.codings.set(1, "regionalism.collective_learning", coder, status, codebook_id=cb)
    async with running(store, "lead", start="disagreements") as pilot:
        app = pilot.app
        screen = app.screen
        assert isinstance(screen, DisagreementsScreen) and len(screen.rows) == 1
        await pilot.press("r")
        await settle(pilot)
        assert decisions(store, "consensus") == {(1, "regionalism.collective_learning"): "rejected"}
        assert store.audit.log("lead")[0].after["origin"] == "consensus"
        await pilot.press("u")
        await settle(pilot)
        assert decisions(store, "consensus") == {}


async def test_blind_mode_hides_other_coders_and_scores(
    store: Store, project: tuple[Path, dict[str, Any]]
) -> None:
    store.codings.set(
        1, "regionalism.collective_learning", "bob", "accepted", codebook_id=project[1]["codebook_id"]
    )
    async with running(store, "alice", blind=True, hide_scores=True) as pilot:
        screen = await open_document(pilot)
        text = str(screen.query_one(SuggestionList).render())
        assert "bob" not in text and "0.71" not in text and "regionalism.collective_learning" in text
    async with running(store, "alice") as pilot:
        screen = await open_document(pilot)
        text = str(screen.query_one(SuggestionList).render())
        assert "bob:✓" in text and "0.71" in text


async def test_undo_in_a_new_session_after_restart(project: tuple[Path, dict[str, Any]]) -> None:
    store = Store.open(project[0])
    async with running(store, "alice") as pilot:
        app = pilot.app
        await open_document(pilot)
        await pilot.press("a", "j", "a")
        await pilot.pause()
    store.close()
    store = Store.open(project[0])
    assert len(decisions(store)) == 2
    async with running(store, "alice") as pilot:
        app = pilot.app
        await pilot.press("u")
        await settle(pilot)
        assert len(decisions(store)) == 1
        assert app.screen.query_one(DocumentTable).get_row_at(0)[3] == "3 to do"
    store.close()


async def test_m_writes_a_memo_on_the_current_passage(store: Store) -> None:
    async with running(store, "alice") as pilot:
        app = pilot.app
        screen = await open_document(pilot)
        await pilot.press("j", "m")
        await pilot.pause()
        await pilot.press(*"功能 or process?", "enter")
        await pilot.pause()
        assert screen.current is not None
        memos = store.memos.list("passage", str(screen.current.id))
        assert [(m.coder, m.text) for m in memos] == [("alice", "功能 or process?")]
        await pilot.press("m", "x", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and store.memos.count() == 1
