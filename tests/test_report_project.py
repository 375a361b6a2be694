"""`reviewkit export report` fills the methods section from the project; its numbers equal the CLI's."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from reviewkit.cli import cli
from reviewkit.project import open_project
from reviewkit.project.screening import decide, resolve

ROOT = Path(__file__).resolve().parent.parent
CORPUS_RIS = ROOT / "corpus" / "cluster-literature-en.ris"
CODEBOOK = ROOT / "codebooks" / "cluster-upgrading.yaml"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_report_numbers_equal_stats_screen_status_and_agreement(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    off = tmp_path / "off.jsonl"
    off.write_text('{"title": "Petri nets for manufacturing control", "year": 2004}\n{broken\n'
                   '{"title": "Nanotechnology bibliometrics", "year": 2010}\n', encoding="utf-8")  # fmt: skip
    assert run("init", "--db", db)[0] == 0
    assert run("import", str(CORPUS_RIS), "--db", db)[0] == 0
    assert run("import", str(off), "--skip-bad", "--db", db)[0] == 0
    assert run("codebook", "load", str(CODEBOOK), "--db", db)[0] == 0
    store = open_project(db)
    try:
        ids = sorted(d.id for d in store.documents.iter())
        for i, doc in enumerate(ids):
            a = "exclude" if i % 4 == 0 else "include"
            b = "exclude" if i % 4 == 0 or i % 9 == 1 else "include"
            decide(store, doc, a, "alice", reason="wrong topic" if a == "exclude" else "")
            decide(store, doc, b, "bob", reason="wrong topic" if b == "exclude" else "")
        conflicts = [doc for i, doc in enumerate(ids) if i % 4 and i % 9 == 1]
        for doc in conflicts:
            resolve(store, doc, "include", "carol")
    finally:
        store.close()
    code, out = run("code", "--method", "rules", "--db", db)
    assert code == 0 and "included of" in out
    stats = json.loads(run("stats", "--json", "--db", db)[1])
    st = json.loads(run("screen", "status", "--json", "--db", db)[1])
    kappa = json.loads(run("agreement", "--stage", "screening", "--json", "--db", db)[1])
    assert st["conflicts"] == 0 and st["screened"] == stats["documents"]
    md = tmp_path / "methods.md"
    code, out = run("export", "report", str(md), "--db", db)
    assert code == 0, out
    assert f"reported the {st['included']} included of {stats['documents']} documents" in out
    text = md.read_text(encoding="utf-8")
    total_read = stats["records_imported"] + stats["records_skipped"]
    assert f"In total {total_read} records were read from 2 export files" in text
    assert f"{stats['records_skipped']} unreadable record was skipped" in text
    assert f"This left {stats['documents']} unique records." in text
    assert f"The titles and abstracts of all {st['total']} records were screened" in text
    assert "by alice and bob, independently and blind" in text
    assert f"Two reviewers screened {stats['documents']} records independently" in text
    assert f"Cohen's κ for their include/exclude decisions was {kappa['kappa']:.2f} ({kappa['band']} agreement)" in text
    assert f"A lead reviewer resolved {len(conflicts)} conflicts." in text
    assert f"{st['included']} records were included and {st['excluded']} excluded" in text
    assert "![" in text and (tmp_path / "methods-prisma.svg").exists()
    prisma = (tmp_path / "methods-prisma.svg").read_text(encoding="utf-8")
    assert f"(n = {st['included']})" in prisma and f"(n = {st['excluded']})" in prisma
    html = tmp_path / "methods.html"
    assert run("export", "report", str(html), "--db", db)[0] == 0
    page = html.read_text(encoding="utf-8")
    assert "data:image/svg+xml" in page and f"This left {stats['documents']} unique records." in page
