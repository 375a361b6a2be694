"""Provides the export use case: gather the coded dataset from the store and hand it to an exporter.

Whose codings are exported (the *view*):

- ``coder=NAME``: that coder's decisions;
- ``coder="consensus"``: the final decisions. For each passage × code, the consensus coder's
  decision when a lead reviewer adjudicated it; otherwise the decision every coder who reviewed the
  passage shares (left out, and counted in the warnings, when they still disagree);
- no coder: every coder's decisions for the long formats and qdpx (one row / coding per coder);
  the consensus view for csv-wide, ris, trends and report, which need one decision per code.

Files are written to a temporary file in the destination folder and renamed when complete.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any

import reviewkit.exporters  # noqa: F401  (registers the built-in exporters)
from reviewkit.errors import ExportError, NotFoundError, ReviewkitError
from reviewkit.exporters.base import (
    CodeInfo,
    CodingRow,
    DoneMark,
    ExportData,
    ReviewFacts,
    TrendPoint,
    atomic_path,
    check_writable,
)
from reviewkit.exporters.trends_figure import FIGURE_SUFFIXES
from reviewkit.project.agreement import Selection, select
from reviewkit.project.codebooks import resolve_codebook
from reviewkit.project.memos import memo_rows
from reviewkit.project.review import CONSENSUS
from reviewkit.project.scope import documents_in_scope, scope_note
from reviewkit.records import Document
from reviewkit.registry import exporters

if TYPE_CHECKING:
    from reviewkit.store import Store

STATUSES = ("accepted", "all")


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    format: str
    path: str
    view: str
    counts: dict[str, Any]
    files: tuple[str, ...] = ()
    """Every file written (the main one first)."""
    warnings: tuple[str, ...] = ()


@dataclass
class _View:
    name: str
    """Shown to the user: "all coders", "coder alice", "consensus"."""
    mode: str
    """all, coder or consensus."""
    coders: list[str]
    unresolved: int = 0
    warnings: list[str] = field(default_factory=list)


def formats() -> list[str]:
    """The registered export formats (short names, e.g. ``csv-long``)."""
    return sorted({name.rsplit(".v", 1)[0] for name in exporters.names()} | {"report"})


def consensus_rows(
    rows: Iterable[CodingRow], reviewers: dict[int, set[str]], view: _View | None = None
) -> Iterator[CodingRow]:
    """Merge every coder's decisions (ordered by passage, code) into one decision per passage × code.

    Args:
        rows: all coders' decisions, grouped by (passage, code) (the store's order).
        reviewers: passage id -> the human coders who made any decision on it.
        view: collects the number of unresolved disagreements.

    Yields:
        The consensus coder's decision where there is one; else the shared decision of the
        passage's reviewers (coder ``consensus``, origin ``agreed`` when two or more agree).
    """
    for (_pid, _code), group in groupby(rows, key=lambda r: (r.passage_id, r.code_id)):
        items = list(group)
        final = next((r for r in items if r.coder == CONSENSUS), None)
        if final is not None:
            yield final
            continue
        who = reviewers.get(items[0].passage_id, set())
        accepted = [r for r in items if r.status == "accepted"]
        if accepted and len(accepted) < len(who):
            if view is not None:
                view.unresolved += 1
            continue
        chosen = accepted or items
        if len(who) <= 1:
            yield chosen[0]
        else:
            yield replace(chosen[0], coder=CONSENSUS, origin="agreed")


def export(
    store: Store,
    fmt: str,
    out: str | Path,
    *,
    coder: str | None = None,
    status: str = "accepted",
    force: bool = False,
    figure: str | Path | None = None,
    codes: str | None = None,
    window: int = 1,
    project: str | None = None,
    source: str | None = None,
    raw: bool = False,
    all_documents: bool = False,
) -> ExportResult:
    """Export the coded dataset in `fmt` to `out`.

    Args:
        store: the project.
        fmt: a registered format (csv-long, jsonl, csv-wide, qdpx, ris, trends, report).
        out: the file to write.
        coder: a coder name or ``consensus`` (see the module docstring for the default).
        status: ``accepted`` (default) or ``all`` (adds rejected decisions to csv-long and jsonl).
        force: overwrite existing files.
        figure: trends / report: the chart (.svg, .png, .pdf); report default ``<OUT stem>-trends.svg``.
        codes: trends / report: codes or groups for the trends (default: every group).
        window: trends: trailing window in years.
        source: trends: ``coder:NAME``, ``consensus``, ``any`` or ``suggested`` (the rule of
            `reviewkit.project.trends.trends`); None: the coder given, else the project default
            (`reviewkit.project.state.default_source`); ``accepted`` is deprecated (mapped the same way).
        project: the project name written into qdpx and the report (default: the database file's stem).
        raw: CSV formats: write cells verbatim; by default a text cell starting with = + - @ tab or CR
            gets a leading ' so that spreadsheets do not run it as a formula.
        all_documents: once screening has begun, export every document, not only the included
            (`reviewkit.project.scope`); the result's warnings name the scope either way.

    Returns:
        What was written.

    Raises:
        UnknownComponentError: unknown format (lists the available ones).
        NotFoundError: unknown coder (lists the coders) or code, no codebook.
        ExportError: OUT (or the figure) exists without --force, or cannot be written.
    """
    if fmt == "report":
        return _methods_report(store, out, force=force, project=project, all_documents=all_documents,
                               source=trends_source(store, source, coder))  # fmt: skip
    exporter = exporters.get(fmt)()
    if status not in STATUSES:
        raise ReviewkitError(f"Unknown status {status!r}. Use one of: {', '.join(STATUSES)}.")
    out_path = Path(out)
    fig = Path(figure) if figure is not None else None
    if fig is not None and fig.suffix.lower() not in FIGURE_SUFFIXES:
        raise ExportError(f"Cannot draw {fig.name}: use a .svg, .png or .pdf file name for --figure.")
    check_writable(out_path, force)
    sel = select(store, None, None)
    if exporter.name in ("trends", "report"):
        source = trends_source(store, source, coder)
    view = _resolve_view(store, sel, coder, merged=getattr(exporter, "merged_view", False))
    scope = documents_in_scope(store, all_documents=all_documents)
    data = _export_data(
        store,
        sel,
        view,
        "all" if getattr(exporter, "all_statuses", False) else status,
        fig,
        codes,
        window,
        project,
        screened=getattr(exporter, "screened_only", False),
        source=source,
        scope=scope,
    )
    data.raw = raw
    for extra in exporter.extra_outputs(data, out_path):
        check_writable(extra, force)
    with atomic_path(out_path, force=force) as tmp:
        counts = exporter.write(data, tmp)
    warnings = list(view.warnings)
    if note := scope_note(store, scope):
        warnings.insert(0, f"exported {note}.")
    if view.unresolved:
        warnings.append(
            f"{view.unresolved} passage × code decision(s) on which the coders disagree were left out; "
            "list them with `reviewkit disagreements` and adjudicate in `reviewkit review`."
        )
    files = [str(out_path)] + [str(p) for p in exporter.extra_outputs(data, out_path) if p.exists()]
    return ExportResult(exporter.name, str(out_path), view.name, counts, tuple(files), tuple(warnings))


def _methods_report(
    store: Store, out: str | Path, *, force: bool, project: str | None, all_documents: bool, source: str
) -> ExportResult:
    from reviewkit.project.report import write_report

    facts, files = write_report(store, out, force=force, project=project, all_documents=all_documents, source=source)
    scope = documents_in_scope(store, all_documents=all_documents)
    warnings = [f"reported {note}."] if (note := scope_note(store, scope)) else []
    counts = {"documents": facts.documents, "reviewed": facts.review.documents_reviewed}
    return ExportResult("report", str(files[0]), f"trends source {source}", counts, tuple(str(f) for f in files), tuple(warnings))


def _resolve_view(store: Store, sel: Selection, coder: str | None, *, merged: bool) -> _View:
    from reviewkit.project.state import human_coders

    known = store.codings.coders(sel.codebook_name)
    workers = human_coders(store, sel.codebook_id)  # decisions or done marks: the coders trends count
    if coder is not None and coder != CONSENSUS and coder not in known and coder not in workers:
        raise NotFoundError(
            f"Unknown coder {coder!r}. Coders with decisions: {', '.join(known) or '(none yet)'}"
            f"{'' if CONSENSUS in known else ', or consensus'}."
        )
    if coder == CONSENSUS or (coder is None and merged):
        name = f"coder {workers[0]}" if len(workers) == 1 and CONSENSUS not in known else "consensus"
        return _View(name, "consensus", known)
    if coder is None:
        return _View("all coders", "all", known)
    return _View(f"coder {coder}", "coder", [coder])


def _codings(store: Store, sel: Selection, view: _View, status: str | None) -> Iterator[CodingRow]:
    if view.mode != "consensus":
        coders = None if view.mode == "all" else view.coders
        yield from store.codings.rows(sel.codebook_name, sel.codebook_id, coders=coders, status=status)
        return
    reviewers: dict[int, set[str]] = defaultdict(set)
    for d in store.codings.latest(sel.codebook_name):
        if d.coder != CONSENSUS:
            reviewers[d.passage_id].add(d.coder)
    rows = store.codings.rows(sel.codebook_name, sel.codebook_id)
    view.unresolved = 0
    for row in consensus_rows(rows, reviewers, view):
        if status is None or row.status == status:
            yield row


def _export_data(
    store: Store,
    sel: Selection,
    view: _View,
    status: str,
    figure: Path | None,
    codes: str | None,
    window: int,
    project: str | None,
    screened: bool = False,
    source: str | None = None,
    scope: set[int] | None = None,
) -> ExportData:
    book = sel.codebook
    parents = {c.parent for c in book.codes if c.parent}
    infos = [
        CodeInfo(
            c.id,
            c.label.get("en", ""),
            c.label.get("zh", ""),
            c.parent,
            c.definition,
            c.color,
            c.id not in parents,
        )
        for c in book.codes
    ]
    wanted = None if status == "all" else status

    def codings() -> Iterator[CodingRow]:
        return (r for r in _codings(store, sel, view, wanted) if scope is None or r.document_id in scope)

    def documents() -> Iterator[Document]:
        skip = store.screening.excluded() if screened else set()
        return (d for d in store.documents.iter() if d.id not in skip and (scope is None or d.id in scope))

    def review() -> ReviewFacts:
        facts, unresolved = review_facts(store, sel.codebook_id, view_source(view))
        if facts.source == CONSENSUS:
            view.unresolved = max(view.unresolved, unresolved)
        return facts

    def trends() -> list[TrendPoint]:
        from reviewkit.project.trends import trends as compute

        rows = compute(store, codes, source=source, window=window, codebook_id=sel.codebook_id, scope=scope)
        return [TrendPoint(t.year, t.code, t.documents, t.coded, t.share, t.published) for t in rows]

    def done_marks() -> Iterator[DoneMark]:
        who = set(view.coders) if view.mode == "coder" else {CONSENSUS} if view.mode == "consensus" else None
        marks = [m for m in store.reviews.all(sel.codebook_name) if who is None or m[2] in who]
        marks = [m for m in marks if scope is None or m[1] in scope]
        where = {q.id: q for q in store.passages.of_documents(sorted({m[1] for m in marks}))}
        stamps = {(r.passage_id, r.coder): r.reviewed_at for c in {m[2] for m in marks}
                  for r in store.reviews.list(c, sel.codebook_name)}  # fmt: skip
        for pid, doc_id, coder in marks:
            if (q := where.get(pid)) is not None:
                yield DoneMark(doc_id, q.field, q.start, q.end, coder, stamps.get((pid, coder), ""))

    full = resolve_codebook(store, name=sel.codebook_name)
    return ExportData(
        project=project or (Path(store.path).stem if store.path != ":memory:" else "reviewkit project"),
        codebook_name=sel.codebook_name,
        codebook_version=sel.codebook_version,
        codes=infos,
        documents=documents,
        codings=codings,
        coders=view.coders,
        view=view.name,
        status=status,
        trends=trends,
        trends_source="suggested" if source == "suggested" else "accepted",
        figure=figure,
        review=review,
        done_marks=done_marks,
        memos=lambda: memo_rows(store),
        generator=f"reviewkit {_version()}",
        codebook=full[1]
        if full and full[0] == sel.codebook_id and set(full[1].ids) == set(book.ids)
        else book,
    )


def trends_source(store: Store, source: str | None, coder: str | None) -> str:
    """The trends source of an export: the given one; else ``--coder`` (a name or consensus); else the default.

    The default is the one `reviewkit trends` uses (`reviewkit.project.state.default_source`).
    """
    from reviewkit.project.state import default_source, resolve_source

    if source not in (None, "", "accepted"):
        return resolve_source(store, source)
    if coder == CONSENSUS:
        return CONSENSUS
    return f"coder:{coder}" if coder else default_source(store)


def view_source(view: _View) -> str:
    """The review-state source of an export view: a coder's, consensus, or any (all coders)."""
    if view.mode == "coder":
        return f"coder:{view.coders[0]}"
    if view.mode == "consensus":
        return f"coder:{view.name[len('coder ') :]}" if view.name.startswith("coder ") else CONSENSUS
    return "any"


def review_facts(store: Store, codebook_id: int, source: str) -> tuple[ReviewFacts, int]:
    """Who reviewed what under `source` (the one rule of `reviewkit.analysis.review_state`), for the exporters.

    Returns:
        (the facts, how many passage × code pairs are unresolved under consensus).
    """
    from reviewkit.project.state import review_state

    state = review_state(store, codebook_id)
    view = state.view(source)
    facts = ReviewFacts(
        source=source,
        reviewed=view.reviewed,
        applied=dict(view.by_document),
        reviewed_by={d: r for d in state.passages if (r := state.reviewers(d))},
        passages_done={c: state.passages_done(c) for c in state.coders},
        consensus_reviewed=state.view(CONSENSUS).reviewed,
    )
    return facts, len(state.unresolved())


def _version() -> str:
    from reviewkit._version import __version__

    return __version__


