"""Provides the commands on coders' agreement: agreement, disagreements and codings import."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

import click

from reviewkit.cli.app import cli, db_option, json_option, project_store
from reviewkit.cli.blind import gate, lead_option
from reviewkit.cli.output import echo_json, echo_table, warn

if TYPE_CHECKING:
    from reviewkit.project import Store


def _coders(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [c.strip() for c in value.split(",") if c.strip()] or None


def _f(value: float | None, pct: bool = False) -> str:
    if value is None:
        return "–"
    return f"{100 * value:.1f}%" if pct else f"{value:.3f}"


@cli.command(name="agreement")
@click.option("--coders", help="Coders to compare, comma-separated (default: every coder but consensus).")
@click.option("--unit", type=click.Choice(["passage", "document"]), default="passage", show_default=True)
@click.option("--codes", help="Codes, groups or globs, comma-separated (default: every code).")
@click.option("--stage", type=click.Choice(["coding", "screening", "full_text"]), default="coding", show_default=True,
              help="Agreement of the codings, or of the include/exclude screening decisions (Cohen's kappa).")  # fmt: skip
@click.option("--sample", type=click.Choice(["all", "overlap"]), default="all", show_default=True,
              help="Units of every reviewed document, or only of the overlap sample of `reviewkit assign`.")  # fmt: skip
@lead_option
@json_option
@db_option
def agreement_cmd(
    coders: str | None, unit: str, codes: str | None, stage: str, sample: str, lead: str | None, as_json: bool,
    db_path: str,
) -> None:
    """Inter-coder agreement per code and overall, and the tagger scored against each coder.

    Percent agreement, Cohen's kappa (two coders) and Krippendorff's alpha (nominal; missing
    decisions allowed), with the Landis-Koch band; units no coder applied a code to are counted
    separately. Precision, recall, F1 and kappa of the tagger's suggestions per coder and code.

    Example:

    \b
        reviewkit agreement
        reviewkit agreement --coders alice,bob --unit document --codes upgrading --json
        reviewkit agreement --stage screening --coders alice,bob
        reviewkit agreement --sample overlap
    """
    from reviewkit.project.agreement import agreement

    store = project_store(db_path)
    gate(store, "agreement figures", lead)
    if stage != "coding":
        _screening_agreement(store, _coders(coders), stage, as_json)
        return
    report = agreement(store, _coders(coders), unit=unit, codes=codes, sample=sample)
    if as_json:
        echo_json(report.to_dict())
        return
    click.echo(f"Codebook {report.codebook}; unit: {report.unit}; coders: {', '.join(report.coders)}")
    if report.sample_documents is None:
        click.echo("Sample: every unit the coders reviewed (`--sample overlap` for the assigned overlap sample).")
    else:
        click.echo(f"Sample: the overlap sample of `reviewkit assign` ({report.sample_documents} documents).")
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
            optional=("agree (applied)", "all absent", "band", "units"),
        )
        click.echo(report.note)
        for c in [*inter.codes, inter.overall]:
            if c.cohen_kappa is None and c.alpha is None:
                click.echo(f"{c.code}: {c.kappa_note or c.alpha_note}")
    if report.tagger:
        tagger_rows = [
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
            tagger_rows,
            title="Tagger against each coder",
            optional=("band", "units", "tp", "fp", "fn"),
        )
    for w in report.warnings:
        warn(f"Note: {w}")


@cli.command(name="disagreements")
@click.option("--coders", help="Coders to compare, comma-separated (default: every coder but consensus).")
@click.option("--unit", type=click.Choice(["passage", "document"]), default="passage", show_default=True)
@click.option("--codes", help="Codes, groups or globs, comma-separated (default: every code).")
@click.option("--unresolved", is_flag=True, help="Only those the consensus coder has not decided yet.")
@lead_option
@json_option
@db_option
def disagreements_cmd(
    coders: str | None, unit: str, codes: str | None, unresolved: bool, lead: str | None, as_json: bool, db_path: str
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

    store = project_store(db_path)
    gate(store, "the disagreements", lead)
    items = list_disagreements(store, _coders(coders), unit=unit, codes=codes, unresolved_only=unresolved)
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
    echo_table(
        ("document", "field", "offsets", "code", *names, "consensus", "text"), rows, optional=("offsets", "field")
    )
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

    store = project_store(db_path)
    result = import_codings(store, file, coder=coder)
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(result.by_status.items()))
    click.echo(
        f"Imported {result.lines} decision line(s) for {', '.join(result.coders)} ({statuses}): "
        f"{result.added} new, {result.changed} changed, {result.unchanged} unchanged."
    )


def _screening_agreement(store: Store, coders: list[str] | None, stage: str, as_json: bool) -> None:
    from reviewkit.project.screening import screening_agreement

    r = screening_agreement(store, coders, stage="title_abstract" if stage == "screening" else stage)
    if as_json:
        echo_json({**asdict(r), "percent": r.percent})
        return
    click.echo(f"Screening ({r.stage}) agreement of {r.coders[0]} and {r.coders[1]}: {r.units} records both decided, "
               f"agreed on {r.agreed} ({_f(r.percent, True)}); Cohen's kappa {_f(r.kappa)}"
               + (f" ({r.band})" if r.band else f" — {r.note}"))  # fmt: skip
