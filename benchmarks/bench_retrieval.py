"""Benchmark of code retrieval on a 100,000-document project: Code view pages, passage search, assignment-first pages.

Run: ``python benchmarks/bench_retrieval.py [--docs 100000] [--rebuild]``. The project is the one
``bench_tui.py`` builds (3 passages and about 4 suggestions per document), cached in the temp
directory under its own name; decisions, done marks and assignments are written here on top of it.
Every figure is the median of a few runs of the service the review app's worker calls.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_tui import CODES, build

from reviewkit.project import review as svc
from reviewkit.project.cooccurrence import code_cooccurrence
from reviewkit.project.retrieval import coded_passages, search_passages
from reviewkit.records import DocumentFilter
from reviewkit.store import Store


def timed(fn: Callable[[], Any], runs: int = 5) -> tuple[float, Any]:
    """Median wall time in ms over `runs`, and the last result."""
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000, out


def decide(store: Store, n_docs: int) -> int:
    """Two coders decide every suggestion of 2,000 documents (a, then b with 10 % disagreement), assign 1/4 to a."""
    rng = random.Random(3)
    cb = store.codebooks.current_id() or int(store.db.execute("SELECT MAX(id) FROM codebooks").fetchone()[0])
    docs = rng.sample(range(1, n_docs + 1), 2000)
    rows = store.db.execute(
        "SELECT s.passage_id, s.code_id FROM suggestions s JOIN passages p ON p.id = s.passage_id "
        f"WHERE p.document_id IN ({','.join(map(str, docs))})"
    ).fetchall()
    with store.transaction():
        store.db.execute("DELETE FROM codings")
        store.db.execute("DELETE FROM assignments")
        for pid, code in rows:
            first = "accepted" if rng.random() < 0.6 else "rejected"
            second = first if rng.random() < 0.9 else ("rejected" if first == "accepted" else "accepted")
            store.codings.set(pid, code, "a", first, codebook_id=cb)
            store.codings.set(pid, code, "b", second, codebook_id=cb)
    store.assignments.add(range(1, n_docs + 1, 4), "a")
    return cb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    path = Path(tempfile.gettempdir()) / f"reviewkit-bench-retrieval-{args.docs}.db"
    if args.rebuild or not path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        t = time.perf_counter()
        build(path, args.docs)
        print(f"built {args.docs:,} documents in {time.perf_counter() - t:.1f} s -> {path}")
    store = Store.open(path)
    if store.db.execute("SELECT is_current FROM codebooks").fetchone()[0] != 1:
        with store.transaction():
            store.db.execute("UPDATE codebooks SET is_current = 1")
    t = time.perf_counter()
    cb = decide(store, args.docs)
    n = store.db.execute("SELECT COUNT(*) FROM codings").fetchone()[0]
    print(f"wrote {n:,} decisions of 2 coders and 25,000 assignments in {time.perf_counter() - t:.1f} s")
    code = CODES[2]
    for source in ("suggested", "coder:a", "consensus", "any"):
        ms, page = timed(lambda source=source: coded_passages(store, code, source, limit=100))
        print(f"Code view first page, {source:>9}: {ms:7.1f} ms ({page.total:,} passages)")
    ms, page = timed(lambda: coded_passages(store, code, "suggested", words="trust 2005", limit=100))
    print(f"Code view, suggested, filter 'trust 2005': {ms:7.1f} ms ({page.total:,} passages)")
    ms, page = timed(lambda: coded_passages(store, code, "suggested", offset=20_000, limit=100, count=False))
    print(f"Code view, suggested, page at offset 20,000: {ms:7.1f} ms")
    ms, page = timed(lambda: search_passages(store, "value chain", limit=25))
    print(
        f"passage search 'value chain', first 25 documents: {ms:7.1f} ms ({page.total_documents:,} documents, {len(page.hits)} hits)"
    )
    f = DocumentFilter()
    ms, rows = timed(lambda: svc.document_page(store, "a", cb, f, limit=100))
    print(f"Documents first page, assigned first: {ms:7.1f} ms (first row assigned: {rows[0].assigned})")
    ms, rows = timed(lambda: svc.document_page(store, "a", cb, f, offset=24_950, limit=100))
    print(f"Documents page across the assigned/unassigned boundary: {ms:7.1f} ms")
    ms, rows = timed(lambda: svc.document_page(store, "nobody", cb, f, limit=100))
    print(f"Documents first page, coder without assignments: {ms:7.1f} ms")
    ms, items = timed(lambda: svc.review_queue(store, "a", cb, limit=100), runs=3)
    print(f"Queue first page, assigned first: {ms:7.1f} ms (first item assigned: {items[0].assigned})")
    ms, report = timed(lambda: code_cooccurrence(store, source="consensus"), runs=1)
    print(
        f"co-occurrence, documents, consensus: {ms:7.0f} ms ({report.reviewed_documents:,} reviewed documents)"
    )
    store.close()


if __name__ == "__main__":
    main()
