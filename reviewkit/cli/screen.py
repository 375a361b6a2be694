"""Provides the `screen` command group: title/abstract screening with a learning ranker (simulate)."""

from __future__ import annotations

import click

from reviewkit.cli.app import cli, json_option
from reviewkit.cli.output import echo_json, echo_table, warn

_ROWS = (
    ("recall@10", "recall after 10 % screened", "{:.3f}"),
    ("recall@25", "recall after 25 % screened", "{:.3f}"),
    ("wss@95", "WSS@95", "{:.3f}"),
    ("wss@100", "WSS@100", "{:.3f}"),
    ("n@95", "records to find 95 %", "{:.1f}"),
    ("erf@10", "ERF@10", "{:.3f}"),
    ("loss", "loss", "{:.3f}"),
    ("stop_recall", "recall at the stopping heuristic", "{:.3f}"),
    ("stop_screened", "share screened at the heuristic", "{:.3f}"),
)


@cli.group()
def screen() -> None:
    """Screen titles and abstracts with a model that learns from every decision.

    The ranking method, the stopping aid and the simulation metrics are described in
    docs/screening.md.

    Example:

    \b
        reviewkit screen simulate labelled.csv
        reviewkit screen simulate labelled.csv --seeds 10 --json
    """


@screen.command()
@click.argument("labelled", type=click.Path(exists=True, dir_okay=False))
@click.option("--seeds", type=click.IntRange(min=1), default=5, show_default=True,
              help="Runs, each with other random priors; figures are means over them.")  # fmt: skip
@click.option("--prior-included", type=click.IntRange(min=0), default=1, show_default=True,
              help="Inclusions known before screening starts (picked at random).")  # fmt: skip
@click.option("--prior-excluded", type=click.IntRange(min=0), default=1, show_default=True,
              help="Exclusions known before screening starts (picked at random).")  # fmt: skip
@click.option("--learner", type=click.Choice(["logistic", "nb", "svm"]), default="logistic", show_default=True,
              help="Classifier refitted on every decision.")  # fmt: skip
@click.option("--strategy", type=click.Choice(["certainty", "uncertainty"]), default="certainty",
              show_default=True, help="Order: most likely relevant first, or nearest the boundary first.")  # fmt: skip
@click.option("--criteria", default="", help="Inclusion criteria text for the cold start (with --prior-included 0).")
@click.option("--embeddings", is_flag=True, help="Add the bundled model's sentence embeddings to TF-IDF.")
@click.option("--format", "fmt", default=None, help="Force the file format (csv, ris, ...); default: detect.")
@json_option
def simulate(
    labelled: str,
    seeds: int,
    prior_included: int,
    prior_excluded: int,
    learner: str,
    strategy: str,
    criteria: str,
    embeddings: bool,
    fmt: str | None,
    as_json: bool,
) -> None:
    """Replay screening of a labelled file in the ranker's order and report recall and work saved.

    LABELLED is ASReview's labelled format: a CSV with title, abstract and label_included (1/0),
    or RIS with ASReview or Rayyan inclusion notes. Each run starts from random priors, asks the
    model for the next record, reads its label and retrains; random order runs beside it.

    Example:

    \b
        reviewkit screen simulate labelled.csv
        reviewkit screen simulate labelled.csv --seeds 10 --prior-included 2 --json
        reviewkit screen simulate labelled.ris --embeddings --strategy uncertainty
    """
    from reviewkit.project.screening_sim import bundled_encoder, simulate_file

    encode = bundled_encoder() if embeddings else None
    report = simulate_file(
        labelled, seeds=seeds, prior_included=prior_included, prior_excluded=prior_excluded,
        learner=learner, strategy=strategy, criteria=criteria, encode=encode, format=fmt,
    )  # fmt: skip
    if as_json:
        echo_json(report)
        return
    warn(
        f"{report['file']}: {report['records']} records, {report['included']} included; "
        f"{report['learner']} on {report['features']}, {report['strategy']} order; "
        f"priors {prior_included} included + {prior_excluded} excluded; {seeds} seed(s)"
    )
    model, rand = report["model"], report["random"]
    echo_table(
        ["metric", "model", "random"],
        [[label, f.format(model[k]), f.format(rand[k])] for k, label, f in _ROWS],
        title="Simulated screening (means over seeds)",
    )
