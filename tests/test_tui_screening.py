"""The Screening screen driven by Pilot on a real project file: every key checked against the database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _review_fixtures import settle
from _tui import project_with, running

from reviewkit.project import screening as scr
from reviewkit.project import screening_rank as rank
from reviewkit.project.screening_protocol import load_protocol
from reviewkit.records import Record
from reviewkit.store import Store
from reviewkit.tui.app import make_app
from reviewkit.tui.screening_dialogs import ReasonPicker
from reviewkit.tui.screens.screening import RANKING, ScreeningScreen
from reviewkit.tui.text_prompt import TextPrompt
from reviewkit.tui.widgets.screening_record import criteria_terms, highlighted, term_pattern

PROTOCOL = """criteria: |
  Industrial clusters and global value chains; upgrading of firms in clusters. 产业集群 升级
reasons:
  - wrong topic
  - wrong study type
  - not a research article
"""
# title, title_alt, abstract, abstract_alt, year  (written for these tests)
RECORDS = [
    ("Upgrading in industrial clusters of Zhejiang", "浙江产业集群的升级", "Firms in clusters upgrade along global value chains.", "本文研究产业集群升级。", 2015),
    ("Petri nets for concurrent control software", "", "Modelling concurrency with Petri nets.", "", 2004),
    ("Global value chains and cluster governance", "", "Lead firms govern value chains that reach clusters.", "", 2012),
    ("Deep learning for protein folding", "", "Neural networks predict protein structures.", "", 2019),
    ("Avatar networking in online games", "", "Latency of avatar updates in multiplayer games.", "", 2011),
]  # fmt: skip
SIZE = (120, 36)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = project_with(tmp_path / "project.db", _records())
    proto = tmp_path / "protocol.yaml"
    proto.write_text(PROTOCOL, encoding="utf-8")
    load_protocol(s, proto)
    yield s
    s.close()


def _records() -> list[Record]:
    return [
        Record(
            title=title, title_alt=title_alt, abstract=abstract, abstract_alt=abstract_alt, year=year,
            authors=(f"Author{n}, A.",), journal="Journal of Tests", keywords=("clusters",) if n % 2 else (),
            language="en", language_alt="zh" if title_alt else "",
        )  # fmt: skip
        for n, (title, title_alt, abstract, abstract_alt, year) in enumerate(RECORDS, 1)
    ]


def _screen(pilot: Any) -> ScreeningScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ScreeningScreen)
    return screen


def _mine(store: Store, coder: str = "alice") -> dict[int, tuple[str, str, str]]:
    return {d.document_id: (d.decision, d.reason, d.note) for d in store.screening.list(coder=coder)}


def _app(store: Store, coder: str = "alice") -> Any:
    return make_app(store, coder, start="screening", cursor_blink=False)


def test_terms_and_highlight() -> None:
    terms = criteria_terms("Industrial clusters and global value chains; 产业集群 升级")
    assert "clusters" in terms and "industrial" in terms and "and" not in terms
    assert any("集群" in t or t == "产业集群" for t in terms)
    text = highlighted("Cluster upgrading: 浙江产业集群", term_pattern(["cluster", "产业集群"]))
    marked = {text.plain[s.start : s.end] for s in text.spans}
    assert marked == {"Cluster", "产业集群"}


async def test_include_maybe_and_audit(store: Store) -> None:
    async with running(store, start="screening", size=SIZE) as pilot:
        first = _screen(pilot).current
        assert first is not None
        await pilot.press("i")
        await settle(pilot)
        assert _mine(store) == {first.document.id: ("include", "", "")}
        second = _screen(pilot).current
        assert second is not None and second.document.id != first.document.id
        await pilot.press("m")
        await settle(pilot)
        assert _mine(store)[second.document.id] == ("maybe", "", "")
        audit = store.audit.log("alice")
        assert [a.action for a in audit[:2]] == ["screen", "screen"]
        assert audit[0].target["document_id"] == second.document.id and audit[0].after["decision"] == "maybe"
        assert "screened 1/5 · included 1 · maybe 1" in str(pilot.app.screen.query_one("#screening-progress").render())


async def test_exclude_reason_by_number_arrows_and_escape(store: Store) -> None:
    async with running(store, start="screening", size=SIZE) as pilot:
        doc = _screen(pilot).current.document.id
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReasonPicker)
        await pilot.press("escape")
        await settle(pilot)
        assert _mine(store) == {} and _screen(pilot).current.document.id == doc
        await pilot.press("x", "2")
        await settle(pilot)
        assert _mine(store) == {doc: ("exclude", "wrong study type", "")}
        nxt = _screen(pilot).current.document.id
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert _mine(store)[nxt] == ("exclude", "not a research article", "")


async def test_note_is_stored_with_the_decision(store: Store) -> None:
    async with running(store, start="screening", size=SIZE) as pilot:
        doc = _screen(pilot).current.document.id
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TextPrompt) and pilot.app.screen.title_text == "Note for this record's decision"
        await pilot.press(*"check the full text", "enter")
        await pilot.pause()
        assert "note: check the full text" in str(pilot.app.screen.query_one("#screening-note").render())
        await pilot.press("i")
        await settle(pilot)
        assert _mine(store) == {doc: ("include", "", "check the full text")}
        assert _screen(pilot).note == ""


async def test_undo_takes_back_and_shows_the_record_again(store: Store) -> None:
    async with running(store, start="screening", size=SIZE) as pilot:
        doc = _screen(pilot).current.document.id
        await pilot.press("i")
        await settle(pilot)
        assert doc in _mine(store)
        await pilot.press("u")
        await settle(pilot)
        assert _mine(store) == {}
        assert store.audit.log("alice")[0].undoes is not None
        assert _screen(pilot).current.document.id == doc


async def test_skip_moves_on_without_deciding(store: Store) -> None:
    async with running(store, start="screening", size=SIZE) as pilot:
        seen = [_screen(pilot).current.document.id]
        for _ in range(len(RECORDS) - 1):
            await pilot.press("s")
            await settle(pilot)
            seen.append(_screen(pilot).current.document.id)
        assert len(set(seen)) == len(RECORDS) and _mine(store) == {}
        assert store.audit.log("alice") == []


async def test_blind_only_own_decisions_and_all_screened(store: Store) -> None:
    for doc in store.documents.iter():
        store.screening.set(doc.id, "bob", "include")  # bob's decisions never show for alice
    async with running(store, start="screening", size=SIZE) as pilot:
        progress = str(pilot.app.screen.query_one("#screening-progress").render())
        assert "screened 0/5 · included 0" in progress
        for _ in RECORDS:
            await pilot.press("i")
            await settle(pilot)
        assert len(_mine(store)) == len(RECORDS) and _screen(pilot).current is None


async def test_ranking_hint_and_key_6(store: Store) -> None:
    async with running(store, "alice", size=SIZE) as pilot:
        await pilot.press("6")
        await pilot.pause()
        screen = _screen(pilot)
        assert screen.ranking or screen.current is not None
        screen.reload()
        assert RANKING in str(screen.query_one("#screening-progress").render())
        await settle(pilot)
        assert not screen.ranking and screen.current is not None


def test_screening_snapshot(snap_compare: Any, store: Store) -> None:
    assert snap_compare(_app(store), terminal_size=SIZE, run_before=settle)


def test_next_record_skip_and_prefer(store: Store) -> None:
    first = rank.next_record(store, "alice")
    assert first is not None and first.left == len(RECORDS)
    other = rank.next_record(store, "alice", skip={first.document.id})
    assert other is not None and other.document.id != first.document.id
    everything = {d.id for d in store.documents.iter()}
    again = rank.next_record(store, "alice", skip=everything)  # nothing else left: the skip is ignored
    assert again is not None and again.document.id == first.document.id
    assert rank.next_record(store, "alice", prefer=other.document.id).document.id == other.document.id  # type: ignore[union-attr]
    scr.decide(store, other.document.id, "include", "alice")
    assert rank.next_record(store, "alice", prefer=other.document.id).document.id != other.document.id  # type: ignore[union-attr]
    assert rank.own_counts(store, "alice") == {"include": 1} and rank.own_counts(store, "bob") == {}


async def test_command_palette_opens_screening(store: Store) -> None:
    async with running(store, "alice", size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Screening")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert _screen(pilot).current is not None


def test_cli_offers_the_screening_screen() -> None:
    from click.testing import CliRunner

    from reviewkit.cli import cli

    out = CliRunner().invoke(cli, ["review", "--help"]).output
    assert "screening" in out and "--screen [documents|queue|codebook|trends|disagreements|screening|conflicts]" in out


@pytest.fixture
def imported(tmp_path: Path) -> Iterator[tuple[str, Store]]:
    """The five records imported through the CLI (so that the PRISMA flow has its import log)."""
    import json

    from click.testing import CliRunner

    from reviewkit.cli import cli

    src = tmp_path / "records.jsonl"
    src.write_text(
        "".join(json.dumps({"title": t, "abstract": a, "year": y}) + "\n" for t, _ta, a, _aa, y in RECORDS),
        encoding="utf-8",
    )
    db = str(tmp_path / "ft.db")
    assert CliRunner().invoke(cli, ["import", str(src), "--db", db]).exit_code == 0
    s = Store.open(db)
    proto = tmp_path / "protocol.yaml"
    proto.write_text(PROTOCOL, encoding="utf-8")
    load_protocol(s, proto)
    yield db, s
    s.close()


async def test_full_text_stage_key_r_and_prisma(imported: tuple[str, Store]) -> None:
    import json

    from click.testing import CliRunner

    from reviewkit.cli import cli

    db, store = imported
    ids = sorted(d.id for d in store.documents.iter())
    async with running(store, start="screening", size=SIZE) as pilot:
        screen = _screen(pilot)
        assert "screening: title/abstract" in (screen.sub_title or "")
        assert "not retrieved" not in _footer(pilot)  # r belongs to the full-text stage
        await pilot.press("r")
        await settle(pilot)
        assert store.screening.list() == []
        for _ in range(3):
            await pilot.press("i")
            await settle(pilot)
        for _ in range(2):
            await pilot.press("x", "1")
            await settle(pilot)
        ta_included = {d.document_id for d in store.screening.list(stage=scr.TA) if d.decision == "include"}
        assert len(ta_included) == 3 and screen.current is None
        await pilot.press("f")
        await settle(pilot)
        assert "screening: full text" in (screen.sub_title or "") and "not retrieved" in _footer(pilot)
        assert "screened 0/3" in str(screen.query_one("#screening-progress").render())
        shown = []
        assert screen.current is not None and screen.current.document.id in ta_included
        shown.append(screen.current.document.id)
        await pilot.press("r")
        await settle(pilot)
        shown.append(screen.current.document.id)
        await pilot.press("x", "2")
        await settle(pilot)
        shown.append(screen.current.document.id)
        await pilot.press("i")
        await settle(pilot)
        assert set(shown) == ta_included and screen.current is None
        progress = str(screen.query_one("#screening-progress").render())
        assert "screened 2/3 · included 1" in progress and "not retrieved 1" in progress
        ft = {d.document_id: (d.decision, d.reason) for d in store.screening.list(coder="alice", stage=scr.FT)}
        assert ft == {shown[0]: ("not_retrieved", ""), shown[1]: ("exclude", "wrong study type"), shown[2]: ("include", "")}
        assert store.audit.log("alice")[0].target["stage"] == scr.FT
        await pilot.press("f")
        await settle(pilot)
        assert "screening: title/abstract" in (screen.sub_title or "") and screen.current is None
    assert set(ids) >= ta_included
    result = CliRunner().invoke(cli, ["prisma", "--format", "json", "--db", db])
    assert result.exit_code == 0, result.output
    flow = json.loads(result.output)["screening"]
    assert flow["records_screened"] == 5 and flow["records_excluded"] == 2
    assert flow["reports_sought"] == 3 and flow["reports_not_retrieved"] == 1 and flow["reports_assessed"] == 2
    assert [[r["reason"], r["n"]] for r in flow["reports_excluded_reasons"]] == [["wrong study type", 1]]
    status = json.loads(CliRunner().invoke(cli, ["screen", "status", "--stage", "full_text", "--json", "--db", db]).output)
    assert status["excluded_by_reason"] == [["wrong study type", 1]] and status["not_retrieved"] == 1


def _footer(pilot: Any) -> str:
    from textual.widgets import Footer

    return " ".join(str(k.render()) for k in pilot.app.screen.query_one(Footer).query("FooterKey"))
