"""`reviewkit prisma` fills the PRISMA 2020 flow from the project; its numbers are the CLI's elsewhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
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
    assert source_label("exports/scopus (3).csv", "csv", "Scopus") == "Scopus (scopus (3).csv)"


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


def test_stopping_early_counts_unscreened_records_as_ineligible_by_automation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVIEWKIT_CODER", "alice")
    db = _project(tmp_path)
    store = open_project(db)
    try:
        ids = sorted(d.id for d in store.documents.iter())
        for i, doc in enumerate(ids[:30]):
            if i % 4 == 0:
                decide(store, doc, "include", "alice")
            else:
                decide(store, doc, "exclude", "alice", reason="wrong topic")
        decide(store, ids[30], "maybe", "alice")
    finally:
        store.close()
    refused = "Records screened (n = 30) should equal records identified"
    code, out = run("prisma", "--format", "json", "--db", db)
    assert code == 1 and refused in out and "screen stop --lead NAME" in out
    # the lead may not be a blinded coder while the project is blind
    assert run("blind", "start", "--coders", "alice,bob", "--db", db)[0] == 0
    code, out = run("screen", "stop", "--lead", "bob", "--db", db)
    assert code == 1 and "bob is one of the blinded coders" in out
    code, out = run("screen", "stop", "--lead", "carol", "--stage", "full_text", "--db", db)
    assert code == 1 and "Only title/abstract screening can be stopped" in out
    code, out = run("screen", "stop", "--lead", "carol", "--note", "heuristic in sight", "--db", db)
    assert code == 0, out
    left = len(ids) - 31  # the maybe is pending, not unscreened
    assert f"after 30 of {len(ids)} records (alice: 1 since the last inclusion" in out
    assert f"{left} record(s) not screened" in out
    assert run("screen", "stop", "--lead", "carol", "--db", db)[0] == 1  # already stopped
    assert run("blind", "end", "--lead", "carol", "--db", db)[0] == 0
    code, out = run("prisma", "--format", "json", "--db", db)
    assert code == 1 and "Records screened (n = 30)" in out  # the maybe is still pending
    code, out = run("screen", "decide", str(ids[30]), "exclude", "--reason", "language", "--coder", "alice", "--db", db)
    assert code == 0 and "was stopped on" in out and "one fewer" in out
    store = open_project(db)
    try:
        (entry,) = [e for e in store.audit.log(coder="carol") if e.action == "screen_stop"]
        (stop,) = (entry.after or {})["value"]
        assert (stop["lead"], stop["note"], stop["screened"], stop["since_last_inclusion"]) == (
            "carol", "heuristic in sight", 30, 1,
        )  # fmt: skip
        assert stop["rule"].startswith("stop after 50 consecutive exclusions") and stop["resumed_at"] is None
    finally:
        store.close()
    stats = json.loads(run("stats", "--json", "--db", db)[1])
    ta = json.loads(run("screen", "status", "--json", "--db", db)[1])
    assert ta["not_screened"] == left and ta["stopped"]["lead"] == "carol"
    assert f"not screened: {left}" in run("screen", "status", "--db", db)[1]
    code, out = run("prisma", "--format", "json", "--db", db)
    assert code == 0, out
    p = json.loads(out)
    removed, scr = p["identification"]["removed_before_screening"], p["screening"]
    assert removed["ineligible_automation"] == ta["not_screened"] == stats["documents"] - ta["screened"]
    assert removed["total"] == stats["duplicates_merged"] + left + stats["records_skipped"]
    assert scr["records_screened"] == ta["screened"] == 31 and scr["records_excluded"] == ta["excluded"]
    assert p["included"]["studies"] == ta["included"] and p["inconsistencies"] == []
    svg = tmp_path / "flow.svg"
    assert run("prisma", str(svg), "--db", db)[0] == 0
    lines = re.findall(r"<text[^>]*>([^<]*)</text>", svg.read_text(encoding="utf-8"))
    assert f"Records marked as ineligible by automation tools (n = {left})" in " ".join(lines)
    assert run("codebook", "load", str(ROOT / "codebooks" / "cluster-upgrading.yaml"), "--db", db)[0] == 0
    md = tmp_path / "methods.md"
    code, out = run("export", "report", str(md), "--all", "--db", db)
    assert code == 0, out
    report = " ".join(md.read_text(encoding="utf-8").split())
    today = ta["stopped"]["stopped_at"][:10]
    assert (
        f"Screening was stopped on {today} by carol after 30 of {len(ids)} records (1 since the last inclusion; "
        f"rule: stop after 50 consecutive exclusions following an inclusion, the larger of 50 and 5 % of the "
        f"records, not yet reached); the remaining {left} records were not screened" in report
    )
    assert f"the remaining {left} records were not screened and are counted as excluded by automation tools" in report
    assert "1 further record was decided after the stop" in report
    assert "Screening was stopped before every record was screened (rule: stop after 50" in report  # limitation
    # resume: the unscreened records are pending again and the flow is refused with its message
    code, out = run("screen", "resume", "--lead", "carol", "--db", db)
    assert code == 0 and "resumed" in out
    code, out = run("prisma", "--format", "json", "--db", db)
    assert code == 1 and "Records screened (n = 31) should equal records identified" in out
    assert json.loads(run("screen", "status", "--json", "--db", db)[1])["stopped"] is None
    assert run("screen", "resume", "--lead", "carol", "--db", db)[0] == 1  # nothing to resume
    store = open_project(db)
    try:
        actions = [e.action for e in store.audit.log(coder="carol")]
        assert actions.count("screen_stop") == 2
    finally:
        store.close()
