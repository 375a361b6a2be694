"""Pilot tests of the review app's daily-use details (issue 11 item 9): precision, Chinese layout, keys.

Each test drives the real app on the fixture project file and checks the screen text or the database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _review_fixtures import settle
from _tui import open_document, running, screen_text, tui_project, tui_store

from reviewkit.store import Store
from reviewkit.tui.precision import digits_to_tell_apart, score_delta, score_pair
from reviewkit.tui.screens.queue import QueueScreen
from reviewkit.tui.widgets.passage_text import PassageText
from reviewkit.tui.widgets.suggestion_list import SuggestionList

project, store = tui_project, tui_store  # fixtures `project` and `store`: the review fixture project


@pytest.mark.parametrize(
    "score,threshold,expected",
    [
        (0.3098, 0.31, ("0.3098", "0.3100")),
        (0.31, 0.31, ("0.31", "0.31")),
        (0.71, 0.5, ("0.71", "0.50")),
        (0.305, 0.3049999, ("0.305000", "0.305000")),
        (0.5, 0.49999, ("0.50000", "0.49999")),
    ],
)
def test_score_pair_shows_the_digits_that_decide(
    score: float, threshold: float, expected: tuple[str, str]
) -> None:
    assert score_pair(score, threshold) == expected


def test_delta_is_never_zero_for_a_real_gap() -> None:
    assert score_delta(0.3098, 0.31) == "0.0002"
    assert score_delta(0.31, 0.31) == "0.00"
    assert digits_to_tell_apart(0.5, 0.5) == 2


async def test_queue_and_review_never_show_equal_numbers_on_both_sides(
    store: Store, project: tuple[Path, dict[str, Any]]
) -> None:
    """A score just under its threshold prints as 0.4999 < 0.5000, not 0.50 < 0.50 beside 0.50 ≥ 0.50."""
    first = project[1]["passages"][1][0]
    store.db.execute("UPDATE suggestions SET score = 0.4999 WHERE passage_id = ?", [first])
    store.db.execute(
        "UPDATE suggestions SET score = 0.5 WHERE passage_id = ?", [project[1]["passages"][1][1]]
    )
    store.db.conn.commit()
    async with running(store, "alice", start="queue") as pilot:
        app = pilot.app
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        cells = {
            str(screen.query_one("#queue-table").get_row_at(i)[2])  # type: ignore[attr-defined]
            for i in range(len(screen.items))
        }
        assert "0.4999<0.5000" in cells and "0.50≥0.50" in cells
        assert not any(c.startswith("0.50<") for c in cells)
        await pilot.press("1")
        screen = await open_document(pilot)
        text = str(screen.query_one(SuggestionList).render())
        assert "0.4999 < 0.5000" in text and "0.50 < 0.50" not in text


def _line_with(text: str, needle: str) -> str:
    return next(line for line in text.splitlines() if needle in line)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_chinese_passage_numbers_sit_on_the_text_line(store: Store, size: tuple[int, int]) -> None:
    """A Chinese title has no spaces: its number must not stay alone on a line above the text."""
    async with running(store, "alice", size=size) as pilot:
        app = pilot.app
        screen = await open_document(pilot, row=2)  # 文嫮 2005, a Chinese document
        assert screen.view is not None and screen.view.passages[0].text.startswith("从地方到全球")
        text = screen_text(app)
        assert "1?" in _line_with(text, "从地方到全球") and "▶" in _line_with(text, "从地方到全球")
        assert "2?" in _line_with(text, "新区域主义强调")
        await pilot.press("j")  # the title is no longer the current passage
        await settle(pilot)
        text = screen_text(app)
        assert "1?" in _line_with(text, "从地方到全球") and "▶" in _line_with(text, "新区域主义强调")
        widgets = list(screen.query(PassageText))
        assert str(widgets[1].render())[3] == "?"  # the mark stays in the same column as for English


async def test_trends_toggles_say_on_and_off_in_words(store: Store) -> None:
    async with running(store, "alice", start="trends") as pilot:
        app = pilot.app
        text = screen_text(app)
        assert "on  regionalism" in text and "off regionalism.collective" in text
        assert "•• regionalism" in text and "++ global" in text  # chart lines differ by marker, not colour only
        await pilot.press("space")  # the first group off
        await settle(pilot)
        text = screen_text(app)
        assert "off regionalism " in text and "on  global" in text and "•• global" in text
        assert "regionalism" not in {r.code for r in app.screen.rows}  # type: ignore[attr-defined]


async def test_80x24_keeps_the_status_column_and_the_essential_keys(store: Store) -> None:
    async with running(store, "alice", size=(80, 24)) as pilot:
        app = pilot.app
        lines = screen_text(app).splitlines()
        assert "status" in next(line for line in lines if "first author" in line)
        assert "4 to do" in next(line for line in lines if "2003" in line)
        footer = lines[-1]
        for key in ("1–6 screens", "? help", "u undo"):
            assert key in footer, (key, footer)
        await open_document(pilot)
        footer = screen_text(app).splitlines()[-1]
        for key in ("a/r decide→next", "d/D done", "u undo", "1–6 screens", "? help"):
            assert key in footer, (key, footer)


async def test_readme_screen_sample_has_the_review_footer_of_today(store: Store) -> None:
    """The README's Review screen sample (benchmarks/readme_screen.py) ends with the footer the app shows now."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("The Review screen, in a 120×40 terminal")
    first = readme.index("```\n", start) + 4
    block = readme[first : readme.index("\n```", first)]
    sample = block.splitlines()
    assert "reviewkit —" in sample[0] and "[document 3]" in block
    async with running(store, "alice") as pilot:
        app = pilot.app
        await open_document(pilot)
        footer = screen_text(app).splitlines()[-1].rstrip()
    assert sample[-1].rstrip() == footer


async def test_documents_columns_follow_a_terminal_resize(store: Store) -> None:
    from reviewkit.tui.widgets.document_table import DocumentTable

    async with running(store, "alice") as pilot:
        app = pilot.app
        table = app.screen.query_one(DocumentTable)
        wide = table.columns[table.ordered_columns[2].key].width
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert table.ordered_columns[2].width < wide and table.row_count == 6
        lines = screen_text(app).splitlines()
        assert "4 to do" in next(line for line in lines if "2003" in line)
