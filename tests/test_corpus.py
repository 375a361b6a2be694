"""The corpus service: importing files with deduplication, atomicity, near-duplicates, merging."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reviewkit.errors import ImportFormatError, ReviewkitError
from reviewkit.project import corpus
from reviewkit.records import Record
from reviewkit.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "seed-wen-zeng-2005.txt"


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def write_ris(path: Path, records: list[dict]) -> Path:
    lines = []
    for r in records:
        lines.append("TY  - JOUR")
        for a in r.get("authors", []):
            lines.append(f"AU  - {a}")
        lines.append(f"TI  - {r['title']}")
        if "year" in r:
            lines.append(f"PY  - {r['year']}")
        if r.get("doi"):
            lines.append(f"DO  - {r['doi']}")
        if r.get("abstract"):
            lines.append(f"AB  - {r['abstract']}")
        if r.get("journal"):
            lines.append(f"T2  - {r['journal']}")
        lines.append("ER  - ")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


PAPER = {
    "title": "How does insertion in global value chains affect upgrading in industrial clusters?",
    "authors": ["Humphrey, John", "Schmitz, Hubert"],
    "year": 2002,
    "journal": "Regional Studies",
}


def test_seed_imports_as_one_bilingual_document(store: Store) -> None:
    (report,) = corpus.import_files(store, [SEED])
    assert (report.format, report.records, report.added, report.merged) == ("citation", 1, 1, 0)
    (doc,) = store.documents.page()
    full = corpus.get_document(store, doc.id)
    assert {full.document.title, full.document.title_alt} == {
        "从地方到全球全球价值链框架下集群的升级研究",
        "FROM LOCAL TO GLOBAL: THE CLUSTER UPGRADING RESEARCH IN GLOBAL VALUE CHAIN",
    }
    assert (full.document.year, full.document.volume, full.document.issue, full.document.pages) == (2005, "20", "4", "21-25,18")
    for query in ("价值链", "value chain", "集群升级"[:2]):
        assert [h.id for h in store.documents.search(query)] == [doc.id], query


def test_reimport_merges_everything(store: Store, tmp_path: Path) -> None:
    f = write_ris(tmp_path / "a.ris", [PAPER, {**PAPER, "title": "Another paper on trust", "year": 1999}])
    first = corpus.import_files(store, [f])[0]
    second = corpus.import_files(store, [f])[0]
    assert (first.added, first.merged) == (2, 0)
    assert (second.added, second.merged) == (0, 2)
    assert store.documents.count() == 2
    stats = store.imports.corpus_stats()
    assert (stats.records_imported, stats.duplicates_merged, stats.imports) == (4, 2, 2)


def test_doi_match_merges_and_richer_record_wins(store: Store, tmp_path: Path) -> None:
    poor = write_ris(tmp_path / "poor.ris", [{**PAPER, "doi": "10.1080/0034340022000022198"}])
    rich = write_jsonl(
        tmp_path / "rich.jsonl",
        [{**PAPER, "title": "How does insertion in GVCs affect upgrading?", "doi": "https://doi.org/10.1080/0034340022000022198",
          "abstract": "Clusters inserted in chains led by global buyers upgrade processes and products quickly.",
          "volume": "36", "issue": "9", "pages": "1017-1027"}],
    )  # fmt: skip
    corpus.import_files(store, [poor])
    (report,) = corpus.import_files(store, [rich])
    assert (report.added, report.merged) == (0, 1)
    assert report.merges[0][1] == "same DOI"
    (doc,) = store.documents.page()
    full = corpus.get_document(store, doc.id)
    assert full.document.abstract.startswith("Clusters inserted")
    assert (full.document.volume, full.document.pages) == ("36", "1017-1027")
    assert len(full.sources) == 2 and [s.duplicate_of_existing for s in full.sources] == [0, 1]


def test_fuzzy_title_same_year_merges_but_other_year_does_not(store: Store, tmp_path: Path) -> None:
    typo = {**PAPER, "title": PAPER["title"].replace("insertion", "insertoin")}
    other_year = {**PAPER, "year": 2004}
    f = write_ris(tmp_path / "a.ris", [PAPER, typo, other_year])
    (report,) = corpus.import_files(store, [f])
    assert (report.added, report.merged) == (2, 1)
    assert "similar title" in report.merges[0][1]


def test_near_duplicates_listed_then_kept_or_merged(store: Store, tmp_path: Path) -> None:
    a = {"title": "Local buzz, global pipelines and the spatial architecture of knowledge creation", "year": 2004}
    b = {"title": "Local buzz and global pipelines: the spatial architecture of knowledge", "year": 2004}
    c = {"title": "Something else entirely about footwear in the Sinos Valley", "year": 2004}
    corpus.import_files(store, [write_ris(tmp_path / "x.ris", [a, b, c])])
    pairs = corpus.near_duplicates(store)
    assert len(pairs) == 1 and 80 <= pairs[0].similarity < 95
    pair = pairs[0]
    corpus.keep_distinct(store, pair.a, pair.b)
    assert corpus.near_duplicates(store) == []
    corpus.merge_documents(store, pair.a, pair.b)
    assert store.documents.count() == 2
    assert len(store.documents.sources(pair.a)) == 2
    with pytest.raises(ReviewkitError):
        corpus.merge_documents(store, pair.a, pair.a)


def test_bad_file_aborts_before_anything_is_written(store: Store, tmp_path: Path) -> None:
    good = write_ris(tmp_path / "good.ris", [PAPER])
    bad = tmp_path / "bad.ris"
    bad.write_text("TY  - JOUR\nTI  - Truncated record without end\nPY  - 2001\n", encoding="utf-8")
    with pytest.raises(ImportFormatError) as info:
        corpus.import_files(store, [good, bad])
    assert "bad.ris" in str(info.value) and info.value.line == 1
    assert store.documents.count() == 0
    assert store.imports.list() == []


def test_skip_bad_imports_good_records_and_reports_lines(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "mixed.jsonl"
    f.write_text(
        json.dumps(PAPER) + "\n{not json\n" + json.dumps({**PAPER, "title": "Second paper on learning", "year": 1995}) + "\n",
        encoding="utf-8",
    )
    (report,) = corpus.import_files(store, [f], skip_bad=True)
    assert report.added == 2
    assert [s.line for s in report.skipped] == [2]
    assert store.imports.list()[0].skipped == 1


def test_interrupt_mid_file_leaves_project_unchanged(store: Store, tmp_path: Path) -> None:
    recs = [{"title": f"Paper number {i} on regional learning", "year": 1990 + i % 20} for i in range(50)]
    f = write_ris(tmp_path / "many.ris", recs)

    def interrupt(done: int, total: int, stage: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        corpus.import_files(store, [f], progress=interrupt)
    assert store.documents.count() == 0 and store.imports.list() == []
    assert corpus.import_files(store, [f])[0].added == 50


@pytest.mark.slow
def test_kill_during_import_never_leaves_half_a_file(tmp_path: Path) -> None:
    recs = [{"title": f"Paper {i} about clusters and value chains in region {i}", "year": 1990 + i % 25,
             "abstract": "Collective learning and trust. " * 20} for i in range(20000)]  # fmt: skip
    f = write_ris(tmp_path / "big.ris", recs)
    db = tmp_path / "p.db"
    code = f"from reviewkit.project.corpus import import_files\nfrom reviewkit.store import Store\nimport_files(Store.open({str(db)!r}), [{str(f)!r}])"
    proc = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.time() + 60
    while time.time() < deadline and not Path(str(db) + "-wal").exists():
        time.sleep(0.05)
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    store = Store.open(db)
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert store.documents.count() in (0, 20000)
    store.close()


def test_make_key_is_readable_and_unique(store: Store, tmp_path: Path) -> None:
    assert corpus.make_key(Record(title="Clusters and knowledge", authors=("Bathelt, Harald",), year=2004)) == "bathelt2004clusters"
    assert corpus.make_key(Record(title="x", doi="10.1/abc")) == "10.1/abc"
    f = write_ris(tmp_path / "a.ris", [
        {"title": "Clusters and knowledge: local buzz", "authors": ["Bathelt, Harald"], "year": 2004},
        {"title": "Clusters and knowledge in Germany", "authors": ["Bathelt, Harald"], "year": 2004},
    ])  # fmt: skip
    corpus.import_files(store, [f])
    keys = sorted(d.key for d in store.documents.page())
    assert keys == ["bathelt2004clusters", "bathelt2004clustersa"]


def test_short_titles_merge_only_with_same_author_and_journal(store: Store, tmp_path: Path) -> None:
    editorial = {"title": "Editorial", "year": 2001, "authors": ["Smith, A."], "journal": "Regional Studies"}
    other_journal = {**editorial, "journal": "Economic Geography"}
    f = write_ris(tmp_path / "e.ris", [editorial, other_journal])
    first = corpus.import_files(store, [f])[0]
    again = corpus.import_files(store, [f])[0]
    assert (first.added, first.merged) == (2, 0)
    assert (again.added, again.merged) == (0, 2)
