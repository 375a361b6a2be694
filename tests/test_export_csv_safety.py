"""CSV exports are safe to open in a spreadsheet: formula cells are neutralised (OWASP), --raw keeps the bytes."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from _agreement_fixtures import standard_project
from click.testing import CliRunner

from reviewkit.exporters.csvsafe import FORMULA_STARTS, csv_writer, neutralise, unneutralise
from reviewkit.exporters.long_format import read_long
from reviewkit.project.exports import export

HOSTILE = {
    "=": '=HYPERLINK("http://evil.example","click")',
    "+": "+SUM(A1:A9)",
    "-": "-2+3",
    "@": "@cmd|' /C calc'!A0",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}


@pytest.mark.parametrize("char", sorted(HOSTILE))
def test_each_formula_start_is_neutralised(char: str) -> None:
    value = HOSTILE[char]
    assert value.startswith(char) and char in FORMULA_STARTS
    assert neutralise(value) == "'" + value
    assert unneutralise(neutralise(value)) == value
    buf = io.StringIO()
    csv_writer(buf).writerow([value, -2, -0.5, 3])
    (row,) = list(csv.reader(io.StringIO(buf.getvalue(), newline="")))
    assert row == ["'" + value, "-2", "-0.5", "3"]  # numbers stay numbers, even negative ones
    raw = io.StringIO()
    csv_writer(raw, raw=True).writerow([value])
    assert list(csv.reader(io.StringIO(raw.getvalue(), newline="")))[0] == [value]


def test_harmless_text_is_untouched() -> None:
    for value in ("Clusters in Italy", "产业集群", "a=b", "x-y", "'quoted", "", "2001"):
        assert neutralise(value) == value and unneutralise(value) == value


def _hostile_project(store: Any, title: str) -> None:
    standard_project(store)
    with store.transaction():
        store.db.execute("UPDATE documents SET title = ? WHERE key = 'doc-a'", [title])


def _cells(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize("char", sorted(HOSTILE))
@pytest.mark.parametrize("fmt", ["csv-long", "csv-wide"])
def test_exports_neutralise_titles(store: Any, tmp_path: Path, fmt: str, char: str) -> None:
    _hostile_project(store, HOSTILE[char])
    out = tmp_path / "out.csv"
    export(store, fmt, out)
    cells = [c for row in _cells(out) for c in row]
    assert "'" + HOSTILE[char] in cells
    assert not any(c.startswith(FORMULA_STARTS) for c in cells)
    export(store, fmt, out, force=True, raw=True)
    assert HOSTILE[char] in [c for row in _cells(out) for c in row]


def test_trends_csv_has_plain_numbers(store: Any, tmp_path: Path) -> None:
    standard_project(store)
    out = tmp_path / "trends.csv"
    export(store, "trends", out)
    header, *rows = _cells(out)
    assert header[0] == "year" and rows and all(r[0].isdigit() and float(r[4]) >= 0 for r in rows)


def test_cli_raw_switch_and_reimport(store: Any, tmp_db: Path, tmp_path: Path) -> None:
    from reviewkit.cli import cli

    _hostile_project(store, HOSTILE["="])
    store.close()
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    res = CliRunner().invoke(cli, ["export", "csv-long", str(safe), "--db", str(tmp_db)])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(cli, ["export", "csv-long", str(raw), "--db", str(tmp_db), "--raw"])
    assert res.exit_code == 0, res.output
    assert "'" + HOSTILE["="] in {c for row in _cells(safe) for c in row}
    assert HOSTILE["="] in {c for row in _cells(raw) for c in row}
    # reading the safe export back (codings import) gives the original text
    titles = {row["title"] for _, row in read_long(safe)}
    assert HOSTILE["="] in titles
