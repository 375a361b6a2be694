"""Benchmark: import, deduplicate, index, trends and export of N generated records (linear time, bounded memory).

Generates an RIS file of N realistic records (Zipf-distributed vocabulary, 1-4 authors, a DOI
on a third of them, a Chinese passage in a quarter of the abstracts) of which about 1 % are
near-duplicates of an earlier record (a typo or a dropped title word, no DOI) and about 1 % exact
DOI duplicates. Then each step runs in its own subprocess, which reports its wall time, CPU time
and peak resident memory (``resource.getrusage``):

  import   `reviewkit.project.corpus.import_files` (streamed: big RIS files are parsed in chunks)
  index    the full-text index (`Documents.finish_index`, the import's second step)
  dedupe   `reviewkit.project.duplicates.search_near_duplicates` (blocked, one year at a time)
  trends   `reviewkit.project.trends.trends` with the bundled codebook
  export   `reviewkit.project.exports.export` to csv-wide

Usage: python benchmarks/scale_import.py --records 10000 100000 [--workdir DIR]

`run(n)` is what `benchmarks/bench_scale.py --import-records N` calls.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_import import DOMAIN, ZH, vocabulary  # noqa: E402

STEPS = ("import", "index", "dedupe", "trends", "export")


def _perturb(title: str, rnd: random.Random) -> str:
    """A near-duplicate title: one letter swapped, or one word dropped."""
    words = title.split()
    i = rnd.randrange(len(words) - 1)  # the last word is the record's number: keep it
    if rnd.random() < 0.5 and len(words[i]) > 3:
        w = words[i]
        j = rnd.randrange(1, len(w) - 1)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif len(words) > 4:
        del words[i]
    return " ".join(words)


def make_corpus(path: Path, n: int, seed: int = 11) -> dict[str, int]:
    """Write `n` RIS records to `path` (streamed: only the last 2,000 records are kept to copy from).

    Returns:
        How many near-duplicates and DOI duplicates were written.
    """
    rnd = random.Random(seed)
    words, cum = vocabulary(rnd)
    recent: list[dict[str, Any]] = []
    near = same_doi = 0

    def text(k: int) -> str:
        return " ".join(rnd.choices(words, cum_weights=cum, k=k))

    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            roll = rnd.random()
            if recent and roll < 0.01:
                base = rnd.choice(recent)
                rec = dict(base, doi="", title=_perturb(base["title"], rnd))
                near += 1
            elif recent and roll < 0.02 and any(r["doi"] for r in recent):
                rec = dict(rnd.choice([r for r in recent if r["doi"]]))
                same_doi += 1
            else:
                abstract = text(rnd.randint(60, 160))
                if i % 4 == 0:
                    abstract += " " + "".join(rnd.choice(ZH) for _ in range(20))
                rec = {
                    "title": text(rnd.randint(6, 12)).capitalize() + f" {i}",
                    "abstract": abstract,
                    "authors": [f"{rnd.choice(words).title()}, {rnd.choice(words)[0].upper()}." for _ in range(rnd.randint(1, 4))],
                    "journal": f"Journal of {rnd.choice(DOMAIN).title()} Studies",
                    "year": rnd.randint(1990, 2015),
                    "volume": rnd.randint(1, 40),
                    "doi": f"10.9999/scale.{i}" if i % 3 == 0 else "",
                    "keywords": [rnd.choice(DOMAIN) for _ in range(3)],
                }
                recent.append(rec)
                if len(recent) > 2000:
                    recent.pop(0)
            fh.write(f"TY  - JOUR\nID  - scale-{i}\n")
            for author in rec["authors"]:
                fh.write(f"AU  - {author}\n")
            fh.write(f"TI  - {rec['title']}\nT2  - {rec['journal']}\nPY  - {rec['year']}\nVL  - {rec['volume']}\n")
            if rec["doi"]:
                fh.write(f"DO  - {rec['doi']}\n")
            for kw in rec["keywords"]:
                fh.write(f"KW  - {kw}\n")
            fh.write(f"AB  - {rec['abstract']}\nER  - \n\n")
    return {"near_duplicates_written": near, "doi_duplicates_written": same_doi}


def _step(name: str, db: Path, ris: Path, out: Path) -> dict[str, float]:
    """Run one step in this process (a fresh subprocess) and measure it."""
    from reviewkit.store import Store

    store = Store.open(db)
    wall, cpu = time.perf_counter(), time.process_time()
    facts: dict[str, float] = {}
    if name == "import":
        from reviewkit.project.corpus import import_files

        (report,) = import_files(store, [ris])
        facts = {"added": report.added, "merged": report.merged, "lookups": report.lookups}
    elif name == "index":
        facts = {"indexed": store.documents.finish_index()}
    elif name == "dedupe":
        from reviewkit.project.duplicates import search_near_duplicates

        found = search_near_duplicates(store)
        facts = {"pairs": len(found.pairs), "compared": found.compared, "largest_year": found.largest_year}
    elif name == "trends":
        from reviewkit.project.codebooks import load_codebook_file
        from reviewkit.project.trends import trends
        from reviewkit.resources import default_codebook_path

        if store.codebooks.current_id() is None:
            load_codebook_file(store, default_codebook_path())
        facts = {"rows": len(trends(store))}
    elif name == "export":
        from reviewkit.project.exports import export

        export(store, "csv-wide", out, force=True, all_documents=True)
        facts = {"bytes": out.stat().st_size}
    store.close()
    facts["s"] = time.perf_counter() - wall
    facts["cpu_s"] = time.process_time() - cpu
    facts["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the import's worker process (parsing)
    if children.ru_maxrss:
        facts["worker_cpu_s"] = children.ru_utime + children.ru_stime
        facts["worker_peak_mb"] = children.ru_maxrss / 1024
    return facts


def run(n: int, workdir: Path | None = None) -> dict[str, float]:
    """Generate `n` records, then import, index, dedupe, run trends and export, each in a subprocess.

    Args:
        n: how many records to generate.
        workdir: where to put the RIS file and the project (a temporary folder, removed after, if None).

    Returns:
        ``records``, the generator's counts, and per step ``<step>_s`` (wall), ``<step>_cpu_s``,
        ``<step>_peak_mb`` (peak resident memory of the step's process) and the step's own counts
        (``import_added``, ``dedupe_compared`` ...).
    """
    folder = workdir or Path(tempfile.mkdtemp(prefix="rk-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    ris, db, out = folder / f"scale-{n}.ris", folder / f"scale-{n}.db", folder / f"scale-{n}.csv"
    result: dict[str, float] = {"records": n}
    try:
        wall = time.perf_counter()
        result.update(make_corpus(ris, n))
        result["generate_s"] = time.perf_counter() - wall
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(HERE.parent), os.environ.get("PYTHONPATH")])))
        for step in STEPS:
            proc = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--step", step, str(db), str(ris), str(out)],
                capture_output=True, text=True, env=env, check=False,
            )  # fmt: skip
            if proc.returncode != 0:
                raise RuntimeError(f"step {step} failed:\n{proc.stderr[-3000:]}")
            for key, value in json.loads(proc.stdout.strip().splitlines()[-1]).items():
                result[f"{step}_{key}"] = value
    finally:
        if workdir is None:
            shutil.rmtree(folder, ignore_errors=True)
    return result


def _table(results: list[dict[str, float]]) -> str:
    lines = [f"{'step':8} {'records':>9} {'wall s':>8} {'cpu s':>8} {'cpu us/rec':>10} {'peak MB':>8}  facts"]
    for res in results:
        n = int(res["records"])
        for step in STEPS:
            facts = ", ".join(
                f"{k[len(step) + 1 :]} {int(v)}" for k, v in res.items()
                if k.startswith(step + "_") and not k.endswith(("_s", "_cpu_s", "_peak_mb"))
            )  # fmt: skip
            if step + "_worker_cpu_s" in res:  # the import's parsing process, beside this step's own figures
                facts += f", worker process {res[step + '_worker_cpu_s']:.1f} s CPU, {res[step + '_worker_peak_mb']:.0f} MB peak"
            lines.append(
                f"{step:8} {n:9d} {res[step + '_s']:8.1f} {res[step + '_cpu_s']:8.1f} "
                f"{1e6 * res[step + '_cpu_s'] / n:10.1f} {res[step + '_peak_mb']:8.0f}  {facts}"
            )
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--step":
        name, db, ris, out = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), Path(sys.argv[5])
        print(json.dumps(_step(name, db, ris, out)))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workdir", type=Path, help="Keep the files here (default: a temporary folder, removed).")
    args = parser.parse_args()
    results = []
    for n in args.records:
        results.append(run(n, args.workdir / str(n) if args.workdir else None))
        print(json.dumps(results[-1]), flush=True)
    print(f"load average when done: {os.getloadavg()[0]:.1f} (2 cores)")
    print(_table(results))


if __name__ == "__main__":
    main()
