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


GOLD = [
    ("g1", "en", "Firms in the district learn collectively through the mobility of skilled workers.", ["regionalism.collective_learning"]),
    ("g2", "en", "Lead firms govern the global value chain and set standards for their suppliers.", ["global.value_chain"]),
    ("g3", "en", "Trust and social capital lower transaction costs among local firms.", ["regionalism.trust_social_capital"]),
    ("g4", "en", "The weather was mild in the spring of that year.", []),
    ("g5", "zh", "全球价值链中的领导企业为供应商制定标准。", ["global.value_chain"]),
    ("g6", "zh", "企业之间的信任降低了交易成本。", ["regionalism.trust_social_capital"]),
]  # written for this test


def test_report_prints_registered_validation_blinding_and_cli_trends(tmp_path: Path) -> None:
    from reviewkit.project import state

    db = str(tmp_path / "p.db")
    assert run("import", str(CORPUS_RIS), "--db", db)[0] == 0
    assert run("codebook", "load", str(CODEBOOK), "--db", db)[0] == 0
    assert run("code", "--method", "rules", "--db", db)[0] == 0
    store = open_project(db)
    try:
        cb = store.codebooks.current_id()
        docs = sorted(d.id for d in store.documents.iter())[:12]
        for i, doc in enumerate(docs):
            for coder in ("alice", "bob") if i % 3 else ("alice",):
                for p in store.passages.of_documents([doc]):
                    code = "global.value_chain" if (i + len(coder)) % 2 else "regionalism.collective_learning"
                    store.codings.set(p.id, code, coder, "accepted", codebook_id=cb)
                state.mark_document(store, doc, coder, codebook_id=cb)
    finally:
        store.close()
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"id": i, "lang": lang, "text": t, "codes": c}, ensure_ascii=False) + "\n"
                            for i, lang, t, c in GOLD), encoding="utf-8")  # fmt: skip
    code, out = run("evaluate", str(gold), "--method", "rules", "--codebook", str(CODEBOOK), "--json")
    assert code == 0, out
    figures = json.loads(out)
    code, out = run("evaluate", str(gold), "--method", "rules", "--register", "--db", db)
    assert code == 0 and "Registered in" in out and "gold.jsonl" in out
    assert run("blind", "start", "--coders", "alice,bob", "--db", db)[0] == 0
    assert run("blind", "end", "--lead", "carol", "--db", db)[0] == 0
    md = tmp_path / "methods.md"
    code, out = run("export", "report", str(md), "--source", "any", "--db", db)
    assert code == 0, out
    text = md.read_text(encoding="utf-8")
    # validation: the figures `reviewkit evaluate --json` printed, the file's name, hash and date
    import hashlib
    from datetime import date

    sha = hashlib.sha256(gold.read_bytes()).hexdigest()
    assert (f"Against the hand-coded gold file gold.jsonl ({len(GOLD)} passages), it reached a macro-averaged F1 of "
            f"{figures['macro_f1']:.2f}, a micro-averaged F1 of {figures['micro_f1']:.2f} and a mean Cohen's κ of "
            f"{figures['mean_kappa']:.2f}") in text  # fmt: skip
    en, zh = figures["by_lang"]["en"], figures["by_lang"]["zh"]
    assert (f"By language, the macro-averaged F1 was {en['macro_f1']:.2f} on {int(en['n_passages'])} English passages "
            f"and {zh['macro_f1']:.2f} on {int(zh['n_passages'])} Chinese passages.") in text  # fmt: skip
    assert f"registered in the project on {date.today().isoformat()} (gold file SHA-256 {sha[:16]}…)" in text
    assert "The tagger was not validated" not in text
    # blinding recorded -> the human review says so
    assert "they worked blind to each other's decisions" in text
    # trends: the rows of `reviewkit trends --source any`, reviewed and published
    rows = json.loads(run("trends", "--source", "any", "--format", "json", "--db", db)[1])
    assert rows and "share of reviewed documents (source any)" in text
    for year in sorted({r["year"] for r in rows}):
        r = next(r for r in rows if r["year"] == year)
        assert f"| {year} | {r['documents']} / {r['published']} |" in text
    unreviewed = sum({r["year"]: r["published"] - r["documents"] for r in rows}.values())
    assert f"{unreviewed} documents with a publication year were not reviewed" in text
