"""Provides the review commands: `review` (the terminal app), `trends` (concept shares by year), `progress`."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

import click

from reviewkit.cli.app import cli, db_option, default_coder, json_option, project_store
from reviewkit.cli.blind import gate, gate_source, lead_option
from reviewkit.cli.output import echo_json, echo_table, warn

if TYPE_CHECKING:
    from reviewkit.project import Store

SCREENS = ("documents", "queue", "codebook", "trends", "disagreements", "screening", "conflicts")


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
@click.option(
    "--no-advance",
    "no_advance",
    is_flag=True,
    help="After a/r stay on the code just decided (default: move to the passage's next code; t toggles).",
)
@click.option("--all", "all_documents", is_flag=True,
              help="Once screening has begun: Documents, Queue and Trends show every document, not only the included.")  # fmt: skip
@click.option(
    "--retrain-every",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Retrain the tagger on the project's decisions in the background after this many decisions (0: off).",
)
def review(
    db_path: str,
    coder: str,
    blind: bool,
    hide_scores: bool,
    screen: str,
    no_advance: bool,
    all_documents: bool,
    retrain_every: int,
) -> None:
    """Review the suggested codes by keyboard in a terminal app (every decision is saved at once).

    Keys: 1-6 switch screens (documents, queue, codebook, trends, disagreements, screening), Enter opens a
    document, j/k move between passages, a/r accept/reject (then move to the next code, unless
    --no-advance or t), d marks the passage done (reviewed, no further codes), D the whole
    document, A accepts all, c adds a code, u undoes, ctrl+r redoes, q quits. On Screening (6):
    i include, x exclude (pick a reason), m maybe, s skip, n note, u undo, f full-text stage, c the
    lead's Conflicts screen. With --blind nothing another coder decided is shown (no Disagreements
    or Conflicts screen, own counts and trends only). Every 20 decisions (--retrain-every) the
    tagger retrains on the project's decisions in the background and the Queue re-orders by the
    new scores.

    Example:

    \b
        reviewkit review
        reviewkit review --db team.db --coder alice --blind --hide-scores
        reviewkit review --screen screening --coder alice
    """
    from reviewkit.tui.app import make_app

    store = project_store(db_path)
    from reviewkit.project.blinding import is_blind

    if not blind and is_blind(store, coder):
        warn(f"The project is blind (reviewkit blind start): {coder} reviews blind.")
        blind = True
    make_app(store, coder, blind=blind, hide_scores=hide_scores, start=screen, advance=not no_advance,
             all_documents=all_documents, retrain_every=retrain_every).run()  # fmt: skip


SOURCE_HELP = (
    "Whose codes count: coder:NAME, consensus, any or suggested (default: consensus with two or more "
    "coders, else the single coder; the same default as `export trends`). Deprecated: 'accepted' "
    "(maps to coder:NAME with --coder, else to the default)."
)


@cli.command()
@db_option
@click.option("--codes", help="Comma-separated code ids or group prefixes (default: every group).")
@click.option("--source", metavar="SOURCE", help=SOURCE_HELP)
@click.option("--window", type=click.IntRange(min=1), default=1, show_default=True,
              help="Trailing window in years (3: each year totals it and the two before).")  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
@click.option("--plot", is_flag=True, help="Draw the shares as a chart in the terminal.")
@click.option("--coder", help="Deprecated with --source accepted; same as --source coder:NAME.")
@click.option("--all", "all_documents", is_flag=True, help="Once screening has begun: every document, not only the included.")
@lead_option
def trends(
    db_path: str, codes: str | None, source: str | None, window: int, fmt: str, plot: bool, coder: str | None,
    all_documents: bool, lead: str | None,
) -> None:
    """Share of REVIEWED documents per publication year that carry each code or group of codes.

    One row per year and code: year, code, documents (reviewed under the source that year, or in
    the window's years), published (all documents of those years), coded (of the reviewed, how
    many carry the code; a group counts a document once), share = coded/documents. What counts as
    reviewed is in docs/review-rules.md.

    Example:

    \b
        reviewkit trends --codes regionalism,global,upgrading --window 3
        reviewkit trends --source coder:alice --format csv > alice.csv
        reviewkit trends --source suggested --codes global.value_chain --plot
    """
    from reviewkit.project.scope import documents_in_scope, scope_note
    from reviewkit.project.state import resolve_source
    from reviewkit.project.trends import trends as compute

    store = project_store(db_path)
    if source == "accepted":
        warn("Warning: --source accepted is deprecated; use coder:NAME, consensus or any.")
    source = gate_source(store, source if source != "accepted" or lead else (f"coder:{coder}" if coder else None),
                         lead, "trends")  # fmt: skip
    scope = documents_in_scope(store, all_documents=all_documents)
    if note := scope_note(store, scope):
        warn(f"Trends over {note}.")
    chosen = resolve_source(store, source, coder)
    rows = compute(store, codes, source=chosen, window=window, scope=scope)
    if plot:
        click.echo(_chart(rows, chosen, window), err=fmt != "table")
    cols = ["year", "code", "documents", "published", "coded", "share"]
    if fmt == "json":
        echo_json([{**r.as_dict(), "source": chosen, "share": round(r.share, 4)} for r in rows])
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(cols)
        writer.writerows([r.year, r.code, r.documents, r.published, r.coded, f"{r.share:.4f}"] for r in rows)
        click.echo(buf.getvalue(), nl=False)
    else:
        title = f"Share of reviewed documents with the code (source {chosen})" + (
            f", {window}-year trailing window" if window > 1 else ""
        )
        echo_table(
            ["year", "code", "reviewed", "published", "coded", "share"],
            [[r.year, r.code, r.documents, r.published, r.coded, f"{r.share:.4f}"] for r in rows],
            title=title,
        )


@cli.command()
@db_option
@click.option("--coder", help="Only this coder (default: every coder, consensus included).")
@lead_option
@json_option
def progress(db_path: str, coder: str | None, lead: str | None, as_json: bool) -> None:
    """Per coder: documents and passages reviewed, decisions taken and time spent.

    A document is reviewed when every passage is marked done (d in the review app). Time spent adds
    the gaps between a coder's consecutive actions, at most 5 minutes each (docs/review-rules.md).

    Example:

    \b
        reviewkit progress
        reviewkit progress --coder alice --json
    """
    from reviewkit.project.state import coder_progress

    store = project_store(db_path)
    coder = _own_progress(store, coder, lead)
    rows = coder_progress(store, coders=[coder] if coder else None)
    if as_json:
        echo_json([{**r.as_dict(), "seconds": round(r.seconds, 1), "time": r.duration} for r in rows])
        return
    echo_table(
        ["coder", "documents", "passages", "decisions", "accepted", "added", "rejected", "time", "sessions"],
        [
            [
                r.coder,
                f"{r.documents_reviewed}" + (f"/{r.documents_assigned}" if r.documents_assigned is not None else ""),
                r.passages_reviewed,
                r.decisions,
                r.accepted,
                r.added,
                r.rejected,
                r.duration,
                r.sessions,
            ]
            for r in rows
        ],
        title="Progress per coder (documents reviewed[/assigned], passages marked done)",
    )


def _own_progress(store: Store, coder: str | None, lead: str | None) -> str | None:
    """While blind (no --lead): a coder's own progress only (the default), others' refused."""
    from reviewkit.project.blinding import is_blind

    me = default_coder()
    if lead is None and coder is None and is_blind(store, me):
        warn(f"The project is blind: your own progress only ({me}).")
        return me
    if coder != me:
        gate(store, "the progress of other coders", lead)
    return coder


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
