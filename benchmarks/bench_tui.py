"""Benchmark of the review app on a 100,000-document project: first paint and key-to-update latency.

Run: ``python benchmarks/bench_tui.py [--docs 100000] [--presses 50] [--rebuild]``. The project is
built once with plain SQL bulk inserts and cached in the temp directory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from reviewkit.store import Store
from reviewkit.tui.app import make_app
from reviewkit.tui.screens.review import ReviewScreen
from reviewkit.tui.widgets.document_table import DocumentTable

CODES = ["regionalism.collective_learning", "regionalism.institutions", "global.value_chain",
         "global.external_linkages", "upgrading.general", "upgrading.functional", "context.china"]  # fmt: skip
WORDS = ("cluster upgrading value chain regional learning global firms governance institutions trust "
         "innovation network supplier buyer district policy knowledge export China local").split()  # fmt: skip
STAMP = "2024-01-01T00:00:00+00:00"


def build(path: Path, n_docs: int) -> None:
    """Bulk-insert `n_docs` documents, 3 passages each and about 1.5 suggestions per passage."""
    rng = random.Random(7)
    store = Store.open(path)
    db = store.db
    with store.transaction():
        cb = db.execute(
            "INSERT INTO codebooks (name, version, content_hash, source, loaded_at) VALUES ('bench', '1', 'h', 'sql', ?)",
            [STAMP],
        ).lastrowid
        for pos, group in enumerate(dict.fromkeys(c.split(".")[0] for c in CODES)):
            db.execute(
                "INSERT INTO codes (codebook_id, code_id, position, label) VALUES (?, ?, ?, ?)",
                [cb, group, pos, group],
            )
        db.conn.executemany(
            "INSERT INTO codes (codebook_id, code_id, parent, position, label, threshold) VALUES (?, ?, ?, ?, ?, 0.5)",
            [
                (cb, c, c.split(".")[0], 10 + i, c.split(".")[1].replace("_", " ").title())
                for i, c in enumerate(CODES)
            ],
        )
        docs, fts, passages, suggestions = [], [], [], []
        pid = sid = 0
        for d in range(1, n_docs + 1):
            title = " ".join(rng.choices(WORDS, k=8)).capitalize()
            sents = [" ".join(rng.choices(WORDS, k=14)).capitalize() + "." for _ in range(2)]
            abstract = " ".join(sents)
            year = rng.randint(1990, 2024)
            docs.append((d, f"k{d}", title, abstract, json.dumps([f"Author {d % 997}, A."]), year, STAMP))
            fts.append((d, title, abstract, "", ""))
            offset = 0
            for seq, (field, text) in enumerate(
                [("title", title), ("abstract", sents[0]), ("abstract", sents[1])]
            ):
                pid += 1
                start = 0 if field == "title" else offset
                passages.append((pid, d, field, seq, start, start + len(text), text, "en", f"h{pid}"))
                if field == "abstract":
                    offset += len(text) + 1
                for code in rng.sample(CODES, rng.choice([1, 1, 2])):
                    sid += 1
                    score = round(rng.random(), 3)
                    ev = json.dumps({"terms": [[text[:7], 0, 7]], "similarity": score})
                    suggestions.append((sid, pid, cb, code, score, ev, STAMP))
        db.conn.executemany(
            "INSERT INTO documents (id, key, title, abstract, authors, year, imported_at) VALUES (?,?,?,?,?,?,?)",
            docs,
        )
        db.conn.executemany(
            "INSERT INTO documents_fts (rowid, title, abstract, keywords, authors) VALUES (?,?,?,?,?)", fts
        )
        db.conn.executemany(
            'INSERT INTO passages (id, document_id, field, seq, start, "end", text, lang, text_hash) VALUES (?,?,?,?,?,?,?,?,?)',
            passages,
        )
        db.conn.executemany(
            "INSERT INTO suggestions (id, passage_id, codebook_id, code_id, score, threshold, method, evidence, "
            "tagger_version, created_at) VALUES (?,?,?,?,?,0.5,'hybrid',?,'bench',?)",
            suggestions,
        )
    store.close()


async def measure(path: Path, presses: int) -> dict[str, float]:
    """First paint and per-key latencies, measured with the Pilot."""
    store = Store.open(path)
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    app = make_app(store, "bench", cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        while not (isinstance(app.screen.query(DocumentTable).first(None), DocumentTable)
                   and app.screen.query_one(DocumentTable).row_count):  # fmt: skip
            await pilot.pause(0.005)
        out["first_paint_s"] = time.perf_counter() - t0
        await app.workers.wait_for_complete()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)

        async def timed(key: str) -> float:
            t = time.perf_counter()
            await pilot.press(key)
            return time.perf_counter() - t

        baseline = [await timed("z") for _ in range(presses)]  # unbound key: the Pilot's own overhead
        accept, step = [], []
        for i in range(presses):
            accept.append(await timed("a"))
            step.append(await timed("j"))
            if i % 3 == 2:
                await pilot.press("n")  # next document: fresh passages and suggestions
        base = statistics.median(baseline)
        out["pilot_overhead_ms"] = base * 1000
        out["accept_ms"] = statistics.median(accept) * 1000
        out["next_passage_ms"] = statistics.median(step) * 1000
        out["accept_net_ms"] = (statistics.median(accept) - base) * 1000
        out["next_passage_net_ms"] = (statistics.median(step) - base) * 1000
        t = time.perf_counter()
        await pilot.press("2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        out["queue_open_s"] = time.perf_counter() - t
    out["decisions"] = store.db.execute("SELECT COUNT(*) FROM codings").fetchone()[0]
    store.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=50)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    path = Path(tempfile.gettempdir()) / f"reviewkit-bench-{args.docs}.db"
    if args.rebuild or not path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        t = time.perf_counter()
        build(path, args.docs)
        print(f"built {args.docs:,} documents in {time.perf_counter() - t:.1f} s -> {path}")
    else:
        store = Store.open(path)  # start from a clean review state
        with store.transaction():
            store.db.execute("DELETE FROM codings")
            store.db.execute("DELETE FROM audit")
        store.close()
    r = asyncio.run(measure(path, args.presses))
    print(f"time to first paint: {r['first_paint_s']:.2f} s (goal <= 1.5 s)")
    print(f"Pilot round trip of an unbound key: {r['pilot_overhead_ms']:.1f} ms")
    print(
        f"accept (a):       median {r['accept_ms']:.1f} ms round trip, {r['accept_net_ms']:.1f} ms net (goal <= 50 ms)"
    )
    print(
        f"next passage (j): median {r['next_passage_ms']:.1f} ms round trip, {r['next_passage_net_ms']:.1f} ms net (goal <= 50 ms)"
    )
    print(
        f"review queue (2) over the whole corpus: {r['queue_open_s']:.2f} s; decisions written: {r['decisions']}"
    )


if __name__ == "__main__":
    main()
