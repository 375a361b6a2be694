"""The store cut by data: one rule for the current codebook, the new parts (screening stages,
memos, assignments, passage reviews) with undo across restarts, and the migration of a project
written by the first released schema."""

from __future__ import annotations

import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
from _agreement_fixtures import standard_project
from click.testing import CliRunner
from rich.console import Console
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from reviewkit.cli import cli
from reviewkit.errors import StoreError
from reviewkit.project.agreement import select
from reviewkit.project.codebooks import load_codebook_file, resolve_codebook
from reviewkit.project.exports import export
from reviewkit.project.qdpx_import import import_qdpx
from reviewkit.project.trends import code_choices
from reviewkit.records import MATCH_END, MATCH_START, Record
from reviewkit.store import Store
from reviewkit.store import migrations as schema
from reviewkit.tui.app import make_app

SMALL = Path(__file__).resolve().parent / "data" / "codebook-small.yaml"


def _other_codebook(tmp_path: Path) -> Path:
    path = tmp_path / "other.yaml"
    path.write_text(SMALL.read_text(encoding="utf-8").replace("name: small-test", "name: other-test"), encoding="utf-8")
    return path


def test_load_a_b_a_every_consumer_agrees_on_the_current_codebook(store: Store, tmp_path: Path) -> None:
    a = load_codebook_file(store, SMALL)
    b = load_codebook_file(store, _other_codebook(tmp_path))
    assert store.codebooks.current_id() == b.codebook_id
    again = load_codebook_file(store, SMALL)
    assert again.codebook_id == a.codebook_id and not again.is_new_version
    want = a.codebook_id
    # the store's one rule, the code/export commands, agreement/export selection, TUI and trends
    assert store.codebooks.current_id() == want
    assert store.codebooks.current() is not None and store.codebooks.current().id == want  # type: ignore[union-attr]
    assert resolve_codebook(store)[0] == want
    assert select(store).codebook_id == want
    assert make_app(store, "alice").session.codebook_id == want
    assert code_choices(store)[1] == code_choices(store, want)[1]
    assert code_choices(store, b.codebook_id)[1] == code_choices(store, want)[1]  # same codes, other name
    assert resolve_codebook(store)[1].name == "small-test"


def test_qdpx_import_keeps_the_current_codebook_unless_asked(store: Store, tmp_path: Path) -> None:
    standard_project(store)
    out = tmp_path / "mini.qdpx"
    export(store, "qdpx", out)
    target = Store.open(tmp_path / "target.db")
    try:
        mine = load_codebook_file(target, SMALL).codebook_id
        res = import_qdpx(target, out)
        assert res.codebook == "mini" and res.codebook_id != mine
        assert target.codebooks.current_id() == mine  # not changed silently
        assert resolve_codebook(target)[1].name == "small-test"
        # loading the original YAML again says unchanged (it still is current)
        assert load_codebook_file(target, SMALL).unchanged
        asked = import_qdpx(target, out, use_codebook=True)
        assert target.codebooks.current_id() == asked.codebook_id
        # and `codebook load` of the existing version makes it current again
        assert load_codebook_file(target, SMALL).codebook_id == mine
        assert target.codebooks.current_id() == mine
    finally:
        target.close()


def test_cli_import_use_codebook(store: Store, tmp_path: Path) -> None:
    standard_project(store)
    out = tmp_path / "mini.qdpx"
    export(store, "qdpx", out)
    db = tmp_path / "cli.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["codebook", "load", str(SMALL), "--db", str(db)]).exit_code == 0
    assert runner.invoke(cli, ["import", str(out), "--db", str(db)]).exit_code == 0
    shown = runner.invoke(cli, ["codebook", "show", "--db", str(db), "--json"])
    assert json.loads(shown.output)["name"] == "small-test"
    assert runner.invoke(cli, ["import", str(out), "--use-codebook", "--db", str(db)]).exit_code == 0
    shown = runner.invoke(cli, ["codebook", "show", "--db", str(db), "--json"])
    assert json.loads(shown.output)["name"] == "mini"


def _search_project(path: Path) -> None:
    s = Store.open(path)
    with s.transaction():
        s.documents.add(
            Record(title="Clusters", abstract="Four types of upgrading: process, product, functional and "
                   "inter-sectoral.", year=2002), "k1")  # fmt: skip
        s.documents.add(Record(title="集群", abstract="本文讨论全球价值链下地方产业集群的升级路径。", year=2005), "k2")
    s.close()


def test_search_snippets_show_the_matched_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "s.db"
    _search_project(db)
    piped = CliRunner().invoke(cli, ["search", "upgrading", "--db", str(db)])
    assert piped.exit_code == 0
    assert "Four types of upgrading: process" in piped.output
    assert MATCH_START not in piped.output and "[" not in piped.output
    zh = CliRunner().invoke(cli, ["search", "价值链", "--db", str(db)])
    assert "全球价值链下" in zh.output and "[价值链]" not in zh.output
    as_json = json.loads(CliRunner().invoke(cli, ["search", "价值链", "--json", "--db", str(db)]).output)
    assert as_json[0]["snippet"] == "本文讨论全球价值链下地方产业集群的升级路径。"
    # in a terminal the matched word is highlighted
    buf = io.StringIO()
    monkeypatch.setattr("reviewkit.cli.output._console", lambda: Console(file=buf, width=120, force_terminal=True))
    CliRunner().invoke(cli, ["search", "upgrading", "--db", str(db)])
    rendered = buf.getvalue()
    assert "\x1b[" in rendered and re.search(r"\x1b\[[0-9;]*7[0-9;]*mupgrading", rendered), rendered


def test_store_snippet_marks_matches(tmp_path: Path) -> None:
    _search_project(tmp_path / "s.db")
    s = Store.open(tmp_path / "s.db")
    try:
        (hit,) = s.documents.search("upgrading")
        assert f"{MATCH_START}upgrading{MATCH_END}" in hit.snippet
    finally:
        s.close()


def _agreement_db(tmp_path: Path) -> Path:
    db = tmp_path / "agree.db"
    s = Store.open(db)
    standard_project(s)
    s.close()
    return db


def _numbers(text: str) -> list[str]:
    return re.findall(r"-?\d+\.\d+%?|–", text)


def test_agreement_piped_is_plain_text_with_whole_numbers(tmp_path: Path) -> None:
    db = _agreement_db(tmp_path)
    out = CliRunner().invoke(cli, ["agreement", "--coders", "alice,bob", "--db", str(db)])
    assert out.exit_code == 0, out.output
    assert "…" not in out.output and "\x1b[" not in out.output and "┃" not in out.output
    report = json.loads(CliRunner().invoke(cli, ["agreement", "--coders", "alice,bob", "--json", "--db", str(db)]).output)
    kappa = report["intercoder"]["overall"]["cohen_kappa"]
    assert f"{kappa:.3f}" in out.output


def test_agreement_at_80_columns_never_cuts_numbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = _agreement_db(tmp_path)
    report = json.loads(CliRunner().invoke(cli, ["agreement", "--coders", "alice,bob", "--json", "--db", str(db)]).output)
    buf = io.StringIO()
    monkeypatch.setattr("reviewkit.cli.output._console", lambda: Console(file=buf, width=80, force_terminal=True))
    out = CliRunner().invoke(cli, ["agreement", "--coders", "alice,bob", "--db", str(db)])
    assert out.exit_code == 0, out.output
    table = re.sub(r"\x1b\[[0-9;]*m", "", buf.getvalue())
    assert all(len(line) <= 80 for line in table.splitlines())
    assert "…" not in table and "0.…" not in table
    overall = report["intercoder"]["overall"]
    for value in (overall["cohen_kappa"], overall["alpha"]):
        assert f"{value:.3f}" in table


# ------------------------------------------------------------------------------ new parts
def test_screening_stages_notes_and_undo_across_restart(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    s = Store.open(db)
    with s.transaction():
        doc = s.documents.add(Record(title="T", year=2000), "k")
    s.screening.set(doc, "ann", "include", stage="title_abstract", note="looks relevant")
    s.screening.set(doc, "ann", "not_retrieved", stage="full_text")
    with pytest.raises(StoreError, match="not_retrieved"):
        s.screening.set(doc, "ann", "not_retrieved")
    with pytest.raises(StoreError, match="stage"):
        s.screening.set(doc, "ann", "include", stage="abstract")
    assert [(d.stage, d.decision, d.note) for d in s.screening.list("ann")] == [
        ("full_text", "not_retrieved", ""), ("title_abstract", "include", "looks relevant"),
    ]  # fmt: skip
    s.screening.set_protocol("Empirical cluster studies", ["not empirical", "wrong region"], "criteria: ...")
    s.close()
    s = Store.open(db)
    try:
        assert s.screening.protocol().reasons == ("not empirical", "wrong region")  # type: ignore[union-attr]
        assert s.audit.undo("ann") is not None  # the full-text decision, from an earlier session
        assert s.screening.get(doc, "ann", "full_text") is None
        assert s.screening.get(doc, "ann").decision == "include"  # type: ignore[union-attr]
        assert s.audit.redo("ann") is not None
        assert s.screening.counts("full_text") == {"not_retrieved": 1}
    finally:
        s.close()


def test_memos_are_audited_and_undoable(store: Store) -> None:
    memo = store.memos.add("code", "upgrading.process", "ann", "Check the process/product boundary.")
    store.memos.update(memo, "Boundary: new machines count as process.", "ann")
    store.memos.delete(memo, "ann")
    assert store.memos.list() == [] and store.memos.get(memo).deleted_at is not None  # type: ignore[union-attr]
    store.audit.undo("ann")
    assert [m.text for m in store.memos.list("code", "upgrading.process")] == ["Boundary: new machines count as process."]
    store.audit.undo("ann")
    store.audit.undo("ann")
    assert store.memos.get(memo) is None and store.memos.count() == 0
    assert [a.action for a in store.audit.log("ann")][:3] == ["undo", "undo", "undo"]
    with pytest.raises(StoreError, match="passage, document, code, project"):
        store.memos.add("chapter", "1", "ann", "x")


def test_assignments_and_passage_reviews(store: Store) -> None:
    _cb, ids = standard_project(store)
    docs = [d.id for d in store.documents.page()]
    assert store.assignments.add(docs[:3], "ann", overlap=True, seed=7) == 3
    store.assignments.add(docs[2:], "bob")
    assert store.assignments.count("ann") == 3 and store.assignments.count() == 5
    assert store.assignments.coders_of(docs[2]) == ["ann", "bob"]
    assert [a.overlap for a in store.assignments.list("ann")] == [True, True, True]
    assert store.assignments.delete("bob", [docs[2]]) == 1 and store.assignments.count("bob") == 1
    pid = ids["doc-a"][1]
    store.reviews.mark(pid, "ann", "mini")
    assert store.reviews.is_reviewed(pid, "ann", "mini") and store.reviews.count("ann", "mini") == 1
    doc_a = store.passages.get(pid).document_id  # type: ignore[union-attr]
    assert [r.passage_id for r in store.reviews.list("ann", "mini", document_id=doc_a)] == [pid]
    store.audit.undo("ann")
    assert not store.reviews.is_reviewed(pid, "ann", "mini")


# ------------------------------------------------------------------------------ migration
def _first_release(path: Path) -> None:
    """A project file as the first released schema (m001-m005) wrote it, with rows in every table."""
    old = Migrations("reviewkit")
    for fn in (schema.m001_documents, schema.m002_passages_codebooks, schema.m003_tagging,
               schema.m004_codings_audit, schema.m005_duplicate_decisions):  # fmt: skip
        old()(fn)
    db = Database(sqlite3.connect(path))
    old.apply(db)
    x = db.execute
    stamp = "2024-01-01T00:00:00+00:00"
    x("INSERT INTO meta VALUES ('codebook.current_id', '1')")
    x("INSERT INTO imports (path, format, started_at, records, added) VALUES ('a.ris', 'ris', ?, 1, 1)", [stamp])
    x("INSERT INTO documents (key, title, imported_at) VALUES ('k1', 'A title', ?)", [stamp])
    x("INSERT INTO documents_fts (rowid, title, abstract, keywords, authors) VALUES (1, 'A title', '', '', '')")
    x("INSERT INTO document_sources (document_id, import_id, source_format, source_file, imported_at) "
      "VALUES (1, 1, 'ris', 'a.ris', ?)", [stamp])  # fmt: skip
    x("INSERT INTO passages (document_id, field, seq, start, \"end\", text, text_hash) VALUES (1, 'title', 0, 0, 7, 'A title', 'h')")
    x("INSERT INTO codebooks (name, version, content_hash, source, loaded_at) VALUES ('cb', '1', 'x', ?, ?)",
      ["name: cb\nversion: '1'\ncodes:\n  - id: a\n    label: {en: A}\n    definition: d\n", stamp])
    x("INSERT INTO codes (codebook_id, code_id, position, label) VALUES (1, 'a', 0, 'A')")
    x("INSERT INTO tag_runs (codebook_id, tagger_version, started_at) VALUES (1, '1.0', ?)", [stamp])
    x("INSERT INTO suggestions (passage_id, codebook_id, code_id, score, threshold, method, tagger_version, run_id, "
      "created_at) VALUES (1, 1, 'a', 0.9, 0.5, 'hybrid', '1.0', 1, ?)", [stamp])  # fmt: skip
    x("INSERT INTO tag_state VALUES (1, 'cb', 'a', 'fp', 1)")
    x("INSERT INTO embeddings VALUES ('m', 'h', 1, x'0000803f')")
    x("INSERT INTO codings (passage_id, codebook_id, code_id, coder, status, created_at, decided_at) "
      "VALUES (1, 1, 'a', 'ann', 'accepted', ?, ?)", [stamp, stamp])  # fmt: skip
    x("INSERT INTO audit (at, coder, action, target, before, after, batch) VALUES (?, 'ann', 'screen', ?, NULL, ?, 'b1')",
      [stamp, json.dumps({"table": "screening", "document_id": 1, "coder": "ann"}),
       json.dumps({"decision": "exclude", "reason": "off topic", "decided_at": stamp})])  # fmt: skip
    x("INSERT INTO screening VALUES (1, 'ann', 'exclude', 'off topic', ?)", [stamp])
    x("INSERT INTO duplicate_decisions VALUES (1, 2, 'distinct', 'ann', ?)", [stamp])
    db.conn.commit()
    db.conn.close()


def test_first_release_project_upgrades_with_every_row_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _first_release(path)
    before: dict[str, int] = {}
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'documents_fts_%'")]  # fmt: skip
        before = {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    assert all(n > 0 for t, n in before.items() if t != "_sqlite_migrations"), before
    s = Store.open(path)
    try:
        for table, n in before.items():
            if table != "_sqlite_migrations":
                assert s.db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == n, table
        (decision,) = s.screening.list("ann")
        assert (decision.stage, decision.decision, decision.reason) == ("title_abstract", "exclude", "off topic")
        assert s.codebooks.get(1).data["codes"][0]["id"] == "a"  # the YAML read once into canonical JSON
        assert list(resolve_codebook(s)[1].ids) == ["a"]
        assert s.suggestions.runs()[0].status == "finished"
        assert s.audit.undo("ann") is not None  # an audit row of the old schema still undoes
        assert s.screening.list("ann") == []
        assert {m.name for m in schema.migrations.applied(s.db)} >= {"m006_review_round2"}
    finally:
        s.close()


def test_every_table_of_the_schema_is_in_the_migration_test(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "new.db")
    try:
        names = set(s.db.table_names())
    finally:
        s.close()
    new = {"screening_protocol", "memos", "assignments", "passage_reviews", "document_versions", "fts_pending"}
    assert new <= names
    old = names - new - {"_sqlite_migrations"} - {n for n in names if n.startswith("documents_fts")}
    source = Path(__file__).read_text(encoding="utf-8")
    assert all(f"INTO {t} " in source for t in old), sorted(t for t in old if f"INTO {t} " not in source)


