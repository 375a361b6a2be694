"""The lead's Conflicts screen driven by Pilot on a real project file: keys checked against the database.

Hidden in blind mode (like the Disagreements screen); the reviewers' decisions, and so
`reviewkit agreement --stage screening`, are the same before and after the lead resolves.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _review_fixtures import settle
from _tui import project_with, running
from click.testing import CliRunner
from textual.widgets import DataTable

from reviewkit.cli import cli
from reviewkit.errors import ReviewkitError
from reviewkit.project import screening as scr
from reviewkit.records import Record
from reviewkit.store import Store
from reviewkit.tui.app import make_app
from reviewkit.tui.screening_dialogs import ReasonPicker
from reviewkit.tui.screens.conflicts import ConflictsScreen
from reviewkit.tui.screens.screening import ScreeningScreen
from reviewkit.tui.text_prompt import TextPrompt

SIZE = (120, 36)
TITLES = ["Cluster upgrading in Zhejiang", "Value chains and lead firms", "Petri nets", "Protein folding"]
# (alice, bob) at title/abstract per document; "exclude" carries the reason "wrong topic"
TA_DECISIONS = [("include", "exclude"), ("include", "include"), ("exclude", "include"), ("exclude", "exclude")]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[tuple[str, Store, list[int]]]:
    db = str(tmp_path / "conflicts.db")
    s = project_with(db, (Record(title=t, abstract=f"Abstract of {t}.", year=2000 + n) for n, t in enumerate(TITLES, 1)))
    ids = sorted(d.id for d in s.documents.iter())
    for doc, pair in zip(ids, TA_DECISIONS, strict=True):
        for coder, decision in zip(("alice", "bob"), pair, strict=True):
            scr.decide(s, doc, decision, coder, reason="wrong topic" if decision == "exclude" else "")
    scr.decide(s, ids[1], "include", "alice", stage=scr.FT)
    scr.decide(s, ids[1], "not_retrieved", "bob", stage=scr.FT)
    yield db, s, ids
    s.close()


def _agreement(db: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["agreement", "--stage", "screening", "--json", "--db", db])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def _rows(pilot: Any) -> list[int]:
    screen = pilot.app.screen
    assert isinstance(screen, ConflictsScreen)
    assert screen.query_one(DataTable).row_count == len(screen.rows)
    return [r.document_id for r in screen.rows]


async def test_lead_resolves_with_a_note_and_undoes(project: tuple[str, Store, list[int]]) -> None:
    db, store, ids = project
    before = _agreement(db)
    assert before["units"] == 4 and before["agreed"] == 2
    async with running(store, "carol", start="conflicts", size=SIZE) as pilot:
        assert _rows(pilot) == [ids[0], ids[2]]
        screen = pilot.app.screen
        assert "screening conflicts: title/abstract" in (screen.sub_title or "")
        table_text = str(screen.query_one("#conf-detail").render())
        assert "alice: include" in table_text and "bob: exclude (wrong topic)" in table_text
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TextPrompt) and pilot.app.screen.title_text == "Note for this record's decision"
        await pilot.press(*"on topic after all", "enter")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        first = store.screening.get(ids[0], scr.CONSENSUS)
        assert first is not None and (first.decision, first.note) == ("include", "resolved by carol: on topic after all")
        assert _rows(pilot) == [ids[2]]
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReasonPicker)
        await pilot.press("1")
        await settle(pilot)
        second = store.screening.get(ids[2], scr.CONSENSUS)
        assert second is not None and (second.decision, second.reason, second.note) == (
            "exclude", "wrong topic", "resolved by carol",
        )  # fmt: skip
        assert _rows(pilot) == []
        log = store.audit.log(scr.CONSENSUS)
        assert [(a.action, a.target["document_id"]) for a in log[:2]] == [("screen", ids[2]), ("screen", ids[0])]
        await pilot.press("u")
        await settle(pilot)
        assert store.screening.get(ids[2], scr.CONSENSUS) is None and _rows(pilot) == [ids[2]]
        assert store.screening.get(ids[0], scr.CONSENSUS) is not None
        await pilot.press("f")
        await settle(pilot)
        assert _rows(pilot) == [ids[1]] and "full text" in (pilot.app.screen.sub_title or "")
        assert "bob: not retrieved" in str(pilot.app.screen.query_one("#conf-detail").render())
    # the reviewers' own decisions are untouched: the same agreement figures
    assert _agreement(db) == before
    assert [c.document_id for c in scr.conflicts(store)] == [ids[2]]


async def test_screening_key_c_and_palette_reach_conflicts(project: tuple[str, Store, list[int]]) -> None:
    _db, store, ids = project
    async with running(store, "carol", start="screening", size=SIZE) as pilot:
        await pilot.press("c")
        await settle(pilot)
        assert _rows(pilot) == [ids[0], ids[2]]
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ScreeningScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Screening conflicts")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConflictsScreen)


async def test_blind_has_no_conflicts_screen(project: tuple[str, Store, list[int]]) -> None:
    _db, store, _ids = project
    with pytest.raises(ReviewkitError, match="not available with --blind"):
        make_app(store, "alice", blind=True, start="conflicts")
    async with running(store, "alice", blind=True, start="screening", size=SIZE) as pilot:
        app = pilot.app
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ScreeningScreen)
        footer = " ".join(str(k.render()) for k in pilot.app.screen.query("FooterKey"))
        assert "conflicts" not in footer and "bob" not in str(pilot.app.screen.query_one("#screening-progress").render())
        commands = [c.title for c in app.get_system_commands(pilot.app.screen)]
        assert "Screening conflicts" not in commands
    assert store.screening.list(coder=scr.CONSENSUS) == []
