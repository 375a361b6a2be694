"""Benchmark of coding at scale: the local engine against Ray (prints figures; not a test).

Generates documents of about nine passages each, whose sentences a word-trigram chain writes from
the vocabulary of the bundled codebook's examples and the bundled demo corpus (new sentences, never
copies: a generated sentence equal to a source sentence is dropped). It then codes the same
project twice from cold, with the hybrid tagger:

- with the local engine (``reviewkit code``: this process, torch on every core);
- with Ray (``reviewkit code --engine ray``: a local Ray with ``--workers`` CPUs, one actor each),

and prints wall and CPU time, passages/s in total and per worker, the Ray overhead (goal within
15 %), what the single SQLite writer spent per unit (its ceiling in passages/s and the number of
workers at which it saturates), and the bytes that went through the object store per passage.
The machine may be shared: the load average before and after each run is printed with it.

``--import-records N`` also runs `benchmarks/scale_import.py` (import and dedupe of N generated
records) when that file is there.

Usage::

    python benchmarks/bench_scale.py --passages 10000
    python benchmarks/bench_scale.py --passages 50000 --workers 2
    python benchmarks/bench_scale.py --passages 5000 --skip-local --import-records 100000
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

END = "\x00"


class Trigrams:
    """A word-trigram chain over source sentences (characters for Chinese)."""

    def __init__(self, sentences: list[list[str]]) -> None:
        self.next: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.starts: list[tuple[str, str]] = []
        for words in sentences:
            if len(words) < 3:
                continue
            self.starts.append((words[0], words[1]))
            for a, b, c in zip(words, words[1:], [*words[2:], END], strict=False):
                self.next[(a, b)].append(c)

    def sentence(self, rng: random.Random, max_len: int) -> list[str]:
        """One generated sentence (a list of words or characters)."""
        a, b = rng.choice(self.starts)
        out = [a, b]
        while len(out) < max_len:
            c = rng.choice(self.next.get((a, b)) or [END])
            if c == END:
                break
            out.append(c)
            a, b = b, c
        return out


def _sources() -> tuple[list[str], list[str]]:
    """English and Chinese source sentences: the codebook's examples and the demo corpus's abstracts."""
    import re

    from reviewkit.codebook import load_codebook
    from reviewkit.importers import read_records
    from reviewkit.resources import default_codebook_path, demo_corpus_dir

    codebook = load_codebook(default_codebook_path())
    en = [t for c in codebook.leaves() for t in c.examples.get("en", ())]
    zh = [t for c in codebook.leaves() for t in c.examples.get("zh", ())]
    corpus = demo_corpus_dir()
    for name in ("cluster-literature-en.ris", "cluster-literature-cnki.net"):
        for rec in read_records(corpus / name).records:
            text = rec.abstract or ""
            target = zh if re.search(r"[\u4e00-\u9fff]", text) else en
            target.extend(s for s in re.split(r"(?<=[.。])\s*", text) if s.strip())
    return en, zh


def make_documents(n_passages: int, seed: int = 14) -> list[dict[str, str]]:
    """Documents (title + 5-11 sentences; one in eight Chinese) holding about `n_passages` passages."""
    en_src, zh_src = _sources()
    en_chain = Trigrams([s.rstrip(".").split() for s in en_src])
    zh_chain = Trigrams([list(s.rstrip("。")) for s in zh_src])
    seen = {s.strip() for s in en_src + zh_src}
    rng = random.Random(seed)

    def sentence(chinese: bool, min_len: int, max_len: int, end: str) -> str:
        while True:
            if chinese:
                text = "".join(zh_chain.sentence(rng, max_len * 2)) + end
                ok = len(text) >= min_len * 2
            else:
                words = en_chain.sentence(rng, max_len)
                text = " ".join(words) + end
                ok = len(words) >= min_len
            if ok and text.strip() not in seen:
                return text

    docs: list[dict[str, str]] = []
    total = 0
    while total < n_passages:
        chinese = rng.random() < 0.125
        n_sent = rng.randint(5, 11)
        title = sentence(chinese, 5, 14, "")
        body = [sentence(chinese, 8, 32, "。" if chinese else ".") for _ in range(n_sent)]
        docs.append(
            {"key": f"scale-{len(docs)}", "title": title, "abstract": ("" if chinese else " ").join(body)}
        )
        total += 1 + n_sent
    return docs


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min) / {five:.1f} (5 min) on {os.cpu_count()} CPUs"


def _cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class Timed:
    """Wraps the driver's store calls to time its reads and its writes."""

    def __init__(self, store: Any) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        for part, name, kind in (
            (store.suggestions, "save_results", "write"),
            (store.embeddings, "put", "write"),
            (store.suggestions, "documents_to_code", "read"),
            (store.passages, "of_documents", "read"),
            (store.embeddings, "get", "read"),
        ):
            setattr(part, name, self._wrap(getattr(part, name), kind, name))

    def _wrap(self, fn: Callable[..., Any], kind: str, name: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[kind] += time.perf_counter() - t
                self.calls[name] += 1

        return timed


def code_once(path: Path, engine: Any, label: str) -> dict[str, float]:
    """Code the project at `path` from cold with `engine`; print and return the figures."""
    from reviewkit.project.coding import run_tagger
    from reviewkit.store import Store

    store = Store.open(path)
    timed = Timed(store)
    print(f"\n[{label}] before: {_load()}")
    cpu0, t0 = _cpu_self(), time.perf_counter()
    summary = run_tagger(store, engine=engine)
    wall, cpu = time.perf_counter() - t0, _cpu_self() - cpu0
    store.close()
    print(f"[{label}] after: {_load()}")
    print(f"[{label}] {summary.message()}")
    n = summary.passages
    out = {"passages": n, "wall": wall, "driver_cpu": cpu, "write": timed.seconds["write"],
           "read": timed.seconds["read"], "units": timed.calls["save_results"]}  # fmt: skip
    print(
        f"[{label}] wall {wall:.1f}s, driver CPU {cpu:.1f}s; {n / wall:,.1f} passages/s; SQLite writes "
        f"{out['write']:.1f}s in {out['units']} transactions, reads {out['read']:.1f}s"
    )
    return out


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--passages", type=int, default=50_000, help="passages to generate (default 50,000)")
    parser.add_argument("--workers", type=int, default=2, help="Ray actors (default 2)")
    parser.add_argument("--docs-per-unit", type=int, default=50, help="documents per Ray unit of work")
    parser.add_argument("--skip-local", action="store_true", help="only the Ray run")
    parser.add_argument("--skip-ray", action="store_true", help="only the local run")
    parser.add_argument(
        "--import-records", type=int, default=0, help="also import/dedupe N generated records"
    )
    args = parser.parse_args()

    from reviewkit.project.codebooks import load_codebook_file
    from reviewkit.project.coding import segment_documents
    from reviewkit.resources import default_codebook_path
    from reviewkit.store import Store
    from reviewkit.store.base import now

    t0 = time.perf_counter()
    docs = make_documents(args.passages)
    print(f"generated {len(docs)} documents in {time.perf_counter() - t0:.1f}s")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.db"
        store = Store.open(base, create=True)
        stamp = now()
        store.db["documents"].insert_all(({**d, "imported_at": stamp} for d in docs), batch_size=1000)
        load_codebook_file(store, default_codebook_path())
        t1 = time.perf_counter()
        seg = segment_documents(store)
        print(f"segmented into {seg.added} passages in {time.perf_counter() - t1:.1f}s")
        store.close()
        figures: dict[str, dict[str, float]] = {}
        if not args.skip_local:
            shutil.copy(base, Path(tmp) / "local.db")
            figures["local"] = code_once(Path(tmp) / "local.db", None, "local")
        if not args.skip_ray:
            figures["ray"] = run_ray(Path(tmp), base, args.workers, args.docs_per_unit)
        report(figures, args.workers)
    if args.import_records:
        run_import(args.import_records)


def run_ray(tmp: Path, base: Path, workers: int, docs_per_unit: int) -> dict[str, float]:
    """Code a copy of the project on a local Ray with `workers` CPUs; print the actors' figures."""
    import ray

    from reviewkit.project.engines.ray_engine import RayEngine

    shutil.copy(base, tmp / "ray.db")
    t = time.perf_counter()
    ray.init(num_cpus=workers, include_dashboard=False, logging_level="ERROR")
    print(f"\nray.init: {time.perf_counter() - t:.1f}s (not counted below)")
    engine = RayEngine(workers=workers, docs_per_unit=docs_per_unit)
    try:
        out = code_once(tmp / "ray.db", engine, f"ray x{workers}")
    finally:
        ray.shutdown()
    st = engine.stats
    n = out["passages"]
    startup = sum(st.startup_cpu.values())
    out.update(busy=st.busy_seconds, worker_cpu=st.cpu_seconds + startup, sent=st.bytes_sent,
               returned=st.bytes_returned)  # fmt: skip
    print(
        f"[ray x{workers}] actors: {st.units} units, busy {st.busy_seconds:.1f}s, scoring CPU {st.cpu_seconds:.1f}s "
        f"(summed over actors) -> {n / max(st.busy_seconds, 1e-9):,.1f} passages/s per busy actor, "
        f"{n / max(st.cpu_seconds, 1e-9):,.1f} passages per actor CPU-second; start-up CPU of "
        f"{len(st.startup_cpu)} actors {startup:.1f}s; object store: {st.bytes_sent / n:,.0f} B/passage out, "
        f"{st.bytes_returned / n:,.0f} B/passage back"
    )
    return out


def report(figures: dict[str, dict[str, float]], workers: int) -> None:
    """The summary lines (the README and docs/scaling.md quote them)."""
    print("\n== summary ==")
    for label, f in figures.items():
        n, wall = f["passages"], f["wall"]
        per_worker = f" = {n / wall / workers:,.1f} per worker" if label == "ray" else ""
        cpu = f["driver_cpu"] + f.get("worker_cpu", 0.0)
        print(
            f"{label}: {n} passages in {wall:.1f}s wall, {cpu:.1f}s CPU: {n / wall:,.1f} passages/s{per_worker}"
        )
    if "local" in figures and "ray" in figures:
        overhead = figures["ray"]["wall"] / figures["local"]["wall"] - 1
        print(f"Ray overhead against local: {overhead:+.1%} of wall time (goal within 15 %)")
    for label, f in figures.items():
        if f["write"] > 0:
            rate = f["passages"] / f["write"]
            line = f"single SQLite writer ({label} run): {rate:,.0f} passages/s of suggestions + embeddings"
            if label == "ray":
                per = f["passages"] / f["wall"] / workers
                line += f"; saturates at about {rate / per:,.0f} workers of {per:,.1f} passages/s"
            print(line)


def run_import(n: int) -> None:
    """Import and dedupe `n` generated records through benchmarks/scale_import.py, when it exists."""
    try:
        from scale_import import run  # type: ignore[import-not-found]
    except ImportError:
        print(f"\nimport/dedupe of {n} records: not available (benchmarks/scale_import.py is not here)")
        return
    print(f"\nimport/dedupe of {n:,} generated records (benchmarks/scale_import.py):")
    for key, value in run(n).items():
        print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
