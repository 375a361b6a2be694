"""Benchmark: import speed versus bare rispy parsing, and full-text search latency.

Generates an RIS file of N records (default 100,000), then prints:
  * records/s for bare `rispy.load` of the file,
  * records/s for `reviewkit import` of the same file into a fresh project (dedupe, sources; the
    full-text index is queued), with wall time and CPU time: all of it (this process and the worker
    processes that parse the streamed file, every other block each), this process's, its main
    thread's, the workers' together,
  * the ratio import/bare (goal >= 0.5) by wall time, by total CPU time, and by half the total CPU
    time (what the wall time would be if the work were spread evenly over two idle cores),
  * the full-text index step (its own progress) and the ratio including it,
  * the median latency of FTS searches on that project (goal < 50 ms).

With --repeat K, rispy and the import each run K times (alternating) and the fastest run of each
by wall time is reported (the least disturbed by other programs); --import-only skips the index
and search steps.

Usage: python benchmarks/bench_import.py [--n 100000] [--keep DIR] [--repeat K] [--import-only]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

DOMAIN = (
    "cluster upgrading global value chain learning region institution trust social capital knowledge "
    "spillover network firm supplier buyer governance innovation district embeddedness policy export "
    "product process functional design brand manufacturing textile footwear electronics furniture"
).split()
ZH = "全球价值链 产业集群 升级 集体学习 社会资本 制度 信任 代工 自主品牌 创新 区域 网络".split()
SYLLABLES = "ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge gi go la le li lo lu ma me mi mo mu na ne ni no nu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo".split()


def vocabulary(rnd: random.Random, size: int = 8000) -> tuple[list[str], list[float]]:
    """Domain words plus pseudo-words, with Zipf-like cumulative weights (like real abstracts)."""
    words = list(DOMAIN)
    while len(words) < size:
        words.append("".join(rnd.choice(SYLLABLES) for _ in range(rnd.randint(2, 4))))
    rnd.shuffle(words)
    cum, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1.0 / rank
        cum.append(total)
    return words, cum


def make_ris(path: Path, n: int, seed: int = 7) -> None:
    """Write `n` RIS records with realistic field sizes and a Zipf-distributed vocabulary."""
    rnd = random.Random(seed)
    words, cum = vocabulary(rnd)

    def text(k: int) -> str:
        return " ".join(rnd.choices(words, cum_weights=cum, k=k))

    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            title = text(rnd.randint(6, 12)).capitalize() + f" {i}"
            abstract = text(rnd.randint(60, 160))
            if i % 4 == 0:
                abstract += " " + "".join(rnd.choice(ZH) for _ in range(20))
            fh.write(f"TY  - JOUR\nID  - bench-{i}\n")
            for _ in range(rnd.randint(1, 4)):
                fh.write(f"AU  - {rnd.choice(words).title()}, {rnd.choice(words)[0].upper()}.\n")
            fh.write(f"TI  - {title}\nT2  - Journal of {rnd.choice(DOMAIN).title()} Studies\n")
            fh.write(f"PY  - {rnd.randint(1990, 2015)}\nVL  - {rnd.randint(1, 40)}\nIS  - {rnd.randint(1, 6)}\n")
            fh.write(f"SP  - {rnd.randint(1, 300)}\nEP  - {rnd.randint(301, 600)}\n")
            if i % 3 == 0:
                fh.write(f"DO  - 10.9999/bench.{i}\n")
            for _ in range(3):
                fh.write(f"KW  - {rnd.choice(DOMAIN)}\n")
            fh.write(f"AB  - {abstract}\nER  - \n\n")


def _children() -> float:
    """CPU time of the finished child processes (the import's worker processes)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _clock() -> tuple[float, float, float, float]:
    """(wall, this process's CPU, this thread's CPU, the children's CPU) now."""
    return time.perf_counter(), time.process_time(), time.thread_time(), _children()


def _since(start: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    now = _clock()
    return now[0] - start[0], now[1] - start[1], now[2] - start[2], now[3] - start[3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="Folder to keep the generated file and project in.")
    parser.add_argument("--repeat", type=int, default=1, help="Runs of rispy and of the import; the fastest is shown.")
    parser.add_argument("--import-only", action="store_true", help="Skip the index and search steps.")
    args = parser.parse_args()
    import rispy

    from reviewkit.project.corpus import import_files
    from reviewkit.project.import_worker import WORKERS
    from reviewkit.store import Store

    folder = args.keep or Path(tempfile.mkdtemp(prefix="rk-bench-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    ris = folder / f"bench-{args.n}.ris"
    if not ris.exists():
        t = time.perf_counter()
        make_ris(ris, args.n)
        print(f"generated {args.n} records ({ris.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times suffer under load; CPU times less)")

    db = folder / "bench.db"
    bares, fulls, checkpoints = [], [], []
    for _ in range(args.repeat):
        start = _clock()
        with ris.open(encoding="utf-8") as fh:
            parsed = rispy.load(fh)
        bares.append(_since(start))
        assert len(parsed) == args.n
        del parsed
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        store = Store.open(db)
        start = _clock()
        (report,) = import_files(store, [ris])
        fulls.append(_since(start))
        waited = time.perf_counter()
        store.wait_checkpoint()  # (the WAL copied into the file in the background: not part of the import's time)
        checkpoints.append(time.perf_counter() - waited)
        if len(fulls) < args.repeat:
            store.close()
    bare, full = min(bares), min(fulls)
    runs = f" (fastest of {args.repeat}: walls {', '.join(f'{b[0]:.1f}' for b in bares)} s)" if args.repeat > 1 else ""
    print(f"bare rispy parse:    {args.n / bare[0]:10.0f} records/s  (wall {bare[0]:.1f} s, CPU {bare[1]:.1f} s){runs}")
    runs = f"  (fastest of {args.repeat}: walls {', '.join(f'{f[0]:.1f}' for f in fulls)} s)" if args.repeat > 1 else ""
    cpu = full[1] + full[3]
    print(
        f"reviewkit import:    {args.n / full[0]:10.0f} records/s  (wall {full[0]:.1f} s, CPU {cpu:.1f} s: this process "
        f"{full[1]:.1f} s (main thread {full[2]:.1f} s), worker processes ({WORKERS} for a streamed file) {full[3]:.1f} s; {report.added} added, "
        f"{report.merged} merged, {report.lookups} looked up){runs}"
    )
    print(f"ratio import/bare:   {bare[0] / full[0]:10.2f}  wall (goal >= 0.50; records committed, index pending)")
    print(f"                     (the background checkpoint after the commit went on for {max(checkpoints):.1f} s at most)")
    print(f"                     {bare[1] / cpu:10.2f}  CPU (all processes)")
    print(f"                     {bare[1] / (cpu / 2):10.2f}  half the CPU (the wall ratio if the work were spread evenly over two idle cores)")
    if args.import_only:
        print(f"load average after:  {os.getloadavg()[0]:.1f}")
        store.close()
        return
    step = max(1, args.n // 5)
    shown = [0]

    def progress(done: int, total: int) -> None:  # the index step's own progress (the CLI draws a bar)
        if done - shown[0] >= step or done == total:
            shown[0] = done
            print(f"  indexing {done}/{total}", flush=True)

    start = _clock()
    indexed = store.documents.finish_index(progress)
    index = _since(start)
    print(f"full-text indexing:  {indexed / index[0]:10.0f} records/s  (wall {index[0]:.1f} s, CPU {index[1]:.1f} s, second step)")
    print(f"ratio with index:    {bare[0] / (full[0] + index[0]):10.2f}  wall (import + indexing)")
    print(f"                     {bare[1] / (cpu + index[1]):10.2f}  CPU")
    print(f"load average after:  {os.getloadavg()[0]:.1f}")

    rnd = random.Random(1)
    vocab, _ = vocabulary(random.Random(7))
    queries = ["value chain", "upgrading", "集群", "social capital", "全球价值链", "trust AND governance",
               "learn*", "functional design", "自主品牌", "footwear cluster"]  # fmt: skip
    queries += [" ".join(rnd.sample(vocab, 2)) for _ in range(20)] + [rnd.choice(vocab) for _ in range(20)]
    latencies = []
    for q in queries:
        t = time.perf_counter()
        store.documents.search(q, limit=20)
        latencies.append((time.perf_counter() - t) * 1000)
    print(f"FTS search median:   {statistics.median(latencies):10.1f} ms  (p90 {sorted(latencies)[int(0.9 * len(latencies))]:.1f} ms; goal < 50 ms)")
    store.close()


if __name__ == "__main__":
    main()
