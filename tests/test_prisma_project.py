"""`reviewkit prisma` fills the PRISMA 2020 flow from the project; its numbers are the CLI's elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from reviewkit.cli import cli
from reviewkit.project import open_project
from reviewkit.project.screening import decide

ROOT = Path(__file__).resolve().parent.parent
CORPUS_RIS = ROOT / "corpus" / "cluster-literature-en.ris"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def _project(tmp_path: Path) -> str:
    db = str(tmp_path / "p.db")
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(
        '{"title": "Petri nets for manufacturing control", "year": 2004}\n{broken\n'
        '{"title": "Nanotechnology bibliometrics", "year": 2010}\n'
        '{"title": "Avatar networking in online games", "year": 2012}\n',
        encoding="utf-8",
    )
    assert run("init", "--db", db)[0] == 0
    assert run("import", str(CORPUS_RIS), "--db", db)[0] == 0
    assert run("import", str(CORPUS_RIS), "--db", db)[0] == 0  # every record again: automatic duplicates
    assert run("import", str(mixed), "--skip-bad", "--db", db)[0] == 0
    docs = json.loads(run("docs", "list", "--json", "--limit", "1000", "--db", db)[1])
    by_title = {d["title"]: d["id"] for d in docs}
    code, out = run("dedupe", "--merge", str(by_title["Nanotechnology bibliometrics"]),
                    str(by_title["Avatar networking in online games"]), "--db", db)  # fmt: skip
    assert code == 0, out
    return db


def test_prisma_counts_equal_stats_and_screen_status(tmp_path: Path) -> None:
    db = _project(tmp_path)
    stats = json.loads(run("stats", "--json", "--db", db)[1])
    code, out = run("prisma", "--format", "json", "--db", db)
    assert code == 1 and "Records screened (n = 0) should equal records identified" in out
    store = open_project(db)
    try:
        ids = sorted(d.id for d in store.documents.iter())
        for i, doc in enumerate(ids):
            if i % 3 == 0:
                decide(store, doc, "exclude", "alice", reason="wrong topic" if i % 2 else "language")
            else:
                decide(store, doc, "include", "alice")
        included = [d for i, d in enumerate(ids) if i % 3]
        decide(store, included[0], "not_retrieved", "alice", stage="full_text")
        decide(store, included[1], "exclude", "alice", reason="wrong study type", stage="full_text")
        decide(store, included[2], "exclude", "alice", reason="wrong study type", stage="full_text")
        decide(store, included[3], "exclude", "alice", reason="language", stage="full_text")
        for doc in included[4:]:
            decide(store, doc, "include", "alice", stage="full_text")
    finally:
        store.close()
    ta = json.loads(run("screen", "status", "--json", "--db", db)[1])
    ft = json.loads(run("screen", "status", "--stage", "full_text", "--json", "--db", db)[1])
    code, out = run("prisma", "--format", "json", "--db", db)
    assert code == 0, out
    p = json.loads(out)
    ident, removed, scr = p["identification"], p["identification"]["removed_before_screening"], p["screening"]
    assert ident["records_identified"] == stats["records_imported"] + stats["records_skipped"]
    assert [d["n"] for d in ident["databases"]] == [len(ids) - 2, len(ids) - 2, 4]
    assert removed["duplicates"] == stats["duplicates_merged"]
    assert (removed["duplicates_automatic"], removed["duplicates_manual"]) == (
        stats["duplicates_merged"] - 1,
        1,
    )
    assert removed["other_reasons"] == stats["records_skipped"] == 1
    assert scr["records_screened"] == ta["screened"] == stats["documents"]
    assert scr["records_excluded"] == ta["excluded"]
    assert scr["reports_sought"] == ta["included"] == ft["total"]
    assert scr["reports_not_retrieved"] == ft["not_retrieved"] == 1
    assert scr["reports_assessed"] == ft["screened"]
    reasons = [[r["reason"], r["n"]] for r in scr["reports_excluded_reasons"]]
    assert reasons == ft["excluded_by_reason"] == [["wrong study type", 2], ["language", 1]]
    assert p["included"]["studies"] == ft["included"] and p["inconsistencies"] == []
    svg = tmp_path / "flow.svg"
    code, out = run("prisma", str(svg), "--db", db)
    assert code == 0 and out.startswith(f"Wrote {svg}: ")
    text = svg.read_text(encoding="utf-8")
    assert "prisma-box-identified" in text and f"(n = {ft['included']})" in text
    assert run("prisma", str(svg), "--db", db)[0] == 1  # exists, no --force


def test_source_labels_name_the_database_where_the_format_does() -> None:
    from reviewkit.project.prisma import source_label

    assert source_label("exports/savedrecs.txt", "wos") == "Web of Science (savedrecs.txt)"
    assert source_label("exports/pubmed-set.nbib", "pubmed") == "PubMed (pubmed-set.nbib)"
    assert source_label("exports/scopus.csv", "csv") == "scopus.csv"


def test_a_merge_by_hand_relabels_only_the_dropped_documents_own_source(tmp_path: Path) -> None:
    from reviewkit.project.corpus import merge_documents

    db = str(tmp_path / "p.db")
    assert run("import", str(CORPUS_RIS), "--db", db)[0] == 0
    assert run("import", str(CORPUS_RIS), "--db", db)[0] == 0  # each document gets an automatic duplicate
    store = open_project(db)
    try:
        documents = store.documents.count()
        assert store.imports.duplicate_counts() == (documents, 0)
        keep, drop = sorted(d.id for d in store.documents.iter())[:2]
        merge_documents(store, keep, drop)
        # drop's own record is the one a person removed; its import duplicate stays automatic
        assert store.imports.duplicate_counts() == (documents, 1)
        sources = store.db.execute(
            "SELECT COUNT(*) FROM document_sources WHERE document_id = ?", [keep]
        ).fetchone()[0]
        assert sources == 4
    finally:
        store.close()
    stats = json.loads(run("stats", "--json", "--db", db)[1])
    assert stats["duplicates_merged"] == documents + 1
