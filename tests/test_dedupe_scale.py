"""Near-duplicate search and exports on a generated project: blocked pairs only, documents read in pages."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rapidfuzz import fuzz, process

from reviewkit.project.codebooks import load_codebook_file
from reviewkit.project.duplicates import search_near_duplicates
from reviewkit.project.exports import export
from reviewkit.project.importing import import_files
from reviewkit.resources import default_codebook_path
from reviewkit.store import Store

SYLLABLES = ("clu", "upg", "val", "cha", "lea", "reg", "tru", "net", "fir", "sup", "ster", "rade", "in", "ion", "al")
VOCAB = [a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES]
"""3,375 made-up words: a vocabulary of the size of a field's titles."""
COMMON = ("the", "and", "of", "in", "for", "evidence", "from")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, set[tuple[str, str]]]:
    """3,000 records over five years; 150 near-duplicate titles (a dropped word: listed, not merged)."""
    rnd = random.Random(9)
    folder = tmp_path_factory.mktemp("dedupe-scale")
    parts, titles, planted = [], [], set()
    for i in range(3000):
        year = 2000 + i % 5
        if i % 20 == 19:
            base_title, base_year = titles[rnd.randrange(len(titles))]
            words = base_title.split()
            del words[rnd.randrange(len(words) - 1)]
            title, year = " ".join(words), base_year
            planted.add((base_title.lower(), title.lower()))
        else:
            words = [rnd.choice(COMMON) if rnd.random() < 0.3 else rnd.choice(VOCAB) for _ in range(rnd.randint(7, 11))]
            title = " ".join(words) + f" {i}"
            titles.append((title, year))
        parts.append(f"TY  - JOUR\nTI  - {title}\nPY  - {year}\nAU  - A{i}, B.\nER  - \n\n")
    (folder / "a.ris").write_text("".join(parts), encoding="utf-8")
    store = Store.open(folder / "p.db")
    import_files(store, [folder / "a.ris"])
    return store, planted


def test_dedupe_scores_only_blocked_pairs_and_finds_what_all_pairs_find(project: tuple[Store, set[tuple[str, str]]]) -> None:
    store, planted = project
    found = search_near_duplicates(store, page_size=100)
    n = found.documents
    assert n == store.documents.count() > 2900
    assert found.compared < 0.01 * n * (n - 1) // 2  # far from all pairs (and never across years)
    assert found.pages >= n // 100 and found.largest_year < n // 4  # one year's titles in memory at a time
    listed = {(p.title_a, p.title_b) for p in found.pairs} | {(p.title_b, p.title_a) for p in found.pairs}
    to_judge = {(a, b) for a, b in planted if 80 <= fuzz.ratio(a, b) < 95}  # (95 and up: merged on import)
    assert len(to_judge) > 50 and to_judge <= listed
    truth = set()
    for year in store.documents.year_values():
        docs = [d for page in store.documents.titles_of_year(year) for d in page if len(d[1]) >= 8]
        matrix = process.cdist([t for _, t in docs], [t for _, t in docs], scorer=fuzz.ratio, score_cutoff=80)
        truth |= {(docs[i][0], docs[j][0]) for i, j in zip(*matrix.nonzero(), strict=True) if i < j}
    assert truth and {(p.a, p.b) for p in found.pairs if p.reason != "same DOI"} == truth


def _count_queries(store: Store, needle: str) -> list[str]:
    seen: list[str] = []
    store.db.conn.set_trace_callback(lambda sql: seen.append(sql) if needle in sql else None)
    return seen


def test_documents_are_read_in_pages(project: tuple[Store, set[tuple[str, str]]]) -> None:
    store, _ = project
    n = store.documents.count()
    seen = _count_queries(store, "FROM documents WHERE id > ")
    try:
        ids = [d.id for d in store.documents.iter(page_size=250)]
    finally:
        store.db.conn.set_trace_callback(None)
    assert ids == sorted(ids) and len(ids) == n
    assert len(seen) == -(-n // 250) + 1  # every page, and the empty one that ends the reading


def test_csv_export_streams_documents_page_by_page(
    project: tuple[Store, set[tuple[str, str]]], tmp_path: Path
) -> None:
    store, _ = project
    if store.codebooks.current_id() is None:
        load_codebook_file(store, default_codebook_path())
    seen = _count_queries(store, "FROM documents WHERE id > ")
    try:
        export(store, "csv-wide", tmp_path / "wide.csv", all_documents=True)
    finally:
        store.db.conn.set_trace_callback(None)
    rows = (tmp_path / "wide.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == store.documents.count() + 1
    assert len(seen) >= store.documents.count() // 1000 + 1  # pages of 1,000, never one query for all


def test_trends_count_published_documents_without_reading_every_year(
    project: tuple[Store, set[tuple[str, str]]],
) -> None:
    from reviewkit.project.trends import trends

    store, _ = project
    if store.codebooks.current_id() is None:
        load_codebook_file(store, default_codebook_path())
    seen = _count_queries(store, "year FROM documents")
    try:
        rows = trends(store)
    finally:
        store.db.conn.set_trace_callback(None)
    assert {r.year: r.published for r in rows} == store.documents.count_by_year()
    assert not [q for q in seen if "WHERE" not in q and "GROUP BY" not in q]  # no id -> year table of all documents
