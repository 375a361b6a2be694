"""Provides the methods report filled from the project: `report_facts` (typed facts) and `write_report`.

Every number comes from the same service the CLI prints it with: sources and duplicates from the
import log (`reviewkit stats`), screening from `reviewkit.project.screening` (`reviewkit screen
status`, `reviewkit agreement --stage screening`), the PRISMA counts from
`reviewkit.project.prisma` (`reviewkit prisma`), human review and trends from one
`reviewkit.analysis.review_state.ReviewState` (rule ``any``: a document counts as reviewed when some
coder marked every passage of it done), inter-coder agreement from `reviewkit.project.agreement`
(`reviewkit agreement`). Once screening has begun, review and trends cover the included documents
(`reviewkit.project.scope`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from reviewkit.errors import ReviewkitError
from reviewkit.report.facts import (
    AutoCodingFacts,
    CodeAgreement,
    CodebookFacts,
    CodeFacts,
    DedupeFacts,
    HumanReviewFacts,
    ReportFacts,
    ScreeningFacts,
    SourceFacts,
    TrendCell,
    TrendFacts,
)

if TYPE_CHECKING:
    from reviewkit.analysis.review_state import ReviewState
    from reviewkit.codebook.model import Codebook
    from reviewkit.store import Store

DEDUPE_RULE = (
    "Records sharing a DOI, or of the same year whose normalised titles (Chinese and English) were at "
    "least 95 % similar, were merged automatically at import, unless their DOIs, volumes, issues or "
    "pages differed; near-duplicate pairs from 80 % similarity were listed for a person to merge or keep"
)
FEW_POSITIVES = 5
"""Codes with fewer accepted passages than this are named in the limitations."""


def _sources(store: Store) -> tuple[SourceFacts, ...]:
    from reviewkit.project.prisma import source_label

    return tuple(
        SourceFacts(
            source_label(r.path, r.format), Path(r.path).name, r.format, date.fromisoformat(r.started_at[:10]),
            r.records, r.skipped,
        )  # fmt: skip
        for r in store.imports.list()
    )


def _review_state(store: Store, cb_id: int, cb_name: str, scope: set[int] | None) -> ReviewState:
    from reviewkit.analysis.review_state import Decision, PassageReview, ReviewState, SuggestedCode

    doc_ids = [d.id for d in store.documents.iter() if scope is None or d.id in scope]
    passages: dict[int, list[int]] = {d: [] for d in doc_ids}
    doc_of: dict[int, int] = {}
    for p in store.passages.of_documents(doc_ids):
        assert p.id is not None
        passages[p.document_id].append(p.id)
        doc_of[p.id] = p.document_id
    decisions = [
        Decision(c.passage_id, doc_of[c.passage_id], c.code_id, c.coder, c.status, c.origin)
        for c in store.codings.latest(cb_name)
        if c.passage_id in doc_of
    ]
    coders = {c.coder for c in decisions} | {a.coder for a in store.assignments.list(limit=10**9)}
    reviews = [
        PassageReview(r.passage_id, doc_of[r.passage_id], r.coder)
        for coder in sorted(coders)
        for r in store.reviews.list(coder, cb_name)
        if r.passage_id in doc_of
    ]
    assignments: dict[int, list[str]] = defaultdict(list)
    for a in store.assignments.list(limit=10**9):
        assignments[a.document_id].append(a.coder)
    suggestions = [
        SuggestedCode(s.passage_id, s.document_id, s.suggestion.code_id, s.suggestion.score, s.suggestion.threshold)
        for s in store.suggestions.list(codebook_id=cb_id)
        if s.passage_id in doc_of
    ]
    return ReviewState(passages, decisions, reviews, assignments, suggestions)


def _trends(store: Store, state: ReviewState, book: Codebook, scope: set[int] | None) -> TrendFacts | None:
    view = state.view("any")
    years = {d: y for d, y in store.documents.years().items() if y is not None and (scope is None or d in scope)}
    groups = [c for c in book.codes if not c.parent]
    members = {g.id: {c.id for c in book.codes if c.id == g.id or c.id.startswith(g.id + ".")} for g in groups}
    by_doc = view.by_document
    cells = []
    for year in sorted(set(years.values())):
        reviewed = [d for d in view.reviewed if years.get(d) == year]
        for g in groups:
            coded = sum(1 for d in reviewed if by_doc.get(d, frozenset()) & members[g.id])
            cells.append(TrendCell(str(year), g.id, len(reviewed), coded))
    if not any(c.reviewed for c in cells):
        return None
    unreviewed = sum(1 for d in years if d not in view.reviewed)
    return TrendFacts("any", tuple(cells), tuple((g.id, g.label.get("en", g.id)) for g in groups), "", unreviewed)


def _screening(store: Store) -> ScreeningFacts | None:
    from reviewkit.project.screening import CONSENSUS, FT, TA, counts, screening_agreement, screening_started

    if not screening_started(store):
        return None
    st = counts(store, stage=TA)
    per_doc = Counter(d.document_id for d in store.screening.list(stage=TA) if d.coder != CONSENSUS)
    kappa, band = None, ""
    if len(st.reviewers) >= 2:
        try:
            agreement = screening_agreement(store, stage=TA)
            kappa, band = agreement.kappa, agreement.band
        except ReviewkitError:
            pass
    resolved = sum(1 for d in store.screening.list(coder=CONSENSUS, stage=TA))
    return ScreeningFacts(
        reviewers=st.reviewers, blind=True, records_total=st.total, screened=st.screened, included=st.included,
        excluded=st.excluded, double_screened=sum(1 for n in per_doc.values() if n >= 2), kappa=kappa, kappa_band=band,
        conflicts_resolved=resolved, ranked=True, full_text=bool(store.screening.counts(FT)),
    )  # fmt: skip


def report_facts(store: Store, *, project: str | None = None, all_documents: bool = False) -> ReportFacts:
    """Everything the methods section states, from the project (see the module docstring).

    Raises:
        NotFoundError: the project has no codebook.
    """
    from reviewkit._version import __version__
    from reviewkit.project.agreement import agreement
    from reviewkit.project.blinding import was_blind
    from reviewkit.project.codebooks import resolve_codebook
    from reviewkit.project.prisma import prisma_counts
    from reviewkit.project.scope import documents_in_scope

    cb_id, book = resolve_codebook(store)
    scope = documents_in_scope(store, all_documents=all_documents)
    state = _review_state(store, cb_id, book.name, scope)
    automatic, manual = store.imports.duplicate_counts()
    runs = [r for r in store.suggestions.runs() if r.codebook_id == cb_id]
    run = runs[-1] if runs else None
    thresholds = tuple(sorted((run.config.get("thresholds") or {}).items())) if run else ()
    coders = tuple(c for c in state.coders if c != "consensus")
    any_view = state.view("any")
    done = set().union(*(state.passages_done(c) for c in state.coders)) if state.coders else set()
    # the reliability sample as `reviewkit agreement` counts it: documents every coder decided on
    touched = {c: {d.document_id for d in state.decisions if d.coder == c} for c in coders}
    overlap = set.intersection(*touched.values()) if touched else set()
    per_code: tuple[CodeAgreement, ...] = ()
    if len(coders) >= 2:
        inter = agreement(store).intercoder
        if inter is not None:
            per_code = tuple(
                CodeAgreement(a.code, a.units, a.cohen_kappa, a.alpha, a.percent_agreement or 0.0, a.kappa_band or a.alpha_band)
                for a in inter.codes
            )
    final = state.final
    accepted = Counter(code for _p, code in {(d.passage_id, d.code_id) for d in state.decisions if d.status == "accepted"})
    decided = {(d.passage_id, d.code_id) for d in state.decisions}
    prisma = prisma_counts(store) if _screening(store) is not None else None
    return ReportFacts(
        project=project or Path(store.path).stem,
        generated_on=date.today(),
        reviewkit_version=__version__,
        sources=_sources(store),
        documents=store.documents.count(),
        dedupe=DedupeFacts(DEDUPE_RULE, automatic, manual, len(store.documents.distinct_pairs())),
        codebook=CodebookFacts(book.name, book.version, tuple(
            CodeFacts(c.id, c.label.get("en", ""), c.label.get("zh", ""), c.definition) for c in book.codes
        )),  # fmt: skip
        auto_coding=AutoCodingFacts(
            model=run.model if run else "", tagger_version=run.tagger_version if run else "",
            passages=run.passages if run else 0, suggestions=run.suggestions if run else 0,
            thresholds=thresholds, decisions_learnt=run.decisions if run else 0,
        ),  # fmt: skip
        review=HumanReviewFacts(
            coders=coders, blind=was_blind(store), documents_reviewed=len(any_view.reviewed), documents_total=len(state.passages),
            passages_reviewed=len(done), passages_total=sum(len(p) for p in state.passages.values()),
            overlap_documents=len(overlap) if len(coders) >= 2 else 0, agreement=per_code,
            disagreements_resolved=sum(1 for d in state.decisions if d.coder == "consensus"),
            disagreements_unresolved=sum(1 for v in final.values() if v is None),
        ),  # fmt: skip
        trends=_trends(store, state, book, scope),
        screening=_screening(store),
        prisma=prisma if prisma is not None and not prisma.check() else None,
        unreviewed_suggestions=sum(1 for s in state.suggestions if (s.passage_id, s.code_id) not in decided),
        few_positives=tuple((c.id, accepted[c.id]) for c in book.leaves() if accepted[c.id] < FEW_POSITIVES),
        few_positives_below=FEW_POSITIVES,
    )


def write_report(
    store: Store, out: str | Path, *, force: bool = False, project: str | None = None, all_documents: bool = False
) -> tuple[ReportFacts, list[Path]]:
    """Write the methods section to ``OUT.md`` (figures beside it) or a self-contained ``OUT.html``.

    Returns:
        (facts, every file written, the report first).

    Raises:
        ExportError: unknown suffix, a file exists without `force`, or PRISMA counts that do not add up.
        NotFoundError: no codebook.
    """
    import shutil
    import tempfile

    from reviewkit.exporters.base import check_writable
    from reviewkit.report.methods import write_methods

    path = Path(out)
    facts = report_facts(store, project=project, all_documents=all_documents)
    with tempfile.TemporaryDirectory(dir=path.parent if str(path.parent) else ".") as tmp:
        written = write_methods(facts, Path(tmp) / path.name)
        finals = [path.with_name(p.name) for p in written]
        for f in finals:
            check_writable(f, force)
        for src, dst in zip(written, finals, strict=True):
            shutil.move(str(src), dst)
    return facts, finals
