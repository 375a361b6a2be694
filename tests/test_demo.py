"""`reviewkit demo`: the bundled corpus and codebook, coded end to end, show the seed paper's shift."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from reviewkit.analysis.periods import by_period, periods
from reviewkit.analysis.trends import TrendRow
from reviewkit.cli import cli
from reviewkit.project import demo
from reviewkit.store import Store


def test_periods_bins() -> None:
    assert periods(1990, 2015) == [(1990, 1994), (1995, 1999), (2000, 2004), (2005, 2009), (2010, 2015)]
    assert periods(2000, 2002, 5) == [(2000, 2002)]
    assert periods(2001, 2000) == []


def test_by_period_sums_counts_not_shares() -> None:
    rows = [TrendRow(1990, "g", 1, 1, 1.0), TrendRow(1991, "g", 9, 0, 0.0), TrendRow(1995, "g", 2, 1, 0.5)]
    out = by_period(rows, [(1990, 1994), (1995, 1999)])
    assert [(r.period, r.documents, r.coded) for r in out] == [("1990-1994", 10, 1), ("1995-1999", 2, 1)]
    assert out[0].share == 0.1


def test_demo_no_tui_shows_the_shift(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = CliRunner().invoke(cli, ["demo", "--db", str(db), "--no-tui", "--method", "rules"])
    assert result.exit_code == 0, result.output
    assert "119 documents" in result.output
    assert "regionalism.collective_learning" in result.output and "↓ falling" in result.output
    store = Store.open(db)
    try:
        rows = demo.period_table(store)
        share = {(r.period, r.code): r.share for r in rows}
        assert share[("1990-1994", "regionalism")] > share[("2010-2015", "regionalism")] + 0.3
        assert share[("2010-2015", "global")] > share[("1990-1994", "global")] + 0.3
        assert share[("2010-2015", "upgrading")] > share[("1990-1994", "upgrading")] + 0.3
        _, shifts = demo.code_shifts(store)
        directions = {s.code: s.direction for s in shifts}
        assert directions["global.value_chain"] == "rising"
        assert directions["regionalism.trust_social_capital"] == "falling"
        decisions_before = store.imports.corpus_stats().codings
    finally:
        store.close()
    again = CliRunner().invoke(cli, ["demo", "--db", str(db), "--no-tui", "--method", "rules"])
    assert again.exit_code == 0
    assert "up to date" in again.output
    stats = json.loads(CliRunner().invoke(cli, ["stats", "--json", "--db", str(db)]).output)
    assert stats["documents"] == 119 and stats["codings"] == decisions_before
