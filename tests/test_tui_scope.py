"""Once screening has begun, the review app's Documents, Queue and Trends screens work on the included
documents and the header says so; `reviewkit review --all` (``all_documents``) shows everything."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _review_fixtures import settle
from _tui import running
from click.testing import CliRunner

from reviewkit.cli import cli
from reviewkit.project import review as svc
from reviewkit.project import screening as scr
from reviewkit.project.trends import trends
from reviewkit.store import Store
from reviewkit.tui.screens.queue import QueueScreen
from reviewkit.tui.screens.screening import ScreeningScreen
from reviewkit.tui.screens.trends import TrendsScreen
from reviewkit.tui.widgets.document_table import DocumentTable


@pytest.fixture
def project(review_project: tuple[Path, dict[str, Any]]) -> Iterator[tuple[Store, list[int]]]:
    """The review fixture with the first two documents included and the others excluded but one left open."""
    path, info = review_project
    store = Store.open(path)
    docs = info["documents"]
    for doc in docs[:2]:
        scr.decide(store, doc, "include", "alice")
    for doc in docs[2:-1]:
        scr.decide(store, doc, "exclude", "alice", reason="wrong topic")
    yield store, docs
    store.close()


def _shown(app: Any) -> set[int]:
    table = app.screen.query_one(DocumentTable)
    return {int(str(k.value)) for k in table.rows}


async def test_documents_queue_trends_show_the_included_and_say_so(project: tuple[Store, list[int]]) -> None:
    store, docs = project
    included = set(docs[:2])
    async with running(store, "alice") as pilot:
        app = pilot.app
        assert f"the 2 included of {len(docs)} documents" in (app.sub_title or "")
        assert _shown(app) == included
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen) and screen.items
        assert {i.document_id for i in screen.items} <= included
        everything = {i.document_id for i in svc.review_queue(store, "alice", app.session.codebook_id, limit=1000)}
        assert everything - included  # the unscoped queue has other documents: the scope did filter
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, TrendsScreen)
        published = {r.year: r.published for r in app.screen.rows}
        expected = trends(store, ",".join(dict.fromkeys(r.code for r in app.screen.rows)),
                          source=app.screen.source, scope=included)  # fmt: skip
        assert published == {r.year: r.published for r in expected}
        assert sum(published.values()) == len(included)


async def test_all_documents_and_a_decision_in_the_app_change_the_scope(project: tuple[Store, list[int]]) -> None:
    store, docs = project
    async with running(store, "alice", all_documents=True) as pilot:
        assert _shown(pilot.app) == set(docs) and f"all {len(docs)} documents" in (pilot.app.sub_title or "")
    async with running(store, "alice") as pilot:
        app = pilot.app
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(app.screen, ScreeningScreen) and app.screen.current is not None
        assert app.screen.current.document.id == docs[-1]  # the one record left
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert _shown(app) == {*docs[:2], docs[-1]}
        assert f"the 3 included of {len(docs)} documents" in (app.sub_title or "")


def test_cli_review_all(project: tuple[Store, list[int]], monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewkit.tui import app as tui_app

    seen: list[bool] = []

    class Fake:
        def run(self) -> None:
            pass

    def fake(store: Store, coder: str, **kw: Any) -> Fake:
        seen.append(kw["all_documents"])
        return Fake()

    monkeypatch.setattr(tui_app, "make_app", fake)
    store, _ = project
    for extra in ([], ["--all"]):
        result = CliRunner().invoke(cli, ["review", "--db", store.path, *extra])
        assert result.exit_code == 0, result.output
    assert seen == [False, True]
