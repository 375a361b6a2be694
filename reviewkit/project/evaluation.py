"""Provides the evaluation use case: score the tagger against a human-coded gold file (no project needed)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reviewkit.errors import EvaluationError
from reviewkit.project.coding import Progress
from reviewkit.project.encoding import CachedEncoder, make_embedder

if TYPE_CHECKING:
    from reviewkit.codebook.model import Codebook
    from reviewkit.records import RegisteredValidation
    from reviewkit.store import Store
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
    book: Codebook | None = None,
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
        book: a codebook to use instead of reading `codebook_path` (e.g. the project's).

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

    cb = book if book is not None else load_codebook(codebook_path or default_codebook_path())
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


def register_validation(
    store: Store, gold_path: str | Path, report: EvaluationReport, *, by: str, codebook: str = ""
) -> RegisteredValidation:
    """Store an evaluation as the project's validation (the methods report prints it), audited.

    Keeps the gold file's name and SHA-256 (not its passages), the date, the method, macro and micro
    F1, mean kappa, the figures per language and per code; a later registration replaces it.

    Args:
        store: the project.
        gold_path: the gold file evaluated.
        report: the evaluation.
        by: who registers it (audit).
        codebook: the codebook scored, in words ("cluster-upgrading 1.1").

    Returns:
        What was stored.
    """
    import hashlib
    from datetime import UTC, datetime

    from reviewkit.records import RegisteredValidation

    path = Path(gold_path)
    found = RegisteredValidation(
        gold_file=path.name,
        gold_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        registered_at=datetime.now(UTC).isoformat(timespec="seconds"),
        method=report.method,
        n_passages=report.n_passages,
        macro_f1=report.macro_f1,
        micro_f1=report.micro_f1,
        mean_kappa=report.mean_kappa,
        by_language={lang: dict(figs) for lang, figs in report.by_lang.items()},
        per_code=report.as_dict()["per_code"],
        codebook=codebook,
    )
    store.facts.register_validation(found, by)
    return found
