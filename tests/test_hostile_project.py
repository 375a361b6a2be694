"""Hostile or accidental use of a project never gives a traceback: one clear line, a non-zero exit, the project unharmed.

Each case asserts the exit status, the message and, where nothing should change, that the project
file is byte-for-byte unchanged (issue 10, item 12).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reviewkit.store import Store

TAGGER_MINI = Path(__file__).parent / "data" / "tagger-mini.yaml"

RIS = """TY  - JOUR
TI  - Cluster upgrading in Italian districts
AU  - Rossi, Anna
PY  - 2001
AB  - Firms in the cluster pursue upgrading of products through collective learning.
ER  -

TY  - JOUR
TI  - Cluster learning without hierarchy
AU  - Li, Wei
PY  - 2003
AB  - Collective learning and tacit knowledge circulate among firms of the cluster.
ER  -
"""


def run(*args: str) -> Result:
    from reviewkit.cli import cli

    return CliRunner().invoke(cli, list(args))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_clear_line(res: Result, *needles: str) -> None:
    """Exit 1, no traceback, and the message (one 'Error:' line) names what is wrong."""
    assert res.exit_code == 1, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.output
    errors = [ln for ln in res.output.splitlines() if ln.startswith("Error:")]
    assert len(errors) == 1, res.output
    for needle in needles:
        assert needle in errors[0], res.output


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A closed project with two documents, searched once (the index is complete)."""
    db = tmp_path / "project.db"
    ris = tmp_path / "refs.ris"
    ris.write_text(RIS, encoding="utf-8")
    res = run("import", str(ris), "--db", str(db))
    assert res.exit_code == 0, res.output
    assert run("search", "cluster", "--db", str(db)).exit_code == 0
    return db


@pytest.fixture
def dead_pid() -> int:
    """The id of a process that has exited."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def live_pid() -> Iterator[int]:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield proc.pid
    finally:
        proc.kill()
        proc.wait()


# -- damaged, foreign and read-only project files -----------------------------------------------------------
@pytest.mark.parametrize("command", [["stats"], ["search", "cluster"], ["docs", "list"]])
def test_random_bytes_are_refused_unchanged(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "project.db"
    db.write_bytes(os.urandom(8192))
    before = sha(db)
    one_clear_line(run(*command, "--db", str(db)), str(db), "not a reviewkit project")
    assert sha(db) == before and not Path(f"{db}-wal").exists()


def test_random_bytes_refused_on_import(tmp_path: Path) -> None:
    db = tmp_path / "project.db"
    db.write_bytes(os.urandom(8192))
    before = sha(db)
    ris = tmp_path / "refs.ris"
    ris.write_text(RIS, encoding="utf-8")
    one_clear_line(run("import", str(ris), "--db", str(db)), "not a reviewkit project")
    assert sha(db) == before


def test_truncated_project_file(project: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.db"
    data = project.read_bytes()
    assert len(data) > 8192
    cut.write_bytes(data[: len(data) // 2])
    before = sha(cut)
    one_clear_line(run("stats", "--db", str(cut)), str(cut), "cut short")
    assert sha(cut) == before


@pytest.mark.parametrize("first_page", [2, 6])
def test_damaged_pages(project: Path, tmp_path: Path, first_page: int) -> None:
    """Random bytes over pages of a real project (the schema, or data pages): one line, file unchanged."""
    bad = tmp_path / "bad.db"
    data = bytearray(project.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for n in range(first_page, len(data) // page, 2):
        data[n * page : (n + 1) * page] = os.urandom(page)
    bad.write_bytes(bytes(data))
    before = sha(bad)
    failed = 0
    for command in (["stats"], ["docs", "list"], ["search", "cluster"], ["export", "csv-wide", str(tmp_path / "w.csv")]):
        res = run(*command, "--db", str(bad))
        if res.exit_code == 0:  # the damage missed what this command reads
            continue
        if "has no codebook" in res.output:  # (the export read no damaged page before it needed the codebook)
            one_clear_line(res, "no codebook")
            continue
        one_clear_line(res, "SQLite said")
        failed += 1
    assert failed >= 1
    assert sha(bad) == before


def test_foreign_sqlite_file_is_not_touched(tmp_path: Path) -> None:
    db = tmp_path / "other.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE birds (name TEXT)")
    conn.execute("INSERT INTO birds VALUES ('wren')")
    conn.commit()
    conn.close()
    before = sha(db)
    one_clear_line(run("stats", "--db", str(db)), "not a reviewkit project", "birds")
    assert sha(db) == before
    assert db.read_bytes()[18:20] == b"\x01\x01"  # still a rollback-journal file, not switched to WAL
    assert not Path(f"{db}-wal").exists()


def test_read_only_project_reads_but_refuses_writes(project: Path, tmp_path: Path) -> None:
    os.chmod(project, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)  # 0444
    try:
        before = sha(project)
        res = run("stats", "--db", str(project))
        assert res.exit_code == 0 and "documents:          2" in res.output, res.output
        res = run("search", "learning", "--db", str(project))
        assert res.exit_code == 0 and "2 documents match" in res.output, res.output
        ris = tmp_path / "more.ris"
        ris.write_text(RIS.replace("Italian", "Spanish"), encoding="utf-8")
        one_clear_line(run("import", str(ris), "--db", str(project)), str(project), "read-only", "chmod u+w")
        one_clear_line(run("dedupe", "--keep", "1", "2", "--db", str(project)), "read-only")
        assert sha(project) == before
    finally:
        os.chmod(project, 0o644)


def test_empty_gold_file(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n  \n", encoding="utf-8")
    res = run("evaluate", str(gold), "--codebook", str(TAGGER_MINI), "--method", "rules")
    one_clear_line(res, str(gold), "no passages")


# -- full-text search syntax ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("cluster AND", "AND needs a word after it"),
        ("cluster OR", "OR needs a word after it"),
        ("NOT cluster", "needs a word to find first"),
        ("-cluster", "needs a word to find first"),
        ("AND cluster", "AND at the start needs a word before it"),
        ("cluster AND OR learning", "AND needs a word after it"),
    ],
)
def test_malformed_search_says_how_to_write_it(project: Path, query: str, needle: str) -> None:
    before = sha(project)
    res = run("search", "--db", str(project), "--", query)  # "--": a query may start with "-"
    one_clear_line(res, "Malformed search", needle, "-word or NOT word to exclude")
    assert "documents match" not in res.output
    assert sha(project) == before


def test_minus_word_excludes(project: Path) -> None:
    res = run("search", "cluster -upgrading", "--db", str(project), "--json")
    assert res.exit_code == 0, res.output
    assert "without hierarchy" in res.output and "Italian" not in res.output
    res = run("search", "cluster NOT upgrading", "--db", str(project), "--json")
    assert res.exit_code == 0 and "without hierarchy" in res.output and "Italian" not in res.output
    res = run("search", "cluster upgrading", "--db", str(project), "--json")
    assert res.exit_code == 0 and "Italian" in res.output and "without hierarchy" not in res.output


# -- interrupted work ---------------------------------------------------------------------------------------
def test_killed_export_leaves_no_part_file(project: Path, tmp_path: Path, dead_pid: int, live_pid: int) -> None:
    assert run("codebook", "load", str(TAGGER_MINI), "--db", str(project)).exit_code == 0
    out = tmp_path / "out.csv"
    stale = [tmp_path / f".out.csv.{dead_pid}.x1y2.part", tmp_path / ".out.csv.k3j4h5.part"]
    running = tmp_path / f".out.csv.{live_pid}.a7b8.part"
    for p in [*stale, running]:
        p.write_text("half", encoding="utf-8")
    res = run("export", "csv-wide", str(out), "--db", str(project))
    assert res.exit_code == 0, res.output
    assert out.exists() and not any(p.exists() for p in stale)
    assert running.exists()  # another export of the same file, still running, is left alone
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".part"] == [running.name]


def test_killed_coding_run_is_marked_and_reported(project: Path, dead_pid: int) -> None:
    assert run("codebook", "load", str(TAGGER_MINI), "--db", str(project)).exit_code == 0
    store = Store.open(project)
    try:
        cb = store.codebooks.current()
        assert cb is not None
        run_id = store.suggestions.start_run(cb.id, "1.1", {}, "")
        with store.transaction():
            store.db.execute("UPDATE tag_runs SET pid = ? WHERE id = ?", [dead_pid, run_id])
        assert store.suggestions.runs()[0].status == "running"
    finally:
        store.close()
    res = run("stats", "--db", str(project))
    assert res.exit_code == 0 and "killed coding runs: 1" in res.output, res.output
    store = Store.open(project)
    try:
        assert store.suggestions.runs()[0].status == "killed"
    finally:
        store.close()
    res = run("code", "--method", "rules", "--db", str(project))
    assert res.exit_code == 0, res.output
    assert f"Run {run_id} was killed before it finished" in res.output
    store = Store.open(project)
    try:
        assert [r.status for r in store.suggestions.runs()][:2] == ["finished", "killed"]
    finally:
        store.close()


def test_a_running_coding_run_is_not_marked_killed(project: Path, live_pid: int) -> None:
    store = Store.open(project)
    try:
        from reviewkit.codebook import load_codebook
        from reviewkit.project.codebooks import save_codebook

        cb = save_codebook(store, load_codebook(TAGGER_MINI))
        run_id = store.suggestions.start_run(cb, "1.1", {}, "")
        with store.transaction():
            store.db.execute("UPDATE tag_runs SET pid = ? WHERE id = ?", [live_pid, run_id])
    finally:
        store.close()
    again = Store.open(project)
    try:
        assert again.suggestions.runs()[0].status == "running"
    finally:
        again.close()

