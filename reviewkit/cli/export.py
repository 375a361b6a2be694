"""Provides the `export` command: the coded dataset in every output format."""

from __future__ import annotations

import click

from reviewkit.cli.app import cli, db_option, project_store
from reviewkit.cli.blind import gate, lead_option
from reviewkit.cli.output import warn

FORMATS_HELP = "csv-long, jsonl, csv-wide, qdpx, ris, trends, report"


@cli.command(name="export")
@click.argument("fmt", metavar="FORMAT")
@click.argument("out", type=click.Path(dir_okay=False))
@click.option(
    "--coder",
    help="Whose codings: a coder name or 'consensus' (default: all coders, or consensus where one decision is needed).",
)
@click.option("--status", type=click.Choice(["accepted", "all"]), default="accepted", show_default=True,
              help="'all' adds rejected decisions (csv-long, jsonl).")  # fmt: skip
@click.option(
    "--figure",
    type=click.Path(dir_okay=False),
    help="trends: also draw the chart (.svg, .png or .pdf).",
)
@click.option(
    "--codes", help="trends: codes or groups to chart, comma-separated (default: every group)."
)
@click.option(
    "--window",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="trends: moving window in years.",
)
@click.option(
    "--source",
    metavar="SOURCE",
    help="trends/report: whose codes count: coder:NAME, consensus, any or suggested (default: --coder's, "
    "else consensus with two or more coders, else the single coder, as in `reviewkit trends`). "
    "Deprecated: 'accepted' (the same as leaving it out).",
)
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@click.option("--raw", is_flag=True, help="CSV formats: write cells verbatim (no ' before = + - @ formulas).")
@click.option("--all", "all_documents", is_flag=True, help="Once screening has begun: every document, not only the included.")
@lead_option
@db_option
def export_cmd(
    fmt: str,
    out: str,
    coder: str | None,
    status: str,
    figure: str | None,
    codes: str | None,
    window: int,
    source: str | None,
    force: bool,
    raw: bool,
    all_documents: bool,
    lead: str | None,
    db_path: str,
) -> None:
    """Export the coded dataset as FORMAT to the file OUT.

    Formats: csv-long and jsonl (one row per document × passage × code × coder), csv-wide (one row
    per document, one 0/1 column per code), qdpx (REFI-QDA project for NVivo, ATLAS.ti, MAXQDA,
    QualCoder), ris (codes as keywords, for Zotero/EndNote), trends (CSV; --figure adds a chart),
    report (a methods section: OUT.md with its figures beside it, or a self-contained OUT.html; see
    docs/report.md). Trends are shares of the documents reviewed under the source, with the
    reviewed and published counts in each row. Once screening has begun only the included documents
    are exported (--all for every one). Files are written whole or not at all.

    Example:

    \b
        reviewkit export csv-long codings.csv --status all
        reviewkit export csv-wide matrix.csv --coder consensus
        reviewkit export qdpx review.qdpx
        reviewkit export trends trends.csv --figure trends.svg
        reviewkit export trends suggested.csv --source suggested --figure suggested.png
        reviewkit export report methods.md
        reviewkit export report methods.html
    """
    from reviewkit.project.exports import export

    store = project_store(db_path)
    gate(store, f"the {fmt} export", lead)
    if source == "accepted":
        warn("Warning: --source accepted is deprecated; use coder:NAME, consensus or any.")
    result = export(
        store,
        fmt,
        out,
        coder=coder,
        status=status,
        force=force,
        figure=figure,
        codes=codes,
        window=window,
        source=source,
        raw=raw,
        all_documents=all_documents,
    )
    counts = ", ".join(f"{k} {v}" for k, v in result.counts.items() if k not in ("figure",) and v != "")
    click.echo(f"Wrote {result.path} ({result.format}; {result.view}; {counts}).")
    for extra in result.files[1:]:
        click.echo(f"Wrote {extra}.")
    for w in result.warnings:
        warn(f"Warning: {w}")
