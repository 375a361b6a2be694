"""Provides the commands on the coded dataset: export, agreement, disagreements and codings import."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import click

from reviewkit.cli.app import cli, db_option, json_option
from reviewkit.cli.output import echo_json, echo_table, warn

FORMATS_HELP = "csv-long, jsonl, csv-wide, qdpx, ris, trends, report"


def _open(db_path: str) -> Any:
    from reviewkit.store import Store

    return Store.open(db_path, create=False)


def _coders(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [c.strip() for c in value.split(",") if c.strip()] or None


def _f(value: float | None, pct: bool = False) -> str:
    if value is None:
        return "–"
    return f"{100 * value:.1f}%" if pct else f"{value:.3f}"


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
    help="trends/report: also draw the chart (.svg, .png or .pdf).",
)
@click.option(
    "--codes", help="trends/report: codes or groups to chart, comma-separated (default: every group)."
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
    type=click.Choice(["accepted", "suggested"]),
    default="accepted",
    show_default=True,
    help="trends/report: chart reviewers' accepted codes, or the tagger's suggestions.",
)
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@click.option("--raw", is_flag=True, help="CSV formats: write cells verbatim (no ' before = + - @ formulas).")
@db_option
def export_cmd(
    fmt: str,
    out: str,
    coder: str | None,
    status: str,
    figure: str | None,
    codes: str | None,
    window: int,
    source: str,
    force: bool,
    raw: bool,
    db_path: str,
) -> None:
    """Export the coded dataset as FORMAT to the file OUT.

    Formats: csv-long and jsonl (one row per document × passage × code × coder), csv-wide (one row
    per document, one 0/1 column per code), qdpx (REFI-QDA project for NVivo, ATLAS.ti, MAXQDA,
    QualCoder), ris (codes as keywords, for Zotero/EndNote), trends (CSV; --figure adds a chart),
    report (Markdown methods report with a trends chart). Files are written whole or not at all.

    Example:

    \b
        reviewkit export csv-long codings.csv --status all
        reviewkit export csv-wide matrix.csv --coder consensus
        reviewkit export qdpx review.qdpx
        reviewkit export trends trends.csv --figure trends.svg
        reviewkit export trends suggested.csv --source suggested --figure suggested.png
        reviewkit export report methods.md
    """
    from reviewkit.project.exports import export

    store = _open(db_path)
    try:
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
        )
    finally:
        store.close()
    counts = ", ".join(f"{k} {v}" for k, v in result.counts.items() if k not in ("figure",) and v != "")
    click.echo(f"Wrote {result.path} ({result.format}; {result.view}; {counts}).")
    for extra in result.files[1:]:
        click.echo(f"Wrote {extra}.")
    for w in result.warnings:
        warn(f"Warning: {w}")


@cli.command(name="agreement")
@click.option("--coders", help="Coders to compare, comma-separated (default: every coder but consensus).")
@click.option("--unit", type=click.Choice(["passage", "document"]), default="passage", show_default=True)
@click.option("--codes", help="Codes, groups or globs, comma-separated (default: every code).")
@json_option
@db_option
def agreement_cmd(coders: str | None, unit: str, codes: str | None, as_json: bool, db_path: str) -> None:
    """Inter-coder agreement per code and overall, and the tagger scored against each coder.

    Percent agreement, Cohen's kappa (two coders) and Krippendorff's alpha (nominal; missing
    decisions allowed), with the Landis-Koch band; units no coder applied a code to are counted
    separately. Precision, recall, F1 and kappa of the tagger's suggestions per coder and code.

    Example:

    \b
        reviewkit agreement
        reviewkit agreement --coders alice,bob --unit document --codes upgrading --json
    """
    from reviewkit.project.agreement import agreement

    store = _open(db_path)
    try:
        report = agreement(store, _coders(coders), unit=unit, codes=codes)
    finally:
        store.close()
    if as_json:
        echo_json(report.to_dict())
        return
    click.echo(f"Codebook {report.codebook}; unit: {report.unit}; coders: {', '.join(report.coders)}")
    inter = report.intercoder
    if inter is not None:
        rows = [
            (
                c.code, c.units, c.units_all_absent, _f(c.percent_agreement, True), _f(c.percent_agreement_applied, True),
                _f(c.cohen_kappa), _f(c.alpha), c.kappa_band or c.alpha_band or "undefined",
            )
            for c in [*inter.codes, inter.overall]
        ]  # fmt: skip
        echo_table(
            ("code", "units", "all absent", "agree", "agree (applied)", "kappa", "alpha", "band"),
            rows,
            title="Inter-coder agreement",
        )
        click.echo(report.note)
        for c in [*inter.codes, inter.overall]:
            if c.cohen_kappa is None and c.alpha is None:
                click.echo(f"{c.code}: {c.kappa_note or c.alpha_note}")
    if report.tagger:
        rows = [
            (
                t.coder,
                t.code,
                t.units,
                t.tp,
                t.fp,
                t.fn,
                _f(t.precision),
                _f(t.recall),
                _f(t.f1),
                _f(t.kappa),
                t.kappa_band,
            )
            for t in report.tagger
        ]
        echo_table(
            ("coder", "code", "units", "tp", "fp", "fn", "precision", "recall", "F1", "kappa", "band"),
            rows,
            title="Tagger against each coder",
        )
    for w in report.warnings:
        warn(f"Note: {w}")


@cli.command(name="disagreements")
@click.option("--coders", help="Coders to compare, comma-separated (default: every coder but consensus).")
@click.option("--unit", type=click.Choice(["passage", "document"]), default="passage", show_default=True)
@click.option("--codes", help="Codes, groups or globs, comma-separated (default: every code).")
@click.option("--unresolved", is_flag=True, help="Only those the consensus coder has not decided yet.")
@json_option
@db_option
def disagreements_cmd(
    coders: str | None, unit: str, codes: str | None, unresolved: bool, as_json: bool, db_path: str
) -> None:
    """List the passages (or documents) and codes on which the coders differ.

    Adjudicate them in `reviewkit review` (Disagreements screen): the final decision is stored
    under the coder 'consensus' and recorded in the audit log.

    Example:

    \b
        reviewkit disagreements
        reviewkit disagreements --coders alice,bob --unresolved --json
    """
    from reviewkit.project.agreement import list_disagreements

    store = _open(db_path)
    try:
        items = list_disagreements(store, _coders(coders), unit=unit, codes=codes, unresolved_only=unresolved)
    finally:
        store.close()
    if as_json:
        echo_json([asdict(d) for d in items])
        return
    if not items:
        click.echo("No disagreements.")
        return
    names = list(items[0].decisions)
    rows = [
        (
            d.document_key, d.field or "document", "" if d.start is None else f"{d.start}-{d.end}", d.code_id,
            *(d.decisions[c] for c in names), d.consensus or "", d.text[:80],
        )
        for d in items
    ]  # fmt: skip
    echo_table(("document", "field", "offsets", "code", *names, "consensus", "text"), rows)
    click.echo(f"{len(items)} disagreement(s).")


@cli.group(name="codings")
def codings() -> None:
    """Coders' decisions from outside reviewkit.

    Example:

    \b
        reviewkit codings import coauthor.csv --coder bob
    """


@codings.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--coder", help="Record the decisions under this coder (default: the file's coder column).")
@db_option
def codings_import(file: str, coder: str | None, db_path: str) -> None:
    """Import human decisions from a long-format CSV or JSONL file (as written by `export csv-long`/`jsonl`).

    Passages are matched by document key and offsets (field, start, end) or by document key and
    passage text. Any unknown document, passage, code or status is reported by line and nothing
    is imported; otherwise all decisions are written at once (one undo step).

    Example:

    \b
        reviewkit codings import spreadsheet.csv --coder bob
        reviewkit codings import coauthor.jsonl --coder carol
    """
    from reviewkit.project.codings_import import import_codings

    store = _open(db_path)
    try:
        result = import_codings(store, file, coder=coder)
    finally:
        store.close()
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(result.by_status.items()))
    click.echo(
        f"Imported {result.lines} decision line(s) for {', '.join(result.coders)} ({statuses}): "
        f"{result.added} new, {result.changed} changed, {result.unchanged} unchanged."
    )
