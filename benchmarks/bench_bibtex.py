"""Benchmark: BibTeX import time and peak memory versus bare bibtexparser 2 parsing.

Generates a Scopus/WoS-like BibTeX file of N entries (default 3,700) with LaTeX accents, braces,
dashes, a field name with a no-break space and long abstracts, then prints:
  * seconds and peak traced memory for bare `bibtexparser.parse_string`,
  * seconds and peak traced memory for `reviewkit.importers.read_records` (decode, parse, LaTeX to
    Unicode, Record building),
  * the time ratio importer/bare.

Usage: python benchmarks/bench_bibtex.py [--n 3700] [--file some.bib]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

NAMES = [r"G\'omez, Jos\'e", r"Sch\"onberger, Andreas", r"Kami\'nski, Piotr", r"Garc{\'\i}a, Mar{\'\i}a",
         "Smith, John", "Wang, Li", r"M{\"u}ller, Hans", r"Fran\c{c}ois, Ren{\'e}"]
WORDS = ("cluster upgrading global value chain learning region institution trust social capital knowledge "
         "spillover network firm supplier buyer governance innovation district embeddedness policy").split()


def make_bib(path: Path, n: int, seed: int = 11) -> None:
    """Write `n` BibTeX entries shaped like Scopus exports."""
    rnd = random.Random(seed)

    def text(k: int) -> str:
        return " ".join(rnd.choice(WORDS) for _ in range(k))

    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            authors = " and ".join(rnd.choice(NAMES) for _ in range(rnd.randint(1, 6)))
            fh.write(
                f"@ARTICLE{{Author{i} Jr.{2000 + i % 24},\n"
                f"author={{{authors}}},\n"
                f"title={{{{{text(8).capitalize()}}} in the 20\\textsuperscript{{th}} century -- a {{DNA}} study}},\n"
                f"journal={{Journal of {rnd.choice(WORDS).title()} Studies}},\n"
                f"year={{{2000 + i % 24}}},\nvolume={{{i % 80}}},\nnumber={{{i % 12}}},\npages={{{i}--{i + 9}}},\n"
                f"doi={{10.1000/bench.{i}}},\n"
                f"abstract={{{text(rnd.randint(120, 250))} \\ldots{{}} 50\\% of firms}},\n"
                f"author_keywords={{{text(1)}; {text(1)}; {text(2)}}},\n"
                f"funding_text\u00a01={{{text(30)}}},\n"
                "document_type={Article},\nsource={Scopus},\n}\n\n"
            )


def measure(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(seconds, peak MB traced, result) of one call; timed without tracing, then traced again."""
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return seconds, peak, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=3700)
    parser.add_argument("--file", type=Path, help="Time this BibTeX file instead of a generated one.")
    args = parser.parse_args()
    import bibtexparser

    from reviewkit.importers import read_records

    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or Path(tmp) / "bench.bib"
        if args.file is None:
            make_bib(path, args.n)
        size = path.stat().st_size / 1e6
        text = path.read_text(encoding="utf-8-sig")
        bare_s, bare_mb, lib = measure(lambda: bibtexparser.parse_string(text))
        ours_s, ours_mb, res = measure(lambda: read_records(path))
    print(f"file: {path.name}, {size:.1f} MB, {len(lib.entries)} entries (bibtexparser)")
    print(f"bare bibtexparser.parse_string: {bare_s:.2f} s, peak {bare_mb:.0f} MB traced")
    print(f"reviewkit read_records:         {ours_s:.2f} s, peak {ours_mb:.0f} MB traced, "
          f"{len(res.records)} records, {len(res.skipped)} skipped")
    print(f"time ratio importer/bare: {ours_s / bare_s:.2f}")


if __name__ == "__main__":
    main()
