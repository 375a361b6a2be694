"""Provides the review commands: `review` (the terminal app) and `trends` (concept shares by year)."""

from __future__ import annotations

import csv
import io

import click

from reviewkit.cli.app import cli, db_option, default_coder, project_store
from reviewkit.cli.output import echo_json, echo_table, warn

SCREENS = ("documents", "queue", "codebook", "trends", "disagreements")


@cli.command()
@db_option
@click.option(
    "--coder", default=default_coder, show_default="$REVIEWKIT_CODER or login name", help="Who is reviewing."
)
@click.option("--blind", is_flag=True, help="Hide other coders' decisions (independent double coding).")
@click.option("--hide-scores", is_flag=True, help="Hide the tagger's scores as well (judge the text alone).")
@click.option(
    "--screen",
    type=click.Choice(SCREENS),
    default="documents",
    show_default=True,
    help="Screen to open first.",
)
def review(db_path: str, coder: str, blind: bool, hide_scores: bool, screen: str) -> None:
    """Review the suggested codes by keyboard in a terminal app (every decision is saved at once).

    Keys: 1-5 switch screens (documents, queue, codebook, trends, disagreements), Enter opens a
    document, j/k move between passages, a/r accept/reject, A accepts all, c adds a code, u undoes,
    ctrl+r redoes, q quits.

    Example:

    \b
        reviewkit review
        reviewkit review --db team.db --coder alice --blind --hide-scores
    """
    from reviewkit.tui.app import make_app

    store = project_store(db_path)
    make_app(store, coder, blind=blind, hide_scores=hide_scores, start=screen).run()


@cli.command()
@db_option
@click.option("--codes", help="Comma-separated code ids or group prefixes (default: every group).")
@click.option("--source", type=click.Choice(["accepted", "suggested"]), default="accepted", show_default=True,
              help="Count codes reviewers accepted, or codes the tagger suggested.")  # fmt: skip
@click.option("--window", type=click.IntRange(min=1), default=1, show_default=True,
              help="Trailing window in years (3: each year totals it and the two before).")  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
@click.option("--plot", is_flag=True, help="Draw the shares as a chart in the terminal.")
@click.option("--coder", help="Only this coder's accepted decisions (default: any coder).")
@click.option("--all", "all_documents", is_flag=True, help="Once screening has begun: every document, not only the included.")
def trends(
    db_path: str, codes: str | None, source: str, window: int, fmt: str, plot: bool, coder: str | None,
    all_documents: bool,
) -> None:
    """Share of documents per publication year that carry each code or group of codes.

    One row per year and code: year, code, documents (that year, or the window's years),
    coded (of which carry the code; a group counts a document once), share = coded/documents.

    Example:

    \b
        reviewkit trends --codes regionalism,global,upgrading --window 3
        reviewkit trends --source suggested --format csv > trends.csv
        reviewkit trends --codes global.value_chain --plot
    """
    from reviewkit.project.scope import documents_in_scope, scope_note
    from reviewkit.project.trends import trends as compute

    store = project_store(db_path)
    scope = documents_in_scope(store, all_documents=all_documents)
    if note := scope_note(store, scope):
        warn(f"Trends over {note}.")
    rows = compute(store, codes, source=source, window=window, coder=coder, scope=scope)
    if plot:
        click.echo(_chart(rows, source, window), err=fmt != "table")
    if fmt == "json":
        echo_json([{**r.as_dict(), "share": round(r.share, 4)} for r in rows])
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["year", "code", "documents", "coded", "share"])
        writer.writerows([r.year, r.code, r.documents, r.coded, f"{r.share:.4f}"] for r in rows)
        click.echo(buf.getvalue(), nl=False)
    else:
        title = f"Share of documents with {source} codes" + (
            f" ({window}-year trailing window)" if window > 1 else ""
        )
        echo_table(
            ["year", "code", "documents", "coded", "share"],
            [[r.year, r.code, r.documents, r.coded, f"{r.share:.4f}"] for r in rows],
            title=title,
        )


def _chart(rows: list, source: str, window: int) -> str:  # type: ignore[type-arg]
    """The shares as a plotext line chart (text)."""
    import plotext as plt

    plt.clear_figure()
    plt.plotsize(100, 24)
    plt.theme("clear")
    markers = ("braille", "x", "o", "+", "*", "#")
    for i, label in enumerate(dict.fromkeys(r.code for r in rows)):
        series = [r for r in rows if r.code == label]
        plt.plot(
            [r.year for r in series], [r.share for r in series], label=label, marker=markers[i % len(markers)]
        )
    years = sorted({r.year for r in rows})
    if years:
        plt.xticks(years, [str(y) for y in years])
    plt.ylim(0, 1)
    plt.title(f"share of documents with {source} codes" + (f", {window}-year window" if window > 1 else ""))
    return str(plt.build())
