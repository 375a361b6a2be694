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
from reviewkit.project import review
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
    path = tmp_path / "trends.db"
    info = build_project(path)
    store = Store.open(path)
    cb = info["codebook_id"]
    # doc 1 (2003): regionalism twice (one document); doc 4 (2006): regionalism; doc 6 (2008): global
    review.decide(store, 1, "regionalism.collective_learning", "alice", "accepted", codebook_id=cb)
    review.decide(store, 4, "regionalism.trust_social_capital", "bob", "accepted", codebook_id=cb)
    review.decide(store, 13, "regionalism.collective_learning", "alice", "accepted", codebook_id=cb)
    review.decide(store, 20, "global.value_chain", "alice", "accepted", codebook_id=cb)
    review.decide(store, 19, "global.value_chain", "bob", "rejected", codebook_id=cb)
    store.close()
    return path


def test_trends_accepted_groups_count_documents_once(project: Path) -> None:
    store = Store.open(project)
    rows = trends(store, "regionalism,global")
    got = {(r.year, r.code): (r.documents, r.coded) for r in rows}
    assert got[(2003, "regionalism")] == (1, 1)
    assert got[(2006, "regionalism")] == (1, 1)
    assert got[(2008, "global")] == (1, 1)
    assert sum(r.coded for r in rows) == 3
    bob = trends(store, "regionalism", coder="bob")
    assert [(r.year, r.coded) for r in bob if r.coded] == [(2003, 1)]
    windowed_rows = trends(store, "regionalism", window=3)
    assert [(r.year, r.documents, r.coded) for r in windowed_rows][:4] == [
        (2003, 1, 1), (2004, 2, 1), (2005, 3, 1), (2006, 3, 1)
    ]  # fmt: skip
    suggested = trends(store, "context", source="suggested")
    assert [r.year for r in suggested if r.coded] == [2005, 2007]
    with pytest.raises(ReviewkitError, match="Unknown source"):
        trends(store, source="both")
    store.close()


def test_cli_trends_csv_is_exact(project: Path) -> None:
    result = CliRunner().invoke(
        cli, ["trends", "--db", str(project), "--codes", "regionalism,global.value_chain", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "year,code,documents,coded,share"
    assert lines[1:5] == [
        "2003,regionalism,1,1,1.0000",
        "2003,global.value_chain,1,0,0.0000",
        "2004,regionalism,1,0,0.0000",
        "2004,global.value_chain,1,0,0.0000",
    ]
    assert lines[-1] == "2008,global.value_chain,1,1,1.0000"
    assert len(lines) == 1 + 6 * 2


def test_cli_trends_json_and_window(project: Path) -> None:
    result = CliRunner().invoke(
        cli, ["trends", "--db", str(project), "--codes", "regionalism", "--window", "3", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data[2] == {"year": 2005, "code": "regionalism", "documents": 3, "coded": 1, "share": 0.3333}
    assert [d["year"] for d in data] == list(range(2003, 2009))


def test_cli_trends_plot_and_errors(project: Path) -> None:
    result = CliRunner().invoke(cli, ["trends", "--db", str(project), "--plot", "--source", "suggested"])
    assert result.exit_code == 0, result.output
    assert "regionalism" in result.output and "2008" in result.output and "share" in result.output
    bad = CliRunner().invoke(cli, ["trends", "--db", str(project), "--codes", "nope"])
    assert bad.exit_code == 1 and "Unknown code or group 'nope'" in bad.output
    missing = CliRunner().invoke(cli, ["trends", "--db", str(project.parent / "absent.db")])
    assert missing.exit_code == 1 and "No project at" in missing.output
