"""Provides the evaluation use case: score the tagger against a human-coded gold file (no project needed)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reviewkit.errors import EvaluationError
from reviewkit.project.coding import Progress
from reviewkit.project.encoding import CachedEncoder, make_embedder

if TYPE_CHECKING:
    from reviewkit.tagger.embed import Embedder
    from reviewkit.tagger.evaluate import EvaluationReport


def evaluate_gold(
    gold_path: str | Path,
    codebook_path: str | Path | None = None,
    *,
    method: str = "hybrid",
    model: str | None = None,
    embedder: Embedder | None = None,
    batch_size: int = 64,
    learn_split: float | None = None,
    seeds: int = 3,
    order: str = "active",
    progress: Progress | None = None,
) -> EvaluationReport:
    """Score the tagger against a gold JSONL file (no project needed).

    Args:
        gold_path: one human-coded passage per line.
        codebook_path: the YAML codebook (default: the bundled cluster-upgrading codebook).
        method: rules, embeddings or hybrid.
        model: embedding model name or folder (default: bundled).
        embedder: an embedder to use instead of loading `model`.
        batch_size: model batch size.
        learn_split: when given, also measure learning from decisions: this share of the abstracts
            (``doc``) plays the reviewer's decisions and the rest is scored (report key ``learning``).
        seeds: random splits averaged when measuring learning.
        order: "active" (the queue's most-uncertain-first order) or "random".
        progress: callback (done, total, label) for training and learning.

    Returns:
        The evaluation report.

    Raises:
        EvaluationError: malformed gold file, a code unknown to the codebook, or a learn split that
            cannot be made (rules method, fewer than two abstracts).
        CodebookError: invalid codebook.
    """
    from reviewkit.codebook import load_codebook
    from reviewkit.resources import default_codebook_path
    from reviewkit.tagger.evaluate import evaluate_tagger, read_gold
    from reviewkit.tagger.pipeline import Tagger, TaggerConfig

    cb = load_codebook(codebook_path or default_codebook_path())
    gold = read_gold(gold_path, cb)
    if not gold:
        raise EvaluationError(
            f"{gold_path}: the gold file has no passages. Give one JSON object per line, e.g. "
            '{"id": "p1", "lang": "en", "text": "Firms upgrade products.", "codes": ["upgrading.product"]}.'
        )
    encoder = None
    name = ""
    if method != "rules":
        emb = embedder or make_embedder(model)
        encoder = CachedEncoder(emb, None, batch_size)
        name = emb.name
    tagger = Tagger(cb, TaggerConfig(method=method, model=name), encoder).fit(progress)
    report = evaluate_tagger(tagger, gold)
    if learn_split is not None:
        from reviewkit.tagger.learning_eval import simulate_learning

        if method == "rules":
            raise EvaluationError("--learn-split needs the hybrid or embeddings method.")
        report.learning = simulate_learning(
            tagger, gold, split=learn_split, seeds=seeds, order=order, progress=progress
        )
    return report
