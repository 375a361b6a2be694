"""Benchmark of the tagger (prints figures; not a test).

Generates N synthetic abstracts (codebook examples recombined with filler sentences, fixed seed) and
reports, in one run:

- rules only: segmentation + keyword matching, passages/s (goal >= 5,000/s);
- hybrid coding from cold into a real temporary project via `run_tagger` (segment, embed, train, score, store);
- bare ``model.encode`` of the same passages, and the ratio hybrid / bare encode (goal >= 0.85);
- re-coding after editing one code (goal >= 20x faster than cold);
- peak memory (ru_maxrss; goal < 1.5 GB);
- learning from decisions: retraining on 1,000 reviewer decisions (goal < 5 s) and re-scoring 10,000
  undecided passages from cached embeddings (``--learn-only`` runs just this part).

Usage::

    python benchmarks/bench_tagger.py            # 10,000 abstracts
    python benchmarks/bench_tagger.py --n 2000
    python benchmarks/bench_tagger.py --learn-only
    python benchmarks/bench_tagger.py --learn-only --cache /tmp/bench-cache.db   # vectors kept across runs
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILLER = [
    "This paper draws on {n} interviews conducted between {y} and {y2}.",
    "The data cover {n} firms in {place}.",
    "Section {k} presents the research design and the sample.",
    "We discuss the implications for policy and for further research.",
    "The results are robust to alternative specifications of the model.",
    "Descriptive statistics are reported in Table {k}.",
    "Fieldwork in {place} took place in {y}.",
    "The remainder of the paper is organised as follows.",
    "Employment in the sector grew by {n} per cent over the decade.",
    "A mixed-methods design combines a survey of {n} firms with case studies.",
    "本文基于{n}家企业的问卷调查数据。",
    "研究区域位于{place_zh}，样本期为{y}年至{y2}年。",
    "最后讨论了研究的政策含义。",
]
PLACES = [
    "Baden-Württemberg",
    "Emilia-Romagna",
    "Wenzhou",
    "Penang",
    "Sialkot",
    "Jalisco",
    "Tirupur",
    "Ontario",
    "Jutland",
]
PLACES_ZH = ["浙江", "广东", "江苏", "福建", "山东", "四川"]


def make_documents(n: int, codebook, seed: int = 7) -> list[dict]:  # type: ignore[no-untyped-def]
    """N synthetic documents with a title and an abstract of 5-9 sentences (some Chinese)."""
    rng = random.Random(seed)
    en = [t for c in codebook.leaves() for t in c.examples.get("en", ())]
    zh = [t for c in codebook.leaves() for t in c.examples.get("zh", ())]
    docs = []
    for i in range(n):
        chinese = zh and rng.random() < 0.2
        pool = zh if chinese else en
        sents = []
        for _ in range(rng.randint(5, 9)):
            if rng.random() < 0.5:
                # A codebook example made unique (a different cited year/page), so no two passages repeat.
                ex = rng.choice(pool).rstrip("。.")
                sents.append(
                    f"{ex}（{rng.randint(1990, 2024)}，第{rng.randint(1, 999)}页）。"
                    if chinese
                    else f"{ex} ({rng.choice(PLACES)} {rng.randint(1990, 2024)}: {rng.randint(1, 999)})."
                )
            else:
                tpl = rng.choice(FILLER[10:] if chinese else FILLER[:10])
                sents.append(
                    tpl.format(
                        n=rng.randint(10, 900),
                        y=rng.randint(1990, 2015),
                        y2=rng.randint(2016, 2024),
                        k=rng.randint(2, 6),
                        place=rng.choice(PLACES),
                        place_zh=rng.choice(PLACES_ZH),
                    )
                )
        # A unique sentence per document so that the corpus is not just the codebook.
        sents.append(
            f"Case {i} reports {rng.randint(1, 10**6)} observations."
            if not chinese
            else f"案例{i}包含{rng.randint(1, 10**6)}个观测值。"
        )
        title = (
            f"Clusters and upgrading: evidence from case {i}" if not chinese else f"产业集群升级研究：案例{i}"
        )
        docs.append({"key": f"bench-{i}", "title": title, "abstract": ("" if chinese else " ").join(sents)})
    return docs


def bench_learning(
    codebook, embedder, docs: list[dict], n_decisions: int = 1000, n_rescore: int = 10_000, cache: str = ""
) -> None:  # type: ignore[no-untyped-def]
    """Retrain on `n_decisions` decisions and re-score `n_rescore` passages from cached vectors.

    `cache`: a project file whose embedding cache keeps the passages' vectors across runs ("" = memory).
    """
    import os

    from reviewkit.lang import detect_language
    from reviewkit.project.encoding import CachedEncoder
    from reviewkit.store import Store
    from reviewkit.tagger.learn import Decision, learn_from_decisions, uncertainty_order
    from reviewkit.tagger.pipeline import Tagger, TaggerConfig
    from reviewkit.tagger.segment import segment_document

    rng = random.Random(11)
    encoder = CachedEncoder(embedder, Store.open(Path(cache)) if cache else None, 64)
    t0 = time.perf_counter()
    tagger = Tagger(codebook, TaggerConfig(model=embedder.name), encoder).fit()
    print(f"codebook training: {time.perf_counter() - t0:.1f}s")
    doc_of = {s.text: str(k) for k, d in enumerate(docs) for s in segment_document(d)}
    texts = list(doc_of)
    rng.shuffle(texts)
    decided = texts[:n_decisions]
    undecided = texts[n_decisions : n_decisions + n_rescore]
    statuses = ("accepted", "rejected", "added", "absent")
    decisions = [
        Decision(t, rng.choice(tagger.code_ids), rng.choice(statuses), doc=doc_of[t]) for t in decided
    ]
    t1 = time.perf_counter()
    encoder(decided + undecided)  # the project's cache holds these vectors already
    print(
        f"(encoding {len(decided) + len(undecided)} passages for the cache: {time.perf_counter() - t1:.1f}s)"
    )
    embedded = encoder.embedded
    learn_from_decisions(tagger, decisions[:20], folds=0)  # warm-up: spaCy's tokenizer, sklearn imports
    for folds in (0, 3):  # 0: the fast path `reviewkit code` uses; 3: cross-validated, for comparison
        t2, c2 = time.perf_counter(), time.process_time()
        result = learn_from_decisions(tagger, decisions, folds=folds)
        t_learn, c_learn = time.perf_counter() - t2, time.process_time() - c2
        print(
            f"retrain (folds={folds}) on {result.decisions} decisions ({result.passages} passages): "
            f"{t_learn:.2f}s wall, {c_learn:.2f}s CPU  (goal < 5 s for folds=0); "
            f"texts re-encoded: {encoder.embedded - embedded}"
        )
    result = learn_from_decisions(tagger, decisions, folds=0)
    langs = [detect_language(t) or "en" for t in undecided]
    vecs = encoder(undecided)
    t3, c3 = time.perf_counter(), time.process_time()
    rows = result.tagger.score(undecided, langs, vecs)
    order = uncertainty_order(rows)
    t_score, c_score = time.perf_counter() - t3, time.process_time() - c3
    print(
        f"re-score {len(undecided)} undecided passages from cached embeddings + queue order: {t_score:.2f}s wall, "
        f"{c_score:.2f}s CPU = {len(undecided) / t_score:,.0f} passages/s ({len(order)} (passage, code) pairs "
        "ordered)"
    )
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="number of abstracts")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--codebook", default=None, help="YAML codebook (default: the bundled one)")
    parser.add_argument("--learn-only", action="store_true", help="only the learning-from-decisions figures")
    parser.add_argument("--decisions", type=int, default=1000, help="decisions to retrain on")
    parser.add_argument("--rescore", type=int, default=10_000, help="undecided passages to re-score")
    parser.add_argument(
        "--cache", default="", help="project file keeping the learning part's embeddings across runs (default: memory)"
    )
    args = parser.parse_args()

    from reviewkit.codebook import load_codebook
    from reviewkit.project.codebooks import save_codebook
    from reviewkit.project.coding import run_tagger
    from reviewkit.project.encoding import make_embedder
    from reviewkit.resources import default_codebook_path
    from reviewkit.store import Store
    from reviewkit.store.base import now
    from reviewkit.tagger.rules import KeywordMatcher
    from reviewkit.tagger.segment import segment_document

    codebook = load_codebook(args.codebook or default_codebook_path())
    docs = make_documents(args.n, codebook)
    if args.learn_only:
        docs = make_documents(max(args.n, (args.decisions + args.rescore) // 3), codebook)
        bench_learning(codebook, make_embedder(), docs, args.decisions, args.rescore, args.cache)
        return
    print(
        f"{args.n} abstracts, codebook {codebook.name} {codebook.version} ({len(codebook.leaves())} leaf codes)"
    )

    # Rules only: segmentation + keyword matching, in memory (after a warm-up that loads spaCy).
    matcher = KeywordMatcher(codebook.leaves())
    matcher.match_many([s.text for d in docs[:5] for s in segment_document(d)])
    t0 = time.perf_counter()
    texts = [s.text for d in docs for s in segment_document(d)]
    t_seg = time.perf_counter() - t0
    t1 = time.perf_counter()
    matcher.match_many(texts)
    t_rules = time.perf_counter() - t1
    n_pass = len(texts)
    print(f"passages: {n_pass}")
    print(
        f"segmentation: {n_pass / t_seg:,.0f} passages/s; keyword rules: {n_pass / t_rules:,.0f} passages/s"
    )
    print(f"rules only (segment + match): {n_pass / (t_seg + t_rules):,.0f} passages/s  (goal >= 5,000/s)")

    t_load = time.perf_counter()
    embedder = make_embedder()
    print(f"model load: {time.perf_counter() - t_load:.1f}s")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bench.db")
        stamp = now()
        with store.transaction():
            store.db["documents"].insert_all(({**d, "imported_at": stamp} for d in docs), batch_size=1000)
        cb_id = save_codebook(store, codebook)

        t2 = time.perf_counter()
        cold = run_tagger(store, cb_id, codebook=codebook, embedder=embedder, batch_size=args.batch_size)
        t_cold = time.perf_counter() - t2
        print(
            f"hybrid from cold: {cold.passages} passages in {t_cold:.1f}s = {cold.passages / t_cold:,.0f} passages/s "
            f"({cold.suggestions} suggestions, {cold.embedded} texts embedded)"
        )

        all_texts = [r[0] for r in store.db.execute("SELECT text FROM passages ORDER BY id").fetchall()]
        t3 = time.perf_counter()
        embedder.encode(all_texts, batch_size=args.batch_size)
        t_bare = time.perf_counter() - t3
        print(f"bare model.encode: {len(all_texts) / t_bare:,.0f} passages/s")
        unique = len(set(all_texts))
        print(f"ratio hybrid / bare encode: {t_bare / t_cold:.2f}  (goal >= 0.85)")
        # The cache embeds each distinct text once; compare like with like as well.
        print(
            f"  distinct passage texts: {unique} of {len(all_texts)}; ratio per distinct text: "
            f"{t_bare * unique / len(all_texts) / t_cold:.2f}"
        )

        product = codebook.leaves()[0]
        extra = "Firms in the district now share know-how at a weekly technical club."
        edited_code = dataclasses.replace(
            product, examples={**product.examples, "en": (*product.examples.get("en", ()), extra)}
        )
        edited = dataclasses.replace(
            codebook, codes=tuple(edited_code if c.id == product.id else c for c in codebook.codes)
        )
        cb2 = save_codebook(store, edited)
        t4 = time.perf_counter()
        again = run_tagger(store, cb2, codebook=edited, embedder=embedder, batch_size=args.batch_size)
        t_re = time.perf_counter() - t4
        print(
            f"re-code after editing {product.id}: {again.passages} passages, codes {again.codes}, "
            f"{again.embedded} embedded, {t_re:.1f}s = {t_cold / t_re:.0f}x faster than cold  (goal >= 20x)"
        )
        t5 = time.perf_counter()
        none = run_tagger(store, cb2, codebook=edited, embedder=embedder)
        print(f"second run: {none.message()} ({time.perf_counter() - t5:.2f}s)")
        store.close()
    bench_learning(codebook, embedder, docs, args.decisions, args.rescore)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:,.0f} MB  (goal < 1,536 MB)")


if __name__ == "__main__":
    main()
