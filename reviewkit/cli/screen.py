"""Provides the `screen` command group: title/abstract screening with a learning ranker (simulate)."""

from __future__ import annotations

import click

from reviewkit.cli.app import cli, db_option, default_coder, json_option, project_store
from reviewkit.cli.blind import gate, lead_option
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
        reviewkit screen protocol protocol.yaml
        reviewkit screen next --coder alice
        reviewkit screen decide 12 exclude --reason "wrong topic" --coder alice
        reviewkit screen status
        reviewkit screen stop --lead carol --note "heuristic reached"
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


stage_option = click.option("--stage", type=click.Choice(["title_abstract", "full_text"]), default="title_abstract",
                      show_default=True, help="Screening stage.")  # fmt: skip
_CODER = click.option("--coder", default=default_coder, show_default="$REVIEWKIT_CODER or login name",
                      help="The reviewer.")  # fmt: skip


@screen.command(name="protocol")
@click.argument("file", type=click.Path(dir_okay=False))
@db_option
def protocol_cmd(file: str, db_path: str) -> None:
    """Load the screening protocol (criteria text and exclusion reasons) from a YAML file.

    Without a protocol the reasons are: wrong topic, wrong population/setting, wrong study type,
    not a research article, language, duplicate missed. See docs/protocol-example.yaml.

    Example:

    \b
        reviewkit screen protocol docs/protocol-example.yaml
    """
    from reviewkit.project.screening_protocol import load_protocol

    found = load_protocol(project_store(db_path), file)
    click.echo(f"Protocol loaded from {file}: {len(found.criteria)} characters of criteria, "
               f"{len(found.reasons)} exclusion reasons ({', '.join(found.reasons)}).")  # fmt: skip


@screen.command()
@_CODER
@stage_option
@lead_option
@json_option
@db_option
def status(coder: str, stage: str, lead: str | None, as_json: bool, db_path: str) -> None:
    """Screening progress: screened / total, included, excluded per reason, maybe, conflicts, stopping aid.

    The stopping aid (records since the last inclusion, the model's estimate of relevant records
    left, the heuristic) is for --coder's own decisions; it is shown, never enforced.

    Example:

    \b
        reviewkit screen status --coder alice
        reviewkit screen status --stage full_text --json
    """
    from dataclasses import asdict

    from reviewkit.cli.screen_stop import stop_status
    from reviewkit.project.screening_rank import status as screening_status

    store = project_store(db_path)
    gate(store, "the screening status of every reviewer", lead)
    st = screening_status(store, coder, stage=stage)
    stop_lines, stop_json = stop_status(store, stage)
    if as_json:
        echo_json({**asdict(st), **stop_json})
        return
    for line in screening_status_lines(st) + stop_lines:
        click.echo(line)


def screening_status_lines(st: object) -> list[str]:
    """The lines `screen status` prints for a `ScreeningStatus`."""
    from reviewkit.project.screening_rank import ScreeningStatus

    assert isinstance(st, ScreeningStatus)
    left = "not yet (needs 10 decisions made while the model was trained)" if st.estimated_relevant_left is None \
        else f"{st.estimated_relevant_left:.1f}"  # fmt: skip
    lines = [
        f"Stage {st.stage}: screened {st.screened} / {st.total}; reviewers: {', '.join(st.reviewers) or 'none'}",
        f"included: {st.included}",
        f"excluded: {st.excluded}",
        *[f"  {reason}: {n}" for reason, n in st.excluded_by_reason],
        f"maybe: {st.maybe}",
    ]
    if st.stage == "full_text":
        lines.append(f"not retrieved: {st.not_retrieved}")
    lines += [
        f"conflicts: {st.conflicts}",
        f"{st.coder}: records since last inclusion: {st.since_last_inclusion}",
        f"{st.coder}: estimated relevant records left: {left}",
        f"heuristic: stop after {st.heuristic_run} exclusions in a row — "
        + ("reached" if st.heuristic_met else "not reached"),
    ]
    return lines


@screen.command(name="next")
@_CODER
@stage_option
@json_option
@db_option
def next_cmd(coder: str, stage: str, as_json: bool, db_path: str) -> None:
    """Print the record the ranker puts first for a reviewer (most likely relevant first).

    The model learns from this reviewer's decisions only (blind to the others); before it can be
    trained it ranks by similarity to the protocol's criteria and the reviewer's inclusions.

    Example:

    \b
        reviewkit screen next --coder alice
        reviewkit screen next --coder alice --json | jq .id
    """
    from reviewkit.project.screening_rank import next_record

    found = next_record(project_store(db_path), coder, stage=stage)
    if found is None:
        if as_json:
            echo_json(None)
        else:
            click.echo(f"Nothing left to screen for {coder} at {stage}.")
        return
    d = found.document
    if as_json:
        echo_json({"id": d.id, "key": d.key, "year": d.year, "title": d.title, "title_alt": d.title_alt,
                   "abstract": d.abstract, "keywords": list(d.keywords), "journal": d.journal,
                   "score": found.score, "trained": found.trained, "left": found.left})  # fmt: skip
        return
    click.echo(f"[{d.id}] {d.key} · {d.year or 'n.d.'} · {d.journal}")
    click.echo(d.title)
    if d.title_alt:
        click.echo(d.title_alt)
    for text in (d.abstract, d.abstract_alt, "; ".join(d.keywords)):
        if text:
            click.echo("\n" + text)
    how = "model" if found.trained else "cold start"
    click.echo(f"\nscore {found.score:.3f} ({how}); {found.left} left to screen")


@screen.command()
@click.argument("document")
@click.argument("decision", type=click.Choice(["include", "exclude", "maybe", "not_retrieved"]))
@click.option("--reason", default="", help="Exclusion reason (one of the protocol's; required with exclude).")
@click.option("--note", default="", help="A note on the decision.")
@_CODER
@stage_option
@db_option
def decide(
    document: str, decision: str, reason: str, note: str, coder: str, stage: str, db_path: str
) -> None:
    """Record a reviewer's screening decision on a document (by id or key); `screen undo` takes it back.

    Example:

    \b
        reviewkit screen decide 12 include --coder alice
        reviewkit screen decide 13 exclude --reason "wrong topic" --coder alice
        reviewkit screen decide 12 not_retrieved --stage full_text --coder alice
    """
    from reviewkit.project.screening import decide as screening_decide
    from reviewkit.project.screening_stop import current

    store = project_store(db_path)
    d = screening_decide(store, _ident(document), decision, coder, reason=reason, note=note, stage=stage)
    click.echo(f"{coder}: document {d.document_id} {d.decision}" + (f" ({d.reason})" if d.reason else ""))
    if (stopped := current(store, stage)) is not None:
        warn(f"Screening at {stage} was stopped on {stopped.stopped_at[:10]} by {stopped.lead}; this decision "
             f"counts, and the records left unscreened are one fewer (`reviewkit screen resume` lifts the stop).")  # fmt: skip


def _ident(value: str) -> int | str:
    return int(value) if value.isdigit() else value


@screen.command()
@_CODER
@db_option
def undo(coder: str, db_path: str) -> None:
    """Undo the reviewer's latest decision.

    Example:

    \b
        reviewkit screen undo --coder alice
    """
    from reviewkit.project.screening import undo as screening_undo

    step = screening_undo(project_store(db_path), coder)
    click.echo(
        f"{coder}: nothing to undo." if step is None else f"{coder}: undid {len(step.changes)} change(s)."
    )


@screen.command()
@stage_option
@lead_option
@json_option
@db_option
def conflicts(stage: str, lead: str | None, as_json: bool, db_path: str) -> None:
    """Documents on which reviewers' screening decisions differ and no lead reviewer has resolved.

    Example:

    \b
        reviewkit screen conflicts
        reviewkit screen resolve 12 include --lead carol
    """
    from reviewkit.project.screening import conflicts as screening_conflicts

    store = project_store(db_path)
    gate(store, "the screening conflicts", lead)
    found = screening_conflicts(store, stage=stage)
    rows = [[c.document_id, c.key, c.title[:60], "; ".join(f"{d.coder}: {d.decision}" + (f" ({d.reason})" if d.reason
             else "") for d in c.decisions)] for c in found]  # fmt: skip
    if as_json:
        echo_json([dict(zip(("id", "key", "title", "decisions"), r, strict=True)) for r in rows])
        return
    echo_table(["id", "key", "title", "decisions"], rows, title=f"{len(found)} conflict(s) at {stage}")


@screen.command()
@click.argument("document")
@click.argument("decision", type=click.Choice(["include", "exclude", "maybe", "not_retrieved"]))
@click.option("--lead", required=True, help="The lead reviewer who resolves.")
@click.option("--reason", default="", help="Exclusion reason (required with exclude).")
@click.option("--note", default="", help="A note on the resolution.")
@stage_option
@db_option
def resolve(
    document: str, decision: str, lead: str, reason: str, note: str, stage: str, db_path: str
) -> None:
    """A lead reviewer's final decision on a conflict (stored under the coder "consensus"; audited).

    Example:

    \b
        reviewkit screen resolve 12 include --lead carol
        reviewkit screen resolve 13 exclude --reason "wrong study type" --lead carol
    """
    from reviewkit.project.screening import resolve as screening_resolve

    store = project_store(db_path)
    gate(store, "resolving a conflict", lead)
    d = screening_resolve(
        store, _ident(document), decision, lead, reason=reason, note=note, stage=stage
    )
    click.echo(f"document {d.document_id}: {d.decision} ({d.note})")
