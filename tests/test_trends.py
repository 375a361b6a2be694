"""Tests of concept trends: the pure arithmetic (hypothesis), the service on a project, and the CLI output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _review_fixtures import build_project
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from reviewkit.analysis.trends import resolve_codes, trend_rows, windowed
from reviewkit.cli import cli
from reviewkit.errors import NotFoundError, ReviewkitError
from reviewkit.project import review, state
from reviewkit.project.trends import trends
from reviewkit.store import Store

IDS = ["regionalism.a", "regionalism.b", "global.c", "upgrading.d"]

years_docs = st.dictionaries(st.integers(1990, 2030), st.integers(0, 50), max_size=15)


@st.composite
def counts(draw: st.DrawFn) -> tuple[dict[int, int], dict[str, dict[int, int]]]:
    docs = draw(years_docs)
    coded = {
        label: {y: draw(st.integers(0, n)) for y, n in docs.items()}
        for label in draw(st.sets(st.sampled_from("xyz")))
    }
    return docs, coded


@given(counts(), st.integers(1, 5))
def test_trend_rows_invariants(data: tuple[dict[int, int], dict[str, dict[int, int]]], window: int) -> None:
    docs, coded = data
    rows = trend_rows(docs, coded, window)
    years = sorted(y for y, n in docs.items() if n > 0)
    assert len(rows) == len(years) * len(coded)
    for r in rows:
        assert 0 <= r.coded <= r.documents
        assert r.share == pytest.approx(r.coded / r.documents)
        assert r.documents == sum(docs.get(r.year - k, 0) for k in range(window))
    if window == 1:
        for label in coded:
            mine = [r for r in rows if r.code == label]
            assert sum(r.documents for r in mine) == sum(docs.values())
            assert sum(r.coded for r in mine) == sum(coded[label].values())


@given(years_docs, st.integers(1, 6))
def test_windowed_sums_spread_each_year_over_the_window(docs: dict[int, int], window: int) -> None:
    if not docs:
        return
    lo, hi = min(docs), max(docs)
    all_years = list(range(lo, hi + window))
    assert sum(windowed(docs, all_years, window).values()) == window * sum(docs.values())


def test_resolve_codes_groups_ids_and_errors() -> None:
    assert resolve_codes(None, IDS) == {
        "regionalism": IDS[:2],
        "global": ["global.c"],
        "upgrading": ["upgrading.d"],
    }
    assert resolve_codes("global.c, regionalism", IDS) == {"global.c": ["global.c"], "regionalism": IDS[:2]}
    with pytest.raises(NotFoundError, match="Available groups: regionalism, global, upgrading"):
        resolve_codes("regional", IDS)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Six documents (2003..2008), two coders, hand-made decisions and done marks.

    alice and bob both accept regionalism on doc 1 (2003); alice accepts global on doc 6 (2008), bob
    rejects it; bob accepts regionalism on doc 4 (2006), alice marks it done without. Both mark
    documents 1, 2, 4 and 6 done; documents 3 and 5 (2005, 2007) are reviewed by nobody.
    """
    path = tmp_path / "trends.db"
    info = build_project(path)
    store = Store.open(path)
    cb = info["codebook_id"]
    first = {d: store.passages.of_document(d)[0].id for d in range(1, 7)}
    for coder in ("alice", "bob"):
        review.decide(store, first[1], "regionalism.collective_learning", coder, "accepted", codebook_id=cb)
    review.decide(store, first[6], "global.value_chain", "alice", "accepted", codebook_id=cb)
    review.decide(store, first[6], "global.value_chain", "bob", "rejected", codebook_id=cb)
    review.decide(store, first[4], "regionalism.trust_social_capital", "bob", "accepted", codebook_id=cb)
    for coder in ("alice", "bob"):
        for d in (1, 2, 4, 6):
            state.mark_document(store, d, coder, codebook_id=cb)
    store.close()
    return path


# (year, code) -> (reviewed documents, published, coded) per source, worked out by hand from the
# decisions above and docs/review-rules.md.
REVIEWED_BOTH = {2003: 1, 2004: 1, 2005: 0, 2006: 1, 2007: 0, 2008: 1}
EXPECTED = {
    "coder:alice": (REVIEWED_BOTH, {"regionalism": {2003}, "global": {2008}}),
    "coder:bob": (REVIEWED_BOTH, {"regionalism": {2003, 2006}, "global": set()}),
    "any": (REVIEWED_BOTH, {"regionalism": {2003, 2006}, "global": {2008}}),
    # doc 4 and doc 6 carry unresolved disagreements: not reviewed under consensus.
    "consensus": ({2003: 1, 2004: 1, 2005: 0, 2006: 0, 2007: 0, 2008: 0}, {"regionalism": {2003}, "global": set()}),
}


def expected_rows(source: str) -> list[tuple[int, str, int, int, int]]:
    reviewed, coded = EXPECTED[source]
    return [
        (y, code, reviewed[y], 1, int(y in coded[code]))
        for y in range(2003, 2009)
        for code in ("regionalism", "global")
    ]


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_trends_per_source_over_reviewed_documents(project: Path, source: str) -> None:
    store = Store.open(project)
    try:
        rows = trends(store, "regionalism,global", source=source)
    finally:
        store.close()
    assert [(r.year, r.code, r.documents, r.published, r.coded) for r in rows] == expected_rows(source)
    for r in rows:
        assert r.share == (r.coded / r.documents if r.documents else 0.0)


def test_trends_default_source_and_deprecated_accepted(project: Path) -> None:
    store = Store.open(project)
    try:
        assert state.default_source(store) == "consensus"
        default = trends(store, "regionalism,global")
        assert [(r.year, r.code, r.documents, r.published, r.coded) for r in default] == expected_rows("consensus")
        bob = trends(store, "regionalism,global", source="accepted", coder="bob")
        assert [(r.year, r.code, r.documents, r.published, r.coded) for r in bob] == expected_rows("coder:bob")
        windowed_rows = trends(store, "regionalism", source="coder:bob", window=3)
        assert [(r.year, r.documents, r.published, r.coded) for r in windowed_rows][:4] == [
            (2003, 1, 1, 1), (2004, 2, 2, 1), (2005, 2, 3, 1), (2006, 2, 3, 1)
        ]  # fmt: skip
        suggested = trends(store, "context", source="suggested")
        assert [r.year for r in suggested if r.coded] == [2005, 2007]
        assert all(r.documents == r.published for r in suggested)
        with pytest.raises(ReviewkitError, match="Unknown source"):
            trends(store, source="both")
        with pytest.raises(NotFoundError, match="Unknown coder 'carol'"):
            trends(store, source="coder:carol")
    finally:
        store.close()


def test_cli_trends_csv_is_exact(project: Path) -> None:
    result = CliRunner().invoke(
        cli, ["trends", "--db", str(project), "--codes", "regionalism,global", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "year,code,documents,published,coded,share"
    assert lines[1:] == [
        f"{y},{c},{n},{p},{k},{(k / n if n else 0):.4f}" for y, c, n, p, k in expected_rows("consensus")
    ]


def test_cli_trends_json_and_window(project: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["trends", "--db", str(project), "--codes", "regionalism", "--window", "3", "--format", "json",
         "--source", "any"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data[2] == {
        "year": 2005, "code": "regionalism", "documents": 2, "published": 3, "coded": 1, "share": 0.5,
        "source": "any",
    }  # fmt: skip
    assert [d["year"] for d in data] == list(range(2003, 2009))
    old = CliRunner().invoke(
        cli, ["trends", "--db", str(project), "--codes", "regionalism", "--source", "accepted", "--coder", "bob",
              "--format", "json"],
    )  # fmt: skip
    assert old.exit_code == 0 and "deprecated" in old.stderr
    assert [d["coded"] for d in json.loads(old.stdout)] == [1, 0, 0, 1, 0, 0]


def test_cli_trends_plot_and_errors(project: Path) -> None:
    result = CliRunner().invoke(cli, ["trends", "--db", str(project), "--plot", "--source", "suggested"])
    assert result.exit_code == 0, result.output
    assert "regionalism" in result.output and "2008" in result.output and "share" in result.output
    bad = CliRunner().invoke(cli, ["trends", "--db", str(project), "--codes", "nope"])
    assert bad.exit_code == 1 and "Unknown code or group 'nope'" in bad.output
    missing = CliRunner().invoke(cli, ["trends", "--db", str(project.parent / "absent.db")])
    assert missing.exit_code == 1 and "No project at" in missing.output
    unknown = CliRunner().invoke(cli, ["trends", "--db", str(project), "--source", "coder:zed"])
    assert unknown.exit_code == 1 and "Unknown coder 'zed'" in unknown.output


def test_cli_tui_and_export_agree(project: Path, tmp_path: Path) -> None:
    """The same figures from `reviewkit trends`, `export trends` and the service the Trends screen calls."""
    import csv

    for source in ("", "consensus", "coder:alice", "any"):  # "": no --source, the one shared default
        out = tmp_path / f"{source.replace(':', '-') or 'default'}.csv"
        pick = ["--source", source] if source else []
        cli_rows = CliRunner().invoke(
            cli, ["trends", "--db", str(project), "--codes", "regionalism,global", "--format", "csv", *pick]
        )
        exported = CliRunner().invoke(
            cli, ["export", "trends", str(out), "--db", str(project), "--codes", "regionalism,global", *pick]
        )
        assert cli_rows.exit_code == 0 and exported.exit_code == 0, exported.output
        with out.open(encoding="utf-8") as fh:
            file_rows = [(int(r["year"]), r["code"], int(r["documents"]), int(r["published"]), int(r["coded"]))
                         for r in csv.DictReader(fh)]  # fmt: skip
        printed = [
            (int(y), c, int(n), int(p), int(k))
            for y, c, n, p, k, _s in (line.split(",") for line in cli_rows.output.splitlines()[1:])
        ]
        assert file_rows == printed == expected_rows(source or "consensus")


def test_cli_progress_per_coder(project: Path) -> None:
    """`reviewkit progress --json`: documents and passages reviewed, decisions by kind, time spent."""
    store = Store.open(project)
    try:
        n_passages = sum(len(store.passages.of_document(d)) for d in (1, 2, 4, 6))
    finally:
        store.close()
    result = CliRunner().invoke(cli, ["progress", "--db", str(project), "--json"])
    assert result.exit_code == 0, result.output
    by = {r["coder"]: r for r in json.loads(result.output)}
    assert set(by) == {"alice", "bob"}
    assert by["alice"]["documents_reviewed"] == 4 and by["alice"]["passages_reviewed"] == n_passages
    assert (by["alice"]["decisions"], by["alice"]["accepted"], by["alice"]["added"], by["alice"]["rejected"]) == (
        2, 0, 2, 0
    )  # fmt: skip  (decisions without a suggestion are codes added by hand)
    assert (by["bob"]["decisions"], by["bob"]["rejected"]) == (3, 1)
    assert by["alice"]["sessions"] == 1 and 0 <= by["alice"]["seconds"] < 60
    table = CliRunner().invoke(cli, ["progress", "--db", str(project), "--coder", "bob"])
    assert table.exit_code == 0 and "bob" in table.output and "alice" not in table.output


async def test_trends_screen_shows_the_cli_figures(project: Path) -> None:
    """The Trends screen, cycled through its sources, shows the rows `reviewkit trends` prints (CLI == TUI)."""
    from _review_fixtures import settle

    from reviewkit.tui.app import make_app
    from reviewkit.tui.screens.trends import TrendsScreen

    store = Store.open(project)
    try:
        app = make_app(store, "alice", start="trends", cursor_blink=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, TrendsScreen)
            assert screen.source == "consensus"  # the default of `reviewkit trends` with two coders
            await pilot.press("down", "down", "space", "down", "space")  # switch upgrading and context off
            await settle(pilot)
            seen = set()
            for _ in screen.sources:
                if screen.source in EXPECTED:
                    got = [(r.year, r.code, r.documents, r.published, r.coded) for r in screen.rows]
                    printed = CliRunner().invoke(
                        cli, ["trends", "--db", str(project), "--codes", "regionalism,global", "--format", "csv",
                              "--source", screen.source],
                    )  # fmt: skip
                    cli_rows = [
                        (int(y), c, int(n), int(p), int(k))
                        for y, c, n, p, k, _s in (line.split(",") for line in printed.output.splitlines()[1:])
                    ]
                    assert got == cli_rows == expected_rows(screen.source), screen.source
                    seen.add(screen.source)
                await pilot.press("s")
                await settle(pilot)
            assert seen == set(EXPECTED)
    finally:
        store.close()
